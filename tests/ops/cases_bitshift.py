"""Registry cases: bit shifts (no gradient) and the in-place variants of inplace_extra, run on every backend."""
import numpy as np

import autograd as ag
from tests.ops.registry import Arg, OpCase


def _int(values, dtype="int64"):
    return Arg((len(values),), values=values, dtype=dtype, requires_grad=False)


def _inplace(name, *args):
    def fn(x, *rest):
        y = x * 1.0
        getattr(y, name)(*rest, *args)
        return y
    return fn


CASES = [
    OpCase("shift-left", ag.bitwise_left_shift, [_int([1, -3, 7, 5]), _int([0, 2, 9, 70])],
           lambda a, b: np.where(b >= 64, 0, np.left_shift(a, np.minimum(b, 63))), grad=False),
    OpCase("shift-right", lambda a, b: a >> b, [_int([1, -3, 700, -5]), _int([0, 2, 9, 70])],
           lambda a, b: np.right_shift(a, np.minimum(b, 63)), grad=False),
    OpCase("shift-left-uint8-scalar", lambda a: a << 3, [_int([1, 3, 200], "uint8")], lambda a: np.left_shift(a, 3),
           grad=False),
    OpCase("inplace-eq_", _inplace("eq_"), [Arg((2, 3), values=[[1.0, 0.0, 2.0], [1.0, 3.0, 0.0]]),
                                           Arg((3,), values=[1.0, 0.0, 0.0])],
           lambda x, y: (x == y).astype(np.float64), grad=False),
    OpCase("inplace-logical_or_", _inplace("logical_or_"), [Arg((2, 2), values=[[0.0, 2.0], [0.0, 0.0]]),
                                                           Arg((2,), values=[0.0, 1.0])],
           lambda x, y: np.logical_or(x, y).astype(np.float64), grad=False),
    OpCase("inplace-tril_", _inplace("tril_", -1), [Arg((3, 4))], lambda x: np.tril(x, -1)),
    OpCase("inplace-triu_", _inplace("triu_"), [Arg((4, 3), noncontig=True)], np.triu),
    OpCase("inplace-addmm_", lambda x, a, b: _inplace("addmm_")(x, a, b), [Arg((2, 2)), Arg((2, 3)), Arg((3, 2))],
           lambda x, a, b: x + a @ b),
    OpCase("inplace-addr_", lambda x, a, b: _inplace("addr_")(x, a, b), [Arg((2, 3)), Arg((2,)), Arg((3,))],
           lambda x, a, b: x + np.outer(a, b)),
]
