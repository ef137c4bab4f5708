"""In-process checks that need no MPI job: errors before init_process_group, DistributedSampler, the rendezvous."""
import socket
import threading

import numpy as np
import pytest

import autograd as ag
import autograd.distributed as dist
from autograd.distributed.store import share


@pytest.mark.parametrize("call", [
    lambda: dist.all_reduce(ag.ones(2)), lambda: dist.broadcast(ag.ones(2), 0),
    lambda: dist.all_gather([ag.ones(2)], ag.ones(2)), lambda: dist.reduce_scatter(ag.ones(2), [ag.ones(2)]),
    dist.barrier, dist.get_rank, dist.get_world_size, dist.destroy_process_group])
def test_before_init_process_group(call):
    assert not dist.is_initialized()
    with pytest.raises(RuntimeError, match="not initialized"):
        call()


def test_ddp_before_init_process_group():
    import nn

    with pytest.raises(RuntimeError, match="DistributedDataParallel: the default process group is not initialized"):
        nn.parallel.DistributedDataParallel(nn.Linear(2, 2))


def test_unknown_backend():
    with pytest.raises(ValueError, match="unknown backend 'gloo'"):
        dist.init_process_group("gloo")


def shards(n, world, **kw):
    return [list(dist.DistributedSampler(range(n), num_replicas=world, rank=r, **kw)) for r in range(world)]


@pytest.mark.parametrize("n,world", [(10, 2), (11, 2), (10, 3), (2, 4)])
def test_sampler_pads_to_equal_shards(n, world):
    parts = shards(n, world, shuffle=False)
    assert len({len(p) for p in parts}) == 1
    assert len(parts[0]) == -(-n // world) == len(dist.DistributedSampler(range(n), world, 0))
    assert set().union(*parts) == set(range(n))  # every sample is seen; padding repeats the first ones
    if n % world == 0:
        assert sorted(sum(parts, [])) == list(range(n))


@pytest.mark.parametrize("n,world", [(11, 2), (10, 3), (9, 3)])
def test_sampler_drop_last(n, world):
    parts = shards(n, world, shuffle=False, drop_last=True)
    assert all(len(p) == n // world for p in parts)
    flat = sum(parts, [])
    assert len(set(flat)) == len(flat)


def test_sampler_set_epoch_reshuffles_the_same_way_on_every_rank():
    samplers = [dist.DistributedSampler(range(20), num_replicas=2, rank=r, seed=3) for r in range(2)]
    first = [list(s) for s in samplers]
    assert sorted(first[0] + first[1]) == list(range(20))
    assert first == [list(s) for s in samplers]  # the same epoch gives the same order
    for s in samplers:
        s.set_epoch(1)
    second = [list(s) for s in samplers]
    assert second != first and sorted(second[0] + second[1]) == list(range(20))


def test_sampler_bad_arguments():
    with pytest.raises(ValueError, match="invalid rank 2"):
        dist.DistributedSampler(range(4), num_replicas=2, rank=2)
    with pytest.raises(ValueError, match="num_replicas must be a positive int"):
        dist.DistributedSampler(range(4), num_replicas=0, rank=0)
    with pytest.raises(RuntimeError, match="not initialized"):
        dist.DistributedSampler(range(4))


def test_rendezvous_shares_rank0_bytes():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    got = {}

    def rank(r, value):
        got[r] = share(value, r, 3, "127.0.0.1", port, timeout=30)

    threads = [threading.Thread(target=rank, args=(r, bytes([r]) * 128)) for r in (1, 2, 0)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert got == {r: bytes(128) for r in range(3)}


def test_rendezvous_times_out_clearly():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(RuntimeError, match="could not reach rank 0"):
        share(b"", 1, 2, "127.0.0.1", port, timeout=0.5)


def test_nccl_without_gpu_is_a_clear_error():
    if ag.backend.cuda_unavailable_reason() is None:
        pytest.skip("a GPU is present")
    with pytest.raises(RuntimeError, match="needs a GPU"):
        dist.init_process_group("nccl", world_size=1, rank=0)
    assert not dist.is_initialized()
    np.testing.assert_equal(dist.is_nccl_available(), False)
