"""Window functions for spectral analysis: hann, hamming, blackman, bartlett and kaiser windows."""
import numbers

import numpy as np

from .. import creation, dtypes


def _window(op, window_length, periodic, dtype, device, requires_grad, formula):
    """formula(n, N) on n = 0..N-1 of the symmetric window of length N, which is window_length + 1 when periodic
    (the last sample dropped); computed in float64 and cast to dtype (the default float dtype by default)."""
    if isinstance(window_length, bool) or not isinstance(window_length, numbers.Integral):
        raise TypeError(f"{op}(): argument 'window_length' (position 1) must be int, not "
                        f"{type(window_length).__name__}")
    if window_length < 0:
        raise RuntimeError(f"{op} requires non-negative window_length, got window_length={window_length}")
    dtype = dtypes.get_default_dtype() if dtype is None else dtypes.as_dtype(dtype)
    if dtype not in dtypes.FLOATS:
        raise RuntimeError(f"{op} expects floating point dtypes, got {dtype}; pass dtype=torch.float32 or float64")
    if window_length <= 1:
        values = np.ones(window_length)
    else:
        size = window_length + 1 if periodic else window_length
        values = formula(np.arange(size, dtype=np.float64), size)[:window_length]
    return creation.tensor(values.astype(dtype), device=device, requires_grad=requires_grad)


def _cosine_sum(*coefficients):
    """sum_k (-1)^k a_k cos(2 pi k n / (N - 1)): the generalised cosine window."""
    def formula(n, size):
        phase = 2 * np.pi * n / (size - 1)
        return sum((-1) ** k * a * np.cos(k * phase) for k, a in enumerate(coefficients))
    return formula


def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                requires_grad=False):
    """1/2 - 1/2 cos(2 pi n / (N - 1)); periodic (the default) for spectral analysis, symmetric for filters."""
    return _window("hann_window", window_length, periodic, dtype, device, requires_grad, _cosine_sum(0.5, 0.5))


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None, layout=None, device=None,
                   pin_memory=False, requires_grad=False):
    """alpha - beta cos(2 pi n / (N - 1))."""
    return _window("hamming_window", window_length, periodic, dtype, device, requires_grad,
                   _cosine_sum(alpha, beta))


def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                    requires_grad=False):
    """0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))."""
    return _window("blackman_window", window_length, periodic, dtype, device, requires_grad,
                   _cosine_sum(0.42, 0.5, 0.08))


def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                    requires_grad=False):
    """The triangle 1 - |2 n / (N - 1) - 1|."""
    return _window("bartlett_window", window_length, periodic, dtype, device, requires_grad,
                   lambda n, size: 1 - np.abs(2 * n / (size - 1) - 1))


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None, device=None,
                  pin_memory=False, requires_grad=False):
    """I0(beta sqrt(1 - (2 n / (N - 1) - 1) ** 2)) / I0(beta)."""
    return _window("kaiser_window", window_length, periodic, dtype, device, requires_grad,
                   lambda n, size: np.i0(beta * np.sqrt(np.clip(1 - (2 * n / (size - 1) - 1) ** 2, 0, None)))
                   / np.i0(beta))


__all__ = ["bartlett_window", "blackman_window", "hamming_window", "hann_window", "kaiser_window"]
METHODS = {}
