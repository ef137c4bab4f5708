"""A test-only stand-in for cupy: numpy underneath, but it refuses implicit host/device mixing as cupy does.

Installed as the "cuda" backend when no real GPU is present, it makes every device-dispatch path run in CI:
code that calls numpy on device data, mixes host and device arrays, or converts implicitly fails here the way it
would fail on a GPU.
"""
import types

import numpy as np

_IMPLICIT = ("Implicit conversion to a NumPy array is not allowed. Please use `.get()` to construct a NumPy "
             "array explicitly.")


class _Device:
    id = 0

    def __repr__(self):
        return "<CUDA Device 0 (stand-in)>"


_DEVICE = _Device()


def _unwrap(x, where):
    """FakeArray -> its numpy array; a plain numpy array -> TypeError (host data given to a device op)."""
    if isinstance(x, FakeArray):
        return x._a
    if isinstance(x, np.ndarray):
        raise TypeError(f"Unsupported type {type(x)} in {where}: a host (numpy) array was mixed with device arrays")
    if isinstance(x, (list, tuple)):
        return type(x)(_unwrap(v, where) for v in x)
    if isinstance(x, dict):
        return {k: _unwrap(v, where) for k, v in x.items()}
    return x


def _wrap_indices(a, idx):
    """Integer index arrays taken modulo their dim's size: cupy wraps out-of-bounds fancy indices instead of
    raising (it cannot check without synchronising), and so does the stand-in."""
    items = idx if isinstance(idx, tuple) else (idx,)
    if not any(isinstance(i, np.ndarray) and i.dtype.kind in "iu" for i in items):
        return idx
    consumed = sum(i.ndim if isinstance(i, np.ndarray) and i.dtype.kind == "b" else 1
                   for i in items if i is not None and i is not Ellipsis)
    out, axis = [], 0
    for i in items:
        if i is None:
            out.append(i)
        elif i is Ellipsis:
            out.append(i)
            axis += a.ndim - consumed
        elif isinstance(i, np.ndarray) and i.dtype.kind == "b":
            out.append(i)
            axis += i.ndim
        elif isinstance(i, np.ndarray) and i.dtype.kind in "iu" and axis < a.ndim and a.shape[axis]:
            out.append(i % a.shape[axis])
            axis += 1
        else:
            out.append(i)
            axis += 1
    return tuple(out) if isinstance(idx, tuple) else out[0]


def _wrap(x):
    if isinstance(x, np.ndarray):
        if not x.flags.writeable:  # cupy has no read-only arrays (diagonal() views can be written)
            try:
                x.flags.writeable = True
            except ValueError:  # numpy refuses for broadcast views; leave those read-only
                pass
        return FakeArray(x)
    if isinstance(x, np.generic):  # cupy returns 0-d device arrays, never numpy scalars
        return FakeArray(np.asarray(x))
    if isinstance(x, tuple):
        return tuple(_wrap(v) for v in x)
    if isinstance(x, list):
        return [_wrap(v) for v in x]
    return x


class FakeArray:
    """A "device" array: forwards to numpy, refuses implicit conversion and host arrays."""

    __slots__ = ("_a",)
    __array_priority__ = 100

    def __init__(self, a):
        self._a = a

    def __array__(self, *args, **kwargs):
        raise TypeError(_IMPLICIT)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        ins = _unwrap(inputs, f"numpy.{ufunc.__name__}")
        if "out" in kwargs:
            kwargs["out"] = _unwrap(kwargs["out"], f"numpy.{ufunc.__name__}")
        return _wrap(getattr(ufunc, method)(*ins, **kwargs))

    def __array_function__(self, func, types_, args, kwargs):
        name = getattr(func, "__name__", "function")
        return _wrap(func(*_unwrap(args, f"numpy.{name}"), **_unwrap(kwargs, f"numpy.{name}")))

    # attributes and methods forward to the numpy array
    def __getattr__(self, name):
        if name.startswith("__"):  # no __array_interface__ & co: numpy must not see through the stand-in
            raise AttributeError(name)
        attr = getattr(self._a, name)
        if not callable(attr):
            return _wrap(attr)

        def method(*args, **kwargs):
            return _wrap(attr(*_unwrap(args, f"ndarray.{name}"), **_unwrap(kwargs, f"ndarray.{name}")))

        return method

    @property
    def device(self):
        return _DEVICE

    @property
    def data(self):
        """cupy's MemoryPointer: .ptr is the address of the first element (for kernels given raw pointers)."""
        return types.SimpleNamespace(ptr=self._a.ctypes.data)

    @property
    def base(self):
        return None if self._a.base is None else FakeArray(self._a.base)

    @property
    def T(self):
        return FakeArray(self._a.T)

    @property
    def flags(self):
        return _Flags(self._a.flags)

    @property
    def shape(self):
        return self._a.shape

    @property
    def dtype(self):
        return self._a.dtype

    @property
    def ndim(self):
        return self._a.ndim

    @property
    def size(self):
        return self._a.size

    def get(self):
        """Explicit copy to the host, as cupy.ndarray.get()."""
        return self._a.copy()

    def __getitem__(self, idx):
        return _wrap(self._a[_wrap_indices(self._a, _unwrap(idx, "__getitem__"))])

    def __setitem__(self, idx, value):
        self._a[_wrap_indices(self._a, _unwrap(idx, "__setitem__"))] = _unwrap(value, "__setitem__")

    def __len__(self):
        return len(self._a)

    def __iter__(self):
        return (FakeArray(np.asarray(v)) for v in self._a)

    def __bool__(self):
        return bool(self._a)

    def __float__(self):
        return float(self._a)

    def __int__(self):
        return int(self._a)

    def __index__(self):
        return int(self._a)

    def __repr__(self):
        return f"FakeArray({self._a!r})"

    def __hash__(self):
        return id(self)

    def __deepcopy__(self, memo):
        return FakeArray(self._a.copy())


