"""Fused GPU kernels: the registry, the fallbacks, and each kernel against its op's generic path.

The comparisons run twice: on the CPU with the kernels' CUDA C compiled by g++ (tests/kernel_emulator.py: one
thread per block, the stand-in's arrays), and on a real GPU (marked `cuda`) with cupy's kernels against the same
ops with kernels switched off.
"""
import shutil
import types

import numpy as np
import pytest

import autograd as ag
import nn.functional as F
import optim
from autograd import backend, kernels
from autograd.ops import activation as A
from autograd.ops import regularization as D
from tests import kernel_emulator
from tests.conftest import REAL_GPU
from tests.fake_cupy import FakeArray, fake_cupy


# ---------------------------------------------------------------------------- registry and fallbacks
def test_no_kernel_off_the_gpu(stand_in):
    """numpy arrays and the stand-in's arrays take the generic path: get() answers None."""
    for name in kernels.names():
        assert kernels.get(name, np.ones(3, dtype=np.float32)) is None
        if not REAL_GPU:
            assert kernels.get(name, fake_cupy.ones(3, dtype=np.float32)) is None


def test_expected_kernels_are_registered():
    want = {"relu_fwd", "relu_bwd", "sigmoid_fwd", "sigmoid_bwd", "tanh_bwd", "leaky_relu_fwd", "hardtanh_fwd",
            "elu_fwd", "gelu_fwd", "gelu_bwd", "gelu_tanh_fwd", "silu_fwd", "mish_bwd", "softplus_fwd",
            "softmax_fwd", "softmax_bwd", "cross_entropy_fwd", "cross_entropy_bwd", "layer_norm_fwd",
            "layer_norm_bwd", "dropout_fwd", "dropout_bwd", "sgd", "sgd_momentum", "adam", "adam_amsgrad", "adam_multi",
            "philox_uniform", "philox_normal", "philox_integers"}
    assert want <= set(kernels.names())


class _FakeArray:
    def __init__(self, dtype):
        self.dtype = np.dtype(dtype)


@pytest.fixture
def recording_cupy(monkeypatch):
    """A pretend cupy whose kernels are recorded, to test the registry's bookkeeping without a GPU."""
    made = []

    class Kernel:
        def __init__(self, *args, **kwargs):
            made.append(args)

    fake = types.SimpleNamespace(ndarray=_FakeArray, ElementwiseKernel=Kernel, RawKernel=Kernel)
    monkeypatch.setattr(backend, "cupy", fake)
    kernels.clear_cache()
    yield fake, made
    kernels.clear_cache()


def test_registry_memoizes_by_name_and_dtype(recording_cupy):
    fake, made = recording_cupy
    a32, a64 = _FakeArray(np.float32), _FakeArray(np.float64)
    k = kernels.get("gelu_fwd", a32)
    assert k is not None and kernels.get("gelu_fwd", _FakeArray(np.float32)) is k
    assert kernels.get("gelu_fwd", a64) is not k
    assert len(made) == 2
    assert kernels.get("gelu_fwd", fake, np.float32) is k  # by array module and dtype
    assert kernels.get("gelu_fwd", _FakeArray(np.float16)) is None  # half precision: generic path
    assert kernels.get("gelu_fwd", _FakeArray(np.int64)) is None
    assert len(made) == 2
    with kernels.disabled():
        assert not kernels.enabled() and kernels.get("gelu_fwd", a32) is None
    assert kernels.enabled()
    with pytest.raises(KeyError, match="no kernel named 'nope'"):
        kernels.get("nope", a32)
    with pytest.raises(TypeError, match="give the dtype"):
        kernels.get("gelu_fwd", fake)


def test_register_refuses_a_second_kernel_of_the_same_name():
    with pytest.raises(ValueError, match="registered already"):
        kernels.register("gelu_fwd")(lambda cp, dtype: None)


def test_block_size_and_grid():
    assert [kernels.block_size(n) for n in (1, 10, 32, 33, 384, 5000)] == [32, 32, 32, 64, 512, 1024]
    assert kernels.row_grid(0) == (1,) and kernels.row_grid(7) == (7,) and kernels.row_grid(1 << 30) == (1 << 20,)


