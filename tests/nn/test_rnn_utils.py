"""nn.utils.rnn: padding and packing sequences, and the recurrent layers on packed input.

References: numpy for the layouts, each sequence run alone through the same layer for packed input, and PyTorch
when it is installed."""
import numpy as np
import pytest

import autograd as ag
import nn
from nn.utils import rnn

LENGTHS = [3, 5, 2]


def _padded(rng, steps=5, batch=3, features=2):
    return rng.standard_normal((steps, batch, features))


# ---------------------------------------------------------------------------- layouts against numpy
def test_pack_padded_sequence_layout():
    x = _padded(np.random.default_rng(0))
    packed = rnn.pack_padded_sequence(ag.tensor(x), LENGTHS, enforce_sorted=False)
    order = [1, 0, 2]  # by decreasing length, ties kept in batch order
    expected = np.concatenate([x[t, [b for b in order if LENGTHS[b] > t]] for t in range(5)])
    np.testing.assert_array_equal(packed.data.numpy(), expected)
    assert packed.batch_sizes.tolist() == [3, 3, 2, 1, 1]
    assert packed.batch_sizes.dtype == ag.int64 and packed.batch_sizes.device.type == "cpu"
    assert packed.sorted_indices.tolist() == order
    assert packed.unsorted_indices.tolist() == [1, 0, 2]


def test_pad_packed_sequence_restores_batch_order_and_pads():
    x = _padded(np.random.default_rng(1))
    packed = rnn.pack_padded_sequence(ag.tensor(x).transpose(0, 1), ag.tensor(LENGTHS), batch_first=True,
                                      enforce_sorted=False)
    padded, lengths = rnn.pad_packed_sequence(packed, batch_first=True, padding_value=-7.0, total_length=6)
    assert lengths.tolist() == LENGTHS and lengths.dtype == ag.int64
    got = padded.numpy()
    assert got.shape == (3, 6, 2)
    for b, n in enumerate(LENGTHS):
        np.testing.assert_array_equal(got[b, :n], x[:n, b])
        assert (got[b, n:] == -7.0).all()


def test_pad_sequence_sides_and_batch_first():
    rng = np.random.default_rng(2)
    seqs = [rng.standard_normal((n, 2)) for n in (2, 4, 1)]
    right = rnn.pad_sequence([ag.tensor(s) for s in seqs]).numpy()
    left = rnn.pad_sequence([ag.tensor(s) for s in seqs], batch_first=True, padding_value=9.0,
                            padding_side="left").numpy()
    assert right.shape == (4, 3, 2) and left.shape == (3, 4, 2)
    for b, s in enumerate(seqs):
        np.testing.assert_array_equal(right[:len(s), b], s)
        assert (right[len(s):, b] == 0).all()
        np.testing.assert_array_equal(left[b, 4 - len(s):], s)
        assert (left[b, :4 - len(s)] == 9.0).all()


def test_round_trips():
    rng = np.random.default_rng(3)
    seqs = [ag.tensor(rng.standard_normal((n, 3))) for n in (4, 1, 3)]
    for got, want in zip(rnn.unpack_sequence(rnn.pack_sequence(seqs, enforce_sorted=False)), seqs):
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    padded = rnn.pad_sequence(seqs, batch_first=True)
    for got, want in zip(rnn.unpad_sequence(padded, [4, 1, 3], batch_first=True), seqs):
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    perm = ag.tensor([2, 0, 3, 1])
    assert rnn.invert_permutation(perm).tolist() == [1, 3, 0, 2]


def test_packed_sequence_conversions():
    packed = rnn.pack_sequence([ag.ones(3, 2), ag.ones(2, 2)])
    double = packed.double()
    assert isinstance(double, rnn.PackedSequence) and double.data.dtype == ag.float64
    assert double.batch_sizes is packed.batch_sizes and not packed.is_cuda
    assert packed.to(ag.float32) is packed and packed.cpu() is packed


def test_gradients_flow_through_pack_and_pad():
    rng = np.random.default_rng(4)
    x = ag.tensor(_padded(rng), requires_grad=True)

    def f(x):
        packed = rnn.pack_padded_sequence(x, LENGTHS, enforce_sorted=False)
        return rnn.pad_packed_sequence(packed, padding_value=0.5)[0] * 2.0

    assert ag.gradcheck(f, (x,))
    f(x).sum().backward()
    mask = np.arange(5)[:, None] < np.array(LENGTHS)[None, :]
    np.testing.assert_array_equal(x.grad.numpy(), np.where(mask[..., None], 2.0, 0.0) * np.ones((5, 3, 2)))


