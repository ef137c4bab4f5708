"""3-d pooling, the *_with_indices names, the 3-d pooling layers and 5-d interpolate, side by side with PyTorch."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

# values, indices, gradients, NaN and integer inputs, layer arguments and reprs, and the errors of bad arguments.

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _pair(shape, seed=0, nan=False, dtype="float64"):
    """The same values as a tapegrad and a torch tensor, both requiring grad (floats)."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape)
    if nan:
        a[rng.random(shape) < 0.2] = np.nan
    if dtype.startswith("int"):
        a = rng.integers(-5, 5, shape)
    a = a.astype(dtype)
    grad = dtype.startswith("float")
    return ag.tensor(a, requires_grad=grad), torch.tensor(a, requires_grad=grad)


def _same(mine, theirs, x=None, tx=None):
    """Outputs (and indices) equal; with x / tx given, the gradients of a random weighting equal too."""
    if isinstance(theirs, tuple):
        assert isinstance(mine, tuple) and len(mine) == len(theirs)
        np.testing.assert_array_equal(mine[1].numpy(), theirs[1].numpy())
        assert mine[1].dtype == ag.int64
        mine, theirs = mine[0], theirs[0]
    assert tuple(mine.shape) == tuple(theirs.shape)
    assert str(mine.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    np.testing.assert_allclose(mine.detach().numpy(), theirs.detach().numpy(), rtol=1e-6, atol=1e-6)
    if x is not None:
        w = np.random.default_rng(1).standard_normal(tuple(theirs.shape))
        (mine * ag.tensor(w, dtype=mine.dtype)).sum().backward()
        (theirs * torch.tensor(w, dtype=theirs.dtype)).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-6, atol=1e-6)


# ---------------------------------------------------------------------------- functional ops against torch
_MAX_ARGS = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=1, padding=1),
    dict(kernel_size=(2, 3, 1), stride=(1, 2, 1), padding=(1, 1, 0), ceil_mode=True),
    dict(kernel_size=3, stride=2, padding=1, dilation=2),
    dict(kernel_size=(3, 2, 2), stride=2, padding=1, dilation=(1, 2, 1), ceil_mode=True),
    dict(kernel_size=(1, 2, 3), stride=(2, 1, 2), padding=(0, 1, 1), dilation=(2, 1, 1)),
    dict(kernel_size=[2], stride=[]),
    dict(kernel_size=(6, 7, 8), ceil_mode=True),  # one window, hanging over the end
    dict(kernel_size=(2, 7, 8), stride=(1, 5, 3), padding=(1, 3, 2), ceil_mode=True),
]


@pytest.mark.parametrize("kw", _MAX_ARGS)
@pytest.mark.parametrize("shape", [(2, 3, 5, 6, 7), (3, 4, 5, 6)])
@pytest.mark.parametrize("nan", [False, True])
def test_max_pool3d_matches_torch(kw, shape, nan):
    x, tx = _pair(shape, nan=nan)
    _same(F.max_pool3d(x, return_indices=True, **kw), TF.max_pool3d(tx, return_indices=True, **kw), x, tx)


@pytest.mark.parametrize("dtype", ["int64", "int32", "int16", "int8", "uint8"])
def test_max_pool3d_and_2d_take_integers_as_torch(dtype):
    x, tx = _pair((2, 3, 4, 5, 4), dtype=dtype)
    _same(F.max_pool3d(x, 3, 2, 1, return_indices=True), TF.max_pool3d(tx, 3, 2, 1, return_indices=True))
    _same(F.max_pool2d(x[0], 2, 1, 1, return_indices=True), TF.max_pool2d(tx[0], 2, 1, 1, return_indices=True))


def test_max_pool_pads_integers_with_their_least_value():
    x = ag.tensor(np.full((1, 1, 3, 3, 3), -128, dtype=np.int8))
    y, i = F.max_pool3d(x, 3, 2, 1, return_indices=True)
    ty, ti = TF.max_pool3d(torch.tensor(x.numpy()), 3, 2, 1, return_indices=True)
    np.testing.assert_array_equal(y.numpy(), ty.numpy())
    np.testing.assert_array_equal(i.numpy(), ti.numpy())