def test_ops_match_the_cpu_on_the_gpu_backend(stand_in):
    """On the stand-in (generic path) and on a real GPU (kernels), float32 ops match the CPU's."""
    x = np.random.default_rng(0).standard_normal((4, 6)).astype(np.float32)
    for fn in (F.gelu, F.silu, lambda t: F.softmax(t, -1), lambda t: F.layer_norm(t, (6,)),
               lambda t: F.cross_entropy(t, ag.tensor([0, 1, 2, 5], device=t.device))):
        cpu = fn(ag.tensor(x))
        dev = fn(ag.tensor(x, device="cuda"))
        np.testing.assert_allclose(dev.cpu().numpy(), cpu.numpy(), rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------------- kernel against generic path
needs_gpu = pytest.mark.skipif(not REAL_GPU, reason="needs a real GPU")


@pytest.fixture(params=["emulated", pytest.param("gpu", marks=[pytest.mark.cuda, needs_gpu])])
def fused(request, monkeypatch):
    """'cuda' runs the fused kernels: compiled by g++ on the CPU ('emulated'), or cupy's on a real GPU."""
    if request.param == "emulated":
        if REAL_GPU:
            pytest.skip("a real GPU runs the kernels themselves")
        if shutil.which(kernel_emulator.COMPILER) is None:
            pytest.skip("no C++ compiler to emulate the kernels")
        emu = kernel_emulator.module()
        backend.install_stand_in(emu, FakeArray)
        monkeypatch.setattr(backend, "cupy", emu)
        monkeypatch.setattr(backend, "erf", fake_cupy.erf)
        kernels.clear_cache()
        kernel_emulator.launches.clear()
        try:
            yield "emulated"
        finally:
            backend.install_stand_in(None, None)
            kernels.clear_cache()
    else:
        yield "gpu"


def _launched(mode, *names):
    """On the emulator, check that kernels named like `names` ran (a real GPU keeps no list)."""
    if mode != "emulated":
        return
    ran = {name for _, name in kernel_emulator.launches}
    for n in names:
        assert any(r.startswith(f"tg_{n}") for r in ran), (n, sorted(ran))
    kernel_emulator.launches.clear()


def _tol(dtype):
    return dict(rtol=1e-10, atol=1e-12) if dtype == ag.float64 else dict(rtol=2e-5, atol=2e-6)


def _compare(fast, slow, dtype):
    for f, s in zip(fast, slow):
        if f is None:
            assert s is None
            continue
        np.testing.assert_allclose(f.detach().cpu().numpy(), s.detach().cpu().numpy(), **_tol(dtype))


def _fwd_bwd(fn, arrays, dtype, seed_grad=1):
    """fn(*tensors) on "cuda" and the gradients of every input for a random output gradient."""
    xs = [ag.tensor(a, dtype=dtype, device="cuda", requires_grad=True) for a in arrays]
    y = fn(*xs)
    g = ag.tensor(np.random.default_rng(seed_grad).standard_normal(y.shape), dtype=dtype, device="cuda")
    grads = ag.grad(y, xs, grad_outputs=g, allow_unused=True)
    return [y] + list(grads)


def _both(fn):
    fast = fn()
    with kernels.disabled():
        slow = fn()
    return fast, slow


ACTIVATIONS = {
    "relu": (F.relu, "relu"),
    "leaky_relu": (lambda t: F.leaky_relu(t, 0.1), "leaky_relu"),
    "hardtanh": (lambda t: F.hardtanh(t, -0.5, 1.0), "hardtanh"),
    "relu6": (lambda t: F.relu6(t * 4), "hardtanh"),
    "elu": (lambda t: F.elu(t, 0.7), "elu"),
    "selu": (F.selu, "elu"),
    "celu": (lambda t: F.celu(t, 1.3), "elu"),
    "gelu": (F.gelu, "gelu"),
    "gelu_tanh": (lambda t: F.gelu(t, approximate="tanh"), "gelu_tanh"),
    "silu": (F.silu, "silu"),
    "mish": (F.mish, "mish"),
    "softplus": (lambda t: F.softplus(t, beta=2.0, threshold=3.0), "softplus"),
    "sigmoid": (ag.sigmoid, "sigmoid"),
    "tanh": (ag.tanh, "tanh_bwd"),
}


@pytest.mark.parametrize("dtype", [ag.float32, ag.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_kernels(fused, name, dtype):
    fn, kernel = ACTIVATIONS[name]
    x = np.random.default_rng(1).standard_normal((5, 7)) * 3
    x[0, :3] = [0.0, 20.0, -20.0]
    fast, slow = _both(lambda: _fwd_bwd(fn, [x], dtype))
    _launched(fused, kernel)
    _compare(fast, slow, dtype)
    nc = ag.tensor(np.ascontiguousarray(x.T), dtype=dtype, device="cuda").mT  # non-contiguous input
    assert not nc.array.flags.c_contiguous
    with kernels.disabled():
        want = fn(nc)
    _compare([fn(nc)], [want], dtype)


@pytest.mark.parametrize("dtype", [ag.float32, ag.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("shape", [(4, 10), (3, 2, 300), (1, 1), (2, 1025), (70, 3)])
def test_softmax_kernels(fused, shape, dtype):
    x = np.random.default_rng(2).standard_normal(shape) * 4
    for fn in (lambda t: F.softmax(t, -1), lambda t: F.log_softmax(t, dim=-1), lambda t: F.softmin(t, -1)):
        fast, slow = _both(lambda: _fwd_bwd(fn, [x], dtype))
        _launched(fused, "softmax_fwd", "softmax_bwd")
        _compare(fast, slow, dtype)


def test_softmax_kernel_safe_rows(fused):
    x = np.random.default_rng(3).standard_normal((3, 5))
    x[1] = -np.inf  # a row with nothing to attend to gives zeros with safe=True
    fast, slow = _both(lambda: [A.Softmax.apply(ag.tensor(x, device="cuda"), 1, True)])
    _launched(fused, "softmax_fwd")
    _compare(fast, slow, ag.float64)
    assert (fast[0].cpu().numpy()[1] == 0).all()


CE_CASES = {
    "mean": dict(),
    "sum": dict(reduction="sum"),
    "none": dict(reduction="none"),
    "weight": dict(weight="w"),
    "smoothing": dict(label_smoothing=0.2),
    "smoothing_weight": dict(label_smoothing=0.1, weight="w", reduction="sum"),
    "ignore": dict(ignore_index=2),
}


@pytest.mark.parametrize("dtype", [ag.float32, ag.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("case", list(CE_CASES))
def test_cross_entropy_kernels(fused, case, dtype):
    rng = np.random.default_rng(4)
    n, c = 9, 37
    x = rng.standard_normal((n, c)) * 3
    t = ag.tensor(rng.integers(0, c, n), device="cuda")
    kw = dict(CE_CASES[case])
    if kw.get("weight") == "w":
        kw["weight"] = ag.tensor(rng.uniform(0.5, 2, c), dtype=dtype, device="cuda")
    if "ignore_index" in kw:
        t = ag.tensor(np.where(np.arange(n) % 3 == 0, 2, t.cpu().numpy()), device="cuda")
    fast, slow = _both(lambda: _fwd_bwd(lambda z: F.cross_entropy(z, t, **kw), [x], dtype))
    _launched(fused, "cross_entropy_fwd", "cross_entropy_bwd")
    _compare(fast, slow, dtype)


@pytest.mark.parametrize("dtype", [ag.float32, ag.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("affine", ["both", "weight", "none"])
def test_layer_norm_kernels(fused, affine, dtype):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((3, 4, 6, 5)) * 2 + 1
    w, b = rng.standard_normal((6, 5)), rng.standard_normal((6, 5))

    def run():
        if affine == "both":
            return _fwd_bwd(lambda t, wt, bt: F.layer_norm(t, (6, 5), wt, bt), [x, w, b], dtype)
        if affine == "weight":
            return _fwd_bwd(lambda t, wt: F.layer_norm(t, (6, 5), wt), [x, w], dtype)
        return _fwd_bwd(lambda t: F.layer_norm(t, (6, 5)), [x], dtype)

    fast, slow = _both(run)
    _launched(fused, "layer_norm_fwd", "layer_norm_bwd")
    _compare(fast, slow, dtype)


def test_layer_norm_kernel_under_create_graph(fused):
    """Double backward goes through the generic formula (recorded on the tape) and agrees with it."""
    x0 = np.random.default_rng(6).standard_normal((4, 8))

    def run():
        x = ag.tensor(x0, device="cuda", requires_grad=True)
        (g,) = ag.grad(F.layer_norm(x, (8,)).pow(3).sum(), [x], create_graph=True)
        (gg,) = ag.grad(g.sum(), [x])
        return [g, gg]

    fast, slow = _both(run)
    _compare(fast, slow, ag.float64)


@pytest.mark.parametrize("dtype", [ag.float32, ag.float64], ids=["f32", "f64"])
def test_dropout_kernels_equal_the_generic_path_exactly(fused, dtype):
    x0 = np.random.default_rng(7).standard_normal((13, 29))

    def run():
        x = ag.tensor(x0, dtype=dtype, device="cuda", requires_grad=True)
        ag.manual_seed(3)
        y = D.dropout(x, 0.35)
        y.backward(ag.tensor(np.arange(x0.size).reshape(x0.shape) % 7, dtype=dtype, device="cuda"))
        return [y.detach(), x.grad]

    fast, slow = _both(run)
    _launched(fused, "dropout_fwd", "dropout_bwd")
    for f, s in zip(fast, slow):
        np.testing.assert_array_equal(f.cpu().numpy(), s.cpu().numpy())
    nc = ag.tensor(np.ascontiguousarray(x0.T), dtype=dtype, device="cuda").mT  # the mask follows C order

    def run_nc():
        ag.manual_seed(4)
        return [D.dropout(nc, 0.5)]

    fast, slow = _both(run_nc)
    np.testing.assert_array_equal(fast[0].cpu().numpy(), slow[0].cpu().numpy())


@pytest.mark.parametrize("dtype", [ag.float32, ag.float64, ag.float16], ids=["f32", "f64", "f16"])
def test_random_kernels_equal_the_generic_path(fused, dtype):
    def run():
        ag.manual_seed(5)
        t = ag.empty(300, dtype=dtype, device="cuda")
        return [ag.rand(300, dtype=dtype, device="cuda"), ag.randint(-3, 2**40, (301,), device="cuda"),
                ag.randint(0, 7, (301,), device="cuda"), ag.randperm(40, device="cuda"), t.bernoulli_(0.3).clone(),
                ag.randn(300, dtype=dtype, device="cuda")]

    fast, slow = _both(run)
    _launched(fused, "philox_uniform", "philox_integers", "philox_normal")
    for f, s in zip(fast[:-1], slow[:-1]):
        np.testing.assert_array_equal(f.cpu().numpy(), s.cpu().numpy())
    tol = 2e-3 if dtype == ag.float16 else 1e-5
    np.testing.assert_allclose(fast[-1].cpu().numpy().astype(np.float64), slow[-1].cpu().numpy(), rtol=tol,
                               atol=tol)


OPTIMIZERS = {
    "sgd": lambda ps: optim.SGD(ps, lr=0.1),
    "sgd_wd_max": lambda ps: optim.SGD(ps, lr=0.1, weight_decay=0.01, maximize=True),
    "momentum": lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9),
    "nesterov_wd": lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-2),
    "dampening": lambda ps: optim.SGD(ps, lr=0.1, momentum=0.8, dampening=0.3),
    "adam": lambda ps: optim.Adam(ps, lr=1e-2),
    "adam_l2_max": lambda ps: optim.Adam(ps, lr=1e-2, weight_decay=0.1, maximize=True),
    "adamw": lambda ps: optim.AdamW(ps, lr=1e-2, weight_decay=0.1),
    "amsgrad": lambda ps: optim.AdamW(ps, lr=1e-2, amsgrad=True),
}


@pytest.mark.parametrize("layout", ["contiguous", "mixed"])
@pytest.mark.parametrize("dtype", [ag.float32, ag.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizer_kernels(fused, name, dtype, layout):
    """Adam's multi-tensor kernel takes contiguous parameters; a non-contiguous one takes the per-parameter one."""
    rng = np.random.default_rng(8)
    p0 = [rng.standard_normal((5, 3)), rng.standard_normal(7)] + [rng.standard_normal(n) for n in range(1, 20)]
    grads = [[rng.standard_normal(p.shape) for p in p0] for _ in range(3)]

    def param(a):
        if layout == "mixed" and a.ndim == 2:
            return ag.tensor(np.ascontiguousarray(a.T), dtype=dtype, device="cuda").mT.detach().requires_grad_(True)
        return ag.tensor(a, dtype=dtype, device="cuda", requires_grad=True)

    def run():
        ps = [param(p) for p in p0]
        opt = OPTIMIZERS[name](ps)
        for step in grads:
            for p, g in zip(ps, step):
                p.grad = ag.tensor(g, dtype=dtype, device="cuda")
            opt.step()
        return [p.detach() for p in ps] + [v for st in opt.state.values() for v in st.values()
                                           if isinstance(v, ag.Tensor) and v.ndim]

    kernel_emulator.launches.clear()
    fast, slow = _both(run)
    if fused == "emulated":
        ran = {n for _, n in kernel_emulator.launches}
        if "sgd" in name or name in ("momentum", "nesterov_wd", "dampening"):
            assert any(n.startswith("tg_sgd") for n in ran), ran
        else:
            assert "tg_adam_multi" in ran
            assert any(n.startswith("tg_adam_") and n != "tg_adam_multi" for n in ran) == (layout == "mixed"), ran
    assert len(fast) == len(slow)
    _compare(fast, slow, dtype)


def test_every_kernel_ran_in_the_emulator():
    """The emulated tests above launched every registered kernel at least once (run after them, in file order)."""
    if REAL_GPU or shutil.which(kernel_emulator.COMPILER) is None:
        pytest.skip("only meaningful with the emulator")
    ran = {name for _, name in kernel_emulator.all_launches}
    missing = [n for n in kernels.names() if not any(r.startswith(f"tg_{n}") for r in ran)]
    if len(ran) == 0:
        pytest.skip("the emulated tests did not run in this session")
    assert not missing, missing
