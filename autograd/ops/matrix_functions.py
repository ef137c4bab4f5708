"""Matrix functions (torch.linalg's): pinv, lstsq, matrix_rank, the norms, cond, matrix_power, matrix_exp, cross,
multi_dot, vander, vecdot, tensorinv, tensorsolve; and torch's top-level pinverse, matrix_power, matrix_exp, cross,
vander."""
import collections
import math
import numbers

import numpy as np

from .. import backend, dtypes, gradmath
from .._tensor import Tensor
from ..function import Op
from . import aliases
from .decomposition import svdvals
from .join import stack
from .linalg import inverse
from .reduce import norm as _p_norm
from .shape import diagonal as _diagonal
from .solvers import _quiet, batch_shape, cat, check_dtype, check_matrix, check_pair, inv_ex, solve

_mm, _t = gradmath.matmul, gradmath.swap_last
_INF = math.inf
lstsq_result = collections.namedtuple("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])


# ---------------------------------------------------------------------------- pinv
def _tolerance(op, xp, atol, rtol, m, n, dtype):
    """(atol, rtol) as arrays of shape (..., 1) (or floats): PyTorch's rule, rtol = eps * max(m, n) when neither is
    given, and 0 when only atol is."""
    def arr(v, name):
        if v is None or isinstance(v, numbers.Real) and not isinstance(v, bool):
            return v
        if isinstance(v, Tensor):
            if gradmath.xp(v) is not xp:
                raise RuntimeError(f"{op}: {name} is on {v.device}, but A is not; move it with .to(A.device)")
            return v.array.astype(dtype, copy=False)[..., None]
        raise TypeError(f"{op}: {name} must be a float or a tensor, got {type(v).__name__}")
    a, r = arr(atol, "atol"), arr(rtol, "rtol")
    if r is None:
        eps = float(np.finfo(dtype).eps) * max(m, n)
        if a is None:
            r = eps
        elif isinstance(a, numbers.Real):
            r = 0.0 if a > 0 else eps
        else:
            r = xp.where(a > 0, 0.0, eps).astype(dtype)
    return (0.0 if a is None else a), r


def _kept(xp, s, smax, atol, rtol):
    """The mask of singular values above max(atol, rtol * smax)."""
    return s > xp.maximum(atol, rtol * smax)


def _pinv_grad(g, y, a):
    """The gradient of pinv (Golub and Pereyra's derivative, rank held fixed): -Y^T G Y^T + (I - A Y) G^T Y Y^T
    + Y^T Y G^T (I - Y A), Y = pinv(A)."""
    yt, gt = _t(y), _t(g)
    return (-_mm(_mm(yt, g), yt) + _mm(gt - _mm(a, _mm(y, gt)), _mm(y, yt))
            + _mm(_mm(yt, y), gt - _mm(_mm(gt, y), a)))


def _pinv_arrays(a, atol, rtol, hermitian):
    xp = gradmath.xp(a)
    m, n = a.shape[-2:]
    if a.size == 0:
        return xp.zeros(a.shape[:-2] + (n, m), dtype=a.dtype)
    if hermitian:
        w, v = xp.linalg.eigh(a)
        aw = xp.abs(w)
        keep = _kept(xp, aw, aw.max(axis=-1, keepdims=True), atol, rtol)
        winv = xp.where(keep, 1 / xp.where(keep, w, 1), 0)
        return backend.matmul(v * winv[..., None, :], v.swapaxes(-1, -2))
    u, s, vh = xp.linalg.svd(a, full_matrices=False)
    keep = _kept(xp, s, s[..., :1], atol, rtol)
    sinv = xp.where(keep, 1 / xp.where(keep, s, 1), 0)
    return backend.matmul(vh.swapaxes(-1, -2) * sinv[..., None, :], u.swapaxes(-1, -2))


class Pinv(Op):
    """The Moore-Penrose pseudo-inverse (singular values at or below max(atol, rtol * s_max) dropped)."""

    def forward(ctx, a, atol, rtol, hermitian):
        y = _pinv_arrays(a, atol, rtol, hermitian)
        ctx.save_for_backward(a, y)
        return y

    def backward(ctx, gy):
        a, y = ctx.saved_tensors
        return _pinv_grad(gy, y, a)


def pinv(A, *, atol=None, rtol=None, hermitian=False):
    """The pseudo-inverse of A (hermitian=True: of symmetric A, through eigh); atol/rtol as in PyTorch."""
    op = "linalg.pinv"
    check_matrix(op, A, square=bool(hermitian))
    a_tol, r_tol = _tolerance(op, A.xp, atol, rtol, A.shape[-2], A.shape[-1], A.array.dtype)
    return Pinv.apply(A, a_tol, r_tol, bool(hermitian))


def pinverse(input, rcond=1e-15):
    """The pseudo-inverse of input, singular values below rcond * the largest dropped (torch.pinverse)."""
    check_matrix("pinverse", input)
    return Pinv.apply(input, 0.0, float(rcond), False)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False):
    """The number of singular values (|eigenvalues| with hermitian=True) above max(atol, rtol * the largest)."""
    op = "linalg.matrix_rank"
    check_matrix(op, A, square=bool(hermitian))
    xp, a = A.xp, A.array
    a_tol, r_tol = _tolerance(op, xp, atol, rtol, A.shape[-2], A.shape[-1], a.dtype)
    if min(A.shape[-2:]) == 0:
        return Tensor._make(xp.zeros(A.shape[:-2], dtype=np.int64), None, 0)
    s = xp.abs(xp.linalg.eigvalsh(a)) if hermitian else xp.linalg.svd(a, compute_uv=False)
    keep = _kept(xp, s, s.max(axis=-1, keepdims=True), a_tol, r_tol)
    return Tensor._make(xp.asarray(keep.sum(axis=-1)).astype(np.int64), None, 0)


