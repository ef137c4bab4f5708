"""Seeded randomness: Generator objects, manual_seed, rand/randn/randint/normal/randperm, and the device samplers.

A Generator holds two kinds of streams. The CPU stream is numpy's PCG64 (draws for CPU tensors). Each CUDA device
gets its own counter-based Philox4x32-10 stream (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3",
the generator PyTorch and cuRAND use on GPUs), made on first use: its whole state is a 64-bit key (the seed) and a
64-bit counter offset, kept on the host, so drawing n numbers on the device is one kernel launch with no host
synchronisation and no transfer, state round trips are exact, and a dropout kernel can make its mask inline.
Number i of a draw comes from the four 32-bit words of Philox(key, offset + i); the offset then advances by n.
The generic xp formulas below (run on numpy and the cupy stand-in) define the values; the cupy kernels compute the
same formulas in one launch.

A thread may stand in a Generator of its own for the default one (fork_default_generator, which DataLoader worker
threads use): every draw without generator= made in that thread, and manual_seed/get_rng_state there, then use it.
"""
import contextlib
import functools
import math
import threading

import numpy as np

from . import backend, dtypes, kernels
from ._tensor import Tensor
from .creation import _finish, _shape

_DEFAULT_SEED = 67280421310721
_U64 = (1 << 64) - 1


class Generator:
    """A random number generator with its own seed and state: PCG64 on the CPU, Philox streams on CUDA devices."""

    def __init__(self, device="cpu"):
        self.device = backend.device(device)
        self.manual_seed(_DEFAULT_SEED)

    def manual_seed(self, seed):
        """Reseed every stream (the CPU's and each device's); returns self."""
        self._seed = int(seed)
        self._rng = np.random.Generator(np.random.PCG64(self._seed))
        self._device_seed = self._seed & _U64  # the key of device streams made from now on
        self._streams = {}  # CUDA device index -> [key, offset]
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
        """The generator state (a dict that set_state accepts): the CPU stream and every device stream."""
        return {"seed": self._seed, "bit_generator": self._rng.bit_generator.state,
                "device_seed": self._device_seed,
                "cuda": [[idx, key, offset] for idx, (key, offset) in sorted(self._streams.items())]}

    def set_state(self, new_state):
        """Restore a state from get_state() (a state without device streams restarts them from the seed)."""
        self._seed = new_state["seed"]
        self._rng.bit_generator.state = new_state["bit_generator"]
        self._device_seed = int(new_state.get("device_seed", self._seed)) & _U64
        self._streams = {int(i): [int(k), int(o)] for i, k, o in new_state.get("cuda", [])}

    @property
    def rng(self):
        """The numpy Generator that draws the numbers of the CPU stream."""
        return self._rng

    # ----------------------------------------------------------------- device streams
    def _claim(self, index, n):
        """Reserve n counters of the stream of CUDA device `index`; returns (key, first counter)."""
        st = self._streams.get(index)
        if st is None:
            st = self._streams[index] = [self._device_seed, 0]
        key, offset = st
        st[1] = (offset + n) & _U64
        return key, offset

    def _seed_device(self, index, seed):
        """Restart the stream of CUDA device `index` (None: every device, now and later) from `seed`."""
        if index is None:
            self._device_seed = int(seed) & _U64
            self._streams = {}
        else:
            self._streams[index] = [int(seed) & _U64, 0]

    def _device_state(self, index):
        """(key, offset) of device `index`'s stream (what it would start from when not made yet)."""
        key, offset = self._streams.get(index, (self._device_seed, 0))
        return key, offset


_thread_state = threading.local()  # .generator: this thread's stand-in for the default generator (None: none)


class _DefaultGenerator(Generator):
    """The default generator, shared by all threads, except in a thread inside fork_default_generator: there every
    attribute (rng, manual_seed, the device streams, ...) is that thread's own generator's, so code that names
    `default_generator` directly (dropout, nn.init, in-place fills) draws from the thread's stream too."""

    def __getattribute__(self, name):
        own = getattr(_thread_state, "generator", None)
        if own is not None:
            return getattr(own, name)
        return object.__getattribute__(self, name)

    def __setattr__(self, name, value):
        own = getattr(_thread_state, "generator", None)
        object.__setattr__(self if own is None else own, name, value)


default_generator = _DefaultGenerator()