def test_max_pool_indices_skip_padding_when_every_input_is_minus_inf():
    for fn, tfn, shape in ((F.max_pool3d, TF.max_pool3d, (1, 1, 3, 3, 3)), (F.max_pool2d, TF.max_pool2d, (1, 1, 3, 3)),
                           (F.max_pool1d, TF.max_pool1d, (1, 1, 5))):
        a = np.full(shape, -np.inf)
        x, tx = ag.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
        _same(fn(x, 3, 2, 1, 2, return_indices=True), tfn(tx, 3, 2, 1, 2, return_indices=True), x, tx)


def test_max_pool_nan_wins_and_the_last_nan_is_reported():
    a = np.arange(8.0).reshape(1, 1, 2, 2, 2)
    a[0, 0, 0, 0, 1] = a[0, 0, 0, 1, 1] = a[0, 0, 1, 0, 0] = np.nan
    x, tx = ag.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, i = F.max_pool3d(x, 2, return_indices=True)
    assert np.isnan(y.item()) and i.item() == 4
    _same((y, i), TF.max_pool3d(tx, 2, return_indices=True), x, tx)
    b = np.array([[[[1.0, np.nan, 3.0, np.nan], [np.nan, 2, 5, 0], [1, 2, 3, 4], [0, np.nan, 0, 0]]]])
    _same(F.max_pool2d(ag.tensor(b), 2, return_indices=True), TF.max_pool2d(torch.tensor(b), 2, return_indices=True))
    _same(F.adaptive_max_pool2d(ag.tensor(b), (1, 2), True), TF.adaptive_max_pool2d(torch.tensor(b), (1, 2), True))


@pytest.mark.parametrize("kw", [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=1, padding=1),
    dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
    dict(kernel_size=(2, 3, 1), stride=(1, 2, 1), padding=(1, 1, 0), ceil_mode=True),
    dict(kernel_size=(2, 3, 1), stride=(1, 2, 1), padding=(1, 1, 0), ceil_mode=True, count_include_pad=False),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
    dict(kernel_size=2, stride=1, divisor_override=3),
    dict(kernel_size=(1, 2, 3), stride=(2, 1, 2), padding=(0, 1, 1), divisor_override=-2),
])
@pytest.mark.parametrize("shape", [(2, 3, 5, 6, 7), (3, 4, 5, 6)])
def test_avg_pool3d_matches_torch(kw, shape):
    x, tx = _pair(shape)
    _same(F.avg_pool3d(x, **kw), TF.avg_pool3d(tx, **kw), x, tx)


def test_avg_pool3d_float32():
    x, tx = _pair((2, 2, 4, 5, 6), dtype="float32")
    _same(F.avg_pool3d(x, 3, 2, 1), TF.avg_pool3d(tx, 3, 2, 1), x, tx)


@pytest.mark.parametrize("size", [1, 2, 3, (2, None, 3), (5, 4, 3), (4, 6, 7), (1, 2, 1), (7, 9, 8)])
@pytest.mark.parametrize("shape", [(2, 3, 5, 6, 7), (3, 4, 5, 6)])
def test_adaptive_pool3d_matches_torch(size, shape):
    x, tx = _pair(shape)
    _same(F.adaptive_avg_pool3d(x, size), TF.adaptive_avg_pool3d(tx, size), x, tx)
    x, tx = _pair(shape, nan=True)
    _same(F.adaptive_max_pool3d(x, size, True), TF.adaptive_max_pool3d(tx, size, True), x, tx)


def test_adaptive_pools_to_an_empty_output_as_torch():
    x, tx = _pair((1, 2, 3, 4, 5))
    y = F.adaptive_max_pool3d(x, (0, 2, 2), True)
    _same(y, TF.adaptive_max_pool3d(tx, (0, 2, 2), True))
    y[0].sum().backward()  # torch's backward refuses the empty gradient; the input's gradient is zero
    assert not x.grad.numpy().any()
    _same(F.adaptive_avg_pool3d(x, 0), TF.adaptive_avg_pool3d(tx, 0))
    _same(F.adaptive_max_pool2d(x[0], 0), TF.adaptive_max_pool2d(tx[0], 0))