# ---------------------------------------------------------------------------- lstsq
class Lstsq(Op):
    """The minimum-norm least-squares solution X = pinv(A) B (through the SVD) and A's singular values; the
    gradient is pinv's (as PyTorch's linalg_lstsq_backward), the rank held fixed."""

    nondiff_outputs = (1,)

    def forward(ctx, a, b, rcond):
        xp = gradmath.xp(a)
        u, s, vh = xp.linalg.svd(a, full_matrices=False)
        keep = _kept(xp, s, s[..., :1], 0.0, rcond)
        sinv = xp.where(keep, 1 / xp.where(keep, s, 1), 0)
        p = backend.matmul(vh.swapaxes(-1, -2) * sinv[..., None, :], u.swapaxes(-1, -2))
        x = backend.matmul(p, b) if p.shape[:-2] == b.shape[:-2] else p @ b
        ctx.rcond = rcond
        ctx.save_for_backward(a, b, p)
        return x, s

    def backward(ctx, gx, gs):
        a, b, p = ctx.saved_tensors
        if isinstance(gx, Tensor):  # create_graph: a pinv that carries A's dependence
            p = Pinv.apply(a, 0.0, ctx.rcond, False)
        need = ctx.needs_input_grad  # a multi-output node: batch broadcasting is undone here, not by the engine
        ga = gradmath.sum_to(_pinv_grad(_mm(gx, _t(b)), p, a), a.shape) if need[0] else None
        return ga, (gradmath.sum_to(_mm(_t(p), gx), b.shape) if need[1] else None)


