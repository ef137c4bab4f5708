"""3-d pooling layers: MaxPool3d, AvgPool3d, AdaptiveAvgPool3d, AdaptiveMaxPool3d."""
from autograd.ops.pooling_3d import adaptive_avg_pool3d, adaptive_max_pool3d, avg_pool3d, max_pool3d

from .pooling import _Adaptive, _AdaptiveMax, _AvgPoolDivisor, _MaxPoolNd

__all__ = ["MaxPool3d", "AvgPool3d", "AdaptiveAvgPool3d", "AdaptiveMaxPool3d"]


class MaxPool3d(_MaxPoolNd):
    """3-d max pooling over (N, C, D, H, W) or (C, D, H, W), as torch.nn.MaxPool3d."""

    _nd = 3
    _fn = staticmethod(max_pool3d)


class AvgPool3d(_AvgPoolDivisor):
    """3-d average pooling over (N, C, D, H, W) or (C, D, H, W), as torch.nn.AvgPool3d."""

    _nd = 3
    _fn = staticmethod(avg_pool3d)


class AdaptiveAvgPool3d(_Adaptive):
    """Average pooling of (N, C, D, H, W) to a fixed output_size (None keeps a dim), as torch.nn.AdaptiveAvgPool3d."""

    _nd = 3
    _fn = staticmethod(adaptive_avg_pool3d)


class AdaptiveMaxPool3d(_AdaptiveMax):
    """Max pooling of (N, C, D, H, W) to a fixed output_size, as torch.nn.AdaptiveMaxPool3d."""

    _nd = 3
    _fn = staticmethod(adaptive_max_pool3d)
