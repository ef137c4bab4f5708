"""Registry cases: shapes and views (reshape, permute, expand, repeat, flip, roll, split, cat, pad, diagonal, ...)."""
import numpy as np

import autograd as ag
from tests.ops.registry import Arg, OpCase

CASES = []


def add(name, fn, args, ref, **kw):
    """Register a case; names start with 'shape-' so that `-k shape` selects them all."""
    CASES.append(OpCase(f"shape-{name}", fn, args, ref, **kw))


def add_noncontig(name, fn, shape, ref, **kw):
    """The op on a non-contiguous input: a transposed view (checked through the tape too) and a noncontig leaf."""
    add(f"{name}-mT", lambda a: fn(a.mT), [Arg(shape[:-2] + shape[-2:][::-1])], lambda a: ref(a.swapaxes(-1, -2)),
        **kw)
    add(f"{name}-noncontig", fn, [Arg(shape, noncontig=True)], ref, grad=False)


# ---------------------------------------------------------------------------- reshape / view family
for src, dst in [((2, 3, 4), (6, 4)), ((2, 3, 4), (-1,)), ((2, 3, 4), (4, -1, 2)), ((), (1,)), ((1,), ()),
                 ((0, 3), (3, 0)), ((0, 3), (-1,)), ((5,), (5, 1, 1))]:
    add(f"reshape-{src}-{dst}", lambda a, d=dst: a.reshape(d), [Arg(src)], lambda a, d=dst: a.reshape(d))
add("reshape-varargs", lambda a: a.reshape(3, -1), [Arg((2, 3))], lambda a: a.reshape(3, 2))
add("reshape-fn", lambda a: ag.reshape(a, (6,)), [Arg((2, 3))], lambda a: a.reshape(6))
add_noncontig("reshape", lambda a: a.reshape(-1), (2, 3, 4), lambda a: a.reshape(-1))
add("view", lambda a: a.view(3, 8), [Arg((2, 3, 4))], lambda a: a.reshape(3, 8))
add("view-tuple", lambda a: a.view((4, -1)), [Arg((2, 3, 4))], lambda a: a.reshape(4, 6))
add("view-0d", lambda a: a.view(1, 1), [Arg(())], lambda a: a.reshape(1, 1))
add("view-noncontig-ok", lambda a: a.mT.view(4, 1, 3), [Arg((3, 4))], lambda a: a.T.reshape(4, 1, 3))
add("view_as", lambda a, b: a.view_as(b), [Arg((2, 6)), Arg((3, 4), requires_grad=False)],
    lambda a, b: a.reshape(3, 4))
add("reshape_as", lambda a, b: a.reshape_as(b), [Arg((2, 6)), Arg((4, 3), requires_grad=False)],
    lambda a, b: a.reshape(4, 3))
add("ravel", lambda a: a.mT.ravel(), [Arg((3, 4))], lambda a: a.T.ravel())
for shape, s, e in [((2, 3, 4), 0, -1), ((2, 3, 4), 1, 2), ((2, 3, 4, 5), -3, -2), ((2, 3), 1, 1), ((), 0, -1),
                    ((0, 2, 3), 1, -1)]:
    def ref(a, s=s, e=e):
        if a.ndim == 0:
            return a.reshape(-1)
        s, e = s % a.ndim, e % a.ndim
        return a.reshape(a.shape[:s] + (int(np.prod(a.shape[s:e + 1])),) + a.shape[e + 1:])

    add(f"flatten-{shape}-{s}-{e}", lambda a, s=s, e=e: a.flatten(s, e), [Arg(shape)], ref)
add("flatten-fn-kw", lambda a: ag.flatten(a, start_dim=1), [Arg((2, 3, 4))], lambda a: a.reshape(2, 12))
for shape, d, sizes in [((2, 12), 1, (3, 4)), ((2, 12), -1, (2, -1, 3)), ((6,), 0, (1, 6, 1)), ((0, 4), 1, (2, 2))]:
    add(f"unflatten-{shape}-{d}-{sizes}", lambda a, d=d, s=sizes: a.unflatten(d, s), [Arg(shape)],
        lambda a, d=d, s=sizes: a.reshape(a.shape[:d % a.ndim] + s + a.shape[d % a.ndim + 1:]))
