"""Fuzzing the checkpoint reader: mutated files load, or raise load's clear errors; never another exception.

A fixed seed and TAPEGRAD_FUZZ_CASES cases (default 8000, about 2 s); e.g. TAPEGRAD_FUZZ_CASES=100000 and
TAPEGRAD_FUZZ_SEED=7 for a longer run. Where the safetensors library is installed it is the oracle for the
container: a file it refuses (overlapping tensors, holes, trailing bytes, ...) must not load here either.
The fuzzer is a helper used on the real reader, where it must find nothing, and on planted bugs, where it must.
"""
import io
import json
import os
import pickle
import random
import re
import struct
from collections import Counter, OrderedDict

import numpy as np
import pytest

import autograd as ag
from autograd import serialization, serialization_pickle

CASES = int(os.environ.get("TAPEGRAD_FUZZ_CASES", "8000"))
SEED = int(os.environ.get("TAPEGRAD_FUZZ_SEED", "0"))
CLEAR = re.compile(r"load: '<BytesIO>' is not a valid tapegrad/safetensors checkpoint: \S")

try:
    from safetensors import SafetensorError, deserialize  # optional: the oracle for the container
except ImportError:
    deserialize = None


# ---------------------------------------------------------------------------- valid files to start from
def _bytes(obj):
    buf = io.BytesIO()
    ag.save(obj, buf)
    return buf.getvalue()


def _seed_files():
    rng = np.random.default_rng(0)
    sd = OrderedDict([("w", ag.tensor(rng.standard_normal((3, 4)), dtype=ag.float32)),
                      ("h", ag.tensor(rng.standard_normal(5), dtype=ag.float16)),
                      ("d", ag.tensor(rng.standard_normal((2, 2)), dtype=ag.float64)),
                      ("i8", ag.tensor([-3, 4], dtype=ag.int8)), ("i16", ag.tensor([7], dtype=ag.int16)),
                      ("i32", ag.tensor([[1, 2]], dtype=ag.int32)), ("i64", ag.tensor(9, dtype=ag.int64)),
                      ("u8", ag.tensor([255, 0], dtype=ag.uint8)), ("mask", ag.tensor([True, False])),
                      ("empty", ag.zeros(0, 3))])
    if ag.dtypes.HAS_BFLOAT16:
        sd["bf"] = ag.ones(3, dtype=ag.bfloat16)
    nested = {"model": sd, "optimizer": {"state": {0: {"step": ag.tensor(3.0), "buf": ag.ones(2, 2)}},
                                         "param_groups": [{"lr": 0.1, "betas": (0.9, 0.999), "params": [0]}]},
              "epoch": 2, "name": "run", "arr": np.arange(6, dtype=np.int32), "grad": ag.ones(2, requires_grad=True)}
    plain = b"".join(bytes(c) for c in serialization._layout(
        {k: v.array for k, v in sd.items()}, {"format": "pt"}))  # as other safetensors writers make it
    base = ag.arange(12.0).reshape(3, 4)
    pickled = {"set": {1, 2}, "od": OrderedDict(a=ag.ones(3)), "base": base, "view": base[1:, ::2],
               "counter": Counter("abca"), (1, 2): ag.arange(4), "dtype": ag.float16, "dev": ag.device("cpu"),
               "arr": np.arange(5, dtype=np.uint8)[::2], "c": 1 + 2j}
    return [_bytes(sd), _bytes(nested), plain, _bytes(pickled)]


# ---------------------------------------------------------------------------- mutations
def _split(raw):
    """(header dict, data bytes) of a well-formed file, or None."""
    try:
        (n,) = struct.unpack("<Q", raw[:8])
        header = json.loads(raw[8:8 + n])
        return (header, raw[8 + n:]) if isinstance(header, dict) else None
    except (struct.error, ValueError, UnicodeDecodeError, RecursionError):
        return None


def _join(header, data, text=None):
    head = (text if text is not None else json.dumps(header)).encode("utf-8", "surrogatepass")
    return struct.pack("<Q", len(head)) + head + data


def _wild(r):
    """A value of a random JSON kind, some of them hostile."""
    return r.choice([None, True, -1, 0, 1, 7, 2**63, 2**64 + 5, -2**70, 1.5, float("nan"), "", "F32", "x" * 50,
                     [], [1], [0, 4], [-1, 3], [1, 2, 3], {}, {"a": 1}, [[0, 1]], "\udcff"])


