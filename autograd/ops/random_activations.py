"""Activations that draw random numbers: rrelu (random leaky slopes) and gumbel_softmax (Gumbel noise)."""
import numbers
import warnings

import numpy as np

from .. import dtypes, random
from .._tensor import Tensor
from .activation import leaky_relu, softmax
from .inplace import check_inplace, commit
from .loss import _const


def _floating(x, op):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")
    if x.dtype not in dtypes.FLOATS:
        raise NotImplementedError(f"{op}: not implemented for dtype {x.dtype}; convert the input with .float()")
    return x


def _uniform(x, generator, op):
    """Uniform samples in [0, 1) of x's shape (float64 for float64 x, else float32), on x's device: from the CPU
    stream of the generator (the default one when None), or from its Philox stream of x's GPU."""
    if generator is not None and not isinstance(generator, random.Generator):
        raise TypeError(f"{op}: generator must be an autograd.Generator or None, got {type(generator).__name__}")
    wide = dtypes.float64 if x.dtype == dtypes.float64 else dtypes.float32
    if x.device.type == "cuda":
        return random.device_uniform(tuple(x.shape), wide, x.device, generator)
    return (generator or random.default_generator).rng.random(tuple(x.shape), dtype=wide.name)


# ---------------------------------------------------------------------------- rrelu
def _bounds(lower, upper, op):
    for v, what in ((lower, "lower"), (upper, "upper")):
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise TypeError(f"{op}(): argument '{what}' must be a number, not {type(v).__name__}")
    if lower > upper:
        raise RuntimeError(f"{op}: Lower bound should be less than or equal to the upper bound (got lower={lower}, "
                           f"upper={upper})")
    return float(lower), float(upper)


def _rrelu(input, lower, upper, training, generator, op):
    """The rrelu of input, off the in-place bookkeeping: in training x * a where x <= 0, a ~ U(lower, upper) per
    element (the gradient is a there, 1 elsewhere); otherwise leaky_relu with slope (lower + upper) / 2."""
    if not training:
        return leaky_relu(input, (lower + upper) / 2)
    slope = _uniform(input, generator, op) * (upper - lower) + lower
    noise = input.xp.where(input.array <= 0, slope, 1).astype(input.dtype, copy=False)
    return input * _const(noise)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False, *, generator=None):
    """Randomized leaky ReLU: in training, x <= 0 is scaled by a slope drawn uniformly from [lower, upper] per
    element; in eval by the fixed slope (lower + upper) / 2."""
    _floating(input, "rrelu")
    lower, upper = _bounds(lower, upper, "rrelu")
    if inplace:
        return rrelu_(input, lower, upper, training, generator)
    return _rrelu(input, lower, upper, training, generator, "rrelu")


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    """In-place rrelu."""
    _floating(input, "rrelu_")
    lower, upper = _bounds(lower, upper, "rrelu_")
    check_inplace(input, "rrelu_")
    return commit(input, _rrelu(input, lower, upper, training, generator, "rrelu_"), "rrelu_")


# ---------------------------------------------------------------------------- gumbel_softmax
def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """softmax((logits + g) / tau) along dim for Gumbel(0, 1) noise g; hard: the one-hot of its argmax in the
    forward, with the soft sample's gradient (straight-through estimator)."""
    op = "gumbel_softmax"
    _floating(logits, op)
    if eps != 1e-10:
        warnings.warn("gumbel_softmax: `eps` parameter is deprecated and has no effect.", stacklevel=2)
    xp = logits.xp
    with np.errstate(divide="ignore"):  # u == 0 gives noise -inf: that class gets probability 0
        gumbels = -xp.log(-xp.log(_uniform(logits, None, op)))
    y_soft = softmax((logits + _const(gumbels.astype(logits.dtype, copy=False))) / tau, dim)
    if not hard:
        return y_soft
    soft = y_soft.array
    if soft.ndim == 0:  # a single class: the one-hot is 1
        return _const(xp.ones((), dtype=soft.dtype) - soft) + y_soft
    d = dim % soft.ndim
    index = xp.expand_dims(soft.argmax(axis=d), d)
    classes = xp.arange(soft.shape[d]).reshape((-1,) + (1,) * (soft.ndim - d - 1))
    return _const((classes == index).astype(soft.dtype) - soft) + y_soft


__all__ = ["rrelu", "rrelu_"]
METHODS = {}
