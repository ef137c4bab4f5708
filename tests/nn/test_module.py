"""Layer/Module and Parameter: registration, traversal, state dicts, hooks, modes, dtype moves, reprs."""
import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import autograd as ag
import nn
from nn import Layer, Linear, Module, ModuleDict, ModuleList, Parameter, ParameterList, Sequential


class Net(Layer):
    def __init__(self):
        super().__init__()
        self.fc1 = Linear(3, 4)
        self.act = Sequential(Linear(4, 4), Linear(4, 2))
        self.scale = Parameter(ag.ones(2))
        self.register_buffer("steps", ag.zeros(1))
        self.register_buffer("tmp", ag.zeros(1), persistent=False)

    def forward(self, x):
        return self.act(self.fc1(x)) * self.scale


# ---------------------------------------------------------------------------- Parameter
def test_parameter_is_a_tensor_that_requires_grad_and_shares_data():
    t = ag.tensor([1.0, 2.0])
    p = Parameter(t)
    assert isinstance(p, ag.Tensor) and isinstance(p, Parameter)
    assert p.requires_grad and p.grad_fn is None
    assert p.array is t.array
    assert not Parameter(t, requires_grad=False).requires_grad
    assert repr(p) == "Parameter containing:\ntensor([1., 2.], requires_grad=True)"
    assert Parameter().shape == (0,)
    assert Module is Layer


def test_parameter_copy_and_pickle_keep_the_class():
    p = Parameter(ag.tensor([1.0, 2.0]))
    q = copy.deepcopy(p)
    assert type(q) is Parameter and q.requires_grad and q.array is not p.array
    r = pickle.loads(pickle.dumps(p))
    assert type(r) is Parameter and np.array_equal(r.array, p.array)


def test_parameter_of_int_tensor_needs_requires_grad_false():
    with pytest.raises(RuntimeError, match="floating point"):
        Parameter(ag.tensor([1, 2]))
    assert not Parameter(ag.tensor([1, 2]), requires_grad=False).requires_grad


# ---------------------------------------------------------------------------- registration
def test_registration_order_and_names():
    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names == ["scale", "fc1.weight", "fc1.bias", "act.0.weight", "act.0.bias", "act.1.weight", "act.1.bias"]
    assert [n for n, _ in net.named_buffers()] == ["steps", "tmp"]
    assert [n for n, _ in net.named_children()] == ["fc1", "act"]
    assert [n for n, _ in net.named_modules()] == ["", "fc1", "act", "act.0", "act.1"]
    assert len(list(net.parameters())) == 7
    assert [n for n, _ in net.named_parameters(recurse=False)] == ["scale"]
    assert [n for n, _ in net.named_parameters(prefix="model")][0] == "model.scale"
    assert net.num_parameters() == 2 + 12 + 4 + 16 + 4 + 8 + 2


def test_state_dict_keys_like_pytorch():
    net = Net()
    assert list(net.state_dict()) == ["scale", "steps", "fc1.weight", "fc1.bias", "act.0.weight", "act.0.bias",
                                      "act.1.weight", "act.1.bias"]
    seq = Sequential(Linear(2, 3), Sequential(Linear(3, 3), Linear(3, 1)))
    assert list(seq.state_dict()) == ["0.weight", "0.bias", "1.0.weight", "1.0.bias", "1.1.weight", "1.1.bias"]
    sd = seq.state_dict()
    assert all(v.grad_fn is None and not v.requires_grad and type(v) is ag.Tensor for v in sd.values())
    assert sd["0.weight"].array is seq[0].weight.array  # detached, not copied (as in PyTorch)
    assert seq.state_dict(keep_vars=True)["0.weight"] is seq[0].weight
    assert list(seq.state_dict(prefix="m."))[0] == "m.0.weight"