def _flip(raw, r, lo=0, hi=None):
    hi = len(raw) if hi is None else hi
    if hi <= lo:
        return raw
    b = bytearray(raw)
    for _ in range(r.randint(1, 8)):
        i = r.randrange(lo, hi)
        b[i] = r.randrange(256) if r.random() < 0.5 else b[i] ^ (1 << r.randrange(8))
    return bytes(b)


def _header_len(raw):
    return struct.unpack("<Q", raw[:8])[0] if len(raw) >= 8 else 0


def m_flip_anywhere(raw, r):
    return _flip(raw, r)


def m_flip_header(raw, r):
    return _flip(raw, r, 8, min(len(raw), 8 + _header_len(raw)))


def m_flip_data(raw, r):
    return _flip(raw, r, min(len(raw), 8 + _header_len(raw)))


def m_truncate(raw, r):
    return raw[:r.randrange(len(raw) + 1)]


def m_append(raw, r):
    return raw + bytes(r.randrange(256) for _ in range(r.choice([1, 4, 8, 100])))


def m_length_field(raw, r):
    n = _header_len(raw)
    new = r.choice([n + 1, n - 1, n + 8, n - 8, 0, 1, 2, len(raw), len(raw) - 8, 2**63, 2**64 - 1, r.randrange(2**64)])
    return struct.pack("<Q", new % 2**64) + raw[8:]


def m_non_utf8(raw, r):
    n = _header_len(raw)
    if n < 2 or len(raw) < 8 + n:
        return raw
    b = bytearray(raw)
    i = r.randrange(8, 8 + n)
    b[i] = r.choice([0x80, 0xC3, 0xFF, 0xED, 0xF4])
    return bytes(b)


def _entries(header):
    return [k for k in header if k != "__metadata__"]


def _edit_one_entry(edit):
    """A mutation that rewrites one tensor entry of the header in place: edit(entry, data, r)."""
    def mutate(raw, r):
        parts = _split(raw)
        if not parts or not _entries(parts[0]):
            return raw
        header, data = parts
        e = header[r.choice(_entries(header))]
        if isinstance(e, dict):
            edit(e, data, r)
        return _join(header, data)

    mutate.__name__ = edit.__name__
    return mutate


@_edit_one_entry
def m_offsets(e, data, r):
    a, b = r.randrange(-3, len(data) + 9), r.randrange(-3, len(data) + 9)
    e["data_offsets"] = r.choice([[a, b], [min(a, b), max(a, b)], [a, a], _wild(r), [0, len(data)],
                                  [e.get("data_offsets", [0, 0])[0] + r.choice([-4, -1, 1, 4])] * 2])


def m_shift(raw, r):
    """Shift every tensor's offsets (a leading gap or an overlap) or shrink one (a hole)."""
    parts = _split(raw)
    if not parts:
        return raw
    header, data = parts
    d = r.choice([-4, -1, 1, 2, 4, 8])
    for k in _entries(header):
        offs = header[k].get("data_offsets") if isinstance(header[k], dict) else None
        if isinstance(offs, list) and len(offs) == 2 and r.random() < 0.7:
            header[k]["data_offsets"] = [offs[0] + d, offs[1] + d]
    return _join(header, data)


@_edit_one_entry
def m_dtype(e, data, r):
    e["dtype"] = r.choice(sorted(serialization._CODES) + ["F8_E4M3", "C64", "U64", "f32", "", "BOOL ", _wild(r)])


@_edit_one_entry
def m_shape(e, data, r):
    e["shape"] = r.choice([[], [0], [1] * 65, [2**40, 2**40], [0, 2**63], [-1], [1.0], [True], "3", [[2]],
                           _wild(r), [r.randrange(-1, 50) for _ in range(r.randrange(4))]])


def m_drop(raw, r):
    parts = _split(raw)
    if not parts or not parts[0]:
        return raw
    header, data = parts
    k = r.choice(list(header))
    if isinstance(header[k], dict) and header[k] and r.random() < 0.5:
        del header[k][r.choice(list(header[k]))]
    else:
        del header[k]
    return _join(header, data)


