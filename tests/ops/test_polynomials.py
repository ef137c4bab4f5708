"""Orthogonal polynomials: PyTorch's values on a grid of points and degrees, its dtypes, no gradient, errors."""
import numpy as np
import pytest

import autograd as ag
import autograd.special as S

NAMES = S._POLYNOMIALS
X = np.array([-2.0, -1.0, -0.7, -0.25, 0.0, 0.3, 0.5, 0.9, 1.0, 1.5, 3.0])


@pytest.mark.parametrize("name", NAMES)
def test_matches_torch_on_a_grid_of_points_and_degrees(name):
    torch = pytest.importorskip("torch")
    for n in (-3, 0, 1, 2, 3, 6, 7, 12, 2.7):
        ours = getattr(S, name)(ag.tensor(X), n).numpy()
        theirs = getattr(torch.special, name)(torch.tensor(X), n).numpy()
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-9, err_msg=f"{name} n={n}")
    degrees = np.array([[0], [3], [5]])
    np.testing.assert_allclose(getattr(S, name)(ag.tensor(X), ag.tensor(degrees)).numpy(),
                               getattr(torch.special, name)(torch.tensor(X), torch.tensor(degrees)).numpy(),
                               rtol=1e-9, atol=1e-9)


def test_dtypes_follow_pytorch():
    f = S.chebyshev_polynomial_t
    assert f(ag.tensor([1, 2]), 2).dtype == ag.float32  # ints give the default float dtype
    assert f(ag.tensor([0.5], dtype=ag.float64), 2).dtype == ag.float64
    assert f(0.5, ag.tensor([0, 1, 2])).dtype == ag.float32
    np.testing.assert_allclose(f(0.5, ag.tensor([0, 1, 2, 3])).numpy(), [1.0, 0.5, -0.5, -1.0])


def test_no_gradient_is_recorded_as_in_pytorch():
    x = ag.tensor([0.2, 0.4], requires_grad=True)
    y = S.legendre_polynomial_p(x, 3)
    assert y.grad_fn is None and not y.requires_grad


def test_two_numbers_are_refused():
    with pytest.raises(TypeError, match="hermite_polynomial_h: expected at least one tensor"):
        S.hermite_polynomial_h(0.5, 2)


def test_on_the_gpu_stand_in(stand_in):
    y = S.hermite_polynomial_he(ag.tensor([0.5, 1.5], device="cuda"), 3)
    assert y.device.type == "cuda"
    np.testing.assert_allclose(y.cpu().numpy(), [0.5 ** 3 - 1.5, 1.5 ** 3 - 4.5], rtol=1e-6)
