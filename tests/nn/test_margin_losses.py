"""multi_margin_loss, multilabel_margin_loss, triplet_margin_with_distance_loss, linear_cross_entropy and their loss
layers against PyTorch (values and gradients from the same inputs), and their error paths."""
import dataclasses
import types

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F


def _torch():
    return pytest.importorskip("torch")


def _libs():
    """tapegrad, and torch when it is installed, as (tensor-from-numpy, functional, nn) namespaces."""
    libs = [types.SimpleNamespace(name="tapegrad", t=ag.tensor, F=F, nn=nn)]
    try:
        import torch
    except ImportError:
        return libs
    return libs + [types.SimpleNamespace(name="torch", t=torch.tensor, F=torch.nn.functional, nn=torch.nn)]


def _grads(lib, fn, arrays, diff):
    """fn's value and the gradients of its sum with respect to the arrays at the positions `diff`."""
    ts = [lib.t(a, requires_grad=(i in diff)) if i in diff else lib.t(a) for i, a in enumerate(arrays)]
    out = fn(lib, *ts)
    out.sum().backward()
    return [np.asarray(out.detach().numpy())] + [ts[i].grad.numpy() for i in diff]


def _same_as_torch(fn, arrays, diff=(0,)):
    torch = _torch()
    ours = _grads(types.SimpleNamespace(t=ag.tensor, F=F, nn=nn), fn, arrays, diff)
    theirs = _grads(types.SimpleNamespace(t=torch.tensor, F=torch.nn.functional, nn=torch.nn), fn, arrays, diff)
    for a, b in zip(ours, theirs):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


RNG = np.random.default_rng(3)
X = RNG.normal(size=(4, 5))
T = np.array([0, 3, 4, 1])
W = RNG.uniform(0.2, 1.0, size=5)


@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("weighted", [False, True])
def test_multi_margin_loss_matches_torch(p, reduction, weighted):
    def fn(L, x, t, w):
        return L.F.multi_margin_loss(x, t, p=p, margin=0.8, weight=w if weighted else None, reduction=reduction)

    _same_as_torch(fn, [X, T, W])


@pytest.mark.parametrize("shape,target", [((5,), np.array(2)), ((5,), np.array([2])), ((1, 5), np.array(2)),
                                          ((), np.array(0))])
def test_multi_margin_loss_small_shapes_match_torch(shape, target):
    _same_as_torch(lambda L, x, t: L.F.multi_margin_loss(x, t, reduction="none"), [RNG.normal(size=shape), target])


def test_multi_margin_loss_layer_matches_torch():
    def fn(L, x, t, w):
        return L.nn.MultiMarginLoss(p=2, margin=0.5, weight=w, reduction="sum")(x, t)

    _same_as_torch(fn, [X, T, W])
    assert "weight" in nn.MultiMarginLoss(weight=ag.ones(3)).state_dict()


TT = np.array([[0, 2, -1, 1, 3], [3, -1, 0, 0, 1], [-1, 1, 2, 3, 0], [4, 4, 1, -1, -1]])


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_multilabel_margin_loss_matches_torch(reduction):
    _same_as_torch(lambda L, x, t: L.F.multilabel_margin_loss(x, t, reduction=reduction), [X, TT])
    _same_as_torch(lambda L, x, t: L.nn.MultiLabelMarginLoss(reduction=reduction)(x, t), [X, TT])


@pytest.mark.parametrize("shape,target", [((4,), np.array([3, 0, -1, 2])), ((), np.array(0)), ((), np.array([-1])),
                                          ((2, 3), np.full((2, 3), -1))])
def test_multilabel_margin_loss_small_shapes_match_torch(shape, target):
    _same_as_torch(lambda L, x, t: L.F.multilabel_margin_loss(x, t, reduction="none"),
                   [RNG.normal(size=shape), target])


A, P, N = (RNG.normal(size=(4, 3)) for _ in range(3))


