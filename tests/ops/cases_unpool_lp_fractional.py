"""Registry cases (pool_extra-*): max_unpool1d/2d/3d, lp_pool1d/2d/3d, fractional_max_pool2d/3d."""
import itertools
import math

import numpy as np

import nn.functional as F
from tests.ops.registry import Arg, OpCase

# The numpy references: unpooling puts values at flat plane indices; lp pooling sums x^p over windows (partial
# ceil_mode windows scaled by kernel size / count, as PyTorch's avg-pool composition does); fractional pooling places
# windows by PyTorch's start formula and takes each window's first maximum by enumerating its taps.

CASES = []


def _case(name, fn, args, ref, **kw):
    CASES.append(OpCase(f"pool_extra-{name}", fn, args, ref, **kw))


# ---------------------------------------------------------------------------- numpy references
def ref_unpool(x, idx, size):
    """x written at the flat plane indices idx (x's shape) of zero planes of spatial `size`."""
    nd = len(size)
    lead = x.shape[:-nd]
    out = np.zeros(lead + (math.prod(size),), dtype=x.dtype)
    np.put_along_axis(out, idx.reshape(lead + (-1,)), x.reshape(lead + (-1,)), axis=-1)
    return out.reshape(lead + tuple(size))


def _windows(n, k, s, ceil_mode):
    """Window starts along one axis of a pooling with no padding (PyTorch's output-size rule)."""
    o = (n - k + ((s - 1) if ceil_mode else 0)) // s + 1
    if ceil_mode and (o - 1) * s >= n:
        o -= 1
    return np.arange(o) * s


def ref_window_reduce(a, k, s, ceil_mode, reduce):
    """reduce ('sum' with the in-bounds counts, or 'max') over the windows of the last len(k) axes of a."""
    counts = np.ones(())
    for j, (kk, ss) in enumerate(zip(k, s)):
        axis = a.ndim - len(k) + j
        n = a.shape[axis]
        starts = _windows(n, kk, ss, ceil_mode)
        parts = []
        for st in starts:
            sl = np.take(a, np.arange(st, min(st + kk, n)), axis=axis)
            parts.append(sl.sum(axis=axis) if reduce == "sum" else sl.max(axis=axis))
        a = np.stack(parts, axis=axis)
        c = np.minimum(starts + kk, n) - starts
        counts = counts[..., None] * c
    return a, counts


def ref_lp_pool(x, p, k, s=None, ceil_mode=False):
    """PyTorch's lp pooling: window sums of x^p, partial windows scaled to the kernel size, to the power 1/p."""
    nd = len(k)
    s = k if s is None else s
    if p == math.inf:
        return ref_window_reduce(np.abs(x), k, s, ceil_mode, "max")[0]
    if p == -math.inf:
        return -ref_window_reduce(-np.abs(x), k, s, ceil_mode, "max")[0]
    sums, counts = ref_window_reduce(x ** p, k, s, ceil_mode, "sum")
    scaled = sums * (math.prod(k) / counts.reshape((1,) * (sums.ndim - nd) + counts.shape))
    return scaled ** (1.0 / p)


def ref_starts(u, n, out, k):
    """PyTorch's fractional window starts for samples u (any shape), computed in u's dtype."""
    dt = u.dtype.type
    if out == 1:
        return np.full(u.shape + (1,), n - k, dtype=np.int64)
    alpha = dt(n - k) / dt(out - 1)
    i = np.arange(out - 1, dtype=u.dtype)
    st = ((i + u[..., None]) * alpha).astype(np.int64) - (u[..., None] * alpha).astype(np.int64)
    return np.concatenate([st, np.full(u.shape + (1,), n - k, dtype=np.int64)], axis=-1)


def ref_fractional(x, k, out, samples):
    """(values, indices) of fractional max pooling: each window's first maximum (its last NaN if any)."""
    nd = len(k)
    batched = x.ndim == nd + 2
    xb = x if batched else x[None]
    n, c = xb.shape[:2]
    spatial = xb.shape[2:]
    cols = (1, 0) if nd == 2 else (0, 1, 2)
    starts = [ref_starts(samples[:n, :, j], sz, o, kk) for j, sz, o, kk in zip(cols, spatial, out, k)]
    vals = np.empty((n, c) + tuple(out), dtype=x.dtype)
    idx = np.empty((n, c) + tuple(out), dtype=np.int64)
    for b, ch in itertools.product(range(n), range(c)):
        for o in itertools.product(*(range(v) for v in out)):
            best, arg = -np.inf, None
            for t in itertools.product(*(range(kk) for kk in k)):
                pos = tuple(int(starts[d][b, ch, o[d]]) + t[d] for d in range(nd))
                v = xb[(b, ch) + pos]
                if arg is None:
                    arg = pos
                if v > best or np.isnan(v):
                    best, arg = v, pos
            vals[(b, ch) + o] = xb[(b, ch) + arg]
            idx[(b, ch) + o] = np.ravel_multi_index(arg, spatial)
    return (vals, idx) if batched else (vals[0], idx[0])


