"""Adamax: the Adam variant based on the infinity norm of past gradients."""
import autograd

from .adam import _first_moment
from .optimizer import Optimizer, _check_adam_like, _effective_grad, _zeros_like

__all__ = ["Adamax", "adamax_update"]


def adamax_update(p, g, exp_avg, exp_inf, step, *, lr, beta1, beta2, eps, weight_decay, maximize):
    """One parameter's Adamax update on raw arrays, in place (`step` is the count after this step).

    g += wd*p; m = lerp(m, g, 1-b1); u = max(b2*u, |g| + eps); p -= lr/(1-b1^t) * m/u.
    """
    xp = autograd.backend.array_module(p)
    g = _effective_grad(p, g, weight_decay, maximize)
    tmp, bias_correction1 = _first_moment(g, exp_avg, beta1, step)
    exp_inf *= beta2
    xp.abs(g, out=tmp)
    tmp += eps
    xp.maximum(exp_inf, tmp, out=exp_inf)
    xp.divide(exp_avg, exp_inf, out=tmp)
    tmp *= lr / bias_correction1
    p -= tmp


class Adamax(Optimizer):
    """Adamax (Kingma & Ba, section 7), as torch.optim.Adamax."""

    def __init__(self, params=None, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def _validate_group(self, group):
        _check_adam_like(group)

    def _init_state(self, p, group):
        return {"exp_avg": _zeros_like(p), "exp_inf": _zeros_like(p)}

    @autograd.no_grad()
    def step(self, closure=None):
        """Perform one Adamax step; returns the closure's loss when a closure is given."""
        loss = self._eval_closure(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p, state, step in self._steps(group):
                adamax_update(p.array, p.grad.array, state["exp_avg"].array, state["exp_inf"].array, step,
                              lr=group["lr"], beta1=beta1, beta2=beta2, eps=group["eps"],
                              weight_decay=group["weight_decay"], maximize=group["maximize"])
        return loss
