"""Every in-place method: bumps the version counter exactly once, returns self, keeps the tensor object and its
memory, refuses a leaf that requires grad (outside no_grad), and leaves the tensor unchanged when it raises."""
import numpy as np
import pytest

import autograd as ag
from autograd.function import _version_of

SHAPE = (3, 4)


def _target(dtype="float32", requires_grad=False, shape=SHAPE):
    """Values in (0.2, 0.8): inside the domain of every unary op (log, asin, logit, ...)."""
    n = int(np.prod(shape))
    if dtype == "bool":
        data = np.arange(n).reshape(shape) % 3 == 0
    elif dtype.startswith("int"):
        data = (np.arange(n).reshape(shape) % 5 + 1).astype(dtype)
    else:
        data = np.linspace(0.2, 0.8, n).reshape(shape).astype(dtype)
    return ag.tensor(data, requires_grad=requires_grad)


def _shape(name):
    return SPECS[name][2] if len(SPECS[name]) > 2 else SHAPE


def _target_for(name, requires_grad=False):
    return _target(SPECS[name][0], requires_grad, _shape(name))


def _f(*values):
    return ag.tensor(np.array(values, dtype=np.float32))


_IDX = lambda: ag.tensor([0, 2])  # noqa: E731
_MASK = lambda: ag.tensor(np.arange(12).reshape(SHAPE) % 2 == 0)  # noqa: E731

