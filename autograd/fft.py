"""autograd.fft: torch.fft's transforms (with gradients, as PyTorch's), frequencies and shifts, on numpy/cupy FFTs."""
import builtins

from . import backend, dtypes
from ._tensor import Tensor
from .ops import fft as _prims
from .ops.complex_math import conj
from .ops.shape import roll

_NORMS = ("backward", "forward", "ortho")


def _norm(norm, op):
    if norm is None:
        return "backward"
    if norm not in _NORMS:
        raise ValueError(f"{op}: invalid normalization mode {norm!r}; use 'backward' (the default), 'forward' or "
                         "'ortho'")
    return norm


def _check(input, out, op):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a tensor, got {type(input).__name__}")
    if out is not None:
        raise TypeError(f"{op}: out= is not supported; assign the result instead")


def _dims(input, s, dim, op, default_all):
    """The normalized dims and transform sizes (None where a size is the input's own) of an n-dim transform."""
    nd = input.array.ndim
    if isinstance(dim, builtins.int):
        dim = (dim,)
    if s is not None:
        s = (s,) if isinstance(s, builtins.int) else tuple(s)
    if dim is None:
        if s is None:
            dim = tuple(range(nd)) if default_all else (-2, -1)
        else:
            if len(s) > nd:
                raise RuntimeError(f"{op}: got shape s={s} with {len(s)} values for a {nd}-D input of shape "
                                   f"{tuple(input.shape)}; give at most one size per dim")
            dim = tuple(range(nd - len(s), nd))
    dim = tuple(dim)
    if s is not None and len(s) != len(dim):
        raise RuntimeError(f"{op}: when given, dim and shape arguments must have the same length, got s={s} and "
                           f"dim={dim}")
    axes = []
    for d in dim:
        if not -builtins.max(nd, 1) <= d < builtins.max(nd, 1) or nd == 0:
            raise IndexError(f"{op}: dim {d} is out of range for a {nd}-D input of shape {tuple(input.shape)}")
        axes.append(d % nd)
    if len(set(axes)) != len(axes):
        raise RuntimeError(f"{op}: dims must be unique, got dim={dim}")
    if not axes:
        raise RuntimeError(f"{op}: needs at least one dim to transform, got dim={dim}")
    sizes = list(s) if s is not None else [None] * len(axes)
    for n in sizes:
        if n is not None and n != -1 and n < 1:
            raise RuntimeError(f"{op}: invalid number of data points ({n}) specified; give sizes >= 1 (or -1 for "
                               "the input's own size)")
    return tuple(axes), [None if n == -1 else n for n in sizes]


def _real_input(input, op):
    """A real input as float32/float64 (ints and bools become the default float dtype)."""
    d = input.array.dtype
    if d in dtypes.COMPLEXES:
        raise RuntimeError(f"{op}: expects a real input tensor, but got dtype {d}; take .real first, or use the "
                           "complex transform (fft)")
    if d == dtypes.float16 or (dtypes.HAS_BFLOAT16 and d == dtypes.bfloat16):
        raise TypeError(f"{op}: {d} input would give complex32, which tapegrad does not support; convert it with "
                        ".float() first")
    return input if d in (dtypes.float32, dtypes.float64) else input.to(dtypes.get_default_dtype())


def _complex_input(input, op):
    """An input to a complex transform: complex stays, real becomes complex of its precision."""
    d = input.array.dtype
    if d in dtypes.COMPLEXES:
        return input
    return _real_input(input, op).to(dtypes.to_complex(_real_input(input, op).dtype))


def _c2c(input, s, dim, norm, op, inverse, default_all):
    x = _complex_input(input, op)
    axes, sizes = _dims(x, s, dim, op, default_all)
    sizes = [x.shape[a] if n is None else n for a, n in zip(axes, sizes)]
    return _prims.C2C.apply(_prims.resize(x, axes, sizes), axes, _norm(norm, op), inverse)


def _r2c(input, s, dim, norm, op, default_all):
    x = _real_input(input, op)
    axes, sizes = _dims(x, s, dim, op, default_all)
    sizes = [x.shape[a] if n is None else n for a, n in zip(axes, sizes)]
    return _prims.R2C.apply(_prims.resize(x, axes, sizes), axes, _norm(norm, op))


