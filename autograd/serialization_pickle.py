"""The pickle half of save/load: any object, its tensors kept outside the pickle as raw storages; weights_only.

save() pickles an object that is not a plain state dict with a pickler whose dispatch table reduces each Tensor
(and each numpy array of a dtype the file format holds) to `_rebuild_tensor((module, class name), storage, dtype
code, shape, strides, byte offset, device, requires_grad, base)`, where `storage` is the persistent id
"storage.<k>": the name of the safetensors entry (raw bytes) that serialization.py stores beside the pickle in the
data section. Views of one array share one storage, so they come back as views of one array; one tensor object
stays one object (the pickle's memo). numpy dtypes, numpy scalars and devices are reduced to small rebuild
functions of their own.

load(weights_only=True) unpickles with an allow-list (PyTorch 2.6's rules) on the pure-Python unpickler: the
rebuild functions above, builtin containers, collections.OrderedDict/Counter, complex, bytearray, _codecs.encode,
tapegrad's own Tensor classes, plus what add_safe_globals()/safe_globals() add. Any other global raises
pickle.UnpicklingError before anything is called; BUILD (setting an object's state) is allowed on the added classes
only, and on tensors and dicts as plain new attributes.
"""
import codecs
import copyreg
import importlib
import io
import math
import pickle
from _compat_pickle import IMPORT_MAPPING, NAME_MAPPING
from collections import Counter, OrderedDict

import numpy as np

from . import backend, dtypes
from ._tensor import Tensor
from .coo_array import SparseCOO

__all__ = ["add_safe_globals", "safe_globals", "get_safe_globals", "clear_safe_globals"]

_MAX_NDIM = 64  # numpy's limit
_OWN_PACKAGES = ("autograd", "nn")  # Tensor subclasses defined here (nn.Parameter, nn.Buffer) are allowed
_DTYPES = {d.name: d for d in dtypes.SUPPORTED}


class _Corrupt(Exception):
    """A problem with the file's contents; load() turns it into a ValueError naming the file."""


class _Refused(pickle.UnpicklingError):
    """weights_only=True met a global that is not allowed; load() says which and how to allow it."""

    def __init__(self, key):
        super().__init__(key)
        self.key = key


# ---------------------------------------------------------------------------- writing
class _StorageRef:
    """Stands in the pickle for one storage: pickled as the persistent id "storage.<index>"."""

    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index


class _Dumper:
    """Reduces tensors and arrays to views of storages while an object is pickled, collecting the storages."""

    def __init__(self, names, protocol):
        self.names, self.protocol = names, protocol  # names: dtype -> the file format's code
        self.storages = []  # uint8 host arrays, by index
        self.roots = {}  # id(array owning the memory) -> (its _StorageRef, the array, kept alive)

    def persistent_id(self, obj):
        return f"storage.{obj.index}" if type(obj) is _StorageRef else None

    def _view_of_storage(self, arr):
        """(storage ref, byte offset, strides) of a host array; arrays viewing one memory block share its storage."""
        root = arr
        while isinstance(root.base, np.ndarray):
            root = root.base
        if not (root.flags.c_contiguous or root.flags.f_contiguous):  # not one block of memory: copy the view
            root = arr = np.ascontiguousarray(arr)
        hit = self.roots.get(id(root))
        if hit is None:
            hit = (_StorageRef(len(self.storages)), root)
            self.storages.append(root.reshape(-1, order="A").view(np.uint8))
            self.roots[id(root)] = hit
        offset = arr.__array_interface__["data"][0] - root.__array_interface__["data"][0]
        return hit[0], offset, arr.strides

    def reduce_tensor(self, t):
        a = t.array
        if a.__class__ is SparseCOO:  # its indices and values are pickled as tensors
            return (_rebuild_sparse, (Tensor._make(a.indices, None, 0), Tensor._make(a.values, None, 0), a.shape,
                                      a.coalesced, t.requires_grad))
        code = self.names.get(t.array.dtype)
        if code is None:  # a dtype the format does not hold: the tensor pickles itself
            return t.__reduce_ex__(self.protocol)
        arr = t.array if t.device.type == "cpu" else np.ascontiguousarray(backend.to_device(t.array, "cpu"))
        ref, offset, strides = self._view_of_storage(arr)
        state = {k: v for k, v in t.__dict__.items() if k not in ("_base", "_version", "_hooks")}
        cls = (type(t).__module__, type(t).__qualname__)
        args = (cls, ref, code, arr.shape, strides, offset, str(t.device), t.requires_grad, t._base)
        return (_rebuild_tensor, args, state or None)

    def reduce_array(self, arr):
        code = self.names.get(arr.dtype)
        if code is None:
            return arr.__reduce_ex__(self.protocol)
        ref, offset, strides = self._view_of_storage(arr)
        return (_rebuild_array, (ref, code, arr.shape, strides, offset))

    def reduce_dtype(self, dt):
        return (_rebuild_dtype, (dt.name,)) if dt in _DTYPES.values() else dt.__reduce_ex__(self.protocol)

    def reduce_scalar(self, x):
        if x.dtype not in _DTYPES.values():
            return x.__reduce_ex__(self.protocol)
        return (_rebuild_scalar, (x.dtype.name, x.tobytes()))

    @staticmethod
    def reduce_device(d):
        return (_rebuild_device, (str(d),))


