"""Padding under PyTorch's rules: F.pad's modes with the ranks PyTorch allows, and constant_pad_nd."""
from .. import dtypes
from .join import pad as _pad_any_rank
from .shape import _check_tensor

# non-constant modes: number of padded dims -> the input ranks PyTorch accepts (unbatched, batched)
_RANKS = {1: (2, 3), 2: (3, 4), 3: (4, 5)}


def _pad_list(pad, op):
    if not hasattr(pad, "__iter__") or isinstance(pad, str):
        raise TypeError(f"{op}: pad must be a tuple or list of ints, got {type(pad).__name__}")
    return dtypes.as_ints(tuple(pad), op, "pad")


def pad(input, pad, mode="constant", value=None):
    """Pad (negative: crop) the last dims; pad = (left, right) of the last dim, then of the one before, ..."""
    _check_tensor(input, "pad")
    widths = _pad_list(pad, "pad")
    if mode != "constant" and mode in ("reflect", "replicate", "circular"):
        nd, k = input.array.ndim, len(widths) // 2
        if len(widths) % 2 == 0 and nd not in _RANKS.get(k, ()):
            combos = "; ".join(f"{a}-D or {b}-D input with {2 * n} values" for n, (a, b) in _RANKS.items())
            raise NotImplementedError(f"pad: mode {mode!r} with {len(widths)} padding values is not supported for "
                                      f"a {nd}-D input of shape {tuple(input.shape)}; PyTorch supports {combos}")
        if mode != "circular" and len(widths) % 2 == 0:
            for i in range(k):
                n = input.array.shape[nd - 1 - i]
                if 0 < n and n + widths[2 * i] + widths[2 * i + 1] <= 0:
                    raise RuntimeError(f"pad: dim {nd - 1 - i} of size {n} padded by "
                                       f"({widths[2 * i]}, {widths[2 * i + 1]}) in mode {mode!r} gives an output "
                                       f"of size {n + widths[2 * i] + widths[2 * i + 1]}; it must be positive")
    return _pad_any_rank(input, widths, mode, value)


def constant_pad_nd(input, pad, value=0):
    """Pad (negative: crop) the last dims with value; pad as in F.pad."""
    _check_tensor(input, "constant_pad_nd")
    return _pad_any_rank(input, _pad_list(pad, "constant_pad_nd"), "constant", value)


__all__ = ["constant_pad_nd"]
METHODS = {}
