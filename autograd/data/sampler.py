"""Samplers: the order in which a DataLoader visits a map-style dataset (and how indices form batches)."""
import itertools
import numbers

import numpy as np

from .. import random as _random
from .._tensor import Tensor

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler",
           "BatchSampler"]


def _rng(generator, who):
    """The numpy Generator behind an autograd.Generator (the default one when None)."""
    if generator is None:
        return _random._default().rng  # this thread's default generator (a worker thread's own one)
    if isinstance(generator, np.random.Generator):
        return generator
    if isinstance(generator, _random.Generator):
        return generator.rng
    raise TypeError(f"{who}: generator must be an autograd.Generator (or None for the default one), "
                    f"got {type(generator).__name__}")


def _fresh_rng(generator, who):
    """The rng for one pass: the given generator itself, or (as PyTorch) one seeded from the default generator."""
    if generator is not None:
        return _rng(generator, who)
    seed = int(_random._default().rng.integers(0, 2**63 - 1))
    return np.random.default_rng(seed)


_CHUNK = 32768  # indices drawn per call when sampling with replacement: constant memory for any num_samples


def _chunks(count):
    """The sizes of the successive draws that make `count` samples."""
    full, rest = divmod(count, _CHUNK)
    yield from itertools.repeat(_CHUNK, full)
    if rest:
        yield rest


def _positive_int(value, name, who):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{who}: {name} should be a positive integer value, but got {name}={value!r}")
    return int(value)


class Sampler:
    """Base class: subclasses implement __iter__() over dataset indices (and __len__() when known)."""

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must implement __iter__()")


class SequentialSampler(Sampler):
    """Indices 0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    """A random order (a fresh permutation each pass), or draws with replacement; num_samples may exceed the length."""

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        if not isinstance(replacement, bool):
            raise TypeError(f"RandomSampler: replacement should be a boolean value, but got "
                            f"replacement={replacement!r}")
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        _positive_int(self.num_samples, "num_samples", "RandomSampler")
        if generator is not None:
            _rng(generator, "RandomSampler")

    @property
    def num_samples(self):
        """How many indices one pass yields (the dataset's length unless set)."""
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n, count = len(self.data_source), self.num_samples
        rng = _fresh_rng(self.generator, "RandomSampler")
        if self.replacement:  # lazily, a chunk at a time: num_samples may be huge (an "infinite" sampler)
            for size in _chunks(count):
                yield from rng.integers(0, n, size=size).tolist()
            return
        for _ in range(count // n):
            yield from rng.permutation(n).tolist()
        yield from rng.permutation(n)[:count % n].tolist()

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices in a random order (a fresh permutation each pass)."""

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        rng = _rng(self.generator, "SubsetRandomSampler")
        for i in rng.permutation(len(self.indices)).tolist():
            yield self.indices[i]

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """Indices 0..len(weights)-1 drawn with probabilities proportional to weights."""

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        num_samples = _positive_int(num_samples, "num_samples", "WeightedRandomSampler")
        if not isinstance(replacement, bool):
            raise ValueError(f"WeightedRandomSampler: replacement should be a boolean value, but got "
                             f"replacement={replacement!r}")
        w = np.asarray(weights.tolist() if isinstance(weights, Tensor) else weights, dtype=np.float64)
        if w.ndim != 1:
            raise ValueError(f"WeightedRandomSampler: weights should be a 1-D sequence, but got shape {w.shape}")
        if w.size == 0 or not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
            raise ValueError("WeightedRandomSampler: weights must be finite, non-negative, and sum to more than 0")
        if not replacement and num_samples > np.count_nonzero(w):
            raise ValueError(f"WeightedRandomSampler: cannot draw num_samples={num_samples} without replacement "
                             f"from {np.count_nonzero(w)} indices of non-zero weight; use replacement=True")
        self.weights, self.num_samples, self.replacement, self.generator = w, num_samples, replacement, generator

    def __iter__(self):
        rng = _rng(self.generator, "WeightedRandomSampler")
        if not self.replacement:  # num_samples <= len(weights) here, so one draw is small
            p = self.weights / self.weights.sum()
            yield from rng.choice(len(p), size=self.num_samples, replace=False, p=p).tolist()
            return
        cdf = np.cumsum(self.weights)
        cdf /= cdf[-1]  # the index of a uniform u is the first whose cumulative weight exceeds u: never a 0 weight
        for size in _chunks(self.num_samples):
            yield from cdf.searchsorted(rng.random(size), side="right").tolist()

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler):
    """Groups the indices of another sampler into lists of batch_size (the last one shorter unless drop_last)."""

    def __init__(self, sampler, batch_size, drop_last):
        batch_size = _positive_int(batch_size, "batch_size", "BatchSampler")
        if not isinstance(drop_last, bool):
            raise ValueError(f"BatchSampler: drop_last should be a boolean value, but got drop_last={drop_last!r}")
        self.sampler, self.batch_size, self.drop_last = sampler, batch_size, drop_last

    def __iter__(self):
        it = iter(self.sampler)
        while True:
            batch = list(itertools.islice(it, self.batch_size))
            if not batch or (self.drop_last and len(batch) < self.batch_size):
                return
            yield batch

    def __len__(self):
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


class _InfiniteConstantSampler(Sampler):
    """None forever: the sampler behind an IterableDataset, where indices mean nothing."""

    def __iter__(self):
        while True:
            yield None

