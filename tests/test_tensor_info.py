"""Bit shifts, the in-place comparisons/logical/tril_/triu_/addmm_ family, swapaxes_, and the tensor attributes
(itemsize, nbytes, layout, get_device, dim_order, hash_tensor, grad_dtype, apply_/map_/map2_, post-accumulate-grad
hooks): against PyTorch, with their errors."""
import pickle
import warnings

import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch")


def _same(a, t):
    assert str(a.dtype) == str(t.dtype).replace("torch.", "")
    np.testing.assert_array_equal(a.numpy(), t.numpy())


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8"])
def test_shifts_match_torch_including_counts_past_the_width(dtype):
    values = [1, 3, 7, 100] if dtype == "uint8" else [1, -3, 7, -100]
    counts = [0, 2, 9, 70]
    a, t = ag.tensor(values, dtype=getattr(ag, dtype)), torch.tensor(values, dtype=getattr(torch, dtype))
    ca, ct = ag.tensor(counts, dtype=getattr(ag, dtype)), torch.tensor(counts, dtype=getattr(torch, dtype))
    _same(a << ca, t << ct)
    _same(a >> ca, t >> ct)
    _same(ag.bitwise_left_shift(a, 3), torch.bitwise_left_shift(t, 3))
    _same(a.bitwise_right_shift(1), t.bitwise_right_shift(1))
    _same(2 << a.abs() % 5, 2 << t.abs() % 5)
    b, u = a.clone(), t.clone()
    b <<= 1
    u <<= 1
    _same(b, u)
    b.bitwise_right_shift_(2)
    u.bitwise_right_shift_(2)
    _same(b, u)


def test_shift_of_a_float_tensor_is_refused():
    with pytest.raises(TypeError, match="bitwise_left_shift: only integer and bool tensors"):
        ag.ones(2) << 1


_INPLACE = ["eq_", "ne_", "lt_", "le_", "gt_", "ge_", "greater_", "greater_equal_", "less_", "less_equal_",
            "not_equal_", "logical_and_", "logical_or_", "logical_xor_"]


@pytest.mark.parametrize("name", _INPLACE)
def test_inplace_comparisons_keep_the_dtype_of_self_as_torch(name):
    x = np.array([[1.0, 0.0, 3.0], [2.0, -1.0, 0.5]])
    y = np.array([1.0, 2.0, 0.0])
    a, t = ag.tensor(x), torch.tensor(x)
    assert getattr(a, name)(ag.tensor(y)) is a
    getattr(t, name)(torch.tensor(y))
    _same(a, t)
    if name.startswith("logical"):
        return  # torch takes only a tensor there
    a, t = ag.tensor(x), torch.tensor(x)
    getattr(a, name)(1.0)
    getattr(t, name)(1.0)
    _same(a, t)


def test_logical_not_bitwise_not_tril_triu_in_place():
    x = np.array([[1.0, 0.0, 3.0], [2.0, -1.0, 0.0], [4.0, 5.0, 6.0]])
    a, t = ag.tensor(x), torch.tensor(x)
    _same(a.clone().logical_not_(), t.clone().logical_not_())
    _same(a.clone().tril_(-1), t.clone().tril_(-1))
    _same(a.clone().triu_(1), t.clone().triu_(1))
    i = [1, -4, 0]
    _same(ag.tensor(i).bitwise_not_(), torch.tensor(i).bitwise_not_())


def test_tril_in_place_carries_the_gradient():
    x = ag.ones(3, 3, requires_grad=True)
    y = x * 2
    y.tril_()
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 2 * np.tril(np.ones((3, 3))))


_MULADD = [("addmm_", (3, 2), [(3, 4), (4, 2)]), ("addmv_", (3,), [(3, 4), (4,)]),
           ("baddbmm_", (2, 3, 2), [(2, 3, 4), (2, 4, 2)]), ("addbmm_", (3, 2), [(2, 3, 4), (2, 4, 2)]),
           ("addr_", (3, 2), [(3,), (2,)])]


@pytest.mark.parametrize("name,target,shapes", _MULADD, ids=[m[0] for m in _MULADD])
def test_fused_multiply_adds_in_place_match_torch_with_gradients(name, target, shapes):
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=target)] + [rng.normal(size=s) for s in shapes]
    ours = [ag.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    a = ours[0] * 1.0
    t = theirs[0] * 1.0
    assert getattr(a, name)(*ours[1:], beta=0.5, alpha=2.0) is a
    getattr(t, name)(*theirs[1:], beta=0.5, alpha=2.0)
    np.testing.assert_allclose(a.detach().numpy(), t.detach().numpy(), rtol=1e-12)
    w = rng.normal(size=target)
    (a * ag.tensor(w)).sum().backward()
    (t * torch.tensor(w)).sum().backward()
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-12)


