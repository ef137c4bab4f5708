"""Grad mode: no_grad, enable_grad, set_grad_enabled, inference_mode (thread-local, as in PyTorch).

`state` also carries the anomaly-detection flag, which is process-wide as in PyTorch: set in one thread, every thread
sees it.
"""
import functools
import inspect
import sys
import threading


class _State(threading.local):
    """Grad mode per thread (each thread starts with the class defaults); `anomaly` is one value for all threads.

    `anomaly` is a slot: a slot lives in the one `state` object, not in the per-thread dictionary a threading.local
    keeps, so every thread reads and writes the same value, as fast as a per-thread attribute (no property call on
    the ops' path). `state.anomaly = True` is seen by all threads.
    """

    __slots__ = ("anomaly",)
    enabled = True
    inference = False


state = _State()
_State.anomaly.__set__(state, False)  # set once, for all threads (no __init__: a local runs it once per thread)


def is_grad_enabled():
    """True when ops record on the tape."""
    return state.enabled


def is_inference_mode_enabled():
    """True inside inference_mode()."""
    return state.inference


def _wrap_generator(make_mode, gen_fn):
    """Decorate a generator function so that each of its resumptions runs under a fresh mode (as PyTorch does):
    the code between two yields sees the mode, the caller's code between the resumptions does not."""

    @functools.wraps(gen_fn)
    def wrapper(*args, **kwargs):
        gen = gen_fn(*args, **kwargs)
        try:
            with make_mode():
                response = gen.send(None)
            while True:
                try:
                    request = yield response
                except GeneratorExit:
                    with make_mode():
                        gen.close()
                    raise
                except BaseException:
                    with make_mode():
                        response = gen.throw(*sys.exc_info()[1:2])
                else:
                    with make_mode():
                        response = gen.send(request)
        except StopIteration as stop:
            return stop.value

    return wrapper


class _Mode:
    """Base of the grad-mode context managers; each also works as a decorator (of functions and generators)."""

    _args = ()

    def __call__(self, fn):
        if not callable(fn):
            raise TypeError(f"{type(self).__name__}: can only decorate a function, got {type(fn).__name__}")
        mode, args = type(self), self._args

        def make_mode():
            return mode(*args)

        if inspect.isgeneratorfunction(fn):
            return _wrap_generator(make_mode, fn)

        @functools.wraps(fn)
        def wrapper(*a, **kw):
            with make_mode():
                return fn(*a, **kw)

        return wrapper

    def __enter__(self):
        prev = (state.enabled, state.inference)
        self.__dict__.setdefault("_stack", []).append(prev)  # a stack: the same object may be entered twice
        self._set()
        return self

    def __exit__(self, *exc):
        state.enabled, state.inference = self._stack.pop()
        return False


class _NoParamMode(_Mode):
    """A mode usable as @mode (without parentheses) as well as @mode() and `with mode():`."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)


class no_grad(_NoParamMode):
    """Record nothing on the tape inside this block (or decorated function)."""

    def _set(self):
        state.enabled = False


class enable_grad(_NoParamMode):
    """Record on the tape inside this block (or decorated function), even within no_grad."""

    def _set(self):
        state.enabled = True


class set_grad_enabled(_Mode):
    """Turn recording on or off; usable as a function, a context manager or a decorator."""

    def __init__(self, mode):
        if not isinstance(mode, bool) and not hasattr(mode, "__bool__"):
            raise TypeError(f"set_grad_enabled: mode must be a bool, got {type(mode).__name__}")
        self._args = (bool(mode),)
        self._prev = (state.enabled, state.inference)
        state.enabled = bool(mode)

    def __call__(self, fn):
        state.enabled, state.inference = self._prev  # used as a decorator: the call itself changes nothing
        return super().__call__(fn)

    def __enter__(self):
        self.__dict__.setdefault("_stack", []).append(self._prev)  # the mode was set when this object was made
        return self

    def _set(self):
        state.enabled = self._args[0]


class inference_mode(_Mode):
    """Like no_grad (tensors made inside never record); inference_mode(False) is a no-op.

    Usable as @inference_mode, @inference_mode(), @inference_mode(False) and as a context manager.
    """

    def __new__(cls, mode=True):
        if isinstance(mode, bool):
            return super().__new__(cls)
        if not callable(mode):
            raise TypeError(f"inference_mode: mode must be a bool, got {type(mode).__name__}")
        return cls()(mode)

    def __init__(self, mode=True):
        self._args = (mode,)

    def _set(self):
        if self._args[0]:
            state.enabled = False
            state.inference = True
