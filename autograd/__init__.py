"""tapegrad's engine: tensors on numpy (CPU) or cupy (GPU), a dynamic tape, and reverse-mode autograd."""
from . import backend, cuda, dtypes
from ._tensor import Size, Tensor
from .legacy import (BFloat16Tensor, BoolTensor, ByteTensor, CharTensor, DoubleTensor, FloatTensor, HalfTensor,
                     IntTensor, LongTensor, ShortTensor)
from .function import Function
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad,
                        set_grad_enabled)
from .dtypes import cdouble, cfloat, chalf, complex32, complex64, complex128  # noqa: F401  (as torch.cfloat ...)
from .dtypes import (bfloat16, bool_, double, float, float16, float32, float64, get_default_dtype, half, int,
                     int8, int16, int32, int64, long, promote as promote_types, result_type, set_default_dtype,
                     short, uint8)
from .backend import device
from .creation import logspace  # noqa: F401  (torch.logspace)
from .creation import (arange, as_tensor, empty, empty_like, eye, from_numpy, full, full_like, linspace, ones,
                       ones_like, tensor, zeros, zeros_like)
from .random import (Generator, default_generator, get_rng_state, initial_seed, manual_seed, normal, rand,
                     rand_like, randint, randint_like, randn, randn_like, randperm, seed, set_rng_state)
from . import ops
from .ops import *  # noqa: F401,F403  (the op library: add, exp, sum, reshape, matmul, ...)
from . import linalg  # torch.linalg's namespace
from . import special  # torch.special's namespace
from . import distributions  # torch.distributions' namespace
from . import fft  # torch.fft's namespace
from . import sparse  # torch.sparse's namespace
from .threads import get_num_interop_threads, get_num_threads, set_num_interop_threads, set_num_threads
from .type_info import finfo, iinfo, is_tensor
from .memory_formats import channels_last, channels_last_3d, contiguous_format, memory_format, preserve_format
from .autograd_api import backward, detect_anomaly, grad, is_anomaly_enabled, set_detect_anomaly
from .finite_diff import gradcheck, gradgradcheck
from .serialization import load, save
from .interop import from_dlpack
from . import kernels, precision
from .precision import get_float32_matmul_precision, set_float32_matmul_precision
from . import viz
from . import testing  # torch.testing: assert_close, make_tensor
from .printing import set_printoptions
from .determinism import (are_deterministic_algorithms_enabled, get_deterministic_debug_mode,
                          is_deterministic_algorithms_warn_only_enabled, set_deterministic_debug_mode,
                          use_deterministic_algorithms)
from . import amp
from .amp import autocast
from . import compiler
from .compiler import compile  # noqa: A004  (torch.compile: returns its argument until a tracer exists)
from .tracing import trace  # noqa: F811  (trace(fn, *example_args) records a Graph; trace(tensor) is torch.trace)

bool = bool_  # noqa: A001  (autograd.bool is the dtype, as torch.bool)
__version__ = "0.1.0"
