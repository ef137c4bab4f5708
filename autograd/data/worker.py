"""What runs inside a DataLoader worker (a thread or a process): fetching batches, worker info, exception transport."""
import os
import pickle
import queue
import random
import sys
import threading
import traceback

import numpy as np

from .. import random as _random
from .collate import default_collate
from .dataset import Subset, TensorDataset

__all__ = ["WorkerInfo", "get_worker_info"]

_local = threading.local()


class WorkerInfo:
    """Inside a worker: its id, the number of workers, its seed, and its copy of the dataset."""

    def __init__(self, id, num_workers, seed, dataset):
        self.id, self.num_workers, self.seed, self.dataset = id, num_workers, seed, dataset

    def __repr__(self):
        return f"WorkerInfo(id={self.id}, num_workers={self.num_workers}, seed={self.seed})"


def get_worker_info():
    """The WorkerInfo of the DataLoader worker running this code, or None in the main thread/process."""
    return getattr(_local, "info", None)


class ExceptionWrapper:
    """An exception caught in a worker, with the worker's traceback as text; reraise() raises it in the caller."""

    def __init__(self, where):
        exc_type, exc, tb = sys.exc_info()
        self.exc_type, self.where = exc_type, where
        self.exc_msg = "".join(traceback.format_exception(exc_type, exc, tb))

    def reraise(self):
        """Raise an exception of the original type whose message carries the worker's traceback."""
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:  # KeyError would show the message as a repr; keep the newlines
            msg = _KeyErrorMessage(msg)
        try:
            exc = self.exc_type(msg)
        except Exception:  # the type needs other constructor arguments
            raise RuntimeError(msg) from None
        raise exc


class _KeyErrorMessage(str):
    def __repr__(self):
        return self


class _Exhausted(Exception):
    """An iterable dataset has no more batches (not StopIteration: that would leak out of generators)."""


class _IterableEnd:
    """What a worker answers once its copy of an iterable dataset is exhausted."""


# ---------------------------------------------------------------------------- fetchers
def _tensor_rows(dataset):
    """(tensors, index maps) when dataset is a TensorDataset, or Subsets of one, with the stock __getitem__."""
    maps = []
    while (getattr(type(dataset), "__getitem__", None) is Subset.__getitem__
           and getattr(type(dataset), "__getitems__", None) is Subset.__getitems__):
        maps.append(np.asarray(dataset.indices, dtype=np.int64))
        dataset = dataset.dataset
    if isinstance(dataset, TensorDataset) and type(dataset).__getitem__ is TensorDataset.__getitem__:
        return dataset.tensors, maps
    return None


class _MapFetcher:
    """Batches of a map-style dataset from lists of indices (or single samples without auto-collation)."""

    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset, self.auto, self.collate_fn = dataset, auto_collation, collate_fn
        # fast path: index a TensorDataset's tensors with the whole batch at once instead of fetch + stack
        self.rows = _tensor_rows(dataset) if auto_collation and collate_fn is default_collate else None

    def fetch(self, index):
        if not self.auto:
            return self.collate_fn(self.dataset[index])
        if self.rows is not None:
            tensors, maps = self.rows
            idx = np.asarray(index, dtype=np.int64)
            for m in maps:
                idx = m[idx]
            return [t[idx] for t in tensors]
        getitems = getattr(self.dataset, "__getitems__", None)
        samples = getitems(index) if callable(getitems) else [self.dataset[i] for i in index]
        return self.collate_fn(samples)


class _IterFetcher:
    """Batches of an iterable dataset: `index` only says how many samples (a list) or one sample (None)."""

    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.it, self.ended = iter(dataset), False
        self.auto, self.collate_fn, self.drop_last = auto_collation, collate_fn, drop_last

    def fetch(self, index):
        if self.ended:
            raise _Exhausted
        if not self.auto:
            try:
                sample = next(self.it)
            except StopIteration:
                self.ended = True
                raise _Exhausted from None
            return self.collate_fn(sample)
        samples = []
        for _ in index:
            try:
                samples.append(next(self.it))
            except StopIteration:
                self.ended = True
                break
        if not samples or (self.drop_last and len(samples) < len(index)):
            raise _Exhausted
        return self.collate_fn(samples)


# ---------------------------------------------------------------------------- the worker loop
def _dumps(msg):
    """Pickle a result in the worker, so that an unpicklable batch or exception becomes an error, not a hang."""
    try:
        return pickle.dumps(msg, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        epoch, idx, data = msg
        if isinstance(data, ExceptionWrapper):  # e.g. an exception class that cannot be pickled
            data.exc_type = RuntimeError
        else:
            data = ExceptionWrapper("while sending a batch from a DataLoader worker process (the batch must be "
                                    "picklable)")
        return pickle.dumps((epoch, idx, data), protocol=pickle.HIGHEST_PROTOCOL)


def _worker_loop(iterable, dataset, index_queue, result_queue, auto_collation, collate_fn, drop_last, worker_id,
                 num_workers, seed, worker_init_fn, is_process):
    """Answer (epoch, task, index) requests with (epoch, task, batch) until a None request arrives."""
    if not is_process:
        # the thread's own default generator seeded with `seed`: draws do not depend on how the threads interleave,
        # and worker k draws what process worker k (below) would. Python's and numpy's global RNGs are shared by
        # all threads and stay as they are.
        with _random.fork_default_generator(seed):
            _serve(iterable, dataset, index_queue, result_queue, auto_collation, collate_fn, drop_last, worker_id,
                   num_workers, seed, worker_init_fn, is_process)
        return
    result_queue.cancel_join_thread()  # exit promptly at shutdown even if nobody reads the last results
    random.seed(seed)
    np.random.seed(seed % 2**32)  # as PyTorch (1.9+): forked workers would otherwise all draw the same np.random
    _random.manual_seed(seed)
    _serve(iterable, dataset, index_queue, result_queue, auto_collation, collate_fn, drop_last, worker_id,
           num_workers, seed, worker_init_fn, is_process)


def _serve(iterable, dataset, index_queue, result_queue, auto_collation, collate_fn, drop_last, worker_id,
           num_workers, seed, worker_init_fn, is_process):
    """The worker loop proper, once the worker's RNGs are seeded."""
    where = f"in DataLoader worker {'process' if is_process else 'thread'} {worker_id}"
    parent = os.getppid() if is_process else None
    _local.info = WorkerInfo(worker_id, num_workers, seed, dataset)
    init_error = None
    try:
        if worker_init_fn is not None:
            worker_init_fn(worker_id)
    except Exception:
        init_error = ExceptionWrapper(where + " (in worker_init_fn)")
    make = _IterFetcher if iterable else _MapFetcher
    fetcher, fetcher_epoch = None, None
    while True:
        try:
            task = index_queue.get(timeout=1.0)
        except queue.Empty:
            if is_process and os.getppid() != parent:  # the main process died: do not linger
                return
            continue
        if task is None:
            return
        epoch, idx, index = task
        if init_error is not None:
            data = init_error
        else:
            try:
                if fetcher_epoch != epoch:
                    fetcher, fetcher_epoch = make(dataset, auto_collation, collate_fn, drop_last), epoch
                data = fetcher.fetch(index)
            except _Exhausted:
                data = _IterableEnd()
            except Exception:
                data = ExceptionWrapper(where)
        msg = (epoch, idx, data)
        result_queue.put(_dumps(msg) if is_process else msg)
        del data, msg