_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def lstsq(A, B, rcond=None, *, driver=None):
    """(solution, residuals, rank, singular_values) of min ||A X - B||: the minimum-norm solution for every driver.

    As in PyTorch: rank is computed for 'gelsy' (the CPU default), 'gelsd' and 'gelss'; singular_values for 'gelsd'
    and 'gelss'; residuals (squared, per column) when m > n, every matrix has full rank and driver != 'gelsy'; each
    is an empty tensor otherwise. On CUDA the default driver is 'gels', as in PyTorch."""
    op = "linalg.lstsq"
    check_matrix(op, A)
    check_pair(op, A, B)
    if driver is None:
        driver = "gelsy" if A.device.type == "cpu" else "gels"
    if driver not in _DRIVERS:
        raise RuntimeError(f"{op}: parameter `driver` should be one of {_DRIVERS}, got {driver!r}")
    m, n = A.shape[-2:]
    if B.ndim == 0:
        raise RuntimeError(f"{op}: B must have at least 1 dimension, got a 0-d tensor")
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    Bm = B.unsqueeze(-1) if vector else B
    if Bm.shape[-2] != m:
        raise RuntimeError(f"{op}: A and B must have the same number of rows, got shapes {tuple(A.shape)} and "
                           f"{tuple(B.shape)}")
    batch_shape(op, A.shape, Bm.shape)
    eps = float(np.finfo(A.array.dtype).eps)
    rc = eps * max(m, n) if rcond is None or rcond < 0 else float(rcond)
    X, S = Lstsq.apply(A, Bm, rcond=rc)
    xp, dt = A.xp, A.array.dtype
    rank = (S.array > rc * S.array[..., :1]).sum(axis=-1) if min(m, n) else xp.zeros(A.shape[:-2], dtype=np.int64)
    empty = Tensor._make(xp.zeros((0,), dtype=dt), None, 0)
    residuals = empty
    if m > n and driver != "gelsy" and bool((rank == n).all()):
        residuals = ((A @ X - Bm) ** 2).sum(-2)
    rank_t = Tensor._make(xp.asarray(rank).astype(np.int64), None, 0) if driver != "gels" else \
        Tensor._make(xp.zeros((0,), dtype=np.int64), None, 0)
    svals = S if driver in ("gelsd", "gelss") else empty
    return lstsq_result(X.squeeze(-1) if vector else X, residuals, rank_t, svals)


# ---------------------------------------------------------------------------- norms
def _float_input(op, x, dtype):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected a tensor, got {type(x).__name__}")
    if dtype is not None:
        x = x.to(dtype)
    if x.dtype not in dtypes.FLOATS:
        raise TypeError(f"{op}: expected a floating point tensor as input, got dtype {x.dtype}; convert with "
                        ".float() or pass dtype=")
    return x


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """The vector ord-norm over dim (all elements when None): any real ord, inf and -inf (0 counts nonzeros)."""
    op = "linalg.vector_norm"
    x = _float_input(op, x, dtype)
    if not isinstance(ord, numbers.Real) or isinstance(ord, bool):
        raise TypeError(f"{op}: ord must be a number, got {type(ord).__name__} ({ord!r})")
    if ord >= 0 or ord == -_INF:
        return _p_norm(x, float(ord), dim, bool(keepdim))
    with _quiet():  # a negative order: (sum |x|^ord)^(1/ord), 0 when an entry is 0 (as in PyTorch)
        return (x.abs() ** float(ord)).sum(dim, keepdim=bool(keepdim)) ** (1.0 / ord)


