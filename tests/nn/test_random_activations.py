"""rrelu / RReLU and gumbel_softmax against PyTorch: slopes, noise statistics, gradients, errors."""
import types
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

# eval paths against PyTorch, random paths by their statistics, the gradient == slope relation, the straight-through
# estimator, in-place variants and error paths.


def _torch():
    return pytest.importorskip("torch")


def _libs():
    libs = [types.SimpleNamespace(name="tapegrad", ag=ag, t=ag.tensor, F=F, nn=nn)]
    try:
        import torch
    except ImportError:
        return libs
    return libs + [types.SimpleNamespace(name="torch", ag=torch, t=torch.tensor, F=torch.nn.functional, nn=torch.nn)]


X = np.array([[-2.0, -0.5, 0.0, 0.5], [3.0, -1.0, -4.0, 1e-3]])


# ---------------------------------------------------------------------------- rrelu
@pytest.mark.parametrize("call", [
    lambda L, x: L.F.rrelu(x, 0.1, 0.3),
    lambda L, x: L.F.rrelu(x, 0.1, 0.3, training=False),
    lambda L, x: L.ag.rrelu(x, 0.2, 0.5),
    lambda L, x: L.nn.RReLU(0.1, 0.3).eval()(x),
    lambda L, x: L.F.rrelu(x * 1, 0.1, 0.3, inplace=True),
    lambda L, x: L.F.rrelu_(x * 1),
])
def test_rrelu_eval_matches_torch(call):
    _torch()
    outs = []
    for lib in _libs():
        x = lib.t(X, requires_grad=True)
        y = call(lib, x)
        y.backward(lib.t(np.arange(8.0).reshape(2, 4)))
        outs.append((y.detach().numpy(), x.grad.numpy()))
    np.testing.assert_allclose(outs[0][0], outs[1][0], rtol=1e-12)
    np.testing.assert_allclose(outs[0][1], outs[1][1], rtol=1e-12)


def _train(lib, x, lower, upper):
    x = lib.t(x, requires_grad=True)
    y = lib.F.rrelu(x, lower, upper, training=True)
    y.sum().backward()
    return x.detach().numpy(), y.detach().numpy(), x.grad.numpy()


@pytest.mark.parametrize("lower,upper", [(0.125, 1 / 3), (0.0, 1.0), (0.3, 0.3)])
def test_rrelu_training_slopes_are_uniform_and_the_gradient_is_the_slope(lower, upper):
    ag.manual_seed(0)
    x = np.random.default_rng(0).normal(size=(200, 100))
    x[0, :5] = 0.0
    for lib in _libs():  # the same statistics from both libraries
        xs, y, g = _train(lib, x, lower, upper)
        neg, pos = xs < 0, xs > 0
        np.testing.assert_array_equal(y[pos], xs[pos])
        np.testing.assert_array_equal(g[pos], 1.0)
        slopes = y[neg] / xs[neg]
        np.testing.assert_allclose(g[neg], slopes, rtol=1e-12)  # gradient == the drawn slope
        assert slopes.min() >= lower - 1e-12 and slopes.max() <= upper + 1e-12
        assert np.all((g[xs == 0] >= lower) & (g[xs == 0] <= upper))  # x == 0 draws a slope too
        assert y[xs == 0].tolist() == [0.0] * 5
        assert abs(slopes.mean() - (lower + upper) / 2) < 0.01
        assert abs(slopes.var() - (upper - lower) ** 2 / 12) < 0.01
        if upper > lower:
            assert len(np.unique(slopes)) > 0.99 * slopes.size  # one slope per element


def test_rrelu_draws_from_the_generator():
    x = ag.tensor(-np.ones(50))
    ag.manual_seed(5)
    a = F.rrelu(x, training=True)
    ag.manual_seed(5)
    b = F.rrelu(x, training=True)
    c = F.rrelu(x, training=True)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert not np.array_equal(b.numpy(), c.numpy())
    g1, g2 = ag.Generator().manual_seed(1), ag.Generator().manual_seed(1)
    np.testing.assert_array_equal(ag.rrelu(x, training=True, generator=g1).numpy(),
                                  ag.rrelu(x, training=True, generator=g2).numpy())
    with pytest.raises(TypeError, match="generator"):
        ag.rrelu(x, training=True, generator=3)


def test_rrelu_layer_follows_train_and_eval():
    layer = nn.RReLU(0.1, 0.5)
    x = ag.tensor(-np.ones(1000))
    assert len(np.unique(layer(x).numpy())) > 900
    layer.eval()
    np.testing.assert_allclose(layer(x).numpy(), -0.3)
    assert repr(nn.RReLU(0.1, 0.3, inplace=True)) == "RReLU(lower=0.1, upper=0.3, inplace=True)"


