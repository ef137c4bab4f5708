"""Registry cases: F.pad in every mode and rank PyTorch allows, and constant_pad_nd."""
import numpy as np

import autograd as ag
from autograd.ops import padding as P
from tests.ops.registry import Arg, OpCase

CASES = []
_NP_MODE = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _ref(pad, mode, value=0.0):
    """np.pad with F.pad's (last dim first) widths; the numpy name of the mode."""
    def ref(x):
        widths = [(0, 0)] * x.ndim
        for i in range(len(pad) // 2):
            widths[x.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
        if mode == "constant":
            return np.pad(x, widths, constant_values=value)
        return np.pad(x, widths, mode=_NP_MODE[mode])
    return ref


for _mode in ("reflect", "replicate", "circular"):
    for _shape, _pad in (((3, 4), (1, 2)), ((2, 3, 4), (2, 1)), ((2, 3, 4), (1, 2, 2, 1)),
                         ((1, 2, 3, 4), (1, 1, 2, 0)), ((1, 2, 3, 4, 3), (1, 2, 0, 1, 2, 1)),
                         ((2, 3, 4, 3), (2, 1, 1, 0, 1, 2))):
        CASES.append(OpCase(f"nnextra-pad-{_mode}-{_shape}-{_pad}", lambda x, p=_pad, m=_mode: P.pad(x, p, m),
                            [Arg(_shape)], _ref(_pad, _mode)))
    CASES.append(OpCase(f"nnextra-pad-{_mode}-noncontig", lambda x, m=_mode: P.pad(x, (1, 1, 1, 1), m),
                        [Arg((2, 4, 3), noncontig=True)], _ref((1, 1, 1, 1), _mode)))
CASES += [
    OpCase("nnextra-pad-constant-5d", lambda x: P.pad(x, (1, 0, 0, 2, 1, 1, 0, 1, 2, 0), value=1.5),
           [Arg((2, 1, 2, 3, 2))], _ref((1, 0, 0, 2, 1, 1, 0, 1, 2, 0), "constant", 1.5)),
    OpCase("nnextra-pad-constant-1d", lambda x: P.pad(x, (2, 3)), [Arg((4,))], _ref((2, 3), "constant")),
    OpCase("nnextra-pad-constant-empty", lambda x: P.pad(x, (1, 1)), [Arg((0, 2))], _ref((1, 1), "constant")),
    OpCase("nnextra-constant_pad_nd", lambda x: ag.constant_pad_nd(x, (1, 2, 0, 1), 2.0), [Arg((2, 3, 4))],
           _ref((1, 2, 0, 1), "constant", 2.0)),
    OpCase("nnextra-constant_pad_nd-0d-pad", lambda x: ag.constant_pad_nd(x, ()), [Arg(())], lambda x: x.copy()),
]


def _shuffle_ref(groups):
    def ref(x):
        n, c = x.shape[:2]
        return x.reshape((n, groups, c // groups) + x.shape[2:]).swapaxes(1, 2).reshape(x.shape)
    return ref


CASES += [
    OpCase("nnextra-channel_shuffle-(2, 6, 3)-g3", lambda x: ag.channel_shuffle(x, 3), [Arg((2, 6, 3))],
           _shuffle_ref(3)),
    OpCase("nnextra-channel_shuffle-(1, 4, 2, 3)-g2", lambda x: ag.channel_shuffle(x, 2), [Arg((1, 4, 2, 3))],
           _shuffle_ref(2)),
    OpCase("nnextra-channel_shuffle-noncontig", lambda x: ag.native_channel_shuffle(x.unsqueeze(-1), 2),
           [Arg((4, 2), noncontig=True)], lambda x: _shuffle_ref(2)(x[..., None])),
    OpCase("nnextra-feature_dropout-eval", lambda x: ag.feature_dropout(x, 0.5, False), [Arg((2, 3, 4))],
           lambda x: x),
]
