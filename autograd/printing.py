"""PyTorch-style reprs: tensor([...], requires_grad=True) or tensor([...], grad_fn=<MulBackward0>)."""
import math

import numpy as np

from . import backend, dtypes

_PROFILES = {"default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
             "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
             "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80)}


class _PrintOptions:
    """The options every repr reads (set_printoptions changes them); PyTorch's defaults."""

    def __init__(self):
        self.__dict__.update(_PROFILES["default"], sci_mode=None)


_OPTS = _PrintOptions()


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    """Set how tensors print, as torch.set_printoptions: digits after the point, the element count above which a
    repr is summarized, the items shown at each edge when it is, the line width, a profile ('default', 'short',
    'full') applied first, and sci_mode (True/False forces scientific notation on/off; None, the default, chooses
    per tensor; every call sets it)."""
    if profile is not None and profile in _PROFILES:  # (an unknown profile is ignored, as in PyTorch)
        _OPTS.__dict__.update(_PROFILES[profile])
    for name, value in (("precision", precision), ("threshold", threshold), ("edgeitems", edgeitems),
                        ("linewidth", linewidth)):
        if value is not None:
            setattr(_OPTS, name, value)
    _OPTS.sci_mode = sci_mode


def get_printoptions():
    """The current print options as a dict (torch._tensor_str.get_printoptions)."""
    return dict(_OPTS.__dict__)


class _Formatter:
    """Formats the elements of one tensor to a common width: integer-valued, fixed or scientific, as PyTorch does."""

    def __init__(self, arr):
        self.floating = arr.dtype.kind == "f" or arr.dtype == dtypes.bfloat16
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        if not self.floating:
            self.width = max((len(str(v)) for v in arr.ravel().tolist()), default=1)
            return
        vals = arr.astype(np.float64).ravel()
        vals = vals[np.isfinite(vals) & (vals != 0)]
        if vals.size == 0:
            return
        lo, hi = np.abs(vals).min(), np.abs(vals).max()
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        if _OPTS.sci_mode is not None:
            self.sci_mode = bool(_OPTS.sci_mode)
        elif self.int_mode:
            self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8
        else:
            self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
        if self.sci_mode:
            self.width = max(len(f"{v:.{_OPTS.precision}e}") for v in vals.tolist())
        elif self.int_mode:
            self.width = max(len(f"{v:.0f}") + 1 for v in vals.tolist())
        else:
            self.width = max(len(f"{v:.{_OPTS.precision}f}") for v in vals.tolist())

    def format(self, v):
        if not self.floating:
            s = str(v)
        elif self.sci_mode:
            s = f"{v:{self.width}.{_OPTS.precision}e}"
        elif self.int_mode:
            s = f"{v:.0f}" + ("" if math.isinf(v) or math.isnan(v) else ".")
        else:
            s = f"{v:.{_OPTS.precision}f}"
        return s.rjust(self.width)


class _ComplexFormatter:
    """Formats complex elements as PyTorch does: the real parts and the imaginary parts each to a common width."""

    def __init__(self, arr):
        self.real, self.imag = _Formatter(arr.real), _Formatter(arr.imag)
        self.width = self.real.width + self.imag.width + 2

    def format(self, v):
        im = (self.imag.format(v.imag) + "j").lstrip()
        return self.real.format(v.real) + (im if im[0] in "+-" else "+" + im)


def _summarized(arr):
    """The first and last edge items along every dim (what a summarized repr shows)."""
    if arr.ndim == 0:
        return arr
    if arr.shape[0] > 2 * _OPTS.edgeitems:
        arr = np.concatenate([arr[:_OPTS.edgeitems], arr[-_OPTS.edgeitems:]])
    return np.stack([_summarized(x) for x in arr]) if arr.ndim > 1 else arr


def _body(arr, indent, summarize, fmt):
    if arr.ndim == 0:
        return fmt.format(arr.item())
    n = arr.shape[0]
    if arr.ndim == 1:
        per_line = max(1, math.floor((_OPTS.linewidth - indent) / (fmt.width + 2)))
        vals = arr.tolist()
        if summarize and n > 2 * _OPTS.edgeitems:
            edge = _OPTS.edgeitems
            data = [fmt.format(v) for v in vals[:edge]] + [" ..."] + [fmt.format(v) for v in vals[-edge:]]
        else:
            data = [fmt.format(v) for v in vals]
        lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    if summarize and n > 2 * _OPTS.edgeitems:
        rows = ([_body(arr[i], indent + 1, summarize, fmt) for i in range(_OPTS.edgeitems)] + ["..."]
                + [_body(arr[i], indent + 1, summarize, fmt) for i in range(n - _OPTS.edgeitems, n)])
    else:
        rows = [_body(arr[i], indent + 1, summarize, fmt) for i in range(n)]
    return "[" + ("," + "\n" * (arr.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def _format(arr, indent=len("tensor(")):
    """The bracketed values of a non-empty array, laid out as PyTorch does."""
    summarize = arr.size > _OPTS.threshold
    shown = _summarized(arr) if summarize else arr
    return _body(arr, indent, summarize, (_ComplexFormatter if arr.dtype.kind == "c" else _Formatter)(shown))


def _add_suffixes(text, suffixes, indent):
    """Append ', suffix' items, wrapping onto a new line where the line would pass the line width."""
    parts = [text]
    last = len(text) - text.rfind("\n") + 1
    for s in suffixes:
        if last + len(s) + 2 > _OPTS.linewidth:
            parts.append(",\n" + " " * indent + s)
            last = indent + len(s)
        else:
            parts.append(", " + s)
            last += len(s) + 2
    return "".join(parts) + ")"


def _sparse_repr(t, a):
    """tensor(indices=..., values=..., size=..., nnz=..., layout=torch.sparse_coo), as PyTorch prints it."""
    pad = " " * len("tensor(")
    parts = []
    for name, arr in (("indices", a.indices), ("values", a.values)):
        arr = backend.to_device(arr, "cpu")
        head = f"{name}=tensor("
        body = _format(arr, len(pad + head)) if arr.size else "[]"
        suffix = f", size={arr.shape}" if not arr.size else ""  # the dtype is shown once, below
        parts.append(head + body + suffix + ")")
    suffixes = [f"nnz={a.nnz}"]
    if a.dtype != dtypes.get_default_dtype():
        suffixes.append(f"dtype={a.dtype}")
    if t.device.type != "cpu":
        suffixes.append(f"device='{t.device}'")
    suffixes.append("layout=torch.sparse_coo")
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes("tensor(" + (",\n" + pad).join(parts) + ",\n" + pad + f"size={a.shape}", suffixes,
                         len(pad))


def tensor_repr(t):
    """The repr of a Tensor, in PyTorch's form."""
    if getattr(t.array, "is_sparse_coo", False):
        return _sparse_repr(t, t.array)
    arr = backend.to_device(t.array, "cpu")
    prefix = "tensor("
    suffixes = []
    if t.device.type != "cpu":
        suffixes.append(f"device='{t.device}'")
    if arr.size == 0:
        body = "[]"
        if arr.ndim != 1:
            suffixes.append(f"size={arr.shape}")
    else:
        body = _format(arr, len(prefix))
    default = dtypes.get_default_dtype()
    implied = (default,) + (() if arr.size == 0 else (dtypes.to_complex(default), dtypes.int64, dtypes.bool_))
    if arr.dtype not in implied:  # an empty tensor has no values that imply int64 or bool
        suffixes.append(f"dtype={arr.dtype}")
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, len(prefix))
