"""Arithmetic and elementwise math: promotion, special values and errors."""
import warnings

import numpy as np
import pytest

import autograd as ag


def test_nan_to_num_replaces_specials_and_blocks_their_gradient():
    x = ag.tensor([np.nan, np.inf, -np.inf, 1.5], requires_grad=True)
    y = ag.nan_to_num(x, nan=0.0, posinf=9.0, neginf=-9.0)
    np.testing.assert_array_equal(y.array, [0.0, 9.0, -9.0, 1.5])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.array, [0.0, 0.0, 0.0, 1.0])


def test_scalars_do_not_upcast_and_ints_divide_to_float():
    x = ag.tensor([1.0, 2.0])
    assert (x * 2.5).dtype == ag.float32
    assert (ag.tensor([1, 2]) / ag.tensor([2, 2])).dtype == ag.float32
    assert (ag.tensor([1, 2]) * 0.5).dtype == ag.float32
    assert (ag.tensor([1, 2], dtype=ag.int32) + ag.tensor([1.0], dtype=ag.float16)).dtype == ag.float16


def test_mixed_precision_gradients_come_back_in_each_inputs_dtype():
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    b = ag.tensor([3.0, 4.0], dtype=ag.float64, requires_grad=True)
    (a * b).sum().backward()
    assert a.grad.dtype == ag.float32 and b.grad.dtype == ag.float64
    np.testing.assert_allclose(a.grad.array, [3.0, 4.0])


def test_incompatible_shapes_name_the_op_and_both_shapes():
    with pytest.raises(RuntimeError, match=r"mul: shapes \(2, 3\) and \(4,\) cannot be broadcast"):
        ag.ones(2, 3) * ag.ones(4)


def test_unsupported_operand():
    with pytest.raises(TypeError, match="add: unsupported operand type str"):
        ag.ones(2) + "a"


def test_integer_division_by_zero_and_negative_integer_power():
    with pytest.raises(ZeroDivisionError, match="floor_divide"):
        ag.tensor([1, 2]) // 0
    with pytest.raises(RuntimeError, match="negative integer power"):
        ag.tensor([1, 2]) ** -1


def test_bool_negation_and_subtraction_are_refused():
    with pytest.raises(TypeError, match="neg"):
        -ag.tensor([True])
    with pytest.raises(TypeError, match="sub"):
        ag.tensor([True]) - ag.tensor([False])


