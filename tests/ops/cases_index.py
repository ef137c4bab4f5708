"""Registry cases: indexing ([] and []=), gather/scatter, index_*, masked ops, take, sort/topk, nonzero."""
import numpy as np

import autograd as ag
from tests.ops.registry import Arg, OpCase

CASES = []


def I(shape, low, high, values=None):  # noqa: E743  (an int64 index argument)
    return Arg(shape, low, high, requires_grad=False, dtype="int64", values=values)


def _on(x, data, **kw):
    """A constant tensor on x's device (the cases also run on the "cuda" stand-in)."""
    return ag.tensor(data, device=x.device, **kw)


def add(name, fn, args, ref, **kw):
    CASES.append(OpCase(f"index-{name}", fn, args, ref, **kw))


# ---------------------------------------------------------------------------- getitem
_MASK = np.array([True, False, True])
_MASK2 = np.array([[True, False, True], [False, False, True]])
_GET = {
    "int": ((3, 4), lambda x: x[1]),
    "neg-int": ((3, 4), lambda x: x[-1]),
    "int-int": ((3, 4), lambda x: x[2, -3]),
    "slice-step": ((5, 6), lambda x: x[1:, ::2]),
    "slice-step3-stop": ((7, 4), lambda x: x[1:6:3, 1:-1]),
    "none-ellipsis": ((2, 3, 4), lambda x: x[None, ..., 1]),
    "ellipsis-none-slice": ((2, 3, 4), lambda x: x[..., None, :2]),
    "ellipsis-only": ((2, 3), lambda x: x[...]),
    "0d-empty-tuple": ((), lambda x: x[()]),
    "0d-none": ((), lambda x: x[None]),
    "0d-ellipsis-none": ((), lambda x: x[..., None, None]),
    "mask-np": ((3, 4), lambda x: x[_MASK]),
    "mask-np-dim1": ((4, 3), lambda x: x[:, _MASK]),
    "mask-2d-of-3d": ((2, 3, 4), lambda x: x[_MASK2]),
    "mask-tensor": ((3, 4), lambda x: x[_on(x, np.arange(12).reshape(3, 4) % 3 == 0)]),
    "mask-all-false": ((3, 4), lambda x: x[np.zeros((3, 4), bool)]),
    "mask-ellipsis-none": ((2, 3), lambda x: x[None, ..., _MASK]),
    "list-repeated": ((4, 3), lambda x: x[[0, 0, 2, 0]]),
    "list-negative": ((4, 3), lambda x: x[[-1, 1, -1]]),
    "ndarray-2d": ((5,), lambda x: x[np.array([[0, 1], [1, 4]])]),
    "list-empty": ((4, 3), lambda x: x[[]]),
    "adv-pair-repeated": ((3, 4), lambda x: x[[0, 2, 0], [1, 1, 1]]),
    "adv-broadcast": ((3, 4), lambda x: x[np.array([[0], [2]]), np.array([1, 3, 1])]),
    "adv-split-by-slice": ((3, 4, 5), lambda x: x[[0, 1, 1], :, [4, 0, 4]]),
    "slice-then-adv": ((3, 4, 5), lambda x: x[1:, [0, 0, 3]]),
    "adv-none-ellipsis": ((3, 4), lambda x: x[None, [2, 2], ...]),
    "mask-and-adv": ((3, 4), lambda x: x[_MASK, [0, 3]]),
    "empty-slice": ((3, 4), lambda x: x[2:2]),
    "empty-input": ((0, 4), lambda x: x[:, 1:3]),
    "np-int-array": ((6,), lambda x: x[np.array([5, 0, 5])]),
    "np-int-scalar": ((6, 2), lambda x: x[np.int64(3)]),
    "0d-int-tensor": ((6, 2), lambda x: x[_on(x, 4)]),
    "py-bool": ((2, 3), lambda x: x[True]),
}
for name, (shape, fn) in _GET.items():
    add(f"get-{name}", fn, [Arg(shape)], fn)

