"""Registry cases (marginlrn-*): the margin losses, linear_cross_entropy, rrelu, gumbel_softmax, LRN."""
import numpy as np

import autograd as ag
import nn
from autograd.ops import lrn
from autograd.ops import margin_losses as M
from autograd.ops import random_activations as R
from tests.ops.registry import Arg, OpCase

# multi-class margin losses, triplet_margin_with_distance_loss, linear_cross_entropy, local_response_norm,
# CrossMapLRN2d, rrelu and gumbel_softmax (the random ones reseeded on every call).

CASES = []


def _add(name, fn, args, ref, **kw):
    CASES.append(OpCase(f"marginlrn-{name}", fn, args, ref, **kw))


def _long(values):
    return Arg(np.shape(values), requires_grad=False, dtype="int64", values=values)


def _reduce(loss, reduction):
    return {"none": loss, "mean": np.mean(loss), "sum": np.sum(loss)}[reduction]


# ---------------------------------------------------------------------------- multi_margin_loss
def ref_multi_margin(x, t, p=1, margin=1.0, w=None, reduction="mean"):
    x2 = x.reshape(-1, x.shape[-1] if x.ndim else 1)
    c = x2.shape[1]
    out = []
    for row, y in zip(x2, np.reshape(t, -1)):
        terms = [max(0.0, margin - row[y] + row[i]) ** p * (1.0 if w is None else w[y]) for i in range(c) if i != y]
        out.append(sum(terms) / c)
    return np.asarray(_reduce(np.asarray(out).reshape(np.shape(t)), reduction))


_T3 = [0, 2, 4]
for p in (1, 2):
    for red in ("none", "mean", "sum"):
        _add(f"multi_margin-p{p}-{red}", lambda x, t, p=p, red=red: M.multi_margin_loss(x, t, p=p, reduction=red),
             [Arg((3, 5)), _long(_T3)], lambda x, t, p=p, red=red: ref_multi_margin(x, t, p, reduction=red))
    _add(f"multi_margin-p{p}-weight", lambda x, t, w, p=p: M.multi_margin_loss(x, t, p=p, margin=0.6, weight=w),
         [Arg((3, 5)), _long(_T3), Arg((5,), 0.1, 1.0)],
         lambda x, t, w, p=p: ref_multi_margin(x, t, p, 0.6, w))
_add("multi_margin-1d", lambda x, t: M.multi_margin_loss(x, t, reduction="none"), [Arg((4,)), _long(2)],
     lambda x, t: ref_multi_margin(x, t, reduction="none"))
_add("multi_margin-noncontig", lambda x, t: M.multi_margin_loss(x, t, margin=2.0, reduction="sum"),
     [Arg((4, 3), noncontig=True), _long([1, 0, 2, 2])], lambda x, t: ref_multi_margin(x.T.T, t, 1, 2.0,
                                                                                        reduction="sum"))


# ---------------------------------------------------------------------------- multilabel_margin_loss
def ref_multilabel_margin(x, t, reduction="mean"):
    x2, t2 = x.reshape(-1, x.shape[-1] if x.ndim else 1), np.reshape(t, (-1, x.shape[-1] if x.ndim else 1))
    out = []
    for row, tr in zip(x2, t2):
        ys = []
        for y in tr:
            if y == -1:
                break
            ys.append(y)
        others = [i for i in range(len(row)) if i not in ys]
        out.append(sum(max(0.0, 1 - (row[y] - row[i])) for y in ys for i in others) / len(row))
    loss = np.asarray(out) if x.ndim == 2 else np.asarray(out[0])
    return np.asarray(_reduce(loss, reduction))


_TT = [[0, 2, -1, 1, 3], [3, -1, 0, 0, 1], [-1, 1, 2, 3, 0], [4, 4, 1, -1, -1]]  # empty row, repeats, after -1
for red in ("none", "mean", "sum"):
    _add(f"multilabel_margin-{red}", lambda x, t, red=red: M.multilabel_margin_loss(x, t, reduction=red),
         [Arg((4, 5)), _long(_TT)], lambda x, t, red=red: ref_multilabel_margin(x, t, red))
_add("multilabel_margin-1d", lambda x, t: M.multilabel_margin_loss(x, t, reduction="none"),
     [Arg((4,)), _long([3, 0, -1, 2])], lambda x, t: ref_multilabel_margin(x, t, "none"))
_add("multilabel_margin-all-targets", M.multilabel_margin_loss, [Arg((2, 3)), _long([[0, 1, 2], [2, 1, 0]])],
     lambda x, t: ref_multilabel_margin(x, t))


# ---------------------------------------------------------------------------- triplet_margin_with_distance_loss
def _pdist(a, b, eps=1e-6):
    return np.sqrt(((a - b + eps) ** 2).sum(-1))


def ref_triplet(a, p, n, dist=_pdist, margin=1.0, swap=False, reduction="mean"):
    d_neg = dist(a, n)
    if swap:
        d_neg = np.minimum(d_neg, dist(p, n))
    return np.asarray(_reduce(np.maximum(margin + dist(a, p) - d_neg, 0), reduction))


