"""Statistics and distance ops against PyTorch (values, indices on ties, gradients) and their error paths."""
import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch")

_X = np.array([[0.3, -1.2, 2.5, 0.7, -0.4], [1.9, 0.1, -2.2, 0.6, 1.3]])


def _both(values, requires_grad=True):
    return (ag.tensor(values, dtype=ag.float64, requires_grad=requires_grad),
            torch.tensor(values, dtype=torch.float64, requires_grad=requires_grad))


def _same_grad(fn_ag, fn_torch, values=_X):
    a, t = _both(values)
    ya, yt = fn_ag(a), fn_torch(t)
    np.testing.assert_allclose(ya.detach().numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    ya.sum().backward()
    yt.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("mode", ["linear", "lower", "higher", "midpoint", "nearest"])
def test_quantile_matches_torch(mode):
    _same_grad(lambda x: ag.quantile(x, 0.35, 1, interpolation=mode),
               lambda x: torch.quantile(x, 0.35, 1, interpolation=mode))
    _same_grad(lambda x: x.nanquantile(ag.tensor([0.1, 0.5], dtype=ag.float64), 0, True, interpolation=mode),
               lambda x: x.nanquantile(torch.tensor([0.1, 0.5], dtype=torch.float64), 0, True, interpolation=mode))


def test_quantile_nan_handling_matches_torch():
    v = [[0.5, np.nan, 1.5], [np.nan, np.nan, np.nan], [2.0, 1.0, 0.0]]
    a, t = _both(v, requires_grad=False)
    np.testing.assert_allclose(ag.quantile(a, 0.5, 1).numpy(), torch.quantile(t, 0.5, 1).numpy())
    np.testing.assert_allclose(ag.nanquantile(a, 0.5, 1).numpy(), torch.nanquantile(t, 0.5, 1).numpy())


def test_quantile_errors():
    with pytest.raises(RuntimeError, match=r"quantile\(\) q must be in the range \[0, 1\] but got 1.5"):
        ag.quantile(ag.ones(3), 1.5)
    with pytest.raises(RuntimeError, match=r"quantile\(\) interpolation must be one of"):
        ag.quantile(ag.ones(3), 0.5, interpolation="foo")
    with pytest.raises(RuntimeError, match=r"quantile\(\) input tensor must be either float or double"):
        ag.quantile(ag.tensor([1, 2]), 0.5)
    with pytest.raises(RuntimeError, match=r"nanquantile\(\) q values must be in the range"):
        ag.nanquantile(ag.ones(3), ag.tensor([0.5, 2.0]))
    with pytest.raises(RuntimeError, match=r"quantile\(\) input tensor must be non-empty"):
        ag.quantile(ag.ones(0), 0.5)


def test_ties_pick_the_same_index_as_torch():
    v = [[2.0, 1.0, np.nan, 1.0, 2.0], [3.0, 3.0, 1.0, 1.0, 5.0]]
    a, t = _both(v, requires_grad=False)
    ra, rt = ag.mode(a.nan_to_num(0.0), 1), torch.mode(t.nan_to_num(0.0), 1)
    np.testing.assert_array_equal(ra.indices.numpy(), rt.indices.numpy())
    np.testing.assert_array_equal(ra.values.numpy(), rt.values.numpy())
    # nanmedian's index among ties depends on torch's selection algorithm (it differs between 1-D and 2-D input):
    # tapegrad takes the stable-sorted one; it matches torch on 1-D input and always points at the median value
    ra = ag.nanmedian(a, 1)
    np.testing.assert_array_equal(ra.values.numpy(), torch.nanmedian(t, 1).values.numpy())
    np.testing.assert_array_equal(np.take_along_axis(np.array(v), ra.indices.numpy()[:, None], 1)[:, 0],
                                  ra.values.numpy())
    assert int(ag.nanmedian(a[0], 0).indices) == int(torch.nanmedian(t[0], 0).indices)
    w = [1.0, 3.0, 3.0, 2.0, np.nan, 3.0, np.nan, 0.0]
    a, t = _both(w, requires_grad=False)
    for name in ("cummax", "cummin"):
        ra, rt = getattr(ag, name)(a, 0), getattr(torch, name)(t, 0)
        np.testing.assert_array_equal(ra.indices.numpy(), rt.indices.numpy())
        np.testing.assert_array_equal(ra.values.numpy(), rt.values.numpy())
    m = [1.0, 3.0, 3.0, 1.0, 2.0, 1.0, 3.0]
    assert int(ag.mode(ag.tensor(m)).indices) == int(torch.mode(torch.tensor(m)).indices)


def test_selection_gradients_match_torch():
    _same_grad(lambda x: ag.nanmedian(x, 1).values, lambda x: torch.nanmedian(x, 1).values)
    _same_grad(lambda x: ag.nanmedian(x), lambda x: torch.nanmedian(x))
    _same_grad(lambda x: ag.cummax(x, 1).values * 1.5, lambda x: torch.cummax(x, 1).values * 1.5)
    _same_grad(lambda x: ag.cummin(x, 0).values, lambda x: torch.cummin(x, 0).values)
    _same_grad(lambda x: ag.msort(x), lambda x: torch.msort(x))


def test_bincount_histc_histogram_match_torch():
    idx = [1, 3, 3, 0, 5]
    w = [0.5, 1.0, 2.0, 0.25, 1.5]
    for kw in ({}, {"minlength": 8}):
        np.testing.assert_array_equal(ag.bincount(ag.tensor(idx), **kw).numpy(),
                                      torch.bincount(torch.tensor(idx), **kw).numpy())
    r, rt = ag.bincount(ag.tensor(idx), ag.tensor(w)), torch.bincount(torch.tensor(idx), torch.tensor(w))
    assert str(r.dtype).split(".")[-1] == str(rt.dtype).split(".")[-1]
    np.testing.assert_allclose(r.numpy(), rt.numpy())
    x = np.random.default_rng(0).normal(size=50).astype(np.float32)
    np.testing.assert_allclose(ag.histc(ag.tensor(x), 7).numpy(), torch.histc(torch.tensor(x), 7).numpy())
    np.testing.assert_allclose(ag.histc(ag.tensor(x), 5, -1, 1).numpy(), torch.histc(torch.tensor(x), 5, -1, 1).numpy())
    np.testing.assert_allclose(ag.histc(ag.ones(3), 4).numpy(), torch.histc(torch.ones(3), 4).numpy())
    for bins, kw in ((6, {}), (4, {"range": (-1.0, 1.0), "density": True}),
                     (ag.tensor([-2.0, 0.0, 0.5, 3.0]), {"weight": ag.tensor(x * 0 + 2)})):
        tb = torch.tensor(bins.numpy()) if isinstance(bins, ag.Tensor) else bins
        tkw = {k: torch.tensor(v.numpy()) if isinstance(v, ag.Tensor) else v for k, v in kw.items()}
        h, e = ag.histogram(ag.tensor(x), bins, **kw)
        ht, et = torch.histogram(torch.tensor(x), tb, **tkw)
        np.testing.assert_allclose(h.numpy(), ht.numpy(), rtol=1e-5)
        np.testing.assert_allclose(e.numpy(), et.numpy(), rtol=1e-6)
    pts = x.reshape(25, 2)
    h, e = ag.histogramdd(ag.tensor(pts), [3, 2])
    ht, et = torch.histogramdd(torch.tensor(pts), [3, 2])
    np.testing.assert_allclose(h.numpy(), ht.numpy())
    for a, b in zip(e, et):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)


