"""Pooling and resampling: max/avg/adaptive pooling, interpolate, pixel_shuffle / pixel_unshuffle.

Pooling windows are separable: a window op runs along W (the taps of every window, as strided slices) and then
along H. Max pooling keeps, per stage, which tap won (the first maximum, as PyTorch), so its gradient goes to one
input per window. Non-overlapping windows (stride == kernel) take a reshape-based fast path. Two primitives are
each other's adjoint: WinGather (window sums, or the elements max pooling selected) and WinScatter (spreads values
back over the windows); they give avg pooling, max pooling's backward and every higher derivative.
Adaptive average pooling and linear/bilinear interpolation are separable linear maps (y = Mh x Mw^T).
"""
import math

import numpy as np

from .. import backend, gradmath
from .._tensor import Tensor
from ..function import Op
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
    """A 2-d pooling window (H axis, W axis) on the 4-d view; `inv` scales window sums (avg pooling)."""

    __slots__ = ("ah", "aw", "inv", "_inv_dev")

    def __init__(self, nd, batched, ah, aw, inv=None):
        self.nd, self.batched, self.ah, self.aw = nd, batched, ah, aw
        self.inv, self._inv_dev = inv, None

    def scale(self, a):
        """Multiply by the avg-pooling factor (a number or an (OH, OW) table)."""
        inv = self.inv
        if inv is None:
            return a
        if isinstance(inv, np.ndarray):
            if self._inv_dev is None or gradmath.xp(self._inv_dev) is not gradmath.xp(a):
                self._inv_dev = gradmath.xp(a).asarray(inv.astype(a.dtype))
            inv = self._inv_dev
        return a * inv


# ---------------------------------------------------------------------------- window kernels (4-d arrays)
def _prepare(x, win, fill):
    """x padded or cropped to (ext_h, ext_w), filled with `fill` outside."""
    n, c, h, w = x.shape
    (lh, eh), (lw, ew) = (win.ah.lo, win.ah.ext), (win.aw.lo, win.aw.ext)
    if lh == 0 and lw == 0 and eh <= h and ew <= w:
        return x if (eh, ew) == (h, w) else x[:, :, :eh, :ew]
    xp = gradmath.xp(x)
    out = xp.empty((n, c, eh, ew), dtype=x.dtype)
    out.fill(fill)
    hh, ww = min(h, eh - lh), min(w, ew - lw)
    out[:, :, lh:lh + hh, lw:lw + ww] = x[:, :, :hh, :ww]
    return out


def _unprepare(g, win, hw):
    """Adjoint of _prepare: the padded gradient back to the input's (H, W)."""
    n, c, eh, ew = g.shape
    h, w = hw
    lh, lw = win.ah.lo, win.aw.lo
    if (lh, lw) == (0, 0) and (eh, ew) == (h, w):
        return g
    hh, ww = min(h, eh - lh), min(w, ew - lw)
    out = gradmath.xp(g).zeros((n, c, h, w), dtype=g.dtype)
    out[:, :, :hh, :ww] = g[:, :, lh:lh + hh, lw:lw + ww]
    return out


def _first_max(taps):
    """Running maximum over taps and the first tap that holds it (int8, or bool viewed as int8 for 2 taps)."""
    xp = gradmath.xp(taps[0])
    if len(taps) == 1:
        return taps[0].copy(), xp.zeros(taps[0].shape, dtype=np.int8)
    arg = taps[1] > taps[0]
    m = xp.maximum(taps[0], taps[1])
    if len(taps) == 2:
        return m, arg.view(np.int8)
    arg = arg.astype(np.int8)
    for t in range(2, len(taps)):
        xp.copyto(arg, t, where=taps[t] > m)
        xp.maximum(m, taps[t], out=m)
    return m, arg


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
    elif kind == "select":
        m = _select(taps, arg.reshape(taps[0].shape))
    else:
        m = taps[0] + taps[1] if len(taps) > 1 else taps[0].copy()
        for t in taps[2:]:
            m += t
    return ax.shaped(m, a.shape, axis), arg


