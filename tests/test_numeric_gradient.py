"""torch.gradient and norm_except_dim against PyTorch (values and gradients), and their errors."""
import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch")

_RNG = np.random.default_rng(0)


@pytest.mark.parametrize("kwargs", [dict(), dict(spacing=2.0), dict(spacing=[0.5, 3.0]), dict(dim=1),
                                    dict(dim=(0,), edge_order=2), dict(edge_order=2, spacing=[1.5, 0.25]),
                                    dict(spacing="coords"), dict(spacing="coords", edge_order=2)])
def test_gradient_matches_torch(kwargs):
    f = _RNG.normal(size=(4, 5))
    if kwargs.get("spacing") == "coords":
        coords = [np.cumsum(_RNG.uniform(0.2, 1.0, 4)), np.cumsum(_RNG.uniform(0.2, 1.0, 5))]
        ours = dict(kwargs, spacing=[ag.tensor(c) for c in coords])
        theirs = dict(kwargs, spacing=[torch.tensor(c) for c in coords])
    else:
        ours = theirs = kwargs
    a, t = ag.tensor(f, requires_grad=True), torch.tensor(f, requires_grad=True)
    got, want = ag.gradient(a, **ours), torch.gradient(t, **theirs)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.detach().numpy(), w.detach().numpy(), rtol=1e-12, atol=1e-12)
    sum(g.sum() * (k + 1) for k, g in enumerate(got)).backward()
    sum(w.sum() * (k + 1) for k, w in enumerate(want)).backward()
    np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_gradient_of_integers_is_in_the_default_float_dtype():
    got, = ag.gradient(ag.tensor([1, 2, 4]))
    want, = torch.gradient(torch.tensor([1, 2, 4]))
    assert got.dtype == ag.float32 and str(want.dtype) == "torch.float32"
    np.testing.assert_array_equal(got.numpy(), want.numpy())


@pytest.mark.parametrize("call,match", [
    (lambda: ag.gradient(ag.ones(1)), "at least edge_order\\+1 = 2"),
    (lambda: ag.gradient(ag.ones(2), edge_order=2), "at least edge_order\\+1 = 3"),
    (lambda: ag.gradient(ag.ones(3), edge_order=3), "only supports edge_order=1 and edge_order=2"),
    (lambda: ag.gradient(ag.ones(3, 4), spacing=[1.0, 2.0, 3.0]), "list of length equal to 'self.dim\\(\\) = 2'"),
    (lambda: ag.gradient(ag.ones(3, 4), spacing=[1.0, 2.0], dim=0), "the length of dim \\(1\\)"),
    (lambda: ag.gradient(ag.ones(3), spacing=(ag.ones(2),)), "1-d tensor of its size 3"),
    (lambda: ag.gradient(ag.ones(3, 4), dim=(1, -1)), "appears more than once"),
])
def test_gradient_errors(call, match):
    with pytest.raises(RuntimeError, match=match):
        call()


@pytest.mark.parametrize("pw,dim", [(2, 0), (2, 1), (3, 2), (1, -1), (2, -2)])
def test_norm_except_dim_matches_torch(pw, dim):
    v = _RNG.normal(size=(2, 3, 4))
    a, t = ag.tensor(v, requires_grad=True), torch.tensor(v, requires_grad=True)
    got, want = ag.norm_except_dim(a, pw, dim), torch.norm_except_dim(t, pw, dim)
    assert tuple(got.shape) == tuple(want.shape)
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-12)
    got.sum().backward()
    want.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-10)
    with pytest.raises(RuntimeError, match="norm_except_dim: expected a floating point tensor"):
        ag.norm_except_dim(ag.ones(2, dtype=ag.int64))