# name -> (target dtype, () -> (args, kwargs)[, target shape]); "int" targets are integer-only ops (no gradient)
SPECS = {
    **{n: ("float32", lambda: ((), {})) for n in (
        "abs_", "acos_", "asin_", "atan_", "ceil_", "cos_", "cosh_", "erf_", "exp_", "expm1_", "floor_", "log10_",
        "log1p_", "log2_", "log_", "logit_", "neg_", "reciprocal_", "relu_", "round_", "rsqrt_", "sigmoid_",
        "sign_", "sin_", "sinh_", "sqrt_", "square_", "tan_", "tanh_", "trunc_", "zero_", "nan_to_num_")},
    **{n: ("float32", lambda: ((_f(0.5, 1.5, 2.0, 0.25),), {})) for n in (
        "add_", "sub_", "mul_", "div_", "pow_", "floor_divide_", "remainder_", "maximum_", "minimum_", "atan2_")},
    "clamp_": ("float32", lambda: ((0.3, 0.6), {})),
    "clip_": ("float32", lambda: ((), {"min": _f(0.3, 0.3, 0.4, 0.5), "max": _f(0.6)})),
    "clamp_min_": ("float32", lambda: ((0.5,), {})),
    "clamp_max_": ("float32", lambda: ((0.5,), {})),
    "cumsum_": ("float32", lambda: ((1,), {})),
    "cumprod_": ("float32", lambda: ((0,), {})),
    "renorm_": ("float32", lambda: ((2, 0, 0.5), {})),
    "copy_": ("float32", lambda: ((_f(1.0, 2.0, 3.0, 4.0),), {})),
    "fill_": ("float32", lambda: ((2.5,), {})),
    "lerp_": ("float32", lambda: ((_f(1.0), 0.5), {})),
    "fmod_": ("float32", lambda: ((_f(0.5, 1.5, 2.0, 0.25),), {})),
    "fill_diagonal_": ("float32", lambda: ((2.0,), {})),
    "uniform_": ("float32", lambda: ((), {})),
    "normal_": ("float32", lambda: ((), {})),
    "bernoulli_": ("float32", lambda: ((0.5,), {})),
    "exponential_": ("float32", lambda: ((), {})),
    "random_": ("float32", lambda: ((2, 10), {})),
    "geometric_": ("float32", lambda: ((0.5,), {})),
    "cauchy_": ("float32", lambda: ((), {})),
    "log_normal_": ("float32", lambda: ((), {})),
    "t_": ("float32", lambda: ((), {})),
    "transpose_": ("float32", lambda: ((0, 1), {})),
    "unsqueeze_": ("float32", lambda: ((0,), {})),
    "squeeze_": ("float32", lambda: ((), {})),
    "bitwise_and_": ("int64", lambda: ((ag.tensor([1, 2, 3, 6]),), {})),
    "bitwise_or_": ("int64", lambda: ((ag.tensor([1, 2, 3, 6]),), {})),
    "bitwise_xor_": ("int64", lambda: ((ag.tensor([1, 2, 3, 6]),), {})),
    "index_add_": ("float32", lambda: ((0, _IDX(), ag.ones(2, 4)), {})),
    "index_copy_": ("float32", lambda: ((0, _IDX(), ag.ones(2, 4)), {})),
    "index_fill_": ("float32", lambda: ((1, _IDX(), -1.0), {})),
    "index_put_": ("float32", lambda: (((_IDX(),), ag.ones(4)), {})),
    "masked_fill_": ("float32", lambda: ((_MASK(), -1.0), {})),
    "masked_scatter_": ("float32", lambda: ((_MASK(), ag.ones(3, 4)), {})),
    "scatter_": ("float32", lambda: ((0, ag.tensor([[0, 1, 2, 0]]), ag.ones(1, 4)), {})),
    "scatter_add_": ("float32", lambda: ((0, ag.tensor([[0, 1, 2, 0]]), ag.ones(1, 4)), {})),
    **{n: ("float32", lambda: ((), {})) for n in (
        "lgamma_", "digamma_", "erfc_", "erfinv_", "i0_", "sinc_", "exp2_", "acosh_", "asinh_", "atanh_",
        "arccosh_", "arcsinh_", "arctanh_", "deg2rad_", "rad2deg_", "frac_", "absolute_", "sgn_", "fix_",
        "arccos_", "arcsin_", "arctan_", "negative_")},
    **{n: ("float32", lambda: ((_f(0.5, 1.5, 2.0, 0.25),), {})) for n in (
        "xlogy_", "igamma_", "igammac_", "hypot_", "nextafter_", "heaviside_", "arctan2_", "multiply_",
        "subtract_", "divide_", "true_divide_")},
    "polygamma_": ("float32", lambda: ((1,), {})),
    "mvlgamma_": ("float32", lambda: ((1,), {})),
    "copysign_": ("float32", lambda: ((_f(-1.0, 2.0, -0.5, -3.0),), {})),
    "ldexp_": ("float32", lambda: ((ag.tensor([2, 3, 4, 6]),), {})),
    "float_power_": ("float64", lambda: ((2.5,), {})),
    "gcd_": ("int64", lambda: ((ag.tensor([2, 3, 4, 6]),), {})),
    "lcm_": ("int64", lambda: ((ag.tensor([2, 3, 4, 6]),), {})),
    # in-place forms that other modules may add; checked when present
    "addcmul_": ("float32", lambda: ((_f(1.0, 2.0, 3.0, 4.0), _f(0.5)), {})),
    "addcdiv_": ("float32", lambda: ((_f(1.0, 2.0, 3.0, 4.0), _f(0.5)), {})),
    **{n: ("float32", lambda: ((_f(0.5, 1.5, 2.0, 0.25),), {})) for n in (
        "eq_", "ne_", "not_equal_", "lt_", "less_", "le_", "less_equal_", "gt_", "greater_", "ge_", "greater_equal_",
        "logical_and_", "logical_or_", "logical_xor_")},
    "logical_not_": ("float32", lambda: ((), {})),
    "conj_physical_": ("float32", lambda: ((), {})),
    "tril_": ("float32", lambda: ((), {})),
    "triu_": ("float32", lambda: ((1,), {})),
    "bitwise_not_": ("int64", lambda: ((), {})),
    "bitwise_left_shift_": ("int64", lambda: ((ag.tensor([1, 2, 3, 6]),), {})),
    "bitwise_right_shift_": ("int64", lambda: ((ag.tensor([1, 2, 3, 6]),), {})),
    "addmm_": ("float32", lambda: ((ag.ones(3, 2), ag.ones(2, 4)), {})),
    "addbmm_": ("float32", lambda: ((ag.ones(2, 3, 2), ag.ones(2, 2, 4)), {"alpha": 0.5})),
    "addr_": ("float32", lambda: ((ag.ones(3), _f(1.0, 2.0, 3.0, 4.0)), {})),
    "addmv_": ("float32", lambda: ((ag.ones(4, 2), _f(1.0, 2.0)), {"beta": 2.0}), (4,)),
    "baddbmm_": ("float32", lambda: ((ag.ones(2, 3, 2), ag.ones(2, 2, 4)), {}), (2, 3, 4)),
    "index_reduce_": ("float32", lambda: ((0, _IDX(), ag.full((2, 4), 2.0), "prod"), {})),
    "scatter_reduce_": ("float32", lambda: ((0, ag.tensor([[0, 1, 2, 0]]), ag.full((1, 4), 2.0), "sum"), {})),
    "put_": ("float32", lambda: ((ag.tensor([0, 5]), _f(1.0, 2.0)), {})),
    "swapaxes_": ("float32", lambda: ((0, 1), {})),
    "swapdims_": ("float32", lambda: ((1, 0), {})),
    "as_strided_": ("float32", lambda: (((2, 2), (4, 1)), {})),
    "resize_": ("float32", lambda: ((4, 3), {})),
    "resize_as_": ("float32", lambda: ((ag.zeros(2, 6),), {})),
    "set_": ("float32", lambda: ((ag.zeros(12),), {})),
    "apply_": ("float32", lambda: ((lambda v: 2 * v,), {})),
    "map_": ("float32", lambda: ((_f(1.0, 2.0, 3.0, 4.0), lambda a, b: a + b), {})),
    "map2_": ("float32", lambda: ((_f(1.0), _f(1.0, 2.0, 3.0, 4.0), lambda s, a, b: s + a * b), {})),
}
NOT_DATA = {"requires_grad_", "detach_"}  # in place on autograd state, not on the values
NO_BACKWARD = {"heaviside_", "igamma_", "igammac_"}  # their backward raises, as PyTorch's does
RANDOM = {"uniform_", "normal_", "bernoulli_", "exponential_", "random_", "geometric_", "cauchy_", "log_normal_"}
SHAPE_OPS = {"t_", "transpose_", "unsqueeze_", "squeeze_", "swapaxes_", "swapdims_", "as_strided_", "resize_",
             "resize_as_", "set_"}  # change the shape (or memory) in place, not the values
