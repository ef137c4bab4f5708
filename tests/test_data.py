"""autograd.data: datasets, samplers, collation, DataLoader (workers, device=, seeding), idx files and MNIST."""
import collections
import gc
import gzip
import os
import struct
import time
import tracemalloc

import numpy as np
import pytest

import autograd as ag
from autograd.data import (MNIST, BatchSampler, ChainDataset, ConcatDataset, DataLoader, Dataset, FashionMNIST,
                           IterableDataset, RandomSampler, Sampler, SequentialSampler, Subset, SubsetRandomSampler,
                           TensorDataset, WeightedRandomSampler, default_collate, default_convert, get_worker_info,
                           random_split, read_idx)
from autograd.data import sampler as sampler_module


@pytest.fixture(autouse=True)
def _restore_rng_state():
    """Tests reseed the default generator; put its state back afterwards."""
    state = ag.get_rng_state()
    yield
    ag.set_rng_state(state)


# ---------------------------------------------------------------------------- helper datasets (module level: picklable)
class Squares(Dataset):
    """i -> (i, i*i) as a float tensor and an int; optional delay, optional failure at one index."""

    def __init__(self, n=10, fail_at=None, delay=0.0):
        self.n, self.fail_at, self.delay = n, fail_at, delay

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i == self.fail_at:
            raise ValueError(f"bad sample {i}")
        if self.delay:
            time.sleep(self.delay * ((i * 7) % 3))  # uneven delays, so workers finish out of order
        return ag.tensor([float(i)]), i * i


class Stream(IterableDataset):
    """0..n-1, split between workers when there are several (each worker takes every num_workers-th item)."""

    def __init__(self, n=10, shard=True, with_len=True):
        self.n, self.shard, self.with_len = n, shard, with_len

    def __iter__(self):
        info = get_worker_info()
        start, step = (info.id, info.num_workers) if info is not None and self.shard else (0, 1)
        return iter(range(start, self.n, step))

    def __len__(self):
        if not self.with_len:
            raise TypeError("Stream has no len()")
        return self.n


def _flat(batches):
    return [int(v) for b in batches for v in (b[0] if isinstance(b, list) else b).reshape(-1).tolist()]


def _xy(n=10):
    return TensorDataset(ag.arange(n).float().reshape(n, 1), ag.arange(n))


# ---------------------------------------------------------------------------- datasets
def test_dataset_base_and_add():
    with pytest.raises(NotImplementedError, match="__getitem__"):
        Dataset()[0]
    both = _xy(3) + _xy(2)
    assert isinstance(both, ConcatDataset) and len(both) == 5
    assert isinstance(Stream(2) + Stream(3), ChainDataset)
    assert list(Stream(2) + Stream(3)) == [0, 1, 0, 1, 2]
    with pytest.raises(NotImplementedError, match="__iter__"):
        iter(IterableDataset())


def test_tensor_dataset_items_and_errors():
    ds = _xy(4)
    x, y = ds[2]
    assert x.tolist() == [2.0] and y.item() == 2 and len(ds) == 4
    assert ds[1:3][1].tolist() == [1, 2]
    with pytest.raises(ValueError, match=r"size mismatch.*tensor 0 has 4 rows.*tensor 1 has 3"):
        TensorDataset(ag.zeros(4, 2), ag.zeros(3))
    with pytest.raises(TypeError, match="argument 1 is a list, not a Tensor"):
        TensorDataset(ag.zeros(2), [1, 2])
    with pytest.raises(ValueError, match="at least one tensor"):
        TensorDataset()


def test_concat_dataset():
    ds = ConcatDataset([_xy(3), Squares(2)])
    assert len(ds) == 5 and ds.cumulative_sizes == [3, 5]
    assert ds[2][1].item() == 2 and ds[3][1] == 0 and ds[4][1] == 1 and ds[-1][1] == 1
    with pytest.raises(IndexError, match="index 5 is out of range"):
        ds[5]
    with pytest.raises(ValueError, match="absolute value"):
        ds[-6]
    with pytest.raises(ValueError, match="empty"):
        ConcatDataset([])
    with pytest.raises(TypeError, match="does not support IterableDataset"):
        ConcatDataset([Stream(3)])


def test_subset():
    sub = Subset(_xy(10), [7, 2, 5])
    assert len(sub) == 3 and sub[0][1].item() == 7 and sub[-1][1].item() == 5
    assert sub[[0, 2]][1].tolist() == [7, 5]  # a list index goes to the dataset in one call
    assert [s[1] for s in Subset(Squares(5), [4, 1]).__getitems__([1, 0])] == [1, 16]


