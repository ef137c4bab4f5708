"""A test-only NCCL for one rank on the cupy stand-in: lets CI run the nccl backend's code without a GPU.

Device arrays are tests.fake_cupy arrays given a `.data.ptr`; the fake communicator copies bytes by pointer, which is
what NCCL does for a single rank. install() patches autograd.backend for the current process only.
"""
import ctypes
import sys
import types

from autograd import backend
from tests.fake_cupy import FakeArray, fake_cupy

_SIZES = {}  # NCCL datatype code -> bytes per element
calls = []


class _Communicator:
    def __init__(self, ndev, unique_id, rank):
        if ndev != 1 or rank != 0 or len(unique_id) != 128:
            raise RuntimeError(f"fake NCCL serves one rank only, got ndev={ndev} rank={rank}")

    def allReduce(self, send, recv, count, dtype, op, stream):  # noqa: N802 (cupy's names)
        calls.append("allReduce")
        ctypes.memmove(recv, send, count * _SIZES[dtype])

    def bcast(self, buf, count, dtype, root, stream):
        calls.append("bcast")

    def allGather(self, send, recv, count, dtype, stream):  # noqa: N802
        calls.append("allGather")
        ctypes.memmove(recv, send, count * _SIZES[dtype])

    def reduceScatter(self, send, recv, count, dtype, op, stream):  # noqa: N802
        calls.append("reduceScatter")
        ctypes.memmove(recv, send, count * _SIZES[dtype])

    def destroy(self):
        calls.append("destroy")

    def abort(self):
        calls.append("abort")


class _CupyWithNCCL:
    """fake_cupy plus the cupy.cuda pieces the nccl backend uses."""

    def __init__(self, nccl):
        stream = types.SimpleNamespace(ptr=0, synchronize=lambda: None)
        self.cuda = types.SimpleNamespace(runtime=types.SimpleNamespace(getDeviceCount=lambda: 1),
                                          Device=lambda i: types.SimpleNamespace(use=lambda: None),
                                          get_current_stream=lambda: stream, nccl=nccl)

    def __getattr__(self, name):
        return getattr(fake_cupy, name)


def install():
    """Serve "cuda" with the stand-in and make cupy.cuda.nccl the fake, in this process."""
    nccl = types.ModuleType("cupy.cuda.nccl")
    nccl.available = True
    nccl.get_unique_id = lambda: tuple([7] * 128)
    nccl.NcclCommunicator = _Communicator
    for code, (name, size) in enumerate([("INT8", 1), ("UINT8", 1), ("INT32", 4), ("UINT32", 4), ("INT64", 8),
                                         ("UINT64", 8), ("FLOAT16", 2), ("FLOAT32", 4), ("FLOAT64", 8)]):
        setattr(nccl, "NCCL_" + name, code)
        _SIZES[code] = size
    for code, name in enumerate(["SUM", "PROD", "MAX", "MIN"]):
        setattr(nccl, "NCCL_" + name, code)
    FakeArray.data = property(lambda self: types.SimpleNamespace(ptr=self._a.ctypes.data))
    backend.install_stand_in(fake_cupy, FakeArray)
    backend.cupy = _CupyWithNCCL(nccl)
    backend.cuda_unavailable_reason = lambda: None
    sys.modules["cupy.cuda.nccl"] = nccl
