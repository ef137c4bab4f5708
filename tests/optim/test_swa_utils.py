"""optim.swa_utils: AveragedModel (SWA/EMA), the averaging functions, SWALR and update_bn vs numpy and torch."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from optim import swa_utils


def _net(lib_nn):
    return lib_nn.Sequential(lib_nn.Linear(3, 2), lib_nn.BatchNorm1d(2))


def _snapshots(steps=4, seed=0):
    """Per step: (weight, bias, input batch) with fixed random values."""
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal((2, 3)).astype(np.float32), rng.standard_normal(2).astype(np.float32),
             rng.standard_normal((5, 3)).astype(np.float32)) for _ in range(steps)]


def _run(lib, lib_nn, su, snaps, **kw):
    model = _net(lib_nn)
    avg = su.AveragedModel(model, **kw)
    for w, b, x in snaps:
        with lib.no_grad():
            model[0].weight.copy_(lib.tensor(w))
            model[0].bias.copy_(lib.tensor(b))
        model(lib.tensor(x))  # moves the BatchNorm statistics
        avg.update_parameters(model)
    return {k: v.detach().numpy() for k, v in avg.state_dict().items()}


def test_swa_is_the_mean_of_the_snapshots_and_buffers_follow_the_model():
    snaps = _snapshots()
    sd = _run(ag, nn, swa_utils, snaps)
    np.testing.assert_allclose(sd["module.0.weight"], np.mean([s[0] for s in snaps], 0), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(sd["module.0.bias"], np.mean([s[1] for s in snaps], 0), rtol=1e-6, atol=1e-7)
    assert sd["n_averaged"] == 4 and sd["n_averaged"].dtype == np.int64
    assert sd["module.1.num_batches_tracked"] == 4  # copied, not averaged
    assert list(sd)[:2] == ["n_averaged", "module.0.weight"]


def test_ema_matches_numpy_recursion():
    snaps = _snapshots()
    sd = _run(ag, nn, swa_utils, snaps, multi_avg_fn=swa_utils.get_ema_multi_avg_fn(0.9))
    ema = snaps[0][0]
    for w, _, _ in snaps[1:]:
        ema = 0.9 * ema + 0.1 * w
    np.testing.assert_allclose(sd["module.0.weight"], ema, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kw", [{}, {"use_buffers": True}, {"avg_fn": "ema"}, {"multi_avg_fn": "ema"},
                                {"avg_fn": "swa"}, {"multi_avg_fn": "swa", "use_buffers": True},
                                {"multi_avg_fn": "ema", "use_buffers": True}])
def test_averaged_model_matches_torch(kw):
    torch = pytest.importorskip("torch")
    import torch.optim.swa_utils as tsu

    def fns(su):
        makers = {"ema": (su.get_ema_avg_fn, su.get_ema_multi_avg_fn), "swa": (su.get_swa_avg_fn,
                                                                               su.get_swa_multi_avg_fn)}
        out = dict(kw)
        for key in ("avg_fn", "multi_avg_fn"):
            if key in out:
                make = makers[out[key]][key == "multi_avg_fn"]
                out[key] = make(0.8) if out[key] == "ema" else make()
        return out

    snaps = _snapshots(5, seed=3)
    if kw == {"multi_avg_fn": "swa", "use_buffers": True}:  # num_batches_tracked: integer addcdiv, refused
        for lib, lib_nn, su in ((ag, nn, swa_utils), (torch, torch.nn, tsu)):
            with pytest.raises(RuntimeError, match="(?i)integer division with addcdiv"):
                _run(lib, lib_nn, su, snaps, **fns(su))
        return
    ours = _run(ag, nn, swa_utils, snaps, **fns(swa_utils))
    ref = _run(torch, torch.nn, tsu, snaps, **fns(tsu))
    assert list(ours) == list(ref)
    for k in ref:
        np.testing.assert_allclose(ours[k], ref[k], rtol=1e-5, atol=1e-6, err_msg=k)
        assert ours[k].dtype == ref[k].dtype, k


def test_forward_and_errors():
    model = nn.Linear(3, 2)
    avg = swa_utils.AveragedModel(model)
    assert avg.module is not model
    x = ag.ones(1, 3)
    np.testing.assert_array_equal(avg(x).detach().numpy(), model(x).detach().numpy())
    with pytest.raises(AssertionError, match="Only one of avg_fn and multi_avg_fn"):
        swa_utils.AveragedModel(model, avg_fn=swa_utils.get_swa_avg_fn(),
                                multi_avg_fn=swa_utils.get_swa_multi_avg_fn())
    for make in (swa_utils.get_ema_avg_fn, swa_utils.get_ema_multi_avg_fn):
        with pytest.raises(ValueError, match=r"Invalid decay value 1.5 provided. Please provide a value in \[0,1\]"):
            make(1.5)
    with pytest.raises(ValueError, match="buffers"):
        swa_utils.AveragedModel(nn.BatchNorm1d(2)).update_parameters(nn.BatchNorm1d(2, track_running_stats=False))


def test_averaged_parameters_get_no_graph():
    model = nn.Linear(2, 1)
    avg = swa_utils.AveragedModel(model)
    for _ in range(2):
        avg.update_parameters(model)
    assert all(p.grad_fn is None and p.requires_grad for p in avg.parameters())


def _lrs(lib, su, optim_mod, steps=14, groups=2, **kw):
    params = [lib.zeros(1, requires_grad=True) for _ in range(groups)]
    opt = optim_mod.SGD([{"params": [p], "lr": 0.5 * (i + 1)} for i, p in enumerate(params)], lr=1.0)
    sched = su.SWALR(opt, **kw)
    out = [sched.get_last_lr()]
    for _ in range(steps):
        opt.step()
        sched.step()
        out.append(sched.get_last_lr())
    return np.array(out), sched


@pytest.mark.parametrize("kw", [dict(swa_lr=0.05), dict(swa_lr=0.05, anneal_strategy="linear", anneal_epochs=4),
                                dict(swa_lr=[0.1, 0.02], anneal_epochs=0), dict(swa_lr=0.2, anneal_epochs=1),
                                dict(swa_lr=0.01, anneal_epochs=5, anneal_strategy="cos")])
def test_swalr_sequence_matches_torch(kw):
    torch = pytest.importorskip("torch")
    import torch.optim.swa_utils as tsu
    ours, _ = _lrs(ag, swa_utils, optim, **kw)
    ref, _ = _lrs(torch, tsu, torch.optim, **kw)
    np.testing.assert_allclose(ours, ref, rtol=1e-12)


def test_swalr_linear_reference_and_state_dict_round_trip():
    lrs, sched = _lrs(ag, swa_utils, optim, groups=1, steps=6, swa_lr=0.1, anneal_strategy="linear",
                      anneal_epochs=4)
    # linear: lr_t = swa_lr * t/4 + lr0 * (1 - t/4), reached at t = 4 and held
    t = np.minimum(np.arange(7), 4) / 4
    np.testing.assert_allclose(lrs[:, 0], 0.1 * t + 0.5 * (1 - t), rtol=1e-12)
    sd = sched.state_dict()
    assert "optimizer" not in sd and "anneal_func" not in sd and sd["_anneal_strategy"] == "linear"
    _, other = _lrs(ag, swa_utils, optim, groups=1, steps=0, swa_lr=0.1)
    other.load_state_dict(sd)
    assert other.anneal_func is swa_utils.SWALR._linear_anneal and other.anneal_epochs == 4
    with pytest.warns(UserWarning, match="get_last_lr"):
        sched.get_lr()


def test_swalr_errors():
    opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=1.0)
    with pytest.raises(ValueError, match="anneal_strategy must be one of 'cos' or 'linear', instead got x"):
        swa_utils.SWALR(opt, 0.1, anneal_strategy="x")
    with pytest.raises(ValueError, match="anneal_epochs must be equal or greater than 0, got -1"):
        swa_utils.SWALR(opt, 0.1, anneal_epochs=-1)
    with pytest.raises(ValueError, match="anneal_epochs must be equal or greater than 0, got 2.5"):
        swa_utils.SWALR(opt, 0.1, anneal_epochs=2.5)
    with pytest.raises(ValueError, match="swa_lr must have the same length as optimizer.param_groups"):
        swa_utils.SWALR(opt, [0.1, 0.2])
    assert "swa_lr" not in opt.param_groups[0]  # nothing changed by the failed constructors


def _bn_stats(lib, lib_nn, su, batches, device=None, as_tuple=False):
    model = lib_nn.Sequential(lib_nn.Linear(3, 3), lib_nn.BatchNorm1d(3, momentum=0.3), lib_nn.ReLU())
    with lib.no_grad():
        model[0].weight.copy_(lib.tensor(np.eye(3, dtype=np.float32) * 2))
        model[0].bias.zero_()
    model.eval()
    loader = [(lib.tensor(b), 0) if as_tuple else lib.tensor(b) for b in batches]
    su.update_bn(loader, model, device=device)
    bn = model[1]
    return model.training, bn.momentum, bn.running_mean.numpy(), bn.running_var.numpy(), int(bn.num_batches_tracked)


def test_update_bn_is_a_cumulative_average_and_matches_torch():
    rng = np.random.default_rng(5)
    batches = [rng.standard_normal((6, 3)).astype(np.float32) + i for i in range(3)]
    training, momentum, mean, var, n = _bn_stats(ag, nn, swa_utils, batches, device="cpu", as_tuple=True)
    assert training is False and momentum == 0.3 and n == 3
    h = [2 * b for b in batches]
    np.testing.assert_allclose(mean, np.mean([x.mean(0) for x in h], 0), rtol=1e-5)
    np.testing.assert_allclose(var, np.mean([x.var(0, ddof=1) for x in h], 0), rtol=1e-5)
    torch = pytest.importorskip("torch")
    import torch.optim.swa_utils as tsu
    ref = _bn_stats(torch, torch.nn, tsu, batches)
    np.testing.assert_allclose(mean, ref[2], rtol=1e-5)
    np.testing.assert_allclose(var, ref[3], rtol=1e-5)
    model = nn.Linear(2, 2)  # no BatchNorm: nothing is run
    swa_utils.update_bn([object()], model)


def test_reachable_as_torch_optim_swa_utils():
    pytest.importorskip("torch")
    import inspect
    import torch.optim.swa_utils as tsu
    for name in swa_utils.__all__:
        ref = getattr(tsu, name)
        ours = getattr(swa_utils, name)
        sig = inspect.signature(ref.__init__ if inspect.isclass(ref) else ref)
        mine = inspect.signature(ours.__init__ if inspect.isclass(ours) else ours)
        assert list(mine.parameters) == list(sig.parameters), name
        assert [p.default for p in mine.parameters.values()] == [p.default for p in sig.parameters.values()], name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert optim.swa_utils is swa_utils
