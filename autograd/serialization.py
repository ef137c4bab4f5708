"""save/load: state dicts in the safetensors format, other objects pickled beside their tensors; written atomically.

File layout (https://github.com/huggingface/safetensors): 8 bytes little-endian header length N, N bytes of
JSON header (padded with spaces to a multiple of 8), then the raw little-endian tensor bytes. The header maps
each tensor name to {"dtype", "shape", "data_offsets"}, whose offsets cover the data section exactly;
"__metadata__" (str -> str) holds, under "tapegrad", the JSON structure of the saved object with tensors
replaced by references. A flat dict of tensors keeps its keys as tensor names, so safetensors (numpy, PyTorch,
...) reads our files and we read theirs.

An object that is not tensors, numbers, strings and dicts/lists/tuples of them (a whole module, a dataclass, an
optimizer) is pickled instead, as torch.save does: the file is still safetensors, its "__metadata__" is
{"tapegrad.pickle": "1"}, and it holds the U8 entries "storage.0", "storage.1", ... (the raw bytes of the
tensors and arrays, outside the pickle) and "pickle" (the pickle, which refers to the storages by their names
as persistent ids; see serialization_pickle.py). load() unpickles it with PyTorch 2.6's weights_only rules.
"""
import io
import json
import math
import os
import pickle
import random as _pyrandom
import socket
import struct
import zlib
from collections import OrderedDict

import numpy as np

from . import backend, dtypes, serialization_pickle
from ._tensor import Tensor
from .random import get_rng_state, set_rng_state
from .serialization_pickle import (_Corrupt, _Refused, add_safe_globals, clear_safe_globals, get_safe_globals,
                                   safe_globals)

__all__ = ["save", "load", "rng_state", "set_rng_state_all", "add_safe_globals", "safe_globals", "get_safe_globals",
           "clear_safe_globals"]

_CODES = {"F16": dtypes.float16, "F32": dtypes.float32, "F64": dtypes.float64, "I8": dtypes.int8,
          "I16": dtypes.int16, "I32": dtypes.int32, "I64": dtypes.int64, "U8": dtypes.uint8, "BOOL": dtypes.bool_}
if dtypes.HAS_BFLOAT16:
    _CODES["BF16"] = dtypes.bfloat16
_NAMES = {d: c for c, d in _CODES.items()}
_KEY = "tapegrad"
_PICKLE_KEY = "tapegrad.pickle"  # marks a pickled object (see the module docstring); the value is the version
_MAX_HEADER = 100_000_000  # safetensors refuses larger headers too
_MAX_NDIM = 64  # numpy's limit
_SCALARS = (bool, int, float, str, type(None))
_HOST = f"{zlib.crc32(socket.gethostname().encode()):08x}"  # in temporary names: whose pid it is


class _NotPlain(Exception):
    """The object holds a value the safetensors layout does not (save() then pickles it)."""


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
                    raise _NotPlain(f"a {type(k).__name__} key at '{path or '<root>'}'")
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
        raise _NotPlain(f"a {type(obj).__name__} at '{path or '<root>'}'")

    def _ref(self, obj, path):
        if id(obj) in self.refs:  # the same object twice (tied weights): stored once, loaded as one object
            return self.refs[id(obj)]
        is_tensor = isinstance(obj, Tensor)
        if is_tensor and obj.is_sparse:
            raise _NotPlain(f"a sparse tensor at '{path or '<root>'}'")
        arr = backend.to_device(obj.array, "cpu") if is_tensor else obj
        if arr.dtype not in _NAMES:
            raise _NotPlain(f"a {arr.dtype} array at '{path or '<root>'}'")
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


def _encode_file(obj, pickle_module=pickle, protocol=2):
    """The chunks of bytes of the file for obj: length, header, then each tensor's bytes."""
    enc = _Encoder()
    try:
        structure = enc.encode(obj, "")
    except _NotPlain:
        blob, storages = serialization_pickle.dump(obj, _NAMES, pickle_module, protocol)
        arrays = {f"storage.{k}": s for k, s in enumerate(storages)}
        arrays["pickle"] = np.frombuffer(blob, np.uint8)
        return _layout(arrays, {_PICKLE_KEY: "1"})
    return _layout(enc.arrays, {_KEY: json.dumps(structure, separators=(",", ":"))})


