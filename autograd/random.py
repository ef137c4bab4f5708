"""Seeded randomness: Generator objects, manual_seed, and rand/randn/randint/normal/randperm."""
import numpy as np

from . import backend, dtypes
from .creation import _finish, _shape


class Generator:
    """A random number generator with its own seed and state (numpy's PCG64 underneath)."""

    def __init__(self, device="cpu"):
        self.device = backend.device(device)
        self._seed = 67280421310721
        self._rng = np.random.Generator(np.random.PCG64(self._seed))

    def manual_seed(self, seed):
        """Reseed; returns self."""
        self._seed = int(seed)
        self._rng = np.random.Generator(np.random.PCG64(self._seed))
        return self

    def seed(self):
        """Reseed from the operating system's entropy; returns the new seed."""
        s = int(np.random.SeedSequence().entropy % (2**63))
        self.manual_seed(s)
        return s

    def initial_seed(self):
        """The seed last set."""
        return self._seed

    def get_state(self):
        """The generator state (a dict that set_state accepts)."""
        return {"seed": self._seed, "bit_generator": self._rng.bit_generator.state}

    def set_state(self, new_state):
        """Restore a state from get_state()."""
        self._seed = new_state["seed"]
        self._rng.bit_generator.state = new_state["bit_generator"]

    @property
    def rng(self):
        """The numpy Generator that draws the numbers."""
        return self._rng


default_generator = Generator()


def manual_seed(seed):
    """Seed the default generator (all devices); returns it."""
    return default_generator.manual_seed(seed)


def seed():
    """Seed the default generator from the operating system's entropy."""
    return default_generator.seed()


def initial_seed():
    """The default generator's seed."""
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Restore the default generator's state."""
    default_generator.set_state(new_state)


def _draw(values, dtype, device, requires_grad):
    arr = values.astype(dtype, copy=False)
    return _finish(backend.to_device(arr, device or "cpu"), requires_grad)


def _float_dtype(dtype, op):
    dtype = dtypes.as_dtype(dtype) or dtypes.get_default_dtype()
    if dtype not in dtypes.FLOATS:
        raise TypeError(f"{op}: dtype must be a floating dtype, got {dtype}")
    return dtype


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Uniform samples on [0, 1)."""
    rng = (generator or default_generator).rng
    dtype = _float_dtype(dtype, "rand")
    return _draw(rng.random(_shape(size)), dtype, device, requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Standard normal samples."""
    rng = (generator or default_generator).rng
    dtype = _float_dtype(dtype, "randn")
    return _draw(rng.standard_normal(_shape(size)), dtype, device, requires_grad)


def randint(low, high=None, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Integers drawn uniformly from [low, high); randint(high, size) starts at 0."""
    if size is None and isinstance(high, (tuple, list)):  # randint(high, size)
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    if size is None:
        raise TypeError("randint: missing the size argument, e.g. randint(0, 10, (3,))")
    if low >= high:
        raise ValueError(f"randint: low ({low}) must be less than high ({high})")
    rng = (generator or default_generator).rng
    dtype = dtypes.as_dtype(dtype) or dtypes.int64
    return _draw(rng.integers(low, high, size=_shape(tuple(size))), dtype, device, requires_grad)


def randperm(n, generator=None, dtype=None, device=None):
    """A random permutation of 0..n-1."""
    if n < 0:
        raise ValueError(f"randperm: n must be non-negative, got {n}")
    rng = (generator or default_generator).rng
    return _draw(rng.permutation(n), dtypes.as_dtype(dtype) or dtypes.int64, device, False)


def normal(mean=0.0, std=1.0, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Normal samples; mean and std may be numbers or tensors (broadcast together)."""
    from .tensor import Tensor

    rng = (generator or default_generator).rng
    m = mean.data if isinstance(mean, Tensor) else mean
    s = std.data if isinstance(std, Tensor) else std
    if size is None:
        try:
            size = np.broadcast_shapes(np.shape(m), np.shape(s))
        except ValueError:
            raise ValueError(f"normal: mean of shape {np.shape(m)} and std of shape {np.shape(s)} cannot be "
                             "broadcast together") from None
        for t in (mean, std):
            if isinstance(t, Tensor):
                device = device or t.device
                dtype = dtype or t.dtype
    if np.any(np.asarray(backend.to_device(np.asarray(s) if not hasattr(s, "shape") else s, "cpu")) < 0):
        raise ValueError("normal: std must be non-negative")
    z = rng.standard_normal(_shape(tuple(size)))
    m = backend.to_device(m, "cpu") if hasattr(m, "shape") else m
    s = backend.to_device(s, "cpu") if hasattr(s, "shape") else s
    return _draw(z * s + m, _float_dtype(dtype, "normal"), device, requires_grad)


def rand_like(input, generator=None, dtype=None, device=None, requires_grad=False):
    """Uniform samples shaped like `input`."""
    return rand(*input.shape, generator=generator, dtype=dtype or input.dtype, device=device or input.device,
                requires_grad=requires_grad)


def randn_like(input, generator=None, dtype=None, device=None, requires_grad=False):
    """Standard normal samples shaped like `input`."""
    return randn(*input.shape, generator=generator, dtype=dtype or input.dtype, device=device or input.device,
                 requires_grad=requires_grad)


def randint_like(input, low, high=None, generator=None, dtype=None, device=None):
    """Random integers shaped like `input`."""
    return randint(low, high, input.shape, generator=generator, dtype=dtype or input.dtype,
                   device=device or input.device)
