"""Elementwise math: exp, log, trig, tanh, sigmoid, erf, rounding, clamp, maximum/minimum, where, lerp."""
import math

import numpy as np

from .. import backend, dtypes, gradmath, kernels
from .._tensor import Tensor
from ..creation import as_tensor
from ..function import Op
from .arith import _cast_scalar_op, _device_error, operands

_default = dtypes._Default
_FLOAT_DTYPES = dtypes.FLOATS


def _float_input(x, op):
    """Ints and bools become the default float dtype, as PyTorch does for exp, sin, sqrt, ... (complex stays)"""
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected a tensor, got {type(x).__name__}")
    return x if x.array.dtype in dtypes.DIFFERENTIABLE else x.to(_default.dtype)


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
            y = k(x) if k is not None else fwd(gradmath.xp(x), x)
            ctx.to_save = (y,) if save == "y" else (x,)
            return y

    def backward(ctx, gy):
        (s,) = ctx.saved_tensors if save else (None,)
        k = kernels.get(bwd_kernel, gy) if bwd_kernel else None
        if k is not None and gy.dtype == s.dtype:
            return k(gy, s)
        return bwd(gy, s)

    cls = type(name.capitalize(), (Op,), {"forward": forward, "backward": backward, "__slots__": (),
                                          "fp_errors": name in _FP_ERRORS, "holomorphic": name in _HOLOMORPHIC,
                                          "complex_ok": name == "abs"})

    def fn(input):
        if floats and (not isinstance(input, Tensor) or input.array.dtype not in _FLOAT_DTYPES):
            input = _float_input(input, name)
            if input.array.dtype in dtypes.COMPLEXES and name not in _HOLOMORPHIC:
                raise RuntimeError(f"{name}: not implemented for complex tensors (dtype {input.dtype}); apply it to "
                                   "the real and imaginary parts (input.real, input.imag) instead")
        return cls.apply1(input)

    fn.__name__ = name
    fn.__doc__ = doc or f"Elementwise {name}."
    return cls, fn


# the ops that make inf/nan of finite input (log(0), exp(100), sqrt(-1), ...): their forward runs numpy-quiet
_FP_ERRORS = {"exp", "expm1", "log", "log1p", "log2", "log10", "sqrt", "rsqrt", "square", "reciprocal", "tan",
              "asin", "acos", "sinh", "cosh"}
# the ops that are complex-differentiable: on complex input their backward runs conjugated (PyTorch's convention)
_HOLOMORPHIC = {"exp", "expm1", "log", "log1p", "log2", "log10", "sqrt", "rsqrt", "square", "reciprocal", "sin", "cos",
                "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh"}


# ---------------------------------------------------------------------------- fused GPU kernels
# Each computes its op's generic formula (the _TABLE entries, Relu below) in one launch on a real GPU.
ACT_PREAMBLE = r"""
template <typename T> __device__ __forceinline__ T tg_sigmoid(T x) {
    T e = exp(-fabs(x));  // never overflows; exact in both tails (as gradmath.sigmoid)
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
elementwise_kernel("relu_bwd", "T gy, T y", "T gx", "gx = y > (T)0 ? gy : (T)0;")  # as gradmath.mask

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
    "sin": (np.sin, lambda g, x: g * gradmath.cos(x), "x"),
    "cos": (np.cos, lambda g, x: -g * gradmath.sin(x), "x"),
    "tan": (np.tan, lambda g, y: g * (y * y + 1), "y"),
    "asin": (np.arcsin, lambda g, x: g / gradmath.sqrt(1 - x * x), "x"),
    "acos": (np.arccos, lambda g, x: -g / gradmath.sqrt(1 - x * x), "x"),
    "atan": (np.arctan, lambda g, x: g / (x * x + 1), "x"),
    "sinh": (np.sinh, lambda g, x: g * gradmath.cosh(x), "x"),
    "cosh": (np.cosh, lambda g, x: g * gradmath.sinh(x), "x"),
    "tanh": (np.tanh, lambda g, y: g - g * y * y, "y"),
    "sigmoid": (lambda m, x: gradmath.sigmoid(x), lambda g, y: (g * y) - (g * y) * y, "y"),
    "logsigmoid": (lambda m, x: -m.logaddexp(0, -x).astype(x.dtype, copy=False),
                   lambda g, x: g * gradmath.sigmoid(-x), "x"),
    "erf": (lambda m, x: _erf(m, x), lambda g, x: g * _SQRT_PI_2 * gradmath.exp(-x * x), "x"),
    "abs": (np.abs, lambda g, x: g * gradmath.sgn(x), "x"),
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
    _CLASSES[_name], globals()[_name] = _unary_op(_name, _f, _b, _s, floats=_name not in ("abs", "square"))

Abs = _CLASSES["abs"]
Square = _CLASSES["square"]


def square(input):
    """Elementwise square (ints stay ints, bools become int64, as in PyTorch)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"square: expected a tensor, got {type(input).__name__}")
    if input.array.dtype == dtypes.bool_:
        input = input.to(dtypes.int64)
    return Square.apply1(input)


