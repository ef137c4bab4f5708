"""More elementwise math: exp2, inverse hyperbolics, copysign, logaddexp, hypot, fmax/fmin, frac, gcd/lcm, heaviside,
nextafter, ldexp, frexp, float_power, clamp_min/clamp_max, and PyTorch's aliases of existing ops."""
import collections
import math

import numpy as np

from .. import dtypes, gradmath
from .._tensor import Tensor
from ..function import Op
from . import arith, compare, complex_math, inplace, unary
from .arith import _float_operands, operands
from .special import elementwise_op

_FLOATS = dtypes.FLOATS
_LN2 = math.log(2.0)


def _tensors(op, **named):
    for what, v in named.items():
        if not isinstance(v, Tensor):
            raise TypeError(f"{op}: {what} must be a tensor, got {type(v).__name__}")


def _float_tensors(op, input, other):
    """Two tensors of PyTorch's promoted dtype, which must be a float dtype (ints raise, as PyTorch's kernels do)."""
    _tensors(op, input=input, other=other)
    a, b = operands(input, other, op)
    if a.array.dtype not in _FLOATS:
        raise TypeError(f"{op}: expected floating point tensors, got dtypes {input.dtype} and {other.dtype}; "
                        "convert them with .float() first")
    return a, b


# ---------------------------------------------------------------------------- unary
Exp2, exp2 = elementwise_op("exp2", lambda x: gradmath.xp(x).exp2(x), lambda g, x, y: g * y * _LN2, "y",
                            "Elementwise 2 ** input.")
Acosh, acosh = elementwise_op("acosh", lambda x: gradmath.xp(x).arccosh(x),
                              lambda g, x, y: g / gradmath.sqrt(x * x - 1), "x", "Elementwise inverse cosh.")
Asinh, asinh = elementwise_op("asinh", lambda x: gradmath.xp(x).arcsinh(x),
                              lambda g, x, y: g / gradmath.sqrt(x * x + 1), "x", "Elementwise inverse sinh.",
                              fp_errors=False)
Atanh, atanh = elementwise_op("atanh", lambda x: gradmath.xp(x).arctanh(x), lambda g, x, y: g / (1 - x * x), "x",
                              "Elementwise inverse tanh.")


_D2R = math.pi / 180.0
Deg2rad, deg2rad = elementwise_op("deg2rad", lambda x: x * _D2R, lambda g, x, y: g * _D2R, None,
                                  "Degrees to radians (ints become the default float dtype).")
Rad2deg, rad2deg = elementwise_op("rad2deg", lambda x: x * (1 / _D2R), lambda g, x, y: g * (1 / _D2R), None,
                                  "Radians to degrees (ints become the default float dtype).")


class Frac(Op):
    """x - trunc(x) (the sign of x; nan at +-inf, as in PyTorch): the gradient passes through unchanged."""

    fp_errors = True

    def forward(ctx, x):
        return x - gradmath.xp(x).trunc(x)

    def backward(ctx, gy):
        return gy


def frac(input):
    """The fractional part input - trunc(input), for float tensors."""
    _tensors("frac", input=input)
    if input.array.dtype not in _FLOATS:
        raise TypeError(f"frac: expected a floating point tensor, got dtype {input.dtype}; convert it with "
                        ".float() first")
    return Frac.apply1(input)


def positive(input):
    """input itself (bool tensors are refused, as in PyTorch)."""
    _tensors("positive", input=input)
    if input.array.dtype == dtypes.bool_:
        raise TypeError("positive: the + operator on a bool tensor is not supported; convert it with .long() first")
    return input


def clamp_min(input, min):
    """clamp(input, min=min)."""
    return unary.clamp(input, min=min)


def clamp_max(input, max):
    """clamp(input, max=max)."""
    return unary.clamp(input, max=max)


# ---------------------------------------------------------------------------- copysign, logaddexp, hypot
class Copysign(Op):
    """|a| with the sign of b. The gradient is g * (result / a) for a, 0 at a == 0 (so nan at a = +-inf, as in
    PyTorch), and 0 for b; result / a is +-1, piecewise constant, so it is a constant of the backward graph."""

    broadcasts = True
    fp_errors = True  # only the ratio kept for backward (inf / inf)

    def forward(ctx, a, b):
        y = gradmath.xp(a).copysign(a, b)
        if ctx.next_edges and ctx.next_edges[0] is not None:
            ctx.ratio = gradmath.mask(y / a, a != 0)
        return y

    def backward(ctx, gy):
        need = ctx.needs_input_grad
        ga = gy * _constant(ctx.ratio, gy) if need[0] else None
        return ga, (gy * 0 if need[1] else None)


