"""optim.Adafactor against its documented algorithm written out in numpy, and step for step against PyTorch."""

import numpy as np
import pytest

import autograd
import optim
from tests.optim.stepping import check_signature, check_state_dict_round_trip, trajectory

SHAPES = [(), (5,), (3, 4), (2, 3, 4), (2, 1, 3, 2)]
OPTIONS = [dict(), dict(lr=0.3, weight_decay=0.1), dict(maximize=True, d=1.5), dict(eps=(1e-3, 1e-2), lr=0.5),
           dict(beta2_decay=-0.5, eps=(1e-20, 0.0)), dict(lr=0.0, weight_decay=0.2), dict(foreach=True)]
STEPS = 7


def gradients(shape, steps=STEPS, seed=0):
    """A start point and `steps` gradients of mixed magnitudes (small ones make eps1 and eps2 matter)."""
    rng = np.random.default_rng(seed)
    x0 = rng.standard_normal(shape) * 0.01
    return x0, [rng.standard_normal(shape) * 10.0 ** rng.integers(-4, 2) for _ in range(steps)]


def reference(x0, grads, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0, maximize=False,
              foreach=None):
    """The algorithm of torch.optim.Adafactor's documentation, in float64 numpy; returns x after every step."""
    x, (e1, e2), state, out = x0.copy(), eps, {}, []
    e1 = np.finfo(np.float64).eps if e1 is None else e1
    for t, g in enumerate(grads, 1):
        g = -g if maximize else g
        beta2 = 1 - t ** beta2_decay
        alpha = max(e2, np.sqrt(np.mean(x * x))) * min(lr, 1 / np.sqrt(t))
        x = x - lr * weight_decay * x
        if x.ndim > 1:
            r = state["r"] = beta2 * state.get("r", 0) + (1 - beta2) * np.mean(g * g, axis=-1, keepdims=True)
            c = state["c"] = beta2 * state.get("c", 0) + (1 - beta2) * np.mean(g * g, axis=-2, keepdims=True)
            v = r * c / np.maximum(np.mean(r, axis=-2, keepdims=True), e1)
        else:
            v = state["v"] = beta2 * state.get("v", 0) + (1 - beta2) * g * g
        u = g / np.maximum(np.sqrt(v), e1)
        x = x - alpha * u / max(1.0, np.sqrt(np.mean(u * u)) / d)
        out.append(x)
    return np.array(out), state


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "defaults")
def test_matches_the_documented_algorithm(shape, options):
    x0, grads = gradients(shape)
    ours, opt, p = trajectory(autograd, optim.Adafactor, x0, grads, **options)
    want, state = reference(x0, grads, **options)
    np.testing.assert_allclose(ours, want, rtol=1e-10, atol=1e-15)
    if len(shape) >= 2:
        np.testing.assert_allclose(opt.state[p]["row_var"].array, state["r"], rtol=1e-12, atol=1e-300)
        np.testing.assert_allclose(opt.state[p]["col_var"].array, state["c"], rtol=1e-12, atol=1e-300)
    else:
        np.testing.assert_allclose(opt.state[p]["variance"].array, state["v"], rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "defaults")
def test_matches_torch(shape, options):
    torch = pytest.importorskip("torch")
    x0, grads = gradients(shape)
    ours, opt, _ = trajectory(autograd, optim.Adafactor, x0, grads, **options)
    theirs, topt, _ = trajectory(torch, torch.optim.Adafactor, x0, grads, **options)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-15)
    ours32, _, _ = trajectory(autograd, optim.Adafactor, x0, grads, dtype="float32", **options)
    theirs32, _, _ = trajectory(torch, torch.optim.Adafactor, x0, grads, dtype="float32", **options)
    np.testing.assert_allclose(ours32, theirs32, rtol=1e-5, atol=1e-6 * np.abs(theirs32).max())
    sd, tsd = opt.state_dict(), topt.state_dict()
    assert sd["param_groups"] == tsd["param_groups"]
    assert set(sd["state"][0]) == set(tsd["state"][0])
    for key, value in tsd["state"][0].items():
        ours_value = sd["state"][0][key]
        assert ours_value.shape == tuple(value.shape) and str(ours_value.dtype) == str(value.dtype).split(".")[1], key
        np.testing.assert_allclose(ours_value.numpy(), value.numpy(), rtol=1e-10, atol=1e-300)


