"""PyTorch-style reprs: tensor([...], requires_grad=True) or tensor([...], grad_fn=<MulBackward0>)."""
import numpy as np

from . import backend, dtypes

_IMPLIED = (dtypes.float32, dtypes.int64, dtypes.bool_)


def _format(arr):
    if arr.size == 0:
        return "[]" if arr.ndim == 1 else f"size={arr.shape}"
    opts = dict(separator=", ", prefix="tensor(", threshold=1000, edgeitems=3)
    if arr.dtype.kind == "f" or arr.dtype == dtypes.bfloat16:
        shown = arr.astype(np.float64)
        finite = shown[np.isfinite(shown)]
        integral = finite.size == 0 or bool(np.all(finite == np.round(finite)))
        big = finite.size and (np.abs(finite).max() >= 1e8 or 0 < np.abs(finite[finite != 0]).min(initial=1) < 1e-4)
        if integral and not big:
            return np.array2string(shown, formatter={"float_kind": lambda v: f"{v:.0f}." if np.isfinite(v)
                                   else str(v)}, **opts)
        if big:
            return np.array2string(shown, formatter={"float_kind": lambda v: f"{v:.4e}"}, **opts)
        return np.array2string(shown, precision=4, floatmode="fixed", **opts)
    return np.array2string(arr, **opts)


def tensor_repr(t):
    """The repr of a Tensor, in PyTorch's form."""
    arr = backend.to_device(t.data, "cpu")
    parts = [_format(arr)]
    if t.device.type != "cpu":
        parts.append(f"device='{t.device}'")
    if arr.size == 0 and arr.ndim != 1:
        parts[0] = "[]"
        parts.append(f"size={arr.shape}")
    if arr.dtype not in _IMPLIED:
        parts.append(f"dtype={arr.dtype}")
    if t.grad_fn is not None:
        parts.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        parts.append("requires_grad=True")
    return "tensor(" + ", ".join(parts) + ")"
