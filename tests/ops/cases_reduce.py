"""Registry cases: reductions (sum, mean, prod, max/min, var/std, logsumexp, norm, cumsum/cumprod, all/any, ...)."""
import math

import numpy as np

import autograd as ag
from autograd.ops.reduce import norm as _norm  # autograd.norm is shadowed by the ops.norm module
from tests.ops.registry import Arg, OpCase

CASES = []
_NAN = math.nan


def _add(name, fn, args, ref, **kw):
    CASES.append(OpCase(f"reduce-{name}", fn, args, ref, **kw))


def _np_axis(dim):
    return tuple(dim) if isinstance(dim, list) else dim


# (shape, dim, keepdim, noncontig): 0-d, empty, int / negative / tuple dims, keepdim, non-contiguous
_DIMS = [
    ((3, 4), None, False, False), ((3, 4), None, True, False), ((2, 3, 4), 1, False, False),
    ((2, 3, 4), -1, True, False), ((2, 3, 4), (0, 2), False, False), ((2, 3, 4), (-1, 0), True, False),
    ((2, 3, 4), [1, 2], False, False), ((), None, False, False), ((), 0, True, False), ((), -1, False, False),
    ((0, 3), 1, False, False), ((3, 4), 0, False, True), ((3, 4), (0, 1), False, True),
]
_ZERO_D_DIM = {0, -1}


def _np_dim(shape, dim):
    """numpy's axis for a dim (0-d inputs accept dim 0 / -1 as PyTorch does: numpy wants no axis)."""
    if shape == () and dim is not None:
        return ()
    return _np_axis(dim)


def _label(shape, dim, keepdim, nc):
    return f"{shape}-dim{dim}{'-keep' if keepdim else ''}{'-nc' if nc else ''}"


# ---------------------------------------------------------------------------- sum / mean / prod / nansum
for shape, dim, keep, nc in _DIMS:
    ax = _np_dim(shape, dim)
    lab = _label(shape, dim, keep, nc)
    a = Arg(shape, noncontig=nc)
    _add(f"sum-{lab}", lambda x, d=dim, k=keep: ag.sum(x, d, k), [a],
         lambda x, ax=ax, k=keep: np.sum(x, axis=ax, keepdims=k))
    _add(f"mean-{lab}", lambda x, d=dim, k=keep: x.mean(d, k), [a],
         lambda x, ax=ax, k=keep: np.mean(x, axis=ax, keepdims=k) if x.size else
         np.sum(x, axis=ax, keepdims=k) * _NAN)
    _add(f"prod-{lab}", lambda x, d=dim, k=keep: x.prod(d, keepdim=k), [Arg(shape, 0.5, 1.5, noncontig=nc)],
         lambda x, ax=ax, k=keep: np.prod(x, axis=ax, keepdims=k))
    _add(f"nansum-{lab}", lambda x, d=dim, k=keep: ag.nansum(x, d, k), [a],
         lambda x, ax=ax, k=keep: np.nansum(x, axis=ax, keepdims=k))

_add("mean-(0, 3)-all", ag.mean, [Arg((0, 3))], lambda x: np.float64(_NAN))
_add("sum-int", lambda x: x.sum(1), [Arg((3, 4), -5, 5, dtype="int32")], lambda x: x.sum(1, dtype=np.int64),
     grad=False)
_add("sum-bool", lambda x: ag.sum(x), [Arg((3, 4), dtype="bool")], lambda x: np.sum(x, dtype=np.int64), grad=False)
_add("sum-dtype", lambda x: x.sum(0, dtype=ag.float64), [Arg((3, 4), -5, 5, dtype="int64")],
     lambda x: x.sum(0).astype(np.float64), grad=False)
_add("mean-int-dtype", lambda x: x.mean(dtype=ag.float64), [Arg((3, 4), -5, 5, dtype="int64")],
     lambda x: np.mean(x), grad=False)
_add("prod-int", lambda x: ag.prod(x, 0), [Arg((3, 4), -3, 3, dtype="int16")], lambda x: np.prod(x, 0, dtype=np.int64),
     grad=False)

_NAN_VALUES = [[1.0, _NAN, -2.0, 0.5], [_NAN, _NAN, 3.0, 1.5], [0.3, -1.0, 2.0, -0.7]]
_add("nansum-nan", lambda x: ag.nansum(x, 1), [Arg((3, 4), values=_NAN_VALUES)], lambda x: np.nansum(x, 1))
_add("nansum-nan-all", ag.nansum, [Arg((3, 4), values=_NAN_VALUES)], np.nansum)
_add("nanmean-nan", lambda x: ag.nanmean(x, 0, keepdim=True), [Arg((3, 4), values=_NAN_VALUES)],
     lambda x: np.nanmean(x, 0, keepdims=True))
