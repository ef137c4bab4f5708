"""Per-op overhead: a 300-op elementwise chain on a 64-element float32 tensor, forward + backward."""
import argparse

import numpy as np

import autograd as ag
from benchmarks.common import interleaved_medians, median_time, report, torch_or_none

N_OPS = 300


def chain(x, y):
    """300 ops: (mul by scalar, tanh, add a leaf, sin) repeated."""
    for i in range(N_OPS // 4):
        x = x * 1.01
        x = x.tanh()
        x = x + y
        x = x.sin()
    return x.sum()


def step_ours(x, y):
    x.grad = y.grad = None
    chain(x, y).backward()


def step_torch(x, y):
    x.grad = y.grad = None
    chain(x, y).backward()


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--repeat", type=int, default=30)
    args = p.parse_args()
    data = np.random.default_rng(0).standard_normal((2, 64)).astype(np.float32)
    x = ag.tensor(data[0], requires_grad=True)
    y = ag.tensor(data[1], requires_grad=True)
    torch = torch_or_none()
    theirs = None
    if torch is None:
        ours = median_time(lambda: step_ours(x, y), args.repeat) / (N_OPS + 1)
    else:
        torch.set_num_threads(1)
        tx = torch.tensor(data[0], requires_grad=True)
        ty = torch.tensor(data[1], requires_grad=True)
        ours, theirs = (t / (N_OPS + 1) for t in interleaved_medians(
            [lambda: step_ours(x, y), lambda: step_torch(tx, ty)], args.repeat))
        step_ours(x, y)
        step_torch(tx, ty)
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-4, atol=1e-5)
    report("overhead: us per op (fwd+bwd)", ours, theirs, unit="us", scale=1e6)


if __name__ == "__main__":
    main()
