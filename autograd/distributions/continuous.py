"""Normal, Uniform, Exponential and Laplace distributions."""
import math
import numbers

import numpy as np

from .. import grad_mode
from .. import ops as _ops
from .. import random
from .._tensor import Size
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["Exponential", "Laplace", "Normal", "Uniform"]

_LOG_SQRT_2PI = math.log(math.sqrt(2 * math.pi))


def standard_normal(shape, like):
    """N(0, 1) draws of `shape`, of the dtype and device of tensor `like` (from the default generator)."""
    return random.randn(tuple(shape), dtype=like.dtype, device=like.device)


def standard_uniform(shape, like):
    """U[0, 1) draws of `shape`, of the dtype and device of tensor `like`."""
    return random.rand(tuple(shape), dtype=like.dtype, device=like.device)


def _batch(*params):
    return Size() if all(isinstance(p, numbers.Number) for p in params) else None


class LocationScale(Distribution):
    """A family on the reals shifted by loc and stretched by scale: the shared parameters, mean and mode."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(_batch(loc, scale) or self.loc.shape, validate_args=validate_args)

    @property
    def mean(self):
        """loc."""
        return self.loc

    @property
    def mode(self):
        """loc."""
        return self.loc


class Normal(LocationScale):
    """The normal distribution N(loc, scale ** 2)."""

    def expand(self, batch_shape, _instance=None):
        """This distribution with its parameters expanded to batch_shape."""
        return self._expand_tensors(Normal, batch_shape, ("loc", "scale"), _instance)

    @property
    def stddev(self):
        """scale."""
        return self.scale

    @property
    def variance(self):
        """scale ** 2."""
        return self.stddev.pow(2)

    def sample(self, sample_shape=Size()):
        """Draws of shape sample_shape + batch_shape, off the tape."""
        with grad_mode.no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=Size()):
        """loc + scale * eps with eps ~ N(0, 1)."""
        shape = self._extended_shape(sample_shape)
        return self.loc + standard_normal(shape, self.loc) * self.scale

    def log_prob(self, value):
        """-(value - loc) ** 2 / (2 scale ** 2) - log(scale) - log(sqrt(2 pi))."""
        if self._validate_args:
            self._validate_sample(value)
        var = self.scale ** 2
        return -((value - self.loc) ** 2) / (2 * var) - self.scale.log() - _LOG_SQRT_2PI

    def cdf(self, value):
        """(1 + erf((value - loc) / (scale sqrt 2))) / 2."""
        if self._validate_args:
            self._validate_sample(value)
        return 0.5 * (1 + _ops.erf((value - self.loc) * self.scale.reciprocal() / math.sqrt(2)))

    def icdf(self, value):
        """loc + scale sqrt(2) erfinv(2 value - 1)."""
        return self.loc + self.scale * _ops.erfinv(2 * value - 1) * math.sqrt(2)

    def entropy(self):
        """1/2 + log(sqrt(2 pi)) + log(scale)."""
        return 0.5 + 0.5 * math.log(2 * math.pi) + self.scale.log()


class Uniform(Distribution):
    """The uniform distribution on the half-open interval [low, high)."""

    has_rsample = True

    def __init__(self, low, high, validate_args=None):
        self.low, self.high = broadcast_all(low, high)
        super().__init__(_batch(low, high) or self.low.shape, validate_args=validate_args)

    @property
    def arg_constraints(self):
        """low < high."""
        return {"low": constraints.less_than(self.high), "high": constraints.greater_than(self.low)}

    def expand(self, batch_shape, _instance=None):
        """This distribution with its parameters expanded to batch_shape."""
        return self._expand_tensors(Uniform, batch_shape, ("low", "high"), _instance)

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        """interval(low, high)."""
        return constraints.interval(self.low, self.high)

    @property
    def mean(self):
        """(low + high) / 2."""
        return (self.high + self.low) / 2

    @property
    def mode(self):
        """nan (every point of the interval is a mode)."""
        return math.nan * self.high

    @property
    def stddev(self):
        """(high - low) / sqrt(12)."""
        return (self.high - self.low) / 12 ** 0.5

    @property
    def variance(self):
        """(high - low) ** 2 / 12."""
        return (self.high - self.low).pow(2) / 12

    def rsample(self, sample_shape=Size()):
        """low + u (high - low) with u ~ U[0, 1)."""
        shape = self._extended_shape(sample_shape)
        return self.low + standard_uniform(shape, self.low) * (self.high - self.low)

    def log_prob(self, value):
        """-log(high - low) inside [low, high), -inf outside."""
        if self._validate_args:
            self._validate_sample(value)
        lb = (self.low <= value).to(self.low.dtype)
        ub = (self.high > value).to(self.low.dtype)
        return (lb * ub).log() - (self.high - self.low).log()

    def cdf(self, value):
        """(value - low) / (high - low), clamped to [0, 1]."""
        if self._validate_args:
            self._validate_sample(value)
        return ((value - self.low) / (self.high - self.low)).clamp(min=0, max=1)

    def icdf(self, value):
        """low + value (high - low)."""
        return value * (self.high - self.low) + self.low

    def entropy(self):
        """log(high - low)."""
        return (self.high - self.low).log()


class Exponential(Distribution):
    """The exponential distribution of rate `rate` (density rate exp(-rate x) on x >= 0)."""

    arg_constraints = {"rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, rate, validate_args=None):
        (self.rate,) = broadcast_all(rate)
        super().__init__(_batch(rate) or self.rate.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        """This distribution with its rate expanded to batch_shape."""
        return self._expand_tensors(Exponential, batch_shape, ("rate",), _instance)

    @property
    def mean(self):
        """1 / rate."""
        return self.rate.reciprocal()

    @property
    def mode(self):
        """0."""
        return _ops.zeros_like(self.rate)

    @property
    def stddev(self):
        """1 / rate."""
        return self.rate.reciprocal()

    @property
    def variance(self):
        """1 / rate ** 2."""
        return self.rate.pow(-2)

    def rsample(self, sample_shape=Size()):
        """E / rate with E = -log(1 - u) ~ Exp(1)."""
        shape = self._extended_shape(sample_shape)
        with grad_mode.no_grad():
            e = -(-standard_uniform(shape, self.rate)).log1p()
        return e / self.rate

    def log_prob(self, value):
        """log(rate) - rate value."""
        if self._validate_args:
            self._validate_sample(value)
        return self.rate.log() - self.rate * value

    def cdf(self, value):
        """1 - exp(-rate value)."""
        if self._validate_args:
            self._validate_sample(value)
        return 1 - (-self.rate * value).exp()

    def icdf(self, value):
        """-log(1 - value) / rate."""
        return -(-value).log1p() / self.rate

    def entropy(self):
        """1 - log(rate)."""
        return 1.0 - self.rate.log()


class Laplace(LocationScale):
    """The Laplace distribution of location loc and scale scale (density exp(-|x - loc| / scale) / (2 scale))."""

    def expand(self, batch_shape, _instance=None):
        """This distribution with its parameters expanded to batch_shape."""
        return self._expand_tensors(Laplace, batch_shape, ("loc", "scale"), _instance)

    @property
    def variance(self):
        """2 scale ** 2."""
        return 2 * self.scale.pow(2)

    @property
    def stddev(self):
        """sqrt(2) scale."""
        return (2 ** 0.5) * self.scale

    def rsample(self, sample_shape=Size()):
        """loc - scale sign(u) log(1 - |u|) with u uniform in (-1, 1)."""
        shape = self._extended_shape(sample_shape)
        eps = float(np.finfo(self.loc.dtype).eps)
        with grad_mode.no_grad():
            u = standard_uniform(shape, self.loc) * (2 - eps) + (eps - 1)
            noise = u.sign() * (-u.abs()).log1p()
        return self.loc - self.scale * noise

    def log_prob(self, value):
        """-log(2 scale) - |value - loc| / scale."""
        if self._validate_args:
            self._validate_sample(value)
        return -(2 * self.scale).log() - (value - self.loc).abs() / self.scale

    def cdf(self, value):
        """1/2 - sign(value - loc) expm1(-|value - loc| / scale) / 2."""
        if self._validate_args:
            self._validate_sample(value)
        d = value - self.loc
        return 0.5 - 0.5 * d.sign() * (-d.abs() / self.scale).expm1()

    def icdf(self, value):
        """loc - scale sign(value - 1/2) log(1 - 2 |value - 1/2|)."""
        term = value - 0.5
        return self.loc - self.scale * term.sign() * (-2 * term.abs()).log1p()

    def entropy(self):
        """1 + log(2 scale)."""
        return 1 + (2 * self.scale).log()
