"""Rprop: resilient backpropagation, a per-element step size grown or shrunk by the sign of successive gradients."""
import autograd

from .optimizer import Optimizer, _check_flags, _check_lr, _zeros_like

__all__ = ["Rprop", "rprop_update"]


def rprop_update(p, g, prev, step_size, *, etaminus, etaplus, step_size_min, step_size_max, maximize):
    """One parameter's Rprop update on raw arrays, in place.

    s = sign(g * prev) -> etaplus (same sign), etaminus (flipped: g counts as 0 this step), 1 (a zero);
    step_size = clip(step_size * s, min, max); p -= sign(g) * step_size; prev = g.
    """
    xp = autograd.backend.array_module(p)
    g = -g if maximize else g
    agree = xp.sign(g * prev)
    factor = xp.where(agree > 0, etaplus, xp.where(agree < 0, etaminus, 1.0)).astype(step_size.dtype)
    step_size *= factor
    xp.clip(step_size, step_size_min, step_size_max, out=step_size)
    g = xp.where(agree < 0, 0, g).astype(p.dtype)
    p -= xp.sign(g) * step_size
    prev[...] = g


def _pairs(z):
    """A complex array as (..., 2) real (real, imaginary) pairs sharing its memory, as torch.view_as_real."""
    return z[..., None].view(z.real.dtype)


class Rprop(Optimizer):
    """Rprop (Riedmiller & Braun, 1993), as torch.optim.Rprop."""

    def __init__(self, params=None, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False,
                 foreach=None, maximize=False, differentiable=False):
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def _validate_group(self, group):
        _check_lr(group["lr"])
        etaminus, etaplus = group["etas"]
        if not 0.0 < etaminus < 1.0 < etaplus:
            raise ValueError(f"Invalid eta values: {etaminus}, {etaplus} (need 0 < etaminus < 1 < etaplus)")
        _check_flags(group)

    def _init_state(self, p, group):
        lr = complex(group["lr"], group["lr"]) if p.is_complex() else group["lr"]  # both parts start at lr
        return {"prev": _zeros_like(p), "step_size": _zeros_like(p, lr)}

    @autograd.no_grad()
    def step(self, closure=None):
        """Perform one Rprop step; returns the closure's loss when a closure is given."""
        loss = self._eval_closure(closure)
        for group in self.param_groups:
            (etaminus, etaplus), (lo, hi) = group["etas"], group["step_sizes"]
            for p, state, _ in self._steps(group):
                arrays = (p.array, p.grad.array, state["prev"].array, state["step_size"].array)
                if p.is_complex():  # as PyTorch: the real and imaginary parts are stepped as separate elements
                    arrays = tuple(_pairs(a) for a in arrays)
                rprop_update(*arrays, etaminus=etaminus, etaplus=etaplus, step_size_min=lo, step_size_max=hi,
                             maximize=group["maximize"])
        return loss
