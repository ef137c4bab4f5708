"""Interop: numpy memory sharing, __array__, DLPack (numpy, PyTorch), numpy ufuncs and functions on the tape."""
import numpy as np
import pytest

import autograd as ag


def _leaf(values, device="cpu"):
    return ag.tensor(values, dtype=ag.float64, device=device, requires_grad=True)


def _host(t):
    return t.detach().cpu().array


# ---------------------------------------------------------------------------- numpy memory
def test_from_numpy_shares_memory_both_ways():
    a = np.arange(4.0, dtype=np.float32)
    t = ag.from_numpy(a)
    a[0] = 10
    assert t[0].item() == 10
    t.array[1] = 20
    assert a[1] == 20
    assert t.numpy() is a


def test_numpy_method():
    t = ag.ones(3)
    t.numpy()[0] = 5
    assert t[0].item() == 5
    with pytest.raises(RuntimeError, match=r"numpy\(\) on a tensor that requires grad: call .detach\(\).numpy\(\)"):
        ag.ones(2, requires_grad=True).numpy()


def test_array_protocol_copy_semantics():
    t = ag.tensor([1.0, 2.0])
    shared = np.asarray(t)
    assert np.shares_memory(shared, t.array)
    copied = np.array(t, copy=True)
    assert not np.shares_memory(copied, t.array)
    assert np.shares_memory(np.asarray(t, copy=False), t.array)
    assert np.asarray(t, dtype=np.float64).dtype == np.float64
    with pytest.raises(ValueError, match="a copy is needed to change the dtype but copy=False"):
        np.asarray(t, dtype=np.float64, copy=False)


def test_array_protocol_refuses_device_tensors(stand_in):
    with pytest.raises(TypeError, match=r"cannot convert a tensor on 'cuda:0' to numpy: call .cpu\(\) first"):
        np.asarray(ag.ones(2, device="cuda"))


# ---------------------------------------------------------------------------- DLPack
def test_dlpack_with_numpy_shares_memory_both_ways():
    a = np.arange(6.0).reshape(2, 3)
    t = ag.from_dlpack(a)
    assert t.shape == (2, 3) and t.dtype == ag.float64
    a[0, 0] = 42
    assert t[0, 0].item() == 42
    u = ag.arange(4, dtype=ag.int32)
    assert u.__dlpack_device__() == (1, 0)
    b = np.from_dlpack(u)
    b[2] = -1
    assert u[2].item() == -1
    assert ag.from_dlpack(u).array.ctypes.data == u.array.ctypes.data


def test_from_dlpack_copy_and_device_keywords():
    a = np.ones(3, dtype=np.float32)
    t = ag.from_dlpack(a, copy=True)
    a[0] = 7
    assert t[0].item() == 1
    assert ag.from_dlpack(a, device="cpu").device == "cpu"


def test_dlpack_errors(stand_in):
    with pytest.raises(RuntimeError, match=r"__dlpack__: cannot export a tensor that requires grad.*\.detach\(\)"):
        np.from_dlpack(ag.ones(2, requires_grad=True))
    with pytest.raises(TypeError, match=r"from_dlpack: expected an object with __dlpack__.*got list"):
        ag.from_dlpack([1, 2])
    with pytest.raises(TypeError, match=r"from_dlpack: dtype uint16 is not supported"):
        ag.from_dlpack(np.ones(2, dtype=np.uint16))
    g = ag.ones(2, device="cuda")
    if type(g.array).__module__.startswith("tests."):  # the stand-in has no DLPack; real cupy does
        with pytest.raises(TypeError, match=r"__dlpack__: the array behind this tensor on 'cuda:0'.*\.cpu\(\)"):
            g.__dlpack__()
        with pytest.raises(TypeError, match=r"__dlpack_device__: the array behind this tensor on 'cuda:0'"):
            g.__dlpack_device__()
    else:
        assert g.__dlpack_device__()[0] == 2
        h = ag.from_dlpack(g)
        assert h.device == g.device and h.array.data.ptr == g.array.data.ptr