NEW_MEMORY = {"set_"}  # takes another tensor's memory
# refused on any tensor that requires grad, even under no_grad: a Python callable or a resize autograd cannot follow
GRAD_REFUSED = {"apply_", "map_", "map2_", "resize_", "resize_as_"}
# the specs' index/mask/bound/matrix shapes are for the full target, so the view test takes a view of all of it
FULL_VIEW = {"index_add_", "index_copy_", "index_put_", "scatter_", "scatter_add_", "masked_fill_", "masked_scatter_",
             "clip_", "fill_diagonal_", "addmm_", "addbmm_", "addr_", "addmv_", "baddbmm_", "index_reduce_",
             "scatter_reduce_"}
SAME_VALUES = {"trunc_", "floor_", "round_", "ceil_", "nan_to_num_", "relu_", "abs_", "clamp_max_", "maximum_",
               "bernoulli_", "bitwise_and_", "bitwise_or_", "frac_", "absolute_",
               "conj_physical_"} | SHAPE_OPS  # may leave these values as they are
METHODS = sorted(n for n in dir(ag.Tensor) if n.endswith("_") and not n.startswith("_") and n not in NOT_DATA)
FLOAT_METHODS = [n for n in METHODS if n in SPECS and SPECS[n][0] == "float32"]
GRAD_METHODS = [n for n in FLOAT_METHODS if n not in GRAD_REFUSED]


def _call(name, x):
    args, kwargs = SPECS[name][1]()
    return getattr(x, name)(*args, **kwargs)


def test_every_inplace_method_has_a_spec():
    missing = [n for n in METHODS if n not in SPECS]
    assert not missing, f"add the in-place methods {missing} to SPECS in {__file__}"


