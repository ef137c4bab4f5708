"""Activation, dropout, normalization, loss and transformer layers: numpy references, modes, reprs, gradients."""
import copy
import math

import numpy as np
import pytest

import autograd as ag
import nn


def _t(*shape, seed=0, grad=False, dtype="float64"):
    arr = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return ag.tensor(arr, requires_grad=grad)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


# ---------------------------------------------------------------------------- activations
_ACTS = [
    (nn.ReLU(), lambda x: np.maximum(x, 0), "ReLU()"),
    (nn.ReLU6(inplace=True), lambda x: np.clip(x, 0, 6), "ReLU6(inplace=True)"),
    (nn.LeakyReLU(0.2), lambda x: np.where(x > 0, x, 0.2 * x), "LeakyReLU(negative_slope=0.2)"),
    (nn.ELU(0.5, inplace=True), lambda x: np.where(x > 0, x, 0.5 * np.expm1(x)), "ELU(alpha=0.5, inplace=True)"),
    (nn.SELU(), lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x)), "SELU()"),
    (nn.CELU(2.0), lambda x: np.maximum(x, 0) + np.minimum(0, 2 * np.expm1(x / 2)), "CELU(alpha=2.0)"),
    (nn.GELU(), lambda x: 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2))), "GELU(approximate='none')"),
    (nn.GELU("tanh"), lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3))),
     "GELU(approximate='tanh')"),
    (nn.SiLU(), lambda x: x * _sigmoid(x), "SiLU()"),
    (nn.Mish(), lambda x: x * np.tanh(np.logaddexp(0, x)), "Mish()"),
    (nn.Softplus(2.0, 5.0), lambda x: np.where(2 * x > 5, x, np.logaddexp(0, 2 * x) / 2),
     "Softplus(beta=2.0, threshold=5.0)"),
    (nn.Softsign(), lambda x: x / (1 + np.abs(x)), "Softsign()"),
    (nn.Hardtanh(-0.5, 0.5), lambda x: np.clip(x, -0.5, 0.5), "Hardtanh(min_val=-0.5, max_val=0.5)"),
    (nn.Hardswish(), lambda x: x * np.clip(x + 3, 0, 6) / 6, "Hardswish()"),
    (nn.Hardsigmoid(), lambda x: np.clip(x + 3, 0, 6) / 6, "Hardsigmoid()"),
    (nn.Hardshrink(0.3), lambda x: np.where(np.abs(x) > 0.3, x, 0), "Hardshrink(0.3)"),
    (nn.Softshrink(), lambda x: np.sign(x) * np.maximum(np.abs(x) - 0.5, 0), "Softshrink(0.5)"),
    (nn.Tanhshrink(), lambda x: x - np.tanh(x), "Tanhshrink()"),
    (nn.Threshold(0.1, -2.0), lambda x: np.where(x > 0.1, x, -2.0), "Threshold(threshold=0.1, value=-2.0)"),
    (nn.GLU(), lambda x: x[..., :2] * _sigmoid(x[..., 2:]), "GLU(dim=-1)"),
    (nn.Sigmoid(), _sigmoid, "Sigmoid()"),
    (nn.Tanh(), np.tanh, "Tanh()"),
    (nn.LogSigmoid(), lambda x: -np.logaddexp(0, -x), "LogSigmoid()"),
    (nn.Softmax(dim=1), lambda x: np.exp(x) / np.exp(x).sum(1, keepdims=True), "Softmax(dim=1)"),
    (nn.LogSoftmax(dim=-1), lambda x: x - np.log(np.exp(x).sum(-1, keepdims=True)), "LogSoftmax(dim=-1)"),
    (nn.Softmin(dim=0), lambda x: np.exp(-x) / np.exp(-x).sum(0, keepdims=True), "Softmin(dim=0)"),
]


@pytest.mark.parametrize("layer, ref, rep", _ACTS, ids=[r for _, _, r in _ACTS])
def test_activation_layers_forward_repr_and_gradcheck(layer, ref, rep):
    x = _t(3, 4, seed=1) * 2
    np.testing.assert_allclose(layer(x.detach().clone()).array, ref(x.array), rtol=1e-10, atol=1e-12)
    assert repr(layer) == rep
    assert list(layer.parameters()) == []
    if getattr(layer, "inplace", False):
        return
    assert ag.gradcheck(layer, [x.detach().requires_grad_(True)])


