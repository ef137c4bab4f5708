"""Registry cases: special functions (autograd.special) and the extra elementwise ops, against scipy/numpy."""
import math

import numpy as np
import scipy.special as sp

import autograd as ag
import autograd.special as S
from tests.ops.registry import Arg, OpCase

CASES = []


def _add(name, fn, args, ref, **kw):
    CASES.append(OpCase(f"special-{name}", fn, args, ref, **kw))


def _shapes(name, fn, ref, low, high, method=None):
    """The usual spread: a matrix, 0-d, empty, non-contiguous, the method form, float32 (forward only)."""
    _add(f"{name}-(3, 4)", fn, [Arg((3, 4), low, high)], ref)
    _add(f"{name}-0d", fn, [Arg((), low, high)], lambda x: np.asarray(ref(x)))
    _add(f"{name}-empty", fn, [Arg((0, 3), low, high)], ref)
    _add(f"{name}-noncontig", method or fn, [Arg((3, 4), low, high, noncontig=True)], ref)
    _add(f"{name}-float32", fn, [Arg((5,), low, high, dtype="float32")], ref, grad=False)


_NONINT_NEG = [-2.6, -1.3, -0.4, 0.7, 1.9, 3.2]  # away from the poles of the gamma family

# ---------------------------------------------------------------------------- unary special functions
_UNARY = {  # name -> (function, reference, low, high, method form or None)
    "lgamma": (ag.lgamma, sp.gammaln, 0.3, 4.0, lambda x: x.lgamma()),
    "digamma": (ag.digamma, sp.psi, 0.3, 4.0, lambda x: x.digamma()),
    "erfc": (ag.erfc, sp.erfc, -2.0, 2.0, lambda x: x.erfc()),
    "erfinv": (ag.erfinv, sp.erfinv, -0.9, 0.9, lambda x: x.erfinv()),
    "erfcx": (S.erfcx, sp.erfcx, -1.5, 3.0, None),
    "i0": (ag.i0, sp.i0, -3.0, 3.0, lambda x: x.i0()),
    "i0e": (S.i0e, sp.i0e, 0.1, 3.0, None),
    "i1": (S.i1, sp.i1, -3.0, 3.0, None),
    "i1e": (S.i1e, sp.i1e, 0.1, 3.0, None),
    "ndtr": (S.ndtr, sp.ndtr, -3.0, 3.0, None),
    "ndtri": (S.ndtri, sp.ndtri, 0.05, 0.95, None),
    "log_ndtr": (S.log_ndtr, sp.log_ndtr, -3.0, 3.0, None),
    "sinc": (ag.sinc, np.sinc, -2.0, 2.0, lambda x: x.sinc()),
    "entr": (S.entr, sp.entr, 0.1, 2.0, None),
    "exp2": (ag.exp2, np.exp2, -2.0, 2.0, lambda x: x.exp2()),
    "acosh": (ag.acosh, np.arccosh, 1.2, 3.0, lambda x: x.arccosh()),
    "asinh": (ag.asinh, np.arcsinh, -2.0, 2.0, lambda x: x.asinh()),
    "atanh": (ag.atanh, np.arctanh, -0.8, 0.8, lambda x: x.arctanh()),
    "deg2rad": (ag.deg2rad, np.deg2rad, -200.0, 200.0, lambda x: x.deg2rad()),
    "rad2deg": (ag.rad2deg, np.rad2deg, -4.0, 4.0, lambda x: x.rad2deg()),
}
for _name, (_fn, _ref, _lo, _hi, _meth) in _UNARY.items():
    _shapes(_name, _fn, _ref, _lo, _hi, _meth)
