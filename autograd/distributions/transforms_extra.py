"""More transforms: AbsTransform, PowerTransform and SoftplusTransform."""
import numbers

from .. import ops as _ops
from . import constraints
from .transforms import Transform, _broadcast

__all__ = ["AbsTransform", "PowerTransform", "SoftplusTransform"]


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
