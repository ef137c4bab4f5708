"""Registry cases for autograd.fft: forward against numpy.fft, gradients (first and second order), the GPU stand-in."""
import numpy as np

import autograd as ag

from .cases_complex import CArg
from .registry import Arg, OpCase

fft = ag.fft

CASES = [
    OpCase("fft-fft-(3, 4)", fft.fft, [CArg((3, 4))], np.fft.fft),
    OpCase("fft-fft-real-n", lambda x: fft.fft(x, n=6, dim=0), [Arg((4, 3))], lambda x: np.fft.fft(x, n=6, axis=0)),
    OpCase("fft-fft-trim-ortho", lambda z: fft.fft(z, 3, norm="ortho"), [CArg((2, 5))],
           lambda z: np.fft.fft(z, 3, norm="ortho")),
    OpCase("fft-fft-noncontig", lambda z: fft.fft(z, norm="forward"), [CArg((3, 4), noncontig=True)],
           lambda z: np.fft.fft(z, norm="forward")),
    OpCase("fft-ifft-(5,)", fft.ifft, [CArg((5,))], np.fft.ifft),
    OpCase("fft-rfft-(3, 6)", fft.rfft, [Arg((3, 6))], np.fft.rfft),
    OpCase("fft-rfft-odd-n", lambda x: fft.rfft(x, n=7, norm="ortho"), [Arg((2, 5))],
           lambda x: np.fft.rfft(x, n=7, norm="ortho")),
    OpCase("fft-irfft-(3, 4)", fft.irfft, [CArg((3, 4))], np.fft.irfft),
    OpCase("fft-irfft-odd-n", lambda z: fft.irfft(z, n=5, dim=0, norm="forward"), [CArg((3, 2))],
           lambda z: np.fft.irfft(z, n=5, axis=0, norm="forward")),
    OpCase("fft-hfft-(4,)", fft.hfft, [CArg((4,))], np.fft.hfft),
    OpCase("fft-ihfft-(6,)", lambda x: fft.ihfft(x, norm="ortho"), [Arg((6,))],
           lambda x: np.fft.ihfft(x, norm="ortho")),
    OpCase("fft-fft2-(2, 3, 4)", fft.fft2, [CArg((2, 3, 4))], np.fft.fft2),
    OpCase("fft-ifft2-s", lambda z: fft.ifft2(z, s=(2, 5)), [CArg((3, 4))], lambda z: np.fft.ifft2(z, s=(2, 5))),
    OpCase("fft-fftn-real", fft.fftn, [Arg((2, 3, 2))], np.fft.fftn),
    OpCase("fft-ifftn-dim", lambda z: fft.ifftn(z, dim=(0, 2)), [CArg((2, 3, 2))],
           lambda z: np.fft.ifftn(z, axes=(0, 2))),
    OpCase("fft-rfft2-(3, 4)", fft.rfft2, [Arg((3, 4))], np.fft.rfft2),
    OpCase("fft-irfft2-s", lambda z: fft.irfft2(z, s=(3, 5)), [CArg((3, 3))], lambda z: np.fft.irfft2(z, s=(3, 5))),
    OpCase("fft-rfftn-(2, 3, 4)", fft.rfftn, [Arg((2, 3, 4))], np.fft.rfftn),
    OpCase("fft-irfftn-(2, 3)", fft.irfftn, [CArg((2, 3))], np.fft.irfftn),
    OpCase("fft-hfft2-(3, 3)", fft.hfft2, [CArg((3, 3))],
           lambda z: np.fft.irfftn(np.conj(z), axes=(-2, -1), norm="forward")),
    OpCase("fft-ihfftn-(2, 4)", fft.ihfftn, [Arg((2, 4))],
           lambda x: np.conj(np.fft.rfftn(x, norm="forward"))),
    OpCase("fft-fftshift", fft.fftshift, [CArg((3, 4))], np.fft.fftshift),
    OpCase("fft-ifftshift-dim", lambda x: fft.ifftshift(x, dim=1), [Arg((3, 5))],
           lambda x: np.fft.ifftshift(x, axes=1)),
]
