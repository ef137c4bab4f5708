"""backward(), grad() and detect_anomaly(): the user-facing entry points into the engine."""
from . import engine
from .backend import _FP_QUIET, fp_quiet, fp_restore
from ._tensor import Tensor, to_array
from .grad_mode import state


def _run(*args):
    """engine.run with floating-point errors in backward formulas giving inf/nan silently, as in PyTorch."""
    quiet = fp_quiet(_FP_QUIET)
    try:
        return engine.run(*args)
    finally:
        fp_restore(quiet)


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _root_grads(outputs, grad_outputs, op, create_graph):
    grads = []
    for i, (t, g) in enumerate(zip(outputs, grad_outputs)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: outputs must be tensors, got {type(t).__name__}")
        if not t.requires_grad:
            raise RuntimeError(
                f"{op}: element {i} of the outputs does not require grad and has no grad_fn: nothing was "
                "recorded. Create the inputs with requires_grad=True, and do not compute under no_grad()")
        if g is None:
            if t.array.size != 1:
                raise RuntimeError(
                    f"{op}: grad can be implicitly created only for scalar outputs; this output has shape "
                    f"{tuple(t.shape)}. Pass gradient= (a tensor of that shape), or reduce it with .sum()")
            if t.array.dtype.kind == "c":
                raise RuntimeError(f"{op}: grad can be implicitly created only for real scalar outputs, but this "
                                   f"output has dtype {t.dtype}; take .real or .abs() first, or pass gradient=")
            g = t.xp.ones_like(t.array)
        else:
            g = g if isinstance(g, Tensor) else Tensor._make(to_array(g, t.dtype, t.device), None, 0)
            if g.shape != t.shape:
                raise RuntimeError(f"{op}: gradient has shape {tuple(g.shape)} but the output has shape "
                                   f"{tuple(t.shape)}; they must match")
            if g.device != t.device:
                raise RuntimeError(f"{op}: gradient is on {g.device} but the output is on {t.device}")
            if g.dtype != t.dtype:  # gradients take the dtype of what they are the gradient of
                g = g.to(t.dtype)
            g = g if create_graph else g.array
        grads.append(g if not create_graph or isinstance(g, Tensor) else Tensor._make(g, None, 0))
    return grads


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate into .grad of the leaves the gradients of `tensors` (weighted by grad_tensors)."""
    tensors = _as_list(tensors)
    grads = _as_list(grad_tensors) if grad_tensors is not None else [None] * len(tensors)
    if len(grads) != len(tensors):
        raise RuntimeError(f"backward: got {len(tensors)} tensors but {len(grads)} gradients")
    roots = _root_grads(tensors, grads, "backward", create_graph)
    retain = create_graph if retain_graph is None else retain_graph
    if inputs is not None:
        inputs = _as_list(inputs)
        found = _run(tensors, roots, retain, create_graph, inputs)
        for t, g in zip(inputs, (found.get(i) for i in range(len(inputs)))):
            if g is None:
                continue
            g = g if isinstance(g, Tensor) else Tensor._make(g.copy(), None, 0)
            t.grad = g if t.grad is None else t.grad + g
        return
    _run(tensors, roots, retain, create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False,
         materialize_grads=False):
    """The gradients of `outputs` with respect to `inputs`, returned as a tuple (no .grad is touched)."""
    outputs = _as_list(outputs)
    single = isinstance(inputs, Tensor)
    inputs = _as_list(inputs)
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise RuntimeError(f"grad: input {i} does not require grad; every input must be a tensor with "
                               "requires_grad=True that the outputs were computed from")
    gos = _as_list(grad_outputs) if grad_outputs is not None else [None] * len(outputs)
    roots = _root_grads(outputs, gos, "grad", create_graph)
    retain = create_graph if retain_graph is None else retain_graph
    found = _run(outputs, roots, retain, create_graph, inputs)
    result = []
    for i, t in enumerate(inputs):
        g = found.get(i)
        if g is None:
            if materialize_grads:
                result.append(Tensor._make(t.xp.zeros_like(t.array), None, 0))
                continue
            if not allow_unused:
                raise RuntimeError(f"grad: input {i} (shape {tuple(t.shape)}) was not used to compute the "
                                   "outputs; pass allow_unused=True to get None for it")
            result.append(None)
            continue
        result.append(g if isinstance(g, Tensor) else Tensor._make(g, None, 0))
    return tuple(result) if not single or len(result) != 1 else (result[0],)


class detect_anomaly:
    """Record where each op was called; a NaN produced in backward raises, naming the op and that place."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan

    def __enter__(self):
        self._prev = state.anomaly
        state.anomaly = self.check_nan
        return self

    def __exit__(self, *exc):
        state.anomaly = self._prev
        return False


def set_detect_anomaly(mode):
    """Turn anomaly detection on or off globally."""
    state.anomaly = bool(mode)


def is_anomaly_enabled():
    """True inside detect_anomaly()."""
    return state.anomaly


def tensor_backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    """Compute the gradient of this tensor with respect to the leaves of its graph."""
    backward(self, gradient, retain_graph, create_graph, inputs)


METHODS = {"backward": tensor_backward}
