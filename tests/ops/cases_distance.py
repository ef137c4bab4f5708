"""Registry cases: dist, cdist, pdist, renorm."""
import numpy as np

import autograd as ag
from tests.ops.registry import Arg, OpCase

CASES = []


def _norm(d, p, axis):
    a = np.abs(d)
    if p == 0:
        return (a != 0).sum(axis).astype(d.dtype)
    if p == np.inf:
        return a.max(axis)
    return (a ** p).sum(axis) ** (1 / p)


for p in (1, 2, 3.5, np.inf):
    CASES.append(OpCase(f"distance-cdist-p{p}", lambda a, b, p=p: ag.cdist(a, b, p), [Arg((3, 4)), Arg((5, 4))],
                        lambda a, b, p=p: _norm(a[:, None] - b[None], p, -1)))
    CASES.append(OpCase(f"distance-pdist-p{p}", lambda a, p=p: ag.pdist(a, p), [Arg((4, 3))],
                        lambda a, p=p: _norm(a[:, None] - a[None], p, -1)[np.triu_indices(4, 1)]))
    CASES.append(OpCase(f"distance-dist-p{p}", lambda a, b, p=p: a.dist(b, p), [Arg((3, 4)), Arg((4,))],
                        lambda a, b, p=p: np.asarray(_norm((a - b).ravel(), p, 0))))
CASES += [
    OpCase("distance-cdist-batch", ag.cdist, [Arg((2, 3, 4)), Arg((1, 2, 4), noncontig=True)],
           lambda a, b: _norm(a[..., :, None, :] - b[..., None, :, :], 2, -1)),
    OpCase("distance-cdist-p0", lambda a, b: ag.cdist(a, b, 0), [Arg((3, 2)), Arg((2, 2))],
           lambda a, b: _norm(a[:, None] - b[None], 0, -1), grad=False),
    OpCase("distance-pdist-one-row", ag.pdist, [Arg((1, 3))], lambda a: np.zeros(0)),
    OpCase("distance-renorm", lambda x: ag.renorm(x, 2, 0, 1.0), [Arg((3, 4))],
           lambda x: x * np.minimum(1, 1.0 / (np.linalg.norm(x, axis=1, keepdims=True) + 1e-7))),
    OpCase("distance-renorm-p1-dim1", lambda x: x.renorm(1, 1, 1.5), [Arg((3, 4), noncontig=True)],
           lambda x: x * np.where(np.abs(x).sum(0) > 1.5, 1.5 / (np.abs(x).sum(0) + 1e-7), 1)),
]
