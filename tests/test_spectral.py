"""stft and istft against PyTorch: values, gradients, the round trip, warnings and errors."""
import warnings

import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(7)
X = RNG.standard_normal((2, 23))
W8 = np.hanning(8) + 0.05


def _both(fn_ag, fn_torch, *arrays):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn_ag(*[ag.tensor(a) for a in arrays]), fn_torch(*[torch.tensor(a) for a in arrays])


@pytest.mark.parametrize("kw", [dict(), dict(hop_length=3), dict(win_length=6, window=np.hanning(6)),
                                dict(center=False), dict(normalized=True), dict(onesided=False),
                                dict(pad_mode="constant"), dict(pad_mode="replicate"), dict(pad_mode="circular"),
                                dict(center=False, align_to_window=True, win_length=6, window=np.hanning(6),
                                     hop_length=3),
                                dict(window=None)], ids=str)
@pytest.mark.parametrize("batched", [True, False])
def test_stft_matches_torch(kw, batched):
    kw = dict(kw)
    window = kw.pop("window", W8)
    x = X if batched else X[0]
    args = (x,) if window is None else (x, window)
    ours, theirs = _both(lambda x, w=None: ag.stft(x, 8, window=w, return_complex=True, **kw),
                         lambda x, w=None: torch.stft(x, 8, window=w, return_complex=True, **kw), *args)
    assert tuple(ours.shape) == tuple(theirs.shape) and ours.dtype == ag.complex128
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-12)


def test_stft_of_complex_input_and_the_real_view():
    z = X[0] + 1j * X[1]
    ours, theirs = _both(lambda z, w: ag.stft(z, 8, 2, window=w), lambda z, w: torch.stft(z, 8, 2, window=w), z, W8)
    assert tuple(ours.shape) == (8, 12)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-12)
    with pytest.warns(UserWarning, match="return_complex=False is deprecated"):
        real = ag.stft(ag.tensor(X), 8, window=ag.tensor(W8), return_complex=False)
    assert tuple(real.shape) == (2, 5, 12, 2)
    np.testing.assert_allclose(real.numpy(), torch.view_as_real(torch.stft(
        torch.tensor(X), 8, window=torch.tensor(W8), return_complex=True)).numpy(), atol=1e-12)
    out = ag.tensor(X).float().stft(8, window=ag.tensor(W8), return_complex=True)  # float32 and float64: promoted
    assert out.dtype == ag.complex128