def test_dlpack_with_torch_shares_memory_both_ways():
    torch = pytest.importorskip("torch")
    src = torch.arange(5, dtype=torch.float32)
    t = ag.from_dlpack(src)
    src[1] = 100
    assert t[1].item() == 100 and t.dtype == ag.float32
    ours = ag.tensor([[1, 2], [3, 4]], dtype=ag.int64)
    theirs = torch.from_dlpack(ours)
    theirs[0, 0] = -7
    assert ours[0, 0].item() == -7 and theirs.dtype == torch.int64
    flags = torch.from_dlpack(ag.tensor([True, False]))
    assert flags.dtype == torch.bool and flags.tolist() == [True, False]
    capsule = torch.utils.dlpack.to_dlpack(src)  # the legacy capsule form
    assert ag.from_dlpack(capsule)[1].item() == 100


def test_dlpack_bfloat16_from_torch():
    torch = pytest.importorskip("torch")
    pytest.importorskip("ml_dtypes")
    src = torch.tensor([1.5, -2.25, 3.0], dtype=torch.bfloat16)
    t = ag.from_dlpack(src)
    assert t.dtype == ag.bfloat16 and t.tolist() == [1.5, -2.25, 3.0]
    src[0] = 7.0
    assert t[0].item() == 7.0  # shared memory both ways
    t.array[1] = 5.0
    assert src[1].item() == 5.0
    copied = ag.from_dlpack(src, copy=True)
    src[2] = -1.0
    assert copied[2].item() == 3.0 and copied.dtype == ag.bfloat16
    assert ag.from_dlpack(torch.utils.dlpack.to_dlpack(src)).tolist() == [7.0, 5.0, -1.0]  # a legacy capsule
    strided = ag.from_dlpack(torch.arange(6, dtype=torch.bfloat16).reshape(2, 3).t())
    assert strided.shape == (3, 2) and strided.tolist() == [[0, 3], [1, 4], [2, 5]]
    assert (ag.from_dlpack(src).float() * 2).tolist() == [14.0, 10.0, -2.0]
    assert ag.from_dlpack(torch.ones(2, dtype=torch.float16)).dtype == ag.float16  # other dtypes as before


def test_dlpack_bfloat16_to_torch():
    torch = pytest.importorskip("torch")
    pytest.importorskip("ml_dtypes")
    ours = ag.tensor([1.5, -2.25, 3.0], dtype=ag.bfloat16)
    theirs = torch.from_dlpack(ours)
    assert theirs.dtype == torch.bfloat16 and theirs.tolist() == [1.5, -2.25, 3.0]
    theirs[0] = 7.0
    assert ours[0].item() == 7.0  # shared memory both ways
    ours.array[1] = 5.0
    assert theirs[1].item() == 5.0
    copied = torch.from_dlpack(ours, copy=True)
    ours.array[2] = -1.0
    assert copied.tolist() == [7.0, 5.0, 3.0]
    assert torch.utils.dlpack.from_dlpack(ours.__dlpack__()).tolist() == [7.0, 5.0, -1.0]  # a legacy capsule
    strided = torch.from_dlpack(ag.arange(6).to(ag.bfloat16).reshape(2, 3).t())
    assert strided.shape == (3, 2) and strided.stride() == (1, 3) and strided.tolist() == [[0, 3], [1, 4], [2, 5]]
    assert torch.from_dlpack(ag.tensor(2.5, dtype=ag.bfloat16)).item() == 2.5  # 0-d
    back = ag.from_dlpack(ours)  # a round trip through our own export
    assert back.dtype == ag.bfloat16 and back.array.ctypes.data == ours.array.ctypes.data
    assert ours.array.dtype == ag.bfloat16  # the export relabels only its capsule
    with pytest.raises(RuntimeError, match=r"__dlpack__: cannot export a tensor that requires grad"):
        torch.from_dlpack(ag.ones(2, dtype=ag.bfloat16, requires_grad=True))


def test_dlpack_bfloat16_without_ml_dtypes_says_so(monkeypatch):
    torch = pytest.importorskip("torch")
    from autograd import dtypes

    monkeypatch.setattr(dtypes, "bfloat16", None)  # as without ml_dtypes
    with pytest.raises(BufferError, match=r"from_dlpack: the producer \(Tensor\) cannot be imported: its data is "
                                          r"bfloat16, which needs the ml_dtypes package: pip install ml_dtypes"):
        ag.from_dlpack(torch.ones(2, dtype=torch.bfloat16))


