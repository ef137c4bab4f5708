"""Registry cases: 3-d convolutions (conv3d-*: conv3d, conv_transpose3d) and torch.convolution (convolution-*).

The numpy references are cases_conv's direct sums over kernel offsets, which take any number of spatial dims.
Shapes stay tiny: gradgradcheck on a 3-d convolution evaluates it once per input element.
"""
import numpy as np

import autograd as ag
from tests.ops.cases_conv import ref_conv, ref_conv_transpose
from tests.ops.registry import Arg, OpCase

CASES = []


def _case(name, fn, args, ref, **kw):
    CASES.append(OpCase(name, fn, args, ref, **kw))


# ---------------------------------------------------------------------------- conv3d
_CONV3D = [
    ("basic", (1, 2, 4, 4, 4), (3, 2, 2, 2, 2), {}),
    ("batch2-k3", (2, 1, 4, 3, 4), (2, 1, 3, 2, 3), {}),
    ("stride2", (1, 2, 5, 5, 5), (2, 2, 3, 3, 3), dict(stride=2)),
    ("stride-tuple", (1, 2, 5, 4, 5), (2, 2, 2, 2, 2), dict(stride=(2, 1, 3))),
    ("padding1", (1, 1, 3, 3, 3), (2, 1, 3, 3, 3), dict(padding=1)),
    ("padding-tuple", (1, 1, 3, 4, 3), (2, 1, 2, 2, 2), dict(padding=(1, 0, 2))),
    ("same", (1, 2, 3, 3, 3), (2, 2, 3, 3, 3), dict(padding="same")),
    ("same-even", (1, 1, 4, 3, 4), (2, 1, 2, 3, 2), dict(padding="same")),
    ("same-dilated", (1, 1, 4, 4, 3), (1, 1, 2, 2, 2), dict(padding="same", dilation=(2, 1, 1))),
    ("valid", (1, 2, 3, 4, 3), (2, 2, 2, 3, 2), dict(padding="valid")),
    ("dilation", (1, 1, 5, 5, 5), (2, 1, 2, 2, 2), dict(dilation=2)),
    ("dilation-stride-pad", (1, 1, 5, 6, 5), (2, 1, 2, 2, 2), dict(dilation=(2, 1, 1), stride=2, padding=1)),
    ("groups2", (1, 4, 3, 3, 3), (4, 2, 2, 2, 2), dict(groups=2)),
    ("depthwise", (1, 2, 3, 3, 3), (2, 1, 2, 2, 2), dict(groups=2, padding=1)),
    ("groups-stride", (1, 4, 4, 5, 4), (2, 2, 2, 2, 2), dict(groups=2, stride=2, padding=1)),
    ("1x1x1", (2, 3, 2, 2, 2), (2, 3, 1, 1, 1), {}),
    ("1x1x1-stride", (1, 3, 4, 3, 5), (2, 3, 1, 1, 1), dict(stride=2)),
    ("kernel-equals-input", (1, 2, 2, 2, 2), (2, 2, 2, 2, 2), {}),
    ("many-outputs", (1, 1, 3, 4, 4), (9, 1, 2, 2, 2), dict(padding=1)),  # 8 column rows < 9: strided layout
    ("unbatched", (2, 3, 4, 3), (3, 2, 2, 2, 2), dict(padding=1)),
]
for name, xs, ws, kw in _CONV3D:
    _case(f"conv3d-{name}", lambda x, w, b, kw=kw: ag.conv3d(x, w, b, **kw),
          [Arg(xs), Arg(ws), Arg((ws[0],))], lambda x, w, b, kw=kw: ref_conv(x, w, b, **kw))
_case("conv3d-nobias", lambda x, w: ag.conv3d(x, w, padding=1, stride=2), [Arg((1, 2, 4, 3, 4)),
      Arg((3, 2, 2, 2, 2))], lambda x, w: ref_conv(x, w, padding=1, stride=2))
_case("conv3d-noncontig", lambda x, w: ag.conv3d(x, w, padding=(0, 1, 1)), [Arg((1, 2, 3, 4, 5), noncontig=True),
      Arg((2, 2, 2, 2, 2), noncontig=True)], lambda x, w: ref_conv(x, w, padding=(0, 1, 1)))
_case("conv3d-weight-only", lambda x, w: ag.conv3d(x, w), [Arg((1, 2, 3, 3, 3), requires_grad=False),
      Arg((2, 2, 2, 2, 2))], lambda x, w: ref_conv(x, w))
_case("conv3d-input-only", lambda x, w: ag.conv3d(x, w, stride=2), [Arg((1, 2, 4, 4, 4)),
      Arg((2, 2, 2, 2, 2), requires_grad=False)], lambda x, w: ref_conv(x, w, stride=2))
_case("conv3d-empty-batch", lambda x, w, b: ag.conv3d(x, w, b, padding=1), [Arg((0, 2, 3, 3, 3)),
      Arg((3, 2, 2, 2, 2)), Arg((3,))], lambda x, w, b: ref_conv(x, w, b, padding=1))
_case("conv3d-chain", lambda x, w1, w2: ag.conv3d(ag.conv3d(x, w1, padding=1).tanh(), w2, stride=2),
      [Arg((1, 1, 3, 3, 3)), Arg((2, 1, 2, 2, 2)), Arg((2, 2, 2, 2, 2))],
      lambda x, w1, w2: ref_conv(np.tanh(ref_conv(x, w1, padding=1)), w2, stride=2))

