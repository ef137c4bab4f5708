"""Devices: placement, transfers, refusal to mix devices, and clear errors when CUDA is missing."""
import numpy as np
import pytest

import autograd as ag
from autograd import backend
from tests.conftest import REAL_GPU


def test_creation_and_ops_stay_on_the_device(device):
    x = ag.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)
    assert x.device == device
    y = (x * 2.0 + 1.0).exp().sum()
    assert y.device == device
    y.backward()
    assert x.grad.device == device
    np.testing.assert_allclose(x.grad.cpu().numpy(), 2 * np.exp(2 * np.array([1.0, 2.0, 3.0]) + 1), rtol=1e-5)


def test_round_trip_between_devices(device):
    x = ag.randn(3, 4)
    y = x.to(device)
    assert y.device == device
    np.testing.assert_array_equal(y.cpu().numpy(), x.numpy())


def test_transfer_is_differentiable(device):
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (x.to(device) * 3.0).sum().backward()
    assert x.grad.device == "cpu"
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 3.0])


def test_creation_functions_take_device(device):
    for t in (ag.zeros(2, device=device), ag.ones(2, device=device), ag.full((2,), 3.0, device=device),
              ag.arange(3, device=device), ag.eye(2, device=device), ag.rand(2, device=device),
              ag.randn(2, device=device), ag.empty(2, device=device)):
        assert t.device == device


def test_mixing_devices_raises_naming_both(stand_in):
    a = ag.ones(2)
    b = ag.ones(2, device="cuda")
    with pytest.raises(RuntimeError, match="cpu.*cuda:0|cuda:0.*cpu"):
        a + b


def test_numpy_of_gpu_tensor_asks_for_cpu(stand_in):
    with pytest.raises(TypeError, match=r"\.cpu\(\)"):
        ag.ones(2, device="cuda").numpy()


@pytest.mark.skipif(REAL_GPU, reason="this machine has a GPU")
def test_cuda_without_cupy_or_gpu_raises_a_clear_error():
    with pytest.raises(RuntimeError, match="device 'cuda' is not available.*(cupy|CUDA|driver|device)"):
        ag.zeros(2, device="cuda")
    with pytest.raises(RuntimeError, match="not available"):
        ag.ones(2).cuda()


def test_device_objects():
    assert str(ag.device("cuda:1")) == "cuda:1"
    assert ag.device("cpu") == "cpu"
    assert repr(ag.device("cpu")) == "device(type='cpu')"
    with pytest.raises(RuntimeError, match="unknown device type"):
        ag.device("tpu")


def test_stand_in_refuses_implicit_host_conversion(stand_in):
    if REAL_GPU:
        pytest.skip("real GPU present")
    x = ag.ones(2, device="cuda")
    with pytest.raises(TypeError, match="Implicit conversion"):
        np.asarray(x.array)
    with pytest.raises(TypeError, match="host"):
        x.array + np.ones(2)
    assert backend.device_of(x.array) == "cuda"


@pytest.mark.parametrize("dtype", ["int64", "int32", "int8", "uint8", "float32"])
def test_add_at_accumulates_for_every_dtype(dtype, stand_in):
    out = ag.zeros(4, dtype=dtype, device="cuda").array
    idx = ag.tensor([0, 2, 2, 3], device="cuda").array
    backend.add_at(out, idx, ag.ones(4, dtype=dtype, device="cuda").array)
    np.testing.assert_array_equal(backend.to_device(out, "cpu"), np.array([1, 0, 2, 1], dtype=dtype))


def test_multiply_at_on_the_device(stand_in):
    out = ag.full((3,), 2.0, device="cuda").array
    backend.multiply_at(out, ag.tensor([0, 0, 2], device="cuda").array, ag.tensor([3.0, 5.0, 7.0], device="cuda").array)
    np.testing.assert_array_equal(backend.to_device(out, "cpu"), [30.0, 2.0, 14.0])
