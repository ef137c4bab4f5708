"""Dtype and device conversion, clone and contiguous: ops whose gradient is the incoming one, converted back."""
import warnings

from .. import backend, dtypes
from .. import memory_formats as _format
from .._tensor import Tensor
from ..function import Op


class ToCopy(Op):
    """Cast to a dtype and/or copy to a device; backward casts and moves the gradient back."""

    complex_ok = True

    def forward(ctx, x, dtype, device):
        ctx.src = (x.dtype, backend.device_of(x))
        if dtype is not None and x.dtype in dtypes.COMPLEXES and dtype not in dtypes.COMPLEXES:
            x = x.real  # complex to real keeps the real part (PyTorch warns, as to_copy does)
        y = x if dtype is None or dtype == x.dtype else x.astype(dtype)
        return y if device is None else backend.to_device(y, device)

    def backward(ctx, gy):
        dtype, dev = ctx.src
        if dtype not in dtypes.COMPLEXES and gy.dtype in dtypes.COMPLEXES:
            gy = gy.real  # a real input keeps the real part of a complex gradient
        if isinstance(gy, Tensor):
            return gy.to(dtype=dtype, device=dev)
        g = backend.to_device(gy, dev)
        return g if g.dtype == dtype else g.astype(dtype)


def to_copy(x, dtype=None, device=None, copy=False):
    """x converted to dtype/device (x itself when nothing changes and copy is False)."""
    if device is not None:
        device = backend.device(device)
        if device.type == "cuda":
            backend.module_for(device)  # raises a clear error when CUDA is unusable
        if device == x.device:
            device = None
    if dtype is not None and dtype == x.dtype:
        dtype = None
    if dtype is None and device is None:
        return clone(x) if copy else x
    if dtype is not None and x.dtype in dtypes.COMPLEXES and dtype not in dtypes.COMPLEXES:
        warnings.warn(f"to: casting complex values (dtype {x.dtype}) to {dtype} discards the imaginary part; take "
                      ".real first to keep this silent", UserWarning, stacklevel=3)
    if x.requires_grad and dtype is not None and dtype not in dtypes.DIFFERENTIABLE:
        return Tensor._make(ToCopy.forward(ToCopy.__new__(ToCopy), x.array, dtype, device), None, 0)
    return ToCopy.apply(x, dtype, device)


class Clone(Op):
    """A copy that records on the tape, C-contiguous or in another memory format."""

    complex_ok = True

    def forward(ctx, x, fmt=None):
        y = x.copy()
        return y if fmt is None else _format.to_format(y, fmt, backend.array_module(y))

    def backward(ctx, gy):
        return gy


def clone(input, *, memory_format=_format.preserve_format):
    """A copy of input (recorded: gradients flow back to input), in input's channels_last format when it has one
    (preserve_format), else C-contiguous; or in the format asked for."""
    fmt = _format.check(memory_format, "clone")
    if fmt is _format.preserve_format:
        fmt = _format.layout_of(input.array)
    return Clone.apply(input) if fmt is _format.contiguous_format else Clone.apply(input, fmt)


class Contiguous(Op):
    """A copy in a memory format: C-contiguous by default (only made when input is not in that format already)."""

    complex_ok = True

    def forward(ctx, x, fmt=None):
        xp = backend.array_module(x)
        return xp.ascontiguousarray(x) if fmt is None else _format.to_format(x, fmt, xp)

    def backward(ctx, gy):
        return gy


def contiguous(input, memory_format=_format.contiguous_format):
    """input with its elements in memory_format's order, C (row-major) by default (input itself when they are)."""
    fmt = _format.check(memory_format, "contiguous")
    if fmt is _format.contiguous_format or fmt is _format.preserve_format:
        return input if input.array.flags.c_contiguous else Contiguous.apply(input)
    _format.check_rank(input.array, fmt)
    return input if _format.is_in(input.array, fmt) else Contiguous.apply(input, fmt)


# ---------------------------------------------------------------------------- Tensor conversion methods
def to(self, *args, dtype=None, device=None, copy=False, non_blocking=False,
       memory_format=_format.preserve_format):
    """Convert to a dtype and/or device: to(dtype), to(device), to(device, dtype), to(other); memory_format puts
    the result in that order (channels_last, ...)."""
    for a in args:
        if isinstance(a, Tensor):
            dtype, device = a.dtype, a.device
        elif isinstance(a, (str, backend.device)):
            device = a
        else:
            dtype = a
    fmt = _format.check(memory_format, "to")
    out = to_copy(self, dtypes.as_dtype(dtype), device, copy)
    return out if fmt is _format.preserve_format else contiguous(out, fmt)


def cpu(self):
    """This tensor on the CPU."""
    return to_copy(self, None, "cpu")


def cuda(self, device=None):
    """This tensor on a GPU ('cuda' or 'cuda:N')."""
    return to_copy(self, None, "cuda" if device is None else (f"cuda:{device}" if isinstance(device, int) else device))


def bfloat16(self):
    """Cast to bfloat16 (needs the ml_dtypes package)."""
    if not dtypes.HAS_BFLOAT16:
        raise TypeError("bfloat16 needs the ml_dtypes package: pip install ml_dtypes")
    return to_copy(self, dtypes.bfloat16)


def type_as(self, other):
    """Cast to the dtype of `other`."""
    return to_copy(self, other.dtype)


def _cast_method(dtype, name):
    def cast(self):
        return to_copy(self, dtype)

    cast.__name__ = name
    cast.__doc__ = f"Cast to {dtype}."
    return cast


_CASTS = {"float": dtypes.float32, "double": dtypes.float64, "half": dtypes.float16, "long": dtypes.int64,
          "int": dtypes.int32, "short": dtypes.int16, "byte": dtypes.uint8, "bool": dtypes.bool_}
METHODS = {"clone": clone, "contiguous": contiguous, "to": to, "cpu": cpu, "cuda": cuda, "bfloat16": bfloat16,
           "type_as": type_as, **{name: _cast_method(dt, name) for name, dt in _CASTS.items()}}
__all__ = ["clone", "contiguous"]
