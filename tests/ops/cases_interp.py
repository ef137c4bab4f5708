"""Registry cases: bicubic and antialiased (bilinear, bicubic, lanczos) interpolate against per-pixel numpy loops."""
import math

import numpy as np

import autograd as ag

from .registry import Arg, OpCase


def _cubic(x, a):
    x = abs(x)
    if x <= 1:
        return ((a + 2) * x - (a + 3)) * x * x + 1
    if x < 2:
        return a * x ** 3 - 5 * a * x ** 2 + 8 * a * x - 4 * a
    return 0.0


def _lanczos(x):
    x = abs(x)
    if x == 0:
        return 1.0
    return 3 * math.sin(math.pi * x) * math.sin(math.pi * x / 3) / (math.pi * x) ** 2 if x < 3 else 0.0


def _axis_weights(n, out, align_corners, mode, antialias):
    """(out, n) weights, one output sample at a time: the definitions written out plainly."""
    w = np.zeros((out, n))
    scale = (n - 1) / (out - 1) if align_corners and out > 1 else (0.0 if align_corners else n / out)
    for i in range(out):
        if not antialias:  # bicubic: 4 taps around the source coordinate, borders repeated
            src = i * scale if align_corners else (i + 0.5) * scale - 0.5
            base = math.floor(src)
            for k in range(-1, 3):
                w[i, min(max(base + k, 0), n - 1)] += _cubic(src - (base + k), -0.75)
            continue
        taps = {"bilinear": 1, "bicubic": 2, "lanczos": 3}[mode]
        stretch = max(scale, 1.0)
        centre = scale * (i + 0.5)
        for j in range(n):
            x = (j + 0.5 - centre) / stretch
            f = {"bilinear": max(0.0, 1 - abs(x)), "bicubic": _cubic(x, -0.5), "lanczos": _lanczos(x)}[mode]
            if abs(j + 0.5 - centre) < taps * stretch + 0.5:
                w[i, j] = f
        w[i] /= w[i].sum()
    return w


def _ref(x, size, mode, align_corners=False, antialias=False):
    wh = _axis_weights(x.shape[2], size[0], align_corners, mode, antialias)
    ww = _axis_weights(x.shape[3], size[1], align_corners, mode, antialias)
    return np.einsum("ih,nchw,jw->ncij", wh, x, ww)


_CASES = [("bicubic-up", (2, 2, 3, 4), (5, 7), dict(mode="bicubic")),
          ("bicubic-down-corners", (1, 2, 5, 4), (3, 3), dict(mode="bicubic", align_corners=True)),
          ("bilinear-aa-down", (1, 2, 6, 5), (3, 2), dict(mode="bilinear", antialias=True)),
          ("bicubic-aa-down", (1, 1, 7, 6), (3, 4), dict(mode="bicubic", antialias=True)),
          ("lanczos-aa-down", (1, 1, 8, 5), (3, 2), dict(mode="lanczos", antialias=True)),
          ("bilinear-aa-up", (1, 1, 3, 3), (5, 4), dict(mode="bilinear", antialias=True))]

CASES = [OpCase(f"interp-{name}", lambda x, size=size, kw=kw: ag.interpolate(x, size=size, **kw), [Arg(shape)],
                lambda x, size=size, kw=kw: _ref(x, size, **kw)) for name, shape, size, kw in _CASES]