def _c2r(input, s, dim, norm, op, default_all):
    x = _complex_input(input, op)
    axes, sizes = _dims(x, s, dim, op, default_all)
    last = sizes[-1] if sizes[-1] is not None else 2 * (x.shape[axes[-1]] - 1)  # the real output's length
    sizes = [x.shape[a] if n is None else n for a, n in zip(axes[:-1], sizes[:-1])] + [last]
    if sizes[-1] < 1:
        raise RuntimeError(f"{op}: invalid number of data points ({sizes[-1]}) specified: an input of "
                           f"{x.shape[axes[-1]]} bins along dim {axes[-1]} needs an explicit n (or s) >= 1")
    half = sizes[:-1] + [sizes[-1] // 2 + 1]
    return _prims.C2R.apply(_prims.resize(x, axes, half), tuple(sizes), axes, _norm(norm, op))


_DUAL = _prims.DUAL


# ---------------------------------------------------------------------------- one dim
def fft(input, n=None, dim=-1, norm=None, *, out=None):
    """The 1-D discrete Fourier transform along dim (input zero-padded or trimmed to n)."""
    _check(input, out, "fft")
    return _c2c(input, n, dim, norm, "fft", False, False)


def ifft(input, n=None, dim=-1, norm=None, *, out=None):
    """The 1-D inverse discrete Fourier transform along dim."""
    _check(input, out, "ifft")
    return _c2c(input, n, dim, norm, "ifft", True, False)


def rfft(input, n=None, dim=-1, norm=None, *, out=None):
    """The 1-D FFT of a real input: the n // 2 + 1 non-negative frequencies."""
    _check(input, out, "rfft")
    return _r2c(input, n, dim, norm, "rfft", False)


def irfft(input, n=None, dim=-1, norm=None, *, out=None):
    """The inverse of rfft: a real signal of length n (2 * (bins - 1) by default) from a half spectrum."""
    _check(input, out, "irfft")
    return _c2r(input, n, dim, norm, "irfft", False)


def hfft(input, n=None, dim=-1, norm=None, *, out=None):
    """The 1-D FFT of a Hermitian-symmetric signal given by its first half: a real spectrum of length n."""
    _check(input, out, "hfft")
    return _c2r(conj(_complex_input(input, "hfft")), n, dim, _DUAL[_norm(norm, "hfft")], "hfft", False)


def ihfft(input, n=None, dim=-1, norm=None, *, out=None):
    """The inverse of hfft: the first n // 2 + 1 bins of the inverse FFT of a real input."""
    _check(input, out, "ihfft")
    return conj(_r2c(input, n, dim, _DUAL[_norm(norm, "ihfft")], "ihfft", False))


# ---------------------------------------------------------------------------- two and n dims
def fft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """The 2-D discrete Fourier transform over dim."""
    _check(input, out, "fft2")
    return _c2c(input, s, dim, norm, "fft2", False, False)


def ifft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """The 2-D inverse discrete Fourier transform over dim."""
    _check(input, out, "ifft2")
    return _c2c(input, s, dim, norm, "ifft2", True, False)


def fftn(input, s=None, dim=None, norm=None, *, out=None):
    """The n-D discrete Fourier transform over dim (all dims, or the last len(s), by default)."""
    _check(input, out, "fftn")
    return _c2c(input, s, dim, norm, "fftn", False, True)


def ifftn(input, s=None, dim=None, norm=None, *, out=None):
    """The n-D inverse discrete Fourier transform over dim."""
    _check(input, out, "ifftn")
    return _c2c(input, s, dim, norm, "ifftn", True, True)


def rfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """The 2-D FFT of a real input (the last dim keeps its non-negative frequencies)."""
    _check(input, out, "rfft2")
    return _r2c(input, s, dim, norm, "rfft2", False)


def irfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """The inverse of rfft2."""
    _check(input, out, "irfft2")
    return _c2r(input, s, dim, norm, "irfft2", False)


def rfftn(input, s=None, dim=None, norm=None, *, out=None):
    """The n-D FFT of a real input (the last transformed dim keeps its non-negative frequencies)."""
    _check(input, out, "rfftn")
    return _r2c(input, s, dim, norm, "rfftn", True)


def irfftn(input, s=None, dim=None, norm=None, *, out=None):
    """The inverse of rfftn."""
    _check(input, out, "irfftn")
    return _c2r(input, s, dim, norm, "irfftn", True)


def hfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """The 2-D FFT of a Hermitian-symmetric input given by its half (a real result)."""
    _check(input, out, "hfft2")
    return _c2r(conj(_complex_input(input, "hfft2")), s, dim, _DUAL[_norm(norm, "hfft2")], "hfft2", False)


def hfftn(input, s=None, dim=None, norm=None, *, out=None):
    """The n-D FFT of a Hermitian-symmetric input given by its half (a real result)."""
    _check(input, out, "hfftn")
    return _c2r(conj(_complex_input(input, "hfftn")), s, dim, _DUAL[_norm(norm, "hfftn")], "hfftn", True)


def ihfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """The inverse of hfft2: the half spectrum of the 2-D inverse FFT of a real input."""
    _check(input, out, "ihfft2")
    return conj(_r2c(input, s, dim, _DUAL[_norm(norm, "ihfft2")], "ihfft2", False))


def ihfftn(input, s=None, dim=None, norm=None, *, out=None):
    """The inverse of hfftn: the half spectrum of the n-D inverse FFT of a real input."""
    _check(input, out, "ihfftn")
    return conj(_r2c(input, s, dim, _DUAL[_norm(norm, "ihfftn")], "ihfftn", True))


# ---------------------------------------------------------------------------- frequencies and shifts
def _freqs(n, d, out, dtype, device, requires_grad, op):
    if out is not None:
        raise TypeError(f"{op}: out= is not supported; assign the result instead")
    n = dtypes.as_int(n, op, "n")
    if n < 0:
        raise RuntimeError(f"{op}: n must be non-negative, got {n}")
    dtype = dtypes.as_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    if dtype not in dtypes.FLOATS and dtype not in dtypes.COMPLEXES:
        raise RuntimeError(f"{op}: dtype must be a floating point or complex dtype, got {dtype}")
    xp = backend.module_for(device or "cpu")
    if n:
        arr = getattr(xp.fft, op)(n, d).astype(dtype)
    else:  # as PyTorch: no frequencies for fftfreq, and rfftfreq's one 0 / 0
        arr = xp.full(0 if op == "fftfreq" else 1, float("nan"), dtype)
    t = Tensor._make(arr, None, 0)
    return t.requires_grad_(True) if requires_grad else t


def fftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """The sample frequencies of an n-point FFT with sample spacing d: [0, 1, ..., -1] / (d * n)."""
    return _freqs(n, d, out, dtype, device, requires_grad, "fftfreq")


def rfftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """The non-negative sample frequencies of an n-point rfft: [0, 1, ..., n // 2] / (d * n)."""
    return _freqs(n, d, out, dtype, device, requires_grad, "rfftfreq")


def _shift_dims(input, dim, op):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a tensor, got {type(input).__name__}")
    nd = input.array.ndim
    dims = tuple(range(nd)) if dim is None else ((dim,) if isinstance(dim, builtins.int) else tuple(dim))
    for d in dims:
        if not -nd <= d < nd:
            raise IndexError(f"{op}: dim {d} is out of range for a {nd}-D input of shape {tuple(input.shape)}")
    return tuple(d % nd for d in dims)


def fftshift(input, dim=None):
    """Move the zero frequency to the center: roll each dim by size // 2."""
    dims = _shift_dims(input, dim, "fftshift")
    return roll(input, tuple(input.shape[d] // 2 for d in dims), dims) if dims else input


def ifftshift(input, dim=None):
    """The inverse of fftshift: roll each dim by -(size // 2)."""
    dims = _shift_dims(input, dim, "ifftshift")
    return roll(input, tuple(-(input.shape[d] // 2) for d in dims), dims) if dims else input


__all__ = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fft2", "ifft2", "fftn", "ifftn", "rfft2", "irfft2",
           "rfftn", "irfftn", "hfft2", "hfftn", "ihfft2", "ihfftn", "fftfreq", "rfftfreq", "fftshift", "ifftshift"]
