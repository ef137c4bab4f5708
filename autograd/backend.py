"""The array module of each device: numpy serves "cpu", cupy serves "cuda"; the only module that imports cupy."""
import contextlib
import ctypes
import os
import sys

import numpy as np

from .grad_mode import state

try:  # cupy is an optional extra: tapegrad[cuda12] / tapegrad[cuda13]
    import cupy
except Exception as _err:  # ImportError, or a broken CUDA install
    cupy = None
    _cupy_error = f"cupy is not importable ({type(_err).__name__}: {_err})"
else:
    _cupy_error = None

INSTALL_HINT = 'install it with: pip install "tapegrad[cuda12]" (or [cuda13], matching your CUDA driver)'

def _tune_malloc():
    """Keep freed heap memory for reuse (glibc): numpy's large temporaries otherwise cost fresh page faults each step.

    M_MMAP_THRESHOLD 64 MiB, M_TRIM_THRESHOLD 256 MiB, M_TOP_PAD 64 MiB. Set TAPEGRAD_TUNE_MALLOC=0 to leave malloc alone.
    """
    if os.environ.get("TAPEGRAD_TUNE_MALLOC", "1") == "0" or not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (e.g. musl): nothing to tune
        return
    for param, value in ((-3, 64 << 20), (-1, 256 << 20), (-2, 64 << 20)):
        libc.mallopt(param, value)


_tune_malloc()

# array type -> (device type, array module); the test stand-in for cupy registers itself here too
# Floating-point errors (log(0), exp(100), x / 0, overflow) give inf/nan silently, as in PyTorch, without touching
# numpy's error state outside tapegrad's ops. numpy 2 keeps that state in a context variable; setting it directly
# costs a fraction of entering np.errstate, so every op's forward and every backward pass can afford it.
try:
    from numpy._core._ufunc_config import _extobj_contextvar as _fp_state
except ImportError:  # another numpy layout: the slower public route
    _fp_state = None
if _fp_state is not None:
    with np.errstate(all="ignore"):
        _FP_QUIET = _fp_state.get()
    fp_quiet = _fp_state.set
    fp_restore = _fp_state.reset
else:
    def fp_quiet(_):
        """Enter numpy's ignore-all error state; returns the token for fp_restore."""
        quiet = np.errstate(all="ignore")
        quiet.__enter__()
        return quiet

    def fp_restore(quiet):
        """Leave the error state fp_quiet entered."""
        quiet.__exit__(None, None, None)

    _FP_QUIET = None


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
                raise RuntimeError(f"invalid device string {type}:{idx!r}: expected 'cpu', 'cuda' or 'cuda:N'")
            index = int(idx)
        if type not in ("cpu", "cuda"):
            raise RuntimeError(f"unknown device type {type!r}: expected 'cpu', 'cuda' or 'cuda:N'")
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
            except (RuntimeError, ValueError):  # not a device string
                return False
        if not isinstance(other, device):
            return NotImplemented
        if self.type != other.type:
            return False
        return self.index is None or other.index is None or self.index == other.index

    def __hash__(self):
        return hash(self.type)


CPU = device("cpu")


_cuda_ok = []  # [True] once a device was seen: devices do not disappear, so the driver is asked only until then


def cuda_unavailable_reason():
    """Why device="cuda" cannot be used here, or None when it can."""
    if cupy is None:
        return f"{_cupy_error}; {INSTALL_HINT}"
    if _cuda_ok:
        return None
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as err:
        return f"cupy found no usable CUDA driver ({err}); install an NVIDIA driver matching the cupy wheel"
    if count == 0:
        return "cupy is installed but this machine has no CUDA device"
    _cuda_ok.append(True)
    return None


def array_module(x):
    """The array module (numpy or cupy) that owns array `x`; numpy for anything else."""
    entry = _modules.get(type(x))
    return np if entry is None else entry[1]


def device_of(x):
    """The device of array `x`."""
    entry = _modules.get(type(x))
    if entry is None:
        return x.coo_device if hasattr(type(x), "coo_device") else CPU  # a sparse COO array: its values' device
    if entry[0] == "cpu":
        return CPU
    return device("cuda", int(getattr(x.device, "id", 0)))


def gpu_usable():
    """True when device="cuda" can be used: a working cupy and device, or the test stand-in."""
    return _stand_in is not None or cuda_unavailable_reason() is None


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
    if hasattr(type(x), "coo_device"):  # a sparse COO array moves its indices and values
        return x.moved(to_device(x.indices, dev), to_device(x.values, dev))
    if dev.type == "cpu":
        if _pending:
            raise_pending()
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


def cupy_special(name, x):
    """cupyx.scipy.special's function `name` when x is a cupy array (RuntimeError when this cupy lacks it), else None."""
    if cupy is None or not isinstance(x, cupy.ndarray):
        return None
    import cupyx.scipy.special  # optional dependency

    fn = getattr(cupyx.scipy.special, name, None)
    if fn is None:
        raise RuntimeError(f"{name}: this cupy's cupyx.scipy.special has no {name}; upgrade cupy, or compute it on "
                           "the CPU with .cpu()")
    return fn


def erf(x):
    """The error function of a device array (cupyx.scipy.special on cupy; the stand-in brings its own)."""
    return (cupy_special("erf", x) or array_module(x).erf)(x)


