"""Indexing: setitem gradients and in-place rules, views, accumulation, sort/topk details, and error messages."""
import warnings

import numpy as np
import pytest

import autograd as ag
from autograd import gradmath


def _t(*shape, grad=False, seed=0, device="cpu"):
    arr = np.random.default_rng(seed).standard_normal(shape)
    return ag.tensor(arr, device=device, requires_grad=grad)


def _grad(out, inputs, go=None):
    go = ag.ones_like(out) if go is None else go
    return ag.grad(out, inputs, grad_outputs=go, allow_unused=True)


# ---------------------------------------------------------------------------- setitem: gradients
def test_setitem_gradients_reach_target_and_value(device):
    a = _t(3, 4, grad=True, device=device)
    v = _t(4, grad=True, seed=1, device=device)
    x = a * 1.0
    x[1] = v * 2.0
    assert x.grad_fn is not None and "SetItem" in x.grad_fn.name()
    go = ag.tensor(np.arange(12.0).reshape(3, 4), device=device)
    ga, gv = _grad(x, [a, v], go)
    want_a = np.arange(12.0).reshape(3, 4)
    want_a[1] = 0
    np.testing.assert_allclose(ga.cpu().numpy(), want_a)
    np.testing.assert_allclose(gv.cpu().numpy(), 2 * np.arange(4.0, 8.0))


def test_setitem_broadcast_value_gets_summed_gradient():
    a = _t(3, 4, grad=True)
    v = ag.tensor(0.5, dtype=ag.float64, requires_grad=True)
    x = a.clone()
    x[:, 1:3] = v
    ga, gv = _grad(x, [a, v])
    assert gv.shape == () and gv.item() == 6.0
    np.testing.assert_allclose(ga.numpy(), [[1, 0, 0, 1]] * 3)


def test_setitem_repeated_indices_last_write_wins_for_the_value_gradient():
    a = _t(3, grad=True)
    v = ag.tensor([1.0, 2.0, 3.0], dtype=ag.float64, requires_grad=True)
    x = a.clone()
    x[[0, 0, 2]] = v
    np.testing.assert_allclose(x.detach().numpy()[[0, 2]], [2.0, 3.0])
    ga, gv = _grad(x, [a, v], ag.tensor([10.0, 20.0, 30.0], dtype=ag.float64))
    np.testing.assert_allclose(gv.numpy(), [0.0, 10.0, 30.0])
    np.testing.assert_allclose(ga.numpy(), [0.0, 20.0, 0.0])


def test_setitem_value_of_another_dtype_gets_its_own_dtype_gradient():
    a = _t(2, 3, grad=True)
    v = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)  # float32 into float64
    x = a.clone()
    x[0] = v
    assert x.dtype == ag.float64
    (gv,) = _grad(x, [v])
    assert gv.dtype == ag.float32
    np.testing.assert_allclose(gv.numpy(), [1.0, 1.0, 1.0])


def test_setitem_value_with_grad_makes_a_plain_tensor_part_of_the_graph():
    w = _t(2, grad=True)
    x = ag.zeros(3, dtype=ag.float64)
    x[1:] = w
    assert x.requires_grad and not x.is_leaf
    (gw,) = _grad(x, [w], ag.tensor([5.0, 6.0, 7.0], dtype=ag.float64))
    np.testing.assert_allclose(gw.numpy(), [6.0, 7.0])


def test_setitem_with_a_number_and_tensor_index(device):
    a = _t(4, 2, grad=True, device=device)
    x = a.clone()
    x[ag.tensor([3, 1], device=device)] = 0.0
    assert np.all(x.detach().cpu().numpy()[[1, 3]] == 0)
    (ga,) = _grad(x, [a])
    np.testing.assert_allclose(ga.cpu().numpy(), [[1, 1], [0, 0], [1, 1], [0, 0]])


# ---------------------------------------------------------------------------- setitem: in-place rules
def test_setitem_on_a_leaf_that_requires_grad_raises_and_changes_nothing():
    a = _t(3, grad=True)
    before = a.detach().numpy().copy()
    with pytest.raises(RuntimeError, match="__setitem__: a leaf tensor that requires grad"):
        a[0] = 1.0
    np.testing.assert_array_equal(a.detach().numpy(), before)
    assert a._version == 0


def test_setitem_under_no_grad_works_on_a_leaf_and_bumps_the_version(device):
    a = _t(3, grad=True, device=device)
    with ag.no_grad():
        a[0] = 7.0
        a[ag.tensor([False, True, False], device=device)] = ag.tensor(8.0, dtype=ag.float64, device=device)
    assert a._version == 2 and a.is_leaf and a.requires_grad
    np.testing.assert_allclose(a.detach().cpu().numpy()[:2], [7.0, 8.0])


