"""Layers against PyTorch: a torch layer's state_dict loaded into ours, outputs and every gradient in float64."""
import numpy as np
import pytest

import autograd as ag
import nn

torch = pytest.importorskip("torch")

RTOL, ATOL = 1e-9, 1e-11


def _pair(ours, ref):
    """ours and ref in float64 with ref's parameters and buffers (through load_state_dict, as a user would)."""
    ref = ref.double()
    ours = ours.double()
    res = ours.load_state_dict(ref.state_dict())
    assert res.missing_keys == [] and res.unexpected_keys == []
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in ref.named_parameters()]
    return ours, ref


def _inputs(rng, *shapes):
    return [rng.standard_normal(s) for s in shapes]


def _close(got, want, what):
    np.testing.assert_allclose(np.asarray(got), want.detach().numpy(), rtol=RTOL, atol=ATOL, err_msg=what)


def _check(ours, ref, arrays, run_ours, run_ref, const=(), seed=0):
    """Run both on the same float64 inputs (arrays get gradients; const are passed as they are), backpropagate the
    same random weighting of every output, and compare outputs, input gradients and parameter gradients."""
    xs = [ag.tensor(a, requires_grad=True) for a in arrays]
    txs = [torch.tensor(a, requires_grad=True) for a in arrays]
    outs = run_ours(ours, *xs, *const[0]) if const else run_ours(ours, *xs)
    touts = run_ref(ref, *txs, *const[1]) if const else run_ref(ref, *txs)
    assert len(outs) == len(touts)
    rng = np.random.default_rng(seed + 100)
    loss, tloss = 0, 0
    for i, (o, t) in enumerate(zip(outs, touts)):
        assert tuple(o.shape) == tuple(t.shape), (i, o.shape, t.shape)
        _close(o.array, t, f"output {i}")
        w = rng.standard_normal(tuple(o.shape))
        loss = loss + (o * ag.tensor(w)).sum()
        tloss = tloss + (t * torch.tensor(w)).sum()
    loss.backward()
    tloss.backward()
    for i, (x, tx) in enumerate(zip(xs, txs)):
        _close(x.grad.array, tx.grad, f"gradient of input {i}")
    tparams = dict(ref.named_parameters())
    for name, p in ours.named_parameters():
        tp = tparams[name]
        if tp.grad is None:
            assert p.grad is None or not p.grad.array.any(), name
        else:
            _close(p.grad.array, tp.grad, f"gradient of {name}")
    return outs, touts


def _zero_grads(*layers):
    for layer in layers:
        layer.zero_grad()


# ---------------------------------------------------------------------------- transformer
@pytest.mark.parametrize("norm_first, activation", [(False, "relu"), (True, "gelu")])
def test_transformer_encoder_layer(norm_first, activation):
    torch.manual_seed(0)
    kw = dict(d_model=8, nhead=2, dim_feedforward=12, dropout=0.0, activation=activation, batch_first=True,
              norm_first=norm_first)
    ours, ref = _pair(nn.TransformerEncoderLayer(**kw), torch.nn.TransformerEncoderLayer(**kw))
    n, length = 3, 5
    causal = np.triu(np.ones((length, length), dtype=bool), 1)
    pad = np.zeros((n, length), dtype=bool)
    pad[0, -2:] = True
    pad[2, -1] = True
    masks = (ag.tensor(causal), ag.tensor(pad)), (torch.tensor(causal), torch.tensor(pad))
    _check(ours, ref, _inputs(np.random.default_rng(0), (n, length, 8)),
           lambda m, x, mask, kpm: [m(x, src_mask=mask, src_key_padding_mask=kpm)],
           lambda m, x, mask, kpm: [m(x, src_mask=mask, src_key_padding_mask=kpm)], const=masks)


@pytest.mark.parametrize("norm_first, activation", [(False, "relu"), (True, "gelu")])
def test_transformer_decoder_layer(norm_first, activation):
    torch.manual_seed(1)
    kw = dict(d_model=8, nhead=4, dim_feedforward=10, dropout=0.0, activation=activation, batch_first=True,
              norm_first=norm_first)
    ours, ref = _pair(nn.TransformerDecoderLayer(**kw), torch.nn.TransformerDecoderLayer(**kw))
    n, t_len, s_len = 2, 4, 6
    causal = torch.nn.Transformer.generate_square_subsequent_mask(t_len, dtype=torch.float64)  # 0 / -inf
    mem_pad = np.zeros((n, s_len), dtype=bool)
    mem_pad[1, -3:] = True
    masks = ((ag.tensor(causal.numpy()), ag.tensor(mem_pad)), (causal, torch.tensor(mem_pad)))
    _check(ours, ref, _inputs(np.random.default_rng(1), (n, t_len, 8), (n, s_len, 8)),
           lambda m, tgt, mem, mask, kpm: [m(tgt, mem, tgt_mask=mask, memory_key_padding_mask=kpm,
                                             tgt_is_causal=True)],
           lambda m, tgt, mem, mask, kpm: [m(tgt, mem, tgt_mask=mask, memory_key_padding_mask=kpm,
                                             tgt_is_causal=True)], const=masks)


