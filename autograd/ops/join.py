"""Joining and splitting: cat, stack, hstack/vstack/dstack, split, chunk, unbind, pad."""
import math

from .. import backend, dtypes, gradmath
from .._tensor import Tensor, root
from ..function import Op
from . import aliases
from .shape import ConstantPadNd, _check_tensor, _dim, _dim_new, _int, _run, atleast_1d, atleast_2d, atleast_3d


# ---------------------------------------------------------------------------- split / chunk / unbind
class Split(Op):
    """Several views of x along dim: one node for all of them."""

    complex_ok = True

    def forward(ctx, x, sizes, dim):
        ctx.dim = dim
        pre = (slice(None),) * dim
        outs, start = [], 0
        for s in sizes:
            outs.append(x[pre + (slice(start, start + s),)])
            start += s
        return tuple(outs)

    def backward(ctx, *gys):
        return _run(Cat, *gys, dim=ctx.dim)


class Cat(Op):
    complex_ok = True

    def forward(ctx, *xs, dim):
        ctx.dim, ctx.sizes = dim, tuple(x.shape[dim] for x in xs)
        return gradmath.xp(xs[0]).concatenate(xs, axis=dim)

    def backward(ctx, gy):
        return _run(Split, gy, ctx.sizes, ctx.dim)


class Unbind(Op):
    complex_ok = True

    def forward(ctx, x, dim):
        ctx.dim = dim
        return tuple(gradmath.xp(x).moveaxis(x, dim, 0))

    def backward(ctx, *gys):
        return _run(Stack, *gys, dim=ctx.dim)


class Stack(Op):
    complex_ok = True

    def forward(ctx, *xs, dim):
        ctx.dim = dim
        return gradmath.xp(xs[0]).stack(xs, axis=dim)

    def backward(ctx, gy):
        return _run(Unbind, gy, ctx.dim)


def _split_views(input, sizes, dim):
    outs = Split.apply(input, tuple(sizes), dim)
    base = root(input)
    for o in outs:
        o._base = base
    return outs


