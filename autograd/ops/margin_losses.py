"""Multi-class margin losses, triplet_margin_with_distance_loss and linear_cross_entropy, from differentiable ops."""
import warnings

import numpy as np

from .. import backend, dtypes
from .._tensor import Tensor
from ..grad_mode import is_grad_enabled
from . import unary
from .index import gather
from .index_parse import _same_device
from .linalg import linear
from .linear_ce_chunked import ChunkedLinearCrossEntropy, ChunkedLinearCrossEntropyRows
from .loss import _const, _reduce, _reduction, cross_entropy
from .normalization import pairwise_distance


def _floating(x, what, op):
    """x, checked to be a floating point tensor (NotImplementedError for other dtypes, as PyTorch's kernels)."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument '{what}' must be Tensor, not {type(x).__name__}")
    if x.dtype not in dtypes.FLOATS:
        raise NotImplementedError(f"{op}: not implemented for {what} of dtype {x.dtype}; convert it with .float()")
    return x


def _long_target(target, op):
    if not isinstance(target, Tensor):
        raise TypeError(f"{op}(): argument 'target' must be Tensor, not {type(target).__name__}")
    if target.dtype != dtypes.int64:
        raise RuntimeError(f"{op}: expected scalar type Long but found {target.dtype} for target; class indices "
                           "must be int64 (convert them with .long())")
    return target


def _matrix(input, op):
    """(N, C) of an input of shape (), (C,) or (N, C) with C > 0 (the batch N may be 0)."""
    shape = tuple(input.shape)
    if input.ndim > 2 or (input.ndim >= 1 and shape[-1] == 0):
        raise RuntimeError(f"{op}: Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(shape)}")
    if input.ndim == 2:
        return shape
    return 1, (shape[0] if shape else 1)


# ---------------------------------------------------------------------------- multi_margin_loss
def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                      reduction="mean"):
    """Multi-class hinge loss: sum over i != y of max(0, margin - x[y] + x[i])^p (times weight[y]), over C."""
    op = "multi_margin_loss"
    reduction = _reduction(reduction, size_average, reduce, op)
    if p != 1 and p != 2:
        raise ValueError(f"{op}: only p == 1 and p == 2 supported, got p={p}")
    _floating(input, "input", op)
    _long_target(target, op)
    n, c = _matrix(input, op)
    _same_device(op, input, target)
    _same_device(op, input, weight)
    if target.ndim > 1 or target.numel() != n:
        raise RuntimeError(f"{op}: target tensor should be 1-D with size equal to the number of input samples "
                           f"(batch size). Expected target size [{n}], but got {list(target.shape)}. Input has shape "
                           f"{list(input.shape)}.")
    if weight is not None:
        if not isinstance(weight, Tensor) or weight.ndim != 1:
            raise ValueError(f"{op}: weight must be one-dimensional (one value per class), got "
                             f"{tuple(weight.shape) if isinstance(weight, Tensor) else type(weight).__name__}")
        if weight.numel() != c:
            raise RuntimeError(f"{op}: inconsistent weight size, expected {c} but got {list(weight.shape)}")
        if weight.dtype != input.dtype:
            raise RuntimeError(f"{op}: expected scalar type {input.dtype} but found {weight.dtype} for weight; "
                               "convert it with .to(input.dtype)")
    xp = input.xp
    t = target.array.reshape(n)
    backend.check_later((t < 0) | (t >= c), RuntimeError, f"{op}: target out of range (class indices must lie in "
                        f"[0, {c}))")
    t = xp.clip(t, 0, c - 1)
    x = input.reshape(n, c)
    z = unary.clamp(margin - gather(x, 1, _const(t[:, None])) + x, min=0)
    if p == 2:
        z = z * z
    if weight is not None:
        z = z * gather(weight, 0, _const(t))[:, None]
    others = _const((xp.arange(c)[None, :] != t[:, None]).astype(input.dtype))
    loss = ((z * others).sum(1) / c).reshape(tuple(target.shape))
    return _reduce(loss, reduction)


# ---------------------------------------------------------------------------- multilabel_margin_loss
def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Multi-label hinge loss: for the target classes y_j (up to the first -1 in target) and every class i that is
    not a target, max(0, 1 - (x[y_j] - x[i])), summed and divided by C."""
    op = "multilabel_margin_loss"
    reduction = _reduction(reduction, size_average, reduce, op)
    _floating(input, "input", op)
    _long_target(target, op)
    n, c = _matrix(input, op)
    _same_device(op, input, target)
    ok = tuple(target.shape) == tuple(input.shape) if input.ndim == 2 else (target.ndim <= 1 and
                                                                             target.numel() == c)
    if not ok:
        raise RuntimeError(f"{op}: inconsistent target size: {list(target.shape)} for input of size: "
                           f"{list(input.shape)} (target holds class indices padded with -1, of the input's shape)")
    xp = input.xp
    t = target.array.reshape(n, c)
    backend.check_later((t < -1) | (t >= c), RuntimeError, f"{op}: argument #2 'target' is out of range (class "
                        f"indices must lie in [0, {c}), padded with -1)")
    live = xp.cumprod((t != -1).astype(np.int64), axis=1) > 0  # the targets before the first -1
    k = int(live.sum(axis=1).max()) if n else 0  # the most targets of a row: the pairs below are (n, k, c)
    live = live[:, :k]
    t = xp.where(live, xp.clip(t[:, :k], 0, c - 1), 0)
    is_target = ((t[:, :, None] == xp.arange(c)) & live[:, :, None]).any(axis=1)
    pairs = _const((live[:, :, None] & ~is_target[:, None, :]).astype(input.dtype))  # (n, target j, class i)
    x = input.reshape(n, c)
    z = unary.clamp(1 - gather(x, 1, _const(t))[:, :, None] + x[:, None, :], min=0)
    loss = (z * pairs).sum((1, 2)) / c
    return _reduce(loss if input.ndim == 2 else loss.reshape(()), reduction)


