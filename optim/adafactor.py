"""Adafactor: Adam-like steps with factored (row and column) second moments and a relative step size."""
import math

import numpy as np

import autograd

from .optimizer import Optimizer, _check_lr, _check_tensor_lr, _check_weight_decay, _refuse_complex, _zeros_like

__all__ = ["Adafactor", "adafactor_update"]


def _rms(xp, a):
    """The root mean square of an array, as a Python float."""
    return math.sqrt(float(xp.mean(a * a))) if a.size else 0.0


def adafactor_update(p, g, row_var, col_var, variance, step, *, lr, beta2_decay, eps1, eps2, d, weight_decay,
                     maximize):
    """One parameter's Adafactor update on raw arrays, in place (`step` is the count after this step).

    beta2 = 1 - t^beta2_decay; alpha = max(eps2, RMS(p)) * min(lr, 1/sqrt(t)); p *= 1 - lr*wd;
    >= 2-D: R = lerp(R, mean(g^2, -1), 1-beta2), C = lerp(C, mean(g^2, -2), 1-beta2), V = R*C / max(mean(R, -2), eps1);
    else V = lerp(V, g^2, 1-beta2); U = g / max(sqrt(V), eps1); p -= alpha * U / max(1, RMS(U)/d).
    """
    xp = autograd.backend.array_module(p)
    if maximize:
        g = -g
    if eps1 is None:
        eps1 = float(np.finfo(p.dtype).eps)
    one_minus_beta2 = step ** beta2_decay
    alpha = max(eps2, _rms(xp, p)) * min(lr, 1 / math.sqrt(step))
    if weight_decay:
        p *= 1 - lr * weight_decay
    sq = g * g
    if variance is None:
        row_var += (xp.mean(sq, axis=-1, keepdims=True) - row_var) * one_minus_beta2
        col_var += (xp.mean(sq, axis=-2, keepdims=True) - col_var) * one_minus_beta2
        var = row_var * col_var
        var /= xp.maximum(xp.mean(row_var, axis=-2, keepdims=True), eps1)
    else:
        variance += (sq - variance) * one_minus_beta2
        var = variance.copy()
    xp.sqrt(var, out=var)
    xp.maximum(var, eps1, out=var)
    update = xp.divide(g, var, out=var)
    update *= alpha / max(1.0, _rms(xp, update) / d)
    p -= update


class Adafactor(Optimizer):
    """Adafactor (Shazeer & Stern, 2018), as torch.optim.Adafactor: lr caps the relative step size and scales the
    decoupled weight decay; >= 2-D parameters keep row and column second moments over their last two dimensions."""

    def __init__(self, params=None, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0, *,
                 foreach=None, maximize=False):
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize)
        super().__init__(params, defaults)

    def _validate_group(self, group):
        _check_tensor_lr(group["lr"])
        _check_lr(group["lr"])
        try:
            eps1, eps2 = group["eps"]
        except (TypeError, ValueError):
            raise TypeError(f"Adafactor: eps must be a pair (eps1, eps2) with eps1 a float or None, got "
                            f"{group['eps']!r}; the default is (None, 1e-3)") from None
        if eps1 is not None and not eps1 >= 0.0:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps1} (eps[0] stabilises the second moment; None "
                             "uses the parameter dtype's machine epsilon)")
        if not eps2 >= 0.0:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps2} (eps[1] is the smallest parameter scale)")
        if not group["beta2_decay"] <= 0.0:
            raise ValueError(f"beta2_decay should be <= 0 but is: {group['beta2_decay']} (beta2 = 1 - t^beta2_decay "
                             "must grow towards 1)")
        if not group["d"] >= 1.0:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {group['d']}")
        _check_weight_decay(group["weight_decay"])

    def _init_state(self, p, group):
        if p.ndim < 2:
            return {"variance": _zeros_like(p)}
        shape = tuple(p.shape)
        return {"row_var": autograd.zeros(shape[:-1] + (1,), dtype=p.dtype, device=p.device),
                "col_var": autograd.zeros(shape[:-2] + (1, shape[-1]), dtype=p.dtype, device=p.device)}

    @autograd.no_grad()
    def step(self, closure=None):
        """Perform one Adafactor step; returns the closure's loss when a closure is given."""
        loss = self._eval_closure(closure)
        _refuse_complex("Adafactor", self.param_groups)
        for group in self.param_groups:
            eps1, eps2 = group["eps"]
            hyper = dict(lr=float(group["lr"]), beta2_decay=group["beta2_decay"], eps1=eps1, eps2=eps2, d=group["d"],
                         weight_decay=group["weight_decay"], maximize=group["maximize"])
            for p, state, step in self._steps(group):
                factored = "variance" not in state
                adafactor_update(p.array, p.grad.array, state["row_var"].array if factored else None,
                                 state["col_var"].array if factored else None,
                                 None if factored else state["variance"].array, step, **hyper)
        return loss
