"""Registry cases: meshgrid, rot90, tensor_split and friends, block_diag, repeat_interleave, as_strided, unfold,
scatter_reduce, index_reduce, the scatters of views, put and the *_copy functions."""
import numpy as np

import autograd as ag
from tests.ops.registry import Arg, OpCase

CASES = []


def _add(name, fn, args, ref, **kw):
    CASES.append(OpCase(f"shapex-{name}", fn, args, ref, **kw))


def _idx(values):
    return Arg((len(values),) if np.ndim(values) == 1 else np.shape(values), values=values, dtype="int64",
               requires_grad=False)


def _scatter_reduce_ref(x, dim, index, src, reduce, include_self):
    """scatter_reduce by its definition: each position reduces its old value (or not) with what lands on it."""
    out, hits = x.copy(), {}
    for pos in np.ndindex(index.shape):
        target = list(pos)
        target[dim] = index[pos]
        hits.setdefault(tuple(target), []).append(src[pos])
    fn = {"sum": np.sum, "prod": np.prod, "mean": np.mean, "amax": np.max, "amin": np.min}[reduce]
    for target, values in hits.items():
        out[target] = fn(values + [x[target]] if include_self else values)
    return out


# ---------------------------------------------------------------------------- grids and products
_add("meshgrid-ij", lambda a, b: ag.meshgrid(a, b, indexing="ij"), [Arg((3,)), Arg((4,))],
     lambda a, b: np.meshgrid(a, b, indexing="ij"))
_add("meshgrid-xy3", lambda a, b, c: ag.meshgrid([a, b, c], indexing="xy"), [Arg((3,)), Arg((2,)), Arg(())],
     lambda a, b, c: np.meshgrid(a, b, c, indexing="xy"))
_add("cartesian_prod", ag.cartesian_prod, [Arg((3,)), Arg((2,))],
     lambda a, b: np.array([[x, y] for x in a for y in b]))
_add("cartesian_prod-one", ag.cartesian_prod, [Arg((3,))], lambda a: a)
_add("combinations", lambda a: ag.combinations(a, 3), [Arg((5,))],
     lambda a: np.array([[a[i], a[j], a[k]] for i in range(5) for j in range(i + 1, 5) for k in range(j + 1, 5)]))
_add("combinations-replacement", lambda a: ag.combinations(a, with_replacement=True), [Arg((3,))],
     lambda a: np.array([[a[i], a[j]] for i in range(3) for j in range(i, 3)]))
_add("block_diag", ag.block_diag, [Arg((2, 3)), Arg(()), Arg((2,))],
     lambda a, b, c: np.block([[a, np.zeros((2, 3))], [np.zeros((1, 3)), b, np.zeros((1, 2))],
                               [np.zeros((1, 4)), c]]))
_add("column_stack", lambda a, b, c: ag.column_stack([a, b, c]), [Arg((3,)), Arg((3, 2), noncontig=True), Arg((3,))],
     lambda a, b, c: np.column_stack([a, b, c]))
_add("row_stack", lambda a, b: ag.row_stack((a, b)), [Arg((3,)), Arg((2, 3))], lambda a, b: np.vstack([a, b]))

# ---------------------------------------------------------------------------- rotations, diagonals, select
for _k in (-1, 1, 2, 3):
    _add(f"rot90-k{_k}", lambda a, k=_k: ag.rot90(a, k, (1, 2)), [Arg((2, 3, 4))],
         lambda a, k=_k: np.rot90(a, k, (1, 2)))
_add("rot90-method-negdims", lambda a: a.rot90(1, [-1, 0]), [Arg((3, 4), noncontig=True)],
     lambda a: np.rot90(a, 1, (-1, 0)))
_add("diagflat", lambda a: ag.diagflat(a, -1), [Arg((2, 2))], lambda a: np.diagflat(a, -1))
_add("diagflat-method", lambda a: a.diagflat(2), [Arg((3,))], lambda a: np.diagflat(a, 2))
_add("select", lambda a: a.select(1, -1), [Arg((2, 3, 4))], lambda a: a[:, -1])
_add("select-fn", lambda a: ag.select(a, 0, 1), [Arg((3, 2), noncontig=True)], lambda a: a[1])

# ---------------------------------------------------------------------------- splits
_add("tensor_split-sections", lambda a: ag.tensor_split(a, 3, 1), [Arg((2, 5))],
     lambda a: np.array_split(a, 3, 1))
_add("tensor_split-indices", lambda a: a.tensor_split([1, 3], dim=1), [Arg((2, 5))], lambda a: np.split(a, [1, 3], 1))
_add("tensor_split-unordered", lambda a: ag.tensor_split(a, [3, 1, -1, 9]), [Arg((5, 2))],
     lambda a: [a[0:3], a[3:1], a[1:4], a[4:9], a[9:]])
_add("tensor_split-tensor", lambda a, i: a.tensor_split(i), [Arg((4, 2)), _idx([1, 2])],
     lambda a, i: np.split(a, [1, 2]))
