"""Univariate distributions against scipy.stats: log_prob, cdf, icdf, entropy, mean, variance, mode, shapes."""
import numpy as np
import pytest
from scipy import stats

import autograd as ag
from autograd import distributions as D


def t(x):
    return ag.tensor(np.asarray(x, dtype=np.float64))


# name -> (our distribution, the frozen scipy distribution, values in the support, has cdf, has icdf)
CASES = {
    "Normal": (lambda: D.Normal(t([0.0, 1.0, -2.0]), t([1.0, 0.5, 3.0])),
               stats.norm([0.0, 1.0, -2.0], [1.0, 0.5, 3.0]), [0.3, 1.7, -5.0], True, True),
    "Uniform": (lambda: D.Uniform(t([0.0, -1.0, 2.0]), t([1.0, 3.0, 2.5])),
                stats.uniform([0.0, -1.0, 2.0], [1.0, 4.0, 0.5]), [0.3, 2.9, 2.1], True, True),
    "Exponential": (lambda: D.Exponential(t([0.5, 1.0, 4.0])), stats.expon(scale=[2.0, 1.0, 0.25]),
                    [0.3, 2.0, 0.01], True, True),
    "Laplace": (lambda: D.Laplace(t([0.0, 1.0, -2.0]), t([1.0, 0.5, 3.0])),
                stats.laplace([0.0, 1.0, -2.0], [1.0, 0.5, 3.0]), [0.3, 0.2, -5.0], True, True),
    "Gamma": (lambda: D.Gamma(t([0.5, 2.0, 10.0]), t([1.0, 2.0, 0.5])),
              stats.gamma([0.5, 2.0, 10.0], scale=[1.0, 0.5, 2.0]), [0.3, 1.7, 15.0], True, False),
    "Beta": (lambda: D.Beta(t([0.5, 2.0, 10.0]), t([1.5, 2.0, 0.7])), stats.beta([0.5, 2.0, 10.0], [1.5, 2.0, 0.7]),
             [0.3, 0.7, 0.99], False, False),
    "LogNormal": (lambda: D.LogNormal(t([0.0, 1.0, -2.0]), t([1.0, 0.5, 0.3])),
                  stats.lognorm([1.0, 0.5, 0.3], scale=np.exp([0.0, 1.0, -2.0])), [0.3, 2.7, 0.1], True, True),
    "Poisson": (lambda: D.Poisson(t([0.5, 3.0, 20.0])), stats.poisson([0.5, 3.0, 20.0]), [0.0, 2.0, 25.0],
                False, False),
    "Bernoulli": (lambda: D.Bernoulli(probs=t([0.1, 0.5, 0.9])), stats.bernoulli([0.1, 0.5, 0.9]), [0.0, 1.0, 1.0],
                  False, False),
    "Binomial": (lambda: D.Binomial(10, t([0.1, 0.5, 0.9])), stats.binom(10, [0.1, 0.5, 0.9]), [0.0, 4.0, 10.0],
                 False, False),
}
DISCRETE = {"Poisson", "Bernoulli", "Binomial"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_log_prob_and_moments_match_scipy(name):
    make, ref, values, _, _ = CASES[name]
    d = make()
    x = np.asarray(values)
    expected = ref.logpmf(x) if name in DISCRETE else ref.logpdf(x)
    np.testing.assert_allclose(d.log_prob(t(x)).numpy(), expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(d.mean.numpy(), ref.mean(), rtol=1e-10)
    np.testing.assert_allclose(d.variance.numpy(), ref.var(), rtol=1e-10)
    np.testing.assert_allclose(d.stddev.numpy(), ref.std(), rtol=1e-10)
    assert d.batch_shape == (3,) and d.event_shape == ()


@pytest.mark.parametrize("name", sorted(set(CASES) - {"Poisson"}))
def test_entropy_matches_scipy(name):
    make, ref, _, _, _ = CASES[name]
    np.testing.assert_allclose(make().entropy().numpy(), ref.entropy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c[3]))
def test_cdf_matches_scipy(name):
    make, ref, values, _, _ = CASES[name]
    np.testing.assert_allclose(make().cdf(t(values)).numpy(), ref.cdf(np.asarray(values)), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c[4]))
def test_icdf_inverts_the_cdf_as_scipy(name):
    make, ref, _, _, _ = CASES[name]
    q = np.array([0.1, 0.5, 0.95])
    np.testing.assert_allclose(make().icdf(t(q)).numpy(), ref.ppf(q), rtol=1e-9)


def test_modes():
    np.testing.assert_allclose(D.Gamma(t([0.5, 3.0]), t([1.0, 2.0])).mode.numpy(), [0.0, 1.0])
    np.testing.assert_allclose(D.Beta(t([2.0]), t([3.0])).mode.numpy(), [1 / 3])
    np.testing.assert_allclose(D.LogNormal(t(0.0), t(1.0)).mode.numpy(), np.exp(-1.0))
    np.testing.assert_array_equal(D.Bernoulli(probs=t([0.2, 0.5, 0.8])).mode.numpy(), [0.0, np.nan, 1.0])
    np.testing.assert_array_equal(D.Poisson(t([2.5])).mode.numpy(), [2.0])
    np.testing.assert_array_equal(D.Binomial(10, t([0.45])).mode.numpy(), [4.0])
    assert np.isnan(D.Uniform(0.0, 1.0).mode.item())


