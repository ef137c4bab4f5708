"""Registry cases: grid_sample / torch.grid_sampler (grid-sample-*) and affine_grid (affine-grid-*).

The numpy references loop over every output point and read the taps one by one. The grids are built from pixel
coordinates 0.2-0.4 or 0.6-0.8 past an integer, so no point sits on a cell border, a rounding tie or a
reflection or clipping point, where the sampled value or its derivatives jump and finite differences disagree.
"""
import itertools

import numpy as np

import autograd as ag
import nn.functional as F
from tests.ops.registry import Arg, OpCase

CASES = []
_MODES = ["bilinear", "nearest", "bicubic"]
_PADDINGS = ["zeros", "border", "reflection"]


# ---------------------------------------------------------------------------- numpy references
def _unnormalize(g, n, align):
    return (g + 1) / 2 * (n - 1) if align else ((g + 1) * n - 1) / 2


def _reflect(x, twice_low, twice_high):
    if twice_low == twice_high:
        return 0.0
    low, span = twice_low / 2, (twice_high - twice_low) / 2
    d = abs(x - low)
    extra = np.fmod(d, span)
    return extra + low if int(np.floor(d / span)) % 2 == 0 else span - extra + low


def _coordinate(x, n, padding, align):
    if padding == "reflection":
        x = _reflect(x, 0, 2 * (n - 1)) if align else _reflect(x, -1, 2 * n - 1)
    if padding in ("border", "reflection"):
        x = min(max(x, 0.0), n - 1.0)
    return x


def _read(image, index):
    """image[:, i0, i1, ...], zeros where a tap lies outside."""
    if all(0 <= i < n for i, n in zip(index, image.shape[1:])):
        return image[(slice(None),) + tuple(index)]
    return np.zeros(image.shape[0])


def _cubic(t):
    a = -0.75
    t = abs(t)
    if t <= 1:
        return ((a + 2) * t - (a + 3)) * t * t + 1
    return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a


def _axis_taps(g, n, mode, padding, align):
    """[(index, weight)] of one axis for one grid value."""
    if mode == "bicubic":
        x = _unnormalize(g, n, align)
        x0 = np.floor(x)
        taps = []
        for k in range(-1, 3):
            taps.append((int(_coordinate(x0 + k, n, padding, align)), _cubic(x - (x0 + k))))
        return taps
    x = _coordinate(_unnormalize(g, n, align), n, padding, align)
    if mode == "nearest":
        return [(int(np.rint(x)), 1.0)]
    x0 = int(np.floor(x))
    return [(x0, x0 + 1 - x), (x0 + 1, x - x0)]


def ref_grid_sample(x, grid, mode, padding, align):
    """grid_sample of x (N, C, *S) at grid (N, *S_out, k), point by point."""
    n, c, spatial = x.shape[0], x.shape[1], x.shape[2:]
    out = np.zeros((n, c) + grid.shape[1:-1])
    for b in range(n):
        for o in np.ndindex(*grid.shape[1:-1]):
            g = grid[(b,) + o]
            per_axis = [_axis_taps(g[len(spatial) - 1 - a], size, mode, padding, align)
                        for a, size in enumerate(spatial)]
            for taps in itertools.product(*per_axis):
                w = np.prod([t[1] for t in taps])
                out[(b, slice(None)) + o] += w * _read(x[b], [t[0] for t in taps])
    return out


def ref_affine_grid(theta, size, align):
    """The grid of theta (N, k, k + 1) for size (N, C, *S): base points (x, y[, z], 1) times theta^T."""
    spatial = size[2:]
    k = len(spatial)
    out = np.zeros((size[0],) + tuple(spatial) + (k,))
    for o in np.ndindex(*spatial):
        point = []
        for a in reversed(range(k)):  # x (the last axis) first
            n, i = spatial[a], o[a]
            point.append((2 * i / (n - 1) - 1 if n > 1 else 0.0) if align else (2 * i + 1) / n - 1)
        out[(slice(None),) + o] = theta @ np.array(point + [1.0])
    return out


# ---------------------------------------------------------------------------- grids away from the kinks
def grid_values(shape, spatial, align, seed=1):
    """Grid values of `shape` (last dim k) for input spatial sizes `spatial`: points from 2 pixels before to 1
    past each axis, every one 0.2-0.4 past an integer or before the next one."""
    rng = np.random.default_rng(seed)
    k = shape[-1]
    out = np.empty(shape)
    for j in range(k):
        n = spatial[k - 1 - j]
        whole = rng.integers(-2, n + 1, shape[:-1])
        frac = rng.uniform(0.2, 0.4, shape[:-1])
        x = whole + np.where(rng.random(shape[:-1]) < 0.5, frac, 1 - frac)
        out[..., j] = 2 * x / (n - 1) - 1 if align else (2 * x + 1) / n - 1
    return out


def _sampler(mode, padding, align):
    return lambda x, g: ag.grid_sampler(x, g, _MODES.index(mode), _PADDINGS.index(padding), align)


def _case(name, fn, x, grid, mode, padding, align, **kw):
    CASES.append(OpCase(f"grid-sample-{name}", fn, [x, grid],
                        lambda a, g: ref_grid_sample(a, g, mode, padding, align), **kw))


