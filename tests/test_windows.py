"""Window functions against numpy's (symmetric) windows and PyTorch's (periodic too), with their errors."""
import numpy as np
import pytest

import autograd as ag

NUMPY = {"hann_window": np.hanning, "hamming_window": np.hamming, "blackman_window": np.blackman,
         "bartlett_window": np.bartlett, "kaiser_window": lambda n: np.kaiser(n, 12.0)}


@pytest.mark.parametrize("n", [0, 1, 2, 5, 8])
@pytest.mark.parametrize("name", sorted(NUMPY))
def test_symmetric_windows_match_numpy(name, n):
    w = getattr(ag, name)(n, periodic=False, dtype=ag.float64)
    assert w.dtype == ag.float64 and tuple(w.shape) == (n,) and not w.requires_grad
    np.testing.assert_allclose(w.numpy(), NUMPY[name](n), atol=1e-12)


@pytest.mark.parametrize("name", sorted(NUMPY))
def test_periodic_window_is_the_symmetric_one_a_sample_longer(name):
    np.testing.assert_allclose(getattr(ag, name)(7, dtype=ag.float64).numpy(), NUMPY[name](8)[:7], atol=1e-12)


@pytest.mark.parametrize("args", [(), (False,), (True, 0.5, 0.5), (False, 0.6)], ids=str)
@pytest.mark.parametrize("name", sorted(NUMPY))
def test_windows_match_torch(name, args):
    torch = pytest.importorskip("torch")
    if name != "hamming_window" and len(args) > 1:
        args = args[:1] + ((3.0,) if name == "kaiser_window" else ())
    for n in (1, 6, 9):
        ours, theirs = getattr(ag, name)(n, *args), getattr(torch, name)(n, *args)
        assert ours.dtype == ag.float32
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-6)


def test_dtype_device_and_requires_grad(device):
    w = ag.hann_window(4, dtype=ag.float64, device=device, requires_grad=True)
    assert w.dtype == ag.float64 and w.device.type == ag.device(device).type and w.requires_grad and w.is_leaf


@pytest.mark.parametrize("call,err,match", [
    (lambda: ag.hann_window(4, dtype=ag.int64), RuntimeError, "hann_window expects floating point dtypes"),
    (lambda: ag.kaiser_window(-1), RuntimeError, "kaiser_window requires non-negative window_length"),
    (lambda: ag.blackman_window(2.5), TypeError, "argument 'window_length' .* must be int, not float"),
    (lambda: ag.bartlett_window(True), TypeError, "must be int, not bool"),
])
def test_errors(call, err, match):
    with pytest.raises(err, match=match):
        call()
