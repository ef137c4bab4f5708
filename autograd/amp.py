"""torch.amp's names: autocast and GradScaler, which run everything in full precision until mixed precision lands.

    with autograd.amp.autocast("cuda", dtype=autograd.bfloat16):   # accepted, validated; ops keep their dtypes
        loss = model(x)
    scaler = autograd.amp.GradScaler()                                # behaves as GradScaler(enabled=False)
    scaler.scale(loss).backward(); scaler.step(opt); scaler.update()

So a PyTorch training loop written for mixed precision runs unchanged and trains in full precision: `autocast`
changes no dtype, and `GradScaler` scales by 1 (`is_enabled()` is False, `get_scale()` is 1.0), which is what
PyTorch itself does with `enabled=False`.
"""
import functools
import warnings

from . import backend, dtypes

__all__ = ["autocast", "GradScaler", "is_autocast_available"]

_DEVICE_TYPES = ("cpu", "cuda")
_LOW_PRECISION = {"cpu": dtypes.bfloat16, "cuda": dtypes.float16}  # the default dtype of each device's autocast
_SUPPORTED = (dtypes.bfloat16, dtypes.float16)


def is_autocast_available(device_type):
    """Whether autocast accepts this device type ('cpu' and 'cuda')."""
    return device_type in _DEVICE_TYPES


class autocast:  # noqa: N801  (PyTorch's name)
    """A context manager and decorator that validates its arguments as torch.autocast does and changes nothing."""

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        if not is_autocast_available(device_type):
            raise RuntimeError(f"User specified an unsupported autocast device_type '{device_type}' (tapegrad "
                               f"supports {', '.join(map(repr, _DEVICE_TYPES))})")
        self.device = device_type
        self.fast_dtype = _LOW_PRECISION[device_type] if dtype is None else dtypes.as_dtype(dtype)
        level = 2 if type(self) is autocast else 3  # the warnings point at the caller's line
        if enabled and device_type == "cuda" and backend.cuda_unavailable_reason() is not None:
            warnings.warn("CUDA is not available. Disabling autocast.", stacklevel=level)
            enabled = False
        elif enabled and device_type == "cpu" and self.fast_dtype not in _SUPPORTED:
            warnings.warn("In CPU autocast, but the target dtype is not supported. Disabling autocast.\nCPU Autocast "
                          "only supports dtypes of torch.bfloat16, torch.float16 currently.", stacklevel=level)
            enabled = False
        self._enabled = bool(enabled)
        self._cache_enabled = True if cache_enabled is None else bool(cache_enabled)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)

        return wrapper


class cuda_autocast(autocast):  # noqa: N801  (torch.cuda.amp.autocast)
    """torch.cuda.amp.autocast (deprecated in PyTorch): autocast("cuda", ...), float16 by default."""

    def __init__(self, enabled=True, dtype=dtypes.float16, cache_enabled=True):
        super().__init__("cuda", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)


class cpu_autocast(autocast):  # noqa: N801  (torch.cpu.amp.autocast)
    """torch.cpu.amp.autocast (deprecated in PyTorch): autocast("cpu", ...), bfloat16 by default."""

    def __init__(self, enabled=True, dtype=dtypes.bfloat16, cache_enabled=True):
        super().__init__("cpu", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)


class GradScaler:
    """torch.amp.GradScaler's interface with enabled=False semantics: nothing is scaled, step() is optimizer.step()."""

    def __init__(self, device="cuda", init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000, enabled=True):
        if enabled and growth_factor <= 1.0:  # PyTorch checks these only for an enabled scaler, with these errors
            raise AssertionError("The growth factor must be > 1.0.")
        if enabled and backoff_factor >= 1.0:
            raise AssertionError("The backoff factor must be < 1.0.")
        self._device = device
        self._init_scale, self._growth_factor, self._backoff_factor = init_scale, growth_factor, backoff_factor
        self._growth_interval = growth_interval
        self._enabled = False  # full precision whatever was asked: see the module's docstring

    def is_enabled(self):
        """False: tapegrad trains in full precision, so there is nothing to scale."""
        return self._enabled

    def scale(self, outputs):
        """The outputs unchanged (tensors, or nested lists/tuples of them)."""
        return outputs

    def unscale_(self, optimizer):
        """Nothing to undo."""

    def step(self, optimizer, *args, **kwargs):
        """optimizer.step(*args, **kwargs), returning what it returns."""
        return optimizer.step(*args, **kwargs)

    def update(self, new_scale=None):
        """Nothing to update."""

    def get_scale(self):
        return 1.0

    def get_growth_factor(self):
        return self._growth_factor

    def get_backoff_factor(self):
        return self._backoff_factor

    def get_growth_interval(self):
        return self._growth_interval

    def state_dict(self):
        """{} as PyTorch's disabled scaler gives."""
        return {}

    def load_state_dict(self, state_dict):
        """Accepted and ignored (a scaler state saved by PyTorch has nothing to say to a full-precision run)."""


class CudaGradScaler(GradScaler):
    """torch.cuda.amp.GradScaler (deprecated in PyTorch): GradScaler("cuda", ...)."""

    def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000,
                 enabled=True):
        super().__init__("cuda", init_scale, growth_factor, backoff_factor, growth_interval, enabled)


class CpuGradScaler(GradScaler):
    """torch.cpu.amp.GradScaler (deprecated in PyTorch): GradScaler("cpu", ...)."""

    def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000,
                 enabled=True):
        super().__init__("cpu", init_scale, growth_factor, backoff_factor, growth_interval, enabled)
