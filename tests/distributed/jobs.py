"""Helpers for the distributed tests: run a script under mpiexec (or the launcher) in a fresh process group."""
import importlib.util
import os
import shutil
import signal
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scripts")


def mpiexec():
    """The mpiexec beside this Python, else the first on PATH, else None."""
    here = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    return here if os.path.exists(here) else shutil.which("mpiexec")


needs_mpi = pytest.mark.skipif(
    mpiexec() is None or importlib.util.find_spec("mpi4py") is None,
    reason="multi-process tests need mpiexec and mpi4py: pip install mpi4py mpich")


def run_job(script, n=2, args=(), launcher=False, fake_nccl=False, timeout=120):
    """Run tests/distributed/scripts/<script> on n ranks (one plain process with fake_nccl); returns
    (returncode, output, seconds)."""
    import time

    path = os.path.join(SCRIPTS, script)
    if fake_nccl:
        cmd = [sys.executable, os.path.join(SCRIPTS, "with_fake_nccl.py"), script]
    elif launcher:
        cmd = [sys.executable, "-m", "autograd.distributed.run", "-n", str(n), path, *args]
    else:
        cmd = [mpiexec(), "-n", str(n), sys.executable, path, *args]
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env["PYTHONPATH"] = os.pathsep.join([ROOT] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # mpiexec and the ranks it started
        out, _ = proc.communicate()
        pytest.fail(f"{' '.join(cmd)} did not finish within {timeout} s; output:\n{out}")
    return proc.returncode, out, time.monotonic() - start
