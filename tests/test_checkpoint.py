"""Training checkpoints: resuming from a saved model, optimizer, scheduler and RNG states is bitwise exact."""
import random

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from autograd import serialization
from optim.lr_scheduler import StepLR

N, BATCH = 24, 8
_rng = np.random.default_rng(0)
X = ag.tensor(_rng.standard_normal((N, 4)).astype(np.float32))
Y = ag.tensor(_rng.standard_normal((N, 1)).astype(np.float32))


def _build(kind):
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 1))
    if kind == "adam":
        opt = optim.Adam(model.parameters(), lr=0.01)
    else:
        opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    return model, opt, StepLR(opt, step_size=1, gamma=0.5)


def _epoch(model, opt, sched):
    """One epoch: an autograd-seeded shuffle, dropout, and input noise from numpy's and Python's global RNGs."""
    model.train()
    perm = ag.randperm(N)
    for i in range(0, N, BATCH):
        idx = perm[i:i + BATCH]
        noise = ag.tensor(np.random.normal(0.0, 0.01, (len(idx), 4)).astype(np.float32)) * random.random()
        loss = ((model(X[idx] + noise) - Y[idx]) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    sched.step()


def _seed_all(seed):
    ag.manual_seed(seed)
    np.random.seed(seed)
    random.seed(seed)


@pytest.mark.parametrize("kind", ["adam", "sgd"])
def test_resume_is_bitwise_identical(tmp_path, kind):
    _seed_all(0)
    model, opt, sched = _build(kind)
    for _ in range(4):
        _epoch(model, opt, sched)
    straight = [p.array.copy() for p in model.parameters()]

    _seed_all(0)
    model, opt, sched = _build(kind)
    for _ in range(2):
        _epoch(model, opt, sched)
    path = tmp_path / "ckpt.safetensors"
    ag.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "scheduler": sched.state_dict(),
             "epoch": 2, "rng": serialization.rng_state()}, path)
    del model, opt, sched

    _seed_all(999)  # a different process: other initial weights, other random streams
    model, opt, sched = _build(kind)
    ckpt = ag.load(path)
    model.load_state_dict(ckpt["model"])
    opt.load_state_dict(ckpt["optimizer"])
    sched.load_state_dict(ckpt["scheduler"])
    serialization.set_rng_state_all(ckpt["rng"])
    for _ in range(ckpt["epoch"], 4):
        _epoch(model, opt, sched)
    resumed = [p.array for p in model.parameters()]

    assert len(resumed) == len(straight)
    for a, b in zip(straight, resumed):
        assert a.tobytes() == b.tobytes()
    assert sched.get_last_lr() == [opt.param_groups[0]["lr"]] and opt.param_groups[0]["lr"] == pytest.approx(
        (0.01 if kind == "adam" else 0.05) * 0.5 ** 4)


def test_resume_without_rng_state_diverges(tmp_path):
    """The control for the test above: the RNG states matter (dropout, shuffling, noise)."""
    _seed_all(0)
    model, opt, sched = _build("adam")
    for _ in range(4):
        _epoch(model, opt, sched)
    straight = [p.array.copy() for p in model.parameters()]
    _seed_all(0)
    model, opt, sched = _build("adam")
    for _ in range(2):
        _epoch(model, opt, sched)
    ckpt = {"model": model.state_dict(), "optimizer": opt.state_dict(), "scheduler": sched.state_dict()}
    ag.save(ckpt, tmp_path / "c.safetensors")
    _seed_all(1)
    model, opt, sched = _build("adam")
    ckpt = ag.load(tmp_path / "c.safetensors")
    model.load_state_dict(ckpt["model"])
    opt.load_state_dict(ckpt["optimizer"])
    sched.load_state_dict(ckpt["scheduler"])
    for _ in range(2):
        _epoch(model, opt, sched)
    assert any(a.tobytes() != b.array.tobytes() for a, b in zip(straight, model.parameters()))


def test_mismatched_checkpoint_changes_nothing(tmp_path):
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))
    other = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 2))  # last layer has another shape
    ag.save(other.state_dict(), tmp_path / "other.safetensors")
    before = {k: v.array.copy() for k, v in model.state_dict().items()}
    ckpt = ag.load(tmp_path / "other.safetensors")
    with pytest.raises(RuntimeError, match=r"size mismatch for 2.weight: copying a param with shape \(2, 16\)"):
        model.load_state_dict(ckpt)
    for k, v in model.state_dict().items():  # 0.weight and 0.bias matched, yet were not copied either
        np.testing.assert_array_equal(v.array, before[k])
    del ckpt["2.bias"]
    ckpt["2.weight"] = ag.zeros(1, 16)
    ckpt["extra"] = ag.zeros(1)
    with pytest.raises(RuntimeError, match=r'Missing key\(s\) in state_dict: "2.bias"'):
        model.load_state_dict(ckpt)
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v.array, before[k])


def test_mismatched_optimizer_checkpoint_changes_nothing(tmp_path):
    model, opt, sched = _build("adam")
    _epoch(model, opt, sched)
    small = nn.Linear(4, 1)
    other = optim.Adam(small.parameters(), lr=0.5)
    small(X).sum().backward()
    other.step()
    ag.save(other.state_dict(), tmp_path / "opt.safetensors")
    state_before = {id(p): {k: v.array.copy() for k, v in s.items()} for p, s in opt.state.items()}
    lr_before = opt.param_groups[0]["lr"]
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        opt.load_state_dict(ag.load(tmp_path / "opt.safetensors"))
    assert opt.param_groups[0]["lr"] == lr_before
    for p, s in opt.state.items():
        for k, v in s.items():
            np.testing.assert_array_equal(v.array, state_before[id(p)][k])
