"""Linear solvers (torch.linalg's): solve, solve_triangular, inv_ex, solve_ex, lu_solve, cholesky_solve/inverse.

The LU factorization on arrays lives here too (`lu_arrays`): numpy has no LU, so it is LAPACK getrf's blocked
right-looking algorithm written with xp, which runs unchanged on cupy.
"""
import collections
import math

import numpy as np

from .. import backend, dtypes, gradmath
from .._tensor import Tensor
from ..function import Op
from .index import gather
from .join import cat as join_cat
from .linalg import LinAlgError, det, inverse

_REAL = (dtypes.float32, dtypes.float64)
_NB = 32  # the panel width of the blocked LU
solve_ex_result = collections.namedtuple("linalg_solve_ex", ["result", "info"])
inv_ex_result = collections.namedtuple("linalg_inv_ex", ["inverse", "info"])


# ---------------------------------------------------------------------------- checks shared by the linalg ops
def check_dtype(op, A, name="A"):
    """float32 and float64 only, as LAPACK (and torch.linalg) take."""
    if A.dtype not in _REAL:
        if A.dtype in dtypes.FLOATS:
            raise TypeError(f"{op}: low precision dtypes are not supported, got {name} of dtype {A.dtype}; convert "
                            "with .float() first")
        raise TypeError(f"{op}: expected a floating point tensor as {name}, got dtype {A.dtype}; convert with "
                        ".float() first")


def check_matrix(op, A, name="A", square=False):
    """A tensor of at least 2 dims (square ones when square=True) of a LAPACK dtype, else torch's error."""
    if not isinstance(A, Tensor):
        raise TypeError(f"{op}: expected a tensor for {name}, got {type(A).__name__}")
    if A.ndim < 2:
        raise RuntimeError(f"{op}: the input tensor {name} must have at least 2 dimensions, got shape "
                           f"{tuple(A.shape)}")
    if square and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{op}: {name} must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices")
    check_dtype(op, A, name)


def check_pair(op, A, B, names=("A", "B")):
    """B is a tensor on A's device with A's dtype (torch refuses mixed dtypes in linalg)."""
    if not isinstance(B, Tensor):
        raise TypeError(f"{op}: expected a tensor for {names[1]}, got {type(B).__name__}")
    if type(A.array) is not type(B.array):
        raise RuntimeError(f"{op}: expected all tensors on the same device, but found {names[0]} on {A.device} and "
                           f"{names[1]} on {B.device}; move one with .to(device) first")
    if A.dtype != B.dtype:
        raise RuntimeError(f"{op}: expected {names[0]} and {names[1]} to have the same dtype, but found "
                           f"{names[0]} of dtype {A.dtype} and {names[1]} of dtype {B.dtype}; convert one with "
                           ".to(dtype)")


def batch_shape(op, *shapes):
    """The broadcast of the batch dims (all but the last two) of matrix shapes, or torch's RuntimeError."""
    try:
        return tuple(np.broadcast_shapes(*(tuple(s[:-2]) for s in shapes)))
    except ValueError:
        listed = " and ".join(str(tuple(s)) for s in shapes)
        raise RuntimeError(f"{op}: the batch dimensions of shapes {listed} cannot be broadcast together") from None


def lapack(op, fn, *args, message=None, **kwargs):
    """fn(*args) of xp.linalg, its LinAlgError (on cupy too) turned into ours, which names the op."""
    xp = gradmath.xp(args[0])
    try:
        with backend.linalg_errors(xp):
            return fn(*args, **kwargs)
    except getattr(xp.linalg, "LinAlgError", np.linalg.LinAlgError) as err:
        raise LinAlgError(f"{op}: {message or err}") from None


def const(x, like):
    """x (an array) as a constant Tensor when `like` is a Tensor (create_graph), else as it is."""
    return Tensor._make(x, None, 0) if isinstance(like, Tensor) and not isinstance(x, Tensor) else x


