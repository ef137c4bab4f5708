"""Layer (PyTorch's Module, also exported as Module) and Parameter: registration, traversal, state, hooks."""
import contextvars
import html
import itertools
import warnings
import weakref
from collections import OrderedDict, namedtuple
from collections.abc import Mapping

import numpy as np

import autograd
from autograd import backend, dtypes
from autograd.ops.inplace import bump

from .backward_hooks import BackwardHook

__all__ = ["Parameter", "Buffer", "Layer", "Module", "RemovableHandle"]

Tensor = autograd.Tensor


# ---------------------------------------------------------------------------- Parameter
class Parameter(Tensor):
    """A Tensor that a Layer registers as one of its parameters; requires grad unless told otherwise."""

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            arr = np.empty((0,), dtype=dtypes.get_default_dtype())
        elif isinstance(data, Tensor):
            if data.grad_fn is not None:
                data = data.detach()
            arr = data.array  # shared, as in PyTorch
        else:
            arr = autograd.tensor(data).array
        p = cls._make(arr, None, 0)
        if requires_grad:
            p.requires_grad_(True)
        return p

    def __init__(self, data=None, requires_grad=True):
        pass  # everything happened in __new__ (Tensor.__init__ would copy the data)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (backend.to_device(self.array, "cpu"), str(self.device), self.requires_grad))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        p = type(self)(Tensor._make(self.array.copy(), None, 0), self.requires_grad)
        if self.grad is not None:
            p.grad = Tensor._make(self.grad.array.copy(), None, 0)
        memo[id(self)] = p
        return p


def _rebuild_parameter(data, device, requires_grad):
    return Parameter(Tensor._make(backend.to_device(data, device), None, 0), requires_grad)


class Buffer(Tensor):
    """Marks a tensor to be registered as a buffer when assigned to a Layer attribute (nn.Buffer)."""

    def __new__(cls, data=None, *, persistent=True):
        arr = data.array if isinstance(data, Tensor) else autograd.tensor(
            np.empty((0,), dtype=dtypes.get_default_dtype()) if data is None else data).array
        b = cls._make(arr, None, 0)
        b.persistent = persistent
        return b

    def __init__(self, data=None, *, persistent=True):
        pass


# ---------------------------------------------------------------------------- hook handles
def _weak_dict(d):
    """A weak reference to a hook dict (an OrderedDict; a plain dict takes none and is held strongly)."""
    try:
        return weakref.ref(d)
    except TypeError:
        return lambda: d


class RemovableHandle:
    """Returned by register_*_hook: remove() takes the hook off; also a context manager.

    It refers to the layer's hook dicts weakly, as PyTorch's handle does: a kept handle keeps neither the layer nor
    its hooks alive, and remove() once the layer is gone does nothing.
    """

    _ids = itertools.count()

    def __init__(self, *hook_dicts, extra_dict=None):
        extra = () if extra_dict is None else tuple(extra_dict) if isinstance(extra_dict, (list, tuple)) \
            else (extra_dict,)
        self._dict_refs = tuple(_weak_dict(d) for d in hook_dicts + extra)
        self.id = next(RemovableHandle._ids)

    def remove(self):
        """Remove the hook (a no-op when it is gone already, or its layer is)."""
        for ref in self._dict_refs:
            d = ref()
            if d is not None:
                d.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def register_module_full_backward_pre_hook(hook):
    """Register hook(module, grad_output) as a full backward pre-hook of every layer (before the layer's own)."""
    handle = RemovableHandle(_global_backward_pre_hooks)
    _global_backward_pre_hooks[handle.id] = hook
    _backward_hooks_seen[:] = [True]
    return handle


def register_module_full_backward_hook(hook):
    """Register hook(module, grad_input, grad_output) as a full backward hook of every layer (before its own)."""
    handle = RemovableHandle(_global_backward_hooks)
    _global_backward_hooks[handle.id] = hook
    _backward_hooks_seen[:] = [True]
    return handle


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """load_state_dict's result: the keys missing from and the keys unexpected in the state dict."""

    __slots__ = ()

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def _addindent(s, num_spaces):
    lines = s.split("\n")
    if len(lines) == 1:
        return s
    first = lines.pop(0)
    return first + "\n" + "\n".join(num_spaces * " " + line for line in lines)


