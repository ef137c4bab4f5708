"""Arithmetic: add, sub, mul, div, neg, pow, floor_divide, remainder, with PyTorch's type promotion."""
import numpy as np

from .. import dtypes, gradmath
from .._tensor import Tensor
from ..creation import as_tensor
from ..function import Op

_SCALARS = (int, float, bool, complex)
_default = dtypes._Default
_FLOATS = dtypes.FLOATS


def _fast(a, b):
    """True when a and b need no promotion or device check: a float tensor with a float, or equal-typed tensors."""
    if b.__class__ is float:  # exactly float: numpy's float64 scalars take the slow path (they must not upcast)
        return isinstance(a, Tensor) and a.array.dtype in _FLOATS
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        da, db = a.array, b.array
        return da.dtype == db.dtype and da.__class__ is db.__class__
    return False


def _device_error(op, a, b):
    if a.is_sparse or b.is_sparse:
        raise RuntimeError(f"{op}: a sparse COO tensor and a dense one cannot be combined (shapes {tuple(a.shape)} "
                           f"and {tuple(b.shape)}); convert the sparse one with .to_dense() first")
    raise RuntimeError(f"{op}: expected all tensors on the same device, but found one on {a.device} and one on "
                       f"{b.device}; move one with .to(device) first (nothing is copied implicitly)")


def operands(a, b, op):
    """Promote a pair of operands (Tensors or Python scalars) to PyTorch's result dtype."""
    ta, tb = isinstance(a, Tensor), isinstance(b, Tensor)
    if ta and tb:
        da, db = a.array, b.array
        if type(da) is not type(db):
            _device_error(op, a, b)
        if da.dtype != db.dtype:
            d = dtypes.promote_tensors(da.dtype, da.ndim, db.dtype, db.ndim)
            a, b = a.to(d), b.to(d)
        return a, b
    if ta:
        return a, _other(b, a, op)
    if tb:
        return _other(a, b, op), b
    raise TypeError(f"{op}: expected at least one tensor, got {type(a).__name__} and {type(b).__name__}")


def _other(s, t, op):
    """Make the non-tensor operand of a binary op fit the tensor operand `t`."""
    if isinstance(s, np.generic):  # numpy scalars behave like Python scalars, as in PyTorch
        s = s.item()
    if isinstance(s, _SCALARS):
        dt = t.array.dtype
        if type(s) is int and dt in dtypes.INTEGERS and not np.iinfo(dt).min <= s <= np.iinfo(dt).max:
            return int(np.array(s).astype(dt))  # PyTorch wraps out-of-range integers, numpy 2 refuses them
        return s
    if isinstance(s, (list, tuple, np.ndarray)) and t.device.type != "cpu":
        raise RuntimeError(f"{op}: expected all tensors on the same device, but found one on {t.device} and host "
                           f"data ({type(s).__name__}) on cpu; make it a tensor on {t.device} first (nothing is "
                           "copied implicitly)")
    if isinstance(s, (list, tuple)) or hasattr(s, "__array__") or hasattr(s, "__cuda_array_interface__"):
        other = as_tensor(s, device=t.device)
        return operands(t, other, op)[1] if other.dtype != t.dtype else other
    raise TypeError(f"{op}: unsupported operand type {type(s).__name__} (expected a tensor or a number)")


def _is_bool(v):
    """A bool tensor or a Python bool."""
    return v.__class__ is bool or (isinstance(v, Tensor) and v.array.dtype == dtypes.bool_)


def _cast_scalar_op(a, b):
    """For an int/bool tensor with a float scalar, cast the tensor to the default float dtype (the default complex
    dtype for a complex scalar and a non-complex tensor other than float64, as in PyTorch)."""
    if isinstance(a, Tensor) and type(b) is float and a.array.dtype not in dtypes.DIFFERENTIABLE:
        return a.to(_default.dtype), b
    if isinstance(b, Tensor) and type(a) is float and b.array.dtype not in dtypes.DIFFERENTIABLE:
        return a, b.to(_default.dtype)
    if type(b) is complex or type(a) is complex:
        t = a if isinstance(a, Tensor) else b
        d = dtypes.result_type(a, b)
        if t.array.dtype != d:
            return (a.to(d), b) if t is a else (a, b.to(d))
    return a, b