def test_random_split_lengths_fractions_and_seeding():
    parts = random_split(range(10), [3, 7], generator=ag.Generator().manual_seed(1))
    assert [len(p) for p in parts] == [3, 7]
    assert sorted(list(parts[0]) + list(parts[1])) == list(range(10))
    again = random_split(range(10), [3, 7], generator=ag.Generator().manual_seed(1))
    assert list(again[0]) == list(parts[0])
    assert [len(p) for p in random_split(range(10), [0.3, 0.3, 0.4])] == [3, 3, 4]
    assert [len(p) for p in random_split(range(11), [0.5, 0.5])] == [6, 5]  # the remainder goes round-robin
    ag.manual_seed(5)
    a = list(random_split(range(20), [10, 10])[0])
    ag.manual_seed(5)
    assert list(random_split(range(20), [10, 10])[0]) == a  # the default generator, seeded by manual_seed
    with pytest.raises(ValueError, match=r"lengths \[3, 4\] sum to 7, but the dataset has 10 items"):
        random_split(range(10), [3, 4])
    with pytest.raises(ValueError, match="fraction at index 0 is 1.5"):
        random_split(range(10), [1.5, -0.5])
    with pytest.warns(UserWarning, match="length of split at index 1 is 0"):
        random_split(range(2), [1.0, 0.0])


# ---------------------------------------------------------------------------- samplers
def test_sequential_and_random_sampler():
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3] and len(SequentialSampler(range(4))) == 4
    s = RandomSampler(range(10), generator=ag.Generator().manual_seed(3))
    first, second = list(s), list(s)
    assert sorted(first) == list(range(10)) and first != second  # a new permutation each pass
    assert list(RandomSampler(range(10), generator=ag.Generator().manual_seed(3))) == first
    ag.manual_seed(0)
    a = list(RandomSampler(range(10)))
    ag.manual_seed(0)
    assert list(RandomSampler(range(10))) == a
    many = list(RandomSampler(range(4), num_samples=10))  # without replacement: whole permutations, then a part
    assert len(many) == 10 and sorted(many[:4]) == sorted(many[4:8]) == [0, 1, 2, 3]
    drawn = list(RandomSampler(range(3), replacement=True, num_samples=50))
    assert len(drawn) == 50 and set(drawn) <= {0, 1, 2}
    assert len(RandomSampler(range(3), replacement=True, num_samples=50)) == 50
    with pytest.raises(TypeError, match="replacement should be a boolean"):
        RandomSampler(range(3), replacement=1)
    with pytest.raises(ValueError, match="num_samples should be a positive integer value, but got num_samples=0"):
        RandomSampler([])
    with pytest.raises(TypeError, match="generator must be an autograd.Generator"):
        RandomSampler(range(3), generator=42)


def test_subset_random_and_weighted_samplers():
    s = SubsetRandomSampler([10, 20, 30], generator=ag.Generator().manual_seed(0))
    assert sorted(s) == [10, 20, 30] and len(s) == 3
    w = WeightedRandomSampler(ag.tensor([0.0, 1.0, 3.0]), 200, generator=ag.Generator().manual_seed(0))
    draws = list(w)
    assert len(draws) == 200 == len(w) and 0 not in draws and draws.count(2) > draws.count(1)
    assert sorted(WeightedRandomSampler([1, 1, 1], 3, replacement=False)) == [0, 1, 2]
    with pytest.raises(ValueError, match="cannot draw num_samples=3 without replacement"):
        WeightedRandomSampler([1, 0, 1], 3, replacement=False)
    with pytest.raises(ValueError, match="non-negative"):
        WeightedRandomSampler([1, -1], 2)
    with pytest.raises(ValueError, match="1-D"):
        WeightedRandomSampler([[1, 1]], 2)
    with pytest.raises(NotImplementedError, match="__iter__"):
        iter(Sampler())


def _first_batch_quickly(sampler, batch_size=4):
    """(first batch, seconds, peak traced bytes) of a DataLoader over range(100) with this sampler."""
    ds = TensorDataset(ag.arange(100.0))
    tracemalloc.start()
    try:
        start = time.perf_counter()
        batch = next(iter(DataLoader(ds, sampler=sampler, batch_size=batch_size)))
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return batch, seconds, peak


