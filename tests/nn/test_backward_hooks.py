"""Layer full backward hooks and pre-hooks (per layer and global), checked against numpy and PyTorch."""
import pathlib
import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
from nn import module as nn_module


class Two(nn.Module):
    def forward(self, a, b, scale=1.0):
        return a * 2 * scale, b * 3


class Scale(nn.Module):
    def forward(self, a, s):
        return a * s


def _linear(seed=0):
    lin = nn.Linear(3, 2)
    rng = np.random.default_rng(seed)
    with ag.no_grad():
        lin.weight.copy_(ag.tensor(rng.standard_normal((2, 3)).astype(np.float32)))
        lin.bias.copy_(ag.tensor(rng.standard_normal(2).astype(np.float32)))
    return lin


def test_linear_hook_sees_input_and_output_gradients():
    lin = _linear()
    log = []
    lin.register_full_backward_hook(lambda m, gi, go: log.append((m, gi, go)))
    x = ag.tensor(np.arange(6, dtype=np.float32).reshape(2, 3), requires_grad=True)
    (lin(x) * ag.tensor([[1.0, 2.0]])).sum().backward()
    (m, gi, go), = log
    assert m is lin and len(gi) == 1 and len(go) == 1
    gy = np.array([[1.0, 2.0], [1.0, 2.0]], np.float32)
    np.testing.assert_allclose(go[0].numpy(), gy)
    np.testing.assert_allclose(gi[0].numpy(), gy @ lin.weight.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(x.grad.numpy(), gi[0].numpy())


def test_hook_result_replaces_grad_input_and_pre_hook_replaces_grad_output():
    lin = _linear()
    lin.register_full_backward_hook(lambda m, gi, go: (gi[0] * 0 + 7,))
    x = ag.ones(1, 3, requires_grad=True)
    lin(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full((1, 3), 7.0))

    lin2 = _linear()
    seen = []
    lin2.register_full_backward_pre_hook(lambda m, go: (go[0] * 10,))
    lin2.register_full_backward_hook(lambda m, gi, go: seen.append(go[0].numpy()))
    x = ag.ones(1, 3, requires_grad=True)
    lin2(x).sum().backward()
    np.testing.assert_allclose(lin2.weight.grad.numpy(), np.full((2, 3), 10.0))
    np.testing.assert_allclose(x.grad.numpy(), 10 * lin2.weight.detach().numpy().sum(0, keepdims=True), rtol=1e-6)
    np.testing.assert_array_equal(seen[0], np.full((1, 2), 10.0))  # the hook sees the replaced grad_output


def test_positions_none_for_non_tensors_and_zeros_for_inputs_without_grad():
    log = []
    m = Two()
    m.register_full_backward_hook(lambda mod, gi, go: log.append((gi, go)))
    a, b = ag.ones(2, requires_grad=True), ag.ones(2)
    o1, o2 = m(a, b)
    assert o2.grad_fn is None and not o2.requires_grad
    o1.sum().backward()
    (gi, go), = log
    np.testing.assert_array_equal(gi[0].numpy(), [2.0, 2.0])
    np.testing.assert_array_equal(gi[1].numpy(), [0.0, 0.0])  # as in PyTorch: materialized zeros
    assert go[1] is None and np.array_equal(go[0].numpy(), [1.0, 1.0])  # an unused output's gradient is None
    log.clear()
    s = Scale()
    s.register_full_backward_hook(lambda mod, gi, go: log.append((gi, go)))
    s(a, 3.0).sum().backward()
    (gi, go), = log
    assert gi[1] is None and np.array_equal(gi[0].numpy(), [3.0, 3.0])


def test_hook_runs_once_per_call_and_order_and_prepend_and_remove():
    lin = nn.Linear(2, 2)
    order = []
    h1 = lin.register_full_backward_hook(lambda *a: order.append("a"))
    lin.register_full_backward_hook(lambda *a: order.append("b"))
    lin.register_full_backward_hook(lambda *a: order.append("first"), prepend=True)
    lin.register_full_backward_pre_hook(lambda *a: order.append("pre"))
    lin.register_full_backward_pre_hook(lambda *a: order.append("pre0"), prepend=True)
    x = ag.ones(1, 2, requires_grad=True)
    lin(x).sum().backward()
    assert order == ["pre0", "pre", "first", "a", "b"]
    order.clear()
    lin(lin(x)).sum().backward()  # two calls: the hooks run for each
    assert order.count("a") == 2
    h1.remove()
    order.clear()
    lin(x).sum().backward()
    assert "a" not in order
    with lin.register_full_backward_hook(lambda *a: order.append("ctx")):
        pass
    lin(x).sum().backward()
    assert "ctx" not in order


def test_global_hooks_run_before_the_layer_own_and_can_be_removed():
    lin = nn.Linear(2, 2)
    order = []
    lin.register_full_backward_hook(lambda m, gi, go: order.append(("own", m)))
    h = nn_module.register_module_full_backward_hook(lambda m, gi, go: order.append(("global", m)))
    hp = nn_module.register_module_full_backward_pre_hook(lambda m, go: order.append(("gpre", m)))
    try:
        seq = nn.Sequential(lin)
        seq(ag.ones(1, 2, requires_grad=True)).sum().backward()
    finally:
        h.remove()
        hp.remove()
    assert order == [("gpre", seq), ("gpre", lin), ("global", lin), ("own", lin), ("global", seq)]
    order.clear()
    nn.Linear(2, 2)(ag.ones(1, 2, requires_grad=True)).sum().backward()
    assert order == []


def test_no_input_requires_grad_fires_from_the_outputs_with_a_warning():
    lin = nn.Linear(3, 1)
    log = []
    lin.register_full_backward_hook(lambda m, gi, go: log.append((gi, go)))
    with pytest.warns(UserWarning, match="no inputs require gradients"):
        lin(ag.ones(1, 3)).sum().backward()
    (gi, go), = log
    assert gi == (None,) and go[0].shape == (1, 1)
    lin2 = nn.Linear(3, 1)
    lin2.register_full_backward_hook(lambda m, gi, go: (ag.ones(1, 3),))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RuntimeError, match="no input requires gradient should always return None"):
            lin2(ag.ones(1, 3)).sum().backward()


