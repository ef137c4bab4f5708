"""Comparisons, logical and bitwise ops, isnan/isinf/isfinite: results carry no gradient."""
import numpy as np

from .. import dtypes, gradmath
from .._tensor import Tensor
from ..function import Op
from .arith import operands

_OPERANDS = (Tensor, int, float, np.generic, list, tuple)


def _operand(v):
    """Can v take part in an elementwise comparison (a tensor, a number, array-like data)?"""
    return isinstance(v, _OPERANDS) or hasattr(v, "__array__") or hasattr(v, "__cuda_array_interface__")


def _binary_nograd(name, fwd, doc):
    cls = type(name.capitalize(), (Op,), {"differentiable": False, "__slots__": (),
                                          "forward": lambda ctx, a, b: fwd(a, b)})

    def fn(input, other):
        if (not isinstance(input, Tensor) and not isinstance(other, Tensor)) or not _operand(other) or \
                not _operand(input):  # None, str, ...: Python falls back (x == None is False, x < None raises)
            return NotImplemented
        a, b = operands(input, other, name)
        try:
            return cls.apply(a, b)
        except ValueError:
            sa = tuple(a.shape) if isinstance(a, Tensor) else "scalar"
            sb = tuple(b.shape) if isinstance(b, Tensor) else "scalar"
            raise RuntimeError(f"{name}: shapes {sa} and {sb} cannot be broadcast together") from None

    fn.__name__ = name
    fn.__doc__ = doc
    return fn


eq = _binary_nograd("eq", lambda a, b: a == b, "Elementwise ==.")
ne = _binary_nograd("ne", lambda a, b: a != b, "Elementwise !=.")
lt = _binary_nograd("lt", lambda a, b: a < b, "Elementwise <.")
le = _binary_nograd("le", lambda a, b: a <= b, "Elementwise <=.")
gt = _binary_nograd("gt", lambda a, b: a > b, "Elementwise >.")
ge = _binary_nograd("ge", lambda a, b: a >= b, "Elementwise >=.")


def _bool_of(x):
    return x != 0 if getattr(x, "dtype", None) != dtypes.bool_ else x


logical_and = _binary_nograd("logical_and", lambda a, b: _bool_of(a) & _bool_of(b), "Elementwise logical and.")
logical_or = _binary_nograd("logical_or", lambda a, b: _bool_of(a) | _bool_of(b), "Elementwise logical or.")
logical_xor = _binary_nograd("logical_xor", lambda a, b: _bool_of(a) ^ _bool_of(b), "Elementwise logical xor.")


def _int_only(fwd, name):
    def f(a, b):
        for v in (a, b):
            if getattr(v, "dtype", dtypes.int64) in dtypes.FLOATS or isinstance(v, float):
                raise TypeError(f"{name}: only integer and bool tensors are supported, got a float operand")
        return fwd(a, b)

    return f


bitwise_and = _binary_nograd("bitwise_and", _int_only(lambda a, b: a & b, "bitwise_and"), "Elementwise &.")
bitwise_or = _binary_nograd("bitwise_or", _int_only(lambda a, b: a | b, "bitwise_or"), "Elementwise |.")
bitwise_xor = _binary_nograd("bitwise_xor", _int_only(lambda a, b: a ^ b, "bitwise_xor"), "Elementwise ^.")


def _unary_nograd(name, fwd, doc):
    cls = type(name.capitalize(), (Op,), {"differentiable": False, "__slots__": (),
                                          "forward": lambda ctx, x: fwd(gradmath.xp(x), x)})

    def fn(input):
        return cls.apply(input)

    fn.__name__ = name
    fn.__doc__ = doc
    return fn


def _not(m, x):
    if x.dtype in dtypes.FLOATS:
        raise TypeError("bitwise_not: only integer and bool tensors are supported; use logical_not for floats")
    return ~x


bitwise_not = _unary_nograd("bitwise_not", _not, "Elementwise ~ (logical not for bools).")
logical_not = _unary_nograd("logical_not", lambda m, x: ~_bool_of(x), "Elementwise logical not.")
isnan = _unary_nograd("isnan", lambda m, x: m.isnan(x), "True where the value is NaN.")
isinf = _unary_nograd("isinf", lambda m, x: m.isinf(x), "True where the value is +-inf.")
isfinite = _unary_nograd("isfinite", lambda m, x: m.isfinite(x), "True where the value is finite.")
isposinf = _unary_nograd("isposinf", lambda m, x: m.isposinf(x), "True where the value is +inf.")
isneginf = _unary_nograd("isneginf", lambda m, x: m.isneginf(x), "True where the value is -inf.")
signbit = _unary_nograd("signbit", lambda m, x: m.signbit(x), "True where the sign bit is set.")


def equal(input, other):
    """True when both tensors have the same shape and elements."""
    return input.shape == other.shape and bool((input == other).all())


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True when all elements are close (|a - b| <= atol + rtol * |b|)."""
    return bool(isclose(input, other, rtol, atol, equal_nan).all())


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise closeness (|a - b| <= atol + rtol * |b|)."""
    a, b = operands(input, other, "isclose")
    ad, bd = gradmath.array(a), gradmath.array(b)
    return Tensor._make(gradmath.xp(ad).isclose(ad, bd, rtol=rtol, atol=atol, equal_nan=equal_nan), None, 0)


__all__ = ["eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor", "logical_not",
           "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "isnan", "isinf", "isfinite", "isposinf",
           "isneginf", "signbit", "equal", "allclose", "isclose"]
METHODS = {n: globals()[n] for n in __all__}
METHODS.update(greater=gt, greater_equal=ge, less=lt, less_equal=le, not_equal=ne)
