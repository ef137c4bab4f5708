"""Each collective on 2+ ranks (mpi backend, or nccl with --device cuda): results, dtypes, and the error paths."""
import argparse

import numpy as np

import autograd as ag
import autograd.distributed as dist

p = argparse.ArgumentParser()
p.add_argument("--backend", default="mpi")
p.add_argument("--device", default="cpu")
opts = p.parse_args()

try:
    dist.all_reduce(ag.ones(2))
except RuntimeError as err:
    assert "not initialized" in str(err) and "init_process_group" in str(err), err
else:
    raise AssertionError("all_reduce before init_process_group did not raise")
assert not dist.is_initialized()

dist.init_process_group(opts.backend)
rank, world = dist.get_rank(), dist.get_world_size()
dev = opts.device
vals = np.arange(1, world + 1, dtype=np.float64)  # rank r holds r + 1


def t(x, dtype="float32"):
    return ag.tensor(np.asarray(x), dtype=getattr(ag, dtype), device=dev)


def close(x, expected):
    got = np.asarray(x.cpu().numpy(), dtype=np.float64)
    assert np.allclose(got, expected, rtol=1e-3), (got, expected)


for op, expected in [(dist.ReduceOp.SUM, vals.sum()), (dist.ReduceOp.AVG, vals.mean()), (dist.ReduceOp.MAX, world),
                     (dist.ReduceOp.MIN, 1.0), (dist.ReduceOp.PRODUCT, vals.prod())]:
    for dtype in ("float32", "float64", "float16"):
        x = t(np.full((2, 3), rank + 1.0), dtype)
        assert dist.all_reduce(x, op=op) is None
        close(x, np.full((2, 3), expected))
        assert x.dtype == getattr(ag, dtype)
x = t([rank + 1, 10 * (rank + 1)], "int64")
dist.all_reduce(x)
assert x.tolist() == [vals.sum(), 10 * vals.sum()], x
x = t([rank == 0, False], "bool")
dist.all_reduce(x, op="max")
assert x.tolist() == [True, False], x
base = t(np.arange(12.0).reshape(3, 4) * (rank + 1))
view = base[:, 1]  # a non-contiguous view: updated through its base's memory
dist.all_reduce(view)
close(base[:, 1], np.arange(12.0).reshape(3, 4)[:, 1] * vals.sum())
w = dist.all_reduce(t([1.0]), async_op=True)
assert w.wait() and w.is_completed()

x = t(np.full(4, float(rank)))
dist.broadcast(x, src=world - 1)
close(x, np.full(4, world - 1.0))

parts = [t(np.zeros((2, 2))) for _ in range(world)]
dist.all_gather(parts, t(np.full((2, 2), rank + 1.0)))
for r, part in enumerate(parts):
    close(part, np.full((2, 2), r + 1.0))

out = t(np.zeros(3))
dist.reduce_scatter(out, [t(np.full(3, 10.0 * r + rank)) for r in range(world)])
close(out, np.full(3, world * 10.0 * rank + sum(range(world))))
dist.reduce_scatter(out, [t(np.full(3, rank + 1.0)) for r in range(world)], op=dist.ReduceOp.AVG)
close(out, np.full(3, vals.mean()))
dist.barrier()


def expect(exc, words, fn, *args, **kw):
    try:
        fn(*args, **kw)
    except exc as err:
        for w in words:
            assert w in str(err), (w, str(err))
    else:
        raise AssertionError(f"{fn.__name__} did not raise {exc.__name__}")


if world > 1:  # shapes that differ across ranks: every rank raises, naming each rank's shape, and nothing hangs
    expect(RuntimeError, ["do not match", "rank 0: all_reduce(op=sum, shape (2,)",
                          "rank 1: all_reduce(op=sum, shape (3,)"], dist.all_reduce, t(np.ones(2 + rank)))
    expect(RuntimeError, ["do not match", "float64"], dist.broadcast, t(np.ones(2), "float64" if rank else "float32"))
    expect(RuntimeError, ["do not match", "op=max", "op=sum"], dist.all_reduce, t([1.0]), op="max" if rank else "sum")
    expect(RuntimeError, ["do not match", "all_gather", "broadcast"],
           *((dist.broadcast, t([1.0])) if rank else (dist.all_gather, [t([0.0]) for _ in range(world)], t([1.0]))))
expect(ValueError, ["world_size"], dist.all_gather, [t([0.0])] * (world + 1), t([1.0]))
expect(ValueError, ["src must be a rank"], dist.broadcast, t([1.0]), src=world)
expect(TypeError, ["AVG", "floating"], dist.all_reduce, t([1], "int64"), op="avg")
expect(ValueError, ["unknown reduce op"], dist.all_reduce, t([1.0]), op="mean")
expect(TypeError, ["must be a Tensor"], dist.all_reduce, np.ones(2))
other = "cuda" if dev == "cpu" else "cpu"
if other == "cpu" or ag.backend.cuda_unavailable_reason() is None:
    expect(RuntimeError, ["backend communicates", other], dist.all_reduce, ag.ones(2, device=other))
x = t([float(rank)])
dist.all_reduce(x)  # the ranks are still in step after the errors
close(x, [sum(range(world))])

dist.destroy_process_group()
assert not dist.is_initialized()
print(f"rank {rank}: collectives OK", flush=True)
