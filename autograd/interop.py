"""Interop with numpy and other array libraries: DLPack exchange, and numpy ufuncs/functions that record on the tape.

Installed onto Tensor at import: `__dlpack__`, `__dlpack_device__`, `__array_ufunc__` (NEP 13) and
`__array_function__` (NEP 18). `np.exp(t)`, `ndarray + t`, `np.sum(t, axis=0)` run tapegrad's ops (on numpy or
cupy, by the tensor's device) and return Tensors that carry gradients. A numpy function or ufunc with no tapegrad
equivalent raises a TypeError when a tensor requires grad (instead of silently dropping the gradient); on tensors
that need no gradient, and inside no_grad() (where nothing records), it runs numpy (or cupy) on the raw data and wraps
array results back into Tensors.
"""
import ctypes
import inspect

import numpy as np

from . import backend, dtypes, ops
from ._tensor import Tensor
from .creation import as_tensor, empty_like, full_like, ones_like, zeros_like
from .grad_mode import is_grad_enabled

__all__ = ["from_dlpack"]

# ---------------------------------------------------------------------------- DLPack
_KDL_CPU, _KDL_CUDA, _KDL_CUDA_HOST, _KDL_CUDA_MANAGED = 1, 2, 3, 13


def _no_dlpack(t, what):
    return TypeError(f"{what}: the array behind this tensor on '{t.device}' ({type(t.array).__module__}."
                     f"{type(t.array).__name__}) does not support DLPack; copy it to the CPU with .cpu() first")


def __dlpack__(self, stream=None, *, max_version=None, dl_device=None, copy=None):
    """Export this tensor through DLPack, sharing its memory (the device array's own __dlpack__ does the work)."""
    if self.requires_grad:
        raise RuntimeError("__dlpack__: cannot export a tensor that requires grad (the consumer would not see the "
                           "tape); call .detach() first")
    export = getattr(type(self.array), "__dlpack__", None)
    if export is None:
        raise _no_dlpack(self, "__dlpack__")
    kwargs = {k: v for k, v in (("max_version", max_version), ("dl_device", dl_device), ("copy", copy))
              if v is not None}
    if stream is not None:
        kwargs["stream"] = stream
    arr = self.array
    bf16 = isinstance(arr, np.ndarray) and isinstance(dtypes.bfloat16, np.dtype) and arr.dtype == dtypes.bfloat16
    if bf16:  # numpy's DLPack has no bfloat16: export the same bits as uint16, then label the capsule bfloat16
        if ctypes.sizeof(ctypes.c_void_p) != 8:
            raise TypeError("__dlpack__: exporting bfloat16 needs a 64-bit Python; export t.float() instead")
        arr = arr.view(np.uint16)
    try:
        capsule = export(arr, **kwargs)
    except TypeError:
        if not kwargs.keys() - {"stream"}:
            raise
        # an older producer without the DLPack 1.0 keywords: export a legacy capsule
        capsule = export(arr, **({"stream": stream} if stream is not None else {}))
    if bf16:
        _relabel(capsule, (_KDL_UINT, 16, 1), (_KDL_BFLOAT, 16, 1))
    return capsule


def __dlpack_device__(self):
    """(DLPack device type, device index) of this tensor's memory: (1, 0) for the CPU, (2, N) for cuda:N."""
    fn = getattr(type(self.array), "__dlpack_device__", None)
    if fn is None:
        raise _no_dlpack(self, "__dlpack_device__")
    return fn(self.array)


_KDL_UINT, _KDL_BFLOAT = 1, 4  # DLDataType codes
_DLTENSOR_AT = {b"dltensor": 0, b"dltensor_versioned": 32}  # offset of the DLTensor in the capsule's struct
_DTYPE_AT = 20  # offset of the DLDataType (uint8 code, uint8 bits, uint16 lanes) in a DLTensor (64-bit)


