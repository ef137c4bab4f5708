"""The differentiable ops, by family; each family lists its public functions and its Tensor methods."""
import importlib

from ..tensor import Tensor

FAMILIES = ["convert", "arith", "unary", "compare", "reduce", "shape", "join", "index", "sort", "linalg",
            "inplace", "activation", "norm", "loss", "attention", "conv", "pool", "embedding", "dropout", "factory"]

__all__ = []
_modules = [importlib.import_module(f".{_name}", __name__) for _name in FAMILIES]
for _mod in _modules:  # functions win over same-named family modules (norm, dropout, embedding)
    for _fn in _mod.__all__:
        globals()[_fn] = getattr(_mod, _fn)
    __all__ += _mod.__all__
    for _meth, _fn in _mod.METHODS.items():
        setattr(Tensor, _meth, _fn)

from .operators import bind_operators  # noqa: E402

bind_operators(Tensor)
