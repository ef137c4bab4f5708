"""Strided views and storage: as_strided (and as_strided_), Tensor.unfold (sliding windows), resize_, set_."""
import warnings

import numpy as np

from .. import backend, dtypes, gradmath
from .._tensor import Tensor, storage_owner
from ..function import Op
from ..grad_mode import state
from . import shape
from .inplace import _reshape_inplace, bump, check_inplace
from .shape import _check_tensor, _dim, _int, _run, _sizes, _view


# ---------------------------------------------------------------------------- as_strided / unfold: strided views
def _storage(a):
    """A 1-d view of the memory a lies in (in a's dtype) and a's offset into it, in elements."""
    owner = storage_owner(a)
    if not (owner.flags.c_contiguous or owner.flags.f_contiguous):
        raise RuntimeError(f"as_strided: the tensor's memory (an array of shape {tuple(owner.shape)}) is not one "
                           "dense block; call contiguous() first")
    flat = owner.reshape(-1, order="A")
    if flat.dtype != a.dtype:
        flat = flat.view(a.dtype)
    return flat, (backend.data_ptr(a) - backend.data_ptr(owner)) // a.itemsize


def _strides(a):
    return tuple(s // a.itemsize for s in a.strides)


def _positions(xp, size, stride, offset):
    """For each element of a strided view, its position in the memory (offset + sum of index * stride)."""
    pos = xp.full(tuple(size), offset, dtype=np.int64)
    for k, (n, s) in enumerate(zip(size, stride)):
        pos += (xp.arange(n, dtype=np.int64) * s).reshape((1,) * k + (n,) + (1,) * (len(size) - k - 1))
    return pos


def _may_overlap(size, stride):
    """False when no two elements of the strided view share memory (checked on the sizes and strides)."""
    dims = sorted((abs(s), n) for n, s in zip(size, stride) if n > 1)
    reach = 1
    for s, n in dims:
        if s < reach:
            return True
        reach = s * n
    return False


class Restride(Op):
    """g summed into memory positions `src`, scaled by `scale` (or not), then read at positions `dst`: the gradient
    of a strided view onto its input, and (with src, dst swapped) that gradient's own adjoint."""

    def forward(ctx, g, src, dst, size, scale):
        ctx.params = (src, dst, size, scale)
        mem = gradmath.xp(g).zeros(size, dtype=g.dtype)
        backend.add_at(mem, src, g)
        if scale is not None:
            mem *= scale
        return mem[dst]

    def backward(ctx, gy):
        src, dst, size, scale = ctx.params
        return _run(Restride, gy, dst, src, size, scale)


class AsStrided(Op):
    """The view of the memory input lies in with the given sizes, strides and offset (in elements)."""

    def forward(ctx, x, size, stride, offset):
        flat, x_offset = _storage(x)
        ctx.geometry = (flat.size, size, stride, offset, x.shape, _strides(x), x_offset)
        xp = gradmath.xp(x)
        return xp.lib.stride_tricks.as_strided(flat[offset:], size, tuple(s * x.itemsize for s in stride))

    def backward(ctx, gy):
        n, size, stride, offset, x_shape, x_stride, x_offset = ctx.geometry
        xp = gradmath.xp(gradmath.array(gy))
        src, dst = _positions(xp, size, stride, offset), _positions(xp, x_shape, x_stride, x_offset)
        scale = None
        if _may_overlap(x_shape, x_stride):  # input elements that share memory split its gradient, as in PyTorch
            scale = 1.0 / xp.maximum(xp.bincount(dst.reshape(-1), minlength=n), 1).astype(gy.dtype)
        return _run(Restride, gy, src, dst, n, scale)


def _geometry(size, stride, op):
    """Sizes and strides of a strided view, checked: as many of each, none negative."""
    size = dtypes.as_ints(tuple(size), op, "size")
    stride = dtypes.as_ints(tuple(stride), op, "stride")
    if len(size) != len(stride):
        raise RuntimeError(f"{op}: mismatch in length of strides and shape: size {size} has {len(size)} entries and "
                           f"stride {stride} has {len(stride)}")
    if any(n < 0 for n in size):
        raise RuntimeError(f"{op}: sizes must be non-negative, got {size}")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"{op}: negative strides are not supported, got strides {stride}")
    return size, stride


