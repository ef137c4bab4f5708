"""save/load: tensors in the safetensors format, other values as JSON metadata; no pickle, written atomically.

File layout (https://github.com/huggingface/safetensors): 8 bytes little-endian header length N, N bytes of
JSON header (padded with spaces to a multiple of 8), then the raw little-endian tensor bytes. The header maps
each tensor name to {"dtype", "shape", "data_offsets"}; "__metadata__" (str -> str) holds, under "tapegrad",
the JSON structure of the saved object with tensors replaced by references. A flat dict of tensors keeps its
keys as tensor names, so safetensors (numpy, PyTorch, ...) reads our files and we read theirs.
"""
import io
import json
import os
import random as _pyrandom
import struct
from collections import OrderedDict

import numpy as np

from . import backend, dtypes
from ._tensor import Tensor
from .random import get_rng_state, set_rng_state

__all__ = ["save", "load", "rng_state", "set_rng_state_all"]

_CODES = {"F16": dtypes.float16, "F32": dtypes.float32, "F64": dtypes.float64, "I8": dtypes.int8,
          "I16": dtypes.int16, "I32": dtypes.int32, "I64": dtypes.int64, "U8": dtypes.uint8, "BOOL": dtypes.bool_}
if dtypes.HAS_BFLOAT16:
    _CODES["BF16"] = dtypes.bfloat16
_NAMES = {d: c for c, d in _CODES.items()}
_KEY = "tapegrad"
_MAX_HEADER = 100_000_000  # safetensors refuses larger headers too
_SCALARS = (bool, int, float, str, type(None))


# ---------------------------------------------------------------------------- encoding
class _Encoder:
    """Turns an object into a JSON structure, collecting its tensors (each object once) under unique names."""

    def __init__(self):
        self.arrays = {}  # name -> host ndarray
        self.refs = {}  # id(tensor or ndarray) -> its reference node
        self.keep = []  # the encoded objects, so their ids stay unique while encoding

    def encode(self, obj, path):
        if isinstance(obj, (Tensor, np.ndarray)):
            return self._ref(obj, path)
        if isinstance(obj, dict):
            items = []
            for k, v in obj.items():
                if not isinstance(k, _SCALARS):
                    raise TypeError(f"save: dict keys must be str, int, float, bool or None, got "
                                    f"{type(k).__name__} at '{path or '<root>'}'")
                items.append([k, self.encode(v, f"{path}.{k}" if path else str(k))])
            node = {"__dict__": items}
            if isinstance(obj, OrderedDict):
                node["__type__"] = "OrderedDict"
                meta = getattr(obj, "_metadata", None)
                if isinstance(meta, dict):  # Layer.state_dict() versions, as torch.save keeps them
                    node["_metadata"] = self.encode(meta, f"{path}._metadata" if path else "_metadata")
            return node
        if isinstance(obj, (list, tuple)):
            items = [self.encode(v, f"{path}.{i}" if path else str(i)) for i, v in enumerate(obj)]
            return {"__tuple__": items} if isinstance(obj, tuple) else items
        if isinstance(obj, np.generic) and obj.dtype.kind in "biuf":
            return obj.item()
        if isinstance(obj, _SCALARS):
            return obj
        raise TypeError(f"save: cannot store a {type(obj).__name__} at '{path or '<root>'}': only tensors, numpy "
                        "arrays, numbers, strings, None and dicts/lists/tuples of them are saved (no pickle)")

    def _ref(self, obj, path):
        if id(obj) in self.refs:  # the same object twice (tied weights): stored once, loaded as one object
            return self.refs[id(obj)]
        is_tensor = isinstance(obj, Tensor)
        arr = backend.to_device(obj.array, "cpu") if is_tensor else obj
        if arr.dtype not in _NAMES:
            raise TypeError(f"save: the {'tensor' if is_tensor else 'array'} at '{path or '<root>'}' has dtype "
                            f"{arr.dtype}, which the file format does not hold; supported: "
                            f"{sorted(str(d) for d in _NAMES)}")
        name = path or "tensor"
        n = 1
        while name in self.arrays:
            name, n = f"{path or 'tensor'}_{n}", n + 1
        self.arrays[name] = arr
        if is_tensor:
            node = {"__tensor__": name}
            if obj.device.type != "cpu":
                node["device"] = str(obj.device)
            if obj.requires_grad:
                node["requires_grad"] = True
        else:
            node = {"__ndarray__": name}
        self.refs[id(obj)] = node
        self.keep.append(obj)
        return node


