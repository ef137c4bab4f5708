"""gradcheck / gradgradcheck: analytic gradients against central finite differences in float64."""
import numpy as np

from . import dtypes
from ._tensor import Tensor
from .autograd_api import grad
from .random import Generator


def _as_tuple(x):
    return tuple(x) if isinstance(x, (list, tuple)) else (x,)


def _outputs(fn, inputs):
    out = _as_tuple(fn(*inputs))
    return [o for o in out if isinstance(o, Tensor) and o.dtype in dtypes.FLOATS]


def _fail(msg, raise_exception):
    if raise_exception:
        raise RuntimeError(msg)
    return False


def _numeric_jacobian(fn, inputs, i, eps, out_sizes):
    """Columns d(outputs)/d(inputs[i][j]) by central differences, as a (n_in, n_out) array."""
    x = inputs[i]
    cols = np.zeros((x.numel(), sum(out_sizes)))
    for j, idx in enumerate(np.ndindex(x.shape)):  # writes through x.array, contiguous or not
        orig = x.array[idx].item()
        x.array[idx] = orig + eps
        plus = np.concatenate([np.asarray(o.array, np.float64).ravel() for o in _outputs(fn, inputs)] or [[]])
        x.array[idx] = orig - eps
        minus = np.concatenate([np.asarray(o.array, np.float64).ravel() for o in _outputs(fn, inputs)] or [[]])
        x.array[idx] = orig
        cols[j] = (plus - minus) / (2 * eps)
    return cols


def _analytic_jacobian(outs, inputs, i, out_sizes):
    x = inputs[i]
    cols = np.zeros((x.numel(), sum(out_sizes)))
    k = 0
    for o in outs:
        for j in range(o.numel()):
            g = np.zeros(o.shape, dtype=o.dtype)
            g.reshape(-1)[j] = 1
            if not o.requires_grad:
                k += 1
                continue
            (gx,) = grad(o, x, grad_outputs=Tensor._make(g, None, 0), retain_graph=True, allow_unused=True)
            if gx is not None:
                if gx.shape != x.shape:
                    raise RuntimeError(f"gradcheck: the gradient for input {i} has shape {tuple(gx.shape)}, but "
                                       f"the input has shape {tuple(x.shape)}")
                cols[:, k] = np.asarray(gx.array, np.float64).ravel()
            k += 1
    return cols


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0):
    """Compare the tape's gradients of fn at inputs with finite differences; inputs needing grad must be float64."""
    inputs = _as_tuple(inputs)
    diff = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    for i in diff:
        if inputs[i].dtype != dtypes.float64:
            return _fail(f"gradcheck: input {i} has dtype {inputs[i].dtype}; finite differences need float64 "
                         "inputs (use .double())", raise_exception)
    outs = _outputs(fn, inputs)
    sizes = [o.numel() for o in outs]
    for i in diff:
        num = _numeric_jacobian(fn, inputs, i, eps, sizes)
        ana = _analytic_jacobian(outs, inputs, i, sizes)
        if not np.allclose(ana, num, atol=atol, rtol=rtol, equal_nan=True):
            worst = np.unravel_index(np.argmax(np.abs(ana - num)), ana.shape)
            return _fail(f"gradcheck: Jacobian mismatch for input {i} (shape {tuple(inputs[i].shape)}): "
                         f"analytic {ana[worst]:.6g} vs numerical {num[worst]:.6g} at (input elem, output elem) "
                         f"{tuple(int(v) for v in worst)}\nanalytic:\n{ana}\nnumerical:\n{num}", raise_exception)
    return True


def gradgradcheck(fn, inputs, grad_outputs=None, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """gradcheck of the first derivative (computed with create_graph=True): checks second-order gradients."""
    inputs = _as_tuple(inputs)
    diff = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]
    outs = _outputs(fn, inputs)
    if grad_outputs is None:
        rng = Generator().manual_seed(0).rng
        grad_outputs = [Tensor(rng.standard_normal(o.shape), dtype=o.dtype, requires_grad=True) for o in outs]
    grad_outputs = list(_as_tuple(grad_outputs))

    def first_derivative(*args):
        xs, gos = args[:len(inputs)], args[len(inputs):]
        ys = [o for o in _outputs(fn, xs) if o.requires_grad]
        dx = [t for t in xs if isinstance(t, Tensor) and t.requires_grad]
        if not ys:
            return ()
        gs = grad(ys, dx, grad_outputs=list(gos[:len(ys)]), create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    if not diff:
        return True
    return gradcheck(first_derivative, tuple(inputs) + tuple(grad_outputs), eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
