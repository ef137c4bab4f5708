"""Registry cases: stft and istft against frame-by-frame numpy references, gradients first and second order."""
import numpy as np

import autograd as ag

from .cases_complex import CArg
from .registry import Arg, OpCase


def ref_stft(x, n_fft, hop, window, center=True, pad_mode="reflect", normalized=False, onesided=True):
    """Frames of x (1-D or 2-D) times the window padded to n_fft, transformed one at a time."""
    x2 = np.atleast_2d(x)
    left = (n_fft - len(window)) // 2
    w = np.zeros(n_fft, dtype=np.result_type(window, 1.0))
    w[left:left + len(window)] = window
    if center:
        x2 = np.pad(x2, ((0, 0), (n_fft // 2, n_fft // 2)), mode={"constant": "constant", "reflect": "reflect",
                                                                  "replicate": "edge", "circular": "wrap"}[pad_mode])
    frames = [x2[:, s:s + n_fft] * w for s in range(0, x2.shape[1] - n_fft + 1, hop)]
    norm = "ortho" if normalized else "backward"
    spec = np.stack([(np.fft.rfft if onesided else np.fft.fft)(f, norm=norm) for f in frames], axis=-1)
    return spec if np.ndim(x) == 2 else spec[0]


def ref_istft(spec, n_fft, hop, window, center=True, length=None):
    """Each frame's inverse transform, windowed, added at its offset and divided by the summed squared window."""
    s2 = spec if spec.ndim == 3 else spec[None]
    frames = np.fft.irfft(s2[:, :n_fft // 2 + 1], n=n_fft, axis=1)  # (B, n_fft, T)
    count = s2.shape[-1]
    full = n_fft + hop * (count - 1)
    y, env = np.zeros((s2.shape[0], full)), np.zeros(full)
    for t in range(count):
        y[:, t * hop:t * hop + n_fft] += frames[:, :, t] * window
        env[t * hop:t * hop + n_fft] += window ** 2
    start = n_fft // 2 if center else 0
    end = full - start if length is None else start + length
    out = y[:, start:end] / env[start:end]
    return out if spec.ndim == 3 else out[0]


_W6 = np.hanning(8)[1:7] + 0.1  # a window that never vanishes, shorter than n_fft = 8
_W8 = np.hanning(8) + 0.1


def _spectrum(*shape):
    """A spectrum istft can invert: the stft of a real signal."""
    return ref_stft(np.random.default_rng(len(shape)).standard_normal(shape), 8, 2, _W8)


CASES = [
    OpCase("stft-1d-center", lambda x, w: ag.stft(x, 8, 2, window=w, return_complex=True),
           [Arg((16,)), Arg(None, values=_W8)], lambda x, w: ref_stft(x, 8, 2, w)),
    OpCase("stft-batch-short-window", lambda x, w: ag.stft(x, 8, 3, 6, window=w, return_complex=True),
           [Arg((2, 14)), Arg((6,))], lambda x, w: ref_stft(x, 8, 3, w)),
    OpCase("stft-no-center-normalized", lambda x, w: ag.stft(x, 6, 2, window=w, center=False, normalized=True,
                                                             return_complex=True),
           [Arg((2, 13)), Arg((6,))], lambda x, w: ref_stft(x, 6, 2, w, center=False, normalized=True)),
    OpCase("stft-twosided-replicate", lambda x, w: ag.stft(x, 4, 1, window=w, pad_mode="replicate", onesided=False,
                                                           return_complex=True),
           [Arg((7,)), Arg((4,))], lambda x, w: ref_stft(x, 4, 1, w, pad_mode="replicate", onesided=False)),
    OpCase("stft-complex-input", lambda z, w: ag.stft(z, 4, 2, window=w, pad_mode="circular"),
           [CArg((9,)), Arg((4,))], lambda z, w: ref_stft(z, 4, 2, w, pad_mode="circular", onesided=False)),
    OpCase("stft-constant-pad", lambda x, w: ag.stft(x, 4, 2, window=w, pad_mode="constant", return_complex=True),
           [Arg((6,)), Arg((4,))], lambda x, w: ref_stft(x, 4, 2, w, pad_mode="constant")),
    OpCase("istft-1d", lambda s, w: ag.istft(s, 8, 2, window=w),
           [CArg(None, values=_spectrum(12)), Arg(None, values=_W8)], lambda s, w: ref_istft(s, 8, 2, w)),
    OpCase("istft-batch-length", lambda s, w: ag.istft(s, 8, 2, window=w, length=9),
           [CArg(None, values=_spectrum(2, 10)), Arg(None, values=_W8)],
           lambda s, w: ref_istft(s, 8, 2, w, length=9)),
    OpCase("istft-no-center", lambda s, w: ag.istft(s, 8, 2, window=w, center=False),
           [CArg(None, values=_spectrum(10)), Arg(None, values=_W8)], lambda s, w: ref_istft(s, 8, 2, w, center=False)),
]
