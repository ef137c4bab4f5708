"""autograd.trace: run a function once, record its ops as a Graph, and replay that graph on new inputs."""
import functools
import inspect
import linecache
import os
import sys

from . import creation, function, random
from ._tensor import Tensor, root
from .backend import _modules
from .grad_mode import no_grad, state
from .ops.linalg_legacy import trace as matrix_trace
from .replay import Const, Program, Value, values_in

__all__ = ["trace", "Graph", "Node", "Traced", "TraceError"]

_numpy_array = next(t for t, (dev, _) in _modules.items() if dev == "cpu")

_PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_INTERNAL = tuple(os.path.join(_PKG, p) + os.sep for p in ("autograd", "nn", "optim"))
_CREATION = (creation.__file__, random.__file__)
_TO_PYTHON = ("item", "tolist", "numpy", "__array__", "__bool__", "__float__", "__int__", "__index__", "__complex__")


class TraceError(RuntimeError):
    """What a function does cannot be captured as a static graph (its line is in the message)."""


def _user_line():
    """'file:line: source' of the innermost frame outside tapegrad's packages (the user's code)."""
    f = sys._getframe(1)
    while f is not None and f.f_code.co_filename.startswith(_INTERNAL):
        f = f.f_back
    if f is None:
        return "<unknown>"
    code = linecache.getline(f.f_code.co_filename, f.f_lineno).strip()
    return f"{f.f_code.co_filename}:{f.f_lineno}: {code}"


class Node:
    """One recorded op: its Op class, arguments (Values, Consts or Python values), keyword params, output Values."""

    __slots__ = ("op", "args", "params", "outputs", "single")

    def __init__(self, op, args, params, outputs, single):
        self.op, self.args, self.params, self.outputs, self.single = op, args, params, outputs, single

    @property
    def name(self):
        """The op's name as printed: 'mul', 'matmul', ..."""
        return self.op.__dict__.get("display", self.op.__name__).lower()

    def __repr__(self):
        outs = ", ".join(repr(v) for v in self.outputs)
        args = [_show(a) for a in self.args] + [f"{k}={_show(v)}" for k, v in self.params.items()]
        shapes = ", ".join(v.describe() for v in self.outputs)
        return f"{outs} = {self.name}({', '.join(args)})  # {shapes}"


def _show(a):
    """An argument as printed: its repr, or <TypeName> for objects without one of their own."""
    return f"<{type(a).__name__}>" if type(a).__repr__ is object.__repr__ else repr(a)


class Graph:
    """A traced computation: named input Values, Nodes in execution order, outputs (Values or Consts)."""

    def __init__(self, inputs, nodes, outputs, rebuild, state_tensors, distinct=None):
        self.inputs, self.nodes, self.outputs = inputs, nodes, outputs
        self._rebuild = rebuild  # turns the list of output tensors back into the function's output structure
        self._state = state_tensors  # the module's parameters and buffers the graph reads, in graph.inputs order
        self._distinct = distinct  # when a tensor was passed twice: the argument positions that are inputs
        self._program = None

    def __str__(self):
        head = ", ".join(f"{v!r}: {v.describe()}" for v in self.inputs)
        lines = [f"graph({head}):"] + [f"    {n!r}" for n in self.nodes]
        lines.append(f"    return {', '.join(repr(v) for v in self.outputs)}")
        return "\n".join(lines)

    __repr__ = __str__

    def replay(self, arrays):
        """The output arrays for the arrays of the function's tensor arguments (the module's state is read here)."""
        if self._program is None:
            self._program = Program(self)
        return self._program.run(arrays + [t.array for t in self._state])


