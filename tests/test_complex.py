"""Complex tensors: dtypes and promotion, creation, printing, views, errors, and gradients against PyTorch."""
import warnings

import numpy as np
import pytest

import autograd as ag

_rng = np.random.default_rng(0)
ZV = _rng.standard_normal((3, 3)) + 1j * _rng.standard_normal((3, 3))
WV = _rng.standard_normal((3, 3)) + 1j * _rng.standard_normal((3, 3))
XV = _rng.standard_normal((3, 3))

# each takes the module (autograd or torch) and z, w (complex128), x (float64) and returns a real scalar
LOSSES = {
    "norm squared": lambda m, z, w, x: (z * z.conj()).real.sum(),
    "abs": lambda m, z, w, x: z.abs().sum(),
    "mul": lambda m, z, w, x: (z * w).real.sum() + (z * w).imag.sum() * 2,
    "div": lambda m, z, w, x: (z / w).abs().sum(),
    "exp": lambda m, z, w, x: m.exp(z).real.sum(),
    "log": lambda m, z, w, x: m.log(z).imag.sum(),
    "sqrt": lambda m, z, w, x: m.sqrt(z).abs().sum(),
    "reciprocal": lambda m, z, w, x: (z.reciprocal() * w).real.sum(),
    "pow": lambda m, z, w, x: (z ** 3).real.sum() + (z ** 0.5).imag.sum(),
    "pow tensor": lambda m, z, w, x: (z ** w).real.sum(),
    "matmul": lambda m, z, w, x: (z @ w).abs().sum(),
    "real and complex": lambda m, z, w, x: (z * x).abs().sum() + (x * 1j + z).imag.sum(),
    "mean": lambda m, z, w, x: (z.mean(0) * w[0]).real.sum(),
    "angle": lambda m, z, w, x: z.angle().sum(),
    "polar": lambda m, z, w, x: m.polar(x.abs(), x).real.sum() * 2 + m.polar(x.abs(), x).imag.sum(),
    "complex": lambda m, z, w, x: (m.complex(x, x * 2) * z).abs().sum(),
    "view_as_real": lambda m, z, w, x: m.view_as_real(z * w).pow(2).sum(),
    "view_as_complex": lambda m, z, w, x: (m.view_as_complex(m.stack([x, x * x], -1)) * z).real.sum(),
    "adjoint": lambda m, z, w, x: (z.mH @ w).real.sum() + (z.adjoint() * w).imag.sum(),
    "sgn": lambda m, z, w, x: (z.sgn() * w).real.sum(),
    "cast": lambda m, z, w, x: (x.to(m.complex128) * z).imag.sum(),
    "index and cat": lambda m, z, w, x: (z[1:, ::2] * w[:2, :2]).real.sum() + m.cat([z, w]).imag.sum(),
    "tanh sin cos": lambda m, z, w, x: (m.tanh(z) + m.sin(z) + m.cos(z)).real.sum(),
}


@pytest.mark.parametrize("name", list(LOSSES))
def test_gradients_match_pytorch(name):
    torch = pytest.importorskip("torch")
    f = LOSSES[name]
    ours = [ag.tensor(v, requires_grad=True) for v in (ZV, WV, XV)]
    theirs = [torch.tensor(v, requires_grad=True) for v in (ZV, WV, XV)]
    a, b = f(ag, *ours), f(torch, *theirs)
    a.backward()
    b.backward()
    np.testing.assert_allclose(a.item(), b.item(), rtol=1e-10)
    for p, q in zip(ours, theirs):
        if q.grad is None:
            assert p.grad is None or not np.any(p.grad.numpy())
            continue
        assert str(p.grad.dtype) == str(q.grad.dtype).replace("torch.", "")
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_the_gradient_convention_on_two_examples():
    z = ag.tensor([1 + 2j, 3 - 1j], requires_grad=True)
    (z * z.conj()).real.sum().backward()
    np.testing.assert_allclose(z.grad.numpy(), [2 + 4j, 6 - 2j])  # 2 z
    z.grad = None
    z.abs().sum().backward()
    np.testing.assert_allclose(z.grad.numpy(), np.array([1 + 2j, 3 - 1j]) / np.abs([1 + 2j, 3 - 1j]))  # z / |z|


