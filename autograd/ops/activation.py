"""Activations: relu6, leaky_relu, elu, selu, celu, gelu, silu, mish, softplus, glu, softmax, log_softmax, ..."""
import math
import warnings

import numpy as np

from .. import dtypes, gradmath, kernels
from .._tensor import Tensor
from ..function import Op
from . import aliases, unary
from .inplace import check_inplace, commit
from .unary import elementwise_kernel


def _float(x, op):
    """Raise unless x is a floating point tensor (activations are not defined on ints, as in PyTorch)."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected a tensor as input, got {type(x).__name__}")
    if x.array.dtype not in dtypes.FLOATS:
        raise TypeError(f"{op}: expected a floating point tensor, got dtype {x.dtype}; convert it with .float()")
    return x


def _finish(input, out, inplace, op):
    """Return out, or write it into input when inplace=True (rebinding input on the tape)."""
    if not inplace:
        return out
    check_inplace(input, f"{op}_")
    return commit(input, out, f"{op}_")


def _erf(x):
    """erf of an array or a Tensor."""
    if isinstance(x, Tensor):
        return x.erf()
    return unary._erf(gradmath.xp(x), x)


def _log1pexp(x):
    """log(1 + exp(x)) computed stably, on an array or a Tensor."""
    if isinstance(x, Tensor):
        return Softplus.apply(x, 1.0, math.inf)
    return gradmath.xp(x).logaddexp(0, x).astype(x.dtype, copy=False)


# ---------------------------------------------------------------------------- elementwise activations
class _Elementwise(Op):
    """y = f(x) elementwise; backward is the duck-typed df(ctx, gy, x, y) (x and y are saved).

    With `kernel` set, a real GPU runs the fused kernels "<kernel>_fwd" (x, *params) -> y and
    "<kernel>_bwd" (gy, x, y, *params) -> gx instead: the same formulas, one launch each.
    """

    __slots__ = ()
    kernel = None

    def forward(ctx, x, *params):
        ctx.params = params
        name = type(ctx).kernel
        k = kernels.get(name + "_fwd", x) if name else None
        if k is not None:
            y = k(x, *params)
        else:
            m = gradmath.xp(x)
            y = m.asarray(type(ctx).f(m, x, *params), dtype=x.dtype)  # 0-d inputs give numpy scalars: make arrays
        ctx.save_for_backward(x, y)
        return y

    def backward(ctx, gy):
        x, y = ctx.saved_tensors
        name = type(ctx).kernel
        k = kernels.get(name + "_bwd", gy) if name else None  # None under create_graph (gy is a Tensor)
        if k is not None and gy.dtype == x.dtype:
            return (k(gy, x, y, *ctx.params),) + (None,) * len(ctx.params)
        return (type(ctx).df(gy, x, y, *ctx.params),) + (None,) * len(ctx.params)


def _elementwise(name, f, df, kernel=None):
    """An elementwise activation Op class from a forward f(xp, x, *params) and a duck-typed df(gy, x, y, *params)."""
    return type(name, (_Elementwise,), {"f": staticmethod(f), "df": staticmethod(df), "kernel": kernel,
                                         "__slots__": ()})


def _fused(name, params, fwd, bwd):
    """Register the GPU kernels "<name>_fwd" (T x, params -> T y) and "<name>_bwd" (T gy, T x, T y, params)."""
    extra = "".join(f", T {p}" for p in params)
    elementwise_kernel(f"{name}_fwd", "T x" + extra, "T y", fwd)
    elementwise_kernel(f"{name}_bwd", "T gy, T x, T y" + extra, "T gx", bwd)
    return name


def _c(v):
    """A float constant for kernel sources, cast to the kernel's dtype T."""
    return f"(T){v!r}"


def _zero(gy):
    return gy * 0


Hardtanh = _elementwise(
    "Hardtanh", lambda m, x, lo, hi: m.clip(x, lo, hi),
    lambda gy, x, y, lo, hi: gradmath.mask(gy, (gradmath.array(x) > lo) & (gradmath.array(x) < hi)),
    _fused("hardtanh", ("lo", "hi"), "y = x < lo ? lo : (x > hi ? hi : x);",
           "gx = (x > lo && x < hi) ? gy : (T)0;"))  # as gradmath.mask

LeakyRelu = _elementwise(
    "LeakyRelu", lambda m, x, s: m.where(x > 0, x, x * s),
    lambda gy, x, y, s: gradmath.where(gradmath.array(x) > 0, gy, gy * s),
    _fused("leaky_relu", ("s",), "y = x > (T)0 ? x : x * s;", "gx = x > (T)0 ? gy : gy * s;"))

