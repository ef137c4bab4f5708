"""nn functional ops: numerical stability, error messages, dropout statistics and seeding, batch_norm running stats."""
import importlib
import math
import warnings

import numpy as np
import pytest

import autograd as ag
from autograd.ops import activation as A
from autograd.ops import ctc as C
from autograd.ops import attention as T
from autograd.ops import loss as L
from autograd.ops import normalization as N
from autograd.ops import regularization as D


def _t(*shape, dtype="float64", grad=False, seed=0, low=None, high=None):
    rng = np.random.default_rng(seed)
    arr = rng.standard_normal(shape) if low is None else rng.uniform(low, high, shape)
    return ag.tensor(arr.astype(dtype), requires_grad=grad)


def _grad_of(fn, x):
    x = x.detach().requires_grad_(True)
    out = fn(x)
    (g,) = ag.grad(out.sum(), x)
    return out, g


# ---------------------------------------------------------------------------- stability
_EXTREME = [[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [1e4, 1e4, -1e4], [3.0, 1e4, -2.0]]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name, fn", [
    ("cross_entropy", lambda x: L.cross_entropy(x, ag.tensor([1, 0, 2, 0]))),
    ("cross_entropy-none", lambda x: L.cross_entropy(x, ag.tensor([0, 1, 2, 1]), reduction="none")),
    ("cross_entropy-smoothing", lambda x: L.cross_entropy(x, ag.tensor([1, 0, 2, 0]), label_smoothing=0.1)),
    ("cross_entropy-probs", lambda x: L.cross_entropy(x, ag.full(x.shape, 1 / 3, dtype=x.dtype))),
    ("nll(log_softmax)", lambda x: L.nll_loss(A.log_softmax(x, 1), ag.tensor([1, 0, 2, 0]))),
    ("log_softmax", lambda x: A.log_softmax(x, 1)),
    ("softmax", lambda x: A.softmax(x, 1)),
    ("softplus", A.softplus),
    ("softplus-beta", lambda x: A.softplus(x, beta=3.0, threshold=1e9)),
    ("bce_with_logits", lambda x: L.binary_cross_entropy_with_logits(x, ag.full(x.shape, 0.3, dtype=x.dtype))),
    ("bce_with_logits-pos_weight", lambda x: L.binary_cross_entropy_with_logits(
        x, ag.ones(x.shape, dtype=x.dtype), pos_weight=ag.full((3,), 2.0, dtype=x.dtype))),
    ("logsigmoid", ag.logsigmoid),
    ("silu", A.silu), ("mish", A.mish), ("gelu", A.gelu), ("gelu-tanh", lambda x: A.gelu(x, approximate="tanh")),
    ("elu", A.elu), ("selu", A.selu), ("celu", A.celu), ("softsign", A.softsign),
    ("soft_margin", lambda x: L.soft_margin_loss(x, ag.ones(x.shape, dtype=x.dtype))),
])
def test_extreme_inputs_give_finite_values_and_gradients(name, fn, dtype):
    x = ag.tensor(np.array(_EXTREME, dtype=dtype))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings from numpy either
        out, g = _grad_of(fn, x)
    assert np.isfinite(out.array).all(), (name, out)
    assert np.isfinite(g.array).all(), (name, g)


# values near the dtype's limit: intermediate results (x * x, -v - v, ...) overflow to inf where the right answer is
# finite; numpy must not warn about those (PyTorch is silent), and values and gradients are exact
_HUGE = {"float32": (1e30, 3e38), "float64": (1e300, 1.7e308)}


