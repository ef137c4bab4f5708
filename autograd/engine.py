"""Reverse-mode engine: a topological order over the tape, then one loop that runs nodes in reverse."""
import sys
import threading

import numpy as np

from . import dtypes, gradmath
from ._tensor import Tensor, run_hook
from .backend import is_writeable
from .function import FREED
from .function import edge as edge_of
from .grad_mode import state

# Taken only while a leaf's .grad is updated (its check-then-set, and the in-place add, which numpy runs without the
# GIL for large arrays): threads calling backward() into shared leaves lose no update. One lock for all leaves; hooks
# and the rest of backward run outside it.
_leaf_lock = threading.Lock()
_COMPLEXES = dtypes.COMPLEXES


def _check_nan(node, grads):
    for i, g in enumerate(grads):
        if g is not None and gradmath.has_nan(g):
            where = "".join(node.trace or ["(no forward trace recorded)\n"])
            raise RuntimeError(f"{node.name()} returned nan values in its {i}th output.\n"
                               f"The forward call that created it:\n{where}")


def _dependencies(roots):
    """Count, for every node and leaf reachable from `roots`, how many edges lead into it (iteratively)."""
    deps = {}
    stack = list(roots)
    seen = set(stack)
    while stack:
        node = stack.pop()
        for edge in node.next_edges:
            if edge is None:
                continue
            child = edge[0]
            deps[child] = deps.get(child, 0) + 1
            if child not in seen and not isinstance(child, Tensor):
                seen.add(child)
                stack.append(child)
    return deps


def _own(g):
    """g itself when nothing else holds it (nor its memory), else a copy: a leaf's .grad must not alias."""
    # references to g here: the caller's local, this parameter and getrefcount's argument
    if sys.getrefcount(g) > 3 or not is_writeable(g):
        return g.copy()
    base = g.base
    if base is not None and sys.getrefcount(base) > 3:  # held by g, the local `base` and the argument
        return g.copy()
    return g


_capturing = [0]  # how many runs for autograd.grad (inputs given) are in progress: nested backwards can ask


def capturing():
    """True inside a backward run that returns the gradients of given inputs (autograd.grad) instead of
    accumulating into .grad: a node whose backward runs a backward of its own cannot take part in one."""
    return _capturing[0] > 0


def run(roots, root_grads, retain_graph, create_graph, inputs=None):
    """Backpropagate root_grads from root tensors. Fills .grad of leaves, or returns grads of `inputs`."""
    if inputs is None:
        return _run(roots, root_grads, retain_graph, create_graph, None)
    _capturing[0] += 1
    try:
        return _run(roots, root_grads, retain_graph, create_graph, inputs)
    finally:
        _capturing[0] -= 1


def _run(roots, root_grads, retain_graph, create_graph, inputs):
    captured = None
    if inputs is not None:  # autograd.grad: capture, do not accumulate
        captured = {}
        wanted = {}
        for i, t in enumerate(inputs):
            target, nr = edge_of(t)
            wanted.setdefault((id(target), nr), []).append(i)
    buffers = {}
    leaf_grads = {}
    root_nodes = []
    for t, g in zip(roots, root_grads):
        if t.grad_fn is None:
            leaf_grads[t] = g if t not in leaf_grads else leaf_grads[t] + g
            continue
        node, nr = t.grad_fn, t._output_nr
        buf = buffers.setdefault(node, [None] * node.num_outputs)
        buf[nr] = g if buf[nr] is None else buf[nr] + g
        if node not in root_nodes:
            root_nodes.append(node)
    deps = _dependencies(root_nodes)
    ready = [n for n in root_nodes if n not in deps]
    done = []  # leaves whose last gradient just arrived
    want = wanted if captured is not None else None
    prev_mode = state.enabled
    state.enabled = create_graph
    anomaly = state.anomaly
    try:
        while ready:
            node = ready.pop()
            grads = buffers.pop(node, None)
            if grads is not None and node._plain and captured is None:
                # the common case, inlined: a single-output built-in op, no hooks, no un-broadcasting
                if create_graph or node._create:
                    node._create = create_graph
                outs = node.backward(*grads)
                if outs.__class__ is not tuple:
                    outs = (outs,)
            else:
                if grads is not None:
                    grads = _prepare(node, grads, captured, want)
                if grads is None:  # nothing flows through this node
                    outs = (None,) * len(node.next_edges)
                else:
                    outs = node.run_backward(grads, create_graph)
            if anomaly and grads is not None:
                _check_nan(node, outs)
            if not retain_graph and node._meta:
                node._meta = FREED  # only nodes that saved values refuse a second backward
            for edge, g in zip(node.next_edges, outs):
                if edge is None:
                    continue
                target, nr = edge
                if isinstance(target, Tensor):
                    if g is not None:
                        leaf_grads[target] = g if target not in leaf_grads else leaf_grads[target] + g
                    left = deps[target] - 1
                    deps[target] = left
                    if left == 0:
                        done.append(target)
                    continue
                if g is not None:
                    buf = buffers.get(target)
                    if buf is None:
                        buf = buffers[target] = [None] * target.num_outputs
                    buf[nr] = g if buf[nr] is None else buf[nr] + g
                left = deps[target] - 1
                deps[target] = left
                if left == 0:
                    ready.append(target)
            if done:  # these leaves have their whole gradient: hooks and .grad now, as backward goes on
                grads = outs = g = buf = None  # drop references, so _own can see who else holds a gradient
                while done:
                    t = done.pop()
                    if t in leaf_grads:
                        _finish_leaf(leaf_grads, t, captured, want, create_graph)
        grads = outs = g = buf = None
        while leaf_grads:  # leaves that were roots themselves
            _finish_leaf(leaf_grads, next(iter(leaf_grads)), captured, want, create_graph)
        return captured
    finally:
        state.enabled = prev_mode


