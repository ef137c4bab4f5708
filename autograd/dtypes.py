"""dtypes (numpy dtype objects), the default float dtype, and PyTorch's type promotion."""
import builtins

import numpy as np

bool_ = np.dtype(np.bool_)
uint8 = np.dtype(np.uint8)
int8 = np.dtype(np.int8)
int16 = np.dtype(np.int16)
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)
float16 = np.dtype(np.float16)
float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
half, float, double = float16, float32, float64
short, int, long = int16, int32, int64

try:  # bfloat16 comes from the optional ml_dtypes package
    import ml_dtypes

    bfloat16 = np.dtype(ml_dtypes.bfloat16)
except ImportError:
    bfloat16 = None

FLOATS = frozenset(d for d in (float16, float32, float64, bfloat16) if d is not None)
INTEGERS = frozenset((uint8, int8, int16, int32, int64))
SUPPORTED = FLOATS | INTEGERS | {bool_}

_NAMES = {"float": float32, "double": float64, "half": float16, "long": int64, "int": int32,
          "short": int16, "bool": bool_, "bfloat16": bfloat16}


class _Default:
    dtype = float32


def get_default_dtype():
    """The dtype that float data and random tensors get when none is given (float32)."""
    return _Default.dtype


def set_default_dtype(d):
    """Set the default float dtype (float16, float32 or float64)."""
    d = as_dtype(d)
    if d not in FLOATS:
        raise TypeError(f"set_default_dtype: only floating dtypes can be the default, got {d}")
    _Default.dtype = d


def as_dtype(d):
    """Normalize a dtype spec (np.dtype, numpy type, Python type or name) to a supported np.dtype."""
    if d is None:
        return None
    if isinstance(d, str) and d in _NAMES and _NAMES[d] is not None:
        return _NAMES[d]
    if d is builtins.float:  # as in PyTorch: dtype=float means float64
        return float64
    if d is builtins.int:
        return int64
    if d is builtins.bool:
        return bool_
    try:
        out = np.dtype(d)
    except TypeError:
        raise TypeError(f"{d!r} is not a dtype; use e.g. autograd.float32 or autograd.int64") from None
    if out not in SUPPORTED:
        raise TypeError(f"dtype {out} is not supported; supported: {sorted(str(x) for x in SUPPORTED)}")
    return out


def is_floating(d):
    """True for float16/bfloat16/float32/float64."""
    return d in FLOATS


def _category(d):
    return 2 if d in FLOATS else (0 if d == bool_ else 1)


def promote(a, b):
    """PyTorch's result dtype for two tensor dtypes: a float operand's dtype wins over ints/bools."""
    if a == b:
        return a
    ca, cb = _category(a), _category(b)
    if ca != cb:
        return a if ca > cb else b
    if ca == 2 and bfloat16 is not None and bfloat16 in (a, b):
        other = b if a == bfloat16 else a
        return float32 if other == float16 else other
    return np.result_type(a, b)


def promote_tensors(a, a_ndim, b, b_ndim):
    """PyTorch's promotion of two tensors: a 0-d tensor only decides the dtype when its category is higher."""
    if (a_ndim == 0) == (b_ndim == 0):
        return promote(a, b)
    zero, full = (a, b) if a_ndim == 0 else (b, a)
    return zero if _category(zero) > _category(full) else full


def scalar_result(tensor_dtype, scalar):
    """Result dtype of a tensor combined with a Python scalar: scalars never upcast within a category."""
    if isinstance(scalar, bool):
        return tensor_dtype
    if isinstance(scalar, builtins.float):
        return tensor_dtype if tensor_dtype in FLOATS else _Default.dtype
    if isinstance(scalar, (builtins.int, np.integer)):
        return int64 if tensor_dtype == bool_ else tensor_dtype
    if isinstance(scalar, np.floating):
        return tensor_dtype if tensor_dtype in FLOATS else _Default.dtype
    return tensor_dtype


def result_type(*operands):
    """The dtype PyTorch would give an op on these tensors and scalars."""
    from .tensor import Tensor

    tensors = [x.dtype for x in operands if isinstance(x, Tensor)]
    scalars = [x for x in operands if not isinstance(x, Tensor)]
    if not tensors:
        return as_dtype(np.result_type(*scalars)) if scalars else _Default.dtype
    out = tensors[0]
    for d in tensors[1:]:
        out = promote(out, d)
    for s in scalars:
        out = scalar_result(out, s)
    return out
