"""The packages' imports run one way: no cycles, autograd never imports nn/optim, no late imports or placeholders."""
import ast
import importlib
import pathlib
import pkgutil

import pytest

from tests import import_graph as ig

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGES = ("autograd", "nn", "optim")


def test_no_import_cycles():
    assert ig.cycles(ig.graph(ROOT, PACKAGES)) == []


def test_autograd_imports_neither_nn_nor_optim():
    g = ig.graph(ROOT, PACKAGES)
    arrows = sorted(f"{m} -> {t}" for m, ts in g.items() if m.split(".")[0] == "autograd" for t in ts
                    if t.split(".")[0] in ("nn", "optim"))
    assert arrows == []


def test_imports_inside_functions_only_for_optional_dependencies():
    assert ig.function_level_imports(ROOT, PACKAGES) == []


def test_no_module_fills_in_another_modules_names():
    assert ig.module_patches(ROOT, PACKAGES) == []


@pytest.mark.parametrize("package", PACKAGES + ("autograd.ops", "autograd.data", "autograd.distributed"))
def test_no_module_is_shadowed_by_a_same_named_attribute(package):
    pkg = importlib.import_module(package)
    shadowed = []
    for info in pkgutil.iter_modules(pkg.__path__):
        if f"{package}.{info.name}" == "autograd.as_torch":
            continue  # importing it re-routes `torch` for the whole process: tests/test_as_torch.py runs it apart
        mod = importlib.import_module(f"{package}.{info.name}")
        if getattr(pkg, info.name, mod) is not mod:
            shadowed.append(f"{package}.{info.name} is {type(getattr(pkg, info.name)).__name__}")
    assert shadowed == []


def _cupy_importers(root):
    """The modules under root's packages, other than autograd/backend.py, with an import of cupy or cupyx."""
    found = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                    [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                if any(n.split(".")[0] in ("cupy", "cupyx") for n in names):
                    found.append(str(path.relative_to(root)))
    return sorted(set(found) - {"autograd/backend.py"})


def test_only_the_backend_imports_cupy():
    assert _cupy_importers(ROOT) == []


def test_a_cupy_import_elsewhere_is_found(tmp_path):
    root = _plant(tmp_path, {"autograd/backend.py": "import cupy\n",
                             "autograd/ops/x.py": "def f():\n    import cupyx.scipy.special  # optional dependency\n"})
    assert _cupy_importers(root) == ["autograd/ops/x.py"]


def _plant(tmp_path, files):
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_a_planted_cycle_is_found(tmp_path):
    root = _plant(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "from . import b\n",
        "pkg/b.py": "from .c import thing\n",
        "pkg/c.py": "import pkg.a\nthing = 1\n",
        "pkg/d.py": "from . import a\n",  # points into the cycle, not part of it
    })
    assert ig.cycles(ig.graph(root, ("pkg",))) == [["pkg.a", "pkg.b", "pkg.c"]]


def test_a_cycle_closed_inside_a_function_is_found_too(tmp_path):
    root = _plant(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/low.py": "def f():\n    from .high import g\n    return g\n",
        "pkg/high.py": "from .low import f\n",
    })
    assert ig.cycles(ig.graph(root, ("pkg",))) == [["pkg.high", "pkg.low"]]
    assert ig.function_level_imports(root, ("pkg",)) == ["pkg/low.py:2: .high"]


def test_an_arrow_from_autograd_to_nn_is_found(tmp_path):
    root = _plant(tmp_path, {"autograd/__init__.py": "", "autograd/x.py": "import nn.layers\n",
                             "nn/__init__.py": "", "nn/layers.py": ""})
    assert ig.graph(root, ("autograd", "nn"))["autograd.x"] == {"nn.layers"}


def test_optional_imports_need_their_comment(tmp_path):
    root = _plant(tmp_path, {"pkg/__init__.py": "", "pkg/m.py": (
        "def f():\n    import scipy  # optional dependency\n\ndef g():\n    import scipy\n\ndef h():\n"
        "    import json  # optional dependency\n")})
    assert ig.function_level_imports(root, ("pkg",)) == ["pkg/m.py:5: scipy", "pkg/m.py:8: json"]


def test_a_placeholder_filled_in_from_another_module_is_found(tmp_path):
    root = _plant(tmp_path, {"pkg/__init__.py": "", "pkg/engine.py": "Tensor = None\n",
                             "pkg/tensor.py": "from . import engine\nclass Tensor: pass\nengine.Tensor = Tensor\n"})
    assert ig.module_patches(root, ("pkg",)) == ["pkg/tensor.py:3: engine.Tensor"]
