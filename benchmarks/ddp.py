"""DDP throughput: the MLP benchmark's training step (784-512-512-10, SGD momentum) on 1 and 2 processes.

Run `python -m benchmarks.ddp` (needs mpi4py and mpiexec: pip install mpi4py mpich). Each process trains on its
own batch of --batch samples (weak scaling, as DDP is used), BLAS threads are split evenly between the processes,
and throughput is samples per second over all processes. The 1-process row also times the step without DDP.

Results are recorded in benchmarks/RESULTS.md.
"""
import argparse
import json
import os
import subprocess
import sys

from benchmarks.common import median_time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def worker(batch, repeat):
    """One rank: time the DDP step (and, alone, the plain step); rank 0 prints a JSON line."""
    import numpy as np

    import autograd as ag
    import autograd.distributed as dist
    import nn
    import optim

    dist.init_process_group("mpi")
    rank, world = dist.get_rank(), dist.get_world_size()
    ag.manual_seed(0)
    rng = np.random.default_rng(rank)
    x = ag.tensor(rng.standard_normal((batch, 784), dtype=np.float32))
    y = ag.tensor(rng.integers(0, 10, batch))

    def make(wrap):
        net = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
        model = nn.parallel.DistributedDataParallel(net) if wrap else net
        return model, optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step(model, opt):
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()

    result = {"processes": world, "batch_per_process": batch}
    ddp, opt = make(True)
    dist.barrier()
    result["ddp_step_s"] = median_time(lambda: step(ddp, opt), repeat)
    if world == 1:
        net, opt = make(False)
        result["plain_step_s"] = median_time(lambda: step(net, opt), repeat)
    if rank == 0:
        print("RESULT " + json.dumps(result), flush=True)
    dist.destroy_process_group()


def run(n, batch, repeat, threads=None):
    """Launch `n` workers under mpiexec; their rank 0's timings."""
    threads = str(threads or max(1, (os.cpu_count() or 1) // n))
    env = dict(os.environ, OMP_NUM_THREADS=threads, OPENBLAS_NUM_THREADS=threads, MKL_NUM_THREADS=threads)
    env["PYTHONPATH"] = os.pathsep.join([ROOT] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    cmd = [sys.executable, "-m", "autograd.distributed.run", "-n", str(n), "-m", "benchmarks.ddp", "--worker",
           "--batch", str(batch), "--repeat", str(repeat)]
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    lines = [line for line in out.stdout.splitlines() if line.startswith("RESULT ")]
    if out.returncode != 0 or not lines:
        raise SystemExit(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    return json.loads(lines[-1][len("RESULT "):]) | {"blas_threads": int(threads)}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--batch", type=int, default=128, help="samples per process and step")
    p.add_argument("--repeat", type=int, default=30)
    p.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    p.add_argument("--threads", type=int, default=None, help="BLAS threads per process (default: cores / processes)")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        worker(args.batch, args.repeat)
        return
    base = None
    for n in args.processes:
        r = run(n, args.batch, args.repeat, args.threads)
        rate = n * args.batch / r["ddp_step_s"]
        base = base or rate
        line = (f"mlp 784-512-512-10 b{args.batch}/proc, {n} proc ({r['blas_threads']} BLAS thr each): "
                f"step {r['ddp_step_s'] * 1e3:8.2f} ms   {rate:8.0f} samples/s   x{rate / base:4.2f}")
        if "plain_step_s" in r:
            line += f"   (no DDP: {r['plain_step_s'] * 1e3:.2f} ms)"
        print(line, flush=True)


if __name__ == "__main__":
    main()
