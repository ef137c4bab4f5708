"""Complex numbers: real/imag views, conj, angle, sgn, polar, complex, view_as_real/view_as_complex, adjoint, H/mH."""
import math

from .. import dtypes, gradmath
from .._tensor import Tensor
from ..function import Op
from . import unary
from .inplace import _via
from .shape import Transpose, _view


def _tensor(x, op):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected a tensor, got {type(x).__name__}")


def _to_complex(g, dtype):
    """A real gradient as a complex one of `dtype` (arrays and Tensors alike)."""
    return gradmath.cast(g, dtype)


# ---------------------------------------------------------------------------- real / imag
class Real(Op):
    """The real part of a complex tensor (a view); its gradient is the incoming one, as complex."""

    complex_ok = True

    def forward(ctx, x):
        ctx.dtype = x.dtype
        return x.real

    def backward(ctx, gy):
        return _to_complex(gy, ctx.dtype)


class Imag(Op):
    """The imaginary part of a complex tensor (a view); its gradient is 1j times the incoming one."""

    complex_ok = True

    def forward(ctx, x):
        ctx.dtype = x.dtype
        return x.imag

    def backward(ctx, gy):
        return _to_complex(gy, ctx.dtype) * 1j


def real(input):
    """The real part: a view of a complex tensor, input itself for a real one."""
    _tensor(input, "real")
    if input.array.dtype not in dtypes.COMPLEXES:
        return input
    return _view(Real.apply(input), input)


def imag(input):
    """The imaginary part of a complex tensor, as a view (real tensors have none: RuntimeError, as in PyTorch)."""
    _tensor(input, "imag")
    if input.array.dtype not in dtypes.COMPLEXES:
        raise RuntimeError(f"imag: imag is not implemented for tensors with non-complex dtypes (got {input.dtype}); "
                           "make the tensor complex first, e.g. with .cfloat()")
    return _view(Imag.apply(input), input)


# ---------------------------------------------------------------------------- conj
class Conj(Op):
    """The complex conjugate; its gradient is the conjugate of the incoming one."""

    complex_ok = True

    def forward(ctx, x):
        return x.conj()

    def backward(ctx, gy):
        return gradmath.conj(gy)


def conj(input):
    """The complex conjugate (input itself for a real tensor). A new tensor, not a lazily conjugated view."""
    _tensor(input, "conj")
    if input.array.dtype not in dtypes.COMPLEXES:
        return input
    return Conj.apply(input)


def conj_physical(input):
    """The complex conjugate, computed now (input itself for a real tensor)."""
    return conj(input)


def resolve_conj(input):
    """input itself: tapegrad's conj is never lazy, so there is no conjugate bit to resolve."""
    _tensor(input, "resolve_conj")
    return input


def resolve_neg(input):
    """input itself: tapegrad has no lazy negation bit to resolve."""
    _tensor(input, "resolve_neg")
    return input


def is_conj(input):
    """False: tapegrad's conj is never lazy."""
    _tensor(input, "is_conj")
    return False


def is_neg(input):
    """False: tapegrad has no lazy negation bit."""
    _tensor(input, "is_neg")
    return False


conj_physical_ = _via("conj_physical", conj_physical)


# ---------------------------------------------------------------------------- angle / sgn / isreal
class Angle(Op):
    """The argument of complex values (atan2(imag, real)); for reals 0 or pi (nan stays nan), with zero gradient."""

    complex_ok = True

    def forward(ctx, x):
        xp = gradmath.xp(x)
        if x.dtype in dtypes.COMPLEXES:
            ctx.save_for_backward(x)
            return xp.angle(x)
        ctx.save_for_backward()
        return xp.where(xp.isnan(x), x, xp.where(x < 0, x.dtype.type(math.pi), x.dtype.type(0)))

    def backward(ctx, gy):
        saved = ctx.saved_tensors
        if not saved:
            return gy * 0
        (z,) = saved
        zero = gradmath.array(z) == 0  # as in PyTorch, the gradient is 0 at z == 0
        a2 = (z * gradmath.conj(z)).real  # |z| ** 2
        return gradmath.mask(_to_complex(gy, z.dtype) * 1j * z / gradmath.where(zero, 1.0, a2), ~zero)


