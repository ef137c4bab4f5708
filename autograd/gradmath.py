"""Functions for backward formulas that work on arrays (plain backward) and Tensors (create_graph).

A backward formula is written once, with operators and these functions. The engine feeds it arrays
normally, so nothing is recorded and no Tensor is built; under create_graph it feeds Tensors, and the
same formula records the backward pass on the tape.
"""
import numpy as np

from . import backend
from ._tensor import Tensor
from .backend import array_module
from .backend import matmul as _fast_matmul


def xp(x):
    """The array module of an array or Tensor."""
    return array_module(x.array if isinstance(x, Tensor) else x)


def _unary(method, np_name=None):
    ufunc = getattr(np, np_name or method)  # numpy ufuncs dispatch to cupy (and the stand-in) by __array_ufunc__

    def f(x):
        if isinstance(x, Tensor):
            return getattr(x, method)()
        return ufunc(x)

    f.__name__ = method
    f.__doc__ = f"{method}(x) on an array or a Tensor."
    return f


exp = _unary("exp")
log = _unary("log")
sqrt = _unary("sqrt")
sin = _unary("sin")
cos = _unary("cos")
tanh = _unary("tanh")
sign = _unary("sign")
abs = _unary("abs")
square = _unary("square")
reciprocal = _unary("reciprocal")
cosh = _unary("cosh")
sinh = _unary("sinh")


def sigmoid(x):
    """Logistic sigmoid of an array or Tensor."""
    if isinstance(x, Tensor):
        return x.sigmoid()
    m = array_module(x)
    e = m.exp(-m.abs(x))  # never overflows; exact in both tails
    return m.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def where(cond, a, b):
    """Elementwise choice; cond is a bool array or Tensor and never carries a gradient."""
    if isinstance(a, Tensor):  # Tensor methods: the op library attaches them (autograd/ops/__init__.py)
        return a.where(cond, b)
    if isinstance(b, Tensor):
        return b.where(~cond, a)
    c = cond.array if isinstance(cond, Tensor) else cond
    m = array_module(c)
    out = m.where(c, a, b)
    dt = getattr(a, "dtype", None) or getattr(b, "dtype", None)
    return out.astype(dt, copy=False) if dt is not None and out.dtype != dt else out


def array(x):
    """The raw array (for masks and indices, which carry no gradient)."""
    return x.array if isinstance(x, Tensor) else x


def sum_to(x, shape):
    """Sum x down to `shape` (undoing numpy broadcasting)."""
    if isinstance(x, Tensor):
        return x.sum_to_size(shape)
    if x.shape == shape:
        return x
    lead = x.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, n in enumerate(shape) if n == 1 and x.shape[i + lead] != 1)
    y = x.sum(axis=axes, keepdims=True) if axes else x
    if lead:
        y = y.reshape(shape)
    return y


def sum(x, axis=None, keepdims=False):
    """Sum over axes."""
    if isinstance(x, Tensor):
        return x.sum(dim=axis, keepdim=keepdims)
    return x.sum(axis=axis, keepdims=keepdims)


def broadcast_to(x, shape):
    """Broadcast to shape (a read-only view for arrays)."""
    if isinstance(x, Tensor):
        return x.expand(shape)
    return array_module(x).broadcast_to(x, shape)


def reshape(x, shape):
    """Reshape."""
    return x.reshape(shape)


def transpose(x, axes):
    """Permute axes."""
    if isinstance(x, Tensor):
        return x.permute(axes)
    return x.transpose(axes)


def swap_last(x):
    """Swap the last two axes (matrix transpose of a batch)."""
    if isinstance(x, Tensor):
        return x.mT
    return x.swapaxes(-1, -2)


def expand_dims(x, axes):
    """Insert size-1 axes at the (sorted, normalized) positions `axes`."""
    if isinstance(x, Tensor):
        for a in sorted(axes):
            x = x.unsqueeze(a)
        return x
    return array_module(x).expand_dims(x, tuple(axes))


def zeros_like(x):
    """Zeros of x's shape, dtype and device (a constant)."""
    if isinstance(x, Tensor):
        return Tensor._make(array_module(x.array).zeros_like(x.array), None, 0)
    return array_module(x).zeros_like(x)


def cast(x, dtype):
    """Cast to dtype."""
    if isinstance(x, Tensor):
        return x.to(dtype)
    return x.astype(dtype, copy=False)


def maximum(a, b):
    """Elementwise maximum."""
    if isinstance(a, Tensor):
        return a.maximum(b)
    if isinstance(b, Tensor):
        return b.maximum(a)
    return array_module(a).maximum(a, b)


def has_nan(x):
    """True when x holds a NaN."""
    d = x.array if isinstance(x, Tensor) else x
    if getattr(d, "is_sparse_coo", False):  # a sparse gradient: its values
        d = d.values
    return bool(array_module(d).isnan(d).any())


def scatter_into(shape, index, values, like):
    """A zeros array of `shape` with `values` added at `index` (repeated indices accumulate)."""
    if isinstance(values, Tensor):
        return values._index_put_zeros(shape, index)
    m = array_module(values)
    out = m.zeros(shape, dtype=values.dtype)
    if _is_basic(index):
        out[index] = values
    else:
        backend.add_at(out, index, values)
    return out


def _is_basic(index):
    items = index if isinstance(index, tuple) else (index,)
    return all(isinstance(i, (int, slice, type(None), type(Ellipsis))) for i in items)


def matmul(a, b):
    """a @ b; on numpy arrays it keeps BLAS speed for transposed operands."""
    if isinstance(a, Tensor) or isinstance(b, Tensor):
        return a @ b
    return _fast_matmul(a, b)


def mask(g, cond):
    """g where cond holds, 0 elsewhere (cond a bool array): the gradient of ops that pass some elements through."""
    if isinstance(g, Tensor):
        return where(cond, g, g * 0)
    m = array_module(g)
    if m is not np:
        return m.where(cond, g, 0).astype(g.dtype, copy=False)
    out = g * cond  # numpy's where branches per element and is ~20x slower on random masks
    if not np.isfinite(out).all():  # inf * 0 would give nan where where() gives 0: redo those exactly
        out = np.where(cond, g, 0).astype(g.dtype, copy=False)
    return out


def is_complex(x):
    """True for a complex array or Tensor."""
    return (x.array if isinstance(x, Tensor) else x).dtype.kind == "c"


def conj(x):
    """The complex conjugate (x itself when real)."""
    if isinstance(x, Tensor):
        return x.conj()
    return x.conj() if x.dtype.kind == "c" else x


def real(x):
    """The real part (a complex gradient reaching a real input keeps only it)."""
    return x.real


def sgn(x):
    """x / |x| (0 at 0) for complex x, the sign for real x: the gradient of abs."""
    if isinstance(x, Tensor):
        return x.sgn()
    m = array_module(x)
    if x.dtype.kind != "c":
        return m.sign(x)
    a = m.abs(x)
    return m.where(a == 0, 0, x / m.where(a == 0, 1, a)).astype(x.dtype, copy=False)
