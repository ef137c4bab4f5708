"""DistributedSampler: each rank iterates over its own equal-sized shard of a dataset, reshuffled per epoch."""
import math

import numpy as np

from . import group as _g


class DistributedSampler:
    """Indices of one rank's shard: shuffled with seed + epoch (call set_epoch each epoch), padded or dropped to
    the same length on every rank, as torch.utils.data.distributed.DistributedSampler."""

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False):
        if num_replicas is None:
            num_replicas = _g.current("DistributedSampler (num_replicas not given)").size
        if rank is None:
            rank = _g.current("DistributedSampler (rank not given)").rank
        if not isinstance(num_replicas, int) or num_replicas < 1:
            raise ValueError(f"DistributedSampler: num_replicas must be a positive int, got {num_replicas!r}")
        if not isinstance(rank, int) or not 0 <= rank < num_replicas:
            raise ValueError(f"DistributedSampler: invalid rank {rank!r}, rank should be in [0, {num_replicas - 1}]")
        self.dataset, self.num_replicas, self.rank = dataset, num_replicas, rank
        self.shuffle, self.seed, self.drop_last, self.epoch = shuffle, seed, drop_last, 0
        n = len(dataset)
        if drop_last and n % num_replicas:
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)  # drop the tail
        else:
            self.num_samples = math.ceil(n / num_replicas)  # pad by repeating the first indices
        self.total_size = self.num_samples * num_replicas

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:  # the same permutation on every rank: seeded by seed + epoch only
            indices = np.random.default_rng(self.seed + self.epoch).permutation(n)
        else:
            indices = np.arange(n)
        if self.total_size > n:
            indices = np.resize(indices, self.total_size)  # repeats from the start as often as needed
        else:
            indices = indices[:self.total_size]
        return iter(indices[self.rank:self.total_size:self.num_replicas].tolist())

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        """Use a new shuffle for `epoch` (the same on every rank); call it before each epoch's loop."""
        self.epoch = epoch
