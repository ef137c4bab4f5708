"""Registry cases: torch.linalg (autograd.linalg) and the top-level svd, qr, slogdet, logdet, pinverse,
matrix_power, matrix_exp, cross, vander, cholesky_solve, cholesky_inverse.

Every case name starts with "decomposition-" so that `pytest tests/ops -k decomposition` selects them. Inputs are
shaped where an op needs it (symmetric, positive-definite, well-conditioned) by a differentiable map of a random
matrix, so that finite differences see the same function as the tape. The references are numpy (and small
independent implementations for LU, the matrix exponential and Householder products).
"""
import math

import numpy as np

import autograd as ag
from tests.ops.registry import Arg, OpCase

L = ag.linalg
CASES = []


def _case(name, fn, args, ref, **kw):
    CASES.append(OpCase(f"decomposition-{name}", fn, args, ref, **kw))


# ---------------------------------------------------------------------------- input maps (tensor and numpy twins)
def _eye(x):
    n = x.shape[-1]
    return ag.eye(n, dtype=x.dtype).to(x.device) if isinstance(x, ag.Tensor) else np.eye(n)


def _mt(x):
    return x.mT if isinstance(x, ag.Tensor) else np.swapaxes(x, -1, -2)


def spd(x):
    """x x^T + n I: symmetric positive-definite."""
    return x @ _mt(x) + x.shape[-1] * _eye(x)


def sym(x):
    return (x + _mt(x)) * 0.5


def wc(x):
    """x + 4 I: well-conditioned for inputs in [-2, 2)."""
    return x + 4 * _eye(x)


def _np_lu(a, pivot=True):
    """Unblocked partial-pivoting LU, row by row (an independent reference for lu_factor)."""
    a = np.array(a, dtype=np.float64)
    shape, (m, n) = a.shape, a.shape[-2:]
    k = min(m, n)
    out = a.reshape((-1, m, n)).copy()
    pivs = np.zeros((out.shape[0], k), dtype=np.int32)
    for b in range(out.shape[0]):
        lu = out[b]
        for j in range(k):
            p = j + int(np.argmax(np.abs(lu[j:, j]))) if pivot else j
            pivs[b, j] = p + 1
            lu[[j, p]] = lu[[p, j]]
            if lu[j, j] != 0:
                lu[j + 1:, j] /= lu[j, j]
            lu[j + 1:, j + 1:] -= np.outer(lu[j + 1:, j], lu[j, j + 1:])
    return out.reshape(shape), pivs.reshape(shape[:-2] + (k,))


def _np_plu(a):
    lu, piv = _np_lu(a)
    m, n = a.shape[-2:]
    k = min(m, n)
    P = np.zeros(a.shape[:-2] + (m, m))
    for idx in np.ndindex(a.shape[:-2]):
        perm = list(range(m))
        for j, p in enumerate(piv[idx]):
            perm[j], perm[p - 1] = perm[p - 1], perm[j]
        P[idx][perm, range(m)] = 1
    return P, np.tril(lu[..., :k], -1) + np.eye(m, k), np.triu(lu[..., :k, :])


def _np_expm(a):
    """exp by scaling and a 30-term Taylor series (an independent reference for matrix_exp)."""
    a = np.asarray(a, dtype=np.float64)
    out = np.empty_like(a)
    n = a.shape[-1]
    for idx in np.ndindex(a.shape[:-2]):
        x = a[idx]
        nrm = np.abs(x).sum(0).max() if x.size else 0.0
        s = max(0, int(np.ceil(np.log2(nrm))) + 1) if nrm > 0 else 0
        y, term, r = x / 2.0 ** s, np.eye(n), np.eye(n)
        for k in range(1, 30):
            term = term @ y / k
            r = r + term
        for _ in range(s):
            r = r @ r
        out[idx] = r
    return out


def _np_householder(a, tau):
    m, n = a.shape[-2:]
    out = np.empty(a.shape)
    for idx in np.ndindex(a.shape[:-2]):
        q = np.eye(m)
        for i in range(tau.shape[-1]):
            v = np.zeros(m)
            v[i] = 1
            v[i + 1:] = a[idx][i + 1:, i]
            q = q @ (np.eye(m) - tau[idx][i] * np.outer(v, v))
        out[idx] = q[:, :n]
    return out


def _product(factors):
    """The product of the factors of a decomposition (Q R, P L U)."""
    out = factors[0]
    for f in factors[1:]:
        out = out @ f
    return out


def _vander_np(x, N):
    return x[..., :, None] ** np.arange(N)


