"""3-d pooling (max, avg, adaptive) and the *_with_indices names, on the separable windows of ops/pooling.py."""
from .pooling import (MaxPool, _adaptive_avg, _adaptive_max, _avg_pool, _pool_geom, adaptive_max_pool1d,
                      adaptive_max_pool2d, max_pool1d, max_pool2d)

__all__ = ["max_pool3d", "max_pool1d_with_indices"]  # the ones torch has at top level; F has the rest
METHODS = {}


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """3-d max pooling over (N, C, D, H, W) or (C, D, H, W), as torch.nn.functional.max_pool3d."""
    win, _ = _pool_geom("max_pool3d", 3, input, kernel_size, stride, padding, dilation, ceil_mode, False)
    return MaxPool.apply(input, win, bool(return_indices))


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """3-d average pooling over (N, C, D, H, W) or (C, D, H, W), as torch.nn.functional.avg_pool3d."""
    return _avg_pool("avg_pool3d", 3, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


def adaptive_avg_pool3d(input, output_size):
    """Average pooling of (N, C, D, H, W) to output_size (an int, or a triple that may hold None), as in PyTorch."""
    return _adaptive_avg("adaptive_avg_pool3d", 3, input, output_size)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """Max pooling of (N, C, D, H, W) to output_size, as torch.nn.functional.adaptive_max_pool3d."""
    return _adaptive_max("adaptive_max_pool3d", 3, input, output_size, return_indices)


# ---------------------------------------------------------------------------- the *_with_indices names
def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    """max_pool1d that always returns (output, indices), as torch.nn.functional.max_pool1d_with_indices."""
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    """max_pool2d that always returns (output, indices), as torch.nn.functional.max_pool2d_with_indices."""
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    """max_pool3d that always returns (output, indices), as torch.nn.functional.max_pool3d_with_indices."""
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    """adaptive_max_pool1d returning (output, indices), as torch.nn.functional.adaptive_max_pool1d_with_indices."""
    return adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    """adaptive_max_pool2d returning (output, indices), as torch.nn.functional.adaptive_max_pool2d_with_indices."""
    return adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    """adaptive_max_pool3d returning (output, indices), as torch.nn.functional.adaptive_max_pool3d_with_indices."""
    return adaptive_max_pool3d(input, output_size, True)
