"""Memory: no growth over training steps, no reference cycles (load_state_dict, a training step), intermediates freed
right after backward, hook handles that keep nothing alive (weak references, as PyTorch's).

Each check is a helper used twice: on the real code, where it must find nothing, and on a planted bug (the old
recursive closure, a graph kept across steps, a handle holding strong references, ...), where it must find it.
"""
import contextlib
import gc
import pickle
import tracemalloc
import weakref

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from autograd import _tensor
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


if __name__ == "__main__":
    pytest.main([__file__, "-q"])
