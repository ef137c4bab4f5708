"""Helpers of torch.distributions.utils: broadcast_all, logits/probs conversions, lazy_property, clamp_probs."""
import numbers

import numpy as np

from .. import creation, dtypes, grad_mode
from .. import ops as _ops
from .._tensor import Tensor

__all__ = ["broadcast_all", "clamp_probs", "lazy_property", "logits_to_probs", "probs_to_logits", "sum_rightmost",
           "tril_matrix_to_vec", "vec_to_tril_matrix"]


def broadcast_all(*values):
    """The arguments as tensors broadcast to one shape: numbers take the dtype and device of the first tensor
    (the default dtype when there is none)."""
    for v in values:
        if not isinstance(v, (Tensor, numbers.Number)):
            raise ValueError("Input arguments must all be instances of numbers.Number, torch.Tensor or objects "
                             f"implementing __torch_function__; got {type(v).__name__}")
    ref = next((v for v in values if isinstance(v, Tensor)), None)
    if ref is None:
        dtype, device = dtypes.get_default_dtype(), "cpu"
    else:
        dtype, device = ref.dtype, ref.device
        if dtype not in dtypes.FLOATS:
            dtype = dtypes.get_default_dtype()
    tensors = [v if isinstance(v, Tensor) else creation.tensor(float(v), dtype=dtype, device=device)
               for v in values]
    return tuple(_ops.broadcast_tensors(*tensors))


def sum_rightmost(value, dim):
    """value summed over its last dim dimensions (value itself when dim is 0)."""
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[:value.dim() - dim]) + (-1,)).sum(-1)


def finfo(x):
    """numpy's finfo of tensor x's float dtype."""
    return np.finfo(x.dtype)


def clamp_probs(probs):
    """probs clamped into [eps, 1 - eps] of their dtype (so that their logits stay finite)."""
    eps = float(finfo(probs).eps)
    return probs.clamp(min=eps, max=1 - eps)


def logits_to_probs(logits, is_binary=False):
    """Probabilities from logits: sigmoid when is_binary, else softmax over the last dimension."""
    if is_binary:
        return logits.sigmoid()
    return _ops.softmax(logits, dim=-1)


def probs_to_logits(probs, is_binary=False):
    """Logits from probabilities: log(p) - log1p(-p) when is_binary, else log(p) (both clamped away from 0 and 1)."""
    ps = clamp_probs(probs)
    if is_binary:
        return ps.log() - (-ps).log1p()
    return ps.log()


class lazy_property:  # noqa: N801  (torch's name)
    """A property computed on first access (with grad enabled) and then stored on the instance."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__
        self.__name__ = wrapped.__name__

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return self
        with grad_mode.enable_grad():
            value = self.wrapped(instance)
        instance.__dict__[self.wrapped.__name__] = value
        return value


class BinaryParams:
    """probs and logits of a two-outcome parameter (`_param` is the one given), each computed from the other."""

    @lazy_property
    def logits(self):
        """log(probs / (1 - probs))."""
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        """sigmoid(logits)."""
        return logits_to_probs(self.logits, is_binary=True)

    @property
    def param_shape(self):
        """The shape of the parameter tensor."""
        return self._param.shape


def tril_matrix_to_vec(mat, diag=0):
    """The lower triangle (below diagonal `diag`) of the last two dimensions, as a vector (row by row)."""
    n = mat.shape[-1]
    rows, cols = np.tril_indices(n, k=diag)
    return mat[..., creation.tensor(rows, device=mat.device), creation.tensor(cols, device=mat.device)]


def vec_to_tril_matrix(vec, diag=0):
    """The inverse of tril_matrix_to_vec: a lower triangular matrix from its row-by-row vector."""
    m = vec.shape[-1]
    n = int(round((-(1 + 2 * diag) + ((1 + 2 * diag) ** 2 + 8 * m + 4 * abs(diag) * (diag + 1)) ** 0.5) / 2))
    rows, cols = np.tril_indices(n, k=diag)
    flat = rows * n + cols
    out = creation.zeros(tuple(vec.shape[:-1]) + (n * n,), dtype=vec.dtype, device=vec.device)
    out = out.index_add(-1, creation.tensor(flat, device=vec.device), vec)
    return out.reshape(tuple(vec.shape[:-1]) + (n, n))
