"""Distributions on every device: samples, log-densities and gradients stay on the parameters' device."""
import numpy as np
import pytest

import autograd as ag
from autograd import distributions as D


def _on(device, x):
    return ag.tensor(np.asarray(x, dtype=np.float32), device=device)


MAKERS = {
    "Normal": lambda dv: D.Normal(_on(dv, [0.0, 1.0]), _on(dv, [1.0, 2.0])),
    "Uniform": lambda dv: D.Uniform(_on(dv, [0.0, 1.0]), _on(dv, [1.0, 2.0])),
    "Exponential": lambda dv: D.Exponential(_on(dv, [0.5, 2.0])),
    "Laplace": lambda dv: D.Laplace(_on(dv, [0.0, 1.0]), _on(dv, [1.0, 2.0])),
    "Gamma": lambda dv: D.Gamma(_on(dv, [0.5, 2.0]), _on(dv, [1.0, 2.0])),
    "Beta": lambda dv: D.Beta(_on(dv, [0.5, 2.0]), _on(dv, [1.0, 2.0])),
    "Dirichlet": lambda dv: D.Dirichlet(_on(dv, [0.5, 2.0, 1.0])),
    "Bernoulli": lambda dv: D.Bernoulli(probs=_on(dv, [0.2, 0.7])),
    "Categorical": lambda dv: D.Categorical(logits=_on(dv, [[0.2, 0.7, -1.0]])),
    "Poisson": lambda dv: D.Poisson(_on(dv, [0.5, 4.0])),
    "Binomial": lambda dv: D.Binomial(_on(dv, [3.0, 10.0]), _on(dv, [0.2, 0.7])),
    "Multinomial": lambda dv: D.Multinomial(4, probs=_on(dv, [0.2, 0.3, 0.5])),
    "MultivariateNormal": lambda dv: D.MultivariateNormal(_on(dv, [0.0, 1.0]), _on(dv, [[2.0, 0.3], [0.3, 1.0]])),
    "LogNormal": lambda dv: D.LogNormal(_on(dv, [0.0, 1.0]), _on(dv, [1.0, 0.5])),
    "RelaxedBernoulli": lambda dv: D.RelaxedBernoulli(_on(dv, 0.5), probs=_on(dv, [0.2, 0.7])),
    "Cauchy": lambda dv: D.Cauchy(_on(dv, [0.0, 1.0]), _on(dv, [1.0, 2.0])),
    "HalfNormal": lambda dv: D.HalfNormal(_on(dv, [1.0, 2.0])),
    "StudentT": lambda dv: D.StudentT(_on(dv, [1.5, 4.0]), _on(dv, [0.0, 1.0]), _on(dv, [1.0, 2.0])),
    "Gumbel": lambda dv: D.Gumbel(_on(dv, [0.0, 1.0]), _on(dv, [1.0, 2.0])),
    "Weibull": lambda dv: D.Weibull(_on(dv, [1.0, 2.0]), _on(dv, [0.7, 3.0])),
    "Pareto": lambda dv: D.Pareto(_on(dv, [1.0, 2.0]), _on(dv, [0.7, 3.0])),
    "Chi2": lambda dv: D.Chi2(_on(dv, [1.0, 3.0])),
    "Geometric": lambda dv: D.Geometric(_on(dv, [0.2, 0.7])),
    "NegativeBinomial": lambda dv: D.NegativeBinomial(_on(dv, [2.0, 5.0]), _on(dv, [0.2, 0.7])),
}


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_sample_and_log_prob_stay_on_the_device(device, name):
    ag.manual_seed(0)
    d = MAKERS[name](device)
    s = d.sample((3,))
    assert s.device.type == ag.device(device).type
    assert s.shape == (3,) + tuple(d.batch_shape) + tuple(d.event_shape)
    lp = d.log_prob(s)
    assert lp.device.type == ag.device(device).type and lp.shape == (3,) + tuple(d.batch_shape)
    assert np.isfinite(lp.cpu().numpy()).all()


GRAD_MAKERS = {
    "Normal": (lambda a, b: D.Normal(a, b), [[0.0, 1.0], [1.0, 2.0]]),
    "Gamma": (lambda a, b: D.Gamma(a, b), [[0.5, 2.0], [1.0, 2.0]]),
    "Beta": (lambda a, b: D.Beta(a, b), [[0.5, 2.0], [1.0, 2.0]]),
    "Dirichlet": (lambda a: D.Dirichlet(a), [[0.5, 2.0, 1.0]]),
    "MultivariateNormal": (lambda a, b: D.MultivariateNormal(a, scale_tril=b), [[0.0, 1.0], [[1.0, 0.0],
                                                                                             [0.3, 2.0]]]),
}


@pytest.mark.parametrize("name", sorted(GRAD_MAKERS))
def test_rsample_gradients_on_the_device(device, name):
    make, values = GRAD_MAKERS[name]
    leaves = [_on(device, v).requires_grad_() for v in values]
    ag.manual_seed(0)
    grads = ag.grad(make(*leaves).rsample((4,)).sum(), leaves)
    for g in grads:
        assert g.device.type == ag.device(device).type and np.isfinite(g.cpu().numpy()).all()


def test_binomial_sampler(device):
    ag.manual_seed(0)
    n, p = _on(device, [0.0, 5.0, 40.0]), _on(device, [0.3, 1.0, 0.25])
    s = ag.binomial(n.expand(20000, 3), p.expand(20000, 3))
    assert s.device.type == ag.device(device).type and s.dtype == ag.float32
    v = s.cpu().numpy()
    assert v[:, 0].max() == 0 and (v[:, 1] == 5).all()
    np.testing.assert_allclose(v[:, 2].mean(), 10.0, atol=0.15)
    np.testing.assert_allclose(v[:, 2].var(), 7.5, rtol=0.06)


def test_binomial_sampler_errors():
    with pytest.raises(RuntimeError, match="binomial: count and prob must be floating tensors"):
        ag.binomial(ag.tensor([3]), ag.tensor([0.5]))
    with pytest.raises(TypeError, match="binomial: argument 'prob' must be a Tensor"):
        ag.binomial(ag.tensor([3.0]), 0.5)
    with pytest.raises(RuntimeError, match=r"binomial: count of shape \(2,\) and prob of shape \(3,\) cannot be"):
        ag.binomial(ag.ones(2), ag.ones(3))
