"""save/load of whole objects (modules, optimizers, configs): pickled beside their tensors; weights_only's rules."""
import dataclasses
import io
import json
import os
import pickle
import struct
from collections import Counter, OrderedDict

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from autograd import serialization
from autograd import serialization_pickle as sp


@dataclasses.dataclass
class Config:
    lr: float = 0.1
    layers: tuple = (8, 4)
    name: str = "run"


@pytest.fixture(autouse=True)
def _no_added_globals():
    serialization.clear_safe_globals()
    yield
    serialization.clear_safe_globals()


def _header(raw):
    (n,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8:8 + n])


def _round_trip(obj, **load_args):
    buf = io.BytesIO()
    ag.save(obj, buf)
    buf.seek(0)
    return ag.load(buf, **load_args)


def _round_trip_with(obj, **save_args):
    buf = io.BytesIO()
    ag.save(obj, buf, **save_args)
    buf.seek(0)
    return ag.load(buf)


def _model():
    ag.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 2))


# ---------------------------------------------------------------------------- which container
def test_state_dicts_stay_safetensors_and_objects_are_pickled(tmp_path):
    model = _model()
    ag.save(model.state_dict(), tmp_path / "sd.pt")
    head = _header((tmp_path / "sd.pt").read_bytes())
    assert set(head["__metadata__"]) == {"tapegrad"} and "pickle" not in head
    ag.save(model, tmp_path / "model.pt")
    head = _header((tmp_path / "model.pt").read_bytes())
    assert head["__metadata__"] == {"tapegrad.pickle": "1"}
    assert set(head) == {"__metadata__", "pickle", "storage.0", "storage.1", "storage.2", "storage.3"}
    assert all(e["dtype"] == "U8" for k, e in head.items() if k != "__metadata__")
    st = pytest.importorskip("safetensors.numpy")
    assert set(st.load_file(str(tmp_path / "model.pt"))) == set(head) - {"__metadata__"}  # still safetensors
    assert sorted(os.listdir(tmp_path)) == ["model.pt", "sd.pt"]


def test_a_safetensors_file_loads_whatever_weights_only_says(tmp_path):
    ag.save({"w": ag.ones(2)}, tmp_path / "w.pt")
    for wo in (None, True, False):
        assert ag.load(tmp_path / "w.pt", weights_only=wo)["w"].tolist() == [1.0, 1.0]


# ---------------------------------------------------------------------------- round trips
def test_whole_model_round_trips_and_is_refused_by_default(tmp_path):
    model = _model()
    path = tmp_path / "model.pt"
    ag.save(model, path)
    with pytest.raises(pickle.UnpicklingError, match=r"GLOBAL nn\.container\.Sequential was not an allowed global"):
        ag.load(path)
    loaded = ag.load(path, weights_only=False)
    assert type(loaded) is nn.Sequential and loaded is not model
    x = ag.randn(5, 3)
    np.testing.assert_array_equal(loaded(x).array, model(x).array)
    for p, q in zip(model.parameters(), loaded.parameters()):
        assert type(q) is nn.Parameter and q.requires_grad and q.is_leaf and q.grad is None
    loaded(x).sum().backward()  # it trains
    assert all(p.grad is not None for p in loaded.parameters())
    with serialization.safe_globals([nn.Sequential, nn.Linear, nn.ReLU]):
        again = ag.load(path)
    np.testing.assert_array_equal(again(x).array, model(x).array)


def test_optimizer_state_dict_and_whole_optimizer(tmp_path):
    model = _model()
    opt = optim.Adam(model.parameters(), lr=0.01)
    model(ag.randn(4, 3)).sum().backward()
    opt.step()
    sd = _round_trip(opt.state_dict())  # a state dict: safetensors, loads with weights_only=True
    assert sd["param_groups"] == opt.state_dict()["param_groups"]
    np.testing.assert_array_equal(sd["state"][0]["exp_avg"].array, opt.state_dict()["state"][0]["exp_avg"].array)
    both = _round_trip({"model": model, "opt": opt}, weights_only=False)
    new_model, new_opt = both["model"], both["opt"]
    assert type(new_opt) is optim.Adam
    assert new_opt.param_groups[0]["params"][0] is new_model[0].weight  # one object, as saved
    state = new_opt.state[new_model[0].weight]
    np.testing.assert_array_equal(state["exp_avg"].array, opt.state[model[0].weight]["exp_avg"].array)
    new_model(ag.randn(4, 3)).sum().backward()
    new_opt.step()  # and it keeps optimising its model's parameters