def win_gather(x, win, kind, args=(None, None)):
    """Pool x (N, C, H, W): kind "max" (returns the winning taps), "sum" (times win.inv) or "select" (by args)."""
    a = _prepare(x, win, -math.inf if kind == "max" else 0)
    m1, a1 = _stage(a, win.aw, 3, kind, args[0])
    y, a2 = _stage(m1, win.ah, 2, kind, args[1])
    if y is x:  # 1x1 windows at stride 1: still a new array
        y = y.copy()
    return win.scale(y), (a1, a2)


def win_scatter(g, win, hw, args=(None, None)):
    """Adjoint of win_gather("sum"/"select"): spread g (N, C, OH, OW) over the windows of an (H, W) input."""
    g = win.scale(g)
    n, c = g.shape[:2]
    eh, ew = win.ah.ext, win.aw.ext
    if win.ah.mode != "id":
        g = win.ah.spread(g, args[1], (n, c, eh, g.shape[3]), 2)
    if win.aw.mode != "id":
        g = win.aw.spread(g, args[0], (n, c, eh, ew), 3)
    return _unprepare(g, win, hw)


def _flat_indices(x, win, args):
    """PyTorch's max-pool indices: flat positions in each input plane of the winners (clipped inside)."""
    n, c, h, w = x.shape
    a1, a2 = args
    ah, aw = win.ah, win.aw
    xp = gradmath.xp(x)
    oh = xp.arange(ah.out).reshape(-1, 1)
    ow = xp.arange(aw.out).reshape(1, -1)
    i = xp.zeros((1, 1, 1, 1), dtype=np.int64) if a2 is None else a2.astype(np.int64)
    hp = ah.pos(i, oh) if ah.mode != "id" else xp.broadcast_to(oh, (n, c, ah.out, aw.out))
    hp = xp.broadcast_to(hp, (n, c, ah.out, aw.out))
    if a1 is None:
        j = xp.zeros((1, 1, 1, 1), dtype=np.int64)
    else:
        j = xp.take_along_axis(a1, xp.ascontiguousarray(hp), axis=2).astype(np.int64)
    wp = aw.pos(j, ow) if aw.mode != "id" else ow
    hh = xp.clip(hp - ah.lo, 0, h - 1)
    ww = xp.clip(wp - aw.lo, 0, w - 1)
    return hh * w + ww


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
        y, _ = win_gather(x4, win, "sum" if args is None else "select", args or (None, None))
        return win.from4d(y)

    def backward(ctx, gy):
        return run_op(WinScatter, gy, ctx.win, ctx.hw, ctx.args), None, None


