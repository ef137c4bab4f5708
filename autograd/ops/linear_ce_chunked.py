"""linear_cross_entropy's chunked path: the (rows, classes) logits are made and dropped one batch chunk at a time."""
import numpy as np

from .. import backend
from .._tensor import Tensor
from ..function import Op


def _chunk(x, w, b, t, weight, ignore_index, lo, hi):
    """Rows lo:hi (all in the accumulation dtype): the row inputs, the weighted row losses, d(row loss)/d(logits)
    and the target weights."""
    m = backend.array_module(x)
    xc = x[lo:hi]
    z = xc @ w.T
    if b is not None:
        z += b
    top = z.max(axis=1, keepdims=True)
    e = m.exp(z - top)
    s = e.sum(axis=1, keepdims=True)
    tc = t[lo:hi]
    valid = tc != ignore_index
    tt = m.where(valid, tc, 0)
    wt = valid.astype(x.dtype) if weight is None else weight[tt] * valid
    rows = m.arange(hi - lo)
    loss = (m.log(s[:, 0]) + top[:, 0] - z[rows, tt]) * wt
    e /= s
    e[rows, tt] -= 1
    e *= wt[:, None]
    return xc, loss, e, wt


def _no_graph(gy):
    if isinstance(gy, Tensor):
        raise RuntimeError("linear_cross_entropy: the chunked path (options=...) does not support higher-order "
                           "gradients (create_graph=True); pass options=None for them")


class ChunkedLinearCrossEntropy(Op):
    """The mean or sum loss, with its gradients computed in the forward (chunk by chunk); backward scales them."""

    def forward(ctx, x, w, b, cfg):
        t, weight, ignore_index, reduction, chunk, acc, allow_retain_graph, needs = cfg
        m = backend.array_module(x)
        xa, wa = x.astype(acc, copy=False), w.astype(acc, copy=False)
        ba = None if b is None else b.astype(acc, copy=False)
        gx = m.empty(x.shape, dtype=acc) if needs[0] else None
        gw = m.zeros(w.shape, dtype=acc) if needs[1] else None
        gb = m.zeros(w.shape[:1], dtype=acc) if needs[2] else None
        total = m.zeros((), dtype=acc)
        den = m.zeros((), dtype=acc)
        for lo in range(0, x.shape[0], chunk):
            hi = min(lo + chunk, x.shape[0])
            xc, loss, g, wt = _chunk(xa, wa, ba, t, weight, ignore_index, lo, hi)
            total += loss.sum()
            den += wt.sum()
            if gx is not None:
                gx[lo:hi] = g @ wa
            if gw is not None:
                gw += g.T @ xc
            if gb is not None:
                gb += g.sum(axis=0)
        scale = 1.0
        if reduction == "mean":  # every target ignored: the loss is nan, its gradient 0 (as the reference path)
            scale = m.where(den == 0, 0, 1 / m.where(den == 0, 1, den))
            with np.errstate(invalid="ignore", divide="ignore"):
                total = total / den
        ctx.grads = [None if g is None else (g * scale).astype(a.dtype, copy=False)
                     for g, a in ((gx, x), (gw, w), (gb, b))]
        ctx.allow_retain_graph = allow_retain_graph
        return total.astype(x.dtype)

    def backward(ctx, gy):
        _no_graph(gy)
        grads = ctx.grads
        if grads is None:
            raise RuntimeError("linear_cross_entropy chunked backward called twice; retain_graph=True / double "
                               "backward need LinearCrossEntropyOptions(allow_retain_graph=True)")
        if not ctx.allow_retain_graph:
            ctx.grads = None
        return tuple(None if g is None else g * gy for g in grads) + (None,)


class ChunkedLinearCrossEntropyRows(Op):
    """The per-row losses (reduction 'none'); backward recomputes each chunk's gradients from the saved inputs."""

    def forward(ctx, x, w, b, cfg):
        t, weight, ignore_index, reduction, chunk, acc, allow_retain_graph, needs = cfg
        m = backend.array_module(x)
        xa, wa = x.astype(acc, copy=False), w.astype(acc, copy=False)
        ba = None if b is None else b.astype(acc, copy=False)
        out = m.empty(x.shape[:1], dtype=acc)
        for lo in range(0, x.shape[0], chunk):
            hi = min(lo + chunk, x.shape[0])
            out[lo:hi] = _chunk(xa, wa, ba, t, weight, ignore_index, lo, hi)[1]
        ctx.inputs, ctx.cfg = (x, w, b), cfg
        return out.astype(x.dtype, copy=False)

    def backward(ctx, gy):
        _no_graph(gy)
        (x, w, b), (t, weight, ignore_index, _, chunk, acc, _, needs) = ctx.inputs, ctx.cfg
        m = backend.array_module(x)
        xa, wa = x.astype(acc, copy=False), w.astype(acc, copy=False)
        ba = None if b is None else b.astype(acc, copy=False)
        gya = gy.astype(acc, copy=False)
        gx = m.empty(x.shape, dtype=acc) if needs[0] else None
        gw = m.zeros(w.shape, dtype=acc) if needs[1] else None
        gb = m.zeros(w.shape[:1], dtype=acc) if needs[2] else None
        for lo in range(0, x.shape[0], chunk):
            hi = min(lo + chunk, x.shape[0])
            xc, _, g, _ = _chunk(xa, wa, ba, t, weight, ignore_index, lo, hi)
            g *= gya[lo:hi, None]
            if gx is not None:
                gx[lo:hi] = g @ wa
            if gw is not None:
                gw += g.T @ xc
            if gb is not None:
                gb += g.sum(axis=0)
        return tuple(None if g is None else g.astype(a.dtype, copy=False)
                     for g, a in ((gx, x), (gw, w), (gb, b))) + (None,)


__all__ = []  # the engine of nn.functional.linear_cross_entropy(..., options=...)
METHODS = {}
