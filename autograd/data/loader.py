"""DataLoader: batches of a dataset, optionally shuffled, prefetched by worker threads or processes, put on a device."""
import collections.abc
import itertools
import multiprocessing
import numbers
import pickle
import queue
import threading
import time
import weakref

from .. import backend
from .._tensor import Tensor
from .collate import default_collate, default_convert
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler, _InfiniteConstantSampler, _rng
from .worker import ExceptionWrapper, _Exhausted, _IterableEnd, _IterFetcher, _MapFetcher, _worker_loop

__all__ = ["DataLoader"]

_FROZEN = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers")


def _check_context(ctx, num_workers):
    """None (threads) or a multiprocessing context, from the multiprocessing_context argument."""
    if ctx is None:
        return None
    if num_workers == 0:
        raise ValueError("multiprocessing_context can only be used with multi-process loading (num_workers > 0), "
                         f"but got num_workers={num_workers}")
    if isinstance(ctx, str):
        methods = ["thread"] + multiprocessing.get_all_start_methods()
        if ctx not in methods:
            raise ValueError(f"multiprocessing_context option should specify a valid start method in {methods!r}, "
                             f"but got multiprocessing_context={ctx!r}")
        return None if ctx == "thread" else multiprocessing.get_context(ctx)
    if isinstance(ctx, multiprocessing.context.BaseContext):
        return ctx
    raise TypeError("multiprocessing_context option must be a start method name ('thread', 'fork', 'spawn', ...) or "
                    f"a multiprocessing context, but got {type(ctx).__name__}")


class DataLoader:
    """Iterate over a dataset in batches (PyTorch's torch.utils.data.DataLoader).

    num_workers > 0 prefetches batches in the background, in order: worker threads by default (or with
    multiprocessing_context="thread"), worker processes with multiprocessing_context="fork"/"spawn"/"forkserver"
    (the dataset and collate_fn must then be picklable). device= moves every tensor of each batch there with
    .to(device). pin_memory is accepted for compatibility and has no effect (numpy has no pinned memory).

    Randomness in workers: each epoch draws a base seed from `generator` (the default generator when None), and
    worker k gets seed base_seed + k (get_worker_info().seed). A worker process seeds autograd's default generator,
    Python's `random` and numpy's global RNG (seed % 2**32) with it, as PyTorch does. A worker thread gets a default
    generator of its own seeded with it, so autograd draws (ag.rand, dropout, ...) are reproducible after
    ag.manual_seed and equal a worker process's; but Python's `random` and numpy's global RNG (np.random.*) are
    shared by all threads of a process and cannot be given per-thread streams: with thread workers, draw from
    autograd or from a numpy Generator seeded with get_worker_info().seed rather than from them, or use worker
    processes.
    """

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", device=None):
        if isinstance(num_workers, bool) or not isinstance(num_workers, numbers.Integral) or num_workers < 0:
            raise ValueError("num_workers option should be a non-negative integer; use num_workers=0 to disable "
                             f"background loading, got num_workers={num_workers!r}")
        if timeout < 0:
            raise ValueError(f"timeout option should be non-negative, got timeout={timeout}")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified with background workers: let "
                             "num_workers > 0 to enable them, otherwise set prefetch_factor to None")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        if prefetch_factor is not None and prefetch_factor < 1:
            raise ValueError(f"prefetch_factor option should be a positive integer, got {prefetch_factor}")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")

        if isinstance(dataset, IterableDataset):
            for name, value in (("shuffle", shuffle), ("sampler", sampler), ("batch_sampler", batch_sampler)):
                if value not in (None, False):
                    raise ValueError(f"DataLoader with IterableDataset: expected unspecified {name} option, but got "
                                     f"{name}={value!r}")
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and "
                                 "drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")

        if sampler is None:
            if isinstance(dataset, IterableDataset):
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        if collate_fn is None:
            collate_fn = default_collate if batch_sampler is not None else default_convert

        self.dataset, self.batch_size, self.drop_last = dataset, batch_size, drop_last
        self.sampler, self.batch_sampler, self.generator = sampler, batch_sampler, generator
        self.num_workers, self.collate_fn, self.timeout = int(num_workers), collate_fn, timeout
        self.pin_memory, self.pin_memory_device = pin_memory, pin_memory_device
        self.worker_init_fn, self.prefetch_factor = worker_init_fn, prefetch_factor
        self.persistent_workers = persistent_workers
        self.multiprocessing_context = multiprocessing_context
        self._mp_context = _check_context(multiprocessing_context, self.num_workers)
        self.device = None if device is None else backend.device(device)
        self._iterator = None
        self._initialized = True

    def __setattr__(self, attr, value):
        if self.__dict__.get("_initialized") and attr in _FROZEN:
            raise ValueError(f"{attr} attribute should not be set after {type(self).__name__} is initialized")
        super().__setattr__(attr, value)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def _shared_seed(self):
        """A seed drawn once per epoch from the loader's generator (the default one when None), as PyTorch does."""
        return int(_rng(self.generator, "DataLoader").integers(0, 2**63 - 1))

    def __iter__(self):
        if self.num_workers == 0:
            return _SingleProcessIter(self)
        if not self.persistent_workers:
            return _MultiWorkerIter(self)
        if self._iterator is None:
            self._iterator = _MultiWorkerIter(self)
        else:
            self._iterator._reset()
        return self._iterator

    def __len__(self):
        if isinstance(self.dataset, IterableDataset):
            length = len(self.dataset)  # a TypeError when the stream has no length
            if self.batch_size is not None:
                length = length // self.batch_size if self.drop_last else -(-length // self.batch_size)
            return length
        return len(self._index_sampler)


