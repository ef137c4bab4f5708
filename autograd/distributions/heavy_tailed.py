"""Cauchy, HalfCauchy, HalfNormal, StudentT, Gumbel, Weibull, Pareto and Chi2 distributions."""
import math
import numbers

import numpy as np

from .. import creation, grad_mode
from .. import ops as _ops
from .._tensor import Size
from . import constraints
from .continuous import Exponential, LocationScale, Normal, Uniform, standard_normal, standard_uniform
from .distribution import Distribution
from .gamma import Gamma, standard_gamma
from .transformed import TransformedDistribution
from .transforms import AffineTransform, ExpTransform
from .transforms_extra import AbsTransform, PowerTransform
from .utils import broadcast_all

__all__ = ["Cauchy", "Chi2", "Gumbel", "HalfCauchy", "HalfNormal", "Pareto", "StudentT", "Weibull"]

_EULER_GAMMA = 0.57721566490153286060


def _batch_of(first, *params):
    """The batch shape of broadcast parameters: () when every one was given as a Python number."""
    return Size() if all(isinstance(p, numbers.Number) for p in params) else first.shape


class Cauchy(LocationScale):
    """The Cauchy (Lorentz) distribution of median loc and half-width scale."""

    def expand(self, batch_shape, _instance=None):
        """This distribution with parameters expanded to batch_shape."""
        return self._expand_tensors(Cauchy, batch_shape, ("loc", "scale"), _instance)

    @property
    def mean(self):
        """nan: the Cauchy distribution has no mean."""
        return creation.full_like(self.loc, math.nan)

    @property
    def variance(self):
        """inf."""
        return creation.full_like(self.loc, math.inf)

    def rsample(self, sample_shape=Size()):
        """loc + scale tan(pi (u - 1/2)) with u ~ U[0, 1)."""
        shape = self._extended_shape(sample_shape)
        with grad_mode.no_grad():
            eps = (math.pi * (standard_uniform(shape, self.loc) - 0.5)).tan()
        return self.loc + eps * self.scale

    def log_prob(self, value):
        """-log(pi) - log(scale) - log(1 + ((value - loc) / scale) ** 2)."""
        if self._validate_args:
            self._validate_sample(value)
        return -math.log(math.pi) - self.scale.log() - (((value - self.loc) / self.scale) ** 2).log1p()

    def cdf(self, value):
        """atan((value - loc) / scale) / pi + 1/2."""
        if self._validate_args:
            self._validate_sample(value)
        return ((value - self.loc) / self.scale).atan() / math.pi + 0.5

    def icdf(self, value):
        """loc + scale tan(pi (value - 1/2))."""
        return (math.pi * (value - 0.5)).tan() * self.scale + self.loc

    def entropy(self):
        """log(4 pi) + log(scale)."""
        return math.log(4 * math.pi) + self.scale.log()


class _Folded(TransformedDistribution):
    """|X| for X symmetric about 0: log_prob, cdf, icdf and entropy from the base's, folded at 0."""

    support = constraints.nonnegative
    has_rsample = True

    def log_prob(self, value):
        """The base log-density plus log 2 for value >= 0, -inf below."""
        if self._validate_args:
            self._validate_sample(value)
        folded = self.base_dist.log_prob(value) + math.log(2)
        return _ops.where(value >= 0, folded, creation.full_like(folded, -math.inf))

    def cdf(self, value):
        """2 F(value) - 1 with F the base cdf."""
        if self._validate_args:
            self._validate_sample(value)
        return 2 * self.base_dist.cdf(value) - 1

    def icdf(self, prob):
        """The base icdf at (prob + 1) / 2."""
        return self.base_dist.icdf((prob + 1) / 2)

    def entropy(self):
        """The base entropy less log 2."""
        return self.base_dist.entropy() - math.log(2)