def _two_dims(op, dim, ndim):
    try:
        d0, d1 = dim
    except (TypeError, ValueError):
        raise RuntimeError(f"{op}: dim must be a 2-tuple, got {dim!r}") from None
    out = []
    for d in (d0, d1):
        d = dtypes.as_int(d, op, "dim")
        if not -ndim <= d < ndim:
            raise IndexError(f"{op}: dim {d} is out of range for a tensor of {ndim} dimensions")
        out.append(d % ndim)
    if out[0] == out[1]:
        raise RuntimeError(f"{op}: dims must be different, got {dim!r}")
    return out


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """The matrix ord-norm over the two dims: 'fro', 'nuc', inf, -inf, 1, -1, 2, -2."""
    op = "linalg.matrix_norm"
    A = _float_input(op, A, dtype)
    if A.ndim < 2:
        raise RuntimeError(f"{op}: the input tensor A must have at least 2 dimensions, got shape {tuple(A.shape)}")
    d0, d1 = _two_dims(op, dim, A.ndim)
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim)
    x = A.movedim((d0, d1), (-2, -1))
    if ord == "nuc":
        r = svdvals(x).sum(-1)
    elif ord in (2, -2) and not isinstance(ord, bool):
        s = svdvals(x)
        r = s[..., 0] if ord == 2 else s[..., -1]
    elif ord in (1, -1, _INF, -_INF) and not isinstance(ord, bool):
        c = x.abs().sum(-2 if abs(ord) == 1 else -1)
        r = c.amax(-1) if ord > 0 else c.amin(-1)
    else:
        raise RuntimeError(f"{op}: order {ord!r} is not supported; use 'fro', 'nuc', inf, -inf, 1, -1, 2 or -2")
    if keepdim:
        for d in sorted((d0, d1)):
            r = r.unsqueeze(d)
    return r


def norm(input, ord=None, dim=None, keepdim=False, *, dtype=None):
    """A vector norm (dim an int, or a 1-D input) or a matrix norm (dim a 2-tuple, or a 2-D input) of input; the
    2-norm of all elements when ord and dim are both None."""
    op = "linalg.norm"
    if dim is not None:
        dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
        if len(dims) == 1:
            return vector_norm(input, 2 if ord is None else ord, dims, keepdim, dtype=dtype)
        if len(dims) == 2:
            return matrix_norm(input, "fro" if ord is None else ord, dims, keepdim, dtype=dtype)
        raise RuntimeError(f"{op}: if dim is given it must be an int or a tuple of one or two ints, got {dim!r}")
    if ord is None:
        return vector_norm(input, 2, None, keepdim, dtype=dtype)
    if not isinstance(input, Tensor) or input.ndim not in (1, 2):
        raise RuntimeError(f"{op}: if dim is not specified but ord is, the input must be 1D or 2D, got "
                           f"{getattr(input, 'ndim', '?')}D")
    if input.ndim == 1:
        return vector_norm(input, ord, None, keepdim, dtype=dtype)
    return matrix_norm(input, ord, (-2, -1), keepdim, dtype=dtype)


def cond(A, p=None):
    """The condition number of A in the p-norm (None: 2, the ratio of extreme singular values); inf for singular
    square A with p in 'fro', 'nuc', inf, -inf, 1, -1."""
    op = "linalg.cond"
    check_matrix(op, A)
    if p is None or (p in (2, -2) and not isinstance(p, (bool, str))):
        s = svdvals(A)
        return s[..., -1] / s[..., 0] if p == -2 else s[..., 0] / s[..., -1]
    if p not in ("fro", "nuc", _INF, -_INF, 1, -1) or isinstance(p, bool):
        raise RuntimeError(f"{op} got an invalid norm type: {p!r}")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{op}(ord={p}): A must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices")
    inv, info = inv_ex(A)
    with _quiet():
        r = matrix_norm(A, p) * matrix_norm(inv, p)
    return r.where(info == 0, _INF)


# ---------------------------------------------------------------------------- matrix_power / matrix_exp
def matrix_power(input, n):
    """input @ input @ ... (n times) by repeated squaring; n = 0 gives the identity, n < 0 powers of the inverse."""
    return linalg_matrix_power(input, n)


