"""Lookup and affine ops of the nn layers: linear, bilinear, embedding, one_hot."""
import math

import numpy as np

from .. import backend, dtypes, gradmath
from .._tensor import Tensor
from ..creation import tensor
from ..function import Op
from .inplace import bump


def _check_pair(op, x, w, what="weight"):
    if not isinstance(x, Tensor) or not isinstance(w, Tensor):
        raise TypeError(f"{op}: expected tensors for input and {what}, got {type(x).__name__} and "
                        f"{type(w).__name__}")
    if type(x.array) is not type(w.array):
        raise RuntimeError(f"{op}: expected all tensors on the same device, but found input on {x.device} and "
                           f"{what} on {w.device}; move one with .to(device) first")
    if x.dtype != w.dtype:
        raise RuntimeError(f"{op}: expected input and {what} to have the same dtype, but got {x.dtype} and "
                           f"{w.dtype}; convert one with .to(dtype) (e.g. input.float() or layer.double())")


# ---------------------------------------------------------------------------- linear
class Linear(Op):
    """y = x @ w.T (+ b): one matmul over all leading dims flattened, the bias added in place."""

    def forward(ctx, x, w, b=None):
        n_out, n_in = w.shape
        lead = x.shape[:-1]
        rows = math.prod(lead)
        y = backend.matmul(x.reshape(rows, n_in), w.T).reshape(lead + (n_out,))
        if b is not None:
            y += b
            ctx.bshape = b.shape
        ctx.save_for_backward(x, w)
        return y

    def backward(ctx, gy):
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        n_out, n_in = w.shape
        rows = math.prod(x.shape[:-1])
        g2 = gradmath.reshape(gy, (rows, n_out))
        gx = gradmath.reshape(gradmath.matmul(g2, w), x.shape) if need[0] else None
        gw = gradmath.matmul(gradmath.swap_last(g2), gradmath.reshape(x, (rows, n_in))) if need[1] else None
        gb = gradmath.sum_to(gy, ctx.bshape) if len(need) > 2 and need[2] else None
        return gx, gw, gb


def linear(input, weight, bias=None):
    """input @ weight.T + bias, over the last dim of input (weight has shape (out_features, in_features))."""
    _check_pair("linear", input, weight)
    if weight.ndim != 2:
        raise RuntimeError(f"linear: weight must be 2-D (out_features, in_features), got shape "
                           f"{tuple(weight.shape)}")
    if input.ndim == 0 or input.shape[-1] != weight.shape[1]:
        raise RuntimeError(f"linear: input of shape {tuple(input.shape)} does not fit weight of shape "
                           f"{tuple(weight.shape)}: the last dim of input must be in_features={weight.shape[1]}")
    if bias is None:
        return Linear.apply(input, weight)
    _check_pair("linear", input, bias, "bias")
    out_shape = input.shape[:-1] + (weight.shape[0],)
    try:
        ok = np.broadcast_shapes(out_shape, bias.shape) == out_shape
    except ValueError:
        ok = False
    if not ok:
        raise RuntimeError(f"linear: bias of shape {tuple(bias.shape)} cannot be added to the output of shape "
                           f"{out_shape}; expected shape ({weight.shape[0]},)")
    return Linear.apply(input, weight, bias)


def bilinear(input1, input2, weight, bias=None):
    """y[..., o] = sum_ij input1[..., i] * weight[o, i, j] * input2[..., j] + bias[o]."""
    _check_pair("bilinear", input1, weight)
    _check_pair("bilinear", input2, weight)
    if weight.ndim != 3:
        raise RuntimeError(f"bilinear: weight must be 3-D (out_features, in1_features, in2_features), got shape "
                           f"{tuple(weight.shape)}")
    n_out, n1, n2 = weight.shape
    if input1.ndim == 0 or input1.shape[-1] != n1 or input2.ndim == 0 or input2.shape[-1] != n2 \
            or input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(f"bilinear: inputs of shapes {tuple(input1.shape)} and {tuple(input2.shape)} do not fit "
                           f"weight of shape {tuple(weight.shape)}: expected (..., {n1}) and (..., {n2}) with the "
                           "same leading dims")
    lead = input1.shape[:-1]
    rows = math.prod(lead)
    x1 = input1.reshape(rows, n1)
    x2 = input2.reshape(rows, 1, n2)
    w = weight.permute(1, 0, 2).reshape(n1, n_out * n2)
    y = ((x1 @ w).reshape(rows, n_out, n2) * x2).sum(-1)
    if bias is not None:
        _check_pair("bilinear", input1, bias, "bias")
        y = y + bias
    return y.reshape(lead + (n_out,))


# ---------------------------------------------------------------------------- embedding
class Embedding(Op):
    """Rows of the weight picked by integer indices; the gradient scatters back, repeated rows accumulating."""

    def forward(ctx, w, idx, padding_idx, scale_grad_by_freq):
        ctx.save_for_backward(idx)
        ctx.wshape = w.shape
        ctx.padding_idx = padding_idx
        ctx.scale = scale_grad_by_freq
        return w[idx]

    def backward(ctx, gy):
        (idx,) = ctx.saved_tensors
        idx = gradmath.array(idx).reshape(-1)
        n, dim = ctx.wshape
        g2 = gradmath.reshape(gy, (idx.size, dim))
        xp = gradmath.xp(idx)
        weight = None
        if ctx.scale:
            counts = xp.bincount(idx, minlength=n)
            weight = (1.0 / counts[idx]).astype(g2.dtype)
        if ctx.padding_idx is not None:
            keep = (idx != ctx.padding_idx).astype(g2.dtype)
            weight = keep if weight is None else weight * keep
        if weight is not None:
            g2 = g2 * weight[:, None]
        return gradmath.scatter_into(ctx.wshape, idx, g2, g2), None, None, None


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
    scale_grad_by_freq divides each row's gradient by its count in the batch. sparse=True gives the same
    (dense) gradient: tapegrad has no sparse tensors.
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
    return Embedding.apply(weight, idx, padding_idx, bool(scale_grad_by_freq))


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


__all__ = ["linear", "bilinear", "embedding", "one_hot"]
METHODS = {}
