"""Tensor creation: tensor, as_tensor, from_numpy, zeros, ones, full, empty, arange, linspace, eye, *_like."""
import numpy as np
import pytest

import autograd as ag


# ---------------------------------------------------------------------------- tensor(): dtype inference
@pytest.mark.parametrize("data, dtype", [
    (1.5, ag.float32), ([1.0, 2.0], ag.float32), ([[1.0], [2.0]], ag.float32),
    (1, ag.int64), ([1, 2, 3], ag.int64), ([2 ** 40], ag.int64),
    (True, ag.bool), ([True, False], ag.bool),
    ([1, 2.5], ag.float32),  # mixed ints and floats: float
    ([True, 2], ag.int64),  # mixed bools and ints: int
    ([], ag.float32), ((), ag.float32), ([[]], ag.float32),  # empty data is float, as in PyTorch
])
def test_tensor_infers_dtype_like_pytorch(data, dtype):
    t = ag.tensor(data)
    assert t.dtype == dtype
    assert t.shape == np.shape(data)


@pytest.mark.parametrize("arr", [np.array([1, 2], np.int32), np.array([1.0], np.float64), np.array([1], np.uint8),
                                 np.array([1.0], np.float16), np.array([True])])
def test_tensor_keeps_the_dtype_of_numpy_arrays(arr):
    assert ag.tensor(arr).dtype == arr.dtype


@pytest.mark.parametrize("scalar", [np.float64(2.5), np.float32(2.5), np.int16(3), np.int64(3), np.bool_(True)])
def test_tensor_keeps_the_dtype_of_numpy_scalars(scalar):
    t = ag.tensor(scalar)
    assert t.dtype == scalar.dtype and t.shape == ()
    assert t.item() == scalar.item()


def test_tensor_with_dtype_converts():
    assert ag.tensor([1, 2], dtype=ag.float32).tolist() == [1.0, 2.0]
    assert ag.tensor([1.7, -2.7], dtype=ag.int64).tolist() == [1, -2]  # truncation toward zero
    assert ag.tensor([0, 2], dtype=ag.bool).tolist() == [False, True]
    assert ag.tensor(np.ones(2, np.uint16), dtype=ag.int32).dtype == ag.int32


@pytest.mark.parametrize("spec, dtype", [(float, ag.float64), (int, ag.int64), (bool, ag.bool),
                                         ("float", ag.float32), ("double", ag.float64), ("long", ag.int64),
                                         ("half", ag.float16), (np.float64, ag.float64), (np.dtype("int32"), ag.int32)])
def test_dtype_specs(spec, dtype):
    assert ag.zeros(2, dtype=spec).dtype == dtype


def test_tensor_copies_its_data():
    arr = np.array([1.0, 2.0])
    t = ag.tensor(arr)
    arr[0] = 100.0
    assert t.tolist() == [1.0, 2.0]
    src = ag.tensor([1.0, 2.0])
    t2 = ag.tensor(src)
    src.array[0] = 5.0
    assert t2.tolist() == [1.0, 2.0]


def test_tensor_of_a_list_of_tensors():
    t = ag.tensor([ag.tensor(1.0), ag.tensor(2.0)])
    assert t.shape == (2,) and t.dtype == ag.float32 and t.tolist() == [1.0, 2.0]


def test_tensor_requires_grad():
    t = ag.tensor([1.0, 2.0], requires_grad=True)
    assert t.requires_grad and t.is_leaf and t.grad_fn is None
    assert ag.tensor([1.0], dtype=ag.float64, requires_grad=True).requires_grad


@pytest.mark.parametrize("make", [lambda: ag.tensor([1, 2], requires_grad=True),
                                  lambda: ag.tensor([True], requires_grad=True),
                                  lambda: ag.ones(2, dtype=ag.int64, requires_grad=True),
                                  lambda: ag.zeros(2, dtype=ag.int32, requires_grad=True),
                                  lambda: ag.arange(3, requires_grad=True),
                                  lambda: ag.full((2,), 3, requires_grad=True),
                                  lambda: ag.zeros_like(ag.tensor([1]), requires_grad=True)])
def test_integer_tensors_cannot_require_grad(make):
    with pytest.raises(RuntimeError, match="only floating point tensors can require gradients"):
        make()


@pytest.mark.parametrize("data, err", [("abc", TypeError), (np.ones(2, np.clongdouble), TypeError),
                                       (np.ones(2, np.uint16), TypeError), (np.array(["a"]), TypeError),
                                       (np.ones(2, dtype=object), TypeError)])
def test_tensor_rejects_unsupported_data(data, err):
    with pytest.raises(err):
        ag.tensor(data)


