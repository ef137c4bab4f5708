"""Shared fixtures: `device` runs a test on the CPU and on "cuda" (a real GPU, or the cupy stand-in in CI)."""
import pytest

from autograd import backend
from tests.fake_cupy import FakeArray, fake_cupy

REAL_GPU = backend.cuda_unavailable_reason() is None


@pytest.fixture
def stand_in():
    """Serve "cuda" with the cupy stand-in for this test (no-op on a machine with a real GPU)."""
    if REAL_GPU:
        yield
        return
    backend.install_stand_in(fake_cupy, FakeArray)
    try:
        yield
    finally:
        backend.install_stand_in(None, None)
        backend._pending.clear()  # checks of device data a test queued and never read


@pytest.fixture(params=["cpu", "cuda"])
def device(request):
    """Each device-agnostic test runs once per device."""
    if request.param == "cuda":
        request.getfixturevalue("stand_in")
    return request.param