def test_shared_parameters_are_listed_once():
    a = Linear(3, 3)
    seq = Sequential(a, Linear(3, 3), a)
    assert len(list(seq.parameters())) == 4
    assert [n for n, _ in seq.named_parameters()] == ["0.weight", "0.bias", "1.weight", "1.bias"]
    assert len(list(seq.named_parameters(remove_duplicate=False))) == 6
    tied = Sequential(Linear(3, 3, bias=False), Linear(3, 3, bias=False))
    tied[1].weight = tied[0].weight
    assert len(list(tied.parameters())) == 1
    assert list(tied.state_dict()) == ["0.weight", "1.weight"]
    assert len(list(seq.modules())) == 3  # seq, a, the middle one


def test_setattr_routes_and_type_errors():
    layer = Linear(2, 2)
    with pytest.raises(TypeError, match="cannot assign 'Tensor' as parameter 'weight'"):
        layer.weight = ag.zeros(2, 2)
    layer.bias = None
    assert layer.bias is None and "bias" in layer._parameters
    net = Net()
    net.steps = ag.ones(1)  # assigning a tensor to a buffer name replaces the buffer
    assert net._buffers["steps"].array[0] == 1
    with pytest.raises(TypeError, match="as buffer"):
        net.steps = 3
    net.fc1 = None
    assert net.fc1 is None and [n for n, _ in net.named_children()] == ["act"]
    net.plain = 5
    assert net.plain == 5 and "plain" in net.__dict__
    with pytest.raises(AttributeError, match="has no attribute 'missing'"):
        net.missing
    del net.scale
    assert "scale" not in dict(net.named_parameters())
    del net.steps
    assert "steps" not in dict(net.named_buffers())


def test_register_errors():
    layer = Layer()
    with pytest.raises(KeyError, match="contain"):
        layer.register_parameter("a.b", Parameter(ag.zeros(1)))
    with pytest.raises(KeyError, match="empty"):
        layer.register_buffer("", ag.zeros(1))
    with pytest.raises(TypeError, match="nn.Parameter or None"):
        layer.register_parameter("w", ag.zeros(1))
    layer.x = 1
    with pytest.raises(KeyError, match="already exists"):
        layer.register_buffer("x", ag.zeros(1))
    with pytest.raises(TypeError, match="not a Layer"):
        layer.add_module("m", 3)
    layer.register_module("m", Linear(1, 1))
    assert layer.get_submodule("m") is layer.m
    with pytest.raises(ValueError, match="non-leaf"):
        layer.register_parameter("p", _nonleaf_param())

    class NoInit(Layer):
        def __init__(self):
            self.w = Parameter(ag.zeros(1))

    with pytest.raises(AttributeError, match="before Layer.__init__"):
        NoInit()


def _nonleaf_param():
    p = Parameter(ag.ones(1))
    p.grad_fn = (p * 2).grad_fn  # a Parameter made by an op (not possible through the public API)
    return p


def test_get_submodule_parameter_buffer():
    net = Net()
    assert net.get_submodule("act.1") is net.act[1]
    assert net.get_parameter("act.1.bias") is net.act[1].bias
    assert net.get_buffer("steps") is net.steps
    with pytest.raises(AttributeError, match="has no attribute `nope`"):
        net.get_submodule("act.nope")
    with pytest.raises(AttributeError, match="not an nn.Parameter"):
        net.get_parameter("steps")


def test_forward_not_defined():
    with pytest.raises(NotImplementedError, match="forward"):
        Layer()(ag.zeros(1))


# ---------------------------------------------------------------------------- modes and grads
def test_train_eval_propagate():
    net = Net()
    assert net.training and net.act[0].training
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    net.act.train(False)
    assert net.training and not net.act[1].training
    with pytest.raises(ValueError, match="boolean"):
        net.train("no")


def test_zero_grad_and_requires_grad_():
    net = Net()
    net(ag.randn(5, 3)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.array.any() for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())


def test_apply_visits_children_first():
    seen = []
    net = Net()
    assert net.apply(lambda m: seen.append(type(m).__name__)) is net
    assert seen == ["Linear", "Linear", "Linear", "Sequential", "Net"]


