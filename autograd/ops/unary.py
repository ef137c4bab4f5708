"""Elementwise math: exp, log, trig, tanh, sigmoid, erf, rounding, clamp, maximum/minimum, where, lerp."""
import math

import numpy as np

from .. import backend, dtypes, kernels
from ..function import Op
from ..tensor import Tensor
from . import dual
from .arith import _cast_scalar_op, operands

_default = dtypes._Default
_FLOAT_DTYPES = dtypes.FLOATS


def _float_input(x, op):
    """Ints and bools become the default float dtype, as PyTorch does for exp, sin, sqrt, ..."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected a tensor, got {type(x).__name__}")
    return x if x.data.dtype in dtypes.FLOATS else x.to(_default.dtype)


def _unary_op(name, fwd, bwd, save="x", floats=True, doc=""):
    """Build an Op class and its function from a forward on arrays and a duck-typed backward."""

    fwd_kernel, bwd_kernel = _KERNELS.get(name, (None, None))
    if isinstance(fwd, np.ufunc):  # numpy ufuncs dispatch to cupy through __array_ufunc__
        def forward(ctx, x):
            y = fwd(x)
            ctx.to_save = (y,) if save == "y" else (x,)
            return y
    else:
        def forward(ctx, x):
            k = kernels.get(fwd_kernel, x) if fwd_kernel else None
            y = k(x) if k is not None else fwd(dual.xp(x), x)
            ctx.to_save = (y,) if save == "y" else (x,)
            return y

    def backward(ctx, gy):
        (s,) = ctx.saved_tensors if save else (None,)
        k = kernels.get(bwd_kernel, gy) if bwd_kernel else None
        if k is not None and gy.dtype == s.dtype:
            return k(gy, s)
        return bwd(gy, s)

    cls = type(name.capitalize(), (Op,), {"forward": forward, "backward": backward, "__slots__": ()})

    def fn(input):
        if floats and (not isinstance(input, Tensor) or input.data.dtype not in _FLOAT_DTYPES):
            input = _float_input(input, name)
        return cls.apply1(input)

    fn.__name__ = name
    fn.__doc__ = doc or f"Elementwise {name}."
    return cls, fn


# ---------------------------------------------------------------------------- fused GPU kernels
# Each computes its op's generic formula (the _TABLE entries, Relu below) in one launch on a real GPU.
ACT_PREAMBLE = r"""
template <typename T> __device__ __forceinline__ T tg_sigmoid(T x) {
    T e = exp(-fabs(x));  // never overflows; exact in both tails (as dual.sigmoid)
    return x >= (T)0 ? (T)1 / ((T)1 + e) : e / ((T)1 + e);
}
template <typename T> __device__ __forceinline__ T tg_log1pexp(T x) {  // logaddexp(0, x)
    return (x > (T)0 ? x : (T)0) + log1p(exp(-fabs(x)));
}
"""


def elementwise_kernel(name, in_params, out_params, body):
    """Register kernel `name`: a cupy ElementwiseKernel (T is the dtype) with ACT_PREAMBLE's helpers."""

    @kernels.register(name)
    def build(cp, dtype):
        return cp.ElementwiseKernel(in_params, out_params, body, f"tg_{name}_{dtype.name}", preamble=ACT_PREAMBLE)

    return build


_KERNELS = {"sigmoid": ("sigmoid_fwd", "sigmoid_bwd"), "tanh": (None, "tanh_bwd")}
elementwise_kernel("sigmoid_fwd", "T x", "T y", "y = tg_sigmoid(x);")
elementwise_kernel("sigmoid_bwd", "T gy, T y", "T gx", "T gyy = gy * y; gx = gyy - gyy * y;")
elementwise_kernel("tanh_bwd", "T gy, T y", "T gx", "gx = gy - gy * y * y;")
elementwise_kernel("relu_fwd", "T x", "T y", "y = x < (T)0 ? (T)0 : x;")  # NaN stays NaN, as maximum(x, 0)
elementwise_kernel("relu_bwd", "T gy, T y", "T gx", "gx = y > (T)0 ? gy : (T)0;")  # as dual.mask

_SQRT_PI_2 = 2.0 / math.sqrt(math.pi)
_LN2, _LN10 = math.log(2.0), math.log(10.0)

