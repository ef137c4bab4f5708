"""Crash safety: a process saving checkpoints is killed with SIGKILL at random times; the file on disk is always whole.

A writer process alternately saves versions A and B (several tensors, megabytes) to one path and is killed, many
times; after each kill the file must load as exactly A or B (or be absent, before the first save completed), and
temporaries of killed saves must not pile up. The check is a helper run on the real save() and on a planted writer
that writes in place (no temporary file and rename), where it must find a broken file.
"""
import os
import random
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import autograd as ag

pytestmark = pytest.mark.skipif(os.name != "posix" or not hasattr(os, "fork"), reason="needs fork and SIGKILL")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KILLS = int(os.environ.get("TAPEGRAD_CRASH_KILLS", "30"))

# The writer: imports autograd once, then forks one saving process per "go <version>" line and reaps it on
# "reap <pid>" (so the pid the test kills is never reused before the kill). TAPEGRAD_CRASH_PLANT=in-place makes the
# saving processes write in place: the planted bug.
WRITER = '''
import os, sys
import numpy as np
import autograd as ag
from autograd import serialization

def version(v):
    n = 200_000 + 50_000 * v
    return {"version": v, "model": {f"layer{i}.weight": ag.tensor(np.full(n, 10 * v + i, np.float32))
                                    for i in range(4)}, "step": ag.tensor(np.arange(1000 * (v + 1)))}

def save_in_place(obj, path):
    with open(path, "wb") as fh:
        serialization._write_all(fh, serialization._encode_file(obj))

save = save_in_place if os.environ.get("TAPEGRAD_CRASH_PLANT") == "in-place" else ag.save
path = sys.argv[1]
versions = [version(0), version(1)]
print("ready", flush=True)
for line in sys.stdin:
    cmd, arg = line.split()
    if cmd == "go":
        pid = os.fork()
        if pid == 0:
            i = int(arg)
            while True:
                save(versions[i % 2], path)
                i += 1
        print(pid, flush=True)
    else:
        os.waitpid(int(arg), 0)
        print("reaped", flush=True)
'''


def _version(v):
    n = 200_000 + 50_000 * v
    return {"version": v, "model": {f"layer{i}.weight": np.full(n, 10 * v + i, np.float32) for i in range(4)},
            "step": np.arange(1000 * (v + 1))}


def _state(path, expected):
    """'absent', 'A', 'B', or 'bad: why' for the file at path."""
    if not path.exists():
        return "absent"
    try:
        got = ag.load(path)
    except ValueError as err:
        return f"bad: {err}"
    v = got.get("version")
    want = expected.get(v)
    if want is None or set(got["model"]) != set(want["model"]) or not all(
            np.array_equal(got["model"][k].array, want["model"][k]) for k in want["model"]) or not np.array_equal(
            got["step"].array, want["step"]):
        return f"bad: loads, but is neither version A nor B (version field {v!r})"
    return "AB"[v]


def _kill_runs(tmp_path, kills, plant=None):
    """The file's state after each of `kills` SIGKILLs of a saving process, and the temporaries seen after each."""
    path = tmp_path / "ckpt.safetensors"
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    env = dict(os.environ, PYTHONPATH=ROOT, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    env.pop("TAPEGRAD_CRASH_PLANT", None)
    if plant:
        env["TAPEGRAD_CRASH_PLANT"] = plant
    expected = {0: _version(0), 1: _version(1)}
    rng = random.Random(0)
    states, temps = [], []
    writer = subprocess.Popen([sys.executable, str(script), str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert writer.stdout.readline().strip() == "ready"
        for k in range(kills):
            writer.stdin.write(f"go {k % 2}\n")
            writer.stdin.flush()
            pid = int(writer.stdout.readline())
            time.sleep(rng.uniform(0.0, 0.03))
            os.kill(pid, signal.SIGKILL)
            writer.stdin.write(f"reap {pid}\n")
            writer.stdin.flush()
            assert writer.stdout.readline().strip() == "reaped"
            states.append(_state(path, expected))
            temps.append(sum(n.endswith(".tmp") for n in os.listdir(tmp_path)))
    finally:
        writer.stdin.close()
        try:
            writer.wait(timeout=30)
        except subprocess.TimeoutExpired:
            writer.kill()
            writer.wait()
    return states, temps


def test_killed_saves_always_leave_a_whole_checkpoint(tmp_path):
    states, temps = _kill_runs(tmp_path, KILLS)
    assert all(s in ("absent", "A", "B") for s in states), [s for s in states if s.startswith("bad")][:3]
    seen = "".join(s[0] for s in states).lstrip("a")
    assert "a" not in seen and {"A", "B"} <= set(seen), states  # absent only before the first save completed
    assert max(temps) <= 2, temps  # each save removes the temporaries its killed predecessors left
    ag.save({"done": True}, tmp_path / "ckpt.safetensors")
    assert sorted(os.listdir(tmp_path)) == ["ckpt.safetensors", "writer.py"]


def test_the_kill_check_finds_a_writer_that_writes_in_place(tmp_path):
    states, _ = _kill_runs(tmp_path, KILLS, plant="in-place")
    assert any(s.startswith("bad") for s in states), states