# ---------------------------------------------------------------------------- device / dtype
def test_to_dtype_changes_data_in_place():
    net = Net()
    params = list(net.parameters())
    ids = [id(p) for p in params]
    net(ag.randn(2, 3)).sum().backward()
    assert net.double() is net
    assert [id(p) for p in net.parameters()] == ids  # same objects: an optimizer keeps working
    assert all(p.dtype == ag.float64 and p.grad.dtype == ag.float64 for p in net.parameters())
    assert net.steps.dtype == ag.float64
    out = net(ag.randn(2, 3, dtype=ag.float64))
    assert out.dtype == ag.float64
    net.to(ag.float32)
    assert all(p.dtype == ag.float32 for p in params)
    net.half()
    assert params[0].dtype == ag.float16
    net.float().to("cpu").cpu()
    assert params[0].dtype == ag.float32 and params[0].device == "cpu"
    with pytest.raises(TypeError, match="floating point"):
        net.to(ag.int64)
    ints = Layer()
    ints.register_buffer("count", ag.tensor([3]))
    ints.double()
    assert ints.count.dtype == ag.int64  # only floating tensors are cast
    net.to(ag.zeros(1, dtype=ag.float64))
    assert params[0].dtype == ag.float64


# ---------------------------------------------------------------------------- load_state_dict
def test_load_state_dict_roundtrip():
    a, b = Net(), Net()
    res = b.load_state_dict(a.state_dict())
    assert res.missing_keys == [] and res.unexpected_keys == []
    assert repr(res) == "<All keys matched successfully>"
    for (_, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        assert np.array_equal(p.array, q.array) and p.array is not q.array
    assert not b.tmp.array.any()
    # numpy arrays and other dtypes are accepted (cast to the parameter's dtype)
    sd = {k: np.asarray(v.array, dtype=np.float64) for k, v in a.state_dict().items()}
    b.load_state_dict(sd)
    assert b.fc1.weight.dtype == ag.float32


def test_load_state_dict_failure_changes_nothing_and_names_keys():
    net = Sequential(Linear(3, 4), Linear(4, 2))
    before = {k: v.array.copy() for k, v in net.state_dict().items()}
    sd = OrderedDict((k, ag.zeros(*v.shape)) for k, v in net.state_dict().items())
    del sd["1.bias"]
    sd["extra.weight"] = ag.zeros(1)
    sd["0.bias"] = ag.zeros(5)
    with pytest.raises(RuntimeError) as info:
        net.load_state_dict(sd)
    msg = str(info.value)
    assert "Error(s) in loading state_dict for Sequential" in msg
    assert 'Missing key(s) in state_dict: "1.bias"' in msg
    assert 'Unexpected key(s) in state_dict: "extra.weight"' in msg
    assert "size mismatch for 0.bias: copying a param with shape (5,) from checkpoint, the shape in current model " \
           "is (4,)" in msg
    for k, v in net.state_dict().items():
        assert np.array_equal(v.array, before[k]), k
    # a shape mismatch alone also raises, even when not strict, and still changes nothing
    sd2 = OrderedDict((k, ag.zeros(*v.shape)) for k, v in net.state_dict().items())
    sd2["1.weight"] = ag.zeros(3, 3)
    with pytest.raises(RuntimeError, match="size mismatch for 1.weight"):
        net.load_state_dict(sd2, strict=False)
    for k, v in net.state_dict().items():
        assert np.array_equal(v.array, before[k]), k
    with pytest.raises(TypeError, match="dict-like"):
        net.load_state_dict([1, 2])


def test_load_state_dict_not_strict_reports_keys():
    net = Sequential(Linear(3, 4), Linear(4, 2))
    sd = net.state_dict()
    w = sd.pop("0.weight")
    sd["foo"] = w
    sd["0.bias"] = ag.ones(4)
    res = net.load_state_dict(sd, strict=False)
    assert res.missing_keys == ["0.weight"] and res.unexpected_keys == ["foo"]
    assert np.all(net[0].bias.array == 1)


def test_load_state_dict_bumps_version_and_keeps_objects():
    net = Linear(2, 2)
    w = net.weight
    v0 = w._version
    net.load_state_dict({"weight": ag.ones(2, 2), "bias": ag.zeros(2)})
    assert net.weight is w and w._version > v0 and np.all(w.array == 1)


class _ArrayLike:
    """A checkpoint value from another library that converts itself through __array__ only."""

    def __init__(self, arr):
        self.arr = arr

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.arr, dtype=dtype)


