"""Tensor basics: attributes, leaf/graph state, detach/clone, conversions to Python and numpy, and reprs."""
import copy
import pickle

import numpy as np
import pytest

import autograd as ag


# ---------------------------------------------------------------------------- attributes
def test_shape_size_ndim_numel():
    x = ag.zeros(2, 3, 4)
    assert x.shape == (2, 3, 4) and isinstance(x.shape, tuple)
    assert x.size() == (2, 3, 4)
    assert x.size(0) == 2 and x.size(-1) == 4 and x.size(1) == 3
    assert x.ndim == 3 and x.dim() == 3
    assert x.numel() == 24
    assert len(x) == 2
    assert x.element_size() == 4
    s = ag.tensor(1.0)
    assert s.shape == () and s.ndim == 0 and s.numel() == 1
    assert ag.zeros(0, 3).numel() == 0


def test_size_out_of_range():
    with pytest.raises(IndexError, match=r"size: dim 3 is out of range for a tensor of 3 dimensions"):
        ag.zeros(2, 3, 4).size(3)
    with pytest.raises(IndexError, match="size: dim -4 is out of range"):
        ag.zeros(2, 3, 4).size(-4)


def test_len_of_0d_raises():
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(ag.tensor(1.0))


def test_dtype_and_device():
    x = ag.tensor([1.0])
    assert x.dtype == ag.float32
    assert x.device == "cpu" and x.device.type == "cpu" and str(x.device) == "cpu"
    assert not x.is_cuda
    assert ag.tensor([1], dtype=ag.int16).dtype == ag.int16


def test_device_attribute_on_every_device(device):
    x = ag.ones(2, device=device)
    assert x.device == device and x.device.type == device
    assert x.is_cuda == (device == "cuda")
    assert x.cpu().device == "cpu"


# ---------------------------------------------------------------------------- autograd state
def test_leaf_and_grad_fn():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    assert x.is_leaf and x.grad_fn is None and x.requires_grad and x.grad is None
    y = x * 2
    assert not y.is_leaf and y.requires_grad
    assert repr(y.grad_fn) == "<MulBackward0>"
    c = ag.tensor([1.0, 2.0])
    assert c.is_leaf and not c.requires_grad
    assert (c * 2).is_leaf  # nothing recorded: a leaf
    with ag.no_grad():
        z = x * 2
    assert z.is_leaf and not z.requires_grad and z.grad_fn is None


def test_requires_grad_():
    x = ag.ones(2)
    assert x.requires_grad_() is x and x.requires_grad
    x.requires_grad_(False)
    assert not x.requires_grad
    with pytest.raises(RuntimeError, match="only floating point tensors can require gradients, got dtype int64"):
        ag.tensor([1, 2]).requires_grad_()
    y = ag.ones(2, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=r"only change requires_grad flags of leaf tensors.*detach\(\)"):
        y.requires_grad_(False)


def test_detach_shares_data_and_leaves_the_graph():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    d = y.detach()
    assert not d.requires_grad and d.is_leaf and d.grad_fn is None
    assert np.shares_memory(d.array, y.array)
    d.array[0] = 100.0
    assert y.array[0] == 100.0
    assert y.requires_grad  # the original is untouched
    xd = x.detach()
    assert xd.array is x.array and not xd.requires_grad


def test_detach_():
    y = ag.tensor([1.0], requires_grad=True) * 2
    assert y.detach_() is y
    assert y.grad_fn is None and not y.requires_grad and y.is_leaf


def test_clone_copies_and_records():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    c = x.clone()
    assert not np.shares_memory(c.array, x.array)
    assert repr(c.grad_fn) == "<CloneBackward0>" and not c.is_leaf
    (c * ag.tensor([3.0, 4.0])).sum().backward()
    assert x.grad.tolist() == [3.0, 4.0]
    plain = ag.tensor([1, 2]).clone()
    assert plain.dtype == ag.int64 and plain.tolist() == [1, 2] and plain.grad_fn is None


# ---------------------------------------------------------------------------- to Python / numpy
def test_item():
    assert ag.tensor(3.5).item() == 3.5 and type(ag.tensor(3.5).item()) is float
    assert ag.tensor([7]).item() == 7 and type(ag.tensor([7]).item()) is int
    assert ag.tensor([[True]]).item() is True
    assert type(ag.tensor(2.0, dtype=ag.float16).item()) is float
    with pytest.raises(RuntimeError, match="item\\(\\): a tensor with 2 elements cannot be converted"):
        ag.tensor([1.0, 2.0]).item()
    x = ag.tensor(2.0, requires_grad=True)
    assert x.item() == 2.0  # item() works on tensors that require grad


