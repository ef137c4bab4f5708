"""The FFT primitives behind autograd.fft: complex-to-complex, real-to-complex, complex-to-real, and zero-pad/trim."""
from .. import dtypes, gradmath
from .._tensor import Tensor
from ..function import Op

# Each is linear, so each backward is the adjoint transform: the inverse transform under the dual norm, with the half
# spectrum of rfft zero-padded to the full one (the real part kept for the real input) and the interior bins of
# irfft's input doubled (each stands for itself and its conjugate), which is PyTorch's gradient.

DUAL = {"backward": "forward", "forward": "backward", "ortho": "ortho"}  # the norm of the adjoint transform


def _resize_array(x, axes, sizes):
    """x trimmed or zero-padded at the end of each axis in `axes` to the matching size in `sizes`."""
    index = [slice(None)] * x.ndim
    pad = [(0, 0)] * x.ndim
    for a, n in zip(axes, sizes):
        if x.shape[a] > n:
            index[a] = slice(0, n)
        elif x.shape[a] < n:
            pad[a] = (0, n - x.shape[a])
    y = x[tuple(index)]
    if any(p != (0, 0) for p in pad):
        y = gradmath.xp(x).pad(y, pad)
    return y


class Resize(Op):
    """Trim or zero-pad the ends of some axes (what an FFT's n / s do to its input); the adjoint resizes back."""

    complex_ok = True

    def forward(ctx, x, axes, sizes):
        ctx.axes, ctx.sizes = axes, tuple(x.shape[a] for a in axes)
        return _resize_array(x, axes, sizes)

    def backward(ctx, gy):
        return resize(gy, ctx.axes, ctx.sizes)


def resize(x, axes, sizes):
    """x (array or Tensor) trimmed or zero-padded along axes to sizes; x itself when nothing changes."""
    if all(x.shape[a] == n for a, n in zip(axes, sizes)):
        return x
    if isinstance(x, Tensor):
        return Resize.apply(x, tuple(axes), tuple(sizes))
    return _resize_array(x, axes, sizes)


class C2C(Op):
    """fftn (or ifftn with inverse=True) over axes, the input already resized to the transform sizes."""

    complex_ok = True

    def forward(ctx, x, axes, norm, inverse):
        ctx.params = (axes, norm, inverse)
        f = gradmath.xp(x).fft
        return (f.ifftn if inverse else f.fftn)(x, axes=axes, norm=norm)

    def backward(ctx, gy):
        axes, norm, inverse = ctx.params
        return c2c(gy, axes, DUAL[norm], not inverse)


def c2c(x, axes, norm, inverse):
    """The complex transform of an array or Tensor (recorded for Tensors)."""
    if isinstance(x, Tensor):
        return C2C.apply(x, axes, norm, inverse)
    f = gradmath.xp(x).fft
    return (f.ifftn if inverse else f.fftn)(x, axes=axes, norm=norm)


class R2C(Op):
    """rfftn over axes of a real input already resized to the transform sizes: the last axis keeps n // 2 + 1 bins."""

    complex_ok = True

    def forward(ctx, x, axes, norm):
        ctx.params = (axes, norm, x.shape[axes[-1]])
        return gradmath.xp(x).fft.rfftn(x, axes=axes, norm=norm)

    def backward(ctx, gy):
        axes, norm, n = ctx.params
        full = resize(gy, (axes[-1],), (n,))  # the dropped bins have no gradient: zeros
        return c2c(full, axes, DUAL[norm], True).real


def r2c(x, axes, norm):
    """rfftn of a real array or Tensor (recorded for Tensors)."""
    if isinstance(x, Tensor):
        return R2C.apply(x, axes, norm)
    return gradmath.xp(x).fft.rfftn(x, axes=axes, norm=norm)


class C2R(Op):
    """irfftn over axes to the real sizes `s`; the input's last axis already has s[-1] // 2 + 1 bins."""

    complex_ok = True

    def forward(ctx, x, s, axes, norm):
        ctx.params = (s, axes, norm)
        return gradmath.xp(x).fft.irfftn(x, s=s, axes=axes, norm=norm)

    def backward(ctx, gy):
        s, axes, norm = ctx.params
        g = r2c(gy, axes, DUAL[norm])
        n, last = s[-1], axes[-1]
        xp = gradmath.xp(g)
        w = xp.full(n // 2 + 1, 2.0, dtype=dtypes.to_real(g.dtype))
        w[0] = 1.0
        if n % 2 == 0:
            w[-1] = 1.0  # the Nyquist bin stands for itself only
        shape = [1] * g.ndim
        shape[last] = n // 2 + 1
        return g * w.reshape(shape)


def c2r(x, s, axes, norm):
    """irfftn of an array or Tensor (recorded for Tensors)."""
    if isinstance(x, Tensor):
        return C2R.apply(x, s, axes, norm)
    return gradmath.xp(x).fft.irfftn(x, s=s, axes=axes, norm=norm)


__all__ = []  # the public functions are in autograd.fft
METHODS = {}
