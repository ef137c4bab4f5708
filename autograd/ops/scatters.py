"""Scatters with reductions and scatters of views: scatter_reduce, index_reduce, select/slice/diagonal/as_strided_
scatter, put, nonzero_static."""
import numpy as np

from .. import backend, dtypes, gradmath
from .._tensor import Tensor
from ..function import Op
from . import aliases, index, shape
from .index import _at, _dim_index, _set, _source, _src, _vector_index
from .index_parse import _along, _check_range, _int_index, _same_device
from .inplace import _via
from .shape import _check_tensor, _dim, _int, _run
from .shape_extra import _select_index
from .strided_views import _geometry, _may_overlap, _positions, _storage, _strides

_index_put = index.index_put  # put's parameter `index` shadows the module
_REDUCES = ("sum", "prod", "mean", "amax", "amin")


# ---------------------------------------------------------------------------- scatter_reduce
def _reduce_at(name, out, idx, values):
    """out[idx] = ufunc(out[idx], values) with repeated indices reducing in turn (ufunc.at); a host round trip
    where the device's array module has no ufunc.at for it."""
    if name == "add":
        backend.add_at(out, idx, values)
        return
    if name == "multiply":
        backend.multiply_at(out, idx, values)
        return
    xp = gradmath.xp(out)
    try:
        getattr(xp, name).at(out, idx, values)
    except (AttributeError, NotImplementedError, TypeError):
        host = backend.to_device(out, "cpu")
        getattr(np, name).at(host, tuple(backend.to_device(i, "cpu") for i in idx), backend.to_device(values, "cpu"))
        out[...] = xp.asarray(host)


def _fill_for(reduce, dtype):
    """The identity of a reduction: what scattered positions start from when include_self=False."""
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    big = np.inf if dtype in dtypes.FLOATS else (True if dtype == dtypes.bool_ else np.iinfo(dtype).max)
    low = -np.inf if dtype in dtypes.FLOATS else (False if dtype == dtypes.bool_ else np.iinfo(dtype).min)
    return low if reduce == "amax" else big


def _counts(along, shape_, dtype, include_self, xp):
    """How many values (self included or not) each position reduces over."""
    n = xp.full(shape_, 1 if include_self else 0, dtype=dtype)
    backend.add_at(n, along, xp.ones(along[0].shape, dtype=dtype))
    return n


def _scatter_reduce_array(x, src, along, reduce, include_self):
    xp = gradmath.xp(x)
    out = x.copy()
    if not include_self:
        out[along] = _fill_for(reduce, x.dtype)
    _reduce_at({"sum": "add", "mean": "add", "prod": "multiply", "amax": "maximum", "amin": "minimum"}[reduce],
               out, along, src)
    if reduce == "mean":
        n = _counts(along, x.shape, x.dtype, include_self, xp)
        n = xp.where(n == 0, 1, n).astype(x.dtype, copy=False)
        out = out / n if x.dtype in dtypes.FLOATS else xp.floor_divide(out, n)
    return out


def _const(a, like):
    """A constant array in the form of `like`: a Tensor (without a gradient) under create_graph, else the array."""
    return Tensor._make(a, None, 0) if isinstance(like, Tensor) else a


