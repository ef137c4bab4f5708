"""Tensor: an array, its grad and the node that made it; its op methods are attached in autograd/ops/__init__.py."""
import math
import numbers
import operator
import weakref

import numpy as np

from . import backend, dtypes
from .coo_array import SparseCOO
from .grad_mode import state
from .printing import tensor_repr


class Size(tuple):
    """A tensor's shape, as PyTorch's torch.Size: a tuple of ints whose slices, sums and repeats are Sizes too."""

    __slots__ = ()

    def __new__(cls, sizes=()):
        out = []
        for i, n in enumerate(sizes):
            try:
                out.append(operator.index(n))
            except TypeError:
                raise TypeError(f"autograd.Size() takes an iterable of 'int' (item {i} is "
                                f"'{type(n).__name__}')") from None
        return _new_size(cls, out)

    def numel(self):
        """The number of elements of a tensor of this size (1 for the empty Size of a 0-d tensor)."""
        return math.prod(self)

    def __getitem__(self, index):
        item = tuple.__getitem__(self, index)
        return _new_size(Size, item) if isinstance(index, slice) else item

    def __add__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return _new_size(Size, tuple.__add__(self, other))

    def __radd__(self, other):  # tuple + Size: Python asks the subclass first, so the sum is a Size as in PyTorch
        if not isinstance(other, tuple):
            return NotImplemented
        return _new_size(Size, tuple.__add__(other, self))

    def __mul__(self, n):
        return _new_size(Size, tuple.__mul__(self, n))

    __rmul__ = __mul__

    def __repr__(self):
        return f"autograd.Size({list(self)})"

    def __reduce__(self):
        return (Size, (tuple(self),))


_new_size = tuple.__new__  # a Size from a tuple of ints without checking them (shapes read from arrays)