def test_stft_gradients_match_torch():
    g = RNG.standard_normal((2, 5, 8)) + 1j * RNG.standard_normal((2, 5, 8))
    xa, wa = ag.tensor(X, requires_grad=True), ag.tensor(W8, requires_grad=True)
    xt, wt = torch.tensor(X, requires_grad=True), torch.tensor(W8, requires_grad=True)
    (ag.stft(xa, 8, 3, window=wa, return_complex=True) * ag.tensor(g)).real.sum().backward()
    (torch.stft(xt, 8, 3, window=wt, return_complex=True) * torch.tensor(g)).real.sum().backward()
    np.testing.assert_allclose(xa.grad.numpy(), xt.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(wa.grad.numpy(), wt.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize("kw", [dict(), dict(length=25), dict(length=10), dict(normalized=True),
                                dict(center=False)], ids=str)
def test_istft_matches_torch_with_gradients(kw):
    spec = torch.stft(torch.tensor(X), 8, 2, window=torch.tensor(W8), return_complex=True).numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sa, wa = ag.tensor(spec, requires_grad=True), ag.tensor(W8, requires_grad=True)
        st, wt = torch.tensor(spec, requires_grad=True), torch.tensor(W8, requires_grad=True)
        ya, yt = ag.istft(sa, 8, 2, window=wa, **kw), torch.istft(st, 8, 2, window=wt, **kw)
    np.testing.assert_allclose(ya.detach().numpy(), yt.detach().numpy(), atol=1e-12)
    g = RNG.standard_normal(tuple(yt.shape))
    (ya * ag.tensor(g)).sum().backward()
    (yt * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(sa.grad.numpy(), st.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(wa.grad.numpy(), wt.grad.numpy(), atol=1e-12)


def test_round_trip_recovers_the_signal():
    x = ag.tensor(X)
    w = ag.tensor(np.hanning(8))
    y = x.stft(8, 2, window=w, return_complex=True).istft(8, 2, window=w, length=23)
    np.testing.assert_allclose(y.numpy(), X, atol=1e-12)


@pytest.mark.parametrize("return_complex", [False, True])
def test_istft_of_a_two_sided_spectrum(return_complex):
    spec = RNG.standard_normal((8, 4)) + 1j * RNG.standard_normal((8, 4))
    ours, theirs = _both(lambda s, w: ag.istft(s, 8, 2, window=w, return_complex=return_complex),
                         lambda s, w: torch.istft(s, 8, 2, window=w, return_complex=return_complex), spec, W8)
    assert ours.dtype == (ag.complex128 if return_complex else ag.float64)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-12)


def test_missing_window_warns_as_torch():
    with pytest.warns(UserWarning, match="rectangular window"):
        ag.stft(ag.tensor(X), 8, return_complex=True)
    spec = ag.stft(ag.tensor(X), 8, window=ag.ones(8, dtype=ag.float64), return_complex=True)
    with pytest.warns(UserWarning, match="rectangular window"):
        ag.istft(spec, 8)
    with pytest.warns(UserWarning, match="padded with zeros"):
        ag.istft(spec, 8, window=ag.ones(8, dtype=ag.float64), length=40)


_X = ag.tensor(X)
_W = ag.tensor(W8)


@pytest.mark.parametrize("call,err,match", [
    (lambda: ag.stft(_X, 8, window=_W), RuntimeError, "requires the return_complex parameter"),
    (lambda: ag.stft(_X, 30, window=ag.ones(30), return_complex=True, center=False), RuntimeError,
     "expected 0 < n_fft <= 23"),
    (lambda: ag.stft(_X, 8, 0, window=_W, return_complex=True), RuntimeError, "expected hop_length > 0"),
    (lambda: ag.stft(_X, 8, window=ag.ones(5), return_complex=True), RuntimeError, "size equal to win_length=8"),
    (lambda: ag.stft(_X, 8, win_length=9, return_complex=True), RuntimeError, "0 < win_length <= n_fft"),
    (lambda: ag.stft(_X[None], 8, window=_W, return_complex=True), RuntimeError, "expected a 1D or 2D tensor"),
    (lambda: ag.stft(_X.int(), 8, window=_W, return_complex=True), RuntimeError, "floating point or complex"),
    (lambda: ag.stft(_X, 8, window=_W, return_complex=True, pad_mode="foo"), NotImplementedError, "padding mode"),
    (lambda: ag.stft(_X, 8, window=_W, return_complex=True, align_to_window=True), RuntimeError,
     "align_to_window should only be set when center = false"),
    (lambda: ag.stft(_X.to(ag.complex128), 8, window=_W, onesided=True), RuntimeError,
     "Cannot have onesided output"),
    (lambda: ag.istft(_X, 8, window=_W), RuntimeError, "requires a complex-valued input"),
    (lambda: ag.istft(ag.zeros(2, 2, 5, 3, dtype=ag.complex64), 8, window=_W), RuntimeError, "2 or 3 dimensions"),
    (lambda: ag.istft(ag.zeros(5, 0, dtype=ag.complex64), 8, window=_W), RuntimeError, "cannot be empty"),
    (lambda: ag.istft(ag.zeros(5, 3, dtype=ag.complex64), 8, 9, window=_W), RuntimeError,
     "0 < hop_length <= win_length"),
    (lambda: ag.istft(ag.zeros(6, 3, dtype=ag.complex64), 8, window=_W), RuntimeError, "match n_fft / 2 \\+ 1"),
    (lambda: ag.istft(ag.zeros(5, 3, dtype=ag.complex64), 8, window=_W, onesided=False), RuntimeError,
     "match n_fft when onesided=False"),
    (lambda: ag.istft(ag.zeros(5, 3, dtype=ag.complex64), 8, window=_W, return_complex=True), RuntimeError,
     "Cannot have onesided output"),
    (lambda: ag.istft(ag.ones(5, 3, dtype=ag.complex128), 8, 8, window=ag.tensor(np.hanning(8)), center=False),
     RuntimeError,
     "window overlap add min"),
])
def test_errors_as_torch(call, err, match):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(err, match=match):
            call()