def _huge(dtype, grad=True):
    big, top = _HUGE[dtype]
    return ag.tensor(np.array([-top, -big, -1.5, 0.5, big, top], dtype=dtype), requires_grad=grad), big, top


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_softsign_and_gelu_of_huge_inputs_are_exact_and_silent(dtype):
    x, big, top = _huge(dtype)
    y = A.softsign(x)
    y.backward(ag.ones_like(y))
    np.testing.assert_array_equal(y.array[[0, 1, 4, 5]], [-1, -1, 1, 1])
    np.testing.assert_allclose(y.array[[2, 3]], [-0.6, 1 / 3], rtol=1e-6)
    np.testing.assert_array_equal(x.grad.array[[0, 1, 4, 5]], 0)
    np.testing.assert_allclose(x.grad.array[[2, 3]], [0.16, 4 / 9], rtol=1e-6)
    for approximate in ("none", "tanh"):
        x.grad = None
        y = A.gelu(x, approximate=approximate)
        y.backward(ag.ones_like(y))
        np.testing.assert_array_equal(y.array[[0, 1, 4, 5]], np.array([0, 0, big, top], dtype=dtype))
        np.testing.assert_array_equal(x.grad.array[[0, 1, 4, 5]], [0, 0, 1, 1])  # tanh: no inf * 0 = nan
        assert np.isfinite(x.grad.array).all()


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_huber_and_smooth_l1_of_huge_differences_are_exact_and_silent(dtype):
    x, big, top = _huge(dtype)
    def zero(a):
        return ag.zeros(a.shape, dtype=dtype)

    for fn, width, scale in [(lambda a, **k: L.huber_loss(a, zero(a), **k), 1.0, 1.0),
                             (lambda a, **k: L.huber_loss(a, zero(a), delta=0.5, **k), 0.5, 0.5),
                             (lambda a, **k: L.smooth_l1_loss(a, zero(a), **k), 1.0, 1.0),
                             (lambda a, **k: L.smooth_l1_loss(a, zero(a), beta=2.0, **k), 2.0, 1.0)]:
        x.grad = None
        loss = fn(x, reduction="none")
        loss.backward(ag.ones_like(loss))
        d = np.abs(x.array.astype(np.float64))
        dq = np.minimum(d, width)
        want = np.where(d < width, 0.5 * dq * dq * scale / width, (d - 0.5 * width) * scale)
        np.testing.assert_allclose(loss.array, want, rtol=1e-6)
        gwant = np.where(d < width, x.array * scale / width, np.sign(x.array) * scale)
        np.testing.assert_allclose(x.grad.array, gwant, rtol=1e-6)
        mean = fn(x[1:5])  # 'mean' of values that do not overflow when summed
        np.testing.assert_allclose(mean.array, want[1:5].mean(), rtol=1e-6)


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_cross_entropy_and_softmax_of_huge_logits_are_exact_and_silent(dtype):
    top = _HUGE[dtype][1]
    rows = np.array([[top, -top, 0.0], [-top, top, 1.0], [0.0, 1.0, -top]], dtype=dtype)
    target = ag.tensor([0, 2, 1])
    s1 = 1 / (1 + math.e)  # sigmoid(-1)
    want_grad = np.array([[0, 0, 0], [0, 1, -1], [s1, -s1, 0]])
    for reduction, scale in [("none", 1.0), ("sum", 1.0), ("mean", 1 / 3)]:
        x = ag.tensor(rows, requires_grad=True)
        loss = L.cross_entropy(x, target, reduction=reduction)
        loss.backward(ag.ones_like(loss))
        want = np.array([0.0, float(np.float64(top) - 1), math.log1p(math.exp(-1))])
        np.testing.assert_allclose(loss.array, want if reduction == "none" else want.sum() * scale, rtol=1e-6)
        np.testing.assert_allclose(x.grad.array, want_grad * scale, rtol=1e-6, atol=1e-7)
    x = ag.tensor(rows, requires_grad=True)
    loss = L.cross_entropy(x, target, weight=ag.tensor(np.array([1.0, 0.5, 0.25], dtype=dtype)), label_smoothing=0.1)
    loss.backward()  # the smoothed loss is inf (a log-probability of -inf), as in PyTorch, but its gradient is not
    assert np.isfinite(x.grad.array).all()
    for fn in (lambda a: A.softmax(a, 1), lambda a: A.log_softmax(a, 1), lambda a: A.softmin(a, 1),
               lambda a: L.nll_loss(A.log_softmax(a, 1), target)):
        x = ag.tensor(rows, requires_grad=True)
        y = fn(x)
        y.backward(ag.ones_like(y))
        assert np.isfinite(x.grad.array).all()
    np.testing.assert_allclose(A.softmax(ag.tensor(rows), 1).array, [[1, 0, 0], [0, 1, 0], [s1, 1 - s1, 0]],
                               rtol=1e-6)


def test_extreme_input_warnings_are_kept_where_the_result_really_overflows():
    x = ag.tensor(np.array([3e38], dtype="float32"))
    with pytest.warns(RuntimeWarning, match="overflow"):
        L.mse_loss(x, ag.zeros(1))  # (3e38)^2 is inf: a real overflow, not silenced


def test_cross_entropy_extreme_values_are_exact():
    x = ag.tensor([[1e4, -1e4], [-1e4, 1e4]], requires_grad=True)
    loss = L.cross_entropy(x, ag.tensor([0, 0]), reduction="none")
    np.testing.assert_allclose(loss.array, [0.0, 2e4])
    loss.sum().backward()
    np.testing.assert_allclose(x.grad.array, [[0, 0], [-1, 1]])


def test_log_softmax_of_extreme_values_and_softplus_linear_tail():
    y = A.log_softmax(ag.tensor([1e4, 0.0, -1e4]), 0)
    np.testing.assert_allclose(y.array, [0.0, -1e4, -2e4])
    np.testing.assert_allclose(A.softplus(ag.tensor([1e4, -1e4, 30.0])).array, [1e4, 0.0, 30.0])


