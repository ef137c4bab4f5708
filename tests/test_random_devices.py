"""Random streams on devices: the CPU stream is unchanged, GPUs draw from seeded Philox streams on the device."""
import math

import numpy as np
import pytest

import autograd as ag
from autograd import backend, kernels, random, serialization
from autograd.ops import regularization as D
from tests.conftest import REAL_GPU
from tests.fake_cupy import fake_cupy

cuda = pytest.mark.cuda
needs_gpu = pytest.mark.skipif(not REAL_GPU, reason="needs a real GPU (cupy kernels)")


@pytest.fixture(autouse=True)
def _restore_rng_state():
    state = ag.get_rng_state()
    yield
    ag.set_rng_state(state)


# ---------------------------------------------------------------------------- the CPU stream is what it was
def test_cpu_stream_is_unchanged():
    """Values recorded before device streams existed: seeded CPU results must not move."""
    ag.manual_seed(0)
    assert ag.randn(3).tolist() == [0.1257302165031433, -0.13210485875606537, 0.6404226422309875]
    ag.manual_seed(0)
    assert ag.randn(3, dtype=ag.float64).tolist() == [0.1257302210933933, -0.1321048632913019, 0.6404226504432821]
    ag.manual_seed(123)
    assert ag.rand(3).tolist() == [0.6823518872261047, 0.05382101982831955, 0.22035987675189972]
    ag.manual_seed(0)
    assert ag.randint(0, 10, (5,)).tolist() == [8, 6, 5, 2, 3]
    ag.manual_seed(0)
    assert ag.randperm(6).tolist() == [3, 2, 5, 4, 0, 1]
    ag.manual_seed(0)
    np.testing.assert_allclose(ag.normal(1.0, 2.0, (3,)).tolist(), [1.2514604, 0.73579025, 2.2808454], rtol=1e-7)
    ag.manual_seed(0)
    assert ag.dropout(ag.ones(8), 0.5, True).tolist() == [2, 2, 2, 0, 0, 0, 0, 0]
    ag.manual_seed(0)
    t = ag.empty(4)
    assert t.uniform_().tolist() == [0.6369616985321045, 0.2697867155075073, 0.04097352549433708,
                                     0.016527635976672173]
    assert t.normal_().tolist() == [-0.5356693863868713, 0.3615950644016266, 1.3040000200271606, 0.9470809698104858]
    assert t.bernoulli_(0.5).tolist() == [0.0, 0.0, 0.0, 1.0]


# ---------------------------------------------------------------------------- Philox itself
def _philox_scalar(c, k):
    """Philox4x32-10 on Python ints, written independently of autograd.random for the test."""
    c, k = list(c), list(k)
    for r in range(10):
        if r:
            k = [(k[0] + 0x9E3779B9) & 0xFFFFFFFF, (k[1] + 0xBB67AE85) & 0xFFFFFFFF]
        p0, p1 = 0xD2511F53 * c[0], 0xCD9E8D57 * c[2]
        c = [(p1 >> 32) ^ c[1] ^ k[0], p1 & 0xFFFFFFFF, (p0 >> 32) ^ c[3] ^ k[1], p0 & 0xFFFFFFFF]
    return c


@pytest.mark.parametrize("ctr, key, want", [
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF,) * 4, (0xFFFFFFFF,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
])
def test_philox_known_answers(ctr, key, want):
    """Random123's known-answer vectors for philox4x32-10."""
    assert tuple(_philox_scalar(ctr, key)) == want
    if ctr[2] == ctr[3] == 0:  # the vectorized generator takes the low two counter words
        words = random.philox4x32(np, key[0] | key[1] << 32, np.array([ctr[0] | ctr[1] << 32], dtype=np.uint64))
        assert tuple(int(w[0]) for w in words) == want


def test_vectorized_philox_matches_the_scalar_one():
    key, offset = 0x1234_5678_9ABC_DEF0, 2**32 - 2  # counters cross into the high word
    words = random.philox4x32(np, key, np.arange(4, dtype=np.uint64) + np.uint64(offset))
    for i in range(4):
        c = offset + i
        assert [int(w[i]) for w in words] == _philox_scalar((c & 0xFFFFFFFF, c >> 32, 0, 0),
                                                            (key & 0xFFFFFFFF, key >> 32))


