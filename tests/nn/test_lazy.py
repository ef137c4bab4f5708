"""Lazy layers and the uninitialized placeholders: inference on the first forward, state dicts, optimizers, errors."""
import copy
import pathlib
import pickle
import subprocess
import sys

import numpy as np
import pytest

import autograd as ag
import nn
import optim

# (lazy class name, constructor args, input shape, the eager class it becomes)
CASES = [
    ("LazyLinear", (4,), (2, 3), "Linear"),
    ("LazyConv1d", (4, 2), (2, 3, 6), "Conv1d"),
    ("LazyConv2d", (4, 3), (1, 2, 5, 5), "Conv2d"),
    ("LazyConv2d", (4, 3, 1, 1, 1, 2), (4, 5, 5), "Conv2d"),  # unbatched, groups=2
    ("LazyConv3d", (2, 2), (1, 3, 3, 3, 3), "Conv3d"),
    ("LazyConvTranspose1d", (4, 2), (2, 3, 5), "ConvTranspose1d"),
    ("LazyConvTranspose2d", (6, 3, 2, 0, 1, 2), (1, 4, 4, 4), "ConvTranspose2d"),
    ("LazyConvTranspose3d", (2, 2), (1, 3, 2, 2, 2), "ConvTranspose3d"),
    ("LazyBatchNorm1d", (), (4, 3), "BatchNorm1d"),
    ("LazyBatchNorm2d", (), (2, 3, 4, 4), "BatchNorm2d"),
    ("LazyBatchNorm3d", (), (2, 3, 2, 2, 2), "BatchNorm3d"),
    ("LazyInstanceNorm1d", (), (2, 3, 5), "InstanceNorm1d"),
    ("LazyInstanceNorm2d", (), (2, 3, 4, 4), "InstanceNorm2d"),
    ("LazyInstanceNorm3d", (), (2, 3, 2, 2, 3), "InstanceNorm3d"),
]
IDS = [f"{c[0]}-{len(c[2])}d" for c in CASES]


@pytest.mark.parametrize("name,args,shape,becomes", CASES, ids=IDS)
def test_first_forward_infers_sizes_like_torch(name, args, shape, becomes):
    torch = pytest.importorskip("torch")
    mine, theirs = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(mine) == repr(theirs) and mine.has_uninitialized_params()
    assert list(mine.state_dict()) == list(theirs.state_dict())
    assert all(isinstance(p, nn.UninitializedParameter) for p in mine.parameters())
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    out = mine(ag.tensor(x))
    want_out = theirs(torch.tensor(x))
    assert type(mine) is getattr(nn, becomes) and type(theirs) is getattr(torch.nn, becomes)
    assert repr(mine) == repr(theirs)
    assert not mine._forward_pre_hooks
    assert all(type(p) is nn.Parameter for p in mine.parameters())
    state = mine.state_dict()
    assert {k: tuple(v.shape) for k, v in state.items()} == {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in state.items()})
    np.testing.assert_allclose(out.detach().numpy(), theirs(torch.tensor(x)).detach().numpy(), rtol=1e-4, atol=1e-5)
    assert want_out.shape == tuple(out.shape)


@pytest.mark.parametrize("lazy,eager,shape", [(lambda: nn.LazyLinear(5), lambda: nn.Linear(3, 5), (2, 3)),
                                              (lambda: nn.LazyConv2d(4, 3), lambda: nn.Conv2d(3, 4, 3), (2, 3, 4, 4)),
                                              (lambda: nn.LazyBatchNorm2d(), lambda: nn.BatchNorm2d(3), (2, 3, 4, 4))],
                         ids=["linear", "conv2d", "batchnorm2d"])
def test_same_draws_as_the_eager_layer_and_optimizers_made_before_the_forward(lazy, eager, shape):
    """The placeholder construction draws nothing: the lazy layer's init equals the eager one's under one seed, and an
    optimizer built on the uninitialized parameters trains them as it trains the eager layer's."""
    x = ag.randn(*shape)
    runs = []
    for make in (lazy, eager):
        ag.manual_seed(0)
        layer = make()
        opts = [optim.SGD(layer.parameters(), lr=0.1, momentum=0.9), optim.Adam(layer.parameters(), lr=0.01)]
        for _ in range(2):
            for o in opts:
                o.zero_grad()
            (layer(x) ** 2).mean().backward()
            for o in opts:
                o.step()
        runs.append([p.detach().numpy().copy() for p in layer.parameters()])
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)


