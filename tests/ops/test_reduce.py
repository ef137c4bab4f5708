"""Reductions: ties, zeros, extremes, dtypes and error messages (the registry covers values and gradients)."""
import math
import warnings

import numpy as np
import pytest

import autograd as ag
from autograd.ops.reduce import norm


def _t(values, dtype="float64", grad=True):
    t = ag.from_numpy(np.array(values, dtype=dtype))
    return t.requires_grad_(True) if grad else t


def _grad(fn, x):
    x.grad = None
    fn(x).sum().backward()
    return x.grad.array


# ---------------------------------------------------------------------------- ties
def test_max_without_dim_splits_ties_evenly_like_amax():
    x = _t([[1.0, 3.0, 3.0], [3.0, 0.0, 2.0]])
    g = _grad(lambda x: ag.max(x), x)
    np.testing.assert_allclose(g, [[0, 1 / 3, 1 / 3], [1 / 3, 0, 0]])
    np.testing.assert_allclose(_grad(ag.amax, x), g)
    np.testing.assert_allclose(_grad(lambda x: x.min(), x), [[0, 0, 0], [0, 1, 0]])


def test_amax_with_dims_splits_ties_within_each_slice():
    x = _t([[[1.0, 2.0], [2.0, 0.5]], [[4.0, 4.0], [4.0, 1.0]]])
    g = _grad(lambda x: ag.amax(x, (1, 2)), x)
    np.testing.assert_allclose(g, [[[0, 0.5], [0.5, 0]], [[1 / 3, 1 / 3], [1 / 3, 0]]])
    g = _grad(lambda x: ag.amin(x, -1, keepdim=True), x)
    np.testing.assert_allclose(g, [[[1, 0], [0, 1]], [[0.5, 0.5], [0, 1]]])


