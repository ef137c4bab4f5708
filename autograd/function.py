"""Function: one tape node. Built-in ops run on raw arrays; custom Functions get Tensors, as in PyTorch."""
import traceback
import weakref

import numpy as np

from . import dtypes, gradmath
from ._tensor import Tensor, root
from .backend import _FP_QUIET, _modules, fp_quiet, fp_restore
from .grad_mode import state

_FLOATS = dtypes.FLOATS
_COMPLEXES = dtypes.COMPLEXES
FREED = "freed"  # the _meta of a node whose saved values backward has freed (compared by identity)
_generic = np.generic
_make = Tensor._make
_new = object.__new__
_recorder = None  # while autograd.trace records, every op is handed to it (one global load when not)


def set_recorder(recorder):
    """Hand every op to recorder(cls, args, params) from now on (None: run ops again); autograd.trace's switch."""
    global _recorder
    _recorder = recorder


def recording():
    """The recorder ops are handed to, or None."""
    return _recorder


def _version_of(t):
    """The version counter a tensor shares with its base (views see their base's changes)."""
    return root(t)._version


def edge(t):
    """Where t's gradient goes: None when t needs none, (t, 0) for a leaf, else (grad_fn, output index)."""
    if not t._requires_grad:
        return None
    if t._base is not None:
        _fresh_view(t)
    fn = t.grad_fn
    return (t, 0) if fn is None else (fn, t._output_nr)


