"""autograd.testing (torch.testing): assert_close's rule, default tolerances and reports; make_tensor."""
import re

import numpy as np
import pytest

import autograd as ag
from autograd.testing import assert_close, make_tensor

# (actual, expected, kwargs) pairs whose pass/fail and report text are checked against torch's
CASES = [
    ([1.0, 2.0, 3.0], [1.0, 2.5, 3.0], "float32", {}),
    ([[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.5], [3.0, 0.0]], "float32", {}),
    ([1, 2, 3], [1, 5, 3], "int64", {}),
    ([True], [False], "bool", {}),
    ([1.0, 2.0], [1.0, 2.0 + 1e-7], "float64", {}),
    ([1.0, 2.0], [1.0, 2.01], "float16", {}),
    ([0.0], [1e-6], "float32", {}),
    ([1.0, float("inf")], [1.0, float("inf")], "float32", {}),
    ([1.0, 2.0, 3.0, float("nan")], [1.0, 2.1, 3.0, 5.0], "float32", {}),
    ([float("nan")], [float("nan")], "float32", {}),
    ([float("nan")], [float("nan")], "float32", {"equal_nan": True}),
    ([1.0, 2.0], [1.1, 2.0], "float32", {"rtol": 0.2, "atol": 0.0}),
    ([1.0, 2.0], [1.1, 2.0], "float32", {"rtol": 0.0, "atol": 0.0}),
    ([1 + 1j], [1 + 2j], "complex64", {}),
    (1.5, 2.5, "float32", {}),  # 0-d: reported as scalars
    ([], [], "float32", {}),
]


def _report(fn):
    try:
        fn()
    except AssertionError as err:
        return str(err)
    return None


@pytest.mark.parametrize("a,e,dtype,kw", CASES)
def test_reports_match_torch(a, e, dtype, kw):
    torch = pytest.importorskip("torch")
    ours = _report(lambda: assert_close(ag.tensor(a, dtype=getattr(ag, dtype)), ag.tensor(e, dtype=getattr(ag, dtype)),
                                        **kw))
    ref = _report(lambda: torch.testing.assert_close(torch.tensor(a, dtype=getattr(torch, dtype)),
                                                     torch.tensor(e, dtype=getattr(torch, dtype)), **kw))
    assert ours == ref


@pytest.mark.parametrize("a,e", [(1.0, 2.0), (1, 2), (0, 1), (2, 0), (1.0, 0.0), (float("nan"), 1.0), (1.0, 1.0),
                                 ((1, 2.0), [1, 2.5]), ({"a": 1.0}, {"a": 3.0}), ([1.0], [1.0, 2.0]),
                                 ({"a": 1.0}, {"b": 1.0}), (1.0, 1), (None, None), ([[1.0], [2.0]], [[1.0], [2.5]])])
def test_python_scalars_and_containers_match_torch(a, e):
    torch = pytest.importorskip("torch")
    assert _report(lambda: assert_close(a, e)) == _report(lambda: torch.testing.assert_close(a, e))


def test_rule_against_numpy_and_default_tolerances():
    rng = np.random.default_rng(0)
    for dtype, (rtol, atol) in ((np.float32, (1.3e-6, 1e-5)), (np.float64, (1e-7, 1e-7)),
                                (np.float16, (1e-3, 1e-5))):
        e = rng.standard_normal(50).astype(dtype)
        a = (e + (rng.standard_normal(50) * 3e-5).astype(dtype)).astype(dtype)
        expect_ok = bool(np.all(np.abs(a.astype(np.float64) - e) <= atol + rtol * np.abs(e.astype(np.float64))))
        ok = _report(lambda: assert_close(ag.tensor(a), ag.tensor(e))) is None
        assert ok == expect_ok
        if not ok:
            n = int(np.sum(~np.isclose(a, e, rtol=rtol, atol=atol)))
            assert f"Mismatched elements: {n} / 50" in _report(lambda: assert_close(ag.tensor(a), ag.tensor(e)))


