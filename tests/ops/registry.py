"""The op registry: every op lists cases here (via cases_*.py) and is checked by test_registry.py."""
from dataclasses import dataclass, field

import numpy as np

import autograd as ag


@dataclass
class Arg:
    """A tensor input: random values in [low, high) of `shape` (float64 by default)."""

    shape: tuple
    low: float = -2.0
    high: float = 2.0
    requires_grad: bool = True
    dtype: str = "float64"
    noncontig: bool = False  # made as the transpose of a contiguous array
    values: object = None  # explicit values instead of random ones

    def make(self, rng):
        if self.values is not None:
            arr = np.array(self.values, dtype=self.dtype)
        elif self.dtype.startswith("int"):
            arr = rng.integers(int(self.low), int(self.high), size=self.shape).astype(self.dtype)
        elif self.dtype == "bool":
            arr = rng.random(self.shape) < 0.5
        else:
            arr = rng.uniform(self.low, self.high, size=self.shape).astype(self.dtype)
        if self.noncontig and arr.ndim >= 2:
            arr = np.ascontiguousarray(arr.swapaxes(-1, -2)).swapaxes(-1, -2)
        t = ag.from_numpy(arr)
        if self.requires_grad and arr.dtype.kind == "f":
            t.requires_grad_(True)
        return t


@dataclass
class OpCase:
    """One op on one set of inputs: fn(*tensors) against ref(*numpy arrays), gradients checked numerically."""

    name: str
    fn: object
    args: list
    ref: object = None
    grad: bool = True
    gradgrad: bool = True
    atol: float = 1e-5
    rtol: float = 1e-3
    seed: int = 0
    marks: list = field(default_factory=list)
    random: bool = False  # draws from the default generator: each device has its own stream (values differ)

    def inputs(self):
        rng = np.random.default_rng(self.seed)
        return [a.make(rng) if isinstance(a, Arg) else a for a in self.args]


def arrays(inputs):
    """The numpy arrays behind the inputs (non-tensors pass through)."""
    return [x.array.copy() if isinstance(x, ag.Tensor) else x for x in inputs]
