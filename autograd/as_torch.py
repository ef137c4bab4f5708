"""PyTorch's module paths on tapegrad: `import autograd.as_torch as torch`, or `python -m autograd.as_torch script.py`.

Importing this module makes `torch` and every `torch.*` path in _PATHS resolve to tapegrad for the rest of the process
(a meta-path finder; the real torch, if it was imported already, is taken out of sys.modules): `import torch.nn as
nn`, `from torch.utils.data import DataLoader`, `from torch.nn.modules.rnn import LSTM` all give tapegrad's objects.
Each `torch.X` is an alias module that looks its names up in the tapegrad modules listed for it, on first use, so
`nn` and `optim` are imported only when a script touches `torch.nn` or `torch.optim`. A name tapegrad lacks raises
AttributeError (or ModuleNotFoundError for a module) saying so. `torch.__version__` is the PyTorch API version
tapegrad follows, with tapegrad's own as a local part ('2.13.0+tapegrad.0.1.0'), and orders by its numbers.
"""
import importlib
import importlib.abc
import importlib.machinery
import operator
import os
import re
import runpy
import sys
import types

import numpy as np

from . import __version__ as _tapegrad_version
from . import amp
from ._tensor import Tensor

_API_VERSION = "2.13.0"
_DATA = ("autograd.data", "autograd.distributed.sampler")
# torch.nn.modules.<file> -> the nn modules that hold the classes torch keeps in that file
_NN_MODULES = {"activation": ("nn.activation", "nn.transformer", "nn.activation_random"),
               "batchnorm": ("nn.normalization", "nn.lazy", "nn.parallel"),
               "container": ("nn.container",), "conv": ("nn.conv", "nn.lazy"), "dropout": ("nn.dropout",),
               "flatten": ("nn.linear",), "fold": ("nn.conv",), "instancenorm": ("nn.normalization", "nn.lazy"),
               "linear": ("nn.linear", "nn.lazy"), "loss": ("nn.loss", "nn.loss_margin"), "module": ("nn.module",),
               "normalization": ("nn.normalization", "nn.lrn"), "pixelshuffle": ("nn.pooling",),
               "pooling": ("nn.pooling", "nn.pooling_3d", "nn.pooling_extra"),
               "rnn": ("nn.rnn",), "sparse": ("nn.sparse", "nn.embedding_bag"), "transformer": ("nn.transformer",),
               "upsampling": ("nn.pooling",), "padding": ("nn.padding",),
               "distance": ("nn.distance",), "channelshuffle": ("nn.channelshuffle",), "lazy": ("nn.lazy",),
               "adaptive": ("nn.adaptive_softmax",)}
# torch.optim.<file> -> the optim module that holds its optimizer
_OPTIM_FILES = {"adadelta": "adadelta", "adagrad": "adagrad", "adam": "adam", "adamw": "adam", "adamax": "adamax",
                "lbfgs": "lbfgs", "nadam": "nadam", "radam": "radam", "rmsprop": "rmsprop", "sgd": "sgd", "asgd": "asgd",
                "rprop": "rprop", "_adafactor": "adafactor", "_muon": "muon", "sparse_adam": "sparse_adam"}

# torch.distributions.<file> -> the autograd.distributions module that holds its names
_DISTRIBUTION_FILES = {"constraints": "constraints", "transforms": "transforms", "kl": "kl", "utils": "utils",
                       "distribution": "distribution", "normal": "continuous", "uniform": "continuous",
                       "exponential": "continuous", "laplace": "continuous", "bernoulli": "discrete",
                       "categorical": "discrete", "one_hot_categorical": "discrete", "poisson": "discrete",
                       "binomial": "discrete", "multinomial": "discrete", "gamma": "gamma", "beta": "gamma",
                       "dirichlet": "gamma", "multivariate_normal": "multivariate",
                       "lowrank_multivariate_normal": "multivariate", "independent": "wrappers",
                       "mixture_same_family": "wrappers", "transformed_distribution": "transformed",
                       "log_normal": "transformed", "relaxed_bernoulli": "transformed",
                       "relaxed_categorical": "transformed", "cauchy": "heavy_tailed", "chi2": "heavy_tailed",
                       "gumbel": "heavy_tailed", "half_cauchy": "heavy_tailed", "half_normal": "heavy_tailed",
                       "pareto": "heavy_tailed", "studentT": "heavy_tailed", "weibull": "heavy_tailed",
                       "geometric": "counts", "negative_binomial": "counts",
                       "constraint_registry": "constraint_registry"}