# Ints (and bool scalars) beside advanced indices: PyTorch applies the basic part (ints, slices, None, ...) first and
# the advanced indices to the dims that remain; numpy counts ints as advanced indices, so the same index on numpy is
# no reference. The references spell out PyTorch's order: the basic step, then the advanced step.
_M4 = np.array([True, False, True, True])
_GET_TORCH = {
    "int-and-adv": ((3, 4, 5), lambda x: x[2, :, [1, -1]], lambda x: x[2][:, [1, -1]]),
    "int-and-adv-dim0": ((2, 3, 4), lambda x: x[0, :, [1, 2]], lambda x: x[0][:, [1, 2]]),
    "adv-int-adv": ((3, 4, 5), lambda x: x[[0, 2, 2], 1, [4, 0, 4]], lambda x: x[:, 1][[0, 2, 2], [4, 0, 4]]),
    "adv-slice-int": ((3, 4, 5), lambda x: x[[0, 2, 2], 1:3, 2], lambda x: x[:, 1:3, 2][[0, 2, 2]]),
    "int-slice-adv-2d": ((3, 4, 5), lambda x: x[1, 1:, [[0], [4]]], lambda x: x[1][1:][:, [[0], [4]]]),
    "neg-int-ellipsis-adv-none": ((3, 4, 5), lambda x: x[-1, ..., [-1, 0], None],
                                  lambda x: x[-1][:, [-1, 0]][..., None]),
    "0d-tensor-and-adv": ((3, 4, 5), lambda x: x[_on(x, 1), :, [0, 1]], lambda x: x[1][:, [0, 1]]),
    "np-int-and-adv": ((3, 4, 5), lambda x: x[np.int64(-2), :, np.array([3, 3])], lambda x: x[-2][:, [3, 3]]),
    "int-mask-adv": ((3, 4, 5), lambda x: x[1, _M4, [1, 2, 3]], lambda x: x[1][[0, 2, 3], [1, 2, 3]]),
    "bool-and-adv": ((3, 4), lambda x: x[[0, 2], True], lambda x: x[:, None][[0, 2], [0]]),
    "int-and-false": ((3, 4), lambda x: x[1, False], lambda x: x[1][None][np.zeros(0, np.int64)]),
    "0d-bool-tensor": ((2, 3), lambda x: x[_on(x, True)], lambda x: x[None].copy()),
    "ellipsis-between-adv": ((5, 3, 4), lambda x: x[:, [0, 1], ..., [0, 1]], lambda x: x[:, [0, 1], [0, 1]]),
}
for name, (shape, fn, ref) in _GET_TORCH.items():
    add(f"get-{name}", fn, [Arg(shape)], ref)
# Non-contiguous inputs (autograd.gradcheck perturbs them in place, so their gradients are checked too)
add("get-noncontig", lambda x: x[::2, [1, 1]], [Arg((3, 4), noncontig=True)], lambda x: x[::2, [1, 1]])
add("get-noncontig-int-and-adv", lambda x: x[1, :, [0, 2]], [Arg((3, 4, 5), noncontig=True)],
    lambda x: x[1][:, [0, 2]])
add("get-noncontig-basic", lambda x: x[1:, ::2], [Arg((3, 4), noncontig=True)], lambda x: x[1:, ::2])
add("get-tensor-index", lambda x, i: x[i], [Arg((4, 3)), I((6,), -4, 4)], lambda x, i: x[i])
add("get-tensor-index-2d", lambda x, i: x[:, i], [Arg((2, 5)), I((2, 3), 0, 5)], lambda x, i: x[:, i])
add("get-two-tensor-indices", lambda x, i, j: x[i, j], [Arg((3, 4)), I((5,), 0, 3), I((5,), -4, 4)],
    lambda x, i, j: x[i, j])
add("get-chain", lambda x: x[1:][:, [0, 0]][0], [Arg((3, 4))], lambda x: x[1:][:, [0, 0]][0])