def _capsule_struct(capsule):
    """(address of the DLTensor, capsule name) of an unconsumed DLPack capsule, or (None, None)."""
    api = ctypes.pythonapi
    api.PyCapsule_IsValid.restype, api.PyCapsule_IsValid.argtypes = ctypes.c_int, [ctypes.py_object, ctypes.c_char_p]
    api.PyCapsule_GetPointer.restype = ctypes.c_void_p
    api.PyCapsule_GetPointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
    for name, at in _DLTENSOR_AT.items():
        if api.PyCapsule_IsValid(capsule, name):
            return api.PyCapsule_GetPointer(capsule, name) + at, name
    return None, None


def _relabel(capsule, was, now):
    """Change the (code, bits, lanes) dtype of an unconsumed DLPack capsule from `was` to `now` (same bits)."""
    tensor, _ = _capsule_struct(capsule)
    dtype = None if tensor is None else (ctypes.c_uint8 * 4).from_address(tensor + _DTYPE_AT)
    if dtype is None or (dtype[0], dtype[1], dtype[2] | dtype[3] << 8) != was:
        raise BufferError(f"__dlpack__: the producer's capsule is not the expected one (dtype {was})")
    dtype[0], dtype[1] = now[0], now[1]


def _bfloat16_from_dlpack(ext, copy):
    """A bfloat16 numpy array from a CPU producer numpy cannot read (numpy has no DLPack bfloat16), or None when the
    data is not bfloat16: the capsule's dtype is relabelled uint16 (same bits), numpy imports that (sharing the
    memory, taking over the capsule), and the array is viewed as ml_dtypes' bfloat16."""
    if ctypes.sizeof(ctypes.c_void_p) != 8:
        return None
    if isinstance(ext, _Capsule):
        capsule = ext.capsule
    else:
        try:  # a versioned capsule says whether the data is read-only (numpy imports legacy ones read-only)
            capsule = ext.__dlpack__(max_version=(1, 0))
        except TypeError:
            capsule = ext.__dlpack__()
    tensor, _ = _capsule_struct(capsule)
    if tensor is None:
        return None
    dtype = (ctypes.c_uint8 * 4).from_address(tensor + _DTYPE_AT)
    code, bits, lanes = dtype[0], dtype[1], dtype[2] | dtype[3] << 8
    if (code, bits, lanes) != (_KDL_BFLOAT, 16, 1):
        return None
    if not isinstance(dtypes.bfloat16, np.dtype):
        raise BufferError("its data is bfloat16, which needs the ml_dtypes package: pip install ml_dtypes")
    dtype[0] = _KDL_UINT
    arr = np.from_dlpack(_Capsule(capsule)).view(dtypes.bfloat16)
    return arr.copy() if copy else arr


class _Capsule:
    """Wraps a legacy DLPack capsule (torch.utils.dlpack.to_dlpack) as a producer; its memory must be on the CPU."""

    def __init__(self, capsule):
        self.capsule = capsule

    def __dlpack__(self, stream=None, **_):
        return self.capsule

    def __dlpack_device__(self):
        return (_KDL_CPU, 0)


