"""linalg.ldl_factor / ldl_factor_ex / ldl_solve: PyTorch's factors and pivots, solutions, no derivative, errors."""
import numpy as np
import pytest

import autograd as ag

RNG = np.random.default_rng(5)


def _symmetric(*shape):
    a = RNG.standard_normal(shape)
    return a + np.swapaxes(a, -1, -2)


@pytest.mark.parametrize("shape", [(4, 4), (3, 5, 5), (1, 1)])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_factor_reconstructs_and_solves(shape, dtype):
    A = _symmetric(*shape).astype(dtype)
    LD, piv = ag.linalg.ldl_factor(ag.tensor(A))
    assert LD.dtype == np.dtype(dtype) and piv.dtype == ag.int32 and tuple(piv.shape) == shape[:-1]
    np.testing.assert_array_equal(np.triu(LD.numpy(), 1), 0)
    B = RNG.standard_normal(shape[:-1] + (2,)).astype(dtype)
    X = ag.linalg.ldl_solve(LD, piv, ag.tensor(B))
    tol = 1e-10 if dtype == "float64" else 1e-3
    np.testing.assert_allclose(A @ X.numpy(), B, atol=tol * 10, rtol=tol)


def test_matches_torch_including_two_by_two_pivots():
    torch = pytest.importorskip("torch")
    A = np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 3.0], [2.0, 3.0, 0.0]])  # zero diagonal forces 2x2 blocks
    for a in (A, _symmetric(2, 5, 5)):
        ours = ag.linalg.ldl_factor_ex(ag.tensor(a))
        theirs = torch.linalg.ldl_factor_ex(torch.tensor(a))
        np.testing.assert_allclose(ours.LD.numpy(), theirs.LD.numpy(), rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(ours.pivots.numpy(), theirs.pivots.numpy())
        np.testing.assert_array_equal(ours.info.numpy(), theirs.info.numpy())
        b = RNG.standard_normal(a.shape[:-1] + (3,))
        np.testing.assert_allclose(ag.linalg.ldl_solve(ours.LD, ours.pivots, ag.tensor(b)).numpy(),
                                   torch.linalg.ldl_solve(theirs.LD, theirs.pivots, torch.tensor(b)).numpy(),
                                   rtol=1e-10, atol=1e-12)
    assert (ag.linalg.ldl_factor(ag.tensor(A)).pivots.numpy() < 0).any()


def test_a_singular_matrix_reports_info_and_check_errors_raises():
    A = ag.tensor(np.zeros((2, 2)))
    assert int(ag.linalg.ldl_factor_ex(A).info) > 0
    with pytest.raises(ag.linalg.LinAlgError, match="linalg.ldl_factor_ex: the factorization could not be"):
        ag.linalg.ldl_factor_ex(A, check_errors=True)


def test_backward_raises_as_in_pytorch():
    A = ag.tensor(_symmetric(3, 3), requires_grad=True)
    LD, piv = ag.linalg.ldl_factor(A)
    assert LD.requires_grad
    with pytest.raises(RuntimeError, match="linalg.ldl_factor: the derivative is not implemented"):
        LD.sum().backward()
    B = ag.tensor(RNG.standard_normal((3, 1)), requires_grad=True)
    with pytest.raises(RuntimeError, match="linalg.ldl_solve: the derivative is not implemented"):
        ag.linalg.ldl_solve(LD.detach(), piv, B).sum().backward()


def test_bad_input_is_refused_before_anything_runs(stand_in):
    with pytest.raises(RuntimeError, match="linalg.ldl_factor_ex: A must be batches of square matrices"):
        ag.linalg.ldl_factor(ag.ones(2, 3, dtype=ag.float64))
    LD, piv = ag.linalg.ldl_factor(ag.tensor(_symmetric(3, 3)))
    with pytest.raises(RuntimeError, match=r"linalg.ldl_solve: B must have 3 rows .* got shape \(2, 1\)"):
        ag.linalg.ldl_solve(LD, piv, ag.ones(2, 1, dtype=ag.float64))
    with pytest.raises(TypeError, match="linalg.ldl_solve: pivots must be an integer tensor"):
        ag.linalg.ldl_solve(LD, piv.double(), ag.ones(3, 1, dtype=ag.float64))
    with pytest.raises(RuntimeError, match="linalg.ldl_solve: LD and B must have the same dtype"):
        ag.linalg.ldl_solve(LD, piv, ag.ones(3, 1))
    with pytest.raises(RuntimeError, match="linalg.ldl_factor_ex: runs on the CPU only .* on cuda"):
        ag.linalg.ldl_factor(ag.eye(2, dtype=ag.float64, device="cuda"))