# ---------------------------------------------------------------------------- errors
def test_errors():
    x = ag.zeros(5, 3, 2)
    with pytest.raises(RuntimeError, match="sorted in decreasing order"):
        rnn.pack_padded_sequence(x, LENGTHS)
    with pytest.raises(RuntimeError, match="greater than 0"):
        rnn.pack_padded_sequence(x, [3, 0, 1])
    with pytest.raises(RuntimeError, match="equal to batch_size"):
        rnn.pack_padded_sequence(x, [3, 2])
    with pytest.raises(RuntimeError, match="6 does not fit an input of 5 time steps"):
        rnn.pack_padded_sequence(x, [6, 2, 1])
    with pytest.raises(TypeError, match="integers"):
        rnn.pack_padded_sequence(x, [2.5, 2, 1])
    packed = rnn.pack_padded_sequence(x, [5, 2, 1])
    with pytest.raises(ValueError, match="total_length=4"):
        rnn.pad_packed_sequence(packed, total_length=4)
    with pytest.raises(ValueError, match="padding_side"):
        rnn.pad_sequence([ag.zeros(2)], padding_side="middle")
    with pytest.raises(RuntimeError, match="agree in every dimension"):
        rnn.pad_sequence([ag.zeros(2, 3), ag.zeros(2, 4)])
    with pytest.raises(RuntimeError, match="empty list"):
        rnn.pad_sequence([])


# ---------------------------------------------------------------------------- recurrent layers on packed input
@pytest.mark.parametrize("cls", [nn.RNN, nn.LSTM, nn.GRU])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_packed_input_equals_each_sequence_alone(cls, bidirectional):
    ag.manual_seed(0)
    layer = cls(2, 3, num_layers=2, bidirectional=bidirectional, dtype=ag.float64)
    rng = np.random.default_rng(5)
    x = _padded(rng)
    h0 = rng.standard_normal((4 if bidirectional else 2, 3, 3))
    state = (ag.tensor(h0), ag.tensor(-h0)) if cls is nn.LSTM else ag.tensor(h0)
    out, hidden = layer(rnn.pack_padded_sequence(ag.tensor(x), LENGTHS, enforce_sorted=False), state)
    assert isinstance(out, rnn.PackedSequence)
    padded, _ = rnn.pad_packed_sequence(out)
    for b, n in enumerate(LENGTHS):
        one = (ag.tensor(h0[:, b:b + 1]), ag.tensor(-h0[:, b:b + 1])) if cls is nn.LSTM else ag.tensor(h0[:, b:b + 1])
        alone, last = layer(ag.tensor(x[:n, b:b + 1]), one)
        np.testing.assert_allclose(padded.detach().numpy()[:n, b], alone.detach().numpy()[:, 0], atol=1e-12)
        assert (padded.detach().numpy()[n:, b] == 0).all()
        for got, want in zip(hidden if cls is nn.LSTM else (hidden,), last if cls is nn.LSTM else (last,)):
            np.testing.assert_allclose(got.detach().numpy()[:, b], want.detach().numpy()[:, 0], atol=1e-12)


def test_packed_lstm_gradcheck():
    ag.manual_seed(1)
    layer = nn.LSTM(2, 2, bidirectional=True, dtype=ag.float64)
    x = ag.tensor(_padded(np.random.default_rng(6)), requires_grad=True)
    weights = list(layer.parameters())

    def f(x, *ws):
        out, (h, c) = layer(rnn.pack_padded_sequence(x, LENGTHS, enforce_sorted=False))
        return rnn.pad_packed_sequence(out)[0].sum() + h.sum() * 0.5 + c.sum() * 0.25

    assert ag.gradcheck(f, (x, *weights), atol=1e-6)


def test_packed_input_errors():
    layer = nn.GRU(2, 3)
    packed = rnn.pack_padded_sequence(ag.zeros(5, 3, 2), LENGTHS, enforce_sorted=False)
    with pytest.raises(RuntimeError, match="Expected hidden size"):
        layer(packed, ag.zeros(1, 2, 3))
    with pytest.raises(RuntimeError, match="input_size"):
        nn.GRU(4, 3)(packed)


@pytest.mark.parametrize("mode", ["LSTM", "GRU", "RNN"])
def test_packed_against_pytorch(mode):
    torch = pytest.importorskip("torch")
    tr = torch.nn.utils.rnn
    theirs = getattr(torch.nn, mode)(3, 4, num_layers=2, bidirectional=True, batch_first=True).double()
    ours = getattr(nn, mode)(3, 4, num_layers=2, bidirectional=True, batch_first=True, dtype=ag.float64)
    ours.load_state_dict({k: ag.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(7).standard_normal((3, 5, 3))
    tx, ox = torch.tensor(x, requires_grad=True), ag.tensor(x, requires_grad=True)
    to, th = theirs(tr.pack_padded_sequence(tx, LENGTHS, batch_first=True, enforce_sorted=False))
    oo, oh = ours(rnn.pack_padded_sequence(ox, LENGTHS, batch_first=True, enforce_sorted=False))
    tp, tl = tr.pad_packed_sequence(to, batch_first=True)
    op, ol = rnn.pad_packed_sequence(oo, batch_first=True)
    th, oh = (th[0], oh[0]) if mode == "LSTM" else (th, oh)
    np.testing.assert_allclose(op.detach().numpy(), tp.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(oh.detach().numpy(), th.detach().numpy(), atol=1e-12)
    assert ol.tolist() == tl.tolist()
    ((tp ** 2).sum() + th.sum()).backward()
    ((op ** 2).sum() + oh.sum()).backward()
    np.testing.assert_allclose(ox.grad.numpy(), tx.grad.numpy(), atol=1e-12)
    for (name, p), q in zip(theirs.named_parameters(), ours.parameters()):
        np.testing.assert_allclose(q.grad.numpy(), p.grad.numpy(), atol=1e-12, err_msg=name)
