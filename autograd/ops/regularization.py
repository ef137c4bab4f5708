"""Dropout: dropout, dropout1d/2d/3d (whole channels), alpha_dropout and feature_alpha_dropout."""
import math
import warnings

import numpy as np

from .. import backend, dtypes, gradmath, kernels, random
from .._tensor import Tensor
from ..function import Op
from ..random import PHILOX_CUDA
from .inplace import check_inplace, commit


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
    """A 0/1 mask of `shape` (1 with probability 1 - p) from the default generator, on `device`.

    u >= p for uniform u in float64 (float64 input) or float32 (others): from the CPU stream on the CPU, from the
    device's Philox stream on a GPU (drawn there; nothing crosses the bus).
    """
    wide = dtypes.float64 if dtype == dtypes.float64 else dtypes.float32
    if device.type == "cuda":
        return (random.device_uniform(shape, wide, device) >= p).astype(dtype)
    keep = random.default_generator.rng.random(shape, dtype=wide.name)
    return backend.to_device((keep >= p).astype(dtype), device)


class _FusedDropout(Op):
    """dropout on a GPU in one kernel: the keep mask (u >= p, u from Philox(key, offset + i), as _keep draws it)
    is made inline and applied, y = keep ? x * scale : x * 0; the bool mask is kept for backward."""

    def forward(ctx, x, key, offset, p, scale):
        x = gradmath.xp(x).ascontiguousarray(x)  # the kernel's i is the C-order position, as in _keep's draw
        y, keep = kernels.get("dropout_fwd", x)(x, np.uint64(key), np.uint64(offset), p, scale)
        ctx.keep, ctx.scale = keep, scale
        return y

    def backward(ctx, gy):
        k = kernels.get("dropout_bwd", gy)
        if k is not None:
            return k(gy, ctx.keep, ctx.scale), None, None, None, None
        return gy * (ctx.keep.astype(gy.dtype) * ctx.scale), None, None, None, None


@kernels.register("dropout_fwd")
def _dropout_fwd_kernel(cp, dtype):
    u = "tg_unit_d(w.x, w.y)" if dtype == np.float64 else "tg_unit_f(w.x, 24)"
    return cp.ElementwiseKernel(
        "T x, uint64 key, uint64 offset, T p, T scale", "T y, bool keep",
        f"tg_u4 w = tg_philox(key, offset + (unsigned long long)i); keep = {u} >= p; "
        "y = keep ? x * scale : x * (T)0;", f"tg_dropout_fwd_{dtype.name}", preamble=PHILOX_CUDA)


@kernels.register("dropout_bwd")
def _dropout_bwd_kernel(cp, dtype):
    return cp.ElementwiseKernel("T gy, bool keep, T scale", "T gx", "gx = keep ? gy * scale : gy * (T)0;",
                                f"tg_dropout_bwd_{dtype.name}")


def _fused(input, p, noise_shape, alpha):
    """The fused GPU dropout of input, or None when it does not apply (CPU, stand-in, channel or alpha dropout)."""
    if alpha or p == 1 or noise_shape != tuple(input.shape) or kernels.get("dropout_fwd", input.array) is None:
        return None
    _, key, offset = random._stream(None, input.device, input.numel())
    return _FusedDropout.apply(input, key, offset, p, 1.0 / (1 - p))


def _apply(input, p, training, inplace, noise_shape, alpha, op):
    """Shared body: feature (channel) dropout when noise_shape has 1s, alpha dropout when alpha."""
    _check(input, p, op)
    if not training or p == 0 or input.numel() == 0:
        return input
    out = _fused(input, p, noise_shape, alpha)
    if out is not None:
        return _finish_inplace(input, out, inplace, op)
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
    return _finish_inplace(input, _Mask.apply(input, noise, b), inplace, op)


def _finish_inplace(input, out, inplace, op):
    if inplace:
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


_DROPOUT2D_3D = ("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is "
                 "desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will "
                 "change in a future release to interpret the input as one without a batch dimension, i.e. shape "
                 "(C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d "
                 "instead.")


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, H, W) input with probability p.

    A 3-D input is read as (N, C, L) and dropped per (n, c), with a warning, as PyTorch 2.x does (not as an
    unbatched (C, H, W)); use dropout1d for (N, C, L), or unsqueeze(0) an unbatched (C, H, W) input.
    """
    _check(input, p, "dropout2d")
    if input.ndim == 3:
        warnings.warn(_DROPOUT2D_3D, stacklevel=2)
        shape = tuple(input.shape[:2]) + (1,)
    elif input.ndim == 4:
        shape = tuple(input.shape[:2]) + (1, 1)
    else:
        raise ValueError(f"dropout2d: expected a 3-D or 4-D input (N, C, H, W), or (N, C, L) as in PyTorch, got "
                         f"shape {tuple(input.shape)}")
    return _apply(input, p, training, inplace, shape, False, "dropout2d")


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
    shape = _channels(input, ValueError, "feature_alpha_dropout: expected an input with at least 2 dimensions")
    return _apply(input, p, training, inplace, shape, True, "feature_alpha_dropout")


def feature_dropout(input, p, train):
    """torch.feature_dropout: dropout of whole channels (dim 1) of an input with 2 or more dims, when train."""
    _check(input, p, "feature_dropout")
    shape = _channels(input, RuntimeError, "feature_dropout: requires at least 2 dimensions in the input")
    return _apply(input, p, train, False, shape, False, "feature_dropout")


def _channels(input, error, message):
    """The noise shape (N, C, 1, ...) of channel dropout; `error` when input has fewer than 2 dims."""
    if input.ndim < 2:
        raise error(f"{message} (N, C, ...), got shape {tuple(input.shape)}")
    return tuple(input.shape[:2]) + (1,) * (input.ndim - 2)


__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout",
           "feature_dropout"]
METHODS = {}
