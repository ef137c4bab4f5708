"""Array backends: numpy serves "cpu", cupy serves "cuda"; the only module that imports cupy."""
import numpy as np

try:  # cupy is an optional extra: tapegrad[cuda12] / tapegrad[cuda13]
    import cupy
except Exception as _err:  # ImportError, or a broken CUDA install
    cupy = None
    _cupy_error = f"cupy is not importable ({type(_err).__name__}: {_err})"
else:
    _cupy_error = None

INSTALL_HINT = 'install it with: pip install "tapegrad[cuda12]" (or [cuda13], matching your CUDA driver)'

# array type -> (device type, array module); the test stand-in for cupy registers itself here too
_modules = {np.ndarray: ("cpu", np)}
if cupy is not None:
    _modules[cupy.ndarray] = ("cuda", cupy)


class device:
    """A device: type "cpu" or "cuda", with an optional index, as in torch.device."""

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, str) and ":" in type:
            type, _, idx = type.partition(":")
            if not idx.isdigit():
                raise ValueError(f"invalid device string {type}:{idx!r}: expected 'cpu', 'cuda' or 'cuda:N'")
            index = int(idx)
        if type not in ("cpu", "cuda"):
            raise ValueError(f"unknown device type {type!r}: expected 'cpu', 'cuda' or 'cuda:N'")
        if type == "cpu" and index not in (None, 0):
            raise ValueError(f"device 'cpu' has no index {index}")
        self.type = type
        self.index = index if type == "cuda" else None

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self):
        idx = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{idx})"

    def __eq__(self, other):
        if isinstance(other, str):
            try:
                other = device(other)
            except ValueError:
                return False
        if not isinstance(other, device):
            return NotImplemented
        if self.type != other.type:
            return False
        return self.index is None or other.index is None or self.index == other.index

    def __hash__(self):
        return hash(self.type)


CPU = device("cpu")


def cuda_unavailable_reason():
    """Why device="cuda" cannot be used here, or None when it can."""
    if cupy is None:
        return f"{_cupy_error}; {INSTALL_HINT}"
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as err:
        return f"cupy found no usable CUDA driver ({err}); install an NVIDIA driver matching the cupy wheel"
    if count == 0:
        return "cupy is installed but this machine has no CUDA device"
    return None


def array_module(x):
    """The array module (numpy or cupy) that owns array `x`; numpy for anything else."""
    entry = _modules.get(type(x))
    return np if entry is None else entry[1]


def device_of(x):
    """The device of array `x`."""
    entry = _modules.get(type(x))
    if entry is None or entry[0] == "cpu":
        return CPU
    return device("cuda", int(getattr(x.device, "id", 0)))


def module_for(dev):
    """The array module that serves device `dev`, raising a clear error when it is unusable."""
    dev = dev if isinstance(dev, device) else device(dev)
    if dev.type == "cpu":
        return np
    if _stand_in is not None:
        return _stand_in
    reason = cuda_unavailable_reason()
    if reason is not None:
        raise RuntimeError(f"device '{dev}' is not available: {reason}")
    return cupy


def to_device(x, dev):
    """Copy array `x` onto device `dev` (a no-op when it is already there)."""
    dev = dev if isinstance(dev, device) else device(dev)
    if device_of(x) == dev:
        return x
    if dev.type == "cpu":
        mod = array_module(x)
        return mod.asnumpy(x)
    mod = module_for(dev)
    return mod.asarray(x)


_stand_in = None


def install_stand_in(module, array_type):
    """Serve "cuda" with a test stand-in for cupy (module, its array type); None, None removes it."""
    global _stand_in
    for arr_type, (kind, mod) in list(_modules.items()):
        if mod is _stand_in and _stand_in is not None:
            del _modules[arr_type]
    _stand_in = module
    if module is not None:
        _modules[array_type] = ("cuda", module)


def erf(x):
    """The error function of a device array (cupyx.scipy.special on cupy; the stand-in brings its own)."""
    mod = array_module(x)
    if mod is cupy:
        import cupyx.scipy.special

        return cupyx.scipy.special.erf(x)
    return mod.erf(x)


def is_writeable(x):
    """False for read-only arrays (numpy broadcast views); cupy arrays are always writeable."""
    return getattr(x.flags, "writeable", True)


def matmul(a, b):
    """a @ b at BLAS speed: numpy's matmul skips BLAS for transposed operands, so use dot or make them contiguous."""
    if type(a) is not np.ndarray:
        return array_module(a).matmul(a, b)
    if a.ndim == 2 and b.ndim == 2:
        return np.dot(a, b)
    if a.ndim >= 2 and a.strides[-1] != a.itemsize:
        a = np.ascontiguousarray(a)
    if b.ndim >= 2 and b.strides[-1] != b.itemsize:
        b = np.ascontiguousarray(b)
    return np.matmul(a, b)


_peak = [0]


def _tracking_malloc(size):
    """cupy allocations through the default pool, remembering the peak of used bytes."""
    pool = cupy.get_default_memory_pool()
    mem = pool.malloc(size)
    used = pool.used_bytes()
    if used > _peak[0]:
        _peak[0] = used
    return mem


if cupy is not None and cuda_unavailable_reason() is None:
    cupy.cuda.set_allocator(_tracking_malloc)


def memory_stats():
    """GPU memory in bytes: used by arrays, the peak of that, and reserved by the pool (zeros without CUDA)."""
    if cupy is None or cuda_unavailable_reason() is not None:
        return {"used": 0, "peak": 0, "reserved": 0}
    pool = cupy.get_default_memory_pool()
    return {"used": pool.used_bytes(), "peak": max(_peak[0], pool.used_bytes()), "reserved": pool.total_bytes()}


def reset_peak_memory():
    """Restart the peak from the current usage."""
    _peak[0] = memory_stats()["used"]
