"""Optimizer: the base of all optimizers (param groups, per-parameter state, state_dict), as torch.optim.Optimizer."""
import copy
import functools
import warnings
from collections import OrderedDict, defaultdict

import autograd
from autograd import Tensor
from autograd.ops.inplace import bump

__all__ = ["Optimizer", "required"]


class _Required:
    """Marks an option that every param group must give (there is no default)."""

    def __repr__(self):
        return "<required parameter>"


required = _Required()


class _HookHandle:
    """Returned by register_step_*_hook; remove() unregisters the hook."""

    _next_id = 0

    def __init__(self, hooks):
        self._hooks = hooks
        self.id = _HookHandle._next_id
        _HookHandle._next_id += 1

    def remove(self):
        """Unregister the hook (a no-op when already removed)."""
        self._hooks.pop(self.id, None)


def _wrap_step(fn):
    """Give a subclass's step() the shared checks: bound optimizer, step hooks, 'stepped' flag for schedulers."""

    @functools.wraps(fn)
    def step(self, *args, **kwargs):
        if getattr(self, "_in_step", False):  # a subclass calling super().step(): checks ran already
            return fn(self, *args, **kwargs)
        if not self.param_groups:
            name = type(self).__name__
            raise RuntimeError(f"{name}.step(): this optimizer has no parameters yet; pass them when creating it "
                               f"({name}(model.parameters(), ...)) or call .bind(params) first")
        self._in_step = True
        try:
            for hook in list(self._step_pre_hooks.values()):
                result = hook(self, args, kwargs)
                if result is not None:
                    if not (isinstance(result, tuple) and len(result) == 2):
                        raise RuntimeError("a step pre-hook must return None or a tuple (args, kwargs), "
                                           f"got {result!r}")
                    args, kwargs = result
            out = fn(self, *args, **kwargs)
            self._opt_called = True
            for hook in list(self._step_post_hooks.values()):
                hook(self, args, kwargs)
        finally:
            self._in_step = False
        return out

    step._optim_wrapped = True
    return step


