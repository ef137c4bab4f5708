"""Reductions: sum, mean, prod, max/min, amax/amin, argmax/argmin, var/std, logsumexp, norm, cumsum/cumprod, all/any."""
import builtins
import collections
import math

import numpy as np

from .. import dtypes, gradmath
from .._tensor import Tensor, _dim
from ..function import Op
from . import aliases, unary

_FLOATS = dtypes.FLOATS
_HALVES = dtypes.HALVES  # float16/bfloat16 accumulate in float32 and cast back, as in PyTorch
_F32 = dtypes.float32
_INF = math.inf


class return_types:
    """Named tuples returned by max/min/median with a dim and by aminmax, as torch.return_types."""

    max = collections.namedtuple("max", ["values", "indices"])
    min = collections.namedtuple("min", ["values", "indices"])
    median = collections.namedtuple("median", ["values", "indices"])
    aminmax = collections.namedtuple("aminmax", ["min", "max"])


# ---------------------------------------------------------------------------- helpers
def _check_tensor(x, op):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected a tensor as input, got {type(x).__name__}")


def _is_int(d):
    return isinstance(d, (int, np.integer)) and not isinstance(d, (bool, np.bool_))


def _wide(x):
    """x in float32 when it is float16/bfloat16 (reductions accumulate there), else x itself."""
    return x.astype(_F32) if x.dtype in _HALVES else x


def _in_dtype(g, dtype):
    """A plain-backward gradient array cast to `dtype` (numpy turns bfloat16 times a Python float into float32)."""
    return g if isinstance(g, Tensor) or g.dtype == dtype else g.astype(dtype)


def _axes(dim, ndim, op):
    """Normalize dim (None, an int or a sequence of ints) to None (all dims) or a sorted tuple of axes."""
    if dim is None:
        return None
    if _is_int(dim) or (isinstance(dim, Tensor) and dim.dtype in dtypes.INTEGERS):
        d = _dim(dtypes.as_int(dim, op), ndim, op)
        return (d,) if ndim else ()
    if isinstance(dim, (tuple, list)):
        if not dim:
            return None
        out = []
        for i, d in enumerate(dim):
            if not _is_int(d):
                raise TypeError(f"{op}: dim must be an int or a tuple of ints, but found element of type "
                                f"{type(d).__name__} at pos {i} of {tuple(dim)!r}")
            a = _dim(int(d), ndim, op)
            if a in out:
                raise RuntimeError(f"{op}: dim {a} appears multiple times in the list of dims {tuple(dim)}")
            out.append(a)
        return tuple(sorted(out)) if ndim else ()
    raise TypeError(f"{op}: dim must be None, an int or a tuple of ints, not {type(dim).__name__}")


def _one_dim(dim, ndim, op):
    """A single dim normalized; None for a 0-d input (which only has the pseudo-dims 0 and -1)."""
    if not _is_int(dim) and not (isinstance(dim, Tensor) and dim.dtype in dtypes.INTEGERS):
        hint = f"; use a{op} to reduce over several dims" if op in ("max", "min") else ""
        raise TypeError(f"{op}: dim must be an int, got {type(dim).__name__}{hint}")
    d = _dim(dtypes.as_int(dim, op), ndim, op)
    return d if ndim else None


def _count(shape, axes):
    """Number of elements reduced into each output element."""
    if axes is None:
        return math.prod(shape)
    return math.prod(shape[a] for a in axes)


def _out_shape(shape, axes, keepdim):
    if axes is None:
        axes = range(len(shape))
    if keepdim:
        return tuple(1 if i in axes else n for i, n in enumerate(shape))
    return tuple(n for i, n in enumerate(shape) if i not in axes)


def _array(xp, y):
    """Reductions over all axes give numpy scalars: make them 0-d arrays (saveable, right type)."""
    return xp.asarray(y) if isinstance(y, np.generic) else y


def _restore(g, axes, keepdim):
    """Put back the reduced axes (as size 1) of a reduction output so it broadcasts against the input."""
    if keepdim or not axes:
        return g  # keepdim, or a reduction to 0-d (broadcasts as is), or a 0-d input
    return gradmath.expand_dims(g, axes)


def _check_nonempty(x, axes, op):
    """max/min/median-like reductions have no identity: refuse empty slices, as PyTorch does."""
    if x.array.size:
        return
    if axes is None:
        raise RuntimeError(f"{op}: the input is empty (shape {tuple(x.shape)}), and the {op} of no elements is "
                           "undefined; pass a dim of non-zero size to reduce over")
    for a in axes:
        if x.shape[a] == 0:
            raise IndexError(f"{op}: cannot reduce over dim {a} of size 0 (input shape {tuple(x.shape)}): the {op} "
                             "of no elements is undefined")


def _float_only(x, op):
    if x.dtype not in _FLOATS:
        raise TypeError(f"{op}: only floating point inputs are supported, got dtype {x.dtype}; convert with "
                        ".float() or .double() first")


def _cast(x, dtype):
    """input.to(dtype) for the dtype= keyword of sum/mean/prod/cumsum/... (differentiable for floats)."""
    return x if dtype is None else x.to(dtypes.as_dtype(dtype))


def _int_acc(x):
    """Accumulation dtype of sum/prod/cumsum/cumprod: ints and bools give int64, as in PyTorch."""
    return None if x.dtype in dtypes.DIFFERENTIABLE else dtypes.int64


