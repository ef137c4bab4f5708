"""3-d convolutions (conv3d, conv_transpose3d) and torch.convolution, on the machinery of ops/conv.py."""
from .._tensor import Tensor
from .conv import conv_nd, conv_transpose_nd

__all__ = ["conv3d", "conv_transpose3d", "convolution"]
METHODS = {}


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-d convolution over (N, C, D, H, W) or (C, D, H, W) with weight (out, in/groups, kD, kH, kW), as in PyTorch."""
    return conv_nd("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Transposed 3-d convolution, weight (in, out/groups, kD, kH, kW), as torch.nn.functional.conv_transpose3d."""
    return conv_transpose_nd("conv_transpose3d", 3, input, weight, bias, stride, padding, output_padding, groups,
                             dilation)


def _int_list(v, name):
    """PyTorch's int[] argument: a tuple or list of ints (a bare int or a string is a TypeError, as in torch)."""
    if isinstance(v, (str, bytes)) or not hasattr(v, "__len__"):
        raise TypeError(f"convolution: {name} must be a tuple or list of ints, got {type(v).__name__} ({v!r}); "
                        f"write ({v!r},) for one value shared by every spatial dim")
    return v


def convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups):
    """torch.convolution: a 1-, 2- or 3-d convolution (or transposed one) picked by the weight's rank; batched input."""
    for name, v in (("input", input), ("weight", weight)):
        if not isinstance(v, Tensor):
            raise TypeError(f"convolution: expected {name} to be a Tensor, got {type(v).__name__}")
    stride, padding, dilation, output_padding = (_int_list(v, n) for v, n in (
        (stride, "stride"), (padding, "padding"), (dilation, "dilation"), (output_padding, "output_padding")))
    if weight.ndim not in (3, 4, 5):
        raise RuntimeError(f"convolution: expected a 3-d, 4-d or 5-d weight (a 1-, 2- or 3-d convolution), but got "
                           f"weight of shape {tuple(weight.shape)}")
    if input.ndim != weight.ndim:
        raise RuntimeError(f"convolution: expected {weight.ndim}-d input for {weight.ndim}-d weight of shape "
                           f"{tuple(weight.shape)}, but got {input.ndim}-d input of shape {tuple(input.shape)}; "
                           "convolution takes batched input (N, C, ...): add a batch dim with input.unsqueeze(0)")
    nd = weight.ndim - 2
    if transposed:
        return conv_transpose_nd("convolution", nd, input, weight, bias, stride, padding, output_padding, groups,
                                 dilation)
    return conv_nd("convolution", nd, input, weight, bias, stride, padding, dilation, groups)
