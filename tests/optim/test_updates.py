"""Each optimizer against its published update rule written out in numpy, on a small quadratic, over several steps."""
import itertools
import math

import numpy as np
import pytest

import autograd
import optim

# f(x) = 0.5 x^T H x - c^T x, gradient H x - c; H symmetric positive definite
RNG = np.random.default_rng(1234)
_M = RNG.standard_normal((4, 4))
H = _M @ _M.T / 4 + np.eye(4)
C = RNG.standard_normal(4)
X0 = RNG.standard_normal(4)
STEPS = 8


def grad_np(x):
    return H @ x - C


def run_ours(cls, options, steps=STEPS, dtype=np.float64):
    """Steps of `cls` on the quadratic, gradients from autograd; returns the parameter after every step."""
    x = autograd.tensor(X0.astype(dtype), requires_grad=True)
    Ht, Ct = autograd.tensor(H.astype(dtype)), autograd.tensor(C.astype(dtype))
    opt = cls([x], **options)
    out = []
    for _ in range(steps):
        opt.zero_grad()
        loss = 0.5 * (x * (Ht @ x)).sum() - (Ct * x).sum()
        loss.backward()
        opt.step()
        out.append(x.array.astype(np.float64))
    return np.array(out)


def run_reference(update, options, steps=STEPS):
    """The same steps with a numpy reference update(x, g, state, t, **options) -> new x."""
    x, state, out = X0.copy(), {}, []
    for t in range(1, steps + 1):
        x = update(x.copy(), grad_np(x), state, t, **options)
        out.append(x)
    return np.array(out)


def l2(g, x, weight_decay, maximize):
    g = -g if maximize else g
    return g + weight_decay * x


# --------------------------------------------------------------------- reference rules (PyTorch docs pseudocode)
def sgd_ref(x, g, s, t, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, maximize=False):
    g = l2(g, x, weight_decay, maximize)
    if momentum:
        s["b"] = g.copy() if t == 1 else momentum * s["b"] + (1 - dampening) * g
        g = g + momentum * s["b"] if nesterov else s["b"]
    return x - lr * g


def adam_ref(x, g, s, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, maximize=False,
             decoupled_weight_decay=False):
    b1, b2 = betas
    g = -g if maximize else g
    if decoupled_weight_decay:
        x = x * (1 - lr * weight_decay)
    else:
        g = g + weight_decay * x
    m = s["m"] = b1 * s.get("m", 0) + (1 - b1) * g
    v = s["v"] = b2 * s.get("v", 0) + (1 - b2) * g * g
    m_hat = m / (1 - b1 ** t)
    if amsgrad:
        s["vmax"] = np.maximum(s.get("vmax", 0), v)
        v = s["vmax"]
    v_hat = v / (1 - b2 ** t)
    return x - lr * m_hat / (np.sqrt(v_hat) + eps)


def adamw_ref(x, g, s, t, weight_decay=1e-2, **kw):
    return adam_ref(x, g, s, t, weight_decay=weight_decay, decoupled_weight_decay=True, **kw)


def adamax_ref(x, g, s, t, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, maximize=False):
    b1, b2 = betas
    g = l2(g, x, weight_decay, maximize)
    m = s["m"] = b1 * s.get("m", 0) + (1 - b1) * g
    u = s["u"] = np.maximum(b2 * s.get("u", 0), np.abs(g) + eps)
    return x - lr / (1 - b1 ** t) * m / u


def nadam_ref(x, g, s, t, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
              decoupled_weight_decay=False, maximize=False):
    b1, b2 = betas
    g = -g if maximize else g
    if decoupled_weight_decay:
        x = x * (1 - lr * weight_decay)
    else:
        g = g + weight_decay * x
    mu = b1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
    mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
    # the running product of the mu's is kept as a float32 scalar (as PyTorch keeps it), whatever the param dtype
    prod = s["prod"] = float(np.float32(s.get("prod", 1.0)) * np.float32(mu))
    m = s["m"] = b1 * s.get("m", 0) + (1 - b1) * g
    v = s["v"] = b2 * s.get("v", 0) + (1 - b2) * g * g
    m_hat = mu_next * m / (1 - prod * mu_next) + (1 - mu) * g / (1 - prod)
    v_hat = v / (1 - b2 ** t)
    return x - lr * m_hat / (np.sqrt(v_hat) + eps)


