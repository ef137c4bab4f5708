"""Convolutions: conv1d/2d, conv_transpose1d/2d, unfold (im2col) and fold (col2im), as im2col + one GEMM.

Every op works on a batched view of its arrays: (N, C, H, W), or (N, C, D, H, W) for the 3-d convolutions of
ops/conv_3d.py (1-d convolutions use H = 1, unbatched inputs N = 1); the kernels take any number of spatial dims.
Three primitives cover convolution and all its derivatives: the convolution itself, its transpose (the
gradient with respect to the input, which is also conv_transpose's forward) and its weight gradient. Each one's
backward is written with the other two, so plain backward runs on arrays and create_graph records exact
higher-order gradients.

Layout: a strided view of the padded input is copied once into channel-major columns (G, Cg*K, N*L), K the
kernel's size, so that each convolution, its weight gradient and its input gradient are one large GEMM per group (a
batched matmul over groups). Stride-1 convolutions use a flat layout: each output row keeps the padded input's
width and each output plane its height (the extra columns are discarded), so gathering the columns and adding them
back (col2im, a loop over kernel offsets) move long contiguous runs.
"""
import itertools
import math

from .. import dtypes, gradmath
from .._tensor import Tensor
from ..function import Op

__all__ = ["conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "unfold", "fold"]
METHODS = {}


# ---------------------------------------------------------------------------- geometry and argument checks
class View4d:
    """Views arrays of an op with nd (1, 2 or 3) spatial dims, batched or not, as (N, C, H, W) or (N, C, D, H, W)."""

    __slots__ = ("nd", "batched")

    def to4d(self, a):
        """View an (N, C, *spatial) or (C, *spatial) array as batched, with a dummy H for nd = 1."""
        shape = a.shape if self.batched else (1,) + a.shape
        if self.nd == 1:
            shape = shape[:2] + (1,) + shape[2:]
        return a.reshape(shape)

    def from4d(self, a):
        """Undo to4d."""
        shape = a.shape
        if self.nd == 1:
            shape = shape[:2] + shape[3:]
        return a.reshape(shape if self.batched else shape[1:])


class Geom(View4d):
    """Shapes of one convolution on the batched view: x side (input of conv) and y side (its output).

    x_hw, y_hw, k, s, d are tuples over the view's spatial dims (2, or 3 for 3-d ops); pad holds (before, after)."""

    __slots__ = ("x_hw", "y_hw", "k", "s", "d", "pad", "groups", "flat")

    def __init__(self, nd, batched, x_hw, y_hw, k, s, d, pad, groups=1, flat=None):
        self.nd, self.batched = nd, batched
        self.x_hw, self.y_hw, self.k, self.s, self.d, self.pad = x_hw, y_hw, k, s, d, pad
        self.groups = groups
        self.flat = all(i == 1 for i in s) if flat is None else flat

    @property
    def padded(self):
        """(Hp, Wp), or (Dp, Hp, Wp): the x side with its padding."""
        return tuple(n + lo + hi for n, (lo, hi) in zip(self.x_hw, self.pad))

    @property
    def row_strides(self):
        """Element strides of the padded x's spatial dims, as one flat (contiguous) array."""
        p = self.padded
        return tuple(math.prod(p[i + 1:]) for i in range(len(p)))

    @property
    def bias_shape(self):
        """A bias (C,) reshaped to broadcast over the view."""
        return (1, -1) + (1,) * len(self.k)

    def w4d(self, w):
        """The weight as (O, Cg, *k) (a dummy kh = 1 for nd = 1)."""
        return w.reshape(w.shape[:2] + (1,) + w.shape[2:]) if self.nd == 1 else w

    @property
    def channel_sum_axes(self):
        """Axes to sum a y-side gradient over to get the bias gradient."""
        first = 2 if self.batched else 1
        return ((0,) if self.batched else ()) + tuple(range(first, first + self.nd))


def ntuple(v, n, name, op):
    """An int or a sequence of n ints, as a tuple of n Python ints."""
    if isinstance(v, Tensor) or (hasattr(v, "__len__") and not isinstance(v, str)):
        v = tuple(v)
        if len(v) == 1 and n > 1:
            v = v * n
        if len(v) != n or not all(isinstance(i, int) or hasattr(i, "__index__") for i in v):
            raise RuntimeError(f"{op}: {name} must be an int or a tuple of {n} ints, got {v!r}")
        return tuple(int(i) for i in v)
    if isinstance(v, bool) or not (isinstance(v, int) or hasattr(v, "__index__")):
        raise TypeError(f"{op}: {name} must be an int or a tuple of {n} ints, got {v!r}")
    return (int(v),) * n


def _positive(v, name, op, minimum=1):
    if any(i < minimum for i in v):
        what = "positive" if minimum == 1 else "non-negative"
        raise RuntimeError(f"{op}: {name} must be {what}, got {v}")
    return v


def lift(v, nd, fill):
    """A per-dim tuple of a 1-d op, lifted to (H, W) with `fill` for the dummy H."""
    return (fill,) + v if nd == 1 else v


def check_input(x, nd, op, name="input", ints=False):
    """A float (or, with ints, integer) Tensor with nd spatial dims, batched or not; returns batched (bool)."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected {name} to be a Tensor, got {type(x).__name__}")
    if x.ndim not in (nd + 1, nd + 2):
        kind = {1: "(C, L) or (N, C, L)", 2: "(C, H, W) or (N, C, H, W)",
                3: "(C, D, H, W) or (N, C, D, H, W)"}[nd]
        raise RuntimeError(f"{op}: expected a {nd + 1}-d (unbatched) or {nd + 2}-d (batched) {name} of shape "
                           f"{kind}, but got {name} of shape {tuple(x.shape)}")
    if x.dtype not in dtypes.FLOATS and not (ints and x.dtype in dtypes.INTEGERS):
        raise TypeError(f"{op}: expected a floating point {name}, got dtype {x.dtype}; convert it with .float()")
    return x.ndim == nd + 2


def _same_kind(op, x, other, name):
    if other.dtype != x.dtype:
        raise TypeError(f"{op}: input dtype ({x.dtype}) and {name} dtype ({other.dtype}) should be the same; "
                        f"convert one with .to(dtype)")
    if type(other.array) is not type(x.array):
        raise RuntimeError(f"{op}: input is on {x.device} but {name} is on {other.device}; move one with "
                           ".to(device) first (nothing is copied implicitly)")


def run_op(cls, *args):
    """Primitive `cls` applied to gradients: recorded on Tensors (create_graph), plain on arrays."""
    for a in args:
        if isinstance(a, Tensor):
            return cls.apply(*args)
    return cls.forward(cls.__new__(cls), *args)


# ---------------------------------------------------------------------------- array kernels (batched views)
def _pad_zeros(x, pad):
    """x padded by zeros, pad = ((before, after), ...) for each spatial dim."""
    if not any(lo or hi for lo, hi in pad):
        return x
    xp = gradmath.xp(x)
    out = xp.zeros(x.shape[:2] + tuple(n + lo + hi for n, (lo, hi) in zip(x.shape[2:], pad)), dtype=x.dtype)
    out[(slice(None),) * 2 + tuple(slice(lo, lo + n) for n, (lo, _) in zip(x.shape[2:], pad))] = x
    return out


def _crop(x, pad, hw):
    """Undo _pad_zeros (a contiguous copy when there was padding)."""
    if not any(lo or hi for lo, hi in pad) and x.shape[2:] == hw:
        return x
    window = tuple(slice(lo, lo + n) for n, (lo, _) in zip(hw, pad))
    return gradmath.xp(x).ascontiguousarray(x[(slice(None),) * 2 + window])


def _flat_len(g):
    return sum((o - 1) * r for o, r in zip(g.y_hw, g.row_strides)) + 1


def _cols_len(g):
    """L, the length of one column: OH*OW (OD*OH*OW), or the flat layout's length."""
    return _flat_len(g) if g.flat else math.prod(g.y_hw)


def _windows(x, g):
    """A strided view of the padded x: (N, C, *k, L) on the flat layout, else (N, C, *k, *y_hw)."""
    xp = gradmath.xp(x)
    as_strided = xp.lib.stride_tricks.as_strided
    xpad = _pad_zeros(x, g.pad)
    n, c = xpad.shape[:2]
    if g.flat:
        xf = xpad.reshape(n, c, math.prod(xpad.shape[2:]))  # copies when xpad is not contiguous
        sn, sc, se = xf.strides
        taps = tuple(d * r * se for d, r in zip(g.d, g.row_strides))
        return as_strided(xf, (n, c) + g.k + (_flat_len(g),), (sn, sc) + taps + (se,))
    sn, sc, *sp = xpad.strides
    taps = tuple(d * st for d, st in zip(g.d, sp))
    steps = tuple(s * st for s, st in zip(g.s, sp))
    return as_strided(xpad, (n, c) + g.k + g.y_hw, (sn, sc) + taps + steps)


def im2col(x, g, batch_first=False):
    """Columns of the padded x: (G, Cg*K, N*L) for the convolution GEMMs, or (N, C*K, L) (unfold)."""
    v = _windows(x, g)
    n, c = v.shape[:2]
    ksize, length = math.prod(g.k), _cols_len(g)
    xp = gradmath.xp(x)
    if batch_first:
        return xp.ascontiguousarray(v).reshape(n, c * ksize, length)
    nk = len(g.k)
    v = v.transpose((1,) + tuple(range(2, 2 + nk)) + (0,) + tuple(range(2 + nk, v.ndim)))
    return xp.ascontiguousarray(v).reshape(g.groups, (c // g.groups) * ksize, n * length)


def col2im(gc, g, n, c, batch_first=False):
    """The adjoint of im2col: add columns (either layout) back into an x-side array (N, C, *x_hw)."""
    xp = gradmath.xp(gc)
    nk, padded = len(g.k), g.padded
    gx = xp.zeros((n, c) + padded, dtype=gc.dtype)
    tail = (_flat_len(g),) if g.flat else g.y_hw
    rest = tuple(range(nk + 2, nk + 2 + len(tail)))
    if batch_first:  # taps indexed (N, C, *k, ...): move the kernel axes first
        gc = gc.reshape((n, c) + g.k + tail).transpose(tuple(range(2, nk + 2)) + (0, 1) + rest)
        dst = gx.reshape(n, c, math.prod(padded)) if g.flat else gx
    else:  # channel-major columns: walk the output in the same (C, N, ...) order
        gc = gc.reshape((c,) + g.k + (n,) + tail).transpose(tuple(range(1, nk + 1)) + (0, nk + 1) + rest)
        dst = gx.reshape(n, c, math.prod(padded)).transpose(1, 0, 2) if g.flat else \
            gx.transpose((1, 0) + tuple(range(2, 2 + nk)))
    for off in itertools.product(*(range(k) for k in g.k)):
        tap = gc[off]
        if g.flat:
            start = sum(i * d * r for i, d, r in zip(off, g.d, g.row_strides))
            dst[:, :, start:start + tail[0]] += tap
        else:
            dst[(slice(None),) * 2 + tuple(slice(i * d, i * d + s * (o - 1) + 1, s)
                                           for i, d, s, o in zip(off, g.d, g.s, g.y_hw))] += tap
    return _crop(gx, g.pad, g.x_hw)


def _y_to_cols(gy, g):
    """A y-side array (N, O, *y_hw) in the columns' layout (G, O/G, N*L) (zeros in the flat layout's gaps)."""
    n, o = gy.shape[:2]
    length = _cols_len(g)
    xp = gradmath.xp(gy)
    order = (1, 0) + tuple(range(2, gy.ndim))
    if g.flat and length != math.prod(g.y_hw):
        buf = xp.zeros((o, n, length), dtype=gy.dtype)
        so, sn, se = buf.strides
        view = xp.lib.stride_tricks.as_strided(buf, (o, n) + g.y_hw, (so, sn) + tuple(r * se for r in g.row_strides))
        view[...] = gy.transpose(order)
    else:
        buf = xp.ascontiguousarray(gy.transpose(order))
    return buf.reshape(g.groups, o // g.groups, n * length)


def _cols_to_y(y, g, n):
    """Undo _y_to_cols: (G, O/G, N*L) -> a contiguous (N, O, *y_hw)."""
    o = y.shape[0] * y.shape[1]
    length = _cols_len(g)
    xp = gradmath.xp(y)
    y = y.reshape(o, n, length)
    if g.flat and length != math.prod(g.y_hw):
        so, sn, se = y.strides
        strides = (sn, so) + tuple(r * se for r in g.row_strides)
        return xp.ascontiguousarray(xp.lib.stride_tricks.as_strided(y, (n, o) + g.y_hw, strides))
    return xp.ascontiguousarray(y.transpose(1, 0, 2)).reshape((n, o) + g.y_hw)


def conv_forward(x, w, g, cols=None):
    """y = conv(x, w) on batched views (one GEMM per group); returns y and the columns of x."""
    if cols is None:
        cols = im2col(x, g)
    o = w.shape[0]
    y = gradmath.xp(x).matmul(w.reshape(g.groups, o // g.groups, cols.shape[1]), cols)
    return _cols_to_y(y, g, x.shape[0]), cols


def conv_input_grad(gy, w, g, gyc=None):
    """The adjoint of conv in its input: gx from gy (N, O, *y_hw) and w (O, Cg, *k)."""
    n, (o, cg) = gy.shape[0], w.shape[:2]
    if gyc is None:
        gyc = _y_to_cols(gy, g)
    w3 = w.reshape(g.groups, o // g.groups, cg * math.prod(g.k))
    gc = gradmath.xp(gy).matmul(w3.transpose(0, 2, 1), gyc)
    return col2im(gc, g, n, cg * g.groups)


def conv_weight_grad(x, gy, g, cols=None, gyc=None):
    """The adjoint of conv in its weight: gw (G, O/G, Cg*K) from x and gy, one GEMM per group."""
    if cols is None:
        cols = im2col(x, g)
    if gyc is None:
        gyc = _y_to_cols(gy, g)
    return gradmath.xp(gy).matmul(gyc, cols.transpose(0, 2, 1))


# ---------------------------------------------------------------------------- primitives
_KEEP_COLS_BYTES = 64 << 20


class Conv(Op):
    """y = conv(x, w) + b."""

    def forward(ctx, x, w, b, g):
        need = ctx.needs_input_grad  # () when nothing is recorded
        y, cols = conv_forward(g.to4d(x), g.w4d(w), g)
        if b is not None:
            y += b.reshape(g.bias_shape)
        ctx.g = g
        # the weight gradient reuses the columns, unless they are large (then it rebuilds them: one copy)
        keep = len(need) > 1 and need[1] and cols.nbytes <= _KEEP_COLS_BYTES
        ctx.save_for_backward(x, w, cols if keep else None)
        return g.from4d(y)

    def backward(ctx, gy):
        x, w, cols = ctx.saved_tensors
        g, need = ctx.g, ctx.needs_input_grad
        gb = gradmath.sum(gy, axis=g.channel_sum_axes) if need[2] else None
        if isinstance(gy, Tensor):  # create_graph: record the backward with the primitives
            gx = run_op(ConvTranspose, gy, w, None, g) if need[0] else None
            gw = run_op(ConvWeight, x, gy, g, tuple(w.shape)) if need[1] else None
            return gx, gw, gb, None
        gy4 = g.to4d(gy)
        gyc = _y_to_cols(gy4, g)  # shared by both gradients
        gx = g.from4d(conv_input_grad(gy4, g.w4d(w), g, gyc)) if need[0] else None
        gw = conv_weight_grad(g.to4d(x), gy4, g, cols, gyc).reshape(w.shape) if need[1] else None
        return gx, gw, gb, None


class ConvTranspose(Op):
    """x = conv_input_grad(y, w) + b: the transpose of conv (its gradient in x); conv_transpose's forward."""

    def forward(ctx, y, w, b, g):
        x = conv_input_grad(g.to4d(y), g.w4d(w), g)
        if b is not None:
            x += b.reshape(g.bias_shape)
        ctx.g = g
        ctx.save_for_backward(y, w)
        return g.from4d(x)

    def backward(ctx, gx):
        y, w = ctx.saved_tensors
        g, need = ctx.g, ctx.needs_input_grad
        gy = run_op(Conv, gx, w, None, g) if need[0] else None
        gw = run_op(ConvWeight, gx, y, g, tuple(w.shape)) if need[1] else None
        gb = gradmath.sum(gx, axis=g.channel_sum_axes) if need[2] else None
        return gy, gw, gb, None


class ConvWeight(Op):
    """gw = conv_weight_grad(x, gy): the transpose of conv in its weight."""

    def forward(ctx, x, gy, g, wshape):
        ctx.g = g
        ctx.save_for_backward(x, gy)
        return conv_weight_grad(g.to4d(x), g.to4d(gy), g).reshape(wshape)

    def backward(ctx, ggw):
        x, gy = ctx.saved_tensors
        g, need = ctx.g, ctx.needs_input_grad
        gx = run_op(ConvTranspose, gy, ggw, None, g) if need[0] else None
        ggy = run_op(Conv, x, ggw, None, g) if need[1] else None
        return gx, ggy, None, None


class Unfold(Op):
    """im2col: (N, C, H, W) -> (N, C*kh*kw, OH*OW)."""

    def forward(ctx, x, g):
        ctx.g = g
        cols = im2col(g.to4d(x), g, batch_first=True)
        return cols if g.batched else cols[0]

    def backward(ctx, gc):
        return run_op(Fold, gc, ctx.g), None


class Fold(Op):
    """col2im: (N, C*kh*kw, OH*OW) -> (N, C, H, W), summing overlapping values."""

    def forward(ctx, cols, g):
        ctx.g = g
        c4 = cols if g.batched else cols.reshape((1,) + cols.shape)
        n, k = c4.shape[:2]
        x = col2im(c4, g, n, k // math.prod(g.k), batch_first=True)
        return x if g.batched else x[0]

    def backward(ctx, gx):
        return run_op(Unfold, gx, ctx.g), None


# ---------------------------------------------------------------------------- public functions
def _conv_args(op, nd, input, weight, bias, groups):
    batched = check_input(input, nd, op)
    if not isinstance(weight, Tensor):
        raise TypeError(f"{op}: expected weight to be a Tensor, got {type(weight).__name__}")
    _same_kind(op, input, weight, "weight")
    if weight.ndim != nd + 2:
        raise RuntimeError(f"{op}: expected a {nd + 2}-d weight, but got weight of shape {tuple(weight.shape)}")
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
        raise RuntimeError(f"{op}: groups must be a positive int, got {groups!r}")
    if bias is not None:
        if not isinstance(bias, Tensor):
            raise TypeError(f"{op}: expected bias to be a Tensor or None, got {type(bias).__name__}")
        _same_kind(op, input, bias, "bias")
    return batched


def conv_nd(op, nd, input, weight, bias, stride, padding, dilation, groups):
    """The convolution behind conv1d/2d/3d (nd spatial dims): checks, geometry, then the Conv primitive."""
    batched = _conv_args(op, nd, input, weight, bias, groups)
    stride = _positive(ntuple(stride, nd, "stride", op), "stride", op)
    dilation = _positive(ntuple(dilation, nd, "dilation", op), "dilation", op)
    o, cg, *k = weight.shape
    k = tuple(k)
    c = input.shape[1 if batched else 0]
    if o % groups:
        raise RuntimeError(f"{op}: the weight's {o} output channels must be divisible by groups={groups}")
    if cg * groups != c:
        raise RuntimeError(f"{op}: weight of shape {tuple(weight.shape)} with groups={groups} expects input with "
                           f"{cg * groups} channels, but got input of shape {tuple(input.shape)} with {c} channels")
    if bias is not None and tuple(bias.shape) != (o,):
        raise RuntimeError(f"{op}: expected bias of shape ({o},) for weight of shape {tuple(weight.shape)}, "
                           f"but got bias of shape {tuple(bias.shape)}")
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * nd
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError(f"{op}: padding='same' is not supported for strided convolutions "
                                   f"(stride={stride}); pass explicit padding instead")
            tot = [d * (kk - 1) for d, kk in zip(dilation, k)]
            pads = tuple((t // 2, t - t // 2) for t in tot)
        else:
            raise RuntimeError(f"{op}: padding must be 'valid', 'same', an int or a tuple of {nd} ints, "
                               f"got {padding!r}")
    else:
        p = _positive(ntuple(padding, nd, "padding", op), "padding", op, minimum=0)
        pads = tuple((i, i) for i in p)
    hw = tuple(input.shape[-nd:])
    out = []
    for n_in, (lo, hi), kk, s, d in zip(hw, pads, k, stride, dilation):
        span = d * (kk - 1) + 1
        if n_in + lo + hi < span:
            raise RuntimeError(f"{op}: input of shape {tuple(input.shape)} padded by {pads} is smaller than the "
                               f"kernel ({k} with dilation {dilation}); the kernel can't be greater than the "
                               "padded input")
        out.append((n_in + lo + hi - span) // s + 1)
    g = Geom(nd, batched, lift(hw, nd, 1), lift(tuple(out), nd, 1), lift(k, nd, 1), lift(stride, nd, 1),
             lift(dilation, nd, 1), lift(pads, nd, (0, 0)), groups)
    # The flat layout (stride 1) speeds up the input side (im2col, col2im) at some cost on the output side (the
    # discarded columns); with few input rows per output channel, as in a first layer, the strided one is cheaper.
    junk = _flat_len(g) > math.prod(out)
    g.flat = g.flat and (not junk or cg * math.prod(k) >= o // groups)
    return Conv.apply(input, weight, bias, g)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-d convolution over (N, C, L) or (C, L) with weight (out, in/groups, k), as torch.nn.functional.conv1d."""
    return conv_nd("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-d convolution over (N, C, H, W) or (C, H, W) with weight (out, in/groups, kH, kW), as in PyTorch."""
    return conv_nd("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv_transpose_nd(op, nd, input, weight, bias, stride, padding, output_padding, groups, dilation):
    """The transposed convolution behind conv_transpose1d/2d/3d: checks, geometry, then ConvTranspose."""
    batched = _conv_args(op, nd, input, weight, bias, groups)
    stride = _positive(ntuple(stride, nd, "stride", op), "stride", op)
    dilation = _positive(ntuple(dilation, nd, "dilation", op), "dilation", op)
    if isinstance(padding, str):
        raise ValueError(f"{op}: padding must be an int or a tuple of {nd} ints (string padding is not "
                         f"supported by transposed convolutions), got {padding!r}")
    padding = _positive(ntuple(padding, nd, "padding", op), "padding", op, minimum=0)
    output_padding = _positive(ntuple(output_padding, nd, "output_padding", op), "output_padding", op, minimum=0)
    cin, og, *k = weight.shape
    k = tuple(k)
    c = input.shape[1 if batched else 0]
    if cin != c:
        raise RuntimeError(f"{op}: weight of shape {tuple(weight.shape)} expects input with {cin} channels, but "
                           f"got input of shape {tuple(input.shape)} with {c} channels")
    if cin % groups:
        raise RuntimeError(f"{op}: the input's {cin} channels must be divisible by groups={groups}")
    if bias is not None and tuple(bias.shape) != (og * groups,):
        raise RuntimeError(f"{op}: expected bias of shape ({og * groups},) for weight of shape "
                           f"{tuple(weight.shape)} and groups={groups}, but got bias of shape {tuple(bias.shape)}")
    for op_, s, d in zip(output_padding, stride, dilation):
        if op_ >= s and op_ >= d:
            raise RuntimeError(f"{op}: output_padding {output_padding} must be smaller than either stride {stride} "
                               f"or dilation {dilation}")
    hw = tuple(input.shape[-nd:])
    out = tuple((n - 1) * s - 2 * p + d * (kk - 1) + op_ + 1
                for n, s, p, d, kk, op_ in zip(hw, stride, padding, dilation, k, output_padding))
    if any(o <= 0 for o in out):
        raise RuntimeError(f"{op}: input of shape {tuple(input.shape)} gives an output of non-positive size {out} "
                           f"(kernel {k}, stride {stride}, padding {padding}, dilation {dilation})")
    g = Geom(nd, batched, lift(out, nd, 1), lift(hw, nd, 1), lift(k, nd, 1), lift(stride, nd, 1),
             lift(dilation, nd, 1), lift(tuple((p, p) for p in padding), nd, (0, 0)), groups)
    return ConvTranspose.apply(input, weight, bias, g)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Transposed 1-d convolution, weight (in, out/groups, k), as torch.nn.functional.conv_transpose1d."""
    return conv_transpose_nd("conv_transpose1d", 1, input, weight, bias, stride, padding, output_padding, groups,
                              dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Transposed 2-d convolution, weight (in, out/groups, kH, kW), as torch.nn.functional.conv_transpose2d."""
    return conv_transpose_nd("conv_transpose2d", 2, input, weight, bias, stride, padding, output_padding, groups,
                              dilation)


def _window_args(op, kernel_size, dilation, padding, stride):
    k = _positive(ntuple(kernel_size, 2, "kernel_size", op), "kernel_size", op)
    d = _positive(ntuple(dilation, 2, "dilation", op), "dilation", op)
    p = _positive(ntuple(padding, 2, "padding", op), "padding", op, minimum=0)
    s = _positive(ntuple(stride, 2, "stride", op), "stride", op)
    return k, d, p, s


def _blocks(op, hw, k, d, p, s):
    out = tuple((n + 2 * pp - dd * (kk - 1) - 1) // ss + 1 for n, kk, dd, pp, ss in zip(hw, k, d, p, s))
    if any(o <= 0 for o in out):
        raise RuntimeError(f"{op}: spatial size {hw} with padding {p} is too small for kernel_size {k} with "
                           f"dilation {d} (it gives {out} blocks)")
    return out


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding blocks (im2col): (N, C, H, W) -> (N, C*kH*kW, L), as torch.nn.functional.unfold."""
    batched = check_input(input, 2, "unfold")
    k, d, p, s = _window_args("unfold", kernel_size, dilation, padding, stride)
    hw = tuple(input.shape[-2:])
    out = _blocks("unfold", hw, k, d, p, s)
    g = Geom(2, batched, hw, out, k, s, d, tuple((i, i) for i in p), 1, flat=False)
    return Unfold.apply(input, g)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sum sliding blocks back into an image (col2im): (N, C*kH*kW, L) -> (N, C, H, W), as in PyTorch."""
    if not isinstance(input, Tensor):
        raise TypeError(f"fold: expected input to be a Tensor, got {type(input).__name__}")
    if input.ndim not in (2, 3):
        raise RuntimeError(f"fold: expected a 2-d (unbatched) or 3-d (batched) input of shape (C*kH*kW, L) or "
                           f"(N, C*kH*kW, L), but got input of shape {tuple(input.shape)}")
    if input.dtype not in dtypes.FLOATS:
        raise TypeError(f"fold: expected a floating point input, got dtype {input.dtype}")
    hw = ntuple(output_size, 2, "output_size", "fold")
    k, d, p, s = _window_args("fold", kernel_size, dilation, padding, stride)
    out = _blocks("fold", hw, k, d, p, s)
    kk, length = input.shape[-2:]
    if kk % (k[0] * k[1]):
        raise RuntimeError(f"fold: expected size of input's dimension 1 ({kk}) to be divisible by the product of "
                           f"kernel_size {k}, but got input of shape {tuple(input.shape)}")
    if length != out[0] * out[1]:
        raise RuntimeError(f"fold: expected input's last dimension to be {out[0] * out[1]} (the number of sliding "
                           f"blocks {out} for output_size {hw}), but got input of shape {tuple(input.shape)}")
    g = Geom(2, input.ndim == 3, hw, out, k, s, d, tuple((i, i) for i in p), 1, flat=False)
    return Fold.apply(input, g)
