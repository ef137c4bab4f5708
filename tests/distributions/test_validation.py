"""Validation of parameters and values: PyTorch's exception classes and messages, and the switches that turn it off."""
import re

import numpy as np
import pytest

import autograd as ag
from autograd import distributions as D

torch = pytest.importorskip("torch")
TD = torch.distributions


def _message(fn, M, tensor):
    with pytest.raises(Exception) as info:
        fn(M, tensor)
    text = str(info.value).replace("autograd.Size", "torch.Size")
    return type(info.value), text.split("\n")[0]  # the tensor printout after the newline differs in layout


def _tag(x):
    return ag.tensor(np.asarray(x, dtype=np.float32))


def _tt(x):
    return torch.tensor(np.asarray(x, dtype=np.float32))


BAD = {
    "negative scale": lambda M, T: M.Normal(T([0.0, 1.0]), T([1.0, -1.0])),
    "probs above 1": lambda M, T: M.Bernoulli(probs=T([0.5, 1.5])),
    "not a simplex": lambda M, T: M.Dirichlet(T([1.0, -1.0])),
    "zero rate": lambda M, T: M.Gamma(T([1.0]), T([0.0])),
    "low >= high": lambda M, T: M.Uniform(T([1.0]), T([0.0])),
    "both probs and logits": lambda M, T: M.Bernoulli(probs=T([0.5]), logits=T([0.0])),
    "neither probs nor logits": lambda M, T: M.Categorical(),
    "0-d categorical": lambda M, T: M.Categorical(probs=T(0.5)),
    "0-d dirichlet": lambda M, T: M.Dirichlet(T(0.5)),
    "0-d mvn loc": lambda M, T: M.MultivariateNormal(T(0.0), T([[1.0]])),
    "two mvn matrices": lambda M, T: M.MultivariateNormal(T([0.0]), T([[1.0]]), scale_tril=T([[1.0]])),
    "1-d covariance": lambda M, T: M.MultivariateNormal(T([0.0]), T([1.0])),
    "not positive definite": lambda M, T: M.MultivariateNormal(T([0.0, 0.0]), T([[1.0, 2.0], [2.0, 1.0]])),
    "not lower triangular": lambda M, T: M.MultivariateNormal(T([0.0, 0.0]), scale_tril=T([[1.0, 2.0], [0.0, 1.0]])),
    "too many reinterpreted dims": lambda M, T: M.Independent(M.Normal(T([0.0]), T([1.0])), 2),
    "value outside the support": lambda M, T: M.Exponential(T([1.0])).log_prob(T([-1.0])),
    "value of a wrong event shape": lambda M, T: M.Dirichlet(T([1.0, 1.0])).log_prob(T([0.5, 0.25, 0.25])),
    "value not broadcastable": lambda M, T: M.Normal(T([0.0, 1.0]), T([1.0, 1.0])).log_prob(T([0.0, 1.0, 2.0])),
    "value not a tensor": lambda M, T: M.Normal(T([0.0]), T([1.0])).log_prob(0.5),
    "categorical value out of range": lambda M, T: M.Categorical(probs=T([0.5, 0.5])).log_prob(T([2.0])),
    "mixture of a non-categorical": lambda M, T: M.MixtureSameFamily(M.Normal(T([0.0]), T([1.0])),
                                                                     M.Normal(T([0.0]), T([1.0]))),
    "mixture sizes differ": lambda M, T: M.MixtureSameFamily(M.Categorical(probs=T([0.5, 0.5])),
                                                             M.Normal(T([0.0, 1.0, 2.0]), T([1.0, 1.0, 1.0]))),
    "lowrank cov_factor shape": lambda M, T: M.LowRankMultivariateNormal(T([0.0, 0.0]), T([[1.0]]), T([1.0, 1.0])),
    "transforms of a wrong type": lambda M, T: M.TransformedDistribution(M.Normal(T([0.0]), T([1.0])), "exp"),
    "inhomogeneous multinomial": lambda M, T: M.Multinomial(T([3.0]), probs=T([0.5, 0.5])),
    "binomial entropy of mixed counts": lambda M, T: M.Binomial(T([2.0, 3.0]), probs=T([0.5, 0.5])).entropy(),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_errors_match_torch(case):
    fn = BAD[case]
    ours = _message(lambda M, T: fn(M, T), D, _tag)
    theirs = _message(lambda M, T: fn(M, T), TD, _tt)
    assert ours == theirs


def test_validation_messages_name_parameter_shape_and_constraint():
    with pytest.raises(ValueError, match=re.escape("Expected parameter scale (Tensor of shape (2,)) of distribution "
                                                   "Normal(loc: autograd.Size([2]), scale: autograd.Size([2])) to "
                                                   "satisfy the constraint GreaterThan(lower_bound=0.0), but found "
                                                   "invalid values")):
        D.Normal(ag.zeros(2), -ag.ones(2))
    with pytest.raises(ValueError, match=re.escape("Expected value argument (Tensor of shape (1,)) to be within the "
                                                   "support (GreaterThanEq(lower_bound=0.0))")):
        D.Exponential(ag.ones(1)).log_prob(-ag.ones(1))


def test_validate_args_false_skips_the_checks():
    d = D.Normal(ag.zeros(1), -ag.ones(1), validate_args=False)
    assert np.isnan(d.log_prob(ag.zeros(1)).item())
    assert D.Exponential(ag.ones(1), validate_args=False).log_prob(-ag.ones(1)).item() == pytest.approx(-(-1.0))


def test_set_default_validate_args():
    try:
        D.Distribution.set_default_validate_args(False)
        D.Normal(ag.zeros(1), -ag.ones(1))  # no error
        with pytest.raises(ValueError):
            D.Normal(ag.zeros(1), -ag.ones(1), validate_args=True)
    finally:
        D.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        D.Normal(ag.zeros(1), -ag.ones(1))
    with pytest.raises(ValueError, match="set_default_validate_args: value must be True or False"):
        D.Distribution.set_default_validate_args("yes")


def test_constraint_checks():
    C = D.constraints
    x = ag.tensor([-1.0, 0.0, 0.5, 1.0, 2.0])
    assert C.unit_interval.check(x).tolist() == [False, True, True, True, False]
    assert C.half_open_interval(0.0, 1.0).check(x).tolist() == [False, True, True, False, False]
    assert C.greater_than_eq(0.0).check(x).tolist() == [False, True, True, True, True]
    assert C.less_than(1.0).check(x).tolist() == [True, True, True, False, False]
    assert C.nonnegative_integer.check(x).tolist() == [False, True, False, True, True]
    assert C.simplex.check(ag.tensor([[0.5, 0.5], [0.7, 0.7]])).tolist() == [True, False]
    assert C.independent(C.positive, 1).check(ag.tensor([[1.0, 2.0], [1.0, -1.0]])).tolist() == [True, False]
    assert C.positive_definite.check(ag.tensor([[[2.0, 0.0], [0.0, 1.0]], [[1.0, 2.0], [2.0, 1.0]]])).tolist() == \
        [True, False]
    assert C.positive_semidefinite.check(ag.tensor([[1.0, 1.0], [1.0, 1.0]])).item()
    assert C.corr_cholesky.check(ag.tensor([[1.0, 0.0], [0.6, 0.8]])).item()
    assert C.one_hot.check(ag.tensor([[0.0, 1.0], [1.0, 1.0]])).tolist() == [True, False]
    assert C.cat([C.positive, C.real], 0, [1, 2]).check(ag.tensor([-1.0, -1.0, 3.0])).tolist() == [False, True, True]
    assert C.stack([C.positive, C.real], 0).check(ag.tensor([-1.0, -1.0])).tolist() == [False, True]
    assert C.is_dependent(C.dependent) and not C.is_dependent(C.real)
    with pytest.raises(ValueError, match="Cannot determine validity of dependent constraint"):
        C.dependent.check(x)
    with pytest.raises(NotImplementedError, match=".event_dim cannot be determined statically"):
        C.dependent.event_dim
    assert D.Uniform.support.event_dim == 0 and not D.Uniform.support.is_discrete