# ---------------------------------------------------------------------------- setitem (on a clone)
def _set_fn(idx, steps=None):
    """setitem at idx; the reference writes through x[steps[0]][steps[1]] (PyTorch's order) when steps are given."""
    def fn(x, v):
        y = x.clone()
        y[idx] = v
        return y

    def ref(x, v):
        y = x.copy()
        if steps is None:
            y[idx] = v
        else:
            y[steps[0]][steps[1]] = v
        return y

    return fn, ref


_SET = {
    "int": (1, (3, 4), (4,)),
    "slice-step": ((slice(None), slice(0, None, 2)), (3, 4), (3, 2)),
    "broadcast-row": ((slice(1, None),), (3, 4), (4,)),
    "0d-value": ((0, slice(1, 3)), (3, 4), ()),
    "mask": (_MASK, (3, 4), (2, 4)),
    "mask-broadcast": (_MASK, (3, 4), (1, 4)),
    "adv": (([0, 2], [1, 3]), (3, 4), (2,)),
    "adv-repeated": (([0, 2, 0],), (3, 4), (3, 4)),
    "adv-repeated-pairs": (([1, 1, 0, 1], [2, 2, 0, 2]), (3, 4), (4,)),
    "ellipsis-none": ((Ellipsis, None, 1), (2, 3), (2, 1)),
    "empty": ((slice(2, 2),), (3, 4), (0, 4)),
    "value-extra-lead": ((1,), (3, 4), (1, 4)),
    "0d-target": ((), (), ()),
}
for name, (idx, xs, vs) in _SET.items():
    fn, ref = _set_fn(idx)
    add(f"set-{name}", fn, [Arg(xs), Arg(vs)], ref)
_SET_TORCH = {  # the value has the shape of the result in PyTorch's order (see _GET_TORCH)
    "int-and-adv": ((2, slice(None), [1, -1]), (3, 4, 5), (4, 2), (2, (slice(None), [1, -1]))),
    "adv-int-adv-repeated": (([0, 0, 2], 1, [4, 4, 0]), (3, 4, 5), (3,), ((slice(None), 1), ([0, 0, 2], [4, 4, 0]))),
    "int-and-bool": ((1, True), (3, 4), (1, 4), ((1, None), ([0],))),
    "np-int-and-adv-broadcast": ((np.int64(0), slice(1, None), [3, 0]), (2, 3, 4), (1, 2),
                                 (0, (slice(1, None), [3, 0]))),
}
for name, (idx, xs, vs, steps) in _SET_TORCH.items():
    fn, ref = _set_fn(idx, steps)
    add(f"set-{name}", fn, [Arg(xs), Arg(vs)], ref)
_fn, _ref = _set_fn((0, slice(None), [2, 0]), (0, (slice(None), [2, 0])))
add("set-noncontig-int-and-adv", _fn, [Arg((2, 3, 4), noncontig=True), Arg((3, 2))], _ref)
add("set-number", lambda x: _set_number(x), [Arg((3, 4))], lambda x: _set_number_ref(x))


def _set_number(x):
    y = x * 1.0
    y[1:, [0, 0]] = 2.5
    return y


def _set_number_ref(x):
    y = x.copy()
    y[1:, [0, 0]] = 2.5
    return y


def _set_tensor_idx(x, v, i):
    y = x.clone()
    y[i] = v
    return y


def _set_tensor_idx_ref(x, v, i):
    y = x.copy()
    y[i] = v
    return y


add("set-tensor-index", _set_tensor_idx, [Arg((5, 2)), Arg((3, 2)), I((3,), 0, 5, values=[4, 0, 2])],
    _set_tensor_idx_ref)

# ---------------------------------------------------------------------------- gather / scatter
def _np_gather(x, d, i):
    if x.ndim == 0:
        return x.copy()
    idx = tuple(i if k == d else np.arange(n).reshape((1,) * k + (n,) + (1,) * (i.ndim - k - 1))
                for k, n in enumerate(i.shape))
    return x[idx]


