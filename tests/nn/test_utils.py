"""nn.utils: gradient clipping and parameter/vector conversion."""
import math

import numpy as np
import pytest

import autograd as ag
from nn import Linear, Parameter, Sequential, utils


def _params_with_grads(grads):
    ps = []
    for g in grads:
        p = Parameter(ag.zeros(*np.shape(g)))
        p.grad = ag.tensor(np.asarray(g, dtype=np.float32))
        ps.append(p)
    return ps


def test_clip_grad_norm_scales_all_grads_together():
    ps = _params_with_grads([[3.0, 0.0], [[0.0, 4.0]]])
    total = utils.clip_grad_norm_(ps, max_norm=1.0)
    assert isinstance(total, ag.Tensor) and total.ndim == 0
    assert total.item() == pytest.approx(5.0)
    np.testing.assert_allclose(ps[0].grad.array, [0.6, 0.0], rtol=1e-5)
    np.testing.assert_allclose(ps[1].grad.array, [[0.0, 0.8]], rtol=1e-5)
    new = math.sqrt(sum(float((p.grad.array ** 2).sum()) for p in ps))
    assert new == pytest.approx(1.0, rel=1e-5)


def test_clip_grad_norm_below_max_leaves_grads_and_other_norms():
    ps = _params_with_grads([[0.3, -0.4]])
    assert utils.clip_grad_norm_(ps, 10.0).item() == pytest.approx(0.5)
    np.testing.assert_allclose(ps[0].grad.array, [0.3, -0.4], rtol=1e-6)
    ps = _params_with_grads([[1.0, -3.0], [2.0]])
    assert utils.clip_grad_norm_(ps, 100, norm_type=1).item() == pytest.approx(6.0)
    assert utils.clip_grad_norm_(ps, 100, norm_type=math.inf).item() == pytest.approx(3.0)
    assert utils.clip_grad_norm_(ps, 100, norm_type="inf").item() == pytest.approx(3.0)
    assert utils.clip_grad_norm_(ps, 100, norm_type=3).item() == pytest.approx((1 + 27 + 8) ** (1 / 3))
    utils.clip_grad_norm_(ps, 1.5, norm_type=math.inf)
    np.testing.assert_allclose(ps[0].grad.array, [0.5, -1.5], rtol=1e-5)


def test_clip_grad_norm_edge_cases():
    p = Parameter(ag.zeros(2))
    assert utils.clip_grad_norm_([p], 1.0).item() == 0.0  # no grads at all
    single = _params_with_grads([[3.0, 4.0]])[0]
    assert utils.clip_grad_norm_(single, 1.0).item() == pytest.approx(5.0)  # a lone tensor is accepted
    bad = _params_with_grads([[float("nan"), 1.0]])
    with pytest.raises(RuntimeError, match="non-finite"):
        utils.clip_grad_norm_(bad, 1.0, error_if_nonfinite=True)
    np.testing.assert_array_equal(bad[0].grad.array[1], 1.0)  # nothing changed before the error
    gen = (p for p in _params_with_grads([[3.0, 4.0]]))
    assert utils.clip_grad_norm_(gen, 1.0).item() == pytest.approx(5.0)  # a generator is consumed once


def test_clip_grad_norm_on_a_model():
    net = Sequential(Linear(4, 8), Linear(8, 2))
    (net(ag.randn(16, 4)) * 100).sum().backward()
    before = math.sqrt(sum(float((p.grad.array.astype(np.float64) ** 2).sum()) for p in net.parameters()))
    total = utils.clip_grad_norm_(net.parameters(), 0.5)
    assert total.item() == pytest.approx(before, rel=1e-5)
    after = math.sqrt(sum(float((p.grad.array.astype(np.float64) ** 2).sum()) for p in net.parameters()))
    assert after == pytest.approx(0.5, rel=1e-4)


def test_clip_grad_value():
    ps = _params_with_grads([[-3.0, 0.2, 5.0]])
    utils.clip_grad_value_(ps, 1.0)
    np.testing.assert_allclose(ps[0].grad.array, [-1.0, 0.2, 1.0])


def test_parameters_to_vector_and_back():
    net = Sequential(Linear(3, 2), Linear(2, 1))
    vec = utils.parameters_to_vector(net.parameters())
    assert vec.shape == (6 + 2 + 2 + 1,)
    np.testing.assert_array_equal(vec.array[:6], net[0].weight.array.ravel())
    vec.sum().backward()  # differentiable
    assert np.all(net[0].weight.grad.array == 1)
    weight = net[0].weight
    new = ag.arange(11, dtype=ag.float32)
    utils.vector_to_parameters(new, net.parameters())
    assert net[0].weight is weight
    np.testing.assert_array_equal(net[0].weight.array, np.arange(6).reshape(2, 3))
    np.testing.assert_array_equal(net[1].bias.array, [10])
    with pytest.raises(ValueError, match=r"hold 11 numbers"):
        utils.vector_to_parameters(ag.zeros(5), net.parameters())
    np.testing.assert_array_equal(net[1].bias.array, [10])
    with pytest.raises(TypeError, match="expected Tensor"):
        utils.vector_to_parameters([1.0], net.parameters())


def test_utils_on_device(device):
    net = Sequential(Linear(3, 2), Linear(2, 1)).to(device)
    net(ag.randn(4, 3, device=device)).sum().backward()
    total = utils.clip_grad_norm_(net.parameters(), 1e-3)
    assert total.device == device
    norm = math.sqrt(sum(float((p.grad.cpu().array.astype(np.float64) ** 2).sum()) for p in net.parameters()))
    assert norm == pytest.approx(1e-3, rel=1e-3)
    utils.clip_grad_value_(net.parameters(), 1e-4)
    vec = utils.parameters_to_vector(net.parameters())
    assert vec.device == device
    utils.vector_to_parameters(vec * 0, net.parameters())
    assert not net[0].weight.cpu().array.any()
