"""torch.testing: assert_close (closeness of tensors, scalars and their containers) and make_tensor."""
import collections.abc
import math

import numpy as np

from . import backend, dtypes
from ._tensor import Size, Tensor
from .creation import tensor as _tensor
from .random import _default
from .type_info import finfo

__all__ = ["assert_close", "make_tensor"]

# (rtol, atol) by dtype when neither is given; other dtypes compare exactly
_TOLERANCES = {dtypes.float16: (1e-3, 1e-5), dtypes.float32: (1.3e-6, 1e-5), dtypes.float64: (1e-7, 1e-7),
               dtypes.complex64: (1.3e-6, 1e-5), dtypes.complex128: (1e-7, 1e-7)}
if dtypes.HAS_BFLOAT16:
    _TOLERANCES[dtypes.bfloat16] = (1.6e-2, 1e-5)


class _Mismatch(AssertionError):
    """An assertion failure whose message assert_close may still replace by msg."""


def _tolerances(*dts, rtol, atol):
    if (rtol is None) != (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no "
                         f"{'rtol' if rtol is None else 'atol'}.")
    if rtol is not None:
        return rtol, atol
    pairs = [_TOLERANCES.get(np.dtype(d), (0.0, 0.0)) for d in dts]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _fail(text):
    raise _Mismatch(text)


def _compare_arrays(actual, expected, rtol, atol, equal_nan, scalar):
    """Raise _Mismatch with PyTorch's report when the (host) arrays are not close."""
    exact = rtol == 0 and atol == 0
    if actual.dtype == np.bool_:
        actual, expected = actual.astype(np.int64), expected.astype(np.int64)
    if actual.dtype.kind in "iu":
        actual, expected = actual.astype(np.int64), expected.astype(np.int64)
    with np.errstate(all="ignore"):
        if exact:
            close = np.asarray(actual == expected)
            if equal_nan and actual.dtype.kind in "fc":
                close |= np.isnan(actual) & np.isnan(expected)
        else:
            close = np.asarray(np.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan))
        if close.all():
            return
        abs_diff = np.abs(actual - expected)
        rel_base = np.abs(expected)
        if abs_diff.dtype.kind in "iu":
            rel_diff = abs_diff.astype(np.float32) / rel_base.astype(np.float32)
        else:
            rel_diff = abs_diff / rel_base
    abs_diff = np.where(close, 0, abs_diff)
    rel_diff = np.where(close, 0, rel_diff)
    word = "equal" if exact else "close"
    allowed = (lambda tol: "") if exact else (lambda tol: f" (up to {tol} allowed)")
    if scalar:  # reported in Python numbers, as PyTorch does
        a, e = actual.item(), expected.item()
        diff = abs(a - e)
        with np.errstate(all="ignore"):
            rel = diff / abs(e) if e != 0 else (math.nan if diff != diff else math.inf if diff else math.nan)
        _fail(f"Scalars are not {word}!\n\nExpected {e} but got {a}.\n"
              f"Absolute difference: {diff}{allowed(atol)}\n"
              f"Relative difference: {rel}{allowed(rtol)}")
    n, total = int((~close).sum()), close.size
    flat_abs = np.nan_to_num(abs_diff.ravel(), nan=np.inf)
    flat_rel = np.nan_to_num(rel_diff.ravel(), nan=np.inf)
    i_abs = np.unravel_index(int(np.argmax(flat_abs)), close.shape)
    i_rel = np.unravel_index(int(np.argmax(flat_rel)), close.shape)
    _fail(f"Tensor-likes are not {word}!\n\nMismatched elements: {n} / {total} ({n / total:.1%})\n"
          f"Greatest absolute difference: {abs_diff[i_abs].item()} at index {tuple(int(i) for i in i_abs)}"
          f"{allowed(atol)}\n"
          f"Greatest relative difference: {rel_diff[i_rel].item()} at index {tuple(int(i) for i in i_rel)}"
          f"{allowed(rtol)}")


def _compare_tensors(actual, expected, rtol, atol, equal_nan, check_device, check_dtype):
    is_tensor = isinstance(actual, Tensor)
    a = actual.detach().array if is_tensor else actual
    e = expected.detach().array if is_tensor else expected
    if tuple(a.shape) != tuple(e.shape):
        shape = (lambda s: repr(Size(s))) if is_tensor else (lambda s: repr(tuple(s)))
        _fail(f"The values for attribute 'shape' do not match: {shape(a.shape)} != {shape(e.shape)}.")
    if is_tensor and check_device and actual.device != expected.device:
        _fail(f"The values for attribute 'device' do not match: {actual.device} != {expected.device}.")
    if check_dtype and a.dtype != e.dtype:
        _fail(f"The values for attribute 'dtype' do not match: {a.dtype} != {e.dtype}.")
    rtol, atol = _tolerances(a.dtype, e.dtype, rtol=rtol, atol=atol)
    a, e = backend.to_device(a, "cpu"), backend.to_device(e, "cpu")
    if a.dtype != e.dtype:
        common = np.promote_types(a.dtype, e.dtype)
        a, e = a.astype(common), e.astype(common)
    _compare_arrays(np.asarray(a), np.asarray(e), rtol, atol, equal_nan, is_tensor and a.ndim == 0)