def test_python_number_conversions():
    assert float(ag.tensor(2.5)) == 2.5
    assert int(ag.tensor(3.9)) == 3
    assert bool(ag.tensor([1.0])) and not bool(ag.tensor(0))
    assert [10, 20, 30][ag.tensor(1)] == 20  # integer tensors are indices
    with pytest.raises(RuntimeError, match="the truth value of a tensor with 2 elements is ambiguous"):
        bool(ag.tensor([1.0, 2.0]))
    with pytest.raises(TypeError, match="only integer tensors of a single element"):
        [1, 2][ag.tensor(1.0)]


def test_tolist():
    assert ag.tensor([[1.0, 2.0], [3.0, 4.0]]).tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert ag.tensor(2.0).tolist() == 2.0
    assert ag.tensor([1, 2]).tolist() == [1, 2] and type(ag.tensor([1]).tolist()[0]) is int
    assert ag.tensor([True]).tolist() == [True]
    assert ag.zeros(0).tolist() == []
    assert ag.tensor([1.0], requires_grad=True).tolist() == [1.0]


def test_numpy_shares_memory():
    x = ag.tensor([1.0, 2.0])
    n = x.numpy()
    assert isinstance(n, np.ndarray) and n.dtype == np.float32
    n[0] = 10.0
    assert x.tolist()[0] == 10.0
    x.array[1] = 20.0
    assert n[1] == 20.0


def test_numpy_refuses_tensors_that_require_grad():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"numpy\(\) on a tensor that requires grad: call \.detach\(\)\.numpy\(\)"):
        x.numpy()
    assert np.shares_memory(x.detach().numpy(), x.array)
    assert x.numpy(force=True).tolist() == [1.0, 2.0]


def test_np_asarray_of_a_tensor():
    x = ag.tensor([1.0, 2.0])
    assert np.asarray(x).tolist() == [1.0, 2.0]
    assert np.asarray(x, dtype=np.float64).dtype == np.float64


def test_numpy_on_a_device_needs_cpu(device):
    x = ag.tensor([1.0, 2.0], device=device)
    if device == "cpu":
        assert x.numpy().tolist() == [1.0, 2.0]
    else:
        with pytest.raises(TypeError, match=r"call \.cpu\(\) first"):
            x.numpy()
        assert x.cpu().numpy().tolist() == [1.0, 2.0]
        assert x.tolist() == [1.0, 2.0]


# ---------------------------------------------------------------------------- copying and pickling
def test_deepcopy_and_pickle_keep_values_and_requires_grad():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    for y in (copy.deepcopy(x), pickle.loads(pickle.dumps(x))):
        assert y.requires_grad and y.is_leaf and y.tolist() == [1.0, 2.0]
        assert not np.shares_memory(y.array, x.array)
    with pytest.raises(RuntimeError, match="only leaf tensors support deepcopy"):
        copy.deepcopy(x * 2)


def test_tensors_hash_by_identity():
    a, b = ag.tensor([1.0]), ag.tensor([1.0])
    assert len({a, b}) == 2 and {a: 1}[a] == 1


