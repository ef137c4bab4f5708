"""Pooling and resampling: max/avg/adaptive pooling, interpolate, pixel_shuffle / pixel_unshuffle.

Pooling windows are separable: a window op runs along W (the taps of every window, as strided slices), then along
H (and D for 3-d pools). Max pooling keeps, per stage, which tap won (the first maximum, or the last NaN, as
PyTorch), so its gradient goes to one input per window. Non-overlapping windows (stride == kernel) take a
reshape-based fast path. Two primitives are each other's adjoint: WinGather (window sums, or the elements max pooling
selected) and WinScatter (spreads values back over the windows); they give avg pooling, max pooling's backward and
every higher derivative.
Adaptive average pooling and linear/bilinear/trilinear interpolation are separable linear maps (y = Mh x Mw^T,
then Md along D).
"""
import functools
import math

import numpy as np

from .. import backend, gradmath
from .._tensor import Tensor
from ..function import Op
from . import interp_weights
from .conv import View4d, check_input, lift, ntuple, run_op

__all__ = ["max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d",
           "adaptive_max_pool1d", "adaptive_max_pool2d", "interpolate", "upsample", "pixel_shuffle",
           "pixel_unshuffle"]
METHODS = {}


# ---------------------------------------------------------------------------- window geometry
class Axis:
    """Windows along one axis: k taps at stride s and dilation d over an input of n, padded by lo in front.

    mode "id": identity (k = s = 1, nothing to do); "fast": non-overlapping contiguous windows (a reshape);
    "slice": taps are strided slices; "index": taps are index arrays (adaptive pooling, windows of varying size).
    ext is the length of the padded (or cropped) array the taps read.
    """

    __slots__ = ("n", "k", "s", "d", "lo", "out", "ext", "mode", "table", "_dev")

    def __init__(self, n, k, s, d, lo, out, table=None):
        self.n, self.k, self.s, self.d, self.lo, self.out = n, k, s, d, lo, out
        self.table, self._dev = table, None
        if table is not None:
            self.mode, self.ext = "index", n
        else:
            self.ext = (out - 1) * s + d * (k - 1) + 1
            if k == 1 and s == 1 and lo == 0 and out == n:
                self.mode = "id"
            elif s == k and (d == 1 or k == 1):
                self.mode, self.d = "fast", 1
            else:
                self.mode = "slice"

    def pos(self, t, o):
        """Padded coordinate of tap t of window o (arrays of device xp)."""
        if self.mode == "index":
            return self._table(t)[t, o]
        return o * self.s + t * self.d

    def _table(self, like):
        if self._dev is None or gradmath.xp(self._dev) is not gradmath.xp(like):
            self._dev = gradmath.xp(like).asarray(self.table)
        return self._dev

    def taps(self, a, axis):
        """The k views (or gathered copies) of `a` (extent ext along `axis`) that hold tap t of every window."""
        k, out = self.k, self.out
        if self.mode == "fast":
            pre, post = math.prod(a.shape[:axis]), math.prod(a.shape[axis + 1:])
            r = a.reshape(pre * out, k, post)
            return [r[:, t, :] for t in range(k)]
        if self.mode == "index":
            tab = self._table(a)
            return [gradmath.xp(a).take(a, tab[t], axis=axis) for t in range(k)]
        lead = (slice(None),) * axis
        return [a[lead + (slice(t * self.d, t * self.d + self.s * (out - 1) + 1, self.s),)] for t in range(k)]

    def shaped(self, m, shape, axis):
        """A tap-shaped result as an array shaped like the input with `out` along `axis`."""
        return m.reshape(shape[:axis] + (self.out,) + shape[axis + 1:]) if self.mode == "fast" else m

    def spread(self, g, arg, shape, axis):
        """Adjoint of the taps: g (out along axis) goes to tap `arg` of each window (all taps when arg is None)."""
        xp = gradmath.xp(g)
        k = self.k
        if self.mode == "fast":
            pre, post = math.prod(shape[:axis]), math.prod(shape[axis + 1:])
            dst = xp.empty(shape, dtype=g.dtype)
            r = dst.reshape(pre * self.out, k, post)
            g2 = g.reshape(pre * self.out, post)
            a2 = None if arg is None else arg.reshape(pre * self.out, post)
            for t in range(k):
                if a2 is None:
                    r[:, t, :] = g2
                else:
                    xp.multiply(g2, a2 == t, out=r[:, t, :])
            return dst
        dst = xp.zeros(shape, dtype=g.dtype)
        lead = (slice(None),) * axis
        for t in range(k):
            v = g if arg is None else g * (arg == t)
            if self.mode == "index":
                backend.add_at(dst, lead + (self._table(g)[t],), v)
            else:
                dst[lead + (slice(t * self.d, t * self.d + self.s * (self.out - 1) + 1, self.s),)] += v
        return dst


