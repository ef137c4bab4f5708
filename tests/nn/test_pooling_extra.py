"""max_unpool*, lp_pool*, fractional_max_pool* and their layers: against numpy, against PyTorch, and their errors."""
import math
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.ops.cases_unpool_lp_fractional import ref_fractional, ref_lp_pool, ref_unpool


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _t(a, grad=False):
    return ag.tensor(np.asarray(a), requires_grad=grad)


def _grads(torch, ours, theirs, xa, xt, rng):
    """Backward of a random weighting of both outputs; the input gradients."""
    g = rng.standard_normal(tuple(theirs.shape))
    (ours * _t(g)).sum().backward()
    (theirs * torch.tensor(g, dtype=theirs.dtype)).sum().backward()
    return xa.grad.numpy(), xt.grad.numpy()


# ---------------------------------------------------------------------------- max_unpool
@pytest.mark.parametrize("nd, shape, kw", [
    (1, (2, 3, 9), dict(kernel_size=2)),
    (1, (3, 8), dict(kernel_size=3, stride=2, padding=1)),
    (2, (2, 2, 6, 7), dict(kernel_size=2)),
    (2, (2, 5, 6), dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 0))),
    (3, (1, 2, 4, 5, 6), dict(kernel_size=2)),
    (3, (2, 5, 4, 4), dict(kernel_size=(1, 2, 3), stride=(1, 2, 2))),
])
def test_max_unpool_inverts_max_pool_as_torch(torch, nd, shape, kw):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape)
    tpool, tunpool = getattr(torch.nn.functional, f"max_pool{nd}d"), getattr(torch.nn.functional, f"max_unpool{nd}d")
    unpool = getattr(F, f"max_unpool{nd}d")
    y, i = tpool(torch.tensor(x), return_indices=True, **kw)
    size = tuple(x.shape[-nd:])
    xt = y.clone().requires_grad_(True)
    xa = _t(y.numpy(), True)
    want = tunpool(xt, i, output_size=size, **kw)
    got = unpool(xa, _t(i.numpy()), output_size=size, **kw)
    np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy())
    np.testing.assert_array_equal(got.detach().numpy(), ref_unpool(y.numpy(), i.numpy(), size))
    ga, gt = _grads(torch, got, want, xa, xt, rng)
    np.testing.assert_allclose(ga, gt, rtol=1e-12)
    try:  # the default size, (n - 1) * stride + kernel - 2 * padding, may be too small for these indices
        want_shape = tuple(tunpool(xt, i, **kw).shape)
    except RuntimeError:
        with pytest.raises(RuntimeError, match="invalid max index"):
            unpool(xa, _t(i.numpy()), **kw)
    else:
        assert tuple(unpool(xa, _t(i.numpy()), **kw).shape) == want_shape


def test_max_unpool_indices_of_our_max_pool_match_torch(torch):
    x = np.random.default_rng(1).standard_normal((2, 3, 7, 6))
    y, i = F.max_pool2d(_t(x), 3, stride=2, padding=1, return_indices=True)
    _, it = torch.nn.functional.max_pool2d(torch.tensor(x), 3, stride=2, padding=1, return_indices=True)
    np.testing.assert_array_equal(i.numpy(), it.numpy())
    out = F.max_unpool2d(y, i, 3, stride=2, padding=1, output_size=x.shape[-2:])
    want = torch.nn.functional.max_unpool2d(torch.tensor(y.numpy()), it, 3, stride=2, padding=1,
                                            output_size=x.shape[-2:])
    np.testing.assert_array_equal(out.numpy(), want.numpy())


def test_max_unpool_repeated_index_writes_one_value_and_gathers_every_gradient(torch):
    x = np.array([[[1.0, 2.0, 3.0]]])
    idx = np.array([[[4, 4, 0]]])
    xa, xt = _t(x, True), torch.tensor(x, requires_grad=True)
    got = F.max_unpool1d(xa, _t(idx), 2)
    want = torch.nn.functional.max_unpool1d(xt, torch.tensor(idx), 2)
    np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy())  # the last write wins on the CPU
    w = np.arange(6.0).reshape(1, 1, 6)
    (got * _t(w)).sum().backward()
    (want * torch.tensor(w)).sum().backward()
    np.testing.assert_array_equal(xa.grad.numpy(), xt.grad.numpy())
    np.testing.assert_array_equal(xa.grad.numpy(), [[[4.0, 4.0, 0.0]]])


