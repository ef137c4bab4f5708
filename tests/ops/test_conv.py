"""Convolution and pooling ops: error paths, PyTorch's conventions (indices, ties, sizes), higher-order gradients,
devices, and side-by-side checks against torch.nn.functional when PyTorch is installed."""
import numpy as np
import pytest

import autograd as ag
from tests.ops.cases_conv import ref_conv, ref_max_pool


def _t(shape, seed=0, dtype="float32", requires_grad=False):
    arr = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return ag.tensor(arr, requires_grad=requires_grad)


# ---------------------------------------------------------------------------- errors: convolution
def test_conv2d_wrong_channel_count_names_op_and_shapes():
    with pytest.raises(RuntimeError, match=r"conv2d: weight of shape \(4, 3, 3, 3\) with groups=1 expects input "
                                           r"with 3 channels, but got input of shape \(2, 5, 8, 8\) with 5 channels"):
        ag.conv2d(_t((2, 5, 8, 8)), _t((4, 3, 3, 3)))


def test_conv_wrong_rank():
    with pytest.raises(RuntimeError, match=r"conv2d: expected a 3-d \(unbatched\) or 4-d \(batched\) input.*"
                                           r"\(8, 8\)"):
        ag.conv2d(_t((8, 8)), _t((4, 1, 3, 3)))
    with pytest.raises(RuntimeError, match=r"conv1d: expected a 3-d weight.*\(4, 1, 3, 3\)"):
        ag.conv1d(_t((1, 1, 8)), _t((4, 1, 3, 3)))


@pytest.mark.parametrize("kwargs, exc, pattern", [
    (dict(padding="same", stride=2), RuntimeError, "padding='same' is not supported for strided"),
    (dict(padding="full"), RuntimeError, "padding must be 'valid', 'same'"),
    (dict(padding=-1), RuntimeError, "padding must be non-negative"),
    (dict(stride=0), RuntimeError, "stride must be positive"),
    (dict(dilation=(1, 0)), RuntimeError, "dilation must be positive"),
    (dict(stride=(1, 2, 3)), RuntimeError, "stride must be an int or a tuple of 2 ints"),
    (dict(stride=1.5), TypeError, "stride must be an int"),
    (dict(groups=0), RuntimeError, "groups must be a positive int"),
])
def test_conv2d_bad_arguments(kwargs, exc, pattern):
    with pytest.raises(exc, match=pattern):
        ag.conv2d(_t((1, 2, 6, 6)), _t((2, 2, 3, 3)), **kwargs)


def test_conv2d_groups_and_bias_shapes():
    with pytest.raises(RuntimeError, match=r"output channels must be divisible by groups=2"):
        ag.conv2d(_t((1, 4, 6, 6)), _t((3, 2, 3, 3)), groups=2)
    with pytest.raises(RuntimeError, match=r"expected bias of shape \(2,\).*got bias of shape \(3,\)"):
        ag.conv2d(_t((1, 2, 6, 6)), _t((2, 2, 3, 3)), _t((3,)))


def test_conv2d_kernel_larger_than_padded_input():
    with pytest.raises(RuntimeError, match=r"conv2d: input of shape \(1, 1, 2, 2\).*smaller than the kernel"):
        ag.conv2d(_t((1, 1, 2, 2)), _t((1, 1, 3, 3)))
    assert ag.conv2d(_t((1, 1, 2, 2)), _t((1, 1, 3, 3)), padding=1).shape == (1, 1, 2, 2)


def test_conv_dtype_and_type_errors():
    with pytest.raises(TypeError, match=r"conv2d: input dtype \(float64\) and weight dtype \(float32\)"):
        ag.conv2d(_t((1, 1, 4, 4), dtype="float64"), _t((1, 1, 3, 3)))
    with pytest.raises(TypeError, match="conv2d: expected a floating point input"):
        ag.conv2d(ag.ones(1, 1, 4, 4, dtype=ag.int64), _t((1, 1, 3, 3)))
    with pytest.raises(TypeError, match="conv2d: expected weight to be a Tensor"):
        ag.conv2d(_t((1, 1, 4, 4)), np.ones((1, 1, 3, 3), np.float32))


