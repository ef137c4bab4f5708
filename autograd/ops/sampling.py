"""Sampling from tensors of parameters: multinomial, bernoulli, poisson, binomial, geometric_, cauchy_, log_normal_.

CPU tensors draw from the generator's CPU stream, CUDA tensors from its Philox stream of their device (on the
device), as rand/randn do. None of these ops is differentiable: the samples are new tensors off the tape.
"""
import math
import numbers

import numpy as np

from .. import backend, dtypes, random
from .._tensor import Tensor
from .inplace import _fill_from, check_inplace


def _generator(generator, op):
    """`generator`, checked to be an autograd.Generator or None (the default generator)."""
    if generator is not None and not isinstance(generator, random.Generator):
        raise TypeError(f"{op}: generator must be an autograd.Generator or None, got {type(generator).__name__}")
    return generator


def _rng(generator, op):
    """The numpy Generator of the CPU stream of `generator` (the default generator when None)."""
    return (_generator(generator, op) or random.default_generator).rng


def _number(value, op, name):
    """A Python float from a number argument (TypeError for anything else, bools included)."""
    if isinstance(value, Tensor) and value.numel() == 1:
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{op}: argument '{name}' must be a number, not {type(value).__name__}")
    return float(value)


def _tensor(x, op, name="input"):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: argument '{name}' must be a Tensor, not {type(x).__name__}")
    return x


def _uniform(shape, wide, x, generator, op):
    """Uniform samples in [0, 1) of shape `shape` for tensor x: float64 host values, or `wide` ones on x's GPU."""
    if x.device.type == "cuda":
        return random.device_uniform(shape, wide, x.device, _generator(generator, op))
    return _rng(generator, op).random(shape)


def _wide(x):
    """The float dtype device uniforms are drawn in for x: float64 for float64 tensors, else float32."""
    return dtypes.float64 if x.dtype == dtypes.float64 else dtypes.float32


def _new(arr, dtype):
    return Tensor._make(arr.astype(dtype, copy=False), None, 0)


# ---------------------------------------------------------------------------- multinomial
def multinomial(input, num_samples, replacement=False, *, generator=None):
    """num_samples category indices (int64) per row of input, a 1-d or 2-d tensor of non-negative weights that need
    not sum to 1; without replacement each index appears at most once per row, in the order drawn."""
    op = "multinomial"
    x = _tensor(input, op)
    if x.dtype not in dtypes.FLOATS:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {x.dtype}; convert "
                           "the weights with .float()")
    if x.array.ndim not in (1, 2):
        raise RuntimeError(f"multinomial: prob_dist must be 1 or 2 dim, got a tensor of shape {tuple(x.shape)}")
    n = dtypes.as_int(num_samples, op, "num_samples")
    if not isinstance(replacement, (bool, np.bool_)):
        raise TypeError(f"multinomial: argument 'replacement' must be bool, not {type(replacement).__name__}")
    if n <= 0:
        raise RuntimeError(f"multinomial: cannot sample n_sample <= 0 samples (got num_samples={n})")
    k = x.array.shape[-1]
    if not replacement and n > k:
        raise RuntimeError(f"multinomial: cannot sample n_sample > prob_dist.size(-1) samples without replacement "
                           f"(num_samples={n}, {k} categories); pass replacement=True")
    rows = 1 if x.array.ndim == 1 else x.array.shape[0]
    w = x.array.reshape(rows, k).astype(np.float64)
    xp = backend.array_module(w)
    out_shape = (n,) if x.array.ndim == 1 else (rows, n)
    if rows == 0:
        return Tensor._make(xp.zeros(out_shape, dtype=np.int64), None, 0)
    if k == 0:
        raise RuntimeError("multinomial: invalid multinomial distribution (sum of probabilities <= 0): the input has "
                           "no categories")
    backend.check_later(~(w >= 0) | (w == math.inf), RuntimeError,
                        "multinomial: probability tensor contains either `inf`, `nan` or element < 0")
    if replacement:
        cdf = xp.cumsum(w, axis=1)
        backend.check_later(cdf[:, -1] <= 0, RuntimeError,
                            "multinomial: invalid multinomial distribution (sum of probabilities <= 0)")
        idx = _inverse_cdf(xp, cdf, _uniform((rows, n), dtypes.float64, x, generator, op))
    else:
        backend.check_later((w > 0).sum(axis=1) < n, RuntimeError,
                            f"multinomial: invalid multinomial distribution: a row has fewer than num_samples={n} "
                            "categories of non-zero weight to draw without replacement; pass replacement=True")
        idx = _exponential_race(xp, w, n, _uniform((rows, k), dtypes.float64, x, generator, op))
    return Tensor._make(idx.reshape(out_shape), None, 0)


