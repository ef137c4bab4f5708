"""SparseCOO: the array behind a sparse COO tensor (indices, values, shape) and the raw kernels its ops run on."""
import math

import numpy as np

from . import backend

_HINT = "; convert it with .to_dense() first"


class SparseUnsupported(NotImplementedError, AttributeError):
    """An array method or numpy function that sparse COO tensors do not have (an AttributeError too, so that
    getattr(array, name, default) still falls back)."""


class _Flags:
    writeable = False  # the engine copies a sparse gradient it does not own instead of adding into it in place
    c_contiguous = f_contiguous = False  # is_contiguous() is False, as PyTorch says of sparse tensors


def _unsupported(name):
    return SparseUnsupported(f"{name}: not supported for sparse COO tensors (layout torch.sparse_coo){_HINT}")


class SparseCOO:
    """indices (sparse_dim, nnz) int64, values (nnz, *dense dims), the full shape, and whether the indices are known
    to be sorted and unique (coalesced). Entries at the same index add up."""

    __slots__ = ("indices", "values", "shape", "coalesced", "__weakref__")
    __array_priority__ = 2000  # cupy hands `dense + sparse` to SparseCOO.__radd__
    is_sparse_coo = True
    base = None
    flags = _Flags()

    def __init__(self, indices, values, shape, coalesced=False):
        self.indices = indices
        self.values = values
        self.shape = tuple(shape)
        self.coalesced = coalesced

    # ----------------------------------------------------------------- what an array reports
    @property
    def dtype(self):
        """The values' dtype."""
        return self.values.dtype

    @property
    def ndim(self):
        """The number of dims (sparse and dense)."""
        return len(self.shape)

    @property
    def size(self):
        """The number of elements of the dense equivalent."""
        return math.prod(self.shape)

    @property
    def itemsize(self):
        """Bytes per value."""
        return self.values.itemsize

    @property
    def xp(self):
        """The array module (numpy or cupy) of the indices and values."""
        return backend.array_module(self.values)

    @property
    def coo_device(self):
        """The device of the indices and values (backend.device_of reads it)."""
        return backend.device_of(self.values)

    @property
    def sparse_dim(self):
        """The number of sparse (indexed) dims."""
        return self.indices.shape[0]

    @property
    def nnz(self):
        """The number of stored entries (repeated indices counted each time)."""
        return self.indices.shape[1]

    def copy(self):
        """A copy with its own indices and values."""
        return SparseCOO(self.indices.copy(), self.values.copy(), self.shape, self.coalesced)

    def astype(self, dtype, copy=True):
        """The same pattern with the values cast to dtype."""
        return SparseCOO(self.indices, self.values.astype(dtype, copy=copy), self.shape, self.coalesced)

    def sum(self, axis=None, keepdims=False, dtype=None):
        """The sum of all entries, a 0-d dense array (over some dims: torch.sparse.sum)."""
        if (axis is not None and tuple(axis) != tuple(range(self.ndim))) or keepdims:
            raise _unsupported("sum over some dims (or keepdim=True); use torch.sparse.sum(input, dim)")
        return self.xp.asarray(self.values.sum(dtype=dtype))

    def transpose(self, axes=None):
        """The dims permuted (all reversed by default); only sparse dims may move, as in PyTorch."""
        axes = tuple(range(self.ndim))[::-1] if axes is None else tuple(axes)
        sd = self.sparse_dim
        if axes[sd:] != tuple(range(sd, self.ndim)):
            raise _unsupported(f"transposing a sparse dim with a dense dim (dims {axes} of a tensor with {sd} sparse "
                               "dims)")
        return SparseCOO(self.indices[list(axes[:sd])], self.values, tuple(self.shape[a] for a in axes))

    def swapaxes(self, d0, d1):
        """Dims d0 and d1 swapped (both sparse)."""
        axes = list(range(self.ndim))
        axes[d0], axes[d1] = axes[d1], axes[d0]
        return self.transpose(axes)

    def moved(self, indices, values):
        """This array with its indices and values replaced by copies on another device."""
        return SparseCOO(indices, values, self.shape, self.coalesced)

    def add_into(self, dense):
        """dense += self, in place."""
        scatter_add(dense, self)

    def with_values(self, values):
        """The same pattern with other values."""
        return SparseCOO(self.indices, values, self.shape, self.coalesced)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise _unsupported(name)

    # ----------------------------------------------------------------- arithmetic the gradients need
    def __add__(self, other):
        if isinstance(other, SparseCOO):
            if other.shape != self.shape or other.sparse_dim != self.sparse_dim:
                raise RuntimeError(f"add: sparse tensors of shapes {self.shape} and {other.shape} (sparse dims "
                                   f"{self.sparse_dim}, {other.sparse_dim}) cannot be added; they must match")
            xp = self.xp
            dtype = np.result_type(self.dtype, other.dtype)
            return SparseCOO(xp.concatenate([self.indices, other.indices], axis=1),
                             xp.concatenate([self.values.astype(dtype, copy=False),
                                             other.values.astype(dtype, copy=False)]), self.shape)
        if getattr(other, "shape", None) == self.shape and not isinstance(other, np.generic):
            return add_dense(other, self)
        raise RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) instead (a sparse COO tensor "
                           f"of shape {self.shape} and a {type(other).__name__} of shape "
                           f"{tuple(getattr(other, 'shape', ()))})")

    def __radd__(self, other):
        if getattr(other, "shape", None) == self.shape and not isinstance(other, np.generic):
            return add_dense(other, self)
        raise RuntimeError(f"add: a sparse COO tensor of shape {self.shape} cannot be added to a "
                           f"{type(other).__name__} of shape {tuple(getattr(other, 'shape', ()))}")

    def __mul__(self, other):
        if isinstance(other, (int, float, np.number)) and not isinstance(other, bool):
            return self.with_values(self.values * other)
        if getattr(other, "ndim", None) == 0:
            return self.with_values(self.values * other)
        raise _unsupported("mul (by anything but a scalar)")

    __rmul__ = __mul__

    def __truediv__(self, other):
        if isinstance(other, (int, float, np.number)) and not isinstance(other, bool):
            return self.with_values(self.values / other)
        raise _unsupported("div (by anything but a scalar)")

    def __neg__(self):
        return self.with_values(-self.values)

    def __pow__(self, exponent):
        if isinstance(exponent, (int, float, np.number)) and not isinstance(exponent, bool) and exponent > 0:
            c = coalesce(self)  # (a + b)^p is not a^p + b^p: repeated entries are summed first
            return c.with_values(c.values ** exponent)  # zeros stay zero
        raise _unsupported("pow (but by a positive scalar)")

    def _compare(self, other):
        raise _unsupported("comparison")

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _compare
    __hash__ = object.__hash__

    def __sub__(self, other):
        return self + (-other)

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        if ufunc is np.add and method == "__call__" and len(inputs) == 2 and not kwargs:
            dense, sp = inputs if inputs[1] is self else inputs[::-1]
            if isinstance(dense, np.ndarray) and dense.shape == self.shape:
                if out is not None and out[0] is dense:  # dense += sparse: in place
                    scatter_add(dense, sp)
                    return dense
                if out is None:
                    return add_dense(dense, sp)
        raise _unsupported(ufunc.__name__)

    def __array_function__(self, func, types, args, kwargs):
        raise _unsupported(func.__name__)

    def __array__(self, dtype=None, copy=None):
        raise TypeError(f"can't convert a sparse COO tensor (shape {self.shape}) to a dense array implicitly"
                        f"{_HINT}")

    def __getitem__(self, index):
        raise _unsupported("indexing")

    def __len__(self):
        return self.shape[0]

    def __repr__(self):
        return f"SparseCOO(shape={self.shape}, nnz={self.nnz}, dtype={self.dtype})"


