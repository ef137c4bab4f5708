"""3-d convolutions: conv3d, conv_transpose3d, torch.convolution and the Conv3d / ConvTranspose3d layers: error paths,
layer arguments, init and reprs, devices, and side-by-side checks of values and gradients against PyTorch."""
import math

import numpy as np
import pytest

import autograd as ag
import nn
from tests.ops.cases_conv import ref_conv


def _x(shape, seed=0, dtype="float32", requires_grad=False):
    arr = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return ag.tensor(arr, requires_grad=requires_grad)


# ---------------------------------------------------------------------------- errors: functional ops
def test_conv3d_wrong_rank():
    with pytest.raises(RuntimeError, match=r"conv3d: expected a 4-d \(unbatched\) or 5-d \(batched\) input of shape "
                                           r"\(C, D, H, W\) or \(N, C, D, H, W\), but got input of shape \(2, 4, 4\)"):
        ag.conv3d(_x((2, 4, 4)), _x((3, 2, 3, 3, 3)))
    with pytest.raises(RuntimeError, match=r"conv3d: expected a 5-d weight, but got weight of shape \(3, 2, 3, 3\)"):
        ag.conv3d(_x((1, 2, 4, 4, 4)), _x((3, 2, 3, 3)))
    with pytest.raises(RuntimeError, match=r"conv_transpose3d: expected a 4-d \(unbatched\) or 5-d \(batched\) input"):
        ag.conv_transpose3d(_x((1, 1, 2, 4, 4, 4)), _x((1, 2, 3, 3, 3)))


def test_conv3d_channel_mismatch_names_shapes():
    with pytest.raises(RuntimeError, match=r"conv3d: weight of shape \(3, 2, 3, 3, 3\) with groups=1 expects input "
                                           r"with 2 channels, but got input of shape \(1, 5, 4, 4, 4\) with 5 "
                                           r"channels"):
        ag.conv3d(_x((1, 5, 4, 4, 4)), _x((3, 2, 3, 3, 3)))
    with pytest.raises(RuntimeError, match=r"conv3d: weight of shape \(4, 1, 2, 2, 2\) with groups=2 expects input "
                                           r"with 2 channels, but got input of shape \(3, 4, 4, 4\) with 3 channels"):
        ag.conv3d(_x((3, 4, 4, 4)), _x((4, 1, 2, 2, 2)), groups=2)
    with pytest.raises(RuntimeError, match=r"conv_transpose3d: weight of shape \(3, 1, 2, 2, 2\) expects input with "
                                           r"3 channels, but got input of shape \(1, 2, 3, 3, 3\) with 2 channels"):
        ag.conv_transpose3d(_x((1, 2, 3, 3, 3)), _x((3, 1, 2, 2, 2)))


@pytest.mark.parametrize("kwargs, exc, pattern", [
    (dict(padding="same", stride=2), RuntimeError, "conv3d: padding='same' is not supported for strided"),
    (dict(padding="full"), RuntimeError, "conv3d: padding must be 'valid', 'same', an int or a tuple of 3 ints"),
    (dict(padding=(1, -1, 0)), RuntimeError, "conv3d: padding must be non-negative"),
    (dict(stride=(1, 2)), RuntimeError, r"conv3d: stride must be an int or a tuple of 3 ints, got \(1, 2\)"),
    (dict(dilation=(1, 0, 1)), RuntimeError, "conv3d: dilation must be positive"),
    (dict(stride=1.5), TypeError, "conv3d: stride must be an int"),
    (dict(groups=0), RuntimeError, "conv3d: groups must be a positive int"),
    (dict(groups=4), RuntimeError, "conv3d: the weight's 2 output channels must be divisible by groups=4"),
])
def test_conv3d_bad_arguments(kwargs, exc, pattern):
    with pytest.raises(exc, match=pattern):
        ag.conv3d(_x((1, 2, 4, 4, 4)), _x((2, 2, 2, 2, 2)), **kwargs)