# elu with output scale `scale` and input scale `input_scale` (elu, selu and celu are special cases):
# y = scale * x for x > 0, else scale * alpha * (exp(x * input_scale) - 1).
Elu = _elementwise(
    "Elu", lambda m, x, alpha, scale, iscale: m.where(x > 0, x * scale,
                                                       scale * alpha * m.expm1(m.minimum(x, 0) * iscale)),
    lambda gy, x, y, alpha, scale, iscale: gradmath.where(gradmath.array(x) > 0, gy * scale,
                                                      gy * ((y + scale * alpha) * iscale)),
    _fused("elu", ("alpha", "scale", "iscale"), "y = x > (T)0 ? x * scale : scale * alpha * expm1(x * iscale);",
           "gx = x > (T)0 ? gy * scale : gy * ((y + scale * alpha) * iscale);"))

_SQRT_2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_K = math.sqrt(2.0 / math.pi)


def _cdf(x):
    """The standard normal CDF of an array or a Tensor."""
    return (_erf(x * (1 / _SQRT_2)) + 1) * 0.5


class Gelu(Op):
    """x * Phi(x); on the CPU the forward's Phi(x) is kept for backward (erf is slow on numpy)."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        k = kernels.get("gelu_fwd", x)
        if k is not None:
            ctx.cdf = None
            return k(x)
        m = gradmath.xp(x)
        cdf = m.asarray(_cdf(x), dtype=x.dtype)
        ctx.cdf = cdf if m is np else None
        return x * cdf

    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        k = kernels.get("gelu_bwd", gy)
        if k is not None and gy.dtype == x.dtype:
            return k(gy, x)
        cdf = ctx.cdf if ctx.cdf is not None and not isinstance(x, Tensor) else _cdf(x)
        with np.errstate(over="ignore"):  # x * x overflows to inf for huge |x|: exp(-inf) = 0, the right density
            return gy * (cdf + x * gradmath.exp(x * x * -0.5) * _INV_SQRT_2PI)


_GELU_CDF = f"((erf(x * {_c(1 / _SQRT_2)}) + (T)1) * (T)0.5)"
elementwise_kernel("gelu_fwd", "T x", "T y", f"y = x * {_GELU_CDF};")
elementwise_kernel("gelu_bwd", "T gy, T x", "T gx",
                   f"gx = gy * ({_GELU_CDF} + x * exp(x * x * (T)-0.5) * {_c(_INV_SQRT_2PI)});")


# tanh(sqrt(2 / pi) * (x + 0.044715 x^3)) is exactly +-1 (in every float type) once |x| > 20, so x is clamped to
# [-20, 20] inside the tanh and the polynomials: the same values, but x^3 cannot overflow (no inf * 0 = nan in the
# gradient, no overflow warnings) for huge |x|.
_GELU_CLAMP = 20.0
_GELU_C3 = 0.044715 * _GELU_K


def _clamp_gelu(x):
    if isinstance(x, Tensor):
        return unary.clamp(x, -_GELU_CLAMP, _GELU_CLAMP)
    return x.clip(-_GELU_CLAMP, _GELU_CLAMP)


def _gelu_tanh(m, x):
    xc = _clamp_gelu(x)
    return x * ((m.tanh(xc * (xc * xc * _GELU_C3 + _GELU_K)) + 1) * 0.5)


def _gelu_tanh_grad(gy, x, y):
    xc = _clamp_gelu(x)
    x2 = xc * xc
    t = gradmath.tanh(xc * (x2 * _GELU_C3 + _GELU_K))
    return gy * ((t + 1) * 0.5 + xc * (1 - t * t) * (x2 * (1.5 * _GELU_C3) + 0.5 * _GELU_K))


_GELU_XC = (f"T xc = x < {_c(-_GELU_CLAMP)} ? {_c(-_GELU_CLAMP)} : (x > {_c(_GELU_CLAMP)} ? {_c(_GELU_CLAMP)} : x); "
            "T x2 = xc * xc; ")
_GELU_T = f"tanh(xc * (x2 * {_c(_GELU_C3)} + {_c(_GELU_K)}))"
GeluTanh = _elementwise(
    "GeluTanh", _gelu_tanh, _gelu_tanh_grad,
    _fused("gelu_tanh", (), f"{_GELU_XC}y = x * (({_GELU_T} + (T)1) * (T)0.5);",
           f"{_GELU_XC}T t = {_GELU_T}; gx = gy * ((t + (T)1) * (T)0.5 + xc * ((T)1 - t * t) * "
           f"(x2 * {_c(1.5 * _GELU_C3)} + {_c(0.5 * _GELU_K)}));"))


def _silu_grad(gy, x, y):
    s = gradmath.sigmoid(x)
    return gy * (s * (x * (1 - s) + 1))


Silu = _elementwise("Silu", lambda m, x: x * gradmath.sigmoid(x), _silu_grad,
                    _fused("silu", (), "y = x * tg_sigmoid(x);",
                           "T s = tg_sigmoid(x); gx = gy * (s * (x * ((T)1 - s) + (T)1));"))


def _mish_grad(gy, x, y):
    t = gradmath.tanh(_log1pexp(x))
    return gy * (t + x * (1 - t * t) * gradmath.sigmoid(x))


Mish = _elementwise("Mish", lambda m, x: x * m.tanh(_log1pexp(x)), _mish_grad,
                    _fused("mish", (), "y = x * tanh(tg_log1pexp(x));",
                           "T t = tanh(tg_log1pexp(x)); gx = gy * (t + x * ((T)1 - t * t) * tg_sigmoid(x));"))


# softplus(x) = log(1 + exp(beta * x)) / beta, and x itself where beta * x > threshold (as in PyTorch)
Softplus = _elementwise(
    "Softplus", lambda m, x, beta, thr: m.where(x * beta > thr, x, m.logaddexp(0, x * beta) / beta),
    lambda gy, x, y, beta, thr: gradmath.where(gradmath.array(x) * beta > thr, gy, gy * gradmath.sigmoid(x * beta)),
    _fused("softplus", ("beta", "thr"), "y = x * beta > thr ? x : tg_log1pexp(x * beta) / beta;",
           "gx = x * beta > thr ? gy : gy * tg_sigmoid(x * beta);"))


def _softsign_grad(gy, x, y):
    d = gradmath.abs(x) + 1
    return gy / d / d  # not gy / d^2: d^2 overflows (with a warning) for huge |x|, gy / d / d goes quietly to 0


Softsign = _elementwise("Softsign", lambda m, x: x / (m.abs(x) + 1), _softsign_grad)

Hardswish = _elementwise(
    "Hardswish", lambda m, x: x * m.clip(x + 3, 0, 6) / 6,
    lambda gy, x, y: gradmath.where(gradmath.array(x) < -3, _zero(gy),
                                gradmath.where(gradmath.array(x) <= 3, gy * (x * (1 / 3) + 0.5), gy)))

Hardsigmoid = _elementwise(
    "Hardsigmoid", lambda m, x: m.clip(x + 3, 0, 6) / 6,
    lambda gy, x, y: gradmath.where((gradmath.array(x) > -3) & (gradmath.array(x) < 3), gy * (1 / 6), _zero(gy)))

Tanhshrink = _elementwise("Tanhshrink", lambda m, x: x - m.tanh(x), lambda gy, x, y: gy * gradmath.square(gradmath.tanh(x)))

Hardshrink = _elementwise(
    "Hardshrink", lambda m, x, lam: m.where((x > lam) | (x < -lam), x, 0),
    lambda gy, x, y, lam: gradmath.mask(gy, (gradmath.array(x) > lam) | (gradmath.array(x) < -lam)))

Softshrink = _elementwise(
    "Softshrink", lambda m, x, lam: m.where(x > lam, x - lam, m.where(x < -lam, x + lam, 0)),
    lambda gy, x, y, lam: gradmath.mask(gy, (gradmath.array(x) > lam) | (gradmath.array(x) < -lam)))

Threshold = _elementwise(
    "Threshold", lambda m, x, thr, value: m.where(x > thr, x, value),
    lambda gy, x, y, thr, value: gradmath.mask(gy, gradmath.array(x) > thr))


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """Clamp to [min_val, max_val] (gradient 1 strictly inside)."""
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) cannot be greater than max_val ({max_val})")
    return _finish(input, Hardtanh.apply(_float(input, "hardtanh"), min_val, max_val), inplace, "hardtanh")


def relu6(input, inplace=False):
    """min(max(0, x), 6)."""
    return _finish(input, Hardtanh.apply(_float(input, "relu6"), 0.0, 6.0), inplace, "relu6")


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x for x > 0, else negative_slope * x."""
    return _finish(input, LeakyRelu.apply(_float(input, "leaky_relu"), negative_slope), inplace, "leaky_relu")


