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


def test_cuda_manual_seed_seeds_the_gpu_streams_only(stand_in):
    ag.manual_seed(0)
    ag.cuda.manual_seed_all(3)
    a = ag.rand(4, device="cuda")
    cpu = ag.rand(4)
    ag.cuda.manual_seed(3)
    assert ag.cuda.initial_seed() == 3
    assert ag.equal(a, ag.rand(4, device="cuda"))
    ag.manual_seed(0)
    assert ag.equal(cpu, ag.rand(4))  # the CPU stream was not touched by the GPU seeds and draws


def test_cuda_rng_state_round_trip(stand_in):
    ag.cuda.manual_seed(11)
    ag.randn(5, device="cuda")
    state = ag.cuda.get_rng_state()
    assert state["seed"] == 11 and state["offset"] == 5
    a = ag.randn(3, device="cuda")
    ag.cuda.set_rng_state(state)
    assert ag.equal(a, ag.randn(3, device="cuda"))
    states = ag.cuda.get_rng_state_all()
    b = ag.rand(2, device="cuda")
    ag.cuda.set_rng_state_all(states)
    assert ag.equal(b, ag.rand(2, device="cuda"))
    with pytest.raises(ValueError, match="set_rng_state: expected the dict"):
        ag.cuda.set_rng_state([1, 2])


@pytest.mark.skipif(not REAL_GPU, reason="needs a GPU")
def test_memory_statistics_follow_allocations():
    ag.cuda.synchronize()
    before = ag.cuda.memory_allocated()
    ag.cuda.reset_peak_memory_stats()
    x = ag.zeros(1024, 1024, device="cuda")
    assert ag.cuda.memory_allocated() >= before + 4 * 1024 * 1024
    del x
    assert ag.cuda.max_memory_allocated() >= before + 4 * 1024 * 1024
