"""Grad mode: no_grad, enable_grad, set_grad_enabled, inference_mode (thread-local, as in PyTorch)."""
import functools
import threading


class _State(threading.local):
    enabled = True
    inference = False
    anomaly = False


state = _State()


def is_grad_enabled():
    """True when ops record on the tape."""
    return state.enabled


def is_inference_mode_enabled():
    """True inside inference_mode()."""
    return state.inference


class _Mode:
    """Base of the grad-mode context managers; each also works as a decorator."""

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with type(self)(*self._args):
                return fn(*args, **kwargs)

        return wrapper

    _args = ()

    def __enter__(self):
        self._prev = (state.enabled, state.inference)
        self._set()
        return self

    def __exit__(self, *exc):
        state.enabled, state.inference = self._prev
        return False


class no_grad(_Mode):
    """Record nothing on the tape inside this block."""

    def _set(self):
        state.enabled = False


class enable_grad(_Mode):
    """Record on the tape inside this block, even within no_grad."""

    def _set(self):
        state.enabled = True


class set_grad_enabled(_Mode):
    """Turn recording on or off; usable as a function, a context manager or a decorator."""

    def __init__(self, mode):
        self._args = (mode,)
        self._prev = (state.enabled, state.inference)
        state.enabled = bool(mode)

    def __call__(self, fn):
        state.enabled, state.inference = self._prev
        return super().__call__(fn)

    def __enter__(self):
        return self

    def _set(self):
        state.enabled = bool(self._args[0])


class inference_mode(_Mode):
    """Like no_grad (tensors made inside never record); inference_mode(False) is a no-op."""

    def __init__(self, mode=True):
        self._args = (mode,)

    def _set(self):
        if self._args[0]:
            state.enabled = False
            state.inference = True
