"""Normalization: batch_norm, layer_norm, group_norm, instance_norm, rms_norm, normalize, cosine_similarity, ..."""
import math

import numpy as np

from .. import dtypes, function, gradmath, kernels
from .._tensor import Tensor
from ..function import Op
from . import aliases, unary
from .inplace import bump


# ---------------------------------------------------------------------------- the fused normalization node
def _count(shape, axes):
    n = 1
    for a in axes:
        n *= shape[a]
    return max(n, 1)


def _moments(x, axes, center=True):
    """Mean and biased variance over axes (kept); with center=False the mean is 0 and 'var' is mean(x^2)."""
    inv = 1.0 / _count(x.shape, axes)
    if not center:
        return 0.0, gradmath.sum(x * x, axes, True) * inv
    mean = gradmath.sum(x, axes, True) * inv
    d = x - mean
    return mean, gradmath.sum(d * d, axes, True) * inv


def _stats(x, axes, eps, center=True):
    """mean, variance, invstd and the normalized array xhat over axes (xhat is fresh: forward writes into it)."""
    m = gradmath.xp(x)
    inv = 1.0 / _count(x.shape, axes)
    if center:
        mean = x.sum(axis=axes, keepdims=True) * inv
        d = x - mean
    else:
        mean, d = 0.0, x
    var = m.square(d).sum(axis=axes, keepdims=True) * inv
    invstd = 1.0 / m.sqrt(var + eps)
    if center:
        d *= invstd
        return mean, var, invstd, d
    return mean, var, invstd, x * invstd


class Normalize(Op):
    """y = (x - mean) * invstd * w + b, statistics over `axes` of x viewed as `view`; one node, fused backward.

    batch_stats: mean and invstd were computed from x (so the gradient flows through them; under create_graph
    they are recomputed on the tape); otherwise they are constants (batch norm in eval mode). xhat is the
    normalized input, computed by the caller together with the statistics; forward turns it into the output.
    """

    def forward(ctx, x, w, b, cfg, mean, invstd, xhat):
        view, axes, wshape, batch_stats, center, eps = cfg
        if xhat is None:  # layer_norm on a GPU: one kernel makes the statistics and the output
            y, mean, invstd = _layer_norm_rows(x, w, b, axes, eps)
            ctx.cfg, ctx.mean, ctx.invstd = cfg, mean, invstd
            ctx.save_for_backward(x, w)
            return y
        y = xhat if view is None else xhat.reshape(x.shape)
        if y.dtype != x.dtype:
            y = y.astype(x.dtype)
        if w is not None:
            y *= w if wshape is None else w.reshape(wshape)
        if b is not None:
            y += b if wshape is None else b.reshape(wshape)
        ctx.cfg, ctx.mean, ctx.invstd = cfg, mean, invstd
        ctx.save_for_backward(x, w)
        return y

    def backward(ctx, gy):
        x, w = ctx.saved_tensors
        view, axes, wshape, batch_stats, center, eps = ctx.cfg
        mean, invstd = ctx.mean, ctx.invstd
        if view is None and wshape is None and batch_stats and center:
            grads = _layer_norm_rows_grad(ctx, gy, x, w, axes)
            if grads is not None:
                return grads
        xv = x if view is None else gradmath.reshape(x, view)
        if batch_stats and isinstance(x, Tensor):  # create_graph: statistics recorded on the tape
            mean, var = _moments(xv, axes, center)
            invstd = 1 / gradmath.sqrt(var + eps)
        d = xv - mean if center else xv
        need = ctx.needs_input_grad
        gx = gw = gb = None
        if need[0]:
            g = gy if w is None else gy * (w if wshape is None else gradmath.reshape(w, wshape))
            if view is not None:
                g = gradmath.reshape(g, view)
            gx = g * invstd
            if batch_stats:  # invstd * (g - mean(g) - xhat * mean(g * xhat)), with xhat = d * invstd
                inv_n = 1.0 / _count(xv.shape, axes)
                k = invstd * invstd * invstd * (gradmath.sum(g * d, axes, True) * inv_n)
                gx = gx - d * k
                if center:
                    gx = gx - invstd * (gradmath.sum(g, axes, True) * inv_n)
            if view is not None:
                gx = gradmath.reshape(gx, x.shape)
        if need[1] or need[2]:
            wfull = w.shape if wshape is None else wshape
            if need[1]:
                xh = d * invstd
                xh = xh if view is None else gradmath.reshape(xh, x.shape)
                gw = gradmath.reshape(gradmath.sum_to(gy * xh, wfull), w.shape)
            if need[2]:
                gb = gradmath.reshape(gradmath.sum_to(gy, wfull), w.shape)
        return gx, gw, gb, None, None, None, None


