"""NAdam: Adam with Nesterov momentum and a momentum-decay schedule (Dozat, 2016)."""
import autograd

from .adam import _moments
from .optimizer import Optimizer, _check_adam_like, _decayed_grad, _scalar_dtype, _zeros_like

__all__ = ["NAdam", "nadam_update"]


def nadam_update(p, g, exp_avg, exp_avg_sq, mu_product, step, *, lr, beta1, beta2, eps, weight_decay,
                 momentum_decay, decoupled_weight_decay, maximize):
    """One parameter's NAdam update on raw arrays, in place; mu_product is a 0-d array updated in place.

    mu_t = b1*(1 - 0.5*0.96^(t*psi)); prod *= mu_t; m = lerp(m, g, 1-b1); v = b2*v + (1-b2)*g^2;
    denom = sqrt(v/(1-b2^t)) + eps; p -= lr*(1-mu_t)/(1-prod) * g/denom + lr*mu_{t+1}/(1-prod*mu_{t+1}) * m/denom.
    """
    xp = autograd.backend.array_module(p)
    g = _decayed_grad(p, g, lr, weight_decay, decoupled_weight_decay, maximize)
    mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
    mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
    mu_product *= mu
    prod = float(mu_product)
    tmp, _, bias_correction2 = _moments(g, exp_avg, exp_avg_sq, beta1, beta2, step)
    denom = xp.divide(exp_avg_sq, bias_correction2)
    xp.sqrt(denom, out=denom)
    denom += eps
    xp.divide(g, denom, out=tmp)
    tmp *= lr * (1.0 - mu) / (1.0 - prod)
    p -= tmp
    xp.divide(exp_avg, denom, out=tmp)
    tmp *= lr * mu_next / (1.0 - prod * mu_next)
    p -= tmp


class NAdam(Optimizer):
    """NAdam, as torch.optim.NAdam (decoupled_weight_decay=True gives NAdamW)."""

    def __init__(self, params=None, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def _validate_group(self, group):
        _check_adam_like(group)
        if not group["momentum_decay"] >= 0.0:
            raise ValueError(f"Invalid momentum_decay value: {group['momentum_decay']} (momentum_decay must be >= 0)")

    def _init_state(self, p, group):
        return {"mu_product": autograd.tensor(1.0, dtype=_scalar_dtype()), "exp_avg": _zeros_like(p),
                "exp_avg_sq": _zeros_like(p)}

    @autograd.no_grad()
    def step(self, closure=None):
        """Perform one NAdam step; returns the closure's loss when a closure is given."""
        loss = self._eval_closure(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p, state, step in self._steps(group):
                nadam_update(p.array, p.grad.array, state["exp_avg"].array, state["exp_avg_sq"].array,
                             state["mu_product"].array, step, lr=group["lr"], beta1=beta1, beta2=beta2,
                             eps=group["eps"], weight_decay=group["weight_decay"],
                             momentum_decay=group["momentum_decay"],
                             decoupled_weight_decay=group["decoupled_weight_decay"], maximize=group["maximize"])
        return loss
