"""Collectives on Tensors, in place as in torch.distributed: all_reduce, broadcast, all_gather, reduce_scatter."""
import zlib

import numpy as np

from .. import backend, dtypes
from .._tensor import Tensor
from ..ops.inplace import bump
from . import group as _g


class ReduceOp:
    """How all_reduce / reduce_scatter combine the ranks' values."""

    SUM = "sum"
    AVG = "avg"
    PRODUCT = "product"
    MIN = "min"
    MAX = "max"


_OPS = {"sum": 1, "avg": 2, "product": 3, "min": 4, "max": 5}
_KINDS = {"all_reduce": 1, "broadcast": 2, "all_gather": 3, "reduce_scatter": 4}
_MAX_DIMS = 8


class _Work:
    """What an async_op=True call returns: the work is already complete, so wait() returns at once."""

    def wait(self, timeout=None):
        """True: the collective has completed."""
        return True

    def is_completed(self):
        """True: the collective has completed."""
        return True


def _check_group(group, op):
    if group is not None:
        raise ValueError(f"{op}: only the default group (group=None) is supported")


def _op_name(op, tensor, name):
    key = getattr(op, "name", op)
    key = key.lower() if isinstance(key, str) else key
    key = "product" if key == "prod" else key
    if key not in _OPS:
        raise ValueError(f"{name}: unknown reduce op {op!r}: expected one of ReduceOp.SUM, AVG, PRODUCT, MIN, MAX")
    if key == "avg" and tensor.dtype not in dtypes.FLOATS:
        raise TypeError(f"{name}: ReduceOp.AVG needs a floating point tensor, got dtype {tensor.dtype}; use SUM and "
                        "divide, or convert with .float() first")
    return key


def _target(tensor, name, group, what="tensor"):
    """Validate a tensor that a collective reads or writes, returning it."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{name}: {what} must be a Tensor, got {type(tensor).__name__}")
    if tensor.device.type != group.device_type:
        other = "nccl" if group.device_type == "cpu" else "mpi"
        raise RuntimeError(f"{name}: the {group.name} backend communicates {group.device_type} tensors, but {what} is "
                           f"on '{tensor.device}'; move it with .to('{group.device_type}') or use backend='{other}'")
    if not backend.is_writeable(tensor.array):
        raise RuntimeError(f"{name}: {what} (shape {tuple(tensor.shape)}) is a read-only view; clone() it first")
    return tensor


def _signature(kind, op, root, tensor, count=0):
    """An int64 vector describing one rank's call, compared across ranks by check_same."""
    shape = tuple(tensor.shape)
    dims = list(shape[:_MAX_DIMS]) + [-1] * (_MAX_DIMS - min(len(shape), _MAX_DIMS))
    code = zlib.crc32(tensor.dtype.name.encode()) & 0x7FFFFFFF
    return [_KINDS[kind], _OPS.get(op, 0), root, code, len(shape), tensor.array.size, count] + dims


def _describe(row, dtype_names):
    kind = {v: k for k, v in _KINDS.items()}.get(int(row[0]), "?")
    op = {v: k for k, v in _OPS.items()}.get(int(row[1]))
    ndim = int(row[4])
    shape = tuple(int(d) for d in row[7:7 + min(ndim, _MAX_DIMS)]) + (("...",) if ndim > _MAX_DIMS else ())
    extra = f"op={op}, " if op else ""
    extra += f"src={int(row[2])}, " if kind == "broadcast" else ""
    extra += f"{int(row[6])} tensors in the list, " if kind in ("all_gather", "reduce_scatter") else ""
    return f"{kind}({extra}shape {shape}, {dtype_names.get(int(row[3]), 'dtype #' + str(int(row[3])))})"


def check_same(group, name, sig):
    """Raise on every rank, naming each rank's call, when the ranks' calls differ (instead of hanging)."""
    if not _g._checks or group.size == 1:
        return
    rows = group.allgather_ints(np.asarray(sig, np.int64))
    if (rows == rows[0]).all():
        return
    names = {zlib.crc32(n.encode()) & 0x7FFFFFFF: n for n in _dtype_names()}
    calls = "; ".join(f"rank {r}: {_describe(row, names)}" for r, row in enumerate(rows))
    raise RuntimeError(f"{name}: the ranks' calls do not match ({calls}); every rank must call the same collective "
                       "with tensors of the same shape and dtype, in the same order (this check costs one small "
                       "all-gather per call; TAPEGRAD_DISTRIBUTED_CHECKS=0 turns it off)")


def _dtype_names():
    known = [*dtypes.FLOATS, *dtypes.INTEGERS, np.bool_, np.uint16, np.uint32, np.uint64]
    return [np.dtype(d).name for d in known] + ["bfloat16"]


