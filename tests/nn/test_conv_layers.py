"""Convolution and pooling layers: shapes, parameters and their initial distribution, reprs, errors, padding
modes, output_size, devices, a small CNN that learns, and side-by-side checks against torch.nn when installed."""
import math

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from tests.ops.cases_conv import ref_conv

ALL_REPRS = [
    (lambda: nn.Conv2d(1, 16, 3), "Conv2d(1, 16, kernel_size=(3, 3), stride=(1, 1))"),
    (lambda: nn.Conv2d(4, 8, (3, 5), stride=2, padding=1, dilation=2, groups=2, bias=False, padding_mode="reflect"),
     "Conv2d(4, 8, kernel_size=(3, 5), stride=(2, 2), padding=(1, 1), dilation=(2, 2), groups=2, bias=False, "
     "padding_mode=reflect)"),
    (lambda: nn.Conv2d(2, 2, 3, padding="same"), "Conv2d(2, 2, kernel_size=(3, 3), stride=(1, 1), padding=same)"),
    (lambda: nn.Conv1d(2, 4, 3), "Conv1d(2, 4, kernel_size=(3,), stride=(1,))"),
    (lambda: nn.ConvTranspose2d(4, 2, 4, stride=2, padding=1, output_padding=1),
     "ConvTranspose2d(4, 2, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))"),
    (lambda: nn.ConvTranspose1d(2, 2, 3), "ConvTranspose1d(2, 2, kernel_size=(3,), stride=(1,))"),
    (lambda: nn.MaxPool2d(2), "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"),
    (lambda: nn.MaxPool1d(3, 2), "MaxPool1d(kernel_size=3, stride=2, padding=0, dilation=1, ceil_mode=False)"),
    (lambda: nn.AvgPool2d(2), "AvgPool2d(kernel_size=2, stride=2, padding=0)"),
    (lambda: nn.AvgPool1d(3), "AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))"),
    (lambda: nn.AdaptiveAvgPool2d((1, 1)), "AdaptiveAvgPool2d(output_size=(1, 1))"),
    (lambda: nn.AdaptiveMaxPool2d(3, return_indices=True), "AdaptiveMaxPool2d(output_size=3)"),
    (lambda: nn.AdaptiveAvgPool1d(4), "AdaptiveAvgPool1d(output_size=4)"),
    (lambda: nn.Upsample(scale_factor=2), "Upsample(scale_factor=2.0, mode='nearest')"),
    (lambda: nn.Upsample(size=(4, 5), mode="bilinear", align_corners=True), "Upsample(size=(4, 5), mode='bilinear')"),
    (lambda: nn.UpsamplingNearest2d(scale_factor=2), "UpsamplingNearest2d(scale_factor=2.0, mode='nearest')"),
    (lambda: nn.PixelShuffle(2), "PixelShuffle(upscale_factor=2)"),
    (lambda: nn.PixelUnshuffle(3), "PixelUnshuffle(downscale_factor=3)"),
    (lambda: nn.Unfold(2), "Unfold(kernel_size=2, dilation=1, padding=0, stride=1)"),
    (lambda: nn.Fold((4, 4), 2), "Fold(output_size=(4, 4), kernel_size=2, dilation=1, padding=0, stride=1)"),
]


def _x(shape, seed=0, dtype="float32"):
    return ag.tensor(np.random.default_rng(seed).standard_normal(shape).astype(dtype))


@pytest.mark.parametrize("make, text", ALL_REPRS, ids=[t.split("(")[0] + str(i) for i, (_, t) in
                                                       enumerate(ALL_REPRS)])
def test_repr_is_pytorchs(make, text):
    assert repr(make()) == text


# ---------------------------------------------------------------------------- parameters and init
@pytest.mark.parametrize("layer, wshape", [
    (lambda: nn.Conv2d(6, 8, (3, 2), groups=2), (8, 3, 3, 2)),
    (lambda: nn.Conv1d(3, 5, 4), (5, 3, 4)),
    (lambda: nn.ConvTranspose2d(6, 8, 3, groups=2), (6, 4, 3, 3)),
    (lambda: nn.ConvTranspose1d(4, 2, 5), (4, 2, 5)),
])
def test_parameter_shapes(layer, wshape):
    m = layer()
    assert tuple(m.weight.shape) == wshape and m.weight.requires_grad
    assert tuple(m.bias.shape) == (m.out_channels,)
    assert [name for name, _ in m.named_parameters()] == ["weight", "bias"]
    assert list(m.state_dict()) == ["weight", "bias"]