def test_setitem_on_a_view_of_a_tensor_that_requires_grad_rebases_the_base():
    a = _t(3, 4, grad=True)
    x = a * 1.0
    v = x[0]
    v[1] = 0.0  # writes into x; x's gradient no longer reaches a[0, 1]
    (x * 2.0).sum().backward()
    want = np.full((3, 4), 2.0)
    want[0, 1] = 0.0
    np.testing.assert_allclose(a.grad.numpy(), want)


def test_setitem_on_a_view_of_a_leaf_that_requires_grad_raises():
    a = _t(3, 4, grad=True)
    with pytest.raises(RuntimeError, match="view .* of a leaf tensor that requires grad"):
        a[0][1] = 0.0


def test_setitem_after_use_raises_at_backward():
    a = _t(3, grad=True)
    x = a.clone()
    y = x * x  # saves x
    x[0] = 0.0
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.backward(ag.ones_like(y))


def test_setitem_shape_mismatch_raises_and_leaves_the_tensor_unchanged():
    x = ag.zeros(3, 4)
    with pytest.raises(RuntimeError, match=r"__setitem__: cannot write a value of shape \(3,\).*\(3, 4\)"):
        x[0] = ag.ones(3)
    x2 = _t(3, 4, grad=True).clone()
    with pytest.raises(RuntimeError, match=r"__setitem__: cannot write a value of shape \(2,\)"):
        x2[1:] = np.ones(2)
    assert x._version == 0 and np.all(x.numpy() == 0)


def test_setitem_with_overlapping_source():
    x = ag.arange(5)
    x[1:] = x[:-1]
    np.testing.assert_array_equal(x.numpy(), [0, 0, 1, 2, 3])


def test_setitem_casts_to_the_target_dtype():
    x = ag.zeros(3, dtype=ag.int64)
    x[0] = 2.7
    x[1:] = ag.tensor([1.0, 5.0])
    np.testing.assert_array_equal(x.numpy(), [2, 1, 5])
    assert x.dtype == ag.int64


# ---------------------------------------------------------------------------- views
def test_basic_indexing_returns_a_view_sharing_memory_and_version(device):
    x = ag.zeros(3, 4, device=device)
    v = x[1, ::2]
    assert v._base is x
    v[0] = 5.0
    assert x[1, 0].item() == 5.0
    assert x._version == 1
    w = v[None, 1:]
    assert w._base is x
    w[...] = 3.0
    assert x[1, 2].item() == 3.0 and x._version == 2
    x[1] = 9.0
    assert v[1].item() == 9.0


def test_int_index_gives_a_0d_view():
    x = ag.zeros(3)
    s = x[1]
    assert s.shape == () and s._base is x
    s[()] = 4.0
    assert x[1].item() == 4.0


def test_advanced_indexing_copies():
    x = ag.zeros(3, 4)
    for y in (x[[0, 1]], x[x >= 0], x[True], x[1, [0, 2]], x[ag.tensor(True)]):
        assert y._base is None
        y[...] = 1.0
    assert np.all(x.numpy() == 0)


def test_0d_int_tensor_index_acts_as_an_int_and_gives_a_view():
    x = ag.zeros(3, 4)
    y = x[ag.tensor(1), ag.tensor(-1)]
    assert y.shape == () and y._base is x
    y[()] = 2.0
    assert x[1, 3].item() == 2.0
    with pytest.raises(IndexError, match="__getitem__: index 3 is out of range for dim 0 with size 3"):
        x[ag.tensor(3)]


def test_basic_indexing_is_one_view_node_and_a_mixed_index_one_node():
    a = _t(3, 4, 5, grad=True)
    for y in (a[1, ::2], a[2, :, [1, -1]]):
        node = y.grad_fn
        assert node.name() == "GetItemBackward0"
        assert node.next_functions[0][0] is a and all(f is None for f, _ in node.next_functions[1:])
    assert a[1, ::2]._base is a and a[2, :, [1, -1]]._base is None


