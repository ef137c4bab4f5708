"""Every registered op: forward against numpy, gradcheck and gradgradcheck in float64."""
import importlib
import pathlib

import numpy as np
import pytest

import autograd as ag
from tests.ops.registry import arrays

CASES = []
for _path in sorted(pathlib.Path(__file__).parent.glob("cases_*.py")):
    CASES += importlib.import_module(f"tests.ops.{_path.stem}").CASES
IDS = [c.name for c in CASES]


def _as_list(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


def test_registry_names_are_unique():
    assert len(IDS) == len(set(IDS)), [n for n in IDS if IDS.count(n) > 1]


@pytest.mark.parametrize("case", [c for c in CASES if c.ref is not None], ids=[c.name for c in CASES if c.ref is not None])
def test_forward_matches_numpy(case):
    inputs = case.inputs()
    got = _as_list(case.fn(*inputs))
    want = _as_list(case.ref(*arrays(inputs)))
    assert len(got) == len(want)
    for g, w in zip(got, want):
        w = np.asarray(w)
        assert tuple(g.shape) == w.shape, (g.shape, w.shape)
        np.testing.assert_allclose(g.data.astype(np.float64) if g.dtype.kind in "fiub" else g.data,
                                   w.astype(np.float64) if w.dtype.kind in "fiub" else w, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("case", [c for c in CASES if c.grad], ids=[c.name for c in CASES if c.grad])
def test_gradcheck(case):
    assert ag.gradcheck(case.fn, case.inputs(), atol=case.atol, rtol=case.rtol)


@pytest.mark.parametrize("case", [c for c in CASES if c.grad and c.gradgrad],
                         ids=[c.name for c in CASES if c.grad and c.gradgrad])
def test_gradgradcheck(case):
    assert ag.gradgradcheck(case.fn, case.inputs(), atol=case.atol, rtol=case.rtol)
