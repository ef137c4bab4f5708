"""torch.gradient: derivatives of sampled values by central differences (second-order accurate), one-sided at
the edges (first or second order), for uniform spacings or given coordinates."""
import numbers

from .. import dtypes
from .._tensor import Tensor
from . import aliases
from .join import cat
from .shape import _check_tensor, _dim, narrow, reshape


def _along(c, d, ndim):
    """A 1-d coefficient tensor shaped to broadcast along dim d."""
    return reshape(c, (1,) * d + (-1,) + (1,) * (ndim - d - 1))


def _uniform(f, d, h, edge_order):
    n = f.shape[d]
    inner = (narrow(f, d, 2, n - 2) - narrow(f, d, 0, n - 2)) / (2.0 * h)
    if edge_order == 1:
        first = (narrow(f, d, 1, 1) - narrow(f, d, 0, 1)) / h
        last = (narrow(f, d, n - 1, 1) - narrow(f, d, n - 2, 1)) / h
    else:
        first = (-1.5 * narrow(f, d, 0, 1) + 2.0 * narrow(f, d, 1, 1) - 0.5 * narrow(f, d, 2, 1)) / h
        last = (0.5 * narrow(f, d, n - 3, 1) - 2.0 * narrow(f, d, n - 2, 1) + 1.5 * narrow(f, d, n - 1, 1)) / h
    return first, inner, last


def _coordinates(f, d, x, edge_order):
    """The same differences at the sample positions x (a 1-d tensor), weighted by the uneven steps."""
    n, nd = f.shape[d], f.ndim
    dx = x[1:] - x[:-1]
    a, b = dx[:-1], dx[1:]
    inner = (_along(-b / (a * (a + b)), d, nd) * narrow(f, d, 0, n - 2)
             + _along((b - a) / (a * b), d, nd) * narrow(f, d, 1, n - 2)
             + _along(a / (b * (a + b)), d, nd) * narrow(f, d, 2, n - 2))
    if edge_order == 1:
        first = (narrow(f, d, 1, 1) - narrow(f, d, 0, 1)) / dx[0]
        last = (narrow(f, d, n - 1, 1) - narrow(f, d, n - 2, 1)) / dx[-1]
        return first, inner, last
    h1, h2 = dx[0], dx[1]
    first = (-(2.0 * h1 + h2) / (h1 * (h1 + h2)) * narrow(f, d, 0, 1) + (h1 + h2) / (h1 * h2) * narrow(f, d, 1, 1)
             - h1 / (h2 * (h1 + h2)) * narrow(f, d, 2, 1))
    h1, h2 = dx[-2], dx[-1]
    last = (h2 / (h1 * (h1 + h2)) * narrow(f, d, n - 3, 1) - (h1 + h2) / (h1 * h2) * narrow(f, d, n - 2, 1)
            + (2.0 * h2 + h1) / (h2 * (h1 + h2)) * narrow(f, d, n - 1, 1))
    return first, inner, last


def _spacings(spacing, dims, ndim, given_dim):
    """One spacing per differentiated dim: a number or a 1-d tensor of coordinates."""
    if spacing is None:
        return [1.0] * len(dims)
    if isinstance(spacing, (numbers.Number, Tensor)) and not (isinstance(spacing, Tensor) and spacing.ndim == 1):
        value = spacing.item() if isinstance(spacing, Tensor) else spacing
        return [value] * len(dims)
    spacing = list(spacing)
    if len(spacing) != len(dims):
        what = f"the length of dim ({len(dims)})" if given_dim else f"'self.dim() = {ndim}'"
        raise RuntimeError(f"gradient: expected spacing to be unspecified, a scalar, or a list of length equal to "
                           f"{what}, but got a list of length {len(spacing)}")
    return [s.item() if isinstance(s, Tensor) and s.ndim == 0 else s for s in spacing]


def gradient(input, *, spacing=1, dim=None, edge_order=1, axis=None):
    """The derivative of the samples in input along each dim of `dim` (all dims by default), as a tuple of
    tensors of input's shape: central differences inside, one-sided differences of order edge_order (1 or 2) at
    the ends. spacing is the distance between samples (a number, one per dim) or the sample coordinates (one 1-d
    tensor per dim)."""
    _check_tensor(input, "gradient")
    dim = aliases.dim("gradient", dim, axis)
    if edge_order not in (1, 2):
        raise RuntimeError(f"gradient: only supports edge_order=1 and edge_order=2, got {edge_order}")
    given_dim = dim is not None
    if dim is None:
        dims = list(range(input.ndim))
    else:
        dims = [_dim(d, input.ndim, "gradient") for d in (dim if isinstance(dim, (tuple, list)) else (dim,))]
    if len(set(dims)) != len(dims):
        raise RuntimeError(f"gradient: dim {dim} appears more than once")
    for d in dims:
        if input.shape[d] < edge_order + 1:
            raise RuntimeError(f"gradient: expected each dimension size to be at least edge_order+1 = "
                               f"{edge_order + 1}, but dim {d} of shape {tuple(input.shape)} has size "
                               f"{input.shape[d]}")
    f = input if input.dtype in dtypes.FLOATS else input.to(dtypes.get_default_dtype())
    out = []
    for d, h in zip(dims, _spacings(spacing, dims, input.ndim, given_dim)):
        if isinstance(h, Tensor):
            if h.ndim != 1 or h.shape[0] != input.shape[d]:
                raise RuntimeError(f"gradient: the coordinates for dim {d} must be a 1-d tensor of its size "
                                   f"{input.shape[d]}, got shape {tuple(h.shape)}")
            parts = _coordinates(f, d, h.to(f.dtype) if h.dtype != f.dtype else h, edge_order)
        else:
            parts = _uniform(f, d, float(h), edge_order)
        out.append(cat(list(parts), d))
    return tuple(out)


__all__ = ["gradient"]
METHODS = {}
