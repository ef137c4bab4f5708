"""Cauchy, HalfCauchy, HalfNormal, StudentT, Gumbel, Weibull, Pareto, Chi2, Geometric, NegativeBinomial and the
Abs/Power/Softplus transforms against torch.distributions: values, gradients, samples, expand and validation."""
import math
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import autograd as ag
from autograd import distributions as D

torch = pytest.importorskip("torch")
TD = torch.distributions
ROOT = pathlib.Path(__file__).resolve().parents[2]

# name -> (fn(namespace, *params), params, values inside the support, methods that torch defines)
FAMILIES = {
    "Cauchy": (lambda M, a, b: M.Cauchy(a, b), [[0.0, 1.0, -2.0], [1.0, 0.5, 2.0]], [0.3, -1.0, 4.0],
               ("cdf", "icdf", "entropy", "mode")),
    "HalfCauchy": (lambda M, s: M.HalfCauchy(s), [[1.0, 0.5, 2.0]], [0.3, 1.0, 4.0], ("cdf", "icdf", "entropy")),
    "HalfNormal": (lambda M, s: M.HalfNormal(s), [[1.0, 0.5, 2.0]], [0.3, 1.0, 4.0],
                   ("cdf", "icdf", "entropy", "mean", "variance")),
    "StudentT": (lambda M, d, a, b: M.StudentT(d, a, b), [[0.5, 1.5, 3.0], [0.0, 1.0, -1.0], [1.0, 0.5, 2.0]],
                 [0.3, -1.0, 4.0], ("entropy", "mean", "variance", "mode")),
    "Gumbel": (lambda M, a, b: M.Gumbel(a, b), [[0.0, 1.0, -2.0], [1.0, 0.5, 2.0]], [0.3, -1.0, 4.0],
               ("cdf", "icdf", "entropy", "mean", "variance", "mode")),
    "Weibull": (lambda M, s, k: M.Weibull(s, k), [[1.0, 0.5, 2.0], [0.7, 1.5, 3.0]], [0.3, 1.0, 4.0],
                ("cdf", "icdf", "entropy", "mean", "variance", "mode")),
    "Pareto": (lambda M, s, a: M.Pareto(s, a), [[0.5, 1.0, 2.0], [0.7, 1.5, 3.0]], [0.6, 1.2, 4.0],
               ("cdf", "icdf", "entropy", "mean", "variance", "mode")),
    "Chi2": (lambda M, d: M.Chi2(d), [[0.5, 1.5, 3.0]], [0.3, 1.0, 4.0], ("entropy", "mean", "variance", "mode")),
    "Geometric": (lambda M, p: M.Geometric(p), [[0.2, 0.5, 0.9]], [0.0, 1.0, 4.0],
                  ("entropy", "mean", "variance", "mode")),
    "Geometric-logits": (lambda M, p: M.Geometric(logits=p), [[-1.0, 0.5, 2.0]], [0.0, 1.0, 4.0],
                         ("entropy", "mean", "variance")),
    "NegativeBinomial": (lambda M, n, p: M.NegativeBinomial(n, p), [[1.0, 2.5, 4.0], [0.2, 0.5, 0.7]],
                         [0.0, 1.0, 4.0], ("mean", "variance", "mode")),
    "NegativeBinomial-logits": (lambda M, n, p: M.NegativeBinomial(n, logits=p), [[1.0, 2.5, 4.0],
                                                                                  [-1.0, 0.5, 2.0]],
                                [0.0, 1.0, 4.0], ("mean", "variance")),
}


