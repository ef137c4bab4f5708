"""Activation checkpointing (torch.utils.checkpoint): keep a block's inputs, recompute the block in backward."""
import contextlib
import warnings

from . import engine
from ._tensor import Tensor
from .autograd_api import backward as _backward
from .autograd_api import grad as _grad
from .function import Function
from .grad_mode import enable_grad, is_grad_enabled
from .random import fork_rng, get_rng_state, set_rng_state

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointError", "CheckpointFunction", "detach_variable",
           "noop_context_fn"]

_DETERMINISM_MODES = ("default", "none")


class CheckpointError(RuntimeError):
    """The recomputation in backward did not reproduce the forward (different output shapes or dtypes)."""


def noop_context_fn():
    """The default context_fn: no context around the forward run nor the recomputation."""
    return contextlib.nullcontext(), contextlib.nullcontext()


def detach_variable(inputs):
    """The tensors of the tuple `inputs` detached (keeping requires_grad); other items as they are."""
    if not isinstance(inputs, tuple):
        raise RuntimeError(f"Only tuple of tensors is supported. Got Unsupported input type: {type(inputs).__name__}")
    return tuple(x.detach().requires_grad_(x.requires_grad) if isinstance(x, Tensor) else x for x in inputs)


def _as_tuple(out):
    return out if isinstance(out, tuple) else (out,)


def _recompute(function, preserve, rng_state, args, kwargs, context=None):
    """function(*args, **kwargs) with grad on, the random state as it was in forward (restored afterwards)."""
    with fork_rng(enabled=preserve):
        if preserve:
            set_rng_state(rng_state)
        with enable_grad(), (context or contextlib.nullcontext()):
            return function(*args, **kwargs)


class CheckpointFunction(Function):
    """The reentrant variant's node: forward without a graph; backward recomputes and runs a nested backward."""

    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        ctx.run_function, ctx.preserve_rng_state = run_function, preserve_rng_state
        ctx.rng_state = get_rng_state() if preserve_rng_state else None
        ctx.tensor_indices = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        ctx.inputs = [None if isinstance(a, Tensor) else a for a in args]
        ctx.save_for_backward(*[args[i] for i in ctx.tensor_indices])
        return run_function(*args)

    @staticmethod
    def backward(ctx, *grads):
        if engine.capturing():  # its nested backward fills .grad, which autograd.grad must not touch
            raise RuntimeError("When use_reentrant=True, torch.utils.checkpoint is incompatible with .grad() or "
                               "passing an `inputs` parameter to .backward(). To resolve this error, you can either "
                               "set use_reentrant=False, or call .backward() without passing the `inputs` argument.")
        if is_grad_enabled():  # create_graph: the nested backward would give gradients without a graph
            raise RuntimeError("checkpoint with use_reentrant=True does not support create_graph=True (a gradient "
                               "of a gradient); pass use_reentrant=False")
        inputs = list(ctx.inputs)
        for i, t in zip(ctx.tensor_indices, ctx.saved_tensors):
            inputs[i] = t
        detached = detach_variable(tuple(inputs))
        outputs = _as_tuple(_recompute(ctx.run_function, ctx.preserve_rng_state, ctx.rng_state, detached, {}))
        pairs = [(o, g) for o, g in zip(outputs, grads) if isinstance(o, Tensor) and o.requires_grad]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not necessary")
        _backward([o for o, _ in pairs], [g for _, g in pairs])
        return (None, None) + tuple(x.grad if isinstance(x, Tensor) else None for x in detached)


class _Recomputed(Function):
    """The non-reentrant variant's node: its inputs are the block's tensor inputs and every leaf the block used;
    forward hands out the values computed already; backward recomputes the block and differentiates it."""

    @staticmethod
    def forward(ctx, run, *tensors):
        ctx.run = run
        ctx.save_for_backward(*tensors[:run.n_inputs])
        ctx.mark_non_differentiable(*[o for o, rg in zip(run.outputs, run.requires_grad) if not rg])
        outputs, run.outputs = run.outputs, None  # the node keeps no outputs
        return outputs

    @staticmethod
    def backward(ctx, *grads):
        run = ctx.run
        create = is_grad_enabled()  # create_graph: recompute on the inputs themselves, so the graph reaches them
        fresh = iter(t if create else t.detach().requires_grad_(t.requires_grad) for t in ctx.saved_tensors)
        args = [next(fresh) if isinstance(a, Tensor) else a for a in run.args]
        kwargs = {k: next(fresh) if isinstance(v, Tensor) else v for k, v in run.kwargs.items()}
        outputs = _as_tuple(_recompute(run.function, run.preserve, run.rng_state, args, kwargs, run.recompute_ctx))
        if run.check and [(tuple(o.shape), o.dtype) if isinstance(o, Tensor) else None for o in outputs] != run.meta:
            raise CheckpointError("torch.utils.checkpoint: Recomputed values have different metadata than during "
                                  f"the forward pass: forward gave {run.meta}, the recomputation "
                                  f"{[(tuple(o.shape), o.dtype) if isinstance(o, Tensor) else None for o in outputs]}"
                                  "; make the checkpointed function deterministic (or pass determinism_check='none')")
        targets = [t for t in args + list(kwargs.values()) if isinstance(t, Tensor)] + run.leaves
        wanted = [i for i, t in enumerate(targets) if t.requires_grad]
        pairs = [(o, g) for o, g in zip(outputs, grads) if isinstance(o, Tensor) and o.requires_grad]
        found = _grad([o for o, _ in pairs], [targets[i] for i in wanted], [g for _, g in pairs],
                      create_graph=create, allow_unused=True) if pairs and wanted else ()
        out = [None] * len(targets)
        for i, g in zip(wanted, found):
            out[i] = g
        return (None,) + tuple(out)