def from_dlpack(ext_tensor, *, device=None, copy=None):
    """A tensor sharing memory with any DLPack producer (numpy/cupy arrays, PyTorch/JAX tensors, a capsule)."""
    ext = ext_tensor
    if type(ext).__name__ == "PyCapsule":
        ext = _Capsule(ext)
    elif not hasattr(ext, "__dlpack__") or not hasattr(ext, "__dlpack_device__"):
        raise TypeError(f"from_dlpack: expected an object with __dlpack__ and __dlpack_device__ (a numpy or cupy "
                        f"array, a PyTorch tensor, ...) or a DLPack capsule, got {type(ext_tensor).__name__}")
    kind, index = ext.__dlpack_device__()
    kw = {} if copy is None else {"copy": copy}
    try:
        if int(kind) in (_KDL_CPU, _KDL_CUDA_HOST):
            try:
                arr = np.from_dlpack(ext, **kw)
            except TypeError:  # numpy 2.0 has no copy= keyword
                if not kw:
                    raise
                arr = np.from_dlpack(ext)
                arr = arr.copy() if copy else arr
        elif int(kind) in (_KDL_CUDA, _KDL_CUDA_MANAGED):
            xp = backend.module_for(backend.device("cuda", int(index)))
            if not hasattr(xp, "from_dlpack"):
                raise TypeError(f"from_dlpack: the 'cuda' backend ({xp.__name__}) cannot import DLPack data")
            arr = xp.from_dlpack(ext, **kw)
        else:
            raise TypeError(f"from_dlpack: the producer's memory is on DLPack device type {int(kind)}, which "
                            "tapegrad does not support (only the CPU and CUDA GPUs)")
    except (BufferError, RuntimeError) as err:  # numpy raises RuntimeError for dtypes it lacks (bfloat16)
        try:
            arr = _bfloat16_from_dlpack(ext, copy) if int(kind) in (_KDL_CPU, _KDL_CUDA_HOST) else None
        except BufferError as why:
            err, arr = why, None
        if arr is None:
            raise BufferError(f"from_dlpack: the producer ({type(ext_tensor).__name__}) cannot be imported: "
                              f"{err}") from None
    if arr.dtype not in dtypes.SUPPORTED:
        raise TypeError(f"from_dlpack: dtype {arr.dtype} is not supported; supported: "
                        f"{sorted(str(d) for d in dtypes.SUPPORTED)}")
    t = Tensor._make(arr, None, 0)
    if device is not None and t.device != device:
        if copy is False:
            raise ValueError(f"from_dlpack: the data is on '{t.device}' and device='{device}' needs a copy, but "
                             "copy=False")
        t = t.to(device)
    return t


# ---------------------------------------------------------------------------- helpers
class _Unsupported(Exception):
    """A numpy call (or one of its keywords) that tapegrad cannot record; handled by _fallback."""


def _tensors_in(obj):
    if isinstance(obj, Tensor):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _tensors_in(v)
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _tensors_in(v)


def _raw(obj):
    """Tensors -> their arrays (recursively through lists, tuples and dicts)."""
    if isinstance(obj, Tensor):
        return obj.array
    if isinstance(obj, (list, tuple)):
        return type(obj)(_raw(v) for v in obj)
    if isinstance(obj, dict):
        return {k: _raw(v) for k, v in obj.items()}
    return obj


def _wrapped(obj):
    """Arrays of a tapegrad dtype -> Tensors (recursively through tuples and lists); anything else unchanged."""
    if type(obj) in backend._modules and obj.dtype in dtypes.SUPPORTED:
        return Tensor._make(obj, None, 0)
    if isinstance(obj, (list, tuple)) and not hasattr(obj, "_fields"):
        return type(obj)(_wrapped(v) for v in obj)
    return obj


def _fallback(name, call, args, kwargs, why=""):
    """Run numpy on the raw arrays when nothing would record (no tensor requires grad, or inside no_grad());
    otherwise refuse rather than drop the gradient."""
    tensors = list(_tensors_in((args, kwargs)))
    if is_grad_enabled() and any(t.requires_grad for t in tensors):
        gpu = any(t.device.type != "cpu" for t in tensors)
        raise TypeError(f"{name}{why} is not supported on tapegrad tensors that require grad: it would drop "
                        f"the gradient. Use the autograd op of the same meaning, or call "
                        f"`.detach(){'.cpu()' if gpu else ''}.numpy()` first to work on plain arrays")
    return _wrapped(call(*_raw(args), **_raw(kwargs)))


def _qualified(func):
    """numpy.sum, numpy.linalg.norm: the public name of a numpy function."""
    module = getattr(func, "__module__", None) or "numpy"
    module = module if module.startswith("numpy") and "._" not in module else "numpy"
    return f"{module}.{getattr(func, '__name__', func)}"


def _out_error(name):
    return TypeError(f"{name}(..., out=...) with a tapegrad Tensor: out= is not supported (writing into an "
                     f"array would bypass the tape); use the returned tensor, e.g. `y = {name}(...)`, or call "
                     "`.detach().numpy()` first to work on plain arrays")


