"""Distance layers: CosineSimilarity and PairwiseDistance, as torch.nn's."""
from autograd.ops.normalization import cosine_similarity, pairwise_distance

from .module import Layer

__all__ = ["CosineSimilarity", "PairwiseDistance"]


class CosineSimilarity(Layer):
    """x1 . x2 / max(||x1|| ||x2||, eps) along dim (the inputs broadcast)."""

    def __init__(self, dim=1, eps=1e-8):
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1, x2):
        """The cosine similarity of x1 and x2 along dim."""
        return cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Layer):
    """||x1 - x2 + eps||_p along the last dim, row by row (the inputs broadcast)."""

    def __init__(self, p=2.0, eps=1e-6, keepdim=False):
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1, x2):
        """The p-norm distance of each pair of rows."""
        return pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
