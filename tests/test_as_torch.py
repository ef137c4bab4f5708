"""autograd.as_torch: torch's module paths resolve to tapegrad, lazily; `python -m autograd.as_torch` runs a script as
python would. Every check of the route runs in a fresh interpreter (the route changes sys.modules for the rest of a
process); amp, compile and fork_rng are checked here."""
import importlib
import importlib.util
import json
import os
import pathlib
import subprocess
import sys
import textwrap
import warnings

import pytest

import autograd as ag
from autograd import amp, compiler

ROOT = pathlib.Path(__file__).resolve().parent.parent
HAVE_TORCH = importlib.util.find_spec("torch") is not None
needs_torch = pytest.mark.skipif(not HAVE_TORCH, reason="needs the real PyTorch")

# the torch paths and names scripts use: each must exist in PyTorch 2.13 at that path and resolve here
NAMES = {
    "torch": "Tensor tensor as_tensor from_numpy zeros ones empty full arange linspace eye rand randn randint randperm "
             "zeros_like ones_like randn_like cat stack where einsum matmul exp log sigmoid tanh softmax clamp "
             "argmax topk sort float32 float64 float16 bfloat16 int64 long bool dtype Size device Generator no_grad "
             "enable_grad inference_mode set_grad_enabled is_grad_enabled manual_seed seed initial_seed "
             "get_rng_state set_rng_state save load compile autocast set_float32_matmul_precision "
             "get_default_dtype set_default_dtype nn optim utils autograd cuda backends amp distributed "
             "serialization random linalg special compiler __version__",
    "torch.nn": "Module Parameter Linear Conv2d LSTM GRU Embedding Sequential ModuleList ModuleDict ReLU GELU Dropout "
                "LayerNorm BatchNorm1d BatchNorm2d CrossEntropyLoss MSELoss MultiheadAttention TransformerEncoder "
                "TransformerEncoderLayer Flatten Identity functional init utils parameter modules parallel",
    "torch.nn.functional": "relu gelu softmax log_softmax cross_entropy mse_loss dropout linear conv2d "
                           "scaled_dot_product_attention pad one_hot embedding layer_norm",
    "torch.nn.init": "normal_ zeros_ ones_ xavier_uniform_ kaiming_normal_ uniform_ constant_",
    "torch.nn.utils": "clip_grad_norm_ clip_grad_value_ parameters_to_vector vector_to_parameters rnn",
    "torch.nn.utils.rnn": "pad_sequence pack_padded_sequence pad_packed_sequence PackedSequence",
    "torch.nn.utils.parametrize": "register_parametrization remove_parametrizations is_parametrized cached "
                                  "type_before_parametrizations ParametrizationList",
    "torch.nn.utils.parametrizations": "weight_norm spectral_norm orthogonal",
    "torch.nn.utils.fusion": "fuse_conv_bn_eval fuse_conv_bn_weights fuse_linear_bn_eval fuse_linear_bn_weights",
    "torch.nn.parameter": "Parameter Buffer",
    "torch.nn.modules": "Module Linear LSTM",
    "torch.nn.modules.module": "Module",
    "torch.nn.modules.linear": "Linear Identity Bilinear",
    "torch.nn.modules.conv": "Conv1d Conv2d ConvTranspose2d",
    "torch.nn.modules.rnn": "LSTM GRU RNN LSTMCell GRUCell",
    "torch.nn.modules.container": "Sequential ModuleList ModuleDict",
    "torch.nn.modules.activation": "ReLU GELU Tanh Softmax MultiheadAttention",
    "torch.nn.modules.loss": "CrossEntropyLoss MSELoss NLLLoss BCEWithLogitsLoss",
    "torch.nn.modules.normalization": "LayerNorm GroupNorm",
    "torch.nn.modules.batchnorm": "BatchNorm1d BatchNorm2d",
    "torch.nn.modules.dropout": "Dropout",
    "torch.nn.modules.pooling": "MaxPool2d AvgPool2d AdaptiveAvgPool2d MaxPool3d AvgPool3d AdaptiveMaxPool3d",
    "torch.nn.modules.sparse": "Embedding",
    "torch.nn.modules.transformer": "TransformerEncoder TransformerEncoderLayer Transformer",
    "torch.nn.modules.flatten": "Flatten Unflatten",
    "torch.nn.parallel": "DistributedDataParallel",
    "torch.optim": "SGD Adam AdamW RMSprop Adagrad LBFGS Optimizer lr_scheduler",
    "torch.optim.lr_scheduler": "StepLR CosineAnnealingLR LambdaLR OneCycleLR ReduceLROnPlateau LRScheduler",
    "torch.optim.optimizer": "Optimizer",
    "torch.utils.data": "DataLoader Dataset TensorDataset IterableDataset Subset random_split ConcatDataset "
                        "Sampler RandomSampler SequentialSampler BatchSampler WeightedRandomSampler "
                        "SubsetRandomSampler DistributedSampler default_collate get_worker_info",
    "torch.utils.data.dataloader": "DataLoader default_collate get_worker_info",
    "torch.utils.data.dataset": "Dataset TensorDataset Subset random_split",
    "torch.utils.data.sampler": "Sampler RandomSampler BatchSampler",
    "torch.utils.data.distributed": "DistributedSampler",
    "torch.autograd": "grad backward Function gradcheck gradgradcheck set_detect_anomaly detect_anomaly Variable "
                      "no_grad enable_grad set_grad_enabled",
    "torch.autograd.function": "Function",
    "torch.autograd.functional": "vjp jvp jacobian hessian vhp hvp",
    "torch.amp": "autocast GradScaler",
    "torch.cuda": "is_available device_count manual_seed manual_seed_all synchronize current_device amp",
    "torch.cuda.amp": "autocast GradScaler",
    "torch.cpu.amp": "autocast GradScaler",
    "torch.backends": "cuda cudnn mps",
    "torch.backends.cuda": "matmul",
    "torch.backends.cudnn": "allow_tf32 benchmark deterministic enabled",
    "torch.backends.mps": "is_available",
    "torch.distributed": "init_process_group destroy_process_group get_rank get_world_size is_initialized "
                         "all_reduce barrier ReduceOp",
    "torch.serialization": "save load",
    "torch.random": "manual_seed seed get_rng_state set_rng_state fork_rng",
    "torch.compiler": "compile disable is_compiling reset",
    "torch.linalg": "solve inv norm qr svd cholesky",
    "torch.special": "erf erfinv gammaln",
    "torch.fft": "fft ifft rfft irfft fft2 fftn rfftn irfftn fftfreq rfftfreq fftshift ifftshift",
}


