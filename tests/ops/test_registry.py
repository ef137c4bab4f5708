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
        np.testing.assert_allclose(g.array.astype(np.float64) if g.dtype.kind in "fiub" else g.array,
                                   w.astype(np.float64) if w.dtype.kind in "fiub" else w, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("case", [c for c in CASES if c.grad], ids=[c.name for c in CASES if c.grad])
def test_gradcheck(case):
    assert ag.gradcheck(case.fn, case.inputs(), atol=case.atol, rtol=case.rtol)


@pytest.mark.parametrize("case", [c for c in CASES if c.grad and c.gradgrad],
                         ids=[c.name for c in CASES if c.grad and c.gradgrad])
def test_gradgradcheck(case):
    assert ag.gradgradcheck(case.fn, case.inputs(), atol=case.atol, rtol=case.rtol)


def _run(case, inputs):
    outs = [o for o in _as_list(case.fn(*inputs)) if isinstance(o, ag.Tensor)]
    diff = [o for o in outs if o.requires_grad]
    leaves = [x for x in inputs if isinstance(x, ag.Tensor) and x.requires_grad]
    grads = []
    if diff and leaves:
        gos = [ag.ones_like(o) for o in diff]
        grads = ag.grad(diff, leaves, grad_outputs=gos, allow_unused=True)
    return outs, grads


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_same_results_on_the_gpu_backend(case, stand_in):
    """Forward and gradients on "cuda" (the cupy stand-in in CI) equal the CPU's."""
    cpu_inputs = case.inputs()
    gpu_inputs = [x.detach().to("cuda").requires_grad_(x.requires_grad) if isinstance(x, ag.Tensor) else x
                  for x in case.inputs()]
    cpu_outs, cpu_grads = _run(case, cpu_inputs)
    gpu_outs, gpu_grads = _run(case, gpu_inputs)
    if case.random:  # a GPU draws from its own stream: check placement and that reseeding repeats the draw
        again_outs, again_grads = _run(case, gpu_inputs)
        for a, b in zip(gpu_outs + list(gpu_grads), again_outs + list(again_grads)):
            if a is None:
                assert b is None
                continue
            assert a.device == "cuda"
            np.testing.assert_array_equal(a.detach().cpu().numpy(), b.detach().cpu().numpy())
        return
    for c, g in zip(cpu_outs, gpu_outs):
        assert g.device == "cuda"
        np.testing.assert_allclose(g.detach().cpu().numpy(), c.detach().numpy(), rtol=1e-6, atol=1e-9)
    for c, g in zip(cpu_grads, gpu_grads):
        if c is None:
            assert g is None
            continue
        assert g.device == "cuda"
        np.testing.assert_allclose(g.detach().cpu().numpy(), c.detach().numpy(), rtol=1e-6, atol=1e-9)