# ---------------------------------------------------------------------------- det / slogdet / logdet / inv
_case("det", lambda x: L.det(wc(x)), [Arg((3, 3))], lambda x: np.linalg.det(wc(x)))
_case("slogdet", lambda x: L.slogdet(wc(x)).logabsdet, [Arg((3, 3))], lambda x: np.linalg.slogdet(wc(x))[1])
_case("slogdet-batch", lambda x: L.slogdet(x).logabsdet, [Arg((2, 3, 3))], lambda x: np.linalg.slogdet(x)[1])
_case("slogdet-sign", lambda x: tuple(L.slogdet(x)), [Arg((4, 3, 3))], lambda x: tuple(np.linalg.slogdet(x)),
      grad=False)
_case("slogdet-1x1", lambda x: L.slogdet(x)[1], [Arg((3, 1, 1), 0.5, 2)], lambda x: np.linalg.slogdet(x)[1])
_case("slogdet-empty-batch", lambda x: L.slogdet(x)[1], [Arg((0, 3, 3))], lambda x: np.linalg.slogdet(x)[1])
_case("slogdet-0x0", lambda x: L.slogdet(x)[1], [Arg((0, 0))], lambda x: np.asarray(np.linalg.slogdet(x)[1]))
_case("slogdet-top-level", lambda x: ag.slogdet(x).logabsdet, [Arg((3, 3))], lambda x: np.linalg.slogdet(x)[1])
_case("slogdet-method", lambda x: x.slogdet()[1], [Arg((2, 2, 2))], lambda x: np.linalg.slogdet(x)[1])
_case("logdet", lambda x: ag.logdet(spd(x)), [Arg((3, 3))], lambda x: np.linalg.slogdet(spd(x))[1])
_case("logdet-method-batch", lambda x: spd(x).logdet(), [Arg((2, 3, 3))], lambda x: np.linalg.slogdet(spd(x))[1])
_case("logdet-negative-is-nan", lambda x: ag.logdet(x), [Arg((2, 2), values=[[0.0, 1.0], [1.0, 0.0]])],
      lambda x: np.asarray(np.nan), grad=False)
_case("inv", lambda x: L.inv(wc(x)), [Arg((3, 3))], lambda x: np.linalg.inv(wc(x)))
_case("inv-batch-noncontig", lambda x: L.inv(wc(x)), [Arg((2, 3, 3), noncontig=True)], lambda x: np.linalg.inv(wc(x)))
_case("inv_ex", lambda x: L.inv_ex(wc(x)).inverse, [Arg((2, 3, 3))], lambda x: np.linalg.inv(wc(x)))

# ---------------------------------------------------------------------------- solve
_SOLVE = [((3, 3), (3, 2)), ((3, 3), (3,)), ((2, 3, 3), (3, 2)), ((2, 3, 3), (2, 3)), ((2, 3, 3), (3,)),
          ((3, 3), (4, 1, 3, 2)), ((1, 3, 3), (2, 3, 1)), ((1, 1), (1, 4)), ((0, 3, 3), (0, 3, 2)), ((3, 3), (3, 0))]
for sa, sb in _SOLVE:
    vec = len(sb) == 1 or (len(sb) == len(sa) - 1 and sb == sa[:-1])
    _case(f"solve-{sa}-{sb}", lambda a, b: L.solve(wc(a), b), [Arg(sa), Arg(sb)],
          (lambda a, b: np.linalg.solve(wc(a), b[..., None])[..., 0]) if vec else
          (lambda a, b: np.linalg.solve(wc(a), b)))
_case("solve-left-false", lambda a, b: L.solve(wc(a), b, left=False), [Arg((3, 3)), Arg((2, 3))],
      lambda a, b: np.swapaxes(np.linalg.solve(np.swapaxes(wc(a), -1, -2), np.swapaxes(b, -1, -2)), -1, -2))
_case("solve-left-false-batch", lambda a, b: L.solve(wc(a), b, left=False), [Arg((2, 3, 3)), Arg((4, 3))],
      lambda a, b: np.swapaxes(np.linalg.solve(np.swapaxes(wc(a), -1, -2), np.swapaxes(b, -1, -2)), -1, -2))
_case("solve-noncontig", lambda a, b: L.solve(wc(a), b), [Arg((3, 3), noncontig=True), Arg((3, 2), noncontig=True)],
      lambda a, b: np.linalg.solve(wc(a), b))
_case("solve-b-only", lambda a, b: L.solve(wc(a), b), [Arg((3, 3), requires_grad=False), Arg((3, 2))],
      lambda a, b: np.linalg.solve(wc(a), b))
_case("solve-float32", lambda a, b: L.solve(wc(a), b), [Arg((3, 3), dtype="float32"), Arg((3, 2), dtype="float32")],
      lambda a, b: np.linalg.solve(wc(a), b), grad=False)
_case("solve_ex", lambda a, b: L.solve_ex(wc(a), b).result, [Arg((2, 3, 3)), Arg((3, 2))],
      lambda a, b: np.linalg.solve(wc(a), b))


