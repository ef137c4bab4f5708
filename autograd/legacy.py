"""PyTorch's legacy tensor types: autograd.FloatTensor, LongTensor, ..., and autograd.cuda's (made by tensor_type)."""
import numpy as np

from . import backend, dtypes
from ._tensor import Tensor, legacy_array, root

# the legacy type names and their dtypes (torch.FloatTensor is float32, ...)
NAMES = {"FloatTensor": dtypes.float32, "DoubleTensor": dtypes.float64, "HalfTensor": dtypes.float16,
         "BFloat16Tensor": dtypes.bfloat16, "LongTensor": dtypes.int64, "IntTensor": dtypes.int32,
         "ShortTensor": dtypes.int16, "CharTensor": dtypes.int8, "ByteTensor": dtypes.uint8, "BoolTensor": dtypes.bool_}


class TensorType(type):
    """The class of the legacy types: FloatTensor(2, 3) or FloatTensor([1, 2]) makes a float32 CPU Tensor (zeros
    for sizes), and isinstance(t, FloatTensor) is true exactly for float32 tensors on the CPU."""

    def __call__(cls, *args, size=None, device=None):
        kind = "cuda" if cls.is_cuda else "cpu"
        dev = backend.device(kind if device is None else device)
        if dev.type != kind:
            raise RuntimeError(f"{cls.__module__}.{cls.__name__}: legacy constructor expects device type: {kind} but "
                               f"device type: {dev.type} was passed; use autograd.tensor(data, device=...) or "
                               f"autograd.zeros(..., device=...)")
        if len(args) == 1 and isinstance(args[0], Tensor) and size is None:
            other = args[0]
            if not isinstance(other, cls):
                raise TypeError(f"{cls.__name__}(): expected a tensor of dtype {cls.dtype} on {kind}, got "
                                f"{other.type()}; convert it with .type({cls.__module__}.{cls.__name__})")
            t = Tensor._make(other.array, None, 0)  # shares the memory (and version counter), as PyTorch's
            t._base = root(other)
            return t
        return Tensor._make(legacy_array(args, size, dtypes.as_dtype(cls.dtype), dev, cls.__name__), None, 0)

    def __instancecheck__(cls, obj):
        return (isinstance(obj, Tensor) and isinstance(cls.dtype, np.dtype) and obj.array.dtype == cls.dtype
                and (backend.device_of(obj.array).type == "cuda") == cls.is_cuda)

    def __repr__(cls):
        return f"<class '{cls.__module__}.{cls.__name__}'>"


def tensor_type(name, cuda=False):
    """The legacy type `name` ('FloatTensor', ...) of the CPU, or of CUDA devices (autograd.cuda.FloatTensor)."""
    module = "autograd.cuda" if cuda else "autograd"
    doc = f"{module}.{name}: {NAMES[name]} tensors on {'a GPU' if cuda else 'the CPU'} (PyTorch's legacy type)."
    return TensorType(name, (), {"dtype": NAMES[name], "is_cuda": cuda, "__module__": module, "__qualname__": name,
                                 "__doc__": doc})


FloatTensor = tensor_type("FloatTensor")
DoubleTensor = tensor_type("DoubleTensor")
HalfTensor = tensor_type("HalfTensor")
BFloat16Tensor = tensor_type("BFloat16Tensor")
LongTensor = tensor_type("LongTensor")
IntTensor = tensor_type("IntTensor")
ShortTensor = tensor_type("ShortTensor")
CharTensor = tensor_type("CharTensor")
ByteTensor = tensor_type("ByteTensor")
BoolTensor = tensor_type("BoolTensor")
