"""Convolution layers: Conv1d/2d/3d, ConvTranspose1d/2d/3d, and the Unfold / Fold block layers."""
import math

import autograd
from autograd.ops.conv import (conv1d, conv2d, conv_transpose1d, conv_transpose2d, fold, ntuple, unfold)
from autograd.ops.conv_3d import conv3d, conv_transpose3d
from autograd.ops.join import pad as _pad

from . import init
from .module import Layer, Parameter

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d", "Unfold", "Fold"]

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _channels(value, name, layer):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{layer}: {name} must be an int, got {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"{layer}: {name} must be positive, got {value}")
    return value


class _ConvNd(Layer):
    """Shared by the convolution layers: arguments, parameters, default init and repr, as PyTorch's _ConvNd."""

    _nd = 2
    _transposed = False

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, output_padding, groups,
                 bias, padding_mode, device=None, dtype=None):
        super().__init__()
        name, nd = type(self).__name__, self._nd
        in_channels = _channels(in_channels, "in_channels", name)
        out_channels = _channels(out_channels, "out_channels", name)
        groups = _channels(groups, "groups", name)
        if in_channels % groups:
            raise ValueError(f"{name}: in_channels ({in_channels}) must be divisible by groups ({groups})")
        if out_channels % groups:
            raise ValueError(f"{name}: out_channels ({out_channels}) must be divisible by groups ({groups})")
        kernel_size = ntuple(kernel_size, nd, "kernel_size", name)
        stride = ntuple(stride, nd, "stride", name)
        dilation = ntuple(dilation, nd, "dilation", name)
        for what, v, lo in (("kernel_size", kernel_size, 1), ("stride", stride, 1), ("dilation", dilation, 1)):
            if any(i < lo for i in v):
                raise ValueError(f"{name}: {what} must be positive, got {v}")
        if isinstance(padding, str):
            if padding not in ("same", "valid") or self._transposed:
                allowed = "an int or a tuple" if self._transposed else "'same', 'valid', an int or a tuple"
                raise ValueError(f"{name}: invalid padding {padding!r}; expected {allowed}")
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError(f"{name}: padding='same' is not supported for strided convolutions "
                                 f"(stride={stride})")
        else:
            padding = ntuple(padding, nd, "padding", name)
            if any(p < 0 for p in padding):
                raise ValueError(f"{name}: padding must be non-negative, got {padding}")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"{name}: padding_mode must be one of {_PADDING_MODES}, got {padding_mode!r}")
        if self._transposed and padding_mode != "zeros":
            raise ValueError(f'{name}: only "zeros" padding mode is supported, got {padding_mode!r}')
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride, self.padding, self.dilation = kernel_size, stride, padding, dilation
        self.transposed = self._transposed
        self.output_padding = ntuple(output_padding, nd, "output_padding", name)
        self.groups, self.padding_mode = groups, padding_mode
        if padding_mode != "zeros":  # (left, right) of the last dim first, as F.pad takes it
            pads = [(0, 0)] * nd if padding == "valid" else \
                [(d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2) for d, k in zip(dilation, kernel_size)] \
                if padding == "same" else [(p, p) for p in padding]
            self._reversed_padding_repeated_twice = tuple(v for pair in reversed(pads) for v in pair)
        shape = ((in_channels, out_channels // groups) if self._transposed
                 else (out_channels, in_channels // groups)) + kernel_size
        self.weight = Parameter(autograd.empty(*shape, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(autograd.empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """PyTorch's default: kaiming_uniform_(a=sqrt(5)) for the weight, i.e. both weight and bias from
        U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def _check_input(self, input):
        nd = self._nd
        if not isinstance(input, autograd.Tensor):
            raise TypeError(f"{self._get_name()}: expected a tensor input, got {type(input).__name__}")
        spatial = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}[nd]
        ok = input.ndim in (nd + 1, nd + 2) and input.shape[-nd - 1] == self.in_channels
        if not ok:
            want = ", ".join((str(self.in_channels),) + spatial)
            raise RuntimeError(f"{self._get_name()}({self.extra_repr()}): expected input of shape (N, {want}) or "
                               f"({want}), got {tuple(input.shape)}")

    def extra_repr(self):
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if isinstance(self.padding, str) or self.padding != (0,) * self._nd:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * self._nd:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self._nd:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class _Conv(_ConvNd):
    _fn = None

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, 0, groups, bias,
                         padding_mode, device, dtype)

    def forward(self, input):
        """The convolution of input (batched or not) with weight, plus bias."""
        self._check_input(input)
        fn = type(self)._fn
        if self.padding_mode != "zeros":
            x = _pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return fn(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)
        return fn(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class Conv1d(_Conv):
    """1-d convolution over (N, C_in, L): weight (out_channels, in_channels/groups, k), as torch.nn.Conv1d."""

    _nd = 1
    _fn = staticmethod(conv1d)


class Conv2d(_Conv):
    """2-d convolution over (N, C_in, H, W): weight (out_channels, in_channels/groups, kH, kW), as in PyTorch."""

    _nd = 2
    _fn = staticmethod(conv2d)


class Conv3d(_Conv):
    """3-d convolution over (N, C_in, D, H, W): weight (out_channels, in_channels/groups, kD, kH, kW), as in PyTorch."""

    _nd = 3
    _fn = staticmethod(conv3d)


class _ConvTranspose(_ConvNd):
    _transposed = True
    _fn = None

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, output_padding, groups,
                         bias, padding_mode, device, dtype)

    def _output_padding(self, input, output_size):
        """output_padding that gives `output_size` (PyTorch's rule), or the layer's own when it is None."""
        if output_size is None:
            return self.output_padding
        nd = self._nd
        output_size = tuple(output_size)
        lead = 2 if input.ndim == nd + 2 else 1
        if len(output_size) == lead + nd:
            output_size = output_size[lead:]
        if len(output_size) != nd:
            raise ValueError(f"{self._get_name()}: output_size must have {nd} or {lead + nd} elements, got "
                             f"{len(output_size)} ({output_size})")
        lo = [(input.shape[lead + i] - 1) * self.stride[i] - 2 * self.padding[i]
              + self.dilation[i] * (self.kernel_size[i] - 1) + 1 for i in range(nd)]
        hi = [m + s - 1 for m, s in zip(lo, self.stride)]
        for size, a, b in zip(output_size, lo, hi):
            if not a <= size <= b:
                raise ValueError(f"{self._get_name()}: requested an output size of {output_size}, but valid sizes "
                                 f"range from {tuple(lo)} to {tuple(hi)} (for an input of shape "
                                 f"{tuple(input.shape)})")
        return tuple(size - a for size, a in zip(output_size, lo))

    def forward(self, input, output_size=None):
        """The transposed convolution of input; output_size picks among the sizes a stride > 1 allows."""
        self._check_input(input)
        output_padding = self._output_padding(input, output_size)
        return type(self)._fn(input, self.weight, self.bias, self.stride, self.padding, output_padding,
                              self.groups, self.dilation)


class ConvTranspose1d(_ConvTranspose):
    """Transposed 1-d convolution: weight (in_channels, out_channels/groups, k), as torch.nn.ConvTranspose1d."""

    _nd = 1
    _fn = staticmethod(conv_transpose1d)


class ConvTranspose2d(_ConvTranspose):
    """Transposed 2-d convolution: weight (in_channels, out_channels/groups, kH, kW), as in PyTorch."""

    _nd = 2
    _fn = staticmethod(conv_transpose2d)


class ConvTranspose3d(_ConvTranspose):
    """Transposed 3-d convolution: weight (in_channels, out_channels/groups, kD, kH, kW), as in PyTorch."""

    _nd = 3
    _fn = staticmethod(conv_transpose3d)


class Unfold(Layer):
    """Extracts sliding blocks (im2col): (N, C, H, W) -> (N, C*kH*kW, L), as torch.nn.Unfold."""

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size, self.dilation, self.padding, self.stride = kernel_size, dilation, padding, stride

    def forward(self, input):
        """The blocks of input as columns."""
        return unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, "
                f"stride={self.stride}")


class Fold(Layer):
    """Sums sliding blocks back into an image (col2im): (N, C*kH*kW, L) -> (N, C, H, W), as torch.nn.Fold."""

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.output_size, self.kernel_size = output_size, kernel_size
        self.dilation, self.padding, self.stride = dilation, padding, stride

    def forward(self, input):
        """The image whose blocks are input's columns (overlaps summed)."""
        return fold(input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")