def test_conv_devices_must_match(stand_in):
    with pytest.raises(RuntimeError, match=r"conv2d: input is on cpu but weight is on cuda"):
        ag.conv2d(_t((1, 1, 4, 4)), _t((1, 1, 3, 3)).to("cuda"))


def test_conv_transpose_errors():
    with pytest.raises(RuntimeError, match=r"output_padding \(2, 2\) must be smaller than either stride \(2, 2\) or "
                                           r"dilation \(1, 1\)"):
        ag.conv_transpose2d(_t((1, 2, 3, 3)), _t((2, 1, 3, 3)), stride=2, output_padding=2)
    with pytest.raises(RuntimeError, match=r"conv_transpose2d: weight of shape \(3, 1, 3, 3\) expects input with "
                                           r"3 channels, but got input of shape \(1, 2, 3, 3\)"):
        ag.conv_transpose2d(_t((1, 2, 3, 3)), _t((3, 1, 3, 3)))
    with pytest.raises(ValueError, match="string padding is not supported"):
        ag.conv_transpose2d(_t((1, 2, 3, 3)), _t((2, 1, 3, 3)), padding="same")
    with pytest.raises(RuntimeError, match="non-positive size"):
        ag.conv_transpose2d(_t((1, 2, 1, 1)), _t((2, 1, 1, 1)), padding=1)


def test_unfold_fold_errors():
    with pytest.raises(RuntimeError, match=r"unfold: spatial size \(2, 2\).*too small for kernel_size \(3, 3\)"):
        ag.unfold(_t((1, 1, 2, 2)), 3)
    with pytest.raises(RuntimeError, match=r"fold: expected size of input's dimension 1 \(5\) to be divisible"):
        ag.fold(_t((1, 5, 9)), (4, 4), 2)
    with pytest.raises(RuntimeError, match=r"fold: expected input's last dimension to be 9"):
        ag.fold(_t((1, 4, 8)), (4, 4), 2)


# ---------------------------------------------------------------------------- errors: pooling and resampling
def test_pool_errors():
    with pytest.raises(RuntimeError, match=r"max_pool2d: padding should be at most half of effective kernel size"):
        ag.max_pool2d(_t((1, 1, 6, 6)), 2, padding=2)
    with pytest.raises(RuntimeError, match=r"avg_pool2d: padding should be at most half of kernel size"):
        ag.avg_pool2d(_t((1, 1, 6, 6)), 3, padding=2)
    with pytest.raises(RuntimeError, match=r"max_pool2d: input of shape \(1, 1, 2, 2\) is too small"):
        ag.max_pool2d(_t((1, 1, 2, 2)), 3)
    with pytest.raises(RuntimeError, match=r"max_pool1d: expected a 2-d \(unbatched\) or 3-d \(batched\) input"):
        ag.max_pool1d(_t((1, 1, 4, 4)), 2)
    with pytest.raises(RuntimeError, match="divisor_override must be a non-zero int"):
        ag.avg_pool2d(_t((1, 1, 4, 4)), 2, divisor_override=0)
    with pytest.raises(RuntimeError, match="adaptive_avg_pool2d: output_size must be an int or a tuple of 2 ints"):
        ag.adaptive_avg_pool2d(_t((1, 1, 4, 4)), (1, 2, 3))


def test_interpolate_errors():
    x = _t((1, 1, 4, 4))
    with pytest.raises(ValueError, match="exactly one of size or scale_factor"):
        ag.interpolate(x)
    with pytest.raises(ValueError, match="exactly one of size or scale_factor"):
        ag.interpolate(x, size=3, scale_factor=2)
    with pytest.raises(ValueError, match="align_corners option can only be set with the interpolating modes"):
        ag.interpolate(x, scale_factor=2, align_corners=True)
    with pytest.raises(NotImplementedError, match=r"mode 'linear' expects a 3-d \(N, C, L\) input"):
        ag.interpolate(x, scale_factor=2, mode="linear")
    with pytest.raises(NotImplementedError, match="mode 'cubic' is not supported"):
        ag.interpolate(x, scale_factor=2, mode="cubic")
    with pytest.raises(RuntimeError, match=r"pixel_shuffle: the channel count 3 .* not divisible by "
                                           r"upscale_factor\^2 = 4"):
        ag.pixel_shuffle(_t((1, 3, 2, 2)), 2)
    with pytest.raises(RuntimeError, match=r"pixel_unshuffle: the spatial size \(4, 5\)"):
        ag.pixel_unshuffle(_t((1, 1, 4, 5)), 2)


