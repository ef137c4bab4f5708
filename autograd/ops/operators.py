"""Python operators on Tensor (+, -, *, /, //, %, **, @, comparisons, &, |, ^, <<, >>, ~, [], +=, ...)."""
from . import arith, bitshift, compare, index, inplace, inplace_extra, linalg


def _reflected(fn):
    def op(self, other):
        return fn(other, self)

    op.__name__ = f"r{fn.__name__}"
    return op


def bind_operators(Tensor):
    """Attach the operator methods to Tensor."""
    table = {
        "add": arith.add, "sub": arith.sub, "mul": arith.mul, "truediv": arith.div,
        "floordiv": arith.floor_divide, "mod": arith.remainder, "pow": arith.pow, "matmul": linalg.matmul,
        "and": compare.bitwise_and, "or": compare.bitwise_or, "xor": compare.bitwise_xor,
        "lshift": bitshift.bitwise_left_shift, "rshift": bitshift.bitwise_right_shift,
    }
    for name, fn in table.items():
        setattr(Tensor, f"__{name}__", fn)
        setattr(Tensor, f"__r{name}__", _reflected(fn))
    for name, fn in {"add": inplace.add_, "sub": inplace.sub_, "mul": inplace.mul_, "truediv": inplace.div_,
                     "pow": inplace.pow_, "floordiv": inplace.floor_divide_, "mod": inplace.remainder_,
                     "and": inplace.bitwise_and_, "or": inplace.bitwise_or_, "xor": inplace.bitwise_xor_,
                     "lshift": inplace_extra.METHODS["bitwise_left_shift_"],
                     "rshift": inplace_extra.METHODS["bitwise_right_shift_"],
                     "matmul": lambda self, other: inplace.copy_(self, linalg.matmul(self, other))}.items():
        setattr(Tensor, f"__i{name}__", fn)
    Tensor.__neg__ = arith.neg
    Tensor.__pos__ = lambda self: self
    Tensor.__abs__ = lambda self: self.abs()
    Tensor.__invert__ = compare.bitwise_not
    for name in ("eq", "ne", "lt", "le", "gt", "ge"):
        setattr(Tensor, f"__{name}__", getattr(compare, name))
    Tensor.__getitem__ = index.getitem
    Tensor.__setitem__ = index.setitem
