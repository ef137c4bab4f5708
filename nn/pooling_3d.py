"""3-d pooling layers: MaxPool3d, AvgPool3d, AdaptiveAvgPool3d, AdaptiveMaxPool3d."""
from autograd.ops.pooling_3d import adaptive_avg_pool3d, adaptive_max_pool3d, avg_pool3d, max_pool3d

from .pooling import _Adaptive, _AdaptiveMax, _MaxPoolNd, _Pool

__all__ = ["MaxPool3d", "AvgPool3d", "AdaptiveAvgPool3d", "AdaptiveMaxPool3d"]


class MaxPool3d(_MaxPoolNd):
    """3-d max pooling over (N, C, D, H, W) or (C, D, H, W), as torch.nn.MaxPool3d."""

    _nd = 3
    _fn = staticmethod(max_pool3d)


class AvgPool3d(_Pool):
    """3-d average pooling over (N, C, D, H, W) or (C, D, H, W), as torch.nn.AvgPool3d."""

    _nd = 3

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, input):
        """The mean of each window (or its sum / divisor_override)."""
        self._check_input(input)
        return avg_pool3d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad, self.divisor_override)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool3d(_Adaptive):
    """Average pooling of (N, C, D, H, W) to a fixed output_size (None keeps a dim), as torch.nn.AdaptiveAvgPool3d."""

    _nd = 3
    _fn = staticmethod(adaptive_avg_pool3d)


class AdaptiveMaxPool3d(_AdaptiveMax):
    """Max pooling of (N, C, D, H, W) to a fixed output_size, as torch.nn.AdaptiveMaxPool3d."""

    _nd = 3
    _fn = staticmethod(adaptive_max_pool3d)