def test_bce_clamps_log_like_pytorch():
    x = ag.tensor([0.0, 1.0, 0.5], requires_grad=True)
    t = ag.tensor([1.0, 0.0, 1.0])
    loss = L.binary_cross_entropy(x, t, reduction="none")
    np.testing.assert_allclose(loss.array, [100.0, 100.0, math.log(2)], rtol=1e-6)
    loss.sum().backward()
    assert np.isfinite(x.grad.array).all()
    np.testing.assert_allclose(x.grad.array[2], -2.0, rtol=1e-6)


def test_softmax_rows_with_only_masked_scores_give_zero_attention_not_nan():
    q, k, v = _t(1, 2, 3, grad=True), _t(1, 4, 3, seed=1, grad=True), _t(1, 4, 2, seed=2, grad=True)
    mask = ag.tensor([[True, False, True, False], [False, False, False, False]])
    out = T.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    assert np.isfinite(out.array).all()
    np.testing.assert_array_equal(out.array[0, 1], [0.0, 0.0])
    out.sum().backward()
    for t in (q, k, v):
        assert np.isfinite(t.grad.array).all()


def test_normalize_of_a_zero_vector_has_a_finite_gradient():
    x = ag.tensor([[0.0, 0.0], [3.0, 4.0]], requires_grad=True)
    y = N.normalize(x, dim=1)
    np.testing.assert_allclose(y.array, [[0, 0], [0.6, 0.8]])
    y.sum().backward()
    assert np.isfinite(x.grad.array).all()
    cos = N.cosine_similarity(x, ag.tensor([[1.0, 2.0], [1.0, 0.0]]))
    np.testing.assert_allclose(cos.array, [0.0, 0.6])


# ---------------------------------------------------------------------------- errors
def test_cross_entropy_target_out_of_range_names_value_and_classes():
    x = _t(3, 5)
    with pytest.raises(IndexError, match=r"cross_entropy: target class index 7 is out of range for 5 classes"):
        L.cross_entropy(x, ag.tensor([1, 7, 2]))
    with pytest.raises(IndexError, match=r"target class index -1 is out of range for 5 classes"):
        L.cross_entropy(x, ag.tensor([1, -1, 2]))
    with pytest.raises(IndexError, match=r"nll_loss: target class index 5 is out of range for 5 classes"):
        L.nll_loss(x, ag.tensor([5, 0, 0]))
    L.cross_entropy(x, ag.tensor([1, -100, 2]))  # the ignored index is fine
    L.cross_entropy(x, ag.tensor([1, 9, 2]), ignore_index=9)


def test_cross_entropy_float_target_where_class_indices_are_expected():
    with pytest.raises(RuntimeError, match=r"cross_entropy: expected class indices .*int64.* of shape \(3,\) for input "
                                           r"of shape \(3, 5\), got a target of dtype float32"):
        L.cross_entropy(_t(3, 5), ag.tensor([1.0, 2.0, 0.0]))
    with pytest.raises(RuntimeError, match=r"nll_loss: .*got a target of dtype bool"):
        L.nll_loss(_t(3, 5), ag.tensor([True, False, True]))


def test_cross_entropy_int_target_where_probabilities_are_expected():
    with pytest.raises(RuntimeError, match=r"cross_entropy: a target with the input's shape \(3, 5\) is read as class "
                                           r"probabilities and must be floating point, got dtype int64"):
        L.cross_entropy(_t(3, 5), ag.zeros(3, 5, dtype=ag.int64))


def test_cross_entropy_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"cross_entropy: expected a target of shape \(3,\) .* for input of shape "
                                         r"\(3, 5\), got target of shape \(4,\)"):
        L.cross_entropy(_t(3, 5), ag.tensor([0, 1, 2, 3]))
    with pytest.raises(RuntimeError, match=r"expected a target of shape \(2, 4\) .* input of shape \(2, 3, 4\), got "
                                           r"target of shape \(2, 3\)"):
        L.cross_entropy(_t(2, 3, 4), ag.zeros(2, 3, dtype=ag.int64))
    with pytest.raises(RuntimeError, match=r"weight must have shape \(5,\)"):
        L.cross_entropy(_t(3, 5), ag.tensor([0, 1, 2]), weight=ag.ones(4))
    with pytest.raises(RuntimeError, match="label_smoothing must be between 0.0 and 1.0"):
        L.cross_entropy(_t(3, 5), ag.tensor([0, 1, 2]), label_smoothing=1.5)