class _Recorder:
    """Handed every op while a trace runs: runs it eagerly and records it when it reads a traced value."""

    def __init__(self, state_names):
        self.values = {}  # id(tensor) -> (tensor, Value, version of its memory)
        self.arrays = {}  # id(array of a traced tensor) -> (array, tensor): ops given raw arrays read them
        self.const_arrays = {}  # id(array) -> array of the constants made while tracing (kept alive: ids stay unique)
        self.traced = False
        self.consts = {}  # id(tensor) -> (tensor, version) of the constant tensors read
        self.nodes = []
        self.inputs = []
        self.state_names = state_names  # id(parameter or buffer) -> (tensor, name)
        self.state_arrays = {id(t.array): (t.array, t) for t, _ in state_names.values()}
        self.state_used = []
        self.pending = []  # the last op's outputs: their versions are read once the op's caller made them views
        self.outside = {}  # id -> tensor made by tapegrad code outside any op while tracing (not traceable)
        self.count = 0

    def new_value(self, t, name=None):
        arr = t.array
        if name is None:
            name, self.count = str(self.count), self.count + 1
        v = Value(name, tuple(arr.shape), arr.dtype, "cpu" if type(arr) is _numpy_array else str(t.device))
        self.values[id(t)] = (t, v, root(t)._version)
        self.pending.append(t)
        self.arrays[id(arr)] = (arr, t)
        return v

    def settle(self):
        """Read the versions of the last op's outputs (a view's base is set after the op returns)."""
        for t in self.pending:
            if t._base is not None:  # its version is its base's, as of when the base was last read
                r = t._base
                e = self.values.get(id(r)) or self.consts.get(id(r))
                v = self.values[id(t)][1]
                self.values[id(t)] = (t, v, e[-1] if e is not None and e[0] is r else r._version)
        self.pending = []

    def lookup(self, t, what):
        """t's Value, or None when t is a constant; raises when t cannot be traced."""
        self.settle()
        e = self.values.get(id(t))
        if e is not None and e[0] is t:
            if root(t)._version != e[2]:
                raise TraceError(f"trace: a traced tensor (shape {e[1].shape}) was changed by an in-place operation "
                                 f"before {what} at {_user_line()}; in-place ops are not captured yet: use the "
                                 "out-of-place form (x = x + y, inplace=False)")
            return e[1]
        s = self.state_names.get(id(t))
        if s is not None and s[0] is t:
            self.state_used.append(t)
            v = self.new_value(t, s[1])
            self.inputs.append(v)
            return v
        if id(t) in self.outside:
            raise TraceError(f"trace: {what} at {_user_line()} reads a tensor that tapegrad computed outside its "
                             "recorded ops (a fast path), which tracing cannot follow; run this code eagerly")
        c = self.consts.get(id(t))
        if c is not None and c[0] is t and root(t)._version != c[1]:
            raise TraceError(f"trace: a constant tensor (shape {tuple(t.shape)}) was changed in place before {what} at "
                             f"{_user_line()}; in-place ops are not captured yet: use the out-of-place form")
        self.consts[id(t)] = (t, root(t)._version)
        self.const_arrays[id(t.array)] = t.array
        return None

    def __call__(self, cls, args, params):
        self.settle()
        function.set_recorder(None)
        try:
            out = cls.apply(*args, **params)
        finally:
            function.set_recorder(self)
        name = cls.__dict__.get("display", cls.__name__).lower()
        self.traced = False
        spec = tuple(self.resolve(a, name) for a in args)
        for k, p in params.items():
            if self.resolve(p, name) is not p:
                raise TraceError(f"trace: {name} at {_user_line()} takes a traced tensor or an array as its "
                                 f"parameter {k!r}, which cannot be replayed; run this code eagerly")
        single = not isinstance(out, tuple)
        outs = (out,) if single else out
        if self.traced:  # (an op on constants only is folded: its output is a constant too)
            self.nodes.append(Node(cls, spec, dict(params), [self.new_value(o) for o in outs], single))
        else:
            for o in outs:
                self.const_arrays[id(o.array)] = o.array
        return out

    def resolve(self, a, name):
        """An op argument as recorded: a Value, a Const, a tuple/list of them, or the Python value itself."""
        if type(a) in (tuple, list):
            parts = [self.resolve(x, name) for x in a]
            return a if all(p is x for p, x in zip(parts, a)) else type(a)(parts)
        if isinstance(a, Tensor):
            v = self.lookup(a, name)
            self.traced = self.traced or v is not None
            return Const(a.array) if v is None else v
        if type(a) not in _modules:
            return a
        e = self.arrays.get(id(a)) or self.state_arrays.get(id(a))  # a raw array: it must be a tensor's ...
        if e is not None and e[0] is a:
            return self.resolve(e[1], name)
        base = a
        while base is not None and id(base) not in self.const_arrays:  # ... or a constant's (or a view of one)
            base = getattr(base, "base", None)
        if base is None:
            raise TraceError(f"trace: {name} at {_user_line()} is given an array computed outside the recorded ops, "
                             "which tracing cannot follow (this op or mode is not traceable yet); run this code "
                             "eagerly")
        return Const(a)

    def custom(self, cls):
        raise TraceError(f"trace: the custom autograd.Function {cls.__name__} at {_user_line()} cannot be traced yet; "
                         "write its forward with tapegrad ops in a plain function, or run it eagerly")