# ---------------------------------------------------------------------------- device streams
def test_device_draws_are_philox_of_the_seed_and_offset(stand_in):
    ag.manual_seed(42)
    u = ag.rand(6, device="cuda").cpu().numpy()
    words = [_philox_scalar((i, 0, 0, 0), (42, 0)) for i in range(6)]
    np.testing.assert_array_equal(u, np.array([(w[0] >> 8) * 2.0**-24 for w in words], dtype=np.float32))
    u64 = ag.rand(2, dtype=ag.float64, device="cuda").cpu().numpy()  # the next counters: 6 and 7
    words = [_philox_scalar((i, 0, 0, 0), (42, 0)) for i in (6, 7)]
    np.testing.assert_array_equal(u64, [((w[0] >> 5) * 2.0**26 + (w[1] >> 6)) * 2.0**-53 for w in words])
    z = ag.randn(3, device="cuda").cpu().numpy()  # counters 8..10, Box-Muller
    words = [_philox_scalar((i, 0, 0, 0), (42, 0)) for i in (8, 9, 10)]
    want = [math.sqrt(-2 * math.log(((w[0] >> 8) + 1) * 2.0**-24)) * math.cos(2 * math.pi * (w[1] >> 8) * 2.0**-24)
            for w in words]
    np.testing.assert_allclose(z, want, rtol=1e-5, atol=1e-6)
    assert ag.cuda.get_rng_state() == {"seed": 42, "offset": 11}


def test_device_draws_leave_the_cpu_stream_alone(stand_in):
    ag.manual_seed(0)
    ag.randn(100, device="cuda")
    ag.rand(3, device="cuda")
    assert ag.randn(3).tolist() == [0.1257302165031433, -0.13210485875606537, 0.6404226422309875]
    ag.manual_seed(0)
    a = ag.rand(4, device="cuda").tolist()
    ag.manual_seed(0)
    ag.randn(50)  # and CPU draws leave the device stream alone
    assert ag.rand(4, device="cuda").tolist() == a


def test_every_sampler_is_reproducible_on_the_device(stand_in):
    def draws():
        t = ag.empty(5, device="cuda")
        return [ag.rand(3, device="cuda"), ag.randn(2, 2, device="cuda"), ag.randint(0, 100, (4,), device="cuda"),
                ag.randperm(6, device="cuda"), ag.normal(1.0, 2.0, (3,), device="cuda"),
                ag.rand(3, dtype=ag.float64, device="cuda"), ag.randn(3, dtype=ag.float16, device="cuda"),
                t.uniform_(-1, 1).clone(), t.normal_(0.0, 3.0).clone(), t.bernoulli_(0.3).clone(),
                D.dropout(ag.ones(4, 5, device="cuda"), 0.5), D.dropout2d(ag.ones(2, 3, 2, 2, device="cuda"), 0.5),
                D.alpha_dropout(ag.ones(3, 3, device="cuda"), 0.2, training=True)]

    ag.manual_seed(7)
    first = draws()
    ag.manual_seed(7)
    second = draws()
    for a, b in zip(first, second):
        assert a.device == "cuda" and b.device == "cuda"
        assert a.tolist() == b.tolist()
    ag.manual_seed(8)
    assert [t.tolist() for t in draws()[:3]] != [t.tolist() for t in first[:3]]


def test_successive_device_draws_differ_and_offsets_advance(stand_in):
    ag.manual_seed(3)
    a = ag.rand(5, device="cuda").tolist()
    assert ag.cuda.get_rng_state()["offset"] == 5
    assert ag.rand(5, device="cuda").tolist() != a
    ag.randn(2, 3, device="cuda")
    assert ag.cuda.get_rng_state()["offset"] == 16


