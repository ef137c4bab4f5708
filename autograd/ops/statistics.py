"""Statistics: quantiles, nanmedian, mode, cummax/cummin, bincount, histograms, trapezoid, cov/corrcoef, diff."""
import collections
import math

import numpy as np

from .. import backend, dtypes, gradmath
from .._tensor import Tensor, _dim
from . import aliases
from .join import cat

_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")
_values_indices = {n: collections.namedtuple(n, ["values", "indices"])
                   for n in ("nanmedian", "mode", "cummax", "cummin")}
_histogram_result = collections.namedtuple("histogram", ["hist", "bin_edges"])
_histogramdd_result = collections.namedtuple("histogramdd", ["hist", "bin_edges"])


def _check_tensor(x, op, name="input"):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: {name} must be a tensor, got {type(x).__name__}")


def _const(arr):
    """A tensor that needs no gradient around a raw array."""
    return Tensor._make(arr, None, 0)


def _int_dim(dim, ndim, op):
    return _dim(dtypes.as_int(dim, op, "dim"), ndim, op)


# ---------------------------------------------------------------------------- quantile / nanquantile
def _quantile(input, q, dim, keepdim, interpolation, op, ignore_nan):
    _check_tensor(input, op)
    if input.array.dtype not in (np.float32, np.float64):
        raise RuntimeError(f"{op}() input tensor must be either float or double dtype, got {input.dtype}; "
                           "convert it with .float() first")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{op}() interpolation must be one of linear, lower, higher, midpoint or nearest, "
                           f"but got {interpolation}")
    xp = gradmath.xp(input.array)
    if isinstance(q, Tensor):
        if q.ndim > 1:
            raise RuntimeError(f"{op}() q must be a scalar or 1D tensor, got shape {tuple(q.shape)}")
        if q.dtype != input.dtype:
            raise RuntimeError(f"{op}() q tensor must be same dtype as the input tensor, got {q.dtype} and "
                               f"{input.dtype}")
        if q.device != input.device:
            raise RuntimeError(f"{op}() q tensor must be on the same device as the input tensor, got {q.device} "
                               f"and {input.device}; move it with .to(device)")
        scalar_q, qa = q.ndim == 0, q.array.reshape(-1)
        backend.check_later((qa < 0) | (qa > 1), RuntimeError, f"{op}() q values must be in the range [0, 1]")
    elif isinstance(q, (int, float)) and not isinstance(q, bool):
        if not 0 <= q <= 1:
            raise RuntimeError(f"{op}() q must be in the range [0, 1] but got {q}")
        scalar_q, qa = True, xp.asarray([q], dtype=input.array.dtype)
    else:
        raise TypeError(f"{op}() q must be a float or a tensor, got {type(q).__name__}")
    if dim is None:
        x, keep_shape = input.reshape(-1), (1,) * input.ndim
    else:
        d = _int_dim(dim, input.ndim, op)
        x = input.reshape(1) if input.ndim == 0 else input.movedim(d, -1)
        keep_shape = tuple(1 if i == d else s for i, s in enumerate(input.shape))
    n = x.shape[-1]
    if n == 0:
        raise RuntimeError(f"{op}() input tensor must be non-empty (got shape {tuple(input.shape)} reduced over "
                           f"dim {dim})")
    nan = xp.isnan(x.array)
    s = x.sort(-1).values  # NaN sorts last
    count = (n - nan.sum(-1, keepdims=True)) if ignore_nan else xp.full(nan.shape[:-1] + (1,), n)
    pos = qa * (xp.maximum(count, 1) - 1).astype(qa.dtype)  # (..., Q)
    if interpolation == "lower":
        pos = xp.floor(pos)
    elif interpolation == "higher":
        pos = xp.ceil(pos)
    elif interpolation == "nearest":
        pos = xp.round(pos)
    lo = xp.floor(pos).astype(np.int64)
    hi = xp.ceil(pos).astype(np.int64)
    vlo, vhi = s.take_along_dim(_const(lo), -1), s.take_along_dim(_const(hi), -1)
    if interpolation == "midpoint":
        out = vlo + (vhi - vlo) * _const(xp.where(lo == hi, 0.0, 0.5).astype(qa.dtype))
    else:
        out = vlo + (vhi - vlo) * _const((pos - lo).astype(qa.dtype))
    bad = (count == 0) if ignore_nan else nan.any(-1, keepdims=True)
    out = out.masked_fill(_const(xp.broadcast_to(bad, out.shape)), math.nan)
    if keepdim:
        out = out.reshape(x.shape[:-1] + (1, -1)) if dim is not None else out
        out = out.movedim(-1, 0).reshape((qa.shape[0],) + keep_shape)
    else:
        out = out.movedim(-1, 0)
    return out[0] if scalar_q else out


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", axis=None, keepdims=None):
    """The q-th quantiles of input along dim (all elements by default); a NaN in a slice gives NaN."""
    dim, keepdim = aliases.dims("quantile", dim, keepdim, axis, keepdims)
    return _quantile(input, q, dim, keepdim, interpolation, "quantile", False)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", axis=None, keepdims=None):
    """quantile that ignores NaN values (a slice of only NaN gives NaN)."""
    dim, keepdim = aliases.dims("nanquantile", dim, keepdim, axis, keepdims)
    return _quantile(input, q, dim, keepdim, interpolation, "nanquantile", True)