def _flatten(obj, leaves, name, names):
    """A hashable key for obj's structure, static values and tensor metadata; tensors are appended to leaves."""
    if isinstance(obj, Tensor):
        leaves.append(obj)
        names.append(name)
        a = obj.array
        return (a.shape, a.dtype) if type(a) is _numpy_array else (a.shape, a.dtype, str(obj.device))
    if type(obj) in (tuple, list):
        return (type(obj),) + tuple(_flatten(o, leaves, f"{name}.{i}", names) for i, o in enumerate(obj))
    try:
        hash(obj)
    except TypeError:
        raise TypeError(f"trace: argument {name} of type {type(obj).__name__} cannot be traced: pass tensors, "
                        "tuples or lists of them, or hashable Python values (numbers, strings, None)") from None
    return (type(obj), obj)


def _outputs(out, rec):
    """(output Values or Consts, rebuild) for a function's result: a tensor or nested tuples/lists/dicts of them."""
    flat = []

    def walk(o):
        if isinstance(o, Tensor):
            flat.append(o)
            return None
        if isinstance(o, (tuple, list)):  # (named tuples too: max(dim) and friends return them)
            return (type(o), [walk(x) for x in o])
        if type(o) is dict:
            return (dict, {k: walk(x) for k, x in o.items()})
        raise TraceError(f"trace: the traced function returned a {type(o).__name__}; only tensors and tuples, "
                         "lists or dicts of tensors can be outputs of a traced function (return Python values "
                         "from outside it)")

    shape = walk(out)
    values = [rec.lookup(t, "the output") or Const(t.array) for t in flat]

    def rebuild(tensors, spec=shape):
        it = iter(tensors)

        def build(s):
            if s is None:
                return next(it)
            kind, items = s
            if kind is dict:
                return {k: build(x) for k, x in items.items()}
            return kind([build(x) for x in items]) if kind in (tuple, list) else kind(*[build(x) for x in items])
        return build(spec)
    return values, rebuild


