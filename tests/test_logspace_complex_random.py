"""torch.logspace, and rand / randn / *_like with complex dtypes, against PyTorch and on the GPU stand-in."""
import numpy as np
import pytest

import autograd as ag


@pytest.mark.parametrize("args,kw", [((0, 2, 3), {}), ((0, 2, 3), dict(base=2)), ((0, 1, 0), {}),
                                     ((0, 3, 4), dict(dtype="int64")), ((-1, 1.5, 6), dict(base=3.0)),
                                     ((1, 0, 5), dict(dtype="float64"))], ids=str)
def test_logspace_matches_torch(args, kw):
    torch = pytest.importorskip("torch")
    ours = ag.logspace(*args, **{k: getattr(ag, v) if k == "dtype" else v for k, v in kw.items()})
    theirs = torch.logspace(*args, **{k: getattr(torch, v) if k == "dtype" else v for k, v in kw.items()})
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


def test_logspace_errors_and_device(device):
    with pytest.raises(RuntimeError, match="number of steps must be non-negative"):
        ag.logspace(0, 1, -1)
    t = ag.logspace(0, 1, 3, device=device, requires_grad=True)
    assert t.device.type == ag.device(device).type and t.requires_grad


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_complex_randn_has_unit_variance_split_between_the_parts(dtype, device):
    ag.manual_seed(0)
    z = ag.randn(200000, dtype=getattr(ag, dtype), device=device)
    assert z.dtype == getattr(ag, dtype) and z.device.type == ag.device(device).type
    parts = np.stack([z.real.cpu().numpy(), z.imag.cpu().numpy()])
    np.testing.assert_allclose(parts.var(axis=1), [0.5, 0.5], atol=0.01)
    np.testing.assert_allclose(parts.mean(axis=1), [0.0, 0.0], atol=0.01)
    assert abs(np.corrcoef(parts)[0, 1]) < 0.01
    assert ag.randn_like(z[:3]).dtype == z.dtype


def test_complex_rand_is_uniform_in_both_parts_and_seeded(device):
    ag.manual_seed(1)
    z = ag.rand(50000, dtype=ag.complex128, device=device).cpu().numpy()
    assert 0 <= z.real.min() and z.real.max() < 1 and 0 <= z.imag.min() and z.imag.max() < 1
    np.testing.assert_allclose([z.real.mean(), z.imag.mean()], [0.5, 0.5], atol=0.01)
    ag.manual_seed(1)
    np.testing.assert_array_equal(ag.rand(50000, dtype=ag.complex128, device=device).cpu().numpy(), z)
    g = ag.Generator().manual_seed(3)
    a = ag.randn(4, dtype=ag.complex64, generator=g).numpy()
    g.manual_seed(3)
    np.testing.assert_array_equal(ag.randn(4, dtype=ag.complex64, generator=g).numpy(), a)
