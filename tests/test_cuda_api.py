"""autograd.cuda: the API answers sensibly with and without a GPU."""
import pytest

import autograd as ag
from tests.conftest import REAL_GPU


def test_is_available_matches_backend():
    assert ag.cuda.is_available() == REAL_GPU
    assert ag.cuda.device_count() >= (1 if REAL_GPU else 0)


@pytest.mark.skipif(REAL_GPU, reason="this machine has a GPU")
def test_without_gpu_queries_explain_why():
    assert ag.cuda.device_count() == 0
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        ag.cuda.current_device()
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        ag.cuda.synchronize()
    assert ag.cuda.memory_allocated() == 0 and ag.cuda.max_memory_allocated() == 0
    ag.cuda.empty_cache()
    ag.cuda.reset_peak_memory_stats()


def test_manual_seed_seeds_the_shared_generator():
    ag.cuda.manual_seed_all(3)
    a = ag.rand(4)
    ag.cuda.manual_seed(3)
    assert ag.equal(a, ag.rand(4))


@pytest.mark.skipif(not REAL_GPU, reason="needs a GPU")
def test_memory_statistics_follow_allocations():
    ag.cuda.synchronize()
    before = ag.cuda.memory_allocated()
    ag.cuda.reset_peak_memory_stats()
    x = ag.zeros(1024, 1024, device="cuda")
    assert ag.cuda.memory_allocated() >= before + 4 * 1024 * 1024
    del x
    assert ag.cuda.max_memory_allocated() >= before + 4 * 1024 * 1024
