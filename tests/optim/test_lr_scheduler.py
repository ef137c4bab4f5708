"""Learning-rate schedulers: lr sequences against PyTorch's documented closed forms, state_dict round trips, errors."""
import math
import warnings
from bisect import bisect_right

import numpy as np
import pytest

import autograd
import optim
from optim import lr_scheduler as S

BASE = [0.1, 0.2]
N = 20


def make_opt(cls=optim.SGD, **kw):
    kw = dict(momentum=0.9, **kw) if cls is optim.SGD else kw
    groups = [{"params": [autograd.zeros(2, requires_grad=True)], "lr": lr} for lr in BASE]
    return cls(groups, **kw)


def lrs(opt, sched, n=N, metrics=None):
    """The lr of every group at epochs 0..n (the constructor sets epoch 0)."""
    out = [[g["lr"] for g in opt.param_groups]]
    assert sched.get_last_lr() == out[0]
    for i in range(n):
        opt.step()
        sched.step() if metrics is None else sched.step(metrics[i])
        out.append(sched.get_last_lr())
        assert out[-1] == [g["lr"] for g in opt.param_groups]
    return np.array(out)


def expect(fn, n=N):
    """fn(base_lr, epoch) at epochs 0..n for every group."""
    return np.array([[fn(base, e) for base in BASE] for e in range(n + 1)])


def cos_anneal(start, end, pct):
    return end + (start - end) / 2 * (1 + math.cos(math.pi * pct))