class Function:
    """A node on the tape: subclass it with static forward(ctx, ...) and backward(ctx, *grads)."""

    # defaults (instances set only what differs): nodes are made on every recorded op, so keep them cheap
    to_save = ()
    _meta = ()
    needs_input_grad = ()
    next_edges = ()
    non_differentiable = ()
    num_outputs = 1
    pre_hooks = None
    in_shapes = None
    _plain = False  # True: a single-output built-in op without hooks or un-broadcasting (the engine's fast path)
    _complex = None  # on nodes with complex outputs: (holomorphic, one bool per input: is it real?)
    trace = None
    _create = False
    custom = True  # a user's Function: forward and backward see Tensors

    # ----------------------------------------------------------------- saving for backward
    def save_for_backward(self, *values):
        """Keep values (tensors or arrays) for backward; read them back with saved_tensors."""
        self.to_save = values

    def mark_non_differentiable(self, *outputs):
        """Declare outputs (of a custom Function) that never need a gradient."""
        self.non_differentiable = outputs

    def _pack(self, inputs, outputs):
        """Turn the values given to save_for_backward into entries that can be version-checked."""
        meta = []
        for v in self.to_save:
            data = v.array if isinstance(v, Tensor) else v
            for t in inputs:
                if isinstance(t, Tensor) and t.array is data:
                    meta.append((1, t, root(t)._version, data))
                    break
            else:
                for nr, o in enumerate(outputs):
                    if o.array is data:
                        meta.append((2, (weakref.ref(o), nr), root(o)._version, data))
                        break
                else:
                    meta.append((0, None, 0, data))
        self._meta = meta
        self.to_save = None

    @property
    def saved_tensors(self):
        """The values passed to save_for_backward: arrays in plain backward, Tensors under create_graph."""
        meta = self._meta
        if meta is FREED:
            raise RuntimeError(
                f"trying to backward through {self.name()} a second time: its saved values were freed "
                "after the first backward; pass retain_graph=True to the first backward() to keep them")
        out = []
        for kind, ref, version, data in meta:
            if kind == 1:
                if _version_of(ref) != version:
                    self._version_error(ref, version)
                out.append(ref if self._create else data)
            elif kind == 2:
                o = ref[0]()
                if o is not None and _version_of(o) != version:
                    self._version_error(o, version)
                out.append(Tensor._make(data, self, ref[1]) if self._create else data)
            else:
                out.append(Tensor._make(data, None, 0) if self._create and type(data) in _modules else data)
        return tuple(out)

    def _version_error(self, t, saved):
        now = _version_of(t)
        raise RuntimeError(
            f"one of the tensors needed by {self.name()} for its gradient was modified by an in-place "
            f"operation: a tensor of shape {tuple(t.shape)} and dtype {t.dtype} is at version {now}, "
            f"but was saved at version {saved}; clone() it before the in-place change")

    # ----------------------------------------------------------------- tape bookkeeping
    @classmethod
    def name(cls):
        """The node's name as shown in reprs, e.g. MulBackward0."""
        return f"{cls.__dict__.get('display', cls.__name__)}Backward0"

    def __repr__(self):
        return f"<{self.name()}>"

    @property
    def next_functions(self):
        """(node, output index) pairs this node sends gradients to, as in PyTorch."""
        return tuple((None, 0) if e is None else e for e in self.next_edges)

    def register_prehook(self, output_nr, hook):
        """Call hook(grad) on the gradient of output `output_nr` before this node runs."""
        self._plain = False
        if self.pre_hooks is None:
            self.pre_hooks = {}
        self.pre_hooks.setdefault(output_nr, []).append(hook)

    def run_backward(self, grads, create_graph):
        """Run backward on output grads (arrays, or Tensors under create_graph); one grad per edge."""
        if self.custom:
            self._create = True  # custom Functions always see Tensors, as in PyTorch
            return self._run_custom(grads, create_graph)
        self._create = create_graph
        cx = self._complex
        if cx is not None and cx[0]:  # holomorphic: PyTorch's gradient is conj(f'(z)) * gy = conj(f'(z) * conj(gy))
            out = self.backward(*(None if g is None else gradmath.conj(g) for g in grads))
            out = tuple(None if g is None else gradmath.conj(g) for g in (out if type(out) is tuple else (out,)))
        else:
            out = self.backward(*grads)
        if type(out) is not tuple:
            out = (out,)
        if cx is not None:  # a real input keeps the real part of its complex gradient
            out = tuple(gradmath.real(g) if real and g is not None and gradmath.is_complex(g) else g
                        for g, real in zip(out, cx[1]))
        shapes = self.in_shapes
        if shapes is not None:
            out = tuple(g if g is None or s is None or g.shape == s else gradmath.sum_to(g, s)
                        for g, s in zip(out, shapes))
        return out

    def _run_custom(self, grads, create_graph):
        grads = tuple(g if isinstance(g, Tensor) else Tensor._make(g, None, 0) for g in grads)
        out = type(self).backward(self, *grads)
        if type(out) is not tuple:
            out = (out,)
        n = len(self.next_edges)
        if len(out) < n or any(g is not None for g in out[n:]):
            raise RuntimeError(
                f"{type(self).__name__}.backward returned {len(out)} gradients but forward took {n} inputs; "
                "return one gradient (or None) per forward input")
        result = []
        for i, (g, e, meta) in enumerate(zip(out, self.next_edges, self._in_meta)):
            if g is None or e is None:
                result.append(None)
                continue
            if not isinstance(g, Tensor):
                g = Tensor._make(np.asarray(g) if not hasattr(g, "shape") else g, None, 0)
            shape, dtype = meta
            if g.shape != shape:
                try:  # as in PyTorch, a gradient the input's shape broadcasts to is summed down to it
                    reducible = np.broadcast_shapes(shape, g.shape) == tuple(g.shape)
                except ValueError:
                    reducible = False
                if not reducible:
                    raise RuntimeError(f"{type(self).__name__}.backward returned an invalid gradient at index {i}: "
                                       f"got shape {tuple(g.shape)} but expected shape {shape} (the input's)")
                g = g.sum_to_size(shape)
            if g.dtype != dtype:
                g = g.to(dtype)
            result.append(g if create_graph else g.array)
        return tuple(result)

    # ----------------------------------------------------------------- custom-Function apply
    @classmethod
    def apply(cls, *args, **kwargs):
        """Run forward (on Tensors, recording nothing inside) and record one node for the outputs."""
        if _recorder is not None:
            _recorder.custom(cls)
        ctx = cls.__new__(cls)
        tensors = [a for a in args if isinstance(a, Tensor)]
        record = state.enabled and any(t.requires_grad for t in tensors)
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        prev = state.enabled
        state.enabled = False
        try:
            out = cls.forward(ctx, *args, **kwargs)
        finally:
            state.enabled = prev
        single = not isinstance(out, tuple)
        outs = (out,) if single else out
        outs = tuple(o if isinstance(o, Tensor) else Tensor._make(np.asarray(o), None, 0) for o in outs)
        if not record:
            return outs[0] if single else outs
        ctx.next_edges = tuple(edge(a) if isinstance(a, Tensor) else None for a in args)
        ctx._in_meta = tuple((a.array.shape, a.dtype) if isinstance(a, Tensor) else None for a in args)
        ctx.num_outputs = len(outs)
        ctx._out_meta = tuple((o.array.shape, o.dtype, _modules[type(o.array)][1]) for o in outs)
        nondiff = {id(t) for t in ctx.non_differentiable}
        results = []
        for nr, o in enumerate(outs):
            returned_input = any(o is a for a in args)
            if returned_input or o.grad_fn is not None:  # returned an input: alias it
                o = Tensor._make(o.array, None, 0)
            if o.dtype in dtypes.DIFFERENTIABLE and id(o) not in nondiff and id(outs[nr]) not in nondiff:
                o.grad_fn, o._output_nr, o._requires_grad = ctx, nr, True
                if returned_input:
                    o.__dict__["_custom_alias"] = True  # it shares the input's memory: in-place ops must refuse it
            results.append(o)
        ctx._pack(args, results)
        if state.anomaly:
            ctx.trace = traceback.format_stack()[:-1]
        return results[0] if single else tuple(results)