def triangle(x, upper, k=0):
    """triu(x, k) (upper) or tril(x, k) of the last two dims: arrays directly, Tensors recorded."""
    if isinstance(x, Tensor):
        return x.triu(k) if upper else x.tril(k)
    xp = gradmath.xp(x)
    return xp.triu(x, k) if upper else xp.tril(x, k)


def diag_embed(v):
    """Square matrices with v (..., n) on their diagonals."""
    if isinstance(v, Tensor):
        return v.diag_embed()
    n = v.shape[-1]
    return v[..., :, None] * gradmath.xp(v).eye(n, dtype=v.dtype)


def cat(xs, axis):
    """Concatenate along an axis: arrays directly, Tensors recorded (constant arrays are wrapped)."""
    like = next((x for x in xs if isinstance(x, Tensor)), None)
    if like is not None:
        return join_cat([const(x, like) for x in xs], axis)
    return gradmath.xp(xs[0]).concatenate(xs, axis=axis)


# ---------------------------------------------------------------------------- solve_triangular
def _back_substitute(t, b):
    """t^-1 b for upper triangular t with a zero on its diagonal: row by row, so inf and nan come out as LAPACK's
    trtrs gives them (torch does not raise for singular triangular systems)."""
    xp = gradmath.xp(t)
    x = xp.zeros(b.shape, dtype=b.dtype)
    for i in range(t.shape[-1] - 1, -1, -1):
        r = b[..., i, :] - (t[..., i, i + 1:, None] * x[..., i + 1:, :]).sum(axis=-2)
        x[..., i, :] = r / t[..., i, i, None]
    return x


def tri_arrays(a, b, upper, left=True, unit=False):
    """op(a)^-1 b (left) or b op(a)^-1 on arrays, op(a) the upper/lower triangle of a (unit: ones on the
    diagonal); batch dims broadcast. A lower system is flipped into an upper one, which LAPACK's LU solves by plain
    back substitution (no pivoting happens on an upper triangular matrix), so the result is trtrs's."""
    if not left:  # X A = B  <=>  A^T X^T = B^T
        return tri_arrays(a.swapaxes(-1, -2), b.swapaxes(-1, -2), not upper, True, unit).swapaxes(-1, -2)
    xp = gradmath.xp(a)
    n = a.shape[-1]
    t = xp.triu(a) if upper else xp.tril(a)
    if unit:
        t = xp.where(xp.eye(n, dtype=bool), 1, t).astype(a.dtype, copy=False)
    if not upper:  # J L J is upper triangular (J reverses the order)
        t, b = t[..., ::-1, ::-1], b[..., ::-1, :]
    batch = tuple(np.broadcast_shapes(t.shape[:-2], b.shape[:-2]))
    shape = batch + b.shape[-2:]
    if 0 in shape or n == 0:
        return xp.zeros(shape, dtype=b.dtype)
    t = xp.broadcast_to(t, batch + t.shape[-2:])
    b = xp.broadcast_to(b, shape)
    try:
        x = _upper_solve(t, b)
    except LinAlgError:  # a zero on the diagonal
        x = _back_substitute(xp.ascontiguousarray(t), xp.ascontiguousarray(b))
    return xp.ascontiguousarray(x[..., ::-1, :]) if not upper else x


_TRI_BLOCK = 128


def _upper_solve(t, b):
    """t^-1 b for upper triangular t, by blocks of rows from the bottom: each diagonal block is solved by LAPACK
    (plain back substitution), the rows above are updated by one matmul, so the cost is O(n^2 k), not O(n^3)."""
    xp = gradmath.xp(t)
    n = t.shape[-1]
    if n <= _TRI_BLOCK:
        return lapack("solve_triangular", xp.linalg.solve, xp.ascontiguousarray(t), xp.ascontiguousarray(b))
    x = b.copy()
    for i1 in range(n, 0, -_TRI_BLOCK):
        i0 = max(0, i1 - _TRI_BLOCK)
        x[..., i0:i1, :] = lapack("solve_triangular", xp.linalg.solve, xp.ascontiguousarray(t[..., i0:i1, i0:i1]),
                                  xp.ascontiguousarray(x[..., i0:i1, :]))
        if i0:
            x[..., :i0, :] -= backend.matmul(t[..., :i0, i0:i1], x[..., i0:i1, :])
    return x