@pytest.mark.parametrize("name", [n for n in METHODS if n in SPECS])
def test_plain_tensor_changes_in_place_once(name):
    x = _target_for(name)
    data, v0 = x.array, _version_of(x)
    before = data.copy()
    out = _call(name, x)
    assert out is x
    assert _version_of(x) == v0 + 1
    assert x.dtype == before.dtype
    if name in SHAPE_OPS:
        assert (name in NEW_MEMORY) != np.shares_memory(x.array, data)
        return
    assert x.array is data and x.shape == before.shape  # same memory, written through
    if name not in SAME_VALUES:
        assert not np.array_equal(x.array, before), "the values did not change"


# inplace.zero_ calls fill_, whose error names fill_ (inplace.py belongs to another module's owners)
_NAMED_AS_OTHER = {"zero_": "fill_"}


@pytest.mark.parametrize("name", GRAD_METHODS)
def test_leaf_requiring_grad_is_refused_and_left_alone(name):
    x = _target_for(name, requires_grad=True)
    before, v0 = x.array.copy(), _version_of(x)
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad") as err:
        _call(name, x)
    assert str(err.value).startswith(f"{_NAMED_AS_OTHER.get(name, name)}:"), str(err.value)
    np.testing.assert_array_equal(x.array, before)
    assert _version_of(x) == v0 and x.is_leaf and x.requires_grad and x.shape == _shape(name)


@pytest.mark.parametrize("name", [n for n in GRAD_METHODS if n not in SHAPE_OPS])
def test_view_of_leaf_requiring_grad_is_refused(name):
    x = _target_for(name, requires_grad=True)
    before = x.array.copy()
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        _call(name, x.view(_shape(name)))
    np.testing.assert_array_equal(x.array, before)
    assert _version_of(x) == 0


@pytest.mark.parametrize("name", GRAD_METHODS)
def test_leaf_requiring_grad_is_allowed_under_no_grad(name):
    x = _target_for(name, requires_grad=True)
    data = x.array
    with ag.no_grad():
        out = _call(name, x)
    assert out is x and (name in NEW_MEMORY) != np.shares_memory(x.array, data) and _version_of(x) == 1
    assert x.is_leaf and x.requires_grad and x.grad_fn is None


@pytest.mark.parametrize("name", [n for n in GRAD_METHODS if n not in NO_BACKWARD])
def test_recorded_on_a_non_leaf(name):
    leaf = _target_for(name, requires_grad=True)
    x = leaf.clone()
    data = x.array
    out = _call(name, x)
    assert out is x and (name in NEW_MEMORY) != np.shares_memory(x.array, data) and _version_of(x) == 1
    assert leaf._version == 0
    if x.requires_grad:  # random fills cut the tensor from the tape
        x.sum().backward()
        assert leaf.grad is not None and leaf.grad.shape == leaf.shape


@pytest.mark.parametrize("name", [n for n in FLOAT_METHODS if n not in SHAPE_OPS])
def test_on_a_view_bumps_the_shared_counter_once(name):
    base = _target_for(name)
    view = base.view(_shape(name)) if name in FULL_VIEW else base[1:]
    args, kwargs = SPECS[name][1]()
    before = base.array.copy()
    out = getattr(view, name)(*args, **kwargs)
    assert out is view
    assert base._version == 1 and _version_of(view) == 1
    if name not in RANDOM and name not in SAME_VALUES:
        assert not np.array_equal(base.array, before)


@pytest.mark.parametrize("no_grad", [False, True])
@pytest.mark.parametrize("leaf", [True, False])
@pytest.mark.parametrize("name", sorted(GRAD_REFUSED))
def test_refused_on_any_tensor_that_requires_grad(name, leaf, no_grad):
    x = _target_for(name, requires_grad=True)
    x = x if leaf else x * 1
    before, v0 = x.array.copy(), _version_of(x)
    with pytest.raises(RuntimeError, match=f"^{name}: .*requires grad"):
        if no_grad:
            with ag.no_grad():
                _call(name, x)
        else:
            _call(name, x)
    np.testing.assert_array_equal(x.array, before)
    assert _version_of(x) == v0 and x.shape == _shape(name)