class WinScatter(Op):
    """Spread values over the windows of an (H, W) input: the adjoint of WinGather."""

    def forward(ctx, g, win, hw, args):
        ctx.win, ctx.args = win, args
        return win.from4d(win_scatter(win.to4d(g), win, hw, args or (None, None)))

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
    batched = check_input(input, nd, op)
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
        if isinstance(divisor_override, bool) or not isinstance(divisor_override, int) or divisor_override == 0:
            raise RuntimeError(f"{op}: divisor_override must be a non-zero int, got {divisor_override!r}")
        win.inv = 1.0 / divisor_override
    else:
        dh, dw = (_avg_divisors(*a, count_include_pad) for a in zip(hw, k, s, p, out))
        table = 1.0 / (dh[:, None] * dw[None, :])
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
def _adaptive_sizes(op, nd, input, output_size):
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
    if any(n == 0 for n in hw):
        raise RuntimeError(f"{op}: expected input with non-zero spatial size, got input of shape "
                           f"{tuple(input.shape)}")
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
    batched, hw, out = _adaptive_sizes(op, nd, input, output_size)
    if all(o > 0 and n % o == 0 for n, o in zip(hw, out)):  # regular windows: avg pooling, fast path
        axes = [Axis(n, n // o, n // o, 1, 0, o) for n, o in zip(hw, out)]
        win = Win(nd, batched, *axes, inv=1.0 / ((hw[0] // out[0]) * (hw[1] // out[1])))
        return WinGather.apply(input, win, None)
    xp = gradmath.xp(input.array)
    mh = None if hw[0] == out[0] else xp.asarray(_avg_matrix(hw[0], out[0], input.dtype))
    mw = None if hw[1] == out[1] else xp.asarray(_avg_matrix(hw[1], out[1], input.dtype))
    return Resample.apply(input, mh, mw, None)


def adaptive_avg_pool1d(input, output_size):
    """Average pooling of (N, C, L) to output_size, as torch.nn.functional.adaptive_avg_pool1d."""
    return _adaptive_avg("adaptive_avg_pool1d", 1, input, output_size)


def adaptive_avg_pool2d(input, output_size):
    """Average pooling of (N, C, H, W) to output_size (an int, or a pair that may hold None), as in PyTorch."""
    return _adaptive_avg("adaptive_avg_pool2d", 2, input, output_size)


def _adaptive_max(op, nd, input, output_size, return_indices):
    batched, hw, out = _adaptive_sizes(op, nd, input, output_size)
    if any(o == 0 for o in out):
        raise RuntimeError(f"{op}: output_size must be positive, got {out[-nd:]}")
    axes = []
    for n, o in zip(hw, out):
        if n % o == 0:
            axes.append(Axis(n, n // o, n // o, 1, 0, o))
        else:
            start, end = _bounds(n, o)
            k = int((end - start).max())
            table = np.minimum(start[None, :] + np.arange(k)[:, None], end[None, :] - 1)
            axes.append(Axis(n, k, 1, 1, 0, o, table=table))
    return MaxPool.apply(input, Win(nd, batched, *axes), bool(return_indices))


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Max pooling of (N, C, L) to output_size, as torch.nn.functional.adaptive_max_pool1d."""
    return _adaptive_max("adaptive_max_pool1d", 1, input, output_size, return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling of (N, C, H, W) to output_size, as torch.nn.functional.adaptive_max_pool2d."""
    return _adaptive_max("adaptive_max_pool2d", 2, input, output_size, return_indices)


# ---------------------------------------------------------------------------- interpolate
_MODES = {"nearest": None, "nearest-exact": None, "linear": 1, "bilinear": 2, "area": None}


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
    """Resize (N, C, L) or (N, C, H, W): modes nearest, nearest-exact, linear, bilinear, area, as in PyTorch."""
    if not isinstance(input, Tensor):
        raise TypeError(f"interpolate: expected input to be a Tensor, got {type(input).__name__}")
    if mode not in _MODES:
        raise NotImplementedError(f"interpolate: mode {mode!r} is not supported; use one of {sorted(_MODES)}")
    nd = input.ndim - 2
    if nd not in (1, 2) or (_MODES[mode] is not None and _MODES[mode] != nd):
        want = {1: "3-d (N, C, L)", 2: "4-d (N, C, H, W)"}
        need = want.get(_MODES[mode], "3-d (N, C, L) or 4-d (N, C, H, W)")
        raise ValueError(f"interpolate: mode {mode!r} expects a {need} input, got input of shape "
                         f"{tuple(input.shape)}")
    check_input(input, nd, "interpolate")
    if align_corners is not None and mode not in ("linear", "bilinear"):
        raise ValueError("interpolate: align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear")
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported")
    hw = tuple(input.shape[2:])
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: give exactly one of size or scale_factor")
    if size is not None:
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
    if mode in ("linear", "bilinear"):
        mats = [None if (n == o and (s is None or s == 1.0)) else
                xp.asarray(_linear_matrix(n, o, s, bool(align_corners), input.dtype))
                for n, o, s in zip(hw, out, scales)]
        return Resample.apply(input, *mats, None)
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
    return Resample.apply(input, *mats, tuple(take))


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
