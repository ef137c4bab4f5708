"""Registry cases: in-place ops, run on a clone of the input (x.clone().add_(y)) so they are differentiable
functions of their inputs; the gradients flow through the in-place change and the clone back to the leaves."""
import numpy as np

from tests.ops.registry import Arg, OpCase

CASES = []


def _case(name, fn, args, ref, **kw):
    CASES.append(OpCase(f"inplace-{name}", fn, args, ref, **kw))


_POS = dict(low=0.5, high=2.0)

# binary arithmetic: tensor (broadcast into x), scalar and keyword forms
_case("add_", lambda x, y: x.clone().add_(y), [Arg((3, 4)), Arg((4,))], np.add)
_case("add_-scalar", lambda x: x.clone().add_(2.5), [Arg((3, 4))], lambda x: x + 2.5)
_case("add_-alpha", lambda x, y: x.clone().add_(y, alpha=-2), [Arg((3, 4)), Arg((3, 1))], lambda x, y: x - 2 * y)
_case("add_-0d", lambda x, y: x.clone().add_(y), [Arg(()), Arg(())], lambda x, y: np.asarray(x + y))
_case("add_-noncontig", lambda x, y: x.clone().add_(y), [Arg((3, 4), noncontig=True), Arg((3, 4))], np.add)
_case("add_-empty", lambda x, y: x.clone().add_(y), [Arg((0, 3)), Arg((3,))], np.add)
_case("sub_", lambda x, y: x.clone().sub_(y), [Arg((3, 4)), Arg((3, 1))], np.subtract)
_case("sub_-scalar", lambda x: x.clone().sub_(1.5), [Arg((2, 3))], lambda x: x - 1.5)
_case("mul_", lambda x, y: x.clone().mul_(y), [Arg((3, 4)), Arg((4,))], np.multiply)
_case("mul_-scalar", lambda x: x.clone().mul_(-3.0), [Arg((2, 3))], lambda x: x * -3.0)
_case("mul_-self", lambda x: x.clone().mul_(x), [Arg((2, 3))], np.square)
_case("div_", lambda x, y: x.clone().div_(y), [Arg((3, 4)), Arg((4,), **_POS)], np.divide)
_case("div_-scalar", lambda x: x.clone().div_(4.0), [Arg((2, 3))], lambda x: x / 4.0)
_case("pow_-scalar", lambda x: x.clone().pow_(3), [Arg((3, 4))], lambda x: x ** 3)
_case("pow_-half", lambda x: x.clone().pow_(0.5), [Arg((3, 4), **_POS)], np.sqrt)
_case("pow_-tensor", lambda x, y: x.clone().pow_(y), [Arg((3, 4), **_POS), Arg((4,))], np.power)
_case("remainder_", lambda x, y: x.clone().remainder_(y),
      [Arg((4,), values=[-2.9, -0.4, 1.3, 2.6]), Arg((4,), values=[0.7, 1.1, -1.9, 0.9])], np.remainder)
_case("remainder_-scalar", lambda x: x.clone().remainder_(0.75), [Arg((4,), values=[-2.9, -0.4, 1.3, 2.6])],
      lambda x: np.remainder(x, 0.75))
_case("floor_divide_", lambda x, y: x.clone().floor_divide_(y),
      [Arg((4,), values=[-2.9, -0.4, 1.3, 2.6]), Arg((4,), values=[0.7, 1.1, -1.9, 0.9])], np.floor_divide)
_case("floor_divide_-scalar", lambda x: x.clone().floor_divide_(0.75), [Arg((4,), values=[-2.9, -0.4, 1.3, 2.6])],
      lambda x: np.floor_divide(x, 0.75))
_case("maximum_", lambda x, y: x.clone().maximum_(y), [Arg((3, 4)), Arg((4,))], np.maximum)
_case("minimum_", lambda x, y: x.clone().minimum_(y), [Arg((3, 4)), Arg((3, 1))], np.minimum)
_case("lerp_", lambda x, e, w: x.clone().lerp_(e, w), [Arg((3, 4)), Arg((3, 4)), Arg((4,), 0, 1)],
      lambda x, e, w: x + w * (e - x))
