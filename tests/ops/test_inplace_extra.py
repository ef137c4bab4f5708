"""In-place ops added later: addcmul_, addcdiv_, fmod_, fill_diagonal_, unsqueeze_/squeeze_/t_/transpose_,
exponential_ and random_ (values, gradients, the tape and version counter, errors, devices)."""
import numpy as np
import pytest

import autograd as ag
from autograd import backend
from autograd.ops import inplace

NEW = ["addcmul_", "addcdiv_", "fmod_", "fill_diagonal_", "unsqueeze_", "squeeze_", "t_", "transpose_",
       "exponential_", "random_"]


def _t(values, dtype="float64", grad=False, device="cpu"):
    t = ag.tensor(np.array(values, dtype=dtype), device=device)
    return t.requires_grad_(True) if grad else t


def _host(t):
    return t.detach().cpu().numpy()


@pytest.mark.parametrize("name", NEW)
def test_new_ops_are_tensor_methods(name):
    assert name in inplace.METHODS and getattr(ag.Tensor, name) is inplace.METHODS[name]
    assert getattr(ag.Tensor, name).__doc__


# ---------------------------------------------------------------------------- addcmul_ / addcdiv_
def test_addcmul_and_addcdiv_values(device):
    x = _t([1.0, 2.0, 3.0], device=device)
    a, b = _t([2.0, 4.0, 6.0], device=device), _t([1.0, 2.0, 4.0], device=device)
    assert x.addcmul_(a, b) is x
    np.testing.assert_allclose(_host(x), [3.0, 10.0, 27.0])
    x.addcmul_(a, b, value=-0.5)
    np.testing.assert_allclose(_host(x), [2.0, 6.0, 15.0])
    x.addcdiv_(a, b, value=2)
    np.testing.assert_allclose(_host(x), [6.0, 10.0, 18.0])
    x.addcdiv_(a, b)
    np.testing.assert_allclose(_host(x), [8.0, 12.0, 19.5])
    assert x._version == 4


def test_addcmul_broadcasts_the_operands_into_the_target():
    x = ag.zeros(2, 3)
    x.addcmul_(ag.tensor([1.0, 2.0, 3.0]), ag.tensor([[1.0], [10.0]]))
    np.testing.assert_allclose(x.numpy(), [[1, 2, 3], [10, 20, 30]])
    with pytest.raises(RuntimeError, match=r"addcmul_: the result has shape \(2, 3\) but the tensor modified in "
                                           r"place has shape \(3,\)"):
        ag.zeros(3).addcmul_(ag.ones(2, 3), ag.ones(3))


def test_addcmul_and_addcdiv_match_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x0, a, b = rng.normal(size=(3, 4)), rng.normal(size=(4,)), rng.uniform(1, 2, size=(3, 1))
    for op, value in (("addcmul_", 1), ("addcmul_", -1.5), ("addcdiv_", 1), ("addcdiv_", 0.25)):
        x, t = ag.tensor(x0), torch.tensor(x0)
        getattr(x, op)(ag.tensor(a), ag.tensor(b), value=value)
        getattr(t, op)(torch.tensor(a), torch.tensor(b), value=value)
        np.testing.assert_allclose(x.numpy(), t.numpy(), rtol=1e-12)


def test_addcmul_and_addcdiv_gradients():
    rng = np.random.default_rng(1)

    def make(shape, low=-2.0, high=2.0):
        return ag.tensor(rng.uniform(low, high, size=shape), requires_grad=True)

    x, a, b = make((3, 4)), make((4,)), make((3, 1), 1.0, 2.0)
    assert ag.gradcheck(lambda x, a, b: (x * 1).addcmul_(a, b, value=0.7), [x, a, b])
    assert ag.gradcheck(lambda x, a, b: (x * 1).addcdiv_(a, b, value=-1.3), [x, a, b])
    assert ag.gradgradcheck(lambda x, a, b: (x * 1).addcmul_(a, b), [x, a, b])
    assert ag.gradgradcheck(lambda x, a, b: (x * 1).addcdiv_(a, b), [x, a, b])
    y = x * 1
    y.addcmul_(a, b)
    assert y.grad_fn is not None and y._version == 1