def _l1(a, b):
    return (a - b).abs().sum(-1)


_TRIPLET = [Arg((4, 3)), Arg((4, 3)), Arg((4, 3))]
for red in ("none", "mean", "sum"):
    _add(f"triplet_distance-{red}", lambda a, p, n, red=red: M.triplet_margin_with_distance_loss(
        a, p, n, margin=2.0, reduction=red), _TRIPLET, lambda a, p, n, red=red: ref_triplet(a, p, n, margin=2.0,
                                                                                            reduction=red))
_add("triplet_distance-swap", lambda a, p, n: M.triplet_margin_with_distance_loss(a, p, n, swap=True, margin=1.5),
     _TRIPLET, lambda a, p, n: ref_triplet(a, p, n, margin=1.5, swap=True))
_add("triplet_distance-custom", lambda a, p, n: M.triplet_margin_with_distance_loss(
    a, p, n, distance_function=_l1, margin=3.0, reduction="none"), _TRIPLET,
    lambda a, p, n: ref_triplet(a, p, n, lambda u, v: np.abs(u - v).sum(-1), 3.0, reduction="none"))
_add("triplet_distance-1d", M.triplet_margin_with_distance_loss, [Arg((3,)), Arg((3,)), Arg((3,))], ref_triplet)


# ---------------------------------------------------------------------------- linear_cross_entropy
def ref_linear_ce(x, w, t, b=None, reduction="mean", smoothing=0.0):
    z = x @ w.reshape(-1, w.shape[-1]).T + (0 if b is None else b.reshape(-1))
    z = z.reshape(x.shape[:-1] + w.shape[:-1])
    axis = 1 if x.ndim == 2 else 0
    logp = z - z.max(axis, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(axis, keepdims=True))
    c = w.shape[0]
    if np.issubdtype(t.dtype, np.floating):
        q = t * (1 - smoothing) + smoothing / c
    else:
        q = np.moveaxis(np.eye(c)[t], -1, axis) * (1 - smoothing) + smoothing / c
    loss = -(q * logp).sum(axis)
    return np.asarray(_reduce(loss, reduction))


def _ref_ignoring(x, w, t, b, reduction):
    """ref_linear_ce with the rows whose target is -100 left out (0 in 'none', out of the mean)."""
    keep = t != -100
    loss = np.zeros(len(t))
    loss[keep] = ref_linear_ce(x[keep], w, t[keep], b, "none")
    return np.asarray(loss.mean() * len(t) / keep.sum() if reduction == "mean" else _reduce(loss, reduction))


_add("linear_ce", lambda x, w, t: M.linear_cross_entropy(x, w, t), [Arg((4, 3)), Arg((5, 3)), _long([0, 4, 2, 1])],
     ref_linear_ce)
_add("linear_ce-bias-sum", lambda x, w, t, b: M.linear_cross_entropy(x, w, t, linear_bias=b, reduction="sum"),
     [Arg((3, 2)), Arg((4, 2)), _long([3, 0, 1]), Arg((4,))], lambda x, w, t, b: ref_linear_ce(x, w, t, b, "sum"))
_add("linear_ce-1d-none", lambda x, w, t: M.linear_cross_entropy(x, w, t, reduction="none"),
     [Arg((3,)), Arg((4, 3)), _long(2)], lambda x, w, t: ref_linear_ce(x, w, t, reduction="none"))
_add("linear_ce-kdim", lambda x, w, t, b: M.linear_cross_entropy(x, w, t, linear_bias=b, label_smoothing=0.2),
     [Arg((3, 2)), Arg((4, 2, 2)), _long([[0, 3], [1, 1], [2, 0]]), Arg((4, 2))],
     lambda x, w, t, b: ref_linear_ce(x, w, t, b, smoothing=0.2))
_CHUNKED = nn.LinearCrossEntropyOptions(batch_chunk_size=2, allow_retain_graph=True)  # gradcheck: many backwards
for red in ("mean", "sum", "none"):  # the chunked path has first-order gradients only (as PyTorch's)
    _add(f"linear_ce-chunked-{red}", lambda x, w, b, t, red=red: M.linear_cross_entropy(
        x, w, t, linear_bias=b, reduction=red, options=_CHUNKED), [Arg((5, 3)), Arg((4, 3)), Arg((4,)),
                                                                   _long([0, 3, -100, 1, 2])],
         lambda x, w, b, t, red=red: _ref_ignoring(x, w, t, b, red), gradgrad=False)
_add("linear_ce-probs", lambda x, w, t: M.linear_cross_entropy(x, w, t), [Arg((2, 3)), Arg((4, 3)),
     Arg((2, 4), 0.0, 1.0, requires_grad=False)], ref_linear_ce)