def test_empty_batch():
    x, tx = _pair((0, 2, 3, 4, 4))
    _same(F.max_pool3d(x, 2, return_indices=True), TF.max_pool3d(tx, 2, return_indices=True))
    _same(F.avg_pool3d(x, 2, padding=1), TF.avg_pool3d(tx, 2, padding=1))
    _same(F.adaptive_max_pool3d(x, 2, True), TF.adaptive_max_pool3d(tx, 2, True))
    _same(F.adaptive_avg_pool3d(x, (1, 2, 3)), TF.adaptive_avg_pool3d(tx, (1, 2, 3)))


def test_double_backward_matches_torch():
    x, tx = _pair((1, 2, 4, 4, 5))
    for fn, tfn in ((lambda v: F.max_pool3d(v, 3, 2, 1) ** 2, lambda v: TF.max_pool3d(v, 3, 2, 1) ** 2),
                    (lambda v: F.avg_pool3d(v, 2, 1) ** 2, lambda v: TF.avg_pool3d(v, 2, 1) ** 2),
                    (lambda v: F.adaptive_avg_pool3d(v, (3, 3, 2)) ** 2,
                     lambda v: TF.adaptive_avg_pool3d(v, (3, 3, 2)) ** 2)):
        g, = ag.grad(fn(x).sum(), x, create_graph=True)
        tg, = torch.autograd.grad(tfn(tx).sum(), tx, create_graph=True)
        gg, = ag.grad((g * g).sum(), x)
        tgg, = torch.autograd.grad((tg * tg).sum(), tx)
        np.testing.assert_allclose(gg.numpy(), tgg.numpy(), rtol=1e-6, atol=1e-9)


# ---------------------------------------------------------------------------- the *_with_indices names
@pytest.mark.parametrize("name, shape, args", [
    ("max_pool1d_with_indices", (2, 3, 9), (3, 2, 1, 2, True)),
    ("max_pool2d_with_indices", (2, 3, 6, 7), (3, 2, 1, 1, True)),
    ("max_pool3d_with_indices", (2, 3, 4, 5, 6), ((2, 3, 2), 1, (1, 1, 0))),
    ("adaptive_max_pool1d_with_indices", (2, 3, 9), (4,)),
    ("adaptive_max_pool2d_with_indices", (2, 3, 6, 7), ((4, 5),)),
    ("adaptive_max_pool3d_with_indices", (2, 3, 4, 5, 6), ((3, 2, 4),)),
])
def test_with_indices_names_always_return_the_indices(name, shape, args):
    x, tx = _pair(shape)
    _same(getattr(F, name)(x, *args), getattr(TF, name)(tx, *args), x, tx)
    _same(getattr(F, name)(x, *args, return_indices=False), getattr(TF, name)(tx, *args, return_indices=False))


def test_top_level_names_exist_where_torch_has_them():
    names = ["max_pool3d", "avg_pool3d", "adaptive_avg_pool3d", "adaptive_max_pool3d", "max_pool1d_with_indices",
             "max_pool2d_with_indices", "max_pool3d_with_indices", "adaptive_max_pool1d_with_indices",
             "adaptive_max_pool2d_with_indices", "adaptive_max_pool3d_with_indices"]
    for n in names:
        assert hasattr(F, n) and hasattr(TF, n)
        assert hasattr(ag, n) == hasattr(torch, n), n
    x, tx = _pair((1, 2, 5))
    _same(ag.max_pool1d_with_indices(x, 2), torch.max_pool1d_with_indices(tx, 2))
    x, tx = _pair((1, 2, 4, 4, 4))
    _same(ag.max_pool3d(x, 2, 1, 1), torch.max_pool3d(tx, 2, 1, 1))