def test_max_unpool_layers_match_torch(torch):
    rng = np.random.default_rng(2)
    for nd, k, s, p in ((1, 2, None, 0), (2, (2, 3), 1, (0, 1)), (3, 2, 2, 0)):
        ours = getattr(nn, f"MaxUnpool{nd}d")(k, s, p)
        theirs = getattr(torch.nn, f"MaxUnpool{nd}d")(k, s, p)
        assert repr(ours) == repr(theirs)
        shape = (1, 2) + (5,) * nd
        x = rng.standard_normal(shape)
        pool_kw = dict(kernel_size=theirs.kernel_size, stride=theirs.stride, padding=theirs.padding)
        y, i = getattr(torch.nn.functional, f"max_pool{nd}d")(torch.tensor(x), return_indices=True, **pool_kw)
        np.testing.assert_array_equal(ours(_t(y.numpy()), _t(i.numpy()), output_size=shape).numpy(),
                                      theirs(y, i, output_size=shape).numpy())


@pytest.mark.parametrize("call, err, match", [
    (lambda x, i: F.max_unpool2d(x, i.int(), 2), RuntimeError, "int64"),
    (lambda x, i: F.max_unpool2d(x, i[:, :, :1], 2), RuntimeError, "shape of the input"),
    (lambda x, i: F.max_unpool2d(x, i, 2, output_size=(7, 7)), ValueError, "between 2 and 6"),
    (lambda x, i: F.max_unpool2d(x, i, 2, output_size=(1, 4, 4)), ValueError, "2 or 4 elements"),
    (lambda x, i: F.max_unpool2d(x, i, 2, output_size=4), TypeError, "sequence"),
    (lambda x, i: F.max_unpool2d(x, i, 2, output_size=(4.0, 4)), TypeError, "ints"),
    (lambda x, i: F.max_unpool2d(x, i + 100, 2), RuntimeError, "invalid max index 10[0-9]"),
    (lambda x, i: F.max_unpool2d(x, i - 100, 2), RuntimeError, "invalid max index -"),
    (lambda x, i: F.max_unpool2d(x, i, 2, stride=1), RuntimeError, "output planes are of size 3x3"),
    (lambda x, i: F.max_unpool2d(x[0, 0], i[0, 0], 2), RuntimeError, "3-d .* or 4-d"),
    (lambda x, i: F.max_unpool2d(x.long(), i, 2), NotImplementedError, "dtype"),
    (lambda x, i: F.max_unpool2d(x, i.numpy(), 2), TypeError, "indices to be a Tensor"),
    (lambda x, i: F.max_unpool2d(x, i, 1, padding=2), ValueError, "non-negative"),
    (lambda x, i: F.max_unpool3d(x[None], i[None], 2, stride=(1, 0, 1)), RuntimeError, "greater than zero"),
    (lambda x, i: F.max_unpool1d(x[0], i[0], 2), RuntimeError, "invalid max index"),
    (lambda x, i: F.max_unpool2d(x[:, :0], i[:, :0], 2), RuntimeError, "non-zero size"),
])
def test_max_unpool_errors(call, err, match):
    x = ag.randn(1, 1, 2, 2)
    _, i = F.max_pool2d(ag.randn(1, 1, 4, 4), 2, return_indices=True)
    with pytest.raises(err, match=match):
        call(x, i)


def test_max_unpool_error_classes_are_torchs(torch):
    x = torch.randn(1, 1, 2, 2)
    _, i = torch.nn.functional.max_pool2d(torch.randn(1, 1, 4, 4), 2, return_indices=True)
    for call, err in ((lambda: torch.nn.functional.max_unpool2d(x, i.int(), 2), RuntimeError),
                      (lambda: torch.nn.functional.max_unpool2d(x, i, 2, output_size=(7, 7)), ValueError),
                      (lambda: torch.nn.functional.max_unpool2d(x, i + 100, 2), RuntimeError),
                      (lambda: torch.nn.functional.max_unpool2d(x.long(), i, 2), NotImplementedError),
                      (lambda: torch.nn.functional.max_unpool2d(x, i, 1, padding=2), ValueError)):
        with pytest.raises(err):
            call()


