"""Normalization layers: BatchNorm1d/2d/3d, InstanceNorm1d/2d/3d, LayerNorm, GroupNorm, RMSNorm."""
import numbers
import warnings

import autograd
from autograd.ops import normalization as F

from . import init
from .module import Layer, Parameter

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d",
           "LayerNorm", "GroupNorm", "RMSNorm"]


def _positive_int(value, name, layer):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{layer}: {name} must be a positive int, got {value!r}")
    return int(value)


def _affine_parameters(layer, shape, affine, bias, device, dtype):
    """Register the layer's weight and bias of `shape` (None when not affine, bias None when bias=False)."""
    for name, wanted in (("weight", affine), ("bias", affine and bias)):
        if wanted:
            setattr(layer, name, Parameter(autograd.empty(shape, device=device, dtype=dtype)))
        else:
            layer.register_parameter(name, None)


def _reset_affine(layer):
    """Weight 1 and bias 0, where the layer has them."""
    if layer.weight is not None:
        init.ones_(layer.weight)
    if getattr(layer, "bias", None) is not None:
        init.zeros_(layer.bias)


class _NormBase(Layer):
    """Per-channel affine parameters and running statistics (shared by batch and instance norm)."""

    _dims = ()  # accepted input ndims, the batched one first

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None,
                 dtype=None, *, bias=True):
        super().__init__()
        name = type(self).__name__
        self.num_features = _positive_int(num_features, "num_features", name)
        if momentum is not None and not 0 <= momentum <= 1:
            raise ValueError(f"{name}: momentum must be in [0, 1] or None (cumulative average), got {momentum}")
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        _affine_parameters(self, num_features, affine, bias, device, dtype)
        if self.track_running_stats:
            self.register_buffer("running_mean", autograd.zeros(num_features, device=device, dtype=dtype))
            self.register_buffer("running_var", autograd.ones(num_features, device=device, dtype=dtype))
            self.register_buffer("num_batches_tracked", autograd.tensor(0, dtype=autograd.long, device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self):
        """Running mean 0, running variance 1, no batches tracked."""
        if self.track_running_stats:
            with autograd.no_grad():
                self.running_mean.zero_()
                self.running_var.fill_(1)
                self.num_batches_tracked.zero_()

    def reset_parameters(self):
        """Reset the running statistics, weight to 1 and bias to 0."""
        self.reset_running_stats()
        _reset_affine(self)

    def _check_input(self, input):
        name = type(self).__name__
        if not isinstance(input, autograd.Tensor):
            raise TypeError(f"{name}: expected a tensor input, got {type(input).__name__}")
        if input.ndim not in self._dims:
            shapes = " or ".join(f"{d}D" for d in self._dims)
            raise ValueError(f"{name}({self.num_features}): expected {shapes} input, got {input.ndim}D input of "
                             f"shape {tuple(input.shape)}")

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class _BatchNorm(_NormBase):
    """Normalize each channel over the batch (and spatial dims); running statistics are used in eval mode."""

    def forward(self, input):
        """Normalize with batch statistics (training, updating the running ones) or the running statistics."""
        self._check_input(input)
        if input.shape[1] != self.num_features:
            raise ValueError(f"{type(self).__name__}({self.num_features}): expected input with "
                             f"{self.num_features} channels (dim 1), got shape {tuple(input.shape)}")
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            with autograd.no_grad():
                self.num_batches_tracked.add_(1)
            if self.momentum is None:  # cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked.item())
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        track = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if track else None, self.running_var if track else None,
                            self.weight, self.bias, use_batch, factor, self.eps)


