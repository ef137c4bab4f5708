"""ASGD: averaged stochastic gradient descent, SGD with a decaying step and a running average of the iterates."""
import autograd

from .optimizer import (Optimizer, _check_flags, _check_lr, _check_weight_decay, _effective_grad, _scalar_dtype,
                        _zeros_like)

__all__ = ["ASGD", "asgd_update"]


def asgd_update(p, g, ax, eta, mu, *, step, lr, lambd, alpha, t0, weight_decay, maximize):
    """One parameter's ASGD update on raw arrays, in place; returns the new (eta, mu).

    p = p * (1 - lambd*eta) - eta*g; ax += mu * (p - ax) (ax = p while mu is 1);
    eta = lr / (1 + lambd*lr*step)^alpha; mu = 1 / max(1, step - t0).
    """
    g = _effective_grad(p, g, weight_decay, maximize)
    p *= 1 - lambd * eta
    p -= eta * g
    if mu != 1:
        ax += (p - ax) * mu
    else:
        ax[...] = p
    return lr / (1 + lambd * lr * step) ** alpha, 1 / max(1.0, step - t0)


class ASGD(Optimizer):
    """Averaged SGD (Polyak & Juditsky, 1992), as torch.optim.ASGD; the average of the iterates is state['ax']."""

    def __init__(self, params=None, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
                 maximize=False, differentiable=False, capturable=False):
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def _validate_group(self, group):
        _check_lr(group["lr"])
        _check_weight_decay(group["weight_decay"])
        _check_flags(group)

    def _init_state(self, p, group):
        scalar = dict(dtype=_scalar_dtype())  # PyTorch keeps eta and mu as 0-d tensors of the step dtype
        return {"eta": autograd.tensor(float(group["lr"]), **scalar), "mu": autograd.tensor(1.0, **scalar),
                "ax": _zeros_like(p)}

    @autograd.no_grad()
    def step(self, closure=None):
        """Perform one ASGD step; returns the closure's loss when a closure is given."""
        loss = self._eval_closure(closure)
        for group in self.param_groups:
            for p, state, step in self._steps(group):
                eta, mu = asgd_update(p.array, p.grad.array, state["ax"].array, float(state["eta"].array),
                                      float(state["mu"].array), step=step, lr=group["lr"], lambd=group["lambd"],
                                      alpha=group["alpha"], t0=group["t0"], weight_decay=group["weight_decay"],
                                      maximize=group["maximize"])
                state["eta"].array[...] = eta
                state["mu"].array[...] = mu
        return loss
