"""Spatial sampling: affine_grid and grid_sample (bilinear, nearest, bicubic; zeros, border, reflection padding).

Both are composite: grid_sample gathers the corner values of every sample point (one row gather over the
channel-last input) and weights them with differentiable functions of the grid, so gradients w.r.t. input and
grid, and the higher-order ones, come from the primitives.
"""
import warnings

import numpy as np

from .. import dtypes, gradmath
from .._tensor import Tensor
from .index import IndexSelect
from .join import stack
from .linalg import matmul

# torch's top-level names; affine_grid and grid_sample are torch.nn.functional's only (nn/functional.py imports them)
__all__ = ["affine_grid_generator", "grid_sampler", "grid_sampler_2d", "grid_sampler_3d"]
METHODS = {}

_MODES = {"bilinear": 0, "nearest": 1, "bicubic": 2}
_PADDINGS = {"zeros": 0, "border": 1, "reflection": 2}
_DEFAULT_CHANGED = ("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. "
                    "Please specify align_corners=True if the old behavior is desired. See the documentation of "
                    "grid_sample for details.")
_A = -0.75  # the cubic convolution constant PyTorch's bicubic mode uses


def _const(arr):
    return Tensor._make(arr, None, 0)


def _flag(value, op, name, position):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be bool, not {type(value).__name__}")
    return bool(value)


def _tensor(x, op, name, position):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be Tensor, not {type(x).__name__}")


# ---------------------------------------------------------------------------- affine_grid
def _linspace(n, align_corners, xp, dtype):
    """n points spanning [-1, 1] (pixel corners) or their centres when not align_corners; 0 for n <= 1."""
    if n <= 1:
        return xp.zeros(n, dtype=dtype)
    r = xp.linspace(-1, 1, n, dtype=dtype)
    return r if align_corners else r * ((n - 1) / n)


def affine_grid_generator(theta, size, align_corners):
    """The sampling grid (N, H, W, 2) or (N, D, H, W, 3) of the affine maps theta (N, 2, 3) or (N, 3, 4)."""
    op = "affine_grid_generator"
    _tensor(theta, op, "theta", 1)
    size = dtypes.as_ints(tuple(size) if isinstance(size, (tuple, list)) else size, op, "size")
    align_corners = _flag(align_corners, op, "align_corners", 3)
    if len(size) not in (4, 5):
        raise RuntimeError(f"{op}: AffineGridGenerator needs 4d (spatial) or 5d (volumetric) inputs, got size "
                           f"{list(size)}")
    if theta.dtype not in dtypes.FLOATS:
        raise ValueError(f"{op}: Expected theta to have floating point type, but got {theta.dtype}; convert it "
                         "with .float()")
    k = len(size) - 2
    if tuple(theta.shape) != (size[0], k, k + 1):
        raise RuntimeError(f"{op}: expected theta of shape ({size[0]}, {k}, {k + 1}) for size {list(size)}, but "
                           f"got {tuple(theta.shape)}; theta holds one {k}x{k + 1} matrix per batch element")
    xp, dt = theta.xp, theta.array.dtype
    spatial = size[2:]
    axes = [_linspace(n, align_corners, xp, dt) for n in spatial]  # D, H, W order; the grid lists x (W) first
    mesh = xp.meshgrid(*axes, indexing="ij")
    base = xp.stack([m for m in reversed(mesh)] + [xp.ones(tuple(spatial), dtype=dt)], -1)
    points = int(np.prod(spatial))
    grid = matmul(_const(base.reshape(1, points, k + 1)), theta.transpose(1, 2))
    return grid.reshape(size[0], *spatial, k)


def affine_grid(theta, size, align_corners=None):
    """The sampling grid of affine maps theta (N, 2, 3) for size (N, C, H, W), or (N, 3, 4) for (N, C, D, H, W)."""
    if align_corners is None:
        warnings.warn(_DEFAULT_CHANGED, stacklevel=2)
        align_corners = False
    _tensor(theta, "affine_grid", "theta", 1)
    if theta.dtype not in dtypes.FLOATS:
        raise ValueError(f"affine_grid: Expected theta to have floating point type, but got {theta.dtype}; convert "
                         "it with .float()")
    size = dtypes.as_ints(tuple(size) if isinstance(size, (tuple, list)) else size, "affine_grid", "size")
    if len(size) in (4, 5):
        k = len(size) - 2
        if theta.ndim != 3 or tuple(theta.shape[1:]) != (k, k + 1):
            raise ValueError(f"affine_grid: Expected a batch of {k}D affine matrices of shape Nx{k}x{k + 1} for "
                             f"size {list(size)}. Got {tuple(theta.shape)}.")
    else:
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {list(size)}.")
    if align_corners and min(size[2:]) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
                      "align_corners=True. This is not an intended use case of affine_grid. See the documentation "
                      "of affine_grid for details.", stacklevel=2)
    elif min(size) <= 0:
        raise ValueError(f"affine_grid: Expected non-zero, positive output size. Got {list(size)}")
    return affine_grid_generator(theta, size, align_corners)