def _layout(arrays, metadata):
    """The chunks of a safetensors file holding arrays (name -> host ndarray, in order) and metadata."""
    header, blobs, offset = {}, [], 0
    for name, arr in arrays.items():
        raw = _little_endian_bytes(arr)
        header[name] = {"dtype": _NAMES[arr.dtype], "shape": list(arr.shape),
                        "data_offsets": [offset, offset + raw.nbytes]}
        blobs.append(raw)
        offset += raw.nbytes
    header["__metadata__"] = metadata
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)
    return [struct.pack("<Q", len(head)), head] + blobs


def _write_all(fh, chunks):
    """Write the chunks to an open binary file (a separate function so tests can make it fail midway)."""
    for chunk in chunks:
        fh.write(chunk)


def _is_file_object(f):
    return not isinstance(f, (str, bytes, os.PathLike)) and hasattr(f, "write")


def save(obj, f, pickle_module=pickle, pickle_protocol=2, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Write obj to `f`: a state dict (nested dicts/lists/tuples of tensors, numbers, strings, None) as safetensors,
    any other object pickled with pickle_module/pickle_protocol, its tensors stored beside the pickle.

    `f` is a path (written to a temporary file in the same folder, fsynced and renamed, so a crash never leaves
    a truncated file under the real name; temporaries left by a killed save are removed by the next save to that
    path) or a binary file object such as io.BytesIO (written in place). The last two arguments are accepted for
    PyTorch compatibility and change nothing.
    """
    chunks = _encode_file(obj, pickle_module, pickle_protocol)
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
    _remove_stale_temps(folder, os.path.basename(path))
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
    """Create `.<base>.<pid>.<host>.<random>.tmp` in folder (mode 0o666 less the umask, as open() would)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = os.path.join(folder, f".{base}.{os.getpid()}.{_HOST}.{os.urandom(4).hex()}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"save: could not create a temporary file in '{folder}'")


def _remove_stale_temps(folder, base):
    """Delete the temporaries of earlier saves to folder/base whose process is gone (killed mid-save), POSIX only.

    Only names of _open_temp's pattern with this machine's host tag count; a live process's temporary, this
    process's own and any other file are left alone.
    """
    if os.name != "posix":  # os.kill(pid, 0) would terminate the process on Windows
        return
    prefix = f".{base}."
    try:
        names = [n for n in os.listdir(folder) if n.startswith(prefix) and n.endswith(".tmp")]
    except OSError:
        return
    for n in names:
        parts = n[len(prefix):-4].split(".")
        if len(parts) != 3 or not parts[0].isdigit() or parts[1] != _HOST or len(parts[2]) != 8:
            continue
        pid = int(parts[0])
        if pid == os.getpid() or _process_alive(pid):
            continue
        try:
            os.unlink(os.path.join(folder, n))
        except OSError:
            pass


def _process_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # someone else's process (EPERM), or not a pid: leave its file alone
        pass
    return True


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
def _foreign_hint(first):
    """What a file that is not safetensors probably is, from its first bytes."""
    if first[:4] == b"PK\x03\x04":
        return ("; it looks like a zip archive, e.g. a PyTorch torch.save() checkpoint, which tapegrad cannot read: "
                "in PyTorch, convert it with safetensors.torch.save_file(state_dict, path)")
    if first[:1] == b"\x80":
        return ("; it looks like a pickle file, which tapegrad does not load bare (it unpickles only inside its own "
                "checkpoints, as save() writes them)")
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


class _Repeated(Exception):
    """A JSON object names a key twice (two readers could take different values)."""


def _unique_keys(pairs):
    out = dict(pairs)
    if len(out) != len(pairs):
        seen = set()
        raise _Repeated(next(k for k, _ in pairs if k in seen or seen.add(k)))
    return out


def _json(raw, what, first=b""):
    try:
        return json.loads(raw, object_pairs_hook=_unique_keys)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise _Corrupt(f"{what} is not valid JSON ({err}){_foreign_hint(first)}") from None
    except RecursionError:
        raise _Corrupt(f"{what} is nested too deeply to be a checkpoint's") from None
    except _Repeated as err:
        raise _Corrupt(f"{what} names {str(err.args[0])[:80]!r} twice") from None


def _parse_entry(name, info, data_len):
    if not isinstance(info, dict):
        raise _Corrupt(f"tensor '{name}' has a malformed header entry {info!r:.80}")
    code, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
    if not isinstance(code, str) or code not in _CODES:
        hint = " (bfloat16 needs the ml_dtypes package: pip install ml_dtypes)" if code == "BF16" else ""
        raise _Corrupt(f"tensor '{name}' has dtype {code!r:.40}, which tapegrad does not support{hint}; "
                       f"supported: {sorted(_CODES)}")
    if not (isinstance(shape, list) and len(shape) <= _MAX_NDIM and all(type(n) is int and n >= 0 for n in shape)):
        raise _Corrupt(f"tensor '{name}' has an invalid shape {shape!r:.80}")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(type(n) is int for n in offsets)
            and 0 <= offsets[0] <= offsets[1]):
        raise _Corrupt(f"tensor '{name}' has invalid data_offsets {offsets!r:.80}")
    dt = _CODES[code]
    start, end = offsets
    if end > data_len:
        raise _Corrupt(f"tensor '{name}' needs bytes {start}..{end} of the data section, which has only "
                       f"{data_len} bytes (truncated, or the header points past the end)")
    nbytes = math.prod(shape) * dt.itemsize
    if end - start != nbytes:
        raise _Corrupt(f"tensor '{name}' of shape {tuple(shape)} and dtype {dt} needs {nbytes} bytes, but its "
                       f"data_offsets span {end - start}")
    if math.prod(max(n, 1) for n in shape) * dt.itemsize >= 2**62:
        raise _Corrupt(f"tensor '{name}' has a shape {tuple(shape)} too large for any array")
    return dt, tuple(shape), start, end


def _check_coverage(entries, data_len):
    """The safetensors rule: sorted by offsets, the tensors' bytes tile the data section, no gap, overlap or tail."""
    at, prev = 0, None
    for name, (_, _, start, end) in entries:
        if start < at:
            raise _Corrupt(f"tensor '{name}' overlaps '{prev[0]}' (bytes {start}-{end} vs {prev[1]}-{prev[2]})")
        if start > at:
            where = f"after tensor '{prev[0]}' (which ends at byte {at})" if prev else "at the start of the data"
            raise _Corrupt(f"the data section has a gap of {start - at} bytes {where}: tensor '{name}' starts at "
                           f"byte {start}; the header's data_offsets must cover the data section exactly")
        at, prev = end, (name, start, end)
    if at != data_len:
        raise _Corrupt(f"the data section has {data_len - at} bytes after the last tensor's data (it ends at byte "
                       f"{at} of {data_len}); the header's data_offsets must cover the data section exactly")


def _read_file(fh):
    """(flat dict name -> host array in file order, the __metadata__ dict) from an open file."""
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
    header = _json(fh.read(n), "the header", first)
    if not isinstance(header, dict):
        raise _Corrupt(f"the header is a JSON {type(header).__name__}, not an object{_foreign_hint(first)}")
    meta = header.pop("__metadata__", None)
    meta = {} if meta is None else meta
    if not (isinstance(meta, dict) and all(isinstance(v, str) for v in meta.values())):
        raise _Corrupt(f"__metadata__ must be a str -> str object, got {str(meta)[:80]}")
    data_len = size - 8 - n
    entries = sorted(((name, _parse_entry(name, info, data_len)) for name, info in header.items()),
                     key=lambda e: e[1][2:])
    _check_coverage(entries, data_len)
    arrays = {}
    body = origin + 8 + n
    for name, (dt, shape, start, end) in entries:
        fh.seek(body + start)
        raw = _read_exact(fh, end - start, f"tensor '{name}'")
        arr = raw.view(dt.newbyteorder("<")).reshape(shape)
        arrays[name] = arr if arr.dtype.isnative else arr.astype(dt)
    return arrays, meta


def _place(arr, saved, map_location, name):
    """arr on the device map_location gives for a tensor saved on `saved`."""
    try:
        saved = str(backend.device(saved))
    except (TypeError, ValueError, RuntimeError) as err:
        raise _Corrupt(f"a tensor was saved on {saved!r:.40}, which is not a device ({err})") from None
    target = _target_device(saved, map_location)
    try:
        return backend.to_device(arr, target)
    except RuntimeError as err:
        if map_location is None:
            raise RuntimeError(f"load: '{name}' holds tensors saved on '{saved}', which is not available "
                               f"here ({err}); pass map_location='cpu' to load them onto the CPU") from None
        raise


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
        if not isinstance(name, str) or name not in self.arrays:
            raise _Corrupt(f"the tapegrad metadata refers to a tensor {name!r:.80} that the file does not hold")
        return self.arrays[name]

    def _tensor(self, node):
        name = node["__tensor__"]
        if name in self.tensors:
            return self.tensors[name]
        arr = self._array(name)
        t = Tensor._make(_place(arr, node.get("device", "cpu"), self.map_location, self.name), None, 0)
        if node.get("requires_grad"):
            if arr.dtype not in dtypes.FLOATS:
                raise _Corrupt(f"the tapegrad metadata says the {arr.dtype} tensor '{name}' requires grad")
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


def _refused(name, key):
    return pickle.UnpicklingError(
        f"load: Weights only load failed: '{name}' holds a pickled object that needs the global {key}; "
        f"GLOBAL {key} was not an allowed global by default. load() runs with weights_only=True (the default, as "
        "in PyTorch 2.6), which unpickles only tensors, containers, numbers, strings, dtypes and devices. If you "
        "trust the source of the file: pass weights_only=False (unpickling can run arbitrary code), or allow this "
        f"global with autograd.serialization.add_safe_globals([{key}]) or "
        f"`with autograd.serialization.safe_globals([{key}]):` around the load.")


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None):
    """Read what save() wrote (or any safetensors file: a flat dict of tensors), placing tensors by map_location.

    map_location: None (the device each tensor was saved from), "cpu", "cuda", a device, or a dict such as
    {"cuda:0": "cpu"}. `f` is a path or a binary file object (e.g. io.BytesIO). weights_only (None means True, as
    in PyTorch 2.6) applies to pickled objects only: it allows just the globals of the default allow-list and those
    added with add_safe_globals()/safe_globals(), and raises pickle.UnpicklingError naming any other; False
    unpickles anything with pickle_module (only for trusted files). mmap is accepted for compatibility and
    changes nothing.
    """
    _target_device("cpu", map_location)  # reject a bad map_location before reading
    weights_only = True if weights_only is None else weights_only
    if weights_only and pickle_module is not None:
        raise RuntimeError("load: cannot load safely (weights_only=True) with an explicit pickle_module; pass "
                           "weights_only=False to unpickle with it, if you trust the file")
    if _is_file_object(f) or hasattr(f, "read"):
        name = getattr(f, "name", None) or f"<{type(f).__name__}>"
        return _load_from(f, name, map_location, weights_only, pickle_module)
    name = os.fspath(f)
    with open(name, "rb") as fh:
        return _load_from(fh, name, map_location, weights_only, pickle_module)


