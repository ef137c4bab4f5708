"""Padding layers: ReflectionPad, ReplicationPad, ConstantPad, ZeroPad and CircularPad in 1, 2 and 3 dims."""
from autograd import dtypes
from autograd.ops.padding import pad

from .module import Layer

__all__ = [f"{kind}Pad{n}d" for kind in ("Reflection", "Replication", "Constant", "Zero", "Circular")
           for n in (1, 2, 3)]


def _widths(padding, n, name):
    """padding as an int (every side) or a 2 * n tuple, as the (left, right, top, bottom, ...) tuple of F.pad."""
    if isinstance(padding, (tuple, list)):
        widths = dtypes.as_ints(tuple(padding), name, "padding")
        if len(widths) != 2 * n:
            raise ValueError(f"{name}: padding must be an int or a tuple of {2 * n} ints, got {tuple(padding)}")
        return widths
    return (dtypes.as_int(padding, name, "padding"),) * (2 * n)


class _PadNd(Layer):
    """Pads the last `_n` dims in mode `_mode`; subclasses set both."""

    _mode, _n = "constant", 1

    def __init__(self, padding):
        super().__init__()
        self.padding = _widths(padding, self._n, type(self).__name__)

    def forward(self, input):
        """Pad the input's last dims."""
        return pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        """Pad the input's last dims with `value`."""
        return pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


def _layer(kind, base, mode, n):
    doc = f"Pads the last {n} dim{'s' if n > 1 else ''} of the input in mode {mode!r}."
    return type(f"{kind}Pad{n}d", (base,), {"__doc__": doc, "_mode": mode, "_n": n, "__module__": __name__})


for _n in (1, 2, 3):
    for _kind, _base, _mode in (("Reflection", _PadNd, "reflect"), ("Replication", _PadNd, "replicate"),
                                ("Circular", _PadNd, "circular"), ("Constant", _ConstantPadNd, "constant"),
                                ("Zero", _ZeroPadNd, "constant")):
        globals()[f"{_kind}Pad{_n}d"] = _layer(_kind, _base, _mode, _n)
