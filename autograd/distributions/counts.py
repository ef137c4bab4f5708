"""Geometric and NegativeBinomial distributions: counts of failures before a success."""
import numbers

import numpy as np

from .. import creation, grad_mode, random
from .. import ops as _ops
from .._tensor import Size
from . import constraints
from .discrete import _one_of
from .distribution import Distribution
from .gamma import Gamma
from .utils import BinaryParams, broadcast_all

__all__ = ["Geometric", "NegativeBinomial"]


def _logsigmoid(x):
    return -_ops.softplus(-x)


class Geometric(BinaryParams, Distribution):
    """The number of failures before the first success of Bernoulli(probs) trials."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, probs=None, logits=None, validate_args=None):
        _one_of(probs, logits)
        param = probs if probs is not None else logits
        if probs is not None:
            (self.probs,) = broadcast_all(probs)
        else:
            (self.logits,) = broadcast_all(logits)
        self._param = self.probs if probs is not None else self.logits
        batch_shape = Size() if isinstance(param, numbers.Number) else self._param.shape
        super().__init__(batch_shape, validate_args=validate_args)
        if self._validate_args and probs is not None and not bool((self.probs > 0).all()):
            bad = self.probs[~(self.probs > 0)]
            raise ValueError(f"Expected parameter probs ({type(self.probs).__name__} of shape "
                             f"{tuple(self.probs.shape)}) of distribution {self!r} to be positive but found invalid "
                             f"values:\n{bad}")

    def expand(self, batch_shape, _instance=None):
        """This distribution with its parameter expanded to batch_shape."""
        return self._expand_tensors(Geometric, batch_shape, ("probs", "logits"), _instance)

    @property
    def mean(self):
        """1 / probs - 1."""
        return 1.0 / self.probs - 1.0

    @property
    def mode(self):
        """0."""
        return creation.zeros_like(self.probs)

    @property
    def variance(self):
        """(1 / probs - 1) / probs."""
        return (1.0 / self.probs - 1.0) / self.probs

    def sample(self, sample_shape=Size()):
        """floor(log(u) / log(1 - probs)) with u uniform in (0, 1)."""
        shape = self._extended_shape(sample_shape)
        with grad_mode.no_grad():
            tiny = float(np.finfo(self.probs.dtype).tiny)
            u = random.rand(tuple(shape), dtype=self.probs.dtype, device=self.probs.device).clamp(min=tiny)
            return (u.log() / (-self.probs).log1p()).floor()

    def log_prob(self, value):
        """value log(1 - probs) + log(probs), with 0 log 0 = 0 where probs is 1 and value 0."""
        if self._validate_args:
            self._validate_sample(value)
        value, probs = broadcast_all(value, self.probs)
        certain = (probs == 1) & (value == 0)
        safe = _ops.where(certain, creation.zeros_like(probs), probs)
        return value * (-safe).log1p() + self.probs.log()

    def entropy(self):
        """Binary cross-entropy of probs with its own logits, divided by probs."""
        return _ops.binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none") / self.probs


class NegativeBinomial(BinaryParams, Distribution):
    """The number of failures before total_count successes of Bernoulli(probs) trials (total_count may be real)."""

    arg_constraints = {"total_count": constraints.greater_than_eq(0), "probs": constraints.half_open_interval(0.0, 1.0),
                       "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, total_count, probs=None, logits=None, validate_args=None):
        _one_of(probs, logits)
        if probs is not None:
            self.total_count, self.probs = broadcast_all(total_count, probs)
            self.total_count = self.total_count.to(self.probs.dtype)
        else:
            self.total_count, self.logits = broadcast_all(total_count, logits)
            self.total_count = self.total_count.to(self.logits.dtype)
        self._param = self.probs if probs is not None else self.logits
        super().__init__(self._param.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        """This distribution with its parameters expanded to batch_shape."""
        return self._expand_tensors(NegativeBinomial, batch_shape, ("total_count", "probs", "logits"), _instance)

    @property
    def mean(self):
        """total_count exp(logits)."""
        return self.total_count * self.logits.exp()

    @property
    def mode(self):
        """floor((total_count - 1) exp(logits)), at least 0."""
        return ((self.total_count - 1) * self.logits.exp()).floor().clamp(min=0.0)

    @property
    def variance(self):
        """mean / (1 - probs)."""
        return self.mean / (-self.logits).sigmoid()

    def sample(self, sample_shape=Size()):
        """Poisson draws whose rates are Gamma(total_count, exp(-logits)) draws."""
        with grad_mode.no_grad():
            rate = Gamma(self.total_count, (-self.logits).exp(), validate_args=False).sample(sample_shape)
            return _ops.poisson(rate)

    def log_prob(self, value):
        """total_count log(1 - p) + value log(p) + lgamma(total_count + value) - lgamma(1 + value) -
        lgamma(total_count) (the last three 0 where total_count + value is 0)."""
        if self._validate_args:
            self._validate_sample(value)
        unnormalized = self.total_count * _logsigmoid(-self.logits) + value * _logsigmoid(self.logits)
        norm = -(self.total_count + value).lgamma() + (1.0 + value).lgamma() + self.total_count.lgamma()
        norm = _ops.where(self.total_count + value == 0.0, creation.zeros_like(norm), norm)
        return unnormalized - norm