class TriangularSolve(Op):
    """X = A^-1 B (left) or B A^-1 for triangular A; gB = A^-T gX (or gX A^-T), gA = -gB X^T (or -X^T gB) masked
    to A's triangle (strictly, for unitriangular A)."""

    broadcasts = True  # batch dims broadcast; the engine sums the gradients back
    fp_errors = True  # a zero on the diagonal gives inf/nan, as in PyTorch

    def forward(ctx, a, b, upper, left, unit):
        x = tri_arrays(a, b, upper, left, unit)
        ctx.flags = (upper, left, unit)
        ctx.save_for_backward(a, x)
        return x

    def backward(ctx, gx):
        a, x = ctx.saved_tensors
        upper, left, unit = ctx.flags
        need = ctx.needs_input_grad
        gb = tri_solve(gradmath.swap_last(a), gx, not upper, left, unit)
        ga = None
        if need[0]:
            xt = gradmath.swap_last(x)
            ga = -(gradmath.matmul(gb, xt) if left else gradmath.matmul(xt, gb))
            ga = triangle(ga, upper, (1 if upper else -1) if unit else 0)
        return ga, (gb if need[1] else None)


def tri_solve(a, b, upper, left=True, unit=False):
    """The triangular solve of TriangularSolve: arrays directly, Tensors (under create_graph) recorded."""
    if isinstance(a, Tensor) or isinstance(b, Tensor):
        return TriangularSolve.apply(a, b, upper=upper, left=left, unit=unit)
    return tri_arrays(a, b, upper, left, unit)


def _system_shapes(op, A, B, left):
    n = A.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"{op}: incompatible shapes of A and B for the equation {eq} ({A.shape[-2]}x{n} and "
                           f"{B.shape[-2]}x{B.shape[-1]})")
    batch_shape(op, A.shape, B.shape)


def solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    """The solution X of A X = B (left) or X A = B for triangular A (its upper or lower triangle is read)."""
    op = "linalg.solve_triangular"
    check_matrix(op, A, square=True)
    check_matrix(op, B, "B")
    check_pair(op, A, B)
    _system_shapes(op, A, B, left)
    return TriangularSolve.apply(A, B, upper=bool(upper), left=bool(left), unit=bool(unitriangular))


# ---------------------------------------------------------------------------- solve
_SINGULAR = "the solver failed because the input matrix is singular; check A (or use linalg.lstsq/linalg.pinv)"


def solve_arrays(a, b, left=True):
    """a^-1 b (left) or b a^-1 on arrays of broadcastable batch dims; LinAlgError for singular a."""
    if not left:
        return solve_arrays(a.swapaxes(-1, -2), b.swapaxes(-1, -2)).swapaxes(-1, -2)
    xp = gradmath.xp(a)
    batch = tuple(np.broadcast_shapes(a.shape[:-2], b.shape[:-2]))
    a = xp.broadcast_to(a, batch + a.shape[-2:])
    b = xp.broadcast_to(b, batch + b.shape[-2:])
    if 0 in b.shape or 0 in a.shape:
        return xp.zeros(b.shape, dtype=b.dtype)
    return lapack("linalg.solve", xp.linalg.solve, xp.ascontiguousarray(a), xp.ascontiguousarray(b),
                  message=_SINGULAR)