# ---------------------------------------------------------------------------- recurrent
def _rnn_run(m, x, *state):
    out, h = m(x, (state[0] if len(state) == 1 else tuple(state)) if state else None)
    return [out, *h] if isinstance(h, tuple) else [out, h]


@pytest.mark.parametrize("kind, kw", [
    ("RNN", {}), ("RNN", {"nonlinearity": "relu"}), ("GRU", {}), ("LSTM", {}), ("LSTM", {"proj_size": 3}),
], ids=["rnn-tanh", "rnn-relu", "gru", "lstm", "lstm-proj"])
def test_recurrent_two_layers_bidirectional_batch_first(kind, kw):
    torch.manual_seed(2)
    args = dict(input_size=4, hidden_size=5, num_layers=2, bidirectional=True, batch_first=True, dropout=0.0, **kw)
    ours, ref = _pair(getattr(nn, kind)(**args), getattr(torch.nn, kind)(**args))
    n, length = 3, 6
    h_size = kw.get("proj_size") or 5
    shapes = [(n, length, 4), (4, n, h_size)] + ([(4, n, 5)] if kind == "LSTM" else [])
    _check(ours, ref, _inputs(np.random.default_rng(2), *shapes), _rnn_run, _rnn_run)
    _zero_grads(ours, ref)  # and without an initial state
    _check(ours, ref, _inputs(np.random.default_rng(3), (n, length, 4)), lambda m, x: _rnn_run(m, x)[:1],
           lambda m, x: _rnn_run(m, x)[:1])


# ---------------------------------------------------------------------------- attention
@pytest.mark.parametrize("kw", [{}, {"kdim": 3, "vdim": 5, "add_bias_kv": True}, {"add_zero_attn": True}],
                         ids=["plain", "kdim-vdim-bias_kv", "zero_attn"])
@pytest.mark.parametrize("average", [True, False])
def test_multihead_attention_with_masks(kw, average):
    torch.manual_seed(3)
    e, h, n, t_len, s_len = 6, 2, 2, 4, 5
    ours, ref = _pair(nn.MultiheadAttention(e, h, dropout=0.0, **kw), torch.nn.MultiheadAttention(e, h, **kw))
    rng = np.random.default_rng(4)
    attn_mask = rng.standard_normal((t_len, s_len))  # a float mask is added to the scores
    attn_mask[:, 0] = -np.inf
    attn_mask[-1, -1] = -np.inf
    pad = np.zeros((n, s_len))  # float too (PyTorch deprecates mixing a bool and a float mask)
    pad[1, 1] = -np.inf
    pad[0, 2] = -0.5
    masks = (ag.tensor(attn_mask), ag.tensor(pad)), (torch.tensor(attn_mask), torch.tensor(pad))
    shapes = [(t_len, n, e), (s_len, n, kw.get("kdim", e)), (s_len, n, kw.get("vdim", e))]

    def run(m, q, k, v, mask, kpm):
        return list(m(q, k, v, key_padding_mask=kpm, attn_mask=mask, average_attn_weights=average))

    _check(ours, ref, _inputs(rng, *shapes), run, run, const=masks)


def test_multihead_self_attention_with_a_per_head_bool_mask():
    torch.manual_seed(4)
    e, h, n, length = 8, 2, 3, 4
    ours, ref = _pair(nn.MultiheadAttention(e, h, batch_first=True), torch.nn.MultiheadAttention(e, h,
                                                                                                 batch_first=True))
    rng = np.random.default_rng(5)
    mask = rng.random((n * h, length, length)) < 0.3
    mask[..., 0] = False  # every query attends to something
    masks = (ag.tensor(mask),), (torch.tensor(mask),)
    _check(ours, ref, _inputs(rng, (n, length, e)), lambda m, x, msk: list(m(x, x, x, attn_mask=msk)),
           lambda m, x, msk: list(m(x, x, x, attn_mask=msk)), const=masks)