def test_init_is_uniform_within_one_over_sqrt_fan_in():
    ag.manual_seed(0)
    m = nn.Conv2d(16, 64, 3)
    bound = 1 / math.sqrt(16 * 9)
    w, b = m.weight.detach().numpy(), m.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.05 * bound  # U(-b, b) has std b / sqrt(3)
    assert np.abs(w).max() > 0.95 * bound
    t = nn.ConvTranspose2d(8, 4, 2, groups=2)  # fan_in of the (in, out/groups, kH, kW) weight: out/groups * kH * kW
    assert np.abs(t.weight.detach().numpy()).max() <= 1 / math.sqrt(2 * 4)


def test_no_bias_and_dtype_device_arguments(stand_in):
    m = nn.Conv2d(2, 3, 3, bias=False, dtype=ag.float64, device="cuda")
    assert m.bias is None and m.weight.dtype == ag.float64 and m.weight.device == "cuda"
    assert list(m.state_dict()) == ["weight"]
    y = m(_x((1, 2, 5, 5), dtype="float64").to("cuda"))
    assert y.device == "cuda" and y.shape == (1, 3, 3, 3)


def test_reset_parameters_is_seeded():
    ag.manual_seed(3)
    a = nn.Conv1d(2, 3, 3)
    ag.manual_seed(3)
    b = nn.Conv1d(2, 3, 3)
    np.testing.assert_array_equal(a.weight.detach().numpy(), b.weight.detach().numpy())


# ---------------------------------------------------------------------------- shapes
@pytest.mark.parametrize("layer, x, out", [
    (lambda: nn.Conv2d(1, 16, 3), (32, 1, 28, 28), (32, 16, 26, 26)),
    (lambda: nn.Conv2d(3, 8, 3, stride=2, padding=1), (2, 3, 9, 9), (2, 8, 5, 5)),
    (lambda: nn.Conv2d(3, 8, 4, padding="same"), (3, 7, 6), (8, 7, 6)),
    (lambda: nn.Conv1d(2, 4, 3, padding=1, padding_mode="circular"), (5, 2, 10), (5, 4, 10)),
    (lambda: nn.ConvTranspose2d(4, 2, 4, stride=2, padding=1), (1, 4, 5, 5), (1, 2, 10, 10)),
    (lambda: nn.ConvTranspose1d(4, 2, 3, stride=2), (4, 6), (2, 13)),
    (lambda: nn.MaxPool2d(2), (2, 3, 7, 7), (2, 3, 3, 3)),
    (lambda: nn.MaxPool2d(3, 2, 1, ceil_mode=True), (2, 3, 8, 8), (2, 3, 5, 5)),
    (lambda: nn.MaxPool1d(2), (3, 8), (3, 4)),
    (lambda: nn.AvgPool2d(3, 1, 1), (1, 2, 5, 5), (1, 2, 5, 5)),
    (lambda: nn.AvgPool1d(2), (2, 3, 9), (2, 3, 4)),
    (lambda: nn.AdaptiveAvgPool2d((1, 1)), (4, 8, 7, 7), (4, 8, 1, 1)),
    (lambda: nn.AdaptiveAvgPool2d((None, 2)), (4, 8, 7, 7), (4, 8, 7, 2)),
    (lambda: nn.AdaptiveMaxPool2d(3), (2, 8, 7, 5), (2, 8, 3, 3)),
    (lambda: nn.AdaptiveAvgPool1d(3), (2, 8, 7), (2, 8, 3)),
    (lambda: nn.AdaptiveMaxPool1d(2), (2, 8, 7), (2, 8, 2)),
    (lambda: nn.Upsample(scale_factor=2), (2, 3, 4, 5), (2, 3, 8, 10)),
    (lambda: nn.Upsample(size=7, mode="linear"), (2, 3, 4), (2, 3, 7)),
    (lambda: nn.UpsamplingBilinear2d(scale_factor=2), (1, 1, 3, 3), (1, 1, 6, 6)),
    (lambda: nn.PixelShuffle(2), (2, 12, 3, 4), (2, 3, 6, 8)),
    (lambda: nn.PixelUnshuffle(2), (2, 3, 6, 8), (2, 12, 3, 4)),
    (lambda: nn.Unfold(2, stride=2), (2, 3, 4, 6), (2, 12, 6)),
    (lambda: nn.Fold((4, 6), 2, stride=2), (2, 12, 6), (2, 3, 4, 6)),
])
def test_output_shapes(layer, x, out):
    y = layer()(_x(x))
    assert tuple(y.shape) == out