def test_samplers_with_replacement_are_lazy():
    """num_samples=10**10 (an 'endless' sampler) yields at once in constant memory; len() is still num_samples."""
    ds = range(100)
    sampler = RandomSampler(ds, replacement=True, num_samples=10**10)
    assert len(sampler) == 10**10
    (batch,), seconds, peak = _first_batch_quickly(sampler)
    assert batch.shape == (4,) and seconds < 2 and peak < 16 * 2**20
    weighted = WeightedRandomSampler([0.0, 1.0, 3.0], 10**12)
    assert len(weighted) == 10**12
    (batch,), seconds, peak = _first_batch_quickly(weighted)
    assert set(batch.tolist()) <= {1.0, 2.0} and seconds < 2 and peak < 16 * 2**20
    assert len(DataLoader(ds, sampler=sampler, batch_size=4)) == 10**10 // 4


def test_lazy_samplers_across_chunks():
    """Draws made a chunk at a time: exactly num_samples of them, in range, seeded, never of weight 0."""
    n = 2 * sampler_module._CHUNK + 5
    a = list(RandomSampler(range(7), replacement=True, num_samples=n, generator=ag.Generator().manual_seed(1)))
    b = list(RandomSampler(range(7), replacement=True, num_samples=n, generator=ag.Generator().manual_seed(1)))
    assert a == b and len(a) == n and set(a) == set(range(7))
    counts = np.bincount(a, minlength=7) / n
    np.testing.assert_allclose(counts, 1 / 7, atol=0.01)
    w = list(WeightedRandomSampler([1.0, 0.0, 3.0], n, generator=ag.Generator().manual_seed(2)))
    assert len(w) == n and set(w) == {0, 2} and abs(w.count(2) / n - 0.75) < 0.01