def test_generator_objects_have_their_own_device_streams(stand_in):
    g1, g2 = ag.Generator().manual_seed(5), ag.Generator().manual_seed(5)
    a = ag.randn(4, generator=g1, device="cuda").tolist()
    ag.manual_seed(0)
    ag.randn(10, device="cuda")  # the default generator does not disturb g2
    assert ag.randn(4, generator=g2, device="cuda").tolist() == a
    t = ag.empty(3, device="cuda")
    t.uniform_(generator=g1)
    t2 = ag.empty(3, device="cuda")
    t2.uniform_(generator=g2)
    assert t.tolist() == t2.tolist()


def test_state_round_trips_cover_device_streams(stand_in):
    ag.manual_seed(5)
    ag.rand(3, device="cuda")
    ag.rand(2)
    state = ag.get_rng_state()
    assert state["cuda"] == [[0, 5, 3]]
    a = (ag.rand(4, device="cuda").tolist(), ag.rand(4).tolist())
    ag.rand(10, device="cuda")
    ag.set_rng_state(state)
    assert (ag.rand(4, device="cuda").tolist(), ag.rand(4).tolist()) == a
    g = ag.Generator().manual_seed(9)
    st = g.get_state()
    b = ag.randn(3, generator=g, device="cuda").tolist()
    g.set_state(st)
    assert ag.randn(3, generator=g, device="cuda").tolist() == b


def test_state_is_a_snapshot_and_old_states_restart_device_streams(stand_in):
    ag.manual_seed(2)
    state = ag.get_rng_state()
    a = ag.rand(3, device="cuda").tolist()
    ag.rand(3, device="cuda")
    assert state["cuda"] == []  # the saved state did not move with the generator
    old = {"seed": state["seed"], "bit_generator": state["bit_generator"]}  # saved before device streams existed
    ag.set_rng_state(old)
    assert ag.rand(3, device="cuda").tolist() == a


def test_checkpoint_rng_state_restores_device_streams(stand_in):
    ag.manual_seed(4)
    ag.rand(7, device="cuda")
    saved = serialization.rng_state()
    a = ag.randn(3, device="cuda").tolist()
    ag.manual_seed(99)
    serialization.set_rng_state_all(saved)
    assert ag.randn(3, device="cuda").tolist() == a


def test_cuda_seeding_functions(stand_in):
    ag.manual_seed(1)
    cpu = ag.rand(3).tolist()
    ag.manual_seed(1)
    ag.cuda.manual_seed(20)
    a = ag.rand(3, device="cuda").tolist()
    assert ag.rand(3).tolist() == cpu
    ag.cuda.manual_seed_all(20)
    assert ag.rand(3, device="cuda").tolist() == a
    s = ag.cuda.seed()
    assert ag.cuda.initial_seed() == s
    assert isinstance(ag.cuda.seed_all(), int)


def test_device_draws_make_no_host_transfer(stand_in, monkeypatch):
    """Values are made on the device: no host draw is copied over (on the stand-in, asarray is that copy)."""
    x = ag.ones(6, 5, device="cuda", requires_grad=True)
    t = ag.empty(8, device="cuda")

    def refuse(*args, **kwargs):
        raise AssertionError("a host-to-device transfer during a device draw")

    monkeypatch.setattr(backend, "to_device", refuse)
    if not REAL_GPU:
        monkeypatch.setattr(fake_cupy, "asarray", refuse)
    ag.rand(3, device="cuda")
    ag.randn(3, dtype=ag.float64, device="cuda")
    ag.randint(-5, 5, (3,), device="cuda")
    ag.randperm(5, device="cuda")
    ag.normal(0.0, 2.0, (3,), device="cuda")
    ag.normal(ag.zeros(3, device="cuda"), ag.ones(3, device="cuda"))
    t.uniform_()
    t.normal_()
    t.bernoulli_(0.5)
    D.dropout(x, 0.3).sum().backward()
    D.dropout2d(ag.ones(2, 3, 2, 2, device="cuda"), 0.5)