def _as_strided_args(input, size, stride, storage_offset, op):
    _check_tensor(input, op)
    size, stride = _geometry(size, stride, op)
    flat, own = _storage(input.array)
    offset = own if storage_offset is None else _int(storage_offset, op, "storage_offset")
    if offset < 0:
        raise RuntimeError(f"{op}: storage_offset must be non-negative, got {offset}")
    need = offset + 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else offset
    if need > flat.size:
        raise RuntimeError(f"{op}: sizes {list(size)}, strides {list(stride)} and storage offset {offset} need a "
                           f"memory of {need} elements, but the tensor's memory holds {flat.size}")
    return size, stride, offset


def as_strided(input, size, stride, storage_offset=None):
    """A view of input's memory with the given sizes and strides (in elements) from storage_offset (default: where
    input starts). Elements may overlap; the gradient of input elements that share memory is split among them."""
    size, stride, offset = _as_strided_args(input, size, stride, storage_offset, "as_strided")
    return _view(AsStrided.apply(input, size, stride, offset), input)


class Unfold(Op):
    """All windows of `size` elements, `step` apart, along dim: a view with a new last dim of size `size`."""

    complex_ok = True  # linear with real coefficients: the adjoint is the gradient for complex values too

    def forward(ctx, x, dim, size, step):
        ctx.params = (x.shape, dim, size, step)
        n, st = x.shape[dim], x.strides[dim]
        shape = x.shape[:dim] + ((n - size) // step + 1,) + x.shape[dim + 1:] + (size,)
        strides = x.strides[:dim] + (st * step,) + x.strides[dim + 1:] + (st,)
        return gradmath.xp(x).lib.stride_tricks.as_strided(x, shape, strides)

    def backward(ctx, gy):
        return _run(UnfoldBackward, gy, *ctx.params)


class UnfoldBackward(Op):
    """The windows added back into a tensor of the input's shape (overlapping windows add up)."""

    complex_ok = True

    def forward(ctx, g, in_shape, dim, size, step):
        ctx.params = (dim, size, step)
        out = gradmath.xp(g).zeros(in_shape, dtype=g.dtype)
        pre, nwin = (slice(None),) * dim, g.shape[dim]
        if size <= nwin:
            for k in range(size):
                out[pre + (slice(k, k + step * (nwin - 1) + 1, step),)] += g[..., k]
        else:
            for i in range(nwin):
                out[pre + (slice(i * step, i * step + size),)] += gradmath.xp(g).moveaxis(g[pre + (i,)], -1, dim)
        return out

    def backward(ctx, gy):
        y = _run(Unfold, gy, *ctx.params)
        return y if isinstance(y, Tensor) else y.copy()  # a gradient must not be an overlapping view


def unfold(input, dimension, size, step):
    """Tensor.unfold: the windows of `size` elements, `step` apart, along `dimension`, as a view with one more dim."""
    _check_tensor(input, "unfold")
    x = shape.reshape(input, 1) if input.ndim == 0 else input
    d = _dim(dimension, x.ndim, "unfold", "dimension")
    size, step = _int(size, "unfold", "size"), _int(step, "unfold", "step")
    if size < 0:
        raise RuntimeError(f"unfold: size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"unfold: step is {step} but must be > 0")
    if size > x.shape[d]:
        raise RuntimeError(f"unfold: maximum size for the tensor at dimension {dimension} is {x.shape[d]} but size "
                           f"is {size} (shape {tuple(input.shape)})")
    y = _view(Unfold.apply(x, d, size, step), input)
    return _view(shape.reshape(y, size), input) if input.ndim == 0 else y


def as_strided_(input, size, stride, storage_offset=None):
    """In-place as_strided: input becomes the strided view of its memory (its values in memory do not change)."""
    return _reshape_inplace(input, "as_strided_", as_strided, size, stride, storage_offset)


# ---------------------------------------------------------------------------- resize / set_
def resize_(self, *sizes, memory_format=None):
    """Give self the shape `sizes` with contiguous strides over its memory from where it starts; memory too small
    for the new shape is replaced by a larger block holding the old values first (the rest are zeros here, where
    PyTorch leaves them uninitialised). Tensors that require grad cannot be resized."""
    return _resize(self, sizes, "resize_")


def _resize(self, sizes, op):
    _check_tensor(self, op)
    sizes = _sizes(sizes, op, "size")
    if any(n < 0 for n in sizes):
        raise RuntimeError(f"{op}: sizes must be non-negative, got {sizes}")
    if self.requires_grad:
        raise RuntimeError(f"{op}: cannot resize a tensor that requires grad (shape {tuple(self.shape)}); resize "
                           "a detached copy, or use reshape()/view() to change the shape on the tape")
    n = int(np.prod(sizes, dtype=np.int64))
    flat, offset = _storage(self.array)
    if offset + n > flat.size:
        grown = gradmath.xp(flat).zeros(offset + n, dtype=flat.dtype)
        grown[:flat.size] = flat
        flat = grown
    self.array = flat[offset:offset + n].reshape(sizes)
    bump(self)
    return self


def resize_as_(self, the_template, memory_format=None):
    """resize_ to the shape of the_template."""
    _check_tensor(the_template, "resize_as_")
    return _resize(self, tuple(the_template.shape), "resize_as_")


def resize(self, *sizes):
    """The deprecated out-of-place resize: a reshape that keeps the number of elements (with a DeprecationWarning
    style UserWarning, as PyTorch gives)."""
    warnings.warn("resize: non-inplace resize is deprecated; use reshape()", UserWarning, stacklevel=2)
    sizes = _sizes(sizes, "resize", "size")
    n = int(np.prod(sizes, dtype=np.int64))
    if n != self.numel():
        raise RuntimeError(f"resize: requested resize to {'x'.join(map(str, sizes))} ({n} elements in total), but "
                           f"the given tensor has a size of {'x'.join(map(str, self.shape))} ({self.numel()} "
                           "elements); autograd's resize can only change the shape, keeping the number of elements")
    return shape.reshape(self, sizes)


def resize_as(self, tensor):
    """The deprecated out-of-place resize_as: resize to tensor's shape (same number of elements)."""
    warnings.warn("resize_as: non-inplace resize_as is deprecated; use reshape_as()", UserWarning, stacklevel=2)
    _check_tensor(tensor, "resize_as")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return resize(self, *tensor.shape)


def set_(self, source=None, storage_offset=0, size=None, stride=None):
    """Make self share source's memory: set_(source) takes its shape and strides too; set_(source, offset, size,
    stride) views that memory (contiguous strides by default); set_() leaves self empty."""
    check_inplace(self, "set_")
    if source is None:
        data = gradmath.xp(self.array).empty((0,), dtype=self.dtype)
    else:
        _check_tensor(source, "set_")
        if type(source.array) is not type(self.array):
            raise RuntimeError(f"set_: the source is on {source.device} but the tensor is on {self.device}; move it "
                               "with .to(device) first")
        if source.dtype != self.dtype:
            raise RuntimeError(f"set_: could not set a tensor of dtype {self.dtype} to a tensor of dtype "
                               f"{source.dtype}; convert one of them first")
        if source.requires_grad and state.enabled:
            raise RuntimeError("set_: the source requires grad, and sharing its memory would hide its changes from "
                               "autograd; call set_(source.detach())")
        if size is None:
            data = source.array.view()
        else:
            size = dtypes.as_ints(tuple(size), "set_", "size")
            if stride is None:
                stride = tuple(int(np.prod(size[k + 1:], dtype=np.int64)) for k in range(len(size)))
            data = as_strided(source.detach(), size, stride, storage_offset).array
    self.array = data
    if state.enabled and self.grad_fn is not None:
        self.grad_fn, self.requires_grad = None, False
    bump(self)
    return self


def is_set_to(self, tensor):
    """True when both tensors view the same memory with the same offset, shape and strides (and are not empty)."""
    _check_tensor(tensor, "is_set_to")
    a, b = self.array, tensor.array
    if type(a) is not type(b) or not a.size or a.shape != b.shape or a.strides != b.strides:
        return False
    return backend.data_ptr(a) == backend.data_ptr(b) and \
        backend.data_ptr(storage_owner(a)) == backend.data_ptr(storage_owner(b))


__all__ = ["as_strided", "as_strided_", "resize_as_"]
METHODS = {"as_strided": as_strided, "as_strided_": as_strided_, "unfold": unfold, "resize_": resize_,
           "resize_as_": resize_as_, "resize": resize, "resize_as": resize_as, "set_": set_, "is_set_to": is_set_to}
