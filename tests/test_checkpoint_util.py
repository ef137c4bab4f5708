"""Activation checkpointing (torch.utils.checkpoint): same values and gradients as the plain run, RNG, errors."""
import contextlib
import pathlib
import subprocess
import sys
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
from autograd import grad_checkpoint as C

VARIANTS = (True, False)


def _net():
    ag.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5), nn.Tanh(), nn.Linear(8, 6), nn.ReLU(), nn.Linear(6, 3))


def _grads(net, x, fn):
    for p in net.parameters():
        p.grad = None
    x.grad = None
    ag.manual_seed(1)  # the same dropout masks in every run
    y = fn(x)
    (y ** 2).sum().backward()
    return y.detach().numpy(), [x.grad.numpy().copy()] + [p.grad.numpy().copy() for p in net.parameters()]


@pytest.mark.parametrize("use_reentrant", VARIANTS)
def test_values_and_gradients_equal_the_plain_run_with_dropout(use_reentrant):
    net = _net()
    x = ag.randn(5, 4, requires_grad=True)
    y_ref, g_ref = _grads(net, x, net)
    for fn in (lambda x: C.checkpoint(net, x, use_reentrant=use_reentrant),
               lambda x: C.checkpoint_sequential(net, 3, x, use_reentrant=use_reentrant),
               lambda x: C.checkpoint_sequential(list(net.children()), 2, x, use_reentrant=use_reentrant)):
        y, g = _grads(net, x, fn)
        np.testing.assert_array_equal(y, y_ref)
        for a, b in zip(g, g_ref):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("use_reentrant", VARIANTS)
def test_gradients_match_torch(use_reentrant):
    torch = pytest.importorskip("torch")
    from torch.utils import checkpoint as tc
    rng = np.random.default_rng(0)
    w1, w2 = rng.standard_normal((4, 3)), rng.standard_normal((3, 2))
    xv = rng.standard_normal((5, 4))

    def run(lib, ck):
        a, b = lib.tensor(w1, requires_grad=True), lib.tensor(w2, requires_grad=True)
        x = lib.tensor(xv, requires_grad=True)
        y = ck(lambda t: (t @ a).tanh() @ b, x, use_reentrant=use_reentrant)
        (y.sin().sum()).backward()
        return [t.grad.numpy() for t in (x, a, b)] + [y.detach().numpy()]

    for ours, ref in zip(run(ag, C.checkpoint), run(torch, tc.checkpoint)):
        np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-12)


def test_recompute_runs_in_backward_and_forward_keeps_no_graph():
    calls = []

    def f(t):
        calls.append(ag.is_grad_enabled())
        return t.exp() * 2

    x = ag.tensor([0.5, 1.0], requires_grad=True)
    y = C.checkpoint(f, x, use_reentrant=True)
    assert calls == [False] and y.requires_grad
    y.sum().backward()
    assert calls == [False, True]
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.exp([0.5, 1.0]), rtol=1e-6)


def test_non_reentrant_supports_kwargs_autograd_grad_and_double_backward():
    a = ag.tensor([0.3, -0.7], dtype=ag.float64, requires_grad=True)
    s = ag.tensor(2.0, dtype=ag.float64, requires_grad=True)
    y = C.checkpoint(lambda t, scale=None: (t * scale).sin(), a, use_reentrant=False, scale=s)
    ga, gs = ag.grad(y.sum(), [a, s], create_graph=True)
    av, sv = np.array([0.3, -0.7]), 2.0
    np.testing.assert_allclose(ga.detach().numpy(), sv * np.cos(av * sv))
    np.testing.assert_allclose(gs.detach().numpy(), (av * np.cos(av * sv)).sum())
    (gga,) = ag.grad(ga.sum(), a)
    np.testing.assert_allclose(gga.numpy(), -sv ** 2 * np.sin(av * sv))
    assert a.grad is None and s.grad is None  # grad() accumulated nothing


def test_reentrant_refuses_create_graph():
    a = ag.tensor([0.3, -0.7], requires_grad=True)
    y = C.checkpoint(lambda t: t.sin(), a, use_reentrant=True)
    with pytest.raises(RuntimeError, match="use_reentrant=True does not support create_graph=True"):
        y.sum().backward(create_graph=True)


def test_non_reentrant_reaches_parameters_through_autograd_grad():
    lin = nn.Linear(3, 2)
    x = ag.randn(4, 3)  # no input requires grad: the parameters still get gradients
    y = C.checkpoint(lin, x, use_reentrant=False)
    assert y.requires_grad
    gw, = ag.grad(y.sum(), [lin.weight])
    np.testing.assert_allclose(gw.numpy(), np.tile(x.numpy().sum(0), (2, 1)), rtol=1e-6)


def test_multiple_outputs_and_non_tensor_arguments():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    for r in VARIANTS:
        x.grad = None
        a, b = C.checkpoint(lambda t, k: (t * k, t.square()), x, 3.0, use_reentrant=r)
        b.sum().backward()  # a receives no gradient
        np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])


def test_preserve_rng_state_false_draws_new_masks():
    net = nn.Dropout(0.5)
    x = ag.ones(200, requires_grad=True)
    ag.manual_seed(3)
    y = C.checkpoint(net, x, use_reentrant=True, preserve_rng_state=False)
    y.sum().backward()
    mask_fwd = y.detach().numpy() != 0
    mask_bwd = x.grad.numpy() != 0
    assert not np.array_equal(mask_fwd, mask_bwd)  # recomputed with other random draws