def radam_ref(x, g, s, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
              maximize=False):
    b1, b2 = betas
    g = -g if maximize else g
    if decoupled_weight_decay:
        x = x * (1 - lr * weight_decay)
    else:
        g = g + weight_decay * x
    m = s["m"] = b1 * s.get("m", 0) + (1 - b1) * g
    v = s["v"] = b2 * s.get("v", 0) + (1 - b2) * g * g
    m_hat = m / (1 - b1 ** t)
    rho_inf = 2 / (1 - b2) - 1
    rho_t = rho_inf - 2 * t * b2 ** t / (1 - b2 ** t)
    if rho_t > 5:
        l_t = math.sqrt(1 - b2 ** t) / (np.sqrt(v) + eps)
        r_t = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
        return x - lr * m_hat * l_t * r_t
    return x - lr * m_hat


def rmsprop_ref(x, g, s, t, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                maximize=False):
    g = l2(g, x, weight_decay, maximize)
    v = s["v"] = alpha * s.get("v", 0) + (1 - alpha) * g * g
    v_tilde = v
    if centered:
        gbar = s["gbar"] = alpha * s.get("gbar", 0) + (1 - alpha) * g
        v_tilde = v - gbar * gbar
    if momentum > 0:
        b = s["b"] = momentum * s.get("b", 0) + g / (np.sqrt(v_tilde) + eps)
        return x - lr * b
    return x - lr * g / (np.sqrt(v_tilde) + eps)


def adagrad_ref(x, g, s, t, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                maximize=False):
    g = l2(g, x, weight_decay, maximize)
    lr_t = lr / (1 + (t - 1) * lr_decay)
    acc = s["sum"] = s.get("sum", initial_accumulator_value) + g * g
    return x - lr_t * g / (np.sqrt(acc) + eps)


def adadelta_ref(x, g, s, t, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, maximize=False):
    g = l2(g, x, weight_decay, maximize)
    v = s["v"] = rho * s.get("v", 0) + (1 - rho) * g * g
    dx = np.sqrt(s.get("u", 0) + eps) / np.sqrt(v + eps) * g
    s["u"] = rho * s.get("u", 0) + (1 - rho) * dx * dx
    return x - lr * dx


def rprop_ref(x, g, s, t, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), maximize=False):
    g = -g if maximize else g
    agree = np.sign(g * s.get("prev", 0 * x))
    factor = np.where(agree > 0, etas[1], np.where(agree < 0, etas[0], 1.0))
    size = s["size"] = np.clip(s.get("size", np.full_like(x, lr)) * factor, *step_sizes)
    g = np.where(agree < 0, 0.0, g)
    s["prev"] = g
    return x - np.sign(g) * size


def asgd_ref(x, g, s, t, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, maximize=False):
    g = l2(g, x, weight_decay, maximize)
    eta = s.get("eta", float(np.float32(lr)))  # PyTorch keeps eta in a float32 0-d tensor
    x = x * (1 - lambd * eta) - eta * g
    s["eta"] = float(np.float32(lr / (1 + lambd * lr * t) ** alpha))
    return x


def grid(**axes):
    """Every combination of the given option values, as dicts."""
    keys = list(axes)
    return [dict(zip(keys, values)) for values in itertools.product(*axes.values())]


