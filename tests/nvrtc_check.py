"""Developer check (no GPU needed): compile every registered kernel's CUDA source with NVRTC, the real compiler.

    PYTHONPATH=.:<dir with cupy and nvidia-cuda-nvrtc-cu12> LD_LIBRARY_PATH=<its nvidia/cuda_nvrtc/lib> \\
        python -m tests.nvrtc_check

cupy and libnvrtc load without a GPU driver, but cupy builds an ElementwiseKernel's source only when launched on
device arrays. So this records the kernels' definitions with a pretend cupy, then compiles RawKernel sources as
they are and ElementwiseKernel bodies inside a wrapper shaped like cupy's generated code (cupy's carray.cuh
included, T typedef'd, inputs by value, outputs by reference, the loop index i), for float32 and float64 and
compute capability 9.0. Exits non-zero with the compiler log on the first failure.
"""
import os
import sys
import types

import numpy as np

import optim  # noqa: F401  (registers the optimizers' kernels)
from autograd import backend, kernels

_CTYPE = {"float32": "float", "float64": "double", "int32": "int", "int64": "long long", "uint32": "unsigned int",
          "uint64": "unsigned long long", "bool": "bool"}


class _Recorder:
    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs


def _elementwise_source(k, dtype):
    in_params, out_params, body = k.args[:3]
    name = k.args[3] if len(k.args) > 3 else k.kwargs.get("name", "kernel")
    preamble = k.kwargs.get("preamble", "")
    decls, loads = [], []
    for kind, params in (("in", in_params), ("out", out_params)):
        for p in params.split(","):
            t, n = p.split()[-2:]
            ct = _CTYPE[dtype] if len(t) == 1 else _CTYPE[t]
            if kind == "in":
                decls.append(f"const {ct}* _p_{n}")
                loads.append(f"const {ct} {n} = _p_{n}[i];")
            else:
                decls.append(f"{ct}* _p_{n}")
                loads.append(f"{ct}& {n} = _p_{n}[i];")
    return ("#include <cupy/carray.cuh>\n" f"typedef {_CTYPE[dtype]} T;\n" + preamble +
            f'\nextern "C" __global__ void {name}({", ".join(decls)}, long long _n) {{\n'
            "  for (ptrdiff_t i = blockIdx.x * blockDim.x + threadIdx.x; i < _n; i += blockDim.x * gridDim.x) {\n"
            "    " + " ".join(loads) + "\n    {\n" + body + "\n    }\n  }\n}\n")


def main():
    import cupy
    from cupy_backends.cuda.libs import nvrtc

    include = os.path.join(os.path.dirname(cupy.__file__), "_core", "include")
    fake = types.SimpleNamespace(ndarray=type("A", (), {}), ElementwiseKernel=_Recorder, RawKernel=_Recorder)
    backend.cupy = fake
    kernels.clear_cache()
    count = 0
    for name in kernels.names():
        for dtype in ("float32", "float64"):
            k = kernels._builders[name](fake, np.dtype(dtype))
            raw = len(k.args) == 2 and "__global__" in k.args[0]
            src = k.args[0] if raw else _elementwise_source(k, dtype)
            prog = nvrtc.createProgram(src, f"{name}.cu", [], [])
            try:
                nvrtc.compileProgram(prog, ["-arch=compute_90", "-std=c++17", f"-I{include}"])
            except Exception as err:
                print(f"FAILED {name} ({dtype}): {err}\n{nvrtc.getProgramLog(prog)}\n--- source ---\n{src}")
                return 1
            count += 1
    print(f"{count} kernel sources compile with NVRTC {nvrtc.getVersion()} (compute_90)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
