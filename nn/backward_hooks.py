"""Layers' full backward hooks: identity tape nodes around a layer's inputs and outputs that call the hooks."""
import warnings

import autograd

__all__ = ["BackwardHook", "BackwardHookFunction"]

Tensor = autograd.Tensor


class BackwardHookFunction(autograd.Function):
    """Identity on a layer's input (or output) tensors; its backward hands their gradients to the layer's hooks."""

    @staticmethod
    def forward(ctx, *tensors):
        ctx.mark_non_differentiable(*[t for t in tensors if not t.requires_grad])
        return tensors

    @staticmethod
    def backward(ctx, *grads):
        return ctx.on_backward(ctx, grads)


def _pack(index, values, size):
    out = [None] * size
    for i, v in zip(index, values):
        out[i] = v
    return tuple(out)


class BackwardHook:
    """One call of a layer that has backward hooks: links the gradients of its outputs to those of its inputs."""

    def __init__(self, module, hooks, pre_hooks):
        self.module, self.hooks, self.pre_hooks = module, hooks, pre_hooks
        self.grad_outputs = None
        self.n_inputs = self.n_outputs = 0
        self.input_index = self.output_index = None

    def _wrap(self, args, on_backward):
        """(args with their tensors passed through one BackwardHookFunction node, tensor positions), or (args, None)
        when no tensor needs a gradient."""
        index = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        if not (autograd.is_grad_enabled() and any(args[i].requires_grad for i in index)):
            return args, None
        new = BackwardHookFunction.apply(*[args[i] for i in index])
        node = next(t.grad_fn for t in new if t.grad_fn is not None)
        node.on_backward = on_backward
        out = list(args)
        for i, t in zip(index, new):
            out[i] = t
        return (tuple(out) if type(args) is tuple else type(args)(*out)), index

    def setup_input_hook(self, args):
        """Wrap the positional input tensors of the call; returns the args forward is to see."""
        args, self.input_index = self._wrap(args, self._input_backward)
        self.n_inputs = len(args)
        return args

    def setup_output_hook(self, result):
        """Wrap the output tensors of the call; returns the result the caller is to see."""
        single = not isinstance(result, tuple)
        outs = (result,) if single else result
        outs, self.output_index = self._wrap(outs, self._output_backward)
        self.n_outputs = len(outs)
        if self.output_index is not None:
            node = next(outs[i].grad_fn for i in self.output_index if outs[i].grad_fn is not None)
            node.arrived = set()  # outputs that received a gradient (the engine gives the others zeros)
            for nr, i in enumerate(self.output_index):
                if outs[i].grad_fn is node:
                    node.register_prehook(nr, lambda g, nr=nr, seen=node.arrived: seen.add(nr))
        return outs[0] if single else outs

    def _output_backward(self, node, grads):
        grads = tuple(g if nr in node.arrived else None for nr, g in enumerate(grads))
        node.arrived.clear()
        self.grad_outputs = _pack(self.output_index, grads, self.n_outputs)
        for hook in self.pre_hooks:
            res = hook(self.module, self.grad_outputs)
            if res is None:
                continue
            if len(res) != len(self.grad_outputs):
                raise RuntimeError(f"Backward pre hook returned an invalid number of grad_output, got {len(res)}, "
                                   f"but expected {len(self.grad_outputs)}")
            self.grad_outputs = res
        grad_outputs = self.grad_outputs
        if self.input_index is None:  # no input needs a gradient: the hooks run now, with grad_input all None
            warnings.warn("Full backward hook is firing when gradients are computed with respect to module outputs "
                          "since no inputs require gradients (see register_full_backward_hook)", stacklevel=2)
            grad_inputs = (None,) * self.n_inputs
            for hook in self.hooks:
                res = hook(self.module, grad_inputs, grad_outputs)
                if res is not None and not (isinstance(res, tuple) and all(g is None for g in res)):
                    raise RuntimeError("Backward hook for Modules where no input requires gradient should always "
                                       "return None or None for all gradients.")
            self.grad_outputs = None
        return tuple(grad_outputs[i] for i in self.output_index)

    def _input_backward(self, node, grads):
        if self.grad_outputs is None:  # the gradient reached the inputs without passing through the outputs
            return grads
        res = _pack(self.input_index, grads, self.n_inputs)
        for hook in self.hooks:
            out = hook(self.module, res, self.grad_outputs)
            if out is None:
                continue
            if len(out) != len(res):
                raise RuntimeError(f"Backward hook returned an invalid number of grad_input, got {len(out)}, but "
                                   f"expected {len(res)}")
            res = out
        self.grad_outputs = None
        return tuple(res[i] for i in self.input_index)