def test_addcmul_dtypes_and_errors():
    i = ag.tensor([1, 2, 3])
    i.addcmul_(ag.tensor([1, 1, 1]), ag.tensor([2, 2, 2]), value=3)
    assert i.dtype == ag.int64 and i.tolist() == [7, 8, 9]
    with pytest.raises(RuntimeError, match="addcdiv_: integer division with addcdiv is not supported"):
        ag.zeros(3, dtype=ag.int64).addcdiv_(ag.ones(3, dtype=ag.int64), ag.ones(3, dtype=ag.int64))
    with pytest.raises(RuntimeError, match="addcdiv_: result type float32 can't be cast to the dtype int64"):
        ag.zeros(3, dtype=ag.int64).addcdiv_(ag.ones(3), ag.ones(3))
    with pytest.raises(TypeError, match="addcmul_: tensor2 must be a tensor, got float"):
        ag.zeros(3).addcmul_(ag.ones(3), 2.0)
    leaf = ag.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="addcmul_: a leaf tensor that requires grad"):
        leaf.addcmul_(ag.ones(3), ag.ones(3))
    with ag.no_grad():
        leaf.addcmul_(ag.ones(3), ag.ones(3))
    assert leaf.tolist() == [2.0, 2.0, 2.0]


def test_addcmul_on_a_view_updates_the_base():
    x = ag.ones(2, 3, requires_grad=True)
    a = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    y[1].addcmul_(a, a)
    np.testing.assert_allclose(y.detach().numpy(), [[2, 2, 2], [3, 6, 11]])
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[2, 2, 2], [2, 2, 2]])
    np.testing.assert_allclose(a.grad.numpy(), [2.0, 4.0, 6.0])


# ---------------------------------------------------------------------------- fmod_
def test_fmod_values_and_gradient(device):
    x = _t([5.0, -5.0, 7.5], device=device)
    assert x.fmod_(3) is x
    np.testing.assert_allclose(_host(x), [2.0, -2.0, 1.5])
    i = ag.tensor([5, -5], device=device).fmod_(3)
    assert i.dtype == ag.int64 and i.tolist() == [2, -2]
    with pytest.raises(RuntimeError, match="fmod_: result type float32 can't be cast to the dtype int64"):
        ag.tensor([5, -5]).fmod_(2.5)
    x = ag.tensor([1.3, -2.7, 0.4], dtype=ag.float64, requires_grad=True)
    d = ag.tensor([0.5, 0.7, 0.3], dtype=ag.float64)
    y = x * 1
    y.fmod_(d)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 1.0, 1.0])
    np.testing.assert_allclose(y.detach().numpy(), np.fmod([1.3, -2.7, 0.4], [0.5, 0.7, 0.3]))


# ---------------------------------------------------------------------------- fill_diagonal_
@pytest.mark.parametrize("shape, wrap", [((3, 3), False), ((7, 3), False), ((7, 3), True), ((3, 7), False),
                                         ((3, 7), True), ((2, 2, 2), False), ((3, 3, 3, 3), False), ((1, 4), True),
                                         ((0, 3), False), ((4, 1), True)])
def test_fill_diagonal_matches_numpy(device, shape, wrap):
    x = ag.zeros(*shape, device=device)
    assert x.fill_diagonal_(5.0, wrap=wrap) is x
    want = np.zeros(shape, dtype=np.float32)
    np.fill_diagonal(want, 5.0, wrap=wrap)
    np.testing.assert_array_equal(_host(x), want)
    assert x._version == 1