# ---------------------------------------------------------------------------- layers
@pytest.mark.parametrize("cls, args, kwargs", [
    ("MaxPool3d", (2,), {}),
    ("MaxPool3d", ((2, 3, 1),), dict(stride=1, padding=(1, 0, 0), dilation=2, return_indices=True, ceil_mode=True)),
    ("AvgPool3d", (2,), {}),
    ("AvgPool3d", ((2, 3, 1), (1, 2, 1), (1, 1, 0), True, False, 3), {}),
    ("AvgPool3d", (3,), dict(stride=2, padding=1, count_include_pad=False)),
    ("AdaptiveAvgPool3d", ((2, None, 3),), {}),
    ("AdaptiveAvgPool3d", (3,), {}),
    ("AdaptiveMaxPool3d", (2, True), {}),
    ("AdaptiveMaxPool3d", ((3, 2, 4),), {}),
])
@pytest.mark.parametrize("shape", [(2, 3, 5, 6, 7), (3, 5, 6, 7)])
def test_layers_match_torch(cls, args, kwargs, shape):
    layer, tlayer = getattr(nn, cls)(*args, **kwargs), getattr(torch.nn, cls)(*args, **kwargs)
    assert repr(layer) == repr(tlayer)
    for attr in ("kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices", "count_include_pad",
                 "divisor_override", "output_size"):
        assert getattr(layer, attr, None) == getattr(tlayer, attr, None), attr
    x, tx = _pair(shape)
    _same(layer(x), tlayer(tx), x, tx)
    assert list(layer.parameters()) == [] and layer.state_dict() == {}


def test_layer_rank_error_names_the_layer():
    with pytest.raises(RuntimeError, match=r"MaxPool3d\(kernel_size=2, .*\): expected input of shape "
                                           r"\(N, C, D, H, W\) or \(C, D, H, W\), got \(4, 4, 4\)"):
        nn.MaxPool3d(2)(ag.zeros(4, 4, 4))
    for layer, tlayer in ((nn.AvgPool3d(2), torch.nn.AvgPool3d(2)),
                          (nn.AdaptiveAvgPool3d(2), torch.nn.AdaptiveAvgPool3d(2)),
                          (nn.AdaptiveMaxPool3d(2), torch.nn.AdaptiveMaxPool3d(2))):
        with pytest.raises(RuntimeError, match=type(layer).__name__):
            layer(ag.zeros(4, 4, 4))
        with pytest.raises(RuntimeError):
            tlayer(torch.zeros(4, 4, 4))


# ---------------------------------------------------------------------------- errors: same class as torch
def _x5(shape=(1, 2, 4, 4, 4), dtype="float32"):
    return _pair(shape, dtype=dtype)