# ---------------------------------------------------------------------------- max_unpool
def _distinct(rng, lead, plane, area):
    """Flat indices: `plane` distinct positions out of `area` in every plane (no two values collide)."""
    rows = [rng.permutation(area)[:plane] for _ in range(math.prod(lead))]
    return np.array(rows, dtype=np.int64).reshape(lead + (plane,))


_RNG = np.random.default_rng(12)
_UNPOOL = [  # name, fn, input shape, kwargs, unpooled spatial size
    ("1d", F.max_unpool1d, (2, 2, 3), dict(kernel_size=2), (6,)),
    ("1d-unbatched", F.max_unpool1d, (2, 3), dict(kernel_size=3, stride=2, padding=1), (5,)),
    ("1d-output_size", F.max_unpool1d, (1, 2, 3), dict(kernel_size=2, output_size=(7,)), (7,)),
    ("2d", F.max_unpool2d, (2, 2, 2, 3), dict(kernel_size=2), (4, 6)),
    ("2d-stride-padding", F.max_unpool2d, (1, 2, 2, 3), dict(kernel_size=3, stride=2, padding=1), (3, 5)),
    ("2d-output_size", F.max_unpool2d, (1, 1, 2, 3), dict(kernel_size=2, output_size=(1, 1, 5, 7)), (5, 7)),
    ("2d-unbatched", F.max_unpool2d, (2, 2, 2), dict(kernel_size=(2, 3)), (4, 6)),
    ("3d", F.max_unpool3d, (1, 2, 2, 2, 2), dict(kernel_size=2), (4, 4, 4)),
    ("3d-unbatched", F.max_unpool3d, (1, 2, 1, 2), dict(kernel_size=(1, 2, 2), stride=(1, 2, 1)), (2, 2, 3)),
]
for name, fn, shape, kw, size in _UNPOOL:
    nd = len(size)
    idx = _distinct(_RNG, shape[:-nd], math.prod(shape[-nd:]), math.prod(size)).reshape(shape)
    _case(f"max_unpool{name}", lambda x, i, fn=fn, kw=kw: fn(x, i, **kw),
          [Arg(shape), Arg(shape, values=idx, dtype="int64", requires_grad=False)],
          lambda x, i, size=size: ref_unpool(x, i, size))


def _ref_pool_unpool(x):
    """max_unpool2d(max_pool2d(x, 2)) for even sizes: x where it is its 2x2 block's maximum, 0 elsewhere."""
    n, c, h, w = x.shape
    m = x.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))
    return np.where(x == np.repeat(np.repeat(m, 2, axis=2), 2, axis=3), x, 0.0)


_case("max_unpool2d-of-max_pool2d", lambda x: F.max_unpool2d(*F.max_pool2d(x, 2, return_indices=True), 2),
      [Arg((1, 2, 4, 4))], _ref_pool_unpool)

