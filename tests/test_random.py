"""Seeded randomness: manual_seed, Generator objects, rng state, and the rand/randn/randint/normal/randperm family."""
import math

import numpy as np
import pytest

import autograd as ag
from autograd import random


@pytest.fixture(autouse=True)
def _restore_rng_state():
    """Tests reseed the default generator; put its state back afterwards."""
    state = ag.get_rng_state()
    yield
    ag.set_rng_state(state)


def _draws():
    return (ag.rand(3).tolist(), ag.randn(2, 2).tolist(), ag.randint(0, 100, (4,)).tolist(), ag.randperm(6).tolist(),
            ag.normal(1.0, 2.0, (3,)).tolist())


# ---------------------------------------------------------------------------- seeding and state
def test_manual_seed_reproduces_every_sampler():
    ag.manual_seed(123)
    first = _draws()
    ag.manual_seed(123)
    assert _draws() == first
    ag.manual_seed(124)
    assert _draws() != first


def test_manual_seed_returns_the_default_generator_and_sets_initial_seed():
    g = ag.manual_seed(7)
    assert g is ag.default_generator
    assert ag.initial_seed() == 7 and g.initial_seed() == 7


def test_successive_draws_differ():
    ag.manual_seed(0)
    assert ag.rand(5).tolist() != ag.rand(5).tolist()


def test_get_set_rng_state_round_trip():
    ag.manual_seed(5)
    ag.rand(3)  # advance the state
    state = ag.get_rng_state()
    a = _draws()
    ag.set_rng_state(state)
    assert _draws() == a


def test_rng_state_is_a_snapshot():
    state = ag.get_rng_state()
    a = ag.rand(4).tolist()
    ag.rand(4)  # changing the generator does not change the saved state
    ag.set_rng_state(state)
    assert ag.rand(4).tolist() == a


def test_seed_reseeds_from_entropy():
    s = ag.seed()
    assert isinstance(s, int) and ag.initial_seed() == s


# ---------------------------------------------------------------------------- Generator objects
def test_generators_are_independent():
    g1 = ag.Generator().manual_seed(42)
    g2 = ag.Generator().manual_seed(42)
    a = ag.rand(4, generator=g1).tolist()
    ag.manual_seed(0)
    ag.rand(100)  # the default generator does not disturb g2
    assert ag.rand(4, generator=g2).tolist() == a
    assert ag.rand(4, generator=g1).tolist() != a  # g1 moved on


def test_generator_does_not_touch_the_default_generator():
    ag.manual_seed(9)
    want = ag.randn(3).tolist()
    ag.manual_seed(9)
    g = ag.Generator().manual_seed(1)
    ag.randn(10, generator=g)
    ag.randint(0, 5, (10,), generator=g)
    ag.randperm(10, generator=g)
    ag.normal(0.0, 1.0, (4,), generator=g)
    assert ag.randn(3).tolist() == want


def test_generator_state_round_trip():
    g = ag.Generator().manual_seed(3)
    state = g.get_state()
    a = ag.randn(5, generator=g).tolist()
    g.set_state(state)
    assert ag.randn(5, generator=g).tolist() == a
    assert g.initial_seed() == 3


def test_generator_seed_matches_manual_seed():
    g = ag.Generator().manual_seed(11)
    ag.manual_seed(11)
    assert ag.rand(3, generator=g).tolist() == ag.rand(3).tolist()


# ---------------------------------------------------------------------------- rand / randn
@pytest.mark.parametrize("fn", [ag.rand, ag.randn])
def test_float_samplers_shapes_and_dtypes(fn):
    assert fn(2, 3).shape == (2, 3)
    assert fn((2, 3)).shape == (2, 3)
    assert fn([4]).shape == (4,)
    assert fn(()).shape == ()
    assert fn(0, 3).shape == (0, 3)
    t = fn(3)
    assert t.dtype == ag.float32 and not t.requires_grad and t.is_leaf
    assert fn(3, dtype=ag.float64).dtype == ag.float64
    assert fn(3, dtype=ag.float16).dtype == ag.float16
    assert fn(3, requires_grad=True).requires_grad


@pytest.mark.parametrize("fn, name", [(ag.rand, "rand"), (ag.randn, "randn")])
def test_float_samplers_refuse_integer_dtypes(fn, name):
    with pytest.raises(TypeError, match=f"{name}: dtype must be a floating dtype, got int64"):
        fn(3, dtype=ag.int64)


def test_rand_range_and_randn_moments():
    ag.manual_seed(0)
    u = ag.rand(10000).numpy()
    assert u.min() >= 0.0 and u.max() < 1.0
    assert abs(u.mean() - 0.5) < 0.02
    z = ag.randn(20000, dtype=ag.float64).numpy()
    assert abs(z.mean()) < 0.05 and abs(z.std() - 1.0) < 0.05


def test_like_samplers():
    x = ag.ones(2, 3, dtype=ag.float64)
    for t in (ag.rand_like(x), ag.randn_like(x)):
        assert t.shape == (2, 3) and t.dtype == ag.float64 and t.device == x.device
    assert ag.rand_like(x, dtype=ag.float32).dtype == ag.float32
    r = ag.randint_like(ag.ones(3), 5)
    assert r.dtype == ag.float32 and ((r.numpy() >= 0) & (r.numpy() < 5)).all()
    r = ag.randint_like(ag.ones(50, dtype=ag.int64), 2, 5)
    assert r.dtype == ag.int64 and r.numpy().min() >= 2 and r.numpy().max() < 5
    with pytest.raises(TypeError, match="rand: dtype must be a floating dtype"):
        ag.rand_like(ag.ones(2, dtype=ag.int64))