def test_batch_sampler():
    assert list(BatchSampler(range(7), 3, False)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(BatchSampler(range(7), 3, True)) == [[0, 1, 2], [3, 4, 5]]
    assert len(BatchSampler(range(7), 3, False)) == 3 and len(BatchSampler(range(7), 3, True)) == 2
    with pytest.raises(ValueError, match="batch_size should be a positive integer value, but got batch_size=0"):
        BatchSampler(range(3), 0, False)
    with pytest.raises(ValueError, match="drop_last should be a boolean"):
        BatchSampler(range(3), 2, "yes")


# ---------------------------------------------------------------------------- collation
def test_default_collate_leaves_and_dtypes():
    t = default_collate([ag.tensor([1.0, 2.0]), ag.tensor([3.0, 4.0])])
    assert t.shape == (2, 2) and t.dtype == ag.float32
    a = default_collate([np.ones(3, np.int32), np.zeros(3, np.int32)])
    assert isinstance(a, ag.Tensor) and a.shape == (2, 3) and a.dtype == ag.int32
    assert default_collate([1.5, 2.0]).dtype == ag.float64  # as PyTorch: Python floats collate to float64
    assert default_collate([1, 2]).dtype == ag.int64
    assert default_collate([True, False]).dtype == ag.bool
    assert default_collate([np.float32(1), np.float32(2)]).dtype == ag.float32
    assert default_collate(["a", "b"]) == ["a", "b"]
    with pytest.raises(TypeError, match="batch must contain tensors, numpy arrays, numbers, dicts or lists; found"):
        default_collate([object(), object()])
    with pytest.raises(TypeError, match="found <U1"):
        default_collate([np.array(["a"]), np.array(["b"])])
    with pytest.raises(RuntimeError, match="stack"):
        default_collate([ag.zeros(2), ag.zeros(3)])


def test_default_collate_nested_structures():
    Point = collections.namedtuple("Point", "x y")
    batch = [{"img": ag.full((2,), float(i)), "meta": (i, [float(i), "s"]), "p": Point(i, 2.0 * i)} for i in range(3)]
    out = default_collate(batch)
    assert set(out) == {"img", "meta", "p"}
    assert out["img"].shape == (3, 2) and out["img"][:, 0].tolist() == [0.0, 1.0, 2.0]
    ids, (floats, strs) = out["meta"]  # a tuple sample collates to a list, as in PyTorch
    assert isinstance(out["meta"], list) and ids.tolist() == [0, 1, 2] and floats.dtype == ag.float64
    assert strs == ["s", "s", "s"]
    assert isinstance(out["p"], Point) and out["p"].y.tolist() == [0.0, 2.0, 4.0]
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        default_collate([[1, 2], [1]])


def test_default_convert():
    out = default_convert({"a": np.arange(3), "b": (np.float32(2), "s", 3)})
    assert isinstance(out["a"], ag.Tensor) and out["a"].tolist() == [0, 1, 2]
    assert isinstance(out["b"], list) and isinstance(out["b"][0], ag.Tensor) and out["b"][1:] == ["s", 3]


# ---------------------------------------------------------------------------- DataLoader basics
def test_loader_batches_len_and_drop_last():
    ld = DataLoader(Squares(10), batch_size=4)
    batches = list(ld)
    assert len(ld) == 3 and [b[0].shape for b in batches] == [(4, 1), (4, 1), (2, 1)]
    assert batches[0][1].tolist() == [0, 1, 4, 9] and batches[0][1].dtype == ag.int64
    ld = DataLoader(Squares(10), batch_size=4, drop_last=True)
    assert len(ld) == 2 and len(list(ld)) == 2


def test_loader_without_batching_and_custom_collate():
    items = list(DataLoader([np.arange(2), np.arange(2) + 5], batch_size=None))
    assert len(items) == 2 and isinstance(items[0], ag.Tensor) and items[1].tolist() == [5, 6]
    sums = list(DataLoader(range(6), batch_size=3, collate_fn=sum))
    assert sums == [3, 12]


def test_loader_sampler_and_batch_sampler():
    got = [b.tolist() for b in DataLoader(range(6), sampler=[5, 0, 3], batch_size=2)]
    assert got == [[5, 0], [3]]
    got = [b.tolist() for b in DataLoader(range(6), batch_sampler=[[1, 2], [5]])]
    assert got == [[1, 2], [5]]


@pytest.mark.parametrize("kwargs, match", [
    (dict(batch_sampler=[[0]], batch_size=2), "batch_sampler option is mutually exclusive"),
    (dict(batch_sampler=[[0]], shuffle=True), "batch_sampler option is mutually exclusive"),
    (dict(batch_sampler=[[0]], sampler=[0]), "batch_sampler option is mutually exclusive"),
    (dict(batch_sampler=[[0]], drop_last=True), "batch_sampler option is mutually exclusive"),
    (dict(sampler=[0], shuffle=True), "sampler option is mutually exclusive with shuffle"),
    (dict(batch_size=None, drop_last=True), "batch_size=None option disables auto-batching"),
    (dict(num_workers=-1), "num_workers option should be a non-negative integer"),
    (dict(timeout=-1), "timeout option should be non-negative"),
    (dict(prefetch_factor=2), "prefetch_factor option could only be specified"),
    (dict(persistent_workers=True), "persistent_workers option needs num_workers > 0"),
    (dict(multiprocessing_context="fork"), "multiprocessing_context can only be used with"),
    (dict(num_workers=1, multiprocessing_context="bogus"), "valid start method"),
])
def test_loader_argument_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        DataLoader(range(4), **kwargs)


def test_loader_attributes_are_frozen():
    ld = DataLoader(range(4), batch_size=2)
    with pytest.raises(ValueError, match="batch_size attribute should not be set after DataLoader is initialized"):
        ld.batch_size = 3
    ld.num_workers = 0  # other attributes may change


def test_loader_iterable_dataset():
    ld = DataLoader(Stream(10, shard=False), batch_size=4)
    assert [b.tolist() for b in ld] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]] and len(ld) == 3
    ld = DataLoader(Stream(10, shard=False), batch_size=4, drop_last=True)
    assert len(list(ld)) == 2 == len(ld)
    assert [x for x in DataLoader(Stream(3, shard=False), batch_size=None)] == [0, 1, 2]
    with pytest.raises(TypeError, match="no len"):
        len(DataLoader(Stream(3, with_len=False)))
    for opt in ("shuffle", "sampler", "batch_sampler"):
        with pytest.raises(ValueError, match=f"IterableDataset: expected unspecified {opt} option"):
            DataLoader(Stream(3), **{opt: True if opt == "shuffle" else [[0]]})


def test_tensor_dataset_fast_path_indexes_whole_batches(monkeypatch):
    ds = _xy(10)
    slow = list(DataLoader(ds, batch_size=4, collate_fn=lambda b: default_collate(b)))

    def refuse(self, i):
        raise AssertionError("the fast path must not fetch items one by one")

    monkeypatch.setattr(TensorDataset, "__getitem__", refuse)
    fast = list(DataLoader(ds, batch_size=4))
    assert len(fast) == len(slow) == 3
    for f, s in zip(fast, slow):
        assert isinstance(f, list) and f[0].tolist() == s[0].tolist() and f[1].tolist() == s[1].tolist()
        assert f[0].dtype == s[0].dtype and f[1].dtype == s[1].dtype
    train, _ = random_split(ds, [6, 4], generator=ag.Generator().manual_seed(0))  # Subsets use it too
    got = _flat(list(DataLoader(train, batch_size=4)))
    assert got == list(train.indices)


