"""Lookup ops: embedding (rows of a weight picked by indices) and one_hot."""
import math

from .. import backend, dtypes, gradmath
from .._tensor import Tensor
from ..creation import tensor
from ..function import Op
from .coo_tensor import _make_coo
from .inplace import bump


# ---------------------------------------------------------------------------- embedding
class Embedding(Op):
    """Rows of the weight picked by integer indices; the gradient scatters back, repeated rows accumulating (or is
    a sparse COO tensor of one row per index, uncoalesced, when sparse)."""

    def forward(ctx, w, idx, padding_idx, scale_grad_by_freq, sparse=False):
        ctx.save_for_backward(idx)
        ctx.wshape = w.shape
        ctx.padding_idx = padding_idx
        ctx.scale = scale_grad_by_freq
        ctx.sparse = sparse
        return w[idx]

    def backward(ctx, gy):
        (idx,) = ctx.saved_tensors
        idx = gradmath.array(idx).reshape(-1)
        n, dim = ctx.wshape
        g2 = gradmath.reshape(gy, (idx.size, dim))
        xp = gradmath.xp(idx)
        weight = None
        if ctx.scale and ctx.sparse:
            raise RuntimeError("embedding_backward: scale_grad_by_freq not supported with sparse gradients (use "
                               "sparse=False, or scale_grad_by_freq=False)")
        if ctx.scale:
            counts = xp.bincount(idx, minlength=n)
            weight = (1.0 / counts[idx]).astype(g2.dtype)
        if ctx.padding_idx is not None and not ctx.sparse:
            keep = (idx != ctx.padding_idx).astype(g2.dtype)
            weight = keep if weight is None else weight * keep
        if weight is not None:
            g2 = g2 * weight[:, None]
        if ctx.sparse:  # the padding row's entries are left out
            if ctx.padding_idx is not None:
                keep = idx != ctx.padding_idx
                idx, g2 = idx[keep], g2[keep]
            return _make_coo(idx.reshape(1, -1), g2, ctx.wshape), None, None, None, None
        return gradmath.scatter_into(ctx.wshape, idx, g2, g2), None, None, None, None


def _renorm_rows(weight, idx, max_norm, norm_type):
    """Scale the rows of weight that idx refers to down to norm max_norm, in place (no gradient)."""
    xp = gradmath.xp(weight.array)
    rows = xp.unique(idx.reshape(-1))
    w = weight.array
    sel = w[rows]
    if norm_type == math.inf:
        norms = xp.abs(sel).max(axis=1)
    else:
        norms = (xp.abs(sel) ** norm_type).sum(axis=1) ** (1.0 / norm_type)
    scale = xp.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(w.dtype)
    w[rows] = sel * scale[:, None]
    bump(weight)


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """weight[input]: the rows of weight at the integer indices in input (any shape); output (*input.shape, dim).

    padding_idx's row gets no gradient; max_norm renormalizes the looked-up rows of weight in place;
    scale_grad_by_freq divides each row's gradient by its count in the batch. sparse=True makes weight's gradient a
    sparse COO tensor (one row per looked-up index, uncoalesced), for optim.SGD and optim.SparseAdam.
    """
    if not isinstance(weight, Tensor):
        raise TypeError(f"embedding: weight must be a tensor, got {type(weight).__name__}")
    if weight.ndim != 2:
        raise RuntimeError(f"embedding: weight must be 2-D (num_embeddings, embedding_dim), got shape "
                           f"{tuple(weight.shape)}")
    idx = input.array if isinstance(input, Tensor) else input
    if not hasattr(idx, "dtype"):
        idx = tensor(input, device=weight.device).array
    if idx.dtype not in dtypes.INTEGERS:
        raise RuntimeError(f"embedding: expected an integer index tensor (int64 or int32), got dtype {idx.dtype}; "
                           "convert with .long()")
    if backend.device_of(idx) != weight.device:
        raise RuntimeError(f"embedding: indices on {backend.device_of(idx)} but weight on {weight.device}; move "
                           "the indices with .to(device) first")
    n = weight.shape[0]
    if idx.size and backend.bad_now((idx < 0) | (idx >= n), IndexError,  # queued on a GPU (no host sync)
                                    f"embedding: an index is out of range for an embedding of {n} rows (weight "
                                    f"shape {tuple(weight.shape)}); valid indices are 0..{n - 1}"):
        lo, hi = int(idx.min()), int(idx.max())
        if lo < 0 or hi >= n:
            bad = lo if lo < 0 else hi
            raise IndexError(f"embedding: index {bad} is out of range for an embedding of {n} rows "
                             f"(weight shape {tuple(weight.shape)}); valid indices are 0..{n - 1}")
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise ValueError(f"embedding: padding_idx {padding_idx} must be within num_embeddings ({n})")
        padding_idx %= n
    if max_norm is not None:
        _renorm_rows(weight, idx, max_norm, norm_type)
    return Embedding.apply(weight, idx, padding_idx, bool(scale_grad_by_freq), bool(sparse))


def one_hot(tensor, num_classes=-1):
    """An int64 tensor of shape (*tensor.shape, num_classes) with a 1 at each index of `tensor`."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"one_hot: expected a tensor, got {type(tensor).__name__}")
    idx = tensor.array
    if idx.dtype not in dtypes.INTEGERS:
        raise RuntimeError(f"one_hot: expected an integer (int64) tensor, got dtype {idx.dtype}; use .long()")
    xp = gradmath.xp(idx)
    if num_classes == -1:
        if idx.size == 0:
            raise RuntimeError("one_hot: cannot infer num_classes from an empty tensor; pass num_classes")
        num_classes = int(idx.max()) + 1
    if idx.size:
        lo, hi = int(idx.min()), int(idx.max())
        if lo < 0:
            raise RuntimeError(f"one_hot: class values must be non-negative, got {lo}")
        if hi >= num_classes:
            raise RuntimeError(f"one_hot: class value {hi} is out of range for num_classes={num_classes}")
    flat = idx.reshape(-1).astype(dtypes.int64)
    out = xp.zeros(flat.size * num_classes, dtype=dtypes.int64)
    out[xp.arange(flat.size) * num_classes + flat] = 1
    return Tensor._make(out.reshape(idx.shape + (num_classes,)), None, 0)


__all__ = ["embedding", "one_hot"]
METHODS = {}