def _operand(x):
    """A ufunc operand for a tapegrad op: Tensors and Python numbers pass, numpy scalars become numbers."""
    if isinstance(x, np.generic) or (isinstance(x, np.ndarray) and x.ndim == 0):  # np.float64 is a float too
        return x.item()
    if isinstance(x, (Tensor, bool, int, float)):
        return x
    return as_tensor(x)


def _t(x):
    """A tensor for an array-like argument (numpy arrays are shared, not copied; no device transfer)."""
    return x if isinstance(x, Tensor) else as_tensor(x)


def _given(value, kw):
    """Refuse (to _fallback) a numpy keyword that tapegrad does not implement, when it was given."""
    if value is not np._NoValue:
        raise _Unsupported(f" with {kw}=")


def _dims(axis):
    """numpy axis -> tapegrad dim (None stays None, a list becomes a tuple)."""
    return tuple(int(a) for a in axis) if isinstance(axis, (list, tuple)) else axis


# ---------------------------------------------------------------------------- ufuncs (NEP 13)
def _positive(x):
    return x


_UFUNCS = {
    np.add: ops.add, np.subtract: ops.sub, np.multiply: ops.mul, np.true_divide: ops.div,
    np.floor_divide: ops.floor_divide, np.remainder: ops.remainder, np.fmod: ops.fmod, np.power: ops.pow,
    np.negative: ops.neg, np.positive: _positive, np.absolute: ops.abs, np.fabs: ops.abs, np.conjugate: _positive,
    np.exp: ops.exp, np.exp2: lambda x: ops.pow(2.0, x), np.expm1: ops.expm1, np.log: ops.log,
    np.log1p: ops.log1p, np.log2: ops.log2, np.log10: ops.log10, np.sqrt: ops.sqrt, np.square: ops.square,
    np.reciprocal: ops.reciprocal, np.sin: ops.sin, np.cos: ops.cos, np.tan: ops.tan, np.arcsin: ops.asin,
    np.arccos: ops.acos, np.arctan: ops.atan, np.sinh: ops.sinh, np.cosh: ops.cosh, np.tanh: ops.tanh,
    np.arctan2: ops.atan2, np.maximum: ops.maximum, np.minimum: ops.minimum, np.sign: ops.sign,
    np.floor: ops.floor, np.ceil: ops.ceil, np.trunc: ops.trunc, np.rint: ops.round, np.matmul: ops.matmul,
    np.deg2rad: lambda x: ops.mul(x, np.pi / 180), np.rad2deg: lambda x: ops.mul(x, 180 / np.pi),
    # no gradient: comparisons, logic, bits, tests
    np.equal: ops.eq, np.not_equal: ops.ne, np.less: ops.lt, np.less_equal: ops.le, np.greater: ops.gt,
    np.greater_equal: ops.ge, np.logical_and: ops.logical_and, np.logical_or: ops.logical_or,
    np.logical_xor: ops.logical_xor, np.logical_not: ops.logical_not, np.bitwise_and: ops.bitwise_and,
    np.bitwise_or: ops.bitwise_or, np.bitwise_xor: ops.bitwise_xor, np.invert: ops.bitwise_not,
    np.isnan: ops.isnan, np.isinf: ops.isinf, np.isfinite: ops.isfinite, np.signbit: ops.signbit,
}
_REDUCE = {np.add: ops.sum, np.multiply: ops.prod, np.maximum: ops.amax, np.minimum: ops.amin,
           np.logical_and: ops.all, np.logical_or: ops.any}
_ACCUMULATE = {np.add: ops.cumsum, np.multiply: ops.cumprod}


