"""Special functions (torch.special): gamma family, error functions, Bessel, normal distribution, xlogy, zeta."""
import math
import operator

import numpy as np
import scipy.special as _scipy

from .. import backend, dtypes, gradmath
from .._tensor import Tensor
from ..function import Op
from . import inplace
from .arith import _float_operands, operands
from .unary import _float_input

_FLOATS = dtypes.FLOATS
_SQRT_PI = math.sqrt(math.pi)
_SQRT_2PI = math.sqrt(2.0 * math.pi)
_LOG_PI = math.log(math.pi)
INF, NAN = math.inf, math.nan


# ---------------------------------------------------------------------------- scipy.special on every device
def special_fn(name, ref):
    """scipy.special's ufunc `name` for the device of array `ref`: scipy's own for host arrays (the test stand-in
    takes numpy ufuncs through __array_ufunc__ too), cupyx.scipy.special's for cupy arrays."""
    return backend.cupy_special(name, ref) or getattr(_scipy, name)


def evaluate(name, *args):
    """scipy.special's `name` on arrays (and numbers), in the first array's dtype (half precision via float32)."""
    ref = next(a for a in args if hasattr(a, "dtype"))
    dt = ref.dtype
    if dt in dtypes.HALVES:
        args = tuple(a.astype(np.float32) if hasattr(a, "dtype") else a for a in args)
    return special_fn(name, ref)(*args).astype(dt, copy=False)


def _put(cond, value, y):
    """y with `value` where cond holds (PyTorch's values at the edges where scipy's differ)."""
    return gradmath.xp(y).where(cond, value, y).astype(y.dtype, copy=False)


_ARRAY = {}  # name -> the function on arrays
_FN = {}  # name -> the public function (records on the tape)


def call(name, *args):
    """Special function `name` inside backward formulas: on arrays in plain backward, recorded on Tensors under
    create_graph (so one formula serves both, and higher derivatives come from the same code)."""
    if any(isinstance(a, Tensor) for a in args):
        return _FN[name](*args)
    return _ARRAY[name](*args)


def _camel(name):
    return "".join(p.capitalize() for p in name.split("_"))


def elementwise_op(name, fwd, bwd, save="x", doc="", fp_errors=True):
    """An Op class and its public function for a float elementwise op: fwd(x) on arrays, bwd(g, x, y) written once
    with operators, gradmath and `call` (ints and bools become the default float dtype, as in PyTorch)."""

    def forward(ctx, x):
        y = fwd(x)
        if save:
            ctx.to_save = (x,) if save == "x" else (y,) if save == "y" else (x, y)
        return y

    def backward(ctx, gy):
        s = ctx.saved_tensors if save else ()
        x, y = (s[0], None) if save == "x" else (None, s[0]) if save == "y" else s if save else (None, None)
        return bwd(gy, x, y)

    cls = type(_camel(name), (Op,), {"forward": forward, "backward": backward, "__slots__": (),
                                     "fp_errors": fp_errors})

    def fn(input):
        if not isinstance(input, Tensor) or input.array.dtype not in _FLOATS:
            input = _float_input(input, name)
        return cls.apply1(input)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    _ARRAY[name], _FN[name] = fwd, fn
    return cls, fn


def _nondiff_op(name, fwd, doc):
    """A float elementwise op without a gradient (PyTorch's outputs do not require grad): Bessel functions, ..."""
    cls = type(_camel(name), (Op,), {"forward": lambda ctx, x: fwd(x), "__slots__": (), "differentiable": False,
                                     "fp_errors": True})

    def fn(input):
        if not isinstance(input, Tensor) or input.array.dtype not in _FLOATS:
            input = _float_input(input, name)
        return cls.apply(input)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


def _order(n, op, what):
    """An int argument (n of polygamma, p of mvlgamma): Python ints, numpy ints and one-element int tensors."""
    if isinstance(n, (float, np.floating)) or (isinstance(n, Tensor) and n.dtype in _FLOATS):
        raise TypeError(f"{op}: argument '{what}' must be int, not {type(n).__name__}")
    try:
        return operator.index(n)
    except TypeError:
        raise TypeError(f"{op}: argument '{what}' must be int, not {type(n).__name__}") from None


def _nan_at_inf(x, y):
    return _put(gradmath.xp(x).isinf(x), NAN, y)