def _default(generator=None):
    """`generator`, or when None the default generator as this thread sees it (its own one, or the shared one)."""
    if generator is not None:
        return generator
    own = getattr(_thread_state, "generator", None)
    return default_generator if own is None else own


@contextlib.contextmanager
def fork_default_generator(seed):
    """In this thread, replace the default generator by a new Generator seeded with `seed` (yielded) until exit.

    Draws without generator= in this thread then come from that stream only, whatever other threads draw meanwhile,
    and equal what a process would draw after manual_seed(seed). Other threads keep the shared default generator.
    """
    own = Generator().manual_seed(seed)
    before = getattr(_thread_state, "generator", None)
    _thread_state.generator = own
    try:
        yield own
    finally:
        _thread_state.generator = before


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


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, device_type="cuda"):
    """torch.random.fork_rng: draws inside the block leave the default generator as it was before (on exit its whole
    state, the CPU stream and every device stream, is restored; `devices` and `device_type` are accepted for
    PyTorch's signature, and all devices are covered)."""
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)


# ---------------------------------------------------------------------------- Philox on devices
_PHILOX_M0, _PHILOX_M1 = 0xD2511F53, 0xCD9E8D57
_PHILOX_W0, _PHILOX_W1 = 0x9E3779B9, 0xBB67AE85
_M32 = 0xFFFFFFFF
_MANTISSA = {dtypes.float32: 24, dtypes.float16: 11}  # random bits of a uniform sample (exact in the dtype)
if dtypes.HAS_BFLOAT16:
    _MANTISSA[dtypes.bfloat16] = 8
_TWO_PI_32 = np.float32(2.0 * math.pi)


def philox4x32(xp, key, counters):
    """Philox4x32-10 of uint64 `counters` (as the low two counter words) under a 64-bit key: four uint32 arrays."""
    c0 = (counters & _M32).astype(np.uint32)
    c1 = (counters >> 32).astype(np.uint32)
    c2 = xp.zeros_like(c0)
    c3 = xp.zeros_like(c0)
    k0, k1 = key & _M32, (key >> 32) & _M32
    for r in range(10):
        if r:
            k0, k1 = (k0 + _PHILOX_W0) & _M32, (k1 + _PHILOX_W1) & _M32
        p0 = c0.astype(np.uint64) * _PHILOX_M0
        p1 = c2.astype(np.uint64) * _PHILOX_M1
        c0, c1, c2, c3 = ((p1 >> 32).astype(np.uint32) ^ c1 ^ k0, p1.astype(np.uint32),
                          (p0 >> 32).astype(np.uint32) ^ c3 ^ k1, p0.astype(np.uint32))
    return c0, c1, c2, c3


# The same generator in CUDA C, for kernels that draw inline (uniform/normal/integer fills, dropout masks).
PHILOX_CUDA = r"""
struct tg_u4 { unsigned int x, y, z, w; };

__device__ __forceinline__ tg_u4 tg_philox(unsigned long long key, unsigned long long ctr) {
    unsigned int c0 = (unsigned int)ctr, c1 = (unsigned int)(ctr >> 32), c2 = 0u, c3 = 0u;
    unsigned int k0 = (unsigned int)key, k1 = (unsigned int)(key >> 32);
    #pragma unroll
    for (int r = 0; r < 10; ++r) {
        if (r) { k0 += 0x9E3779B9u; k1 += 0xBB67AE85u; }
        unsigned long long p0 = (unsigned long long)c0 * 0xD2511F53ull;
        unsigned long long p1 = (unsigned long long)c2 * 0xCD9E8D57ull;
        unsigned int n0 = (unsigned int)(p1 >> 32) ^ c1 ^ k0;
        unsigned int n2 = (unsigned int)(p0 >> 32) ^ c3 ^ k1;
        c1 = (unsigned int)p1;
        c3 = (unsigned int)p0;
        c0 = n0;
        c2 = n2;
    }
    tg_u4 out = {c0, c1, c2, c3};
    return out;
}

// uniform in [0, 1): `bits` random bits (24 for float32) or 53 bits from two words (double)
__device__ __forceinline__ float tg_unit_f(unsigned int w, int bits) {
    return (float)(w >> (32 - bits)) * __int_as_float((127 - bits) << 23);
}
__device__ __forceinline__ double tg_unit_d(unsigned int a, unsigned int b) {
    return ((double)(a >> 5) * 67108864.0 + (double)(b >> 6)) * (1.0 / 9007199254740992.0);
}
"""


