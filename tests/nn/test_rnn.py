"""RNN, LSTM, GRU and their cells against a numpy reference implementation written here."""
import math

import numpy as np
import pytest

import autograd as ag
import nn


# ---------------------------------------------------------------------------- numpy reference
def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _ref_cell(mode, x, h, c, w_ih, w_hh, b_ih, b_hh, w_hr=None):
    """One step in numpy, PyTorch's formulas; x (N, in), h (N, H_out), c (N, H)."""
    gi = x @ w_ih.T + (b_ih if b_ih is not None else 0)
    gh = h @ w_hh.T + (b_hh if b_hh is not None else 0)
    if mode == "RNN_TANH":
        return np.tanh(gi + gh), None
    if mode == "RNN_RELU":
        return np.maximum(gi + gh, 0), None
    if mode == "LSTM":
        i, f, g, o = np.split(gi + gh, 4, axis=1)
        c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
        h = _sigmoid(o) * np.tanh(c)
        return (h @ w_hr.T if w_hr is not None else h), c
    ir, iz, in_ = np.split(gi, 3, axis=1)
    hr, hz, hn = np.split(gh, 3, axis=1)
    r, z = _sigmoid(ir + hr), _sigmoid(iz + hz)
    n = np.tanh(in_ + r * hn)
    return (1 - z) * n + z * h, None


def _ref_rnn(layer, x, h0=None, c0=None):
    """The whole multi-layer, maybe bidirectional network in numpy; x is (L, N, in) (time first)."""
    mode = layer.mode
    D = 2 if layer.bidirectional else 1
    L, N, _ = x.shape
    H = layer.hidden_size
    Hout = layer.proj_size or H
    h0 = np.zeros((layer.num_layers * D, N, Hout)) if h0 is None else h0
    c0 = np.zeros((layer.num_layers * D, N, H)) if c0 is None else c0
    p = {k: v.array.astype(np.float64) for k, v in layer.named_parameters()}
    inp = x
    hn, cn = [], []
    for k in range(layer.num_layers):
        outs = []
        for d in range(D):
            sfx = f"_l{k}" + ("_reverse" if d else "")
            h, c = h0[k * D + d], c0[k * D + d]
            seq = [None] * L
            for t in (range(L - 1, -1, -1) if d else range(L)):
                h, c = _ref_cell(mode, inp[t], h, c, p["weight_ih" + sfx], p["weight_hh" + sfx],
                                 p.get("bias_ih" + sfx), p.get("bias_hh" + sfx), p.get("weight_hr" + sfx))
                seq[t] = h
            outs.append(np.stack(seq))
            hn.append(h)
            cn.append(c)
        inp = np.concatenate(outs, axis=-1)
    return inp, np.stack(hn), (np.stack(cn) if mode == "LSTM" else None)


def _rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _check(layer, x, out, hidden, h0=None, c0=None, batch_first=False, atol=1e-5):
    xt = np.swapaxes(x, 0, 1) if batch_first else x
    ref_out, ref_h, ref_c = _ref_rnn(layer, xt, h0, c0)
    if batch_first:
        ref_out = np.swapaxes(ref_out, 0, 1)
    h = hidden[0] if layer.mode == "LSTM" else hidden
    np.testing.assert_allclose(out.array, ref_out, atol=atol, rtol=1e-4)
    np.testing.assert_allclose(h.array, ref_h, atol=atol, rtol=1e-4)
    if layer.mode == "LSTM":
        np.testing.assert_allclose(hidden[1].array, ref_c, atol=atol, rtol=1e-4)


CONFIGS = [
    dict(),
    dict(num_layers=2),
    dict(bidirectional=True),
    dict(num_layers=2, bidirectional=True),
    dict(bias=False),
]