# ---------------------------------------------------------------------------- solve_triangular
def _np_tri(a, b, upper, left=True, unit=False):
    t = np.triu(a) if upper else np.tril(a)
    if unit:
        t = t - np.diagonal(t, axis1=-2, axis2=-1)[..., None] * np.eye(a.shape[-1]) + np.eye(a.shape[-1])
    if left:
        return np.linalg.solve(t, b)
    return np.swapaxes(np.linalg.solve(np.swapaxes(t, -1, -2), np.swapaxes(b, -1, -2)), -1, -2)


for upper in (True, False):
    for left in (True, False):
        for unit in (False, True):
            sb = (3, 2) if left else (2, 3)
            _case(f"solve_triangular-upper{upper}-left{left}-unit{unit}",
                  lambda a, b, u=upper, l=left, t=unit: L.solve_triangular(wc(a), b, upper=u, left=l, unitriangular=t),
                  [Arg((3, 3)), Arg(sb)], lambda a, b, u=upper, l=left, t=unit: _np_tri(wc(a), b, u, l, t))
_case("solve_triangular-batch-broadcast", lambda a, b: L.solve_triangular(wc(a), b, upper=False),
      [Arg((2, 1, 3, 3)), Arg((4, 3, 1))], lambda a, b: _np_tri(wc(a), b, False))
_case("solve_triangular-noncontig", lambda a, b: L.solve_triangular(wc(a), b, upper=True),
      [Arg((3, 3), noncontig=True), Arg((3, 3), noncontig=True)], lambda a, b: _np_tri(wc(a), b, True))
_case("solve_triangular-1x1", lambda a, b: L.solve_triangular(a, b, upper=True), [Arg((1, 1), 1, 2), Arg((1, 3))],
      lambda a, b: b / a)
_case("solve_triangular-empty", lambda a, b: L.solve_triangular(wc(a), b, upper=True), [Arg((0, 3, 3)), Arg((3, 2))],
      lambda a, b: np.zeros((0, 3, 2)))
_case("solve_triangular-singular-inf", lambda a, b: L.solve_triangular(a, b, upper=True),
      [Arg((2, 2), values=[[0.0, 1.0], [0.0, 1.0]], requires_grad=False), Arg((2, 1), values=[[1.0], [1.0]])],
      lambda a, b: np.array([[np.nan], [1.0]]), grad=False)

# ---------------------------------------------------------------------------- cholesky (+ cholesky_solve / inverse)
for shape in [(3, 3), (2, 3, 3), (1, 1), (4, 1, 1), (0, 3, 3), (0, 0), (2, 0, 4, 4)]:
    _case(f"cholesky-{shape}", lambda x: L.cholesky(spd(x)), [Arg(shape)], lambda x: np.linalg.cholesky(spd(x)))
_case("cholesky-upper", lambda x: L.cholesky(spd(x), upper=True), [Arg((2, 3, 3))],
      lambda x: np.swapaxes(np.linalg.cholesky(spd(x)), -1, -2))
_case("cholesky-reads-lower", lambda x: L.cholesky(x), [Arg((2, 2), values=[[4.0, 99.0], [2.0, 5.0]])],
      lambda x: np.array([[2.0, 0.0], [1.0, 2.0]]), grad=False)
_case("cholesky-upper-reads-upper", lambda x: L.cholesky(x, upper=True),
      [Arg((2, 2), values=[[4.0, 2.0], [99.0, 5.0]])], lambda x: np.array([[2.0, 1.0], [0.0, 2.0]]), grad=False)
_case("cholesky-float32", lambda x: L.cholesky(spd(x)), [Arg((3, 3), dtype="float32")],
      lambda x: np.linalg.cholesky(spd(x)), grad=False)
_case("cholesky_ex", lambda x: L.cholesky_ex(spd(x)).L, [Arg((2, 3, 3))], lambda x: np.linalg.cholesky(spd(x)))
_case("cholesky_solve", lambda b, x: ag.cholesky_solve(b, L.cholesky(spd(x))), [Arg((3, 2)), Arg((3, 3))],
      lambda b, x: np.linalg.solve(spd(x), b))
_case("cholesky_solve-upper-batch", lambda b, x: b.cholesky_solve(L.cholesky(spd(x), upper=True), upper=True),
      [Arg((2, 3, 2)), Arg((3, 3))], lambda b, x: np.linalg.solve(spd(x), b))
_case("cholesky_inverse", lambda x: ag.cholesky_inverse(L.cholesky(spd(x))), [Arg((3, 3))],
      lambda x: np.linalg.inv(spd(x)))