class ScatterReduce(Op):
    """A copy of x with src reduced into the positions `along` (index arrays) by sum/prod/mean/amax/amin; the
    gradients are PyTorch's (ties of amax/amin share the gradient evenly)."""

    def forward(ctx, x, src, along, reduce, include_self):
        ctx.params = (along, reduce, include_self)
        out = _scatter_reduce_array(x, src, along, reduce, include_self)
        ctx.save_for_backward(x, src, out)
        return out

    def backward(ctx, gy):
        along, reduce, include_self = ctx.params
        x, src, out = ctx.saved_tensors
        xa, sa, oa = gradmath.array(x), gradmath.array(src), gradmath.array(out)
        xp = gradmath.xp(xa)
        if reduce == "sum":
            gx, gs = gy, _at(gy, along)
        elif reduce == "mean":
            n = _counts(along, xa.shape, xa.dtype, include_self, xp)
            n = _const(xp.where(n == 0, 1, n).astype(xa.dtype, copy=False), gy)
            gx, gs = gy / n, _at(gy, along) / _at(n, along)
        elif reduce == "prod":
            gx, gs = _prod_grads(gy, x, src, out, along, include_self, xp)
        else:
            x_hit = (xa == oa).astype(xa.dtype)
            s_hit = sa == oa[along]
            n = x_hit.copy()
            backend.add_at(n, along, s_hit.astype(xa.dtype))
            share = gy / _const(n, gy)
            gx = gradmath.mask(share, _const(x_hit.astype(bool), gy))
            gs = gradmath.mask(_at(share, along), _const(s_hit, gy))
        if not include_self:
            gx = _set(gx, along, 0)
        need = ctx.needs_input_grad
        return (gx if need[0] else None), (gs if need[1] else None)


def _prod_grads(gy, x, src, out, along, include_self, xp):
    """The gradients of a scatter product, exact where an input is 0 (the product of the others)."""
    xa, sa = gradmath.array(x), gradmath.array(src)
    x_zero = xa == 0
    x_safe = gradmath.where(_const(x_zero, x), 1.0, x)
    x_safe_out = _run(ScatterReduce, x_safe, src, along, "prod", include_self)
    gx = gy * x_safe_out / x_safe
    s_zero = sa == 0
    zeros_at = xp.zeros(xa.shape, dtype=np.int64)
    backend.add_at(zeros_at, along, s_zero.astype(np.int64))
    single = s_zero & (zeros_at[along] == 1)  # the only zero reduced into its position: the others' product
    s_safe = gradmath.where(_const(single, src), 1.0, src)
    s_safe_out = _run(ScatterReduce, x, s_safe, along, "prod", include_self)
    s_div = gradmath.where(_const(s_zero, src), 1.0, src)
    gs = gradmath.where(_const(single, gy), _at(gy * s_safe_out, along), _at(gy * out, along) / s_div)
    return gx, gs


def _check_reduce(reduce, allowed, op):
    if reduce not in allowed:
        raise RuntimeError(f"{op}: reduce must be one of {', '.join(allowed)}, but got {reduce!r}")


def _reduce_into(input, d, idx, src, reduce, include_self):
    """ScatterReduce of checked arguments (idx has src's shape); 0-d tensors go through a 1-element view."""
    if input.ndim == 0:
        out = _reduce_into(shape.reshape(input, 1), 0, idx.reshape(1), shape.reshape(src, 1), reduce, include_self)
        return shape.reshape(out, ())
    return ScatterReduce.apply(input, src, _along(idx, d), reduce, bool(include_self))


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """A copy of input with the values of src reduced into it at index along dim: reduce 'sum', 'prod', 'mean',
    'amax' or 'amin'; include_self=False leaves the old values of the positions written to out of the reduction."""
    _check_reduce(reduce, _REDUCES, "scatter_reduce")
    if not isinstance(src, Tensor):
        raise TypeError(f"scatter_reduce: src must be a tensor, got {type(src).__name__}")
    d, idx = _dim_index(input, dim, index, "scatter_reduce")
    src = _src(src, idx, input, "scatter_reduce")
    return _reduce_into(input, d, idx, src, reduce, include_self)


def index_reduce(input, dim, index, source, reduce, *, include_self=True):
    """A copy of input with the slices of source reduced into it at the positions `index` (a vector) along dim:
    reduce 'prod', 'mean', 'amax' or 'amin'; include_self=False leaves the old values out of the reduction."""
    _check_reduce(reduce, _REDUCES[1:], "index_reduce")
    d, idx = _vector_index(input, dim, index, "index_reduce")
    source = _source(input, d, idx, source, "index_reduce")
    if input.ndim == 0:
        source = shape.reshape(source, ())
        return _reduce_into(input, 0, idx.reshape(()), source, reduce, include_self)
    xp = gradmath.xp(idx)
    full = xp.ascontiguousarray(xp.broadcast_to(idx.reshape((1,) * d + (-1,) + (1,) * (input.ndim - d - 1)),
                                                tuple(source.shape)))
    return _reduce_into(input, d, full, source, reduce, include_self)