def test_dataclass_config_needs_weights_only_false_or_safe_globals(tmp_path):
    path = tmp_path / "cfg.pt"
    ag.save({"config": Config(lr=0.5), "w": ag.ones(3)}, path)
    key = f"{__name__}.Config"
    with pytest.raises(pickle.UnpicklingError) as info:
        ag.load(path)
    msg = str(info.value)
    assert type(info.value) is pickle.UnpicklingError
    for part in ("Weights only load failed", str(path), f"GLOBAL {key} was not an allowed global by default",
                 "weights_only=False", f"autograd.serialization.add_safe_globals([{key}])",
                 f"autograd.serialization.safe_globals([{key}])"):
        assert part in msg, part
    assert ag.load(path, weights_only=False)["config"] == Config(lr=0.5)
    with serialization.safe_globals([Config]):
        assert serialization.get_safe_globals() == [Config]
        assert ag.load(path)["config"] == Config(lr=0.5)
    assert serialization.get_safe_globals() == []
    with pytest.raises(pickle.UnpicklingError):
        ag.load(path)
    serialization.add_safe_globals([(Config, key)])
    assert ag.load(path)["config"].lr == 0.5
    serialization.clear_safe_globals()
    serialization.add_safe_globals([Config])
    with serialization.safe_globals([Config]):  # already allowed: the block leaves it allowed
        pass
    assert serialization.get_safe_globals() == [Config]
    with pytest.raises(TypeError, match="add_safe_globals: expected a list"):
        serialization.add_safe_globals(Config)
    with pytest.raises(TypeError, match="safe globals must be classes or functions"):
        serialization.add_safe_globals([3])


def test_default_allow_list_covers_containers_numbers_dtypes_devices():
    obj = {"set": {1, 2}, "frozen": frozenset("ab"), "complex": 1 + 2j, "bytes": b"\x00\xff", "ba": bytearray(b"x"),
           "od": OrderedDict(a=1), "counter": Counter("aab"), "dtype": ag.float32, "int_dtype": ag.int64,
           "device": ag.device("cpu"), (1, 2): ag.arange(3), "nested": [({"x": None},), True, 2**70, float("inf")]}
    if ag.dtypes.HAS_BFLOAT16:
        obj["bf16"] = ag.bfloat16
    out = _round_trip(obj)
    for k, v in obj.items():
        if k != (1, 2):
            assert out[k] == v and type(out[k]) is type(v), k
    assert out[(1, 2)].tolist() == [0, 1, 2]


def test_shared_tensors_and_views_keep_one_storage():
    base = ag.arange(24.0).reshape(4, 6)
    view, neg = base[1:3, ::2], base.flip(0)
    arr = np.arange(10, dtype=np.int16)
    obj = {"a": base, "again": [base], "view": view, "neg": neg, "t": base.t(), "arr": arr, "arr_view": arr[::-3],
           "set": {1}}
    out = _round_trip(obj)
    assert out["a"] is out["again"][0]
    for k in ("a", "view", "neg", "t"):
        np.testing.assert_array_equal(out[k].array, obj[k].array)
    np.testing.assert_array_equal(out["arr_view"], arr[::-3])
    shared = {k: np.shares_memory(obj[k].array, base.array) for k in ("view", "neg", "t")}
    assert shared["view"] and shared["t"]
    assert {k: np.shares_memory(out[k].array, out["a"].array) for k in shared} == shared  # exactly as saved
    out["a"].array[1, 0] = -1.0  # one storage: the change shows through every view
    assert out["view"].array[0, 0] == -1.0 and out["t"].array[0, 1] == -1.0
    out["arr"][9] = 99
    assert out["arr_view"][0] == 99


def test_requires_grad_parameters_buffers_and_attributes():
    lin = nn.Linear(2, 2)
    x = ag.randn(3, requires_grad=True)
    frozen = nn.Parameter(ag.ones(2), requires_grad=False)
    buf = nn.Buffer(ag.zeros(2), persistent=False)
    tagged = ag.ones(1)
    tagged.note = "kept"
    out = _round_trip({"w": lin.weight, "x": x, "y": x * 2, "frozen": frozen, "buf": buf, "tagged": tagged,
                       "int": ag.tensor([1, 2]), "set": {0}})
    assert type(out["w"]) is nn.Parameter and out["w"].requires_grad and out["w"].is_leaf
    assert out["x"].requires_grad and out["x"].is_leaf
    assert out["y"].requires_grad and out["y"].is_leaf and out["y"].grad_fn is None  # saved as data, as torch does
    assert type(out["frozen"]) is nn.Parameter and not out["frozen"].requires_grad
    assert type(out["buf"]) is nn.Buffer and out["buf"].persistent is False
    assert out["tagged"].note == "kept" and not out["int"].requires_grad