def _little_endian_bytes(arr):
    """The C-ordered little-endian bytes of an array, as a uint8 array (no copy when already so)."""
    le = arr.dtype.newbyteorder("<")
    arr = np.ascontiguousarray(arr if arr.dtype == le else arr.astype(le))
    return arr.reshape(-1).view(np.uint8)


def _encode_file(obj):
    """The chunks of bytes of the file for obj: length, header, then each tensor's bytes."""
    enc = _Encoder()
    structure = enc.encode(obj, "")
    header, blobs, offset = {}, [], 0
    for name, arr in enc.arrays.items():
        raw = _little_endian_bytes(arr)
        header[name] = {"dtype": _NAMES[arr.dtype], "shape": list(arr.shape),
                        "data_offsets": [offset, offset + raw.nbytes]}
        blobs.append(raw)
        offset += raw.nbytes
    header["__metadata__"] = {_KEY: json.dumps(structure, separators=(",", ":"))}
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)
    return [struct.pack("<Q", len(head)), head] + blobs


def _write_all(fh, chunks):
    """Write the chunks to an open binary file (a separate function so tests can make it fail midway)."""
    for chunk in chunks:
        fh.write(chunk)


def _is_file_object(f):
    return not isinstance(f, (str, bytes, os.PathLike)) and hasattr(f, "write")


def save(obj, f):
    """Write obj (a state dict, or nested dicts/lists/tuples of tensors, numbers, strings, None) to `f`.

    `f` is a path (written to a temporary file in the same folder, fsynced and renamed, so a crash never leaves
    a truncated file under the real name) or a binary file object such as io.BytesIO (written in place).
    """
    chunks = _encode_file(obj)
    if _is_file_object(f):
        _write_all(f, chunks)
        if hasattr(f, "flush"):
            f.flush()
        return
    path = os.fspath(f)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    folder = os.path.dirname(os.path.abspath(path))
    try:
        mode = os.stat(path).st_mode & 0o7777  # keep the permissions of the checkpoint being replaced
    except OSError:
        mode = None
    fd, tmp = _open_temp(folder, os.path.basename(path))
    try:
        with os.fdopen(fd, "wb") as out:
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(out.fileno(), mode)
            _write_all(out, chunks)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(folder)


def _open_temp(folder, base):
    """Create `.<base>.<random>.tmp` in folder (mode 0o666 less the umask, as open() would)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = os.path.join(folder, f".{base}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"save: could not create a temporary file in '{folder}'")


def _fsync_dir(folder):
    """Make the rename durable (POSIX); a no-op where folders cannot be opened (Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------- decoding
class _Corrupt(Exception):
    """A problem with the file's contents; load() turns it into a ValueError naming the file."""


def _foreign_hint(first):
    """What a file that is not safetensors probably is, from its first bytes."""
    if first[:4] == b"PK\x03\x04":
        return ("; it looks like a zip archive, e.g. a PyTorch torch.save() checkpoint, which holds pickles that "
                "tapegrad never loads: in PyTorch, convert it with safetensors.torch.save_file(state_dict, path)")
    if first[:1] == b"\x80":
        return "; it looks like a pickle file, which tapegrad never loads (unpickling can run arbitrary code)"
    if first[:1] in (b"{", b"[") or first[:8].isascii() and first[:8].decode("ascii").isprintable():
        return "; it looks like a text file"
    return ""


def _read_exact(fh, n, what):
    buf = np.empty(n, np.uint8)
    readinto = getattr(fh, "readinto", None)
    if readinto is not None:
        got, view = 0, memoryview(buf)
        while got < n:
            k = readinto(view[got:])
            if not k:
                break
            got += k
    else:
        data = fh.read(n)
        got = len(data)
        buf[:got] = np.frombuffer(data, np.uint8)
    if got != n:
        raise _Corrupt(f"{what} needs {n} bytes but the file ends after {got} (truncated?)")
    return buf


def _parse_entry(name, info, data_len):
    if not isinstance(info, dict):
        raise _Corrupt(f"tensor '{name}' has a malformed header entry {info!r}")
    code, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
    if code not in _CODES:
        hint = " (bfloat16 needs the ml_dtypes package: pip install ml_dtypes)" if code == "BF16" else ""
        raise _Corrupt(f"tensor '{name}' has dtype {code!r}, which tapegrad does not support{hint}; "
                       f"supported: {sorted(_CODES)}")
    if not (isinstance(shape, list) and all(type(n) is int and n >= 0 for n in shape)):
        raise _Corrupt(f"tensor '{name}' has an invalid shape {shape!r}")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(type(n) is int for n in offsets)
            and 0 <= offsets[0] <= offsets[1]):
        raise _Corrupt(f"tensor '{name}' has invalid data_offsets {offsets!r}")
    dt = _CODES[code]
    start, end = offsets
    if end > data_len:
        raise _Corrupt(f"tensor '{name}' needs bytes {start}..{end} of the data section, which has only "
                       f"{data_len} bytes (truncated, or the header points past the end)")
    if end - start != int(np.prod(shape, dtype=np.int64)) * dt.itemsize:
        raise _Corrupt(f"tensor '{name}' of shape {tuple(shape)} and dtype {dt} needs "
                       f"{int(np.prod(shape, dtype=np.int64)) * dt.itemsize} bytes, but its data_offsets span "
                       f"{end - start}")
    return dt, tuple(shape), start, end