def test_number_parameters_give_an_empty_batch_shape_of_the_default_dtype():
    d = D.Normal(0.0, 1.0)
    assert d.batch_shape == () and d.loc.dtype == ag.float32
    assert D.Normal(ag.zeros(2, dtype=ag.float64), 1.0).scale.dtype == ag.float64
    assert D.Gamma(2.0, 3.0).batch_shape == ()


def test_categorical_against_scipy():
    p = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    d = D.Categorical(probs=t(p * 4))  # unnormalised weights are normalised
    np.testing.assert_allclose(d.probs.numpy(), p)
    np.testing.assert_allclose(d.log_prob(ag.tensor([2, 0])).numpy(), np.log([0.5, 0.6]))
    np.testing.assert_allclose(d.entropy().numpy(), [stats.entropy(r) for r in p])
    assert d.mode.tolist() == [2, 0] and d.support.upper_bound == 2
    dl = D.Categorical(logits=t(np.log(p)))
    np.testing.assert_allclose(dl.probs.numpy(), p, rtol=1e-12)
    np.testing.assert_allclose(dl.log_prob(ag.tensor([[1, 2]])).numpy(), [np.log([0.3, 0.1])])
    assert np.isnan(d.mean.numpy()).all() and d.mean.shape == (2,)


def test_one_hot_categorical_and_enumerate_support():
    p = t([0.2, 0.3, 0.5])
    d = D.OneHotCategorical(probs=p)
    assert d.event_shape == (3,) and d.batch_shape == ()
    support = d.enumerate_support()
    np.testing.assert_array_equal(support.numpy(), np.eye(3))
    np.testing.assert_allclose(d.log_prob(support).numpy(), np.log([0.2, 0.3, 0.5]))
    np.testing.assert_array_equal(d.mode.numpy(), [0.0, 0.0, 1.0])
    assert D.Bernoulli(probs=t([0.3, 0.4])).enumerate_support().shape == (2, 2)
    np.testing.assert_array_equal(D.Binomial(3, t([0.3, 0.4])).enumerate_support(expand=False).numpy().ravel(),
                                  [0, 1, 2, 3])
    assert D.Categorical(probs=t([[0.5, 0.5]])).enumerate_support().shape == (2, 1)


def test_bernoulli_and_binomial_logits_agree_with_probs():
    p = np.array([0.1, 0.6])
    logits = t(np.log(p / (1 - p)))
    for a, b in ((D.Bernoulli(probs=t(p)), D.Bernoulli(logits=logits)),
                 (D.Binomial(5, probs=t(p)), D.Binomial(5, logits=logits))):
        x = t([1.0, 0.0])
        np.testing.assert_allclose(a.log_prob(x).numpy(), b.log_prob(x).numpy(), rtol=1e-12)
        np.testing.assert_allclose(b.probs.numpy(), p, rtol=1e-12)


def test_multinomial_against_scipy():
    p = np.array([0.2, 0.3, 0.5])
    d = D.Multinomial(10, probs=t(p))
    x = np.array([[2.0, 3.0, 5.0], [0.0, 0.0, 10.0]])
    np.testing.assert_allclose(d.log_prob(t(x)).numpy(), stats.multinomial(10, p).logpmf(x), rtol=1e-10)
    np.testing.assert_allclose(d.entropy().numpy(), stats.multinomial(10, p).entropy(), rtol=1e-10)
    np.testing.assert_allclose(d.mean.numpy(), 10 * p)
    np.testing.assert_allclose(d.variance.numpy(), 10 * p * (1 - p))


def test_dirichlet_against_scipy():
    a = np.array([0.7, 2.0, 3.5])
    d = D.Dirichlet(t(a))
    x = np.array([0.2, 0.3, 0.5])
    ref = stats.dirichlet(a)
    np.testing.assert_allclose(d.log_prob(t(x)).numpy(), ref.logpdf(x), rtol=1e-10)
    np.testing.assert_allclose(d.entropy().numpy(), ref.entropy(), rtol=1e-10)
    np.testing.assert_allclose(d.mean.numpy(), ref.mean(), rtol=1e-12)
    np.testing.assert_allclose(d.variance.numpy(), ref.var(), rtol=1e-12)
    np.testing.assert_allclose(D.Dirichlet(t([0.5, 0.9, 0.2])).mode.numpy(), [0.0, 1.0, 0.0])
    np.testing.assert_allclose(D.Dirichlet(t([2.0, 3.0, 1.0])).mode.numpy(), [1 / 3, 2 / 3, 0.0])


@pytest.mark.parametrize("name", sorted(CASES))
def test_expand_gives_the_same_values_on_a_larger_batch(name):
    make = CASES[name][0]
    d = make()
    e = d.expand((4, 3))
    assert e.batch_shape == (4, 3) and type(e) is type(d)
    x = t(CASES[name][2])
    np.testing.assert_allclose(e.log_prob(x).numpy(), np.broadcast_to(d.log_prob(x).numpy(), (4, 3)), rtol=1e-12)
    assert e.sample((2,)).shape == (2, 4, 3)


def test_perplexity_is_exp_entropy():
    d = D.Categorical(probs=t([0.25] * 4))
    np.testing.assert_allclose(d.perplexity().item(), 4.0)