class _Reducers:
    """The pickler's dispatch table: tensors and arrays by the dumper, every other type as copyreg says."""

    def __init__(self, dumper):
        self.dumper = dumper

    def __getitem__(self, cls):
        if issubclass(cls, Tensor):
            return self.dumper.reduce_tensor
        if cls is np.ndarray:
            return self.dumper.reduce_array
        if issubclass(cls, np.dtype):
            return self.dumper.reduce_dtype
        if issubclass(cls, np.generic):
            return self.dumper.reduce_scalar
        if cls is backend.device:
            return self.dumper.reduce_device
        return copyreg.dispatch_table[cls]

    def get(self, cls, default=None):  # what the pure-Python pickler (and dill) call
        try:
            return self[cls]
        except KeyError:
            return default


def dump(obj, names, pickle_module=pickle, protocol=2):
    """(the pickle's bytes, the uint8 storages it refers to) for obj; names maps each storable dtype to its code."""
    dumper = _Dumper(names, protocol)
    buf = io.BytesIO()
    pickler = pickle_module.Pickler(buf, protocol)
    pickler.persistent_id = dumper.persistent_id
    pickler.dispatch_table = _Reducers(dumper)
    pickler.dump(obj)
    return buf.getvalue(), dumper.storages


# ---------------------------------------------------------------------------- reading
class _Storage:
    """A storage as the unpickler hands it to the rebuild functions: its bytes and the loader's context."""

    __slots__ = ("bytes", "codes", "place", "tensor_class")

    def __init__(self, data, codes, place, tensor_class):
        self.bytes, self.codes, self.place, self.tensor_class = data, codes, place, tensor_class


def _ints(value, what):
    if not (type(value) is tuple and all(type(n) is int for n in value)):
        raise _Corrupt(f"the pickle gives a tensor {what} {value!r:.80}, not a tuple of ints")
    return value


def _view(storage, code, shape, strides, offset):
    """The host array that (code, shape, strides, offset) describe inside storage, after checking it lies within."""
    if type(storage) is not _Storage:
        raise _Corrupt(f"the pickle rebuilds a tensor from a {type(storage).__name__}, not from a stored storage")
    dt = storage.codes.get(code) if type(code) is str else None
    if dt is None:
        raise _Corrupt(f"the pickle gives a tensor dtype {code!r:.40}, which tapegrad does not support")
    shape, strides = _ints(shape, "shape"), _ints(strides, "strides")
    if len(shape) != len(strides) or len(shape) > _MAX_NDIM or any(n < 0 for n in shape) or type(offset) is not int \
            or any(abs(s) >= 2**62 for s in strides):
        raise _Corrupt(f"the pickle gives an invalid tensor layout: shape {shape}, strides {strides}, "
                       f"offset {offset!r:.40}")
    if math.prod(max(n, 1) for n in shape) * dt.itemsize >= 2**62:
        raise _Corrupt(f"the pickle gives a tensor shape {shape} too large for any array")
    if 0 in shape:
        return np.empty(shape, dt)
    low = offset + sum(s * (n - 1) for n, s in zip(shape, strides) if s < 0)
    high = offset + sum(s * (n - 1) for n, s in zip(shape, strides) if s > 0) + dt.itemsize
    if low < 0 or high > storage.bytes.nbytes:
        raise _Corrupt(f"the pickle gives a tensor at bytes {low}..{high} of a storage of {storage.bytes.nbytes} bytes")
    return np.ndarray(shape, dt, buffer=storage.bytes, offset=offset, strides=strides)


def _rebuild_array(storage, code, shape, strides, offset):
    """A numpy array viewing its storage (the function a pickle made by save() calls for each array)."""
    return _view(storage, code, shape, strides, offset)