def _words(xp, key, offset, n):
    """The four Philox words of counters offset .. offset + n - 1 (flat uint32 arrays)."""
    counters = xp.arange(n, dtype=np.uint64)
    if offset:
        counters += np.uint64(offset)
    return philox4x32(xp, key, counters)


def _unit(w0, w1, dtype):
    """Uniform samples in [0, 1) from Philox words: 53 bits for float64, else the dtype's mantissa in float32."""
    if dtype == dtypes.float64:
        return ((w0 >> 5).astype(np.float64) * 67108864.0 + (w1 >> 6).astype(np.float64)) * (1.0 / 2.0**53)
    bits = _MANTISSA.get(dtype, 24)
    return (w0 >> (32 - bits)).astype(np.float32) * np.float32(2.0 ** -bits)


def _gauss(xp, w, dtype):
    """Standard normal samples by Box-Muller from Philox words (float64 for float64, else float32)."""
    if dtype == dtypes.float64:
        u1 = (((w[0] >> 5).astype(np.float64) * 67108864.0 + (w[1] >> 6).astype(np.float64)) + 1.0) * (1.0 / 2.0**53)
        u2 = _unit(w[2], w[3], dtypes.float64)
        return xp.sqrt(-2.0 * xp.log(u1)) * xp.cos(u2 * (2.0 * math.pi))
    u1 = ((w[0] >> 8) + 1).astype(np.float32) * np.float32(2.0**-24)  # (0, 1]: log never sees 0
    u2 = (w[1] >> 8).astype(np.float32) * np.float32(2.0**-24)
    return xp.sqrt(xp.log(u1) * np.float32(-2.0)) * xp.cos(u2 * _TWO_PI_32)


def _integers(w0, w1, low, high):
    """Integers in [low, high) as int64 from Philox words (32-bit words modulo the range, 64-bit beyond 2**32)."""
    span = high - low
    if span <= 2**32:
        v = w0.astype(np.uint64) % np.uint64(span)
    else:
        v = ((w1.astype(np.uint64) << np.uint64(32)) | w0.astype(np.uint64)) % np.uint64(span)
    return v.astype(np.int64) + np.int64(low)


def _stream(generator, device, n):
    """(xp, key, first counter) for n numbers of `generator`'s stream on CUDA device `device`."""
    dev = backend.device(device)
    xp = backend.module_for(dev)
    if dev.index is not None:
        idx = dev.index
    else:
        idx = xp.cuda.runtime.getDevice() if xp is backend.cupy else 0
    key, offset = _default(generator)._claim(idx, n)
    return xp, key, offset


def device_uniform(shape, dtype, device, generator=None):
    """Uniform samples in [0, 1) of `dtype`, drawn on CUDA device `device` from the generator's device stream."""
    n = math.prod(shape)
    xp, key, offset = _stream(generator, device, n)
    wide = dtype == dtypes.float64
    k = kernels.get("philox_uniform", xp, dtypes.float64 if wide else dtypes.float32)
    if k is not None:
        out = xp.empty(shape, dtype=dtypes.float64 if wide else dtypes.float32)
        if wide:
            k(np.uint64(key), np.uint64(offset), np.int32(53), out)
        else:
            k(np.uint64(key), np.uint64(offset), np.int32(_MANTISSA.get(dtype, 24)), out)
    else:
        w = _words(xp, key, offset, n)
        out = _unit(w[0], w[1], dtype).reshape(shape)
    return out.astype(dtype, copy=False)


def device_normal(shape, dtype, device, generator=None):
    """Standard normal samples of `dtype`, drawn on CUDA device `device` from the generator's device stream."""
    n = math.prod(shape)
    xp, key, offset = _stream(generator, device, n)
    wide = dtype == dtypes.float64
    k = kernels.get("philox_normal", xp, dtypes.float64 if wide else dtypes.float32)
    if k is not None:
        out = xp.empty(shape, dtype=dtypes.float64 if wide else dtypes.float32)
        k(np.uint64(key), np.uint64(offset), out)
    else:
        out = _gauss(xp, _words(xp, key, offset, n), dtype).reshape(shape)
    return out.astype(dtype, copy=False)