# ---------------------------------------------------------------------------- gamma family
def _lgamma(x):
    return _put(x == -INF, INF, evaluate("gammaln", x))  # PyTorch: lgamma(-inf) = inf (scipy: -inf)


def _zeta(x, q):
    y = evaluate("zeta", x, q)
    if not hasattr(q, "dtype"):  # a number
        return y * NAN if q == INF else y
    return _put(q == INF, NAN, y)  # PyTorch: zeta(x, inf) is nan (scipy: 0)


def _polygamma(n, x):
    if n == 0:
        return evaluate("psi", x)
    c = math.factorial(n)
    c = float(c) if c < 1e308 else INF
    y = _zeta(float(n + 1), x) * (c if n % 2 else -c)
    if n == 1:  # PyTorch's trigamma: 0 at inf, nan at -inf
        y = _put(x == -INF, NAN, _put(x == INF, 0.0, y))
    return y


Lgamma, lgamma = elementwise_op("lgamma", _lgamma, lambda g, x, y: g * call("digamma", x), "x",
                                "Elementwise log|Gamma(input)| (inf at 0 and the negative integers).")
Digamma, digamma = elementwise_op("digamma", lambda x: evaluate("psi", x),
                                  lambda g, x, y: g * call("polygamma", 1, x), "x",
                                  "Elementwise digamma (psi), the derivative of lgamma; -inf at 0, as PyTorch.")


class Polygamma(Op):
    """The n-th derivative of digamma: psi for n = 0, (-1)^(n+1) n! zeta(n + 1, x) above."""

    fp_errors = True

    def forward(ctx, x, n):
        ctx.to_save = (x,)
        ctx.n = n
        return _polygamma(n, x)

    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        return gy * call("polygamma", ctx.n + 1, x), None


def polygamma(n, input):
    """The n-th derivative of the digamma function (n >= 0), elementwise."""
    n = _order(n, "polygamma", "n")
    if n < 0:
        raise RuntimeError(f"polygamma(n, x) does not support negative n (got n={n})")
    if not isinstance(input, Tensor) or input.array.dtype not in _FLOATS:
        input = _float_input(input, "polygamma")
    return Polygamma.apply1(input, n)


_ARRAY["polygamma"], _FN["polygamma"] = _polygamma, polygamma


def _polygamma_method(self, n):
    """polygamma(n, self)."""
    return polygamma(n, self)


_polygamma_method.__name__ = _polygamma_method.__qualname__ = "polygamma"


class Mvlgamma(Op):
    """sum over i < p of lgamma(x - i / 2) + p (p - 1) / 4 log(pi); one node (it saves x once, so in place works)."""

    fp_errors = True

    def forward(ctx, x, p):
        ctx.to_save = (x,)
        ctx.p = p
        y = _lgamma(x)
        for i in range(1, p):
            y = y + _lgamma(x - 0.5 * i)
        return y + p * (p - 1) * 0.25 * _LOG_PI

    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        d = call("digamma", x + 0.0)  # x + 0.0: digamma(-0.0 + 0.0) = digamma(+0.0) = -inf, as PyTorch's sum gives
        for i in range(1, ctx.p):
            d = d + call("digamma", x - 0.5 * i)
        return gy * d, None


def mvlgamma(input, p):
    """The multivariate log-gamma of dimension p: sum over i < p of lgamma(input - i / 2), plus p(p-1)/4 log(pi)."""
    p = _order(p, "mvlgamma", "p")
    if p < 1:
        raise RuntimeError(f"mvlgamma: p has to be greater than or equal to 1, got p={p}")
    if isinstance(input, Tensor) and input.dtype == dtypes.bool_:
        raise RuntimeError("mvlgamma: the input tensor may not be a boolean tensor (as in PyTorch); convert it "
                           "with .float() first")
    if not isinstance(input, Tensor) or input.array.dtype not in _FLOATS:
        input = _float_input(input, "mvlgamma")
    return Mvlgamma.apply1(input, p)


# ---------------------------------------------------------------------------- error functions, normal distribution
Erfc, erfc = elementwise_op("erfc", lambda x: evaluate("erfc", x),
                            lambda g, x, y: g * (-2.0 / _SQRT_PI) * gradmath.exp(-x * x), "x",
                            "Elementwise complementary error function 1 - erf(input).")