# ---------------------------------------------------------------------------- source coordinates
# Each works on a Tensor (the differentiable sample coordinate) or an array (bicubic's integer taps).
def _unnormalize(g, size, align_corners):
    """Grid values in [-1, 1] as pixel coordinates of an axis of `size` pixels."""
    if align_corners:
        return (g + 1) * ((size - 1) / 2)
    return ((g + 1) * size - 1) / 2


def _clip(x, size):
    """x clipped to [0, size - 1]; its gradient is 0 at the borders and beyond, as in PyTorch."""
    a = gradmath.array(x)
    inside = (a > 0) & (a < size - 1)
    return gradmath.where(inside, x, gradmath.xp(a).clip(a, 0, size - 1))


def _reflect(x, twice_low, twice_high):
    """x reflected at low and high until it lies between them (bounds given doubled, so they stay integers)."""
    a = gradmath.array(x)
    if twice_low == twice_high:  # a one-pixel axis with align_corners: every point is pixel 0 (gradient 0)
        return gradmath.where(gradmath.xp(a).zeros(a.shape, dtype=bool), x, 0.0)
    low, span = twice_low / 2, (twice_high - twice_low) / 2
    d = gradmath.abs(x - low)
    flips = gradmath.xp(a).floor(gradmath.array(d) / span)
    extra = d - flips * span
    return gradmath.where(flips % 2 == 0, extra + low, span + low - extra)


def _pad(x, size, padding, align_corners):
    """The coordinate PyTorch's padding mode reads: kept (zeros), clipped (border) or reflected (reflection)."""
    if padding == 1:
        return _clip(x, size)
    if padding == 2:
        x = _reflect(x, 0, 2 * (size - 1)) if align_corners else _reflect(x, -1, 2 * size - 1)
        return _clip(x, size)
    return x


def _cubic_near(t):
    return ((_A + 2) * t - (_A + 3)) * t * t + 1


def _cubic_far(t):
    return ((_A * t - 5 * _A) * t + 8 * _A) * t - 4 * _A


def _taps(g, size, mode, padding, align_corners):
    """One axis: (tap positions (N, P, T) as a float array, weights (N, P, T) as a Tensor)."""
    x = _unnormalize(g, size, align_corners)
    if mode == 2:  # bicubic: 4 taps around floor(x), each tap read under the padding mode
        a = x.array
        x0 = gradmath.xp(a).floor(a)
        t = x - x0
        w = stack([_cubic_far(t + 1), _cubic_near(t), _cubic_near(1 - t), _cubic_far(2 - t)], -1)
        offsets = gradmath.xp(a).arange(-1, 3, dtype=a.dtype)
        return _pad(x0[..., None] + offsets, size, padding, align_corners), w
    x = _pad(x, size, padding, align_corners)
    a = x.array
    if mode == 1:  # nearest (ties to even); a weight of 1 whose gradient w.r.t. the grid is 0, as in PyTorch
        r = gradmath.xp(a).rint(a)
        return r[..., None], ((x - r) * 0 + 1).unsqueeze(-1)
    x0 = gradmath.xp(a).floor(a)
    t = x - x0
    return x0[..., None] + gradmath.xp(a).arange(2, dtype=a.dtype), stack([1 - t, t], -1)


def _sample(input, grid, mode, padding, align_corners):
    """The sampling itself: input (N, C, *S), grid (N, *S_out, k) -> (N, C, *S_out)."""
    xp = input.xp
    n, c, spatial = input.shape[0], input.shape[1], tuple(input.shape[2:])
    out_spatial = tuple(grid.shape[1:-1])
    points = int(np.prod(out_spatial))
    k = len(spatial)
    g = grid.reshape(n, points, k)
    flat = xp.arange(n).reshape((n, 1) + (1,) * k)  # flat row of a tap: ((n * S0 + i0) * S1 + i1) ...
    valid, weight = True, None
    for axis, size in enumerate(spatial):  # the grid's last dim lists x (the last axis) first
        pos, w = _taps(g[..., k - 1 - axis], size, mode, padding, align_corners)
        shape = (n, points) + (1,) * axis + (pos.shape[-1],) + (1,) * (k - 1 - axis)
        pos = pos.reshape(shape)
        inside = (pos >= 0) & (pos <= size - 1)
        valid = valid & inside
        flat = flat * size + xp.where(inside, pos, 0).astype(np.int64)
        w = w.reshape(shape)
        weight = w if weight is None else weight * w
    full = tuple(weight.shape)  # (N, P, T0, T1, ...)
    taps = int(np.prod(full[2:]))
    weight = gradmath.where(valid, weight, 0.0).reshape(n, points, taps, 1)
    rows = input.permute(0, *range(2, k + 2), 1).reshape(n * int(np.prod(spatial)), c)
    flat = xp.broadcast_to(flat, full).reshape(-1)
    values = IndexSelect.apply(rows, 0, flat).reshape(n, points, taps, c)
    out = (values * weight).sum(2)  # (N, P, C)
    return out.permute(0, 2, 1).reshape(n, c, *out_spatial)