def _rebuild_tensor(cls, storage, code, shape, strides, offset, device, requires_grad, base):
    """A tensor viewing its storage, placed by map_location (the function a pickle made by save() calls)."""
    arr = _view(storage, code, shape, strides, offset)
    if not (type(cls) is tuple and len(cls) == 2 and all(type(n) is str for n in cls)):
        raise _Corrupt(f"the pickle gives a tensor class {cls!r:.60}, not a (module, name) pair")
    cls = storage.tensor_class(*cls)
    if not isinstance(device, str) or type(requires_grad) is not bool:
        raise _Corrupt(f"the pickle gives a tensor device {device!r:.40} and requires_grad {requires_grad!r:.20}")
    if requires_grad and arr.dtype not in dtypes.FLOATS:
        raise _Corrupt(f"the pickle gives a {arr.dtype} tensor that requires grad (only floating point tensors can)")
    t = cls._make(storage.place(arr, device), None, 0)
    if requires_grad:
        t.requires_grad_(True)
    if isinstance(base, Tensor) and isinstance(base.array, np.ndarray) and isinstance(t.array, np.ndarray) \
            and np.may_share_memory(base.array, t.array):
        t._base = base  # still a view of its base: in-place changes through either are tracked as before
    return t


def _rebuild_sparse(indices, values, shape, coalesced, requires_grad):
    """A sparse COO tensor of pickled indices and values (the function a pickle made by save() calls for one)."""
    if not (isinstance(indices, Tensor) and isinstance(values, Tensor) and type(shape) is tuple
            and type(coalesced) is bool and type(requires_grad) is bool):
        raise _Corrupt("the pickle gives a sparse tensor of unexpected parts")
    if indices.dtype != np.int64 or indices.ndim != 2 or values.ndim < 1 or indices.shape[1] != values.shape[0] \
            or len(shape) != indices.shape[0] + values.ndim - 1 or indices.device != values.device:
        raise _Corrupt(f"the pickle gives a sparse tensor of shape {shape!r:.60} with indices of shape "
                       f"{tuple(indices.shape)} and values of shape {tuple(values.shape)}, which do not fit")
    t = Tensor._make(SparseCOO(indices.array, values.array, shape, coalesced), None, 0)
    return t.requires_grad_(True) if requires_grad else t


def _rebuild_dtype(name):
    """One of the dtypes tensors can have, by name."""
    if type(name) is not str or name not in _DTYPES:
        raise _Corrupt(f"the pickle gives a dtype {name!r:.40}, which tapegrad does not support")
    return _DTYPES[name]


def _rebuild_scalar(name, raw):
    """A numpy scalar of a supported dtype, from its bytes."""
    dt = _rebuild_dtype(name)
    if type(raw) is not bytes or len(raw) != dt.itemsize:
        raise _Corrupt(f"the pickle gives a {dt} scalar of {raw!r:.40}")
    return np.frombuffer(raw, dt)[0]


def _rebuild_device(name):
    """A device, from its name ('cpu', 'cuda:0')."""
    try:
        return backend.device(name)
    except (TypeError, ValueError, RuntimeError) as err:
        raise _Corrupt(f"the pickle gives a device {name!r:.40} ({err})") from None


def _bytearray(*args):
    """bytearray, refusing bytearray(n): a file must not make the reader allocate what it does not hold."""
    if args and isinstance(args[0], int):
        raise _Corrupt(f"the pickle asks for a bytearray of {args[0]} zero bytes")
    return bytearray(*args)


class _Loader:
    """The storages of one file, handed to the unpickler through persistent ids."""

    def __init__(self, storages, codes, place, weights_only):
        resolve = _safe_tensor_class if weights_only else _any_tensor_class
        self.storages = {f"storage.{k}": _Storage(s, codes, place, resolve) for k, s in enumerate(storages)}

    def persistent_load(self, pid):
        if type(pid) is not str or pid not in self.storages:
            raise _Corrupt(f"the pickle refers to {pid!r:.80}, which is not one of the file's "
                           f"{len(self.storages)} storages")
        return self.storages[pid]


def _any_tensor_class(module, name):
    """The class at module.name, imported as pickle would (weights_only=False: the file is trusted)."""
    obj = importlib.import_module(module)
    for part in name.split("."):
        obj = getattr(obj, part)
    if not (isinstance(obj, type) and issubclass(obj, Tensor)):
        raise _Corrupt(f"the pickle rebuilds a tensor as a {module}.{name}, which is not a Tensor class")
    return obj


def _safe_tensor_class(module, name):
    """The Tensor class at module.name if the allow-list has it; tapegrad's own Tensor classes are on it."""
    key = f"{module}.{name}"
    found = [e[0] if isinstance(e, tuple) else e for e in _added if _key(e) == key]
    if not found and module.partition(".")[0] in _OWN_PACKAGES and name.isidentifier():
        try:
            found = [getattr(importlib.import_module(module), name)]
        except (ImportError, AttributeError):
            pass
    if not found:
        raise _Refused(key)
    if not (isinstance(found[0], type) and issubclass(found[0], Tensor)):
        raise _Corrupt(f"the pickle rebuilds a tensor as a {key}, which is not a Tensor class")
    return found[0]