# torch path -> the tapegrad sources of its names, looked up in order: modules, or "module:attribute" for a settings
# object (torch.backends.cudnn). A torch path not listed here is one tapegrad does not have.
_PATHS = {
    "torch": ("autograd",),
    "torch.nn": ("nn",),
    "torch.nn.functional": ("nn.functional",),
    "torch.nn.init": ("nn.init",),
    "torch.nn.parameter": ("nn.parameter", "nn.module"),
    "torch.nn.modules": ("nn",),
    **{f"torch.nn.modules.{k}": v for k, v in _NN_MODULES.items()},
    "torch.nn.utils": ("nn.utils",),
    "torch.nn.utils.rnn": ("nn.utils.rnn",),
    "torch.nn.utils.clip_grad": ("nn.utils.clip_grad",),
    "torch.nn.utils.convert_parameters": ("nn.utils.convert_parameters",),
    "torch.nn.utils.parametrize": ("nn.utils.parametrize",),
    "torch.nn.utils.parametrizations": ("nn.utils.parametrizations",),
    "torch.nn.utils.fusion": ("nn.utils.fusion",),
    "torch.nn.parallel": ("nn.parallel",),
    "torch.nn.parallel.distributed": ("nn.parallel",),
    "torch.optim": ("optim",),
    "torch.optim.lr_scheduler": ("optim.lr_scheduler",),
    "torch.optim.swa_utils": ("optim.swa_utils",),
    "torch.optim.optimizer": ("optim.optimizer",),
    **{f"torch.optim.{k}": (f"optim.{v}",) for k, v in _OPTIM_FILES.items()},
    "torch.testing": ("autograd.testing",),
    "torch.utils": (),
    "torch.utils.checkpoint": ("autograd.grad_checkpoint",),
    "torch.utils.data": _DATA,
    "torch.utils.data.dataloader": _DATA,
    "torch.utils.data.dataset": _DATA,
    "torch.utils.data.sampler": _DATA,
    "torch.utils.data.distributed": _DATA,
    "torch.autograd": ("autograd.autograd_api", "autograd.grad_mode", "autograd.finite_diff", "autograd.function"),
    "torch.autograd.function": ("autograd.function",),
    "torch.autograd.functional": ("autograd.functional",),
    "torch.autograd.grad_mode": ("autograd.grad_mode",),
    "torch.amp": ("autograd.amp",),
    "torch.cpu": (),
    "torch.cpu.amp": (),
    "torch.cuda": ("autograd.cuda",),
    "torch.cuda.amp": (),
    "torch.compiler": ("autograd.compiler",),
    "torch.backends": ("autograd.precision",),
    "torch.backends.cuda": ("autograd.precision:cuda",),
    "torch.backends.cudnn": ("autograd.precision:cudnn",),
    "torch.backends.mps": ("autograd.precision:mps",),
    "torch.distributed": ("autograd.distributed",),
    "torch.serialization": ("autograd.serialization",),
    "torch.random": ("autograd.random",),
    "torch.linalg": ("autograd.linalg",),
    "torch.special": ("autograd.special",),
    "torch.sparse": ("autograd.sparse",),
    "torch.distributions": ("autograd.distributions",),
    **{f"torch.distributions.{k}": (f"autograd.distributions.{v}",) for k, v in _DISTRIBUTION_FILES.items()},
    "torch.distributions.transforms": ("autograd.distributions.transforms", "autograd.distributions.transforms_extra"),
    "torch.fft": ("autograd.fft",),
}


def _ordered(op):
    """A comparison of _Version by release numbers (NotImplemented for what has none)."""
    def compare(self, other):
        ab = self._cmp(other)
        return NotImplemented if ab is None else op(*ab)

    return compare


class _Version(str):
    """torch.__version__: a str that orders by its release numbers against strings ('2.1') and tuples ((2, 1))."""

    @staticmethod
    def _release(v):
        if isinstance(v, tuple):
            return v
        m = re.match(r"\s*v?(\d+(?:\.\d+)*)", v) if isinstance(v, str) else None
        return tuple(int(p) for p in m.group(1).split(".")) if m else None

    def _cmp(self, other):
        a, b = self._release(self), self._release(other)
        if b is None:
            return None
        width = max(len(a), len(b))
        return (a + (0,) * (width - len(a)), tuple(b) + (0,) * (width - len(b)))

    __lt__, __le__ = _ordered(operator.lt), _ordered(operator.le)
    __gt__, __ge__ = _ordered(operator.gt), _ordered(operator.ge)


class _VariableMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor)


class Variable(metaclass=_VariableMeta):
    """torch.autograd.Variable (deprecated in PyTorch): Variable(t, requires_grad) is a tensor sharing t's data, and
    every tensor is an instance of Variable."""

    def __new__(cls, data, requires_grad=False):
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        return data.detach().requires_grad_(requires_grad)


_EXTRAS = {"torch": {"__version__": _Version(f"{_API_VERSION}+tapegrad.{_tapegrad_version}"),
                     "dtype": np.dtype},  # tapegrad's dtypes (autograd.float32, ...) are numpy dtypes
           "torch.autograd": {"Variable": Variable},
           "torch.cuda.amp": {"autocast": amp.cuda_autocast, "GradScaler": amp.CudaGradScaler},
           "torch.cpu.amp": {"autocast": amp.cpu_autocast, "GradScaler": amp.CpuGradScaler}}


_MISSING = object()


def _load(source):
    module, _, attribute = source.partition(":")
    target = importlib.import_module(module)
    return getattr(target, attribute) if attribute else target