_add("nanmean", lambda x: x.nanmean((0, 1)), [Arg((3, 4))], np.nanmean)

# prod with zeros: one zero in a slice, several zeros, a slice with no zero; gradients exact through 2nd order
_ZEROS = [[1.5, 0.0, 2.0, -1.0], [0.0, 0.0, 3.0, 0.5], [1.1, 2.0, -0.5, 1.2]]
for dim in (None, 0, 1, (0, 1)):
    _add(f"prod-zeros-dim{dim}", lambda x, d=dim: ag.prod(x, d), [Arg((3, 4), values=_ZEROS)],
         lambda x, d=dim: np.prod(x, axis=_np_axis(d)))
_add("prod-zeros-keep", lambda x: ag.prod(x, 1, keepdim=True), [Arg((3, 4), values=_ZEROS)],
     lambda x: np.prod(x, 1, keepdims=True))
_add("prod-one-zero-all", ag.prod, [Arg((4,), values=[1.5, 0.0, 2.0, -1.0])], np.prod)
_add("prod-all-zero", lambda x: x.prod(0), [Arg((3,), values=[0.0, 0.0, 0.0])], lambda x: np.prod(x, 0))

for size, shape in [((3, 1), (2, 3, 4)), ((1, 4), (2, 3, 4)), ((2, 1, 1), (2, 3, 4)), ((4,), (3, 4)),
                    ((), (3, 4)), ((1, 1), (3, 4))]:
    def _ref(x, size=size):
        lead = x.ndim - len(size)
        axes = tuple(range(lead)) + tuple(i + lead for i, n in enumerate(size) if n == 1 and x.shape[i + lead] != 1)
        return x.sum(axis=axes, keepdims=True).reshape(size)

    _add(f"sum_to_size-{shape}-{size}", lambda x, s=size: x.sum_to_size(*s), [Arg(shape)], _ref)
_add("sum_to_size-tuple-nc", lambda x: x.sum_to_size((3, 1)), [Arg((3, 4), noncontig=True)],
     lambda x: x.sum(1, keepdims=True))

# ---------------------------------------------------------------------------- max / min / amax / amin / median
for kind, npf, argf in (("max", np.max, np.argmax), ("min", np.min, np.argmin)):
    fn = getattr(ag, kind)
    _add(f"{kind}-all", lambda x, f=fn: f(x), [Arg((3, 4))], npf)
    _add(f"{kind}-all-nc", lambda x, f=fn: f(x), [Arg((3, 5), noncontig=True)], npf)
    _add(f"{kind}-0d", lambda x, f=fn: f(x), [Arg(())], npf)
    for shape, dim, keep, nc in [((3, 4), 1, False, False), ((2, 3, 4), -2, True, False),
                                 ((2, 3, 4), 0, False, False), ((3, 4), 0, True, True), ((5,), 0, False, False),
                                 ((0, 3), 1, False, False)]:
        _add(f"{kind}-dim-{_label(shape, dim, keep, nc)}", lambda x, f=fn, d=dim, k=keep: f(x, d, k),
             [Arg(shape, noncontig=nc)],
             lambda x, f=npf, a=argf, d=dim, k=keep: (f(x, axis=d, keepdims=k), a(x, axis=d, keepdims=k)))
    _add(f"{kind}-dim-0d", lambda x, f=fn: f(x, 0), [Arg(())], lambda x: (x, np.int64(0)))
    _add(f"{kind}-other", lambda x, y, f=fn: f(x, y), [Arg((3, 4)), Arg((4,))],
         np.maximum if kind == "max" else np.minimum)
    afn = getattr(ag, "a" + kind)
    for shape, dim, keep, nc in _DIMS:
        if math.prod(shape) == 0:
            continue
        _add(f"a{kind}-{_label(shape, dim, keep, nc)}", lambda x, f=afn, d=dim, k=keep: f(x, d, k),
             [Arg(shape, noncontig=nc)],
             lambda x, f=npf, d=_np_dim(shape, dim), k=keep: f(x, axis=d, keepdims=k))
    _add(f"a{kind}-default", lambda x, f=afn: f(x), [Arg((2, 3))], npf)
    _add(f"a{kind}-empty-keptdim", lambda x, f=afn: f(x, 1), [Arg((0, 3))], lambda x, f=npf: f(x, 1))
    argfn = getattr(ag, "arg" + kind)
    for shape, dim, keep in [((3, 4), None, False), ((3, 4), None, True), ((2, 3, 4), 1, False),
                             ((2, 3, 4), -1, True), ((), None, False), ((), 0, False), ((5,), 0, True)]:
        _add(f"arg{kind}-{_label(shape, dim, keep, False)}", lambda x, f=argfn, d=dim, k=keep: f(x, d, k),
             [Arg(shape)], lambda x, f=argf, d=_np_dim(shape, dim), k=keep:
             (f(x, axis=d, keepdims=k) if d != () else np.int64(0)), grad=False)
    _add(f"arg{kind}-nc", lambda x, f=argfn: f(x, 0), [Arg((3, 4), noncontig=True)], lambda x, f=argf: f(x, 0),
         grad=False)