_case("cholesky_inverse-upper-method", lambda x: L.cholesky(spd(x), upper=True).cholesky_inverse(upper=True),
      [Arg((2, 3, 3))], lambda x: np.linalg.inv(spd(x)))

# ---------------------------------------------------------------------------- qr
for shape in [(4, 3), (3, 3), (3, 5), (2, 4, 3), (2, 3, 4), (1, 1), (3, 0), (0, 3), (0, 4, 3)]:
    _case(f"qr-{shape}", lambda x: tuple(L.qr(x)), [Arg(shape)], lambda x: tuple(np.linalg.qr(x)))
_case("qr-complete-wide", lambda x: tuple(L.qr(x, mode="complete")), [Arg((2, 3, 4))],
      lambda x: tuple(np.linalg.qr(x, mode="complete")))
_case("qr-complete-tall", lambda x: tuple(t.detach() for t in L.qr(x, mode="complete")), [Arg((4, 2))],
      lambda x: tuple(np.linalg.qr(x, mode="complete")), grad=False)
_case("qr-mode-r", lambda x: L.qr(x, mode="r").R.detach(), [Arg((4, 3))], lambda x: np.linalg.qr(x, mode="r"),
      grad=False)
_case("qr-noncontig", lambda x: tuple(L.qr(x)), [Arg((3, 3), noncontig=True)], lambda x: tuple(np.linalg.qr(x)))
_case("qr-Q-times-R", lambda x: _product(L.qr(x)), [Arg((2, 4, 3))], lambda x: x)
_case("qr-top-level", lambda x: tuple(ag.qr(x)), [Arg((4, 3))], lambda x: tuple(np.linalg.qr(x)))
_case("qr-method-some-false", lambda x: tuple(x.qr(some=False)), [Arg((3, 4))],
      lambda x: tuple(np.linalg.qr(x, mode="complete")))


# ---------------------------------------------------------------------------- svd / svdvals
def _np_svd(x, full=False):
    return tuple(np.linalg.svd(x, full_matrices=full))


def _leading(r, k, rows):
    """(U, S, Vh) with only the first k columns of U (rows=False) or rows of Vh (rows=True)."""
    u, s, vh = r
    return (u, s, vh[..., :k, :]) if rows else (u[..., :k], s, vh)


def _vdv(r):
    w, v = r
    return (v * w[..., None, :]) @ v.mT


def _usv(r):
    u, s, vh = r
    return (u * s[..., None, :]) @ vh


def _with_v(r):
    u, s, vh = r
    return u, s, np.swapaxes(vh, -1, -2)


for shape in [(4, 3), (3, 3), (3, 5), (2, 3, 4), (2, 4, 2), (1, 1), (0, 3, 3), (3, 0)]:
    _case(f"svd-{shape}", lambda x: tuple(L.svd(x, full_matrices=False)), [Arg(shape, 0.5, 2) if shape == (1, 1)
                                                                            else Arg(shape)], _np_svd)
_case("svd-full-square", lambda x: tuple(L.svd(x)), [Arg((3, 3))], lambda x: _np_svd(x, True))
_case("svd-full-tall-forward", lambda x: tuple(L.svd(x)), [Arg((4, 2))], lambda x: _np_svd(x, True), grad=False)
_case("svd-full-wide-leading", lambda x: _leading(L.svd(x), 2, True), [Arg((2, 4))],
      lambda x: _leading(_np_svd(x, True), 2, True))
_case("svd-full-tall-leading", lambda x: _leading(L.svd(x), 2, False), [Arg((2, 4, 2))],
      lambda x: _leading(_np_svd(x, True), 2, False))
_case("svd-reconstruct", lambda x: _usv(L.svd(x, False)), [Arg((2, 3, 4))], lambda x: x)
_case("svd-S-repeated-values", lambda x: L.svd(x).S.sum(), [Arg((3, 3), values=3 * np.eye(3))],
      lambda x: np.asarray(9.0), gradgrad=False)
_case("svd-top-level", lambda x: tuple(ag.svd(x)), [Arg((4, 3))], lambda x: _with_v(_np_svd(x)))
_case("svd-method-some-false", lambda x: tuple(x.svd(some=False)), [Arg((3, 3))],
      lambda x: _with_v(_np_svd(x, True)))
_case("svd-compute-uv-false", lambda x: tuple(ag.svd(x, compute_uv=False)), [Arg((4, 3))],
      lambda x: (np.zeros((4, 4)), np.linalg.svd(x, compute_uv=False), np.zeros((3, 3))), grad=False)
_case("svd-compute-uv-false-S", lambda x: ag.svd(x, compute_uv=False).S, [Arg((2, 4, 3))],
      lambda x: np.linalg.svd(x, compute_uv=False))