# ---------------------------------------------------------------------------- lp_pool
_LP = [(1, (2, 3, 9), 2, dict()), (1, (3, 8), 3, dict(stride=2, ceil_mode=True)),
       (2, (2, 2, 6, 7), 2, dict()), (2, (2, 5, 6), (3, 2), dict(stride=(2, 1), ceil_mode=True)),
       (3, (1, 2, 4, 5, 6), 2, dict()), (3, (2, 5, 4, 5), (2, 1, 3), dict(stride=2, ceil_mode=True))]


@pytest.mark.parametrize("nd, shape, k, kw", _LP)
@pytest.mark.parametrize("p", [1, 2, 3, 1.5, 0.5, -1.0, math.inf, -math.inf])
def test_lp_pool_matches_torch(torch, nd, shape, k, kw, p):
    rng = np.random.default_rng(3)
    x = rng.standard_normal(shape)
    x[(0,) * (len(shape) - nd)][(slice(0, 3),) * nd] = 0.0  # a zero window: the gradient there is 0, as in torch
    xa, xt = _t(x, True), torch.tensor(x, requires_grad=True)
    got = getattr(F, f"lp_pool{nd}d")(xa, p, k, **kw)
    want = getattr(torch.nn.functional, f"lp_pool{nd}d")(xt, p, k if nd > 1 else int(k), **kw)
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-12, equal_nan=True)
    ga, gt = _grads(torch, got, want, xa, xt, rng)
    np.testing.assert_allclose(ga, gt, rtol=1e-10, atol=1e-12, equal_nan=True)


@pytest.mark.parametrize("nd, shape, k, kw", _LP)
def test_lp_pool_matches_numpy(nd, shape, k, kw):
    x = np.random.default_rng(4).uniform(0.1, 2.0, shape)
    kt = k if isinstance(k, tuple) else (k,) * nd
    s = kw.get("stride")
    st = None if s is None else (s if isinstance(s, tuple) else (s,) * nd)
    for p in (2, 3, math.inf):
        got = getattr(F, f"lp_pool{nd}d")(_t(x), p, k, **kw).numpy()
        np.testing.assert_allclose(got, ref_lp_pool(x, p, kt, st, kw.get("ceil_mode", False)), rtol=1e-12)


def test_lp_pool_of_negative_sums_is_nan_for_fractional_roots_as_torch(torch):
    x = np.array([[[-1.0, -2.0, 3.0, 0.5]]])
    got = F.lp_pool1d(_t(x), 3, 2).numpy()
    want = torch.nn.functional.lp_pool1d(torch.tensor(x), 3, 2).numpy()
    np.testing.assert_array_equal(np.isnan(got), [[[True, False]]])
    np.testing.assert_allclose(got, want, equal_nan=True)
    np.testing.assert_allclose(F.lp_pool1d(_t(x), 1, 2).numpy(), [[[-3.0, 3.5]]])  # p = 1 keeps the sign


def test_sign_gradient_is_zero_even_for_an_infinite_upstream_gradient():
    x = _t([0.0, 2.0], True)
    ag.sign(x).backward(_t([math.inf, math.nan]))  # lp_pool's zero windows send an inf through sign
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0])


def test_lp_pool_layers_match_torch(torch):
    x = np.random.default_rng(5).uniform(0.1, 1.0, (2, 2, 6, 6, 6))
    for nd, args in ((1, (2, 3, 2)), (2, (3.0, 2)), (2, (2, (2, 3), 1, True)), (3, (2, 2, 1, True))):
        ours, theirs = getattr(nn, f"LPPool{nd}d")(*args), getattr(torch.nn, f"LPPool{nd}d")(*args)
        assert repr(ours) == repr(theirs)
        xi = x[(0,) * (3 - nd)]
        np.testing.assert_allclose(ours(_t(xi)).numpy(), theirs(torch.tensor(xi)).numpy(), rtol=1e-12)


@pytest.mark.parametrize("call, err, match", [
    (lambda: F.lp_pool1d(ag.randn(1, 1, 5), 2, 6), RuntimeError, "lp_pool1d: .*too small"),
    (lambda: F.lp_pool2d(ag.randn(1, 1, 3, 3), 2, (2, 4)), RuntimeError, "lp_pool2d: .*too small"),
    (lambda: F.lp_pool2d(ag.randn(1, 1, 3, 3), math.inf, 4), RuntimeError, "lp_pool2d: .*too small"),
    (lambda: F.lp_pool2d(ag.ones(1, 1, 3, 3, dtype=ag.int64), 2, 2), TypeError, "lp_pool2d: .*floating point"),
    (lambda: F.lp_pool2d(ag.randn(1, 1, 3, 3), "2", 2), TypeError, "norm_type"),
    (lambda: F.lp_pool2d(ag.randn(1, 1, 3, 3), 0, 2), ZeroDivisionError, "non-zero"),
    (lambda: F.lp_pool2d(np.ones((1, 1, 3, 3)), 2, 2), TypeError, "Tensor"),
    (lambda: F.lp_pool3d(ag.randn(1, 1, 3, 3, 3), 2, (2, 2)), RuntimeError, "kernel_size"),
    (lambda: F.lp_pool2d(ag.randn(3, 3), 2, 2), RuntimeError, "lp_pool2d: .*3-d"),
])
def test_lp_pool_errors(call, err, match):
    with pytest.raises(err, match=match):
        call()