@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_triplet_margin_with_distance_loss_matches_torch(swap, reduction):
    def fn(L, a, p, n):
        return L.F.triplet_margin_with_distance_loss(a, p, n, margin=1.5, swap=swap, reduction=reduction)

    _same_as_torch(fn, [A, P, N], diff=(0, 1, 2))


def test_triplet_margin_with_distance_loss_custom_distance_and_layer_match_torch():
    def cosine(L):
        return lambda u, v: 1 - L.F.cosine_similarity(u, v)

    def fn(L, a, p, n):
        return L.nn.TripletMarginWithDistanceLoss(distance_function=cosine(L), margin=0.7, swap=True)(a, p, n)

    _same_as_torch(fn, [A, P, N], diff=(0, 1, 2))
    _same_as_torch(lambda L, a, p, n: L.nn.TripletMarginWithDistanceLoss()(a, p, n), [A, P, N], diff=(0, 1, 2))
    assert isinstance(nn.TripletMarginWithDistanceLoss().distance_function, nn.PairwiseDistance)


LX, LW, LB = RNG.normal(size=(5, 3)), RNG.normal(size=(4, 3)), RNG.normal(size=(4,))


@pytest.mark.parametrize("kw", [{}, dict(reduction="sum"), dict(reduction="none"), dict(label_smoothing=0.3),
                                dict(ignore_index=2), dict(reduction="none", ignore_index=1)])
def test_linear_cross_entropy_matches_torch(kw):
    t = np.array([0, 2, 3, 1, 2])
    _same_as_torch(lambda L, x, w, b, t: L.F.linear_cross_entropy(x, w, t, linear_bias=b, **kw), [LX, LW, LB, t],
                   diff=(0, 1, 2))


def test_linear_cross_entropy_kdim_probs_and_class_weights_match_torch():
    w3 = RNG.normal(size=(4, 2, 3))
    t = RNG.integers(0, 4, size=(5, 2))
    cw = RNG.uniform(0.5, 1.5, size=4)
    _same_as_torch(lambda L, x, w, t, cw: L.F.linear_cross_entropy(x, w, t, weight=cw), [LX, w3, t, cw], diff=(0, 1))
    probs = RNG.dirichlet(np.ones(4), size=5)
    _same_as_torch(lambda L, x, w, t: L.F.linear_cross_entropy(x, w, t), [LX, LW, probs], diff=(0, 1))
    _same_as_torch(lambda L, x, w, t: L.F.linear_cross_entropy(x, w, t, reduction="none"), [LX[0], LW, np.array(3)],
                   diff=(0, 1))


