"""autograd.precision (torch.backends): the TF32 switch (a no-op on the CPU) and the cuDNN flags PyTorch scripts set."""
import numpy as np
import pytest

import autograd as ag
from tests.conftest import REAL_GPU


@pytest.fixture(autouse=True)
def _restore_tf32():
    flag = ag.precision.cuda.matmul.allow_tf32
    yield
    ag.precision.cuda.matmul.allow_tf32 = flag


def test_tf32_is_off_by_default_and_switchable(monkeypatch):
    monkeypatch.delenv("CUPY_TF32", raising=False)
    assert type(ag.precision.cuda.matmul)().allow_tf32 is False  # a fresh switch, as at import
    ag.precision.cuda.matmul.allow_tf32 = True
    assert ag.precision.cuda.matmul.allow_tf32 is True
    assert ag.get_float32_matmul_precision() == "high"
    ag.set_float32_matmul_precision("highest")
    assert ag.precision.cuda.matmul.allow_tf32 is False
    ag.set_float32_matmul_precision("medium")
    assert ag.precision.cuda.matmul.allow_tf32 is True
    with pytest.raises(ValueError, match="expected one of"):
        ag.set_float32_matmul_precision("low")


def test_cupy_environment_switch_sets_the_default(monkeypatch):
    monkeypatch.setenv("CUPY_TF32", "1")
    assert type(ag.precision.cuda.matmul)().allow_tf32 is True


def test_tf32_changes_nothing_on_the_cpu():
    a = np.random.default_rng(0).standard_normal((64, 64)).astype(np.float32)
    x = ag.tensor(a)
    ag.precision.cuda.matmul.allow_tf32 = False
    exact = (x @ x).numpy()
    ag.precision.cuda.matmul.allow_tf32 = True
    np.testing.assert_array_equal((x @ x).numpy(), exact)


def test_cudnn_flags_exist_and_do_nothing():
    cudnn = ag.precision.cudnn
    assert cudnn.is_available() is False and cudnn.version() is None
    cudnn.benchmark = True  # PyTorch scripts set these; CuPy 14 has no cuDNN
    cudnn.deterministic = True
    assert ag.precision.cuda.is_built() == (ag.backend.cupy is not None)


@pytest.mark.cuda
@pytest.mark.skipif(not REAL_GPU, reason="needs a real GPU")
def test_tf32_sets_cupys_compute_type():
    from cupy._core import _routines_linalg as linalg

    ag.precision.cuda.matmul.allow_tf32 = True
    assert linalg.get_compute_type(np.float32) == linalg.COMPUTE_TYPE_TF32
    a = ag.randn(512, 512, device="cuda")
    fast = (a @ a).cpu().numpy()
    ag.precision.cuda.matmul.allow_tf32 = False
    assert linalg.get_compute_type(np.float32) == linalg.COMPUTE_TYPE_DEFAULT
    exact = (a @ a).cpu().numpy()
    ref = a.cpu().numpy().astype(np.float64) @ a.cpu().numpy().astype(np.float64)
    assert np.abs(exact - ref).max() < np.abs(fast - ref).max()  # TF32 products lose mantissa bits
    np.testing.assert_allclose(fast, ref, rtol=2e-2, atol=2e-1)
