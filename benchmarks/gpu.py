"""GPU benchmarks: tapegrad on CuPy beside PyTorch CUDA in the same run, float32, median step times.

    python -m benchmarks.gpu --out gpu.json            # on a machine with an NVIDIA GPU (the goals are for an H200)
    python -m benchmarks.gpu --device cpu --small      # a quick run of the same code on the CPU (the smoke test)

Workloads (the same model code builds both frameworks' models, through their nn namespaces):
  overhead     the overhead benchmark's 300-op chain (mul, tanh, add, sin on 64 floats), fwd + bwd, per op
  mlp          batch 1024, four Linear layers 4096 wide (4096-4096-4096-4096-10) with ReLU, cross entropy,
               SGD with momentum
  cnn          batch 256 of 3x32x32, a small ResNet (conv3x3-BN-ReLU stem, two residual stages of two basic
               blocks each, 64 and 128 channels, the second with stride 2), global average pool, Linear, cross
               entropy, SGD with momentum
  transformer  nn.TransformerEncoder of 6 layers (norm_first=True, d_model 384, 6 heads, feed-forward 1536,
               GELU, dropout 0.1) with a token embedding, learned positions, a final LayerNorm and a linear head,
               context 256, batch 64, vocabulary 8192, cross entropy, AdamW
Goals: large-model steps at most 1.25x PyTorch's time, per-op overhead at most 1.5x.

A step is timed as `inner` steps between two device synchronisations (autograd.cuda.synchronize /
torch.cuda.synchronize), after warm-up steps; the median over `repeat` such blocks is reported, with the ratio to
PyTorch. TF32 is off on both sides unless --tf32 (then on for both: matmuls, and cuDNN convolutions in PyTorch).
torch is imported only here, and is optional: without it only tapegrad's times are printed.
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time

import numpy as np

GOALS = {"overhead": 1.5, "mlp": 1.25, "cnn": 1.25, "transformer": 1.25}

FULL = {
    "overhead": dict(n_ops=300, size=64),
    "mlp": dict(batch=1024, dims=(4096, 4096, 4096, 4096, 10)),
    "cnn": dict(batch=256, image=32, channels=(64, 128), classes=10),
    "transformer": dict(batch=64, context=256, d_model=384, heads=6, layers=6, ff=1536, vocab=8192, dropout=0.1),
}
SMALL = {
    "overhead": dict(n_ops=40, size=64),
    "mlp": dict(batch=8, dims=(32, 32, 32, 32, 10)),
    "cnn": dict(batch=2, image=8, channels=(8, 16), classes=10),
    "transformer": dict(batch=2, context=8, d_model=32, heads=2, layers=2, ff=64, vocab=50, dropout=0.1),
}


# ---------------------------------------------------------------------------- the two frameworks behind one face
class Framework:
    """What a workload needs of a framework: tensors, nn, optim, functional, seeding and synchronisation."""

    def __init__(self, name, lib, nn, optim, F, device):
        self.name, self.lib, self.nn, self.optim, self.F, self.device = name, lib, nn, optim, F, device

    def tensor(self, array):
        """A tensor on the framework's device from a numpy array."""
        return self.lib.tensor(array, device=self.device)

    def sync(self):
        """Wait for the device (a no-op on the CPU)."""
        if self.device != "cpu":
            self.lib.cuda.synchronize()

    def seed(self, s):
        self.lib.manual_seed(s)


def ours(device):
    import autograd
    import nn
    import nn.functional as F
    import optim

    return Framework("tapegrad", autograd, nn, optim, F, device)


def theirs(device):
    """PyTorch, or None when it is not installed (or has no CUDA for a cuda run)."""
    try:
        import torch
    except ImportError:
        return None
    if device != "cpu" and not torch.cuda.is_available():
        print(f"torch {torch.__version__} has no CUDA here: timing tapegrad only", file=sys.stderr)
        return None
    if device == "cpu":
        torch.set_num_threads(int(os.environ.get("BENCH_THREADS", os.cpu_count() or 1)))
    return Framework("torch", torch, torch.nn, torch.optim, torch.nn.functional, device)


def set_tf32(fw, flag):
    """TF32 for float32 matmuls (and PyTorch's cuDNN convolutions) on or off."""
    if fw.name == "torch":
        fw.lib.backends.cuda.matmul.allow_tf32 = flag
        fw.lib.backends.cudnn.allow_tf32 = flag
    else:
        fw.lib.precision.cuda.matmul.allow_tf32 = flag