def test_loss_argument_errors():
    x = _t(3, 4)
    with pytest.raises(ValueError, match=r"mse_loss: reduction must be one of 'none', 'mean', 'sum', got 'avg'"):
        L.mse_loss(x, x, reduction="avg")
    with pytest.raises(RuntimeError, match=r"mse_loss: target of shape \(2, 4\) does not match the input of shape "
                                           r"\(3, 4\)"):
        L.mse_loss(x, _t(2, 4))
    with pytest.warns(UserWarning, match=r"target size \(3, 1\) that is different to the input size \(3, 4\)"):
        L.l1_loss(x, _t(3, 1))
    with pytest.raises(ValueError, match=r"binary_cross_entropy: target of shape \(3, 1\) does not match the "
                                         r"input of shape \(3, 4\)"):
        L.binary_cross_entropy(ag.full((3, 4), 0.5), ag.ones(3, 1))
    with pytest.raises(RuntimeError, match="binary_cross_entropy: all elements of input should be between 0 and 1"):
        L.binary_cross_entropy(ag.tensor([0.5, 1.5]), ag.tensor([1.0, 0.0]))
    with pytest.raises(ValueError, match="var has negative entry"):
        L.gaussian_nll_loss(x, x, -ag.ones(3, 4))
    with pytest.raises(ValueError, match=r"var of shape \(2,\) is of incorrect size"):
        L.gaussian_nll_loss(x, x, ag.ones(2))
    with pytest.raises(TypeError, match="mse_loss: input must be a floating point tensor, got dtype int64"):
        L.mse_loss(ag.tensor([1, 2]), ag.tensor([1, 2]))
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        out = L.mse_loss(x, x * 0, size_average=False)
    np.testing.assert_allclose(out.item(), float((x.array ** 2).sum()))


def test_kl_div_mean_warns_and_batchmean_divides_by_batch():
    x, t = A.log_softmax(_t(4, 3), 1), A.softmax(_t(4, 3, seed=1), 1)
    with pytest.warns(UserWarning, match="'batchmean'"):
        mean = L.kl_div(x, t)
    np.testing.assert_allclose(L.kl_div(x, t, reduction="batchmean").item(), mean.item() * 3)


def test_activation_and_norm_errors():
    with pytest.raises(ValueError, match=r"glu: halving dimension must be even, but dimension -1 of shape \(2, 3\)"):
        A.glu(_t(2, 3))
    with pytest.raises(IndexError, match=r"softmax: dim 2 is out of range for a tensor of 2 dimensions"):
        A.softmax(_t(2, 3), 2)
    with pytest.raises(TypeError, match="gelu: expected a floating point tensor, got dtype int64"):
        A.gelu(ag.tensor([1, 2]))
    with pytest.raises(ValueError, match=r"gelu: approximate must be 'none' or 'tanh', got 'fast'"):
        A.gelu(_t(2), approximate="fast")
    with pytest.raises(ValueError, match=r"layer_norm: normalized_shape \(4,\) must match the trailing dimensions "
                                         r"of the input, but the input has shape \(2, 3\)"):
        N.layer_norm(_t(2, 3), (4,))
    with pytest.raises(ValueError, match=r"layer_norm: weight has shape \(2,\), expected \(3,\)"):
        N.layer_norm(_t(2, 3), (3,), ag.ones(2))
    with pytest.raises(ValueError, match=r"batch_norm: running_mean has shape \(4,\), expected \(3,\)"):
        N.batch_norm(_t(2, 3), ag.zeros(4), ag.ones(4))
    with pytest.raises(ValueError, match=r"expected more than 1 value per channel when training, got input of "
                                         r"shape \(1, 3\)"):
        N.batch_norm(_t(1, 3), None, None, training=True)
    with pytest.raises(ValueError, match=r"group_norm: the number of channels \(6\) must be divisible by "
                                         r"num_groups \(4\)"):
        N.group_norm(_t(2, 6), 4)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        y = A.softmax(_t(2, 3))
    np.testing.assert_allclose(y.array.sum(1), [1, 1])


def test_attention_errors():
    q = _t(2, 3, 4)
    with pytest.raises(RuntimeError, match=r"expected query \(\.\.\., L, E\), key \(\.\.\., S, E\) and value "
                                           r"\(\.\.\., S, Ev\), got shapes \(2, 3, 4\), \(2, 5, 3\) and \(2, 5, 3\)"):
        T.scaled_dot_product_attention(q, _t(2, 5, 3), _t(2, 5, 3))
    with pytest.raises(ValueError, match="give either attn_mask or is_causal=True, not both"):
        T.scaled_dot_product_attention(q, q, q, attn_mask=ag.ones(3, 3, dtype=ag.bool), is_causal=True)
    with pytest.raises(RuntimeError, match=r"attn_mask of shape \(4, 4\) cannot be broadcast to the attention "
                                           r"scores' shape \(2, 3, 3\)"):
        T.scaled_dot_product_attention(q, q, q, attn_mask=ag.ones(4, 4, dtype=ag.bool))
    with pytest.raises(TypeError, match="attn_mask must be bool"):
        T.scaled_dot_product_attention(q, q, q, attn_mask=ag.ones(3, 3, dtype=ag.int64))