def abs(input):
    """Elementwise absolute value (ints stay ints)."""
    if input.dtype == dtypes.bool_:
        return input.clone()
    return Abs.apply(input)


# ---------------------------------------------------------------------------- piecewise constant
class _ZeroGrad(Op):
    """Ops whose gradient is zero almost everywhere (sign, floor, ceil, round, trunc)."""

    def backward(ctx, gy):
        return gradmath.zeros_like(gy)  # not gy * 0: an inf or nan gradient still gives 0, as in PyTorch


def _zero_grad_op(name, fwd):
    cls = type(name.capitalize(), (_ZeroGrad,), {"forward": lambda ctx, x: fwd(gradmath.xp(x), x), "__slots__": ()})

    def fn(input):
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}: expected a tensor, got {type(input).__name__}")
        dt = input.array.dtype
        if dt not in dtypes.FLOATS and (name != "sign" or dt == dtypes.bool_):  # ints (and sign of bools) as is
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
        return gradmath.xp(x).round(x, decimals)


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
        return gradmath.xp(a).arctan2(a, b)

    def backward(ctx, gy):
        a, b = ctx.saved_tensors
        d = a * a + b * b
        zero = gradmath.array(d) == 0  # at a == b == 0 the gradient is 0, as in PyTorch (not 0/0)
        r = gradmath.mask(1 / gradmath.where(zero, 1.0, d), ~zero)
        need = ctx.needs_input_grad
        return (gy * b * r if need[0] else None), (-gy * a * r if need[1] else None)


def atan2(input, other):
    """Elementwise arctangent of input / other, choosing the quadrant."""
    a, b = operands(input, other, "atan2")
    a = _float_input(a, "atan2") if isinstance(a, Tensor) else a
    b = _float_input(b, "atan2") if isinstance(b, Tensor) else b
    return Atan2.apply(*operands(a, b, "atan2"))


def _extremum_grads(ctx, gy, sign):
    """Gradients of maximum (sign 1) / minimum (sign -1) as in PyTorch: ties split 0.5/0.5, the losing side gets 0,
    and both sides get the full gradient where a NaN makes neither win."""
    a, b = ctx.saved_tensors
    ad, bd = gradmath.array(a), gradmath.array(b)
    half = (ad == bd) * 0.5
    lose_a, lose_b = (ad < bd, ad > bd) if sign > 0 else (ad > bd, ad < bd)
    need = ctx.needs_input_grad
    ga = gy * (1.0 - lose_a - half).astype(gy.dtype) if need[0] else None
    gb = gy * (1.0 - lose_b - half).astype(gy.dtype) if need[1] else None
    return ga, gb


class Maximum(Op):
    """Elementwise max; ties split the gradient equally, as PyTorch does."""

    broadcasts = True

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return gradmath.xp(a).maximum(a, b)

    def backward(ctx, gy):
        return _extremum_grads(ctx, gy, 1)


def maximum(input, other):
    """Elementwise maximum of two tensors (NaN propagates)."""
    a, b = _cast_scalar_op(*operands(input, other, "maximum"))
    return Maximum.apply(a, b)


class Minimum(Op):
    """Elementwise min; ties split the gradient equally, as PyTorch does."""

    broadcasts = True

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return gradmath.xp(a).minimum(a, b)

    def backward(ctx, gy):
        return _extremum_grads(ctx, gy, -1)


def minimum(input, other):
    """Elementwise minimum of two tensors (NaN propagates)."""
    a, b = _cast_scalar_op(*operands(input, other, "minimum"))
    return Minimum.apply(a, b)


