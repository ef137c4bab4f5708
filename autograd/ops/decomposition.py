"""Matrix decompositions (torch.linalg's): cholesky, qr, svd, svdvals, eigh, eigvalsh, slogdet, lu_factor, lu,
householder_product; and the top-level svd, qr, slogdet, logdet of torch.

Each backward is the published formula (the ones PyTorch uses), written with operators, gradmath and the
dispatching helpers of solvers.py, so that it records itself under create_graph (higher-order gradients).
"""
import collections
import math

import numpy as np

from .. import backend, gradmath
from .._tensor import Tensor
from ..function import Op
from .linalg import LinAlgError, _det_of, _trailing, cofactor
from .solvers import (_raise_info, cat, check_matrix, check_pair, const, diag_embed, lapack, lu_arrays, permute_rows,
                      pivots_to_perm, tri_solve, triangle)

_mm, _t = gradmath.matmul, gradmath.swap_last
cholesky_ex_result = collections.namedtuple("linalg_cholesky_ex", ["L", "info"])
linalg_qr_result = collections.namedtuple("linalg_qr", ["Q", "R"])
qr_result = collections.namedtuple("qr", ["Q", "R"])
linalg_svd_result = collections.namedtuple("linalg_svd", ["U", "S", "Vh"])
svd_result = collections.namedtuple("svd", ["U", "S", "V"])
eigh_result = collections.namedtuple("linalg_eigh", ["eigenvalues", "eigenvectors"])
linalg_slogdet_result = collections.namedtuple("linalg_slogdet", ["sign", "logabsdet"])
slogdet_result = collections.namedtuple("slogdet", ["sign", "logabsdet"])
lu_factor_result = collections.namedtuple("linalg_lu_factor", ["LU", "pivots"])
lu_factor_ex_result = collections.namedtuple("linalg_lu_factor_ex", ["LU", "pivots", "info"])
lu_result = collections.namedtuple("linalg_lu", ["P", "L", "U"])


def _safe_div(num, den):
    """num / den, and 0 where den == 0 (repeated eigen/singular values: their pair's term is dropped, which is its
    limit for every loss that does not depend on the choice of basis inside the eigenspace)."""
    zero = gradmath.array(den) == 0
    return gradmath.where(zero, 0.0, num / gradmath.where(zero, 1.0, den))


# ---------------------------------------------------------------------------- cholesky
_NOT_PD = "the factorization could not be completed because the input is not positive-definite"


def _cholesky_info(a):
    """(L, info) of the lower triangles of a batch, column by column: info is the order of the first leading minor
    that is not positive-definite (0 if none) and L stops there, as LAPACK's potrf leaves it."""
    xp = gradmath.xp(a)
    shape, n = a.shape, a.shape[-1]
    bsz = math.prod(shape[:-2])
    low = xp.tril(a.reshape((bsz, n, n))).copy()
    info = xp.zeros((bsz,), dtype=np.int32)
    for j in range(n):
        d = low[:, j, j]
        info = xp.where((info == 0) & ~(d > 0), j + 1, info).astype(np.int32, copy=False)
        ok = info == 0
        r = xp.sqrt(xp.where(ok, d, 1))
        low[:, j, j] = xp.where(ok, r, d)
        col = xp.where(ok[:, None], low[:, j + 1:, j] / r[:, None], low[:, j + 1:, j])
        low[:, j + 1:, j] = col
        upd = xp.tril(col[:, :, None] * col[:, None, :])
        low[:, j + 1:, j + 1:] -= xp.where(ok[:, None, None], upd, 0)
    return low.reshape(shape), info.reshape(shape[:-2])