# ---------------------------------------------------------------------------- forward vs numpy
@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("cfg", CONFIGS, ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()) or "default")
def test_forward_matches_numpy(cls, cfg):
    ag.manual_seed(0)
    layer = getattr(nn, cls)(3, 4, **cfg)
    x = _rand(5, 2, 3)
    out, hidden = layer(ag.tensor(x, dtype=ag.float32))
    D = 2 if cfg.get("bidirectional") else 1
    assert out.shape == (5, 2, 4 * D) and out.dtype == ag.float32
    _check(layer, x, out, hidden)


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
def test_batch_first_and_initial_state(cls):
    layer = getattr(nn, cls)(3, 4, num_layers=2, batch_first=True, bidirectional=True).double()
    x = _rand(2, 6, 3)  # (N, L, in)
    h0 = _rand(4, 2, 4, seed=1)
    c0 = _rand(4, 2, 4, seed=2)
    hx = (ag.tensor(h0), ag.tensor(c0)) if cls == "LSTM" else ag.tensor(h0)
    out, hidden = layer(ag.tensor(x), hx)
    assert out.shape == (2, 6, 8)
    _check(layer, x, out, hidden, h0, c0, batch_first=True, atol=1e-10)


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
def test_unbatched_input(cls):
    layer = getattr(nn, cls)(3, 4, num_layers=2).double()
    x = _rand(5, 3)
    out, hidden = layer(ag.tensor(x))
    assert out.shape == (5, 4)
    h = hidden[0] if cls == "LSTM" else hidden
    assert h.shape == (2, 4)
    ref_out, ref_h, _ = _ref_rnn(layer, x[:, None, :])
    np.testing.assert_allclose(out.array, ref_out[:, 0], atol=1e-10)
    np.testing.assert_allclose(h.array, ref_h[:, 0], atol=1e-10)
    h0 = ag.zeros(2, 4, dtype=ag.float64)
    out2, _ = layer(ag.tensor(x), (h0, h0) if cls == "LSTM" else h0)
    np.testing.assert_allclose(out2.array, out.array)


def test_relu_rnn_and_lstm_projection():
    layer = nn.RNN(3, 4, nonlinearity="relu", num_layers=2)
    x = _rand(4, 2, 3)
    out, h = layer(ag.tensor(x, dtype=ag.float32))
    _check(layer, x, out, h)
    lstm = nn.LSTM(3, 5, proj_size=2, num_layers=2, bidirectional=True).double()
    assert lstm.weight_hr_l0.shape == (2, 5) and lstm.weight_hh_l0.shape == (20, 2)
    assert lstm.weight_ih_l1.shape == (20, 4)
    out, (h, c) = lstm(ag.tensor(x))
    assert out.shape == (4, 2, 4) and h.shape == (4, 2, 2) and c.shape == (4, 2, 5)
    _check(lstm, x, out, (h, c), atol=1e-10)


# ---------------------------------------------------------------------------- gradients
@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
def test_gradcheck_tiny_float64(cls):
    ag.manual_seed(1)
    layer = getattr(nn, cls)(2, 3, num_layers=2, bidirectional=True).double()
    params = list(layer.parameters())
    x = ag.tensor(_rand(3, 1, 2), requires_grad=True)
    h0 = ag.tensor(_rand(4, 1, 3, seed=1), requires_grad=True)
    names = [n for n, _ in layer.named_parameters()]

    def fn(x, h0, *ps):
        for name, p in zip(names, ps):
            layer._parameters[name] = p
        hx = (h0, h0 * 0.5) if cls == "LSTM" else h0
        out, hidden = layer(x, hx)
        return out, (hidden[1] if cls == "LSTM" else hidden)

    wrapped = [nn.Parameter(p) for p in params]
    assert ag.gradcheck(fn, (x, h0, *wrapped), atol=1e-6)