# ---------------------------------------------------------------------------- lp_pool
_LP = [  # name, fn, shape, p, kernel, stride, ceil_mode, low
    ("1d-p2", F.lp_pool1d, (2, 3, 6), 2, 2, None, False, -2.0),
    ("1d-p3-stride-ceil", F.lp_pool1d, (1, 2, 7), 3, 3, 2, True, 0.3),
    ("1d-p1-negative-sums", F.lp_pool1d, (1, 2, 6), 1, 3, 1, False, -2.0),
    ("1d-unbatched-p1.5", F.lp_pool1d, (2, 5), 1.5, 2, 1, False, 0.3),
    ("2d-p2", F.lp_pool2d, (1, 2, 4, 5), 2, 2, None, False, -2.0),
    ("2d-p1.5-ceil", F.lp_pool2d, (1, 2, 5, 4), 1.5, (3, 2), (2, 1), True, 0.3),
    ("2d-p-half", F.lp_pool2d, (1, 1, 4, 4), 0.5, 2, 1, False, 0.3),
    ("2d-p-negative", F.lp_pool2d, (1, 1, 4, 3), -1.0, 2, 1, False, 0.3),
    ("2d-inf", F.lp_pool2d, (1, 2, 4, 4), math.inf, 2, None, False, -2.0),
    ("2d-minus-inf", F.lp_pool2d, (1, 2, 4, 5), -math.inf, (2, 3), 1, True, -2.0),
    ("2d-unbatched", F.lp_pool2d, (2, 4, 4), 2, 3, 1, False, -2.0),
    ("3d-p2", F.lp_pool3d, (1, 1, 3, 4, 4), 2, 2, None, False, -2.0),
    ("3d-p3-ceil", F.lp_pool3d, (1, 1, 3, 3, 4), 3, (2, 2, 3), (1, 2, 2), True, 0.3),
    ("3d-inf-unbatched", F.lp_pool3d, (1, 3, 3, 4), math.inf, 2, 1, False, -2.0),
]
for name, fn, shape, p, k, s, ceil, low in _LP:
    nd = {F.lp_pool1d: 1, F.lp_pool2d: 2, F.lp_pool3d: 3}[fn]
    kt = k if isinstance(k, tuple) else (k,) * nd
    st = None if s is None else (s if isinstance(s, tuple) else (s,) * nd)
    _case(f"lp_pool{name}", lambda x, fn=fn, p=p, k=k, s=s, ceil=ceil: fn(x, p, k, s, ceil), [Arg(shape, low)],
          lambda x, p=p, kt=kt, st=st, ceil=ceil: ref_lp_pool(x, p, kt, st, ceil))

# ---------------------------------------------------------------------------- fractional_max_pool
_FRAC = [  # name, fn, shape, kernel, output_size, output_ratio, samples shape
    ("2d", F.fractional_max_pool2d, (2, 2, 5, 6), 2, (3, 4), None, (2, 2, 2)),
    ("2d-kernel-3x2", F.fractional_max_pool2d, (1, 2, 6, 5), (3, 2), (2, 3), None, (1, 2, 2)),
    ("2d-ratio", F.fractional_max_pool2d, (1, 2, 6, 6), 2, None, (0.5, 0.7), (1, 2, 2)),
    ("2d-output-1", F.fractional_max_pool2d, (1, 1, 4, 5), 2, 1, None, (1, 1, 2)),
    ("2d-unbatched", F.fractional_max_pool2d, (2, 5, 5), 2, 3, None, (1, 2, 2)),
    ("2d-more-samples", F.fractional_max_pool2d, (1, 1, 5, 5), 2, 2, None, (3, 1, 2)),
    ("3d", F.fractional_max_pool3d, (1, 2, 4, 4, 5), 2, (2, 2, 3), None, (1, 2, 3)),
    ("3d-unbatched", F.fractional_max_pool3d, (1, 5, 4, 4), (2, 1, 2), (3, 2, 2), None, (1, 1, 3)),
]
for name, fn, shape, k, size, ratio, sshape in _FRAC:
    nd = sshape[2]
    kt = k if isinstance(k, tuple) else (k,) * nd
    out = (tuple(int(n * r) for n, r in zip(shape[-nd:], ratio)) if size is None else
           (size if isinstance(size, tuple) else (size,) * nd))
    _case(f"fractional_max_pool{name}",
          lambda x, u, fn=fn, k=k, size=size, ratio=ratio: fn(x, k, size, ratio, _random_samples=u),
          [Arg(shape), Arg(sshape, 0.0, 1.0, requires_grad=False)],
          lambda x, u, kt=kt, out=out: ref_fractional(x, kt, out, u)[0])
_case("fractional_max_pool2d-indices",
      lambda x, u: F.fractional_max_pool2d(x, 2, (3, 3), return_indices=True, _random_samples=u),
      [Arg((1, 2, 5, 5)), Arg((1, 2, 2), 0.0, 1.0, requires_grad=False)],
      lambda x, u: ref_fractional(x, (2, 2), (3, 3), u))
_case("fractional_max_pool3d_with_indices",
      lambda x, u: F.fractional_max_pool3d_with_indices(x, 2, (2, 2, 2), _random_samples=u),
      [Arg((1, 1, 4, 4, 4)), Arg((1, 1, 3), 0.0, 1.0, requires_grad=False)],
      lambda x, u: ref_fractional(x, (2, 2, 2), (2, 2, 2), u))