class Solve(Op):
    """X = A^-1 B (left) or B A^-1; gB = A^-T gX (or gX A^-T), gA = -gB X^T (or -X^T gB)."""

    broadcasts = True

    def forward(ctx, a, b, left):
        x = solve_arrays(a, b, left)
        ctx.left = left
        ctx.save_for_backward(a, x)
        return x

    def backward(ctx, gx):
        a, x = ctx.saved_tensors
        left = ctx.left
        need = ctx.needs_input_grad
        at = gradmath.swap_last(a)
        gb = Solve.apply(at, gx, left=left) if isinstance(gx, Tensor) else solve_arrays(at, gx, left)
        ga = None
        if need[0]:
            xt = gradmath.swap_last(x)
            ga = -(gradmath.matmul(gb, xt) if left else gradmath.matmul(xt, gb))
        return ga, (gb if need[1] else None)


def _solve_args(op, A, B, left):
    check_matrix(op, A, square=True)
    if not isinstance(B, Tensor):
        raise TypeError(f"{op}: expected a tensor for B, got {type(B).__name__}")
    check_pair(op, A, B)
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    if vector and not left:
        raise RuntimeError(f"{op}: vector broadcasting of the left hand side is not supported for left=False; in "
                           "this case linalg.solve is equivalent to B / A.squeeze(-1)")
    if B.ndim == 0:
        raise RuntimeError(f"{op}: B must have at least 1 dimension, got a 0-d tensor")
    Bm = B.unsqueeze(-1) if vector else B
    _system_shapes(op, A, Bm, left)
    return Bm, vector


def solve(A, B, *, left=True):
    """The solution X of A X = B (left=True) or X A = B for square A; B may be a (batch of) vector(s)."""
    Bm, vector = _solve_args("linalg.solve", A, B, left)
    X = Solve.apply(A, Bm, left=bool(left))
    return X.squeeze(-1) if vector else X


def solve_ex(A, B, *, left=True, check_errors=False):
    """(result, info) of linalg.solve: info > 0 marks singular matrices instead of raising (unless check_errors)."""
    op = "linalg.solve_ex"
    Bm, vector = _solve_args(op, A, B, left)
    try:
        X = Solve.apply(A, Bm, left=bool(left))
        info = A.xp.zeros(batch_shape(op, A.shape, Bm.shape), dtype=np.int32)
    except LinAlgError:
        a, b = A.array, Bm.array
        lu, piv, info = lu_arrays(a)
        info = A.xp.broadcast_to(info, batch_shape(op, A.shape, Bm.shape)).copy()
        _raise_info(op, info, check_errors, "the solver failed because the input matrix is singular")
        with _quiet():
            X = Tensor._make(lu_solve_arrays(lu, piv, b, left), None, 0)
    X = X.squeeze(-1) if vector else X
    return solve_ex_result(X, Tensor._make(info, None, 0))


class _quiet:
    """numpy's floating-point warnings off (singular systems give inf/nan, as in PyTorch)."""

    def __enter__(self):
        self.token = backend.fp_quiet(backend._FP_QUIET)

    def __exit__(self, *exc):
        backend.fp_restore(self.token)


def _raise_info(op, info, check_errors, what):
    """With check_errors, raise LinAlgError for the first matrix whose info is nonzero (a host read, as torch's)."""
    if not check_errors:
        return
    flat = info.reshape(-1)
    bad = gradmath.xp(flat).nonzero(flat)[0]
    if bad.size:
        b = int(bad[0])
        where = f" (batch element {b})" if info.ndim else ""
        raise LinAlgError(f"{op}{where}: the diagonal element {int(flat[b])} is zero: {what}")


# ---------------------------------------------------------------------------- det / inv / inv_ex
def linalg_det(A):
    """The determinant of a (batch of) square matrices (torch.linalg.det; the same as det)."""
    return det(A)


def linalg_inv(A):
    """The inverse of a (batch of) square matrices; LinAlgError for singular ones (the same as inverse)."""
    return inverse(A)


