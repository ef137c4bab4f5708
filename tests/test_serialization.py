"""save/load: safetensors layout, nested structures, devices, file objects, atomic writes, corrupt files, RNG states."""
import io
import json
import math
import os
import pickle
import random
import struct
import subprocess
import sys
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import autograd as ag
from autograd import serialization


def _same(a, b):
    assert type(a) is type(b)
    assert a.dtype == b.dtype and a.shape == b.shape and a.device == b.device
    np.testing.assert_array_equal(a.cpu().array, b.cpu().array)


def _header(path):
    with open(path, "rb") as fh:
        (n,) = struct.unpack("<Q", fh.read(8))
        return n, json.loads(fh.read(n))


# ---------------------------------------------------------------------------- round trips
def test_nested_structure_round_trips(tmp_path):
    w = ag.randn(3, 4)
    obj = {"model": OrderedDict([("0.weight", w), ("0.bias", ag.zeros(4))]),
           "optimizer": {"state": {0: {"step": ag.tensor(3.0), "buf": ag.ones(2, 2)}},
                         "param_groups": [{"lr": 0.1, "betas": (0.9, 0.999), "foreach": None, "params": [0]}]},
           "epoch": 7, "name": "run-1", "flags": [True, False], "nothing": None, 3: "int key", 2.5: "float key",
           "nested": ((1, 2), [3, (4.5, "x")]), "inf": math.inf, "big": 2**100 + 1, "neg": -(2**70)}
    path = tmp_path / "ckpt.safetensors"
    ag.save(obj, path)
    out = ag.load(path)
    assert set(out) == set(obj)
    assert type(out["model"]) is OrderedDict and list(out["model"]) == ["0.weight", "0.bias"]
    _same(out["model"]["0.weight"], w)
    assert out["optimizer"]["state"][0]["step"].item() == 3.0
    assert out["optimizer"]["param_groups"] == obj["optimizer"]["param_groups"]
    assert isinstance(out["optimizer"]["param_groups"][0]["betas"], tuple)
    for k in ("epoch", "name", "flags", "nothing", 3, 2.5, "nested", "inf", "big", "neg"):
        assert out[k] == obj[k] and type(out[k]) is type(obj[k])
    assert math.isnan(ag.load(_saved(tmp_path, {"x": math.nan}))["x"])


def _saved(tmp_path, obj, name="x.safetensors"):
    path = tmp_path / name
    ag.save(obj, path)
    return path


@pytest.mark.parametrize("dtype", [ag.float16, ag.float32, ag.float64, ag.int8, ag.int16, ag.int32, ag.int64,
                                   ag.uint8, ag.bool])
def test_every_dtype_round_trips_bit_exactly(tmp_path, dtype):
    raw = np.random.default_rng(0).standard_normal((3, 5)) * 50
    t = ag.tensor(raw > 0 if dtype == ag.bool else raw.astype(dtype))
    _same(ag.load(_saved(tmp_path, {"t": t}))["t"], t)


def test_odd_shapes_and_layouts(tmp_path):
    base = ag.arange(24.0).reshape(2, 3, 4)
    obj = {"scalar": ag.tensor(2.5), "empty": ag.zeros(0, 3), "transposed": base.permute(2, 0, 1),
           "strided": base[:, ::2, 1:], "single": ag.tensor([7], dtype=ag.int64)}
    out = ag.load(_saved(tmp_path, obj))
    for k, v in obj.items():
        _same(out[k], v)
    assert out["scalar"].shape == ()


def test_requires_grad_and_shared_tensors_are_kept(tmp_path):
    w = ag.randn(2, 2, requires_grad=True)
    out = ag.load(_saved(tmp_path, {"a": w, "b": [w], "c": w.detach()}))
    assert out["a"].requires_grad and out["a"].is_leaf and not out["c"].requires_grad
    assert out["a"] is out["b"][0]  # tied weights come back as one tensor
    _, header = _header(tmp_path / "x.safetensors")
    assert sorted(k for k in header if k != "__metadata__") == ["a", "c"]