def _inverse_cdf(xp, cdf, u):
    """For each row r of the cumulative weights cdf and each uniform u[r, j]: the first category whose cumulative
    weight exceeds u * total (zero-weight categories are never picked). One searchsorted over all rows at once:
    row r's cumulative fractions are shifted into [r, r + 1]."""
    rows, k = cdf.shape
    shift = xp.arange(rows, dtype=np.float64)[:, None]
    keys = cdf / cdf[:, -1:] + shift  # row r ends at exactly r + 1 (categories of zero weight repeat a key)
    q = xp.minimum(u + shift, xp.nextafter(shift + 1.0, shift))  # stays below r + 1 after rounding
    idx = xp.searchsorted(keys.ravel(), q.ravel(), side="right").reshape(u.shape)
    return idx - xp.arange(rows, dtype=np.int64)[:, None] * k


def _exponential_race(xp, w, n, u):
    """n distinct categories per row drawn without replacement in proportion to the weights w: each category's
    exponential clock E / w_i (E = -log(1 - u) ~ Exp(1)); the n earliest, earliest first, are the draws in order."""
    with np.errstate(divide="ignore", invalid="ignore"):
        clocks = xp.where(w > 0, -xp.log1p(-u) / w, math.inf)
    if n < w.shape[1]:
        first = xp.argpartition(clocks, n - 1, axis=1)[:, :n]
        order = xp.argsort(xp.take_along_axis(clocks, first, axis=1), axis=1)
        return xp.take_along_axis(first, order, axis=1).astype(np.int64, copy=False)
    return xp.argsort(clocks, axis=1).astype(np.int64, copy=False)


# ---------------------------------------------------------------------------- bernoulli and poisson
def bernoulli(input, p=None, *, generator=None):
    """0/1 samples (of input's dtype) that are 1 with probability input (elementwise), or with probability p for
    every element of input's shape when p is given."""
    op = "bernoulli"
    x = _tensor(input, op)
    if p is None:
        if x.dtype not in dtypes.FLOATS:
            raise RuntimeError(f"bernoulli: the probabilities must be a floating tensor, got dtype {x.dtype}; "
                               "convert them with .float(), or pass p=")
        prob = x.array
        backend.check_later(~((prob >= 0) & (prob <= 1)), RuntimeError,
                            "bernoulli: expected all probabilities in [0, 1] (found values outside it, or nan)")
    else:
        if isinstance(p, Tensor):
            raise TypeError("bernoulli: p must be a number; for one probability per element pass them as input "
                            "(autograd.bernoulli(probs)) or use Tensor.bernoulli_(p)")
        prob = _number(p, op, "p")
        if not 0 <= prob <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    u = _uniform(x.array.shape, _wide(x), x, generator, op)
    return _new(u < prob, x.dtype)


def poisson(input, generator=None):
    """Samples of the Poisson distribution with the rates in input (non-negative), as floats of input's dtype."""
    op = "poisson"
    x = _tensor(input, op)
    if x.dtype not in dtypes.FLOATS:
        raise RuntimeError(f"poisson: the rates must be a floating tensor, got dtype {x.dtype}; convert them with "
                           ".float()")
    rates = x.array.astype(np.float64)
    backend.check_later(~((rates >= 0) & (rates < 1e18)), RuntimeError,
                        "poisson: invalid Poisson rate, expected rate to be non-negative and finite (below 1e18)")
    if x.device.type == "cuda":
        return _new(random.device_poisson(rates, x.device, _generator(generator, op)), x.dtype)
    return _new(_rng(generator, op).poisson(rates).astype(np.float64), x.dtype)