_case("lerp_-scalar", lambda x, e: x.clone().lerp_(e, 0.25), [Arg((3, 4)), Arg((4,))],
      lambda x, e: x + 0.25 * (e - x))

# clamp_: number bounds, tensor bounds (broadcast), one-sided
_case("clamp_", lambda x: x.clone().clamp_(-0.5, 0.7), [Arg((3, 4))], lambda x: np.clip(x, -0.5, 0.7))
_case("clamp_-min", lambda x: x.clone().clamp_(min=0.1), [Arg((3, 4))], lambda x: np.maximum(x, 0.1))
_case("clamp_-tensor", lambda x, lo, hi: x.clone().clamp_(lo, hi), [Arg((3, 4)), Arg((4,), -2, -0.5),
      Arg((3, 1), 0.5, 2)], lambda x, lo, hi: np.minimum(np.maximum(x, lo), hi))
_case("clamp_-tensor-max", lambda x, hi: x.clone().clamp_(max=hi), [Arg((3, 4)), Arg((3, 4))], np.minimum)
_case("clamp_-tensor-lo-gt-hi", lambda x, lo, hi: x.clone().clamp_(lo, hi), [Arg((2, 3)), Arg((2, 3), 1, 2),
      Arg((3,), -2, -1)], lambda x, lo, hi: np.broadcast_to(hi, (2, 3)).copy())
_case("clip_", lambda x: x.clone().clip_(-0.3, 0.3), [Arg((2, 3))], lambda x: np.clip(x, -0.3, 0.3))
_case("clamp_min_", lambda x: x.clone().clamp_min_(0.2), [Arg((2, 3))], lambda x: np.maximum(x, 0.2))
_case("clamp_max_", lambda x: x.clone().clamp_max_(0.2), [Arg((2, 3))], lambda x: np.minimum(x, 0.2))

# overwrite: zero_, fill_ (number, 0-d tensor), copy_ (broadcast source)
_case("zero_", lambda x: x.clone().zero_(), [Arg((3, 4))], np.zeros_like)
_case("fill_", lambda x: x.clone().fill_(1.25), [Arg((3, 4))], lambda x: np.full_like(x, 1.25))
_case("fill_-0d-tensor", lambda x, v: x.clone().fill_(v), [Arg((3, 4)), Arg(())],
      lambda x, v: np.full_like(x, v))
_case("fill_-1elem-tensor", lambda x, v: x.clone().fill_(v), [Arg((2, 3)), Arg((1,))],
      lambda x, v: np.full_like(x, v[0]))
_case("copy_", lambda x, s: x.clone().copy_(s), [Arg((3, 4)), Arg((3, 4))], lambda x, s: s.copy())
_case("copy_-bcast", lambda x, s: x.clone().copy_(s), [Arg((3, 4)), Arg((4,))],
      lambda x, s: np.broadcast_to(s, x.shape).copy())
_case("copy_-bcast-0d", lambda x, s: x.clone().copy_(s), [Arg((2, 3)), Arg(())],
      lambda x, s: np.broadcast_to(s, x.shape).copy())
_case("copy_-cast", lambda x, s: x.clone().copy_(s), [Arg((2, 3)), Arg((2, 3), dtype="float32")],
      lambda x, s: s.astype(np.float64), grad=False)
_case("copy_-into-slice", lambda x, s: _copy_into_slice(x, s), [Arg((3, 4)), Arg((4,))],
      lambda x, s: np.concatenate([x[:1], np.broadcast_to(s, (2, 4))]))


def _copy_into_slice(x, s):
    y = x.clone()
    y[1:].copy_(s)
    return y


# unary
_UNARY = {"neg": np.negative, "abs": np.abs, "exp": np.exp, "tanh": np.tanh,
          "sigmoid": lambda x: 1 / (1 + np.exp(-x)), "relu": lambda x: np.maximum(x, 0)}
for _name, _ref in _UNARY.items():
    _case(f"{_name}_", lambda x, n=_name: getattr(x.clone(), f"{n}_")(), [Arg((3, 4))], _ref)
    _case(f"{_name}_-noncontig", lambda x, n=_name: getattr(x.clone(), f"{n}_")(), [Arg((3, 4), noncontig=True)],
          _ref)
