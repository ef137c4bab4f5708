"""Registry cases: nn functional ops (activations, softmax, dropout, normalization, losses, attention)."""
import math
import warnings

import numpy as np

import autograd as ag

# the modules themselves (autograd.ops.regularization is also the name of a function)
from autograd.ops import activation as A
from autograd.ops import ctc as C
from autograd.ops import attention as T
from autograd.ops import loss as L
from autograd.ops import normalization as N
from autograd.ops import regularization as D
from tests.ops.registry import Arg, OpCase

CASES = []


def _add(name, fn, args, ref, **kw):
    kw.setdefault("random", getattr(fn, "random", False))
    CASES.append(OpCase(f"nnfunc-{name}", fn, args, ref, **kw))


_erf = np.vectorize(math.erf, otypes=[np.float64])


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softplus(x):
    return np.logaddexp(0, x)


# ---------------------------------------------------------------------------- elementwise activations
_SELU_A, _SELU_S = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
_ACT = {
    "relu6": (A.relu6, lambda x: np.clip(x, 0, 6), (-2, 8)),
    "hardtanh": (A.hardtanh, lambda x: np.clip(x, -1, 1), (-2, 2)),
    "hardtanh-bounds": (lambda x: A.hardtanh(x, -0.5, 1.5), lambda x: np.clip(x, -0.5, 1.5), (-2, 2)),
    "leaky_relu": (A.leaky_relu, lambda x: np.where(x > 0, x, 0.01 * x), (-2, 2)),
    "leaky_relu-slope": (lambda x: A.leaky_relu(x, 0.2), lambda x: np.where(x > 0, x, 0.2 * x), (-2, 2)),
    "elu": (A.elu, lambda x: np.where(x > 0, x, np.expm1(x)), (-2, 2)),
    "elu-alpha": (lambda x: A.elu(x, alpha=0.5), lambda x: np.where(x > 0, x, 0.5 * np.expm1(x)), (-2, 2)),
    "selu": (A.selu, lambda x: _SELU_S * np.where(x > 0, x, _SELU_A * np.expm1(x)), (-2, 2)),
    "celu": (lambda x: A.celu(x, 1.5), lambda x: np.maximum(x, 0) + np.minimum(0, 1.5 * np.expm1(x / 1.5)), (-2, 2)),
    "gelu": (A.gelu, lambda x: 0.5 * x * (1 + _erf(x / math.sqrt(2))), (-3, 3)),
    "gelu-tanh": (lambda x: A.gelu(x, approximate="tanh"),
                  lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3))), (-3, 3)),
    "silu": (A.silu, lambda x: x * _sigmoid(x), (-3, 3)),
    "mish": (A.mish, lambda x: x * np.tanh(_softplus(x)), (-3, 3)),
    "softplus": (A.softplus, _softplus, (-3, 3)),
    "softplus-beta": (lambda x: A.softplus(x, beta=2.0, threshold=3.0),
                      lambda x: np.where(2 * x > 3, x, _softplus(2 * x) / 2), (-3, 3)),
    "softsign": (A.softsign, lambda x: x / (1 + np.abs(x)), (-3, 3)),
    "hardswish": (A.hardswish, lambda x: x * np.clip(x + 3, 0, 6) / 6, (-5, 5)),
    "hardsigmoid": (A.hardsigmoid, lambda x: np.clip(x + 3, 0, 6) / 6, (-5, 5)),
    "tanhshrink": (A.tanhshrink, lambda x: x - np.tanh(x), (-3, 3)),
    "hardshrink": (A.hardshrink, lambda x: np.where(np.abs(x) > 0.5, x, 0), (-2, 2)),
    "softshrink": (A.softshrink, lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0)), (-2, 2)),
    "threshold": (lambda x: A.threshold(x, 0.3, -1.0), lambda x: np.where(x > 0.3, x, -1.0), (-2, 2)),
    "relu": (A.relu, lambda x: np.maximum(x, 0), (-2, 2)),
}
for name, (fn, ref, (lo, hi)) in _ACT.items():
    for shape in [(3, 4), (), (0, 2)]:
        _add(f"{name}-{shape}", fn, [Arg(shape, lo, hi)], ref)
    _add(f"{name}-noncontig", fn, [Arg((3, 4), lo, hi, noncontig=True)], ref)

_add("glu", A.glu, [Arg((3, 4))], lambda x: x[:, :2] * _sigmoid(x[:, 2:]))
_add("glu-dim0", lambda x: A.glu(x, 0), [Arg((4, 3))], lambda x: x[:2] * _sigmoid(x[2:]))
_add("prelu", A.prelu, [Arg((2, 3, 4)), Arg((3,), 0.1, 0.5)],
     lambda x, w: np.where(x > 0, x, w[:, None] * x))
_add("prelu-single", A.prelu, [Arg((2, 3)), Arg((1,), 0.1, 0.5)], lambda x, w: np.where(x > 0, x, w * x))


# ---------------------------------------------------------------------------- softmax family
def _np_softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _np_log_softmax(x, axis):
    z = x - x.max(axis=axis, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))


