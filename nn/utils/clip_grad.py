"""Gradient norms and clipping (PyTorch's nn.utils.clip_grad)."""
import math
import warnings

import autograd
from autograd import backend, dtypes
from autograd.grad_mode import no_grad
from autograd.ops.inplace import bump

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_"]

Tensor = autograd.Tensor


def _as_list(tensors):
    if isinstance(tensors, Tensor):
        return [tensors]
    return list(tensors)


def _norm_type(norm_type):
    p = float(norm_type)
    if math.isnan(p) or p < 0:
        raise ValueError(f"norm_type must be a non-negative number or inf, got {norm_type}")
    return p


def _array_norm(arr, p):
    """The p-norm of an array (flattened), as a 0-d array of its device; computed in float32 at least."""
    xp = backend.array_module(arr)
    a = arr.reshape(-1)
    if a.dtype not in (dtypes.float32, dtypes.float64):
        a = a.astype(dtypes.float32)
    if a.size == 0:
        return xp.zeros((), dtype=a.dtype)
    if p == math.inf:
        return xp.abs(a).max()
    if p == 0:
        return (a != 0).sum().astype(a.dtype)
    if p == 1:
        return xp.abs(a).sum()
    if p == 2:
        return xp.sqrt(xp.dot(a, a))
    return (xp.abs(a) ** p).sum() ** (1.0 / p)


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The p-norm of all the tensors together (as if concatenated into one vector), as a 0-d tensor."""
    tensors = [t for t in _as_list(tensors) if t is not None]
    p = _norm_type(norm_type)
    if not tensors:
        return autograd.tensor(0.0)
    devices = {str(t.device) for t in tensors}
    if len(devices) > 1:
        raise RuntimeError(f"get_total_norm: the tensors are on several devices ({sorted(devices)}); move them to "
                           "one device first")
    xp = backend.array_module(tensors[0].array)
    norms = [_array_norm(t.array, p) for t in tensors]
    dtype = norms[0].dtype
    for n in norms[1:]:
        dtype = dtypes.promote(dtype, n.dtype)
    stacked = xp.stack([n.astype(dtype) for n in norms])
    total = _array_norm(stacked, p)
    if error_if_nonfinite and not bool(xp.isfinite(total)):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, "
                           "so it cannot be clipped. To disable this error and scale the gradients by the "
                           "non-finite norm anyway, set `error_if_nonfinite=False`")
    first = tensors[0].dtype
    if first in dtypes.FLOATS and first != total.dtype and first not in (dtypes.float16, dtypes.bfloat16):
        total = total.astype(first)
    return Tensor._make(xp.asarray(total), None, 0)


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scale the gradients in place by max_norm / (total_norm + 1e-6) when that is below 1."""
    params = _as_list(parameters)
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return
    tn = total_norm.array if isinstance(total_norm, Tensor) else total_norm
    xp = backend.array_module(grads[0].array)
    coef = xp.minimum(float(max_norm) / (tn + 1e-6), 1.0)
    with no_grad():
        for g in grads:
            d = g.array
            d *= coef.astype(d.dtype) if hasattr(coef, "astype") else coef
            bump(g)


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Scale all gradients together so that their total p-norm is at most max_norm; returns the total norm."""
    params = _as_list(parameters)
    grads = [p.grad for p in params if p.grad is not None]
    total = get_total_norm(grads, norm_type, error_if_nonfinite)
    clip_grads_with_norm_(params, max_norm, total)
    return total


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Deprecated alias of clip_grad_norm_."""
    warnings.warn("nn.utils.clip_grad_norm is now deprecated in favor of nn.utils.clip_grad_norm_.",
                  FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient in place to [-clip_value, clip_value]."""
    clip_value = float(clip_value)
    with no_grad():
        for p in _as_list(parameters):
            if p.grad is None:
                continue
            d = p.grad.array
            backend.array_module(d).clip(d, -clip_value, clip_value, out=d)
            bump(p.grad)
