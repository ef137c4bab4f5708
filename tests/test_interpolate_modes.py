"""F.interpolate's bicubic mode and antialias=True (bilinear, bicubic, lanczos) against PyTorch, with gradients."""
import numpy as np
import pytest

import autograd as ag
import nn

torch = pytest.importorskip("torch")
TF = torch.nn.functional
X = np.random.default_rng(0).standard_normal((2, 3, 9, 7))

KWARGS = [dict(mode="bicubic", scale_factor=2), dict(mode="bicubic", size=(4, 5), align_corners=True),
          dict(mode="bicubic", size=(13, 3)), dict(mode="bicubic", scale_factor=1.5, recompute_scale_factor=True),
          dict(mode="bilinear", size=(4, 3), antialias=True), dict(mode="bilinear", size=(12, 20), antialias=True),
          dict(mode="bilinear", size=(4, 3), antialias=True, align_corners=True),
          dict(mode="bicubic", size=(4, 3), antialias=True),
          dict(mode="bicubic", scale_factor=(0.3, 1.7), antialias=True),
          dict(mode="lanczos", size=(4, 3), antialias=True), dict(mode="lanczos", size=(18, 14), antialias=True)]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kw", KWARGS, ids=str)
def test_values_and_gradients_match_torch(kw, dtype):
    x = X.astype(dtype)
    a, t = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ya, yt = ag.interpolate(a, **kw), TF.interpolate(t, **kw)
    assert tuple(ya.shape) == tuple(yt.shape) and ya.dtype == getattr(ag, dtype)
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == "float32" else dict(rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ya.detach().numpy(), yt.detach().numpy(), **tol)
    g = np.random.default_rng(1).standard_normal(tuple(yt.shape)).astype(dtype)
    (ya * ag.tensor(g)).sum().backward()
    (yt * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), **tol)


def test_upsample_layer_takes_bicubic():
    layer, ref = nn.Upsample(scale_factor=2, mode="bicubic"), torch.nn.Upsample(scale_factor=2, mode="bicubic")
    np.testing.assert_allclose(layer(ag.tensor(X)).numpy(), ref(torch.tensor(X)).numpy(), rtol=1e-12)


@pytest.mark.parametrize("call,err,match", [
    (lambda: ag.interpolate(ag.ones(1, 2, 5), size=3, mode="linear", antialias=True), ValueError,
     "restricted to bilinear, bicubic, and lanczos"),
    (lambda: ag.interpolate(ag.ones(1, 2, 5, 5), size=3, mode="nearest", antialias=True), ValueError,
     "restricted to bilinear, bicubic, and lanczos"),
    (lambda: ag.interpolate(ag.ones(1, 2, 5, 5), size=3, mode="lanczos"), ValueError, "requires antialias=True"),
    (lambda: ag.interpolate(ag.ones(1, 2, 5), size=3, mode="bicubic"), NotImplementedError, "4-d"),
    (lambda: ag.interpolate(ag.ones(1, 2, 5, 5), size=3, mode="nearest", align_corners=True), ValueError,
     "align_corners option can only be set"),
])
def test_errors_as_torch(call, err, match):
    with pytest.raises(err, match=match):
        call()