# ---------------------------------------------------------------------------- ufuncs (NEP 13)
UNARY = [
    (np.exp, lambda x: np.exp(x), [0.1, -0.5, 1.2]),
    (np.log, lambda x: 1 / x, [0.5, 1.5, 3.0]),
    (np.sqrt, lambda x: 0.5 / np.sqrt(x), [0.5, 1.5, 3.0]),
    (np.sin, np.cos, [0.1, -0.5, 1.2]),
    (np.cos, lambda x: -np.sin(x), [0.1, -0.5, 1.2]),
    (np.tanh, lambda x: 1 - np.tanh(x) ** 2, [0.1, -0.5, 1.2]),
    (np.abs, np.sign, [0.1, -0.5, 1.2]),
    (np.negative, lambda x: -np.ones_like(x), [0.1, -0.5, 1.2]),
    (np.square, lambda x: 2 * x, [0.1, -0.5, 1.2]),
    (np.log1p, lambda x: 1 / (1 + x), [0.1, 0.5, 1.2]),
    (np.arctan, lambda x: 1 / (1 + x * x), [0.1, -0.5, 1.2]),
    (np.exp2, lambda x: np.log(2) * 2 ** x, [0.1, -0.5, 1.2]),
]


@pytest.mark.parametrize("ufunc, grad, values", UNARY, ids=[u[0].__name__ for u in UNARY])
def test_unary_ufuncs_record_on_the_tape(device, ufunc, grad, values):
    x = _leaf(values, device)
    y = ufunc(x)
    assert isinstance(y, ag.Tensor) and y.device == x.device and y.grad_fn is not None
    np.testing.assert_allclose(_host(y), ufunc(np.array(values)), rtol=1e-12)
    y.sum().backward()
    np.testing.assert_allclose(_host(x.grad), grad(np.array(values)), rtol=1e-12)


BINARY = [
    (np.add, lambda a, b: (np.ones_like(a), np.ones_like(b))),
    (np.subtract, lambda a, b: (np.ones_like(a), -np.ones_like(b))),
    (np.multiply, lambda a, b: (b, a)),
    (np.divide, lambda a, b: (1 / b, -a / b ** 2)),
    (np.power, lambda a, b: (b * a ** (b - 1), a ** b * np.log(a))),
    (np.maximum, lambda a, b: ((a > b) * 1.0, (b > a) * 1.0)),
    (np.minimum, lambda a, b: ((a < b) * 1.0, (b < a) * 1.0)),
    (np.arctan2, lambda a, b: (b / (a * a + b * b), -a / (a * a + b * b))),
]


@pytest.mark.parametrize("ufunc, grads", BINARY, ids=[u[0].__name__ for u in BINARY])
def test_binary_ufuncs_record_on_the_tape(device, ufunc, grads):
    av, bv = np.array([0.5, 2.0, 1.5]), np.array([1.5, 0.7, 2.5])
    a, b = _leaf(av, device), _leaf(bv, device)
    y = ufunc(a, b)
    np.testing.assert_allclose(_host(y), ufunc(av, bv), rtol=1e-12)
    y.sum().backward()
    ga, gb = grads(av, bv)
    np.testing.assert_allclose(_host(a.grad), ga, rtol=1e-12)
    np.testing.assert_allclose(_host(b.grad), gb, rtol=1e-12)


def test_reflected_operators_with_arrays_and_numpy_scalars():
    t = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    a = np.array([2.0, 4.0, 8.0], dtype=np.float32)
    results = [a + t, a - t, a * t, a / t, a ** t, a @ t, np.float32(2) * t, np.float64(3) - t, np.int64(2) ** t]
    for r in results:
        assert isinstance(r, ag.Tensor) and r.requires_grad
    assert (np.float32(2) * t).dtype == ag.float32  # numpy scalars act as Python numbers (no upcast)
    assert (np.float64(2) * t).dtype == ag.float32 and (np.float64(2) * ag.tensor([1, 2])).dtype == ag.float32
    (a * t).sum().backward()
    np.testing.assert_array_equal(t.grad.array, a)
    t.grad = None
    (a @ t).backward()
    np.testing.assert_array_equal(t.grad.array, a)