def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
    """numpy ufuncs on tensors (np.exp(t), ndarray + t, np.add.reduce(t)) run tapegrad ops and record on the tape."""
    name = f"numpy.{ufunc.__name__}" if method == "__call__" else f"numpy.{ufunc.__name__}.{method}"
    out = kwargs.pop("out", None)
    if out is not None and any(o is not None for o in (out if isinstance(out, tuple) else (out,))):
        raise _out_error(name)
    try:
        if method == "__call__":
            fn = _UFUNCS.get(ufunc)
            if fn is None:
                raise _Unsupported("")
            if kwargs:
                raise _Unsupported(f" with {', '.join(k + '=' for k in kwargs)}")
            return fn(*[_operand(x) for x in inputs])
        if method in ("reduce", "accumulate"):
            return _reduce(ufunc, method, *inputs, **kwargs)
        raise _Unsupported("")
    except _Unsupported as why:
        return _fallback(name, getattr(ufunc, method), inputs, kwargs, str(why))


def _reduce(ufunc, method, array, axis=0, dtype=None, keepdims=False, **rest):
    fn = (_REDUCE if method == "reduce" else _ACCUMULATE).get(ufunc)
    if fn is None or rest or not isinstance(array, Tensor):
        raise _Unsupported(f" with {', '.join(k + '=' for k in rest)}" if rest and fn is not None else "")
    x = array if dtype is None else array.to(dtype)
    if method == "accumulate":
        return fn(x, 0 if axis is None else axis) if x.ndim else x
    if fn in (ops.amax, ops.amin):
        return fn(x, () if axis is None else _dims(axis), keepdims)
    return fn(x, _dims(axis), keepdims)


# ---------------------------------------------------------------------------- functions (NEP 18)
_FUNCTIONS = {}


def _implements(*funcs):
    """Register impl for numpy functions; a non-None `out` argument (by keyword or position) is refused."""
    def register(impl):
        sig = inspect.signature(impl)
        checked = impl
        if "out" in sig.parameters:
            def checked(*args, **kwargs):
                try:
                    out = sig.bind(*args, **kwargs).arguments.get("out")
                except TypeError:  # wrong arguments: let impl raise its own error
                    out = None
                if out is not None:
                    raise _out_error(_qualified(funcs[0]))
                return impl(*args, **kwargs)

        for f in funcs:
            if f is not None:
                _FUNCTIONS[f] = checked
        return impl

    return register


def __array_function__(self, func, types, args, kwargs):
    """numpy functions on tensors (np.sum, np.concatenate, np.einsum, ...) run tapegrad ops and record on the tape."""
    impl = _FUNCTIONS.get(func)
    name = _qualified(func)
    if "out" in kwargs and kwargs["out"] is not None:
        raise _out_error(name)
    try:
        if impl is None:
            raise _Unsupported("")
        return impl(*args, **kwargs)
    except _Unsupported as why:
        return _fallback(name, func, args, kwargs, str(why))


def _float_for_mean(x, dtype):
    """numpy averages integers in floating point: use the default float dtype (PyTorch's float)."""
    if dtype is None and x.dtype not in dtypes.FLOATS:
        return dtypes.get_default_dtype()
    return dtype


@_implements(np.sum)
def _sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=np._NoValue, where=np._NoValue):
    _given(initial, "initial")
    _given(where, "where")
    return ops.sum(_t(a), _dims(axis), bool(keepdims), dtype=dtype)


@_implements(np.mean)
def _mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=np._NoValue):
    _given(where, "where")
    a = _t(a)
    return ops.mean(a, _dims(axis), bool(keepdims), dtype=_float_for_mean(a, dtype))


@_implements(np.prod)
def _prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=np._NoValue, where=np._NoValue):
    _given(initial, "initial")
    _given(where, "where")
    return ops.prod(_t(a), _dims(axis), bool(keepdims), dtype=dtype)


def _extreme(fn):
    def impl(a, axis=None, out=None, keepdims=False, initial=np._NoValue, where=np._NoValue):
        _given(initial, "initial")
        _given(where, "where")
        return fn(_t(a), () if axis is None else _dims(axis), bool(keepdims))

    return impl


_implements(np.max, getattr(np, "amax", None))(_extreme(ops.amax))
_implements(np.min, getattr(np, "amin", None))(_extreme(ops.amin))