for shape, dim in [((3, 4), 1), ((3, 4), 0), ((2, 3, 4), -1), ((2, 3, 4), 1), ((5,), 0), ((0, 3), 1)]:
    _add(f"softmax-{shape}-{dim}", lambda x, d=dim: A.softmax(x, d), [Arg(shape)],
         lambda x, d=dim: _np_softmax(x, d))
    _add(f"log_softmax-{shape}-{dim}", lambda x, d=dim: A.log_softmax(x, d), [Arg(shape)],
         lambda x, d=dim: _np_log_softmax(x, d))
    _add(f"softmin-{shape}-{dim}", lambda x, d=dim: A.softmin(x, d), [Arg(shape)],
         lambda x, d=dim: _np_softmax(-x, d))
_add("softmax-0d", lambda x: A.softmax(x, 0), [Arg(())], lambda x: np.ones_like(x))
_add("log_softmax-0d", lambda x: A.log_softmax(x, -1), [Arg(())], lambda x: np.zeros_like(x))
_add("softmax-noncontig", lambda x: x.softmax(-1), [Arg((3, 4), noncontig=True)], lambda x: _np_softmax(x, -1))
_add("log_softmax-method", lambda x: x.log_softmax(dim=0), [Arg((3, 4), noncontig=True)],
     lambda x: _np_log_softmax(x, 0))
_add("softmax-large", lambda x: A.softmax(x * 1e3, -1), [Arg((2, 3))], lambda x: _np_softmax(x * 1e3, -1),
     grad=False)
_add("log_softmax-dtype", lambda x: A.log_softmax(x, 1, dtype=ag.float64), [Arg((2, 3), dtype="float32",
     requires_grad=False)], lambda x: _np_log_softmax(x.astype(np.float64), 1), grad=False)


# ---------------------------------------------------------------------------- dropout (a fixed seed per call)
def _seeded(fn):
    def run(*args):
        ag.manual_seed(7)
        return fn(*args)

    run.random = True  # the CPU stream gives the reference's mask; a GPU draws from its own stream
    return run


def _dropout_ref(shape, p, noise_shape=None, alpha=False):
    """The mask the generator draws after manual_seed(7), applied the way PyTorch does."""

    def ref(x):
        rng = np.random.Generator(np.random.PCG64(7))
        keep = (rng.random(noise_shape or shape, dtype=np.float64) >= p).astype(x.dtype)
        if alpha:
            a = 1.0 / math.sqrt((1.7580993408473766 ** 2 * p + 1) * (1 - p))
            b = (keep - 1) * 1.7580993408473766 * a + 1.7580993408473766 * a * p
            return x * keep * a + b
        return x * keep / (1 - p)

    return ref


_add("dropout", _seeded(lambda x: D.dropout(x, 0.3)), [Arg((4, 5))], _dropout_ref((4, 5), 0.3))
_add("dropout-eval", lambda x: D.dropout(x, 0.3, training=False), [Arg((4, 5))], lambda x: x)
_add("dropout-p0", lambda x: D.dropout(x, 0.0), [Arg((4,))], lambda x: x)
_add("dropout-p1", lambda x: D.dropout(x, 1.0), [Arg((4,))], lambda x: x * 0)
_add("dropout2d", _seeded(lambda x: D.dropout2d(x, 0.5)), [Arg((2, 3, 2, 2))],
     _dropout_ref((2, 3, 2, 2), 0.5, (2, 3, 1, 1)))
def _dropout2d_3d(x):
    with warnings.catch_warnings():  # the (N, C, L) reading of 3-D input warns, as in torch
        warnings.simplefilter("ignore", UserWarning)
        return D.dropout2d(x, 0.5)


_add("dropout2d-3d", _seeded(_dropout2d_3d), [Arg((3, 2, 2))],
     _dropout_ref((3, 2, 2), 0.5, (3, 2, 1)))  # as torch 2.13: 3-D input is (N, C, L), with a warning
_add("dropout1d", _seeded(lambda x: D.dropout1d(x, 0.4)), [Arg((2, 3, 4))], _dropout_ref((2, 3, 4), 0.4, (2, 3, 1)))
_add("alpha_dropout", _seeded(lambda x: D.alpha_dropout(x, 0.2, training=True)), [Arg((3, 4))],
     _dropout_ref((3, 4), 0.2, alpha=True))
_add("feature_alpha_dropout", _seeded(lambda x: D.feature_alpha_dropout(x, 0.2, training=True)), [Arg((3, 4, 2))],
     _dropout_ref((3, 4, 2), 0.2, (3, 4, 1), alpha=True))


# ---------------------------------------------------------------------------- normalization
def _np_norm(x, axes, eps, w=None, b=None, wshape=None):
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(var + eps)
    if w is not None:
        y = y * (w.reshape(wshape) if wshape else w)
    if b is not None:
        y = y + (b.reshape(wshape) if wshape else b)
    return y


def _bn_ref(x, w=None, b=None):
    return _np_norm(x, (0,) + tuple(range(2, x.ndim)), 1e-5, w, b, (1, x.shape[1]) + (1,) * (x.ndim - 2))


for shape in [(4, 3), (2, 3, 5), (2, 3, 2, 2)]:
    c = shape[1]
    _add(f"batch_norm-train-{shape}",
         lambda x, w, b: N.batch_norm(x, None, None, w, b, training=True), [Arg(shape), Arg((c,)), Arg((c,))],
         _bn_ref, atol=1e-4)
_add("batch_norm-train-noaffine", lambda x: N.batch_norm(x, None, None, training=True), [Arg((5, 3))],
     lambda x: _bn_ref(x))