def _constant(arr, like):
    """A constant of the backward graph: the array itself in plain backward, a Tensor without history under
    create_graph."""
    return Tensor._make(arr, None, 0) if isinstance(like, Tensor) else arr


def copysign(input, other):
    """|input| with the sign of other (a tensor or a number); ints become the default float dtype."""
    _tensors("copysign", input=input)
    return Copysign.apply(*_float_operands(input, other, "copysign"))


class Logaddexp(Op):
    """log(exp(a) + exp(b)) (base 2 with base2: log2(2 ** a + 2 ** b)), without overflow."""

    broadcasts = True
    fp_errors = True
    base2 = False

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        m = gradmath.xp(a)
        return m.logaddexp2(a, b) if ctx.base2 else m.logaddexp(a, b)

    def backward(ctx, gy):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        k = _LN2 if ctx.base2 else 1.0  # d/da = 1 / (1 + e^(k (b - a))), as PyTorch writes it
        ga = gy / (gradmath.exp((b - a) * k) + 1) if need[0] else None
        gb = gy / (gradmath.exp((a - b) * k) + 1) if need[1] else None
        return ga, gb


class Logaddexp2(Logaddexp):
    base2 = True


def logaddexp(input, other):
    """log(exp(input) + exp(other)), for float tensors."""
    return Logaddexp.apply(*_float_tensors("logaddexp", input, other))


def logaddexp2(input, other):
    """log2(2 ** input + 2 ** other), for float tensors."""
    return Logaddexp2.apply(*_float_tensors("logaddexp2", input, other))


class Hypot(Op):
    """sqrt(a * a + b * b) without overflow; the gradient is nan at a == b == 0, as in PyTorch (0 / 0)."""

    broadcasts = True
    fp_errors = True

    def forward(ctx, a, b):
        y = gradmath.xp(a).hypot(a, b)
        ctx.save_for_backward(a, b, y)
        return y

    def backward(ctx, gy):
        a, b, y = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (gy * a / y if need[0] else None), (gy * b / y if need[1] else None)


def hypot(input, other):
    """Elementwise sqrt(input ** 2 + other ** 2), for float tensors (they broadcast)."""
    return Hypot.apply(*_float_tensors("hypot", input, other))


# ---------------------------------------------------------------------------- fmax / fmin
class Fmax(Op):
    """Elementwise max ignoring NaN (fmin with lower). A tie sends the whole gradient to a, as PyTorch does."""

    broadcasts = True
    lower = False

    def forward(ctx, a, b):
        m = gradmath.xp(a)
        if ctx.next_edges:
            ctx.take_a = ((a <= b) if ctx.lower else (a >= b)) | m.isnan(b)
        return m.fmin(a, b) if ctx.lower else m.fmax(a, b)

    def backward(ctx, gy):
        need = ctx.needs_input_grad
        take = ctx.take_a
        return (gradmath.mask(gy, take) if need[0] else None), (gradmath.mask(gy, ~take) if need[1] else None)


class Fmin(Fmax):
    lower = True


def fmax(input, other):
    """Elementwise maximum, where a NaN loses to a number (both NaN: NaN)."""
    _tensors("fmax", input=input, other=other)
    return Fmax.apply(*operands(input, other, "fmax"))


def fmin(input, other):
    """Elementwise minimum, where a NaN loses to a number (both NaN: NaN)."""
    _tensors("fmin", input=input, other=other)
    return Fmin.apply(*operands(input, other, "fmin"))


# ---------------------------------------------------------------------------- integer ops: gcd, lcm
class Gcd(Op):
    broadcasts = True
    differentiable = False

    def forward(ctx, a, b):
        return gradmath.xp(a).gcd(a, b)


class Lcm(Op):
    broadcasts = True
    differentiable = False

    def forward(ctx, a, b):
        return gradmath.xp(a).lcm(a, b)


