"""torch.lstm_cell / gru_cell / rnn_*_cell and torch.lstm / gru / rnn_tanh / rnn_relu against PyTorch."""
import numpy as np
import pytest

import autograd as ag
import nn

torch = pytest.importorskip("torch")

GATES = {"lstm": 4, "gru": 3, "rnn_tanh": 1, "rnn_relu": 1}
N, F, H, L = 3, 4, 5, 4


def _rng(seed=0):
    return np.random.default_rng(seed)


def _compare(fn, tfn, arrays, seed=1):
    """fn on tapegrad tensors, tfn on torch ones: every output and the gradients of a random weighting agree."""
    ours = [ag.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    ys, tys = fn(*ours), tfn(*theirs)
    ys, tys = (ys if isinstance(ys, tuple) else (ys,)), (tys if isinstance(tys, tuple) else (tys,))
    assert len(ys) == len(tys)
    rng, total, ttotal = _rng(seed), 0, 0
    for y, ty in zip(ys, tys):
        assert tuple(y.shape) == tuple(ty.shape)
        np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
        w = rng.standard_normal(tuple(ty.shape))
        total, ttotal = total + (y * ag.tensor(w)).sum(), ttotal + (ty * torch.tensor(w)).sum()
    total.backward()
    ttotal.backward()
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-9, atol=1e-12)


def _cell_arrays(gates, bias, seed=0):
    rng = _rng(seed)
    arrays = [rng.standard_normal((N, F)), rng.standard_normal((N, H))]
    arrays += [rng.standard_normal((gates * H, F)), rng.standard_normal((gates * H, H))]
    return arrays + ([rng.standard_normal(gates * H), rng.standard_normal(gates * H)] if bias else [])


# ---------------------------------------------------------------------------- cells
@pytest.mark.parametrize("bias", [True, False])
def test_lstm_cell_matches_torch(bias):
    x, h, *w = _cell_arrays(4, bias)
    c = _rng(5).standard_normal((N, H))
    _compare(lambda x, h, c, *w: ag.lstm_cell(x, (h, c), *w), lambda x, h, c, *w: torch.lstm_cell(x, (h, c), *w),
             [x, h, c, *w])
    _compare(lambda x, h, c, wi, wh: ag.lstm_cell(input=x, hx=[h, c], w_ih=wi, w_hh=wh),
             lambda x, h, c, wi, wh: torch.lstm_cell(input=x, hx=[h, c], w_ih=wi, w_hh=wh), [x, h, c, *w[:2]])


@pytest.mark.parametrize("name", ["gru_cell", "rnn_tanh_cell", "rnn_relu_cell"])
@pytest.mark.parametrize("bias", [True, False])
def test_single_state_cells_match_torch(name, bias):
    gates = 3 if name == "gru_cell" else 1
    _compare(getattr(ag, name), getattr(torch, name), _cell_arrays(gates, bias))


def test_a_cell_with_one_bias_matches_torch():
    x, h, wi, wh, _, bh = _cell_arrays(3, True)
    _compare(lambda x, h, wi, wh, bh: ag.gru_cell(x, h, wi, wh, None, bh),
             lambda x, h, wi, wh, bh: torch.gru_cell(x, h, wi, wh, None, bh), [x, h, wi, wh, bh])


@pytest.mark.parametrize("name", ["lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell"])
def test_cells_gradcheck_and_gradgradcheck(name):
    gates = {"lstm_cell": 4, "gru_cell": 3}.get(name, 1)
    rng = _rng(2)
    arrays = [rng.standard_normal((2, 3)), rng.standard_normal((2, 2)), rng.standard_normal((gates * 2, 3)),
              rng.standard_normal((gates * 2, 2)), rng.standard_normal(gates * 2), rng.standard_normal(gates * 2)]
    if name == "rnn_relu_cell":  # keep the pre-activations away from relu's kink at 0
        arrays[4] += 3.0
    inputs = [ag.tensor(a, requires_grad=True) for a in arrays]
    if name == "lstm_cell":
        c = ag.tensor(rng.standard_normal((2, 2)), requires_grad=True)

        def fn(x, h, c, *w):
            return ag.lstm_cell(x, (h, c), *w)
        inputs.insert(2, c)
    else:
        fn = getattr(ag, name)
    assert ag.gradcheck(fn, inputs)
    assert ag.gradgradcheck(fn, inputs)