def _np_scatter(x, d, i, src, op="set"):
    out = x.copy()
    idx = tuple(i if k == d else np.arange(n).reshape((1,) * k + (n,) + (1,) * (i.ndim - k - 1))
                for k, n in enumerate(i.shape))
    if not np.isscalar(src):
        src = src[tuple(slice(0, n) for n in i.shape)]
    if op == "add":
        np.add.at(out, idx, src)
    else:
        out[idx] = src
    return out


for d, xs, ishape, hi in [(1, (3, 4), (3, 5), 4), (0, (3, 4), (2, 4), 3), (-1, (2, 3, 4), (2, 3, 2), 4),
                          (1, (3, 4), (2, 2), 4), (0, (), (), 1), (0, (5,), (0,), 5)]:
    tag = f"{d}-{xs}-{ishape}"
    add(f"gather-{tag}", lambda x, i, d=d: ag.gather(x, d, i), [Arg(xs), I(ishape, 0, hi)],
        lambda x, i, d=d: _np_gather(x, d % max(x.ndim, 1), i))
    add(f"scatter_add-{tag}", lambda x, i, s, d=d: ag.scatter_add(x, d, i, s), [Arg(xs), I(ishape, 0, hi), Arg(ishape)],
        lambda x, i, s, d=d: _np_scatter(x, d % max(x.ndim, 1), i, s, "add"))
    add(f"scatter-{tag}", lambda x, i, s, d=d: ag.scatter(x, d, i, s), [Arg(xs), I(ishape, 0, hi), Arg(ishape)],
        lambda x, i, s, d=d: _np_scatter(x, d % max(x.ndim, 1), i, s))
add("gather-method-noncontig", lambda x, i: x.gather(0, i), [Arg((3, 4), noncontig=True), I((5, 4), 0, 3)],
    lambda x, i: _np_gather(x, 0, i))
add("scatter-src-larger", lambda x, i, s: ag.scatter(x, 1, i, s),
    [Arg((3, 4)), I((2, 2), 0, 4, values=[[3, 0], [1, 2]]), Arg((3, 5))], lambda x, i, s: _np_scatter(x, 1, i, s))
add("scatter-repeated", lambda x, i, s: ag.scatter(x, 0, i, s),
    [Arg((3, 2)), I((4, 2), 0, 3, values=[[0, 1], [2, 1], [0, 1], [0, 0]]), Arg((4, 2))],
    lambda x, i, s: _np_scatter(x, 0, i, s))
add("scatter-value", lambda x, i: ag.scatter(x, 1, i, value=-1.5), [Arg((3, 4)), I((3, 2), 0, 4)],
    lambda x, i: _np_scatter(x, 1, i, -1.5))
add("scatter-value-positional", lambda x, i: x.scatter(1, i, 0.25), [Arg((3, 4)), I((3, 2), 0, 4)],
    lambda x, i: _np_scatter(x, 1, i, 0.25))
add("scatter-reduce-add", lambda x, i, s: ag.scatter(x, 0, i, s, reduce="add"),
    [Arg((3, 2)), I((4, 2), 0, 3), Arg((4, 2))], lambda x, i, s: _np_scatter(x, 0, i, s, "add"))
add("scatter_add-repeated", lambda x, i, s: x.scatter_add(1, i, s),
    [Arg((2, 3)), I((2, 6), 0, 3, values=[[0, 0, 0, 1, 1, 2], [2, 2, 2, 2, 0, 0]]), Arg((2, 6))],
    lambda x, i, s: _np_scatter(x, 1, i, s, "add"))


def _inplace_scatter(x, i, s):
    y = x * 1.0
    y.scatter_(0, i, s)
    y.scatter_add_(1, _on(x, [[1], [0], [1]]), s[:, :1])
    return y


