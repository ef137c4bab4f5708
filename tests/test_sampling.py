"""Samplers of generation loops: multinomial, bernoulli, poisson, normal's forms and the in-place geometric_, cauchy_,
log_normal_ (and the older in-place samplers' generator=): distributions, seeding, errors, on every device."""
import math

import numpy as np
import pytest

import autograd as ag
from autograd import backend


@pytest.fixture(autouse=True)
def _restore_rng_state():
    state = ag.get_rng_state()
    yield
    ag.set_rng_state(state)


def _np(t):
    return np.asarray(t.cpu().tolist())


def _chi2_pvalue(counts, probs):
    """Pearson's chi-square test of observed counts against category probabilities (scipy's p-value)."""
    stats = pytest.importorskip("scipy.stats")
    counts, probs = np.asarray(counts, np.float64), np.asarray(probs, np.float64)
    expected = probs / probs.sum() * counts.sum()
    keep = expected > 0
    assert counts[~keep].sum() == 0, "a category of probability 0 was drawn"
    if keep.sum() == 1:  # one possible outcome: nothing to test beyond the line above
        return 1.0
    return stats.chisquare(counts[keep], expected[keep]).pvalue


# ---------------------------------------------------------------------------- multinomial
def test_multinomial_shapes_and_dtype(device):
    p = ag.tensor([0.1, 0.0, 0.9], device=device)
    out = ag.multinomial(p, 2)
    assert out.shape == (2,) and out.dtype == ag.int64 and out.device.type == device
    assert ag.multinomial(p, 7, replacement=True).shape == (7,)
    rows = ag.tensor([[1.0, 2.0, 0.0], [0.0, 0.0, 5.0]], device=device)
    assert ag.multinomial(rows, 4, True).shape == (2, 4) and rows.multinomial(1).tolist() in ([[0], [2]], [[1], [2]])
    assert ag.multinomial(ag.ones(0, 3, device=device), 2).shape == (0, 2)


@pytest.mark.parametrize("replacement", [True, False])
def test_multinomial_never_draws_zero_weights(device, replacement):
    ag.manual_seed(0)
    w = ag.tensor([[0.0, 3.0, 0.0, 1.0, 0.0], [2.0, 0.0, 0.0, 0.0, 7.0]] * 50, device=device)
    out = _np(ag.multinomial(w, 2, replacement))
    allowed = np.array([[1, 3], [0, 4]] * 50)
    assert all(set(row) <= set(a) for row, a in zip(out, allowed))
    if not replacement:
        assert all(len(set(row)) == 2 for row in out)


def test_multinomial_with_replacement_follows_the_weights(device):
    ag.manual_seed(1)
    w = [1.0, 0.0, 2.0, 3.0, 4.0, 0.5]  # unnormalised
    out = _np(ag.multinomial(ag.tensor(w, device=device), 60000, replacement=True))
    assert _chi2_pvalue(np.bincount(out, minlength=6), w) > 1e-4


def test_multinomial_rows_are_independent_distributions(device):
    ag.manual_seed(2)
    w = np.array([[1.0, 1.0, 8.0], [5.0, 0.0, 5.0], [0.0, 1.0, 0.0]])
    out = _np(ag.multinomial(ag.tensor(w, device=device), 20000, replacement=True))
    for r in range(3):
        assert _chi2_pvalue(np.bincount(out[r], minlength=3), w[r]) > 1e-4


def test_multinomial_without_replacement_draws_in_sequence(device):
    """The first draw follows the weights; the second, the weights of the rest renormalised."""
    ag.manual_seed(3)
    w = np.array([1.0, 2.0, 3.0, 4.0])
    out = _np(ag.multinomial(ag.tensor(np.tile(w, (20000, 1)), device=device), 2))
    assert (out[:, 0] != out[:, 1]).all()
    p = w / w.sum()
    second = [sum(p[j] * p[i] / (1 - p[j]) for j in range(4) if j != i) for i in range(4)]
    assert _chi2_pvalue(np.bincount(out[:, 0], minlength=4), p) > 1e-4
    assert _chi2_pvalue(np.bincount(out[:, 1], minlength=4), second) > 1e-4


def test_multinomial_all_categories_is_a_permutation(device):
    out = _np(ag.multinomial(ag.tensor([[1.0, 5.0, 2.0, 0.5]] * 10, device=device), 4))
    assert all(sorted(row) == [0, 1, 2, 3] for row in out)