# ---------------------------------------------------------------------------- dropout
def test_dropout_statistics_and_scaling():
    ag.manual_seed(0)
    x = ag.ones(200, 500)
    for p in (0.1, 0.5, 0.8):
        y = D.dropout(x, p)
        zero = (y.array == 0).mean()
        assert abs(zero - p) < 0.01, (p, zero)
        np.testing.assert_allclose(np.unique(y.array[y.array != 0]), [1 / (1 - p)], rtol=1e-6)
        assert abs(y.array.mean() - 1) < 0.02
    assert y.dtype == ag.float32


def test_dropout_is_seeded_by_manual_seed_and_differs_between_calls():
    x = ag.ones(50, 40)
    ag.manual_seed(123)
    a, b = D.dropout(x, 0.5), D.dropout(x, 0.5)
    ag.manual_seed(123)
    c = D.dropout(x, 0.5)
    np.testing.assert_array_equal(a.array, c.array)
    assert not np.array_equal(a.array, b.array)


def test_dropout_eval_p0_and_gradient():
    x = _t(4, 5, grad=True)
    assert D.dropout(x, 0.5, training=False) is x
    assert D.dropout(x, 0.0) is x
    ag.manual_seed(1)
    y = D.dropout(x, 0.4)
    y.backward(ag.ones_like(y))
    np.testing.assert_allclose(x.grad.array, (y.array != 0) / 0.6)
    z = D.dropout(x, 1.0)
    assert (z.array == 0).all()


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_dropout_rejects_probabilities_outside_0_1(p):
    for fn in (D.dropout, D.dropout1d, D.dropout2d, D.alpha_dropout):
        with pytest.raises(ValueError, match=rf"dropout probability has to be between 0 and 1, but got {p}"):
            fn(_t(2, 3, 4, 4), p)


def test_dropout2d_and_1d_drop_whole_channels():
    ag.manual_seed(3)
    y = D.dropout2d(ag.ones(8, 16, 3, 3), 0.5)
    per_channel = y.array.reshape(8, 16, 9)
    assert ((per_channel == 0).all(-1) | (per_channel == 2).all(-1)).all()
    assert 0 < (per_channel == 0).all(-1).mean() < 1
    y = D.dropout1d(ag.ones(16, 5), 0.5)  # unbatched (C, L)
    assert ((y.array == 0).all(-1) | (y.array == 2).all(-1)).all()
    with pytest.raises(ValueError, match=r"dropout2d: expected a 3-D or 4-D input"):
        D.dropout2d(ag.ones(2, 3), 0.5)


def test_dropout2d_reads_3d_input_as_n_c_l_with_a_warning_like_pytorch():
    ag.manual_seed(4)
    x = ag.ones(2, 16, 5, requires_grad=True)
    with pytest.warns(UserWarning, match=r"dropout2d: Received a 3D input to dropout2d .* interpreted as shape "
                                         r"\(N, C, L\).* using dropout1d"):
        y = D.dropout2d(x, 0.5)
    rows = y.array  # dropped per (n, c): whole rows of L, not whole (C, H, W) slices of dim 0
    assert ((rows == 0).all(-1) | (rows == 2).all(-1)).all()
    for n in range(2):
        assert 0 < (rows[n] == 0).all(-1).mean() < 1
    y.backward(ag.ones_like(y))
    np.testing.assert_array_equal(x.grad.array, rows)
    with pytest.warns(UserWarning, match="Received a 3D input to dropout2d"):
        assert D.dropout2d(x, 0.5, training=False) is x  # warned in eval mode too, as PyTorch does
    with pytest.warns(UserWarning, match="Received a 3D input to dropout2d"):
        nn_out = importlib.import_module("nn").Dropout2d(0.5)(ag.ones(2, 16, 5))
    assert ((nn_out.array == 0).all(-1) | (nn_out.array == 2).all(-1)).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        D.dropout2d(ag.ones(2, 3, 4, 4), 0.5)  # 4-D input: no warning
    with pytest.raises(ValueError, match=r"dropout2d: expected a 3-D or 4-D input .* got shape \(2, 3, 4, 4, 4\)"):
        D.dropout2d(ag.ones(2, 3, 4, 4, 4), 0.5)


