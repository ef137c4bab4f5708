"""Probability distributions (torch.distributions): sampling, log-densities, entropies and KL divergences."""
from . import constraint_registry, constraints, kl, transforms, utils
from .constraint_registry import biject_to, transform_to
from .constraints import Constraint
from .continuous import Exponential, Laplace, Normal, Uniform
from .counts import Geometric, NegativeBinomial
from .discrete import (Bernoulli, Binomial, Categorical, Multinomial, OneHotCategorical,
                       OneHotCategoricalStraightThrough, Poisson)
from .distribution import Distribution
from .gamma import Beta, Dirichlet, Gamma
from .heavy_tailed import Cauchy, Chi2, Gumbel, HalfCauchy, HalfNormal, Pareto, StudentT, Weibull
from .kl import kl_divergence, register_kl
from .multivariate import LowRankMultivariateNormal, MultivariateNormal
from .transformed import (ExpRelaxedCategorical, LogitRelaxedBernoulli, LogNormal, RelaxedBernoulli,
                          RelaxedOneHotCategorical, TransformedDistribution)
from .transforms import (AffineTransform, ComposeTransform, ExpTransform, SigmoidTransform, SoftmaxTransform,
                         TanhTransform, Transform, identity_transform)
from .transforms_extra import (AbsTransform, IndependentTransform, LowerCholeskyTransform, PositiveDefiniteTransform,
                               PowerTransform, SoftplusTransform, StickBreakingTransform)
from .wrappers import Independent, MixtureSameFamily

__all__ = ["AbsTransform", "AffineTransform", "Bernoulli", "Beta", "Binomial", "Categorical", "Cauchy", "Chi2",
           "ComposeTransform", "Constraint", "Dirichlet", "Distribution", "ExpRelaxedCategorical", "ExpTransform",
           "Exponential", "Gamma", "Geometric", "Gumbel", "HalfCauchy", "HalfNormal", "Independent",
           "IndependentTransform", "Laplace", "LogNormal", "LogitRelaxedBernoulli", "LowRankMultivariateNormal",
           "LowerCholeskyTransform", "MixtureSameFamily", "Multinomial", "MultivariateNormal", "NegativeBinomial",
           "Normal", "OneHotCategorical", "OneHotCategoricalStraightThrough", "Pareto", "Poisson",
           "PositiveDefiniteTransform", "PowerTransform", "RelaxedBernoulli", "RelaxedOneHotCategorical",
           "SigmoidTransform", "SoftmaxTransform", "SoftplusTransform", "StickBreakingTransform", "StudentT",
           "TanhTransform", "Transform", "TransformedDistribution", "Uniform", "Weibull", "biject_to",
           "constraint_registry", "constraints", "identity_transform", "kl", "kl_divergence", "register_kl",
           "transform_to", "transforms", "utils"]