_TABLE = {
    "exp": (np.exp, lambda g, y: g * y, "y"),
    "expm1": (np.expm1, lambda g, y: g * (y + 1), "y"),
    "log": (np.log, lambda g, x: g / x, "x"),
    "log1p": (np.log1p, lambda g, x: g / (x + 1), "x"),
    "log2": (np.log2, lambda g, x: g / (x * _LN2), "x"),
    "log10": (np.log10, lambda g, x: g / (x * _LN10), "x"),
    "sqrt": (np.sqrt, lambda g, y: g / (y * 2), "y"),
    "rsqrt": (lambda m, x: 1 / m.sqrt(x), lambda g, y: g * y * y * y * -0.5, "y"),
    "square": (np.square, lambda g, x: g * x * 2, "x"),
    "reciprocal": (np.reciprocal, lambda g, y: -g * y * y, "y"),
    "sin": (np.sin, lambda g, x: g * dual.cos(x), "x"),
    "cos": (np.cos, lambda g, x: -g * dual.sin(x), "x"),
    "tan": (np.tan, lambda g, y: g * (y * y + 1), "y"),
    "asin": (np.arcsin, lambda g, x: g / dual.sqrt(1 - x * x), "x"),
    "acos": (np.arccos, lambda g, x: -g / dual.sqrt(1 - x * x), "x"),
    "atan": (np.arctan, lambda g, x: g / (x * x + 1), "x"),
    "sinh": (np.sinh, lambda g, x: g * dual.cosh(x), "x"),
    "cosh": (np.cosh, lambda g, x: g * dual.sinh(x), "x"),
    "tanh": (np.tanh, lambda g, y: g - g * y * y, "y"),
    "sigmoid": (lambda m, x: dual.sigmoid(x), lambda g, y: (g * y) - (g * y) * y, "y"),
    "logsigmoid": (lambda m, x: -m.logaddexp(0, -x).astype(x.dtype, copy=False),
                   lambda g, x: g * dual.sigmoid(-x), "x"),
    "erf": (lambda m, x: _erf(m, x), lambda g, x: g * _SQRT_PI_2 * dual.exp(-x * x), "x"),
    "abs": (np.abs, lambda g, x: g * dual.sign(x), "x"),
}


def _erf(m, x):
    if m is not np:
        return backend.erf(x)
    if _scipy_erf is not None:
        return _scipy_erf(x).astype(x.dtype, copy=False)
    return np.vectorize(math.erf, otypes=[x.dtype])(x) if x.size else x.copy()


try:
    from scipy.special import erf as _scipy_erf
except ImportError:  # scipy is optional: fall back to math.erf, element by element
    _scipy_erf = None


_CLASSES = {}
for _name, (_f, _b, _s) in _TABLE.items():
    _CLASSES[_name], globals()[_name] = _unary_op(_name, _f, _b, _s, floats=_name != "abs")

Abs = _CLASSES["abs"]


def abs(input):
    """Elementwise absolute value (ints stay ints)."""
    if input.dtype == dtypes.bool_:
        return input.clone()
    return Abs.apply(input)


# ---------------------------------------------------------------------------- piecewise constant
class _ZeroGrad(Op):
    """Ops whose gradient is zero almost everywhere (sign, floor, ceil, round, trunc)."""

    def backward(ctx, gy):
        return gy * 0


def _zero_grad_op(name, fwd):
    cls = type(name.capitalize(), (_ZeroGrad,), {"forward": lambda ctx, x: fwd(dual.xp(x), x), "__slots__": ()})

    def fn(input):
        if input.dtype not in dtypes.FLOATS and name != "sign":
            return input.clone()
        return cls.apply(input)

    fn.__name__ = name
    fn.__doc__ = f"Elementwise {name} (gradient zero)."
    return fn


sign = _zero_grad_op("sign", lambda m, x: m.sign(x))
floor = _zero_grad_op("floor", lambda m, x: m.floor(x))
ceil = _zero_grad_op("ceil", lambda m, x: m.ceil(x))
trunc = _zero_grad_op("trunc", lambda m, x: m.trunc(x))
_round0 = _zero_grad_op("round", lambda m, x: m.round(x))


class _RoundDecimals(_ZeroGrad):
    def forward(ctx, x, decimals):
        return dual.xp(x).round(x, decimals)


def round(input, decimals=0):
    """Round half to even (to `decimals` places)."""
    if decimals == 0:
        return _round0(input)
    return _RoundDecimals.apply(input, decimals)


# ---------------------------------------------------------------------------- binary elementwise
class Atan2(Op):
    broadcasts = True

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return dual.xp(a).arctan2(a, b)

    def backward(ctx, gy):
        a, b = ctx.saved_tensors
        d = a * a + b * b
        return gy * b / d, -gy * a / d


def atan2(input, other):
    """Elementwise arctangent of input / other, choosing the quadrant."""
    a, b = operands(input, other, "atan2")
    a = _float_input(a, "atan2") if isinstance(a, Tensor) else a
    b = _float_input(b, "atan2") if isinstance(b, Tensor) else b
    return Atan2.apply(*operands(a, b, "atan2"))


class Maximum(Op):
    """Elementwise max; ties split the gradient equally, as PyTorch does."""

    broadcasts = True

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return dual.xp(a).maximum(a, b)

    def backward(ctx, gy):
        a, b = ctx.saved_tensors
        ad, bd = dual.data(a), dual.data(b)
        wa = (ad > bd) + (ad == bd) * 0.5
        wa = wa.astype(gy.dtype)
        return gy * wa, gy * (1 - wa)


