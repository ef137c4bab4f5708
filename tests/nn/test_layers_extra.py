"""Padding layers and F.pad's PyTorch rules: against torch (values and gradients), errors, the torch import route."""
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

ROOT = pathlib.Path(__file__).resolve().parents[2]

_LAYERS = [("ReflectionPad1d", 2, (2, 3, 5)), ("ReflectionPad2d", (1, 2, 0, 1), (1, 2, 4, 5)),
           ("ReflectionPad3d", 1, (1, 2, 3, 4, 3)), ("ReplicationPad1d", (3, 1), (3, 5)),
           ("ReplicationPad2d", 2, (2, 3, 4)), ("ReplicationPad3d", (1, 0, 2, 1, 0, 1), (1, 1, 2, 3, 4)),
           ("CircularPad1d", (2, 1), (2, 3, 4)), ("CircularPad2d", 1, (1, 2, 3, 4)),
           ("CircularPad3d", (1, 1, 0, 2, 1, 0), (2, 3, 3, 3)), ("ZeroPad1d", (1, 2), (2, 4)),
           ("ZeroPad2d", (1, -1, 2, 0), (1, 2, 3, 4)), ("ZeroPad3d", 1, (1, 1, 2, 2, 2))]


@pytest.mark.parametrize("name, padding, shape", _LAYERS)
def test_padding_layer_matches_torch_with_gradients(name, padding, shape):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal(shape)
    g = np.random.default_rng(1).standard_normal(getattr(torch.nn, name)(padding)(torch.tensor(x)).shape)
    ours, theirs = getattr(nn, name)(padding), getattr(torch.nn, name)(padding)
    xa, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ya, yt = ours(xa), theirs(xt)
    np.testing.assert_allclose(ya.detach().numpy(), yt.detach().numpy())
    (ya * ag.tensor(g)).sum().backward()
    (yt * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(xa.grad.numpy(), xt.grad.numpy())
    assert ours.padding == theirs.padding and repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == []


@pytest.mark.parametrize("n", [1, 2, 3])
def test_constant_pad_layer_matches_torch(n):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(2).standard_normal((1, 2, 3, 4)[-n - 1:])
    ours, theirs = getattr(nn, f"ConstantPad{n}d")(1, 2.5), getattr(torch.nn, f"ConstantPad{n}d")(1, 2.5)
    np.testing.assert_allclose(ours(ag.tensor(x)).numpy(), theirs(torch.tensor(x)).numpy())
    assert repr(ours) == repr(theirs)


def test_constant_pad_nd_and_pad_match_torch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(3).standard_normal((2, 3, 4))
    np.testing.assert_allclose(ag.constant_pad_nd(ag.tensor(x), (1, -1, 2, 0), 3.0).numpy(),
                               torch.constant_pad_nd(torch.tensor(x), (1, -1, 2, 0), 3.0).numpy())
    for mode, p in (("reflect", (-1, 2)), ("circular", (3, 3)), ("replicate", (4, 0)), ("circular", (-3, 0))):
        np.testing.assert_allclose(F.pad(ag.tensor(x), p, mode).numpy(),
                                   torch.nn.functional.pad(torch.tensor(x), p, mode).numpy())


def test_pad_refuses_what_torch_refuses():
    x = ag.randn(1, 3, 3)
    with pytest.raises(NotImplementedError, match=r"pad: mode 'reflect' with 2 padding values .* 4-D input"):
        F.pad(ag.randn(2, 2, 3, 3), (1, 1), "reflect")
    with pytest.raises(NotImplementedError, match=r"pad: mode 'replicate' with 4 padding values .* 2-D input"):
        F.pad(ag.randn(3, 3), (1, 1, 1, 1), "replicate")
    with pytest.raises(RuntimeError, match=r"pad: padding \(3, 3\) of dim 2 \(size 3\) with mode 'reflect'"):
        nn.ReflectionPad1d(3)(x)
    with pytest.raises(RuntimeError, match=r"pad: dim 2 of size 3 padded by \(-3, 0\) in mode 'replicate'"):
        F.pad(x, (-3, 0), "replicate")
    with pytest.raises(RuntimeError, match=r"pad: padding \(4, 0\) of dim 2 \(size 3\) with mode 'circular'"):
        F.pad(x, (4, 0), "circular")
    with pytest.raises(ValueError, match=r"ReflectionPad2d: padding must be an int or a tuple of 4 ints"):
        nn.ReflectionPad2d((1, 2))
    with pytest.raises(TypeError, match="constant_pad_nd: pad must be a tuple or list of ints"):
        ag.constant_pad_nd(x, 1)


def test_padding_layers_through_the_torch_import_route(tmp_path):
    code = ("import autograd.as_torch as torch\nfrom torch.nn.modules.padding import ReflectionPad2d, ZeroPad1d\n"
            "import nn\nassert ReflectionPad2d is nn.ReflectionPad2d and ZeroPad1d is nn.ZeroPad1d\n")
    proc = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# ---------------------------------------------------------------------------- small layers beside the padding ones
_SMALL = [("CosineSimilarity", (), {"dim": 1, "eps": 1e-8}, 2), ("CosineSimilarity", (0,), {}, 2),
          ("PairwiseDistance", (), {}, 2), ("PairwiseDistance", (1.5,), {"keepdim": True}, 2),
          ("Softmax2d", (), {}, 1), ("ChannelShuffle", (2,), {}, 1)]


@pytest.mark.parametrize("name, args, kwargs, n_inputs", _SMALL)
def test_small_layer_matches_torch_with_gradients(name, args, kwargs, n_inputs):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    xs = [rng.standard_normal((2, 4, 3, 5)) for _ in range(n_inputs)]
    ours, theirs = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    xa = [ag.tensor(x, requires_grad=True) for x in xs]
    xt = [torch.tensor(x, requires_grad=True) for x in xs]
    ya, yt = ours(*xa), theirs(*xt)
    np.testing.assert_allclose(ya.detach().numpy(), yt.detach().numpy(), rtol=1e-6, atol=1e-12)
    g = rng.standard_normal(tuple(yt.shape))
    (ya * ag.tensor(g)).sum().backward()
    (yt * torch.tensor(g)).sum().backward()
    for a, t in zip(xa, xt):
        np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-6, atol=1e-12)
    assert repr(ours) == repr(theirs) and list(ours.state_dict()) == []


