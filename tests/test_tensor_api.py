"""Tensor-level PyTorch API: formatting, __index__, autograd.Size, memory layout, legacy constructors and types."""
import operator
import pickle

import numpy as np
import pytest

import autograd as ag


def _torch():
    return pytest.importorskip("torch")


# ---------------------------------------------------------------------------- __format__ and __index__
def test_format_of_a_0d_tensor_formats_its_number():
    loss = ag.tensor(1.23456)
    assert f"{loss:.4f}" == "1.2346" and f"{loss:>8.2f}" == "    1.23" and "%.3f" % loss == "1.235"
    assert f"{ag.tensor(7):d}" == "7" and f"{ag.tensor(7):>3}" == "  7" and f"{ag.tensor(True)}" == "True"
    assert f"{loss}" == str(loss.item())  # 0-d: the Python number, as torch (not the repr)
    assert f"{ag.tensor(2.5, requires_grad=True):.1f}" == "2.5"


def test_format_of_an_nd_tensor():
    t = ag.tensor([1.0, 2.0])
    assert f"{t}" == str(t) == format(t, "")
    for shape in ((1,), (2,), (1, 1)):
        with pytest.raises(TypeError, match=r"unsupported format string '\.2f' passed to Tensor.__format__ for a "
                                            rf"tensor of shape \({shape[0]},"):
            format(ag.ones(*shape), ".2f")


def test_format_matches_torch():
    torch = _torch()
    for value in (1.23456, -3.0, 7, True):
        for spec in ("", ".3f", ">10", "e") if not isinstance(value, bool) else ("", "d"):
            if spec in (".3f", "e") and isinstance(value, int):
                continue
            assert format(ag.tensor(value), spec) == format(torch.tensor(value), spec), (value, spec)
    with pytest.raises(TypeError):
        format(torch.ones(2), ".2f")


def test_index_takes_integer_and_bool_one_element_tensors():
    assert operator.index(ag.tensor(3)) == 3 and [10, 20, 30][ag.tensor(1)] == 20
    assert operator.index(ag.tensor([[2]])) == 2 and operator.index(ag.tensor(True)) == 1  # as torch
    for bad in (ag.tensor(1.0), ag.tensor([1, 2]), ag.tensor(1.0, dtype=ag.float16)):
        with pytest.raises(TypeError, match="only integer tensors of a single element can be converted to an index"):
            operator.index(bad)


# ---------------------------------------------------------------------------- Size
def test_shape_and_size_are_sizes():
    x = ag.zeros(2, 3)
    for s in (x.shape, x.size()):
        assert type(s) is ag.Size and s == (2, 3) and isinstance(s, tuple) and hash(s) == hash((2, 3))
    assert repr(x.shape) == str(x.shape) == "autograd.Size([2, 3])" and repr(ag.zeros(()).shape) == "autograd.Size([])"
    assert x.shape != [2, 3]  # a tuple, not a list (as torch.Size)


def test_size_arithmetic_slicing_and_numel():
    s = ag.Size([2, 3, 4])
    assert type(s[1:]) is ag.Size and s[1:] == (3, 4) and type(s[0]) is int and s[-1] == 4 and s[::-1] == (4, 3, 2)
    assert type(s + (5,)) is ag.Size and s + (5,) == (2, 3, 4, 5)
    assert type((1,) + s) is ag.Size and (1,) + s == (1, 2, 3, 4)
    assert type(s * 2) is ag.Size and type(2 * s) is ag.Size and len(s * 2) == 6
    assert s.numel() == 24 and ag.Size([]).numel() == 1 and ag.Size([0, 3]).numel() == 0
    assert s.count(3) == 1 and s.index(4) == 2
    with pytest.raises(TypeError):
        s + [5]


def test_size_construction_and_pickle():
    assert ag.Size() == () and ag.Size((np.int64(2), ag.tensor(3))) == (2, 3)
    assert ag.Size(ag.tensor([1, 2])) == (1, 2)
    with pytest.raises(TypeError, match=r"autograd.Size\(\) takes an iterable of 'int' \(item 1 is 'float'\)"):
        ag.Size([1, 1.5])
    with pytest.raises(TypeError):
        ag.Size(3)
    s = pickle.loads(pickle.dumps(ag.Size([2, 3])))
    assert type(s) is ag.Size and s == (2, 3)