def elu(input, alpha=1.0, inplace=False):
    """x for x > 0, else alpha * (exp(x) - 1)."""
    return _finish(input, Elu.apply(_float(input, "elu"), alpha, 1.0, 1.0), inplace, "elu")


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input, inplace=False):
    """scale * elu(x, alpha) with the self-normalizing constants."""
    return _finish(input, Elu.apply(_float(input, "selu"), _SELU_ALPHA, _SELU_SCALE, 1.0), inplace, "selu")


def celu(input, alpha=1.0, inplace=False):
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""
    if alpha == 0:
        raise ValueError("celu: alpha must not be 0 (it divides the input)")
    return _finish(input, Elu.apply(_float(input, "celu"), alpha, 1.0, 1.0 / alpha), inplace, "celu")


def gelu(input, approximate="none"):
    """x * Phi(x) (Phi the standard normal CDF); approximate='tanh' uses the tanh formula."""
    if approximate == "none":
        return Gelu.apply(_float(input, "gelu"))
    if approximate == "tanh":
        return GeluTanh.apply(_float(input, "gelu"))
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def silu(input, inplace=False):
    """x * sigmoid(x) (swish)."""
    return _finish(input, Silu.apply(_float(input, "silu")), inplace, "silu")


def mish(input, inplace=False):
    """x * tanh(softplus(x))."""
    return _finish(input, Mish.apply(_float(input, "mish")), inplace, "mish")


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta * x)) / beta, computed stably; linear where beta * x > threshold."""
    if beta == 0:
        raise ValueError("softplus: beta must not be 0")
    return Softplus.apply(_float(input, "softplus"), beta, threshold)


def softsign(input):
    """x / (1 + |x|)."""
    return Softsign.apply(_float(input, "softsign"))


def hardswish(input, inplace=False):
    """x * relu6(x + 3) / 6."""
    return _finish(input, Hardswish.apply(_float(input, "hardswish")), inplace, "hardswish")


def hardsigmoid(input, inplace=False):
    """relu6(x + 3) / 6."""
    return _finish(input, Hardsigmoid.apply(_float(input, "hardsigmoid")), inplace, "hardsigmoid")


def tanhshrink(input):
    """x - tanh(x)."""
    return Tanhshrink.apply(_float(input, "tanhshrink"))


def hardshrink(input, lambd=0.5):
    """x where |x| > lambd, else 0."""
    return Hardshrink.apply(_float(input, "hardshrink"), lambd)


def softshrink(input, lambd=0.5):
    """x - lambd above lambd, x + lambd below -lambd, else 0."""
    if lambd < 0:
        raise ValueError(f"softshrink: lambd must be non-negative, got {lambd}")
    return Softshrink.apply(_float(input, "softshrink"), lambd)


def threshold(input, threshold, value, inplace=False):
    """x where x > threshold, else value."""
    return _finish(input, Threshold.apply(_float(input, "threshold"), threshold, value), inplace, "threshold")


def relu(input, inplace=False):
    """max(x, 0)."""
    return _finish(input, unary.relu(input), inplace, "relu")


def relu_(input):
    """relu in place."""
    return relu(input, inplace=True)


def glu(input, dim=-1):
    """a * sigmoid(b), where a and b are the two halves of input along dim."""
    _float(input, "glu")
    if input.ndim == 0:
        raise ValueError("glu: does not support 0-d (scalar) tensors")
    n = input.shape[dim % input.ndim] if -input.ndim <= dim < input.ndim else None
    if n is None:
        raise IndexError(f"glu: dim {dim} is out of range for a tensor of {input.ndim} dimensions")
    if n % 2:
        raise ValueError(f"glu: halving dimension must be even, but dimension {dim} of shape {tuple(input.shape)} "
                         f"has size {n}")
    a, b = input.split(n // 2, dim)
    return a * unary.sigmoid(b)


def prelu(input, weight):
    """max(0, x) + weight * min(0, x), weight having one value or one per channel (dim 1)."""
    _float(input, "prelu")
    c = weight.numel()
    if weight.ndim > 1:
        raise ValueError(f"prelu: weight must be 0-d or 1-d, got shape {tuple(weight.shape)}")
    if c != 1:
        channels = input.shape[1] if input.ndim >= 2 else (input.shape[0] if input.ndim == 1 else 1)
        if channels != c:
            raise ValueError(f"prelu: weight has {c} values but the input of shape {tuple(input.shape)} has "
                             f"{channels} channels; give one value, or one per channel")
        if input.ndim >= 2:
            weight = weight.reshape((c,) + (1,) * (input.ndim - 2))
    return unary.where(input > 0, input, weight * input)


# ---------------------------------------------------------------------------- softmax family
def _softmax_dim(ndim, op):
    warnings.warn(f"Implicit dimension choice for {op} has been deprecated. Change the call to include dim=X "
                  "as an argument.", stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def _axis(dim, ndim, op):
    n = max(ndim, 1)
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError(f"{op}: dim must be an int, got {type(dim).__name__}")
    if not -n <= dim < n:
        raise IndexError(f"{op}: dim {dim} is out of range for a tensor of {ndim} dimensions "
                         f"(expected a dim in [{-n}, {n - 1}])")
    return None if ndim == 0 else dim % n


def _shifted(x, axis, safe):
    """x - max(x) along axis (rows that are all -inf get a shift of 0 when safe)."""
    m = gradmath.xp(x)
    mx = x.max(axis=axis, keepdims=True) if x.size else m.zeros_like(x.sum(axis=axis, keepdims=True))
    if safe:
        mx = m.where(m.isfinite(mx), mx, 0)
    with np.errstate(over="ignore"):  # e.g. -3e38 - 3e38 in float32 gives -inf: exp(-inf) = 0, as it should
        return x - mx


# One block per row of the last axis (a contiguous copy of x): max, sum of exp, then the output, in one launch;
# the backward reduces sum(g * y) (softmax) or sum(g) (log_softmax) per row and writes the gradient.
_SOFTMAX_CUDA = r"""
extern "C" __global__ void tg_softmax_fwd(const T* __restrict__ x, T* __restrict__ y, long long rows, int n,
                                          int log_mode, int safe) {
    __shared__ ACC buf[1024];
    for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
        const T* xr = x + row * n;
        T* yr = y + row * n;
        ACC mx = NEG_INF;
        for (int j = threadIdx.x; j < n; j += blockDim.x) mx = tg_max_nan(mx, (ACC)xr[j]);
        mx = tg_block_max(mx, buf);
        if (safe && !IS_FINITE(mx)) mx = 0;
        ACC s = 0;
        for (int j = threadIdx.x; j < n; j += blockDim.x) s += EXP((ACC)xr[j] - mx);
        s = tg_block_sum(s, buf);
        if (log_mode) {
            ACC lse = LOG(s);
            for (int j = threadIdx.x; j < n; j += blockDim.x) yr[j] = (T)(((ACC)xr[j] - mx) - lse);
        } else {
            if (safe && s == 0) s = 1;
            for (int j = threadIdx.x; j < n; j += blockDim.x) yr[j] = (T)(EXP((ACC)xr[j] - mx) / s);
        }
    }
}

