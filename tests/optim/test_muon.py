"""optim.Muon: its bfloat16 Newton-Schulz iteration and rounding helpers, and step for step against torch.optim.Muon."""
from fractions import Fraction

import numpy as np
import pytest

import autograd
import optim
from tests.optim.stepping import check_signature, check_state_dict_round_trip, trajectory
from optim.muon import _bf16, _fma, adjusted_lr, newton_schulz

COEFS = (3.4445, -4.775, 2.0315)
SHAPES = [(3, 4), (5, 2), (6, 6), (1, 5), (7, 3)]
OPTIONS = [dict(), dict(lr=0.05, nesterov=False), dict(momentum=0.0, weight_decay=0.0), dict(lr=0.1, momentum=0.5),
           dict(adjust_lr_fn="original", ns_steps=3), dict(adjust_lr_fn="match_rms_adamw", lr=0.02),
           dict(ns_coefficients=(2.0, -1.5, 0.5), eps=1e-3, ns_steps=0), dict(weight_decay=0.5, lr=0.2)]
STEPS = 6


def gradients(shape, steps=STEPS, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(shape), [rng.standard_normal(shape) * 10.0 ** rng.integers(-2, 2) for _ in range(steps)]


# ----------------------------------------------------------------------------- the numerical building blocks
def test_bf16_rounding_matches_ml_dtypes():
    ml_dtypes = pytest.importorskip("ml_dtypes")
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.standard_normal(20000), rng.standard_normal(2000) * 1e-40, [0.0, -0.0, np.inf, -np.inf,
                        np.nan, 3.4e38, -3.4e38, 1e-45]]).astype(np.float32)
    ties = (rng.integers(0, 2 ** 15, 4000).astype(np.uint32) << 16 | np.uint32(0x8000)).view(np.float32)
    x = np.concatenate([x, ties[np.isfinite(ties)]])
    want = x.astype(ml_dtypes.bfloat16).astype(np.float32)
    np.testing.assert_array_equal(_bf16(np, x), want)  # NaN == NaN for assert_array_equal


def test_fma_is_correctly_rounded():
    rng = np.random.default_rng(2)
    a = float(rng.standard_normal())
    b, c = rng.standard_normal(3000) * 10.0 ** rng.integers(-5, 5, 3000), rng.standard_normal(3000)
    got = _fma(np, a, b, c)
    want = np.array([float(Fraction(a) * Fraction(bi) + Fraction(ci)) for bi, ci in zip(b, c)])
    np.testing.assert_array_equal(got, want)
    assert np.count_nonzero(a * b + c != want) > 0  # the unfused formula rounds twice: the test can tell
    b32, c32 = b.astype(np.float32), c.astype(np.float32)
    want32 = np.array([np.float32(float(Fraction(float(np.float32(a))) * Fraction(float(bi)) + Fraction(float(ci))))
                       for bi, ci in zip(b32, c32)])
    np.testing.assert_array_equal(_fma(np, a, b32, c32), want32)


def ns_reference(g, coefficients, eps, steps):
    """Newton-Schulz in bfloat16 through ml_dtypes: every op in float32, each result cast to bfloat16; the two
    multiply-adds (b A + c A A, a X + B X) rounded once, as PyTorch's addmm does."""
    ml_dtypes = pytest.importorskip("ml_dtypes")

    def bf(v):
        return np.asarray(v, dtype=np.float32).astype(ml_dtypes.bfloat16).astype(np.float32)

    a, b, c = (np.float32(k) for k in coefficients)
    x = bf(g.astype(np.float32))
    x = bf(x / max(bf(np.sqrt(np.sum(x * x, dtype=np.float32))), bf(eps)))  # eps: a floor, in bfloat16
    tall = x.shape[0] > x.shape[1]
    x = x.T if tall else x
    for _ in range(steps):
        gram = bf(x @ x.T)
        poly = bf(float(b) * gram.astype(np.float64) + (c * (gram @ gram)).astype(np.float64))
        x = bf(float(a) * x.astype(np.float64) + (poly @ x).astype(np.float64))
    return x.T if tall else x


@pytest.mark.parametrize("shape", [(3, 4), (6, 2), (8, 8), (16, 24)], ids=str)
def test_newton_schulz_matches_a_bfloat16_reference_and_orthogonalises(shape):
    g = np.random.default_rng(3).standard_normal(shape)
    out = newton_schulz(g, COEFS, 1e-7, 5)
    assert out.dtype == np.float32 and out.shape == shape
    np.testing.assert_array_equal(out, ns_reference(g, COEFS, 1e-7, 5))
    s = np.linalg.svd(out.astype(np.float64), compute_uv=False)
    assert 0.6 < s.min() and s.max() < 1.25  # Keller's quintic maps every singular value near 1
    np.testing.assert_array_equal(newton_schulz(g, COEFS, 1e-7, 0), ns_reference(g, COEFS, 1e-7, 0))


def test_adjusted_lr_options():
    assert adjusted_lr(0.1, (8, 2), None) == adjusted_lr(0.1, (8, 2), "original") == pytest.approx(0.2)
    assert adjusted_lr(0.1, (2, 8), "original") == 0.1
    assert adjusted_lr(0.1, (2, 8), "match_rms_adamw") == pytest.approx(0.2 * 0.1 * np.sqrt(8))