_add("batch_norm-train-noncontig", lambda x, w: N.batch_norm(x, None, None, w, training=True),
     [Arg((4, 3), noncontig=True), Arg((3,))], lambda x, w: _bn_ref(x, w))


def _bn_eval(x, rm, rv, w, b):
    return N.batch_norm(x, rm, rv, w, b, training=False, eps=1e-3)


_add("batch_norm-eval", _bn_eval,
     [Arg((4, 3, 2)), Arg((3,), requires_grad=False), Arg((3,), 0.5, 2.0, requires_grad=False), Arg((3,)), Arg((3,))],
     lambda x, rm, rv, w, b: ((x - rm[:, None]) / np.sqrt(rv[:, None] + 1e-3)) * w[:, None] + b[:, None])

for shape, ns in [((4, 5), (5,)), ((2, 3, 4), (4,)), ((2, 3, 4), (3, 4)), ((5,), 5), ((3, 4), (4,))]:
    nsh = (ns,) if isinstance(ns, int) else ns
    axes = tuple(range(len(shape) - len(nsh), len(shape)))
    _add(f"layer_norm-{shape}-{nsh}", lambda x, w, b, ns=ns: N.layer_norm(x, ns, w, b),
         [Arg(shape, noncontig=shape == (3, 4)), Arg(nsh), Arg(nsh)],
         lambda x, w, b, a=axes: _np_norm(x, a, 1e-5, w, b), atol=1e-4)
_add("layer_norm-noaffine", lambda x: N.layer_norm(x, (3,), eps=1e-3), [Arg((2, 3))],
     lambda x: _np_norm(x, (1,), 1e-3))
_add("layer_norm-weight-only", lambda x, w: N.layer_norm(x, [4], w), [Arg((3, 4)), Arg((4,))],
     lambda x, w: _np_norm(x, (1,), 1e-5, w))


def _gn_ref(x, g, w=None, b=None, eps=1e-5):
    n, c = x.shape[:2]
    xr = x.reshape(n, g, -1)
    y = ((xr - xr.mean(2, keepdims=True)) / np.sqrt(xr.var(2, keepdims=True) + eps)).reshape(x.shape)
    ws = (1, c) + (1,) * (x.ndim - 2)
    return y * (w.reshape(ws) if w is not None else 1) + (b.reshape(ws) if b is not None else 0)


_add("group_norm", lambda x, w, b: N.group_norm(x, 2, w, b), [Arg((2, 4, 3)), Arg((4,)), Arg((4,))],
     lambda x, w, b: _gn_ref(x, 2, w, b), atol=1e-4)
_add("group_norm-4d", lambda x, w, b: N.group_norm(x, 3, w, b), [Arg((2, 6, 2, 2)), Arg((6,)), Arg((6,))],
     lambda x, w, b: _gn_ref(x, 3, w, b), atol=1e-4)
_add("group_norm-1group-noaffine", lambda x: N.group_norm(x, 1), [Arg((3, 2, 2))], lambda x: _gn_ref(x, 1))
_add("group_norm-2d", lambda x: N.group_norm(x, 2), [Arg((3, 4))], lambda x: _gn_ref(x, 2))

_add("instance_norm", lambda x, w, b: N.instance_norm(x, weight=w, bias=b), [Arg((2, 3, 4)), Arg((3,)), Arg((3,))],
     lambda x, w, b: _np_norm(x, (2,), 1e-5, w, b, (1, 3, 1)), atol=1e-4)
_add("instance_norm-4d", lambda x: N.instance_norm(x), [Arg((2, 2, 2, 3))], lambda x: _np_norm(x, (2, 3), 1e-5))
_add("instance_norm-eval", lambda x, rm, rv: N.instance_norm(x, rm, rv, use_input_stats=False),
     [Arg((2, 3, 4)), Arg((3,), requires_grad=False), Arg((3,), 0.5, 2, requires_grad=False)],
     lambda x, rm, rv: (x - rm[:, None]) / np.sqrt(rv[:, None] + 1e-5))


def _rms_ref(x, k, w=None, eps=None):
    eps = np.finfo(x.dtype).eps if eps is None else eps
    axes = tuple(range(x.ndim - k, x.ndim))
    y = x / np.sqrt((x * x).mean(axis=axes, keepdims=True) + eps)
    return y * w if w is not None else y


_add("rms_norm", lambda x, w: N.rms_norm(x, (4,), w), [Arg((3, 4)), Arg((4,))], lambda x, w: _rms_ref(x, 1, w))
_add("rms_norm-2dims-eps", lambda x: N.rms_norm(x, (3, 4), eps=1e-3), [Arg((2, 3, 4))],
     lambda x: _rms_ref(x, 2, eps=1e-3))
_add("rms_norm-int-shape", lambda x, w: N.rms_norm(x, 5, w, 1e-6), [Arg((5,)), Arg((5,))],
     lambda x, w: _rms_ref(x, 1, w, 1e-6))


def _np_vnorm(x, p, axis, keepdims=False):
    a = np.abs(x)
    if p == math.inf:
        return a.max(axis=axis, keepdims=keepdims)
    return (a ** p).sum(axis=axis, keepdims=keepdims) ** (1 / p)