# ---------------------------------------------------------------------------- fractional_max_pool
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("nd, shape, k, out", [
    (2, (2, 3, 9, 11), 2, (4, 6)), (2, (2, 3, 9, 11), (3, 2), (7, 10)), (2, (3, 8, 8), 3, (1, 6)),
    (3, (2, 2, 7, 6, 8), 2, (3, 4, 5)), (3, (2, 6, 6, 7), (1, 3, 2), (5, 3, 2)),
])
def test_fractional_max_pool_matches_torch(torch, dtype, nd, shape, k, out):
    rng = np.random.default_rng(6)
    x = rng.integers(0, 5, shape).astype(dtype)  # ties: the first maximum wins
    x[rng.random(shape) < 0.05] = np.nan  # and a NaN wins its window
    lead = shape[:-nd] if len(shape) == nd + 2 else (1,) + shape[:1]
    u = rng.random(lead[:2] + (nd,)).astype(dtype)
    xa, xt = _t(x, True), torch.tensor(x, requires_grad=True)
    got, gi = getattr(F, f"fractional_max_pool{nd}d")(xa, k, out, return_indices=True, _random_samples=_t(u))
    want, wi = getattr(torch.nn.functional, f"fractional_max_pool{nd}d")(
        xt, k, out, return_indices=True, _random_samples=torch.tensor(u))
    np.testing.assert_array_equal(gi.numpy(), wi.numpy())
    np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy())
    kt = k if isinstance(k, tuple) else (k,) * nd
    rv, ri = ref_fractional(x, kt, out, u)
    np.testing.assert_array_equal(gi.numpy(), ri)
    np.testing.assert_array_equal(got.detach().numpy(), rv)
    ga, gt = _grads(torch, got, want, xa, xt, rng)  # overlapping windows: the winners' gradients add up
    np.testing.assert_allclose(ga, gt, rtol=1e-5 if dtype == "float32" else 1e-12, atol=1e-6)


def test_fractional_with_indices_names_and_ratio_match_torch(torch):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 3, 10, 9))
    u = rng.random((2, 3, 2))
    for ratio in ((0.5, 0.7), [0.3, 0.9]):
        got = F.fractional_max_pool2d_with_indices(_t(x), 2, output_ratio=ratio, _random_samples=_t(u))
        want = torch.nn.functional.fractional_max_pool2d_with_indices(
            torch.tensor(x), 2, output_ratio=ratio, _random_samples=torch.tensor(u))
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g.numpy(), w.numpy())
    x3 = rng.standard_normal((1, 2, 6, 7, 8))
    u3 = rng.random((1, 2, 3))
    got = F.fractional_max_pool3d_with_indices(_t(x3), (2, 3, 2), output_ratio=(0.5, 0.5, 0.5), _random_samples=_t(u3))
    want = torch.nn.functional.fractional_max_pool3d_with_indices(
        torch.tensor(x3), (2, 3, 2), output_ratio=(0.5, 0.5, 0.5), _random_samples=torch.tensor(u3))
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g.numpy(), w.numpy())
    one = F.fractional_max_pool2d(_t(x), 2, output_ratio=0.5, _random_samples=_t(u))  # a number: both dims
    np.testing.assert_array_equal(one.numpy(), F.fractional_max_pool2d(_t(x), 2, output_ratio=(0.5, 0.5),
                                                                       _random_samples=_t(u)).numpy())


