"""Real multi-process jobs on the CPU (mpiexec -n 2), and the same scripts on one GPU rank with NCCL."""
import pytest

from autograd import backend
from autograd.distributed import is_nccl_available

from .jobs import needs_mpi, run_job

needs_nccl = pytest.mark.skipif(backend.cuda_unavailable_reason() is not None or not is_nccl_available(),
                                reason="the NCCL path needs a GPU and cupy with NCCL")


@needs_mpi
@pytest.mark.parametrize("n", [1, 2])
def test_collectives(n):
    code, out, _ = run_job("collectives_check.py", n=n)
    assert code == 0, out
    assert all(f"rank {r}: collectives OK" in out for r in range(n)), out


@needs_mpi
def test_ddp_matches_one_process_and_ranks_agree():
    code, out, _ = run_job("ddp_check.py", n=2)
    assert code == 0, out
    assert "rank 0: DDP OK" in out and "rank 1: DDP OK" in out, out


@needs_mpi
def test_launcher_runs_script_with_arguments():
    code, out, _ = run_job("ddp_check.py", n=2, args=["--backend", "mpi"], launcher=True)
    assert code == 0, out
    assert "rank 0: DDP OK" in out and "rank 1: DDP OK" in out, out


@needs_mpi
@pytest.mark.parametrize("launcher", [False, True], ids=["mpiexec", "launcher"])
def test_failing_rank_ends_the_job(launcher):
    code, out, seconds = run_job("fail_check.py", n=2, launcher=launcher, timeout=120)
    assert code != 0, out
    assert "rank 1 of 2 failed with ValueError: rank one fails on purpose" in out, out
    assert "rank 0 was not stopped" not in out
    assert seconds < 60, f"the job took {seconds:.0f} s to end"


@pytest.mark.parametrize("script", ["collectives_check.py", "ddp_check.py"])
def test_nccl_code_on_the_gpu_stand_in(script):
    """The nccl backend's code paths (staging, pointers, buckets on device arrays) with a one-rank fake NCCL."""
    code, out, _ = run_job(script, fake_nccl=True)
    assert code == 0, out
    assert "rank 0:" in out and "OK" in out and "fake NCCL calls: allGather, allReduce" in out, out


@needs_mpi
@needs_nccl
@pytest.mark.cuda
@pytest.mark.parametrize("script", ["collectives_check.py", "ddp_check.py"])
def test_nccl_one_gpu_rank(script):
    code, out, _ = run_job(script, n=1, args=["--backend", "nccl", "--device", "cuda"])
    assert code == 0, out
    assert "rank 0:" in out and "OK" in out, out
