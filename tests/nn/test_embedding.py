"""Embedding (layer and functional) and one_hot."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F
from nn import Embedding


def test_embedding_forward_matches_numpy_and_init():
    ag.manual_seed(0)
    emb = Embedding(10, 4)
    assert emb.weight.shape == (10, 4) and emb.weight.requires_grad
    idx = ag.tensor([[1, 2, 4], [9, 0, 1]])
    out = emb(idx)
    assert out.shape == (2, 3, 4) and out.dtype == ag.float32
    np.testing.assert_array_equal(out.array, emb.weight.array[idx.array])
    assert emb(ag.tensor(3)).shape == (4,)
    big = Embedding(1000, 100)
    assert abs(big.weight.array.mean()) < 0.01 and abs(big.weight.array.std() - 1) < 0.01  # N(0, 1)


def test_embedding_grad_accumulates_repeated_indices():
    emb = Embedding(5, 3).double()
    idx = ag.tensor([0, 2, 2, 4, 2])
    g = np.random.default_rng(0).standard_normal((5, 3))
    emb(idx).backward(ag.tensor(g))
    ref = np.zeros((5, 3))
    np.add.at(ref, idx.array, g)
    np.testing.assert_allclose(emb.weight.grad.array, ref)
    assert ag.gradcheck(lambda w: F.embedding(ag.tensor([[0, 2], [2, 4]]), w), (emb.weight,))
    assert ag.gradgradcheck(lambda w: F.embedding(ag.tensor([[0, 2], [2, 4]]), w) ** 2, (emb.weight,))


def test_padding_idx_row_is_zero_and_gets_no_gradient():
    emb = Embedding(6, 3, padding_idx=2)
    assert not emb.weight.array[2].any()
    idx = ag.tensor([[2, 1], [2, 3]])
    out = emb(idx)
    assert not out.array[0, 0].any()
    (out * 3).sum().backward()
    assert not emb.weight.grad.array[2].any()
    np.testing.assert_allclose(emb.weight.grad.array[1], 3)
    assert repr(emb) == "Embedding(6, 3, padding_idx=2)"
    assert Embedding(6, 3, padding_idx=-1).padding_idx == 5
    with pytest.raises(ValueError, match="padding_idx"):
        Embedding(6, 3, padding_idx=6)


def test_scale_grad_by_freq():
    w = ag.tensor(np.zeros((4, 2)), requires_grad=True)
    F.embedding(ag.tensor([1, 1, 3]), w, scale_grad_by_freq=True).sum().backward()
    np.testing.assert_allclose(w.grad.array, [[0, 0], [1, 1], [0, 0], [1, 1]])


def test_max_norm_renormalizes_looked_up_rows_in_place():
    w = ag.tensor([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]])
    emb = Embedding.from_pretrained(w, max_norm=1.0)
    v = emb.weight._version
    out = emb(ag.tensor([0, 1]))
    np.testing.assert_allclose(np.linalg.norm(out.array, axis=1), [1.0, 0.5], rtol=1e-5)
    np.testing.assert_allclose(emb.weight.array[0], [0.6, 0.8], rtol=1e-5)
    np.testing.assert_allclose(emb.weight.array[2], [6.0, 8.0])  # not looked up: unchanged
    assert emb.weight._version > v


def test_from_pretrained_freezes_and_shares():
    w = ag.tensor([[1.0, 2.0], [3.0, 4.0]])
    emb = Embedding.from_pretrained(w)
    assert not emb.weight.requires_grad and emb.weight.array is w.array
    assert Embedding.from_pretrained(w, freeze=False).weight.requires_grad
    with pytest.raises(ValueError, match="2-dimensional"):
        Embedding.from_pretrained(ag.zeros(3))


def test_embedding_errors():
    emb = Embedding(4, 2)
    with pytest.raises(IndexError, match="index 4 is out of range.*4 rows"):
        emb(ag.tensor([0, 4]))
    with pytest.raises(IndexError, match="index -1"):
        emb(ag.tensor([-1]))
    with pytest.raises(RuntimeError, match="integer index"):
        emb(ag.tensor([0.0, 1.0]))
    before = emb.weight.array.copy()
    with pytest.raises(IndexError):
        F.embedding(ag.tensor([9]), emb.weight, max_norm=0.1)
    np.testing.assert_array_equal(emb.weight.array, before)  # nothing renormalized before the error


def test_embedding_state_dict_and_dtype():
    emb = Embedding(3, 2, dtype=ag.float64)
    assert emb.weight.dtype == ag.float64
    assert list(emb.state_dict()) == ["weight"]
    assert emb(ag.tensor([1], dtype=ag.int32)).shape == (1, 2)


def test_one_hot():
    out = F.one_hot(ag.tensor([0, 2, 1]))
    assert out.dtype == ag.int64
    np.testing.assert_array_equal(out.array, np.eye(3, dtype=np.int64)[[0, 2, 1]])
    out = F.one_hot(ag.tensor([[1], [3]]), num_classes=5)
    assert out.shape == (2, 1, 5) and out.array[1, 0, 3] == 1 and out.array.sum() == 2
    assert F.one_hot(ag.tensor([], dtype=ag.int64), 3).shape == (0, 3)
    with pytest.raises(RuntimeError, match="out of range"):
        F.one_hot(ag.tensor([3]), 3)
    with pytest.raises(RuntimeError, match="non-negative"):
        F.one_hot(ag.tensor([-1]), 3)
    with pytest.raises(RuntimeError, match="integer"):
        F.one_hot(ag.tensor([1.0]))


def test_embedding_on_device(device):
    emb = Embedding(10, 3, padding_idx=0, max_norm=1.0, device=device)
    idx = ag.tensor([[0, 3, 3]], device=device)
    out = emb(idx)
    assert out.device == device
    out.sum().backward()
    g = emb.weight.grad.cpu().array
    np.testing.assert_allclose(g[3], 2)
    np.testing.assert_allclose(g[0], 0)
    F.embedding(idx, emb.weight, scale_grad_by_freq=True).sum().backward()
    assert F.one_hot(idx, 5).device == device
