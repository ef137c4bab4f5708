"""SparseAdam: lazy Adam for sparse gradients (nn.Embedding(sparse=True)), updating only the rows a step touches."""
import math

import autograd
from autograd import coo_array

from .optimizer import Optimizer, _check_betas, _check_eps, _check_lr, _zeros_like

__all__ = ["SparseAdam", "sparse_adam_update"]


def sparse_adam_update(p, g, exp_avg, exp_avg_sq, step, *, lr, beta1, beta2, eps, maximize):
    """One parameter's lazy Adam update on raw arrays, in place, at the rows of the (coalesced) sparse gradient g:
    m += (1-b1)(g - m), v += (1-b2)(g^2 - v) there, then p -= lr*sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps)."""
    g = coo_array.coalesce(-g if maximize else g)
    if not g.nnz:
        return
    rows = tuple(g.indices)
    vals = g.values
    old_m = exp_avg[rows]
    m_update = (vals - old_m) * (1 - beta1)
    exp_avg[rows] = old_m + m_update
    old_v = exp_avg_sq[rows]
    v_update = (vals * vals - old_v) * (1 - beta2)
    exp_avg_sq[rows] = old_v + v_update
    numer = m_update + old_m
    denom = (v_update + old_v) ** 0.5 + eps
    step_size = lr * math.sqrt(1 - beta2 ** step) / (1 - beta1 ** step)
    p[rows] += (numer / denom) * -step_size


class SparseAdam(Optimizer):
    """Adam for sparse gradients, as torch.optim.SparseAdam: the moments and parameters change only at the rows of
    each step's gradient (dense gradients are refused: use Adam for them)."""

    _sparse_grads = True

    def __init__(self, params=None, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False):
        defaults = dict(lr=lr, betas=betas, eps=eps, maximize=maximize)
        super().__init__(params, defaults)

    def _validate_group(self, group):
        _check_lr(group["lr"])
        _check_eps(group["eps"])
        _check_betas(group["betas"])
        sparse = [[0, i] for i, p in enumerate(group.get("params", ())) if p.is_sparse]
        if sparse:
            raise ValueError(f"Sparse params at indices {sparse}: SparseAdam requires dense parameter tensors")

    @autograd.no_grad()
    def step(self, closure=None):
        """Perform one SparseAdam step; returns the closure's loss when a closure is given."""
        loss = self._eval_closure(closure)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None and not p.grad.is_sparse:
                    raise RuntimeError("SparseAdam does not support dense gradients, please consider Adam instead (a "
                                       f"parameter of shape {tuple(p.shape)} has a dense gradient)")
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in self._with_grads(group):
                state = self.state[p]
                if not state:
                    state.update(step=0, exp_avg=_zeros_like(p), exp_avg_sq=_zeros_like(p))
                state["step"] += 1
                sparse_adam_update(p.array, p.grad.array, state["exp_avg"].array, state["exp_avg_sq"].array,
                                   state["step"], lr=group["lr"], beta1=beta1, beta2=beta2, eps=group["eps"],
                                   maximize=group["maximize"])
        return loss