def test_wrong_lengths_raise_as_torch():
    lin = nn.Linear(3, 1)
    h = lin.register_full_backward_hook(lambda m, gi, go: (None, None))
    x = ag.ones(1, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match="invalid number of grad_input, got 2, but expected 1"):
        lin(x).sum().backward()
    h.remove()
    lin.register_full_backward_pre_hook(lambda m, go: (go[0], go[0]))
    with pytest.raises(RuntimeError, match="invalid number of grad_output, got 2, but expected 1"):
        lin(x).sum().backward()


def test_in_place_on_wrapped_tensors_is_refused():
    relu = nn.ReLU(inplace=True)
    relu.register_full_backward_hook(lambda *a: None)
    x = ag.ones(2, requires_grad=True) * 1
    with pytest.raises(RuntimeError, match="Output 0 of BackwardHookFunction is a view and is being modified"):
        relu(x)
    np.testing.assert_array_equal(x.detach().numpy(), [1.0, 1.0])
    lin = nn.Linear(2, 1)
    lin.register_full_backward_hook(lambda *a: None)
    out = lin(ag.ones(1, 2, requires_grad=True))
    with pytest.raises(RuntimeError, match="modified inplace"):
        out += 1
    with ag.no_grad():  # outside the tape, as in PyTorch, it is allowed
        out.add_(1)