# a layer's hook dicts (OrderedDicts, which hook handles refer to weakly)
_HOOK_DICTS = ("_forward_hooks", "_forward_hooks_with_kwargs", "_forward_hooks_always_called", "_forward_pre_hooks",
               "_forward_pre_hooks_with_kwargs", "_backward_hooks", "_backward_pre_hooks", "_state_dict_pre_hooks",
               "_state_dict_hooks", "_load_state_dict_pre_hooks", "_load_state_dict_post_hooks")
# full backward hooks (and pre-hooks) of every layer, run before each layer's own
_global_backward_hooks = OrderedDict()
_global_backward_pre_hooks = OrderedDict()
# becomes true at the first backward hook registered anywhere: until then __call__ looks at no backward-hook dict
_backward_hooks_seen = []
# the copies a load_state_dict call has validated and will apply once every check has passed
_pending_loads = contextvars.ContextVar("tapegrad_pending_loads", default=None)


def _parse_to(args, kwargs):
    """(device, dtype) from the arguments of to(device), to(dtype), to(device, dtype), to(tensor)."""
    device = kwargs.pop("device", None)
    dtype = kwargs.pop("dtype", None)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
    for a in args:
        if isinstance(a, Tensor):
            device, dtype = a.device, a.dtype
        elif isinstance(a, (str, backend.device)):
            device = a
        elif isinstance(a, bool):  # to(device, dtype, non_blocking)
            continue
        else:
            dtype = a
    if device is not None:
        device = backend.device(device)
        if device.type == "cuda":
            backend.module_for(device)  # a clear error when CUDA is unusable, before anything moves
    dtype = dtypes.as_dtype(dtype)
    if dtype is not None and dtype not in dtypes.FLOATS:
        raise TypeError(f"Layer.to only accepts floating point dtypes, but got desired dtype={dtype}")
    return device, dtype