def device_integers(low, high, shape, device, generator=None):
    """int64 samples in [low, high), drawn on CUDA device `device` from the generator's device stream."""
    n = math.prod(shape)
    xp, key, offset = _stream(generator, device, n)
    k = kernels.get("philox_integers", xp, dtypes.float32)
    if k is not None:
        out = xp.empty(shape, dtype=np.int64)
        k(np.uint64(key), np.uint64(offset), np.uint64(high - low), np.int64(low), out)
        return out
    w = _words(xp, key, offset, n)
    return _integers(w[0], w[1], low, high).reshape(shape)


def device_permutation(n, device, generator=None):
    """A random permutation of 0..n-1 (int64) on CUDA device `device`: argsort of 64-bit Philox keys."""
    keys = device_integers(0, 2**63, (n,), device, generator)
    return backend.array_module(keys).argsort(keys).astype(np.int64, copy=False)


_LOG_FACTORIALS = [math.lgamma(k + 1.0) for k in range(10)]


def _log_factorial(xp, k):
    """log(k!) of non-negative integer-valued float64 `k`: a table below 10, Stirling's series (error < 1e-10) above."""
    x = xp.maximum(k, 9.0) + 1.0
    inv = 1.0 / x
    inv2 = inv * inv
    series = (x - 0.5) * xp.log(x) - x + 0.5 * math.log(2.0 * math.pi)
    series += inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 / 1260))
    table = xp.asarray(np.array(_LOG_FACTORIALS))[xp.minimum(k, 9.0).astype(np.int64)]
    return xp.where(k < 10, table, series)


def device_poisson(lam, device, generator=None):
    """Poisson samples (float64) for the float64 rates `lam` on CUDA device `device`, from the device stream.

    Rates below 10 invert the cumulative distribution with one uniform each; larger rates use Hörmann's transformed
    rejection with squeeze (PTRS, "The transformed rejection method for generating Poisson random variables", 1993),
    two uniforms per try, redrawn for the rejected elements only.
    """
    xp = backend.array_module(lam)
    rates = lam.ravel()
    out = xp.zeros(rates.shape, dtype=np.float64)
    small = xp.nonzero(rates < 10)[0]
    if small.size:
        r = rates[small]
        u = device_uniform(r.shape, dtypes.float64, device, generator)
        p = xp.exp(-r)
        cdf, k = p.copy(), xp.zeros_like(r)
        active = u > cdf
        for i in range(1, 200):  # P(k > 200) is below 1e-200 for rates under 10
            if not bool(active.any()):
                break
            k += active
            p = p * r / i
            cdf += p
            active &= u > cdf
        out[small] = k
    big = xp.nonzero(rates >= 10)[0]
    while big.size:
        r = rates[big]
        b = 0.931 + 2.53 * xp.sqrt(r)
        a = -0.059 + 0.02483 * b
        inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
        v_r = 0.9277 - 3.6224 / (b - 2.0)
        uv = device_uniform((2, big.size), dtypes.float64, device, generator)
        u, v = uv[0] - 0.5, uv[1]
        us = xp.maximum(0.5 - xp.abs(u), 1e-300)  # u = -0.5 (a uniform of 0) would divide by 0
        k = xp.floor((2.0 * a / us + b) * u + r + 0.43)
        ok = (us >= 0.07) & (v <= v_r)
        maybe = ~ok & (k >= 0) & ~((us < 0.013) & (v > us))
        kk = xp.maximum(k, 0.0)
        ok |= maybe & (xp.log(v * inv_alpha / (a / (us * us) + b)) <= -r + kk * xp.log(r) - _log_factorial(xp, kk))
        out[big[ok]] = k[ok]
        big = big[~ok]
    return out.reshape(lam.shape)


@kernels.register("philox_uniform")
def _philox_uniform_kernel(cp, dtype):
    if dtype == np.float64:
        body = "tg_u4 w = tg_philox(key, offset + (unsigned long long)i); y = tg_unit_d(w.x, w.y);"
    else:
        body = "tg_u4 w = tg_philox(key, offset + (unsigned long long)i); y = tg_unit_f(w.x, bits);"
    return cp.ElementwiseKernel("uint64 key, uint64 offset, int32 bits", f"{dtype.name} y", body,
                                f"tg_philox_uniform_{dtype.name}", preamble=PHILOX_CUDA)