def test_size_matches_torch():
    torch = _torch()
    x, t = ag.zeros(2, 3, 4), torch.zeros(2, 3, 4)
    assert repr(x.shape).replace("autograd", "torch") == repr(t.shape)
    assert x.shape[1:] == t.shape[1:] and x.shape + (5,) == t.shape + (5,) and x.shape.numel() == t.shape.numel()


def test_shapes_are_usable_where_tuples_are():
    x = ag.zeros(2, 3)
    assert ag.zeros(x.shape).shape == (2, 3) and x.reshape(x.shape[:1] + (3, 1)).shape == (2, 3, 1)
    assert np.zeros(x.shape).shape == (2, 3) and x.new_zeros(x.shape).shape == (2, 3)
    assert x.view(ag.Size([3, 2])).shape == (3, 2)


def test_size_of_one_dim():
    x = ag.zeros(2, 3)
    assert x.size(0) == 2 and x.size(-1) == 3 and type(x.size(1)) is int and x.size(np.int64(1)) == 3
    assert x.size(dim=1) == x.size(axis=1) == 3  # torch takes numpy's name too
    with pytest.raises(TypeError, match="size: got both dim=1 and its numpy alias axis=0"):
        x.size(1, axis=0)
    for dim in (2, -3):
        with pytest.raises(IndexError, match=rf"size: dim {dim} is out of range for a tensor of 2 dimensions"):
            x.size(dim)
    with pytest.raises(IndexError, match="size: dim 0 was given but the tensor is 0-d"):
        ag.tensor(1.0).size(0)
    with pytest.raises(TypeError, match="size: argument 'dim' must be int, not float"):
        x.size(1.0)


# ---------------------------------------------------------------------------- memory layout and predicates
def test_dims_elements_and_element_size():
    x = ag.zeros(2, 3, dtype=ag.float64)
    assert x.ndimension() == x.dim() == 2 and x.nelement() == x.numel() == 6 and x.element_size() == 8
    assert ag.zeros(3, dtype=ag.int16).element_size() == 2 and ag.zeros(3, dtype=ag.bool).element_size() == 1


_VIEWS = [
    ("slice", lambda a: a[1]),
    ("step", lambda a: a[:, ::2, 1::2]),
    ("transpose", lambda a: a.transpose(0, 2)),
    ("narrow", lambda a: a.narrow(2, 1, 2)),
    ("expand", lambda a: a[:, :1].expand(2, 5, 4)),
    ("permute", lambda a: a.permute(2, 0, 1)),
    ("view", lambda a: a.view(6, 4)[2:]),
    ("diagonal", lambda a: a[0].diagonal()),
    ("unsqueeze", lambda a: a[:, 0].unsqueeze(-1)),
    ("empty", lambda a: a[:, :0]),
]


@pytest.mark.parametrize("name, view", _VIEWS, ids=[n for n, _ in _VIEWS])
def test_views_report_torchs_layout(name, view):
    torch = _torch()
    base, ref = ag.arange(24.0).reshape(2, 3, 4), torch.arange(24.0).reshape(2, 3, 4)
    v, r = view(base), view(ref)
    assert v.stride() == r.stride() and v.is_contiguous() == r.is_contiguous()
    assert v.storage_offset() == r.storage_offset()
    if r.numel():  # torch gives 0 as the address of no elements
        assert v.data_ptr() - base.data_ptr() == r.data_ptr() - ref.data_ptr()
        assert v.data_ptr() == base.data_ptr() + v.storage_offset() * v.element_size()


def test_data_ptr_and_storage_offset():
    x = ag.arange(10)
    assert x.data_ptr() == x.array.ctypes.data and x.storage_offset() == 0
    assert x[3:].storage_offset() == 3 and x[3:][2:].storage_offset() == 5
    assert x[3:].data_ptr() == x.data_ptr() + 3 * 8
    assert x.detach().data_ptr() == x.data_ptr() and x.clone().data_ptr() != x.data_ptr()
    assert ag.zeros(0).data_ptr() == 0