def test_addmm_in_place_cannot_change_the_shape_of_self():
    with pytest.raises(RuntimeError, match="addmm_: the result has shape \\(2, 3\\)"):
        ag.ones(1, 3).addmm_(ag.ones(2, 4), ag.ones(4, 3))


def test_swapaxes_and_swapdims_in_place_change_the_view():
    for name in ("swapaxes_", "swapdims_"):
        a, t = ag.arange(6.0).reshape(2, 3), torch.arange(6.0).reshape(2, 3)
        assert getattr(a, name)(0, 1) is a
        getattr(t, name)(0, 1)
        _same(a, t)
        assert tuple(a.shape) == (3, 2) and a.stride() == t.stride()


def test_attributes_match_torch():
    for dt in ("float32", "float64", "int16", "uint8", "bool"):
        a, t = ag.zeros(2, 3, dtype=getattr(ag, dt)), torch.zeros(2, 3, dtype=getattr(torch, dt))
        assert (a.itemsize, a.nbytes, a.is_signed()) == (t.itemsize, t.nbytes, t.is_signed())
        assert ag.is_signed(a) == torch.is_signed(t)
    a = ag.zeros(4, 6)[:, ::2]
    assert a.nbytes == torch.zeros(4, 6)[:, ::2].nbytes == 48
    assert repr(ag.ones(1).layout) == repr(torch.ones(1).layout) == "torch.strided"
    assert ag.ones(1).layout is ag.strided
    assert pickle.loads(pickle.dumps(ag.strided)) is ag.strided
    assert ag.ones(2).get_device() == torch.ones(2).get_device() == -1 == ag.get_device(ag.ones(1))
    for shape, perm in (((2, 3, 4), (0, 1, 2)), ((2, 3, 4), (2, 0, 1)), ((2, 3), (1, 0))):
        assert ag.ones(*shape).permute(*perm).dim_order() == torch.ones(*shape).permute(*perm).dim_order()
    with pytest.raises(RuntimeError, match="ambiguous"):
        ag.ones(2, 1, 3).dim_order(ambiguity_check=True)
    assert ag.is_same_size(ag.ones(2, 3), ag.zeros(2, 3)) and not ag.ones(2).is_same_size(ag.ones(3))
    assert ag.is_floating_point(ag.ones(1)) and not ag.is_floating_point(ag.ones(1, dtype=ag.int64))
    assert ag.numel(ag.ones(2, 5)) == 10 and not ag.is_distributed(ag.ones(1))
    assert ag.is_complex(ag.ones(1, dtype=ag.complex64)) and not ag.is_complex(ag.ones(1))
    with pytest.raises(TypeError, match="is_complex"):
        ag.is_complex([1.0])
    w = ag.ones(2, requires_grad=True) * 2
    d = ag.detach(w)
    assert d.grad_fn is None and not d.requires_grad and np.shares_memory(d.array, w.array)
    x = ag.ones(3)
    assert x.to_dense() is x and x.to_dense(ag.float64).dtype == ag.float64
    assert x.const_data_ptr() == x.data_ptr() and x.name is None
    y = ag.ones(2, requires_grad=True) * 2
    assert y.output_nr == 0 and ag.split(y, 1)[1].output_nr == 1
    with pytest.warns(UserWarning, match="volatile was removed"):
        assert x.volatile is False


def test_hash_tensor_matches_torch():
    for values, dim in (([1.0, 2.0, -3.5], None), ([[1, 2], [3, 4]], 1), ([[1, 2], [3, 4]], (0, 1)),
                        ([[0.5, 1.5], [2.5, 3.5]], 0)):
        a, t = ag.tensor(values), torch.tensor(values)
        np.testing.assert_array_equal(ag.hash_tensor(a, dim).numpy().astype(np.uint64),
                                      torch.hash_tensor(t, dim).numpy().astype(np.uint64))
    assert ag.hash_tensor(ag.ones(2, 3), 1, keepdim=True).shape == (2, 1)
    with pytest.raises(RuntimeError, match="only mode=0"):
        ag.hash_tensor(ag.ones(2), mode=1)


def test_grad_dtype_is_the_tensors_own():
    w = ag.ones(2, dtype=ag.float64, requires_grad=True)
    assert w.grad_dtype == ag.float64 and ag.ones(2, dtype=ag.int64).grad_dtype is None
    w.grad_dtype = ag.float64
    with pytest.raises(RuntimeError, match="keeps gradients in the tensor's own dtype"):
        w.grad_dtype = ag.float32