# ---------------------------------------------------------------------------- reproducibility
def _order(**kw):
    return _flat(list(DataLoader(_xy(20), batch_size=6, shuffle=True, **kw)))


def test_shuffle_is_seeded_and_reshuffles_each_epoch():
    ag.manual_seed(11)
    a = _order()
    ag.manual_seed(11)
    assert _order() == a and sorted(a) == list(range(20)) and a != list(range(20))
    ld = DataLoader(_xy(20), batch_size=6, shuffle=True)
    assert _flat(list(ld)) != _flat(list(ld))  # each epoch reshuffles
    g1, g2 = ag.Generator().manual_seed(4), ag.Generator().manual_seed(4)
    assert _order(generator=g1) == _order(generator=g2)
    ag.manual_seed(11)
    assert _order(num_workers=2) == a  # workers do not change the order


# ---------------------------------------------------------------------------- workers
def test_thread_workers_preserve_order():
    ds = Squares(12, delay=0.002)
    plain = list(DataLoader(ds, batch_size=2))
    threaded = list(DataLoader(ds, batch_size=2, num_workers=3, prefetch_factor=1))
    assert [b[1].tolist() for b in threaded] == [b[1].tolist() for b in plain]
    items = list(DataLoader(ds, batch_size=None, num_workers=2, multiprocessing_context="thread"))
    assert [y for _, y in items] == [i * i for i in range(12)]


def test_thread_worker_exception_carries_the_worker_traceback():
    ld = DataLoader(Squares(10, fail_at=5), batch_size=2, num_workers=2)
    it = iter(ld)
    assert next(it)[1].tolist() == [0, 1] and next(it)[1].tolist() == [4, 9]
    with pytest.raises(ValueError, match="Caught ValueError in DataLoader worker thread 0") as info:
        next(it)
    text = str(info.value)
    assert "Original Traceback (most recent call last)" in text and "in __getitem__" in text and "bad sample 5" in text
    assert next(it)[1].tolist() == [36, 49]  # the epoch goes on after the failed batch


def test_worker_info_init_fn_and_iterable_sharding():
    seen = []
    assert get_worker_info() is None
    ld = DataLoader(Stream(10), batch_size=2, num_workers=2, worker_init_fn=seen.append)
    got = [b.tolist() for b in ld]
    assert sorted(seen) == [0, 1]
    assert got == [[0, 2], [1, 3], [4, 6], [5, 7], [8], [9]]  # batches alternate between the workers
    infos = list(DataLoader(range(4), batch_size=None, num_workers=2,
                            collate_fn=lambda i: (get_worker_info().id, get_worker_info().num_workers)))
    assert infos == [(0, 2), (1, 2), (0, 2), (1, 2)]


def test_worker_init_fn_error_is_reported():
    def init(worker_id):
        raise KeyError("no such resource")

    with pytest.raises(KeyError, match="worker_init_fn"):
        list(DataLoader(range(4), num_workers=1, worker_init_fn=init))


def test_persistent_workers_reuse_the_pool_across_epochs():
    ld = DataLoader(Squares(9), batch_size=2, num_workers=2, persistent_workers=True)
    first = iter(ld)
    assert next(first)[1].tolist() == [0, 1]  # abandon this epoch early
    second = iter(ld)
    assert second is first  # one iterator (and one pool of workers) for the loader's life
    pool = second._pool
    assert [b[1].tolist() for b in second] == [[0, 1], [4, 9], [16, 25], [36, 49], [64]]
    assert [b[1].tolist() for b in ld][-1] == [64] and iter(ld)._pool is pool
    stream = DataLoader(Stream(5, shard=False), batch_size=None, num_workers=1, persistent_workers=True)
    assert list(stream) == list(stream) == [0, 1, 2, 3, 4]  # each epoch restarts the stream


