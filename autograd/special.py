"""autograd.special: torch.special's functions with its names and signatures (its aliases are the same objects).

scipy.special computes them on the CPU and cupyx.scipy.special on the GPU; the orthogonal polynomials
(chebyshev_polynomial_t, hermite_polynomial_h, ...) come from their recurrences (autograd/ops/polynomials.py).
"""
from .ops.activation import log_softmax, softmax
from .ops.elementwise_extra import exp2
from .ops.reduce import logsumexp
from .ops.special import (airy_ai, bessel_j0, bessel_j1, bessel_y0, bessel_y1, digamma, entr, erfc, erfcx, erfinv,
                          i0, i0e, i1, i1e, igamma, igammac, lgamma, log_ndtr, modified_bessel_i0, modified_bessel_i1,
                          modified_bessel_k0, modified_bessel_k1, mvlgamma, ndtr, ndtri, polygamma,
                          scaled_modified_bessel_k0, scaled_modified_bessel_k1, sinc, spherical_bessel_j0, xlog1py,
                          xlogy, zeta)
from .ops.polynomials import *  # noqa: F401,F403
from .ops.polynomials import __all__ as _POLYNOMIALS
from .ops.unary import erf, expm1, log1p, logit, round
from .ops.unary import sigmoid as expit

psi = digamma
gammaln = lgamma
multigammaln = mvlgamma
gammainc = igamma
gammaincc = igammac

__all__ = ["airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "digamma", "entr", "erf", "erfc", "erfcx",
           "erfinv", "exp2", "expit", "expm1", "gammainc", "gammaincc", "gammaln", "i0", "i0e", "i1", "i1e", "log1p",
           "log_ndtr", "log_softmax", "logit", "logsumexp", "modified_bessel_i0", "modified_bessel_i1",
           "modified_bessel_k0", "modified_bessel_k1", "multigammaln", "ndtr", "ndtri", "polygamma", "psi", "round",
           "scaled_modified_bessel_k0", "scaled_modified_bessel_k1", "sinc", "softmax", "spherical_bessel_j0",
           "xlog1py", "xlogy", "zeta"] + _POLYNOMIALS