def linalg_matrix_power(A, n):
    """A @ A @ ... (n times) by repeated squaring; n = 0 gives the identity, n < 0 powers of the inverse."""
    op = "linalg.matrix_power"
    if not isinstance(A, Tensor):
        raise TypeError(f"{op}: expected a tensor, got {type(A).__name__}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"{op}: n must be an int, got {type(n).__name__}")
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{op}: A must be batches of square matrices, got shape {tuple(A.shape)}")
    if A.dtype == dtypes.bool_:
        raise TypeError(f"{op}: not implemented for bool tensors; convert with .float() or .long() first")
    n = int(n)
    if n == 0:
        eye = A.xp.eye(A.shape[-1], dtype=A.array.dtype)
        return Tensor._make(A.xp.ascontiguousarray(A.xp.broadcast_to(eye, tuple(A.shape))), None, 0)
    if n < 0:
        check_dtype(op, A)
        A, n = inverse(A), -n
    result, base = None, A
    while n:
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    return result.clone() if result is A else result


_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0, 129060195264000.0,
           10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0, 40840800.0, 960960.0, 16380.0, 182.0, 1.0)
_THETA13 = 5.371920351148152  # the largest 1-norm for which degree-13 Pade is accurate to double precision


def _expm_arrays(a):
    """exp(a) by scaling and squaring with the [13/13] Pade approximant (Higham 2005), per matrix of a batch.

    The number of squarings is read on the host (one read on a GPU): a loop of that many matmuls follows."""
    xp = gradmath.xp(a)
    if a.size == 0:
        return a.copy()
    mm = backend.matmul
    norm1 = xp.abs(a).sum(axis=-2).max(axis=-1)
    s = xp.ceil(xp.log2(norm1 / _THETA13))
    s = xp.where(xp.isfinite(s) & (s > 0), s, 0).astype(a.dtype)
    x = a / (2.0 ** s)[..., None, None]
    b = _PADE13
    eye = xp.eye(a.shape[-1], dtype=a.dtype)
    x2 = mm(x, x)
    x4 = mm(x2, x2)
    x6 = mm(x4, x2)
    u = mm(x, mm(x6, b[13] * x6 + b[11] * x4 + b[9] * x2) + b[7] * x6 + b[5] * x4 + b[3] * x2 + b[1] * eye)
    v = mm(x6, b[12] * x6 + b[10] * x4 + b[8] * x2) + b[6] * x6 + b[4] * x4 + b[2] * x2 + b[0] * eye
    r = xp.linalg.solve(v - u, v + u)
    for i in range(int(s.max())):
        r = xp.where((s > i)[..., None, None], mm(r, r), r)
    return r


class MatrixExp(Op):
    """exp(A); gA is the upper right block of exp([[A^T, g], [0, A^T]]) (the Frechet derivative at A^T)."""

    fp_errors = True

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _expm_arrays(a)

    def backward(ctx, gy):
        (a,) = ctx.saved_tensors
        n = a.shape[-1]
        at = _t(a)
        big = cat([cat([at, gy], -1), cat([gradmath.zeros_like(at), at], -1)], -2)
        e = MatrixExp.apply(big) if isinstance(big, Tensor) else _expm_arrays(big)
        return e[..., :n, n:]


def matrix_exp(A):
    """The matrix exponential of square A (batched)."""
    check_matrix("linalg.matrix_exp", A, square=True)
    return MatrixExp.apply(A)