def angle(input):
    """The elementwise argument (angle) of complex values; for reals 0 where x >= 0 and pi where x < 0."""
    _tensor(input, "angle")
    if input.array.dtype not in dtypes.DIFFERENTIABLE:
        input = input.to(dtypes.get_default_dtype())
    return Angle.apply(input)


def sgn(input):
    """x / |x| (0 where x == 0) for complex tensors; the sign for real ones."""
    _tensor(input, "sgn")
    if input.array.dtype not in dtypes.COMPLEXES:
        return unary.sign(input)
    a = unary.abs(input)
    zero = gradmath.xp(a).asarray(a.array == 0)  # an array also for 0-d input (numpy gives a scalar there)
    return gradmath.mask(input / (a + Tensor._make(zero, None, 0)), ~zero)  # 0 where input is 0


def isreal(input):
    """Elementwise: is the value real (its imaginary part 0)? Always True for real tensors."""
    _tensor(input, "isreal")
    arr = input.array
    if arr.dtype in dtypes.COMPLEXES:
        return Tensor._make(arr.imag == 0, None, 0)
    return Tensor._make(gradmath.xp(arr).ones(arr.shape, dtypes.bool_), None, 0)


# ---------------------------------------------------------------------------- complex / polar
class Complex(Op):
    """real + 1j * imag; the gradients are the real and the imaginary part of the incoming one."""

    complex_ok = True
    broadcasts = True

    def forward(ctx, re, im):
        xp = gradmath.xp(re)
        shape = xp.broadcast_shapes(re.shape, im.shape)
        return _unpair(xp.stack((xp.broadcast_to(re, shape), xp.broadcast_to(im, shape)), -1))

    def backward(ctx, gy):
        need = ctx.needs_input_grad
        return (gy.real if need[0] else None), (gy.imag if need[1] else None)


def _float_pair(a, b, op, names):
    for name, v in zip(names, (a, b)):
        _tensor(v, f"{op}: {name}")
    da, db = a.array.dtype, b.array.dtype
    if da not in (dtypes.float32, dtypes.float64) or db not in (dtypes.float32, dtypes.float64):
        raise RuntimeError(f"{op}: expected both inputs to be Float or Double tensors, but got {da} and {db}; "
                           "convert them with .float() or .double() first (complex32 is not supported)")
    if da != db:
        raise RuntimeError(f"{op}: expected {names[0]} and {names[1]} to have the same dtype, but got {da} and "
                           f"{db}; convert one with .to(dtype) first")
    if type(a.array) is not type(b.array):
        raise RuntimeError(f"{op}: expected all tensors on the same device, but found one on {a.device} and one on "
                           f"{b.device}; move one with .to(device) first")


def complex(real, imag):
    """The complex tensor real + 1j * imag (float32 gives complex64, float64 complex128; they broadcast)."""
    _float_pair(real, imag, "complex", ("real", "imag"))
    return Complex.apply(real, imag)


def polar(abs, angle):
    """The complex tensor abs * (cos(angle) + 1j * sin(angle))."""
    _float_pair(abs, angle, "polar", ("abs", "angle"))
    return complex(abs * unary.cos(angle), abs * unary.sin(angle))


# ---------------------------------------------------------------------------- view_as_real / view_as_complex
def _pairs(z):
    """The (..., 2) real array of a complex array: a view where numpy allows one, else a copy."""
    try:
        return z[..., None].view(dtypes.to_real(z.dtype))
    except (ValueError, TypeError):
        xp = gradmath.xp(z)
        return xp.stack((z.real, z.imag), -1)


def _unpair(x):
    """The complex array of a (..., 2) real array (a copy unless x is C-contiguous)."""
    return gradmath.xp(x).ascontiguousarray(x).view(dtypes.to_complex(x.dtype))[..., 0]


class ViewAsReal(Op):
    """A complex tensor as real pairs (..., 2)."""

    complex_ok = True

    def forward(ctx, z):
        return _pairs(z)

    def backward(ctx, gy):
        if isinstance(gy, Tensor):
            return complex(gy.select(-1, 0), gy.select(-1, 1))
        return _unpair(gy)


class ViewAsComplex(Op):
    """Real pairs (..., 2) as a complex tensor."""

    complex_ok = True

    def forward(ctx, x):
        return x.view(dtypes.to_complex(x.dtype))[..., 0]

    def backward(ctx, gy):
        if isinstance(gy, Tensor):
            return view_as_real(gy)
        return _pairs(gy)