def test_rng_state_after_backward_is_not_rewound():
    x = ag.ones(10, requires_grad=True)
    ag.manual_seed(4)
    y = C.checkpoint(nn.Dropout(0.5), x, use_reentrant=False)
    state = ag.get_rng_state()
    y.sum().backward()
    np.testing.assert_array_equal(ag.rand(3).numpy(), (ag.set_rng_state(state), ag.rand(3))[1].numpy())


def test_use_reentrant_warning_and_errors():
    x = ag.ones(2, requires_grad=True)
    with pytest.warns(UserWarning, match="the use_reentrant parameter should be passed explicitly"):
        C.checkpoint(lambda t: t * 2, x)
    with pytest.warns(UserWarning, match="checkpoint_sequential: the use_reentrant parameter"):
        C.checkpoint_sequential([nn.Tanh()], 1, x)
    with pytest.raises(ValueError, match="Unexpected keyword arguments: k"):
        C.checkpoint(lambda t, k=1: t, x, use_reentrant=True, k=2)
    with pytest.raises(ValueError, match="Unexpected keyword arguments: k"):
        C.checkpoint_sequential([nn.Tanh()], 1, x, use_reentrant=False, k=2)
    with pytest.raises(ValueError, match="`context_fn` or `debug` is only supported when use_reentrant=False"):
        C.checkpoint(lambda t: t, x, use_reentrant=True, debug=True)
    with pytest.raises(ValueError, match=r"determinism_check should be one of \['default', 'none'\], but got x"):
        C.checkpoint(lambda t: t * 2, x, use_reentrant=False, determinism_check="x")
    with pytest.warns(UserWarning, match="None of the inputs have requires_grad=True"):
        y = C.checkpoint(lambda t: t * 2, ag.ones(2), use_reentrant=True)
    assert not y.requires_grad


def test_determinism_check_catches_a_different_recomputation():
    calls = []

    def f(t):
        calls.append(1)
        return t * 2 if len(calls) == 1 else t.sum() * 2

    x = ag.ones(3, requires_grad=True)
    y = C.checkpoint(f, x, use_reentrant=False)
    with pytest.raises(C.CheckpointError, match="different metadata"):
        y.sum().backward()
    assert issubclass(C.CheckpointError, RuntimeError)


def test_in_place_change_of_an_input_after_forward_is_refused():
    for r in VARIANTS:
        x = ag.ones(3, requires_grad=True) * 1
        y = C.checkpoint(lambda t: t.exp(), x, use_reentrant=r)
        with ag.no_grad():
            x.add_(1)
        with pytest.raises(RuntimeError, match="modified by an in-place operation"):
            y.sum().backward()


def test_context_fn_wraps_forward_and_recomputation():
    seen = []

    @contextlib.contextmanager
    def mark(name):
        seen.append(name)
        yield

    x = ag.ones(2, requires_grad=True)
    y = C.checkpoint(lambda t: t * 3, x, use_reentrant=False, context_fn=lambda: (mark("fwd"), mark("re")))
    y.sum().backward()
    assert seen == ["fwd", "re"]


def test_under_no_grad_it_just_runs():
    x = ag.ones(2, requires_grad=True)
    with ag.no_grad():
        for r in VARIANTS:
            assert C.checkpoint(lambda t: t * 2, x, use_reentrant=r).grad_fn is None


def test_detach_variable_and_torch_path_and_signatures():
    a = ag.ones(2, requires_grad=True) * 2
    d, k = C.detach_variable((a, 3))
    assert d.grad_fn is None and d.requires_grad and k == 3
    with pytest.raises(RuntimeError, match="Only tuple of tensors is supported"):
        C.detach_variable([a])
    pytest.importorskip("torch")
    import inspect
    from torch.utils import checkpoint as tc
    for name in ("checkpoint", "checkpoint_sequential"):
        ours, ref = inspect.signature(getattr(C, name)), inspect.signature(getattr(tc, name))
        assert list(ours.parameters) == list(ref.parameters)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert C.noop_context_fn()[0].__enter__() is None


def test_the_torch_import_route_reaches_the_new_modules():
    code = ("import autograd.as_torch as torch\n"
            "from torch.utils.checkpoint import checkpoint, checkpoint_sequential\n"
            "from torch.optim.swa_utils import AveragedModel, SWALR, update_bn\n"
            "from torch.nn.modules.module import register_module_full_backward_hook\n"
            "import torch.testing\n"
            "x = torch.ones(2, requires_grad=True)\n"
            "y = checkpoint(lambda t: t * 3, x, use_reentrant=False)\n"
            "y.sum().backward()\n"
            "torch.testing.assert_close(x.grad, torch.full((2,), 3.0))\n"
            "torch.set_printoptions(precision=2)\n"
            "assert repr(torch.tensor([1.5])) == 'tensor([1.50])'\n"
            "torch.use_deterministic_algorithms(True)\n"
            "assert torch.are_deterministic_algorithms_enabled()\n"
            "assert torch.optim.swa_utils.AveragedModel is AveragedModel\n")
    root = pathlib.Path(__file__).resolve().parents[1]
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("how", ["grad", "backward-inputs"])
def test_reentrant_refuses_autograd_grad_and_backward_inputs_and_changes_no_grad(how):
    net = _net()
    x = ag.randn(2, 4, requires_grad=True)
    y = C.checkpoint(net, x, use_reentrant=True).sum()
    with pytest.raises(RuntimeError, match="incompatible with .grad\\(\\) or passing an `inputs` parameter"):
        if how == "grad":
            ag.grad(y, [x])
        else:
            y.backward(inputs=[x])
    assert all(p.grad is None for p in net.parameters())
