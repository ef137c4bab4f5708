"""In-place changes through views of tensors on the tape: the base is rebased, as PyTorch's CopySlices does."""
import numpy as np
import pytest

import autograd as ag


def scenario(lib, kind):
    a = lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=lib.float64, requires_grad=True)
    w = lib.tensor([0.5, -1.0, 2.0], dtype=lib.float64, requires_grad=True)
    h = a * 2
    v = h[1]
    if kind == "two views":
        v.mul_(w)
        h[:, 0].mul_(3.0)  # also changes v[0]: v must see it
        out = (h * h).sum() + v.sum()
    elif kind == "base after view":
        v.mul_(w)
        h.mul_(2.0)
        out = (v * v).sum() + h.sum()
    elif kind == "view of a view":
        v2 = h.reshape(3, 2)[1]
        v2.mul_(w[:2])
        out = h.exp().sum() + v.sum()
    elif kind == "copy into a view":
        v.copy_(w)
        out = (h ** 2).sum()
    else:  # "zero a transposed row"
        h.t()[0].zero_()
        out = (h * a).sum()
    out.backward()
    return a.grad.numpy(), None if w.grad is None else w.grad.numpy(), h.detach().numpy()


KINDS = ["two views", "base after view", "view of a view", "copy into a view", "zero a transposed row"]


def test_view_inplace_gradient_by_hand():
    a = ag.tensor([1.0, 2.0, 3.0], dtype=ag.float64, requires_grad=True)
    w = ag.tensor(5.0, dtype=ag.float64, requires_grad=True)
    h = a * 1.0
    h[1:].mul_(w)  # h = [a0, a1 w, a2 w]
    h.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [1.0, 5.0, 5.0])
    np.testing.assert_allclose(w.grad.numpy(), 5.0)


@pytest.mark.parametrize("kind", KINDS)
def test_view_inplace_matches_pytorch(kind):
    torch = pytest.importorskip("torch")
    for ours, theirs in zip(scenario(ag, kind), scenario(torch, kind)):
        if theirs is None:
            assert ours is None
        else:
            np.testing.assert_allclose(ours, theirs)


def test_view_of_a_leaf_that_requires_grad_refuses():
    a = ag.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="view .* of a leaf tensor that requires grad"):
        a[1:].mul_(2.0)
    with ag.no_grad():
        a[1:].mul_(2.0)
    np.testing.assert_allclose(a.detach().numpy(), [1.0, 2.0, 2.0])


def test_view_inplace_with_create_graph():
    a = ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True)
    h = a * 1.0
    h[0].mul_(a[1])  # h = [a0 a1, a1]
    (g,) = ag.grad(h.sum() * h[0], a, create_graph=True)  # f = (a0 a1 + a1) a0 a1
    np.testing.assert_allclose(g.detach().numpy(), [2 * 1 * 2 * 2 + 2 * 2, 1 * 1 * 2 * 2 + 2 * 1 * 2])
    (gg,) = ag.grad(g.sum(), a)
    assert gg.shape == (2,)


def test_view_inplace_gradcheck_and_gradgradcheck():
    def f(a, w):
        h = a * 1.0
        h[1:, 0].mul_(w)
        h.t()[2].add_(w.sum())
        return (h * h).sum(dim=1)

    inputs = [ag.tensor(np.random.default_rng(0).standard_normal((3, 3)), requires_grad=True),
              ag.tensor([0.7, -1.3], dtype=ag.float64, requires_grad=True)]
    assert ag.gradcheck(f, inputs)
    assert ag.gradgradcheck(f, inputs)


def test_view_of_a_strided_base_refuses_with_a_clear_error():
    base = ag.from_numpy(np.zeros((6, 3))[::2])  # a root tensor whose memory has gaps
    w = ag.ones(3, dtype=ag.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match="strided layout .* contiguous"):
        base[0].add_(w)
    np.testing.assert_array_equal(base.numpy(), np.zeros((3, 3)))