def test_multinomial_is_seeded_and_not_differentiable(device):
    p = ag.tensor([0.2, 0.3, 0.5], device=device, requires_grad=True)
    ag.manual_seed(7)
    a = ag.multinomial(p, 10, True).tolist()
    ag.manual_seed(7)
    b = ag.multinomial(p, 10, True)
    assert b.tolist() == a and b.grad_fn is None and not b.requires_grad
    g = ag.Generator().manual_seed(7)
    c = ag.multinomial(p, 10, True, generator=g).tolist()
    assert ag.multinomial(p, 10, True, generator=ag.Generator().manual_seed(7)).tolist() == c


def test_multinomial_errors():
    p = ag.tensor([0.5, 0.0, 0.5])
    with pytest.raises(RuntimeError, match="probability tensor contains either `inf`, `nan` or element < 0"):
        ag.multinomial(ag.tensor([1.0, -1.0]), 1)
    for bad in (math.inf, math.nan):
        with pytest.raises(RuntimeError, match="probability tensor contains either `inf`, `nan` or element < 0"):
            ag.multinomial(ag.tensor([1.0, bad]), 1, True)
    with pytest.raises(RuntimeError, match=r"invalid multinomial distribution \(sum of probabilities <= 0\)"):
        ag.multinomial(ag.tensor([[1.0, 1.0], [0.0, 0.0]]), 1, True)
    with pytest.raises(RuntimeError, match="fewer than num_samples=1 categories of non-zero weight"):
        ag.multinomial(ag.tensor([[1.0, 1.0], [0.0, 0.0]]), 1)
    with pytest.raises(RuntimeError, match="fewer than num_samples=3 categories of non-zero weight"):
        ag.multinomial(p, 3)
    with pytest.raises(RuntimeError, match=r"cannot sample n_sample > prob_dist.size\(-1\) samples without "
                                           r"replacement \(num_samples=4, 3 categories\)"):
        ag.multinomial(p, 4)
    with pytest.raises(RuntimeError, match="cannot sample n_sample <= 0 samples"):
        ag.multinomial(p, 0)
    with pytest.raises(TypeError, match="multinomial: argument 'num_samples' must be int, not float"):
        ag.multinomial(p, 1.5)
    with pytest.raises(RuntimeError, match="multinomial only supports floating-point dtypes for input, got: int64"):
        ag.multinomial(ag.tensor([1, 2]), 1)
    with pytest.raises(RuntimeError, match=r"prob_dist must be 1 or 2 dim, got a tensor of shape \(2, 2, 2\)"):
        ag.multinomial(ag.ones(2, 2, 2), 1)
    with pytest.raises(RuntimeError, match="prob_dist must be 1 or 2 dim"):
        ag.multinomial(ag.tensor(1.0), 1)
    with pytest.raises(RuntimeError, match="no categories"):
        ag.multinomial(ag.ones(2, 0), 1, True)
    with pytest.raises(TypeError, match="generator must be an autograd.Generator"):
        ag.multinomial(p, 1, generator=3)
    with pytest.raises(TypeError, match="argument 'replacement' must be bool, not int"):
        ag.multinomial(p, 1, 1)
    with pytest.raises(TypeError, match="argument 'input' must be a Tensor, not list"):
        ag.multinomial([0.5, 0.5], 1)


def test_multinomial_errors_on_the_gpu_are_queued(stand_in):
    out = ag.multinomial(ag.tensor([1.0, -1.0], device="cuda"), 1)  # no wait for the device here
    with pytest.raises(RuntimeError, match="probability tensor contains either `inf`, `nan` or element < 0"):
        out.cpu()  # the next synchronisation reports it


def test_multinomial_matches_torch():
    torch = pytest.importorskip("torch")
    for args in (([0.1, 0.0, 0.9], 2, False), ([[1.0, 2.0], [3.0, 0.5]], 5, True), ([1.0, 1.0], 2, False)):
        ours = ag.multinomial(ag.tensor(args[0]), args[1], args[2])
        theirs = torch.multinomial(torch.tensor(args[0]), args[1], args[2])
        assert tuple(ours.shape) == tuple(theirs.shape) and str(ours.dtype) == str(theirs.dtype).split(".")[1]
    for w, n, repl in (([1.0, -1.0], 1, False), ([0.0, 0.0], 1, True), ([1.0, 1.0], 3, False), ([1.0], 0, True)):
        with pytest.raises(RuntimeError):
            torch.multinomial(torch.tensor(w), n, repl)
        with pytest.raises(RuntimeError):
            ag.multinomial(ag.tensor(w), n, repl)


