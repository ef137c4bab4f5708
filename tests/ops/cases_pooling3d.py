"""Registry cases: the 3-d pools, the *_with_indices names and 5-d interpolate (pool3d-*)."""
import itertools
import math

import numpy as np

import autograd as ag
import nn.functional as F
from tests.ops.registry import Arg, OpCase

# 3-d pooling (pool3d-*: max_pool3d, avg_pool3d, adaptive 3-d pools, the *_with_indices names) and 5-d interpolate
# (nearest, nearest-exact, trilinear, area). The numpy references loop over every output position and every tap of its
# window, with PyTorch's rules (the first maximum wins, a NaN beats everything and the last NaN wins; the avg
# divisors; the adaptive windows [floor(i*n/o), ceil((i+1)*n/o)); the interpolation source indices). Shapes stay tiny
# for gradgradcheck.

CASES = []


def _case(name, fn, args, ref, **kw):
    CASES.append(OpCase(name, fn, args, ref, **kw))


def _triple(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * 3


def _batched(x):
    return (x, False) if x.ndim == 5 else (x[None], True)


def _out_len(n, k, s, p, d, ceil_mode):
    o = (n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    return o - 1 if ceil_mode and (o - 1) * s >= n + p else o


# ---------------------------------------------------------------------------- numpy references
def ref_max_pool3d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """(values, indices) by loops over outputs and taps; indices are flat positions in each D*H*W plane."""
    x5, unbatched = _batched(x)
    k = _triple(kernel_size)
    s = k if stride is None else _triple(stride)
    p, d = _triple(padding), _triple(dilation)
    n, c = x5.shape[:2]
    sp = x5.shape[2:]
    out = tuple(_out_len(*a, ceil_mode) for a in zip(sp, k, s, p, d))
    y = np.zeros((n, c) + out, dtype=x.dtype)
    idx = np.zeros((n, c) + out, dtype=np.int64)
    for b, ch in itertools.product(range(n), range(c)):
        for o in itertools.product(*(range(m) for m in out)):
            best, arg = None, None
            for t in itertools.product(*(range(m) for m in k)):
                q = tuple(oi * si - pi + ti * di for oi, si, pi, ti, di in zip(o, s, p, t, d))
                if not all(0 <= qi < m for qi, m in zip(q, sp)):
                    continue
                v = x5[(b, ch) + q]
                if best is None or v > best or np.isnan(v):
                    best, arg = v, (q[0] * sp[1] + q[1]) * sp[2] + q[2]
            y[(b, ch) + o], idx[(b, ch) + o] = best, arg
    return (y[0], idx[0]) if unbatched else (y, idx)


def ref_avg_pool3d(x, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                   divisor_override=None):
    """Average pooling by loops over outputs, with PyTorch's divisors (the padded window is clipped at n + p)."""
    x5, unbatched = _batched(x)
    k = _triple(kernel_size)
    s = k if stride is None else _triple(stride)
    p = _triple(padding)
    sp = x5.shape[2:]
    out = tuple(_out_len(*a, 1, ceil_mode) for a in zip(sp, k, s, p))
    y = np.zeros(x5.shape[:2] + out, dtype=x.dtype)
    for o in itertools.product(*(range(m) for m in out)):
        lo = [oi * si - pi for oi, si, pi in zip(o, s, p)]
        hi = [min(a + ki, n + pi) for a, ki, n, pi in zip(lo, k, sp, p)]
        clo = [max(a, 0) for a in lo]
        chi = [min(b, n) for b, n in zip(hi, sp)]
        total = x5[(slice(None),) * 2 + tuple(slice(a, b) for a, b in zip(clo, chi))].sum(axis=(2, 3, 4))
        if divisor_override:
            div = divisor_override
        elif count_include_pad:
            div = math.prod(b - a for a, b in zip(lo, hi))
        else:
            div = math.prod(b - a for a, b in zip(clo, chi))
        y[(slice(None),) * 2 + o] = total / div
    return y[0] if unbatched else y


def ref_adaptive3d(x, output_size, kind):
    """Adaptive avg pooling, or max pooling as (values, indices), by loops over PyTorch's windows."""
    x5, unbatched = _batched(x)
    n, c = x5.shape[:2]
    sp = x5.shape[2:]
    out = tuple(m if o is None else o for m, o in zip(sp, _triple(output_size)))
    ranges = [[(i * m // o, -(-(i + 1) * m // o)) for i in range(o)] for m, o in zip(sp, out)]
    y = np.zeros((n, c) + out, dtype=x.dtype)
    idx = np.zeros((n, c) + out, dtype=np.int64)
    for b, ch in itertools.product(range(n), range(c)):
        for o in itertools.product(*(range(m) for m in out)):
            window = [ranges[a][o[a]] for a in range(3)]
            taps = list(itertools.product(*(range(a, b) for a, b in window)))
            vals = [x5[(b, ch) + q] for q in taps]
            if kind == "avg":
                y[(b, ch) + o] = sum(vals) / len(vals)
                continue
            best = 0
            for j, v in enumerate(vals):
                if v > vals[best] or np.isnan(v):
                    best = j
            q = taps[best]
            y[(b, ch) + o], idx[(b, ch) + o] = vals[best], (q[0] * sp[1] + q[1]) * sp[2] + q[2]
    if kind == "avg":
        return y[0] if unbatched else y
    return (y[0], idx[0]) if unbatched else (y, idx)


def _source(o, n, out, scale, mode, align_corners):
    """[(source index, weight)] of output position o along one axis, by PyTorch's rules."""
    if mode in ("nearest", "nearest-exact"):
        f = np.float32(1.0 / scale) if scale else np.float32(n) / np.float32(out)
        shift = np.float32(0.5) if mode == "nearest-exact" else np.float32(0)
        return [(min(int(np.floor((np.float32(o) + shift) * f)), n - 1), 1.0)]
    if align_corners:
        src = o * (n - 1) / (out - 1) if out > 1 else 0.0
    else:
        src = max((o + 0.5) * (1.0 / scale if scale else n / out) - 0.5, 0.0)
    i0 = int(math.floor(src))
    return [(i0, 1 - (src - i0)), (min(i0 + 1, n - 1), src - i0)]


def ref_interpolate3d(x, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """5-d resampling by a loop over output positions: a weighted sum over the product of per-axis sources."""
    sp = x.shape[2:]
    if size is not None:
        out, scales = _triple(size), (None,) * 3
    else:
        scales = _triple(scale_factor)
        out = tuple(int(math.floor(m * f)) for m, f in zip(sp, scales))
    y = np.zeros(x.shape[:2] + out, dtype=x.dtype)
    for o in itertools.product(*(range(m) for m in out)):
        per_axis = [_source(o[a], sp[a], out[a], scales[a], mode, align_corners) for a in range(3)]
        for taps in itertools.product(*per_axis):
            w = math.prod(t[1] for t in taps)
            y[(slice(None),) * 2 + o] += w * x[(slice(None),) * 2 + tuple(t[0] for t in taps)]
    return y


# ---------------------------------------------------------------------------- max_pool3d
_MAX3D = [
    ("k2", (1, 2, 4, 4, 4), dict(kernel_size=2)),
    ("k2-odd", (2, 1, 3, 5, 3), dict(kernel_size=2)),
    ("k3s1p1", (1, 1, 3, 4, 3), dict(kernel_size=3, stride=1, padding=1)),
    ("tuple-args", (1, 1, 4, 5, 4), dict(kernel_size=(2, 3, 1), stride=(1, 2, 1), padding=(1, 1, 0))),
    ("dilation", (1, 1, 5, 4, 5), dict(kernel_size=2, stride=1, dilation=(2, 1, 3))),
    ("dilation-pad", (1, 1, 5, 5, 5), dict(kernel_size=3, stride=2, padding=1, dilation=2)),
    ("ceil", (1, 1, 5, 3, 5), dict(kernel_size=2, ceil_mode=True)),
    ("ceil-pad", (1, 1, 4, 5, 4), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ("k1s2", (1, 2, 3, 4, 3), dict(kernel_size=1, stride=2)),
    ("unbatched", (2, 4, 3, 4), dict(kernel_size=2, stride=1)),
    ("stride-list-empty", (1, 1, 4, 4, 2), dict(kernel_size=(2, 2, 1), stride=[])),
]
for name, xs, kw in _MAX3D:
    _case(f"pool3d-max_pool3d-{name}", lambda x, kw=kw: ag.max_pool3d(x, return_indices=True, **kw), [Arg(xs)],
          lambda x, kw=kw: ref_max_pool3d(x, **{k: v for k, v in kw.items() if v != []}))
_case("pool3d-max_pool3d-values-only", lambda x: F.max_pool3d(x, 2, 1), [Arg((1, 1, 3, 3, 3))],
      lambda x: ref_max_pool3d(x, 2, 1)[0])
_case("pool3d-max_pool3d-ties", lambda x: ag.max_pool3d(x, 2, return_indices=True),
      [Arg((1, 1, 2, 2, 4), values=[[[[[1.0, 1.0, 0.0, 2.0], [1.0, 0.5, 2.0, 2.0]],
                                      [[1.0, 1.0, 2.0, 0.0], [0.0, 0.0, 2.0, 2.0]]]]])],
      lambda x: ref_max_pool3d(x, 2), grad=False)
_case("pool3d-max_pool3d-nan", lambda x: ag.max_pool3d(x, 2, 1, return_indices=True),
      [Arg((1, 1, 2, 2, 3), values=[[[[[1.0, np.nan, 0.0], [np.nan, 0.5, 2.0]],
                                      [[np.nan, 1.0, 2.0], [0.0, 3.0, np.nan]]]]])],
      lambda x: ref_max_pool3d(x, 2, 1), grad=False)
_case("pool3d-max_pool3d-neg-inf-padding", lambda x: ag.max_pool3d(x, 3, 2, 1, 2, return_indices=True),
      [Arg((1, 1, 3, 3, 3), values=np.full((1, 1, 3, 3, 3), -np.inf))],
      lambda x: ref_max_pool3d(x, 3, 2, 1, 2), grad=False)
_case("pool3d-max_pool3d-int64", lambda x: ag.max_pool3d(x, 2, 1, 1, return_indices=True),
      [Arg((1, 2, 3, 2, 3), low=-5, high=5, dtype="int64")], lambda x: ref_max_pool3d(x, 2, 1, 1), grad=False)
_case("pool3d-max_pool3d-int8-min", lambda x: ag.max_pool3d(x, 3, 2, 1, return_indices=True),
      [Arg((1, 1, 3, 3, 3), values=np.full((1, 1, 3, 3, 3), -128), dtype="int8")],
      lambda x: ref_max_pool3d(x, 3, 2, 1), grad=False)
_case("pool3d-max_pool3d-empty-batch", lambda x: ag.max_pool3d(x, 2, 1, 1, return_indices=True),
      [Arg((0, 2, 3, 2, 3))], lambda x: ref_max_pool3d(x, 2, 1, 1))
_case("pool3d-max_pool3d-then-tanh", lambda x: ag.max_pool3d(x.tanh() * x, 2, 1, 1),
      [Arg((1, 1, 3, 2, 3))], lambda x: ref_max_pool3d(np.tanh(x) * x, 2, 1, 1)[0])

# ---------------------------------------------------------------------------- avg_pool3d
_AVG3D = [
    ("k2", (1, 2, 4, 4, 4), dict(kernel_size=2)),
    ("k3s2p1", (1, 1, 5, 3, 5), dict(kernel_size=3, stride=2, padding=1)),
    ("k3s2p1-exclude-pad", (1, 1, 5, 3, 5), dict(kernel_size=3, stride=2, padding=1, count_include_pad=False)),
    ("tuple-args", (1, 1, 4, 5, 3), dict(kernel_size=(2, 3, 1), stride=(1, 2, 1), padding=(1, 1, 0))),
    ("ceil", (1, 1, 5, 3, 5), dict(kernel_size=2, ceil_mode=True)),
    ("ceil-pad-exclude", (1, 1, 4, 5, 4), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True,
                                               count_include_pad=False)),
    ("ceil-pad-include", (1, 1, 4, 5, 4), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ("divisor-override", (1, 1, 3, 4, 3), dict(kernel_size=(2, 2, 3), stride=1, padding=1, divisor_override=5)),
    ("overlap", (1, 1, 4, 3, 4), dict(kernel_size=2, stride=1)),
    ("unbatched", (2, 4, 2, 4), dict(kernel_size=2)),
]
for name, xs, kw in _AVG3D:
    _case(f"pool3d-avg_pool3d-{name}", lambda x, kw=kw: F.avg_pool3d(x, **kw), [Arg(xs)],
          lambda x, kw=kw: ref_avg_pool3d(x, **kw))

# ---------------------------------------------------------------------------- adaptive 3-d pools
for os in [1, 2, (2, 1, 3), (None, 3, 2), (3, 4, 5), (2, 3, 4)]:
    _case(f"pool3d-adaptive_avg_pool3d-{os}", lambda x, os=os: F.adaptive_avg_pool3d(x, os),
          [Arg((1, 2, 3, 4, 4))], lambda x, os=os: ref_adaptive3d(x, os, "avg"))
    _case(f"pool3d-adaptive_max_pool3d-{os}", lambda x, os=os: F.adaptive_max_pool3d(x, os, return_indices=True),
          [Arg((1, 2, 3, 4, 4))], lambda x, os=os: ref_adaptive3d(x, os, "max"))
_case("pool3d-adaptive_avg_pool3d-unbatched", lambda x: F.adaptive_avg_pool3d(x, (2, 3, 2)), [Arg((2, 3, 5, 3))],
      lambda x: ref_adaptive3d(x, (2, 3, 2), "avg"))
_case("pool3d-adaptive_max_pool3d-unbatched", lambda x: F.adaptive_max_pool3d(x, (2, 3, 2), True),
      [Arg((2, 3, 5, 3))], lambda x: ref_adaptive3d(x, (2, 3, 2), "max"))
_case("pool3d-adaptive_max_pool3d-nan", lambda x: F.adaptive_max_pool3d(x, (1, 2, 1), True),
      [Arg((1, 1, 2, 3, 2), values=[[[[[np.nan, 1.0], [2.0, np.nan], [0.0, 5.0]],
                                      [[3.0, np.nan], [1.0, 0.0], [np.nan, 4.0]]]]])],
      lambda x: ref_adaptive3d(x, (1, 2, 1), "max"), grad=False)

# ---------------------------------------------------------------------------- the *_with_indices names
_case("pool3d-max_pool3d_with_indices", lambda x: F.max_pool3d_with_indices(x, 2, 1, 1),
      [Arg((1, 1, 3, 2, 3))], lambda x: ref_max_pool3d(x, 2, 1, 1))
_case("pool3d-adaptive_max_pool3d_with_indices", lambda x: F.adaptive_max_pool3d_with_indices(x, (2, 1, 2)),
      [Arg((1, 1, 3, 2, 3))], lambda x: ref_adaptive3d(x, (2, 1, 2), "max"))
# the 1-d / 2-d names, against the 3-d references on a unit D (and H) axis
_case("pool3d-max_pool2d_with_indices", lambda x: F.max_pool2d_with_indices(x, 2, 1, 1),
      [Arg((1, 2, 3, 4))], lambda x: tuple(a[:, :, 0] for a in ref_max_pool3d(x[:, :, None], (1, 2, 2), 1,
                                                                                (0, 1, 1))))
_case("pool3d-max_pool1d_with_indices", lambda x: ag.max_pool1d_with_indices(x, 3, 2, 1),
      [Arg((1, 2, 6))], lambda x: tuple(a[:, :, 0, 0] for a in ref_max_pool3d(x[:, :, None, None], (1, 1, 3),
                                                                                (1, 1, 2), (0, 0, 1))))
_case("pool3d-adaptive_max_pool2d_with_indices", lambda x: F.adaptive_max_pool2d_with_indices(x, (2, 3)),
      [Arg((1, 2, 3, 4))], lambda x: tuple(a[:, :, 0] for a in ref_adaptive3d(x[:, :, None], (1, 2, 3), "max")))
_case("pool3d-adaptive_max_pool1d_with_indices", lambda x: F.adaptive_max_pool1d_with_indices(x, 3),
      [Arg((1, 2, 5))], lambda x: tuple(a[:, :, 0, 0] for a in ref_adaptive3d(x[:, :, None, None], (1, 1, 3),
                                                                                "max")))

# ---------------------------------------------------------------------------- 5-d interpolate
_INTERP3D = [
    ("nearest-x2", (1, 1, 2, 2, 3), dict(scale_factor=2)),
    ("nearest-size", (1, 2, 2, 3, 2), dict(size=(3, 5, 3))),
    ("nearest-down", (1, 1, 4, 5, 3), dict(size=(3, 2, 2))),
    ("nearest-mixed-scale", (1, 1, 2, 4, 3), dict(scale_factor=(1.5, 0.5, 2))),
    ("nearest-exact-size", (1, 1, 2, 3, 3), dict(size=(3, 5, 2), mode="nearest-exact")),
    ("nearest-exact-scale", (1, 1, 3, 2, 2), dict(scale_factor=1.5, mode="nearest-exact")),
    ("trilinear-x2", (1, 1, 2, 2, 3), dict(scale_factor=2, mode="trilinear")),
    ("trilinear-size", (1, 2, 2, 3, 2), dict(size=(3, 4, 3), mode="trilinear")),
    ("trilinear-corners", (1, 1, 2, 3, 3), dict(size=(3, 4, 2), mode="trilinear", align_corners=True)),
    ("trilinear-scale1.7", (1, 1, 2, 2, 2), dict(scale_factor=1.7, mode="trilinear")),
    ("trilinear-down", (1, 1, 4, 3, 5), dict(size=(2, 2, 3), mode="trilinear")),
]
for name, xs, kw in _INTERP3D:
    _case(f"pool3d-interpolate-{name}", lambda x, kw=kw: F.interpolate(x, **kw), [Arg(xs)],
          lambda x, kw=kw: ref_interpolate3d(x, **kw))
_case("pool3d-interpolate-area", lambda x: F.interpolate(x, size=(2, 3, 2), mode="area"), [Arg((1, 1, 3, 4, 4))],
      lambda x: ref_adaptive3d(x, (2, 3, 2), "avg"))