# ---------------------------------------------------------------------------- Layer
class Layer:
    """Base class of all layers (PyTorch's nn.Module): subclass it, call super().__init__(), define forward."""

    dump_patches = False
    _version = 1
    training: bool

    def __init__(self, *args, **kwargs):
        if args or kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() got unexpected arguments: Layer.__init__ takes "
                            "none (call super().__init__() with no arguments)")
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = {}
        d["_buffers"] = {}
        d["_non_persistent_buffers_set"] = set()
        d["_modules"] = {}
        for name in _HOOK_DICTS:  # OrderedDicts (as in PyTorch): hook handles refer to them weakly
            d[name] = OrderedDict()

    def forward(self, *args, **kwargs):
        """The computation of this layer; subclasses define it."""
        raise NotImplementedError(f'Layer [{type(self).__name__}] is missing the required "forward" function')

    # ----------------------------------------------------------------- registration
    def _check_name(self, name, kind):
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string, got {type(name).__name__}")
        if "." in name:
            raise KeyError(f'{kind} name can\'t contain ".", got: {name}')
        if name == "":
            raise KeyError(f'{kind} name can\'t be empty string ""')

    def register_parameter(self, name, param):
        """Add a parameter (a Parameter or None) under `name`."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Layer.__init__() call")
        self._check_name(name, "parameter")
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is None:
            self._parameters[name] = None
            return
        if not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{type(param).__name__}' object to parameter '{name}' "
                            "(nn.Parameter or None required)")
        if param.grad_fn is not None:
            raise ValueError(f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be "
                             f"created explicitly. To express '{name}' as a function of another Tensor, compute "
                             "the value in the forward() method.")
        self._parameters[name] = param

    def register_buffer(self, name, tensor, persistent=True):
        """Add a buffer (state that is not a parameter, e.g. running statistics) under `name`."""
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Layer.__init__() call")
        self._check_name(name, "buffer")
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' "
                            "(Tensor or None required)")
        if isinstance(tensor, Buffer):
            persistent = tensor.persistent
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name, module):
        """Add a child layer (or None) under `name`."""
        if module is not None and not isinstance(module, Layer):
            raise TypeError(f"{type(module).__name__} is not a Layer subclass")
        self._check_name(name, "module")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        self._modules[name] = module

    register_module = add_module

    def __setattr__(self, name, value):
        d = self.__dict__

        def remove_from(*dicts_or_sets):
            for s in dicts_or_sets:
                if name in s:
                    if isinstance(s, dict):
                        del s[name]
                    else:
                        s.discard(name)

        params = d.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Layer.__init__() call")
            remove_from(d, self._buffers, self._modules, self._non_persistent_buffers_set)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as parameter '{name}' "
                                "(nn.Parameter or None expected)")
            self.register_parameter(name, value)
        else:
            modules = d.get("_modules")
            if isinstance(value, Layer):
                if modules is None:
                    raise AttributeError("cannot assign module before Layer.__init__() call")
                remove_from(d, self._parameters, self._buffers, self._non_persistent_buffers_set)
                modules[name] = value
            elif modules is not None and name in modules:
                if value is not None:
                    raise TypeError(f"cannot assign '{type(value).__name__}' as child module '{name}' "
                                    "(nn.Module or None expected)")
                modules[name] = value
            else:
                buffers = d.get("_buffers")
                if isinstance(value, Buffer) or (buffers is not None and name in buffers):
                    if value is not None and not isinstance(value, Tensor):
                        raise TypeError(f"cannot assign '{type(value).__name__}' as buffer '{name}' "
                                        "(Tensor or None expected)")
                    if isinstance(value, Buffer):
                        persistent = value.persistent
                    else:
                        persistent = name not in self._non_persistent_buffers_set
                    remove_from(d, self._parameters, self._modules)
                    self.register_buffer(name, value, persistent)
                else:
                    object.__setattr__(self, name, value)

    def __getattr__(self, name):
        d = self.__dict__
        for key in ("_parameters", "_buffers", "_modules"):
            store = d.get(key)
            if store is not None and name in store:
                return store[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        if name in self._parameters:
            del self._parameters[name]
        elif name in self._buffers:
            del self._buffers[name]
            self._non_persistent_buffers_set.discard(name)
        elif name in self._modules:
            del self._modules[name]
        else:
            object.__delattr__(self, name)

    def __dir__(self):
        keys = list(object.__dir__(self)) + list(self._parameters) + list(self._modules) + list(self._buffers)
        return sorted(k for k in set(keys) if not k[0].isdigit())

    def __setstate__(self, state):
        self.__dict__.update(state)
        d = self.__dict__
        for name in _HOOK_DICTS:
            if type(d.get(name)) is dict:  # pickled by an older version: make it take weak references
                d[name] = OrderedDict(d[name])
            elif name not in d:  # pickled before this kind of hook existed
                d[name] = OrderedDict()
        if d["_backward_hooks"] or d["_backward_pre_hooks"]:  # (a fresh process has seen no backward hook yet)
            _backward_hooks_seen[:] = [True]

    # ----------------------------------------------------------------- lookup
    def get_submodule(self, target):
        """The sub-layer at a dotted path such as 'net.0'; '' is this layer."""
        if target == "":
            return self
        mod = self
        for item in target.split("."):
            if not hasattr(mod, item):
                raise AttributeError(f"{mod._get_name()} has no attribute `{item}`")
            mod = getattr(mod, item)
            if not isinstance(mod, Layer):
                raise AttributeError(f"`{item}` is not an nn.Module")
        return mod

    def get_parameter(self, target):
        """The parameter at a dotted path such as 'net.0.weight'."""
        module_path, _, name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if not hasattr(mod, name):
            raise AttributeError(f"{mod._get_name()} has no attribute `{name}`")
        param = getattr(mod, name)
        if not isinstance(param, Parameter):
            raise AttributeError(f"`{name}` is not an nn.Parameter")
        return param

    def get_buffer(self, target):
        """The buffer at a dotted path such as 'bn.running_mean'."""
        module_path, _, name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if name not in mod._buffers:
            raise AttributeError(f"`{name}` is not a buffer of {mod._get_name()}")
        return mod._buffers[name]

    # ----------------------------------------------------------------- traversal
    def _named_members(self, get_members, prefix="", recurse=True, remove_duplicate=True):
        memo = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else \
            [(prefix, self)]
        for module_prefix, module in modules:
            for k, v in get_members(module):
                if v is None or id(v) in memo:
                    continue
                if remove_duplicate:
                    memo.add(id(v))
                yield (module_prefix + ("." if module_prefix else "") + k), v

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """(name, parameter) pairs in registration order, each shared parameter once."""
        yield from self._named_members(lambda m: m._parameters.items(), prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        """The parameters, in registration order, each shared parameter once."""
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        """(name, buffer) pairs in registration order."""
        yield from self._named_members(lambda m: m._buffers.items(), prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        """The buffers, in registration order."""
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def named_children(self):
        """(name, layer) pairs of the direct children."""
        memo = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in memo:
                memo.add(id(module))
                yield name, module

    def children(self):
        """The direct child layers."""
        for _, module in self.named_children():
            yield module

    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """(dotted name, layer) pairs for this layer and every layer below it, depth first."""
        if memo is None:
            memo = set()
        if id(self) in memo:
            return
        if remove_duplicate:
            memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            if module is None:
                continue
            sub = prefix + ("." if prefix else "") + name
            yield from module.named_modules(memo, sub, remove_duplicate)

    def modules(self):
        """This layer and every layer below it."""
        for _, module in self.named_modules():
            yield module

    def num_parameters(self, only_trainable=False):
        """How many numbers the (distinct) parameters hold."""
        return sum(p.numel() for p in self.parameters() if p.requires_grad or not only_trainable)

    # ----------------------------------------------------------------- modes
    def train(self, mode=True):
        """Set training mode (True) or evaluation mode (False) here and in every sub-layer."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self):
        """Evaluation mode: train(False)."""
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        """Set requires_grad on every parameter (e.g. False to freeze the layer)."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        """Reset the gradients of all parameters (to None by default, else to zeros in place)."""
        for p in self.parameters():
            if p.grad is None:
                continue
            if set_to_none:
                p.grad = None
            else:
                g = p.grad
                if g.grad_fn is not None:
                    g.detach_()
                else:
                    g.requires_grad = False
                g.array[...] = 0
                bump(g)

    def share_memory(self):
        """A no-op kept for PyTorch compatibility."""
        return self

    # ----------------------------------------------------------------- device / dtype
    def _convert_all(self, device=None, dtype=None, floats_only=True):
        # convert everything first, then swap it in: an error leaves the layer unchanged
        targets = []
        for m in self.modules():
            for p in m._parameters.values():
                if p is not None:
                    targets.append(p)
                    if p.grad is not None:
                        targets.append(p.grad)
            targets += [b for b in m._buffers.values() if b is not None]
        new = {}
        for t in targets:
            if id(t) in new:
                continue
            arr = t.array
            if dtype is not None and arr.dtype != dtype and (arr.dtype in dtypes.FLOATS or not floats_only):
                arr = arr.astype(dtype)
            if device is not None and backend.device_of(arr) != device:
                arr = backend.to_device(arr, device)
            new[id(t)] = arr
        for t in targets:
            t.array = new[id(t)]
        return self

    def to(self, *args, **kwargs):
        """Move and/or cast the parameters and buffers in place: to(device), to(dtype), to(device, dtype)."""
        device, dtype = _parse_to(args, dict(kwargs))
        return self._convert_all(device, dtype)

    def cpu(self):
        """Move every parameter and buffer to the CPU."""
        return self.to("cpu")

    def cuda(self, device=None):
        """Move every parameter and buffer to a GPU."""
        return self.to("cuda" if device is None else (f"cuda:{device}" if isinstance(device, int) else device))

    def float(self):
        """Cast floating parameters and buffers to float32."""
        return self._convert_all(dtype=dtypes.float32)

    def double(self):
        """Cast floating parameters and buffers to float64."""
        return self._convert_all(dtype=dtypes.float64)

    def half(self):
        """Cast floating parameters and buffers to float16."""
        return self._convert_all(dtype=dtypes.float16)

    def bfloat16(self):
        """Cast floating parameters and buffers to bfloat16 (needs ml_dtypes)."""
        if not dtypes.HAS_BFLOAT16:
            raise TypeError("bfloat16 needs the ml_dtypes package: pip install ml_dtypes")
        return self._convert_all(dtype=dtypes.bfloat16)

    def type(self, dst_type):
        """Cast every parameter and buffer (floating or not) to dst_type."""
        return self._convert_all(dtype=dtypes.as_dtype(dst_type), floats_only=False)

    def apply(self, fn):
        """Call fn(layer) on every sub-layer (children first) and then on this layer."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # ----------------------------------------------------------------- calling and hooks
    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        """hook(layer, args) runs before forward; a non-None result replaces args (a non-tuple is wrapped)."""
        handle = RemovableHandle(self._forward_pre_hooks, extra_dict=self._forward_pre_hooks_with_kwargs)
        self._forward_pre_hooks[handle.id] = hook
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs[handle.id] = True
        if prepend:
            self._forward_pre_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False, always_call=False):
        """hook(layer, args, output) runs after forward; a non-None result replaces the output."""
        handle = RemovableHandle(self._forward_hooks, self._forward_hooks_with_kwargs,
                                 extra_dict=self._forward_hooks_always_called)
        self._forward_hooks[handle.id] = hook
        if with_kwargs:
            self._forward_hooks_with_kwargs[handle.id] = True
        if always_call:
            self._forward_hooks_always_called[handle.id] = True
        if prepend:
            self._forward_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_full_backward_pre_hook(self, hook, prepend=False):
        """hook(layer, grad_output) runs when the gradients of the outputs are known; a non-None result (a tuple
        as long as grad_output) replaces them."""
        handle = RemovableHandle(self._backward_pre_hooks)
        self._backward_pre_hooks[handle.id] = hook
        _backward_hooks_seen[:] = [True]
        if prepend:
            self._backward_pre_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_full_backward_hook(self, hook, prepend=False):
        """hook(layer, grad_input, grad_output) runs once per backward, when the gradients of the positional tensor
        inputs are known; a non-None result (a tuple as long as grad_input) replaces them."""
        handle = RemovableHandle(self._backward_hooks)
        self._backward_hooks[handle.id] = hook
        _backward_hooks_seen[:] = [True]
        if prepend:
            self._backward_hooks.move_to_end(handle.id, last=False)
        return handle

    def __call__(self, *args, **kwargs):
        if not (self._forward_pre_hooks or self._forward_hooks or _backward_hooks_seen and (
                self._backward_hooks or self._backward_pre_hooks or _global_backward_hooks
                or _global_backward_pre_hooks)):
            return self.forward(*args, **kwargs)
        return self._call_with_hooks(args, kwargs)

    def _call_with_hooks(self, args, kwargs):
        for hook_id, hook in list(self._forward_pre_hooks.items()):
            if hook_id in self._forward_pre_hooks_with_kwargs:
                res = hook(self, args, kwargs)
                if res is not None:
                    if not (isinstance(res, tuple) and len(res) == 2):
                        raise RuntimeError("forward pre-hook must return None or a tuple of (new_args, "
                                           f"new_kwargs), but got {res}")
                    args, kwargs = res
            else:
                res = hook(self, args)
                if res is not None:
                    args = res if isinstance(res, tuple) else (res,)
        bw_hook = None
        if self._backward_hooks or self._backward_pre_hooks or _global_backward_hooks or _global_backward_pre_hooks:
            bw_hook = BackwardHook(self, [*_global_backward_hooks.values(), *self._backward_hooks.values()],
                                   [*_global_backward_pre_hooks.values(), *self._backward_pre_hooks.values()])
            args = bw_hook.setup_input_hook(args)
        called = False
        try:
            result = self.forward(*args, **kwargs)
            for hook_id, hook in list(self._forward_hooks.items()):
                if hook_id in self._forward_hooks_always_called:
                    called = True
                if hook_id in self._forward_hooks_with_kwargs:
                    res = hook(self, args, kwargs, result)
                else:
                    res = hook(self, args, result)
                if res is not None:
                    result = res
        except Exception:
            if not called:
                for hook_id, hook in list(self._forward_hooks.items()):
                    if hook_id in self._forward_hooks_always_called:
                        try:
                            if hook_id in self._forward_hooks_with_kwargs:
                                hook(self, args, kwargs, None)
                            else:
                                hook(self, args, None)
                        except Exception:
                            pass
            raise
        if bw_hook is not None:
            if not isinstance(result, (Tensor, tuple)):
                warnings.warn("For backward hooks to be called, module output should be a Tensor or a tuple of "
                              f"Tensors but received {type(result)}", stacklevel=3)
            result = bw_hook.setup_output_hook(result)
        return result

    # ----------------------------------------------------------------- state dict
    def _save_to_state_dict(self, destination, prefix, keep_vars):
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if keep_vars else buf.detach()
        if type(self).get_extra_state is not Layer.get_extra_state:
            destination[prefix + "_extra_state"] = self.get_extra_state()

    def state_dict(self, *args, destination=None, prefix="", keep_vars=False):
        """An OrderedDict of parameters and persistent buffers under dotted keys ('0.weight'), detached."""
        if args:  # the deprecated positional form state_dict(destination, prefix, keep_vars)
            destination = args[0]
            if len(args) > 1:
                prefix = args[1]
            if len(args) > 2:
                keep_vars = args[2]
        if destination is None:
            destination = OrderedDict()
            destination._metadata = OrderedDict()
        metadata = getattr(destination, "_metadata", None)
        for hook in self._state_dict_pre_hooks.values():
            hook(self, prefix, keep_vars)
        local_metadata = {"version": self._version}
        if metadata is not None:
            metadata[prefix[:-1]] = local_metadata
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars)
        for hook in self._state_dict_hooks.values():
            if hook(self, destination, prefix, local_metadata) is not None:
                raise RuntimeError("state_dict post-hook must return None; change the state dict it is given in "
                                   "place instead")
        return destination

    def register_state_dict_pre_hook(self, hook):
        """Call hook(module, prefix, keep_vars) before this layer's state_dict() gathers its entries."""
        handle = RemovableHandle(self._state_dict_pre_hooks)
        self._state_dict_pre_hooks[handle.id] = hook
        return handle

    def register_state_dict_post_hook(self, hook):
        """Call hook(module, state_dict, prefix, local_metadata) once this layer's entries (and its children's) are
        in; it changes state_dict in place and returns None."""
        handle = RemovableHandle(self._state_dict_hooks)
        self._state_dict_hooks[handle.id] = hook
        return handle

    def register_load_state_dict_pre_hook(self, hook):
        """Call hook(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)
        before this layer checks its entries in load_state_dict (it may rename or convert them in place)."""
        handle = RemovableHandle(self._load_state_dict_pre_hooks)
        self._load_state_dict_pre_hooks[handle.id] = hook
        return handle

    def register_load_state_dict_post_hook(self, hook):
        """Call hook(module, incompatible_keys) after load_state_dict has checked every entry and before it
        raises for them: clearing keys from incompatible_keys.missing_keys / .unexpected_keys forgives them."""
        handle = RemovableHandle(self._load_state_dict_post_hooks)
        self._load_state_dict_post_hooks[handle.id] = hook
        return handle

    def get_extra_state(self):
        """Extra (non-tensor) state to put in the state dict; define it together with set_extra_state."""
        raise RuntimeError("Reached a code path in Layer.get_extra_state() that should never be called; "
                           "define get_extra_state() in your layer")

    def set_extra_state(self, state):
        """Restore what get_extra_state returned."""
        raise RuntimeError("Reached a code path in Layer.set_extra_state() that should never be called; "
                           "define set_extra_state() in your layer")

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        """Check this layer's own entries of state_dict; the copies run once the whole load has passed."""
        pending = _pending_loads.get()
        local = {k: v for k, v in itertools.chain(self._parameters.items(), self._buffers.items())
                 if v is not None and not (k in self._buffers and k in self._non_persistent_buffers_set)}
        for name, target in local.items():
            key = prefix + name
            if key not in state_dict:
                if strict:
                    missing_keys.append(key)
                continue
            value = state_dict[key]
            if isinstance(value, Tensor):
                arr = value.array
            elif isinstance(value, np.ndarray) or type(value) in backend._modules:
                arr = value
            else:
                arr, why = _foreign_array(value)
                if arr is None:
                    error_msgs.append(f'While copying the parameter named "{key}", expected Tensor or Tensor-like '
                                      f"object from checkpoint but received {_type_name(value)}{why}")
                    continue
            if tuple(arr.shape) != tuple(target.shape):
                error_msgs.append(f"size mismatch for {key}: copying a param with shape {tuple(arr.shape)} from "
                                  f"checkpoint, the shape in current model is {tuple(target.shape)}.")
                continue
            try:
                arr = backend.to_device(arr, target.device)
                if arr.dtype != target.dtype:
                    arr = arr.astype(target.dtype)
            except Exception as err:  # noqa: BLE001 (reported with the key, nothing copied)
                error_msgs.append(f'While copying the parameter named "{key}", whose dimensions in the model are '
                                  f"{tuple(target.shape)} and whose dimensions in the checkpoint are "
                                  f"{tuple(arr.shape)}, an exception occurred : {err}.")
                continue
            if pending is None:
                _copy_into(target, arr)
            else:
                pending.append((target, arr))
        extra_key = prefix + "_extra_state"
        if type(self).set_extra_state is not Layer.set_extra_state:
            if extra_key in state_dict:
                if pending is None:
                    self.set_extra_state(state_dict[extra_key])
                else:
                    pending.append((self.set_extra_state, state_dict[extra_key]))
            elif strict:
                missing_keys.append(extra_key)
        elif strict and extra_key in state_dict:
            unexpected_keys.append(extra_key)
        if strict:
            for key in state_dict:
                if key.startswith(prefix) and key != extra_key:
                    first = key[len(prefix):].split(".", 1)[0]
                    if first not in self._modules and first not in local:
                        unexpected_keys.append(key)

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copy parameters and buffers from state_dict; on any error raise naming the keys and change nothing."""
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict).__name__}.")
        missing_keys, unexpected_keys, error_msgs = [], [], []
        metadata = getattr(state_dict, "_metadata", None)
        state_dict = OrderedDict(state_dict)
        if metadata is not None:
            state_dict._metadata = metadata
        pending, visited = [], []
        token = _pending_loads.set(pending)
        try:
            # a walk with a stack, in the order of a recursive one (a recursive closure would refer to itself: a
            # reference cycle per call, keeping the loaded values alive until the next gc pass)
            stack = [(self, "")]
            while stack:
                module, prefix = stack.pop()
                local_metadata = {} if metadata is None else metadata.get(prefix[:-1], {})
                for hook in module._load_state_dict_pre_hooks.values():
                    hook(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                         error_msgs)
                module._load_from_state_dict(state_dict, prefix, local_metadata, True, missing_keys,
                                             unexpected_keys, error_msgs)
                visited.append(module)
                stack.extend((child, prefix + name + ".") for name, child in reversed(module._modules.items())
                             if child is not None)
        finally:
            _pending_loads.reset(token)
        incompatible = _IncompatibleKeys(missing_keys, unexpected_keys)
        for module in reversed(visited):  # children before their parents, as a recursive load finishes them
            for hook in module._load_state_dict_post_hooks.values():
                if hook(module, incompatible) is not None:
                    raise AssertionError("Hooks registered with ``register_load_state_dict_post_hook`` are not "
                                         "expected to return new values, if incompatible_keys need to be modified, "
                                         "it should be done inplace.")
        if strict:
            if unexpected_keys:
                error_msgs.insert(0, "Unexpected key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in unexpected_keys)))
            if missing_keys:
                error_msgs.insert(0, "Missing key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in missing_keys)))
        if error_msgs:
            raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(
                self._get_name(), "\n\t".join(error_msgs)))
        for target, value in pending:
            if isinstance(target, Tensor):
                if assign:
                    target.array = value if value.dtype == target.dtype else value.astype(target.dtype)
                else:
                    _copy_into(target, value)
            else:
                target(value)
        return _IncompatibleKeys(missing_keys, unexpected_keys)

    # ----------------------------------------------------------------- repr
    def _get_name(self):
        return type(self).__name__

    def extra_repr(self):
        """The text shown inside this layer's parentheses in its repr (e.g. 'in_features=3, ...')."""
        return ""

    def __repr__(self):
        extra_lines = []
        extra = self.extra_repr()
        if extra:
            extra_lines = extra.split("\n")
        child_lines = []
        for key, module in self._modules.items():
            child_lines.append("(" + key + "): " + _addindent(repr(module), 2))
        lines = extra_lines + child_lines
        main = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                main += extra_lines[0]
            else:
                main += "\n  " + "\n  ".join(lines) + "\n"
        return main + ")"

    def _repr_html_(self):
        """Jupyter's view: the text repr above a line with the parameter count, dtypes, devices and mode."""
        params = list(self.parameters())
        total = sum(p.numel() for p in params)
        trainable = sum(p.numel() for p in params if p.requires_grad)
        facts = [f"{total:,} parameters" + (f" ({trainable:,} trainable)" if trainable != total else "")]
        if params:
            facts.append(", ".join(sorted({str(p.dtype) for p in params})))
            facts.append(", ".join(sorted({str(p.device) for p in params})))
        facts.append("training mode" if self.training else "eval mode")
        return (f"<pre>{html.escape(repr(self))}</pre>"
                f'<p style="font-family:monospace;color:#555">{html.escape("; ".join(facts))}</p>')


