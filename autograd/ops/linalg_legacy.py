"""PyTorch's older top-level linear algebra: kron, trace, addbmm, addr, chain_matmul, lu, triangular_solve, geqrf, ..."""
import collections

import numpy as np

from .. import dtypes, random
from .._tensor import Tensor
from . import decomposition, solvers
from .linalg import _add_scaled, bmm, matmul, outer

_lu_unpack_result = collections.namedtuple("lu_unpack", ["P", "L", "U"])
_triangular_solve_result = collections.namedtuple("triangular_solve", ["solution", "cloned_coefficient"])
_geqrf_result = collections.namedtuple("geqrf", ["a", "tau"])


def _check_tensor(x, op, name="input"):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(x).__name__}")


def _const(arr):
    return Tensor._make(arr, None, 0)


# ---------------------------------------------------------------------------- products
def kron(input, other):
    """The Kronecker product: block (i, j) is input[i, j] * other (shapes padded with leading 1s)."""
    _check_tensor(input, "kron")
    _check_tensor(other, "kron", "other")
    nd = max(input.ndim, other.ndim)
    a = input.reshape((1,) * (nd - input.ndim) + tuple(input.shape))
    b = other.reshape((1,) * (nd - other.ndim) + tuple(other.shape))
    a_exp = a.reshape(sum(((s, 1) for s in a.shape), ()))
    b_exp = b.reshape(sum(((1, s) for s in b.shape), ()))
    return (a_exp * b_exp).reshape(tuple(x * y for x, y in zip(a.shape, b.shape)))


def trace(input):
    """The sum of the main diagonal of a 2-D tensor (integers sum to int64)."""
    _check_tensor(input, "trace")
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    return input.diagonal().sum()


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta * input + alpha * the sum over the batch of batch1[i] @ batch2[i]."""
    _check_tensor(input, "addbmm")
    return _add_scaled(input, bmm(batch1, batch2).sum(0), beta, alpha, "addbmm")


def addr(input, vec1, vec2, *, beta=1, alpha=1):
    """beta * input + alpha * the outer product of vec1 and vec2."""
    _check_tensor(input, "addr")
    for name, v in (("vec1", vec1), ("vec2", vec2)):
        _check_tensor(v, "addr", name)
        if v.ndim != 1:
            raise RuntimeError(f"addr: {name} must be a 1-D tensor, got {v.ndim}-D (shape {tuple(v.shape)})")
    return _add_scaled(input, outer(vec1, vec2), beta, alpha, "addr")


def chain_matmul(*matrices):
    """The product of 2-D matrices, left to right (deprecated in PyTorch for linalg.multi_dot)."""
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for i, m in enumerate(matrices):
        _check_tensor(m, "chain_matmul", f"matrices[{i}]")
        if m.ndim != 2:
            raise RuntimeError(f"chain_matmul(): Tensor {i} must be 2-D, got {m.ndim}-D (shape {tuple(m.shape)})")
    out = matrices[0]
    for m in matrices[1:]:
        out = matmul(out, m)
    return out.clone() if len(matrices) == 1 else out


def frobenius_norm(input, dim=(-2, -1), keepdim=False):
    """sqrt of the sum of squares over dim (two dims by default)."""
    _check_tensor(input, "frobenius_norm")
    return (input * input).sum(dim, keepdim=keepdim).sqrt()


def nuclear_norm(input, dim=None, keepdim=False):
    """The sum of the singular values of the matrices in dim (the last two by default; 2-D input without dim)."""
    _check_tensor(input, "nuclear_norm")
    if dim is None:
        if input.ndim != 2:
            raise RuntimeError(f"nuclear_norm: expected a 2-D tensor, got {input.ndim}-D; give dim for batches")
        dim = (0, 1)
    if len(dim) != 2:
        raise RuntimeError(f"nuclear_norm: dim must be a pair of dims, got {dim}")
    d0, d1 = (d % input.ndim for d in dim)
    x = input.movedim((d0, d1), (-2, -1))
    s = decomposition.svdvals(x).sum(-1)
    if keepdim:
        for d in sorted((d0, d1)):
            s = s.unsqueeze(d)
    return s


# ---------------------------------------------------------------------------- lu / triangular_solve / cholesky
def lu(A, pivot=True, get_infos=False):
    """(LU, pivots), plus infos with get_infos=True (no error for a singular matrix then), as linalg.lu_factor."""
    _check_tensor(A, "lu", "A")
    if get_infos:
        return tuple(decomposition.lu_factor_ex(A, pivot=pivot))
    return tuple(decomposition.lu_factor(A, pivot=pivot))


def lu_solve(b, LU_data, LU_pivots):
    """The solution x of A x = b from lu's (LU_data, LU_pivots)."""
    _check_tensor(b, "lu_solve", "b")
    return solvers.lu_solve(LU_data, LU_pivots, b)


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True):
    """(P, L, U) from lu's packed output (empty tensors for the parts not unpacked)."""
    _check_tensor(LU_data, "lu_unpack", "LU_data")
    _check_tensor(LU_pivots, "lu_unpack", "LU_pivots")
    if LU_data.ndim < 2:
        raise RuntimeError(f"lu_unpack: LU_data must be at least 2-D, got shape {tuple(LU_data.shape)}")
    m, n = LU_data.shape[-2:]
    k = min(m, n)
    if LU_pivots.array.dtype != np.int32 or tuple(LU_pivots.shape) != tuple(LU_data.shape[:-2]) + (k,):
        raise RuntimeError(f"lu_unpack: LU_pivots must be an int32 tensor of shape "
                           f"{tuple(LU_data.shape[:-2]) + (k,)}, got {LU_pivots.dtype} of shape "
                           f"{tuple(LU_pivots.shape)}")
    xp, dt = LU_data.xp, LU_data.array.dtype
    empty = _const(xp.zeros(0, dtype=dt))
    L = U = empty
    if unpack_data:
        L = LU_data[..., :k].tril(-1) + _const(xp.eye(m, k, dtype=dt))
        U = LU_data[..., :k, :].triu()
    P = empty
    if unpack_pivots:
        perm = solvers.pivots_to_perm(LU_pivots.array, m)
        P = _const((perm[..., None, :] == xp.arange(m)[:, None]).astype(dt))
    return _lu_unpack_result(P, L, U)