def _read_file(fh):
    """(flat dict name -> host array in file order, the tapegrad structure or None) from an open file."""
    try:
        origin = fh.tell()
        size = fh.seek(0, os.SEEK_END) - origin
        fh.seek(origin)
    except (AttributeError, OSError, ValueError):  # not seekable: read it all
        fh = io.BytesIO(fh.read())
        origin, size = 0, len(fh.getbuffer())
    first = fh.read(8)
    if isinstance(first, str):
        raise TypeError("load: the file object was opened in text mode; open it in binary mode ('rb')")
    if len(first) < 8:
        raise _Corrupt(f"the file has only {len(first)} bytes (truncated, or not a safetensors file)")
    (n,) = struct.unpack("<Q", first)
    if n > size - 8 or n > _MAX_HEADER or n < 2:
        raise _Corrupt(f"the length field says the JSON header has {n} bytes, but the file has {size - 8} after it "
                       f"(truncated, or not a safetensors file){_foreign_hint(first)}")
    raw_head = fh.read(n)
    try:
        header = json.loads(raw_head)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise _Corrupt(f"the header is not valid JSON ({err}){_foreign_hint(first)}") from None
    if not isinstance(header, dict):
        raise _Corrupt(f"the header is a JSON {type(header).__name__}, not an object{_foreign_hint(first)}")
    meta = header.pop("__metadata__", None) or {}
    if not isinstance(meta, dict):
        raise _Corrupt(f"__metadata__ is a {type(meta).__name__}, not a str -> str object")
    data_len = size - 8 - n
    entries = sorted(((name, _parse_entry(name, info, data_len)) for name, info in header.items()),
                     key=lambda e: e[1][2])
    arrays = {}
    body = origin + 8 + n
    for name, (dt, shape, start, end) in entries:
        fh.seek(body + start)
        raw = _read_exact(fh, end - start, f"tensor '{name}'")
        arr = raw.view(dt.newbyteorder("<")).reshape(shape)
        arrays[name] = arr if arr.dtype.isnative else arr.astype(dt)
    structure = None
    if _KEY in meta:
        try:
            structure = json.loads(meta[_KEY])
        except (TypeError, json.JSONDecodeError) as err:
            raise _Corrupt(f"the tapegrad metadata is not valid JSON ({err})") from None
    return arrays, structure


class _Decoder:
    """Rebuilds the saved object from its structure and arrays, placing tensors by map_location."""

    def __init__(self, arrays, map_location, name):
        self.arrays, self.map_location, self.name = arrays, map_location, name
        self.tensors = {}

    def decode(self, node):
        if isinstance(node, list):
            return [self.decode(v) for v in node]
        if not isinstance(node, dict):
            return node
        if "__tensor__" in node:
            return self._tensor(node)
        if "__ndarray__" in node:
            return self._array(node["__ndarray__"])
        if "__tuple__" in node:
            return tuple(self.decode(v) for v in node["__tuple__"])
        if "__dict__" in node:
            ordered = node.get("__type__") == "OrderedDict"
            out = (OrderedDict if ordered else dict)((k, self.decode(v)) for k, v in node["__dict__"])
            if "_metadata" in node:
                out._metadata = self.decode(node["_metadata"])
            return out
        raise _Corrupt(f"the tapegrad metadata has an unknown node {str(node)[:80]}")

    def _array(self, name):
        if name not in self.arrays:
            raise _Corrupt(f"the tapegrad metadata refers to a tensor '{name}' that the file does not hold")
        return self.arrays[name]

    def _tensor(self, node):
        name = node["__tensor__"]
        if name in self.tensors:
            return self.tensors[name]
        arr = self._array(name)
        saved = node.get("device", "cpu")
        target = _target_device(saved, self.map_location)
        try:
            data = backend.to_device(arr, target)
        except RuntimeError as err:
            if self.map_location is None:
                raise RuntimeError(f"load: '{self.name}' holds tensors saved on '{saved}', which is not available "
                                   f"here ({err}); pass map_location='cpu' to load them onto the CPU") from None
            raise
        t = Tensor._make(data, None, 0)
        if node.get("requires_grad"):
            t.requires_grad_(True)
        self.tensors[name] = t
        return t