def maximum(input, other):
    """Elementwise maximum of two tensors (NaN propagates)."""
    a, b = _cast_scalar_op(*operands(input, other, "maximum"))
    return Maximum.apply(a, b)


def minimum(input, other):
    """Elementwise minimum of two tensors (NaN propagates)."""
    a, b = _cast_scalar_op(*operands(input, other, "minimum"))
    return -Maximum.apply(-a, -b)


class Where(Op):
    broadcasts = True

    def forward(ctx, cond, a, b):
        ctx.cond = cond
        out = dual.xp(cond).where(cond, a, b)
        return out

    def backward(ctx, gy):
        c = ctx.cond
        need = ctx.needs_input_grad
        return None, (dual.mask(gy, c) if need[1] else None), (dual.mask(gy, ~c) if need[2] else None)


def where(condition, input=None, other=None):
    """Elementwise choice: input where condition holds, else other. where(cond) alone gives indices."""
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    if not isinstance(condition, Tensor):
        from ..creation import as_tensor

        condition = as_tensor(condition)
    if condition.dtype != dtypes.bool_:
        raise TypeError(f"where: condition must be a bool tensor, got dtype {condition.dtype}")
    a, b = _cast_scalar_op(*operands(input, other, "where"))
    ref = a if isinstance(a, Tensor) else b
    if type(condition.data) is not type(ref.data):
        from .arith import _device_error

        _device_error("where", condition, ref)
    if not isinstance(a, Tensor):
        a = Tensor._make(ref.xp.asarray(a, dtype=ref.dtype), None, 0)
    if not isinstance(b, Tensor):
        b = Tensor._make(ref.xp.asarray(b, dtype=ref.dtype), None, 0)
    try:
        np.broadcast_shapes(condition.shape, a.shape, b.shape)
    except ValueError:
        raise ValueError(f"where: shapes {tuple(condition.shape)} (condition), {tuple(a.shape)} and "
                         f"{tuple(b.shape)} cannot be broadcast together") from None
    return Where.apply(condition.data, a, b)


def clamp(input, min=None, max=None):
    """Limit values to [min, max]; bounds may be numbers or tensors. Gradient flows where not clipped."""
    if min is None and max is None:
        raise ValueError("clamp: at least one of min and max must be given")
    x = input
    if not isinstance(min, Tensor) and not isinstance(max, Tensor):
        return Clamp.apply(x, min, max)
    if min is not None:
        x = maximum(x, min) if isinstance(min, Tensor) else Clamp.apply(x, min, None)
    if max is not None:
        x = minimum(x, max) if isinstance(max, Tensor) else Clamp.apply(x, None, max)
    return x


class Clamp(Op):
    """Clamp with number bounds; the gradient passes where min <= x <= max."""

    def forward(ctx, x, lo, hi):
        m = dual.xp(x)
        ctx.mask = ((x >= lo) if lo is not None else True) & ((x <= hi) if hi is not None else True)
        if lo is not None and hi is not None and lo > hi:
            return m.full_like(x, hi)
        return m.clip(x, lo, hi)

    def backward(ctx, gy):
        return dual.mask(gy, ctx.mask)


clip = clamp


def lerp(input, end, weight):
    """input + weight * (end - input)."""
    return input + weight * (end - input)


class NanToNum(Op):
    def forward(ctx, x, nan, posinf, neginf):
        ctx.mask = dual.xp(x).isfinite(x)
        return dual.xp(x).nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    def backward(ctx, gy):
        return dual.mask(gy, ctx.mask)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """Replace NaN and infinities by finite numbers (the dtype's extremes by default)."""
    if input.dtype not in dtypes.FLOATS:
        return input.clone()
    return NanToNum.apply(input, nan, posinf, neginf)


def relu(input):
    """max(input, 0)."""
    return Relu.apply(input)


class Relu(Op):
    def forward(ctx, x):
        k = kernels.get("relu_fwd", x)
        y = k(x) if k is not None else dual.xp(x).maximum(x, 0)
        ctx.save_for_backward(y)
        return y

    def backward(ctx, gy):
        (y,) = ctx.saved_tensors
        k = kernels.get("relu_bwd", gy)
        if k is not None and gy.dtype == y.dtype:
            return k(gy, y)
        return dual.mask(gy, dual.data(y) > 0)


def logit(input, eps=None):
    """log(p / (1 - p)), with p clamped to [eps, 1 - eps] when eps is given."""
    p = input if eps is None else clamp(input, eps, 1 - eps)
    return log(p) - log1p(-p)


__all__ = list(_TABLE) + ["sign", "floor", "ceil", "trunc", "round", "atan2", "maximum", "minimum", "where",
                          "clamp", "clip", "lerp", "nan_to_num", "relu", "logit"]
METHODS = {n: globals()[n] for n in __all__ if n != "where"}
METHODS.update(arcsin=asin, arccos=acos, arctan=atan, arctan2=atan2, where=lambda self, cond, other:
               where(cond, self, other), fix=trunc)
