"""Rprop and ASGD beyond the step-for-step checks: their errors, ASGD's running average, Rprop's step-size bounds."""
import numpy as np
import pytest

import autograd
import optim


def _param(values):
    return autograd.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


@pytest.mark.parametrize("etas", [(1.5, 1.2), (0.5, 0.9), (0.0, 1.2)])
def test_rprop_refuses_etas_outside_0_1_and_above_1(etas):
    with pytest.raises(ValueError, match=f"Invalid eta values: {etas[0]}, {etas[1]}"):
        optim.Rprop([_param([1.0])], etas=etas)


def test_rprop_and_asgd_refuse_a_negative_lr_and_asgd_a_negative_weight_decay():
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        optim.Rprop([_param([1.0])], lr=-1)
    with pytest.raises(ValueError, match="Invalid weight_decay value: -0.5"):
        optim.ASGD([_param([1.0])], weight_decay=-0.5)


def test_rprop_step_size_stays_within_step_sizes_and_a_sign_flip_skips_the_step():
    p = _param([0.0])
    opt = optim.Rprop([p], lr=0.1, etas=(0.5, 2.0), step_sizes=(0.02, 0.3))
    sizes, moves = [], []
    for g in (1.0, 1.0, 1.0, -1.0, -1.0):
        before = float(p.array[0])
        p.grad = autograd.tensor([g], dtype=autograd.float64)
        opt.step()
        sizes.append(float(opt.state[p]["step_size"].array[0]))
        moves.append(float(p.array[0]) - before)
    np.testing.assert_allclose(sizes, [0.1, 0.2, 0.3, 0.15, 0.15])  # grown, capped at 0.3, halved, kept
    np.testing.assert_allclose(moves, [-0.1, -0.2, -0.3, 0.0, 0.15])  # no move on the flip


def test_asgd_averages_the_iterates_once_past_t0():
    p = _param([1.0, -2.0])
    opt = optim.ASGD([p], lr=0.1, lambd=0.0, t0=0.0)
    iterates = []
    for _ in range(4):
        p.grad = p.detach() * 1.0  # gradient of 0.5 |p|^2
        opt.step()
        iterates.append(p.array.copy())
    # mu = 1 / max(1, step - t0) is applied at the next step: steps 1 and 2 set ax = p, then it averages
    np.testing.assert_allclose(opt.state[p]["ax"].array, np.mean(iterates[1:], axis=0), rtol=1e-6)