class Op(Function):
    """Base of the built-in ops: forward(ctx, *arrays, **params) -> array(s); backward is duck-typed."""

    __slots__ = ()
    custom = False
    _plain = True
    broadcasts = False  # True: backward grads are summed back to the input shapes centrally
    differentiable = True
    fp_errors = False  # True: forward can make inf/nan of finite input (log(0), x / 0); it then runs numpy-quiet
    complex_ok = False  # True: backward, as written, gives PyTorch's gradient for complex values (conj Wirtinger)
    holomorphic = False  # True: complex-differentiable; backward is written for reals and run conjugated on complex

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("fp_errors") and "forward" in cls.__dict__:
            cls.forward = _quiet_forward(cls.__dict__["forward"])

    @classmethod
    def apply(cls, *args, **params):
        """Run forward on the arrays of `args` and, when grad is on, record this node for the output."""
        if _recorder is not None:
            return _recorder(cls, args, params)
        ctx = _new(cls)
        arrays = []
        record = False
        if state.enabled and cls.differentiable:
            edges = []
            for a in args:
                if isinstance(a, Tensor):
                    arrays.append(a.array)
                    e = edge(a)
                    record = record or e is not None
                    edges.append(e)
                else:
                    arrays.append(a)
                    edges.append(None)
            if record:
                ctx.next_edges = tuple(edges)
        else:
            for a in args:
                arrays.append(a.array if isinstance(a, Tensor) else a)
        try:
            out = cls.forward(ctx, *arrays, **params)
        except ValueError as err:
            if cls.broadcasts:
                _broadcast_error(cls, arrays, err)
            raise
        if type(out) is tuple:
            return _wrap_outputs(ctx, cls, args, out, record)
        if isinstance(out, _generic):  # numpy gives scalars for 0-d results; keep arrays (and saved identity)
            out = _scalar_to_array(ctx, out)
        if not record:
            return _make(out, None, 0)
        return _record(ctx, cls, args, out)

    @classmethod
    def apply1(cls, x, *consts):
        """apply() for the hot case of one tensor (then constants): unary math, x * c. Same result, less Python."""
        if _recorder is not None:
            return _recorder(cls, (x,) + consts, {})
        ctx = _new(cls)
        if state.enabled and x._requires_grad:
            e = edge(x)
            ctx.next_edges = (e,) + (None,) * len(consts) if consts else (e,)
            out = cls.forward(ctx, x.array, *consts)
            if isinstance(out, _generic):
                out = _scalar_to_array(ctx, out)
            return _record(ctx, cls, (x,) + consts if consts else (x,), out)
        out = cls.forward(ctx, x.array, *consts)
        return _make(np.asarray(out) if isinstance(out, _generic) else out, None, 0)

    @classmethod
    def apply2(cls, a, b):
        """apply() for the hot case of two tensors of one dtype and device (add, mul, ...)."""
        if _recorder is not None:
            return _recorder(cls, (a, b), {})
        ctx = _new(cls)
        if state.enabled and (a._requires_grad or b._requires_grad):
            ctx.next_edges = (edge(a), edge(b))
            try:
                out = cls.forward(ctx, a.array, b.array)
            except ValueError as err:
                _broadcast_error(cls, (a.array, b.array), err)
            if isinstance(out, _generic):
                out = _scalar_to_array(ctx, out)
            return _record(ctx, cls, (a, b), out)
        try:
            out = cls.forward(ctx, a.array, b.array)
        except ValueError as err:
            _broadcast_error(cls, (a.array, b.array), err)
        return _make(np.asarray(out) if isinstance(out, _generic) else out, None, 0)

    nondiff_outputs = ()

    @property
    def needs_input_grad(self):
        """One bool per forward argument: does its gradient need computing? (Derived from the edges.)"""
        return tuple([e is not None for e in self.next_edges])


def _quiet_forward(forward):
    """forward with numpy's floating-point warnings off: inf and nan come back silently, as in PyTorch. Only ops
    that declare fp_errors pay for it (two context-variable writes); backward passes run quiet as a whole."""
    def quiet(ctx, *args, **params):
        token = fp_quiet(_FP_QUIET)
        try:
            return forward(ctx, *args, **params)
        finally:
            fp_restore(token)

    quiet.__name__, quiet.__qualname__, quiet.__doc__ = forward.__name__, forward.__qualname__, forward.__doc__
    return quiet