def test_custom_function_returning_its_input_refuses_in_place():
    class Ident(ag.Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    y = Ident.apply(ag.ones(2, requires_grad=True) * 1)
    with pytest.raises(RuntimeError, match="Output 0 of Ident is a view"):
        y.mul_(2)


def test_non_tensor_output_warns_and_no_grad_adds_no_node():
    class D(nn.Module):
        def forward(self, a):
            return {"x": a * 2}

    d = D()
    d.register_full_backward_hook(lambda *a: None)
    with pytest.warns(UserWarning, match="module output should be a Tensor or a tuple of Tensors"):
        out = d(ag.ones(2, requires_grad=True))
    assert isinstance(out, dict)
    lin = nn.Linear(2, 1)
    lin.register_full_backward_hook(lambda *a: None)
    with ag.no_grad():
        assert lin(ag.ones(1, 2, requires_grad=True)).grad_fn is None


def test_same_tensor_twice_and_create_graph():
    class Mul(nn.Module):
        def forward(self, a, b):
            return a * b

    log = []
    m = Mul()
    m.register_full_backward_hook(lambda mod, gi, go: log.append(gi))
    a = ag.tensor([2.0, 3.0], requires_grad=True)
    y = m(a, a).sum()
    (g,) = ag.grad(y, a, create_graph=True)
    np.testing.assert_array_equal(g.detach().numpy(), [4.0, 6.0])
    np.testing.assert_array_equal(log[0][0].detach().numpy(), [2.0, 3.0])
    (gg,) = ag.grad(g.sum(), a)
    np.testing.assert_array_equal(gg.numpy(), [2.0, 2.0])


def test_layer_pickled_without_backward_hook_dicts_still_calls():
    lin = nn.Linear(2, 1)
    state = dict(lin.__dict__)
    del state["_backward_hooks"], state["_backward_pre_hooks"]
    restored = nn.Linear.__new__(nn.Linear)
    restored.__setstate__(state)
    assert restored(ag.ones(1, 2)).shape == (1, 1)
    assert pickle.loads(pickle.dumps(lin))._backward_hooks == {}


def test_grad_cam_style_hooks_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    w = rng.standard_normal((4, 2, 3, 3)).astype(np.float32)
    fw = rng.standard_normal((3, 4)).astype(np.float32)
    x = rng.standard_normal((2, 2, 6, 6)).astype(np.float32)

    def run(lib, m):
        conv, fc = m.Conv2d(2, 4, 3), m.Linear(4, 3)
        with lib.no_grad():
            conv.weight.copy_(lib.tensor(w))
            conv.bias.zero_()
            fc.weight.copy_(lib.tensor(fw))
            fc.bias.zero_()
        got = {}
        conv.register_forward_hook(lambda mod, i, o: got.__setitem__("act", o.detach()))
        conv.register_full_backward_pre_hook(lambda mod, go: got.__setitem__("pre", go[0]))
        conv.register_full_backward_hook(lambda mod, gi, go: got.update(gi=gi[0], go=go[0]))
        xt = lib.tensor(x, requires_grad=True)
        h = conv(xt).relu().mean((2, 3))
        score = fc(h)[:, 1].sum()
        score.backward()
        cam = (got["go"].mean((2, 3), keepdim=True) * got["act"]).sum(1).relu()
        return {k: v.detach().numpy() for k, v in dict(got, cam=cam, xg=xt.grad).items()}

    ours, ref = run(ag, nn), run(torch, torch.nn)
    for k in ("act", "pre", "go", "gi", "cam", "xg"):
        np.testing.assert_allclose(ours[k], ref[k], rtol=1e-5, atol=1e-6, err_msg=k)


def test_signatures_match_torch():
    torch = pytest.importorskip("torch")
    import inspect
    for name in ("register_full_backward_hook", "register_full_backward_pre_hook"):
        ours = list(inspect.signature(getattr(nn.Module, name)).parameters)
        assert ours == list(inspect.signature(getattr(torch.nn.Module, name)).parameters)
    for name in ("register_module_full_backward_hook", "register_module_full_backward_pre_hook"):
        assert list(inspect.signature(getattr(nn_module, name)).parameters) == \
            list(inspect.signature(getattr(torch.nn.modules.module, name)).parameters)


_CALLS = []


def _count_calls(module, grad_input, grad_output):
    _CALLS.append(module)


def test_unpickled_layer_in_a_fresh_process_keeps_its_backward_hooks(tmp_path):
    lin = nn.Linear(2, 1)
    lin.register_full_backward_hook(_count_calls)
    path = tmp_path / "lin.pkl"
    path.write_bytes(pickle.dumps(lin))
    code = ("import pickle, autograd as ag\n"
            f"lin = pickle.loads(open({str(path)!r}, 'rb').read())\n"
            "from tests.nn import test_backward_hooks as t\n"
            "lin(ag.ones(1, 2, requires_grad=True)).sum().backward()\n"
            "assert len(t._CALLS) == 1, t._CALLS\n")
    root = pathlib.Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr
