"""Optimizers on every device: the same steps on "cuda" (a GPU, or the cupy stand-in in CI) as on the CPU."""
import numpy as np
import pytest

import autograd
import optim

from .test_optimizer import ALL, RICH

RNG = np.random.default_rng(11)
W0 = RNG.standard_normal((3, 2)).astype(np.float32)
XS = RNG.standard_normal((6, 3)).astype(np.float32)
YS = RNG.standard_normal((6, 2)).astype(np.float32)


def run(cls, options, device, steps=4):
    w = autograd.tensor(W0, device=device, requires_grad=True)
    frozen = autograd.ones(2, device=device, requires_grad=True)  # never gets a gradient
    x, y = autograd.tensor(XS, device=device), autograd.tensor(YS, device=device)
    opt = cls([w, frozen], **options)

    def closure():
        opt.zero_grad()
        r = x @ w - y
        loss = (r * r).mean()
        loss.backward()
        return loss

    for _ in range(steps):
        opt.step(closure)
    return w, opt


@pytest.mark.parametrize("cls", ALL + [optim.LBFGS], ids=lambda c: c.__name__)
def test_same_steps_on_every_device(cls, device):
    options = dict(line_search_fn="strong_wolfe", max_iter=4) if cls is optim.LBFGS else RICH[cls]
    w, opt = run(cls, options, device)
    w_cpu, _ = run(cls, options, "cpu")
    assert w.device == autograd.device(device)
    np.testing.assert_allclose(w.detach().cpu().numpy(), w_cpu.detach().numpy(), rtol=1e-5, atol=1e-6)
    for key, value in opt.state[w].items():
        if isinstance(value, autograd.Tensor) and value.ndim > 0:
            assert value.device == w.device, key
        if key in ("step", "mu_product"):
            assert value.device == autograd.device("cpu"), key  # scalar counters stay on the host, as in PyTorch


@pytest.mark.parametrize("cls", [optim.Adam, optim.SGD, optim.RMSprop], ids=lambda c: c.__name__)
def test_load_state_dict_moves_state_to_the_parameters_device(cls, device):
    _, opt = run(cls, RICH[cls], "cpu")
    w2, opt2 = run(cls, RICH[cls], device, steps=0)
    opt2.load_state_dict(opt.state_dict())
    for key, value in opt2.state[w2].items():
        if key != "step":
            assert value.device == w2.device, key
    opt2.zero_grad()
    w2.grad = autograd.ones_like(w2)
    opt2.step()
