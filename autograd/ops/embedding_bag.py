"""embedding_bag: the sum, mean or max of each bag of embedding rows, as segment reductions over all bags at once."""
from .. import backend, dtypes
from .._tensor import Tensor
from ..creation import tensor
from ..grad_mode import no_grad
from .index import index_put_zeros, index_select
from .scatters import _reduce_at
from .sparse import Embedding, _renorm_rows

_MODES = ("sum", "mean", "max")


def _indices(x, weight, what):
    """The raw integer array of an index argument (a Tensor or a list), on weight's device."""
    a = x.array if isinstance(x, Tensor) else None
    if a is None:
        a = tensor(x, device=weight.device).array
    if a.dtype not in dtypes.INTEGERS:
        raise RuntimeError(f"embedding_bag: {what} must be an integer tensor (int64 or int32), got dtype {a.dtype}; "
                           "convert with .long()")
    if backend.device_of(a) != weight.device:
        raise RuntimeError(f"embedding_bag: {what} is on {backend.device_of(a)} but weight is on {weight.device}; "
                           "move it with .to(device) first")
    return a


def _check_weight(weight, per_sample_weights, mode, scale_grad_by_freq, sparse):
    if not isinstance(weight, Tensor):
        raise TypeError(f"embedding_bag: weight must be a tensor, got {type(weight).__name__}")
    if weight.ndim != 2:
        raise ValueError(f"embedding_bag: weight has to be a 2D Tensor (num_embeddings, embedding_dim), but got "
                         f"shape {tuple(weight.shape)}")
    if weight.dtype not in dtypes.FLOATS:
        raise RuntimeError(f"embedding_bag: weight must be floating point, got dtype {weight.dtype}")
    if mode not in _MODES:
        raise ValueError(f"embedding_bag: mode has to be one of sum, mean or max, got {mode!r}")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("embedding_bag: max mode does not support scaling the gradient by the frequency "
                         "(scale_grad_by_freq=True); use mode='sum' or 'mean'")
    if mode == "max" and sparse:
        raise ValueError("embedding_bag: max mode does not support sparse weights (sparse=True)")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights is only supported for mode='sum' (got "
                                  f"mode={mode!r}); multiply the rows yourself or use mode='sum'")


def _check_psw(psw, idx, weight):
    if not isinstance(psw, Tensor):
        raise TypeError(f"embedding_bag: per_sample_weights must be a tensor, got {type(psw).__name__}")
    if tuple(psw.shape) != idx.shape:
        raise ValueError(f"embedding_bag: per_sample_weights of shape {tuple(psw.shape)} must have the same shape "
                         f"as the input {idx.shape}")
    if psw.dtype != weight.dtype:
        raise RuntimeError(f"embedding_bag: per_sample_weights has dtype {psw.dtype} but weight has dtype "
                           f"{weight.dtype}; they must match (convert with .to(weight.dtype))")
    if psw.device != weight.device:
        raise RuntimeError(f"embedding_bag: per_sample_weights is on {psw.device} but weight is on {weight.device}; "
                           "move it with .to(device) first")


def _bags(idx, offsets, include_last_offset, weight):
    """(flat indices, start offsets of the bags, end of the last bag) from a 1-D input + offsets or a 2-D input."""
    xp = backend.array_module(idx)
    if idx.ndim == 2:
        if offsets is not None:
            raise ValueError("embedding_bag: if input is 2D, then offsets has to be None, as input is treated as a "
                             f"mini-batch of fixed length sequences; got offsets with input of shape {idx.shape}")
        b, n = idx.shape
        return idx.reshape(-1), xp.arange(b, dtype=dtypes.int64) * n, b * n
    if idx.ndim != 1:
        raise ValueError(f"embedding_bag: input has to be 1D or 2D Tensor, but got shape {idx.shape}")
    if offsets is None:
        raise ValueError("embedding_bag: offsets has to be a 1D Tensor when input is 1D, but got None")
    offs = _indices(offsets, weight, "offsets")
    if offs.ndim != 1:
        raise ValueError(f"embedding_bag: offsets has to be a 1D Tensor, but got shape {offs.shape}")
    if include_last_offset and offs.size < 1:
        raise RuntimeError("embedding_bag: include_last_offset=True needs at least 1 offset (the end of the last bag)")
    offs = offs.astype(dtypes.int64, copy=False)
    if offs.size:
        first, last = int(offs[0]), int(offs[-1])
        if first != 0:
            raise RuntimeError(f"embedding_bag: offsets[0] has to be 0 (the first bag starts at position 0), but "
                               f"got {first}")
        if last > idx.size:
            raise RuntimeError(f"embedding_bag: offsets[-1] can not be greater than input's length {idx.size}, but "
                               f"got {last}")
        if bool((offs[1:] < offs[:-1]).any()):
            raise RuntimeError(f"embedding_bag: offsets must be non-decreasing, got {offs.tolist()}")
    if include_last_offset:
        return idx, offs[:-1], int(offs[-1]) if offs.size > 1 else 0
    return idx, offs, idx.size if offs.size else 0