# ---------------------------------------------------------------------------- scatters of views
def _embed(input, src, idx, want, op):
    """input with src written into input[idx], whose shape is `want` (src must have it; it is cast to input's
    dtype)."""
    _check_tensor(src, op)
    _same_device(op, input, src)
    if tuple(src.shape) != want:
        raise RuntimeError(f"{op}: expected src to have a size equal to the slice of self: src has shape "
                           f"{tuple(src.shape)} but the slice has shape {want}")
    if src.dtype != input.dtype:
        src = src.to(input.dtype)
    return index.SetItem.apply(input, src, idx, op=op)


def select_scatter(input, src, dim, index):
    """A copy of input with src written into input.select(dim, index)."""
    _check_tensor(input, "select_scatter")
    d, i = _select_index(input, dim, index, "select_scatter")
    idx = (slice(None),) * d + (i,)
    return _embed(input, src, idx, input.array[idx].shape, "select_scatter")


def slice_scatter(input, src, dim=0, start=None, end=None, step=1, *, axis=None):
    """A copy of input with src written into input[start:end:step] along dim."""
    _check_tensor(input, "slice_scatter")
    dim = aliases.dim("slice_scatter", dim, axis, 0)
    if input.ndim == 0:
        raise RuntimeError("slice_scatter: cannot slice a 0-d tensor")
    d = _dim(dim, input.ndim, "slice_scatter")
    step = _int(step, "slice_scatter", "step")
    if step <= 0:
        raise RuntimeError(f"slice_scatter: slice step must be positive, got {step}")
    s = slice(None if start is None else _int(start, "slice_scatter", "start"),
              None if end is None else _int(end, "slice_scatter", "end"), step)
    idx = (slice(None),) * d + (s,)
    return _embed(input, src, idx, input.array[idx].shape, "slice_scatter")


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """A copy of input with src written onto input.diagonal(offset, dim1, dim2)."""
    _check_tensor(input, "diagonal_scatter")
    diag = shape.diagonal(input.detach(), offset, dim1, dim2)
    _check_tensor(src, "diagonal_scatter")
    _same_device("diagonal_scatter", input, src)
    if tuple(src.shape) != tuple(diag.shape):
        raise RuntimeError(f"diagonal_scatter: expected src to have a size equal to the slice of self: src has shape "
                           f"{tuple(src.shape)} but the diagonal has shape {tuple(diag.shape)}")
    if src.dtype != input.dtype:
        src = src.to(input.dtype)
    nd = input.ndim
    d1, d2, offset = _dim(dim1, nd, "diagonal_scatter"), _dim(dim2, nd, "diagonal_scatter"), int(offset)
    on = input.xp.zeros(tuple(input.shape), dtype=bool)
    shape._diag_view(on, offset, d1, d2)[...] = True
    kept = index.masked_fill(input, Tensor._make(on, None, 0), 0)
    return kept + shape.DiagScatter.apply(src, tuple(input.shape), offset, d1, d2)