_ERRORS = [  # (call on F or TF, input shape, dtype, pattern of tapegrad's message)
    (lambda f, x: f.max_pool3d(x, 3, padding=2), None, r"max_pool3d: padding should be at most half of effective "
                                                       r"kernel size, but got padding=\(2, 2, 2\)"),
    (lambda f, x: f.max_pool3d(x, 2, padding=(0, 2, 0), dilation=(1, 2, 1)), None, "at most half"),
    (lambda f, x: f.avg_pool3d(x, 3, padding=2), None, r"avg_pool3d: padding should be at most half of kernel size"),
    (lambda f, x: f.max_pool3d(x, 0), None, r"max_pool3d: kernel_size must be positive, got \(0, 0, 0\)"),
    (lambda f, x: f.avg_pool3d(x, (2, 0, 2)), None, "avg_pool3d: kernel_size must be positive"),
    (lambda f, x: f.max_pool3d(x, 2, stride=0), None, "max_pool3d: stride must be positive"),
    (lambda f, x: f.avg_pool3d(x, 2, stride=(1, 0, 1)), None, "avg_pool3d: stride must be positive"),
    (lambda f, x: f.max_pool3d(x, 2, padding=-1), None, "max_pool3d: padding must be non-negative"),
    (lambda f, x: f.avg_pool3d(x, 2, padding=-1), None, "avg_pool3d: padding must be non-negative"),
    (lambda f, x: f.max_pool3d(x, 2, dilation=0), None, "max_pool3d: dilation must be positive"),
    (lambda f, x: f.max_pool3d(x, 5), None, r"max_pool3d: input of shape \(1, 2, 4, 4, 4\) is too small for "
                                            r"kernel_size \(5, 5, 5\)"),
    (lambda f, x: f.avg_pool3d(x, (2, 5, 2)), None, "avg_pool3d: input of shape .* is too small"),
    (lambda f, x: f.max_pool3d(x, (2, 2)), None, r"max_pool3d: kernel_size must be an int or a tuple of 3 ints"),
    (lambda f, x: f.max_pool3d(x, (2, 2, 2, 2)), None, "max_pool3d: kernel_size must be an int or a tuple of 3"),
    (lambda f, x: f.avg_pool3d(x, (2, 2)), None, "avg_pool3d: kernel_size must be an int or a tuple of 3 ints"),
    (lambda f, x: f.max_pool3d(x, 2, stride=(1, 2)), None, "max_pool3d: stride must be an int or a tuple of 3"),
    (lambda f, x: f.max_pool3d(x, 2, padding=(1, 1)), None, "max_pool3d: padding must be an int or a tuple of 3"),
    (lambda f, x: f.max_pool3d(x, 2.0), None, "max_pool3d: kernel_size must be an int"),
    (lambda f, x: f.avg_pool3d(x, 2, divisor_override=0), None, "avg_pool3d: divisor_override must be a non-zero"),
    (lambda f, x: f.avg_pool3d(x, 2, divisor_override=2.5), None, "avg_pool3d: divisor_override must be a non-zero"),
    (lambda f, x: f.max_pool3d(x, 2), (4, 4, 4), r"max_pool3d: expected a 4-d \(unbatched\) or 5-d \(batched\) "
                                                 r"input of shape \(C, D, H, W\) or \(N, C, D, H, W\), but got "
                                                 r"input of shape \(4, 4, 4\)"),
    (lambda f, x: f.avg_pool3d(x, 2), (1, 1, 2, 4, 4, 4), r"avg_pool3d: expected a 4-d \(unbatched\) or 5-d"),
    (lambda f, x: f.max_pool3d(x, 2), (2, 0, 3, 3, 3), r"max_pool3d: expected an input whose channel and spatial "
                                                       r"dims are non-empty .* shape \(2, 0, 3, 3, 3\)"),
    (lambda f, x: f.avg_pool3d(x, 2), (0, 3, 3, 3), "avg_pool3d: expected an input whose channel and spatial"),
    (lambda f, x: f.max_pool2d(x, 2), (2, 0, 3, 3), "max_pool2d: expected an input whose channel and spatial"),
    (lambda f, x: f.adaptive_avg_pool3d(x, 2), (4, 4, 4), "adaptive_avg_pool3d: expected a 4-d"),
    (lambda f, x: f.adaptive_max_pool3d(x, 2), (4, 4, 4), "adaptive_max_pool3d: expected a 4-d"),
    (lambda f, x: f.adaptive_max_pool3d(x, (2, 2)), None, "adaptive_max_pool3d: output_size must be an int or a "
                                                          "tuple of 3 ints"),
    (lambda f, x: f.adaptive_avg_pool3d(x, (2, 2)), None, "adaptive_avg_pool3d: output_size must be an int or"),
    (lambda f, x: f.adaptive_avg_pool3d(x, -1), None, "adaptive_avg_pool3d: output_size must hold non-negative"),
    (lambda f, x: f.adaptive_max_pool3d(x, -1), None, "adaptive_max_pool3d: output_size must hold non-negative"),
    (lambda f, x: f.adaptive_avg_pool3d(x, 2), (1, 2, 0, 3, 3), "adaptive_avg_pool3d: expected input with non-zero "
                                                                "spatial size"),
    (lambda f, x: f.adaptive_max_pool3d(x, 2), (2, 0, 3, 3, 3), "adaptive_max_pool3d: expected input with non-zero"),
    (lambda f, x: f.adaptive_avg_pool3d(x, 2), (2, 0, 3, 3, 3), "adaptive_avg_pool3d: expected input with non-zero"),
    (lambda f, x: f.interpolate(x, scale_factor=2, mode="trilinear"), (1, 2, 3, 4), r"interpolate: mode "
                                                                                    r"'trilinear' expects a 5-d"),
    (lambda f, x: f.interpolate(x, scale_factor=2, mode="bilinear"), None, "interpolate: mode 'bilinear' expects"),
    (lambda f, x: f.interpolate(x, scale_factor=2, mode="linear"), None, "interpolate: mode 'linear' expects"),
    (lambda f, x: f.interpolate(x, scale_factor=2, align_corners=True), None, "align_corners option can only be "
                                                                              "set with the interpolating modes"),
    (lambda f, x: f.interpolate(x, scale_factor=(2, 3)), None, "interpolate: scale_factor must be a number or a "
                                                               "tuple of 3 numbers"),
    (lambda f, x: f.interpolate(x, scale_factor=2), (1, 1, 2, 2, 2, 2), "interpolate: mode 'nearest' expects"),
    (lambda f, x: f.interpolate(x, size=(2, 3)), None, r"interpolate: size must be an int or a tuple of 3 ints"),
]


