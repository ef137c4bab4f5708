"""Memory: no growth over training steps, Model.fit epochs or DataLoader iterations (threads and processes), no
reference cycles (load_state_dict, a training step), intermediates freed right after backward, hook handles that
keep nothing alive (weak references, as PyTorch's).

Each check is a helper used twice: on the real code, where it must find nothing, and on a planted bug (the old
recursive closure, a graph kept across steps, a handle holding strong references, ...), where it must find it.
"""
import contextlib
import gc
import mmap
import multiprocessing
import os
import pickle
import threading
import tracemalloc
import weakref

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from autograd import _tensor
from autograd.data import DataLoader, TensorDataset
from autograd.data import loader as loader_module
from nn import module as nn_module


@contextlib.contextmanager
def _gc_off():
    """The cyclic collector off (after a full collection), so that only reference counting frees objects."""
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _cycles_after(fn, repeat=3):
    """How many objects gc.collect() finds in reference cycles after each of `repeat` calls of fn (gc off): a list."""
    found = []
    with _gc_off():
        for _ in range(repeat):
            fn()
            found.append(gc.collect())
    return found


def _net():
    rng = np.random.default_rng(0)
    net = nn.Sequential(nn.Linear(8, 6), nn.ReLU(), nn.Sequential(nn.Linear(6, 4), nn.Tanh()), nn.Linear(4, 2))
    x = ag.tensor(rng.standard_normal((16, 8)), dtype=ag.float32)
    y = ag.tensor(rng.standard_normal((16, 2)), dtype=ag.float32)
    return net, x, y


