"""Attention: scaled_dot_product_attention, softmax(q k^T * scale + mask) v, with PyTorch's (..., L, E) layout."""
import math

from .. import dtypes
from .._tensor import Tensor
from .activation import Softmax
from .regularization import dropout


def _check(query, key, value, attn_mask, is_causal, op):
    for t, what in ((query, "query"), (key, "key"), (value, "value")):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: {what} must be a tensor, got {type(t).__name__}")
        if t.dtype not in dtypes.FLOATS:
            raise TypeError(f"{op}: {what} must be floating point, got dtype {t.dtype}")
        if t.ndim < 2:
            raise RuntimeError(f"{op}: {what} must have at least 2 dimensions (..., L, E), got shape "
                               f"{tuple(t.shape)}")
    q, k, v = tuple(query.shape), tuple(key.shape), tuple(value.shape)
    if q[-1] != k[-1] or k[-2] != v[-2]:
        raise RuntimeError(f"{op}: expected query (..., L, E), key (..., S, E) and value (..., S, Ev), got shapes "
                           f"{q}, {k} and {v}")
    if attn_mask is not None and is_causal:
        raise ValueError(f"{op}: give either attn_mask or is_causal=True, not both (fold the causal mask into "
                         "attn_mask)")
    if attn_mask is not None:
        if not isinstance(attn_mask, Tensor):
            raise TypeError(f"{op}: attn_mask must be a tensor, got {type(attn_mask).__name__}")
        if attn_mask.dtype != dtypes.bool_ and attn_mask.dtype not in dtypes.FLOATS:
            raise TypeError(f"{op}: attn_mask must be bool (True: take part in attention) or floating point "
                            f"(added to the scores), got dtype {attn_mask.dtype}")
        lead = tuple(max(a, b) for a, b in zip(q[-3::-1], k[-3::-1]))[::-1]
        want = lead + (q[-2], k[-2])
        m = tuple(attn_mask.shape)
        if len(m) > len(want) or any(a not in (1, b) for a, b in zip(m[::-1], want[::-1])):
            raise RuntimeError(f"{op}: attn_mask of shape {m} cannot be broadcast to the attention scores' shape "
                               f"{want} (..., L, S)")


def attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, op="attention"):
    """softmax(q k^T * scale + mask) v and the attention weights (the shared body of the attention ops)."""
    _check(query, key, value, attn_mask, is_causal, op)
    if not 0.0 <= dropout_p <= 1.0:
        raise RuntimeError(f"{op}: dropout_p must be between 0 and 1, got {dropout_p}")
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = (query @ key.mT) * scale
    xp = scores.xp
    L, S = query.shape[-2], key.shape[-2]
    if is_causal:
        attn_mask = Tensor._make(xp.tri(L, S, dtype=bool), None, 0)
    if attn_mask is not None:
        if attn_mask.dtype == dtypes.bool_:
            bias = xp.where(attn_mask.array, 0.0, -math.inf).astype(scores.dtype)
            scores = scores + Tensor._make(bias, None, 0)
        else:
            scores = scores + attn_mask.to(scores.dtype)
    # rows that may attend to nothing get zero weights (not NaN), as PyTorch's math kernel does
    weights = Softmax.apply(scores, scores.ndim - 1, True)
    if dropout_p > 0:
        weights = dropout(weights, dropout_p, training=True)
    return weights @ value, weights


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """softmax(query @ key^T * scale + mask) @ value; a bool mask is True where attention is allowed."""
    if enable_gqa and isinstance(query, Tensor) and isinstance(key, Tensor) and query.ndim >= 3 and \
            key.ndim >= 3 and query.shape[-3] != key.shape[-3]:
        hq, hk = query.shape[-3], key.shape[-3]
        if hq % hk or value.shape[-3] != hk:
            raise RuntimeError(f"scaled_dot_product_attention: with enable_gqa the number of query heads ({hq}) "
                               f"must be a multiple of the key/value heads ({hk}, {value.shape[-3]})")
        idx = Tensor._make(key.xp.repeat(key.xp.arange(hk), hq // hk), None, 0)
        key = key.index_select(key.ndim - 3, idx)
        value = value.index_select(value.ndim - 3, idx)
    out, _ = attention(query, key, value, attn_mask, dropout_p, is_causal, scale, "scaled_dot_product_attention")
    return out


__all__ = ["scaled_dot_product_attention"]
METHODS = {}
