"""torch.special's orthogonal polynomials (Chebyshev T/U/V/W and shifted, Hermite H/He, Laguerre, Legendre).

Each evaluates P_n(x) elementwise by its three-term recurrence, for integer degrees n (a float n is truncated, a
negative one gives 0, as in PyTorch); input and n broadcast. Like PyTorch's, these record no gradient.
"""
import numpy as np

from .. import dtypes, gradmath
from .._tensor import Tensor
from ..creation import as_tensor
from ..function import Op
from .arith import operands


def _recurrence(p1, step):
    """The evaluator for P_0 = 1, P_1 = p1(x), P_{k+1} = step(k, x, P_k, P_{k-1})."""
    def evaluate(x, n):
        xp = gradmath.xp(x)
        shape = np.broadcast_shapes(x.shape, n.shape)
        x, n = xp.broadcast_to(x, shape), xp.broadcast_to(n, shape)
        out = xp.where(n == 0, xp.ones_like(x), xp.zeros_like(x))
        top = int(n.max()) if n.size else 0  # the recurrence's length: one read of the largest degree
        if top >= 1:
            prev, cur = xp.ones_like(x), p1(x)
            out = xp.where(n == 1, cur, out)
            for k in range(1, top):
                prev, cur = cur, step(k, x, cur, prev)
                out = xp.where(n == k + 1, cur, out)
        return out
    return evaluate


def _chebyshev(p1):
    return _recurrence(p1, lambda k, x, cur, prev: 2 * x * cur - prev)


def _shifted(evaluate):
    return lambda x, n: evaluate(2 * x - 1, n)


_EVAL = {
    "chebyshev_polynomial_t": _chebyshev(lambda x: x),
    "chebyshev_polynomial_u": _chebyshev(lambda x: 2 * x),
    "chebyshev_polynomial_v": _chebyshev(lambda x: 2 * x - 1),
    "chebyshev_polynomial_w": _chebyshev(lambda x: 2 * x + 1),
    "hermite_polynomial_h": _recurrence(lambda x: 2 * x, lambda k, x, cur, prev: 2 * x * cur - 2 * k * prev),
    "hermite_polynomial_he": _recurrence(lambda x: x, lambda k, x, cur, prev: x * cur - k * prev),
    "laguerre_polynomial_l": _recurrence(lambda x: 1 - x,
                                         lambda k, x, cur, prev: ((2 * k + 1 - x) * cur - k * prev) / (k + 1)),
    "legendre_polynomial_p": _recurrence(lambda x: x,
                                         lambda k, x, cur, prev: ((2 * k + 1) * x * cur - k * prev) / (k + 1)),
}
for _kind in "tuvw":
    _EVAL[f"shifted_chebyshev_polynomial_{_kind}"] = _shifted(_EVAL[f"chebyshev_polynomial_{_kind}"])


class Polynomial(Op):
    """P_n(x) for one family (no gradient: PyTorch defines none)."""

    differentiable = False

    def forward(ctx, x, n, family):
        xp = gradmath.xp(x)
        degree = xp.trunc(n).astype(xp.int64) if n.dtype.kind == "f" else n.astype(xp.int64)
        return _EVAL[family](x, degree).astype(x.dtype, copy=False)


def _make(family):
    """The public function for one family: (input, n), either a number, PyTorch's promotion to a float dtype."""
    def polynomial(input, n):
        x, k = operands(input, n, family)
        like = x if isinstance(x, Tensor) else k
        dtype = like.dtype if like.dtype in dtypes.FLOATS else dtypes.get_default_dtype()
        x = x.to(dtype) if isinstance(x, Tensor) else as_tensor(x, dtype=dtype, device=like.device)
        k = k if isinstance(k, Tensor) else as_tensor(k, device=like.device)
        return Polynomial.apply(x, k, family)
    polynomial.__name__ = polynomial.__qualname__ = family
    polynomial.__doc__ = f"torch.special.{family}(input, n): the degree-n polynomial at input, elementwise."
    return polynomial


for _family in _EVAL:
    globals()[_family] = _make(_family)

__all__ = sorted(_EVAL)
METHODS = {}
