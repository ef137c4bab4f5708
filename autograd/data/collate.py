"""Collation: default_collate stacks a list of samples into a batch; default_convert turns arrays into tensors."""
import collections.abc
import copy

import numpy as np

from .._tensor import Tensor
from ..creation import as_tensor, tensor
from ..dtypes import float64
from ..ops import stack

__all__ = ["default_collate", "default_convert"]

_ERR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _bad_numpy(arr):
    return arr.dtype.kind in "USOV"  # strings, objects and records cannot become tensors


def _rebuild(elem, items):
    """A sequence of the same type as `elem` holding `items` (a list when the type cannot be rebuilt)."""
    try:
        if isinstance(elem, collections.abc.MutableSequence):
            clone = copy.copy(elem)
            for i, item in enumerate(items):
                clone[i] = item
            return clone
        return type(elem)(items)
    except TypeError:  # e.g. range, or a type without __init__(iterable)
        return list(items)


def default_collate(batch):
    """Stack a list of samples into a batch: tensors, numpy arrays and numbers become tensors with a new first dim;
    dicts, tuples and lists are collated field by field (tuples come back as lists, as in PyTorch)."""
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(batch, 0)
    if isinstance(elem, np.ndarray):
        if _bad_numpy(elem):
            raise TypeError(_ERR.format(elem.dtype))
        return stack([as_tensor(b) for b in batch], 0)
    if isinstance(elem, np.generic) and not isinstance(elem, (np.str_, np.bytes_)):
        arr = np.array(batch)
        if _bad_numpy(arr):
            raise TypeError(_ERR.format(arr.dtype))
        return as_tensor(arr)
    if isinstance(elem, float):
        return tensor(batch, dtype=float64)
    if isinstance(elem, int):  # bool too (a bool tensor)
        return tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        out = {key: default_collate([d[key] for d in batch]) for key in elem}
        try:
            return type(elem)(out)
        except TypeError:
            return out
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(default_collate(list(s)) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        for i, b in enumerate(batch):
            if len(b) != size:
                raise RuntimeError(f"default_collate: each element in list of batch should be of equal size, but "
                                   f"sample 0 has {size} fields and sample {i} has {len(b)}")
        fields = [default_collate(list(s)) for s in zip(*batch)]
        return fields if isinstance(elem, tuple) else _rebuild(elem, fields)
    raise TypeError(_ERR.format(type(elem)))


def default_convert(data):
    """Turn numpy arrays (anywhere in dicts, tuples and lists) into tensors; everything else is kept as it is."""
    if isinstance(data, Tensor):
        return data
    if isinstance(data, np.ndarray):
        return data if _bad_numpy(data) else as_tensor(data)
    if isinstance(data, np.generic) and not isinstance(data, (np.str_, np.bytes_)):
        return as_tensor(np.asarray(data))
    if isinstance(data, (str, bytes)):
        return data
    if isinstance(data, collections.abc.Mapping):
        out = {key: default_convert(v) for key, v in data.items()}
        try:
            return type(data)(out)
        except TypeError:
            return out
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence):
        return _rebuild(data, [default_convert(d) for d in data])
    return data
