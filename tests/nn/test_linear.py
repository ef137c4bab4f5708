"""Linear (Dense), Bilinear, Identity, Flatten, Unflatten and the functional linear/bilinear."""
import math

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from nn import Bilinear, Dense, Flatten, Identity, Linear, Unflatten


def _rand(*shape, seed=0):
    return ag.tensor(np.random.default_rng(seed).standard_normal(shape), dtype=ag.float64, requires_grad=True)


def test_linear_shapes_names_and_alias():
    layer = Linear(3, 5)
    assert Dense is Linear
    assert layer.weight.shape == (5, 3) and layer.bias.shape == (5,)
    assert layer.weight.dtype == ag.float32 and layer.weight.requires_grad
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
    assert Linear(3, 5, bias=False).bias is None
    assert repr(Linear(3, 5, bias=False)) == "Linear(in_features=3, out_features=5, bias=False)"
    assert Linear(2, 2, dtype=ag.float64).weight.dtype == ag.float64


@pytest.mark.parametrize("shape", [(4, 3), (3,), (2, 4, 3), (0, 3)])
def test_linear_forward_matches_numpy(shape):
    layer = Linear(3, 5)
    x = ag.randn(*shape)
    y = layer(x)
    ref = x.array @ layer.weight.array.T + layer.bias.array
    assert y.shape == shape[:-1] + (5,) and y.dtype == ag.float32
    np.testing.assert_allclose(y.array, ref, rtol=1e-5, atol=1e-6)
    y2 = Linear(3, 5, bias=False)
    np.testing.assert_allclose(y2(x).array, x.array @ y2.weight.array.T, rtol=1e-5, atol=1e-6)


def test_linear_gradcheck_float64():
    layer = Linear(3, 4).double()
    for shape in [(2, 3), (3,), (2, 2, 3)]:
        x = _rand(*shape)
        assert ag.gradcheck(lambda x, w, b: F.linear(x, w, b), (x, layer.weight, layer.bias))
    assert ag.gradcheck(lambda x, w: F.linear(x, w), (_rand(2, 3), layer.weight))
    assert ag.gradgradcheck(lambda x, w, b: F.linear(x, w, b), (_rand(2, 3), layer.weight, layer.bias))


def test_linear_backward_fills_parameter_grads():
    layer = Linear(3, 2).double()
    x = _rand(4, 3)
    layer(x).sum().backward()
    np.testing.assert_allclose(layer.weight.grad.array, np.ones((4, 2)).T @ x.array)
    np.testing.assert_allclose(layer.bias.grad.array, np.full(2, 4.0))
    np.testing.assert_allclose(x.grad.array, np.ones((4, 2)) @ layer.weight.array)


def test_linear_broadcast_bias_functional():
    x, w = _rand(2, 3), _rand(4, 3, seed=1)
    b = ag.tensor(np.ones((2, 1)), requires_grad=True)
    assert ag.gradcheck(lambda x, w, b: F.linear(x, w, b), (x, w, b))
    with pytest.raises(RuntimeError, match=r"bias of shape \(3,\)"):
        F.linear(x, w, _rand(3))


def test_linear_init_ranges():
    ag.manual_seed(0)
    layer = Linear(100, 300)
    bound = 1 / math.sqrt(100)
    for p in (layer.weight, layer.bias):
        assert p.array.min() >= -bound and p.array.max() <= bound
    w = layer.weight.array
    assert w.max() > 0.9 * bound and w.min() < -0.9 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.05 * bound  # U(-b, b) has std b / sqrt(3)


def test_linear_wrong_input_shape_names_layer_and_shapes():
    layer = Linear(3, 4)
    with pytest.raises(RuntimeError, match=r"Linear\(in_features=3, out_features=4, bias=True\).*\(\*, 3\).*\(2, 5\)"):
        layer(ag.zeros(2, 5))
    with pytest.raises(RuntimeError, match=r"linear.*\(2, 5\).*\(4, 3\)"):
        F.linear(ag.zeros(2, 5), layer.weight)
    with pytest.raises(RuntimeError, match="same dtype"):
        layer(ag.zeros(2, 3, dtype=ag.float64))
    with pytest.raises(TypeError, match="expected a tensor"):
        layer([1.0, 2.0, 3.0])