def test_max_with_dim_routes_gradient_to_the_returned_index():
    x = _t([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
    out = ag.max(x, 1)
    assert isinstance(out, ag.return_types.max) and out._fields == ("values", "indices")
    values, indices = out
    assert indices.dtype == ag.int64 and not indices.requires_grad
    np.testing.assert_array_equal(indices.array, [1, 0])
    values.sum().backward()
    np.testing.assert_allclose(x.grad.array, [[0, 1, 0], [1, 0, 0]])
    x.grad = None
    v, i = x.min(dim=0, keepdim=True)
    assert v.shape == (1, 3) and i.shape == (1, 3)
    (v * ag.tensor([[1.0, 2.0, 3.0]], dtype=ag.float64)).sum().backward()
    np.testing.assert_allclose(x.grad.array, [[1, 0, 0], [0, 2, 3]])


def test_max_with_other_tensor_is_maximum():
    a, b = _t([1.0, 5.0, 2.0]), _t([3.0, 4.0, 2.0])
    np.testing.assert_array_equal(ag.max(a, b).array, [3, 5, 2])
    np.testing.assert_array_equal(a.min(b).array, [1, 4, 2])
    np.testing.assert_array_equal(ag.max(a, other=b).array, [3, 5, 2])


def test_median_lower_value_ties_and_indices():
    x = _t([[4.0, 1.0, 3.0, 2.0], [5.0, 5.0, 1.0, 5.0]])
    assert ag.median(x).item() == 3.0  # the lower of the two middle values, as in PyTorch
    v, i = x.median(1)
    np.testing.assert_array_equal(v.array, [2.0, 5.0])
    assert x.array[0, i.array[0]] == 2.0 and x.array[1, i.array[1]] == 5.0
    v.sum().backward()
    assert x.grad.array.sum() == 2.0 and x.grad.array[1, i.array[1]] == 1.0
    g = _grad(ag.median, _t([1.0, 2.0, 2.0, 7.0, 2.0]))
    np.testing.assert_allclose(g, [0, 1 / 3, 1 / 3, 0, 1 / 3])


def test_nan_propagates_through_max_and_median():
    x = _t([[1.0, math.nan, 3.0], [0.0, 2.0, 1.0]])
    v, i = ag.max(x, 1)
    assert math.isnan(v.array[0]) and i.array[0] == 1 and v.array[1] == 2.0
    v, i = ag.median(x, 1)
    assert math.isnan(v.array[0]) and i.array[0] == 1 and v.array[1] == 1.0
    assert math.isnan(ag.median(x).item()) and math.isnan(ag.amax(x).item())
    g = _grad(lambda x: ag.amax(x, 1), x)  # the NaN takes the gradient of its slice
    np.testing.assert_allclose(g, [[0, 1, 0], [0, 1, 0]])


def test_argmax_argmin():
    x = _t([[1.0, 7.0, 3.0], [9.0, 0.0, 9.0]], grad=False)
    assert ag.argmax(x).item() == 3 and ag.argmax(x).dtype == ag.int64
    assert ag.argmax(x, keepdim=True).shape == (1, 1)
    np.testing.assert_array_equal(x.argmin(1).array, [0, 1])
    np.testing.assert_array_equal(ag.argmax(x, 0, keepdim=True).array, [[1, 0, 1]])
    assert ag.argmax(ag.tensor(2.5), 0).item() == 0


# ---------------------------------------------------------------------------- prod / cumprod with zeros
def _brute_prod_grad(x):
    x = np.asarray(x, dtype=np.float64)
    return np.array([np.prod(np.delete(x, i)) for i in range(x.size)])


@pytest.mark.parametrize("values", [[2.0, 0.0, 3.0, -1.5], [0.0, 0.0, 3.0, 2.0], [0.0, 0.0, 0.0, 1.0],
                                    [1.5, 2.0, -0.5, 3.0], [0.0]])
def test_prod_gradient_with_zeros(values):
    x = _t(values)
    np.testing.assert_allclose(_grad(ag.prod, x), _brute_prod_grad(values))


def test_prod_gradient_with_zeros_along_a_dim():
    vals = np.array([[2.0, 0.0, 3.0], [0.0, 0.0, 4.0], [1.0, 2.0, 3.0]])
    x = _t(vals)
    g = _grad(lambda x: x.prod(1), x)
    np.testing.assert_allclose(g, np.stack([_brute_prod_grad(r) for r in vals]))


def test_prod_second_derivative_with_one_zero():
    x = _t([2.0, 0.0, 3.0])
    (g,) = ag.grad(ag.prod(x), x, create_graph=True)
    np.testing.assert_allclose(g.array, [0, 6, 0])
    (h,) = ag.grad((g * ag.tensor([0.0, 1.0, 0.0], dtype=ag.float64)).sum(), x)
    np.testing.assert_allclose(h.array, [3, 0, 2])  # d/dx_j of prod_{k != 1} x_k


def test_cumprod_gradient_with_zeros():
    vals = [2.0, 0.0, 3.0, 0.0, 1.5]
    x = _t(vals)
    w = np.array([1.0, -2.0, 0.5, 3.0, 1.0])
    x.grad = None
    (ag.cumprod(x, 0) * ag.from_numpy(w)).sum().backward()
    want = [sum(w[k] * np.prod([vals[j] for j in range(k + 1) if j != i]) for k in range(i, 5)) for i in range(5)]
    np.testing.assert_allclose(x.grad.array, want)


# ---------------------------------------------------------------------------- logsumexp
def test_logsumexp_large_values_are_finite():
    x = _t([[1000.0, 1000.0], [-1000.0, -1000.0]])
    y = ag.logsumexp(x, 1)
    np.testing.assert_allclose(y.array, [1000 + math.log(2), -1000 + math.log(2)])
    y.sum().backward()
    np.testing.assert_allclose(x.grad.array, np.full((2, 2), 0.5))


def test_logsumexp_of_all_minus_inf_is_minus_inf_with_zero_gradient():
    x = _t([[-math.inf, -math.inf], [0.0, -math.inf]])
    y = ag.logsumexp(x, 1)
    assert y.array[0] == -math.inf and y.array[1] == 0.0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.array, [[0, 0], [1, 0]])
    assert ag.logsumexp(_t([1.0, math.inf]), 0).item() == math.inf


def test_logsumexp_int_input_gives_float():
    y = ag.logsumexp(ag.tensor([0, 0]), 0)
    assert y.dtype == ag.float32 and abs(y.item() - math.log(2)) < 1e-6


def test_logcumsumexp_extremes_and_minus_inf_prefix():
    x = _t([[-math.inf, -math.inf, 0.0, 1.0], [1000.0, -1000.0, 1000.0, 0.0]])
    y = ag.logcumsumexp(x, 1)
    np.testing.assert_allclose(y.array, np.logaddexp.accumulate(x.array, axis=1))
    y.backward(ag.tensor([[1.0, -2.0, 3.0, -0.5], [1.0, 1.0, 1.0, 1.0]], dtype=ag.float64))
    g = x.grad.array
    assert np.isfinite(g).all() and (g[0, :2] == 0).all()
    np.testing.assert_allclose(g[1], [1 + 1 + 0.5 + 0.5, 0, 1, 0], atol=1e-12)


# ---------------------------------------------------------------------------- norm
@pytest.mark.parametrize("p", ["fro", 2, 3, 1.5, 0.5, 1, math.inf])
def test_norm_gradient_at_zero_is_zero_not_nan(p):
    x = _t(np.zeros((2, 3)))
    for f in (lambda x: norm(x, p), lambda x: x.norm(p, dim=1), lambda x: x.norm(p, (0, 1), keepdim=True)):
        g = _grad(f, x)
        assert not np.isnan(g).any()
        np.testing.assert_array_equal(g, 0)


def test_norm_values_and_inf_ties():
    x = _t([[3.0, -4.0], [-2.0, 2.0]])
    assert norm(x).item() == pytest.approx(math.sqrt(33))
    np.testing.assert_allclose(x.norm(1, 1).array, [7, 4])
    np.testing.assert_allclose(x.norm(0, 1).array, [2, 2])
    g = _grad(lambda x: x.norm(math.inf, 1), x)
    np.testing.assert_allclose(g, [[0, -1], [-0.5, 0.5]])


def test_norm_zero_with_partial_zeros_p_below_one():
    x = _t([0.0, 1.0, -2.0])
    g = _grad(lambda x: x.norm(0.5), x)
    assert g[0] == 0 and np.isfinite(g).all()


# ---------------------------------------------------------------------------- var / std
def test_std_of_constant_input_has_zero_gradient():
    x = _t([[2.0, 2.0, 2.0], [1.0, 2.0, 3.0]])
    g = _grad(lambda x: x.std(1), x)
    np.testing.assert_array_equal(g[0], 0)
    np.testing.assert_allclose(g[1], [-0.5, 0, 0.5])


def test_var_corrections_and_unbiased():
    x = _t([[1.0, 2.0, 4.0]], grad=False)
    assert x.var().item() == pytest.approx(np.var([1, 2, 4], ddof=1))
    assert x.var(unbiased=False).item() == pytest.approx(np.var([1, 2, 4]))
    assert ag.var(x, 1, False).item() == pytest.approx(np.var([1, 2, 4]))  # legacy positional unbiased
    assert x.var(correction=2).item() == pytest.approx(np.var([1, 2, 4], ddof=2))
    assert math.isnan(ag.var(ag.tensor([3.0])).item())  # one element, correction 1: NaN as in PyTorch
    v, m = ag.var_mean(x, 1)
    assert v.item() == pytest.approx(np.var([1, 2, 4], ddof=1)) and m.item() == pytest.approx(7 / 3)
    with pytest.raises(ValueError, match="either unbiased= or correction="):
        x.var(unbiased=True, correction=0)


# ---------------------------------------------------------------------------- dtypes
@pytest.mark.parametrize("dtype", ["bool", "uint8", "int8", "int32", "int64"])
def test_int_and_bool_sums_give_int64(dtype):
    x = ag.from_numpy(np.array([[1, 0, 1], [1, 1, 0]], dtype=dtype))
    for y in (x.sum(), ag.sum(x, 0), x.prod(1), x.cumsum(1), x.cumprod(0)):
        assert y.dtype == ag.int64 and not y.requires_grad
    assert x.sum().item() == 4


def test_float_dtypes_are_kept_and_dtype_argument_casts():
    x = ag.ones((2, 3), dtype=ag.float32, requires_grad=True)
    for y in (x.sum(), x.mean(1), x.prod(), x.amax(0), x.var(), x.logsumexp(1), x.norm(), x.cumsum(0)):
        assert y.dtype == ag.float32
    y = x.sum(dtype=ag.float64)
    assert y.dtype == ag.float64
    y.backward()
    assert x.grad.dtype == ag.float32
    assert ag.ones((2, 2), dtype=ag.float16).mean().dtype == ag.float16
    assert ag.tensor([1, 2]).mean(dtype=ag.float64).item() == 1.5


def test_mean_of_ints_asks_for_a_float_dtype():
    with pytest.raises(RuntimeError, match=r"mean: .*int64.*dtype=autograd.float32"):
        ag.tensor([1, 2, 3]).mean()


def test_mean_and_sum_of_empty():
    assert math.isnan(ag.zeros((0,)).mean().item())
    assert ag.zeros((0, 3)).sum().item() == 0 and ag.zeros((0, 3)).prod().item() == 1


def test_all_any_count_nonzero():
    x = ag.tensor([[1.0, 0.0], [2.0, 3.0]])
    assert not x.all().item() and x.any().item() and x.all().dtype == ag.bool
    np.testing.assert_array_equal(ag.all(x, 1).array, [False, True])
    np.testing.assert_array_equal(x.any(0, keepdim=True).array, [[True, True]])
    assert ag.count_nonzero(x).item() == 3 and ag.count_nonzero(x).dtype == ag.int64
    np.testing.assert_array_equal(x.count_nonzero(0).array, [2, 1])
    assert ag.tensor([1, 2], dtype=ag.uint8).all().dtype == ag.uint8


# ---------------------------------------------------------------------------- sum_to_size
def test_sum_to_size_and_double_backward_through_broadcasting():
    x = ag.ones((2, 3, 4), requires_grad=True)
    assert x.sum_to_size(3, 1).shape == (3, 1) and x.sum_to_size((1, 4)).shape == (1, 4)
    assert x.sum_to_size(2, 3, 4) is x
    with pytest.raises(RuntimeError, match=r"sum_to_size: size \(5,\) is not expandable"):
        x.sum_to_size(5)
    a = ag.tensor([[1.0, 2.0, 3.0]], dtype=ag.float64, requires_grad=True)
    b = ag.tensor([[1.0], [2.0]], dtype=ag.float64, requires_grad=True)
    (ga,) = ag.grad((a * a * b).sum(), a, create_graph=True)  # the engine sums back via sum_to_size
    np.testing.assert_allclose(ga.array, [[6.0, 12.0, 18.0]])
    ga.sum().backward()
    np.testing.assert_allclose(b.grad.array, [[12.0], [12.0]])


# ---------------------------------------------------------------------------- errors
@pytest.mark.parametrize("fn, op", [(lambda x: x.sum(3), "sum"), (lambda x: ag.mean(x, -4), "mean"),
                                    (lambda x: x.amax((0, 5)), "amax"), (lambda x: ag.max(x, 3), "max"),
                                    (lambda x: x.argmax(-4), "argmax"), (lambda x: x.cumsum(3), "cumsum"),
                                    (lambda x: x.var(7), "var"), (lambda x: x.logsumexp(3), "logsumexp"),
                                    (lambda x: x.norm(2, 3), "norm"), (lambda x: x.all(3), "all")])
def test_out_of_range_dim_names_op_dim_and_ndim(fn, op):
    x = ag.ones((2, 3, 4))
    with pytest.raises(IndexError, match=rf"{op}: dim -?\d+ is out of range for a tensor of 3 dimensions"):
        fn(x)


def test_repeated_dims_raise():
    x = ag.ones((2, 3, 4))
    with pytest.raises(RuntimeError, match=r"sum: dim 2 appears multiple times"):
        x.sum((2, -1))
    with pytest.raises(RuntimeError, match=r"amax: dim 0 appears multiple times"):
        x.amax([0, 1, 0])


def test_bad_dim_types_and_empty_reductions():
    x = ag.ones((2, 3))
    with pytest.raises(TypeError, match="sum: dim must be"):
        x.sum(1.5)
    with pytest.raises(TypeError, match="max: dim must be an int, got tuple; use amax"):
        ag.max(x, (0, 1))
    e = ag.zeros((0, 3))
    with pytest.raises(RuntimeError, match=r"max: the input is empty \(shape \(0, 3\)\)"):
        e.max()
    with pytest.raises(IndexError, match=r"amax: cannot reduce over dim 0 of size 0"):
        e.amax(0)
    assert e.amax(1).shape == (0,)
    with pytest.raises(IndexError, match="argmin: cannot reduce over dim 0 of size 0"):
        e.argmin(0)
    with pytest.raises(RuntimeError, match="argmax: the input is empty"):
        e.argmax()


def test_float_only_ops_reject_ints_and_bad_p():
    i = ag.tensor([1, 2, 3])
    with pytest.raises(TypeError, match=r"var: only floating point inputs are supported, got dtype int64"):
        i.var()
    with pytest.raises(TypeError, match=r"norm: only floating point"):
        i.norm()
    x = ag.ones((2, 2))
    with pytest.raises(NotImplementedError, match="nuclear"):
        x.norm("nuc")
    with pytest.raises(ValueError, match=r"norm: p=-1 is not supported"):
        x.norm(-1)
    with pytest.raises(TypeError, match="sum: expected a tensor"):
        ag.sum([1, 2])


def test_zero_dim_inputs_accept_dim_0_and_minus_1():
    x = ag.tensor(3.0, requires_grad=True)
    assert x.sum(0).item() == 3.0 and x.sum(-1, keepdim=True).shape == ()
    v, i = ag.max(x, 0)
    assert v.item() == 3.0 and i.item() == 0
    assert x.cumsum(0).item() == 3.0 and x.cumprod(-1).item() == 3.0
    with pytest.raises(IndexError, match="sum: dim 1 is out of range for a tensor of 0 dimensions"):
        x.sum(1)


# ---------------------------------------------------------------------------- half precision accumulates in float32
_LONG = [1.0, 0.1] * 25000  # float16 alone stalls at 2048: 2048 + 0.1 rounds back to 2048


def _halves():
    out = [ag.float16]
    if isinstance(ag.bfloat16, np.dtype):  # with ml_dtypes installed
        out.append(ag.bfloat16)
    return out


def _f32_then(fn, dtype, values, **kw):
    """The reference: the op in float32 (numpy), rounded to `dtype` once at the end."""
    return np.asarray(fn(np.asarray(values, dtype=dtype).astype(np.float32), **kw)).astype(dtype)


@pytest.mark.parametrize("dtype", _halves(), ids=str)
def test_half_cumsum_sum_and_cumprod_accumulate_in_float32(device, dtype):
    x = ag.tensor(_LONG, dtype=dtype, device=device)
    c = x.cumsum(0)
    assert c.dtype == dtype
    np.testing.assert_array_equal(c.cpu().numpy(), _f32_then(np.cumsum, dtype, _LONG))
    for y, ref in ((x.sum(), np.sum), (x.nansum(), np.nansum), (x.mean(), np.mean)):
        assert y.dtype == dtype
        assert float(y.item()) == float(_f32_then(ref, dtype, _LONG))
    if dtype == ag.float16:
        assert c[-1].item() == 27488.0 and x.sum().item() == 27504.0  # PyTorch's values (float16 alone: 2048)
    p = ag.tensor([1.001] * 5000, dtype=dtype, device=device)
    np.testing.assert_array_equal(p.cumprod(0).cpu().numpy(), _f32_then(np.cumprod, dtype, [1.001] * 5000))
    assert float(p.prod().item()) == float(_f32_then(np.prod, dtype, [1.001] * 5000))
    r = ag.tensor(np.arange(6).reshape(2, 3) % 4 + 1.0, dtype=dtype, device=device)
    np.testing.assert_array_equal(r.cumsum(1).cpu().numpy(), _f32_then(np.cumsum, dtype, r.cpu().numpy(), axis=1))


@pytest.mark.parametrize("dtype", _halves(), ids=str)
def test_half_reductions_keep_their_dtype_and_gradients(dtype):
    x = ag.tensor(_LONG[:2000], dtype=dtype, requires_grad=True)
    for fn in (lambda x: x.cumsum(0), lambda x: x.cumprod(0), lambda x: x.sum(), lambda x: x.var(),
               lambda x: x.std(), lambda x: x.norm(), lambda x: x.logsumexp(0), lambda x: x.mean()):
        x.grad = None
        y = fn(x)
        assert y.dtype == dtype
        y.backward(ag.ones_like(y))
        assert x.grad.dtype == dtype
    x.grad = None
    c = x.cumsum(0)
    c.backward(ag.ones_like(c))  # the gradient of cumsum is a reverse cumsum: also accumulated in float32
    np.testing.assert_array_equal(x.grad.numpy(), np.arange(2000, 0, -1).astype(dtype))


def test_half_accumulation_matches_pytorch():
    torch = pytest.importorskip("torch")
    pairs = [(ag.float16, torch.float16)]
    if isinstance(ag.bfloat16, np.dtype):
        pairs.append((ag.bfloat16, torch.bfloat16))
    for ours, theirs in pairs:
        x, t = ag.tensor(_LONG, dtype=ours), torch.tensor(_LONG, dtype=theirs)
        assert x.cumsum(0)[-1].item() == t.cumsum(0)[-1].item()
        assert x.sum().item() == t.sum().item()
        assert x.mean().item() == t.mean().item()
        p, tp = ag.tensor([1.001] * 5000, dtype=ours), torch.tensor([1.001] * 5000, dtype=theirs)
        assert p.cumprod(0)[-1].item() == pytest.approx(tp.cumprod(0)[-1].item(), rel=1e-2)


# ---------------------------------------------------------------------------- var / std: correction
@pytest.mark.parametrize("bad", ["a", None.__class__, [1], ag.ones(2)])
def test_var_correction_must_be_a_number(bad):
    x = ag.ones((2, 3))
    for op in (x.var, x.std):
        with pytest.raises(TypeError, match=r"(var|std): correction must be a number \(int or float\), not "):
            op(correction=bad)
    with pytest.raises(TypeError, match="var_mean: correction must be a number"):
        ag.var_mean(x, correction="a")


def test_var_accepts_float_and_negative_corrections():
    x = _t([1.0, 2.0, 4.0], grad=False)
    assert x.var(correction=2.5).item() == pytest.approx(np.var([1, 2, 4], ddof=2.5))
    assert x.var(correction=-1).item() == pytest.approx(np.var([1, 2, 4], ddof=-1))
    assert x.var(correction=ag.tensor(2)).item() == pytest.approx(np.var([1, 2, 4], ddof=2))


_INFS = math.inf
_NANS = math.nan


@pytest.mark.parametrize("op, c, dim, value, grad", [
    # full reductions: +inf gradient, NaN where an element equals the mean (values from PyTorch 2.x)
    ("var", 6, None, _INFS, [[_INFS, _INFS, _INFS], [_INFS, _INFS, _INFS]]),
    ("var", 9, None, _INFS, [[_INFS, _INFS, _INFS], [_INFS, _INFS, _INFS]]),
    ("std", 6, None, _INFS, [[_NANS] * 3, [_NANS] * 3]),
    # dim reductions: PyTorch uses 2 / (N - correction) as it is (inf for N == correction, finite beyond)
    ("var", 3, 1, [_INFS, _NANS], [[-_INFS, -_INFS, _INFS], [_NANS, _NANS, _NANS]]),
    ("var", 4, 1, [_INFS, _NANS], [[8 / 3, 2 / 3, -10 / 3], [0.0, 0.0, 0.0]]),
    ("var", 5, 1, [_INFS, _NANS], [[4 / 3, 1 / 3, -5 / 3], [0.0, 0.0, 0.0]]),
    ("std", 3, 1, [_INFS, _NANS], [[_NANS] * 3, [_NANS] * 3]),
    ("std", 4, 1, [_INFS, _NANS], [[0.0, 0.0, 0.0], [_NANS] * 3]),
])
def test_var_and_std_without_degrees_of_freedom_match_pytorch(op, c, dim, value, grad):
    x = _t([[1.0, 2.0, 4.0], [3.0, 3.0, 3.0]])
    with np.errstate(all="ignore"):
        y = getattr(x, op)(correction=c) if dim is None else getattr(x, op)(dim, correction=c)
        np.testing.assert_array_equal(y.array, value)
        w = 1.0 if dim is None else ag.tensor([1.0, -2.0], dtype=ag.float64)
        (y * w).sum().backward()
    np.testing.assert_allclose(x.grad.array, grad, rtol=1e-12)


def test_full_var_without_degrees_of_freedom_is_nan_where_elements_equal_the_mean():
    x = _t([1.0, 2.0, 3.0])  # 2.0 is the mean
    x.var(correction=3).backward()
    np.testing.assert_array_equal(x.grad.array, [_INFS, _NANS, _INFS])
    z = _t(5.0)  # a 0-d input: one element, correction 1
    z.var().backward()
    assert math.isnan(z.grad.item())


def test_var_and_std_gradients_match_pytorch_for_every_correction():
    torch = pytest.importorskip("torch")
    values = [[1.0, 2.0, 4.0], [3.0, 3.0, 3.0]]
    for op in ("var", "std"):
        for c in (0, 1, 2, 2.5, 3, 4, 7, -1):
            for dim in (None, 0, 1, (0, 1)):
                x, t = _t(values), torch.tensor(values, dtype=torch.float64, requires_grad=True)
                kw = {"correction": c} if dim is None else {"dim": dim, "correction": c}
                with np.errstate(all="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # PyTorch warns when no degrees of freedom are left
                    y, ty = getattr(x, op)(**kw), getattr(t, op)(**kw)
                    k = np.arange(y.array.size).reshape(y.shape)
                    w = (k + 1.0) * (-1.0) ** k  # weights of both signs
                    (y * ag.tensor(w)).sum().backward()
                    (ty * torch.tensor(w)).sum().backward()
                np.testing.assert_allclose(y.array, ty.detach().numpy(), equal_nan=True, err_msg=f"{op} {c} {dim}")
                np.testing.assert_allclose(x.grad.array, t.grad.numpy(), equal_nan=True, err_msg=f"{op} {c} {dim}")


# ---------------------------------------------------------------------------- int arguments
@pytest.mark.parametrize("fn, match", [
    (lambda x: x.sum(0.5), r"sum: dim must be None, an int or a tuple of ints, not float"),
    (lambda x: x.sum((0, 1.5)), r"sum: dim must be an int or a tuple of ints, but found element of type float at "
                                r"pos 1"),
    (lambda x: x.mean(True), r"mean: dim must be None, an int or a tuple of ints, not bool"),
    (lambda x: x.amax(0.0), r"amax: dim must be None, an int or a tuple of ints, not float"),
    (lambda x: x.var(0.5), r"var: dim must be None, an int or a tuple of ints, not float"),
    (lambda x: x.cumsum(0.5), r"cumsum: dim must be an int, got float"),
    (lambda x: x.cumprod(1.0), r"cumprod: dim must be an int, got float"),
    (lambda x: x.logcumsumexp(1.0), r"logcumsumexp: dim must be an int, got float"),
    (lambda x: ag.max(x, 0.5), r"max: dim must be an int, got float"),
    (lambda x: x.median(0.5), r"median: dim must be an int, got float"),
    (lambda x: x.argmax(0.5), r"argmax: dim must be an int, got float"),
    (lambda x: x.sum_to_size(2.5), r"sum_to_size: size must be ints"),
    (lambda x: x.logsumexp(0.5), r"logsumexp: dim must be None, an int or a tuple of ints, not float"),
    (lambda x: x.count_nonzero(0.5), r"count_nonzero: dim must be None, an int or a tuple of ints, not float"),
    (lambda x: x.norm(2, 0.5), r"norm: dim must be None, an int or a tuple of ints, not float"),
])
def test_float_dims_raise_type_errors_naming_the_op(fn, match):
    with pytest.raises(TypeError, match=match):
        fn(ag.ones((2, 3)))


def test_integer_like_dims_are_accepted():
    x = ag.ones((2, 3))
    assert x.sum(np.int64(1)).shape == (2,) and x.sum(ag.tensor(1)).shape == (2,)
    assert x.cumsum(np.int32(1)).shape == (2, 3) and x.sum((np.int64(0), 1)).shape == ()