def _prepare(node, grads, captured, wanted):
    """Run pre-hooks, capture grads asked for by autograd.grad, and fill missing output grads."""
    hooks = node.pre_hooks
    if hooks:
        for nr, fns in hooks.items():
            if grads[nr] is None:
                continue
            for fn in fns:
                res = fn(grads[nr])
                if res is not None:
                    grads[nr] = res
    if wanted is not None:
        for nr, g in enumerate(grads):
            idx = wanted.get((id(node), nr))
            if idx is not None and g is not None:
                for i in idx:
                    captured[i] = g
    if all(g is None for g in grads):
        return None
    if node.num_outputs > 1 and any(g is None for g in grads):
        return _fill_missing(node, grads)
    return grads


def _fill_missing(node, grads):
    """Multi-output nodes get zeros for the outputs that received no gradient."""
    wrap = any(isinstance(g, Tensor) for g in grads)
    out = []
    for g, (shape, dtype, xp) in zip(grads, node._out_meta):
        if g is None:
            g = xp.zeros(shape, dtype)
            g = Tensor._make(g, None, 0) if wrap else g
        out.append(g)
    return out


def _finish_leaf(leaf_grads, t, captured, wanted, create_graph):
    """Run t's hooks on its total gradient, then capture it (autograd.grad) or accumulate it into t.grad and call
    its post-accumulate-grad hooks."""
    g = leaf_grads.pop(t)
    if isinstance(g, np.generic):  # numpy gives scalars for 0-d results; a .grad holds an array
        g = np.asarray(g)
    if g.dtype != t.array.dtype and g.dtype in _COMPLEXES and t.array.dtype not in _COMPLEXES:
        g = g.real  # as in PyTorch, a real input keeps the real part of a complex gradient
    for fn in t._hooks or ():
        res = run_hook(fn, g)
        if res is not None:
            g = res
    if wanted is not None:
        for i in wanted.get((id(t), 0), ()):
            captured[i] = g
        return
    if create_graph:
        g = g if isinstance(g, Tensor) else Tensor._make(g, None, 0)
        with _leaf_lock:
            t.grad = g if t.grad is None else t.grad + g
    else:
        with _leaf_lock:
            if t.grad is None:
                t.grad = Tensor._make(_own(g), None, 0)
            else:
                gd = t.grad.array
                if gd.shape == g.shape and gd.dtype == g.dtype and is_writeable(gd) and t.grad.grad_fn is None:
                    if type(g) is type(gd):
                        gd += g
                    else:  # a sparse COO gradient into a dense one
                        g.add_into(gd)
                else:
                    t.grad = Tensor._make(gd + g, None, 0)
    for fn in t._post_accumulate_hooks or ():
        fn(t)