@pytest.mark.parametrize("device", ["cpu", "cuda"])
def test_fractional_draws_its_samples_from_the_generator(device, request):
    if device == "cuda":
        request.getfixturevalue("stand_in")
    x = ag.randn(2, 3, 9, 9, device=device)
    ag.manual_seed(3)
    a, ia = F.fractional_max_pool2d(x, 2, output_size=4, return_indices=True)
    ag.manual_seed(3)
    b, ib = F.fractional_max_pool2d(x, 2, output_size=4, return_indices=True)
    np.testing.assert_array_equal(ia.cpu().numpy(), ib.cpu().numpy())
    assert a.device == x.device
    ag.manual_seed(3)
    u = ag.rand(2, 3, 2, device=device)  # the draw it made
    c = F.fractional_max_pool2d(x, 2, output_size=4, _random_samples=u)
    np.testing.assert_array_equal(a.cpu().numpy(), c.cpu().numpy())
    draws = {F.fractional_max_pool2d(x, 2, output_size=4, return_indices=True)[1].cpu().numpy().tobytes()
             for _ in range(6)}
    assert len(draws) > 1  # unseeded calls place the windows afresh


def test_fractional_layers_match_torch(torch):
    rng = np.random.default_rng(8)
    x = rng.standard_normal((2, 3, 8, 9, 10))
    u2, u3 = rng.random((2, 3, 2)), rng.random((2, 3, 3))
    for nd, kw, u in ((2, dict(kernel_size=2, output_size=(4, 5)), u2),
                      (2, dict(kernel_size=(2, 3), output_ratio=0.5), u2),
                      (3, dict(kernel_size=2, output_size=3, return_indices=True), u3),
                      (3, dict(kernel_size=(1, 2, 2), output_ratio=(0.5, 0.4, 0.6)), u3)):
        ours = getattr(nn, f"FractionalMaxPool{nd}d")(_random_samples=_t(u), **kw)
        theirs = getattr(torch.nn, f"FractionalMaxPool{nd}d")(_random_samples=torch.tensor(u), **kw)
        assert repr(ours) == repr(theirs)
        xi = x[:, :, 0] if nd == 2 else x
        got, want = ours(_t(xi)), theirs(torch.tensor(xi))
        for g, w in zip(got if isinstance(got, tuple) else (got,), want if isinstance(want, tuple) else (want,)):
            np.testing.assert_array_equal(g.numpy(), w.numpy())
    assert tuple(nn.FractionalMaxPool2d(3, output_ratio=0.5)(ag.randn(3, 10, 8)).shape) == (3, 5, 4)


@pytest.mark.parametrize("call, err, match", [
    (lambda x: F.fractional_max_pool2d(x, 2), ValueError, "either an output_size or an output_ratio"),
    (lambda x: F.fractional_max_pool2d(x, 2, output_ratio=(0.5, 0.5, 0.5)), ValueError, "output_ratio"),
    (lambda x: F.fractional_max_pool2d(x, 2, output_size=(7, 9)), RuntimeError, "pool height 2 too large"),
    (lambda x: F.fractional_max_pool2d(x, (2, 10), output_size=1), RuntimeError, "pool width 10 too large"),
    (lambda x: F.fractional_max_pool2d(x, 2, output_ratio=1.5), RuntimeError, "too large"),
    (lambda x: F.fractional_max_pool3d(x[None], (1, 2, 2), output_size=(1, 3, 3)), RuntimeError,
     "pool time 1 too large relative to input time 1"),
    (lambda x: F.fractional_max_pool3d(ag.randn(1, 6, 6, 6), 3, output_size=4), RuntimeError, "pool time 3"),
    (lambda x: F.fractional_max_pool2d(x, 2, output_size=(3, 3, 3)), RuntimeError, "output_size"),
    (lambda x: F.fractional_max_pool2d(x, 0, output_size=3), RuntimeError, "positive"),
    (lambda x: F.fractional_max_pool2d(x, 2, 3, _random_samples=ag.rand(1, 2, 2)), RuntimeError, r"\(1, 1, 2\)"),
    (lambda x: F.fractional_max_pool2d(x, 2, 3, _random_samples=ag.rand(1, 1, 3)), RuntimeError, "shape"),
    (lambda x: F.fractional_max_pool2d(x, 2, 3, _random_samples=ag.rand(1, 1, 1, 2)), RuntimeError, "shape"),
    (lambda x: F.fractional_max_pool2d(ag.cat([x, x]), 2, 3, _random_samples=ag.rand(1, 1, 2)), RuntimeError,
     "at least 2 rows"),
    (lambda x: F.fractional_max_pool2d(x, 2, 3, _random_samples=ag.rand(1, 1, 2, dtype=ag.float64)), RuntimeError,
     "dtype"),
    (lambda x: F.fractional_max_pool2d(x.long(), 2, 3), NotImplementedError, "dtype"),
    (lambda x: F.fractional_max_pool2d(x[0, 0], 2, 3), RuntimeError, "3-d"),
    (lambda x: F.fractional_max_pool2d(x[:, :0], 2, 3), RuntimeError, "non-zero size"),
    (lambda x: nn.FractionalMaxPool2d(2, output_ratio=1.5), ValueError, "between 0 and 1"),
    (lambda x: nn.FractionalMaxPool3d(2, output_ratio=(0.5, 1.0, 0.5)), ValueError, "between 0 and 1"),
    (lambda x: nn.FractionalMaxPool2d(2), ValueError, "either an output size, or a pooling ratio"),
    (lambda x: nn.FractionalMaxPool2d(2, output_size=2, output_ratio=0.5), ValueError, "only one"),
])
def test_fractional_errors(call, err, match):
    x = ag.randn(1, 1, 7, 9)
    with pytest.raises(err, match=match):
        call(x)


