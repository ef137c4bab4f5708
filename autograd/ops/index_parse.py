"""Index parsing and checking: Python index expressions (ints, slices, None, ..., masks, integer tensors) made
into numpy/cupy indices, with op-named errors for bad dtypes, devices and out-of-range values."""
import operator
import warnings

import numpy as np

from .. import backend, dtypes, gradmath
from .._tensor import Tensor
from ..grad_mode import state

_INTS = dtypes.INTEGERS
_SCALARS = (int, float, bool)


# ---------------------------------------------------------------------------- index checking
def _device_error(op, what, arr, x):
    raise RuntimeError(f"{op}: {what} is on {backend.device_of(arr)} but the tensor is on {x.device}; "
                       "move it with .to(device) first (nothing is copied implicitly)")


def _as_index_array(item, x, op, what="index"):
    """A Tensor, array, list or range used as an index, as an array on x's device (dtype not checked)."""
    if isinstance(item, Tensor):
        arr = item.array
        if type(arr) is not type(x.array):
            _device_error(op, f"the {what} tensor", arr, x)
        # a recorded op keeps its index for backward: a private copy, so later in-place changes cannot alter it
        return arr.copy() if x.requires_grad and state.enabled else arr
    if type(item) in backend._modules:
        if type(item) is not type(x.array) and type(item) is not np.ndarray:
            _device_error(op, f"the {what} array", item, x)
        arr = backend.to_device(item, x.device)
        return arr.copy() if arr is item and x.requires_grad and state.enabled else arr
    if isinstance(item, (list, tuple, range)):
        arr = np.asarray(item)
        if arr.size == 0 and arr.dtype.kind == "f":  # [] means an empty integer index
            arr = arr.astype(np.int64)
        if arr.dtype == object:
            raise TypeError(f"{op}: the {what} {item!r} is not a (nested) list of integers or bools")
        return backend.to_device(arr, x.device)
    raise TypeError(f"{op}: invalid {what} of type {type(item).__name__}: only integers, slices (with a positive "
                    "step), None, Ellipsis, and integer or bool tensors/arrays/lists are valid indices")


def _index_dtype_error(op, dtype, what="index", error=RuntimeError):
    """A float (or other non-integer) index: IndexError for [] as in PyTorch, RuntimeError for named ops."""
    raise error(f"{op}: tensors used as {what} must be integer (long) or bool tensors, got dtype {dtype}; "
                "convert with .long() (or compare to get a bool mask)")


def _out_of_range(op, value, dim, size, error=IndexError):
    raise error(f"{op}: index {value} is out of range for dim {dim} with size {size}")


def _check_range(arr, size, op, dim, negative=True, error=IndexError):
    """Raise `error` (PyTorch's class for the op) naming the smallest or largest value when arr holds indices
    outside the dim's range.

    On a GPU the check is queued on the device and raised at the next synchronisation (backend.bad_now): reading
    min and max here would stall every indexing op until the GPU caught up.
    """
    if arr.size == 0:
        return
    if type(arr) is not np.ndarray and not backend.sync_checks():
        backend.check_later((arr < (-size if negative else 0)) | (arr >= size), error,
                            f"{op}: an index is out of range for dim {dim} with size {size}")
        return
    lo, hi = int(arr.min()), int(arr.max())
    if lo < (-size if negative else 0):
        _out_of_range(op, lo, dim, size, error)
    if hi >= size:
        _out_of_range(op, hi, dim, size, error)


def _slice(s, op):
    try:
        start, stop, step = (None if v is None else operator.index(v) for v in (s.start, s.stop, s.step))
    except TypeError:
        bad = [v for v in (s.start, s.stop, s.step) if v is not None and not _is_index(v)][0]
        raise TypeError(f"{op}: slice indices must be integers or None (or have an __index__ method), got "
                        f"{type(bad).__name__} ({bad!r}) in {s!r}") from None
    if step is not None and step <= 0:
        raise ValueError(f"{op}: slice step must be positive, got {step} (as in PyTorch, negative steps are not "
                         "supported); use flip() to reverse a dim")
    return slice(start, stop, step)


def _is_index(v):
    try:
        operator.index(v)
        return True
    except TypeError:
        return False


class _NewDim:
    """A bool scalar in an index: PyTorch adds a dim of size 1 there and picks it (True) or nothing (False)."""

    __slots__ = ("mask",)

    def __init__(self, mask):
        self.mask = mask  # a 1-element bool array: the mask applied to the new dim