def test_ragged_lists_raise():
    with pytest.raises(ValueError):
        ag.tensor([[1, 2], [3]])


def test_tensor_constructor_class():
    t = ag.Tensor([1.0, 2.0])
    assert t.dtype == ag.float32 and t.tolist() == [1.0, 2.0] and not t.requires_grad
    assert ag.Tensor([1, 2]).dtype == ag.float32  # as torch.Tensor: the legacy constructor is always float


# ---------------------------------------------------------------------------- as_tensor / from_numpy
def test_from_numpy_shares_memory():
    arr = np.zeros(3, np.float32)
    t = ag.from_numpy(arr)
    assert t.dtype == ag.float32 and t.array is arr
    arr[0] = 5.0
    assert t.tolist()[0] == 5.0
    t.array[1] = 7.0
    assert arr[1] == 7.0


def test_from_numpy_keeps_dtype_and_layout():
    arr = np.arange(6, dtype=np.int16).reshape(2, 3).T  # non-contiguous
    t = ag.from_numpy(arr)
    assert t.dtype == ag.int16 and t.shape == (3, 2)
    assert np.shares_memory(t.array, arr)


def test_from_numpy_errors():
    with pytest.raises(TypeError, match="from_numpy expects a numpy.ndarray, got list"):
        ag.from_numpy([1, 2])
    with pytest.raises(TypeError, match="from_numpy: numpy dtype uint16 is not supported"):
        ag.from_numpy(np.ones(2, np.uint16))


def test_as_tensor_shares_when_it_can():
    arr = np.ones(3)
    t = ag.as_tensor(arr)
    assert t.array is arr and t.dtype == ag.float64
    c = ag.as_tensor(arr, dtype=ag.float32)  # a conversion copies
    assert c.dtype == ag.float32 and not np.shares_memory(c.array, arr)
    x = ag.tensor([1.0, 2.0])
    assert ag.as_tensor(x) is x
    assert ag.as_tensor(x, dtype=ag.float32) is x
    assert ag.as_tensor(x, dtype=ag.float64).dtype == ag.float64
    assert ag.as_tensor([1, 2]).dtype == ag.int64


# ---------------------------------------------------------------------------- zeros / ones / full / empty
@pytest.mark.parametrize("fn, value", [(ag.zeros, 0.0), (ag.ones, 1.0)])
def test_zeros_ones(fn, value):
    for args in [(2, 3), ((2, 3),), ([2, 3],)]:
        t = fn(*args)
        assert t.shape == (2, 3) and t.dtype == ag.float32 and not t.requires_grad
        assert (t.array == value).all()
    assert fn(()).shape == () and fn(0).shape == (0,) and fn(2, 0).shape == (2, 0)
    assert fn(2, dtype=ag.int32).dtype == ag.int32
    assert fn(2, requires_grad=True).requires_grad


def test_empty():
    t = ag.empty(2, 3)
    assert t.shape == (2, 3) and t.dtype == ag.float32
    assert ag.empty((4,), dtype=ag.int64).dtype == ag.int64


@pytest.mark.parametrize("fn", [ag.zeros, ag.ones, ag.empty, ag.rand, ag.randn])
@pytest.mark.parametrize("size", [(-1,), (2, -3), (2.5,)])
def test_bad_sizes_raise(fn, size):
    with pytest.raises((ValueError, TypeError), match="size"):
        fn(*size)


def test_full_infers_dtype_from_the_fill_value():
    assert ag.full((2, 2), 7).dtype == ag.int64
    assert ag.full((2, 2), 7.0).dtype == ag.float32
    assert ag.full((2,), True).dtype == ag.bool
    assert ag.full((2,), 2, dtype=ag.float64).tolist() == [2.0, 2.0]
    t = ag.full((2, 3), 1.5, requires_grad=True)
    assert t.requires_grad and t.shape == (2, 3) and (t.array == 1.5).all()


def test_default_dtype_is_used(monkeypatch):
    ag.set_default_dtype(ag.float64)
    try:
        assert ag.zeros(2).dtype == ag.float64
        assert ag.tensor([1.5]).dtype == ag.float64
        assert ag.arange(0.0, 1.0, 0.5).dtype == ag.float64
        assert ag.tensor([1]).dtype == ag.int64
    finally:
        ag.set_default_dtype(ag.float32)
    assert ag.get_default_dtype() == ag.float32
    with pytest.raises(TypeError, match="set_default_dtype: only floating dtypes"):
        ag.set_default_dtype(ag.int64)