class Where(Op):
    complex_ok = True
    broadcasts = True

    def forward(ctx, cond, a, b):
        ctx.cond = cond
        out = gradmath.xp(cond).where(cond, a, b)
        return out

    def backward(ctx, gy):
        c = ctx.cond
        need = ctx.needs_input_grad
        return None, (gradmath.mask(gy, c) if need[1] else None), (gradmath.mask(gy, ~c) if need[2] else None)


def where(condition, input=None, other=None):
    """Elementwise choice: input where condition holds, else other. where(cond) alone gives indices."""
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    if not isinstance(condition, Tensor):
        condition = as_tensor(condition)
    if condition.dtype != dtypes.bool_:
        raise TypeError(f"where: condition must be a bool tensor, got dtype {condition.dtype}")
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):  # two numbers: a tensor on cond's device
        if not all(isinstance(v, (bool, int, float, np.number, np.bool_)) for v in (input, other)):
            raise TypeError(f"where: expected tensors or numbers, got {type(input).__name__} and "
                            f"{type(other).__name__}")
        dt = dtypes.result_type(input, other)
        input = Tensor._make(condition.xp.asarray(input, dtype=dt), None, 0)
    a, b = _cast_scalar_op(*operands(input, other, "where"))
    ref = a if isinstance(a, Tensor) else b
    if type(condition.array) is not type(ref.array):
        _device_error("where", condition, ref)
    if not isinstance(a, Tensor):
        a = Tensor._make(ref.xp.asarray(a, dtype=ref.dtype), None, 0)
    if not isinstance(b, Tensor):
        b = Tensor._make(ref.xp.asarray(b, dtype=ref.dtype), None, 0)
    try:
        np.broadcast_shapes(condition.shape, a.shape, b.shape)
    except ValueError:
        raise RuntimeError(f"where: shapes {tuple(condition.shape)} (condition), {tuple(a.shape)} and "
                           f"{tuple(b.shape)} cannot be broadcast together") from None
    return Where.apply(condition.array, a, b)


def _bound(b, name, x):
    """Check one clamp bound (None, a number or a tensor); numbers as Python numbers."""
    if b is None or isinstance(b, Tensor):
        if b is not None and type(b.array) is not type(x.array):
            _device_error("clamp", x, b)
        return b
    if isinstance(b, np.generic) and b.dtype.kind in "biuf":
        b = b.item()
    if not isinstance(b, (bool, int, float)):
        raise TypeError(f"clamp: {name} must be a number or a tensor, got {type(b).__name__}")
    return b


def _fits(b, name, dt):
    """A number bound must be representable in the result dtype (PyTorch refuses an overflowing one)."""
    if dt in dtypes.INTEGERS and type(b) is int:
        info = np.iinfo(dt)
        ok = info.min <= b <= info.max
    elif dt in dtypes.FLOATS and type(b) is not bool:
        try:
            v = math.fabs(b)
        except OverflowError:  # an int beyond float64
            v = math.inf if type(b) is int else 0.0
        ok = v <= _finfo_max(dt) or (type(b) is float and not math.isfinite(b))
    else:
        ok = True
    if not ok:
        raise RuntimeError(f"clamp: {name}={b!r} cannot be converted to the tensor's dtype {dt} without overflow")


def _finfo_max(dt):
    try:
        return float(np.finfo(dt).max)
    except (TypeError, ValueError):  # bfloat16 without numpy's finfo support
        import ml_dtypes  # optional dependency

        return float(ml_dtypes.finfo(dt).max)


def clamp(input, min=None, max=None):
    """Limit values to [min, max] (min(max(input, min), max)); bounds may be numbers or tensors, which broadcast.

    Gradients follow PyTorch: input gets it where min <= input <= max, min where min > input (and min < max),
    max where max < input or max < min. The result dtype is PyTorch's result type of input and the bounds."""
    if not isinstance(input, Tensor):
        raise TypeError(f"clamp: expected a tensor, got {type(input).__name__}")
    if min is None and max is None:
        raise RuntimeError("clamp: at least one of min and max must be given")
    lo, hi = _bound(min, "min", input), _bound(max, "max", input)
    dt = dtypes.result_type(input, lo, hi)
    x = input if input.array.dtype == dt else input.to(dt)
    if isinstance(lo, Tensor):
        lo = lo if lo.array.dtype == dt else lo.to(dt)
    elif lo is not None:
        _fits(lo, "min", dt)
    if isinstance(hi, Tensor):
        hi = hi if hi.array.dtype == dt else hi.to(dt)
    elif hi is not None:
        _fits(hi, "max", dt)
    return Clamp.apply(x, lo, hi)  # bounds that do not broadcast: apply's RuntimeError names clamp and the shapes


