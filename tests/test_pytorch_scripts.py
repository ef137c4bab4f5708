"""The PyTorch scripts of examples/pytorch run unchanged on tapegrad (python -m autograd.as_torch) and, where their
randomness does not come from the framework, match PyTorch step by step when PyTorch is installed."""
import importlib.util
import math
import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "examples" / "pytorch"
HAVE_TORCH = importlib.util.find_spec("torch") is not None
_STEP = re.compile(r"^step (\d+) loss (\S+)", re.M)

# script -> (arguments of the comparison run, whether its losses are compared step by step). A script is compared
# when its only randomness is the initial weights (passed from the PyTorch run with --save-init/--init-from) and
# numpy-seeded data; the others draw from the framework's generator (dropout noise, VAE sampling, random batches),
# whose streams differ between the two frameworks, so they are run to the end and must learn.
CASES = {
    "gpt": ([], True),
    "word_lm": (["--dropout", "0"], True),
    "word_lm_gru": (["--dropout", "0", "--model", "GRU"], True),
    "cnn_adadelta": (["--dropout", "0", "--shuffle", "0"], True),
    "vae": ([], False),
    "lbfgs_curve_fit": ([], True),
    "makemore_mlp": ([], False),
    "transformer_classifier": (["--dropout", "0"], True),
    "bigram": ([], True),
    "mlp_module_tour": ([], True),
    "regression_extras": ([], True),
    "spectrogram_classifier": ([], True),
    "gan_spectral_norm": ([], True),
}
# relative tolerance per step: float32 sums in another order drift apart slowly as training goes on
RTOL = {"lbfgs_curve_fit": 1e-6, "regression_extras": 1e-7}
# L-BFGS steps are 20 line-searched iterations each: float64 rounding differences of 1e-16 grow about 100x a step
# (1e-10 relative by step 2, 3e-5 by step 4), so only its first steps can agree closely
COMPARED_STEPS = {"lbfgs_curve_fit": 4}
COMPARED_STEPS["spectrogram_classifier"] = 30  # its loss (with a Student-t log-density) crosses 0 after step 30


def _script(case):
    return SCRIPTS / f"{case.removesuffix('_gru')}.py"


def _run(cmd, tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    losses = [float(v) for _, v in _STEP.findall(proc.stdout)]
    assert losses and all(math.isfinite(v) for v in losses), proc.stdout[-2000:]
    return losses


def test_every_script_has_a_case():
    assert {p.stem for p in SCRIPTS.glob("*.py")} == {_script(c).stem for c in CASES}


@pytest.mark.parametrize("case", sorted(CASES))
def test_script_runs_unchanged_and_matches_pytorch(case, tmp_path):
    if "sklearn" in _script(case).read_text() and importlib.util.find_spec("sklearn") is None:
        pytest.skip('the script reads data bundled with scikit-learn: pip install -e ".[examples]"')
    args, compared = CASES[case]
    ours_cmd = [sys.executable, "-m", "autograd.as_torch", str(_script(case)), *args]
    if not HAVE_TORCH:
        ours = _run(ours_cmd, tmp_path)
        assert len(ours) >= 10
        return
    init = tmp_path / "init.npz"
    theirs = _run([sys.executable, str(_script(case)), *args, *(["--save-init", str(init)] if compared else [])],
                  tmp_path)
    ours = _run(ours_cmd + (["--init-from", str(init)] if compared else []), tmp_path)
    assert len(ours) == len(theirs)
    if compared:
        rtol = RTOL.get(case, 2e-4)
        for step, (a, b) in enumerate(zip(ours[:COMPARED_STEPS.get(case)], theirs)):
            assert abs(a - b) <= rtol * abs(b) + 1e-7, f"{case}: step {step}: tapegrad {a} vs PyTorch {b}"
