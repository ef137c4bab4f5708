"""Bit shifts of integer tensors: bitwise_left_shift (<<) and bitwise_right_shift (>>, arithmetic for signed)."""
import numpy as np

from .. import gradmath
from .compare import _binary_nograd, _int_only


def _module_of(a, b):
    return gradmath.xp(a if hasattr(a, "shape") else b)


def _left(a, b):
    """a << b, 0 where b reaches past the width of the result (C leaves that undefined; PyTorch gives 0)."""
    xp = _module_of(a, b)
    out = xp.left_shift(a, b)
    bits = 8 * np.result_type(out).itemsize
    return xp.where((xp.asarray(b) >= bits) | (xp.asarray(b) < 0), out.dtype.type(0), out)


def _right(a, b):
    """a >> b, the sign (0 or -1) where b reaches past the width of the result."""
    xp = _module_of(a, b)
    out = xp.right_shift(a, b)
    bits = 8 * np.result_type(out).itemsize
    past = (xp.asarray(b) >= bits) | (xp.asarray(b) < 0)
    sign = (xp.asarray(a) < 0).astype(out.dtype) * out.dtype.type(-1 if out.dtype.kind == "i" else 0)
    return xp.where(past, sign, out)


bitwise_left_shift = _binary_nograd("bitwise_left_shift", _int_only(_left, "bitwise_left_shift"),
                                    "Elementwise << of integer tensors: input * 2**other, wrapping.")
bitwise_right_shift = _binary_nograd("bitwise_right_shift", _int_only(_right, "bitwise_right_shift"),
                                     "Elementwise >> of integer tensors (arithmetic: signed values keep their sign).")

__all__ = ["bitwise_left_shift", "bitwise_right_shift"]
METHODS = {n: globals()[n] for n in __all__}
