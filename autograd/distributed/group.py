"""The default process group: init_process_group, rank and world size, and taking the job down on an error."""
import importlib
import os
import sys
import time

from .. import backend
from .mpi_backend import MPIBackend
from .nccl_backend import NCCLBackend
from .store import share

_group = None  # the active backend object (MPIBackend or NCCLBackend), or None
_checks = True  # verify shapes/dtypes across ranks before each collective (TAPEGRAD_DISTRIBUTED_CHECKS=0: off)
_prev_excepthook = None

LAUNCH_HINT = "launch with `mpiexec -n N python script.py` or `python -m autograd.distributed.run -n N script.py`"


def _env_int(name, default=None):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"init_process_group: environment variable {name}={value!r} is not an integer") from None


def _mpi_comm():
    """MPI.COMM_WORLD when mpi4py is importable, else None."""
    try:
        from mpi4py import MPI  # optional dependency
    except ImportError:
        return None
    return MPI.COMM_WORLD


def _local_rank(comm):
    """This process's index among the processes of its machine (LOCAL_RANK, or MPI's own)."""
    for name in ("LOCAL_RANK", "MPI_LOCALRANKID", "OMPI_COMM_WORLD_LOCAL_RANK", "PMIX_LOCAL_RANK"):
        value = _env_int(name)
        if value is not None:
            return value
    if comm is not None and comm.Get_size() > 1:
        from mpi4py import MPI  # optional dependency

        return comm.Split_type(MPI.COMM_TYPE_SHARED).Get_rank()
    return 0


def init_process_group(backend="mpi", init_method=None, timeout=None, world_size=-1, rank=-1, store=None,
                       group_name="", pg_options=None, device_id=None):
    """Join the default process group: backend "mpi" (CPU tensors, via mpi4py) or "nccl" (GPU tensors, via cupy)."""
    global _group, _checks
    if _group is not None:
        raise RuntimeError("init_process_group: the default process group is already initialized; call "
                           "destroy_process_group() first")
    name = str(backend or "mpi").lower()
    world_size = world_size if world_size is not None and world_size >= 0 else _env_int("WORLD_SIZE")
    rank = rank if rank is not None and rank >= 0 else _env_int("RANK")
    if name == "mpi":
        group = MPIBackend()
        for what, asked, actual in (("WORLD_SIZE", world_size, group.size), ("RANK", rank, group.rank)):
            if asked is not None and asked != actual:
                raise RuntimeError(f"init_process_group(backend='mpi'): {what} is {asked} but MPI says {actual}; "
                                   f"the mpi backend takes ranks from mpiexec: {LAUNCH_HINT}")
    elif name == "nccl":
        NCCLBackend.check_available()  # before MPI starts, so a machine without a GPU fails fast and cleanly
        comm = _mpi_comm()
        if world_size is None:
            world_size = comm.Get_size() if comm is not None else 1
            rank = comm.Get_rank() if comm is not None else 0
        elif rank is None:
            raise ValueError("init_process_group(backend='nccl'): WORLD_SIZE is set but RANK is not; set both")
        if not 0 <= rank < world_size:
            raise ValueError(f"init_process_group: rank {rank} is not in [0, {world_size})")
        local = _local_rank(comm) if device_id is None else int(getattr(device_id, "index", device_id) or 0)
        group = NCCLBackend(rank, world_size, local, _id_exchange(comm, rank, world_size, init_method, timeout))
    else:
        raise ValueError(f"init_process_group: unknown backend {backend!r}: expected 'mpi' (CPU tensors) or "
                         "'nccl' (GPU tensors)")
    _checks = os.environ.get("TAPEGRAD_DISTRIBUTED_CHECKS", "1") not in ("0", "off", "OFF", "false")
    _group = group
    _install_excepthook()


def _id_exchange(comm, rank, world_size, init_method, timeout):
    """A function that hands rank 0's NCCL unique id to every rank: over MPI when it spans the job, else TCP."""
    if world_size == 1:
        return lambda value: value
    if comm is not None and comm.Get_size() == world_size:
        return lambda value: comm.bcast(value, root=0)
    addr, port = os.environ.get("MASTER_ADDR"), _env_int("MASTER_PORT")
    if init_method and init_method.startswith("tcp://"):
        addr, _, port_text = init_method[len("tcp://"):].rpartition(":")
        port = int(port_text)
    if addr is None or port is None:
        raise RuntimeError("init_process_group(backend='nccl'): several ranks but no MPI job and no MASTER_ADDR/"
                           f"MASTER_PORT (or init_method='tcp://host:port') to meet at; {LAUNCH_HINT}")
    seconds = timeout.total_seconds() if hasattr(timeout, "total_seconds") else (timeout or 300)

    def exchange(uid):  # the id is a tuple of 128 signed chars: it travels as bytes
        data = share(bytes(b & 0xFF for b in uid) if rank == 0 else b"", rank, world_size, addr, port, seconds)
        return tuple(b - 256 if b > 127 else b for b in data)

    return exchange


def _fatal_excepthook(exc_type, exc, tb):
    """Print the error, name the rank, and abort every rank so none is left waiting in a collective."""
    (_prev_excepthook or sys.__excepthook__)(exc_type, exc, tb)
    group = _group
    if group is None or group.size == 1:
        return
    sys.stderr.write(f"autograd.distributed: rank {group.rank} of {group.size} failed with {exc_type.__name__}: "
                     f"{exc}; aborting the whole job so that the other ranks do not hang\n")
    sys.stderr.flush()
    time.sleep(0.5)  # let mpiexec forward the message before the abort tears down its I/O
    group.abort(1)


def _install_excepthook():
    global _prev_excepthook
    if sys.excepthook is not _fatal_excepthook:
        _prev_excepthook = sys.excepthook
        sys.excepthook = _fatal_excepthook


def destroy_process_group(group=None):
    """Leave the default process group (collectives raise afterwards until init_process_group is called again)."""
    global _group
    if _group is None:
        raise RuntimeError("destroy_process_group: the default process group is not initialized")
    _group.close()
    _group = None
    if sys.excepthook is _fatal_excepthook:
        sys.excepthook = _prev_excepthook or sys.__excepthook__


def current(op):
    """The active backend, or a clear error naming `op` when init_process_group has not run."""
    if _group is None:
        raise RuntimeError(f"{op}: the default process group is not initialized: call "
                           "autograd.distributed.init_process_group(backend='mpi') (or 'nccl') first, and "
                           f"{LAUNCH_HINT}")
    return _group


def is_initialized():
    """True between init_process_group and destroy_process_group."""
    return _group is not None


def get_rank(group=None):
    """This process's rank in the default group."""
    return current("get_rank").rank


def get_world_size(group=None):
    """The number of processes in the default group."""
    return current("get_world_size").size


def get_backend(group=None):
    """The backend name of the default group: "mpi" or "nccl"."""
    return current("get_backend").name


def is_available():
    """True: this build has the distributed package (mpi4py and cupy are checked when a group starts)."""
    return True


def is_mpi_available():
    """True when mpi4py (and an MPI library) can be imported."""
    try:
        from mpi4py import MPI  # noqa: F401 (optional dependency)
    except ImportError:
        return False
    return True


def is_nccl_available():
    """True when cupy with NCCL and a GPU are usable."""
    if backend.cuda_unavailable_reason() is not None:
        return False
    try:
        return bool(getattr(importlib.import_module("cupy.cuda.nccl"), "available", False))
    except ImportError:
        return False