def test_device_samples_have_the_right_distribution(stand_in):
    ag.manual_seed(0)
    u = ag.rand(20000, device="cuda").cpu().numpy()
    assert u.min() >= 0 and u.max() < 1 and abs(u.mean() - 0.5) < 0.01
    z = ag.randn(20000, dtype=ag.float64, device="cuda").cpu().numpy()
    assert abs(z.mean()) < 0.03 and abs(z.std() - 1) < 0.03
    h = ag.rand(5000, dtype=ag.float16, device="cuda").cpu().numpy()
    assert h.dtype == np.float16 and h.max() < 1  # 11 random bits: never rounds up to 1
    r = ag.randint(3, 7, (5000,), device="cuda").cpu().numpy()
    assert r.dtype == np.int64 and set(np.unique(r)) == {3, 4, 5, 6}
    big = ag.randint(-2**62, 2**62, (1000,), device="cuda").cpu().numpy()
    assert big.min() < -2**60 and big.max() > 2**60
    assert sorted(ag.randperm(100, device="cuda").tolist()) == list(range(100))
    assert ag.randperm(0, device="cuda").shape == (0,)
    b = ag.zeros(10000, device="cuda").bernoulli_(0.25).cpu().numpy()
    assert abs(b.mean() - 0.25) < 0.02
    n = ag.normal(ag.full((4000,), 3.0, device="cuda"), ag.full((4000,), 0.5, device="cuda")).cpu().numpy()
    assert abs(n.mean() - 3) < 0.05 and abs(n.std() - 0.5) < 0.05
    m = D.dropout(ag.ones(100, 100, device="cuda"), 0.3).cpu().numpy()
    assert abs((m == 0).mean() - 0.3) < 0.02
    np.testing.assert_allclose(np.unique(m[m != 0]), [1 / 0.7], rtol=1e-6)


def test_device_normal_checks_std(stand_in):
    with pytest.raises(RuntimeError, match="normal: std must be non-negative"):
        ag.normal(0.0, -1.0, (2,), device="cuda")
    with pytest.raises(RuntimeError, match="normal: std must be non-negative"):
        ag.normal(ag.zeros(2, device="cuda"), ag.tensor([1.0, -1.0], device="cuda")).tolist()


# ---------------------------------------------------------------------------- kernels on a real GPU
@cuda
@needs_gpu
@pytest.mark.parametrize("dtype", [ag.float32, ag.float64, ag.float16])
def test_random_kernels_match_the_generic_path(dtype):
    def draws():
        ag.manual_seed(11)
        t = ag.empty(1000, dtype=dtype, device="cuda")
        return [ag.rand(1000, dtype=dtype, device="cuda"), ag.randint(-7, 2**40, (999,), device="cuda"),
                ag.randint(0, 10, (999,), device="cuda"), ag.randperm(50, device="cuda"),
                t.bernoulli_(0.4).clone(), ag.randn(1000, dtype=dtype, device="cuda")]

    fast = draws()
    with kernels.disabled():
        slow = draws()
    for f, s in zip(fast[:-1], slow[:-1]):
        np.testing.assert_array_equal(f.cpu().numpy(), s.cpu().numpy())  # integer and uniform draws: bit-exact
    tol = 1e-3 if dtype == ag.float16 else 1e-5
    np.testing.assert_allclose(fast[-1].cpu().numpy().astype(np.float64), slow[-1].cpu().numpy(), rtol=tol, atol=tol)


@cuda
@needs_gpu
@pytest.mark.parametrize("dtype", [ag.float32, ag.float64])
def test_fused_dropout_matches_the_generic_path(dtype):
    x = ag.randn(33, 65, dtype=dtype, device="cuda")

    def run():
        xi = x.detach().requires_grad_(True)
        ag.manual_seed(3)
        y = D.dropout(xi, 0.35)
        g = ag.randn(33, 65, dtype=dtype, device="cuda")
        y.backward(g)
        return y.detach(), xi.grad

    fast = run()
    with kernels.disabled():
        slow = run()
    for f, s in zip(fast, slow):
        np.testing.assert_array_equal(f.cpu().numpy(), s.cpu().numpy())
    nc = ag.randn(65, 33, dtype=dtype, device="cuda").mT  # non-contiguous input: same mask positions
    ag.manual_seed(3)
    a = D.dropout(nc, 0.5).cpu().numpy()
    with kernels.disabled():
        ag.manual_seed(3)
        b = D.dropout(nc, 0.5).cpu().numpy()
    np.testing.assert_array_equal(a, b)