for shape, dim in [((1, 3, 1, 2), None), ((1, 3, 1, 2), 0), ((1, 3, 1, 2), -2), ((1, 3, 1, 2), 1),
                   ((1, 3, 1, 2), (0, 2)), ((1, 3, 1, 2), (-4, 1)), ((), None), ((), 0), ((), -1), ((1, 0, 1), None)]:
    def ref(a, dim=dim):
        if dim is None:
            return np.squeeze(a)
        dims = tuple(d % max(a.ndim, 1) for d in (dim if isinstance(dim, tuple) else (dim,)))
        return np.squeeze(a, tuple(d for d in dims if a.ndim and a.shape[d] == 1))

    add(f"squeeze-{shape}-{dim}", (lambda a: a.squeeze()) if dim is None else (lambda a, d=dim: a.squeeze(d)),
        [Arg(shape)], ref)
for shape, dim in [((2, 3), 0), ((2, 3), 2), ((2, 3), -1), ((2, 3), -3), ((), 0), ((), -1), ((0,), 1)]:
    add(f"unsqueeze-{shape}-{dim}", lambda a, d=dim: a.unsqueeze(d), [Arg(shape)],
        lambda a, d=dim: np.expand_dims(a, d))
add_noncontig("squeeze", lambda a: a.unsqueeze(1).squeeze(1), (2, 3), lambda a: a)

# ---------------------------------------------------------------------------- permute / transpose
for shape, dims in [((2, 3, 4), (2, 0, 1)), ((2, 3, 4), (-1, -3, 1)), ((3,), (0,)), ((), ()), ((0, 2, 3), (1, 2, 0))]:
    add(f"permute-{shape}-{dims}", lambda a, d=dims: a.permute(*d), [Arg(shape)],
        lambda a, d=dims: a.transpose(d))
add("permute-tuple", lambda a: ag.permute(a, (1, 0)), [Arg((2, 3))], lambda a: a.T)
add_noncontig("permute", lambda a: a.permute(1, 0), (3, 4), lambda a: a.T)
for shape, d0, d1 in [((2, 3, 4), 0, 2), ((2, 3, 4), -1, 1), ((3,), 0, -1), ((), 0, -1), ((2, 3), 1, 1)]:
    add(f"transpose-{shape}-{d0}-{d1}", lambda a, d0=d0, d1=d1: a.transpose(d0, d1), [Arg(shape)],
        lambda a, d0=d0, d1=d1: np.swapaxes(a, d0, d1) if a.ndim else a)
add("swapaxes", lambda a: a.swapaxes(0, 1), [Arg((2, 3))], lambda a: a.T)
add("swapdims", lambda a: ag.swapdims(a, -1, 0), [Arg((2, 3, 4))], lambda a: np.swapaxes(a, -1, 0))
add_noncontig("transpose", lambda a: a.transpose(0, 1), (2, 3, 4), lambda a: np.swapaxes(a, 0, 1))
for shape, s, d in [((2, 3, 4), 0, 2), ((2, 3, 4), -1, 0), ((2, 3, 4), (0, 1), (2, 0)), ((2, 3, 4, 5), (3, 0), (1, 2))]:
    add(f"movedim-{shape}-{s}-{d}", lambda a, s=s, d=d: a.movedim(s, d), [Arg(shape)],
        lambda a, s=s, d=d: np.moveaxis(a, s, d))
add("moveaxis", lambda a: ag.moveaxis(a, 0, -1), [Arg((2, 3, 4))], lambda a: np.moveaxis(a, 0, -1))
for shape in [(2, 3), (3,), ()]:
    add(f"t-{shape}", lambda a: a.t(), [Arg(shape)], lambda a: a.T)
for shape in [(2, 3, 4), (2, 3), (3,), ()]:
    add(f"T-{shape}", lambda a: a.T, [Arg(shape)], lambda a: a.T)
