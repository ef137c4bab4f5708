"""AdaptiveLogSoftmaxWithLoss: a softmax over many classes as a head (frequent classes + clusters) and tails."""
import numbers
from collections import namedtuple

import autograd
from autograd import dtypes
from autograd.ops.activation import log_softmax

from .container import ModuleList, Sequential
from .linear import Linear
from .module import Layer

__all__ = ["AdaptiveLogSoftmaxWithLoss"]

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])


class AdaptiveLogSoftmaxWithLoss(Layer):
    """Efficient softmax approximation (Grave et al.): classes below cutoffs[0] sit in the head with one entry per
    tail cluster; cluster i holds classes cutoffs[i]..cutoffs[i+1]-1 behind a projection to
    in_features // div_value ** (i + 1) features. Parameter names and shapes are PyTorch's (head, tail.i.0, tail.i.1).
    """

    def __init__(self, in_features, n_classes, cutoffs, div_value=4.0, head_bias=False, device=None, dtype=None):
        super().__init__()
        cutoffs = list(cutoffs)
        if len(cutoffs) == 0:
            raise ValueError("AdaptiveLogSoftmaxWithLoss: cutoffs should be a sequence of length larger than 0")
        if (any(isinstance(c, bool) or not isinstance(c, numbers.Integral) for c in cutoffs)
                or cutoffs != sorted(cutoffs) or min(cutoffs) <= 0 or max(cutoffs) > n_classes - 1
                or len(set(cutoffs)) != len(cutoffs)):
            raise ValueError("AdaptiveLogSoftmaxWithLoss: cutoffs should be a sequence of unique, positive integers "
                             "sorted in an increasing order, where each value is between 1 and n_classes-1; got "
                             f"{cutoffs} for n_classes={n_classes}")
        self.in_features = in_features
        self.n_classes = n_classes
        self.cutoffs = [int(c) for c in cutoffs] + [n_classes]
        self.div_value = div_value
        self.head_bias = head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        self.head = Linear(in_features, self.head_size, bias=head_bias, device=device, dtype=dtype)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hidden = int(in_features // (div_value ** (i + 1)))
            size = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(Sequential(Linear(in_features, hidden, bias=False, device=device, dtype=dtype),
                                        Linear(hidden, size, bias=False, device=device, dtype=dtype)))

    def reset_parameters(self):
        """Re-initialize the head and every tail projection (Linear's default)."""
        self.head.reset_parameters()
        for proj, out in self.tail:
            proj.reset_parameters()
            out.reset_parameters()

    def _check_2d(self, input, op):
        if not isinstance(input, autograd.Tensor):
            raise TypeError(f"AdaptiveLogSoftmaxWithLoss.{op}: expected a tensor input, got {type(input).__name__}")
        if input.ndim != 2 or input.shape[1] != self.in_features:
            raise RuntimeError(f"AdaptiveLogSoftmaxWithLoss.{op}: expected input of shape (N, {self.in_features}), "
                               f"got {tuple(input.shape)}")

    def forward(self, input_, target_):
        """(output, loss): output[i] the log-probability of target[i] for row i, loss the mean of -output.

        input (N, in_features) with target (N,), or input (in_features,) with a 0-d target.
        """
        if not isinstance(input_, autograd.Tensor) or not isinstance(target_, autograd.Tensor):
            raise TypeError("AdaptiveLogSoftmaxWithLoss: input and target must be tensors, got "
                            f"{type(input_).__name__} and {type(target_).__name__}")
        if target_.ndim == 1:
            if input_.ndim == 0 or input_.shape[0] != target_.shape[0]:
                raise RuntimeError("AdaptiveLogSoftmaxWithLoss: input and target should have the same size in the "
                                   f"batch dimension, got input {tuple(input_.shape)} and target "
                                   f"{tuple(target_.shape)}")
            if input_.ndim != 2:
                raise RuntimeError("AdaptiveLogSoftmaxWithLoss: 1D target tensor expects 2D input tensors, but found "
                                   f"inputs with size {tuple(input_.shape)}")
        elif target_.ndim == 0:
            if input_.ndim != 1:
                raise RuntimeError("AdaptiveLogSoftmaxWithLoss: 0D target tensor expects 1D input tensors, but found "
                                   f"inputs with size {tuple(input_.shape)}")
        else:
            raise RuntimeError("AdaptiveLogSoftmaxWithLoss: 0D or 1D target tensor expected, multi-target not "
                               f"supported (got target of shape {tuple(target_.shape)})")
        if target_.dtype not in dtypes.INTEGERS:
            raise RuntimeError(f"AdaptiveLogSoftmaxWithLoss: target must be an integer tensor, got {target_.dtype}")
        batched = target_.ndim == 1
        input = input_ if batched else input_.unsqueeze(0)
        self._check_2d(input, "forward")
        target = target_.array.reshape(-1)
        xp = input.xp
        if target.size and (int(target.min()) < 0 or int(target.max()) >= self.n_classes):
            raise RuntimeError(f"AdaptiveLogSoftmaxWithLoss: target values should be in [0, {self.n_classes - 1}], "
                               f"but values in range [{int(target.min())}, {int(target.max())}] were found")
        cluster = xp.searchsorted(xp.asarray(self.cutoffs), target, side="right")  # 0: the shortlist
        head_index = xp.where(cluster == 0, target, self.shortlist_size + cluster - 1)
        head_lp = log_softmax(self.head(input), dim=1)
        output = head_lp.gather(1, autograd.Tensor._make(head_index[:, None].astype(dtypes.int64), None, 0))
        output = output.reshape(-1)
        for i in range(1, len(self.cutoffs)):
            rows = xp.nonzero(cluster == i)[0]
            if rows.size == 0:
                continue
            rows_t = autograd.Tensor._make(rows, None, 0)
            local = (target[rows] - self.cutoffs[i - 1]).astype(dtypes.int64)[:, None]
            cluster_lp = log_softmax(self.tail[i - 1](input.index_select(0, rows_t)), dim=1)
            picked = cluster_lp.gather(1, autograd.Tensor._make(local, None, 0)).reshape(-1)
            output = output.index_add(0, rows_t, picked)
        loss = (-output).mean()
        return _ASMoutput(output if batched else output.squeeze(0), loss)

    def _full_log_prob(self, input, head_output):
        head_lp = log_softmax(head_output, dim=1)
        parts = [head_lp[:, :self.shortlist_size]]
        for i, tail in enumerate(self.tail):
            parts.append(log_softmax(tail(input), dim=1) + head_lp[:, self.shortlist_size + i].unsqueeze(1))
        return autograd.cat(parts, dim=1)

    def log_prob(self, input):
        """The log-probabilities of all n_classes classes for each row of input (N, in_features): (N, n_classes)."""
        self._check_2d(input, "log_prob")
        return self._full_log_prob(input, self.head(input))

    def predict(self, input):
        """The most likely class of each row of input (N, in_features); the tails run only for rows whose head
        argmax is a cluster."""
        self._check_2d(input, "predict")
        head_output = self.head(input)
        out = head_output.argmax(dim=1)
        xp = input.xp
        rows = xp.nonzero(out.array >= self.shortlist_size)[0]
        if rows.size:
            rows_t = autograd.Tensor._make(rows, None, 0)
            full = self._full_log_prob(input.index_select(0, rows_t), head_output.index_select(0, rows_t))
            out.array[rows] = full.argmax(dim=1).array
        return out