def test_floor_divide_and_remainder_follow_python_signs():
    a, b = ag.tensor([-7, 7]), ag.tensor([2, -2])
    np.testing.assert_array_equal((a // b).array, [-4, -4])
    np.testing.assert_array_equal((a % b).array, [1, -1])
    np.testing.assert_array_equal(ag.fmod(a, b).array, [-1, 1])


def test_clamp_needs_a_bound():
    with pytest.raises(RuntimeError, match="clamp: at least one"):
        ag.ones(2).clamp()


def test_where_requires_bool_condition():
    with pytest.raises(TypeError, match="where: condition must be a bool"):
        ag.where(ag.ones(2), ag.ones(2), ag.zeros(2))


def test_maximum_ties_split_the_gradient():
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    b = ag.tensor([1.0, 0.0], requires_grad=True)
    ag.maximum(a, b).sum().backward()
    np.testing.assert_allclose(a.grad.array, [0.5, 1.0])
    np.testing.assert_allclose(b.grad.array, [0.5, 0.0])


# ---------------------------------------------------------------------------- result dtypes (as PyTorch)
DTYPES = ["bool", "uint8", "int32", "int64", "float16", "float32", "float64"]
_OPS = {
    "square": lambda m, x: m.square(x), "abs": lambda m, x: m.abs(x), "sign": lambda m, x: m.sign(x),
    "floor": lambda m, x: m.floor(x), "trunc": lambda m, x: m.trunc(x), "neg": lambda m, x: -x,
    "sqrt": lambda m, x: m.sqrt(x), "erf": lambda m, x: m.erf(x), "exp": lambda m, x: m.exp(x),
    "relu": lambda m, x: m.relu(x), "nan_to_num": lambda m, x: m.nan_to_num(x),
    "logit": lambda m, x: m.logit(x, eps=0.25),
    "clamp(0,1.5)": lambda m, x: x.clamp(0, 1.5), "clamp(min=0.5)": lambda m, x: x.clamp(min=0.5),
    "clamp(0,1)": lambda m, x: x.clamp(0, 1), "clip(max=2)": lambda m, x: m.clip(x, max=2),
    "clamp(f32 tensor)": lambda m, x: x.clamp(m.tensor([0.5])),
    "clamp(0-d f64 tensors)": lambda m, x: x.clamp(m.tensor(0.5, dtype=m.float64), m.tensor(2.5, dtype=m.float64)),
    "clamp(i64 tensors)": lambda m, x: x.clamp(m.tensor([0]), m.tensor([1])),
    "x**2": lambda m, x: x ** 2, "x**2.0": lambda m, x: x ** 2.0, "x**True": lambda m, x: x ** True,
    "x**x": lambda m, x: x ** x, "2**x": lambda m, x: 2 ** x, "2.0**x": lambda m, x: 2.0 ** x,
    "x//x": lambda m, x: x // x, "x//2": lambda m, x: x // 2, "5//x": lambda m, x: 5 // x,
    "x//True": lambda m, x: x // True,
    "x%x": lambda m, x: x % x, "x%2": lambda m, x: x % 2, "5%x": lambda m, x: 5 % x, "5.0%x": lambda m, x: 5.0 % x,
    "x+x": lambda m, x: x + x, "x+1": lambda m, x: x + 1, "x+1.5": lambda m, x: x + 1.5,
    "2.0+x": lambda m, x: 2.0 + x, "2+x": lambda m, x: 2 + x,
    "x-x": lambda m, x: x - x, "x-1": lambda m, x: x - 1, "1.5-x": lambda m, x: 1.5 - x, "1-x": lambda m, x: 1 - x,
    "x*x": lambda m, x: x * x, "x*2": lambda m, x: x * 2, "2.5*x": lambda m, x: 2.5 * x,
    "x/x": lambda m, x: x / x, "x/2": lambda m, x: x / 2, "2/x": lambda m, x: 2 / x,
    "div trunc": lambda m, x: m.div(x, x, rounding_mode="trunc"),
    "div floor": lambda m, x: m.div(x, 2, rounding_mode="floor"),
    "fmod": lambda m, x: m.fmod(x, x),
    "where(c,x,x)": lambda m, x: m.where(x > 0, x, x), "where(c,x,0.5)": lambda m, x: m.where(x > 0, x, 0.5),
    "where(c,1.,0.)": lambda m, x: m.where(x > 0, 1.0, 0.0), "where(c,1,0)": lambda m, x: m.where(x > 0, 1, 0),
    "where(c,True,False)": lambda m, x: m.where(x > 0, True, False),
    "lerp": lambda m, x: m.lerp(x, x, 0.5), "atan2": lambda m, x: m.atan2(x, x),
    "maximum": lambda m, x: m.maximum(x, x), "minimum": lambda m, x: m.minimum(x, x),
    "addcmul": lambda m, x: m.addcmul(x, x, x, value=2), "addcdiv": lambda m, x: m.addcdiv(x, x, x, value=2),
    "x==x": lambda m, x: x == x, "x<1.5": lambda m, x: x < 1.5, "logical_and": lambda m, x: m.logical_and(x, x),
    "isnan": lambda m, x: m.isnan(x), "isfinite": lambda m, x: m.isfinite(x),
}
# PyTorch 2.13's result dtype for inputs of DTYPES (in that order); "error": PyTorch raises
_TORCH = {
    "square": "int64 uint8 int32 int64 float16 float32 float64",
    "abs": "error uint8 int32 int64 float16 float32 float64",
    "sign": "bool uint8 int32 int64 float16 float32 float64",
    "floor": "error uint8 int32 int64 float16 float32 float64",
    "trunc": "error uint8 int32 int64 float16 float32 float64",
    "neg": "error uint8 int32 int64 float16 float32 float64",
    "sqrt": "float32 float32 float32 float32 float16 float32 float64",
    "erf": "float32 float32 float32 float32 float16 float32 float64",
    "exp": "float32 float32 float32 float32 float16 float32 float64",
    "relu": "error uint8 int32 int64 float16 float32 float64",
    "nan_to_num": "bool uint8 int32 int64 float16 float32 float64",
    "logit": "float32 float32 float32 float32 float16 float32 float64",
    "clamp(0,1.5)": "float32 float32 float32 float32 float16 float32 float64",
    "clamp(min=0.5)": "float32 float32 float32 float32 float16 float32 float64",
    "clamp(0,1)": "int64 uint8 int32 int64 float16 float32 float64",
    "clip(max=2)": "int64 uint8 int32 int64 float16 float32 float64",
    "clamp(f32 tensor)": "float32 float32 float32 float32 float32 float32 float64",
    "clamp(0-d f64 tensors)": "float64 float64 float64 float64 float16 float32 float64",
    "clamp(i64 tensors)": "int64 int64 int64 int64 float16 float32 float64",
    "x**2": "int64 uint8 int32 int64 float16 float32 float64",
    "x**2.0": "float32 float32 float32 float32 float16 float32 float64",
    "x**True": "bool uint8 int32 int64 float16 float32 float64",
    "x**x": "error uint8 int32 int64 float16 float32 float64",
    "2**x": "int64 uint8 int32 int64 float16 float32 float64",
    "2.0**x": "float32 float32 float32 float32 float16 float32 float64",
    "x//x": "error uint8 int32 int64 float16 float32 float64",
    "x//2": "int64 uint8 int32 int64 float16 float32 float64",
    "5//x": "int64 uint8 int32 int64 float16 float32 float64",
    "x//True": "error uint8 int32 int64 float16 float32 float64",
    "x%x": "error uint8 int32 int64 float16 float32 float64",
    "x%2": "int64 uint8 int32 int64 float16 float32 float64",
    "5%x": "int64 uint8 int32 int64 float16 float32 float64",
    "5.0%x": "float32 float32 float32 float32 float16 float32 float64",
    "x+x": "bool uint8 int32 int64 float16 float32 float64",
    "x+1": "int64 uint8 int32 int64 float16 float32 float64",
    "x+1.5": "float32 float32 float32 float32 float16 float32 float64",
    "2.0+x": "float32 float32 float32 float32 float16 float32 float64",
    "2+x": "int64 uint8 int32 int64 float16 float32 float64",
    "x-x": "error uint8 int32 int64 float16 float32 float64",
    "x-1": "error uint8 int32 int64 float16 float32 float64",
    "1.5-x": "error float32 float32 float32 float16 float32 float64",
    "1-x": "error uint8 int32 int64 float16 float32 float64",
    "x*x": "bool uint8 int32 int64 float16 float32 float64",
    "x*2": "int64 uint8 int32 int64 float16 float32 float64",
    "2.5*x": "float32 float32 float32 float32 float16 float32 float64",
    "x/x": "float32 float32 float32 float32 float16 float32 float64",
    "x/2": "float32 float32 float32 float32 float16 float32 float64",
    "2/x": "float32 float32 float32 float32 float16 float32 float64",
    "div trunc": "error uint8 int32 int64 float16 float32 float64",
    "div floor": "int64 uint8 int32 int64 float16 float32 float64",
    "fmod": "error uint8 int32 int64 float16 float32 float64",
    "where(c,x,x)": "bool uint8 int32 int64 float16 float32 float64",
    "where(c,x,0.5)": "float32 float32 float32 float32 float16 float32 float64",
    "where(c,1.,0.)": "float32 float32 float32 float32 float32 float32 float32",
    "where(c,1,0)": "int64 int64 int64 int64 int64 int64 int64",
    "where(c,True,False)": "bool bool bool bool bool bool bool",
    "lerp": "error error error error float16 float32 float64",
    "atan2": "float32 float32 float32 float32 float16 float32 float64",
    "maximum": "bool uint8 int32 int64 float16 float32 float64",
    "minimum": "bool uint8 int32 int64 float16 float32 float64",
    "addcmul": "error uint8 int32 int64 float16 float32 float64",
    "addcdiv": "error error error error float16 float32 float64",
    "x==x": "bool bool bool bool bool bool bool",
    "x<1.5": "bool bool bool bool bool bool bool",
    "logical_and": "bool bool bool bool bool bool bool",
    "isnan": "bool bool bool bool bool bool bool",
    "isfinite": "bool bool bool bool bool bool bool",
}
# deliberate differences: these stay the identity on bools (numpy's behaviour, which interop relies on) and relu
# of bools gives int64, where PyTorch raises
_LENIENT = {("abs", "bool"), ("floor", "bool"), ("trunc", "bool"), ("relu", "bool")}
_DTYPE_CASES = [(op, d, want) for op, row in _TORCH.items() for d, want in zip(DTYPES, row.split())
                if (op, d) not in _LENIENT]


def _input(module, dtype):
    arr = np.array([1, 2, 3]).astype(dtype)
    return module.tensor(arr) if module is ag else module.from_numpy(arr)


def test_dtype_table_covers_every_op():
    assert set(_OPS) == set(_TORCH)


@pytest.mark.parametrize("op,dtype,want", _DTYPE_CASES, ids=[f"{o}-{d}" for o, d, _ in _DTYPE_CASES])
def test_result_dtype_matches_pytorch(op, dtype, want):
    x = _input(ag, dtype)
    if want == "error":
        with pytest.raises((TypeError, RuntimeError)) as err:
            _OPS[op](ag, x)
        assert "numpy" not in type(err.value).__module__ and "ufunc" not in str(err.value)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy overflow/cast warnings on the way
        out = _OPS[op](ag, x)
    assert str(out.dtype) == want


def test_result_dtypes_against_installed_pytorch():
    torch = pytest.importorskip("torch")
    diffs = []
    for op, dtype, _ in _DTYPE_CASES:
        try:
            theirs = str(_OPS[op](torch, _input(torch, dtype)).dtype).replace("torch.", "")
        except Exception:  # noqa: BLE001 - any PyTorch refusal
            theirs = "error"
        try:
            ours = str(_OPS[op](ag, _input(ag, dtype)).dtype)
        except (TypeError, RuntimeError):
            ours = "error"
        if ours != theirs:
            diffs.append((op, dtype, ours, theirs))
    assert not diffs, diffs


def test_default_dtype_decides_the_float_results():
    ag.set_default_dtype(ag.float64)
    try:
        assert ag.tensor([0, 1, 2]).clamp(0, 1.5).dtype == ag.float64
        assert ag.where(ag.tensor([True, False]), 1.0, 0.0).dtype == ag.float64
        assert (ag.tensor([True]) ** 2.0).dtype == ag.float64
    finally:
        ag.set_default_dtype(ag.float32)


# ---------------------------------------------------------------------------- values of the dtype fixes
def test_square_keeps_integers_and_bool_becomes_int64():
    np.testing.assert_array_equal(ag.square(ag.tensor([2, -3])).array, [4, 9])
    assert ag.square(ag.tensor([2, 3])).dtype == ag.int64
    out = ag.tensor([True, False]).square()
    assert out.dtype == ag.int64 and out.tolist() == [1, 0]
    assert ag.abs(ag.tensor([-2], dtype=ag.int8)).dtype == ag.int8


def test_clamp_of_int_tensor_with_float_bound_is_default_float():
    out = ag.tensor([0, 1, 2]).clamp(0, 1.5)
    assert out.dtype == ag.float32 and out.tolist() == [0.0, 1.0, 1.5]
    out = ag.tensor([0, 1, 2]).clamp(min=0.5)
    assert out.dtype == ag.float32 and out.tolist() == [0.5, 1.0, 2.0]
    assert ag.tensor([0, 1, 2]).clamp(0, 1).tolist() == [0, 1, 1]


def test_clamp_number_bounds_must_fit_the_dtype():
    with pytest.raises(RuntimeError, match="clamp: max=1000 cannot be converted to the tensor's dtype int8"):
        ag.tensor([1], dtype=ag.int8).clamp(0, 1000)
    with pytest.raises(RuntimeError, match="clamp: max=100000.0 .* float16"):
        ag.tensor([1.0], dtype=ag.float16).clamp(max=1e5)
    assert ag.tensor([1.0], dtype=ag.float16).clamp(max=float("inf")).tolist() == [1.0]


def test_bool_powers_and_bool_divisions():
    t = ag.tensor([True, False])
    assert (t ** 2).dtype == ag.int64 and (t ** 2).tolist() == [1, 0]
    assert (t ** True).dtype == ag.bool_ and (t ** True).tolist() == [True, False]
    assert (t ** False).tolist() == [True, True]
    with pytest.raises(TypeError, match="pow: raising a bool tensor to a bool tensor"):
        t ** t
    for op, name in ((lambda a, b: a // b, "floor_divide"), (lambda a, b: a % b, "remainder")):
        with pytest.raises(TypeError, match=f"{name}: not supported for bool operands"):
            op(t, ag.tensor([True, True]))
        with pytest.raises(TypeError, match=name):
            op(t, True)
        assert op(t, 1).dtype == ag.int64
    with pytest.raises(TypeError, match="div: not supported for bool"):
        ag.div(t, t, rounding_mode="trunc")


def test_trunc_division_of_integers_is_exact_and_checks_zero():
    a = ag.tensor([-7, 7, -7, 7, -6, 0, -1, 2 ** 62 + 1])
    b = ag.tensor([2, 2, -2, -2, 3, 4, 3, 1])
    out = ag.div(a, b, rounding_mode="trunc")
    assert out.dtype == ag.int64
    assert out.tolist() == [-3, 3, 3, -3, -2, 0, 0, 2 ** 62 + 1]
    with pytest.raises(ZeroDivisionError, match="div: integer division by zero"):
        ag.div(a, 0, rounding_mode="trunc")


def test_trunc_division_in_place_on_a_recorded_tensor_has_zero_gradient():
    leaf = ag.tensor([1.0, -2.5, 3.0], requires_grad=True)
    y = ag.tensor([2.0, 2.0, 2.0], requires_grad=True)
    x = leaf.clone()
    x.div_(y, rounding_mode="trunc")  # saves nothing that the in-place write invalidates
    x.sum().backward()
    np.testing.assert_array_equal(leaf.grad.array, 0)
    np.testing.assert_array_equal(y.grad.array, 0)


def test_logit_is_one_node_and_logit_inplace_on_a_recorded_tensor_backpropagates():
    leaf = ag.tensor([0.2, 0.5, 0.9], dtype=ag.float64, requires_grad=True)
    x = leaf.clone()
    x.logit_()
    assert type(x.grad_fn).__name__ == "Logit"
    x.sum().backward()
    p = leaf.array
    np.testing.assert_allclose(leaf.grad.array, 1 / (p * (1 - p)))


def test_logit_eps_gradient_is_zero_outside_the_clamped_range():
    p = ag.tensor([0.05, 0.1, 0.5, 0.9, 0.95], dtype=ag.float64, requires_grad=True)
    y = ag.logit(p, eps=0.1)
    np.testing.assert_allclose(y.array, np.log([1 / 9, 1 / 9, 1.0, 9.0, 9.0]), rtol=1e-12)
    y.sum().backward()
    np.testing.assert_allclose(p.grad.array, [0.0, 1 / 0.09, 4.0, 1 / 0.09, 0.0])
    assert ag.logit(ag.tensor([1, 0]), eps=0.25).dtype == ag.float32


# ---------------------------------------------------------------------------- clear errors instead of numpy's
def test_sign_of_bool_is_the_identity():
    out = ag.sign(ag.tensor([True, False]))
    assert out.dtype == ag.bool_ and out.tolist() == [True, False]
    assert ag.sign(ag.tensor([-2, 0, 3])).tolist() == [-1, 0, 1]


@pytest.mark.parametrize("a,b", [([True], [False]), ([True, False], [True]), (True, [False]), ([True], 1),
                                 ([True], 1.0), (1.0, [True]), ([1.0], [True])])
def test_bool_subtraction_raises_the_same_clear_error_on_every_path(a, b):
    a = ag.tensor(a) if isinstance(a, list) else a
    b = ag.tensor(b) if isinstance(b, list) else b
    with pytest.raises(TypeError, match="sub: subtracting bool tensors .* is not supported; use logical_xor"):
        a - b
    if isinstance(a, ag.Tensor):
        with pytest.raises(TypeError, match="sub: subtracting bool tensors"):
            ag.sub(a, b, alpha=2)


def test_lerp_refuses_non_float_tensors():
    for t in (ag.tensor([True]), ag.tensor([1])):
        with pytest.raises(TypeError, match=f"lerp: input must be a floating point tensor, got dtype {t.dtype}"):
            ag.lerp(t, ag.tensor([1.0]), 0.5)
    with pytest.raises(TypeError, match="lerp: end must be a floating point tensor, got dtype bool"):
        ag.lerp(ag.tensor([1.0]), ag.tensor([False]), 0.5)
    with pytest.raises(TypeError, match="lerp: weight must be a floating point tensor"):
        ag.lerp(ag.tensor([1.0]), ag.tensor([2.0]), ag.tensor([1]))
    with pytest.raises(TypeError, match="lerp: weight must be a float tensor or a number, got str"):
        ag.lerp(ag.tensor([1.0]), ag.tensor([2.0]), "a")


@pytest.mark.parametrize("kw", [{"min": "a"}, {"max": "a"}, {"min": [0.5]}, {"min": None, "max": object()}])
def test_clamp_refuses_bad_bounds_by_name_and_type(kw):
    name = "max" if kw.get("min") is None else "min"
    bad = type(kw[name]).__name__
    with pytest.raises(TypeError, match=f"clamp: {name} must be a number or a tensor, got {bad}"):
        ag.ones(3).clamp(**kw)
    with pytest.raises(TypeError, match="clamp: min must be a number or a tensor, got str"):
        ag.ones(3).clamp("a")


def test_clamp_tensor_bounds_errors():
    with pytest.raises(RuntimeError, match=r"clamp: shapes \(3,\) and \(2,\) cannot be broadcast"):
        ag.ones(3).clamp(ag.zeros(2))
    with pytest.raises(TypeError, match="clamp: expected a tensor"):
        ag.clamp([1.0], 0.0, 1.0)


# ---------------------------------------------------------------------------- gradients as in PyTorch
_NAN = float("nan")


def _clamp_grads(x, lo, hi):
    ts = [None if v is None else ag.tensor(v, dtype=ag.float64, requires_grad=True) for v in (x, lo, hi)]
    y = ag.clamp(*ts)
    y.sum().backward()
    return [y.tolist()] + [None if t is None else t.grad.tolist() for t in ts[1:]] + [ts[0].grad.tolist()]


def _same(got, want):
    np.testing.assert_array_equal(np.array(got, dtype=float), np.array(want, dtype=float))


def test_clamp_tensor_bounds_route_gradients_as_pytorch():
    # values and gradients recorded from torch 2.13: x, lo, hi with ties at both bounds, NaNs everywhere
    xs = [0., 1., 2., 3., 4., _NAN, 1., 2., 0., _NAN, _NAN]
    los = [1., 1., 1., 1., 1., 1., _NAN, 3., 2., _NAN, 2.]
    his = [3., 3., 3., 3., 3., 3., 3., _NAN, 1., 3., _NAN]
    y, glo, ghi, gx = _clamp_grads(xs, los, his)
    _same(y, [1., 1., 2., 3., 3., _NAN, _NAN, _NAN, 1., _NAN, _NAN])
    _same(gx, [0., 1., 1., 1., 0., 0., 0., 0., 0., 0., 0.])
    _same(glo, [1., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0.])
    _same(ghi, [0., 0., 0., 0., 1., 0., 0., 0., 1., 0., 0.])


def test_clamp_tensor_bounds_with_lo_above_hi_or_equal():
    y, glo, ghi, gx = _clamp_grads([0., 1.5, 3., 1., 2.], [2.] * 5, [1., 1., 1., 2., 2.])
    _same(y, [1., 1., 1., 2., 2.])
    _same(gx, [0., 0., 0., 0., 1.])
    _same(glo, [0.] * 5)
    _same(ghi, [1., 1., 1., 0., 0.])
    y, glo, ghi, gx = _clamp_grads([0., 1., 2.], [1.] * 3, [1.] * 3)  # lo == hi: x gets it only at the tie
    _same(gx, [0., 1., 0.])
    _same(glo, [0., 0., 0.])
    _same(ghi, [0., 0., 1.])


def test_clamp_one_tensor_bound_routes_gradients_as_pytorch():
    xs = [0., 1., 2., 3., 4., _NAN, 1., 2., 0., _NAN, _NAN]
    los = [1., 1., 1., 1., 1., 1., _NAN, 3., 2., _NAN, 2.]
    his = [3., 3., 3., 3., 3., 3., 3., _NAN, 1., 3., _NAN]
    y, glo, _, gx = _clamp_grads(xs, los, None)
    _same(y, [1., 1., 2., 3., 4., _NAN, _NAN, 3., 2., _NAN, _NAN])
    _same(gx, [0., 1., 1., 1., 1., 0., 0., 0., 0., 0., 0.])
    _same(glo, [1., 0., 0., 0., 0., 0., 0., 1., 1., 0., 0.])
    y, _, ghi, gx = _clamp_grads(xs, None, his)
    _same(y, [0., 1., 2., 3., 3., _NAN, 1., _NAN, 0., _NAN, _NAN])
    _same(gx, [1., 1., 1., 1., 0., 0., 1., 0., 1., 0., 0.])
    _same(ghi, [0., 0., 0., 0., 1., 0., 0., 0., 0., 0., 0.])


def test_clamp_tie_sends_the_gradient_to_x_not_half_half():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    lo = ag.tensor([1.0, 0.0], requires_grad=True)
    hi = ag.tensor([3.0, 2.0], requires_grad=True)
    x.clamp(lo, hi).sum().backward()
    np.testing.assert_array_equal(x.grad.array, [1.0, 1.0])
    np.testing.assert_array_equal(lo.grad.array, [0.0, 0.0])
    np.testing.assert_array_equal(hi.grad.array, [0.0, 0.0])
    assert type(x.clamp(lo, hi).grad_fn).__name__ == "Clamp"  # one node, not maximum + minimum


def test_clamp_number_bounds_gradients_as_pytorch():
    # recorded from torch 2.13; lo > hi gives hi (NaN stays NaN), a NaN bound gives NaN everywhere
    for lo, hi, y_want, g_want in [(1, 3, [1, 1, 2, 3, 3, _NAN], [0, 1, 1, 1, 0, 0]),
                                   (2, 1, [1, 1, 1, 1, 1, _NAN], [0, 0, 0, 0, 0, 0]),
                                   (1, 1, [1, 1, 1, 1, 1, _NAN], [0, 1, 0, 0, 0, 0]),
                                   (_NAN, 2, [_NAN] * 6, [0] * 6), (1, _NAN, [_NAN] * 6, [0] * 6)]:
        x = ag.tensor([0., 1., 2., 3., 4., _NAN], dtype=ag.float64, requires_grad=True)
        y = x.clamp(lo, hi)
        y.sum().backward()
        _same(y.tolist(), y_want)
        _same(x.grad.tolist(), g_want)


def test_clamp_tensor_bound_dtypes_and_broadcast_gradient_shapes():
    x = ag.tensor([[0.0, 1.0, 2.0]], requires_grad=True)
    lo = ag.tensor(0.5, dtype=ag.float64, requires_grad=True)  # 0-d: does not promote
    hi = ag.tensor([[1.5], [1.8]], requires_grad=True)
    y = x.clamp(lo, hi)
    assert y.dtype == ag.float32 and y.shape == (2, 3)
    y.sum().backward()
    assert x.grad.shape == (1, 3) and lo.grad.shape == () and lo.grad.dtype == ag.float64
    np.testing.assert_array_equal(x.grad.array, [[0.0, 2.0, 0.0]])
    assert lo.grad.item() == 2.0
    np.testing.assert_array_equal(hi.grad.array, [[1.0], [1.0]])


def test_clamp_on_the_gpu_backend(stand_in):
    x = ag.tensor([0.0, 1.0, 2.0], device="cuda", requires_grad=True)
    lo = ag.tensor([1.0, 1.0, 1.0], device="cuda", requires_grad=True)
    y = x.clamp(lo, 1.5)
    y.sum().backward()
    assert y.device == "cuda" and x.grad.device == "cuda"
    assert x.grad.tolist() == [0.0, 1.0, 0.0] and lo.grad.tolist() == [1.0, 0.0, 0.0]
    with pytest.raises(RuntimeError, match="clamp: expected all tensors on the same device"):
        x.clamp(ag.tensor([1.0, 1.0, 1.0]))


def test_atan2_gradient_at_the_origin_is_zero():
    a = ag.tensor([0.0, 0.0, 1.0], dtype=ag.float64, requires_grad=True)
    b = ag.tensor([0.0, 2.0, 0.0], dtype=ag.float64, requires_grad=True)
    ga, gb = ag.grad(ag.atan2(a, b).sum(), [a, b], create_graph=True)
    np.testing.assert_array_equal(ga.array, [0.0, 0.5, 0.0])
    np.testing.assert_array_equal(gb.array, [0.0, 0.0, -1.0])
    gga, ggb = ag.grad((ga + gb).sum(), [a, b])
    assert np.isfinite(gga.array).all() and np.isfinite(ggb.array).all()


def test_maximum_minimum_nan_and_tie_gradients_as_pytorch():
    for fn, gx_want, gy_want in [(ag.maximum, [0.5, 1.0, 1.0, 0.0], [0.5, 0.0, 1.0, 1.0]),
                                 (ag.minimum, [0.5, 0.0, 1.0, 1.0], [0.5, 1.0, 1.0, 0.0])]:
        x = ag.tensor([1.0, 2.0, _NAN, 0.0], requires_grad=True)
        y = ag.tensor([1.0, 1.0, 1.0, 1.0], requires_grad=True)
        fn(x, y).sum().backward()
        _same(x.grad.tolist(), gx_want)
        _same(y.grad.tolist(), gy_want)


def test_minimum_of_unsigned_integers():
    a, b = ag.tensor([0, 5, 200], dtype=ag.uint8), ag.tensor([2, 1, 255], dtype=ag.uint8)
    assert ag.minimum(a, b).tolist() == [0, 1, 200] and ag.minimum(a, b).dtype == ag.uint8
    assert ag.minimum(ag.tensor([True, False]), ag.tensor([True, True])).tolist() == [True, False]


# ---------------------------------------------------------------------------- API
def test_where_with_two_numbers():
    c = ag.tensor([True, False, True])
    out = ag.where(c, 1.0, 0.0)
    assert out.dtype == ag.float32 and out.tolist() == [1.0, 0.0, 1.0] and not out.requires_grad
    assert ag.where(c, 1, 0).dtype == ag.int64
    assert ag.where(c, 1, 0.5).dtype == ag.float32
    assert ag.where(c, True, False).dtype == ag.bool_
    assert ag.where(ag.tensor(True), 2.0, 3.0).shape == ()
    with pytest.raises(TypeError, match="where: expected tensors or numbers, got str and float"):
        ag.where(c, "a", 0.0)


def test_where_with_two_numbers_stays_on_the_condition_device(device):
    c = ag.tensor([True, False], device=device)
    out = ag.where(c, 1.0, -1.0)
    assert out.device == c.device and out.tolist() == [1.0, -1.0]


def test_comparison_with_none_or_other_types_falls_back_to_python():
    x = ag.tensor([1.0, 2.0])
    assert (x == None) is False  # noqa: E711
    assert (x != None) is True  # noqa: E711
    assert (None == x) is False  # noqa: E711
    assert (x == "a") is False
    assert x not in [None, "a"]
    for op in (lambda: x < None, lambda: None >= x, lambda: x > "a", lambda: x & None, lambda: None | x):
        with pytest.raises(TypeError, match="not supported|unsupported operand"):
            op()
    assert ag.eq(x, None) is NotImplemented
    assert (x == [1.0, 3.0]).tolist() == [True, False]
    assert (x == np.float32(2.0)).tolist() == [False, True]


def test_addcmul_and_addcdiv():
    a, b, c = ag.tensor([1.0, 2.0]), ag.tensor([3.0, 4.0]), ag.tensor([2.0, 8.0])
    assert ag.addcmul(a, b, c).tolist() == [7.0, 34.0]
    assert a.addcmul(b, c, value=0.5).tolist() == [4.0, 18.0]
    assert ag.addcdiv(a, b, c, value=2).tolist() == [4.0, 3.0]
    assert a.addcdiv(b, c).tolist() == [2.5, 2.5]
    assert ag.addcmul(ag.tensor([1]), ag.tensor([2]), ag.tensor([3]), value=2).tolist() == [13]
    with pytest.raises(RuntimeError, match="addcdiv: integer division"):
        ag.addcdiv(a, ag.tensor([1]), ag.tensor([2]))
    with pytest.raises(RuntimeError, match="addcmul: for integral or bool inputs .* value must be an integer"):
        ag.addcmul(ag.tensor([1]), ag.tensor([2]), ag.tensor([3]), value=0.5)
    with pytest.raises(TypeError, match="addcmul: tensor2 must be a tensor, got float"):
        ag.addcmul(a, b, 2.0)
    with pytest.raises(TypeError, match="addcdiv: value must be a number, got Tensor"):
        ag.addcdiv(a, b, c, value=ag.tensor(1.0))
    with pytest.raises(TypeError, match="addcmul: not supported for bool"):
        ag.addcmul(ag.tensor([True]), ag.tensor([True]), ag.tensor([True]))


def test_addcmul_addcdiv_gradients():
    a = ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True)
    b = ag.tensor([3.0, 4.0], dtype=ag.float64, requires_grad=True)
    c = ag.tensor([2.0, 8.0], dtype=ag.float64, requires_grad=True)
    ag.addcdiv(a, b, c, value=2).sum().backward()
    np.testing.assert_allclose(a.grad.array, [1.0, 1.0])
    np.testing.assert_allclose(b.grad.array, [1.0, 0.25])
    np.testing.assert_allclose(c.grad.array, [-1.5, -0.125])


# ---------------------------------------------------------------------------- optional: against PyTorch itself
def test_gradients_against_installed_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4))
    x[0, :2] = [0.0, 0.5]
    lo = np.where(rng.random((3, 4)) < 0.3, x, rng.standard_normal((3, 4)) - 1)  # ties with x
    hi = np.where(rng.random((3, 4)) < 0.3, x, rng.standard_normal((3, 4)) + 1)
    hi[1] = lo[1] - 0.5  # lo > hi
    cases = [lambda m, a, b, c: m.clamp(a, b, c), lambda m, a, b, c: m.clamp(a, min=b),
             lambda m, a, b, c: m.clamp(a, max=c), lambda m, a, b, c: m.atan2(a * 0, b * 0) + m.atan2(a, b),
             lambda m, a, b, c: m.maximum(a, b) + m.minimum(a, c), lambda m, a, b, c: m.addcdiv(a, b, c, value=2),
             lambda m, a, b, c: m.addcmul(a, b, c, value=-1.5), lambda m, a, b, c: m.lerp(a, b, c),
             lambda m, a, b, c: m.where(a > 0, b, 1.0)]
    for fn in cases:
        ours = [ag.tensor(v, requires_grad=True) for v in (x, lo, hi)]
        theirs = [torch.tensor(v, requires_grad=True) for v in (x, lo, hi)]
        fn(ag, *ours).sum().backward()
        fn(torch, *theirs).sum().backward()
        for o, t in zip(ours, theirs):
            want = np.zeros_like(x) if t.grad is None else t.grad.numpy()
            got = np.zeros_like(x) if o.grad is None else o.grad.array
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