def _spread(fn):
    def impl(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=np._NoValue, mean=np._NoValue,
             correction=np._NoValue):
        _given(where, "where")
        _given(mean, "mean")
        a = _t(a)
        dtype = _float_for_mean(a, dtype)
        if dtype is not None:
            a = a.to(dtype)
        corr = ddof if correction is np._NoValue else correction
        return fn(a, _dims(axis), keepdim=bool(keepdims), correction=corr)

    return impl


_implements(np.std)(_spread(ops.std))
_implements(np.var)(_spread(ops.var))


def _arg(fn):
    def impl(a, axis=None, out=None, *, keepdims=False):
        return fn(_t(a), axis, bool(keepdims))

    return impl


_implements(np.argmax)(_arg(ops.argmax))
_implements(np.argmin)(_arg(ops.argmin))


def _logical(fn):
    def impl(a, axis=None, out=None, keepdims=False, *, where=np._NoValue):
        _given(where, "where")
        return fn(_t(a), _dims(axis), bool(keepdims))

    return impl


_implements(np.all)(_logical(ops.all))
_implements(np.any)(_logical(ops.any))


@_implements(np.count_nonzero)
def _count_nonzero(a, axis=None, *, keepdims=False):
    if keepdims:
        raise _Unsupported(" with keepdims=True")
    return ops.count_nonzero(_t(a), _dims(axis))


def _cumulative(fn):
    def impl(a, axis=None, dtype=None, out=None):
        a = _t(a)
        if axis is None:
            a = ops.ravel(a)
            axis = 0
        return fn(a, axis, dtype=dtype)

    return impl


_implements(np.cumsum)(_cumulative(ops.cumsum))
_implements(np.cumprod)(_cumulative(ops.cumprod))


# shapes ----------------------------------------------------------------------
@_implements(np.concatenate)
def _concatenate(arrays, axis=0, out=None, *, dtype=None, casting=np._NoValue):
    _given(casting, "casting")
    ts = [_t(a) if dtype is None else _t(a).to(dtype) for a in arrays]
    if axis is None:
        ts, axis = [ops.ravel(t) for t in ts], 0
    return ops.cat(ts, axis)


@_implements(np.stack)
def _stack(arrays, axis=0, out=None, *, dtype=None, casting=np._NoValue):
    _given(casting, "casting")
    return ops.stack([_t(a) if dtype is None else _t(a).to(dtype) for a in arrays], axis)


_implements(np.hstack)(lambda tup, *, dtype=None, casting=np._NoValue: ops.hstack(
    [_t(a) if dtype is None else _t(a).to(dtype) for a in tup]))
_implements(np.vstack)(lambda tup, *, dtype=None, casting=np._NoValue: ops.vstack(
    [_t(a) if dtype is None else _t(a).to(dtype) for a in tup]))


@_implements(np.reshape)
def _reshape(a, shape=None, order="C", *, newshape=None, copy=None):
    if order != "C" or copy is not None:
        raise _Unsupported(f" with {'order=' if order != 'C' else 'copy='}")
    shape = newshape if shape is None else shape
    if shape is None:
        raise TypeError("numpy.reshape: missing the shape argument")
    return ops.reshape(_t(a), (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape))


@_implements(np.ravel)
def _ravel(a, order="C"):
    if order != "C":
        raise _Unsupported(" with order=")
    return ops.ravel(_t(a))


@_implements(np.transpose)
def _transpose(a, axes=None):
    a = _t(a)
    return ops.permute(a, tuple(range(a.ndim))[::-1] if axes is None else tuple(axes))


_implements(np.swapaxes)(lambda a, axis1, axis2: ops.swapaxes(_t(a), axis1, axis2))
_implements(np.moveaxis)(lambda a, source, destination: ops.movedim(_t(a), source, destination))


@_implements(np.squeeze)
def _squeeze(a, axis=None):
    a = _t(a)
    if axis is None:
        return ops.squeeze(a)
    axes = _dims(axis) if isinstance(axis, (list, tuple)) else (axis,)
    for ax in axes:
        if -a.ndim <= ax < a.ndim and a.shape[ax] != 1:  # numpy refuses where PyTorch ignores the dim
            raise ValueError(f"numpy.squeeze: cannot squeeze out axis {ax} of size {a.shape[ax]} (tensor of shape "
                             f"{tuple(a.shape)}); only axes of size one can be removed")
    return ops.squeeze(a, axes)


