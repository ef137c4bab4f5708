"""Optimizers and schedulers step for step against PyTorch itself (skipped when torch is not installed)."""
import warnings

import numpy as np
import pytest

import autograd
import optim
from optim import lr_scheduler

from .test_updates import CASES

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(3)
A = RNG.standard_normal((6, 4))
B = RNG.standard_normal(6)
X0 = RNG.standard_normal(4)


def trajectory(lib, name, options, steps=10, dtype="float64"):
    T = torch if lib == "torch" else autograd
    cls = getattr(torch.optim if lib == "torch" else optim, name)
    x = T.tensor(X0, dtype=getattr(T, dtype), requires_grad=True)
    At, Bt = T.tensor(A, dtype=getattr(T, dtype)), T.tensor(B, dtype=getattr(T, dtype))
    opt = cls([x], **options)
    out = []
    for _ in range(steps):
        opt.zero_grad()
        r = At @ x - Bt
        (r * r).sum().backward()
        opt.step()
        out.append(np.array(x.detach().numpy() if lib == "torch" else x.array, dtype=np.float64))
    return np.array(out), opt


PARAMS = [pytest.param(name, opts, id=f"{name}-{i}") for name, (_, _, options) in CASES.items()
          for i, opts in enumerate(options)]


@pytest.mark.parametrize("name, options", PARAMS)
def test_optimizer_matches_torch(name, options):
    ours, opt = trajectory("ours", name, options)
    theirs, topt = trajectory("torch", name, options)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)
    ours32, _ = trajectory("ours", name, options, dtype="float32")
    theirs32, _ = trajectory("torch", name, options, dtype="float32")
    np.testing.assert_allclose(ours32, theirs32, rtol=1e-5, atol=1e-5 * np.abs(theirs32).max())
    # same state_dict layout: state keys, values, and group options
    sd, tsd = opt.state_dict(), topt.state_dict()
    assert list(sd["state"]) == list(tsd["state"])
    for key, value in tsd["state"].get(0, {}).items():
        np.testing.assert_allclose(np.asarray(sd["state"][0][key].array), value.numpy(), rtol=1e-10, atol=1e-14)
        assert sd["state"][0][key].dtype == np.dtype(str(value.dtype).replace("torch.", ""))
    assert set(sd["state"].get(0, {})) == set(tsd["state"].get(0, {}))
    assert sd["param_groups"] == tsd["param_groups"]


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_matches_torch(line_search_fn):
    results = []
    for T, cls in [(autograd, optim.LBFGS), (torch, torch.optim.LBFGS)]:
        x = T.tensor(X0, requires_grad=True)
        At, Bt = T.tensor(A), T.tensor(B)
        opt = cls([x], lr=0.8, max_iter=6, history_size=3, line_search_fn=line_search_fn)

        def closure():
            opt.zero_grad()
            r = At @ x - Bt
            loss = (r * r).sum() + (x ** 4).sum()  # not quadratic: the line search has work to do
            loss.backward()
            return loss

        losses = [float(opt.step(closure).detach()) for _ in range(3)]
        state = opt.state[x]
        results.append((np.array(x.detach().numpy() if T is torch else x.array), losses, state["func_evals"],
                        state["n_iter"]))
    (x1, l1, f1, n1), (x2, l2, f2, n2) = results
    np.testing.assert_allclose(x1, x2, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(l1, l2, rtol=1e-9)
    assert (f1, n1) == (f2, n2)


SCHEDULERS = {
    "LambdaLR": lambda S, o: S.LambdaLR(o, lambda e: 0.95 ** e),
    "MultiplicativeLR": lambda S, o: S.MultiplicativeLR(o, lambda e: 0.9),
    "StepLR": lambda S, o: S.StepLR(o, 4, gamma=0.5),
    "MultiStepLR": lambda S, o: S.MultiStepLR(o, [3, 7, 7, 12], gamma=0.5),
    "ConstantLR": lambda S, o: S.ConstantLR(o, factor=0.25, total_iters=6),
    "LinearLR": lambda S, o: S.LinearLR(o, start_factor=0.2, end_factor=0.9, total_iters=8),
    "ExponentialLR": lambda S, o: S.ExponentialLR(o, 0.9),
    "PolynomialLR": lambda S, o: S.PolynomialLR(o, total_iters=10, power=2.0),
    "CosineAnnealingLR": lambda S, o: S.CosineAnnealingLR(o, T_max=7, eta_min=0.01),
    "CosineAnnealingWarmRestarts": lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001),
    "SequentialLR": lambda S, o: S.SequentialLR(
        o, [S.LinearLR(o, 0.1, total_iters=5), S.ExponentialLR(o, 0.9), S.StepLR(o, 3)], milestones=[5, 12]),
    "ChainedScheduler": lambda S, o: S.ChainedScheduler([S.ConstantLR(o, 0.5, total_iters=4),
                                                         S.ExponentialLR(o, 0.9), S.CosineAnnealingLR(o, 9)]),
    "OneCycleLR": lambda S, o: S.OneCycleLR(o, max_lr=[1.0, 2.0], total_steps=25),
    "OneCycleLR-3": lambda S, o: S.OneCycleLR(o, max_lr=1.0, total_steps=26, three_phase=True,
                                              anneal_strategy="linear"),
    "CyclicLR": lambda S, o: S.CyclicLR(o, 0.01, 0.1, step_size_up=4),
    "CyclicLR-2": lambda S, o: S.CyclicLR(o, 0.01, [0.1, 0.2], step_size_up=3, step_size_down=5,
                                          mode="triangular2"),
    "CyclicLR-exp": lambda S, o: S.CyclicLR(o, 0.01, 0.1, step_size_up=3, mode="exp_range", gamma=0.9),
}


