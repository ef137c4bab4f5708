"""More transforms: Abs, Power, Softplus, StickBreaking, LowerCholesky, PositiveDefinite and Independent."""
import numbers

import numpy as np

from .. import creation, linalg
from .. import ops as _ops
from . import constraints
from .transforms import Transform, _broadcast
from .utils import sum_rightmost

__all__ = ["AbsTransform", "IndependentTransform", "LowerCholeskyTransform", "PositiveDefiniteTransform",
           "PowerTransform", "SoftplusTransform", "StickBreakingTransform"]


class AbsTransform(Transform):
    """y = |x| (not injective: its inverse picks the non-negative root)."""

    domain = constraints.real
    codomain = constraints.positive

    def __eq__(self, other):
        return isinstance(other, AbsTransform)

    __hash__ = object.__hash__

    def _call(self, x):
        return x.abs()

    def _inverse(self, y):
        return y


class PowerTransform(Transform):
    """y = x ** exponent on the positive reals."""

    domain = constraints.positive
    codomain = constraints.positive
    bijective = True

    def __init__(self, exponent, cache_size=0):
        super().__init__(cache_size=cache_size)
        self.exponent = exponent

    def with_cache(self, cache_size=1):
        """This transform with the given cache size."""
        return self if self._cache_size == cache_size else PowerTransform(self.exponent, cache_size=cache_size)

    @property
    def sign(self):
        """The sign of the exponent."""
        e = self.exponent
        if isinstance(e, numbers.Real):
            return 1 if e > 0 else -1 if e < 0 else 0
        return e.sign()

    def __eq__(self, other):
        if not isinstance(other, PowerTransform):
            return False
        mine, theirs = self.exponent, other.exponent
        if isinstance(mine, numbers.Number) and isinstance(theirs, numbers.Number):
            return mine == theirs
        return bool((mine == theirs).all())

    __hash__ = object.__hash__

    def _call(self, x):
        return x.pow(self.exponent)

    def _inverse(self, y):
        return y.pow(1 / self.exponent)

    def log_abs_det_jacobian(self, x, y):
        """log|exponent y / x|."""
        return (self.exponent * y / x).abs().log()

    def forward_shape(self, shape):
        """shape broadcast with the exponent's."""
        return _broadcast(shape, self.exponent)

    def inverse_shape(self, shape):
        """shape broadcast with the exponent's."""
        return _broadcast(shape, self.exponent)


class SoftplusTransform(Transform):
    """y = log(1 + exp(x)), the inverse being x = y + log(1 - exp(-y))."""

    domain = constraints.real
    codomain = constraints.positive
    bijective = True
    sign = +1

    def __eq__(self, other):
        return isinstance(other, SoftplusTransform)

    __hash__ = object.__hash__

    def _call(self, x):
        return _ops.softplus(x)

    def _inverse(self, y):
        return (-y).expm1().neg().log() + y

    def log_abs_det_jacobian(self, x, y):
        """-softplus(-x)."""
        return -_ops.softplus(-x)


def _stick_offsets(x):
    """K - 1, K - 2, ..., 1 along the last dim of x (of size K - 1): how many sticks are left at each break."""
    return x.shape[-1] + 1 - creation.ones_like(x).cumsum(-1)


class StickBreakingTransform(Transform):
    """R^(K-1) to the K-simplex by stick breaking: each coordinate takes a sigmoid share of what is left."""

    domain = constraints.independent(constraints.real, 1)
    codomain = constraints.simplex
    bijective = True

    def __eq__(self, other):
        return isinstance(other, StickBreakingTransform)

    __hash__ = object.__hash__

    def _call(self, x):
        z = (x - _stick_offsets(x).log()).sigmoid()
        left = (1 - z).cumprod(-1)
        return _ops.pad(z, (0, 1), value=1) * _ops.pad(left, (1, 0), value=1)

    def _inverse(self, y):
        head = y[..., :-1]
        rest = (1 - head.cumsum(-1)).clamp(min=float(np.finfo(y.dtype).tiny))
        return head.log() - rest.log() + _stick_offsets(head).log()

    def log_abs_det_jacobian(self, x, y):
        """sum(-x' + logsigmoid(x') + log y[:-1]) with x' = x - log(offsets)."""
        shifted = x - _stick_offsets(x).log()
        return (-shifted - _ops.softplus(-shifted) + y[..., :-1].log()).sum(-1)

    def forward_shape(self, shape):
        """One more coordinate on the last dim."""
        if len(shape) < 1:
            raise ValueError("Too few dimensions on input")
        return type(shape)(tuple(shape[:-1]) + (shape[-1] + 1,))

    def inverse_shape(self, shape):
        """One fewer coordinate on the last dim."""
        if len(shape) < 1:
            raise ValueError("Too few dimensions on input")
        return type(shape)(tuple(shape[:-1]) + (shape[-1] - 1,))


