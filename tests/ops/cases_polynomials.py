"""Registry cases: torch.special's orthogonal polynomials against scipy.special (they record no gradient)."""
import numpy as np
from scipy import special as sp

import autograd.special as S
from tests.ops.registry import Arg, OpCase


def _u(x, n):
    return sp.eval_chebyu(n, x)


_REF = {
    "chebyshev_polynomial_t": sp.eval_chebyt, "chebyshev_polynomial_u": sp.eval_chebyu,
    "chebyshev_polynomial_v": lambda n, x: _u(x, n) - (_u(x, n - 1) if n else 0),  # V_n = U_n - U_{n-1}
    "chebyshev_polynomial_w": lambda n, x: _u(x, n) + (_u(x, n - 1) if n else 0),  # W_n = U_n + U_{n-1}
    "hermite_polynomial_h": sp.eval_hermite, "hermite_polynomial_he": sp.eval_hermitenorm,
    "laguerre_polynomial_l": sp.eval_laguerre, "legendre_polynomial_p": sp.eval_legendre,
}
for _kind in "tuvw":
    _REF[f"shifted_chebyshev_polynomial_{_kind}"] = (
        lambda n, x, f=_REF[f"chebyshev_polynomial_{_kind}"]: f(n, 2 * x - 1))

CASES = []
for _name, _ref in _REF.items():
    _fn = getattr(S, _name)
    for _n in (0, 1, 4):
        CASES.append(OpCase(f"poly-{_name}-n{_n}", lambda x, f=_fn, n=_n: f(x, n), [Arg((3, 4), -1.2, 1.2)],
                            lambda x, r=_ref, n=_n: r(n, x), grad=False))
    CASES.append(OpCase(f"poly-{_name}-tensor-n", _fn, [Arg((2, 1), requires_grad=False),
                                                        Arg((4,), dtype="int64", values=[0, 1, 2, 5])],
                        lambda x, n, r=_ref: np.vectorize(lambda a, k: r(int(k), a))(x, n), grad=False))
    CASES.append(OpCase(f"poly-{_name}-noncontig", lambda x, f=_fn: f(x, 3), [Arg((3, 2), noncontig=True)],
                        lambda x, r=_ref: r(3, x), grad=False))
