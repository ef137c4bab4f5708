"""Activation layers that draw random numbers: RReLU."""
from autograd.ops.random_activations import rrelu

from .module import Layer

__all__ = ["RReLU"]


class RReLU(Layer):
    """Randomized leaky ReLU: slopes drawn from U(lower, upper) per element in training, (lower + upper) / 2 in
    eval."""

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, inplace=False):
        super().__init__()
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, input):
        """Apply rrelu (random slopes when training)."""
        return rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self):
        return f"lower={self.lower}, upper={self.upper}" + (", inplace=True" if self.inplace else "")
