"""RAdam: Adam with a rectified adaptive learning rate (Liu et al., 2019)."""
import math

import autograd

from .adam import _moments
from .optimizer import Optimizer, _check_adam_like, _decayed_grad, _zeros_like

__all__ = ["RAdam", "radam_update"]


def radam_update(p, g, exp_avg, exp_avg_sq, step, *, lr, beta1, beta2, eps, weight_decay, decoupled_weight_decay,
                 maximize):
    """One parameter's RAdam update on raw arrays, in place (`step` is the count after this step).

    rho_inf = 2/(1-b2) - 1; rho_t = rho_inf - 2t*b2^t/(1-b2^t); m_hat = m/(1-b1^t);
    p -= lr*m_hat*r_t*sqrt(1-b2^t)/(sqrt(v)+eps) when rho_t > 5, else p -= lr*m_hat.
    """
    xp = autograd.backend.array_module(p)
    g = _decayed_grad(p, g, lr, weight_decay, decoupled_weight_decay, maximize)
    tmp, bias_correction1, bias_correction2 = _moments(g, exp_avg, exp_avg_sq, beta1, beta2, step)
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
    if rho_t > 5.0:
        rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
        xp.sqrt(exp_avg_sq, out=tmp)
        tmp += eps
        xp.divide(exp_avg, tmp, out=tmp)
        tmp *= lr * rect * math.sqrt(bias_correction2) / bias_correction1
    else:
        xp.multiply(exp_avg, lr / bias_correction1, out=tmp)
    p -= tmp


class RAdam(Optimizer):
    """RAdam, as torch.optim.RAdam (decoupled_weight_decay=True gives RAdamW)."""

    def __init__(self, params=None, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize, foreach=foreach,
                        capturable=capturable, decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def _validate_group(self, group):
        _check_adam_like(group)

    def _init_state(self, p, group):
        return {"exp_avg": _zeros_like(p), "exp_avg_sq": _zeros_like(p)}

    @autograd.no_grad()
    def step(self, closure=None):
        """Perform one RAdam step; returns the closure's loss when a closure is given."""
        loss = self._eval_closure(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p, state, step in self._steps(group):
                radam_update(p.array, p.grad.array, state["exp_avg"].array, state["exp_avg_sq"].array, step,
                             lr=group["lr"], beta1=beta1, beta2=beta2, eps=group["eps"],
                             weight_decay=group["weight_decay"],
                             decoupled_weight_decay=group["decoupled_weight_decay"], maximize=group["maximize"])
        return loss
