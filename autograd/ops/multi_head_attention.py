"""multi_head_attention_forward: PyTorch's functional multi-head attention, (L, N, E) layout, on `attention`."""
import math

from .. import dtypes
from .._tensor import Tensor
from ..creation import zeros
from .attention import attention
from .join import cat, pad
from .linalg import linear

_OP = "multi_head_attention_forward"


def _shape_check(query, key, value, key_padding_mask, attn_mask, num_heads):
    """Whether the call is batched (3-D query), after PyTorch's checks of the ranks of the inputs and masks."""
    for t, what in ((query, "query"), (key, "key"), (value, "value")):
        if not isinstance(t, Tensor):
            raise TypeError(f"{_OP}: {what} must be a tensor, got {type(t).__name__}")
    if query.ndim == 3:
        if key.ndim != 3 or value.ndim != 3:
            raise AssertionError(f"{_OP}: for batched (3-D) `query`, expected `key` and `value` to be 3-D but found "
                                 f"{key.ndim}-D and {value.ndim}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.ndim != 2:
            raise AssertionError(f"{_OP}: for batched (3-D) `query`, expected `key_padding_mask` to be `None` or "
                                 f"2-D but found {key_padding_mask.ndim}-D tensor instead")
        if attn_mask is not None and attn_mask.ndim not in (2, 3):
            raise AssertionError(f"{_OP}: for batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D "
                                 f"but found {attn_mask.ndim}-D tensor instead")
        return True
    if query.ndim == 2:
        if key.ndim != 2 or value.ndim != 2:
            raise AssertionError(f"{_OP}: for unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found "
                                 f"{key.ndim}-D and {value.ndim}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.ndim != 1:
            raise AssertionError(f"{_OP}: for unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or "
                                 f"1-D but found {key_padding_mask.ndim}-D tensor instead")
        if attn_mask is not None:
            if attn_mask.ndim not in (2, 3):
                raise AssertionError(f"{_OP}: for unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or "
                                     f"3-D but found {attn_mask.ndim}-D tensor instead")
            want = (num_heads, query.shape[0], key.shape[0])
            if attn_mask.ndim == 3 and tuple(attn_mask.shape) != want:
                raise AssertionError(f"{_OP}: expected `attn_mask` shape to be {want} but got "
                                     f"{tuple(attn_mask.shape)}")
        return False
    raise AssertionError(f"{_OP}: query should be unbatched 2D or batched 3D tensor but received {query.ndim}-D "
                         "query tensor")


def _additive(mask, what, dtype):
    """A float mask to add to the scores: True entries of a bool mask become -inf (not attended)."""
    if mask is None:
        return None
    if not isinstance(mask, Tensor):
        raise TypeError(f"{_OP}: {what} must be a tensor, got {type(mask).__name__}")
    if mask.dtype == dtypes.bool_:
        return Tensor._make(mask.xp.where(mask.array, -math.inf, 0.0).astype(dtype), None, 0)
    if mask.dtype not in dtypes.FLOATS:
        raise AssertionError(f"{_OP}: only bool and floating types of {what} are supported, got {mask.dtype}")
    return mask.to(dtype)


def _project(query, key, value, embed_dim, in_proj_weight, in_proj_bias, separate, q_w, k_w, v_w):
    e = embed_dim
    b = in_proj_bias
    bq, bk, bv = (None, None, None) if b is None else (b[:e], b[e:2 * e], b[2 * e:])
    if not separate:
        if in_proj_weight is None:
            raise AssertionError(f"{_OP}: use_separate_proj_weight is False but in_proj_weight is None")
        w = in_proj_weight
        if query is key and key is value:  # self-attention: one matrix product
            return linear(query, w, b).chunk(3, -1)
        return linear(query, w[:e], bq), linear(key, w[e:2 * e], bk), linear(value, w[2 * e:], bv)
    for t, what in ((q_w, "q_proj_weight"), (k_w, "k_proj_weight"), (v_w, "v_proj_weight")):
        if t is None:
            raise AssertionError(f"{_OP}: use_separate_proj_weight is True but {what} is None")
    return linear(query, q_w, bq), linear(key, k_w, bk), linear(value, v_w, bv)


def _static(t, name, rows, head_dim):
    if t.shape[0] != rows:
        raise AssertionError(f"{_OP}: expecting {name}.size(0) of {rows}, but got {t.shape[0]}")
    if t.shape[2] != head_dim:
        raise AssertionError(f"{_OP}: expecting {name}.size(2) of {head_dim}, but got {t.shape[2]}")
    return t


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                                 bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
                                 training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None,
                                 v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                                 is_causal=False):
    """Multi-head attention of query (L, N, E) over key (S, N, Ek) / value (S, N, Ev), or unbatched (L, E), (S, E):
    returns (output (L, N, E), weights (N, L, S) averaged over heads, (N, H, L, S), or None).

    attn_mask (L, S) or (N * num_heads, L, S) and key_padding_mask (N, S) are bool (True: not attended) or float
    (added to the scores); bias_k/bias_v append a learned key/value, add_zero_attn a zero one; static_k/static_v
    ((N * num_heads, S, E / num_heads)) replace the projected keys/values.
    """
    batched = _shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not batched:
        same = query is key and key is value
        query = query.unsqueeze(1)
        key, value = (query, query) if same else (key.unsqueeze(1), value.unsqueeze(1))
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"{_OP}: was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"{_OP}: embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if tuple(key.shape[:2]) != tuple(value.shape[:2]):
            raise AssertionError(f"{_OP}: key's sequence and batch dims {tuple(key.shape[:2])} do not match value's "
                                 f"{tuple(value.shape[:2])}")
    elif tuple(key.shape) != tuple(value.shape):
        raise AssertionError(f"{_OP}: key shape {tuple(key.shape)} does not match value shape {tuple(value.shape)}")
    if is_causal and attn_mask is None:
        raise RuntimeError(f"{_OP}: Need attn_mask if specifying the is_causal hint. You may use the Transformer "
                           "module method `generate_square_subsequent_mask` to create this mask.")
    causal = bool(is_causal) and key_padding_mask is None and not need_weights
    if causal:  # the mask is then the causal one: attention builds it
        attn_mask = None
    q, k, v = _project(query, key, value, embed_dim, in_proj_weight, in_proj_bias, use_separate_proj_weight,
                       q_proj_weight, k_proj_weight, v_proj_weight)
    src_len = key.shape[0]
    mask = _additive(attn_mask, "attn_mask", q.dtype)
    if mask is not None:
        if mask.ndim == 2:
            if tuple(mask.shape) != (tgt_len, src_len):
                raise RuntimeError(f"{_OP}: the shape of the 2D attn_mask is {tuple(mask.shape)}, but should be "
                                   f"{(tgt_len, src_len)}")
            mask = mask.unsqueeze(0)
        elif tuple(mask.shape) != (bsz * num_heads, tgt_len, src_len):
            raise RuntimeError(f"{_OP}: the shape of the 3D attn_mask is {tuple(mask.shape)}, but should be "
                               f"{(bsz * num_heads, tgt_len, src_len)}")
    kpm = _additive(key_padding_mask, "key_padding_mask", q.dtype)
    if (bias_k is None) != (bias_v is None):
        raise AssertionError(f"{_OP}: bias_k and bias_v must be given together (one of them is None)")
    if bias_k is not None:
        if static_k is not None or static_v is not None:
            raise AssertionError(f"{_OP}: bias cannot be added to static key or value")
        k = cat([k, bias_k.expand(1, bsz, embed_dim)], 0)
        v = cat([v, bias_v.expand(1, bsz, embed_dim)], 0)
        mask = None if mask is None else pad(mask, (0, 1))
        kpm = None if kpm is None else pad(kpm, (0, 1))
    rows = bsz * num_heads
    q = q.reshape(tgt_len, rows, head_dim).transpose(0, 1)
    k = k.reshape(k.shape[0], rows, head_dim).transpose(0, 1) if static_k is None else \
        _static(static_k, "static_k", rows, head_dim)
    v = v.reshape(v.shape[0], rows, head_dim).transpose(0, 1) if static_v is None else \
        _static(static_v, "static_v", rows, head_dim)
    if add_zero_attn:
        zero = zeros(rows, 1, head_dim, dtype=k.dtype, device=k.device)
        k, v = cat([k, zero], 1), cat([v, zero], 1)
        mask = None if mask is None else pad(mask, (0, 1))
        kpm = None if kpm is None else pad(kpm, (0, 1))
    src_len = k.shape[1]
    if kpm is not None:
        if tuple(kpm.shape) != (bsz, src_len):
            raise AssertionError(f"{_OP}: expecting key_padding_mask shape of {(bsz, src_len)}, but got "
                                 f"{tuple(kpm.shape)}")
        kpm = kpm.reshape(bsz, 1, 1, src_len).expand(bsz, num_heads, 1, src_len).reshape(rows, 1, src_len)
        mask = kpm if mask is None else mask + kpm
    out, weights = attention(q, k, v, mask, dropout_p if training else 0.0, causal, op=_OP)
    out = linear(out.transpose(0, 1).reshape(tgt_len, bsz, embed_dim), out_proj_weight, out_proj_bias)
    if not batched:
        out = out.squeeze(1)
    if not need_weights:
        return out, None
    weights = weights.reshape(bsz, num_heads, tgt_len, src_len)
    if average_attn_weights:
        weights = weights.mean(1)
    return out, (weights if batched else weights.squeeze(0))


__all__ = ["multi_head_attention_forward"]
METHODS = {}
