"""dtypes (numpy dtype objects, complex ones included), the default float dtype, PyTorch's type promotion, and int
argument checks."""
import builtins
import operator

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
complex64 = np.dtype(np.complex64)
complex128 = np.dtype(np.complex128)
half, float, double = float16, float32, float64
cfloat, cdouble = complex64, complex128
short, int, long = int16, int32, int64


class MissingDtype:
    """Stands for a dtype whose package is not installed: any use of it as a dtype raises a clear TypeError."""

    def __init__(self, name, package):
        self.name, self.package = name, package

    def error(self):
        """The TypeError that using this dtype raises."""
        return TypeError(f"{self.name} needs the {self.package} package: pip install {self.package}")

    @property
    def dtype(self):  # numpy (and cupy) read .dtype when given this object as a dtype: refuse there too
        raise self.error()

    def __repr__(self):
        return f"autograd.{self.name} (unavailable: pip install {self.package})"


class UnsupportedDtype(MissingDtype):
    """Stands for a PyTorch dtype numpy has no array type for (complex32): any use of it raises a clear TypeError."""

    def __init__(self, name, instead):
        super().__init__(name, None)
        self.instead = instead

    def error(self):
        """The TypeError that using this dtype raises."""
        return TypeError(f"{self.name} is not supported: numpy (and so tapegrad) has no {self.name} arrays; use "
                         f"{self.instead} instead")

    def __repr__(self):
        return f"autograd.{self.name} (unsupported: use {self.instead})"


def _load_bfloat16():
    """bfloat16 from the optional ml_dtypes package, or a MissingDtype placeholder without it."""
    try:
        import ml_dtypes  # optional dependency
    except ImportError:
        return MissingDtype("bfloat16", "ml_dtypes")
    return np.dtype(ml_dtypes.bfloat16)


bfloat16 = _load_bfloat16()
HAS_BFLOAT16 = isinstance(bfloat16, np.dtype)
complex32 = chalf = UnsupportedDtype("complex32", "complex64 (autograd.cfloat)")
HALVES = frozenset(d for d in (float16, bfloat16) if isinstance(d, np.dtype))  # accumulate in float32
FLOATS = frozenset(d for d in (float16, float32, float64, bfloat16) if isinstance(d, np.dtype))
INTEGERS = frozenset((uint8, int8, int16, int32, int64))
COMPLEXES = frozenset((complex64, complex128))
DIFFERENTIABLE = FLOATS | COMPLEXES  # the dtypes that can require grad
SUPPORTED = FLOATS | COMPLEXES | INTEGERS | {bool_}

_NAMES = {"float": float32, "double": float64, "half": float16, "long": int64, "int": int32,
          "short": int16, "bool": bool_, "bfloat16": bfloat16, "cfloat": complex64, "cdouble": complex128,
          "chalf": complex32}


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
    if isinstance(d, str) and d in _NAMES:
        d = _NAMES[d]
    if isinstance(d, MissingDtype):
        raise d.error()
    if d is builtins.float:  # as in PyTorch: dtype=float means float64
        return float64
    if d is builtins.int:
        return int64
    if d is builtins.bool:
        return bool_
    if d is builtins.complex:  # as in PyTorch: dtype=complex means complex128
        return complex128
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


def is_complex(d):
    """True for complex64/complex128."""
    return d in COMPLEXES


def to_complex(d):
    """The complex dtype whose parts have float dtype d: complex128 for float64, complex64 for the other floats
    (PyTorch has complex32 for float16, which tapegrad lacks); complex dtypes map to themselves."""
    if d in COMPLEXES:
        return d
    return complex128 if d == float64 else complex64


def to_real(d):
    """The float dtype of a complex dtype's parts (float32 for complex64); other dtypes map to themselves."""
    return float32 if d == complex64 else (float64 if d == complex128 else d)


def _category(d):
    return 2 if d in FLOATS else (0 if d == bool_ else (3 if d in COMPLEXES else 1))


def promote(type1, type2):
    """PyTorch's result dtype for two tensor dtypes: a complex operand wins over floats, a float one over ints."""
    if type1 == type2:
        return type1
    ca, cb = _category(type1), _category(type2)
    if ca == 3 or cb == 3:  # the complex dtype whose parts have the promoted part dtypes
        return to_complex(promote(to_real(type1), to_real(type2)))
    if ca != cb:
        return type1 if ca > cb else type2
    if ca == 2 and isinstance(bfloat16, np.dtype) and bfloat16 in (type1, type2):
        other = type2 if type1 == bfloat16 else type1
        return float32 if other == float16 else other
    return np.result_type(type1, type2)


