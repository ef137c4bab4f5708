"""MLP training step (784-512-512-10, batch 128, SGD with momentum), tapegrad beside PyTorch CPU."""
import argparse

from benchmarks.common import interleaved_medians, peak_memory_mb, report, torch_or_none

OURS = """
import numpy as np, autograd as ag, nn, optim
def setup():
    ag.manual_seed(0)
    net = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    opt = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    rng = np.random.default_rng(0)
    x = ag.tensor(rng.standard_normal((128, 784), dtype=np.float32))
    y = ag.tensor(rng.integers(0, 10, 128))
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
    net = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512),
                              torch.nn.ReLU(), torch.nn.Linear(512, 10))
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    rng = np.random.default_rng(0)
    x = torch.tensor(rng.standard_normal((128, 784), dtype=np.float32))
    y = torch.tensor(rng.integers(0, 10, 128))
    return net, opt, x, y
def step(state):
    net, opt, x, y = state
    opt.zero_grad()
    loss = torch.nn.functional.cross_entropy(net(x), y)
    loss.backward()
    opt.step()
"""


def _stepper(code):
    """A no-argument function running one step of a snippet defining setup() and step()."""
    env = {}
    exec(code, env)
    state = env["setup"]()
    return lambda: env["step"](state)


def compare(name, ours_code, theirs_code, repeat):
    """Time (interleaved medians) and peak memory of both snippets, printed side by side."""
    torch = torch_or_none()
    fns = [_stepper(ours_code)] + ([_stepper(theirs_code)] if torch is not None else [])
    times = interleaved_medians(fns, repeat)
    report(f"{name}: step time", times[0], times[1] if torch is not None else None)
    mem_ours = peak_memory_mb(ours_code)
    mem_theirs = peak_memory_mb(theirs_code) if torch is not None else None
    report(f"{name}: peak memory growth", mem_ours, mem_theirs, unit="MB", scale=1)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--repeat", type=int, default=30)
    args = p.parse_args()
    compare("mlp 784-512-512-10 b128", OURS, THEIRS, args.repeat)


if __name__ == "__main__":
    main()
