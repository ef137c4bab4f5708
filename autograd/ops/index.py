"""Indexing: [] and []=, gather/scatter, index_select/index_add, masked ops, take, nonzero."""
import numpy as np

from .. import backend, dtypes, gradmath
from .._tensor import Tensor, _dim, root
from ..function import Op
from . import aliases
from .arith import add, mul
from .index_parse import (_SCALARS, _along, _as_index_array, _check_range, _has_int_array, _index, _int_index,
                          _mask_array, _same_device, _Split, _target)
from .inplace import _records, bump, check_inplace, commit


# ---------------------------------------------------------------------------- array helpers (duck-typed)
def _at(a, index):
    """a[index] on an array or (recorded) on a Tensor; index is already normalized."""
    if isinstance(a, Tensor):
        return _get_op(index).apply(a, index)
    a, index = _target(a, index)
    r = a[index]
    return r if type(r) is type(a) else gradmath.xp(a).asarray(r)


def _assign(out, index, value, op="__setitem__", add=False):
    """out[index] = value (or += with repeats adding up), with an op-named error when value does not fit."""
    whole = out
    if type(index) is _Split:
        out, index = out[index.basic], index.adv
    try:
        if add:
            m = gradmath.xp(out)
            if any(type(i) in backend._modules and i.dtype.kind == "b" and i.ndim for i in index):
                # masks as their nonzero() index arrays: the same selection, and what cupy's add.at accepts
                index = tuple(j for i in index for j in (m.nonzero(i) if type(i) in backend._modules and
                                                         i.dtype.kind == "b" and i.ndim else (i,)))
            if m is not np or not _add_at_numpy(out, index, value):
                backend.add_at(out, index, value)
        else:
            out[index] = value
    except ValueError as err:
        if "read-only" in str(err):
            raise RuntimeError(f"{op}: the tensor's memory is read-only (an expanded view); clone() it first") from None
        vshape = tuple(value.shape) if hasattr(value, "shape") else ()
        raise RuntimeError(f"{op}: cannot write a value of shape {vshape} into the indexed part (shape "
                           f"{tuple(out[index].shape)}) of a tensor of shape {tuple(whole.shape)}; the value must "
                           "broadcast to the indexed shape") from None


def _add_at_numpy(out, index, values):
    """np.add.at(out, index, values) for float data, 2-4x faster in the common cases; False where it does not apply."""
    if out.dtype.kind != "f":
        return False
    items = index[:-1] if index and index[-1] is Ellipsis else index
    if not items or type(items[0]) is not np.ndarray or items[0].dtype.kind not in "iu":
        return False
    first = items[0]
    if first.ndim == 1 and all(type(i) is slice and i == slice(None) for i in items[1:]):
        # rows picked by one index vector (index_select, embeddings, x[idx]): sort it and sum runs of equal rows
        if first.size == 0:
            return True
        n = out.shape[0]
        idx = np.where(first < 0, first + n, first) if first.min() < 0 else first
        order = np.argsort(idx, kind="stable")
        rows = idx[order]
        starts = np.flatnonzero(np.concatenate(([True], rows[1:] != rows[:-1])))
        v = np.broadcast_to(values, (idx.size,) + out.shape[1:])
        out[rows[starts]] += np.add.reduceat(v[order], starts, axis=0)
        return True
    if len(items) == out.ndim and all(type(i) is np.ndarray and i.dtype.kind in "iu" for i in items):
        # one index array per dim (gather, sort/topk backward, masks): flat positions and bincount
        shape = np.broadcast_shapes(*(i.shape for i in items), np.shape(values))
        flat, stride = 0, 1
        for i, n in zip(reversed(items), reversed(out.shape)):
            flat = flat + (np.where(i < 0, i + n, i) if i.size and i.min() < 0 else i) * stride
            stride *= n
        sums = np.bincount(np.broadcast_to(flat, shape).ravel(), np.broadcast_to(values, shape).ravel(),
                           minlength=out.size)
        out += sums.reshape(out.shape)
        return True
    return False


