"""Gradient buckets for DistributedDataParallel: filled by parameter hooks, all-reduced bucket by bucket, averaged.

Each parameter's gradient hook copies this backward's gradient (plus whatever .grad already held, e.g. from
no_sync() steps) into a flat per-dtype bucket. A bucket whose parameters have all arrived starts its all-reduce at
once (MPI Iallreduce, or NCCL queued on the CUDA stream), in bucket order so every rank issues the same sequence.
The last parameter's hook waits for all buckets, divides by the world size and writes the averages into .grad.

What overlaps: the engine runs a parameter's hooks as soon as its last gradient arrives (autograd/engine.py,
_finish_leaf), so a bucket's MPI all-reduce runs while backward goes on computing the earlier layers' gradients.
On NCCL the all-reduce is queued on the current CUDA stream: ordered after the kernels before it, not concurrent.
"""
import weakref
import zlib

import numpy as np

from .. import backend
from .._tensor import Tensor
from . import collectives
from . import group as _g

FIRST_BUCKET_BYTES = 1 << 20  # a small first bucket starts communicating early, as in PyTorch


class _Bucket:
    """A flat buffer holding the gradients of some parameters of one dtype and device."""

    def __init__(self, xp, dtype):
        self.xp, self.dtype, self.members, self.numel = xp, dtype, [], 0
        self.flat, self.pending = None, 0


def _make_buckets(params, cap_bytes):
    """Buckets in reverse parameter order (roughly the order backward produces gradients)."""
    buckets, where, open_ = [], [None] * len(params), {}
    for i in reversed(range(len(params))):
        p = params[i]
        key = (p.array.dtype, str(p.device))
        b = open_.get(key)
        if b is None:
            b = open_[key] = _Bucket(p.xp, p.array.dtype)
            buckets.append(b)
        where[i] = (b, b.numel)
        b.members.append(i)
        b.numel += p.array.size
        cap = min(FIRST_BUCKET_BYTES, cap_bytes) if len(buckets) == 1 else cap_bytes
        if b.numel * b.dtype.itemsize >= cap:
            del open_[key]
    for b in buckets:
        b.flat = b.xp.empty(b.numel, b.dtype)
    return buckets, where


def _leaves_reached(outputs):
    """ids of the leaf tensors that the tape behind `outputs` leads to (iteratively)."""
    stack, seen, leaves = [], set(), set()

    def add(obj):
        if isinstance(obj, Tensor):
            if obj.grad_fn is None:
                leaves.add(id(obj))
            elif id(obj.grad_fn) not in seen:
                seen.add(id(obj.grad_fn))
                stack.append(obj.grad_fn)
        elif isinstance(obj, (list, tuple)):
            for o in obj:
                add(o)
        elif isinstance(obj, dict):
            for o in obj.values():
                add(o)

    add(outputs)
    while stack:
        for edge in stack.pop().next_edges:
            if edge is None:
                continue
            target = edge[0]
            if isinstance(target, Tensor):
                leaves.add(id(target))
            elif id(target) not in seen:
                seen.add(id(target))
                stack.append(target)
    return leaves