class Cholesky(Op):
    """L with A = L L^T (upper: U with A = U^T U); gA = L^-T S L^-1 with S = Phi(L^T gL) made symmetric, where Phi
    takes the lower triangle and halves its diagonal (PyTorch's cholesky_backward)."""

    def forward(ctx, a, upper, op):
        xp = gradmath.xp(a)
        src = a.swapaxes(-1, -2) if upper else a  # upper=True reads A's upper triangle
        try:
            low = lapack(op, xp.linalg.cholesky, src)
        except LinAlgError:
            _, info = _cholesky_info(src)
            flat = info.reshape(-1)
            b = int(xp.argmax(flat > 0))
            where = f" (batch element {b})" if info.ndim else ""
            raise LinAlgError(f"{op}{where}: {_NOT_PD} (the leading minor of order {int(flat[b])} is not "
                              "positive-definite); check that A is symmetric positive-definite, or use "
                              "cholesky_ex") from None
        y = xp.ascontiguousarray(low.swapaxes(-1, -2)) if upper else low
        ctx.upper = upper
        ctx.save_for_backward(y)
        return y

    def backward(ctx, gy):
        (y,) = ctx.saved_tensors
        low, gl = (_t(y), _t(gy)) if ctx.upper else (y, gy)
        p = triangle(_mm(_t(low), gl), False)
        s = 0.5 * (p + _t(triangle(p, False, -1)))
        x = tri_solve(_t(low), s, True)  # L^-T S
        return tri_solve(low, x, False, left=False)  # ... L^-1


def cholesky(A, *, upper=False):
    """The Cholesky factor L (lower, A = L L^T) or U (upper=True, A = U^T U) of symmetric positive-definite A."""
    check_matrix("linalg.cholesky", A, square=True)
    return Cholesky.apply(A, upper=bool(upper), op="linalg.cholesky")


def cholesky_ex(A, *, upper=False, check_errors=False):
    """(L, info) of linalg.cholesky: info > 0 (the order of the failing leading minor) instead of an error."""
    op = "linalg.cholesky_ex"
    check_matrix(op, A, square=True)
    try:
        L = Cholesky.apply(A, upper=bool(upper), op=op)
        return cholesky_ex_result(L, Tensor._make(A.xp.zeros(A.shape[:-2], dtype=np.int32), None, 0))
    except LinAlgError:
        if check_errors:
            raise
    low, info = _cholesky_info(A.array.swapaxes(-1, -2) if upper else A.array)
    y = A.xp.ascontiguousarray(low.swapaxes(-1, -2)) if upper else low
    return cholesky_ex_result(Tensor._make(y, None, 0), Tensor._make(info, None, 0))


# ---------------------------------------------------------------------------- qr
class Qr(Op):
    """A = Q R (mode 'reduced', 'complete' or 'r'); gA = [gQ + Q copyltu(M)] R^-T with M = R gR^T - gQ^T Q for
    m >= n, and the wide case through its leading square block."""

    def forward(ctx, a, mode):
        xp = gradmath.xp(a)
        ctx.mode, ctx.shape = mode, a.shape[-2:]
        if mode == "r":
            q, r = xp.zeros((0,), dtype=a.dtype), xp.linalg.qr(a, mode="r")
        else:
            q, r = xp.linalg.qr(a, mode=mode)
        ctx.save_for_backward(q, r)
        return q, r

    def backward(ctx, gq, gr):
        q, r = ctx.saved_tensors
        m, n = ctx.shape
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please "
                               "use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.")
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols; "
                               "use mode='reduced'")
        if m >= n:
            return _qr_grad_tall(q, r, gq, gr)
        r1, r2, gr1, gr2 = r[..., :m], r[..., m:], gr[..., :m], gr[..., m:]
        gx = _qr_grad_tall(q, r1, gq + _mm(_mm(q, r2), _t(gr2)), gr1)  # Y = Q R2 also moves with Q
        return cat([gx, _mm(q, gr2)], -1)


def _qr_grad_tall(q, r, gq, gr):
    m = _mm(gr, _t(r)) - _mm(_t(q), gq)
    sym = triangle(m, True) + _t(triangle(m, True, 1))  # the upper triangle mirrored below
    return tri_solve(_t(r), gq + _mm(q, sym), False, left=False)  # (...) R^-T


