"""Losses: mse, l1, smooth_l1, huber, cross_entropy, nll, binary_cross_entropy (with logits), kl_div, margins, ..."""
import math
import warnings

import numpy as np

from .. import backend, dtypes, gradmath, kernels
from .._tensor import Tensor
from ..function import Op
from . import unary
from .activation import LogSoftmax, Softmax, _log1pexp, _row_kernel
from .normalization import pairwise_distance

_REDUCTIONS = ("none", "mean", "sum")


# ---------------------------------------------------------------------------- helpers
def _reduction(reduction, size_average, reduce, op, extra=()):
    """The reduction mode, from `reduction` or the deprecated size_average / reduce flags (as PyTorch)."""
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = "none" if not reduce else ("mean" if size_average else "sum")
        warnings.warn(f"{op}: size_average and reduce args will be deprecated, please use "
                      f"reduction='{reduction}' instead.", stacklevel=3)
    if reduction not in _REDUCTIONS + extra:
        allowed = ", ".join(repr(r) for r in _REDUCTIONS + extra)
        raise ValueError(f"{op}: reduction must be one of {allowed}, got {reduction!r}")
    return reduction


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _const(a):
    """A constant tensor (no gradient) from an array (0-d comparisons give numpy scalars: made arrays here)."""
    return Tensor._make(gradmath.xp(a).asarray(a), None, 0)


def _tensor(x, what, op, floating=True):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: {what} must be a tensor, got {type(x).__name__}")
    if floating and x.dtype not in dtypes.FLOATS:
        raise TypeError(f"{op}: {what} must be a floating point tensor, got dtype {x.dtype}; convert it with "
                        ".float()")
    return x


def _pair(input, target, op, strict=False):
    """Check an (input, target) pair of float tensors: a size mismatch warns and broadcasts (strict: raises)."""
    _tensor(input, "input", op)
    _tensor(target, "target", op)
    if input.shape != target.shape:
        try:
            np.broadcast_shapes(input.shape, target.shape)
            ok = not strict
        except ValueError:
            ok = False
        if not ok:  # PyTorch: ValueError from the strict losses (binary_cross_entropy), else a broadcast error
            raise (ValueError if strict else RuntimeError)(
                f"{op}: target of shape {tuple(target.shape)} does not match the input of shape "
                f"{tuple(input.shape)}; they must have the same shape")
        warnings.warn(f"{op}: using a target size {tuple(target.shape)} that is different to the input size "
                      f"{tuple(input.shape)}. This will likely lead to incorrect results due to broadcasting. "
                      "Please ensure they have the same size.", stacklevel=3)
    return input, target


def _weighted(loss, weight, reduction, input, op, mean_by_weight=True):
    """Apply per-element weights (same size as input) and reduce; 'mean' divides by sum(weight) (as PyTorch)."""
    if weight is None:
        return _reduce(loss, reduction)
    _tensor(weight, "weight", op)
    if weight.shape != input.shape:
        raise RuntimeError(f"{op}: weight of shape {tuple(weight.shape)} must have the input's shape "
                           f"{tuple(input.shape)}")
    loss = loss * weight
    if reduction == "mean" and mean_by_weight:
        return loss.sum() / weight.sum()
    return _reduce(loss, reduction)


# ---------------------------------------------------------------------------- regression losses
def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error (input - target)^2, reduced."""
    reduction = _reduction(reduction, size_average, reduce, "mse_loss")
    input, target = _pair(input, target, "mse_loss")
    d = input - target
    return _weighted(d * d, weight, reduction, input, "mse_loss")


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error |input - target|, reduced."""
    reduction = _reduction(reduction, size_average, reduce, "l1_loss")
    input, target = _pair(input, target, "l1_loss")
    return _weighted(unary.abs(input - target), weight, reduction, input, "l1_loss")


