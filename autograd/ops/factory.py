"""Tensor methods that make new tensors like an existing one (new_zeros, new_full, new_tensor, ...) and type()."""
import numpy as np

from .. import creation, dtypes
from ..legacy import NAMES, TensorType

# PyTorch's legacy type names (torch.FloatTensor, ...), here autograd.FloatTensor
_TYPE_NAMES = {d: n for n, d in NAMES.items() if isinstance(d, np.dtype)}  # bfloat16 needs ml_dtypes


def _size(args, size, who):
    """The size given positionally (as ints or one sequence) or as size=, not both."""
    if size is None:
        return args
    if args:
        raise TypeError(f"{who}() got the size both positionally {args} and as size={size}")
    return (size,)


def _like(self, dtype, device):
    return dtypes.as_dtype(dtype) or self.dtype, device or self.device


def new_zeros(self, *args, size=None, dtype=None, device=None, requires_grad=False):
    """Zeros of `size` with this tensor's dtype and device (unless given)."""
    dtype, device = _like(self, dtype, device)
    return creation.zeros(*_size(args, size, "new_zeros"), dtype=dtype, device=device, requires_grad=requires_grad)


def new_ones(self, *args, size=None, dtype=None, device=None, requires_grad=False):
    """Ones of `size` with this tensor's dtype and device (unless given)."""
    dtype, device = _like(self, dtype, device)
    return creation.ones(*_size(args, size, "new_ones"), dtype=dtype, device=device, requires_grad=requires_grad)


def new_empty(self, *args, size=None, dtype=None, device=None, requires_grad=False):
    """An uninitialized tensor of `size` with this tensor's dtype and device (unless given)."""
    dtype, device = _like(self, dtype, device)
    return creation.empty(*_size(args, size, "new_empty"), dtype=dtype, device=device, requires_grad=requires_grad)


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    """A tensor of `size` filled with fill_value, with this tensor's dtype and device (unless given)."""
    dtype, device = _like(self, dtype, device)
    return creation.full(size, fill_value, dtype=dtype, device=device, requires_grad=requires_grad)


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    """A new tensor holding a copy of `data`, with this tensor's dtype and device (unless given)."""
    dtype, device = _like(self, dtype, device)
    return creation.tensor(data, dtype=dtype, device=device, requires_grad=requires_grad)


def _type_name(t):
    name = _TYPE_NAMES[t.dtype]
    return f"autograd.cuda.{name}" if t.device.type == "cuda" else f"autograd.{name}"


def type(self, dtype=None, non_blocking=False):
    """Without dtype: the type name, e.g. 'autograd.FloatTensor' (as torch.Tensor.type()). With a dtype, a legacy
    type (autograd.DoubleTensor, autograd.cuda.LongTensor, ...) or its name ('autograd.DoubleTensor',
    'torch.cuda.LongTensor', ...): this tensor converted to it (itself when equal)."""
    if dtype is None:
        return _type_name(self)
    if isinstance(dtype, TensorType):
        device = "cuda" if dtype.is_cuda else ("cpu" if self.device.type == "cuda" else None)
        return self.to(dtype=dtypes.as_dtype(dtype.dtype), device=device)
    if isinstance(dtype, str):
        parts = dtype.split(".")
        if parts[0] in ("autograd", "torch"):
            parts = parts[1:]
        cuda = len(parts) == 2 and parts[0] == "cuda"
        if not (len(parts) == 1 or cuda) or parts[-1] not in NAMES:
            raise ValueError(f"type: invalid type {dtype!r}; expected a dtype or a name such as "
                             "'autograd.FloatTensor' or 'autograd.cuda.LongTensor'")
        device = "cuda" if cuda else ("cpu" if self.device.type == "cuda" else None)
        return self.to(dtype=dtypes.as_dtype(NAMES[parts[-1]]), device=device)
    return self.to(dtype=dtypes.as_dtype(dtype))


__all__ = []
METHODS = {"new_zeros": new_zeros, "new_ones": new_ones, "new_empty": new_empty, "new_full": new_full,
           "new_tensor": new_tensor, "type": type}
