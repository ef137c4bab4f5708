"""More pooling layers: MaxUnpool1d/2d/3d, LPPool1d/2d/3d, FractionalMaxPool2d/3d."""
from autograd.ops.fractional_pool import fractional_max_pool2d, fractional_max_pool3d
from autograd.ops.lp_pool import lp_pool1d, lp_pool2d, lp_pool3d
from autograd.ops.unpool import max_unpool1d, max_unpool2d, max_unpool3d

from .module import Layer

__all__ = ["MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d", "LPPool1d", "LPPool2d", "LPPool3d",
           "FractionalMaxPool2d", "FractionalMaxPool3d"]


def _tuple(v, n):
    """v as a tuple of n entries (a sequence is kept as given), as torch's _single/_pair/_triple."""
    return tuple(v) if hasattr(v, "__len__") and not isinstance(v, str) else (v,) * n


# ---------------------------------------------------------------------------- max unpooling
class _MaxUnpoolNd(Layer):
    _nd = 2
    _fn = None

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = _tuple(kernel_size, self._nd)
        self.stride = _tuple(stride if stride is not None else kernel_size, self._nd)
        self.padding = _tuple(padding, self._nd)

    def forward(self, input, indices, output_size=None):
        """input written at `indices` (from the matching MaxPool with return_indices=True), zeros elsewhere."""
        return type(self)._fn(input, indices, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    """Partial inverse of MaxPool1d over (N, C, L) or (C, L), as torch.nn.MaxUnpool1d."""

    _nd = 1
    _fn = staticmethod(max_unpool1d)


class MaxUnpool2d(_MaxUnpoolNd):
    """Partial inverse of MaxPool2d over (N, C, H, W) or (C, H, W), as torch.nn.MaxUnpool2d."""

    _nd = 2
    _fn = staticmethod(max_unpool2d)


class MaxUnpool3d(_MaxUnpoolNd):
    """Partial inverse of MaxPool3d over (N, C, D, H, W) or (C, D, H, W), as torch.nn.MaxUnpool3d."""

    _nd = 3
    _fn = staticmethod(max_unpool3d)


# ---------------------------------------------------------------------------- power-average pooling
class _LPPoolNd(Layer):
    _fn = None

    def __init__(self, norm_type, kernel_size, stride=None, ceil_mode=False):
        super().__init__()
        self.norm_type, self.kernel_size, self.stride, self.ceil_mode = norm_type, kernel_size, stride, ceil_mode

    def forward(self, input):
        """(sum over each window of x^p)^(1/p)."""
        return type(self)._fn(input, float(self.norm_type), self.kernel_size, self.stride, self.ceil_mode)

    def extra_repr(self):
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"ceil_mode={self.ceil_mode}")


class LPPool1d(_LPPoolNd):
    """1-d power-average pooling over (N, C, L) or (C, L), as torch.nn.LPPool1d."""

    _fn = staticmethod(lp_pool1d)


class LPPool2d(_LPPoolNd):
    """2-d power-average pooling over (N, C, H, W) or (C, H, W), as torch.nn.LPPool2d."""

    _fn = staticmethod(lp_pool2d)


class LPPool3d(_LPPoolNd):
    """3-d power-average pooling over (N, C, D, H, W) or (C, D, H, W), as torch.nn.LPPool3d."""

    _fn = staticmethod(lp_pool3d)


# ---------------------------------------------------------------------------- fractional max pooling
class _FractionalMaxPoolNd(Layer):
    _nd = 2
    _fn = None

    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                 _random_samples=None):
        super().__init__()
        name, nd = type(self).__name__, self._nd
        if output_size is None and output_ratio is None:
            raise ValueError(f"{name} requires specifying either an output size, or a pooling ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError(f"{name}: only one of output_size and output_ratio may be specified")
        self.kernel_size = _tuple(kernel_size, nd)
        self.return_indices = return_indices
        self.output_size = None if output_size is None else _tuple(output_size, nd)
        self.output_ratio = None if output_ratio is None else _tuple(output_ratio, nd)
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ValueError(f"{name}: output_ratio must be between 0 and 1 (got {output_ratio}); give the output "
                             "size as a fraction of the input size, or pass output_size instead")
        self.register_buffer("_random_samples", _random_samples)

    def forward(self, input):
        """The max over pseudo-random windows (and the flat in-plane indices of the maxima when return_indices)."""
        return type(self)._fn(input, self.kernel_size, self.output_size, self.output_ratio, self.return_indices,
                              _random_samples=self._random_samples)


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    """Fractional max pooling over (N, C, H, W) or (C, H, W), as torch.nn.FractionalMaxPool2d."""

    _nd = 2
    _fn = staticmethod(fractional_max_pool2d)


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    """Fractional max pooling over (N, C, D, H, W) or (C, D, H, W), as torch.nn.FractionalMaxPool3d."""

    _nd = 3
    _fn = staticmethod(fractional_max_pool3d)