class Win(View4d):
    """A pooling window on the batched view: one Axis per spatial dim ((H, W), or (D, H, W)); `inv` scales window
    sums (avg pooling)."""

    __slots__ = ("axes", "inv", "_inv_dev")

    def __init__(self, nd, batched, *axes, inv=None):
        self.nd, self.batched, self.axes = nd, batched, axes
        self.inv, self._inv_dev = inv, None

    def scale(self, a):
        """Multiply by the avg-pooling factor (a number or an (OH, OW) / (OD, OH, OW) table)."""
        inv = self.inv
        if inv is None:
            return a
        if isinstance(inv, np.ndarray):
            if self._inv_dev is None or gradmath.xp(self._inv_dev) is not gradmath.xp(a):
                self._inv_dev = gradmath.xp(a).asarray(inv.astype(a.dtype))
            inv = self._inv_dev
        return a * inv


# ---------------------------------------------------------------------------- window kernels (batched views)
def _prepare(x, win, fill):
    """x padded or cropped to the axes' extents, filled with `fill` outside."""
    sp, axes = x.shape[2:], win.axes
    if all(a.lo == 0 and a.ext <= n for a, n in zip(axes, sp)):
        if all(a.ext == n for a, n in zip(axes, sp)):
            return x
        return x[(slice(None),) * 2 + tuple(slice(a.ext) for a in axes)]
    out = gradmath.xp(x).empty(x.shape[:2] + tuple(a.ext for a in axes), dtype=x.dtype)
    out.fill(fill)
    keep = [min(n, a.ext - a.lo) for a, n in zip(axes, sp)]
    out[(slice(None),) * 2 + tuple(slice(a.lo, a.lo + k) for a, k in zip(axes, keep))] = \
        x[(slice(None),) * 2 + tuple(slice(k) for k in keep)]
    return out


def _unprepare(g, win, hw):
    """Adjoint of _prepare: the padded gradient back to the input's spatial shape hw."""
    axes = win.axes
    if all(a.lo == 0 for a in axes) and tuple(g.shape[2:]) == tuple(hw):
        return g
    keep = [min(n, a.ext - a.lo) for a, n in zip(axes, hw)]
    out = gradmath.xp(g).zeros(g.shape[:2] + tuple(hw), dtype=g.dtype)
    out[(slice(None),) * 2 + tuple(slice(k) for k in keep)] = \
        g[(slice(None),) * 2 + tuple(slice(a.lo, a.lo + k) for a, k in zip(axes, keep))]
    return out


def _first_max(taps):
    """Running maximum over taps and the tap that holds it: the first maximum, or the last NaN (as PyTorch).

    The tap is int8, or bool viewed as int8 for 2 taps. NaNs propagate through the maximum, so the arguments are
    only recomputed by the NaN rule when the result holds one."""
    xp = gradmath.xp(taps[0])
    if len(taps) == 1:
        return taps[0].copy(), xp.zeros(taps[0].shape, dtype=np.int8)
    arg = taps[1] > taps[0]
    m = xp.maximum(taps[0], taps[1])
    if len(taps) > 2:
        arg = arg.astype(np.int8)
        for t in range(2, len(taps)):
            xp.copyto(arg, t, where=taps[t] > m)
            xp.maximum(m, taps[t], out=m)
    if m.dtype.kind == "f" and bool(xp.isnan(m).any()):
        for t in range(1, len(taps)):
            arg = xp.where(xp.isnan(taps[t]), np.int8(t), arg)
    return m, arg.view(np.int8) if arg.dtype == np.bool_ else arg