def triangular_solve(b, A, upper=True, transpose=False, unitriangular=False):
    """(solution, cloned_coefficient): x with op(A) x = b for a triangular A (op(A) = A^T with transpose=True)."""
    _check_tensor(b, "triangular_solve", "b")
    _check_tensor(A, "triangular_solve", "A")
    if A.ndim < 2 or b.ndim < 2:
        raise RuntimeError(f"triangular_solve: expected b and A to be at least 2-D, got shapes {tuple(b.shape)} "
                           f"and {tuple(A.shape)}")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"triangular_solve: A must be a batch of square matrices, got shape {tuple(A.shape)}")
    tri = A.triu() if upper else A.tril()
    coef = tri.mT if transpose else tri
    x = solvers.solve_triangular(coef, b, upper=bool(upper) != bool(transpose), unitriangular=unitriangular)
    return _triangular_solve_result(x, A.clone())


def cholesky(input, upper=False):
    """The Cholesky factor of a symmetric positive-definite matrix (upper=True: U with A = U^T U)."""
    _check_tensor(input, "cholesky")
    return decomposition.cholesky(input, upper=upper)


# ---------------------------------------------------------------------------- Householder QR
def geqrf(input):
    """(a, tau): LAPACK's geqrf QR factorization (R on and above the diagonal, Householder vectors below); no
    gradient."""
    _check_tensor(input, "geqrf")
    solvers.check_matrix("geqrf", input)
    xp = input.xp
    a = input.array
    if a.ndim == 2:
        h, tau = xp.linalg.qr(a, mode="raw")
        return _geqrf_result(_const(xp.ascontiguousarray(h.T)), _const(tau.astype(a.dtype)))
    batch = a.reshape((-1,) + a.shape[-2:])
    pairs = [xp.linalg.qr(m, mode="raw") for m in batch]
    hs = xp.stack([xp.ascontiguousarray(h.T) for h, _ in pairs]).reshape(a.shape)
    taus = xp.stack([t for _, t in pairs]).reshape(a.shape[:-2] + (-1,)).astype(a.dtype)
    return _geqrf_result(_const(hs), _const(taus))


def orgqr(input, input2):
    """The first n columns of Q from geqrf's (a, tau) = (input, input2): linalg.householder_product."""
    _check_tensor(input, "orgqr")
    return decomposition.householder_product(input, input2)


def ormqr(input, input2, input3, left=True, transpose=False):
    """Q @ C (left) or C @ Q, with Q^T for transpose=True, where Q is given by geqrf's (a, tau) = (input, input2)."""
    op = "ormqr"
    for name, t in (("input", input), ("input2", input2), ("input3", input3)):
        _check_tensor(t, op, name)
    solvers.check_matrix(op, input)
    solvers.check_matrix(op, input3, "input3")
    m = input.shape[-2]
    k = input2.shape[-1]
    side = input3.shape[-2] if left else input3.shape[-1]
    if side != m:
        raise RuntimeError(f"ormqr: input3 of shape {tuple(input3.shape)} does not fit Q of size {m} x {m} "
                           f"({'rows' if left else 'columns'} must be {m})")
    if k > min(m, input.shape[-1]):
        raise RuntimeError(f"ormqr: tau has {k} entries but input {tuple(input.shape)} has at most "
                           f"{min(m, input.shape[-1])} reflectors")
    xp, dt = input.xp, input.array.dtype
    rows = xp.arange(m)
    c = input3
    order = range(k - 1, -1, -1) if left != bool(transpose) else range(k)
    for i in order:  # Q = H_1 ... H_k, H_i = I - tau_i v_i v_i^T
        v = input[..., :, i] * _const((rows > i).astype(dt)) + _const((rows == i).astype(dt))
        t = input2[..., i, None, None]
        if left:
            c = c - t * (v[..., :, None] @ (v[..., None, :] @ c))
        else:
            c = c - t * ((c @ v[..., :, None]) @ v[..., None, :])
    return c


