"""The "mpi" backend: collectives on contiguous numpy arrays through mpi4py's MPI.COMM_WORLD."""
import numpy as np

INSTALL_HINT = "pip install mpi4py mpich (the wheels bring an MPI library and mpiexec)"


class MPIBackend:
    """One process per rank, CPU tensors; ranks and world size come from mpiexec."""

    name = "mpi"
    device_type = "cpu"

    def __init__(self):
        try:
            from mpi4py import MPI  # optional dependency
        except ImportError as err:
            raise RuntimeError(f"init_process_group(backend='mpi') needs mpi4py and an MPI library ({err}); "
                               f"{INSTALL_HINT}") from None
        self.MPI = MPI
        self.comm = MPI.COMM_WORLD
        self.rank = self.comm.Get_rank()
        self.size = self.comm.Get_size()
        self._ops = {"sum": MPI.SUM, "product": MPI.PROD, "max": MPI.MAX, "min": MPI.MIN}

    @staticmethod
    def wire_dtype(dtype):
        """The dtype an array of `dtype` travels as (MPI has no bool sum and no bfloat16)."""
        if dtype == np.bool_:
            return np.dtype(np.uint8)
        if dtype.name == "bfloat16":
            return np.dtype(np.float32)
        return dtype

    def allreduce(self, buf, op):
        """Reduce `buf` over all ranks, in place."""
        self.comm.Allreduce(self.MPI.IN_PLACE, buf, op=self._ops[op])

    def iallreduce(self, buf, op):
        """Start reducing `buf` in place; returns a handle for wait()."""
        return self.comm.Iallreduce(self.MPI.IN_PLACE, buf, op=self._ops[op])

    def wait(self, handles):
        """Block until every handle from iallreduce has completed."""
        if handles:
            self.MPI.Request.Waitall(handles)

    def broadcast(self, buf, src):
        """Overwrite `buf` with rank src's."""
        self.comm.Bcast(buf, root=src)

    def allgather(self, send, recv):
        """recv[r] = rank r's send."""
        self.comm.Allgather(send, recv)

    def reduce_scatter(self, send, recv, op):
        """recv = the reduction over ranks of send[this rank]."""
        self.comm.Reduce_scatter_block(send, recv, op=self._ops[op])

    def allgather_ints(self, vec):
        """A (world_size, len(vec)) int64 array of every rank's `vec` (used by the cross-rank checks)."""
        vec = np.ascontiguousarray(vec, dtype=np.int64)
        out = np.empty((self.size, vec.size), np.int64)
        self.comm.Allgather(vec, out)
        return out

    def barrier(self):
        """Wait until every rank has reached this point."""
        self.comm.Barrier()

    def abort(self, code=1):
        """End every rank of the job (MPI_Abort)."""
        self.comm.Abort(code)

    def close(self):
        """Nothing to release: mpi4py finalizes MPI at exit."""
