"""CNN training step (conv3x3 1->16, relu, maxpool2, conv3x3 16->32, relu, maxpool2, linear 800->10; batch 32)."""
import argparse

from benchmarks.mlp import compare

OURS = """
import numpy as np, autograd as ag, nn, optim
def setup():
    ag.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16, 32, 3), nn.ReLU(),
                        nn.MaxPool2d(2), nn.Flatten(), nn.Linear(800, 10))
    opt = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    rng = np.random.default_rng(0)
    x = ag.tensor(rng.standard_normal((32, 1, 28, 28), dtype=np.float32))
    y = ag.tensor(rng.integers(0, 10, 32))
    return net, opt, x, y
def step(state):
    net, opt, x, y = state
    opt.zero_grad()
    loss = nn.functional.cross_entropy(net(x), y)
    loss.backward()
    opt.step()
"""

THEIRS = """
import numpy as np, torch
def setup():
    torch.manual_seed(0)
    nn = torch.nn
    net = nn.Sequential(nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16, 32, 3), nn.ReLU(),
                        nn.MaxPool2d(2), nn.Flatten(), nn.Linear(800, 10))
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    rng = np.random.default_rng(0)
    x = torch.tensor(rng.standard_normal((32, 1, 28, 28), dtype=np.float32))
    y = torch.tensor(rng.integers(0, 10, 32))
    return net, opt, x, y
def step(state):
    net, opt, x, y = state
    opt.zero_grad()
    loss = torch.nn.functional.cross_entropy(net(x), y)
    loss.backward()
    opt.step()
"""


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--repeat", type=int, default=30)
    args = p.parse_args()
    compare("cnn 28x28 b32", OURS, THEIRS, args.repeat)


if __name__ == "__main__":
    main()
