"""Registry cases: arithmetic and elementwise math."""
import numpy as np

import autograd as ag
from tests.ops.registry import Arg, OpCase

CASES = []
_BIN = {"add": (lambda a, b: a + b, np.add), "sub": (lambda a, b: a - b, np.subtract),
        "mul": (lambda a, b: a * b, np.multiply), "div": (lambda a, b: a / b, np.divide),
        "atan2": (ag.atan2, np.arctan2), "maximum": (ag.maximum, np.maximum), "minimum": (ag.minimum, np.minimum)}
_SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 3), (4, 1)), ((), (2, 3)), ((0, 3), (3,))]
for name, (fn, ref) in _BIN.items():
    for sa, sb in _SHAPES:
        lo = 0.5 if name == "div" else -2.0
        CASES.append(OpCase(f"{name}-{sa}-{sb}", fn, [Arg(sa), Arg(sb, low=lo, high=2.0)], ref))
CASES.append(OpCase("mul-noncontig", lambda a, b: a * b, [Arg((3, 4), noncontig=True), Arg((3, 4))], np.multiply))
CASES.append(OpCase("add-scalar", lambda a: a + 2.5, [Arg((3,))], lambda a: a + 2.5))
CASES.append(OpCase("rsub-scalar", lambda a: 1 - a, [Arg((3,))], lambda a: 1 - a))
CASES.append(OpCase("rdiv-scalar", lambda a: 2 / a, [Arg((3,), 0.5, 2)], lambda a: 2 / a))
CASES.append(OpCase("neg", lambda a: -a, [Arg((2, 3))], np.negative))
CASES.append(OpCase("pow-scalar", lambda a: a ** 3, [Arg((2, 3))], lambda a: a ** 3))
CASES.append(OpCase("pow-half", lambda a: a ** 0.5, [Arg((4,), 0.5, 2)], np.sqrt))
CASES.append(OpCase("pow-tensor", lambda a, b: a ** b, [Arg((2, 3), 0.5, 2), Arg((3,))], np.power))
CASES.append(OpCase("rpow", lambda a: 2.0 ** a, [Arg((3,))], lambda a: 2.0 ** a))
CASES.append(OpCase("remainder", lambda a, b: a % b, [Arg((5,), -3, 3), Arg((5,), 0.7, 1.3)], np.remainder,
                    gradgrad=True))
CASES.append(OpCase("floor_divide", lambda a, b: a // b, [Arg((5,)), Arg((5,), 0.5, 1)], np.floor_divide))

_UN = {
    "exp": np.exp, "expm1": np.expm1, "log": np.log, "log1p": np.log1p, "log2": np.log2, "log10": np.log10,
    "sqrt": np.sqrt, "rsqrt": lambda x: 1 / np.sqrt(x), "square": np.square, "reciprocal": lambda x: 1 / x,
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan,
    "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "logsigmoid": lambda x: -np.logaddexp(0, -x), "abs": np.abs, "relu": lambda x: np.maximum(x, 0),
}
_POSITIVE = {"log", "log2", "log10", "sqrt", "rsqrt", "reciprocal"}
_UNIT = {"asin", "acos"}
for name, ref in _UN.items():
    lo, hi = (0.3, 2.0) if name in _POSITIVE else ((-0.9, 0.9) if name in _UNIT else (-2.0, 2.0))
    if name == "log1p":
        lo = -0.5
    fn = getattr(ag, name)
    for shape in [(3, 4), (), (0,)]:
        CASES.append(OpCase(f"{name}-{shape}", fn, [Arg(shape, lo, hi)], ref))
    CASES.append(OpCase(f"{name}-noncontig", fn, [Arg((3, 4), lo, hi, noncontig=True)], ref))
import math  # noqa: E402

CASES.append(OpCase("erf", ag.erf, [Arg((3, 4))], np.vectorize(math.erf)))
for name in ("floor", "ceil", "trunc", "round", "sign"):
    CASES.append(OpCase(name, getattr(ag, name), [Arg((3, 4), values=[[0.3, -1.7, 2.4, 1.2]] * 3)],
                        getattr(np, name)))
CASES.append(OpCase("clamp", lambda x: ag.clamp(x, -0.5, 0.7), [Arg((3, 4))], lambda x: np.clip(x, -0.5, 0.7)))
CASES.append(OpCase("clamp-min", lambda x: x.clamp(min=0.1), [Arg((5,))], lambda x: np.maximum(x, 0.1)))
CASES.append(OpCase("clamp-tensor", lambda x, lo, hi: ag.clamp(x, lo, hi), [Arg((3, 4)), Arg((4,), -2, -0.5),
                    Arg((3, 1), 0.5, 2)], lambda x, lo, hi: np.minimum(np.maximum(x, lo), hi)))
CASES.append(OpCase("where", lambda a, b: ag.where(a > 0, a, b), [Arg((3, 4)), Arg((4,))],
                    lambda a, b: np.where(a > 0, a, b)))
CASES.append(OpCase("lerp", lambda a, b, w: ag.lerp(a, b, w), [Arg((3,)), Arg((3,)), Arg((3,))],
                    lambda a, b, w: a + w * (b - a)))
CASES.append(OpCase("nan_to_num", ag.nan_to_num, [Arg((2, 3))], np.nan_to_num))
CASES.append(OpCase("logit", ag.logit, [Arg((4,), 0.1, 0.9)], lambda p: np.log(p / (1 - p))))