_add("i0e-negative", S.i0e, [Arg((4,), -3.0, -0.1)], sp.i0e)
_add("i1e-negative", S.i1e, [Arg((4,), -3.0, -0.1)], sp.i1e)
_add("lgamma-negative", ag.lgamma, [Arg((6,), values=_NONINT_NEG)], sp.gammaln)
_add("digamma-negative", ag.digamma, [Arg((6,), values=_NONINT_NEG)], sp.psi)
_add("log_ndtr-tails", S.log_ndtr, [Arg((4,), values=[-12.0, -6.0, 5.0, 9.0])], sp.log_ndtr)
_add("i1-at-0", S.i1, [Arg((3,), values=[0.0, 0.5, -1.2])], sp.i1)  # d i1 = 0.5 at 0; the second derivative 0
_add("sinc-at-0", ag.sinc, [Arg((3,), values=[0.0, 0.5, -1.2])], np.sinc)  # slope 0, curvature -pi^2/3 at 0
_add("entr-at-0", S.entr, [Arg((2,), values=[0.0, 0.5], requires_grad=False)], sp.entr, grad=False)
_add("erfinv-edges", ag.erfinv, [Arg((3,), values=[-1.0, 1.0, 0.0], requires_grad=False)], sp.erfinv, grad=False)
_add("exp2-int", ag.exp2, [Arg((4,), -3, 3, dtype="int64")], lambda x: np.exp2(x).astype(np.float32), grad=False)
_add("lgamma-int", ag.lgamma, [Arg((4,), 1, 6, dtype="int64")], lambda x: sp.gammaln(x).astype(np.float32),
     grad=False)

for _n in (0, 1, 2, 3):
    _add(f"polygamma-{_n}", lambda x, n=_n: ag.polygamma(n, x), [Arg((3, 4), 0.5, 3.0)],
         lambda x, n=_n: sp.polygamma(n, x))
_add("polygamma-negative", lambda x: ag.polygamma(2, x), [Arg((6,), values=_NONINT_NEG)],
     lambda x: sp.polygamma(2, x))
_add("polygamma-method", lambda x: x.polygamma(1), [Arg((2, 3), 0.5, 3.0, noncontig=True)],
     lambda x: sp.polygamma(1, x))
_add("polygamma-0d", lambda x: ag.polygamma(1, x), [Arg((), 0.5, 3.0)], lambda x: np.asarray(sp.polygamma(1, x)))
for _p in (1, 2, 4):
    _add(f"mvlgamma-p{_p}", lambda x, p=_p: ag.mvlgamma(x, p), [Arg((3, 4), _p / 2 + 0.1, _p / 2 + 3)],
         lambda x, p=_p: sp.multigammaln(x, p))
_add("mvlgamma-method", lambda x: x.mvlgamma(2), [Arg((4,), 1.0, 3.0)], lambda x: sp.multigammaln(x, 2))
_add("multigammaln", lambda x: S.multigammaln(x, 3), [Arg((4,), 1.5, 3.0)], lambda x: sp.multigammaln(x, 3))

# ---------------------------------------------------------------------------- binary special functions
_add("xlogy", ag.xlogy, [Arg((3, 4)), Arg((3, 4), 0.2, 2.0)], sp.xlogy)
_add("xlogy-bcast", ag.xlogy, [Arg((2, 1, 3)), Arg((4, 1), 0.2, 2.0)], sp.xlogy)
_add("xlogy-0d", ag.xlogy, [Arg(()), Arg((), 0.2, 2.0)], lambda a, b: np.asarray(sp.xlogy(a, b)))
_add("xlogy-empty", ag.xlogy, [Arg((0, 3)), Arg((3,), 0.2, 2.0)], sp.xlogy)
_add("xlogy-method", lambda a, b: a.xlogy(b), [Arg((3, 4), noncontig=True), Arg((4,), 0.2, 2.0)], sp.xlogy)
_add("xlogy-x-zero", ag.xlogy, [Arg((3,), values=[0.0, 0.0, 1.5]), Arg((3,), values=[0.5, 2.0, 1.5])], sp.xlogy)
_add("xlogy-scalar-self", lambda b: ag.xlogy(2.0, b), [Arg((3,), 0.2, 2.0)], lambda b: sp.xlogy(2.0, b))
_add("xlogy-scalar-other", lambda a: ag.xlogy(a, 3), [Arg((3,))], lambda a: sp.xlogy(a, 3.0))
_add("xlogy-one-input", ag.xlogy, [Arg((3,)), Arg((3,), 0.2, 2.0, requires_grad=False)], sp.xlogy)
_add("xlogy-float32", ag.xlogy, [Arg((3,), dtype="float32"), Arg((3,), 0.2, 2, dtype="float32")], sp.xlogy,
     grad=False)
