"""torch.compile and torch.compiler's basics: accepted today, they return what they are given (eager execution)."""

__all__ = ["compile", "disable", "is_compiling", "is_dynamo_compiling", "reset"]


def compile(model=None, *, fullgraph=False, dynamic=None, backend=None, mode=None, options=None, name=None,
            disable=False, recompile_limit=None, isolate_recompiles=False, shapes_spec=None):  # noqa: A001
    """The model or function itself, run eagerly: tapegrad has no graph compiler yet, so scripts that call
    torch.compile run as they would without it. As a decorator, with or without arguments."""
    if model is None:
        return lambda fn: compile(fn, mode=mode, options=options)
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.")
    if not callable(model):
        raise RuntimeError(f"compile: expected a module or a callable, got {type(model).__name__}")
    return model


def disable(fn=None, recursive=True, *, reason=None):
    """torch.compiler.disable: nothing is compiled, so the function itself (as a decorator too)."""
    return (lambda f: f) if fn is None else fn


def is_compiling():
    """False: code never runs under a compiler in tapegrad."""
    return False


def is_dynamo_compiling():
    """False, as is_compiling."""
    return False


def reset():
    """Nothing to reset (no compiled code is cached)."""