for shape in [(4, 3), (3, 5), (2, 3, 3), (1, 1), (0, 3), (2, 0, 3, 3)]:
    _case(f"svdvals-{shape}", L.svdvals, [Arg(shape, 0.5, 2) if shape == (1, 1) else Arg(shape)],
          lambda x: np.linalg.svd(x, compute_uv=False))
_case("svdvals-float32", L.svdvals, [Arg((3, 4), dtype="float32")], lambda x: np.linalg.svd(x, compute_uv=False),
      grad=False)

# ---------------------------------------------------------------------------- eigh / eigvalsh
for shape in [(3, 3), (2, 4, 4), (1, 1), (0, 3, 3), (0, 0)]:
    _case(f"eigh-{shape}", lambda x: tuple(L.eigh(sym(x))), [Arg(shape)], lambda x: tuple(np.linalg.eigh(sym(x))))
    _case(f"eigvalsh-{shape}", lambda x: L.eigvalsh(sym(x)), [Arg(shape)], lambda x: np.linalg.eigvalsh(sym(x)))
_case("eigh-UPLO-U", lambda x: tuple(L.eigh(sym(x), UPLO="U")), [Arg((3, 3))],
      lambda x: tuple(np.linalg.eigh(sym(x), UPLO="U")))
_case("eigh-reads-one-triangle", lambda x: tuple(L.eigh(x, "U")), [Arg((3, 3))],
      lambda x: tuple(np.linalg.eigh(x, UPLO="U")), grad=False)
_case("eigh-reconstruct", lambda x: _vdv(L.eigh(sym(x))), [Arg((2, 3, 3))], sym)
_case("eigvalsh-UPLO-U-batch", lambda x: L.eigvalsh(sym(x), UPLO="U"), [Arg((2, 3, 3))],
      lambda x: np.linalg.eigvalsh(sym(x)))

# ---------------------------------------------------------------------------- lu_factor / lu / lu_solve
for shape in [(3, 3), (2, 4, 4), (5, 3), (3, 5), (2, 4, 2), (2, 2, 4), (1, 1), (0, 3, 3), (40, 40), (36, 70)]:
    big = shape[-1] >= 36  # more than one panel of the blocked factorization; forward only (slow gradchecks)
    _case(f"lu_factor-{shape}", lambda x: tuple(L.lu_factor(x)), [Arg(shape)], _np_lu, grad=not big)
_case("lu_factor-no-pivot", lambda x: tuple(L.lu_factor(wc(x), pivot=False)), [Arg((2, 3, 3))],
      lambda x: _np_lu(wc(x), pivot=False))
_case("lu_factor_ex", lambda x: tuple(L.lu_factor_ex(x))[:2], [Arg((2, 3, 3))], _np_lu)
for shape in [(3, 3), (4, 2), (2, 4), (2, 3, 3)]:
    _case(f"lu-{shape}", lambda x: tuple(L.lu(x)), [Arg(shape)], _np_plu, grad=False)
    _case(f"lu-LU-{shape}", lambda x: tuple(L.lu(x))[1:], [Arg(shape)], lambda x: _np_plu(x)[1:])
_case("lu-reconstruct", lambda x: _product(L.lu(x)), [Arg((2, 4, 3))], lambda x: x)


def _lu_solve(a, b, **kw):
    LU, piv = L.lu_factor(wc(a))
    return L.lu_solve(LU, piv, b, **kw)


_case("lu_solve", _lu_solve, [Arg((3, 3)), Arg((3, 2))], lambda a, b: np.linalg.solve(wc(a), b))
_case("lu_solve-adjoint", lambda a, b: _lu_solve(a, b, adjoint=True), [Arg((2, 3, 3)), Arg((3, 2))],
      lambda a, b: np.linalg.solve(np.swapaxes(wc(a), -1, -2), b))
_case("lu_solve-right", lambda a, b: _lu_solve(a, b, left=False), [Arg((3, 3)), Arg((2, 3))],
      lambda a, b: b @ np.linalg.inv(wc(a)))
_case("lu_solve-right-adjoint", lambda a, b: _lu_solve(a, b, left=False, adjoint=True), [Arg((2, 3, 3)), Arg((2, 3))],
      lambda a, b: b @ np.linalg.inv(np.swapaxes(wc(a), -1, -2)))

# ---------------------------------------------------------------------------- householder_product
_case("householder_product", L.householder_product, [Arg((4, 3)), Arg((3,), 0, 1)], _np_householder)
_case("householder_product-batch-k<n", L.householder_product, [Arg((2, 3, 3)), Arg((2, 2), 0, 1)],
      _np_householder)
_case("householder_product-of-geqrf-is-Q", lambda a, t: L.householder_product(a, t),
      [Arg((3, 2), values=[[-5.0, -4.4], [0.5, 1.2], [0.25, -0.1]]), Arg((2,), values=[1.2, 1.5])], _np_householder)