# ----------------------------------------------------------------------------- the optimizer
def reference(x0, grads, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True, ns_coefficients=COEFS, eps=1e-7,
              ns_steps=5, adjust_lr_fn=None):
    """torch.optim.Muon's documented algorithm in float64 numpy (the momentum kept as PyTorch keeps it, an average:
    B = lerp(B, g, 1 - mu), the documented mu B + g scaled by 1 - mu) with the bfloat16 Newton-Schulz above."""
    x, buf, out = x0.copy(), np.zeros_like(x0), []
    rows, cols = x0.shape
    scale = 0.2 * np.sqrt(max(rows, cols)) if adjust_lr_fn == "match_rms_adamw" else np.sqrt(max(1, rows / cols))
    for g in grads:
        buf = momentum * buf + (1 - momentum) * g
        u = (1 - momentum) * g + momentum * buf if nesterov else buf
        o = ns_reference(u, ns_coefficients, eps, ns_steps)
        x = x * (1 - lr * weight_decay) - lr * scale * o
        out.append(x)
    return np.array(out), buf


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "defaults")
def test_matches_the_documented_algorithm(shape, options):
    x0, grads = gradients(shape)
    ours, opt, p = trajectory(autograd, optim.Muon, x0, grads, **options)
    want, buf = reference(x0, grads, **options)
    np.testing.assert_allclose(opt.state[p]["momentum_buffer"].array, buf, rtol=1e-12, atol=1e-15)
    # the float64 reference may round a bfloat16 value the other way now and then: allow one bfloat16 step per step
    lr = options.get("lr", 1e-3) * adjusted_lr(1.0, shape, options.get("adjust_lr_fn"))
    np.testing.assert_allclose(ours, want, rtol=0, atol=lr * 2.0 ** -7 * STEPS)
    assert np.mean(np.isclose(ours, want, rtol=1e-12, atol=0)) > 0.8


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "defaults")
def test_matches_torch(shape, options):
    torch = pytest.importorskip("torch")
    x0, grads = gradients(shape)
    ours, opt, _ = trajectory(autograd, optim.Muon, x0, grads, **options)
    theirs, topt, _ = trajectory(torch, torch.optim.Muon, x0, grads, **options)
    np.testing.assert_allclose(ours, theirs, rtol=1e-13, atol=1e-16)
    ours32, _, _ = trajectory(autograd, optim.Muon, x0, grads, dtype="float32", **options)
    theirs32, _, _ = trajectory(torch, torch.optim.Muon, x0, grads, dtype="float32", **options)
    np.testing.assert_allclose(ours32, theirs32, rtol=1e-6, atol=1e-7)
    sd, tsd = opt.state_dict(), topt.state_dict()
    assert sd["param_groups"] == tsd["param_groups"]
    assert set(sd["state"][0]) == set(tsd["state"][0]) == {"momentum_buffer"}
    buf, tbuf = sd["state"][0]["momentum_buffer"], tsd["state"][0]["momentum_buffer"]
    assert buf.shape == tuple(tbuf.shape) and buf.dtype == autograd.float64
    np.testing.assert_allclose(buf.numpy(), tbuf.numpy(), rtol=1e-13, atol=1e-16)


def test_lr_per_param_group_and_a_schedule_match_torch():
    torch = pytest.importorskip("torch")
    x0a, ga = gradients((4, 3), seed=1)
    x0b, gb = gradients((2, 5), seed=2)
    results = []
    for T, O, S in [(autograd, optim.Muon, optim.lr_scheduler), (torch, torch.optim.Muon, torch.optim.lr_scheduler)]:
        a, b = T.tensor(x0a, requires_grad=True), T.tensor(x0b, requires_grad=True)
        opt = O([{"params": [a], "lr": 0.05}, {"params": [b], "nesterov": False, "adjust_lr_fn": "match_rms_adamw"}],
                lr=0.02, weight_decay=0.01)
        sched = S.ExponentialLR(opt, gamma=0.7)
        out = []
        for i in range(STEPS):
            a.grad, b.grad = T.tensor(ga[i]), T.tensor(gb[i])
            opt.step()
            sched.step()
            out.append(np.concatenate([a.detach().numpy().ravel(), b.detach().numpy().ravel()]))
        results.append(np.array(out))
    np.testing.assert_allclose(results[0], results[1], rtol=1e-13, atol=1e-16)


def test_state_dicts_load_both_ways_with_torch():
    torch = pytest.importorskip("torch")
    x0, grads = gradients((3, 5), seed=4)
    check_state_dict_round_trip(torch, optim.Muon, torch.optim.Muon, x0, grads, rtol=1e-13, lr=0.05)


def test_signature_and_defaults_match_torch():
    torch = pytest.importorskip("torch")
    check_signature(optim.Muon, torch.optim.Muon)