add("scatter_-inplace", _inplace_scatter, [Arg((3, 2)), I((3, 2), 0, 3, values=[[2, 0], [1, 2], [0, 1]]),
                                           Arg((3, 2))],
    lambda x, i, s: _np_scatter(_np_scatter(x, 0, i, s), 1, np.array([[1], [0], [1]]), s[:, :1], "add"))

# ---------------------------------------------------------------------------- index_select / add / copy / fill
for d, xs, ilen in [(0, (4, 3), 6), (1, (2, 5, 3), 4), (-1, (2, 3), 5), (0, (4,), 0)]:
    n = xs[d]
    tag = f"{d}-{xs}-{ilen}"
    add(f"index_select-{tag}", lambda x, i, d=d: ag.index_select(x, d, i), [Arg(xs), I((ilen,), 0, n)],
        lambda x, i, d=d: np.take(x, i, axis=d))
    sshape = list(xs)
    sshape[d] = ilen

    def _np_index_add(x, i, s, d=d, alpha=1.0):
        out = x.copy()
        np.add.at(out, (slice(None),) * (d % x.ndim) + (i,), alpha * s)
        return out

    add(f"index_add-{tag}", lambda x, i, s, d=d: ag.index_add(x, d, i, s), [Arg(xs), I((ilen,), 0, n), Arg(sshape)],
        _np_index_add)
    add(f"index_add-alpha-{tag}", lambda x, i, s, d=d: x.index_add(d, i, s, alpha=-2.0),
        [Arg(xs), I((ilen,), 0, n), Arg(sshape)], lambda x, i, s, f=_np_index_add: f(x, i, s, alpha=-2.0))
add("index_select-0d-index", lambda x, i: x.index_select(1, i), [Arg((2, 3)), I((), 0, 3)],
    lambda x, i: np.take(x, i.reshape(1), axis=1))
add("index_select-0d-input", lambda x: ag.index_select(x, 0, _on(x, [0])), [Arg(())], lambda x: x)
add("index_add-0d-input", lambda x, s: ag.index_add(x, 0, _on(x, [0]), s), [Arg(()), Arg(())],
    lambda x, s: x + s)
add("index_select-repeated-grad", lambda x: ag.index_select(x, 0, _on(x, [1, 1, 1, 0])), [Arg((3, 2))],
    lambda x: x[[1, 1, 1, 0]])


def _np_index_copy(x, d, i, s):
    out = x.copy()
    out[(slice(None),) * d + (i,)] = s
    return out


add("index_copy", lambda x, s: ag.index_copy(x, 1, _on(x, [3, 0]), s), [Arg((2, 4)), Arg((2, 2))],
    lambda x, s: _np_index_copy(x, 1, [3, 0], s))
add("index_copy_-inplace", lambda x, s: (x * 1).index_copy_(0, _on(x, [2, 1]), s), [Arg((3, 2)), Arg((2, 2))],
    lambda x, s: _np_index_copy(x, 0, [2, 1], s))
add("index_fill-number", lambda x: ag.index_fill(x, 1, _on(x, [0, 2, 2]), -3.0), [Arg((2, 4))],
    lambda x: _np_index_copy(x, 1, [0, 2, 2], -3.0))
add("index_fill-tensor", lambda x, v: x.index_fill(0, _on(x, [1]), v), [Arg((3, 2)), Arg(())],
    lambda x, v: _np_index_copy(x, 0, [1], v))
add("index_fill_-inplace", lambda x: (x + 0).index_fill_(-1, _on(x, [1]), 7.0), [Arg((3, 2))],
    lambda x: _np_index_copy(x, 1, [1], 7.0))


def _np_index_put(x, idx, v, acc):
    out = x.copy()
    if acc:
        np.add.at(out, idx, v)
    else:
        out[idx] = v
    return out


add("index_put", lambda x, i, j, v: ag.index_put(x, (i, j), v), [Arg((3, 4)), I((3,), 0, 3, values=[0, 2, 1]),
                                                                   I((3,), 0, 4, values=[3, 3, 0]), Arg((3,))],
    lambda x, i, j, v: _np_index_put(x, (i, j), v, False))