# ---------------------------------------------------------------------------- errors change nothing
_INT_REFUSED = [  # int64 target, float result: PyTorch refuses the cast ("result type Float can't be cast")
    ("add_", (0.5,)), ("sub_", (0.5,)), ("mul_", (1.5,)), ("div_", (2,)), ("pow_", (0.5,)),
    ("add_", (_f(0.5),)), ("mul_", (_f(0.5),)), ("floor_divide_", (0.5,)), ("remainder_", (0.5,)),
    ("maximum_", (_f(0.5),)), ("minimum_", (_f(0.5),)), ("atan2_", (ag.tensor([1, 2, 3, 4]),)),
    ("exp_", ()), ("log_", ()), ("sqrt_", ()), ("sigmoid_", ()), ("tanh_", ()), ("reciprocal_", ()), ("sin_", ()),
    ("clamp_", (0, 1.5)), ("clamp_min_", (0.5,)), ("clamp_max_", (0.5,)), ("clip_", (0.5,)),
]
_BOOL_REFUSED = [("add_", (1,)), ("mul_", (2,)), ("sub_", (True,)), ("pow_", (2,)), ("floor_divide_", (True,)),
                 ("square_", ()), ("neg_", ())]


@pytest.mark.parametrize("name,args", _INT_REFUSED, ids=[f"{n}-{i}" for i, (n, _) in enumerate(_INT_REFUSED)])
def test_int_target_refuses_float_result_and_is_unchanged(name, args):
    x = _target("int64")
    before = x.array.copy()
    with pytest.raises(RuntimeError, match=f"{name}: result type float.* can't be cast to the dtype int64"):
        getattr(x, name)(*args)
    np.testing.assert_array_equal(x.array, before)
    assert x.dtype == ag.int64 and _version_of(x) == 0


@pytest.mark.parametrize("name,args", _BOOL_REFUSED, ids=[f"{n}-{i}" for i, (n, _) in enumerate(_BOOL_REFUSED)])
def test_bool_target_refuses_and_is_unchanged(name, args):
    x = _target("bool")
    before = x.array.copy()
    with pytest.raises((RuntimeError, TypeError), match=name.rstrip("_")):
        getattr(x, name)(*args)
    np.testing.assert_array_equal(x.array, before)
    assert x.dtype == ag.bool_ and _version_of(x) == 0


def test_lerp_on_int_target_is_refused_and_unchanged():
    x = _target("int64")
    before = x.array.copy()
    with pytest.raises(TypeError, match="lerp: input must be a floating point tensor"):
        x.lerp_(ag.ones(3, 4), 0.5)
    np.testing.assert_array_equal(x.array, before)
    assert _version_of(x) == 0


@pytest.mark.parametrize("recorded", [False, True])
@pytest.mark.parametrize("name,args", [("add_", (ag.ones(2, 3, 4),)), ("mul_", (ag.ones(5),)),
                                       ("copy_", (ag.ones(2, 4),)), ("clamp_", (ag.zeros(5), None)),
                                       ("maximum_", (ag.ones(2, 3, 4),)), ("lerp_", (ag.ones(7), 0.5))])
def test_shape_errors_leave_the_tensor_unchanged(name, args, recorded):
    leaf = _target(requires_grad=recorded)
    x = leaf.clone() if recorded else leaf
    fn_before, before = x.grad_fn, x.array.copy()
    with pytest.raises((RuntimeError, ValueError)):
        getattr(x, name)(*args)
    np.testing.assert_array_equal(x.array, before)
    assert _version_of(x) == 0 and x.grad_fn is fn_before


def test_chained_inplace_ops_bump_once_each():
    x = _target()
    x.add_(1.0).mul_(2.0).clamp_(0.0, 2.5).zero_()
    assert x._version == 4
    np.testing.assert_array_equal(x.array, 0)


def test_inplace_op_after_save_for_backward_is_detected():
    leaf = _target(requires_grad=True)
    x = leaf.clone()
    y = x.exp()  # saves its output
    y.mul_(2.0)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.sum().backward()