_add("xlogy-int", ag.xlogy, [Arg((4,), 0, 4, dtype="int64"), Arg((4,), 1, 5, dtype="int64")],
     lambda a, b: sp.xlogy(a, b).astype(np.float32), grad=False)
_add("xlog1py", S.xlog1py, [Arg((3, 4)), Arg((4,), -0.8, 2.0)], sp.xlog1py)
_add("xlog1py-scalar-self", lambda b: S.xlog1py(-1.5, b), [Arg((3,), -0.8, 2.0)], lambda b: sp.xlog1py(-1.5, b))
_add("xlog1py-x-zero", S.xlog1py, [Arg((2,), values=[0.0, 1.0]), Arg((2,), values=[0.5, -0.5])], sp.xlog1py)
_add("zeta-q", S.zeta, [Arg((3, 4), 1.5, 4.0, requires_grad=False), Arg((4,), 0.5, 3.0)], sp.zeta)
_add("zeta-scalar-x", lambda q: S.zeta(3.0, q), [Arg((5,), 0.5, 3.0)], lambda q: sp.zeta(3.0, q))
_add("zeta-scalar-q", lambda x: S.zeta(x, 2.0), [Arg((5,), 1.5, 4.0, requires_grad=False)],
     lambda x: sp.zeta(x, 2.0), grad=False)
for _name, _fn, _ref in (("igamma", ag.igamma, sp.gammainc), ("igammac", ag.igammac, sp.gammaincc)):
    _add(_name, _fn, [Arg((3, 4), 0.5, 3.0, requires_grad=False), Arg((3, 4), 0.2, 3.0)], _ref)
    _add(f"{_name}-bcast", _fn, [Arg((4,), 0.5, 3.0, requires_grad=False), Arg((2, 1), 0.2, 3.0)], _ref)
    _add(f"{_name}-method", lambda a, x, n=_name: getattr(a, n)(x),
         [Arg((3,), 0.5, 3.0, requires_grad=False), Arg((3,), 0.2, 3.0)], _ref)
_add("gammainc-alias", S.gammainc, [Arg((3,), 0.5, 3.0, requires_grad=False), Arg((3,), 0.2, 3.0)], sp.gammainc)

# ---------------------------------------------------------------------------- Bessel functions: no gradient
_BESSEL = {"bessel_j0": sp.j0, "bessel_j1": sp.j1, "bessel_y0": sp.y0, "bessel_y1": sp.y1,
           "modified_bessel_i0": sp.i0, "modified_bessel_i1": sp.i1, "modified_bessel_k0": sp.k0,
           "modified_bessel_k1": sp.k1, "scaled_modified_bessel_k0": sp.k0e, "scaled_modified_bessel_k1": sp.k1e,
           "spherical_bessel_j0": lambda x: sp.spherical_jn(0, x), "airy_ai": lambda x: sp.airy(x)[0]}
for _name, _ref in _BESSEL.items():
    _lo = 0.1 if "y" in _name.split("_")[-1] or "k" in _name.split("_")[-1] else -5.0
    _add(_name, getattr(S, _name), [Arg((3, 4), _lo, 5.0, requires_grad=False)], _ref, grad=False)

# ---------------------------------------------------------------------------- elementwise extras
_add("copysign", ag.copysign, [Arg((3, 4), 0.2, 2.0), Arg((4,), values=[-1.0, 2.0, -0.5, 0.7])], np.copysign)
_add("copysign-both-grad", ag.copysign, [Arg((3,), values=[-1.5, 0.5, 2.0]), Arg((3,), values=[0.5, -2.0, 1.0])],
     np.copysign)
