"""Probability distributions (torch.distributions): sampling, log-densities, entropies and KL divergences."""
from . import constraints, kl, transforms, utils
from .constraints import Constraint
from .continuous import Exponential, Laplace, Normal, Uniform
from .discrete import (Bernoulli, Binomial, Categorical, Multinomial, OneHotCategorical,
                       OneHotCategoricalStraightThrough, Poisson)
from .distribution import Distribution
from .gamma import Beta, Dirichlet, Gamma
from .kl import kl_divergence, register_kl
from .multivariate import LowRankMultivariateNormal, MultivariateNormal
from .transformed import (ExpRelaxedCategorical, LogitRelaxedBernoulli, LogNormal, RelaxedBernoulli,
                          RelaxedOneHotCategorical, TransformedDistribution)
from .transforms import (AffineTransform, ComposeTransform, ExpTransform, SigmoidTransform, SoftmaxTransform,
                         TanhTransform, Transform, identity_transform)
from .wrappers import Independent, MixtureSameFamily

__all__ = ["AffineTransform", "Bernoulli", "Beta", "Binomial", "Categorical", "ComposeTransform", "Constraint",
           "Dirichlet", "Distribution", "ExpRelaxedCategorical", "ExpTransform", "Exponential", "Gamma", "Independent",
           "Laplace", "LogNormal", "LogitRelaxedBernoulli", "LowRankMultivariateNormal", "MixtureSameFamily",
           "Multinomial", "MultivariateNormal", "Normal", "OneHotCategorical", "OneHotCategoricalStraightThrough",
           "Poisson", "RelaxedBernoulli", "RelaxedOneHotCategorical", "SigmoidTransform", "SoftmaxTransform",
           "TanhTransform", "Transform", "TransformedDistribution", "Uniform", "constraints", "identity_transform",
           "kl", "kl_divergence", "register_kl", "transforms", "utils"]
