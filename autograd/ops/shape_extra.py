"""More shapes and views: meshgrid, rot90, tensor_split/hsplit/vsplit/dsplit, column_stack, block_diag,
cartesian_prod, combinations, repeat_interleave, unravel_index, select, diagflat, split_with_sizes, unsafe_*."""
import itertools
import warnings

import numpy as np

from .. import backend, dtypes
from .._tensor import Tensor
from . import aliases, index, join, shape
from .shape import _check_tensor, _dim, _int

_INTS = dtypes.INTEGERS
_getitem = index.getitem  # select's parameter `index` shadows the module


def _tensor_list(tensors, op):
    """Tensors given as varargs or as one list/tuple, checked to be tensors and to be at least one."""
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: expected a sequence of tensors, but element {i} is a {type(t).__name__}")
    return tensors


def _same_dtype_device(tensors, op):
    first = tensors[0]
    for i, t in enumerate(tensors):
        if type(t.array) is not type(first.array):
            raise RuntimeError(f"{op}: expected all tensors on the same device, but tensor 0 is on {first.device} "
                               f"and tensor {i} is on {t.device}; move them with .to(device) first")
        if t.dtype != first.dtype:
            raise RuntimeError(f"{op}: expected all tensors to have the same dtype, but tensor 0 is {first.dtype} "
                               f"and tensor {i} is {t.dtype}; convert them with .to(dtype) first")


# ---------------------------------------------------------------------------- meshgrid / cartesian_prod
def meshgrid(*tensors, indexing=None):
    """Coordinate grids of 0-d or 1-d tensors, as views: indexing 'ij' (matrix, the default) or 'xy' (Cartesian)."""
    tensors = _tensor_list(tensors, "meshgrid")
    if indexing is None:
        warnings.warn("meshgrid: in an upcoming release, it will be required to pass the indexing argument; "
                      "pass indexing='ij' for today's behaviour (or 'xy')", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'meshgrid: indexing must be one of "xy" or "ij", but received: {indexing!r}')
    if not tensors:
        raise RuntimeError("meshgrid: expects a non-empty list of tensors")
    for i, t in enumerate(tensors):
        if t.ndim > 1:
            raise RuntimeError(f"meshgrid: expected 0-d or 1-d tensors, but tensor {i} has shape {tuple(t.shape)}; "
                               "flatten it first")
    _same_dtype_device(tensors, "meshgrid")
    order = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) > 1:
        order[0], order[1] = 1, 0  # the first two axes swap: x runs along the columns
    out_shape = tuple(tensors[k].numel() for k in order)
    nd = len(order)
    outs = [None] * nd
    for pos, k in enumerate(order):
        grid = tuple(-1 if i == pos else 1 for i in range(nd))
        outs[k] = shape.expand(shape.reshape(tensors[k], grid), out_shape)
    return tuple(outs)