def test_dtypes_and_aliases():
    assert ag.complex64 == np.complex64 and ag.cfloat is ag.complex64
    assert ag.complex128 == np.complex128 and ag.cdouble is ag.complex128
    assert ag.ones(2, dtype=complex).dtype == ag.complex128 and ag.ones(2, dtype="cfloat").dtype == ag.complex64
    with pytest.raises(TypeError, match="complex32 is not supported: .*use complex64"):
        ag.zeros(2, dtype=ag.complex32)
    with pytest.raises(TypeError, match="complex32 is not supported"):
        ag.ones(2).chalf()
    assert ag.chalf is ag.complex32


def test_promotion_matches_pytorch():
    torch = pytest.importorskip("torch")
    names = ["bool", "uint8", "int32", "int64", "float32", "float64", "complex64", "complex128"]
    for a in names:
        for b in names:
            ours = ag.promote_types(ag.dtypes.as_dtype(a), ag.dtypes.as_dtype(b))
            assert str(ours) == str(torch.promote_types(getattr(torch, a), getattr(torch, b))).replace("torch.", "")
            x = ag.ones(2, dtype=ag.dtypes.as_dtype(a)) + ag.ones((), dtype=ag.dtypes.as_dtype(b))
            y = torch.ones(2, dtype=getattr(torch, a)) + torch.ones((), dtype=getattr(torch, b))
            assert str(x.dtype) == str(y.dtype).replace("torch.", ""), (a, b)
        for s in (1j, 2.0, 3):
            x = ag.ones(2, dtype=ag.dtypes.as_dtype(a)) * s
            y = torch.ones(2, dtype=getattr(torch, a)) * s
            assert str(x.dtype) == str(y.dtype).replace("torch.", ""), (a, s)


def test_creation_from_python_and_numpy_complex():
    assert ag.tensor(1j).dtype == ag.complex64 and ag.tensor([1, 2j]).dtype == ag.complex64
    assert ag.from_numpy(np.ones(2, np.complex64)).dtype == ag.complex64
    assert ag.as_tensor(np.ones(2, complex)).dtype == ag.complex128
    assert ag.full((2,), 1j).dtype == ag.complex64
    prev = ag.get_default_dtype()
    ag.set_default_dtype(ag.float64)
    try:
        assert ag.tensor([1 + 1j]).dtype == ag.complex128
    finally:
        ag.set_default_dtype(prev)
    z = ag.tensor([1 + 1j], requires_grad=True)
    assert z.is_complex() and not z.is_floating_point() and z.requires_grad
    assert not ag.ones(2).is_complex()


@pytest.mark.parametrize("values", [[1 + 2j, -3.5 - 0.25j], [[1 + 2j, 100 - 3j], [0.5j, 2]], 1j, [],
                                    [1e10 + 1j, 1], [float("nan") + 1j, float("inf") - 2j]])
@pytest.mark.parametrize("dtype", ["cfloat", "cdouble"])
def test_repr_matches_pytorch(values, dtype):
    torch = pytest.importorskip("torch")
    ours = repr(ag.tensor(values, dtype=getattr(ag, dtype)))
    assert ours == repr(torch.tensor(values, dtype=getattr(torch, dtype))).replace("torch.", "")


def test_real_and_imag_are_views():
    z = ag.tensor([1 + 2j, 3 - 4j])
    re, im = z.real, z.imag
    with ag.no_grad():
        z.mul_(2)
    np.testing.assert_array_equal(re.numpy(), [2, 6])
    np.testing.assert_array_equal(im.numpy(), [4, -8])
    x = ag.ones(2)
    assert x.real is x and ag.real(x) is x
    with pytest.raises(RuntimeError, match="imag: imag is not implemented for tensors with non-complex dtypes"):
        x.imag


