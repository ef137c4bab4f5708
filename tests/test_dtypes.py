"""dtypes: PyTorch's type promotion (tensors, Python scalars), conversions, and gradients through casts."""
import numpy as np
import pytest

import autograd as ag

_NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
# torch.promote_types for every pair, row by row in the order of _NAMES (generated with PyTorch 2.x)
_TABLE = """
bool     uint8   int8    int16   int32   int64   float16 float32 float64
uint8    uint8   int16   int16   int32   int64   float16 float32 float64
int8     int16   int8    int16   int32   int64   float16 float32 float64
int16    int16   int16   int16   int32   int64   float16 float32 float64
int32    int32   int32   int32   int32   int64   float16 float32 float64
int64    int64   int64   int64   int64   int64   float16 float32 float64
float16  float16 float16 float16 float16 float16 float16 float32 float64
float32  float32 float32 float32 float32 float32 float32 float32 float64
float64  float64 float64 float64 float64 float64 float64 float64 float64
"""
_PAIRS = [(a, b, row[j]) for a, row in zip(_NAMES, (r.split() for r in _TABLE.strip().splitlines()))
          for j, b in enumerate(_NAMES)]


def _dt(name):
    return getattr(ag, name) if name != "bool" else ag.bool


def _ones(name, n=2):
    return ag.ones(n, dtype=_dt(name))


# ---------------------------------------------------------------------------- tensor with tensor
@pytest.mark.parametrize("a, b, want", _PAIRS, ids=[f"{a}+{b}" for a, b, _ in _PAIRS])
def test_promote_types_table(a, b, want):
    assert ag.promote_types(_dt(a), _dt(b)) == _dt(want)
    assert ag.result_type(_ones(a), _ones(b)) == _dt(want)


@pytest.mark.parametrize("a, b, want", [p for p in _PAIRS if "bool" not in p[:2]],
                         ids=[f"{a}*{b}" for a, b, _ in _PAIRS if "bool" not in (a, b)])
def test_binary_ops_promote(a, b, want):
    x, y = _ones(a), _ones(b)
    assert (x + y).dtype == _dt(want)
    assert (x * y).dtype == _dt(want)
    assert (x - y).dtype == _dt(want)


@pytest.mark.parametrize("a, b, want", [("float32", "float64", "float64"), ("int32", "float16", "float16"),
                                        ("uint8", "int8", "int16"), ("int64", "float32", "float32"),
                                        ("bool", "int32", "int32"), ("bool", "float16", "float16")])
def test_named_promotions(a, b, want):
    assert (_ones(a) + _ones(b)).dtype == _dt(want)
    assert (_ones(b) + _ones(a)).dtype == _dt(want)


# ---------------------------------------------------------------------------- tensor with Python scalar
def test_python_float_does_not_upcast_float_tensors():
    for name in ("float16", "float32", "float64"):
        x = _ones(name)
        assert (x + 2.5).dtype == _dt(name)
        assert (2.5 * x).dtype == _dt(name)
        assert (x / 3.0).dtype == _dt(name)
        assert (x ** 2.0).dtype == _dt(name)


def test_python_scalars_with_integer_tensors():
    i = ag.tensor([1, 2])
    assert (i + 1.5).dtype == ag.float32  # int tensor + float scalar -> the default float
    assert (i * 0.5).dtype == ag.float32
    assert (i + 1).dtype == ag.int64
    assert (_ones("int8") + 1).dtype == ag.int8  # an int scalar does not upcast an int tensor
    assert (_ones("uint8") * 3).dtype == ag.uint8
    assert (_ones("int32") + 2.5).dtype == ag.float32
    assert (_ones("int32") + True).dtype == ag.int32


def test_bool_tensors_with_scalars():
    b = ag.tensor([True, False])
    assert (b + 1).dtype == ag.int64  # bool + int scalar -> int64
    assert (b + 1).tolist() == [2, 1]
    assert (b * 2.5).dtype == ag.float32
    assert (b + True).dtype == ag.bool