def schedule(lib, opt_name, make, n=25, metrics=None, opt_kw=None):
    T = torch if lib == "torch" else autograd
    O = getattr(torch.optim if lib == "torch" else optim, opt_name)
    S = torch.optim.lr_scheduler if lib == "torch" else lr_scheduler
    params = [T.zeros(2, requires_grad=True) for _ in range(2)]
    opt = O([{"params": [p], "lr": 0.1 * (i + 1)} for i, p in enumerate(params)], **(opt_kw or {}))
    sched = make(S, opt)
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(n):
            opt.step()
            sched.step() if metrics is None else sched.step(metrics[i])
            group = opt.param_groups[0]
            out.append((sched.get_last_lr(), group.get("momentum"), group.get("betas")))
    return out


@pytest.mark.parametrize("opt_name, opt_kw", [("SGD", dict(momentum=0.9)), ("Adam", {})])
@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_scheduler_matches_torch(name, opt_name, opt_kw):
    ours = schedule("ours", opt_name, SCHEDULERS[name], opt_kw=opt_kw)
    theirs = schedule("torch", opt_name, SCHEDULERS[name], opt_kw=opt_kw)
    for (lr1, m1, b1), (lr2, m2, b2) in zip(ours, theirs):
        np.testing.assert_allclose(lr1, lr2, rtol=1e-12, atol=1e-16)
        assert (m1 is None) == (m2 is None) and (m1 is None or abs(m1 - m2) < 1e-12)
        assert (b1 is None) == (b2 is None) and (b1 is None or np.allclose(b1, b2, rtol=1e-12))


@pytest.mark.parametrize("kw", [dict(patience=2),
                                dict(patience=1, cooldown=2, mode="max", threshold_mode="abs", threshold=0.01,
                                     min_lr=[0.05, 0.001], factor=0.5)])
def test_reduce_lr_on_plateau_matches_torch(kw):
    metrics = [1, 0.9, 0.95, 0.95, 0.95, 0.95, 0.8, 0.81, 0.81, 0.81, 0.81, 0.81, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6]
    make = lambda S, o: S.ReduceLROnPlateau(o, **kw)  # noqa: E731
    ours = schedule("ours", "SGD", make, n=len(metrics), metrics=metrics)
    theirs = schedule("torch", "SGD", make, n=len(metrics), metrics=metrics)
    np.testing.assert_allclose([o[0] for o in ours], [t[0] for t in theirs], rtol=1e-12)
