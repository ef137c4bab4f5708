"""LDL^T factorisation with Bunch-Kaufman pivoting (LAPACK sytrf/sytrs through scipy), as torch.linalg's ldl_*.

PyTorch defines no derivative for these: their outputs take part in the graph, and backward through them raises.
They run on the CPU (scipy's LAPACK); a tensor on another device is refused with a clear error.
"""
import collections

import numpy as np
from scipy.linalg import lapack

from .._tensor import Tensor
from ..function import Op
from .solvers import LinAlgError, check_matrix

ldl_factor_result = collections.namedtuple("linalg_ldl_factor", ["LD", "pivots"])
ldl_factor_ex_result = collections.namedtuple("linalg_ldl_factor_ex", ["LD", "pivots", "info"])


def _lapack(name, dtype):
    return getattr(lapack, {np.dtype(np.float32): "s", np.dtype(np.float64): "d"}[np.dtype(dtype)] + name)


def _no_derivative(op):
    raise RuntimeError(f"{op}: the derivative is not implemented (as in PyTorch); compute what you need from a "
                       "differentiable factorisation such as linalg.cholesky, linalg.lu_factor or linalg.solve")


class LdlFactor(Op):
    """(LD, pivots, info) per matrix of the batch: the lower triangle of sytrf's output, its 1-based pivots."""

    nondiff_outputs = (1, 2)

    def forward(ctx, a):
        sytrf = _lapack("sytrf", a.dtype)
        batch = a.reshape((-1,) + a.shape[-2:])
        ld, piv, info = np.empty_like(batch), np.empty(batch.shape[:-1], np.int32), np.empty(len(batch), np.int32)
        for i, m in enumerate(batch):
            out, ipiv, info[i] = sytrf(m, lower=1)
            ld[i], piv[i] = np.tril(out), ipiv
        return ld.reshape(a.shape), piv.reshape(a.shape[:-1]), info.reshape(a.shape[:-2])

    def backward(ctx, gld, gpiv, ginfo):
        _no_derivative("linalg.ldl_factor")


class LdlSolve(Op):
    """X with A X = B from ldl_factor's LD and pivots (sytrs), batched over broadcast leading dims."""

    def forward(ctx, ld, piv, b):
        sytrs = _lapack("sytrs", ld.dtype)
        lead = np.broadcast_shapes(ld.shape[:-2], b.shape[:-2])
        lds = np.broadcast_to(ld, lead + ld.shape[-2:]).reshape((-1,) + ld.shape[-2:])
        pivs = np.broadcast_to(piv, lead + piv.shape[-1:]).reshape((-1,) + piv.shape[-1:])
        bs = np.broadcast_to(b, lead + b.shape[-2:]).reshape((-1,) + b.shape[-2:])
        x = np.empty(bs.shape, np.result_type(ld, b))
        for i in range(len(bs)):
            x[i], _ = sytrs(lds[i], pivs[i], bs[i], lower=1)
        return x.reshape(lead + b.shape[-2:])

    def backward(ctx, gx):
        _no_derivative("linalg.ldl_solve")


def _on_cpu(op, *tensors):
    for t in tensors:
        if t.device.type != "cpu":
            raise RuntimeError(f"{op}: runs on the CPU only in tapegrad (LAPACK's sytrf through scipy), got a tensor "
                               f"on {t.device}; move it with .cpu() first")


def _check_hermitian(op, hermitian):
    if not isinstance(hermitian, bool):
        raise TypeError(f"{op}: hermitian must be a bool, got {type(hermitian).__name__}")


def ldl_factor_ex(A, *, hermitian=False, check_errors=False):
    """(LD, pivots, info) of A = P L D L^T P^T for symmetric A (its lower triangle is read); info > 0: D singular."""
    op = "linalg.ldl_factor_ex"
    check_matrix(op, A, square=True)
    _check_hermitian(op, hermitian)
    _on_cpu(op, A)
    LD, piv, info = LdlFactor.apply(A)
    if check_errors and (info.array != 0).any():
        raise LinAlgError(f"{op}: the factorization could not be completed: D has a zero on its diagonal "
                          f"(info = {int(info.array.reshape(-1)[(info.array.reshape(-1) != 0).argmax()])})")
    return ldl_factor_ex_result(LD, piv, info)


def ldl_factor(A, *, hermitian=False):
    """(LD, pivots) of A = P L D L^T P^T for symmetric A (Bunch-Kaufman), in LAPACK's compact form."""
    LD, piv, _ = ldl_factor_ex(A, hermitian=hermitian)
    return ldl_factor_result(LD, piv)


def ldl_solve(LD, pivots, B, *, hermitian=False):
    """X with A X = B, from the (LD, pivots) that ldl_factor gave for A."""
    op = "linalg.ldl_solve"
    check_matrix(op, LD, "LD", square=True)
    check_matrix(op, B, "B")
    _check_hermitian(op, hermitian)
    if not isinstance(pivots, Tensor) or pivots.dtype.kind != "i":
        raise TypeError(f"{op}: pivots must be an integer tensor (from linalg.ldl_factor), got "
                        f"{pivots.dtype if isinstance(pivots, Tensor) else type(pivots).__name__}")
    if tuple(pivots.shape) != tuple(LD.shape[:-1]):
        raise RuntimeError(f"{op}: pivots must have shape {tuple(LD.shape[:-1])} (LD's without the last dim), got "
                           f"{tuple(pivots.shape)}")
    if B.shape[-2] != LD.shape[-1]:
        raise RuntimeError(f"{op}: B must have {LD.shape[-1]} rows to match LD ({LD.shape[-2]} by {LD.shape[-1]}), "
                           f"got shape {tuple(B.shape)}")
    _on_cpu(op, LD, pivots, B)
    if LD.dtype != B.dtype:
        raise RuntimeError(f"{op}: LD and B must have the same dtype, got {LD.dtype} and {B.dtype}")
    return LdlSolve.apply(LD, pivots, B)


__all__ = []
METHODS = {}