def _put_zeros_array(shape, index, values, accumulate, op="index_put"):
    out = gradmath.xp(values).zeros(shape, dtype=values.dtype)
    _assign(out, index, values, op, accumulate and _has_int_array(index))
    return out


def _put_zeros(shape, index, values, accumulate=True):
    """Zeros of `shape` with values written (added, when accumulate) at index."""
    if isinstance(values, Tensor):
        return IndexPutZeros.apply(values, shape, index, accumulate)
    return _put_zeros_array(shape, index, values, accumulate)


def _set(a, index, value):
    """A copy of a with a[index] = value (recorded when a is a Tensor)."""
    if isinstance(a, Tensor):
        return SetItem.apply(a, value, index)
    out = a.copy()
    view, index = _target(out, index)
    view[index] = value
    return out


def _lead(g, vshape):
    """Give g the leading size-1 dims a value of shape vshape had beyond g's (numpy drops them in assignment)."""
    extra = len(vshape) - g.ndim
    return _at(g, (None,) * extra + (Ellipsis,)) if extra > 0 else g


# ---------------------------------------------------------------------------- primitives
_ARRAY = object()  # marks where an index held an array, in the form kept on ctx


def _keep_index(ctx, index, *extra):
    """Save the arrays of index (and `extra` arrays) for backward; the rest of the index stays on ctx."""
    if type(index) is _Split:  # the basic step holds no arrays
        ctx.index_basic, index = index.basic, index.adv
    _keep_plain(ctx, index, *extra)


def _keep_plain(ctx, index, *extra):
    """_keep_index for a plain tuple (GetItem's fast path)."""
    ctx.index_form = tuple(_ARRAY if type(i) in backend._modules else i for i in index)
    ctx.save_for_backward(*(i for i in index if type(i) in backend._modules), *extra)


def _kept_index(ctx):
    """The index and the extra arrays saved by _keep_index (raw arrays, also under create_graph)."""
    saved = iter([gradmath.array(v) for v in ctx.saved_tensors])
    index = tuple(next(saved) if i is _ARRAY else i for i in ctx.index_form)
    return (index if ctx.index_basic is None else _Split(ctx.index_basic, index)), tuple(saved)


class GetItem(Op):
    """y = x[index]; the gradient is gy put back at index (added up where indices repeat)."""

    complex_ok = True
    index_basic = None  # the first step of a _Split index (see SplitGetItem)

    def forward(ctx, x, index, accumulate=True):
        ctx.shape, ctx.accumulate = x.shape, accumulate
        _keep_plain(ctx, index)
        y = x[index]
        return y if type(y) is type(x) else gradmath.xp(x).asarray(y)

    def backward(ctx, gy):
        return _put_zeros(ctx.shape, _kept_index(ctx)[0], gy, ctx.accumulate)


class SplitGetItem(GetItem):
    """GetItem with a _Split index (ints or bool scalars beside advanced indices): basic step, then advanced."""

    display = "GetItem"

    def forward(ctx, x, index, accumulate=True):
        ctx.shape, ctx.accumulate = x.shape, accumulate
        _keep_index(ctx, index)
        y = x[index.basic][index.adv]
        return y if type(y) is type(x) else gradmath.xp(x).asarray(y)


def _get_op(index):
    return SplitGetItem if type(index) is _Split else GetItem


class Gather(GetItem):
    """gather / take_along_dim / sort values: a GetItem with an along-dim index (named for the graph)."""


class IndexSelect(GetItem):
    """index_select: np.take along dim forward, GetItem's backward."""

    def forward(ctx, x, dim, index):
        ctx.shape, ctx.accumulate = x.shape, True
        _keep_index(ctx, (slice(None),) * dim + (index,))
        return gradmath.xp(x).take(x, index, axis=dim)