@kernels.register("philox_normal")
def _philox_normal_kernel(cp, dtype):
    if dtype == np.float64:
        body = ("tg_u4 w = tg_philox(key, offset + (unsigned long long)i);"
                "double u1 = ((double)(w.x >> 5) * 67108864.0 + (double)(w.y >> 6) + 1.0) * (1.0 / 9007199254740992.0);"
                "double u2 = tg_unit_d(w.z, w.w);"
                "y = sqrt(-2.0 * log(u1)) * cos(u2 * 6.283185307179586);")
    else:
        body = ("tg_u4 w = tg_philox(key, offset + (unsigned long long)i);"
                "float u1 = (float)((w.x >> 8) + 1u) * (1.0f / 16777216.0f);"
                "float u2 = (float)(w.y >> 8) * (1.0f / 16777216.0f);"
                "y = sqrtf(logf(u1) * -2.0f) * cosf(u2 * 6.28318548202514648f);")
    return cp.ElementwiseKernel("uint64 key, uint64 offset", f"{dtype.name} y", body,
                                f"tg_philox_normal_{dtype.name}", preamble=PHILOX_CUDA)


@kernels.register("philox_integers")
def _philox_integers_kernel(cp, dtype):  # one kernel (int64 output) whatever the dtype asked with
    body = ("tg_u4 w = tg_philox(key, offset + (unsigned long long)i);"
            "unsigned long long v = span <= 4294967296ull ? (unsigned long long)w.x % span"
            " : (((unsigned long long)w.y << 32) | (unsigned long long)w.x) % span;"
            "y = (long long)(v + (unsigned long long)low);")
    return cp.ElementwiseKernel("uint64 key, uint64 offset, uint64 span, int64 low", "int64 y", body,
                                "tg_philox_integers", preamble=PHILOX_CUDA)


def _draw(values, dtype, device, requires_grad):
    arr = values.astype(dtype, copy=False)
    return _finish(backend.to_device(arr, device or "cpu"), requires_grad)


def _on_cuda(device):
    """True when `device` names a CUDA device (draws then come from the device stream, made on the device)."""
    return device is not None and backend.device(device).type == "cuda"


def _float_dtype(dtype, op):
    dtype = dtypes.as_dtype(dtype) or dtypes.get_default_dtype()
    if dtype not in dtypes.FLOATS:
        raise TypeError(f"{op}: dtype must be a floating dtype, got {dtype}")
    return dtype


def _complex_draw(draw, size, dtype, device, requires_grad, scale):
    """A complex tensor whose real and imaginary parts are draw()s of the real dtype (pairs from one draw)."""
    pairs = draw(*(_shape(size) + (2,)), dtype=dtypes.to_real(dtype), device=device).array * scale
    return _finish(pairs[..., 0] + 1j * pairs[..., 1], requires_grad)


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Uniform samples on [0, 1) (for a complex dtype, both parts)."""
    if dtypes.as_dtype(dtype) in dtypes.COMPLEXES:
        return _complex_draw(functools.partial(rand, generator=generator), size, dtypes.as_dtype(dtype), device,
                             requires_grad, 1.0)
    dtype = _float_dtype(dtype, "rand")
    if _on_cuda(device):
        return _finish(device_uniform(_shape(size), dtype, device, generator), requires_grad)
    rng = _default(generator).rng
    return _draw(rng.random(_shape(size)), dtype, device, requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Standard normal samples (for a complex dtype, variance 1/2 in each part, so E|z|^2 = 1, as PyTorch)."""
    if dtypes.as_dtype(dtype) in dtypes.COMPLEXES:
        return _complex_draw(functools.partial(randn, generator=generator), size, dtypes.as_dtype(dtype), device,
                             requires_grad, 0.5 ** 0.5)
    dtype = _float_dtype(dtype, "randn")
    if _on_cuda(device):
        return _finish(device_normal(_shape(size), dtype, device, generator), requires_grad)
    rng = _default(generator).rng
    return _draw(rng.standard_normal(_shape(size)), dtype, device, requires_grad)


