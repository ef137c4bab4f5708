"""A test-only emulation of cupy's ElementwiseKernel and RawKernel on the CPU, compiling the CUDA C with g++.

CI has no GPU, so the fused kernels' CUDA sources would otherwise first meet a compiler on the lent GPU machine.
This module compiles each kernel's source as C++ (CUDA keywords defined away) and runs it through ctypes on the
stand-in's arrays: an ElementwiseKernel as a loop over i; a RawKernel block by block, each block's threads as real
threads (blockDim.x of them, threadIdx thread-local, __shared__ arrays shared, __syncthreads() a barrier), so block
reductions and grid-stride loops run as written. It checks what cupy would check or what would go wrong silently
on a GPU: parameter types (placeholders bound consistently, concrete types exact), RawKernel pointers to
C-contiguous arrays of the pointee's type, scalars of exactly the C parameter's type, block sizes.

What it cannot check: warp-level behaviour, CUDA's math library accuracy, NVRTC-specific compile errors and
speed. Those need the real GPU (tests marked `cuda`).
"""
import ctypes
import hashlib
import os
import re
import subprocess
import tempfile
import types

import numpy as np

from tests.fake_cupy import FakeArray, fake_cupy

COMPILER = "g++"

_PRELUDE = r"""
#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <cstddef>
#include <thread>
#include <vector>
using namespace std;
#define __device__
#define __global__
#define __forceinline__ inline
#define __shared__ static
struct tg_dim3 { unsigned int x, y, z; };
static thread_local tg_dim3 threadIdx = {0, 0, 0};
static tg_dim3 blockIdx = {0, 0, 0}, blockDim = {1, 1, 1}, gridDim = {1, 1, 1};
static std::barrier<>* tg_barrier = nullptr;
#define __syncthreads() tg_barrier->arrive_and_wait()
static inline float __int_as_float(int v) { float f; memcpy(&f, &v, 4); return f; }
static inline double __longlong_as_double(long long v) { double d; memcpy(&d, &v, 8); return d; }
static inline float rsqrtf(float v) { return 1.0f / sqrtf(v); }
static inline double rsqrt(double v) { return 1.0 / sqrt(v); }
"""

_CTYPE = {"float32": "float", "float64": "double", "int32": "int", "int64": "long long", "uint32": "unsigned int",
          "uint64": "unsigned long long", "bool": "bool", "int8": "signed char", "uint8": "unsigned char"}
_CTYPES_BY_C = {"float": np.float32, "double": np.float64, "int": np.int32, "long long": np.int64,
                "unsigned int": np.uint32, "unsigned long long": np.uint64, "bool": np.bool_,
                "long": np.int64, "unsigned long": np.uint64}
_SCALAR_CT = {np.dtype(np.float32): ctypes.c_float, np.dtype(np.float64): ctypes.c_double,
              np.dtype(np.int32): ctypes.c_int32, np.dtype(np.int64): ctypes.c_int64,
              np.dtype(np.uint32): ctypes.c_uint32, np.dtype(np.uint64): ctypes.c_uint64}

# compiled kernels are kept between runs (keyed by a hash of the source and the compiler command)
_cache_dir = os.environ.get("TG_KERNEL_EMULATOR_CACHE",
                            os.path.join(os.path.expanduser("~"), ".cache", "tapegrad-kernel-emulator"))
_libs = {}
launches = []  # (kind, name) of emulated launches, for tests that check a kernel ran (they clear it)
all_launches = []  # every emulated launch of the session


_FLAGS = ["-O1", "-std=c++20", "-pthread", "-shared", "-fPIC", "-Wno-unknown-pragmas"]


def _compile(source):
    key = hashlib.sha1((" ".join([COMPILER] + _FLAGS) + "\n" + source).encode()).hexdigest()[:20]
    if key in _libs:
        return _libs[key]
    lib = os.path.join(_cache_dir, f"k{key}.so")
    if not os.path.exists(lib):
        os.makedirs(_cache_dir, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=_cache_dir) as tmp:
            src, out = os.path.join(tmp, "k.cpp"), os.path.join(tmp, "k.so")
            with open(src, "w") as f:
                f.write(source)
            proc = subprocess.run([COMPILER] + _FLAGS + ["-o", out, src], capture_output=True, text=True)
            if proc.returncode:
                raise RuntimeError(f"kernel source does not compile:\n{proc.stderr}\n--- source ---\n{source}")
            os.replace(out, lib)  # atomic: a concurrent run never loads a half-written library
    _libs[key] = ctypes.CDLL(lib)
    return _libs[key]


def _host(a):
    return a._a if isinstance(a, FakeArray) else a


class _Param:
    def __init__(self, text):
        words = text.split()
        if len(words) < 2:
            raise ValueError(f"bad kernel parameter {text!r}")
        self.raw = "raw" in words[:-2]
        self.type, self.name = words[-2], words[-1]
        self.placeholder = len(self.type) == 1