# ---------------------------------------------------------------------------- workloads
def overhead(fw, cfg):
    """The overhead chain; returns (step, ops per step)."""
    data = np.random.default_rng(0).standard_normal((2, cfg["size"])).astype(np.float32)
    x = fw.tensor(data[0]).requires_grad_(True)
    y = fw.tensor(data[1]).requires_grad_(True)

    def step():
        x.grad = y.grad = None
        z = x
        for _ in range(cfg["n_ops"] // 4):
            z = z * 1.01
            z = z.tanh()
            z = z + y
            z = z.sin()
        z.sum().backward()

    return step, cfg["n_ops"] + 1


def _classifier_step(fw, model, opt, x, y):
    def step():
        opt.zero_grad()
        loss = fw.F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    return step


def mlp(fw, cfg):
    """MLP training step; returns (step, 1)."""
    fw.seed(0)
    dims = cfg["dims"]
    layers = []
    for i in range(len(dims) - 1):
        layers.append(fw.nn.Linear(dims[i], dims[i + 1]))
        if i < len(dims) - 2:
            layers.append(fw.nn.ReLU())
    model = fw.nn.Sequential(*layers).to(fw.device)
    opt = fw.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    rng = np.random.default_rng(0)
    x = fw.tensor(rng.standard_normal((cfg["batch"], dims[0]), dtype=np.float32))
    y = fw.tensor(rng.integers(0, dims[-1], cfg["batch"]))
    return _classifier_step(fw, model, opt, x, y), 1


def resnet(fw, channels, classes):
    """A small ResNet of basic blocks (conv3x3-BN-ReLU), two stages, built with the framework's nn."""
    nn = fw.nn

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.relu = nn.ReLU()
            self.short = None
            if stride != 1 or cin != cout:
                self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

        def forward(self, x):
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            return self.relu(out + (x if self.short is None else self.short(x)))

    c1, c2 = channels
    return nn.Sequential(nn.Conv2d(3, c1, 3, padding=1, bias=False), nn.BatchNorm2d(c1), nn.ReLU(),
                         Block(c1, c1, 1), Block(c1, c1, 1), Block(c1, c2, 2), Block(c2, c2, 1),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c2, classes))


def cnn(fw, cfg):
    """Small-ResNet training step; returns (step, 1)."""
    fw.seed(0)
    model = resnet(fw, cfg["channels"], cfg["classes"]).to(fw.device)
    opt = fw.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    rng = np.random.default_rng(0)
    s = cfg["image"]
    x = fw.tensor(rng.standard_normal((cfg["batch"], 3, s, s), dtype=np.float32))
    y = fw.tensor(rng.integers(0, cfg["classes"], cfg["batch"]))
    return _classifier_step(fw, model, opt, x, y), 1


def language_model(fw, cfg):
    """Token embedding + learned positions, a norm_first TransformerEncoder, a final LayerNorm, a linear head."""
    nn, lib = fw.nn, fw.lib
    d = cfg["d_model"]

    class LM(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok = nn.Embedding(cfg["vocab"], d)
            self.pos = nn.Parameter(lib.zeros(1, cfg["context"], d))
            layer = nn.TransformerEncoderLayer(d, cfg["heads"], dim_feedforward=cfg["ff"], dropout=cfg["dropout"],
                                               activation="gelu", batch_first=True, norm_first=True)
            self.encoder = nn.TransformerEncoder(layer, cfg["layers"], enable_nested_tensor=False)
            self.norm = nn.LayerNorm(d)
            self.head = nn.Linear(d, cfg["vocab"])

        def forward(self, tokens):
            return self.head(self.norm(self.encoder(self.tok(tokens) + self.pos)))

    return LM()


def transformer(fw, cfg):
    """Transformer training step (AdamW); returns (step, 1)."""
    fw.seed(0)
    model = language_model(fw, cfg).to(fw.device)
    opt = fw.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.1)
    rng = np.random.default_rng(0)
    shape = (cfg["batch"], cfg["context"])
    tokens = fw.tensor(rng.integers(0, cfg["vocab"], shape))
    target = fw.tensor(rng.integers(0, cfg["vocab"], shape)).reshape(-1)
    vocab = cfg["vocab"]

    def step():
        opt.zero_grad()
        loss = fw.F.cross_entropy(model(tokens).reshape(-1, vocab), target)
        loss.backward()
        opt.step()

    return step, 1


