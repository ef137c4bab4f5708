"""The short-time Fourier transform and its inverse: stft and istft, composed from differentiable ops."""
import warnings

from .. import backend, dtypes
from .._tensor import Tensor
from . import arith, complex_math, shape
from .fft import C2C, C2R, R2C
from .padding import pad
from .shape import _check_tensor
from .strided_views import UnfoldBackward, unfold

_PAD_MODES = ("constant", "reflect", "replicate", "circular")


def _call(op, input, **params):
    """The op and its arguments as PyTorch prints them at the front of its errors."""
    kind = "Complex" if input.dtype in dtypes.COMPLEXES else ""
    args = ", ".join(f"{k}={v}" for k, v in params.items())
    return f"{op}({kind}{str(input.dtype).capitalize()}Tensor{list(input.shape)}, {args})"


def _lengths(op, n_fft, hop_length, win_length):
    n_fft = dtypes.as_ints((n_fft,), op, "n_fft")[0]
    hop = n_fft // 4 if hop_length is None else dtypes.as_ints((hop_length,), op, "hop_length")[0]
    win = n_fft if win_length is None else dtypes.as_ints((win_length,), op, "win_length")[0]
    return n_fft, hop, win


def _window(op, window, win, n_fft, like, where, missing_hint):
    """The window padded (centred) to n_fft, on like's device; ones with PyTorch's warning when none is given."""
    if window is None:
        warnings.warn(f"{op}: a window was not provided, so a rectangular window is applied; {missing_hint} To "
                      f"silence this, pass window=torch.ones({win}) explicitly.", UserWarning, stacklevel=3)
        real = like.dtype if like.dtype not in dtypes.COMPLEXES else dtypes.to_real(like.dtype)
        window = Tensor._make(like.xp.ones(win, dtype=real), None, 0)
    else:
        _check_tensor(window, op)
        if window.ndim != 1 or window.shape[0] != win:
            raise RuntimeError(f"{where}: expected a 1D window tensor of size equal to win_length={win}, but got a "
                               f"window of shape {list(window.shape)}; pass win_length=window.numel()")
        if window.device != like.device:
            raise RuntimeError(f"{op}: the window is on {window.device} but the input is on {like.device}; move it "
                               "with .to(device) first")
        if window.dtype not in dtypes.FLOATS and window.dtype not in dtypes.COMPLEXES:
            raise RuntimeError(f"{op}: expected a floating point or complex window, got dtype {window.dtype}")
    left = (n_fft - win) // 2
    return pad(window, (left, n_fft - win - left)) if win < n_fft else window


