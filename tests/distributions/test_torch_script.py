"""A PyTorch-idiom VAE-style script (reparameterised ELBO with torch.distributions) runs unchanged on tapegrad
through autograd.as_torch, and its deterministic quantities match PyTorch's."""
import math
import os
import pathlib
import re
import subprocess
import sys
import textwrap

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = textwrap.dedent('''
    import numpy as np
    import torch
    import torch.nn as nn
    from torch.distributions import Bernoulli, Independent, Normal, kl_divergence

    rng = np.random.default_rng(0)
    X = torch.tensor((rng.random((64, 8)) > 0.5).astype(np.float32))
    EPS = torch.tensor(rng.normal(size=(64, 2)).astype(np.float32))
    enc, dec = nn.Linear(8, 4), nn.Linear(2, 8)
    with torch.no_grad():
        enc.weight.copy_(torch.tensor(rng.normal(size=(4, 8)).astype(np.float32) * 0.3))
        dec.weight.copy_(torch.tensor(rng.normal(size=(8, 2)).astype(np.float32) * 0.3))
        enc.bias.zero_()
        dec.bias.zero_()
    prior = Independent(Normal(torch.zeros(2), torch.ones(2)), 1)


    def loss_fn(x, z=None):
        h = enc(x)
        q = Independent(Normal(h[:, :2], h[:, 2:].exp()), 1)
        if z is None:
            z = q.rsample()
        likelihood = Independent(Bernoulli(logits=dec(z)), 1)
        return (-likelihood.log_prob(x) + kl_divergence(q, prior)).mean(), q


    h = enc(X)
    fixed_z = h[:, :2] + h[:, 2:].exp() * EPS  # the reparameterisation with the noise fixed
    loss, q = loss_fn(X, fixed_z)
    loss.backward()
    print("fixed loss", loss.item())
    print("kl", kl_divergence(q, prior).sum().item())
    print("entropy", q.entropy().sum().item())
    print("grad", enc.weight.grad.pow(2).sum().sqrt().item())
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=0.02)
    for step in range(150):
        opt.zero_grad()
        loss, _ = loss_fn(X)
        loss.backward()
        opt.step()
        if step in (0, 149):
            print("step", step, "loss", loss.item())
''')
_LINE = re.compile(r"^(fixed loss|kl|entropy|grad|step \d+ loss) (\S+)$", re.M)


def _run(cmd, tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    values = {k: float(v) for k, v in _LINE.findall(proc.stdout)}
    assert all(math.isfinite(v) for v in values.values()) and len(values) == 6, proc.stdout
    return values


def test_vae_script_runs_on_tapegrad_and_matches_torch(tmp_path):
    path = tmp_path / "vae_elbo.py"
    path.write_text(SCRIPT)
    ours = _run([sys.executable, "-m", "autograd.as_torch", str(path)], tmp_path)
    assert ours["step 149 loss"] < ours["step 0 loss"] - 0.3  # it learns
    pytest.importorskip("torch")
    theirs = _run([sys.executable, str(path)], tmp_path)
    for key in ("fixed loss", "kl", "entropy", "grad"):
        assert ours[key] == pytest.approx(theirs[key], rel=1e-5), key
    assert theirs["step 149 loss"] < theirs["step 0 loss"] - 0.3
    assert ours["step 149 loss"] == pytest.approx(theirs["step 149 loss"], rel=0.1)