def test_fill_diagonal_matches_pytorch():
    torch = pytest.importorskip("torch")
    for shape in [(7, 3), (3, 7), (5, 2), (4, 4), (2, 2, 2)]:
        for wrap in (False, True):
            x, t = ag.ones(*shape), torch.ones(*shape)
            x.fill_diagonal_(-2.0, wrap=wrap)
            t.fill_diagonal_(-2.0, wrap=wrap)
            np.testing.assert_array_equal(x.numpy(), t.numpy(), err_msg=f"{shape} wrap={wrap}")


def test_fill_diagonal_dtypes_and_values():
    i = ag.zeros(3, 3, dtype=ag.int64).fill_diagonal_(2.7)
    assert i.dtype == ag.int64 and i.tolist() == [[2, 0, 0], [0, 2, 0], [0, 0, 2]]  # truncated, as in PyTorch
    b = ag.zeros(2, 2, dtype=ag.bool).fill_diagonal_(True)
    assert b.tolist() == [[True, False], [False, True]]
    assert ag.zeros(2, 2).fill_diagonal_(ag.tensor(3.0)).tolist() == [[3.0, 0.0], [0.0, 3.0]]
    assert ag.zeros(2, 2).fill_diagonal_(np.float64(1.5)).tolist() == [[1.5, 0.0], [0.0, 1.5]]


def test_fill_diagonal_gradient_is_zero_on_the_diagonal():
    x = ag.tensor(np.arange(12.0).reshape(4, 3), requires_grad=True)
    assert ag.gradcheck(lambda x: (x * 1).fill_diagonal_(2.0, wrap=True), [x])
    assert ag.gradgradcheck(lambda x: (x * x).fill_diagonal_(2.0), [x])
    y = x * 1
    y.fill_diagonal_(9.0)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 1, 1], [1, 0, 1], [1, 1, 0], [1, 1, 1]])


def test_fill_diagonal_on_a_view_and_a_noncontiguous_tensor():
    base = ag.zeros(4, 4)
    base[1:, 1:].fill_diagonal_(1.0)
    np.testing.assert_array_equal(base.numpy(), np.diag([0.0, 1, 1, 1]))
    t = ag.zeros(3, 2).t()  # a transposed view
    t.fill_diagonal_(4.0)
    np.testing.assert_array_equal(t.numpy(), [[4, 0, 0], [0, 4, 0]])
    x = ag.zeros(3, 3, requires_grad=True)
    y = x * 1
    y[:2, :2].fill_diagonal_(1.0)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 1, 1], [1, 0, 1], [1, 1, 1]])


def test_fill_diagonal_errors():
    with pytest.raises(RuntimeError, match=r"fill_diagonal_: the tensor must have at least 2 dimensions, got shape"):
        ag.zeros(3).fill_diagonal_(1.0)
    with pytest.raises(RuntimeError, match=r"fill_diagonal_: all dimensions .* equal length, got shape \(2, 3, 2\)"):
        ag.zeros(2, 3, 2).fill_diagonal_(1.0)
    with pytest.raises(TypeError, match="fill_diagonal_: fill_value must be a number, not str"):
        ag.zeros(2, 2).fill_diagonal_("a")
    with pytest.raises(RuntimeError, match="fill_diagonal_: fill_value must be a number or a one-element tensor"):
        ag.zeros(2, 2).fill_diagonal_(ag.ones(2))
    with pytest.raises(RuntimeError, match="fill_diagonal_: a leaf tensor that requires grad"):
        ag.zeros(2, 2, requires_grad=True).fill_diagonal_(1.0)