class LowerCholeskyTransform(Transform):
    """A square matrix to a lower-triangular one with a positive diagonal: its strict lower part, exp(diagonal)."""

    domain = constraints.independent(constraints.real, 2)
    codomain = constraints.lower_cholesky

    def __eq__(self, other):
        return isinstance(other, LowerCholeskyTransform)

    __hash__ = object.__hash__

    def _call(self, x):
        return x.tril(-1) + _ops.diag_embed(x.diagonal(dim1=-2, dim2=-1).exp())

    def _inverse(self, y):
        return y.tril(-1) + _ops.diag_embed(y.diagonal(dim1=-2, dim2=-1).log())


class PositiveDefiniteTransform(Transform):
    """A square matrix to a positive definite one: L L^T with L its LowerCholeskyTransform."""

    domain = constraints.independent(constraints.real, 2)
    codomain = constraints.positive_definite

    def __eq__(self, other):
        return isinstance(other, PositiveDefiniteTransform)

    __hash__ = object.__hash__

    def _call(self, x):
        low = LowerCholeskyTransform()(x)
        return low @ low.mT

    def _inverse(self, y):
        return LowerCholeskyTransform().inv(linalg.cholesky(y))


class IndependentTransform(Transform):
    """base_transform acting on events of reinterpreted_batch_ndims more dims (its log-Jacobian summed over them)."""

    def __init__(self, base_transform, reinterpreted_batch_ndims, cache_size=0):
        super().__init__(cache_size=cache_size)
        self.base_transform = base_transform.with_cache(cache_size)
        self.reinterpreted_batch_ndims = reinterpreted_batch_ndims

    def with_cache(self, cache_size=1):
        """This transform with the given cache size."""
        if self._cache_size == cache_size:
            return self
        return IndependentTransform(self.base_transform, self.reinterpreted_batch_ndims, cache_size=cache_size)

    @constraints.dependent_property(is_discrete=False)
    def domain(self):
        """The base domain over reinterpreted_batch_ndims more dims."""
        return constraints.independent(self.base_transform.domain, self.reinterpreted_batch_ndims)

    @constraints.dependent_property(is_discrete=False)
    def codomain(self):
        """The base codomain over reinterpreted_batch_ndims more dims."""
        return constraints.independent(self.base_transform.codomain, self.reinterpreted_batch_ndims)

    @property
    def bijective(self):
        """Whether the base transform is."""
        return self.base_transform.bijective

    @property
    def sign(self):
        """The base transform's sign."""
        return self.base_transform.sign

    def _call(self, x):
        if x.dim() < self.domain.event_dim:
            raise ValueError("Too few dimensions on input")
        return self.base_transform(x)

    def _inverse(self, y):
        if y.dim() < self.codomain.event_dim:
            raise ValueError("Too few dimensions on input")
        return self.base_transform.inv(y)

    def log_abs_det_jacobian(self, x, y):
        """The base log-Jacobian summed over the reinterpreted dims."""
        return sum_rightmost(self.base_transform.log_abs_det_jacobian(x, y), self.reinterpreted_batch_ndims)

    def __repr__(self):
        return f"{self.__class__.__name__}({self.base_transform!r}, {self.reinterpreted_batch_ndims})"

    def forward_shape(self, shape):
        """The base transform's forward shape."""
        return self.base_transform.forward_shape(shape)

    def inverse_shape(self, shape):
        """The base transform's inverse shape."""
        return self.base_transform.inverse_shape(shape)