for shape in [(2, 3, 4), (2, 3), (0, 2, 3)]:
    add(f"mT-{shape}", lambda a: a.mT, [Arg(shape)], lambda a: np.swapaxes(a, -1, -2))

# ---------------------------------------------------------------------------- expand / broadcast / repeat
for shape, sizes in [((3, 1), (3, 4)), ((3, 1), (2, 3, 4)), ((3, 1), (-1, 5)), ((1, 3), (2, -1, 3)), ((), (2, 3)),
                     ((2, 3), (2, 3)), ((1, 3), (0, 3)), ((2, 1, 3), (2, 2, 4, 3))]:
    def ref(a, sizes=sizes):
        lead = len(sizes) - a.ndim
        full = tuple(a.shape[i - lead] if s == -1 else s for i, s in enumerate(sizes))
        return np.broadcast_to(a, full)

    add(f"expand-{shape}-{sizes}", lambda a, s=sizes: a.expand(*s), [Arg(shape)], ref)
add("expand-tuple", lambda a: a.expand((2, 3)), [Arg((3,))], lambda a: np.broadcast_to(a, (2, 3)))
add_noncontig("expand", lambda a: a.expand(2, 4, 3), (4, 3), lambda a: np.broadcast_to(a, (2, 4, 3)))
add("expand_as", lambda a, b: a.expand_as(b), [Arg((3, 1)), Arg((2, 3, 4), requires_grad=False)],
    lambda a, b: np.broadcast_to(a, (2, 3, 4)))
add("broadcast_to", lambda a: ag.broadcast_to(a, (4, 2, 3)), [Arg((2, 1))], lambda a: np.broadcast_to(a, (4, 2, 3)))
add("broadcast_tensors", lambda a, b, c: ag.broadcast_tensors(a, b, c), [Arg((3, 1)), Arg((4,)), Arg(())],
    lambda a, b, c: np.broadcast_arrays(a, b, c))
for shape, reps in [((2, 3), (2, 1)), ((2, 3), (1, 3)), ((2, 3), (2, 2, 2)), ((3,), (2, 0)), ((), (3,)), ((), ()),
                    ((0, 2), (2, 2))]:
    add(f"repeat-{shape}-{reps}", lambda a, r=reps: a.repeat(*r), [Arg(shape)],
        lambda a, r=reps: np.tile(a, r) if r else a)
add("repeat-tuple", lambda a: a.repeat((2, 1)), [Arg((2, 3))], lambda a: np.tile(a, (2, 1)))
add_noncontig("repeat", lambda a: a.repeat(2, 3), (2, 3), lambda a: np.tile(a, (2, 3)))
for shape, dims in [((2, 3), (2,)), ((2, 3), (2, 2)), ((2, 3, 4), (2, 1, 1, 1))]:
    add(f"tile-{shape}-{dims}", lambda a, d=dims: ag.tile(a, d), [Arg(shape)], lambda a, d=dims: np.tile(a, d))
add("tile-method", lambda a: a.tile(2, 1), [Arg((3,))], lambda a: np.tile(a, (2, 1)))

# ---------------------------------------------------------------------------- flip / roll
for shape, dims in [((2, 3, 4), (0,)), ((2, 3, 4), (0, 2)), ((2, 3, 4), (-1,)), ((3,), (0,)), ((), ()),
                    ((0, 3), (1,))]:
    add(f"flip-{shape}-{dims}", lambda a, d=dims: a.flip(*d), [Arg(shape)], lambda a, d=dims: np.flip(a, d))
