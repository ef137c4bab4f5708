"""Muon: momentum SGD for 2-D weights whose update is orthogonalised by a Newton-Schulz iteration in bfloat16."""
import math
import operator

import numpy as np

import autograd

from .optimizer import Optimizer, _check_lr, _check_tensor_lr, _refuse_complex, _zeros_like

__all__ = ["Muon", "muon_update", "newton_schulz"]

_ADJUST_LR = ("original", "match_rms_adamw")
_MAX_NS_STEPS = 100


def _bf16(xp, x):
    """float32 x rounded to the nearest bfloat16 (ties to even), kept as float32: PyTorch's bfloat16 arithmetic.

    Rounding is done on the bit pattern (add half an ulp of the 16 dropped bits, then drop them), so it runs the
    same through numpy and cupy; NaNs are passed through unchanged.
    """
    bits = x.view(xp.uint32)
    rounded = (bits + (xp.uint32(0x7FFF) + ((bits >> 16) & xp.uint32(1)))) & xp.uint32(0xFFFF0000)
    return xp.where(xp.isnan(x), x, rounded.view(xp.float32))


def _addmm_bf16(xp, beta, c, alpha, product):
    """bfloat16(beta*c + alpha*product) for float32 arrays of bfloat16 values, as PyTorch's bfloat16 addmm: the
    product summed in float32, then one fused multiply-add (exact here through float64) before the rounding."""
    fused = (alpha * product).astype(xp.float64)
    fused += float(beta) * c.astype(xp.float64)
    return _bf16(xp, fused.astype(xp.float32))


def newton_schulz(g, coefficients, eps, steps):
    """Approximately orthogonalise a 2-D array as torch.optim.Muon does, in bfloat16 (float32 arrays rounded to
    bfloat16 after each of PyTorch's bfloat16 ops); returns a float32 array of bfloat16 values.

    X = G / max(||G||_F, eps), transposed when it has more rows than columns; then `steps` times
    A = X X^T; B = b A + c A A; X = a X + B X.
    """
    xp = autograd.backend.array_module(g)
    a, b, c = (np.float32(k) for k in coefficients)
    x = _bf16(xp, g.astype(xp.float32))
    norm = _bf16(xp, xp.sqrt(xp.sum(x * x, dtype=xp.float32)))
    x = _bf16(xp, x / xp.maximum(norm, float(_bf16(np, np.float32(eps)))))  # eps: a floor, itself in bfloat16
    tall = x.shape[0] > x.shape[1]
    if tall:
        x = x.T
    for _ in range(steps):
        gram = _bf16(xp, x @ x.T)
        poly = _addmm_bf16(xp, b, gram, c, gram @ gram)
        x = _addmm_bf16(xp, a, x, np.float32(1), poly @ x)
    return x.T if tall else x


def _fma(xp, a, b, c):
    """a*b + c rounded once, as PyTorch's CPU kernels compute it: float32 (and below) through float64, float64
    through error-free transformations (Veltkamp/Dekker's exact product, Knuth's exact sum); `a` is a Python float."""
    if b.dtype != xp.float64:
        return (float(b.dtype.type(a)) * b.astype(xp.float64) + c).astype(b.dtype)
    prod = b * a
    split = float(2 ** 27 + 1)
    a_hi = a * split - (a * split - a)
    a_lo = a - a_hi
    t = b * split
    b_hi = t - (t - b)
    b_lo = b - b_hi
    prod_err = ((b_hi * a_hi - prod) + b_hi * a_lo + b_lo * a_hi) + b_lo * a_lo
    total = prod + c
    back = total - c
    sum_err = (c - (total - back)) + (prod - back)
    total += sum_err + prod_err
    return total


def _lerp(xp, start, end, weight):
    """start + weight * (end - start) as PyTorch's lerp computes it: one fused multiply-add from the nearer end."""
    diff = end - start
    if abs(weight) < 0.5:
        return _fma(xp, weight, diff, start)
    return _fma(xp, -float(1 - diff.dtype.type(weight)), diff, end)


def adjusted_lr(lr, shape, adjust_lr_fn):
    """The learning rate for a (rows, cols) weight: lr*sqrt(max(1, rows/cols)) ('original', the default) or
    0.2*lr*sqrt(max(rows, cols)) ('match_rms_adamw', the RMS of an AdamW update)."""
    rows, cols = shape
    if adjust_lr_fn == "match_rms_adamw":
        return lr * (0.2 * math.sqrt(max(rows, cols)))
    return lr * math.sqrt(max(1, rows / cols))


