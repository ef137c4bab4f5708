"""The same calls on tapegrad and on torch.distributions: KL, multivariate, wrappers, transforms."""
import numpy as np
import pytest

import autograd as ag
from autograd import distributions as D

# KL divergences, multivariate families, wrappers, transforms and transformed distributions, their values and their
# gradients.

torch = pytest.importorskip("torch")
TD = torch.distributions


def pair(x, requires_grad=False):
    x = np.asarray(x, dtype=np.float64)
    return (ag.tensor(x, requires_grad=requires_grad), torch.tensor(x, requires_grad=requires_grad))


def both(fn, *arrays):
    """fn(namespace, *tensors) on tapegrad (D, autograd tensors) and on torch (TD, torch tensors)."""
    ours = fn(D, *[pair(a)[0] for a in arrays])
    theirs = fn(TD, *[pair(a)[1] for a in arrays])
    return ours, theirs


def close(ours, theirs, rtol=1e-10, atol=1e-12):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=rtol, atol=atol)


rng = np.random.default_rng(0)
A = rng.normal(size=(2, 3, 3))
COV = A @ A.transpose(0, 2, 1) + np.eye(3)
B = rng.normal(size=(3, 3))
COV2 = B @ B.T + 0.5 * np.eye(3)

# name -> (fn(namespace, *tensors) -> (p, q), arrays)
KL_CASES = {
    "Normal": (lambda M, a, b, c, d: (M.Normal(a, b), M.Normal(c, d)), [[0.0, 1.0], [1.0, 0.5], [0.5, -1.0], [2.0, 1.5]]),
    "Bernoulli": (lambda M, a, b: (M.Bernoulli(probs=a), M.Bernoulli(probs=b)), [[0.1, 0.5, 0.0, 1.0],
                                                                               [0.4, 0.5, 0.3, 0.7]]),
    "Bernoulli-inf": (lambda M, a, b: (M.Bernoulli(probs=a), M.Bernoulli(probs=b)), [[0.1, 0.5], [0.0, 1.0]]),
    "Categorical": (lambda M, a, b: (M.Categorical(probs=a), M.Categorical(probs=b)),
                    [[[0.2, 0.3, 0.5], [0.0, 0.5, 0.5]], [[0.1, 0.1, 0.8], [0.3, 0.3, 0.4]]]),
    "OneHotCategorical": (lambda M, a, b: (M.OneHotCategorical(logits=a), M.OneHotCategorical(logits=b)),
                          [[0.2, -0.3, 0.5], [1.0, 0.0, -1.0]]),
    "Uniform": (lambda M, a, b, c, d: (M.Uniform(a, b), M.Uniform(c, d)), [[0.0, 0.0], [1.0, 1.0], [-1.0, 0.5],
                                                                          [2.0, 3.0]]),
    "Exponential": (lambda M, a, b: (M.Exponential(a), M.Exponential(b)), [[0.5, 3.0], [2.0, 1.0]]),
    "Gamma": (lambda M, a, b, c, d: (M.Gamma(a, b), M.Gamma(c, d)), [[0.5, 3.0], [1.0, 2.0], [2.0, 1.0], [0.3, 4.0]]),
    "Beta": (lambda M, a, b, c, d: (M.Beta(a, b), M.Beta(c, d)), [[0.5, 3.0], [1.0, 2.0], [2.0, 1.0], [0.3, 4.0]]),
    "Dirichlet": (lambda M, a, b: (M.Dirichlet(a), M.Dirichlet(b)), [[[0.5, 3.0, 1.0]], [[2.0, 1.0, 0.7]]]),
    "Laplace": (lambda M, a, b, c, d: (M.Laplace(a, b), M.Laplace(c, d)), [[0.0, 1.0], [1.0, 0.5], [0.5, -1.0],
                                                                          [2.0, 1.5]]),
    "Poisson": (lambda M, a, b: (M.Poisson(a), M.Poisson(b)), [[0.5, 3.0], [2.0, 1.0]]),
    "Binomial": (lambda M, a, b: (M.Binomial(5, probs=a), M.Binomial(5, probs=b)), [[0.2, 0.9], [0.5, 0.4]]),
    "MultivariateNormal": (lambda M, a, b, c, d: (M.MultivariateNormal(a, covariance_matrix=b),
                                                  M.MultivariateNormal(c, scale_tril=d)),
                           [[0.0, 1.0, -1.0], COV, [0.5, 0.5, 0.0], np.linalg.cholesky(COV2)]),
    "Independent": (lambda M, a, b, c, d: (M.Independent(M.Normal(a, b), 1), M.Independent(M.Normal(c, d), 1)),
                    [[[0.0, 1.0]], [[1.0, 0.5]], [[0.5, -1.0]], [[2.0, 1.5]]]),
    "LogNormal": (lambda M, a, b, c, d: (M.LogNormal(a, b), M.LogNormal(c, d)), [[0.0, 1.0], [1.0, 0.5],
                                                                                [0.5, -1.0], [2.0, 1.5]]),
}