def cartesian_prod(*tensors):
    """The Cartesian product of 1-d tensors, as rows of an (N, len(tensors)) tensor (one tensor: itself)."""
    tensors = _tensor_list(tensors, "cartesian_prod")
    for t in tensors:
        if t.ndim != 1:
            raise RuntimeError(f"cartesian_prod: expects 1-d tensors, but got one of shape {tuple(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return join.stack([shape.reshape(g, -1) for g in grids], 1)


def combinations(input, r=2, with_replacement=False):
    """The r-length combinations of the elements of a 1-d tensor, as rows (itertools.combinations' order)."""
    _check_tensor(input, "combinations")
    if input.ndim != 1:
        raise RuntimeError(f"combinations: expects a 1-d tensor, but got one of shape {tuple(input.shape)}")
    r = _int(r, "combinations", "r")
    if r < 0:
        raise RuntimeError(f"combinations: r must be a non-negative number, but got {r}")
    xp = input.xp
    if r == 0:
        return Tensor._make(xp.empty((0,), input.dtype), None, 0)
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = list(pick(range(input.shape[0]), r))
    idx = np.array(rows, dtype=np.int64).reshape(len(rows), r)
    return index.take(input, Tensor._make(backend.to_device(idx, input.device), None, 0))


# ---------------------------------------------------------------------------- rot90 / diagflat / select
def rot90(input, k=1, dims=(0, 1)):
    """Rotate by 90 degrees k times in the plane of dims (from the first towards the second axis); a copy."""
    _check_tensor(input, "rot90")
    k = _int(k, "rot90", "k")
    dims = dtypes.as_ints(tuple(dims), "rot90", "dims")
    nd = input.ndim
    if len(dims) != 2:
        raise RuntimeError(f"rot90: expected total rotation dims == 2, but got dims = {len(dims)} ({dims})")
    if nd < 2:
        raise RuntimeError(f"rot90: expected a tensor of at least 2 dims, but got shape {tuple(input.shape)}")
    d0, d1 = _dim(dims[0], nd, "rot90", "dims"), _dim(dims[1], nd, "rot90", "dims")
    if d0 == d1:
        raise RuntimeError(f"rot90: expected rotation dims to be different, but got dim0 = {dims[0]} and dim1 = "
                           f"{dims[1]}")
    k %= 4
    if k == 1:
        return shape.transpose(shape.flip(input, d1), d0, d1)
    if k == 2:
        return shape.flip(input, (d0, d1))
    if k == 3:
        return shape.transpose(shape.flip(input, d0), d0, d1)
    return input.clone()


def diagflat(input, offset=0):
    """A 2-d tensor with the flattened input on its diagonal `offset` (> 0 above the main one)."""
    _check_tensor(input, "diagflat")
    return shape.diag(shape.reshape(input, -1), _int(offset, "diagflat", "offset"))


def _select_index(input, dim, idx, op):
    """The normalized (dim, index) of select, with PyTorch's IndexErrors."""
    if input.ndim == 0:
        raise IndexError(f"{op}: select() cannot be applied to a 0-d tensor")
    d = _dim(dim, input.ndim, op)
    i = _int(idx, op, "index")
    n = input.shape[d]
    if not -n <= i < n:
        raise IndexError(f"{op}: index {i} is out of range for dim {dim} of size {n} (tensor of shape "
                         f"{tuple(input.shape)})")
    return d, i % n


def select(input, dim, index):
    """The slice input[..., index, ...] at position `index` of dim `dim`, as a view with that dim removed."""
    _check_tensor(input, "select")
    d, i = _select_index(input, dim, index, "select")
    return _getitem(input, (slice(None),) * d + (i,))


# ---------------------------------------------------------------------------- tensor_split and friends
def _bounds(indices, n):
    """Piece boundaries of tensor_split at `indices` (Python slice semantics: negatives wrap, ends clamp)."""
    out = [0]
    for i in indices:
        out.append(min(max(i + n if i < 0 else i, 0), n))
    return out + [n]


def _pieces(input, d, bounds):
    """The views input[b[i]:b[i + 1]] along dim d; one Split node when they tile the dim in order."""
    sizes = [max(e - s, 0) for s, e in zip(bounds, bounds[1:])]
    if all(e >= s for s, e in zip(bounds, bounds[1:])):
        return join._split_views(input, sizes, d)
    return tuple(shape.narrow(input, d, min(s, input.shape[d]), n) for s, n in zip(bounds, sizes))


def _sections_or_indices(value, op):
    """tensor_split's argument as ("sections", n) or ("indices", list)."""
    if isinstance(value, Tensor):
        if value.dtype not in _INTS:
            raise TypeError(f"{op}: expected indices_or_sections to be an integer (long) tensor, got dtype "
                            f"{value.dtype}")
        if value.ndim > 1:
            raise RuntimeError(f"{op}: expected indices_or_sections to be a 0-d or 1-d tensor, but got a tensor "
                               f"of shape {tuple(value.shape)}")
        values = backend.to_device(value.array, "cpu").tolist()
        return ("sections", values) if value.ndim == 0 else ("indices", values)
    if isinstance(value, (tuple, list)):
        return "indices", list(dtypes.as_ints(tuple(value), op, "indices"))
    return "sections", _int(value, op, "sections")


def tensor_split(input, indices_or_sections=None, dim=0, *, sections=None, indices=None, axis=None):
    """Views of input split along dim into n near-equal sections (the first n % size get one more), or at the
    given indices (input[:i0], input[i0:i1], ..., input[ik:]); sections= or indices= may name the argument."""
    _check_tensor(input, "tensor_split")
    dim = aliases.dim("tensor_split", dim, axis, 0)
    given = [v for v in (indices_or_sections, sections, indices) if v is not None]
    if len(given) != 1:
        raise TypeError("tensor_split() takes exactly one of indices_or_sections, sections= or indices=, but got "
                        f"{len(given)}")
    if sections is not None and not isinstance(sections, int):
        raise TypeError(f"tensor_split: sections must be an int, got {type(sections).__name__}")
    indices_or_sections = given[0] if indices is None else list(indices)
    if input.ndim == 0:
        raise RuntimeError("tensor_split: expected at least a 1-d tensor, but got a 0-d tensor")
    d = _dim(dim, input.ndim, "tensor_split")
    n = input.shape[d]
    kind, value = _sections_or_indices(indices_or_sections, "tensor_split")
    if kind == "indices":
        return _pieces(input, d, _bounds(value, n))
    if value <= 0:
        raise RuntimeError(f"tensor_split: the number of sections must be larger than 0, got {value}")
    q, extra = divmod(n, value)
    sizes = [q + 1] * extra + [q] * (value - extra)
    return join._split_views(input, sizes, d)


def _split_along(input, indices_or_sections, d, op, min_dims):
    _check_tensor(input, op)
    if input.ndim < min_dims:
        raise RuntimeError(f"{op}: requires a tensor with at least {min_dims} dimension{'s' * (min_dims > 1)}, but "
                           f"got one of shape {tuple(input.shape)}")
    kind, value = _sections_or_indices(indices_or_sections, op)
    if kind == "sections" and (value == 0 or input.shape[d] % value):
        raise RuntimeError(f"{op}: attempted to split along dimension {d}, but the size of the dimension "
                           f"{input.shape[d]} is not divisible by the split_size {value}; pass a divisor or a list "
                           "of indices")
    return tensor_split(input, value, d)


def hsplit(input, indices_or_sections):
    """tensor_split along dim 1 (dim 0 for 1-d input); a number of sections must divide the dim evenly."""
    _check_tensor(input, "hsplit")
    return _split_along(input, indices_or_sections, 0 if input.ndim == 1 else 1, "hsplit", 1)


def vsplit(input, indices_or_sections):
    """tensor_split along dim 0 of an at least 2-d tensor; a number of sections must divide the dim evenly."""
    return _split_along(input, indices_or_sections, 0, "vsplit", 2)


def dsplit(input, indices_or_sections):
    """tensor_split along dim 2 of an at least 3-d tensor; a number of sections must divide the dim evenly."""
    return _split_along(input, indices_or_sections, 2, "dsplit", 3)


def split_with_sizes(input, split_sizes, dim=0):
    """Views of input along dim with the given sizes (they must be non-negative and sum to the dim's size)."""
    _check_tensor(input, "split_with_sizes")
    if input.ndim == 0:
        raise RuntimeError("split_with_sizes: cannot split a 0-d tensor")
    d = _dim(dim, input.ndim, "split_with_sizes")
    sizes = dtypes.as_ints(tuple(split_sizes), "split_with_sizes", "split_sizes")
    n = input.shape[d]
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"split_with_sizes: expects split_sizes to have only non-negative entries, but got "
                           f"split_sizes={list(sizes)}")
    if sum(sizes) != n:
        raise RuntimeError(f"split_with_sizes: expects split_sizes to sum exactly to {n} (the input's size at "
                           f"dimension {dim}, shape {tuple(input.shape)}), but got split_sizes={list(sizes)}")
    return join._split_views(input, sizes, d)