def _compare_scalars(actual, expected, rtol, atol, equal_nan):
    if type(actual) is not type(expected):
        _fail(f"The (d)types do not match: {type(actual)} != {type(expected)}.")
    dtype = {bool: np.bool_, int: np.int64, float: np.float64, complex: np.complex128}[type(actual)]
    rtol, atol = _tolerances(dtype, rtol=rtol, atol=atol)
    if isinstance(actual, int) and not (abs(actual) < 2 ** 63 and abs(expected) < 2 ** 63):
        if actual != expected:
            _fail(f"Scalars are not equal!\n\nExpected {expected} but got {actual}.")
        return
    _compare_arrays(np.asarray(actual, dtype), np.asarray(expected, dtype), rtol, atol, equal_nan, True)


def _is_scalar(x):
    return isinstance(x, (bool, int, float, complex))


def _compare(actual, expected, where, kw):
    """Compare one pair, recursing into sequences and mappings; `where` is the item path for the report."""
    try:
        if isinstance(actual, Tensor) and isinstance(expected, Tensor) or \
                isinstance(actual, np.ndarray) and isinstance(expected, np.ndarray):
            return _compare_tensors(actual, expected, kw["rtol"], kw["atol"], kw["equal_nan"], kw["check_device"],
                                    kw["check_dtype"])
        if _is_scalar(actual) and _is_scalar(expected):
            return _compare_scalars(actual, expected, kw["rtol"], kw["atol"], kw["equal_nan"])
        if actual is None and expected is None:
            return None
    except _Mismatch as err:
        suffix = f"\n\nThe failure occurred for item {''.join(f'[{k!r}]' for k in where)}" if where else ""
        raise _Mismatch(str(err) + suffix) from None
    seq = collections.abc.Sequence
    if isinstance(actual, seq) and isinstance(expected, seq) and not isinstance(actual, str) \
            and not isinstance(expected, str):
        if len(actual) != len(expected):
            _fail(f"The length of the sequences mismatch: {len(actual)} != {len(expected)}")
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare(a, e, where + (i,), kw)
        return None
    mapping = collections.abc.Mapping
    if isinstance(actual, mapping) and isinstance(expected, mapping):
        if set(actual) != set(expected):
            missing = sorted(set(expected) - set(actual), key=repr)
            extra = sorted(set(actual) - set(expected), key=repr)
            _fail(f"The keys of the mappings do not match:\nMissing keys in the actual mapping: {missing}\n"
                  f"Additional keys in the actual mapping: {extra}")
        for k in expected:
            _compare(actual[k], expected[k], where + (k,), kw)
        return None
    raise TypeError(f"No comparison pair was able to handle inputs of type {type(actual)} and {type(expected)}.")


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None, equal_nan=False,
                 check_device=True, check_dtype=True, check_layout=True, check_stride=False, msg=None):
    """Raise AssertionError unless actual and expected (tensors, arrays, Python scalars, or sequences/mappings of
    them) have equal shapes, dtypes, devices and values within |a - e| <= atol + rtol * |e|; rtol/atol default by
    dtype as in PyTorch. msg replaces the report (a callable gets the report and returns the message)."""
    if (rtol is None) != (atol is None):
        _tolerances(rtol=rtol, atol=atol)
    kw = dict(rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=check_device, check_dtype=check_dtype)
    try:
        _compare(actual, expected, (), kw)
    except _Mismatch as err:
        text = str(err)
        if msg is not None:
            text = msg(text) if callable(msg) else msg
        raise AssertionError(text) from None


def make_tensor(*shape, dtype, device, low=None, high=None, requires_grad=False, noncontiguous=False,
                exclude_zero=False, memory_format=None):
    """A tensor of the shape filled with random values in [low, high): by default [-9, 9] for floats and
    [-9, 10) for integers ([0, 10) unsigned); bools are random. exclude_zero replaces zeros by a small value."""
    if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
        shape = tuple(shape[0])
    dtype = dtypes.as_dtype(dtype)
    if low is not None and high is not None and low > high:
        raise ValueError(f"`low` must be less than or equal to `high`, but got {low} for `low` and {high} for "
                         "`high`.")
    for name, v in (("low", low), ("high", high)):
        if v is not None and isinstance(v, float) and math.isnan(v):
            raise ValueError(f"`{name}` cannot be NaN, but got {name}={v}")
    if requires_grad and dtype not in dtypes.DIFFERENTIABLE:
        raise ValueError(f"make_tensor: requires_grad=True is not supported for dtype {dtype}; only floating point "
                         "and complex dtypes can require gradients")
    rng = _default().rng
    size = tuple(int(s) for s in shape)
    if dtype == np.bool_:
        values = rng.integers(0, 2, size=size).astype(np.bool_)
    elif dtype in dtypes.INTEGERS:
        info = np.iinfo(dtype)
        lo = max(info.min, math.ceil(-9 if low is None else low))
        hi = min(info.max, math.ceil(10 if high is None else high))
        lo = max(lo, 0) if info.min == 0 else lo
        values = rng.integers(lo, max(hi, lo + 1), size=size).astype(dtype)
    else:
        lo, hi = -9.0 if low is None else low, 9.0 if high is None else high
        draw = (lambda: rng.uniform(lo, hi, size=size))
        values = ((draw() + 1j * draw()) if dtype in dtypes.COMPLEXES else draw()).astype(dtype)
        if exclude_zero:
            values[values == 0] = finfo(dtype).tiny
    if exclude_zero and dtype not in dtypes.FLOATS and dtype not in dtypes.COMPLEXES:
        values[values == 0] = 1
    out = _tensor(values, device=device)
    if requires_grad:
        out.requires_grad_(True)
    return out