class _DLPackOnly:
    """A checkpoint value that converts itself through DLPack only."""

    def __init__(self, arr):
        self.arr = arr

    def __dlpack__(self, **kwargs):
        return self.arr.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self.arr.__dlpack_device__()


def test_load_state_dict_accepts_array_and_dlpack_objects_and_copies_them():
    net = Linear(2, 3)
    w = np.arange(6, dtype=np.float64).reshape(3, 2)
    b = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    net.load_state_dict({"weight": _ArrayLike(w), "bias": _DLPackOnly(b)})
    assert net.weight.dtype == ag.float32
    np.testing.assert_array_equal(net.weight.array, w)
    np.testing.assert_array_equal(net.bias.array, b)
    net.load_state_dict({"weight": _ArrayLike(w), "bias": _DLPackOnly(b)}, assign=True)
    b[:] = 0  # the layer keeps its own copy, even with assign=True
    np.testing.assert_array_equal(net.bias.array, [1.0, 2.0, 3.0])


def test_load_state_dict_names_the_key_and_type_of_a_value_that_is_not_tensor_like():
    net = Linear(2, 3)
    before = net.weight.array.copy()
    with pytest.raises(RuntimeError, match=r'While copying the parameter named "weight", expected Tensor or '
                                           r"Tensor-like object from checkpoint but received list"):
        net.load_state_dict({"weight": [[0.0] * 2] * 3, "bias": ag.zeros(3)})
    with pytest.raises(RuntimeError, match=r'parameter named "bias".*received tests\.nn\.test_module\._ArrayLike '
                                           r"that could not be converted \(dtype <U1 is not supported\)"):
        net.load_state_dict({"weight": ag.zeros(3, 2), "bias": _ArrayLike(np.array(["a", "b", "c"]))})
    np.testing.assert_array_equal(net.weight.array, before)


def test_load_state_dict_from_foreign_objects_imports_no_torch():
    import subprocess
    import sys

    code = ("import sys, numpy as np, nn\n"
            "class A:\n"
            "    def __array__(self, dtype=None, copy=None):\n"
            "        return np.ones((2, 2))\n"
            "l = nn.Linear(2, 2)\n"
            "l.load_state_dict({'weight': A(), 'bias': np.zeros(2)})\n"
            "assert l.weight.array.sum() == 4\n"
            "assert 'torch' not in sys.modules\n")
    root = __file__.rsplit("/tests/", 1)[0]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)


def test_load_state_dict_from_a_torch_layer():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    ref = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 2))
    ref.train()(torch.randn(5, 3))  # running stats and num_batches_tracked move
    ours = Sequential(Linear(3, 4), nn.BatchNorm1d(4), Linear(4, 2))
    res = ours.load_state_dict(ref.state_dict())
    assert res.missing_keys == [] and res.unexpected_keys == []
    for k, v in ref.state_dict().items():
        np.testing.assert_array_equal(ours.state_dict()[k].array, v.numpy(), err_msg=k)
    ours.load_state_dict(ref.state_dict(keep_vars=True))  # Parameters that require grad
    with torch.no_grad():
        ref[0].weight.add_(1.0)  # no memory is shared with the checkpoint
    assert not np.array_equal(ours[0].weight.array, ref[0].weight.detach().numpy())
    ours.double().load_state_dict(ref.state_dict())
    assert ours[0].weight.dtype == ag.float64
    np.testing.assert_allclose(ours[0].weight.array, ref[0].weight.detach().numpy())
    x = np.random.default_rng(0).standard_normal((5, 3))
    ref.eval(), ours.eval()
    np.testing.assert_allclose(ours(ag.tensor(x)).array, ref.double()(torch.tensor(x)).detach().numpy(), rtol=1e-12)
    bad = ref.state_dict()
    bad["0.bias"] = torch.zeros(4, dtype=torch.float8_e4m3fn)  # a dtype numpy has no type for
    with pytest.raises(RuntimeError, match=r'parameter named "0.bias", expected Tensor or Tensor-like object from '
                                           r"checkpoint but received torch.Tensor that could not be converted"):
        ours.load_state_dict(bad)


