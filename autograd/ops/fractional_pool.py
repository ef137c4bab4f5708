"""Fractional max pooling (fractional_max_pool2d/3d): the max over pseudo-randomly placed, overlapping windows."""
import itertools
import math

import numpy as np

from .. import dtypes, gradmath, random
from .._tensor import Tensor
from .conv import check_input, ntuple
from .index import Gather

# Each (sample, channel) plane draws one number u in [0, 1) per spatial dim (or takes it from _random_samples); the
# windows along a dim of n inputs, out outputs and kernel k start at int((i + u) * a) - int(u * a) with a = (n - k) /
# (out - 1), the last one at n - k, computed in the input's dtype: PyTorch's rule, so the same samples give PyTorch's
# windows, values and indices. A window's winner is its first maximum in row-major order (its last NaN, if it holds
# one), as in PyTorch. The output gathers the winners, so the gradient is a scatter-add onto them.

__all__ = []  # torch has none of these at top level: nn.functional imports them
METHODS = {}

_AXES = ("time", "height", "width")


def _output_size(op, nd, input, output_size, output_ratio):
    """output_size as nd ints: given, or int(input size * ratio) per dim (PyTorch's functional rule)."""
    if output_size is None and output_ratio is None:
        raise ValueError(f"{op} requires specifying either an output_size or an output_ratio")
    if output_size is None:
        ratio = tuple(output_ratio) if hasattr(output_ratio, "__len__") else (output_ratio,)
        if len(ratio) == 1:
            ratio = ratio * nd
        if len(ratio) != nd or not all(isinstance(r, (int, float)) and not isinstance(r, bool) for r in ratio):
            raise ValueError(f"{op} requires output_ratio to be a number or a tuple of {nd} numbers, got "
                             f"{output_ratio!r}")
        return tuple(int(n * r) for n, r in zip(input.shape[-nd:], ratio))
    size = ntuple(output_size, nd, "output_size", op)
    if any(o < 0 for o in size):
        raise RuntimeError(f"{op}: output_size must be non-negative, got {size}")
    return size


def _check_samples(op, nd, input, samples, n, c):
    if not isinstance(samples, Tensor):
        raise TypeError(f"{op}: _random_samples must be a Tensor, got {type(samples).__name__}")
    shape = tuple(samples.shape)
    if samples.ndim != 3 or shape[1] != c or shape[2] != nd or shape[0] < n:
        raise RuntimeError(f"{op}: _random_samples must have shape (N, C, {nd}) = ({n}, {c}, {nd}) (at least {n} "
                           f"rows) for input of shape {tuple(input.shape)}, got {shape}")
    if samples.dtype != input.dtype:
        raise RuntimeError(f"{op}: _random_samples must have the input's dtype {input.dtype}, got {samples.dtype}")
    if type(samples.array) is not type(input.array):
        raise RuntimeError(f"{op}: input is on {input.device} but _random_samples is on {samples.device}; move one "
                           "with .to(device) first")
    return samples.array[:n]


def _starts(u, n, out, k):
    """Window starts (N, C, out) along one dim for the samples u (N, C), in u's dtype as PyTorch computes them."""
    xp = gradmath.xp(u)
    last = xp.full(u.shape + (min(out, 1),), n - k, dtype=np.int64)
    if out <= 1:
        return last
    dt = u.dtype.type
    alpha = dt(n - k) / dt(out - 1)
    i = xp.arange(out - 1, dtype=u.dtype)
    u = u[..., None]
    starts = ((i + u) * alpha).astype(np.int64) - (u * alpha).astype(np.int64)
    return xp.concatenate([starts, last], axis=-1)


