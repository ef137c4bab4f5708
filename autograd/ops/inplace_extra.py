"""More in-place variants: comparisons and logical ops (the result in self's dtype), bitwise_not_, bit shifts,
tril_/triu_, swapaxes_/swapdims_ and the fused multiply-adds addmm_, addmv_, addbmm_, baddbmm_, addr_."""
from . import bitshift, compare, linalg, linalg_legacy, shape
from .inplace import _reshape_inplace, _via

_COMPARISONS = {"eq": compare.eq, "ne": compare.ne, "lt": compare.lt, "le": compare.le, "gt": compare.gt,
                "ge": compare.ge, "greater": compare.gt, "greater_equal": compare.ge, "less": compare.lt,
                "less_equal": compare.le, "not_equal": compare.ne, "logical_and": compare.logical_and,
                "logical_or": compare.logical_or, "logical_xor": compare.logical_xor,
                "logical_not": compare.logical_not, "bitwise_not": compare.bitwise_not,
                "bitwise_left_shift": bitshift.bitwise_left_shift, "bitwise_right_shift": bitshift.bitwise_right_shift,
                "tril": shape.tril, "triu": shape.triu, "addmm": linalg.addmm, "addmv": linalg.addmv,
                "baddbmm": linalg.baddbmm, "addbmm": linalg_legacy.addbmm, "addr": linalg_legacy.addr}
METHODS = {f"{n}_": _via(n, fn) for n, fn in _COMPARISONS.items()}


def swapaxes_(self, axis0, axis1):
    """transpose_ under numpy's name: swap two dims of this tensor's view in place."""
    return _reshape_inplace(self, "swapaxes_", shape.transpose, axis0, axis1)


def swapdims_(self, dim0, dim1):
    """transpose_ under its other name: swap two dims of this tensor's view in place."""
    return _reshape_inplace(self, "swapdims_", shape.transpose, dim0, dim1)


METHODS.update(swapaxes_=swapaxes_, swapdims_=swapdims_)
__all__ = []
