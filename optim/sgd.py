"""SGD: stochastic gradient descent with optional momentum, dampening, Nesterov momentum and weight decay."""
import autograd
from autograd import coo_array, kernels

from .optimizer import Optimizer, _check_flags, _check_lr, _check_weight_decay, _effective_grad

__all__ = ["SGD", "sgd_update"]


def sgd_update(p, g, buf, *, lr, momentum, dampening, nesterov, weight_decay, maximize):
    """One parameter's SGD update on raw arrays, in place; returns the momentum buffer (new on the first step).

    g_t = (-)g + wd*p; b_t = g_t (first step) or momentum*b + (1-dampening)*g_t;
    d = g_t + momentum*b_t (nesterov) or b_t; p -= lr*d.
    """
    if g.dtype == p.dtype:
        k = kernels.get("sgd_momentum" if momentum != 0 else "sgd", p)
        if k is not None:  # a real GPU: the whole update in one kernel
            if momentum == 0:
                k(g, lr, weight_decay, int(maximize), p)
                return buf
            first = buf is None
            if first:
                buf = autograd.backend.array_module(p).empty_like(p)
            k(g, lr, weight_decay, momentum, 1 - dampening, int(dampening != 0), int(nesterov), int(maximize),
              int(first), p, buf)
            return buf
    xp = autograd.backend.array_module(p)
    raw = g
    g = _effective_grad(p, g, weight_decay, maximize)
    d = g
    if momentum != 0:
        if buf is None:
            buf = g.copy() if g is raw else g
        else:
            buf *= momentum
            if dampening == 0:
                buf += g
            else:
                buf += (1 - dampening) * g
        if nesterov:
            d = xp.multiply(buf, momentum)
            d += g
        else:
            d = buf
    p -= d * lr
    return buf


def sgd_sparse_update(p, g, buf, *, lr, momentum, dampening, nesterov, maximize):
    """sgd_update for a sparse COO gradient g (no weight decay): only the rows g has change; the momentum buffer is
    sparse too (coalesced after each step), as PyTorch's."""
    if maximize:
        g = -g
    d = g
    if momentum != 0:
        buf = g.copy() if buf is None else coo_array.coalesce(buf * momentum + g * (1 - dampening))
        d = g + buf * momentum if nesterov else buf
    coo_array.scatter_add(p, d * -lr)
    return buf


# The fused updates compute sgd_update's formula, with the same coefficients in the same order.
_SGD_GRAD = "T ge = maximize ? -g : g; if (wd != (T)0) ge = p * wd + ge;"


@kernels.register("sgd")
def _sgd_kernel(cp, dtype):
    return cp.ElementwiseKernel("T g, T lr, T wd, int32 maximize", "T p", _SGD_GRAD + " p = p - ge * lr;",
                                f"tg_sgd_{dtype.name}")


@kernels.register("sgd_momentum")
def _sgd_momentum_kernel(cp, dtype):
    return cp.ElementwiseKernel(
        "T g, T lr, T wd, T momentum, T damp1, int32 dampen, int32 nesterov, int32 maximize, int32 first",
        "T p, T buf",
        _SGD_GRAD + " T b = first ? ge : (dampen ? buf * momentum + damp1 * ge : buf * momentum + ge);"
        " buf = b; T d = nesterov ? b * momentum + ge : b; p = p - d * lr;", f"tg_sgd_momentum_{dtype.name}")


class SGD(Optimizer):
    """Stochastic gradient descent (optionally with momentum), as torch.optim.SGD; takes sparse gradients (without
    weight decay)."""

    _sparse_grads = True

    def __init__(self, params=None, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov,
                        maximize=maximize, foreach=foreach, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)

    def _validate_group(self, group):
        _check_lr(group["lr"])
        if not group["momentum"] >= 0.0:
            raise ValueError(f"Invalid momentum value: {group['momentum']} (momentum must be >= 0)")
        _check_weight_decay(group["weight_decay"])
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening "
                             f"(got momentum={group['momentum']}, dampening={group['dampening']})")
        _check_flags(group)

    @autograd.no_grad()
    def step(self, closure=None):
        """Perform one SGD step; returns the closure's loss when a closure is given."""
        loss = self._eval_closure(closure)
        for group in self.param_groups:
            _check_sparse(group)
        for group in self.param_groups:
            momentum = group["momentum"]
            for p in self._with_grads(group):
                buf = None
                if momentum != 0:
                    state = self.state[p]
                    buf_t = state.get("momentum_buffer")
                    buf = None if buf_t is None else buf_t.array
                g = p.grad.array
                if g.__class__ is coo_array.SparseCOO and (buf is None or buf.__class__ is coo_array.SparseCOO):
                    new_buf = sgd_sparse_update(p.array, g, buf, lr=group["lr"], momentum=momentum,
                                                dampening=group["dampening"], nesterov=group["nesterov"],
                                                maximize=group["maximize"])
                    if momentum != 0:
                        state["momentum_buffer"] = autograd.Tensor._make(new_buf, None, 0)
                    continue
                if buf.__class__ is coo_array.SparseCOO:  # a dense gradient after sparse ones: the buffer densifies
                    buf = coo_array.to_dense(buf)
                    state["momentum_buffer"] = autograd.as_tensor(buf)
                if g.__class__ is coo_array.SparseCOO:
                    g = coo_array.to_dense(g)
                new_buf = sgd_update(p.array, g, buf, lr=group["lr"], momentum=momentum,
                                     dampening=group["dampening"], nesterov=group["nesterov"],
                                     weight_decay=group["weight_decay"], maximize=group["maximize"])
                if momentum != 0 and buf is None:
                    state["momentum_buffer"] = autograd.as_tensor(new_buf)
        return loss


def _check_sparse(group):
    """PyTorch's error for weight decay with a sparse gradient (raised before any parameter changes)."""
    if group["weight_decay"] != 0:
        for p in group["params"]:
            if p.grad is not None and p.grad.is_sparse:
                raise RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) instead. (SGD with "
                                   f"weight_decay={group['weight_decay']} and a sparse gradient, of a parameter of "
                                   f"shape {tuple(p.shape)}; use weight_decay=0 or a dense gradient)")