CASES = {
    "SGD": (optim.SGD, sgd_ref,
            [dict(lr=0.05)]
            + grid(lr=[0.05], momentum=[0.9], dampening=[0.0, 0.3], weight_decay=[0.0, 0.1], maximize=[False, True])
            + grid(lr=[0.05], momentum=[0.5], nesterov=[True], weight_decay=[0.0, 0.1])),
    "Adam": (optim.Adam, adam_ref,
             [dict()] + grid(lr=[0.1], amsgrad=[False, True], weight_decay=[0.0, 0.1], maximize=[False, True],
                             decoupled_weight_decay=[False, True])),
    "AdamW": (optim.AdamW, adamw_ref, [dict()] + grid(lr=[0.1], amsgrad=[False, True], maximize=[False, True],
                                                     weight_decay=[0.0, 0.3], betas=[(0.8, 0.9)])),
    "Adamax": (optim.Adamax, adamax_ref, [dict()] + grid(lr=[0.1], weight_decay=[0.0, 0.1], maximize=[False, True])),
    "NAdam": (optim.NAdam, nadam_ref,
              [dict()] + grid(lr=[0.1], weight_decay=[0.0, 0.1], decoupled_weight_decay=[False, True],
                              maximize=[False, True], momentum_decay=[4e-3, 0.1])),
    "RAdam": (optim.RAdam, radam_ref,
              [dict()] + grid(lr=[0.1], weight_decay=[0.0, 0.1], decoupled_weight_decay=[False, True],
                              maximize=[False, True], betas=[(0.9, 0.999), (0.9, 0.5), (0.8, 0.9)])),
    "RMSprop": (optim.RMSprop, rmsprop_ref,
                [dict()] + grid(lr=[0.01], centered=[False, True], momentum=[0.0, 0.5], weight_decay=[0.0, 0.1],
                                maximize=[False, True], alpha=[0.9])),
    "Adagrad": (optim.Adagrad, adagrad_ref,
                [dict()] + grid(lr=[0.1], lr_decay=[0.0, 0.1], weight_decay=[0.0, 0.1],
                                initial_accumulator_value=[0.0, 0.5], maximize=[False, True])),
    "Adadelta": (optim.Adadelta, adadelta_ref,
                 [dict()] + grid(lr=[0.5], rho=[0.9, 0.5], weight_decay=[0.0, 0.1], maximize=[False, True],
                                 eps=[1e-6, 1e-3])),
    "Rprop": (optim.Rprop, rprop_ref,
              [dict()] + grid(lr=[0.05], etas=[(0.5, 1.2), (0.3, 1.5)], step_sizes=[(1e-6, 50), (1e-3, 0.08)],
                              maximize=[False, True])),
    "ASGD": (optim.ASGD, asgd_ref,
             [dict()] + grid(lr=[0.05], lambd=[1e-4, 0.1], alpha=[0.75, 0.5], weight_decay=[0.0, 0.1],
                             maximize=[False, True]) + grid(lr=[0.05], t0=[2.0, 5.0])),
}
PARAMS = [pytest.param(name, opts, id=f"{name}-{i}") for name, (_, _, options) in CASES.items()
          for i, opts in enumerate(options)]


@pytest.mark.parametrize("name, options", PARAMS)
def test_matches_reference_float64(name, options):
    cls, ref, _ = CASES[name]
    steps = 12 if name == "RAdam" else STEPS  # RAdam switches to the rectified update after a few steps
    ours = run_ours(cls, options, steps)
    expected = run_reference(ref, options, steps)
    np.testing.assert_allclose(ours, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", list(CASES))
def test_matches_reference_float32(name):
    cls, ref, options = CASES[name]
    opts = options[-1]
    ours = run_ours(cls, opts, dtype=np.float32)
    expected = run_reference(ref, opts)
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-5)


def test_radam_exercises_both_branches():
    rho_inf = 2 / (1 - 0.999) - 1
    rho = [rho_inf - 2 * t * 0.999 ** t / (1 - 0.999 ** t) for t in range(1, 13)]
    assert min(rho) <= 5 < max(rho)


# --------------------------------------------------------------------- convergence
LSQ_A = RNG.standard_normal((30, 5))
LSQ_X = RNG.standard_normal(5)
LSQ_B = LSQ_A @ LSQ_X + 0.01 * RNG.standard_normal(30)
LSQ_SOL = np.linalg.lstsq(LSQ_A, LSQ_B, rcond=None)[0]
LSQ_MIN = 0.5 * np.mean((LSQ_A @ LSQ_SOL - LSQ_B) ** 2)


