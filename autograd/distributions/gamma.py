"""Gamma, Beta and Dirichlet distributions, with reparameterized (differentiable) gamma samples."""
import numbers

import numpy as np

from .. import creation, dtypes, gradmath, random
from .. import ops as _ops
from .._tensor import Size, Tensor
from ..function import Op
from ..ops.special import evaluate, special_fn
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["Beta", "Dirichlet", "Gamma", "standard_gamma"]


def _igamma(a, x, upper):
    """The regularized lower (or upper) incomplete gamma function, on arrays or (recorded) on Tensors."""
    if isinstance(a, Tensor):
        return _ops.igammac(a, x) if upper else _ops.igamma(a, x)
    return evaluate("gammaincc" if upper else "gammainc", a, x)


def _dsample_dalpha(a, x):
    """d x / d a of x = P^-1(u; a) at fixed u: -(dP/da) / (dP/dx), with P the regularized lower incomplete gamma
    function and dP/dx = x^(a-1) e^-x / Gamma(a). dP/da is a Richardson-extrapolated central difference in a
    (relative step 1e-3, error ~1e-12), taken on -Q = P - 1 in the upper tail, where P is near 1."""
    dt = a.dtype
    a, x = gradmath.cast(a, dtypes.float64), gradmath.cast(x, dtypes.float64)
    upper = gradmath.array(_igamma(gradmath.array(a), gradmath.array(x), False)) > 0.5

    def central(h):
        dp = _igamma(a + h, x, False) - _igamma(a - h, x, False)
        dq = _igamma(a - h, x, True) - _igamma(a + h, x, True)
        return gradmath.where(upper, dq, dp) / (2 * h)

    h = a * 1e-3
    dp_da = (4 * central(h / 2) - central(h)) / 3
    lgamma_a = a.lgamma() if isinstance(a, Tensor) else evaluate("gammaln", a)
    log_pdf = (a - 1) * gradmath.log(x) - x - lgamma_a
    return gradmath.cast(-dp_da * gradmath.exp(-log_pdf), dt)


class StandardGamma(Op):
    """Gamma(alpha, 1) draws by inverse CDF, x = P^-1(u; alpha) for given uniforms u; the gradient in alpha is the
    implicit one at fixed u (first order: differentiating it again in alpha raises, as igamma's does)."""

    __slots__ = ()
    fp_errors = True

    def forward(ctx, alpha, u):
        a64 = alpha.astype(np.float64)
        x = special_fn("gammaincinv", a64)(a64, u)
        xp = gradmath.xp(alpha)
        x = xp.maximum(x, float(np.finfo(alpha.dtype).tiny)).astype(alpha.dtype, copy=False)
        ctx.save_for_backward(alpha, x)
        return x

    def backward(ctx, gy):
        alpha, x = ctx.saved_tensors
        return gy * _dsample_dalpha(alpha, x), None


def standard_gamma(alpha):
    """Differentiable Gamma(alpha, 1) samples of alpha's shape (torch._standard_gamma), from the default
    generator."""
    u = random.rand(tuple(alpha.shape), dtype=dtypes.float64, device=alpha.device).array
    return StandardGamma.apply(alpha, u)


class Gamma(Distribution):
    """The gamma distribution of shape `concentration` and rate `rate` (density ~ x^(c-1) e^(-rate x))."""

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, concentration, rate, validate_args=None):
        self.concentration, self.rate = broadcast_all(concentration, rate)
        if isinstance(concentration, numbers.Number) and isinstance(rate, numbers.Number):
            batch_shape = Size()
        else:
            batch_shape = self.concentration.shape
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        """This distribution with its parameters expanded to batch_shape."""
        return self._expand_tensors(Gamma, batch_shape, ("concentration", "rate"), _instance)

    @property
    def mean(self):
        """concentration / rate."""
        return self.concentration / self.rate

    @property
    def mode(self):
        """(concentration - 1) / rate, or 0 when concentration < 1."""
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self):
        """concentration / rate ** 2."""
        return self.concentration / self.rate.pow(2)

    def rsample(self, sample_shape=Size()):
        """standard_gamma(concentration) / rate, differentiable in both."""
        shape = tuple(self._extended_shape(sample_shape))
        return standard_gamma(self.concentration.expand(shape)) / self.rate.expand(shape)

    def log_prob(self, value):
        """c log(rate) + (c - 1) log(value) - rate value - lgamma(c)."""
        if self._validate_args:
            self._validate_sample(value)
        value = _as_tensor(value, self.rate)
        return (_ops.xlogy(self.concentration, self.rate) + _ops.xlogy(self.concentration - 1, value)
                - self.rate * value - self.concentration.lgamma())

    def entropy(self):
        """c - log(rate) + lgamma(c) + (1 - c) digamma(c)."""
        c = self.concentration
        return c - self.rate.log() + c.lgamma() + (1.0 - c) * c.digamma()

    def cdf(self, value):
        """P(concentration, rate value) (differentiable in value and rate, not in concentration)."""
        if self._validate_args:
            self._validate_sample(value)
        return _ops.igamma(self.concentration, self.rate * value)


