"""Conv2d forward + backward at strides 1 and 2, as a ratio to PyTorch (strided ones should not fall behind)."""
import numpy as np

import autograd as ag
from benchmarks.common import interleaved_medians, report, torch_or_none

# (batch, in channels, size, kernel, out channels, stride)
SHAPES = [(8, 32, 32, 3, 32, 1), (8, 32, 32, 3, 32, 2), (8, 64, 16, 3, 64, 1), (8, 64, 16, 3, 64, 2),
          (8, 32, 32, 1, 64, 2)]


def _step(lib, x, w, stride, pad):
    if lib is ag:
        return lambda: ag.conv2d(x, w, stride=stride, padding=pad).sum().backward()
    return lambda: lib.nn.functional.conv2d(x, w, stride=stride, padding=pad).sum().backward()


def main():
    torch = torch_or_none()
    rng = np.random.default_rng(0)
    for n, c, size, k, o, s in SHAPES:
        x = rng.standard_normal((n, c, size, size)).astype(np.float32)
        w = rng.standard_normal((o, c, k, k)).astype(np.float32)
        ours = _step(ag, ag.tensor(x, requires_grad=True), ag.tensor(w, requires_grad=True), s, k // 2)
        fns = [ours]
        if torch is not None:
            fns.append(_step(torch, torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True), s,
                             k // 2))
        times = interleaved_medians(fns, repeat=20, warmup=3)
        outputs = n * o * ((size + 2 * (k // 2) - k) // s + 1) ** 2
        report(f"conv{k}x{k} {c}->{o} on {size}x{size} stride {s} ({outputs} outputs)", times[0],
               times[1] if torch is not None else None)


if __name__ == "__main__":
    main()