# ---------------------------------------------------------------------------- triplet_margin_with_distance_loss
def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0,
                                      swap=False, reduction="mean"):
    """max(0, margin + d(anchor, positive) - d(anchor, negative)) for a distance function d (pairwise_distance by
    default); swap uses min(d(a, n), d(p, n)) as the negative distance."""
    op = "triplet_margin_with_distance_loss"
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{op}: {reduction} is not a valid value for reduction (use 'none', 'mean' or 'sum')")
    if margin <= 0:
        raise ValueError(f"{op}: margin must be greater than 0, got {margin}")
    for t, what in ((anchor, "anchor"), (positive, "positive"), (negative, "negative")):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: {what} must be a tensor, got {type(t).__name__}")
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError(f"{op}: The anchor, positive, and negative tensors are expected to have the same number "
                           f"of dimensions, but got: anchor {anchor.ndim}D, positive {positive.ndim}D, and negative "
                           f"{negative.ndim}D inputs")
    dist = pairwise_distance if distance_function is None else distance_function
    d_pos = dist(anchor, positive)
    d_neg = dist(anchor, negative)
    if swap:
        d_neg = unary.minimum(d_neg, dist(positive, negative))
    return _reduce(unary.clamp(margin + d_pos - d_neg, min=0), reduction)


