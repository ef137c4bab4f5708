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


# ----------------------------------------------------------------------------- against PyTorch, the rarer options
TORCH_CASES = [("ASGD", dict(lr=0.05, t0=3.0, lambd=0.1, alpha=0.5)),
               ("ASGD", dict(lr=0.05, weight_decay=0.1, maximize=True, t0=0.0, foreach=False)),
               ("ASGD", dict(lambd=0.0, alpha=1.0, t0=5.0, differentiable=False)),
               ("Rprop", dict(lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.08))),
               ("Rprop", dict(maximize=True, foreach=False)),
               ("Rprop", dict(step_sizes=(0.0, 1e9), etas=(0.9, 1.01)))]


def _torch_run(T, O, S, name, options, dtype, steps=12):
    """Two param groups (the second with its own lr), gradients with zeros on odd steps, a StepLR schedule."""
    rng = np.random.default_rng(5)
    x0 = rng.standard_normal((3, 4))
    p = T.tensor(x0, dtype=dtype, requires_grad=True)
    q = T.tensor(x0[:, :1] * 2, dtype=dtype, requires_grad=True)
    opt = getattr(O, name)([{"params": [p]}, {"params": [q], "lr": 0.03}], **options)
    sched = S.StepLR(opt, 3, gamma=0.5)
    out = []
    for i in range(steps):
        g = rng.standard_normal((3, 4)) * 10.0 ** rng.integers(-2, 2)
        g[:, 0] *= i % 2  # sign(g * prev) == 0 for Rprop: neither grown nor shrunk
        p.grad, q.grad = T.tensor(g, dtype=dtype), T.tensor(rng.standard_normal((3, 1)), dtype=dtype)
        opt.step()
        sched.step()
        out.append(np.concatenate([np.asarray(t.detach().numpy(), dtype=np.float64).ravel() for t in (p, q)]))
    return np.array(out), opt


@pytest.mark.parametrize("name, options", TORCH_CASES, ids=lambda v: str(v)[:40])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_param_groups_schedules_and_state_match_torch(name, options, dtype):
    torch = pytest.importorskip("torch")
    ours, opt = _torch_run(autograd, optim, optim.lr_scheduler, name, options, getattr(autograd, dtype))
    theirs, topt = _torch_run(torch, torch.optim, torch.optim.lr_scheduler, name, options, getattr(torch, dtype))
    tol = dict(rtol=1e-12, atol=1e-14) if dtype == "float64" else dict(rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours, theirs, **tol)
    sd, tsd = opt.state_dict(), topt.state_dict()
    assert sd["param_groups"] == tsd["param_groups"]
    for i, state in tsd["state"].items():
        assert set(sd["state"][i]) == set(state)
        for key, value in state.items():
            assert str(sd["state"][i][key].dtype) == str(value.dtype).split(".")[1], key
            np.testing.assert_allclose(sd["state"][i][key].numpy(), value.numpy(), **tol)


@pytest.mark.parametrize("name", ["Rprop", "ASGD"])
@pytest.mark.parametrize("dtype", ["complex128", "complex64"])
def test_complex_parameters_step_their_real_and_imaginary_parts_as_torch_does(name, dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(6)
    z0 = (rng.standard_normal((2, 3)) + 1j * rng.standard_normal((2, 3))).astype(dtype)
    grads = [(rng.standard_normal((2, 3)) + 1j * rng.standard_normal((2, 3))).astype(dtype) for _ in range(6)]
    grads[2] = -grads[1]  # a sign flip in both parts
    results = []
    for T, O in [(autograd, optim), (torch, torch.optim)]:
        p = T.tensor(z0, requires_grad=True)
        opt = getattr(O, name)([p], lr=0.05, **({"t0": 1.0} if name == "ASGD" else {}))
        for g in grads:
            p.grad = T.tensor(g)
            opt.step()
        results.append((np.asarray(p.detach().numpy()), {k: np.asarray(v.numpy()) for k, v in opt.state[p].items()}))
    (ours, state), (theirs, tstate) = results
    tol = dict(rtol=1e-12) if dtype == "complex128" else dict(rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours, theirs, **tol)
    for key, value in tstate.items():
        assert state[key].dtype == value.dtype, key
        np.testing.assert_allclose(state[key], value, **tol)


def test_complex_rprop_on_every_device(device):
    z0 = np.array([[1 + 2j, -0.5j], [3.0, 1 - 1j]], dtype=np.complex64)
    results = []
    for dev in (device, "cpu"):
        p = autograd.tensor(z0, device=dev, requires_grad=True)
        opt = optim.Rprop([p], lr=0.1)
        for k in range(3):
            p.grad = autograd.tensor(z0 * (-1) ** k + 0.5j, device=dev)
            opt.step()
        results.append(p.detach().cpu().numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-6)
    assert not np.allclose(results[1].imag, z0.imag)  # the imaginary parts moved too