def test_extra_state_roundtrip():
    class WithExtra(Layer):
        def __init__(self):
            super().__init__()
            self.k = 1

        def get_extra_state(self):
            return {"k": self.k}

        def set_extra_state(self, state):
            self.k = state["k"]

    a, b = WithExtra(), WithExtra()
    a.k = 7
    sd = a.state_dict()
    assert list(sd) == ["_extra_state"]
    b.load_state_dict(sd)
    assert b.k == 7


# ---------------------------------------------------------------------------- hooks
def test_forward_hooks():
    layer = Linear(2, 2)
    calls = []

    def pre(m, args):
        calls.append("pre")
        return (args[0] * 0,)

    def post(m, args, out):
        calls.append("post")
        return out + 1

    h1 = layer.register_forward_pre_hook(pre)
    h2 = layer.register_forward_hook(post)
    out = layer(ag.ones(1, 2))
    assert calls == ["pre", "post"]
    assert np.allclose(out.array, layer.bias.array + 1)
    h1.remove()
    h2.remove()
    h2.remove()  # removing twice is fine
    out = layer(ag.ones(1, 2))
    assert calls == ["pre", "post"]
    assert np.allclose(out.array, ag.ones(1, 2).array @ layer.weight.array.T + layer.bias.array)


def test_forward_hook_order_prepend_and_kwargs():
    layer = nn.Identity()
    order = []
    layer.register_forward_hook(lambda m, a, o: order.append(1))
    layer.register_forward_hook(lambda m, a, o: order.append(0), prepend=True)
    layer.register_forward_pre_hook(lambda m, a, kw: (a, kw), with_kwargs=True)
    seen = {}
    layer.register_forward_hook(lambda m, a, kw, o: seen.update(kw), with_kwargs=True)

    class KW(Layer):
        def forward(self, x, scale=1):
            return x * scale

    k = KW()
    k.register_forward_hook(lambda m, a, kw, o: seen.update(kw), with_kwargs=True)
    assert k(ag.ones(1), scale=3).item() == 3 and seen == {"scale": 3}
    layer(ag.ones(1))
    assert order == [0, 1]
    with layer.register_forward_hook(lambda m, a, o: order.append(9)):
        layer(ag.ones(1))
    layer(ag.ones(1))
    assert order == [0, 1, 0, 1, 9, 0, 1]


# ---------------------------------------------------------------------------- repr
def test_reprs_like_pytorch():
    seq = Sequential(Linear(3, 4), nn.Identity())
    assert repr(seq) == ("Sequential(\n  (0): Linear(in_features=3, out_features=4, bias=True)\n"
                         "  (1): Identity()\n)")
    nested = Sequential(OrderedDict(enc=Sequential(Linear(1, 2, bias=False)), out=Linear(2, 1)))
    assert repr(nested) == ("Sequential(\n  (enc): Sequential(\n    (0): Linear(in_features=1, out_features=2, "
                            "bias=False)\n  )\n  (out): Linear(in_features=2, out_features=1, bias=True)\n)")
    assert repr(Layer()) == "Layer()"
    ml = ModuleList([Linear(2, 2), Linear(2, 2), Linear(2, 3)])
    assert repr(ml) == ("ModuleList(\n  (0-1): 2 x Linear(in_features=2, out_features=2, bias=True)\n"
                        "  (2): Linear(in_features=2, out_features=3, bias=True)\n)")
    md = ModuleDict({"a": nn.Identity()})
    assert repr(md) == "ModuleDict(\n  (a): Identity()\n)"

    class Custom(Layer):
        def __init__(self):
            super().__init__()
            self.lin = Linear(1, 1)

        def extra_repr(self):
            return "k=1"

    assert repr(Custom()) == "Custom(\n  k=1\n  (lin): Linear(in_features=1, out_features=1, bias=True)\n)"