# every mode, padding mode and align_corners, 2-D (and 3-D for bilinear and nearest)
for _mode, _padding, _align in itertools.product(_MODES, _PADDINGS, (False, True)):
    _tag = f"{_mode}-{_padding}-{'aligned' if _align else 'centres'}"
    _case(f"2d-{_tag}", _sampler(_mode, _padding, _align), Arg((1, 2, 3, 4)),
          Arg((1, 2, 3, 2), values=grid_values((1, 2, 3, 2), (3, 4), _align)), _mode, _padding, _align)
    if _mode != "bicubic":
        _case(f"3d-{_tag}", _sampler(_mode, _padding, _align), Arg((1, 2, 2, 3, 2)),
              Arg((1, 2, 1, 2, 3), values=grid_values((1, 2, 1, 2, 3), (2, 3, 2), _align, seed=2)),
              _mode, _padding, _align)

_case("F-batch2", lambda x, g: F.grid_sample(x, g, "bilinear", "reflection", align_corners=False),
      Arg((2, 1, 3, 3)), Arg((2, 2, 2, 2), values=grid_values((2, 2, 2, 2), (3, 3), False, 3)),
      "bilinear", "reflection", False)
_case("F-bicubic-batch2", lambda x, g: F.grid_sample(x, g, mode="bicubic", align_corners=True),
      Arg((2, 1, 3, 4)), Arg((2, 1, 3, 2), values=grid_values((2, 1, 3, 2), (3, 4), True, 4)),
      "bicubic", "zeros", True)
_case("F-nearest-3d", lambda x, g: F.grid_sample(x, g, mode="nearest", padding_mode="border", align_corners=True),
      Arg((2, 1, 2, 2, 3)), Arg((2, 1, 2, 2, 3), values=grid_values((2, 1, 2, 2, 3), (2, 2, 3), True, 5)),
      "nearest", "border", True)
_case("noncontig-input", lambda x, g: ag.grid_sampler_2d(x, g, 0, 0, False), Arg((1, 2, 4, 3), noncontig=True),
      Arg((1, 2, 2, 2), values=grid_values((1, 2, 2, 2), (4, 3), False, 6)), "bilinear", "zeros", False)
_case("grid-only", lambda x, g: ag.grid_sampler_2d(x, g, 2, 2, False), Arg((1, 1, 3, 3), requires_grad=False),
      Arg((1, 2, 2, 2), values=grid_values((1, 2, 2, 2), (3, 3), False, 7)), "bicubic", "reflection", False)
_case("input-only", lambda x, g: ag.grid_sampler_3d(x, g, 0, 1, True), Arg((1, 1, 2, 2, 2)),
      Arg((1, 1, 2, 2, 3), values=grid_values((1, 1, 2, 2, 3), (2, 2, 2), True, 8), requires_grad=False),
      "bilinear", "border", True)
_case("empty-batch", _sampler("bilinear", "zeros", False), Arg((0, 2, 3, 4)), Arg((0, 2, 2, 2)),
      "bilinear", "zeros", False)
_case("empty-output", _sampler("bicubic", "border", False), Arg((1, 2, 3, 4)), Arg((1, 0, 3, 2)),
      "bicubic", "border", False)
_case("no-channels", _sampler("nearest", "zeros", True), Arg((1, 0, 3, 4)),
      Arg((1, 2, 2, 2), values=grid_values((1, 2, 2, 2), (3, 4), True, 9)), "nearest", "zeros", True)
_case("float32", _sampler("bilinear", "border", True), Arg((1, 2, 3, 4), dtype="float32"),
      Arg((1, 2, 2, 2), dtype="float32", values=grid_values((1, 2, 2, 2), (3, 4), True, 10)),
      "bilinear", "border", True, grad=False)


# ---------------------------------------------------------------------------- affine_grid
def _affine(name, fn, theta, size, align, ref=None):
    CASES.append(OpCase(f"affine-grid-{name}", fn, [theta], ref or (lambda t: ref_affine_grid(t, size, align))))


_affine("2d-centres", lambda t: F.affine_grid(t, (2, 3, 3, 4), align_corners=False), Arg((2, 2, 3)), (2, 3, 3, 4),
        False)
_affine("2d-aligned", lambda t: F.affine_grid(t, [1, 1, 4, 2], True), Arg((1, 2, 3)), (1, 1, 4, 2), True)
_affine("3d-centres", lambda t: F.affine_grid(t, (1, 2, 2, 3, 2), False), Arg((1, 3, 4)), (1, 2, 2, 3, 2), False)
_affine("3d-aligned", lambda t: F.affine_grid(t, (2, 1, 3, 2, 2), True), Arg((2, 3, 4)), (2, 1, 3, 2, 2), True)
_affine("generator-one-pixel", lambda t: ag.affine_grid_generator(t, (1, 1, 1, 3), True), Arg((1, 2, 3)),
        (1, 1, 1, 3), True)
_affine("generator-empty-batch", lambda t: ag.affine_grid_generator(t, (0, 1, 2, 3), False), Arg((0, 2, 3)),
        (0, 1, 2, 3), False)
_affine("noncontig", lambda t: F.affine_grid(t, (1, 1, 2, 2), False), Arg((1, 2, 3), noncontig=True),
        (1, 1, 2, 2), False)