def test_comparisons_and_logic_give_tensors_without_grad():
    t = ag.tensor([1.0, np.nan, 3.0], requires_grad=True)
    a = np.array([2.0, 2.0, 2.0])
    for r, want in [(a < t, [False, False, True]), (np.greater_equal(t, 3), [False, False, True]),
                    (np.isnan(t), [False, True, False]), (np.isfinite(t), [True, False, True]),
                    (np.equal(t, a), [False, False, False]),
                    (np.logical_not(np.isnan(t)), [True, False, True])]:
        assert isinstance(r, ag.Tensor) and r.dtype == ag.bool and not r.requires_grad
        assert r.tolist() == want
    assert (np.invert(ag.tensor([True, False]))).tolist() == [False, True]


def test_ufunc_reduce_and_accumulate():
    t = ag.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    assert np.add.reduce(t).tolist() == [4.0, 6.0]
    assert np.add.reduce(t, axis=None).item() == 10.0
    assert np.multiply.reduce(t, axis=1, keepdims=True).tolist() == [[2.0], [12.0]]
    assert np.maximum.reduce(t, axis=None).item() == 4.0
    assert np.add.accumulate(t, axis=1).tolist() == [[1.0, 3.0], [3.0, 7.0]]
    np.add.reduce(t, axis=None).backward()
    assert t.grad.tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_ufunc_out_keyword_is_refused():
    t = ag.ones(3)
    with pytest.raises(TypeError, match=r"numpy.add\(..., out=...\) with a tapegrad Tensor: out= is not supported"):
        np.add(t, 1.0, out=np.zeros(3, np.float32))
    arr = np.zeros(3, np.float32)
    with pytest.raises(TypeError, match=r"numpy.add\(..., out=...\)"):
        arr += t  # ndarray in-place with a tensor operand would write outside the tape
    with pytest.raises(TypeError, match=r"numpy.multiply\(..., out=...\)"):
        np.multiply(np.ones(3), 2.0, out=t)


