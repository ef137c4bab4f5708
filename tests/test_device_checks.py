"""Checks of device data are queued on a GPU (no host synchronisation in a training step) and raised later."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
import optim
from autograd import backend
from tests.conftest import REAL_GPU
from tests.fake_cupy import FakeArray, fake_cupy


@pytest.fixture(autouse=True)
def _sync_checks_off():
    yield
    ag.cuda.set_sync_checks(False)


def test_cpu_checks_raise_at_the_op_with_the_value():
    with pytest.raises(IndexError, match="target class index 7 is out of range for 3 classes"):
        F.cross_entropy(ag.zeros(2, 3), ag.tensor([0, 7]))
    with pytest.raises(IndexError, match="index 9 is out of range for dim 0 with size 4"):
        ag.arange(4.0)[ag.tensor([1, 9])]


def test_gpu_checks_are_queued_and_raised_at_the_next_synchronisation(stand_in):
    x = ag.zeros(2, 3, device="cuda")
    loss = F.cross_entropy(x, ag.tensor([0, 7], device="cuda"))  # no error yet: nothing was read from the GPU
    assert len(backend._pending) == 1
    with pytest.raises(IndexError, match="cross_entropy: a target class index is out of range for 3 classes.*"
                                         "set_sync_checks"):
        loss.item()
    assert not backend._pending  # reported once
    assert loss.item() == loss.item()


@pytest.mark.parametrize("read", ["item", "cpu", "tolist"])
def test_every_synchronising_read_reports(stand_in, read):
    y = ag.arange(4.0, device="cuda")[ag.tensor([1, 9], device="cuda")]
    with pytest.raises(IndexError, match="__getitem__: an index is out of range for dim 0 with size 4"):
        getattr(y.sum(), read)()


@pytest.mark.skipif(not REAL_GPU, reason="synchronize() needs a real GPU")
def test_synchronize_reports():
    F.embedding(ag.tensor([5], device="cuda"), ag.ones(3, 2, device="cuda"))
    with pytest.raises(IndexError, match="embedding: an index is out of range"):
        ag.cuda.synchronize()


def test_sync_checks_and_anomaly_mode_raise_at_the_op(stand_in):
    ag.cuda.set_sync_checks(True)
    assert ag.cuda.sync_checks()
    with pytest.raises(IndexError, match="target class index 7 is out of range for 3 classes"):
        F.cross_entropy(ag.zeros(2, 3, device="cuda"), ag.tensor([0, 7], device="cuda"))
    ag.cuda.set_sync_checks(False)
    with ag.detect_anomaly():
        with pytest.raises(IndexError, match="embedding: index 5 is out of range"):
            F.embedding(ag.tensor([5], device="cuda"), ag.ones(3, 2, device="cuda"))
    assert not backend._pending


@pytest.mark.filterwarnings("ignore:invalid value encountered")  # the op runs on bad input before the check reports
def test_queued_checks_of_several_ops(stand_in):
    with pytest.raises(RuntimeError, match="binary_cross_entropy: all elements of input should be between 0 and 1"):
        F.binary_cross_entropy(ag.tensor([0.5, 1.5], device="cuda"), ag.ones(2, device="cuda")).cpu()
    with pytest.raises(ValueError, match="gaussian_nll_loss: var has negative"):
        F.gaussian_nll_loss(ag.ones(2, device="cuda"), ag.ones(2, device="cuda"),
                            ag.tensor([1.0, -1.0], device="cuda")).item()
    with pytest.raises(RuntimeError, match="gather: an index is out of range for dim 1"):
        ag.gather(ag.ones(2, 3, device="cuda"), 1, ag.tensor([[0], [3]], device="cuda")).cpu()
    ok = F.cross_entropy(ag.zeros(2, 3, device="cuda"), ag.tensor([0, 2], device="cuda"))
    assert abs(ok.item() - np.log(3)) < 1e-6  # passing checks raise nothing


def test_many_queued_checks_stay_bounded(stand_in):
    x = ag.zeros(2, 3, device="cuda")
    for c in range(200):  # one message per class count: the queue is flushed (read) past a bound
        F.cross_entropy(ag.zeros(2, c + 2, device="cuda"), ag.tensor([0, 1], device="cuda"))
    assert len(backend._pending) <= backend._MAX_PENDING
    F.cross_entropy(x, ag.tensor([0, 1], device="cuda")).item()


def test_a_transformer_training_step_never_synchronises(stand_in):
    ag.manual_seed(0)
    vocab, d = 50, 16
    emb = nn.Embedding(vocab, d).to("cuda")
    layer = nn.TransformerEncoderLayer(d, 2, dim_feedforward=32, dropout=0.1, batch_first=True, norm_first=True,
                                       activation="gelu").to("cuda")
    head = nn.Linear(d, vocab).to("cuda")
    params = list(emb.parameters()) + list(layer.parameters()) + list(head.parameters())
    opt = optim.AdamW(params, lr=1e-3)
    tokens = ag.randint(0, vocab, (3, 8), device="cuda")
    target = ag.randint(0, vocab, (3, 8), device="cuda")

    def step():
        opt.zero_grad()
        h = layer(emb(tokens))
        loss = F.cross_entropy(head(F.dropout(h, 0.1)).reshape(-1, vocab), target.reshape(-1),
                               label_smoothing=0.1)
        loss.backward()
        nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        return loss

    step()  # first step creates optimizer state
    mp = pytest.MonkeyPatch()
    try:
        _refuse_reads(mp)
        loss = step()
    finally:
        mp.undo()
    assert np.isfinite(loss.item())


def test_a_cnn_free_mlp_step_with_sgd_never_synchronises(stand_in):
    ag.manual_seed(0)
    net = nn.Sequential(nn.Linear(8, 16), nn.LayerNorm(16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 4)).to("cuda")
    opt = optim.SGD(net.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4)
    x, y = ag.randn(5, 8, device="cuda"), ag.randint(0, 4, (5,), device="cuda")

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        return loss

    step()
    mp = pytest.MonkeyPatch()
    try:
        _refuse_reads(mp)
        step()
    finally:
        mp.undo()


def _refuse_reads(mp):
    def refuse(*args, **kwargs):
        raise AssertionError("a training step read device data on the host (a GPU synchronisation)")

    for name in ("__bool__", "__float__", "__int__", "__index__", "get"):
        mp.setattr(FakeArray, name, refuse)
    forward = FakeArray.__getattr__

    def getattr_(self, name):
        if name in ("item", "tolist"):
            refuse()
        return forward(self, name)

    mp.setattr(FakeArray, "__getattr__", getattr_)
    mp.setattr(fake_cupy, "asnumpy", refuse)
    mp.setattr(backend, "to_device", refuse)