for p, dim in [(2, 1), (1, 0), (3.0, -1), (math.inf, 1), (2, (0, 1))]:
    _add(f"normalize-p{p}-dim{dim}", lambda x, p=p, d=dim: N.normalize(x, p, d), [Arg((3, 4))],
         lambda x, p=p, d=dim: x / np.maximum(_np_vnorm(x, p, d, True), 1e-12))
_add("normalize-zero-row", N.normalize, [Arg((2, 3), values=[[0.5, -1.0, 2.0], [0.0, 0.0, 0.0]])],
     lambda x: x / np.maximum(_np_vnorm(x, 2, 1, True), 1e-12), grad=False)


def _cos_ref(a, b, axis=1, eps=1e-8):
    na = np.maximum(np.sqrt((a * a).sum(axis, keepdims=True)), eps)
    nb = np.maximum(np.sqrt((b * b).sum(axis, keepdims=True)), eps)
    return ((a / na) * (b / nb)).sum(axis)


_add("cosine_similarity", N.cosine_similarity, [Arg((3, 4)), Arg((3, 4))], _cos_ref)
_add("cosine_similarity-dim-1", lambda a, b: N.cosine_similarity(a, b, dim=-1), [Arg((2, 3, 4)), Arg((2, 3, 4))],
     lambda a, b: _cos_ref(a, b, -1))
_add("cosine_similarity-broadcast", lambda a, b: N.cosine_similarity(a, b, 0), [Arg((4, 3)), Arg((4, 1))],
     lambda a, b: _cos_ref(a, np.broadcast_to(b, (4, 3)), 0))
_add("pairwise_distance", N.pairwise_distance, [Arg((3, 4)), Arg((3, 4))],
     lambda a, b: _np_vnorm(a - b + 1e-6, 2, -1))
_add("pairwise_distance-p1-keepdim", lambda a, b: N.pairwise_distance(a, b, 1.0, keepdim=True),
     [Arg((3, 4)), Arg((4,))], lambda a, b: _np_vnorm(a - b + 1e-6, 1, -1, True))
_add("pairwise_distance-p3-1d", lambda a, b: N.pairwise_distance(a, b, 3), [Arg((5,)), Arg((5,))],
     lambda a, b: _np_vnorm(a - b + 1e-6, 3, -1))
_add("pairwise_distance-inf", lambda a, b: N.pairwise_distance(a, b, math.inf), [Arg((3, 4)), Arg((3, 4))],
     lambda a, b: _np_vnorm(a - b + 1e-6, math.inf, -1))


# ---------------------------------------------------------------------------- losses
def _red(loss, reduction):
    return {"none": loss, "mean": np.mean(loss), "sum": np.sum(loss)}[reduction]


_REDS = ("mean", "sum", "none")

for red in _REDS:
    _add(f"mse_loss-{red}", lambda x, t, r=red: L.mse_loss(x, t, reduction=r), [Arg((3, 4)), Arg((3, 4))],
         lambda x, t, r=red: _red((x - t) ** 2, r))
    _add(f"l1_loss-{red}", lambda x, t, r=red: L.l1_loss(x, t, reduction=r), [Arg((3, 4)), Arg((3, 4))],
         lambda x, t, r=red: _red(np.abs(x - t), r))
    _add(f"smooth_l1_loss-{red}", lambda x, t, r=red: L.smooth_l1_loss(x, t, reduction=r, beta=0.5),
         [Arg((3, 4)), Arg((3, 4))],
         lambda x, t, r=red: _red(np.where(np.abs(x - t) < 0.5, 0.5 * (x - t) ** 2 / 0.5, np.abs(x - t) - 0.25), r))
    _add(f"huber_loss-{red}", lambda x, t, r=red: L.huber_loss(x, t, reduction=r, delta=0.7),
         [Arg((3, 4)), Arg((3, 4))],
         lambda x, t, r=red: _red(np.where(np.abs(x - t) < 0.7, 0.5 * (x - t) ** 2, 0.7 * (np.abs(x - t) - 0.35)),
                                  r))
_add("mse_loss-0d", L.mse_loss, [Arg(()), Arg(())], lambda x, t: (x - t) ** 2)
_add("mse_loss-weight", lambda x, t, w: L.mse_loss(x, t, weight=w), [Arg((3, 4)), Arg((3, 4)), Arg((3, 4), 0.1, 1)],
     lambda x, t, w: ((x - t) ** 2 * w).sum() / w.sum())
_add("l1_loss-weight-sum", lambda x, t, w: L.l1_loss(x, t, reduction="sum", weight=w),
     [Arg((3, 4)), Arg((3, 4)), Arg((3, 4), 0.1, 1)], lambda x, t, w: (np.abs(x - t) * w).sum())
_add("huber_loss-weight", lambda x, t, w: L.huber_loss(x, t, weight=w), [Arg((5,)), Arg((5,)), Arg((5,), 0.1, 1)],
     lambda x, t, w: (np.where(np.abs(x - t) < 1, 0.5 * (x - t) ** 2, np.abs(x - t) - 0.5) * w).mean())
_add("smooth_l1_loss-beta0", lambda x, t: L.smooth_l1_loss(x, t, beta=0.0), [Arg((3, 4)), Arg((3, 4))],
     lambda x, t: np.abs(x - t).mean())