_add("hsplit", lambda a: ag.hsplit(a, 2), [Arg((2, 4))], lambda a: np.hsplit(a, 2))
_add("hsplit-1d", lambda a: a.hsplit([1]), [Arg((4,))], lambda a: np.hsplit(a, [1]))
_add("vsplit", lambda a: ag.vsplit(a, [1, 3]), [Arg((4, 2))], lambda a: np.vsplit(a, [1, 3]))
_add("dsplit", lambda a: a.dsplit(2), [Arg((1, 2, 4))], lambda a: np.dsplit(a, 2))
_add("split_with_sizes", lambda a: a.split_with_sizes([1, 0, 3], 1), [Arg((2, 4))],
     lambda a: np.split(a, [1, 1], 1))
_add("unsafe_split", lambda a: ag.unsafe_split(a, 2), [Arg((5, 2))], lambda a: np.split(a, [2, 4]))
_add("unsafe_chunk", lambda a: a.unsafe_chunk(2, 1), [Arg((2, 4))], lambda a: np.split(a, 2, 1))
_add("unsafe_split_with_sizes", lambda a: ag.unsafe_split_with_sizes(a, [2, 1]), [Arg((3,))],
     lambda a: np.split(a, [2]))

# ---------------------------------------------------------------------------- repeat_interleave / unravel_index
_add("repeat_interleave-int", lambda a: a.repeat_interleave(2, 1), [Arg((2, 3))], lambda a: np.repeat(a, 2, 1))
_add("repeat_interleave-flat", lambda a: ag.repeat_interleave(a, 3), [Arg((2, 2), noncontig=True)],
     lambda a: np.repeat(a, 3))
_add("repeat_interleave-tensor", lambda a, r: a.repeat_interleave(r, 0), [Arg((3, 2)), _idx([1, 0, 3])],
     lambda a, r: np.repeat(a, r, 0))
_add("repeat_interleave-counts", ag.repeat_interleave, [_idx([1, 2, 0, 3])], lambda r: np.repeat(np.arange(4), r),
     grad=False)
_add("unravel_index", lambda i: ag.unravel_index(i, (2, 4)), [_idx([5, 7, 0, 3])],
     lambda i: np.unravel_index(i, (2, 4)), grad=False)

# ---------------------------------------------------------------------------- strided views
_add("as_strided", lambda a: a.as_strided((3, 3), (1, 2), 1), [Arg((9,))],
     lambda a: np.lib.stride_tricks.as_strided(a[1:], (3, 3), (8, 16)))
_add("as_strided-overlap", lambda a: ag.as_strided(a, (2, 3), (1, 1)), [Arg((2, 3))],
     lambda a: np.lib.stride_tricks.as_strided(a, (2, 3), (8, 8)))
_add("as_strided-of-view", lambda a: ag.as_strided(a[1:], (2, 2), (2, 1)), [Arg((7,))],
     lambda a: np.lib.stride_tricks.as_strided(a[1:], (2, 2), (16, 8)))
_add("unfold", lambda a: a.unfold(1, 2, 1), [Arg((2, 5))],
     lambda a: np.lib.stride_tricks.sliding_window_view(a, 2, 1))
_add("unfold-step", lambda a: a.unfold(0, 3, 2), [Arg((7, 2), noncontig=True)],
     lambda a: np.moveaxis(np.lib.stride_tricks.sliding_window_view(a, 3, 0)[::2], 1, 1))
_add("unfold-0d", lambda a: a.unfold(0, 1, 1), [Arg(())], lambda a: a.reshape(1))

# ---------------------------------------------------------------------------- scatter_reduce / index_reduce
_SCATTER_INDEX = [[0, 1, 0], [1, 2, 1]]
for _red in ("sum", "prod", "mean", "amax", "amin"):
    for _inc in (True, False):
        _add(f"scatter_reduce-{_red}-{'self' if _inc else 'noself'}",
             lambda x, i, s, r=_red, inc=_inc: x.scatter_reduce(1, i, s, r, include_self=inc),
             [Arg((2, 3)), _idx(_SCATTER_INDEX), Arg((2, 3), 0.5, 2.0)],
             lambda x, i, s, r=_red, inc=_inc: _scatter_reduce_ref(x, 1, i, s, r, inc))
_add("scatter_reduce-prod-zeros", lambda x, i, s: ag.scatter_reduce(x, 0, i, s, "prod"),
     [Arg((3,), values=[0.0, 1.5, 2.0]), _idx([0, 1, 1, 2]), Arg((4,), values=[0.7, 0.0, 1.3, 0.0])],
     lambda x, i, s: _scatter_reduce_ref(x, 0, i, s, "prod", True))
for _red in ("prod", "mean", "amax", "amin"):
    _add(f"index_reduce-{_red}", lambda x, i, s, r=_red: x.index_reduce(0, i, s, r),
         [Arg((3, 2)), _idx([0, 2, 0]), Arg((3, 2), 0.5, 2.0)],
         lambda x, i, s, r=_red: _scatter_reduce_ref(x, 0, np.array([[0, 0], [2, 2], [0, 0]]), s, r, True))
