"""Registry cases: embedding_bag (embedding_bag-*), gradients w.r.t. weight and per_sample_weights."""
import numpy as np

import nn.functional as F
from tests.ops.registry import Arg, OpCase

# The numpy reference walks the bags one by one; the indices and offsets are integer tensor arguments so that the GPU-
# backend check moves them with the weight.

CASES = []


def ref_embedding_bag(idx, w, offsets=None, mode="mean", psw=None, include_last_offset=False, padding_idx=None):
    """A bag-by-bag numpy embedding_bag."""
    if idx.ndim == 2:
        bags = [(idx[b], None if psw is None else psw[b]) for b in range(idx.shape[0])]
    else:
        ends = list(offsets[1:]) if include_last_offset else list(offsets[1:]) + [idx.size]
        starts = offsets[:-1] if include_last_offset else offsets
        bags = [(idx[s:e], None if psw is None else psw[s:e]) for s, e in zip(starts, ends)]
    out = np.zeros((len(bags), w.shape[1]), dtype=w.dtype)
    for b, (ix, p) in enumerate(bags):
        keep = ix != padding_idx if padding_idx is not None else np.ones(ix.shape, bool)
        rows = w[ix[keep]]
        if p is not None:
            rows = rows * p[keep][:, None]
        if rows.shape[0]:
            out[b] = {"sum": rows.sum(0), "mean": rows.mean(0), "max": rows.max(0)}[mode]
    return out


def _ints(values):
    return Arg((len(values),), dtype="int64", values=values, requires_grad=False)


_IDX = [1, 2, 2, 0, 4, 2, 3]
_OFFS = [0, 2, 2, 5]  # bags [1 2] [] [2 0 4] [2 3]
_W = Arg((5, 3))
for mode in ("sum", "mean", "max"):
    for pad in (None, 2):
        tag = f"{mode}" + ("-padding" if pad is not None else "")
        CASES.append(OpCase(f"embedding_bag-{tag}",
                            lambda i, w, o, mode=mode, pad=pad: F.embedding_bag(i, w, o, mode=mode, padding_idx=pad),
                            [_ints(_IDX), _W, _ints(_OFFS)],
                            lambda i, w, o, mode=mode, pad=pad: ref_embedding_bag(i, w, o, mode, padding_idx=pad)))
    CASES.append(OpCase(f"embedding_bag-2d-{mode}", lambda i, w, mode=mode: F.embedding_bag(i, w, mode=mode),
                        [Arg((3, 2), 0, 5, dtype="int64", requires_grad=False), _W],
                        lambda i, w, mode=mode: ref_embedding_bag(i, w, mode=mode)))
    CASES.append(OpCase(f"embedding_bag-last-offset-{mode}",
                        lambda i, w, o, mode=mode: F.embedding_bag(i, w, o, mode=mode, include_last_offset=True),
                        [_ints(_IDX), _W, _ints(_OFFS + [7])],
                        lambda i, w, o, mode=mode: ref_embedding_bag(i, w, o, mode, include_last_offset=True)))
CASES.append(OpCase("embedding_bag-per-sample-weights",
                    lambda i, w, o, p: F.embedding_bag(i, w, o, mode="sum", per_sample_weights=p),
                    [_ints(_IDX), _W, _ints(_OFFS), Arg((7,))],
                    lambda i, w, o, p: ref_embedding_bag(i, w, o, "sum", psw=p)))
CASES.append(OpCase("embedding_bag-per-sample-weights-padding",
                    lambda i, w, o, p: F.embedding_bag(i, w, o, mode="sum", per_sample_weights=p, padding_idx=0),
                    [_ints(_IDX), _W, _ints(_OFFS), Arg((7,))],
                    lambda i, w, o, p: ref_embedding_bag(i, w, o, "sum", psw=p, padding_idx=0)))
CASES.append(OpCase("embedding_bag-per-sample-weights-2d",
                    lambda i, w, p: F.embedding_bag(i, w, mode="sum", per_sample_weights=p) ** 2,
                    [Arg((2, 3), 0, 5, dtype="int64", requires_grad=False), _W, Arg((2, 3))],
                    lambda i, w, p: ref_embedding_bag(i, w, mode="sum", psw=p) ** 2))
CASES.append(OpCase("embedding_bag-per-sample-weights-only",
                    lambda i, w, o, p: F.embedding_bag(i, w, o, mode="sum", per_sample_weights=p),
                    [_ints(_IDX), Arg((5, 3), requires_grad=False), _ints(_OFFS), Arg((7,))],
                    lambda i, w, o, p: ref_embedding_bag(i, w, o, "sum", psw=p)))
CASES.append(OpCase("embedding_bag-mean-squared", lambda i, w, o: F.embedding_bag(i, w, o) ** 2,
                    [_ints(_IDX), _W, _ints(_OFFS)], lambda i, w, o: ref_embedding_bag(i, w, o) ** 2))
CASES.append(OpCase("embedding_bag-scale-grad-by-freq",
                    lambda i, w, o: F.embedding_bag(i, w, o, mode="sum", scale_grad_by_freq=True) ** 2,
                    [_ints(_IDX), _W, _ints(_OFFS)], lambda i, w, o: ref_embedding_bag(i, w, o, "sum") ** 2,
                    grad=False))