def _as_tensor(value, like):
    return value if isinstance(value, Tensor) else creation.tensor(value, dtype=like.dtype, device=like.device)


class Dirichlet(Distribution):
    """The Dirichlet distribution over the simplex, of concentration vectors along the last dimension."""

    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, concentration, validate_args=None):
        if concentration.dim() < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        super().__init__(concentration.shape[:-1], concentration.shape[-1:], validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        """This distribution with its concentration expanded to batch_shape."""
        new = self._get_checked_instance(Dirichlet, _instance)
        batch_shape = Size(batch_shape)
        new.concentration = self.concentration.expand(tuple(batch_shape) + tuple(self.event_shape))
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def rsample(self, sample_shape=Size()):
        """Normalised independent Gamma(concentration_k, 1) draws, differentiable in the concentration."""
        shape = tuple(self._extended_shape(sample_shape))
        g = standard_gamma(self.concentration.expand(shape))
        return g / g.sum(-1, keepdim=True)

    def log_prob(self, value):
        """sum (c_k - 1) log(value_k) + lgamma(sum c) - sum lgamma(c_k)."""
        if self._validate_args:
            self._validate_sample(value)
        c = self.concentration
        return _ops.xlogy(c - 1.0, value).sum(-1) + c.sum(-1).lgamma() - c.lgamma().sum(-1)

    @property
    def mean(self):
        """concentration / sum(concentration)."""
        return self.concentration / self.concentration.sum(-1, keepdim=True)

    @property
    def mode(self):
        """(c - 1) / sum(c - 1) with negatives clamped to 0; a vertex (the largest c) when every c < 1."""
        concm1 = (self.concentration - 1).clamp(min=0.0)
        mode = concm1 / concm1.sum(-1, keepdim=True)
        vertex = _ops.one_hot(self.concentration.argmax(-1), concm1.shape[-1]).to(mode.dtype)
        return _ops.where((self.concentration < 1).all(-1, keepdim=True), vertex, mode)

    @property
    def variance(self):
        """c_k (c_0 - c_k) / (c_0 ** 2 (c_0 + 1)) with c_0 = sum(c)."""
        con0 = self.concentration.sum(-1, keepdim=True)
        return self.concentration * (con0 - self.concentration) / (con0.pow(2) * (con0 + 1))

    def entropy(self):
        """sum lgamma(c_k) - lgamma(c_0) - (K - c_0) digamma(c_0) - sum (c_k - 1) digamma(c_k)."""
        c = self.concentration
        k = c.shape[-1]
        a0 = c.sum(-1)
        return c.lgamma().sum(-1) - a0.lgamma() - (k - a0) * a0.digamma() - ((c - 1.0) * c.digamma()).sum(-1)


class Beta(Distribution):
    """The beta distribution on [0, 1], of concentrations concentration1 (alpha) and concentration0 (beta)."""

    arg_constraints = {"concentration1": constraints.positive, "concentration0": constraints.positive}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, concentration1, concentration0, validate_args=None):
        if isinstance(concentration1, numbers.Number) and isinstance(concentration0, numbers.Number):
            c10 = creation.tensor([float(concentration1), float(concentration0)])
        else:
            concentration1, concentration0 = broadcast_all(concentration1, concentration0)
            c10 = _ops.stack([concentration1, concentration0], -1)
        self._dirichlet = Dirichlet(c10, validate_args=validate_args)
        super().__init__(self._dirichlet._batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        """This distribution with parameters expanded to batch_shape."""
        new = self._get_checked_instance(Beta, _instance)
        batch_shape = Size(batch_shape)
        new._dirichlet = self._dirichlet.expand(batch_shape)
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def concentration1(self):
        """alpha."""
        return self._dirichlet.concentration[..., 0]

    @property
    def concentration0(self):
        """beta."""
        return self._dirichlet.concentration[..., 1]

    @property
    def mean(self):
        """alpha / (alpha + beta)."""
        return self.concentration1 / (self.concentration1 + self.concentration0)

    @property
    def mode(self):
        """The mode of the two-component Dirichlet, first component."""
        return self._dirichlet.mode[..., 0]

    @property
    def variance(self):
        """alpha beta / ((alpha + beta) ** 2 (alpha + beta + 1))."""
        total = self.concentration1 + self.concentration0
        return self.concentration1 * self.concentration0 / (total.pow(2) * (total + 1))

    def rsample(self, sample_shape=Size()):
        """The first component of a Dirichlet((alpha, beta)) draw, differentiable in both."""
        return self._dirichlet.rsample(sample_shape).select(-1, 0)

    def log_prob(self, value):
        """The Dirichlet log-density of (value, 1 - value)."""
        if self._validate_args:
            self._validate_sample(value)
        value = _as_tensor(value, self.concentration1)
        return self._dirichlet.log_prob(_ops.stack([value, 1.0 - value], -1))

    def entropy(self):
        """The entropy of the two-component Dirichlet."""
        return self._dirichlet.entropy()
