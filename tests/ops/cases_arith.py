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

# ---------------------------------------------------------------------------- reflected operators
# Python calls these when the left operand is a number; with two tensors they are called explicitly
# (a.__rsub__(b) is b - a). References return PyTorch's dtypes.
CASES += [
    OpCase("radd-float", lambda a: 2.0 + a, [Arg((3, 4))], lambda a: 2.0 + a),
    OpCase("radd-int", lambda a: 2 + a, [Arg((2, 3))], lambda a: 2 + a),
    OpCase("radd-tensor-bcast", lambda a, b: a.__radd__(b), [Arg((3, 4)), Arg((4,))], lambda a, b: b + a),
    OpCase("rsub-float", lambda a: 3.0 - a, [Arg((3, 4))], lambda a: 3.0 - a),
    OpCase("rsub-tensor-bcast", lambda a, b: a.__rsub__(b), [Arg((2, 1, 3)), Arg((4, 1))], lambda a, b: b - a),
    OpCase("rsub-0d", lambda a: 1.5 - a, [Arg(())], lambda a: np.asarray(1.5 - a)),
    OpCase("rmul-float", lambda a: 2.5 * a, [Arg((3, 4))], lambda a: 2.5 * a),
    OpCase("rmul-int-noncontig", lambda a: 3 * a, [Arg((3, 4), noncontig=True)], lambda a: 3 * a),
    OpCase("rmul-tensor-0d", lambda a, b: a.__rmul__(b), [Arg((3, 4)), Arg(())], lambda a, b: b * a),
    OpCase("rtruediv-float", lambda a: 2.0 / a, [Arg((3, 4), 0.5, 2.0)], lambda a: 2.0 / a),
    OpCase("rtruediv-tensor-bcast", lambda a, b: a.__rtruediv__(b), [Arg((4,), 0.5, 2.0), Arg((3, 4))],
           lambda a, b: b / a),
    OpCase("rtruediv-empty", lambda a: 1.0 / a, [Arg((0, 3), 0.5, 2.0)], lambda a: 1.0 / a),
    # floor division and remainder at values away from their jumps (5 / a is never near an integer)
    OpCase("rfloordiv-float", lambda a: 5 // a, [Arg((4,), values=[0.7, 1.1, 1.9, 2.3])], lambda a: 5 // a),
    OpCase("rfloordiv-tensor", lambda a, b: a.__rfloordiv__(b),
           [Arg((4,), values=[0.7, 1.1, 1.9, 2.3]), Arg((2, 4), values=[[5.0, 5.2, 4.1, 3.3]] * 2)],
           lambda a, b: b // a),
    OpCase("rfloordiv-int", lambda a: 5 // a, [Arg((5,), 1, 4, dtype="int64")],
           lambda a: (5 // a).astype(np.int64), grad=False),
    OpCase("rmod-float", lambda a: 5.0 % a, [Arg((4,), values=[0.7, 1.1, 1.9, 2.3])], lambda a: 5.0 % a),
    OpCase("rmod-tensor-bcast", lambda a, b: a.__rmod__(b),
           [Arg((4,), values=[0.7, 1.1, 1.9, 2.3]), Arg((3, 1), values=[[5.0], [4.1], [-3.4]])],
           lambda a, b: b % a),
    OpCase("rmod-int", lambda a: 7 % a, [Arg((5,), 1, 4, dtype="int64")], lambda a: (7 % a).astype(np.int64),
           grad=False),
    OpCase("rpow-int-base", lambda a: 3 ** a, [Arg((3, 4))], lambda a: 3.0 ** a),
    OpCase("rpow-tensor-bcast", lambda a, b: a.__rpow__(b), [Arg((3, 4)), Arg((4,), 0.5, 2.0)],
           lambda a, b: b ** a),
    OpCase("rpow-0d", lambda a: 2.0 ** a, [Arg(())], lambda a: np.asarray(2.0 ** a)),
    OpCase("rpow-int-tensor", lambda a: 2 ** a, [Arg((4,), 0, 5, dtype="int64")],
           lambda a: (2 ** a).astype(np.int64), grad=False),
]

# ---------------------------------------------------------------------------- clamp / clip
CASES += [
    OpCase("clip", lambda x: ag.clip(x, -0.5, 0.7), [Arg((3, 4))], lambda x: np.clip(x, -0.5, 0.7)),
    OpCase("clip-method-max", lambda x: x.clip(max=0.3), [Arg((2, 3))], lambda x: np.minimum(x, 0.3)),
    OpCase("clip-tensor", lambda x, lo, hi: ag.clip(x, lo, hi), [Arg((3, 4)), Arg((4,), -2, -0.5),
           Arg((3, 1), 0.5, 2)], lambda x, lo, hi: np.clip(x, lo, hi)),
    OpCase("clamp-0d", lambda x: x.clamp(-0.5, 0.5), [Arg(())], lambda x: np.asarray(np.clip(x, -0.5, 0.5))),
    OpCase("clamp-empty", lambda x: x.clamp(-0.5, 0.5), [Arg((0, 4))], lambda x: np.clip(x, -0.5, 0.5)),
    OpCase("clamp-noncontig", lambda x: x.clamp(-0.5, 0.5), [Arg((3, 4), noncontig=True)],
           lambda x: np.clip(x, -0.5, 0.5)),
    OpCase("clamp-lo-gt-hi", lambda x: x.clamp(0.5, -0.5), [Arg((2, 3))], lambda x: np.full_like(x, -0.5)),
    # tensor bounds: the gradient goes to x inside [lo, hi], to lo below, to hi above (and to hi when lo > hi)
    OpCase("clamp-tensor-min", lambda x, lo: x.clamp(min=lo), [Arg((3, 4)), Arg((4,))],
           lambda x, lo: np.maximum(x, lo)),
    OpCase("clamp-tensor-max", lambda x, hi: x.clamp(max=hi), [Arg((3, 4)), Arg((3, 1))],
           lambda x, hi: np.minimum(x, hi)),
    OpCase("clamp-tensor-x-bcast", lambda x, lo, hi: x.clamp(lo, hi), [Arg((4,)), Arg((3, 4), -2, 0),
           Arg((3, 4), 0, 2)], lambda x, lo, hi: np.minimum(np.maximum(x, lo), hi)),
    OpCase("clamp-tensor-overlap", lambda x, lo, hi: x.clamp(lo, hi), [Arg((3, 4)), Arg((3, 4), -1, 1),
           Arg((3, 4), -1, 1, noncontig=True)], lambda x, lo, hi: np.minimum(np.maximum(x, lo), hi)),
    OpCase("clamp-tensor-lo-gt-hi", lambda x, lo, hi: x.clamp(lo, hi), [Arg((3, 4)), Arg((4,), 1, 2),
           Arg((3, 1), -2, -1)], lambda x, lo, hi: np.broadcast_to(hi, (3, 4)).copy()),
    OpCase("clamp-tensor-0d", lambda x, lo, hi: x.clamp(lo, hi), [Arg((2, 3)), Arg(()), Arg((), 1, 2)],
           lambda x, lo, hi: np.minimum(np.maximum(x, lo), hi)),
    OpCase("clamp-tensor-empty", lambda x, lo: x.clamp(min=lo), [Arg((0, 3)), Arg((3,))],
           lambda x, lo: np.maximum(x, lo)),
    OpCase("clamp-tensor-mixed", lambda x, hi: x.clamp(-0.5, hi), [Arg((3, 4)), Arg((4,), 0, 1)],
           lambda x, hi: np.minimum(np.maximum(x, -0.5), hi)),
    OpCase("clamp-int-float-bound", lambda x: x.clamp(0, 1.5), [Arg((5,), -3, 4, dtype="int64")],
           lambda x: np.clip(x, 0, 1.5).astype(np.float32), grad=False),
    OpCase("clamp-int", lambda x: x.clamp(-1, 2), [Arg((5,), -3, 4, dtype="int64")],
           lambda x: np.clip(x, -1, 2), grad=False),
]

# ---------------------------------------------------------------------------- unary: 0-d, empty, non-contiguous
_AWAY = dict(values=[[0.3, -1.7, 2.4, 1.2], [-0.2, 0.6, -2.9, 3.7], [1.45, -0.65, 0.15, -3.3]])  # no ties/jumps
for name in ("erf", "floor", "ceil", "round", "trunc", "sign"):
    fn, ref = getattr(ag, name), (np.vectorize(math.erf, otypes=[float]) if name == "erf" else getattr(np, name))
    CASES += [
        OpCase(f"{name}-0d", fn, [Arg((), values=-1.3)], lambda x, ref=ref: np.asarray(ref(x), dtype=x.dtype)),
        OpCase(f"{name}-empty", fn, [Arg((2, 0))], lambda x, ref=ref: np.asarray(ref(x), dtype=x.dtype)),
        OpCase(f"{name}-noncontig", fn, [Arg((3, 4), noncontig=True, **_AWAY)],
               lambda x, ref=ref: np.asarray(ref(x), dtype=x.dtype)),
        OpCase(f"{name}-bcast-sum", lambda x, y, fn=fn: fn(x + y), [Arg((3, 1), values=[[0.31], [-1.17], [2.03]]),
               Arg((4,), values=[0.12, 0.21, -0.44, 0.33])], lambda x, y, ref=ref: np.asarray(ref(x + y))),
    ]
CASES += [
    OpCase("erf-wide", ag.erf, [Arg((3, 4), -4, 4)], np.vectorize(math.erf)),
    OpCase("round-decimals", lambda x: ag.round(x, decimals=1), [Arg((3,), values=[0.123, -1.678, 2.249])],
           lambda x: np.round(x, 1)),
    OpCase("floor-int", ag.floor, [Arg((4,), -3, 3, dtype="int64")], lambda x: x.copy(), grad=False),
    OpCase("sign-int", ag.sign, [Arg((5,), -3, 3, dtype="int64")], np.sign, grad=False),
    OpCase("sign-bool", ag.sign, [Arg((2, 3), dtype="bool")], lambda x: x.copy(), grad=False),
    OpCase("square-int", ag.square, [Arg((4,), -3, 3, dtype="int64")], np.square, grad=False),
    OpCase("square-bool", ag.square, [Arg((4,), dtype="bool")], lambda x: x.astype(np.int64), grad=False),
    OpCase("abs-int", ag.abs, [Arg((4,), -3, 3, dtype="int32")], np.abs, grad=False),
]

# ---------------------------------------------------------------------------- where / lerp / pow-tensor
CASES += [
    OpCase("where-bcast-cond", lambda c, a, b: ag.where(c > 0, a, b), [Arg((3, 1)), Arg((4,)), Arg((3, 4))],
           lambda c, a, b: np.where(c > 0, a, b)),
    OpCase("where-0d", lambda c, a, b: ag.where(c > 0, a, b), [Arg(()), Arg(()), Arg(())],
           lambda c, a, b: np.asarray(np.where(c > 0, a, b))),
    OpCase("where-0d-bcast", lambda a, b: ag.where(a > 0, a, b), [Arg((2, 3)), Arg(())],
           lambda a, b: np.where(a > 0, a, b)),
    OpCase("where-empty", lambda a, b: ag.where(a > 0, a, b), [Arg((0, 3)), Arg((3,))],
           lambda a, b: np.where(a > 0, a, b)),
    OpCase("where-noncontig", lambda a, b: ag.where(a > 0, a, b), [Arg((3, 4), noncontig=True),
           Arg((3, 4), noncontig=True)], lambda a, b: np.where(a > 0, a, b)),
    OpCase("where-scalar", lambda a: ag.where(a > 0, a, 0.5), [Arg((3, 4))], lambda a: np.where(a > 0, a, 0.5)),
    OpCase("where-scalar-first", lambda a: ag.where(a > 0, -1.0, a), [Arg((3, 4))],
           lambda a: np.where(a > 0, -1.0, a)),
    OpCase("where-two-scalars", lambda a: ag.where(a > 0, 1.0, -2.0), [Arg((3, 4))],
           lambda a: np.where(a > 0, 1.0, -2.0).astype(np.float32), grad=False),
    OpCase("where-two-ints", lambda a: ag.where(a > 0, 1, 0), [Arg((3,))],
           lambda a: np.where(a > 0, 1, 0).astype(np.int64), grad=False),
    OpCase("where-method", lambda a, b: a.where(a > 0, b), [Arg((3, 4)), Arg((4,))],
           lambda a, b: np.where(a > 0, a, b)),
    OpCase("lerp-scalar-weight", lambda a, b: ag.lerp(a, b, 0.3), [Arg((3, 4)), Arg((3, 4))],
           lambda a, b: a + 0.3 * (b - a)),
    OpCase("lerp-bcast", lambda a, b, w: ag.lerp(a, b, w), [Arg((3, 1)), Arg((4,)), Arg((3, 4), 0, 1)],
           lambda a, b, w: a + w * (b - a)),
    OpCase("lerp-0d", lambda a, b, w: ag.lerp(a, b, w), [Arg(()), Arg(()), Arg(())],
           lambda a, b, w: np.asarray(a + w * (b - a))),
    OpCase("lerp-0d-weight", lambda a, b, w: ag.lerp(a, b, w), [Arg((2, 3)), Arg((2, 3)), Arg(())],
           lambda a, b, w: a + w * (b - a)),
    OpCase("lerp-empty", lambda a, b: ag.lerp(a, b, 0.5), [Arg((0, 2)), Arg((2,))], lambda a, b: a + 0.5 * (b - a)),
    OpCase("lerp-noncontig", lambda a, b, w: a.lerp(b, w), [Arg((3, 4), noncontig=True), Arg((3, 4)),
           Arg((3, 4), noncontig=True)], lambda a, b, w: a + w * (b - a)),
    OpCase("pow-tensor-bcast", lambda a, b: a ** b, [Arg((3, 1), 0.5, 2), Arg((2, 1, 4))], np.power),
    OpCase("pow-tensor-0d-base", lambda a, b: a ** b, [Arg((), 0.5, 2), Arg((3,))], np.power),
    OpCase("pow-tensor-0d-exp", lambda a, b: a ** b, [Arg((3,), 0.5, 2), Arg(())], np.power),
    OpCase("pow-tensor-0d-both", lambda a, b: ag.pow(a, b), [Arg((), 0.5, 2), Arg(())],
           lambda a, b: np.asarray(np.power(a, b))),
    OpCase("pow-tensor-empty", lambda a, b: a ** b, [Arg((0, 3), 0.5, 2), Arg((3,))], np.power),
    OpCase("pow-tensor-noncontig", lambda a, b: a ** b, [Arg((3, 4), 0.5, 2, noncontig=True),
           Arg((3, 4), noncontig=True)], np.power),
    OpCase("pow-tensor-int", lambda a, b: a ** b, [Arg((4,), 1, 4, dtype="int64"), Arg((4,), 0, 3, dtype="int64")],
           np.power, grad=False),
    OpCase("pow-bool-int", lambda a: a ** 2, [Arg((4,), dtype="bool")], lambda a: a.astype(np.int64) ** 2,
           grad=False),
]

# ---------------------------------------------------------------------------- nan_to_num with explicit values
_SPECIAL = [[np.nan, np.inf, -np.inf, 1.5], [-0.5, np.nan, 2.0, -np.inf]]
CASES += [
    OpCase("nan_to_num-explicit", lambda x: ag.nan_to_num(x, nan=0.5, posinf=9.0, neginf=-9.0),
           [Arg((2, 4), values=_SPECIAL)], lambda x: np.nan_to_num(x, nan=0.5, posinf=9.0, neginf=-9.0),
           grad=False),
    OpCase("nan_to_num-defaults-special", ag.nan_to_num, [Arg((2, 4), values=_SPECIAL)], np.nan_to_num, grad=False),
    OpCase("nan_to_num-posinf-only", lambda x: x.nan_to_num(posinf=1e3), [Arg((2, 4), values=_SPECIAL)],
           lambda x: np.nan_to_num(x, posinf=1e3), grad=False),
    OpCase("nan_to_num-f32-default-extremes", ag.nan_to_num, [Arg((4,), dtype="float32",
           values=[np.nan, np.inf, -np.inf, 2.0])], lambda x: np.nan_to_num(x), grad=False),
    OpCase("nan_to_num-explicit-finite", lambda x: ag.nan_to_num(x, nan=1.0, posinf=2.0, neginf=-2.0),
           [Arg((3, 4))], lambda x: x.copy()),
    OpCase("nan_to_num-0d", lambda x: ag.nan_to_num(x, nan=3.0), [Arg(())], lambda x: x.copy()),
    OpCase("nan_to_num-0d-nan", lambda x: ag.nan_to_num(x, nan=3.0), [Arg((), values=np.nan)],
           lambda x: np.asarray(3.0), grad=False),
    OpCase("nan_to_num-empty", ag.nan_to_num, [Arg((0,))], np.nan_to_num),
    OpCase("nan_to_num-noncontig", lambda x: ag.nan_to_num(x, nan=0.0), [Arg((3, 4), noncontig=True)],
           lambda x: x.copy()),
]

# ---------------------------------------------------------------------------- atan2 / maximum / minimum extras
CASES += [
    OpCase("atan2-0d", ag.atan2, [Arg(()), Arg((), 0.5, 2)], lambda a, b: np.asarray(np.arctan2(a, b))),
    OpCase("atan2-noncontig", ag.atan2, [Arg((3, 4), noncontig=True), Arg((3, 4))], np.arctan2),
    OpCase("minimum-noncontig", ag.minimum, [Arg((3, 4), noncontig=True), Arg((4,))], np.minimum),
    OpCase("minimum-int", ag.minimum, [Arg((5,), 0, 9, dtype="int64"), Arg((5,), 0, 9, dtype="int64")],
           np.minimum, grad=False),
    OpCase("minimum-uint8", ag.minimum, [Arg((5,), 0, 9, dtype="uint8"), Arg((5,), 0, 9, dtype="uint8")],
           np.minimum, grad=False),
    OpCase("minimum-0d", ag.minimum, [Arg((3, 4)), Arg(())], np.minimum),
    OpCase("maximum-noncontig-0d", ag.maximum, [Arg((3, 4), noncontig=True), Arg(())], np.maximum),
]

# ---------------------------------------------------------------------------- addcmul / addcdiv
CASES += [
    OpCase("addcmul", ag.addcmul, [Arg((3, 4)), Arg((3, 4)), Arg((3, 4))], lambda a, b, c: a + b * c),
    OpCase("addcmul-value-bcast", lambda a, b, c: ag.addcmul(a, b, c, value=-0.5), [Arg((4,)), Arg((3, 1)),
           Arg((3, 4))], lambda a, b, c: a - 0.5 * b * c),
    OpCase("addcmul-method-0d", lambda a, b, c: a.addcmul(b, c, value=2), [Arg(()), Arg((2, 3)), Arg(())],
           lambda a, b, c: a + 2 * b * c),
    OpCase("addcmul-empty", ag.addcmul, [Arg((0, 3)), Arg((3,)), Arg((0, 1))], lambda a, b, c: a + b * c),
    OpCase("addcmul-int", lambda a, b, c: ag.addcmul(a, b, c, value=3), [Arg((4,), -3, 3, dtype="int64"),
           Arg((4,), -3, 3, dtype="int64"), Arg((4,), -3, 3, dtype="int64")], lambda a, b, c: a + 3 * b * c,
           grad=False),
    OpCase("addcdiv", ag.addcdiv, [Arg((3, 4)), Arg((3, 4)), Arg((3, 4), 0.5, 2)], lambda a, b, c: a + b / c),
    OpCase("addcdiv-value-bcast", lambda a, b, c: ag.addcdiv(a, b, c, value=0.25), [Arg((3, 4)), Arg((4,)),
           Arg((3, 1), 0.5, 2)], lambda a, b, c: a + 0.25 * b / c),
    OpCase("addcdiv-method-noncontig", lambda a, b, c: a.addcdiv(b, c, value=-2), [Arg((3, 4), noncontig=True),
           Arg((3, 4)), Arg((3, 4), 0.5, 2, noncontig=True)], lambda a, b, c: a - 2 * b / c),
]

# ---------------------------------------------------------------------------- rounding divisions, fmod, logit
_NUM = [-2.9, -0.4, 1.3, 2.6]
_DEN = [0.7, 1.1, -1.9, 0.9]  # no quotient near an integer: the zero gradient is checked numerically too
CASES += [
    OpCase("div-trunc", lambda a, b: ag.div(a, b, rounding_mode="trunc"), [Arg((4,), values=_NUM),
           Arg((4,), values=_DEN)], lambda a, b: np.trunc(a / b)),
    OpCase("div-trunc-scalar", lambda a: a.div(0.75, rounding_mode="trunc"), [Arg((4,), values=_NUM)],
           lambda a: np.trunc(a / 0.75)),
    OpCase("div-trunc-int", lambda a, b: ag.div(a, b, rounding_mode="trunc"), [Arg((6,), -9, 9, dtype="int64"),
           Arg((6,), values=[2, -3, 4, -5, 7, -1], dtype="int64")], lambda a, b: np.fix(a / b).astype(np.int64),
           grad=False),
    OpCase("div-floor", lambda a, b: ag.div(a, b, rounding_mode="floor"), [Arg((4,), values=_NUM),
           Arg((4,), values=_DEN)], lambda a, b: np.floor(a / b)),
    OpCase("fmod", ag.fmod, [Arg((4,), values=_NUM), Arg((4,), values=_DEN)], np.fmod),
    OpCase("fmod-int", ag.fmod, [Arg((6,), -9, 9, dtype="int64"), Arg((6,), values=[2, -3, 4, -5, 7, -1],
           dtype="int64")], np.fmod, grad=False),
    OpCase("logit-eps", lambda p: ag.logit(p, eps=0.2), [Arg((5,), values=[0.05, 0.3, 0.5, 0.7, 0.95])],
           lambda p: np.log(np.clip(p, 0.2, 0.8) / (1 - np.clip(p, 0.2, 0.8)))),
    OpCase("logit-0d", ag.logit, [Arg((), 0.1, 0.9)], lambda p: np.asarray(np.log(p / (1 - p)))),
    OpCase("logit-noncontig", ag.logit, [Arg((3, 4), 0.1, 0.9, noncontig=True)], lambda p: np.log(p / (1 - p))),
]
