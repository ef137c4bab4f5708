"""Distances and norms between tensors: dist, cdist, pdist, renorm, norm_except_dim."""
import math

from .. import dtypes, gradmath
from .._tensor import Tensor, _dim
from . import aliases

_COMPUTE_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist")


def _check_tensor(x, op, name="input"):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: {name} must be a tensor, got {type(x).__name__}")


def _check_p(p, op):
    if isinstance(p, bool) or not isinstance(p, (int, float)):
        raise TypeError(f"{op}: p must be a number, got {type(p).__name__}")
    if p < 0:
        raise RuntimeError(f"{op} only supports non-negative p values, got {p}")


def _float(x, op):
    if x.array.dtype.kind != "f":
        raise RuntimeError(f"{op}: expected a floating point tensor, got {x.dtype}; convert it with .float() first")


def _vector_norm(d, p, axis):
    """The p-norm of d over axis (p = 0: the count of non-zeros; p = inf: the largest magnitude)."""
    a = d.abs()
    if p == 0:
        return (a != 0).to(d.dtype).sum(axis)
    if p == math.inf:
        return a.amax(axis)
    if p == 1:
        return a.sum(axis)
    if p == 2:
        return (d * d).sum(axis).sqrt()
    return (a ** p).sum(axis) ** (1.0 / p)


def dist(input, other, p=2):
    """The p-norm of input - other (they broadcast)."""
    _check_tensor(input, "dist")
    _check_tensor(other, "dist", "other")
    _check_p(p, "dist")
    _float(input, "dist")
    _float(other, "dist")
    return _vector_norm((input - other).reshape(-1), p, 0)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """The p-norm distances between each row of x1 (..., P, M) and each row of x2 (..., R, M): (..., P, R)."""
    _check_tensor(x1, "cdist", "x1")
    _check_tensor(x2, "cdist", "x2")
    _check_p(p, "cdist")
    if compute_mode not in _COMPUTE_MODES:
        raise ValueError(f"cdist: {compute_mode} is not a valid value for compute_mode; use one of "
                         f"{', '.join(_COMPUTE_MODES)}")
    if x1.ndim < 2 or x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.ndim}D, X2 got: {x2.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: "
                           f"{x2.shape[-1]}")
    for x in (x1, x2):
        if x.array.dtype.kind != "f":
            raise RuntimeError(f"cdist only supports floating-point dtypes, X{1 if x is x1 else 2} got: {x.dtype}")
    if x1.dtype != x2.dtype:
        raise RuntimeError(f"cdist: X1 and X2 must have the same dtype, got {x1.dtype} and {x2.dtype}")
    diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)  # (..., P, R, M)
    return _vector_norm(diff, p, -1)


def pdist(input, p=2):
    """The p-norm distances between every pair of rows i < j of a 2-D input, in row-major order of the pairs."""
    _check_tensor(input, "pdist")
    _check_p(p, "pdist")
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    _float(input, "pdist")
    n = input.shape[0]
    xp = gradmath.xp(input.array)
    i, j = xp.triu_indices(n, 1)
    rows = Tensor._make(i.astype("int64"), None, 0), Tensor._make(j.astype("int64"), None, 0)
    return _vector_norm(input.index_select(0, rows[0]) - input.index_select(0, rows[1]), p, 1)


def renorm(input, p, dim=None, maxnorm=None, *, axis=None):
    """Each slice along dim whose p-norm exceeds maxnorm is scaled down to norm maxnorm."""
    dim = aliases.required_dim("renorm", dim, axis)
    _check_tensor(input, "renorm")
    _check_p(p, "renorm")
    if p == 0:
        raise RuntimeError("renorm: p must be positive, got 0")
    if isinstance(maxnorm, bool) or not isinstance(maxnorm, (int, float)) or maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be a non-negative number, got {maxnorm}")
    _float(input, "renorm")
    if input.ndim == 0:
        raise RuntimeError("renorm: input needs at least 1 dimension, got a 0-d tensor")
    d = _dim(dtypes.as_int(dim, "renorm", "dim"), input.ndim, "renorm")
    others = tuple(k for k in range(input.ndim) if k != d)
    x = input.movedim(d, 0).reshape(input.shape[d], -1)
    norm = _vector_norm(x, p, 1) if others else x.abs()[:, 0]
    shape = tuple(s if k == d else 1 for k, s in enumerate(input.shape))
    scale = (maxnorm / (norm + 1e-7)).masked_fill(norm <= maxnorm, 1.0).reshape(shape)
    return input * scale


def norm_except_dim(v, pow=2, dim=0):
    """The pow-norm of v over every dim but `dim`, kept as size-1 dims (weight normalisation's norm); dim=-1 gives
    the norm of the whole tensor, 0-d."""
    _check_tensor(v, "norm_except_dim")
    _float(v, "norm_except_dim")
    dim = dtypes.as_int(dim, "norm_except_dim", "dim")
    _check_p(pow, "norm_except_dim")
    if dim == -1:
        return _vector_norm(v, pow, None)
    d = _dim(dim, v.ndim, "norm_except_dim")
    kept = tuple(n if k == d else 1 for k, n in enumerate(v.shape))
    if v.ndim == 1:  # nothing to reduce (an empty axis tuple would mean all of them): the norm of each element
        return _vector_norm(v.unsqueeze(-1), pow, (-1,))
    return _vector_norm(v, pow, tuple(k for k in range(v.ndim) if k != d)).reshape(kept)


__all__ = ["dist", "cdist", "pdist", "renorm", "norm_except_dim"]
METHODS = {"dist": dist, "renorm": renorm}