def test_ints_are_applied_before_advanced_indices_as_in_pytorch():
    x = ag.zeros(3, 4, 5)
    assert x[2, :, [1, -1]].shape == (4, 2)
    assert ag.zeros(2, 3, 4)[0, :, [1, 2]].shape == (3, 2)
    a = ag.tensor(np.arange(60.0).reshape(3, 4, 5), requires_grad=True)
    y = a[2, :, [1, -1]]
    np.testing.assert_array_equal(y.detach().numpy(), np.arange(60.0).reshape(3, 4, 5)[2][:, [1, -1]])
    go = np.arange(8.0).reshape(4, 2)
    (g,) = _grad(y, [a], ag.tensor(go, dtype=ag.float64))
    want = np.zeros((3, 4, 5))
    want[2][:, [1, -1]] = go
    np.testing.assert_array_equal(g.numpy(), want)
    x[2, :, [1, -1]] = ag.ones(4, 2)  # the value has the shape of x[2, :, [1, -1]]
    assert x.sum().item() == 8.0 and np.all(x.numpy()[2][:, [1, 4]] == 1)
    with pytest.raises(RuntimeError, match=r"__setitem__: cannot write a value of shape \(2, 4\).*\(4, 2\)"):
        x[2, :, [1, -1]] = ag.ones(2, 4)


def test_a_short_list_holding_sequences_or_slices_is_read_as_a_tuple_with_a_warning():
    x = ag.tensor(np.arange(12.0).reshape(3, 4))
    with pytest.warns(UserWarning, match="__getitem__: using a non-tuple sequence for multidimensional indexing"):
        y = x[[[0, 2], [1, 3]]]
    np.testing.assert_array_equal(y.numpy(), [1.0, 11.0])
    with pytest.warns(UserWarning, match="non-tuple sequence"):
        assert x[[1, slice(None)]].shape == (4,)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert x[[0, 2, 2]].shape == (3, 4) and x[np.array([[0, 1], [1, 2]])].shape == (2, 2, 4)
        assert x[(ag.tensor([[0, 1], [1, 2]]),)].shape == (2, 2, 4)


def test_view_of_a_tensor_that_requires_grad_backpropagates():
    a = _t(3, 4, grad=True)
    y = a[1:, None, ::3]
    assert y.shape == (2, 1, 2) and y._base is a
    (g,) = _grad(y, [a])
    np.testing.assert_allclose(g.numpy(), [[0, 0, 0, 0], [1, 0, 0, 1], [1, 0, 0, 1]])


# ---------------------------------------------------------------------------- gradients: accumulation, layouts
def test_repeated_indices_accumulate_gradients(device):
    a = _t(4, 2, grad=True, device=device)
    y = a[[0, 0, 3, 0, -1]]
    (g,) = _grad(y, [a])
    np.testing.assert_allclose(g.cpu().numpy(), [[3, 3], [0, 0], [0, 0], [2, 2]])
    (g,) = _grad(ag.gather(a, 0, ag.tensor([[1, 1], [1, 0]], device=device)), [a])
    np.testing.assert_allclose(g.cpu().numpy(), [[0, 1], [2, 1], [0, 0], [0, 0]])
    (g,) = _grad(a.index_select(1, ag.tensor([1, 1, 1], device=device)), [a])
    np.testing.assert_allclose(g.cpu().numpy(), [[0, 3]] * 4)
    (g,) = _grad(a.take(ag.tensor([7, -1, 0], device=device)), [a])
    np.testing.assert_allclose(g.cpu().numpy(), [[1, 0], [0, 0], [0, 0], [0, 2]])


@pytest.mark.parametrize("fn", [lambda x: x[::2, [1, 1]], lambda x: x.gather(0, ag.tensor([[2, 0, 0]])),
                                lambda x: x.sort(stable=True).values, lambda x: x.topk(2).values,
                                lambda x: x[x > 0], lambda x: x.masked_fill(x < 0, 1.0)])
def test_noncontiguous_input_gets_the_same_gradient_as_a_contiguous_one(fn):
    arr = np.random.default_rng(3).standard_normal((4, 3))
    nc = ag.from_numpy(np.asfortranarray(arr)).requires_grad_()
    c = ag.from_numpy(arr.copy()).requires_grad_()
    yn, yc = fn(nc), fn(c)
    np.testing.assert_array_equal(yn.detach().numpy(), yc.detach().numpy())
    go = ag.tensor(np.arange(yc.numel(), dtype=np.float64).reshape(yc.shape))
    np.testing.assert_array_equal(_grad(yn, [nc], go)[0].numpy(), _grad(yc, [c], go)[0].numpy())