@_implements(np.expand_dims)
def _expand_dims(a, axis):
    a = _t(a)
    axes = _dims(axis) if isinstance(axis, (list, tuple)) else (axis,)
    ndim = a.ndim + len(axes)
    norm = sorted(int(ax) % ndim if -ndim <= ax < ndim else _axis_error(ax, ndim) for ax in axes)
    if len(set(norm)) != len(norm):
        raise ValueError(f"numpy.expand_dims: repeated axis in {axes}")
    for ax in norm:
        a = ops.unsqueeze(a, ax)
    return a


def _axis_error(ax, ndim):
    raise np.exceptions.AxisError(ax, ndim)


@_implements(np.flip)
def _flip(m, axis=None):
    m = _t(m)
    dims = tuple(range(m.ndim)) if axis is None else (_dims(axis) if isinstance(axis, (list, tuple)) else (axis,))
    return ops.flip(m, dims)


_implements(np.broadcast_to)(lambda array, shape, subok=False: ops.broadcast_to(
    _t(array), (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)))
_implements(np.tile)(lambda A, reps: ops.tile(_t(A), (reps,) if isinstance(reps, (int, np.integer)) else tuple(reps)))
_implements(np.tril)(lambda m, k=0: ops.tril(_t(m), k))
_implements(np.triu)(lambda m, k=0: ops.triu(_t(m), k))
_implements(np.copy)(lambda a, order="K", subok=False: ops.clone(_t(a)))


@_implements(np.where)
def _where(condition, x=None, y=None):
    if x is None and y is None:
        return ops.where(_t(condition))
    if x is None or y is None:
        raise ValueError("numpy.where: either both or neither of x and y should be given")
    return ops.where(_t(condition), _operand(x), _operand(y))


@_implements(np.clip)
def _clip(a, a_min=np._NoValue, a_max=np._NoValue, out=None, *, min=np._NoValue, max=np._NoValue, **kwargs):
    if kwargs:
        raise _Unsupported(f" with {', '.join(k + '=' for k in kwargs)}")
    lo = min if a_min is np._NoValue else a_min
    hi = max if a_max is np._NoValue else a_max
    lo, hi = (None if v is np._NoValue else v for v in (lo, hi))
    if lo is None and hi is None:
        raise ValueError("numpy.clip: one of a_min and a_max must be given")
    bound = (lambda v: v if v is None or isinstance(v, (bool, int, float)) else _operand(v))
    return ops.clamp(_t(a), bound(lo), bound(hi))


@_implements(np.round, getattr(np, "around", None))
def _round(a, decimals=0, out=None):
    return ops.round(_t(a), decimals=decimals)


@_implements(np.sort)
def _sort(a, axis=-1, kind=None, order=None, *, stable=None):
    if order is not None:
        raise _Unsupported(" with order=")
    a = _t(a)
    if axis is None:
        a, axis = ops.ravel(a), 0
    return ops.sort(a, dim=axis, stable=bool(stable) or kind == "stable").values


@_implements(np.argsort)
def _argsort(a, axis=-1, kind=None, order=None, *, stable=None):
    if order is not None:
        raise _Unsupported(" with order=")
    a = _t(a)
    if axis is None:
        a, axis = ops.ravel(a), 0
    return ops.argsort(a, dim=axis, stable=bool(stable) or kind == "stable")


_implements(np.nonzero)(lambda a: ops.nonzero(_t(a), as_tuple=True))
_implements(np.argwhere)(lambda a: ops.argwhere(_t(a)))


