"""EmbeddingBag and F.embedding_bag: forward and gradients against numpy and torch, the layer, the errors."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.ops.cases_embedding_bag import ref_embedding_bag

IDX = [1, 2, 2, 0, 4, 2, 3]
OFFS = [0, 2, 2, 5]


def _weight(rng, n=5, d=3):
    return rng.standard_normal((n, d))


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("padding_idx", [None, 2, -1])
@pytest.mark.parametrize("include_last_offset", [False, True])
def test_forward_and_grads_match_torch(mode, padding_idx, include_last_offset):
    torch = pytest.importorskip("torch")
    w = _weight(np.random.default_rng(0))
    offs = OFFS + [len(IDX)] if include_last_offset else OFFS
    kw = dict(mode=mode, padding_idx=padding_idx, include_last_offset=include_last_offset)
    mine = ag.tensor(w, requires_grad=True)
    out = F.embedding_bag(ag.tensor(IDX), mine, ag.tensor(offs), **kw)
    theirs = torch.tensor(w, requires_grad=True)
    want = torch.nn.functional.embedding_bag(torch.tensor(IDX), theirs, torch.tensor(offs), **kw)
    np.testing.assert_allclose(out.detach().numpy(), want.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(out.detach().numpy(), ref_embedding_bag(np.array(IDX), w, np.array(offs), mode,
                                                              include_last_offset=include_last_offset,
                                                              padding_idx=None if padding_idx is None else
                                                              padding_idx % 5), rtol=1e-12, atol=1e-12)
    g = np.random.default_rng(1).standard_normal(out.shape)
    out.backward(ag.tensor(g))
    want.backward(torch.tensor(g))
    np.testing.assert_allclose(mine.grad.numpy(), theirs.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("padding_idx", [None, 0])
def test_per_sample_weights_grads_match_torch(padding_idx):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    w, p = _weight(rng), rng.standard_normal(len(IDX))
    mw, mp = ag.tensor(w, requires_grad=True), ag.tensor(p, requires_grad=True)
    tw, tp = torch.tensor(w, requires_grad=True), torch.tensor(p, requires_grad=True)
    out = F.embedding_bag(ag.tensor(IDX), mw, ag.tensor(OFFS), mode="sum", per_sample_weights=mp,
                          padding_idx=padding_idx)
    want = torch.nn.functional.embedding_bag(torch.tensor(IDX), tw, torch.tensor(OFFS), mode="sum",
                                             per_sample_weights=tp, padding_idx=padding_idx)
    np.testing.assert_allclose(out.detach().numpy(), want.detach().numpy(), rtol=1e-12, atol=1e-12)
    (out ** 2).sum().backward()
    (want ** 2).sum().backward()
    np.testing.assert_allclose(mw.grad.numpy(), tw.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(mp.grad.numpy(), tp.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mode", ["sum", "mean"])
def test_scale_grad_by_freq_divides_by_the_count_in_the_input(mode):
    """Checked against numpy: torch 2.13's CPU kernel miscounts here (it scales rows 3 and 4, seen once, by 1/3)."""
    w = _weight(np.random.default_rng(3))
    mw = ag.tensor(w, requires_grad=True)
    F.embedding_bag(ag.tensor(IDX), mw, ag.tensor(OFFS), mode=mode, scale_grad_by_freq=True,
                    padding_idx=1).sum().backward()
    idx, bag_of = np.array(IDX), np.searchsorted(OFFS, np.arange(len(IDX)), side="right") - 1
    keep = idx != 1
    size = np.bincount(bag_of[keep], minlength=len(OFFS))
    per = 1.0 / size[bag_of] if mode == "mean" else np.ones(len(IDX))
    want = np.zeros(5)
    np.add.at(want, idx[keep], (per / np.bincount(idx)[idx])[keep])
    np.testing.assert_allclose(mw.grad.numpy(), np.repeat(want[:, None], 3, 1), rtol=1e-12)


def test_max_norm_renormalizes_referenced_rows_in_place_like_torch():
    torch = pytest.importorskip("torch")
    w = 3 * _weight(np.random.default_rng(4), 6)
    mine, theirs = ag.tensor(w), torch.tensor(w)
    out = F.embedding_bag(ag.tensor(IDX), mine, ag.tensor(OFFS), max_norm=1.0, norm_type=1.0, padding_idx=2)
    want = torch.nn.functional.embedding_bag(torch.tensor(IDX), theirs, torch.tensor(OFFS), max_norm=1.0,
                                             norm_type=1.0, padding_idx=2)
    np.testing.assert_allclose(mine.numpy(), theirs.numpy(), rtol=1e-6)
    np.testing.assert_allclose(out.detach().numpy(), want.numpy(), rtol=1e-6)
    np.testing.assert_array_equal(mine.numpy()[5], w[5])  # row 5 is not looked up: untouched