def inv_ex(A, *, check_errors=False):
    """(inverse, info) of square matrices: info > 0 (the first zero pivot, 1-based) marks singular ones."""
    op = "linalg.inv_ex"
    check_matrix(op, A, square=True)
    try:
        return inv_ex_result(inverse(A), Tensor._make(A.xp.zeros(A.shape[:-2], dtype=np.int32), None, 0))
    except LinAlgError:
        pass
    lu, piv, info = lu_arrays(A.array)
    _raise_info(op, info, check_errors, "the inversion could not be completed because the input matrix is singular")
    eye = A.xp.eye(A.shape[-1], dtype=A.array.dtype)
    with _quiet():
        inv = lu_solve_arrays(lu, piv, A.xp.broadcast_to(eye, A.shape))
    return inv_ex_result(Tensor._make(inv, None, 0), Tensor._make(info, None, 0))


# ---------------------------------------------------------------------------- LU on arrays
def lu_arrays(a, pivot=True):
    """(LU, pivots, info) of a batch of m x n matrices, as LAPACK getrf: L unit lower (below the diagonal) and U
    upper packed in one matrix; 1-based int32 pivots (row i was swapped with row pivots[i] - 1); info the first
    zero pivot (1-based), 0 if none. Blocked right-looking partial pivoting; no host reads (runs on cupy)."""
    xp = gradmath.xp(a)
    shape = a.shape
    m, n = shape[-2:]
    k = min(m, n)
    bsz = math.prod(shape[:-2])
    lu = a.reshape((bsz, m, n)).copy()
    piv = xp.zeros((bsz, k), dtype=np.int32)
    info = xp.zeros((bsz,), dtype=np.int32)
    rows = xp.arange(bsz)
    for j0 in range(0, k, _NB):
        j1 = min(j0 + _NB, k)
        for j in range(j0, j1):  # the panel, one column at a time (rows are swapped across all columns)
            if pivot:
                p = xp.argmax(xp.abs(lu[:, j:, j]), axis=1) + j
                top = lu[:, j, :].copy()
                lu[:, j, :] = lu[rows, p, :]
                lu[rows, p, :] = top
                piv[:, j] = p + 1
            else:
                piv[:, j] = j + 1
            d = lu[:, j, j]
            zero = d == 0
            info = xp.where((info == 0) & zero, j + 1, info).astype(np.int32, copy=False)
            lu[:, j + 1:, j] /= xp.where(zero, 1, d)[:, None]
            if j + 1 < j1:
                lu[:, j + 1:, j + 1:j1] -= lu[:, j + 1:, j, None] * lu[:, j, None, j + 1:j1]
        if j1 < n:  # U12 = L11^-1 A12, then A22 -= L21 U12
            lu[:, j0:j1, j1:] = tri_arrays(lu[:, j0:j1, j0:j1], lu[:, j0:j1, j1:], False, True, True)
            if j1 < m:
                lu[:, j1:, j1:] -= backend.matmul(lu[:, j1:, j0:j1], lu[:, j0:j1, j1:])
    return lu.reshape(shape), piv.reshape(shape[:-2] + (k,)), info.reshape(shape[:-2])


def pivots_to_perm(piv, m):
    """The row order perm with A[perm] = L U, from LAPACK's sequential interchanges (1-based pivots)."""
    xp = gradmath.xp(piv)
    batch, k = piv.shape[:-1], piv.shape[-1]
    bsz = math.prod(batch)
    perm = xp.broadcast_to(xp.arange(m), (bsz, m)).copy()
    p = piv.reshape((bsz, k)).astype(np.int64) - 1
    rows = xp.arange(bsz)
    for j in range(k):
        pj = p[:, j]
        a = perm[:, j].copy()
        perm[:, j] = perm[rows, pj]
        perm[rows, pj] = a
    return perm.reshape(batch + (m,))


def permute_rows(x, perm):
    """x[..., perm, :] with a (batched) row order perm: arrays directly, Tensors recorded (a gather)."""
    xp = gradmath.xp(gradmath.array(perm))
    p = gradmath.array(perm)
    batch = tuple(np.broadcast_shapes(p.shape[:-1], x.shape[:-2]))
    idx = xp.broadcast_to(p[..., :, None], batch + x.shape[-2:])
    if isinstance(x, Tensor):
        if tuple(x.shape[:-2]) != batch:
            x = x.expand(batch + tuple(x.shape[-2:]))
        return gather(x, -2, Tensor._make(idx.astype(np.int64), None, 0))
    return xp.take_along_axis(xp.broadcast_to(x, idx.shape), idx, axis=-2)