add("index_put-accumulate", lambda x, i, v: ag.index_put(x, (i,), v, accumulate=True),
    [Arg((3, 4)), I((5,), -3, 3), Arg((5, 4))], lambda x, i, v: _np_index_put(x, (i,), v, True))
add("index_put-accumulate-broadcast", lambda x, i, v: x.index_put((i,), v, accumulate=True),
    [Arg((3, 4)), I((5,), 0, 3), Arg((4,))], lambda x, i, v: _np_index_put(x, (i,), v, True))
add("index_put_-inplace", lambda x, i, v: (x * 1).index_put_((i,), v, accumulate=True),
    [Arg((3, 4)), I((5,), 0, 3), Arg((5, 4))], lambda x, i, v: _np_index_put(x, (i,), v, True))
add("index_put_zeros", lambda v: ag.index_put_zeros((4, 3), (_on(v, [0, 3, 0]),), v), [Arg((3, 3))],
    lambda v: _np_index_put(np.zeros((4, 3)), (np.array([0, 3, 0]),), v, True))

# ---------------------------------------------------------------------------- masked ops
_M34 = np.array([[True, False, False, True], [False, False, False, False], [True, True, True, False]])


def _mf(x, mask, v):
    return np.where(mask, v, x)


add("masked_fill-number", lambda x: ag.masked_fill(x, _on(x, _M34), -1.0), [Arg((3, 4))],
    lambda x: _mf(x, _M34, -1.0))
add("masked_fill-0d-tensor", lambda x, v: x.masked_fill(_on(x, _M34), v), [Arg((3, 4)), Arg(())],
    lambda x, v: _mf(x, _M34, v))
add("masked_fill-broadcast-mask", lambda x: x.masked_fill(_on(x, _M34[0]), 2.0), [Arg((3, 4))],
    lambda x: _mf(x, _M34[0], 2.0))
add("masked_fill-broadcast-input", lambda x: x.masked_fill(_on(x, _M34), 2.0), [Arg((4,))],
    lambda x: _mf(x, _M34, 2.0))
add("masked_fill-data-mask", lambda x: x.masked_fill(x > 0.5, 0.0), [Arg((3, 4))], lambda x: _mf(x, x > 0.5, 0.0))
add("masked_fill-0d", lambda x: x.masked_fill(_on(x, True), 3.0), [Arg(())], lambda x: np.float64(3.0))
add("masked_fill_-inplace", lambda x, v: (x * 1).masked_fill_(_on(x, _M34[:, :1]), v),
    [Arg((3, 4)), Arg(())], lambda x, v: _mf(x, _M34[:, :1], v))
add("masked_select", lambda x: ag.masked_select(x, _on(x, _M34)), [Arg((3, 4))], lambda x: x[_M34])
add("masked_select-broadcast-mask", lambda x: x.masked_select(_on(x, _M34[2])), [Arg((2, 4))],
    lambda x: x[np.broadcast_to(_M34[2], (2, 4))])
add("masked_select-broadcast-input", lambda x: x.masked_select(_on(x, _M34)), [Arg((3, 1))],
    lambda x: np.broadcast_to(x, (3, 4))[_M34])
add("masked_select-0d-input", lambda x: x.masked_select(_on(x, _M34[0])), [Arg(())],
    lambda x: np.broadcast_to(x, (4,))[_M34[0]])
add("masked_select-none", lambda x: x.masked_select(x > 10), [Arg((3, 4))], lambda x: x[x > 10])