def test_unsupported_ufunc_with_grad_raises():
    t = ag.tensor([1.0, 8.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"numpy.cbrt is not supported on tapegrad tensors that require grad: it "
                                        r"would drop the gradient.*\.detach\(\)\.numpy\(\)"):
        np.cbrt(t)
    with pytest.raises(TypeError, match=r"numpy.add with where= is not supported .* require grad"):
        np.add(t, 1.0, where=np.array([True, False]))
    with pytest.raises(TypeError, match=r"numpy.add.outer is not supported"):
        np.add.outer(t, t)
    with pytest.raises(TypeError, match=r"numpy.divmod is not supported"):
        divmod(np.ones(2), t)


def test_unsupported_ufunc_without_grad_runs_numpy(device):
    t = ag.tensor([1.0, 8.0], device=device)
    r = np.cbrt(t)
    assert isinstance(r, ag.Tensor) and r.device == t.device
    np.testing.assert_allclose(_host(r), [1.0, 2.0])
    q, m = np.divmod(ag.tensor([7.0, 9.0], device=device), 4.0)
    assert q.tolist() == [1.0, 2.0] and m.tolist() == [3.0, 1.0]


def test_ufunc_error_on_device_suggests_cpu(stand_in):
    with pytest.raises(TypeError, match=r"numpy.cbrt .*\.detach\(\)\.cpu\(\)\.numpy\(\)"):
        np.cbrt(ag.ones(2, device="cuda", requires_grad=True))


def test_array_and_device_tensor_do_not_mix(stand_in):
    with pytest.raises(RuntimeError, match=r"expected all tensors on the same device.*cpu.*cuda"):
        np.ones(2, np.float32) * ag.ones(2, device="cuda")


# ---------------------------------------------------------------------------- functions (NEP 18)
def test_reductions_map_axis_and_keepdims(device):
    v = np.array([[1.0, 5.0, 2.0], [4.0, 3.0, 6.0]])
    for fn, kw in [(np.sum, {}), (np.sum, {"axis": 0}), (np.mean, {"axis": 1, "keepdims": True}),
                   (np.max, {}), (np.max, {"axis": 1}), (np.min, {"axis": 0, "keepdims": True}),
                   (np.prod, {"axis": 1}), (np.std, {}), (np.std, {"axis": 0, "ddof": 1}),
                   (np.var, {"axis": 1, "keepdims": True}), (np.sum, {"axis": (0, 1)}), (np.amax, {"axis": -1})]:
        x = _leaf(v, device)
        y = fn(x, **kw)
        assert isinstance(y, ag.Tensor) and y.requires_grad and y.device == x.device, fn
        np.testing.assert_allclose(_host(y), fn(v, **kw), rtol=1e-12, err_msg=f"{fn.__name__} {kw}")
        y.sum().backward()
        assert x.grad is not None and x.grad.shape == x.shape
    assert np.argmax(ag.tensor(v, device=device), axis=1).tolist() == [1, 2]
    assert np.mean(ag.tensor([1, 2], device=device)).item() == 1.5  # integers average in floating point


def test_reduction_gradients_are_right():
    x = _leaf([[1.0, 5.0], [4.0, 3.0]])
    np.sum(np.mean(x, axis=0) * np.array([1.0, 2.0])).backward()
    np.testing.assert_allclose(x.grad.array, [[0.5, 1.0], [0.5, 1.0]])
    x.grad = None
    np.max(x).backward()
    np.testing.assert_array_equal(x.grad.array, [[0, 1], [0, 0]])


def test_shape_functions(device):
    a, b = _leaf(np.arange(6.0).reshape(2, 3), device), _leaf(np.ones((2, 3)), device)
    cases = [
        (np.concatenate([a, b]), (4, 3)), (np.concatenate([a, b], axis=1), (2, 6)),
        (np.concatenate([a, b], axis=None), (12,)), (np.stack([a, b], axis=1), (2, 2, 3)),
        (np.reshape(a, (3, 2)), (3, 2)), (np.reshape(a, -1), (6,)), (np.transpose(a), (3, 2)),
        (np.squeeze(np.expand_dims(a, (0, -1))), (2, 3)), (np.expand_dims(a, 1), (2, 1, 3)),
        (np.squeeze(np.reshape(a, (1, 2, 1, 3)), axis=(0, 2)), (2, 3)), (np.ravel(a), (6,)),
        (np.moveaxis(a, 0, 1), (3, 2)), (np.swapaxes(a, 0, 1), (3, 2)), (np.flip(a), (2, 3)),
        (np.vstack([a, b]), (4, 3)), (np.hstack([a, b]), (2, 6)), (np.tile(a, 2), (2, 6)),
        (np.broadcast_to(a, (4, 2, 3)), (4, 2, 3)), (np.copy(a), (2, 3)),
    ]
    for y, shape in cases:
        assert isinstance(y, ag.Tensor) and y.shape == shape and y.requires_grad
    np.testing.assert_array_equal(_host(np.transpose(a)), np.arange(6.0).reshape(2, 3).T)
    np.sum(np.concatenate([a * 2, b]) ** 2).backward()
    np.testing.assert_allclose(_host(a.grad), 8 * np.arange(6.0).reshape(2, 3))
    np.testing.assert_allclose(_host(b.grad), 2 * np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"numpy.squeeze: cannot squeeze out axis 1 of size 3"):
        np.squeeze(a, axis=1)


def test_products_record_on_the_tape(device):
    av, bv = np.arange(6.0).reshape(2, 3), np.arange(12.0).reshape(3, 4)
    a, b = _leaf(av, device), _leaf(bv, device)
    v = _leaf([1.0, 2.0, 3.0], device)
    checks = [(np.matmul(a, b), av @ bv), (np.dot(a, b), av @ bv), (np.dot(v, v), 14.0), (np.dot(a, 2.0), av * 2),
              (np.einsum("ij,jk->ik", a, b), av @ bv), (np.einsum("i,i->", v, v), 14.0),
              (np.tensordot(a, b, axes=1), av @ bv), (np.outer(v, v), np.outer([1, 2, 3.0], [1, 2, 3.0])),
              (np.inner(v, v), 14.0), (np.vdot(a, a), np.vdot(av, av))]
    for y, want in checks:
        assert y.requires_grad
        np.testing.assert_allclose(_host(y), want)
    c = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_allclose(_host(np.dot(_leaf(c, device), _leaf(bv.T, device))), np.dot(c, bv.T))
    np.sum(np.einsum("ij,jk->ik", a, b)).backward()
    np.testing.assert_allclose(_host(a.grad), np.ones((2, 4)) @ bv.T)


def test_where_clip_norm_sort(device):
    xv = np.array([-2.0, 0.5, 3.0])
    x = _leaf(xv, device)
    cond = ag.tensor([True, False, True], device=device)
    w = np.where(cond, x, 0.0)
    np.testing.assert_array_equal(_host(w), [-2.0, 0.0, 3.0])
    c = np.clip(x, -1.0, 1.0)
    np.testing.assert_array_equal(_host(c), [-1.0, 0.5, 1.0])
    n = np.linalg.norm(x)
    np.testing.assert_allclose(_host(n), np.linalg.norm(xv))
    np.testing.assert_allclose(_host(np.linalg.norm(x, ord=1)), 5.5)
    np.testing.assert_array_equal(_host(np.sort(x)), np.sort(xv))
    (w.sum() + c.sum() + n).backward()
    np.testing.assert_allclose(_host(x.grad), np.array([1, 0, 1]) + np.array([0, 1, 0]) + xv / np.linalg.norm(xv))
    assert [i.tolist() for i in np.where(cond)] == [[0, 2]]
    assert np.argsort(x).tolist() == [0, 1, 2]


def test_metadata_and_comparison_functions():
    t = ag.ones(2, 3, requires_grad=True)
    assert np.shape(t) == (2, 3) and np.ndim(t) == 2 and np.size(t) == 6 and np.size(t, 1) == 3
    assert np.allclose(t, np.ones((2, 3))) is True
    assert np.array_equal(t, t.detach()) and not np.array_equal(t, ag.ones(3))
    assert np.isclose(t, 1.0 + 1e-9).all()
    z = np.zeros_like(t)
    assert isinstance(z, ag.Tensor) and z.shape == (2, 3) and not z.requires_grad


def test_unsupported_function_with_grad_raises():
    t = ag.tensor([1.0, 3.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"numpy.median is not supported on tapegrad tensors that require grad: it "
                                        r"would drop the gradient.*\.detach\(\)\.numpy\(\)"):
        np.median(t)
    with pytest.raises(TypeError, match=r"numpy.sum with where= is not supported"):
        np.sum(t, where=np.array([True, False, True]))
    with pytest.raises(TypeError, match=r"numpy.linalg.norm with ord='nuc' over axis=None \(only the Frobenius norm"):
        np.linalg.norm(t.reshape(3, 1), ord="nuc")
    with pytest.raises(TypeError, match=r"numpy.sum\(..., out=...\)"):
        np.sum(t, out=np.zeros(()))
    with pytest.raises(TypeError, match=r"numpy.mean\(..., out=...\)"):
        np.mean(t, 0, None, np.zeros(()))  # out given by position
    with pytest.raises(TypeError, match=r"numpy.concatenate\(..., out=...\)"):
        np.concatenate([t, t], out=np.zeros(6))


def test_unsupported_function_without_grad_runs_numpy(device):
    t = ag.tensor([1.0, 3.0, 2.0], device=device)
    m = np.median(t)
    assert float(m) == 2.0
    u = np.unique(ag.tensor([3, 1, 3], device=device))
    assert isinstance(u, ag.Tensor) and u.tolist() == [1, 3] and u.device == t.device


def test_unsupported_functions_inside_no_grad_run_numpy(device):
    t = ag.tensor([1.0, 3.0, 2.0], device=device, requires_grad=True)
    with ag.no_grad():
        m = np.median(t)
        c = np.cbrt(t)  # a ufunc with no tapegrad op
        s = np.sum(t, where=t > 1.5)  # a keyword tapegrad does not implement
        p = np.percentile(t, 50)
    assert float(m) == 2.0 and float(p) == 2.0
    assert isinstance(c, ag.Tensor) and not c.requires_grad and c.device == t.device
    np.testing.assert_allclose(_host(c), np.cbrt([1.0, 3.0, 2.0]))
    assert float(s) == 5.0
    with pytest.raises(TypeError, match="numpy.median is not supported on tapegrad tensors that require grad"):
        np.median(t)  # outside no_grad it still refuses
    with pytest.raises(TypeError, match="numpy.cbrt is not supported"):
        np.cbrt(t)


def test_integer_and_bool_tensors():
    i = ag.tensor([1, 2, 3])
    assert (np.int64(2) * i).dtype == ag.int64
    assert np.sum(i).item() == 6 and np.sum(i).dtype == ag.int64
    assert np.logical_and(ag.tensor([True, False]), np.array([True, True])).tolist() == [True, False]