# ---------------------------------------------------------------------------- cross / vecdot / multi_dot
def _cross(op, input, other, dim):
    for name, t in (("input", input), ("other", other)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: expected a tensor for {name}, got {type(t).__name__}")
    if type(input.array) is not type(other.array):
        raise RuntimeError(f"{op}: expected all tensors on the same device, but found {input.device} and "
                           f"{other.device}; move one with .to(device) first")
    if input.dtype != other.dtype:
        raise RuntimeError(f"{op}: expected both inputs to have the same dtype, got {input.dtype} and {other.dtype}")
    if input.ndim != other.ndim:
        raise RuntimeError(f"{op}: inputs must have the same number of dimensions, got shapes {tuple(input.shape)} "
                           f"and {tuple(other.shape)}")
    nd = input.ndim
    if dim is None:  # torch.cross: the first dim of size 3
        dim = next((i for i in range(nd) if input.shape[i] == 3), None)
        if dim is None:
            raise RuntimeError(f"{op}: no dimension of size 3 in input of shape {tuple(input.shape)}")
    d = dtypes.as_int(dim, op, "dim")
    if not -nd <= d < nd:
        raise IndexError(f"{op}: dim {d} is out of range for tensors of {nd} dimensions")
    d %= nd
    if input.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(f"{op}: inputs dimension {dim} must have length 3, got {input.shape[d]} and "
                           f"{other.shape[d]}")
    try:
        shape = tuple(np.broadcast_shapes(tuple(input.shape), tuple(other.shape)))
    except ValueError:
        raise RuntimeError(f"{op}: shapes {tuple(input.shape)} and {tuple(other.shape)} cannot be broadcast "
                           "together") from None
    a, b = input.expand(shape), other.expand(shape)
    xp = input.xp
    i1 = Tensor._make(xp.asarray(np.array([1, 2, 0])), None, 0)
    i2 = Tensor._make(xp.asarray(np.array([2, 0, 1])), None, 0)
    return a.index_select(d, i1) * b.index_select(d, i2) - a.index_select(d, i2) * b.index_select(d, i1)


def linalg_cross(input, other, *, dim=-1):
    """The cross product of 3-vectors along dim (inputs broadcast)."""
    return _cross("linalg.cross", input, other, dim)


def cross(input, other, dim=None, *, axis=None):
    """The cross product along dim; dim=None takes the first dim of size 3 (torch.cross)."""
    if axis is not None:
        dim = aliases.dim("cross", dim, axis)
    return _cross("cross", input, other, dim)


def vecdot(x, y, *, dim=-1):
    """The dot product of vectors along dim (broadcast): (x * y).sum(dim)."""
    if not isinstance(x, Tensor) or not isinstance(y, Tensor):
        raise TypeError(f"linalg.vecdot: expected tensors, got {type(x).__name__} and {type(y).__name__}")
    return (x * y).sum(dim)


def multi_dot(tensors):
    """The product of a chain of matrices in the cheapest order (the first may be a row, the last a column vector)."""
    op = "multi_dot()"
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"{op}: expected at least 2 tensors but got {len(tensors)}")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: tensor {i} is a {type(t).__name__}, expected a Tensor")
        ends = i in (0, len(tensors) - 1)
        if not (t.ndim == 2 or (ends and t.ndim == 1)):
            want = "1D or 2D" if ends else "2D"
            raise RuntimeError(f"{op}: tensor {i} must be {want} but got {t.ndim}D")
    row, col = tensors[0].ndim == 1, tensors[-1].ndim == 1
    mats = [tensors[0].unsqueeze(0) if row else tensors[0]] + tensors[1:-1] + \
        [tensors[-1].unsqueeze(-1) if col else tensors[-1]]
    for i in range(len(mats) - 1):
        if mats[i].shape[1] != mats[i + 1].shape[0]:
            raise RuntimeError(f"{op}: tensors {i} and {i + 1} with shapes {tuple(tensors[i].shape)} and "
                               f"{tuple(tensors[i + 1].shape)} cannot be multiplied")
    dims = [m.shape[0] for m in mats] + [mats[-1].shape[1]]
    order = _chain_order(dims)
    out = _chain(mats, order, 0, len(mats) - 1)
    if row:
        out = out.squeeze(0)
    if col:
        out = out.squeeze(-1)
    return out


def _chain_order(p):
    """The split table of the optimal matrix-chain product for dimensions p (dynamic programming)."""
    n = len(p) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = math.inf
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + p[i] * p[k + 1] * p[j + 1]
                if c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def _chain(mats, split, i, j):
    if i == j:
        return mats[i]
    k = split[i][j]
    return _chain(mats, split, i, k) @ _chain(mats, split, k + 1, j)