# ---------------------------------------------------------------------------- arange / linspace / eye
@pytest.mark.parametrize("args, kw", [((5,), {}), ((1, 4), {}), ((0, 10, 3), {}), ((5, 0, -1), {}), ((0, 0), {}),
                                      ((0, 1, 0.25), {}), ((5.0,), {}), ((0.5, 2.5), {}), ((3,), {"dtype": ag.float64}),
                                      ((-3, 3, 2), {})])
def test_arange_matches_numpy(args, kw):
    t = ag.arange(*args, **kw)
    want = np.arange(*args)
    np.testing.assert_allclose(t.numpy(), want)
    if "dtype" in kw:
        assert t.dtype == kw["dtype"]
    elif any(isinstance(a, float) for a in args):
        assert t.dtype == ag.float32
    else:
        assert t.dtype == ag.int64


def test_arange_errors():
    with pytest.raises(RuntimeError, match="arange: step must be nonzero"):
        ag.arange(0, 5, 0)
    with pytest.raises(RuntimeError, match="arange: the range from 1 to 0 is inconsistent with the sign of step 1"):
        ag.arange(1, 0)


def test_linspace():
    t = ag.linspace(0, 1, 5)
    assert t.dtype == ag.float32 and t.tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert ag.linspace(0, 10, 1).tolist() == [0.0]
    assert ag.linspace(0, 1, 0).shape == (0,)
    assert ag.linspace(-1, 1, 3, dtype=ag.float64).dtype == ag.float64
    assert ag.linspace(0, 10, 3, dtype=ag.int64).tolist() == [0, 5, 10]
    with pytest.raises(ValueError, match="linspace: steps must be non-negative"):
        ag.linspace(0, 1, -1)


def test_eye():
    assert ag.eye(3).tolist() == np.eye(3).tolist() and ag.eye(3).dtype == ag.float32
    assert ag.eye(2, 3).shape == (2, 3)
    assert ag.eye(2, dtype=ag.int64).tolist() == [[1, 0], [0, 1]]
    assert ag.eye(2, requires_grad=True).requires_grad


# ---------------------------------------------------------------------------- *_like
def test_like_functions_copy_shape_dtype_and_device():
    src = ag.ones(2, 3, dtype=ag.int32)
    for fn in (ag.zeros_like, ag.ones_like, ag.empty_like):
        t = fn(src)
        assert t.shape == (2, 3) and t.dtype == ag.int32 and t.device == src.device and not t.requires_grad
    assert ag.zeros_like(src).tolist() == [[0] * 3] * 2
    assert ag.ones_like(src).tolist() == [[1] * 3] * 2
    f = ag.full_like(src, 7)
    assert f.dtype == ag.int32 and (f.array == 7).all()
    assert ag.full_like(ag.ones(2, dtype=ag.int64), 2.7).tolist() == [2, 2]  # the input's dtype wins
    assert ag.zeros_like(src, dtype=ag.float64).dtype == ag.float64
    assert ag.ones_like(ag.ones(2), requires_grad=True).requires_grad


def test_like_does_not_inherit_requires_grad():
    x = ag.ones(2, requires_grad=True)
    assert not ag.zeros_like(x).requires_grad


# ---------------------------------------------------------------------------- devices
def test_device_argument(device):
    for t in (ag.tensor([1.0, 2.0], device=device), ag.zeros(2, device=device), ag.ones(2, device=device),
              ag.full((2,), 3.0, device=device), ag.arange(3, device=device), ag.linspace(0, 1, 3, device=device),
              ag.eye(2, device=device), ag.empty(2, device=device), ag.zeros_like(ag.ones(2, device=device))):
        assert t.device == device
        assert t.device.type == device
    assert ag.tensor([1.0, 2.0], device=device).tolist() == [1.0, 2.0]


def test_cpu_device_spellings():
    for dev in ("cpu", ag.device("cpu")):
        assert ag.zeros(2, device=dev).device == "cpu"
    assert str(ag.zeros(1).device) == "cpu"
    assert repr(ag.zeros(1).device) == "device(type='cpu')"


def test_unknown_device_raises():
    with pytest.raises(RuntimeError, match="unknown device type 'tpu'"):
        ag.zeros(2, device="tpu")


# ---------------------------------------------------------------------------- argument checks (as PyTorch)
@pytest.mark.parametrize("args, want", [((0, 5, 1.0), [0, 1, 2, 3, 4]), ((0.0, 3, 1), [0, 1, 2]),
                                        ((0, 2.5, 1), [0, 1]), ((0.5, 3, 1), [0, 1, 2]), ((2.9,), [0, 1])])