add("flip-fn-list", lambda a: ag.flip(a, [0, 1]), [Arg((2, 3))], lambda a: np.flip(a, (0, 1)))
add("fliplr", ag.fliplr, [Arg((2, 3, 2))], np.fliplr)
add("flipud", ag.flipud, [Arg((3, 2))], np.flipud)
add_noncontig("flip", lambda a: a.flip(0), (3, 4), lambda a: np.flip(a, 0))
add("flip-int", lambda a: a.flip(1), [Arg((2, 3), 0, 9, dtype="int64")], lambda a: np.flip(a, 1), grad=False)
for shape, shifts, dims in [((2, 3, 4), 1, 0), ((2, 3, 4), -2, -1), ((2, 3, 4), (1, 5), (0, 2)), ((2, 3), 2, None),
                            ((2, 3), (4,), None), ((5,), 7, 0), ((), 3, None), ((0, 3), 1, 1),
                            ((2, 3), (1, 1), (1, 1))]:
    add(f"roll-{shape}-{shifts}-{dims}", lambda a, s=shifts, d=dims: a.roll(s, d), [Arg(shape)],
        lambda a, s=shifts, d=dims: np.roll(a, s if d is not None or not isinstance(s, tuple) else s[0], d))
add_noncontig("roll", lambda a: a.roll(1, 1), (3, 4), lambda a: np.roll(a, 1, 1))


# ---------------------------------------------------------------------------- split / chunk / unbind
def _np_split(a, size, dim):
    n = a.shape[dim]
    if isinstance(size, (tuple, list)):
        bounds = np.cumsum(size)[:-1]
    else:
        bounds = list(range(size, n, size))
    return np.split(a, bounds, axis=dim)


for shape, size, dim in [((5, 3), 2, 0), ((5, 3), 3, 0), ((5, 3), 1, -1), ((5, 3), (1, 4), 0), ((2, 6), (2, 0, 4), 1),
                         ((4,), 4, 0), ((4,), 8, 0), ((0, 3), 2, 0), ((2, 3), (3,), -1)]:
    add(f"split-{shape}-{size}-{dim}", lambda a, s=size, d=dim: a.split(s, d), [Arg(shape)],
        lambda a, s=size, d=dim: _np_split(a, s, d))
add("split-fn-kw", lambda a: ag.split(a, 2, dim=1), [Arg((2, 5))], lambda a: _np_split(a, 2, 1))
add_noncontig("split", lambda a: a.split(2, 1), (3, 5), lambda a: _np_split(a, 2, 1))
add("split-first-only", lambda a: a.split(2, 1)[0] * 1, [Arg((3, 5))], lambda a: a[:, :2])