def test_params_without_grad_are_left_alone_and_get_no_state():
    p, q = autograd.ones(2, 3, requires_grad=True), autograd.ones(2, 2, requires_grad=True)
    opt = optim.Muon([p, q])
    p.grad = autograd.ones(2, 3)
    opt.step()
    np.testing.assert_array_equal(q.array, np.ones((2, 2)))
    assert q not in opt.state and set(opt.state[p]) == {"momentum_buffer"}


def _two_d():
    return [autograd.ones(2, 3, requires_grad=True)]


BAD = [(dict(lr=-1.0), ValueError, "Invalid learning rate: -1.0"),
       (dict(weight_decay=-0.1), ValueError, "weight decay should be >= 0 but is: -0.1"),
       (dict(momentum=-0.5), ValueError, "momentum should be >= 0 but is: -0.5"),
       (dict(adjust_lr_fn="rms"), ValueError, "Adjust learning rate function rms is not supported"),
       (dict(ns_coefficients=(1.0, 2.0)), ValueError, "Coefficients must be a tuple of exactly 3 values"),
       (dict(ns_steps=100), ValueError, "Number of steps must be less than 100"),
       (dict(ns_steps=2.5), TypeError, "ns_steps must be an int"),
       (dict(lr=autograd.tensor([0.1, 0.2])), ValueError, "Tensor lr must be 1-element")]


@pytest.mark.parametrize("options, error, message", BAD, ids=lambda v: str(v)[:30])
def test_bad_options_raise_the_class_torch_raises(options, error, message):
    with pytest.raises(error, match=message):
        optim.Muon(_two_d(), **options)
    torch = pytest.importorskip("torch")
    topts = {k: torch.tensor(v.numpy()) if isinstance(v, autograd.Tensor) else v for k, v in options.items()}
    with pytest.raises(error):  # torch checks some of these only in step(): tapegrad refuses them up front
        p = torch.ones(2, 3, requires_grad=True)
        opt = torch.optim.Muon([p], **topts)
        p.grad = torch.ones(2, 3)
        opt.step()


@pytest.mark.parametrize("shape", [(3,), (2, 3, 4), ()], ids=str)
def test_only_2d_parameters_are_accepted(shape):
    with pytest.raises(ValueError, match=rf"Muon only supports 2D parameters .* size: \({', '.join(map(str, shape))}"):
        optim.Muon([autograd.ones(*shape, requires_grad=True)])
    opt = optim.Muon(_two_d())
    with pytest.raises(ValueError, match="Muon only supports 2D parameters"):
        opt.add_param_group({"params": [autograd.ones(*shape, requires_grad=True)]})
    assert len(opt.param_groups) == 1
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError):
        torch.optim.Muon([torch.ones(shape, requires_grad=True)])


@pytest.mark.parametrize("flag", ["foreach", "maximize", "capturable", "differentiable", "fused"])
def test_flags_torch_does_not_take_are_refused(flag):
    with pytest.raises(TypeError, match=flag):
        optim.Muon(_two_d(), **{flag: False})


def test_complex_parameters_are_refused_before_any_update():
    p = autograd.ones(2, 2, requires_grad=True)
    z = autograd.tensor(np.ones((3, 2), dtype=np.complex64), requires_grad=True)
    opt = optim.Muon([p, z])
    p.grad, z.grad = autograd.ones(2, 2), autograd.ones_like(z)
    with pytest.raises(RuntimeError, match="Muon does not support complex parameters"):
        opt.step()
    np.testing.assert_array_equal(p.array, np.ones((2, 2)))
    assert len(opt.state) == 0


@pytest.mark.parametrize("shape", [(4, 3), (2, 6)], ids=str)
def test_same_steps_on_every_device(shape, device):
    x0, grads = gradients(shape, steps=4)
    p = autograd.tensor(x0.astype(np.float32), device=device, requires_grad=True)
    opt = optim.Muon([p], lr=0.1)
    for g in grads:
        p.grad = autograd.tensor(g.astype(np.float32), device=device)
        opt.step()
    cpu, _, _ = trajectory(autograd, optim.Muon, x0, grads, dtype="float32", lr=0.1)
    np.testing.assert_allclose(p.detach().cpu().numpy(), cpu[-1], rtol=1e-6, atol=1e-7)
    assert opt.state[p]["momentum_buffer"].device == p.device


def test_closure_loss_is_returned_and_a_tensor_lr_is_read_at_each_step():
    x0, grads = gradients((3, 4), steps=3)
    with_float, _, _ = trajectory(autograd, optim.Muon, x0, grads, lr=0.2)
    with_tensor, _, _ = trajectory(autograd, optim.Muon, x0, grads, lr=autograd.tensor(0.2, dtype=autograd.float64))
    np.testing.assert_array_equal(with_float, with_tensor)
    w = autograd.tensor(x0, requires_grad=True)
    opt = optim.Muon([w], lr=0.2)

    def closure():
        opt.zero_grad()
        loss = (w * autograd.tensor(grads[0])).sum()  # gradient grads[0]
        loss.backward()
        return loss

    assert float(opt.step(closure)) == pytest.approx(float((x0 * grads[0]).sum()))
    np.testing.assert_array_equal(w.array, with_float[0])
