"""nn.init: statistics of the initialisers with a fixed seed, fans, gains, in-place behaviour."""
import math

import numpy as np
import pytest

import autograd as ag
from nn import Linear, init


@pytest.fixture(autouse=True)
def _seed():
    ag.manual_seed(1234)


def _param(*shape):
    return ag.zeros(*shape, requires_grad=True)


def test_calculate_gain():
    assert init.calculate_gain("linear") == 1 and init.calculate_gain("conv2d") == 1
    assert init.calculate_gain("sigmoid") == 1
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01**2)))
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert init.calculate_gain("selu") == pytest.approx(0.75)
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="not a valid number"):
        init.calculate_gain("leaky_relu", "x")


def test_fans():
    assert init._calculate_fan_in_and_fan_out(ag.empty(5, 3)) == (3, 5)
    assert init._calculate_fan_in_and_fan_out(ag.empty(8, 4, 3, 3)) == (36, 72)
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(ag.empty(5))


def test_in_place_on_leaf_that_requires_grad_records_nothing():
    p = _param(100, 50)
    v = p._version
    out = init.uniform_(p, -1, 1)
    assert out is p and p.grad_fn is None and p.requires_grad and p._version > v
    assert ag.is_grad_enabled()


def test_uniform_and_normal_statistics():
    t = init.uniform_(_param(200, 500), -2.0, 3.0)
    assert t.array.min() >= -2 and t.array.max() <= 3
    assert t.array.mean() == pytest.approx(0.5, abs=0.02)
    assert t.array.std() == pytest.approx(5 / math.sqrt(12), rel=0.01)
    t = init.normal_(_param(200, 500), 1.0, 2.0)
    assert t.array.mean() == pytest.approx(1.0, abs=0.02) and t.array.std() == pytest.approx(2.0, rel=0.01)
    assert t.dtype == ag.float32


def test_constant_ones_zeros_eye_dirac():
    assert np.all(init.constant_(_param(2, 3), 0.5).array == 0.5)
    assert np.all(init.ones_(_param(4)).array == 1)
    assert not init.zeros_(ag.ones(4)).array.any()
    np.testing.assert_array_equal(init.eye_(_param(2, 3)).array, np.eye(2, 3))
    with pytest.raises(ValueError, match="2 dimensions"):
        init.eye_(_param(2, 2, 2))
    w = init.dirac_(_param(4, 2, 3, 3))
    x = np.random.default_rng(0).standard_normal((2, 5, 5))
    # a 'same' convolution with the Dirac kernel copies the input channels
    out = np.zeros((4, 5, 5))
    pad = np.pad(x, ((0, 0), (1, 1), (1, 1)))
    for o in range(4):
        for i in range(5):
            for j in range(5):
                out[o, i, j] = (w.array[o] * pad[:, i:i + 3, j:j + 3]).sum()
    np.testing.assert_allclose(out[:2], x, rtol=1e-6)
    assert not out[2:].any()


def test_xavier():
    t = init.xavier_uniform_(_param(300, 200), gain=2.0)
    bound = 2.0 * math.sqrt(6 / 500)
    assert t.array.min() >= -bound and t.array.max() <= bound
    assert t.array.std() == pytest.approx(bound / math.sqrt(3), rel=0.01)
    t = init.xavier_normal_(_param(300, 200))
    assert t.array.std() == pytest.approx(math.sqrt(2 / 500), rel=0.01)
    assert abs(t.array.mean()) < 0.002


def test_kaiming():
    t = init.kaiming_uniform_(_param(400, 100))  # leaky_relu with a=0: gain sqrt(2)
    bound = math.sqrt(2) * math.sqrt(3 / 100)
    assert t.array.max() <= bound and t.array.min() >= -bound
    assert t.array.std() == pytest.approx(bound / math.sqrt(3), rel=0.01)
    t = init.kaiming_normal_(_param(400, 100), mode="fan_out", nonlinearity="relu")
    assert t.array.std() == pytest.approx(math.sqrt(2 / 400), rel=0.01)
    t = init.kaiming_uniform_(_param(300, 100), a=math.sqrt(5))  # Linear's default: U(-1/sqrt(in), 1/sqrt(in))
    assert t.array.max() <= 0.1 and t.array.min() >= -0.1 and t.array.max() > 0.099
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init.kaiming_normal_(_param(3, 3), mode="fan_avg")
    with pytest.warns(UserWarning, match="zero-element"):
        init.kaiming_uniform_(_param(0, 3))
    conv = init.kaiming_normal_(_param(64, 32, 3, 3))
    assert conv.array.std() == pytest.approx(math.sqrt(2 / (32 * 9)), rel=0.02)


def test_trunc_normal():
    t = init.trunc_normal_(_param(400, 500))
    assert t.array.min() >= -2 and t.array.max() <= 2
    assert abs(t.array.mean()) < 0.005
    assert t.array.std() == pytest.approx(0.8796, rel=0.01)  # std of N(0,1) truncated to [-2, 2]
    t = init.trunc_normal_(_param(1000), mean=0.0, std=0.02)  # bounds far out: a plain N(0, 0.02^2)
    assert t.array.std() == pytest.approx(0.02, rel=0.1)
    t = init.trunc_normal_(_param(10000), mean=0.0, std=1.0, a=5.0, b=6.0)  # far in the tail
    assert t.array.min() >= 5 and t.array.max() <= 6
    assert t.array.mean() == pytest.approx(5.1831, abs=0.01)
    with pytest.raises(ValueError, match="lower bound"):
        init.trunc_normal_(_param(3), a=1.0, b=0.0)


def test_orthogonal():
    for shape in [(30, 50), (50, 30), (8, 4, 3)]:
        t = init.orthogonal_(_param(*shape), gain=2.0)
        m = t.array.reshape(shape[0], -1).astype(np.float64)
        if m.shape[0] <= m.shape[1]:
            np.testing.assert_allclose(m @ m.T, 4 * np.eye(m.shape[0]), atol=1e-4)
        else:
            np.testing.assert_allclose(m.T @ m, 4 * np.eye(m.shape[1]), atol=1e-4)
    with pytest.raises(ValueError, match="2 or more"):
        init.orthogonal_(_param(3))


def test_sparse():
    t = init.sparse_(_param(10, 6), sparsity=0.3)
    assert all((t.array[:, c] == 0).sum() >= 3 for c in range(6))


def test_generator_makes_draws_reproducible():
    g1, g2 = ag.Generator().manual_seed(5), ag.Generator().manual_seed(5)
    a = init.normal_(_param(10), generator=g1)
    b = init.normal_(_param(10), generator=g2)
    np.testing.assert_array_equal(a.array, b.array)
    ag.manual_seed(7)
    w1 = Linear(4, 4).weight.array.copy()
    ag.manual_seed(7)
    np.testing.assert_array_equal(Linear(4, 4).weight.array, w1)


def test_float64_and_deprecated_names():
    t = init.xavier_uniform_(ag.zeros(3, 3, dtype=ag.float64))
    assert t.dtype == ag.float64 and t.array.any()
    with pytest.warns(FutureWarning):
        init.normal(ag.zeros(3))


def test_initialisers_on_device(device):
    w = ag.zeros(20, 30, device=device)
    for name in ["uniform_", "normal_", "xavier_uniform_", "kaiming_normal_", "orthogonal_", "trunc_normal_", "eye_",
                 "ones_", "zeros_"]:
        out = getattr(init, name)(w)
        assert out is w and w.device == device
    init.dirac_(ag.zeros(2, 2, 3, device=device))
    init.sparse_(w, 0.5)