def test_load_state_dict_materializes_an_uninitialized_layer():
    torch = pytest.importorskip("torch")
    src = torch.nn.Linear(3, 4)
    lazy = nn.LazyLinear(4)
    weight = lazy.weight
    assert lazy.load_state_dict(src.state_dict()) == ([], [])  # torch tensors convert themselves
    assert type(lazy) is nn.LazyLinear and lazy.in_features == 3 and lazy.weight is weight
    assert type(weight) is nn.Parameter and tuple(weight.shape) == (4, 3)
    np.testing.assert_array_equal(lazy.weight.detach().numpy(), src.weight.detach().numpy())
    x = np.random.default_rng(1).standard_normal((2, 3)).astype(np.float32)
    np.testing.assert_allclose(lazy(ag.tensor(x)).detach().numpy(), src(torch.tensor(x)).detach().numpy(), rtol=1e-6,
                               atol=1e-6)  # float32 sums in another order
    assert type(lazy) is nn.Linear
    conv = nn.LazyConvTranspose2d(6, 3, groups=2)
    conv.load_state_dict(nn.ConvTranspose2d(4, 6, 3, groups=2).state_dict())
    assert conv.in_channels == 4 and tuple(conv.weight.shape) == (4, 3, 3, 3)
    norm = nn.LazyBatchNorm1d()
    norm.load_state_dict(nn.BatchNorm1d(5).state_dict())
    assert norm.num_features == 5 and tuple(norm.running_var.shape) == (5,)
    assert norm.running_var.numpy().tolist() == [1] * 5


def test_lazy_state_into_lazy_layer_stays_uninitialized_and_a_failed_load_changes_nothing():
    lazy = nn.LazyLinear(4)
    assert lazy.load_state_dict(nn.LazyLinear(4).state_dict()) == ([], [])
    assert lazy.has_uninitialized_params()
    model = nn.Sequential(nn.LazyLinear(4), nn.Linear(4, 2))
    good = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2)).state_dict()
    bad = dict(good, **{"1.weight": ag.zeros(3, 3)})
    with pytest.raises(RuntimeError, match="size mismatch for 1.weight"):
        model.load_state_dict(bad)
    assert model[0].has_uninitialized_params() and model[0].in_features == 0
    with pytest.raises(RuntimeError, match="size mismatch for 0.weight"):
        model.load_state_dict(dict(good, **{"0.weight": ag.zeros(5, 3)}))  # out_features is 4
    with pytest.raises(RuntimeError, match="Missing key"):
        model.load_state_dict({k: v for k, v in good.items() if k != "1.bias"})
    assert model[0].has_uninitialized_params()
    with pytest.raises(RuntimeError, match="does not determine"):
        nn.LazyLinear(4).load_state_dict({"bias": ag.zeros(4)}, strict=False)
    with pytest.raises(RuntimeError, match="divisible by groups"):
        nn.LazyConvTranspose2d(4, 3, groups=2).load_state_dict({"weight": ag.zeros(3, 2, 3, 3), "bias": ag.zeros(4)})
    model.load_state_dict(good)
    assert model[0].in_features == 3 and not model[0].has_uninitialized_params()


@pytest.mark.parametrize("make,x,error,match", [
    (lambda: nn.LazyLinear(4), [1.0, 2.0], TypeError, "expected a tensor"),
    (lambda: nn.LazyLinear(4), ag.tensor(1.0), RuntimeError, "0-d"),
    (lambda: nn.LazyConv1d(4, 2), ag.zeros(2, 3, 4, 5), RuntimeError, r"Expected 2D \(unbatched\) or 3D"),
    (lambda: nn.LazyConv2d(4, 3, groups=2), ag.zeros(1, 3, 5, 5), ValueError, "divisible by groups"),
    (lambda: nn.LazyBatchNorm2d(), ag.zeros(2, 3, 4), ValueError, "expected 4D input"),
    (lambda: nn.LazyInstanceNorm2d(), ag.zeros(2, 3), ValueError, "expected 4D or 3D input"),
])
def test_bad_first_input_raises_and_leaves_the_layer_lazy(make, x, error, match):
    layer = make()
    with pytest.raises(error, match=match):
        layer(x)
    assert type(layer) is type(make()) and layer.has_uninitialized_params()
    assert getattr(layer, layer._lazy_attr) == 0 and layer._forward_pre_hooks