class HalfNormal(_Folded):
    """|X| for X ~ Normal(0, scale)."""

    arg_constraints = {"scale": constraints.positive}

    def __init__(self, scale, validate_args=None):
        super().__init__(Normal(0, scale, validate_args=False), AbsTransform(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        """This distribution with its scale expanded to batch_shape."""
        return super().expand(batch_shape, _instance=self._get_checked_instance(HalfNormal, _instance))

    @property
    def scale(self):
        """The scale of the normal that is folded."""
        return self.base_dist.scale

    @property
    def mean(self):
        """scale sqrt(2 / pi)."""
        return self.scale * math.sqrt(2 / math.pi)

    @property
    def mode(self):
        """0."""
        return creation.zeros_like(self.scale)

    @property
    def variance(self):
        """scale ** 2 (1 - 2 / pi)."""
        return self.scale.pow(2) * (1 - 2 / math.pi)


class HalfCauchy(_Folded):
    """|X| for X ~ Cauchy(0, scale)."""

    arg_constraints = {"scale": constraints.positive}

    def __init__(self, scale, validate_args=None):
        super().__init__(Cauchy(0, scale, validate_args=False), AbsTransform(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        """This distribution with its scale expanded to batch_shape."""
        return super().expand(batch_shape, _instance=self._get_checked_instance(HalfCauchy, _instance))

    @property
    def scale(self):
        """The scale of the Cauchy that is folded."""
        return self.base_dist.scale

    @property
    def mean(self):
        """inf."""
        return creation.full_like(self.scale, math.inf)

    @property
    def mode(self):
        """0."""
        return creation.zeros_like(self.scale)

    @property
    def variance(self):
        """inf."""
        return creation.full_like(self.scale, math.inf)


class StudentT(Distribution):
    """Student's t distribution with df degrees of freedom, shifted by loc and scaled by scale."""

    arg_constraints = {"df": constraints.positive, "loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, df, loc=0.0, scale=1.0, validate_args=None):
        self.df, self.loc, self.scale = broadcast_all(df, loc, scale)
        super().__init__(_batch_of(self.df, df, loc, scale), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        """This distribution with parameters expanded to batch_shape."""
        return self._expand_tensors(StudentT, batch_shape, ("df", "loc", "scale"), _instance)

    @property
    def mean(self):
        """loc where df > 1, nan elsewhere."""
        return _ops.where(self.df > 1, self.loc, creation.full_like(self.loc, math.nan))

    @property
    def mode(self):
        """loc."""
        return self.loc

    @property
    def variance(self):
        """scale ** 2 df / (df - 2) where df > 2, inf for 1 < df <= 2, nan for df <= 1."""
        m = self.scale.pow(2) * self.df / (self.df - 2)
        m = _ops.where(self.df <= 2, creation.full_like(m, math.inf), m)
        return _ops.where(self.df <= 1, creation.full_like(m, math.nan), m)

    def rsample(self, sample_shape=Size()):
        """loc + scale X / sqrt(V / df) with X ~ N(0, 1), V ~ Chi2(df) (differentiable in df through V)."""
        shape = tuple(self._extended_shape(sample_shape))
        x = standard_normal(shape, self.df)
        v = 2 * standard_gamma(0.5 * self.df.expand(shape))
        return self.loc + self.scale * x * (v / self.df).rsqrt()

    def log_prob(self, value):
        """-(df + 1)/2 log(1 + y ** 2 / df) - log(scale) - log(df pi)/2 - lgamma(df/2) + lgamma((df + 1)/2)."""
        if self._validate_args:
            self._validate_sample(value)
        y = (value - self.loc) / self.scale
        z = (self.scale.log() + 0.5 * self.df.log() + 0.5 * math.log(math.pi) + (0.5 * self.df).lgamma()
             - (0.5 * (self.df + 1.0)).lgamma())
        return -0.5 * (self.df + 1.0) * (y.pow(2) / self.df).log1p() - z

    def entropy(self):
        """log(scale) + (df + 1)/2 (digamma((df + 1)/2) - digamma(df/2)) + log(df)/2 + log B(df/2, 1/2)."""
        half = 0.5 * self.df
        lbeta = half.lgamma() + math.lgamma(0.5) - (half + 0.5).lgamma()
        return (self.scale.log() + (half + 0.5) * ((half + 0.5).digamma() - half.digamma())
                + 0.5 * self.df.log() + lbeta)


class Gumbel(TransformedDistribution):
    """The Gumbel (type-I extreme value) distribution of location loc and scale scale."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        fi = np.finfo(self.loc.dtype)
        base = Uniform(creation.full_like(self.loc, float(fi.tiny)), creation.full_like(self.loc, 1 - float(fi.eps)),
                       validate_args=validate_args)
        transforms = [ExpTransform().inv, AffineTransform(loc=0, scale=-1), ExpTransform().inv,
                      AffineTransform(loc=self.loc, scale=-self.scale)]
        super().__init__(base, transforms, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        """This distribution with parameters expanded to batch_shape."""
        new = self._get_checked_instance(Gumbel, _instance)
        new.loc = self.loc.expand(batch_shape)
        new.scale = self.scale.expand(batch_shape)
        return super().expand(batch_shape, _instance=new)

    def log_prob(self, value):
        """z - exp(z) - log(scale) with z = (loc - value) / scale."""
        if self._validate_args:
            self._validate_sample(value)
        z = (self.loc - value) / self.scale
        return (z - z.exp()) - self.scale.log()

    @property
    def mean(self):
        """loc + scale * Euler's gamma."""
        return self.loc + self.scale * _EULER_GAMMA

    @property
    def mode(self):
        """loc."""
        return self.loc

    @property
    def stddev(self):
        """pi scale / sqrt(6)."""
        return (math.pi / math.sqrt(6)) * self.scale

    @property
    def variance(self):
        """(pi scale) ** 2 / 6."""
        return self.stddev.pow(2)

    def entropy(self):
        """log(scale) + 1 + Euler's gamma."""
        return self.scale.log() + (1 + _EULER_GAMMA)


class Weibull(TransformedDistribution):
    """The Weibull distribution: scale * E ** (1 / concentration) for E ~ Exponential(1)."""

    arg_constraints = {"scale": constraints.positive, "concentration": constraints.positive}
    support = constraints.positive

    def __init__(self, scale, concentration, validate_args=None):
        self.scale, self.concentration = broadcast_all(scale, concentration)
        self.concentration_reciprocal = self.concentration.reciprocal()
        base = Exponential(creation.ones_like(self.scale), validate_args=validate_args)
        transforms = [PowerTransform(exponent=self.concentration_reciprocal),
                      AffineTransform(loc=0, scale=self.scale)]
        super().__init__(base, transforms, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        """This distribution with parameters expanded to batch_shape."""
        new = self._get_checked_instance(Weibull, _instance)
        new.scale = self.scale.expand(batch_shape)
        new.concentration = self.concentration.expand(batch_shape)
        new.concentration_reciprocal = new.concentration.reciprocal()
        base = self.base_dist.expand(batch_shape)
        transforms = [PowerTransform(exponent=new.concentration_reciprocal), AffineTransform(loc=0, scale=new.scale)]
        TransformedDistribution.__init__(new, base, transforms, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self):
        """scale Gamma(1 + 1 / concentration)."""
        return self.scale * (1 + self.concentration_reciprocal).lgamma().exp()

    @property
    def mode(self):
        """scale ((k - 1) / k) ** (1 / k) with k = concentration (0 at k = 1, nan below)."""
        k = self.concentration
        return self.scale * ((k - 1) / k) ** (1 / k)

    @property
    def variance(self):
        """scale ** 2 (Gamma(1 + 2 / k) - Gamma(1 + 1 / k) ** 2)."""
        r = self.concentration_reciprocal
        return self.scale.pow(2) * ((1 + 2 * r).lgamma().exp() - (1 + r).lgamma().exp().pow(2))

    def entropy(self):
        """Euler's gamma (1 - 1 / k) + log(scale / k) + 1."""
        return (_EULER_GAMMA * (1 - self.concentration_reciprocal) + (self.scale * self.concentration_reciprocal).log()
                + 1)


class Pareto(TransformedDistribution):
    """The Pareto type-I distribution: scale * exp(E) for E ~ Exponential(alpha), on [scale, inf)."""

    arg_constraints = {"alpha": constraints.positive, "scale": constraints.positive}

    def __init__(self, scale, alpha, validate_args=None):
        self.scale, self.alpha = broadcast_all(scale, alpha)
        base = Exponential(self.alpha, validate_args=validate_args)
        super().__init__(base, [ExpTransform(), AffineTransform(loc=0, scale=self.scale)],
                         validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        """This distribution with parameters expanded to batch_shape."""
        new = self._get_checked_instance(Pareto, _instance)
        new.scale = self.scale.expand(batch_shape)
        new.alpha = self.alpha.expand(batch_shape)
        return super().expand(batch_shape, _instance=new)

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        """[scale, inf)."""
        return constraints.greater_than_eq(self.scale)

    @property
    def mean(self):
        """alpha scale / (alpha - 1) for alpha > 1, inf otherwise."""
        a = self.alpha.clamp(min=1)
        return a * self.scale / (a - 1)

    @property
    def mode(self):
        """scale."""
        return self.scale

    @property
    def variance(self):
        """scale ** 2 alpha / ((alpha - 1) ** 2 (alpha - 2)) for alpha > 2, inf otherwise."""
        a = self.alpha.clamp(min=2)
        return self.scale.pow(2) * a / ((a - 1).pow(2) * (a - 2))

    def entropy(self):
        """log(scale / alpha) + 1 / alpha + 1."""
        return (self.scale / self.alpha).log() + (1 + self.alpha.reciprocal())


class Chi2(Gamma):
    """The chi-squared distribution with df degrees of freedom: Gamma(df / 2, 1 / 2)."""

    arg_constraints = {"df": constraints.positive}

    def __init__(self, df, validate_args=None):
        super().__init__(0.5 * broadcast_all(df)[0], 0.5, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        """This distribution with its df expanded to batch_shape."""
        return super().expand(batch_shape, _instance=self._get_checked_instance(Chi2, _instance))

    @property
    def df(self):
        """2 concentration."""
        return self.concentration * 2
