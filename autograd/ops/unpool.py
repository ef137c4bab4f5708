"""Max unpooling (max_unpool1d/2d/3d): values written back at their max-pooling indices, zeros elsewhere."""
import math
import operator

import numpy as np

from .. import dtypes, gradmath
from .._tensor import Tensor
from .conv import ntuple
from .index import IndexPutZeros

__all__ = []  # torch has none of these at top level: nn.functional imports them
METHODS = {}

_KIND = {1: "2-d (C, L) or 3-d (N, C, L)", 2: "3-d (C, H, W) or 4-d (N, C, H, W)",
         3: "4-d (C, D, H, W) or 5-d (N, C, D, H, W)"}


def _check(op, nd, input, indices):
    for name, t in (("input", input), ("indices", indices)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: expected {name} to be a Tensor, got {type(t).__name__}")
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{op}: expected a {_KIND[nd]} input, but got input of shape {tuple(input.shape)}")
    if 0 in tuple(input.shape[1:]):
        raise RuntimeError(f"{op}: expected input to have non-zero size for non-batch dimensions, but got input of "
                           f"shape {tuple(input.shape)}")
    if input.dtype not in dtypes.FLOATS:
        raise NotImplementedError(f"{op}: not implemented for input dtype {input.dtype}; convert it with .float()")
    if indices.dtype != dtypes.int64:
        raise RuntimeError(f"{op}: indices must have dtype int64 (as max_pool{nd}d(..., return_indices=True) gives "
                           f"them), but got {indices.dtype}; convert them with .long()")
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(f"{op}: indices must have the shape of the input {tuple(input.shape)}, but got indices "
                           f"of shape {tuple(indices.shape)}; pass the indices max_pool{nd}d returned with this input")
    if type(indices.array) is not type(input.array):
        raise RuntimeError(f"{op}: input is on {input.device} but indices are on {indices.device}; move one with "
                           ".to(device) first (nothing is copied implicitly)")


def _output_size(op, nd, spatial, k, s, p, output_size):
    """PyTorch's unpooled size: (n - 1) * stride + kernel - 2 * padding, or output_size within one stride of it."""
    default = tuple((n - 1) * ss + kk - 2 * pp for n, kk, ss, pp in zip(spatial, k, s, p))
    if output_size is None:
        size = default
    else:
        if isinstance(output_size, (str, bytes)) or not hasattr(output_size, "__len__"):
            raise TypeError(f"{op}: output_size must be a sequence of {nd} (or {nd + 2}) ints, got "
                            f"{type(output_size).__name__} ({output_size!r})")
        size = tuple(output_size)
        if len(size) == nd + 2:
            size = size[2:]
        if len(size) != nd:
            raise ValueError(f"{op}: output_size should be a sequence containing {nd} or {nd + 2} elements, but it "
                             f"has a length of {len(size)} ({output_size!r})")
        if not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in size):
            raise TypeError(f"{op}: output_size must hold ints, got {output_size!r}")
        size = tuple(operator.index(n) for n in size)
        for d, (n, base, ss) in enumerate(zip(size, default, s)):
            if not base - ss < n < base + ss:
                raise ValueError(f'{op}: invalid output_size "{output_size!r}" (dim {d} must be between '
                                 f'{base - ss} and {base + ss}, exclusive, for an input of spatial size {spatial})')
    for d, n in enumerate(size):
        if n < 0:
            raise ValueError(f"{op}: output_size must contain non-negative spatial dimensions, but got "
                             f"output_size[{d}]={n} (kernel_size {k}, stride {s}, padding {p})")
    return size


def _unpool(op, nd, input, indices, kernel_size, stride, padding, output_size):
    _check(op, nd, input, indices)
    k = ntuple(kernel_size, nd, "kernel_size", op)
    s = k if stride is None else ntuple(stride, nd, "stride", op)
    p = ntuple(padding, nd, "padding", op)
    if nd == 3 and any(v <= 0 for v in s):
        raise RuntimeError(f"{op}: strides should be greater than zero, but got stride: {s}")
    size = _output_size(op, nd, tuple(input.shape[-nd:]), k, s, p, output_size)
    lead = tuple(input.shape[:-nd])
    n, c = (1,) + lead if len(lead) == 1 else lead
    plane, area = math.prod(input.shape[-nd:]), math.prod(size)
    idx = indices.array.reshape(n, c, plane)
    bad = (idx < 0) | (idx >= area)
    if bool(bad.any()):
        first = int(idx[bad][0])
        raise RuntimeError(f"{op}: found an invalid max index {first} (output planes are of size "
                           f"{'x'.join(map(str, size))}); the indices must come from max_pool{nd}d on an input of "
                           f"that size: pass output_size= when the pooled input's size is not the default")
    xp = gradmath.xp(idx)
    where = (xp.arange(n).reshape(n, 1, 1), xp.arange(c).reshape(1, c, 1), idx)
    y = IndexPutZeros.apply(input.reshape(n, c, plane), (n, c, area), where, False, op)
    return y.reshape(lead + size)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Partial inverse of max_pool1d: input (N, C, L) or (C, L) written at indices, zeros elsewhere, as in PyTorch."""
    return _unpool("max_unpool1d", 1, input, indices, kernel_size, stride, padding, output_size)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Partial inverse of max_pool2d: input (N, C, H, W) or (C, H, W) written at indices, as in PyTorch."""
    return _unpool("max_unpool2d", 2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Partial inverse of max_pool3d: input (N, C, D, H, W) or (C, D, H, W) written at indices, as in PyTorch."""
    return _unpool("max_unpool3d", 3, input, indices, kernel_size, stride, padding, output_size)
