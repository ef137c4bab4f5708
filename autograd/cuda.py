"""autograd.cuda: GPU availability, the current device, synchronisation, memory statistics and seeding."""
from . import backend


def is_available():
    """True when cupy imports and sees at least one CUDA device."""
    return backend.cuda_unavailable_reason() is None


def _cupy():
    reason = backend.cuda_unavailable_reason()
    if reason is not None:
        raise RuntimeError(f"CUDA is not available: {reason}")
    return backend.cupy


def device_count():
    """Number of visible CUDA devices (0 without cupy or a driver)."""
    if not is_available():
        return 0
    return backend.cupy.cuda.runtime.getDeviceCount()


def _index(device):
    if device is None:
        return current_device()
    if isinstance(device, int):
        return device
    dev = backend.device(device)
    if dev.type != "cuda":
        raise ValueError(f"expected a CUDA device, got '{dev}'")
    return current_device() if dev.index is None else dev.index


def current_device():
    """Index of the device that new "cuda" tensors go to."""
    return _cupy().cuda.Device().id


def set_device(device):
    """Make `device` (an index, "cuda:N" or a device) the current CUDA device."""
    cp = _cupy()
    idx = _index(device)
    if not 0 <= idx < device_count():
        raise ValueError(f"set_device: no CUDA device {idx}; this machine has {device_count()}")
    cp.cuda.Device(idx).use()


def synchronize(device=None):
    """Wait until every kernel queued on the device has finished."""
    cp = _cupy()
    with cp.cuda.Device(_index(device)):
        cp.cuda.Stream.null.synchronize()
        cp.cuda.get_current_stream().synchronize()


def memory_allocated(device=None):
    """Bytes held by tensors right now (cupy's memory pool, used blocks)."""
    return backend.memory_stats()["used"]


def max_memory_allocated(device=None):
    """The peak of memory_allocated() since start or since reset_peak_memory_stats()."""
    return backend.memory_stats()["peak"]


def reset_peak_memory_stats(device=None):
    """Restart max_memory_allocated() from the current usage."""
    backend.reset_peak_memory()


def memory_reserved(device=None):
    """Bytes the memory pool holds from the driver (used and cached)."""
    return backend.memory_stats()["reserved"]


def empty_cache():
    """Give the pool's cached, unused blocks back to the driver."""
    if is_available():
        backend.cupy.get_default_memory_pool().free_all_blocks()


def manual_seed(seed):
    """Seed the GPU random generator (autograd.manual_seed seeds every device at once)."""
    from . import random

    random.default_generator.manual_seed(seed)


manual_seed_all = manual_seed