class _Flags:
    """cupy's flags: only c_contiguous, f_contiguous and owndata (no writeable)."""

    __slots__ = ("c_contiguous", "f_contiguous", "owndata")

    def __init__(self, flags):
        self.c_contiguous, self.f_contiguous, self.owndata = flags.c_contiguous, flags.f_contiguous, flags.owndata


def _binary(name):
    uf = getattr(np, name)
    return lambda self, other: uf(self, other)


def _reflected(name):
    uf = getattr(np, name)
    return lambda self, other: uf(other, self)


for _op, _uf in {"add": "add", "sub": "subtract", "mul": "multiply", "truediv": "true_divide",
                 "floordiv": "floor_divide", "mod": "remainder", "pow": "power", "matmul": "matmul",
                 "and": "bitwise_and", "or": "bitwise_or", "xor": "bitwise_xor", "lshift": "left_shift",
                 "rshift": "right_shift"}.items():
    setattr(FakeArray, f"__{_op}__", _binary(_uf))
    setattr(FakeArray, f"__r{_op}__", _reflected(_uf))
    setattr(FakeArray, f"__i{_op}__", lambda self, other, _u=getattr(np, _uf): _u(self, other, out=self))
for _op, _uf in {"eq": "equal", "ne": "not_equal", "lt": "less", "le": "less_equal", "gt": "greater",
                 "ge": "greater_equal"}.items():
    setattr(FakeArray, f"__{_op}__", _binary(_uf))
FakeArray.__neg__ = lambda self: np.negative(self)
FakeArray.__pos__ = lambda self: self
FakeArray.__abs__ = lambda self: np.absolute(self)
FakeArray.__invert__ = lambda self: np.invert(self)


def _module_proxy(mod, name):
    """A module whose functions take and return FakeArrays (host arrays are refused)."""
    proxy = types.ModuleType(name)

    def getattr_(attr):
        value = getattr(mod, attr)
        if isinstance(value, np.ufunc) or isinstance(value, type):
            return value
        if isinstance(value, types.ModuleType):
            return _module_proxy(value, f"{name}.{attr}")
        if not callable(value):
            return value

        def fn(*args, **kwargs):
            return _wrap(value(*_unwrap(args, f"{name}.{attr}"), **_unwrap(kwargs, f"{name}.{attr}")))

        fn.__name__ = attr
        return fn

    proxy.__getattr__ = getattr_
    return proxy


fake_cupy = _module_proxy(np, "fake_cupy")
fake_cupy.ndarray = FakeArray
fake_cupy.is_stand_in = True


def _asarray(x, dtype=None):
    """Host or device data -> a device array (the explicit transfer cupy.asarray makes)."""
    if isinstance(x, FakeArray):
        return x if dtype is None else FakeArray(x._a.astype(dtype, copy=False))
    return FakeArray(np.array(x, dtype=dtype))


def _asnumpy(x):
    """Device array -> host copy (cupy.asnumpy)."""
    return x._a.copy() if isinstance(x, FakeArray) else np.asarray(x)


fake_cupy.asarray = _asarray
fake_cupy.array = lambda x, dtype=None, copy=True: FakeArray(np.array(_asnumpy(x), dtype=dtype))
fake_cupy.asnumpy = _asnumpy
fake_cupy.ascontiguousarray = lambda x, dtype=None: FakeArray(np.ascontiguousarray(x._a, dtype=dtype))



def _erf(x):
    """cupyx.scipy.special.erf's stand-in."""
    from autograd.ops.unary import _erf as host_erf

    return FakeArray(host_erf(np, x._a))


fake_cupy.erf = _erf
