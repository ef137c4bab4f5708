"""Registry cases: linear algebra (matmul, mm, bmm, mv, dot, inner, outer, einsum, tensordot, addmm, inverse, det).

Every case name starts with "linalg-" so that `pytest tests/ops -k linalg` selects them.
"""
import numpy as np

import autograd as ag
from tests.ops.registry import Arg, OpCase

CASES = []


def _case(name, fn, args, ref, **kw):
    CASES.append(OpCase(f"linalg-{name}", fn, args, ref, **kw))


# ---------------------------------------------------------------------------- matmul
_MATMUL_SHAPES = [
    ((3,), (3,)),  # 1-D x 1-D: a 0-d dot product
    ((3,), (3, 4)),  # 1-D x 2-D
    ((2, 3), (3,)),  # 2-D x 1-D
    ((3,), (2, 3, 4)),  # 1-D x 3-D: the vector broadcasts over the batch
    ((2, 3, 4), (4,)),  # 3-D x 1-D
    ((2, 3), (3, 4)),
    ((5, 3, 4), (5, 4, 2)),
    ((2, 1, 3, 4), (5, 4, 2)),  # broadcast batch dims: (2, 1) with (5,)
    ((1, 3, 4), (2, 4, 2)),
    ((3, 4), (2, 2, 4, 5)),  # a matrix against a batch
    ((0, 3), (3, 4)),  # empty dims
    ((3, 0), (0, 4)),  # empty contraction: zeros
    ((2, 0, 3), (3, 4)),
    ((0,), (0,)),
]
for sa, sb in _MATMUL_SHAPES:
    _case(f"matmul-{sa}-{sb}", ag.matmul, [Arg(sa), Arg(sb)], np.matmul)
_case("matmul-operator", lambda a, b: a @ b, [Arg((2, 3)), Arg((3, 4))], np.matmul)
_case("matmul-method", lambda a, b: a.matmul(b), [Arg((2, 2, 3)), Arg((3,))], np.matmul)
_case("matmul-noncontig", ag.matmul, [Arg((3, 4), noncontig=True), Arg((4, 5), noncontig=True)], np.matmul)
_case("matmul-noncontig-batch", ag.matmul, [Arg((2, 3, 4), noncontig=True), Arg((4, 2))], np.matmul)
_case("matmul-one-grad", ag.matmul, [Arg((2, 3)), Arg((3, 4), requires_grad=False)], np.matmul)
_case("matmul-same-tensor", lambda a: a @ a, [Arg((3, 3))], lambda a: a @ a)
_case("matmul-chain", lambda a, b, c: (a @ b) @ c, [Arg((2, 3)), Arg((3, 4)), Arg((4,))],
      lambda a, b, c: a @ b @ c)

# ---------------------------------------------------------------------------- mm / bmm / mv / dot / inner / outer
_case("mm", ag.mm, [Arg((2, 3)), Arg((3, 4))], np.matmul)
_case("mm-method-noncontig", lambda a, b: a.mm(b), [Arg((3, 2), noncontig=True), Arg((2, 4))], np.matmul)
_case("bmm", ag.bmm, [Arg((2, 3, 4)), Arg((2, 4, 5))], np.matmul)
_case("bmm-empty", ag.bmm, [Arg((0, 3, 4)), Arg((0, 4, 5))], np.matmul)
_case("mv", ag.mv, [Arg((3, 4)), Arg((4,))], np.matmul)
_case("dot", ag.dot, [Arg((5,)), Arg((5,))], np.dot)
_case("dot-method", lambda a, b: a.dot(b), [Arg((4,)), Arg((4,))], np.dot)
_case("vdot", ag.vdot, [Arg((5,)), Arg((5,))], np.vdot)
for sa, sb in [((3,), (3,)), ((2, 3), (4, 3)), ((2, 1, 3), (3,)), ((), (2, 3)), ((2, 3), ())]:
    _case(f"inner-{sa}-{sb}", ag.inner, [Arg(sa), Arg(sb)], np.inner)
_case("outer", ag.outer, [Arg((3,)), Arg((4,))], np.outer)
_case("ger", lambda a, b: a.ger(b), [Arg((2,)), Arg((3,))], np.outer)
_case("outer-empty", ag.outer, [Arg((0,)), Arg((3,))], np.outer)

# ---------------------------------------------------------------------------- addmm / addmv / baddbmm
for shape in [(2, 4), (4,), (2, 1), ()]:
    _case(f"addmm-{shape}", ag.addmm, [Arg(shape), Arg((2, 3)), Arg((3, 4))], lambda i, a, b: i + a @ b)
_case("addmm-beta-alpha", lambda i, a, b: ag.addmm(i, a, b, beta=0.5, alpha=-2.0),
      [Arg((2, 4)), Arg((2, 3)), Arg((3, 4))], lambda i, a, b: 0.5 * i - 2.0 * (a @ b))
_case("addmm-beta0", lambda i, a, b: i.addmm(a, b, beta=0),
      [Arg((2, 4)), Arg((2, 3)), Arg((3, 4))], lambda i, a, b: a @ b)
_case("addmv", lambda i, a, v: ag.addmv(i, a, v, beta=2, alpha=0.5), [Arg((3,)), Arg((3, 4)), Arg((4,))],
      lambda i, a, v: 2 * i + 0.5 * (a @ v))