class IndexPutZeros(Op):
    """Zeros of `shape` with v added (or written) at index; the gradient is g[index]."""

    complex_ok = True
    broadcasts = True
    index_basic = None

    def forward(ctx, v, shape, index, accumulate=True, op="index_put"):
        ctx.vshape = v.shape
        _keep_index(ctx, index)
        return _put_zeros_array(shape, index, v, accumulate, op)

    def backward(ctx, g):
        return _lead(_at(g, _kept_index(ctx)[0]), ctx.vshape)


class SetItem(Op):
    """out = x with out[index] = value: x's gradient is gy zeroed at index, value's is gy[index]."""

    broadcasts = True
    index_basic = None

    def forward(ctx, x, value, index, op="__setitem__"):
        out = x.copy()
        _assign(out, index, value, op)
        winners = ()
        need = ctx.needs_input_grad
        if len(need) > 1 and need[1]:
            ctx.vshape, ctx.vdtype = value.shape, value.dtype
            if _has_int_array(index):  # repeated indices: only the write that lands counts
                m = gradmath.xp(x)
                pos, i = _target(m.zeros(x.shape, dtype=np.int64), index)
                k = m.arange(pos[i].size, dtype=np.int64).reshape(pos[i].shape)
                pos[i] = k
                winners = (pos[i] == k,)
        _keep_index(ctx, index, *winners)
        return out

    def backward(ctx, gy):
        need = ctx.needs_input_grad
        index, winners = _kept_index(ctx)
        gx = _set(gy, index, 0) if need[0] else None
        gv = None
        if need[1]:
            gv = _at(gy, index)
            if winners:
                gv = gradmath.where(winners[0], gv, gv * 0)
            gv = _lead(gv, ctx.vshape)
            if gv.dtype != ctx.vdtype:
                gv = gradmath.cast(gv, ctx.vdtype)
        return gx, gv, None


def index_put_zeros(shape, index, values, accumulate=True):
    """Zeros of `shape` with `values` added at `index` (repeated indices accumulate); differentiable in values."""
    if type(index) is tuple:
        index = tuple(gradmath.array(i) for i in index)
    else:
        index = (gradmath.array(index),)
    return IndexPutZeros.apply(values, tuple(shape), index, accumulate)


# ---------------------------------------------------------------------------- [] and []=
def getitem(x, idx):
    """x[idx] with PyTorch semantics; basic indexing (ints, slices, None, ...) returns a view."""
    index, basic = _index(x, idx, "__getitem__")
    if basic:
        out = GetItem.apply(x, index)
        out._base = root(x)
        return out
    return _get_op(index).apply(x, index)


def _value(value, x, op):
    """A value to write into x: a Tensor on x's device, a Python number, or an array on x's device."""
    if isinstance(value, Tensor):
        _same_device(op, x, value)
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, _SCALARS):
        return value
    arr = _as_index_array(value, x, op, "value")
    if arr.dtype not in dtypes.SUPPORTED:
        raise TypeError(f"{op}: cannot write values of dtype {arr.dtype}")
    return arr


def setitem(x, idx, value):
    """x[idx] = value, in place; differentiable for x and value (a number, array or Tensor, broadcast)."""
    check_inplace(x, "__setitem__")
    index, _ = _index(x, idx, "__setitem__")
    value = _value(value, x, "__setitem__")
    if _records(x, value):
        commit(x, SetItem.apply(x, value, index), "__setitem__")
        return
    _assign(x.array, index, value.array if isinstance(value, Tensor) else value)
    bump(x)


def _inplace(name, fn):
    """An in-place variant: checked first, computed out of place, then committed into self."""

    def method(self, *args, **kwargs):
        check_inplace(self, name)
        return commit(self, fn(self, *args, **kwargs), name)

    method.__name__ = name
    method.__doc__ = f"In-place {fn.__name__}."
    method.__wrapped__ = fn  # its signature is fn's (inspect.signature follows this)
    return method