def test_numpy_values(tmp_path):
    arr = np.arange(6, dtype=np.int32).reshape(2, 3)
    out = ag.load(_saved(tmp_path, {"arr": arr, "f": np.float32(1.5), "i": np.int64(3), "b": np.bool_(True)}))
    assert type(out["arr"]) is np.ndarray and out["arr"].dtype == np.int32
    np.testing.assert_array_equal(out["arr"], arr)
    assert out["f"] == 1.5 and out["i"] == 3 and out["b"] is True


def test_layer_state_dict_metadata_survives(tmp_path):
    import nn

    model = nn.Sequential(nn.Linear(3, 2), nn.ReLU())
    sd = model.state_dict()
    out = ag.load(_saved(tmp_path, sd))
    assert out._metadata == sd._metadata
    fresh = nn.Sequential(nn.Linear(3, 2), nn.ReLU())
    fresh.load_state_dict(out)
    for a, b in zip(model.parameters(), fresh.parameters()):
        np.testing.assert_array_equal(a.array, b.array)


# ---------------------------------------------------------------------------- the file format
def test_file_is_safetensors_layout(tmp_path):
    obj = {"w": ag.arange(6.0).reshape(2, 3), "n": ag.tensor([1, 2], dtype=ag.int16), "meta": {"epoch": 2}}
    path = _saved(tmp_path, obj)
    n, header = _header(path)
    assert (8 + n) % 8 == 0
    assert header["w"] == {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}
    assert header["n"] == {"dtype": "I16", "shape": [2], "data_offsets": [24, 28]}
    assert set(header["__metadata__"]) == {"tapegrad"}
    raw = path.read_bytes()
    assert len(raw) == 8 + n + 28
    np.testing.assert_array_equal(np.frombuffer(raw[8 + n:8 + n + 24], "<f4"), np.arange(6.0))


def test_plain_safetensors_file_loads_as_flat_dict(tmp_path):
    """A file without our metadata (as other safetensors writers make it) loads as {name: tensor}."""
    data = np.arange(4, dtype="<f8").tobytes()
    head = json.dumps({"x": {"dtype": "F64", "shape": [2, 2], "data_offsets": [0, 32]},
                       "__metadata__": {"format": "pt"}}).encode()
    path = tmp_path / "plain.safetensors"
    path.write_bytes(struct.pack("<Q", len(head)) + head + data)
    out = ag.load(path)
    assert list(out) == ["x"] and out["x"].dtype == ag.float64
    np.testing.assert_array_equal(out["x"].array, [[0, 1], [2, 3]])


def test_safetensors_numpy_reads_our_file_and_we_read_theirs(tmp_path):
    st = pytest.importorskip("safetensors.numpy")
    ours = {"layer.weight": ag.randn(4, 3), "layer.bias": ag.zeros(4), "steps": ag.tensor([3], dtype=ag.int64)}
    path = _saved(tmp_path, ours)
    theirs = st.load_file(str(path))
    assert set(theirs) == set(ours)
    for k in ours:
        np.testing.assert_array_equal(theirs[k], ours[k].array)
        assert theirs[k].dtype == ours[k].dtype
    written = {"a": np.arange(6, dtype=np.float16).reshape(2, 3), "b": np.array([True, False]),
               "c": np.array(5, dtype=np.int32)}
    st.save_file(written, str(tmp_path / "theirs.safetensors"), metadata={"source": "safetensors"})
    loaded = ag.load(tmp_path / "theirs.safetensors")
    for k, v in written.items():
        assert loaded[k].dtype == v.dtype
        np.testing.assert_array_equal(loaded[k].array, v)


