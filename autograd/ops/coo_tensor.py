"""Sparse COO tensors: sparse_coo_tensor, to_sparse/to_dense, coalesce, indices/values and sparse @ dense."""
import operator

import numpy as np

from .. import backend, gradmath
from .. import coo_array as coo
from .._tensor import Tensor
from ..coo_array import SparseCOO
from ..creation import tensor
from ..function import Op


def _need_sparse(t, op):
    """t's SparseCOO array, or torch's RuntimeError for a dense tensor."""
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}: expected a tensor, got {type(t).__name__}")
    if t.array.__class__ is not SparseCOO:
        raise RuntimeError(f"{op} expected sparse coordinate tensor layout but got Strided (a dense tensor of shape "
                           f"{tuple(t.shape)}); make it sparse with .to_sparse() first")
    return t.array


# ---------------------------------------------------------------------------- the primitives (duck-typed helpers)
# Each helper takes arrays (plain backward) or Tensors (create_graph), so that every backward below is written once.
def _make_coo(indices, values, shape, coalesced=False):
    if isinstance(values, Tensor):
        return SparseCooTensor.apply(values, indices, tuple(shape), coalesced)
    return SparseCOO(indices, values, shape, coalesced)


def _gather(g, indices):
    if isinstance(g, Tensor):
        return Gather.apply(g, indices) if g.array.__class__ is SparseCOO else g[tuple(indices)]
    return coo.gather(g, indices)


def _spmm(a, x):
    return SparseMm.apply(a, x) if isinstance(a, Tensor) else coo.csr_matmul(a, x)


def _transpose(a):
    return a.t() if isinstance(a, Tensor) else a.transpose()


class SparseCooTensor(Op):
    """A sparse COO tensor of the given indices and values; the values' gradient is the sparse gradient at each of
    their indices (0 where it has no entry)."""

    display = "SparseCooTensorWithDimsAndTensors"

    def forward(ctx, values, indices, shape, coalesced):
        ctx.indices = indices
        return SparseCOO(indices, values, shape, coalesced)

    def backward(ctx, g):
        return _gather(g, ctx.indices), None, None, None


class Gather(Op):
    """The entries of a sparse tensor at given indices (0 where it has none): the backward of SparseCooTensor."""

    def forward(ctx, a, indices):
        ctx.indices = indices
        ctx.shape = a.shape
        return coo.gather(a, indices)

    def backward(ctx, gy):
        return _make_coo(ctx.indices, gy, ctx.shape), None


class ToDense(Op):
    """The dense tensor of a sparse one; its gradient is the dense gradient at the (coalesced) nonzero pattern."""

    def forward(ctx, a):
        ctx.pattern = coo.coalesce(a).indices
        ctx.shape = a.shape
        return coo.to_dense(a)

    def backward(ctx, gy):
        return _make_coo(ctx.pattern, gy[tuple(ctx.pattern)], ctx.shape, True)


class Coalesce(Op):
    """Sorted, unique indices with repeated entries summed; the gradient passes through unchanged."""

    def forward(ctx, a):
        return coo.coalesce(a)

    def backward(ctx, g):
        return g


class Values(Op):
    """The values of a coalesced sparse tensor; the gradient is sparse on its pattern."""

    def forward(ctx, a):
        ctx.indices, ctx.shape = a.indices, a.shape
        return a.values

    def backward(ctx, gy):
        return _make_coo(ctx.indices, gy, ctx.shape, True)


class SparseMm(Op):
    """sparse (n, m) @ dense (m,) or (m, k): gradients to the dense operand and to the sparse one at its pattern."""

    display = "Mm"

    def forward(ctx, a, x):
        ctx.save_for_backward(a, x)  # the input itself, so that create_graph sees it as a Tensor
        a = coo.coalesce(a)
        ctx.pattern, ctx.shape = a.indices, a.shape
        return coo.csr_matmul(a, x)

    def backward(ctx, gy):
        a, x = ctx.saved_tensors
        ga = gx = None
        if ctx.needs_input_grad[0]:
            ga = _make_coo(ctx.pattern, _sampled_dot(gy, x, ctx.pattern), ctx.shape, True)
        if ctx.needs_input_grad[1]:
            gx = _spmm(_transpose(a), gy)
        return ga, gx


def _sampled_dot(gy, x, pattern):
    """(gy @ x.T) at the pattern's (row, col) pairs, without forming the product."""
    prod = gy[pattern[0]] * x[pattern[1]]
    return prod if gy.ndim == 1 else gradmath.sum(prod, axis=-1)