def test_alpha_dropout_keeps_mean_and_variance():
    ag.manual_seed(0)
    x = ag.randn(400, 500, dtype=ag.float64)
    y = D.alpha_dropout(x, 0.3, training=True)
    assert abs(y.array.mean()) < 0.02
    assert abs(y.array.std() - 1) < 0.02
    assert D.alpha_dropout(x, 0.3) is x  # training=False by default, as in PyTorch


def test_dropout_inplace():
    x = ag.ones(4, 6)
    ag.manual_seed(2)
    y = D.dropout(x, 0.5, inplace=True)
    assert y is x and ((x.array == 0) | (x.array == 2)).all()


def test_dropout_on_the_gpu_backend(stand_in):
    x = ag.ones(10, 10, device="cuda", requires_grad=True)
    ag.manual_seed(5)
    y = D.dropout(x, 0.5)
    assert y.device == "cuda"
    y.sum().backward()
    assert x.grad.device == "cuda"
    mask = y.detach().cpu().numpy()
    assert set(np.unique(mask)) == {0.0, 2.0}
    np.testing.assert_array_equal(x.grad.cpu().numpy(), mask)
    ag.manual_seed(5)  # the GPU's own stream: reseeding repeats the mask
    np.testing.assert_array_equal(D.dropout(ag.ones(10, 10, device="cuda"), 0.5).cpu().numpy(), mask)


# ---------------------------------------------------------------------------- batch norm running statistics
def test_batch_norm_updates_running_stats_with_unbiased_variance():
    x = _t(6, 3, 4, seed=4)
    rm, rv = ag.zeros(3, dtype=ag.float64), ag.ones(3, dtype=ag.float64)
    N.batch_norm(x, rm, rv, training=True, momentum=0.25)
    xd = x.array
    mean, var = xd.mean((0, 2)), xd.var((0, 2), ddof=1)
    np.testing.assert_allclose(rm.array, 0.25 * mean)
    np.testing.assert_allclose(rv.array, 0.75 + 0.25 * var)
    assert rm._version == 1 and rv._version == 1
    # eval mode normalizes with the running statistics and leaves them alone
    before = rm.array.copy()
    y = N.batch_norm(x, rm, rv, training=False, eps=1e-3)
    np.testing.assert_allclose(y.array, (xd - rm.array[:, None]) / np.sqrt(rv.array[:, None] + 1e-3))
    np.testing.assert_array_equal(rm.array, before)


def test_batch_norm_training_without_running_stats_and_eval_without_them():
    x = _t(5, 2)
    a = N.batch_norm(x, None, None, training=True)
    b = N.batch_norm(x, None, None, training=False)  # no running stats: batch statistics, as PyTorch
    np.testing.assert_allclose(a.array, b.array)
    np.testing.assert_allclose(a.array.mean(0), [0, 0], atol=1e-12)


def test_instance_norm_running_stats_average_over_the_batch():
    x = _t(4, 3, 5, seed=2)
    rm, rv = ag.zeros(3, dtype=ag.float64), ag.ones(3, dtype=ag.float64)
    N.instance_norm(x, rm, rv, momentum=0.5)
    np.testing.assert_allclose(rm.array, 0.5 * x.array.mean(2).mean(0))
    np.testing.assert_allclose(rv.array, 0.5 + 0.5 * x.array.var(2, ddof=1).mean(0))


def test_fused_ops_record_one_node():
    x = _t(4, 5, grad=True)
    loss = L.cross_entropy(x, ag.tensor([0, 1, 2, 3]))
    assert loss.grad_fn.next_functions == ((x, 0), (None, 0))
    y = N.layer_norm(x, (5,), ag.ones(5, requires_grad=True), ag.zeros(5, requires_grad=True))
    assert type(y.grad_fn).__name__ == "Normalize"
    assert all(fn is not None for fn, _ in y.grad_fn.next_functions[:3])


@pytest.mark.parametrize("fn", [
    lambda x: L.cross_entropy(x, ag.tensor([0, 2, 1], device=x.device)),
    lambda x: L.cross_entropy(x, ag.tensor([0, 2, 1], device=x.device), label_smoothing=0.2,
                              weight=ag.tensor([1.0, 2.0, 0.5, 1.0], dtype=x.dtype, device=x.device)),
    lambda x: N.batch_norm(x, None, None, training=True),
    lambda x: N.layer_norm(x, (4,)),
    lambda x: A.log_softmax(x, 1),
])
def test_second_derivatives_match_on_every_device(fn, device):
    x = _t(3, 4, grad=True).to(device)
    x = x.detach().requires_grad_(True)
    (g,) = ag.grad(fn(x).sum(), x, create_graph=True)
    (gg,) = ag.grad((g * g).sum(), x)
    xc = _t(3, 4, grad=True)
    (gc,) = ag.grad(fn(xc).sum(), xc, create_graph=True)
    (ggc,) = ag.grad((gc * gc).sum(), xc)
    np.testing.assert_allclose(gg.detach().cpu().numpy(), ggc.detach().numpy(), rtol=1e-7, atol=1e-10)


