"""Sorting and selection by value: sort, argsort, topk, kthvalue, unique, searchsorted, bucketize."""
import collections

import numpy as np

from .. import dtypes, gradmath
from .._tensor import Tensor, _dim
from . import aliases
from .index import Gather, _gather
from .index_parse import _along, _int_index, _same_device

# ---------------------------------------------------------------------------- sort / topk / kthvalue
_sort_result = collections.namedtuple("sort", ["values", "indices"])
_topk_result = collections.namedtuple("topk", ["values", "indices"])
_kthvalue_result = collections.namedtuple("kthvalue", ["values", "indices"])


def _argsort(a, dim, descending=False, stable=False):
    m = gradmath.xp(a)
    kind = "stable" if stable else None
    if not descending:
        return m.argsort(a, axis=dim, kind=kind)
    # sort the flipped array ascending and flip back: NaN comes first and ties keep their order, as in PyTorch
    r = m.flip(m.argsort(m.flip(a, axis=dim), axis=dim, kind=kind), axis=dim)
    return (a.shape[dim] - 1) - r


def _sorting_input(input, dim, op):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a tensor, got {type(input).__name__}")
    d = _dim(dtypes.as_int(dim, op, "dim"), input.ndim, op)
    a = input.array if input.ndim else input.array.reshape(1)
    return d, a


def _indices(arr, input):
    arr = arr.astype(np.int64, copy=False)
    return Tensor._make(arr if input.ndim or arr.size != 1 else arr.reshape(()), None, 0)


def sort(input, dim=-1, descending=False, stable=False, *, axis=None):
    """(values, indices) sorted along dim (ascending unless descending); stable=True keeps ties in order."""
    if axis is not None:
        dim = aliases.dim("sort", dim, axis, -1)
    d, a = _sorting_input(input, dim, "sort")
    idx = _argsort(a, d, descending, stable).astype(np.int64, copy=False)
    values = _gather(input, d, idx if input.ndim else idx.reshape(()), accumulate=False)
    return _sort_result(values, _indices(idx, input))


def argsort(input, dim=-1, descending=False, stable=False, *, axis=None):
    """The indices that sort input along dim."""
    if axis is not None:
        dim = aliases.dim("argsort", dim, axis, -1)
    d, a = _sorting_input(input, dim, "argsort")
    return _indices(_argsort(a, d, descending, stable), input)


def _slice_dim(a, d, start, stop):
    return a[(slice(None),) * d + (slice(start, stop),)]


def topk(input, k, dim=-1, largest=True, sorted=True, *, axis=None):
    """(values, indices) of the k largest (or smallest) entries along dim."""
    if axis is not None:
        dim = aliases.dim("topk", dim, axis, -1)
    d, a = _sorting_input(input, dim, "topk")
    n = a.shape[d]
    k = dtypes.as_int(k, "topk", "k")
    if not 0 <= k <= n:
        raise RuntimeError(f"topk: k ({k}) is out of range for dim {d} with size {n} (shape {tuple(input.shape)})")
    m = gradmath.xp(a)
    if k == 0 or k == n:
        idx = _slice_dim(_argsort(a, d, descending=largest, stable=True), d, 0, k)
    else:
        part = m.argpartition(a, n - k if largest else k - 1, axis=d)
        idx = _slice_dim(part, d, n - k, n) if largest else _slice_dim(part, d, 0, k)
        if sorted:
            order = _argsort(m.take_along_axis(a, idx, axis=d), d, descending=largest)
            idx = m.take_along_axis(idx, order, axis=d)
    idx = idx.astype(np.int64, copy=False)
    values = _gather(input, d, idx if input.ndim or k != 1 else idx.reshape(()), accumulate=False)
    return _topk_result(values, _indices(idx, input))


