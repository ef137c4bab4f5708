"""Inference: eager tapegrad vs replayed tapegrad (autograd.trace) vs PyTorch eager, MLP, CNN and a 300-op chain."""
import argparse

import numpy as np

import autograd as ag
import nn
from benchmarks.common import interleaved_medians, report, torch_or_none


def _mlp(lib):
    return lib.Sequential(lib.Linear(784, 512), lib.ReLU(), lib.Linear(512, 512), lib.ReLU(), lib.Linear(512, 10))


def _cnn(lib):  # benchmarks/cnn.py's network
    return lib.Sequential(lib.Conv2d(1, 16, 3), lib.ReLU(), lib.MaxPool2d(2), lib.Conv2d(16, 32, 3), lib.ReLU(),
                          lib.MaxPool2d(2), lib.Flatten(), lib.Linear(800, 10))


class Chain:
    """300 elementwise ops on a 64-element tensor, as benchmarks/overhead.py (forward only)."""

    def __init__(self, y):
        self.y = y

    def __call__(self, x):
        for _ in range(75):
            x = (x * 1.01).tanh()
            x = (x + self.y).sin()
        return x


CASES = [("mlp b32", _mlp, (32, 784)), ("mlp b1", _mlp, (1, 784)), ("cnn b32", _cnn, (32, 1, 28, 28)),
         ("chain 300 ops", None, (64,))]


def _case(build, shape, torch):
    """(eager, replay, torch-or-None) no-argument functions for one case, checked against each other first."""
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal(shape, dtype=np.float32)
    x = ag.tensor(x_np)
    if build is None:
        y_np = rng.standard_normal(shape, dtype=np.float32)
        net = Chain(ag.tensor(y_np))
        theirs = Chain(torch.tensor(y_np)) if torch is not None else None
    else:
        ag.manual_seed(0)
        net = build(nn).eval()
        theirs = None
        if torch is not None:
            theirs = build(torch.nn).eval()
            theirs.load_state_dict({k: torch.tensor(v.numpy(force=True)) for k, v in net.state_dict().items()})
    traced = ag.trace(net, x)
    with ag.no_grad():
        np.testing.assert_array_equal(traced(x).numpy(), net(x).numpy())

    def eager():
        with ag.no_grad():
            net(x)

    def replay():
        with ag.no_grad():
            traced(x)

    fns = [eager, replay]
    if theirs is not None:
        tx = torch.tensor(x_np)
        with torch.no_grad(), ag.no_grad():
            np.testing.assert_allclose(theirs(tx).numpy(), net(x).numpy(), rtol=1e-4, atol=1e-5)

        def torch_eager():
            with torch.no_grad():
                theirs(tx)
        fns.append(torch_eager)
    return fns


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--repeat", type=int, default=30)
    args = p.parse_args(argv)
    torch = torch_or_none()
    for name, build, shape in CASES:
        fns = _case(build, shape, torch)
        times = interleaved_medians(fns, args.repeat)
        theirs = times[2] if len(times) > 2 else None
        report(f"trace {name}: eager", times[0], theirs)
        report(f"trace {name}: replay", times[1], theirs)
        print(f"{'trace ' + name + ': replay / eager':40s} {times[1] / times[0]:5.2f}")


if __name__ == "__main__":
    main()