_QR_MODES = ("reduced", "complete", "r")


def linalg_qr(A, mode="reduced"):
    """(Q, R) with A = Q R, Q orthonormal columns and R upper triangular; mode 'reduced', 'complete' or 'r'."""
    check_matrix("linalg.qr", A)
    if mode not in _QR_MODES:
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', or "
                           "'complete'")
    return linalg_qr_result(*Qr.apply(A, mode=mode))


def qr(input, some=True):
    """(Q, R) of input: the reduced decomposition (some=True) or the complete one (deprecated torch.qr)."""
    check_matrix("qr", input)
    return qr_result(*Qr.apply(input, mode="reduced" if some else "complete"))


# ---------------------------------------------------------------------------- svd / svdvals
class Svd(Op):
    """A = U diag(S) Vh; gA = U [(skew(U^T gU) / E) S + S (skew(V^T gV) / E) + diag(gS)] Vh + the terms of the
    complements, E_ij = s_j^2 - s_i^2 (PyTorch's svd_backward). With full_matrices the extra columns of U (rows of
    Vh), which are not unique, get no gradient, as in PyTorch."""

    def forward(ctx, a, full_matrices):
        xp = gradmath.xp(a)
        u, s, vh = lapack("linalg.svd", xp.linalg.svd, a, full_matrices=full_matrices)
        ctx.full = full_matrices
        ctx.save_for_backward(u, s, vh)
        return u, s, vh

    def backward(ctx, gu, gs, gvh):
        u, s, vh = ctx.saved_tensors
        k = s.shape[-1]
        if ctx.full:
            u, vh, gu, gvh = u[..., :k], vh[..., :k, :], gu[..., :k], gvh[..., :k, :]
        return _svd_grad(u, s, vh, gu, gs, gvh)


def _svd_grad(u, s, vh, gu, gs, gvh):
    m, n, k = u.shape[-2], vh.shape[-1], s.shape[-1]
    ju = _mm(_t(u), gu)
    jv = _mm(vh, _t(gvh))  # V^T gV
    s2 = s * s
    e = s2[..., None, :] - s2[..., :, None]
    inner = (_safe_div(ju - _t(ju), e) * s[..., None, :] + s[..., :, None] * _safe_div(jv - _t(jv), e)
             + diag_embed(gs))
    ga = _mm(_mm(u, inner), vh)
    sinv = _safe_div(1.0, s)
    if m > k:
        ga = ga + _mm((gu - _mm(u, ju)) * sinv[..., None, :], vh)
    if n > k:
        ga = ga + _mm(u, sinv[..., :, None] * (gvh - _mm(_t(jv), vh)))
    return ga


class Svdvals(Op):
    """The singular values (descending); gA = U diag(gS) Vh."""

    def forward(ctx, a):
        xp = gradmath.xp(a)
        if not ctx.next_edges:  # not recorded: no singular vectors needed
            return lapack("linalg.svdvals", xp.linalg.svd, a, compute_uv=False)
        u, s, vh = lapack("linalg.svdvals", xp.linalg.svd, a, full_matrices=False)
        ctx.save_for_backward(a, u, vh)
        return s

    def backward(ctx, gs):
        a, u, vh = ctx.saved_tensors
        if isinstance(gs, Tensor):  # create_graph: singular vectors that carry A's dependence
            u, _, vh = Svd.apply(a, full_matrices=False)
        return _mm(u * gs[..., None, :], vh)


_SVD_DRIVERS = (None, "gesvd", "gesvdj", "gesvda")


def _check_driver(op, driver):
    if driver not in _SVD_DRIVERS:
        raise RuntimeError(f"{op}: driver must be None or one of 'gesvd', 'gesvdj', 'gesvda', got {driver!r}")