def test_device_and_kind_predicates():
    x = ag.zeros(2)
    assert x.is_cpu and not x.is_cuda
    assert not (x.is_xpu or x.is_mps or x.is_meta or x.is_sparse or x.is_quantized)
    assert x.is_complex() is False and x.is_floating_point() and not ag.zeros(2, dtype=ag.int64).is_floating_point()


def test_device_predicates_on_the_gpu(stand_in):
    x = ag.zeros(2, device="cuda")
    assert x.is_cuda and not x.is_cpu
    assert x[1:].data_ptr() == x.data_ptr() + 4 and x[1:].storage_offset() == 1


def test_predicates_match_torch():
    torch = _torch()
    for name in ("is_cpu", "is_cuda", "is_xpu", "is_mps", "is_meta", "is_sparse", "is_quantized"):
        assert getattr(ag.zeros(2), name) == getattr(torch.zeros(2), name), name


# ---------------------------------------------------------------------------- legacy constructors
def test_legacy_tensor_constructor():
    assert ag.Tensor().shape == (0,) and ag.Tensor().dtype == ag.float32
    t = ag.Tensor(2, 3)
    assert t.shape == (2, 3) and t.dtype == ag.float32 and t.tolist() == [[0.0] * 3] * 2  # zeros, documented
    assert ag.Tensor(size=(2, 3)).shape == (2, 3) and ag.Tensor(ag.Size([4])).shape == (4,)
    assert ag.Tensor(np.int64(3)).shape == (3,) and ag.Tensor(0).shape == (0,)
    for data in ([1, 2], (1, 2), np.array([1, 2]), [True, False]):
        t = ag.Tensor(data)
        assert t.dtype == ag.float32 and t.shape == (2,)  # always the default float dtype, as torch.Tensor
    assert ag.Tensor((2, 3)).tolist() == [2.0, 3.0]  # a tuple is data; a Size is a shape
    assert not ag.Tensor([1.0]).requires_grad and ag.Tensor([1.0], requires_grad=True).requires_grad


def test_legacy_constructor_follows_the_default_dtype():
    before = ag.get_default_dtype()
    ag.set_default_dtype(ag.float64)
    try:
        assert ag.Tensor([1, 2]).dtype == ag.float64 and ag.Tensor(2).dtype == ag.float64
    finally:
        ag.set_default_dtype(before)


def test_legacy_constructor_of_a_tensor_shares_its_memory():
    x = ag.tensor([1, 2])
    y = ag.Tensor(x)
    assert y.dtype == ag.int64 and y.data_ptr() == x.data_ptr() and y is not x
    y.add_(1)
    assert x.tolist() == [2, 3]


def test_legacy_constructor_errors():
    with pytest.raises(TypeError, match=r"Tensor\(\): data must be a sequence \(got float\)"):
        ag.Tensor(2.5)
    with pytest.raises(TypeError, match=r"Tensor\(\): data must be a sequence \(got bool\)"):
        ag.Tensor(True)
    with pytest.raises(TypeError, match=r"Tensor\(\): invalid data type 'str'"):
        ag.Tensor("a")
    with pytest.raises(TypeError, match="found element of type float at pos 1"):
        ag.Tensor(2, 3.0)
    with pytest.raises(RuntimeError, match="negative dimension"):
        ag.Tensor(2, -1)
    with pytest.raises(TypeError, match="argument 'size' must be a tuple of ints, not int"):
        ag.Tensor(size=3)
    with pytest.raises(TypeError, match="both as positional arguments and as size="):
        ag.Tensor(2, size=(2,))
    with pytest.raises(ValueError, match="Tensor: the nested sequences are ragged"):
        ag.Tensor([[1, 2], [3]])


def test_legacy_constructor_matches_torch():
    torch = _torch()
    for args in ((), (2, 3), ([1, 2],), ((2, 3),), ([[1.5], [2.5]],)):
        ours, theirs = ag.Tensor(*args), torch.Tensor(*args)
        assert tuple(ours.shape) == tuple(theirs.shape) and str(ours.dtype) == str(theirs.dtype).split(".")[1]
        if args and isinstance(args[0], list):
            assert ours.tolist() == theirs.tolist()
    for bad in ((2.5,), (True,), (2, 3.0)):
        with pytest.raises(TypeError):
            torch.Tensor(*bad)
        with pytest.raises(TypeError):
            ag.Tensor(*bad)