# ---------------------------------------------------------------------------- reprs, exactly as PyTorch prints them
_REPRS = [
    (lambda: ag.tensor([1.0, 2.0], requires_grad=True), "tensor([1., 2.], requires_grad=True)"),
    (lambda: ag.tensor([1.0, 2.0], dtype=ag.float64), "tensor([1., 2.], dtype=float64)"),
    (lambda: ag.tensor([1.0, 2.0], requires_grad=True) * 2, "tensor([2., 4.], grad_fn=<MulBackward0>)"),
    (lambda: ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True) * 2,
     "tensor([2., 4.], dtype=float64, grad_fn=<MulBackward0>)"),
    (lambda: ag.tensor([1, 2, 3]), "tensor([1, 2, 3])"),
    (lambda: ag.tensor([True, False]), "tensor([ True, False])"),
    (lambda: ag.tensor(3.5), "tensor(3.5000)"),
    (lambda: ag.tensor(2), "tensor(2)"),
    (lambda: ag.tensor([[1.5, 2.25], [3.0, 4.0]]), "tensor([[1.5000, 2.2500],\n        [3.0000, 4.0000]])"),
    (lambda: ag.tensor([-1.0, 2.0]), "tensor([-1.,  2.])"),
    (lambda: ag.tensor([1, -2, 300]), "tensor([  1,  -2, 300])"),
    (lambda: ag.tensor([1.0, 1001.0]), "tensor([1.0000e+00, 1.0010e+03])"),
    (lambda: ag.tensor([0.1, 123456.7]), "tensor([1.0000e-01, 1.2346e+05])"),
    (lambda: ag.tensor([1e-5, 1.0]), "tensor([1.0000e-05, 1.0000e+00])"),
    (lambda: ag.tensor([float("nan"), 1.5]), "tensor([   nan, 1.5000])"),
    (lambda: ag.tensor([float("inf"), -float("inf")]), "tensor([inf, -inf])"),
    (lambda: ag.tensor([-0.0, 1.0]), "tensor([-0., 1.])"),
    (lambda: ag.tensor([0.0, 1e8]), "tensor([        0., 100000000.])"),
    (lambda: ag.tensor(1e-10), "tensor(1.0000e-10)"),
    (lambda: ag.tensor([]), "tensor([])"),
    (lambda: ag.zeros(2, 0), "tensor([], size=(2, 0))"),
    (lambda: ag.zeros(0, 3, dtype=ag.float64), "tensor([], size=(0, 3), dtype=float64)"),
    (lambda: ag.tensor([], dtype=ag.int64), "tensor([], dtype=int64)"),
    (lambda: ag.tensor([1, 2], dtype=ag.int32), "tensor([1, 2], dtype=int32)"),
    (lambda: ag.tensor([1.0, 2.0], dtype=ag.float16), "tensor([1., 2.], dtype=float16)"),
    (lambda: ag.from_numpy(np.arange(12).reshape(2, 2, 3)),
     "tensor([[[ 0,  1,  2],\n         [ 3,  4,  5]],\n\n        [[ 6,  7,  8],\n         [ 9, 10, 11]]])"),
    (lambda: ag.arange(30.0) * 1.5,
     "tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,\n"
     "        12.0000, 13.5000, 15.0000, 16.5000, 18.0000, 19.5000, 21.0000, 22.5000,\n"
     "        24.0000, 25.5000, 27.0000, 28.5000, 30.0000, 31.5000, 33.0000, 34.5000,\n"
     "        36.0000, 37.5000, 39.0000, 40.5000, 42.0000, 43.5000])"),
    (lambda: ag.tensor([True] * 30),
     "tensor([True, True, True, True, True, True, True, True, True, True, True, True,\n"
     "        True, True, True, True, True, True, True, True, True, True, True, True,\n"
     "        True, True, True, True, True, True])"),
    (lambda: ag.arange(2000.0),  # more than 1000 elements: summarized
     "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])"),
    (lambda: ag.from_numpy(np.arange(1100).reshape(100, 11)),
     "tensor([[   0,    1,    2,  ...,    8,    9,   10],\n"
     "        [  11,   12,   13,  ...,   19,   20,   21],\n"
     "        [  22,   23,   24,  ...,   30,   31,   32],\n"
     "        ...,\n"
     "        [1067, 1068, 1069,  ..., 1075, 1076, 1077],\n"
     "        [1078, 1079, 1080,  ..., 1086, 1087, 1088],\n"
     "        [1089, 1090, 1091,  ..., 1097, 1098, 1099]])"),
]


@pytest.mark.parametrize("make, want", _REPRS, ids=[w.replace("\n", " ")[:60] for _, w in _REPRS])
def test_repr_matches_pytorch(make, want):
    assert repr(make()) == want
    assert str(make()) == want


def test_repr_wraps_long_suffixes_onto_a_new_line():
    x = ag.from_numpy(np.arange(30.0) * 1.5).requires_grad_()
    assert repr(x) == ("tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,\n"
                       "        12.0000, 13.5000, 15.0000, 16.5000, 18.0000, 19.5000, 21.0000, 22.5000,\n"
                       "        24.0000, 25.5000, 27.0000, 28.5000, 30.0000, 31.5000, 33.0000, 34.5000,\n"
                       "        36.0000, 37.5000, 39.0000, 40.5000, 42.0000, 43.5000], dtype=float64,\n"
                       "       requires_grad=True)")


def test_repr_follows_the_default_dtype():
    ag.set_default_dtype(ag.float64)
    try:
        assert repr(ag.tensor([1.5, 2.0])) == "tensor([1.5000, 2.0000])"
        assert repr(ag.tensor([1.5, 2.0], dtype=ag.float32)) == "tensor([1.5000, 2.0000], dtype=float32)"
    finally:
        ag.set_default_dtype(ag.float32)


def test_repr_on_a_device(device):
    x = ag.tensor([1.0, 2.0], device=device)
    want = "tensor([1., 2.])" if device == "cpu" else "tensor([1., 2.], device='cuda:0')"
    assert repr(x) == want