def test_channel_shuffle_matches_torch_and_refuses_what_torch_refuses():
    torch = pytest.importorskip("torch")
    x = np.arange(24.0).reshape(1, 6, 4)
    np.testing.assert_array_equal(F.channel_shuffle(ag.tensor(x), 3).numpy(),
                                  torch.nn.functional.channel_shuffle(torch.tensor(x), 3).numpy())
    with pytest.raises(RuntimeError, match=r"channel_shuffle: expects input with > 2 dims .* shape \(2, 3\)"):
        ag.channel_shuffle(ag.ones(2, 3), 1)
    with pytest.raises(RuntimeError, match="divisible by groups, got 3 channels and 2 groups"):
        ag.channel_shuffle(ag.ones(2, 3, 4), 2)
    with pytest.raises(RuntimeError, match="groups must be positive, got 0"):
        nn.ChannelShuffle(0)(ag.ones(2, 3, 4))
    with pytest.raises(TypeError, match="channel_shuffle: groups must be an int, got float"):
        ag.channel_shuffle(ag.ones(2, 4, 1), 2.0)


def test_softmax2d_sums_to_one_over_channels_and_refuses_other_ranks():
    y = nn.Softmax2d()(ag.randn(3, 4, 5))
    np.testing.assert_allclose(y.sum(0).numpy(), np.ones((4, 5)), rtol=1e-6)
    with pytest.raises(ValueError, match=r"Softmax2d: expected input to be 3D or 4D, got 2D instead \(shape \(2, 3\)\)"):
        nn.Softmax2d()(ag.ones(2, 3))


def test_feature_dropout_drops_whole_channels_when_training():
    ag.manual_seed(0)
    x = ag.ones(8, 16, 5)
    y = ag.feature_dropout(x, 0.5, True).numpy()
    assert set(np.unique(y)) <= {0.0, 2.0} and (y == y[:, :, :1]).all()  # a channel is kept or dropped whole
    assert 0 < (y == 0).mean() < 1
    assert ag.feature_dropout(x, 0.5, False) is x
    with pytest.raises(RuntimeError, match=r"feature_dropout: requires at least 2 dimensions .* shape \(3,\)"):
        ag.feature_dropout(ag.ones(3), 0.5, True)


def test_nllloss2d_is_nllloss_with_a_deprecation_warning():
    with pytest.warns(FutureWarning, match="NLLLoss2d has been deprecated"):
        loss = nn.NLLLoss2d(ignore_index=1)
    assert isinstance(loss, nn.NLLLoss) and loss.ignore_index == 1
    logp = ag.randn(2, 3, 4, 4).log_softmax(1)
    target = ag.tensor(np.random.default_rng(0).integers(0, 3, (2, 4, 4)))
    np.testing.assert_allclose(loss(logp, target).item(), nn.NLLLoss(ignore_index=1)(logp, target).item())
