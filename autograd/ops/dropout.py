"""Dropout: dropout, dropout1d/2d/3d (whole channels), alpha_dropout and feature_alpha_dropout."""
import math

from .. import backend, dtypes
from ..function import Op
from ..tensor import Tensor


class _Mask(Op):
    """y = x * m (+ b): m and b are constant arrays (the scaled mask, and the alpha-dropout shift)."""

    def forward(ctx, x, m, b):
        ctx.m = m
        y = x * m
        if b is not None:
            y += b
        return y

    def backward(ctx, gy):
        return gy * ctx.m, None, None


def _check(input, p, op):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a tensor as input, got {type(input).__name__}")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{op}: dropout probability has to be between 0 and 1, but got {p}")
    if input.dtype not in dtypes.FLOATS:
        raise TypeError(f"{op}: expected a floating point tensor, got dtype {input.dtype}")


def _keep(shape, p, dtype, device):
    """A 0/1 mask of `shape` (1 with probability 1 - p) from the default generator, on `device`."""
    from .. import random

    keep = random.default_generator.rng.random(shape, dtype="float32" if dtype != dtypes.float64 else "float64")
    return backend.to_device((keep >= p).astype(dtype), device)


def _apply(input, p, training, inplace, noise_shape, alpha, op):
    """Shared body: feature (channel) dropout when noise_shape has 1s, alpha dropout when alpha."""
    _check(input, p, op)
    if not training or p == 0 or input.numel() == 0:
        return input
    noise = _keep(noise_shape, p, input.dtype, input.device)
    b = None
    if p == 1:
        noise *= 0
    elif alpha:
        a = 1.0 / math.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
        b = (noise - 1) * (_ALPHA * a) + _ALPHA * a * p
        noise *= a
    else:
        noise *= 1.0 / (1 - p)
    out = _Mask.apply(input, noise, b)
    if inplace:
        from .inplace import check_inplace, commit

        check_inplace(input, f"{op}_")
        return commit(input, out, f"{op}_")
    return out


_ALPHA = 1.7580993408473766  # -selu_scale * selu_alpha


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability p and scale the rest by 1 / (1 - p) (identity when not training)."""
    return _apply(input, p, training, inplace, tuple(input.shape) if isinstance(input, Tensor) else (), False,
                  "dropout")


def _feature_shape(input, batched_ndim, op):
    """The noise shape of channel dropout: (N, C, 1, ...) for batched input, (C, 1, ...) unbatched."""
    nd = input.ndim
    if nd not in (batched_ndim, batched_ndim - 1):
        names = {3: "(N, C, L) or (C, L)", 4: "(N, C, H, W) or (C, H, W)", 5: "(N, C, D, H, W) or (C, D, H, W)"}
        raise ValueError(f"{op}: expected a {batched_ndim - 1}-D or {batched_ndim}-D input "
                         f"{names[batched_ndim]}, got shape {tuple(input.shape)}")
    lead = 2 if nd == batched_ndim else 1
    return tuple(input.shape[:lead]) + (1,) * (nd - lead)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, L) or (C, L) input with probability p."""
    _check(input, p, "dropout1d")
    return _apply(input, p, training, inplace, _feature_shape(input, 3, "dropout1d"), False, "dropout1d")


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, H, W) or (C, H, W) input with probability p."""
    _check(input, p, "dropout2d")
    return _apply(input, p, training, inplace, _feature_shape(input, 4, "dropout2d"), False, "dropout2d")


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) input with probability p."""
    _check(input, p, "dropout3d")
    return _apply(input, p, training, inplace, _feature_shape(input, 5, "dropout3d"), False, "dropout3d")


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout for SELU networks: dropped values become SELU's negative saturation; mean and variance are kept."""
    return _apply(input, p, training, inplace, tuple(input.shape) if isinstance(input, Tensor) else (), True,
                  "alpha_dropout")


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """alpha_dropout of whole channels (dim 1)."""
    _check(input, p, "feature_alpha_dropout")
    if input.ndim < 2:
        raise ValueError(f"feature_alpha_dropout: expected an input with at least 2 dimensions (N, C, ...), got "
                         f"shape {tuple(input.shape)}")
    shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
    return _apply(input, p, training, inplace, shape, True, "feature_alpha_dropout")


__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"]
METHODS = {}