def test_conv3d_bias_dtype_and_size_errors():
    with pytest.raises(RuntimeError, match=r"conv3d: expected bias of shape \(2,\).*got bias of shape \(3,\)"):
        ag.conv3d(_x((1, 2, 4, 4, 4)), _x((2, 2, 2, 2, 2)), _x((3,)))
    with pytest.raises(TypeError, match=r"conv3d: input dtype \(float64\) and weight dtype \(float32\)"):
        ag.conv3d(_x((1, 2, 4, 4, 4), dtype="float64"), _x((2, 2, 2, 2, 2)))
    with pytest.raises(RuntimeError, match=r"conv3d: input of shape \(1, 1, 2, 4, 4\).*smaller than the kernel"):
        ag.conv3d(_x((1, 1, 2, 4, 4)), _x((1, 1, 3, 3, 3)))


def test_conv_transpose3d_errors():
    with pytest.raises(RuntimeError, match=r"conv_transpose3d: output_padding \(0, 2, 0\) must be smaller than "
                                           r"either stride \(2, 2, 2\) or dilation \(1, 1, 1\)"):
        ag.conv_transpose3d(_x((1, 2, 3, 3, 3)), _x((2, 1, 3, 3, 3)), stride=2, output_padding=(0, 2, 0))
    with pytest.raises(ValueError, match="conv_transpose3d: .*string padding is not supported"):
        ag.conv_transpose3d(_x((1, 2, 3, 3, 3)), _x((2, 1, 3, 3, 3)), padding="same")
    with pytest.raises(RuntimeError, match=r"conv_transpose3d: expected bias of shape \(2,\)"):
        ag.conv_transpose3d(_x((1, 4, 3, 3, 3)), _x((4, 1, 3, 3, 3)), _x((1,)), groups=2)


def test_conv3d_devices_must_match(stand_in):
    with pytest.raises(RuntimeError, match=r"conv3d: input is on cpu but weight is on cuda"):
        ag.conv3d(_x((1, 1, 3, 3, 3)), _x((1, 1, 2, 2, 2)).to("cuda"))


def test_convolution_errors():
    x, w = _x((1, 2, 4, 4, 4)), _x((3, 2, 2, 2, 2))
    with pytest.raises(TypeError, match=r"convolution: stride must be a tuple or list of ints, got int \(1\)"):
        ag.convolution(x, w, None, 1, [0], [1], False, [0], 1)
    with pytest.raises(TypeError, match="convolution: padding must be a tuple or list of ints, got str"):
        ag.convolution(x, w, None, [1], "same", [1], False, [0], 1)
    with pytest.raises(RuntimeError, match=r"convolution: expected 5-d input for 5-d weight of shape "
                                           r"\(3, 2, 2, 2, 2\), but got 4-d input of shape \(2, 4, 4, 4\).*unsqueeze"):
        ag.convolution(x[0], w, None, [1], [0], [1], False, [0], 1)
    with pytest.raises(RuntimeError, match=r"convolution: expected a 3-d, 4-d or 5-d weight.*\(3, 2\)"):
        ag.convolution(x, _x((3, 2)), None, [1], [0], [1], False, [0], 1)
    with pytest.raises(RuntimeError, match=r"convolution: stride must be an int or a tuple of 3 ints, got \(1, 1\)"):
        ag.convolution(x, w, None, [1, 1], [0], [1], False, [0], 1)
    with pytest.raises(RuntimeError, match=r"convolution: weight of shape \(2, 3, 2, 2, 2\) expects input with 2 "
                                           r"channels.*\(1, 3, 4, 4, 4\)"):
        ag.convolution(_x((1, 3, 4, 4, 4)), _x((2, 3, 2, 2, 2)), None, [1], [0], [1], True, [0], 1)
    with pytest.raises(TypeError, match="convolution: expected weight to be a Tensor, got ndarray"):
        ag.convolution(x, np.ones((3, 2, 2, 2, 2)), None, [1], [0], [1], False, [0], 1)