def _trainer(net, x, y, **sgd):
    opt = optim.SGD(net.parameters(), lr=0.01, **sgd)

    def step():
        opt.zero_grad()
        loss = ((net(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        return loss

    return step


# ---------------------------------------------------------------------------- growth over many steps
def _growth(step, steps, warmup=100):
    """Bytes traced by tracemalloc that `steps` calls of step() leave allocated (gc off: cycles count as growth)."""
    with _gc_off():
        tracemalloc.start()
        try:
            for _ in range(warmup):
                step()
            before = tracemalloc.get_traced_memory()[0]
            for _ in range(steps):
                step()
            return tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()


_BOUND = 32 * 1024  # bytes over 2000 steps; the real loop leaves about 1 KiB, a leak of 16 bytes a step exceeds it


def test_training_loop_memory_is_bounded():
    net, x, y = _net()
    assert _growth(_trainer(net, x, y, momentum=0.9), 2000) < _BOUND


def test_growth_check_detects_a_graph_kept_across_steps():
    net, x, y = _net()
    step = _trainer(net, x, y)
    total = [ag.zeros(())]

    def leaky_step():  # the classic leak: summing losses without .item() keeps every step's graph
        total[0] = total[0] + step()

    assert _growth(leaky_step, 500) > 4 * _BOUND


# ---------------------------------------------------------------------------- reference cycles
def test_load_state_dict_leaves_no_cycles():
    net, _, _ = _net()
    sd = net.state_dict()
    assert _cycles_after(lambda: net.load_state_dict(sd)) == [0, 0, 0]
    assert _cycles_after(lambda: net.load_state_dict(net.state_dict(), strict=False)) == [0, 0, 0]
    assert _cycles_after(lambda: net.load_state_dict(sd, assign=True)) == [0, 0, 0]


def test_cycle_check_detects_a_recursive_closure(monkeypatch):
    net, _, _ = _net()
    sd = net.state_dict()
    load_own = nn.Module._load_from_state_dict

    def planted(self, *args):  # the old bug's pattern: a closure that refers to itself, made at each call
        def again(n):
            return again(n - 1) if n else load_own(self, *args)

        again(1)

    monkeypatch.setattr(nn.Module, "_load_from_state_dict", planted)
    assert all(n > 0 for n in _cycles_after(lambda: net.load_state_dict(sd)))


def test_training_step_leaves_no_cycles():
    net, x, y = _net()
    step = _trainer(net, x, y, momentum=0.9)
    step()  # the optimizer's state is made at the first step
    assert _cycles_after(step) == [0, 0, 0]
    opt = optim.Adam(net.parameters(), lr=1e-3)

    def adam_step():
        opt.zero_grad()
        nn.MSELoss()(net(x), y).backward()
        opt.step()

    adam_step()
    assert _cycles_after(adam_step) == [0, 0, 0]


def test_cycle_check_detects_a_cycle_made_by_a_step():
    net, x, y = _net()
    step = _trainer(net, x, y)

    def planted():
        loss = step()
        loss.me = loss  # a tensor that refers to itself: freed only by the collector

    assert all(n > 0 for n in _cycles_after(planted))


# ---------------------------------------------------------------------------- intermediates after backward
def _intermediates_alive(retain_graph=False):
    """Weak references to the intermediate tensors and nodes of a small graph: how many live after backward (gc off),
    while the loss (and so the chain of nodes to it) is still held."""
    with _gc_off():
        x = ag.randn(5, 3, requires_grad=True)
        w = ag.randn(3, 4, requires_grad=True)
        h = (x @ w).tanh()
        z = (h * h).sigmoid()
        loss = z.sum()
        refs = [weakref.ref(t) for t in (h, z)]
        del h, z
        loss.backward(retain_graph=retain_graph)
        alive = sum(r() is not None for r in refs)
        assert x.grad is not None and w.grad is not None
        del loss
        after_loss = sum(r() is not None for r in refs)
        return alive, after_loss


def test_intermediates_die_right_after_backward():
    assert _intermediates_alive() == (0, 0)


def test_intermediate_check_detects_a_kept_graph():
    alive, after_loss = _intermediates_alive(retain_graph=True)  # saved tensors kept: the check must see them
    assert alive > 0 and after_loss == 0


# ---------------------------------------------------------------------------- hook handles
def _tensor_handle_keeps():
    """What a kept tensor-hook handle keeps alive (gc off): (the intermediate tensor, its node, the hook) once the
    tensor is dropped, and the hook once removed from a live leaf."""
    with _gc_off():
        x = ag.randn(4, requires_grad=True)
        y = (x * 2).exp()
        hook = lambda g: None  # noqa: E731
        handle = y.register_hook(hook)
        refs = [weakref.ref(o) for o in (y, y.grad_fn, hook)]
        del y, hook
        kept = tuple(r() is not None for r in refs)
        handle.remove()  # the tensor is gone: a no-op

        leaf_hook = lambda g: None  # noqa: E731
        leaf_handle = x.register_hook(leaf_hook)
        ref = weakref.ref(leaf_hook)
        del leaf_hook
        assert ref() is not None  # registered: the tensor holds it
        leaf_handle.remove()
        removed_kept = ref() is not None
        leaf_handle.remove()  # again: a no-op
        return kept, removed_kept


def test_tensor_hook_handles_hold_weak_references():
    assert _tensor_handle_keeps() == ((False, False, False), False)


def test_tensor_handle_check_detects_strong_references(monkeypatch):
    class StrongHandle(_tensor._HookHandle):  # the old handle: the tensor and the hook held strongly
        __slots__ = ("t", "hook")

        def __init__(self, t, hook):
            super().__init__(t, hook)
            self.t, self.hook = t, hook

    monkeypatch.setattr(_tensor, "_HookHandle", StrongHandle)
    kept, removed_kept = _tensor_handle_keeps()
    assert kept == (True, True, True) and removed_kept


def test_tensor_hook_handle_remove_still_works():
    x = ag.ones(3, requires_grad=True)
    y = x * 3
    seen = []
    h1 = y.register_hook(lambda g: seen.append("y"))

    class Watcher:
        def on_grad(self, g):
            seen.append("method")

    w = Watcher()
    h2 = x.register_hook(w.on_grad)  # a bound method: made anew at each access, found by equality
    h3 = x.register_hook(print)  # takes no weak reference: held until removed
    h3.remove()
    y.sum().backward()
    assert seen == ["y", "method"]
    h1.remove()
    h2.remove()
    h2.remove()
    seen.clear()
    (x * 3).sum().backward()
    y2 = x * 3
    y2.register_hook(lambda g: seen.append("y2"))
    y2.sum().backward()
    assert seen == ["y2"] and not x._hooks


def _module_handle_keeps():
    """What kept forward(-pre) hook handles keep alive once their layer is deleted (gc off): (the layer, its hooks)."""
    with _gc_off():
        layer = nn.Linear(3, 2)
        pre = lambda m, args: None  # noqa: E731
        post = lambda m, args, out: None  # noqa: E731
        handles = [layer.register_forward_pre_hook(pre, with_kwargs=False),
                   layer.register_forward_hook(post, with_kwargs=True, always_call=True)]
        refs = [weakref.ref(o) for o in (layer, pre, post)]
        del layer, pre, post
        kept = tuple(r() is not None for r in refs)
        for h in handles:
            h.remove()  # the layer is gone: a no-op
        return kept


def test_module_hook_handles_hold_weak_references():
    assert _module_handle_keeps() == (False, False, False)


def test_module_handle_check_detects_strong_references(monkeypatch):
    monkeypatch.setattr(nn_module, "_weak_dict", lambda d: (lambda: d))  # the old handle: the dicts held strongly
    assert _module_handle_keeps() == (False, True, True)


def test_module_hook_handles_still_remove_and_survive_pickling():
    layer = nn.Linear(3, 2)
    calls = []
    h = layer.register_forward_hook(lambda m, a, o: calls.append(1))
    with layer.register_forward_pre_hook(lambda m, a: calls.append(0)):
        layer(ag.ones(1, 3))
    layer(ag.ones(1, 3))
    assert calls == [0, 1, 1]
    h.remove()
    layer(ag.ones(1, 3))
    assert calls == [0, 1, 1] and not layer._forward_hooks
    state = dict(pickle.loads(pickle.dumps(layer)).__dict__)
    state["_forward_hooks_with_kwargs"] = {}  # as pickled by an older version (plain dicts)
    again = nn.Linear.__new__(nn.Linear)
    again.__setstate__(state)
    with again.register_forward_hook(lambda m, a, kw, o: calls.append(2), with_kwargs=True) as h2:
        again(ag.ones(1, 3))
    h2.remove()
    again(ag.ones(1, 3))
    assert calls == [0, 1, 1, 2] and not again._forward_hooks_with_kwargs


# ---------------------------------------------------------------------------- Model.fit and DataLoader workers
def _rss():
    """Resident memory in bytes (Linux's /proc/self/statm), or None where it is not available."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def _settled_growth(step, steps, warmup=50):
    """(traced bytes, RSS bytes or None) that `steps` calls of step() leave allocated, each read after gc.collect().

    The full collection also empties the interpreter's free lists, which otherwise keep filling for hundreds of calls
    and look like growth; cycles, which it frees, are checked on their own (_cycles_after). The smaller growth of two
    windows of `steps` calls counts: a leak grows in both, a one-off resize of a shared dict (weakref.finalize's
    registry, say) in one only."""
    tracemalloc.start()
    try:
        for _ in range(warmup):
            step()
        readings = []
        for _ in range(3):
            if readings:
                for _ in range(steps):
                    step()
            gc.collect()
            readings.append((tracemalloc.get_traced_memory()[0], _rss()))
        (t0, r0), (t1, r1), (t2, r2) = readings
        return min(t1 - t0, t2 - t1), None if r0 is None else min(r1 - r0, r2 - r1)
    finally:
        tracemalloc.stop()


_FIT_BOUND, _RSS_BOUND = 16 * 1024, 8 * 1024 * 1024  # real runs leave < 4 KiB and < 1 MiB; planted leaks > 9 MiB


def _fitter(epochs=1):
    """Model.fit for `epochs` (4 steps each) on a fresh model, as a function."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 64)).astype(np.float32)
    y = rng.standard_normal((64, 1)).astype(np.float32)
    net = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 1))
    model = nn.Model(net, nn.MSELoss(), optim.SGD(net.parameters(), lr=0.01, momentum=0.9))
    return lambda: model.fit(x, y, epochs=epochs, batch_size=16, verbose=0, validation_data=(x[:16], y[:16]))


def _bounded(growth):
    traced, rss = growth
    return traced < _FIT_BOUND and (rss is None or rss < _RSS_BOUND)


def test_fit_over_many_epochs_keeps_memory_bounded_and_makes_no_cycles():
    fit = _fitter()
    assert _bounded(_settled_growth(fit, 150))
    assert _cycles_after(fit) == [0, 0, 0]
    assert _cycles_after(_fitter(epochs=20)) == [0, 0, 0]


def test_fit_checks_detect_kept_graphs_native_buffers_and_cycles(monkeypatch):
    kept = []
    train_step = nn.Model.train_step

    def leaky(self, X, Y):  # keeps a prediction that still holds its graph, every step
        kept.append(self.forward(X))
        return train_step(self, X, Y)

    monkeypatch.setattr(nn.Model, "train_step", leaky)
    assert not _bounded(_settled_growth(_fitter(), 100))
    monkeypatch.setattr(nn.Model, "train_step", train_step)
    append = nn.callbacks.History.append
    if _rss() is not None:
        def native_leak(self, epoch, logs):  # keeps memory tracemalloc does not see (as a C extension's could)
            kept.append(_native_buffer(1 << 20))
            append(self, epoch, logs)

        monkeypatch.setattr(nn.callbacks.History, "append", native_leak)
        traced, rss = _settled_growth(_fitter(), 20)
        assert traced < _FIT_BOUND and rss > _RSS_BOUND

    def cyclic(self, epoch, logs):  # an epoch's logs that refer to themselves
        logs["logs"] = logs
        append(self, epoch, {k: v for k, v in logs.items() if k != "logs"})

    monkeypatch.setattr(nn.callbacks.History, "append", cyclic)
    assert all(n > 0 for n in _cycles_after(_fitter()))


def _native_buffer(n):
    """n bytes of anonymous memory (fresh pages, not reused ones), touched so resident; unseen by tracemalloc."""
    buf = mmap.mmap(-1, n)
    buf.write(b"\1" * n)
    return buf


def _epochs(**loader_args):
    """One pass over a DataLoader with workers (a fresh loader, reused by every call), as a function."""
    rng = np.random.default_rng(0)
    data = TensorDataset(ag.tensor(rng.standard_normal((1024, 64)).astype(np.float32)), ag.arange(1024))
    loader = DataLoader(data, batch_size=128, shuffle=True, num_workers=2, **loader_args)

    def epoch():
        before = set(threading.enumerate())
        for _ in loader:
            pass
        if not loader.persistent_workers:  # stopped worker threads exit on their own: wait, so none is half-gone
            for t in set(threading.enumerate()) - before:
                t.join(timeout=10)

    return epoch


_LOADERS = [{}, {"persistent_workers": True}, {"multiprocessing_context": "fork", "persistent_workers": True}]


@pytest.mark.parametrize("loader_args", _LOADERS, ids=["threads", "persistent-threads", "persistent-processes"])
def test_dataloader_workers_keep_memory_bounded_and_make_no_cycles(loader_args):
    if loader_args.get("multiprocessing_context") == "fork" and "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork here")
    epoch = _epochs(**loader_args)
    assert _bounded(_settled_growth(epoch, 100, warmup=20))
    assert _cycles_after(epoch, 5) == [0] * 5


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork here")
def test_dataloader_worker_processes_started_each_epoch_make_no_cycles():
    assert _cycles_after(_epochs(multiprocessing_context="fork")) == [0, 0, 0]


