"""Each example's smoke mode runs on every device and learns something; the full runs are recorded in the README."""
import importlib.util
import pathlib
import sysconfig

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples"
NEEDS_SKLEARN = {"train_digits", "seed_model", "cnn_digits", "regression", "hessian_newton", "gcn_sparse"}


def load(name):
    """Import examples/<name>.py as a module (examples/ is a folder of scripts, not a package)."""
    if name in NEEDS_SKLEARN:
        pytest.importorskip("sklearn", reason='the example reads data bundled with scikit-learn: '
                                              'pip install -e ".[examples]"')
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def smoke(name, device, *extra):
    return load(name).main(["--smoke", "--device", device, *extra])


def test_every_example_has_a_smoke_test():
    tested = {n[len("test_"):] for n in globals() if n.startswith("test_")}
    scripts = {p.stem for p in EXAMPLES.glob("*.py")}
    assert scripts <= tested, f"examples without a smoke test: {sorted(scripts - tested)}"


def test_train_digits(device):
    result = smoke("train_digits", device)
    assert result["accuracy"] > 0.85
    assert result["loss"] < 1.0


def test_seed_model(device):
    result = smoke("seed_model", device)
    assert result["final_loss"] < result["first_loss"]
    assert result["accuracy"] > 0.85


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cnn_digits(device, seed):
    result = smoke("cnn_digits", device, "--seed", str(seed))
    assert result["test_loss"] < 2.2  # below uniform guessing (ln 10 = 2.30) after two short epochs
    assert result["accuracy"] > 0.3


def test_regression(device):
    result = smoke("regression", device)
    assert result["linear_coef_gap"] < 1e-3  # L-BFGS lands on the least-squares solution
    assert result["linear_r2"] > 0.4
    assert result["final_loss"] < result["first_loss"]


def test_hessian_newton(device):
    result = smoke("hessian_newton", device)
    assert result["hvp_rel_error"] < 1e-6  # double backward agrees with finite differences (float64)
    assert result["newton_loss"] < 0.5
    assert result["accuracy"] > 0.8


def test_char_transformer(device):
    stdlib = pathlib.Path(sysconfig.get_paths()["stdlib"])
    if not (stdlib / "os.py").exists():
        pytest.skip(f"this Python has no standard-library sources under {stdlib} to learn from")
    result = smoke("char_transformer", device, "--prompt", "import ")
    assert result["val_loss"] < result["first_val_loss"] - 0.5
    assert result["sample"].startswith("import ") and len(result["sample"]) == len("import ") + 40


def test_examples_print_help(capsys):
    for path in sorted(EXAMPLES.glob("*.py")):
        with pytest.raises(SystemExit) as exc:
            load(path.stem).main(["--help"])
        assert exc.value.code == 0
        assert "--device" in capsys.readouterr().out


def test_gcn_sparse(device):
    result = smoke("gcn_sparse", device)
    assert result["final_loss"] < result["first_loss"]
    assert result["accuracy"] > 0.8  # 200 labelled nodes of 1797, 40 full-batch steps