def test_factored_state_shapes_for_every_rank():
    for shape, keys in [((), {"variance": ()}), ((5,), {"variance": (5,)}), ((3, 4), {"row_var": (3, 1),
                        "col_var": (1, 4)}), ((2, 3, 4), {"row_var": (2, 3, 1), "col_var": (2, 1, 4)})]:
        _, opt, p = trajectory(autograd, optim.Adafactor, *gradients(shape, steps=1), dtype="float32")
        state = opt.state[p]
        assert {k: v.shape for k, v in state.items() if k != "step"} == keys
        assert state["step"].shape == () and float(state["step"]) == 1.0 and state["step"].dtype == autograd.float32
        assert all(v.dtype == autograd.float32 for k, v in state.items() if k != "step")


def test_lr_per_param_group_and_a_schedule_match_torch():
    torch = pytest.importorskip("torch")
    x0a, ga = gradients((3, 4), seed=1)
    x0b, gb = gradients((4,), seed=2)
    results = []
    for T, O, S in [(autograd, optim.Adafactor, optim.lr_scheduler), (torch, torch.optim.Adafactor,
                                                                      torch.optim.lr_scheduler)]:
        a = T.tensor(x0a, requires_grad=True)
        b = T.tensor(x0b, requires_grad=True)
        opt = O([{"params": [a], "lr": 0.2}, {"params": [b], "weight_decay": 0.05}], lr=0.05, maximize=True)
        sched = S.StepLR(opt, step_size=2, gamma=0.5)
        out = []
        for i in range(STEPS):
            a.grad, b.grad = T.tensor(ga[i]), T.tensor(gb[i])
            opt.step()
            sched.step()
            out.append(np.concatenate([a.detach().numpy().ravel(), b.detach().numpy().ravel()]))
        results.append(np.array(out))
    np.testing.assert_allclose(results[0], results[1], rtol=1e-10, atol=1e-15)


def test_state_dicts_load_both_ways_with_torch():
    torch = pytest.importorskip("torch")
    x0, grads = gradients((3, 4), steps=6, seed=4)
    check_state_dict_round_trip(torch, optim.Adafactor, torch.optim.Adafactor, x0, grads, rtol=1e-10, lr=0.1)


def test_signature_and_defaults_match_torch():
    torch = pytest.importorskip("torch")
    check_signature(optim.Adafactor, torch.optim.Adafactor)


def test_params_without_grad_are_left_alone_and_get_no_state():
    p, q = autograd.ones(3, requires_grad=True), autograd.ones(2, 2, requires_grad=True)
    opt = optim.Adafactor([p, q])
    p.grad = autograd.ones(3)
    opt.step()
    np.testing.assert_array_equal(q.array, np.ones((2, 2)))
    assert q not in opt.state and set(opt.state[p]) == {"step", "variance"}


def test_a_tensor_lr_is_read_at_each_step():
    x0, grads = gradients((3, 2), steps=3)
    with_float, _, _ = trajectory(autograd, optim.Adafactor, x0, grads, lr=0.2)
    lr = autograd.tensor(0.2, dtype=autograd.float64)
    with_tensor, _, _ = trajectory(autograd, optim.Adafactor, x0, grads, lr=lr)
    np.testing.assert_array_equal(with_float, with_tensor)


BAD = [(dict(lr=-1.0), ValueError, "Invalid learning rate: -1.0"),
       (dict(beta2_decay=0.1), ValueError, "beta2_decay should be <= 0 but is: 0.1"),
       (dict(eps=(-1.0, 1e-3)), ValueError, "epsilon1 should be >= 0 but is: -1.0"),
       (dict(eps=(None, -1e-3)), ValueError, "epsilon2 should be >= 0 but is: -0.001"),
       (dict(eps=1e-3), TypeError, "eps must be a pair"),
       (dict(d=0.5), ValueError, "Clipping threshold d should be >= 1 but is: 0.5"),
       (dict(weight_decay=-0.1), ValueError, "Invalid weight_decay value: -0.1"),
       (dict(lr=autograd.tensor([0.1, 0.2])), ValueError, "Tensor lr must be 1-element")]


