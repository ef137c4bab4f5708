"""Benchmark helpers: median timings, optional torch, and a results line."""
import statistics
import time


def torch_or_none():
    """The torch module when installed (for side-by-side runs), else None."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(_threads())
    return torch


def _threads():
    import os

    return int(os.environ.get("BENCH_THREADS", os.cpu_count() or 1))


def median_time(fn, repeat=30, warmup=5):
    """Median wall time of fn() in seconds over `repeat` runs after `warmup` runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def report(name, ours, theirs, unit="ms", scale=1e3):
    """Print one comparison line: ours, torch's, and the ratio."""
    if theirs is None:
        print(f"{name:40s} tapegrad {ours * scale:9.3f} {unit}   (torch not installed)")
    else:
        print(f"{name:40s} tapegrad {ours * scale:9.3f} {unit}   torch {theirs * scale:9.3f} {unit}   "
              f"ratio {ours / theirs:5.2f}")


def peak_memory_mb(code):
    """Extra peak resident memory (MB) of running `code` (a Python snippet defining setup() and step()).

    Runs in a fresh process: setup() and one warm-up step, then the peak RSS growth over five more steps.
    """
    import subprocess
    import sys

    script = code + (
        "\nimport resource\nstate = setup()\nstep(state)\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "for _ in range(5):\n    step(state)\n"
        "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])