# ---------------------------------------------------------------------------- pinv / lstsq / matrix_rank
for shape in [(4, 3), (3, 5), (2, 3, 3), (1, 1), (0, 3)]:
    _case(f"pinv-{shape}", L.pinv, [Arg(shape, 0.5, 2) if shape == (1, 1) else Arg(shape)], np.linalg.pinv)
_case("pinv-hermitian", lambda x: L.pinv(sym(x), hermitian=True), [Arg((2, 3, 3))],
      lambda x: np.linalg.pinv(sym(x), hermitian=True))
_case("pinv-rank-deficient", lambda x: L.pinv(x), [Arg((3, 3), values=[[1.0, 2, 3], [2, 4, 6], [1, 0, 1]])],
      np.linalg.pinv, grad=False)
_case("pinv-rtol-drops", lambda x: L.pinv(x, rtol=0.5), [Arg((2, 2), values=[[3.0, 0], [0, 1]])],
      lambda x: np.array([[1 / 3, 0], [0, 0]]), grad=False)
_case("pinv-atol-tensor", lambda x: L.pinv(x, atol=ag.tensor([0.5, 2.0], dtype=ag.float64).to(x.device)),
      [Arg((2, 2, 2), values=[[[3.0, 0], [0, 1]], [[3.0, 0], [0, 1]]])],
      lambda x: np.array([[[1 / 3, 0], [0, 1]], [[1 / 3, 0], [0, 0]]]), grad=False)
_case("pinverse", lambda x: ag.pinverse(x), [Arg((4, 3))], np.linalg.pinv)
_case("pinverse-method", lambda x: x.pinverse(), [Arg((2, 3, 4))], np.linalg.pinv)


def _np_lstsq(a, b):
    return np.linalg.pinv(a) @ b


_LSTSQ = [((5, 3), (5, 2)), ((3, 3), (3, 1)), ((3, 5), (3, 2)), ((2, 5, 3), (5, 2)), ((5, 3), (5,)),
          ((2, 4, 3), (2, 4))]
for sa, sb in _LSTSQ:
    vec = len(sb) == 1 or (len(sb) == len(sa) - 1 and sb == sa[:-1])
    _case(f"lstsq-{sa}-{sb}", lambda a, b: L.lstsq(a, b).solution, [Arg(sa), Arg(sb)],
          (lambda a, b: _np_lstsq(a, b[..., None])[..., 0]) if vec else _np_lstsq)
_case("lstsq-gelsd", lambda a, b: tuple(L.lstsq(a, b, driver="gelsd"))[:2], [Arg((5, 3)), Arg((5, 2))],
      lambda a, b: (_np_lstsq(a, b), ((a @ _np_lstsq(a, b) - b) ** 2).sum(0)))
_case("lstsq-gelsd-singular-values", lambda a, b: L.lstsq(a, b, driver="gelss").singular_values,
      [Arg((2, 5, 3)), Arg((5, 2))], lambda a, b: np.linalg.svd(a, compute_uv=False), grad=False)
_case("lstsq-residuals-gels", lambda a, b: L.lstsq(a, b, driver="gels").residuals, [Arg((2, 5, 3)), Arg((2, 5, 2))],
      lambda a, b: ((a @ _np_lstsq(a, b) - b) ** 2).sum(-2))
_case("lstsq-rank", lambda a, b: L.lstsq(a, b).rank, [Arg((5, 3), values=np.outer(np.arange(1.0, 6), [1, 2, 3])),
                                                      Arg((5, 1))], lambda a, b: np.asarray(1), grad=False)
_case("matrix_rank", L.matrix_rank, [Arg((2, 4, 3))], np.linalg.matrix_rank, grad=False)
_case("matrix_rank-deficient", L.matrix_rank, [Arg((3, 3), values=[[1.0, 2, 3], [2, 4, 6], [1, 0, 1]])],
      lambda x: np.asarray(2), grad=False)
_case("matrix_rank-hermitian-atol", lambda x: L.matrix_rank(x, atol=1.5, hermitian=True),
      [Arg((3, 3), values=np.diag([3.0, -2.0, 1.0]))], lambda x: np.asarray(2), grad=False)

# ---------------------------------------------------------------------------- norms / cond
for ord_ in [2, 1, math.inf, -math.inf, 0.5, 3, -1, 0]:
    _case(f"vector_norm-ord{ord_}", lambda x, o=ord_: L.vector_norm(x, o), [Arg((2, 3), 0.2, 2)],
          lambda x, o=ord_: np.asarray(np.linalg.norm(x.ravel(), o)))