class _Split:
    """An index applied in two steps, as PyTorch does when ints or bool scalars meet advanced indices: `basic`
    (ints, slices, None, Ellipsis) first, giving a view, then `adv` (arrays and full slices) on that view."""

    __slots__ = ("basic", "adv")

    def __init__(self, basic, adv):
        self.basic, self.adv = basic, adv

    def __repr__(self):
        return f"_Split({self.basic!r}, {self.adv!r})"


_ALL = slice(None)


def _target(a, index):
    """(array, index) such that array[index] is a[index] with PyTorch's semantics (a view of a for a split index)."""
    if type(index) is _Split:
        return a[index.basic], index.adv
    return a, index


def _items(index):
    """The items of a normalized index that can hold arrays."""
    return index.adv if type(index) is _Split else index


def _seq_as_tuple(seq):
    """PyTorch's rule (numpy's old one) for x[list]: a short list holding a sequence, tensor, slice, None or ... is
    read as a tuple of indices, not as one index tensor."""
    if len(seq) >= 32:
        return False
    return any(isinstance(i, (Tensor, list, tuple, range, slice)) or type(i) in backend._modules or i is None
               or i is Ellipsis for i in seq)


def _index(x, idx, op):
    """Check an index against x and turn it into one the array module applies with PyTorch's semantics.

    Returns (index, basic): `basic` is True when the result is a view (ints, slices, None, Ellipsis, 0-d int
    tensors only); the index is then a plain tuple. With advanced indices it is a tuple of slices, None and arrays
    (numpy's rules give PyTorch's result there) or, when ints or bool scalars are mixed in, a _Split: PyTorch first
    applies ints, slices and None as basic indexing and only then the advanced indices to the dims that remain."""
    items = idx if type(idx) is tuple else (idx,)
    shape = x.array.shape
    ndim = len(shape)
    out = []
    consumed = 0
    ellipsis = 0
    basic = True
    for it in items:
        t = type(it)
        if t is int:
            consumed += 1
        elif t is slice:
            it = _slice(it, op)
            consumed += 1
        elif it is None:
            pass
        elif it is Ellipsis:
            ellipsis += 1
            if ellipsis > 1:
                raise IndexError(f"{op}: an index can only have a single ellipsis ('...')")
        elif isinstance(it, (bool, np.bool_)):
            it = _NewDim(gradmath.xp(x.array).asarray([bool(it)]))
            basic = False
        elif isinstance(it, np.integer):
            it = int(it)
            consumed += 1
        elif isinstance(it, (float, np.floating)):
            raise IndexError(f"{op}: a float ({it!r}) cannot be used as an index; use an int")
        else:
            if t is list and items is not idx and _seq_as_tuple(it):
                warnings.warn(f"{op}: using a non-tuple sequence for multidimensional indexing is deprecated (as in "
                              "PyTorch, which reads it as a tuple); use x[tuple(seq)] instead of x[seq]",
                              UserWarning, stacklevel=3)
                return _index(x, tuple(it), op)
            arr = _as_index_array(it, x, op)
            kind = arr.dtype.kind
            if arr.dtype == dtypes.uint8 and isinstance(it, Tensor):
                warnings.warn(f"{op}: indexing with a uint8 tensor is deprecated (as in PyTorch); use a bool "
                              "tensor instead", UserWarning, stacklevel=3)
                arr, kind = arr.astype(bool), "b"
            if kind not in "biu":
                _index_dtype_error(op, arr.dtype, error=IndexError)
            if arr.ndim == 0:  # a 0-d tensor acts as a Python int or bool, as in PyTorch
                if kind == "b":
                    it = _NewDim(arr.reshape(1))
                    basic = False
                else:
                    it = int(arr)
                    consumed += 1
                out.append(it)
                continue
            consumed += arr.ndim if kind == "b" else 1
            it = arr
            basic = False
        out.append(it)
    if consumed > ndim:
        raise IndexError(f"{op}: too many indices for a tensor of {ndim} dimensions (shape {tuple(shape)}): "
                         f"the index uses {consumed}")
    d = 0
    for it in out:
        if type(it) is int:
            n = shape[d]
            if not -n <= it < n:
                _out_of_range(op, it, d, n)
            d += 1
        elif type(it) is slice:
            d += 1
        elif it is Ellipsis:
            d += ndim - consumed
        elif it is not None and type(it) is not _NewDim:
            if it.dtype.kind == "b":
                k = it.ndim
                if it.shape != shape[d:d + k]:
                    raise IndexError(f"{op}: the mask of shape {tuple(it.shape)} does not match the shape "
                                     f"{tuple(shape[d:d + k])} of the dims {d}..{d + k - 1} it indexes "
                                     f"(tensor shape {tuple(shape)})")
                d += k
            else:
                _check_range(it, shape[d], op, d)
                d += 1
    if basic:
        if not ellipsis:
            out.append(Ellipsis)  # numpy then returns a 0-d view instead of a scalar copy
        return tuple(out), True
    return _advanced(out, ndim - consumed, op), False