def unsafe_chunk(input, chunks, dim=0, *, axis=None):
    """chunk (PyTorch's unsafe variant skips view tracking; here the pieces are tracked views, which is safe)."""
    return join.chunk(input, chunks, aliases.dim("unsafe_chunk", dim, axis, 0))


def unsafe_split(input, split_size, dim=0, *, axis=None):
    """split into pieces of split_size (an int), as split (the pieces are tracked views here)."""
    if isinstance(split_size, (tuple, list)):
        raise TypeError(f"unsafe_split: split_size must be an int, not {type(split_size).__name__}; use "
                        "unsafe_split_with_sizes for a list of sizes")
    return join.split(input, split_size, aliases.dim("unsafe_split", dim, axis, 0))


def unsafe_split_with_sizes(input, split_sizes, dim=0):
    """split_with_sizes (the pieces are tracked views here)."""
    return split_with_sizes(input, split_sizes, dim)


# ---------------------------------------------------------------------------- stacking
def column_stack(tensors):
    """Stack tensors as columns: 0-d and 1-d tensors become (n, 1) columns, then all are joined along dim 1."""
    if isinstance(tensors, Tensor) or not isinstance(tensors, (tuple, list)):
        raise TypeError(f"column_stack: expected a list or tuple of tensors, got {type(tensors).__name__}")
    if not tensors:
        raise RuntimeError("column_stack: expects a non-empty list of tensors")
    cols = [shape.reshape(t, (t.numel(), 1)) if isinstance(t, Tensor) and t.ndim <= 1 else t for t in tensors]
    return join.hstack(cols)


def row_stack(tensors):
    """Alias of vstack: stack tensors as rows (1-d tensors become rows), along dim 0."""
    return join.vstack(tensors)


def block_diag(*tensors):
    """A block-diagonal matrix of the tensors (0-d: 1x1, 1-d: one row, 2-d: as they are); dtypes promoted."""
    tensors = _tensor_list(tensors, "block_diag")
    if not tensors:
        return Tensor._make(np.zeros((1, 0), dtypes.get_default_dtype()), None, 0)
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise RuntimeError(f"block_diag: input tensors must have 2 or fewer dimensions, but input {i} has shape "
                               f"{tuple(t.shape)}")
    mats = [shape.reshape(t, (1, -1) if t.ndim == 1 else (1, 1)) if t.ndim < 2 else t
            for t in join._seq(list(tensors), "block_diag")]
    total = sum(m.shape[1] for m in mats)
    rows, left = [], 0
    for m in mats:
        width = m.shape[1]
        rows.append(join.pad(m, (left, total - left - width)))
        left += width
    return join.cat(rows, 0) if len(rows) > 1 else rows[0]