_add("copysign-scalar", lambda a: a.copysign(-1.0), [Arg((2, 3), 0.2, 2.0)], lambda a: np.copysign(a, -1.0))
_add("copysign-int", ag.copysign, [Arg((4,), -3, 3, dtype="int64"), Arg((4,), -3, 3, dtype="int64")],
     lambda a, b: np.copysign(a, b).astype(np.float32), grad=False)
for _name, _fn, _ref in (("logaddexp", ag.logaddexp, np.logaddexp), ("logaddexp2", ag.logaddexp2, np.logaddexp2),
                         ("hypot", ag.hypot, np.hypot), ("nextafter", ag.nextafter, np.nextafter)):
    _add(_name, _fn, [Arg((3, 4)), Arg((3, 4))], _ref)
    _add(f"{_name}-bcast", _fn, [Arg((2, 1, 3)), Arg((4, 1))], _ref)
    _add(f"{_name}-0d", _fn, [Arg(()), Arg(())], lambda a, b, r=_ref: np.asarray(r(a, b)))
    _add(f"{_name}-empty", _fn, [Arg((0, 3)), Arg((3,))], _ref)
    _add(f"{_name}-method", lambda a, b, n=_name: getattr(a, n)(b), [Arg((3, 4), noncontig=True), Arg((4,))], _ref)
    _add(f"{_name}-one-input", _fn, [Arg((3,)), Arg((3,), requires_grad=False)], _ref)
    _add(f"{_name}-float32", _fn, [Arg((3,), dtype="float32"), Arg((3,), dtype="float32")], _ref, grad=False)
_add("logaddexp-mixed", ag.logaddexp, [Arg((3,), dtype="float32"), Arg((3,))], np.logaddexp, grad=False)
_TIES = {"values": [[0.5, -1.0, np.nan, 2.0], [1.5, 0.3, -0.7, np.nan]]}
for _name, _fn, _ref in (("fmax", ag.fmax, np.fmax), ("fmin", ag.fmin, np.fmin)):
    _add(_name, _fn, [Arg((3, 4)), Arg((3, 4))], _ref)
    _add(f"{_name}-bcast", _fn, [Arg((2, 1, 3)), Arg((4, 1))], _ref)
    _add(f"{_name}-method", lambda a, b, n=_name: getattr(a, n)(b), [Arg((3, 4), noncontig=True), Arg((4,))], _ref)
    _add(f"{_name}-nan", _fn, [Arg((2, 4), **_TIES), Arg((4,), values=[np.nan, 1.0, 2.0, -1.0])], _ref, grad=False)
    _add(f"{_name}-int", _fn, [Arg((4,), -3, 3, dtype="int64"), Arg((4,), -3, 3, dtype="int64")], _ref, grad=False)
_FRACS = [[0.3, -1.7, 2.4, 1.2], [-0.2, 3.6, -2.9, 0.45]]
_add("frac", ag.frac, [Arg((2, 4), values=_FRACS)], lambda x: x - np.trunc(x))
_add("frac-method", lambda x: x.frac(), [Arg((4, 2), values=np.array(_FRACS).T, noncontig=True)],
     lambda x: x - np.trunc(x))
_add("gcd", ag.gcd, [Arg((3, 4), -20, 20, dtype="int64"), Arg((4,), -20, 20, dtype="int64")], np.gcd, grad=False)
_add("lcm", ag.lcm, [Arg((3, 4), -20, 20, dtype="int64"), Arg((4,), -20, 20, dtype="int64")], np.lcm, grad=False)
_add("gcd-method", lambda a, b: a.gcd(b), [Arg((5,), 0, 30, dtype="int32"), Arg((5,), 0, 30, dtype="int64")],
     np.gcd, grad=False)