Erfinv, erfinv = elementwise_op("erfinv", lambda x: evaluate("erfinv", x),
                                lambda g, x, y: g * (_SQRT_PI / 2) * gradmath.exp(y * y), "y",
                                "Elementwise inverse error function (inf at 1, nan outside [-1, 1]).")
Erfcx, erfcx = elementwise_op("erfcx", lambda x: evaluate("erfcx", x),
                              lambda g, x, y: g * (x * y * 2 - 2.0 / _SQRT_PI), "xy",
                              "Elementwise scaled complementary error function exp(input ** 2) * erfc(input).")
Ndtr, ndtr = elementwise_op("ndtr", lambda x: evaluate("ndtr", x),
                            lambda g, x, y: g * gradmath.exp(x * x * -0.5) * (1 / _SQRT_2PI), "x",
                            "Elementwise standard normal CDF.")
Ndtri, ndtri = elementwise_op("ndtri", lambda x: evaluate("ndtri", x),
                              lambda g, x, y: g * gradmath.exp(y * y * 0.5) * _SQRT_2PI, "y",
                              "Elementwise inverse of the standard normal CDF (the quantile function).")
LogNdtr, log_ndtr = elementwise_op("log_ndtr", lambda x: evaluate("log_ndtr", x),
                                   lambda g, x, y: g * gradmath.exp(x * x * -0.5 - y) * (1 / _SQRT_2PI), "xy",
                                   "Elementwise log of the standard normal CDF (accurate in the lower tail).")


# ---------------------------------------------------------------------------- modified Bessel functions
def _i1_slope(x, y, i0_like, scaled):
    """d i1(x) = i0(x) - i1(x) / x (d i1e = i0e - i1e (sign(x) + 1 / x)), 0.5 at x = 0, as in PyTorch."""
    zero = gradmath.array(x) == 0
    xs = gradmath.where(zero, 1.0, x)  # no 0 / 0 in the branch not taken (it would poison higher derivatives)
    r = 1 / xs + gradmath.sign(x) if scaled else 1 / xs
    return gradmath.where(zero, 0.5, i0_like - y * r)


I0, i0 = elementwise_op("i0", lambda x: _nan_at_inf(x, evaluate("i0", x)), lambda g, x, y: g * call("i1", x), "x",
                        "Elementwise modified Bessel function of the first kind, order 0.")
I0e, i0e = elementwise_op("i0e", lambda x: evaluate("i0e", x),
                          lambda g, x, y: g * (call("i1e", x) - gradmath.sign(x) * y), "xy",
                          "Elementwise exponentially scaled modified Bessel function of order 0, exp(-|x|) i0(x).")
I1, i1 = elementwise_op("i1", lambda x: _nan_at_inf(x, evaluate("i1", x)),
                        lambda g, x, y: g * _i1_slope(x, y, call("i0", x), False), "xy",
                        "Elementwise modified Bessel function of the first kind, order 1.")
I1e, i1e = elementwise_op("i1e", lambda x: evaluate("i1e", x),
                          lambda g, x, y: g * _i1_slope(x, y, call("i0e", x), True), "xy",
                          "Elementwise exponentially scaled modified Bessel function of order 1, exp(-|x|) i1(x).")


# ---------------------------------------------------------------------------- sinc, entr
def _sinc(x):
    m = gradmath.xp(x)
    px = x * math.pi
    return m.where(x == 0, 1.0, m.sin(px) / px).astype(x.dtype, copy=False)


def _sinc_grad(g, x, y):
    """(cos(pi x) - sinc(x)) / x, and 0 at x = 0 as in PyTorch; there it is written -pi^2 x / 3 (the slope's Taylor
    term, exactly 0 at 0) so that the second derivative at 0 is right too."""
    zero = gradmath.array(x) == 0
    xs = gradmath.where(zero, 1.0, x)  # no 0 / 0 in the branch not taken
    return g * gradmath.where(zero, x * (-math.pi * math.pi / 3), (gradmath.cos(xs * math.pi) - y) / xs)


Sinc, sinc = elementwise_op("sinc", _sinc, _sinc_grad, "xy", "Elementwise normalized sinc, sin(pi x) / (pi x) "
                            "(1 at 0).")