def _move(data, device):
    """Every tensor in a batch structure (dicts, lists, tuples, namedtuples) moved to `device`."""
    if isinstance(data, Tensor):
        return data.to(device)
    if isinstance(data, collections.abc.Mapping):
        out = {k: _move(v, device) for k, v in data.items()}
        try:
            return type(data)(out)
        except TypeError:
            return out
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(_move(v, device) for v in data))
    if isinstance(data, (list, tuple)):
        items = [_move(v, device) for v in data]
        try:
            return type(data)(items)
        except TypeError:
            return items
    return data


class _BaseIter:
    """One pass over a DataLoader (an epoch)."""

    def __init__(self, loader):
        self._loader = loader
        self._iterable = isinstance(loader.dataset, IterableDataset)
        self._reset()

    def _reset(self):
        self._sampler_iter = iter(self._loader._index_sampler)
        self._base_seed = self._loader._shared_seed()

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._loader)

    def __next__(self):
        data = self._next_data()
        device = self._loader.device
        return data if device is None else _move(data, device)


class _SingleProcessIter(_BaseIter):
    """Fetches each batch in the calling thread."""

    def _reset(self):
        super()._reset()
        ld = self._loader
        make = _IterFetcher if self._iterable else _MapFetcher
        self._fetcher = make(ld.dataset, ld._auto_collation, ld.collate_fn, ld.drop_last)

    def _next_data(self):
        index = next(self._sampler_iter)  # StopIteration ends a map-style epoch
        try:
            return self._fetcher.fetch(index)
        except _Exhausted:
            raise StopIteration from None


_epochs = itertools.count()