# ---------------------------------------------------------------------------- add / sub
class Add(Op):
    broadcasts = True
    complex_ok = True

    def forward(ctx, a, b):
        return a + b

    def backward(ctx, gy):
        return gy, gy


class Sub(Op):
    broadcasts = True
    complex_ok = True

    def forward(ctx, a, b):
        return a - b

    def backward(ctx, gy):
        return gy, -gy


def add(input, other, alpha=1):
    """input + alpha * other."""
    if alpha == 1 and _fast(input, other):
        return Add.apply2(input, other) if isinstance(other, Tensor) else Add.apply(input, other)
    if alpha != 1:
        other = mul(other, alpha)
    a, b = _cast_scalar_op(*operands(input, other, "add"))
    return Add.apply(a, b)


def _bool_sub_check(a, b):
    if (isinstance(a, Tensor) and a.array.dtype == dtypes.bool_) or (isinstance(b, Tensor) and
                                                                   b.array.dtype == dtypes.bool_):
        raise TypeError(f"sub: subtracting bool tensors (dtypes {getattr(a, 'dtype', type(a).__name__)} and "
                        f"{getattr(b, 'dtype', type(b).__name__)}) is not supported; use logical_xor() (^) or "
                        "logical_not() (~) instead, or convert with .long() first")


def sub(input, other, alpha=1):
    """input - alpha * other."""
    if alpha == 1 and _fast(input, other):
        try:
            return Sub.apply2(input, other) if isinstance(other, Tensor) else Sub.apply(input, other)
        except TypeError:  # numpy refuses bool - bool: say so in our words (no cost on the fast path)
            _bool_sub_check(input, other)
            raise
    _bool_sub_check(input, other)
    if alpha != 1:
        other = mul(other, alpha)
    a, b = operands(input, other, "sub")
    _bool_sub_check(a, b)
    return Sub.apply(*_cast_scalar_op(a, b))


def rsub(input, other, alpha=1):
    """other - alpha * input."""
    return sub(other, input, alpha)


# ---------------------------------------------------------------------------- mul / div
class Mul(Op):
    broadcasts = True
    holomorphic = True

    def forward(ctx, a, b):
        ctx.to_save = (a, b)
        return a * b

    def backward(ctx, gy):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (gy * b if need[0] else None), (gy * a if need[1] else None)


class Div(Op):
    fp_errors = True
    broadcasts = True
    holomorphic = True

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a / b

    def backward(ctx, gy):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        ga = gy / b if need[0] else None
        gb = -gy * a / (b * b) if need[1] else None
        return ga, gb


_CONSTS = {}


def const(c, like):
    """c as a 0-d numpy array of like's dtype: numpy 2 spends twice as long on a Python-float operand."""
    if type(like) is not np.ndarray:
        return c  # cupy takes Python scalars as cheap kernel arguments
    key = (c, like.dtype)
    arr = _CONSTS.get(key)
    if arr is None:
        if len(_CONSTS) > 4096:
            _CONSTS.clear()
        arr = _CONSTS[key] = np.array(c, dtype=like.dtype)
        arr.flags.writeable = False
    return arr


class MulScalar(Op):
    """x * c for a Python float c: nothing saved but c."""

    display = "Mul"
    holomorphic = True

    def forward(ctx, x, c):
        ctx.c = c = const(c, x)
        return x * c

    def backward(ctx, gy):
        return gy * ctx.c, None


def mul(input, other):
    """Elementwise product."""
    if other.__class__ is float and isinstance(input, Tensor) and input.array.dtype in _FLOATS:
        return MulScalar.apply1(input, other)
    if input.__class__ is float and isinstance(other, Tensor) and other.array.dtype in _FLOATS:
        return MulScalar.apply1(other, input)
    if _fast(input, other):
        return Mul.apply2(input, other) if isinstance(other, Tensor) else Mul.apply(input, other)
    return Mul.apply(*_cast_scalar_op(*operands(input, other, "mul")))


def _float_operands(a, b, op):
    a, b = _cast_scalar_op(*operands(a, b, op))
    if isinstance(a, Tensor) and a.array.dtype not in dtypes.DIFFERENTIABLE:
        a = a.to(_default.dtype)
    if isinstance(b, Tensor) and b.array.dtype not in dtypes.DIFFERENTIABLE:
        b = b.to(_default.dtype)
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        raise TypeError(f"{op}: expected a tensor operand")
    return a, b