_add("index_reduce-noself", lambda x, i, s: ag.index_reduce(x, 1, i, s, "mean", include_self=False),
     [Arg((2, 3)), _idx([1, 1]), Arg((2, 2))], lambda x, i, s: _scatter_reduce_ref(x, 1, np.array([[1, 1], [1, 1]]), s, "mean", False))

# ---------------------------------------------------------------------------- scatters of views, put
def _written(x, key, s):
    out = x.copy()
    out[key] = s
    return out


_add("select_scatter", lambda x, s: ag.select_scatter(x, s, 1, 0), [Arg((2, 3)), Arg((2,))],
     lambda x, s: _written(x, (slice(None), 0), s))
_add("slice_scatter", lambda x, s: x.slice_scatter(s, 1, 1, None, 2), [Arg((2, 5)), Arg((2, 2))],
     lambda x, s: _written(x, (slice(None), slice(1, None, 2)), s))
_add("slice_scatter-default", lambda x, s: ag.slice_scatter(x, s), [Arg((2, 3)), Arg((2, 3))], lambda x, s: s)
_add("diagonal_scatter", lambda x, s: ag.diagonal_scatter(x, s, 1), [Arg((3, 4)), Arg((3,))],
     lambda x, s: _written(x, (np.arange(3), np.arange(1, 4)), s))
_add("diagonal_scatter-dims", lambda x, s: x.diagonal_scatter(s, 0, 2, 0), [Arg((2, 3, 2)), Arg((3, 2))],
     lambda x, s: _written(x, (np.arange(2), slice(None), np.arange(2)), s.T))
_add("as_strided_scatter", lambda x, s: ag.as_strided_scatter(x, s, (2,), (2,), 1), [Arg((2, 3)), Arg((2,))],
     lambda x, s: _written(x.reshape(-1), [1, 3], s).reshape(2, 3))
_add("as_strided_scatter-noncontig", lambda x, s: x.as_strided_scatter(s, (2, 2), (1, 2)),
     [Arg((3, 2), noncontig=True), Arg((2, 2))],
     lambda x, s: _written(x.T.reshape(-1), [0, 2, 1, 3], s.reshape(-1)).reshape(2, 3).T)
_add("put", lambda x, i, s: x.put(i, s), [Arg((2, 3)), _idx([0, -1, 2]), Arg((3,))],
     lambda x, i, s: _written(x.reshape(-1), [0, -1, 2], s).reshape(2, 3))
_add("put-accumulate", lambda x, i, s: ag.put(x, i, s, True), [Arg((2, 3)), _idx([[0, 0], [2, 5]]), Arg((2, 2))],
     lambda x, i, s: (x.reshape(-1) + np.bincount([0, 0, 2, 5], s.reshape(-1), 6)).reshape(2, 3))
_add("nonzero_static", lambda x: ag.nonzero_static(x, size=4), [Arg((5,), values=[0, 1, 2, 0, 3], dtype="int64")],
     lambda x: np.array([[1], [2], [4], [-1]]), grad=False)

# ---------------------------------------------------------------------------- *_copy
for _name, _args, _ref in [("permute_copy", ((1, 0),), lambda a: a.T), ("t_copy", (), lambda a: a.T),
                           ("transpose_copy", (0, 1), lambda a: a.T), ("narrow_copy", (1, 0, 2), lambda a: a[:, :2]),
                           ("diagonal_copy", (), np.diagonal), ("select_copy", (0, 1), lambda a: a[1]),
                           ("slice_copy", (1, 0, 3, 2), lambda a: a[:, 0:3:2]),
                           ("split_copy", (1, 1), lambda a: np.split(a, 3, 1)), ("unbind_copy", (), list),
                           ("unsqueeze_copy", (0,), lambda a: a[None]), ("squeeze_copy", (), lambda a: a),
                           ("view_copy", ((6,),), lambda a: a.reshape(6)),
                           ("expand_copy", ((2, 2, 3),), lambda a: np.broadcast_to(a, (2, 2, 3))),
                           ("unfold_copy", (1, 2, 1), lambda a: np.lib.stride_tricks.sliding_window_view(a, 2, 1)),
                           ("alias_copy", (), lambda a: a), ("split_with_sizes_copy", ([1, 2], 1),
                                                             lambda a: np.split(a, [1], 1)),
                           ("as_strided_copy", ((2, 2), (1, 2)), lambda a: np.array([[a.flat[0], a.flat[2]],
                                                                                      [a.flat[1], a.flat[3]]]))]:
    _add(_name, lambda a, n=_name, args=_args: getattr(ag, n)(a, *args), [Arg((2, 3))], _ref)
_add("detach_copy", ag.detach_copy, [Arg((2, 3))], lambda a: a, grad=False)
_add("narrow_copy-method", lambda a: a.narrow_copy(0, 1, 1), [Arg((3, 2))], lambda a: a[1:2])