def test_initialize_parameters_and_the_hook():
    layer = nn.LazyConv1d(4, 2)
    layer.reset_parameters()  # a no-op before the sizes are known
    layer.initialize_parameters(ag.zeros(2, 3, 5))
    assert type(layer) is nn.LazyConv1d and layer.in_channels == 3 and tuple(layer.weight.shape) == (4, 3, 2)
    layer(ag.zeros(2, 3, 5))
    assert type(layer) is nn.Conv1d and not layer._forward_pre_hooks
    layer(ag.zeros(2, 3, 5))


def test_norms_without_parameters_and_unbatched_instance_norm():
    bn = nn.LazyBatchNorm1d(affine=False, track_running_stats=False)
    assert not bn.has_uninitialized_params()
    out = bn(ag.randn(4, 3))
    assert type(bn) is nn.BatchNorm1d and bn.num_features == 3 and out.shape == (4, 3)
    inorm = nn.LazyInstanceNorm1d()  # affine and tracking by default, as torch's lazy instance norms
    inorm(ag.randn(3, 5))  # unbatched: the channels are dim 0
    assert inorm.num_features == 3 and tuple(inorm.weight.shape) == (3,) and tuple(inorm.running_mean.shape) == (3,)


def test_placeholders_behave_like_torchs():
    torch = pytest.importorskip("torch")
    p = nn.UninitializedParameter()
    assert repr(p) == repr(torch.nn.UninitializedParameter()) == "<UninitializedParameter>"
    assert p.requires_grad and p.dtype == ag.float32 and p.device == ag.device("cpu")
    assert nn.UninitializedParameter.cls_to_become is nn.Parameter
    with pytest.raises(RuntimeError, match="Can't access the shape"):
        p.shape
    with pytest.raises(ValueError, match="uninitialized parameter"):
        p.numel()
    p.materialize((2, 3), dtype=ag.float64)
    assert type(p) is nn.Parameter and tuple(p.shape) == (2, 3) and p.dtype == ag.float64 and p.requires_grad
    b = nn.UninitializedBuffer()
    assert repr(b) == "<UninitializedBuffer>" and not b.requires_grad and b.persistent
    b.materialize((4,))
    assert type(b) is ag.Tensor and tuple(b.shape) == (4,)
    assert nn.parameter.is_lazy(nn.LazyLinear(2).weight) and not nn.parameter.is_lazy(p)
    assert nn.parameter.Parameter is nn.Parameter and nn.parameter.UninitializedBuffer is nn.UninitializedBuffer


def test_copy_pickle_and_to_before_the_first_forward():
    layer = nn.LazyLinear(3).to(ag.float64)
    twin = copy.deepcopy(layer)
    again = pickle.loads(pickle.dumps(layer))
    for m in (layer, twin, again):
        assert m.has_uninitialized_params() and m.weight.dtype == ag.float64
        m(ag.randn(2, 4, dtype=ag.float64))
        assert type(m) is nn.Linear and m.weight.dtype == ag.float64 and tuple(m.weight.shape) == (3, 4)
    assert twin.weight is not layer.weight and layer._forward_pre_hooks == {} and twin._forward_pre_hooks == {}


def test_in_a_sequential_and_on_the_gpu_backend(stand_in):
    model = nn.Sequential(nn.LazyConv2d(4, 3, padding=1), nn.LazyBatchNorm2d(), nn.ReLU(), nn.Flatten(),
                          nn.LazyLinear(2)).to("cuda")
    out = model(ag.randn(2, 3, 4, 4, device="cuda"))
    out.sum().backward()
    assert [type(m).__name__ for m in model] == ["Conv2d", "BatchNorm2d", "ReLU", "Flatten", "Linear"]
    assert model[4].in_features == 64 and all(p.device == ag.device("cuda") for p in model.parameters())
    assert all(p.grad is not None for p in model.parameters())


def test_as_torch_paths():
    """The route changes sys.modules for the rest of a process: checked in a fresh interpreter."""
    code = ("import autograd.as_torch, nn\n"
            "from torch.nn.modules.lazy import LazyModuleMixin\n"
            "from torch.nn.parameter import UninitializedParameter, is_lazy\n"
            "from torch.nn.modules.linear import LazyLinear\n"
            "from torch.nn.modules.sparse import EmbeddingBag\n"
            "assert LazyModuleMixin is nn.lazy.LazyModuleMixin\n"
            "assert UninitializedParameter is nn.UninitializedParameter and is_lazy(LazyLinear(2).weight)\n"
            "assert LazyLinear is nn.LazyLinear and EmbeddingBag is nn.EmbeddingBag\n")
    root = pathlib.Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)