class _Alias(types.ModuleType):
    """One torch.* module: names come from its tapegrad sources, imported on first use."""

    def __init__(self, name):
        super().__init__(name, f"tapegrad's stand-in for {name}")
        # a package (submodules import through the finder); plain entries, past __setattr__'s forwarding
        self.__dict__.update(_EXTRAS.get(name, {}), __path__=[], _sources=_PATHS[name], _loaded=None)

    def _targets(self):
        if self._loaded is None:
            self.__dict__["_loaded"] = [_load(s) for s in self._sources]
        return self._loaded

    def __getattr__(self, attr):
        if attr == "__all__":  # for `from torch.nn import *`
            return [n for n in self.__dir__() if not n.startswith("_")]
        if attr.startswith("__"):
            raise AttributeError(attr)
        sub = f"{self.__name__}.{attr}"
        if sub in _PATHS:
            return importlib.import_module(sub)
        for target in self._targets():
            value = getattr(target, attr, _MISSING)
            if value is _MISSING or isinstance(value, types.ModuleType):
                continue  # a tapegrad module (autograd.ops, ...) is no torch path: those come from _PATHS only
            if not isinstance(target, types.ModuleType):
                return value  # a settings object (torch.backends.cudnn): read it each time
            self.__dict__[attr] = value
            return value
        raise AttributeError(f"tapegrad has no {sub} yet (its stand-in for {self.__name__} looks in "
                             f"{', '.join(self._sources) or 'no module'}; see docs/PORTING.md)")

    def __setattr__(self, attr, value):
        if any(":" in s for s in self._sources):  # a switch (torch.backends.cudnn.benchmark) lives in its object
            for target in self._targets():
                if not isinstance(target, types.ModuleType) and hasattr(target, attr):
                    setattr(target, attr, value)
                    return
        super().__setattr__(attr, value)

    def __dir__(self):
        names = {n for n in self.__dict__ if not n.startswith("_") or n == "__version__"}
        names.update(p.rpartition(".")[2] for p in _PATHS if p.rpartition(".")[0] == self.__name__)
        for target in self._targets():
            public = getattr(target, "__all__", None) or [n for n in dir(target) if not n.startswith("_")]
            names.update(n for n in public if not isinstance(getattr(target, n, None), types.ModuleType))
        return sorted(names)



class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds torch and torch.* as tapegrad aliases; refuses the torch modules tapegrad does not have."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "torch" and not fullname.startswith("torch."):
            return None
        if fullname not in _PATHS:
            raise ModuleNotFoundError(f"tapegrad has no {fullname} yet (autograd.as_torch maps torch's modules to "
                                      "tapegrad; see docs/PORTING.md for the list)", name=fullname)
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec):
        return _Alias(spec.name)

    def exec_module(self, module):
        parent, _, child = module.__name__.rpartition(".")
        if parent:
            sys.modules[parent].__dict__[child] = module


def install():
    """Make torch.* resolve to tapegrad in this process (idempotent); returns the torch alias module."""
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        for name in [n for n in sys.modules if n == "torch" or n.startswith("torch.")]:
            del sys.modules[name]  # the real torch, imported earlier: from now on `torch` means tapegrad
        sys.meta_path.insert(0, _Finder())
    return importlib.import_module("torch")


_USAGE = "usage: python -m autograd.as_torch script.py [args...]   (runs a PyTorch script on tapegrad)"
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # where autograd, nn and optim live


def main(argv=None):
    """python -m autograd.as_torch script.py [args]: run an unmodified PyTorch script on tapegrad, as `python
    script.py [args]` would (sys.argv, sys.path[0], __name__, __file__, the exit status, the traceback)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(_USAGE)
        return 0 if argv else 2
    path = os.path.abspath(argv[0])
    if not os.path.exists(path):
        print(f"{os.path.basename(sys.executable)}: can't open file {path!r}: [Errno 2] No such file or directory",
              file=sys.stderr)
        return 2
    importlib.import_module(__spec__.name)  # the importable copy of this module installs the route, once
    sys.argv = argv
    if not sys.flags.safe_path:
        here = os.path.dirname(path) if os.path.isfile(path) else path
        if sys.path and os.path.abspath(sys.path[0] or os.curdir) == os.getcwd():
            sys.path[0] = here  # `-m` put the working directory first; a script run by python gets its own folder
        else:
            sys.path.insert(0, here)
        if _ROOT not in map(os.path.abspath, sys.path):
            sys.path.append(_ROOT)  # nn and optim, imported on first use, stay importable
    try:
        runpy.run_path(path, run_name="__main__")
    except Exception as e:  # noqa: BLE001  (reported as python reports an uncaught exception, from the script on)
        tb = e.__traceback__
        ours = (main.__code__.co_filename, runpy.run_path.__code__.co_filename)
        while tb is not None and tb.tb_frame.f_code.co_filename in ours:
            tb = tb.tb_next
        sys.excepthook(type(e), e.with_traceback(tb), tb)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
else:
    sys.modules[__name__] = install()  # `import autograd.as_torch as torch` binds the torch alias itself