_case("vector_norm-dim-keepdim", lambda x: L.vector_norm(x, 3, dim=(0, 2), keepdim=True), [Arg((2, 3, 4))],
      lambda x: (np.abs(x) ** 3).sum((0, 2), keepdims=True) ** (1 / 3))
_case("vector_norm-dim-int", lambda x: L.vector_norm(x, dim=-1), [Arg((2, 3))], lambda x: np.linalg.norm(x, axis=-1))
_case("vector_norm-dtype", lambda x: L.vector_norm(x, dtype=ag.float64), [Arg((3,), dtype="float32")],
      lambda x: np.asarray(np.linalg.norm(x.astype(np.float64))), grad=False)
_case("vector_norm-empty", lambda x: L.vector_norm(x), [Arg((0, 3))], lambda x: np.asarray(0.0))
for ord_ in ["fro", "nuc", 2, -2, 1, -1, math.inf, -math.inf]:
    _case(f"matrix_norm-{ord_}", lambda x, o=ord_: L.matrix_norm(x, o), [Arg((2, 3, 4))],
          lambda x, o=ord_: np.linalg.norm(x, o, axis=(-2, -1)))
_case("matrix_norm-dims-keepdim", lambda x: L.matrix_norm(x, 1, dim=(2, 0), keepdim=True), [Arg((3, 2, 4))],
      lambda x: np.linalg.norm(x, 1, axis=(2, 0), keepdims=True))
_case("matrix_norm-nuc-dims", lambda x: L.matrix_norm(x, "nuc", dim=(0, 2)), [Arg((3, 2, 4))],
      lambda x: np.linalg.norm(x, "nuc", axis=(0, 2)))
_case("norm-flat", lambda x: L.norm(x), [Arg((2, 3, 4))], lambda x: np.asarray(np.linalg.norm(x.ravel())))
_case("norm-vector-ord", lambda x: L.norm(x, 1), [Arg((4,))], lambda x: np.asarray(np.linalg.norm(x, 1)))
_case("norm-matrix-ord", lambda x: L.norm(x, -2), [Arg((3, 4))], lambda x: np.asarray(np.linalg.norm(x, -2)))
_case("norm-dim-int", lambda x: L.norm(x, math.inf, dim=1), [Arg((3, 4))],
      lambda x: np.linalg.norm(x, math.inf, axis=1))
_case("norm-dim-pair", lambda x: L.norm(x, dim=(1, 2), keepdim=True), [Arg((2, 3, 4))],
      lambda x: np.linalg.norm(x, axis=(1, 2), keepdims=True))
for p in [None, 2, -2, "fro", "nuc", 1, -1, math.inf, -math.inf]:
    _case(f"cond-{p}", lambda x, p=p: L.cond(wc(x), p), [Arg((2, 3, 3))], lambda x, p=p: np.linalg.cond(wc(x), p))
_case("cond-rectangular", lambda x: L.cond(x), [Arg((4, 3))], lambda x: np.asarray(np.linalg.cond(x)))
_case("cond-singular-inf", lambda x: L.cond(x, 1), [Arg((2, 2), values=[[1.0, 2.0], [2.0, 4.0]])],
      lambda x: np.asarray(np.inf), grad=False)

# ---------------------------------------------------------------------------- matrix_power / matrix_exp
for n in [0, 1, 2, 3, 5, -1, -3]:
    _case(f"matrix_power-{n}", lambda x, n=n: L.matrix_power(wc(x) * 0.25, n), [Arg((2, 3, 3))],
          lambda x, n=n: np.linalg.matrix_power(wc(x) * 0.25, n))
_case("matrix_power-top-level", lambda x: ag.matrix_power(x, 2), [Arg((3, 3))], lambda x: x @ x)
_case("matrix_power-method", lambda x: x.matrix_power(4), [Arg((3, 3), -0.5, 0.5)],
      lambda x: np.linalg.matrix_power(x, 4))
_case("matrix_power-int", lambda x: L.matrix_power(x, 3), [Arg((2, 2), 0, 5, dtype="int64")],
      lambda x: np.linalg.matrix_power(x, 3), grad=False)
_case("matrix_power-empty", lambda x: L.matrix_power(x, 2), [Arg((0, 2, 2))], lambda x: x @ x)
for name, shape, lo, hi in [("small", (3, 3), -0.3, 0.3), ("unit", (2, 3, 3), -1, 1), ("large", (4, 4), -3, 3),
                            ("1x1", (2, 1, 1), -2, 2), ("empty", (0, 3, 3), -1, 1), ("0x0", (0, 0), -1, 1)]:
    _case(f"matrix_exp-{name}", L.matrix_exp, [Arg(shape, lo, hi)], _np_expm, atol=1e-4 if name == "large" else 1e-5)
_case("matrix_exp-top-level-method", lambda x: ag.matrix_exp(x) + x.matrix_exp(), [Arg((3, 3), -1, 1)],
      lambda x: 2 * _np_expm(x))