@pytest.mark.parametrize("name", sorted(KL_CASES))
def test_kl_divergence_matches_torch_with_gradients(name):
    fn, arrays = KL_CASES[name]
    ours_t = [pair(a, requires_grad=True) for a in arrays]
    p, q = fn(D, *[o for o, _ in ours_t])
    tp, tq = fn(TD, *[th for _, th in ours_t])
    ours, theirs = D.kl_divergence(p, q), TD.kl_divergence(tp, tq)
    close(ours, theirs, rtol=1e-9)
    finite = np.isfinite(theirs.detach().numpy())
    if finite.all():
        w = rng.normal(size=theirs.shape)
        grads = ag.grad((ours * ag.tensor(w)).sum(), [o for o, _ in ours_t], allow_unused=True)
        tgrads = torch.autograd.grad((theirs * torch.tensor(w)).sum(), [th for _, th in ours_t], allow_unused=True)
        for g, tg in zip(grads, tgrads):
            if tg is not None:
                close(g, tg, rtol=1e-7, atol=1e-10)


def test_kl_of_an_unregistered_pair_raises_as_torch():
    with pytest.raises(NotImplementedError, match="No KL\\(p \\|\\| q\\) is implemented for p type Poisson and q "
                                                  "type Normal"):
        D.kl_divergence(D.Poisson(1.0), D.Normal(0.0, 1.0))
    with pytest.raises(NotImplementedError):
        TD.kl_divergence(TD.Poisson(torch.tensor(1.0)), TD.Normal(0.0, 1.0))


def test_register_kl_dispatches_to_the_most_specific_pair():
    class MyNormal(D.Normal):
        pass

    assert D.kl_divergence(MyNormal(0.0, 1.0), D.Normal(0.0, 1.0)).item() == 0.0  # inherits Normal-Normal

    @D.register_kl(MyNormal, D.Normal)
    def _kl_mine(p, q):
        return ag.tensor(42.0)

    assert D.kl_divergence(MyNormal(0.0, 1.0), D.Normal(0.0, 1.0)).item() == 42.0
    assert D.kl_divergence(D.Normal(0.0, 1.0), MyNormal(0.0, 1.0)).item() == 0.0
    with pytest.raises(TypeError, match="Expected type_p to be a Distribution subclass"):
        D.register_kl(int, D.Normal)


def test_multivariate_normal_forms_match_torch():
    x = rng.normal(size=(4, 2, 3))
    loc = [0.0, 1.0, -1.0]
    for kw, m in (("covariance_matrix", COV), ("precision_matrix", COV), ("scale_tril", np.linalg.cholesky(COV))):
        ours, theirs = both(lambda M, l, c, v: M.MultivariateNormal(l, **{kw: c}).log_prob(v), loc, m, x)
        close(ours, theirs)
        for attr in ("covariance_matrix", "precision_matrix", "scale_tril", "variance", "mean"):
            ours, theirs = both(lambda M, l, c: getattr(M.MultivariateNormal(l, **{kw: c}), attr), loc, m)
            close(ours, theirs, rtol=1e-9, atol=1e-12)
        ours, theirs = both(lambda M, l, c: M.MultivariateNormal(l, **{kw: c}).entropy(), loc, m)
        close(ours, theirs)
    d = D.MultivariateNormal(ag.tensor(loc), ag.tensor(COV))
    assert d.batch_shape == (2,) and d.event_shape == (3,) and d.rsample((5,)).shape == (5, 2, 3)
    assert d.expand((4, 2)).log_prob(ag.tensor(x)).shape == (4, 2)


