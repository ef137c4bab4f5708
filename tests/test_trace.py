"""autograd.trace: capture a forward as a Graph, replay it bit-identically, guards, refusals and freeing."""
import re
import weakref

import numpy as np
import pytest

import autograd as ag
import nn
from autograd import no_grad
from autograd.function import Function, Op

TraceError = ag.trace.TraceError
RNG = np.random.default_rng(0)


def randn(*shape):
    return ag.tensor(RNG.standard_normal(shape).astype(np.float32))


def outputs(out):
    """The arrays of a (nested) output, flattened."""
    if isinstance(out, ag.Tensor):
        return [out.numpy()]
    return [a for o in out for a in outputs(o)]


def check_replays(model, *shapes, steps=3):
    """Trace model (in eval) on random inputs, then replay it on new ones: bit-identical to eager every time."""
    model.eval()
    traced = ag.trace(model, *[randn(*s) for s in shapes])
    with no_grad():
        for _ in range(steps):
            args = [randn(*s) for s in shapes]
            got, want = outputs(traced(*args)), outputs(model(*args))
            assert len(got) == len(want)
            for g, w in zip(got, want):
                np.testing.assert_array_equal(g, w)
    assert len(traced.graphs) == 1
    return traced


def mlp():
    return nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 3))


# ---------------------------------------------------------------------------- models replay bit-identically
def test_mlp_replays_bit_identical():
    traced = check_replays(mlp(), (4, 10))
    assert [n.name for n in traced.graph.nodes] == ["linear", "relu", "linear"]
    assert [v.name for v in traced.graph.inputs] == ["input", "0.weight", "0.bias", "2.weight", "2.bias"]


def test_mlp_matches_torch():
    torch = pytest.importorskip("torch")
    m = mlp().eval()
    tm = torch.nn.Sequential(torch.nn.Linear(10, 20), torch.nn.ReLU(), torch.nn.Linear(20, 3))
    tm.load_state_dict({k: torch.tensor(v.numpy()) for k, v in m.state_dict().items()})
    x = randn(4, 10)
    traced = ag.trace(m, x)
    with no_grad():
        got = traced(x).numpy()
    np.testing.assert_allclose(got, tm(torch.tensor(x.numpy())).detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got, np.maximum(x.numpy() @ m[0].weight.numpy(force=True).T
                                               + m[0].bias.numpy(force=True), 0) @ m[2].weight.numpy(force=True).T
                               + m[2].bias.numpy(force=True), rtol=1e-5, atol=1e-6)


def test_cnn_replays_bit_identical():
    cnn = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                        nn.Linear(4 * 5 * 5, 10))
    with no_grad():
        cnn[1].running_mean.copy_(randn(4))
        cnn[1].running_var.copy_(randn(4).abs() + 0.5)
    traced = check_replays(cnn, (2, 1, 12, 12))
    assert "1.running_mean" in [v.name for v in traced.graph.inputs]


def test_transformer_encoder_layer_replays_bit_identical():
    check_replays(nn.TransformerEncoderLayer(16, 2, 32, batch_first=True), (2, 5, 16))


def test_lstm_replays_bit_identical_with_nested_outputs():
    lstm = nn.LSTM(8, 16, num_layers=2, batch_first=True)
    traced = check_replays(lstm, (3, 5, 8))
    with no_grad():
        out = traced(randn(3, 5, 8))
    assert isinstance(out, tuple) and isinstance(out[1], tuple) and out[1][0].shape == (2, 3, 16)


def test_nested_tensor_arguments():
    lstm = nn.LSTM(4, 6).eval()
    x, h, c = randn(5, 2, 4), randn(1, 2, 6), randn(1, 2, 6)
    traced = ag.trace(lstm, x, (h, c))
    assert [v.name for v in traced.graph.inputs][:3] == ["input", "hx.0", "hx.1"]
    with no_grad():
        x, h, c = randn(5, 2, 4), randn(1, 2, 6), randn(1, 2, 6)
        for g, w in zip(outputs(traced(x, (h, c))), outputs(lstm(x, (h, c)))):
            np.testing.assert_array_equal(g, w)