def _target_device(saved, map_location):
    if map_location is None:
        return saved
    if isinstance(map_location, (str, backend.device)):
        return backend.device(map_location)
    if isinstance(map_location, dict):  # {"cuda:0": "cpu"}, as in torch.load
        for key in (saved, saved.split(":")[0]):
            if key in map_location:
                return backend.device(map_location[key])
        return saved
    raise TypeError(f"load: map_location must be None, a device string ('cpu', 'cuda', 'cuda:1'), a device or "
                    f"a dict mapping saved devices to devices, got {type(map_location).__name__}")


def _bad(name, problem):
    return ValueError(f"load: '{name}' is not a valid tapegrad/safetensors checkpoint: {problem}")


def load(f, map_location=None, *, weights_only=None, mmap=None):
    """Read what save() wrote (or any safetensors file: a flat dict of tensors), placing tensors by map_location.

    map_location: None (the device each tensor was saved from), "cpu", "cuda", a device, or a dict such as
    {"cuda:0": "cpu"}. `f` is a path or a binary file object (e.g. io.BytesIO). Never unpickles: weights_only and
    mmap are accepted for PyTorch compatibility and change nothing.
    """
    _target_device("cpu", map_location)  # reject a bad map_location before reading
    if _is_file_object(f) or hasattr(f, "read"):
        name = getattr(f, "name", None) or f"<{type(f).__name__}>"
        return _load_from(f, name, map_location)
    name = os.fspath(f)
    with open(name, "rb") as fh:
        return _load_from(fh, name, map_location)


def _load_from(fh, name, map_location):
    try:
        arrays, structure = _read_file(fh)
        dec = _Decoder(arrays, map_location, name)
        if structure is None:  # a plain safetensors file
            return {k: dec._tensor({"__tensor__": k}) for k in arrays}
        return dec.decode(structure)
    except _Corrupt as err:
        raise _bad(name, err) from None
    except (KeyError, TypeError, ValueError, AttributeError) as err:  # a structure that is not ours
        if str(err).startswith("load:"):  # already says what is wrong
            raise
        raise _bad(name, f"malformed tapegrad metadata ({type(err).__name__}: {err})") from None


# ---------------------------------------------------------------------------- random states
def rng_state():
    """Every RNG state a training script may draw from: autograd's default generator, numpy's global RNG
    (np.random.seed/rand) and Python's random module; save() stores it exactly, set_rng_state_all() restores it."""
    st = np.random.get_state(legacy=False)
    numpy_state = {"bit_generator": st["bit_generator"],
                   "state": {"key": [int(k) for k in st["state"]["key"]], "pos": int(st["state"]["pos"])},
                   "has_gauss": int(st["has_gauss"]), "gauss": float(st["gauss"])}
    return {"autograd": get_rng_state(), "numpy": numpy_state, "python": _pyrandom.getstate()}


def set_rng_state_all(state):
    """Restore the states captured by rng_state() (entries that are missing are left alone)."""
    if not isinstance(state, dict) or not set(state) & {"autograd", "numpy", "python"}:
        raise ValueError("set_rng_state_all: expected the dict returned by rng_state(), with 'autograd', 'numpy' "
                         f"and 'python' entries; got {type(state).__name__}")
    if "autograd" in state:
        set_rng_state(state["autograd"])
    if "numpy" in state:
        st = state["numpy"]
        np.random.set_state({"bit_generator": st["bit_generator"],
                             "state": {"key": np.asarray(st["state"]["key"], dtype=np.uint32),
                                       "pos": int(st["state"]["pos"])},
                             "has_gauss": int(st["has_gauss"]), "gauss": float(st["gauss"])})
    if "python" in state:
        version, internal, gauss = state["python"]
        _pyrandom.setstate((version, tuple(internal), gauss))