# ---------------------------------------------------------------------------- PyTorch's conventions
def test_max_pool_gradient_goes_to_the_first_maximum():
    x = ag.tensor([[[[1.0, 1.0, 0.0, 0.0], [1.0, 1.0, 0.0, 0.0]]]], requires_grad=True)
    y, idx = ag.max_pool2d(x, 2, return_indices=True)
    y.sum().backward()
    np.testing.assert_array_equal(idx.numpy(), [[[[0, 2]]]])
    np.testing.assert_array_equal(x.grad.numpy(), [[[[1, 0, 1, 0], [0, 0, 0, 0]]]])
    assert idx.dtype == ag.int64 and not idx.requires_grad


def test_max_pool_overlapping_windows_accumulate():
    x = ag.tensor([[[0.0, 5.0, 1.0, 2.0]]], requires_grad=True)
    y = ag.max_pool1d(x, 2, stride=1)
    np.testing.assert_array_equal(y.detach().numpy(), [[[5, 5, 2]]])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[[0, 2, 0, 1]]])


def test_max_pool_all_minus_inf_window_points_inside():
    x = ag.full((1, 1, 3, 3), -np.inf)
    _, idx = ag.max_pool2d(x, 3, stride=2, padding=1, return_indices=True)
    np.testing.assert_array_equal(idx.numpy(), [[[[0, 1], [3, 4]]]])


def test_pool_fast_path_matches_reference_on_larger_inputs():
    x = _t((3, 4, 12, 10))
    for kw in (dict(kernel_size=2), dict(kernel_size=(3, 2)), dict(kernel_size=4, ceil_mode=True)):
        y, idx = ag.max_pool2d(x, return_indices=True, **kw)
        ry, ridx = ref_max_pool(x.numpy().astype(np.float64), 2, return_indices=True, **kw)
        np.testing.assert_allclose(y.numpy(), ry, rtol=1e-6)
        np.testing.assert_array_equal(idx.numpy(), ridx)


def test_outputs_are_new_contiguous_arrays():
    x = _t((2, 3, 6, 6))
    for y in (ag.conv2d(x, _t((4, 3, 3, 3)), padding=1), ag.max_pool2d(x, 1), ag.avg_pool2d(x, 2),
              ag.conv_transpose2d(x, _t((3, 2, 3, 3)), stride=2, padding=1), ag.interpolate(x, scale_factor=2)):
        assert y.array.flags["C_CONTIGUOUS"] and not np.shares_memory(y.array, x.array)
        assert y.dtype == ag.float32


def test_no_grad_records_nothing():
    x, w = _t((1, 1, 5, 5), requires_grad=True), _t((2, 1, 3, 3), requires_grad=True)
    with ag.no_grad():
        y = ag.max_pool2d(ag.conv2d(x, w), 2)
    assert y.grad_fn is None and not y.requires_grad


def test_conv_matches_reference_in_float32_on_a_cnn_sized_input():
    x, w = _t((8, 3, 17, 15)), _t((5, 3, 3, 3), seed=1)
    for kw in (dict(), dict(padding=1), dict(stride=2, padding=1), dict(dilation=2, padding="same")):
        y = ag.conv2d(x, w, **kw)
        ref = ref_conv(x.numpy().astype(np.float64), w.numpy().astype(np.float64), **kw)
        np.testing.assert_allclose(y.numpy(), ref, rtol=1e-4, atol=1e-4)


def test_conv_weight_gradient_accumulates_over_uses():
    x, w = _t((2, 1, 5, 5)), _t((2, 1, 3, 3), requires_grad=True)
    (ag.conv2d(x, w).sum() + ag.conv2d(x, w, padding=1).sum()).backward()
    g1 = ag.grad(ag.conv2d(x, w).sum(), w)[0].numpy() + ag.grad(ag.conv2d(x, w, padding=1).sum(), w)[0].numpy()
    np.testing.assert_allclose(w.grad.numpy(), g1, rtol=1e-5)