@pytest.mark.parametrize("cls", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells_forward_and_gradcheck(cls):
    cell = getattr(nn, cls)(3, 4).double()
    mode = {"RNNCell": "RNN_TANH", "LSTMCell": "LSTM", "GRUCell": "GRU"}[cls]
    x, h, c = _rand(2, 3), _rand(2, 4, seed=1), _rand(2, 4, seed=2)
    p = {k: v.array for k, v in cell.named_parameters()}
    ref_h, ref_c = _ref_cell(mode, x, h, c, p["weight_ih"], p["weight_hh"], p["bias_ih"], p["bias_hh"])
    hx = (ag.tensor(h), ag.tensor(c)) if mode == "LSTM" else ag.tensor(h)
    out = cell(ag.tensor(x), hx)
    got_h = out[0] if mode == "LSTM" else out
    np.testing.assert_allclose(got_h.array, ref_h, atol=1e-12)
    if mode == "LSTM":
        np.testing.assert_allclose(out[1].array, ref_c, atol=1e-12)
    # unbatched and default state
    single = cell(ag.tensor(x[0]))
    assert (single[0] if mode == "LSTM" else single).shape == (4,)
    xt = ag.tensor(x, requires_grad=True)
    ht = ag.tensor(h, requires_grad=True)

    def fn(x, h):
        r = cell(x, (h, h * 2) if mode == "LSTM" else h)
        return r if mode != "LSTM" else r[0] + r[1]

    assert ag.gradcheck(fn, (xt, ht))
    assert ag.gradcheck(lambda w: _with_param(cell, "weight_hh", w, xt, ht, mode), (nn.Parameter(cell.weight_hh),))


def _with_param(cell, name, w, x, h, mode):
    cell._parameters[name] = w
    r = cell(x, (h, h) if mode == "LSTM" else h)
    return r[1] if mode == "LSTM" else r


def test_backward_through_long_sequence():
    layer = nn.LSTM(2, 3)
    out, _ = layer(ag.randn(300, 2, 2))
    out.sum().backward()
    assert all(p.grad is not None and np.isfinite(p.grad.array).all() for p in layer.parameters())


# ---------------------------------------------------------------------------- parameters, init, repr
def test_parameter_names_shapes_and_order():
    lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    names = [n for n, _ in lstm.named_parameters()]
    assert names[:8] == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l0_reverse",
                         "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse"]
    assert len(names) == 16 and names[8] == "weight_ih_l1"
    assert lstm.weight_ih_l0.shape == (16, 3) and lstm.weight_hh_l0.shape == (16, 4)
    assert lstm.weight_ih_l1.shape == (16, 8) and lstm.bias_hh_l1_reverse.shape == (16,)
    gru = nn.GRU(3, 4, bias=False)
    assert [n for n, _ in gru.named_parameters()] == ["weight_ih_l0", "weight_hh_l0"]
    assert gru.weight_ih_l0.shape == (12, 3)
    assert nn.RNN(3, 4).weight_hh_l0.shape == (4, 4)
    assert [n for n, _ in nn.GRUCell(3, 4).named_parameters()] == ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]
    assert len(lstm.all_weights) == 4 and len(lstm.all_weights[0]) == 4
    lstm.flatten_parameters()


def test_init_range():
    ag.manual_seed(0)
    bound = 1 / math.sqrt(64)
    for layer in (nn.LSTM(10, 64, num_layers=2), nn.GRUCell(10, 64)):
        for p in layer.parameters():
            assert p.array.min() >= -bound and p.array.max() <= bound
            assert p.array.std() == pytest.approx(bound / math.sqrt(3), rel=0.1)


def test_repr():
    assert repr(nn.LSTM(3, 4)) == "LSTM(3, 4)"
    assert repr(nn.GRU(3, 4, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)) == \
        "GRU(3, 4, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)"
    assert repr(nn.LSTM(3, 4, proj_size=2)) == "LSTM(3, 4, proj_size=2)"
    assert repr(nn.RNNCell(3, 4, nonlinearity="relu")) == "RNNCell(3, 4, nonlinearity=relu)"
    assert repr(nn.LSTMCell(3, 4, bias=False)) == "LSTMCell(3, 4, bias=False)"


