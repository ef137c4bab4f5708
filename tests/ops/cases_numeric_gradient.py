"""Registry cases: torch.gradient (uniform and coordinate spacings, edge orders 1 and 2) and norm_except_dim."""
import numpy as np

import autograd as ag
from tests.ops.registry import Arg, OpCase

_X = [0.0, 0.5, 1.7, 2.0, 3.1]


def _coords():
    return Arg((5,), values=_X, requires_grad=False)


def _numpy_norm(v, p, keep):
    return (np.abs(v) ** p).sum(axis=keep, keepdims=True) ** (1.0 / p)


CASES = [
    OpCase("gradient-1d", lambda f: ag.gradient(f), [Arg((5,))], lambda f: (np.gradient(f),)),
    OpCase("gradient-2d-spacing", lambda f: ag.gradient(f, spacing=[0.5, 2.0]), [Arg((3, 4))],
           lambda f: np.gradient(f, 0.5, 2.0)),
    OpCase("gradient-edge2", lambda f: ag.gradient(f, spacing=0.3, dim=1, edge_order=2), [Arg((2, 4), noncontig=True)],
           lambda f: (np.gradient(f, 0.3, axis=1, edge_order=2),)),
    OpCase("gradient-coords", lambda f, x: ag.gradient(f, spacing=(x,)), [Arg((5,)), _coords()],
           lambda f, x: (np.gradient(f, x),)),
    OpCase("gradient-coords-edge2", lambda f, x: ag.gradient(f, spacing=[x], dim=0, edge_order=2),
           [Arg((5, 2)), _coords()], lambda f, x: (np.gradient(f, x, axis=0, edge_order=2),)),
    OpCase("gradient-coords-grad", lambda f, x: ag.gradient(f, spacing=(x,)),
           [Arg((5,)), Arg((5,), values=_X)], lambda f, x: (np.gradient(f, x),)),
    OpCase("norm_except_dim", lambda v: ag.norm_except_dim(v, 2, 1), [Arg((2, 3, 4))],
           lambda v: _numpy_norm(v, 2, (0, 2))),
    OpCase("norm_except_dim-p3", lambda v: ag.norm_except_dim(v, 3, 0), [Arg((3, 2), 0.5, 2.0)],
           lambda v: _numpy_norm(v, 3, (1,))),
    OpCase("norm_except_dim-whole", lambda v: ag.norm_except_dim(v, 2, -1), [Arg((2, 3))],
           lambda v: np.sqrt((v * v).sum())),
]
