"""Registry cases: F.multi_head_attention_forward (multi_head_attention_forward-*), time-first (L, N, E) layout."""
import numpy as np

import nn.functional as F
from tests.ops.registry import Arg, OpCase

# The numpy reference projects, splits the heads, attends with a softmax and projects back; shapes stay tiny.

CASES = []
E, H = 4, 2


def ref_mha(q, k, v, w, b, ow, ob, mask=None, kpm=None, bias_k=None, bias_v=None, zero_attn=False):
    """Multi-head attention in numpy: q (L, N, E), k/v (S, N, E); a float attn_mask (L, S), a bool kpm (N, S)."""
    e = q.shape[-1]
    qp, kp, vp = q @ w[:e].T + b[:e], k @ w[e:2 * e].T + b[e:2 * e], v @ w[2 * e:].T + b[2 * e:]
    n = q.shape[1]
    if bias_k is not None:
        kp = np.concatenate([kp, np.broadcast_to(bias_k, (1, n, e))])
        vp = np.concatenate([vp, np.broadcast_to(bias_v, (1, n, e))])
    heads = lambda t: t.reshape(t.shape[0], n, H, e // H).transpose(1, 2, 0, 3)  # noqa: E731 (N, H, L, hd)
    qh, kh, vh = heads(qp), heads(kp), heads(vp)
    if zero_attn:
        kh = np.concatenate([kh, np.zeros(kh.shape[:2] + (1, e // H))], 2)
        vh = np.concatenate([vh, np.zeros(vh.shape[:2] + (1, e // H))], 2)
    scores = qh @ kh.transpose(0, 1, 3, 2) / np.sqrt(e // H)
    s = scores.shape[-1]
    if mask is not None:
        scores = scores + np.pad(mask, ((0, 0), (0, s - mask.shape[1])))
    if kpm is not None:
        scores = np.where(np.pad(kpm, ((0, 0), (0, s - kpm.shape[1])))[:, None, None, :], -np.inf, scores)
    wts = np.exp(scores - scores.max(-1, keepdims=True))
    wts = wts / wts.sum(-1, keepdims=True)
    out = (wts @ vh).transpose(2, 0, 1, 3).reshape(q.shape[0], n, e) @ ow.T + ob
    return out, wts.mean(1)


_PARAMS = [Arg((3 * E, E)), Arg((3 * E,)), Arg((E, E)), Arg((E,))]
_QKV = [Arg((2, 2, E)), Arg((3, 2, E)), Arg((3, 2, E))]
_KPM = Arg((2, 3), dtype="bool", requires_grad=False, values=[[False, False, True], [False, False, False]])


def _fn(**kw):
    def fn(q, k, v, w, b, ow, ob, *extra):
        more = dict(zip(kw.get("names", ()), extra))
        return F.multi_head_attention_forward(q, k, v, E, H, w, b, more.get("bias_k"), more.get("bias_v"),
                                              kw.get("zero_attn", False), 0.0, ow, ob,
                                              attn_mask=more.get("attn_mask"),
                                              key_padding_mask=more.get("key_padding_mask"))
    return fn


def _ref(**kw):
    def ref(q, k, v, w, b, ow, ob, *extra):
        more = dict(zip(kw.get("names", ()), extra))
        return ref_mha(q, k, v, w, b, ow, ob, more.get("attn_mask"), more.get("key_padding_mask"),
                       more.get("bias_k"), more.get("bias_v"), kw.get("zero_attn", False))
    return ref


CASES.append(OpCase("multi_head_attention_forward-plain", _fn(), _QKV + _PARAMS, _ref()))
CASES.append(OpCase("multi_head_attention_forward-masks", _fn(names=("attn_mask", "key_padding_mask")),
                    _QKV + _PARAMS + [Arg((2, 3), requires_grad=False), _KPM],
                    _ref(names=("attn_mask", "key_padding_mask"))))
CASES.append(OpCase("multi_head_attention_forward-bias-kv-zero-attn",
                    _fn(names=("bias_k", "bias_v", "key_padding_mask"), zero_attn=True),
                    _QKV + _PARAMS + [Arg((1, 1, E)), Arg((1, 1, E)), _KPM],
                    _ref(names=("bias_k", "bias_v", "key_padding_mask"), zero_attn=True)))
CASES.append(OpCase("multi_head_attention_forward-self", lambda x, w, b, ow, ob: F.multi_head_attention_forward(
    x, x, x, E, H, w, b, None, None, False, 0.0, ow, ob, need_weights=False)[0],
    [Arg((3, 1, E)), *_PARAMS], lambda x, w, b, ow, ob: ref_mha(x, x, x, w, b, ow, ob)[0]))