def binomial(count, prob, generator=None):
    """Samples of the binomial distribution: successes in count (elementwise) trials of success probability prob,
    as floats of count's dtype (count and prob broadcast)."""
    op = "binomial"
    n, p = _tensor(count, op, "count"), _tensor(prob, op, "prob")
    if n.dtype not in dtypes.FLOATS or p.dtype not in dtypes.FLOATS:
        raise RuntimeError(f"binomial: count and prob must be floating tensors, got dtypes {n.dtype} and {p.dtype}; "
                           "convert them with .float()")
    if n.device != p.device:
        raise RuntimeError(f"binomial: expected all tensors on the same device, but found one on {n.device} and one "
                           f"on {p.device}; move one with .to(device) first")
    xp = backend.array_module(n.array)
    try:
        shape = np.broadcast_shapes(n.array.shape, p.array.shape)
    except ValueError:
        raise RuntimeError(f"binomial: count of shape {tuple(n.shape)} and prob of shape {tuple(p.shape)} cannot be "
                           "broadcast together") from None
    trials = xp.broadcast_to(n.array.astype(np.float64), shape)
    probs = xp.broadcast_to(p.array.astype(np.float64), shape)
    backend.check_later(~((trials >= 0) & (trials % 1 == 0)) | ~((probs >= 0) & (probs <= 1)), RuntimeError,
                        "binomial: expected count to be non-negative integers and prob in [0, 1]")
    if n.device.type == "cuda":  # sum of Bernoulli trials on the device (one uniform per trial up to the largest count)
        most = int(trials.max()) if trials.size else 0
        u = _uniform(shape + (most,), dtypes.float64, n, generator, op)
        live = xp.arange(most, dtype=np.float64) < trials[..., None]
        return _new(((u < probs[..., None]) & live).sum(axis=-1).astype(np.float64), n.dtype)
    return _new(_rng(generator, op).binomial(trials.astype(np.int64), probs).astype(np.float64), n.dtype)


# ---------------------------------------------------------------------------- in-place samplers
def _continuous(x, op, what):
    if x.dtype not in dtypes.FLOATS:
        raise RuntimeError(f"{op}: the {what} distribution is continuous: the tensor must have a floating dtype, "
                           f"got {x.dtype}")


def geometric_(self, p, *, generator=None):
    """Fill with samples of the geometric distribution: the number of Bernoulli(p) trials up to the first success
    (1, 2, 3, ...)."""
    op = "geometric_"
    check_inplace(self, op)
    prob = _number(p, op, "p")
    if not 0 < prob < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p}")
    if self.device.type == "cuda":  # trials = floor(log(1 - U) / log(1 - p)) + 1 >= 1, as 1 - U lies in (0, 1]
        u = _uniform(self.array.shape, dtypes.float64, self, generator, op)
        xp = backend.array_module(u)
        return _fill_from(self, xp.floor(xp.log1p(-u) / math.log1p(-prob)) + 1.0)
    return _fill_from(self, _rng(generator, op).geometric(prob, self.array.shape))


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """Fill with samples of the Cauchy distribution: median + sigma * tan(pi * (U - 1/2))."""
    op = "cauchy_"
    check_inplace(self, op)
    _continuous(self, op, "Cauchy")
    median, sigma = _number(median, op, "median"), _number(sigma, op, "sigma")
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma}")
    if self.device.type == "cuda":
        u = _uniform(self.array.shape, _wide(self), self, generator, op)
        return _fill_from(self, backend.array_module(u).tan(math.pi * (u - 0.5)) * sigma + median)
    return _fill_from(self, _rng(generator, op).standard_cauchy(self.array.shape) * sigma + median)


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """Fill with samples of the log-normal distribution: exp(X) for X ~ N(mean, std^2)."""
    op = "log_normal_"
    check_inplace(self, op)
    _continuous(self, op, "log-normal")
    mean, std = _number(mean, op, "mean"), _number(std, op, "std")
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std}")
    if self.device.type == "cuda":
        z = random.device_normal(self.array.shape, _wide(self), self.device, _generator(generator, op))
        return _fill_from(self, backend.array_module(z).exp(z * std + mean))
    return _fill_from(self, _rng(generator, op).lognormal(mean, std, self.array.shape))


__all__ = ["multinomial", "bernoulli", "poisson", "binomial"]
METHODS = {"multinomial": multinomial, "bernoulli": bernoulli, "geometric_": geometric_, "cauchy_": cauchy_,
           "log_normal_": log_normal_}