def test_index_is_kept_private_and_freed_after_backward():
    a = _t(4, grad=True)
    idx = ag.tensor([0, 0, 1])
    y = a[idx]
    idx.add_(2)  # changing the index afterwards does not change the gradient
    y.backward(ag.ones_like(y))
    np.testing.assert_allclose(a.grad.numpy(), [2, 1, 0, 0])
    with pytest.raises(RuntimeError, match="GetItemBackward0 a second time"):
        y.backward(ag.ones_like(y))


def test_scatter_into_records_index_put_zeros_under_create_graph():
    v = _t(3, grad=True)
    out = gradmath.scatter_into((4,), (np.array([1, 1, 3]),), v, None)
    assert isinstance(out, ag.Tensor) and "IndexPutZeros" in out.grad_fn.name()
    np.testing.assert_allclose(out.detach().numpy(), [0, v[0].item() + v[1].item(), 0, v[2].item()])
    arr = gradmath.scatter_into((4,), (np.array([1, 1, 3]),), v.detach().numpy(), None)
    np.testing.assert_allclose(arr, out.detach().numpy())


def test_double_backward_through_getitem():
    a = _t(3, grad=True)
    y = (a[[0, 0, 2]] ** 2)
    (g,) = ag.grad(y, [a], grad_outputs=ag.ones_like(y), create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), [4 * a[0].item(), 0, 2 * a[2].item()])
    (gg,) = _grad(g, [a])
    np.testing.assert_allclose(gg.numpy(), [4, 0, 2])


# ---------------------------------------------------------------------------- in-place variants
@pytest.mark.parametrize("call", [lambda x: x.masked_fill_(x > 0, 0.0), lambda x: x.index_fill_(0, ag.tensor([0]), 1.0),
                                  lambda x: x.scatter_(1, ag.tensor([[0, 2]]), 1.0),
                                  lambda x: x.index_add_(1, ag.tensor([0]), ag.ones(2, 1, dtype=ag.float64)),
                                  lambda x: x.scatter_add_(0, ag.tensor([[0]]), ag.ones(1, 1, dtype=ag.float64))])
def test_inplace_variants_follow_the_inplace_rules(call):
    leaf = _t(2, 3, grad=True)
    with pytest.raises(RuntimeError, match="a leaf tensor that requires grad"):
        call(leaf)
    assert leaf._version == 0
    with ag.no_grad():
        assert call(leaf) is leaf
    assert leaf._version == 1 and leaf.is_leaf
    x = leaf * 1.0
    out = call(x)
    assert out is x and x.grad_fn is not None and x._version == 1
    _grad(x, [leaf])


def test_masked_fill_inplace_gradient_and_values():
    a = _t(2, 3, grad=True)
    x = a * 2.0
    mask = ag.tensor([True, False, True])
    x.masked_fill_(mask, -1.0)
    np.testing.assert_allclose(x.detach().numpy()[:, [0, 2]], -1.0)
    (g,) = _grad(x, [a])
    np.testing.assert_allclose(g.numpy(), [[0, 2, 0]] * 2)


def test_masked_fill_keeps_the_input_dtype():
    x = ag.tensor([1, 2, 3])
    y = x.masked_fill(x > 1, 0)
    assert y.dtype == ag.int64
    np.testing.assert_array_equal(y.numpy(), [1, 0, 0])


# ---------------------------------------------------------------------------- sort / topk / kthvalue
def test_sort_returns_a_named_tuple_and_handles_nan_like_pytorch():
    x = ag.tensor([3.0, float("nan"), 1.0, 2.0])
    asc = ag.sort(x)
    assert asc.values.shape == (4,) and asc.indices.dtype == ag.int64
    np.testing.assert_array_equal(asc.indices.numpy(), [2, 3, 0, 1])
    desc = x.sort(descending=True)
    np.testing.assert_array_equal(desc.indices.numpy(), [1, 0, 3, 2])
    values, indices = ag.topk(x, 1)
    assert indices.item() == 1


def test_sort_gradient_goes_back_through_the_indices():
    a = ag.tensor([[3.0, 1.0, 2.0]], dtype=ag.float64, requires_grad=True)
    v, i = a.sort(descending=True)
    (g,) = _grad(v, [a], ag.tensor([[10.0, 20.0, 30.0]], dtype=ag.float64))
    np.testing.assert_allclose(g.numpy(), [[10.0, 30.0, 20.0]])
    np.testing.assert_array_equal(i.numpy(), [[0, 2, 1]])
    assert not i.requires_grad