def test_inplace_activation_modifies_its_input():
    x = ag.tensor([-1.0, 2.0, 7.0])
    y = nn.ReLU6(inplace=True)(x)
    assert y is x
    np.testing.assert_array_equal(x.array, [0.0, 2.0, 6.0])
    leaf = ag.tensor([-1.0, 1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        nn.ReLU(inplace=True)(leaf)
    h = leaf * 2  # a non-leaf can be changed in place and still backpropagates
    nn.ReLU(inplace=True)(h)
    h.sum().backward()
    np.testing.assert_array_equal(leaf.grad.array, [0.0, 2.0])


def test_prelu_layer():
    layer = nn.PReLU(3).double()
    assert repr(layer) == "PReLU(num_parameters=3)"
    np.testing.assert_array_equal(layer.weight.array, [0.25] * 3)
    x = _t(2, 3, 4)
    np.testing.assert_allclose(layer(x).array, np.where(x.array > 0, x.array, 0.25 * x.array))
    assert ag.gradcheck(lambda a, w: nn.functional.prelu(a, w), [x.requires_grad_(True), layer.weight])
    assert nn.PReLU()(_t(5)).shape == (5,)


# ---------------------------------------------------------------------------- dropout
def test_dropout_layers_train_and_eval():
    ag.manual_seed(0)
    x = ag.ones(100, 100)
    d = nn.Dropout(0.3)
    assert repr(d) == "Dropout(p=0.3, inplace=False)"
    y = d(x)
    assert abs((y.array == 0).mean() - 0.3) < 0.02
    d.eval()
    assert d(x) is x
    d2 = nn.Dropout2d(0.5)
    y = d2(ag.ones(4, 8, 3, 3)).array.reshape(4, 8, 9)
    assert ((y == 0).all(-1) | (y == 2).all(-1)).all()
    assert repr(nn.Dropout1d(0.2, inplace=True)) == "Dropout1d(p=0.2, inplace=True)"
    assert nn.Dropout1d(0.5)(ag.ones(2, 3, 4)).shape == (2, 3, 4)
    a = nn.AlphaDropout(0.2)
    assert a(x).shape == x.shape
    with pytest.raises(ValueError, match="Dropout: dropout probability has to be between 0 and 1, but got 1.5"):
        nn.Dropout(1.5)


# ---------------------------------------------------------------------------- normalization
def _bn_ref(x, w, b, eps=1e-5):
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    y = (x - x.mean(axes, keepdims=True)) / np.sqrt(x.var(axes, keepdims=True) + eps)
    return y * w.reshape(shape) + b.reshape(shape)


def test_batchnorm2d_train_eval_running_stats_and_repr():
    bn = nn.BatchNorm2d(3).double()
    assert repr(bn) == "BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)"
    assert [k for k, _ in bn.named_parameters()] == ["weight", "bias"]
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    with ag.no_grad():
        bn.weight.copy_(ag.tensor([1.0, 2.0, 0.5]))
        bn.bias.copy_(ag.tensor([0.0, -1.0, 1.0]))
    x = _t(4, 3, 2, 5, seed=3)
    y = bn(x)
    np.testing.assert_allclose(y.array, _bn_ref(x.array, bn.weight.array, bn.bias.array), rtol=1e-9, atol=1e-12)
    n = 4 * 2 * 5
    np.testing.assert_allclose(bn.running_mean.array, 0.1 * x.array.mean((0, 2, 3)))
    np.testing.assert_allclose(bn.running_var.array, 0.9 + 0.1 * x.array.var((0, 2, 3)) * n / (n - 1))
    assert bn.num_batches_tracked.item() == 1 and bn.num_batches_tracked.dtype == ag.int64
    bn.eval()
    y = bn(x)
    ref = (x.array - bn.running_mean.array[:, None, None]) / np.sqrt(bn.running_var.array[:, None, None] + 1e-5)
    np.testing.assert_allclose(y.array, ref * bn.weight.array[:, None, None] + bn.bias.array[:, None, None])
    assert bn.num_batches_tracked.item() == 1
    assert ag.gradcheck(bn, [_t(2, 3, 2, 2, grad=True)])


def test_batchnorm_cumulative_average_and_no_tracking():
    bn = nn.BatchNorm1d(2, momentum=None).double()
    xs = [_t(5, 2, seed=s) for s in range(3)]
    for x in xs:
        bn(x)
    np.testing.assert_allclose(bn.running_mean.array, np.mean([x.array.mean(0) for x in xs], 0))
    np.testing.assert_allclose(bn.running_var.array, np.mean([x.array.var(0, ddof=1) for x in xs], 0))
    free = nn.BatchNorm1d(2, affine=False, track_running_stats=False).double()
    assert free.running_mean is None and list(free.parameters()) == []
    free.eval()
    y = free(xs[0])  # no running statistics: batch statistics also in eval mode
    np.testing.assert_allclose(y.array.mean(0), [0, 0], atol=1e-12)
    assert nn.BatchNorm1d(2)(_t(4, 2, 3, dtype="float32")).shape == (4, 2, 3)


def test_batchnorm_errors_name_layer_and_shapes():
    with pytest.raises(ValueError, match=r"BatchNorm2d\(3\): expected 4D input, got 3D input of shape \(2, 3, 4\)"):
        nn.BatchNorm2d(3)(ag.ones(2, 3, 4))
    with pytest.raises(ValueError, match=r"BatchNorm1d\(3\): expected input with 3 channels \(dim 1\), got shape "
                                         r"\(2, 4\)"):
        nn.BatchNorm1d(3)(ag.ones(2, 4))
    with pytest.raises(ValueError, match="expected more than 1 value per channel when training"):
        nn.BatchNorm1d(3)(ag.ones(1, 3))


def test_layernorm_groupnorm_rmsnorm_instancenorm():
    x = _t(2, 4, 3, seed=5)
    ln = nn.LayerNorm(3).double()
    assert repr(ln) == "LayerNorm((3,), eps=1e-05, elementwise_affine=True, bias=True)"
    ref = (x.array - x.array.mean(-1, keepdims=True)) / np.sqrt(x.array.var(-1, keepdims=True) + 1e-5)
    np.testing.assert_allclose(ln(x).array, ref, rtol=1e-9)
    ln2 = nn.LayerNorm([4, 3], elementwise_affine=False)
    assert list(ln2.parameters()) == [] and ln2.weight is None
    assert repr(ln2) == "LayerNorm((4, 3), eps=1e-05, elementwise_affine=False, bias=False)"
    with pytest.raises(ValueError, match=r"LayerNorm\(\(5,\)\): expected input of shape \(\*, 5\), got \(2, 4, 3\)"):
        nn.LayerNorm(5)(x)
    gn = nn.GroupNorm(2, 4).double()
    assert repr(gn) == "GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)"
    xr = x.array.reshape(2, 2, 6)
    ref = ((xr - xr.mean(-1, keepdims=True)) / np.sqrt(xr.var(-1, keepdims=True) + 1e-5)).reshape(x.shape)
    np.testing.assert_allclose(gn(x).array, ref, rtol=1e-9)
    with pytest.raises(ValueError, match=r"GroupNorm: num_channels \(5\) must be divisible by num_groups \(2\)"):
        nn.GroupNorm(2, 5)
    rms = nn.RMSNorm(3, eps=1e-6).double()
    assert repr(rms) == "RMSNorm((3,), eps=1e-06, elementwise_affine=True)"
    np.testing.assert_allclose(rms(x).array, x.array / np.sqrt((x.array ** 2).mean(-1, keepdims=True) + 1e-6))
    inorm = nn.InstanceNorm2d(4)
    assert repr(inorm) == ("InstanceNorm2d(4, eps=1e-05, momentum=0.1, affine=False, bias=False, "
                           "track_running_stats=False)")
    x4 = _t(2, 4, 3, 3)
    ref = (x4.array - x4.array.mean((2, 3), keepdims=True)) / np.sqrt(x4.array.var((2, 3), keepdims=True) + 1e-5)
    np.testing.assert_allclose(inorm(x4).array, ref, rtol=1e-9)
    np.testing.assert_allclose(inorm(x4[0]).array, ref[0], rtol=1e-9)  # unbatched (C, H, W)
    tracked = nn.InstanceNorm2d(4, affine=True, track_running_stats=True).double()
    tracked(x4)
    np.testing.assert_allclose(tracked.running_mean.array, 0.1 * x4.array.mean((2, 3)).mean(0))
    tracked.eval()
    assert tracked(x4).shape == x4.shape
    for layer in (ln, gn, rms, tracked.train()):
        assert ag.gradcheck(layer, [_t(2, 4, 3, 3, grad=True)[..., :3, :3].reshape(2, 4, 3, 3)
                                    if layer is tracked else _t(2, 4, 3, grad=True)])


# ---------------------------------------------------------------------------- losses
_LOSSES = [
    (nn.MSELoss(), lambda p, t: ((p - t) ** 2).mean(), lambda p, t: 2 * (p - t) / p.size),
    (nn.MSELoss(reduction="sum"), lambda p, t: ((p - t) ** 2).sum(), lambda p, t: 2 * (p - t)),
    (nn.L1Loss(), lambda p, t: np.abs(p - t).mean(), lambda p, t: np.sign(p - t) / p.size),
    (nn.SmoothL1Loss(beta=0.5), None, None),
    (nn.HuberLoss(delta=2.0), None, None),
    (nn.BCEWithLogitsLoss(), lambda p, t: (np.logaddexp(0, p) - p * t).mean(),
     lambda p, t: (_sigmoid(p) - t) / p.size),
    (nn.KLDivLoss(reduction="batchmean"), None, None),
    (nn.PoissonNLLLoss(), lambda p, t: (np.exp(p) - t * p).mean(), lambda p, t: (np.exp(p) - t) / p.size),
    (nn.SoftMarginLoss(), None, None),
    (nn.MultiLabelSoftMarginLoss(), None, None),
]


@pytest.mark.parametrize("layer, ref, gref", _LOSSES, ids=[type(x[0]).__name__ for x in _LOSSES])
def test_elementwise_loss_layers_loss_and_grad(layer, ref, gref):
    p, t = _t(4, 3, seed=1), ag.sigmoid(_t(4, 3, seed=2))
    value = layer(p, t)
    np.testing.assert_allclose(layer.loss(p, t).array, value.array)
    g = layer.grad(p, t)
    assert isinstance(g, ag.Tensor) and g.shape == p.shape and not g.requires_grad
    if ref is not None:
        np.testing.assert_allclose(value.array, ref(p.array, t.array), rtol=1e-10)
        np.testing.assert_allclose(g.array, gref(p.array, t.array), rtol=1e-10)
    q = p.detach().requires_grad_(True)
    layer(q, t).backward()
    np.testing.assert_allclose(g.array, q.grad.array, rtol=1e-12)
    assert repr(layer).startswith(type(layer).__name__ + "(")


def test_cross_entropy_layer_loss_and_grad_match_numpy():
    logits = _t(5, 4, seed=3)
    target = ag.tensor([0, 3, 1, 1, 2])
    ce = nn.CrossEntropyLoss()
    assert repr(ce) == "CrossEntropyLoss()"
    z = logits.array - logits.array.max(1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(1, keepdims=True))
    np.testing.assert_allclose(ce.loss(logits, target).item(), -logp[np.arange(5), target.array].mean())
    onehot = np.eye(4)[target.array]
    np.testing.assert_allclose(ce.grad(logits, target).array, (np.exp(logp) - onehot) / 5, rtol=1e-10)
    # seed-style use: numpy arrays are accepted by loss() and grad()
    np.testing.assert_allclose(ce.grad(logits.array, target.array).array, (np.exp(logp) - onehot) / 5, rtol=1e-10)
    w = ag.tensor([1.0, 2.0, 0.5, 1.0], dtype=ag.float64)
    cew = nn.CrossEntropyLoss(weight=w, ignore_index=1, label_smoothing=0.1)
    assert "weight" in dict(cew.named_buffers())
    assert np.isfinite(cew(logits, target).item())
    nll = nn.NLLLoss(weight=w)
    ref = -(w.array[target.array] * logp[np.arange(5), target.array]).sum() / w.array[target.array].sum()
    np.testing.assert_allclose(nll(ag.tensor(logp), target).item(), ref)
    none = nn.CrossEntropyLoss(reduction="none")
    assert none(logits, target).shape == (5,)
    assert none.grad(logits, target).shape == (5, 4)
    with pytest.raises(ValueError, match=r"CrossEntropyLoss: reduction must be one of 'none', 'mean', 'sum'"):
        nn.CrossEntropyLoss(reduction="avg")


def test_bce_layers_with_weights():
    p, t = ag.sigmoid(_t(3, 2)), ag.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], dtype=ag.float64)
    w = ag.tensor([0.5, 2.0], dtype=ag.float64)
    bce = nn.BCELoss(weight=w, reduction="sum")
    ref = -(w.array * (t.array * np.log(p.array) + (1 - t.array) * np.log(1 - p.array))).sum()
    np.testing.assert_allclose(bce(p, t).item(), ref)
    np.testing.assert_allclose(bce.grad(p, t).array, w.array * (p.array - t.array) / (p.array * (1 - p.array)))
    pw = ag.tensor([3.0, 1.0], dtype=ag.float64)
    logits = _t(3, 2, seed=4)
    bl = nn.BCEWithLogitsLoss(pos_weight=pw)
    x = logits.array
    ref = (-(pw.array * t.array * np.log(_sigmoid(x)) + (1 - t.array) * np.log(1 - _sigmoid(x)))).mean()
    np.testing.assert_allclose(bl(logits, t).item(), ref)