@pytest.mark.parametrize("call, shape, pattern", _ERRORS, ids=[e[2][:40] for e in _ERRORS])
def test_errors_have_torchs_class_and_name_the_op(call, shape, pattern):
    x, tx = _x5(shape or (1, 2, 4, 4, 4))
    with pytest.raises(Exception) as theirs:
        call(TF, tx)
    with pytest.raises(theirs.type, match=pattern):
        call(F, x)


@pytest.mark.parametrize("call", [lambda f, x: f.avg_pool3d(x, 2), lambda f, x: f.adaptive_max_pool3d(x, 2),
                                  lambda f, x: f.adaptive_avg_pool3d(x, 2)])
def test_float_only_ops_refuse_integers(call):
    x, _ = _x5(dtype="int32")
    with pytest.raises(TypeError, match="expected a floating point input, got dtype int32"):
        call(F, x)


def test_a_failed_call_changes_nothing():
    x, _ = _pair((1, 2, 4, 4, 4))
    before = x.detach().numpy().copy()
    with pytest.raises(RuntimeError):
        F.max_pool3d(x, 3, padding=2)
    assert x.grad is None and x.grad_fn is None
    np.testing.assert_array_equal(x.detach().numpy(), before)


# ---------------------------------------------------------------------------- 5-d interpolate
@pytest.mark.parametrize("mode", ["nearest", "nearest-exact", "trilinear", "area"])
@pytest.mark.parametrize("kw", [dict(scale_factor=2), dict(size=(3, 5, 4)), dict(scale_factor=(1.5, 0.7, 2.3)),
                                dict(size=(6, 7, 9)), dict(scale_factor=1), dict(size=2),
                                dict(scale_factor=(1.5, 0.7, 2.3), recompute_scale_factor=True)])
def test_interpolate_5d_matches_torch(mode, kw):
    x, tx = _pair((2, 3, 4, 5, 6))
    _same(F.interpolate(x, mode=mode, **kw), TF.interpolate(tx, mode=mode, **kw), x, tx)


@pytest.mark.parametrize("kw", [dict(scale_factor=2), dict(size=(3, 5, 4)), dict(size=(1, 7, 2))])
def test_trilinear_align_corners_and_upsample_layer_match_torch(kw):
    x, tx = _pair((1, 2, 3, 4, 5))
    _same(F.interpolate(x, mode="trilinear", align_corners=True, **kw),
          TF.interpolate(tx, mode="trilinear", align_corners=True, **kw), x, tx)
    layer, tlayer = nn.Upsample(mode="trilinear", **kw), torch.nn.Upsample(mode="trilinear", **kw)
    assert repr(layer) == repr(tlayer)
    _same(layer(x), tlayer(tx))