extern "C" __global__ void tg_softmax_bwd(const T* __restrict__ y, const T* __restrict__ gy, T* __restrict__ gx,
                                          long long rows, int n, int log_mode) {
    __shared__ ACC buf[1024];
    for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
        const T* yr = y + row * n;
        const T* gr = gy + row * n;
        T* out = gx + row * n;
        ACC s = 0;
        for (int j = threadIdx.x; j < n; j += blockDim.x) s += log_mode ? (ACC)gr[j] : (ACC)gr[j] * (ACC)yr[j];
        s = tg_block_sum(s, buf);
        for (int j = threadIdx.x; j < n; j += blockDim.x)
            out[j] = log_mode ? (T)((ACC)gr[j] - EXP((ACC)yr[j]) * s) : (T)((ACC)yr[j] * ((ACC)gr[j] - s));
    }
}
"""


def _row_kernel(name, source):
    """Register kernel `name`: a one-block-per-row RawKernel of `source` (with kernels' math and reductions)."""

    @kernels.register(name)
    def build(cp, dtype):
        return cp.RawKernel(kernels.math_defines(dtype) + kernels.BLOCK_REDUCE + source, f"tg_{name}")

    return build


_row_kernel("softmax_fwd", _SOFTMAX_CUDA)
_row_kernel("softmax_bwd", _SOFTMAX_CUDA)


def _softmax_rows(x, axis, log_mode, safe):
    """(log_)softmax over the last axis with the fused kernel, or None (CPU, other axes, empty, no kernel)."""
    k = kernels.get("softmax_fwd", x)
    if k is None or axis != x.ndim - 1 or x.size == 0:
        return None
    m = gradmath.xp(x)
    x = m.ascontiguousarray(x)
    n = x.shape[-1]
    y = m.empty_like(x)
    rows = x.size // n
    k(kernels.row_grid(rows), (kernels.block_size(n),), (x, y, np.int64(rows), np.int32(n), np.int32(log_mode),
                                                         np.int32(safe)))
    return y


def _softmax_rows_grad(y, gy, axis, log_mode):
    """The gradient of (log_)softmax over the last axis with the fused kernel, or None."""
    k = kernels.get("softmax_bwd", gy)
    if k is None or axis != y.ndim - 1 or y.size == 0 or gy.dtype != y.dtype:
        return None
    m = gradmath.xp(gy)
    gy = m.ascontiguousarray(gy)
    n = y.shape[-1]
    gx = m.empty_like(gy)
    rows = y.size // n
    k(kernels.row_grid(rows), (kernels.block_size(n),), (m.ascontiguousarray(y), gy, gx, np.int64(rows),
                                                         np.int32(n), np.int32(log_mode)))
    return gx


class Softmax(Op):
    """exp(x) / sum(exp(x)) along an axis (x shifted by its max); backward y * (g - sum(g * y))."""

    fp_errors = True

    def forward(ctx, x, axis, safe):
        y = _softmax_rows(x, axis, 0, safe)
        if y is not None:
            ctx.axis = axis
            ctx.save_for_backward(y)
            return y
        m = gradmath.xp(x)
        e = m.exp(_shifted(x, axis, safe))
        s = e.sum(axis=axis, keepdims=True)
        if safe:  # rows with nothing to attend to give zeros instead of NaN
            s = m.where(s == 0, 1, s)
        e = m.asarray(e / s)
        ctx.axis = axis
        ctx.save_for_backward(e)
        return e

    def backward(ctx, gy):
        (y,) = ctx.saved_tensors
        gx = _softmax_rows_grad(y, gy, ctx.axis, 0)
        if gx is not None:
            return gx, None, None
        return y * (gy - gradmath.sum(gy * y, ctx.axis, True)), None, None


class LogSoftmax(Op):
    """x - max - log(sum(exp(x - max))) along an axis; backward g - exp(y) * sum(g)."""

    fp_errors = True

    def forward(ctx, x, axis):
        z = _softmax_rows(x, axis, 1, 0)
        if z is not None:
            ctx.axis = axis
            ctx.save_for_backward(z)
            return z
        m = gradmath.xp(x)
        z = _shifted(x, axis, False)
        z = m.asarray(z - m.log(m.exp(z).sum(axis=axis, keepdims=True)))
        ctx.axis = axis
        ctx.save_for_backward(z)
        return z

    def backward(ctx, gy):
        (y,) = ctx.saved_tensors
        gx = _softmax_rows_grad(y, gy, ctx.axis, 1)
        if gx is not None:
            return gx, None
        return gy - gradmath.exp(y) * gradmath.sum(gy, ctx.axis, True), None


def _softmax_input(input, dim, dtype, op):
    if dtype is not None:
        input = input.to(dtypes.as_dtype(dtype))
    _float(input, op)
    if dim is None:
        dim = _softmax_dim(input.ndim, op)
    return input, _axis(dim, input.ndim, op)


def softmax(input, dim=None, _stacklevel=3, dtype=None, *, axis=None):
    """exp(x) / sum(exp(x)) along dim, computed stably."""
    if axis is not None:
        dim = aliases.dim("softmax", dim, axis)
    x, axis = _softmax_input(input, dim, dtype, "softmax")
    return Softmax.apply(x, axis, False)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None, *, axis=None):
    """log(softmax(x)) along dim, computed stably."""
    if axis is not None:
        dim = aliases.dim("log_softmax", dim, axis)
    x, axis = _softmax_input(input, dim, dtype, "log_softmax")
    return LogSoftmax.apply(x, axis)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-x) along dim."""
    x, axis = _softmax_input(input, dim, dtype, "softmin")
    return Softmax.apply(-x, axis, False)


__all__ = ["hardtanh", "relu6", "leaky_relu", "elu", "selu", "celu", "gelu", "silu", "mish", "softplus", "softsign",
           "hardswish", "hardsigmoid", "tanhshrink", "hardshrink", "softshrink", "threshold", "relu", "relu_", "glu",
           "prelu", "softmax", "log_softmax", "softmin"]
METHODS = {"softmax": softmax, "log_softmax": log_softmax, "hardshrink": hardshrink,
           "prelu": prelu}
