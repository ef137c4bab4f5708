"""Fused GPU kernels: a registry of memoized cupy ElementwiseKernel/ReductionKernel/RawKernel objects.

An op asks for a kernel by name with the array it is about to process:

    k = kernels.get("gelu_fwd", x)
    y = k(x) if k is not None else <the generic xp formula>

get() returns None unless `x` is a real cupy array (numpy, the test stand-in for cupy, dtypes without a kernel,
or kernels switched off), so the generic xp path stays the single source of truth for what an op computes and
runs everywhere; the kernel is only a faster way to compute the same formula in one launch on a real GPU. Each
kernel is defined beside its op with register(); tests marked `cuda` compare kernel against generic path.
"""
import contextlib

import numpy as np

from . import backend

# C type names for the dtypes that have kernels (half precision takes the generic path)
CTYPES = {np.dtype(np.float32): "float", np.dtype(np.float64): "double"}

_builders = {}  # name -> builder(cupy, dtype) -> kernel (or None: no kernel for that dtype)
_cache = {}  # (name, dtype) -> kernel
_state = {"enabled": True}


def register(name):
    """Decorator: register `builder(cupy, dtype)` as the maker of kernel `name` (called once per dtype)."""

    def deco(builder):
        if name in _builders and _builders[name] is not builder:
            raise ValueError(f"kernels.register: a kernel named {name!r} is registered already")
        _builders[name] = builder
        return builder

    return deco


def get(name, like, dtype=None):
    """The kernel `name` for arrays like `like` (an array, or an array module with `dtype`), or None.

    None means: use the generic path (`like` is not a real cupy array, the dtype has no kernel, or kernels are
    disabled). Kernels are built on first use and cached; cupy compiles them per device on their first launch.
    """
    cp = backend.cupy
    if cp is None or not _state["enabled"] or not hasattr(cp, "RawKernel"):  # a stand-in without kernels
        return None
    if like is cp:
        if dtype is None:
            raise TypeError(f"kernels.get({name!r}, cupy): give the dtype when passing the array module")
    elif not isinstance(like, cp.ndarray):
        return None
    dt = np.dtype(dtype if dtype is not None else like.dtype)
    key = (name, dt)
    try:
        return _cache[key]
    except KeyError:
        pass
    builder = _builders.get(name)
    if builder is None:
        raise KeyError(f"kernels.get: no kernel named {name!r} is registered (known: {sorted(_builders)})")
    k = builder(cp, dt) if dt in CTYPES else None
    _cache[key] = k
    return k


def enabled():
    """True while ops may use fused kernels on the GPU."""
    return _state["enabled"]


def set_enabled(flag):
    """Allow (True) or forbid (False) fused kernels; with False every op takes its generic xp path."""
    _state["enabled"] = bool(flag)


@contextlib.contextmanager
def disabled():
    """Run a block on the generic xp paths only (tests compare a kernel against its generic path with it)."""
    prev = _state["enabled"]
    _state["enabled"] = False
    try:
        yield
    finally:
        _state["enabled"] = prev


def names():
    """The names of the registered kernels."""
    return sorted(_builders)


def clear_cache():
    """Forget the built kernel objects (cupy keeps its own compiled-binary cache)."""
    _cache.clear()


# ---------------------------------------------------------------------------- helpers for kernel sources
def math_defines(dtype):
    """C macros naming the math functions and constants of a dtype's C type, for RawKernel sources.

    ACC is the accumulation type (float for float32, as PyTorch does); EXP/LOG/SQRT/... call the float or double
    functions explicitly; NEG_INF is -infinity; IS_NAN(v) and IS_FINITE(v) need no math header.
    """
    if np.dtype(dtype) == np.float32:
        return ("typedef float T;\ntypedef float ACC;\n#define EXP expf\n#define LOG logf\n#define SQRT sqrtf\n"
                "#define RSQRT rsqrtf\n#define NEG_INF (-__int_as_float(0x7f800000))\n"
                "#define IS_NAN(v) ((v) != (v))\n#define IS_FINITE(v) ((v) - (v) == (v) - (v))\n")
    return ("typedef double T;\ntypedef double ACC;\n#define EXP exp\n#define LOG log\n#define SQRT sqrt\n"
            "#define RSQRT rsqrt\n#define NEG_INF (-__longlong_as_double(0x7ff0000000000000LL))\n"
            "#define IS_NAN(v) ((v) != (v))\n#define IS_FINITE(v) ((v) - (v) == (v) - (v))\n")


# Block-wide reductions for "one block per row" RawKernels; blockDim.x must be a power of two <= 1024 and every
# thread of the block must call them (they synchronize).
BLOCK_REDUCE = r"""
__device__ __forceinline__ ACC tg_max_nan(ACC a, ACC b) { return (IS_NAN(a) || a > b) ? a : b; }

__device__ ACC tg_block_max(ACC v, ACC* buf) {
    buf[threadIdx.x] = v;
    __syncthreads();
    for (unsigned int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) buf[threadIdx.x] = tg_max_nan(buf[threadIdx.x], buf[threadIdx.x + s]);
        __syncthreads();
    }
    ACC r = buf[0];
    __syncthreads();
    return r;
}

__device__ ACC tg_block_sum(ACC v, ACC* buf) {
    buf[threadIdx.x] = v;
    __syncthreads();
    for (unsigned int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) buf[threadIdx.x] += buf[threadIdx.x + s];
        __syncthreads();
    }
    ACC r = buf[0];
    __syncthreads();
    return r;
}
"""


def block_size(n):
    """Threads per block for a row of n elements: a power of two in [32, 1024]."""
    b = 32
    while b < n and b < 1024:
        b *= 2
    return b


def row_grid(rows):
    """Blocks for a one-block-per-row kernel (kernels loop over rows beyond the grid)."""
    return (max(1, min(int(rows), 1 << 20)),)