def test_two_d_input_int32_and_empty_cases():
    w = _weight(np.random.default_rng(5))
    idx = np.array([[0, 4, 4], [3, 1, 2]])
    out = F.embedding_bag(ag.tensor(idx, dtype=ag.int32), ag.tensor(w), mode="max")
    np.testing.assert_allclose(out.detach().numpy(), ref_embedding_bag(idx, w, mode="max"))
    assert F.embedding_bag(ag.tensor([1, 2]), ag.tensor(w), ag.tensor([], dtype=ag.int64)).shape == (0, 3)
    empty = F.embedding_bag(ag.tensor([], dtype=ag.int64), ag.tensor(w), ag.tensor([0, 0]))
    np.testing.assert_array_equal(empty.numpy(), np.zeros((2, 3)))
    np.testing.assert_array_equal(F.embedding_bag(ag.zeros(2, 0, dtype=ag.int64), ag.tensor(w)).numpy(),
                                  np.zeros((2, 3)))
    offs32 = F.embedding_bag(ag.tensor(IDX), ag.tensor(w), ag.tensor(OFFS, dtype=ag.int32), mode="sum")
    np.testing.assert_allclose(offs32.numpy(), ref_embedding_bag(np.array(IDX), w, np.array(OFFS), "sum"))


def test_sparse_true_gives_the_dense_gradient():
    """tapegrad has no sparse tensors: sparse=True is accepted (as in embedding) and the gradient is dense."""
    grads = []
    for sparse in (False, True):
        w = ag.tensor(_weight(np.random.default_rng(7)), requires_grad=True)
        F.embedding_bag(ag.tensor(IDX), w, ag.tensor(OFFS), mode="sum", sparse=sparse).sum().backward()
        grads.append(w.grad.numpy())
    np.testing.assert_array_equal(*grads)


def test_max_gives_the_whole_gradient_to_one_winner():
    w = ag.tensor([[1.0, 5.0], [1.0, 2.0]], requires_grad=True)  # column 0 ties between the rows
    F.embedding_bag(ag.tensor([[0, 1, 0]]), w, mode="max").sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [[1.0, 1.0], [0.0, 0.0]])


def test_layer_matches_torch_with_copied_weights():
    torch = pytest.importorskip("torch")
    ag.manual_seed(0)
    bag = nn.EmbeddingBag(6, 4, mode="sum", padding_idx=5)
    ref = torch.nn.EmbeddingBag(6, 4, mode="sum", padding_idx=5)
    ref.load_state_dict({k: torch.tensor(v.numpy()) for k, v in bag.state_dict().items()})
    assert list(bag.state_dict()) == list(ref.state_dict()) == ["weight"]
    assert not bag.weight.detach().numpy()[5].any() and repr(bag) == repr(ref)
    p = np.random.default_rng(6).random(len(IDX)).astype(np.float32)
    out = bag(ag.tensor(IDX), ag.tensor(OFFS), per_sample_weights=ag.tensor(p))
    want = ref(torch.tensor(IDX), torch.tensor(OFFS), per_sample_weights=torch.tensor(p))
    np.testing.assert_allclose(out.detach().numpy(), want.detach().numpy(), rtol=1e-6)
    out.sum().backward()
    want.sum().backward()
    np.testing.assert_allclose(bag.weight.grad.numpy(), ref.weight.grad.numpy(), rtol=1e-6)


def test_layer_init_repr_and_from_pretrained():
    torch = pytest.importorskip("torch")
    big = nn.EmbeddingBag(1000, 50)
    drawn = big.weight.detach().numpy()
    assert abs(drawn.mean()) < 0.01 and abs(drawn.std() - 1) < 0.02  # N(0, 1)
    kw = dict(max_norm=2.0, norm_type=1.0, scale_grad_by_freq=True, mode="sum", include_last_offset=True,
              padding_idx=-2)
    assert repr(nn.EmbeddingBag(5, 3, **kw)) == repr(torch.nn.EmbeddingBag(5, 3, **kw))
    assert nn.EmbeddingBag(5, 3, padding_idx=-2).padding_idx == 3
    emb = ag.randn(4, 2)
    frozen = nn.EmbeddingBag.from_pretrained(emb, mode="max")
    assert frozen.weight.shape == (4, 2) and not frozen.weight.requires_grad and frozen.mode == "max"
    np.testing.assert_array_equal(frozen.weight.numpy(), emb.numpy())
    assert nn.EmbeddingBag.from_pretrained(emb, freeze=False).weight.requires_grad
    assert nn.EmbeddingBag(3, 2, dtype=ag.float64).weight.dtype == ag.float64