# layer_norm on a GPU: one block per row of the normalized dims (contiguous) computes the mean, the biased
# variance, invstd = 1 / sqrt(var + eps) and y = (x - mean) * invstd * w + b in one launch. The backward computes
# gx = invstd * (g - mean(g) - xhat * mean(g * xhat)) with g = gy * w per row, and gy * xhat for the weight's
# gradient (summed over rows by cupy, as gy is for the bias'): Normalize's generic formulas.
_LAYER_NORM_CUDA = r"""
extern "C" __global__ void tg_layer_norm_fwd(const T* __restrict__ x, const T* __restrict__ w,
        const T* __restrict__ b, int has_w, int has_b, ACC eps, ACC inv_n, T* __restrict__ y,
        T* __restrict__ mean_out, T* __restrict__ invstd_out, long long rows, int n) {
    __shared__ ACC buf[1024];
    for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
        const T* xr = x + row * n;
        T* yr = y + row * n;
        ACC s = 0;
        for (int j = threadIdx.x; j < n; j += blockDim.x) s += (ACC)xr[j];
        ACC mean = tg_block_sum(s, buf) * inv_n;
        ACC v = 0;
        for (int j = threadIdx.x; j < n; j += blockDim.x) { ACC d = (ACC)xr[j] - mean; v += d * d; }
        ACC inv = (ACC)1 / SQRT(tg_block_sum(v, buf) * inv_n + eps);
        for (int j = threadIdx.x; j < n; j += blockDim.x) {
            ACC h = ((ACC)xr[j] - mean) * inv;
            if (has_w) h *= (ACC)w[j];
            if (has_b) h += (ACC)b[j];
            yr[j] = (T)h;
        }
        if (threadIdx.x == 0) { mean_out[row] = (T)mean; invstd_out[row] = (T)inv; }
    }
}

extern "C" __global__ void tg_layer_norm_bwd(const T* __restrict__ x, const T* __restrict__ gy,
        const T* __restrict__ w, int has_w, const T* __restrict__ mean, const T* __restrict__ invstd, ACC inv_n,
        T* __restrict__ gx, T* gy_xhat, int need_gw, long long rows, int n) {
    __shared__ ACC buf[1024];
    for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
        const T* xr = x + row * n;
        const T* gr = gy + row * n;
        ACC mu = (ACC)mean[row], inv = (ACC)invstd[row];
        ACC sg = 0, sgx = 0;
        for (int j = threadIdx.x; j < n; j += blockDim.x) {
            ACC g = has_w ? (ACC)gr[j] * (ACC)w[j] : (ACC)gr[j];
            sg += g;
            sgx += g * (((ACC)xr[j] - mu) * inv);
        }
        sg = tg_block_sum(sg, buf) * inv_n;
        sgx = tg_block_sum(sgx, buf) * inv_n;
        for (int j = threadIdx.x; j < n; j += blockDim.x) {
            ACC xh = ((ACC)xr[j] - mu) * inv;
            ACC g = has_w ? (ACC)gr[j] * (ACC)w[j] : (ACC)gr[j];
            gx[row * n + j] = (T)(inv * (g - sg - xh * sgx));
            if (need_gw) gy_xhat[row * n + j] = (T)((ACC)gr[j] * xh);
        }
    }
}
"""


@kernels.register("layer_norm_fwd")
def _layer_norm_fwd_kernel(cp, dtype):
    return cp.RawKernel(kernels.math_defines(dtype) + kernels.BLOCK_REDUCE + _LAYER_NORM_CUDA, "tg_layer_norm_fwd")


@kernels.register("layer_norm_bwd")
def _layer_norm_bwd_kernel(cp, dtype):
    return cp.RawKernel(kernels.math_defines(dtype) + kernels.BLOCK_REDUCE + _LAYER_NORM_CUDA, "tg_layer_norm_bwd")


def _acc(dtype):
    return np.float32 if dtype == np.float32 else np.float64


