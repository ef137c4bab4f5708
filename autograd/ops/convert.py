"""Dtype and device conversion, clone and contiguous: ops whose gradient is the incoming one, converted back."""
from .. import backend, dtypes
from ..function import Op
from ..tensor import Tensor


class ToCopy(Op):
    """Cast to a dtype and/or copy to a device; backward casts and moves the gradient back."""

    def forward(ctx, x, dtype, device):
        ctx.src = (x.dtype, backend.device_of(x))
        y = x if dtype is None or dtype == x.dtype else x.astype(dtype)
        return y if device is None else backend.to_device(y, device)

    def backward(ctx, gy):
        dtype, dev = ctx.src
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
    if x.requires_grad and dtype is not None and dtype not in dtypes.FLOATS:
        return Tensor._make(ToCopy.forward(ToCopy.__new__(ToCopy), x.array, dtype, device), None, 0)
    return ToCopy.apply(x, dtype, device)


class Clone(Op):
    """A copy that records on the tape."""

    def forward(ctx, x):
        return x.copy()

    def backward(ctx, gy):
        return gy


def clone(input):
    """A copy of input (recorded: gradients flow back to input)."""
    return Clone.apply(input)


class Contiguous(Op):
    """A C-contiguous copy (only when input is not contiguous already)."""

    def forward(ctx, x):
        return backend.array_module(x).ascontiguousarray(x)

    def backward(ctx, gy):
        return gy


def contiguous(input):
    """input as a C-contiguous tensor (input itself when it is one)."""
    if input.array.flags.c_contiguous:
        return input
    return Contiguous.apply(input)


METHODS = {"clone": clone, "contiguous": contiguous}
__all__ = ["clone", "contiguous"]
