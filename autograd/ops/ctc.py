"""Connectionist temporal classification: ctc_loss by the forward-backward algorithm in log space."""
import numpy as np

from .. import gradmath
from .._tensor import Tensor
from ..function import Op
from .loss import _const, _reduction, _tensor


def _lse(*xs):
    """Elementwise log(sum(exp(x))) of arrays that may hold -inf."""
    m = gradmath.xp(xs[0])
    top = xs[0]
    for x in xs[1:]:
        top = m.maximum(top, x)
    top = m.where(m.isfinite(top), top, 0)
    total = sum(m.exp(x - top) for x in xs)
    with np.errstate(divide="ignore"):
        return m.log(total) + top


def _shift(a, k, fill):
    """a shifted by k along the last axis (right for k > 0, left for k < 0); vacated entries become fill."""
    m = gradmath.xp(a)
    out = m.full(a.shape, fill, dtype=a.dtype)
    n = a.shape[-1]
    if k >= 0:
        out[..., k:] = a[..., :n - k]
    else:
        out[..., :n + k] = a[..., -k:]
    return out


class CTCLoss(Op):
    """Per-sample CTC negative log likelihood by the forward-backward algorithm in log space.

    The gradient (posteriors of the alignment states) is computed in forward; it is not differentiable again.
    """

    def forward(ctx, lp, ext, skip, in_len, tgt_len, zero_infinity):
        m = gradmath.xp(lp)
        t_max, n, c = lp.shape
        s_len = ext.shape[1]
        lpe = m.take_along_axis(lp, m.broadcast_to(ext[None], (t_max, n, s_len)), axis=2)  # (T, N, S')
        ninf = -m.inf
        states = m.arange(s_len)[None, :]
        ends = 2 * tgt_len[:, None]
        init = (states <= 1) & (states <= ends)
        alpha = m.full((t_max, n, s_len), ninf, dtype=lp.dtype)
        alpha[0] = m.where(init, lpe[0], ninf)
        for t in range(1, t_max):
            a = alpha[t - 1]
            alpha[t] = _lse(a, _shift(a, 1, ninf), m.where(skip, _shift(a, 2, ninf), ninf)) + lpe[t]
        last = m.clip(in_len - 1, 0, None)
        a_end = alpha[last, m.arange(n)]  # (N, S')
        final = (states == ends) | (states == ends - 1)
        nll = -_lse(*(m.where(states == e, a_end, ninf).max(axis=1) for e in (ends, ends - 1)))
        beta = m.full((t_max, n, s_len), ninf, dtype=lp.dtype)
        tcol = in_len[:, None] - 1
        skip_next = _shift(skip, -2, False)  # may state s jump to s + 2?
        for t in range(t_max - 1, -1, -1):
            if t + 1 < t_max:
                b = beta[t + 1]
                nxt = _lse(b, _shift(b, -1, ninf), m.where(skip_next, _shift(b, -2, ninf), ninf))
            else:
                nxt = m.full((n, s_len), ninf, dtype=lp.dtype)
            cur = m.where(t == tcol, m.where(final, 0.0, ninf), nxt) + lpe[t]
            beta[t] = m.where(t <= tcol, cur, ninf)
        with np.errstate(invalid="ignore", over="ignore"):
            post = m.exp(alpha + beta - lpe + nll[None, :, None])
        bad = ~m.isfinite(nll)
        post = m.where(m.isfinite(post) & ~bad[None, :, None], post, 0)
        onehot = (ext[:, :, None] == m.arange(c)[None, None, :]).astype(lp.dtype)  # (N, S', C)
        ctx.grad = -m.einsum("tns,nsc->tnc", post, onehot)
        ctx.save_for_backward(lp)
        if zero_infinity:
            nll = m.where(bad, 0, nll)
        return nll.astype(lp.dtype, copy=False)

    def backward(ctx, gy):
        (lp,) = ctx.saved_tensors
        if isinstance(lp, Tensor):  # create_graph: the gradient is recorded as a node that refuses to differentiate
            g = _const(ctx.grad) * gradmath.expand_dims(gy, (0, 2))
            return _OnceDifferentiable.apply(g, lp), None, None, None, None, None
        return ctx.grad * gy[None, :, None], None, None, None, None, None