def test_safetensors_torch_reads_our_file_and_we_read_theirs(tmp_path):
    pytest.importorskip("safetensors")
    torch = pytest.importorskip("torch")
    from safetensors.torch import load_file, save_file

    import nn

    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    path = _saved(tmp_path, model.state_dict())
    theirs = load_file(str(path))
    ref = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    ref.load_state_dict(theirs)  # same keys and shapes as PyTorch
    x = np.random.default_rng(1).standard_normal((5, 3)).astype(np.float32)
    for p, q in zip(ref.parameters(), model.parameters()):  # the weights arrive bit for bit
        np.testing.assert_array_equal(p.detach().numpy(), q.array)
    np.testing.assert_allclose(ref(torch.from_numpy(x)).detach().numpy(), model(ag.tensor(x)).array, rtol=1e-5,
                               atol=1e-7)  # float32 round-off: the two libraries sum in different orders
    save_file(ref.state_dict(), str(tmp_path / "torch.safetensors"))
    fresh = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    fresh.load_state_dict(ag.load(tmp_path / "torch.safetensors"))
    np.testing.assert_allclose(fresh(ag.tensor(x)).array, model(ag.tensor(x)).array, rtol=1e-6)


# ---------------------------------------------------------------------------- devices and file objects
def test_map_location(tmp_path, stand_in):
    path = _saved(tmp_path, {"w": ag.ones(2), "g": ag.ones(3, device="cuda", requires_grad=True)})
    out = ag.load(path)
    assert out["w"].device == "cpu" and out["g"].device == "cuda"  # by default where they were saved
    assert out["g"].requires_grad
    for where in ("cuda", "cuda:0", ag.device("cuda")):
        out = ag.load(path, map_location=where)
        assert out["w"].device == "cuda" and out["g"].device == "cuda"
    out = ag.load(path, map_location="cpu")
    assert out["w"].device == "cpu" and out["g"].device == "cpu" and out["g"].requires_grad
    assert ag.load(path, map_location={"cuda:0": "cpu"})["g"].device == "cpu"
    with pytest.raises(TypeError, match="map_location must be None, a device string"):
        ag.load(path, map_location=3)


def test_gpu_checkpoint_without_a_gpu_says_use_map_location(tmp_path, monkeypatch, stand_in):
    from autograd import backend

    path = _saved(tmp_path, {"g": ag.ones(3, device="cuda")})
    monkeypatch.setattr(backend, "to_device", _refuse_cuda(backend.to_device))
    with pytest.raises(RuntimeError, match=r"saved on 'cuda:0'.*pass map_location='cpu'"):
        ag.load(path)
    assert ag.load(path, map_location="cpu")["g"].device == "cpu"


def _refuse_cuda(to_device):
    def fake(x, dev):
        if str(dev).startswith("cuda"):
            raise RuntimeError("device 'cuda' is not available: no GPU here")
        return to_device(x, dev)

    return fake


def test_file_objects(tmp_path):
    obj = {"w": ag.randn(3), "step": 4}
    buf = io.BytesIO()
    ag.save(obj, buf)
    buf.seek(0)
    out = ag.load(buf)
    _same(out["w"], obj["w"])
    assert out["step"] == 4
    with open(tmp_path / "f.bin", "wb") as fh:
        fh.write(b"prefix")
        ag.save(obj, fh)
    with open(tmp_path / "f.bin", "rb") as fh:
        fh.read(6)  # loading starts at the current position, as torch.load does
        assert ag.load(fh)["step"] == 4
    assert ag.load(str(_saved(tmp_path, obj)))["step"] == 4  # str paths as well as Path objects