def test_rrelu_inplace_writes_the_tensor_and_keeps_the_gradient():
    ag.manual_seed(3)
    x = ag.tensor(X, requires_grad=True)
    h = x * 2
    out = F.rrelu_(h, 0.1, 0.2, True)
    assert out is h
    out.sum().backward()
    xs = X * 2
    slopes = np.where(xs > 0, 1.0, h.detach().numpy() / np.where(xs == 0, 1, xs))
    np.testing.assert_allclose(x.grad.numpy()[xs != 0], 2 * slopes[xs != 0])
    z = ag.tensor(X)
    nn.RReLU(inplace=True)(z)
    assert (z.numpy()[X < 0] > X[X < 0]).all()


ERRORS = [
    ("lower-above-upper", lambda L: L.F.rrelu(L.t(X), 0.5, 0.2, training=True), RuntimeError),
    ("lower-above-upper-eval", lambda L: L.F.rrelu(L.t(X), 0.5, 0.2), RuntimeError),
    ("lower-above-upper-inplace", lambda L: L.ag.rrelu_(L.t(X), 0.5, 0.2), RuntimeError),
    ("int-input", lambda L: L.F.rrelu(L.t([1, -2]), training=True), NotImplementedError),
    ("int-input-eval", lambda L: L.F.rrelu(L.t([1, -2])), NotImplementedError),
    ("not-a-tensor", lambda L: L.F.rrelu("a"), TypeError),
    ("inplace-on-leaf", lambda L: L.F.rrelu(L.t(X, requires_grad=True), inplace=True), RuntimeError),
    ("gumbel-int", lambda L: L.F.gumbel_softmax(L.t([1, 2])), (NotImplementedError, RuntimeError)),
    ("gumbel-bad-dim", lambda L: L.F.gumbel_softmax(L.t(X), dim=2), IndexError),
]


@pytest.mark.parametrize("name,fn,error", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_have_torchs_class(name, fn, error):
    for lib in _libs():
        with pytest.raises(error):
            fn(lib)


def test_bad_bounds_change_nothing():
    x = ag.tensor(X)
    with pytest.raises(RuntimeError, match="Lower bound"):
        F.rrelu_(x, 0.5, 0.2, True)
    np.testing.assert_array_equal(x.numpy(), X)


# ---------------------------------------------------------------------------- gumbel_softmax
LOGITS = np.log(np.array([0.1, 0.2, 0.3, 0.4]))


def test_gumbel_softmax_soft_rows_sum_to_one():
    ag.manual_seed(0)
    y = F.gumbel_softmax(ag.tensor(np.tile(LOGITS, (50, 1))), tau=0.5).numpy()
    assert (y > 0).all()
    np.testing.assert_allclose(y.sum(-1), 1.0, rtol=1e-12)
    y0 = F.gumbel_softmax(ag.tensor(np.tile(LOGITS, (3, 1)).T), dim=0).numpy()
    np.testing.assert_allclose(y0.sum(0), 1.0, rtol=1e-12)


@pytest.mark.parametrize("dim", [-1, 0, 1])
def test_gumbel_softmax_hard_is_one_hot_at_the_soft_argmax(dim):
    x = ag.tensor(np.random.default_rng(1).normal(size=(4, 5, 3)))
    ag.manual_seed(9)
    soft = F.gumbel_softmax(x, tau=0.3, dim=dim).numpy()
    ag.manual_seed(9)
    hard = F.gumbel_softmax(x, tau=0.3, hard=True, dim=dim).numpy()
    np.testing.assert_allclose(hard.sum(dim), 1.0, rtol=1e-12)
    np.testing.assert_allclose(hard, np.round(hard), atol=1e-12)
    np.testing.assert_array_equal(hard.argmax(dim), soft.argmax(dim))


def test_gumbel_softmax_straight_through_gradient_equals_the_soft_gradient():
    w = ag.tensor(np.random.default_rng(2).normal(size=(6, 4)))
    grads = []
    for hard in (False, True):
        x = ag.tensor(np.tile(LOGITS, (6, 1)), requires_grad=True)
        ag.manual_seed(4)
        (F.gumbel_softmax(x, tau=0.8, hard=hard) * w).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-12, atol=1e-15)
    assert np.abs(grads[0]).max() > 1e-3


def test_gumbel_softmax_samples_the_categorical_distribution():
    """The hard samples' frequencies are softmax(logits) (the Gumbel-max trick), in both libraries."""
    rows = np.tile(LOGITS, (40000, 1)).astype(np.float32)
    ag.manual_seed(0)
    freq = F.gumbel_softmax(ag.tensor(rows), hard=True).numpy().mean(0)
    np.testing.assert_allclose(freq, [0.1, 0.2, 0.3, 0.4], atol=0.01)
    torch = _torch()
    torch.manual_seed(0)
    theirs = torch.nn.functional.gumbel_softmax(torch.tensor(rows), hard=True).numpy().mean(0)
    np.testing.assert_allclose(freq, theirs, atol=0.015)


def test_gumbel_softmax_float32_stays_float32_and_eps_warns_as_torch():
    y = F.gumbel_softmax(ag.randn(3, 4), hard=True)
    assert y.dtype == ag.float32
    for lib in _libs():
        with pytest.warns(UserWarning, match="eps"):
            lib.F.gumbel_softmax(lib.t(X), eps=1e-5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.gumbel_softmax(ag.tensor(X))
