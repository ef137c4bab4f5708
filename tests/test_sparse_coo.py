"""Sparse COO tensors against PyTorch: construction, conversion, products, gradients, optimizers, errors."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
import optim

# construction, conversions, coalesce, sparse @ dense with gradients, torch.sparse, sparse embedding gradients with
# SGD, error paths, and a graph convolution network trained side by side with PyTorch.

IDX = [[0, 1, 1, 0], [2, 0, 2, 2]]  # (0, 2) twice
VALS = [3.0, 4.0, 5.0, 1.0]


def _torch():
    torch = pytest.importorskip("torch")
    warnings.filterwarnings("ignore", message="Sparse invariant checks")
    return torch


def _np(t):
    return t.detach().cpu().numpy() if hasattr(t, "detach") else np.asarray(t)


def _sp(device="cpu", requires_grad=False, dtype=ag.float32):
    v = ag.tensor(VALS, dtype=dtype, device=device, requires_grad=requires_grad)
    return ag.sparse_coo_tensor(ag.tensor(IDX, device=device), v, (2, 3)), v


def _dense_ref():
    out = np.zeros((2, 3), np.float32)
    np.add.at(out, tuple(np.array(IDX)), np.array(VALS, np.float32))
    return out


# ---------------------------------------------------------------------------- construction and attributes
def test_attributes(device):
    s, _ = _sp(device)
    assert s.is_sparse and s.layout == ag.sparse_coo and s.layout is not ag.strided
    assert tuple(s.shape) == (2, 3) and s.dtype == ag.float32 and s.ndim == 2 and s.numel() == 6
    assert s._nnz() == 4 and s.sparse_dim() == 2 and s.dense_dim() == 0 and not s.is_coalesced()
    assert s.device == ag.device(device)
    assert not ag.ones(2).is_sparse and ag.ones(2).layout == ag.strided
    assert ag.ones(2, 3).sparse_dim() == 0 and ag.ones(2, 3).dense_dim() == 2
    np.testing.assert_array_equal(_np(s.to_dense()), _dense_ref())


def test_against_torch_construction_and_repr():
    torch = _torch()
    for kw in ({}, {"size": (2, 3)}, {"size": (4, 5), "dtype": ag.float64}):
        tkw = {k: (torch.float64 if k == "dtype" else v) for k, v in kw.items()}
        t = torch.sparse_coo_tensor(torch.tensor(IDX), torch.tensor(VALS), **tkw)
        s = ag.sparse_coo_tensor(ag.tensor(IDX), ag.tensor(VALS), **kw)
        assert tuple(s.shape) == tuple(t.shape) and str(s.dtype) == str(t.dtype).replace("torch.", "")
        # tapegrad prints dtypes as numpy names (dtype=float64), PyTorch as torch.float64
        assert repr(s) == repr(t).replace("torch.float64", "float64")
    t = torch.sparse_coo_tensor(torch.tensor(IDX), torch.tensor(VALS), requires_grad=True)
    s = ag.sparse_coo_tensor(ag.tensor(IDX), ag.tensor(VALS), requires_grad=True)
    assert repr(s) == repr(t) and s.is_leaf and s.requires_grad
    v = torch.tensor(VALS, requires_grad=True)
    assert repr(ag.sparse_coo_tensor(IDX, ag.tensor(VALS, requires_grad=True), (2, 3))) == \
        repr(torch.sparse_coo_tensor(IDX, v, (2, 3)))
    assert repr(ag.sparse_coo_tensor(IDX, VALS, (2, 3)).coalesce()) == \
        repr(torch.sparse_coo_tensor(IDX, VALS, (2, 3)).coalesce())


def test_dense_dims_and_is_coalesced_flag():
    torch = _torch()
    vals = np.arange(8.0).reshape(4, 2)
    s = ag.sparse_coo_tensor(IDX, ag.tensor(vals), (2, 3, 2))
    t = torch.sparse_coo_tensor(IDX, torch.tensor(vals), (2, 3, 2))
    assert s.sparse_dim() == 2 and s.dense_dim() == 1
    np.testing.assert_array_equal(_np(s.to_dense()), t.to_dense().numpy())
    np.testing.assert_array_equal(_np(s.coalesce().values()), t.coalesce().values().numpy())
    assert ag.sparse_coo_tensor([[0, 1]], [1.0, 2.0], (2,), is_coalesced=True).is_coalesced()


@pytest.mark.parametrize("make, match", [
    (lambda: ag.sparse_coo_tensor(IDX, VALS, (1, 3)), "for dim 0, size is 1 but found index 1"),
    (lambda: ag.sparse_coo_tensor([[0, -1]], [1.0, 2.0], (3,)), "negative index -1"),
    (lambda: ag.sparse_coo_tensor(IDX, VALS[:2], (2, 3)), "same nnz"),
    (lambda: ag.sparse_coo_tensor(IDX, VALS, (2,)), "len\\(size\\) == sparse_dim \\+ dense_dim"),
    (lambda: ag.sparse_coo_tensor(IDX, ag.ones(4, 2), (2, 3, 3)), "dense dims"),
    (lambda: ag.sparse_coo_tensor([0, 1], [1.0, 2.0]), "2-D"),
    (lambda: ag.sparse_coo_tensor([[True, False]], [1.0, 2.0], (2,)), "integer"),
])
def test_construction_errors(make, match):
    with pytest.raises(RuntimeError, match=match):
        make()


def test_unchecked_indices_when_asked():
    s = ag.sparse_coo_tensor(IDX, VALS, (1, 3), check_invariants=False)  # PyTorch's default: unchecked
    assert tuple(s.shape) == (1, 3)


def test_inferred_size_and_empty():
    s = ag.sparse_coo_tensor(ag.zeros(2, 0, dtype=ag.int64), ag.zeros(0), (3, 3))
    assert s._nnz() == 0 and np.all(_np(s.to_dense()) == 0) and s.coalesce()._nnz() == 0
    assert tuple(ag.sparse_coo_tensor(IDX, VALS).shape) == (2, 3)


# ---------------------------------------------------------------------------- conversions
def test_coalesce_indices_values_against_torch(device):
    torch = _torch()
    s, _ = _sp(device)
    t = torch.sparse_coo_tensor(torch.tensor(IDX), torch.tensor(VALS), (2, 3))
    c, tc = s.coalesce(), t.coalesce()
    assert c.is_coalesced() and c._nnz() == tc._nnz() == 3
    np.testing.assert_array_equal(_np(c.indices()), tc.indices().numpy())
    np.testing.assert_array_equal(_np(c.values()), tc.values().numpy())
    assert c.coalesce() is c and c.indices().dtype == ag.int64
    np.testing.assert_array_equal(_np(s._indices()), np.array(IDX))
    np.testing.assert_array_equal(_np(s._values()), np.array(VALS, np.float32))


def test_to_sparse_against_torch(device):
    torch = _torch()
    x = np.array([[[0.0, 1.0], [0.0, 0.0]], [[2.0, 0.0], [0.0, 3.0]]], np.float32)
    for sd in (None, 1, 2, 3):
        s = ag.tensor(x, device=device).to_sparse(sd) if sd is not None else ag.tensor(x, device=device).to_sparse()
        t = torch.tensor(x).to_sparse(sd) if sd is not None else torch.tensor(x).to_sparse()
        assert s.sparse_dim() == t.sparse_dim() and s._nnz() == t._nnz() and s.is_coalesced()
        np.testing.assert_array_equal(_np(s.indices()), t.indices().numpy())
        np.testing.assert_array_equal(_np(s.values()), t.values().numpy())
        np.testing.assert_array_equal(_np(s.to_dense()), x)
    assert ag.tensor(x).to_sparse_coo().is_sparse
    s = ag.tensor(x).to_sparse()
    assert s.to_sparse() is s
    for bad in (4, 0):
        with pytest.raises(RuntimeError, match="sparse_dim argument must be in"):
            ag.tensor(x).to_sparse(bad)
    with pytest.raises(RuntimeError, match="Sparse to Sparse"):
        s.to_sparse(1)


def test_dense_to_dense_is_itself():
    x = ag.ones(2)
    assert x.to_dense() is x and x.to_dense(ag.float64).dtype == ag.float64


@pytest.mark.parametrize("name", ["coalesce", "indices", "values", "is_coalesced", "_values"])
def test_sparse_only_methods_on_dense(name):
    with pytest.raises(RuntimeError, match="expected sparse coordinate tensor layout but got Strided"):
        getattr(ag.ones(2, 2), name)()
    with pytest.raises(NotImplementedError):
        ag.ones(2)._nnz()


@pytest.mark.parametrize("name", ["indices", "values"])
def test_uncoalesced_indices_values_raise(name):
    s, _ = _sp()
    with pytest.raises(RuntimeError, match=f"Cannot get {name} on an uncoalesced tensor"):
        getattr(s, name)()


# ---------------------------------------------------------------------------- gradients, against torch
def _torch_pair(torch, requires_grad_leaf=False):
    tv = torch.tensor(VALS, requires_grad=not requires_grad_leaf)
    ts = torch.sparse_coo_tensor(torch.tensor(IDX), tv if not requires_grad_leaf else tv.detach(), (2, 3),
                                 requires_grad=requires_grad_leaf)
    return ts, tv


@pytest.mark.parametrize("how", ["sparse.mm", "matmul", "mm", "spmm", "vector"])
def test_sparse_mm_gradients_against_torch(how, device):
    torch = _torch()
    xs = np.random.default_rng(0).normal(size=(3,) if how == "vector" else (3, 2)).astype(np.float32)
    fns = {"sparse.mm": lambda m, s, x: m.sparse.mm(s, x), "matmul": lambda m, s, x: s @ x,
           "mm": lambda m, s, x: m.mm(s, x), "spmm": lambda m, s, x: m.spmm(s, x),
           "vector": lambda m, s, x: s @ x}
    s, v = _sp(device, requires_grad=True)
    x = ag.tensor(xs, device=device, requires_grad=True)
    ts, tv = _torch_pair(torch)
    tx = torch.tensor(xs, requires_grad=True)
    y, ty = fns[how](ag, s, x), fns[how](torch, ts, tx)
    np.testing.assert_allclose(_np(y), ty.detach().numpy(), rtol=1e-6, atol=1e-6)
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    np.testing.assert_allclose(_np(v.grad), tv.grad.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_np(x.grad), tx.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_dense_at_sparse_against_torch():
    torch = _torch()
    xs = np.random.default_rng(1).normal(size=(4, 2)).astype(np.float32)
    s, v = _sp(requires_grad=True)
    x = ag.tensor(xs, requires_grad=True)
    ts, tv = _torch_pair(torch)
    tx = torch.tensor(xs, requires_grad=True)
    y, ty = x @ s, tx @ ts
    np.testing.assert_allclose(_np(y), ty.detach().numpy(), rtol=1e-6)
    y.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(_np(v.grad), tv.grad.numpy(), rtol=1e-6)
    np.testing.assert_allclose(_np(x.grad), tx.grad.numpy(), rtol=1e-6)


def test_sparse_leaf_gradients_against_torch():
    torch = _torch()
    xs = np.random.default_rng(2).normal(size=(3, 2)).astype(np.float32)
    for fn in (lambda m, s: m.sparse.mm(s, m.tensor(xs)).sum(), lambda m, s: (s.to_dense() * 2).sum(),
               lambda m, s: m.sparse.sum(s), lambda m, s: (s.coalesce().values() ** 2).sum()):
        s = ag.sparse_coo_tensor(IDX, VALS, (2, 3), requires_grad=True)
        ts, _ = _torch_pair(torch, requires_grad_leaf=True)
        fn(ag, s).backward()
        fn(torch, ts).backward()
        assert s.grad.is_sparse and s.grad.layout == ag.sparse_coo
        np.testing.assert_allclose(_np(s.grad.to_dense()), ts.grad.to_dense().numpy(), rtol=1e-6)
        np.testing.assert_array_equal(_np(s.grad.coalesce().indices()), ts.grad.coalesce().indices().numpy())


def test_to_dense_and_to_sparse_gradients_against_torch():
    torch = _torch()
    w = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    s, v = _sp(requires_grad=True)
    ts, tv = _torch_pair(torch)
    (s.to_dense() * ag.tensor(w)).sum().backward()
    (ts.to_dense() * torch.tensor(w)).sum().backward()
    np.testing.assert_array_equal(_np(v.grad), tv.grad.numpy())
    xs = np.array([[0.0, 2.0], [3.0, 0.0]], np.float32)
    x, tx = ag.tensor(xs, requires_grad=True), torch.tensor(xs, requires_grad=True)
    ag.sparse.mm(x.to_sparse(), ag.ones(2, 2)).sum().backward()
    torch.sparse.mm(tx.to_sparse(), torch.ones(2, 2)).sum().backward()
    np.testing.assert_array_equal(_np(x.grad), tx.grad.numpy())  # only the nonzero entries get a gradient


def test_sparse_sum_against_torch():
    torch = _torch()
    vals = np.random.default_rng(3).normal(size=(4, 2))
    for dim in (None, 0, 1, 2, (0, 1), (1, 2), (0, 1, 2), -1):
        v, tv = ag.tensor(vals, requires_grad=True), torch.tensor(vals, requires_grad=True)
        s = ag.sparse_coo_tensor(IDX, v, (2, 3, 2))
        ts = torch.sparse_coo_tensor(torch.tensor(IDX), tv, (2, 3, 2))
        y = ag.sparse.sum(s) if dim is None else ag.sparse.sum(s, dim)
        ty = torch.sparse.sum(ts) if dim is None else torch.sparse.sum(ts, dim)
        assert y.is_sparse == ty.is_sparse, dim
        yd, tyd = (y.to_dense(), ty.to_dense()) if ty.is_sparse else (y, ty)
        np.testing.assert_allclose(_np(yd), tyd.detach().numpy(), rtol=1e-12)
        (yd * ag.tensor(np.arange(1.0, yd.numel() + 1).reshape(tuple(yd.shape)))).sum().backward()
        (tyd * torch.arange(1.0, tyd.numel() + 1, dtype=torch.float64).reshape(tyd.shape)).sum().backward()
        np.testing.assert_allclose(_np(v.grad), tv.grad.numpy(), rtol=1e-12)
    assert ag.sparse.sum(_sp()[0], dtype=ag.float64).dtype == ag.float64
    with pytest.raises(IndexError, match="Dimension out of range"):
        ag.sparse.sum(_sp()[0], 2)
    with pytest.raises(RuntimeError, match="appears multiple times"):
        ag.sparse.sum(_sp()[0], (0, 0))
    with pytest.raises(RuntimeError, match="expected sparse coordinate tensor layout"):
        ag.sparse.sum(ag.ones(2))


def test_addmm_softmax_log_softmax_against_torch():
    torch = _torch()
    rng = np.random.default_rng(4)
    m, xs = rng.normal(size=(2, 2)).astype(np.float32), rng.normal(size=(3, 2)).astype(np.float32)
    s, v = _sp(requires_grad=True)
    ts, tv = _torch_pair(torch)
    y = ag.sparse.addmm(ag.tensor(m), s, ag.tensor(xs), beta=2.0, alpha=0.5)
    ty = torch.sparse.addmm(torch.tensor(m), ts, torch.tensor(xs), beta=2.0, alpha=0.5)
    np.testing.assert_allclose(_np(y), ty.detach().numpy(), rtol=1e-6)
    for name in ("softmax", "log_softmax"):
        grads = {}
        for dim in (0, 1, -1):
            s, v = _sp(requires_grad=True)
            ts, tv = _torch_pair(torch)
            y, ty = getattr(ag.sparse, name)(s, dim), getattr(torch.sparse, name)(ts, dim)
            assert y.is_sparse and y.is_coalesced()
            np.testing.assert_allclose(_np(y.to_dense()), ty.to_dense().detach().numpy(), rtol=1e-6, atol=1e-7)
            w = np.arange(1.0, 4.0, dtype=np.float32)
            (y.values() * ag.tensor(w)).sum().backward()
            (ty.coalesce().values() * torch.tensor(w)).sum().backward()
            grads[dim] = _np(v.grad)
            if dim >= 0:  # PyTorch 2.13's gradient for dim=-1 is wrong (it differs from dim=1's and the numeric one)
                np.testing.assert_allclose(grads[dim], tv.grad.numpy(), rtol=1e-5, atol=1e-6)
        np.testing.assert_array_equal(grads[-1], grads[1])


def test_mm_errors():
    s, _ = _sp()
    with pytest.raises(RuntimeError, match="cannot be multiplied"):
        ag.sparse.mm(s, ag.ones(4, 2))
    with pytest.raises(RuntimeError, match="expected scalar type float32 but found float64"):
        ag.mm(s, ag.ones(3, 2, dtype=ag.float64))
    with pytest.raises(RuntimeError, match="scalar values expected"):
        ag.sparse.mm(ag.sparse_coo_tensor(IDX, ag.ones(4, 2), (2, 3, 2)), ag.ones(3, 2))
    with pytest.raises(NotImplementedError, match="sparse @ sparse"):
        s @ s
    np.testing.assert_array_equal(_np(ag.sparse.mm(ag.ones(2, 2), ag.ones(2, 2))), np.full((2, 2), 2.0))


# ---------------------------------------------------------------------------- what a sparse tensor does not do
@pytest.mark.parametrize("fn", [lambda s: s.exp(), lambda s: s.sum(0), lambda s: s.reshape(6), lambda s: s.mean(),
                                lambda s: s.tolist(), lambda s: s[0], lambda s: s.max(), lambda s: ag.relu(s)])
def test_unsupported_ops_raise_not_implemented(fn):
    s, _ = _sp()
    with pytest.raises(NotImplementedError, match="sparse COO"):
        fn(s)


def test_mixing_sparse_and_dense_raises():
    s, _ = _sp()
    with pytest.raises(RuntimeError, match=r"add\(sparse, dense\) is not supported"):
        s + 1
    with pytest.raises(RuntimeError, match="sparse COO tensor and a dense one"):
        ag.ones(2, 3) + s
    with pytest.raises(TypeError, match="can't convert Sparse layout tensor to numpy"):
        s.numpy()


def test_what_works_elementwise():
    s, _ = _sp()
    np.testing.assert_array_equal(_np((s * 2).to_dense()), 2 * _dense_ref())
    np.testing.assert_array_equal(_np((s + s).to_dense()), 2 * _dense_ref())
    np.testing.assert_array_equal(_np(s.double().to_dense()), _dense_ref())
    assert s.double().is_sparse and s.detach().is_sparse and s.clone().is_sparse


# ---------------------------------------------------------------------------- embedding and optimizers
def _embeddings(torch, n=6, dim=3, **kw):
    w0 = np.random.default_rng(0).normal(size=(n, dim)).astype(np.float32)
    return (nn.Embedding(n, dim, sparse=True, _weight=ag.tensor(w0.copy()), **kw),
            torch.nn.Embedding(n, dim, sparse=True, _weight=torch.tensor(w0.copy()), **kw))


@pytest.mark.parametrize("kw", [{}, {"padding_idx": 1}])
def test_embedding_sparse_gradient_against_torch(kw):
    torch = _torch()
    e, te = _embeddings(torch, **kw)
    idx = [[0, 1], [3, 0]]
    e(ag.tensor(idx)).pow(2).sum().backward()
    te(torch.tensor(idx)).pow(2).sum().backward()
    assert e.weight.grad.is_sparse and not e.weight.grad.is_coalesced()
    np.testing.assert_array_equal(_np(e.weight.grad._indices()), te.weight.grad._indices().numpy())
    np.testing.assert_allclose(_np(e.weight.grad._values()), te.weight.grad._values().numpy(), rtol=1e-6)
    e(ag.tensor(idx)).sum().backward()  # a second backward accumulates
    te(torch.tensor(idx)).sum().backward()
    np.testing.assert_allclose(_np(e.weight.grad.to_dense()), te.weight.grad.to_dense().numpy(), rtol=1e-6)


def test_sparse_and_dense_gradients_accumulate():
    torch = _torch()
    e, te = _embeddings(torch)
    (e(ag.tensor([0, 2, 0])).sum() + (e.weight ** 2).sum()).backward()
    (te(torch.tensor([0, 2, 0])).sum() + (te.weight ** 2).sum()).backward()
    np.testing.assert_allclose(_np(e.weight.grad.to_dense()), te.weight.grad.to_dense().numpy(), rtol=1e-6)
    (e.weight ** 2).sum().backward()  # a dense gradient into a sparse .grad
    (te.weight ** 2).sum().backward()
    np.testing.assert_allclose(_np(e.weight.grad.to_dense()), te.weight.grad.to_dense().numpy(), rtol=1e-6)
    e.weight.grad = None
    (e.weight ** 2).sum().backward()  # a sparse gradient into a dense .grad, in place
    held = e.weight.grad
    e(ag.tensor([1])).sum().backward()
    assert e.weight.grad is held and not held.is_sparse
    np.testing.assert_allclose(_np(held)[1], 2 * _np(e.weight)[1] + 1, rtol=1e-6)


@pytest.mark.parametrize("kw", [{}, {"momentum": 0.9}, {"momentum": 0.9, "nesterov": True}, {"maximize": True},
                                {"momentum": 0.5, "dampening": 0.3}])
def test_sgd_sparse_against_torch(kw):
    torch = _torch()
    e, te = _embeddings(torch)
    o, to = optim.SGD(e.parameters(), lr=0.1, **kw), torch.optim.SGD(te.parameters(), lr=0.1, **kw)
    for idx in ([0, 3, 0], [1, 3], [4, 0, 0, 2]):
        o.zero_grad()
        to.zero_grad()
        e(ag.tensor(idx)).pow(2).sum().backward()
        te(torch.tensor(idx)).pow(2).sum().backward()
        o.step()
        to.step()
        np.testing.assert_allclose(_np(e.weight), te.weight.detach().numpy(), rtol=1e-6, atol=1e-7)
    if kw.get("momentum"):
        assert o.state[e.weight]["momentum_buffer"].is_sparse


def test_sgd_sparse_weight_decay_and_other_optimizers_refuse():
    torch = _torch()
    e, te = _embeddings(torch)
    e(ag.tensor([0, 1])).sum().backward()
    before = _np(e.weight).copy()
    for opt, match in ((optim.SGD(e.parameters(), lr=0.1, weight_decay=0.1), r"add\(sparse, dense\)"),
                       (optim.Adam(e.parameters()), "Adam does not support sparse gradients, please consider "
                                                    "SparseAdam"),
                       (optim.RMSprop(e.parameters()), "RMSprop does not support sparse gradients")):
        with pytest.raises(RuntimeError, match=match):
            opt.step()
        np.testing.assert_array_equal(_np(e.weight), before)


_DENSE_ONLY = sorted(n for n in optim.__all__ if isinstance(getattr(optim, n), type) and n not in
                     ("Optimizer", "SGD", "SparseAdam", "LBFGS"))


@pytest.mark.parametrize("name", _DENSE_ONLY)
def test_every_dense_optimizer_refuses_a_sparse_gradient_before_any_update(name):
    p = ag.ones(3, 2, requires_grad=True)
    q = ag.ones(3, 2, requires_grad=True)
    opt = getattr(optim, name)([{"params": [q]}, {"params": [p]}])  # the sparse one is in the second group
    state_before = {k: dict(v) for k, v in opt.state.items()}  # (Adagrad makes its state at construction)
    q.grad, p.grad = ag.ones(3, 2), ag.ones(3, 2).to_sparse()
    shown = "Adam" if name == "AdamW" else name  # AdamW is an Adam, and says so, as in PyTorch
    with pytest.raises(RuntimeError, match=f"{shown} does not support sparse gradients"):
        opt.step()
    np.testing.assert_array_equal(q.array, np.ones((3, 2)))
    np.testing.assert_array_equal(p.array, np.ones((3, 2)))
    assert {k: dict(v) for k, v in opt.state.items()}.keys() == state_before.keys()


def test_zero_grad_keeps_a_sparse_gradient_empty():
    e = nn.Embedding(4, 2, sparse=True)
    o = optim.SGD(e.parameters(), lr=0.1)
    e(ag.tensor([0, 1])).sum().backward()
    o.zero_grad(set_to_none=False)
    assert e.weight.grad.is_sparse and e.weight.grad._nnz() == 0
    e(ag.tensor([2])).sum().backward()
    np.testing.assert_array_equal(_np(e.weight.grad.to_dense()), np.array([[0, 0], [0, 0], [1, 1], [0, 0]]))


def test_embedding_sparse_on_device(device):
    e = nn.Embedding(5, 2, sparse=True).to(device)
    o = optim.SGD(e.parameters(), lr=0.5, momentum=0.9)
    before = _np(e.weight).copy()
    for _ in range(2):
        o.zero_grad()
        e(ag.tensor([0, 3, 0], device=device)).sum().backward()
        assert e.weight.grad.device == ag.device(device)
        o.step()
    changed = np.any(_np(e.weight) != before, axis=1)
    np.testing.assert_array_equal(changed, [True, False, False, True, False])


# ---------------------------------------------------------------------------- a GCN, side by side with PyTorch
def test_gcn_trains_as_in_torch():
    torch = _torch()
    rng = np.random.default_rng(5)
    n, f, h, c = 12, 4, 5, 3
    a = (rng.random((n, n)) < 0.25)
    a = a | a.T | np.eye(n, dtype=bool)
    deg = a.sum(1)
    idx = np.stack(np.nonzero(a))
    vals = (1 / np.sqrt(deg[idx[0]] * deg[idx[1]])).astype(np.float32)
    x, y = rng.normal(size=(n, f)).astype(np.float32), rng.integers(0, c, n)
    w = [rng.normal(size=s).astype(np.float32) * 0.5 for s in ((h, f), (h,), (c, h), (c,))]

    def run(m, mod, o):
        adj = m.sparse_coo_tensor(m.tensor(idx), m.tensor(vals), (n, n))
        lin1, lin2 = mod.Linear(f, h), mod.Linear(h, c)
        with m.no_grad():
            for p, v in zip([lin1.weight, lin1.bias, lin2.weight, lin2.bias], w):
                p.copy_(m.tensor(v))
        params = list(lin1.parameters()) + list(lin2.parameters())
        opt = o.Adam(params, lr=0.05)
        losses = []
        for _ in range(8):
            opt.zero_grad()
            hid = m.relu(m.sparse.mm(adj, lin1(m.tensor(x))))
            loss = m.nn.functional.cross_entropy(m.sparse.mm(adj, lin2(hid)), m.tensor(y))
            loss.backward()
            opt.step()
            losses.append(loss.item())
        return losses, [_np(p) for p in params]

    ag.nn = nn
    try:
        got, got_p = run(ag, nn, optim)
    finally:
        del ag.nn
    want, want_p = run(torch, torch.nn, torch.optim)
    np.testing.assert_allclose(got, want, rtol=1e-5)
    assert got[-1] < got[0]
    for gp, wp in zip(got_p, want_p):
        np.testing.assert_allclose(gp, wp, rtol=1e-4, atol=1e-6)


def test_functional_embedding_sparse():
    w = ag.randn(4, 2, requires_grad=True)
    F.embedding(ag.tensor([1, 1]), w, sparse=True).sum().backward()
    assert w.grad.is_sparse and w.grad._nnz() == 2


# ---------------------------------------------------------------------------- devices, copies and files
def test_move_between_devices(device):
    s, _ = _sp()
    moved = s.to(device)
    assert moved.is_sparse and moved.device == ag.device(device)
    np.testing.assert_array_equal(_np(moved.to_dense()), _dense_ref())
    back = moved.cpu()
    assert back.is_sparse and back.device == ag.device("cpu")
    np.testing.assert_array_equal(_np(back._indices()), np.array(IDX))


def test_move_keeps_the_gradient_path(device):
    v = ag.tensor(VALS, requires_grad=True)
    s = ag.sparse_coo_tensor(IDX, v, (2, 3)).to(device)
    ag.sparse.mm(s, ag.ones(3, 1, device=device)).sum().backward()
    np.testing.assert_array_equal(_np(v.grad), np.ones(4))


def test_pickle_deepcopy_save_load(tmp_path):
    import copy
    import pickle

    s = ag.sparse_coo_tensor(IDX, VALS, (2, 3), requires_grad=True)
    for r in (pickle.loads(pickle.dumps(s)), copy.deepcopy(s)):
        assert r.is_sparse and r.requires_grad and r._nnz() == 4
        np.testing.assert_array_equal(_np(r.to_dense()), _dense_ref())
    c = s.detach().coalesce()
    ag.save({"adj": c, "w": ag.ones(2)}, tmp_path / "g.pt")
    loaded = ag.load(tmp_path / "g.pt")
    assert loaded["adj"].is_sparse and loaded["adj"].is_coalesced()
    np.testing.assert_array_equal(_np(loaded["adj"].indices()), _np(c.indices()))
    np.testing.assert_array_equal(_np(loaded["adj"].values()), _np(c.values()))


def test_transpose_against_torch(device):
    torch = _torch()
    v = ag.tensor(VALS, device=device, requires_grad=True)
    s = ag.sparse_coo_tensor(ag.tensor(IDX, device=device), v, (2, 3))
    tv = torch.tensor(VALS, requires_grad=True)
    ts = torch.sparse_coo_tensor(torch.tensor(IDX), tv, (2, 3))
    for y, ty in ((s.t(), ts.t()), (s.T, ts.T), (s.transpose(0, 1), ts.transpose(0, 1))):
        assert y.is_sparse and tuple(y.shape) == (3, 2)
        np.testing.assert_array_equal(_np(y._indices()), ty._indices().numpy())
        np.testing.assert_array_equal(_np(y.to_dense()), ty.to_dense().detach().numpy())
    w = np.arange(6.0, dtype=np.float32).reshape(3, 2)
    (s.t().to_dense() * ag.tensor(w, device=device)).sum().backward()
    (ts.t().to_dense() * torch.tensor(w)).sum().backward()
    np.testing.assert_array_equal(_np(v.grad), tv.grad.numpy())
    with pytest.raises(NotImplementedError, match="sparse dim with a dense dim"):
        ag.sparse_coo_tensor([[0, 1]], ag.ones(2, 2), (2, 2)).t()


def test_requires_grad_leaf_and_anomaly_mode():
    with pytest.raises(RuntimeError, match="values already require grad"):
        ag.sparse_coo_tensor(IDX, ag.tensor(VALS, requires_grad=True), (2, 3), requires_grad=True)
    e = nn.Embedding(3, 2, sparse=True)
    with ag.detect_anomaly():  # the nan check reads a sparse gradient's values
        e(ag.tensor([0, 1])).sum().backward()
    assert e.weight.grad._nnz() == 2


def test_as_torch_maps_torch_sparse():
    import subprocess
    import sys

    code = ("import autograd.as_torch\nimport torch\nimport torch.sparse\n"
            "from torch.optim.sparse_adam import SparseAdam\nimport autograd, optim\n"
            "assert torch.sparse.mm is autograd.sparse.mm and torch.sparse_coo is autograd.sparse_coo\n"
            "assert SparseAdam is optim.SparseAdam and torch.optim.SparseAdam is optim.SparseAdam\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr


def test_pow_contiguity_comparisons_nbytes():
    torch = _torch()
    s, _ = _sp()
    t = torch.sparse_coo_tensor(torch.tensor(IDX), torch.tensor(VALS), (2, 3))
    np.testing.assert_allclose(_np((s ** 2).to_dense()), (t ** 2).to_dense().numpy())  # repeated entries summed first
    np.testing.assert_allclose(_np(s.pow(0.5).to_dense()), t.pow(0.5).to_dense().numpy(), rtol=1e-6)
    assert s.is_contiguous() is t.is_contiguous() is False
    for fn in (lambda x: x == x, lambda x: x < 1, lambda x: x.pow(-1)):
        with pytest.raises(NotImplementedError):
            fn(s)
    with pytest.raises(RuntimeError, match="nbytes is not defined for sparse tensors"):
        s.nbytes
    import pickle

    assert pickle.loads(pickle.dumps(ag.sparse_coo)) is ag.sparse_coo and repr(ag.sparse_coo) == "torch.sparse_coo"


def test_refused_step_changes_no_group():
    lin, e = nn.Linear(2, 2), nn.Embedding(3, 2, sparse=True)
    opt = optim.Adam([{"params": lin.parameters()}, {"params": e.parameters()}], lr=0.1)
    (lin(ag.ones(1, 2)).sum() + e(ag.tensor([0])).sum()).backward()
    before = lin.weight.detach().numpy().copy()
    with pytest.raises(RuntimeError, match="Adam does not support sparse gradients"):
        opt.step()
    np.testing.assert_array_equal(lin.weight.detach().numpy(), before)


def test_tensor_sum_of_all_entries(device):
    torch = _torch()
    s, v = _sp(device, requires_grad=True)
    ts, tv = _torch_pair(torch)
    y, ty = s.sum(), ts.sum()
    assert not y.is_sparse and y.ndim == 0 and y.item() == pytest.approx(ty.item())
    (y * 2).backward()
    (ty * 2).backward()
    np.testing.assert_array_equal(_np(v.grad), tv.grad.numpy())
    assert s.sum(dtype=ag.float64).dtype == ag.float64