def split(tensor, split_size_or_sections, dim=0):
    """Views of pieces along dim: of size split_size (the last may be smaller), or of the given sizes."""
    shape = tensor.array.shape
    d = _dim(dim, len(shape), "split")
    if not shape:
        raise RuntimeError("split: cannot split a 0-d tensor")
    n = shape[d]
    s = split_size_or_sections
    if isinstance(s, (tuple, list)):
        sizes = dtypes.as_ints(s, "split", "split_size_or_sections")
        if any(v < 0 for v in sizes) or sum(sizes) != n:
            raise RuntimeError(f"split: sections {sizes} must be non-negative and sum to the size {n} of dim {dim} "
                               f"(tensor of shape {tuple(shape)})")
    else:
        s = _int(s, "split", "split_size_or_sections")
        if s < 0 or (s == 0 and n):
            raise RuntimeError(f"split: split_size must be positive (0 only for an empty dim), got {s} for dim "
                               f"{dim} of size {n}")
        sizes = (s,) * (n // s) + ((n % s,) if n % s else ()) if n else (0,)
    return _split_views(tensor, sizes, d)


def _split_method(self, split_size, dim=0):
    """Tensor.split(split_size, dim): split, under the parameter name of PyTorch's method."""
    return split(self, split_size, dim)


def chunk(input, chunks, dim=0, *, axis=None):
    """Split into `chunks` views of equal size (the last may be smaller; there may be fewer)."""
    if axis is not None:
        dim = aliases.dim("chunk", dim, axis, 0)
    chunks = _int(chunks, "chunk", "chunks")
    if chunks <= 0:
        raise RuntimeError(f"chunk: chunks must be a positive int, got {chunks!r}")
    shape = input.array.shape
    if not shape:
        raise RuntimeError("chunk: cannot chunk a 0-d tensor")
    d = _dim(dim, len(shape), "chunk")
    n = shape[d]
    if n == 0:
        return _split_views(input, (0,) * chunks, d)
    return split(input, -(-n // chunks), d)


def unbind(input, dim=0, *, axis=None):
    """The slices along dim, as a tuple of views (one node for all)."""
    if axis is not None:
        dim = aliases.dim("unbind", dim, axis, 0)
    nd = input.array.ndim
    if nd == 0:
        raise RuntimeError("unbind: cannot unbind a 0-d tensor")
    outs = Unbind.apply(input, _dim(dim, nd, "unbind"))
    base = root(input)
    for o in outs:
        o._base = base
    return outs


# ---------------------------------------------------------------------------- cat / stack
def _seq(tensors, op):
    """Check a list of tensors (same device) and promote them to one dtype."""
    if isinstance(tensors, Tensor) or not isinstance(tensors, (tuple, list)):
        raise TypeError(f"{op}: expected a list or tuple of tensors, got {type(tensors).__name__}")
    if not tensors:  # as PyTorch: ValueError from cat, RuntimeError from stack and the others
        raise (ValueError if op == "cat" else RuntimeError)(f"{op}: expected a non-empty list of tensors")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: expected a list of tensors, but element {i} is a {type(t).__name__}")
    first = tensors[0]
    kind = type(first.array)
    dt = first.array.dtype
    for i, t in enumerate(tensors):
        if type(t.array) is not kind:
            raise RuntimeError(f"{op}: expected all tensors on the same device, but tensor 0 is on {first.device} "
                               f"and tensor {i} is on {t.device}; move them with .to(device) first")
        if t.array.dtype != dt:
            dt = dtypes.promote(dt, t.array.dtype)
    return [t if t.array.dtype == dt else t.to(dt) for t in tensors]


def cat(tensors, dim=0, *, axis=None):
    """Concatenate tensors along an existing dim (dtypes promoted; 1-D empty tensors are skipped)."""
    if axis is not None:
        dim = aliases.dim("cat", dim, axis, 0)
    ts = _seq(tensors, "cat")
    if len({t.array.ndim for t in ts}) > 1:  # PyTorch's legacy rule: 1-D empty tensors are ignored
        kept = [t for t in ts if t.array.shape != (0,)]
        ts = kept or ts[:1]
    ref = ts[0].array.shape
    nd = len(ref)
    if nd == 0:
        raise RuntimeError("cat: zero-dimensional tensors cannot be concatenated; use stack() or unsqueeze them")
    d = _dim(dim, nd, "cat")
    for i, t in enumerate(ts):
        s = t.array.shape
        if len(s) != nd:
            raise RuntimeError(f"cat: tensors must have the same number of dimensions: tensor 0 has shape {ref} "
                               f"and tensor {i} has shape {s}")
        if s[:d] != ref[:d] or s[d + 1:] != ref[d + 1:]:
            raise RuntimeError(f"cat: sizes of tensors must match except in dim {dim}: tensor 0 has shape {ref} "
                               f"and tensor {i} has shape {s}")
    if len(ts) == 1:
        return ts[0].clone()
    return Cat.apply(*ts, dim=d)


concat = concatenate = cat


def stack(tensors, dim=0, *, axis=None):
    """Join tensors of equal shape along a new dim."""
    if axis is not None:
        dim = aliases.dim("stack", dim, axis, 0)
    ts = _seq(tensors, "stack")
    ref = ts[0].array.shape
    for i, t in enumerate(ts):
        if t.array.shape != ref:
            raise RuntimeError(f"stack: expects each tensor to have the same shape, but tensor 0 has shape {ref} "
                               f"and tensor {i} has shape {t.array.shape}")
    return Stack.apply(*ts, dim=_dim_new(dim, len(ref), "stack"))


def _as_list(tensors, op):
    if not isinstance(tensors, (tuple, list)):
        raise TypeError(f"{op}: expected a list or tuple of tensors, got {type(tensors).__name__}")
    return list(tensors)


def hstack(tensors):
    """Concatenate along dim 1 (dim 0 for 1-D tensors)."""
    ts = _as_list(tensors, "hstack")
    ts = [atleast_1d(t) for t in ts]
    return cat(ts, 0 if ts and ts[0].array.ndim == 1 else 1)


def vstack(tensors):
    """Concatenate along dim 0 after making every tensor at least 2-D."""
    return cat([atleast_2d(t) for t in _as_list(tensors, "vstack")], 0)


def dstack(tensors):
    """Concatenate along dim 2 after making every tensor at least 3-D."""
    return cat([atleast_3d(t) for t in _as_list(tensors, "dstack")], 2)


# ---------------------------------------------------------------------------- pad
class GatherAxes(Op):
    """x indexed along some axes in turn: y = take(take(x, i0, a0), i1, a1)...; pads by reflect/replicate/circular."""

    complex_ok = True  # linear with real coefficients, like ScatterAddAxes

    def forward(ctx, x, index, sizes):
        ctx.index, ctx.sizes = index, sizes
        xp = gradmath.xp(x)
        for axis, idx in index:
            x = xp.take(x, idx, axis=axis)
        return x

    def backward(ctx, gy):
        return _run(ScatterAddAxes, gy, ctx.index, ctx.sizes)


class ScatterAddAxes(Op):
    """The adjoint of GatherAxes: values summed back into positions idx, axis by axis in reverse."""

    complex_ok = True

    def forward(ctx, g, index, sizes):
        ctx.index, ctx.sizes = index, sizes
        xp = gradmath.xp(g)
        for (axis, idx), n in zip(reversed(index), reversed(sizes)):
            shape = list(g.shape)
            shape[axis] = n
            out = xp.zeros(shape, g.dtype)
            backend.add_at(out, (slice(None),) * axis + (idx,), g)
            g = out
        return g

    def backward(ctx, gy):
        return _run(GatherAxes, gy, ctx.index, ctx.sizes)


_PAD_MODES = ("constant", "reflect", "replicate", "circular")


def pad(input, pad, mode="constant", value=None):
    """Pad (negative: crop) the last dims: pad = (left, right) of the last dim, then of the one before, ..."""
    _check_tensor(input, "pad")
    pad = dtypes.as_ints(tuple(pad) if hasattr(pad, "__iter__") and not isinstance(pad, str) else pad, "pad", "pad")
    shape = input.array.shape
    nd = len(shape)
    if len(pad) % 2:
        raise RuntimeError(f"pad: the padding length must be even (pairs of before/after), got {pad}")
    if len(pad) // 2 > nd:
        raise RuntimeError(f"pad: padding {pad} covers {len(pad) // 2} dims but the input has shape {tuple(shape)} "
                           f"({nd} dims); give at most 2 * ndim = {2 * nd} values")
    if mode not in _PAD_MODES:
        raise ValueError(f"pad: mode must be one of {_PAD_MODES}, got {mode!r}")
    widths = [(0, 0)] * nd
    for i in range(len(pad) // 2):
        widths[nd - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    for axis, ((b, a), n) in enumerate(zip(widths, shape)):
        if n + b + a < 0:
            raise RuntimeError(f"pad: dim {axis} of size {n} padded by ({b}, {a}) gives a negative size "
                               f"{n + b + a} (input shape {tuple(shape)}, pad {pad})")
    if mode == "constant":
        return ConstantPadNd.apply(input, tuple(widths), 0 if value is None else value)
    if value is not None and value != 0:
        raise RuntimeError(f"pad: mode {mode!r} does not take a value (got {value}); use mode='constant'")
    xp = input.xp
    index, sizes = [], []
    for axis, ((b, a), n) in enumerate(zip(widths, shape)):
        if b == a == 0:
            continue
        lo, m = max(-b, 0), n - max(-b, 0) - max(-a, 0)  # negative widths crop first, as in PyTorch
        limit = n - 1 if mode == "reflect" else (m if mode == "circular" else math.inf)
        if b > limit or a > limit or m <= 0 < max(a, b):
            rule = {"reflect": "less than the dim's size", "circular": "at most the dim's size after cropping"}
            raise RuntimeError(f"pad: padding ({b}, {a}) of dim {axis} (size {n}) with mode {mode!r} must be "
                               f"{rule.get(mode, 'used on a non-empty dim')} (input shape {tuple(shape)}, pad {pad})")
        idx = xp.arange(-b, n + a)
        if mode == "reflect":
            idx = xp.abs(idx)
            idx = xp.where(idx >= n, 2 * (n - 1) - idx, idx)
        elif mode == "replicate":
            idx = xp.clip(idx, 0, n - 1)
        else:
            idx = (idx - lo) % m + lo if m else idx
        index.append((axis, idx))
        sizes.append(n)
    if not index:
        return input.clone()
    return GatherAxes.apply(input, tuple(index), tuple(sizes))


__all__ = ["split", "chunk", "unbind", "cat", "concat", "concatenate", "stack", "hstack", "vstack", "dstack", "pad"]
METHODS = {"split": _split_method, "chunk": chunk, "unbind": unbind}