def test_pair_and_triplet_loss_layers():
    a, b = _t(4, 3, seed=1), _t(4, 3, seed=2)
    y = ag.tensor([1, -1, 1, -1])
    cel = nn.CosineEmbeddingLoss(margin=0.2)
    cos = (a.array * b.array).sum(1) / np.linalg.norm(a.array, axis=1) / np.linalg.norm(b.array, axis=1)
    ref = np.where(y.array == 1, 1 - cos, np.maximum(0, cos - 0.2)).mean()
    np.testing.assert_allclose(cel(a, b, y).item(), ref, rtol=1e-9)
    assert cel.grad(a, b, y).shape == a.shape
    mr = nn.MarginRankingLoss(0.1)
    ref = np.maximum(0, -y.array * (a.array[:, 0] - b.array[:, 0]) + 0.1).mean()
    np.testing.assert_allclose(mr(a[:, 0], b[:, 0], y.double()).item(), ref)
    tl = nn.TripletMarginLoss(margin=0.5)
    c = _t(4, 3, seed=3)
    d1 = np.linalg.norm(a.array - b.array + 1e-6, axis=1)
    d2 = np.linalg.norm(a.array - c.array + 1e-6, axis=1)
    np.testing.assert_allclose(tl(a, b, c).item(), np.maximum(d1 - d2 + 0.5, 0).mean())
    g = nn.GaussianNLLLoss()
    var = ag.full((4, 3), 0.5, dtype=ag.float64)
    np.testing.assert_allclose(g(a, b, var).item(), (0.5 * (np.log(0.5) + (a.array - b.array) ** 2 / 0.5)).mean())
    np.testing.assert_allclose(g.grad(a, b, var).array, (a.array - b.array) / 0.5 / 12)
    h = nn.HingeEmbeddingLoss()
    np.testing.assert_allclose(h(a[:, 0], y.double()).item(),
                               np.where(y.array == 1, a.array[:, 0], np.maximum(0, 1 - a.array[:, 0])).mean())