# ---------------------------------------------------------------------------- gather / scatter
def _dim_index(input, dim, index, op, what="index"):
    """Check dim and an index of the same number of dims as input (gather/scatter rules)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a tensor input, got {type(input).__name__}")
    d = _dim(dtypes.as_int(dim, op, "dim"), input.ndim, op)
    idx = _int_index(index, input, op, what)
    if idx.ndim != input.ndim and not (idx.ndim <= 1 and input.ndim <= 1 and idx.size <= 1):
        raise RuntimeError(f"{op}: index must have as many dims as the input: index shape {tuple(idx.shape)}, "
                           f"input shape {tuple(input.shape)}")
    if input.ndim == 0:
        idx = idx.reshape(())
    for k in range(idx.ndim):
        if k != d and idx.shape[k] > input.shape[k]:
            raise RuntimeError(f"{op}: index shape {tuple(idx.shape)} is larger than the input shape "
                               f"{tuple(input.shape)} in dim {k} (only dim {d} may be larger)")
    _check_range(idx, input.shape[d] if input.ndim else 1, op, d, negative=False, error=RuntimeError)
    return d, idx


def _gather(x, d, idx, accumulate=True):
    if x.ndim == 0:  # index a 1-element view with the (all-zero) index: a copy of idx's shape
        return Gather.apply(getitem(x, (None,)), (idx,), accumulate)
    return Gather.apply(x, _along(idx, d), accumulate)


def gather(input, dim, index, *, sparse_grad=False):
    """out[i][j][k] = input[i][index[i][j][k]][k] for dim=1 (index: an int64 tensor of input's ndim)."""
    d, idx = _dim_index(input, dim, index, "gather")
    return _gather(input, d, idx)


def _src(src, idx, input, op):
    """src restricted to index's shape (the part scatter reads), checked against input."""
    _same_device(op, input, src)
    if src.ndim != idx.ndim:
        raise RuntimeError(f"{op}: src must have as many dims as index: src shape {tuple(src.shape)}, index "
                           f"shape {tuple(idx.shape)}")
    if any(i > s for i, s in zip(idx.shape, src.shape)):
        raise RuntimeError(f"{op}: index shape {tuple(idx.shape)} is larger than the src shape {tuple(src.shape)}")
    if src.dtype != input.dtype:
        raise RuntimeError(f"{op}: src has dtype {src.dtype} but the input has dtype {input.dtype}; they must "
                           "match (convert src with .to(input.dtype))")
    if tuple(src.shape) != tuple(idx.shape):
        src = getitem(src, tuple(slice(0, n) for n in idx.shape))
    return src


def _along_of(input, d, idx):
    return _along(idx, d) if input.ndim else (Ellipsis,)


def scatter(input, dim, index, src=None, value=None, *, reduce=None):
    """A copy of input with src (a tensor) or value (a number) written at index along dim; reduce 'add'/'multiply'."""
    if src is not None and not isinstance(src, Tensor):
        src, value = None, src
    if (src is None) == (value is None):
        raise TypeError("scatter: pass exactly one of src (a tensor) and value (a number)")
    d, idx = _dim_index(input, dim, index, "scatter")
    if isinstance(value, Tensor):
        value = value.item()
    if src is not None:
        src = _src(src, idx, input, "scatter")
    if reduce is None:
        return SetItem.apply(input, src if src is not None else value, _along_of(input, d, idx))
    if reduce == "add":
        if src is None:
            src = Tensor._make(gradmath.xp(input.array).full(idx.shape, value, dtype=input.dtype), None, 0)
        return _scatter_add(input, d, idx, src)
    if reduce == "multiply":
        if input.requires_grad or (src is not None and src.requires_grad):
            raise RuntimeError("scatter: reduce='multiply' has no gradient (as in PyTorch); call it under no_grad() "
                               "or on detached tensors")
        out = input.array.copy()
        backend.multiply_at(out, _along_of(input, d, idx), src.array if src is not None else value)
        return Tensor._make(out, None, 0)
    raise ValueError(f"scatter: reduce must be None, 'add' or 'multiply', got {reduce!r}")


def _scatter_add(input, d, idx, src):
    return add(input, IndexPutZeros.apply(src, tuple(input.shape), _along_of(input, d, idx), True))


def scatter_add(input, dim, index, src):
    """A copy of input with src added at index along dim (repeated indices accumulate)."""
    if not isinstance(src, Tensor):
        raise TypeError(f"scatter_add: src must be a tensor, got {type(src).__name__}")
    d, idx = _dim_index(input, dim, index, "scatter_add")
    return _scatter_add(input, d, idx, _src(src, idx, input, "scatter_add"))


# ---------------------------------------------------------------------------- index_* along one dim
def _vector_index(input, dim, index, op):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a tensor input, got {type(input).__name__}")
    d = _dim(dtypes.as_int(dim, op, "dim"), input.ndim, op)
    idx = _int_index(index, input, op)
    if idx.ndim > 1:
        raise IndexError(f"{op}: index must be a vector (0-d or 1-d), got shape {tuple(idx.shape)}")
    idx = idx.reshape(-1)
    _check_range(idx, input.shape[d] if input.ndim else 1, op, d, negative=False,
                 error=RuntimeError if op == "index_add" else IndexError)  # the classes PyTorch raises
    return d, idx


def _dim_tuple(input, d, idx):
    return (slice(None),) * d + (idx,)


def index_select(input, dim, index):
    """The entries of input at `index` (a vector of ints) along dim."""
    d, idx = _vector_index(input, dim, index, "index_select")
    if input.ndim == 0:
        return getitem(IndexSelect.apply(getitem(input, (None,)), 0, idx), 0)
    return IndexSelect.apply(input, d, idx)


def _source(input, d, idx, source, op):
    if not isinstance(source, Tensor):
        raise TypeError(f"{op}: source must be a tensor, got {type(source).__name__}")
    _same_device(op, input, source)
    want = tuple(input.shape[:d]) + (len(idx),) + tuple(input.shape[d + 1:]) if input.ndim else (len(idx),)
    have = tuple(source.shape) if source.ndim else (1,)
    if have != want:
        raise RuntimeError(f"{op}: source of shape {tuple(source.shape)} does not fit: with index of length "
                           f"{len(idx)} along dim {d} of an input of shape {tuple(input.shape)} it must have shape "
                           f"{want}")
    if source.dtype != input.dtype:
        raise RuntimeError(f"{op}: source has dtype {source.dtype} but the input has dtype {input.dtype}; they "
                           "must match (convert with .to(input.dtype))")
    return source if source.ndim or not input.ndim else getitem(source, (None,))


def index_add(input, dim, index, source, *, alpha=1):
    """A copy of input with alpha * source added at `index` along dim (repeated indices accumulate)."""
    d, idx = _vector_index(input, dim, index, "index_add")
    source = _source(input, d, idx, source, "index_add")
    if alpha != 1:
        source = mul(source, alpha)
    x = input if input.ndim else getitem(input, (None,))
    out = add(x, IndexPutZeros.apply(source, tuple(x.shape), _dim_tuple(x, d, idx), True))
    return out if input.ndim else getitem(out, 0)


def index_copy(input, dim, index, source):
    """A copy of input with `source` written at `index` along dim."""
    d, idx = _vector_index(input, dim, index, "index_copy")
    source = _source(input, d, idx, source, "index_copy")
    x = input if input.ndim else getitem(input, (None,))
    out = SetItem.apply(x, source, _dim_tuple(x, d, idx))
    return out if input.ndim else getitem(out, 0)


def index_fill(input, dim, index, value):
    """A copy of input with `value` (a number or 0-d tensor) written at `index` along dim."""
    d, idx = _vector_index(input, dim, index, "index_fill")
    value = _fill_value(input, value, "index_fill")
    x = input if input.ndim else getitem(input, (None,))
    out = SetItem.apply(x, value, _dim_tuple(x, d, idx))
    return out if input.ndim else getitem(out, 0)


def _fill_value(input, value, op):
    if isinstance(value, Tensor):
        _same_device(op, input, value)
        if value.ndim:
            raise RuntimeError(f"{op}: only supports a 0-dimensional value tensor, but got one of shape "
                               f"{tuple(value.shape)}")
        return value
    if isinstance(value, np.generic):
        return value.item()
    if not isinstance(value, _SCALARS):
        raise TypeError(f"{op}: value must be a number or a 0-d tensor, got {type(value).__name__}")
    return value


def index_put(input, indices, values, accumulate=False):
    """A copy of input with values written (or added, when accumulate) at input[indices] (a tuple of tensors)."""
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"index_put: indices must be a tuple of tensors, got {type(indices).__name__}")
    index, _ = _index(input, tuple(indices), "index_put")
    values = _value(values, input, "index_put")
    if not accumulate:
        return SetItem.apply(input, values, index, op="index_put")
    if not isinstance(values, Tensor):
        values = Tensor._make(gradmath.xp(input.array).asarray(values, dtype=input.dtype), None, 0)
    return add(input, IndexPutZeros.apply(values, tuple(input.shape), index, True))