Entr, entr = elementwise_op("entr", lambda x: evaluate("entr", x), lambda g, x, y: -g * (gradmath.log(x) + 1), "x",
                            "Elementwise entropy term -x log(x) (0 at 0, -inf for negative x).")


# ---------------------------------------------------------------------------- Bessel functions (no gradient)
def _spherical_j0(x):
    m = gradmath.xp(x)
    y = m.where(x == 0, 1.0, m.sin(x) / x).astype(x.dtype, copy=False)
    return _put(m.isinf(x), 0.0, y)


def _airy_ai(x):
    m = gradmath.xp(x)
    y = special_fn("airy", x)(x.astype(np.float32) if x.dtype in dtypes.HALVES else x)[0].astype(x.dtype, copy=False)
    return _put(m.isinf(x), NAN, y)


_BESSEL = {  # PyTorch name -> (forward on arrays, what it is)
    "bessel_j0": (lambda x: evaluate("j0", x), "Bessel function of the first kind, order 0"),
    "bessel_j1": (lambda x: evaluate("j1", x), "Bessel function of the first kind, order 1"),
    "bessel_y0": (lambda x: _nan_at_inf(x, evaluate("y0", x)), "Bessel function of the second kind, order 0"),
    "bessel_y1": (lambda x: _nan_at_inf(x, evaluate("y1", x)), "Bessel function of the second kind, order 1"),
    "modified_bessel_i0": (lambda x: _nan_at_inf(x, evaluate("i0", x)), "modified Bessel function I0"),
    "modified_bessel_i1": (lambda x: _nan_at_inf(x, evaluate("i1", x)), "modified Bessel function I1"),
    "modified_bessel_k0": (lambda x: _put(x == -INF, NAN, evaluate("k0", x)), "modified Bessel function K0"),
    "modified_bessel_k1": (lambda x: _put(x == -INF, NAN, evaluate("k1", x)), "modified Bessel function K1"),
    "scaled_modified_bessel_k0": (lambda x: _put(x == -INF, NAN, evaluate("k0e", x)), "exp(x) K0(x)"),
    "scaled_modified_bessel_k1": (lambda x: _put(x == -INF, NAN, evaluate("k1e", x)), "exp(x) K1(x)"),
    "spherical_bessel_j0": (_spherical_j0, "spherical Bessel function of the first kind, order 0, sin(x) / x"),
    "airy_ai": (_airy_ai, "Airy function Ai"),
}
for _name, (_f, _what) in _BESSEL.items():
    globals()[_name] = _nondiff_op(_name, _f, f"Elementwise {_what} (no gradient, as in PyTorch).")


# ---------------------------------------------------------------------------- xlogy, xlog1py, zeta
class _XlogyBase(Op):
    """x * log(y) (xlogy) or x * log1p(y) (xlog1py): 0 where x == 0 unless y is nan. Gradients as PyTorch's."""

    __slots__ = ()
    broadcasts = True
    fp_errors = True
    op = shift = None

    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return _ARRAY[ctx.op](x, y)

    def backward(ctx, gy):
        x, y = ctx.saved_tensors
        need = ctx.needs_input_grad
        gx = gy_ = None
        if need[0]:  # xlogy(g, y), except 0 where x == 0 and y <= 0 (<= -1 for xlog1py)
            keep = ~((gradmath.array(x) == 0) & (gradmath.array(y) <= ctx.shift))
            gx = gradmath.mask(call(ctx.op, gy, y), keep)
        if need[1]:
            gy_ = gy * x / (y + 1) if ctx.shift else gy * x / y
        return gx, gy_


class Xlogy(_XlogyBase):
    __slots__ = ()
    op, shift = "xlogy", 0


class Xlog1py(_XlogyBase):
    __slots__ = ()
    op, shift = "xlog1py", -1


def _xlogy_like(cls, name, input, other):
    a, b = _float_operands(input, other, name)
    return cls.apply(a, b)


def xlogy(input, other):
    """input * log(other), 0 where input == 0 (unless other is nan); either may be a number."""
    return _xlogy_like(Xlogy, "xlogy", input, other)


def xlog1py(input, other):
    """input * log1p(other), 0 where input == 0 (unless other is nan); either may be a number."""
    return _xlogy_like(Xlog1py, "xlog1py", input, other)