# ---------------------------------------------------------------------------- construction
def _as_index_array(indices, device):
    if isinstance(indices, Tensor):
        arr = indices.array
    else:
        arr = tensor(indices, device=device).array
    if arr.dtype.kind not in "iuf":
        raise RuntimeError(f"sparse_coo_tensor: indices must be an integer tensor, got dtype {arr.dtype}; convert "
                           "them with .long()")
    return arr if arr.dtype == np.int64 else arr.astype(np.int64)


def _check_indices(idx, sizes, op):
    """Every index within 0..size-1 of its dim (one host sync on a GPU, as embedding's check)."""
    if not idx.size:
        return
    xp = backend.array_module(idx)
    lo, hi = idx.min(axis=1), idx.max(axis=1)
    bad = xp.concatenate([lo < 0, hi >= xp.asarray(sizes, dtype=np.int64)])
    if backend.bad_now(bad, RuntimeError, f"{op}: an index is out of range of the size {tuple(sizes)}"):
        lo, hi = backend.to_device(lo, "cpu").tolist(), backend.to_device(hi, "cpu").tolist()
        for d, (a, b, n) in enumerate(zip(lo, hi, sizes)):
            if a < 0:
                raise RuntimeError(f"{op}: found negative index {a} for dim {d}; indices must be in 0..size-1")
            if b >= n:
                raise RuntimeError(f"{op}: size is inconsistent with indices: for dim {d}, size is {n} but found "
                                   f"index {b}")


def sparse_coo_tensor(indices, values, size=None, *, dtype=None, device=None, pin_memory=False, requires_grad=False,
                      check_invariants=None, is_coalesced=None):
    """A sparse COO tensor with values[k] at index column indices[:, k] (repeated indices add up).

    indices: (sparse_dim, nnz) integers; values: (nnz, *dense dims); size: the full shape (inferred from the
    largest indices when None). Differentiable in values (their gradient is the sparse gradient at their indices).
    Indices are checked against size unless check_invariants=False (PyTorch checks only when asked).
    """
    if isinstance(values, Tensor):
        v = values if dtype is None or np.dtype(dtype) == values.dtype else values.to(dtype)
        if device is not None and v.device != backend.device(device):
            v = v.to(device)
    else:
        v = tensor(values, dtype=dtype, device=device)
    idx = _as_index_array(indices, v.device)
    if backend.device_of(idx) != v.device:
        raise RuntimeError(f"sparse_coo_tensor: indices are on {backend.device_of(idx)} but values on {v.device}; "
                           "move them to one device")
    if idx.ndim != 2:
        raise RuntimeError(f"sparse_coo_tensor: indices must be 2-D (sparse_dim, nnz), got shape {tuple(idx.shape)}; "
                           "a 1-D tensor of n indices is indices.unsqueeze(0)")
    if v.ndim == 0:
        raise RuntimeError("sparse_coo_tensor: values must have at least one dim (nnz, *dense dims), got a 0-d tensor")
    nnz = idx.shape[1]
    if v.shape[0] != nnz:
        raise RuntimeError(f"sparse_coo_tensor: indices and values must have same nnz, but got nnz from indices: "
                           f"{nnz}, nnz from values: {v.shape[0]}")
    sparse_dim = idx.shape[0]
    if size is None:
        hi = backend.to_device(idx.max(axis=1), "cpu").tolist() if nnz else [0] * sparse_dim
        shape = tuple(int(h) + 1 if nnz else 0 for h in hi) + tuple(v.shape[1:])
        if nnz and backend.to_device(idx.min(), "cpu") < 0:
            raise RuntimeError("sparse_coo_tensor: found a negative index; indices must be non-negative")
    else:
        shape = tuple(operator.index(n) for n in size)
        if len(shape) != sparse_dim + v.ndim - 1:
            raise RuntimeError(f"sparse_coo_tensor: 'len(size) == sparse_dim + dense_dim' is not satisfied: "
                               f"len(size) = {len(shape)}, sparse_dim = {sparse_dim}, dense_dim = {v.ndim - 1}")
        if tuple(shape[sparse_dim:]) != tuple(v.shape[1:]):
            raise RuntimeError(f"sparse_coo_tensor: values have dense dims {tuple(v.shape[1:])} but size {shape} "
                               f"has {tuple(shape[sparse_dim:])} after its {sparse_dim} sparse dims")
        if check_invariants is not False:
            _check_indices(idx, shape[:sparse_dim], "sparse_coo_tensor")
    out = SparseCooTensor.apply(v, idx, shape, bool(is_coalesced))
    if requires_grad:
        if out.grad_fn is not None:
            raise RuntimeError("sparse_coo_tensor: requires_grad=True makes a leaf, but values already require grad; "
                               "pass values.detach() or leave requires_grad=False")
        out.requires_grad_(True)
    return out