# ---------------------------------------------------------------------------- whole sequences
def _params(mode, layers, bidirectional, bias, proj=0, seed=3):
    rng, gates = _rng(seed), GATES[mode]
    dirs, out = (2 if bidirectional else 1), (proj or H)
    params = []
    for layer in range(layers):
        for _ in range(dirs):
            params += [rng.standard_normal((gates * H, F if layer == 0 else out * dirs)) * 0.5,
                       rng.standard_normal((gates * H, out)) * 0.5]
            params += [rng.standard_normal(gates * H) * 0.5, rng.standard_normal(gates * H) * 0.5] if bias else []
            params += [rng.standard_normal((proj, H)) * 0.5] if proj else []
    return params


def _states(mode, layers, bidirectional, proj=0, batch=N, seed=4):
    rng, groups = _rng(seed), layers * (2 if bidirectional else 1)
    h = rng.standard_normal((groups, batch, proj or H))
    return [h, rng.standard_normal((groups, batch, H))] if mode == "lstm" else [h]


CONFIGS = [(1, False, True, False), (2, True, True, True), (2, False, False, False), (3, True, False, True)]


@pytest.mark.parametrize("mode", list(GATES))
@pytest.mark.parametrize("layers,bidirectional,bias,batch_first", CONFIGS)
def test_sequence_functions_match_torch(mode, layers, bidirectional, bias, batch_first):
    params = _params(mode, layers, bidirectional, bias)
    states = _states(mode, layers, bidirectional)
    x = _rng(5).standard_normal((N, L, F) if batch_first else (L, N, F))
    k = len(states)

    def run(lib):
        def fn(x, *rest):
            hx = tuple(rest[:k]) if mode == "lstm" else rest[0]
            return getattr(lib, mode)(x, hx, list(rest[k:]), bias, layers, 0.0, False, bidirectional, batch_first)
        return fn
    _compare(run(ag), run(torch), [x, *states, *params])


@pytest.mark.parametrize("mode", list(GATES))
@pytest.mark.parametrize("bidirectional", [False, True])
def test_packed_sequence_functions_match_torch(mode, bidirectional):
    params = _params(mode, 2, bidirectional, True)
    states = _states(mode, 2, bidirectional)
    sizes = np.array([3, 3, 2, 1])
    data = _rng(6).standard_normal((int(sizes.sum()), F))
    k = len(states)

    def run(lib):
        def fn(x, *rest):
            hx = tuple(rest[:k]) if mode == "lstm" else rest[0]
            return getattr(lib, mode)(x, lib.tensor(sizes), hx, list(rest[k:]), True, 2, 0.0, False, bidirectional)
        return fn
    _compare(run(ag), run(torch), [data, *states, *params])


def test_lstm_with_projections_matches_torch():
    params = _params("lstm", 2, True, True, proj=2)
    states = _states("lstm", 2, True, proj=2)
    x = _rng(7).standard_normal((L, N, F))
    _compare(lambda x, h, c, *p: ag.lstm(x, (h, c), list(p), True, 2, 0.0, False, True, False),
             lambda x, h, c, *p: torch.lstm(x, (h, c), list(p), True, 2, 0.0, False, True, False),
             [x, *states, *params])


def test_keyword_calls_match_torch():
    params, (h,) = _params("gru", 1, False, True), _states("gru", 1, False)
    x = _rng(8).standard_normal((L, N, F))
    kw = {"has_biases": True, "num_layers": 1, "dropout": 0.0, "train": False, "bidirectional": False}
    _compare(lambda x, h, *p: ag.gru(input=x, hx=h, params=list(p), batch_first=False, **kw),
             lambda x, h, *p: torch.gru(input=x, hx=h, params=list(p), batch_first=False, **kw), [x, h, *params])
    sizes = [3, 2, 1]
    data = _rng(9).standard_normal((6, F))
    _compare(lambda x, h, *p: ag.gru(data=x, batch_sizes=ag.tensor(sizes), hx=h, params=list(p), **kw),
             lambda x, h, *p: torch.gru(data=x, batch_sizes=torch.tensor(sizes), hx=h, params=list(p), **kw),
             [data, h, *params])


def test_a_small_lstm_gradchecks_twice():
    rng = _rng(10)
    arrays = [rng.standard_normal((2, 1, 2)), rng.standard_normal((2, 1, 2)), rng.standard_normal((2, 1, 2)),
              rng.standard_normal((8, 2)), rng.standard_normal((8, 2)), rng.standard_normal(8), rng.standard_normal(8),
              rng.standard_normal((8, 2)), rng.standard_normal((8, 2)), rng.standard_normal(8), rng.standard_normal(8)]
    inputs = [ag.tensor(a, requires_grad=True) for a in arrays]

    def fn(x, h, c, *p):
        return ag.lstm(x, (h, c), list(p), True, 1, 0.0, False, True, False)
    assert ag.gradcheck(fn, inputs)
    assert ag.gradgradcheck(fn, inputs)