# ---------------------------------------------------------------------------- unsqueeze_ / squeeze_ / t_ / transpose_
@pytest.mark.parametrize("op, args, shape", [
    ("unsqueeze_", (0,), (1, 2, 3)), ("unsqueeze_", (-1,), (2, 3, 1)), ("unsqueeze_", (1,), (2, 1, 3)),
    ("t_", (), (3, 2)), ("transpose_", (0, 1), (3, 2)), ("transpose_", (-1, -2), (3, 2)),
])
def test_shape_ops_in_place_change_the_tensor_itself(device, op, args, shape):
    x = ag.tensor(np.arange(6.0).reshape(2, 3), device=device)
    want = getattr(x, op[:-1])(*args).cpu().numpy()
    old = x.array
    assert getattr(x, op)(*args) is x
    assert x.shape == shape and x._version == 1
    np.testing.assert_array_equal(_host(x), want)
    x.add_(1)  # still the same memory: the old array sees the change
    np.testing.assert_array_equal(backend.to_device(old, "cpu"), np.arange(6.0).reshape(2, 3) + 1)


def test_squeeze_in_place():
    x = ag.zeros(1, 3, 1, 2)
    assert x.squeeze_(0) is x and x.shape == (3, 1, 2)
    assert x.squeeze_((0, 1)).shape == (3, 2)
    assert x.squeeze_().shape == (3, 2)
    assert ag.zeros(1, 1).squeeze_().shape == () and x._version == 3


def test_shape_ops_in_place_match_pytorch():
    torch = pytest.importorskip("torch")
    for op, args in [("unsqueeze_", (2,)), ("squeeze_", ()), ("squeeze_", (0,)), ("t_", ()), ("transpose_", (0, 2))]:
        for shape in [(1, 3, 1), (2, 1, 3)] if op != "t_" else [(1, 3), (4,), ()]:
            x, t = ag.zeros(shape), torch.zeros(shape)
            getattr(x, op)(*args)
            getattr(t, op)(*args)
            assert x.shape == tuple(t.shape) and x.stride() == t.stride() and x._version == t._version, (op, shape)


def test_shape_ops_in_place_record_on_the_tape():
    a = ag.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    b = a * 1
    b.t_()
    assert b.shape == (3, 2) and repr(b.grad_fn) == "<PermuteBackward0>" and b.requires_grad
    b.unsqueeze_(0)
    assert b.shape == (1, 3, 2) and repr(b.grad_fn) == "<UnsqueezeBackward0>"
    assert b.grad_fn.next_functions[0][0].name() == "PermuteBackward0"
    (b * ag.tensor(np.arange(6.0).reshape(1, 3, 2))).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [[0, 2, 4], [1, 3, 5]])  # as PyTorch gives
    x = ag.tensor(np.arange(24.0).reshape(2, 3, 4), requires_grad=True)
    assert ag.gradcheck(lambda x: (x * x).transpose_(0, 2).squeeze_().unsqueeze_(1), [x])
    assert ag.gradgradcheck(lambda x: (x * x).t_(), [x[0].detach().requires_grad_()])


def test_shape_change_in_place_invalidates_saved_values():
    a = ag.ones(2, 3, requires_grad=True)
    b = a * 1
    c = b * b  # saves b
    b.t_()
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        c.sum().backward()


def test_shape_ops_in_place_on_views():
    a = ag.ones(2, 3, requires_grad=True)
    b = a * 1
    v = b[0]
    v.unsqueeze_(0)
    assert v.shape == (1, 3) and v._base is b and b._version == 1
    v.mul_(ag.tensor([[1.0, 2.0, 3.0]]))  # writes through to b
    np.testing.assert_array_equal(b.detach().numpy(), [[1, 2, 3], [1, 1, 1]])
    b.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [[1, 2, 3], [1, 1, 1]])


def test_shape_ops_in_place_on_leaves():
    leaf = ag.ones(2, 3, requires_grad=True)
    for op, args in (("t_", ()), ("unsqueeze_", (0,)), ("squeeze_", ()), ("transpose_", (0, 1))):
        with pytest.raises(RuntimeError, match=rf"{op}: a leaf tensor that requires grad"):
            getattr(leaf, op)(*args)
    assert leaf.shape == (2, 3) and leaf._version == 0
    with ag.no_grad():
        leaf.t_()
    assert leaf.shape == (3, 2) and leaf.is_leaf and leaf.requires_grad
    (leaf * 2).sum().backward()
    assert leaf.grad.shape == (3, 2)
    plain = ag.ones(2, 3)
    plain.transpose_(0, 1)
    assert plain.shape == (3, 2) and plain.grad_fn is None and not plain.requires_grad