def as_strided_scatter(input, src, size, stride, storage_offset=None):
    """A copy of input with src written into input.as_strided(size, stride, storage_offset), the positions counted
    in input's own memory order (as in a clone that keeps its strides). Where positions repeat, the last write
    lands, and only it gets a gradient (PyTorch 2.13 also gives the overwritten input elements one, which its own
    gradcheck refuses)."""
    _check_tensor(input, "as_strided_scatter")
    size, stride = _geometry(size, stride, "as_strided_scatter")
    offset = 0  # PyTorch counts a given offset from the start of input's memory, and input from its own offset
    if storage_offset is not None:
        offset = _int(storage_offset, "as_strided_scatter", "storage_offset") - _storage(input.array)[1]
    n = input.numel()
    need = offset + 1 + sum((k - 1) * s for k, s in zip(size, stride)) if all(size) else 0
    if offset < 0 or need > n:
        raise RuntimeError(f"as_strided_scatter: sizes {list(size)}, strides {list(stride)} and storage offset "
                           f"{storage_offset} reach outside the input's {n} elements (input shape "
                           f"{tuple(input.shape)}, starting at offset {_storage(input.array)[1]} of its memory)")
    xp = input.xp
    target = _positions(xp, size, stride, offset).reshape(-1)
    strides = _strides(input.array)
    dense = all(s > 0 for s in strides) and not _may_overlap(input.shape, strides)
    if dense and not input.array.flags.c_contiguous:  # memory order differs from the logical (C) order
        mem = _positions(xp, tuple(input.shape), strides, 0)
        mem = mem - mem.min()
        flat = index.take(input, Tensor._make(xp.argsort(mem.reshape(-1)), None, 0))
        out = _embed(flat, _flat_src(src, size), (target,), target.shape, "as_strided_scatter")
        return index.take(out, Tensor._make(mem, None, 0))
    flat = shape.reshape(input, -1)
    out = _embed(flat, _flat_src(src, size), (target,), target.shape, "as_strided_scatter")
    return shape.reshape(out, tuple(input.shape))


def _flat_src(src, size):
    """src as the flat values of the as_strided part (its shape must be `size`)."""
    _check_tensor(src, "as_strided_scatter")
    if tuple(src.shape) != tuple(size):
        raise RuntimeError(f"as_strided_scatter: expected src to have a size equal to the slice of self: src has "
                           f"shape {tuple(src.shape)} but the slice has shape {tuple(size)}")
    return shape.reshape(src, -1)


# ---------------------------------------------------------------------------- put / nonzero_static
def put(input, index, source, accumulate=False):
    """A copy of input with source written (or added, with accumulate) at the flat positions `index` of input
    (negative positions count from the end)."""
    _check_tensor(input, "put")
    _check_tensor(source, "put")
    _same_device("put", input, source)
    if not isinstance(index, Tensor) or index.dtype != dtypes.int64:
        got = index.dtype if isinstance(index, Tensor) else type(index).__name__
        raise RuntimeError(f"put: expected a long (int64) tensor for index, but got {got}")
    if source.numel() != index.numel():
        raise IndexError(f"put: expected source and index to have the same number of elements, but got "
                         f"source.numel() = {source.numel()}, index.numel() = {index.numel()}")
    if source.dtype != input.dtype:
        raise RuntimeError(f"put: self and source are expected to have the same dtype, but got self.dtype = "
                           f"{input.dtype} and source.dtype = {source.dtype}")
    idx = _int_index(index, input, "put").reshape(-1)
    _check_range(idx, input.numel(), "put", 0)
    flat = shape.reshape(input, -1)
    return shape.reshape(_index_put(flat, (Tensor._make(idx, None, 0),), shape.reshape(source, -1), accumulate),
                         tuple(input.shape))



def nonzero_static(input, *, size, fill_value=-1):
    """nonzero(input) with exactly `size` rows: cut after `size` rows, or padded with rows of fill_value."""
    _check_tensor(input, "nonzero_static")
    size = _int(size, "nonzero_static", "size")
    if size < 0:
        raise RuntimeError(f"nonzero_static: 'size' must be a non-negative integer, got {size}")
    rows = index.nonzero(input).array[:size]
    xp = gradmath.xp(rows)
    out = xp.full((size, rows.shape[1]), _int(fill_value, "nonzero_static", "fill_value"), dtype=np.int64)
    out[:rows.shape[0]] = rows
    return Tensor._make(out, None, 0)


put_ = _via("put", put)
scatter_reduce_ = _via("scatter_reduce", scatter_reduce)
index_reduce_ = _via("index_reduce", index_reduce)

__all__ = ["scatter_reduce", "index_reduce", "select_scatter", "slice_scatter", "diagonal_scatter",
           "as_strided_scatter", "put", "nonzero_static"]
METHODS = {n: globals()[n] for n in __all__}
METHODS.update(put_=put_, scatter_reduce_=scatter_reduce_, index_reduce_=index_reduce_)
