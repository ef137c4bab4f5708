"""Neural-network layers, losses, initialisers and the Net/Model pipeline, on top of autograd."""
import importlib

from . import functional, init, utils

_MODULES = ["module", "container", "linear", "activation", "conv", "pooling", "normalization", "dropout",
            "sparse", "rnn", "transformer", "loss", "net", "model", "metrics", "callbacks", "parallel"]

__all__ = ["functional", "init", "utils"]
for _name in _MODULES:
    _mod = importlib.import_module(f".{_name}", __name__)
    for _n in _mod.__all__:
        globals()[_n] = getattr(_mod, _n)
    __all__ += _mod.__all__
