"""Affine and shape layers: Linear (alias Dense), Bilinear, Identity, Flatten, Unflatten."""
import math

import autograd
from autograd.ops.linalg import bilinear, linear

from . import init
from .module import Layer, Parameter

__all__ = ["Identity", "Linear", "Dense", "Bilinear", "Flatten", "Unflatten"]


def _features(value, name, layer):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{layer}: {name} must be an int, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{layer}: {name} must be non-negative, got {value}")
    return value


class Identity(Layer):
    """Returns its input unchanged (accepts and ignores any constructor arguments)."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        """The input itself."""
        return input


class Linear(Layer):
    """y = x @ weight.T + bias, with weight (out_features, in_features) and bias (out_features,)."""

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features = _features(in_features, "in_features", "Linear")
        self.out_features = _features(out_features, "out_features", "Linear")
        self.weight = Parameter(autograd.empty(out_features, in_features, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(autograd.empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """PyTorch's default: weight and bias from U(-1/sqrt(in_features), 1/sqrt(in_features))."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        """Apply the affine map to the last dim of input (any leading dims)."""
        if not isinstance(input, autograd.Tensor):
            raise TypeError(f"{self._get_name()}: expected a tensor input, got {type(input).__name__}")
        if input.ndim == 0 or input.shape[-1] != self.in_features:
            raise RuntimeError(f"{self._get_name()}({self.extra_repr()}): expected input of shape "
                               f"(*, {self.in_features}), got {tuple(input.shape)}")
        return linear(input, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


Dense = Linear


class Bilinear(Layer):
    """y = x1^T A x2 + b, with weight (out_features, in1_features, in2_features) and bias (out_features,)."""

    def __init__(self, in1_features, in2_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in1_features = _features(in1_features, "in1_features", "Bilinear")
        self.in2_features = _features(in2_features, "in2_features", "Bilinear")
        self.out_features = _features(out_features, "out_features", "Bilinear")
        self.weight = Parameter(autograd.empty(out_features, in1_features, in2_features, device=device,
                                               dtype=dtype))
        if bias:
            self.bias = Parameter(autograd.empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """PyTorch's default: weight and bias from U(-1/sqrt(in1_features), 1/sqrt(in1_features))."""
        bound = 1 / math.sqrt(self.weight.shape[1]) if self.weight.shape[1] > 0 else 0
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        """The bilinear form of the last dims of input1 and input2 (same leading dims)."""
        if input1.ndim == 0 or input1.shape[-1] != self.in1_features or input2.ndim == 0 \
                or input2.shape[-1] != self.in2_features or input1.shape[:-1] != input2.shape[:-1]:
            raise RuntimeError(f"{self._get_name()}({self.extra_repr()}): expected inputs of shapes "
                               f"(*, {self.in1_features}) and (*, {self.in2_features}) with the same leading dims, "
                               f"got {tuple(input1.shape)} and {tuple(input2.shape)}")
        return bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


class Flatten(Layer):
    """Flattens dims start_dim..end_dim into one: (N, C, H, W) -> (N, C*H*W) by default."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input):
        """input reshaped with dims start_dim..end_dim merged."""
        shape = tuple(input.shape)
        n = max(len(shape), 1)
        start, end = self.start_dim, self.end_dim
        if not (-n <= start < n and -n <= end < n):
            raise IndexError(f"{self._get_name()}({self.extra_repr()}): dims out of range for an input of shape "
                             f"{shape} ({len(shape)} dims)")
        start, end = start % n, end % n
        if start > end:
            raise RuntimeError(f"{self._get_name()}({self.extra_repr()}): start_dim comes after end_dim for an "
                               f"input of shape {shape}")
        if not shape:
            return input.reshape(1)
        return input.reshape(shape[:start] + (math.prod(shape[start:end + 1]),) + shape[end + 1:])

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Layer):
    """Unflattens dim into unflattened_size: Unflatten(1, (C, H, W)) maps (N, C*H*W) -> (N, C, H, W)."""

    def __init__(self, dim, unflattened_size):
        super().__init__()
        if isinstance(dim, str):
            raise TypeError("Unflatten: named dims are not supported; pass an int dim")
        if not isinstance(unflattened_size, (tuple, list)) or \
                not all(isinstance(s, int) and not isinstance(s, bool) for s in unflattened_size):
            raise TypeError(f"unflattened_size must be a tuple of ints, but found type "
                            f"{type(unflattened_size).__name__}")
        self.dim = dim
        self.unflattened_size = tuple(unflattened_size) if isinstance(unflattened_size, list) else unflattened_size

    def forward(self, input):
        """input reshaped with dim split into unflattened_size (one entry may be -1)."""
        shape = tuple(input.shape)
        n = len(shape)
        if not -n <= self.dim < n:
            raise IndexError(f"{self._get_name()}({self.extra_repr()}): dim out of range for an input of shape "
                             f"{shape}")
        d = self.dim % n
        sizes = list(self.unflattened_size)
        known = math.prod(s for s in sizes if s != -1)
        if sizes.count(-1) > 1 or (sizes.count(-1) == 0 and known != shape[d]) or \
                (sizes.count(-1) == 1 and (known == 0 or shape[d] % known)):
            raise RuntimeError(f"{self._get_name()}({self.extra_repr()}): the sizes {tuple(sizes)} do not multiply "
                               f"to the size {shape[d]} of dim {self.dim} of an input of shape {shape}")
        if -1 in sizes:
            sizes[sizes.index(-1)] = shape[d] // known
        return input.reshape(shape[:d] + tuple(sizes) + shape[d + 1:])

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