def _params(s):
    return [_Param(p) for p in s.split(",") if p.strip()]


class ElementwiseKernel:
    """cupy.ElementwiseKernel on the CPU: broadcasting, type placeholders, outputs, the loop index i."""

    def __init__(self, in_params, out_params, operation, name="kernel", reduce_dims=True, preamble="", **kwargs):
        self.ins, self.outs = _params(in_params), _params(out_params)
        self.operation, self.name, self.preamble = operation, name, preamble
        for p in self.ins + self.outs:
            if p.raw:
                raise NotImplementedError("the emulator does not support raw parameters")

    def __call__(self, *args, **kwargs):
        if kwargs:
            raise TypeError(f"{self.name}: unexpected keyword arguments {sorted(kwargs)}")
        nin = len(self.ins)
        if len(args) not in (nin, nin + len(self.outs)):
            raise TypeError(f"{self.name}: wrong number of arguments ({len(args)}; {nin} inputs, "
                            f"{len(self.outs)} outputs)")
        ins, outs = list(args[:nin]), list(args[nin:])
        for a in ins + outs:
            if isinstance(a, np.ndarray):
                raise TypeError(f"{self.name}: a host (numpy) array was passed to a GPU kernel")
        types_ = {}
        for p, a in list(zip(self.outs, outs)) + list(zip(self.ins, ins)):
            if isinstance(a, FakeArray):
                dt = a.dtype
                if p.placeholder:
                    if types_.setdefault(p.type, dt) != dt:
                        raise TypeError(f"{self.name}: Type is mismatched. {p.name} {dt} {types_[p.type]} {p.type}")
                elif dt != np.dtype(p.type):
                    raise TypeError(f"{self.name}: Type is mismatched. {p.name} {dt} {p.type}")
        for p in self.ins + self.outs:
            if p.placeholder and p.type not in types_:
                raise TypeError(f"{self.name}: cannot decide the type of {p.type} (no array argument has it)")

        def dtype_of(p):
            return types_[p.type] if p.placeholder else np.dtype(p.type)

        shapes = [a.shape for a in ins + outs if isinstance(a, FakeArray)]
        if not shapes:
            raise ValueError(f"{self.name}: Loop size is undecided")
        shape = np.broadcast_shapes(*shapes)
        for o in outs:
            if o.shape != shape:
                raise ValueError(f"{self.name}: Out shape is mismatched")
        n = int(np.prod(shape))
        host_in, scalar = [], []
        for p, a in zip(self.ins, ins):
            dt = dtype_of(p)
            if isinstance(a, FakeArray):
                host_in.append(np.ascontiguousarray(np.broadcast_to(a._a, shape)))
            else:
                host_in.append(np.asarray(a).astype(dt).reshape(1))  # cupy casts scalars to the parameter type
            scalar.append(not isinstance(a, FakeArray))
        out_arrays = [o if o is not None else None for o in outs]
        host_out = []
        for i, p in enumerate(self.outs):
            given = out_arrays[i] if i < len(out_arrays) else None
            host_out.append(np.ascontiguousarray(given._a) if given is not None else np.empty(shape, dtype_of(p)))
        if n:
            self._run(n, types_, host_in, scalar, host_out)
        results = []
        for i, h in enumerate(host_out):
            given = out_arrays[i] if i < len(out_arrays) else None
            if given is not None:
                given._a[...] = h
                results.append(given)
            else:
                results.append(FakeArray(h))
        launches.append(("elementwise", self.name))
        all_launches.append(("elementwise", self.name))
        return results[0] if len(results) == 1 else tuple(results)

    def _run(self, n, types_, host_in, scalar, host_out):
        typedefs = "".join(f"typedef {_CTYPE[dt.name]} {k};\n" for k, dt in sorted(types_.items()))
        lines = []
        for k, (p, h) in enumerate(zip(self.ins, host_in)):
            ct = _CTYPE[h.dtype.name]
            lines.append(f"    const {ct} {p.name} = ((const {ct}*)_a[{k}])[{'0' if scalar[k] else 'i'}];")
        for k, (p, h) in enumerate(zip(self.outs, host_out)):
            ct = _CTYPE[h.dtype.name]
            lines.append(f"    {ct}& {p.name} = (({ct}*)_a[{len(self.ins) + k}])[i];")
        src = (_PRELUDE + typedefs + self.preamble + "\nextern \"C\" void tg_emulated(long long _n, void** _a) {\n"
               "  for (ptrdiff_t i = 0; i < (ptrdiff_t)_n; ++i) {\n" + "\n".join(lines) + "\n    {\n" +
               self.operation + "\n    }\n  }\n}\n")
        fn = _compile(src).tg_emulated
        fn.argtypes = [ctypes.c_longlong, ctypes.POINTER(ctypes.c_void_p)]
        ptrs = (ctypes.c_void_p * (len(host_in) + len(host_out)))(*[h.ctypes.data for h in host_in + host_out])
        fn(n, ptrs)