# --------------------------------------------------------------------- closed forms
CLOSED = {
    "LambdaLR": (lambda o: S.LambdaLR(o, lambda e: 1 / (1 + 0.3 * e)), lambda b, e: b / (1 + 0.3 * e)),
    "LambdaLR-per-group": (lambda o: S.LambdaLR(o, [lambda e: 0.9 ** e, lambda e: 1.0 + e]),
                           lambda b, e: b * (0.9 ** e if b == BASE[0] else 1.0 + e)),
    "MultiplicativeLR": (lambda o: S.MultiplicativeLR(o, lambda e: 0.5 if e % 5 == 0 else 1.0),
                         lambda b, e: b * 0.5 ** (e // 5)),
    "StepLR": (lambda o: S.StepLR(o, step_size=3, gamma=0.5), lambda b, e: b * 0.5 ** (e // 3)),
    "MultiStepLR": (lambda o: S.MultiStepLR(o, milestones=[12, 4, 4, 9], gamma=0.1),
                    lambda b, e: b * 0.1 ** bisect_right([4, 4, 9, 12], e)),
    "ConstantLR": (lambda o: S.ConstantLR(o, factor=0.25, total_iters=6),
                   lambda b, e: b * (0.25 if e < 6 else 1.0)),
    "LinearLR": (lambda o: S.LinearLR(o, start_factor=0.2, end_factor=0.8, total_iters=9),
                 lambda b, e: b * (0.2 + 0.6 * min(e, 9) / 9)),
    "ExponentialLR": (lambda o: S.ExponentialLR(o, gamma=0.85), lambda b, e: b * 0.85 ** e),
    "PolynomialLR": (lambda o: S.PolynomialLR(o, total_iters=12, power=2.0),
                     lambda b, e: b * (1 - min(e, 12) / 12) ** 2),
    "CosineAnnealingLR": (lambda o: S.CosineAnnealingLR(o, T_max=7, eta_min=0.01),
                          lambda b, e: 0.01 + (b - 0.01) * (1 + math.cos(math.pi * e / 7)) / 2),
    "CosineAnnealingWarmRestarts": (
        lambda o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001),
        # cycles of 3, 6, 12 epochs starting at epochs 0, 3, 9
        lambda b, e: 0.001 + (b - 0.001) * (1 + math.cos(math.pi * (e - [0, 3, 9][bisect_right([3, 9], e)])
                                                        / [3, 6, 12][bisect_right([3, 9], e)])) / 2),
    "CosineAnnealingWarmRestarts-fixed": (
        lambda o: S.CosineAnnealingWarmRestarts(o, T_0=4),
        lambda b, e: b * (1 + math.cos(math.pi * (e % 4) / 4)) / 2),
    "SequentialLR": (
        lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=4), S.ExponentialLR(o, 0.5),
                                     S.StepLR(o, step_size=2, gamma=0.1)], milestones=[4, 10]),
        lambda b, e: (b * (0.1 + 0.9 * e / 4) if e < 4 else b * 0.5 ** (e - 4) if e < 10
                      else b * 0.1 ** ((e - 10) // 2))),
    "ChainedScheduler": (
        lambda o: S.ChainedScheduler([S.ConstantLR(o, factor=0.5, total_iters=3), S.ExponentialLR(o, gamma=0.9)]),
        lambda b, e: b * 0.9 ** e * (0.5 if e < 3 else 1.0)),
    "OneCycleLR": (
        lambda o: S.OneCycleLR(o, max_lr=[1.0, 2.0], total_steps=21),
        # warm up for pct_start * total - 1 = 5.3 steps from max/25, then anneal to max/25/1e4 at step 20
        lambda b, e: (cos_anneal(b * 10 / 25, b * 10, e / 5.3) if e <= 5.3
                      else cos_anneal(b * 10, b * 10 / 25 / 1e4, (e - 5.3) / (20 - 5.3)))),
    "OneCycleLR-three-phase-linear": (
        lambda o: S.OneCycleLR(o, max_lr=1.0, epochs=3, steps_per_epoch=7, pct_start=0.25, three_phase=True,
                               anneal_strategy="linear", div_factor=10.0, final_div_factor=100.0),
        # 21 steps: up until 0.25 * 21 - 1, down until 2 * 0.25 * 21 - 2, then to max/10/100 at step 20
        lambda b, e: np.interp(e, [0, 4.25, 8.5, 20], [0.1, 1.0, 0.1, 0.001])),
    "CyclicLR": (
        lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4),
        # the triangle of Smith (2017): lr = base + (max - base) * max(0, 1 - |e/s - 2c + 1|), c = floor(1 + e/2s)
        lambda b, e: 0.01 + 0.09 * max(0.0, 1 - abs(e / 4 - 2 * math.floor(1 + e / 8) + 1))),
    "CyclicLR-triangular2-asymmetric": (
        lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=[0.1, 0.2], step_size_up=2, step_size_down=4,
                             mode="triangular2"),
        lambda b, e: 0.01 + ((0.1 if b == BASE[0] else 0.2) - 0.01)
        * np.interp(e % 6, [0, 2, 6], [0, 1, 0]) / 2 ** (e // 6)),
    "CyclicLR-exp_range": (
        lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3, mode="exp_range", gamma=0.9),
        lambda b, e: 0.01 + 0.09 * np.interp(e % 6, [0, 3, 6], [0, 1, 0]) * 0.9 ** e),
}


@pytest.mark.parametrize("name", list(CLOSED))
def test_lr_sequence_matches_closed_form(name):
    make, formula = CLOSED[name]
    opt = make_opt()
    sched = make(opt)
    np.testing.assert_allclose(lrs(opt, sched), expect(formula), rtol=1e-10, atol=1e-15)


def test_cyclic_momentum_moves_against_the_lr():
    opt = make_opt()
    sched = S.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=4, base_momentum=0.8, max_momentum=0.9)
    for e in range(N + 1):
        tri = max(0.0, 1 - abs(e / 4 - 2 * math.floor(1 + e / 8) + 1))
        assert opt.param_groups[0]["momentum"] == pytest.approx(0.9 - 0.1 * tri)
        assert opt.param_groups[0]["lr"] == pytest.approx(0.01 + 0.09 * tri)
        opt.step()
        sched.step()


def test_one_cycle_cycles_beta1_of_adam():
    opt = make_opt(optim.Adam, betas=(0.5, 0.99))
    sched = S.OneCycleLR(opt, max_lr=1.0, total_steps=10, pct_start=0.5, anneal_strategy="linear")
    betas = []
    for _ in range(10):
        betas.append(opt.param_groups[0]["betas"])
        opt.step()
        if len(betas) < 10:
            sched.step()
    # phase 1 (steps 0..4): max_momentum 0.95 -> base_momentum 0.85; phase 2 (4..9): back to 0.95
    expected = np.interp(range(10), [0, 4, 9], [0.95, 0.85, 0.95])
    np.testing.assert_allclose([b[0] for b in betas], expected)
    assert all(b[1] == 0.99 for b in betas)
    assert opt.param_groups[0]["max_lr"] == 1.0 and opt.param_groups[0]["initial_lr"] == 1.0 / 25


def test_one_cycle_past_total_steps_raises():
    opt = make_opt()
    sched = S.OneCycleLR(opt, max_lr=1.0, total_steps=5)
    for _ in range(5):
        opt.step()
        sched.step()
    opt.step()
    with pytest.raises(ValueError, match="Tried to step 6 times.*total steps is 5"):
        sched.step()


def test_reduce_lr_on_plateau():
    opt = make_opt()
    sched = S.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=2, threshold=0.1, threshold_mode="rel",
                                cooldown=1, min_lr=[0.0, 0.08])
    # best 1.0 at epoch 1; epochs 2-4 are not 10% better -> reduce after the 3rd bad epoch (4);
    # epoch 5 is the cooldown; 0.5 at epoch 6 is better; then 7, 8, 9 bad -> reduce at 9
    metrics = [1.0, 0.95, 0.92, 0.91, 0.9, 0.5, 0.49, 0.48, 0.47, 0.2, 0.2]
    got = lrs(opt, sched, n=len(metrics), metrics=metrics)
    first = [0.1] * 4 + [0.05] * 5 + [0.025] * 3
    second = [0.2] * 4 + [0.1] * 5 + [0.08] * 3  # clipped at its min_lr
    np.testing.assert_allclose(got, np.array([first, second]).T)
    assert sched.best == 0.2 and sched.last_epoch == len(metrics)