def test_topk_unsorted_selects_the_right_set():
    x = _t(5, 50, seed=2)
    v, i = x.topk(7, dim=1, sorted=False)
    want = np.sort(np.sort(x.numpy(), axis=1)[:, -7:], axis=1)
    np.testing.assert_allclose(np.sort(v.numpy(), axis=1), want)
    np.testing.assert_allclose(np.take_along_axis(x.numpy(), i.numpy(), 1), v.numpy())


def test_kthvalue_keepdim_and_errors():
    x = ag.tensor([[5.0, 1.0, 4.0], [0.0, 9.0, 2.0]])
    v, i = x.kthvalue(2, dim=1, keepdim=True)
    np.testing.assert_allclose(v.numpy(), [[4.0], [2.0]])
    np.testing.assert_array_equal(i.numpy(), [[2], [2]])
    with pytest.raises(RuntimeError, match=r"kthvalue: k \(4\) is out of range for dim 1 with size 3"):
        x.kthvalue(4)
    with pytest.raises(RuntimeError, match=r"topk: k \(4\) is out of range for dim 1 with size 3"):
        x.topk(4)


# ---------------------------------------------------------------------------- other ops
def test_nonzero_unique_and_search(device):
    x = ag.tensor([[0, 3], [2, 0]], device=device)
    np.testing.assert_array_equal(x.nonzero().cpu().numpy(), [[0, 1], [1, 0]])
    rows, cols = x.nonzero(as_tuple=True)
    np.testing.assert_array_equal(cols.cpu().numpy(), [1, 0])
    (only,) = ag.tensor(5.0, device=device).nonzero(as_tuple=True)
    np.testing.assert_array_equal(only.cpu().numpy(), [0])
    u, inv, cnt = ag.unique(x, return_inverse=True, return_counts=True)
    np.testing.assert_array_equal(u.cpu().numpy(), [0, 2, 3])
    assert inv.shape == (2, 2) and cnt.cpu().numpy().tolist() == [2, 1, 1]
    s = ag.searchsorted(ag.tensor([1.0, 2.0, 3.0], device=device), 2.5)
    assert s.shape == () and s.item() == 2
    assert ag.searchsorted(ag.tensor([1.0, 2.0], device=device), ag.tensor([2.0], device=device),
                           out_int32=True).dtype == ag.int32
    c = ag.tensor(np.arange(6.0).reshape(2, 3), device=device)
    np.testing.assert_array_equal(ag.where(c > 3)[1].cpu().numpy(), [1, 2])


def test_scatter_reduce_multiply_forward_only():
    x = ag.ones(2, 3)
    y = ag.scatter(x, 1, ag.tensor([[0, 0], [2, 1]]), ag.tensor([[2.0, 3.0], [4.0, 5.0]]), reduce="multiply")
    np.testing.assert_allclose(y.numpy(), [[6, 1, 1], [1, 5, 4]])
    with pytest.raises(RuntimeError, match="reduce='multiply' has no gradient"):
        ag.scatter(_t(2, 3, grad=True), 1, ag.tensor([[0]]), value=2.0, reduce="multiply")


def test_list_and_numpy_indices_move_to_the_tensor_device(device):
    x = ag.tensor(np.arange(12.0).reshape(3, 4), device=device)
    np.testing.assert_array_equal(x[[2, 0]].cpu().numpy(), [[8, 9, 10, 11], [0, 1, 2, 3]])
    np.testing.assert_array_equal(x[np.array([True, False, True])][:, 1].cpu().numpy(), [1, 9])
    np.testing.assert_array_equal(x.gather(1, [[0], [1], [2]]).cpu().numpy(), [[0], [5], [10]])


def test_uint8_index_tensor_is_a_deprecated_mask():
    x = ag.arange(3)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        y = x[ag.tensor([1, 0, 1], dtype=ag.uint8)]
    assert any("uint8" in str(r.message) for r in w)
    np.testing.assert_array_equal(y.numpy(), [0, 2])


def test_empty_selections_have_the_right_shapes_and_zero_gradient():
    a = _t(3, 4, grad=True)
    for y, shape in ((a[[]], (0, 4)), (a[a > 100], (0,)), (a[:, 4:], (3, 0)), (a.masked_select(a > 100), (0,)),
                     (a.index_select(1, ag.tensor([], dtype=ag.int64)), (3, 0))):
        assert y.shape == shape
        (g,) = _grad(y, [a])
        assert g is None or np.all(g.numpy() == 0)


# ---------------------------------------------------------------------------- errors
def test_negative_and_zero_slice_steps_raise():
    x = ag.arange(5)
    with pytest.raises(ValueError, match="__getitem__: slice step must be positive, got -1.*flip"):
        x[::-1]
    with pytest.raises(ValueError, match="slice step must be positive, got 0"):
        x[::0]
    with pytest.raises(ValueError, match="__setitem__: slice step must be positive"):
        x[::-2] = 0