WORKLOADS = {"overhead": overhead, "mlp": mlp, "cnn": cnn, "transformer": transformer}


# ---------------------------------------------------------------------------- timing
def time_step(fw, step, warmup, repeat, inner):
    """Median seconds per step: `repeat` blocks of `inner` steps between synchronisations, after warm-up."""
    for _ in range(warmup):
        step()
    fw.sync()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(inner):
            step()
        fw.sync()
        times.append((time.perf_counter() - t0) / inner)
    return statistics.median(times)


def run(name, fw, cfg, args):
    step, per = WORKLOADS[name](fw, cfg)
    inner = args.inner if args.inner else (20 if name == "overhead" else 5)
    if args.small:
        inner = 1
    return time_step(fw, step, args.warmup, args.repeat, inner) / per


def _fmt(seconds, name):
    return f"{seconds * 1e6:9.2f} us/op" if name == "overhead" else f"{seconds * 1e3:9.3f} ms"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default="cuda", help="cuda (default), cuda:N or cpu")
    p.add_argument("--out", help="write the results as JSON to this path")
    p.add_argument("--small", action="store_true", help="tiny sizes (a smoke test, e.g. on the CPU)")
    p.add_argument("--only", help="comma-separated workloads to run (default: all)")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--repeat", type=int, default=10)
    p.add_argument("--inner", type=int, default=0, help="steps per timed block (default 5; 20 for overhead)")
    p.add_argument("--tf32", action="store_true", help="allow TF32 matmuls on both sides")
    p.add_argument("--no-torch", action="store_true", help="time tapegrad only")
    args = p.parse_args(argv)

    names = args.only.split(",") if args.only else list(WORKLOADS)
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        p.error(f"unknown workloads {unknown}; choose from {list(WORKLOADS)}")
    sizes = SMALL if args.small else FULL
    frameworks = [ours(args.device)]
    other = None if args.no_torch else theirs(args.device)
    if other is not None:
        frameworks.append(other)
    for fw in frameworks:
        set_tf32(fw, args.tf32)

    results = {}
    for name in names:
        row = {"config": sizes[name], "goal_ratio": GOALS[name]}
        for fw in frameworks:
            try:
                row[f"{fw.name}_s"] = run(name, fw, sizes[name], args)
            except Exception as err:  # report and go on with the other workloads
                row[f"{fw.name}_error"] = f"{type(err).__name__}: {err}"
                print(f"{name}: {fw.name} failed: {type(err).__name__}: {err}", file=sys.stderr)
        ours_s, torch_s = row.get("tapegrad_s"), row.get("torch_s")
        if ours_s is not None and torch_s:
            row["ratio"] = ours_s / torch_s
            row["meets_goal"] = row["ratio"] <= GOALS[name]
        results[name] = row
        line = f"{name:12s} tapegrad " + (_fmt(ours_s, name) if ours_s is not None else "   failed   ")
        if other is not None:
            line += "   torch " + (_fmt(torch_s, name) if torch_s is not None else "   failed   ")
            if "ratio" in row:
                verdict = "met" if row["meets_goal"] else "NOT met"
                line += f"   ratio {row['ratio']:5.2f} (goal <= {GOALS[name]}: {verdict})"
        print(line, flush=True)

    report = {"device": args.device, "small": args.small, "tf32": args.tf32, "results": results,
              "environment": _environment(args.device, other)}
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        tmp = args.out + ".tmp"
        with open(tmp, "w") as f:
            json.dump(report, f, indent=2, default=_json_default)
        os.replace(tmp, args.out)
    return report


def _json_default(v):
    if isinstance(v, (np.integer, np.floating)):
        return v.item()
    if isinstance(v, tuple):
        return list(v)
    return str(v)


def _environment(device, other):
    env = {"python": platform.python_version(), "numpy": np.__version__, "machine": platform.machine()}
    import autograd

    env["tapegrad"] = autograd.__version__
    if autograd.backend.cupy is not None:
        env["cupy"] = autograd.backend.cupy.__version__
        if device != "cpu" and autograd.cuda.is_available():
            props = autograd.backend.cupy.cuda.runtime.getDeviceProperties(autograd.cuda.current_device())
            env["gpu"] = props["name"].decode() if isinstance(props["name"], bytes) else str(props["name"])
    if other is not None:
        env["torch"] = other.lib.__version__
    return env


if __name__ == "__main__":
    main()
    sys.exit(0)