_add("heaviside", ag.heaviside, [Arg((5,), values=[-1.0, 0.0, 2.0, 0.0, -0.5], requires_grad=False),
                                 Arg((5,), values=[0.5, 0.25, 0.0, 1.0, 3.0], requires_grad=False)], np.heaviside,
     grad=False)
_add("heaviside-bcast", lambda x, v: x.heaviside(v),
     [Arg((2, 3), values=[[0.0, 1.0, -1.0]] * 2, requires_grad=False), Arg((1,), values=[0.7], requires_grad=False)],
     np.heaviside, grad=False)
_add("ldexp", ag.ldexp, [Arg((3, 4)), Arg((4,), -3, 4, dtype="int64")], lambda x, e: np.ldexp(x, e))
_add("ldexp-float-exponent", ag.ldexp, [Arg((3,)), Arg((3,))], lambda x, e: x * 2.0 ** e)
_add("ldexp-method", lambda x, e: x.ldexp(e), [Arg((2, 3), noncontig=True), Arg((3,), -2, 2, dtype="int32")],
     lambda x, e: np.ldexp(x, e))
_add("ldexp-int", ag.ldexp, [Arg((3,), -5, 5, dtype="int64"), Arg((3,), 0, 4, dtype="int64")],
     lambda x, e: np.ldexp(x, e).astype(np.float32), grad=False)
_FREXP = [[0.3, -1.7, 2.4, 1.2], [-0.2, 3.6, -2.9, 100.5]]  # away from powers of 2, where the mantissa jumps
_add("frexp", ag.frexp, [Arg((2, 4), values=_FREXP)], np.frexp)
_add("frexp-method", lambda x: x.frexp()[0], [Arg((4, 2), values=np.array(_FREXP).T, noncontig=True)],
     lambda x: np.frexp(x)[0])
_add("frexp-float32", ag.frexp, [Arg((4,), values=[0.0, 1e-40, -3.0, 7.5], dtype="float32")], np.frexp,
     grad=False)
_add("float_power", ag.float_power, [Arg((3, 4), 0.5, 2.0), Arg((4,))], np.float_power)
_add("float_power-scalar-exponent", lambda x: x.float_power(3), [Arg((3,))], lambda x: np.float_power(x, 3))
_add("float_power-scalar-base", lambda e: ag.float_power(2, e), [Arg((3,))], lambda e: np.float_power(2.0, e))
_add("float_power-float32", lambda x: ag.float_power(x, 2.5), [Arg((3,), 0.5, 2, dtype="float32")],
     lambda x: np.float_power(x.astype(np.float64), 2.5), grad=False)
_add("float_power-int", ag.float_power, [Arg((3,), 1, 5, dtype="int64"), Arg((3,), 0, 3, dtype="int64")],
     np.float_power, grad=False)
_add("positive", ag.positive, [Arg((3,))], np.positive)
_add("clamp_min", lambda x: ag.clamp_min(x, 0.1), [Arg((5,))], lambda x: np.maximum(x, 0.1))
_add("clamp_max-tensor", lambda x, m: x.clamp_max(m), [Arg((3, 4)), Arg((4,))], np.minimum)
_add("absolute", ag.absolute, [Arg((3, 4), 0.2, 2)], np.absolute)
_add("arctan2", ag.arctan2, [Arg((3, 4)), Arg((4,), 0.5, 2)], np.arctan2)
_add("sgn", lambda x: x.sgn(), [Arg((4,), values=[0.3, -1.7, 2.4, -0.2])], np.sign)
_add("sgn-at-0", lambda x: x.sgn(), [Arg((3,), values=[0.0, -1.0, 2.0], requires_grad=False)], np.sign, grad=False)
_add("deg2rad-int", ag.deg2rad, [Arg((3,), -180, 180, dtype="int64")],
     lambda x: np.deg2rad(x).astype(np.float32), grad=False)