def test_functions_and_parameter_updates():
    m = mlp().eval()
    traced = ag.trace(m, randn(4, 10))
    with no_grad():
        m[0].weight.mul_(2)  # the graph reads the parameters at each call
        x = randn(4, 10)
        np.testing.assert_array_equal(traced(x).numpy(), m(x).numpy())

    def f(x, y):
        return (x * y).tanh().sum(1), x - y

    a, b = randn(3, 4), randn(3, 4)
    tf = ag.trace(f, a, b)
    assert [v.name for v in tf.graph.inputs] == ["x", "y"]
    a, b = randn(3, 4), randn(3, 4)
    for g, w in zip(outputs(tf(a, b)), outputs(f(a, b))):
        np.testing.assert_array_equal(g, w)


def test_replayed_outputs_do_not_require_grad_and_grad_mode_runs_eagerly():
    m = mlp().eval()
    traced = ag.trace(m, randn(4, 10))
    x = randn(4, 10)
    with no_grad():
        y = traced(x)
    assert not y.requires_grad and y.grad_fn is None
    y = traced(x)  # grad mode with parameters that require grad: runs eagerly, so backward works
    assert y.requires_grad
    y.sum().backward()
    assert m[0].weight.grad is not None


def test_decorator_forms():
    @ag.trace
    def f(x):
        return x * 2 + 1

    @ag.trace(cache_limit=1)
    def g(x):
        return x.exp()

    x = randn(3)
    np.testing.assert_array_equal(f(x).numpy(), x.numpy() * np.float32(2) + np.float32(1))
    np.testing.assert_array_equal(g(x).numpy(), np.exp(x.numpy()))
    assert len(f.graphs) == 1 and g.cache_limit == 1


def test_tensor_given_twice_is_one_input_and_retraces_when_split():
    def f(x, y):
        return x * y

    x = randn(3)
    traced = ag.trace(f, x, x)
    assert len(traced.graph.inputs) == 1
    a, b = randn(3), randn(3)
    np.testing.assert_array_equal(traced(a, b).numpy(), (a * b).numpy())
    np.testing.assert_array_equal(traced(a, a).numpy(), (a * a).numpy())
    assert len(traced.graphs) == 2


def test_matrix_trace_is_still_torch_trace():
    assert ag.trace(ag.tensor([[1.0, 2.0], [3.0, 4.0]])).item() == 5.0
    with pytest.raises(TypeError, match="matrix trace"):
        ag.trace(ag.ones(2, 2), ag.ones(2, 2))


# ---------------------------------------------------------------------------- printing
def test_print_reads_like_a_program():
    traced = ag.trace(mlp().eval(), randn(4, 10))
    text = str(traced.graph)
    lines = text.splitlines()
    assert lines[0] == ("graph(%input: (4, 10) float32, %0.weight: (20, 10) float32, %0.bias: (20,) float32, "
                        "%2.weight: (3, 20) float32, %2.bias: (3,) float32):")
    assert lines[1] == "    %0 = linear(%input, %0.weight, %0.bias)  # (4, 20) float32"
    assert lines[2] == "    %1 = relu(%0)  # (4, 20) float32"
    assert lines[-1] == "    return %2"
    assert repr(traced.graph) == text


# ---------------------------------------------------------------------------- guards
def test_new_shape_or_dtype_retraces():
    traced = ag.trace(lambda x: x.sin() * 2, randn(3))
    for x in (randn(5), randn(5), randn(5).double()):
        np.testing.assert_array_equal(traced(x).numpy(), (x.sin() * 2).numpy())
    assert len(traced.graphs) == 3
    assert traced.graph.inputs[0].dtype == np.float64


def test_cache_limit_error():
    traced = ag.trace(lambda x: x.sin() * 2, randn(3), cache_limit=2)
    traced(randn(4))
    with pytest.raises(RuntimeError, match=r"traced 2 times \(cache_limit\).*\[\(6,\)\]"):
        traced(randn(6))
    with pytest.raises(RuntimeError, match="cache_limit"):
        traced(randn(3).double())
    assert len(traced.graphs) == 2


def test_train_eval_change_retraces():
    m = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.0)).eval()
    traced = ag.trace(m, randn(2, 4))
    m.train()
    with no_grad():
        x = randn(2, 4)
        np.testing.assert_array_equal(traced(x).numpy(), m(x).numpy())
    assert len(traced.graphs) == 2


def test_static_arguments_are_part_of_the_key():
    traced = ag.trace(lambda x, k: x * k, randn(3), 2.0)
    x = randn(3)
    np.testing.assert_array_equal(traced(x, 3.0).numpy(), (x * 3.0).numpy())
    assert len(traced.graphs) == 2


# ---------------------------------------------------------------------------- data-dependent control flow
def _branch_item(x):
    y = x * 2
    return y if y.sum().item() > 0 else -y


