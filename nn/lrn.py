"""Local response normalization layers: LocalResponseNorm, CrossMapLRN2d."""
from autograd.ops import lrn

from .module import Layer

__all__ = ["LocalResponseNorm", "CrossMapLRN2d"]


class _LRN(Layer):
    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def extra_repr(self):
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


class LocalResponseNorm(_LRN):
    """x / (k + alpha * mean of x^2 over `size` neighbouring channels)^beta, over dim 1."""

    def forward(self, input):
        """Normalize input (N, C, ...) across its channels."""
        return lrn.local_response_norm(input, self.size, self.alpha, self.beta, self.k)


class CrossMapLRN2d(_LRN):
    """The legacy cross-channel LRN of 4-D input, with PyTorch's numbers (see autograd.ops.lrn.cross_map_lrn2d)."""

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1):
        super().__init__(size, alpha, beta, k)

    def forward(self, input):
        """Normalize input (N, C, H, W) across its channels."""
        return lrn.cross_map_lrn2d(input, self.size, self.alpha, self.beta, self.k)