class _WeightsUnpickler(pickle._Unpickler):
    """The pure-Python unpickler, resolving only allowed globals and setting state only where that is safe."""

    dispatch = dict(pickle._Unpickler.dispatch)

    def __init__(self, file, loader):
        super().__init__(file)
        self.persistent_load = loader.persistent_load
        self.trusted = {entry[0] if isinstance(entry, tuple) else entry for entry in _added}

    def find_class(self, module, name):
        return _safe_global(module, name)

    def load_build(self):
        state, inst = self.stack[-1], self.stack[-2]
        if type(inst) not in self.trusted and not (  # tensors and dicts: plain new attributes only
                isinstance(inst, (Tensor, OrderedDict, Counter)) and type(state) is dict
                and all(type(k) is str and not hasattr(type(inst), k) for k in state)):
            raise _Corrupt(f"the pickle sets the state of a {type(inst).__name__} to {str(state)[:60]}")
        super().load_build()

    dispatch[pickle.BUILD[0]] = load_build


def load(data, storages, codes, place, weights_only=True, pickle_module=None):
    """Unpickle what dump() made; storages: the uint8 arrays, codes: code -> dtype, place(arr, saved) -> device array.

    With weights_only, a global off the allow-list raises _Refused and any other failure _Corrupt, except errors of
    the loader's own that start with "load:" (a device not available here).
    """
    loader = _Loader(storages, codes, place, weights_only)
    if not weights_only:
        unpickler = (pickle_module or pickle).Unpickler(io.BytesIO(data))
        unpickler.persistent_load = loader.persistent_load
        return unpickler.load()
    try:
        return _WeightsUnpickler(io.BytesIO(data), loader).load()
    except (_Corrupt, _Refused):
        raise
    except Exception as err:  # any other failure of a restricted unpickling means a corrupt pickle
        if str(err).startswith("load:"):
            raise
        raise _Corrupt(f"the pickle is corrupt ({type(err).__name__}: {str(err)[:200]})") from None


# ---------------------------------------------------------------------------- the allow-list
_DEFAULT = {f"{g.__module__}.{g.__qualname__}": g for g in (
    OrderedDict, Counter, set, frozenset, complex, codecs.encode, _rebuild_tensor, _rebuild_array, _rebuild_dtype,
    _rebuild_scalar, _rebuild_device, _rebuild_sparse)}
_DEFAULT["builtins.bytearray"] = _bytearray
_added = []  # add_safe_globals' entries, in order


def _key(entry):
    """The 'module.qualname' under which an allow-list entry (an object, or an (object, name) pair) is found."""
    if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], str):
        return entry[1]
    module, qualname = getattr(entry, "__module__", None), getattr(entry, "__qualname__", None)
    if not (isinstance(module, str) and isinstance(qualname, str)):
        raise TypeError(f"safe globals must be classes or functions, or (object, 'module.qualname') pairs; got "
                        f"{entry!r:.80}")
    return f"{module}.{qualname}"


def _safe_global(module, name):
    if (module, name) in NAME_MAPPING:  # written under Python 2 names (protocol 2's fix_imports)
        module, name = NAME_MAPPING[(module, name)]
    elif module in IMPORT_MAPPING:
        module = IMPORT_MAPPING[module]
    key = f"{module}.{name}"
    if key in _DEFAULT:
        return _DEFAULT[key]
    for entry in _added:
        if _key(entry) == key:
            return entry[0] if isinstance(entry, tuple) else entry
    raise _Refused(key)


def _entries(safe, fn):
    if not isinstance(safe, (list, tuple, set, frozenset)):
        raise TypeError(f"{fn}: expected a list of classes/functions (e.g. [MyConfig]), got {type(safe).__name__}")
    for entry in safe:
        _key(entry)
    return list(safe)


def add_safe_globals(safe_globals):
    """Allow these classes/functions (or (object, 'module.qualname') pairs) in load(weights_only=True)."""
    for entry in _entries(safe_globals, "add_safe_globals"):
        if entry not in _added:
            _added.append(entry)


def get_safe_globals():
    """The globals added by add_safe_globals() (and active safe_globals() blocks), as a list."""
    return list(_added)


def clear_safe_globals():
    """Forget every global added by add_safe_globals(); the default allow-list stays."""
    _added.clear()


class safe_globals:
    """Context manager: these globals are allowed in load(weights_only=True) inside the with block."""

    def __init__(self, safe_globals):
        self.safe_globals = _entries(safe_globals, "safe_globals")
        self._new = []

    def __enter__(self):
        self._new = [e for e in self.safe_globals if e not in _added]
        add_safe_globals(self._new)
        return self

    def __exit__(self, *exc):
        for entry in self._new:
            if entry in _added:
                _added.remove(entry)
        return False