def _type_name(obj):
    """'torch.Tensor', 'numpy.float64', 'list': the qualified name of obj's type (builtins unqualified)."""
    cls = type(obj)
    module = cls.__module__ or ""
    return cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"


def _foreign_array(value):
    """(array, "") for a tensor-like object from another library (a PyTorch/JAX tensor, anything with __dlpack__ or
    __array__), copied so that it shares no memory with the checkpoint; (None, why) otherwise.

    Nothing here imports the other library: the object converts itself (detach() first when it has one, since
    PyTorch tensors that require grad refuse DLPack and __array__).
    """
    dlpack = hasattr(value, "__dlpack__") and hasattr(value, "__dlpack_device__")
    if not dlpack and not hasattr(value, "__array__"):
        return None, ""
    obj = value
    detach = getattr(value, "detach", None)
    if callable(detach):
        try:
            obj = detach()
        except Exception:  # noqa: BLE001 (not a PyTorch-like detach: convert the object itself)
            obj = value
    errors = []
    if dlpack:
        try:
            arr = autograd.from_dlpack(obj).array
            return arr.copy(), ""
        except Exception as err:  # noqa: BLE001 (e.g. a dtype or device DLPack cannot carry: try __array__)
            errors.append(err)
    cpu = getattr(obj, "cpu", None)
    for get in (lambda: obj, cpu):  # a GPU tensor the backend cannot import: through host memory (.cpu())
        if not callable(get) or not hasattr(obj, "__array__"):
            continue
        try:
            arr = np.asarray(get()).copy()  # (asarray: PyTorch's __array__ takes no copy= keyword)
        except Exception as err:  # noqa: BLE001 (reported with the key)
            errors.append(err)
            continue
        if arr.dtype in dtypes.SUPPORTED:
            return arr, ""
        errors.append(TypeError(f"dtype {arr.dtype} is not supported"))
        break
    return None, f" that could not be converted ({errors[-1]})" if errors else ""


def _copy_into(target, arr):
    target.array[...] = arr
    bump(target)


Module = Layer