# ---------------------------------------------------------------------------- layers
REPRS = [
    (lambda m: m.Conv3d(2, 4, 3), "Conv3d(2, 4, kernel_size=(3, 3, 3), stride=(1, 1, 1))"),
    (lambda m: m.Conv3d(4, 8, (3, 1, 2), stride=(2, 1, 1), padding=(1, 0, 1), dilation=2, groups=2, bias=False,
                        padding_mode="replicate"),
     "Conv3d(4, 8, kernel_size=(3, 1, 2), stride=(2, 1, 1), padding=(1, 0, 1), dilation=(2, 2, 2), groups=2, "
     "bias=False, padding_mode=replicate)"),
    (lambda m: m.Conv3d(2, 2, 3, padding="same"),
     "Conv3d(2, 2, kernel_size=(3, 3, 3), stride=(1, 1, 1), padding=same)"),
    (lambda m: m.ConvTranspose3d(4, 2, 4, stride=2, padding=1, output_padding=1),
     "ConvTranspose3d(4, 2, kernel_size=(4, 4, 4), stride=(2, 2, 2), padding=(1, 1, 1), output_padding=(1, 1, 1))"),
]


@pytest.mark.parametrize("make, text", REPRS, ids=[str(i) for i in range(len(REPRS))])
def test_repr_is_pytorchs(make, text):
    assert repr(make(nn)) == text
    torch = pytest.importorskip("torch")
    assert repr(make(torch.nn)) == text


def test_parameters_and_init():
    ag.manual_seed(0)
    m = nn.Conv3d(6, 8, (3, 2, 3), groups=2)
    assert tuple(m.weight.shape) == (8, 3, 3, 2, 3) and tuple(m.bias.shape) == (8,)
    assert list(m.state_dict()) == ["weight", "bias"]
    bound = 1 / math.sqrt(3 * 3 * 2 * 3)
    w, b = m.weight.detach().numpy(), m.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.1 * bound  # U(-b, b) has std b / sqrt(3)
    t = nn.ConvTranspose3d(4, 6, 2, groups=2)  # weight (in, out/groups, kD, kH, kW): fan_in = 3 * 8
    assert tuple(t.weight.shape) == (4, 3, 2, 2, 2) and tuple(t.bias.shape) == (6,)
    assert np.abs(t.weight.detach().numpy()).max() <= 1 / math.sqrt(3 * 8)


def test_no_bias_and_dtype_device_arguments(stand_in):
    m = nn.Conv3d(2, 3, 2, bias=False, dtype=ag.float64, device="cuda")
    assert m.bias is None and m.weight.dtype == ag.float64 and m.weight.device == "cuda"
    y = m(_x((1, 2, 3, 4, 3), dtype="float64").to("cuda"))
    assert y.device == "cuda" and y.shape == (1, 3, 2, 3, 2)


@pytest.mark.parametrize("layer, x, out", [
    (lambda: nn.Conv3d(1, 4, 3), (2, 1, 5, 6, 7), (2, 4, 3, 4, 5)),
    (lambda: nn.Conv3d(2, 4, 3, stride=2, padding=1), (1, 2, 5, 5, 4), (1, 4, 3, 3, 2)),
    (lambda: nn.Conv3d(2, 4, (2, 3, 4), padding="same"), (2, 3, 4, 5), (4, 3, 4, 5)),
    (lambda: nn.Conv3d(2, 2, 3, padding=1, padding_mode="circular"), (1, 2, 3, 3, 3), (1, 2, 3, 3, 3)),
    (lambda: nn.ConvTranspose3d(4, 2, 4, stride=2, padding=1), (1, 4, 2, 3, 2), (1, 2, 4, 6, 4)),
    (lambda: nn.ConvTranspose3d(2, 2, 3, stride=2), (2, 2, 2, 2), (2, 5, 5, 5)),
])
def test_output_shapes(layer, x, out):
    assert tuple(layer()(_x(x)).shape) == out


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_padding_modes_match_numpy_pad(mode):
    m = nn.Conv3d(2, 3, 3, padding=(1, 2, 0), padding_mode=mode, dtype=ag.float64)
    x = _x((1, 2, 3, 4, 3), dtype="float64")
    padded = np.pad(x.numpy(), [(0, 0), (0, 0), (1, 1), (2, 2), (0, 0)],
                    mode={"replicate": "edge", "circular": "wrap"}.get(mode, mode))
    want = ref_conv(padded, m.weight.detach().numpy(), m.bias.detach().numpy())
    np.testing.assert_allclose(m(x).detach().numpy(), want, rtol=1e-10)