class Optimizer:
    """Base class of all optimizers: holds param groups (dicts of params and options) and per-parameter state.

    `params` is an iterable of tensors, of (name, tensor) pairs, or of dicts (param groups with their own options);
    it may be None, and the parameters given later with bind(params).
    """

    _sparse_grads = False  # True: step() takes sparse COO gradients (nn.Embedding(sparse=True))
    _sparse_refusal = None  # the start of the error for a sparse gradient, when not "<Name> does not support ..."

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        step = cls.__dict__.get("step")
        if step is not None and not getattr(step, "_optim_wrapped", False):
            cls.step = _wrap_step(step)

    def __init__(self, params, defaults):
        self.defaults = defaults
        self.state = defaultdict(dict)
        self.param_groups = []
        self._step_pre_hooks = OrderedDict()
        self._step_post_hooks = OrderedDict()
        self._in_step = False
        self._opt_called = False
        self._validate_group(defaults)
        if params is not None:
            self._add_params(params)

    # ----------------------------------------------------------------- parameters
    def bind(self, params):
        """Give an optimizer created without parameters its parameters (an iterable of tensors or of dicts)."""
        if self.param_groups:
            raise RuntimeError(f"{type(self).__name__}.bind(): the optimizer already has {len(self.param_groups)} "
                               "parameter group(s); use add_param_group() to add more, or create a new optimizer")
        self._add_params(params)
        return self

    def _add_params(self, params):
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            f"but got {type(params).__name__}; wrap a single tensor in a list: [tensor]")
        if isinstance(params, (set, frozenset)):
            raise TypeError(_SET_MESSAGE)
        try:
            groups = list(params)
        except TypeError:
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            f"but got {type(params).__name__} (pass options such as lr by keyword: lr=0.1)") from None
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        added = len(self.param_groups)
        try:
            for group in groups:
                self.add_param_group(group)
        except Exception:
            self._drop_groups_from(added)
            raise

    def _drop_groups_from(self, n):
        """Undo the groups added after the first n (a failed construction or bind leaves nothing behind)."""
        for group in self.param_groups[n:]:
            for p in group["params"]:
                self.state.pop(p, None)
        del self.param_groups[n:]

    def add_param_group(self, param_group):
        """Add a param group (a dict with 'params' and any per-group options); missing options take the defaults."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError("param_group must have a 'params' entry (a tensor or a list of tensors)")
        group = dict(param_group)
        params = group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(_SET_MESSAGE)
        else:
            params = list(params)
        tensors, names = [], []
        for p in params:
            if isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str):
                names.append(p[0])
                p = p[1]
            tensors.append(p)
        if names:
            if len(names) != len(tensors):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            group["param_names"] = names
        for p in tensors:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {type(p).__name__}")
            if not (p.is_leaf or p.retains_grad):
                raise ValueError(f"can't optimize a non-leaf Tensor (shape {tuple(p.shape)}, made by "
                                 f"{type(p.grad_fn).__name__}); optimize the leaf it came from, or detach() it "
                                 "and set requires_grad=True")
        group["params"] = tensors
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            group.setdefault(name, default)
        self._validate_group(group)
        if len({id(p) for p in tensors}) != len(tensors):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; they will be updated "
                          "more than once per step (PyTorch warns the same and plans to make it an error)",
                          UserWarning, stacklevel=3)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        for g in self.param_groups:
            if ("param_names" in g) != ("param_names" in group):
                which = "with names" if "param_names" in group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if any(id(p) in seen for p in tensors):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)
        self._init_group_state(group)

    def _validate_group(self, group):
        """Check a group's options (subclasses raise ValueError naming the bad option)."""

    def _init_group_state(self, group):
        """Create state eagerly for a new group (most optimizers create it lazily on the first step)."""

    def _init_state(self, p, group):
        """The buffers p's update keeps besides its step counter, made on p's first step: {name: tensor}."""
        return {}

    def _option_buffers(self, group):
        """Names of the zero buffers that group options switch on, made whenever missing (an option may be turned
        on after the first step)."""
        return ()

    def _with_grads(self, group):
        """Yield each parameter of `group` that has a gradient; once the caller has updated its arrays in place,
        its version counter is bumped so that autograd sees the change."""
        if not self._sparse_grads and group is self.param_groups[0]:
            self._refuse_sparse()
        for p in group["params"]:
            if p.grad is not None:
                yield p
                _update(p)

    def _refuse_sparse(self):
        """PyTorch's error for a sparse gradient, raised before any parameter of any group changes."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None and p.grad.is_sparse:
                    what = self._sparse_refusal or f"{type(self).__name__} does not support sparse gradients"
                    raise RuntimeError(f"{what} (a parameter of shape {tuple(p.shape)} has one, e.g. from "
                                       "nn.Embedding(sparse=True); optim.SGD and optim.SparseAdam take them)")

    def _steps(self, group):
        """Yield (p, state, step) for each parameter of `group` that has a gradient, as _with_grads: its state set
        up when empty (step counter and _init_state's buffers) and its step counter advanced to `step`."""
        options = self._option_buffers(group)
        for p in self._with_grads(group):
            state = self.state[p]
            if not state:
                state["step"] = _new_step()
                state.update(self._init_state(p, group))
            for name in options:
                if name not in state:
                    state[name] = _zeros_like(p)
            yield p, state, _incr_step(state["step"])

    # ----------------------------------------------------------------- stepping
    def zero_grad(self, set_to_none=True):
        """Reset the gradients of all parameters: to None (the default), or to zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                elif p.grad.is_sparse:  # zeroed, a sparse gradient has no entries
                    a = p.grad.array
                    p.grad = autograd.sparse_coo_tensor(a.xp.zeros((a.sparse_dim, 0), a.indices.dtype),
                                                        a.xp.zeros((0,) + a.values.shape[1:], a.dtype), a.shape)
                else:
                    if p.grad.grad_fn is not None:
                        p.grad.detach_()
                    else:
                        p.grad.requires_grad_(False)
                    with autograd.no_grad():
                        p.grad.zero_()

    def step(self, closure=None):
        """Perform one optimization step (closure: re-evaluates the model and returns the loss)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement step()")

    @staticmethod
    def _eval_closure(closure):
        """Run closure with grad recording on (steps run under no_grad) and return its loss."""
        if closure is None:
            return None
        with autograd.enable_grad():
            return closure()

    def register_step_pre_hook(self, hook):
        """Call hook(optimizer, args, kwargs) before each step; it may return new (args, kwargs)."""
        handle = _HookHandle(self._step_pre_hooks)
        self._step_pre_hooks[handle.id] = hook
        return handle

    def register_step_post_hook(self, hook):
        """Call hook(optimizer, args, kwargs) after each step."""
        handle = _HookHandle(self._step_post_hooks)
        self._step_post_hooks[handle.id] = hook
        return handle

    # ----------------------------------------------------------------- state_dict
    def state_dict(self):
        """The optimizer's state as {'state': {index: {...}}, 'param_groups': [{..., 'params': [indices]}]}.

        Parameters are numbered in group order; the state tensors are the live ones (as in PyTorch): deepcopy
        the result to keep a snapshot that later steps do not change.
        """
        index = {}
        groups = []
        start = 0
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                index.setdefault(id(p), i)
            packed["params"] = [index[id(p)] for p in group["params"]]
            start += len(group["params"])
            groups.append(packed)
        state = {(index[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Load a state_dict() (values copied onto each parameter's device and dtype); nothing changes on error."""
        if not isinstance(state_dict, dict) or "state" not in state_dict or "param_groups" not in state_dict:
            raise ValueError(f"{type(self).__name__}.load_state_dict(): expected a dict with 'state' and "
                             "'param_groups' entries, as returned by state_dict()")
        groups = self.param_groups
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError(f"loaded state dict has a different number of parameter groups ({len(saved_groups)}) "
                             f"than the optimizer ({len(groups)})")
        for i, (g, s) in enumerate(zip(groups, saved_groups)):
            if len(g["params"]) != len(s["params"]):
                raise ValueError(f"loaded state dict contains a parameter group that doesn't match the size of "
                                 f"optimizer's group: group {i} has {len(s['params'])} parameters in the state "
                                 f"dict and {len(g['params'])} in the optimizer")
        id_map = {}
        for g, s in zip(groups, saved_groups):
            for index, p in zip(s["params"], g["params"]):
                id_map[index] = p
        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                p = id_map[k]
                state[p] = _cast(p, v)
            else:
                state[k] = copy.deepcopy(v)
        new_groups = []
        for g, s in zip(groups, saved_groups):
            s["params"] = g["params"]
            if "param_names" in g and "param_names" not in s:
                s["param_names"] = g["param_names"]
            for name, default in self.defaults.items():
                s.setdefault(name, default)
            new_groups.append(s)
        # commit: nothing above changed the optimizer
        self.state = state
        for g, s in zip(groups, new_groups):
            g.clear()
            g.update(s)

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {group[k]}" for k in sorted(group) if k != "params"]
        if not self.param_groups:
            lines.append("(no parameters yet: call bind(params))")
        return "\n".join(lines) + "\n)"

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__dict__.setdefault("_step_pre_hooks", OrderedDict())
        self.__dict__.setdefault("_step_post_hooks", OrderedDict())
        self.__dict__.setdefault("_in_step", False)
        self.__dict__.setdefault("_opt_called", False)


_SET_MESSAGE = ("optimizer parameters need to be organized in ordered collections, but the ordering of tensors in "
                "sets will change between runs. Please use a list instead.")


def _cast(p, value, key=None):
    """A copy of a saved state value with tensors on p's device (and p's dtype, except the 'step' counters)."""
    if isinstance(value, Tensor):
        if key == "step":
            return autograd.tensor(value)
        dtype = p.dtype if p.is_floating_point() else value.dtype
        return autograd.tensor(value, dtype=dtype, device=p.device)
    if isinstance(value, dict):
        return {k: _cast(p, v, key=k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(p, v) for v in value)
    return copy.deepcopy(value)


# --------------------------------------------------------------------- helpers shared by the optimizers
def _scalar_dtype():
    """PyTorch's dtype for step counters: float64 when that is the default dtype, else float32."""
    return autograd.float64 if autograd.get_default_dtype() == autograd.float64 else autograd.float32


def _new_step():
    """A fresh step counter: a 0-d CPU tensor holding 0 (PyTorch keeps 'step' as a tensor too)."""
    return autograd.tensor(0.0, dtype=_scalar_dtype())


def _incr_step(step):
    """Add one to a step counter in place and return the new count as a Python float."""
    step.array += 1
    return float(step.array)


def _zeros_like(p, fill=0.0):
    """A state tensor shaped like p, on its device and dtype, filled with `fill`."""
    return autograd.full_like(p, fill) if fill else autograd.zeros_like(p)


def _decayed_grad(p, g, lr, weight_decay, decoupled, maximize):
    """The gradient for the update after weight decay: decoupled (p *= 1 - lr*wd, in place) or L2 (g + wd*p)."""
    if weight_decay and decoupled:
        p *= 1 - lr * weight_decay
        return -g if maximize else g
    return _effective_grad(p, g, weight_decay, maximize)


def _effective_grad(p, g, weight_decay, maximize):
    """The gradient the update uses: -g when maximizing, plus weight_decay * p (L2); never modifies g.

    A new array is made only when needed; otherwise g itself is returned (read-only use).
    """
    if weight_decay:
        out = p * weight_decay
        if maximize:
            out -= g
        else:
            out += g
        return out
    if maximize:
        return -g
    return g


def _check_lr(lr):
    if not lr >= 0.0:
        raise ValueError(f"Invalid learning rate: {lr} (lr must be >= 0)")


def _check_tensor_lr(lr):
    """A tensor lr (accepted as in PyTorch, read with float() at each step) must hold exactly one element."""
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError(f"Tensor lr must be 1-element, got shape {tuple(lr.shape)}; pass a float or a 0-d tensor")


def _refuse_complex(name, groups):
    """Raise before any update when a parameter with a gradient is complex (optimizers that PyTorch keeps real)."""
    for group in groups:
        for p in group["params"]:
            if p.grad is not None and p.is_complex():
                raise RuntimeError(f"{name} does not support complex parameters (got one of shape {tuple(p.shape)} "
                                   f"and dtype {p.dtype}); keep a real parameter of shape (..., 2) and use "
                                   "autograd.view_as_complex(p) in the model")


def _check_eps(eps, name="eps"):
    if not eps >= 0.0:
        raise ValueError(f"Invalid epsilon value: {eps} ({name} must be >= 0)")


def _check_weight_decay(wd):
    if not wd >= 0.0:
        raise ValueError(f"Invalid weight_decay value: {wd} (weight_decay must be >= 0)")


def _check_betas(betas):
    try:
        b1, b2 = betas
    except (TypeError, ValueError):
        raise ValueError(f"Invalid betas: {betas!r} (betas must be a pair (beta1, beta2))") from None
    for i, b in enumerate((b1, b2)):
        if not 0.0 <= b < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {b} (betas[{i}] must be in [0, 1))")


def _check_flags(group):
    """foreach/fused/capturable are accepted for PyTorch compatibility; differentiable=True is not supported."""
    if group.get("differentiable"):
        raise ValueError("differentiable=True is not supported: tapegrad's optimizer steps run under no_grad on "
                         "raw arrays; use differentiable=False")


def _check_adam_like(group):
    """The options every Adam-family optimizer shares: lr, eps, betas, weight_decay and the flags."""
    _check_lr(group["lr"])
    _check_eps(group["eps"])
    _check_betas(group["betas"])
    _check_weight_decay(group["weight_decay"])
    _check_flags(group)


def _update(p):
    """Tell autograd that p's memory was changed in place by an optimizer step."""
    bump(p)
