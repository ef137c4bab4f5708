"""channel_shuffle: channels split into groups and interleaved (ShuffleNet), as a reshape-transpose-reshape."""
from .._tensor import Tensor
from . import shape


def channel_shuffle(input, groups):
    """(N, C, *) -> (N, C, *) with the channels of `groups` groups interleaved: (N, g, C/g, *) -> (N, C/g, g, *)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"channel_shuffle: input must be a tensor, got {type(input).__name__}")
    if isinstance(groups, bool) or not isinstance(groups, int):
        raise TypeError(f"channel_shuffle: groups must be an int, got {type(groups).__name__}")
    if input.ndim <= 2:
        raise RuntimeError(f"channel_shuffle: expects input with > 2 dims (N, C, *), but got input with shape "
                           f"{tuple(input.shape)}")
    if groups <= 0:
        raise RuntimeError(f"channel_shuffle: the number of groups must be positive, got {groups}")
    n, c, rest = input.shape[0], input.shape[1], tuple(input.shape[2:])
    if c % groups:
        raise RuntimeError(f"channel_shuffle: the number of channels must be divisible by groups, got {c} channels "
                           f"and {groups} groups")
    grouped = shape.reshape(input, (n, groups, c // groups) + rest)
    return shape.reshape(shape.transpose(grouped, 1, 2), (n, c) + rest)


native_channel_shuffle = channel_shuffle

__all__ = ["channel_shuffle", "native_channel_shuffle"]
METHODS = {}
