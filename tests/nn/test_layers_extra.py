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