# ---------------------------------------------------------------------------- randint
def test_randint_forms_range_and_dtype():
    ag.manual_seed(0)
    t = ag.randint(3, 7, (1000,))
    assert t.dtype == ag.int64 and t.shape == (1000,)
    assert t.numpy().min() == 3 and t.numpy().max() == 6  # high is exclusive
    h = ag.randint(4, (2, 50))  # randint(high, size)
    assert h.shape == (2, 50) and h.numpy().min() >= 0 and h.numpy().max() < 4
    assert ag.randint(0, 10, size=(3,)).shape == (3,)
    assert ag.randint(0, 10, (3,), dtype=ag.int32).dtype == ag.int32
    f = ag.randint(0, 10, (3,), dtype=ag.float32)
    assert f.dtype == ag.float32 and (f.numpy() == np.round(f.numpy())).all()
    assert ag.randint(-5, -2, (20,)).numpy().max() < -2


def test_randint_errors():
    with pytest.raises(TypeError, match="randint: missing the size argument"):
        ag.randint(0, 10)
    with pytest.raises(RuntimeError, match=r"randint: low \(3\) must be less than high \(3\)"):
        ag.randint(3, 3, (2,))
    out = ag.randint(high=3, size=(50,))  # torch's keyword form: low defaults to 0
    assert out.shape == (50,) and 0 <= out.min().item() and out.max().item() < 3
    with pytest.raises(RuntimeError, match="only floating point tensors can require gradients"):
        ag.randint(0, 10, (2,), requires_grad=True)


# ---------------------------------------------------------------------------- randperm
def test_randperm():
    ag.manual_seed(0)
    p = ag.randperm(10)
    assert p.dtype == ag.int64 and sorted(p.tolist()) == list(range(10))
    assert ag.randperm(0).shape == (0,)
    assert ag.randperm(4, dtype=ag.float32).dtype == ag.float32
    with pytest.raises(RuntimeError, match="randperm: n must be non-negative, got -1"):
        ag.randperm(-1)


# ---------------------------------------------------------------------------- normal
def test_normal_with_numbers():
    ag.manual_seed(0)
    t = ag.normal(3.0, 0.5, (20000,))
    assert t.dtype == ag.float32 and t.shape == (20000,)
    assert abs(t.numpy().mean() - 3.0) < 0.02 and abs(t.numpy().std() - 0.5) < 0.02
    assert ag.normal(2.0, 0.0, (3,)).tolist() == [2.0, 2.0, 2.0]
    assert ag.normal(0.0, 1.0, (2,), dtype=ag.float64).dtype == ag.float64


def test_normal_with_tensors_broadcasts_and_takes_their_dtype():
    mean = ag.tensor([0.0, 10.0, 100.0], dtype=ag.float64)
    t = ag.normal(mean, 0.0)
    assert t.dtype == ag.float64 and t.tolist() == [0.0, 10.0, 100.0]
    std = ag.zeros(2, 1)
    assert ag.normal(ag.tensor([1.0, 2.0, 3.0]), std).shape == (2, 3)
    assert ag.normal(0.0, ag.ones(2, dtype=ag.float64)).dtype == ag.float64


def test_normal_errors():
    with pytest.raises(RuntimeError, match="normal: std must be non-negative"):
        ag.normal(0.0, -1.0, (2,))
    with pytest.raises(RuntimeError, match="normal: std must be non-negative"):
        ag.normal(ag.zeros(2), ag.tensor([1.0, -1.0]))
    with pytest.raises(RuntimeError, match=r"normal: mean of shape \(2,\) and std of shape \(3,\) cannot be broadcast"):
        ag.normal(ag.zeros(2), ag.ones(3))
    with pytest.raises(TypeError, match="normal: dtype must be a floating dtype"):
        ag.normal(0.0, 1.0, (2,), dtype=ag.int64)


# ---------------------------------------------------------------------------- devices
def test_samplers_on_a_device_are_reproducible(device):
    """Each device draws from its own stream (the CPU's PCG64, a GPU's Philox): the same seed repeats it."""
    def draws():
        return [ag.rand(3, device=device), ag.randn(3, device=device), ag.randint(0, 9, (3,), device=device),
                ag.randperm(4, device=device)]

    ag.manual_seed(1)
    first = draws()
    ag.manual_seed(1)
    for a, b in zip(first, draws()):
        assert b.device == device
        assert a.tolist() == b.tolist()
    assert ag.rand_like(ag.ones(2, device=device)).device == device


def test_samplers_of_tensors_on_a_device_are_reproducible(device):
    """multinomial, bernoulli and poisson draw from the device's stream too: the same seed repeats them."""
    def draws():
        w = ag.tensor([[1.0, 2.0, 3.0], [0.0, 1.0, 1.0]], device=device)
        return [ag.multinomial(w, 2), ag.multinomial(w, 5, True), ag.bernoulli(w / 3),
                ag.poisson(ag.tensor([0.5, 5.0, 50.0], device=device)), ag.empty(4, device=device).geometric_(0.5)]

    ag.manual_seed(3)
    first = draws()
    ag.manual_seed(3)
    for a, b in zip(first, draws()):
        assert b.device.type == ag.device(device).type and a.tolist() == b.tolist()


def test_log_factorial_of_the_device_poisson_sampler():
    k = np.arange(0.0, 400.0)
    want = np.array([math.lgamma(v + 1.0) for v in k])
    np.testing.assert_allclose(random._log_factorial(np, k), want, rtol=1e-12, atol=1e-10)
