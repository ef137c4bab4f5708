"""Tensor creation: tensor, as_tensor, from_numpy, zeros, ones, full, empty, arange, linspace, logspace, eye, *_like."""
import numpy as np

from . import backend, dtypes
from ._tensor import Tensor, infer_dtype, to_array


def _finish(arr, requires_grad):
    t = Tensor._make(arr, None, 0)
    if requires_grad:
        t.requires_grad_(True)
    return t


def tensor(data, dtype=None, device=None, requires_grad=False):
    """A new tensor holding a copy of `data` (numbers, nested lists, an array or a tensor)."""
    return _finish(to_array(data, dtype, device), requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like tensor(), but shares memory with `data` when no conversion is needed."""
    if isinstance(data, Tensor):
        if (dtype is None or dtypes.as_dtype(dtype) == data.dtype) and (device is None or data.device == device):
            return data
        return data.to(dtype=dtype, device=device)
    if type(data) in backend._modules and data.dtype in dtypes.SUPPORTED:
        dt = dtypes.as_dtype(dtype)
        if (dt is None or dt == data.dtype) and (device is None or backend.device_of(data) == device):
            return Tensor._make(data, None, 0)
    return tensor(data, dtype, device)


def from_numpy(array):
    """A tensor sharing memory with a numpy array (changes to one show in the other)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy expects a numpy.ndarray, got {type(array).__name__}")
    if array.dtype not in dtypes.SUPPORTED:
        raise TypeError(f"from_numpy: numpy dtype {array.dtype} is not supported; "
                        f"supported: {sorted(str(d) for d in dtypes.SUPPORTED)}")
    return Tensor._make(array, None, 0)


def _shape(size, op="size"):
    """Sizes given as varargs (2, 3) or as one tuple/list ((2, 3)): a tuple of non-negative Python ints."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    size = dtypes.as_ints(tuple(size), op, "size")
    if any(n < 0 for n in size):
        raise ValueError(f"{op}: invalid size {size}: sizes must be non-negative integers")
    return size


def _fill(fn, size, dtype, device, requires_grad, *args):
    size = _shape(size, fn)
    dtype = dtypes.as_dtype(dtype) or dtypes.get_default_dtype()
    xp = backend.module_for(device or "cpu")
    return _finish(getattr(xp, fn)(*args, size, dtype=dtype) if args else getattr(xp, fn)(size, dtype=dtype),
                   requires_grad)


def zeros(*size, dtype=None, device=None, requires_grad=False):
    """A tensor of zeros."""
    return _fill("zeros", size, dtype, device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False):
    """A tensor of ones."""
    return _fill("ones", size, dtype, device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False):
    """An uninitialized tensor."""
    return _fill("empty", size, dtype, device, requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    """A tensor filled with fill_value (dtype inferred from it, as in PyTorch)."""
    if not isinstance(size, (tuple, list)):
        try:
            size = (dtypes.as_int(size, "full", "size"),)
        except TypeError:
            raise TypeError(f"full: argument 'size' must be a tuple of ints, not {type(size).__name__}") from None
    size = _shape((size,), "full")
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if not isinstance(fill_value, (bool, int, float, complex, np.bool_, np.number)):
        raise TypeError(f"full: fill_value must be a number, not {type(fill_value).__name__}")
    if dtype is None:
        dtype = infer_dtype(fill_value)
    xp = backend.module_for(device or "cpu")
    return _finish(xp.full(size, fill_value, dtype=dtypes.as_dtype(dtype)), requires_grad)


def _like(fn, t, dtype, device, requires_grad, *args):
    dtype = dtypes.as_dtype(dtype) or t.dtype
    device = device or t.device
    xp = backend.module_for(device)
    arr = getattr(xp, fn)(t.shape, *args, dtype=dtype)
    return _finish(arr, requires_grad)


def zeros_like(input, dtype=None, device=None, requires_grad=False):
    """Zeros shaped like `input`."""
    return _like("zeros", input, dtype, device, requires_grad)


def ones_like(input, dtype=None, device=None, requires_grad=False):
    """Ones shaped like `input`."""
    return _like("ones", input, dtype, device, requires_grad)


def empty_like(input, dtype=None, device=None, requires_grad=False):
    """An uninitialized tensor shaped like `input`."""
    return _like("empty", input, dtype, device, requires_grad)


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False):
    """A tensor shaped like `input`, filled with fill_value."""
    return _like("full", input, dtype, device, requires_grad, fill_value)


def _number(v, op, name):
    if isinstance(v, Tensor):
        v = v.item()
    if isinstance(v, np.generic):
        v = v.item()
    if not isinstance(v, (int, float)) or isinstance(v, complex):
        raise TypeError(f"{op}: argument '{name}' must be a number, not {type(v).__name__}")
    if isinstance(v, float) and not np.isfinite(v):
        raise ValueError(f"{op}: {name} must be finite, got {v}")
    return v


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    """Values from start to end (exclusive) by step; int64 unless an argument is a float."""
    if end is None:
        start, end = 0, start
    start, end, step = (_number(v, "arange", n) for v, n in ((start, "start"), (end, "end"), (step, "step")))
    if dtype is None:
        is_float = any(isinstance(v, float) for v in (start, end, step))
        dtype = dtypes.get_default_dtype() if is_float else dtypes.int64
    dtype = dtypes.as_dtype(dtype)
    if dtype not in dtypes.FLOATS:  # as PyTorch: an integer range works on the arguments cast to the dtype
        given = step
        start, end, step = int(start), int(end), int(step)
        if step == 0 and given != 0:
            raise RuntimeError(f"arange: step must be nonzero, but step {given} becomes 0 in the integer dtype {dtype}; "
                             "use a step of at least 1 or a floating dtype")
    if step == 0:
        raise RuntimeError("arange: step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError(f"arange: the range from {start} to {end} is inconsistent with the sign of step {step}")
    xp = backend.module_for(device or "cpu")
    return _finish(xp.arange(start, end, step, dtype=dtype), requires_grad)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    """`steps` evenly spaced values from start to end (inclusive)."""
    start, end = _number(start, "linspace", "start"), _number(end, "linspace", "end")
    steps = dtypes.as_int(steps, "linspace", "steps")
    if steps < 0:
        raise ValueError(f"linspace: steps must be non-negative, got {steps}")
    xp = backend.module_for(device or "cpu")
    dtype = dtypes.as_dtype(dtype) or dtypes.get_default_dtype()
    return _finish(xp.linspace(start, end, steps).astype(dtype), requires_grad)


def logspace(start, end, steps, base=10.0, dtype=None, layout=None, device=None, requires_grad=False):
    """base ** v for the `steps` values v evenly spaced from start to end (inclusive)."""
    start, end = _number(start, "logspace", "start"), _number(end, "logspace", "end")
    steps = dtypes.as_int(steps, "logspace", "steps")
    if steps < 0:
        raise RuntimeError(f"logspace: number of steps must be non-negative, got {steps}")
    xp = backend.module_for(device or "cpu")
    dtype = dtypes.as_dtype(dtype) or dtypes.get_default_dtype()
    values = float(_number(base, "logspace", "base")) ** xp.linspace(start, end, steps)
    return _finish(xp.rint(values).astype(dtype) if dtype in dtypes.INTEGERS else values.astype(dtype),
                   requires_grad)


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    """The n x m identity matrix."""
    n = dtypes.as_int(n, "eye", "n")
    m = n if m is None else dtypes.as_int(m, "eye", "m")
    for name, v in (("n", n), ("m", m)):
        if v < 0:
            raise ValueError(f"eye: {name} must be greater or equal to 0, got {v}")
    xp = backend.module_for(device or "cpu")
    dtype = dtypes.as_dtype(dtype) or dtypes.get_default_dtype()
    return _finish(xp.eye(n, m, dtype=dtype), requires_grad)