def test_float_indices_raise_pytorchs_classes_naming_the_dtype():
    x = ag.arange(5)  # [] raises IndexError, named ops RuntimeError, as in PyTorch
    with pytest.raises(IndexError, match="__getitem__: tensors used as index must be integer .*float32"):
        x[ag.tensor([1.0])]
    with pytest.raises(IndexError, match="float64"):
        x[np.array([0.0])]
    with pytest.raises(IndexError, match=r"a float \(1.0\) cannot be used as an index"):
        x[1.0]
    with pytest.raises(RuntimeError, match="gather: tensors used as index must be integer .*float32"):
        ag.gather(ag.zeros(2, 2), 0, ag.zeros(2, 2))
    with pytest.raises(RuntimeError, match="index_select: .*bool"):
        ag.index_select(ag.zeros(2), 0, ag.tensor([True]))
    with pytest.raises(TypeError, match="__getitem__: invalid index of type str"):
        x["a"]


def test_float_arguments_raise_type_errors_naming_the_op_and_the_type():
    x = ag.zeros(3, 4)
    with pytest.raises(TypeError, match=r"__getitem__: slice indices must be integers or None.*got float \(0.5\)"):
        x[0.5:]
    with pytest.raises(TypeError, match="__getitem__: slice indices .* got float"):
        x[:, ::1.5]
    with pytest.raises(TypeError, match="__setitem__: slice indices .* got float"):
        x[1:2.0] = 1.0
    with pytest.raises(TypeError, match="topk: argument 'k' must be int, not float"):
        x.topk(1.5)
    with pytest.raises(TypeError, match="kthvalue: argument 'k' must be int, not float"):
        x.kthvalue(1.0)
    with pytest.raises(TypeError, match="topk: argument 'dim' must be int, not float"):
        x.topk(1, dim=1.0)
    with pytest.raises(TypeError, match="sort: argument 'dim' must be int, not float"):
        x.sort(dim=0.0)
    with pytest.raises(TypeError, match="gather: argument 'dim' must be int, not float"):
        x.gather(1.0, ag.zeros(3, 4, dtype=ag.int64))
    with pytest.raises(TypeError, match="index_select: argument 'dim' must be int, not str"):
        x.index_select("1", ag.tensor([0]))
    assert x.topk(np.int64(2)).values.shape == (3, 2) and x[np.int64(1):].shape == (2, 4)
    assert x[ag.tensor(1):].shape == (2, 4)


def test_index_tensors_that_do_not_broadcast_raise_naming_the_shapes():
    x = ag.zeros(3, 4, 5)
    with pytest.raises(IndexError, match=r"__getitem__: shape mismatch: the index tensors of shapes \(2,\), \(3,\)"):
        x[[0, 1], :, [0, 1, 2]]
    with pytest.raises(IndexError):
        x[[0, 1], False]  # as in PyTorch: a False scalar is an empty index beside one of length 2


def test_out_of_range_indices_raise_pytorchs_classes_naming_index_dim_and_size():
    x = ag.zeros(3, 4)
    with pytest.raises(IndexError, match="__getitem__: index 4 is out of range for dim 1 with size 4"):
        x[0, 4]
    with pytest.raises(IndexError, match="index -4 is out of range for dim 0 with size 3"):
        x[-4]
    with pytest.raises(IndexError, match="index 3 is out of range for dim 0 with size 3"):
        x[ag.tensor([0, 3])]
    with pytest.raises(IndexError, match="index 7 is out of range for dim 1 with size 4"):
        x[..., [7]]
    with pytest.raises(IndexError, match="__setitem__: index 5 is out of range for dim 0 with size 3"):
        x[5] = 1.0
    with pytest.raises(RuntimeError, match="gather: index -1 is out of range for dim 1 with size 4"):
        x.gather(1, ag.tensor([[-1]]))
    with pytest.raises(RuntimeError, match="scatter: index 3 is out of range for dim 0 with size 3"):
        x.scatter(0, ag.tensor([[3]]), 1.0)
    with pytest.raises(IndexError, match="index_select: index 9 is out of range for dim 1 with size 4"):
        x.index_select(1, ag.tensor([9]))
    with pytest.raises(IndexError, match="take: index 12 is out of range for dim 0 with size 12"):
        x.take(ag.tensor([12]))