def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, pad_mode="reflect",
         normalized=False, onesided=None, return_complex=None, align_to_window=None):
    """The short-time Fourier transform of a (batch of) signal(s) (B?, L): frames of n_fft samples, hop_length
    apart, times the window, transformed; (B?, n_fft // 2 + 1 or n_fft, frames) complex (or with a last real/imag
    dim of 2 under the deprecated return_complex=False)."""
    op = "stft"
    _check_tensor(input, op)
    n_fft, hop, win = _lengths(op, n_fft, hop_length, win_length)
    where = _call(op, input, n_fft=n_fft, hop_length=hop, win_length=win, normalized=int(bool(normalized)),
                  onesided=onesided, return_complex=return_complex)
    is_complex = input.dtype in dtypes.COMPLEXES
    if return_complex is None:
        if not is_complex and not (window is not None and window.dtype in dtypes.COMPLEXES):
            raise RuntimeError("stft requires the return_complex parameter be given for real inputs, and will "
                               "further require that return_complex=True in a future PyTorch release.")
        return_complex = True
    if not return_complex:
        warnings.warn("stft with return_complex=False is deprecated: take torch.view_as_real of the complex "
                      "result instead", UserWarning, stacklevel=2)
    if input.ndim not in (1, 2):
        raise RuntimeError(f"{where} : expected a 1D or 2D tensor, got shape {list(input.shape)}")
    if input.dtype not in dtypes.FLOATS and not is_complex:
        raise RuntimeError(f"{where} : expected a tensor of floating point or complex values, got dtype "
                           f"{input.dtype}; convert it with .float() first")
    if align_to_window is not None and center:
        raise RuntimeError("stft align_to_window should only be set when center = false")
    if pad_mode not in _PAD_MODES:
        raise NotImplementedError(f"stft: unrecognised padding mode {pad_mode!r}; use one of {_PAD_MODES}")
    x = input if input.ndim == 2 else shape.unsqueeze(input, 0)
    if center:
        x = shape.squeeze(pad(shape.unsqueeze(x, 0), (n_fft // 2, n_fft // 2), mode=pad_mode), 0)
    length = x.shape[-1]
    if not 0 < n_fft <= length:
        raise RuntimeError(f"{where} : expected 0 < n_fft <= {length}, but got n_fft={n_fft}")
    if hop <= 0:
        raise RuntimeError(f"{where} : expected hop_length > 0, but got hop_length={hop}")
    if not 0 < win <= n_fft:
        raise RuntimeError(f"{where} : expected 0 < win_length <= n_fft, but got win_length={win}")
    w = _window(op, window, win, n_fft, x, where, "it is known to cause spectral leakage (torch.hann_window or "
                "torch.hamming_window leak less).")
    if align_to_window:  # frame t's window starts at sample t * hop: shift the signal by the window's padding
        left = (n_fft - win) // 2
        x = pad(x, (left, n_fft - win - left))
    frames = arith.mul(unfold(x, -1, n_fft, hop), w)  # (B, T, n_fft)
    complex_out = is_complex or w.dtype in dtypes.COMPLEXES
    if onesided is None:
        onesided = not complex_out
    elif onesided and complex_out:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    norm = "ortho" if normalized else "backward"
    axes = (frames.ndim - 1,)
    if complex_out:
        spec = C2C.apply(frames, axes, norm, False)
    else:
        spec = R2C.apply(frames, axes, norm)
        if not onesided:
            spec = C2C.apply(frames.to(dtypes.to_complex(frames.dtype)), axes, norm, False)
    out = shape.transpose(spec, -1, -2)
    out = out if input.ndim == 2 else shape.squeeze(out, 0)
    return out if return_complex else complex_math.view_as_real(out)


def istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, normalized=False,
          onesided=None, length=None, return_complex=False):
    """The inverse of stft by overlap-add: each frame transformed back, times the window, added in place and
    divided by the summed squared window; (B?, length) real (complex with return_complex=True)."""
    op = "istft"
    _check_tensor(input, op)
    n_fft, hop, win = _lengths(op, n_fft, hop_length, win_length)
    where = _call(op, input, n_fft=n_fft, hop_length=hop, win_length=win, center=int(bool(center)),
                  normalized=int(bool(normalized)), onesided=onesided, length=length,
                  return_complex=int(bool(return_complex)))
    if input.dtype not in dtypes.COMPLEXES:
        raise RuntimeError("istft requires a complex-valued input tensor matching the output from stft with "
                           "return_complex=True.")
    if input.ndim not in (2, 3):
        raise RuntimeError(f"{where} : expected a tensor with 2 or 3 dimensions of complex values, but got "
                           f"{input.ndim}")
    if input.numel() == 0:
        raise RuntimeError(f"{where} : input tensor cannot be empty.")
    if not 0 < hop <= win:
        raise RuntimeError(f"{where} : expected 0 < hop_length <= win_length, got hop_length={hop}")
    if not 0 < win <= n_fft:
        raise RuntimeError(f"{where} : expected 0 < win_length <= n_fft, got win_length={win}")
    bins, n_frames = input.shape[-2], input.shape[-1]
    if onesided is None:
        onesided = bins != n_fft
    if onesided and bins != n_fft // 2 + 1:
        raise RuntimeError(f"{where} : expected the frequency dimension (3rd to the last) of the input tensor to "
                           f"match n_fft / 2 + 1 when onesided=True, but got {bins}")
    if not onesided and bins != n_fft:
        raise RuntimeError(f"{where} : expected the frequency dimension (3rd to the last) of the input tensor to "
                           f"match n_fft when onesided=False, but got {bins}")
    w = _window(op, window, win, n_fft, input, f"{where} : Invalid window shape", "give the window stft used "
                "to make the inversion lossless.")
    if return_complex and onesided:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    x = input if input.ndim == 3 else shape.unsqueeze(input, 0)
    spec = shape.transpose(x, -1, -2)  # (B, T, bins)
    norm = "ortho" if normalized else "backward"
    axis = (spec.ndim - 1,)
    if return_complex:
        frames = C2C.apply(spec, axis, norm, True)
    else:
        frames = C2R.apply(shape.narrow(spec, -1, 0, n_fft // 2 + 1), (n_fft,), axis, norm)
    frames = arith.mul(frames, w)
    full = n_fft + hop * (n_frames - 1)
    y = UnfoldBackward.apply(frames, (frames.shape[0], full), 1, n_fft, hop)
    squares = shape.expand(shape.unsqueeze(arith.mul(w, w), 0), n_frames, n_fft)
    envelope = UnfoldBackward.apply(squares, (full,), 0, n_fft, hop)
    start = n_fft // 2 if center else 0
    end = full - (n_fft // 2 if center else 0) if length is None else min(start + length, full)
    y, envelope = shape.narrow(y, -1, start, end - start), shape.narrow(envelope, -1, start, end - start)
    backend.check_later(abs(envelope.array) < 1e-11, RuntimeError,
                        f"{where} window overlap add min: the summed squared window is below 1e-11 at some samples, "
                        "so they cannot be recovered; use a window that overlaps more (a smaller hop) or center=True")
    y = arith.div(y, envelope)
    if length is not None and end - start < length:
        warnings.warn("istft: the signal is shorter than the length parameter, so the result is padded with "
                      "zeros at the end; check center and hop_length", UserWarning, stacklevel=2)
        y = pad(y, (0, length - (end - start)))
    return y if input.ndim == 3 else shape.squeeze(y, 0)


__all__ = ["stft", "istft"]
METHODS = {"stft": stft, "istft": istft}