def _python(code, *args, module_route=False, tmp_path=None, expect=0, stdin=None):
    """Run code in a fresh interpreter (as a script under `python -m autograd.as_torch` when module_route)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    code = textwrap.dedent(code)
    if module_route:
        script = tmp_path / "script.py"
        script.write_text(code)
        cmd = [sys.executable, "-m", "autograd.as_torch", str(script), *args]
    else:
        cmd = [sys.executable, "-c", code, *args]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path, input=stdin,
                          check=False)
    assert proc.returncode == expect, proc.stdout + proc.stderr
    return proc


# ---------------------------------------------------------------------------- what resolves
@needs_torch
def test_the_listed_names_are_pytorchs():
    missing = []
    for path, names in NAMES.items():
        mod = importlib.import_module(path)
        missing += [f"{path}.{n}" for n in names.split() if not hasattr(mod, n)]
    assert missing == []


@needs_torch
def test_every_aliased_path_is_a_pytorch_module(tmp_path):
    paths = json.loads(_python("""
        import json, sys
        import autograd.as_torch
        print(json.dumps(sorted(type(sys.modules["torch"]).__init__.__globals__["_PATHS"])))
    """, tmp_path=tmp_path).stdout)
    assert "torch.nn.modules.rnn" in paths and "torch.utils.data.dataloader" in paths
    for path in paths:
        importlib.import_module(path)  # raises if PyTorch has no such module


def test_the_listed_names_resolve(tmp_path):
    _python("""
        import importlib, json, sys
        import autograd.as_torch
        missing = []
        for path, names in json.load(sys.stdin).items():
            mod = importlib.import_module(path)
            missing += [f"{path}.{n}" for n in names.split() if getattr(mod, n, None) is None]
        assert not missing, missing
    """, tmp_path=tmp_path, stdin=json.dumps(NAMES))


@needs_torch
def test_nn_modules_files_hold_what_pytorchs_hold(tmp_path):
    import torch.nn as tnn

    import nn
    want = {}
    for path in _torch_nn_module_paths(tmp_path):
        mod = importlib.import_module(path)
        want[path] = [n for n in getattr(mod, "__all__", []) if hasattr(nn, n) and hasattr(tnn, n)]
    assert want["torch.nn.modules.rnn"]
    _python("""
        import importlib, json, sys
        import autograd.as_torch
        import nn
        bad = [f"{p}.{n}" for p, names in json.load(sys.stdin).items() for n in names
               if getattr(importlib.import_module(p), n, None) is not getattr(nn, n)]
        assert not bad, bad
    """, tmp_path=tmp_path, stdin=json.dumps(want))


def _torch_nn_module_paths(tmp_path):
    return json.loads(_python("""
        import json, sys
        import autograd.as_torch
        paths = type(sys.modules["torch"]).__init__.__globals__["_PATHS"]
        print(json.dumps([p for p in paths if p.startswith("torch.nn.modules.")]))
    """, tmp_path=tmp_path).stdout)


def test_every_path_resolves_to_tapegrad(tmp_path):
    _python("""
        import autograd, nn, optim
        import autograd.as_torch as torch
        import torch.nn as tnn
        import torch.nn.functional as F
        from torch.nn.modules.rnn import LSTM
        from torch.nn.modules.container import Sequential
        from torch.utils.data import DataLoader
        from torch.utils.data.distributed import DistributedSampler
        from torch.nn.parallel import DistributedDataParallel
        import torch.backends.cudnn as cudnn
        import numpy as np
        checks = [
            (torch.Tensor, autograd.Tensor), (torch.float32, autograd.float32), (tnn.Linear, nn.Linear),
            (LSTM, nn.LSTM), (Sequential, nn.Sequential), (F.relu, nn.functional.relu),
            (torch.nn.utils.rnn.pad_sequence, nn.utils.rnn.pad_sequence), (torch.nn.parameter.Parameter, nn.Parameter),
            (DistributedDataParallel, nn.parallel.DistributedDataParallel), (torch.optim.AdamW, optim.AdamW),
            (torch.optim.adamw.AdamW, optim.AdamW), (torch.optim.lr_scheduler.StepLR, optim.lr_scheduler.StepLR),
            (torch.optim.optimizer.Optimizer, optim.Optimizer), (DataLoader, autograd.data.DataLoader),
            (DistributedSampler, autograd.distributed.DistributedSampler), (torch.cuda.is_available,
            autograd.cuda.is_available), (torch.amp.GradScaler, autograd.amp.GradScaler), (torch.autocast,
            autograd.amp.autocast), (torch.cuda.amp.autocast, autograd.amp.cuda_autocast), (torch.cpu.amp.GradScaler,
            autograd.amp.CpuGradScaler), (torch.compile, autograd.compile), (torch.compiler.disable,
            autograd.compiler.disable), (torch.autograd.grad, autograd.grad), (torch.autograd.Function,
            autograd.Function), (torch.autograd.function.Function, autograd.Function), (torch.save, autograd.save),
            (torch.serialization.load, autograd.serialization.load), (torch.random.fork_rng, autograd.random.fork_rng),
            (torch.linalg.solve, autograd.linalg.solve), (torch.special.erfinv, autograd.special.erfinv),
            (torch.distributed.init_process_group, autograd.distributed.init_process_group),
            (cudnn, torch.backends.cudnn), (torch.dtype, np.dtype), (torch.nn, tnn)]
        bad = [(a, b) for a, b in checks if a is not b]
        assert not bad, bad
        assert isinstance(torch.float32, torch.dtype)
        cudnn.benchmark = True
        assert autograd.precision.cudnn.benchmark is True and torch.backends.cudnn.benchmark is True
        torch.backends.cuda.matmul.allow_tf32 = True
        assert autograd.precision.cuda.matmul.allow_tf32 is True
        assert torch.backends.mps.is_available() is False
        from torch.nn import *  # noqa: F403
        assert Linear is nn.Linear and "Linear" in dir(torch.nn)
    """, tmp_path=tmp_path)


def test_version_is_a_string_that_orders_by_numbers(tmp_path):
    _python("""
        import autograd, autograd.as_torch as torch
        v = torch.__version__
        assert isinstance(v, str) and v == f"2.13.0+tapegrad.{autograd.__version__}"
        assert v >= "2.0" and v >= "2.9" and v > "1.13.1" and v < "2.14" and v <= "2.13" and not v < "2.13.0"
        assert v >= (2, 0) and v < (3,) and "2.9" < v
        assert v.split("+")[0] == "2.13.0" and {v: 1}[v] == 1
    """, tmp_path=tmp_path)


def test_variable_is_pytorchs_deprecated_wrapper(tmp_path):
    _python("""
        import autograd.as_torch as torch
        from torch.autograd import Variable
        x = torch.ones(2)
        v = Variable(x, requires_grad=True)
        assert v.requires_grad and not x.requires_grad and isinstance(x, Variable)
        v.data.add_(1.0)
        assert x.tolist() == [2.0, 2.0]  # shares x's data
        try:
            Variable([1.0])
        except TypeError as e:
            assert "tensor" in str(e)
        else:
            raise SystemExit("no TypeError")
    """, tmp_path=tmp_path)


# ---------------------------------------------------------------------------- laziness and the process
def test_nn_and_optim_are_imported_only_when_touched(tmp_path):
    _python("""
        import sys
        import autograd.as_torch as torch
        import torch.nn, torch.optim, torch.nn.functional
        from torch.utils.data import DataLoader
        assert "nn" not in sys.modules and "optim" not in sys.modules
        torch.nn.Linear
        assert "nn" in sys.modules and "optim" not in sys.modules
        torch.optim.SGD
        assert "optim" in sys.modules
    """, tmp_path=tmp_path)


def test_importing_autograd_installs_nothing(tmp_path):
    _python("""
        import sys
        import autograd
        assert "torch" not in sys.modules
        assert not any(type(f).__name__ == "_Finder" for f in sys.meta_path)
        assert "nn" not in sys.modules and "optim" not in sys.modules and "autograd.as_torch" not in sys.modules
    """, tmp_path=tmp_path)


@needs_torch
def test_replaces_a_real_torch_imported_before(tmp_path):
    _python("""
        import sys
        import torch as real
        import autograd, autograd.as_torch
        import torch
        import torch.nn
        assert torch is not real and torch.Tensor is autograd.Tensor and sys.modules["torch"] is torch
        assert torch.nn.Linear.__module__ == "nn.linear"
        assert not any(type(m).__name__ != "_Alias" for n, m in sys.modules.items() if n.split(".")[0] == "torch")
        import autograd.as_torch as again  # idempotent
        assert again is torch and sum(type(f).__name__ == "_Finder" for f in sys.meta_path) == 1
    """, tmp_path=tmp_path)


def test_missing_names_fail_clearly(tmp_path):
    _python("""
        import autograd.as_torch as torch
        import torch.nn
        def fails(f, cls, text):
            try:
                f()
            except cls as e:
                assert text in str(e), e
                return e
            raise SystemExit(f"no {cls.__name__} for {text}")
        fails(lambda: torch.no_such_function, AttributeError, "tapegrad has no torch.no_such_function yet")
        fails(lambda: torch.nn.quantized, AttributeError, "tapegrad has no torch.nn.quantized yet")
        fails(lambda: torch.onnx, AttributeError, "tapegrad has no torch.onnx yet")
        fails(lambda: torch.jit, AttributeError, "tapegrad has no torch.jit yet")  # not autograd's module
        fails(lambda: torch.ops, AttributeError, "tapegrad has no torch.ops yet")
        fails(lambda: torch.backends.cudnn.no_such_flag, AttributeError, "tapegrad has no torch.backends.cudnn.no")
        e = fails(lambda: __import__("torch.onnx"), ModuleNotFoundError, "tapegrad has no torch.onnx yet")
        assert e.name == "torch.onnx"
        fails(lambda: __import__("torch.utils.tensorboard"), ModuleNotFoundError, "torch.utils.tensorboard")
        fails(lambda: __import__("torch.nn.quantized.modules"), ModuleNotFoundError, "torch.nn.quantized")
        fails(lambda: exec("from torch.nn import NoSuchLayer"), ImportError, "NoSuchLayer")
    """, tmp_path=tmp_path)


# ---------------------------------------------------------------------------- the two routes on a real loop
_TRAIN = """
    import torch.nn as nn
    import torch.nn.functional as F
    from torch.utils.data import DataLoader, TensorDataset

    torch.manual_seed(0)
    x = torch.randn(64, 4)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5], [0.0]])
    model = torch.compile(nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1)), mode="max-autotune")
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10)
    scaler = torch.amp.GradScaler("cuda", enabled=torch.cuda.is_available())
    losses = []
    for epoch in range(20):
        for xb, yb in DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True):
            with torch.autocast("cpu", dtype=torch.bfloat16):
                loss = F.mse_loss(model(xb), yb)
            opt.zero_grad()
            scaler.scale(loss).backward()
            scaler.unscale_(opt)
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            scaler.step(opt)
            scaler.update()
        sched.step()
        losses.append(loss.item())
    print("first", losses[0], "last", losses[-1])
    assert losses[-1] < losses[0] / 4, losses