# ---------------------------------------------------------------------------- containers
def test_sequential_indexing_slicing_append():
    a, b, c = Linear(2, 3), Linear(3, 3), Linear(3, 1)
    seq = Sequential(a, b)
    assert len(seq) == 2 and seq[0] is a and seq[-1] is b
    assert list(seq) == [a, b]
    seq.append(c)
    assert seq[2] is c and list(seq._modules) == ["0", "1", "2"]
    sub = seq[1:]
    assert isinstance(sub, Sequential) and list(sub) == [b, c] and list(sub._modules) == ["1", "2"]
    with pytest.raises(IndexError, match="out of range"):
        seq[3]
    out = seq(ag.ones(4, 2))
    assert out.shape == (4, 1)
    del seq[0]
    assert list(seq._modules) == ["0", "1"] and seq[0] is b
    seq.insert(0, a)
    assert list(seq) == [a, b, c]
    od = Sequential(OrderedDict([("x", a), ("y", b)]))
    assert list(od._modules) == ["x", "y"] and od.x is a
    assert len(seq + od) == 5


def test_module_list_and_dict():
    ml = ModuleList([Linear(1, 1) for _ in range(3)])
    assert len(ml) == 3 and len(list(ml.parameters())) == 6
    ml.append(Linear(1, 2))
    assert ml[-1].out_features == 2
    assert isinstance(ml[1:], ModuleList) and len(ml[1:]) == 3
    del ml[0]
    assert list(ml._modules) == ["0", "1", "2"]
    ml.extend([nn.Identity()])
    ml.insert(0, nn.Identity())
    assert len(ml) == 5 and isinstance(ml[0], nn.Identity)
    with pytest.raises(TypeError):
        ml.extend(Linear(1, 1))
    md = ModuleDict({"b": Linear(1, 1)})
    md["a"] = Linear(1, 1)
    assert list(md) == ["b", "a"] and "a" in md and len(md) == 2
    assert [n for n, _ in md.named_parameters()] == ["b.weight", "b.bias", "a.weight", "a.bias"]
    md.pop("b")
    assert list(md.keys()) == ["a"]
    md.update([("c", nn.Identity())])
    assert list(md.values())[1].__class__ is nn.Identity


def test_parameter_list():
    pl = ParameterList([Parameter(ag.zeros(2)), ag.ones(3)])
    assert len(pl) == 2 and isinstance(pl[1], Parameter)
    pl.append(ag.ones(1))
    assert [n for n, _ in pl.named_parameters()] == ["0", "1", "2"]
    assert repr(pl).startswith("ParameterList(\n    (0): Parameter containing: [float32 of size 2]\n")  # as PyTorch


def test_deepcopy_keeps_sharing_and_layer_pickles():
    a = Linear(2, 2)
    seq = Sequential(a, a)
    seq2 = copy.deepcopy(seq)
    assert seq2[0] is seq2[1] and seq2[0].weight is not a.weight
    assert isinstance(seq2[0].weight, Parameter)
    seq3 = pickle.loads(pickle.dumps(seq))
    assert np.array_equal(seq3[0].weight.array, a.weight.array)
    assert len(list(seq3.parameters())) == 2


# ---------------------------------------------------------------------------- devices
def test_to_device_moves_parameters_grads_and_buffers(device):
    net = Net()
    x = ag.randn(2, 3)
    ref = net(x).array.copy()
    net(x).sum().backward()
    params = list(net.parameters())
    net.to(device)
    assert [id(p) for p in net.parameters()] == [id(p) for p in params]
    assert all(p.device == device and p.grad.device == device for p in params)
    assert all(b.device == device for b in net.buffers())
    out = net(x.to(device))
    np.testing.assert_allclose(out.cpu().array, ref, rtol=1e-5)
    net.load_state_dict({k: v.cpu() for k, v in net.state_dict().items()})  # a CPU checkpoint loads anywhere
    assert net.fc1.weight.device == device
    net.cpu()
    assert all(p.device == "cpu" for p in params)