# ---------------------------------------------------------------------------- vander / diagonal
def linalg_vander(x, N=None):
    """The Vandermonde matrix of x (..., n): columns x^0, x^1, ..., x^(N-1) (N defaults to n)."""
    op = "linalg.vander"
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected a tensor, got {type(x).__name__}")
    if x.ndim == 0:
        raise RuntimeError(f"{op}: x must have at least one dimension, got a 0-d tensor")
    N = x.shape[-1] if N is None else dtypes.as_int(N, op, "N")
    if N <= 1:
        raise RuntimeError(f"{op}: N must be greater than 1, got {N}")
    cols = [x.new_ones(tuple(x.shape)), x]
    for _ in range(N - 2):
        cols.append(cols[-1] * x)
    return stack(cols, -1)


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of 1-D x: powers decreasing left to right unless increasing=True (torch.vander)."""
    if not isinstance(x, Tensor) or x.ndim != 1:
        raise RuntimeError(f"vander: x must be a one-dimensional tensor, got "
                           f"{tuple(x.shape) if isinstance(x, Tensor) else type(x).__name__}")
    n = x.shape[0] if N is None else dtypes.as_int(N, "vander", "N")
    if n < 0:
        raise RuntimeError(f"vander: N must be non-negative, got {n}")
    if n <= 1:
        return x.new_ones((x.shape[0], n))
    v = linalg_vander(x, n)
    return v if increasing else v.flip(-1)


def linalg_diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """The diagonal of the matrices of A (dims dim1, dim2) as its last dim: a view."""
    return _diagonal(A, offset, dim1, dim2)


# ---------------------------------------------------------------------------- tensorinv / tensorsolve
def tensorinv(A, ind=2):
    """The inverse of A with respect to tensordot over ind dims: shape A.shape[ind:] + A.shape[:ind]."""
    op = "linalg.tensorinv"
    if not isinstance(A, Tensor):
        raise TypeError(f"{op}: expected a tensor, got {type(A).__name__}")
    ind = dtypes.as_int(ind, op, "ind")
    if ind <= 0:
        raise RuntimeError(f"{op}: expected a strictly positive integer for 'ind', but got {ind}")
    out, inn = tuple(A.shape[:ind]), tuple(A.shape[ind:])
    if math.prod(out) != math.prod(inn):
        raise RuntimeError(f"{op}: expected self.shape[:ind] to be equal to self.shape[ind:] in size, got shape "
                           f"{tuple(A.shape)} with ind={ind}")
    n = math.prod(out)
    check_dtype(op, A)
    return inverse(A.reshape(n, n)).reshape(inn + out)


def tensorsolve(A, B, dims=None):
    """X with tensordot(A, X, X.ndim) = B; dims moves those dims of A to the end first."""
    op = "linalg.tensorsolve"
    if not isinstance(A, Tensor):
        raise TypeError(f"{op}: expected a tensor for A, got {type(A).__name__}")
    check_pair(op, A, B)
    if dims is not None:
        dims = [d % A.ndim for d in (dims if isinstance(dims, (tuple, list)) else (dims,))]
        A = A.movedim(dims, list(range(A.ndim - len(dims), A.ndim)))
    rest = tuple(A.shape[B.ndim:])
    if tuple(A.shape[:B.ndim]) != tuple(B.shape) or math.prod(rest) != B.numel():
        raise RuntimeError(f"{op}: A of shape {tuple(A.shape)} does not fit B of shape {tuple(B.shape)}: expected "
                           "A.shape[:B.ndim] == B.shape and prod(A.shape[B.ndim:]) == B.numel()")
    n = B.numel()
    return solve(A.reshape(n, n), B.reshape(n)).reshape(rest)


__all__ = ["cross", "matrix_exp", "matrix_power", "pinverse", "vander"]
METHODS = {"pinverse": pinverse, "matrix_power": matrix_power, "matrix_exp": matrix_exp, "cross": cross}