def lu_solve_any(LU, perm, B, left=True, adjoint=False):
    """A^-1 B (or A^-T B, B A^-1, B A^-T) for A = P L U given as LU and its row order: arrays or Tensors."""
    if not left:  # X A = B <=> A^T X^T = B^T; X A^T = B <=> A X^T = B^T
        return gradmath.swap_last(lu_solve_any(LU, perm, gradmath.swap_last(B), True, not adjoint))
    if not adjoint:  # X = U^-1 L^-1 P^T B
        y = tri_solve(LU, permute_rows(B, perm), False, True, True)
        return tri_solve(LU, y, True)
    lut = gradmath.swap_last(LU)  # X = P L^-T U^-T B
    y = tri_solve(lut, tri_solve(lut, B, False), True, True, True)
    p = gradmath.array(perm)
    return permute_rows(y, gradmath.xp(p).argsort(p, axis=-1))


def lu_solve_arrays(lu, piv, b, left=True, adjoint=False):
    """lu_solve on arrays (pivots 1-based)."""
    return lu_solve_any(lu, pivots_to_perm(piv, lu.shape[-2]), b, left, adjoint)


def lu_solve(LU, pivots, B, *, left=True, adjoint=False):
    """The solution X of A X = B (left) or X A = B, A^T in place of A with adjoint=True, from lu_factor's output."""
    op = "linalg.lu_solve"
    check_matrix(op, LU, "LU", square=True)
    check_matrix(op, B, "B")
    check_pair(op, LU, B, ("LU", "B"))
    if not isinstance(pivots, Tensor) or pivots.dtype != dtypes.int32:
        raise TypeError(f"{op}: pivots must be an int32 tensor (as lu_factor returns), got "
                        f"{getattr(pivots, 'dtype', type(pivots).__name__)}")
    if tuple(pivots.shape) != tuple(LU.shape[:-1]):
        raise RuntimeError(f"{op}: pivots of shape {tuple(pivots.shape)} do not fit LU of shape {tuple(LU.shape)}; "
                           f"expected shape {tuple(LU.shape[:-1])}")
    if type(pivots.array) is not type(LU.array):
        raise RuntimeError(f"{op}: expected all tensors on the same device, but found LU on {LU.device} and pivots on "
                           f"{pivots.device}")
    _system_shapes(op, LU, B, left)
    perm = pivots_to_perm(pivots.array, LU.shape[-1])
    return lu_solve_any(LU, perm, B, bool(left), bool(adjoint))


# ---------------------------------------------------------------------------- cholesky_solve / cholesky_inverse
def cholesky_solve(input, input2, upper=False):
    """A^-1 B for A = L L^T (input2 the Cholesky factor L; upper=True: A = U^T U): input is B, input2 is L."""
    op = "cholesky_solve"
    check_matrix(op, input2, "L", square=True)
    check_matrix(op, input, "B")
    check_pair(op, input2, input, ("L", "B"))
    _system_shapes(op, input2, input, True)
    if upper:  # A = U^T U
        return solve_triangular(input2, solve_triangular(input2.mT, input, upper=False), upper=True)
    return solve_triangular(input2.mT, solve_triangular(input2, input, upper=False), upper=True)


def cholesky_inverse(input, upper=False):
    """The inverse of A = L L^T (upper=True: A = U^T U) from its Cholesky factor `input`."""
    check_matrix("cholesky_inverse", input, "L", square=True)
    eye = Tensor._make(input.xp.eye(input.shape[-1], dtype=input.array.dtype), None, 0)
    return cholesky_solve(eye, input, upper)


__all__ = ["cholesky_inverse", "cholesky_solve"]
METHODS = {"cholesky_solve": cholesky_solve, "cholesky_inverse": cholesky_inverse}
