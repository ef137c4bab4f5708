"""Lazy layers: LazyLinear, LazyConv*, LazyConvTranspose*, LazyBatchNorm*, LazyInstanceNorm* infer their sizes."""
import itertools

import numpy as np

import autograd
from autograd import backend

from . import conv, linear, normalization
from .module import Parameter, Tensor, _foreign_array, _pending_loads

__all__ = ["UninitializedParameter", "UninitializedBuffer", "LazyLinear", "LazyConv1d", "LazyConv2d", "LazyConv3d",
           "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d", "LazyBatchNorm1d",
           "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d"]


# ---------------------------------------------------------------------------- placeholders
class UninitializedTensorMixin:
    """A tensor without a shape yet (its data a 0-element array of its dtype and device) until materialize()."""

    __slots__ = ()
    cls_to_become = None

    def materialize(self, shape, device=None, dtype=None):
        """Give it uninitialized data of `shape` (on its device, in its dtype unless told) and make it the class
        cls_to_become, in place: every holder of the object (an optimizer too) sees the new data."""
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        self.array = autograd.empty(*shape, device=self.device if device is None else device,
                                    dtype=self.dtype if dtype is None else dtype).array
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError("Can't access the shape of an uninitialized parameter or buffer: run the lazy layer's "
                           "forward once on a batch (or load_state_dict) to initialize it first")

    def _used(self, *args, **kwargs):
        raise ValueError(f"Attempted to use an uninitialized {'parameter' if self.requires_grad else 'buffer'} "
                         f"({type(self).__name__}); a lazy layer initializes its parameters on its first forward, "
                         "so call forward with a dummy batch first")

    size = numel = dim = __len__ = item = tolist = numpy = _used
    ndim = property(_used)

    def __repr__(self):
        return f"<{type(self).__name__}>"

    def __reduce_ex__(self, protocol):
        return _rebuild, (type(self), self.requires_grad, str(self.device), self.dtype)

    def __deepcopy__(self, memo):
        memo[id(self)] = copy = type(self)(self.requires_grad, self.device, self.dtype)
        return copy


def _rebuild(cls, requires_grad, device, dtype):
    return cls(requires_grad, device, dtype)


def _placeholder(device, dtype):
    return Tensor._make(autograd.empty(0, device=device, dtype=dtype).array, None, 0)


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A parameter whose shape is not known yet; materialize(shape) turns it into a Parameter (lazy layers do)."""

    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        return Parameter.__new__(cls, _placeholder(device, dtype), requires_grad)

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer whose shape is not known yet; materialize(shape) turns it into a Tensor (lazy layers do)."""

    cls_to_become = Tensor

    def __new__(cls, requires_grad=False, device=None, dtype=None, persistent=True):
        b = cls._make(_placeholder(device, dtype).array, None, 0)
        if requires_grad:
            b.requires_grad_(True)
        b.persistent = persistent
        return b

    def __init__(self, requires_grad=False, device=None, dtype=None, persistent=True):
        pass

    def __deepcopy__(self, memo):
        memo[id(self)] = copy = type(self)(self.requires_grad, self.device, self.dtype, self.persistent)
        return copy


def is_lazy(param):
    """Whether param is an UninitializedParameter or UninitializedBuffer."""
    return isinstance(param, UninitializedTensorMixin)


