"""pow's gradients at special points (zero, negative and infinite bases and exponents), against PyTorch."""
import itertools

import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch")

INF, NAN = float("inf"), float("nan")
BASES = [0.0, -0.0, -2.0, -0.5, 0.5, 2.0, INF, -INF, NAN]
EXPONENTS = [-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0, INF, -INF]
GRID = list(itertools.product(BASES, EXPONENTS))


def _same(ours, theirs):
    """Equal infinities, nans and zeros; finite values to a few ulps (torch's pow kernels round differently)."""
    ours, theirs = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    np.testing.assert_array_equal(np.isfinite(ours), np.isfinite(theirs))
    np.testing.assert_array_equal(ours[~np.isfinite(ours)], theirs[~np.isfinite(theirs)])
    np.testing.assert_allclose(ours, theirs, rtol=1e-15, atol=0)


def _grid():
    a, b = np.array(GRID).T
    return a, b


def test_tensor_tensor_gradients_match_torch():
    a, b = _grid()
    x, y = ag.tensor(a, requires_grad=True), ag.tensor(b, requires_grad=True)
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    (x ** y).backward(ag.ones(len(a), dtype=ag.float64))
    (tx ** ty).backward(torch.ones(len(a), dtype=torch.float64))
    _same(x.grad.numpy(), tx.grad.numpy())
    _same(y.grad.numpy(), ty.grad.numpy())


def test_zero_base_exponent_gradient_is_minus_inf_for_negative_exponents():
    y = ag.tensor([-1.0, -0.5, 0.0, 1.0], dtype=ag.float64, requires_grad=True)
    ag.pow(ag.zeros(4, dtype=ag.float64), y).sum().backward()
    _same(y.grad.numpy(), [-INF, -INF, 0.0, 0.0])


def test_negative_base_exponent_gradient_is_nan():
    y = ag.tensor([-1.0, 0.0, 2.0], dtype=ag.float64, requires_grad=True)
    ag.pow(ag.full((3,), -2.0, dtype=ag.float64), y).sum().backward()
    assert np.isnan(y.grad.numpy()).all()


@pytest.mark.parametrize("base", BASES)
def test_number_base_gradient_matches_torch(base):
    b = np.array(EXPONENTS)
    y, ty = ag.tensor(b, requires_grad=True), torch.tensor(b, requires_grad=True)
    (base ** y).backward(ag.ones_like(y))
    (base ** ty).backward(torch.ones_like(ty))
    _same(y.grad.numpy(), ty.grad.numpy())


@pytest.mark.parametrize("exponent", EXPONENTS)
def test_number_exponent_value_and_gradient_match_torch(exponent):
    a = np.array(BASES)
    x, tx = ag.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    out, tout = x ** exponent, tx ** exponent
    _same(out.detach().numpy(), tout.detach().numpy())
    out.backward(ag.ones_like(out))
    tout.backward(torch.ones_like(tout))
    _same(x.grad.numpy(), tx.grad.numpy())


def test_gradgradcheck_still_passes_away_from_the_edges():
    a = ag.tensor([0.5, 1.5, 2.0], dtype=ag.float64, requires_grad=True)
    b = ag.tensor([-1.0, 0.5, 2.5], dtype=ag.float64, requires_grad=True)
    assert ag.gradcheck(ag.pow, (a, b))
    assert ag.gradgradcheck(ag.pow, (a, b))
    assert ag.gradgradcheck(lambda x: x ** -0.5, (a,))