def test_reduce_lr_on_plateau_max_mode_abs_threshold_and_eps():
    opt = make_opt()
    sched = S.ReduceLROnPlateau(opt, mode="max", factor=0.1, patience=0, threshold=0.5, threshold_mode="abs",
                                eps=0.015)
    got = lrs(opt, sched, n=3, metrics=[1.0, 1.4, 2.0])
    # 1.4 is not 0.5 better than 1.0: group 0 would go 0.1 -> 0.01 (change 0.09 > eps), group 1 0.2 -> 0.02
    np.testing.assert_allclose(got, [[0.1, 0.2], [0.1, 0.2], [0.01, 0.02], [0.01, 0.02]])
    sched.step(1.0)
    # 0.01 -> 0.001 is a change of 0.009 < eps: left alone; 0.02 -> 0.002 changes by 0.018 > eps
    np.testing.assert_allclose(sched.get_last_lr(), [0.01, 0.002])


def test_cosine_warm_restarts_fractional_epochs():
    opt = make_opt()
    sched = S.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2)
    for epoch in [0.5, 1.25, 2.0, 3.5, 6.0, 6.5]:
        sched.step(epoch)  # its documented use: no deprecation warning
        n = int(math.log2(epoch / 2 + 1)) if epoch >= 2 else 0  # cycle index for T_0 = 2, T_mult = 2
        start, T_i = 2 * (2 ** n - 1), 2 * 2 ** n
        assert sched.get_last_lr()[0] == pytest.approx(0.05 * (1 + math.cos(math.pi * (epoch - start) / T_i)))
        assert sched.last_epoch == math.floor(epoch)


def test_step_with_epoch_uses_the_closed_form():
    opt = make_opt()
    sched = S.StepLR(opt, step_size=3, gamma=0.5)
    opt.step()
    with pytest.warns(UserWarning, match="epoch parameter"):
        sched.step(7)
    assert sched.get_last_lr() == pytest.approx([0.1 * 0.25, 0.2 * 0.25])
    assert sched.last_epoch == 7