def test_low_rank_multivariate_normal_matches_torch():
    W, Dg = rng.normal(size=(2, 3, 2)), rng.uniform(0.5, 1.5, size=(3,))
    loc, x = [0.0, 1.0, -1.0], rng.normal(size=(4, 2, 3))
    for attr in ("covariance_matrix", "precision_matrix", "scale_tril", "variance"):
        close(*both(lambda M, l, w, d: getattr(M.LowRankMultivariateNormal(l, w, d), attr), loc, W, Dg), rtol=1e-9,
              atol=1e-12)
    close(*both(lambda M, l, w, d, v: M.LowRankMultivariateNormal(l, w, d).log_prob(v), loc, W, Dg, x), rtol=1e-9)
    close(*both(lambda M, l, w, d: M.LowRankMultivariateNormal(l, w, d).entropy(), loc, W, Dg), rtol=1e-9)


def test_independent_and_mixture_match_torch():
    locs, scales = rng.normal(size=(2, 3, 4)), rng.uniform(0.5, 2.0, size=(2, 3, 4))
    logits, x = rng.normal(size=(2, 3)), rng.normal(size=(5, 2, 4))

    def mixture(M, lg, lc, sc):
        return M.MixtureSameFamily(M.Categorical(logits=lg), M.Independent(M.Normal(lc, sc), 1))

    close(*both(lambda M, lg, lc, sc, v: mixture(M, lg, lc, sc).log_prob(v), logits, locs, scales, x))
    close(*both(lambda M, lg, lc, sc: mixture(M, lg, lc, sc).mean, logits, locs, scales))
    close(*both(lambda M, lg, lc, sc: mixture(M, lg, lc, sc).variance, logits, locs, scales))
    close(*both(lambda M, lg, lc, sc, v: M.MixtureSameFamily(M.Categorical(logits=lg), M.Normal(lc, sc)).cdf(v),
                logits, locs[..., 0], scales[..., 0], x[..., 0]))
    m = mixture(D, *[ag.tensor(a) for a in (logits, locs, scales)])
    assert m.batch_shape == (2,) and m.event_shape == (4,) and m.sample((5,)).shape == (5, 2, 4)
    ind = D.Independent(D.Normal(ag.tensor(locs), ag.tensor(scales)), 2)
    tind = TD.Independent(TD.Normal(torch.tensor(locs), torch.tensor(scales)), 2)
    assert ind.batch_shape == (2,) and ind.event_shape == (3, 4)
    close(ind.log_prob(ag.tensor(locs + 0.1)), tind.log_prob(torch.tensor(locs + 0.1)))
    close(ind.entropy(), tind.entropy())
    assert repr(ind.support) == repr(tind.support) == "IndependentConstraint(Real(), 2)"


def _transformed(M, loc, scale):
    T = M.transforms
    return M.TransformedDistribution(M.Normal(loc, scale), [T.AffineTransform(0.5, -2.0), T.TanhTransform()])