def view_as_real(input):
    """A view of a complex tensor as a real one with a last dimension of size 2 (real, imaginary)."""
    _tensor(input, "view_as_real")
    if input.array.dtype not in dtypes.COMPLEXES:
        raise RuntimeError(f"view_as_real: only supported for complex tensors, got dtype {input.dtype}; use "
                           "view_as_complex for the other direction")
    out = ViewAsReal.apply(input)
    return _view(out, input) if out.array.base is not None else out


def view_as_complex(input):
    """A view of a float tensor whose last dimension has size 2 and stride 1 as a complex tensor."""
    _tensor(input, "view_as_complex")
    arr = input.array
    if arr.dtype not in (dtypes.float32, dtypes.float64):
        raise RuntimeError(f"view_as_complex: only supported for float and double tensors, but got a tensor of "
                           f"dtype {input.dtype}; convert it with .float() or .double() first")
    if arr.ndim == 0 or arr.shape[-1] != 2:
        raise RuntimeError(f"view_as_complex: the tensor must have a last dimension of size 2, got shape "
                           f"{tuple(input.shape)}")
    size = arr.itemsize
    if arr.strides[-1] != size:
        raise RuntimeError(f"view_as_complex: the tensor must have a last dimension with stride 1, got strides "
                           f"{tuple(s // size for s in arr.strides)}; call .contiguous() first")
    if any(s % (2 * size) for s, n in zip(arr.strides[:-1], arr.shape[:-1]) if n > 1):
        raise RuntimeError(f"view_as_complex: the tensor must have a stride divisible by 2 for all but the last "
                           f"dimension, got strides {tuple(s // size for s in arr.strides)}; call .contiguous() "
                           "first")
    return _view(ViewAsComplex.apply(input), input)


def view_as_real_copy(input):
    """view_as_real, as a new tensor."""
    return view_as_real(input).clone()


def view_as_complex_copy(input):
    """view_as_complex, as a new tensor."""
    return view_as_complex(input).clone()


# ---------------------------------------------------------------------------- adjoint / H / mH
def adjoint(input):
    """The conjugate transpose of a matrix or a batch of matrices (the last two dims swapped and conjugated)."""
    _tensor(input, "adjoint")
    nd = input.array.ndim
    if nd < 2:
        raise RuntimeError(f"adjoint: only supported on matrices or batches of matrices, got a {nd}-D tensor of "
                           f"shape {tuple(input.shape)}")
    return conj(_view(Transpose.apply(input, nd - 2, nd - 1), input))


def _H(self):
    """The conjugate transpose of a matrix (2-D tensors only)."""
    if self.array.ndim != 2:
        raise RuntimeError(f"H: tensor.H is only supported on matrices (2-D tensors), got a {self.array.ndim}-D "
                           f"tensor of shape {tuple(self.shape)}; use .mH for batches of matrices")
    return adjoint(self)


def _mH(self):
    """The conjugate transpose of a matrix or a batch of matrices."""
    if self.array.ndim < 2:
        raise RuntimeError(f"mH: tensor.mH is only supported on matrices or batches of matrices, got a "
                           f"{self.array.ndim}-D tensor of shape {tuple(self.shape)}")
    return adjoint(self)


def _cfloat(self):
    """self as complex64."""
    return self.to(dtypes.complex64)


def _cdouble(self):
    """self as complex128."""
    return self.to(dtypes.complex128)


def _chalf(self):
    """complex32: not supported (numpy has no complex32 arrays); raises TypeError."""
    raise dtypes.complex32.error()


__all__ = ["real", "imag", "conj", "conj_physical", "conj_physical_", "resolve_conj", "resolve_neg", "is_conj",
           "is_neg", "angle", "isreal", "complex", "polar", "view_as_real", "view_as_complex", "view_as_real_copy",
           "view_as_complex_copy", "adjoint"]
_FUNCTIONS_ONLY = ("complex", "polar", "view_as_real", "view_as_complex", "view_as_real_copy", "view_as_complex_copy")
METHODS = {name: globals()[name] for name in __all__ if name not in _FUNCTIONS_ONLY}
METHODS.update(real=property(real, doc=real.__doc__), imag=property(imag, doc=imag.__doc__),
               H=property(_H, doc=_H.__doc__), mH=property(_mH, doc=_mH.__doc__), cfloat=_cfloat, cdouble=_cdouble,
               chalf=_chalf)