def _layer_norm_rows(x, w, b, axes, eps):
    """y, mean and invstd (kept dims, as _stats gives them) of layer_norm by the fused kernel."""
    m = gradmath.xp(x)
    x = m.ascontiguousarray(x)
    n = _count(x.shape, axes)
    rows = x.size // n
    stat_shape = tuple(1 if i in axes else s for i, s in enumerate(x.shape))
    y = m.empty_like(x)
    mean = m.empty(stat_shape, dtype=x.dtype)
    invstd = m.empty(stat_shape, dtype=x.dtype)
    acc = _acc(x.dtype)
    kernels.get("layer_norm_fwd", x)(
        kernels.row_grid(rows), (kernels.block_size(n),),
        (x, x if w is None else m.ascontiguousarray(w), x if b is None else m.ascontiguousarray(b),
         np.int32(w is not None), np.int32(b is not None), acc(eps), acc(1.0 / n), y, mean, invstd, np.int64(rows),
         np.int32(n)))
    return y, mean, invstd


def _layer_norm_rows_grad(ctx, gy, x, w, axes):
    """(gx, gw, gb) of layer_norm by the fused kernel, or None (CPU, create_graph, statistics from _stats)."""
    k = kernels.get("layer_norm_bwd", gy)
    if (k is None or gy.dtype != x.dtype or ctx.mean.dtype != x.dtype or x.size == 0
            or (w is not None and w.dtype != x.dtype)):
        return None
    m = gradmath.xp(gy)
    need = ctx.needs_input_grad
    x = m.ascontiguousarray(x)
    gy = m.ascontiguousarray(gy)
    n = _count(x.shape, axes)
    rows = x.size // n
    gx = m.empty_like(x)
    gy_xhat = m.empty_like(x) if need[1] else gx
    k(kernels.row_grid(rows), (kernels.block_size(n),),
      (x, gy, x if w is None else m.ascontiguousarray(w), np.int32(w is not None), m.ascontiguousarray(ctx.mean),
       m.ascontiguousarray(ctx.invstd), _acc(x.dtype)(1.0 / n), gx, gy_xhat, np.int32(bool(need[1])),
       np.int64(rows), np.int32(n)))
    shape = tuple(x.shape[a] for a in axes)  # the normalized shape, of weight and bias
    gw = gy_xhat.reshape(rows, n).sum(axis=0).reshape(shape) if need[1] else None
    gb = gy.reshape(rows, n).sum(axis=0).reshape(shape) if need[2] else None
    return (gx if need[0] else None), gw, gb, None, None, None, None


def _check_float(x, op):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected a tensor as input, got {type(x).__name__}")
    if x.dtype not in dtypes.FLOATS:
        raise TypeError(f"{op}: expected a floating point input, got dtype {x.dtype}; convert it with .float()")


def _check_param(t, shape, what, op):
    if t is None:
        return
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}: {what} must be a tensor or None, got {type(t).__name__}")
    if tuple(t.shape) != tuple(shape):
        raise ValueError(f"{op}: {what} has shape {tuple(t.shape)}, expected {tuple(shape)}")


class Stats(Op):
    """mean, invstd and xhat of x for Normalize: from x's own statistics over `axes` (x viewed as `view`), or from
    running ones (batch/instance norm in eval mode). No gradient: Normalize's backward differentiates through them.
    An op only while autograd.trace records (so replay recomputes them); eager code calls its forward directly."""

    differentiable = False

    def forward(ctx, x, running_mean, running_var, view, axes, wshape, eps, center=True):
        if running_mean is not None:
            m = gradmath.xp(x)
            mean = running_mean.reshape(wshape).astype(x.dtype)
            invstd = 1.0 / m.sqrt(running_var.reshape(wshape).astype(x.dtype) + eps)
            return mean, invstd, (x - mean) * invstd
        mean, _, invstd, xhat = _stats(x if view is None else x.reshape(view), axes, eps, center)
        return (mean if center else x.dtype.type(0)), invstd, xhat  # (an uncentered norm never reads its mean)


def _stats_of(input, running_mean, running_var, view, axes, wshape, eps, center=True):
    """Stats' (mean, invstd, xhat) of a tensor: recorded as an op while tracing, else computed on the arrays."""
    if function.recording() is not None:
        return Stats.apply(input, running_mean, running_var, view, axes, wshape, eps, center)
    return Stats.forward(None, input.array, None if running_mean is None else running_mean.array,
                         None if running_var is None else running_var.array, view, axes, wshape, eps, center)