_add("aminmax", lambda x: ag.aminmax(x, dim=1), [Arg((3, 4))], lambda x: (x.min(1), x.max(1)))
_add("aminmax-all", lambda x: x.aminmax(), [Arg((2, 3, 4))], lambda x: (x.min(), x.max()))


def _lower_median(x, axis=None, keepdims=False):
    if axis is None:
        return np.sort(x.ravel())[(x.size - 1) // 2]
    s = np.sort(x, axis=axis)
    k = (x.shape[axis] - 1) // 2
    v = np.take(s, [k], axis=axis)
    i = np.take(np.argsort(x, axis=axis), [k], axis=axis)
    return (v, i) if keepdims else (v.squeeze(axis), i.squeeze(axis))


for shape in [(3, 4), (5,), (2, 3, 5), ()]:
    _add(f"median-all-{shape}", ag.median, [Arg(shape)], _lower_median)
for shape, dim, keep, nc in [((3, 4), 1, False, False), ((3, 5), 1, True, False), ((2, 3, 5), -2, False, False),
                             ((4, 3), 0, False, True), ((1, 3), 0, False, False)]:
    _add(f"median-dim-{_label(shape, dim, keep, nc)}", lambda x, d=dim, k=keep: x.median(d, k),
         [Arg(shape, noncontig=nc)], lambda x, d=dim, k=keep: _lower_median(x, d, k))

# ---------------------------------------------------------------------------- var / std
for shape, dim, keep, nc in _DIMS:
    if math.prod(shape) == 0 or shape == ():
        continue
    lab = _label(shape, dim, keep, nc)
    ax = _np_dim(shape, dim)
    n = math.prod(shape) if dim is None else math.prod(
        shape[d] for d in ((dim,) if isinstance(dim, int) else dim))
    if n < 2:
        continue
    _add(f"var-{lab}", lambda x, d=dim, k=keep: ag.var(x, d, keepdim=k), [Arg(shape, noncontig=nc)],
         lambda x, a=ax, k=keep: np.var(x, axis=a, ddof=1, keepdims=k))
    _add(f"std-{lab}", lambda x, d=dim, k=keep: x.std(d, keepdim=k), [Arg(shape, noncontig=nc)],
         lambda x, a=ax, k=keep: np.std(x, axis=a, ddof=1, keepdims=k))
for c in (0, 2, 1.5):
    _add(f"var-correction{c}", lambda x, c=c: x.var(1, correction=c), [Arg((3, 5))],
         lambda x, c=c: np.var(x, 1, ddof=c))
    _add(f"std-correction{c}", lambda x, c=c: ag.std(x, (0, 1), correction=c, keepdim=True), [Arg((3, 5))],
         lambda x, c=c: np.std(x, ddof=c, keepdims=True))
_add("var-unbiased-false", lambda x: ag.var(x, 0, False), [Arg((4, 3))], lambda x: np.var(x, 0))
_add("std-legacy-unbiased", lambda x: x.std(False), [Arg((4, 3))], np.std)
_add("var_mean", lambda x: ag.var_mean(x, 1, keepdim=True), [Arg((3, 4))],
     lambda x: (np.var(x, 1, ddof=1, keepdims=True), np.mean(x, 1, keepdims=True)))
_add("std_mean", lambda x: ag.std_mean(x, correction=0), [Arg((3, 4))], lambda x: (np.std(x), np.mean(x)))
_add("var-single", lambda x: ag.var(x, 0, correction=0), [Arg((1, 3))], lambda x: np.var(x, 0))
for c in (2.5, -1, 0.5):  # float and negative corrections (PyTorch accepts any number)
    _add(f"var-correction{c}-all", lambda x, c=c: x.var(correction=c), [Arg((2, 3))], lambda x, c=c: np.var(x, ddof=c))
    _add(f"std-correction{c}-dim", lambda x, c=c: x.std(-1, correction=c), [Arg((2, 4))],
         lambda x, c=c: np.std(x, -1, ddof=c))
_add("var-correction-0d", lambda x: x.var(correction=0), [Arg(())], lambda x: np.var(x))

# ---------------------------------------------------------------------------- logsumexp


def _np_lse(x, axis=None, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


for shape, dim, keep, nc in _DIMS:
    if math.prod(shape) == 0:
        continue
    _add(f"logsumexp-{_label(shape, dim, keep, nc)}", lambda x, d=dim, k=keep: ag.logsumexp(x, d, k),
         [Arg(shape, noncontig=nc)], lambda x, d=_np_dim(shape, dim), k=keep: x if d == () else _np_lse(x, d, k))
_add("logsumexp-large", lambda x: x.logsumexp(1), [Arg((3, 4), values=[[1000.0, 999.0, 998.5, 1000.0],
                                                                         [-1000.0, -999.0, -1001.0, -1000.5],
                                                                         [0.5, -0.3, 2.0, 1.0]])],
     lambda x: _np_lse(x, 1))
_add("logsumexp-empty-dim", lambda x: ag.logsumexp(x, 0), [Arg((0, 3))], lambda x: np.full((3,), -np.inf))

# ---------------------------------------------------------------------------- norm
_PS = [("fro", 2), (2, 2), (1, 1), (3, 3), (0.5, 0.5), (1.5, 1.5), (math.inf, math.inf), (-math.inf, -math.inf),
       (0, 0)]


def _np_norm(x, p, axis=None, keepdims=False):
    a = np.abs(x)
    if p == math.inf:
        return a.max(axis=axis, keepdims=keepdims)
    if p == -math.inf:
        return a.min(axis=axis, keepdims=keepdims)
    if p == 0:
        return (x != 0).sum(axis=axis, keepdims=keepdims).astype(x.dtype)
    return (a ** p).sum(axis=axis, keepdims=keepdims) ** (1 / p)


for p, q in _PS:
    _add(f"norm-p{p}", lambda x, p=p: _norm(x, p), [Arg((3, 4))], lambda x, q=q: _np_norm(x, q))
    _add(f"norm-p{p}-dim1", lambda x, p=p: x.norm(p, 1), [Arg((3, 4))], lambda x, q=q: _np_norm(x, q, 1))
    _add(f"norm-p{p}-dims-keep", lambda x, p=p: _norm(x, p, (0, -1), keepdim=True), [Arg((2, 3, 4))],
         lambda x, q=q: _np_norm(x, q, (0, 2), True))
    _add(f"norm-p{p}-nc", lambda x, p=p: x.norm(p, dim=0), [Arg((3, 4), noncontig=True)],
         lambda x, q=q: _np_norm(x, q, 0))
_add("norm-0d", _norm, [Arg(())], np.abs)
_add("norm-keep-all", lambda x: _norm(x, keepdim=True), [Arg((2, 3))], lambda x: _np_norm(x, 2, None, True))
_add("norm-empty", lambda x: _norm(x, 2, 0), [Arg((0, 3))], lambda x: np.zeros(3))
_add("norm-p3-zeros", lambda x: _norm(x, 3, 1), [Arg((2, 3), values=[[0.0, 1.0, -2.0], [0.5, 0.0, 0.0]])],
     lambda x: _np_norm(x, 3, 1))

# ---------------------------------------------------------------------------- cumsum / cumprod
for shape, dim, nc in [((3, 4), 1, False), ((3, 4), 0, False), ((2, 3, 4), -2, False), ((5,), 0, False),
                       ((), 0, False), ((0, 3), 0, False), ((3, 4), 1, True), ((3, 4), -1, True)]:
    lab = f"{shape}-dim{dim}{'-nc' if nc else ''}"
    ax = None if shape == () else dim
    _add(f"cumsum-{lab}", lambda x, d=dim: ag.cumsum(x, d), [Arg(shape, noncontig=nc)],
         lambda x, a=ax: np.cumsum(x, a).reshape(x.shape))
    _add(f"cumprod-{lab}", lambda x, d=dim: x.cumprod(d), [Arg(shape, 0.5, 1.5, noncontig=nc)],
         lambda x, a=ax: np.cumprod(x, a).reshape(x.shape))
_add("cumsum-int", lambda x: x.cumsum(0), [Arg((4,), -5, 5, dtype="int32")], lambda x: np.cumsum(x, dtype=np.int64),
     grad=False)
_add("cumsum-bool", lambda x: ag.cumsum(x, 1), [Arg((2, 4), dtype="bool")], lambda x: np.cumsum(x, 1, dtype=np.int64),
     grad=False)
_add("cumprod-int", lambda x: ag.cumprod(x, 0), [Arg((4,), -3, 3, dtype="int32")],
     lambda x: np.cumprod(x, dtype=np.int64), grad=False)
_add("cumsum-dtype", lambda x: ag.cumsum(x, 0, dtype=ag.float64), [Arg((4,), -3, 3, dtype="int64")],
     lambda x: np.cumsum(x).astype(np.float64), grad=False)
_CZ = [[1.5, 0.0, 2.0, -1.0], [0.0, 0.0, 3.0, 0.5], [1.1, 2.0, -0.5, 0.0]]
_add("cumprod-zeros-dim1", lambda x: ag.cumprod(x, 1), [Arg((3, 4), values=_CZ)], lambda x: np.cumprod(x, 1))
_add("cumprod-zeros-dim0", lambda x: ag.cumprod(x, 0), [Arg((3, 4), values=_CZ)], lambda x: np.cumprod(x, 0))
_add("cumprod-zeros-3d", lambda x: ag.cumprod(x, 1), [Arg((2, 3, 2), values=[[[0.0, 1.2], [2.0, 0.0], [0.5, 1.5]],
                                                                            [[1.0, -1.0], [0.0, 0.0], [3.0, 0.7]]])],
     lambda x: np.cumprod(x, 1))

def _np_lcse(x, axis):
    return np.logaddexp.accumulate(x, axis=axis) if x.ndim else x


for shape, dim, nc in [((3, 4), 1, False), ((3, 4), 0, False), ((2, 3, 4), -2, False), ((5,), 0, False),
                       ((), 0, False), ((0, 3), 0, False), ((3, 4), 1, True)]:
    _add(f"logcumsumexp-{shape}-dim{dim}{'-nc' if nc else ''}", lambda x, d=dim: ag.logcumsumexp(x, d),
         [Arg(shape, noncontig=nc)], lambda x, d=dim: _np_lcse(x, d))
_add("logcumsumexp-extremes", lambda x: x.logcumsumexp(1),
     [Arg((3, 4), values=[[-1000.0, 0.0, 1000.0, 999.0], [1000.0, -1000.0, 1000.0, 998.0],
                          [-800.0, -801.0, -799.5, -1000.0]])], lambda x: _np_lcse(x, 1))
_add("logcumsumexp-neg-grad", lambda x: -ag.logcumsumexp(x, 0), [Arg((4,))], lambda x: -_np_lcse(x, 0))

# ---------------------------------------------------------------------------- all / any / count_nonzero
_B = [[1.0, 0.0, 2.0], [1.0, 3.0, -1.0]]
for name in ("all", "any"):
    fn, ref = getattr(ag, name), getattr(np, name)
    _add(f"{name}-float", lambda x, f=fn: f(x), [Arg((2, 3), values=_B)], ref, grad=False)
    _add(f"{name}-dim", lambda x, f=fn: f(x, 1), [Arg((2, 3), values=_B)], lambda x, r=ref: r(x, 1), grad=False)
    _add(f"{name}-dims-keep", lambda x, f=fn: f(x, (0, -1), keepdim=True), [Arg((2, 3, 4), dtype="bool")],
         lambda x, r=ref: r(x, (0, 2), keepdims=True), grad=False)
    _add(f"{name}-empty", lambda x, f=fn: f(x), [Arg((0, 3), dtype="bool")], ref, grad=False)
    _add(f"{name}-uint8", lambda x, f=fn: f(x, 0), [Arg((3,), dtype="uint8", values=[1, 0, 2])],
         lambda x, r=ref: r(x, 0).astype(np.uint8), grad=False)
_add("count_nonzero", ag.count_nonzero, [Arg((2, 3), values=_B)], np.count_nonzero, grad=False)
_add("count_nonzero-dim", lambda x: x.count_nonzero((0, 1)), [Arg((2, 3, 2), -1, 2, dtype="int64")],
     lambda x: np.count_nonzero(x, axis=(0, 1)), grad=False)
_add("count_nonzero-dim-neg", lambda x: ag.count_nonzero(x, -1), [Arg((2, 3), values=_B)],
     lambda x: np.count_nonzero(x, axis=-1), grad=False)
