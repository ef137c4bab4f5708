"""autograd.cuda: GPU availability, the current device, synchronisation, memory statistics and seeding."""
import numpy as np

from . import backend
from .legacy import tensor_type
from .random import default_generator

# PyTorch's legacy GPU types: autograd.cuda.FloatTensor(2, 3), isinstance(t, autograd.cuda.LongTensor), ...
FloatTensor = tensor_type("FloatTensor", cuda=True)
DoubleTensor = tensor_type("DoubleTensor", cuda=True)
HalfTensor = tensor_type("HalfTensor", cuda=True)
BFloat16Tensor = tensor_type("BFloat16Tensor", cuda=True)
LongTensor = tensor_type("LongTensor", cuda=True)
IntTensor = tensor_type("IntTensor", cuda=True)
ShortTensor = tensor_type("ShortTensor", cuda=True)
CharTensor = tensor_type("CharTensor", cuda=True)
ByteTensor = tensor_type("ByteTensor", cuda=True)
BoolTensor = tensor_type("BoolTensor", cuda=True)


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
    """Wait until every kernel queued on the device has finished (and raise a failed queued check, if any)."""
    cp = _cupy()
    with cp.cuda.Device(_index(device)):
        cp.cuda.Stream.null.synchronize()
        cp.cuda.get_current_stream().synchronize()
    backend.raise_pending()


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


# ---------------------------------------------------------------------------- random number generation
# Each CUDA device has its own Philox stream in autograd.default_generator (see autograd.random): a 64-bit seed and
# a counter offset. autograd.manual_seed seeds the CPU stream and every device's; these seed the devices only.
def _stream_index(device=None):
    """The index of a device stream: the device's index, the current device by default (0 without CUDA)."""
    if isinstance(device, int):
        return device
    if device is not None:
        dev = backend.device(device)
        if dev.type != "cuda":
            raise ValueError(f"expected a CUDA device, got '{dev}'")
        if dev.index is not None:
            return dev.index
    return current_device() if is_available() else 0


def manual_seed(seed):
    """Seed the random stream of the current GPU (the CPU's and other GPUs' streams are left alone)."""
    default_generator._seed_device(_stream_index(), seed)


def manual_seed_all(seed):
    """Seed the random streams of every GPU (the CPU stream is left alone)."""
    default_generator._seed_device(None, seed)


def seed():
    """Seed the current GPU's stream from the operating system's entropy; returns the seed."""
    s = int(np.random.SeedSequence().entropy % (2**63))
    manual_seed(s)
    return s


def seed_all():
    """Seed every GPU's stream from the operating system's entropy; returns the seed."""
    s = int(np.random.SeedSequence().entropy % (2**63))
    manual_seed_all(s)
    return s


def initial_seed():
    """The seed of the current GPU's stream."""
    return default_generator._device_state(_stream_index())[0]


def get_rng_state(device="cuda"):
    """The state of a GPU's random stream: {'seed': ..., 'offset': ...} (set_rng_state accepts it)."""
    key, offset = default_generator._device_state(_stream_index(device))
    return {"seed": key, "offset": offset}


def set_rng_state(new_state, device="cuda"):
    """Restore a GPU's random stream from get_rng_state()."""
    if not isinstance(new_state, dict) or not {"seed", "offset"} <= set(new_state):
        raise ValueError("set_rng_state: expected the dict returned by autograd.cuda.get_rng_state(), with 'seed' "
                         f"and 'offset', got {new_state!r}")
    default_generator._streams[_stream_index(device)] = [int(new_state["seed"]), int(new_state["offset"])]


def get_rng_state_all():
    """The states of every GPU's random stream, one per device."""
    return [get_rng_state(i) for i in range(max(device_count(), 1))]


def set_rng_state_all(new_states):
    """Restore every GPU's random stream from get_rng_state_all()."""
    for i, st in enumerate(new_states):
        set_rng_state(st, i)


# ---------------------------------------------------------------------------- checks of device data
def set_sync_checks(enabled):
    """Check device data (index ranges, class targets, ...) at the op, synchronising (True; slower), or queue the
    checks on the GPU and raise at the next synchronisation: item(), a copy to the CPU, synchronize() (False)."""
    backend.set_sync_checks(enabled)


def sync_checks():
    """True when checks of device data are made at the op (set_sync_checks(True), or anomaly detection on)."""
    return backend.sync_checks()