def test_counting_errors():
    with pytest.raises(RuntimeError, match="bincount only supports 1-d non-negative integral inputs"):
        ag.bincount(ag.tensor([-1, 2]))
    with pytest.raises(RuntimeError, match="bincount only supports 1-d non-negative integral inputs"):
        ag.bincount(ag.tensor([[1, 2]]))
    with pytest.raises(RuntimeError, match="bincount: weights should be 1-d and have the same length"):
        ag.bincount(ag.tensor([1, 2]), ag.ones(3))
    with pytest.raises(RuntimeError, match="histc: bins must be > 0"):
        ag.histc(ag.ones(3), 0)
    with pytest.raises(RuntimeError, match="histc: input tensor must be of a floating point dtype"):
        ag.histc(ag.tensor([1, 2]))


def test_trapezoid_diff_cov_match_torch():
    _same_grad(lambda y: ag.trapezoid(y, ag.tensor([0.0, 0.5, 1.5, 2.0, 4.0], dtype=ag.float64)),
               lambda y: torch.trapezoid(y, torch.tensor([0.0, 0.5, 1.5, 2.0, 4.0], dtype=torch.float64)))
    _same_grad(lambda y: ag.cumulative_trapezoid(y, dx=0.3, dim=0),
               lambda y: torch.cumulative_trapezoid(y, dx=0.3, dim=0))
    _same_grad(lambda x: x.diff(2, prepend=ag.zeros(2, 1, dtype=ag.float64)),
               lambda x: x.diff(2, prepend=torch.zeros(2, 1, dtype=torch.float64)))
    _same_grad(lambda x: x.cov(correction=0), lambda x: x.cov(correction=0))
    _same_grad(lambda x: ag.cov(x, aweights=ag.tensor([1.0, 2.0, 0.5, 1.0, 3.0], dtype=ag.float64)),
               lambda x: torch.cov(x, aweights=torch.tensor([1.0, 2.0, 0.5, 1.0, 3.0], dtype=torch.float64)))
    _same_grad(lambda x: x.corrcoef(), lambda x: x.corrcoef())
    np.testing.assert_array_equal(ag.diff(ag.tensor([True, False, False])).numpy(),
                                  torch.diff(torch.tensor([True, False, False])).numpy())