def test_arange_with_an_integer_dtype_casts_the_arguments_first(args, want):
    t = ag.arange(*args, dtype=ag.int64)
    assert t.dtype == ag.int64 and t.tolist() == want


def test_arange_refuses_a_step_that_truncates_to_zero():
    with pytest.raises(RuntimeError, match=r"arange: step must be nonzero, but step 0.5 becomes 0 in the integer dtype "
                                         r"int64"):
        ag.arange(0, 2.5, 0.5, dtype=ag.int64)
    with pytest.raises(RuntimeError, match="step 0.5 becomes 0 in the integer dtype int32"):
        ag.arange(0, 2, 0.5, dtype=ag.int32)
    assert ag.arange(0, 2.5, 0.5).tolist() == [0.0, 0.5, 1.0, 1.5, 2.0]  # fine in a float dtype


def test_arange_bad_arguments():
    with pytest.raises(TypeError, match="arange: argument 'end' must be a number, not str"):
        ag.arange("3")
    with pytest.raises(ValueError, match="arange: end must be finite, got inf"):
        ag.arange(0, float("inf"))
    with pytest.raises(ValueError, match="arange: start must be finite, got nan"):
        ag.arange(float("nan"), 1.0)


def test_arange_matches_pytorch_for_integer_dtypes():
    torch = pytest.importorskip("torch")
    for args in [(0, 5, 1.0), (0.0, 3, 1), (0, 2.5, 1), (0.5, 3, 1), (-2.5, 3, 2), (5, 0.5, -1.5)]:
        assert ag.arange(*args, dtype=ag.int64).tolist() == torch.arange(*args, dtype=torch.int64).tolist(), args


def test_eye_errors():
    with pytest.raises(ValueError, match="eye: n must be greater or equal to 0, got -1"):
        ag.eye(-1)
    with pytest.raises(ValueError, match="eye: m must be greater or equal to 0, got -2"):
        ag.eye(2, -2)
    with pytest.raises(TypeError, match="eye: argument 'n' must be int, not float"):
        ag.eye(2.5)
    with pytest.raises(TypeError, match="eye: argument 'm' must be int, not float"):
        ag.eye(2, 1.0)
    assert ag.eye(0).shape == (0, 0) and ag.eye(np.int64(2)).shape == (2, 2)


@pytest.mark.parametrize("data, match", [
    ([[1, 2], [3]], r"expected a sequence of length 2 at dim 1 \(got 1\)"),
    ([[1.0], [2.0, 3.0]], r"expected a sequence of length 1 at dim 1 \(got 2\)"),
    ([[[1], [2]], [[3], [4, 5]]], r"expected a sequence of length 1 at dim 2 \(got 2\)"),
    ([[1, 2], 3], r"expected a sequence of length 2 at dim 1 but got int"),
    ([1, [2]], r"expected a number at dim 1 but got a sequence of length 1"),
])
def test_ragged_data_raises_a_clear_error(data, match):
    for make, op in ((ag.tensor, "tensor"), (ag.as_tensor, "tensor"), (ag.Tensor, "Tensor")):
        with pytest.raises(ValueError, match=rf"{op}: the nested sequences are ragged: {match}"):
            make(data)


def test_unconvertible_data_names_the_op():
    with pytest.raises(ValueError, match="tensor: cannot convert the data to a tensor of dtype float32"):
        ag.tensor(["a"], dtype=ag.float32)


@pytest.mark.parametrize("size, exc, match", [
    (2.5, TypeError, r"full: argument 'size' must be a tuple of ints, not float"),
    ((2.5,), TypeError, r"full: argument 'size' must be a tuple of ints, but found element of type float at pos 0"),
    ((2, "a"), TypeError, r"found element of type str at pos 1"),
    ((True,), TypeError, r"found element of type bool at pos 0"),
    ((-1,), ValueError, r"full: invalid size \(-1,\)"),
])
def test_full_checks_its_size(size, exc, match):
    with pytest.raises(exc, match=match):
        ag.full(size, 1.0)


def test_full_forms():
    assert ag.full(2, 1.0).shape == (2,) and ag.full([2, 1], 3).shape == (2, 1)
    assert ag.full((), 2.0).shape == () and ag.full((np.int64(2),), 1).tolist() == [1, 1]
    assert ag.full((2,), ag.tensor(3.0)).tolist() == [3.0, 3.0]
    with pytest.raises(TypeError, match="full: fill_value must be a number, not str"):
        ag.full((2,), "x")