def linalg_svd(A, full_matrices=True, *, driver=None):
    """(U, S, Vh) with A = U diag(S) Vh, S descending; full_matrices=False gives the reduced U and Vh.

    driver (cuSOLVER's choice in PyTorch) is accepted and ignored: the backend's one SVD routine runs."""
    check_matrix("linalg.svd", A)
    _check_driver("linalg.svd", driver)
    return linalg_svd_result(*Svd.apply(A, full_matrices=bool(full_matrices)))


def svdvals(A, *, driver=None):
    """The singular values of A, descending."""
    check_matrix("linalg.svdvals", A)
    _check_driver("linalg.svdvals", driver)
    return Svdvals.apply(A)


def svd(input, some=True, compute_uv=True):
    """(U, S, V) with input = U diag(S) V^T (torch.svd: V, not Vh; some=True gives the reduced U and V)."""
    check_matrix("svd", input)
    if not compute_uv:  # zero-filled U and V of the full shapes, as in PyTorch
        m, n = input.shape[-2:]
        zeros = input.xp.zeros
        s = Svdvals.apply(input)
        lead = tuple(input.shape[:-2])
        return svd_result(Tensor._make(zeros(lead + (m, m), dtype=input.array.dtype), None, 0), s,
                          Tensor._make(zeros(lead + (n, n), dtype=input.array.dtype), None, 0))
    u, s, vh = Svd.apply(input, full_matrices=not some)
    return svd_result(u, s, vh.mT)


# ---------------------------------------------------------------------------- eigh / eigvalsh
class Eigh(Op):
    """A = V diag(w) V^T for symmetric A (one triangle read); gA = V [diag(gw) + skew(V^T gV) / (2 E)] V^T with
    E_ij = w_j - w_i: the symmetric gradient, as PyTorch's."""

    def forward(ctx, a, uplo):
        w, v = lapack("linalg.eigh", gradmath.xp(a).linalg.eigh, a, UPLO=uplo)
        ctx.save_for_backward(w, v)
        return w, v

    def backward(ctx, gw, gv):
        w, v = ctx.saved_tensors
        j = _mm(_t(v), gv)
        e = w[..., None, :] - w[..., :, None]
        return _mm(_mm(v, _safe_div(0.5 * (j - _t(j)), e) + diag_embed(gw)), _t(v))


class Eigvalsh(Op):
    """The eigenvalues (ascending) of symmetric A; gA = V diag(gw) V^T."""

    def forward(ctx, a, uplo):
        xp = gradmath.xp(a)
        ctx.uplo = uplo
        if not ctx.next_edges:
            return lapack("linalg.eigvalsh", xp.linalg.eigvalsh, a, UPLO=uplo)
        w, v = lapack("linalg.eigvalsh", xp.linalg.eigh, a, UPLO=uplo)
        ctx.save_for_backward(a, v)
        return w

    def backward(ctx, gw):
        a, v = ctx.saved_tensors
        if isinstance(gw, Tensor):
            _, v = Eigh.apply(a, uplo=ctx.uplo)
        return _mm(v * gw[..., None, :], _t(v))


def _uplo(UPLO):
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return UPLO


def eigh(A, UPLO="L"):
    """(eigenvalues, eigenvectors) of symmetric A, eigenvalues ascending; only the UPLO triangle of A is read."""
    check_matrix("linalg.eigh", A, square=True)
    return eigh_result(*Eigh.apply(A, uplo=_uplo(UPLO)))


def eigvalsh(A, UPLO="L"):
    """The eigenvalues of symmetric A, ascending."""
    check_matrix("linalg.eigvalsh", A, square=True)
    return Eigvalsh.apply(A, uplo=_uplo(UPLO))