def test_ctc_loss_errors_zero_infinity_and_no_double_backward():
    lp = A.log_softmax(_t(5, 2, 4), 2).requires_grad_(True)
    tg = ag.tensor([[1, 2], [3, 3]])
    with pytest.raises(ValueError, match=r"ctc_loss: targets must be class indices in \[0, 3\] other than blank "
                                         r"\(0\), got 0"):
        C.ctc_loss(lp, ag.tensor([[1, 0], [3, 3]]), (5, 5), (2, 2))
    with pytest.raises(ValueError, match=r"input_lengths must be between 1 and the time steps of log_probs \(5\)"):
        C.ctc_loss(lp, tg, (6, 5), (2, 2))
    with pytest.raises(ValueError, match=r"target_lengths must hold one length per sample \(2\)"):
        C.ctc_loss(lp, tg, (5, 5), (2,))
    impossible = C.ctc_loss(lp, tg, (5, 2), (2, 2), reduction="none")  # "3 3" needs 3 steps
    assert np.isinf(impossible.array[1]) and np.isfinite(impossible.array[0])
    zeroed = C.ctc_loss(lp, tg, (5, 2), (2, 2), reduction="sum", zero_infinity=True)
    (g,) = ag.grad(zeroed, lp)
    assert np.isfinite(zeroed.item()) and np.isfinite(g.array).all() and (g.array[:, 1] == 0).all()
    (g,) = ag.grad(C.ctc_loss(lp, tg, (5, 5), (2, 2)), lp, create_graph=True)
    with pytest.raises(RuntimeError, match="ctc_loss: the gradient of ctc_loss is not differentiable"):
        g.sum().backward()


# ---------------------------------------------------------------------------- against PyTorch (when installed)
def _torch():
    return pytest.importorskip("torch")


@pytest.mark.parametrize("name", ["relu6", "leaky_relu", "elu", "selu", "celu", "gelu", "silu", "mish", "softplus",
                                  "softsign", "hardswish", "hardsigmoid", "tanhshrink", "hardshrink", "softshrink"])