@pytest.mark.parametrize("fn, exc, match", [
    (lambda x: x.t_(), RuntimeError, r"t_: expects a tensor with <= 2 dimensions"),
    (lambda x: x.unsqueeze_(4), IndexError, r"unsqueeze_: dim 4 is out of range"),
    (lambda x: x.unsqueeze_(0.5), TypeError, r"unsqueeze_: argument 'dim' must be int, not float"),
    (lambda x: x.transpose_(0, 3), IndexError, r"transpose_: dim 3 is out of range"),
    (lambda x: x.transpose_(0, 1.0), TypeError, r"transpose_: argument 'dim1' must be int, not float"),
    (lambda x: x.squeeze_(5), IndexError, r"squeeze_: dim 5 is out of range"),
])
def test_shape_ops_in_place_errors_leave_the_tensor_unchanged(fn, exc, match):
    x = ag.zeros(2, 3, 4)
    with pytest.raises(exc, match=match):
        fn(x)
    assert x.shape == (2, 3, 4) and x._version == 0


# ---------------------------------------------------------------------------- exponential_ / random_
def test_exponential_samples(device):
    ag.manual_seed(0)
    x = ag.empty(20000, device=device)
    assert x.exponential_(2.0) is x and x._version == 1 and x.device.type == device
    v = _host(x)
    assert (v >= 0).all() and abs(v.mean() - 0.5) < 0.02 and abs(v.std() - 0.5) < 0.03
    h = ag.empty(20000, dtype=ag.float16, device=device).exponential_()
    assert h.dtype == ag.float16 and abs(_host(h).astype(np.float64).mean() - 1.0) < 0.05


def test_exponential_is_reproducible_with_a_seed_and_a_generator(device):
    ag.manual_seed(3)
    a = _host(ag.empty(5, device=device).exponential_())
    ag.manual_seed(3)
    b = _host(ag.empty(5, device=device).exponential_())
    np.testing.assert_array_equal(a, b)
    g1, g2 = ag.Generator().manual_seed(7), ag.Generator().manual_seed(7)
    np.testing.assert_array_equal(_host(ag.empty(4, device=device).exponential_(generator=g1)),
                                  _host(ag.empty(4, device=device).exponential_(generator=g2)))


def test_exponential_errors():
    with pytest.raises(RuntimeError, match="exponential_: lambd must be > 0, got -2"):
        ag.zeros(3).exponential_(-2)
    with pytest.raises(RuntimeError, match="exponential_: lambd must be > 0, got 0"):
        ag.zeros(3).exponential_(0)
    with pytest.raises(RuntimeError, match="exponential_: .*floating dtype, got int64"):
        ag.zeros(3, dtype=ag.int64).exponential_()
    with pytest.raises(TypeError, match="exponential_: lambd must be a number, not str"):
        ag.zeros(3).exponential_("a")
    with pytest.raises(RuntimeError, match="exponential_: a leaf tensor that requires grad"):
        ag.zeros(3, requires_grad=True).exponential_()


@pytest.mark.parametrize("args, kwargs, low, high", [
    ((3, 10), {}, 3, 10), ((10,), {}, 0, 10), ((), {"to": 5}, 0, 5), ((-3, 0), {}, -3, 0),
    ((), {"from": 2, "to": 4}, 2, 4),
])
def test_random_ranges(device, args, kwargs, low, high):
    x = ag.zeros(4000, device=device)
    assert x.random_(*args, **kwargs) is x and x._version == 1
    v = _host(x)
    assert v.min() == low and v.max() == high - 1 and (v == np.round(v)).all()