def test_index_structure_errors():
    x = ag.zeros(3, 4)
    with pytest.raises(IndexError, match=r"too many indices for a tensor of 2 dimensions \(shape \(3, 4\)\)"):
        x[0, 0, 0]
    with pytest.raises(IndexError, match="single ellipsis"):
        x[..., ...]
    with pytest.raises(IndexError, match=r"mask of shape \(4,\) does not match the shape \(3,\)"):
        x[ag.tensor([True, False, True, True])]


def test_gather_scatter_shape_and_dim_errors():
    x = ag.zeros(3, 4)
    with pytest.raises(RuntimeError, match=r"gather: index must have as many dims as the input: index shape \(2,\)"):
        x.gather(1, ag.tensor([0, 1]))
    with pytest.raises(IndexError, match="gather: dim 2 is out of range"):
        x.gather(2, ag.tensor([[0]]))
    with pytest.raises(RuntimeError, match=r"gather: index shape \(4, 1\) is larger than the input shape"):
        x.gather(1, ag.zeros(4, 1, dtype=ag.int64))
    with pytest.raises(RuntimeError, match="scatter: src has dtype float64 but the input has dtype float32"):
        x.scatter(0, ag.tensor([[0]]), ag.zeros(1, 1, dtype=ag.float64))
    with pytest.raises(RuntimeError, match=r"scatter_add: index shape \(1, 3\) is larger than the src shape"):
        x.scatter_add(0, ag.tensor([[0, 1, 2]]), ag.zeros(1, 2))
    with pytest.raises(RuntimeError, match=r"index_add: source of shape \(2, 3\) does not fit.*\(3, 2\)"):
        x.index_add(1, ag.tensor([0, 1]), ag.zeros(2, 3))
    with pytest.raises(IndexError, match="index_select: index must be a vector"):
        x.index_select(0, ag.zeros(2, 2, dtype=ag.int64))
    with pytest.raises(TypeError, match="scatter: pass exactly one of src"):
        x.scatter(0, ag.tensor([[0]]))


def test_masked_op_errors():
    x = ag.zeros(3, 4)
    with pytest.raises(RuntimeError, match="masked_fill: the mask must be a bool tensor, got dtype float32"):
        x.masked_fill(ag.zeros(3, 4), 1.0)
    with pytest.raises(RuntimeError, match=r"masked_fill: only supports a 0-dimensional value tensor.*\(2,\)"):
        x.masked_fill(x > 0, ag.zeros(2))
    with pytest.raises(RuntimeError, match=r"masked_select: the mask of shape \(2,\) cannot be broadcast"):
        x.masked_select(ag.tensor([True, False]))
    with pytest.raises(RuntimeError, match="masked_scatter: the mask selects 12 entries but source has only 2"):
        x.masked_scatter(x == 0, ag.zeros(2))


def test_indices_on_another_device_raise(stand_in):
    x = ag.zeros(3)
    idx = ag.tensor([0, 1], device="cuda")
    with pytest.raises(RuntimeError, match="__getitem__: the index tensor is on cuda:0 but the tensor is on cpu"):
        x[idx]
    with pytest.raises(RuntimeError, match="gather: the index tensor is on cuda:0 but the tensor is on cpu"):
        x.gather(0, idx)
    with pytest.raises(RuntimeError, match="__setitem__: expected all tensors on the same device"):
        x[0] = ag.tensor(1.0, device="cuda")
    y = ag.zeros(3, device="cuda")
    with pytest.raises(RuntimeError, match="masked_fill: the mask tensor is on cpu but the tensor is on cuda:0"):
        y.masked_fill(ag.tensor([True, False, True]), 1.0)


