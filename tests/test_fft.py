"""autograd.fft against PyTorch (values, dtypes and gradients, every norm and size), its errors, its import route."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import autograd as ag

ROOT = Path(__file__).resolve().parents[1]
_rng = np.random.default_rng(1)
XR = _rng.standard_normal((4, 6))
XC = _rng.standard_normal((4, 6)) + 1j * _rng.standard_normal((4, 6))

ONE_DIM = {  # name -> (call(module, x, n, norm), input)
    "fft": (lambda m, x, n, norm: m.fft.fft(x, n=n, norm=norm), XC),
    "fft of a real input": (lambda m, x, n, norm: m.fft.fft(x, n=n, dim=0, norm=norm), XR),
    "ifft": (lambda m, x, n, norm: m.fft.ifft(x, n, 0, norm), XC),
    "rfft": (lambda m, x, n, norm: m.fft.rfft(x, n=n, norm=norm), XR),
    "irfft": (lambda m, x, n, norm: m.fft.irfft(x, n=n, norm=norm), XC),
    "irfft dim 0": (lambda m, x, n, norm: m.fft.irfft(x, n=n, dim=0, norm=norm), XC),
    "hfft": (lambda m, x, n, norm: m.fft.hfft(x, n=n, norm=norm), XC),
    "ihfft": (lambda m, x, n, norm: m.fft.ihfft(x, n=n, norm=norm), XR),
}
N_DIM = {  # name -> (call(module, x, s, norm), input)
    "fft2": (lambda m, x, s, norm: m.fft.fft2(x, s=s, norm=norm), XC),
    "ifft2": (lambda m, x, s, norm: m.fft.ifft2(x, s=s, norm=norm), XC),
    "fftn": (lambda m, x, s, norm: m.fft.fftn(x, s=s, norm=norm), XR),
    "ifftn": (lambda m, x, s, norm: m.fft.ifftn(x, s=s, norm=norm), XC),
    "rfft2": (lambda m, x, s, norm: m.fft.rfft2(x, s=s, norm=norm), XR),
    "rfftn": (lambda m, x, s, norm: m.fft.rfftn(x, s=s, norm=norm), XR),
    "irfft2": (lambda m, x, s, norm: m.fft.irfft2(x, s=s, norm=norm), XC),
    "irfftn": (lambda m, x, s, norm: m.fft.irfftn(x, s=s, norm=norm), XC),
    "irfft2 dims swapped": (lambda m, x, s, norm: m.fft.irfft2(x, s=s, dim=(1, 0), norm=norm), XC),
    "hfft2": (lambda m, x, s, norm: m.fft.hfft2(x, s=s, norm=norm), XC),
    "hfftn": (lambda m, x, s, norm: m.fft.hfftn(x, s=s, norm=norm), XC),
    "ihfft2": (lambda m, x, s, norm: m.fft.ihfft2(x, s=s, norm=norm), XR),
    "ihfftn": (lambda m, x, s, norm: m.fft.ihfftn(x, s=s, norm=norm), XR),
}
NORMS = [None, "backward", "ortho", "forward"]


def _against_torch(f, x):
    """f's values, dtype and gradient (of a random real projection of the output) equal PyTorch's."""
    torch = pytest.importorskip("torch")
    a, t = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ya, yt = f(ag, a), f(torch, t)
    assert ya.shape == tuple(yt.shape) and str(ya.dtype) == str(yt.dtype).replace("torch.", "")
    np.testing.assert_allclose(ya.detach().numpy(), yt.detach().resolve_conj().numpy(), atol=1e-10)
    w = np.random.default_rng(2).standard_normal(ya.shape)
    if yt.is_complex():
        w = w + 1j * np.random.default_rng(3).standard_normal(ya.shape)
    (ya * ag.tensor(w)).real.sum().backward()
    (yt * torch.tensor(w)).real.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), t.grad.resolve_conj().numpy(), atol=1e-10)


@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("n", [None, 4, 9])
@pytest.mark.parametrize("name", list(ONE_DIM))
def test_one_dim_transforms_match_pytorch(name, n, norm):
    f, x = ONE_DIM[name]
    _against_torch(lambda m, t: f(m, t, n, norm), x)


@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("s", [None, (3, 8), (5, 5)])
@pytest.mark.parametrize("name", list(N_DIM))
def test_n_dim_transforms_match_pytorch(name, s, norm):
    f, x = N_DIM[name]
    _against_torch(lambda m, t: f(m, t, s, norm), x)


def test_shifts_match_pytorch():
    _against_torch(lambda m, x: m.fft.fftshift(x) * 2 + m.fft.ifftshift(x, dim=1), XR)
    _against_torch(lambda m, x: m.fft.fftshift(x, 0), XC)


@pytest.mark.parametrize("n", [0, 1, 5, 8])
def test_frequencies_match_pytorch(n):
    torch = pytest.importorskip("torch")
    np.testing.assert_allclose(ag.fft.fftfreq(n, 0.5).numpy(), torch.fft.fftfreq(n, 0.5).numpy())
    np.testing.assert_allclose(ag.fft.rfftfreq(n).numpy(), torch.fft.rfftfreq(n).numpy())
    assert ag.fft.fftfreq(n, dtype=ag.float64).dtype == ag.float64


def test_result_dtypes():
    assert ag.fft.fft(ag.ones(4)).dtype == ag.complex64
    assert ag.fft.rfft(ag.tensor([1, 2, 3])).dtype == ag.complex64
    assert ag.fft.irfft(ag.ones(3, dtype=ag.cdouble)).dtype == ag.float64
    assert ag.fft.fftfreq(4).dtype == ag.float32


def test_gradient_of_rfft_and_irfft_round_trip_is_the_identity():
    x = ag.tensor(XR, requires_grad=True)
    ag.fft.irfft(ag.fft.rfft(x), n=6).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.ones_like(XR), atol=1e-12)


def test_errors():
    x = ag.ones(4, 6)
    with pytest.raises(ValueError, match="fft: invalid normalization mode 'bad'"):
        ag.fft.fft(x, norm="bad")
    with pytest.raises(RuntimeError, match=r"fft: invalid number of data points \(0\) specified"):
        ag.fft.fft(x, n=0)
    with pytest.raises(IndexError, match="fft: dim 2 is out of range for a 2-D input"):
        ag.fft.fft(x, dim=2)
    with pytest.raises(RuntimeError, match="fftn: when given, dim and shape arguments must have the same length"):
        ag.fft.fftn(x, s=(2, 2), dim=(0,))
    with pytest.raises(RuntimeError, match="rfft: expects a real input tensor, but got dtype complex64"):
        ag.fft.rfft(ag.ones(4, dtype=ag.cfloat))
    with pytest.raises(RuntimeError, match=r"irfft: invalid number of data points \(0\) specified"):
        ag.fft.irfft(ag.ones(1, dtype=ag.cfloat))
    with pytest.raises(TypeError, match="fft: float16 input would give complex32"):
        ag.fft.fft(ag.ones(4, dtype=ag.float16))
    with pytest.raises(TypeError, match="fft: out= is not supported"):
        ag.fft.fft(x, out=ag.ones(4, 6))
    with pytest.raises(TypeError, match="fft: expected a tensor, got list"):
        ag.fft.fft([1.0, 2.0])
    with pytest.raises(IndexError, match="fftshift: dim 3 is out of range"):
        ag.fft.fftshift(x, dim=3)


def test_torch_fft_resolves_to_autograd_fft():
    code = textwrap.dedent("""
        import autograd
        import autograd.as_torch
        import torch.fft
        from torch.fft import rfft
        import torch
        assert torch.fft.fft is autograd.fft.fft and rfft is autograd.fft.rfft and torch.cfloat is autograd.cfloat
        z = torch.tensor([1 + 2j, 3j], requires_grad=True)
        torch.fft.fft(z).abs().sum().backward()
        assert z.grad.dtype == torch.complex64
    """)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