_ARRAY["xlogy"], _FN["xlogy"] = (lambda x, y: evaluate("xlogy", x, y)), xlogy
_ARRAY["xlog1py"], _FN["xlog1py"] = (lambda x, y: evaluate("xlog1py", x, y)), xlog1py


class Zeta(Op):
    """The Hurwitz zeta function zeta(x, q); differentiable in q only (d/dq = -x zeta(x + 1, q)), as in PyTorch."""

    broadcasts = True
    fp_errors = True

    def forward(ctx, x, q):
        ctx.save_for_backward(x, q)
        return _zeta(x, q)

    def backward(ctx, gy):
        x, q = ctx.saved_tensors
        need = ctx.needs_input_grad
        if need[0]:
            raise NotImplementedError("zeta: the derivative with respect to input (the exponent x) is not "
                                      "implemented, as in PyTorch; detach() it, or pass it without requires_grad")
        return None, (-gy * x * call("zeta", x + 1, q) if need[1] else None)


def zeta(input, other):
    """The Hurwitz zeta function sum over k >= 0 of (k + other) ** -input; either may be a number."""
    return Zeta.apply(*_float_operands(input, other, "zeta"))


_ARRAY["zeta"], _FN["zeta"] = _zeta, zeta


# ---------------------------------------------------------------------------- regularized incomplete gamma
class _IgammaBase(Op):
    """The regularized lower (igamma) / upper (igammac) incomplete gamma function of (a, x); differentiable in x
    only: d/dx = +- exp((a - 1) log(x) - x - lgamma(a)), as in PyTorch."""

    __slots__ = ()
    broadcasts = True
    fp_errors = True
    op = ufunc = None
    sign = 1

    def forward(ctx, a, x):
        ctx.save_for_backward(a, x)
        return evaluate(ctx.ufunc, a, x)

    def backward(ctx, gy):
        a, x = ctx.saved_tensors
        need = ctx.needs_input_grad
        if need[0]:
            raise NotImplementedError(f"{ctx.op}: the derivative with respect to input (a) is not implemented, as "
                                      "in PyTorch; detach() it, or pass it without requires_grad")
        d = gradmath.exp((a - 1) * gradmath.log(x) - x - call("lgamma", a))
        return None, (gy * d if ctx.sign > 0 else -gy * d)


class Igamma(_IgammaBase):
    __slots__ = ()
    op, ufunc, sign = "igamma", "gammainc", 1


class Igammac(_IgammaBase):
    __slots__ = ()
    op, ufunc, sign = "igammac", "gammaincc", -1


def _igamma_like(cls, name, input, other):
    for what, v in (("input", input), ("other", other)):
        if not isinstance(v, Tensor):
            raise TypeError(f"{name}: {what} must be a tensor, got {type(v).__name__}")
    a, x = operands(input, other, name)
    if a.array.dtype not in _FLOATS:
        raise TypeError(f"{name}: expected floating point tensors, got dtypes {input.dtype} and {other.dtype}; "
                        "convert them with .float() first")
    return cls.apply(a, x)


def igamma(input, other):
    """The regularized lower incomplete gamma function P(input, other) (torch.special.gammainc)."""
    return _igamma_like(Igamma, "igamma", input, other)


def igammac(input, other):
    """The regularized upper incomplete gamma function Q(input, other) = 1 - P (torch.special.gammaincc)."""
    return _igamma_like(Igammac, "igammac", input, other)


# ---------------------------------------------------------------------------- in place
_via = inplace._via
lgamma_, digamma_, erfc_, erfinv_, i0_, sinc_ = (_via(n, _FN[n]) for n in ("lgamma", "digamma", "erfc", "erfinv",
                                                                           "i0", "sinc"))
polygamma_ = _via("polygamma", _polygamma_method)
mvlgamma_ = _via("mvlgamma", mvlgamma)
xlogy_ = _via("xlogy", xlogy)
igamma_ = _via("igamma", igamma)
igammac_ = _via("igammac", igammac)

# torch.* top-level names; the rest live in autograd.special only
__all__ = ["digamma", "erfc", "erfinv", "i0", "igamma", "igammac", "lgamma", "mvlgamma", "polygamma", "sinc", "xlogy"]
METHODS = {n: globals()[n] for n in __all__}
METHODS["polygamma"] = _polygamma_method
METHODS.update({n: g for n, g in list(globals().items()) if n.endswith("_") and not n.startswith("_")
                and callable(g)})
