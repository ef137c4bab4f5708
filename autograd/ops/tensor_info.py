"""What a tensor is and where it lives: layout, itemsize/nbytes, get_device, dim_order, is_signed, is_same_size,
hash_tensor, grad_dtype, the Python-callable apply_/map_/map2_ and post-accumulate-grad hooks."""
import warnings

import numpy as np

from .. import backend, dtypes
from .._tensor import Tensor, _HookHandle
from ..coo_array import SparseCOO
from . import aliases
from .inplace import bump
from .shape import _check_tensor, _dim


class layout:
    """How a tensor's elements are laid out in memory: `strided` (dense) or `sparse_coo`."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"torch.{self.name}"

    def __reduce__(self):
        return self.name  # the one instance, pickled by reference


strided = layout("strided")
sparse_coo = layout("sparse_coo")


def _layout(self):
    """torch.sparse_coo for a sparse COO tensor, else torch.strided."""
    return sparse_coo if self.array.__class__ is SparseCOO else strided


# ---------------------------------------------------------------------------- attributes
def _itemsize(self):
    """Bytes per element."""
    return self.array.itemsize


def _nbytes(self):
    """Bytes the elements take (numel * itemsize; a view counts its own elements only)."""
    if self.array.__class__ is SparseCOO:
        raise RuntimeError("nbytes is not defined for sparse tensors; add the nbytes of .indices() and .values() "
                           "for the memory they take")
    return self.array.size * self.array.itemsize


def _volatile(self):
    """Always False (PyTorch removed volatile; torch.no_grad() is its replacement), with PyTorch's warning."""
    warnings.warn("volatile was removed (Variable.volatile is always False); use torch.no_grad() instead",
                  UserWarning, stacklevel=2)
    return False


def _grad_dtype_get(self):
    """The dtype a gradient accumulated into .grad has: this tensor's own (tapegrad casts nothing), None for
    tensors that cannot have a gradient."""
    return self.dtype if self.dtype in dtypes.FLOATS else None


def _grad_dtype_set(self, value):
    if value is not None and np.dtype(value) != self.dtype:
        raise RuntimeError(f"grad_dtype: tapegrad keeps gradients in the tensor's own dtype ({self.dtype}); got "
                           f"{np.dtype(value)}; cast the tensor instead (e.g. p.data = p.data.to(dtype))")


def get_device(input):
    """The index of the GPU the tensor is on, or -1 for a tensor in host memory."""
    _check_tensor(input, "get_device")
    d = input.device
    return -1 if d.type == "cpu" else (d.index or 0)


def dim_order(self, *, ambiguity_check=False):
    """The dims from the outermost to the innermost in memory (by stride, ties in dim order): (0, 1, ..., n - 1)
    for a contiguous tensor. ambiguity_check=True raises when equal strides make the order ambiguous."""
    strides = self.array.strides
    order = tuple(sorted(range(self.ndim), key=lambda d: -strides[d]))
    if ambiguity_check:
        ties = [d for d in range(self.ndim) if sum(s == strides[d] for s in strides) > 1]
        if ties:
            raise RuntimeError(f"dim_order: the dim order of a tensor of shape {tuple(self.shape)} and strides "
                               f"{tuple(s // self.array.itemsize for s in strides)} is ambiguous (dims {ties} have "
                               "the same stride)")
    return order


def is_signed(input):
    """True when the dtype can hold negative values (signed integers and floats)."""
    _check_tensor(input, "is_signed")
    return input.dtype.kind in "if"


def is_same_size(input, other):
    """True when both tensors have the same shape."""
    _check_tensor(input, "is_same_size")
    _check_tensor(other, "is_same_size")
    return tuple(input.shape) == tuple(other.shape)


def is_floating_point(input):
    """True for floating point dtypes."""
    _check_tensor(input, "is_floating_point")
    return input.is_floating_point()


def is_complex(input):
    """True for complex dtypes."""
    _check_tensor(input, "is_complex")
    return input.is_complex()


def pin_memory(self, device=None):
    """A copy in host memory for fast copies to a GPU (page-locking is left to cupy's transfers); like PyTorch, a
    RuntimeError when no accelerator is available."""
    if not backend.gpu_usable():
        raise RuntimeError("pin_memory: Cannot access accelerator device when none is available.")
    if self.device.type != "cpu":
        raise RuntimeError(f"pin_memory: cannot pin a tensor on {self.device}: only dense CPU tensors can be "
                           "pinned")
    return self.clone()


def is_pinned(self, device=None):
    """False: tapegrad does not page-lock host memory."""
    return False


def numel(input):
    """The number of elements."""
    _check_tensor(input, "numel")
    return input.numel()


def is_distributed(input):
    """False: tapegrad's tensors are never sharded across processes."""
    _check_tensor(input, "is_distributed")
    return False