def _skip_padding(arg, ax, axis):
    """A max-pool winner that lies in the front padding (the window's valid inputs all equal the fill) moved to the
    window's first input, which PyTorch reports instead."""
    first = -((ax.s * np.arange(ax.out) - ax.lo) // ax.d)  # ceil((lo - o*s) / d): the first tap inside
    first = np.clip(first, 0, ax.k - 1).astype(np.int8).reshape((ax.out,) + (1,) * (arg.ndim - axis - 1))
    return gradmath.xp(arg).maximum(arg, gradmath.xp(arg).asarray(first))


def _select(taps, arg):
    """The tap that `arg` names, per position."""
    xp = gradmath.xp(taps[0])
    y = taps[0]
    for t in range(1, len(taps)):
        y = xp.where(arg == t, taps[t], y)
    return y if len(taps) > 1 else y.copy()


def _stage(a, ax, axis, kind, arg):
    if ax.mode == "id":
        return a, None
    taps = ax.taps(a, axis)
    if kind == "max":
        m, arg = _first_max(taps)
        arg = ax.shaped(arg, a.shape, axis)
        if ax.lo > 0 and ax.mode != "index":
            arg = _skip_padding(arg, ax, axis)
    elif kind == "select":
        m = _select(taps, arg.reshape(taps[0].shape))
    else:
        m = taps[0] + taps[1] if len(taps) > 1 else taps[0].copy()
        for t in taps[2:]:
            m += t
    return ax.shaped(m, a.shape, axis), arg


def _fill(dtype):
    """The value max pooling pads with: -inf, or the least value of an integer dtype."""
    return -math.inf if dtype.kind == "f" else np.iinfo(dtype).min


def win_gather(x, win, kind, args=None):
    """Pool x (N, C, *spatial): kind "max" (returns the winning taps, innermost axis first), "sum" (times win.inv)
    or "select" (by args)."""
    a = _prepare(x, win, _fill(x.dtype) if kind == "max" else 0)
    args = args or (None,) * len(win.axes)
    won = []
    for j, ax in enumerate(reversed(win.axes)):
        a, arg = _stage(a, ax, a.ndim - 1 - j, kind, args[j])
        won.append(arg)
    if a is x:  # 1x1 windows at stride 1: still a new array
        a = a.copy()
    return win.scale(a), tuple(won)


def win_scatter(g, win, hw, args=None):
    """Adjoint of win_gather("sum"/"select"): spread g (N, C, *out) over the windows of an input of spatial shape hw."""
    g = win.scale(g)
    nsp = len(win.axes)
    args = args or (None,) * nsp
    shape = list(g.shape)
    for i, ax in enumerate(win.axes):
        shape[2 + i] = ax.ext
        if ax.mode != "id":
            g = ax.spread(g, args[nsp - 1 - i], tuple(shape), 2 + i)
    return _unprepare(g, win, hw)


def _flat_indices(x, win, args):
    """PyTorch's max-pool indices: flat positions in each input plane of the winners (clipped inside).

    Outermost axis first: the winning tap along it gives the padded position; that position picks, in the next
    stage's argument (shaped (N, C, ext, .., ext, out, .., out)), the tap that won along the next axis."""
    xp = gradmath.xp(x)
    n, c = x.shape[:2]
    axes, nsp = win.axes, len(win.axes)
    outs = tuple(a.out for a in axes)
    flat, pos = None, []  # flat: index into the (ext_0, .., ext_{i-1}, out_i) block of the stage's argument
    for i, ax in enumerate(axes):
        o = xp.arange(ax.out).reshape((-1,) + (1,) * (nsp - 1 - i))
        here = o if flat is None else flat * ax.out + o  # shape broadcasts over outs[:i + 1]
        arg = args[nsp - 1 - i]
        if ax.mode == "id":
            p = xp.broadcast_to(o, (n, c) + outs[:i + 1] + (1,) * (nsp - 1 - i))
        else:
            rest = math.prod(outs[i + 1:])
            a = arg.reshape(n, c, math.prod(b.ext for b in axes[:i]) * ax.out, rest)
            idx = xp.broadcast_to(here, (n, c) + outs).reshape(n, c, math.prod(outs[:i + 1]), rest)
            t = xp.take_along_axis(a, idx, axis=2)
            p = ax.pos(t.reshape((n, c) + outs).astype(np.int64), o)
        p = xp.broadcast_to(p, (n, c) + outs)
        pos.append(p)
        flat = p if flat is None else flat * ax.ext + p
    out = None
    for p, ax, size in zip(pos, axes, x.shape[2:]):
        q = xp.clip(p - ax.lo, 0, size - 1)
        out = q if out is None else out * size + q
    return out


# ---------------------------------------------------------------------------- primitives
class MaxPool(Op):
    """Max over each window; remembers the first maximum of every window for the gradient."""

    nondiff_outputs = (1,)

    def forward(ctx, x, win, return_indices):
        x4 = win.to4d(x)
        y, args = win_gather(x4, win, "max")
        ctx.win, ctx.hw = win, x4.shape[2:]
        ctx.save_for_backward(*args)
        if return_indices:
            return win.from4d(y), win.from4d(_flat_indices(x4, win, args))
        return win.from4d(y)

    def backward(ctx, gy, *_):
        args = tuple(None if a is None else gradmath.array(a) for a in ctx.saved_tensors)
        return run_op(WinScatter, gy, ctx.win, ctx.hw, args), None, None


class WinGather(Op):
    """Window sums scaled by win.inv (avg pooling), or the elements `args` select (max pooling's adjoint)."""

    def forward(ctx, x, win, args):
        ctx.win, ctx.args = win, args
        x4 = win.to4d(x)
        ctx.hw = x4.shape[2:]
        y, _ = win_gather(x4, win, "sum" if args is None else "select", args)
        return win.from4d(y)

    def backward(ctx, gy):
        return run_op(WinScatter, gy, ctx.win, ctx.hw, ctx.args), None, None


class WinScatter(Op):
    """Spread values over the windows of an input: the adjoint of WinGather."""

    def forward(ctx, g, win, hw, args):
        ctx.win, ctx.args = win, args
        return win.from4d(win_scatter(win.to4d(g), win, hw, args))

    def backward(ctx, gx):
        return run_op(WinGather, gx, ctx.win, ctx.args), None, None, None


class Resample(Op):
    """A separable linear map of the last two axes: y = Mh x Mw^T (either may be None: identity).

    `take` = (ih, iw) index arrays gives the same result by indexing, when the matrices select single elements.
    """

    def forward(ctx, x, mh, mw, take):
        ctx.mats = (mh, mw)
        xp = gradmath.xp(x)
        if take is not None:
            ih, iw = take
            y = x if iw is None else xp.take(x, iw, axis=-1)
            return y if ih is None else xp.take(y, ih, axis=-2)
        y = x
        if mw is not None:
            shape = y.shape
            y = (y.reshape(math.prod(shape[:-1]), shape[-1]) @ mw.T).reshape(shape[:-1] + (mw.shape[0],))
        if mh is not None:
            y = xp.matmul(mh, y)
        return y

    def backward(ctx, gy):
        mh, mw = ctx.mats
        mh, mw = (None if m is None else m.T for m in (mh, mw))
        return run_op(Resample, gy, mh, mw, None), None, None, None


def _resample(x, mats, take):
    """Resample over the last 2 axes, or 3: the D axis (-3) by a second Resample of the result seen as (.., D, H*W)."""
    if len(mats) == 2:
        return Resample.apply(x, *mats, take)
    y = Resample.apply(x, *mats[1:], None if take is None else take[1:]) if any(m is not None for m in mats[1:]) \
        else x
    if mats[0] is None:
        return y
    *lead, d, h, w = y.shape
    y = Resample.apply(y.reshape(tuple(lead) + (d, h * w)), mats[0], None, None if take is None else (take[0], None))
    return y.reshape(tuple(lead) + (mats[0].shape[0], h, w))


class PixelShuffle(Op):
    """(*, C*r*r, H, W) -> (*, C, H*r, W*r); with `inverse`, the opposite (pixel_unshuffle)."""

    def forward(ctx, x, r, inverse):
        ctx.r, ctx.inverse = r, inverse
        *lead, c, h, w = x.shape
        if not inverse:
            y = x.reshape(math.prod(lead), c // (r * r), r, r, h, w).transpose(0, 1, 4, 2, 5, 3)
            return gradmath.xp(x).ascontiguousarray(y).reshape(tuple(lead) + (c // (r * r), h * r, w * r))
        y = x.reshape(math.prod(lead), c, h // r, r, w // r, r).transpose(0, 1, 3, 5, 2, 4)
        return gradmath.xp(x).ascontiguousarray(y).reshape(tuple(lead) + (c * r * r, h // r, w // r))

    def backward(ctx, gy):
        return run_op(PixelShuffle, gy, ctx.r, not ctx.inverse), None, None


# ---------------------------------------------------------------------------- argument handling
def _pool_out(n, k, s, p, d, ceil_mode):
    """PyTorch's pooling output length."""
    span = d * (k - 1) + 1
    o = (n + 2 * p - span + ((s - 1) if ceil_mode else 0)) // s + 1
    if ceil_mode and (o - 1) * s >= n + p:
        o -= 1
    return o


def _pool_geom(op, nd, input, kernel_size, stride, padding, dilation, ceil_mode, avg):
    batched = check_input(input, nd, op, ints=not avg and nd > 1)  # torch's CPU max_pool2d/3d take integers
    if 0 in input.shape[-nd - 1:]:
        raise RuntimeError(f"{op}: expected an input whose channel and spatial dims are non-empty (only the batch "
                           f"dim may be 0), but got input of shape {tuple(input.shape)}")
    k = ntuple(kernel_size, nd, "kernel_size", op)
    s = k if stride is None or (hasattr(stride, "__len__") and len(stride) == 0) else \
        ntuple(stride, nd, "stride", op)
    p = ntuple(padding, nd, "padding", op)
    d = ntuple(dilation, nd, "dilation", op)
    for name, v, lo in (("kernel_size", k, 1), ("stride", s, 1), ("dilation", d, 1), ("padding", p, 0)):
        if any(i < lo for i in v):
            raise RuntimeError(f"{op}: {name} must be {'positive' if lo else 'non-negative'}, got {v}")
    for kk, pp, dd in zip(k, p, d):
        if pp > (dd * (kk - 1) + 1) // 2:
            what = "kernel size" if avg else "effective kernel size"
            raise RuntimeError(f"{op}: padding should be at most half of {what}, but got padding={p}, "
                               f"kernel_size={k}" + ("" if avg else f" and dilation={d}"))
    hw = tuple(input.shape[-nd:])
    out = tuple(_pool_out(n, kk, ss, pp, dd, ceil_mode) for n, kk, ss, pp, dd in zip(hw, k, s, p, d))
    if any(o <= 0 for o in out):
        raise RuntimeError(f"{op}: input of shape {tuple(input.shape)} is too small for kernel_size {k} with "
                           f"padding {p} and dilation {d}: the output size would be {out}")
    hw, k, s, p, d, out = (lift(v, nd, 1) for v in (hw, k, s, p, d, out))
    if nd == 1:
        p = (0,) + p[1:]
    axes = [Axis(n, kk, ss, dd, pp, o) for n, kk, ss, pp, dd, o in zip(hw, k, s, p, d, out)]
    return Win(nd, batched, *axes), (hw, k, s, p, out)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """1-d max pooling over (N, C, L) or (C, L), as torch.nn.functional.max_pool1d."""
    win, _ = _pool_geom("max_pool1d", 1, input, kernel_size, stride, padding, dilation, ceil_mode, False)
    return MaxPool.apply(input, win, bool(return_indices))


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """2-d max pooling over (N, C, H, W) or (C, H, W), as torch.nn.functional.max_pool2d."""
    win, _ = _pool_geom("max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode, False)
    return MaxPool.apply(input, win, bool(return_indices))


def _avg_divisors(n, k, s, p, out, count_include_pad):
    """Per-position window sizes along one axis, as PyTorch's avg_pool counts them."""
    o = np.arange(out)
    start = o * s - p
    end = np.minimum(start + k, n + p)
    if count_include_pad:
        return (end - start).astype(np.float64)
    return (np.minimum(end, n) - np.maximum(start, 0)).astype(np.float64)


def _avg_pool(op, nd, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    win, (hw, k, s, p, out) = _pool_geom(op, nd, input, kernel_size, stride, padding, 1, ceil_mode, True)
    if divisor_override is not None:
        if isinstance(divisor_override, bool) or not isinstance(divisor_override, int):
            raise TypeError(f"{op}: divisor_override must be a non-zero int, got {divisor_override!r}")
        if divisor_override == 0:
            raise RuntimeError(f"{op}: divisor_override must be a non-zero int, got 0")
        win.inv = 1.0 / divisor_override
    else:
        divs = [_avg_divisors(*a, count_include_pad) for a in zip(hw, k, s, p, out)]
        table = 1.0 / functools.reduce(np.multiply.outer, divs)
        win.inv = float(table.flat[0]) if np.all(table == table.flat[0]) else table
    return WinGather.apply(input, win, None)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """1-d average pooling over (N, C, L) or (C, L), as torch.nn.functional.avg_pool1d."""
    return _avg_pool("avg_pool1d", 1, input, kernel_size, stride, padding, ceil_mode, count_include_pad, None)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """2-d average pooling over (N, C, H, W) or (C, H, W), as torch.nn.functional.avg_pool2d."""
    return _avg_pool("avg_pool2d", 2, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


# ---------------------------------------------------------------------------- adaptive pooling
def _adaptive_sizes(op, nd, input, output_size, channels=False):
    """Checks, and the spatial sizes of input and output; `channels`: batched input must have channels (torch)."""
    batched = check_input(input, nd, op)
    hw = tuple(input.shape[-nd:])
    if nd == 1 and isinstance(output_size, (tuple, list)) and len(output_size) == 1:
        output_size = output_size[0]
    if isinstance(output_size, (tuple, list)):
        if len(output_size) != nd:
            raise RuntimeError(f"{op}: output_size must be an int or a tuple of {nd} ints, got {output_size!r}")
        out = tuple(n if o is None else o for n, o in zip(hw, output_size))
    else:
        out = (output_size,) * nd
    if not all(isinstance(o, int) and not isinstance(o, bool) and o >= 0 for o in out):
        raise RuntimeError(f"{op}: output_size must hold non-negative ints (or None), got {output_size!r}")
    if any(n == 0 for n in hw) or (channels and batched and input.shape[1] == 0):
        raise RuntimeError(f"{op}: expected input with non-zero spatial size{' and channels' if channels else ''}, "
                           f"got input of shape {tuple(input.shape)}")
    return batched, lift(hw, nd, 1), lift(out, nd, 1)


def _bounds(n, out):
    """Adaptive windows along one axis: PyTorch's start = floor(i*n/out), end = ceil((i+1)*n/out)."""
    i = np.arange(out)
    return (i * n) // out, -((-(i + 1) * n) // out)


def _avg_matrix(n, out, dtype):
    start, end = _bounds(n, out)
    cols = np.arange(n)
    inside = (cols[None, :] >= start[:, None]) & (cols[None, :] < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


def _adaptive_avg(op, nd, input, output_size):
    batched, hw, out = _adaptive_sizes(op, nd, input, output_size, channels=nd == 3)
    if all(o > 0 and n % o == 0 for n, o in zip(hw, out)):  # regular windows: avg pooling, fast path
        axes = [Axis(n, n // o, n // o, 1, 0, o) for n, o in zip(hw, out)]
        win = Win(nd, batched, *axes, inv=1.0 / math.prod(n // o for n, o in zip(hw, out)))
        return WinGather.apply(input, win, None)
    xp = gradmath.xp(input.array)
    mats = [None if n == o else xp.asarray(_avg_matrix(n, o, input.dtype)) for n, o in zip(hw, out)]
    return _resample(input, mats, None)


def adaptive_avg_pool1d(input, output_size):
    """Average pooling of (N, C, L) to output_size, as torch.nn.functional.adaptive_avg_pool1d."""
    return _adaptive_avg("adaptive_avg_pool1d", 1, input, output_size)


def adaptive_avg_pool2d(input, output_size):
    """Average pooling of (N, C, H, W) to output_size (an int, or a pair that may hold None), as in PyTorch."""
    return _adaptive_avg("adaptive_avg_pool2d", 2, input, output_size)


def _adaptive_max(op, nd, input, output_size, return_indices):
    batched, hw, out = _adaptive_sizes(op, nd, input, output_size, channels=True)
    axes = []
    for n, o in zip(hw, (max(o, 1) for o in out)):  # an output size of 0: pool to 1, then slice to empty
        if n % o == 0:
            axes.append(Axis(n, n // o, n // o, 1, 0, o))
        else:
            start, end = _bounds(n, o)
            k = int((end - start).max())
            table = np.minimum(start[None, :] + np.arange(k)[:, None], end[None, :] - 1)
            axes.append(Axis(n, k, 1, 1, 0, o, table=table))
    y = MaxPool.apply(input, Win(nd, batched, *axes), bool(return_indices))
    if 0 not in out:
        return y
    empty = (Ellipsis,) + tuple(slice(o) for o in out[-nd:])
    return (y[0][empty], y[1][empty]) if return_indices else y[empty]


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Max pooling of (N, C, L) to output_size, as torch.nn.functional.adaptive_max_pool1d."""
    return _adaptive_max("adaptive_max_pool1d", 1, input, output_size, return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling of (N, C, H, W) to output_size, as torch.nn.functional.adaptive_max_pool2d."""
    return _adaptive_max("adaptive_max_pool2d", 2, input, output_size, return_indices)


# ---------------------------------------------------------------------------- interpolate
_MODES = {"nearest": None, "nearest-exact": None, "linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3,
          "lanczos": 2, "area": None}
_LINEAR = ("linear", "bilinear", "bicubic", "trilinear", "lanczos")


def _nearest_index(n, out, scale, exact):
    """PyTorch's nearest source index, computed in float32 as its kernels do."""
    f = np.float32(1.0 / scale) if scale is not None and scale > 0 else np.float32(n) / np.float32(out)
    o = np.arange(out, dtype=np.float32)
    src = np.floor((o + np.float32(0.5)) * f) if exact else np.floor(o * f)
    if out == n:
        src = np.arange(out)
    elif not exact and out == 2 * n:
        src = np.arange(out) // 2
    return np.minimum(src.astype(np.int64), n - 1)


def _linear_matrix(n, out, scale, align_corners, dtype):
    """Linear interpolation weights (out, n) with PyTorch's source-index rule."""
    acc = np.float64 if dtype == np.float64 else np.float32
    if align_corners:
        f = acc(n - 1) / acc(out - 1) if out > 1 else acc(0)
        src = np.arange(out, dtype=acc) * f
    else:
        f = acc(1.0 / scale) if scale is not None and scale > 0 else acc(n) / acc(out)
        src = np.maximum((np.arange(out, dtype=acc) + acc(0.5)) * f - acc(0.5), acc(0))
    i0 = src.astype(np.int64)
    i1 = i0 + (i0 < n - 1)
    lam = (src - i0).astype(acc)
    m = np.zeros((out, n), dtype=acc)
    rows = np.arange(out)
    np.add.at(m, (rows, i0), acc(1) - lam)
    np.add.at(m, (rows, i1), lam)
    return m.astype(dtype)


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize (N, C, L), (N, C, H, W) or (N, C, D, H, W): modes nearest, nearest-exact, linear, bilinear,
    trilinear, area, as in PyTorch."""
    if not isinstance(input, Tensor):
        raise TypeError(f"interpolate: expected input to be a Tensor, got {type(input).__name__}")
    if mode not in _MODES:
        raise NotImplementedError(f"interpolate: mode {mode!r} is not supported; use one of {sorted(_MODES)}")
    nd = input.ndim - 2
    if nd not in (1, 2, 3) or (_MODES[mode] is not None and _MODES[mode] != nd):
        want = {1: "3-d (N, C, L)", 2: "4-d (N, C, H, W)", 3: "5-d (N, C, D, H, W)"}
        need = want.get(_MODES[mode], "3-d (N, C, L), 4-d (N, C, H, W) or 5-d (N, C, D, H, W)")
        raise NotImplementedError(f"interpolate: mode {mode!r} expects a {need} input, got input of shape "
                                  f"{tuple(input.shape)}")
    check_input(input, nd, "interpolate")
    if align_corners is not None and mode not in _LINEAR:
        raise ValueError("interpolate: align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | trilinear")
    if antialias and (mode not in ("bilinear", "bicubic", "lanczos") or input.ndim != 4):
        raise ValueError("interpolate: the anti-alias option is restricted to bilinear, bicubic, and lanczos modes "
                         f"and requires a 4-D tensor as input (got mode {mode!r} and shape {tuple(input.shape)})")
    if mode == "lanczos" and not antialias:
        raise ValueError("interpolate: lanczos mode requires antialias=True")
    hw = tuple(input.shape[2:])
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: give exactly one of size or scale_factor")
    if size is not None:
        if isinstance(size, (tuple, list)) and len(size) != nd:
            raise ValueError(f"interpolate: size must be an int or a tuple of {nd} ints for input of shape "
                             f"{tuple(input.shape)}, got {size!r}")
        out = ntuple(size, nd, "size", "interpolate")
        scales = (None,) * nd
    else:
        sf = tuple(scale_factor) if isinstance(scale_factor, (tuple, list)) else (scale_factor,) * nd
        if len(sf) != nd:
            raise ValueError(f"interpolate: scale_factor must be a number or a tuple of {nd} numbers, "
                             f"got {scale_factor!r}")
        out = tuple(int(math.floor(float(n) * float(f))) for n, f in zip(hw, sf))
        scales = (None,) * nd if recompute_scale_factor else tuple(float(f) for f in sf)
    if any(o <= 0 for o in out):
        raise ValueError(f"interpolate: the output size {out} must be positive (input of shape "
                         f"{tuple(input.shape)})")
    if mode == "area":
        return _adaptive_avg("interpolate", nd, input, out)
    hw, out, scales = lift(hw, nd, 1), lift(out, nd, 1), lift(scales, nd, None)
    xp = gradmath.xp(input.array)
    if mode in _LINEAR:
        if antialias:
            weights = functools.partial(interp_weights.antialias_matrix, kind=mode)
        else:
            weights = interp_weights.cubic_matrix if mode == "bicubic" else _linear_matrix
        mats = [None if (n == o and (s is None or s == 1.0) and not antialias) else
                xp.asarray(weights(n, o, s, bool(align_corners), input.dtype))
                for n, o, s in zip(hw, out, scales)]
        return _resample(input, mats, None)
    idx = [_nearest_index(n, o, s, mode == "nearest-exact") for n, o, s in zip(hw, out, scales)]
    if all(o % n == 0 and np.array_equal(i, np.arange(o) // (o // n)) for n, o, i in zip(hw, out, idx)):
        # integer upsampling: the adjoint of sum pooling over f x f blocks (its gradient is a reshape-sum)
        axes = [Axis(o, o // n, o // n, 1, 0, n) for n, o in zip(hw, out)]
        return WinScatter.apply(input, Win(nd, True, *axes), out, None)
    mats, take = [], []
    for n, o, i in zip(hw, out, idx):
        if o == n and np.array_equal(i, np.arange(n)):
            mats.append(None)
            take.append(None)
        else:
            m = np.zeros((o, n), dtype=input.dtype)
            m[np.arange(o), i] = 1
            mats.append(xp.asarray(m))
            take.append(xp.asarray(i))
    return _resample(input, mats, tuple(take))


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated alias of interpolate, as torch.nn.functional.upsample."""
    return interpolate(input, size, scale_factor, mode, align_corners)


# ---------------------------------------------------------------------------- pixel shuffle
def _shuffle_args(op, input, r):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected input to be a Tensor, got {type(input).__name__}")
    if isinstance(r, bool) or not isinstance(r, int) or r < 1:
        raise ValueError(f"{op}: the factor must be a positive int, got {r!r}")
    if input.ndim < 3:
        raise RuntimeError(f"{op}: expected an input of at least 3 dims (*, C, H, W), got shape "
                           f"{tuple(input.shape)}")


def pixel_shuffle(input, upscale_factor):
    """(*, C*r^2, H, W) -> (*, C, H*r, W*r), as torch.nn.functional.pixel_shuffle."""
    _shuffle_args("pixel_shuffle", input, upscale_factor)
    c = input.shape[-3]
    if c % (upscale_factor ** 2):
        raise RuntimeError(f"pixel_shuffle: the channel count {c} of input of shape {tuple(input.shape)} is not "
                           f"divisible by upscale_factor^2 = {upscale_factor ** 2}")
    return PixelShuffle.apply(input, upscale_factor, False)


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H*r, W*r) -> (*, C*r^2, H, W), as torch.nn.functional.pixel_unshuffle."""
    _shuffle_args("pixel_unshuffle", input, downscale_factor)
    h, w = input.shape[-2:]
    if h % downscale_factor or w % downscale_factor:
        raise RuntimeError(f"pixel_unshuffle: the spatial size ({h}, {w}) of input of shape {tuple(input.shape)} "
                           f"is not divisible by downscale_factor = {downscale_factor}")
    return PixelShuffle.apply(input, downscale_factor, True)
