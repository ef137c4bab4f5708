"""Registry cases: convolutions (conv-*: conv1d/2d, conv_transpose1d/2d, unfold, fold) and pooling / resampling
(pool-*: max/avg/adaptive pooling, interpolate, pixel_shuffle).

`pytest tests/ops -k conv` selects the convolutions, `-k pool` the pooling cases. The numpy references below are
written independently of the implementation: direct sums over kernel offsets and plain loops over windows.
"""
import math

import numpy as np

import autograd as ag
from tests.ops.registry import Arg, OpCase

CASES = []


def _case(name, fn, args, ref, **kw):
    CASES.append(OpCase(name, fn, args, ref, **kw))


def _pair(v, n=2):
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


# ---------------------------------------------------------------------------- numpy references: convolution
def ref_conv(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    """Direct convolution over any number of spatial dims (1 or 2): a sum over kernel offsets."""
    nd = w.ndim - 2
    unbatched = x.ndim == nd + 1
    if unbatched:
        x = x[None]
    s, d = _pair(stride, nd), _pair(dilation, nd)
    k = w.shape[2:]
    if padding == "same":
        pads = [(dd * (kk - 1) // 2, dd * (kk - 1) - dd * (kk - 1) // 2) for dd, kk in zip(d, k)]
    elif padding == "valid":
        pads = [(0, 0)] * nd
    else:
        pads = [(p, p) for p in _pair(padding, nd)]
    xp = np.pad(x, [(0, 0), (0, 0)] + pads)
    out = [(xp.shape[2 + i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(nd)]
    n, c = x.shape[:2]
    o = w.shape[0]
    cg, og = c // groups, o // groups
    y = np.zeros((n, o) + tuple(out))
    for off in np.ndindex(*k):
        sl = tuple(slice(off[i] * d[i], off[i] * d[i] + s[i] * (out[i] - 1) + 1, s[i]) for i in range(nd))
        patch = xp[(slice(None), slice(None)) + sl]
        for g in range(groups):
            wk = w[(slice(g * og, (g + 1) * og), slice(None)) + off]  # (og, cg)
            y[:, g * og:(g + 1) * og] += np.einsum("nc...,oc->no...", patch[:, g * cg:(g + 1) * cg], wk)
    if b is not None:
        y += b.reshape((1, o) + (1,) * nd)
    return y[0] if unbatched else y


def ref_conv_transpose(x, w, b=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Transposed convolution by its definition: every input pixel scatters weight * value into the output."""
    nd = w.ndim - 2
    unbatched = x.ndim == nd + 1
    if unbatched:
        x = x[None]
    s, p, op, d = _pair(stride, nd), _pair(padding, nd), _pair(output_padding, nd), _pair(dilation, nd)
    k = w.shape[2:]
    n, cin = x.shape[:2]
    cg, og = cin // groups, w.shape[1]
    size = x.shape[2:]
    full = [(size[i] - 1) * s[i] + d[i] * (k[i] - 1) + 1 + op[i] for i in range(nd)]
    out = np.zeros((n, og * groups) + tuple(full))
    for off in np.ndindex(*k):
        sl = tuple(slice(off[i] * d[i], off[i] * d[i] + s[i] * (size[i] - 1) + 1, s[i]) for i in range(nd))
        for g in range(groups):
            wk = w[(slice(g * cg, (g + 1) * cg), slice(None)) + off]  # (cg, og)
            out[(slice(None), slice(g * og, (g + 1) * og)) + sl] += np.einsum(
                "nc...,co->no...", x[:, g * cg:(g + 1) * cg], wk)
    crop = tuple(slice(p[i], full[i] - p[i]) for i in range(nd))
    out = out[(slice(None), slice(None)) + crop]
    if b is not None:
        out = out + b.reshape((1, -1) + (1,) * nd)
    return out[0] if unbatched else out


def _blocks(hw, k, d, p, s):
    return [(hw[i] + 2 * p[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(2)]


def ref_unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """im2col by loops over blocks and kernel offsets."""
    unbatched = x.ndim == 3
    if unbatched:
        x = x[None]
    k, d, p, s = (_pair(v) for v in (kernel_size, dilation, padding, stride))
    n, c, h, w = x.shape
    xp = np.pad(x, [(0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])])
    oh, ow = _blocks((h, w), k, d, p, s)
    cols = np.zeros((n, c * k[0] * k[1], oh * ow))
    for bh in range(oh):
        for bw in range(ow):
            for i in range(k[0]):
                for j in range(k[1]):
                    rows = np.arange(c) * k[0] * k[1] + i * k[1] + j
                    cols[:, rows, bh * ow + bw] = xp[:, :, bh * s[0] + i * d[0], bw * s[1] + j * d[1]]
    return cols[0] if unbatched else cols


def ref_fold(cols, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """col2im by loops: every column entry is added to its pixel."""
    unbatched = cols.ndim == 2
    if unbatched:
        cols = cols[None]
    k, d, p, s = (_pair(v) for v in (kernel_size, dilation, padding, stride))
    h, w = _pair(output_size)
    n = cols.shape[0]
    c = cols.shape[1] // (k[0] * k[1])
    out = np.zeros((n, c, h + 2 * p[0], w + 2 * p[1]))
    oh, ow = _blocks((h, w), k, d, p, s)
    for bh in range(oh):
        for bw in range(ow):
            for i in range(k[0]):
                for j in range(k[1]):
                    rows = np.arange(c) * k[0] * k[1] + i * k[1] + j
                    out[:, :, bh * s[0] + i * d[0], bw * s[1] + j * d[1]] += cols[:, rows, bh * ow + bw]
    out = out[:, :, p[0]:p[0] + h, p[1]:p[1] + w]
    return out[0] if unbatched else out


# ---------------------------------------------------------------------------- numpy references: pooling
def _pool_len(n, k, s, p, d, ceil_mode):
    o = (n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (o - 1) * s >= n + p:
        o -= 1
    return o


def _as2d(x, nd):
    """(N, C, L) -> (N, C, 1, L); unbatched inputs get N = 1."""
    unbatched = x.ndim == nd + 1
    if unbatched:
        x = x[None]
    if nd == 1:
        x = x[:, :, None, :]
    return x, unbatched


def _back(y, nd, unbatched):
    if nd == 1:
        y = y[:, :, 0]
    return y[0] if unbatched else y


def ref_max_pool(x, nd, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Max pooling by loops over windows; indices are the first maximum's flat position in the input plane."""
    x2, unbatched = _as2d(x, nd)
    k = _pair(kernel_size, nd)
    s = k if stride is None else _pair(stride, nd)
    p, d = _pair(padding, nd), _pair(dilation, nd)
    if nd == 1:
        k, s, p, d = (1,) + k, (1,) + s, (0,) + p, (1,) + d
    n, c, h, w = x2.shape
    oh, ow = (_pool_len(*a, ceil_mode) for a in zip((h, w), k, s, p, d))
    y = np.zeros((n, c, oh, ow))
    idx = np.zeros((n, c, oh, ow), dtype=np.int64)
    for i in range(oh):
        for j in range(ow):
            best = np.full((n, c), -np.inf)
            arg = np.full((n, c), -1, dtype=np.int64)
            for a in range(k[0]):
                for b in range(k[1]):
                    r, q = i * s[0] - p[0] + a * d[0], j * s[1] - p[1] + b * d[1]
                    if 0 <= r < h and 0 <= q < w:
                        v = x2[:, :, r, q]
                        better = (v > best) | (arg < 0)
                        best = np.where(better, v, best)
                        arg = np.where(better, r * w + q, arg)
            y[:, :, i, j], idx[:, :, i, j] = best, arg
    y, idx = _back(y, nd, unbatched), _back(idx, nd, unbatched)
    return (y, idx) if return_indices else y


def ref_avg_pool(x, nd, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
    """Average pooling by loops over windows, with PyTorch's divisor rules."""
    x2, unbatched = _as2d(x, nd)
    k = _pair(kernel_size, nd)
    s = k if stride is None else _pair(stride, nd)
    p = _pair(padding, nd)
    if nd == 1:
        k, s, p = (1,) + k, (1,) + s, (0,) + p
    n, c, h, w = x2.shape
    oh, ow = (_pool_len(*a, 1, ceil_mode) for a in zip((h, w), k, s, p))
    y = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            h0, w0 = i * s[0] - p[0], j * s[1] - p[1]
            h1, w1 = min(h0 + k[0], h + p[0]), min(w0 + k[1], w + p[1])
            pool = (h1 - h0) * (w1 - w0)
            h0c, w0c, h1c, w1c = max(h0, 0), max(w0, 0), min(h1, h), min(w1, w)
            total = x2[:, :, h0c:h1c, w0c:w1c].sum(axis=(2, 3))
            if divisor_override:
                div = divisor_override
            else:
                div = pool if count_include_pad else (h1c - h0c) * (w1c - w0c)
            y[:, :, i, j] = total / div
    return _back(y, nd, unbatched)


def _adaptive_ranges(n, out):
    return [(math.floor(i * n / out), math.ceil((i + 1) * n / out)) for i in range(out)]


def ref_adaptive(x, nd, output_size, kind, return_indices=False):
    """Adaptive avg/max pooling by loops over PyTorch's windows [floor(i*n/o), ceil((i+1)*n/o))."""
    x2, unbatched = _as2d(x, nd)
    n, c, h, w = x2.shape
    os = _pair(output_size, nd)
    os = tuple(dim if o is None else o for dim, o in zip((h, w)[2 - nd:], os))
    if nd == 1:
        os = (1,) + os
    y = np.zeros((n, c) + os)
    idx = np.zeros((n, c) + os, dtype=np.int64)
    for i, (h0, h1) in enumerate(_adaptive_ranges(h, os[0])):
        for j, (w0, w1) in enumerate(_adaptive_ranges(w, os[1])):
            win = x2[:, :, h0:h1, w0:w1].reshape(n, c, -1)
            if kind == "avg":
                y[:, :, i, j] = win.mean(-1)
            else:
                a = win.argmax(-1)
                y[:, :, i, j] = win.max(-1)
                idx[:, :, i, j] = (h0 + a // (w1 - w0)) * w + w0 + a % (w1 - w0)
    y, idx = _back(y, nd, unbatched), _back(idx, nd, unbatched)
    return (y, idx) if return_indices else y


def ref_interpolate(x, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Resampling by a loop over output pixels, with PyTorch's source-index rules."""
    nd = x.ndim - 2
    x2, _ = _as2d(x, nd)
    n, c, h, w = x2.shape
    if size is not None:
        out = _pair(size, nd)
        scales = (None,) * nd
    else:
        sf = _pair(scale_factor, nd)
        out = tuple(int(math.floor(dim * f)) for dim, f in zip(x.shape[2:], sf))
        scales = sf
    if nd == 1:
        out, scales = (1,) + out, (None,) + scales
    dims = (h, w)

    def near(o, i):
        if out[i] == dims[i]:
            return o
        if out[i] == 2 * dims[i]:
            return o // 2
        f = np.float32(1.0 / scales[i]) if scales[i] else np.float32(dims[i]) / np.float32(out[i])
        return min(int(np.floor(np.float32(o) * f)), dims[i] - 1)

    def lin(o, i):
        if align_corners:
            src = o * (dims[i] - 1) / (out[i] - 1) if out[i] > 1 else 0.0
        else:
            f = 1.0 / scales[i] if scales[i] else dims[i] / out[i]
            src = max((o + 0.5) * f - 0.5, 0.0)
        i0 = int(math.floor(src))
        i1 = min(i0 + 1, dims[i] - 1)
        lam = src - i0
        return [(i0, 1 - lam), (i1, lam)]

    y = np.zeros((n, c) + out)
    for a in range(out[0]):
        for b in range(out[1]):
            if mode == "nearest":
                y[:, :, a, b] = x2[:, :, near(a, 0), near(b, 1)]
            else:
                rows = lin(a, 0) if nd == 2 else [(0, 1.0)]
                for r, wr in rows:
                    for q, wq in lin(b, 1):
                        y[:, :, a, b] += wr * wq * x2[:, :, r, q]
    return y[:, :, 0] if nd == 1 else y


def ref_pixel_shuffle(x, r):
    *lead, c, h, w = x.shape
    y = np.zeros(tuple(lead) + (c // (r * r), h * r, w * r))
    for ch in range(c // (r * r)):
        for i in range(r):
            for j in range(r):
                y[..., ch, i::r, j::r] = x[..., ch * r * r + i * r + j, :, :]
    return y


def ref_pixel_unshuffle(x, r):
    *lead, c, h, w = x.shape
    y = np.zeros(tuple(lead) + (c * r * r, h // r, w // r))
    for ch in range(c):
        for i in range(r):
            for j in range(r):
                y[..., ch * r * r + i * r + j, :, :] = x[..., ch, i::r, j::r]
    return y


# ---------------------------------------------------------------------------- conv cases
_CONV2D = [
    ("basic", (2, 2, 5, 5), (3, 2, 3, 3), {}),
    ("stride2", (1, 2, 6, 5), (3, 2, 3, 3), dict(stride=2)),
    ("stride-tuple", (1, 2, 6, 7), (2, 2, 2, 3), dict(stride=(2, 3))),
    ("padding1", (1, 2, 4, 4), (2, 2, 3, 3), dict(padding=1)),
    ("padding-tuple", (1, 1, 4, 5), (2, 1, 3, 2), dict(padding=(2, 1), stride=(1, 2))),
    ("same", (1, 2, 4, 5), (2, 2, 3, 3), dict(padding="same")),
    ("same-even", (1, 1, 4, 5), (2, 1, 2, 4), dict(padding="same")),
    ("same-dilated", (1, 1, 5, 5), (2, 1, 2, 3), dict(padding="same", dilation=(2, 1))),
    ("valid", (1, 2, 4, 4), (2, 2, 3, 2), dict(padding="valid")),
    ("dilation", (1, 2, 6, 6), (2, 2, 2, 2), dict(dilation=2)),
    ("dilation-stride-pad", (1, 1, 7, 6), (2, 1, 3, 2), dict(dilation=(2, 1), stride=2, padding=1)),
    ("groups2", (1, 4, 4, 4), (4, 2, 2, 2), dict(groups=2)),
    ("depthwise", (2, 3, 4, 4), (3, 1, 3, 3), dict(groups=3, padding=1)),
    ("groups-stride", (1, 4, 5, 5), (2, 2, 3, 3), dict(groups=2, stride=2, padding=1)),
    ("1x1", (2, 3, 3, 3), (2, 3, 1, 1), {}),
    ("1x1-stride", (1, 3, 5, 4), (2, 3, 1, 1), dict(stride=2)),
    ("kernel-equals-input", (1, 2, 3, 3), (2, 2, 3, 3), {}),
    ("unbatched", (2, 4, 5), (3, 2, 3, 3), dict(padding=1)),
]
for name, xs, ws, kw in _CONV2D:
    _case(f"conv-conv2d-{name}", lambda x, w, b, kw=kw: ag.conv2d(x, w, b, **kw),
          [Arg(xs), Arg(ws), Arg((ws[0],))], lambda x, w, b, kw=kw: ref_conv(x, w, b, **kw))
_case("conv-conv2d-nobias", lambda x, w: ag.conv2d(x, w, padding=1, stride=2), [Arg((1, 2, 5, 4)), Arg((3, 2, 3, 3))],
      lambda x, w: ref_conv(x, w, padding=1, stride=2))
_case("conv-conv2d-noncontig", lambda x, w: ag.conv2d(x, w, padding=1), [Arg((1, 2, 4, 5), noncontig=True),
      Arg((2, 2, 2, 2), noncontig=True)], lambda x, w: ref_conv(x, w, padding=1))
_case("conv-conv2d-weight-only", lambda x, w: ag.conv2d(x, w), [Arg((1, 2, 4, 4), requires_grad=False),
      Arg((2, 2, 3, 3))], lambda x, w: ref_conv(x, w))
_case("conv-conv2d-input-only", lambda x, w: ag.conv2d(x, w, stride=2), [Arg((1, 2, 5, 5)),
      Arg((2, 2, 3, 3), requires_grad=False)], lambda x, w: ref_conv(x, w, stride=2))
_case("conv-conv2d-empty-batch", lambda x, w, b: ag.conv2d(x, w, b, padding=1), [Arg((0, 2, 4, 4)),
      Arg((3, 2, 3, 3)), Arg((3,))], lambda x, w, b: ref_conv(x, w, b, padding=1))
_case("conv-conv2d-chain", lambda x, w1, w2: ag.conv2d(ag.conv2d(x, w1, padding=1).tanh(), w2, stride=2),
      [Arg((1, 1, 5, 5)), Arg((2, 1, 3, 3)), Arg((2, 2, 2, 2))],
      lambda x, w1, w2: ref_conv(np.tanh(ref_conv(x, w1, padding=1)), w2, stride=2))

_CONV1D = [
    ("basic", (2, 2, 7), (3, 2, 3), {}),
    ("stride-pad", (1, 2, 8), (2, 2, 3), dict(stride=2, padding=1)),
    ("same", (1, 2, 6), (2, 2, 4), dict(padding="same")),
    ("dilation", (1, 1, 9), (2, 1, 3), dict(dilation=3, padding=2)),
    ("groups", (1, 4, 6), (6, 2, 2), dict(groups=2)),
    ("unbatched", (2, 7), (3, 2, 3), dict(padding=1)),
]
for name, xs, ws, kw in _CONV1D:
    _case(f"conv-conv1d-{name}", lambda x, w, b, kw=kw: ag.conv1d(x, w, b, **kw),
          [Arg(xs), Arg(ws), Arg((ws[0],))], lambda x, w, b, kw=kw: ref_conv(x, w, b, **kw))

_CONVT2D = [
    ("basic", (1, 2, 3, 3), (2, 3, 3, 3), {}),
    ("stride2", (2, 2, 3, 2), (2, 2, 3, 3), dict(stride=2)),
    ("stride-pad-outpad", (1, 2, 3, 3), (2, 2, 3, 3), dict(stride=2, padding=1, output_padding=1)),
    ("tuple-args", (1, 1, 2, 3), (1, 2, 2, 3), dict(stride=(2, 3), padding=(1, 0), output_padding=(1, 2))),
    ("dilation", (1, 2, 3, 3), (2, 2, 2, 2), dict(dilation=2)),
    ("dilation-outpad", (1, 1, 3, 3), (1, 2, 2, 2), dict(dilation=2, output_padding=1)),
    ("groups", (1, 4, 3, 3), (4, 1, 2, 2), dict(groups=2, stride=2)),
    ("k4s2p1", (1, 2, 3, 3), (2, 1, 4, 4), dict(stride=2, padding=1)),
    ("unbatched", (2, 3, 3), (2, 2, 3, 3), dict(stride=2)),
]
for name, xs, ws, kw in _CONVT2D:
    cout = ws[1] * kw.get("groups", 1)
    _case(f"conv-conv_transpose2d-{name}", lambda x, w, b, kw=kw: ag.conv_transpose2d(x, w, b, **kw),
          [Arg(xs), Arg(ws), Arg((cout,))], lambda x, w, b, kw=kw: ref_conv_transpose(x, w, b, **kw))
_case("conv-conv_transpose2d-nobias", lambda x, w: ag.conv_transpose2d(x, w, padding=1),
      [Arg((1, 2, 3, 3)), Arg((2, 2, 3, 3))], lambda x, w: ref_conv_transpose(x, w, padding=1))
_CONVT1D = [
    ("basic", (1, 2, 4), (2, 3, 3), {}),
    ("stride-pad-outpad", (2, 2, 4), (2, 2, 3), dict(stride=3, padding=1, output_padding=2)),
    ("groups-dilation", (1, 4, 3), (4, 1, 2), dict(groups=2, dilation=2)),
]
for name, xs, ws, kw in _CONVT1D:
    cout = ws[1] * kw.get("groups", 1)
    _case(f"conv-conv_transpose1d-{name}", lambda x, w, b, kw=kw: ag.conv_transpose1d(x, w, b, **kw),
          [Arg(xs), Arg(ws), Arg((cout,))], lambda x, w, b, kw=kw: ref_conv_transpose(x, w, b, **kw))

_UNFOLD = [
    ("basic", (1, 2, 4, 4), dict(kernel_size=2)),
    ("all-options", (2, 1, 5, 6), dict(kernel_size=(2, 3), dilation=(1, 2), padding=1, stride=(2, 1))),
    ("unbatched", (2, 3, 4), dict(kernel_size=2, stride=2)),
]
for name, xs, kw in _UNFOLD:
    _case(f"conv-unfold-{name}", lambda x, kw=kw: ag.unfold(x, **kw), [Arg(xs)],
          lambda x, kw=kw: ref_unfold(x, **kw))
_FOLD = [
    ("basic", (1, 8, 9), (4, 4), dict(kernel_size=2)),
    ("overlap-options", (2, 6, 8), (5, 6), dict(kernel_size=(1, 3), dilation=(1, 2), padding=1, stride=2)),
    ("unbatched", (4, 4), (3, 3), dict(kernel_size=2)),
]
for name, cs, size, kw in _FOLD:
    _case(f"conv-fold-{name}", lambda c, size=size, kw=kw: ag.fold(c, size, **kw), [Arg(cs)],
          lambda c, size=size, kw=kw: ref_fold(c, size, **kw))

# ---------------------------------------------------------------------------- pooling cases
_MAX2D = [
    ("k2", (2, 2, 4, 4), dict(kernel_size=2)),
    ("k2-odd-input", (1, 2, 5, 5), dict(kernel_size=2)),
    ("k3s1", (1, 2, 4, 5), dict(kernel_size=3, stride=1)),
    ("k3s2p1", (1, 1, 5, 6), dict(kernel_size=3, stride=2, padding=1)),
    ("tuple-args", (1, 2, 5, 6), dict(kernel_size=(2, 3), stride=(1, 2), padding=(1, 1))),
    ("dilation", (1, 1, 6, 6), dict(kernel_size=2, stride=1, dilation=2)),
    ("ceil", (1, 2, 5, 5), dict(kernel_size=2, ceil_mode=True)),
    ("ceil-pad", (1, 1, 6, 7), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ("k1s2", (1, 2, 5, 4), dict(kernel_size=1, stride=2)),
    ("unbatched", (2, 4, 6), dict(kernel_size=2)),
]
for name, xs, kw in _MAX2D:
    _case(f"pool-max_pool2d-{name}", lambda x, kw=kw: ag.max_pool2d(x, return_indices=True, **kw), [Arg(xs)],
          lambda x, kw=kw: ref_max_pool(x, 2, return_indices=True, **kw))
_case("pool-max_pool2d-ties", lambda x: ag.max_pool2d(x, 2, return_indices=True), [Arg((1, 1, 2, 4),
      values=[[[[1.0, 1.0, 0.0, 2.0], [1.0, 0.5, 2.0, 2.0]]]])],
      lambda x: ref_max_pool(x, 2, 2, return_indices=True), grad=False)
_MAX1D = [
    ("k2", (2, 2, 6), dict(kernel_size=2)),
    ("k3s2p1-ceil", (1, 2, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ("dilation", (1, 1, 9), dict(kernel_size=3, stride=1, dilation=2)),
    ("unbatched", (2, 7), dict(kernel_size=2, stride=1)),
]
for name, xs, kw in _MAX1D:
    _case(f"pool-max_pool1d-{name}", lambda x, kw=kw: ag.max_pool1d(x, return_indices=True, **kw), [Arg(xs)],
          lambda x, kw=kw: ref_max_pool(x, 1, return_indices=True, **kw))
_AVG2D = [
    ("k2", (2, 2, 4, 4), dict(kernel_size=2)),
    ("k3s2p1", (1, 1, 5, 6), dict(kernel_size=3, stride=2, padding=1)),
    ("k3s2p1-exclude-pad", (1, 1, 5, 6), dict(kernel_size=3, stride=2, padding=1, count_include_pad=False)),
    ("ceil", (1, 2, 5, 5), dict(kernel_size=2, ceil_mode=True)),
    ("ceil-pad-exclude", (1, 1, 6, 7), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True,
                                            count_include_pad=False)),
    ("ceil-pad-include", (1, 1, 6, 7), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ("divisor-override", (1, 2, 4, 5), dict(kernel_size=(2, 3), stride=1, padding=1, divisor_override=4)),
    ("overlap", (1, 1, 5, 5), dict(kernel_size=3, stride=1)),
    ("unbatched", (2, 4, 6), dict(kernel_size=2)),
]
for name, xs, kw in _AVG2D:
    _case(f"pool-avg_pool2d-{name}", lambda x, kw=kw: ag.avg_pool2d(x, **kw), [Arg(xs)],
          lambda x, kw=kw: ref_avg_pool(x, 2, **kw))
_AVG1D = [
    ("k2", (2, 2, 6), dict(kernel_size=2)),
    ("k3s2p1-exclude-ceil", (1, 2, 8), dict(kernel_size=3, stride=2, padding=1, count_include_pad=False,
                                            ceil_mode=True)),
]
for name, xs, kw in _AVG1D:
    _case(f"pool-avg_pool1d-{name}", lambda x, kw=kw: ag.avg_pool1d(x, **kw), [Arg(xs)],
          lambda x, kw=kw: ref_avg_pool(x, 1, **kw))
for os in [1, 2, (3, 2), (None, 3), (4, 6), (5, 4)]:
    _case(f"pool-adaptive_avg_pool2d-{os}", lambda x, os=os: ag.adaptive_avg_pool2d(x, os), [Arg((1, 2, 4, 6))],
          lambda x, os=os: ref_adaptive(x, 2, os, "avg"))
    _case(f"pool-adaptive_max_pool2d-{os}", lambda x, os=os: ag.adaptive_max_pool2d(x, os, return_indices=True),
          [Arg((1, 2, 4, 6))], lambda x, os=os: ref_adaptive(x, 2, os, "max", True))
for os in [1, 3, 4, 7]:
    _case(f"pool-adaptive_avg_pool1d-{os}", lambda x, os=os: ag.adaptive_avg_pool1d(x, os), [Arg((2, 2, 6))],
          lambda x, os=os: ref_adaptive(x, 1, os, "avg"))
    _case(f"pool-adaptive_max_pool1d-{os}", lambda x, os=os: ag.adaptive_max_pool1d(x, os, return_indices=True),
          [Arg((2, 2, 6))], lambda x, os=os: ref_adaptive(x, 1, os, "max", True))
_case("pool-adaptive_avg_pool2d-unbatched", lambda x: ag.adaptive_avg_pool2d(x, (2, 3)), [Arg((2, 5, 5))],
      lambda x: ref_adaptive(x, 2, (2, 3), "avg"))

_INTERP = [
    ("nearest-x2", (1, 2, 3, 3), dict(scale_factor=2)),
    ("nearest-x3", (1, 1, 2, 3), dict(scale_factor=3)),
    ("nearest-size", (1, 2, 3, 4), dict(size=(5, 7))),
    ("nearest-down", (1, 1, 6, 7), dict(size=(4, 3))),
    ("nearest-scale1.5", (1, 1, 4, 3), dict(scale_factor=1.5)),
    ("nearest-mixed", (1, 1, 3, 4), dict(scale_factor=(2, 0.5))),
    ("bilinear-x2", (1, 2, 3, 3), dict(scale_factor=2, mode="bilinear")),
    ("bilinear-x2-corners", (1, 1, 3, 4), dict(scale_factor=2, mode="bilinear", align_corners=True)),
    ("bilinear-size", (1, 1, 4, 3), dict(size=(3, 5), mode="bilinear")),
    ("bilinear-size-corners", (1, 1, 4, 3), dict(size=(3, 5), mode="bilinear", align_corners=True)),
    ("bilinear-scale1.7", (1, 1, 3, 3), dict(scale_factor=1.7, mode="bilinear")),
    ("linear", (2, 2, 4), dict(scale_factor=2, mode="linear")),
    ("linear-corners", (1, 2, 4), dict(size=7, mode="linear", align_corners=True)),
    ("linear-down", (1, 1, 7), dict(size=3, mode="linear")),
    ("nearest-1d", (1, 2, 4), dict(scale_factor=2.5)),
]
for name, xs, kw in _INTERP:
    _case(f"pool-interpolate-{name}", lambda x, kw=kw: ag.interpolate(x, **kw), [Arg(xs)],
          lambda x, kw=kw: ref_interpolate(x, **kw))
_case("pool-pixel_shuffle", lambda x: ag.pixel_shuffle(x, 2), [Arg((2, 8, 2, 3))], lambda x: ref_pixel_shuffle(x, 2))
_case("pool-pixel_shuffle-3d", lambda x: ag.pixel_shuffle(x, 2), [Arg((4, 2, 2))], lambda x: ref_pixel_shuffle(x, 2))
_case("pool-pixel_unshuffle", lambda x: ag.pixel_unshuffle(x, 2), [Arg((1, 2, 4, 6))],
      lambda x: ref_pixel_unshuffle(x, 2))
_case("pool-pixel_unshuffle-5d", lambda x: ag.pixel_unshuffle(x, 3), [Arg((2, 1, 1, 3, 6))],
      lambda x: ref_pixel_unshuffle(x, 3))
_case("pool-max-then-conv", lambda x, w: ag.max_pool2d(ag.conv2d(x, w, padding=1).relu(), 2),
      [Arg((1, 1, 4, 4)), Arg((2, 1, 3, 3))], lambda x, w: ref_max_pool(np.maximum(ref_conv(x, w, padding=1), 0), 2, 2))