def _running(input, running_mean, running_var, wshape, eps):
    """mean, invstd and xhat from the running statistics (batch/instance norm in eval mode)."""
    return _stats_of(input, running_mean, running_var, None, None, wshape, eps)


def _update(buf, new, momentum):
    """running = (1 - momentum) * running + momentum * new, in place (a buffer: no gradient)."""
    d = buf.array
    new = new.reshape(d.shape).astype(d.dtype, copy=False)
    d *= 1 - momentum
    d += momentum * new
    bump(buf)


# ---------------------------------------------------------------------------- batch / instance norm
def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """Normalize each channel (dim 1) over the batch and spatial dims; updates the running stats when training."""
    _check_float(input, "batch_norm")
    if input.ndim < 2:
        raise ValueError(f"batch_norm: expected an input with at least 2 dimensions (N, C, ...), got shape "
                         f"{tuple(input.shape)}")
    c = input.shape[1]
    for t, what in ((running_mean, "running_mean"), (running_var, "running_var"), (weight, "weight"),
                    (bias, "bias")):
        _check_param(t, (c,), what, "batch_norm")
    axes = (0,) + tuple(range(2, input.ndim))
    wshape = (1, c) + (1,) * (input.ndim - 2)
    if training or running_mean is None or running_var is None:
        n = input.numel() // max(c, 1)
        if training and n <= 1:
            raise ValueError(f"batch_norm: expected more than 1 value per channel when training, got input of "
                             f"shape {tuple(input.shape)}")
        mean, var, invstd, xhat = _stats(input.array, axes, eps)
        if training:
            if running_mean is not None:
                _update(running_mean, mean, momentum)
            if running_var is not None:
                _update(running_var, var * (n / max(n - 1, 1)), momentum)
        cfg = (None, axes, wshape, True, True, eps)
    else:
        mean, invstd, xhat = _running(input, running_mean, running_var, wshape, eps)
        cfg = (None, axes, wshape, False, True, eps)
    return Normalize.apply(input, weight, bias, cfg, mean, invstd, xhat)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    """Normalize each channel of each sample over its spatial dims."""
    _check_float(input, "instance_norm")
    if input.ndim < 3:
        raise ValueError(f"instance_norm: expected an input with at least 3 dimensions (N, C, ...), got shape "
                         f"{tuple(input.shape)}")
    c = input.shape[1]
    for t, what in ((running_mean, "running_mean"), (running_var, "running_var"), (weight, "weight"),
                    (bias, "bias")):
        _check_param(t, (c,), what, "instance_norm")
    axes = tuple(range(2, input.ndim))
    wshape = (1, c) + (1,) * (input.ndim - 2)
    if use_input_stats or running_mean is None or running_var is None:
        n = input.numel() // max(c * input.shape[0], 1)
        if use_input_stats and n <= 1:
            raise ValueError(f"instance_norm: expected more than 1 spatial element when training, got input of "
                             f"shape {tuple(input.shape)}")
        mean, var, invstd, xhat = _stats(input.array, axes, eps)
        if use_input_stats:
            if running_mean is not None:
                _update(running_mean, mean.mean(axis=0), momentum)
            if running_var is not None:
                _update(running_var, (var * (n / max(n - 1, 1))).mean(axis=0), momentum)
        cfg = (None, axes, wshape, True, True, eps)
    else:
        mean, invstd, xhat = _running(input, running_mean, running_var, wshape, eps)
        cfg = (None, axes, wshape, False, True, eps)
    return Normalize.apply(input, weight, bias, cfg, mean, invstd, xhat)