def _arg_names(fn, n):
    """Names for n positional arguments of fn (from its signature; args.0 ... for *args)."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        params = []
    names = []
    for i in range(n):
        if i < len(params) and params[i].kind in (params[i].POSITIONAL_ONLY, params[i].POSITIONAL_OR_KEYWORD):
            names.append(params[i].name)
        else:
            star = next((p.name for p in params if p.kind == p.VAR_POSITIONAL), "args")
            names.append(f"{star}.{i - len([p for p in params if p.kind != p.VAR_POSITIONAL][:i])}")
    return names


class _Patched:
    """While a trace runs: Tensor conversions to Python and random draws raise TraceError on traced values."""

    def __init__(self, rec):
        self.rec = rec
        self.saved = {}

    def __enter__(self):
        rec = self.rec
        for name in _TO_PYTHON:
            orig = Tensor.__dict__.get(name)
            if orig is None:
                continue
            self.saved[(Tensor, name)] = orig
            setattr(Tensor, name, _guard(orig, name, rec))
        for name in ("rng", "_claim"):
            self.saved[(random.Generator, name)] = random.Generator.__dict__[name]
        setattr(random.Generator, "rng", property(_refuse_random))
        setattr(random.Generator, "_claim", _refuse_random)
        orig_make = Tensor.__dict__["_make"].__func__

        def make(cls, data, grad_fn, nr):  # tapegrad code that wraps an array outside any op: not traceable
            t = orig_make(cls, data, grad_fn, nr)
            e = rec.arrays.get(id(data))
            if e is not None and e[0] is data:  # another tensor on a traced array (detach, .data): the same value
                rec.values[id(t)] = (t, rec.values[id(e[1])][1], root(t)._version)
            elif sys._getframe(1).f_code.co_filename not in _CREATION:
                rec.outside[id(t)] = t
            else:  # a creation function's constant: changed in place before it is read, it would be frozen wrong
                rec.consts[id(t)] = (t, 0)
                rec.const_arrays[id(data)] = data
            return t
        self.saved[(Tensor, "_make")] = Tensor.__dict__["_make"]
        setattr(Tensor, "_make", classmethod(make))
        function.set_recorder(rec)
        return self

    def __exit__(self, *exc):
        function.set_recorder(None)
        for (owner, name), orig in self.saved.items():
            setattr(owner, name, orig)


def _guard(orig, name, rec):
    @functools.wraps(orig)
    def guarded(self, *args, **kwargs):
        e = rec.values.get(id(self))
        if e is not None and e[0] is self:
            what = {"__bool__": "bool(tensor)", "__float__": "float(tensor)", "__int__": "int(tensor)",
                    "__index__": "using a tensor as an index", "__array__": "numpy.asarray(tensor)",
                    "__complex__": "complex(tensor)"}.get(name, f".{name}()")
            raise TraceError(f"trace: {what} on a traced tensor at {_user_line()}: it takes a value to Python "
                             "(data-dependent control flow), which a static graph cannot replay; keep the "
                             "computation in tensor ops (e.g. autograd.where) or move it out of the traced function")
        return orig(self, *args, **kwargs)
    return guarded


def _refuse_random(*args):
    raise TraceError(f"trace: a random draw at {_user_line()} (dropout in training mode, rand, randn, ...) is not "
                     "captured yet: call model.eval(), or draw the numbers outside and pass them as an argument")


class Traced:
    """The callable autograd.trace returns: replays a cached Graph per input signature, tracing new ones."""

    def __init__(self, fn, cache_limit):
        if not callable(fn):
            raise TypeError(f"trace: expected a function or a module, got {type(fn).__name__}")
        if type(cache_limit) is not int or cache_limit < 1:
            raise ValueError(f"trace: cache_limit must be a positive int, got {cache_limit!r}")
        self.fn = fn
        self.cache_limit = cache_limit
        owner = fn if hasattr(fn, "named_parameters") else getattr(fn, "__self__", None)
        if owner is not None and not hasattr(owner, "named_parameters"):
            owner = None
        self._owner = owner
        self._modules = list(owner.modules()) if owner is not None else []
        self._cache = {}
        self.graph = None
        functools.update_wrapper(self, fn, updated=())

    @property
    def graphs(self):
        """The cached graphs, one per input signature traced so far (at most cache_limit)."""
        return tuple(self._cache.values())

    def _state_names(self):
        owner = self._owner
        if owner is None:
            return {}
        named = list(owner.named_parameters()) + list(owner.named_buffers())
        return {id(t): (t, n) for n, t in named if t is not None}

    def _key(self, args):
        leaves, names = [], []
        key = _flatten(args, leaves, "args", names)
        if len({id(t) for t in leaves}) != len(leaves):  # a tensor passed twice: the graph has one input for it
            key = (key, tuple(next(i for i, u in enumerate(leaves) if u is t) for t in leaves))
        if self._modules:
            key = (key, tuple(m.training for m in self._modules))
        return key, leaves, names

    def trace(self, *args):
        """Trace fn on args (even if a graph for them is cached): returns (graph, fn's eager outputs)."""
        return self._trace(args, *self._key(args))

    def _trace(self, args, key, leaves, flat_names):
        if function.recording() is not None:
            raise TraceError("trace: autograd.trace was called while another trace records; call the traced "
                             "function instead (inside a trace it runs eagerly, so its ops are recorded)")
        if key not in self._cache and len(self._cache) >= self.cache_limit:
            raise RuntimeError(
                f"trace: {getattr(self.fn, '__name__', type(self.fn).__name__)} was traced {self.cache_limit} times "
                f"(cache_limit) for different input shapes, dtypes, devices, static arguments or train/eval modes; "
                f"this call has {[tuple(t.shape) for t in leaves]}: give the inputs fixed shapes, or pass a larger "
                "cache_limit to autograd.trace")
        rec = _Recorder(self._state_names())
        names = _arg_names(self.fn.forward if hasattr(self.fn, "named_parameters") else self.fn, len(args))
        distinct = []  # positions of the leaves that are graph inputs (a tensor passed twice is one input)
        for i, (t, n) in enumerate(zip(leaves, flat_names)):
            if id(t) not in rec.values:
                top, _, rest = n[len("args."):].partition(".")
                rec.inputs.append(rec.new_value(t, names[int(top)] + (f".{rest}" if rest else "")))
                distinct.append(i)
        watched = leaves + [t for t, _ in rec.state_names.values()]
        versions = [root(t)._version for t in watched]
        with no_grad(), _Patched(rec):
            out = self.fn(*args)
            values, rebuild = _outputs(out, rec)
        for t, n in zip(watched, versions):
            if root(t)._version != n:
                raise TraceError(f"trace: the traced function changed an argument or a module's parameter or buffer "
                                 f"(shape {tuple(t.shape)}) in place, which replay would not repeat; in-place ops "
                                 "are not captured yet: return the new value instead")
        graph = Graph(rec.inputs, _live(rec.nodes, values), values, rebuild, rec.state_used,
                      distinct if len(distinct) != len(leaves) else None)
        self._cache[key] = graph
        self.graph = graph
        return graph, out

    def __call__(self, *args, **kwargs):
        if kwargs:
            raise TypeError(f"trace: a traced function takes positional arguments only, got {sorted(kwargs)}")
        if function.recording() is not None:  # called inside another trace: run, so that its ops are recorded
            return self.fn(*args)
        key, leaves, names = self._key(args)
        if state.enabled and self._wants_grad(leaves):
            return self.fn(*args)  # replay cannot build a tape: with gradients wanted, run eagerly
        graph = self._cache.get(key)
        if graph is None:
            return self._trace(args, key, leaves, names)[1]
        self.graph = graph
        if graph._distinct is not None:
            leaves = [leaves[i] for i in graph._distinct]
        arrays = [t.array for t in leaves]
        return graph._rebuild([Tensor._make(a, None, 0) for a in graph.replay(arrays)])

    def _wants_grad(self, leaves):
        """True when an argument or a parameter of the module requires grad."""
        if any(t._requires_grad for t in leaves):
            return True
        return self._owner is not None and any(p._requires_grad for p in self._owner.parameters())


def _live(nodes, outputs):
    """The nodes an output depends on (the others are dropped), in their order."""
    needed = {id(v) for v in outputs if isinstance(v, Value)}
    kept = []
    for node in reversed(nodes):
        if any(id(v) in needed for v in node.outputs):
            kept.append(node)
            needed.update(id(v) for v in values_in(node.args))
    kept.reverse()
    return kept


def trace(input=None, *example_args, cache_limit=8):
    """Trace a function or module on example_args: a Traced callable that replays the recorded graph.

    Called without example arguments (or as a decorator, `@trace` or `@trace(cache_limit=4)`), the first call
    traces. Replay is inference: see docs/ARCHITECTURE.md, "Tracing and replay". Given a tensor, this is
    torch.trace: the sum of the matrix's diagonal.
    """
    if isinstance(input, Tensor):
        if example_args:
            raise TypeError(f"trace: the matrix trace takes one tensor, got {len(example_args) + 1} arguments")
        return matrix_trace(input)
    if input is None:
        return lambda f: trace(f, cache_limit=cache_limit)
    traced = Traced(input, cache_limit)
    if example_args:
        traced.trace(*example_args)
    return traced


trace.TraceError = TraceError