def m_duplicate_key(raw, r):
    parts = _split(raw)
    if not parts or not _entries(parts[0]):
        return raw
    header, data = parts
    k = r.choice(_entries(header))
    text = json.dumps(header)
    return _join(None, data, text[:-1] + f", {json.dumps(k)}: {json.dumps(header[k])}}}")


def m_deep(raw, r):
    parts = _split(raw)
    depth = r.choice([100, 1000, 5000, 100_000])
    deep = "[" * depth + "]" * depth
    if not parts:
        return _join(None, b"", '{"a": ' + deep + "}")
    header, data = parts
    where = r.choice(_entries(header) + ["__metadata__", "__new__"])
    text = json.dumps({k: v for k, v in header.items() if k != where})
    return _join(None, data, text[:-1] + (", " if len(text) > 2 else "") + f'"{where}": {deep}}}')


def _mutate_node(node, r, depth=0):
    """The tapegrad structure with one random node replaced."""
    if depth > 6 or r.random() < 0.3:
        return r.choice([_wild(r), {"__tensor__": _wild(r)}, {"__tensor__": "w", "device": _wild(r)},
                         {"__ndarray__": "ghost"}, {"__dict__": _wild(r)}, {"__tuple__": _wild(r)},
                         {"__dict__": [[_wild(r), 1]]}, {"what": 1}, {"__dict__": [], "_metadata": _wild(r)},
                         {"__tensor__": "i8", "requires_grad": True}, "[" * 3000 + "]" * 3000])
    if isinstance(node, list) and node:
        i = r.randrange(len(node))
        return node[:i] + [_mutate_node(node[i], r, depth + 1)] + node[i + 1:]
    if isinstance(node, dict) and node:
        k = r.choice(list(node))
        return {**node, k: _mutate_node(node[k], r, depth + 1)}
    return _wild(r)


def m_structure(raw, r):
    parts = _split(raw)
    if not parts or not isinstance(parts[0].get("__metadata__"), dict) or "tapegrad" not in parts[0]["__metadata__"]:
        return raw
    header, data = parts
    try:
        node = _mutate_node(json.loads(header["__metadata__"]["tapegrad"]), r)
    except (TypeError, ValueError, RecursionError):  # an earlier mutation broke it already
        return raw
    text = node if isinstance(node, str) and node.startswith("[[") else json.dumps(node)
    header["__metadata__"]["tapegrad"] = text
    return _join(header, data)


def m_metadata(raw, r):
    parts = _split(raw)
    if not parts:
        return raw
    header, data = parts
    header["__metadata__"] = r.choice([_wild(r), {"tapegrad.pickle": _wild(r)}, {"tapegrad.pickle": "2"},
                                       {"tapegrad": "{}", "tapegrad.pickle": "1"}, {"tapegrad.pickle": "1"}])
    return _join(header, data)


_OPCODES = b"()NQRbc}]ehtsuXKJ.\x80\x85\x86\x87\x88\x89\x8c\x93\x94q"


def m_pickle(raw, r):
    """Mutate the pickle of a pickled object (rebuilding the container, so the unpickler sees it)."""
    parts = _split(raw)
    if not parts or "pickle" not in parts[0]:
        return raw
    header, data = parts
    arrays = {}
    for k in _entries(header):
        start, end = header[k]["data_offsets"]
        arrays[k] = np.frombuffer(data[start:end], np.uint8)
    p = bytearray(arrays["pickle"].tobytes())
    for _ in range(r.randint(1, 4)):
        i = r.randrange(len(p))
        choice = r.random()
        if choice < 0.4:
            p[i] = r.choice(_OPCODES)
        elif choice < 0.7:
            p[i] = r.randrange(256)
        elif choice < 0.85:
            del p[i:i + r.randint(1, 8)]
        else:
            p[i:i] = bytes(r.choice(_OPCODES) for _ in range(r.randint(1, 4)))
    arrays["pickle"] = np.frombuffer(bytes(p), np.uint8)
    return b"".join(bytes(c) for c in serialization._layout(arrays, header["__metadata__"]))


MUTATORS = [m_flip_anywhere, m_flip_header, m_flip_data, m_truncate, m_append, m_length_field, m_non_utf8,
            m_offsets, m_shift, m_dtype, m_shape, m_drop, m_duplicate_key, m_deep, m_structure, m_metadata,
            m_pickle, m_pickle]