# ---------------------------------------------------------------------------- conv_transpose3d
_CONVT3D = [
    ("basic", (1, 2, 3, 3, 3), (2, 3, 2, 2, 2), {}),
    ("stride2", (2, 1, 2, 2, 2), (1, 2, 3, 3, 3), dict(stride=2)),
    ("stride-pad-outpad", (1, 2, 2, 3, 2), (2, 2, 2, 2, 2),
     dict(stride=(2, 3, 2), padding=(1, 0, 1), output_padding=(1, 2, 0))),
    ("outpad-by-dilation", (1, 1, 2, 2, 2), (1, 2, 2, 2, 2), dict(dilation=3, output_padding=(2, 0, 1))),
    ("groups-dilation", (1, 4, 2, 2, 2), (4, 1, 2, 2, 2), dict(groups=2, dilation=2)),
    ("padding-tuple", (1, 2, 3, 2, 3), (2, 1, 3, 2, 3), dict(padding=(1, 0, 2))),
    ("unbatched", (2, 2, 3, 2), (2, 2, 2, 2, 2), dict(stride=2, padding=1)),
]
for name, xs, ws, kw in _CONVT3D:
    cout = ws[1] * kw.get("groups", 1)
    _case(f"conv3d-conv_transpose3d-{name}", lambda x, w, b, kw=kw: ag.conv_transpose3d(x, w, b, **kw),
          [Arg(xs), Arg(ws), Arg((cout,))], lambda x, w, b, kw=kw: ref_conv_transpose(x, w, b, **kw))
_case("conv3d-conv_transpose3d-nobias", lambda x, w: ag.conv_transpose3d(x, w, padding=1),
      [Arg((1, 2, 2, 3, 2)), Arg((2, 2, 3, 3, 3))], lambda x, w: ref_conv_transpose(x, w, padding=1))
_case("conv3d-conv_transpose3d-noncontig", lambda x, w: ag.conv_transpose3d(x, w, stride=2),
      [Arg((1, 2, 2, 3, 2), noncontig=True), Arg((2, 1, 2, 2, 2), noncontig=True)],
      lambda x, w: ref_conv_transpose(x, w, stride=2))
_case("conv3d-conv_transpose3d-weight-only", lambda x, w: ag.conv_transpose3d(x, w, stride=2),
      [Arg((1, 2, 2, 2, 2), requires_grad=False), Arg((2, 1, 2, 2, 2))],
      lambda x, w: ref_conv_transpose(x, w, stride=2))
_case("conv3d-conv_transpose3d-empty-batch", lambda x, w: ag.conv_transpose3d(x, w),
      [Arg((0, 2, 2, 2, 2)), Arg((2, 1, 2, 2, 2))], lambda x, w: ref_conv_transpose(x, w))
_case("conv3d-conv-then-transpose", lambda x, w1, w2: ag.conv_transpose3d(ag.conv3d(x, w1, stride=2).tanh(), w2,
      stride=2), [Arg((1, 1, 4, 4, 4)), Arg((2, 1, 2, 2, 2)), Arg((2, 1, 2, 2, 2))],
      lambda x, w1, w2: ref_conv_transpose(np.tanh(ref_conv(x, w1, stride=2)), w2, stride=2))

# ---------------------------------------------------------------------------- torch.convolution
_CONVOLUTION = [  # (name, x, weight, bias size, stride, padding, dilation, transposed, output_padding, groups)
    ("1d", (2, 2, 6), (3, 2, 3), 3, [2], [1], [1], False, [0], 1),
    ("2d", (1, 4, 5, 4), (2, 2, 2, 3), 2, [1, 2], [1, 0], [2, 1], False, [0, 0], 2),
    ("3d", (1, 2, 4, 3, 4), (2, 2, 2, 2, 2), 2, [1, 1, 2], [1, 0, 1], [1], False, [0], 1),
    ("3d-output_padding-ignored", (1, 2, 3, 3, 3), (2, 2, 2, 2, 2), 2, [1], [0], [1], False, [1, 1, 1], 1),
    ("transposed-1d", (1, 2, 4), (2, 3, 3), 3, [3], [1], [1], True, [2], 1),
    ("transposed-2d", (1, 4, 3, 2), (4, 1, 2, 3), 2, [2, 1], [0, 1], [1], True, [1, 0], 2),
    ("transposed-3d", (1, 2, 2, 2, 3), (2, 2, 2, 2, 2), 2, [2], [1, 0, 1], [1, 2, 1], True, [1, 1, 0], 1),
]
for name, xs, ws, nb, s, p, d, t, op, g in _CONVOLUTION:
    def _ref(x, w, b, s=s, p=p, d=d, t=t, op=op, g=g):
        nd = w.ndim - 2
        s, p, d, op = (tuple(v) * nd if len(v) == 1 else tuple(v) for v in (s, p, d, op))
        if t:
            return ref_conv_transpose(x, w, b, stride=s, padding=p, output_padding=op, groups=g, dilation=d)
        return ref_conv(x, w, b, stride=s, padding=p, dilation=d, groups=g)
    _case(f"convolution-{name}", lambda x, w, b, s=s, p=p, d=d, t=t, op=op, g=g: ag.convolution(x, w, b, s, p, d, t, op,
          g), [Arg(xs), Arg(ws), Arg((nb,))], _ref)
_case("convolution-nobias-tuples", lambda x, w: ag.convolution(x, w, None, (2, 1, 1), (0, 1, 0), (1, 1, 1), False,
      (0, 0, 0), 1), [Arg((1, 1, 4, 3, 3)), Arg((2, 1, 2, 2, 2))],
      lambda x, w: ref_conv(x, w, stride=(2, 1, 1), padding=(0, 1, 0)))
