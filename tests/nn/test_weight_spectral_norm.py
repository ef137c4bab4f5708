"""weight_norm, spectral_norm, orthogonal (parametrizations and the older hooks) and conv/linear-bn fusion."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from nn.utils import parametrizations as PZ
from nn.utils import parametrize as P

torch = pytest.importorskip("torch")
TU = torch.nn.utils


def _np(t):
    return t.detach().numpy()


def _copy_from_torch(m, tm):
    m.load_state_dict({k: v.detach().numpy() for k, v in tm.state_dict().items()})


def _pair(kind, *args):
    """A tapegrad layer and a torch layer of the same kind holding the same numbers."""
    tm = getattr(torch.nn, kind)(*args)
    m = getattr(nn, kind)(*args)
    _copy_from_torch(m, tm)
    return m, tm


def _wn_ref(v, g, dim):
    """g * v / ||v||, the norm over every axis but dim (over all axes for dim=-1)."""
    if dim == -1:
        return g * v / np.sqrt((v ** 2).sum())
    axes = tuple(a for a in range(v.ndim) if a != dim % v.ndim)
    return g * v / np.sqrt((v ** 2).sum(axis=axes, keepdims=True))


def _train_both(m, tm, x_shape, steps=3, lr=0.05, check=None):
    """A few SGD steps on both with the same batches: losses, gradients of every parameter, then state dicts."""
    opt, topt = optim.SGD(m.parameters(), lr=lr), torch.optim.SGD(tm.parameters(), lr=lr)
    rng = np.random.default_rng(3)
    for _ in range(steps):
        x = rng.standard_normal(x_shape).astype(np.float32)
        loss = (m(ag.tensor(x)) ** 2).mean()
        tloss = (tm(torch.tensor(x)) ** 2).mean()
        opt.zero_grad()
        topt.zero_grad()
        loss.backward()
        tloss.backward()
        np.testing.assert_allclose(loss.item(), tloss.item(), rtol=2e-5)
        for (k, p), (tk, tp) in zip(m.named_parameters(), tm.named_parameters()):
            assert k == tk
            np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-3, atol=1e-6, err_msg=k)
        opt.step()
        topt.step()
    for (k, v), (tk, tv) in zip(m.state_dict().items(), tm.state_dict().items()):
        assert k == tk
        np.testing.assert_allclose(v.numpy(), tv.numpy(), rtol=1e-4, atol=1e-6, err_msg=k)


# ---------------------------------------------------------------------------- parametrizations.weight_norm
@pytest.mark.parametrize("kind,args,dim,x_shape", [
    ("Linear", (4, 3), 0, (5, 4)),
    ("Linear", (4, 3), 1, (5, 4)),
    ("Linear", (4, 3), None, (5, 4)),
    ("Conv1d", (2, 3, 3), 0, (2, 2, 7)),  # a WaveNet / HiFi-GAN layer
    ("ConvTranspose1d", (2, 3, 4, 2), 1, (1, 2, 5)),
])
def test_weight_norm_parametrization_matches_torch(kind, args, dim, x_shape):
    m, tm = _pair(kind, *args)
    w = _np(m.weight).copy()
    assert PZ.weight_norm(m, dim=dim) is m
    TU.parametrizations.weight_norm(tm, dim=dim)
    assert type(m).__name__ == type(tm).__name__ == "Parametrized" + kind
    assert list(m.state_dict()) == list(tm.state_dict())
    assert "parametrizations.weight.original0" in m.state_dict()
    g, v = m.parametrizations.weight.original0, m.parametrizations.weight.original1
    np.testing.assert_allclose(_np(v), w)
    d = -1 if dim is None else dim
    np.testing.assert_allclose(_np(g), _np(tm.parametrizations.weight.original0), rtol=1e-6)
    np.testing.assert_allclose(_np(m.weight), _wn_ref(_np(v), _np(g), d), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(_np(m.weight), _np(tm.weight), rtol=1e-5, atol=1e-7)
    _train_both(m, tm, x_shape)
    with ag.no_grad():
        g.mul_(0.5)
    tm.load_state_dict({k: torch.tensor(v.numpy()) for k, v in m.state_dict().items()})  # and back into torch
    np.testing.assert_allclose(_np(m.weight), _np(tm.weight), rtol=1e-5, atol=1e-7)


def test_weight_norm_loads_torch_and_old_hook_checkpoints():
    m, tm = _pair("Conv1d", 2, 3, 3)
    PZ.weight_norm(m)
    TU.parametrizations.weight_norm(tm)
    with torch.no_grad():
        tm.parametrizations.weight.original0.mul_(1.5)
    m.load_state_dict(tm.state_dict())
    np.testing.assert_allclose(_np(m.weight), _np(tm.weight), rtol=1e-6)
    old = torch.nn.Conv1d(2, 3, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        TU.weight_norm(old)
    assert {"weight_g", "weight_v"} <= set(old.state_dict())
    m.load_state_dict(old.state_dict())  # weight_g/weight_v renamed to original0/original1, as torch does
    np.testing.assert_allclose(_np(m.weight), _np(old.weight), rtol=1e-6)
    tn = TU.parametrizations.weight_norm(torch.nn.Conv1d(2, 3, 3))
    tn.load_state_dict(old.state_dict())
    np.testing.assert_allclose(_np(m.weight), _np(tn.weight), rtol=1e-6)


def test_weight_norm_of_a_vector_matches_torch():
    m, tm = _pair("Linear", 3, 4)
    PZ.weight_norm(m, "bias")
    TU.parametrizations.weight_norm(tm, "bias")
    np.testing.assert_allclose(_np(m.parametrizations.bias.original0), _np(tm.parametrizations.bias.original0))
    np.testing.assert_allclose(_np(m.bias), _np(tm.bias), rtol=1e-6)
    _train_both(m, tm, (2, 3))


def test_weight_norm_remove_leaves_the_current_weight():
    m, tm = _pair("Linear", 3, 2)
    PZ.weight_norm(m)
    with ag.no_grad():
        m.parametrizations.weight.original0.mul_(2.0)
    expected = _np(m.weight).copy()
    P.remove_parametrizations(m, "weight")
    assert type(m) is nn.Linear and isinstance(m.weight, nn.Parameter)
    np.testing.assert_allclose(_np(m.weight), expected)
    PZ.weight_norm(m)
    with pytest.raises(ValueError, match="Cannot leave unparametrized"):
        P.remove_parametrizations(m, "weight", leave_parametrized=False)


# ---------------------------------------------------------------------------- parametrizations.spectral_norm
def _sigma_ref(w_mat, u, v, n_iter, eps=1e-12):
    for _ in range(n_iter):
        u = w_mat @ v
        u = u / max(np.linalg.norm(u), eps)
        v = w_mat.T @ u
        v = v / max(np.linalg.norm(v), eps)
    return u, v, u @ w_mat @ v


@pytest.mark.parametrize("kind,args,n_iter,x_shape", [
    ("Linear", (5, 3), 1, (4, 5)),
    ("Conv2d", (2, 3, 3), 2, (1, 2, 5, 5)),  # a GAN discriminator layer
    ("ConvTranspose2d", (3, 2, 2), 1, (1, 3, 3, 3)),  # dim=1 by default
])
def test_spectral_norm_parametrization_matches_torch(kind, args, n_iter, x_shape):
    m, tm = _pair(kind, *args)
    PZ.spectral_norm(m, n_power_iterations=n_iter)
    TU.parametrizations.spectral_norm(tm, n_power_iterations=n_iter)
    assert list(m.state_dict()) == list(tm.state_dict()) == [
        "bias", "parametrizations.weight.original", "parametrizations.weight.0._u", "parametrizations.weight.0._v"]
    sn = m.parametrizations.weight[0]
    dim = 1 if kind.startswith("ConvTranspose") else 0
    assert sn.dim == dim
    # the power iteration from torch's random start: copy torch's buffers (and weight), then compare
    _copy_from_torch(m, tm)
    w = _np(m.parametrizations.weight.original)
    w_mat = np.moveaxis(w, dim, 0).reshape(w.shape[dim], -1).astype(np.float64)
    u, v = _np(sn._u).astype(np.float64), _np(sn._v).astype(np.float64)
    u_new, v_new, sigma = _sigma_ref(w_mat, u, v, n_iter)
    np.testing.assert_allclose(_np(m.weight), w / sigma, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(_np(sn._u), u_new, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(_np(sn._v), v_new, rtol=1e-5, atol=1e-7)
    _copy_from_torch(m, tm)
    np.testing.assert_allclose(_np(m.weight), _np(tm.weight), rtol=1e-5, atol=1e-7)
    _train_both(m, tm, x_shape)
    m.eval()
    tm.eval()
    u_before = _np(sn._u).copy()
    np.testing.assert_allclose(_np(m.weight), _np(tm.weight), rtol=1e-5, atol=1e-7)
    np.testing.assert_array_equal(_np(sn._u), u_before)  # no power iteration in eval mode


def test_spectral_norm_new_module_has_unit_spectral_norm_and_errors():
    ag.manual_seed(0)  # power iteration converges at the rate of the gap between the top singular values: fix them
    m = PZ.spectral_norm(nn.Linear(6, 4))
    s = np.linalg.svd(_np(m.weight), compute_uv=False)
    np.testing.assert_allclose(s[0], 1.0, rtol=1e-3)  # 15 initial power iterations and one in this forward
    b = PZ.spectral_norm(nn.Linear(3, 4), name="bias")  # a vector is just normalized
    np.testing.assert_allclose(np.linalg.norm(_np(b.bias)), 1.0, rtol=1e-6)
    for mod in (PZ, TU.parametrizations):
        lin = nn.Linear if mod is PZ else torch.nn.Linear
        with pytest.raises(IndexError, match="Dimension out of range"):
            mod.spectral_norm(lin(3, 3), dim=2)
        with pytest.raises(ValueError, match="n_power_iterations to be positive"):
            mod.spectral_norm(lin(3, 3), n_power_iterations=0)
        with pytest.raises(ValueError, match="has no parameter or buffer with name 'nope'"):
            mod.spectral_norm(lin(3, 3), name="nope")


# ---------------------------------------------------------------------------- parametrizations.orthogonal
@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5)])
@pytest.mark.parametrize("orth_map", [None, "matrix_exp", "cayley", "householder"])
@pytest.mark.parametrize("triv", [True, False])
def test_orthogonal_matches_torch(shape, orth_map, triv):
    m, tm = _pair("Linear", shape[1], shape[0])
    PZ.orthogonal(m, orthogonal_map=orth_map, use_trivialization=triv)
    TU.parametrizations.orthogonal(tm, orthogonal_map=orth_map, use_trivialization=triv)
    assert list(m.state_dict()) == list(tm.state_dict())
    w = _np(m.weight)
    small = min(shape)
    gram = w @ w.T if shape[0] < shape[1] else w.T @ w
    np.testing.assert_allclose(gram, np.eye(small), atol=1e-5)
    _copy_from_torch(m, tm)  # the base of a non-square trivialization is drawn at random: take torch's
    np.testing.assert_allclose(_np(m.weight), _np(tm.weight), atol=1e-5)
    gy = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    (m.weight * ag.tensor(gy)).sum().backward()
    (tm.weight * torch.tensor(gy)).sum().backward()
    np.testing.assert_allclose(m.parametrizations.weight.original.grad.numpy(),
                               tm.parametrizations.weight.original.grad.numpy(), atol=1e-5)


def test_orthogonal_assignment_training_and_errors():
    m, tm = _pair("Linear", 4, 4)
    PZ.orthogonal(m)
    TU.parametrizations.orthogonal(tm)
    q = np.linalg.qr(np.random.default_rng(2).standard_normal((4, 4)))[0].astype(np.float32)
    m.weight = ag.tensor(q)
    tm.weight = torch.tensor(q)
    np.testing.assert_allclose(_np(m.weight), q, atol=1e-5)
    np.testing.assert_allclose(_np(m.weight), _np(tm.weight), atol=1e-5)
    _train_both(m, tm, (3, 4))
    with pytest.raises(ValueError, match="Expected a matrix or batch of matrices of shape"):
        m.weight = ag.ones(3, 4)
    e = PZ.orthogonal(nn.Linear(3, 3), use_trivialization=False)
    with pytest.raises(NotImplementedError, match="use_trivialization=False"):
        e.weight = ag.eye(3)
    with pytest.raises(ValueError, match="Expected a matrix or batch of matrices"):
        PZ.orthogonal(nn.Linear(3, 3), name="bias")
    with pytest.raises(ValueError, match='orthogonal_map has to be one of "matrix_exp"'):
        PZ.orthogonal(nn.Linear(3, 3), orthogonal_map="qr")
    with pytest.raises(ValueError, match="has no parameter or buffer"):
        PZ.orthogonal(nn.Linear(3, 3), name="nope")


# ---------------------------------------------------------------------------- the hook-based weight_norm
def test_old_weight_norm_matches_torch_and_warns():
    m, tm = _pair("Conv1d", 2, 4, 3)
    with pytest.warns(FutureWarning, match="parametrizations.weight_norm"):
        assert nn.utils.weight_norm(m) is m
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        TU.weight_norm(tm)
    assert list(m.state_dict()) == list(tm.state_dict()) == ["bias", "weight_g", "weight_v"]
    assert type(m) is nn.Conv1d and not isinstance(m.weight, nn.Parameter)
    np.testing.assert_allclose(_np(m.weight_g), _np(tm.weight_g), rtol=1e-6)
    np.testing.assert_allclose(_np(m.weight), _wn_ref(_np(m.weight_v), _np(m.weight_g), 0), rtol=1e-5)
    _train_both(m, tm, (2, 2, 6))
    np.testing.assert_allclose(_np(m.weight), _np(tm.weight), rtol=1e-5, atol=1e-7)  # recomputed by the hook
    m.load_state_dict(tm.state_dict())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        with pytest.raises(RuntimeError, match="Cannot register two weight_norm hooks"):
            nn.utils.weight_norm(m)
        nn.utils.weight_norm(nn.Linear(3, 3), dim=None)
    assert nn.utils.remove_weight_norm(m) is m
    TU.remove_weight_norm(tm)
    assert list(m.state_dict()) == ["bias", "weight"] and isinstance(m.weight, nn.Parameter)
    np.testing.assert_allclose(_np(m.weight), _np(tm.weight), rtol=1e-5, atol=1e-7)
    assert not m._forward_pre_hooks
    with pytest.raises(ValueError, match="weight_norm of 'weight' not found"):
        nn.utils.remove_weight_norm(m)


# ---------------------------------------------------------------------------- the hook-based spectral_norm
@pytest.mark.parametrize("kind,args,x_shape", [("Linear", (5, 3), (4, 5)), ("Conv2d", (2, 3, 3), (1, 2, 4, 4)),
                                               ("ConvTranspose2d", (3, 2, 2), (1, 3, 3, 3))])
def test_old_spectral_norm_matches_torch(kind, args, x_shape):
    m, tm = _pair(kind, *args)
    assert nn.utils.spectral_norm(m, n_power_iterations=2) is m
    TU.spectral_norm(tm, n_power_iterations=2)
    assert list(m.state_dict()) == list(tm.state_dict()) == ["bias", "weight_orig", "weight_u", "weight_v"]
    _copy_from_torch(m, tm)
    _train_both(m, tm, x_shape)
    for k in ("weight_u", "weight_v"):
        np.testing.assert_allclose(_np(getattr(m, k)), _np(getattr(tm, k)), rtol=1e-4, atol=1e-6)
    m.eval()
    tm.eval()
    u = _np(m.weight_u).copy()
    x = np.ones(x_shape, np.float32)
    np.testing.assert_allclose(_np(m(ag.tensor(x))), _np(tm(torch.tensor(x))), rtol=1e-4, atol=1e-6)
    np.testing.assert_array_equal(_np(m.weight_u), u)
    with pytest.raises(RuntimeError, match="Cannot register two spectral_norm hooks"):
        nn.utils.spectral_norm(m)
    nn.utils.remove_spectral_norm(m)
    TU.remove_spectral_norm(tm)
    assert list(m.state_dict()) == list(tm.state_dict()) == ["bias", "weight"]
    np.testing.assert_allclose(_np(m.weight), _np(tm.weight), rtol=1e-5, atol=1e-7)
    with pytest.raises(ValueError, match="spectral_norm of 'weight' not found"):
        nn.utils.remove_spectral_norm(m)
    with pytest.raises(ValueError, match="n_power_iterations to be positive"):
        nn.utils.spectral_norm(nn.Linear(2, 2), n_power_iterations=0)
    with pytest.raises(KeyError):
        nn.utils.spectral_norm(nn.Linear(2, 2), name="nope")


# ---------------------------------------------------------------------------- fusion
def _bn_pair(kind, n):
    m, tm = _pair(kind, n)
    rng = np.random.default_rng(5)
    sd = {"weight": rng.uniform(0.5, 2, n), "bias": rng.standard_normal(n), "running_mean": rng.standard_normal(n),
          "running_var": rng.uniform(0.5, 2, n), "num_batches_tracked": np.array(3)}
    tm.load_state_dict({k: torch.tensor(v, dtype=torch.int64 if k == "num_batches_tracked" else torch.float32)
                        for k, v in sd.items()})
    _copy_from_torch(m, tm)
    return m.eval(), tm.eval()


@pytest.mark.parametrize("transpose", [False, True])
def test_fuse_conv_bn_eval(transpose):
    if transpose:
        conv, tconv = _pair("ConvTranspose2d", 2, 3, 3)
    else:
        conv, tconv = _pair("Conv2d", 2, 3, 3)
    bn, tbn = _bn_pair("BatchNorm2d", 3)
    conv.eval()
    tconv.eval()
    fused = nn.utils.fuse_conv_bn_eval(conv, bn, transpose=transpose)
    tfused = TU.fuse_conv_bn_eval(tconv, tbn, transpose=transpose)
    assert fused is not conv and isinstance(fused.weight, nn.Parameter)
    x = np.random.default_rng(0).standard_normal((2, 2, 5, 5)).astype(np.float32)
    np.testing.assert_allclose(_np(fused(ag.tensor(x))), _np(bn(conv(ag.tensor(x)))), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(_np(fused.weight), _np(tfused.weight), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(_np(fused.bias), _np(tfused.bias), rtol=1e-5, atol=1e-6)
    with pytest.raises(AssertionError, match="Fusion only for eval"):
        nn.utils.fuse_conv_bn_eval(conv.train(), bn)


def test_fuse_linear_bn_eval_and_weights_without_bias():
    lin, tlin = _pair("Linear", 4, 3)
    bn, tbn = _bn_pair("BatchNorm1d", 3)
    lin.eval()
    tlin.eval()
    fused = nn.utils.fuse_linear_bn_eval(lin, bn)
    tfused = TU.fuse_linear_bn_eval(tlin, tbn)
    x = np.random.default_rng(1).standard_normal((5, 4)).astype(np.float32)
    np.testing.assert_allclose(_np(fused(ag.tensor(x))), _np(bn(lin(ag.tensor(x)))), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(_np(fused.weight), _np(tfused.weight), rtol=1e-5, atol=1e-7)
    with pytest.raises(AssertionError, match="linear.out_features == bn.num_features"):
        nn.utils.fuse_linear_bn_eval(lin, _bn_pair("BatchNorm1d", 2)[0])
    w, b = nn.utils.fuse_conv_bn_weights(ag.ones(3, 2, 1, 1), None, ag.zeros(3), ag.ones(3), 0.0, None, None)
    np.testing.assert_allclose(_np(w), np.ones((3, 2, 1, 1)))
    np.testing.assert_allclose(_np(b), np.zeros(3))
    w, b = nn.utils.fuse_linear_bn_weights(ag.ones(3, 2), None, ag.ones(3), ag.full((3,), 4.0), 0.0,
                                           ag.full((3,), 2.0), ag.zeros(3))
    np.testing.assert_allclose(_np(w), np.ones((3, 2)))  # 2 / sqrt(4)
    np.testing.assert_allclose(_np(b), -np.ones(3))


# ---------------------------------------------------------------------------- recurrent layers, dtype moves, API
def _rnn_pair(kind):
    tm = getattr(torch.nn, kind)(3, 4, num_layers=2)
    m = getattr(nn, kind)(3, 4, num_layers=2)
    _copy_from_torch(m, tm)
    return m, tm


def _train_rnn(m, tm, steps=3):
    opt, topt = optim.SGD(m.parameters(), lr=0.1), torch.optim.SGD(tm.parameters(), lr=0.1)
    rng = np.random.default_rng(4)
    for _ in range(steps):
        x = rng.standard_normal((5, 2, 3)).astype(np.float32)
        loss = (m(ag.tensor(x))[0] ** 2).mean()
        tloss = (tm(torch.tensor(x))[0] ** 2).mean()
        opt.zero_grad()
        topt.zero_grad()
        loss.backward()
        tloss.backward()
        np.testing.assert_allclose(loss.item(), tloss.item(), rtol=2e-5)
        for (k, p), (tk, tp) in zip(m.named_parameters(), tm.named_parameters()):
            assert k == tk
            np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-3, atol=1e-6, err_msg=k)
        opt.step()
        topt.step()


def test_recurrent_weights_parametrized_as_torch():
    m, tm = _rnn_pair("LSTM")
    PZ.weight_norm(m, "weight_hh_l0")
    TU.parametrizations.weight_norm(tm, "weight_hh_l0")
    with ag.no_grad():
        m.parametrizations.weight_hh_l0.original0.mul_(3.0)
    with torch.no_grad():
        tm.parametrizations.weight_hh_l0.original0.mul_(3.0)
    _train_rnn(m, tm)
    g, tg = _rnn_pair("GRU")
    PZ.orthogonal(g, "weight_hh_l1")
    TU.parametrizations.orthogonal(tg, "weight_hh_l1")
    _copy_from_torch(g, tg)  # the (12, 4) weight's base completes it with random columns: take torch's
    with P.cached():
        _train_rnn(g, tg, steps=1)
    o, to = _rnn_pair("LSTM")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        nn.utils.weight_norm(o, "weight_ih_l1")
        TU.weight_norm(to, "weight_ih_l1")
    _train_rnn(o, to)


def test_parametrized_module_moves_dtype():
    m = PZ.spectral_norm(PZ.weight_norm(nn.Linear(3, 2), name="bias"))
    m.double()
    assert m.weight.dtype == ag.float64 and m.bias.dtype == ag.float64
    assert m.parametrizations.weight[0]._u.dtype == ag.float64
    assert m(ag.ones(1, 3, dtype=ag.float64)).dtype == ag.float64


def test_signatures_match_torch():
    import importlib
    import inspect
    import sys

    def params(f):
        return [(p.name, p.kind, p.default) for p in inspect.signature(f).parameters.values()]

    for sub in ("parametrize", "parametrizations", "fusion"):
        ours, theirs = getattr(nn.utils, sub), getattr(TU, sub)
        assert sorted(ours.__all__) == sorted(theirs.__all__)
        for name in theirs.__all__:
            assert params(getattr(ours, name)) == params(getattr(theirs, name)), name
    for name in ("weight_norm", "remove_weight_norm", "spectral_norm", "remove_spectral_norm"):
        assert params(getattr(nn.utils, name)) == params(getattr(TU, name)), name
    for sub, cls in (("weight_norm", "WeightNorm"), ("spectral_norm", "SpectralNorm")):
        ours = getattr(importlib.import_module(f"nn.utils.{sub}"), cls)
        assert params(ours.__init__) == params(getattr(sys.modules[f"torch.nn.utils.{sub}"], cls).__init__)


def test_a_torch_script_runs_through_the_import_route(tmp_path):
    import os
    import pathlib
    import subprocess
    import sys
    script = tmp_path / "gan.py"
    script.write_text(
        "import warnings\n"
        "import torch\nimport torch.nn as nn\n"
        "import torch.nn.utils.parametrize as P\n"
        "from torch.nn.utils.parametrizations import weight_norm, orthogonal\n"
        "from torch.nn.utils import spectral_norm\n"
        "from torch.nn.utils.fusion import fuse_conv_bn_eval\n"
        "d = nn.Sequential(spectral_norm(nn.Conv2d(1, 2, 3)), nn.LeakyReLU(0.2), nn.Flatten(),\n"
        "                  torch.nn.utils.parametrizations.spectral_norm(nn.Linear(8, 1)))\n"
        "g = nn.Sequential(weight_norm(nn.Linear(2, 16)), nn.Tanh(), orthogonal(nn.Linear(16, 16)))\n"
        "with warnings.catch_warnings():\n"
        "    warnings.simplefilter('ignore')\n"
        "    torch.nn.utils.weight_norm(g[2], 'bias')\n"
        "opt = torch.optim.Adam(list(d.parameters()) + list(g.parameters()), lr=1e-3)\n"
        "for _ in range(2):\n"
        "    loss = d(g(torch.randn(3, 2)).reshape(3, 1, 4, 4)).mean()\n"
        "    opt.zero_grad(); loss.backward(); opt.step()\n"
        "print(type(d[0]).__name__, type(g[0]).__name__, P.is_parametrized(g[2]), sorted(d[3].state_dict()))\n")
    root = pathlib.Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-m", "autograd.as_torch", str(script)], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(root)), cwd=tmp_path, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.split("\n")[0] == ("Conv2d ParametrizedLinear True ['bias', 'parametrizations.weight.0._u', "
                                          "'parametrizations.weight.0._v', 'parametrizations.weight.original']")


def test_lazy_and_missing_weights_are_refused_by_the_hooks():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        with pytest.raises(ValueError, match="can't have uninitialized parameters"):
            nn.utils.weight_norm(nn.LazyLinear(3))
        with pytest.raises(KeyError):
            nn.utils.weight_norm(nn.BatchNorm1d(3), "running_mean")
    with pytest.raises(ValueError, match="can't have uninitialized parameters"):
        nn.utils.spectral_norm(nn.LazyLinear(3))
    with pytest.raises(ValueError, match="cannot be applied as parameter `bias` is None"):
        nn.utils.spectral_norm(nn.Linear(3, 3, bias=False), name="bias")
    lazy = nn.LazyLinear(3)
    lazy(ag.ones(2, 4))
    with pytest.warns(FutureWarning):
        nn.utils.weight_norm(lazy)
    assert lazy.weight_v.shape == (3, 4)