# products --------------------------------------------------------------------
@_implements(np.dot)
def _dot(a, b, out=None):
    a, b = _operand(a), _operand(b)
    if not isinstance(a, Tensor) or not isinstance(b, Tensor) or a.ndim == 0 or b.ndim == 0:
        return ops.mul(a, b)
    if a.ndim <= 2 and b.ndim <= 2:
        return ops.matmul(a, b)
    return ops.tensordot(a, b, ([a.ndim - 1], [b.ndim - 2 if b.ndim > 1 else 0]))


_implements(np.vdot)(lambda a, b: ops.dot(ops.ravel(_t(a)), ops.ravel(_t(b))))
_implements(np.inner)(lambda a, b: _dot(a, b) if np.ndim(_raw(a)) == 0 or np.ndim(_raw(b)) == 0 else
                     ops.inner(_t(a), _t(b)))
_implements(np.outer)(lambda a, b, out=None: ops.outer(ops.ravel(_t(a)), ops.ravel(_t(b))))
_implements(np.tensordot)(lambda a, b, axes=2: ops.tensordot(_t(a), _t(b), axes))


@_implements(np.einsum)
def _einsum(*operands, out=None, dtype=None, order="K", casting="safe", optimize=False):
    if dtype is not None:
        raise _Unsupported(" with dtype=")
    return ops.einsum(*[x if isinstance(x, (str, list, tuple)) else _t(x) for x in operands])


@_implements(np.linalg.norm)
def _norm(x, ord=None, axis=None, keepdims=False):
    x = _t(x)
    if x.dtype not in dtypes.FLOATS:
        x = x.to(dtypes.get_default_dtype())
    axes = _dims(axis) if isinstance(axis, (list, tuple)) else axis
    if ord is None or ord == "fro" and (axes is None or isinstance(axes, tuple) and len(axes) == 2):
        return ops.norm(x, "fro", axes, bool(keepdims))
    vector = isinstance(axes, (int, np.integer)) or (axes is None and x.ndim == 1) or \
        (isinstance(axes, tuple) and len(axes) == 1)
    if vector and isinstance(ord, (int, float, np.integer, np.floating)) and ord >= 0:
        return ops.norm(x, float(ord), axes, bool(keepdims))
    raise _Unsupported(f" with ord={ord!r} over axis={axis!r} (only the Frobenius norm and vector p-norms, p >= 0)")


# comparisons and metadata (no gradient) ----------------------------------------
_implements(np.allclose)(lambda a, b, rtol=1e-05, atol=1e-08, equal_nan=False: ops.allclose(
    _t(a), _t(b), rtol, atol, equal_nan))
_implements(np.isclose)(lambda a, b, rtol=1e-05, atol=1e-08, equal_nan=False: ops.isclose(
    _t(a), _t(b), rtol, atol, equal_nan))


@_implements(np.array_equal)
def _array_equal(a1, a2, equal_nan=False):
    a1, a2 = _t(a1), _t(a2)
    if a1.shape != a2.shape:
        return False
    if equal_nan:
        return bool(ops.all((a1 == a2) | (ops.isnan(a1) & ops.isnan(a2))))
    return bool(ops.all(a1 == a2))


_implements(np.shape)(lambda a: tuple(a.shape))
_implements(np.ndim)(lambda a: a.ndim)
_implements(np.size)(lambda a, axis=None: a.numel() if axis is None else a.shape[axis])


def _like(fn):
    def impl(a, *args, dtype=None, order="K", subok=True, shape=None, device=None):
        if shape is not None or order not in ("K", "C"):
            raise _Unsupported(" with shape=" if shape is not None else " with order=")
        return fn(_t(a), *args, dtype=dtype)

    return impl


for _np_fn, _fn in ((np.zeros_like, zeros_like), (np.ones_like, ones_like), (np.empty_like, empty_like),
                    (np.full_like, full_like)):
    _implements(_np_fn)(_like(_fn))


# ---------------------------------------------------------------------------- install
def install(cls=Tensor):
    """Attach the interop dunders to the Tensor class."""
    cls.__dlpack__ = __dlpack__
    cls.__dlpack_device__ = __dlpack_device__
    cls.__array_ufunc__ = __array_ufunc__
    cls.__array_function__ = __array_function__


install()