# ---------------------------------------------------------------------------- slogdet / logdet
class Slogdet(Op):
    """(sign, log|det A|); the gradient of log|det| is A^-T (sign has none)."""

    nondiff_outputs = (0,)

    def forward(ctx, a):
        xp = gradmath.xp(a)
        sign, logabs = xp.linalg.slogdet(a)
        ctx.save_for_backward(a)
        return xp.asarray(sign), xp.asarray(logabs)

    def backward(ctx, gsign, glog):  # A^-T = adj(A)^T / det A: infinite (or nan) for singular A, as in PyTorch
        (a,) = ctx.saved_tensors
        return _trailing(glog) * cofactor(a) / _trailing(_det_of(a))


def linalg_slogdet(A):
    """(sign, logabsdet) of square A: det A = sign * exp(logabsdet); (0, -inf) for singular A."""
    check_matrix("linalg.slogdet", A, square=True)
    return linalg_slogdet_result(*Slogdet.apply(A))


def slogdet(input):
    """(sign, logabsdet) of square input (torch.slogdet)."""
    check_matrix("slogdet", input, square=True)
    return slogdet_result(*Slogdet.apply(input))


def logdet(input):
    """log det(input): nan for a negative determinant, -inf for a zero one."""
    check_matrix("logdet", input, square=True)
    sign, logabs = Slogdet.apply(input)
    return logabs.where(sign >= 0, float("nan"))


# ---------------------------------------------------------------------------- lu_factor / lu
class LuFactor(Op):
    """(LU, pivots, info) of partial-pivoting LU; gA = P L^-T [tril(L^T gL, -1) + triu(gU U^T)] U^-T for square
    A, and the rectangular cases through their leading square block (PyTorch's linalg_lu_backward)."""

    def forward(ctx, a, pivot):
        lu, piv, info = lu_arrays(a, pivot)
        ctx.save_for_backward(lu, pivots_to_perm(piv, a.shape[-2]))
        return lu, piv, info

    def backward(ctx, glu, gpiv, ginfo):
        lu, perm = ctx.saved_tensors
        return _lu_grad(lu, perm, glu)


def _lu_grad(lu, perm, glu):
    m, n = lu.shape[-2:]
    xp = gradmath.xp(gradmath.array(lu))
    p = gradmath.array(perm)
    if m >= n:  # P^T A = [L1; L2] U
        top, gtop = lu[..., :n, :], glu[..., :n, :]
        l1 = triangle(top, False, -1) + const(xp.eye(n, dtype=gradmath.array(lu).dtype), lu)
        l2, gl2 = lu[..., n:, :], glu[..., n:, :]
        mid = (triangle(_mm(_t(l1), triangle(gtop, False, -1)), False, -1)
               + triangle(_mm(triangle(gtop, True), _t(triangle(top, True))) - _mm(_t(l2), gl2), True))
        g = tri_solve(_t(top), mid, True, True, True)  # L1^-T M
        if m > n:
            g = cat([g, gl2], -2)
        g = tri_solve(_t(top), g, False, left=False)  # ... U^-T
    else:  # P^T A = L [U1 U2]
        sq, gsq = lu[..., :m], glu[..., :m]
        u2, gu2 = lu[..., m:], glu[..., m:]
        l = triangle(sq, False, -1) + const(xp.eye(m, dtype=gradmath.array(lu).dtype), lu)
        mid = (triangle(_mm(_t(l), triangle(gsq, False, -1)) - _mm(gu2, _t(u2)), False, -1)
               + triangle(_mm(triangle(gsq, True), _t(triangle(sq, True))), True))
        g1 = tri_solve(_t(sq), tri_solve(_t(sq), mid, True, True, True), False, left=False)
        g = cat([g1, tri_solve(_t(sq), gu2, True, True, True)], -1)
    return permute_rows(g, xp.argsort(p, axis=-1))  # P g


def _lu_singular_message(op, info):
    flat = info.reshape(-1)
    b = int(gradmath.xp(flat).argmax(flat > 0))
    i = int(flat[b]) - 1
    where = f" (batch element {b})" if info.ndim else ""
    return (f"{op}{where}: U[{i},{i}] is zero and using it on lu_solve would result in a division by zero. If you "
            "still want to perform the factorization, consider calling linalg.lu(A, pivot) or "
            "linalg.lu_factor_ex(A, pivot)")


