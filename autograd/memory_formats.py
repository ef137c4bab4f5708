"""Memory formats (torch.contiguous_format, channels_last, channels_last_3d, preserve_format) on strided arrays."""
import numpy as np

__all__ = ["channels_last", "channels_last_3d", "contiguous_format", "memory_format", "preserve_format"]


class memory_format:  # noqa: N801  (torch's name)
    """The order of a tensor's elements in memory; channels_last puts the channel dim innermost (NHWC in memory)."""

    __slots__ = ("name", "rank", "order")

    def __init__(self, name, rank=None, order=None):
        self.name, self.rank, self.order = name, rank, order

    def __repr__(self):
        return f"torch.{self.name}"

    def __reduce__(self):
        return self.name  # the one instance, pickled by reference


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last", 4, (0, 2, 3, 1))  # dims from outermost to innermost in memory
channels_last_3d = memory_format("channels_last_3d", 5, (0, 2, 3, 4, 1))


def check(fmt, op):
    """fmt itself when it is a memory format, else a TypeError naming op."""
    if not isinstance(fmt, memory_format):
        raise TypeError(f"{op}: memory_format must be a torch.memory_format (torch.contiguous_format, "
                        f"torch.channels_last, ...), got {type(fmt).__name__}")
    return fmt


def check_rank(array, fmt):
    """RuntimeError, as PyTorch's, when fmt needs another rank than array's."""
    if fmt.rank is not None and array.ndim != fmt.rank:
        raise RuntimeError(f"required rank {fmt.rank} tensor to use {fmt.name} format (the tensor has shape "
                           f"{tuple(array.shape)})")


def is_in(array, fmt):
    """Whether array's elements lie in fmt's order without gaps (the strides of size-1 dims do not count)."""
    if fmt is contiguous_format or fmt is preserve_format:
        return bool(array.flags.c_contiguous)
    if array.ndim != fmt.rank:
        return False
    expected, step = [0] * array.ndim, array.itemsize
    for d in reversed(fmt.order):
        expected[d] = step
        step *= array.shape[d]
    return all(n == 1 or s == e for n, s, e in zip(array.shape, array.strides, expected))


def layout_of(array):
    """The format an array is in, for preserve_format: channels_last (3d) when it is in it and not C-contiguous."""
    if not array.flags.c_contiguous:
        for fmt in (channels_last, channels_last_3d):
            if array.ndim == fmt.rank and is_in(array, fmt):
                return fmt
    return contiguous_format


def to_format(array, fmt, xp):
    """array with its elements in fmt's order (array itself when they already are)."""
    if fmt is preserve_format:
        fmt = layout_of(array)
    check_rank(array, fmt)
    if is_in(array, fmt):
        return array
    if fmt is contiguous_format:
        return xp.ascontiguousarray(array)
    inverse = tuple(int(i) for i in np.argsort(fmt.order))
    return xp.ascontiguousarray(array.transpose(fmt.order)).transpose(inverse)
