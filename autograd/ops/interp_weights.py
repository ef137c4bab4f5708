"""Interpolation weight matrices for F.interpolate: bicubic, and the antialiased bilinear, bicubic and lanczos."""
import numpy as np

_CUBIC_A = -0.75  # PyTorch's plain bicubic; its antialiased one uses Keys' -0.5
_AA_SIZE = {"bilinear": 2, "bicubic": 4, "lanczos": 6}  # taps at unit scale


def _acc(dtype):
    return np.float64 if dtype == np.float64 else np.float32


def _source(n, out, scale, align_corners, acc):
    """PyTorch's source coordinate of each output sample (not clamped: cubic taps read clamped indices)."""
    if align_corners:
        f = acc(n - 1) / acc(out - 1) if out > 1 else acc(0)
        return np.arange(out, dtype=acc) * f
    f = acc(1.0 / scale) if scale is not None and scale > 0 else acc(n) / acc(out)
    return (np.arange(out, dtype=acc) + acc(0.5)) * f - acc(0.5)


def cubic_matrix(n, out, scale, align_corners, dtype):
    """(out, n) weights of cubic convolution (a = -0.75) over the 4 nearest samples, borders repeated."""
    acc = _acc(dtype)
    src = _source(n, out, scale, align_corners, acc)
    i0 = np.floor(src).astype(np.int64)
    t = (src - i0).astype(acc)
    a = acc(_CUBIC_A)

    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    weights = (far(t + 1), near(t), near(1 - t), far(2 - t))
    m = np.zeros((out, n), dtype=acc)
    rows = np.arange(out)
    for k, w in enumerate(weights):
        np.add.at(m, (rows, np.clip(i0 - 1 + k, 0, n - 1)), w)
    return m.astype(dtype)


def _filter(kind, x):
    x = np.abs(x)
    if kind == "bilinear":
        return np.where(x < 1, 1 - x, 0)
    if kind == "bicubic":
        a = -0.5
        return np.where(x < 1, ((a + 2) * x - (a + 3)) * x * x + 1, np.where(x < 2, (((x - 5) * x + 8) * x - 4) * a, 0))
    with np.errstate(invalid="ignore", divide="ignore"):  # lanczos-3: sinc(x) sinc(x / 3) on |x| < 3
        px = np.pi * x
        w = np.where(x == 0, 1.0, 3 * np.sin(px) * np.sin(px / 3) / (px * px))
    return np.where(x < 3, w, 0)


def antialias_matrix(n, out, scale, align_corners, dtype, kind):
    """(out, n) weights of PyTorch's antialiased resampling: the filter widened by the scale when downsampling,
    each row normalised to sum 1 over the samples inside the input."""
    acc = _acc(dtype)
    if align_corners:
        s = acc(n - 1) / acc(out - 1) if out > 1 else acc(0)
    else:
        s = acc(1.0 / scale) if scale is not None and scale > 0 else acc(n) / acc(out)
    support = acc(_AA_SIZE[kind] * 0.5) * (s if s >= 1 else acc(1))
    inv = acc(1) / s if s >= 1 else acc(1)
    m = np.zeros((out, n), dtype=acc)
    for i in range(out):  # one row per output sample: O(out * taps)
        center = s * (acc(i) + acc(0.5))
        lo = max(int(center - support + acc(0.5)), 0)
        hi = min(int(center + support + acc(0.5)), n)
        if hi <= lo:
            continue
        j = np.arange(lo, hi, dtype=acc)
        w = _filter(kind, (j - center + acc(0.5)) * inv).astype(acc)
        total = w.sum()
        m[i, lo:hi] = w / total if total != 0 else w
    return m.astype(dtype)