def kthvalue(input, k, dim=-1, keepdim=False, *, axis=None, keepdims=None):
    """(values, indices) of the k-th smallest entry (k counts from 1) along dim."""
    if axis is not None or keepdims is not None:
        dim, keepdim = aliases.dims("kthvalue", dim, keepdim, axis, keepdims, -1)
    d, a = _sorting_input(input, dim, "kthvalue")
    n = a.shape[d]
    k = dtypes.as_int(k, "kthvalue", "k")
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue: k ({k}) is out of range for dim {d} with size {n} (expected 1 <= k <= {n})")
    m = gradmath.xp(a)
    idx = _slice_dim(m.argpartition(a, k - 1, axis=d), d, k - 1, k).astype(np.int64, copy=False)
    if input.ndim == 0:
        return _kthvalue_result(_gather(input, 0, idx.reshape(())), _indices(idx, input))
    index = _along(idx, d)
    if not keepdim:
        index = tuple(m.squeeze(i, axis=d) for i in index)
        idx = m.squeeze(idx, axis=d)
    return _kthvalue_result(Gather.apply(input, index, False), Tensor._make(idx, None, 0))



# ---------------------------------------------------------------------------- unique / searchsorted
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct values (sorted), with the inverse indices and counts on request; no gradient."""
    m = gradmath.xp(input.array)
    if dim is not None:
        dim = _dim(dtypes.as_int(dim, "unique", "dim"), input.ndim, "unique")
    res = m.unique(input.array, return_inverse=return_inverse, return_counts=return_counts, axis=dim)
    if not (return_inverse or return_counts):
        return Tensor._make(res, None, 0)
    out = [Tensor._make(res[0], None, 0)]
    if return_inverse:
        inv = res[1].astype(np.int64, copy=False)
        inv = inv.reshape(input.shape if dim is None else (input.shape[dim],))
        out.append(Tensor._make(inv, None, 0))
    if return_counts:
        out.append(Tensor._make(res[-1].astype(np.int64, copy=False), None, 0))
    return tuple(out)


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):
    """Indices where the values of input would be inserted into sorted_sequence (innermost dim) to keep it sorted."""
    seq = sorted_sequence
    if not isinstance(seq, Tensor):
        raise TypeError(f"searchsorted: sorted_sequence must be a tensor, got {type(seq).__name__}")
    if side is not None:
        if side not in ("left", "right"):
            raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
        if right and side == "left":
            raise RuntimeError("searchsorted: side='left' contradicts right=True")
        right = side == "right"
    scalar = not isinstance(input, Tensor)
    vals = gradmath.xp(seq.array).asarray(input) if scalar else input.array
    _same_device("searchsorted", seq, input)
    srt = None if sorter is None else _int_index(sorter, seq, "searchsorted", "sorter")
    m = gradmath.xp(seq.array)
    s = "right" if right else "left"
    dt = np.int32 if out_int32 else np.int64
    if seq.ndim <= 1:
        out = m.searchsorted(seq.array, vals, side=s, sorter=srt)
        return Tensor._make(m.asarray(out).astype(dt), None, 0)
    if vals.shape[:-1] != seq.shape[:-1]:
        raise RuntimeError(f"searchsorted: the leading dims of sorted_sequence {tuple(seq.shape)} and input "
                           f"{tuple(vals.shape)} must match (all but the last)")
    rows_s = seq.array.reshape(-1, seq.shape[-1])
    rows_v = vals.reshape(-1, vals.shape[-1])
    rows_o = None if srt is None else srt.reshape(-1, srt.shape[-1])
    out = m.stack([m.searchsorted(rows_s[i], rows_v[i], side=s, sorter=None if rows_o is None else rows_o[i])
                   for i in range(rows_s.shape[0])]) if rows_s.shape[0] else m.zeros(rows_v.shape, dt)
    return Tensor._make(out.reshape(vals.shape).astype(dt), None, 0)


def bucketize(input, boundaries, *, out_int32=False, right=False):
    """The bucket (index into the 1-d sorted boundaries) of each value of input."""
    if not isinstance(boundaries, Tensor) or boundaries.ndim != 1:
        raise ValueError("bucketize: boundaries must be a 1-d tensor")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


__all__ = ["sort", "argsort", "topk", "kthvalue", "unique", "searchsorted", "bucketize"]
METHODS = {n: globals()[n] for n in __all__ if n not in ("searchsorted", "bucketize")}