def test_division_of_integers_is_float():
    i, j = ag.tensor([1, 2]), ag.tensor([2, 4])
    q = i / j
    assert q.dtype == ag.float32 and q.tolist() == [0.5, 0.5]
    assert (i / 2).dtype == ag.float32
    assert (_ones("int16") / _ones("int8")).dtype == ag.float32
    assert (_ones("float64") / _ones("int64")).dtype == ag.float64
    assert (i // j).dtype == ag.int64


def test_result_type_with_scalars():
    assert ag.result_type(ag.tensor([1]), 2.5) == ag.float32
    assert ag.result_type(ag.tensor([True]), 1) == ag.int64
    assert ag.result_type(ag.ones(1, dtype=ag.float16), 1e3) == ag.float16
    assert ag.result_type(ag.ones(1, dtype=ag.int8), 1000) == ag.int8


def test_default_dtype_governs_int_and_float_scalar_results():
    ag.set_default_dtype(ag.float64)
    try:
        assert (ag.tensor([1, 2]) * 0.5).dtype == ag.float64
        assert (ag.tensor([1, 2]) / ag.tensor([1, 2])).dtype == ag.float64
        assert (ag.ones(2, dtype=ag.float32) + 0.5).dtype == ag.float32
    finally:
        ag.set_default_dtype(ag.float32)


def test_zero_dim_tensors_promote_like_scalars():
    assert (ag.ones(2) + ag.tensor(1.5, dtype=ag.float64)).dtype == ag.float32
    assert (ag.ones(2, dtype=ag.int8) + ag.tensor(3)).dtype == ag.int8
    assert (ag.ones(2, dtype=ag.int32) + ag.tensor(1.5, dtype=ag.float64)).dtype == ag.float64


def test_out_of_range_int_scalar_wraps():
    assert (ag.tensor([1, 2], dtype=ag.uint8) + (-1)).tolist() == [0, 1]


# ---------------------------------------------------------------------------- conversions
@pytest.mark.parametrize("method, dtype", [("float", ag.float32), ("double", ag.float64), ("half", ag.float16),
                                           ("long", ag.int64), ("int", ag.int32), ("short", ag.int16),
                                           ("byte", ag.uint8), ("bool", ag.bool)])
def test_conversion_methods(method, dtype):
    x = ag.tensor([0.0, 1.5, -2.5])
    y = getattr(x, method)()
    assert y.dtype == dtype
    np.testing.assert_array_equal(y.numpy(), x.numpy().astype(dtype))


def test_conversions_truncate_and_test_nonzero():
    assert ag.tensor([1.7, -1.7]).long().tolist() == [1, -1]
    assert ag.tensor([0.0, 0.1, -3.0]).bool().tolist() == [False, True, True]
    assert ag.tensor([True, False]).float().tolist() == [1.0, 0.0]
    assert ag.tensor([True, False]).long().tolist() == [1, 0]


def test_conversion_to_the_same_dtype_returns_self():
    x = ag.tensor([1.0, 2.0])
    assert x.float() is x
    assert x.to(ag.float32) is x
    assert x.to("cpu") is x
    assert x.to(ag.float32, copy=True) is not x


def test_to_forms():
    x = ag.tensor([1.0, 2.0])
    assert x.to(ag.float64).dtype == ag.float64
    assert x.to(dtype=ag.float16).dtype == ag.float16
    assert x.to("cpu", ag.int32).dtype == ag.int32
    assert x.to(ag.tensor([1])).dtype == ag.int64  # to(other): other's dtype and device
    assert x.to(float).dtype == ag.float64  # Python float means float64, as in PyTorch
    assert x.to(int).dtype == ag.int64
    assert x.to(bool).dtype == ag.bool
    assert x.type_as(ag.tensor([1], dtype=ag.int16)).dtype == ag.int16
    assert x.type_as(ag.tensor([1.0], dtype=ag.float64)).dtype == ag.float64


def test_conversions_copy_the_data():
    x = ag.tensor([1.0, 2.0])
    y = x.double()
    y.array[0] = 5.0
    assert x.tolist() == [1.0, 2.0]


def test_bad_dtype_specs():
    with pytest.raises(TypeError, match="is not a dtype"):
        ag.tensor([1.0]).to(dtype="no-such-dtype")
    with pytest.raises(TypeError, match="dtype uint16 is not supported"):
        ag.zeros(2, dtype=np.uint16)
    with pytest.raises(TypeError, match=f"dtype {np.dtype(np.clongdouble)} is not supported"):
        ag.zeros(2, dtype=np.clongdouble)
    with pytest.raises(TypeError, match="complex32 is not supported: .* use complex64"):
        ag.zeros(2, dtype=ag.chalf)


def test_is_floating_point():
    assert ag.ones(1).is_floating_point() and ag.ones(1, dtype=ag.float16).is_floating_point()
    assert not ag.tensor([1]).is_floating_point() and not ag.tensor([True]).is_floating_point()


def test_dtype_aliases():
    assert ag.float is ag.float32 and ag.double is ag.float64 and ag.half is ag.float16
    assert ag.long is ag.int64 and ag.int is ag.int32 and ag.short is ag.int16
    assert ag.bool == np.dtype(bool)


# ---------------------------------------------------------------------------- gradients through casts
@pytest.mark.parametrize("src, cast", [("float64", "float"), ("float32", "double"), ("float32", "half"),
                                       ("float16", "float"), ("float64", "half")])
def test_gradients_flow_back_in_the_original_dtype(src, cast):
    x = ag.tensor([1.0, 2.0, 3.0], dtype=_dt(src), requires_grad=True)
    y = getattr(x, cast)()
    assert y.requires_grad and repr(y.grad_fn) == "<ToCopyBackward0>"
    (y * ag.tensor([1.0, 2.0, 3.0], dtype=y.dtype)).sum().backward()
    assert x.grad.dtype == x.dtype
    assert x.grad.tolist() == [1.0, 2.0, 3.0]


def test_gradients_through_to_and_type_as():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    other = ag.ones(1, dtype=ag.float64)
    (x.to(ag.float64) * 3 + x.type_as(other) * 2).sum().backward()
    assert x.grad.dtype == ag.float32 and x.grad.tolist() == [5.0, 5.0]


def test_gradients_through_promotion():
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    b = ag.tensor([3.0, 4.0], dtype=ag.float64, requires_grad=True)
    y = a * b
    assert y.dtype == ag.float64
    y.sum().backward()
    assert a.grad.dtype == ag.float32 and a.grad.tolist() == [3.0, 4.0]
    assert b.grad.dtype == ag.float64 and b.grad.tolist() == [1.0, 2.0]


def test_integer_casts_cut_the_graph():
    x = ag.tensor([1.5, 2.5], requires_grad=True)
    i = x.long()
    assert i.dtype == ag.int64 and not i.requires_grad and i.grad_fn is None
    assert not x.bool().requires_grad


# ---------------------------------------------------------------------------- result_type: PyTorch's three groups
def _mk(name, zero_d):
    return ag.tensor(1, dtype=_dt(name)) if zero_d else _ones(name)


_GROUP_CASES = [  # (operands as (dtype, 0-d?) pairs or Python scalars, expected)
    ([("float16", False), ("float64", True)], "float16"),  # 0-d of the same category ranks below
    ([("int32", False), ("int64", True)], "int32"),
    ([("int8", False), ("int64", True), ("int16", True)], "int8"),
    ([("int32", False), ("float64", True)], "float64"),  # a 0-d of a higher category wins
    ([("bool", False), ("int8", True)], "int8"),
    ([("bool", False), ("bool", True)], "bool"),
    ([("uint8", False), ("int8", True)], "uint8"),
    ([("float16", True), ("float64", True)], "float64"),  # two 0-d tensors promote normally
    ([("int32", True), 2.5], "float32"),  # a Python float counts as the default dtype
    ([("int32", True), 2], "int32"),
    ([("bool", True), 2], "int64"),
    ([("float16", True), 1e3], "float16"),
    ([("int8", False), ("int16", True), 2.5], "float32"),
    ([("float16", False), ("float64", True), 2.5], "float16"),
    ([("int16", False), ("int64", True), True], "int16"),
    ([1, 2.0], "float32"),
    ([1, 2], "int64"),
    ([True, False], "bool"),
]


@pytest.mark.parametrize("ops, want", _GROUP_CASES, ids=[str(i) for i in range(len(_GROUP_CASES))])
def test_result_type_ranks_dimensioned_then_zero_dim_tensors_then_scalars(ops, want):
    args = [_mk(*o) if isinstance(o, tuple) else o for o in ops]
    assert ag.result_type(*args) == _dt(want)
    assert ag.result_type(*args[::-1]) == _dt(want)  # the order of the operands does not matter


def test_result_type_examples_from_the_audit():
    assert ag.result_type(ag.ones(2, dtype=ag.float16), ag.tensor(1.0, dtype=ag.float64)) == ag.float16
    assert ag.result_type(ag.ones(2, dtype=ag.int32), ag.tensor(1)) == ag.int32


def test_result_type_follows_the_default_dtype_for_python_floats():
    ag.set_default_dtype(ag.float64)
    try:
        assert ag.result_type(ag.tensor(1, dtype=ag.int32), 2.5) == ag.float64
        assert ag.result_type(1, 2.5) == ag.float64
        assert ag.result_type(ag.ones(2, dtype=ag.float16), 2.5) == ag.float16
    finally:
        ag.set_default_dtype(ag.float32)


def test_result_type_refuses_other_operands():
    with pytest.raises(TypeError, match="result_type: expected tensors or numbers.*got str"):
        ag.result_type(ag.ones(2), "a")


def test_result_type_agrees_with_binary_op_promotion():
    """The pairwise rule the ops use (promote_tensors) and result_type give the same dtypes."""
    for a in _NAMES:
        for b in _NAMES:
            for za, zb in ((False, True), (True, False), (True, True), (False, False)):
                x, y = _mk(a, za), _mk(b, zb)
                want = ag.result_type(x, y)
                assert ag.dtypes.promote_tensors(x.dtype, x.ndim, y.dtype, y.ndim) == want, (a, za, b, zb)
                if "bool" not in (a, b):
                    assert (x + y).dtype == want, (a, za, b, zb)


def test_result_type_matches_pytorch():
    torch = pytest.importorskip("torch")
    operands = [(n, z) for n in _NAMES for z in (False, True)] + [2, 2.5, True]

    def theirs(o):
        if not isinstance(o, tuple):
            return o
        return torch.ones(() if o[1] else (2,), dtype=getattr(torch, o[0]))

    for a in operands:
        for b in operands:
            if not isinstance(a, tuple) and not isinstance(b, tuple):
                continue
            want = str(torch.result_type(theirs(a), theirs(b))).replace("torch.", "")
            ours = [_mk(*o) if isinstance(o, tuple) else o for o in (a, b)]
            assert str(ag.result_type(*ours)) == want, (a, b)


# ---------------------------------------------------------------------------- bfloat16 with and without ml_dtypes
def _missing_bfloat16(monkeypatch):
    """Make autograd look as it does without ml_dtypes installed."""
    placeholder = ag.dtypes.MissingDtype("bfloat16", "ml_dtypes")
    monkeypatch.setattr(ag.dtypes, "bfloat16", placeholder)
    monkeypatch.setitem(ag.dtypes._NAMES, "bfloat16", placeholder)
    return placeholder


def test_bfloat16_loader_gives_a_placeholder_without_ml_dtypes(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "ml_dtypes", None)  # makes `import ml_dtypes` fail
    bf16 = ag.dtypes._load_bfloat16()
    assert isinstance(bf16, ag.dtypes.MissingDtype) and "ml_dtypes" in repr(bf16)


_NEEDS = "bfloat16 needs the ml_dtypes package: pip install ml_dtypes"


@pytest.mark.parametrize("use", [
    lambda bf: ag.ones(2, dtype=bf), lambda bf: ag.zeros(2, dtype=bf), lambda bf: ag.tensor([1.0], dtype=bf),
    lambda bf: ag.full((2,), 1.0, dtype=bf), lambda bf: ag.arange(3, dtype=bf), lambda bf: ag.ones(2).to(bf),
    lambda bf: ag.ones(2).to(dtype="bfloat16"), lambda bf: ag.dtypes.as_dtype(bf), lambda bf: ag.ones(2).view(bf),
    lambda bf: ag.set_default_dtype(bf), lambda bf: ag.ones(2).bfloat16(), lambda bf: ag.ones(2).new_zeros(2, dtype=bf),
    lambda bf: np.zeros(2, dtype=bf),  # even numpy itself refuses it clearly
], ids=["ones", "zeros", "tensor", "full", "arange", "to", "to-name", "as_dtype", "view", "default", "method",
        "new_zeros", "numpy"])
def test_bfloat16_without_ml_dtypes_raises_a_clear_error(monkeypatch, use):
    bf = _missing_bfloat16(monkeypatch)
    with pytest.raises(TypeError, match=_NEEDS):
        use(bf)


def test_bfloat16_placeholder_is_importable_and_harmless(monkeypatch):
    bf = _missing_bfloat16(monkeypatch)
    from autograd import bfloat16  # noqa: F401  (importable whether or not ml_dtypes is installed)

    assert bf not in ag.dtypes.FLOATS and not ag.dtypes.is_floating(bf)
    assert ag.float32 != bf and ag.float32 not in (ag.float16, bf)  # comparisons with dtypes are just False
    assert ag.promote_types(ag.float16, ag.float32) == ag.float32


def test_bfloat16_with_ml_dtypes():
    ml_dtypes = pytest.importorskip("ml_dtypes")
    bf = ag.dtypes._load_bfloat16()
    assert bf == np.dtype(ml_dtypes.bfloat16) and ag.bfloat16 == bf and bf in ag.dtypes.FLOATS
    x = ag.ones(2, dtype=ag.bfloat16)
    assert x.dtype == bf and x.is_floating_point()
    assert ag.ones(2).bfloat16().dtype == bf and ag.ones(2).to(bf).dtype == bf and ag.dtypes.as_dtype("bfloat16") == bf
    assert ag.promote_types(ag.bfloat16, ag.float16) == ag.float32
    assert ag.result_type(ag.ones(2, dtype=ag.bfloat16), 2.5) == ag.bfloat16
    y = ag.tensor([1.0, 2.0], dtype=ag.bfloat16, requires_grad=True)
    (y * 3).sum().backward()
    assert y.grad.dtype == bf and y.grad.tolist() == [3.0, 3.0]