def _fresh_view(v):
    """Re-derive a view's grad_fn from its base when the base was changed in place after the view was made."""
    base = v._base
    refresh = base.__dict__.get("_rebased")  # set by the in-place op that rebased the base: how to re-derive
    if refresh is not None and v.grad_fn is not None and base.grad_fn is not None:
        edges = v.grad_fn.next_edges
        if not edges or edges[0] is None or edges[0][0] is not base.grad_fn:
            refresh(v)


def _record(ctx, cls, args, out):
    """Make the output of a recording single-output op: un-broadcast shapes, trace, saved values."""
    if cls.broadcasts:
        shape = out.shape
        for a in args:
            if isinstance(a, Tensor) and a.array.shape != shape:
                ctx.in_shapes = tuple([a.array.shape if isinstance(a, Tensor) else None for a in args])
                ctx._plain = False
                break
    if state.anomaly:
        ctx.trace = traceback.format_stack()[:-2]
    if out.dtype in _FLOATS:  # (a holomorphic op on complex input never gives a real output)
        node = ctx if cls.complex_ok or cls.holomorphic or not _complex_in(args) else _complex_node(ctx, cls, args,
                                                                                                     out)
    else:
        node = _complex_node(ctx, cls, args, out)
    y = _make(out, node, 0)
    if ctx.to_save:
        ctx._pack(args, (y,))
    return y


def _complex_in(args):
    """True when a tensor argument is complex."""
    for a in args:
        if isinstance(a, Tensor) and a.array.dtype in _COMPLEXES:
            return True
    return False


def _complex_node(ctx, cls, args, out):
    """The node of a recorded output that is not float, or is float but made from complex input: None for ints and
    bools; ctx when the op's backward handles complex values (then the node keeps what run_backward needs); else a
    RuntimeError, raised before anything changed (a wrong gradient must not be returned silently)."""
    if out.dtype not in _COMPLEXES and out.dtype not in _FLOATS:
        return None
    if not (cls.complex_ok or cls.holomorphic):
        name = cls.__dict__.get("display", cls.__name__).lower()
        dt = out.dtype if out.dtype in _COMPLEXES else next(a.dtype for a in args if isinstance(a, Tensor)
                                                               and a.array.dtype in _COMPLEXES)
        raise RuntimeError(f"{name}: the derivative for complex tensors (dtype {dt}) is not implemented; compute it "
                           "on the real and imaginary parts (autograd.view_as_real), or under no_grad()")
    if out.dtype in _COMPLEXES:
        ctx._plain = False
        ctx._complex = (cls.holomorphic, tuple(isinstance(a, Tensor) and a.array.dtype not in _COMPLEXES
                                               for a in args))
    return ctx


def _scalar_to_array(ctx, scalar):
    """A 0-d array for a numpy scalar output, also replacing it among the values saved for backward."""
    arr = np.asarray(scalar)
    if ctx.to_save:
        ctx.to_save = tuple(arr if v is scalar else v for v in ctx.to_save)
    return arr


def _broadcast_error(cls, arrays, err):
    """Replace numpy's broadcasting error by one that names the op and the shapes."""
    shapes = [tuple(a.shape) for a in arrays if hasattr(a, "shape")]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        listed = " and ".join(str(s) for s in shapes)
        raise RuntimeError(f"{cls.__name__.lower()}: shapes {listed} cannot be broadcast together (each dimension "
                           "must match or be 1, aligned from the right); reshape or unsqueeze an operand") from None
    raise err


def _wrap_outputs(ctx, cls, args, out, record):
    """Wrap the outputs of a multi-output op; mark the differentiable ones as this node's."""
    outs = tuple(_make(o if not isinstance(o, _generic) else _scalar_to_array(ctx, o), None, 0) for o in out)
    if not record:
        return outs
    ctx.num_outputs = len(outs)
    ctx._plain = False
    ctx._out_meta = tuple((o.array.shape, o.dtype, _modules[type(o.array)][1]) for o in outs)
    if state.anomaly:
        ctx.trace = traceback.format_stack()[:-2]
    for nr, o in enumerate(outs):
        if nr in cls.nondiff_outputs:
            continue
        if (o.dtype in _FLOATS and (cls.complex_ok or not _complex_in(args))) or \
                _complex_node(ctx, cls, args, o.array) is ctx:
            o.grad_fn, o._output_nr, o._requires_grad = ctx, nr, True
    if ctx.to_save:
        ctx._pack(args, outs)
    return outs