def test_fractional_error_classes_are_torchs(torch):
    x = torch.randn(1, 1, 7, 9)
    fmp = torch.nn.functional.fractional_max_pool2d
    for call, err in ((lambda: fmp(x, 2), ValueError), (lambda: fmp(x, 2, output_size=(7, 9)), RuntimeError),
                      (lambda: fmp(x, 2, 3, _random_samples=torch.rand(1, 2, 2)), RuntimeError),
                      (lambda: fmp(x, 2, 3, _random_samples=torch.rand(1, 1, 2).double()), RuntimeError),
                      (lambda: fmp(x.long(), 2, 3), NotImplementedError),
                      (lambda: torch.nn.FractionalMaxPool2d(2, output_ratio=1.5), ValueError),
                      (lambda: torch.nn.functional.fractional_max_pool3d(torch.randn(1, 6, 6, 6), 3, output_size=4),
                       RuntimeError)):
        with pytest.raises(err):
            call()


def test_empty_batches_and_outputs_match_torch(torch):
    tf = torch.nn.functional
    for ours, theirs in (
            (F.fractional_max_pool2d(ag.randn(0, 2, 7, 7), 2, 3),
             tf.fractional_max_pool2d(torch.randn(0, 2, 7, 7), 2, 3)),
            (F.fractional_max_pool2d(ag.randn(1, 2, 7, 7), 2, (0, 3)),
             tf.fractional_max_pool2d(torch.randn(1, 2, 7, 7), 2, (0, 3))),
            (F.fractional_max_pool3d(ag.randn(0, 5, 5, 5), 2, 3),
             tf.fractional_max_pool3d(torch.randn(0, 5, 5, 5), 2, 3)),
            (F.max_unpool2d(ag.randn(0, 2, 2, 2), ag.zeros(0, 2, 2, 2, dtype=ag.int64), 2),
             tf.max_unpool2d(torch.randn(0, 2, 2, 2), torch.zeros(0, 2, 2, 2, dtype=torch.long), 2)),
            (F.lp_pool2d(ag.randn(0, 2, 4, 4), 2, 2), tf.lp_pool2d(torch.randn(0, 2, 4, 4), 2, 2))):
        assert tuple(ours.shape) == tuple(theirs.shape)


def test_fractional_state_dict_holds_given_samples():
    u = ag.rand(1, 2, 2)
    layer = nn.FractionalMaxPool2d(2, output_size=3, _random_samples=u)
    assert list(layer.state_dict()) == ["_random_samples"]
    assert list(nn.FractionalMaxPool2d(2, output_size=3).state_dict()) == []


def test_torch_paths_resolve_to_these_layers_under_as_torch():
    code = ("import autograd.as_torch\n"
            "import torch.nn.functional as F\n"
            "from torch.nn.modules.pooling import FractionalMaxPool3d, LPPool3d, MaxUnpool2d\n"
            "import nn\n"
            "assert (MaxUnpool2d, LPPool3d, FractionalMaxPool3d) == (nn.MaxUnpool2d, nn.LPPool3d, "
            "nn.FractionalMaxPool3d)\n"
            "assert F.max_unpool3d is nn.functional.max_unpool3d and F.lp_pool1d is nn.functional.lp_pool1d\n")
    root = pathlib.Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, PYTHONPATH=str(root)),
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