# ---------------------------------------------------------------------------- masked ops
def _broadcast_mask(input, mask, op):
    arr = _mask_array(mask, input, op)
    try:
        shape = np.broadcast_shapes(tuple(input.shape), arr.shape)
    except ValueError:
        raise RuntimeError(f"{op}: the mask of shape {tuple(arr.shape)} cannot be broadcast to the input's shape "
                           f"{tuple(input.shape)}") from None
    return gradmath.xp(arr).broadcast_to(arr, shape), shape


def _expand(t, shape):
    """t broadcast to shape, recorded as a GetItem whose gradient sums over the broadcast dims."""
    if tuple(t.shape) == tuple(shape):
        return t
    m = gradmath.xp(t.array)
    t = getitem(t, (None,) * (len(shape) - t.ndim) + (Ellipsis,))
    nd = len(shape)
    index = tuple((m.zeros if s == 1 and n != 1 else m.arange)(n, dtype=np.int64).reshape(
        (1,) * k + (n,) + (1,) * (nd - k - 1)) for k, (s, n) in enumerate(zip(t.shape, shape)))
    return GetItem.apply(t, index)


def masked_fill(input, mask, value):
    """A copy of input with `value` (a number or 0-d tensor) where mask is True (mask broadcasts)."""
    mask_b, shape = _broadcast_mask(input, mask, "masked_fill")
    value = _fill_value(input, value, "masked_fill")
    return SetItem.apply(_expand(input, shape), value, (mask_b,))


def masked_select(input, mask):
    """The entries of input where mask is True, as a 1-d tensor (input and mask broadcast)."""
    mask_b, shape = _broadcast_mask(input, mask, "masked_select")
    if tuple(input.shape) == shape:
        return GetItem.apply(input, (mask_b,))
    m = gradmath.xp(mask_b)
    x = input if input.ndim else getitem(input, (None,))
    nz = m.nonzero(mask_b)
    lead = len(shape) - x.ndim
    index = tuple(m.zeros_like(nz[lead + k]) if n == 1 else nz[lead + k] for k, n in enumerate(x.shape))
    return GetItem.apply(x, index)


def _flat_take(t, flat):
    """t.flatten()[flat] for an int array `flat` (non-negative, in range), recorded through GetItem."""
    m = gradmath.xp(flat)
    if t.ndim == 0:
        t = getitem(t, (None,))
    return GetItem.apply(t, m.unravel_index(flat, t.shape))


def masked_scatter(input, mask, source):
    """A copy of input with the first entries of source (in order) written where mask is True."""
    mask_b, shape = _broadcast_mask(input, mask, "masked_scatter")
    if not isinstance(source, Tensor):
        raise TypeError(f"masked_scatter: source must be a tensor, got {type(source).__name__}")
    _same_device("masked_scatter", input, source)
    if source.dtype != input.dtype:
        raise RuntimeError(f"masked_scatter: source has dtype {source.dtype} but the input has dtype {input.dtype}; "
                           "they must match")
    m = gradmath.xp(mask_b)
    count = int(mask_b.sum())
    if count > source.numel():
        raise RuntimeError(f"masked_scatter: the mask selects {count} entries but source has only "
                           f"{source.numel()} (shape {tuple(source.shape)})")
    src = _flat_take(source, m.arange(count, dtype=np.int64))
    return SetItem.apply(_expand(input, shape), src, (mask_b,))


# ---------------------------------------------------------------------------- take
def take(input, index):
    """input.flatten()[index]: the result has index's shape (negative indices count from the end)."""
    idx = _int_index(index, input, "take")
    n = input.numel()
    _check_range(idx, n, "take", 0)
    m = gradmath.xp(idx)
    return _flat_take(input, m.where(idx < 0, idx + n, idx))


def take_along_dim(input, indices, dim=None, *, axis=None):
    """Values of input at `indices` along dim (broadcast in the other dims); dim=None: on the flattened input."""
    if axis is not None:
        dim = aliases.dim("take_along_dim", dim, axis)
    if dim is None:
        idx = _int_index(indices, input, "take_along_dim", "indices").reshape(-1)
        _check_range(idx, input.numel(), "take_along_dim", 0, negative=False)
        return _flat_take(input, idx)
    d = _dim(dtypes.as_int(dim, "take_along_dim", "dim"), input.ndim, "take_along_dim")
    idx = _int_index(indices, input, "take_along_dim", "indices")
    if idx.ndim != input.ndim:
        raise RuntimeError(f"take_along_dim: input and indices must have the same number of dims, got shapes "
                           f"{tuple(input.shape)} and {tuple(idx.shape)}")
    if input.ndim == 0:
        return gather(input, 0, idx)
    try:
        shape = list(np.broadcast_shapes(tuple(input.shape[:d] + (1,) + input.shape[d + 1:]),
                                         tuple(idx.shape[:d] + (1,) + idx.shape[d + 1:])))
    except ValueError:
        raise RuntimeError(f"take_along_dim: input of shape {tuple(input.shape)} and indices of shape "
                           f"{tuple(idx.shape)} cannot be broadcast outside dim {d}") from None
    x = _expand(input, tuple(shape[:d] + [input.shape[d]] + shape[d + 1:]))
    idx = gradmath.xp(idx).broadcast_to(idx, tuple(shape[:d] + [idx.shape[d]] + shape[d + 1:]))
    _check_range(idx, input.shape[d], "take_along_dim", d, negative=False)
    return _gather(x, d, idx)


# ---------------------------------------------------------------------------- nonzero
def nonzero(input, *, as_tuple=False):
    """Indices of the non-zero entries: an (n, ndim) int64 tensor, or a tuple of ndim 1-d tensors."""
    a = input.array if input.ndim else input.array.reshape(1)
    m = gradmath.xp(a)
    if as_tuple:
        return tuple(Tensor._make(i.astype(np.int64, copy=False), None, 0) for i in m.nonzero(a))
    out = m.argwhere(input.array).astype(np.int64, copy=False)
    return Tensor._make(out, None, 0)


def argwhere(input):
    """Indices of the non-zero entries, as an (n, ndim) int64 tensor."""
    return nonzero(input)


__all__ = ["gather", "scatter", "scatter_add", "index_select", "index_add", "index_copy", "index_fill", "index_put",
           "index_put_zeros", "masked_fill", "masked_select", "masked_scatter", "take", "take_along_dim", "nonzero",
           "argwhere"]
METHODS = {n: globals()[n] for n in __all__ if n != "index_put_zeros"}
METHODS["_index_put_zeros"] = lambda self, shape, index: index_put_zeros(shape, index, self)  # for gradmath
for _n in ("scatter", "scatter_add", "index_add", "index_copy", "index_fill", "index_put", "masked_fill",
           "masked_scatter"):
    METHODS[f"{_n}_"] = _inplace(f"{_n}_", globals()[_n])