# ---------------------------------------------------------------------------- local_response_norm, CrossMapLRN2d
def ref_lrn(x, size, alpha=1e-4, beta=0.75, k=1.0):
    c = x.shape[1]
    div = np.zeros_like(x)
    for ch in range(c):
        lo, hi = ch - size // 2, ch + (size - 1) // 2
        div[:, ch] = (x[:, max(lo, 0):min(hi, c - 1) + 1] ** 2).sum(1) / size
    return x / (k + alpha * div) ** beta


def ref_cross_map(x, size, alpha=1e-4, beta=0.75, k=1.0):
    """PyTorch's running window: the first map sums channels 0 .. pre_pad - 1; each next map adds channel
    c + pre_pad - 1 (while it exists) and drops channel c - pre_pad once c > pre_pad."""
    c, sq = x.shape[1], x * x
    pre_pad = int((size - 1) / 2 + 1)
    scale = np.zeros_like(x)
    scale[:, 0] = sq[:, :min(pre_pad, c)].sum(1)
    for ch in range(1, c):
        scale[:, ch] = scale[:, ch - 1]
        if ch < c - pre_pad + 1:
            scale[:, ch] += sq[:, ch + pre_pad - 1]
        if ch > pre_pad:
            scale[:, ch] -= sq[:, ch - pre_pad]
    return x * (k + alpha / size * scale) ** -beta


for shape, size in (((2, 5, 3), 3), ((1, 4, 2, 3), 2), ((1, 3, 2, 1, 2), 4), ((1, 6, 2), 1)):
    _add(f"lrn-{len(shape)}d-size{size}", lambda x, s=size: lrn.local_response_norm(x, s, 0.5, 0.7, 1.5),
         [Arg(shape)], lambda x, s=size: ref_lrn(x, s, 0.5, 0.7, 1.5))
_add("lrn-noncontig", lambda x: lrn.local_response_norm(x, 3, 0.3), [Arg((2, 4, 3), noncontig=True)],
     lambda x: ref_lrn(x, 3, 0.3))
for size, c in ((3, 6), (2, 5), (5, 3), (1, 3), (4, 7)):
    _add(f"cross_map_lrn2d-size{size}-c{c}", lambda x, s=size: lrn.cross_map_lrn2d(x, s, 0.6, 0.75, 1.2),
         [Arg((1, c, 2, 2))], lambda x, s=size: ref_cross_map(x, s, 0.6, 0.75, 1.2))


# ---------------------------------------------------------------------------- rrelu and gumbel_softmax
def _seeded(fn):
    def run(*args):
        ag.manual_seed(7)
        return fn(*args)

    return run


def _uniform(shape):
    """The uniforms the default generator draws after manual_seed(7) (float64 input)."""
    return np.random.Generator(np.random.PCG64(7)).random(shape, dtype=np.float64)


def ref_rrelu(x, lower, upper):
    slope = _uniform(x.shape) * (upper - lower) + lower
    return np.where(x <= 0, x * slope, x)


_add("rrelu-eval", lambda x: R.rrelu(x, 0.1, 0.3), [Arg((3, 4))], lambda x: np.where(x > 0, x, 0.2 * x))
_add("rrelu-train", _seeded(lambda x: R.rrelu(x, 0.1, 0.4, training=True)), [Arg((3, 4))],
     lambda x: ref_rrelu(x, 0.1, 0.4), random=True)
_add("rrelu-train-equal-bounds", _seeded(lambda x: R.rrelu(x, 0.25, 0.25, True)), [Arg((5,))],
     lambda x: np.where(x > 0, x, 0.25 * x), random=True)


def ref_gumbel(x, tau=1.0, hard=False, dim=-1):
    z = (x - np.log(-np.log(_uniform(x.shape)))) / tau
    e = np.exp(z - z.max(dim, keepdims=True))
    soft = e / e.sum(dim, keepdims=True)
    if not hard:
        return soft
    onehot = (np.arange(x.shape[dim]).reshape((-1,) + (1,) * (x.ndim - dim % x.ndim - 1)) ==
              np.expand_dims(soft.argmax(dim), dim)).astype(x.dtype)
    return (onehot - soft) + soft


_add("gumbel_softmax", _seeded(lambda x: R.gumbel_softmax(x, tau=0.7)), [Arg((3, 4))],
     lambda x: ref_gumbel(x, 0.7), random=True)
_add("gumbel_softmax-dim0", _seeded(lambda x: R.gumbel_softmax(x, dim=0)), [Arg((3, 2, 2))],
     lambda x: ref_gumbel(x, dim=0), random=True)
# hard: piecewise constant in the forward, so finite differences cannot check the straight-through gradient
# (tests/nn/test_random_activations.py checks that it equals the soft sample's gradient)
_add("gumbel_softmax-hard", _seeded(lambda x: R.gumbel_softmax(x, tau=0.5, hard=True, dim=1)), [Arg((2, 3, 2))],
     lambda x: ref_gumbel(x, 0.5, True, 1), random=True, grad=False)