# ---------------------------------------------------------------------------- multi-head attention
def _np_mha(m, q, k, v, attn_mask=None, kpm=None, batch_first=False):
    """Reference multi-head attention in numpy (inputs (L, N, E) unless batch_first); returns (out, avg weights)."""
    if not batch_first:
        q, k, v = (np.swapaxes(a, 0, 1) for a in (q, k, v))
    e, h = m.embed_dim, m.num_heads
    hd = e // h
    w, b = m.in_proj_weight.array, m.in_proj_bias.array
    qp, kp, vp = q @ w[:e].T + b[:e], k @ w[e:2 * e].T + b[e:2 * e], v @ w[2 * e:].T + b[2 * e:]
    n, lq, s = q.shape[0], q.shape[1], k.shape[1]
    split = (lambda a, ln: a.reshape(n, ln, h, hd).transpose(0, 2, 1, 3))
    qh, kh, vh = split(qp, lq), split(kp, s), split(vp, s)
    scores = qh @ kh.transpose(0, 1, 3, 2) / math.sqrt(hd)
    if attn_mask is not None:
        scores = np.where(attn_mask, -np.inf, scores) if attn_mask.dtype == bool else scores + attn_mask
    if kpm is not None:
        scores = np.where(kpm[:, None, None, :], -np.inf, scores)
    scores = scores - scores.max(-1, keepdims=True)
    wts = np.exp(scores) / np.exp(scores).sum(-1, keepdims=True)
    out = (wts @ vh).transpose(0, 2, 1, 3).reshape(n, lq, e)
    out = out @ m.out_proj.weight.array.T + m.out_proj.bias.array
    if not batch_first:
        out = np.swapaxes(out, 0, 1)
    return out, wts.mean(1)