def div(input, other, rounding_mode=None):
    """input / other: true division (ints give floats), or rounding_mode 'trunc' / 'floor'."""
    if rounding_mode is None:
        if _fast(input, other) and input.array.dtype in _FLOATS:
            return Div.apply2(input, other) if isinstance(other, Tensor) else Div.apply(input, other)
        return Div.apply(*_float_operands(input, other, "div"))
    if rounding_mode == "floor":
        return floor_divide(input, other)
    if rounding_mode == "trunc":
        a, b = _cast_scalar_op(*operands(input, other, "div"))
        _no_bools(a, b, "div")
        _check_int_zero(a, b, "div")
        return TruncDivide.apply(a, b)
    raise ValueError(f"div: rounding_mode must be None, 'trunc' or 'floor', got {rounding_mode!r}")


def true_divide(input, other):
    """input / other (true division)."""
    return div(input, other)


# ---------------------------------------------------------------------------- neg / pow
class Neg(Op):
    complex_ok = True

    def forward(ctx, x):
        return -x

    def backward(ctx, gy):
        return -gy


def neg(input):
    """-input."""
    if input.dtype == dtypes.bool_:
        raise TypeError("neg: negating a bool tensor is not supported; use ~ (logical_not) instead")
    return Neg.apply(input)


class PowScalar(Op):
    """x ** p for a Python-number exponent."""

    fp_errors = True
    holomorphic = True

    def forward(ctx, x, p):
        ctx.save_for_backward(x)
        ctx.p = p
        return _power(x, p)

    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        p = ctx.p
        if p == 0:
            return gy * 0
        if p == 2:
            return gy * 2 * x
        return gy * p * _power(x, p - 1)


def _power(x, p):
    """x ** p for a number p, with PyTorch's values: x ** -0.5 is 1 / sqrt(x) (-inf at -0.0, nan at -inf)."""
    if p == -0.5:
        return gradmath.reciprocal(gradmath.sqrt(x))
    return x ** p


class Pow(Op):
    """a ** b for two tensors."""

    fp_errors = True
    holomorphic = True

    broadcasts = True

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a ** b

    def backward(ctx, gy):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        ga = gb = None
        if need[0]:
            ga = gradmath.where(gradmath.array(b) == 0, 0.0 * gy, gy * b * a ** (b - 1))
        if need[1]:  # as in PyTorch: 0 at a == 0 <= b, else y * log(a) (-inf at a == 0 > b, nan for a < 0)
            gb = gradmath.where((gradmath.array(a) == 0) & (gradmath.array(b) >= 0), 0.0 * gy,
                                gy * (a ** b) * gradmath.log(a))
        return ga, gb


def pow(input, exponent):
    """input ** exponent (either may be a number)."""
    if isinstance(input, Tensor) and isinstance(exponent, (int, float)) and not isinstance(exponent, bool):
        x = input
        if x.array.dtype not in dtypes.DIFFERENTIABLE:
            if isinstance(exponent, float):
                x = x.to(_default.dtype)
            elif exponent < 0:
                raise RuntimeError(f"pow: integer tensor (dtype {x.dtype}) to a negative integer power "
                                   f"({exponent}) is not allowed; convert with .float() first")
            elif x.array.dtype == dtypes.bool_:  # bool ** int is int64, as in PyTorch (numpy gives int8)
                x = x.to(dtypes.int64)
        return PowScalar.apply(x, exponent)
    a, b = _cast_scalar_op(*operands(input, exponent, "pow"))
    if _is_bool(a) and _is_bool(b):
        if isinstance(a, Tensor) and isinstance(b, Tensor):
            raise TypeError("pow: raising a bool tensor to a bool tensor power is not supported; convert one "
                            "with .long() first")
        return Pow.apply(a, b).to(dtypes.bool_)  # a bool tensor and a Python bool stay bool, as in PyTorch
    return Pow.apply(a, b)


# ---------------------------------------------------------------------------- floor_divide / remainder
class FloorDivide(Op):
    """Floor of a / b: piecewise constant, so its gradient is zero."""

    fp_errors = True

    broadcasts = True

    def forward(ctx, a, b):
        return a // b

    def backward(ctx, gy):
        z = gy * 0
        return z, z