def test_initial_lr_and_base_lrs():
    opt = make_opt()
    sched = S.ExponentialLR(opt, gamma=0.5)
    assert [g["initial_lr"] for g in opt.param_groups] == BASE and sched.base_lrs == BASE
    assert sched.last_epoch == 0 and sched._step_count == 1


def test_resume_with_last_epoch():
    opt = make_opt()
    with pytest.raises(KeyError, match="initial_lr"):
        S.StepLR(opt, step_size=2, last_epoch=3)
    for g in opt.param_groups:
        g["initial_lr"] = g["lr"]
        g["lr"] *= 0.5  # where a StepLR(step_size=2, gamma=0.5) run is after epoch 3
    sched = S.StepLR(opt, step_size=2, gamma=0.5, last_epoch=3)
    assert sched.last_epoch == 4
    assert sched.get_last_lr() == pytest.approx([0.1 * 0.25, 0.2 * 0.25])


def test_warnings():
    opt = make_opt()
    sched = S.StepLR(opt, step_size=2)
    with pytest.warns(UserWarning, match=r"before `optimizer.step\(\)`"):
        sched.step()
    with pytest.warns(UserWarning, match="get_last_lr"):
        sched.get_lr()
    opt2 = make_opt()
    sched2 = S.StepLR(opt2, step_size=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt2.step()
        sched2.step()


# --------------------------------------------------------------------- state_dict round trips
class Warmup:
    """A callable object as lr_lambda: its __dict__ is saved by LambdaLR.state_dict()."""

    def __init__(self, n):
        self.n = n

    def __call__(self, epoch):
        return min(1.0, (epoch + 1) / self.n)


ROUND_TRIP = dict(CLOSED)
ROUND_TRIP["LambdaLR-callable"] = (lambda o: S.LambdaLR(o, Warmup(10)), None)


@pytest.mark.parametrize("name", list(ROUND_TRIP))
def test_state_dict_round_trip(name):
    make = ROUND_TRIP[name][0]
    opt = make_opt()
    sched = make(opt)
    lrs(opt, sched, n=7)
    opt_sd, sched_sd = opt.state_dict(), sched.state_dict()
    assert "optimizer" not in sched_sd
    expected = lrs(opt, sched, n=10)

    opt2 = make_opt()
    sched2 = make(opt2)
    if name == "LambdaLR-callable":
        sched2.lr_lambdas[0].n = 3  # restored from the state_dict below
    opt2.load_state_dict(opt_sd)
    sched2.load_state_dict(sched_sd)
    np.testing.assert_allclose(lrs(opt2, sched2, n=10), expected, rtol=1e-12)
    assert getattr(sched2, "last_epoch", None) == getattr(sched, "last_epoch", None)  # ChainedScheduler has none


def test_reduce_lr_on_plateau_round_trip():
    metrics = [1.0, 1.0, 1.0, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]
    opt = make_opt()
    sched = S.ReduceLROnPlateau(opt, patience=1, cooldown=1)
    lrs(opt, sched, n=4, metrics=metrics)
    opt_sd, sched_sd = opt.state_dict(), sched.state_dict()
    expected = lrs(opt, sched, n=6, metrics=metrics[4:])
    opt2 = make_opt()
    sched2 = S.ReduceLROnPlateau(opt2)
    opt2.load_state_dict(opt_sd)
    sched2.load_state_dict(sched_sd)
    np.testing.assert_allclose(lrs(opt2, sched2, n=6, metrics=metrics[4:]), expected)
    assert sched2.patience == 1 and sched2.best == 0.5


def test_lambda_state_dict_skips_plain_functions():
    opt = make_opt()
    sched = S.LambdaLR(opt, [lambda e: 1.0, Warmup(4)])
    sd = sched.state_dict()
    assert sd["lr_lambdas"] == [None, {"n": 4}]
    assert "optimizer" not in sd and sd["base_lrs"] == BASE


def test_sequential_state_dict_holds_inner_schedulers():
    opt = make_opt()
    sched = S.SequentialLR(opt, [S.ConstantLR(opt, 0.5, total_iters=2), S.ExponentialLR(opt, 0.9)], milestones=[3])
    sd = sched.state_dict()
    assert len(sd["_schedulers"]) == 2 and sd["_schedulers"][1]["gamma"] == 0.9


# --------------------------------------------------------------------- errors
@pytest.mark.parametrize("make, exc, match", [
    (lambda o: S.StepLR(object(), 2), TypeError, "object is not an Optimizer"),
    (lambda o: S.LambdaLR(o, [lambda e: 1.0]), ValueError, "Expected 2 lr_lambdas, but got 1"),
    (lambda o: S.MultiplicativeLR(o, 0.9), TypeError, "lr_lambda should be a function"),
    (lambda o: S.ConstantLR(o, factor=1.5), ValueError, "between 0 and 1"),
    (lambda o: S.LinearLR(o, start_factor=0.0), ValueError, "Starting multiplicative factor"),
    (lambda o: S.LinearLR(o, end_factor=1.5), ValueError, "Ending multiplicative factor"),
    (lambda o: S.CosineAnnealingWarmRestarts(o, T_0=0), ValueError, "positive integer T_0"),
    (lambda o: S.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=1.5), ValueError, "T_mult"),
    (lambda o: S.OneCycleLR(o, max_lr=1.0), ValueError, "total_steps OR"),
    (lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=0), ValueError, "positive integer total_steps"),
    (lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=10, pct_start=1.5), ValueError, "pct_start"),
    (lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=10, anneal_strategy="exp"), ValueError, "anneal_strategy"),
    (lambda o: S.OneCycleLR(o, max_lr=[1.0], total_steps=10), ValueError, "max_lr must have the same length"),
    (lambda o: S.CyclicLR(o, 0.01, 0.1, mode="sine"), ValueError, "mode is invalid"),
    (lambda o: S.ReduceLROnPlateau(o, factor=1.0), ValueError, "Factor should be < 1.0"),
    (lambda o: S.ReduceLROnPlateau(o, mode="median"), ValueError, "mode 'median' is unknown"),
    (lambda o: S.ReduceLROnPlateau(o, threshold_mode="pct"), ValueError, "threshold mode"),
    (lambda o: S.ReduceLROnPlateau(o, min_lr=[0.1]), ValueError, "expected 2 min_lrs, got 1"),
    (lambda o: S.SequentialLR(o, [S.StepLR(o, 2), S.StepLR(o, 3)], milestones=[]), ValueError,
     "one more than the number of milestone"),
    (lambda o: S.SequentialLR(o, [S.ReduceLROnPlateau(o)], milestones=[]), ValueError, "ReduceLROnPlateau"),
    (lambda o: S.ChainedScheduler([S.StepLR(o, 2), S.StepLR(make_opt(), 2)]), ValueError, "same optimizer"),
    (lambda o: S.ChainedScheduler([]), ValueError, "at least one scheduler"),
])
def test_errors(make, exc, match):
    with pytest.raises(exc, match=match):
        make(make_opt())


def test_momentum_cycling_needs_momentum_or_betas():
    opt = make_opt(optim.Adagrad)
    with pytest.raises(ValueError, match="momentum or beta1"):
        S.CyclicLR(opt, 0.01, 0.1)
    with pytest.raises(ValueError, match="momentum or beta1"):
        S.OneCycleLR(opt, max_lr=0.1, total_steps=10)
    assert [g["lr"] for g in opt.param_groups] == BASE  # nothing changed
    S.OneCycleLR(opt, max_lr=0.1, total_steps=10, cycle_momentum=False)


def test_scheduler_on_an_unbound_optimizer():
    opt = optim.SGD(lr=0.1)
    for make in [lambda: S.StepLR(opt, 2), lambda: S.OneCycleLR(opt, 1.0, total_steps=10),
                 lambda: S.ReduceLROnPlateau(opt), lambda: S.LambdaLR(opt, lambda e: 1.0)]:
        with pytest.raises(RuntimeError, match="no parameters yet.*bind"):
            make()