def _branch_bool(x):
    y = x * 2
    if y.sum() > 0:
        return y
    return -y


@pytest.mark.parametrize("fn,what,line", [
    (_branch_item, ".item()", "return y if y.sum().item() > 0 else -y"),
    (_branch_bool, "bool(tensor)", "if y.sum() > 0:"),
    (lambda x: x * float(x.sum()), "float(tensor)", "lambda x: x * float(x.sum())"),
    (lambda x: x * int(x.sum()), "int(tensor)", "lambda x: x * int(x.sum())"),
    (lambda x: ag.tensor((x + 1).tolist()), ".tolist()", "ag.tensor((x + 1).tolist())"),
    (lambda x: ag.tensor((x + 1).numpy()), ".numpy()", "ag.tensor((x + 1).numpy())"),
    (lambda x: ag.tensor(np.asarray(x + 1)), "numpy.asarray(tensor)", "ag.tensor(np.asarray(x + 1))"),
])
def test_values_taken_to_python_raise_with_the_users_line(fn, what, line):
    with pytest.raises(TraceError, match=rf"{re.escape(what)} on a traced tensor at .*test_trace\.py:\d+: .*"
                                         rf"{re.escape(line)}"):
        ag.trace(fn, randn(3))


def test_python_values_of_constants_are_fine():
    traced = ag.trace(lambda x: x * ag.tensor([2.0]).item(), randn(3))
    assert len(traced.graph.nodes) == 1


def test_random_ops_are_refused():
    m = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5)).train()
    with pytest.raises(TraceError, match=r"random draw at .*test_trace\.py:\d+.*model\.eval\(\)"):
        ag.trace(m, randn(2, 4))
    with pytest.raises(TraceError, match="random draw"):
        ag.trace(lambda x: x + ag.rand(3), randn(3))
    assert ag.rand(2).shape == (2,)  # the generator is restored


def test_in_place_on_traced_values_is_refused():
    def f(x):
        y = x * 2
        y.add_(1)
        return y

    with pytest.raises(TraceError, match="in-place"):
        ag.trace(f, randn(3))

    def g(x):
        buf = ag.zeros(3)
        buf.add_(x)
        return buf * 2

    with pytest.raises(TraceError, match="in place"):
        ag.trace(g, randn(3))