def _first_max(rows, bag, shape):
    """A bool mask of rows: True at the first position of each bag's maximum, per column (one winner each)."""
    xp = backend.array_module(rows)
    best = xp.full(shape, -xp.inf, dtype=rows.dtype)
    _reduce_at("maximum", best, (bag,), rows)
    pos = xp.broadcast_to(xp.arange(rows.shape[0], dtype=dtypes.int64)[:, None], rows.shape)
    cand = xp.where(rows == best[bag], pos, rows.shape[0])
    first = xp.full(shape, rows.shape[0], dtype=dtypes.int64)
    _reduce_at("minimum", first, (bag,), cand)
    return pos == first[bag]


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """The sum, mean or max of the rows of weight in each bag of indices: output (num_bags, embedding_dim).

    A 2-D input (B, N) holds B bags of N indices; a 1-D input is cut into bags at `offsets` (their starts, plus the
    end of the last bag when include_last_offset=True). Empty bags give zeros. per_sample_weights (input's shape,
    mode='sum' only) scale each row first. Indices equal to padding_idx are left out of their bag (and of a mean's
    count) and give no gradient. max_norm renormalizes the looked-up rows of weight in place; scale_grad_by_freq
    divides each row's gradient by its count in the input. sparse=True gives the same (dense) gradient, as
    embedding does: tapegrad has no sparse tensors.
    """
    _check_weight(weight, per_sample_weights, mode, scale_grad_by_freq, sparse)
    idx = _indices(input, weight, "input")
    if per_sample_weights is not None:
        _check_psw(per_sample_weights, idx, weight)
    flat, starts, end = _bags(idx, offsets, include_last_offset, weight)
    n, dim = weight.shape
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise RuntimeError(f"embedding_bag: padding_idx must be within the number of embeddings, {-n} through "
                               f"{n - 1}, but got {padding_idx}")
        padding_idx %= n
    if flat.size and backend.bad_now((flat < 0) | (flat >= n), RuntimeError,
                                     f"embedding_bag: an index is out of the valid range [0, {n}) of weight's rows"):
        bad = int(((flat < 0) | (flat >= n)).argmax())
        raise RuntimeError(f"embedding_bag: index {bad} of input takes value {int(flat[bad])}, which is not in the "
                           f"valid range [0, {n}) of weight of shape {tuple(weight.shape)}")
    if max_norm is not None:
        with no_grad():
            _renorm_rows(weight, flat, max_norm, norm_type)
    xp = backend.array_module(flat)
    pos = xp.arange(flat.size, dtype=dtypes.int64)
    bag = xp.searchsorted(starts, pos, side="right") - 1  # the bag of each position (empty bags own none)
    psw = None if per_sample_weights is None else per_sample_weights.reshape(-1)
    keep = pos < end
    if padding_idx is not None:
        keep &= flat != padding_idx
    if end < flat.size or padding_idx is not None:
        sel = xp.nonzero(keep)[0]
        flat, bag = flat[sel], bag[sel]
        if psw is not None:
            psw = index_select(psw, 0, Tensor._make(sel, None, 0))
    rows = Embedding.apply(weight, flat, None, bool(scale_grad_by_freq))
    shape = (starts.size, dim)
    if psw is not None:
        rows = rows * psw.unsqueeze(1)
    if mode == "max":
        rows = rows.where(Tensor._make(_first_max(rows.array, bag, shape), None, 0), 0.0)
    out = index_put_zeros(shape, (bag,), rows)
    if mode == "mean":
        count = xp.maximum(xp.bincount(bag, minlength=starts.size), 1).astype(weight.dtype)
        out = out / Tensor._make(count[:, None], None, 0)
    return out


__all__ = ["embedding_bag"]
METHODS = {}
