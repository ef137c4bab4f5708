"""The "nccl" backend: collectives on contiguous cupy arrays through cupy.cuda.nccl, one GPU per process."""
import importlib
import os

import numpy as np

from .. import backend


class NCCLBackend:
    """One GPU per rank (device local_rank % GPU count); work is queued on the current CUDA stream."""

    name = "nccl"
    device_type = "cuda"

    @staticmethod
    def check_available():
        """Raise a clear error when there is no GPU or cupy has no NCCL; returns cupy.cuda.nccl."""
        reason = backend.cuda_unavailable_reason()
        if reason is not None:
            raise RuntimeError(f"init_process_group(backend='nccl') needs a GPU: {reason}")
        try:
            nccl = importlib.import_module("cupy.cuda.nccl")
        except ImportError as err:
            nccl, reason = None, str(err)
        if nccl is None or not getattr(nccl, "available", True):
            raise RuntimeError(f"init_process_group(backend='nccl'): cupy has no NCCL here ({reason or 'unavailable'}"
                               "); install the cupy wheel matching your CUDA (pip install nvidia-nccl-cu12 if "
                               "cupy cannot find libnccl)")
        return nccl

    def __init__(self, rank, size, local_rank, exchange):
        self.nccl = self.check_available()
        self.cupy = backend.cupy
        self.rank, self.size = rank, size
        self.device = local_rank % self.cupy.cuda.runtime.getDeviceCount()
        self.cupy.cuda.Device(self.device).use()
        uid = exchange(self.nccl.get_unique_id() if rank == 0 else None)
        self.comm = self.nccl.NcclCommunicator(size, tuple(uid), rank)
        n = self.nccl
        self._ops = {"sum": n.NCCL_SUM, "product": n.NCCL_PROD, "max": n.NCCL_MAX, "min": n.NCCL_MIN}
        self._types = {"int8": n.NCCL_INT8, "uint8": n.NCCL_UINT8, "int32": n.NCCL_INT32, "uint32": n.NCCL_UINT32,
                       "int64": n.NCCL_INT64, "uint64": n.NCCL_UINT64, "float16": n.NCCL_FLOAT16,
                       "float32": n.NCCL_FLOAT32, "float64": n.NCCL_FLOAT64}

    @staticmethod
    def wire_dtype(dtype):
        """The dtype an array of `dtype` travels as (NCCL has no bool and no 16-bit integers)."""
        if dtype == np.bool_:
            return np.dtype(np.uint8)
        if dtype in (np.int16, np.uint16):
            return np.dtype(np.int32)
        return dtype

    def _args(self, buf):
        return buf.data.ptr, buf.size, self._types[buf.dtype.name]

    def _stream(self):
        return self.cupy.cuda.get_current_stream().ptr

    def allreduce(self, buf, op):
        """Reduce `buf` over all ranks, in place (queued on the current stream)."""
        ptr, count, dtype = self._args(buf)
        self.comm.allReduce(ptr, ptr, count, dtype, self._ops[op], self._stream())

    def iallreduce(self, buf, op):
        """Queue the reduction; later work on the same stream sees its result, so there is nothing to wait for."""
        self.allreduce(buf, op)

    def wait(self, handles):
        """Nothing: NCCL work is ordered on the stream."""

    def broadcast(self, buf, src):
        """Overwrite `buf` with rank src's."""
        ptr, count, dtype = self._args(buf)
        self.comm.bcast(ptr, count, dtype, src, self._stream())

    def allgather(self, send, recv):
        """recv[r] = rank r's send."""
        ptr, count, dtype = self._args(send)
        self.comm.allGather(ptr, recv.data.ptr, count, dtype, self._stream())

    def reduce_scatter(self, send, recv, op):
        """recv = the reduction over ranks of send[this rank]."""
        ptr, count, dtype = self._args(recv)
        self.comm.reduceScatter(send.data.ptr, ptr, count, dtype, self._ops[op], self._stream())

    def allgather_ints(self, vec):
        """A (world_size, len(vec)) int64 numpy array of every rank's `vec` (used by the cross-rank checks)."""
        send = self.cupy.asarray(np.asarray(vec, dtype=np.int64))
        recv = self.cupy.empty((self.size, send.size), np.int64)
        self.allgather(send, recv)
        return self.cupy.asnumpy(recv)

    def barrier(self):
        """Wait until every rank has reached this point (an all-reduce of one number, then a stream sync)."""
        self.allreduce(self.cupy.zeros(1, np.float32), "sum")
        self.cupy.cuda.get_current_stream().synchronize()

    def abort(self, code=1):
        """End this rank, through MPI_Abort when the job runs under mpiexec (which then ends the others)."""
        try:
            self.comm.abort()
        finally:
            try:
                from mpi4py import MPI  # optional dependency
            except ImportError:
                os._exit(code)
            MPI.COMM_WORLD.Abort(code)

    def close(self):
        """Release the NCCL communicator."""
        self.cupy.cuda.get_current_stream().synchronize()
        self.comm.destroy()