_add("mse_loss-target-nograd", L.mse_loss, [Arg((3, 4)), Arg((3, 4), requires_grad=False)],
     lambda x, t: ((x - t) ** 2).mean())


def _np_ce(x, t, w=None, ignore=-100, red="mean", eps=0.0, logits=True):
    """Reference cross entropy / nll with class indices; x (N, C, ...) or (C,), t (N, ...) or ()."""
    if x.ndim == 1:
        x, t = x[None], np.asarray(t)[None]
        unbatched = True
    else:
        unbatched = False
    c = x.shape[1]
    logp = _np_log_softmax(x, 1) if logits else x
    w = np.ones(c) if w is None else w
    valid = t != ignore
    ts = np.where(valid, t, 0)
    picked = np.take_along_axis(logp, ts[:, None], 1)[:, 0]
    wt = w[ts] * valid
    loss = -(1 - eps) * wt * picked
    if eps:
        wshape = (1, c) + (1,) * (x.ndim - 2)
        loss = loss - eps / c * (logp * w.reshape(wshape)).sum(1) * valid
    if red == "none":
        return loss[0] if unbatched else loss
    if red == "sum":
        return loss.sum()
    return loss.sum() / wt.sum()


_T4 = Arg((4,), values=[1, 0, 4, 2], dtype="int64", requires_grad=False)
_T4I = Arg((4,), values=[1, -100, 4, 2], dtype="int64", requires_grad=False)
_W5 = Arg((5,), 0.2, 1.5, requires_grad=False)
for red in _REDS:
    _add(f"cross_entropy-{red}", lambda x, t, r=red: L.cross_entropy(x, t, reduction=r), [Arg((4, 5)), _T4],
         lambda x, t, r=red: _np_ce(x, t, red=r))
    _add(f"cross_entropy-weight-ignore-{red}",
         lambda x, t, w, r=red: L.cross_entropy(x, t, w, reduction=r), [Arg((4, 5)), _T4I, _W5],
         lambda x, t, w, r=red: _np_ce(x, t, w, red=r))
    _add(f"cross_entropy-smoothing-{red}",
         lambda x, t, w, r=red: L.cross_entropy(x, t, w, reduction=r, label_smoothing=0.2), [Arg((4, 5)), _T4I, _W5],
         lambda x, t, w, r=red: _np_ce(x, t, w, red=r, eps=0.2))
    _add(f"cross_entropy-smoothing-noweight-{red}",
         lambda x, t, r=red: L.cross_entropy(x, t, reduction=r, label_smoothing=0.1), [Arg((4, 5)), _T4],
         lambda x, t, r=red: _np_ce(x, t, red=r, eps=0.1))
    _add(f"cross_entropy-spatial-{red}",
         lambda x, t, r=red: L.cross_entropy(x, t, reduction=r, ignore_index=2),
         [Arg((2, 3, 2, 2)), Arg((2, 2, 2), 0, 3, dtype="int64", requires_grad=False)],
         lambda x, t, r=red: _np_ce(x, t, ignore=2, red=r))
    _add(f"nll_loss-{red}", lambda x, t, r=red: L.nll_loss(x, t, reduction=r), [Arg((4, 5), -3, 0), _T4],
         lambda x, t, r=red: _np_ce(x, t, red=r, logits=False))
    _add(f"nll_loss-weight-ignore-{red}", lambda x, t, w, r=red: L.nll_loss(x, t, w, reduction=r),
         [Arg((4, 5), -3, 0), _T4I, _W5], lambda x, t, w, r=red: _np_ce(x, t, w, red=r, logits=False))
_add("cross_entropy-unbatched", L.cross_entropy, [Arg((5,)), Arg((), values=3, dtype="int64", requires_grad=False)],
     lambda x, t: _np_ce(x, t))
_add("cross_entropy-unbatched-none", lambda x, t: L.cross_entropy(x, t, reduction="none"),
     [Arg((5,)), Arg((), values=3, dtype="int64", requires_grad=False)], lambda x, t: _np_ce(x, t, red="none"))
_add("cross_entropy-noncontig", L.cross_entropy, [Arg((5, 4), noncontig=True),
     Arg((5,), values=[0, 1, 2, 3, 0], dtype="int64", requires_grad=False)], lambda x, t: _np_ce(x, t))
_add("cross_entropy-3d-smoothing", lambda x, t: L.cross_entropy(x, t, label_smoothing=0.3),
     [Arg((2, 4, 3)), Arg((2, 3), 0, 4, dtype="int64", requires_grad=False)], lambda x, t: _np_ce(x, t, eps=0.3))
_add("nll_loss-spatial", L.nll_loss, [Arg((2, 3, 4), -3, 0), Arg((2, 4), 0, 3, dtype="int64", requires_grad=False)],
     lambda x, t: _np_ce(x, t, logits=False))
_add("nll_loss-unbatched", L.nll_loss, [Arg((3,), -3, 0), Arg((), values=1, dtype="int64", requires_grad=False)],
     lambda x, t: _np_ce(x, t, logits=False))


def _np_ce_probs(x, q, w=None, red="mean", eps=0.0):
    axis = 1 if x.ndim >= 2 else 0
    c = x.shape[axis]
    q = q * (1 - eps) + eps / c
    prod = _np_log_softmax(x, axis) * q
    if w is not None:
        prod = prod * w.reshape((c,) + (1,) * (x.ndim - axis - 1))
    loss = -prod.sum(axis)
    if red == "mean":
        return loss.sum() / (x.size / c)
    return _red(loss, red)


