"""torch.lobpcg (solved exactly through eigh): against PyTorch's iterative solver, its gradients and its errors."""
import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch")

_RNG = np.random.default_rng(3)
_A = _RNG.normal(size=(9, 9))
_A = _A @ _A.T
_B = _RNG.normal(size=(9, 9))
_B = _B @ _B.T + 9 * np.eye(9)


@pytest.mark.parametrize("kwargs", [dict(), dict(k=2), dict(k=3, largest=False), dict(k=2, B=True),
                                    dict(X=True), dict(k=2, niter=50, tol=1e-9)])
def test_lobpcg_matches_torch(kwargs):
    ours, theirs = dict(kwargs), dict(kwargs)
    if kwargs.get("B"):
        ours["B"], theirs["B"] = ag.tensor(_B), torch.tensor(_B)
    if kwargs.get("X"):
        x0 = _RNG.normal(size=(9, 2))
        ours["X"], theirs["X"] = ag.tensor(x0), torch.tensor(x0)
    e, x = ag.lobpcg(ag.tensor(_A), **ours)
    et, xt = torch.lobpcg(torch.tensor(_A), **theirs)
    np.testing.assert_allclose(e.numpy(), et.numpy(), rtol=1e-7)
    np.testing.assert_allclose(np.abs(x.numpy()), np.abs(xt.numpy()), atol=1e-6)
    b = _B if kwargs.get("B") else np.eye(9)
    np.testing.assert_allclose(_A @ x.numpy(), b @ x.numpy() * e.numpy(), atol=1e-8)  # A x = E B x


def test_lobpcg_batched_matches_torch():
    a = np.stack([_A, _A + np.eye(9)])
    e, _ = ag.lobpcg(ag.tensor(a), k=2)
    et, _ = torch.lobpcg(torch.tensor(a), k=2)
    np.testing.assert_allclose(e.numpy(), et.numpy(), rtol=1e-7)


def test_lobpcg_gradient_matches_torch_and_gradcheck():
    a, at = ag.tensor(_A, requires_grad=True), torch.tensor(_A, requires_grad=True)
    e, x = ag.lobpcg(a, k=2)
    et, xt = torch.lobpcg(at, k=2)
    (e * ag.tensor([1.0, 2.0])).sum().backward()
    (et * torch.tensor([1.0, 2.0], dtype=torch.float64)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), at.grad.numpy(), atol=1e-6)
    small = _RNG.normal(size=(6, 6))
    assert ag.gradcheck(lambda m: ag.lobpcg(m + m.mT, k=2)[0], [ag.tensor(small, requires_grad=True)])
    # with B too (torch 2.13 has no backward there)
    assert ag.gradcheck(lambda m, b: ag.lobpcg(m + m.mT, k=1, B=b @ b.mT + 6 * ag.eye(6, dtype=b.dtype))[0],
                        [ag.tensor(small, requires_grad=True), ag.tensor(small.T.copy(), requires_grad=True)])


@pytest.mark.parametrize("call,match", [
    (lambda: ag.lobpcg(ag.tensor(_A), k=4), "smaller than 3 x the number of requested eigenpairs \\(=4\\)"),
    (lambda: ag.lobpcg(ag.ones(3, 4)), "square matrix"),
    (lambda: ag.lobpcg(ag.tensor(_A), B=ag.eye(3, dtype=ag.float64)), "B must have A's matrix shape"),
    (lambda: ag.lobpcg(ag.tensor(_A), X=ag.ones(4, 1, dtype=ag.float64)), "X must have shape"),
    (lambda: ag.lobpcg(ag.tensor(_A), tracker=print), "tracker is not supported"),
])
def test_lobpcg_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()