# ---------------------------------------------------------------------------- dropout, modes, dtype
def test_dropout_between_layers_only_in_training():
    layer = nn.GRU(3, 4, num_layers=2, dropout=1.0)
    x = ag.tensor(_rand(4, 2, 3), dtype=ag.float32)
    layer.eval()
    out_eval, _ = layer(x)
    _check(layer, x.array.astype(np.float64), out_eval, layer(x)[1])
    layer.train()
    out_train, _ = layer(x)
    # with p=1 the second layer sees zeros: its output does not depend on x
    out_train2, _ = layer(ag.tensor(_rand(4, 2, 3, seed=9), dtype=ag.float32))
    np.testing.assert_allclose(out_train.array, out_train2.array, atol=1e-6)
    assert not np.allclose(out_train.array, out_eval.array)
    with pytest.warns(UserWarning, match="num_layers greater than 1"):
        nn.LSTM(3, 4, dropout=0.5)


def test_errors():
    lstm = nn.LSTM(3, 4, num_layers=2)
    with pytest.raises(ValueError, match="Expected input to be 2D or 3D, got 4D"):
        lstm(ag.zeros(1, 2, 3, 4))
    with pytest.raises(RuntimeError, match="input_size. Expected 3, got 5"):
        lstm(ag.zeros(2, 1, 5))
    with pytest.raises(RuntimeError, match=r"LSTM: Expected hidden size \(2, 1, 4\), got \(1, 1, 4\)"):
        lstm(ag.zeros(2, 1, 3), (ag.zeros(1, 1, 4), ag.zeros(2, 1, 4)))
    with pytest.raises(RuntimeError, match="hx must be a tuple"):
        lstm(ag.zeros(2, 1, 3), ag.zeros(2, 1, 4))
    with pytest.raises(RuntimeError, match="hx should also be 2-D"):
        nn.GRU(3, 4)(ag.zeros(2, 3), ag.zeros(1, 1, 4))
    with pytest.raises(RuntimeError, match="dtype float64"):
        lstm(ag.zeros(2, 1, 3, dtype=ag.float64))
    with pytest.raises(ValueError, match="hidden_size must be greater than zero"):
        nn.RNN(3, 0)
    with pytest.raises(ValueError, match="dropout should be a number"):
        nn.GRU(3, 4, dropout=2)
    with pytest.raises(ValueError, match="Unknown nonlinearity"):
        nn.RNN(3, 4, nonlinearity="gelu")
    with pytest.raises(ValueError, match="proj_size has to be smaller"):
        nn.LSTM(3, 4, proj_size=4)
    with pytest.raises(RuntimeError, match="inconsistent input_size"):
        nn.GRUCell(3, 4)(ag.zeros(2, 5))


def test_state_dict_roundtrip_and_double():
    a, b = nn.GRU(3, 4, num_layers=2), nn.GRU(3, 4, num_layers=2)
    b.load_state_dict(a.state_dict())
    x = ag.randn(3, 2, 3)
    np.testing.assert_array_equal(a(x)[0].array, b(x)[0].array)
    a.double()
    assert a(x.double())[0].dtype == ag.float64


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
def test_on_device_matches_cpu(cls, device):
    layer = getattr(nn, cls)(3, 4, num_layers=2, bidirectional=True)
    x = ag.randn(4, 2, 3)
    ref = layer(x)[0].array.copy()
    layer.to(device)
    out, _ = layer(x.to(device))
    assert out.device == device
    np.testing.assert_allclose(out.cpu().array, ref, rtol=1e-5, atol=1e-6)
    out.sum().backward()
    assert all(p.grad.device == device for p in layer.parameters())
    cell = getattr(nn, cls + "Cell")(3, 4, device=device)
    assert cell(ag.randn(2, 3, device=device)) is not None