class Clamp(Op):
    """min(max(x, lo), hi) with number or array bounds (None: no bound); gradients routed as in PyTorch."""

    broadcasts = True

    def forward(ctx, x, lo, hi):
        m = gradmath.xp(x)
        y = x if lo is None else m.maximum(x, lo)
        if hi is not None:
            y = m.minimum(y, hi)
        edges = ctx.next_edges
        if edges:  # recording: the masks that route the gradient (NaNs get none)
            if hi is None:
                ctx.masks = (x >= lo if edges[0] else None, lo > x if edges[1] else None, None)
            elif lo is None:
                ctx.masks = (x <= hi if edges[0] else None, None, hi < x if edges[2] else None)
            else:
                ctx.masks = ((x >= lo) & (x <= hi) if edges[0] else None,
                             (lo > x) & (lo < hi) if edges[1] else None,
                             (hi < x) | (hi < lo) if edges[2] else None)
        return y

    def backward(ctx, gy):
        return tuple(None if k is None else gradmath.mask(gy, k) for k in ctx.masks)


clip = clamp


def lerp(input, end, weight):
    """input + weight * (end - input), for float tensors."""
    for name, v in (("input", input), ("end", end), ("weight", weight)):
        if name != "weight" and not isinstance(v, Tensor):
            raise TypeError(f"lerp: {name} must be a tensor, got {type(v).__name__}")
        if isinstance(v, Tensor) and v.array.dtype not in dtypes.FLOATS:
            raise TypeError(f"lerp: {name} must be a floating point tensor, got dtype {v.dtype}; convert it "
                            "with .float() first")
    if not isinstance(weight, (Tensor, int, float, np.number)) or isinstance(weight, (bool, np.bool_)):
        raise TypeError(f"lerp: weight must be a float tensor or a number, got {type(weight).__name__}")
    return input + weight * (end - input)


class NanToNum(Op):
    def forward(ctx, x, nan, posinf, neginf):
        ctx.mask = gradmath.xp(x).isfinite(x)
        return gradmath.xp(x).nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    def backward(ctx, gy):
        return gradmath.mask(gy, ctx.mask)


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
        y = k(x) if k is not None else gradmath.xp(x).maximum(x, 0)
        ctx.save_for_backward(y)
        return y

    def backward(ctx, gy):
        (y,) = ctx.saved_tensors
        k = kernels.get("relu_bwd", gy)
        if k is not None and gy.dtype == y.dtype:
            return k(gy, y)
        return gradmath.mask(gy, gradmath.array(y) > 0)


class Logit(Op):
    """log(p / (1 - p)) of p clamped to [eps, 1 - eps] (eps None: unclamped). One node saving only its input, so
    logit_ on a recorded tensor keeps a valid tape; gradient 0 outside [eps, 1 - eps], as in PyTorch."""

    def forward(ctx, x, eps):
        m = gradmath.xp(x)
        p = x if eps is None else m.clip(x, eps, 1 - eps)
        ctx.save_for_backward(x)
        ctx.eps = eps
        return (m.log(p) - m.log1p(-p)).astype(x.dtype, copy=False)

    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        g = gy / (x * (1 - x))
        eps = ctx.eps
        if eps is None:
            return g, None
        xd = gradmath.array(x)
        return gradmath.mask(g, (xd >= eps) & (xd <= 1 - eps)), None


def logit(input, eps=None):
    """log(p / (1 - p)), with p clamped to [eps, 1 - eps] when eps is given."""
    x = _float_input(input, "logit")
    if eps is not None and not isinstance(eps, (int, float)):
        raise TypeError(f"logit: eps must be a number or None, got {type(eps).__name__}")
    return Logit.apply(x, None if eps is None else float(eps))


def _where_method(self, condition, other):
    """Tensor.where(condition, other): self where condition holds, else other."""
    return where(condition, self, other)


__all__ = list(_TABLE) + ["sign", "floor", "ceil", "trunc", "round", "atan2", "maximum", "minimum", "where",
                          "clamp", "clip", "lerp", "nan_to_num", "relu", "logit"]
METHODS = {n: globals()[n] for n in __all__ if n != "where"}
METHODS.update(arcsin=asin, arccos=acos, arctan=atan, arctan2=atan2, where=_where_method, fix=trunc)