def randint(low=0, high=None, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Integers drawn uniformly from [low, high); randint(high, size) and randint(high=, size=) start at 0."""
    if size is None and isinstance(high, (tuple, list)):  # randint(high, size)
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    if size is None:
        raise TypeError("randint: missing the size argument, e.g. randint(0, 10, (3,))")
    if low >= high:
        raise RuntimeError(f"randint: low ({low}) must be less than high ({high})")
    dtype = dtypes.as_dtype(dtype) or dtypes.int64
    if _on_cuda(device):
        vals = device_integers(int(low), int(high), _shape(tuple(size)), device, generator)
        return _finish(vals.astype(dtype, copy=False), requires_grad)
    rng = _default(generator).rng
    return _draw(rng.integers(low, high, size=_shape(tuple(size))), dtype, device, requires_grad)


def randperm(n, generator=None, dtype=None, device=None, requires_grad=False):
    """A random permutation of 0..n-1."""
    if n < 0:
        raise RuntimeError(f"randperm: n must be non-negative, got {n}")
    dtype = dtypes.as_dtype(dtype) or dtypes.int64
    if _on_cuda(device):
        return _finish(device_permutation(int(n), device, generator).astype(dtype, copy=False), requires_grad)
    rng = _default(generator).rng
    return _draw(rng.permutation(n), dtype, device, requires_grad)


def normal(mean=0.0, std=1.0, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Normal samples; mean and std may be numbers or tensors (broadcast together)."""
    m = mean.array if isinstance(mean, Tensor) else mean
    s = std.array if isinstance(std, Tensor) else std
    if size is None:
        try:
            size = np.broadcast_shapes(np.shape(m), np.shape(s))
        except ValueError:
            raise RuntimeError(f"normal: mean of shape {np.shape(m)} and std of shape {np.shape(s)} cannot be "
                               "broadcast together") from None
        for t in (mean, std):
            if isinstance(t, Tensor):
                device = device or t.device
                dtype = dtype or t.dtype
    if _on_cuda(device):
        return _device_normal_of(m, s, _shape(tuple(size)), _float_dtype(dtype, "normal"), device, generator,
                                 requires_grad)
    rng = _default(generator).rng
    if np.any(np.asarray(backend.to_device(np.asarray(s) if not hasattr(s, "shape") else s, "cpu")) < 0):
        raise RuntimeError("normal: std must be non-negative")
    z = rng.standard_normal(_shape(tuple(size)))
    m = backend.to_device(m, "cpu") if hasattr(m, "shape") else m
    s = backend.to_device(s, "cpu") if hasattr(s, "shape") else s
    return _draw(z * s + m, _float_dtype(dtype, "normal"), device, requires_grad)


def _device_normal_of(m, s, size, dtype, device, generator, requires_grad):
    """normal() on a CUDA device: z * std + mean with z from the device stream; tensor mean/std stay there."""
    if hasattr(s, "shape"):
        if backend.device_of(s).type != "cuda":
            raise RuntimeError(f"normal: std is on {backend.device_of(s)} but the samples go to '{device}'; move "
                               "std with .to(device)")
        backend.check_later(s < 0, RuntimeError, "normal: std must be non-negative")
        s = s.astype(dtype, copy=False)
    elif s < 0:
        raise RuntimeError("normal: std must be non-negative")
    if hasattr(m, "shape"):
        if backend.device_of(m).type != "cuda":
            raise RuntimeError(f"normal: mean is on {backend.device_of(m)} but the samples go to '{device}'; "
                               "move mean with .to(device)")
        m = m.astype(dtype, copy=False)
    z = device_normal(size, dtype, device, generator)
    return _finish((z * s + m).astype(dtype, copy=False), requires_grad)


def rand_like(input, generator=None, dtype=None, device=None, requires_grad=False):
    """Uniform samples shaped like `input`."""
    return rand(*input.shape, generator=generator, dtype=dtype or input.dtype, device=device or input.device,
                requires_grad=requires_grad)


def randn_like(input, generator=None, dtype=None, device=None, requires_grad=False):
    """Standard normal samples shaped like `input`."""
    return randn(*input.shape, generator=generator, dtype=dtype or input.dtype, device=device or input.device,
                 requires_grad=requires_grad)


def randint_like(input, low, high=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Random integers shaped like `input`."""
    return randint(low, high, input.shape, generator=generator, dtype=dtype or input.dtype,
                   device=device or input.device, requires_grad=requires_grad)