def _winners(x, starts, k, spatial):
    """Flat in-plane index of each window's winner: x (N, C, P), starts[d] (N, C, out_d) -> (N, C, *out)."""
    xp = gradmath.xp(x)
    nd = len(spatial)
    strides = [math.prod(spatial[d + 1:]) for d in range(nd)]
    n, c = x.shape[:2]
    base = 0
    for d, (s, st) in enumerate(zip(starts, strides)):
        base = base + (s * st).reshape((n, c) + tuple(s.shape[-1] if e == d else 1 for e in range(nd)))
    arg = base.copy()
    best = xp.full(base.shape, -math.inf, dtype=x.dtype)
    for taps in itertools.product(*(range(kk) for kk in k)):  # the few taps of the kernel
        pos = base + sum(t * st for t, st in zip(taps, strides))
        v = xp.take_along_axis(x, pos.reshape(n, c, math.prod(pos.shape[2:])), axis=2).reshape(pos.shape)
        win = (v > best) | xp.isnan(v)
        best = xp.where(win, v, best)
        arg = xp.where(win, pos, arg)
    return arg


def _fractional(op, nd, input, kernel_size, output_size, output_ratio, return_indices, _random_samples):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected input to be a Tensor, got {type(input).__name__}")
    if input.dtype not in dtypes.FLOATS:
        raise NotImplementedError(f"{op}: not implemented for input dtype {input.dtype}; convert it with .float()")
    out = _output_size(op, nd, input, output_size, output_ratio)
    batched = check_input(input, nd, op)
    if 0 in tuple(input.shape[1:]):
        raise RuntimeError(f"{op}: expected input to have non-zero size for non-batch dimensions, but got input of "
                           f"shape {tuple(input.shape)}")
    k = ntuple(kernel_size, nd, "kernel_size", op)
    if any(kk < 1 for kk in k):
        raise RuntimeError(f"{op}: kernel_size must be positive, got {k}")
    spatial = tuple(input.shape[-nd:])
    for axis, n, o, kk in zip(_AXES[3 - nd:], spatial, out, k):
        if o + kk - 1 > n or (nd == 3 and o + kk - 1 == n):  # PyTorch's 3-d op also rejects o + k - 1 == n
            room = n - kk + (0 if nd == 3 else 1)
            raise RuntimeError(f"{op}: pool {axis} {kk} too large relative to input {axis} {n} for output size "
                               f"{out}: an output {axis} of at most {room} fits (input of shape {tuple(input.shape)})")
    n, c = tuple(input.shape[:2]) if batched else (1, input.shape[0])
    if _random_samples is None:
        u = random.rand(n, c, nd, dtype=input.dtype, device=input.device).array
    else:
        u = _check_samples(op, nd, input, _random_samples, n, c)
    # samples: (.., 0) is the width of a 2-d op; a 3-d op takes them in the order (time, height, width)
    order = (1, 0) if nd == 2 else (0, 1, 2)
    starts = [_starts(u[:, :, j], sz, o, kk) for j, sz, o, kk in zip(order, spatial, out, k)]
    plane = math.prod(spatial)
    x3 = input.reshape(n, c, plane)
    arg = _winners(x3.array, starts, k, spatial)
    xp = gradmath.xp(arg)
    where = (xp.arange(n).reshape(n, 1, 1), xp.arange(c).reshape(1, c, 1), arg.reshape(n, c, math.prod(out)))
    lead = (n, c) if batched else (c,)
    y = Gather.apply(x3, where).reshape(lead + out)
    if not return_indices:
        return y
    return y, Tensor._make(arg.reshape(lead + out), None, 0)


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    """Fractional max pooling over (N, C, H, W) or (C, H, W): the output and the flat in-plane indices of its maxima."""
    return _fractional("fractional_max_pool2d", 2, input, kernel_size, output_size, output_ratio, True,
                       _random_samples)


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    """Fractional max pooling over (N, C, D, H, W) or (C, D, H, W): the output and the flat indices of its maxima."""
    return _fractional("fractional_max_pool3d", 3, input, kernel_size, output_size, output_ratio, True,
                       _random_samples)


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """Fractional max pooling over (N, C, H, W) or (C, H, W), as torch.nn.functional.fractional_max_pool2d."""
    return _fractional("fractional_max_pool2d", 2, input, kernel_size, output_size, output_ratio, return_indices,
                       _random_samples)


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """Fractional max pooling over (N, C, D, H, W) or (C, D, H, W), as torch.nn.functional.fractional_max_pool3d."""
    return _fractional("fractional_max_pool3d", 3, input, kernel_size, output_size, output_ratio, return_indices,
                       _random_samples)
