"""Launcher: `python -m autograd.distributed.run -n N script.py [args]` runs the script on N ranks over mpiexec.

Same as `mpiexec -n N python script.py [args]`, plus: RANK, WORLD_SIZE and LOCAL_RANK are set in each rank's
environment, and a rank that raises (or exits with a non-zero status) prints its rank and the error, then calls
MPI_Abort so that mpiexec ends every rank instead of leaving them waiting in a collective.
"""
import argparse
import os
import runpy
import shlex
import shutil
import subprocess
import sys
import time
import traceback

INSTALL_HINT = "pip install mpi4py mpich (the mpich wheel brings mpiexec)"


def _mpiexec():
    """The mpiexec next to this Python (a virtual environment's), else the first on PATH."""
    here = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    found = here if os.path.exists(here) else shutil.which("mpiexec")
    if found is None:
        raise SystemExit(f"autograd.distributed.run: mpiexec was not found; {INSTALL_HINT}")
    return found


def _parser():
    p = argparse.ArgumentParser(prog="python -m autograd.distributed.run", description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-n", "--nproc", "--nproc-per-node", "--nproc_per_node", dest="n", type=int, default=1,
                   help="number of processes (ranks) to start (default 1)")
    p.add_argument("-m", dest="module", action="store_true", help="the target is a module, run as python -m")
    p.add_argument("--mpiexec-args", default="", help="extra arguments for mpiexec, as one quoted string")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("target", help="the script (or module with -m) to run on every rank")
    p.add_argument("args", nargs=argparse.REMAINDER, help="arguments for the script")
    return p


def _launch(opts):
    """Start N workers under mpiexec and return its exit status."""
    if opts.n < 1:
        raise SystemExit(f"autograd.distributed.run: -n must be at least 1, got {opts.n}")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([root] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    cmd = [_mpiexec(), *shlex.split(opts.mpiexec_args), "-n", str(opts.n), sys.executable, "-m",
           "autograd.distributed.run", "--worker"] + (["-m"] if opts.module else []) + [opts.target, *opts.args]
    return subprocess.call(cmd, env=env)


def _abort(comm, code, what):
    sys.stdout.flush()
    sys.stderr.write(f"autograd.distributed.run: rank {comm.Get_rank()} of {comm.Get_size()} {what}; aborting "
                     "all ranks\n")
    sys.stderr.flush()
    time.sleep(0.5)  # let mpiexec forward the message before the abort tears down its I/O
    comm.Abort(code)


def _work(opts):
    """Run the target on this rank, aborting the whole job when it fails."""
    try:
        from mpi4py import MPI  # optional dependency
    except ImportError as err:
        raise SystemExit(f"autograd.distributed.run: {err}; {INSTALL_HINT}") from None
    comm = MPI.COMM_WORLD
    local = os.environ.get("MPI_LOCALRANKID") or os.environ.get("OMPI_COMM_WORLD_LOCAL_RANK")
    if local is None:
        local = comm.Split_type(MPI.COMM_TYPE_SHARED).Get_rank()
    os.environ.update(RANK=str(comm.Get_rank()), WORLD_SIZE=str(comm.Get_size()), LOCAL_RANK=str(local))
    sys.argv = [opts.target, *opts.args]
    try:
        if opts.module:
            runpy.run_module(opts.target, run_name="__main__", alter_sys=True)
        else:
            sys.path.insert(0, os.path.dirname(os.path.abspath(opts.target)))
            runpy.run_path(opts.target, run_name="__main__")
    except SystemExit as exc:
        if exc.code not in (None, 0):
            _abort(comm, exc.code if isinstance(exc.code, int) else 1, f"exited with status {exc.code!r}")
        raise
    except BaseException as exc:
        traceback.print_exc()
        _abort(comm, 1, f"failed with {type(exc).__name__}: {exc}")


def main(argv=None):
    """Entry point of `python -m autograd.distributed.run`."""
    opts = _parser().parse_args(argv)
    if opts.worker:
        _work(opts)
        return 0
    return _launch(opts)


if __name__ == "__main__":
    sys.exit(main())