# ---------------------------------------------------------------------------- nanmedian / mode / msort
def _along_last(input, dim, op):
    d = _int_dim(dim, input.ndim, op)
    return d, (input.reshape(1) if input.ndim == 0 else input.movedim(d, -1))


def _finish(values, indices, input, d, keepdim, name):
    """Put the reduced dim back (keepdim) or drop it, as (values, indices)."""
    if input.ndim == 0:
        values, indices = values.reshape(()), indices.reshape(())
    elif keepdim:
        values, indices = values.movedim(-1, d), indices.movedim(-1, d)
    else:
        values, indices = values.squeeze(-1), indices.squeeze(-1)
    return _values_indices[name](values, indices)


def nanmedian(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """The lower median ignoring NaN; with dim, (values, indices) along dim."""
    dim, keepdim = aliases.dims("nanmedian", dim, keepdim, axis, keepdims)
    _check_tensor(input, "nanmedian")
    if dim is None:
        if input.numel() == 0:
            return _const(gradmath.xp(input.array).full((), math.nan, dtype=input.array.dtype))
        return nanmedian(input.reshape(-1), 0).values
    d, x = _along_last(input, dim, "nanmedian")
    if x.shape[-1] == 0:
        raise IndexError(f"nanmedian(): expected reduction dim {dim} to have non-zero size, got shape "
                         f"{tuple(input.shape)}")
    xp = gradmath.xp(x.array)
    order = x.argsort(-1, stable=True).array
    count = x.shape[-1] - xp.isnan(x.array).sum(-1, keepdims=True)
    idx = xp.take_along_axis(order, xp.maximum((count - 1) // 2, 0), -1)
    return _finish(x.take_along_dim(_const(idx), -1), _const(idx), input, d, keepdim, "nanmedian")


def mode(input, dim=-1, keepdim=False, *, axis=None, keepdims=None):
    """(values, indices): the most frequent value along dim (the smallest on ties) and its last index."""
    dim, keepdim = aliases.dims("mode", dim, keepdim, axis, keepdims, -1)
    _check_tensor(input, "mode")
    d, x = _along_last(input, dim, "mode")
    n = x.shape[-1]
    if n == 0:
        raise IndexError(f"mode(): expected reduction dim {dim} to have non-zero size, got shape "
                         f"{tuple(input.shape)}")
    xp = gradmath.xp(x.array)
    order = x.argsort(-1, stable=True).array
    s = xp.take_along_axis(x.array, order, -1)
    start = xp.ones(s.shape, dtype=bool)
    start[..., 1:] = s[..., 1:] != s[..., :-1]
    run = xp.cumsum(start, -1) - 1  # the run each sorted position belongs to
    starts = xp.argsort(~start, -1, kind="stable")  # the runs' first positions, in order, come first
    length = xp.arange(n) - xp.take_along_axis(starts, run, -1)  # position within its run
    best = xp.argmax(length, -1)[..., None]  # the end of the longest run of the smallest value
    idx = xp.take_along_axis(order, best, -1)
    return _finish(x.take_along_dim(_const(idx), -1), _const(idx), input, d, keepdim, "mode")


def msort(input):
    """input sorted along its first dim."""
    _check_tensor(input, "msort")
    return input.sort(0).values


# ---------------------------------------------------------------------------- cummax / cummin
def _cum_extreme(input, dim, op, ufunc):
    _check_tensor(input, op)
    if input.dtype == "bool" and ufunc is np.minimum:
        raise RuntimeError(f"{op}: bool input is not supported; convert it with .int() first")
    d, x = _along_last(input, dim, op)
    xp = gradmath.xp(x.array)
    a = x.array
    m = ufunc.accumulate(a, axis=-1) if a.shape[-1] else a
    hit = a == m
    if a.dtype.kind in "fc":
        hit |= xp.isnan(a)
    pos = xp.where(hit, xp.arange(a.shape[-1]), 0)
    idx = np.maximum.accumulate(pos, axis=-1) if a.shape[-1] else pos.astype(np.int64)
    idx = idx.astype(np.int64, copy=False)
    values = x.take_along_dim(_const(idx), -1)
    if input.ndim == 0:
        return _values_indices[op](values.reshape(()), _const(idx.reshape(())))
    return _values_indices[op](values.movedim(-1, d), _const(idx).movedim(-1, d))


def cummax(input, dim=None, *, axis=None):
    """(values, indices): the running maximum along dim and where it was last reached."""
    return _cum_extreme(input, aliases.required_dim("cummax", dim, axis), "cummax", np.maximum)


def cummin(input, dim=None, *, axis=None):
    """(values, indices): the running minimum along dim and where it was last reached."""
    return _cum_extreme(input, aliases.required_dim("cummin", dim, axis), "cummin", np.minimum)


# ---------------------------------------------------------------------------- bincount / histograms
def bincount(input, weights=None, minlength=0):
    """Counts of each value of a 1-D non-negative integer tensor (sums of weights when given); no gradient."""
    _check_tensor(input, "bincount")
    a = input.array
    if a.ndim != 1 or a.dtype.kind not in "iu":
        raise RuntimeError(f"bincount only supports 1-d non-negative integral inputs; got shape "
                           f"{tuple(input.shape)} and dtype {input.dtype}")
    minlength = dtypes.as_int(minlength, "bincount", "minlength")
    if minlength < 0:
        raise RuntimeError(f"bincount: minlength should be >= 0, got {minlength}")
    xp = gradmath.xp(a)
    if a.size and bool((a < 0).any()):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs; got a negative value")
    if weights is None:
        return _const(xp.bincount(a, minlength=minlength).astype(np.int64))
    _check_tensor(weights, "bincount", "weights")
    if weights.shape != input.shape:
        raise RuntimeError(f"bincount: weights should be 1-d and have the same length as input, got shapes "
                           f"{tuple(weights.shape)} and {tuple(input.shape)}")
    w = weights.array
    out_dtype = w.dtype if w.dtype in (np.float32, np.float64) else np.float64
    return _const(xp.bincount(a, weights=w, minlength=minlength).astype(out_dtype))


def _float_input(input, op):
    _check_tensor(input, op)
    if input.array.dtype.kind != "f":
        raise RuntimeError(f"{op}: input tensor must be of a floating point dtype, got {input.dtype}; "
                           "convert it with .float() first")


def histc(input, bins=100, min=0, max=0):
    """A histogram of `bins` equal bins over [min, max] (the data's range when min == max); no gradient."""
    _float_input(input, "histc")
    bins = dtypes.as_int(bins, "histc", "bins")
    if bins <= 0:
        raise RuntimeError(f"histc: bins must be > 0, but got {bins}")
    if min > max:
        raise RuntimeError(f"histc: max must be larger than min, got min {min} and max {max}")
    xp = gradmath.xp(input.array)
    a = input.array.reshape(-1)
    lo, hi = float(min), float(max)
    if lo == hi and a.size:
        lo, hi = float(a.min()), float(a.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f"histc: range of [{lo}, {hi}] is not finite")
    inside = a[(a >= lo) & (a <= hi)]
    hist = xp.histogram(inside, bins=bins, range=(lo, hi))[0]
    return _const(hist.astype(input.array.dtype))


def _hist_weight(input, weight, op, shape):
    if weight is None:
        return None
    _check_tensor(weight, op, "weight")
    if tuple(weight.shape) != shape:
        raise RuntimeError(f"{op}: if weight tensor is provided it should have the same shape as the input "
                           f"(without the last dim for histogramdd), got {tuple(weight.shape)} and {shape}")
    return weight.array.reshape(-1)


def _check_range(range, op):
    if range is not None and (len(range) != 2 or range[0] > range[1]):
        raise ValueError(f"{op}: range must be a (min, max) pair with min <= max, got {range}")


def histogram(input, bins, *, range=None, weight=None, density=False):
    """(hist, bin_edges): a histogram with `bins` equal bins (or the given edges), optionally weighted or a density."""
    _float_input(input, "histogram")
    _check_range(range, "histogram")
    w = _hist_weight(input, weight, "histogram", tuple(input.shape))
    xp = gradmath.xp(input.array)
    if isinstance(bins, Tensor):
        if bins.ndim != 1 or bins.numel() < 1:
            raise RuntimeError(f"histogram: bins tensor should be 1-D with at least one edge, got shape "
                               f"{tuple(bins.shape)}")
        edges = bins.array.astype(input.array.dtype)
    else:
        bins = dtypes.as_int(bins, "histogram", "bins")
        if bins <= 0:
            raise RuntimeError(f"histogram: bins must be > 0, but got {bins}")
        a = input.array
        lo, hi = (float(range[0]), float(range[1])) if range is not None else (
            (float(a.min()), float(a.max())) if a.size else (0.0, 0.0))
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        edges = xp.linspace(lo, hi, bins + 1).astype(input.array.dtype)
    hist, _ = xp.histogram(input.array.reshape(-1), bins=edges, weights=w, density=density)
    return _histogram_result(_const(hist.astype(input.array.dtype)), _const(edges))


def histogramdd(input, bins, *, range=None, weight=None, density=False):
    """(hist, bin_edges): a histogram of the points in input's last dim (bins: an int, ints per dim, or edges)."""
    _float_input(input, "histogramdd")
    if input.ndim < 1:
        raise RuntimeError("histogramdd: input should have at least 1 dimension, got a 0-d tensor")
    k = input.shape[-1]
    pts = input.array.reshape(-1, k)
    w = _hist_weight(input, weight, "histogramdd", tuple(input.shape[:-1]))
    if range is not None and len(range) != 2 * k:
        raise RuntimeError(f"histogramdd: range should have {2 * k} elements (min and max per dim), got "
                           f"{len(range)}")
    if isinstance(bins, (list, tuple)) and bins and isinstance(bins[0], Tensor):
        edges = [b.array.astype(pts.dtype) for b in bins]
        if len(edges) != k:
            raise RuntimeError(f"histogramdd: expected {k} bin edge tensors, got {len(edges)}")
    else:
        counts = [bins] * k if isinstance(bins, int) else list(bins)
        if len(counts) != k or any(not isinstance(c, int) or c <= 0 for c in counts):
            raise RuntimeError(f"histogramdd: bins should be a positive int or {k} positive ints, got {bins}")
        edges = []
        for i, c in enumerate(counts):
            col = pts[:, i]
            lo, hi = (float(range[2 * i]), float(range[2 * i + 1])) if range is not None else (
                (float(col.min()), float(col.max())) if col.size else (0.0, 0.0))
            if lo == hi:
                lo, hi = lo - 0.5, hi + 0.5
            edges.append(np.linspace(lo, hi, c + 1).astype(pts.dtype))
    hist, _ = np.histogramdd(pts, bins=edges, weights=w, density=density)
    return _histogramdd_result(_const(hist.astype(pts.dtype)), [_const(e) for e in edges])


# ---------------------------------------------------------------------------- trapezoid / diff
def _sliced(x, d, start, stop):
    return x[(slice(None),) * d + (slice(start, stop),)]


def _spacings(y, x, dx, dim, op):
    _check_tensor(y, op, "y")
    d = _int_dim(dim, y.ndim, op)
    if x is not None and dx is not None:
        raise TypeError(f"{op}: give x or dx, not both")
    if isinstance(x, Tensor):
        if x.ndim == 1:
            if x.shape[0] != y.shape[d]:
                raise RuntimeError(f"{op}: x has {x.shape[0]} entries but y has {y.shape[d]} along dim {dim}")
            h = x.diff().reshape((-1,) + (1,) * (y.ndim - 1 - d))
        else:
            h = x.diff(dim=dim)
        return d, h
    if x is not None:
        return d, x
    return d, 1 if dx is None else dx


def trapezoid(y, x=None, *, dx=None, dim=-1, axis=None):
    """The integral of y along dim by the trapezoidal rule (sample points x, or an even spacing dx)."""
    dim = aliases.dim("trapezoid", dim, axis, -1)
    d, h = _spacings(y, x, dx, dim, "trapezoid")
    if y.shape[d] == 0:
        return y.sum(d)
    mid = (_sliced(y, d, 1, None) + _sliced(y, d, None, -1)) * 0.5
    return (mid * h).sum(d)


def trapz(y, x=None, *, dx=None, dim=-1, axis=None):
    """Alias of trapezoid."""
    return trapezoid(y, x, dx=dx, dim=dim, axis=axis)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1, axis=None):
    """The running trapezoidal integral of y along dim (one entry fewer than y)."""
    dim = aliases.dim("cumulative_trapezoid", dim, axis, -1)
    d, h = _spacings(y, x, dx, dim, "cumulative_trapezoid")
    mid = (_sliced(y, d, 1, None) + _sliced(y, d, None, -1)) * 0.5
    return (mid * h).cumsum(d)


def diff(input, n=1, dim=-1, prepend=None, append=None, *, axis=None):
    """The n-th forward difference along dim, after joining prepend and append (bool: logical xor)."""
    dim = aliases.dim("diff", dim, axis, -1)
    _check_tensor(input, "diff")
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional, got a 0-d tensor")
    n = dtypes.as_int(n, "diff", "n")
    if n < 0:
        raise RuntimeError(f"diff: order must be non-negative but got {n}")
    d = _int_dim(dim, input.ndim, "diff")
    parts = []
    for name, extra in (("prepend", prepend), ("append", append)):
        if extra is None:
            continue
        if not isinstance(extra, Tensor):
            raise TypeError(f"diff: {name} must be a tensor, got {type(extra).__name__}")
        if extra.ndim != input.ndim:
            raise RuntimeError(f"diff expects {name} to have the same number of dimensions as input ("
                               f"{extra.ndim} vs {input.ndim})")
        parts.append((name, extra))
    x = input
    if parts:
        pre = [e for nm, e in parts if nm == "prepend"]
        x = cat(pre + [input] + [e for nm, e in parts if nm == "append"], d)
    for _ in range(n):
        if x.shape[d] == 0:
            break
        a, b = _sliced(x, d, 1, None), _sliced(x, d, None, -1)
        x = a.logical_xor(b) if x.dtype == "bool" else a - b
    return x



# ---------------------------------------------------------------------------- cov / corrcoef
def _check_weights(w, name, n, op, integral):
    if w is None:
        return None
    _check_tensor(w, op, name)
    if w.ndim > 1 or w.numel() != n:
        raise RuntimeError(f"{op}(): expected {name} to be a 1-D tensor with {n} elements (one per observation), "
                           f"got shape {tuple(w.shape)}")
    if integral and w.array.dtype.kind not in "iu":
        raise RuntimeError(f"{op}(): expected fweights to have integral dtype, got {w.dtype}")
    if not integral and w.array.dtype.kind != "f":
        raise RuntimeError(f"{op}(): expected aweights to have floating point dtype, got {w.dtype}")
    if w.array.size:
        backend.check_later(w.array < 0, RuntimeError, f"{op}(): {name} cannot be negative")
    return w


def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the variables in input's rows (observations in columns); 1-D: one variable."""
    _check_tensor(input, "cov")
    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.ndim} dimensions")
    x = input.reshape(1, -1) if input.ndim < 2 else input
    if x.array.dtype.kind in "iub":
        x = x.to(dtypes.get_default_dtype())
    n = x.shape[1]
    fw = _check_weights(fweights, "fweights", n, "cov", True)
    aw = _check_weights(aweights, "aweights", n, "cov", False)
    w = fw if aw is None else (aw if fw is None else fw * aw)
    if w is None:
        w_sum = n
        avg = x.mean(1, keepdim=True)
        norm = n - correction
    else:
        w = w.reshape(-1).to(x.dtype)
        w_sum = w.sum()
        avg = (x * w).sum(1, keepdim=True) / w_sum
        norm = w_sum - correction if aw is None else w_sum - correction * (w * aw.to(x.dtype)).sum() / w_sum
    norm = norm.clamp(min=0) if isinstance(norm, Tensor) else max(norm, 0)
    xm = x - avg
    xw = xm if w is None else xm * w
    c = xw.matmul(xm.transpose(0, 1)) / norm
    return c.reshape(()) if input.ndim < 2 else c


def corrcoef(input):
    """The Pearson correlation coefficients of the variables in input's rows (clipped to [-1, 1])."""
    c = cov(input)
    if c.ndim == 0:
        return c / c
    std = c.diagonal().sqrt()
    c = c / std.reshape(-1, 1) / std.reshape(1, -1)
    return c.clamp(-1, 1)


# ---------------------------------------------------------------------------- isin / unique_consecutive
def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """Whether each entry of elements occurs in test_elements (bool, elements' shape); invert=True negates."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin: at least one of elements and test_elements must be a tensor, got "
                        f"{type(elements).__name__} and {type(test_elements).__name__}")
    like = elements if isinstance(elements, Tensor) else test_elements
    xp = gradmath.xp(like.array)
    e = elements.array if isinstance(elements, Tensor) else xp.asarray(elements)
    t = test_elements.array if isinstance(test_elements, Tensor) else xp.asarray(test_elements)
    if isinstance(elements, Tensor) and isinstance(test_elements, Tensor) and elements.device != test_elements.device:
        raise RuntimeError(f"isin: expected all tensors on the same device, but found one on {elements.device} and "
                           f"one on {test_elements.device}; move one with .to(device) first")
    return _const(xp.isin(e, t, assume_unique=assume_unique, invert=invert))


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Collapse runs of equal consecutive entries (or slices along dim); optional inverse indices and counts."""
    _check_tensor(input, "unique_consecutive")
    xp = gradmath.xp(input.array)
    if dim is None:
        a = input.array.reshape(-1, 1)
        d = 0
    else:
        d = _int_dim(dim, input.ndim, "unique_consecutive")
        a = xp.moveaxis(input.array, d, 0).reshape(input.shape[d] if input.ndim else 1, -1)
    m = a.shape[0]
    start = xp.ones(m, dtype=bool)
    if m > 1:
        start[1:] = (a[1:] != a[:-1]).any(-1) if a.shape[1] else False
    keep = xp.nonzero(start)[0]
    if dim is None:
        out = input.array.reshape(-1)[keep]
    else:
        out = xp.take(input.array, keep, axis=d)
    result = [_const(out)]
    if return_inverse:
        inv = (xp.cumsum(start) - 1).astype(np.int64)
        result.append(_const(inv.reshape(input.shape) if dim is None else inv))
    if return_counts:
        result.append(_const(xp.diff(xp.concatenate([keep, xp.asarray([m])])).astype(np.int64)))
    return result[0] if len(result) == 1 else tuple(result)


__all__ = ["quantile", "nanquantile", "nanmedian", "mode", "msort", "cummax", "cummin", "bincount", "histc",
           "histogram", "histogramdd", "trapezoid", "trapz", "cumulative_trapezoid", "diff", "cov", "corrcoef",
           "isin", "unique_consecutive"]
METHODS = {n: globals()[n] for n in ("quantile", "nanquantile", "nanmedian", "mode", "msort", "cummax", "cummin",
                                     "bincount", "histc", "histogram", "diff", "cov", "corrcoef",
                                     "unique_consecutive")}
