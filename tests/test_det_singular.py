"""det / slogdet / logdet gradients on singular matrices (the cofactor matrix, as in PyTorch), and gradchecks."""
import numpy as np
import pytest

import autograd as ag

RNG = np.random.default_rng(7)
SINGULAR = {
    "rank n-1 (2x2)": np.array([[1.0, 2.0], [2.0, 4.0]]),
    "zero pivot": np.diag([1.0, 2.0, 0.0]),
    "rank 2 of 3": RNG.standard_normal((3, 2)) @ RNG.standard_normal((2, 3)),
    "rank 2 of 4": RNG.standard_normal((4, 2)) @ RNG.standard_normal((2, 4)),
    "zero": np.zeros((3, 3)),
    "batch": np.stack([np.diag([3.0, 0.0, 1.0]), RNG.standard_normal((3, 3))]),
}


def _adjugate_t(a):
    """The cofactor matrix by minors (the reference)."""
    a = np.asarray(a)
    if a.ndim > 2:
        return np.stack([_adjugate_t(m) for m in a])
    n = a.shape[0]
    c = np.empty_like(a)
    for i in range(n):
        for j in range(n):
            minor = np.delete(np.delete(a, i, 0), j, 1)
            c[i, j] = (-1) ** (i + j) * np.linalg.det(minor)
    return c


@pytest.mark.parametrize("name", SINGULAR)
def test_det_gradient_is_the_cofactor_matrix(name):
    a = SINGULAR[name]
    x = ag.tensor(a, requires_grad=True)
    ag.linalg.det(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), _adjugate_t(a), atol=1e-12)
    y = ag.tensor(a, requires_grad=True)
    ag.det(y).sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), x.grad.numpy())


@pytest.mark.parametrize("name", SINGULAR)
def test_det_gradient_matches_torch_on_singular_input(name):
    torch = pytest.importorskip("torch")
    a = SINGULAR[name]
    x = ag.tensor(a, requires_grad=True)
    (gx,) = ag.grad(ag.linalg.det(x).sum(), x)
    t = torch.tensor(a, requires_grad=True)
    # torch's create_graph path (its SVD formula) is the adjugate everywhere; its plain backward returns zeros
    # where the determinant is exactly 0 (see the report), so the reference is taken with create_graph=True
    (gt,) = torch.autograd.grad(torch.linalg.det(t).sum(), t, create_graph=True)
    np.testing.assert_allclose(gx.numpy(), gt.detach().numpy(), atol=1e-12)


def test_slogdet_and_logdet_gradients_are_infinite_at_a_zero_determinant():
    a = np.diag([1.0, 2.0, 0.0])
    x = ag.tensor(a, requires_grad=True)
    ag.linalg.slogdet(x).logabsdet.backward()
    g = x.grad.numpy()
    assert np.isinf(g[2, 2]) and np.isnan(g[:2]).all()  # adj^T / det: inf where the cofactor is not 0, else nan
    y = ag.tensor(np.array([[1.0, 2.0], [2.0, 4.0]]), requires_grad=True)
    ag.logdet(y).backward()
    assert np.isinf(y.grad.numpy()).all()


def test_slogdet_gradient_matches_torch_on_invertible_input():
    torch = pytest.importorskip("torch")
    a = RNG.standard_normal((2, 4, 4))
    x, t = ag.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ag.linalg.slogdet(x).logabsdet.sum().backward()
    torch.linalg.slogdet(t).logabsdet.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)
    x, t = ag.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ag.linalg.det(x).sum().backward()
    torch.linalg.det(t).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("fn", [ag.linalg.det, lambda a: ag.linalg.slogdet(a).logabsdet, ag.logdet],
                         ids=["det", "slogdet", "logdet"])
def test_gradcheck_on_well_conditioned_matrices(fn):
    a = RNG.standard_normal((2, 3, 3)) + 3 * np.eye(3)
    x = ag.tensor(a, requires_grad=True)
    assert ag.gradcheck(fn, (x,))
    assert ag.gradgradcheck(fn, (x,))


def test_det_of_empty_and_one_by_one():
    x = ag.tensor(np.zeros((0, 0)), requires_grad=True)
    ag.linalg.det(x).backward()
    assert x.grad.shape == (0, 0)
    y = ag.tensor([[-3.0]], dtype=ag.float64, requires_grad=True)
    ag.linalg.det(y).backward()
    np.testing.assert_array_equal(y.grad.numpy(), [[1.0]])


def test_det_gradient_on_the_gpu_backend_is_the_cofactor_matrix(stand_in):
    a = SINGULAR["batch"]
    x = ag.tensor(a, device="cuda", requires_grad=True)
    ag.linalg.det(x).sum().backward()
    assert x.grad.device.type == "cuda"
    np.testing.assert_allclose(x.grad.cpu().numpy(), _adjugate_t(a), atol=1e-12)
