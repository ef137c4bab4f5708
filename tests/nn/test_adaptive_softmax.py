"""AdaptiveLogSoftmaxWithLoss against numpy and torch (copied weights): output, loss, gradients, log_prob, predict."""
import numpy as np
import pytest

import autograd as ag
import nn

CONFIGS = [dict(in_features=8, n_classes=10, cutoffs=[3, 6], div_value=2.0, head_bias=True),
           dict(in_features=16, n_classes=12, cutoffs=[4], div_value=4.0, head_bias=False),
           dict(in_features=6, n_classes=9, cutoffs=(2, 5, 7), div_value=1.5, head_bias=False)]


def _log_softmax(z):
    z = z - z.max(1, keepdims=True)
    return z - np.log(np.exp(z).sum(1, keepdims=True))


def ref_log_prob(m, x):
    """The full (N, n_classes) log-probabilities from the layer's weights, in numpy."""
    w = {k: v.detach().numpy() for k, v in m.state_dict().items()}
    head = x @ w["head.weight"].T + (w["head.bias"] if "head.bias" in w else 0)
    head_lp = _log_softmax(head)
    parts = [head_lp[:, :m.shortlist_size]]
    for i in range(m.n_clusters):
        tail = x @ w[f"tail.{i}.0.weight"].T @ w[f"tail.{i}.1.weight"].T
        parts.append(_log_softmax(tail) + head_lp[:, m.shortlist_size + i:m.shortlist_size + i + 1])
    return np.concatenate(parts, 1)


def _pair(cfg):
    torch = pytest.importorskip("torch")
    ag.manual_seed(0)
    mine = nn.AdaptiveLogSoftmaxWithLoss(**cfg).double()
    theirs = torch.nn.AdaptiveLogSoftmaxWithLoss(**cfg).double()
    assert list(mine.state_dict()) == list(theirs.state_dict())
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in mine.state_dict().items()})
    return torch, mine, theirs


@pytest.mark.parametrize("cfg", CONFIGS)
def test_matches_torch_and_numpy(cfg):
    torch, mine, theirs = _pair(cfg)
    assert repr(mine) == repr(theirs)
    for attr in ("cutoffs", "shortlist_size", "n_clusters", "head_size", "in_features", "n_classes"):
        assert getattr(mine, attr) == getattr(theirs, attr)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((7, cfg["in_features"]))
    y = np.array(list(range(cfg["n_classes"]))[:7])
    y[-1] = cfg["n_classes"] - 1
    xm, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out = mine(xm, ag.tensor(y))
    want = theirs(xt, torch.tensor(y))
    assert out._fields == ("output", "loss")
    full = ref_log_prob(mine, x)
    np.testing.assert_allclose(out.output.detach().numpy(), full[np.arange(7), y], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(out.output.detach().numpy(), want.output.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(out.loss.item(), want.loss.item(), rtol=1e-12)
    (out.loss + out.output[0]).backward()
    (want.loss + want.output[0]).backward()
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    theirs_params = dict(theirs.named_parameters())
    for name, p in mine.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), theirs_params[name].grad.numpy(), rtol=1e-10, atol=1e-12)
    lp = mine.log_prob(ag.tensor(x)).detach().numpy()
    np.testing.assert_allclose(lp, full, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(lp, theirs.log_prob(torch.tensor(x)).detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(np.exp(lp).sum(1), 1.0, rtol=1e-12)
    pred = mine.predict(ag.tensor(x))
    assert pred.dtype == ag.int64
    np.testing.assert_array_equal(pred.numpy(), lp.argmax(1))
    np.testing.assert_array_equal(pred.numpy(), theirs.predict(torch.tensor(x)).numpy())


def test_unbatched_input_and_empty_clusters():
    torch, mine, theirs = _pair(CONFIGS[0])
    x = np.random.default_rng(2).standard_normal(8)
    out = mine(ag.tensor(x), ag.tensor(7))
    want = theirs(torch.tensor(x), torch.tensor(7))
    assert out.output.shape == () and out.loss.shape == ()
    np.testing.assert_allclose(out.output.item(), want.output.item(), rtol=1e-12)
    rows = np.random.default_rng(3).standard_normal((3, 8))
    only_head = mine(ag.tensor(rows), ag.tensor([0, 1, 2]))  # no row reaches a tail
    np.testing.assert_allclose(only_head.output.detach().numpy(), ref_log_prob(mine, rows)[np.arange(3), [0, 1, 2]],
                               rtol=1e-12)


def test_gradcheck_and_gradgradcheck_through_the_layer():
    """w.r.t. the input and every parameter (gradcheck perturbs the tensors it is given in place)."""
    ag.manual_seed(0)
    m = nn.AdaptiveLogSoftmaxWithLoss(4, 6, [2, 4], div_value=2.0, head_bias=True).double()
    y = ag.tensor([0, 3, 5, 1])
    x = ag.randn(4, 4, dtype=ag.float64, requires_grad=True)
    inputs = (x, *m.parameters())
    assert ag.gradcheck(lambda *_: m(x, y), inputs)
    assert ag.gradgradcheck(lambda *_: m(x, y), inputs)
    assert ag.gradcheck(lambda *_: m.log_prob(x), inputs)


def test_constructor_errors():
    with pytest.raises(ValueError, match="length larger than 0"):
        nn.AdaptiveLogSoftmaxWithLoss(8, 10, [])
    for bad in ([6, 3], [3, 10], [0, 3], [3, 3], [3.5], [True]):
        with pytest.raises(ValueError, match="unique, positive integers"):
            nn.AdaptiveLogSoftmaxWithLoss(8, 10, bad)


def test_forward_errors():
    m = nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], div_value=2.0)
    x, y = ag.randn(5, 8), ag.tensor([0, 4, 9, 2, 7])
    cases = [((x, y[:3]), "same size in the batch dimension"),
             ((x, ag.tensor([0, 4, 10, 2, 7])), r"should be in \[0, 9\], but values in range \[0, 10\]"),
             ((x, ag.tensor([0, 4, -1, 2, 7])), r"range \[-1, 7\]"),
             ((ag.randn(5, 7), y), r"expected input of shape \(N, 8\)"),
             ((ag.randn(5, 2, 8), y), "1D target tensor expects 2D input"),
             ((x[0], y), "same size in the batch dimension"),
             ((x, ag.tensor(3)), "0D target tensor expects 1D input"),
             ((x, ag.zeros(5, 1, dtype=ag.int64)), "multi-target not supported"),
             ((x, ag.zeros(5)), "integer tensor")]
    for args, match in cases:
        with pytest.raises(RuntimeError, match=match):
            m(*args)
    with pytest.raises(TypeError, match="must be tensors"):
        m(x, [0, 1, 2, 3, 4])
    for op in (m.log_prob, m.predict):
        with pytest.raises(RuntimeError, match="expected input of shape"):
            op(x[0])


def test_reset_parameters_and_the_gpu_backend(stand_in):
    m = nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], div_value=2.0)
    before = m.tail[0][0].weight.detach().numpy().copy()
    m.reset_parameters()
    assert not np.array_equal(before, m.tail[0][0].weight.detach().numpy())
    m.to("cuda")
    x = ag.randn(5, 8, device="cuda")
    out = m(x, ag.tensor([0, 4, 9, 2, 7], device="cuda"))
    out.loss.backward()
    assert out.output.device == ag.device("cuda") and m.tail[1][1].weight.grad.device == ag.device("cuda")
    assert m.predict(x).device == ag.device("cuda") and m.log_prob(x).shape == (5, 10)
