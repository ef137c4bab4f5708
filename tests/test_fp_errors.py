"""Floating-point errors give inf/nan silently, as in PyTorch: no numpy RuntimeWarning, even under -W error."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn

try:
    import torch
except ImportError:  # the comparisons with PyTorch skip
    torch = None

INF = float("inf")
# (name, function of a module with PyTorch's API (autograd or torch), input values)
CASES = [
    ("log(0)", lambda m, x: m.log(x), [0.0, -1.0, 1.0]),
    ("log2/log10/log1p", lambda m, x: m.log2(x) + m.log10(x) + m.log1p(x - 1), [0.0, 1.0]),
    ("exp(100) in float32", lambda m, x: m.exp(x), [100.0, 1.0]),
    ("expm1/sinh/cosh overflow", lambda m, x: m.expm1(x) + m.sinh(x) + m.cosh(x), [100.0, 0.5]),
    ("x / 0 and 0 / 0", lambda m, x: x / 0.0, [0.0, 1.0, -1.0]),
    ("tensor / zero tensor", lambda m, x: x / (x * 0), [0.0, 2.0]),
    ("pow overflow", lambda m, x: x ** 1000.0, [10.0, 1.0]),
    ("tensor pow", lambda m, x: m.pow(x, x * 100), [10.0, 0.0]),
    ("sqrt(-1)", lambda m, x: m.sqrt(x), [-1.0, 4.0]),
    ("rsqrt/reciprocal of 0", lambda m, x: m.rsqrt(x) + m.reciprocal(x), [0.0, 4.0]),
    ("asin/acos out of range", lambda m, x: m.asin(x) + m.acos(x), [2.0, 0.5]),
    ("square overflow", lambda m, x: m.square(x), [1e30, 2.0]),
    ("remainder/floor_divide by 0", lambda m, x: m.remainder(x, 0.0) + m.floor_divide(x, 0.0), [1.0, 0.0]),
    ("softmax of a row of -inf", lambda m, x: m.softmax(x.reshape(2, 2), 1), [-INF, -INF, 0.0, 1.0]),
    ("log_softmax of a row of -inf", lambda m, x: m.log_softmax(x.reshape(2, 2), 1), [-INF, -INF, 0.0, 1.0]),
    ("logsumexp of -inf", lambda m, x: m.logsumexp(x.reshape(2, 2), 1), [-INF, -INF, 0.0, 1.0]),
    ("prod overflow", lambda m, x: m.prod(x), [1e30, 1e30]),
]
GRAD_CASES = [
    ("sqrt's backward at 0", lambda m, x: m.sqrt(x).sum(), [0.0, 4.0]),
    ("log's backward at 0", lambda m, x: m.log(x).sum(), [0.0, 2.0]),
    ("div's backward by 0", lambda m, x: (1.0 / x).sum(), [0.0, 2.0]),
    ("pow's backward at 0", lambda m, x: (x ** 0.5).sum(), [0.0, 1.0]),
]


@pytest.fixture(autouse=True)
def _warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def _ours(fn, values, grad=False):
    x = ag.tensor(values, requires_grad=grad)
    y = fn(ag, x)
    if grad:
        y.backward()
        return x.grad.numpy()
    return y.detach().numpy()


def _theirs(fn, values, grad=False):
    x = torch.tensor(values, requires_grad=grad)
    y = fn(torch, x)
    if grad:
        y.backward()
        return x.grad.numpy()
    return y.detach().numpy()


@pytest.mark.parametrize("name,fn,values", CASES, ids=[c[0] for c in CASES])
def test_forward_gives_inf_nan_silently(name, fn, values):
    out = _ours(fn, values)
    assert not np.isfinite(out).all()  # each case does produce an inf or a nan


@pytest.mark.parametrize("name,fn,values", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_backward_gives_inf_nan_silently(name, fn, values):
    assert not np.isfinite(_ours(fn, values, grad=True)).all()


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
@pytest.mark.parametrize("name,fn,values", CASES + GRAD_CASES, ids=[c[0] for c in CASES + GRAD_CASES])
def test_same_values_as_pytorch(name, fn, values):
    grad = (name, fn, values) in GRAD_CASES
    np.testing.assert_allclose(_ours(fn, values, grad), _theirs(fn, values, grad), rtol=1e-5, equal_nan=True)


def test_nn_softmax_layer_and_cross_entropy_of_masked_logits():
    logits = ag.tensor([[-INF, 0.0, 1.0], [-INF, -INF, 2.0]], requires_grad=True)
    loss = nn.functional.cross_entropy(logits, ag.tensor([2, 2]))
    loss.backward()
    assert np.isfinite(loss.item()) and np.isfinite(logits.grad.numpy()).all()
    assert np.isnan(nn.Softmax(dim=1)(ag.full((1, 3), -INF)).numpy()).all()


def test_numpy_outside_tapegrad_still_warns():
    ag.log(ag.zeros(2))
    with pytest.raises(RuntimeWarning, match="divide by zero"):
        np.log(np.zeros(2))
    assert np.geterr()["divide"] == "warn"


def test_an_op_without_the_declaration_would_raise():
    """The planted bug: the same forward, not declared fp_errors, raises under -W error; declared, it does not."""
    from autograd.function import Op

    class RawLog(Op):
        def forward(ctx, x):
            return np.log(x)

    class QuietLog(RawLog):
        fp_errors = True

        def forward(ctx, x):
            return np.log(x)

    with pytest.raises(RuntimeWarning, match="divide by zero"):
        RawLog.apply(ag.zeros(1))
    assert QuietLog.apply(ag.zeros(1)).item() == -INF