def _close(ours, theirs, rtol=1e-9, atol=1e-12):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_values_and_gradients_match_torch(name):
    fn, params, values, methods = FAMILIES[name]
    ours_p = [ag.tensor(np.array(p), requires_grad=True) for p in params]
    theirs_p = [torch.tensor(np.array(p), requires_grad=True) for p in params]
    p, q = fn(D, *ours_p), fn(TD, *theirs_p)
    assert tuple(p.batch_shape) == tuple(q.batch_shape) and tuple(p.event_shape) == tuple(q.event_shape)
    value = np.array(values)
    probs = np.array([0.1, 0.5, 0.8])
    calls = {"log_prob": lambda d, m: d.log_prob(m.tensor(value)), "cdf": lambda d, m: d.cdf(m.tensor(value)),
             "icdf": lambda d, m: d.icdf(m.tensor(probs)), "entropy": lambda d, m: d.entropy(),
             "mean": lambda d, m: d.mean, "variance": lambda d, m: d.variance, "mode": lambda d, m: d.mode}
    for method in ("log_prob",) + methods:
        ours, theirs = calls[method](p, ag), calls[method](q, torch)
        _close(ours, theirs)
        if not ours.requires_grad or not np.isfinite(theirs.detach().numpy()).all():
            continue
        w = np.random.default_rng(0).normal(size=tuple(theirs.shape))
        grads = ag.grad((ours * ag.tensor(w)).sum(), ours_p, allow_unused=True, retain_graph=True)
        tgrads = torch.autograd.grad((theirs * torch.tensor(w)).sum(), theirs_p, allow_unused=True,
                                     retain_graph=True)
        for g, tg in zip(grads, tgrads):
            if tg is not None:
                _close(g, tg, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("name", ["HalfNormal", "StudentT", "Gumbel", "Weibull", "Pareto", "Chi2", "Geometric",
                                  "NegativeBinomial"])
def test_sample_moments(name):
    fn, params, _, _ = FAMILIES[name]
    if name == "StudentT":
        params = [[3.5, 5.0, 8.0]] + params[1:]
    if name == "Pareto":
        params = [params[0], [2.5, 3.0, 4.0]]
    ag.manual_seed(0)
    dist = fn(D, *[ag.tensor(np.array(p)) for p in params])
    draws = dist.sample((40000,))
    assert tuple(draws.shape) == (40000, 3) and not draws.requires_grad
    assert bool(dist.support.check(draws).all())
    mean, sd = dist.mean.numpy(), dist.variance.sqrt().numpy()
    np.testing.assert_allclose(draws.numpy().mean(0), mean, atol=float(6 * sd.max() / math.sqrt(40000)) + 1e-3)


@pytest.mark.parametrize("name", ["Cauchy", "HalfNormal", "HalfCauchy", "StudentT", "Gumbel", "Weibull", "Pareto",
                                  "Chi2"])
def test_rsample_is_differentiable_and_in_the_support(name):
    fn, params, _, _ = FAMILIES[name]
    ps = [ag.tensor(np.array(p), requires_grad=True) for p in params]
    dist = fn(D, *ps)
    assert dist.has_rsample
    x = dist.rsample((5,))
    assert tuple(x.shape) == (5, 3) and x.requires_grad
    assert bool(dist.support.check(x.detach()).all())
    grads = ag.grad(x.sum(), ps, allow_unused=True)
    assert all(g is not None and np.isfinite(g.numpy()).all() for g in grads)


def test_scale_gradient_of_a_pathwise_sample_is_the_standardised_draw():
    scale = ag.tensor([2.0], requires_grad=True)
    x = D.HalfNormal(scale).rsample((1000,))
    (g,) = ag.grad(x.sum(), [scale])
    np.testing.assert_allclose(g.numpy(), (x.detach() / 2.0).sum().numpy(), rtol=1e-12)


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_expand(name):
    fn, params, values, _ = FAMILIES[name]
    dist = fn(D, *[ag.tensor(np.array(p)) for p in params]).expand((2, 3))
    ref = fn(TD, *[torch.tensor(np.array(p)) for p in params]).expand((2, 3))
    assert tuple(dist.batch_shape) == (2, 3) and type(dist).__name__ == type(ref).__name__
    _close(dist.log_prob(ag.tensor(np.array(values))), ref.log_prob(torch.tensor(np.array(values))))
    assert tuple(dist.sample().shape) == (2, 3)


@pytest.mark.parametrize("call", [lambda M, t: M.Cauchy(t([0.0]), t([-1.0])), lambda M, t: M.HalfNormal(t([0.0])),
                                  lambda M, t: M.StudentT(t([-1.0])), lambda M, t: M.Weibull(t([1.0]), t([0.0])),
                                  lambda M, t: M.Pareto(t([1.0]), t([-2.0])), lambda M, t: M.Chi2(t([0.0])),
                                  lambda M, t: M.Geometric(t([0.0])), lambda M, t: M.Geometric(t([1.5])),
                                  lambda M, t: M.NegativeBinomial(t([-1.0]), t([0.5])),
                                  lambda M, t: M.NegativeBinomial(t([2.0]), t([1.0])),
                                  lambda M, t: M.Geometric(), lambda M, t: M.Geometric(t([0.5]), t([0.1]))])
def test_invalid_parameters_raise_like_torch(call):
    with pytest.raises(ValueError) as theirs:
        call(TD, lambda v: torch.tensor(v))
    with pytest.raises(type(theirs.value)):
        call(D, lambda v: ag.tensor(v))


def test_values_outside_the_support_are_refused():
    with pytest.raises(ValueError, match="support"):
        D.HalfNormal(ag.tensor([1.0])).log_prob(ag.tensor([-1.0]))
    with pytest.raises(ValueError, match="support"):
        D.Geometric(ag.tensor([0.5])).log_prob(ag.tensor([0.5]))
    assert float(D.HalfNormal(ag.tensor([1.0]), validate_args=False).log_prob(ag.tensor([-1.0]))) == -math.inf


@pytest.mark.parametrize("name", ["AbsTransform", "PowerTransform", "SoftplusTransform"])
def test_transforms_match_torch(name):
    make = {"AbsTransform": lambda M: M.AbsTransform(), "PowerTransform": lambda M: M.PowerTransform(2.5),
            "SoftplusTransform": lambda M: M.SoftplusTransform()}[name]
    ours, theirs = make(D), make(TD)
    x = np.array([0.3, 1.2, 2.5])
    y, ty = ours(ag.tensor(x)), theirs(torch.tensor(x))
    _close(y, ty)
    _close(ours.inv(y), theirs.inv(ty), rtol=1e-7)
    assert ours == make(D) and ours.bijective == theirs.bijective
    if name != "AbsTransform":  # |x| is not injective: it has neither a log-Jacobian nor a sign
        _close(ours.log_abs_det_jacobian(ag.tensor(x), y), theirs.log_abs_det_jacobian(torch.tensor(x), ty))
        assert ours.sign == theirs.sign
    assert D.PowerTransform(2.0) != D.PowerTransform(3.0)


def test_torch_paths_resolve():
    code = ("import autograd.as_torch\n"
            "import autograd.distributions as D\n"
            "from torch.distributions.studentT import StudentT\n"
            "from torch.distributions.negative_binomial import NegativeBinomial\n"
            "from torch.distributions.transforms import ExpTransform, SoftplusTransform\n"
            "assert StudentT is D.StudentT and NegativeBinomial is D.NegativeBinomial\n"
            "assert SoftplusTransform is D.SoftplusTransform and ExpTransform is D.ExpTransform\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]


@pytest.mark.parametrize("name", ["StickBreakingTransform", "LowerCholeskyTransform", "PositiveDefiniteTransform",
                                  "IndependentTransform"])
def test_matrix_and_simplex_transforms_match_torch_with_gradients(name):
    make = {"StickBreakingTransform": lambda M: M.StickBreakingTransform(),
            "LowerCholeskyTransform": lambda M: M.LowerCholeskyTransform(),
            "PositiveDefiniteTransform": lambda M: M.PositiveDefiniteTransform(),
            "IndependentTransform": lambda M: M.IndependentTransform(M.ExpTransform(), 1)}[name]
    x = np.random.default_rng(1).normal(size=(2, 3, 3))
    xa, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours, theirs = make(D), make(TD)
    y, ty = ours(xa), theirs(xt)
    _close(y, ty)
    _close(ours.inv(y), theirs.inv(ty), rtol=1e-8, atol=1e-10)
    assert tuple(ours.forward_shape((2, 3))) == tuple(theirs.forward_shape((2, 3)))
    assert bool(ours.codomain.check(y.detach()).all())
    (g,) = ag.grad(y.sum(), [xa])
    (tg,) = torch.autograd.grad(ty.sum(), [xt])
    _close(g, tg, rtol=1e-8)
    if name in ("StickBreakingTransform", "IndependentTransform"):
        _close(ours.log_abs_det_jacobian(xa, y), theirs.log_abs_det_jacobian(xt, ty), rtol=1e-8)
        assert ours.bijective == theirs.bijective


_CONSTRAINTS = {"real": lambda C: C.real, "positive": lambda C: C.positive, "nonnegative": lambda C: C.nonnegative,
                "greater_than": lambda C: C.greater_than(2.0), "less_than": lambda C: C.less_than(-1.0),
                "unit_interval": lambda C: C.unit_interval, "interval": lambda C: C.interval(-1.0, 3.0),
                "half_open": lambda C: C.half_open_interval(0.0, 1.0), "simplex": lambda C: C.simplex,
                "independent": lambda C: C.independent(C.positive, 1), "lower_cholesky": lambda C: C.lower_cholesky,
                "positive_definite": lambda C: C.positive_definite}


@pytest.mark.parametrize("registry", ["biject_to", "transform_to"])
@pytest.mark.parametrize("name", sorted(_CONSTRAINTS))
def test_constraint_registries_match_torch(registry, name):
    ours_c, theirs_c = _CONSTRAINTS[name](D.constraints), _CONSTRAINTS[name](TD.constraints)
    try:
        theirs = getattr(TD, registry)(theirs_c)
    except NotImplementedError:
        with pytest.raises(NotImplementedError, match="Cannot transform"):
            getattr(D, registry)(ours_c)
        return
    ours = getattr(D, registry)(ours_c)
    assert repr(ours) == repr(theirs)
    x = np.random.default_rng(2).normal(size=(4, 3, 3) if "cholesky" in name or "definite" in name else (4, 3))
    y, ty = ours(ag.tensor(x)), theirs(torch.tensor(x))
    _close(y, ty)
    assert bool(ours_c.check(y).all())


def test_register_a_new_factory():
    registry = D.constraint_registry.ConstraintRegistry()

    @registry.register(D.constraints.positive)
    def softplus(constraint):
        return D.SoftplusTransform()

    assert isinstance(registry(D.constraints.positive), D.SoftplusTransform)
    with pytest.raises(NotImplementedError, match="Cannot transform _Real constraints"):
        registry(D.constraints.real)
    with pytest.raises(TypeError, match="Constraint subclass or instance"):
        registry.register(3, softplus)