class Reducer:
    """Averages the gradients of `params` across ranks as backward() fills them (see the module docstring)."""

    def __init__(self, params, names, bucket_cap_mb=25.0):
        self.group = _g.current("DistributedDataParallel")
        self.params, self.names, self.cap = params, names, int(bucket_cap_mb * 1024 * 1024)
        self.handles = [p.register_hook(self._hook_for(i)) for i, p in enumerate(params)]
        self.rebuild()

    def rebuild(self):
        """(Re)allocate the buckets for the parameters' current dtypes and devices."""
        self.buckets, self.where = _make_buckets(self.params, self.cap)
        self._reset()

    def _reset(self):
        self.active, self.n_ready, self.next_launch, self.requests = False, 0, 0, []
        self.ready, self.unused, self.stash = [False] * len(self.params), set(), {}
        for b in self.buckets:
            b.pending = len(b.members)

    def remove_hooks(self):
        """Take the gradient hooks off the parameters."""
        for h in self.handles:
            h.remove()
        self.handles = []

    def unfinished(self):
        """Names of the parameters still waiting for a gradient, when a reduction was started but not finished."""
        if not self.active or self.n_ready == 0:
            return []
        return [self.names[i] for i, r in enumerate(self.ready) if not r]

    def prepare(self, outputs=None):
        """Expect one gradient per parameter in the next backward; with `outputs`, parameters the forward did not
        reach count as ready at once with a zero gradient (find_unused_parameters)."""
        self._reset()
        self.active = True
        if outputs is None:
            return
        reached = _leaves_reached(outputs)
        for i, p in enumerate(self.params):
            if id(p) not in reached:
                self.unused.add(i)
                slot = self._slot(i)
                slot[...] = 0 if p.grad is None else p.grad.array.reshape(-1)
                self._mark(i)
        if self.n_ready == len(self.params):
            self._finish(None)

    def _slot(self, i):
        b, off = self.where[i]
        return b.flat[off:off + self.params[i].array.size]

    def _hook_for(self, i):
        ref = weakref.ref(self)  # a dropped DDP wrapper leaves an inert hook, not a live reducer

        def hook(grad):
            reducer = ref()
            return reducer._on_grad(i, grad) if reducer is not None and reducer.active else None

        return hook

    def _on_grad(self, i, grad):
        if self.ready[i]:
            raise RuntimeError(f"DistributedDataParallel: parameter {self.names[i]} got a second gradient before the "
                               "gradients were averaged; DDP expects one backward per forward")
        p, slot = self.params[i], self._slot(i)
        g = grad.array.reshape(-1)
        if p.grad is not None:  # accumulate as PyTorch does: the bucket holds the whole .grad
            self.stash[i] = p.grad
            p.xp.add(p.grad.array.reshape(-1), g, out=slot)
            p.grad = None
        else:
            slot[...] = g
        self._mark(i)
        if self.n_ready == len(self.params):
            return self._finish(i)
        return None

    def _mark(self, i):
        self.ready[i] = True
        self.n_ready += 1
        b = self.where[i][0]
        b.pending -= 1
        while self.next_launch < len(self.buckets) and self.buckets[self.next_launch].pending == 0:
            self.requests.append(self.group.iallreduce(self.buckets[self.next_launch].flat, "sum"))
            self.next_launch += 1

    def _finish(self, last):
        """Wait for every bucket, average, and write .grad; returns the last parameter's gradient for the engine."""
        self.group.wait(self.requests)
        for b in self.buckets:
            b.flat /= self.group.size
        bypassed = [i for i in range(len(self.params)) if i != last and i not in self.unused
                    and self.params[i].grad is None]
        if bypassed:  # autograd.grad() (or backward(inputs=...)) ran the hooks but does not fill .grad
            for i, old in self.stash.items():
                self.params[i].grad = old
            self._reset()
            raise RuntimeError("DistributedDataParallel averages gradients as loss.backward() writes them into "
                               ".grad; autograd.grad() and backward(inputs=...) bypass .grad, as in PyTorch. Use "
                               "loss.backward() (Model.fit and Model.train_step do), or run the forward under "
                               "ddp.no_sync() and average with autograd.distributed.all_reduce(op=ReduceOp.AVG)")
        result = None
        for i, p in enumerate(self.params):
            avg = self._slot(i).reshape(p.shape)
            if i == last:
                result = Tensor._make(avg.copy(), None, 0)
            elif i in self.unused:
                if p.grad is not None or bool(avg.any()):
                    p.grad = Tensor._make(avg.copy(), None, 0)
            elif p.grad.array.shape == avg.shape and p.grad.array.dtype == avg.dtype and backend.is_writeable(
                    p.grad.array) and p.grad.grad_fn is None:
                p.grad.array[...] = avg
            else:
                p.grad = Tensor._make(avg.copy(), None, 0)
        self._reset()
        return result


def verify_same_params(params, names, what="DistributedDataParallel"):
    """Raise on every rank when the ranks' parameter lists differ (count, shapes or dtypes)."""
    group = _g.current(what)
    if group.size == 1:
        return
    text = ";".join(f"{n}:{tuple(p.shape)}:{p.dtype}" for n, p in zip(names, params))
    mine = np.asarray([len(params), sum(p.array.size for p in params), zlib.crc32(text.encode())], np.int64)
    rows = group.allgather_ints(mine)
    if not (rows == rows[0]).all():
        desc = "; ".join(f"rank {r}: {int(n)} tensors, {int(k)} elements" for r, (n, k, _) in enumerate(rows))
        raise RuntimeError(f"{what}: the model differs across ranks ({desc}, or different shapes/dtypes); build "
                           "the same model on every rank before wrapping it")


def broadcast_tensors(tensors, src=0):
    """Overwrite `tensors` on every rank with rank src's, one call per tensor (no per-call shape check)."""
    group = _g.current("broadcast")
    for t in tensors:
        buf = collectives._staged(group, t.array)
        group.broadcast(buf, src)
        collectives._write_back(t, buf)