def test_activations_match_torch(name):
    torch = _torch()
    x = _t(5, 6, seed=9) * 3
    xt = torch.tensor(x.array, requires_grad=True)
    out, g = _grad_of(getattr(A, name), x)
    ref = getattr(torch.nn.functional, name)(xt)
    ref.sum().backward()
    np.testing.assert_allclose(out.array, ref.detach().numpy(), rtol=1e-7, atol=1e-12)  # torch: some float32 constants
    np.testing.assert_allclose(g.array, xt.grad.numpy(), rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("kw", [{}, {"reduction": "sum"}, {"reduction": "none"}, {"label_smoothing": 0.15},
                                {"ignore_index": 1}, {"weight": True}, {"weight": True, "label_smoothing": 0.3}])
def test_cross_entropy_and_nll_match_torch(kw):
    torch = _torch()
    x = _t(6, 4, 3, seed=1)
    t = np.random.default_rng(2).integers(0, 4, (6, 3))
    w = np.random.default_rng(3).uniform(0.2, 2, 4)
    kw_ag = dict(kw, weight=ag.tensor(w)) if "weight" in kw else kw
    kw_t = dict(kw, weight=torch.tensor(w)) if "weight" in kw else kw
    out, g = _grad_of(lambda z: L.cross_entropy(z, ag.tensor(t), **kw_ag), x)
    xt = torch.tensor(x.array, requires_grad=True)
    ref = torch.nn.functional.cross_entropy(xt, torch.tensor(t), **kw_t)
    ref.sum().backward()
    np.testing.assert_allclose(out.array, ref.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(g.array, xt.grad.numpy(), rtol=1e-9, atol=1e-12)
    if "label_smoothing" not in kw:
        nll = L.nll_loss(A.log_softmax(x, 1), ag.tensor(t), **kw_ag)
        np.testing.assert_allclose(nll.array, ref.detach().numpy(), rtol=1e-10)


def test_losses_match_torch():
    torch = _torch()
    F = torch.nn.functional
    x, y = _t(4, 3, seed=1), _t(4, 3, seed=2)
    p, q = ag.sigmoid(x), ag.sigmoid(y)
    tx, ty, tp, tq = (torch.tensor(a.array) for a in (x, y, p, q))
    pm = ag.tensor([1.0, -1.0, -1.0, 1.0])
    tpm = torch.tensor(pm.array)
    pw = ag.tensor([0.5, 2.0, 3.0], dtype=ag.float64)
    pairs = [
        (L.smooth_l1_loss(x, y, beta=0.3), F.smooth_l1_loss(tx, ty, beta=0.3)),
        (L.huber_loss(x, y, delta=0.4), F.huber_loss(tx, ty, delta=0.4)),
        (L.binary_cross_entropy(p, q), F.binary_cross_entropy(tp, tq)),
        (L.binary_cross_entropy_with_logits(x, q, pos_weight=pw),
         F.binary_cross_entropy_with_logits(tx, tq, pos_weight=torch.tensor(pw.array))),
        (L.kl_div(A.log_softmax(x, 1), A.softmax(y, 1), reduction="batchmean"),
         F.kl_div(F.log_softmax(tx, 1), F.softmax(ty, 1), reduction="batchmean")),
        (L.poisson_nll_loss(x, q * 3, full=True), F.poisson_nll_loss(tx, tq * 3, full=True)),
        (L.gaussian_nll_loss(x, y, q, full=True), F.gaussian_nll_loss(tx, ty, tq, full=True)),
        (L.cosine_embedding_loss(x, y, pm, 0.1), F.cosine_embedding_loss(tx, ty, tpm, 0.1)),
        (L.margin_ranking_loss(x[:, 0], y[:, 0], pm, 0.2), F.margin_ranking_loss(tx[:, 0], ty[:, 0], tpm, 0.2)),
        (L.triplet_margin_loss(x, y, p, swap=True), F.triplet_margin_loss(tx, ty, tp, swap=True)),
        (L.hinge_embedding_loss(x[:, 0], pm), F.hinge_embedding_loss(tx[:, 0], tpm)),
        (L.multilabel_soft_margin_loss(x, q), F.multilabel_soft_margin_loss(tx, tq)),
        (L.cross_entropy(x, q), F.cross_entropy(tx, tq)),
        (N.cosine_similarity(x, y), F.cosine_similarity(tx, ty)),
        (N.pairwise_distance(x, y, 3), F.pairwise_distance(tx, ty, 3)),
        (N.normalize(x, 1.5, 0), F.normalize(tx, 1.5, 0)),
        (N.group_norm(x.reshape(2, 6), 3), F.group_norm(tx.reshape(2, 6), 3)),
        (N.rms_norm(x, (3,)), F.rms_norm(tx, (3,))),
        (C.ctc_loss(A.log_softmax(x.reshape(4, 1, 3), 2), ag.tensor([[1, 2]]), (4,), (2,)),
         F.ctc_loss(F.log_softmax(tx.reshape(4, 1, 3), 2), torch.tensor([[1, 2]]), (4,), (2,))),
    ]
    for i, (a, b) in enumerate(pairs):
        np.testing.assert_allclose(a.array, b.numpy(), rtol=1e-9, atol=1e-12, err_msg=str(i))


def test_batch_norm_matches_torch_including_running_stats():
    torch = _torch()
    x = _t(5, 3, 2, 2, seed=6)
    w, b = _t(3, seed=7), _t(3, seed=8)
    rm, rv = ag.zeros(3, dtype=ag.float64), ag.ones(3, dtype=ag.float64)
    trm, trv = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    xt = torch.tensor(x.array, requires_grad=True)
    out, g = _grad_of(lambda z: (N.batch_norm(z, rm, rv, w, b, True, 0.3) ** 2), x)
    ref = torch.nn.functional.batch_norm(xt, trm, trv, torch.tensor(w.array), torch.tensor(b.array), True, 0.3) ** 2
    ref.sum().backward()
    np.testing.assert_allclose(out.array, ref.detach().numpy(), rtol=1e-9)
    np.testing.assert_allclose(g.array, xt.grad.numpy(), rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(rm.array, trm.numpy(), rtol=1e-6)
    np.testing.assert_allclose(rv.array, trv.numpy(), rtol=1e-6)


def test_attention_matches_torch_with_dropout_off():
    torch = _torch()
    q, k, v = _t(2, 2, 3, 4, seed=1), _t(2, 2, 5, 4, seed=2), _t(2, 2, 5, 3, seed=3)
    m = _t(3, 5, seed=4)
    out = T.scaled_dot_product_attention(q, k, v, attn_mask=m, scale=0.7)
    ref = torch.nn.functional.scaled_dot_product_attention(*(torch.tensor(a.array) for a in (q, k, v, m)), scale=0.7)
    np.testing.assert_allclose(out.array, ref.numpy(), rtol=1e-9)
