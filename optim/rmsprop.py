"""RMSprop: gradients divided by a running root-mean-square, optionally centered and with momentum."""
import autograd

from .optimizer import (Optimizer, _check_eps, _check_flags, _check_lr, _check_weight_decay, _effective_grad,
                        _zeros_like)

__all__ = ["RMSprop", "rmsprop_update"]


def rmsprop_update(p, g, square_avg, grad_avg, momentum_buffer, *, lr, alpha, eps, weight_decay, momentum, centered,
                   maximize):
    """One parameter's RMSprop update on raw arrays, in place.

    v = alpha*v + (1-alpha)*g^2; gbar = lerp(gbar, g, 1-alpha) (centered); avg = sqrt(v - gbar^2 or v) + eps;
    b = momentum*b + g/avg, p -= lr*b (momentum > 0), else p -= lr*g/avg.
    """
    xp = autograd.backend.array_module(p)
    g = _effective_grad(p, g, weight_decay, maximize)
    square_avg *= alpha
    avg = xp.multiply(g, g)
    avg *= 1 - alpha
    square_avg += avg
    if centered:
        xp.subtract(g, grad_avg, out=avg)
        avg *= 1 - alpha
        grad_avg += avg
        xp.multiply(grad_avg, grad_avg, out=avg)
        xp.subtract(square_avg, avg, out=avg)
        xp.sqrt(avg, out=avg)
    else:
        xp.sqrt(square_avg, out=avg)
    avg += eps
    if momentum > 0:
        momentum_buffer *= momentum
        xp.divide(g, avg, out=avg)
        momentum_buffer += avg
        xp.multiply(momentum_buffer, lr, out=avg)
    else:
        xp.divide(g, avg, out=avg)
        avg *= lr
    p -= avg


class RMSprop(Optimizer):
    """RMSprop (Hinton's lecture 6e; centered variant of Graves, 2013), as torch.optim.RMSprop."""

    def __init__(self, params=None, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered, weight_decay=weight_decay,
                        capturable=capturable, foreach=foreach, maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def _validate_group(self, group):
        _check_lr(group["lr"])
        _check_eps(group["eps"])
        if not group["momentum"] >= 0.0:
            raise ValueError(f"Invalid momentum value: {group['momentum']} (momentum must be >= 0)")
        _check_weight_decay(group["weight_decay"])
        if not group["alpha"] >= 0.0:
            raise ValueError(f"Invalid alpha value: {group['alpha']} (alpha must be >= 0)")
        _check_flags(group)

    def _init_state(self, p, group):
        return {"square_avg": _zeros_like(p)}

    def _option_buffers(self, group):
        return (("momentum_buffer",) if group["momentum"] > 0 else ()) + (("grad_avg",) if group["centered"] else ())

    @autograd.no_grad()
    def step(self, closure=None):
        """Perform one RMSprop step; returns the closure's loss when a closure is given."""
        loss = self._eval_closure(closure)
        for group in self.param_groups:
            momentum, centered = group["momentum"], group["centered"]
            for p, state, _ in self._steps(group):
                rmsprop_update(p.array, p.grad.array, state["square_avg"].array,
                               state["grad_avg"].array if centered else None,
                               state["momentum_buffer"].array if momentum > 0 else None,
                               lr=group["lr"], alpha=group["alpha"], eps=group["eps"],
                               weight_decay=group["weight_decay"], momentum=momentum, centered=centered,
                               maximize=group["maximize"])
        return loss