def _int_tensors(op, input, other):
    _tensors(op, input=input, other=other)
    a, b = operands(input, other, op)
    if a.array.dtype not in dtypes.INTEGERS:
        raise TypeError(f"{op}: expected integer tensors, got dtypes {input.dtype} and {other.dtype}")
    return a, b


def gcd(input, other):
    """Elementwise greatest common divisor (non-negative; gcd(0, 0) = 0), for integer tensors."""
    return Gcd.apply(*_int_tensors("gcd", input, other))


def lcm(input, other):
    """Elementwise least common multiple (non-negative; 0 when either is 0), for integer tensors."""
    return Lcm.apply(*_int_tensors("lcm", input, other))


# ---------------------------------------------------------------------------- heaviside, nextafter
class Heaviside(Op):
    """0 where x < 0, values where x == 0, 1 where x > 0 (NaN gives 0, as in PyTorch); no derivative."""

    broadcasts = True

    def forward(ctx, x, v):
        m = gradmath.xp(x)
        return m.where(x == 0, v, (x > 0).astype(x.dtype))

    def backward(ctx, gy):
        raise RuntimeError("heaviside: the derivative is not implemented, as in PyTorch; detach() the inputs first")


def heaviside(input, values):
    """The Heaviside step function of input, taking `values` where input == 0 (tensors of one dtype)."""
    _tensors("heaviside", input=input, values=values)
    if input.dtype != values.dtype:
        raise RuntimeError(f"heaviside is not yet implemented for tensors with different dtypes (got {input.dtype} "
                           f"and {values.dtype}); convert values with .to(input.dtype) first")
    a, b = operands(input, values, "heaviside")  # refuses two devices
    return Heaviside.apply(a, b)


class Nextafter(Op):
    """The next float after a towards b; a's gradient is g where a != b (0 where they are equal), b's 0, as in
    PyTorch."""

    broadcasts = True

    def forward(ctx, a, b):
        if ctx.next_edges:
            ctx.moved = a != b
        return gradmath.xp(a).nextafter(a, b)

    def backward(ctx, gy):
        need = ctx.needs_input_grad
        return (gradmath.mask(gy, ctx.moved) if need[0] else None), (gy * 0 if need[1] else None)


def nextafter(input, other):
    """The next representable float after input in the direction of other, for float tensors."""
    return Nextafter.apply(*_float_tensors("nextafter", input, other))


# ---------------------------------------------------------------------------- ldexp, frexp, float_power
class Ldexp(Op):
    """x * 2 ** e; d/dx = 2 ** e, d/de = x * 2 ** e * ln 2 (PyTorch computes it as mul(x, pow(2, e)) too)."""

    broadcasts = True
    fp_errors = True

    def forward(ctx, x, e):
        ctx.save_for_backward(x, e)
        return x * gradmath.xp(e).exp2(e)

    def backward(ctx, gy):
        x, e = ctx.saved_tensors
        p = exp2(e) if isinstance(e, Tensor) else gradmath.xp(e).exp2(e)
        need = ctx.needs_input_grad
        return (gy * p if need[0] else None), (gy * x * p * _LN2 if need[1] else None)


def ldexp(input, other):
    """input * 2 ** other (PyTorch's definition: ints become the default float dtype)."""
    _tensors("ldexp", input=input, other=other)
    if other.array.dtype not in _FLOATS:  # pow(2.0, int tensor) is the default float dtype in PyTorch
        other = other.to(dtypes.get_default_dtype())
    x, e = operands(input, other, "ldexp")
    return Ldexp.apply(x, e)


frexp_result = collections.namedtuple("frexp", ["mantissa", "exponent"])  # torch.return_types.frexp's fields


class Frexp(Op):
    """x = mantissa * 2 ** exponent with 0.5 <= |mantissa| < 1 (int32 exponent, no gradient); d mantissa / dx is
    2 ** -exponent."""

    nondiff_outputs = (1,)

    def forward(ctx, x):
        m = gradmath.xp(x)
        mant, e = m.frexp(x)
        e = e.astype(np.int32, copy=False)
        ctx.e = e
        return mant, e

    def backward(ctx, gm, ge):
        e = ctx.e
        m = gradmath.xp(e)
        scale = m.ldexp(m.ones(e.shape, dtype=gm.dtype), -e)
        return gm * (Tensor._make(scale, None, 0) if isinstance(gm, Tensor) else scale)


