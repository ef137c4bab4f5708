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


def interleaved_medians(fns, repeat=30, warmup=5):
    """Median wall time (s) of each function, timed in alternation so machine noise hits all of them alike."""
    for fn in fns:
        for _ in range(warmup):
            fn()
    times = [[] for _ in fns]
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn()
            times[i].append(time.perf_counter() - t0)
    return [statistics.median(t) for t in times]


def report(name, ours, theirs, unit="ms", scale=1e3):
    """Print one comparison line: ours, torch's, and the ratio."""
    if theirs is None:
        print(f"{name:40s} tapegrad {ours * scale:9.3f} {unit}   (torch not installed)")
    else:
        ratio = f"{ours / theirs:5.2f}" if theirs else "  n/a"
        print(f"{name:40s} tapegrad {ours * scale:9.3f} {unit}   torch {theirs * scale:9.3f} {unit}   "
              f"ratio {ratio}")


def peak_memory_mb(code):
    """Peak resident memory (MB) a training step adds, measured in a fresh process running `code`.

    `code` defines setup() and step(). After setup() the kernel's peak-RSS mark is reset (Linux
    /proc/self/clear_refs) and five steps run; the result is the new peak minus the RSS before them.
    """
    import subprocess
    import sys

    script = code + (
        "\nimport gc\n"
        "def status(key):\n"
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith(key):\n"
        "            return int(line.split()[1])\n"
        "state = setup()\ngc.collect()\n"
        "open('/proc/self/clear_refs', 'w').write('5')\n"
        "base = status('VmRSS')\n"
        "for _ in range(5):\n    step(state)\n"
        "print((status('VmHWM') - base) / 1024)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])