# ---------------------------------------------------------------------------- kernels
def linear_keys(indices, sizes):
    """One int64 key per index column (row-major over `sizes`), ordered as the index tuples are."""
    xp = backend.array_module(indices)
    keys = xp.zeros(indices.shape[1], dtype=np.int64)
    for d, n in enumerate(sizes):
        keys = keys * n + indices[d]
    return keys


def unravel(keys, sizes):
    """The index columns (len(sizes), n) of linear keys."""
    xp = backend.array_module(keys)
    out = xp.empty((len(sizes), keys.shape[0]), dtype=np.int64)
    for d in range(len(sizes) - 1, -1, -1):
        out[d] = keys % sizes[d]
        keys = keys // sizes[d]
    return out


def coalesce(a):
    """`a` with sorted, unique indices, the values of repeated indices summed."""
    if a.coalesced:
        return a
    xp = a.xp
    sizes = a.shape[:a.sparse_dim]
    keys, inverse = xp.unique(linear_keys(a.indices, sizes), return_inverse=True)
    values = xp.zeros((keys.shape[0],) + a.values.shape[1:], dtype=a.dtype)
    backend.add_at(values, inverse.reshape(-1), a.values)
    return SparseCOO(unravel(keys, sizes), values, a.shape, True)


def scatter_add(dense, a):
    """dense += a, in place."""
    backend.add_at(dense, tuple(a.indices), a.values)


def add_dense(dense, a):
    """A new dense array: dense + a."""
    out = dense.astype(np.result_type(dense.dtype, a.dtype), copy=True)
    scatter_add(out, a)
    return out


def to_dense(a):
    """The dense array of `a` (repeated indices summed)."""
    out = a.xp.zeros(a.shape, dtype=a.dtype)
    scatter_add(out, a)
    return out


def gather(g, indices):
    """g at each index column of `indices` (sparse_dim, n): rows of a dense array, or of a sparse one (0 where it
    has no entry); shape (n, *dense dims)."""
    if not isinstance(g, SparseCOO):
        return g[tuple(indices)]
    g = coalesce(g)
    xp = g.xp
    sizes = g.shape[:g.sparse_dim]
    have = linear_keys(g.indices, sizes)
    want = linear_keys(indices, sizes)
    out = xp.zeros((indices.shape[1],) + g.values.shape[1:], dtype=g.dtype)
    if have.shape[0] == 0 or want.shape[0] == 0:
        return out
    pos = xp.minimum(xp.searchsorted(have, want), have.shape[0] - 1)
    hit = have[pos] == want
    out[hit] = g.values[pos[hit]]
    return out


def csr_matmul(a, dense):
    """a @ dense for a 2-D sparse `a` (no dense dims) and a 1-D or 2-D dense array: scipy.sparse on the CPU,
    cupyx.scipy.sparse on a GPU, a scatter-add elsewhere (the test stand-in)."""
    rows, cols = a.indices[0], a.indices[1]
    mod = backend.sparse_module(a.values)
    if mod is not None:
        m = mod.coo_matrix((a.values, (rows, cols)), shape=a.shape).tocsr()  # a form cupyx takes as scipy does
        return backend.array_module(dense).asarray(m @ dense).astype(np.result_type(a.dtype, dense.dtype),
                                                                      copy=False)
    xp = a.xp
    out = xp.zeros((a.shape[0],) + dense.shape[1:], dtype=np.result_type(a.dtype, dense.dtype))
    vals = a.values.reshape((-1,) + (1,) * (dense.ndim - 1))
    backend.add_at(out, rows, vals * dense[cols])
    return out