def test_max_pool_layer_return_indices():
    y, idx = nn.MaxPool2d(2, return_indices=True)(_x((1, 2, 4, 4)))
    assert y.shape == idx.shape == (1, 2, 2, 2) and idx.dtype == ag.int64
    y, idx = nn.AdaptiveMaxPool2d((2, 3), return_indices=True)(_x((1, 2, 5, 7)))
    assert idx.shape == (1, 2, 2, 3)


def test_conv_transpose_output_size():
    m = nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1)
    x = _x((1, 2, 4, 4))
    assert m(x).shape == (1, 3, 7, 7)
    assert m(x, output_size=(8, 8)).shape == (1, 3, 8, 8)
    assert m(x, output_size=(1, 3, 7, 8)).shape == (1, 3, 7, 8)
    with pytest.raises(ValueError, match=r"requested an output size of \(9, 9\), but valid sizes range from "
                                         r"\(7, 7\) to \(8, 8\)"):
        m(x, output_size=(9, 9))


# ---------------------------------------------------------------------------- forward against numpy
@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_padding_modes_match_numpy_pad(mode):
    m = nn.Conv2d(2, 3, 3, padding=(1, 2), padding_mode=mode, dtype=ag.float64)
    x = _x((2, 2, 5, 6), dtype="float64")
    want = ref_conv(np.pad(x.numpy(), [(0, 0), (0, 0), (1, 1), (2, 2)], mode={"replicate": "edge",
                                                                            "circular": "wrap"}.get(mode, mode)),
                    m.weight.detach().numpy(), m.bias.detach().numpy())
    np.testing.assert_allclose(m(x).detach().numpy(), want, rtol=1e-10)


def test_conv_layer_matches_reference_and_gradchecks():
    m = nn.Conv2d(2, 4, 3, stride=2, padding=1, groups=2, dtype=ag.float64)
    x = _x((2, 2, 5, 5), dtype="float64").requires_grad_()
    want = ref_conv(x.detach().numpy(), m.weight.detach().numpy(), m.bias.detach().numpy(), stride=2, padding=1,
                    groups=2)
    np.testing.assert_allclose(m(x).detach().numpy(), want, rtol=1e-10)
    assert ag.gradcheck(lambda x, w, b: nn.functional.conv2d(x, w, b, 2, 1, 1, 2), (x, m.weight, m.bias))


# ---------------------------------------------------------------------------- errors
def test_wrong_input_shape_names_layer_expected_and_actual():
    with pytest.raises(RuntimeError, match=r"Conv2d\(3, 8, kernel_size=\(3, 3\), stride=\(1, 1\)\): expected input "
                                           r"of shape \(N, 3, H, W\) or \(3, H, W\), got \(2, 1, 8, 8\)"):
        nn.Conv2d(3, 8, 3)(_x((2, 1, 8, 8)))
    with pytest.raises(RuntimeError, match=r"Conv1d\(3, 8, .*expected input of shape \(N, 3, L\) or \(3, L\), got "
                                           r"\(2, 3, 8, 8\)"):
        nn.Conv1d(3, 8, 3)(_x((2, 3, 8, 8)))
    with pytest.raises(RuntimeError, match=r"ConvTranspose2d\(4, 2, .*expected input of shape \(N, 4, H, W\)"):
        nn.ConvTranspose2d(4, 2, 3)(_x((1, 2, 5, 5)))
    with pytest.raises(RuntimeError, match=r"MaxPool2d\(kernel_size=2, .*expected input of shape \(N, C, H, W\) or "
                                           r"\(C, H, W\), got \(8, 8\)"):
        nn.MaxPool2d(2)(_x((8, 8)))
    with pytest.raises(RuntimeError, match=r"AdaptiveAvgPool1d\(output_size=2\): expected input of shape "
                                           r"\(N, C, L\) or \(C, L\), got \(1, 2, 3, 4\)"):
        nn.AdaptiveAvgPool1d(2)(_x((1, 2, 3, 4)))