class _WorkerPool:
    """num_workers threads or processes, each with its own task queue, answering on one result queue."""

    def __init__(self, loader, seed):
        ctx = loader._mp_context
        self.is_process, self.closed = ctx is not None, False
        n = loader.num_workers
        self.results = ctx.Queue() if self.is_process else queue.Queue()
        self.task_queues, self.workers = [], []
        for i in range(n):
            tasks = ctx.Queue() if self.is_process else queue.Queue()
            args = (isinstance(loader.dataset, IterableDataset), loader.dataset, tasks, self.results,
                    loader._auto_collation, loader.collate_fn, loader.drop_last, i, n, seed + i,
                    loader.worker_init_fn, self.is_process)
            make = ctx.Process if self.is_process else threading.Thread
            worker = make(target=_worker_loop, args=args, name=f"DataLoader worker {i}", daemon=True)
            try:
                worker.start()  # with spawn, this pickles the dataset and collate_fn
            except BaseException:
                self.shutdown()
                raise
            self.task_queues.append(tasks)
            self.workers.append(worker)

    def put(self, worker, task):
        self.task_queues[worker].put(task)

    def drop_tasks(self):
        """Take back the tasks no worker has started yet."""
        for q in self.task_queues:
            try:
                while True:
                    q.get_nowait()
            except (queue.Empty, OSError, ValueError):
                pass

    def get(self, timeout):
        """The next (epoch, task, data) from any worker; raises if the workers time out or die."""
        deadline = time.monotonic() + timeout if timeout > 0 else None
        while True:
            wait = 1.0 if deadline is None else max(0.0, min(1.0, deadline - time.monotonic()))
            try:
                msg = self.results.get(timeout=wait)
            except queue.Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise RuntimeError(f"DataLoader timed out after {timeout} seconds") from None
                self._check_alive()
                continue
            return pickle.loads(msg) if self.is_process else msg

    def _check_alive(self):
        for i, w in enumerate(self.workers):
            if not w.is_alive():
                if self.is_process:
                    raise RuntimeError(f"DataLoader worker process {i} (pid {w.pid}) exited unexpectedly with exit "
                                       f"code {w.exitcode}; if it was killed (a negative code is the signal), the "
                                       "machine may be out of memory (try fewer num_workers)")
                raise RuntimeError(f"DataLoader worker thread {i} exited unexpectedly")

    def shutdown(self):
        """Stop the workers (pending tasks are dropped); processes that do not stop within 5 s are terminated."""
        if self.closed:
            return
        self.closed = True
        self.drop_tasks()
        for q in self.task_queues:
            q.put(None)
        if not self.is_process:
            return  # daemon threads finish their current task and exit
        for w in self.workers:
            w.join(timeout=5)
            if w.is_alive():
                w.terminate()
                w.join()
        for q in self.task_queues + [self.results]:
            q.cancel_join_thread()
            q.close()


class _MultiWorkerIter(_BaseIter):
    """Sends index batches to workers round-robin, keeps prefetch_factor * num_workers in flight, yields in order."""

    def __init__(self, loader):
        self._pool = None
        super().__init__(loader)

    def _reset(self):
        super()._reset()
        ld = self._loader
        if self._pool is None or self._pool.closed:
            self._pool = _WorkerPool(ld, self._base_seed)
            # not __del__: when the iterator is garbage-collected, the finalizer keeps the pool (and its queues'
            # feeder threads) alive until the workers have been told to stop
            self._stop_workers = weakref.finalize(self, self._pool.shutdown)
        else:  # persistent workers: forget what an unfinished earlier epoch still had queued
            self._pool.drop_tasks()
        self._epoch = next(_epochs)  # results of an abandoned earlier epoch (persistent workers) are dropped
        self._send_idx = self._rcvd_idx = self._next_worker = 0
        self._task_worker, self._results = {}, {}
        self._active = [True] * ld.num_workers
        self._sampler_done = False
        for _ in range(ld.prefetch_factor * ld.num_workers):
            self._try_put()

    def _try_put(self):
        if self._sampler_done or not any(self._active):
            return
        try:
            index = next(self._sampler_iter)
        except StopIteration:
            self._sampler_done = True
            return
        n = len(self._active)
        while not self._active[self._next_worker]:
            self._next_worker = (self._next_worker + 1) % n
        w, self._next_worker = self._next_worker, (self._next_worker + 1) % n
        self._pool.put(w, (self._epoch, self._send_idx, index))
        self._task_worker[self._send_idx] = w
        self._send_idx += 1

    def _next_data(self):
        while True:
            if self._rcvd_idx == self._send_idx:  # nothing in flight and nothing left to send
                if not self._loader.persistent_workers:
                    self._shutdown()
                raise StopIteration
            idx = self._rcvd_idx
            while idx not in self._results:
                epoch, i, data = self._pool.get(self._loader.timeout)
                if epoch == self._epoch:
                    self._results[i] = data
            data, worker = self._results.pop(idx), self._task_worker.pop(idx)
            self._rcvd_idx += 1
            if isinstance(data, _IterableEnd):  # that worker's copy of the iterable dataset is exhausted
                self._active[worker] = False
                self._try_put()
                continue
            self._try_put()
            if isinstance(data, ExceptionWrapper):
                data.reraise()
            return data

    def _shutdown(self):
        if self._pool is not None:
            self._stop_workers()