@pytest.mark.parametrize("options, error, message", BAD, ids=lambda v: str(v)[:30])
def test_bad_options_raise_as_torch_does(options, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(")):
        optim.Adafactor([autograd.ones(2, requires_grad=True)], **options)
    torch = pytest.importorskip("torch")
    topts = {k: torch.tensor(v.numpy()) if isinstance(v, autograd.Tensor) else v for k, v in options.items()}
    with pytest.raises(error):
        torch.optim.Adafactor([torch.ones(2, requires_grad=True)], **topts)


@pytest.mark.parametrize("flag", ["capturable", "differentiable", "fused"])
def test_flags_torch_does_not_take_are_refused(flag):
    with pytest.raises(TypeError, match=flag):
        optim.Adafactor([autograd.ones(2, requires_grad=True)], **{flag: False})


def test_complex_parameters_are_refused_before_any_update():
    p = autograd.ones(2, 2, requires_grad=True)
    z = autograd.tensor(np.ones(3, dtype=np.complex64), requires_grad=True)
    opt = optim.Adafactor([p, z])
    p.grad, z.grad = autograd.ones(2, 2), autograd.ones_like(z)
    with pytest.raises(RuntimeError, match="Adafactor does not support complex parameters"):
        opt.step()
    np.testing.assert_array_equal(p.array, np.ones((2, 2)))
    assert len(opt.state) == 0


@pytest.mark.parametrize("shape", [(4,), (3, 5)], ids=str)
def test_same_steps_on_every_device(shape, device):
    x0, grads = gradients(shape, steps=4)
    p = autograd.tensor(x0.astype(np.float32), device=device, requires_grad=True)
    opt = optim.Adafactor([p], lr=0.1, weight_decay=0.01)
    for g in grads:
        p.grad = autograd.tensor(g.astype(np.float32), device=device)
        opt.step()
    cpu, _, _ = trajectory(autograd, optim.Adafactor, x0, grads, dtype="float32", lr=0.1, weight_decay=0.01)
    np.testing.assert_allclose(p.detach().cpu().numpy(), cpu[-1], rtol=1e-6, atol=1e-7)
    for key, value in opt.state[p].items():
        assert value.device == (autograd.device("cpu") if key == "step" else p.device), key


def test_default_eps1_is_the_parameter_dtypes_machine_epsilon():
    x0, grads = gradients((3, 4))
    grads = [g * 1e-9 for g in grads]  # sqrt of the second moment below float32's eps: eps1 takes over
    ours, _, _ = trajectory(autograd, optim.Adafactor, x0, grads, dtype="float32")
    want, _ = reference(x0, grads, eps=(float(np.finfo(np.float32).eps), 1e-3))
    np.testing.assert_allclose(ours, want, rtol=1e-5)
    assert not np.allclose(want, reference(x0, grads)[0], rtol=1e-3)  # float64's eps would differ
    torch = pytest.importorskip("torch")
    theirs, _, _ = trajectory(torch, torch.optim.Adafactor, x0, grads, dtype="float32")
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)


def test_closure_loss_is_returned():
    x0, grads = gradients((3, 4), steps=1)
    w = autograd.tensor(x0, requires_grad=True)
    opt = optim.Adafactor([w], lr=0.2)

    def closure():
        opt.zero_grad()
        loss = (w * autograd.tensor(grads[0])).sum()  # gradient grads[0]
        loss.backward()
        return loss

    assert float(opt.step(closure)) == pytest.approx(float((x0 * grads[0]).sum()))
    np.testing.assert_allclose(w.array, reference(x0, grads, lr=0.2)[0][0], rtol=1e-12)