def test_the_layers_give_what_the_functions_give():
    """nn.LSTM / nn.GRU run on the same functions: torch.lstm on a layer's flat weights gives its forward."""
    ag.manual_seed(0)
    for layer, fn in ((nn.LSTM(F, H, 2, bidirectional=True), ag.lstm), (nn.GRU(F, H, 1, batch_first=True), ag.gru)):
        x = ag.randn(N, L, F) if layer.batch_first else ag.randn(L, N, F)
        out, hidden = layer(x)
        hs = hidden if isinstance(hidden, tuple) else (hidden,)
        zeros = tuple(ag.zeros_like(s) for s in hs)
        got = fn(x, zeros if len(hs) == 2 else zeros[0], layer._flat_weights, True, layer.num_layers, 0.0, False,
                 layer.bidirectional, layer.batch_first)
        for a, b in zip((out,) + hs, got):
            np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6, atol=1e-7)


def test_dropout_applies_between_layers_only_when_training():
    params, states = _params("rnn_tanh", 2, False, True), _states("rnn_tanh", 2, False)
    x = ag.tensor(_rng(11).standard_normal((L, N, F)))
    args = (ag.tensor(states[0]), [ag.tensor(p) for p in params], True, 2, 0.5)
    evaluation = ag.rnn_tanh(x, *args, False, False, False)
    again = ag.rnn_tanh(x, *args, False, False, False)
    np.testing.assert_array_equal(evaluation[0].numpy(), again[0].numpy())
    ag.manual_seed(1)
    trained = ag.rnn_tanh(x, *args, True, False, False)
    assert trained[0].shape == evaluation[0].shape
    assert not np.allclose(trained[0].numpy(), evaluation[0].numpy())


def test_the_functions_run_on_the_gpu_backend(stand_in):
    params, (h, c) = _params("lstm", 1, True, True), _states("lstm", 1, True)
    x = _rng(12).standard_normal((L, N, F))
    cpu = ag.lstm(ag.tensor(x), (ag.tensor(h), ag.tensor(c)), [ag.tensor(p) for p in params], True, 1, 0.0, False,
                  True, False)
    gpu = ag.lstm(ag.tensor(x, device="cuda"), (ag.tensor(h, device="cuda"), ag.tensor(c, device="cuda")),
                  [ag.tensor(p, device="cuda") for p in params], True, 1, 0.0, False, True, False)
    for a, b in zip(cpu, gpu):
        assert b.device == "cuda"
        np.testing.assert_allclose(b.cpu().numpy(), a.numpy(), rtol=1e-6, atol=1e-9)
    wi, wh = ag.tensor(params[0], device="cuda"), ag.tensor(params[1], device="cuda")
    assert ag.gru_cell(ag.zeros(2, F, device="cuda", dtype=ag.float64), ag.zeros(2, H, device="cuda",
                       dtype=ag.float64), wi[:3 * H], wh[:3 * H]).device == "cuda"


# ---------------------------------------------------------------------------- errors
def test_cells_refuse_bad_arguments_as_torch():
    x, h, wi, wh = (ag.tensor(a) for a in _cell_arrays(4, False))
    with pytest.raises(TypeError, match="lstm_cell\\(\\): argument 'hx' \\(position 2\\) must be tuple of Tensors, "
                                        "not Tensor"):
        ag.lstm_cell(x, h, wi, wh)
    with pytest.raises(RuntimeError, match="lstm_cell expects two hidden states"):
        ag.lstm_cell(x, [h], wi, wh)
    with pytest.raises(TypeError, match="gru_cell\\(\\): argument 'hx' \\(position 2\\) must be Tensor, not tuple"):
        ag.gru_cell(x, (h,), wi[:3 * H], wh[:3 * H])
    with pytest.raises(TypeError, match="rnn_relu_cell\\(\\): argument 'hx' \\(position 2\\) must be Tensor, not "
                                        "NoneType"):
        ag.rnn_relu_cell(x, None, wi[:H], wh[:H])
    with pytest.raises(RuntimeError, match="input has inconsistent input_size: got 4 expected 2"):
        ag.lstm_cell(x, (h, h), wi[:, :2], wh)
    with pytest.raises(RuntimeError, match="hidden0 has inconsistent hidden_size: got 3, expected 5"):
        ag.lstm_cell(x, (h[:, :3], h), wi, wh)
    with pytest.raises(RuntimeError, match="Input batch size 1 doesn't match hidden0 batch size 3"):
        ag.lstm_cell(x[:1], (h, h), wi, wh)
    with pytest.raises(RuntimeError, match="weight_ih first dim must be 4 \\* hidden_size = 20, but got 15"):
        ag.lstm_cell(x, (h, h), wi[:15], wh)
    with pytest.raises(RuntimeError, match=r"rnn_tanh_cell: expected b_hh of shape \(5,\), got \(3,\)"):
        ag.rnn_tanh_cell(x, h, wi[:H], wh[:H], ag.zeros(5, dtype=ag.float64), ag.zeros(3, dtype=ag.float64))
    with pytest.raises(IndexError, match="gru_cell: expected input of shape \\(batch, input_size\\), got a 1-D"):
        ag.gru_cell(x[0], h[0], wi[:3 * H], wh[:3 * H])
    with pytest.raises(RuntimeError, match="lstm_cell: w_ih has dtype float32 but the input has dtype float64"):
        ag.lstm_cell(x, (h, h), wi.float(), wh)