# ---------------------------------------------------------------------------- the mixin
class LazyModuleMixin:
    """Lazy layers: parameters stay uninitialized until the first forward (or a load_state_dict) gives their sizes;
    the forward then makes the layer an instance of cls_to_become (LazyLinear becomes Linear)."""

    cls_to_become = None
    _lazy_attr = None  # the size the input gives: in_features, in_channels or num_features

    def _lazy_start(self, placeholders):
        """Swap in the uninitialized parameters and buffers and arm the hook that initializes them."""
        setattr(self, self._lazy_attr, 0)
        for name, make in placeholders.items():
            if getattr(self, name) is not None:
                setattr(self, name, make)
        self.register_forward_pre_hook(self._infer_parameters, with_kwargs=True)

    def _lazy_entries(self):
        return [(n, t) for n, t in itertools.chain(self._parameters.items(), self._buffers.items()) if is_lazy(t)]

    def has_uninitialized_params(self):
        """Whether a parameter or buffer of this layer is still uninitialized."""
        return bool(self._lazy_entries())

    def initialize_parameters(self, input, *args, **kwargs):
        """Give the uninitialized parameters and buffers their shapes from input (then reset them), once."""
        if not self.has_uninitialized_params() and getattr(self, self._lazy_attr):
            return
        size = self._size_of(input)
        shapes = self._lazy_shapes(size)  # every check first: an error leaves the layer as it was
        with autograd.no_grad():
            setattr(self, self._lazy_attr, size)
            for name, t in self._lazy_entries():
                t.materialize(shapes[name])
            self.reset_parameters()

    def reset_parameters(self):
        """The class's initialization, once the sizes are known (a no-op before)."""
        if not self.has_uninitialized_params() and getattr(self, self._lazy_attr):
            super().reset_parameters()

    def _infer_parameters(self, module, args, kwargs=None):
        """The forward pre-hook: initialize from the first input, then become cls_to_become."""
        self.initialize_parameters(*args, **(kwargs or {}))
        if self.has_uninitialized_params():
            raise RuntimeError(f"module {self._get_name()} has not been fully initialized")
        for key, hook in list(self._forward_pre_hooks.items()):
            if getattr(hook, "__func__", None) is LazyModuleMixin._infer_parameters and hook.__self__ is self:
                del self._forward_pre_hooks[key]
                self._forward_pre_hooks_with_kwargs.pop(key, None)
        self.__class__ = self.cls_to_become

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        super()._save_to_state_dict(destination, prefix, keep_vars)
        for name, t in self._lazy_entries():
            if prefix + name in destination:
                destination[prefix + name] = t  # the placeholder itself, as PyTorch keeps it

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        """Uninitialized entries that the state dict gives take its shapes (and the layer its size) when the whole
        load succeeds; the rest loads as usual. An entry of the state dict that is itself uninitialized is skipped."""
        given = {n: t for n, t in self._lazy_entries() if prefix + n in state_dict}
        skip = {prefix + n for n in given}
        loaded = {}
        for name, target in given.items():
            key = prefix + name
            value = state_dict[key]
            if is_lazy(value):
                continue
            arr, why = (value.array, "") if isinstance(value, Tensor) else \
                (value, "") if isinstance(value, np.ndarray) or type(value) in backend._modules else \
                _foreign_array(value)
            if arr is None:
                error_msgs.append(f'While copying the parameter named "{key}", expected Tensor or Tensor-like object '
                                  f"from checkpoint but received {type(value).__name__}{why}")
                continue
            loaded[name] = backend.to_device(arr, target.device).astype(target.dtype, copy=True)
        size = next((s for s in (self._size_from(n, tuple(a.shape)) for n, a in loaded.items()) if s), None)
        if loaded:
            try:
                want = self._lazy_shapes(size) if size else {}
            except ValueError as err:
                want, size = {}, None
                error_msgs.append(f"{self._get_name()}: the loaded shapes do not fit: {err}")
            for name, arr in loaded.items():
                if want.get(name) != tuple(arr.shape):
                    error_msgs.append(f"size mismatch for {prefix + name}: copying a param with shape "
                                      f"{tuple(arr.shape)} from checkpoint into uninitialized {self._get_name()}"
                                      + (f", which needs {want[name]} for {self._lazy_attr}={size}." if name in want
                                         else f", whose {self._lazy_attr} it does not determine."))
        rest = {k: v for k, v in state_dict.items() if k not in skip}
        count = len(missing_keys)
        super()._load_from_state_dict(rest, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)
        missing_keys[count:] = [k for k in missing_keys[count:] if k not in skip]
        if loaded:
            pending = _pending_loads.get()  # the copies of a running load_state_dict
            if pending is None:
                self._materialize_loaded((size, loaded))
            else:
                pending.append((self._materialize_loaded, (size, loaded)))

    def _materialize_loaded(self, size_and_arrays):
        size, arrays = size_and_arrays
        for name, arr in arrays.items():
            t = getattr(self, name)
            t.materialize(arr.shape)
            t.array[...] = arr
        setattr(self, self._lazy_attr, size)


def _quiet(build):
    """Run a constructor on placeholder sizes without drawing from the default generator."""
    with autograd.random.fork_rng():
        build()


# ---------------------------------------------------------------------------- linear
class LazyLinear(LazyModuleMixin, linear.Linear):
    """Linear whose in_features is taken from the first input's last dim."""

    cls_to_become = linear.Linear
    _lazy_attr = "in_features"

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        _quiet(lambda: linear.Linear.__init__(self, 1, out_features, bias, device, dtype))
        self._lazy_start({"weight": UninitializedParameter(device=device, dtype=dtype),
                          "bias": UninitializedParameter(device=device, dtype=dtype)})

    def _size_of(self, input):
        if not isinstance(input, Tensor):
            raise TypeError(f"{self._get_name()}: expected a tensor input, got {type(input).__name__}")
        if input.ndim == 0:
            raise RuntimeError(f"{self._get_name()}: expected an input of shape (*, in_features), got a 0-d tensor")
        return input.shape[-1]

    def _lazy_shapes(self, size):
        return {"weight": (self.out_features, size), "bias": (self.out_features,)}

    def _size_from(self, name, shape):
        return shape[1] if name == "weight" and len(shape) == 2 else None