# ---------------------------------------------------------------------------- conversions and attributes
def to_dense(self, dtype=None, *, masked_grad=True):
    """The dense tensor (repeated indices summed); a dense tensor itself, or a copy in `dtype`."""
    if self.array.__class__ is not SparseCOO:
        return self if dtype is None or np.dtype(dtype) == self.dtype else self.to(dtype)
    out = ToDense.apply(self)
    return out if dtype is None or np.dtype(dtype) == out.dtype else out.to(dtype)


def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
    """A sparse COO tensor of the nonzero entries (over the first sparse_dim dims, all by default); differentiable,
    the gradient reaching only the nonzero entries."""
    if layout is not None and getattr(layout, "name", layout) != "sparse_coo":
        raise RuntimeError(f"to_sparse: only layout=torch.sparse_coo is supported, got {layout}")
    if blocksize is not None or dense_dim is not None:
        raise RuntimeError("to_sparse: blocksize and dense_dim are for compressed layouts, which tapegrad lacks")
    if self.array.__class__ is SparseCOO:
        if sparse_dim is not None and sparse_dim != self.array.sparse_dim:
            raise RuntimeError("to_sparse: conversion from Sparse to Sparse with sparse_dim argument != "
                               f"self.sparse_dim() is not supported (sparse_dim={sparse_dim}, tensor has "
                               f"{self.array.sparse_dim})")
        return self
    n = self.ndim if sparse_dim is None else operator.index(sparse_dim)
    if not 0 <= n <= self.ndim:
        raise RuntimeError(f"to_sparse: sparse_dim argument must be in [0,{self.ndim}] range, but {n} is given")
    if n == 0 and self.ndim:
        raise RuntimeError("to_sparse: sparse_dim argument must be in >0 when self.dim()>0 (got sparse_dim=0 for a "
                           f"tensor of shape {tuple(self.shape)})")
    x = self.array
    xp = backend.array_module(x)
    nonzero = x != 0
    if x.ndim > n:
        nonzero = nonzero.reshape(x.shape[:n] + (-1,)).any(axis=-1)
    idx = xp.stack(xp.nonzero(nonzero)).astype(np.int64)
    values = self[tuple(idx)]
    return SparseCooTensor.apply(values, idx, tuple(self.shape), True)


def to_sparse_coo(self):
    """to_sparse() (the COO layout)."""
    return to_sparse(self)


def coalesce(self):
    """A sparse tensor with sorted, unique indices, repeated entries summed (self when already coalesced)."""
    a = _need_sparse(self, "coalesce")
    return self if a.coalesced else Coalesce.apply(self)


def is_coalesced(self):
    """True when the indices are known to be sorted and unique."""
    return _need_sparse(self, "is_coalesced").coalesced


def _coalesced(self, op):
    a = _need_sparse(self, op)
    if not a.coalesced:
        raise RuntimeError(f"Cannot get {op} on an uncoalesced tensor, please call .coalesce() first")
    return a


def indices(self):
    """The (sparse_dim, nnz) int64 indices of a coalesced sparse tensor."""
    return Tensor._make(_coalesced(self, "indices").indices, None, 0)


def values(self):
    """The (nnz, *dense dims) values of a coalesced sparse tensor; differentiable."""
    _coalesced(self, "values")
    return Values.apply(self)


def _indices(self):
    """The indices, coalesced or not."""
    return Tensor._make(_need_sparse(self, "_indices").indices, None, 0)


def _values(self):
    """The values, coalesced or not (not differentiable, as PyTorch's)."""
    return Tensor._make(_need_sparse(self, "_values").values, None, 0)


def _nnz(self):
    """The number of specified entries (repeated indices count separately)."""
    if self.array.__class__ is not SparseCOO:
        raise NotImplementedError("_nnz: not available for a dense tensor (layout torch.strided)")
    return self.array.nnz


def sparse_dim(self):
    """The number of sparse dims (0 for a dense tensor)."""
    return self.array.sparse_dim if self.array.__class__ is SparseCOO else 0


