"""Local response normalization across channels: local_response_norm, and the legacy cross_map_lrn2d."""
import numbers

from .. import dtypes
from .._tensor import Tensor
from .join import cat
from .loss import _const


def _check(input, op):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a tensor as input, got {type(input).__name__}")
    if input.dtype not in dtypes.FLOATS:
        raise NotImplementedError(f"{op}: not implemented for dtype {input.dtype}; convert the input with .float()")


def _size(size, op, error):
    if isinstance(size, bool) or not isinstance(size, numbers.Integral):
        raise TypeError(f"{op}: size must be an int, got {type(size).__name__}")
    if size <= 0:
        raise error(f"{op}: size must be positive (the number of neighbouring channels), got {size}")


def _window_sum(sq, before, after, size):
    """sum of sq over channels c - before .. c - before + size - 1 (dim 1), zero outside the channels."""
    n, c = sq.shape[0], sq.shape[1]
    rest = tuple(sq.shape[2:])
    xp = sq.xp
    padded = cat([_const(xp.zeros((n, before) + rest, dtype=sq.dtype)), sq,
                  _const(xp.zeros((n, after) + rest, dtype=sq.dtype))], 1)
    total = padded[:, 0:c]
    for o in range(1, size):
        total = total + padded[:, o:o + c]
    return total


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """x / (k + alpha * mean of x^2 over `size` neighbouring channels)^beta, over dim 1 of (N, C, ...) input; the
    window of channel c covers c - size // 2 .. c + (size - 1) // 2, counting missing channels as zeros."""
    op = "local_response_norm"
    _check(input, op)
    if input.ndim < 3:
        raise ValueError(f"{op}: Expected 3D or higher dimensionality input (got {input.ndim} dimensions); the "
                         "input is (N, C, ...)")
    _size(size, op, RuntimeError)
    if input.numel() == 0:
        return input
    div = _window_sum(input * input, size // 2, (size - 1) // 2, size) / size
    return input / (div * alpha + k) ** beta


def cross_map_lrn2d(input, size, alpha=1e-4, beta=0.75, k=1):
    """nn.CrossMapLRN2d's forward on (N, C, H, W): x * (k + alpha / size * s)^-beta, where s sums x^2 over
    channels c - h .. c + h (h = (size - 1) // 2) and, as PyTorch computes it, also over channel 0 for every
    channel c > h (its running window never drops channel 0)."""
    op = "CrossMapLRN2d"
    _check(input, op)
    if input.ndim != 4:
        raise ValueError(f"{op}: Expected input to be 4D, got {input.ndim}D instead.")
    _size(size, op, ValueError)
    h = (size - 1) // 2
    sq = input * input
    s = _window_sum(sq, h, h, 2 * h + 1)
    c = input.shape[1]
    if c > h + 1:
        late = _const((input.xp.arange(c) > h).astype(input.dtype).reshape(1, c, 1, 1))
        s = s + sq[:, 0:1] * late
    return input * (s * (alpha / size) + k) ** -beta


__all__ = []  # torch has neither at its top level: nn.functional and nn import them by name
METHODS = {}