# ---------------------------------------------------------------------------- bernoulli
def test_bernoulli_of_probabilities(device):
    ag.manual_seed(4)
    probs = ag.tensor([0.0, 1.0, 0.25, 0.75], device=device, dtype=ag.float64).expand(20000, 4)
    out = ag.bernoulli(probs)
    assert out.dtype == ag.float64 and out.shape == (20000, 4) and out.grad_fn is None
    means = _np(out).mean(0)
    assert means[0] == 0 and means[1] == 1 and abs(means[2] - 0.25) < 0.015 and abs(means[3] - 0.75) < 0.015
    assert set(np.unique(_np(out))) <= {0.0, 1.0}


def test_bernoulli_with_p_and_the_method(device):
    ag.manual_seed(5)
    x = ag.zeros(40000, device=device)
    out = ag.bernoulli(x, 0.3)
    assert out.shape == x.shape and abs(_np(out).mean() - 0.3) < 0.01 and x.tolist() == [0.0] * 40000
    assert ag.bernoulli(ag.zeros(5, dtype=ag.int64, device=device), 1.0).tolist() == [1] * 5  # any dtype with p
    assert ag.tensor([1.0, 0.0], device=device).bernoulli().tolist() == [1.0, 0.0]
    assert x.bernoulli(p=0.0).sum().item() == 0 and x.bernoulli(0.5, generator=ag.Generator()).shape == (40000,)


def test_bernoulli_draws_as_bernoulli_():
    x = ag.zeros(50)
    ag.manual_seed(11)
    a = ag.bernoulli(x, 0.4).tolist()
    ag.manual_seed(11)
    assert x.clone().bernoulli_(0.4).tolist() == a


def test_bernoulli_is_seeded_and_not_differentiable(device):
    p = ag.full((100,), 0.5, device=device, requires_grad=True)
    ag.manual_seed(8)
    a = ag.bernoulli(p).tolist()
    ag.manual_seed(8)
    b = ag.bernoulli(p)
    assert b.tolist() == a and b.grad_fn is None and not b.requires_grad
    g1, g2 = ag.Generator().manual_seed(3), ag.Generator().manual_seed(3)
    assert ag.bernoulli(p, generator=g1).tolist() == ag.bernoulli(p, generator=g2).tolist()


def test_bernoulli_errors():
    with pytest.raises(RuntimeError, match=r"bernoulli: expected all probabilities in \[0, 1\]"):
        ag.bernoulli(ag.tensor([0.5, 1.5]))
    with pytest.raises(RuntimeError, match=r"bernoulli: expected all probabilities in \[0, 1\]"):
        ag.bernoulli(ag.tensor([0.5, math.nan]))
    with pytest.raises(RuntimeError, match=r"bernoulli_ expects p to be in \[0, 1\], but got p=1.3"):
        ag.bernoulli(ag.zeros(2), 1.3)
    with pytest.raises(RuntimeError, match="the probabilities must be a floating tensor, got dtype int64"):
        ag.bernoulli(ag.tensor([0, 1]))
    with pytest.raises(TypeError, match="bernoulli: p must be a number"):
        ag.bernoulli(ag.zeros(2), ag.tensor([0.5, 0.5]))
    with pytest.raises(TypeError, match="argument 'p' must be a number, not str"):
        ag.bernoulli(ag.zeros(2), "0.5")


def test_bernoulli_matches_torch():
    torch = pytest.importorskip("torch")
    assert ag.bernoulli(ag.tensor([0.0, 1.0])).tolist() == torch.bernoulli(torch.tensor([0.0, 1.0])).tolist()
    assert str(ag.bernoulli(ag.zeros(2, dtype=ag.int64), 0.5).dtype) == "int64"
    assert torch.bernoulli(torch.zeros(2, dtype=torch.int64), 0.5).dtype == torch.int64
    for call in (lambda m: m.bernoulli(m.tensor([0.5, 1.5])), lambda m: m.bernoulli(m.zeros(2), 1.3)):
        with pytest.raises(RuntimeError):
            call(torch)
        with pytest.raises(RuntimeError):
            call(ag)


# ---------------------------------------------------------------------------- poisson
@pytest.mark.parametrize("rate", [0.7, 4.0, 9.9, 10.0, 35.0])
def test_poisson_follows_the_distribution(device, rate):
    """Rates below 10 and from 10 up take different algorithms on a GPU: both are checked against scipy."""
    stats = pytest.importorskip("scipy.stats")
    ag.manual_seed(6)
    out = _np(ag.poisson(ag.full((40000,), rate, device=device))).astype(np.int64)
    assert (out >= 0).all()
    top = int(stats.poisson.ppf(1 - 1e-4, rate))
    counts = np.bincount(np.minimum(out, top), minlength=top + 1)
    probs = stats.poisson.pmf(np.arange(top + 1), rate)
    probs[-1] = stats.poisson.sf(top - 1, rate)  # the last bin gathers the tail
    assert _chi2_pvalue(counts, probs) > 1e-4