_case("baddbmm", lambda i, a, b: ag.baddbmm(i, a, b, alpha=3), [Arg((1, 3, 1)), Arg((2, 3, 4)), Arg((2, 4, 5))],
      lambda i, a, b: i + 3 * (a @ b))

# ---------------------------------------------------------------------------- einsum
_EINSUM = [
    ("ij,jk->ik", [(2, 3), (3, 4)], None),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)], None),
    ("ii->", [(3, 3)], None),  # trace
    ("ii->i", [(3, 3)], None),  # diagonal
    ("ij->", [(2, 3)], None),  # everything summed out of one operand
    ("ij->j", [(2, 3)], None),
    ("ij->ji", [(2, 3)], None),  # a transpose
    ("...ij,...jk", [(2, 2, 3), (2, 3, 4)], None),  # ellipsis, implicit output
    ("...ij,...jk->...ik", [(2, 1, 2, 3), (5, 3, 4)], np.matmul),  # ellipsis dims broadcast
    ("...ij->ij", [(2, 3, 4)], lambda a: a.sum(0)),  # ellipsis dims summed (numpy refuses this one)
    ("i,j->ij", [(3,), (4,)], None),  # outer product
    ("ij,jk", [(2, 3), (3, 4)], None),  # implicit output: 'ik'
    ("ba,c", [(2, 3), (4,)], None),  # implicit output, sorted: 'abc'
    ("i,i->", [(4,), (4,)], None),
    ("iji->j", [(3, 2, 3)], None),  # a repeated index that is not adjacent
    ("ii,i->i", [(3, 3), (3,)], None),  # a diagonal multiplied by a vector
    ("ij,ij->ij", [(2, 1), (2, 3)], lambda a, b: a * b),  # a size-1 dim broadcasts
    ("ijk,jil,kl->", [(2, 3, 4), (3, 2, 5), (4, 5)], None),  # three operands
    ("i,->i", [(3,), ()], None),  # a 0-d operand
    ("ij,jk->ik", [(0, 3), (3, 4)], None),  # empty
    ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)], None),  # a bilinear form
]
for eq, shapes, ref in _EINSUM:
    _case(f"einsum-{eq}-{shapes}", lambda *xs, eq=eq: ag.einsum(eq, *xs), [Arg(s) for s in shapes],
          ref or (lambda *xs, eq=eq: np.einsum(eq, *xs)))
_case("einsum-list", lambda a, b: ag.einsum("ij,jk->ik", [a, b]), [Arg((2, 3)), Arg((3, 4))], np.matmul)
_case("einsum-spaces", lambda a, b: ag.einsum("i j , j k -> i k", a, b), [Arg((2, 3)), Arg((3, 4))], np.matmul)
_case("einsum-sublist", lambda a, b: ag.einsum(a, [0, 1], b, [1, 2], [0, 2]), [Arg((2, 3)), Arg((3, 4))],
      np.matmul)
_case("einsum-noncontig", lambda a, b: ag.einsum("ij,jk->ik", a, b),
      [Arg((3, 4), noncontig=True), Arg((4, 2), noncontig=True)], np.matmul)
_case("einsum-same-tensor", lambda a: ag.einsum("ij,jk->ik", a, a), [Arg((3, 3))], lambda a: a @ a)
_case("einsum-big", lambda a, b: ag.einsum("bij,bjk->bik", a, b), [Arg((2, 20, 16)), Arg((2, 16, 18))],
      np.matmul, grad=False)  # large enough for the optimized (BLAS) path; gradient checked on the small ones

# ---------------------------------------------------------------------------- tensordot
_TENSORDOT = [
    ((2, 3, 4), (3, 4, 5), 2),
    ((2, 3, 4), (4, 5), 1),
    ((2, 3), (4,), 0),  # an outer product
    ((2, 3, 4), (4, 5, 2), ([0, 2], [2, 0])),
    ((3, 4), (4, 3), ([1], [0])),
    ((3, 4), (3, 5), (0, 0)),  # single ints in the pair
    ((2, 3, 4), (3, 4), ([-2, -1], [-2, -1])),
    ((2, 3), (2, 3), 2),  # a full contraction: 0-d
]
for sa, sb, dims in _TENSORDOT:
    _case(f"tensordot-{sa}-{sb}-{dims}", lambda a, b, dims=dims: ag.tensordot(a, b, dims), [Arg(sa), Arg(sb)],
          lambda a, b, dims=dims: np.tensordot(a, b, dims))
_case("tensordot-default", ag.tensordot, [Arg((2, 3, 4)), Arg((3, 4, 5))], np.tensordot)

# ---------------------------------------------------------------------------- inverse / det
_WELL = [[2.0, 0.5, -0.3], [0.1, 1.5, 0.4], [-0.2, 0.3, 1.8]]
_case("inverse", ag.inverse, [Arg((3, 3), values=_WELL)], np.linalg.inv)
_case("inverse-batch", lambda x: x.inverse(), [Arg((2, 3, 3), values=[_WELL, np.eye(3) * 2 + 0.1])],
      np.linalg.inv)
_case("det", ag.det, [Arg((3, 3))], np.linalg.det)
_case("det-batch", lambda x: x.det(), [Arg((2, 3, 3))], np.linalg.det)
_case("det-1x1", ag.det, [Arg((4, 1, 1), 0.5, 2.0)], np.linalg.det)
