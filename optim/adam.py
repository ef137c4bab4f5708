"""Adam and AdamW: adaptive moment estimation, with L2 or decoupled weight decay and the AMSGrad variant."""
import autograd

from .optimizer import (Optimizer, _check_betas, _check_eps, _check_flags, _check_lr, _check_weight_decay,
                        _effective_grad, _incr_step, _new_step, _update, _zeros_like)

__all__ = ["Adam", "AdamW", "adam_update"]


def adam_update(p, g, exp_avg, exp_avg_sq, max_exp_avg_sq, step, *, lr, beta1, beta2, eps, weight_decay, amsgrad,
                maximize, decoupled_weight_decay):
    """One parameter's Adam/AdamW update on raw arrays, in place (`step` is the count after this step).

    p *= 1 - lr*wd (decoupled) or g += wd*p (L2); m = lerp(m, g, 1-b1); v = b2*v + (1-b2)*g^2;
    v_hat = max(v_hat, v) (amsgrad); p -= lr/(1-b1^t) * m / (sqrt(v or v_hat)/sqrt(1-b2^t) + eps).
    """
    xp = autograd.backend.array_module(p)
    if weight_decay and decoupled_weight_decay:
        p *= 1 - lr * weight_decay
        g = -g if maximize else g
    else:
        g = _effective_grad(p, g, weight_decay, maximize)
    tmp = xp.subtract(g, exp_avg)
    tmp *= 1 - beta1
    exp_avg += tmp
    exp_avg_sq *= beta2
    xp.multiply(g, g, out=tmp)
    tmp *= 1 - beta2
    exp_avg_sq += tmp
    bias_correction1 = 1 - beta1 ** step
    bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
    second = exp_avg_sq
    if amsgrad:
        xp.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
        second = max_exp_avg_sq
    xp.sqrt(second, out=tmp)
    tmp /= bias_correction2_sqrt
    tmp += eps
    xp.divide(exp_avg, tmp, out=tmp)
    tmp *= lr / bias_correction1
    p -= tmp


class Adam(Optimizer):
    """Adam (Kingma & Ba), as torch.optim.Adam; decoupled_weight_decay=True makes it AdamW."""

    def __init__(self, params=None, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _validate_group(self, group):
        _check_lr(group["lr"])
        _check_eps(group["eps"])
        _check_betas(group["betas"])
        _check_weight_decay(group["weight_decay"])
        _check_flags(group)

    @autograd.no_grad()
    def step(self, closure=None):
        """Perform one Adam step; returns the closure's loss when a closure is given."""
        loss = self._eval_closure(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            amsgrad = group["amsgrad"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["step"] = _new_step()
                    state["exp_avg"] = _zeros_like(p)
                    state["exp_avg_sq"] = _zeros_like(p)
                    if amsgrad:
                        state["max_exp_avg_sq"] = _zeros_like(p)
                elif amsgrad and "max_exp_avg_sq" not in state:
                    state["max_exp_avg_sq"] = _zeros_like(p)
                step = _incr_step(state["step"])
                adam_update(p.data, p.grad.data, state["exp_avg"].data, state["exp_avg_sq"].data,
                            state["max_exp_avg_sq"].data if amsgrad else None, step,
                            lr=group["lr"], beta1=beta1, beta2=beta2, eps=group["eps"],
                            weight_decay=group["weight_decay"], amsgrad=amsgrad, maximize=group["maximize"],
                            decoupled_weight_decay=group["decoupled_weight_decay"])
                _update(p)
        return loss


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter), as torch.optim.AdamW."""

    def __init__(self, params=None, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                         foreach=foreach, maximize=maximize, capturable=capturable, differentiable=differentiable,
                         fused=fused, decoupled_weight_decay=True)