_TYPES = [("FloatTensor", ag.float32), ("DoubleTensor", ag.float64), ("HalfTensor", ag.float16),
          ("BFloat16Tensor", ag.bfloat16), ("LongTensor", ag.int64), ("IntTensor", ag.int32),
          ("ShortTensor", ag.int16), ("CharTensor", ag.int8), ("ByteTensor", ag.uint8), ("BoolTensor", ag.bool)]


@pytest.mark.parametrize("name, dtype", _TYPES, ids=[n for n, _ in _TYPES])
def test_legacy_types(name, dtype):
    if name == "BFloat16Tensor":
        pytest.importorskip("ml_dtypes")
    cls = getattr(ag, name)
    t = cls(2, 3)
    assert type(t) is ag.Tensor and t.dtype == dtype and t.shape == (2, 3) and isinstance(t, cls)
    assert cls([1, 0]).dtype == dtype and cls([1, 0]).tolist() == [1, 0] and cls().shape == (0,)
    assert cls(size=(4,)).shape == (4,) and cls.dtype == dtype and not cls.is_cuda
    assert ag.zeros(2).type(cls).dtype == dtype and ag.zeros(2).type(cls).type() == f"autograd.{name}"
    assert repr(cls) == f"<class 'autograd.{name}'>" and pickle.loads(pickle.dumps(cls)) is cls
    others = [c for n, c in ((n, getattr(ag, n)) for n, _ in _TYPES) if n != name]
    assert not any(isinstance(t, c) for c in others)
    assert not isinstance(t, getattr(ag.cuda, name)) and not isinstance(t.array, cls)


def test_legacy_types_convert_and_alias():
    assert ag.LongTensor([1.7, -2.2]).tolist() == [1, -2]  # truncation, as a cast
    x = ag.zeros(3)
    y = ag.FloatTensor(x)
    assert y.data_ptr() == x.data_ptr()
    with pytest.raises(TypeError, match=r"FloatTensor\(\): expected a tensor of dtype float32 on cpu, got "
                                        r"autograd.LongTensor; convert it with .type\(autograd.FloatTensor\)"):
        ag.FloatTensor(ag.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="legacy constructor expects device type: cpu but device type: cuda"):
        ag.FloatTensor(2, device="cuda")
    assert isinstance(ag.zeros(1, requires_grad=True), ag.FloatTensor)
    assert not isinstance(3.0, ag.FloatTensor) and not isinstance(np.zeros(2, np.float32), ag.FloatTensor)


def test_cuda_legacy_types(stand_in):
    t = ag.cuda.FloatTensor(2, 3)
    assert t.device.type == "cuda" and t.dtype == ag.float32 and t.shape == (2, 3)
    assert isinstance(t, ag.cuda.FloatTensor) and not isinstance(t, ag.FloatTensor)
    assert ag.cuda.LongTensor([1, 2]).tolist() == [1, 2]
    assert repr(ag.cuda.LongTensor) == "<class 'autograd.cuda.LongTensor'>"
    assert ag.zeros(2).type(ag.cuda.DoubleTensor).type() == "autograd.cuda.DoubleTensor"
    assert t.type(ag.HalfTensor).type() == "autograd.HalfTensor"
    with pytest.raises(RuntimeError, match="legacy constructor expects device type: cuda but device type: cpu"):
        ag.cuda.FloatTensor(2, device="cpu")


def test_legacy_types_match_torch():
    torch = _torch()
    for name, _ in _TYPES:
        ours, theirs = getattr(ag, name)([1, 0, 2]), getattr(torch, name)([1, 0, 2])
        assert ours.tolist() == theirs.tolist() and ours.type() == theirs.type().replace("torch", "autograd")
        assert isinstance(ag.zeros(1), getattr(ag, name)) == isinstance(torch.zeros(1), getattr(torch, name))


def test_new_factories_take_size_by_keyword_or_position():
    x = ag.zeros(2, dtype=ag.float64)
    for make in (x.new_zeros, x.new_ones, x.new_empty):
        assert make(size=(2, 3)).shape == (2, 3) and make(2, 3).shape == (2, 3) and make((4,)).shape == (4,)
        assert make(size=[1]).dtype == ag.float64
        with pytest.raises(TypeError, match="both positionally"):
            make(2, size=(3,))
