"""torch.use_deterministic_algorithms and its queries: the flags are stored; no op changes behaviour under them."""

# tapegrad's CPU ops run through numpy in a fixed order and give the same result on every run, so there is nothing to
# switch; the GPU ops are not audited for nondeterminism (cupy reductions with atomics), and do not check the flag.

__all__ = ["use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
           "is_deterministic_algorithms_warn_only_enabled", "set_deterministic_debug_mode",
           "get_deterministic_debug_mode"]

_state = {"mode": False, "warn_only": False}
_DEBUG_MODES = {"default": 0, "warn": 1, "error": 2}


def _check_bool(value, name):
    if not isinstance(value, bool):
        raise TypeError(f"use_deterministic_algorithms(): argument '{name}' must be bool, not {type(value).__name__}")


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Ask for deterministic algorithms (mode=True), or erroring ops to only warn (warn_only=True)."""
    _check_bool(mode, "mode")
    _check_bool(warn_only, "warn_only")
    _state["mode"], _state["warn_only"] = mode, warn_only


def are_deterministic_algorithms_enabled():
    """True after use_deterministic_algorithms(True)."""
    return _state["mode"]


def is_deterministic_algorithms_warn_only_enabled():
    """True after use_deterministic_algorithms(True, warn_only=True)."""
    return _state["warn_only"]


def set_deterministic_debug_mode(debug_mode):
    """0 / 'default': off; 1 / 'warn': on, warn only; 2 / 'error': on."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, `warn`, `error`, but got "
                               f"{debug_mode}")
        debug_mode = _DEBUG_MODES[debug_mode]
    elif not isinstance(debug_mode, int) or isinstance(debug_mode, bool):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode).__name__}")
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")
    _state["mode"], _state["warn_only"] = debug_mode != 0, debug_mode == 1


def get_deterministic_debug_mode():
    """0 when off, 1 when on with warn_only, 2 when on."""
    if not _state["mode"]:
        return 0
    return 1 if _state["warn_only"] else 2