def test_poisson_elementwise_rates(device):
    ag.manual_seed(9)
    rates = ag.tensor([0.0, 1.0, 50.0, 1000.0], device=device, dtype=ag.float64)
    out = _np(ag.poisson(rates.expand(5000, 4)))
    assert out.dtype == np.float64 and (out[:, 0] == 0).all()
    np.testing.assert_allclose(out.mean(0)[1:], [1.0, 50.0, 1000.0], rtol=0.03)
    np.testing.assert_allclose(out.var(0)[1:], [1.0, 50.0, 1000.0], rtol=0.1)


def test_poisson_is_seeded_and_not_differentiable(device):
    rates = ag.full((50,), 12.0, device=device, requires_grad=True)
    ag.manual_seed(10)
    a = ag.poisson(rates).tolist()
    ag.manual_seed(10)
    b = ag.poisson(rates)
    assert b.tolist() == a and b.grad_fn is None and b.dtype == ag.float32
    assert ag.poisson(rates, ag.Generator().manual_seed(1)).tolist() == \
        ag.poisson(rates, generator=ag.Generator().manual_seed(1)).tolist()


def test_poisson_errors():
    for bad in (-1.0, math.nan, math.inf):
        with pytest.raises(RuntimeError, match="poisson: invalid Poisson rate, expected rate to be non-negative"):
            ag.poisson(ag.tensor([1.0, bad]))
    with pytest.raises(RuntimeError, match="the rates must be a floating tensor, got dtype int64"):
        ag.poisson(ag.tensor([1, 2]))
    with pytest.raises(TypeError, match="generator must be an autograd.Generator"):
        ag.poisson(ag.ones(2), generator="seed")


def test_poisson_matches_torch():
    torch = pytest.importorskip("torch")
    assert ag.poisson(ag.zeros(3)).tolist() == torch.poisson(torch.zeros(3)).tolist()
    with pytest.raises(RuntimeError):
        torch.poisson(torch.tensor([-1.0]))
    with pytest.raises(RuntimeError):
        ag.poisson(ag.tensor([-1.0]))


# ---------------------------------------------------------------------------- in-place geometric_, cauchy_, log_normal_
def test_geometric_(device):
    stats = pytest.importorskip("scipy.stats")
    ag.manual_seed(12)
    x = ag.empty(40000, device=device)
    assert x.geometric_(0.3) is x
    out = _np(x).astype(np.int64)
    assert out.min() >= 1
    top = 30
    counts = np.bincount(np.minimum(out, top), minlength=top + 1)
    probs = stats.geom.pmf(np.arange(top + 1), 0.3)
    probs[-1] = stats.geom.sf(top - 1, 0.3)
    assert _chi2_pvalue(counts, probs) > 1e-4
    ints = ag.zeros(1000, dtype=ag.int64, device=device).geometric_(p=0.9)
    assert ints.dtype == ag.int64 and ints.min().item() >= 1


def test_cauchy_(device):
    stats = pytest.importorskip("scipy.stats")
    ag.manual_seed(13)
    out = _np(ag.empty(20000, device=device, dtype=ag.float64).cauchy_(2.0, 0.5))
    assert stats.kstest(out, stats.cauchy(loc=2.0, scale=0.5).cdf).pvalue > 1e-4
    assert ag.empty(10, device=device).cauchy_(median=1.0, sigma=2.0).dtype == ag.float32


def test_log_normal_(device):
    ag.manual_seed(14)
    out = _np(ag.empty(40000, device=device, dtype=ag.float64).log_normal_(0.5, 0.25))
    assert (out > 0).all()
    assert abs(np.log(out).mean() - 0.5) < 0.01 and abs(np.log(out).std() - 0.25) < 0.01
    default = _np(ag.empty(40000, device=device).log_normal_())  # mean=1, std=2, as torch
    assert abs(np.log(default).mean() - 1.0) < 0.05 and abs(np.log(default).std() - 2.0) < 0.05


@pytest.mark.parametrize("name, args", [("geometric_", (0.4,)), ("cauchy_", ()), ("log_normal_", ()),
                                        ("uniform_", ()), ("normal_", ()), ("bernoulli_", (0.5,)),
                                        ("exponential_", ()), ("random_", (0, 10))])
