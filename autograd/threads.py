"""torch.get_num_threads / set_num_threads (the BLAS thread pools, through threadpoolctl) and the interop count."""
import numbers
import os

import threadpoolctl

__all__ = ["get_num_interop_threads", "get_num_threads", "set_num_interop_threads", "set_num_threads"]

_state = {"threads": None, "interop": None, "limiter": None}


def _positive(n, op):
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise RuntimeError(f"{op} expects an int, but got {type(n).__name__}")
    if n <= 0:
        raise RuntimeError(f"{op} expects a positive integer")
    return int(n)


def set_num_threads(int):  # noqa: A002  (torch's argument name)
    """Use `int` threads in the BLAS and other native thread pools numpy and scipy run on (for this process)."""
    n = _positive(int, "set_num_threads")
    _state["limiter"] = threadpoolctl.threadpool_limits(limits=n)  # applied now, kept until the next call
    _state["threads"] = n


def get_num_threads():
    """The thread count set_num_threads gave, else the largest native thread pool's (the BLAS's, usually)."""
    if _state["threads"] is not None:
        return _state["threads"]
    counts = [p["num_threads"] for p in threadpoolctl.threadpool_info()]
    return max(counts) if counts else (os.cpu_count() or 1)


def set_num_interop_threads(int):  # noqa: A002  (torch's argument name)
    """Record the inter-op thread count (once, as PyTorch allows): tapegrad runs ops one after another, so it only
    reports it back."""
    n = _positive(int, "set_num_interop_threads")
    if _state["interop"] is not None:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work has started or "
                           "set_num_interop_threads called")
    _state["interop"] = n


def get_num_interop_threads():
    """The count set_num_interop_threads recorded, else the number of CPUs."""
    return _state["interop"] if _state["interop"] is not None else (os.cpu_count() or 1)