def muon_update(p, g, buf, *, lr, weight_decay, momentum, nesterov, ns_coefficients, eps, ns_steps, adjust_lr_fn):
    """One 2-D parameter's Muon update on raw arrays, in place.

    B = lerp(B, g, 1-momentum); U = lerp(g, B, momentum) (nesterov) or B; O = newton_schulz(U);
    p *= 1 - lr*wd; p -= adjusted_lr(lr) * O.
    """
    xp = autograd.backend.array_module(p)
    buf[...] = _lerp(xp, buf, g, 1 - momentum)
    update = _lerp(xp, g, buf, momentum) if nesterov else buf
    ortho = newton_schulz(update, ns_coefficients, eps, ns_steps)
    if weight_decay:
        p *= 1 - lr * weight_decay
    p[...] = _fma(xp, -adjusted_lr(lr, p.shape, adjust_lr_fn), ortho.astype(p.dtype), p)


class Muon(Optimizer):
    """Muon (Keller Jordan et al., 2024), as torch.optim.Muon: for 2-D weights only (optimize biases, embeddings
    and other parameters with AdamW).

    The Newton-Schulz iteration runs in bfloat16, as PyTorch's does: the steps equal PyTorch's CPU ones bit for bit
    while the float32 sums inside its matrix products round alike (small matrices), and otherwise differ by a
    bfloat16 rounding of some elements of the update.
    """

    def __init__(self, params=None, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                 ns_coefficients=(3.4445, -4.775, 2.0315), eps=1e-7, ns_steps=5, adjust_lr_fn=None):
        defaults = dict(lr=lr, weight_decay=weight_decay, momentum=momentum, nesterov=nesterov,
                        ns_coefficients=ns_coefficients, eps=eps, ns_steps=ns_steps, adjust_lr_fn=adjust_lr_fn)
        super().__init__(params, defaults)

    def _validate_group(self, group):
        _check_tensor_lr(group["lr"])
        _check_lr(group["lr"])
        if not group["weight_decay"] >= 0.0:
            raise ValueError(f"weight decay should be >= 0 but is: {group['weight_decay']}")
        if not group["momentum"] >= 0.0:
            raise ValueError(f"momentum should be >= 0 but is: {group['momentum']}")
        if group["adjust_lr_fn"] is not None and group["adjust_lr_fn"] not in _ADJUST_LR:
            raise ValueError(f"Adjust learning rate function {group['adjust_lr_fn']} is not supported; use one of "
                             f"{_ADJUST_LR} or None (= 'original')")
        if len(group["ns_coefficients"]) != 3:
            raise ValueError(f"Coefficients must be a tuple of exactly 3 values (a, b, c), got "
                             f"{group['ns_coefficients']!r}")
        try:
            operator.index(group["ns_steps"])
        except TypeError:
            raise TypeError(f"Muon: ns_steps must be an int, got {type(group['ns_steps']).__name__} "
                            f"{group['ns_steps']!r}") from None
        if group["ns_steps"] >= _MAX_NS_STEPS:
            raise ValueError(f"Number of steps must be less than {_MAX_NS_STEPS} for computational efficiency "
                             f"(got ns_steps={group['ns_steps']}; the default is 5)")
        for p in group.get("params", ()):
            if p.ndim != 2:
                raise ValueError(f"Muon only supports 2D parameters whereas we found a parameter with size: "
                                 f"{tuple(p.shape)}; optimize biases, embeddings and other non-2-D parameters with "
                                 "AdamW (a second optimizer)")

    @autograd.no_grad()
    def step(self, closure=None):
        """Perform one Muon step; returns the closure's loss when a closure is given."""
        loss = self._eval_closure(closure)
        _refuse_complex("Muon", self.param_groups)
        for group in self.param_groups:
            hyper = dict(lr=float(group["lr"]), weight_decay=group["weight_decay"], momentum=group["momentum"],
                         nesterov=group["nesterov"], ns_coefficients=group["ns_coefficients"], eps=group["eps"],
                         ns_steps=group["ns_steps"], adjust_lr_fn=group["adjust_lr_fn"])
            for p in self._with_grads(group):
                state = self.state[p]
                if "momentum_buffer" not in state:
                    state["momentum_buffer"] = _zeros_like(p)
                muon_update(p.array, p.grad.array, state["momentum_buffer"].array, **hyper)
        return loss