@pytest.mark.parametrize("dtype, high", [(ag.uint8, 255), (ag.int8, 127), (ag.bool, 1), (ag.float16, 2 ** 11),
                                         (ag.int16, 2 ** 15 - 1)])
def test_random_without_bounds_covers_the_dtype(device, dtype, high):
    x = ag.zeros(20000, dtype=dtype, device=device).random_()
    v = _host(x).astype(np.float64)
    assert x.dtype == dtype and v.min() >= 0 and v.max() <= high
    assert v.max() > high * 0.9  # the whole range is used
    assert (v == np.round(v)).all()


def test_random_wide_defaults():
    f = ag.zeros(1000).random_()
    assert f.numpy().max() <= 2 ** 24 and f.numpy().max() > 2 ** 23
    d = ag.zeros(1000, dtype=ag.float64).random_()
    assert d.numpy().max() <= 2 ** 53 and d.numpy().max() > 2 ** 52
    i = ag.zeros(1000, dtype=ag.int64).random_()
    assert i.numpy().min() >= 0 and i.numpy().max() > 2 ** 62
    assert ag.zeros(1000).random_(**{"from": 5}).numpy().min() >= 5


def test_random_is_reproducible_and_cut_from_the_tape(device):
    ag.manual_seed(1)
    a = _host(ag.zeros(6, device=device).random_(100))
    ag.manual_seed(1)
    b = _host(ag.zeros(6, device=device).random_(100))
    np.testing.assert_array_equal(a, b)
    g = ag.Generator().manual_seed(5)
    c = _host(ag.zeros(6, device=device).random_(100, generator=g))
    g.manual_seed(5)
    np.testing.assert_array_equal(c, _host(ag.zeros(6, device=device).random_(100, generator=g)))
    x = ag.ones(3, requires_grad=True)
    y = x * 2
    y.random_(0, 5)
    assert not y.requires_grad and y.grad_fn is None
    z = x * 2
    z.exponential_()
    assert not z.requires_grad


@pytest.mark.parametrize("fn, exc, match", [
    (lambda x: x.random_(5, 5), RuntimeError, r"random_: expects 'from' to be less than 'to', but got from=5 >= to=5"),
    (lambda x: x.random_(1.5, 3), TypeError, r"random_: argument 'from' must be int, not float"),
    (lambda x: x.random_(3.0), TypeError, r"random_: argument 'to' must be int, not float"),
    (lambda x: x.random_(1, 2, 3), TypeError, r"random_: expected random_\(\), random_\(to\) or random_\(from, to\)"),
    (lambda x: x.random_(fro=1), TypeError, r"random_: expected"),
    (lambda x: x.random_(1, **{"from": 2}), TypeError, r"random_: got multiple values for argument 'from'"),
    (lambda x: x.byte().random_(-3, 0), RuntimeError, r"random_: the range \[-3, 0\) is out of bounds for dtype uint8"),
    (lambda x: x.to(ag.int8).random_(0, 129), RuntimeError, r"random_: the range \[0, 129\) is out of bounds for "
                                                            r"dtype int8"),
    (lambda x: x.bool().random_(0, 3), RuntimeError, r"out of bounds for dtype bool"),
])
def test_random_errors(fn, exc, match):
    with pytest.raises(exc, match=match):
        fn(ag.zeros(3))


def test_random_matches_pytorch_ranges():
    torch = pytest.importorskip("torch")
    for dtype in ("uint8", "int8", "bool"):
        t = torch.zeros(5000, dtype=getattr(torch, dtype)).random_()
        x = ag.zeros(5000, dtype=getattr(ag, dtype) if dtype != "bool" else ag.bool).random_()
        assert int(t.max()) == int(x.numpy().max()) and int(t.min()) == int(x.numpy().min())