def test_custom_functions_are_refused():
    class Double(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    with pytest.raises(TraceError, match="custom autograd.Function Double"):
        ag.trace(lambda x: Double.apply(x), randn(3))
    assert Double.apply(ag.ones(2)).tolist() == [2.0, 2.0]  # the hook is gone after the trace


def test_values_made_outside_the_ops_are_refused():
    with pytest.raises(TraceError, match="computed outside"):
        ag.trace(lambda x: (x > 0).all() * 1.0 + x, randn(3))
    bn = nn.BatchNorm1d(3).train()  # batch statistics with running updates: not traceable yet
    with pytest.raises(TraceError, match="computed outside"):
        ag.trace(bn, randn(4, 3))


# ---------------------------------------------------------------------------- constants and freeing
def test_constants_are_folded():
    def f(x):
        c = ag.ones(3) * 2 + 1  # depends on no input: folded
        return x * c

    traced = ag.trace(f, randn(3))
    assert [n.name for n in traced.graph.nodes] == ["mul"]
    assert "const((3,) float32)" in str(traced.graph)
    x = randn(3)
    np.testing.assert_array_equal(traced(x).numpy(), f(x).numpy())


def test_dead_nodes_are_dropped_and_constant_outputs_are_fresh():
    def f(x):
        x.exp()  # unused
        return x + 1, ag.ones(2)

    traced = ag.trace(f, randn(3))
    assert [n.name for n in traced.graph.nodes] == ["add"]
    a = traced(randn(3))[1]
    a.add_(1)
    assert traced(randn(3))[1].tolist() == [1.0, 1.0]


class Probe(Op):
    """Identity copy that notes which earlier probed arrays are still alive."""

    refs = []
    alive = []

    def forward(ctx, x):
        Probe.alive.append([r() is not None for r in Probe.refs])
        Probe.refs.append(weakref.ref(x))
        return x.copy()


def test_intermediates_are_freed_after_their_last_use():
    def f(x):
        a = Probe.apply(x.exp())  # exp's output: last read by this probe
        b = Probe.apply(a.neg())
        return Probe.apply(b * 2)

    traced = ag.trace(f, randn(3))
    Probe.refs, Probe.alive = [], []
    traced(randn(3))
    assert Probe.alive == [[], [False], [False, False]]


def test_unused_outputs_of_multi_output_ops_are_freed():
    def f(x):
        a, b = x.chunk(2)
        return Probe.apply(a * 2) + Probe.apply(a * 3)

    traced = ag.trace(f, randn(4))
    Probe.refs, Probe.alive = [], []
    traced(randn(4))
    assert Probe.alive == [[], [False]]


# ---------------------------------------------------------------------------- bad use
def test_non_tensor_outputs_are_refused():
    with pytest.raises(TraceError, match="returned a int"):
        ag.trace(lambda x: x.shape, randn(3))
    with pytest.raises(TraceError, match="returned a NoneType"):
        ag.trace(lambda x: (x * 2, None), randn(3))


def test_bad_arguments():
    with pytest.raises(TypeError, match="expected a function or a module"):
        ag.trace(3, randn(2))
    with pytest.raises(ValueError, match="cache_limit"):
        ag.trace(lambda x: x, cache_limit=0)
    with pytest.raises(TypeError, match="argument args.1 of type dict"):
        ag.trace(lambda x, d: x, randn(2), {"a": 1})
    traced = ag.trace(lambda x: x * 2, randn(2))
    with pytest.raises(TypeError, match="positional arguments only"):
        traced(x=randn(2))
    with pytest.raises(TypeError):
        traced(randn(2), randn(2))  # the function's own error, from the retrace


def test_replay_on_each_device(device):
    m = mlp().to(device).eval()
    x = randn(4, 10).to(device)
    traced = ag.trace(m, x)
    assert traced.graph.inputs[0].device == ("cpu" if device == "cpu" else "cuda:0")
    with no_grad():
        for _ in range(2):
            x = randn(4, 10).to(device)
            y = traced(x)
            assert y.device == x.device
            np.testing.assert_array_equal(y.cpu().numpy(), m(x).cpu().numpy())
    if device != "cpu":  # another device is another key: the retrace runs eagerly and refuses to mix devices
        with pytest.raises(RuntimeError, match="cpu"):
            traced(x.cpu())
        assert "cuda:0" in str(traced.graphs[0])


def test_detach_aliases_the_traced_value():
    traced = ag.trace(lambda x: x.detach() * 2, randn(3))
    x = randn(3)
    np.testing.assert_array_equal(traced(x).numpy(), x.numpy() * np.float32(2))


def test_index_arguments_from_traced_tensors():
    def f(x, idx):
        return x[idx] * 2, x.chunk(2)

    x, idx = randn(4, 3), ag.tensor([2, 0])
    traced = ag.trace(f, x, idx)
    x, idx = randn(4, 3), ag.tensor([1, 3])
    for g, w in zip(outputs(traced(x, idx)), outputs(f(x, idx))):
        np.testing.assert_array_equal(g, w)


def test_arrays_derived_outside_the_ops_are_refused():
    with pytest.raises(TraceError, match=r"setitem at .*test_trace\.py:\d+.*array computed outside"):
        ag.trace(lambda x: x.masked_fill(x > 0, 0.0), randn(3))
    with pytest.raises(TraceError, match="computed outside"):
        ag.trace(lambda x: x.topk(2), randn(5))


def test_named_tuple_outputs():
    traced = ag.trace(ag.aminmax, randn(2, 3))
    x = randn(2, 3)
    got, want = traced(x), ag.aminmax(x)
    assert type(got) is type(want)
    np.testing.assert_array_equal(got.min.numpy(), want.min.numpy())
    np.testing.assert_array_equal(got.max.numpy(), want.max.numpy())


def test_in_place_changes_of_arguments_and_buffers_are_refused():
    def f(x, out):
        out.copy_(x)
        return x * 2

    with pytest.raises(TraceError, match="changed an argument"):
        ag.trace(f, randn(3), randn(3))


def test_traced_functions_inside_a_trace_are_inlined():
    inner = ag.trace(lambda x: x.exp(), randn(3))
    outer = ag.trace(lambda x: inner(x) * 2, randn(3))
    assert [n.name for n in outer.graph.nodes] == ["exp", "mul"]
    x = randn(3)
    np.testing.assert_array_equal(outer(x).numpy(), x.exp().numpy() * np.float32(2))
    with pytest.raises(TraceError, match="while another trace records"):
        ag.trace(lambda x: ag.trace(lambda y: y + 1, x)(x), randn(3))