def test_second_derivative_of_conv_in_the_weight_is_zero_but_mixed_is_not():
    x, w = _t((1, 1, 4, 4), dtype="float64", requires_grad=True), _t((1, 1, 2, 2), dtype="float64",
                                                                       requires_grad=True)
    (gw,) = ag.grad((ag.conv2d(x, w) ** 2).sum(), w, create_graph=True)
    (gx,) = ag.grad(gw.sum(), x)
    assert gx.shape == x.shape and np.abs(gx.numpy()).sum() > 0


def test_ops_on_the_gpu_backend_match_the_cpu(stand_in):
    x, w = _t((2, 2, 7, 7), requires_grad=True), _t((3, 2, 3, 3), seed=1, requires_grad=True)
    xc, wc = (t.detach().to("cuda").requires_grad_() for t in (x, w))
    outs = []
    for a, b in ((x, w), (xc, wc)):
        h = ag.max_pool2d(ag.conv2d(a, b, padding=1).relu(), 2, return_indices=True)[0]
        h = ag.interpolate(ag.avg_pool2d(h, 2, ceil_mode=True), scale_factor=1.5, mode="bilinear")
        h = ag.adaptive_max_pool2d(ag.conv_transpose2d(h, b, stride=2), (2, 3))
        h.sum().backward()
        outs.append((h, a.grad, b.grad))
    for c, g in zip(*outs):
        assert g.device == "cuda"
        np.testing.assert_allclose(g.detach().cpu().numpy(), c.detach().numpy(), rtol=1e-6)


# ---------------------------------------------------------------------------- side by side with PyTorch
def _torch_pair(torch, shape, seed, grad=True):
    a = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    return ag.tensor(a, requires_grad=grad), torch.tensor(a, requires_grad=grad)


def _close(ours, theirs, tol=1e-4):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("op, xs, ws, kw", [
    ("conv2d", (4, 3, 9, 8), (6, 3, 3, 3), dict(padding=1)),
    ("conv2d", (2, 4, 10, 9), (4, 2, 3, 2), dict(stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2)),
    ("conv2d", (2, 4, 8, 8), (4, 1, 5, 5), dict(padding="same", groups=4)),
    ("conv1d", (3, 2, 20), (5, 2, 4), dict(stride=3, padding=2)),
    ("conv_transpose2d", (2, 4, 5, 6), (4, 3, 4, 4), dict(stride=2, padding=1)),
    ("conv_transpose2d", (2, 4, 5, 6), (4, 1, 3, 3), dict(stride=3, padding=1, output_padding=2, groups=2,
                                                          dilation=2)),
    ("conv_transpose1d", (2, 3, 7), (3, 2, 3), dict(stride=2, output_padding=1)),
])
def test_convolutions_match_torch(op, xs, ws, kw):
    torch = pytest.importorskip("torch")
    (x, tx), (w, tw) = _torch_pair(torch, xs, 0), _torch_pair(torch, ws, 1)
    nb = ws[1] * kw.get("groups", 1) if op.startswith("conv_transpose") else ws[0]
    b, tb = _torch_pair(torch, (nb,), 2)
    y, ty = getattr(ag, op)(x, w, b, **kw), getattr(torch.nn.functional, op)(tx, tw, tb, **kw)
    _close(y, ty)
    g = np.random.default_rng(3).standard_normal(ty.shape).astype(np.float32)
    y.backward(ag.tensor(g))
    ty.backward(torch.tensor(g))
    for a, ta in ((x, tx), (w, tw), (b, tb)):
        _close(a.grad, ta.grad)


def test_conv_double_backward_matches_torch():
    torch = pytest.importorskip("torch")
    (x, tx), (w, tw) = _torch_pair(torch, (2, 2, 6, 6), 0), _torch_pair(torch, (3, 2, 3, 3), 1)
    gx, gw = ag.grad((ag.conv2d(x, w, stride=2, padding=1).tanh() ** 2).sum(), (x, w), create_graph=True)
    tgx, tgw = torch.autograd.grad((torch.conv2d(tx, tw, stride=2, padding=1).tanh() ** 2).sum(), (tx, tw),
                                   create_graph=True)
    ((gx ** 2).sum() + (gw * gw).sum()).backward()
    ((tgx ** 2).sum() + (tgw * tgw).sum()).backward()
    _close(x.grad, tx.grad, 1e-3)
    _close(w.grad, tw.grad, 1e-3)