"""


def test_one_line_import_route_trains(tmp_path):
    proc = _python("import autograd.as_torch as torch\n" + textwrap.dedent(_TRAIN), tmp_path=tmp_path)
    assert "last" in proc.stdout


def test_module_route_trains_an_unmodified_script(tmp_path):
    proc = _python("import torch\n" + textwrap.dedent(_TRAIN), module_route=True, tmp_path=tmp_path)
    assert "last" in proc.stdout


def test_module_route_runs_a_script_as_python_would(tmp_path):
    (tmp_path / "helper_mod.py").write_text("VALUE = 7\n")
    sub = tmp_path / "elsewhere"
    sub.mkdir()
    code = """
        import os, sys
        import torch
        import helper_mod  # beside the script: sys.path[0] is the script's folder
        print("name", __name__, "argv", sys.argv, "file", __file__ == os.path.abspath(sys.argv[0]))
        print("path0", sys.path[0] == os.path.dirname(__file__), "sum", torch.ones(3).sum().item())
        if "--fail" in sys.argv:
            raise ValueError("planted failure")
        sys.exit(3)
    """
    proc = _python(code, "--lr", "0.1", module_route=True, tmp_path=tmp_path, expect=3)
    script = str(tmp_path / "script.py")
    assert f"name __main__ argv [{script!r}, '--lr', '0.1'] file True" in proc.stdout
    assert "path0 True sum 3.0" in proc.stdout
    proc = _python(code, "--fail", module_route=True, tmp_path=tmp_path, expect=1)
    assert proc.stderr.startswith("Traceback (most recent call last):\n  File \"" + script + "\", line 8, in <module>")
    assert proc.stderr.rstrip().endswith("ValueError: planted failure")
    assert "runpy" not in proc.stderr and "as_torch" not in proc.stderr  # as python would show it


def test_module_route_usage_and_a_missing_script(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "autograd.as_torch"], env=env, capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 2 and "usage" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "autograd.as_torch", str(tmp_path / "nope.py")], env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and "can't open file" in proc.stderr and "nope.py" in proc.stderr


# ---------------------------------------------------------------------------- amp, compile, fork_rng (in-process)
def test_autocast_validates_and_changes_nothing():
    x = ag.ones(2, 2)
    with amp.autocast("cpu") as ctx:
        assert (x @ x).dtype == ag.float32 and ctx.fast_dtype == ag.bfloat16 and ctx._enabled
    with amp.autocast(device_type="cuda", dtype=ag.float16, enabled=False) as ctx:
        assert ctx.fast_dtype == ag.float16 and not ctx._enabled

    @amp.autocast("cpu", dtype=ag.bfloat16)
    def f(a):
        return a * 2

    assert f(x).dtype == ag.float32 and f.__name__ == "f"
    with pytest.raises(RuntimeError, match="unsupported autocast device_type 'tpu'"):
        amp.autocast("tpu")
    with pytest.raises(ValueError, match="Expected `device_type` of type `str`"):
        amp.autocast(0)
    with pytest.warns(UserWarning, match="target dtype is not supported. Disabling autocast"):
        ctx = amp.autocast("cpu", dtype=ag.float64)
    assert not ctx._enabled
    assert amp.is_autocast_available("cpu") and not amp.is_autocast_available("xla")
    if not ag.cuda.is_available():
        with pytest.warns(UserWarning, match="CUDA is not available"):
            amp.cuda_autocast()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert amp.cpu_autocast().fast_dtype == ag.bfloat16 and amp.cuda_autocast(enabled=False).device == "cuda"


def test_grad_scaler_is_a_disabled_scaler():
    import nn
    import optim
    w = nn.Parameter(ag.ones(3))
    opt = optim.SGD([w], lr=0.5)
    scaler = amp.GradScaler()
    loss = (w * 2).sum()
    assert scaler.scale(loss) is loss and not scaler.is_enabled() and scaler.get_scale() == 1.0
    scaler.scale(loss).backward()
    scaler.unscale_(opt)
    assert scaler.step(opt) is None
    scaler.update()
    assert w.tolist() == [0.0, 0.0, 0.0]
    assert scaler.state_dict() == {}
    scaler.load_state_dict({"scale": 65536.0})
    assert amp.CudaGradScaler(2.0 ** 10).get_scale() == 1.0 and amp.CpuGradScaler()._device == "cpu"
    with pytest.raises(AssertionError, match="The growth factor must be > 1.0."):
        amp.GradScaler(growth_factor=1.0)
    with pytest.raises(AssertionError, match="The backoff factor must be < 1.0."):
        amp.GradScaler(backoff_factor=1.5)
    amp.GradScaler(growth_factor=1.0, enabled=False)  # PyTorch checks an enabled scaler only


def test_compile_returns_its_argument():
    def step(x):
        return x + 1

    assert compiler.compile(step) is step and ag.compile is compiler.compile
    assert compiler.compile(mode="max-autotune", fullgraph=True, dynamic=True, backend="inductor")(step) is step
    assert compiler.compile(step, options={"triton.cudagraphs": True}, disable=True) is step
    with pytest.raises(RuntimeError, match="mode or options"):
        compiler.compile(step, mode="default", options={})
    with pytest.raises(RuntimeError, match="callable"):
        compiler.compile(3)
    assert compiler.disable(step) is step and compiler.disable()(step) is step
    assert not compiler.is_compiling() and not compiler.is_dynamo_compiling() and compiler.reset() is None


def test_fork_rng_restores_the_default_generator():
    ag.manual_seed(3)
    with ag.random.fork_rng():
        a = ag.rand(4)
    b = ag.rand(4)
    assert a.tolist() == b.tolist()
    with ag.random.fork_rng(enabled=False):
        ag.rand(4)
    assert ag.rand(4).tolist() != b.tolist()
