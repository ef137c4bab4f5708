"""The old top-level linear algebra (lu, lu_solve, lu_unpack, triangular_solve, cholesky, geqrf, orgqr, ormqr,
svd_lowrank, pca_lowrank, kron, trace, addbmm, addr, chain_matmul, frobenius/nuclear norm) against PyTorch."""
import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch")

_RNG = np.random.default_rng(0)
_A = _RNG.normal(size=(4, 4)) + 4 * np.eye(4)
_B = _RNG.normal(size=(4, 2))
_T = _RNG.normal(size=(5, 3))


def _t(x, grad=False):
    return ag.tensor(x, dtype=ag.float64, requires_grad=grad)


def _close(a, b, tol=1e-10):
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=tol, atol=tol)


def test_lu_lu_solve_lu_unpack_match_torch():
    lu, piv = ag.lu(_t(_A))
    lut, pivt = torch.linalg.lu_factor(torch.tensor(_A))
    _close(lu, lut)
    np.testing.assert_array_equal(piv.numpy(), pivt.numpy())
    lu2, piv2, info = _t(_A).lu(get_infos=True)
    assert int(info) == 0
    _close(ag.lu_solve(_t(_B), lu, piv), torch.lu_solve(torch.tensor(_B), lut, pivt))
    for P, Pt in zip(ag.lu_unpack(lu, piv), torch.lu_unpack(lut, pivt)):
        _close(P, Pt)


@pytest.mark.parametrize("upper", [True, False])
@pytest.mark.parametrize("transpose", [True, False])
@pytest.mark.parametrize("unit", [True, False])
def test_triangular_solve_matches_torch_with_gradients(upper, transpose, unit):
    a, b = _t(_A, True), _t(_B, True)
    at, bt = torch.tensor(_A, requires_grad=True), torch.tensor(_B, requires_grad=True)
    x, coef = ag.triangular_solve(b, a, upper, transpose, unit)
    xt, coeft = torch.triangular_solve(bt, at, upper, transpose, unit)
    _close(x, xt)
    _close(coef, coeft)
    x.sum().backward()
    xt.sum().backward()
    _close(a.grad, at.grad)
    _close(b.grad, bt.grad)


def test_cholesky_method_matches_torch():
    s = _A @ _A.T
    for upper in (False, True):
        _close(_t(s).cholesky(upper=upper), torch.tensor(s).cholesky(upper=upper))
        _close(ag.cholesky(_t(s), upper), torch.cholesky(torch.tensor(s), upper))


def test_householder_ops_match_torch():
    for shape in ((5, 3), (3, 3), (2, 4, 3)):
        m = _RNG.normal(size=shape)
        a, tau = ag.geqrf(_t(m))
        at, taut = torch.geqrf(torch.tensor(m))
        _close(a, at)
        _close(tau, taut)
        _close(a.orgqr(tau), torch.orgqr(at, taut))
        rows = shape[-2]
        for left in (True, False):
            for transpose in (True, False):
                c = _RNG.normal(size=shape[:-2] + ((rows, 2) if left else (2, rows)))
                _close(ag.ormqr(a, tau, _t(c), left, transpose), torch.ormqr(at, taut, torch.tensor(c), left, transpose))


def test_lowrank_reconstructs_a_low_rank_matrix():
    ag.manual_seed(0)
    m = _RNG.normal(size=(8, 2)) @ _RNG.normal(size=(2, 6))
    u, s, v = ag.svd_lowrank(_t(m), q=3)
    assert tuple(u.shape) == (8, 3) and tuple(s.shape) == (3,) and tuple(v.shape) == (6, 3)
    np.testing.assert_allclose((u * s @ v.mT).numpy(), m, atol=1e-8)
    np.testing.assert_allclose(s.numpy()[:2], np.linalg.svd(m, compute_uv=False)[:2], rtol=1e-8)
    u, s, v = ag.pca_lowrank(_t(m), q=2)
    centred = m - m.mean(0)
    np.testing.assert_allclose((u * s @ v.mT).numpy(), centred, atol=1e-8)


def test_products_match_torch():
    x, y = _RNG.normal(size=(2, 3)), _RNG.normal(size=(3, 1, 2))
    _close(ag.kron(_t(x), _t(y)), torch.kron(torch.tensor(x), torch.tensor(y)))
    _close(_t(_A).trace(), torch.tensor(_A).trace())
    assert str(ag.trace(ag.tensor([[1, 2], [3, 4]])).dtype).endswith("int64")
    b1, b2 = _RNG.normal(size=(3, 4, 2)), _RNG.normal(size=(3, 2, 4))
    _close(ag.addbmm(_t(_A), _t(b1), _t(b2), beta=0.5, alpha=3),
           torch.addbmm(torch.tensor(_A), torch.tensor(b1), torch.tensor(b2), beta=0.5, alpha=3))
    v1, v2 = _RNG.normal(size=4), _RNG.normal(size=4)
    _close(_t(_A).addr(_t(v1), _t(v2), alpha=2), torch.tensor(_A).addr(torch.tensor(v1), torch.tensor(v2), alpha=2))
    _close(ag.chain_matmul(_t(_A), _t(_B), _t(x)), torch.chain_matmul(torch.tensor(_A), torch.tensor(_B), torch.tensor(x)))
    _close(ag.frobenius_norm(_t(_T), (0, 1)), torch.frobenius_norm(torch.tensor(_T), (0, 1)))
    _close(ag.nuclear_norm(_t(_T)), torch.nuclear_norm(torch.tensor(_T)))


def test_errors():
    with pytest.raises(RuntimeError, match="trace: expected a matrix, but got tensor with dim 3"):
        ag.trace(ag.ones(2, 3, 3))
    with pytest.raises(TypeError, match=r"kron\(\): argument 'other' must be Tensor, not int"):
        ag.kron(ag.ones(2), 3)
    with pytest.raises(RuntimeError, match="addr: vec1 must be a 1-D tensor"):
        ag.addr(ag.ones(2, 2), ag.ones(2, 1), ag.ones(2))
    with pytest.raises(RuntimeError, match=r"chain_matmul\(\): Expected one or more matrices"):
        ag.chain_matmul()
    with pytest.raises(RuntimeError, match="triangular_solve: A must be a batch of square matrices"):
        ag.triangular_solve(ag.ones(3, 1), ag.ones(3, 2))
    with pytest.raises(RuntimeError, match="ormqr: input3 of shape"):
        ag.ormqr(ag.ones(4, 2), ag.ones(2), ag.ones(3, 3))
    with pytest.raises(ValueError, match=r"svd_lowrank: q must be in \[1, min\(m, n\)\]"):
        ag.svd_lowrank(ag.ones(3, 2), q=5)


def test_orgqr_ormqr_gradients():
    m = _RNG.normal(size=(4, 3))
    a, tau = ag.geqrf(_t(m))
    c = _RNG.normal(size=(4, 2))
    inputs = [_t(a.numpy(), True), _t(tau.numpy(), True), _t(c, True)]
    fn = lambda a, tau, c: ag.ormqr(a, tau, c, True, True)  # noqa: E731
    assert ag.gradcheck(fn, inputs) and ag.gradgradcheck(fn, inputs)
    assert ag.gradcheck(ag.orgqr, inputs[:2])
