"""Replay of a traced Graph: the ops' forwards run in order on raw arrays, each dropped after its last use."""
from operator import itemgetter

import numpy as np

_generic = np.generic
_new = object.__new__


class Program:
    """A Graph compiled for replay: every argument gets a slot of one list (inputs, node outputs, constants, built
    index tuples); a step is the op's forward, a getter of its argument slots, and the slots to clear after it."""

    def __init__(self, graph):
        slot = {}
        for v in graph.inputs:
            slot[id(v)] = len(slot)
        for node in graph.nodes:
            for v in node.outputs:
                slot[id(v)] = len(slot)
        env = [None] * len(slot)
        self.in_slots = [slot[id(v)] for v in graph.inputs]
        kept = {slot[id(v)] for v in graph.outputs if isinstance(v, Value)} | set(self.in_slots)
        last = {}  # slot -> index of the node that reads it last
        for i, node in enumerate(graph.nodes):
            for v in values_in(node.args):
                last[slot[id(v)]] = i
        steps = []
        for i, node in enumerate(graph.nodes):
            where, builds = [], []
            for a in node.args:
                if isinstance(a, Value):
                    where.append(slot[id(a)])
                    continue
                where.append(len(env))
                if type(a) in (tuple, list) and any(True for _ in values_in(a)):  # e.g. an index tuple
                    builds.append((len(env), _builder(a, slot)))
                    env.append(None)
                else:
                    env.append(_plain(a))  # a constant: it stays in its slot
            outs = [slot[id(v)] for v in node.outputs]
            frees = sorted(s for s, at in last.items() if at == i and s not in kept)
            frees += [s for s in outs if s not in last and s not in kept]  # outputs nothing reads
            get = where[0] if len(where) == 1 else itemgetter(*where)
            steps.append((node.op.forward, node.op, len(where) == 1, get, node.params or None, tuple(builds),
                          outs[0] if node.single else tuple(outs), node.single, tuple(frees)))
        self.env, self.steps = env, steps
        self.out = [(True, slot[id(v)]) if isinstance(v, Value) else (False, v.array) for v in graph.outputs]

    def run(self, arrays):
        """The output arrays for input arrays (in graph.inputs order); constant outputs come back as fresh copies."""
        env = self.env.copy()
        for s, a in zip(self.in_slots, arrays):
            env[s] = a
        for forward, cls, one, get, params, builds, outs, single, frees in self.steps:
            for s, build in builds:
                env[s] = build(env)
            if params is None:
                out = forward(_new(cls), env[get]) if one else forward(_new(cls), *get(env))
            else:
                out = forward(_new(cls), env[get], **params) if one else forward(_new(cls), *get(env), **params)
            if single:
                env[outs] = np.asarray(out) if isinstance(out, _generic) else out
            else:
                for s, o in zip(outs, out):
                    env[s] = np.asarray(o) if isinstance(o, _generic) else o
            for s in frees:
                env[s] = None
        return [env[s] if traced else s.copy() for traced, s in self.out]


def values_in(args):
    """The Values among args, also inside tuples and lists."""
    for a in args:
        if isinstance(a, Value):
            yield a
        elif type(a) in (tuple, list):
            yield from values_in(a)


def _plain(a):
    """An argument with no Value in it, as forward gets it: Consts become their arrays (read-only views on the CPU:
    a replay reuses them, so a forward that wrote into one would change every later replay)."""
    if isinstance(a, Const):
        if type(a.array) is not np.ndarray:
            return a.array
        view = a.array.view()
        view.flags.writeable = False
        return view
    if type(a) in (tuple, list) and any(isinstance(x, Const) or type(x) in (tuple, list) for x in a):
        return type(a)(_plain(x) for x in a)
    return a


def _builder(a, slot):
    """A function of the slots' list that makes argument a (a tuple or list holding Values)."""
    if isinstance(a, Value):
        s = slot[id(a)]
        return lambda env: env[s]
    if type(a) in (tuple, list) and any(True for _ in values_in(a)):
        parts, kind = [_builder(x, slot) for x in a], type(a)
        return lambda env: kind([p(env) for p in parts])
    value = _plain(a)
    return lambda env: value


class Value:
    """One array of a traced Graph: a graph input (named) or a node's output, with its shape, dtype and device."""

    __slots__ = ("name", "shape", "dtype", "device")

    def __init__(self, name, shape, dtype, device):
        self.name, self.shape, self.dtype, self.device = name, shape, dtype, device

    def __repr__(self):
        return f"%{self.name}"

    def describe(self):
        """'(32, 10) float32' (with the device when not the CPU)."""
        dev = "" if self.device == "cpu" else f" {self.device}"
        return f"{self.shape} {self.dtype}{dev}"


class Const:
    """A tensor that does not depend on the graph's inputs, folded into the graph as its array."""

    __slots__ = ("array",)

    def __init__(self, array):
        self.array = array

    def __repr__(self):
        a = self.array
        if a.size == 1:
            return f"const({a.reshape(()).item()!r})"
        return f"const({tuple(a.shape)} {a.dtype})"