class _Run:
    """What the non-reentrant node needs to recompute the block."""

    def __init__(self, function, preserve, rng_state, args, kwargs, recompute_ctx, check):
        self.function, self.preserve, self.rng_state = function, preserve, rng_state
        self.args, self.kwargs, self.recompute_ctx, self.check = args, kwargs, recompute_ctx, check


def _leaves(outputs, inputs):
    """The leaf tensors that require grad reached from outputs, other than `inputs`, in a stable order."""
    skip = {id(t) for t in inputs}
    seen, found = set(), []
    stack = [o.grad_fn for o in reversed(outputs) if isinstance(o, Tensor) and o.grad_fn is not None]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        for e in reversed(node.next_edges):
            if e is None:
                continue
            target = e[0]
            if isinstance(target, Tensor):
                if id(target) not in skip and id(target) not in seen:
                    seen.add(id(target))
                    found.append(target)
            elif id(target) not in seen:
                stack.append(target)
    return found


def _non_reentrant(function, preserve, context_fn, determinism_check, args, kwargs):
    forward_ctx, recompute_ctx = context_fn()
    rng_state = get_rng_state() if preserve else None
    if not is_grad_enabled():
        with forward_ctx:
            return function(*args, **kwargs)
    det_args = [a.detach().requires_grad_(a.requires_grad) if isinstance(a, Tensor) else a for a in args]
    det_kwargs = {k: v.detach().requires_grad_(v.requires_grad) if isinstance(v, Tensor) else v
                  for k, v in kwargs.items()}
    with forward_ctx:
        out = function(*det_args, **det_kwargs)
    single = not isinstance(out, tuple)
    outs = _as_tuple(out)
    if not any(isinstance(o, Tensor) and o.requires_grad for o in outs):
        return out
    inputs = [a for a in list(args) + list(kwargs.values()) if isinstance(a, Tensor)]
    run = _Run(function, preserve, rng_state, args, kwargs, recompute_ctx, determinism_check == "default")
    run.leaves = _leaves(outs, [a for a in det_args + list(det_kwargs.values()) if isinstance(a, Tensor)])
    run.n_inputs = len(inputs)
    run.meta = [(tuple(o.shape), o.dtype) if isinstance(o, Tensor) else None for o in outs]
    run.requires_grad = [isinstance(o, Tensor) and o.requires_grad for o in outs]
    run.outputs = tuple(o.detach() if isinstance(o, Tensor) else o for o in outs)
    del out, outs  # the forward graph (and everything it saved) goes now
    result = _Recomputed.apply(run, *inputs, *run.leaves)
    return result[0] if single else result


def checkpoint(function, *args, use_reentrant=None, context_fn=noop_context_fn, determinism_check="default",
               debug=False, early_stop=True, **kwargs):
    """function(*args, **kwargs) keeping only its inputs: backward recomputes it (random state restored, so
    dropout draws the same), giving the gradients of the plain run. Pass use_reentrant explicitly (False is
    recommended); preserve_rng_state=False skips saving the random state. debug and early_stop are accepted
    and have no effect here."""
    if use_reentrant is None:
        warnings.warn("torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting in "
                      "PyTorch 2.9, calling checkpoint without use_reentrant will raise an exception. "
                      "use_reentrant=False is recommended, but if you need to preserve the current default behavior, "
                      "you can pass use_reentrant=True. Refer to docs for more details on the differences between "
                      "the two variants.", stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs and use_reentrant:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    if use_reentrant:
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError("Passing `context_fn` or `debug` is only supported when use_reentrant=False.")
        if not any(isinstance(a, Tensor) and a.requires_grad for a in args):
            warnings.warn("None of the inputs have requires_grad=True. Gradients will be None", stacklevel=2)
        return CheckpointFunction.apply(function, preserve, *args)
    if determinism_check not in _DETERMINISM_MODES:
        raise ValueError(f"determinism_check should be one of {list(_DETERMINISM_MODES)}, but got "
                         f"{determinism_check}")
    return _non_reentrant(function, preserve, context_fn, determinism_check, args, kwargs)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Run a Sequential (or list of layers) in `segments` chunks, checkpointing all but the last chunk."""
    if use_reentrant is None:
        warnings.warn("torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should be passed "
                      "explicitly. In version 2.9 we will raise an exception if use_reentrant is not passed. "
                      "use_reentrant=False is recommended, but if you need to preserve the current default behavior, "
                      "you can pass use_reentrant=True. Refer to docs for more details on the differences between "
                      "the two variants.", stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))

    def run_function(start, end):
        def forward(x):
            for j in range(start, end + 1):
                x = functions[j](x)
            return x
        return forward

    if not isinstance(functions, (list, tuple)) and callable(getattr(functions, "children", None)):
        functions = list(functions.children())
    segment_size = len(functions) // segments
    end = -1
    for start in range(0, segment_size * (segments - 1), segment_size):
        end = start + segment_size - 1
        input = checkpoint(run_function(start, end), input, use_reentrant=use_reentrant, preserve_rng_state=preserve)
    return run_function(end + 1, len(functions) - 1)(input)
