"""Power-average pooling (lp_pool1d/2d/3d): (sum of x^p over each window)^(1/p), composed as PyTorch composes it."""
import math

from .._tensor import Tensor
from .activation import relu
from .conv import ntuple
from .pooling import avg_pool1d, avg_pool2d, max_pool1d, max_pool2d
from .pooling_3d import avg_pool3d, max_pool3d

# The window sum is avg pooling (no padding) times the kernel's size, so a partial window of ceil_mode is scaled like
# PyTorch's; sign(s) * relu(|s|) keeps the sum's value but gives a zero gradient where it is 0. p = +-inf is max (min)
# pooling of |x|, as in PyTorch.

__all__ = []  # torch has none of these at top level: nn.functional imports them
METHODS = {}


def _check(op, input, norm_type):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected input to be a Tensor, got {type(input).__name__}")
    if isinstance(norm_type, bool) or not isinstance(norm_type, (int, float)):
        raise TypeError(f"{op}: norm_type must be a number (the p of the p-norm), got {type(norm_type).__name__}")
    if norm_type == 0:
        raise ZeroDivisionError(f"{op}: norm_type must be non-zero (the result is the 1/norm_type power)")


def lp_pool(op, nd, avg_pool, max_pool, input, norm_type, kernel_size, stride, ceil_mode):
    """lp_pool over nd spatial dims with that rank's avg_pool and max_pool (shared by lp_pool1d/2d/3d)."""
    _check(op, input, norm_type)
    size = math.prod(ntuple(kernel_size, nd, "kernel_size", op))
    try:
        if norm_type == math.inf:
            return max_pool(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
        if norm_type == -math.inf:
            return -max_pool(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
        s = avg_pool(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    except (RuntimeError, TypeError) as err:  # the pooling op's error (shapes, dtype), named for this op
        raise type(err)(f"{op}: {err}") from None
    return (s.sign() * relu(s.abs())).mul(size).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """1-d power-average pooling over (N, C, L) or (C, L), as torch.nn.functional.lp_pool1d."""
    return lp_pool("lp_pool1d", 1, avg_pool1d, max_pool1d, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """2-d power-average pooling over (N, C, H, W) or (C, H, W), as torch.nn.functional.lp_pool2d."""
    return lp_pool("lp_pool2d", 2, avg_pool2d, max_pool2d, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """3-d power-average pooling over (N, C, D, H, W) or (C, D, H, W), as torch.nn.functional.lp_pool3d."""
    return lp_pool("lp_pool3d", 3, avg_pool3d, max_pool3d, input, norm_type, kernel_size, stride, ceil_mode)
