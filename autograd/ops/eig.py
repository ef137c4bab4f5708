"""linalg.eig and linalg.eigvals: eigendecompositions of general square matrices (complex), PyTorch's gradient."""
import collections

from .. import backend, dtypes, gradmath
from .._tensor import Tensor
from ..function import Op
from .linalg import Inverse

eig_result = collections.namedtuple("linalg_eig", ["eigenvalues", "eigenvectors"])
_LAPACK = (dtypes.float32, dtypes.float64, dtypes.complex64, dtypes.complex128)
_GAUGE = ("linalg.eig backward: the eigenvectors of a complex eigendecomposition are only defined up to a phase "
          "(a factor e^(i phi)), and the loss depends on it, so its gradient is ill-defined; make the loss "
          "independent of the phase (e.g. use abs() of the eigenvectors)")


def _inv(x):
    return Inverse.apply(x) if isinstance(x, Tensor) else gradmath.xp(x).linalg.inv(x)


class Eig(Op):
    """(L, V) with A V = V diag(L), V's columns of unit norm; backward as PyTorch's linalg_eig_backward."""

    complex_ok = True

    def forward(ctx, a):
        xp = gradmath.xp(a)
        with backend.linalg_errors(xp):
            lam, vec = xp.linalg.eig(a)
        cd = dtypes.to_complex(a.dtype)  # numpy gives real arrays when every eigenvalue is real
        lam, vec = lam.astype(cd, copy=False), vec.astype(cd, copy=False)
        ctx.save_for_backward(lam, vec)
        return lam, vec

    def backward(ctx, gl, gv):
        lam, vec = ctx.saved_tensors
        vh = gradmath.swap_last(gradmath.conj(vec))
        vhgv = gradmath.matmul(vh, gv)
        d = vhgv.diagonal(0, -2, -1)
        backend.check_later(abs(gradmath.array(d).imag) > 1e-2 * (1 + abs(gradmath.array(d).real)), RuntimeError,
                            _GAUGE)
        vhgv = vhgv - gradmath.matmul(vh, vec * gradmath.expand_dims(gradmath.real(d), (d.ndim - 1,)))
        n = lam.shape[-1]
        eye = gradmath.xp(gradmath.array(lam)).eye(n, dtype=bool)
        lc = gradmath.conj(lam)
        e = gradmath.expand_dims(lc, (lc.ndim - 1,)) - gradmath.expand_dims(lc, (lc.ndim,))  # conj(L_j - L_i)
        ret = gradmath.mask(vhgv / gradmath.where(eye, 1.0, e), ~eye)
        ret = ret + gradmath.expand_dims(gl, (gl.ndim,)) * eye  # gL on the diagonal
        return gradmath.matmul(_inv(vh), gradmath.matmul(ret, vh))


def _check(op, A):
    if not isinstance(A, Tensor):
        raise TypeError(f"{op}: expected a tensor for A, got {type(A).__name__}")
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{op}: A must be batches of square matrices, got shape {tuple(A.shape)}")
    if A.dtype not in _LAPACK:
        raise TypeError(f"{op}: expected a float or complex tensor (float32, float64, complex64, complex128) as A, "
                        f"got dtype {A.dtype}; convert with .float() first")
    if not hasattr(A.xp.linalg, "eig"):
        raise RuntimeError(f"{op}: this array library ({A.xp.__name__}) has no general eigensolver; compute it on "
                           "the CPU (A.cpu()) and move the result back")


def eig(A):
    """(eigenvalues, eigenvectors) of a general square matrix, complex, as torch.linalg.eig (unit-norm columns)."""
    _check("linalg.eig", A)
    return eig_result(*Eig.apply(A))


def eigvals(A):
    """The (complex) eigenvalues of a general square matrix."""
    _check("linalg.eigvals", A)
    return Eig.apply(A)[0]


__all__ = []  # public through autograd.linalg
METHODS = {}