_case("matrix_exp-mixed-norms", L.matrix_exp, [Arg((2, 2, 2), values=[[[0.01, 0.02], [0.0, 0.03]],
                                                                       [[5.0, 3.0], [-4.0, 1.0]]])], _np_expm,
      atol=1e-3)
_case("matrix_exp-float32", L.matrix_exp, [Arg((3, 3), -1, 1, dtype="float32")],
      lambda x: _np_expm(x).astype(np.float32), grad=False)

# ---------------------------------------------------------------------------- cross / vecdot / multi_dot / vander
_case("cross", L.cross, [Arg((3,)), Arg((3,))], np.cross)
_case("cross-broadcast", L.cross, [Arg((2, 3)), Arg((1, 3))], np.cross)
_case("cross-dim0", lambda a, b: L.cross(a, b, dim=0), [Arg((3, 4)), Arg((3, 4))], lambda a, b: np.cross(a, b, axis=0))
_case("cross-top-level-first-3", lambda a, b: ag.cross(a, b), [Arg((2, 3, 3)), Arg((2, 3, 3))],
      lambda a, b: np.cross(a, b, axis=1))
_case("cross-method-dim", lambda a, b: a.cross(b, dim=-1), [Arg((4, 3)), Arg((4, 3))], np.cross)
_case("cross-int", L.cross, [Arg((3,), 0, 5, dtype="int64"), Arg((3,), 0, 5, dtype="int64")], np.cross, grad=False)
_case("vecdot", L.vecdot, [Arg((2, 3)), Arg((3,))], lambda a, b: (a * b).sum(-1))
_case("vecdot-dim", lambda a, b: L.vecdot(a, b, dim=0), [Arg((3, 2)), Arg((3, 2))], lambda a, b: (a * b).sum(0))
_case("multi_dot-3", lambda a, b, c: L.multi_dot([a, b, c]), [Arg((2, 5)), Arg((5, 3)), Arg((3, 4))],
      lambda a, b, c: np.linalg.multi_dot([a, b, c]))
_case("multi_dot-vectors", lambda a, b, c, d: L.multi_dot((a, b, c, d)), [Arg((4,)), Arg((4, 6)), Arg((6, 2)),
                                                                          Arg((2,))],
      lambda a, b, c, d: np.asarray(np.linalg.multi_dot([a, b, c, d])))
_case("multi_dot-2", lambda a, b: L.multi_dot([a, b]), [Arg((3,)), Arg((3, 2))], lambda a, b: a @ b)
_case("vander", L.vander, [Arg((3,))], lambda x: _vander_np(x, 3))
_case("vander-batch-N", lambda x: L.vander(x, N=4), [Arg((2, 3))], lambda x: _vander_np(x, 4))
_case("vander-top-level", ag.vander, [Arg((4,))], np.vander)
_case("vander-top-level-increasing", lambda x: ag.vander(x, 3, increasing=True), [Arg((4,))],
      lambda x: np.vander(x, 3, increasing=True))
_case("vander-top-level-N1", lambda x: ag.vander(x, 1), [Arg((4,))], lambda x: np.vander(x, 1), grad=False)
_case("diagonal", L.diagonal, [Arg((2, 3, 4))], lambda x: np.diagonal(x, axis1=-2, axis2=-1))
_case("diagonal-offset-dims", lambda x: L.diagonal(x, offset=1, dim1=0, dim2=2), [Arg((3, 2, 4))],
      lambda x: np.diagonal(x, 1, 0, 2))

# ---------------------------------------------------------------------------- tensorinv / tensorsolve
_case("tensorinv", lambda x: L.tensorinv(wc(x.reshape(4, 4)).reshape(2, 2, 4), ind=2), [Arg((4, 4))],
      lambda x: np.linalg.tensorinv(wc(x).reshape(2, 2, 4), ind=2))
_case("tensorinv-ind1", lambda x: L.tensorinv(wc(x).reshape(4, 2, 2), ind=1), [Arg((4, 4))],
      lambda x: np.linalg.tensorinv(wc(x).reshape(4, 2, 2), ind=1))
_case("tensorsolve", lambda x, b: L.tensorsolve(wc(x).reshape(2, 3, 6), b), [Arg((6, 6)), Arg((2, 3))],
      lambda x, b: np.linalg.tensorsolve(wc(x).reshape(2, 3, 6), b))
_case("tensorsolve-dims", lambda x, b: L.tensorsolve(wc(x).reshape(6, 2, 3), b, dims=(0,)),
      [Arg((6, 6)), Arg((2, 3))], lambda x, b: np.linalg.tensorsolve(wc(x).reshape(6, 2, 3), b, axes=(0,)))
