"""Pooling and resampling layers: max/avg/adaptive pooling, Upsample, PixelShuffle / PixelUnshuffle."""
from autograd.ops.conv import ntuple
from autograd.ops.pooling import (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_max_pool1d, adaptive_max_pool2d,
                                  avg_pool1d, avg_pool2d, interpolate, max_pool1d, max_pool2d, pixel_shuffle,
                                  pixel_unshuffle)

from .module import Layer

__all__ = ["MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d", "AdaptiveAvgPool1d", "AdaptiveAvgPool2d",
           "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d",
           "PixelShuffle", "PixelUnshuffle"]


class _Pool(Layer):
    """Checks the input's rank, naming the layer, before calling the functional op."""

    _nd = 2

    def _check_input(self, input, batched_only=False):
        nd = self._nd
        ranks = (nd + 2,) if batched_only else (nd + 1, nd + 2)
        if getattr(input, "ndim", None) not in ranks:
            spatial = {1: "L", 2: "H, W", 3: "D, H, W"}[nd]
            want = f"(N, C, {spatial})" + ("" if batched_only else f" or (C, {spatial})")
            raise RuntimeError(f"{self._get_name()}({self.extra_repr()}): expected input of shape {want}, "
                               f"got {tuple(getattr(input, 'shape', ()))}")


class _MaxPoolNd(_Pool):
    _fn = None

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, input):
        """The maximum of each window (and its flat index in the input plane when return_indices)."""
        self._check_input(input)
        return type(self)._fn(input, self.kernel_size, self.stride, self.padding, self.dilation,
                              ceil_mode=self.ceil_mode, return_indices=self.return_indices)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """1-d max pooling over (N, C, L), as torch.nn.MaxPool1d."""

    _nd = 1
    _fn = staticmethod(max_pool1d)


class MaxPool2d(_MaxPoolNd):
    """2-d max pooling over (N, C, H, W), as torch.nn.MaxPool2d."""

    _nd = 2
    _fn = staticmethod(max_pool2d)


class AvgPool1d(_Pool):
    """1-d average pooling over (N, C, L), as torch.nn.AvgPool1d."""

    _nd = 1

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        super().__init__()
        self.kernel_size = ntuple(kernel_size, 1, "kernel_size", "AvgPool1d")
        self.stride = ntuple(stride if stride is not None else kernel_size, 1, "stride", "AvgPool1d")
        self.padding = ntuple(padding, 1, "padding", "AvgPool1d")
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, input):
        """The mean of each window."""
        self._check_input(input)
        return avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _AvgPoolDivisor(_Pool):
    """Average pooling that takes a divisor_override: AvgPool2d and AvgPool3d (their function is _fn)."""

    _fn = None

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
        return self._fn(input, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad,
                        self.divisor_override)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(_AvgPoolDivisor):
    """2-d average pooling over (N, C, H, W), as torch.nn.AvgPool2d."""

    _fn = staticmethod(avg_pool2d)


class _Adaptive(_Pool):
    _fn = None

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        """input pooled to output_size."""
        self._check_input(input)
        return type(self)._fn(input, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_Adaptive):
    """Average pooling of (N, C, L) to a fixed output_size, as torch.nn.AdaptiveAvgPool1d."""

    _nd = 1
    _fn = staticmethod(adaptive_avg_pool1d)


class AdaptiveAvgPool2d(_Adaptive):
    """Average pooling of (N, C, H, W) to a fixed output_size (None keeps a dim), as torch.nn.AdaptiveAvgPool2d."""

    _nd = 2
    _fn = staticmethod(adaptive_avg_pool2d)


class _AdaptiveMax(_Adaptive):
    def __init__(self, output_size, return_indices=False):
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, input):
        """input max-pooled to output_size (with the winners' flat indices when return_indices)."""
        self._check_input(input)
        return type(self)._fn(input, self.output_size, self.return_indices)


class AdaptiveMaxPool1d(_AdaptiveMax):
    """Max pooling of (N, C, L) to a fixed output_size, as torch.nn.AdaptiveMaxPool1d."""

    _nd = 1
    _fn = staticmethod(adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMax):
    """Max pooling of (N, C, H, W) to a fixed output_size, as torch.nn.AdaptiveMaxPool2d."""

    _nd = 2
    _fn = staticmethod(adaptive_max_pool2d)


class Upsample(Layer):
    """Resizes (N, C, L), (N, C, H, W) or (N, C, D, H, W) by size or scale_factor, as torch.nn.Upsample."""

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None,
                 recompute_scale_factor=None):
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode, self.align_corners = mode, align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input):
        """input resized."""
        return interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                           recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self):
        info = f"scale_factor={self.scale_factor!r}" if self.scale_factor is not None else f"size={self.size!r}"
        return info + f", mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Nearest-neighbour upsampling of (N, C, H, W), as torch.nn.UpsamplingNearest2d."""

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Bilinear upsampling with align_corners=True, as torch.nn.UpsamplingBilinear2d."""

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


class PixelShuffle(Layer):
    """(*, C*r^2, H, W) -> (*, C, H*r, W*r), as torch.nn.PixelShuffle."""

    def __init__(self, upscale_factor):
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input):
        """input with channel blocks moved into space."""
        return pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self):
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Layer):
    """(*, C, H*r, W*r) -> (*, C*r^2, H, W), as torch.nn.PixelUnshuffle."""

    def __init__(self, downscale_factor):
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input):
        """input with spatial blocks moved into channels."""
        return pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self):
        return f"downscale_factor={self.downscale_factor}"