def test_linear_grad_fn_is_one_node():
    layer = Linear(3, 4)
    y = layer(ag.randn(2, 3))
    assert y.grad_fn is not None and len(y.grad_fn.next_functions) == 3


def test_bilinear_forward_and_gradcheck():
    layer = Bilinear(2, 3, 4).double()
    x1, x2 = _rand(5, 2), _rand(5, 3, seed=1)
    y = layer(x1, x2)
    ref = np.einsum("ni,oij,nj->no", x1.array, layer.weight.array, x2.array) + layer.bias.array
    np.testing.assert_allclose(y.array, ref, rtol=1e-10)
    assert ag.gradcheck(lambda a, b, w, c: F.bilinear(a, b, w, c), (x1, x2, layer.weight, layer.bias))
    y3 = layer(_rand(2, 2, 2), _rand(2, 2, 3))
    assert y3.shape == (2, 2, 4)
    assert repr(layer) == "Bilinear(in1_features=2, in2_features=3, out_features=4, bias=True)"
    bound = 1 / math.sqrt(2)
    assert np.abs(layer.weight.array).max() <= bound
    with pytest.raises(RuntimeError, match=r"Bilinear.*\(5, 3\) and \(5, 3\)"):
        layer(_rand(5, 3), _rand(5, 3))


def test_identity_flatten_unflatten():
    x = ag.randn(2, 3, 4, 5)
    assert Identity(3, foo=1)(x) is x
    assert Flatten()(x).shape == (2, 60)
    assert Flatten(0, -1)(x).shape == (120,)
    assert Flatten(1, 2)(x).shape == (2, 12, 5)
    np.testing.assert_array_equal(Flatten()(x).array, x.array.reshape(2, 60))
    assert repr(Flatten()) == "Flatten(start_dim=1, end_dim=-1)"
    y = Unflatten(1, (3, 20))(Flatten()(x))
    assert y.shape == (2, 3, 20)
    assert Unflatten(-1, (-1, 5))(ag.zeros(2, 10)).shape == (2, 2, 5)
    assert repr(Unflatten(1, (2, 5))) == "Unflatten(dim=1, unflattened_size=(2, 5))"
    with pytest.raises(RuntimeError, match=r"Unflatten.*\(3, 3\).*\(2, 10\)"):
        Unflatten(1, (3, 3))(ag.zeros(2, 10))
    with pytest.raises(IndexError, match="Flatten"):
        Flatten(3)(ag.zeros(2, 3))
    g = ag.randn(2, 3, 4, dtype=ag.float64, requires_grad=True)
    assert ag.gradcheck(lambda t: Flatten()(t), (g,))


def test_linear_state_dict_and_load():
    a, b = Linear(3, 2), Linear(3, 2)
    b.load_state_dict(a.state_dict())
    x = ag.randn(4, 3)
    np.testing.assert_array_equal(a(x).array, b(x).array)


def test_functional_exports():
    from autograd.ops.linalg import bilinear, linear

    assert F.linear is linear and F.bilinear is bilinear and ag.linear is linear
    assert nn.Dense is nn.Linear


def test_layers_on_device(device):
    layer = Linear(3, 4, device=device)
    assert layer.weight.device == device and layer.bias.device == device
    x = ag.randn(2, 3, device=device)
    y = layer(x)
    assert y.device == device
    np.testing.assert_allclose(y.cpu().array, x.cpu().array @ layer.weight.cpu().array.T + layer.bias.cpu().array,
                               rtol=1e-5, atol=1e-6)
    y.sum().backward()
    assert layer.weight.grad.device == device
    bi = Bilinear(2, 3, 4, device=device)
    assert bi(ag.randn(2, 2, device=device), ag.randn(2, 3, device=device)).shape == (2, 4)
    assert Flatten()(ag.randn(2, 3, 4, device=device)).shape == (2, 12)