for red in _REDS:
    _add(f"cross_entropy-probs-{red}", lambda x, q, r=red: L.cross_entropy(x, q, reduction=r),
         [Arg((3, 4)), Arg((3, 4), 0, 1)], lambda x, q, r=red: _np_ce_probs(x, q, red=r))
_add("cross_entropy-probs-weight-smoothing", lambda x, q, w: L.cross_entropy(x, q, w, label_smoothing=0.2),
     [Arg((2, 3, 2)), Arg((2, 3, 2), 0, 1), Arg((3,), 0.5, 1.5, requires_grad=False)],
     lambda x, q, w: _np_ce_probs(x, q, w, eps=0.2))
_add("cross_entropy-probs-unbatched", L.cross_entropy, [Arg((4,)), Arg((4,), 0, 1)],
     lambda x, q: _np_ce_probs(x, q))


def _np_bce(x, t, w=None):
    loss = -(t * np.maximum(np.log(x), -100) + (1 - t) * np.maximum(np.log(1 - x), -100))
    return loss * w if w is not None else loss


def _np_bce_logits(x, t, w=None, pw=None):
    lw = 1 if pw is None else 1 + (pw - 1) * t
    loss = (1 - t) * x + lw * _softplus(-x)
    return loss * w if w is not None else loss


for red in _REDS:
    _add(f"binary_cross_entropy-{red}", lambda x, t, r=red: L.binary_cross_entropy(x, t, reduction=r),
         [Arg((3, 4), 0.05, 0.95), Arg((3, 4), 0, 1)], lambda x, t, r=red: _red(_np_bce(x, t), r))
    _add(f"bce_with_logits-{red}", lambda x, t, r=red: L.binary_cross_entropy_with_logits(x, t, reduction=r),
         [Arg((3, 4), -4, 4), Arg((3, 4), 0, 1)], lambda x, t, r=red: _red(_np_bce_logits(x, t), r))
_add("binary_cross_entropy-weight", lambda x, t, w: L.binary_cross_entropy(x, t, w),
     [Arg((3, 4), 0.05, 0.95), Arg((3, 4), 0, 1), Arg((4,), 0.1, 1)], lambda x, t, w: _np_bce(x, t, w).mean())
_add("bce_with_logits-weight-pos_weight",
     lambda x, t, w, pw: L.binary_cross_entropy_with_logits(x, t, w, pos_weight=pw),
     [Arg((3, 4)), Arg((3, 4), 0, 1), Arg((3, 1), 0.1, 1), Arg((4,), 0.5, 3)],
     lambda x, t, w, pw: _np_bce_logits(x, t, w, pw).mean())
_add("bce_with_logits-pos_weight-sum", lambda x, t, pw: L.binary_cross_entropy_with_logits(
     x, t, reduction="sum", pos_weight=pw), [Arg((5,)), Arg((5,), 0, 1), Arg((5,), 0.5, 3)],
     lambda x, t, pw: _np_bce_logits(x, t, pw=pw).sum())
_add("soft_margin_loss", L.soft_margin_loss,
     [Arg((2, 3)), Arg((2, 3), values=[[1.0, -1, 1], [-1, -1, 1]], requires_grad=False)],
     lambda x, t: _softplus(-t * x).mean())
_add("multilabel_soft_margin_loss", lambda x, t, w: L.multilabel_soft_margin_loss(x, t, w, reduction="sum"),
     [Arg((2, 3)), Arg((2, 3), 0, 1), Arg((3,), 0.2, 1)],
     lambda x, t, w: ((t * _softplus(-x) + (1 - t) * _softplus(x)) * w).sum(-1).sum() / 3)

def _kl_div(x, t, r):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reduction='mean' warns, as in PyTorch
        return L.kl_div(x, t, reduction=r)


for red in _REDS + ("batchmean",):
    _add(f"kl_div-{red}", lambda x, t, r=red: _kl_div(x, t, r),
         [Arg((3, 4), -3, 0), Arg((3, 4), 0.05, 1)],
         lambda x, t, r=red: (t * (np.log(t) - x)).sum() / 3 if r == "batchmean" else _red(t * (np.log(t) - x), r))
_add("kl_div-log_target", lambda x, t: L.kl_div(x, t, reduction="sum", log_target=True),
     [Arg((3, 4), -3, 0), Arg((3, 4), -3, 0)], lambda x, t: (np.exp(t) * (t - x)).sum())
_add("kl_div-zero-target", lambda x, t: L.kl_div(x, t, reduction="sum"),
     [Arg((4,), -3, 0), Arg((4,), values=[0.0, 0.5, 0.0, 0.5], requires_grad=False)],
     lambda x, t: np.where(t > 0, t * (np.log(np.where(t > 0, t, 1)) - x), 0).sum())

for red in _REDS:
    _add(f"poisson_nll_loss-{red}", lambda x, t, r=red: L.poisson_nll_loss(x, t, reduction=r),
         [Arg((3, 4)), Arg((3, 4), 0, 4)], lambda x, t, r=red: _red(np.exp(x) - t * x, r))