class _OnceDifferentiable(Op):
    """Identity on x, attached to `source` on the tape; its backward refuses (a gradient that is final)."""

    def forward(ctx, x, source):
        return x

    def backward(ctx, gy):
        raise RuntimeError("ctc_loss: the gradient of ctc_loss is not differentiable (double backward is not "
                           "supported)")


def _lengths(x, n, what, xp):
    if isinstance(x, Tensor):
        x = x.array
    arr = xp.asarray(x).reshape(-1).astype(np.int64)
    if arr.shape != (n,):
        raise ValueError(f"ctc_loss: {what} must hold one length per sample ({n}), got shape {tuple(arr.shape)}")
    return arr


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """Connectionist temporal classification loss of log_probs (T, N, C) (log_softmax outputs) against targets."""
    op = "ctc_loss"
    reduction = _reduction(reduction, None, None, op)
    _tensor(log_probs, "log_probs", op)
    _tensor(targets, "targets", op, floating=False)
    unbatched = log_probs.ndim == 2
    lp = log_probs.unsqueeze(1) if unbatched else log_probs
    if lp.ndim != 3:
        raise ValueError(f"{op}: log_probs must have shape (T, N, C) or (T, C), got {tuple(log_probs.shape)}")
    t_max, n, c = lp.shape
    if not 0 <= blank < c:
        raise ValueError(f"{op}: blank ({blank}) must be a class index in [0, {c - 1}]")
    xp = lp.xp
    in_len = _lengths(input_lengths, n, "input_lengths", xp)
    tgt_len = _lengths(target_lengths, n, "target_lengths", xp)
    tg = targets.array.astype(np.int64)
    if unbatched and tg.ndim == 1:
        tg = tg[None]
    if bool((in_len > t_max).any()) or bool((in_len < 1).any()):
        raise ValueError(f"{op}: input_lengths must be between 1 and the time steps of log_probs ({t_max}), got "
                         f"{in_len.tolist()}")
    s_max = int(tgt_len.max()) if n else 0
    if tg.ndim == 1:  # concatenated targets: split them into a padded (N, S) array
        if tg.shape[0] != int(tgt_len.sum()):
            raise ValueError(f"{op}: concatenated targets hold {tg.shape[0]} labels but target_lengths sum to "
                             f"{int(tgt_len.sum())}")
        starts = xp.concatenate([xp.zeros(1, dtype=np.int64), xp.cumsum(tgt_len)[:-1]])
        pos = xp.minimum(starts[:, None] + xp.arange(max(s_max, 1))[None, :], max(tg.shape[0] - 1, 0))
        tg = tg[pos] if tg.shape[0] else xp.zeros((n, max(s_max, 1)), dtype=np.int64)
    elif tg.ndim != 2 or tg.shape[0] != n or tg.shape[1] < s_max:
        raise ValueError(f"{op}: targets must have shape (N, S) with S >= max(target_lengths) = {s_max}, or be the "
                         f"1-D concatenation of the targets, got {tuple(targets.shape)}")
    tg = tg[:, :max(s_max, 1)] if tg.shape[1] else xp.full((n, 1), blank, dtype=np.int64)
    live = xp.arange(tg.shape[1])[None, :] < tgt_len[:, None]
    bad = live & ((tg < 0) | (tg >= c) | (tg == blank))
    if bool(bad.any()):
        raise ValueError(f"{op}: targets must be class indices in [0, {c - 1}] other than blank ({blank}), got "
                         f"{int(tg[bad].reshape(-1)[0])}")
    tg = xp.where(live, tg, blank)
    s_len = 2 * tg.shape[1] + 1
    ext = xp.full((n, s_len), blank, dtype=np.int64)
    ext[:, 1::2] = tg
    prev2 = xp.full((n, s_len), -1, dtype=np.int64)
    prev2[:, 2:] = ext[:, :-2]
    skip = (ext != blank) & (ext != prev2)
    loss = CTCLoss.apply(lp, ext, skip, in_len, tgt_len, zero_infinity)
    if reduction == "mean":
        return (loss / _const(xp.maximum(tgt_len, 1).astype(loss.dtype))).mean()
    if reduction == "sum":
        return loss.sum()
    return loss[0] if unbatched else loss


__all__ = ["ctc_loss"]
METHODS = {}