class Tensor:
    """A multi-dimensional array that records the ops applied to it when it requires grad.

    Calling the class is PyTorch's legacy constructor: Tensor(data) copies data into a tensor of the default float
    dtype (float32, even for integer data, as torch.Tensor); Tensor(2, 3), Tensor(size=(2, 3)) or Tensor(Size)
    make a tensor of that shape filled with zeros (PyTorch leaves that memory uninitialised); Tensor() is an
    empty 1-d tensor; Tensor(t) shares t's memory. dtype= and requires_grad= are tapegrad's additions.
    autograd.tensor(data) is the usual way to make a tensor (it infers the dtype).
    """

    __slots__ = ("array", "_grad", "_requires_grad", "grad_fn", "__dict__", "__weakref__")
    __array_priority__ = 1000
    # rarely changed, so class-level defaults (set on an instance only when they differ)
    _output_nr = 0  # which output of grad_fn this tensor is
    _version = 0  # bumped by in-place changes (a view reads its base's)
    _base = None  # the tensor whose memory this view shares
    _hooks = None  # gradient hooks
    _post_accumulate_hooks = None  # hooks called with the leaf after its .grad was accumulated

    def __init__(self, *args, size=None, dtype=None, device=None, requires_grad=False):
        if len(args) == 1 and isinstance(args[0], Tensor) and size is None and dtype is None and device is None:
            self.array = args[0].array  # Tensor(t): a tensor sharing t's memory (and version counter), off the tape
            self._base = root(args[0])
        else:
            self.array = legacy_array(args, size, dtypes.as_dtype(dtype) or dtypes.get_default_dtype(), device,
                                      "Tensor")
        self._grad = None
        self.grad_fn = None
        self._requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _make(cls, data, grad_fn, nr):
        """Fast internal constructor: wrap an array (no copy, no checks)."""
        t = object.__new__(cls)
        t.array = data
        t._grad = None
        t.grad_fn = grad_fn
        t._requires_grad = grad_fn is not None
        if nr:
            t._output_nr = nr
        return t

    # ----------------------------------------------------------------- attributes
    @property
    def data(self):
        """This tensor's storage as a new tensor cut from the tape; in-place changes to it are not seen by autograd.

        As PyTorch's `.data`. The raw ndarray (numpy or cupy) is `t.array`; `t.numpy()` is the public way out.
        """
        return Tensor._make(self.array, None, 0)

    @data.setter
    def data(self, other):
        if not isinstance(other, Tensor):
            raise TypeError(f"data: can only be set to a Tensor, got {type(other).__name__}")
        if type(other.array) is not type(self.array) or other.device != self.device:
            raise RuntimeError(f"data: the new data is on {other.device} but the tensor is on {self.device}; "
                               "move it first with .to(device)")
        if self._requires_grad and other.array.dtype not in dtypes.DIFFERENTIABLE:
            raise RuntimeError(f"data: a tensor that requires grad cannot hold {other.array.dtype} data; "
                               "only floating point and complex tensors can require gradients")
        self.array = other.array

    @property
    def shape(self):
        """The shape, an autograd.Size (a tuple)."""
        return _new_size(Size, self.array.shape)

    def size(self, dim=None, *, axis=None):
        """The shape (an autograd.Size), or the length of dimension `dim` (an int; negative dims count from the end;
        numpy's name axis= is also taken)."""
        if axis is not None:
            if dim is not None:
                raise TypeError(f"size: got both dim={dim!r} and its numpy alias axis={axis!r}; pass only one of them")
            dim = axis
        if dim is None:
            return _new_size(Size, self.array.shape)
        dim = dtypes.as_int(dim, "size", "dim")
        if not self.array.ndim:
            raise IndexError(f"size: dim {dim} was given but the tensor is 0-d (it has no dimensions)")
        return self.array.shape[_dim(dim, self.array.ndim, "size")]

    @property
    def dtype(self):
        """The element type (a numpy dtype, e.g. autograd.float32)."""
        return self.array.dtype

    @property
    def device(self):
        """The device the data lives on."""
        return backend.device_of(self.array)

    @property
    def is_cuda(self):
        """True for tensors on a GPU."""
        return self.device.type == "cuda"

    @property
    def is_cpu(self):
        """True for tensors in host memory."""
        return self.device.type == "cpu"

    # PyTorch's other layouts and device kinds, which tapegrad has none of
    is_xpu = is_mps = is_meta = is_quantized = is_mkldnn = is_nested = False

    @property
    def is_sparse(self):
        """True for a sparse COO tensor (layout torch.sparse_coo)."""
        return self.array.__class__ is SparseCOO

    def is_complex(self):
        """True for complex dtypes (complex64, complex128)."""
        return self.array.dtype in dtypes.COMPLEXES

    @property
    def ndim(self):
        """Number of dimensions."""
        return self.array.ndim

    def dim(self):
        """Number of dimensions."""
        return self.array.ndim

    ndimension = dim

    def numel(self):
        """Number of elements."""
        return self.array.size

    nelement = numel

    def element_size(self):
        """Bytes per element."""
        return self.array.itemsize

    def data_ptr(self):
        """The address of the first element (device memory for a GPU tensor; 0 for a tensor with no elements)."""
        return backend.data_ptr(self.array) if self.array.size else 0

    def storage_offset(self):
        """Where the first element lies in the memory this tensor shares, in elements from that memory's start."""
        arr = self.array
        return (backend.data_ptr(arr) - backend.data_ptr(storage_owner(arr))) // arr.itemsize

    def __len__(self):
        if self.array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.array.shape[0]

    @property
    def is_leaf(self):
        """True for tensors not made by a recorded op (all tensors that do not require grad, too)."""
        return self.grad_fn is None

    @property
    def xp(self):
        """The array module (numpy or cupy) of this tensor's data."""
        return backend.array_module(self.array)

    # ----------------------------------------------------------------- autograd
    @property
    def requires_grad(self):
        """True when ops on this tensor are recorded so that gradients can flow back to it."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        flag = bool(flag)
        if not flag and self.grad_fn is not None:
            raise RuntimeError("you can only change requires_grad flags of leaf tensors; to use a computed tensor "
                               "without gradients, use detach()")
        if flag and self.array.dtype not in dtypes.DIFFERENTIABLE:
            raise RuntimeError(f"only floating point tensors can require gradients, got dtype {self.array.dtype} "
                               "(complex ones can too); convert with .float() first")
        self._requires_grad = flag

    def requires_grad_(self, requires_grad=True):
        """Set requires_grad in place (leaves only; only float and complex tensors can require grad); returns self."""
        self.requires_grad = requires_grad
        return self

    @property
    def grad(self):
        """The gradient accumulated by backward() (a Tensor of this tensor's shape, dtype and device), or None."""
        return self._grad

    @grad.setter
    def grad(self, g):
        if g is not None:
            if not isinstance(g, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got {type(g).__name__}")
            if g.shape != self.array.shape:
                raise RuntimeError(f"assigned grad has shape {tuple(g.shape)} but the tensor has shape "
                                   f"{tuple(self.array.shape)}")
            if g.dtype != self.array.dtype:
                raise RuntimeError(f"assigned grad has dtype {g.dtype} but the tensor has dtype {self.array.dtype}")
            if type(g.array) is not type(self.array) and g.device != self.device:  # a sparse grad may differ
                raise RuntimeError(f"assigned grad is on {g.device} but the tensor is on {self.device}")
        self._grad = g

    def retain_grad(self):
        """Keep .grad for this non-leaf tensor after backward."""
        if self.grad_fn is None:
            if not self.requires_grad:
                raise RuntimeError("retain_grad() on a tensor that does not require grad")
            return
        if getattr(self, "_hooks", None) and _RetainGrad in map(type, self._hooks):
            return
        self.register_hook(_RetainGrad(self))

    @property
    def retains_grad(self):
        """True when retain_grad() was called on this non-leaf tensor."""
        return bool(self._hooks) and any(type(h) is _RetainGrad for h in self._hooks)

    def register_hook(self, hook):
        """Call hook(grad) when this tensor's gradient is computed; a non-None return replaces it."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that does not require grad")
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        if self.grad_fn is not None:
            nr = self._output_nr
            self.grad_fn.register_prehook(nr, _TensorHook(hook))
        return _HookHandle(self, hook)

    def detach(self):
        """A tensor sharing this data, cut from the tape."""
        t = Tensor._make(self.array, None, 0)
        t._base = root(self)
        return t

    def detach_(self):
        """Cut this tensor from the tape, in place."""
        self.grad_fn = None
        self._requires_grad = False
        return self

    # ----------------------------------------------------------------- conversions
    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self.array.size != 1:
            raise RuntimeError(f"item(): a tensor with {self.array.size} elements cannot be converted to a "
                               "Python scalar; only one-element tensors can")
        if backend._pending:  # reading a GPU value waits for the device: report failed queued checks first
            backend.raise_pending()
        return self.array.reshape(()).item()

    def tolist(self):
        """The data as (nested) Python lists."""
        return backend.to_device(self.array, "cpu").tolist()

    def numpy(self, force=False):
        """The data as a numpy array, shared with this tensor (CPU only)."""
        if self.requires_grad and not force:
            raise RuntimeError("numpy() on a tensor that requires grad: call .detach().numpy() instead")
        if self.array.__class__ is SparseCOO:
            raise TypeError("can't convert Sparse layout tensor to numpy. Use Tensor.to_dense() first.")
        if self.device.type != "cpu":
            if force:
                return backend.to_device(self.array, "cpu")
            raise TypeError(f"numpy() on a tensor on device '{self.device}': call .cpu() first to copy it "
                            "to host memory")
        return self.array

    def __array__(self, dtype=None, copy=None):
        if self._requires_grad:
            raise RuntimeError("can't convert a tensor that requires grad to a numpy array (its gradient would be "
                               "lost): use t.detach().numpy() or np.asarray(t.detach())")
        if self.device.type != "cpu":
            raise TypeError(f"cannot convert a tensor on '{self.device}' to numpy: call .cpu() first")
        if copy is False and dtype is not None and np.dtype(dtype) != self.array.dtype:
            raise ValueError("__array__: a copy is needed to change the dtype but copy=False")
        arr = self.array if dtype is None else self.array.astype(dtype, copy=False)
        return arr.copy() if copy else arr

    def is_floating_point(self):
        """True for float dtypes."""
        return self.array.dtype in dtypes.FLOATS

    def __bool__(self):
        if self.array.size != 1:
            raise RuntimeError(f"the truth value of a tensor with {self.array.size} elements is ambiguous; "
                               "use .any() or .all()")
        return bool(self.array.reshape(()))

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if (self.array.dtype not in dtypes.INTEGERS and self.array.dtype != dtypes.bool_) or self.array.size != 1:
            raise TypeError(f"only integer tensors of a single element can be converted to an index, got a "
                            f"{self.array.dtype} tensor of shape {tuple(self.array.shape)}")
        return int(self.item())

    def __format__(self, spec):
        if self.array.ndim == 0:  # f"{loss:.4f}": the Python number's format
            return self.item().__format__(spec)
        if spec:
            raise TypeError(f"unsupported format string {spec!r} passed to Tensor.__format__ for a tensor of shape "
                            f"{tuple(self.array.shape)}: only 0-d tensors take a format spec; format t.item() or "
                            "t.tolist() instead")
        return str(self)

    def __hash__(self):
        return id(self)

    def __iter__(self):
        if self.array.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __repr__(self):
        return tensor_repr(self)

    def __reduce_ex__(self, protocol):
        return (_rebuild, (backend.to_device(self.array, "cpu"), str(self.device), self.requires_grad))

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise RuntimeError("only leaf tensors support deepcopy; detach() first")
        t = Tensor._make(self.array.copy(), None, 0)
        t.requires_grad = self.requires_grad
        if self.grad is not None:
            t.grad = Tensor._make(self.grad.array.copy(), None, 0)
        memo[id(self)] = t
        return t


def _rebuild(data, device, requires_grad):
    t = Tensor._make(backend.to_device(data, device) if data.__class__ is SparseCOO else to_array(data, None, device),
                     None, 0)
    t.requires_grad = requires_grad
    return t


def _dim(d, ndim, op):
    """Normalize a possibly negative dim, raising an op-named IndexError when it is out of range."""
    n = max(ndim, 1)
    if not -n <= d < n:
        raise IndexError(f"{op}: dim {d} is out of range for a tensor of {ndim} dimensions "
                         f"(expected a dim in [{-n}, {n - 1}])")
    return d % n


class _TensorHook:
    """Adapts a Tensor hook (sees Tensors) to a node pre-hook (sees arrays in plain backward)."""

    __slots__ = ("fn",)

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, g):
        return run_hook(self.fn, g)


def run_hook(fn, g):
    """Call a tensor hook on gradient g (an array, or a Tensor under create_graph): None, or g's replacement."""
    res = fn(g if isinstance(g, Tensor) else Tensor._make(g, None, 0))
    if res is None:
        return None
    if not isinstance(res, Tensor) or res.shape != g.shape:
        got = tuple(res.shape) if isinstance(res, Tensor) else type(res).__name__
        raise RuntimeError(f"a hook on a gradient of shape {tuple(g.shape)} returned {got}; hooks must return None or "
                           "a gradient of that shape")
    return res if isinstance(g, Tensor) else res.array


class _RetainGrad:
    """The hook retain_grad() installs: store the gradient on the (non-leaf) tensor."""

    __slots__ = ("ref",)

    def __init__(self, t):
        self.ref = weakref.ref(t)

    def __call__(self, g):
        t = self.ref()
        if t is not None:
            g = g if state.enabled else g.detach()
            if t.grad is None:
                t.grad = Tensor._make(g.array.copy(), None, 0) if not state.enabled else g
            else:
                t.grad = t.grad + g
        return None


def _weak_callable(fn):
    """A zero-argument callable giving fn back while it lives, else None: a weak reference (WeakMethod for a bound
    method, which is made anew at each attribute access); fn itself, strongly, when it takes no weak reference."""
    try:
        return weakref.WeakMethod(fn) if hasattr(fn, "__self__") and hasattr(fn, "__func__") else weakref.ref(fn)
    except TypeError:  # a builtin or a class with __slots__ and no __weakref__
        return lambda: fn


def _dead():
    return None


class _HookHandle:
    """Returned by register_hook; remove() takes the hook off (a no-op once the tensor is gone, or when called again).

    It holds weak references, as PyTorch's handles do: a kept handle keeps neither the tensor (nor, for a non-leaf,
    its graph) nor the hook alive; a hook that takes no weak reference is held until remove().
    """

    __slots__ = ("_tensor", "_hook", "_attr", "__weakref__")

    def __init__(self, t, hook, attr="_hooks"):
        self._tensor = weakref.ref(t)
        self._hook = _weak_callable(hook)
        self._attr = attr  # the tensor's list the hook is in

    def remove(self):
        """Remove the hook."""
        t, hook = self._tensor(), self._hook()
        self._tensor = self._hook = _dead  # a second remove() does nothing; a strongly held hook is let go
        if t is None or hook is None:
            return
        hooks = getattr(t, self._attr) or []
        for i, h in enumerate(hooks):
            if h is hook or h == hook:  # == for a bound method: each access makes a new, equal one
                del hooks[i]
                break
        fn = t.grad_fn
        if fn is not None and fn.pre_hooks:
            lst = fn.pre_hooks.get(t._output_nr, [])
            for h in list(lst):
                inner = getattr(h, "fn", None)
                if inner is hook or (inner is not None and inner == hook):
                    lst.remove(h)
                    break


def storage_owner(a):
    """The array that owns a's memory: up the chain of .base (numpy and cupy views keep one; numpy's stride tricks
    put a non-array holder in between, which is passed through)."""
    b = a.base
    while b is not None:
        if hasattr(b, "dtype"):
            a = b
        b = getattr(b, "base", None)
    return a


def root(t):
    """The tensor whose memory (and version counter) t shares: its base for a view, else t itself."""
    return t if t._base is None else t._base


def infer_dtype(data):
    """PyTorch's dtype for Python data: float -> default float, complex -> its complex counterpart, int -> int64,
    bool -> bool."""
    arr = np.asarray(data)
    numpy_data = isinstance(data, (np.ndarray, np.generic))  # numpy arrays and scalars keep their dtype
    if arr.dtype.kind == "b":
        return dtypes.bool_
    if arr.dtype.kind == "c" and not numpy_data:
        return dtypes.to_complex(dtypes.get_default_dtype())
    if arr.dtype.kind not in "fiuc":
        raise TypeError(f"cannot make a tensor from {type(data).__name__} (numpy dtype {arr.dtype}); "
                        "pass numbers, nested lists of numbers, or an array")
    if not numpy_data:
        return dtypes.get_default_dtype() if arr.dtype.kind == "f" else dtypes.int64
    if arr.dtype not in dtypes.SUPPORTED:
        raise TypeError(f"cannot make a tensor from numpy dtype {arr.dtype}: it is not supported (supported: "
                        f"{sorted(str(d) for d in dtypes.SUPPORTED)}); convert with .astype() first or pass dtype=")
    return arr.dtype


def to_array(data, dtype=None, device=None, op="tensor"):
    """An array of `device` holding `data` (copied), with `dtype` or the inferred one."""
    dtype = dtypes.as_dtype(dtype)
    if isinstance(data, Tensor):
        data = data.array
    src_mod = backend.array_module(data)
    on_host = src_mod is np
    if device is None:
        dev = backend.device_of(data) if not on_host or isinstance(data, np.ndarray) else backend.CPU
    else:
        dev = backend.device(device)
    if on_host and not isinstance(data, np.ndarray):
        if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in _flat(data)):
            data = _stack_tensors(data)
        try:
            dtype = dtype or infer_dtype(data)
            arr = np.array(data, dtype=dtype)
        except ValueError as err:
            _ragged_error(data, op)
            raise ValueError(f"{op}: cannot convert the data to a tensor of dtype {dtype}: {err}") from None
        except OverflowError as err:
            raise OverflowError(f"{op}: a value does not fit the dtype {dtype} ({err}); pass a wider dtype=") \
                from None
    else:
        if data.dtype not in dtypes.SUPPORTED and dtype is None:
            dtype = infer_dtype(backend.to_device(data, "cpu"))
        arr = data.astype(dtype) if dtype is not None and dtype != data.dtype else data.copy()
    return backend.to_device(arr, dev)


def legacy_array(args, size, dtype, device, op):
    """The array of a legacy constructor call, op(*args, size=size) (Tensor, FloatTensor, ...): a copy of the data
    in `dtype`, or zeros of the sizes given (varargs ints, a Size, or size=); no arguments: an empty 1-d array."""
    if size is not None:
        if args:
            raise TypeError(f"{op}(): got sizes both as positional arguments and as size=; pass one of them")
        if not isinstance(size, (tuple, list)):
            raise TypeError(f"{op}(): argument 'size' must be a tuple of ints, not {type(size).__name__}")
        shape = size
    elif not args:
        shape = (0,)
    elif len(args) == 1 and not _is_sizes(args[0]):
        data = args[0]
        if isinstance(data, (str, bytes)):
            raise TypeError(f"{op}(): invalid data type '{type(data).__name__}'; pass numbers, nested lists of "
                            "numbers, or an array")
        if isinstance(data, (numbers.Number, np.generic)):
            raise TypeError(f"{op}(): data must be a sequence (got {type(data).__name__}); a 0-d tensor is "
                            f"autograd.tensor({data!r})")
        return to_array(data, dtype, device, op)
    else:
        shape = args[0] if len(args) == 1 and isinstance(args[0], Size) else args
    shape = dtypes.as_ints(tuple(shape), op, "size")
    if any(n < 0 for n in shape):
        raise RuntimeError(f"{op}(): trying to create a tensor with negative dimension: size {list(shape)}")
    return backend.module_for(device or "cpu").zeros(shape, dtype=dtype)


def _is_sizes(x):
    """True for a constructor's lone argument that gives sizes (an int or a Size), not data."""
    return isinstance(x, (Size, numbers.Integral)) and not isinstance(x, (bool, np.bool_))


def _ragged_error(data, op):
    """Raise a ValueError naming the first place where nested sequences have unequal lengths (if any)."""
    shape, x = [], data
    while isinstance(x, (list, tuple, np.ndarray)):
        shape.append(len(x))
        if not len(x):
            break
        x = x[0]

    def walk(x, dim):
        seq = isinstance(x, (list, tuple, np.ndarray))
        if dim == len(shape):
            if seq:
                raise ValueError(f"{op}: the nested sequences are ragged: expected a number at dim {dim} but got a "
                                 f"sequence of length {len(x)}; every row must have the same length")
            return
        if not seq:
            raise ValueError(f"{op}: the nested sequences are ragged: expected a sequence of length {shape[dim]} at "
                             f"dim {dim} but got {type(x).__name__}; every row must have the same length")
        if len(x) != shape[dim]:
            raise ValueError(f"{op}: the nested sequences are ragged: expected a sequence of length {shape[dim]} at "
                             f"dim {dim} (got {len(x)}); every row must have the same length")
        for v in x:
            walk(v, dim + 1)

    walk(data, 0)


def _flat(data):
    for x in data:
        if isinstance(x, (list, tuple)):
            yield from _flat(x)
        else:
            yield x


def _stack_tensors(data):
    if isinstance(data, (list, tuple)):
        return [_stack_tensors(x) for x in data]
    if isinstance(data, Tensor):
        return backend.to_device(data.array, "cpu")
    return data