def test_dataloader_checks_detect_kept_batches_and_cycles(monkeypatch):
    kept = []
    next_data = loader_module._MultiWorkerIter._next_data

    def caching(self):  # keeps every batch it hands out
        kept.append(next_data(self))
        return kept[-1]

    monkeypatch.setattr(loader_module._MultiWorkerIter, "_next_data", caching)
    assert not _bounded(_settled_growth(_epochs(), 50, warmup=5))
    monkeypatch.setattr(loader_module._MultiWorkerIter, "_next_data", next_data)
    reset = loader_module._MultiWorkerIter._reset
    if _rss() is not None:
        def native_leak(self):  # keeps memory tracemalloc does not see, every epoch
            kept.append(_native_buffer(1 << 20))
            reset(self)

        monkeypatch.setattr(loader_module._MultiWorkerIter, "_reset", native_leak)
        traced, rss = _settled_growth(_epochs(), 15, warmup=5)
        assert traced < _FIT_BOUND and rss > _RSS_BOUND

    def cyclic(self):  # an iterator that refers to itself
        reset(self)
        self.me = self

    monkeypatch.setattr(loader_module._MultiWorkerIter, "_reset", cyclic)
    assert all(n > 0 for n in _cycles_after(_epochs(), 3))


if __name__ == "__main__":
    pytest.main([__file__, "-q"])