# ---------------------------------------------------------------------------- in place, on a clone
_INPLACE = {  # method -> (args, reference)
    "lgamma_": ([Arg((3, 4), 0.3, 3.0)], sp.gammaln),
    "digamma_": ([Arg((3, 4), 0.3, 3.0)], sp.psi),
    "erfinv_": ([Arg((3, 4), -0.9, 0.9)], sp.erfinv),
    "erfc_": ([Arg((3, 4))], sp.erfc),
    "i0_": ([Arg((3, 4))], sp.i0),
    "sinc_": ([Arg((3, 4))], np.sinc),
    "exp2_": ([Arg((3, 4))], np.exp2),
    "atanh_": ([Arg((3, 4), -0.8, 0.8)], np.arctanh),
    "arcsinh_": ([Arg((3, 4))], np.arcsinh),
    "frac_": ([Arg((2, 4), values=_FRACS)], lambda x: x - np.trunc(x)),
    "xlogy_": ([Arg((3, 4)), Arg((4,), 0.2, 2.0)], sp.xlogy),
    "hypot_": ([Arg((3, 4)), Arg((4,))], np.hypot),
    "copysign_": ([Arg((3, 4), 0.2, 2.0), Arg((4,), values=[-1.0, 2.0, -0.5, 0.7])], np.copysign),
    "ldexp_": ([Arg((3, 4)), Arg((4,), -2, 3, dtype="int64")], np.ldexp),
    "nextafter_": ([Arg((3, 4)), Arg((4,))], np.nextafter),
    "igamma_": ([Arg((3, 4), 0.5, 3.0, requires_grad=False), Arg((3, 4), 0.2, 3.0)], sp.gammainc),
    "float_power_": ([Arg((3, 4), 0.5, 2.0), Arg((4,))], np.float_power),
    "multiply_": ([Arg((3, 4)), Arg((4,))], np.multiply),
    "arctan2_": ([Arg((3, 4)), Arg((4,), 0.5, 2.0)], np.arctan2),
}
for _name, (_args, _ref) in _INPLACE.items():
    _add(f"inplace-{_name}", lambda *a, n=_name: getattr(a[0].clone(), n)(*a[1:]), _args, _ref)
_add("inplace-polygamma_", lambda x: x.clone().polygamma_(2), [Arg((3, 4), 0.5, 3.0)], lambda x: sp.polygamma(2, x))
_add("inplace-mvlgamma_", lambda x: x.clone().mvlgamma_(p=3), [Arg((3, 4), 1.2, 3.0)], lambda x: sp.multigammaln(x, 3))
_add("inplace-igammac_", lambda a, x: a.clone().igammac_(x), [Arg((3,), 0.5, 3.0, requires_grad=False),
                                                              Arg((3,), 0.2, 3.0)], sp.gammaincc)
_add("inplace-gcd_", lambda a, b: a.clone().gcd_(b), [Arg((3, 4), -20, 20, dtype="int64"),
                                                      Arg((4,), -20, 20, dtype="int64")], np.gcd, grad=False)
_add("inplace-lcm_", lambda a, b: a.clone().lcm_(b), [Arg((3, 4), -20, 20, dtype="int64"),
                                                      Arg((4,), -20, 20, dtype="int64")], np.lcm, grad=False)
_add("inplace-heaviside_", lambda a, v: a.clone().heaviside_(v),
     [Arg((3,), values=[-1.0, 0.0, 2.0], requires_grad=False), Arg((1,), values=[0.5], requires_grad=False)],
     np.heaviside, grad=False)
_add("inplace-divide_-floor", lambda a, b: a.clone().divide_(b, rounding_mode="floor"),
     [Arg((4,), values=[-2.9, -0.4, 1.3, 2.6]), Arg((4,), values=[0.7, 1.1, -1.9, 0.9])], np.floor_divide)
_add("inplace-deg2rad_", lambda x: x.clone().deg2rad_(), [Arg((3,), -200, 200)], np.deg2rad)
assert math.isclose(sp.multigammaln(2.0, 2), 0.4515827052894549)  # the reference itself, once