def test_layer_gradchecks():
    m = nn.Conv3d(2, 2, 2, stride=(1, 2, 1), padding=1, padding_mode="reflect", groups=2, dtype=ag.float64)
    x = _x((1, 2, 3, 3, 3), dtype="float64", requires_grad=True)
    assert ag.gradcheck(lambda x: m(x), (x,))
    t = nn.ConvTranspose3d(2, 2, 2, stride=2, dtype=ag.float64)
    assert ag.gradcheck(lambda x, w: nn.functional.conv_transpose3d(x, w, t.bias, 2), (x, t.weight))


def test_conv_transpose3d_output_size():
    m = nn.ConvTranspose3d(2, 3, 3, stride=2, padding=1)
    x = _x((1, 2, 3, 4, 3))
    assert m(x).shape == (1, 3, 5, 7, 5)
    assert m(x, output_size=(6, 8, 5)).shape == (1, 3, 6, 8, 5)
    assert m(x, output_size=(1, 3, 5, 8, 6)).shape == (1, 3, 5, 8, 6)
    assert m(x[0], output_size=(3, 6, 7, 6)).shape == (3, 6, 7, 6)
    with pytest.raises(ValueError, match=r"ConvTranspose3d: requested an output size of \(7, 7, 5\), but valid "
                                         r"sizes range from \(5, 7, 5\) to \(6, 8, 6\)"):
        m(x, output_size=(7, 7, 5))
    with pytest.raises(ValueError, match="ConvTranspose3d: output_size must have 3 or 5 elements, got 2"):
        m(x, output_size=(6, 8))


def test_layer_errors():
    with pytest.raises(RuntimeError, match=r"Conv3d\(3, 8, kernel_size=\(3, 3, 3\), stride=\(1, 1, 1\)\): expected "
                                           r"input of shape \(N, 3, D, H, W\) or \(3, D, H, W\), got \(2, 3, 8, 8\)"):
        nn.Conv3d(3, 8, 3)(_x((2, 3, 8, 8)))
    with pytest.raises(RuntimeError, match=r"ConvTranspose3d\(4, 2, .*expected input of shape \(N, 4, D, H, W\)"):
        nn.ConvTranspose3d(4, 2, 3)(_x((1, 2, 3, 3, 3)))
    with pytest.raises(ValueError, match=r"Conv3d: in_channels \(3\) must be divisible by groups \(2\)"):
        nn.Conv3d(3, 8, 3, groups=2)
    with pytest.raises(ValueError, match="Conv3d: padding='same' is not supported for strided convolutions"):
        nn.Conv3d(2, 2, 3, padding="same", stride=(1, 1, 2))
    with pytest.raises(ValueError, match="ConvTranspose3d: invalid padding 'same'"):
        nn.ConvTranspose3d(2, 2, 3, padding="same")
    with pytest.raises(ValueError, match='ConvTranspose3d: only "zeros" padding mode is supported'):
        nn.ConvTranspose3d(2, 2, 3, padding_mode="circular")
    with pytest.raises(RuntimeError, match="Conv3d: kernel_size must be an int or a tuple of 3 ints"):
        nn.Conv3d(2, 2, (3, 3))


