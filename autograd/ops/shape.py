"""Shapes and views: reshape, permute, expand, repeat, flip, roll, atleast_nd, narrow, tril, diagonal, stride."""
import math

import numpy as np

from .. import dtypes, gradmath
from .. import memory_formats as _format
from .._tensor import Size, Tensor, root
from .._tensor import _dim as _tensor_dim
from ..function import Op
from . import aliases

_int = dtypes.as_int


# ---------------------------------------------------------------------------- helpers
def _run(cls, *args, **params):
    """Op `cls` on gradients: recorded when they are Tensors (create_graph), straight on arrays otherwise."""
    for a in args:
        if isinstance(a, Tensor):
            return cls.apply(*args, **params)
    return cls.forward(cls.__new__(cls), *args, **params)


def _view(y, x):
    """Give y (whose data is a view of x's) x's version counter."""
    y._base = root(x)
    return y


def _shares(y, x):
    """True when array y is a view of array x's memory (numpy and cupy point .base at the owner)."""
    b = y.base
    if b is not None and (b is x or b is x.base):
        return True
    return bool(gradmath.xp(x).may_share_memory(y, x))  # a copy; or a backend whose .base is not the owner itself


def _dim(d, ndim, op, name="dim"):
    """Normalize a possibly negative dim: an op-named TypeError when it is not an int, IndexError out of range."""
    return _tensor_dim(d if type(d) is int else _int(d, op, name), ndim, op)


def _sizes(args, op="size", name="size"):
    """Sizes given as varargs (2, 3) or as one tuple/list ((2, 3)), checked to be ints."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = args[0]
    return dtypes.as_ints(tuple(args), op, name)


def _dims(dims, ndim, op):
    """Normalize an int or a sequence of dims; repeated dims raise."""
    if not isinstance(dims, (tuple, list)):
        dims = (dims,)
    dims = dtypes.as_ints(tuple(dims), op, "dim")
    out = tuple(_dim(d, ndim, op) for d in dims)
    if len(set(out)) != len(out):
        seen = set()
        for d, n in zip(dims, out):
            if n in seen:
                raise RuntimeError(f"{op}: dim {d} appears multiple times in the list of dims {tuple(dims)}")
            seen.add(n)
    return out


def _check_tensor(x, op):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected a tensor, got {type(x).__name__}")


# ---------------------------------------------------------------------------- reshape / view family
class Reshape(Op):
    complex_ok = True

    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return x.reshape(shape)

    def backward(ctx, gy):
        return gy.reshape(ctx.in_shape)


class View(Reshape):
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        y = x.reshape(shape)
        if y.size and not _shares(y, x):
            item = x.itemsize
            raise RuntimeError(
                f"view: a tensor of shape {tuple(x.shape)} and strides {tuple(s // item for s in x.strides)} "
                f"cannot be viewed as shape {tuple(y.shape)} without copying (its memory layout is not "
                "compatible); use .reshape(...) instead, which copies when it must")
        return y


class Squeeze(Reshape):
    pass


class Unsqueeze(Reshape):
    pass


def _reshape_error(op, x, shape, err):
    n = x.array.size
    return RuntimeError(f"{op}: shape {tuple(shape)} is invalid for a tensor of shape {tuple(x.shape)} ({n} "
                        f"elements): the sizes must be non-negative integers multiplying to {n}, with at most "
                        f"one -1 to infer a size ({err})")


def _check_sizes(op, x, shape):
    if any(s < -1 for s in shape):
        raise _reshape_error(op, x, shape, "negative size")


def _dim_new(d, ndim, op):
    """Normalize a dim of a result with one more dim than the input (unsqueeze, stack)."""
    d = _int(d, op, "dim")
    if not -ndim - 1 <= d <= ndim:
        raise IndexError(f"{op}: dim {d} is out of range for a tensor of {ndim} dimensions (expected a dim in "
                         f"[{-ndim - 1}, {ndim}], positions in the result)")
    return d % (ndim + 1)


def reshape(input, *sizes, shape=None):
    """input with a new shape (sizes as varargs or a tuple, one -1 inferred); a view when possible."""
    if shape is not None:
        sizes = aliases.sizes("reshape", sizes, "shape", shape)
    shape = _sizes(sizes, "reshape", "shape")
    try:
        y = Reshape.apply(input, shape)
    except (ValueError, TypeError) as err:
        raise _reshape_error("reshape", input, shape, err) from None
    if y.array.shape != shape:  # -1 inferred (or a list given): numpy would also accept -2, ... as unknown
        _check_sizes("reshape", input, shape)
    if _shares(y.array, input.array):
        y._base = root(input)
    return y


def _view_dtype(input, dtype):
    try:
        data = input.array.view(dtype)
    except (ValueError, TypeError) as err:
        raise RuntimeError(f"view: cannot view a tensor of shape {tuple(input.shape)} and dtype {input.dtype} as "
                           f"dtype {dtype}: {err}") from None
    return _view(Tensor._make(data, None, 0), input)


def view(input, *shape, size=None, dtype=None):
    """input with a new shape, sharing its memory; raises when that needs a copy (use reshape then). view(dtype)
    reinterprets the bytes as another dtype."""
    if size is not None or dtype is not None:
        if dtype is not None and (shape or size is not None):
            raise TypeError("view() takes either sizes or dtype=, not both: view(*size) reshapes, view(dtype) "
                            "reinterprets the bytes")
        shape = (dtype,) if dtype is not None else aliases.sizes("view", shape, "size", size)
    if len(shape) == 1:
        s = shape[0]
        if isinstance(s, (tuple, list)):
            shape = s
        elif isinstance(s, (type, str, np.dtype, dtypes.MissingDtype)):
            return _view_dtype(input, dtypes.as_dtype(s))
    shape = _sizes(shape, "view", "size")
    try:
        y = View.apply(input, shape)
    except (ValueError, TypeError) as err:
        raise _reshape_error("view", input, shape, err) from None
    if y.array.shape != shape:
        _check_sizes("view", input, shape)
    return _view(y, input)


def view_as(input, other):
    """input viewed with other's shape."""
    return view(input, other.shape)


def reshape_as(input, other):
    """input reshaped to other's shape."""
    return reshape(input, other.shape)


def ravel(input):
    """input flattened to 1-D (a view when possible)."""
    return reshape(input, -1)


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dims start_dim..end_dim into one."""
    shape = input.array.shape
    nd = len(shape)
    if nd == 0:
        return reshape(input, 1)
    s, e = _dim(start_dim, nd, "flatten"), _dim(end_dim, nd, "flatten")
    if s > e:
        raise RuntimeError(f"flatten: start_dim ({start_dim}) must not come after end_dim ({end_dim}) for a "
                           f"tensor of {nd} dimensions")
    return reshape(input, shape[:s] + (math.prod(shape[s:e + 1]),) + shape[e + 1:])


def unflatten(input, dim, sizes):
    """Split dim `dim` into the dims `sizes` (one -1 inferred)."""
    shape = input.array.shape
    if not shape:
        raise RuntimeError("unflatten: cannot unflatten a 0-d tensor")
    d = _dim(dim, len(shape), "unflatten")
    sizes = dtypes.as_ints(sizes, "unflatten", "sizes")
    n = shape[d]
    known = math.prod(s for s in sizes if s != -1)
    unknown = sum(1 for s in sizes if s == -1)
    bad = (not sizes or unknown > 1 or any(s < -1 for s in sizes) or
           (unknown == 0 and known != n) or (unknown == 1 and (known == 0 or n % known)))
    if bad:
        raise RuntimeError(f"unflatten: sizes {sizes} don't multiply up to the size {n} of dim {dim} of a tensor "
                           f"of shape {tuple(shape)} (at most one -1 may be inferred)")
    sizes = tuple(n // known if s == -1 else s for s in sizes)
    return reshape(input, shape[:d] + sizes + shape[d + 1:])


def squeeze(input, dim=None, *, axis=None):
    """Remove dims of size 1 (all, or those among `dim`, an int or a tuple)."""
    if axis is not None:
        dim = aliases.dim("squeeze", dim, axis)
    shape = input.array.shape
    if dim is None:
        new = tuple(n for n in shape if n != 1)
    else:
        dims = _dims(dim, len(shape), "squeeze")
        new = tuple(n for i, n in enumerate(shape) if n != 1 or i not in dims)
    return _view(Squeeze.apply(input, new), input)


def unsqueeze(input, dim=None, *, axis=None):
    """Insert a dim of size 1 at position `dim` (negative counts from the end of the result)."""
    if dim is None or axis is not None:
        dim = aliases.required_dim("unsqueeze", dim, axis)
    shape = input.array.shape
    d = _dim_new(dim, len(shape), "unsqueeze")
    return _view(Unsqueeze.apply(input, shape[:d] + (1,) + shape[d:]), input)


# ---------------------------------------------------------------------------- permute / transpose
class Permute(Op):
    complex_ok = True

    def forward(ctx, x, axes):
        ctx.axes = axes
        return x.transpose(axes)

    def backward(ctx, gy):
        axes = ctx.axes
        inv = [0] * len(axes)
        for i, a in enumerate(axes):
            inv[a] = i
        return gradmath.transpose(gy, tuple(inv))


class Transpose(Op):
    complex_ok = True

    def forward(ctx, x, d0, d1):
        ctx.dims = (d0, d1)
        return x.swapaxes(d0, d1)

    def backward(ctx, gy):
        return gy.swapaxes(*ctx.dims)


def permute(input, *sizes, dims=None):
    """Reorder the dims: result dim i is input dim dims[i]."""
    if dims is not None:
        sizes = aliases.sizes("permute", sizes, "dims", dims)
    dims = _sizes(sizes, "permute", "dims")
    nd = input.array.ndim
    if len(dims) != nd:
        raise RuntimeError(f"permute: got {len(dims)} dims {tuple(dims)} for a tensor of {nd} dimensions "
                           f"(shape {tuple(input.shape)}); give one entry per dimension")
    axes = tuple(d if 0 <= d < nd else _dim(d, nd, "permute") for d in dims)
    if len(set(axes)) != nd:
        raise RuntimeError(f"permute: dims {tuple(dims)} repeat a dimension; give each dim exactly once")
    y = Permute.apply(input, axes)
    y._base = root(input)
    return y


def transpose(input, dim0, dim1):
    """Swap two dims (a view)."""
    nd = input.array.ndim
    d0 = dim0 if type(dim0) is int and 0 <= dim0 < nd else _dim(dim0, nd, "transpose", "dim0")
    d1 = dim1 if type(dim1) is int and 0 <= dim1 < nd else _dim(dim1, nd, "transpose", "dim1")
    y = Transpose.apply(input, d0, d1) if nd else Permute.apply(input, ())
    y._base = root(input)
    return y


def swapaxes(input, axis0, axis1):
    """Alias of transpose."""
    return transpose(input, axis0, axis1)


def swapdims(input, dim0, dim1):
    """Alias of transpose."""
    return transpose(input, dim0, dim1)


def movedim(input, source, destination):
    """Move dims `source` (an int or a tuple) to positions `destination`; the others keep their order."""
    nd = input.array.ndim
    src = _dims(source, nd, "movedim")
    dst = _dims(destination, nd, "movedim")
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: source {source} and destination {destination} must have the same number "
                           "of dims")
    order = [d for d in range(nd) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return _view(Permute.apply(input, tuple(order)), input)


moveaxis = movedim


def t(input):
    """Transpose of a matrix; tensors of fewer than 2 dims are returned as they are (as a view)."""
    nd = input.array.ndim
    if nd > 2:
        raise RuntimeError(f"t: expects a tensor with <= 2 dimensions, but got shape {tuple(input.shape)} "
                           f"({nd}-D); use transpose(dim0, dim1) or .mT for batches of matrices")
    return _view(Permute.apply(input, tuple(range(nd))[::-1]), input)


def _T(self):
    """All dims reversed (PyTorch deprecates it for ndim != 2; kept working here)."""
    return _view(Permute.apply(self, tuple(range(self.array.ndim))[::-1]), self)


def _mT(self):
    """The last two dims swapped (a batch of matrix transposes)."""
    nd = self.array.ndim
    if nd < 2:
        raise RuntimeError(f"mT: needs a matrix or a batch of matrices, got a {nd}-D tensor of shape "
                           f"{tuple(self.shape)}")
    return _view(Transpose.apply(self, nd - 2, nd - 1), self)


Tensor.T = property(_T, doc=_T.__doc__)
Tensor.mT = property(_mT, doc=_mT.__doc__)


# ---------------------------------------------------------------------------- expand / broadcast / repeat
class Expand(Op):
    complex_ok = True

    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        if shape == x.shape:
            return x.view()
        if x.size and x.size == math.prod(shape):  # only leading 1s added: a plain (writable) view
            return x.reshape(shape)
        return gradmath.xp(x).broadcast_to(x, shape)  # a read-only view, as memory is shared between elements

    def backward(ctx, gy):
        return gradmath.sum_to(gy, ctx.in_shape)


def _expand_shape(shape, sizes, op):
    nd, n = len(shape), len(sizes)
    if n < nd:
        raise RuntimeError(f"{op}: the number of sizes given ({n}, {tuple(sizes)}) must be at least the number of "
                           f"dimensions of the tensor ({nd}, shape {tuple(shape)})")
    lead = n - nd
    out = list(sizes)
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"{op}: size {s} is not allowed in the new leading dim {i} (shape "
                                   f"{tuple(shape)} -> {tuple(sizes)}); give the actual size")
            continue
        d = shape[i - lead]
        if s == -1:
            out[i] = d
        elif s != d and (d != 1 or s < 0):
            raise RuntimeError(f"{op}: cannot expand a tensor of shape {tuple(shape)} to {tuple(sizes)}: size {d} "
                               f"at dim {i - lead} must equal the target size {s} or be 1")
    return tuple(out)


def expand(input, *sizes, size=None):
    """A broadcast view with sizes `sizes` (-1 keeps a dim; new dims go in front). Read-only memory."""
    if size is not None:
        sizes = aliases.sizes("expand", sizes, "size", size)
    sizes = _sizes(sizes, "expand", "size")
    shape = input.array.shape
    if sizes != shape:
        sizes = _expand_shape(shape, sizes, "expand")
    y = Expand.apply(input, sizes)
    y._base = root(input)
    return y


def expand_as(input, other):
    """input expanded to other's shape."""
    return expand(input, other.shape)


def broadcast_to(input, size):
    """input broadcast to `size` (as expand)."""
    return expand(input, tuple(size) if isinstance(size, (tuple, list)) else (size,))


def broadcast_tensors(*tensors):
    """The tensors expanded to their common broadcast shape (views)."""
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    shapes = [tuple(t.shape) for t in tensors]
    out = ()
    for i, s in enumerate(shapes):
        n = max(len(out), len(s))
        a, b = (1,) * (n - len(out)) + out, (1,) * (n - len(s)) + s
        if any(p != q and p != 1 and q != 1 for p, q in zip(a, b)):
            raise RuntimeError(f"broadcast_tensors: shapes {shapes} cannot be broadcast together (tensor {i} of "
                               f"shape {s} does not fit {out})")
        out = tuple(q if p == 1 else p for p, q in zip(a, b))
    return tuple(expand(t, out) for t in tensors)


def broadcast_shapes(*shapes):
    """The shape the given shapes (tuples, or ints for 1-d ones) broadcast to, as a Size; nothing is allocated."""
    sizes = [(s,) if isinstance(s, int) else dtypes.as_ints(tuple(s), "broadcast_shapes", "shape") for s in shapes]
    out = []
    for i, s in enumerate(sizes):
        for k in range(1, len(s) + 1):
            if k > len(out):
                out.insert(0, s[-k])
            elif s[-k] != 1 and out[-k] != s[-k]:
                if out[-k] != 1:
                    raise RuntimeError(f"broadcast_shapes: attempting to broadcast a dimension of length {s[-k]} "
                                       f"at {-k}! Mismatching argument at index {i} had {tuple(s)}; but expected "
                                       f"shape should be broadcastable to {list(out)}")
                out[-k] = s[-k]
    return Size(out)


class Repeat(Op):
    """Tile x: x viewed as (1, s0, 1, s1, ...) is broadcast into a new (r0, s0, r1, s1, ...) array, then merged."""

    complex_ok = True

    def forward(ctx, x, reps):
        shape = (1,) * (len(reps) - x.ndim) + x.shape
        ctx.in_shape, ctx.split = x.shape, tuple(v for r, s in zip(reps, shape) for v in (r, s))
        out = gradmath.xp(x).empty(tuple(r * s for r, s in zip(reps, shape)), x.dtype)
        out.reshape(ctx.split)[...] = x.reshape(tuple(v for s in shape for v in (1, s)))
        return out

    def backward(ctx, gy):
        g = gradmath.sum(gy.reshape(ctx.split), axis=tuple(range(0, len(ctx.split), 2)))
        return g.reshape(ctx.in_shape)


def repeat(input, *sizes, repeats=None):
    """Tile input sizes[i] times along dim i (len(sizes) >= ndim; extra sizes add leading dims)."""
    if repeats is not None:
        sizes = aliases.sizes("repeat", sizes, "repeats", repeats)
    sizes = _sizes(sizes, "repeat", "repeats")
    nd = input.array.ndim
    if len(sizes) < nd:
        raise RuntimeError(f"repeat: got {len(sizes)} repeat counts {tuple(sizes)} for a tensor of {nd} dimensions "
                           f"(shape {tuple(input.shape)}); give at least one per dimension")
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"repeat: repeat counts must be non-negative, got {tuple(sizes)}")
    return Repeat.apply(input, tuple(sizes))


def tile(input, *sizes, dims=None):
    """Tile input dims[i] times along dim i; missing leading counts are 1."""
    if dims is not None:
        sizes = aliases.sizes("tile", sizes, "dims", dims)
    dims = _sizes(sizes, "tile", "dims")
    nd = input.array.ndim
    return repeat(input, (1,) * (nd - len(dims)) + tuple(dims))


# ---------------------------------------------------------------------------- flip / roll
class Flip(Op):
    complex_ok = True

    def forward(ctx, x, dims):
        ctx.dims = dims
        return gradmath.xp(x).flip(x, dims).copy()

    def backward(ctx, gy):
        return _run(Flip, gy, ctx.dims)


def flip(input, *sizes, dims=None):
    """Reverse the order of elements along `dims` (a copy, as in PyTorch)."""
    if dims is not None:
        sizes = aliases.sizes("flip", sizes, "dims", dims)
    dims = _sizes(sizes, "flip", "dims")
    dims = _dims(dims, input.array.ndim, "flip") if input.array.ndim else ()
    return Flip.apply(input, dims)


def fliplr(input):
    """Flip dim 1 (left/right); needs at least 2 dims."""
    if input.array.ndim < 2:
        raise RuntimeError(f"fliplr: input must be at least 2-D, got shape {tuple(input.shape)}")
    return flip(input, 1)


def flipud(input):
    """Flip dim 0 (up/down); needs at least 1 dim."""
    if input.array.ndim < 1:
        raise RuntimeError("flipud: input must be at least 1-D, got a 0-d tensor")
    return flip(input, 0)


class Roll(Op):
    complex_ok = True

    def forward(ctx, x, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return gradmath.xp(x).roll(x, shifts, dims)

    def backward(ctx, gy):
        s = ctx.shifts
        return _run(Roll, gy, -s if isinstance(s, int) else tuple(-v for v in s), ctx.dims)


def roll(input, shifts, dims=None):
    """Rotate elements along dims by shifts (without dims: over the flattened tensor, shape kept)."""
    nd = input.array.ndim
    if dims is None or nd == 0:
        if isinstance(shifts, (tuple, list)):
            if len(shifts) != 1:
                raise RuntimeError(f"roll: without dims, shifts must be one number, got {tuple(shifts)}")
            shifts = shifts[0]
        return Roll.apply(input, _int(shifts, "roll", "shifts"), None)
    shifts = dtypes.as_ints(tuple(shifts) if isinstance(shifts, (tuple, list)) else (shifts,), "roll", "shifts")
    dims = dtypes.as_ints(tuple(dims) if isinstance(dims, (tuple, list)) else (dims,), "roll", "dims")
    if len(shifts) != len(dims):
        raise RuntimeError(f"roll: shifts {shifts} and dims {tuple(dims)} must have the same length")
    dims = tuple(_dim(d, nd, "roll") for d in dims)
    return Roll.apply(input, shifts, dims)


# ---------------------------------------------------------------------------- atleast_1d / 2d / 3d
def _atleast(tensors, n, op):
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        return tuple(_atleast_list(tensors[0], n, op))
    out = _atleast_list(tensors, n, op)
    return out[0] if len(out) == 1 else tuple(out)


def _atleast_list(tensors, n, op):
    out = []
    for t in tensors:
        _check_tensor(t, op)
        s = t.array.shape
        if len(s) < n:
            if n == 3 and len(s) == 2:
                t = reshape(t, s + (1,))
            elif n == 3 and len(s) == 1:
                t = reshape(t, (1,) + s + (1,))
            else:
                t = reshape(t, (1,) * (n - len(s)) + s)
        out.append(t)
    return out


def atleast_1d(*tensors):
    """Tensors with at least 1 dim (0-d become shape (1,))."""
    return _atleast(tensors, 1, "atleast_1d")


def atleast_2d(*tensors):
    """Tensors with at least 2 dims ((n,) becomes (1, n))."""
    return _atleast(tensors, 2, "atleast_2d")


def atleast_3d(*tensors):
    """Tensors with at least 3 dims ((n,) becomes (1, n, 1), (m, n) becomes (m, n, 1))."""
    return _atleast(tensors, 3, "atleast_3d")


# ---------------------------------------------------------------------------- narrow
class ConstantPadNd(Op):
    """Pad (or, with negative widths, crop) every dim by widths[i] = (before, after), filling with value."""

    complex_ok = True

    def forward(ctx, x, widths, value):
        ctx.widths = widths
        xp = gradmath.xp(x)
        src, dst, shape = [], [], []
        for (b, a), n in zip(widths, x.shape):
            lo, hi = max(-b, 0), n - max(-a, 0)
            m = max(hi - lo, 0)
            src.append(slice(lo, lo + m))
            dst.append(slice(max(b, 0), max(b, 0) + m))
            shape.append(n + b + a)
        out = xp.zeros(shape, x.dtype) if value == 0 else xp.full(shape, value, x.dtype)
        out[tuple(dst)] = x[tuple(src)]
        return out

    def backward(ctx, gy):
        return _run(ConstantPadNd, gy, tuple((-b, -a) for b, a in ctx.widths), 0)


class Narrow(Op):
    complex_ok = True

    def forward(ctx, x, dim, start, length):
        ctx.widths = tuple((start, n - start - length) if i == dim else (0, 0) for i, n in enumerate(x.shape))
        return x[(slice(None),) * dim + (slice(start, start + length),)]

    def backward(ctx, gy):
        return _run(ConstantPadNd, gy, ctx.widths, 0)


def narrow(input, dim, start, length):
    """The view of `length` entries of dim `dim` from `start` (negative start counts from the end)."""
    shape = input.array.shape
    d = _dim(dim, len(shape), "narrow")
    if not shape:
        raise RuntimeError("narrow: cannot narrow a 0-d tensor")
    n = shape[d]
    start, length = _int(start, "narrow", "start"), _int(length, "narrow", "length")
    if not -n <= start <= n:
        raise IndexError(f"narrow: start {start} is out of range for dim {dim} of size {n} (expected a start in "
                         f"[{-n}, {n}])")
    if start < 0:
        start += n
    if length < 0 or start + length > n:
        raise RuntimeError(f"narrow: start ({start}) + length ({length}) exceeds the size {n} of dim {dim} (shape "
                           f"{tuple(shape)}), or length is negative")
    return _view(Narrow.apply(input, d, start, length), input)


# ---------------------------------------------------------------------------- triangles and diagonals
class Tril(Op):
    complex_ok = True

    def forward(ctx, x, k):
        ctx.k = k
        return gradmath.xp(x).tril(x, k)

    def backward(ctx, gy):
        return _run(Tril, gy, ctx.k)


class Triu(Op):
    complex_ok = True

    def forward(ctx, x, k):
        ctx.k = k
        return gradmath.xp(x).triu(x, k)

    def backward(ctx, gy):
        return _run(Triu, gy, ctx.k)


def tril(input, diagonal=0):
    """The lower triangle of the last two dims (entries above diagonal `diagonal` zeroed)."""
    if input.array.ndim < 2:
        raise RuntimeError(f"tril: input must have at least 2 dimensions, got shape {tuple(input.shape)}")
    return Tril.apply(input, _int(diagonal, "tril", "diagonal"))


def triu(input, diagonal=0):
    """The upper triangle of the last two dims (entries below diagonal `diagonal` zeroed)."""
    if input.array.ndim < 2:
        raise RuntimeError(f"triu: input must have at least 2 dimensions, got shape {tuple(input.shape)}")
    return Triu.apply(input, _int(diagonal, "triu", "diagonal"))


def _diag_view(x, offset, d1, d2):
    """The writable view of a diagonal of x (last axis of the result)."""
    y = gradmath.xp(x).diagonal(x, offset, d1, d2)
    flags = y.flags
    if not getattr(flags, "writeable", True) and x.flags.writeable:
        flags.writeable = True  # numpy makes diagonals read-only by default; the memory is x's
    return y


class Diagonal(Op):
    complex_ok = True

    def forward(ctx, x, offset, d1, d2):
        ctx.shape, ctx.params = x.shape, (offset, d1, d2)
        return _diag_view(x, offset, d1, d2)

    def backward(ctx, gy):
        return _run(DiagScatter, gy, ctx.shape, *ctx.params)


class DiagScatter(Op):
    """Zeros of `shape` with x written on a diagonal (the adjoint of Diagonal)."""

    def forward(ctx, x, shape, offset, d1, d2):
        ctx.params = (offset, d1, d2)
        out = gradmath.xp(x).zeros(shape, x.dtype)
        _diag_view(out, offset, d1, d2)[...] = x
        return out

    def backward(ctx, gy):
        return _run(Diagonal, gy, *ctx.params)


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal of dims dim1, dim2 (offset > 0 above the main one) as the last dim of a view."""
    nd = input.array.ndim
    if nd < 2:
        raise RuntimeError(f"diagonal: input must have at least 2 dimensions, got shape {tuple(input.shape)}")
    d1, d2 = _dim(dim1, nd, "diagonal", "dim1"), _dim(dim2, nd, "diagonal", "dim2")
    offset = _int(offset, "diagonal", "offset")
    if d1 == d2:
        raise RuntimeError(f"diagonal: dim1 and dim2 must differ, got {dim1} and {dim2}")
    return _view(Diagonal.apply(input, int(offset), d1, d2), input)


_diagonal = diagonal


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Put the last dim of input on a diagonal (of dims dim1, dim2) of a new zero tensor with one more dim."""
    shape = input.array.shape
    nd = len(shape)
    if nd == 0:
        raise RuntimeError("diag_embed: input must have at least 1 dimension, got a 0-d tensor")
    d1, d2 = _dim_new(dim1, nd, "diag_embed"), _dim_new(dim2, nd, "diag_embed")
    offset = _int(offset, "diag_embed", "offset")
    if d1 == d2:
        raise RuntimeError(f"diag_embed: dim1 and dim2 must differ, got {dim1} and {dim2}")
    n = shape[-1] + abs(int(offset))
    rest = iter(shape[:-1])
    out = tuple(n if i in (d1, d2) else next(rest) for i in range(nd + 1))
    return DiagScatter.apply(input, out, int(offset), d1, d2)


def diag(input, diagonal=0):
    """1-D input: a matrix with input on a diagonal; 2-D input: its diagonal (a copy)."""
    diagonal = _int(diagonal, "diag", "diagonal")
    nd = input.array.ndim
    if nd == 1:
        return diag_embed(input, diagonal, 0, 1)
    if nd == 2:
        return _diagonal(input, diagonal).clone()
    raise RuntimeError(f"diag: expected a 1-D or 2-D tensor, got shape {tuple(input.shape)}")


# ---------------------------------------------------------------------------- memory layout
def stride(input, dim=None, *, axis=None):
    """The strides in elements (a tuple), or the stride of one dim, as PyTorch's Tensor.stride()."""
    if axis is not None:
        dim = aliases.dim("stride", dim, axis)
    data = input.array
    item = data.itemsize
    strides = tuple(st // item for st in data.strides)
    if dim is None:
        return strides
    dim = _int(dim, "stride", "dim")
    if not data.ndim:
        raise IndexError(f"stride: dim {dim} was given but the tensor is 0-d (it has no dimensions)")
    return strides[_dim(dim, data.ndim, "stride")]


def is_contiguous(input, memory_format=_format.contiguous_format):
    """True when the elements lie in memory in row-major (C) order, or memory_format's, without gaps (size-1 dims
    do not count)."""
    return _format.is_in(input.array, _format.check(memory_format, "is_contiguous"))


__all__ = ["reshape", "view", "view_as", "reshape_as", "ravel", "flatten", "unflatten", "squeeze", "unsqueeze",
           "permute", "transpose", "swapaxes", "swapdims", "movedim", "moveaxis", "t", "expand", "expand_as",
           "broadcast_to", "broadcast_tensors", "broadcast_shapes", "repeat", "tile", "flip", "fliplr", "flipud",
           "roll", "atleast_1d", "atleast_2d", "atleast_3d", "narrow", "tril", "triu", "diagonal", "diag_embed", "diag"]
_FUNCTIONS_ONLY = {"broadcast_tensors", "broadcast_shapes", "atleast_1d", "atleast_2d", "atleast_3d"}
METHODS = {n: globals()[n] for n in __all__ if n not in _FUNCTIONS_ONLY}
METHODS.update(stride=stride, is_contiguous=is_contiguous)