@pytest.mark.parametrize("fn", [ag.zeros, ag.ones, ag.empty])
def test_float_sizes_raise_type_errors_naming_the_op(fn):
    name = fn.__name__
    with pytest.raises(TypeError, match=rf"{name}: argument 'size' must be a tuple of ints, but found element of "
                                        r"type float at pos 0"):
        fn(2.5)
    with pytest.raises(TypeError, match=r"pos 1"):
        fn((2, 3.0))
    with pytest.raises(ValueError, match=rf"{name}: invalid size \(2, -1\)"):
        fn(2, -1)
    assert fn(np.int32(2), ag.tensor(3)).shape == (2, 3)  # numpy ints and integer tensors are ints


def test_linspace_steps_must_be_an_int():
    with pytest.raises(TypeError, match="linspace: argument 'steps' must be int, not float"):
        ag.linspace(0, 1, 2.5)


# ---------------------------------------------------------------------------- Tensor.new_* and Tensor.type
@pytest.mark.parametrize("name, fill", [("new_zeros", 0), ("new_ones", 1), ("new_empty", None)])
def test_new_factories_follow_the_tensor(device, name, fill):
    src = ag.ones(2, dtype=ag.int32, device=device)
    for t in (getattr(src, name)(2, 3), getattr(src, name)((2, 3)), getattr(src, name)([2, 3])):
        assert t.shape == (2, 3) and t.dtype == ag.int32 and t.device == src.device and not t.requires_grad
        if fill is not None:
            assert (t.cpu().numpy() == fill).all()
    t = getattr(src, name)(4, dtype=ag.float64, requires_grad=True)
    assert t.dtype == ag.float64 and t.requires_grad and t.shape == (4,)
    assert getattr(ag.ones(2, requires_grad=True), name)(2).requires_grad is False  # not inherited
    assert getattr(src, name)(()).shape == ()
    with pytest.raises(TypeError, match=r"argument 'size' must be a tuple of ints"):
        getattr(src, name)(2.5)


def test_new_full_and_new_tensor(device):
    src = ag.ones(2, device=device)
    f = src.new_full((2, 2), 3)
    assert f.dtype == ag.float32 and f.device == src.device and f.tolist() == [[3.0, 3.0], [3.0, 3.0]]
    assert src.new_full((2,), 2.7, dtype=ag.int64).tolist() == [2, 2]
    assert src.new_full(3, 1.0).shape == (3,)
    n = src.new_tensor([1, 2])
    assert n.dtype == ag.float32 and n.device == src.device and n.tolist() == [1.0, 2.0]  # the tensor's dtype wins
    assert src.new_tensor([1, 2], dtype=ag.int64).dtype == ag.int64
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    c = x.new_tensor(x)
    assert not c.requires_grad and c.tolist() == [1.0, 2.0] and c.array is not x.array
    assert x.new_tensor([1.0], requires_grad=True).requires_grad


@pytest.mark.parametrize("dtype, name", [(ag.float32, "FloatTensor"), (ag.float64, "DoubleTensor"),
                                         (ag.float16, "HalfTensor"), (ag.int64, "LongTensor"),
                                         (ag.int32, "IntTensor"), (ag.int16, "ShortTensor"), (ag.int8, "CharTensor"),
                                         (ag.uint8, "ByteTensor"), (ag.bool, "BoolTensor")])
def test_type_names_and_conversions(dtype, name):
    x = ag.ones(2, dtype=dtype)
    assert x.type() == f"autograd.{name}"
    y = ag.ones(2).type(dtype)
    assert y.dtype == dtype
    for spelling in (f"autograd.{name}", f"torch.{name}", name):
        assert ag.zeros(2, dtype=ag.float64).type(spelling).dtype == dtype
    assert x.type(dtype) is x  # no change: the tensor itself


def test_type_on_a_device_and_errors(stand_in):
    x = ag.ones(2, device="cuda")
    assert x.type() == "autograd.cuda.FloatTensor"
    y = x.type("autograd.cuda.LongTensor")
    assert y.device.type == "cuda" and y.dtype == ag.int64
    z = x.type("autograd.DoubleTensor")  # a CPU type name moves the tensor to the CPU, as in PyTorch
    assert z.device.type == "cpu" and z.dtype == ag.float64
    assert ag.ones(2).type("autograd.cuda.FloatTensor").device.type == "cuda"
    with pytest.raises(ValueError, match="type: invalid type 'foo'"):
        x.type("foo")
    with pytest.raises(ValueError, match="type: invalid type 'autograd.FancyTensor'"):
        x.type("autograd.FancyTensor")


def test_type_conversion_is_differentiable():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (x.type(ag.float64) * 2).sum().backward()
    assert x.grad.dtype == ag.float32 and x.grad.tolist() == [2.0, 2.0]