_SIG = re.compile(r'extern\s+"C"\s+__global__\s+void\s+(\w+)\s*\(([^)]*)\)', re.S)


class RawKernel:
    """cupy.RawKernel on the CPU with one thread per block; checks the arguments against the C signature."""

    def __init__(self, code, name, options=(), backend="nvrtc", **kwargs):
        self.code, self.name = code, name
        sigs = {m.group(1): m.group(2) for m in _SIG.finditer(code)}
        if name not in sigs:
            raise ValueError(f"RawKernel: no extern \"C\" __global__ function {name!r} in the source")
        typedefs = dict((b, a) for a, b in re.findall(r"typedef\s+(\w+(?:\s+\w+)*)\s+(\w+)\s*;", code))
        self.signature = sigs[name]
        self.params = []
        for p in sigs[name].split(","):
            p = p.replace("__restrict__", "").replace("const", "").strip()
            pointer = "*" in p
            words = p.replace("*", " ").split()
            ctype = " ".join(words[:-1])
            ctype = typedefs.get(ctype, ctype)
            self.params.append((words[-1], ctype, pointer))

    def __call__(self, grid, block, args, shared_mem=0, **kwargs):
        if not (isinstance(grid, tuple) and isinstance(block, tuple)):
            raise TypeError(f"{self.name}: grid and block must be tuples")
        if any(not isinstance(v, int) or v < 1 for v in grid + block):
            raise ValueError(f"{self.name}: bad launch configuration grid={grid} block={block}")
        b = block[0]
        if b > 1024 or b & (b - 1):
            raise ValueError(f"{self.name}: block size {b} must be a power of two <= 1024 for the block reductions")
        if len(args) != len(self.params):
            raise TypeError(f"{self.name}: {len(args)} arguments for {len(self.params)} parameters")
        cargs, argtypes = [], []
        for (pname, ctype, pointer), a in zip(self.params, args):
            if pointer:
                if not isinstance(a, FakeArray):
                    raise TypeError(f"{self.name}: parameter {pname} ({ctype}*) needs a device array, got "
                                    f"{type(a).__name__}")
                want = np.dtype(_CTYPES_BY_C[ctype])
                if a.dtype != want:
                    raise TypeError(f"{self.name}: parameter {pname} points to {ctype} but got an array of {a.dtype}")
                if not a._a.flags.c_contiguous:
                    raise ValueError(f"{self.name}: parameter {pname} needs a C-contiguous array")
                cargs.append(ctypes.c_void_p(a._a.ctypes.data))
                argtypes.append(ctypes.c_void_p)
            else:
                want = np.dtype(_CTYPES_BY_C[ctype])
                if not isinstance(a, np.generic) or a.dtype != want:
                    raise TypeError(f"{self.name}: parameter {pname} is {ctype}: pass a numpy {want} scalar, got "
                                    f"{type(a).__name__} {getattr(a, 'dtype', '')}")
                ct = _SCALAR_CT[want]
                cargs.append(ct(a.item()))
                argtypes.append(ct)
        names = ", ".join(p[0] for p in self.params)
        launcher = (f'\nextern "C" void tg_launch(int _grid, int _threads, {self.signature}) {{\n'
                    "    gridDim.x = _grid; blockDim.x = _threads;\n"
                    "    for (int _b = 0; _b < _grid; ++_b) {\n"
                    "        blockIdx.x = _b;\n"
                    "        std::barrier<> bar(_threads);\n"
                    "        tg_barrier = &bar;\n"
                    "        std::vector<std::thread> ts;\n"
                    f"        for (int _t = 0; _t < _threads; ++_t) ts.emplace_back([=] {{ threadIdx.x = _t; "
                    f"{self.name}({names}); }});\n"
                    "        for (auto& th : ts) th.join();\n"
                    "    }\n}\n")
        fn = _compile(_PRELUDE + self.code + launcher).tg_launch
        fn.argtypes = [ctypes.c_int, ctypes.c_int] + argtypes
        fn(min(grid[0], 3), b, *cargs)  # a few blocks: the grid-stride loops over rows run as written
        launches.append(("raw", self.name))
        all_launches.append(("raw", self.name))


def module():
    """An emulated cupy: the stand-in's functions and array type, plus the two kernel classes."""
    mod = types.ModuleType("emulated_cupy")

    def getattr_(name):
        return getattr(fake_cupy, name)

    mod.__getattr__ = getattr_
    mod.ndarray = FakeArray
    mod.ElementwiseKernel = ElementwiseKernel
    mod.RawKernel = RawKernel
    mod.is_stand_in = True
    mod.cuda = types.SimpleNamespace(runtime=types.SimpleNamespace(getDevice=lambda: 0, getDeviceCount=lambda: 1))
    return mod