class BatchNorm1d(_BatchNorm):
    """Batch normalization of (N, C) or (N, C, L) input."""

    _dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalization of (N, C, H, W) input."""

    _dims = (4,)


class BatchNorm3d(_BatchNorm):
    """Batch normalization of (N, C, D, H, W) input."""

    _dims = (5,)


class _InstanceNorm(_NormBase):
    """Normalize each channel of each sample over its spatial dims."""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False, device=None,
                 dtype=None, *, bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def forward(self, input):
        """Normalize each (sample, channel) over the spatial dims; unbatched input is accepted."""
        self._check_input(input)
        unbatched = input.ndim == self._dims[1]
        cdim = 0 if unbatched else 1
        if input.shape[cdim] != self.num_features:
            if self.affine:
                raise ValueError(f"{type(self).__name__}({self.num_features}): expected input's size at "
                                 f"dim={cdim} to match num_features ({self.num_features}), got shape "
                                 f"{tuple(input.shape)}")
            warnings.warn(f"{type(self).__name__}: input's size at dim={cdim} does not match num_features. You can "
                          "silence this warning by not passing in num_features, which is not used because "
                          "affine=False", stacklevel=2)
        x = input.unsqueeze(0) if unbatched else input
        out = F.instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                              self.training or not self.track_running_stats,
                              self.momentum if self.momentum is not None else 0.0, self.eps)
        return out.squeeze(0) if unbatched else out


class InstanceNorm1d(_InstanceNorm):
    """Instance normalization of (N, C, L) or (C, L) input."""

    _dims = (3, 2)


class InstanceNorm2d(_InstanceNorm):
    """Instance normalization of (N, C, H, W) or (C, H, W) input."""

    _dims = (4, 3)


class InstanceNorm3d(_InstanceNorm):
    """Instance normalization of (N, C, D, H, W) or (C, D, H, W) input."""

    _dims = (5, 4)


def _shape(normalized_shape, layer):
    shape = (normalized_shape,) if isinstance(normalized_shape, numbers.Integral) else tuple(normalized_shape)
    if not shape or any(isinstance(s, bool) or not isinstance(s, numbers.Integral) or s <= 0 for s in shape):
        raise ValueError(f"{layer}: normalized_shape must be a positive int or a tuple of them, got "
                         f"{normalized_shape!r}")
    return tuple(int(s) for s in shape)


def _check_trailing(layer, input, shape, rep):
    if not isinstance(input, autograd.Tensor):
        raise TypeError(f"{layer}: expected a tensor input, got {type(input).__name__}")
    k = len(shape)
    if input.ndim < k or tuple(input.shape[input.ndim - k:]) != shape:
        raise ValueError(f"{layer}({rep}): expected input of shape (*, {', '.join(map(str, shape))}), got "
                         f"{tuple(input.shape)}")


class LayerNorm(Layer):
    """Normalize over the trailing normalized_shape dims; elementwise weight and bias."""

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None, dtype=None):
        super().__init__()
        self.normalized_shape = _shape(normalized_shape, "LayerNorm")
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        _affine_parameters(self, self.normalized_shape, elementwise_affine, bias, device, dtype)
        self.reset_parameters()

    def reset_parameters(self):
        """Weight 1, bias 0."""
        _reset_affine(self)

    def forward(self, input):
        """Apply layer_norm."""
        _check_trailing("LayerNorm", input, self.normalized_shape, self.normalized_shape)
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")


class RMSNorm(Layer):
    """x / sqrt(mean(x^2) + eps) over the trailing normalized_shape dims, times a learned weight."""

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, device=None, dtype=None):
        super().__init__()
        self.normalized_shape = _shape(normalized_shape, "RMSNorm")
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(autograd.empty(self.normalized_shape, device=device, dtype=dtype))
        else:
            self.register_parameter("weight", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Weight 1."""
        _reset_affine(self)

    def forward(self, input):
        """Apply rms_norm."""
        _check_trailing("RMSNorm", input, self.normalized_shape, self.normalized_shape)
        return F.rms_norm(input, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class GroupNorm(Layer):
    """Normalize each sample over groups of channels (and the spatial dims); per-channel weight and bias."""

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None, dtype=None, *, bias=True):
        super().__init__()
        num_groups = _positive_int(num_groups, "num_groups", "GroupNorm")
        num_channels = _positive_int(num_channels, "num_channels", "GroupNorm")
        if num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_channels ({num_channels}) must be divisible by num_groups "
                             f"({num_groups})")
        self.num_groups, self.num_channels = num_groups, num_channels
        self.eps = eps
        self.affine = affine
        _affine_parameters(self, num_channels, affine, bias, device, dtype)
        self.reset_parameters()

    def reset_parameters(self):
        """Weight 1, bias 0."""
        _reset_affine(self)

    def forward(self, input):
        """Apply group_norm."""
        if not isinstance(input, autograd.Tensor):
            raise TypeError(f"GroupNorm: expected a tensor input, got {type(input).__name__}")
        if input.ndim < 2 or input.shape[1] != self.num_channels:
            raise ValueError(f"GroupNorm({self.num_groups}, {self.num_channels}): expected input of shape "
                             f"(N, {self.num_channels}, *), got {tuple(input.shape)}")
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")