def test_inplace_samplers_take_a_generator_and_are_seeded(device, name, args):
    def draw(**kw):
        return getattr(ag.empty(64, device=device), name)(*args, **kw).tolist()

    assert draw(generator=ag.Generator().manual_seed(5)) == draw(generator=ag.Generator().manual_seed(5))
    assert draw(generator=ag.Generator().manual_seed(5)) != draw(generator=ag.Generator().manual_seed(6))
    ag.manual_seed(21)
    a = draw()
    ag.manual_seed(21)
    assert draw() == a


def test_inplace_sampler_errors():
    x = ag.empty(3)
    for p in (0.0, 1.0, 1.5, -0.1):
        with pytest.raises(RuntimeError, match=rf"geometric_ expects p to be in \(0, 1\), but got p={p}"):
            x.geometric_(p)
    for sigma in (0.0, -1.0):
        with pytest.raises(RuntimeError, match="cauchy_ expects sigma > 0.0"):
            x.cauchy_(0.0, sigma)
    with pytest.raises(RuntimeError, match="log_normal_ expects std > 0.0"):
        x.log_normal_(1.0, 0.0)
    for op in ("cauchy_", "log_normal_"):
        with pytest.raises(RuntimeError, match=f"{op}: the .* distribution is continuous: the tensor must have a "
                                               "floating dtype, got int64"):
            getattr(ag.zeros(2, dtype=ag.int64), op)()
    with pytest.raises(TypeError, match="argument 'p' must be a number, not NoneType"):
        x.geometric_(None)
    with pytest.raises(TypeError, match="generator must be an autograd.Generator"):
        x.cauchy_(generator=1)
    with pytest.raises(RuntimeError, match="a leaf tensor that requires grad"):
        ag.zeros(2, requires_grad=True).geometric_(0.5)
    assert x.geometric_(0.5).grad_fn is None


def test_inplace_samplers_match_torch():
    torch = pytest.importorskip("torch")
    for name, args, bad in (("geometric_", (0.5,), (1.0,)), ("cauchy_", (0.0, 1.0), (0.0, 0.0)),
                            ("log_normal_", (1.0, 2.0), (1.0, -1.0))):
        assert getattr(ag.empty(3), name)(*args).shape == getattr(torch.empty(3), name)(*args).shape
        with pytest.raises(RuntimeError):
            getattr(torch.empty(3), name)(*bad)
        with pytest.raises(RuntimeError):
            getattr(ag.empty(3), name)(*bad)
    assert (torch.empty(100).geometric_(0.5) >= 1).all() and ag.empty(100).geometric_(0.5).min().item() >= 1


# ---------------------------------------------------------------------------- normal's forms
def test_normal_forms(device):
    ag.manual_seed(15)
    mean = ag.tensor([0.0, 10.0, -5.0], device=device)
    std = ag.tensor([[1.0, 0.1, 2.0]] * 2, device=device)
    assert ag.normal(mean, 1.0).shape == (3,) and ag.normal(0.0, std).shape == (2, 3)
    out = ag.normal(mean.expand(20000, 3), std[0])
    np.testing.assert_allclose(_np(out).mean(0), [0.0, 10.0, -5.0], atol=0.05)
    np.testing.assert_allclose(_np(out).std(0), [1.0, 0.1, 2.0], rtol=0.03)
    sized = ag.normal(2.0, 3.0, size=(40000,), device=device)
    assert abs(_np(sized).mean() - 2.0) < 0.05 and abs(_np(sized).std() - 3.0) < 0.05
    g = ag.Generator().manual_seed(2)
    assert ag.normal(mean, std, generator=g).shape == (2, 3)
    assert ag.normal(mean, 1.0).grad_fn is None


def test_normal_errors_match_torch():
    torch = pytest.importorskip("torch")
    for make in (lambda m: m.normal(m.zeros(3), -1.0), lambda m: m.normal(0.0, -1.0, (2,)),
                 lambda m: m.normal(m.zeros(3), m.ones(4))):
        with pytest.raises(RuntimeError):
            make(torch)
        with pytest.raises(RuntimeError):
            make(ag)


def test_samplers_leave_no_queued_checks_on_the_cpu():
    ag.multinomial(ag.tensor([1.0, 2.0]), 1)
    ag.poisson(ag.ones(2))
    ag.bernoulli(ag.full((2,), 0.5))
    assert not backend._pending