# ---------------------------------------------------------------------------- randomised low-rank SVD / PCA
def _orthonormal_range(y):
    return decomposition.linalg_qr(y).Q


def svd_lowrank(A, q=6, niter=2, M=None):
    """(U, S, V) of a randomised rank-q SVD of A - M (Halko et al.): A - M ~ U diag(S) V^T."""
    _check_tensor(A, "svd_lowrank", "A")
    if A.ndim < 2:
        raise RuntimeError(f"svd_lowrank: A must be at least 2-D, got shape {tuple(A.shape)}")
    q = dtypes.as_int(q, "svd_lowrank", "q")
    m, n = A.shape[-2:]
    if not 0 < q <= min(m, n):
        raise ValueError(f"svd_lowrank: q must be in [1, min(m, n)] = [1, {min(m, n)}], got {q}")
    a = A if M is None else A - M
    g = random.randn(n, q, dtype=A.dtype, device=A.device)
    qm = _orthonormal_range(a @ g)
    for _ in range(niter):
        qm = _orthonormal_range(a @ _orthonormal_range(a.mT @ qm))
    u, s, vh = decomposition.linalg_svd(qm.mT @ a, full_matrices=False)
    return qm @ u, s, vh.mT


def pca_lowrank(A, q=None, center=True, niter=2):
    """(U, S, V) of a randomised PCA of A (rows are samples): svd_lowrank of A with its column means removed."""
    _check_tensor(A, "pca_lowrank", "A")
    if A.ndim < 2:
        raise RuntimeError(f"pca_lowrank: A must be at least 2-D, got shape {tuple(A.shape)}")
    m, n = A.shape[-2:]
    q = min(6, m, n) if q is None else q
    return svd_lowrank(A - A.mean(-2, keepdim=True) if center else A, q, niter)


def lobpcg(A, k=None, B=None, X=None, n=None, iK=None, niter=None, tol=None, largest=None, method=None,
           tracker=None, ortho_iparams=None, ortho_fparams=None, ortho_bparams=None):
    """(E, X): the k largest (or, with largest=False, smallest) eigenvalues of the symmetric A x = E B x and their
    B-orthonormal eigenvectors, batched. tapegrad solves the dense problem exactly (eigh of L^-1 A L^-T with
    B = L L^T) instead of iterating, so X, n, iK, niter, tol, method and the ortho_* settings only set the sizes
    or are checked; the result is the one LOBPCG converges to (eigenvectors up to sign), and differentiable."""
    _check_tensor(A, "lobpcg", "A")
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise ValueError(f"lobpcg: A must be a square matrix or a batch of them, got shape {tuple(A.shape)}")
    if A.dtype not in dtypes.FLOATS:
        raise ValueError(f"lobpcg: A must be a floating point tensor, got {A.dtype}")
    if X is not None:
        _check_tensor(X, "lobpcg", "X")
        if tuple(X.shape[-2:-1]) != tuple(A.shape[-1:]):
            raise ValueError(f"lobpcg: X must have shape (..., {A.shape[-1]}, n), got {tuple(X.shape)}")
    k = (1 if X is None else X.shape[-1]) if k is None else int(k)
    n = (k if X is None else X.shape[-1]) if n is None else int(n)
    m = A.shape[-1]
    if m < 3 * n:
        raise ValueError(f"LOBPCG algorithm is not applicable when the number of A rows (={m}) is smaller than 3 x "
                         f"the number of requested eigenpairs (={n})")
    if tracker is not None:
        raise ValueError("lobpcg: tracker is not supported (tapegrad solves the problem directly, without iterates "
                         "to report)")
    S = A
    if B is not None:
        _check_tensor(B, "lobpcg", "B")
        if tuple(B.shape[-2:]) != (m, m):
            raise ValueError(f"lobpcg: B must have A's matrix shape ({m}, {m}), got {tuple(B.shape)}")
        L = decomposition.cholesky(B)
        S = solvers.solve_triangular(L, solvers.solve_triangular(L, A, upper=False).mT, upper=False)
    E, V = decomposition.eigh(S)
    if largest is None or largest:  # eigh's order is ascending: the largest first, as LOBPCG gives them
        E, V = E[..., m - k:].flip(-1), V[..., m - k:].flip(-1)
    else:
        E, V = E[..., :k], V[..., :k]
    if B is not None:
        V = solvers.solve_triangular(L.mT, V, upper=True)
    return E, V


__all__ = ["kron", "trace", "addbmm", "addr", "chain_matmul", "frobenius_norm", "nuclear_norm", "lu", "lu_solve",
           "lu_unpack", "triangular_solve", "cholesky", "geqrf", "orgqr", "ormqr", "svd_lowrank", "pca_lowrank", "lobpcg"]
METHODS = {n: globals()[n] for n in ("kron", "trace", "addbmm", "addr", "lu", "lu_solve", "triangular_solve",
                                     "cholesky", "geqrf", "orgqr", "ormqr")}