# ---------------------------------------------------------------------------- convolution
@pytest.mark.parametrize("kw", [
    dict(in_channels=4, out_channels=6, kernel_size=(3, 2), stride=(2, 1), padding=(1, 2), dilation=(2, 1), groups=2),
    dict(in_channels=6, out_channels=3, kernel_size=3, stride=1, padding="same", dilation=2, groups=3, bias=False),
    dict(in_channels=4, out_channels=4, kernel_size=3, stride=2, padding=1, groups=4, padding_mode="reflect"),
    dict(in_channels=2, out_channels=4, kernel_size=2, stride=(1, 2), padding=1, padding_mode="circular"),
], ids=["groups-dilation-stride", "same-depthwise-ish", "depthwise-reflect", "circular"])
def test_conv2d(kw):
    torch.manual_seed(5)
    ours, ref = _pair(nn.Conv2d(**kw), torch.nn.Conv2d(**kw))
    _check(ours, ref, _inputs(np.random.default_rng(6), (2, kw["in_channels"], 7, 8)), lambda m, x: [m(x)],
           lambda m, x: [m(x)])


@pytest.mark.parametrize("kw", [
    dict(in_channels=4, out_channels=6, kernel_size=3, stride=2, padding=1, output_padding=1, groups=2, dilation=2),
    dict(in_channels=6, out_channels=3, kernel_size=(2, 3), stride=(3, 1), padding=(0, 1), groups=3, bias=False),
], ids=["groups-dilation-stride-output_padding", "groups-rect"])
def test_conv_transpose2d(kw):
    torch.manual_seed(6)
    ours, ref = _pair(nn.ConvTranspose2d(**kw), torch.nn.ConvTranspose2d(**kw))
    _check(ours, ref, _inputs(np.random.default_rng(7), (2, kw["in_channels"], 4, 5)), lambda m, x: [m(x)],
           lambda m, x: [m(x)])


def test_conv_transpose2d_with_output_size():
    torch.manual_seed(7)
    kw = dict(in_channels=2, out_channels=4, kernel_size=3, stride=2, padding=1, groups=2)
    ours, ref = _pair(nn.ConvTranspose2d(**kw), torch.nn.ConvTranspose2d(**kw))
    _check(ours, ref, _inputs(np.random.default_rng(8), (1, 2, 4, 4)), lambda m, x: [m(x, output_size=[8, 8])],
           lambda m, x: [m(x, output_size=[8, 8])])


# ---------------------------------------------------------------------------- normalization
@pytest.mark.parametrize("momentum", [0.1, None])
def test_batchnorm2d_train_then_eval(momentum):
    torch.manual_seed(8)
    ours, ref = _pair(nn.BatchNorm2d(3, momentum=momentum), torch.nn.BatchNorm2d(3, momentum=momentum))
    with torch.no_grad():  # weight and bias other than 1 and 0
        ref.weight.uniform_(0.5, 1.5)
        ref.bias.uniform_(-0.5, 0.5)
    ours.load_state_dict(ref.state_dict())
    rng = np.random.default_rng(9)
    for step in range(2):  # training: batch statistics, running statistics updated
        _zero_grads(ours, ref)
        _check(ours.train(), ref.train(), [rng.standard_normal((4, 3, 2, 3)) * 2 + 1], lambda m, x: [m(x)],
               lambda m, x: [m(x)])
        for name, buf in ref.named_buffers():
            _close(dict(ours.named_buffers())[name].array, buf, f"{name} after training step {step}")
    _zero_grads(ours, ref)  # eval: the running statistics
    _check(ours.eval(), ref.eval(), [rng.standard_normal((2, 3, 4, 2))], lambda m, x: [m(x)], lambda m, x: [m(x)])


# ---------------------------------------------------------------------------- embedding
@pytest.mark.parametrize("scale_grad_by_freq", [False, True])
def test_embedding_with_padding_idx(scale_grad_by_freq):
    torch.manual_seed(9)
    kw = dict(num_embeddings=7, embedding_dim=4, padding_idx=2, scale_grad_by_freq=scale_grad_by_freq)
    ours, ref = _pair(nn.Embedding(**kw), torch.nn.Embedding(**kw))
    idx = np.array([[0, 2, 5, 2], [5, 5, 1, 6]])
    _check(ours, ref, [], lambda m, i: [m(i)], lambda m, i: [m(i)],
           const=((ag.tensor(idx),), (torch.tensor(idx),)))
    np.testing.assert_array_equal(ours.weight.grad.array[2], 0)  # the padding row gets no gradient


def test_state_dict_round_trip_back_into_torch():
    torch.manual_seed(10)
    ours = nn.LSTM(3, 4, 2, bidirectional=True, proj_size=2)
    ref = torch.nn.LSTM(3, 4, 2, bidirectional=True, proj_size=2)
    ref.load_state_dict({k: torch.from_numpy(np.array(v.array)) for k, v in ours.state_dict().items()})
    for k, v in ref.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), ours.state_dict()[k].array, err_msg=k)
