"""local_response_norm / LocalResponseNorm and CrossMapLRN2d against PyTorch, and their error paths."""
import types

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F


def _torch():
    return pytest.importorskip("torch")


def _libs():
    libs = [types.SimpleNamespace(name="tapegrad", t=ag.tensor, F=F, nn=nn)]
    try:
        import torch
    except ImportError:
        return libs
    return libs + [types.SimpleNamespace(name="torch", t=torch.tensor, F=torch.nn.functional, nn=torch.nn)]


RNG = np.random.default_rng(0)


@pytest.mark.parametrize("shape", [(2, 5, 4), (2, 6, 3, 3), (1, 4, 2, 3, 2)])
@pytest.mark.parametrize("size", [1, 2, 3, 5, 8])
def test_local_response_norm_matches_torch(shape, size):
    torch = _torch()
    x = RNG.normal(size=shape)
    gy = RNG.normal(size=shape)
    ours = ag.tensor(x, requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    a = F.local_response_norm(ours, size, alpha=0.2, beta=0.6, k=1.3)
    b = torch.nn.functional.local_response_norm(theirs, size, alpha=0.2, beta=0.6, k=1.3)
    a.backward(ag.tensor(gy))
    b.backward(torch.tensor(gy))
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-10, atol=1e-13)
    layer = nn.LocalResponseNorm(size, alpha=0.2, beta=0.6, k=1.3)
    np.testing.assert_allclose(layer(ag.tensor(x)).numpy(), b.detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize("size,channels", [(1, 3), (2, 5), (3, 6), (4, 7), (5, 3), (6, 4), (9, 12)])
def test_cross_map_lrn2d_matches_torchs_numbers(size, channels):
    """CrossMapLRN2d's window differs from LocalResponseNorm's: it is 2 * ((size - 1) // 2) + 1 channels wide and
    keeps channel 0 in every window after the first ones; the values match torch's exactly."""
    torch = _torch()
    x = RNG.normal(size=(2, channels, 3, 2))
    a = nn.CrossMapLRN2d(size, alpha=0.7, beta=0.8, k=1.1)(ag.tensor(x)).numpy()
    b = torch.nn.CrossMapLRN2d(size, alpha=0.7, beta=0.8, k=1.1)(torch.tensor(x)).numpy()
    np.testing.assert_allclose(a, b, rtol=1e-12)
    if 1 < size < channels:  # a different function from local_response_norm (unless every window holds all)
        c = F.local_response_norm(ag.tensor(x), size, alpha=0.7, beta=0.8, k=1.1).numpy()
        assert not np.allclose(a, c)


def test_cross_map_lrn2d_gradient_is_that_of_its_forward():
    """torch's backward of CrossMapLRN2d does not match its own forward (its gradcheck fails); ours is the
    tape's gradient of the forward, checked numerically."""
    x = ag.tensor(RNG.normal(size=(1, 5, 2, 2)), requires_grad=True)
    assert ag.gradcheck(lambda t: nn.CrossMapLRN2d(3, alpha=0.5)(t), [x])


def test_empty_input_is_returned_and_reprs_match_torch():
    x = ag.zeros(0, 3, 2)
    assert F.local_response_norm(x, 2) is x
    assert repr(nn.LocalResponseNorm(2)) == "LocalResponseNorm(2, alpha=0.0001, beta=0.75, k=1.0)"
    assert repr(nn.CrossMapLRN2d(3)) == "CrossMapLRN2d(3, alpha=0.0001, beta=0.75, k=1)"


ERRORS = [
    ("lrn-2d", lambda L: L.F.local_response_norm(L.t(np.ones((2, 3))), 2), ValueError),
    ("lrn-size0", lambda L: L.F.local_response_norm(L.t(np.ones((1, 3, 2))), 0), RuntimeError),
    ("lrn-negative-size", lambda L: L.F.local_response_norm(L.t(np.ones((1, 3, 2))), -1), RuntimeError),
    ("lrn-float-size", lambda L: L.F.local_response_norm(L.t(np.ones((1, 3, 2))), 2.5), TypeError),
    ("lrn-int-input", lambda L: L.F.local_response_norm(L.t(np.ones((1, 3, 2), dtype=np.int32)), 2),
     NotImplementedError),
    ("lrn-layer-2d", lambda L: L.nn.LocalResponseNorm(2)(L.t(np.ones((2, 3)))), ValueError),
    ("crossmap-3d", lambda L: L.nn.CrossMapLRN2d(3)(L.t(np.ones((1, 3, 2)))), ValueError),
    ("crossmap-5d", lambda L: L.nn.CrossMapLRN2d(3)(L.t(np.ones((1, 3, 2, 2, 2)))), ValueError),
]


@pytest.mark.parametrize("name,fn,error", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_have_torchs_class(name, fn, error):
    for lib in _libs():
        with pytest.raises(error):
            fn(lib)


def test_cross_map_lrn2d_rejects_a_size_below_one():
    """torch divides by zero (ZeroDivisionError) for size 0 and computes garbage for negative sizes."""
    for size in (0, -2):
        with pytest.raises(ValueError, match="size must be positive"):
            nn.CrossMapLRN2d(size)(ag.ones(1, 3, 2, 2))