def test_apply_map_map2_as_torch():
    a, t = ag.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.0, 3.0])
    _same(a.apply_(lambda v: v * v - 1), t.apply_(lambda v: v * v - 1))
    _same(a.map_(ag.tensor([1.0]), lambda u, v: u + v), t.map_(torch.tensor([1.0]), lambda u, v: u + v))
    _same(a.map2_(ag.tensor([1.0, 2.0, 3.0]), ag.tensor(2.0), lambda s, u, v: s * u + v),
          t.map2_(torch.tensor([1.0, 2.0, 3.0]), torch.tensor(2.0), lambda s, u, v: s * u + v))


def test_apply_errors_leave_the_tensor_unchanged():
    a = ag.tensor([1.0, 2.0])

    def boom(v):
        if v > 1:
            raise ValueError("boom")
        return 0.0

    with pytest.raises(ValueError, match="boom"):
        a.apply_(boom)
    assert a.tolist() == [1.0, 2.0]
    with pytest.raises(RuntimeError, match="apply_: can't call apply_\(\) on a tensor that requires grad"):
        ag.ones(2, requires_grad=True).apply_(abs)


def test_post_accumulate_grad_hooks_run_after_accumulation_as_torch():
    seen, seen_t = [], []
    for lib, store in ((ag, seen), (torch, seen_t)):
        w = lib.ones(2, requires_grad=True)
        handle = w.register_post_accumulate_grad_hook(lambda p, store=store: store.append(p.grad.tolist()))
        (w * 3).sum().backward()
        (w * 2).sum().backward()
        handle.remove()
        (w * 1).sum().backward()
    assert seen == seen_t == [[3.0, 3.0], [5.0, 5.0]]


def test_post_accumulate_hook_is_not_called_by_autograd_grad_and_steps_an_optimizer():
    w = ag.ones(2, requires_grad=True)
    calls = []
    w.register_post_accumulate_grad_hook(calls.append)
    ag.grad((w * 2).sum(), w)
    assert calls == []

    def step(p):  # the optimizer-in-backward idiom: update and free the gradient as soon as it is ready
        with ag.no_grad():
            p -= 0.5 * p.grad
        p.grad = None

    w.register_post_accumulate_grad_hook(step)
    (w * 2).sum().backward()
    assert w.tolist() == [0.0, 0.0] and w.grad is None and calls == [w]


def test_post_accumulate_hook_errors():
    with pytest.raises(RuntimeError, match="non-leaf"):
        (ag.ones(2, requires_grad=True) * 2).register_post_accumulate_grad_hook(print)
    with pytest.raises(RuntimeError, match="does not require grad"):
        ag.ones(2).register_post_accumulate_grad_hook(print)


def test_pin_memory_as_torch_without_an_accelerator_and_a_copy_with_one(stand_in):
    x = ag.ones(3)
    assert not x.is_pinned() and not torch.ones(3).is_pinned()
    pinned = x.pin_memory()  # the stand-in serves "cuda", so an accelerator is there
    assert pinned is not x and pinned.device.type == "cpu" and not np.shares_memory(pinned.array, x.array)
    np.testing.assert_array_equal(pinned.numpy(), x.numpy())
    with pytest.raises(RuntimeError, match="only dense CPU tensors can be pinned"):
        ag.ones(2, device="cuda").pin_memory()


def test_pin_memory_without_an_accelerator_raises_as_torch():
    if ag.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(RuntimeError, match="Cannot access accelerator device when none is available") as ours:
        ag.ones(2).pin_memory()
    with pytest.raises(RuntimeError) as theirs:
        torch.ones(2).pin_memory()
    assert str(theirs.value) in str(ours.value)


@pytest.mark.parametrize("shapes", [((2, 1), (1, 3)), (3, (2, 1)), (), ((4, 1, 2), (3, 1), (1,)), ((0, 2), (1, 2))],
                         ids=str)
def test_broadcast_shapes_matches_torch(shapes):
    assert tuple(ag.broadcast_shapes(*shapes)) == tuple(torch.broadcast_shapes(*shapes))
    assert isinstance(ag.broadcast_shapes(*shapes), ag.Size)


def test_broadcast_shapes_error_as_torch():
    with pytest.raises(RuntimeError) as theirs:
        torch.broadcast_shapes((2,), (3,))
    with pytest.raises(RuntimeError) as ours:
        ag.broadcast_shapes((2,), (3,))
    assert str(theirs.value).lower() in str(ours.value).lower()
