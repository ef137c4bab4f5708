"""autograd.precision: switches of the GPU libraries, as torch.backends (TF32 matmuls; cuDNN flags as no-ops).

    autograd.precision.cuda.matmul.allow_tf32 = True   # float32 matmuls on TF32 tensor cores (about 10 bits of
                                                      # mantissa in the products), as torch's switch
    autograd.set_float32_matmul_precision("high")     # the same, PyTorch's other spelling

The default is False, as in PyTorch (unless the environment sets cupy's own switch, CUPY_TF32=1). On the CPU
the flag is kept and has no effect. On a GPU it sets cupy's cuBLAS compute type for float32, which every cupy
matmul/dot/tensordot uses (cupy._core._routines_linalg.set_compute_type: COMPUTE_TYPE_TF32 or
COMPUTE_TYPE_DEFAULT; needs compute capability 8.0 or newer, cupy warns and keeps full precision otherwise).
"""
import os


from . import backend


class _Matmul:
    """autograd.precision.cuda.matmul: allow_tf32 (False by default)."""

    __slots__ = ("_allow_tf32",)

    def __init__(self):
        self._allow_tf32 = os.environ.get("CUPY_TF32", "0").strip() not in ("", "0")

    @property
    def allow_tf32(self):
        """Whether float32 matmuls on a GPU may use TF32 tensor cores."""
        return self._allow_tf32

    @allow_tf32.setter
    def allow_tf32(self, flag):
        self._allow_tf32 = bool(flag)
        backend.set_tf32_matmul(self._allow_tf32)

    def __repr__(self):
        return f"<autograd.precision.cuda.matmul allow_tf32={self._allow_tf32}>"


class _Cuda:
    """autograd.precision.cuda: the matmul switches and whether cuBLAS is built (it is with cupy)."""

    def __init__(self):
        self.matmul = _Matmul()

    @staticmethod
    def is_built():
        """True when cupy (and with it cuBLAS) is importable."""
        return backend.cupy is not None


class _Cudnn:
    """autograd.precision.cudnn: CuPy 14 has no cuDNN; the flags exist so PyTorch scripts run, and do nothing."""

    enabled = False
    benchmark = False
    deterministic = False
    allow_tf32 = False

    @staticmethod
    def is_available():
        """False: convolutions run as im2col + cuBLAS matmuls (autograd.precision.cuda.matmul.allow_tf32 applies)."""
        return False

    @staticmethod
    def version():
        """None: there is no cuDNN."""
        return None


class _Mps:
    """autograd.precision.mps: there is no Apple GPU backend."""

    @staticmethod
    def is_available():
        """False."""
        return False

    @staticmethod
    def is_built():
        """False."""
        return False


cuda = _Cuda()
cudnn = _Cudnn()
mps = _Mps()

_PRECISIONS = ("highest", "high", "medium")


def set_float32_matmul_precision(precision):
    """'highest': full float32 matmuls; 'high' or 'medium': TF32 allowed (as torch.set_float32_matmul_precision)."""
    if precision not in _PRECISIONS:
        raise ValueError(f"set_float32_matmul_precision: expected one of {_PRECISIONS}, got {precision!r}")
    cuda.matmul.allow_tf32 = precision != "highest"


def get_float32_matmul_precision():
    """'highest' when TF32 is off, else 'high'."""
    return "high" if cuda.matmul.allow_tf32 else "highest"