# ---------------------------------------------------------------------------- linear_cross_entropy
def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None, reduction="mean",
                         ignore_index=None, label_smoothing=0.0, options=None):
    """cross_entropy(linear(input, linear_weight, linear_bias), target): input (in_features,) or
    (N, in_features), linear_weight (C, in_features) or (C, d1, ..., dK, in_features) for a K-dimensional loss."""
    op = "linear_cross_entropy"
    for t, what in ((input, "input"), (linear_weight, "linear_weight"), (target, "target")):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}(): argument '{what}' must be Tensor, not {type(t).__name__}")
    if not 1 <= input.ndim <= 2:
        raise RuntimeError(f"{op}: expected input with dimensionality 1 or 2, got {input.ndim}")
    if linear_weight.ndim < 2:
        raise RuntimeError(f"{op}: expected linear_weight with dimensionality at least 2, got {linear_weight.ndim}")
    batch, in_features = tuple(input.shape[:-1]), input.shape[-1]
    if in_features != linear_weight.shape[-1]:
        raise RuntimeError(f"{op}: expected equal input and linear_weight last dimensions (in_features), got "
                           f"{in_features} and {linear_weight.shape[-1]}, respectively")
    classes, out_features = linear_weight.shape[0], tuple(linear_weight.shape[1:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != (classes, *out_features):
        raise RuntimeError(f"{op}: expected linear_bias shape {(classes, *out_features)}, got "
                           f"{tuple(linear_bias.shape)}")
    if out_features and not batch:
        raise RuntimeError(f"{op}: K-dimensional loss defined by linear_weight shape {tuple(linear_weight.shape)} "
                           f"requires batched input, (N, {in_features}), got unbatched input with shape "
                           f"{tuple(input.shape)}")
    logits_shape = (*batch, classes, *out_features)
    if tuple(target.shape) == logits_shape and ignore_index is not None:
        raise RuntimeError(f"{op}: ignore_index cannot be specified when target contains probabilities")
    ignore_index = -100 if ignore_index is None else ignore_index
    if options is not None:
        chunked = (not out_features and reduction in ("mean", "sum", "none") and label_smoothing == 0.0 and
                   target.dtype == dtypes.int64)
        if chunked:
            return _chunked(input, linear_weight, target, linear_bias, weight, reduction, ignore_index, options)
        warnings.warn(f"{op}: ``options`` ignored; chunked path needs reduction in {{'mean','sum','none'}}, "
                      f"label_smoothing == 0, target.dtype == int64, out_features == (). Got reduction={reduction!r}, "
                      f"label_smoothing={label_smoothing}, target.dtype={target.dtype}, "
                      f"out_features={out_features}.", stacklevel=2)
    rows = int(np.prod((classes, *out_features)))
    w = linear_weight.reshape(rows, in_features) if out_features else linear_weight
    b = linear_bias.reshape(rows) if out_features and linear_bias is not None else linear_bias
    logits = linear(input, w, b).reshape(logits_shape)
    return cross_entropy(logits, target, weight=weight, reduction=reduction, ignore_index=ignore_index,
                         label_smoothing=label_smoothing)


def _chunked(input, linear_weight, target, linear_bias, weight, reduction, ignore_index, options):
    """linear_cross_entropy by batch chunks (options: an nn.LinearCrossEntropyOptions): the full logits never exist;
    mean and sum compute their gradients in the forward."""
    op = "linear_cross_entropy"
    batched = input.ndim == 2
    if not batched:
        input, target = input.reshape(1, -1), target.reshape((1,) + tuple(target.shape))
    n, in_features = input.shape
    classes = linear_weight.shape[0]
    if tuple(target.shape) != (n,):
        raise RuntimeError(f"{op}: expected a target of shape {(n,)} (class indices) for input of shape "
                         f"{tuple(input.shape)}, got target of shape {tuple(target.shape)}")
    opts = options._adjust(num_batches=n, in_features=in_features, num_classes=classes, dtype=input.dtype,
                           device=input.device)
    acc = opts.acc_dtype
    if input.dtype != acc and not (input.dtype in (dtypes.float16, dtypes.bfloat16) and acc == dtypes.float32):
        raise RuntimeError(f"{op} supports float32 acc_dtype with float16/bfloat16 inputs, but got {acc} acc_dtype "
                           f"and {input.dtype} inputs.")
    w = None
    if weight is not None:
        if tuple(weight.shape) != (classes,):
            raise RuntimeError(f"{op}: weight must have shape ({classes},), one value per class, got "
                               f"{tuple(weight.shape)}")
        w = weight.array.astype(acc)
    for other in (linear_weight, target, linear_bias, weight):
        _same_device(op, input, other)
    t = target.array
    backend.check_later((t != ignore_index) & ((t < 0) | (t >= classes)), RuntimeError,
                        f"{op}: a target class index is out of bounds for {classes} classes (expected values in "
                        f"[0, {classes - 1}], or ignore_index={ignore_index})")
    needs = tuple(p is not None and p.requires_grad and is_grad_enabled() for p in (input, linear_weight, linear_bias))
    cfg = (t, w, ignore_index, reduction, opts.batch_chunk_size, acc, opts.allow_retain_graph, needs)
    if reduction == "none":
        out = ChunkedLinearCrossEntropyRows.apply(input, linear_weight, linear_bias, cfg)
        return out if batched else out.reshape(())
    return ChunkedLinearCrossEntropy.apply(input, linear_weight, linear_bias, cfg)


__all__ = []  # torch has none of these at its top level: nn.functional imports them by name
METHODS = {}
