"""autograd.sparse: torch.sparse's functions on sparse COO tensors (mm, addmm, sum, softmax, log_softmax)."""
from ._tensor import Tensor
from .ops.arith import add, mul
from .ops.index import index_add
from .ops.coo_tensor import SparseCooTensor, _need_sparse, coalesce, sparse_mm, sparse_sum, values


def mm(mat1, mat2, reduce="sum"):
    """sparse (n, m) @ dense (m, k) -> dense, with gradients to both (the sparse one at its pattern); two dense
    matrices multiply as torch.mm."""
    if reduce != "sum":
        raise RuntimeError(f"sparse.mm: reduce={reduce!r} is not supported by tapegrad; only 'sum'")
    if isinstance(mat1, Tensor) and not mat1.is_sparse:
        return mat1.mm(mat2)
    return sparse_mm(mat1, mat2, "sparse.mm")


def addmm(mat, mat1, mat2, *, beta=1.0, alpha=1.0):
    """beta * mat + alpha * (mat1 @ mat2) with mat1 sparse and mat, mat2 dense."""
    return add(mul(mat, beta), mul(mm(mat1, mat2), alpha))


def sum(input, dim=None, dtype=None):  # noqa: A001  (torch.sparse.sum)
    """The sum of a sparse tensor over all dims (a dense 0-d tensor) or over `dim` (sparse while sparse dims are
    left, else dense)."""
    return sparse_sum(input, dim, dtype)


def _masked(input, dim, dtype, log, op):
    """softmax (or log_softmax) along sparse dim `dim` over the specified entries only (the others count as -inf),
    keeping the pattern: entries that share their other indices form one group."""
    a = _need_sparse(input, op)
    if a.ndim != a.sparse_dim:
        raise RuntimeError(f"{op}: tensors with dense dims are not supported by tapegrad (shape {a.shape}, "
                           f"{a.sparse_dim} sparse dims)")
    if not -a.ndim <= dim < a.ndim:
        raise IndexError(f"{op}: Dimension out of range (expected to be in range of [{-a.ndim}, {a.ndim - 1}], but "
                         f"got {dim})")
    dim %= a.ndim
    c = coalesce(input if dtype is None else input.to(dtype))
    idx = c.array.indices
    xp = c.array.xp
    keys = xp.zeros(idx.shape[1], dtype=idx.dtype)
    for d in range(a.ndim):
        if d != dim:
            keys = keys * a.shape[d] + idx[d]
    _, group = xp.unique(keys, return_inverse=True)
    group = group.reshape(-1)
    v = values(c)
    n = int(group.max()) + 1 if group.size else 0
    # each group's largest value (a constant shift, for stability), through a (groups, width) table padded with -inf
    order = xp.argsort(group, kind="stable")
    counts = xp.bincount(group, minlength=n)
    slot = xp.arange(group.shape[0]) - (xp.cumsum(counts) - counts)[group[order]]
    table = xp.full((n, int(counts.max()) if n else 0), -xp.inf, dtype=v.dtype)
    table[group[order], slot] = v.array[order]
    shifted = v - Tensor._make(table.max(axis=1)[group], None, 0)
    e = shifted.exp()
    total = index_add(e.new_zeros(n), 0, Tensor._make(group, None, 0), e)[group]
    out = shifted - total.log() if log else e / total
    return SparseCooTensor.apply(out, idx, a.shape, True)


def softmax(input, dim, *, dtype=None):
    """Softmax along `dim` over the specified entries of a sparse tensor (unspecified ones count as -inf); the
    result has input's pattern."""
    return _masked(input, dim, dtype, False, "sparse.softmax")


def log_softmax(input, dim, *, dtype=None):
    """log_softmax along `dim` over the specified entries of a sparse tensor; the result has input's pattern."""
    return _masked(input, dim, dtype, True, "sparse.log_softmax")


__all__ = ["mm", "addmm", "sum", "softmax", "log_softmax"]