_add("poisson_nll_loss-not-log", lambda x, t: L.poisson_nll_loss(x, t, log_input=False),
     [Arg((3, 4), 0.2, 3), Arg((3, 4), 0, 4)], lambda x, t: (x - t * np.log(x + 1e-8)).mean())
_add("poisson_nll_loss-full", lambda x, t: L.poisson_nll_loss(x, t, full=True, reduction="sum"),
     [Arg((3, 4)), Arg((3, 4), 0, 4)],
     lambda x, t: (np.exp(x) - t * x + np.where(t > 1, t * np.log(np.maximum(t, 1)) - t +
                                                 0.5 * np.log(2 * np.pi * np.maximum(t, 1)), 0)).sum())


def _np_gnll(x, t, v, full=False, eps=1e-6, red="mean"):
    v = np.maximum(v, eps)
    loss = 0.5 * (np.log(v) + (x - t) ** 2 / v) + (0.5 * math.log(2 * math.pi) if full else 0)
    return _red(loss, red)


for red in _REDS:
    _add(f"gaussian_nll_loss-{red}", lambda x, t, v, r=red: L.gaussian_nll_loss(x, t, v, reduction=r),
         [Arg((3, 4)), Arg((3, 4)), Arg((3, 4), 0.2, 2)], lambda x, t, v, r=red: _np_gnll(x, t, v, red=r))
_add("gaussian_nll_loss-homoscedastic", lambda x, t, v: L.gaussian_nll_loss(x, t, v, full=True),
     [Arg((3, 4)), Arg((3, 4)), Arg((3,), 0.2, 2)], lambda x, t, v: _np_gnll(x, t, v[:, None], full=True))
_add("gaussian_nll_loss-lastdim1", lambda x, t, v: L.gaussian_nll_loss(x, t, v),
     [Arg((3, 4)), Arg((3, 4)), Arg((3, 1), 0.2, 2)], lambda x, t, v: _np_gnll(x, t, v))
_add("gaussian_nll_loss-float-var", lambda x, t: L.gaussian_nll_loss(x, t, 0.5, reduction="sum"),
     [Arg((3, 4)), Arg((3, 4))], lambda x, t: _np_gnll(x, t, 0.5, red="sum"))

_PM = [1.0, -1.0, -1.0, 1.0]
for red in _REDS:
    _add(f"hinge_embedding_loss-{red}", lambda x, t, r=red: L.hinge_embedding_loss(x, t, margin=0.5, reduction=r),
         [Arg((4,), -1, 1), Arg((4,), values=_PM, requires_grad=False)],
         lambda x, t, r=red: _red(np.where(t == 1, x, np.maximum(0, 0.5 - x)), r))
    _add(f"margin_ranking_loss-{red}", lambda a, b, t, r=red: L.margin_ranking_loss(a, b, t, 0.2, reduction=r),
         [Arg((4,)), Arg((4,)), Arg((4,), values=_PM, requires_grad=False)],
         lambda a, b, t, r=red: _red(np.maximum(0, -t * (a - b) + 0.2), r))


def _np_cos_emb(a, b, t, margin):
    cos = (a * b).sum(-1) / np.sqrt(((a * a).sum(-1) + 1e-12) * ((b * b).sum(-1) + 1e-12))
    return np.where(t == 1, 1 - cos, np.maximum(0, cos - margin))


for red in _REDS:
    _add(f"cosine_embedding_loss-{red}", lambda a, b, t, r=red: L.cosine_embedding_loss(a, b, t, 0.1, reduction=r),
         [Arg((4, 3)), Arg((4, 3)), Arg((4,), values=_PM, dtype="int64", requires_grad=False)],
         lambda a, b, t, r=red: _red(_np_cos_emb(a, b, t, 0.1), r))
_add("cosine_embedding_loss-1d", L.cosine_embedding_loss,
     [Arg((3,)), Arg((3,)), Arg((), values=-1, dtype="int64", requires_grad=False)],
     lambda a, b, t: _np_cos_emb(a, b, t, 0))


def _np_triplet(a, p, n, margin=1.0, pn=2, eps=1e-6, swap=False):
    d_ap = _np_vnorm(a - p + eps, pn, -1)
    d_an = _np_vnorm(a - n + eps, pn, -1)
    if swap:
        d_an = np.minimum(d_an, _np_vnorm(p - n + eps, pn, -1))
    return np.maximum(d_ap - d_an + margin, 0)


for red in _REDS:
    _add(f"triplet_margin_loss-{red}", lambda a, p, n, r=red: L.triplet_margin_loss(a, p, n, reduction=r),
         [Arg((4, 3)), Arg((4, 3)), Arg((4, 3))], lambda a, p, n, r=red: _red(_np_triplet(a, p, n), r))
_add("triplet_margin_loss-swap-p1", lambda a, p, n: L.triplet_margin_loss(a, p, n, 2.0, p=1, swap=True),
     [Arg((4, 3)), Arg((4, 3)), Arg((4, 3))], lambda a, p, n: _np_triplet(a, p, n, 2.0, 1, swap=True).mean())