def test_multihead_attention_matches_numpy_with_masks():
    ag.manual_seed(0)
    m = nn.MultiheadAttention(8, 2).double()
    assert [k for k, _ in m.named_parameters()] == ["in_proj_weight", "in_proj_bias", "out_proj.weight",
                                                   "out_proj.bias"]
    assert m.in_proj_weight.shape == (24, 8)
    bound = math.sqrt(6 / (24 + 8))  # xavier_uniform_ on (3E, E)
    assert np.abs(m.in_proj_weight.array).max() <= bound
    assert (m.in_proj_bias.array == 0).all() and (m.out_proj.bias.array == 0).all()
    q, k, v = _t(3, 2, 8, seed=1), _t(5, 2, 8, seed=2), _t(5, 2, 8, seed=3)
    out, w = m(q, k, v)
    ref, wref = _np_mha(m, q.array, k.array, v.array)
    assert out.shape == (3, 2, 8) and w.shape == (2, 3, 5)
    np.testing.assert_allclose(out.array, ref, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(w.array, wref, rtol=1e-9, atol=1e-12)
    mask = np.triu(np.ones((3, 5), dtype=bool), 1)
    kpm = np.array([[False] * 4 + [True], [False] * 5])
    out, w = m(q, k, v, key_padding_mask=ag.tensor(kpm), attn_mask=ag.tensor(mask))
    ref, wref = _np_mha(m, q.array, k.array, v.array, mask, kpm)
    np.testing.assert_allclose(out.array, ref, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(w.array, wref, rtol=1e-9, atol=1e-12)
    fmask = _t(3, 5, seed=9)
    out, _ = m(q, k, v, attn_mask=fmask)
    np.testing.assert_allclose(out.array, _np_mha(m, q.array, k.array, v.array, fmask.array)[0], rtol=1e-9)
    out, w = m(q, k, v, need_weights=False)
    assert w is None
    _, w = m(q, k, v, average_attn_weights=False)
    assert w.shape == (2, 2, 3, 5)


def test_multihead_attention_batch_first_unbatched_self_attention_and_grad():
    ag.manual_seed(1)
    m = nn.MultiheadAttention(6, 3, batch_first=True).double()
    x = _t(2, 4, 6, seed=4, grad=True)
    out, w = m(x, x, x)
    ref, wref = _np_mha(m, x.array, x.array, x.array, batch_first=True)
    np.testing.assert_allclose(out.array, ref, rtol=1e-9, atol=1e-12)
    out.sum().backward()
    for name, p in m.named_parameters():
        assert p.grad is not None and np.isfinite(p.grad.array).all(), name
    assert x.grad is not None
    single, ws = m(x[0], x[0], x[0])  # unbatched (L, E)
    np.testing.assert_allclose(single.array, ref[0], rtol=1e-9, atol=1e-12)
    assert ws.shape == (4, 4)
    assert ag.gradcheck(lambda a: m(a, a, a)[0], [_t(1, 3, 6, seed=7, grad=True)])


def test_multihead_attention_kdim_vdim_bias_kv_zero_attn_and_errors():
    m = nn.MultiheadAttention(4, 2, kdim=3, vdim=5, add_bias_kv=True, add_zero_attn=True)
    assert m.in_proj_weight is None and m.k_proj_weight.shape == (4, 3) and m.v_proj_weight.shape == (4, 5)
    out, w = m(ag.randn(2, 1, 4), ag.randn(3, 1, 3), ag.randn(3, 1, 5),
               key_padding_mask=ag.tensor([[False, False, True]]))
    assert out.shape == (2, 1, 4) and w.shape == (1, 2, 5)  # 3 keys + bias_k + the zero key
    assert np.isfinite(out.array).all()
    with pytest.raises(ValueError, match=r"embed_dim \(6\) must be divisible by num_heads \(4\)"):
        nn.MultiheadAttention(6, 4)
    m = nn.MultiheadAttention(4, 2)
    with pytest.raises(ValueError, match=r"MultiheadAttention\(4, 2\): expected query of layout \(L, N, E\) with "
                                         r"E=4, got shape \(2, 1, 3\)"):
        m(ag.randn(2, 1, 3), ag.randn(2, 1, 4), ag.randn(2, 1, 4))
    with pytest.raises(ValueError, match=r"attn_mask must have shape \(L, S\) = \(2, 3\)"):
        m(ag.randn(2, 1, 4), ag.randn(3, 1, 4), ag.randn(3, 1, 4), attn_mask=ag.ones(3, 3, dtype=ag.bool))
    with pytest.raises(ValueError, match=r"key_padding_mask must have shape \(N, S\) = \(1, 3\)"):
        m(ag.randn(2, 1, 4), ag.randn(3, 1, 4), ag.randn(3, 1, 4), key_padding_mask=ag.ones(1, 2, dtype=ag.bool))
    with pytest.raises(RuntimeError, match="need attn_mask if specifying the is_causal hint"):
        m(ag.randn(2, 1, 4), ag.randn(2, 1, 4), ag.randn(2, 1, 4), is_causal=True)


# ---------------------------------------------------------------------------- transformer layers
def test_transformer_encoder_layer_shapes_modes_and_gradient_flow():
    ag.manual_seed(0)
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.1)
    names = [k for k, _ in layer.named_parameters()]
    assert names == ["self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight",
                     "self_attn.out_proj.bias", "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
                     "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"]
    src = ag.randn(5, 3, 8, requires_grad=True)
    out = layer(src, src_mask=nn.Transformer.generate_square_subsequent_mask(5),
                src_key_padding_mask=ag.zeros(3, 5, dtype=ag.bool))
    assert out.shape == (5, 3, 8)
    out.pow(2).sum().backward()
    for name, p in layer.named_parameters():
        assert p.grad is not None and np.abs(p.grad.array).sum() > 0, name
    assert np.abs(src.grad.array).sum() > 0
    layer.eval()
    a, b = layer(src), layer(src)
    np.testing.assert_array_equal(a.array, b.array)  # no dropout in eval mode
    enc = nn.TransformerEncoder(layer, 3, norm=nn.LayerNorm(8))
    assert len(enc.layers) == 3 and enc.layers[0] is not layer
    assert enc.layers[0].self_attn.in_proj_weight is not enc.layers[1].self_attn.in_proj_weight
    np.testing.assert_array_equal(enc.layers[2].linear1.weight.array, layer.linear1.weight.array)
    assert enc(src).shape == (5, 3, 8)
    first = nn.TransformerEncoderLayer(8, 2, 16, 0.0, activation="gelu", batch_first=True, norm_first=True)
    y = first(ag.randn(3, 5, 8))
    assert y.shape == (3, 5, 8)


def test_transformer_encoder_layer_matches_numpy():
    ag.manual_seed(2)
    layer = nn.TransformerEncoderLayer(4, 2, dim_feedforward=6, dropout=0.0).double()
    x = _t(3, 2, 4, seed=5)
    sa, _ = _np_mha(layer.self_attn, x.array, x.array, x.array)

    def ln(a, mod):
        return (a - a.mean(-1, keepdims=True)) / np.sqrt(a.var(-1, keepdims=True) + 1e-5) * mod.weight.array + \
            mod.bias.array

    h = ln(x.array + sa, layer.norm1)
    ff = np.maximum(h @ layer.linear1.weight.array.T + layer.linear1.bias.array, 0) @ layer.linear2.weight.array.T + \
        layer.linear2.bias.array
    np.testing.assert_allclose(layer(x).array, ln(h + ff, layer.norm2), rtol=1e-9, atol=1e-12)


def test_transformer_decoder_and_full_model():
    ag.manual_seed(3)
    dl = nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
    dec = nn.TransformerDecoder(dl, 2, norm=nn.LayerNorm(8))
    tgt, mem = ag.randn(2, 4, 8, requires_grad=True), ag.randn(2, 6, 8, requires_grad=True)
    out = dec(tgt, mem, tgt_mask=nn.Transformer.generate_square_subsequent_mask(4), tgt_is_causal=True)
    assert out.shape == (2, 4, 8)
    out.sum().backward()
    assert np.abs(mem.grad.array).sum() > 0
    model = nn.Transformer(8, 2, 1, 1, 16, dropout=0.0)
    assert model(ag.randn(5, 2, 8), ag.randn(3, 2, 8)).shape == (3, 2, 8)
    mask = nn.Transformer.generate_square_subsequent_mask(3)
    np.testing.assert_array_equal(mask.array, [[0, -np.inf, -np.inf], [0, 0, -np.inf], [0, 0, 0]])
    clone = copy.deepcopy(model)
    assert clone.encoder.layers[0].linear1.weight is not model.encoder.layers[0].linear1.weight


# ---------------------------------------------------------------------------- against PyTorch (when installed)
def test_layers_match_torch():
    torch = pytest.importorskip("torch")
    ag.manual_seed(4)
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True).double()
    ref = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True).double()
    ref.load_state_dict({k: torch.tensor(v.array) for k, v in layer.state_dict().items()})
    ref.eval()  # (the fast path of PyTorch's eval mode gives the same numbers)
    x = _t(2, 5, 8, seed=8)
    kpm = np.array([[False] * 4 + [True], [False] * 5])
    mask = np.triu(np.ones((5, 5), dtype=bool), 1)
    out = layer(x, src_mask=ag.tensor(mask), src_key_padding_mask=ag.tensor(kpm))
    with torch.no_grad():
        want = ref(torch.tensor(x.array), src_mask=torch.tensor(mask), src_key_padding_mask=torch.tensor(kpm))
    np.testing.assert_allclose(out.array, want.numpy(), rtol=1e-9, atol=1e-12)
    bn = nn.BatchNorm1d(3, momentum=None).double()
    tbn = torch.nn.BatchNorm1d(3, momentum=None).double()
    for s in range(3):
        x = _t(4, 3, 2, seed=s)
        np.testing.assert_allclose(bn(x).array, tbn(torch.tensor(x.array)).detach().numpy(), rtol=1e-9)
    np.testing.assert_allclose(bn.running_var.array, tbn.running_var.numpy(), rtol=1e-9)
    assert bn.num_batches_tracked.item() == tbn.num_batches_tracked.item()


