"""Sampling: shapes, seeded sample moments, and gradients of rsample (implicit gamma gradients included)."""
import numpy as np
import pytest
from scipy import special

import autograd as ag
from autograd import distributions as D
from autograd.distributions.gamma import standard_gamma


def t(x, requires_grad=False):
    return ag.tensor(np.asarray(x, dtype=np.float64), requires_grad=requires_grad)


N = 20000
MOMENT_CASES = {
    "Normal": lambda: D.Normal(t([0.0, 3.0]), t([1.0, 0.5])),
    "Uniform": lambda: D.Uniform(t([0.0, -1.0]), t([1.0, 3.0])),
    "Exponential": lambda: D.Exponential(t([0.5, 4.0])),
    "Laplace": lambda: D.Laplace(t([0.0, 1.0]), t([1.0, 0.5])),
    "Gamma": lambda: D.Gamma(t([0.3, 5.0]), t([1.0, 2.0])),
    "Beta": lambda: D.Beta(t([0.5, 4.0]), t([2.0, 3.0])),
    "LogNormal": lambda: D.LogNormal(t([0.0, 1.0]), t([0.5, 0.25])),
    "Poisson": lambda: D.Poisson(t([0.5, 30.0])),
    "Bernoulli": lambda: D.Bernoulli(probs=t([0.1, 0.7])),
    "Binomial": lambda: D.Binomial(t([5.0, 40.0]), t([0.3, 0.9])),
    "Dirichlet": lambda: D.Dirichlet(t([[0.5, 1.0, 2.0], [3.0, 3.0, 3.0]])),
    "Multinomial": lambda: D.Multinomial(7, probs=t([0.2, 0.3, 0.5])),
    "OneHotCategorical": lambda: D.OneHotCategorical(probs=t([0.2, 0.3, 0.5])),
    "MultivariateNormal": lambda: D.MultivariateNormal(t([1.0, -1.0]), t([[2.0, 0.5], [0.5, 1.0]])),
    "LowRankMultivariateNormal": lambda: D.LowRankMultivariateNormal(t([1.0, -1.0]), t([[1.0], [0.5]]),
                                                                     t([0.5, 0.2])),
    "MixtureSameFamily": lambda: D.MixtureSameFamily(D.Categorical(probs=t([0.3, 0.7])),
                                                     D.Normal(t([-2.0, 2.0]), t([0.5, 1.0]))),
}


@pytest.mark.parametrize("name", sorted(MOMENT_CASES))
def test_sample_moments_match_mean_and_variance(name):
    ag.manual_seed(0)
    d = MOMENT_CASES[name]()
    s = d.sample((N,))
    assert s.shape == (N,) + tuple(d.batch_shape) + tuple(d.event_shape)
    assert not s.requires_grad
    mean, var = d.mean.detach().numpy(), d.variance.detach().numpy()
    sd = np.sqrt(var)
    np.testing.assert_allclose(s.numpy().mean(0), mean, atol=float(5 * sd.max() / np.sqrt(N)) + 1e-12)
    np.testing.assert_allclose(s.numpy().var(0), var, rtol=0.1, atol=1e-3)
    if d.support is not None and not D.constraints.is_dependent(d.support):
        assert bool(d.support.check(s).all())


def test_categorical_sample_frequencies():
    ag.manual_seed(1)
    p = np.array([[0.2, 0.3, 0.5], [0.7, 0.2, 0.1]])
    s = D.Categorical(probs=t(p)).sample((N,))
    assert s.shape == (N, 2) and s.dtype == ag.int64
    freq = np.stack([(s.numpy() == k).mean(0) for k in range(3)], -1)
    np.testing.assert_allclose(freq, p, atol=0.02)


def test_sampling_is_seeded():
    d = D.Gamma(t([0.5, 2.0]), t([1.0, 1.0]))
    ag.manual_seed(3)
    a = d.sample((5,))
    ag.manual_seed(3)
    np.testing.assert_array_equal(a.numpy(), d.sample((5,)).numpy())


def _gamma_sample_grad_fd(alpha, seed, h=1e-6):
    ag.manual_seed(seed)
    lo = standard_gamma(t(alpha - h)).numpy()
    ag.manual_seed(seed)
    hi = standard_gamma(t(alpha + h)).numpy()
    return (hi - lo) / (2 * h)


@pytest.mark.parametrize("alpha", [[0.05, 0.3, 1.0], [2.5, 10.0, 200.0]])
def test_standard_gamma_gradient_is_the_implicit_one(alpha):
    a = t(alpha, requires_grad=True)
    ag.manual_seed(7)
    x = standard_gamma(a)
    (g,) = ag.grad(x.sum(), a)
    np.testing.assert_allclose(g.numpy(), _gamma_sample_grad_fd(np.asarray(alpha), 7), rtol=1e-5, atol=1e-10)
    # the implicit-function formula, dx/da = -(dP/da) / (dP/dx), checked with a scipy derivative of P in a
    xv, av = x.detach().numpy(), np.asarray(alpha)
    h = 1e-5 * av
    dp_da = (special.gammainc(av + h, xv) - special.gammainc(av - h, xv)) / (2 * h)
    pdf = np.exp((av - 1) * np.log(xv) - xv - special.gammaln(av))
    np.testing.assert_allclose(g.numpy(), -dp_da / pdf, rtol=1e-4)


def test_gamma_rsample_gradient_in_expectation():
    # E[X] = c / r: its gradients are 1 / r and -c / r ** 2; the mean of the pathwise gradients estimates them
    c, r = t([2.0], requires_grad=True), t([0.5], requires_grad=True)
    ag.manual_seed(11)
    x = D.Gamma(c, r).rsample((40000,))
    gc, gr = ag.grad(x.mean(), [c, r])
    np.testing.assert_allclose(gc.numpy(), [2.0], rtol=0.03)
    np.testing.assert_allclose(gr.numpy(), [-8.0], rtol=0.03)