# ---------------------------------------------------------------------------- layer / group / rms norm
def _normalized_shape(input, normalized_shape, op):
    shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) else tuple(normalized_shape)
    k = len(shape)
    if k == 0 or input.ndim < k or tuple(input.shape[input.ndim - k:]) != shape:
        raise ValueError(f"{op}: normalized_shape {shape} must match the trailing dimensions of the input, but "
                         f"the input has shape {tuple(input.shape)}")
    return shape, tuple(range(input.ndim - k, input.ndim))


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalize over the trailing normalized_shape dims, then scale by weight and shift by bias."""
    _check_float(input, "layer_norm")
    shape, axes = _normalized_shape(input, normalized_shape, "layer_norm")
    _check_param(weight, shape, "weight", "layer_norm")
    _check_param(bias, shape, "bias", "layer_norm")
    cfg = (None, axes, None, True, True, eps)
    d = input.array
    if (kernels.get("layer_norm_fwd", d) is not None and d.size and
            all(t is None or t.dtype == input.dtype for t in (weight, bias))):
        return Normalize.apply(input, weight, bias, cfg, None, None, None)  # the fused kernel makes them
    mean, invstd, xhat = _stats_of(input, None, None, None, axes, None, eps)
    return Normalize.apply(input, weight, bias, cfg, mean, invstd, xhat)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """x / sqrt(mean(x^2) + eps) over the trailing normalized_shape dims, times weight (eps: the dtype's eps)."""
    _check_float(input, "rms_norm")
    shape, axes = _normalized_shape(input, normalized_shape, "rms_norm")
    _check_param(weight, shape, "weight", "rms_norm")
    if eps is None:
        eps = float(np.finfo(input.dtype).eps)
    mean, invstd, xhat = _stats_of(input, None, None, None, axes, None, eps, False)
    return Normalize.apply(input, weight, None, (None, axes, None, True, False, eps), mean, invstd, xhat)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Normalize over groups of channels (and the spatial dims) of each sample."""
    _check_float(input, "group_norm")
    if input.ndim < 2:
        raise ValueError(f"group_norm: expected an input with at least 2 dimensions (N, C, ...), got shape "
                         f"{tuple(input.shape)}")
    n, c = input.shape[:2]
    if num_groups <= 0 or c % num_groups:
        raise ValueError(f"group_norm: the number of channels ({c}) must be divisible by num_groups "
                         f"({num_groups})")
    _check_param(weight, (c,), "weight", "group_norm")
    _check_param(bias, (c,), "bias", "group_norm")
    view = (n, num_groups, input.numel() // max(n * num_groups, 1))
    wshape = (1, c) + (1,) * (input.ndim - 2)
    mean, invstd, xhat = _stats_of(input, None, None, view, (2,), None, eps)
    return Normalize.apply(input, weight, bias, (view, (2,), wshape, True, True, eps), mean, invstd, xhat)


# ---------------------------------------------------------------------------- vector norms and distances
class VectorNorm(Op):
    """The p-norm over `axes`; the gradient at a zero vector is 0 (as PyTorch's subgradient)."""

    def forward(ctx, x, p, axes, keepdim):
        m = gradmath.xp(x)
        a = m.abs(x)
        if p == 2:
            y = m.sqrt((x * x).sum(axis=axes, keepdims=True))
        elif p == 1:
            y = a.sum(axis=axes, keepdims=True)
        elif p == math.inf:
            y = a.max(axis=axes, keepdims=True)
        elif p == -math.inf:
            y = a.min(axis=axes, keepdims=True)
        elif p == 0:
            y = (x != 0).sum(axis=axes, keepdims=True).astype(x.dtype)
        else:
            y = (a ** p).sum(axis=axes, keepdims=True) ** (1.0 / p)
        ctx.p, ctx.axes, ctx.keepdim = p, axes, keepdim
        y = y.astype(x.dtype, copy=False)
        out = y if keepdim else y.reshape(tuple(s for i, s in enumerate(x.shape) if i not in axes))
        ctx.save_for_backward(x, out)
        return out

    def backward(ctx, gy):
        x, y = ctx.saved_tensors
        p, axes = ctx.p, ctx.axes
        if not ctx.keepdim:
            gy, y = gradmath.expand_dims(gy, axes), gradmath.expand_dims(y, axes)
        if p == 0:
            return x * 0, None, None, None
        if p == 1:
            return gy * gradmath.sign(x), None, None, None
        zero = gradmath.array(y) == 0
        if p == 2:
            return x * (gy / gradmath.where(zero, 1 + y * 0, y)), None, None, None
        if p in (math.inf, -math.inf):
            xd = gradmath.array(x)
            hit = (gradmath.xp(xd).abs(xd) == gradmath.array(y)).astype(xd.dtype)
            hit /= hit.sum(axis=axes, keepdims=True)
            return gy * gradmath.sign(x) * hit, None, None, None
        scale = gy / gradmath.where(zero, 1 + y * 0, y) ** (p - 1)
        return gradmath.sign(x) * gradmath.abs(x) ** (p - 1) * scale, None, None, None


def _axes(dim, ndim, op):
    dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    n = max(ndim, 1)
    out = []
    for d in dims:
        if not -n <= d < n:
            raise IndexError(f"{op}: dim {d} is out of range for a tensor of {ndim} dimensions "
                             f"(expected a dim in [{-n}, {n - 1}])")
        out.append(d % n)
    return tuple(sorted(set(out))) if ndim else ()


def _vector_norm(x, p, dim, keepdim, op):
    if x.dtype not in dtypes.FLOATS:
        raise TypeError(f"{op}: expected a floating point input, got dtype {x.dtype}")
    if not isinstance(p, (int, float)) or p < 0 and p != -math.inf:
        raise ValueError(f"{op}: p must be a non-negative number (or +-inf), got {p!r}")
    return VectorNorm.apply(x, float(p), _axes(dim, x.ndim, op), keepdim)


def _clamp_min_passthrough(t, eps):
    """max(t, eps) whose gradient passes as if unclamped (PyTorch clamps the norms under no_grad)."""
    d = t.array
    shift = gradmath.xp(d).maximum(d, eps) - d
    if type(d) is not np.ndarray or shift.any():  # on a GPU always add (testing would synchronise)
        return t + Tensor._make(gradmath.xp(d).asarray(shift), None, 0)
    return t


def _broadcast_pair(x1, x2, op):
    if not isinstance(x1, Tensor) or not isinstance(x2, Tensor):
        raise TypeError(f"{op}: expected two tensors, got {type(x1).__name__} and {type(x2).__name__}")
    try:
        shape = np.broadcast_shapes(x1.shape, x2.shape)
    except ValueError:
        raise RuntimeError(f"{op}: the shapes {tuple(x1.shape)} and {tuple(x2.shape)} cannot be broadcast "
                           "together") from None
    if x1.dtype != x2.dtype:
        d = dtypes.promote(x1.dtype, x2.dtype)
        x1, x2 = x1.to(d), x2.to(d)
    return x1, x2, shape


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """input / max(||input||_p, eps) along dim."""
    if out is not None:
        raise TypeError("normalize: out= is not supported; assign the result instead")
    _check_float(input, "normalize")
    n = _vector_norm(input, p, dim, True, "normalize")
    return input / unary.clamp(n, min=eps)


def cosine_similarity(x1, x2, dim=1, eps=1e-8, *, axis=None):
    """sum(x1 * x2) / (max(||x1||, eps) * max(||x2||, eps)) along dim (inputs broadcast together)."""
    if axis is not None:
        dim = aliases.dim("cosine_similarity", dim, axis, 1)
    x1, x2, shape = _broadcast_pair(x1, x2, "cosine_similarity")
    _check_float(x1, "cosine_similarity")
    ax = _axes(dim, len(shape), "cosine_similarity")
    if tuple(x1.shape) != shape:
        x1 = x1.expand(shape)
    if tuple(x2.shape) != shape:
        x2 = x2.expand(shape)
    n1 = _clamp_min_passthrough(_vector_norm(x1, 2, ax, True, "cosine_similarity"), eps)
    n2 = _clamp_min_passthrough(_vector_norm(x2, 2, ax, True, "cosine_similarity"), eps)
    return gradmath.sum((x1 / n1) * (x2 / n2), ax, False)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False, *, keepdims=None):
    """||x1 - x2 + eps||_p over the last dim."""
    if keepdims is not None:
        _, keepdim = aliases.dims("pairwise_distance", None, keepdim, None, keepdims)
    x1, x2, shape = _broadcast_pair(x1, x2, "pairwise_distance")
    _check_float(x1, "pairwise_distance")
    if len(shape) == 0:
        raise ValueError("pairwise_distance: expected inputs with at least 1 dimension, got 0-d tensors")
    return _vector_norm(x1 - x2 + eps, p, len(shape) - 1, keepdim, "pairwise_distance")


__all__ = ["batch_norm", "instance_norm", "layer_norm", "rms_norm", "group_norm", "normalize", "cosine_similarity",
           "pairwise_distance"]
METHODS = {}