def _advanced(items, rest, op):
    """The normalized form of an index with advanced parts (see _index); `rest` is the number of dims '...' spans."""
    split = ellipsis = False
    shapes = []
    for i in items:
        t = type(i)
        if t is int or t is _NewDim:
            split = True
        elif t in backend._modules:
            if i.dtype.kind != "b":
                shapes.append(i.shape)
        elif i is Ellipsis:
            ellipsis = True
    if len(shapes) > 1:
        try:
            np.broadcast_shapes(*shapes)
        except ValueError:
            raise IndexError(f"{op}: shape mismatch: the index tensors of shapes "
                             f"{', '.join(str(tuple(s)) for s in shapes)} cannot be broadcast together") from None
    if not split:
        # slices, None and arrays: numpy's rules are PyTorch's once '...' is spelled out (numpy counts it as a gap
        # between advanced indices even where it stands for no dims)
        if not ellipsis:
            return tuple(items)
        return tuple(j for i in items for j in ((_ALL,) * rest if i is Ellipsis else (i,)))
    basic, adv = [], []
    for i in items:
        t = type(i)
        if t is int:
            basic.append(i)
        elif t is slice or i is None:
            basic.append(i)
            adv.append(_ALL)
        elif i is Ellipsis:
            basic.append(i)
            adv += [_ALL] * rest
        elif t is _NewDim:
            basic.append(None)
            adv.append(i.mask)
        else:
            k = i.ndim if i.dtype.kind == "b" else 1
            basic += [_ALL] * k
            adv.append(i)
    while adv and type(adv[-1]) is slice:
        adv.pop()
    if all(type(b) is slice and b == _ALL for b in basic):
        return tuple(adv)
    if not any(b is Ellipsis for b in basic):
        basic.append(Ellipsis)  # keeps the first step a view when ints select every dim it names
    return _Split(tuple(basic), tuple(adv))


def _has_int_array(index):
    return any(type(i) in backend._modules and i.dtype.kind != "b" for i in _items(index))


def _int_index(index, x, op, what="index"):
    """An integer index argument (Tensor, array, list or int) as an integer array on x's device."""
    if isinstance(index, (int, np.integer)) and not isinstance(index, (bool, np.bool_)):
        return gradmath.xp(x.array).asarray(int(index), dtype=np.int64)
    arr = _as_index_array(index, x, op, what)
    if arr.dtype not in _INTS:
        _index_dtype_error(op, arr.dtype, what)
    return arr


def _mask_array(mask, x, op):
    arr = _as_index_array(mask, x, op, "mask")
    if arr.dtype == dtypes.uint8:
        arr = arr.astype(bool)
    if arr.dtype != dtypes.bool_:
        raise RuntimeError(f"{op}: the mask must be a bool tensor, got dtype {arr.dtype}; compare to get one, "
                           "e.g. x > 0")
    return arr


def _same_device(op, x, other):
    if isinstance(other, Tensor) and type(other.array) is not type(x.array):
        raise RuntimeError(f"{op}: expected all tensors on the same device, but found one on {x.device} and one on "
                           f"{other.device}; move one with .to(device) first (nothing is copied implicitly)")


def _along(index, dim):
    """The advanced-index tuple that picks index[i, j, ...] along `dim` (the others run over index's shape)."""
    m = gradmath.xp(index)
    nd = index.ndim
    return tuple(index if k == dim else m.arange(n).reshape((1,) * k + (n,) + (1,) * (nd - k - 1))
                 for k, n in enumerate(index.shape))