def hash_tensor(input, dim=None, keepdim=False, *, mode=0, axis=None, keepdims=None):
    """An xor of the bits of the elements, each widened to 64 bits (float64 or int64) and read as uint64, over dim
    (all dims by default); a uint64 tensor."""
    _check_tensor(input, "hash_tensor")
    dim, keepdim = aliases.dims("hash_tensor", dim, keepdim, axis, keepdims)
    if mode != 0:
        raise RuntimeError(f"hash_tensor: only mode=0 (xor reduction) is supported, got mode={mode}")
    wide = input.array.astype(np.float64 if input.dtype in dtypes.FLOATS else np.int64).view(np.uint64)
    if dim is None:
        axes = tuple(range(input.ndim))
    else:
        dims = dim if isinstance(dim, (tuple, list)) else (dim,)
        axes = tuple(_dim(d, max(input.ndim, 1), "hash_tensor") for d in dims)
    xp = input.xp
    out = xp.bitwise_xor.reduce(wide, axis=axes, keepdims=keepdim) if wide.ndim else wide
    return Tensor._make(xp.asarray(out, dtype=np.uint64), None, 0)


# ---------------------------------------------------------------------------- Python callables, elementwise
def _host_only(self, op):
    if self.device.type != "cpu":
        raise TypeError(f"{op}: is only implemented on CPU tensors (the tensor is on {self.device}); move it with "
                        ".cpu() first")
    if self.requires_grad:
        raise RuntimeError(f"{op}: can't call {op}() on a tensor that requires grad (autograd cannot follow a Python "
                           f"callable); call t.detach().{op}(...) instead")


def _apply_elementwise(self, fn, others, op):
    _host_only(self, op)
    arrays = []
    for o in others:
        _check_tensor(o, op)
        if o.device.type != "cpu":
            raise TypeError(f"{op}: every tensor must be on the CPU, but one is on {o.device}")
        arrays.append(np.broadcast_to(o.array, self.shape))
    out = self.array.copy()
    for idx in np.ndindex(out.shape):
        out[idx] = fn(out[idx].item(), *(a[idx].item() for a in arrays))
    self.array[...] = out  # written at the end: a callable that raises leaves the tensor as it was
    bump(self)  # PyTorch leaves the version alone here, which hides the change from ops that saved the tensor
    return self


def apply_(self, callable):
    """Replace each element x by callable(x), in place (CPU only, slow: one Python call per element)."""
    return _apply_elementwise(self, callable, (), "apply_")


def map_(self, tensor, callable):
    """Replace each element x by callable(x, y) with y the matching element of `tensor` (broadcast to self's
    shape), in place (CPU only)."""
    return _apply_elementwise(self, callable, (tensor,), "map_")


def map2_(self, x, y, callable):
    """Replace each element s by callable(s, a, b) with a, b the matching elements of x and y (broadcast), in place
    (CPU only)."""
    return _apply_elementwise(self, callable, (x, y), "map2_")


# ---------------------------------------------------------------------------- hooks
def register_post_accumulate_grad_hook(self, hook):
    """Call hook(tensor) after backward has accumulated this leaf's gradient into .grad (not for autograd.grad)."""
    if self.grad_fn is not None:
        raise RuntimeError("register_post_accumulate_grad_hook: post accumulate grad hooks cannot be registered on "
                           "non-leaf tensors; register it on the leaf the gradient accumulates into")
    if not self.requires_grad:
        raise RuntimeError("register_post_accumulate_grad_hook: cannot register a hook on a tensor that does not "
                           "require grad")
    if self._post_accumulate_hooks is None:
        self._post_accumulate_hooks = []
    self._post_accumulate_hooks.append(hook)
    return _HookHandle(self, hook, "_post_accumulate_hooks")


__all__ = ["get_device", "is_signed", "is_same_size", "is_floating_point", "is_complex", "numel", "is_distributed",
           "hash_tensor", "layout", "strided", "sparse_coo"]
METHODS = {"get_device": get_device, "is_signed": is_signed, "is_same_size": is_same_size, "is_distributed":
           is_distributed, "hash_tensor": hash_tensor, "dim_order": dim_order, "apply_": apply_,
           "map_": map_, "map2_": map2_, "pin_memory": pin_memory, "is_pinned": is_pinned,
           "register_post_accumulate_grad_hook": register_post_accumulate_grad_hook,
           "itemsize": property(_itemsize), "nbytes": property(_nbytes), "layout": property(_layout),
           "volatile": property(_volatile), "grad_dtype": property(_grad_dtype_get, _grad_dtype_set),
           "output_nr": property(lambda self: self._output_nr), "name": property(lambda self: None),
           "const_data_ptr": lambda self: self.data_ptr()}