def test_layer_errors():
    with pytest.raises(AssertionError, match="padding_idx"):
        nn.EmbeddingBag(5, 3, padding_idx=5)
    with pytest.raises(AssertionError, match="shape of weight"):
        nn.EmbeddingBag(5, 3, _weight=ag.randn(4, 3))
    with pytest.raises(AssertionError, match="2-dimensional"):
        nn.EmbeddingBag.from_pretrained(ag.randn(4))
    with pytest.raises(ValueError, match="mode"):
        nn.EmbeddingBag(5, 3, mode="median")(ag.tensor([[1, 2]]))


W = ag.randn(5, 3)
ERRORS = [
    (dict(input=[1, 2, 3]), ValueError, "offsets has to be a 1D Tensor"),
    (dict(input=[[1, 2, 3]], offsets=[0]), ValueError, "offsets has to be None"),
    (dict(input=[[[1]]]), ValueError, "1D or 2D"),
    (dict(input=[1, 2, 3], offsets=[[0, 1]]), ValueError, "offsets has to be a 1D Tensor"),
    (dict(input=[1, 2, 3], offsets=[1]), RuntimeError, r"offsets\[0\] has to be 0"),
    (dict(input=[1, 2, 3], offsets=[0, 5]), RuntimeError, r"offsets\[-1\] can not be greater"),
    (dict(input=[1, 2, 3], offsets=[0, 2, 1]), RuntimeError, "non-decreasing"),
    (dict(input=[1, 2, 3], offsets=[], include_last_offset=True), RuntimeError, "at least 1 offset"),
    (dict(input=[1, 2, 3], offsets=[0], mode="median"), ValueError, "mode has to be one of"),
    (dict(input=[1, 2, 3], offsets=[0], mode="mean", per_sample_weights=ag.ones(3)), NotImplementedError,
     "only supported for mode='sum'"),
    (dict(input=[1, 2, 3], offsets=[0], mode="sum", per_sample_weights=ag.ones(2)), ValueError, "same shape"),
    (dict(input=[1, 2, 3], offsets=[0], mode="sum", per_sample_weights=ag.ones(3, dtype=ag.float64)), RuntimeError,
     "dtype"),
    (dict(input=[1, 2, 3], offsets=[0], mode="max", scale_grad_by_freq=True), ValueError, "scaling the gradient"),
    (dict(input=[1, 2, 3], offsets=[0], mode="max", sparse=True), ValueError, "sparse"),
    (dict(input=[1, 2, 7], offsets=[0]), RuntimeError, "index 2 of input takes value 7"),
    (dict(input=[1, -1], offsets=[0]), RuntimeError, "takes value -1"),
    (dict(input=ag.tensor([1.0, 2.0]), offsets=[0]), RuntimeError, "integer tensor"),
    (dict(input=[1, 2], offsets=ag.tensor([0.0])), RuntimeError, "integer tensor"),
    (dict(input=[1, 2], offsets=[0], padding_idx=5), RuntimeError, "padding_idx must be within"),
    (dict(input=[1, 2], offsets=[0], weight=W[0]), ValueError, "2D Tensor"),
    (dict(input=[1, 2], offsets=[0], weight=W.long()), RuntimeError, "floating point"),
    (dict(input=[1, 2], offsets=[0], weight=W.numpy()), TypeError, "must be a tensor"),
]


@pytest.mark.parametrize("kwargs,error,match", ERRORS, ids=[e[2] for e in ERRORS])
def test_errors_leave_weight_unchanged(kwargs, error, match):
    kwargs = dict(kwargs)
    weight = kwargs.pop("weight", W)
    inp, offs = kwargs.pop("input"), kwargs.pop("offsets", None)
    inp = inp if isinstance(inp, ag.Tensor) else ag.tensor(inp, dtype=ag.int64)
    offs = offs if offs is None or isinstance(offs, ag.Tensor) else ag.tensor(offs, dtype=ag.int64)
    before = W.numpy().copy()
    with pytest.raises(error, match=match):
        F.embedding_bag(inp, weight, offs, max_norm=0.5, **kwargs)
    np.testing.assert_array_equal(W.numpy(), before)


def test_runs_on_the_gpu_backend(stand_in):
    w = ag.randn(5, 3, device="cuda", requires_grad=True)
    out = F.embedding_bag(ag.tensor(IDX, device="cuda"), w, ag.tensor(OFFS, device="cuda"), mode="max",
                          padding_idx=2, max_norm=1.0)
    out.sum().backward()
    assert out.device == w.grad.device == ag.device("cuda")
    with pytest.raises(RuntimeError, match="offsets is on cpu"):
        F.embedding_bag(ag.tensor(IDX, device="cuda"), w, ag.tensor(OFFS))