def test_map_location_and_devices(tmp_path, stand_in):
    model = _model().to("cuda")
    path = tmp_path / "gpu.pt"
    ag.save({"model": model, "extra": ag.ones(2, device="cuda"), "set": {1}}, path)
    out = ag.load(path, weights_only=False)
    assert out["model"][0].weight.device == "cuda" and out["extra"].device == "cuda"
    out = ag.load(path, weights_only=False, map_location="cpu")
    assert out["model"][0].weight.device == "cpu" and out["extra"].device == "cpu"
    assert type(out["model"][0].weight) is nn.Parameter and out["model"][0].weight.requires_grad
    x = ag.randn(2, 3)
    np.testing.assert_allclose(out["model"](x).array, model(x.to("cuda")).cpu().array, rtol=1e-6)
    assert ag.load(path, weights_only=False, map_location={"cuda:0": "cpu"})["extra"].device == "cpu"


def test_file_objects_and_paths(tmp_path):
    obj = {"cfg": {3, 4}, "w": ag.randn(4)}
    for target in (tmp_path / "a.pt", str(tmp_path / "b.pt")):
        ag.save(obj, target)
        assert ag.load(target)["cfg"] == {3, 4}
    with open(tmp_path / "c.pt", "wb") as fh:
        fh.write(b"xyz")
        ag.save(obj, fh)
    with open(tmp_path / "c.pt", "rb") as fh:
        fh.read(3)
        np.testing.assert_array_equal(ag.load(fh)["w"].array, obj["w"].array)
    assert sorted(os.listdir(tmp_path)) == ["a.pt", "b.pt", "c.pt"]  # no temporaries left


def test_pickle_module_arguments():
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        out = _round_trip_with({"s": {1}, "t": ag.ones(2), "od": OrderedDict(a=ag.float16)}, pickle_protocol=protocol)
        assert out["s"] == {1} and out["t"].tolist() == [1.0, 1.0] and out["od"]["a"] == ag.float16
    buf = io.BytesIO()
    ag.save({"s": {1}}, buf, pickle_module=pickle, pickle_protocol=4)
    buf.seek(0)
    assert ag.load(buf, pickle_module=pickle, weights_only=False) == {"s": {1}}
    with pytest.raises(RuntimeError, match="weights_only=True.*explicit pickle_module"):
        ag.load(buf, pickle_module=pickle)


# ---------------------------------------------------------------------------- hostile files
def _container(pickle_bytes, storages=()):
    """A file in save()'s pickle container holding these pickle bytes."""
    arrays = {f"storage.{k}": np.frombuffer(s, np.uint8) for k, s in enumerate(storages)}
    arrays["pickle"] = np.frombuffer(pickle_bytes, np.uint8)
    return b"".join(bytes(c) for c in serialization._layout(arrays, {"tapegrad.pickle": "1"}))


class _Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.skipif(os.name != "posix", reason="uses touch")
@pytest.mark.parametrize("protocol", [0, 2, 5])
def test_malicious_pickle_is_refused_without_running(tmp_path, protocol):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pt"
    path.write_bytes(_container(pickle.dumps({"w": 1, "x": _Evil(marker)}, protocol)))
    for wo in (None, True):
        with pytest.raises(pickle.UnpicklingError, match=r"evil\.pt.*GLOBAL (posix|os)\.system was not an allowed"):
            ag.load(path, weights_only=wo)
    assert not marker.exists()
    ag.load(path, weights_only=False)  # the control: unpickling it for real does run it
    assert marker.exists()


@pytest.mark.parametrize("payload, problem", [
    (pickle.dumps([1, 2], 2)[:-3], r"the pickle is corrupt"),
    (b"\x80\x02Q.", r"the pickle is corrupt"),  # BINPERSID with an empty stack
    (pickle.dumps("storage.5", 2)[:-1] + b"Q.", r"refers to 'storage.5', which is not one of the file's 0 storages"),
    (pickle.dumps(("storage", 0), 2)[:-1] + b"Q.", r"not one of the file's"),
])
def test_corrupt_pickles_raise_the_clear_error(payload, problem):
    with pytest.raises(ValueError, match=r"load: '<BytesIO>' is not a valid .*checkpoint: .*" + problem):
        ag.load(io.BytesIO(_container(payload)))


_STORAGE = object()  # stands for the file's storage 0 in a forged pickle


def _forged(fn, args, state=None):
    """A pickle that calls fn(*args) (then sets state), with _STORAGE written as the persistent id of storage 0."""

    class Forge:
        def __reduce__(self):
            return (fn, args, state)

    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, 2)
    pickler.persistent_id = lambda o: "storage.0" if o is _STORAGE else None
    pickler.dump(Forge())
    return buf.getvalue()