def test_layers_on_the_gpu_backend(stand_in):
    ag.manual_seed(0)
    net = nn.Sequential(nn.Conv3d(1, 2, 3, padding=1, padding_mode="replicate"), nn.Tanh(),
                        nn.ConvTranspose3d(2, 1, 2, stride=2))
    x = _x((2, 1, 3, 4, 3))
    y = net(x)
    y.sum().backward()
    grads = [p.grad.numpy().copy() for p in net.parameters()]
    net.zero_grad()
    net.to("cuda")
    yc = net(x.to("cuda"))
    yc.sum().backward()
    assert yc.device == "cuda"
    np.testing.assert_allclose(yc.detach().cpu().numpy(), y.detach().numpy(), rtol=1e-5, atol=1e-6)
    for g, p in zip(grads, net.parameters()):
        np.testing.assert_allclose(p.grad.cpu().numpy(), g, rtol=1e-5, atol=1e-5)


# ---------------------------------------------------------------------------- side by side with PyTorch
def _pair(torch, shape, seed, dtype="float64"):
    arr = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return ag.tensor(arr, requires_grad=True), torch.tensor(arr, requires_grad=True)


def _check_against_torch(torch, ours, theirs, shapes, seed=0):
    """ours(*tensors) and theirs(*torch tensors) on the same values: same outputs and input gradients."""
    pairs = [_pair(torch, s, seed + i) for i, s in enumerate(shapes)]
    y, ty = ours(*(a for a, _ in pairs)), theirs(*(b for _, b in pairs))
    assert tuple(y.shape) == tuple(ty.shape)
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = np.random.default_rng(99).standard_normal(tuple(ty.shape))
    y.backward(ag.tensor(g))
    ty.backward(torch.tensor(g))
    for a, b in pairs:
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("xs, ws, kw", [
    ((2, 3, 5, 6, 4), (4, 3, 3, 2, 3), {}),
    ((1, 4, 6, 5, 7), (4, 2, 3, 3, 2), dict(stride=(2, 1, 3), padding=(1, 0, 2), dilation=(1, 2, 1), groups=2)),
    ((1, 2, 4, 5, 4), (3, 2, 2, 3, 2), dict(padding="same", dilation=(2, 1, 1))),
    ((2, 5, 4, 4), (3, 2, 3, 3, 3), dict(padding="valid")),
    ((3, 4, 4, 4), (6, 1, 3, 3, 3), dict(groups=3, padding=1)),
    ((1, 1, 4, 5, 5), (16, 1, 3, 3, 3), dict(padding=1)),
])
@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")  # torch's note on its own copy
def test_conv3d_matches_torch(xs, ws, kw):
    torch = pytest.importorskip("torch")
    _check_against_torch(torch, lambda x, w, b: ag.conv3d(x, w, b, **kw),
                         lambda x, w, b: torch.nn.functional.conv3d(x, w, b, **kw), [xs, ws, (ws[0],)])


@pytest.mark.parametrize("xs, ws, kw", [
    ((2, 3, 3, 4, 2), (3, 2, 3, 2, 3), {}),
    ((1, 4, 2, 3, 3), (4, 1, 3, 3, 2), dict(stride=(2, 3, 1), padding=(1, 0, 1), output_padding=(1, 2, 0), groups=2,
                                             dilation=(1, 1, 2))),
    ((3, 2, 3, 2), (3, 2, 2, 2, 2), dict(stride=2, padding=1, output_padding=1)),
])
def test_conv_transpose3d_matches_torch(xs, ws, kw):
    torch = pytest.importorskip("torch")
    cout = ws[1] * kw.get("groups", 1)
    _check_against_torch(torch, lambda x, w, b: ag.conv_transpose3d(x, w, b, **kw),
                         lambda x, w, b: torch.nn.functional.conv_transpose3d(x, w, b, **kw), [xs, ws, (cout,)])


