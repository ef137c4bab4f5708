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
    return [o for o in out if isinstance(o, Tensor) and o.dtype in dtypes.DIFFERENTIABLE]


def _parts(t):
    """The numbers of a tensor as real float64 values; a complex element gives two (its real and imaginary parts),
    as PyTorch's gradcheck treats a complex number as a pair of reals."""
    a = np.asarray(t.array)
    if a.dtype.kind == "c":
        a = np.stack((a.real, a.imag), -1)
    return np.asarray(a, np.float64).ravel()


def _width(t):
    """How many real numbers each element of t stands for (2 for complex)."""
    return 2 if t.dtype in dtypes.COMPLEXES else 1


def _fail(msg, raise_exception):
    if raise_exception:
        raise RuntimeError(msg)
    return False


def _numeric_jacobian(fn, inputs, i, eps, out_sizes):
    """Columns d(outputs)/d(inputs[i][j]) by central differences, as a (n_in, n_out) array."""
    x = inputs[i]
    w = _width(x)
    steps = (eps, 1j * eps) if w == 2 else (eps,)  # a complex input: its real part, then its imaginary part
    cols = np.zeros((x.numel() * w, sum(out_sizes)))
    for j, idx in enumerate(np.ndindex(x.shape)):  # writes through x.array, contiguous or not
        orig = x.array[idx].item()
        for p, step in enumerate(steps):
            x.array[idx] = orig + step
            plus = np.concatenate([_parts(o) for o in _outputs(fn, inputs)] or [[]])
            x.array[idx] = orig - step
            minus = np.concatenate([_parts(o) for o in _outputs(fn, inputs)] or [[]])
            x.array[idx] = orig
            cols[j * w + p] = (plus - minus) / (2 * eps)
    return cols


def _analytic_jacobian(outs, inputs, i, out_sizes):
    x = inputs[i]
    cols = np.zeros((x.numel() * _width(x), sum(out_sizes)))
    k = 0
    for o in outs:
        # grad_outputs 1 (1j) at a complex output asks for the gradient of its real (imaginary) part
        units = (1, 1j) if o.dtype in dtypes.COMPLEXES else (1,)
        for j in range(o.numel()):
            for unit in units:
                if not o.requires_grad:
                    k += 1
                    continue
                g = np.zeros(o.shape, dtype=o.dtype)
                g.reshape(-1)[j] = unit
                (gx,) = grad(o, x, grad_outputs=Tensor._make(g, None, 0), retain_graph=True, allow_unused=True)
                if gx is not None:
                    if gx.shape != x.shape:
                        raise RuntimeError(f"gradcheck: the gradient for input {i} has shape {tuple(gx.shape)}, "
                                           f"but the input has shape {tuple(x.shape)}")
                    cols[:, k] = _parts(gx)
                k += 1
    return cols


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0):
    """Compare the tape's gradients of fn at inputs with finite differences; inputs needing grad must be float64 or
    complex128 (a complex number counts as two reals, its real and imaginary parts, as in PyTorch)."""
    inputs = _as_tuple(inputs)
    diff = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    for i in diff:
        if inputs[i].dtype not in (dtypes.float64, dtypes.complex128):
            return _fail(f"gradcheck: input {i} has dtype {inputs[i].dtype}; finite differences need float64 or "
                         "complex128 inputs (use .double() or .cdouble())", raise_exception)
    outs = _outputs(fn, inputs)
    sizes = [o.numel() * _width(o) for o in outs]
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
        grad_outputs = [Tensor(np.asarray(rng.standard_normal(o.shape) + (1j * rng.standard_normal(o.shape)
                                                                          if o.dtype in dtypes.COMPLEXES else 0)),
                               dtype=o.dtype, requires_grad=True) for o in outs]
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