def test_forged_rebuild_calls_are_checked():
    """The allowed rebuild function refuses arguments that do not describe a tensor inside its storage."""
    good = (("autograd._tensor", "Tensor"), _STORAGE, "F32", (2,), (4,), 0, "cpu", False, None)
    storage = np.zeros(8, np.uint8).tobytes()
    cases = [(good[:1] + ("not a storage",) + good[2:], "not from a stored storage"),
             (good[:2] + ("O",) + good[3:], "dtype 'O'"),
             (good[:3] + ((3,),) + good[4:], r"bytes 0\.\.12 of a storage of 8"),
             (good[:4] + ((-8,),) + good[5:], r"bytes -8\.\.4"),
             (good[:3] + ((2, 2), (4,)) + good[5:], "invalid tensor layout"),
             (good[:3] + ([2], (4,)) + good[5:], "shape \\[2\\], not a tuple of ints"),
             (good[:3] + ((0, 2**62), (4, 4)) + good[5:], "too large"),
             (good[:6] + ("tpu",) + good[7:], "saved on 'tpu'"),
             (good[:7] + (1,) + good[8:], "requires_grad 1"),
             ((("autograd.backend", "device"),) + good[1:], "autograd.backend.device, which is not a Tensor class"),
             (("Tensor",) + good[1:], "not a \\(module, name\\) pair")]
    for args, problem in cases:
        with pytest.raises(ValueError, match=r"load: '<BytesIO>' is not a valid .*" + problem):
            ag.load(io.BytesIO(_container(_forged(sp._rebuild_tensor, args), [storage])))
    out = ag.load(io.BytesIO(_container(_forged(sp._rebuild_tensor, good), [storage])))
    assert type(out) is ag.Tensor and out.tolist() == [0.0, 0.0]
    arr = ag.load(io.BytesIO(_container(_forged(sp._rebuild_array, (_STORAGE, "U8", (8,), (1,), 0)), [storage])))
    assert arr.dtype == np.uint8 and arr.shape == (8,)
    for fn, args, problem in [(sp._rebuild_dtype, ("object",), "dtype 'object'"),
                              (sp._rebuild_scalar, ("float32", b"12345"), "float32 scalar of b'12345'"),
                              (sp._rebuild_device, ("tpu:0",), "device 'tpu:0'"),
                              (bytearray, (2**40,), "bytearray of 1099511627776 zero bytes"),
                              (Counter, ("ab", "cd"), "corrupt \\(TypeError")]:
        with pytest.raises(ValueError, match=problem):
            ag.load(io.BytesIO(_container(_forged(fn, args))))


class MyTensor(ag.Tensor):
    pass


def test_tensor_subclasses_other_than_tapegrads_need_allowing():
    t = MyTensor._make(np.ones(2, np.float32), None, 0)
    raw = io.BytesIO()
    ag.save({"t": t, "s": {1}}, raw)
    with pytest.raises(pickle.UnpicklingError, match=f"GLOBAL {__name__}.MyTensor was not an allowed global"):
        ag.load(io.BytesIO(raw.getvalue()))
    with serialization.safe_globals([MyTensor]):
        assert type(ag.load(io.BytesIO(raw.getvalue()))["t"]) is MyTensor
    assert type(ag.load(io.BytesIO(raw.getvalue()), weights_only=False)["t"]) is MyTensor


def test_state_is_set_only_where_it_is_safe():
    """BUILD on a tensor or dict may add attributes but not replace their own (the array, grad, methods)."""
    args = (("autograd._tensor", "Tensor"), _STORAGE, "F32", (1,), (4,), 0, "cpu", False, None)
    storage = [np.zeros(4, np.uint8).tobytes()]
    assert ag.load(io.BytesIO(_container(_forged(sp._rebuild_tensor, args, {"note": 1}), storage))).note == 1
    for state in ({"array": "x"}, {"grad": 1}, {"sum": 1}, (None, {"array": "x"}), {1: 2}):
        with pytest.raises(ValueError, match="the pickle sets the state of a Tensor"):
            ag.load(io.BytesIO(_container(_forged(sp._rebuild_tensor, args, state), storage)))
    assert ag.load(io.BytesIO(_container(_forged(OrderedDict, (), {"_metadata": 3}))))._metadata == 3
    for fn, state in ((OrderedDict, {"items": 3}), (set, {"x": 1}), (sp._rebuild_device, {"type": "x"})):
        with pytest.raises(ValueError, match="the pickle sets the state of a"):
            ag.load(io.BytesIO(_container(_forged(fn, ("cpu",) if fn is sp._rebuild_device else (), state))))