def _staged(group, x):
    """A contiguous buffer of x's values in a dtype the backend can send (x itself when it already is one)."""
    wire = group.wire_dtype(x.dtype)
    xp = backend.array_module(x)
    if wire == x.dtype and x.flags.c_contiguous:
        return x
    return xp.ascontiguousarray(x.astype(wire) if wire != x.dtype else x)


def _write_back(tensor, buf):
    """Copy a staged result into the tensor's memory (a no-op when buf is that memory) and record the change."""
    if buf is not tensor.array:
        tensor.array[...] = buf.astype(tensor.dtype) if tensor.dtype != np.bool_ else buf != 0
    bump(tensor)


def _divide(buf, size):
    buf /= size


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Combine `tensor` over all ranks with `op` (sum, avg, product, min, max); every rank gets the result."""
    g = _g.current("all_reduce")
    _check_group(group, "all_reduce")
    _target(tensor, "all_reduce", g)
    key = _op_name(op, tensor, "all_reduce")
    check_same(g, "all_reduce", _signature("all_reduce", key, 0, tensor))
    buf = _staged(g, tensor.array)
    g.allreduce(buf, "sum" if key == "avg" else key)
    if key == "avg":
        _divide(buf, g.size)
    _write_back(tensor, buf)
    return _Work() if async_op else None


def broadcast(tensor, src=0, group=None, async_op=False):
    """Overwrite `tensor` on every rank with rank src's."""
    g = _g.current("broadcast")
    _check_group(group, "broadcast")
    _target(tensor, "broadcast", g)
    if isinstance(src, bool) or not isinstance(src, (int, np.integer)) or not 0 <= src < g.size:
        raise ValueError(f"broadcast: src must be a rank in [0, {g.size}), got {src!r}")
    check_same(g, "broadcast", _signature("broadcast", None, int(src), tensor))
    buf = _staged(g, tensor.array)
    g.broadcast(buf, int(src))
    _write_back(tensor, buf)
    return _Work() if async_op else None


def _check_list(tensors, like, name, size, what):
    if not isinstance(tensors, (list, tuple)) or len(tensors) != size:
        n = len(tensors) if isinstance(tensors, (list, tuple)) else type(tensors).__name__
        raise ValueError(f"{name}: {what} must be a list of world_size={size} tensors, got {n}")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor) or t.shape != like.shape or t.dtype != like.dtype or t.device != like.device:
            got = f"shape {tuple(t.shape)} {t.dtype} on {t.device}" if isinstance(t, Tensor) else type(t).__name__
            raise ValueError(f"{name}: {what}[{i}] is {got}, but it must match the tensor: shape "
                             f"{tuple(like.shape)} {like.dtype} on {like.device}")


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """Fill tensor_list[r] with rank r's `tensor`, on every rank."""
    g = _g.current("all_gather")
    _check_group(group, "all_gather")
    _target(tensor, "all_gather", g)
    _check_list(tensor_list, tensor, "all_gather", g.size, "tensor_list")
    for i, t in enumerate(tensor_list):
        _target(t, "all_gather", g, f"tensor_list[{i}]")
    check_same(g, "all_gather", _signature("all_gather", None, 0, tensor, len(tensor_list)))
    send = _staged(g, tensor.array)
    recv = tensor.xp.empty((g.size,) + tuple(tensor.shape), send.dtype)
    g.allgather(send, recv)
    for t, part in zip(tensor_list, recv):
        _write_back(t, part)
    return _Work() if async_op else None


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    """Set `output` to the reduction over ranks of their input_list[this rank]."""
    g = _g.current("reduce_scatter")
    _check_group(group, "reduce_scatter")
    _target(output, "reduce_scatter", g, "output")
    key = _op_name(op, output, "reduce_scatter")
    _check_list(input_list, output, "reduce_scatter", g.size, "input_list")
    check_same(g, "reduce_scatter", _signature("reduce_scatter", key, 0, output, len(input_list)))
    xp = output.xp
    send = xp.ascontiguousarray(xp.stack([t.array for t in input_list]).astype(g.wire_dtype(output.dtype)))
    recv = xp.empty(tuple(output.shape), send.dtype)
    g.reduce_scatter(send, recv, "sum" if key == "avg" else key)
    if key == "avg":
        _divide(recv, g.size)
    _write_back(output, recv)
    return _Work() if async_op else None


def barrier(group=None, async_op=False, device_ids=None):
    """Wait until every rank has called barrier()."""
    g = _g.current("barrier")
    _check_group(group, "barrier")
    g.barrier()
    return _Work() if async_op else None