def linalg_errors(xp):
    """A context in which xp.linalg raises for singular input: cupy does only under cupyx.errstate(linalg='raise'),
    which reads the device's status (a sync, as torch's own check); numpy and the stand-in always raise."""
    if cupy is None or xp is not cupy or getattr(xp, "is_stand_in", False):
        return contextlib.nullcontext()
    import cupyx  # optional dependency

    return cupyx.errstate(linalg="raise")


def set_tf32_matmul(flag):
    """Set cupy's float32 GEMM compute type to TF32 (or back); a no-op without a usable GPU. True when applied."""
    if cupy is None or cuda_unavailable_reason() is not None:
        return False
    from cupy._core import _routines_linalg as linalg  # optional dependency

    kind = getattr(linalg, "COMPUTE_TYPE_TF32", 7) if flag else getattr(linalg, "COMPUTE_TYPE_DEFAULT", 1)
    linalg.set_compute_type(np.float32, kind)
    return True


def sparse_module(x):
    """scipy.sparse for a numpy array, cupyx.scipy.sparse for a cupy array, None for anything else (the stand-in)."""
    if type(x) is np.ndarray:
        import scipy.sparse  # optional dependency, loaded by the first sparse product

        return scipy.sparse
    if cupy is not None and isinstance(x, cupy.ndarray):
        import cupyx.scipy.sparse  # optional dependency (ships with cupy)

        return cupyx.scipy.sparse
    return None


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


# ---------------------------------------------------------------------------- checks of device data
# Reading a value computed on a GPU (bool(mask.any()), int(idx.max())) stalls the host until the device has run
# everything queued before it, which costs a training step its overlap of Python and GPU work. So checks of
# device data (index ranges, class targets, probabilities in [0, 1]) are queued on the device by default: the
# check's answer stays a device flag, and is read at the next point that waits for the device anyway (a copy to
# the host, Tensor.item(), autograd.cuda.synchronize()), where a failed check raises its error. With
# autograd.cuda.set_sync_checks(True), or under anomaly detection, they are made at once, at the op, as on the CPU.
_pending = {}  # message -> (error class, device flag that is True when the check failed)
_MAX_PENDING = 64
_sync_checks = [False]


def set_sync_checks(flag):
    """Check device data at once, at the op (True), or queue the checks until the next synchronisation (False)."""
    _sync_checks[0] = bool(flag)


def sync_checks():
    """True when checks of device data are made at once (set_sync_checks(True), or anomaly detection on)."""
    if _sync_checks[0]:
        return True
    return state.anomaly


def bad_now(bad, error, message):
    """Whether the bool array `bad` holds a True that must be reported now.

    On the CPU (or with sync checks on) this is bool(bad.any()): the caller raises its detailed error. On a GPU it
    queues the check and returns False; error(message) is raised at the next synchronisation if the check failed.
    """
    if type(bad) is np.ndarray or sync_checks():
        return bool(bad.any())
    flag = bad.any()
    old = _pending.get(message)
    _pending[message] = (error, flag if old is None else old[1] | flag)
    if len(_pending) > _MAX_PENDING:
        raise_pending()
    return False


def check_later(bad, error, message):
    """Raise error(message) when the bool array `bad` holds a True: now on the CPU, queued on a GPU (bad_now)."""
    if bad_now(bad, error, message):
        raise error(message)


def raise_pending():
    """Read the queued checks of device data (waiting for the device) and raise the first that failed."""
    if not _pending:
        return
    items = list(_pending.items())
    _pending.clear()
    for message, (error, flag) in items:
        if bool(flag):
            raise error(f"{message} (found by a check that ran on the GPU after the op was queued; call "
                        "autograd.cuda.set_sync_checks(True) to raise such errors at the op itself)")


def data_ptr(x):
    """The address of an array's first element (cupy: device memory; numpy and the stand-in: host memory)."""
    ptr = getattr(getattr(x, "data", None), "ptr", None)
    return ptr if ptr is not None else x.ctypes.data


_CUPY_ADD_AT = {np.dtype(t) for t in (np.int32, np.uint32, np.uint64, np.float16, np.float32, np.float64)}


def add_at(out, index, values):
    """out[index] += values with repeated indices accumulating (np.add.at), also for the dtypes cupy's lacks."""
    mod = array_module(out)
    if mod is np or out.dtype in _CUPY_ADD_AT:
        mod.add.at(out, index, values)
    elif out.dtype.kind == "c":  # the real and imaginary parts are views of out: accumulate each
        values = mod.asarray(values)
        add_at(out.real, index, values.real)
        add_at(out.imag, index, values.imag)
    elif out.dtype == np.int64:  # two's-complement sums are the same bits in uint64
        mod.add.at(out.view(np.uint64), index, mod.asarray(values).astype(np.int64).view(np.uint64))
    else:  # 8/16-bit ints and bools: accumulate in int32, write back
        wide = out.astype(np.int32)
        mod.add.at(wide, index, mod.asarray(values).astype(np.int32))
        out[...] = wide.astype(out.dtype)


def multiply_at(out, index, values):
    """out[index] *= values with repeated indices multiplying (np.multiply.at); cupy has none: done on the host."""
    mod = array_module(out)
    if mod is np:
        np.multiply.at(out, index, values)
        return
    host = to_device(out, "cpu")  # a host round trip: documented in scatter(reduce="multiply")
    host_index = tuple(to_device(i, "cpu") if hasattr(i, "shape") else i for i in index) \
        if isinstance(index, tuple) else to_device(index, "cpu")
    np.multiply.at(host, host_index, to_device(values, "cpu") if hasattr(values, "shape") else values)
    out[...] = mod.asarray(host)