class Remainder(Op):
    """a - floor(a / b) * b, with the sign of b (Python's %)."""

    fp_errors = True

    broadcasts = True

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a % b

    def backward(ctx, gy):
        a, b = ctx.saved_tensors
        q = gradmath.array(a) // gradmath.array(b)
        return gy, -gy * q


class TruncDivide(Op):
    """a / b rounded toward zero: piecewise constant, so its gradient is zero (nothing saved)."""

    fp_errors = True

    broadcasts = True

    def forward(ctx, a, b):
        ref = a if hasattr(a, "dtype") else b
        m = gradmath.xp(ref)
        if ref.dtype in _FLOATS:
            return m.trunc(a / b)
        q = a // b  # exact for integers: floor, moved up by one where the exact quotient is negative and inexact
        return q + ((q < 0) & (q * b != a))

    def backward(ctx, gy):
        z = gy * 0
        return z, z


def _check_int_zero(a, b, op):
    d = b.array if isinstance(b, Tensor) else b
    dt = (a.array.dtype if isinstance(a, Tensor) else b.array.dtype)
    if dt not in dtypes.FLOATS and bool((gradmath.xp(d).asarray(d) == 0).any()):
        raise ZeroDivisionError(f"{op}: integer division by zero")


def _no_bools(a, b, op):
    if _is_bool(a) and _is_bool(b):
        raise TypeError(f"{op}: not supported for bool operands; convert with .long() first")


def floor_divide(input, other):
    """Floor division (Python's //)."""
    a, b = _cast_scalar_op(*operands(input, other, "floor_divide"))
    _no_bools(a, b, "floor_divide")
    _check_int_zero(a, b, "floor_divide")
    return FloorDivide.apply(a, b)


def remainder(input, other):
    """Python's %: the result has the sign of the divisor."""
    a, b = _cast_scalar_op(*operands(input, other, "remainder"))
    _no_bools(a, b, "remainder")
    _check_int_zero(a, b, "remainder")
    return Remainder.apply(a, b)


def fmod(input, other):
    """C's fmod: the result has the sign of the dividend."""
    a, b = operands(input, other, "fmod")
    return sub(a, mul(div(a, b, rounding_mode="trunc"), b))


# ---------------------------------------------------------------------------- addcmul / addcdiv
def _check_value(value, op):
    if isinstance(value, Tensor) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"{op}: value must be a number, got {type(value).__name__}")


def _tensor_args(op, **tensors):
    for name, t in tensors.items():
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: {name} must be a tensor, got {type(t).__name__}")


def addcmul(input, tensor1, tensor2, value=1):
    """input + value * tensor1 * tensor2."""
    _tensor_args("addcmul", input=input, tensor1=tensor1, tensor2=tensor2)
    _check_value(value, "addcmul")
    if input.dtype == tensor1.dtype == tensor2.dtype == dtypes.bool_:
        raise TypeError("addcmul: not supported for bool tensors; convert them with .long() first")
    if dtypes.result_type(input, tensor1, tensor2) not in _FLOATS and isinstance(value, (float, np.floating)):
        raise RuntimeError(f"addcmul: for integral or bool inputs (dtypes {input.dtype}, {tensor1.dtype}, "
                           f"{tensor2.dtype}) value must be an integer, got {value!r}")
    prod = mul(tensor1, tensor2)
    return add(input, prod if value == 1 else mul(prod, value))


def addcdiv(input, tensor1, tensor2, value=1):
    """input + value * tensor1 / tensor2 (true division)."""
    _tensor_args("addcdiv", input=input, tensor1=tensor1, tensor2=tensor2)
    _check_value(value, "addcdiv")
    if tensor1.dtype not in _FLOATS and tensor2.dtype not in _FLOATS:
        raise RuntimeError(f"addcdiv: integer division of tensor1 (dtype {tensor1.dtype}) by tensor2 (dtype "
                           f"{tensor2.dtype}) is not supported; convert one to a float dtype first "
                           "(e.g. tensor1.float()), or use (tensor1 / tensor2) for true division")
    quot = div(tensor1, tensor2)
    return add(input, quot if value == 1 else mul(quot, value))


__all__ = ["add", "sub", "rsub", "mul", "div", "true_divide", "neg", "pow", "floor_divide", "remainder", "fmod",
           "addcmul", "addcdiv"]
METHODS = {name: globals()[name] for name in __all__}
METHODS.update(multiply=mul, subtract=sub, divide=div, negative=neg)
