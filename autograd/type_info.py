"""torch.finfo and torch.iinfo: the numerical limits of floating and integer dtypes; torch.is_tensor."""
import numpy as np

from . import dtypes
from ._tensor import Tensor

__all__ = ["finfo", "iinfo", "is_tensor"]


def _limits(module_finfo, dtype):
    """numpy's finfo, or ml_dtypes' for bfloat16 (numpy has no bfloat16 of its own)."""
    if dtypes.HAS_BFLOAT16 and dtype == dtypes.bfloat16:
        import ml_dtypes  # optional dependency, present whenever bfloat16 is

        return ml_dtypes.finfo(dtype)
    return module_finfo(dtype)


class finfo:  # noqa: N801  (torch's name)
    """The limits of a floating dtype (the real part's for complex ones): bits, eps, max, min, tiny (=
    smallest_normal), resolution (10 ** -digits), dtype (its name)."""

    def __init__(self, type=None):  # noqa: A002  (torch's argument name)
        d = dtypes.get_default_dtype() if type is None else dtypes.as_dtype(type)
        if d in dtypes.COMPLEXES:
            d = dtypes.to_real(d)
        if d not in dtypes.FLOATS:
            raise TypeError(f"torch.finfo() requires a floating point input type, got {d}. Use torch.iinfo to "
                            "handle 'torch.finfo'")
        info = _limits(np.finfo, d)
        self.bits = int(info.bits)
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0 ** -int(info.precision)  # as PyTorch: from the decimal digits, also for bfloat16
        self.dtype = str(d)

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")

    def __eq__(self, other):
        return isinstance(other, finfo) and other.dtype == self.dtype

    __hash__ = object.__hash__


class iinfo:  # noqa: N801  (torch's name)
    """The limits of an integer dtype: bits, max, min, dtype (its name)."""

    def __init__(self, type):  # noqa: A002  (torch's argument name)
        d = dtypes.as_dtype(type)
        if d == dtypes.bool_:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if d not in dtypes.INTEGERS:
            raise TypeError(f"torch.iinfo() requires an integer input type, got {d}. Use torch.finfo to handle "
                            "'torch.iinfo'")
        info = np.iinfo(d)
        self.bits, self.max, self.min, self.dtype = int(info.bits), int(info.max), int(info.min), str(d)

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"

    def __eq__(self, other):
        return isinstance(other, iinfo) and other.dtype == self.dtype

    __hash__ = object.__hash__


def is_tensor(obj):
    """True when obj is a tapegrad Tensor (of any layout, Parameters included)."""
    return isinstance(obj, Tensor)