def lu_factor(A, *, pivot=True):
    """(LU, pivots) of A = P L U (L unit lower and U packed in LU; 1-based int32 pivots, as LAPACK's getrf).

    pivot=False (no row interchanges) is taken on every device (PyTorch takes it on CUDA only)."""
    op = "linalg.lu_factor"
    check_matrix(op, A)
    LU, piv, info = LuFactor.apply(A, pivot=bool(pivot))
    if backend.bad_now(info.array.reshape(-1) > 0, RuntimeError, f"{op}: the matrix is singular (a zero on U's "
                       "diagonal)"):
        raise RuntimeError(_lu_singular_message(op, info.array))
    return lu_factor_result(LU, piv)


def lu_factor_ex(A, *, pivot=True, check_errors=False):
    """(LU, pivots, info) of linalg.lu_factor: info > 0 (the first zero of U's diagonal, 1-based), no error."""
    op = "linalg.lu_factor_ex"
    check_matrix(op, A)
    LU, piv, info = LuFactor.apply(A, pivot=bool(pivot))
    _raise_info(op, info.array, check_errors, "the matrix is singular (U has a zero on its diagonal)")
    return lu_factor_ex_result(LU, piv, info)


def lu(A, *, pivot=True):
    """(P, L, U) with A = P L U: P a permutation matrix, L unit lower (m x k), U upper (k x n), k = min(m, n)."""
    check_matrix("linalg.lu", A)
    LU, piv, _ = LuFactor.apply(A, pivot=bool(pivot))
    m, n = A.shape[-2:]
    k = min(m, n)
    xp, dt = A.xp, A.array.dtype
    perm = pivots_to_perm(piv.array, m)
    P = (perm[..., None, :] == xp.arange(m)[:, None]).astype(dt)
    L = LU[..., :k].tril(-1) + Tensor._make(xp.eye(m, k, dtype=dt), None, 0)
    return lu_result(Tensor._make(P, None, 0), L, LU[..., :k, :].triu())


# ---------------------------------------------------------------------------- householder_product
def householder_product(A, tau):
    """The first n columns of H_1 ... H_k, H_i = I - tau_i v_i v_i^T, v_i column i of A below the diagonal with a 1
    on it (the Q of geqrf's output); differentiable in A and tau."""
    op = "linalg.householder_product"
    check_matrix(op, A)
    check_pair(op, A, tau, ("A", "tau"))
    m, n = A.shape[-2:]
    if m < n:
        raise RuntimeError(f"{op}: A.shape[-2] must be greater than or equal to A.shape[-1], got shape "
                           f"{tuple(A.shape)}")
    if tau.ndim != A.ndim - 1 or tuple(tau.shape[:-1]) != tuple(A.shape[:-2]) or tau.shape[-1] > n:
        raise RuntimeError(f"{op}: tau of shape {tuple(tau.shape)} does not fit A of shape {tuple(A.shape)}; expected "
                           f"shape {tuple(A.shape[:-2])} + (k,) with k <= {n}")
    xp, dt = A.xp, A.array.dtype
    rows = xp.arange(m)
    q = Tensor._make(xp.ascontiguousarray(xp.broadcast_to(xp.eye(m, n, dtype=dt), tuple(A.shape))), None, 0)
    for i in range(tau.shape[-1] - 1, -1, -1):
        below = Tensor._make((rows > i).astype(dt), None, 0)
        one = Tensor._make((rows == i).astype(dt), None, 0)
        v = (A[..., :, i] * below + one)[..., :, None]
        q = q - tau[..., i, None, None] * (v @ (v.mT @ q))
    return q


__all__ = ["logdet", "qr", "slogdet", "svd"]
METHODS = {"qr": qr, "svd": svd, "slogdet": slogdet, "logdet": logdet}