# ---------------------------------------------------------------------------- sum / mean / nansum
class Sum(Op):
    complex_ok = True

    def forward(ctx, x, axes, keepdim, dtype):
        ctx.axes, ctx.keepdim, ctx.shape = axes, keepdim, x.shape
        if x.dtype in _HALVES:
            return x.sum(axis=axes, keepdims=keepdim, dtype=_F32).astype(x.dtype)
        return x.sum(axis=axes, keepdims=keepdim, dtype=dtype)

    def backward(ctx, gy):
        return gradmath.broadcast_to(_restore(gy, ctx.axes, ctx.keepdim), ctx.shape)


def sum(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """Sum over dim (all dims by default); bool and int inputs sum to int64."""
    if axis is not None or keepdims is not None:
        dim, keepdim = aliases.dims("sum", dim, keepdim, axis, keepdims)
    _check_tensor(input, "sum")
    x = _cast(input, dtype)
    acc = x.dtype if dtype is not None else _int_acc(x)
    return Sum.apply(x, _axes(dim, x.ndim, "sum"), bool(keepdim), acc)


class Mean(Op):
    complex_ok = True

    def forward(ctx, x, axes, keepdim):
        n = _count(x.shape, axes)
        ctx.axes, ctx.keepdim, ctx.shape, ctx.n, ctx.dtype = axes, keepdim, x.shape, n, x.dtype
        if n == 0:  # the mean of nothing is NaN, as in PyTorch (without numpy's warnings)
            return x.sum(axis=axes, keepdims=keepdim) * math.nan
        if x.dtype in _HALVES:
            return x.mean(axis=axes, keepdims=keepdim, dtype=_F32).astype(x.dtype)
        return x.mean(axis=axes, keepdims=keepdim)

    def backward(ctx, gy):
        n = ctx.n
        g = _in_dtype(gy * (1.0 / n if n else 0.0), ctx.dtype)
        return gradmath.broadcast_to(_restore(g, ctx.axes, ctx.keepdim), ctx.shape)


def mean(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """Mean over dim (all dims by default); needs a float input or a float dtype=."""
    if axis is not None or keepdims is not None:
        dim, keepdim = aliases.dims("mean", dim, keepdim, axis, keepdims)
    _check_tensor(input, "mean")
    x = _cast(input, dtype)
    if x.dtype not in dtypes.DIFFERENTIABLE:
        raise RuntimeError(f"mean: the input has dtype {x.dtype}, but the mean needs a floating point dtype; "
                           "pass dtype=autograd.float32 or convert the input with .float() first")
    return Mean.apply(x, _axes(dim, x.ndim, "mean"), bool(keepdim))


class NanSum(Op):
    def forward(ctx, x, axes, keepdim):
        ctx.axes, ctx.keepdim = axes, keepdim
        ctx.save_for_backward(x)
        if x.dtype in _HALVES:
            return gradmath.xp(x).nansum(x, axis=axes, keepdims=keepdim, dtype=_F32).astype(x.dtype)
        return gradmath.xp(x).nansum(x, axis=axes, keepdims=keepdim)

    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        xd = gradmath.array(x)
        return gradmath.where(gradmath.xp(xd).isnan(xd), 0.0, _restore(gy, ctx.axes, ctx.keepdim))


def nansum(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """Sum over dim treating NaN as zero (NaN elements get a zero gradient)."""
    if axis is not None or keepdims is not None:
        dim, keepdim = aliases.dims("nansum", dim, keepdim, axis, keepdims)
    _check_tensor(input, "nansum")
    x = _cast(input, dtype)
    if x.dtype not in _FLOATS:
        return sum(x, dim, keepdim)
    return NanSum.apply(x, _axes(dim, x.ndim, "nansum"), bool(keepdim))


def nanmean(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """Mean over dim of the non-NaN elements."""
    if axis is not None or keepdims is not None:
        dim, keepdim = aliases.dims("nanmean", dim, keepdim, axis, keepdims)
    _check_tensor(input, "nanmean")
    x = _cast(input, dtype)
    if x.dtype not in _FLOATS:
        raise RuntimeError(f"nanmean: the input has dtype {x.dtype}, but the mean needs a floating point dtype; "
                           "pass dtype=autograd.float32 or convert the input with .float() first")
    d = x.array
    axes = _axes(dim, x.ndim, "nanmean")
    count = (~gradmath.xp(d).isnan(d)).sum(axis=axes, keepdims=bool(keepdim))
    return nansum(x, dim, keepdim) / Tensor._make(_array(gradmath.xp(d), count).astype(x.dtype), None, 0)


class SumToSize(Op):
    complex_ok = True

    def forward(ctx, x, size):
        ctx.shape = x.shape
        return gradmath.sum_to(x, size)

    def backward(ctx, gy):
        return gradmath.broadcast_to(gy, ctx.shape)


def sum_to_size(input, *sizes, size=None):
    """Sum the broadcast dims of input so that it has shape `size` (the reverse of expand)."""
    _check_tensor(input, "sum_to_size")
    size = aliases.sizes("sum_to_size", sizes, "size", size)
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    size = tuple(size)
    if not builtins.all(_is_int(n) for n in size):
        raise TypeError(f"sum_to_size: size must be ints, got {size!r}")
    size = tuple(int(n) for n in size)
    shape = input.shape
    lead = len(shape) - len(size)
    if lead < 0 or builtins.any(n != 1 and n != shape[i + lead] for i, n in enumerate(size)):
        raise RuntimeError(f"sum_to_size: size {size} is not expandable to the tensor's shape {tuple(shape)}; "
                           "each entry must equal the tensor's (trailing) dim or be 1")
    if size == shape:
        return input
    return SumToSize.apply(input, size)


# ---------------------------------------------------------------------------- prod
class Prod(Op):
    fp_errors = True
    def forward(ctx, x, axes, keepdim, dtype):
        ctx.axes, ctx.keepdim = axes, keepdim
        if x.dtype in _HALVES:
            y = _array(gradmath.xp(x), x.prod(axis=axes, keepdims=keepdim, dtype=_F32).astype(x.dtype))
        else:
            y = _array(gradmath.xp(x), x.prod(axis=axes, keepdims=keepdim, dtype=dtype))
        ctx.save_for_backward(x, y)
        return y

    def backward(ctx, gy):
        x, y = ctx.saved_tensors
        axes, keepdim = ctx.axes, ctx.keepdim
        g = _restore(gy, axes, keepdim)
        zero = gradmath.array(x) == 0
        if not zero.any():
            return g * _restore(y, axes, keepdim) / x
        return g * _prod_of_others(x, zero, axes)


def _prod_of_others(x, zero, axes):
    """For each element, the product of the other elements of its slice, when the input holds zeros.

    With p the product of the nonzero elements and m the number of zeros among the *other* elements:
    m == 0 gives p / x_i, m == 1 gives p / x_i times that other zero, m >= 2 gives 0. The zeros enter as
    (zero-valued) x terms rather than constants, so the result is exact up to its first derivative
    (second derivatives of prod are exact; third and higher are not, for slices with two or more zeros).
    """
    xs = gradmath.where(zero, 1.0, x)  # the nonzero elements, 1 in place of each zero
    p = _prod_keep(xs, axes)
    m = zero.sum(axis=axes, keepdims=True) - zero
    zx = gradmath.where(zero, x, 0.0)
    other_zero = gradmath.sum(zx, axes, keepdims=True) - zx
    q = gradmath.where(m == 0, 1.0, gradmath.where(m == 1, other_zero, 0.0))
    return p / xs * q


def _prod_keep(x, axes):
    if isinstance(x, Tensor):
        return prod(x, axes, keepdim=True)
    return x.prod(axis=axes, keepdims=True)


def prod(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """Product over dim (all dims by default); bool and int inputs give int64."""
    if axis is not None or keepdims is not None:
        dim, keepdim = aliases.dims("prod", dim, keepdim, axis, keepdims)
    _check_tensor(input, "prod")
    x = _cast(input, dtype)
    acc = x.dtype if dtype is not None else _int_acc(x)
    return Prod.apply(x, _axes(dim, x.ndim, "prod"), bool(keepdim), acc)


# ---------------------------------------------------------------------------- max / min / median
class _Evenly(Op):
    """max/min/median to one value per slice; the gradient is shared evenly among the elements equal to it."""

    def forward(ctx, x, axes, keepdim, kind):
        xp = gradmath.xp(x)
        ctx.axes, ctx.keepdim = axes, keepdim
        if kind == "max":
            y = x.max(axis=axes, keepdims=keepdim)
        elif kind == "min":
            y = x.min(axis=axes, keepdims=keepdim)
        else:  # median of all elements: the lower one of the two middle values, as in PyTorch
            flat = x.reshape(-1)
            k = (flat.size - 1) // 2
            y = xp.partition(flat, k)[k]
            if x.dtype.kind == "f" and xp.isnan(flat).any():
                y = xp.asarray(math.nan, dtype=x.dtype)
        y = _array(xp, y)
        ctx.save_for_backward(x, y)
        return y

    def backward(ctx, gy):
        x, y = ctx.saved_tensors
        axes, keepdim = ctx.axes, ctx.keepdim
        xd, yd = gradmath.array(x), _restore(gradmath.array(y), axes, keepdim)
        xp = gradmath.xp(xd)
        mask = xd == yd
        if xp.isnan(yd).any():  # a NaN result: its gradient goes to the NaN elements
            mask |= xp.isnan(xd) & xp.isnan(yd)
        return _restore(gy, axes, keepdim) * _share(mask, axes, xd.dtype)


def _share(mask, axes, dtype):
    """mask as weights that sum to one over each slice (ties share evenly)."""
    w = mask.astype(dtype)
    count = w.sum(axis=axes, keepdims=True)
    if (count != 1).any():
        w /= count
    return w


class _SelectDim(Op):
    """max/min/median along one dim, with indices; the gradient goes to the index returned."""

    nondiff_outputs = (1,)

    def forward(ctx, x, axis, keepdim, kind):
        xp = gradmath.xp(x)
        ctx.axis, ctx.keepdim, ctx.shape = axis, keepdim, x.shape
        if axis is None:  # a 0-d input
            idx = xp.zeros((), dtype=dtypes.int64)
            ctx.save_for_backward(idx)
            return x.copy(), idx
        if kind == "max":
            idx = xp.argmax(x, axis=axis, keepdims=True)
        elif kind == "min":
            idx = xp.argmin(x, axis=axis, keepdims=True)
        else:
            k = (x.shape[axis] - 1) // 2
            idx = xp.take(xp.argpartition(x, k, axis=axis), [k], axis=axis)
            if x.dtype.kind == "f":
                nan = xp.isnan(x)
                if nan.any():  # NaN propagates: a slice with a NaN gives NaN and the NaN's index
                    idx = xp.where(nan.any(axis=axis, keepdims=True), xp.argmax(nan, axis=axis, keepdims=True), idx)
        idx = idx.astype(dtypes.int64, copy=False)
        y = xp.take_along_axis(x, idx, axis=axis)
        if not keepdim:
            y, idx = y.squeeze(axis), idx.squeeze(axis)
        ctx.save_for_backward(idx)
        return y, idx

    def backward(ctx, gy, gi):
        (idx,) = ctx.saved_tensors
        axis = ctx.axis
        if axis is None:
            return gy
        idx = gradmath.array(idx)
        if not ctx.keepdim:
            idx, gy = gradmath.xp(idx).expand_dims(idx, axis), gradmath.expand_dims(gy, (axis,))
        return _put_along(ctx.shape, idx, gy, axis)


def _put_along(shape, idx, values, axis):
    """Zeros of `shape` with `values` at `idx` (one index per slice along `axis`): take_along_axis's adjoint."""
    xp = gradmath.xp(idx)
    if isinstance(values, Tensor):  # recorded: a where() against the index, differentiable in values
        n = shape[axis]
        pos = xp.arange(n).reshape((n,) + (1,) * (len(shape) - axis - 1))
        return gradmath.where(pos == idx, values, 0.0)
    out = xp.zeros(shape, dtype=values.dtype)
    xp.put_along_axis(out, idx, values, axis=axis)
    return out


# one node class per kind, so that graphs read MaxBackward0, MedianDimBackward0, ...
_EVENLY = {k: type(k.capitalize(), (_Evenly,), {"__slots__": ()}) for k in ("max", "min", "median")}
_SELECT = {k: type(k.capitalize() + "Dim", (_SelectDim,), {"__slots__": ()}) for k in ("max", "min", "median")}


def _select(input, dim, keepdim, kind):
    axis = _one_dim(dim, input.ndim, kind)
    _check_nonempty(input, None if axis is None else (axis,), kind)
    values, indices = _SELECT[kind].apply(input, axis, bool(keepdim), kind)
    return getattr(return_types, kind)(values, indices)


def _evenly(input, dim, keepdim, kind, op=None):
    axes = _axes(dim, input.ndim, op or kind)
    _check_nonempty(input, axes, op or kind)
    return _EVENLY[kind].apply(input, axes, bool(keepdim), kind)


def _max_min(input, dim, keepdim, other, kind):
    _check_tensor(input, kind)
    if other is not None or isinstance(dim, Tensor):
        return getattr(unary, f"{kind}imum")(input, dim if other is None else other)
    if dim is None:
        return _evenly(input, None, False, kind)
    return _select(input, dim, keepdim, kind)


def max(input, dim=None, keepdim=False, *, other=None, axis=None, keepdims=None):
    """max(input): the largest value; max(input, dim): (values, indices) along dim; max(input, other): maximum."""
    if axis is not None or keepdims is not None:
        dim, keepdim = aliases.dims("max", dim, keepdim, axis, keepdims)
    return _max_min(input, dim, keepdim, other, "max")


def min(input, dim=None, keepdim=False, *, other=None, axis=None, keepdims=None):
    """min(input): the smallest value; min(input, dim): (values, indices) along dim; min(input, other): minimum."""
    if axis is not None or keepdims is not None:
        dim, keepdim = aliases.dims("min", dim, keepdim, axis, keepdims)
    return _max_min(input, dim, keepdim, other, "min")


def amax(input, dim=(), keepdim=False, *, axis=None, keepdims=None):
    """Largest values over dim (all dims by default); ties share the gradient evenly."""
    if axis is not None or keepdims is not None:
        dim, keepdim = aliases.dims("amax", dim, keepdim, axis, keepdims, ())
    _check_tensor(input, "amax")
    return _evenly(input, dim, keepdim, "max", "amax")


def amin(input, dim=(), keepdim=False, *, axis=None, keepdims=None):
    """Smallest values over dim (all dims by default); ties share the gradient evenly."""
    if axis is not None or keepdims is not None:
        dim, keepdim = aliases.dims("amin", dim, keepdim, axis, keepdims, ())
    _check_tensor(input, "amin")
    return _evenly(input, dim, keepdim, "min", "amin")


def aminmax(input, *, dim=None, keepdim=False, axis=None, keepdims=None):
    """(min, max) over dim (all dims by default), as a named tuple."""
    if axis is not None or keepdims is not None:
        dim, keepdim = aliases.dims("aminmax", dim, keepdim, axis, keepdims)
    _check_tensor(input, "aminmax")
    return return_types.aminmax(amin(input, dim, keepdim), amax(input, dim, keepdim))


def median(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """median(input): the lower median of all elements; median(input, dim): (values, indices) along dim."""
    if axis is not None or keepdims is not None:
        dim, keepdim = aliases.dims("median", dim, keepdim, axis, keepdims)
    _check_tensor(input, "median")
    if dim is None:
        return _evenly(input, None, False, "median")
    return _select(input, dim, keepdim, "median")


def _arg(input, dim, keepdim, op):
    _check_tensor(input, op)
    x = input.array
    xp = gradmath.xp(x)
    fn = xp.argmax if op == "argmax" else xp.argmin
    if dim is None:
        _check_nonempty(input, None, op)
        i = fn(x, axis=None, keepdims=bool(keepdim)) if keepdim else fn(x)
    else:
        axis = _one_dim(dim, input.ndim, op)
        if axis is None:
            i = xp.zeros((), dtype=dtypes.int64)
        else:
            _check_nonempty(input, (axis,), op)
            i = fn(x, axis=axis, keepdims=bool(keepdim))
    return Tensor._make(_array(xp, i).astype(dtypes.int64, copy=False), None, 0)


def argmax(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """Index of the largest value (of the flattened input when dim is None)."""
    if axis is not None or keepdims is not None:
        dim, keepdim = aliases.dims("argmax", dim, keepdim, axis, keepdims)
    return _arg(input, dim, keepdim, "argmax")


def argmin(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """Index of the smallest value (of the flattened input when dim is None)."""
    if axis is not None or keepdims is not None:
        dim, keepdim = aliases.dims("argmin", dim, keepdim, axis, keepdims)
    return _arg(input, dim, keepdim, "argmin")


# ---------------------------------------------------------------------------- var / std
class Var(Op):
    """Variance (or its square root, the standard deviation) with a correction to the divisor N."""

    def forward(ctx, x, axes, keepdim, correction, root):
        xp = gradmath.xp(x)
        n = _count(x.shape, axes)
        ctx.axes, ctx.keepdim, ctx.n, ctx.correction, ctx.root = axes, keepdim, n, correction, root
        ctx.full = axes is None or x.ndim == 0  # PyTorch's gradient differs for full reductions (see backward)
        w = _wide(x)
        if n - correction > 0:
            y = w.var(axis=axes, ddof=correction, keepdims=keepdim)
        else:  # no degrees of freedom left: inf or NaN, as in PyTorch (without numpy's warnings)
            d = w - w.mean(axis=axes, keepdims=True) if n else w
            with np.errstate(divide="ignore", invalid="ignore"):
                y = (d * d).sum(axis=axes, keepdims=keepdim) / w.dtype.type(0)
        if root:
            y = xp.sqrt(y)
        y = _array(xp, y).astype(x.dtype, copy=False)
        ctx.save_for_backward(x, y)
        return y

    def backward(ctx, gy):
        x, y = ctx.saved_tensors
        axes, keepdim = ctx.axes, ctx.keepdim
        g = _restore(gy, axes, keepdim)
        if ctx.root:  # d std = d var / (2 std), and 0 where std is 0 (all elements equal), as in PyTorch
            ys = _restore(y, axes, keepdim)
            zero = gradmath.array(ys) == 0
            g = gradmath.where(zero, 0.0, g / (gradmath.where(zero, 1.0, ys) * 2))
        dof = ctx.n - ctx.correction
        if ctx.full and dof <= 0:  # as PyTorch: 2 / dof is +inf, times (x - mean): NaN where x is the mean
            xd = gradmath.array(x)
            xp = gradmath.xp(xd)
            with np.errstate(invalid="ignore"):
                mean = xd.mean() if xd.size else xp.asarray(math.nan, dtype=xd.dtype)
            return _in_dtype(g * xp.where(xd == mean, math.nan, _INF).astype(xd.dtype), xd.dtype)
        mu = gradmath.sum(x, axes, keepdims=True) * (1.0 / builtins.max(ctx.n, 1))
        gx = g * (x - mu) * (2.0 / dof if dof else _INF)  # a dim reduction uses 2 / (N - correction) as is
        return _in_dtype(gx, gradmath.array(x).dtype)


def _correction(unbiased, correction, op):
    if unbiased is not None:
        if correction is not None:
            raise ValueError(f"{op}: pass either unbiased= or correction=, not both")
        return 1 if unbiased else 0
    if correction is None:
        return 1
    if isinstance(correction, Tensor) and correction.numel() == 1:
        correction = correction.item()
    if not isinstance(correction, (int, float, np.integer, np.floating)):
        raise TypeError(f"{op}: correction must be a number (int or float), not {type(correction).__name__}")
    if isinstance(correction, float) and math.isnan(correction):
        raise ValueError(f"{op}: correction must not be NaN")
    return correction.item() if isinstance(correction, np.generic) else correction


def _var(input, dim, unbiased, keepdim, correction, op, root, axis, keepdims):
    _check_tensor(input, op)
    if axis is not None or keepdims is not None:
        dim, keepdim = aliases.dims(op, dim, keepdim, axis, keepdims)
    if isinstance(dim, bool):  # the legacy var(input, unbiased)
        unbiased, dim = dim, None
    _float_only(input, op)
    c = _correction(unbiased, correction, op)
    return Var.apply(input, _axes(dim, input.ndim, op), bool(keepdim), c, root)


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
    """Variance over dim, dividing by N - correction (correction=1 by default; unbiased=False means 0)."""
    return _var(input, dim, unbiased, keepdim, correction, "var", False, axis, keepdims)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
    """Standard deviation over dim, dividing by N - correction (correction=1 by default)."""
    return _var(input, dim, unbiased, keepdim, correction, "std", True, axis, keepdims)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
    """(var, mean) over dim."""
    if axis is not None or keepdims is not None:
        dim, keepdim = aliases.dims("var_mean", dim, keepdim, axis, keepdims)
    v = _var(input, dim, unbiased, keepdim, correction, "var_mean", False, None, None)
    return v, mean(input, None if isinstance(dim, bool) else dim, keepdim)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
    """(std, mean) over dim."""
    if axis is not None or keepdims is not None:
        dim, keepdim = aliases.dims("std_mean", dim, keepdim, axis, keepdims)
    s = _var(input, dim, unbiased, keepdim, correction, "std_mean", True, None, None)
    return s, mean(input, None if isinstance(dim, bool) else dim, keepdim)


# ---------------------------------------------------------------------------- logsumexp
class LogSumExp(Op):
    fp_errors = True
    def forward(ctx, x, axes, keepdim):
        xp = gradmath.xp(x)
        ctx.axes, ctx.keepdim = axes, keepdim
        if _count(x.shape, axes) == 0:  # the log of an empty sum
            y = xp.full(_out_shape(x.shape, axes, keepdim), -_INF, dtype=x.dtype)
        else:
            w = _wide(x)
            m = w.max(axis=axes, keepdims=True)
            m = xp.where(xp.isfinite(m), m, 0).astype(w.dtype, copy=False)  # all -inf (or an inf): no shift
            with np.errstate(divide="ignore"):  # log(0) = -inf for slices of -inf only
                y = xp.log(xp.exp(w - m).sum(axis=axes, keepdims=True)) + m
            if not keepdim:
                y = y.reshape(_out_shape(x.shape, axes, False))
        y = _array(xp, y).astype(x.dtype, copy=False)
        ctx.save_for_backward(x, y)
        return y

    def backward(ctx, gy):
        x, y = ctx.saved_tensors
        axes, keepdim = ctx.axes, ctx.keepdim
        y = _restore(y, axes, keepdim)
        empty = gradmath.array(y) == -_INF
        if empty.any():  # slices of -inf only: zero gradient instead of exp(-inf - -inf) = NaN
            y = gradmath.where(empty, 0.0, y)
        return _restore(gy, axes, keepdim) * gradmath.exp(x - y)


def logsumexp(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """log(sum(exp(input))) over dim, computed stably (the max is subtracted first)."""
    if axis is not None or keepdims is not None:
        dim, keepdim = aliases.dims("logsumexp", dim, keepdim, axis, keepdims)
    _check_tensor(input, "logsumexp")
    x = input if input.dtype in _FLOATS else input.to(dtypes.get_default_dtype())
    return LogSumExp.apply(x, _axes(dim, x.ndim, "logsumexp"), bool(keepdim))


# ---------------------------------------------------------------------------- norm
class Norm(Op):
    """The vector p-norm over some dims: p = 0, 1, 2, inf, -inf or any other positive number."""

    def forward(ctx, x, p, axes, keepdim):
        xp = gradmath.xp(x)
        ctx.p, ctx.axes, ctx.keepdim = p, axes, keepdim
        dtype, x_in, x = x.dtype, x, _wide(x)
        if p == 2:
            if axes is None and x.dtype.itemsize >= 4:  # one BLAS dot for the whole tensor
                flat = x.reshape(-1)
                y = xp.sqrt(xp.dot(flat, flat))
                if keepdim:
                    y = y.reshape((1,) * x.ndim)
            else:
                y = xp.sqrt((x * x).sum(axis=axes, keepdims=keepdim))
        elif p == 1:
            y = xp.abs(x).sum(axis=axes, keepdims=keepdim)
        elif p == _INF:
            y = xp.abs(x).max(axis=axes, keepdims=keepdim)
        elif p == -_INF:
            y = xp.abs(x).min(axis=axes, keepdims=keepdim)
        elif p == 0:
            y = (x != 0).sum(axis=axes, keepdims=keepdim).astype(x.dtype)
        else:
            y = ((xp.abs(x) ** p).sum(axis=axes, keepdims=keepdim)) ** (1.0 / p)
        y = _array(xp, y).astype(dtype, copy=False)
        ctx.save_for_backward(x_in, y)
        return y

    def backward(ctx, gy):
        x, _ = ctx.saved_tensors
        return _in_dtype(Norm._grad(ctx, gy), gradmath.array(x).dtype)

    def _grad(ctx, gy):
        x, y = ctx.saved_tensors
        p, axes, keepdim = ctx.p, ctx.axes, ctx.keepdim
        g = _restore(gy, axes, keepdim)
        if p == 0:
            return gradmath.zeros_like(x)
        if p == 1:
            return g * gradmath.sign(x)
        y = _restore(y, axes, keepdim)
        yd = gradmath.array(y)
        if p == 2:  # x / |x|, and 0 (not NaN) where the norm is 0, as in PyTorch
            return g * x / gradmath.where(yd == 0, 1.0, y)
        xd = gradmath.array(x)
        if p == _INF or p == -_INF:  # like amax/amin of |x|: ties share the gradient evenly
            return g * gradmath.sign(x) * _share(gradmath.xp(xd).abs(xd) == yd, axes, xd.dtype)
        # sign(x) |x|^(p-1) / norm^(p-1), with 0 where x or the norm is 0
        ax = gradmath.where(xd == 0, 1.0, gradmath.abs(x))
        return g * gradmath.sign(x) * (ax / gradmath.where(yd == 0, 1.0, y)) ** (p - 1)


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """The p-norm over dim (all elements by default): p = 'fro', 2, 1, inf, -inf, 0 or any positive number."""
    _check_tensor(input, "norm")
    x = _cast(input, dtype)
    _float_only(x, "norm")
    if p is None or (isinstance(p, str) and p == "fro"):
        order = 2.0
    elif isinstance(p, str):
        if p == "nuc":
            raise NotImplementedError("norm: p='nuc' (the nuclear norm, the sum of singular values) is not "
                                      "supported; use p='fro' or a number")
        raise ValueError(f"norm: unknown p={p!r}; expected 'fro', 'nuc' or a number")
    elif isinstance(p, (int, float, np.integer, np.floating)) and not isinstance(p, bool):
        order = float(p)
        if order < 0 and order != -_INF or math.isnan(order):
            raise ValueError(f"norm: p={p} is not supported; use p >= 0, inf or -inf")
    else:
        raise TypeError(f"norm: p must be a number or a string, got {type(p).__name__}")
    axes = _axes(dim, x.ndim, "norm")
    if math.isinf(order):
        _check_nonempty(x, axes, "norm")
    return Norm.apply(x, order, axes, bool(keepdim))


# ---------------------------------------------------------------------------- cumsum / cumprod
def _flip(xp, x, axis):
    return xp.flip(x, axis)


def _cumsum_array(x, axis, reverse, dtype=None):
    xp = gradmath.xp(x)
    if axis is None:  # a 0-d input
        return x.astype(dtype or x.dtype, copy=True)
    if x.dtype in _HALVES:  # accumulate in float32
        return _cumsum_array(x.astype(_F32), axis, reverse).astype(x.dtype)
    if reverse:
        return _flip(xp, xp.cumsum(_flip(xp, x, axis), axis=axis, dtype=dtype), axis)
    return xp.cumsum(x, axis=axis, dtype=dtype)


class Cumsum(Op):
    """Cumulative sum along a dim (reverse=True: from the end); each direction's gradient is the other."""

    def forward(ctx, x, axis, reverse, dtype):
        ctx.axis, ctx.reverse = axis, reverse
        return _cumsum_array(x, axis, reverse, dtype)

    def backward(ctx, gy):
        return _cumsum(gy, ctx.axis, not ctx.reverse)


def _cumsum(x, axis, reverse=False):
    """Cumulative sum of an array or a Tensor (recorded) along an axis."""
    if isinstance(x, Tensor):
        return Cumsum.apply(x, axis, reverse, None)
    return _cumsum_array(x, axis, reverse)


def cumsum(input, dim=None, *, dtype=None, axis=None):
    """Cumulative sum along dim; bool and int inputs give int64."""
    if dim is None or axis is not None:
        dim = aliases.required_dim("cumsum", dim, axis)
    _check_tensor(input, "cumsum")
    x = _cast(input, dtype)
    acc = x.dtype if dtype is not None else _int_acc(x)
    axis = _one_dim(dim, x.ndim, "cumsum")
    return Cumsum.apply(x, axis, False, acc)


class Cumprod(Op):
    fp_errors = True
    def forward(ctx, x, axis, dtype):
        ctx.axis = axis
        if axis is None:
            y = x.astype(dtype or x.dtype, copy=True)
        elif x.dtype in _HALVES:  # accumulate in float32
            y = gradmath.xp(x).cumprod(x, axis=axis, dtype=_F32).astype(x.dtype)
        else:
            y = gradmath.xp(x).cumprod(x, axis=axis, dtype=dtype)
        ctx.save_for_backward(x, y)
        return y

    def backward(ctx, gy):
        x, y = ctx.saved_tensors
        axis = ctx.axis
        if axis is None:
            return gy
        if not (gradmath.array(x) == 0).any():  # sum over k >= i of gy_k y_k / x_i
            return _cumsum(gy * y, axis, reverse=True) / x
        return _cumprod_grad_zeros(x, gy, axis)


def _cumprod_grad_zeros(x, gy, axis):
    """The cumprod gradient when x holds zeros: sum over k >= i of gy_k * prod_{j <= k, j != i} x_j.

    Quadratic in the length of the dim (only used when there are zeros); exact at every order.
    """
    xp = gradmath.xp(gradmath.array(x))
    n = x.shape[axis]
    trail = (1,) * (x.ndim - axis - 1)
    eye = xp.eye(n, dtype=bool).reshape((n, n) + trail)  # [i, j]
    later = ~xp.tri(n, n, -1, dtype=bool).reshape((n, n) + trail)  # [i, k]: k >= i
    rows = gradmath.where(eye, 1.0, gradmath.expand_dims(x, (axis,)))  # row i: x with x_i replaced by 1
    c = _cumprod(rows, axis + 1)  # c[i, k] = prod_{j <= k, j != i} x_j
    return gradmath.sum(gradmath.where(later, gradmath.expand_dims(gy, (axis,)) * c, 0.0), axis + 1)


def _cumprod(x, axis):
    if isinstance(x, Tensor):
        return Cumprod.apply(x, axis, None)
    if x.dtype in _HALVES:
        return gradmath.xp(x).cumprod(x, axis=axis, dtype=_F32).astype(x.dtype)
    return gradmath.xp(x).cumprod(x, axis=axis)


def cumprod(input, dim=None, *, dtype=None, axis=None):
    """Cumulative product along dim; bool and int inputs give int64. Gradients are exact with zeros."""
    if dim is None or axis is not None:
        dim = aliases.required_dim("cumprod", dim, axis)
    _check_tensor(input, "cumprod")
    x = _cast(input, dtype)
    acc = x.dtype if dtype is not None else _int_acc(x)
    return Cumprod.apply(x, _one_dim(dim, x.ndim, "cumprod"), acc)


def _logcumsumexp_array(x, axis, reverse):
    xp = gradmath.xp(x)
    if axis is None:  # a 0-d input
        return x.copy()
    if reverse:
        return _flip(xp, _logcumsumexp_array(_flip(xp, x, axis), axis, False), axis)
    try:  # exact and stable: a running logaddexp
        return xp.logaddexp.accumulate(x, axis=axis)
    except (AttributeError, NotImplementedError, TypeError):  # array modules without ufunc.accumulate
        m = x.max(axis=axis, keepdims=True)
        m = xp.where(xp.isfinite(m), m, 0).astype(x.dtype, copy=False)
        with np.errstate(divide="ignore"):
            return xp.log(xp.cumsum(xp.exp(x - m), axis=axis)) + m


class LogCumsumExp(Op):
    """log(cumsum(exp(x))) along a dim (reverse=True: from the end), computed stably."""

    fp_errors = True

    def forward(ctx, x, axis, reverse):
        ctx.axis, ctx.reverse = axis, reverse
        y = _logcumsumexp_array(x, axis, reverse)
        ctx.save_for_backward(x, y)
        return y

    def backward(ctx, gy):
        x, y = ctx.saved_tensors
        axis = ctx.axis
        if axis is None:
            return gy
        # gx_i = sum over the k that include i of gy_k exp(x_i - y_k), split by the sign of gy_k so that the sum
        # is itself a log-cum-sum-exp (in the other direction); y = -inf (only -inf so far) contributes nothing
        yd, gd = gradmath.array(y), gradmath.array(gy)
        y = gradmath.where(yd == -_INF, _INF, y)
        gx = gy * 0.0
        for sign, part in ((1.0, gd > 0), (-1.0, gd < 0)):
            if part.any():
                lg = gradmath.where(part, gradmath.log(gradmath.where(part, gy * sign, 1.0)), -_INF) - y
                term = gradmath.exp(x + _logcumsumexp(lg, axis, not ctx.reverse))
                gx = gx + term if sign > 0 else gx - term
        return _in_dtype(gx, gradmath.array(x).dtype)


def _logcumsumexp(x, axis, reverse=False):
    if isinstance(x, Tensor):
        return LogCumsumExp.apply(x, axis, reverse)
    return _logcumsumexp_array(x, axis, reverse)


def logcumsumexp(input, dim=None, *, axis=None):
    """log(cumsum(exp(input))) along dim, computed stably."""
    if dim is None or axis is not None:
        dim = aliases.required_dim("logcumsumexp", dim, axis)
    _check_tensor(input, "logcumsumexp")
    x = input if input.dtype in _FLOATS else input.to(dtypes.get_default_dtype())
    return LogCumsumExp.apply(x, _one_dim(dim, x.ndim, "logcumsumexp"), False)


# ---------------------------------------------------------------------------- all / any / count_nonzero
def _logical(input, dim, keepdim, op):
    _check_tensor(input, op)
    x = input.array
    xp = gradmath.xp(x)
    y = _array(xp, getattr(xp, op)(x, axis=_axes(dim, input.ndim, op), keepdims=bool(keepdim)))
    if x.dtype == dtypes.uint8:  # as PyTorch: uint8 in, uint8 out
        y = y.astype(dtypes.uint8)
    return Tensor._make(y, None, 0)


def all(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """True where all elements over dim are nonzero (no gradient)."""
    if axis is not None or keepdims is not None:
        dim, keepdim = aliases.dims("all", dim, keepdim, axis, keepdims)
    return _logical(input, dim, keepdim, "all")


def any(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """True where some element over dim is nonzero (no gradient)."""
    if axis is not None or keepdims is not None:
        dim, keepdim = aliases.dims("any", dim, keepdim, axis, keepdims)
    return _logical(input, dim, keepdim, "any")


def count_nonzero(input, dim=None, *, axis=None):
    """Number of nonzero elements over dim (int64, no gradient)."""
    if axis is not None:
        dim = aliases.dim("count_nonzero", dim, axis)
    _check_tensor(input, "count_nonzero")
    x = input.array
    xp = gradmath.xp(x)
    axes = _axes(dim, input.ndim, "count_nonzero")
    y = (x != 0).sum(axis=axes, dtype=dtypes.int64)
    return Tensor._make(_array(xp, y), None, 0)


__all__ = ["sum", "mean", "nansum", "nanmean", "prod", "max", "min", "amax", "amin", "aminmax", "argmax", "argmin",
           "median", "var", "std", "var_mean", "std_mean", "logsumexp", "norm", "cumsum", "cumprod", "logcumsumexp",
           "all", "any", "count_nonzero", "return_types"]
METHODS = {n: globals()[n] for n in __all__ if n not in ("var_mean", "std_mean", "return_types")}
METHODS["sum_to_size"] = sum_to_size