@pytest.mark.parametrize("cls, options, steps", [
    (optim.SGD, dict(lr=0.1), 400),
    (optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True), 300),
    (optim.Adam, dict(lr=0.05), 600),
    (optim.AdamW, dict(lr=0.05, weight_decay=0.0), 600),
    (optim.Adam, dict(lr=0.05, amsgrad=True), 600),
    (optim.Adamax, dict(lr=0.05), 800),
    (optim.NAdam, dict(lr=0.05), 600),
    (optim.RAdam, dict(lr=0.05), 800),
    (optim.RMSprop, dict(lr=0.001, momentum=0.9), 1000),
    (optim.RMSprop, dict(lr=0.005, centered=True, momentum=0.5), 800),
    (optim.Adagrad, dict(lr=0.5), 800),
    (optim.Adadelta, dict(lr=1.0), 800),
], ids=lambda v: v.__name__ if isinstance(v, type) else None)
def test_converges_on_least_squares(cls, options, steps):
    w = autograd.zeros(5, dtype=autograd.float64, requires_grad=True)
    A, b = autograd.tensor(LSQ_A), autograd.tensor(LSQ_B)
    opt = cls([w], **options)
    for _ in range(steps):
        opt.zero_grad()
        r = A @ w - b
        loss = 0.5 * (r * r).mean()
        loss.backward()
        opt.step()
    np.testing.assert_allclose(w.array, LSQ_SOL, atol=1e-6)


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_converges_on_least_squares(line_search_fn):
    w = autograd.zeros(5, dtype=autograd.float64, requires_grad=True)
    A, b = autograd.tensor(LSQ_A), autograd.tensor(LSQ_B)
    opt = optim.LBFGS([w], lr=1, max_iter=50, tolerance_change=1e-15, line_search_fn=line_search_fn)

    def closure():
        opt.zero_grad()
        r = A @ w - b
        loss = 0.5 * (r * r).mean()
        loss.backward()
        return loss

    for _ in range(3):
        loss = opt.step(closure)
    assert isinstance(loss, autograd.Tensor)
    np.testing.assert_allclose(w.array, LSQ_SOL, atol=1e-6)


# --------------------------------------------------------------------- L-BFGS against the two-loop recursion
def lbfgs_ref(x, f_grad, n_iter, lr, history_size):
    """Fixed-step L-BFGS (no line search): first step scaled by min(1, 1/|g|_1), then x += lr * d, d = -H g."""
    s_hist, y_hist = [], []
    g = f_grad(x)
    d, gamma = -g, 1.0
    for k in range(n_iter):
        if k > 0:
            y, s = g - g_prev, d * t
            if y @ s > 1e-10:
                if len(s_hist) == history_size:
                    s_hist.pop(0), y_hist.pop(0)
                s_hist.append(s), y_hist.append(y)
                gamma = (y @ s) / (y @ y)
            q, alphas = -g, []
            for s_i, y_i in reversed(list(zip(s_hist, y_hist))):
                a = (s_i @ q) / (y_i @ s_i)
                alphas.append(a)
                q = q - a * y_i
            r = gamma * q
            for (s_i, y_i), a in zip(zip(s_hist, y_hist), reversed(alphas)):
                r = r + s_i * (a - (y_i @ r) / (y_i @ s_i))
            d = r
        g_prev = g
        t = min(1.0, 1.0 / np.abs(g).sum()) * lr if k == 0 else lr
        x = x + t * d
        g = f_grad(x)
    return x


@pytest.mark.parametrize("history_size", [2, 10])
def test_lbfgs_matches_two_loop_recursion(history_size):
    x = autograd.tensor(X0, requires_grad=True)
    Ht, Ct = autograd.tensor(H), autograd.tensor(C)
    opt = optim.LBFGS([x], lr=0.3, max_iter=6, history_size=history_size, tolerance_change=0, tolerance_grad=0)

    def closure():
        opt.zero_grad()
        loss = 0.5 * (x * (Ht @ x)).sum() - (Ct * x).sum()
        loss.backward()
        return loss

    opt.step(closure)
    expected = lbfgs_ref(X0.copy(), grad_np, 6, 0.3, history_size)
    np.testing.assert_allclose(x.array, expected, rtol=1e-10, atol=1e-12)
    state = opt.state[x]
    assert state["n_iter"] == 6 and state["func_evals"] == 6
    assert len(state["old_dirs"]) == min(5, history_size)
    assert all(isinstance(v, autograd.Tensor) for v in state["old_dirs"] + state["old_stps"])


def test_lbfgs_stops_at_optimum():
    x = autograd.tensor(np.linalg.solve(H, C), requires_grad=True)
    Ht, Ct = autograd.tensor(H), autograd.tensor(C)
    opt = optim.LBFGS([x])
    calls = []

    def closure():
        calls.append(1)
        opt.zero_grad()
        loss = 0.5 * (x * (Ht @ x)).sum() - (Ct * x).sum()
        loss.backward()
        return loss

    opt.step(closure)
    assert len(calls) == 1