def test_attribute_checks_and_msg():
    f32, f64 = ag.tensor([1.0]), ag.tensor([1.0], dtype=ag.float64)
    with pytest.raises(AssertionError, match="The values for attribute 'dtype' do not match: float32 != float64."):
        assert_close(f32, f64)
    assert_close(f32, f64, check_dtype=False)
    with pytest.raises(AssertionError, match=re.escape("attribute 'shape' do not match: autograd.Size([1]) != "
                                                       "autograd.Size([2])")):
        assert_close(f32, ag.tensor([1.0, 2.0]))
    with pytest.raises(AssertionError, match="^custom$"):
        assert_close(f32, f32 + 1, msg="custom")
    with pytest.raises(AssertionError, match="^X: Tensor-likes are not close!"):
        assert_close(f32, f32 + 1, msg=lambda m: "X: " + m)
    assert_close(ag.tensor([1.0], requires_grad=True) * 1, ag.tensor([1.0]))  # a graph does not matter
    with pytest.raises(ValueError, match="Both 'rtol' and 'atol' must be either specified or omitted, but got no atol"):
        assert_close(f32, f32, rtol=0)
    with pytest.raises(ValueError, match="got no rtol"):
        assert_close(f32, f32, atol=0)
    with pytest.raises(TypeError, match="No comparison pair was able to handle inputs of type"):
        assert_close(f32, [1.0])
    with pytest.raises(TypeError, match="No comparison pair"):
        assert_close("a", "a")
    assert_close(np.array([1.0, 2.0]), np.array([1.0, 2.0]))


def test_make_tensor_ranges_dtypes_and_errors():
    ag.manual_seed(0)
    x = make_tensor(200, dtype=ag.float32, device="cpu")
    assert x.shape == (200,) and x.dtype == ag.float32 and -9 <= float(x.min()) and float(x.max()) <= 9
    y = make_tensor((3, 4), dtype=ag.int64, device="cpu", low=0, high=3)
    assert y.shape == (3, 4) and set(np.unique(y.numpy())) <= {0, 1, 2}
    u = make_tensor(100, dtype=ag.uint8, device="cpu")
    assert int(u.min()) >= 0 and int(u.max()) < 10
    z = make_tensor(100, dtype=ag.int32, device="cpu", low=-1, high=2, exclude_zero=True)
    assert 0 not in z.numpy()
    g = make_tensor(2, 2, dtype=ag.float64, device="cpu", requires_grad=True)
    assert g.requires_grad and g.grad_fn is None
    c = make_tensor(5, dtype=ag.complex64, device="cpu", low=1, high=2)
    assert c.dtype == ag.complex64 and np.all(np.abs(c.numpy().real) >= 1)
    for dt in (ag.float16, ag.bfloat16, ag.float32):
        h = make_tensor(50, dtype=dt, device="cpu", low=-1e-30, high=1e-30, exclude_zero=True)
        assert h.dtype == dt and 0 not in h.float().numpy()
    b = make_tensor(6, dtype=ag.bool, device="cpu")
    assert b.dtype == ag.bool
    with pytest.raises(ValueError, match="`low` must be less than or equal to `high`"):
        make_tensor(2, dtype=ag.float32, device="cpu", low=2, high=1)
    with pytest.raises(ValueError, match="cannot be NaN"):
        make_tensor(2, dtype=ag.float32, device="cpu", low=float("nan"))
    with pytest.raises(ValueError, match="requires_grad"):
        make_tensor(2, dtype=ag.int64, device="cpu", requires_grad=True)


def test_signatures_match_torch():
    torch = pytest.importorskip("torch")
    import inspect
    for name in ("assert_close", "make_tensor"):
        ours = inspect.signature(getattr(ag.testing, name)).parameters
        ref = inspect.signature(getattr(torch.testing, name)).parameters
        assert list(ours) == list(ref)
        assert [p.default for p in ours.values()] == [p.default for p in ref.values()]