def test_trapezoid_diff_cov_errors():
    with pytest.raises(RuntimeError, match="diff: order must be non-negative but got -1"):
        ag.diff(ag.ones(3), n=-1)
    with pytest.raises(RuntimeError, match="diff expects prepend to have the same number of dimensions"):
        ag.diff(ag.ones(2, 3), prepend=ag.ones(3))
    with pytest.raises(RuntimeError, match=r"cov\(\): expected input to have two or fewer dimensions"):
        ag.cov(ag.ones(2, 3, 3))
    with pytest.raises(RuntimeError, match=r"cov\(\): expected fweights to have integral dtype"):
        ag.cov(ag.ones(2, 3), fweights=ag.ones(3))
    with pytest.raises(RuntimeError, match=r"cov\(\): fweights cannot be negative"):
        ag.cov(ag.ones(2, 3), fweights=ag.tensor([1, -1, 1]))
    with pytest.raises(TypeError, match="trapezoid: give x or dx, not both"):
        ag.trapezoid(ag.ones(3), ag.ones(3), dx=1.0)


def test_isin_and_unique_consecutive_match_torch():
    e, t = [1, 4, 2, 7, 4], [4, 7]
    for kw in ({}, {"invert": True}):
        np.testing.assert_array_equal(ag.isin(ag.tensor(e), ag.tensor(t), **kw).numpy(),
                                      torch.isin(torch.tensor(e), torch.tensor(t), **kw).numpy())
    np.testing.assert_array_equal(ag.isin(ag.tensor(e), 4).numpy(), torch.isin(torch.tensor(e), 4).numpy())
    v = [1, 1, 2, 2, 3, 1, 1]
    for out, ref in zip(ag.unique_consecutive(ag.tensor(v), return_inverse=True, return_counts=True),
                        torch.unique_consecutive(torch.tensor(v), return_inverse=True, return_counts=True)):
        np.testing.assert_array_equal(out.numpy(), ref.numpy())
    m = [[1, 1, 2, 2], [3, 3, 4, 5]]
    for out, ref in zip(ag.tensor(m).unique_consecutive(return_counts=True, dim=1),
                        torch.tensor(m).unique_consecutive(return_counts=True, dim=1)):
        np.testing.assert_array_equal(out.numpy(), ref.numpy())
    with pytest.raises(TypeError, match="isin: at least one of elements and test_elements must be a tensor"):
        ag.isin(1, 2)


@pytest.mark.parametrize("p", [0.5, 1, 2, 3, float("inf")])
def test_distances_match_torch(p):
    y = _X[::-1] * 0.7 + 0.05  # no tied |differences| (p = inf)
    _same_grad(lambda x: ag.cdist(x, ag.tensor(y, dtype=ag.float64), p), lambda x: torch.cdist(x, torch.tensor(y), p))
    _same_grad(lambda x: ag.pdist(x.mT, p), lambda x: torch.pdist(x.mT, p))
    _same_grad(lambda x: x.dist(ag.tensor(y), p), lambda x: x.dist(torch.tensor(y), p))
    _same_grad(lambda x: x.renorm(p, 0, 2.0), lambda x: x.renorm(p, 0, 2.0))
    a, t = _both(_X, requires_grad=False)
    np.testing.assert_allclose(a.renorm(p, 1, 1.0).numpy(), t.renorm(p, 1, 1.0).numpy(), rtol=1e-12)


def test_distance_errors():
    with pytest.raises(RuntimeError, match="X1 and X2 must have the same number of columns. X1: 3 X2: 4"):
        ag.cdist(ag.ones(2, 3), ag.ones(2, 4))
    with pytest.raises(RuntimeError, match="pdist only supports 2D tensors, got: 3D"):
        ag.pdist(ag.ones(2, 3, 3))
    with pytest.raises(RuntimeError, match="cdist only supports non-negative p values"):
        ag.cdist(ag.ones(2, 3), ag.ones(2, 3), -1)
    with pytest.raises(ValueError, match="cdist: foo is not a valid value for compute_mode"):
        ag.cdist(ag.ones(2, 3), ag.ones(2, 3), compute_mode="foo")
    with pytest.raises(RuntimeError, match="renorm: expected maxnorm to be a non-negative number"):
        ag.renorm(ag.ones(2, 3), 2, 0, -1)