for _name, _ref in {"log": np.log, "sqrt": np.sqrt}.items():
    _case(f"{_name}_", lambda x, n=_name: getattr(x.clone(), f"{n}_")(), [Arg((3, 4), **_POS)], _ref)
    _case(f"{_name}_-0d", lambda x, n=_name: getattr(x.clone(), f"{n}_")(), [Arg((), **_POS)],
          lambda x, r=_ref: np.asarray(r(x)))
_case("exp_-empty", lambda x: x.clone().exp_(), [Arg((0, 2))], np.exp)
_case("nan_to_num_", lambda x: x.clone().nan_to_num_(nan=0.5), [Arg((3, 4))], lambda x: x.copy())
_case("nan_to_num_-special", lambda x: x.clone().nan_to_num_(nan=0.5, posinf=9.0, neginf=-9.0),
      [Arg((2, 2), values=[[np.nan, np.inf], [-np.inf, 1.5]])],
      lambda x: np.nan_to_num(x, nan=0.5, posinf=9.0, neginf=-9.0), grad=False)

# a chain of in-place ops on one clone, and an in-place op on a view of a clone
_case("chain", lambda x, y: x.clone().mul_(y).add_(1.0).tanh_().clamp_(-0.5, 0.5), [Arg((3, 4)), Arg((4,))],
      lambda x, y: np.clip(np.tanh(x * y + 1.0), -0.5, 0.5))
_case("view-mul_", lambda x, y: _view_mul(x, y), [Arg((3, 4)), Arg((4,))],
      lambda x, y: np.concatenate([x[:1] * y, x[1:]]))


def _view_mul(x, y):
    z = x.clone()
    z[0].mul_(y)
    return z


# integer targets (no gradient), checked against numpy's integer results
_case("add_-int", lambda x, y: x.clone().add_(y), [Arg((5,), -3, 3, dtype="int64"), Arg((5,), -3, 3, dtype="int64")],
      np.add, grad=False)
_case("floor_divide_-int", lambda x: x.clone().floor_divide_(2), [Arg((5,), -5, 5, dtype="int64")],
      lambda x: x // 2, grad=False)
_case("remainder_-int", lambda x: x.clone().remainder_(-3), [Arg((5,), -5, 5, dtype="int64")],
      lambda x: x % -3, grad=False)
_case("clamp_-int", lambda x: x.clone().clamp_(-1, 2), [Arg((5,), -5, 5, dtype="int64")],
      lambda x: np.clip(x, -1, 2), grad=False)
_case("fill_-int", lambda x: x.clone().fill_(7), [Arg((2, 3), -5, 5, dtype="int32")],
      lambda x: np.full_like(x, 7), grad=False)
_case("abs_-int", lambda x: x.clone().abs_(), [Arg((5,), -5, 5, dtype="int64")], np.abs, grad=False)
_case("div_-trunc", lambda x, y: x.clone().div_(y, rounding_mode="trunc"),
      [Arg((4,), values=[-2.9, -0.4, 1.3, 2.6]), Arg((4,), values=[0.7, 1.1, -1.9, 0.9])],
      lambda x, y: np.trunc(x / y))
_case("logit_", lambda x: x.clone().logit_(), [Arg((3, 4), 0.1, 0.9)], lambda p: np.log(p / (1 - p)))
_case("logit_-eps", lambda x: x.clone().logit_(eps=0.2), [Arg((5,), values=[0.05, 0.3, 0.5, 0.7, 0.95])],
      lambda p: np.log(np.clip(p, 0.2, 0.8) / (1 - np.clip(p, 0.2, 0.8))))
_case("atan2_", lambda x, y: x.clone().atan2_(y), [Arg((3, 4)), Arg((4,), 0.5, 2)], np.arctan2)

# cumulative sums/products and renorm in place
_case("cumsum_", lambda x: x.clone().cumsum_(1), [Arg((3, 4))], lambda x: np.cumsum(x, 1))
_case("cumprod_", lambda x: x.clone().cumprod_(0), [Arg((3, 4), **_POS)], lambda x: np.cumprod(x, 0))
_case("renorm_", lambda x: x.clone().renorm_(2, 0, 1.0), [Arg((3, 4))],
      lambda x: x * np.minimum(1, 1.0 / (np.linalg.norm(x, axis=1, keepdims=True) + 1e-7)))