def test_view_as_real_and_complex_share_memory_and_check_their_input():
    z = ag.tensor([1 + 2j, 3 - 4j])
    r = ag.view_as_real(z)
    assert r.shape == (2, 2) and np.shares_memory(r.numpy(), z.numpy())
    c = ag.view_as_complex(r)
    assert np.shares_memory(c.numpy(), z.numpy())
    assert not np.shares_memory(ag.view_as_real_copy(z).numpy(), z.numpy())
    with pytest.raises(RuntimeError, match="view_as_real: only supported for complex tensors, got dtype float32"):
        ag.view_as_real(ag.ones(2))
    with pytest.raises(RuntimeError, match="view_as_complex: only supported for float and double tensors"):
        ag.view_as_complex(ag.ones(2, 2, dtype=ag.int64))
    with pytest.raises(RuntimeError, match=r"view_as_complex: the tensor must have a last dimension of size 2, got "
                                           r"shape \(2, 3\)"):
        ag.view_as_complex(ag.ones(2, 3))
    with pytest.raises(RuntimeError, match="view_as_complex: the tensor must have a last dimension with stride 1"):
        ag.view_as_complex(ag.ones(2, 2).t())


def test_conj_family():
    z = ag.tensor([1 + 2j])
    assert not z.is_conj() and not z.conj().is_conj() and not ag.is_neg(z)
    assert ag.resolve_conj(z) is z and z.resolve_neg() is z
    np.testing.assert_array_equal(z.conj_physical().numpy(), [1 - 2j])
    assert z.conj_physical_() is z
    np.testing.assert_array_equal(z.numpy(), [1 - 2j])
    x = ag.ones(2)
    assert x.conj() is x and x.conj_physical_() is x
    leaf = ag.tensor([1j], requires_grad=True)
    with pytest.raises(RuntimeError, match="conj_physical_"):
        leaf.conj_physical_()


def test_complex_and_polar_check_their_inputs():
    with pytest.raises(RuntimeError, match="complex: expected both inputs to be Float or Double tensors, but got "
                                           "int64 and int64"):
        ag.complex(ag.tensor([1]), ag.tensor([2]))
    with pytest.raises(RuntimeError, match="polar: expected abs and angle to have the same dtype, but got float32 "
                                           "and float64"):
        ag.polar(ag.ones(2), ag.ones(2, dtype=ag.float64))
    with pytest.raises(TypeError, match="complex: imag: expected a tensor, got float"):
        ag.complex(ag.ones(2), 1.0)
    assert ag.complex(ag.ones(2), ag.ones(2)).dtype == ag.complex64


def test_adjoint_H_and_mH():
    z = ag.tensor(ZV)
    np.testing.assert_array_equal(z.H.numpy(), ZV.conj().T)
    np.testing.assert_array_equal(ag.ones(2, 3, 4, dtype=ag.cfloat).mH.shape, (2, 4, 3))
    with pytest.raises(RuntimeError, match="H: tensor.H is only supported on matrices"):
        ag.ones(2, 2, 2).H
    with pytest.raises(RuntimeError, match="mH: tensor.mH is only supported on matrices or batches of matrices"):
        ag.ones(2).mH
    with pytest.raises(RuntimeError, match="adjoint: only supported on matrices or batches of matrices, got a 1-D"):
        ag.ones(2).adjoint()


def test_angle_isreal_and_sgn():
    torch = pytest.importorskip("torch")
    vals = [-1.0, 0.0, 1.0, float("nan")]
    np.testing.assert_array_equal(ag.angle(ag.tensor(vals)).numpy(), torch.angle(torch.tensor(vals)).numpy())
    assert ag.angle(ag.tensor([-1, 2])).dtype == ag.float32
    np.testing.assert_array_equal(ag.isreal(ag.tensor([1 + 0j, 1 + 1j])).numpy(), [True, False])
    assert ag.isreal(ag.ones(2)).numpy().all()
    zs = [0j, 3 + 4j]
    np.testing.assert_allclose(ag.tensor(zs).sgn().numpy(), torch.tensor(zs).sgn().numpy())
    z = ag.tensor([0j, 1 + 1j], requires_grad=True)
    z.angle().sum().backward()
    assert z.grad.numpy()[0] == 0  # as in PyTorch: 0 at z == 0