# ---------------------------------------------------------------------------- grid_sampler and grid_sample
def _check(input, grid, interpolation_mode, padding_mode, align_corners, op):
    """PyTorch's checks of grid_sampler's arguments; returns (mode, padding, align_corners)."""
    _tensor(input, op, "input", 1)
    _tensor(grid, op, "grid", 2)
    mode = dtypes.as_int(interpolation_mode, op, "interpolation_mode")
    padding = dtypes.as_int(padding_mode, op, "padding_mode")
    align_corners = _flag(align_corners, op, "align_corners", 5)
    if type(input.array) is not type(grid.array):
        raise RuntimeError(f"{op}(): expected input and grid to be on same device, but input is on {input.device} "
                           f"and grid is on {grid.device}; move one with .to(device)")
    ishape, gshape = list(input.shape), list(grid.shape)
    if not ishape or not gshape or ishape[0] != gshape[0]:
        raise RuntimeError(f"{op}(): expected grid and input to have same batch size, but got input with sizes "
                           f"{ishape} and grid with sizes {gshape}")
    if gshape[-1] != len(ishape) - 2:
        raise RuntimeError(f"{op}(): expected grid to have size {len(ishape) - 2} in last dimension, but got grid "
                           f"with sizes {gshape}")
    for i in range(2, len(ishape)):
        if ishape[i] == 0:
            raise RuntimeError(f"{op}(): expected input to have non-empty spatial dimensions, but input has sizes "
                               f"{ishape} with dimension {i} being empty")
    if mode not in (0, 1, 2):
        raise RuntimeError(f"{op}(): interpolation_mode must be 0 (bilinear), 1 (nearest) or 2 (bicubic), got {mode}")
    if padding not in (0, 1, 2):
        raise RuntimeError(f"{op}(): padding_mode must be 0 (zeros), 1 (border) or 2 (reflection), got {padding}")
    if input.dtype not in dtypes.FLOATS:
        raise NotImplementedError(f"{op}(): not implemented for {input.dtype} input; convert it with .float()")
    if grid.dtype != input.dtype:
        raise RuntimeError(f"{op}(): expected input and grid to have the same dtype, but input is {input.dtype} and "
                           f"grid is {grid.dtype}; convert the grid with .to(input.dtype)")
    return mode, padding, align_corners


def _dims(input, grid, rank, op):
    if input.ndim != rank or grid.ndim != rank:
        raise RuntimeError(f"{op}(): expected {rank}D input and grid with same number of dimensions, but got input "
                           f"with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")


def grid_sampler_2d(input, grid, interpolation_mode, padding_mode, align_corners):
    """grid_sampler for 4-D input (N, C, H, W) and grid (N, H_out, W_out, 2); modes as integers."""
    mode, padding, align = _check(input, grid, interpolation_mode, padding_mode, align_corners, "grid_sampler_2d")
    _dims(input, grid, 4, "grid_sampler_2d")
    return _sample(input, grid, mode, padding, align)


def grid_sampler_3d(input, grid, interpolation_mode, padding_mode, align_corners):
    """grid_sampler for 5-D input (N, C, D, H, W) and grid (N, D_out, H_out, W_out, 3); bilinear or nearest."""
    mode, padding, align = _check(input, grid, interpolation_mode, padding_mode, align_corners, "grid_sampler_3d")
    _dims(input, grid, 5, "grid_sampler_3d")
    if mode == 2:
        raise RuntimeError("grid_sampler_3d(): bicubic interpolation only supports 4D input; use mode 0 (bilinear) "
                           "or 1 (nearest)")
    return _sample(input, grid, mode, padding, align)


def grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners):
    """Sample input at the grid's points (in [-1, 1]); interpolation_mode 0/1/2 = bilinear/nearest/bicubic,
    padding_mode 0/1/2 = zeros/border/reflection."""
    op = "grid_sampler"
    mode, padding, align = _check(input, grid, interpolation_mode, padding_mode, align_corners, op)
    if input.ndim == 4:
        _dims(input, grid, 4, op)
    else:
        _dims(input, grid, 5, op)
        if mode == 2:
            raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input; use mode='bilinear' "
                               "or 'nearest' for 5-D input")
    return _sample(input, grid, mode, padding, align)


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """input (N, C, H, W) sampled at grid (N, H_out, W_out, 2) of (x, y) in [-1, 1], or 5-D input at a grid
    (N, D_out, H_out, W_out, 3); mode 'bilinear', 'nearest' or 'bicubic' (4-D only)."""
    if mode not in _MODES:
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but "
                         f"got: '{mode}'")
    if padding_mode not in _PADDINGS:
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        warnings.warn(_DEFAULT_CHANGED, stacklevel=2)
        align_corners = False
    return grid_sampler(input, grid, _MODES[mode], _PADDINGS[padding_mode], align_corners)