# ---------------------------------------------------------------------------- convolutions
class _LazyConvMixin(LazyModuleMixin):
    _lazy_attr = "in_channels"

    def _conv_start(self, device, dtype):
        self._lazy_start({"weight": UninitializedParameter(device=device, dtype=dtype),
                          "bias": UninitializedParameter(device=device, dtype=dtype)})

    def _size_of(self, input):
        nd = self._nd
        if not isinstance(input, Tensor):
            raise TypeError(f"{self._get_name()}: expected a tensor input, got {type(input).__name__}")
        if input.ndim not in (nd + 1, nd + 2):
            raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {self._get_name()}, "
                               f"but got input of shape {tuple(input.shape)}")
        return input.shape[0] if input.ndim == nd + 1 else input.shape[1]

    def _lazy_shapes(self, size):
        if size % self.groups:
            raise ValueError(f"{self._get_name()}: in_channels ({size}, from the input) must be divisible by groups "
                             f"({self.groups})")
        lead = (size, self.out_channels // self.groups) if self.transposed else (self.out_channels,
                                                                                 size // self.groups)
        return {"weight": lead + self.kernel_size, "bias": (self.out_channels,)}

    def _size_from(self, name, shape):
        if name != "weight" or len(shape) != self._nd + 2:
            return None
        return shape[0] if self.transposed else shape[1] * self.groups


def _lazy_conv(base, doc):
    """The lazy class of a convolution layer `base` (PyTorch's signature without in_channels)."""

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        _quiet(lambda: base.__init__(self, groups, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                                     padding_mode, device, dtype))
        self._conv_start(device, dtype)

    def __init_transposed__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                            bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        _quiet(lambda: base.__init__(self, groups, out_channels, kernel_size, stride, padding, output_padding, groups,
                                     bias, dilation, padding_mode, device, dtype))
        self._conv_start(device, dtype)

    init = __init_transposed__ if base._transposed else __init__
    init.__name__ = "__init__"
    return type(f"Lazy{base.__name__}", (_LazyConvMixin, base),
                {"__init__": init, "cls_to_become": base, "__doc__": doc, "__module__": __name__})


LazyConv1d = _lazy_conv(conv.Conv1d, "Conv1d whose in_channels is taken from the first input.")
LazyConv2d = _lazy_conv(conv.Conv2d, "Conv2d whose in_channels is taken from the first input.")
LazyConv3d = _lazy_conv(conv.Conv3d, "Conv3d whose in_channels is taken from the first input.")
LazyConvTranspose1d = _lazy_conv(conv.ConvTranspose1d, "ConvTranspose1d whose in_channels is taken from the first "
                                                       "input.")
LazyConvTranspose2d = _lazy_conv(conv.ConvTranspose2d, "ConvTranspose2d whose in_channels is taken from the first "
                                                       "input.")
LazyConvTranspose3d = _lazy_conv(conv.ConvTranspose3d, "ConvTranspose3d whose in_channels is taken from the first "
                                                       "input.")


# ---------------------------------------------------------------------------- normalization
class _LazyNormMixin(LazyModuleMixin):
    _lazy_attr = "num_features"

    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None, *,
                 bias=True):
        base = self.cls_to_become
        _quiet(lambda: base.__init__(self, 1, eps, momentum, affine, track_running_stats, device, dtype, bias=bias))
        self._lazy_start({name: make(device=device, dtype=dtype) for name, make in (
            ("weight", UninitializedParameter), ("bias", UninitializedParameter),
            ("running_mean", UninitializedBuffer), ("running_var", UninitializedBuffer))})

    def _size_of(self, input):
        self._check_input(input)
        unbatched = isinstance(self, normalization._InstanceNorm) and input.ndim == self._dims[1]
        return input.shape[0] if unbatched else input.shape[1]

    def _lazy_shapes(self, size):
        return {name: (size,) for name in ("weight", "bias", "running_mean", "running_var")}

    def _size_from(self, name, shape):
        return shape[0] if len(shape) == 1 else None


def _lazy_norm(base, doc):
    return type(f"Lazy{base.__name__}", (_LazyNormMixin, base),
                {"cls_to_become": base, "__doc__": doc, "__module__": __name__})


LazyBatchNorm1d = _lazy_norm(normalization.BatchNorm1d, "BatchNorm1d whose num_features is taken from the first input.")
LazyBatchNorm2d = _lazy_norm(normalization.BatchNorm2d, "BatchNorm2d whose num_features is taken from the first input.")
LazyBatchNorm3d = _lazy_norm(normalization.BatchNorm3d, "BatchNorm3d whose num_features is taken from the first input.")
LazyInstanceNorm1d = _lazy_norm(normalization.InstanceNorm1d, "InstanceNorm1d whose num_features is taken from the "
                                                              "first input (affine and tracking by default).")
LazyInstanceNorm2d = _lazy_norm(normalization.InstanceNorm2d, "InstanceNorm2d whose num_features is taken from the "
                                                              "first input (affine and tracking by default).")
LazyInstanceNorm3d = _lazy_norm(normalization.InstanceNorm3d, "InstanceNorm3d whose num_features is taken from the "
                                                              "first input (affine and tracking by default).")