def test_layers_run_on_every_device(device):
    ag.manual_seed(5)
    enc = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True).double()
    bn, ce = nn.BatchNorm1d(8).double(), nn.CrossEntropyLoss(weight=ag.ones(8, dtype=ag.float64), label_smoothing=0.1)
    x, t = _t(2, 5, 8, seed=1), ag.tensor([[0, 1, 2, 3, 4], [5, 6, 7, 0, 1]])
    mask = ag.tensor(np.triu(np.ones((5, 5), dtype=bool), 1))

    def run(dev):
        layers = [copy.deepcopy(m).to(dev) for m in (enc, bn, ce)]
        xd = x.detach().to(dev).requires_grad_(True)
        h = layers[0](xd, src_mask=mask.to(dev), src_key_padding_mask=mask[:2].to(dev))
        h = layers[1](h.transpose(1, 2))
        loss = layers[2](h, t.to(dev)) + nn.functional.dropout(h, 0.0).pow(2).mean()
        loss.backward()
        return [loss, xd.grad, layers[0].self_attn.in_proj_weight.grad, layers[1].running_var]

    for c, d in zip(run("cpu"), run(device)):
        assert d.device == device
        np.testing.assert_allclose(d.detach().cpu().numpy(), c.detach().numpy(), rtol=1e-9, atol=1e-12)
    # on the CPU the check raises at the op; on a GPU it is queued and raised at the next read (here .item())
    with pytest.raises(IndexError, match="target class index.* out of range for 8 classes"):
        ce.to(device)(_t(2, 8).to(device), ag.tensor([9, 0]).to(device)).item()


def test_ctc_loss_layer():
    ctc = nn.CTCLoss(blank=0, reduction="sum")
    assert repr(ctc) == "CTCLoss()"
    lp = nn.functional.log_softmax(_t(6, 2, 4), 2)
    tg, il, tl = ag.tensor([[1, 2], [3, 0]]), ag.tensor([6, 4]), ag.tensor([2, 1])
    value = ctc(lp, tg, il, tl)
    np.testing.assert_allclose(ctc.loss(lp, tg, il, tl).item(), value.item())
    g = ctc.grad(lp, tg, il, tl)
    assert g.shape == lp.shape and np.isfinite(g.array).all()
    np.testing.assert_allclose((-g.array[:, 0]).sum(-1), np.ones(6), rtol=1e-9)  # posteriors sum to 1 per step
    np.testing.assert_array_equal(g.array[4:, 1], 0)  # after the input length