# ---------------------------------------------------------------------------- against PyTorch
_M4 = [True, False, True, True]
# index expressions over a (3, 4, 5) tensor; T builds an index tensor of the library at hand
_TORCH_INDICES = [
    lambda T: 1,
    lambda T: -1,
    lambda T: (2, -3),
    lambda T: (slice(1, None), slice(None, None, 2)),
    lambda T: (None, Ellipsis, 1),
    lambda T: (Ellipsis, None, slice(None, 2)),
    lambda T: (),
    lambda T: [0, 0, 2],
    lambda T: [],
    lambda T: T([[0, 1], [2, 2]]),
    lambda T: (2, slice(None), [1, -1]),
    lambda T: (0, slice(None), [1, 2]),
    lambda T: ([0, 2, 2], 1, [4, 0, 4]),
    lambda T: ([0, 2, 2], slice(1, 3), 2),
    lambda T: (1, slice(1, None), [[0], [4]]),
    lambda T: ([0, 2], slice(1, 3), [[1], [2]]),
    lambda T: ([0, 1], None, [0, 1]),
    lambda T: (slice(None), [0, 1], None, [0, 1]),
    lambda T: (slice(None), [0, 1], Ellipsis, [0, 1]),
    lambda T: (-1, Ellipsis, T([-1, 0]), None),
    lambda T: T(1),
    lambda T: (T(1), slice(None), [0, 1]),
    lambda T: (0, 0, T(2)),
    lambda T: T(True),
    lambda T: True,
    lambda T: False,
    lambda T: (True, 1),
    lambda T: ([0, 1], True),
    lambda T: ([0, 1], slice(None), True),
    lambda T: (1, False),
    lambda T: (slice(None), T(_M4), 1),
    lambda T: (1, T(_M4), [1, 2, 3]),
    lambda T: T(np.arange(60).reshape(3, 4, 5) % 3 == 0),
    lambda T: (slice(None), T(np.arange(20).reshape(4, 5) % 2 == 0)),
    lambda T: ([True, False, True], 2),
    lambda T: (None, 1, None, [2, 0, 2], slice(None, None, 2)),
    lambda T: (T([[0, 1], [2, 0]]), 3, T([1, 4])),
    lambda T: (Ellipsis, 2, [0, 0]),
    lambda T: (np.int64(1), slice(None), np.array([3, 3])),
    lambda T: [[0, 1], [1, 2]],  # read as a tuple (with a deprecation warning), as PyTorch does
    lambda T: (1, [], 2),
]


def _both(f):
    torch = pytest.importorskip("torch")
    return f(torch.tensor), f(ag.tensor)


@pytest.mark.parametrize("k", range(len(_TORCH_INDICES)))
def test_getitem_matches_pytorch_forward_and_gradient(k):
    torch = pytest.importorskip("torch")
    it, ia = _both(_TORCH_INDICES[k])
    rng = np.random.default_rng(k)
    arr = rng.standard_normal((3, 4, 5))
    xt = torch.tensor(arr, requires_grad=True)
    xa = ag.tensor(arr, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yt, ya = xt[it], xa[ia]
    assert tuple(ya.shape) == tuple(yt.shape)
    np.testing.assert_array_equal(ya.detach().numpy(), yt.detach().numpy())
    w = rng.standard_normal(tuple(yt.shape))
    (yt * torch.tensor(w)).sum().backward()
    (ya * ag.tensor(w)).sum().backward()
    np.testing.assert_allclose(xa.grad.numpy(), xt.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("k", [0, 3, 10, 11, 12, 14, 15, 16, 18, 19, 20, 21, 27, 31, 33, 36])
def test_setitem_matches_pytorch_values_and_gradients(k):  # (indices without repeats: PyTorch leaves those open)
    torch = pytest.importorskip("torch")
    it, ia = _both(_TORCH_INDICES[k])
    rng = np.random.default_rng(k)
    arr = rng.standard_normal((3, 4, 5))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        shape = tuple(torch.zeros(3, 4, 5)[it].shape)
    v = rng.standard_normal(shape)
    w = rng.standard_normal((3, 4, 5))
    outs = []
    for lib, idx in ((torch, it), (ag, ia)):
        x = lib.tensor(arr, requires_grad=True)
        val = lib.tensor(v, requires_grad=True)
        y = x * 1.0
        y[idx] = val * 2.0
        (y * lib.tensor(w)).sum().backward()
        outs.append((y.detach().numpy(), x.grad.numpy(), val.grad.numpy()))
    for got, want in zip(outs[1], outs[0]):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


_TORCH_ERRORS = [
    lambda T: ([0, 1], False),
    lambda T: ([0, 1], slice(None), [0, 1, 2]),
    lambda T: (0, 0, 0, 0),
    lambda T: (1, T(4)),
    lambda T: T([True, False]),
    lambda T: (slice(None), 7),
    lambda T: T([1.0]),
    lambda T: 0.5,
]


@pytest.mark.parametrize("k", range(len(_TORCH_ERRORS)))
def test_indices_pytorch_rejects_are_rejected(k):
    torch = pytest.importorskip("torch")
    it, ia = _both(_TORCH_ERRORS[k])
    with pytest.raises((IndexError, TypeError, RuntimeError)):
        torch.zeros(3, 4, 5)[it]
    with pytest.raises((IndexError, TypeError)):
        ag.zeros(3, 4, 5)[ia]