# ---------------------------------------------------------------------------- the fuzzer
def _touch(obj, depth=0):
    """Walk a loaded object, reading every array (a reader that accepted a bad layout could fail here)."""
    if depth > 200:
        return
    if isinstance(obj, ag.Tensor):
        obj = obj.array
    if isinstance(obj, np.ndarray):
        with np.errstate(all="ignore"):
            obj.sum()
    elif isinstance(obj, dict):
        for k, v in obj.items():
            _touch(k, depth + 1)
            _touch(v, depth + 1)
    elif isinstance(obj, (list, tuple, set, frozenset)):
        for v in obj:
            _touch(v, depth + 1)


def _verdict(raw):
    """None when load behaves (returns a sound object, or raises a clear error), else what went wrong."""
    try:
        out = ag.load(io.BytesIO(raw))
    except ValueError as err:
        return None if CLEAR.match(str(err)) else f"ValueError without the clear message: {err}"
    except pickle.UnpicklingError as err:
        return None if str(err).startswith("load: Weights only load failed") else f"UnpicklingError: {err}"
    except Exception as err:  # noqa: BLE001 (any other exception is what the fuzzer looks for)
        return f"{type(err).__name__}: {str(err)[:300]}"
    try:
        _touch(out)
    except Exception as err:  # noqa: BLE001 (the same, once loaded)
        return f"loaded an object that fails when read: {type(err).__name__}: {err}"
    if deserialize is not None:
        try:
            deserialize(raw)
        except SafetensorError as err:
            return f"loaded a file the safetensors library refuses ({err})"
    return None


def fuzz(cases, seed):
    """[(case number, mutations, problem)] over `cases` mutated files."""
    r = random.Random(seed)
    seeds = _seed_files()
    for raw in seeds:
        assert _verdict(raw) is None  # the seeds themselves load
    problems = []
    for case in range(cases):
        raw = r.choice(seeds)
        names = []
        for _ in range(r.choice([1, 1, 1, 2, 3])):
            m = r.choice(MUTATORS)
            names.append(m.__name__)
            try:
                raw = m(raw, r)
            except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError, struct.error):
                names[-1] += " (not applicable)"  # an earlier mutation left nothing for this one to work on
        problem = _verdict(raw)
        if problem is not None:
            problems.append((case, names, problem))
    return problems


def test_the_reader_only_loads_or_raises_its_clear_errors():
    problems = fuzz(CASES, SEED)
    assert problems == [], f"{len(problems)} of {CASES} cases misbehave, e.g. {problems[:5]}"


def test_the_fuzzer_finds_a_reader_without_the_coverage_check(monkeypatch):
    if deserialize is None:
        pytest.skip("the oracle for gaps and overlaps is the safetensors library")
    monkeypatch.setattr(serialization, "_check_coverage", lambda entries, data_len: None)
    problems = fuzz(600, SEED)
    assert any("the safetensors library refuses" in p for _, _, p in problems)


def test_the_fuzzer_finds_a_reader_that_lets_parser_errors_through(monkeypatch):
    monkeypatch.setattr(serialization, "_json", lambda raw, what, first=b"": json.loads(raw))
    problems = fuzz(600, SEED)
    kinds = {p.split(":")[0] for _, _, p in problems}
    assert {"RecursionError", "ValueError without the clear message"} <= kinds, kinds  # UnicodeDecodeError, ...


def test_the_fuzzer_finds_an_unpickler_that_lets_its_errors_through(monkeypatch):
    """The restricted unpickler without load()'s wrapping: corrupt pickles surface as the unpickler's exceptions."""
    def unwrapped(data, storages, codes, place, weights_only=True, pickle_module=None):
        loader = serialization_pickle._Loader(storages, codes, place, True)
        return serialization_pickle._WeightsUnpickler(io.BytesIO(data), loader).load()

    monkeypatch.setattr(serialization_pickle, "load", unwrapped)
    problems = fuzz(600, SEED)
    assert any(p.startswith(("UnpicklingError", "EOFError", "KeyError", "IndexError", "TypeError", "ValueError"))
               for _, _, p in problems), problems[:5]