def _np_masked_scatter(x, mask, s):
    out = np.broadcast_to(x, np.broadcast_shapes(x.shape, mask.shape)).copy()
    out[np.broadcast_to(mask, out.shape)] = s.ravel()[:mask.sum() * (out.size // mask.size)]
    return out


add("masked_scatter", lambda x, s: ag.masked_scatter(x, _on(x, _M34), s), [Arg((3, 4)), Arg((2, 5))],
    lambda x, s: _np_masked_scatter(x, _M34, s))
add("masked_scatter-broadcast", lambda x, s: x.masked_scatter(_on(x, _M34[0]), s), [Arg((3, 4)), Arg((6,))],
    lambda x, s: _np_masked_scatter(x, _M34[0], s))

# ---------------------------------------------------------------------------- take / take_along_dim
add("take", lambda x, i: ag.take(x, i), [Arg((3, 4)), I((2, 5), -12, 12)], lambda x, i: x.ravel()[i])
add("take-repeated", lambda x: x.take(_on(x, [0, 0, -1, 5, 0])), [Arg((2, 3))],
    lambda x: x.ravel()[[0, 0, -1, 5, 0]])
add("take-0d", lambda x: x.take(_on(x, 0)), [Arg(())], lambda x: x)
add("take-empty", lambda x: x.take(_on(x, [], dtype=ag.int64)), [Arg((2, 3))], lambda x: x.ravel()[:0])
add("take_along_dim-none", lambda x, i: ag.take_along_dim(x, i), [Arg((3, 4)), I((2, 3), 0, 12)],
    lambda x, i: x.ravel()[i.ravel()])
add("take_along_dim-1", lambda x, i: x.take_along_dim(i, dim=1), [Arg((3, 4)), I((3, 6), 0, 4)],
    lambda x, i: np.take_along_axis(x, i, 1))
add("take_along_dim-broadcast", lambda x, i: ag.take_along_dim(x, i, -1), [Arg((3, 1, 4)), I((1, 2, 3), 0, 4)],
    lambda x, i: np.take_along_axis(x, i, -1))

# ---------------------------------------------------------------------------- sort / argsort / topk / kthvalue


def _np_sort(x, d=-1, desc=False):
    idx = np.argsort(-x if desc else x, axis=d, kind="stable")
    return np.take_along_axis(x, idx, d), idx


for d, xs in [(-1, (3, 5)), (0, (4, 3)), (1, (2, 3, 4)), (0, ()), (0, (0,)), (1, (2, 0))]:
    for desc in (False, True):
        add(f"sort-{d}-{xs}-{desc}", lambda x, d=d, desc=desc: ag.sort(x, d, descending=desc), [Arg(xs)],
            (lambda x, d=d, desc=desc: _np_sort(x, d, desc)) if xs else (lambda x: (x, np.int64(0))))
add("sort-method-stable", lambda x: x.sort(stable=True), [Arg((3, 4), noncontig=True)], lambda x: _np_sort(x))
add("argsort", lambda x: ag.argsort(x, 0, descending=True), [Arg((4, 3))],
    lambda x: np.argsort(-x, axis=0), grad=False)
_TIES = [[2.0, 1.0, 2.0, 1.0, 3.0, 2.0]]
add("sort-stable-ties", lambda x: ag.sort(x, stable=True), [Arg((1, 6), values=_TIES)],
    lambda x: _np_sort(x), grad=False)
add("sort-stable-ties-desc", lambda x: ag.sort(x, descending=True, stable=True), [Arg((1, 6), values=_TIES)],
    lambda x: (np.array([[3.0, 2.0, 2.0, 2.0, 1.0, 1.0]]), np.array([[4, 0, 2, 5, 1, 3]])), grad=False)
add("argsort-stable-ties-desc", lambda x: x.argsort(descending=True, stable=True), [Arg((6,), values=_TIES[0])],
    lambda x: np.array([4, 0, 2, 5, 1, 3]), grad=False)


def _np_topk(x, k, d=-1, largest=True):
    idx = np.argsort(-x if largest else x, axis=d, kind="stable")
    idx = np.take(idx, np.arange(k), axis=d)
    return np.take_along_axis(x, idx, d), idx


for k, d, largest, xs in [(2, -1, True, (3, 5)), (3, 0, False, (4, 3)), (1, 1, True, (2, 3, 4)),
                          (5, -1, False, (2, 5)), (0, -1, True, (2, 5)), (1, 0, True, ())]:
    add(f"topk-{k}-{d}-{largest}-{xs}", lambda x, k=k, d=d, largest=largest: ag.topk(x, k, d, largest), [Arg(xs)],
        (lambda x, k=k, d=d, largest=largest: _np_topk(x, k, d, largest)) if xs else (lambda x: (x, np.int64(0))))
add("topk-method-unsorted-values", lambda x: x.topk(2, sorted=False).values.sort().values, [Arg((3, 6))],
    lambda x: np.sort(_np_topk(x, 2)[0], -1))


def _np_kth(x, k, d=-1, keepdim=False):
    idx = np.take(np.argsort(x, axis=d), [k - 1], axis=d)
    vals = np.take_along_axis(x, idx, d)
    return (vals, idx) if keepdim else (vals.squeeze(d), idx.squeeze(d))


for k, d, keep, xs in [(2, -1, False, (3, 5)), (1, 0, True, (4, 3)), (4, 1, False, (2, 4, 3)), (3, 0, False, (3,))]:
    add(f"kthvalue-{k}-{d}-{keep}-{xs}", lambda x, k=k, d=d, keep=keep: ag.kthvalue(x, k, d, keep), [Arg(xs)],
        lambda x, k=k, d=d, keep=keep: _np_kth(x, k, d, keep))

# ---------------------------------------------------------------------------- nonzero / unique / searchsorted
add("nonzero", lambda x: ag.nonzero(x > 0), [Arg((3, 4))], lambda x: np.argwhere(x > 0), grad=False)
add("nonzero-tuple", lambda x: (x > 0).nonzero(as_tuple=True), [Arg((3, 4))], lambda x: np.nonzero(x > 0),
    grad=False)
add("nonzero-0d", lambda x: ag.nonzero(x), [Arg((), values=2.0)], lambda x: np.zeros((1, 0), np.int64), grad=False)
add("nonzero-empty", lambda x: ag.nonzero(x > 10), [Arg((2, 3))], lambda x: np.zeros((0, 2), np.int64), grad=False)
add("argwhere", lambda x: ag.argwhere(x < 0), [Arg((2, 3, 2))], lambda x: np.argwhere(x < 0), grad=False)
add("unique", lambda x: ag.unique(x, return_inverse=True, return_counts=True), [I((3, 4), 0, 5)],
    lambda x: tuple(np.unique(x, return_inverse=True, return_counts=True)[k].reshape(s)
                    for k, s in ((0, -1), (1, x.shape), (2, -1))), grad=False)
add("unique-dim", lambda x: x.unique(dim=0), [I((4, 2), 0, 2, values=[[1, 0], [0, 1], [1, 0], [0, 0]])],
    lambda x: np.unique(x, axis=0), grad=False)
add("searchsorted", lambda s, v: ag.searchsorted(s, v), [Arg((5,), values=[0.0, 1, 2, 2, 3]),
                                                          Arg((2, 3), values=[[2.0, -1, 5], [0.5, 2, 3]])],
    lambda s, v: np.searchsorted(s, v), grad=False)
add("searchsorted-right", lambda s, v: ag.searchsorted(s, v, right=True),
    [Arg((5,), values=[0.0, 1, 2, 2, 3]), Arg((3,), values=[2.0, -1, 3])],
    lambda s, v: np.searchsorted(s, v, side="right"), grad=False)
add("searchsorted-batched", lambda s, v: ag.searchsorted(s, v, side="right"),
    [Arg((2, 3), values=[[0.0, 1, 2], [5, 6, 7]]), Arg((2, 2), values=[[1.0, 3], [5, 4]])],
    lambda s, v: np.array([[2, 3], [1, 0]]), grad=False)
add("bucketize", lambda v: ag.bucketize(v, _on(v, [1.0, 2.0, 3.0], dtype=ag.float64)),
    [Arg((4,), values=[0.5, 1, 2.5, 9])], lambda v: np.array([0, 0, 2, 3]), grad=False)