@pytest.mark.parametrize("xs, ws, args", [
    ((2, 2, 7), (3, 2, 3), ([2], [1], [1], False, [0], 1)),
    ((1, 4, 5, 6), (2, 2, 2, 3), ([1, 2], [1, 0], [2, 1], False, [0, 0], 2)),
    ((1, 2, 4, 5, 4), (3, 2, 2, 2, 2), ([1, 1, 2], [1], [1, 2, 1], False, [0], 1)),
    ((1, 2, 3, 3, 3), (2, 3, 3, 3, 3), ((2, 1, 2), (1, 1, 0), (1, 1, 1), True, (1, 0, 1), 1)),
    ((2, 4, 3, 4), (4, 2, 3, 2), ([2], [1], [1], True, [1], 2)),
])
def test_convolution_matches_torch(xs, ws, args):
    torch = pytest.importorskip("torch")
    cout = ws[1] * args[-1] if args[3] else ws[0]
    _check_against_torch(torch, lambda x, w, b: ag.convolution(x, w, b, *args),
                         lambda x, w, b: torch.convolution(x, w, b, *(list(a) if isinstance(a, tuple) else a
                                                                      for a in args)), [xs, ws, (cout,)])


def test_conv3d_double_backward_matches_torch():
    torch = pytest.importorskip("torch")
    (x, tx), (w, tw) = _pair(torch, (1, 2, 4, 3, 4), 0), _pair(torch, (3, 2, 2, 2, 2), 1)
    gx, gw = ag.grad(ag.conv3d(x, w, stride=(1, 2, 1), padding=1).tanh().sum(), (x, w), create_graph=True)
    tgx, tgw = torch.autograd.grad(torch.nn.functional.conv3d(tx, tw, stride=(1, 2, 1), padding=1).tanh().sum(),
                                   (tx, tw), create_graph=True)
    ours = ag.grad((gx * gx).sum() + (gw * gw).sum(), (x, w))
    theirs = torch.autograd.grad((tgx * tgx).sum() + (tgw * tgw).sum(), (tx, tw))
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("make, shape, kw", [
    (lambda m, **f: m.Conv3d(3, 6, 3, stride=2, padding=1, groups=3, **f), (2, 3, 5, 6, 5), {}),
    (lambda m, **f: m.Conv3d(2, 4, (2, 3, 2), padding="same", padding_mode="reflect", **f), (2, 2, 4, 5, 4), {}),
    (lambda m, **f: m.Conv3d(2, 4, 3, dilation=(1, 2, 1), padding=2, padding_mode="circular", bias=False, **f),
     (2, 4, 6, 4), {}),
    (lambda m, **f: m.Conv3d(2, 2, 3, padding=(1, 0, 2), padding_mode="replicate", **f), (1, 2, 3, 4, 3), {}),
    (lambda m, **f: m.ConvTranspose3d(4, 2, 3, stride=2, padding=1, output_padding=1, **f), (2, 4, 3, 2, 3), {}),
    (lambda m, **f: m.ConvTranspose3d(4, 6, 3, stride=2, padding=1, groups=2, **f), (1, 4, 3, 4, 3),
     dict(output_size=(6, 8, 5))),
])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_layers_match_torch(make, shape, kw, dtype):
    torch = pytest.importorskip("torch")
    theirs = make(torch.nn, dtype=getattr(torch, dtype))
    ours = make(nn, dtype=getattr(ag, dtype))
    ours.load_state_dict({k: ag.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    assert repr(ours) == repr(theirs)
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    xt, txt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, ty = ours(xt, **kw), theirs(txt, **kw)
    assert y.dtype == getattr(ag, dtype)
    tol = dict(rtol=1e-4, atol=1e-5) if dtype == "float32" else dict(rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), **tol)
    g = np.random.default_rng(1).standard_normal(tuple(ty.shape)).astype(dtype)
    y.backward(ag.tensor(g))
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(xt.grad.numpy(), txt.grad.numpy(), **tol)
    for (name, p), (tname, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert name == tname
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), **tol)