@pytest.mark.parametrize("transform", ["Exp", "Sigmoid", "Tanh", "Affine", "Compose", "Inverse"])
def test_transforms_match_torch(transform):
    def make(M):
        T = M.transforms
        return {"Exp": T.ExpTransform(), "Sigmoid": T.SigmoidTransform(), "Tanh": T.TanhTransform(),
                "Affine": T.AffineTransform(1.5, -3.0), "Inverse": T.ExpTransform().inv,
                "Compose": T.ComposeTransform([T.AffineTransform(0.5, 2.0), T.SigmoidTransform()])}[transform]

    x = np.array([-0.7, 0.1, 1.3]) if transform != "Inverse" else np.array([0.3, 1.0, 2.5])
    ours, theirs = make(D), make(TD)
    (xo, xt) = pair(x)
    y, ty = ours(xo), theirs(xt)
    close(y, ty)
    close(ours.inv(y), theirs.inv(ty), rtol=1e-8)
    close(ours.log_abs_det_jacobian(xo, y), theirs.log_abs_det_jacobian(xt, ty), rtol=1e-9)
    assert repr(ours.domain) == repr(theirs.domain) and repr(ours.codomain) == repr(theirs.codomain)
    assert ours.bijective == theirs.bijective and ours.sign == theirs.sign


def test_softmax_transform_and_cache():
    (xo, xt) = pair([[0.1, 2.0, -1.0]])
    close(D.transforms.SoftmaxTransform()(xo), TD.transforms.SoftmaxTransform()(xt))
    tr = D.transforms.ExpTransform().with_cache()
    y = tr(xo)
    assert tr(xo) is y and tr.inv(y) is xo
    with pytest.raises(ValueError, match="cache_size must be 0 or 1"):
        D.transforms.ExpTransform(cache_size=2)
    assert D.transforms.ExpTransform() == D.transforms.ExpTransform()
    assert D.identity_transform(xo) is xo


def test_transformed_distribution_matches_torch_with_gradients():
    loc, scale = pair([0.2, -0.5], requires_grad=True), pair([1.0, 0.7], requires_grad=True)
    ours, theirs = _transformed(D, loc[0], scale[0]), _transformed(TD, loc[1], scale[1])
    v = pair([0.3, -0.8])
    lp, tlp = ours.log_prob(v[0]), theirs.log_prob(v[1])
    close(lp, tlp)
    close(ours.cdf(v[0]), theirs.cdf(v[1]))
    close(ours.icdf(pair([0.2, 0.9])[0]), theirs.icdf(pair([0.2, 0.9])[1]), rtol=1e-9)
    g = ag.grad(lp.sum(), [loc[0], scale[0]])
    tg = torch.autograd.grad(tlp.sum(), [loc[1], scale[1]])
    for a, b in zip(g, tg):
        close(a, b, rtol=1e-9)
    assert repr(ours.support) == repr(theirs.support)
    assert ours.expand((3, 2)).batch_shape == (3, 2)


def test_relaxed_families_match_torch():
    temp, probs, x = 0.7, [0.2, 0.9], [0.3, 0.6]
    close(*both(lambda M, t, p, v: M.RelaxedBernoulli(t, probs=p).log_prob(v), temp, probs, x))
    close(*both(lambda M, t, p, v: M.RelaxedOneHotCategorical(t, probs=p).log_prob(v), temp, [0.2, 0.3, 0.5],
                [0.1, 0.2, 0.7]))
    d = D.RelaxedOneHotCategorical(ag.tensor(0.5), logits=ag.zeros(4, 3))
    s = d.rsample((2,))
    assert s.shape == (2, 4, 3) and np.allclose(s.sum(-1).numpy(), 1.0, atol=1e-5)


def test_reprs_match_torch():
    for make in (lambda M, a, b: M.Normal(a, b), lambda M, a, b: M.Gamma(a, b),
                 lambda M, a, b: M.Independent(M.Normal(a, b), 1)):
        ours, theirs = both(make, [0.5, 1.0], [1.0, 2.0])
        assert repr(ours).replace("autograd.Size", "torch.Size") == repr(theirs)
    for c in ("real", "positive", "simplex", "unit_interval", "boolean", "nonnegative_integer", "lower_cholesky",
              "positive_definite", "real_vector", "one_hot"):
        assert repr(getattr(D.constraints, c)) == repr(getattr(TD.constraints, c))
    assert repr(D.constraints.interval(0.0, 2.0)) == repr(TD.constraints.interval(0.0, 2.0))
    assert repr(D.constraints.integer_interval(0, 3)) == repr(TD.constraints.integer_interval(0, 3))