@pytest.mark.parametrize("make, exc, pattern", [
    (lambda: nn.Conv2d(3, 8, 3, groups=2), ValueError, r"in_channels \(3\) must be divisible by groups \(2\)"),
    (lambda: nn.Conv2d(4, 6, 3, groups=4), ValueError, r"out_channels \(6\) must be divisible by groups \(4\)"),
    (lambda: nn.Conv2d(4, 6, 3, padding="full"), ValueError, "invalid padding 'full'"),
    (lambda: nn.Conv2d(4, 6, 3, padding="same", stride=2), ValueError, "padding='same' is not supported"),
    (lambda: nn.Conv2d(4, 6, 3, padding_mode="mirror"), ValueError, "padding_mode must be one of"),
    (lambda: nn.ConvTranspose2d(4, 6, 3, padding_mode="reflect"), ValueError, 'only "zeros" padding mode'),
    (lambda: nn.Conv2d(0, 6, 3), ValueError, "in_channels must be positive"),
    (lambda: nn.Conv2d(2.0, 6, 3), TypeError, "in_channels must be an int"),
    (lambda: nn.Conv2d(2, 6, (3, 3, 3)), RuntimeError, "kernel_size must be an int or a tuple of 2 ints"),
    (lambda: nn.Conv1d(2, 6, 0), ValueError, "kernel_size must be positive"),
])
def test_constructor_errors(make, exc, pattern):
    with pytest.raises(exc, match=pattern):
        make()


# ---------------------------------------------------------------------------- in a network
def test_small_cnn_learns():
    ag.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(4, 8, 3),
                        nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 2))
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 1, 8, 8)).astype(np.float32)
    labels = (x[:, 0, :4].mean(axis=(1, 2)) > x[:, 0, 4:].mean(axis=(1, 2))).astype(np.int64)
    x[labels == 1, 0, :4] += 1.0
    xt, yt = ag.tensor(x), ag.tensor(labels)
    opt = optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    losses = []
    for _ in range(30):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(net(xt), yt)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]
    assert list(net.state_dict())[:4] == ["0.weight", "0.bias", "3.weight", "3.bias"]


def test_layers_on_the_gpu_backend(stand_in):
    ag.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.MaxPool2d(2), nn.ConvTranspose2d(2, 1, 2, stride=2),
                        nn.Upsample(scale_factor=2, mode="bilinear"))
    x = _x((2, 1, 8, 8))
    y = net(x)
    y.sum().backward()
    grads = [p.grad.numpy().copy() for p in net.parameters()]
    net.zero_grad()
    net.to("cuda")
    yc = net(x.to("cuda"))
    yc.sum().backward()
    assert yc.device == "cuda"
    np.testing.assert_allclose(yc.detach().cpu().numpy(), y.detach().numpy(), rtol=1e-6)
    for g, p in zip(grads, net.parameters()):
        np.testing.assert_allclose(p.grad.cpu().numpy(), g, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------------- side by side with torch.nn
@pytest.mark.parametrize("make, shape", [
    (lambda m: m.Conv2d(3, 6, 3, stride=2, padding=1, groups=3), (2, 3, 9, 8)),
    (lambda m: m.Conv2d(2, 4, (2, 3), padding="same", padding_mode="reflect"), (2, 2, 6, 7)),
    (lambda m: m.Conv1d(2, 4, 3, dilation=2, padding_mode="circular", padding=2), (2, 2, 9)),
    (lambda m: m.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1), (2, 4, 5, 5)),
    (lambda m: m.ConvTranspose1d(2, 4, 4, stride=2, groups=2), (2, 2, 6)),
])
def test_layers_match_torch(make, shape):
    torch = pytest.importorskip("torch")
    ours, theirs = make(nn), make(torch.nn)
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(ours.weight.detach().numpy()))
        theirs.bias.copy_(torch.tensor(ours.bias.detach().numpy()))
    assert repr(ours) == repr(theirs)
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    y, ty = ours(ag.tensor(x)), theirs(torch.tensor(x))
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-4, atol=1e-5)
    y.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-4, atol=1e-4)