def test_beta_and_dirichlet_rsample_gradients_in_expectation():
    a, b = t([2.0], requires_grad=True), t([3.0], requires_grad=True)
    ag.manual_seed(5)
    x = D.Beta(a, b).rsample((40000,))
    ga, gb = ag.grad(x.mean(), [a, b])  # d/da a/(a+b) = b/(a+b)^2 = 0.12, d/db = -a/(a+b)^2 = -0.08
    np.testing.assert_allclose([ga.item(), gb.item()], [0.12, -0.08], rtol=0.05)
    conc = t([1.0, 2.0, 3.0], requires_grad=True)
    ag.manual_seed(6)
    s = D.Dirichlet(conc).rsample((40000,))
    (g,) = ag.grad(s[:, 0].mean(), conc)  # d/dc_j c_0 / sum(c)
    np.testing.assert_allclose(g.numpy(), [5 / 36, -1 / 36, -1 / 36], atol=0.006)


RSAMPLE_CASES = {
    "Normal": (lambda p: D.Normal(p[0], p[1]), [[0.5, -1.0], [1.0, 2.0]]),
    "Uniform": (lambda p: D.Uniform(p[0], p[1]), [[0.0, -1.0], [1.0, 2.0]]),
    "Exponential": (lambda p: D.Exponential(p[0]), [[0.5, 3.0]]),
    "Laplace": (lambda p: D.Laplace(p[0], p[1]), [[0.5, -1.0], [1.0, 2.0]]),
    "LogNormal": (lambda p: D.LogNormal(p[0], p[1]), [[0.5, -1.0], [1.0, 0.3]]),
    "Gamma": (lambda p: D.Gamma(p[0], p[1]), [[0.7, 3.0], [1.0, 2.0]]),
    "Beta": (lambda p: D.Beta(p[0], p[1]), [[0.7, 3.0], [1.5, 2.0]]),
    "Dirichlet": (lambda p: D.Dirichlet(p[0]), [[0.7, 3.0, 1.2]]),
    "RelaxedBernoulli": (lambda p: D.RelaxedBernoulli(p[0], probs=p[1]), [[0.5], [0.3]]),
    "RelaxedOneHotCategorical": (lambda p: D.RelaxedOneHotCategorical(p[0], logits=p[1]), [[0.7], [0.1, 0.5, -1]]),
    "MultivariateNormal": (lambda p: D.MultivariateNormal(p[0], scale_tril=p[1], validate_args=False), [[0.5, 1.0],
                                                                                   [[1.0, 0.0], [0.3, 2.0]]]),
    "LowRankMultivariateNormal": (lambda p: D.LowRankMultivariateNormal(p[0], p[1], p[2]),
                                  [[0.5, 1.0], [[1.0], [0.3]], [0.5, 2.0]]),
}


@pytest.mark.parametrize("name", sorted(RSAMPLE_CASES))
def test_rsample_is_differentiable_in_every_parameter(name):
    """The pathwise gradient at fixed noise (the same seed) matches central finite differences."""
    make, values = RSAMPLE_CASES[name]

    def draw(params):
        ag.manual_seed(2)
        return make(params).rsample((3,))

    params = [t(v, requires_grad=True) for v in values]
    out = draw(params)
    weights = np.random.default_rng(0).normal(size=out.shape)
    grads = ag.grad((out * t(weights)).sum(), params)
    for i, v in enumerate(values):
        base = np.asarray(v, dtype=np.float64)
        fd = np.zeros_like(base)
        for j in np.ndindex(base.shape):
            shifted = []
            for sign in (1, -1):
                p = [t(u) for u in values]
                arr = base.copy()
                arr[j] += sign * 1e-6
                p[i] = t(arr)
                shifted.append((draw(p).numpy() * weights).sum())
            fd[j] = (shifted[0] - shifted[1]) / 2e-6
        np.testing.assert_allclose(grads[i].numpy(), fd, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("name", ["Normal", "Gamma", "Beta", "Dirichlet", "MultivariateNormal"])
def test_log_prob_passes_gradcheck_and_gradgradcheck(name):
    make, values = RSAMPLE_CASES[name]
    with ag.no_grad():
        x = make([t(v) for v in values]).sample((2,))

    def f(*params):
        return make(list(params)).log_prob(x)

    params = tuple(t(v, requires_grad=True) for v in values)
    assert ag.gradcheck(f, params)
    assert ag.gradgradcheck(f, params)


def test_has_rsample_flags_and_discrete_rsample_raises():
    assert D.Normal(0.0, 1.0).has_rsample and D.Gamma(1.0, 1.0).has_rsample
    assert not D.Bernoulli(0.5).has_rsample and not D.Poisson(1.0).has_rsample
    assert D.Independent(D.Normal(ag.zeros(2), 1.0), 1).has_rsample
    with pytest.raises(NotImplementedError):
        D.Bernoulli(0.5).rsample()


def test_straight_through_one_hot_passes_the_probs_gradient():
    p = t([0.2, 0.3, 0.5], requires_grad=True)
    s = D.OneHotCategoricalStraightThrough(probs=p).rsample()
    assert set(s.detach().numpy().tolist()) <= {0.0, 1.0}
    (g,) = ag.grad((s * t([1.0, 2.0, 3.0])).sum(), p)  # through probs / probs.sum(): w - w . p
    np.testing.assert_allclose(g.numpy(), np.array([1.0, 2.0, 3.0]) - 2.3)