def frexp(input):
    """(mantissa, exponent) with input = mantissa * 2 ** exponent, 0.5 <= |mantissa| < 1 (exponent int32)."""
    _tensors("frexp", input=input)
    if input.array.dtype not in _FLOATS:
        raise RuntimeError(f"frexp: only supports floating-point dtypes, got {input.dtype}; convert it with "
                           ".float() first")
    return frexp_result(*Frexp.apply(input))


def _double(v):
    if isinstance(v, Tensor):
        return v if v.array.dtype == dtypes.float64 else v.to(dtypes.float64)
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise TypeError(f"float_power: expected a tensor or a number, got {type(v).__name__}")
    return v


def float_power(input, exponent):
    """input ** exponent computed in float64 (the result is always float64); either may be a number."""
    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        raise TypeError(f"float_power: expected at least one tensor, got {type(input).__name__} and "
                        f"{type(exponent).__name__}")
    base, exp = _double(input), _double(exponent)
    if not isinstance(base, Tensor):
        base = float(base)
    return arith.pow(base, exp)


def float_power_(self, exponent):
    """In-place float_power (the tensor must be float64, as in PyTorch)."""
    inplace.check_inplace(self, "float_power_")
    if self.dtype != dtypes.float64:
        raise RuntimeError(f"float_power_: the base given to float_power_ has dtype {self.dtype} but the "
                           "operation's result requires dtype float64; convert it with .double() first")
    return inplace.commit(self, float_power(self, exponent), "float_power_")


# ---------------------------------------------------------------------------- PyTorch's aliases: the same objects
absolute, fix = unary.abs, unary.trunc
sgn = complex_math.sgn  # x / |x| for complex x, the sign for real x
arccos, arcsin, arctan, arctan2 = unary.acos, unary.asin, unary.atan, unary.atan2
arccosh, arcsinh, arctanh = acosh, asinh, atanh
multiply, subtract, divide, negative = arith.mul, arith.sub, arith.div, arith.neg
greater, greater_equal, less, less_equal, not_equal = compare.gt, compare.ge, compare.lt, compare.le, compare.ne

# ---------------------------------------------------------------------------- in place
# Aliases get their own in-place methods (not the same objects) so that errors name the method that was called.
_via = inplace._via
_INPLACE = {"exp2": exp2, "acosh": acosh, "asinh": asinh, "atanh": atanh, "arccosh": acosh, "arcsinh": asinh,
            "arctanh": atanh, "deg2rad": deg2rad, "rad2deg": rad2deg, "frac": frac, "copysign": copysign,
            "hypot": hypot, "gcd": gcd, "lcm": lcm, "heaviside": heaviside, "nextafter": nextafter, "ldexp": ldexp,
            "absolute": absolute, "sgn": sgn, "fix": fix, "arccos": arccos, "arcsin": arcsin, "arctan": arctan,
            "arctan2": arctan2, "multiply": multiply, "subtract": subtract, "divide": divide,
            "true_divide": arith.true_divide, "negative": negative}
for _n, _f in _INPLACE.items():
    globals()[f"{_n}_"] = _via(_n, _f)

__all__ = ["absolute", "acosh", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2", "arctanh", "asinh",
           "atanh", "clamp_max", "clamp_min", "copysign", "deg2rad", "divide", "exp2", "fix", "float_power", "fmax",
           "fmin", "frac", "frexp", "gcd", "greater", "greater_equal", "heaviside", "hypot", "lcm", "ldexp", "less",
           "less_equal", "logaddexp", "logaddexp2", "multiply", "negative", "nextafter", "not_equal", "positive",
           "rad2deg", "sgn", "subtract"]
_OTHER_FAMILIES = {"fix", "arccos", "arcsin", "arctan", "arctan2", "multiply", "subtract", "divide", "negative",
                   "greater", "greater_equal", "less", "less_equal", "not_equal"}  # methods their families attach
METHODS = {n: globals()[n] for n in __all__ if n not in _OTHER_FAMILIES}
METHODS.update({n: g for n, g in list(globals().items()) if n.endswith("_") and not n.startswith("_")
                and callable(g)})