def dense_dim(self):
    """The number of dense dims of a sparse tensor (ndim for a dense tensor)."""
    return self.ndim - self.array.sparse_dim if self.array.__class__ is SparseCOO else self.ndim


# ---------------------------------------------------------------------------- products
def sparse_mm(sparse, dense, op="mm"):
    """sparse (n, m) @ dense (m, k) or (m,) -> dense, differentiable in both (the sparse one at its pattern)."""
    a = _need_sparse(sparse, op)
    if not isinstance(dense, Tensor):
        raise TypeError(f"{op}: expected a tensor as the second operand, got {type(dense).__name__}")
    if dense.array.__class__ is SparseCOO:
        raise NotImplementedError(f"{op}: sparse @ sparse is not supported in tapegrad; convert one operand with "
                                  ".to_dense()")
    if a.ndim != 2 or a.sparse_dim != 2:
        raise RuntimeError(f"{op}: the sparse operand must be 2-D with no dense dims (scalar values expected), got "
                           f"shape {a.shape} with {a.ndim - a.sparse_dim} dense dims")
    if dense.ndim not in (1, 2) or dense.shape[0] != a.shape[1]:
        raise RuntimeError(f"{op}: shapes {a.shape} (sparse) and {tuple(dense.shape)} cannot be multiplied "
                           f"({a.shape[1]} != {dense.shape[0] if dense.ndim else '0-d'}); the dense operand must be "
                           f"({a.shape[1]}, k) or ({a.shape[1]},)")
    if a.dtype != dense.dtype:
        raise RuntimeError(f"{op}: expected scalar type {a.dtype} but found {dense.dtype} (sparse {a.dtype}, dense "
                           f"{dense.dtype}); cast one operand")
    if sparse.device != dense.device:
        raise RuntimeError(f"{op}: the sparse operand is on {sparse.device} but the dense one on {dense.device}; "
                           "move them to one device")
    return SparseMm.apply(sparse, dense)


def dense_sparse_mm(dense, sparse, op="mm"):
    """dense (k, n) @ sparse (n, m) -> dense (k, m), as (sparse.T @ dense.T).T."""
    if dense.ndim != 2:
        raise RuntimeError(f"{op}: expected a 2-D dense operand, got shape {tuple(dense.shape)}")
    return sparse_mm(sparse.t() if _need_sparse(sparse, op).ndim == 2 else sparse, dense.t(), op).t()


def spmm(input, mat2):
    """sparse @ dense (as torch.spmm; dense @ dense too)."""
    if isinstance(input, Tensor) and input.array.__class__ is not SparseCOO:
        return input.mm(mat2)
    return sparse_mm(input, mat2, "spmm")


# ---------------------------------------------------------------------------- reductions
def sparse_sum(input, dim=None, dtype=None):
    """The sum of a sparse tensor: dense for all dims (or all sparse dims), else sparse over the dims left."""
    a = _need_sparse(input, "sparse.sum")
    x = input if dtype is None or np.dtype(dtype) == input.dtype else input.to(dtype)
    if dim is None:
        return values(coalesce(x)).sum()
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    nd = a.ndim
    norm = []
    for d in dims:
        if not -nd <= d < nd:
            raise IndexError(f"sparse.sum: Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but "
                             f"got {d})")
        d %= nd
        if d in norm:
            raise RuntimeError(f"sparse.sum: dim {d} appears multiple times in the list of dims")
        norm.append(d)
    sd = a.sparse_dim
    sparse_dims = [d for d in norm if d < sd]
    dense_axes = tuple(d - sd + 1 for d in norm if d >= sd)
    c = coalesce(x)
    vals = values(c)
    if dense_axes:
        vals = vals.sum(dense_axes)
    keep = [d for d in range(sd) if d not in sparse_dims]
    kept_dense = [n for d, n in enumerate(a.shape[sd:], sd) if d not in norm]
    if not keep:
        return vals.sum(0)
    if not sparse_dims and not dense_axes:
        return c
    idx = c.array.indices[keep]
    shape = tuple(a.shape[d] for d in keep) + tuple(kept_dense)
    return coalesce(SparseCooTensor.apply(vals, idx, shape, False))


__all__ = ["sparse_coo_tensor", "spmm"]
METHODS = {"to_dense": to_dense, "to_sparse": to_sparse, "to_sparse_coo": to_sparse_coo, "coalesce": coalesce,
           "is_coalesced": is_coalesced, "indices": indices, "values": values, "_indices": _indices,
           "_values": _values, "_nnz": _nnz, "sparse_dim": sparse_dim, "dense_dim": dense_dim}
