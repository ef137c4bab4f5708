"""optim.SparseAdam: lazy Adam over the rows of sparse gradients, step by step against a numpy reference and PyTorch."""
import math
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import optim

BATCHES = ([0, 3, 0], [1, 3], [4, 0, 0, 2], [5], [2, 2])


def _embedding(n=6, dim=3, device="cpu", dtype=np.float32):
    w0 = np.random.default_rng(0).normal(size=(n, dim)).astype(dtype)
    return nn.Embedding(n, dim, sparse=True, _weight=ag.tensor(w0.copy(), device=device)), w0


def _reference(w, batches, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False):
    """Lazy Adam in float64 numpy: moments and weights change only at the rows a batch looks up (loss sum(e^2))."""
    w = w.astype(np.float64)
    m, v = np.zeros_like(w), np.zeros_like(w)
    for t, idx in enumerate(batches, 1):
        g = np.zeros_like(w)
        np.add.at(g, idx, 2 * w[idx])
        g = -g if maximize else g
        rows = np.unique(idx)
        m[rows] = betas[0] * m[rows] + (1 - betas[0]) * g[rows]
        v[rows] = betas[1] * v[rows] + (1 - betas[1]) * g[rows] ** 2
        step = lr * math.sqrt(1 - betas[1] ** t) / (1 - betas[0] ** t)
        w[rows] -= step * m[rows] / (np.sqrt(v[rows]) + eps)
    return w, m, v


def _train(e, opt, batches, device="cpu"):
    for idx in batches:
        opt.zero_grad()
        e(ag.tensor(idx, device=device)).pow(2).sum().backward()
        opt.step()


@pytest.mark.parametrize("kw", [{}, {"maximize": True}, {"lr": 0.05, "betas": (0.8, 0.9), "eps": 1e-6}])
def test_matches_numpy_reference(kw, device):
    e, w0 = _embedding(device=device, dtype=np.float64)
    opt = optim.SparseAdam(e.parameters(), **kw)
    _train(e, opt, BATCHES, device)
    w, m, v = _reference(w0, BATCHES, **kw)
    np.testing.assert_allclose(e.weight.detach().cpu().numpy(), w, rtol=1e-12, atol=1e-14)
    state = opt.state[e.weight]
    assert state["step"] == len(BATCHES)
    np.testing.assert_allclose(state["exp_avg"].cpu().numpy(), m, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(state["exp_avg_sq"].cpu().numpy(), v, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("kw", [{}, {"maximize": True}, {"lr": 0.05, "betas": (0.8, 0.9), "eps": 1e-6}])
def test_matches_torch(kw):
    torch = pytest.importorskip("torch")
    warnings.filterwarnings("ignore", message="Sparse invariant checks")
    e, w0 = _embedding()
    te = torch.nn.Embedding(6, 3, sparse=True, _weight=torch.tensor(w0.copy()))
    opt, topt = optim.SparseAdam(e.parameters(), **kw), torch.optim.SparseAdam(te.parameters(), **kw)
    _train(e, opt, BATCHES)
    for idx in BATCHES:
        topt.zero_grad()
        te(torch.tensor(idx)).pow(2).sum().backward()
        topt.step()
    np.testing.assert_allclose(e.weight.detach().numpy(), te.weight.detach().numpy(), rtol=1e-6, atol=1e-7)
    for name in ("exp_avg", "exp_avg_sq"):
        np.testing.assert_allclose(opt.state[e.weight][name].numpy(), topt.state[te.weight][name].numpy(),
                                   rtol=1e-6, atol=1e-9)
    assert opt.state[e.weight]["step"] == topt.state[te.weight]["step"]
    assert opt.defaults == topt.defaults


def test_untouched_rows_keep_their_moments():
    e, w0 = _embedding()
    opt = optim.SparseAdam(e.parameters(), lr=0.1)
    _train(e, opt, [[0, 1]])
    m1 = opt.state[e.weight]["exp_avg"].numpy().copy()
    _train(e, opt, [[0]])  # row 1 is not looked up: its moment and weight stay (lazy Adam)
    np.testing.assert_array_equal(opt.state[e.weight]["exp_avg"].numpy()[1], m1[1])
    np.testing.assert_array_equal(e.weight.detach().numpy()[2:], w0[2:])


def test_state_dict_round_trip():
    e, _ = _embedding()
    opt = optim.SparseAdam(e.parameters(), lr=0.01)
    _train(e, opt, BATCHES[:2])
    e2, _ = _embedding()
    e2.load_state_dict(e.state_dict())
    opt2 = optim.SparseAdam(e2.parameters(), lr=0.01)
    opt2.load_state_dict(opt.state_dict())
    _train(e, opt, BATCHES[2:])
    _train(e2, opt2, BATCHES[2:])
    np.testing.assert_array_equal(e.weight.detach().numpy(), e2.weight.detach().numpy())


def test_dense_gradient_refused_before_any_change():
    e, _ = _embedding()
    lin = nn.Linear(2, 2)
    opt = optim.SparseAdam(list(e.parameters()) + list(lin.parameters()))
    e(ag.tensor([0])).sum().backward()
    lin(ag.ones(1, 2)).sum().backward()
    before = e.weight.detach().numpy().copy()
    with pytest.raises(RuntimeError, match="SparseAdam does not support dense gradients, please consider Adam"):
        opt.step()
    np.testing.assert_array_equal(e.weight.detach().numpy(), before)
    assert not opt.state


@pytest.mark.parametrize("kw, match", [({"lr": -1.0}, "Invalid learning rate"), ({"eps": -1.0}, "Invalid epsilon"),
                                       ({"betas": (1.0, 0.9)}, "Invalid beta parameter at index 0"),
                                       ({"betas": (0.9, -0.1)}, "Invalid beta parameter at index 1")])
def test_bad_options(kw, match):
    e, _ = _embedding()
    with pytest.raises(ValueError, match=match):
        optim.SparseAdam(e.parameters(), **kw)


def test_sparse_parameters_refused():
    p = ag.sparse_coo_tensor([[0]], [1.0], (3,), requires_grad=True)
    with pytest.raises(ValueError, match="SparseAdam requires dense parameter tensors"):
        optim.SparseAdam([p])