def test_timeout():
    class Slow(Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            time.sleep(0.5)
            return i

    with pytest.raises(RuntimeError, match="DataLoader timed out after 0.05 seconds"):
        list(DataLoader(Slow(), num_workers=1, timeout=0.05))


def test_process_workers_fork_preserve_order_and_raise():
    ds = Squares(8, delay=0.002)
    got = list(DataLoader(ds, batch_size=3, num_workers=2, multiprocessing_context="fork"))
    assert [b[1].tolist() for b in got] == [[0, 1, 4], [9, 16, 25], [36, 49]]
    assert got[0][0].shape == (3, 1)
    bad = DataLoader(Squares(8, fail_at=4), batch_size=2, num_workers=2, multiprocessing_context="fork")
    with pytest.raises(ValueError, match="Caught ValueError in DataLoader worker process 0") as info:
        list(bad)
    assert "Original Traceback" in str(info.value) and "bad sample 4" in str(info.value)


class Crashing(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        if i == 2:
            os._exit(3)  # a worker process dying (killed, out of memory, a crash in native code)
        return i


def test_process_worker_death_is_reported():
    ld = DataLoader(Crashing(), batch_size=None, num_workers=1, multiprocessing_context="fork")
    with pytest.raises(RuntimeError, match=r"DataLoader worker process 0 \(pid \d+\) exited unexpectedly with exit "
                                           r"code 3;") as info:
        list(ld)
    assert str(info.value).count("exited") == 1  # not "exited with code 3 exited unexpectedly"


def test_abandoned_workers_are_stopped_when_the_iterator_is_collected():
    ld = DataLoader(Squares(20), batch_size=2, num_workers=2, multiprocessing_context="fork", persistent_workers=True)
    it = iter(ld)  # loader and iterator reference each other: only the cycle collector frees them
    next(it)
    workers = it._pool.workers
    del ld, it
    start = time.monotonic()
    gc.collect()
    for w in workers:
        w.join(timeout=3)
    assert not any(w.is_alive() for w in workers) and time.monotonic() - start < 3
    threads = DataLoader(Squares(20), batch_size=2, num_workers=2)
    it = iter(threads)
    next(it)
    workers = it._pool.workers
    del it
    for w in workers:
        w.join(timeout=3)
    assert not any(w.is_alive() for w in workers)


class RandomRows(Dataset):
    """i -> ag.rand(3), with uneven delays so that worker threads interleave differently from run to run."""

    def __init__(self, n=16, delay=0.0):
        self.n, self.delay = n, delay

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if self.delay:
            time.sleep(self.delay * ((i * 5) % 3))
        return ag.rand(3)


class NumpyDraws(Dataset):
    """i -> a draw from numpy's and Python's global RNGs."""

    def __len__(self):
        return 4

    def __getitem__(self, i):
        import random

        return ag.tensor([np.random.random(), random.random()])


def _random_rows(seed, **kwargs):
    ag.manual_seed(seed)
    return [b.numpy() for b in DataLoader(RandomRows(delay=0.001), batch_size=4, **kwargs)]


def _expected_rows(seed, n_batches=4, batch_size=4, num_workers=2):
    """Worker k (seed base + k) answers batches k, k + num_workers, ... from its own stream."""
    ag.manual_seed(seed)
    base = int(ag.default_generator.rng.integers(0, 2**63 - 1))  # the loader's per-epoch base seed
    gens = [ag.Generator().manual_seed(base + k) for k in range(num_workers)]
    return [np.stack([ag.rand(3, generator=gens[b % num_workers]).numpy() for _ in range(batch_size)])
            for b in range(n_batches)]


def test_thread_workers_draw_reproducibly_from_their_own_streams():
    first = _random_rows(0, num_workers=2)
    for _ in range(3):  # whatever order the threads happen to run in
        again = _random_rows(0, num_workers=2)
        assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert all(np.array_equal(a, b) for a, b in zip(first, _expected_rows(0)))
    other = _random_rows(1, num_workers=2)
    assert not np.array_equal(first[0], other[0])
    ag.manual_seed(0)
    list(DataLoader(RandomRows(), batch_size=4, num_workers=2))
    assert np.array_equal(ag.rand(3).numpy(), _after_base_seed(0))  # workers took only the base seed from it


def _after_base_seed(seed):
    g = ag.Generator().manual_seed(seed)
    g.rng.integers(0, 2**63 - 1)
    return ag.rand(3, generator=g).numpy()


def test_process_workers_fork_draw_what_thread_workers_draw():
    threads = _random_rows(3, num_workers=2)
    forked = _random_rows(3, num_workers=2, multiprocessing_context="fork")
    assert all(np.array_equal(a, b) for a, b in zip(threads, forked))
    assert all(np.array_equal(a, b) for a, b in zip(forked, _random_rows(3, num_workers=2,
                                                                          multiprocessing_context="fork")))


def test_process_workers_reseed_numpy_and_python_random():
    ag.manual_seed(7)
    got = [b.tolist() for b in DataLoader(NumpyDraws(), batch_size=None, num_workers=2, multiprocessing_context="fork")]
    ag.manual_seed(7)
    base = int(ag.default_generator.rng.integers(0, 2**63 - 1))
    import random

    for k in range(2):  # worker k answers items k and k + 2
        np_rng, py_rng = np.random.RandomState((base + k) % 2**32), random.Random(base + k)
        for i in (k, k + 2):
            assert got[i] == pytest.approx([np_rng.random_sample(), py_rng.random()], rel=1e-6)
    assert got[0][0] != got[1][0]  # forked workers no longer share numpy's state


def test_fork_default_generator_is_per_thread():
    import threading

    from autograd.random import fork_default_generator

    ag.manual_seed(0)
    shared = ag.get_rng_state()
    out = {}

    def work():
        with fork_default_generator(5) as g:
            out["rand"] = ag.rand(2).numpy()
            out["default"] = ag.default_generator.rng.random()  # code naming default_generator (dropout, init)
            ag.manual_seed(9)  # reseeds this thread's generator only
            out["seed"] = (ag.initial_seed(), g.initial_seed())
            with fork_default_generator(6):
                out["inner"] = ag.rand(1).numpy()
            out["after_inner"] = ag.initial_seed()
        out["restored"] = ag.initial_seed()

    t = threading.Thread(target=work)
    t.start()
    t.join()
    ref = ag.Generator().manual_seed(5)
    assert np.array_equal(out["rand"], ag.rand(2, generator=ref).numpy())
    assert out["default"] == ref.rng.random()
    assert out["seed"] == (9, 9) and out["after_inner"] == 9 and out["restored"] == 0
    assert np.array_equal(out["inner"], ag.rand(1, generator=ag.Generator().manual_seed(6)).numpy())
    assert ag.get_rng_state()["bit_generator"] == shared["bit_generator"]  # the shared generator was not touched
    assert ag.initial_seed() == 0


def test_fork_default_generator_device_streams(stand_in):
    import threading

    from autograd.random import fork_default_generator

    out = {}

    def work():
        with fork_default_generator(5):
            out["cuda"] = ag.rand(4, device="cuda").cpu().numpy()

    t = threading.Thread(target=work)
    t.start()
    t.join()
    ref = ag.Generator().manual_seed(5)
    assert np.array_equal(out["cuda"], ag.rand(4, device="cuda", generator=ref).cpu().numpy())


def test_process_workers_spawn():
    got = list(DataLoader(_xy(6), batch_size=4, num_workers=1, multiprocessing_context="spawn"))
    assert [b[1].tolist() for b in got] == [[0, 1, 2, 3], [4, 5]]


# ---------------------------------------------------------------------------- device=
def test_device_moves_every_tensor_in_the_batch(stand_in):
    ld = DataLoader(_xy(6), batch_size=4, device="cuda")
    x, y = next(iter(ld))
    assert x.device.type == "cuda" and y.device.type == "cuda" and y.tolist() == [0, 1, 2, 3]

    class Dicts(Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return {"x": ag.ones(2) * i, "pair": (np.arange(3), i), "name": "n"}

    batch = next(iter(DataLoader(Dicts(), batch_size=2, num_workers=2, device="cuda")))
    assert batch["x"].device.type == "cuda" and batch["x"].cpu().tolist() == [[0, 0], [1, 1]]
    assert all(t.device.type == "cuda" for t in batch["pair"]) and batch["name"] == ["n", "n"]
    assert DataLoader(range(2), device="cuda:0").device == ag.device("cuda", 0)


# ---------------------------------------------------------------------------- idx files and MNIST
_CODES = {np.dtype(np.uint8): 0x08, np.dtype(np.int8): 0x09, np.dtype(np.int16): 0x0B, np.dtype(np.int32): 0x0C,
          np.dtype(np.float32): 0x0D, np.dtype(np.float64): 0x0E}


def write_idx(path, arr, gz=False):
    arr = np.asarray(arr)
    payload = (bytes([0, 0, _CODES[arr.dtype], arr.ndim]) + struct.pack(f">{arr.ndim}I", *arr.shape)
               + arr.astype(arr.dtype.newbyteorder(">")).tobytes())
    with (gzip.open if gz else open)(path, "wb") as f:
        f.write(payload)
    return path


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.int32, np.float32, np.float64])
def test_read_idx_round_trip(tmp_path, gz, dtype):
    arr = (np.arange(24).reshape(2, 3, 4) - 5).astype(dtype) if dtype != np.uint8 else np.arange(24, dtype=np.uint8)
    out = read_idx(write_idx(tmp_path / "a.idx", arr, gz))
    assert out.dtype == np.dtype(dtype) and out.shape == arr.shape and np.array_equal(out, arr)
    assert out.dtype.isnative and out.flags.writeable


def test_read_idx_errors(tmp_path):
    good = write_idx(tmp_path / "good", np.zeros((2, 3), np.uint8)).read_bytes()
    cases = {"short": (good[:3], "shorter than the 4-byte magic number"),
             "header": (good[:9], r"truncated: its header announces 2 dims \(12 bytes\)"),
             "data": (good[:-1], r"truncated: dims \(2, 3\) of uint8 need 6 bytes.*but 5 bytes follow"),
             "extra": (good + b"\0", "longer than its header says"),
             "magic": (b"\x89PNG" + good[4:], "not an idx file \\(magic number 0x89504e47\\)"),
             "code": (b"\0\0\x07\x02" + good[4:], "not an idx file")}
    for name, (content, match) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(ValueError, match=match) as info:
            read_idx(path)
        assert str(path) in str(info.value)
    broken = tmp_path / "broken.gz"
    broken.write_bytes(gzip.compress(good)[:-6])
    with pytest.raises(ValueError, match="broken.gz is a damaged or truncated gzip file"):
        read_idx(broken)


def _write_mnist(folder, n_train=5, n_test=3, gz=True):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        imgs = rng.integers(0, 256, (n, 28, 28)).astype(np.uint8)
        imgs[0, 0, 0], imgs[0, 0, 1] = 0, 255
        write_idx(folder / f"{prefix}-images-idx3-ubyte{'.gz' if gz else ''}", imgs, gz)
        write_idx(folder / f"{prefix}-labels-idx1-ubyte{'.gz' if gz else ''}", np.arange(n, dtype=np.uint8) % 10, gz)


@pytest.mark.parametrize("gz", [True, False])
def test_mnist_reads_written_files(tmp_path, gz):
    _write_mnist(tmp_path, gz=gz)
    train, test = MNIST(tmp_path), MNIST(str(tmp_path), train=False)
    assert len(train) == 5 and len(test) == 3
    img, label = train[0]
    assert img.shape == (1, 28, 28) and img.dtype == ag.float32 and isinstance(label, int) and label == 0
    assert img[0, 0, 0].item() == 0.0 and img[0, 0, 1].item() == 1.0 and 0 <= img.min().item() <= img.max().item() <= 1
    assert train.data.shape == (5, 28, 28) and train.data.dtype == ag.uint8
    assert train.targets.tolist() == [0, 1, 2, 3, 4]
    assert train.classes[3] == "3 - three" and "Split: Test" in repr(test)
    xb, yb = next(iter(DataLoader(train, batch_size=4)))
    assert xb.shape == (4, 1, 28, 28) and yb.tolist() == [0, 1, 2, 3]


def test_mnist_transforms_and_fashion_layout(tmp_path):
    _write_mnist(tmp_path / "FashionMNIST" / "raw")  # torchvision's layout: root/<Class>/raw
    ds = FashionMNIST(tmp_path, transform=lambda x: x * 2, target_transform=lambda y: y + 100)
    img, label = ds[1]
    assert label == 101 and img.max().item() <= 2.0 and ds.classes[9] == "Ankle boot"
    assert ds.class_to_idx["Trouser"] == 1


def test_mnist_missing_or_bad_files(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"cannot find train-images-idx3-ubyte or train-images-idx3-ubyte.gz"
                       r"(.|\n)*t10k-labels-idx1-ubyte(.|\n)*does not download(.|\n)*ossci-datasets"):
        MNIST(tmp_path)
    with pytest.raises(FileNotFoundError, match="fashion-mnist"):
        FashionMNIST(tmp_path, download=True)
    _write_mnist(tmp_path, n_train=4)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.zeros(3, np.uint8), gz=True)
    with pytest.raises(ValueError, match=r"labels of shape \(3,\) but .*train-images-idx3-ubyte.gz holds 4 images"):
        MNIST(tmp_path)


def test_load_digits_still_works():
    pytest.importorskip("sklearn")
    from autograd.data import load_digits

    X_train, y_train, X_test, y_test = load_digits()
    assert X_train.shape[1] == 64 and len(X_train) + len(X_test) == 1797 and y_train.dtype == ag.int64