# ---------------------------------------------------------------------------- atomic writes
def test_crash_mid_save_keeps_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.safetensors"
    ag.save({"w": ag.ones(1000)}, path)
    before = path.read_bytes()

    def crash(fh, chunks):
        fh.write(chunks[0])
        fh.write(bytes(chunks[1])[:10])
        raise OSError("disk full")

    monkeypatch.setattr(serialization, "_write_all", crash)
    with pytest.raises(OSError, match="disk full"):
        ag.save({"w": ag.zeros(1000), "more": ag.zeros(50)}, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["ckpt.safetensors"]  # no temporary file left behind
    monkeypatch.setattr(serialization, "_write_all", lambda fh, chunks: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        ag.save({"w": ag.zeros(3)}, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["ckpt.safetensors"]


@pytest.mark.skipif(os.name != "posix", reason="process liveness is checked with os.kill(pid, 0)")
def test_save_removes_stale_temporaries_of_dead_processes_only(tmp_path):
    """A save killed with SIGKILL leaves its temporary; the next save to that path removes it, and nothing else."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # its pid is gone
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        host = serialization._HOST
        stale = f".ckpt.pt.{dead.pid}.{host}.0123abcd.tmp"
        keep = [f".ckpt.pt.{live.pid}.{host}.0123abcd.tmp",  # a live process is still writing it
                f".ckpt.pt.{os.getpid()}.{host}.89abcdef.tmp",  # this process's own (another thread saving)
                f".ckpt.pt.{dead.pid}.{'1' if host[0] != '1' else '2'}{host[1:]}.0123abcd.tmp",  # another machine's
                f".other.pt.{dead.pid}.{host}.0123abcd.tmp",  # another checkpoint's
                f".ckpt.pt.5.{dead.pid}.{host}.0123abcd.tmp",  # the checkpoint 'ckpt.pt.5'
                ".ckpt.pt.0123456789ab.tmp", "notes.tmp"]  # an older tapegrad's name, and an unrelated file
        for name in [stale] + keep:
            (tmp_path / name).write_bytes(b"partial")
        ag.save({"v": 1}, tmp_path / "ckpt.pt")
        assert sorted(os.listdir(tmp_path)) == sorted(keep + ["ckpt.pt"])
    finally:
        live.kill()
        live.wait()


def test_save_replaces_and_keeps_permissions(tmp_path):
    path = tmp_path / "ckpt.safetensors"
    ag.save({"v": 1}, path)
    os.chmod(path, 0o640)
    ag.save({"v": 2}, path)
    assert ag.load(path) == {"v": 2}
    if os.name == "posix":
        assert (os.stat(path).st_mode & 0o777) == 0o640
    assert os.listdir(tmp_path) == ["ckpt.safetensors"]


def test_values_outside_the_layout_are_pickled_and_unpicklable_ones_raise_before_writing(tmp_path):
    path = tmp_path / "x.safetensors"
    obj = {"a": {"b": {1, 2}}, "k": {(1, 2): 3}, "c": np.ones(2, dtype=complex)}
    ag.save(obj, path)
    assert _header(path)[1]["__metadata__"] == {"tapegrad.pickle": "1"}
    out = ag.load(path, weights_only=False)  # numpy's complex arrays need numpy's globals: off the allow-list
    assert out["a"] == obj["a"] and out["k"] == obj["k"] and out["c"].dtype == complex
    path.unlink()
    with pytest.raises((pickle.PicklingError, AttributeError), match="pickle"):
        ag.save({"f": lambda: 0}, path)
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------------------- corrupt and foreign files
def _write(tmp_path, raw, name="bad.safetensors"):
    path = tmp_path / name
    path.write_bytes(raw)
    return path


def _file(header, data=b""):
    return _raw_file(json.dumps(header).encode(), data)


def _raw_file(head, data=b""):
    return struct.pack("<Q", len(head)) + head + data


def _entry(dtype, shape, start, end):
    return {"dtype": dtype, "shape": shape, "data_offsets": [start, end]}


@pytest.mark.parametrize("raw, problem", [
    (b"", r"only 0 bytes \(truncated"),
    (b"\x01\x02\x03", r"only 3 bytes"),
    (pickle.dumps({"weights": [1, 2, 3]}), r"length field says.*looks like a pickle file"),
    (b"hello, this is a text file\n" * 3, r"length field says.*looks like a text file"),
    (bytes(np.random.default_rng(0).integers(0, 256, 64, dtype=np.uint8)), r"length field says.*not a safetensors"),
    (struct.pack("<Q", 4) + b"\xff\xfe{}", r"header is not valid JSON"),
    (struct.pack("<Q", 2) + b"[]", r"header is a JSON list, not an object"),
    (_file({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}, b"\0" * 8),
     r"tensor 'w' needs bytes 0..16 of the data section, which has only 8 bytes"),
    (_file({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 12]}}, b"\0" * 16),
     r"tensor 'w' of shape \(4,\) and dtype float32 needs 16 bytes, but its data_offsets span 12"),
    (_file({"w": {"dtype": "C64", "shape": [1], "data_offsets": [0, 8]}}, b"\0" * 8), r"dtype 'C64'.*not support"),
    (_file({"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}, b"\0" * 4), r"invalid shape \[-1\]"),
    (_file({"w": {"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}}, b"\0" * 4), r"invalid data_offsets"),
    (_file({"w": [1, 2]}), r"tensor 'w' has a malformed header entry"),
    (_file({"__metadata__": {"tapegrad": "{not json"}}), r"tapegrad metadata is not valid JSON"),
    (_file({"__metadata__": {"tapegrad": json.dumps({"__tensor__": "ghost"})}}),
     r"refers to a tensor 'ghost' that the file does not hold"),
    (_file({"__metadata__": {"tapegrad": json.dumps({"__dict__": 5})}}), r"malformed tapegrad metadata"),
    (_file({"__metadata__": {"tapegrad": json.dumps({"what": 1})}}), r"unknown node"),
    (_file({"__metadata__": [1]}), r"__metadata__ must be a str -> str object"),
    (_file({"__metadata__": {"tapegrad": 5}}), r"__metadata__ must be a str -> str object"),
    (_file({"a": _entry("F32", [3], 0, 12), "b": _entry("F32", [2], 8, 16)}, b"\0" * 16),
     r"tensor 'b' overlaps 'a' \(bytes 8-16 vs 0-12\)"),
    (_file({"a": _entry("F32", [1], 0, 4), "b": _entry("F32", [1], 0, 4)}, b"\0" * 4), r"tensor '.' overlaps '.'"),
    (_file({"a": _entry("F32", [2], 0, 8), "e": _entry("F32", [0], 4, 4)}, b"\0" * 8), r"tensor 'e' overlaps 'a'"),
    (_file({"a": _entry("F32", [1], 0, 4), "b": _entry("F32", [1], 8, 12)}, b"\0" * 12),
     r"gap of 4 bytes after tensor 'a' \(which ends at byte 4\): tensor 'b' starts at byte 8"),
    (_file({"a": _entry("F32", [1], 4, 8)}, b"\0" * 8), r"gap of 4 bytes at the start of the data"),
    (_file({"a": _entry("F32", [1], 0, 4)}, b"\0" * 12), r"8 bytes after the last tensor's data"),
    (_file({}, b"\0" * 8), r"8 bytes after the last tensor's data"),
    (_file({"a": _entry("F32", [1.0], 0, 4)}, b"\0" * 4), r"invalid shape \[1.0\]"),
    (_file({"a": _entry("F32", [True], 0, 4)}, b"\0" * 4), r"invalid shape \[True\]"),
    (_file({"a": _entry("F32", [1] * 65, 0, 4)}, b"\0" * 4), r"invalid shape"),
    (_file({"a": _entry("F32", [0, 2**62], 0, 0)}), r"too large for any array"),
    (_file({"a": _entry("F32", [1], 0.0, 4)}, b"\0" * 4), r"invalid data_offsets"),
    (_file({"a": _entry(["F32"], [1], 0, 4)}, b"\0" * 4), r"dtype \['F32'\].*not support"),
    (_file({"a": {"dtype": "F32", "shape": [1]}}, b"\0" * 4), r"invalid data_offsets None"),
    (_raw_file(b'{"a":' + json.dumps(_entry("F32", [1], 0, 4)).encode() + b',"a":'
               + json.dumps(_entry("F32", [1], 0, 4)).encode() + b"}", b"\0" * 4), r"header names 'a' twice"),
    (_raw_file(b'{"a": "\xff\xfe"}'), r"header is not valid JSON"),
    (_raw_file(b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}"), r"header is nested too deeply"),
    (_file({"__metadata__": {"x": "[" * 100_000 + "]" * 100_000}, "a": [[[[[]]]]]}), r"malformed header entry"),
    (_file({"__metadata__": {"tapegrad": "[" * 100_000 + "]" * 100_000}}), r"metadata is nested too deeply"),
    (_file({"__metadata__": {"tapegrad": "[" * 900 + "]" * 900}}), r"nested too deeply"),
    (_file({"__metadata__": {"tapegrad": '{"__tuple__": [], "__tuple__": [1]}'}}),
     r"the tapegrad metadata names '__tuple__' twice"),
    (_file({"__metadata__": {"tapegrad": json.dumps({"__tensor__": "w", "device": "tpu:x"})},
            "w": _entry("F32", [1], 0, 4)}, b"\0" * 4), r"saved on 'tpu:x', which is not a device"),
    (_file({"__metadata__": {"tapegrad": json.dumps({"__tensor__": "w", "requires_grad": True})},
            "w": _entry("I32", [1], 0, 4)}, b"\0" * 4), r"int32 tensor 'w' requires grad"),
])
def test_corrupt_files_raise_a_clear_value_error(tmp_path, raw, problem):
    path = _write(tmp_path, raw)
    with pytest.raises(ValueError, match=r"load: '.*bad\.safetensors' is not a valid tapegrad/safetensors "
                                         r"checkpoint: .*" + problem):
        ag.load(path)


_LAYOUTS = {  # name: (entries as (name, dtype, shape, start, end), data bytes)
    "one": ([("a", "F32", [2], 0, 8)], 8), "two": ([("a", "F32", [1], 0, 4), ("b", "I8", [4], 4, 8)], 8),
    "listed out of order": ([("b", "F32", [1], 4, 8), ("a", "F32", [1], 0, 4)], 8),
    "overlap": ([("a", "F32", [3], 0, 12), ("b", "F32", [2], 8, 16)], 16),
    "same bytes twice": ([("a", "F32", [1], 0, 4), ("b", "F32", [1], 0, 4)], 4),
    "hole": ([("a", "F32", [1], 0, 4), ("b", "F32", [1], 8, 12)], 12), "leading gap": ([("a", "F32", [1], 4, 8)], 8),
    "trailing bytes": ([("a", "F32", [1], 0, 4)], 8), "no tensors": ([], 0), "no tensors, trailing": ([], 8),
    "empty tensors": ([("a", "F32", [0], 0, 0), ("b", "F32", [0, 3], 0, 0)], 0),
    "empty tensor first": ([("e", "F32", [0], 0, 0), ("b", "F32", [1], 0, 4)], 4),
    "empty tensor last": ([("b", "F32", [1], 0, 4), ("e", "F32", [0], 4, 4)], 4),
    "empty tensor inside another": ([("a", "F32", [2], 0, 8), ("e", "F32", [0], 4, 4)], 8),
    "empty tensor past the end": ([("a", "F32", [1], 0, 4), ("e", "F32", [0], 8, 8)], 4),
}


@pytest.mark.parametrize("layout", sorted(_LAYOUTS))
def test_data_offsets_rules_match_the_safetensors_library(tmp_path, layout):
    """The header's offsets must tile the data section exactly: load accepts exactly what safetensors accepts."""
    st = pytest.importorskip("safetensors")
    entries, size = _LAYOUTS[layout]
    raw = _file({n: _entry(d, shape, a, b) for n, d, shape, a, b in entries}, bytes(range(size)))
    try:
        st.deserialize(raw)
        theirs = True
    except st.SafetensorError:
        theirs = False
    path = _write(tmp_path, raw)
    if theirs:
        assert sorted(ag.load(path)) == sorted(n for n, *_ in entries)
    else:
        with pytest.raises(ValueError, match=r"bad\.safetensors' is not a valid .*(overlaps|gap of|after the last|"
                                             r"needs bytes)"):
            ag.load(path)


def test_truncated_checkpoint(tmp_path):
    path = _saved(tmp_path, {"w": ag.randn(100), "b": ag.randn(10)})
    raw = path.read_bytes()
    for cut in (len(raw) - 1, len(raw) - 41, 20, 7):
        bad = _write(tmp_path, raw[:cut], "cut.safetensors")
        with pytest.raises(ValueError, match=r"'.*cut\.safetensors' is not a valid .*(truncated|only 7 bytes)"):
            ag.load(bad)


def test_pytorch_zip_checkpoint_is_refused(tmp_path):
    path = tmp_path / "model.pt"
    with zipfile.ZipFile(path, "w") as zf:  # the layout torch.save writes
        zf.writestr("archive/data.pkl", pickle.dumps({"w": 1}))
    with pytest.raises(ValueError, match=r"model\.pt.*zip archive.*torch\.save.*safetensors\.torch\.save_file"):
        ag.load(path)


class _Boom:
    ran = False

    def __reduce__(self):
        return (_Boom._explode, ())

    @staticmethod
    def _explode():
        _Boom.ran = True


def test_a_bare_pickle_file_is_never_unpickled(tmp_path):
    path = _write(tmp_path, pickle.dumps(_Boom()), "evil.pkl")
    with pytest.raises(ValueError, match=r"evil\.pkl.*pickle"):
        ag.load(path, weights_only=False)
    assert not _Boom.ran


def test_text_mode_file_object_is_refused(tmp_path):
    path = _saved(tmp_path, {"a": 1})
    with open(path, encoding="latin-1") as fh:
        with pytest.raises(TypeError, match=r"load: the file object was opened in text mode; open it in binary"):
            ag.load(fh)


def test_corrupt_file_object_names_it():
    with pytest.raises(ValueError, match=r"load: '<BytesIO>' is not a valid .*only 2 bytes"):
        ag.load(io.BytesIO(b"ab"))


# ---------------------------------------------------------------------------- RNG states
def test_generator_state_survives_exactly(tmp_path):
    ag.manual_seed(123)
    ag.randn(7)
    state = ag.get_rng_state()
    expected = ag.randn(5)
    loaded = ag.load(_saved(tmp_path, {"rng": state}))["rng"]
    assert loaded == state
    ag.randn(3)
    ag.set_rng_state(loaded)
    np.testing.assert_array_equal(ag.randn(5).array, expected.array)


def test_all_rng_states_survive_exactly(tmp_path):
    ag.manual_seed(5)
    np.random.seed(6)
    random.seed(7)
    ag.rand(3), np.random.rand(2), np.random.randn(1), random.random(), random.gauss(0, 1)
    state = serialization.rng_state()
    expected = (ag.randn(4).array, np.random.rand(3), np.random.randn(3), [random.random() for _ in range(3)],
                random.gauss(0, 1))
    loaded = ag.load(_saved(tmp_path, {"rng": state}))["rng"]
    assert loaded == state
    ag.randn(9), np.random.rand(9), [random.random() for _ in range(9)]
    serialization.set_rng_state_all(loaded)
    got = (ag.randn(4).array, np.random.rand(3), np.random.randn(3), [random.random() for _ in range(3)],
           random.gauss(0, 1))
    for a, b in zip(expected, got):
        np.testing.assert_array_equal(a, b)


def test_set_rng_state_all_rejects_other_values():
    with pytest.raises(ValueError, match="set_rng_state_all: expected the dict returned by rng_state"):
        serialization.set_rng_state_all({"seed": 1})
