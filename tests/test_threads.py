"""Threads: grad mode is per thread, anomaly mode is process-wide (both as in PyTorch), and threads calling backward()
into one shared leaf lose no gradient update.

Each check is a helper used twice: on the real code, and on a planted bug (a shared grad-mode state, a thread-local
anomaly flag, the leaf lock made a no-op), where it must see the difference.
"""
import contextlib
import threading
import time

import numpy as np
import pytest

import autograd as ag
from autograd import autograd_api, engine, grad_mode


def _in_thread(fn):
    """fn() run in a new thread; its result (or its exception, raised here)."""
    out = {}

    def target():
        try:
            out["value"] = fn()
        except BaseException as err:  # noqa: BLE001 (raised in the calling thread)
            out["error"] = err

    t = threading.Thread(target=target)
    t.start()
    t.join()
    if "error" in out:
        raise out["error"]
    return out["value"]


# ---------------------------------------------------------------------------- grad mode: per thread
def _grad_mode_seen_elsewhere():
    """(grad enabled in a new thread while this one is in no_grad, this thread's mode after the other thread entered
    no_grad and stayed there)."""
    with ag.no_grad():
        other = _in_thread(ag.is_grad_enabled)
    entered, leave = threading.Event(), threading.Event()

    def stay_in_no_grad():
        with ag.no_grad():
            entered.set()
            leave.wait(5)

    t = threading.Thread(target=stay_in_no_grad)
    t.start()
    try:
        entered.wait(5)
        here = ag.is_grad_enabled()
    finally:
        leave.set()
        t.join()
    return other, here


def test_grad_mode_is_per_thread():
    assert _grad_mode_seen_elsewhere() == (True, True)
    x = ag.ones(2, requires_grad=True)
    with ag.no_grad():
        y = _in_thread(lambda: x * 2)  # another thread records, as in PyTorch
        assert (x * 2).grad_fn is None
    assert y.requires_grad and y.grad_fn is not None
    with ag.inference_mode():
        assert _in_thread(ag.is_inference_mode_enabled) is False
    ag.set_grad_enabled(False)
    try:
        assert _in_thread(ag.is_grad_enabled) is True
    finally:
        ag.set_grad_enabled(True)


def test_grad_mode_check_detects_a_shared_state(monkeypatch):
    class Shared:  # one plain object: a mode set in one thread is seen by all
        enabled = True
        inference = False
        anomaly = False

    monkeypatch.setattr(grad_mode, "state", Shared())
    assert _grad_mode_seen_elsewhere() == (False, False)


# ---------------------------------------------------------------------------- anomaly mode: process-wide
def _nan_backward():
    """A backward that makes a nan (sqrt'(0) * 0): raises under anomaly detection."""
    x = ag.zeros(2, requires_grad=True)
    (x.sqrt() * 0).sum().backward()
    return "no error"


def _anomaly_seen_elsewhere():
    """(is_anomaly_enabled() in a new thread while this one turned it on, the same inside detect_anomaly(), the
    state this thread sees after a new thread turned it on)."""
    ag.set_detect_anomaly(True)
    try:
        by_set = _in_thread(ag.is_anomaly_enabled)
    finally:
        ag.set_detect_anomaly(False)
    with ag.detect_anomaly():
        in_block = _in_thread(ag.is_anomaly_enabled)
    try:
        _in_thread(lambda: ag.set_detect_anomaly(True))
        from_other = ag.is_anomaly_enabled()
    finally:
        ag.set_detect_anomaly(False)
    return by_set, in_block, from_other


def test_anomaly_mode_is_process_wide():
    assert _anomaly_seen_elsewhere() == (True, True, True)
    assert not ag.is_anomaly_enabled()
    with ag.detect_anomaly():  # the engine in another thread checks for nan too, and names the op
        with pytest.raises(RuntimeError, match=r"returned nan values"):
            _in_thread(_nan_backward)
    with np.errstate(all="ignore"):
        assert _in_thread(_nan_backward) == "no error"  # off again, for every thread


def test_anomaly_check_detects_a_thread_local_flag(monkeypatch):
    class PerThread(threading.local):  # the old state: the anomaly flag per thread
        enabled = True
        inference = False
        anomaly = False

    monkeypatch.setattr(autograd_api, "state", PerThread())
    assert _anomaly_seen_elsewhere() == (False, False, False)


# ---------------------------------------------------------------------------- backward into one shared leaf
def _shared_leaf_total(size, threads=4, calls=100):
    """The smallest entry of a shared leaf's .grad after `threads` threads each ran `calls` backward() into it, each
    adding one to every entry: threads * calls when no update is lost."""
    leaf = ag.zeros(size, requires_grad=True)
    start = threading.Barrier(threads)
    errors = []

    def work():
        try:
            start.wait(5)
            for _ in range(calls):
                (leaf * 1.0).sum().backward()
        except BaseException as err:  # noqa: BLE001
            errors.append(err)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    assert not errors, errors
    return float(leaf.grad.array.min())


def _slow_is_writeable(monkeypatch):
    """Widen the leaf update's race window: a short sleep (other threads run) between reading .grad and writing it,
    and the out-of-place path (read, add, assign), where an unguarded update from another thread is overwritten."""
    def slow(arr):
        time.sleep(0.0002)
        return False

    monkeypatch.setattr(engine, "is_writeable", slow)


def test_threads_backward_into_one_leaf_lose_nothing(monkeypatch):
    assert _shared_leaf_total(1 << 18) == 400  # large: numpy's in-place add runs without the GIL
    assert _shared_leaf_total(3) == 400
    _slow_is_writeable(monkeypatch)
    assert _shared_leaf_total(3) == 400  # serialised by the lock, however long the update takes


def test_shared_leaf_check_detects_an_unguarded_update(monkeypatch):
    _slow_is_writeable(monkeypatch)
    monkeypatch.setattr(engine, "_leaf_lock", contextlib.nullcontext())  # the old, unguarded accumulation
    assert _shared_leaf_total(3) < 400


def test_threads_with_their_own_leaves_and_autograd_grad():
    """Threads with separate graphs get exactly their own gradients; autograd.grad is untouched by the lock."""
    def work(k):
        x = ag.full((3,), float(k), requires_grad=True)
        for _ in range(50):
            (x * x).sum().backward()
        (g,) = ag.grad((x * x).sum(), [x])
        return x.grad.tolist(), g.tolist()

    results = [None] * 4

    def run(k):
        results[k] = work(k)

    workers = [threading.Thread(target=run, args=(k,)) for k in range(4)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    assert results == [([100.0 * k] * 3, [2.0 * k] * 3) for k in range(4)]