def _load_from(fh, name, map_location, weights_only, pickle_module):
    try:
        arrays, meta = _read_file(fh)
        if _PICKLE_KEY in meta:
            return _load_pickled(arrays, meta, name, map_location, weights_only, pickle_module)
        return _decode(arrays, meta, name, map_location)
    except _Corrupt as err:
        raise _bad(name, err) from None
    except _Refused as err:
        raise _refused(name, err.key) from None


def _decode(arrays, meta, name, map_location):
    dec = _Decoder(arrays, map_location, name)
    if _KEY not in meta:  # a plain safetensors file
        return {k: dec._tensor({"__tensor__": k}) for k in arrays}
    try:
        return dec.decode(_json(meta[_KEY], "the tapegrad metadata"))
    except RecursionError:
        raise _Corrupt("the tapegrad metadata is nested too deeply") from None
    except (KeyError, TypeError, ValueError, AttributeError) as err:  # a structure that is not ours
        raise _Corrupt(f"malformed tapegrad metadata ({type(err).__name__}: {err})") from None


def _load_pickled(arrays, meta, name, map_location, weights_only, pickle_module):
    if meta[_PICKLE_KEY] != "1" or _KEY in meta:
        raise _Corrupt(f"the {_PICKLE_KEY} metadata is {meta[_PICKLE_KEY]!r:.40}: written by a newer tapegrad?")
    count = len(arrays) - 1
    names = {f"storage.{k}" for k in range(count)} | {"pickle"}
    if set(arrays) != names or any(a.dtype != np.uint8 or a.ndim != 1 for a in arrays.values()):
        raise _Corrupt(f"a pickled object's file holds 1-D U8 entries 'pickle' and 'storage.0'.. 'storage.N', "
                       f"not {sorted(arrays)[:5]}")
    storages = [arrays[f"storage.{k}"] for k in range(count)]
    return serialization_pickle.load(arrays["pickle"].tobytes(), storages, _CODES,
                                     lambda arr, saved: _place(arr, saved, map_location, name),
                                     weights_only, pickle_module)


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