def _combine(higher, lower):
    """PyTorch's rule between two priority groups: the higher group's dtype, unless the lower one's category is
    higher (then the two promote). Either may be None (an empty group)."""
    if lower is None:
        return higher
    if higher is None or higher == lower:
        return lower
    if higher in COMPLEXES:
        return higher
    if lower in COMPLEXES:  # a float group keeps its precision; ints and bools take the lower group's dtype
        return to_complex(higher) if higher in FLOATS else lower
    if higher in FLOATS:
        return higher
    if higher == bool_ or lower in FLOATS:
        return promote(higher, lower)
    return higher


def promote_tensors(a, a_ndim, b, b_ndim):
    """PyTorch's promotion of two tensors: a 0-d tensor only decides the dtype when its category is higher."""
    if (a_ndim == 0) == (b_ndim == 0):
        return promote(a, b)
    zero, full = (a, b) if a_ndim == 0 else (b, a)
    return _combine(full, zero)


def _scalar_dtype(s):
    """The dtype a Python (or numpy) scalar counts as: bool, int64, or the default float dtype."""
    if isinstance(s, (builtins.bool, np.bool_)):
        return bool_
    if isinstance(s, (builtins.int, np.integer)):
        return int64
    if isinstance(s, (builtins.float, np.floating)):
        return _Default.dtype
    if isinstance(s, (builtins.complex, np.complexfloating)):
        return to_complex(_Default.dtype)
    return None


def scalar_result(tensor_dtype, scalar):
    """Result dtype of a tensor combined with a Python scalar: scalars never upcast within a category."""
    return _combine(tensor_dtype, _scalar_dtype(scalar))


def result_type(*operands):
    """The dtype PyTorch would give an op on these tensors and scalars (None operands are ignored).

    As in PyTorch, operands form three groups of decreasing priority: tensors with dimensions, 0-d tensors, and
    Python scalars (a float counts as the default dtype, a complex as its complex counterpart). Each group promotes
    within itself; a lower group only changes the result when its category (bool < integer < floating < complex) is
    higher. Tensors are recognised by their
    `dtype` and `ndim` (so arrays count as tensors too); this module sits below the Tensor class.
    """
    groups = [None, None, None]  # dimensioned tensors, 0-d tensors, scalars
    for x in operands:
        if x is None:
            continue
        d = _scalar_dtype(x)
        if d is not None:
            i = 2
        elif isinstance(getattr(x, "dtype", None), np.dtype) and hasattr(x, "ndim"):
            i, d = (0 if x.ndim else 1), x.dtype
        else:
            raise TypeError(f"result_type: expected tensors or numbers (bool, int, float, complex), got "
                            f"{type(x).__name__}")
        groups[i] = d if groups[i] is None else promote(groups[i], d)
    out = _combine(groups[0], _combine(groups[1], groups[2]))
    return _Default.dtype if out is None else out


# ---------------------------------------------------------------------------- int arguments (dims, sizes, counts)
def _int_error(value, op, name):
    return TypeError(f"{op}: argument '{name}' must be int, not {type(value).__name__}")


def as_int(value, op, name="dim"):
    """An int argument as a Python int: ints, numpy integers and one-element integer tensors pass; floats, bools
    and anything else raise a TypeError naming the op (as PyTorch: "... must be int, not float")."""
    if type(value) is builtins.int:
        return value
    if isinstance(value, (builtins.bool, np.bool_)):
        raise _int_error(value, op, name)
    try:
        return operator.index(value)
    except TypeError:
        raise _int_error(value, op, name) from None


def as_ints(values, op, name="size"):
    """A sequence of int arguments as a tuple of Python ints (TypeError naming the op and the bad element)."""
    if not isinstance(values, (tuple, list)):
        raise TypeError(f"{op}: argument '{name}' must be a tuple of ints, not {type(values).__name__}")
    out = []
    for i, v in enumerate(values):
        try:
            out.append(as_int(v, op, name))
        except TypeError:
            raise TypeError(f"{op}: argument '{name}' must be a tuple of ints, but found element of type "
                            f"{type(v).__name__} at pos {i}") from None
    return tuple(out)