@pytest.mark.parametrize("op, shape, kw", [
    ("max_pool2d", (2, 3, 9, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, return_indices=True)),
    ("max_pool2d", (2, 3, 8, 8), dict(kernel_size=2, return_indices=True)),
    ("max_pool2d", (2, 3, 9, 9), dict(kernel_size=(2, 3), stride=1, dilation=(2, 1), return_indices=True)),
    ("max_pool1d", (2, 3, 11), dict(kernel_size=3, stride=2, return_indices=True)),
    ("avg_pool2d", (2, 3, 9, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    ("avg_pool2d", (2, 3, 9, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ("avg_pool1d", (2, 3, 11), dict(kernel_size=2, ceil_mode=True)),
    ("adaptive_avg_pool2d", (2, 3, 9, 7), dict(output_size=(4, 3))),
    ("adaptive_max_pool2d", (2, 3, 9, 7), dict(output_size=(4, 5), return_indices=True)),
    ("interpolate", (2, 3, 5, 7), dict(scale_factor=2)),
    ("interpolate", (2, 3, 5, 7), dict(size=(8, 11))),
    ("interpolate", (2, 3, 5, 7), dict(scale_factor=1.6, mode="bilinear")),
    ("interpolate", (2, 3, 5, 7), dict(size=(9, 4), mode="bilinear", align_corners=True)),
    ("interpolate", (2, 3, 7), dict(scale_factor=2, mode="linear")),
    ("pixel_shuffle", (2, 8, 3, 4), dict(upscale_factor=2)),
    ("pixel_unshuffle", (2, 2, 6, 4), dict(downscale_factor=2)),
])
def test_pooling_matches_torch(op, shape, kw):
    torch = pytest.importorskip("torch")
    x, tx = _torch_pair(torch, shape, 0)
    y, ty = getattr(ag, op)(x, **kw), getattr(torch.nn.functional, op)(tx, **kw)
    if kw.get("return_indices"):
        np.testing.assert_array_equal(y[1].numpy(), ty[1].numpy())
        y, ty = y[0], ty[0]
    _close(y, ty)
    g = np.random.default_rng(3).standard_normal(ty.shape).astype(np.float32)
    y.backward(ag.tensor(g))
    ty.backward(torch.tensor(g))
    _close(x.grad, tx.grad)


def test_weight_gradient_without_saved_columns(monkeypatch):
    """Large column buffers are rebuilt in backward instead of being kept: same gradients."""
    from autograd.ops import conv

    x, w = _t((2, 3, 7, 6), dtype="float64", requires_grad=True), _t((4, 3, 3, 3), 1, "float64", True)
    want = ag.grad(ag.conv2d(x, w, padding=1, stride=(1, 2)).square().sum(), (x, w))
    monkeypatch.setattr(conv, "_KEEP_COLS_BYTES", 0)
    got = ag.grad(ag.conv2d(x, w, padding=1, stride=(1, 2)).square().sum(), (x, w))
    for a, b in zip(got, want):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)


@pytest.mark.parametrize("needs_input_grad", [False, True])
def test_both_column_layouts_agree(needs_input_grad):
    """A first layer (few input rows per output channel) takes the strided layout, others the flat one."""
    x = _t((2, 1, 9, 8), dtype="float64", requires_grad=needs_input_grad)
    w1, w2 = _t((16, 1, 3, 3), 1, "float64", True), _t((2, 16, 3, 3), 2, "float64", True)
    y = ag.conv2d(ag.conv2d(x, w1, padding=1).tanh(), w2)  # 9 column rows < 16 outputs: strided, then flat
    ref = ref_conv(np.tanh(ref_conv(x.detach().numpy(), w1.detach().numpy(), padding=1)), w2.detach().numpy())
    np.testing.assert_allclose(y.detach().numpy(), ref, rtol=1e-10)
    assert ag.gradcheck(lambda a, b: ag.conv2d(ag.conv2d(x, a, padding=1).tanh(), b), (w1, w2))