def test_linear_cross_entropy_loss_layer_matches_torch():
    torch = _torch()
    for kw in (dict(bias=True), dict(out_features=(2,), bias=True, label_smoothing=0.1)):
        theirs = torch.nn.LinearCrossEntropyLoss(3, 4, dtype=torch.float64, **kw)
        ours = nn.LinearCrossEntropyLoss(3, 4, dtype=ag.float64, **kw)
        assert list(ours.state_dict()) == list(theirs.state_dict())
        ours.load_state_dict({k: ag.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
        t = RNG.integers(0, 4, size=(5,) + tuple(kw.get("out_features", ())))
        a, b = ours(ag.tensor(LX), ag.tensor(t)), theirs(torch.tensor(LX), torch.tensor(t))
        a.backward()
        b.backward()
        np.testing.assert_allclose(a.item(), b.item(), rtol=1e-12)
        np.testing.assert_allclose(ours.linear.weight.grad.numpy(), theirs.linear.weight.grad.numpy(), rtol=1e-10)


# ---------------------------------------------------------------------------- errors: the class torch raises
def _x(L, shape=(3, 4)):
    return L.t(np.ones(shape, dtype=np.float32))


def _i(L, values):
    return L.t(np.asarray(values, dtype=np.int64))


ERRORS = [
    ("mm-bad-p", lambda L: L.F.multi_margin_loss(_x(L), _i(L, [0, 1, 2]), p=3), ValueError, "p == 2"),
    ("mm-float-target", lambda L: L.F.multi_margin_loss(_x(L), _x(L, (3,))), RuntimeError, "Long"),
    ("mm-int32-target", lambda L: L.F.multi_margin_loss(_x(L), _i(L, [0, 1, 2]).int()), RuntimeError, "Long"),
    ("mm-target-size", lambda L: L.F.multi_margin_loss(_x(L), _i(L, [0, 1])), RuntimeError, "target"),
    ("mm-target-2d", lambda L: L.F.multi_margin_loss(_x(L, (2, 2)), _i(L, [[1], [0]])), RuntimeError, "target"),
    ("mm-out-of-range", lambda L: L.F.multi_margin_loss(_x(L), _i(L, [0, 1, 4])), RuntimeError, "out of range"),
    ("mm-negative-target", lambda L: L.F.multi_margin_loss(_x(L), _i(L, [0, -1, 2])), RuntimeError, "out of range"),
    ("mm-3d-input", lambda L: L.F.multi_margin_loss(_x(L, (3, 2, 2)), _i(L, [0, 1, 1])), RuntimeError, "matrix"),
    ("mm-no-classes", lambda L: L.F.multi_margin_loss(_x(L, (2, 0)), _i(L, [0, 0])), RuntimeError, "non-empty"),
    ("mm-weight-2d", lambda L: L.F.multi_margin_loss(_x(L), _i(L, [0, 1, 2]), weight=_x(L, (4, 1))), ValueError,
     "one-dimensional"),
    ("mm-weight-size", lambda L: L.F.multi_margin_loss(_x(L), _i(L, [0, 1, 2]), weight=_x(L, (3,))), RuntimeError,
     "weight"),
    ("mm-weight-dtype", lambda L: L.F.multi_margin_loss(_x(L), _i(L, [0, 1, 2]), weight=_x(L, (4,)).double()),
     RuntimeError, "scalar type"),
    ("mm-int-input", lambda L: L.F.multi_margin_loss(_i(L, [[1, 2]]), _i(L, [0])), NotImplementedError, "nt"),
    ("mm-bad-reduction", lambda L: L.F.multi_margin_loss(_x(L), _i(L, [0, 1, 2]), reduction="avg"), ValueError,
     "reduction"),
    ("mm-list-target", lambda L: L.F.multi_margin_loss(_x(L), [0, 1, 2]), TypeError, "Tensor"),
    ("mm-layer-bad-p", lambda L: L.nn.MultiMarginLoss(p=3), ValueError, "p == 2"),
    ("mm-layer-weight-2d", lambda L: L.nn.MultiMarginLoss(weight=_x(L, (2, 2))), ValueError, "1D"),
    ("ml-float-target", lambda L: L.F.multilabel_margin_loss(_x(L), _x(L)), RuntimeError, "Long"),
    ("ml-target-shape", lambda L: L.F.multilabel_margin_loss(_x(L), _i(L, [[0, 1, 2]])), RuntimeError,
     "inconsistent target size"),
    ("ml-1d-target-shape", lambda L: L.F.multilabel_margin_loss(_x(L, (4,)), _i(L, [[0, 1, 2, 3]])), RuntimeError,
     "inconsistent target size"),
    ("ml-out-of-range", lambda L: L.F.multilabel_margin_loss(_x(L), _i(L, [[0, -1, 7, 9]] * 3)), RuntimeError,
     "out of range"),
    ("ml-below-minus-one", lambda L: L.F.multilabel_margin_loss(_x(L), _i(L, [[0, -2, 1, 1]] * 3)), RuntimeError,
     "out of range"),
    ("ml-3d", lambda L: L.F.multilabel_margin_loss(_x(L, (2, 2, 2)), _i(L, np.zeros((2, 2, 2)))), RuntimeError,
     "matrix"),
    ("ml-int-input", lambda L: L.F.multilabel_margin_loss(_i(L, [[1, 2]]), _i(L, [[0, 1]])), NotImplementedError,
     "nt"),
    ("td-margin", lambda L: L.F.triplet_margin_with_distance_loss(_x(L), _x(L), _x(L), margin=0), ValueError,
     "margin"),
    ("td-reduction", lambda L: L.F.triplet_margin_with_distance_loss(_x(L), _x(L), _x(L), reduction="avg"),
     ValueError, "reduction"),
    ("td-ndim", lambda L: L.F.triplet_margin_with_distance_loss(_x(L), _x(L, (4,)), _x(L)), RuntimeError,
     "dimensions"),
    ("td-layer-margin", lambda L: L.nn.TripletMarginWithDistanceLoss(margin=-1.0), ValueError, "margin"),
    ("lce-3d-input", lambda L: L.F.linear_cross_entropy(_x(L, (2, 3, 4)), _x(L, (5, 4)), _i(L, [0])), RuntimeError,
     "dimensionality 1 or 2"),
    ("lce-1d-weight", lambda L: L.F.linear_cross_entropy(_x(L), _x(L, (4,)), _i(L, [0, 1, 2])), RuntimeError,
     "at least 2"),
    ("lce-features", lambda L: L.F.linear_cross_entropy(_x(L), _x(L, (5, 3)), _i(L, [0, 1, 2])), RuntimeError,
     "in_features"),
    ("lce-bias-shape", lambda L: L.F.linear_cross_entropy(_x(L), _x(L, (5, 4)), _i(L, [0, 1, 2]),
                                                          linear_bias=_x(L, (4,))), RuntimeError, "linear_bias"),
    ("lce-kdim-unbatched", lambda L: L.F.linear_cross_entropy(_x(L, (4,)), _x(L, (5, 2, 4)), _i(L, [0, 1])),
     RuntimeError, "batched"),
    ("lce-probs-ignore", lambda L: L.F.linear_cross_entropy(_x(L), _x(L, (5, 4)), _x(L, (3, 5)), ignore_index=1),
     RuntimeError, "ignore_index"),
    ("lce-layer-weight", lambda L: L.nn.LinearCrossEntropyLoss(3, 4, weight=_x(L, (3,))), RuntimeError, "weight"),
    ("lce-layer-smoothing", lambda L: L.nn.LinearCrossEntropyLoss(3, 4, label_smoothing=2.0), RuntimeError,
     "label_smoothing"),
]


@pytest.mark.parametrize("name,fn,error,words", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_have_torchs_class(name, fn, error, words):
    for lib in _libs():
        with pytest.raises(error) as info:
            fn(lib)
        if lib.name == "tapegrad":
            assert words in str(info.value)


def test_weight_receives_a_gradient():
    """A documented extension: torch refuses a weight that requires grad; here it is differentiable."""
    w = ag.tensor(W, requires_grad=True)
    F.multi_margin_loss(ag.tensor(X), ag.tensor(T), weight=w).backward()
    assert w.grad is not None and w.grad.shape == (5,)


def test_empty_batch_gives_zero_sum_and_nan_mean():
    x, t = ag.zeros(0, 4), ag.zeros(0, dtype=ag.int64)
    assert F.multi_margin_loss(x, t, reduction="sum").item() == 0
    assert np.isnan(F.multi_margin_loss(x, t).item())
    assert F.multi_margin_loss(x, t, reduction="none").shape == (0,)
    assert F.multilabel_margin_loss(ag.zeros(0, 4), ag.zeros(0, 4, dtype=ag.int64), reduction="none").shape == (0,)


# ---------------------------------------------------------------------------- the chunked path (options=...)
def _options(L, **kw):
    return L.nn.LinearCrossEntropyOptions(**kw)


CX, CW, CB, CCW = RNG.normal(size=(7, 3)), RNG.normal(size=(5, 3)), RNG.normal(size=(5,)), RNG.uniform(0.5, 1.5, 5)
CT = np.array([0, 4, 2, -100, 1, 3, 3])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("kw", [{}, dict(batch_chunk_size=2), dict(chunking_method="aspect_ratio"),
                                dict(chunking_method=None), dict(allow_retain_graph=True, acc_policy="accurate")])
def test_chunked_linear_cross_entropy_matches_torch(reduction, kw):
    def fn(L, x, w, b, cw, t):
        return L.F.linear_cross_entropy(x, w, t, linear_bias=b, weight=cw, reduction=reduction,
                                        options=_options(L, **kw))

    _same_as_torch(fn, [CX, CW, CB, CCW, CT], diff=(0, 1, 2))


def test_chunked_equals_the_reference_path_and_handles_unbatched_input():
    x, w = ag.tensor(CX, requires_grad=True), ag.tensor(CW, requires_grad=True)
    opts = nn.LinearCrossEntropyOptions(batch_chunk_size=3)
    grads = []
    for options in (None, opts):
        x.grad = w.grad = None
        loss = F.linear_cross_entropy(x, w, ag.tensor(CT), options=options)
        loss.backward()
        grads.append((loss.item(), x.grad.numpy(), w.grad.numpy()))
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    _same_as_torch(lambda L, x, w, t: L.F.linear_cross_entropy(x, w, t, reduction="none", options=_options(L)),
                   [CX[0], CW, np.array(2)], diff=(0, 1))


def test_chunked_mean_of_only_ignored_targets_is_nan_with_zero_gradient():
    x = ag.tensor(CX, requires_grad=True)
    loss = F.linear_cross_entropy(x, ag.tensor(CW), ag.tensor(np.full(7, -100)), options=nn.LinearCrossEntropyOptions())
    loss.backward()
    assert np.isnan(loss.item()) and not x.grad.numpy().any()


@pytest.mark.parametrize("kw,dtype,chunk,policy,acc", [
    ({}, "float32", 4, "compact", "float32"),
    ({}, "float16", 8, "accurate", "float32"),
    (dict(batch_chunk_size=5), "float32", 5, "compact", "float32"),
    (dict(chunking_method="aspect_ratio:4", acc_policy="balanced"), "float64", 2, "balanced", "float64"),
    (dict(chunking_method=None), "float32", 64, "compact", "float32"),
])
def test_options_resolve_as_torchs(kw, dtype, chunk, policy, acc):
    got = nn.LinearCrossEntropyOptions(**kw)._adjust(64, 8, 100, getattr(ag, dtype), ag.device("cpu"))
    assert (got.batch_chunk_size, got.acc_policy, got.acc_dtype) == (chunk, policy, getattr(ag, acc))
    torch = _torch()
    theirs = torch.nn.LinearCrossEntropyOptions(**kw)._adjust(64, 8, 100, getattr(torch, dtype), torch.device("cpu"))
    assert (theirs.batch_chunk_size, theirs.acc_policy, str(theirs.acc_dtype)) == (chunk, policy, f"torch.{acc}")


def _chunked_twice(L, **kw):
    x = L.t(CX, requires_grad=True)
    loss = L.F.linear_cross_entropy(x, L.t(CW), L.t(CT), options=_options(L, **kw))
    loss.backward(retain_graph=True)
    loss.backward()
    return x


OPTION_ERRORS = [
    ("bad-policy", lambda L: _options(L, acc_policy="fast"), ValueError),
    ("bad-method", lambda L: _options(L, chunking_method="aspect_ratio:0"), ValueError),
    ("bad-method-name", lambda L: _options(L, chunking_method="square"), ValueError),
    ("bad-chunk", lambda L: _options(L, batch_chunk_size=0), ValueError),
    ("bad-acc-dtype", lambda L: _options(L, acc_dtype=L.t([1]).dtype), ValueError),
    ("frozen", lambda L: setattr(_options(L), "batch_chunk_size", 3), dataclasses.FrozenInstanceError),
    ("chunk-and-method-disagree", lambda L: L.F.linear_cross_entropy(
        L.t(CX), L.t(CW), L.t(CT), options=_options(L, batch_chunk_size=3, chunking_method="aspect_ratio")),
     ValueError),
    ("float32-with-float64-acc", lambda L: L.F.linear_cross_entropy(
        L.t(CX.astype(np.float32)), L.t(CW.astype(np.float32)), L.t(CT), options=_options(L, acc_dtype=L.t(
            [1.0]).double().dtype)), RuntimeError),
    ("target-out-of-range", lambda L: L.F.linear_cross_entropy(L.t(CX), L.t(CW), L.t(np.full(7, 5)),
                                                               options=_options(L)), RuntimeError),
    ("target-shape", lambda L: L.F.linear_cross_entropy(L.t(CX), L.t(CW), L.t(CT[:3]), options=_options(L)),
     RuntimeError),
    ("second-backward", lambda L: _chunked_twice(L), RuntimeError),
]


@pytest.mark.parametrize("name,fn,error", OPTION_ERRORS, ids=[e[0] for e in OPTION_ERRORS])
def test_option_errors_have_torchs_class(name, fn, error):
    for lib in _libs():
        with pytest.raises(error):
            fn(lib)


def test_second_backward_works_with_allow_retain_graph():
    _same_as_torch(lambda L, x: L.F.linear_cross_entropy(x, L.t(CW), L.t(CT), options=_options(L)) * 1, [CX])
    for lib in _libs():
        x = _chunked_twice(lib, allow_retain_graph=True)
        ref = lib.t(CX, requires_grad=True)
        lib.F.linear_cross_entropy(ref, lib.t(CW), lib.t(CT)).backward()
        np.testing.assert_allclose(x.grad.numpy(), 2 * ref.grad.numpy(), rtol=1e-12)


def test_unsupported_configurations_warn_and_take_the_reference_path():
    for lib in _libs():
        t = lib.t(CT.clip(0))
        with pytest.warns(UserWarning, match="options"):
            got = lib.F.linear_cross_entropy(lib.t(CX), lib.t(CW), t, label_smoothing=0.1, options=_options(lib))
        want = lib.F.linear_cross_entropy(lib.t(CX), lib.t(CW), t, label_smoothing=0.1)
        np.testing.assert_allclose(got.item(), want.item(), rtol=1e-12)


def test_chunked_path_refuses_create_graph():
    """A documented deviation: torch's chunked op gives silently first-order-only gradients under create_graph."""
    x = ag.tensor(CX, requires_grad=True)
    loss = F.linear_cross_entropy(x, ag.tensor(CW), ag.tensor(CT), options=nn.LinearCrossEntropyOptions())
    with pytest.raises(RuntimeError, match="options=None"):
        ag.grad(loss, x, create_graph=True)


def test_loss_layer_passes_options():
    layer = nn.LinearCrossEntropyLoss(3, 5, options=nn.LinearCrossEntropyOptions(batch_chunk_size=2))
    ref = nn.LinearCrossEntropyLoss(3, 5)
    ref.load_state_dict(layer.state_dict())
    x, t = ag.tensor(CX.astype(np.float32)), ag.tensor(CT)
    np.testing.assert_allclose(layer(x, t).item(), ref(x, t).item(), rtol=1e-6)
    assert "options=LinearCrossEntropyOptions(" in repr(layer)


@pytest.mark.parametrize("call", [
    lambda x, t: F.multi_margin_loss(x, t),
    lambda x, t: F.multi_margin_loss(x.cpu(), t.cpu(), weight=ag.ones(5, device="cuda")),
    lambda x, t: F.multilabel_margin_loss(x, ag.zeros(4, 5, dtype=ag.int64)),
    lambda x, t: F.linear_cross_entropy(x, ag.ones(3, 5, device="cuda"), t,
                                        options=nn.LinearCrossEntropyOptions()),
])
def test_mixing_devices_raises_naming_both(call, stand_in):
    with pytest.raises(RuntimeError, match="cpu.*cuda|cuda.*cpu"):
        call(ag.tensor(X, device="cuda"), ag.tensor(T))