def _piecewise_quadratic(d, width, linear_scale):
    """scale * (0.5 d^2 / width) where |d| < width, else scale * (|d| - 0.5 width): smooth_l1 and huber."""
    a = unary.abs(d)
    with np.errstate(over="ignore"):  # d * d overflows only where |d| >= width, where the linear branch is taken
        quad = d * d * (0.5 * linear_scale / width)
    return unary.where(a < width, quad, (a - 0.5 * width) * linear_scale)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (d = input - target)."""
    reduction = _reduction(reduction, size_average, reduce, "smooth_l1_loss")
    input, target = _pair(input, target, "smooth_l1_loss")
    if beta < 0:
        raise RuntimeError(f"smooth_l1_loss: beta must be non-negative, got {beta}")
    d = input - target
    if beta == 0:
        return _reduce(unary.abs(d), reduction)
    return _reduce(_piecewise_quadratic(d, beta, 1.0), reduction)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """0.5 d^2 where |d| < delta, else delta * (|d| - 0.5 delta) (d = input - target)."""
    reduction = _reduction(reduction, None, None, "huber_loss")
    input, target = _pair(input, target, "huber_loss")
    if delta <= 0:
        raise RuntimeError(f"huber_loss: delta must be positive, got {delta}")
    loss = _piecewise_quadratic(input - target, delta, delta)
    return _weighted(loss, weight, reduction, input, "huber_loss", mean_by_weight=False)


# ---------------------------------------------------------------------------- class-index losses (fused)
class TakeFlat(Op):
    """y = x.reshape(-1)[idx] (idx holds distinct positions)."""

    def forward(ctx, x, idx):
        ctx.idx, ctx.shape = idx, x.shape
        return x.reshape(-1)[idx]

    def backward(ctx, gy):
        return _put_flat(gy, ctx.idx, ctx.shape), None


class PutFlat(Op):
    """y = zeros(shape) with y.reshape(-1)[idx] = v (idx holds distinct positions)."""

    def forward(ctx, v, idx, shape):
        ctx.idx = idx
        return _put_flat(v, idx, shape)

    def backward(ctx, gy):
        return _take_flat(gy, ctx.idx), None, None


def _take_flat(x, idx):
    if isinstance(x, Tensor):
        return TakeFlat.apply(x, idx)
    return x.reshape(-1)[idx]


def _put_flat(v, idx, shape):
    if isinstance(v, Tensor):
        return PutFlat.apply(v, idx, shape)
    m = gradmath.xp(v)
    out = m.zeros(math.prod(shape), dtype=v.dtype)
    out[idx] = v
    return out.reshape(shape)


def _sub_at(g, idx, v):
    """g - (v placed at the flat positions idx); in place on a fresh array, recorded on Tensors."""
    if isinstance(g, Tensor) or isinstance(v, Tensor):
        return g - _put_flat(v, idx, tuple(g.shape))
    g = gradmath.xp(g).ascontiguousarray(g)  # so that reshape(-1) is a view (elementwise ops keep F order)
    g.reshape(-1)[idx] -= v
    return g


class ClassLoss(Op):
    """Cross entropy (logits=True: log_softmax inside) or nll (input holds log-probabilities) on class indices.

    x is viewed as (N, C, D); the loss of element (n, d) is -(1 - eps) w[t] logp[n, t, d]
    - eps / C * sum_c w[c] logp[n, c, d] (eps: label smoothing), 0 where the target is ignored. Reduction
    happens inside; 'mean' divides by the summed weights of the targets that are not ignored. Backward is
    g * (softmax * sum(q) - q) for the target distribution q, or -g * w[t] scattered for nll.
    """

    def forward(ctx, x, cfg):
        shape3, idx, wt, w, valid, eps, logits, reduction, out_shape = cfg
        m = gradmath.xp(x)
        x3 = x.reshape(shape3)
        c = shape3[1]
        ctx.cfg, ctx.in_shape, ctx.den = cfg, x.shape, wt.sum()
        loss = _ce_rows(ctx, x, cfg) if logits else None  # the fused GPU kernel: the negated loss, or None
        if loss is None and logits:
            with np.errstate(over="ignore"):  # e.g. -3e38 - 3e38 in float32 gives -inf (as log_softmax in PyTorch)
                z = x3 - x3.max(axis=1, keepdims=True) if x3.size else x3.copy()
            e = m.exp(z)
            s = e.sum(axis=1, keepdims=True)
            lse = m.log(s)
            loss = (z.reshape(-1)[idx] - lse[:, 0, :]) * wt
            if eps:
                loss *= 1 - eps
                wc = m.ones(c, dtype=x.dtype) if w is None else w
                smooth = (z * wc[:, None]).sum(axis=1) - lse[:, 0, :] * wc.sum()
                loss += smooth * valid * (eps / c)
            e /= s
            ctx.p = e  # the softmax, for the plain backward
            ctx.save_for_backward(x)
            loss = -loss
        elif loss is None:
            loss = -(x3.reshape(-1)[idx] * wt)
        if reduction == "none":
            return loss.reshape(out_shape)
        total = loss.sum()
        if reduction == "mean":
            with np.errstate(invalid="ignore", divide="ignore"):
                total = total / ctx.den
        return total.astype(x.dtype, copy=False)

    def backward(ctx, gy):
        shape3, idx, wt, w, valid, eps, logits, reduction, out_shape = ctx.cfg
        g = gradmath.reshape(gy, idx.shape) if reduction == "none" else gy
        if reduction == "mean":  # every target ignored: the loss is nan, but the gradient is 0 (as in PyTorch)
            den = ctx.den
            g = g / gradmath.xp(den).where(den == 0, 1, den)
        if not logits:
            return gradmath.reshape(_put_flat(-(g * wt), idx, shape3), ctx.in_shape), None
        (x,) = ctx.saved_tensors
        gx = _ce_rows_grad(ctx, g, x)
        if gx is not None:
            return gx, None
        # under create_graph the softmax is recomputed on the tape from the input, so it can be differentiated
        p = Softmax.apply(gradmath.reshape(x, shape3), 1, False) if isinstance(x, Tensor) else ctx.p
        c = shape3[1]
        coef = wt * (1 - eps)
        if eps:
            wc = gradmath.xp(wt).ones(c, dtype=wt.dtype) if w is None else w
            coef = coef + valid * (wc.sum() * (eps / c))
        gx = p * gradmath.expand_dims(g * coef, (1,))
        gx = _sub_at(gx, idx, g * (wt * (1 - eps)))
        if eps:
            gx = gx - gradmath.expand_dims(g * valid, (1,)) * (wc[:, None] * (eps / c))
        return gradmath.reshape(gx, ctx.in_shape), None


# Cross entropy of (N, C) logits on a GPU: one block per row computes the max, log-sum-exp, the softmax (kept for
# backward) and the row's loss (with weights and label smoothing) in one launch; the backward is one elementwise
# kernel over (N, C). Both compute ClassLoss's generic formulas.
_CE_CUDA = r"""
extern "C" __global__ void tg_cross_entropy_fwd(const T* __restrict__ x, const long long* __restrict__ idx,
        const T* __restrict__ wt, const T* __restrict__ valid, const T* __restrict__ w, int has_w, ACC eps,
        ACC one_minus_eps, ACC eps_over_c, T* __restrict__ p, T* __restrict__ loss, long long rows, int n) {
    __shared__ ACC buf[1024];
    for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
        const T* xr = x + row * n;
        T* pr = p + row * n;
        ACC mx = NEG_INF;
        for (int j = threadIdx.x; j < n; j += blockDim.x) mx = tg_max_nan(mx, (ACC)xr[j]);
        mx = tg_block_max(mx, buf);
        ACC s = 0;
        for (int j = threadIdx.x; j < n; j += blockDim.x) s += EXP((ACC)xr[j] - mx);
        s = tg_block_sum(s, buf);
        ACC lse = LOG(s);
        ACC sw = 0, wsum = 0;
        if (eps != 0) {
            for (int j = threadIdx.x; j < n; j += blockDim.x) {
                ACC wc = has_w ? (ACC)w[j] : (ACC)1;
                sw += wc * ((ACC)xr[j] - mx);
                wsum += wc;
            }
            sw = tg_block_sum(sw, buf);
            wsum = tg_block_sum(wsum, buf);
        }
        for (int j = threadIdx.x; j < n; j += blockDim.x) pr[j] = (T)(EXP((ACC)xr[j] - mx) / s);
        if (threadIdx.x == 0) {
            long long t = idx[row] - row * n;
            if (t < 0 || t >= n) t = ((t % n) + n) % n;  // a bad target: read in bounds; its queued check raises
            ACC l = ((ACC)xr[t] - mx - lse) * (ACC)wt[row];
            if (eps != 0) l = l * one_minus_eps + (sw - lse * wsum) * (ACC)valid[row] * eps_over_c;
            loss[row] = (T)(-l);
        }
    }
}
"""
_row_kernel("cross_entropy_fwd", _CE_CUDA)


@kernels.register("cross_entropy_bwd")
def _ce_bwd_kernel(cp, dtype):
    return cp.ElementwiseKernel(
        "T p, T g, T den, T wt, T valid, T wc, int64 idx, T one_minus_eps, T eps_over_c, T wsum, int64 ncls, "
        "int32 mean, int32 smooth", "T gx",
        "T gg = mean ? g / den : g;"
        "T coef = wt * one_minus_eps;"
        "if (smooth) coef = coef + valid * (wsum * eps_over_c);"
        "T v = p * (gg * coef);"
        "if (idx - (long long)(i / ncls) * ncls == (long long)(i % ncls)) v = v - gg * (wt * one_minus_eps);"
        "if (smooth) v = v - (gg * valid) * (wc * eps_over_c);"
        "gx = v;", f"tg_cross_entropy_bwd_{dtype.name}")


def _ce_rows(ctx, x, cfg):
    """ClassLoss forward of (N, C) logits by the fused GPU kernel: the negated row losses (sets ctx.p), or None."""
    shape3, idx, wt, w, valid, eps, logits, reduction, out_shape = cfg
    k = kernels.get("cross_entropy_fwd", x)
    if k is None or shape3[2] != 1 or x.size == 0 or (w is not None and w.dtype != x.dtype):
        return None
    m = gradmath.xp(x)
    n, c = shape3[0], shape3[1]
    xc = m.ascontiguousarray(x.reshape(n, c))
    p = m.empty_like(xc)
    loss = m.empty((n, 1), dtype=x.dtype)
    acc = np.float32 if x.dtype == np.float32 else np.float64
    k(kernels.row_grid(n), (kernels.block_size(c),),
      (xc, m.ascontiguousarray(idx.reshape(n)), m.ascontiguousarray(wt.reshape(n)),
       m.ascontiguousarray(valid.reshape(n)), xc if w is None else m.ascontiguousarray(w), np.int32(w is not None),
       acc(eps), acc(1 - eps), acc(eps / c), p, loss, np.int64(n), np.int32(c)))
    ctx.p = p.reshape(shape3)
    ctx.save_for_backward(x)
    return loss


def _ce_rows_grad(ctx, g, x):
    """ClassLoss backward of (N, C) logits by the fused GPU kernel (g: the scaled output grad), or None."""
    shape3, idx, wt, w, valid, eps, logits, reduction, out_shape = ctx.cfg
    k = kernels.get("cross_entropy_bwd", g) if logits and shape3[2] == 1 else None
    if k is None or g.dtype != ctx.p.dtype or ctx.p.size == 0:
        return None
    c = shape3[1]
    gg = g.reshape(-1, 1) if g.ndim else g
    wsum = (w.sum() if w is not None else float(c)) if eps else 0.0
    gx = k(ctx.p.reshape(shape3[0], c), gg, 1.0, wt, valid, 1.0 if w is None else w, idx, 1 - eps, eps / c, wsum,
           c, 0, int(bool(eps)))
    return gx.reshape(ctx.in_shape)


def _class_loss(input, target, weight, ignore_index, reduction, eps, logits, op):
    """Check the inputs of cross_entropy / nll_loss with class indices and run the fused ClassLoss node."""
    ishape, tshape = tuple(input.shape), tuple(target.shape)
    if input.ndim == 0:
        raise ValueError(f"{op}: expected an input of shape (C,), (N, C) or (N, C, d1, ...), got a 0-d tensor")
    batched = input.ndim >= 2
    c = ishape[1] if batched else ishape[0]
    expected = (ishape[0],) + ishape[2:] if batched else ()
    if target.dtype == dtypes.bool_ or target.dtype in dtypes.FLOATS:
        raise RuntimeError(f"{op}: expected class indices as an integer tensor (dtype int64) of shape {expected} "
                           f"for input of shape {ishape}, got a target of dtype {target.dtype} and shape {tshape}; "
                           "use target.long()")
    if tshape == ishape:
        raise RuntimeError(f"{op}: a target with the input's shape {ishape} is read as class probabilities and "
                           f"must be floating point, got dtype {target.dtype}; for class indices give a target of "
                           f"shape {expected}")
    if tshape != expected:  # PyTorch: ValueError when the batch sizes differ, RuntimeError for the other dims
        raise (RuntimeError if batched and tshape[:1] == expected[:1] else ValueError)(
            f"{op}: expected a target of shape {expected} (class indices) for input of shape {ishape}, got target "
            f"of shape {tshape}")
    if type(target.array) is not type(input.array):
        raise RuntimeError(f"{op}: input is on {input.device} but target is on {target.device}; move one with "
                           ".to(device)")
    xp = input.xp
    n = ishape[0] if batched else 1
    dsize = math.prod(ishape[2:]) if batched else 1
    t = target.array.reshape(n, dsize)
    valid = t != ignore_index
    bad = valid & ((t < 0) | (t >= c))
    if backend.bad_now(bad, IndexError, f"{op}: a target class index is out of range for {c} classes (expected "
                                        f"values in [0, {c - 1}], or ignore_index={ignore_index})"):
        value = int(t[bad].reshape(-1)[0])
        raise IndexError(f"{op}: target class index {value} is out of range for {c} classes (expected values in "
                         f"[0, {c - 1}], or ignore_index={ignore_index})")
    ts = xp.where(valid, t, 0)
    idx = (xp.arange(n)[:, None] * (c * dsize) + ts * dsize + xp.arange(dsize)[None, :]).astype(np.int64)
    dt = input.dtype
    validf = valid.astype(dt)
    w = None
    if weight is not None:
        _tensor(weight, "weight", op)
        if tuple(weight.shape) != (c,):
            raise RuntimeError(f"{op}: weight must have shape ({c},), one value per class, got "
                               f"{tuple(weight.shape)}")
        w = weight.array.astype(dt, copy=False)
        wt = w[ts] * validf
    else:
        wt = validf
    cfg = ((n, c, dsize), idx, wt, w, validf, float(eps), logits, reduction, expected)
    return ClassLoss.apply(input, cfg)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                  label_smoothing=0.0):
    """Cross entropy of logits (N, C, ...) against class indices (N, ...) or class probabilities (N, C, ...)."""
    reduction = _reduction(reduction, size_average, reduce, "cross_entropy")
    _tensor(input, "input", "cross_entropy")
    _tensor(target, "target", "cross_entropy", floating=False)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"cross_entropy: label_smoothing must be between 0.0 and 1.0, got {label_smoothing}")
    if target.dtype in dtypes.FLOATS and tuple(target.shape) == tuple(input.shape):
        return _cross_entropy_probs(input, target, weight, reduction, label_smoothing)
    return _class_loss(input, target, weight, ignore_index, reduction, label_smoothing, True, "cross_entropy")


def _cross_entropy_probs(input, target, weight, reduction, eps):
    """Cross entropy against class probabilities (soft labels): -sum_c w_c q_c log_softmax(x)_c."""
    if input.ndim == 0:
        raise ValueError("cross_entropy: expected an input of shape (C,), (N, C) or (N, C, d1, ...), got 0-d")
    axis = 1 if input.ndim >= 2 else 0
    c = input.shape[axis]
    if eps:
        target = target * (1 - eps) + eps / c
    logp = LogSoftmax.apply(input, axis)
    prod = logp * target
    if weight is not None:
        _tensor(weight, "weight", "cross_entropy")
        if tuple(weight.shape) != (c,):
            raise RuntimeError(f"cross_entropy: weight must have shape ({c},), one value per class, got "
                               f"{tuple(weight.shape)}")
        prod = prod * weight.reshape((c,) + (1,) * (input.ndim - axis - 1))
    loss = -prod.sum(axis)
    if reduction == "mean":
        return loss.sum() / max(input.numel() // max(c, 1), 1) if input.numel() else loss.sum() / 0.0
    return _reduce(loss, reduction)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """Negative log likelihood: -input[n, target[n]] (input holds log-probabilities, (N, C, ...) or (C,))."""
    reduction = _reduction(reduction, size_average, reduce, "nll_loss")
    _tensor(input, "input", "nll_loss")
    _tensor(target, "target", "nll_loss", floating=False)
    return _class_loss(input, target, weight, ignore_index, reduction, 0.0, False, "nll_loss")


# ---------------------------------------------------------------------------- binary losses
class BinaryCrossEntropy(Op):
    """-(t log x + (1 - t) log(1 - x)), the logs clamped to >= -100 (as PyTorch)."""

    def forward(ctx, x, t):
        m = gradmath.xp(x)
        with np.errstate(divide="ignore"):
            lx = m.maximum(m.log(x), -100)
            l1x = m.maximum(m.log(1 - x), -100)
        ctx.save_for_backward(x, t)
        return -(t * lx + (1 - t) * l1x)

    def backward(ctx, gy):
        x, t = ctx.saved_tensors
        need = ctx.needs_input_grad
        gx = gt = None
        if need[0]:
            gx = gy * (x - t) / gradmath.maximum(x * (1 - x), 1e-12)
        if need[1]:
            with np.errstate(divide="ignore"):
                gt = gy * (gradmath.maximum(gradmath.log(1 - x), -100) - gradmath.maximum(gradmath.log(x), -100))
        return gx, gt


def _bce_weight(loss, weight, op):
    if weight is None:
        return loss
    _tensor(weight, "weight", op)
    try:
        np.broadcast_shapes(weight.shape, loss.shape)
    except ValueError:
        raise RuntimeError(f"{op}: weight of shape {tuple(weight.shape)} cannot be broadcast to the input's shape "
                           f"{tuple(loss.shape)}") from None
    return loss * weight


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """Binary cross entropy of probabilities in [0, 1] against targets in [0, 1]."""
    reduction = _reduction(reduction, size_average, reduce, "binary_cross_entropy")
    input, target = _pair(input, target, "binary_cross_entropy", strict=True)
    d = input.array
    if d.size:  # queued on a GPU (no host sync)
        backend.check_later((d < 0) | (d > 1), RuntimeError, "binary_cross_entropy: all elements of input should be "
                            "between 0 and 1 (pass probabilities, e.g. sigmoid(logits), or use "
                            "binary_cross_entropy_with_logits)")
    if target.dtype != input.dtype:
        target = target.to(input.dtype)
    loss = BinaryCrossEntropy.apply(input, target)
    return _reduce(_bce_weight(loss, weight, "binary_cross_entropy"), reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    """Binary cross entropy of sigmoid(input), computed stably from the logits."""
    op = "binary_cross_entropy_with_logits"
    reduction = _reduction(reduction, size_average, reduce, op)
    input, target = _pair(input, target, op, strict=True)
    if pos_weight is None:
        loss = _log1pexp(input) - input * target  # softplus(x) - x t
    else:
        _tensor(pos_weight, "pos_weight", op)
        try:
            np.broadcast_shapes(pos_weight.shape, input.shape)
        except ValueError:
            raise RuntimeError(f"{op}: pos_weight of shape {tuple(pos_weight.shape)} cannot be broadcast to the "
                               f"input's shape {tuple(input.shape)} (give one value per class, the last dim)") from None
        lw = (pos_weight - 1) * target + 1
        loss = (1 - target) * input + lw * _log1pexp(-input)
    return _reduce(_bce_weight(loss, weight, op), reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """log(1 + exp(-target * input)) for targets in {1, -1}."""
    reduction = _reduction(reduction, size_average, reduce, "soft_margin_loss")
    input, target = _pair(input, target, "soft_margin_loss")
    return _reduce(_log1pexp(-target * input), reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """Binary logistic loss per class, averaged over the classes (last dim)."""
    reduction = _reduction(reduction, size_average, reduce, "multilabel_soft_margin_loss")
    input, target = _pair(input, target, "multilabel_soft_margin_loss", strict=True)
    loss = target * _log1pexp(-input) + (1 - target) * _log1pexp(input)
    loss = _bce_weight(loss, weight, "multilabel_soft_margin_loss")
    c = input.shape[-1] if input.ndim else 1
    loss = loss.sum(-1) / c if input.ndim else loss
    return _reduce(loss, reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    """x where target is 1, max(0, margin - x) where target is -1."""
    reduction = _reduction(reduction, size_average, reduce, "hinge_embedding_loss")
    _tensor(input, "input", "hinge_embedding_loss")
    _tensor(target, "target", "hinge_embedding_loss", floating=False)
    t = target.array
    zero = input * 0
    out = unary.where(_const(t != 1), unary.clamp(margin - input, min=0), zero)
    out = out + unary.where(_const(t != -1), input, zero)
    return _reduce(out, reduction)


# ---------------------------------------------------------------------------- distribution losses
def _xlogx(t):
    """t * log(t), 0 where t == 0."""
    pos = _const(t.array > 0)
    if not t.requires_grad:
        d = t.array
        m = gradmath.xp(d)
        with np.errstate(divide="ignore", invalid="ignore"):
            return _const(m.where(d > 0, d * m.log(m.where(d > 0, d, 1)), 0).astype(d.dtype))
    safe = unary.where(pos, t, t * 0 + 1)
    return unary.where(pos, t * unary.log(safe), t * 0)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """KL(target || exp(input)) pointwise: target * (log(target) - input); input holds log-probabilities."""
    reduction = _reduction(reduction, size_average, reduce, "kl_div", extra=("batchmean",))
    input, target = _pair(input, target, "kl_div")
    if log_target:
        loss = unary.exp(target) * (target - input)
    else:
        loss = _xlogx(target) - target * input
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.ndim else loss.sum()
    if reduction == "mean":
        warnings.warn("kl_div: reduction='mean' divides the total loss by both the batch size and the support "
                      "size; 'batchmean' divides only by the batch size, and aligns with the KL divergence math "
                      "definition.", stacklevel=2)
    return _reduce(loss, reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction="mean"):
    """Poisson negative log likelihood: exp(input) - target * input, or input - target * log(input + eps)."""
    reduction = _reduction(reduction, size_average, reduce, "poisson_nll_loss")
    input, target = _pair(input, target, "poisson_nll_loss")
    if log_input:
        loss = unary.exp(input) - target * input
    else:
        loss = input - target * unary.log(input + eps)
    if full:
        big = _const(target.array > 1)
        safe = unary.where(big, target, target * 0 + 2)
        stirling = safe * unary.log(safe) - safe + unary.log(safe * (2 * math.pi)) * 0.5
        loss = loss + unary.where(big, stirling, stirling * 0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """Gaussian negative log likelihood 0.5 (log var + (input - target)^2 / var) (+ 0.5 log 2 pi when full)."""
    _tensor(input, "input", "gaussian_nll_loss")
    _tensor(target, "target", "gaussian_nll_loss")
    if isinstance(var, (int, float)) and not isinstance(var, bool):
        if var < 0:
            raise ValueError("gaussian_nll_loss: var has negative entry/entries")
        var = Tensor._make(input.xp.full(input.shape, var, dtype=input.dtype), None, 0)
    _tensor(var, "var", "gaussian_nll_loss")
    backend.check_later(var.array < 0, ValueError, "gaussian_nll_loss: var has negative entry/entries")
    if var.shape != input.shape:
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif not (input.ndim == var.ndim and
                  sum(b for a, b in zip(input.shape, var.shape) if a != b) == 1):
            raise ValueError(f"gaussian_nll_loss: var of shape {tuple(var.shape)} is of incorrect size for input "
                             f"of shape {tuple(input.shape)} (expected the input's shape, or it with the last dim "
                             "1 or removed)")
    reduction = _reduction(reduction, None, None, "gaussian_nll_loss")
    # clamp var to >= eps, the gradient passing through unchanged (PyTorch clamps it under no_grad)
    d = var.array
    shift = gradmath.xp(d).maximum(d, eps) - d
    if type(d) is not np.ndarray or shift.any():  # on a GPU always add (testing would synchronise)
        var = var + _const(shift)
    diff = input - target
    loss = (unary.log(var) + diff * diff / var) * 0.5
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


# ---------------------------------------------------------------------------- embedding / ranking losses
def _same_ndim(op, **tensors):
    dims = {k: v.ndim for k, v in tensors.items()}
    if len(set(dims.values())) != 1:
        desc = ", ".join(f"{k}: {tuple(v.shape)}" for k, v in tensors.items())
        raise ValueError(f"{op}: all input tensors should have the same number of dimensions, got {desc}")


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """1 - cos(x1, x2) where target is 1, max(0, cos(x1, x2) - margin) where target is -1."""
    op = "cosine_embedding_loss"
    reduction = _reduction(reduction, size_average, reduce, op)
    _tensor(input1, "input1", op)
    _tensor(input2, "input2", op)
    _tensor(target, "target", op, floating=False)
    if input1.shape != input2.shape or input1.ndim not in (1, 2) or \
            tuple(target.shape) != tuple(input1.shape[:-1]):
        raise ValueError(f"{op}: expected input1 and input2 of shape (N, D) or (D,) and target of shape (N,) or (), "
                         f"got {tuple(input1.shape)}, {tuple(input2.shape)} and {tuple(target.shape)}")
    eps = 1e-12
    dot = (input1 * input2).sum(-1)
    mag = ((input1 * input1).sum(-1) + eps) * ((input2 * input2).sum(-1) + eps)
    cos = dot / unary.sqrt(mag)
    t = target.array
    zero = cos * 0
    pos = unary.where(_const(t == 1), 1 - cos, zero)
    neg = unary.where(_const(t == -1), unary.clamp(cos - margin, min=0), zero)
    return _reduce(pos + neg, reduction)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """max(0, -target * (input1 - input2) + margin)."""
    op = "margin_ranking_loss"
    reduction = _reduction(reduction, size_average, reduce, op)
    _tensor(input1, "input1", op)
    _tensor(input2, "input2", op)
    _tensor(target, "target", op, floating=False)
    _same_ndim(op, input1=input1, input2=input2, target=target)
    return _reduce(unary.clamp(-target * (input1 - input2) + margin, min=0), reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    """max(0, d(anchor, positive) - d(anchor, negative) + margin) with the pairwise p-norm distance d."""
    op = "triplet_margin_loss"
    reduction = _reduction(reduction, size_average, reduce, op)
    for t, what in ((anchor, "anchor"), (positive, "positive"), (negative, "negative")):
        _tensor(t, what, op)
    _same_ndim(op, anchor=anchor, positive=positive, negative=negative)
    if anchor.ndim not in (1, 2):
        raise ValueError(f"{op}: expected 1-D (D,) or 2-D (N, D) inputs, got shape {tuple(anchor.shape)}")
    if margin <= 0:
        raise ValueError(f"{op}: margin must be greater than 0, got {margin}")
    d_ap = pairwise_distance(anchor, positive, p, eps)
    d_an = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_an = unary.minimum(d_an, pairwise_distance(positive, negative, p, eps))
    return _reduce(unary.clamp(d_ap - d_an + margin, min=0), reduction)


__all__ = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "cross_entropy", "nll_loss",
           "binary_cross_entropy", "binary_cross_entropy_with_logits", "soft_margin_loss",
           "multilabel_soft_margin_loss", "hinge_embedding_loss", "kl_div", "poisson_nll_loss", "gaussian_nll_loss",
           "cosine_embedding_loss", "margin_ranking_loss", "triplet_margin_loss"]
METHODS = {}
