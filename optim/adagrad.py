"""Adagrad: per-coordinate learning rates from the running sum of squared gradients."""
import autograd

from .optimizer import (Optimizer, _check_eps, _check_flags, _check_lr, _check_weight_decay, _effective_grad,
                        _new_step, _zeros_like)

__all__ = ["Adagrad", "adagrad_update"]


def adagrad_update(p, g, state_sum, step, *, lr, lr_decay, eps, weight_decay, maximize):
    """One parameter's Adagrad update on raw arrays, in place (`step` is the count after this step).

    clr = lr/(1 + (t-1)*lr_decay); s += g^2; p -= clr * g/(sqrt(s) + eps).
    """
    xp = autograd.backend.array_module(p)
    g = _effective_grad(p, g, weight_decay, maximize)
    clr = lr / (1 + (step - 1) * lr_decay)
    tmp = xp.multiply(g, g)
    state_sum += tmp
    xp.sqrt(state_sum, out=tmp)
    tmp += eps
    xp.divide(g, tmp, out=tmp)
    tmp *= clr
    p -= tmp


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011), as torch.optim.Adagrad; its state is created with the optimizer."""

    def __init__(self, params=None, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)

    def _validate_group(self, group):
        _check_lr(group["lr"])
        if not group["lr_decay"] >= 0.0:
            raise ValueError(f"Invalid lr_decay value: {group['lr_decay']} (lr_decay must be >= 0)")
        _check_weight_decay(group["weight_decay"])
        if not group["initial_accumulator_value"] >= 0.0:
            raise ValueError(f"Invalid initial_accumulator_value value: {group['initial_accumulator_value']} "
                             "(initial_accumulator_value must be >= 0)")
        _check_eps(group["eps"])
        _check_flags(group)

    def _init_group_state(self, group):
        for p in group["params"]:
            self.state[p].update(step=_new_step(), **self._init_state(p, group))

    def _init_state(self, p, group):
        return {"sum": _zeros_like(p, group["initial_accumulator_value"])}

    @autograd.no_grad()
    def step(self, closure=None):
        """Perform one Adagrad step; returns the closure's loss when a closure is given."""
        loss = self._eval_closure(closure)
        for group in self.param_groups:
            for p, state, step in self._steps(group):
                adagrad_update(p.array, p.grad.array, state["sum"].array, step, lr=group["lr"],
                               lr_decay=group["lr_decay"], eps=group["eps"], weight_decay=group["weight_decay"],
                               maximize=group["maximize"])
        return loss
