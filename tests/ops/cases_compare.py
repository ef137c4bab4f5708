"""Registry cases: comparisons, logical ops and isnan/isinf/isfinite (bool results, no gradient)."""
import numpy as np

import autograd as ag
from tests.ops.registry import Arg, OpCase

CASES = []
# ints in a small range so that == and != see both outcomes
_CMP = {"eq": (lambda a, b: a == b, np.equal), "ne": (lambda a, b: a != b, np.not_equal),
        "lt": (lambda a, b: a < b, np.less), "le": (lambda a, b: a <= b, np.less_equal),
        "gt": (lambda a, b: a > b, np.greater), "ge": (lambda a, b: a >= b, np.greater_equal)}
_PAIRS = [("same", Arg((3, 4), 0, 3, dtype="int64"), Arg((3, 4), 0, 3, dtype="int64")),
          ("bcast", Arg((2, 1, 3), 0, 3, dtype="int64"), Arg((4, 1), 0, 3, dtype="int64")),
          ("0d", Arg((), 0, 3, dtype="int64"), Arg((2, 3), 0, 3, dtype="int64")),
          ("empty", Arg((0, 3)), Arg((3,))),
          ("noncontig", Arg((3, 4), noncontig=True), Arg((3, 4), noncontig=True)),
          ("float", Arg((3, 4)), Arg((4,))),
          ("mixed-dtypes", Arg((3, 4), 0, 3, dtype="int32"), Arg((4,), 0, 3))]
for name, (fn, ref) in _CMP.items():
    for tag, a, b in _PAIRS:
        CASES.append(OpCase(f"{name}-{tag}", fn, [a, b], ref, grad=False))
    CASES.append(OpCase(f"{name}-scalar", lambda a, fn=fn: fn(a, 0.5), [Arg((3, 4))],
                        lambda a, ref=ref: ref(a, 0.5), grad=False))
    CASES.append(OpCase(f"{name}-reflected-scalar", lambda a, fn=fn: fn(1, a), [Arg((3, 4), 0, 3, dtype="int64")],
                        lambda a, ref=ref: ref(1, a), grad=False))
    CASES.append(OpCase(f"{name}-function", getattr(ag, name), [Arg((3, 4)), Arg((3, 1))], ref, grad=False))
    CASES.append(OpCase(f"{name}-nan", fn, [Arg((3,), values=[np.nan, 1.0, np.inf]), Arg((3,),
                        values=[np.nan, np.nan, np.inf])], ref, grad=False))
CASES.append(OpCase("eq-method-aliases", lambda a, b: [a.greater(b), a.less_equal(b), a.not_equal(b)],
                    [Arg((3, 4)), Arg((4,))], lambda a, b: [a > b, a <= b, a != b], grad=False))

_LOGIC = {"logical_and": np.logical_and, "logical_or": np.logical_or, "logical_xor": np.logical_xor}
for name, ref in _LOGIC.items():
    fn = getattr(ag, name)
    CASES += [
        OpCase(f"{name}-bool", fn, [Arg((3, 4), dtype="bool"), Arg((3, 4), dtype="bool")], ref, grad=False),
        OpCase(f"{name}-bcast", fn, [Arg((2, 1, 3), dtype="bool"), Arg((4, 1), dtype="bool")], ref, grad=False),
        OpCase(f"{name}-float", fn, [Arg((3, 4), values=[[0.0, 1.5, -2.0, 0.0]] * 3),
               Arg((4,), values=[0.0, 0.0, 3.0, 1.0])], ref, grad=False),
        OpCase(f"{name}-int", fn, [Arg((5,), 0, 2, dtype="int64"), Arg((5,), 0, 2, dtype="int64")], ref,
               grad=False),
        OpCase(f"{name}-0d", fn, [Arg((), dtype="bool", values=True), Arg((3,), dtype="bool")], ref, grad=False),
        OpCase(f"{name}-empty", fn, [Arg((0,), dtype="bool"), Arg((0,), dtype="bool")], ref, grad=False),
        OpCase(f"{name}-method", lambda a, b, name=name: getattr(a, name)(b), [Arg((3, 4)), Arg((3, 4))], ref,
               grad=False),
    ]
CASES += [
    OpCase("logical_not-bool", ag.logical_not, [Arg((3, 4), dtype="bool")], np.logical_not, grad=False),
    OpCase("logical_not-float", ag.logical_not, [Arg((4,), values=[0.0, -1.0, np.nan, 2.0])], np.logical_not,
           grad=False),
    OpCase("logical_not-int-0d", ag.logical_not, [Arg((), 0, 2, dtype="int64")], np.logical_not, grad=False),
    OpCase("invert-bool", lambda a: ~a, [Arg((2, 3), dtype="bool")], np.logical_not, grad=False),
]

_SPECIAL = [[np.nan, np.inf, -np.inf, 1.5], [-0.0, np.nan, 2.0, -np.inf]]
for name in ("isnan", "isinf", "isfinite", "isposinf", "isneginf"):
    fn, ref = getattr(ag, name), getattr(np, name)
    CASES += [
        OpCase(f"{name}-special", fn, [Arg((2, 4), values=_SPECIAL)], ref, grad=False),
        OpCase(f"{name}-f32-noncontig", fn, [Arg((4, 2), dtype="float32", noncontig=True,
               values=np.array(_SPECIAL).T.tolist())], ref, grad=False),
        OpCase(f"{name}-0d", fn, [Arg((), values=np.inf)], ref, grad=False),
        OpCase(f"{name}-empty", fn, [Arg((0, 2))], ref, grad=False),
        OpCase(f"{name}-int", fn, [Arg((4,), -3, 3, dtype="int64")], lambda x, ref=ref: ref(x.astype(float)),
               grad=False),
    ]
CASES.append(OpCase("isnan-method", lambda x: x.isnan(), [Arg((2, 4), values=_SPECIAL)], np.isnan, grad=False))