# ---------------------------------------------------------------------------- repeat_interleave / unravel_index
def _repeat_counts(repeats, n, op):
    """repeat_interleave's repeats (an int or an integer tensor) as a host array of n counts."""
    if isinstance(repeats, Tensor):
        if repeats.dtype not in _INTS:
            raise TypeError(f"{op}: repeats must be an integer tensor, got dtype {repeats.dtype}")
        if repeats.ndim > 1:
            raise RuntimeError(f"{op}: repeats must be a 0-d or 1-d tensor, got shape {tuple(repeats.shape)}")
        counts = backend.to_device(repeats.array, "cpu").astype(np.int64).reshape(-1)
        if counts.size == 1:
            counts = np.broadcast_to(counts, (n,))
        elif counts.size != n:
            raise RuntimeError(f"{op}: repeats must have the same size as input along dim, but got "
                               f"repeats.size(0) = {counts.size} and input.size(dim) = {n}")
        if counts.size and counts.min() < 0:
            raise RuntimeError(f"{op}: repeats can not be negative, got {counts.tolist()}")
        return counts
    r = _int(repeats, op, "repeats")
    if r < 0:
        raise RuntimeError(f"{op}: repeats must be non-negative, got {r}")
    return np.full(n, r, np.int64)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None, axis=None):
    """Repeat each element (or slice along dim) repeats[i] times; dim=None works on the flattened input.

    repeat_interleave(repeats) alone, for a 1-d integer tensor, repeats each index i repeats[i] times.
    """
    _check_tensor(input, "repeat_interleave")
    dim = aliases.dim("repeat_interleave", dim, axis)
    if repeats is None:
        if input.dtype not in _INTS:
            raise TypeError(f"repeat_interleave: repeats must be an integer tensor, got dtype {input.dtype}")
        if input.ndim != 1:
            raise RuntimeError(f"repeat_interleave: only accepts a 1-d tensor as repeats, got shape "
                               f"{tuple(input.shape)}")
        positions = Tensor._make(input.xp.arange(input.shape[0], dtype=np.int64), None, 0)
        return repeat_interleave(positions, input, 0, output_size=output_size)
    x = shape.reshape(input, -1) if dim is None else input
    if x.ndim == 0:
        x = shape.reshape(x, 1)
    d = _dim(0 if dim is None else dim, x.ndim, "repeat_interleave")
    counts = _repeat_counts(repeats, x.shape[d], "repeat_interleave")
    total = int(counts.sum())
    if output_size is not None and _int(output_size, "repeat_interleave", "output_size") != total:
        raise RuntimeError(f"repeat_interleave: invalid output_size, expected {total} but got {output_size}")
    idx = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    return index.index_select(x, d, Tensor._make(backend.to_device(idx, input.device), None, 0))


def unravel_index(indices, shape):
    """The coordinates (a tuple of int64 tensors) of flat indices into an array of `shape`, in C order."""
    if not isinstance(indices, Tensor):
        raise TypeError(f"unravel_index: indices must be a tensor, got {type(indices).__name__}")
    if indices.dtype not in _INTS:
        raise TypeError(f"unravel_index: expected 'indices' to be an integer dtype, but got {indices.dtype}")
    dims = dtypes.as_ints(tuple(shape) if isinstance(shape, (tuple, list)) else (shape,), "unravel_index", "shape")
    if any(n < 0 for n in dims):
        raise ValueError(f"unravel_index: 'shape' cannot have negative values, but got {dims}")
    if 0 in dims:
        raise RuntimeError(f"unravel_index: 'shape' {dims} has a size 0, so no index lies inside it")
    rest = indices.array.astype(np.int64)
    coords = []
    for n in reversed(dims):  # floor-mod from the last dim: out-of-range values wrap, as in PyTorch
        coords.append(rest % n)
        rest = rest // n
    return tuple(Tensor._make(c, None, 0) for c in reversed(coords))


__all__ = ["meshgrid", "cartesian_prod", "combinations", "rot90", "diagflat", "select", "tensor_split", "hsplit",
           "vsplit", "dsplit", "split_with_sizes", "unsafe_chunk", "unsafe_split", "unsafe_split_with_sizes",
           "column_stack", "row_stack", "block_diag", "repeat_interleave", "unravel_index"]
_FUNCTIONS_ONLY = {"meshgrid", "cartesian_prod", "combinations", "column_stack", "row_stack", "block_diag",
                   "unravel_index"}
METHODS = {n: globals()[n] for n in __all__ if n not in _FUNCTIONS_ONLY}
