"""Tensor.data as PyTorch has it: a tensor sharing the storage, cut from the tape, unseen by autograd."""
import numpy as np
import pytest

import autograd as ag
import nn

try:
    import torch
except ImportError:  # the comparisons with PyTorch skip
    torch = None


def test_data_is_a_tensor_sharing_storage():
    x = ag.ones(3, requires_grad=True)
    d = x.data
    assert isinstance(d, ag.Tensor)
    assert not d.requires_grad and d.grad_fn is None and d.is_leaf
    assert d.array is x.array
    d[0] = 5.0
    assert x.tolist() == [5.0, 1.0, 1.0]


def test_data_of_a_computed_tensor_is_a_leaf():
    x = ag.ones(2, requires_grad=True)
    y = x * 3
    assert y.data.grad_fn is None and not y.data.requires_grad
    np.testing.assert_array_equal(y.data.numpy(), [3.0, 3.0])


def test_inplace_on_data_is_not_seen_by_autograd():
    x = ag.ones(3, requires_grad=True)
    y = x.exp()  # saves its output, which x.data.mul_ does not touch
    v = x._version
    x.data.mul_(2)
    assert x._version == v  # the version counter of x is not bumped
    y.sum().backward()  # no "modified by an in-place operation" error
    np.testing.assert_allclose(x.grad.numpy(), np.full(3, np.e), rtol=1e-6)


def test_inplace_on_data_of_leaf_needs_no_no_grad():
    p = ag.ones(2, requires_grad=True)
    p.grad = ag.full((2,), 0.5)
    p.data.add_(p.grad, alpha=-0.1)
    p.data.copy_(p.data * 2)
    np.testing.assert_allclose(p.numpy(force=True), [1.9, 1.9], rtol=1e-6)
    assert p.requires_grad and p.is_leaf


def test_data_numpy_and_cpu():
    x = ag.arange(4.0, requires_grad=True)
    assert np.shares_memory(x.data.numpy(), x.array)
    assert x.data.cpu().tolist() == [0.0, 1.0, 2.0, 3.0]


def test_setting_data_swaps_storage_and_may_change_shape_and_dtype():
    x = ag.ones(3, requires_grad=True)
    new = ag.zeros(2, 2, dtype=ag.float64)
    x.data = new
    assert x.shape == (2, 2) and x.dtype == ag.float64 and x.requires_grad
    assert x.array is new.array


def test_setting_data_errors_leave_the_tensor_unchanged():
    x = ag.ones(3, requires_grad=True)
    before = x.array
    with pytest.raises(TypeError, match="data: can only be set to a Tensor, got list"):
        x.data = [1.0]
    with pytest.raises(RuntimeError, match="cannot hold int64 data"):
        x.data = ag.zeros(3, dtype=ag.int64)
    assert x.array is before


def test_setting_data_across_devices_is_refused(stand_in):
    x = ag.ones(3)
    with pytest.raises(RuntimeError, match="is on cuda:0 but the tensor is on cpu"):
        x.data = ag.ones(3, device="cuda")


def _fit_with_data_updates(lib, steps=25):
    """A PyTorch-idiom loop: p.data.add_(p.grad, alpha=-lr), written once for both libraries."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((32, 4)).astype(np.float32)
    Y = (X @ np.array([[1.0], [-2.0], [0.5], [3.0]], np.float32)).astype(np.float32)
    W0 = rng.standard_normal((1, 4)).astype(np.float32) * 0.1
    if lib == "torch":
        lin = torch.nn.Linear(4, 1)
        xs, ys, f = torch.from_numpy(X), torch.from_numpy(Y), torch.nn.functional.mse_loss
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W0))
            lin.bias.zero_()
    else:
        lin = nn.Linear(4, 1)
        xs, ys, f = ag.from_numpy(X), ag.from_numpy(Y), nn.functional.mse_loss
        lin.weight.data.copy_(ag.from_numpy(W0))
        lin.bias.data.zero_()
    losses = []
    for _ in range(steps):
        lin.zero_grad()
        loss = f(lin(xs), ys)
        loss.backward()
        for p in lin.parameters():
            p.data.add_(p.grad, alpha=-0.1)
        losses.append(loss.item())
    return np.array(losses), lin.weight.detach().numpy().copy()


def test_data_update_loop_trains():
    losses, w = _fit_with_data_updates("tapegrad", steps=200)
    assert losses[-1] < 1e-3 * losses[0]
    np.testing.assert_allclose(w, [[1.0, -2.0, 0.5, 3.0]], atol=1e-2)


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
def test_data_update_loop_matches_pytorch():
    ours, w_ours = _fit_with_data_updates("tapegrad")
    theirs, w_theirs = _fit_with_data_updates("torch")
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)
    np.testing.assert_allclose(w_ours, w_theirs, rtol=1e-5, atol=1e-6)
