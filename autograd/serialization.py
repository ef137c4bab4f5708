"""save/load: tensors in the safetensors format, other values as JSON metadata; no pickle, written atomically."""
import json
import os
import struct
import tempfile

import numpy as np

from . import backend, dtypes
from .tensor import Tensor

_CODES = {"F16": dtypes.float16, "F32": dtypes.float32, "F64": dtypes.float64, "I8": dtypes.int8,
          "I16": dtypes.int16, "I32": dtypes.int32, "I64": dtypes.int64, "U8": dtypes.uint8, "BOOL": dtypes.bool_}
if dtypes.bfloat16 is not None:
    _CODES["BF16"] = dtypes.bfloat16
_NAMES = {d: c for c, d in _CODES.items()}
_KEY = "tapegrad"


def _flatten(obj, path, tensors):
    """Replace tensors by references (collected into `tensors`); check everything else is JSON-able."""
    if isinstance(obj, Tensor):
        name = path or "tensor"
        while name in tensors:
            name += "_"
        tensors[name] = obj
        return {"__tensor__": name}
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if not isinstance(k, (str, int)):
                raise TypeError(f"save: dict keys must be str or int, got {type(k).__name__} at '{path}'")
            out[str(k)] = _flatten(v, f"{path}.{k}" if path else str(k), tensors)
        return {"__dict__": out, "__intkeys__": [str(k) for k in obj if isinstance(k, int)]}
    if isinstance(obj, (list, tuple)):
        items = [_flatten(v, f"{path}.{i}" if path else str(i), tensors) for i, v in enumerate(obj)]
        return {"__tuple__": items} if isinstance(obj, tuple) else items
    if isinstance(obj, np.generic):
        return obj.item()
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    raise TypeError(f"save: cannot store a {type(obj).__name__} at '{path or '<root>'}': only tensors, numbers, "
                    "strings, None and dicts/lists/tuples of them are saved (no pickle)")


def _unflatten(obj, tensors):
    if isinstance(obj, list):
        return [_unflatten(v, tensors) for v in obj]
    if isinstance(obj, dict):
        if "__tensor__" in obj:
            return tensors[obj["__tensor__"]]
        if "__tuple__" in obj:
            return tuple(_unflatten(v, tensors) for v in obj["__tuple__"])
        ints = set(obj.get("__intkeys__", ()))
        return {(int(k) if k in ints else k): _unflatten(v, tensors) for k, v in obj["__dict__"].items()}
    return obj


def save(obj, f):
    """Write obj (a state dict, or nested dicts/lists of tensors, numbers and strings) to path `f`."""
    tensors = {}
    structure = _flatten(obj, "", tensors)
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        arr = np.ascontiguousarray(backend.to_device(t.data, "cpu"))
        if arr.dtype not in _NAMES:
            raise TypeError(f"save: tensor '{name}' has unsupported dtype {arr.dtype}")
        raw = arr.tobytes()
        header[name] = {"dtype": _NAMES[arr.dtype], "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    header["__metadata__"] = {_KEY: json.dumps(structure)}
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)
    path = os.fspath(f)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".safetensors")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(struct.pack("<Q", len(head)))
            out.write(head)
            for raw in blobs:
                out.write(raw)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _bad(path, problem):
    return ValueError(f"load: '{path}' is not a readable tapegrad/safetensors file: {problem}")


def load(f, map_location=None):
    """Read what save() wrote (or any safetensors file: a flat dict of tensors) onto `map_location`."""
    path = os.fspath(f)
    with open(path, "rb") as fh:
        raw = fh.read()
    if len(raw) < 8:
        raise _bad(path, f"only {len(raw)} bytes (truncated?)")
    (n,) = struct.unpack("<Q", raw[:8])
    if n > len(raw) - 8:
        raise _bad(path, f"the header claims {n} bytes but the file has {len(raw) - 8} after its length field")
    try:
        header = json.loads(raw[8:8 + n])
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise _bad(path, f"the header is not JSON ({err})") from None
    if not isinstance(header, dict):
        raise _bad(path, "the header is not a JSON object")
    body = memoryview(raw)[8 + n:]
    meta = header.pop("__metadata__", None) or {}
    tensors = {}
    for name, info in header.items():
        try:
            dt = _CODES[info["dtype"]]
            start, end = info["data_offsets"]
            shape = tuple(info["shape"])
        except (KeyError, TypeError, ValueError):
            raise _bad(path, f"tensor '{name}' has a malformed entry {info!r}") from None
        if end > len(body) or end - start != int(np.prod(shape)) * dt.itemsize:
            raise _bad(path, f"tensor '{name}' needs bytes {start}..{end} but the data section has {len(body)} "
                       "(truncated or corrupt)")
        arr = np.frombuffer(body[start:end], dtype=dt).reshape(shape).copy()
        tensors[name] = Tensor._make(backend.to_device(arr, map_location or "cpu"), None, 0)
    if _KEY not in meta:
        return tensors
    try:
        structure = json.loads(meta[_KEY])
    except json.JSONDecodeError:
        raise _bad(path, "the tapegrad metadata is not JSON") from None
    return _unflatten(structure, tensors)