def _np_chunk(a, chunks, dim):
    n = a.shape[dim]
    if n == 0:
        return [a] * chunks
    return _np_split(a, -(-n // chunks), dim)


for shape, chunks, dim in [((6, 2), 3, 0), ((5, 2), 4, 0), ((2, 7), 3, -1), ((2,), 4, 0), ((0, 2), 3, 0), ((3,), 1, 0)]:
    add(f"chunk-{shape}-{chunks}-{dim}", lambda a, c=chunks, d=dim: a.chunk(c, d), [Arg(shape)],
        lambda a, c=chunks, d=dim: _np_chunk(a, c, d))
for shape, dim in [((3, 2), 0), ((3, 2), 1), ((2, 3, 4), -1), ((3,), 0), ((1, 0), 0)]:
    add(f"unbind-{shape}-{dim}", lambda a, d=dim: a.unbind(d), [Arg(shape)],
        lambda a, d=dim: list(np.moveaxis(a, d, 0)))
add_noncontig("unbind", lambda a: a.unbind(1), (3, 4), lambda a: list(a.T))
add("unbind-some", lambda a: a.unbind(0)[1] * 2, [Arg((3, 2))], lambda a: a[1] * 2)

# ---------------------------------------------------------------------------- cat / stack
for shapes, dim in [([(2, 3), (4, 3)], 0), ([(2, 3), (2, 1), (2, 2)], 1), ([(2, 3), (2, 3)], -1), ([(3,), (0,)], 0),
                    ([(0, 3), (2, 3)], 0), ([(2, 1, 3), (2, 4, 3)], -2)]:
    n = len(shapes)
    add(f"cat-{shapes}-{dim}", lambda *ts, d=dim: ag.cat(ts, d), [Arg(s) for s in shapes],
        lambda *arrs, d=dim: np.concatenate(arrs, d))
add("cat-legacy-empty", lambda a, b: ag.cat([a, b], 1), [Arg((2, 3)), Arg((0,))], lambda a, b: a)
add("cat-single", lambda a: ag.cat([a]), [Arg((2, 3))], lambda a: a)
add("concat", lambda a, b: ag.concat((a, b), dim=1), [Arg((2, 1)), Arg((2, 2))], lambda a, b: np.hstack([a, b]))
add("concatenate", lambda a, b: ag.concatenate([a, b]), [Arg((1, 2)), Arg((2, 2))], lambda a, b: np.vstack([a, b]))
add("cat-promote", lambda a, b: ag.cat([a, b]), [Arg((2,)), Arg((3,), 0, 9, dtype="int64")],
    lambda a, b: np.concatenate([a, b.astype(np.float64)]))
add("cat-int", lambda a, b: ag.cat([a, b]), [Arg((2,), 0, 9, dtype="int32"), Arg((3,), 0, 9, dtype="int64")],
    lambda a, b: np.concatenate([a, b]), grad=False)
add("cat-noncontig-mT", lambda a, b: ag.cat([a.mT, b], 0), [Arg((3, 2)), Arg((1, 3))],
    lambda a, b: np.concatenate([a.T, b], 0))
add("cat-noncontig", lambda a, b: ag.cat([a, b], 0), [Arg((2, 3), noncontig=True), Arg((1, 3), noncontig=True)],
    lambda a, b: np.concatenate([a, b], 0), grad=False)
for shape, dim in [((2, 3), 0), ((2, 3), 2), ((2, 3), -1), ((), 0), ((0, 2), 1)]:
    add(f"stack-{shape}-{dim}", lambda a, b, c, d=dim: ag.stack([a, b, c], d), [Arg(shape)] * 3,
        lambda a, b, c, d=dim: np.stack([a, b, c], d), seed=1)
add("stack-noncontig-mT", lambda a, b: ag.stack([a.mT, b]), [Arg((3, 2)), Arg((2, 3))],
    lambda a, b: np.stack([a.T, b]))
add("hstack-1d", lambda a, b: ag.hstack([a, b]), [Arg((2,)), Arg((3,))], lambda a, b: np.hstack([a, b]))
add("hstack-2d", lambda a, b: ag.hstack([a, b]), [Arg((2, 1)), Arg((2, 3))], lambda a, b: np.hstack([a, b]))
add("vstack", lambda a, b, c: ag.vstack([a, b, c]), [Arg((3,)), Arg((2, 3)), Arg((3,))],
    lambda a, b, c: np.vstack([a, b, c]))
add("dstack", lambda a, b, c: ag.dstack([a, b, c]), [Arg((3,)), Arg((1, 3)), Arg((1, 3, 2))],
    lambda a, b, c: np.dstack([a, b, c]))
add("atleast_3d", lambda a, b, c: ag.atleast_3d(a, b, c), [Arg(()), Arg((2,)), Arg((2, 3))],
    lambda a, b, c: np.atleast_3d(a, b, c))
add("atleast_2d", lambda a: ag.atleast_2d(a), [Arg((3,))], lambda a: np.atleast_2d(a))
add("atleast_1d", lambda a: ag.atleast_1d((a,))[0], [Arg(())], lambda a: np.atleast_1d(a))


# ---------------------------------------------------------------------------- pad / narrow
def _np_pad(a, pad, mode="constant", value=0.0):
    """PyTorch's pad convention (last dim first, negative crops) on numpy."""
    if not pad:
        return a.copy()
    widths = [(0, 0)] * a.ndim
    for i in range(len(pad) // 2):
        widths[a.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    a = a[tuple(slice(max(-b, 0), n - max(-e, 0)) for (b, e), n in zip(widths, a.shape))]  # crop first
    positive = [(max(b, 0), max(e, 0)) for b, e in widths]
    if mode == "constant":
        return np.pad(a, positive, constant_values=value)
    return np.pad(a, positive, mode={"reflect": "reflect", "replicate": "edge", "circular": "wrap"}[mode])


for shape, p in [((2, 3), (1, 2)), ((2, 3), (1, 0, 0, 2)), ((2, 3, 4), (-1, 1, 2, -1)), ((3,), (0, 0)),
                 ((2, 3), (-1, -2)), ((0, 2), (1, 1, 1, 0)), ((), ())]:
    add(f"pad-constant-{shape}-{p}", lambda a, p=p: ag.pad(a, p), [Arg(shape)], lambda a, p=p: _np_pad(a, p))
add("pad-value", lambda a: ag.pad(a, (2, 1), value=-1.5), [Arg((2, 2))], lambda a: _np_pad(a, (2, 1), value=-1.5))
add("pad-int", lambda a: ag.pad(a, (1, 1), value=7), [Arg((2, 2), 0, 5, dtype="int64")],
    lambda a: _np_pad(a, (1, 1), value=7), grad=False)
for mode in ("reflect", "replicate", "circular"):
    for shape, p in [((2, 5), (2, 3)), ((1, 2, 3, 4), (1, 2, 2, 1)), ((2, 3, 4), (-1, 2)), ((1, 2, 3), (0, 2)),
                     ((2, 2, 3, 3, 3), (1, 1, 2, 0, 0, 2))]:
        if mode == "reflect" and max(p) >= min(shape[-(len(p) // 2):]):
            continue
        add(f"pad-{mode}-{shape}-{p}", lambda a, p=p, m=mode: ag.pad(a, p, mode=m), [Arg(shape)],
            lambda a, p=p, m=mode: _np_pad(a, p, m))
add("pad-circular-full", lambda a: ag.pad(a, (3, 3), mode="circular"), [Arg((2, 3))],
    lambda a: _np_pad(a, (3, 3), "circular"))
add("pad-circular-crop", lambda a: ag.pad(a, (2, -1, -2, 1), mode="circular"), [Arg((4, 3))],
    lambda a: _np_pad(a, (2, -1, -2, 1), "circular"))
add("pad-replicate-wide", lambda a: ag.pad(a, (5, 4), mode="replicate"), [Arg((1, 2))],
    lambda a: _np_pad(a, (5, 4), "replicate"))
add_noncontig("pad-reflect", lambda a: ag.pad(a, (1, 2, 2, 1), mode="reflect"), (3, 4),
              lambda a: _np_pad(a, (1, 2, 2, 1), "reflect"))
add_noncontig("pad-constant", lambda a: ag.pad(a, (1, -1)), (3, 4), lambda a: _np_pad(a, (1, -1)))
for shape, dim, start, length in [((4, 3), 0, 1, 2), ((4, 3), -1, -2, 2), ((4, 3), 1, 3, 0), ((5,), 0, 0, 5),
                                  ((2, 0), 1, 0, 0)]:
    add(f"narrow-{shape}-{dim}-{start}-{length}", lambda a, d=dim, s=start, n=length: a.narrow(d, s, n), [Arg(shape)],
        lambda a, d=dim, s=start, n=length: np.take(a, range(s % a.shape[d] if a.shape[d] else 0,
                                                             (s % a.shape[d] if a.shape[d] else 0) + n), axis=d))
add_noncontig("narrow", lambda a: a.narrow(1, 1, 2), (3, 4), lambda a: a[:, 1:3])

# ---------------------------------------------------------------------------- triangles and diagonals
for shape, k in [((3, 4), 0), ((3, 4), 1), ((3, 4), -2), ((2, 3, 3), 0), ((4, 3), 5), ((0, 3), 0)]:
    add(f"tril-{shape}-{k}", lambda a, k=k: a.tril(k), [Arg(shape)], lambda a, k=k: np.tril(a, k))
    add(f"triu-{shape}-{k}", lambda a, k=k: a.triu(k), [Arg(shape)], lambda a, k=k: np.triu(a, k))
add_noncontig("tril", lambda a: a.tril(), (3, 4), np.tril)
for shape, off, d1, d2 in [((3, 4), 0, 0, 1), ((3, 4), 1, 0, 1), ((3, 4), -2, 0, 1), ((2, 3, 4), 0, -1, 0),
                           ((2, 3, 4), 1, 1, 2), ((3, 3), 5, 0, 1), ((2, 3, 4), -1, 2, 1)]:
    add(f"diagonal-{shape}-{off}-{d1}-{d2}", lambda a, o=off, p=d1, q=d2: a.diagonal(o, p, q), [Arg(shape)],
        lambda a, o=off, p=d1, q=d2: np.diagonal(a, o, p, q))
add("diagonal-kw", lambda a: ag.diagonal(a, dim1=1, dim2=2), [Arg((2, 3, 3))], lambda a: np.diagonal(a, 0, 1, 2))
add_noncontig("diagonal", lambda a: a.diagonal(1), (3, 4), lambda a: np.diagonal(a, 1))
for shape, k in [((3,), 0), ((3,), 2), ((3,), -1), ((3, 4), 0), ((3, 4), 1), ((4, 3), -2), ((0,), 1)]:
    add(f"diag-{shape}-{k}", lambda a, k=k: a.diag(k), [Arg(shape)], lambda a, k=k: np.diag(a, k))


def _np_diag_embed(a, offset, dim1, dim2):
    n = a.shape[-1] + abs(offset)
    flat = a.reshape(-1, a.shape[-1])
    out = np.stack([np.diag(v, offset) for v in flat]).reshape(a.shape[:-1] + (n, n))
    return np.moveaxis(out, (-2, -1), (dim1, dim2))


for shape, off, d1, d2 in [((3,), 0, -2, -1), ((2, 3), 1, -2, -1), ((2, 3), -1, 0, 2), ((2, 3), 0, 2, 0)]:
    add(f"diag_embed-{shape}-{off}-{d1}-{d2}", lambda a, o=off, p=d1, q=d2: a.diag_embed(o, p, q), [Arg(shape)],
        lambda a, o=off, p=d1, q=d2: _np_diag_embed(a, o, p, q))

# ---------------------------------------------------------------------------- chains of views (second order too)
add("chain-view-ops", lambda a: a.T.reshape(4, 6).unsqueeze(0).expand(2, 4, 6).narrow(2, 1, 3).flip(1),
    [Arg((2, 3, 4))], lambda a: np.flip(np.broadcast_to(a.T.reshape(1, 4, 6), (2, 4, 6))[:, :, 1:4], 1))
add("chain-square", lambda a: (a.t() * a.t()).split(1, 0)[1], [Arg((2, 3))], lambda a: (a.T * a.T)[1:2])

# ---------------------------------------------------------------------------- shape changes in place (on a copy)
add("unsqueeze_", lambda a: (a * 1).unsqueeze_(1), [Arg((2, 3))], lambda a: a[:, None])
add("unsqueeze_-neg", lambda a: (a * 1).unsqueeze_(-1), [Arg((2, 3))], lambda a: a[..., None])
add("unsqueeze_-0d", lambda a: (a * 1).unsqueeze_(0), [Arg(())], lambda a: a.reshape(1))
add("squeeze_", lambda a: (a * 1).squeeze_(), [Arg((1, 3, 1))], lambda a: a.reshape(3))
add("squeeze_-dims", lambda a: (a * 1).squeeze_((0, 2)), [Arg((1, 3, 1, 2))], lambda a: a.reshape(3, 2))
add("t_", lambda a: (a * 1).t_(), [Arg((2, 3))], lambda a: a.T)
add("t_-1d", lambda a: (a * 1).t_(), [Arg((3,))], lambda a: a)
add("transpose_", lambda a: (a * 1).transpose_(0, -1), [Arg((2, 3, 4))], lambda a: a.swapaxes(0, -1))
add("transpose_-then-use", lambda a: (a * 2).transpose_(0, 1).unsqueeze_(0) * a.T.exp(), [Arg((2, 3))],
    lambda a: (2 * a.T * np.exp(a.T))[None])
add("transpose_-of-view", lambda a: (a * 1)[1:].transpose_(0, 1), [Arg((3, 4))], lambda a: a[1:].T)