# ---------------------------------------------------------------------------- ctc_loss (first derivatives only)
def _np_ctc(lp, tg, il, tl, blank=0):
    """Reference CTC negative log likelihood by brute-force dynamic programming over the extended labels."""
    out = []
    for n in range(lp.shape[1]):
        ext = [blank]
        for k in tg[n][:tl[n]]:
            ext += [int(k), blank]
        alpha = np.full(len(ext), -np.inf)
        alpha[0] = lp[0, n, ext[0]]
        if len(ext) > 1:
            alpha[1] = lp[0, n, ext[1]]
        for t in range(1, il[n]):
            new = np.full(len(ext), -np.inf)
            for s in range(len(ext)):
                terms = [alpha[s]] + ([alpha[s - 1]] if s >= 1 else [])
                if s >= 2 and ext[s] != blank and ext[s] != ext[s - 2]:
                    terms.append(alpha[s - 2])
                new[s] = np.logaddexp.reduce(terms) + lp[t, n, ext[s]]
            alpha = new
        out.append(-np.logaddexp.reduce(alpha[-2:]) if len(ext) > 1 else -alpha[0])
    return np.array(out)


_TG = Arg((3, 3), values=[[1, 2, 2], [3, 1, 0], [4, 0, 0]], dtype="int64", requires_grad=False)
_IL, _TL = (7, 5, 6), (3, 2, 1)
for red in _REDS:
    _add(f"ctc_loss-{red}", lambda x, t, r=red: C.ctc_loss(A.log_softmax(x, 2), t, _IL, _TL, reduction=r),
         [Arg((7, 3, 5)), _TG],
         lambda x, t, r=red: _red(_np_ctc(_np_log_softmax(x, 2), t, _IL, _TL) /
                                  (np.maximum(_TL, 1) if r == "mean" else 1), r), gradgrad=False)
_add("ctc_loss-raw-blank", lambda x, t: C.ctc_loss(x, t, _IL, _TL, blank=4, reduction="sum"),
     [Arg((7, 3, 5), -3, 0), Arg((3, 3), values=[[1, 2, 2], [3, 1, 0], [0, 0, 0]], dtype="int64",
                                  requires_grad=False)],
     lambda x, t: _np_ctc(x, t, _IL, _TL, blank=4).sum(), gradgrad=False)
_add("ctc_loss-unbatched-concat", lambda x, t: C.ctc_loss(A.log_softmax(x, 1), t, [4], [2], reduction="none"),
     [Arg((4, 3)), Arg((2,), values=[1, 2], dtype="int64", requires_grad=False)],
     lambda x, t: _np_ctc(_np_log_softmax(x, 1)[:, None], t[None], [4], [2])[0], gradgrad=False)
_add("ctc_loss-empty-target", lambda x, t: C.ctc_loss(A.log_softmax(x, 2), t, (3, 2), (0, 1), reduction="none"),
     [Arg((3, 2, 3)), Arg((2, 1), values=[[0], [2]], dtype="int64", requires_grad=False)],
     lambda x, t: _np_ctc(_np_log_softmax(x, 2), t, (3, 2), (0, 1)), gradgrad=False)


# ---------------------------------------------------------------------------- attention
def _np_attention(q, k, v, mask=None, causal=False, scale=None):
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else scale
    s = q @ np.swapaxes(k, -1, -2) * scale
    if causal:
        mask = np.tril(np.ones((q.shape[-2], k.shape[-2]), dtype=bool))
    if mask is not None:
        s = np.where(mask, s, -np.inf) if mask.dtype == bool else s + mask
    mx = s.max(-1, keepdims=True)
    e = np.exp(s - np.where(np.isfinite(mx), mx, 0))
    tot = e.sum(-1, keepdims=True)
    return (e / np.where(tot == 0, 1, tot)) @ v


_Q, _K, _V = Arg((2, 3, 4)), Arg((2, 5, 4)), Arg((2, 5, 6))
_add("sdpa", T.scaled_dot_product_attention, [_Q, _K, _V], _np_attention)
_add("sdpa-4d", T.scaled_dot_product_attention, [Arg((2, 2, 3, 4)), Arg((2, 2, 5, 4)), Arg((2, 2, 5, 3))],
     _np_attention)
_add("sdpa-2d", T.scaled_dot_product_attention, [Arg((3, 4)), Arg((5, 4)), Arg((5, 2))], _np_attention)
_add("sdpa-causal", lambda q, k, v: T.scaled_dot_product_attention(q, k, v, is_causal=True), [_Q, Arg((2, 3, 4)),
     Arg((2, 3, 6))], lambda q, k, v: _np_attention(q, k, v, causal=True))
_add("sdpa-scale", lambda q, k, v: T.scaled_dot_product_attention(q, k, v, scale=0.3), [_Q, _K, _V],
     lambda q, k, v: _np_attention(q, k, v, scale=0.3))
_BOOL_MASK = [[True, False, True, True, False], [False, False, False, False, False], [True, True, True, True, True]]
_add("sdpa-bool-mask", T.scaled_dot_product_attention,
     [_Q, _K, _V, Arg((3, 5), values=_BOOL_MASK, dtype="bool", requires_grad=False)],
     lambda q, k, v, m: _np_attention(q, k, v, m))
_add("sdpa-float-mask", T.scaled_dot_product_attention, [_Q, _K, _V, Arg((2, 1, 5))],
     lambda q, k, v, m: _np_attention(q, k, v, m))
_add("sdpa-broadcast-batch", T.scaled_dot_product_attention, [Arg((2, 2, 3, 4)), Arg((1, 2, 5, 4)),
     Arg((1, 2, 5, 3))], _np_attention)
