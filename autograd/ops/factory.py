"""Tensor methods that make new tensors like an existing one (new_zeros, new_full, new_tensor, ...) and type()."""
import numpy as np

from .. import creation, dtypes

# PyTorch's legacy type names (torch.FloatTensor, ...), here autograd.FloatTensor
_TYPE_NAMES = {dtypes.float32: "FloatTensor", dtypes.float64: "DoubleTensor", dtypes.float16: "HalfTensor",
               dtypes.int64: "LongTensor", dtypes.int32: "IntTensor", dtypes.int16: "ShortTensor",
               dtypes.int8: "CharTensor", dtypes.uint8: "ByteTensor", dtypes.bool_: "BoolTensor"}
if isinstance(dtypes.bfloat16, np.dtype):
    _TYPE_NAMES[dtypes.bfloat16] = "BFloat16Tensor"
_NAME_TYPES = {n: d for d, n in _TYPE_NAMES.items()}
_NAME_TYPES.setdefault("BFloat16Tensor", dtypes.bfloat16)  # a placeholder without ml_dtypes: raises when used


def _like(self, dtype, device):
    return dtypes.as_dtype(dtype) or self.dtype, device or self.device


def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
    """Zeros of `size` with this tensor's dtype and device (unless given)."""
    dtype, device = _like(self, dtype, device)
    return creation.zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
    """Ones of `size` with this tensor's dtype and device (unless given)."""
    dtype, device = _like(self, dtype, device)
    return creation.ones(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
    """An uninitialized tensor of `size` with this tensor's dtype and device (unless given)."""
    dtype, device = _like(self, dtype, device)
    return creation.empty(*size, dtype=dtype, device=device, requires_grad=requires_grad)


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
    """Without dtype: the type name, e.g. 'autograd.FloatTensor' (as torch.Tensor.type()). With a dtype or a type
    name ('autograd.DoubleTensor', 'torch.cuda.LongTensor', ...): this tensor converted to it (itself when equal)."""
    if dtype is None:
        return _type_name(self)
    if isinstance(dtype, str):
        parts = dtype.split(".")
        if parts[0] in ("autograd", "torch"):
            parts = parts[1:]
        cuda = len(parts) == 2 and parts[0] == "cuda"
        if not (len(parts) == 1 or cuda) or parts[-1] not in _NAME_TYPES:
            raise ValueError(f"type: invalid type {dtype!r}; expected a dtype or a name such as "
                             "'autograd.FloatTensor' or 'autograd.cuda.LongTensor'")
        device = "cuda" if cuda else ("cpu" if self.device.type == "cuda" else None)
        return self.to(dtype=dtypes.as_dtype(_NAME_TYPES[parts[-1]]), device=device)
    return self.to(dtype=dtypes.as_dtype(dtype))


__all__ = []
METHODS = {"new_zeros": new_zeros, "new_ones": new_ones, "new_empty": new_empty, "new_full": new_full,
           "new_tensor": new_tensor, "type": type}