def test_ops_without_complex_support_refuse_it():
    z = ag.tensor([1 + 1j], requires_grad=True)
    with pytest.raises(RuntimeError, match="relu: the derivative for complex tensors \\(dtype complex64\\) is not "
                                           "implemented"):
        ag.relu(z)
    with pytest.raises(RuntimeError, match="sigmoid: not implemented for complex tensors"):
        ag.sigmoid(z)
    with pytest.raises(RuntimeError, match="backward: grad can be implicitly created only for real scalar outputs"):
        (z * 2).sum().backward()
    (z * 2).sum().backward(ag.tensor(1 + 0j))
    np.testing.assert_allclose(z.grad.numpy(), [2])


def test_casting_complex_to_real_warns_and_keeps_the_real_part():
    z = ag.tensor([1 + 2j], requires_grad=True)
    with pytest.warns(UserWarning, match="to: casting complex values .* discards the imaginary part"):
        x = z.to(ag.float32)
    np.testing.assert_array_equal(x.detach().numpy(), [1])
    x.sum().backward()
    np.testing.assert_array_equal(z.grad.numpy(), [1 + 0j])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ag.ones(2).cfloat().dtype == ag.complex64 and ag.ones(2).cdouble().dtype == ag.complex128


def test_gradcheck_perturbs_real_and_imaginary_parts():
    z = ag.tensor([1 + 1j, 0.5 - 2j], dtype=ag.cdouble, requires_grad=True)
    assert ag.gradcheck(lambda z: (z * z).exp(), z) and ag.gradgradcheck(lambda z: (z * z).exp(), z)
    assert ag.gradcheck(lambda z: z.abs(), z) and ag.gradgradcheck(lambda z: z.abs(), z)
    x = ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True)
    assert ag.gradcheck(lambda x: x * (1 + 2j), x)
    with pytest.raises(RuntimeError, match="gradcheck: Jacobian mismatch"):
        ag.gradcheck(lambda z: z.conj().detach() * z, z)  # the detached factor hides part of the gradient
    with pytest.raises(RuntimeError, match="finite differences need float64 or complex128"):
        ag.gradcheck(lambda z: z, ag.tensor([1j], requires_grad=True))


def test_eig_matches_pytorch_values_and_gradients():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    for A in (rng.standard_normal((4, 4)), rng.standard_normal((2, 3, 3)) + 1j * rng.standard_normal((2, 3, 3))):
        a, t = ag.tensor(A, requires_grad=True), torch.tensor(A, requires_grad=True)
        (L, V), (TL, TV) = ag.linalg.eig(a), torch.linalg.eig(t)
        assert str(L.dtype) == str(TL.dtype).replace("torch.", "") and V.shape == tuple(TV.shape)
        np.testing.assert_allclose(L.detach().numpy(), TL.detach().numpy(), atol=1e-10)
        np.testing.assert_allclose(np.abs(V.detach().numpy()), np.abs(TV.detach().numpy()), atol=1e-10)
        w = rng.standard_normal(L.shape) + 1j * rng.standard_normal(L.shape)
        loss = lambda lam, vec, m: (lam * m.tensor(w)).real.sum() + vec.abs().sum()  # noqa: E731
        loss(L, V, ag).backward()
        loss(TL, TV, torch).backward()
        assert a.grad.dtype == a.dtype
        np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), atol=1e-8)


def test_eig_errors():
    with pytest.raises(RuntimeError, match=r"linalg.eig: A must be batches of square matrices, got shape \(2, 3\)"):
        ag.linalg.eig(ag.ones(2, 3))
    with pytest.raises(TypeError, match="linalg.eigvals: expected a float or complex tensor"):
        ag.linalg.eigvals(ag.ones(2, 2, dtype=ag.int64))
    a = ag.tensor([[2.0, 1.0], [0.5, 3.0]], dtype=ag.float64, requires_grad=True)
    _, V = ag.linalg.eig(a)
    with pytest.raises(RuntimeError, match="linalg.eig backward: the eigenvectors .* only defined up to a phase"):
        V.imag.sum().backward()