def test_sequence_functions_refuse_bad_arguments_as_torch():
    params = [ag.tensor(p) for p in _params("lstm", 2, True, True)]
    h, c = (ag.tensor(s) for s in _states("lstm", 2, True))
    x = ag.tensor(_rng(13).standard_normal((L, N, F)))
    with pytest.raises(TypeError, match="lstm\\(\\) received an invalid combination of arguments - got \\(Tensor, "
                                        "tuple, list, bool, int, float, bool, bool\\), but expected one of"):
        ag.lstm(x, (h, c), params, True, 2, 0.0, False, True)
    with pytest.raises(TypeError, match="invalid combination of arguments"):
        ag.lstm(x, (h, c), params, 1, 2, 0.0, False, True, False)
    with pytest.raises(TypeError, match="gru\\(\\) received an invalid combination"):
        ag.gru(x, h, params[0], True, 2, 0.0, False, True, False)
    with pytest.raises(RuntimeError, match="lstm expects two hidden states"):
        ag.lstm(x, (h,), params, True, 2, 0.0, False, True, False)
    with pytest.raises(RuntimeError, match="got an incorrect number of RNN parameters: expected 16"):
        ag.lstm(x, (h, c), params[:-1], True, 2, 0.0, False, True, False)
    with pytest.raises(RuntimeError, match="got an incorrect number of RNN parameters: expected 24"):
        ag.lstm(x, (h, c), params, True, 3, 0.0, False, True, False)
    with pytest.raises(RuntimeError, match=r"lstm: expected hx\[0\] of shape \(4, 3, 5\), got \(2, 3, 5\)"):
        ag.lstm(x, (h[:2], c), params, True, 2, 0.0, False, True, False)
    with pytest.raises(RuntimeError, match=r"lstm: expected params\[0\] of shape \(20, 2\), got \(20, 4\)"):
        ag.lstm(x[..., :2], (h, c), params, True, 2, 0.0, False, True, False)
    with pytest.raises(IndexError, match="lstm: expected input of shape \\(seq_len, batch, input_size\\)"):
        ag.lstm(x[0], (h, c), params, True, 2, 0.0, False, True, False)
    with pytest.raises(RuntimeError, match="Expected sequence length to be larger than 0 in RNN"):
        ag.lstm(x[:0], (h, c), params, True, 2, 0.0, False, True, False)
    with pytest.raises(RuntimeError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        ag.lstm(x, (h, c), params, True, 2, 1.5, True, True, False)
    with pytest.raises(RuntimeError, match="num_layers must be at least 1, got 0"):
        ag.lstm(x, (h, c), params, True, 0, 0.0, False, True, False)
    with pytest.raises(RuntimeError, match=r"lstm: expected hx\[0\] of shape \(4, 4, 5\)"):
        ag.lstm(x, (h, c), params, True, 2, 0.0, False, True, True)  # batch_first reads the batch from dim 0
    with pytest.raises(RuntimeError, match="lstm: hx\\[1\\] has dtype float32 but the input has dtype float64"):
        ag.lstm(x, (h, c.float()), params, True, 2, 0.0, False, True, False)
    with pytest.raises(RuntimeError, match="batch_sizes \\[3, 4\\] must be positive, non-increasing"):
        ag.lstm(x.reshape(-1, F)[:7], ag.tensor([3, 4]), (h, c), params, True, 2, 0.0, False, True)
