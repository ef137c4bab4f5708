"""Adadelta: an adaptive learning-rate method from running averages of squared gradients and updates."""
import autograd

from .optimizer import (Optimizer, _check_eps, _check_flags, _check_lr, _check_weight_decay, _effective_grad,
                        _zeros_like)

__all__ = ["Adadelta", "adadelta_update"]


def adadelta_update(p, g, square_avg, acc_delta, *, lr, rho, eps, weight_decay, maximize):
    """One parameter's Adadelta update on raw arrays, in place.

    v = rho*v + (1-rho)*g^2; d = sqrt(u + eps)/sqrt(v + eps) * g; u = rho*u + (1-rho)*d^2; p -= lr*d.
    """
    xp = autograd.backend.array_module(p)
    g = _effective_grad(p, g, weight_decay, maximize)
    square_avg *= rho
    tmp = xp.multiply(g, g)
    tmp *= 1 - rho
    square_avg += tmp
    delta = xp.add(acc_delta, eps)
    xp.sqrt(delta, out=delta)
    xp.add(square_avg, eps, out=tmp)
    xp.sqrt(tmp, out=tmp)
    delta /= tmp
    delta *= g
    acc_delta *= rho
    xp.multiply(delta, delta, out=tmp)
    tmp *= 1 - rho
    acc_delta += tmp
    delta *= lr
    p -= delta


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012), as torch.optim.Adadelta."""

    def __init__(self, params=None, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize, capturable=capturable,
                        foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def _validate_group(self, group):
        _check_lr(group["lr"])
        if not 0.0 <= group["rho"] <= 1.0:
            raise ValueError(f"Invalid rho value: {group['rho']} (rho must be in [0, 1])")
        _check_eps(group["eps"])
        _check_weight_decay(group["weight_decay"])
        _check_flags(group)

    def _init_state(self, p, group):
        return {"square_avg": _zeros_like(p), "acc_delta": _zeros_like(p)}

    @autograd.no_grad()
    def step(self, closure=None):
        """Perform one Adadelta step; returns the closure's loss when a closure is given."""
        loss = self._eval_closure(closure)
        for group in self.param_groups:
            for p, state, _ in self._steps(group):
                adadelta_update(p.array, p.grad.array, state["square_avg"].array, state["acc_delta"].array,
                                lr=group["lr"], rho=group["rho"], eps=group["eps"],
                                weight_decay=group["weight_decay"], maximize=group["maximize"])
        return loss
