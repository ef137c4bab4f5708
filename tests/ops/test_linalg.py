"""Linear algebra: error messages, dtype promotion, which gradients are computed, einsum parsing."""
import numpy as np
import pytest

import autograd as ag
from autograd.ops import linalg


def _t(*shape, dtype="float64", grad=False, seed=0):
    arr = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return ag.tensor(arr, requires_grad=grad)


# ---------------------------------------------------------------------------- matmul errors
def test_matmul_shape_error_names_op_and_both_shapes():
    with pytest.raises(RuntimeError, match=r"matmul: shapes \(2, 3\) and \(4, 5\) cannot be multiplied \(3 != 4\)"):
        ag.matmul(_t(2, 3), _t(4, 5))
    with pytest.raises(RuntimeError, match=r"matmul: shapes \(2, 3\) and \(4, 5\) cannot be multiplied"):
        _t(2, 3) @ _t(4, 5)


@pytest.mark.parametrize("sa, sb, k", [((3,), (4,), "3 != 4"), ((3,), (4, 2), "3 != 4"), ((2, 3), (2,), "3 != 2"),
                                       ((2, 2, 3), (2, 4, 1), "3 != 4")])
def test_matmul_shape_errors_for_vectors_and_batches(sa, sb, k):
    with pytest.raises(RuntimeError, match=rf"matmul: shapes .* cannot be multiplied \({k}\)"):
        ag.matmul(_t(*sa), _t(*sb))


def test_matmul_batch_dims_that_do_not_broadcast():
    with pytest.raises(RuntimeError, match=r"matmul: the batch dimensions \(2,\) and \(3,\) of shapes \(2, 2, 3\) "
                                           r"and \(3, 3, 4\) cannot be broadcast"):
        ag.matmul(_t(2, 2, 3), _t(3, 3, 4))


def test_matmul_0d_operand():
    with pytest.raises(RuntimeError, match=r"matmul: both arguments need at least 1 dimension.*\(\) and \(2,\)"):
        ag.matmul(ag.tensor(1.0), _t(2))


def test_matmul_rejects_numbers_and_bools():
    with pytest.raises(TypeError, match="matmul: expected two tensors"):
        ag.matmul(_t(2, 2), 2.0)
    with pytest.raises(TypeError, match="matmul: expected two tensors"):
        _t(2, 2) @ 3
    with pytest.raises(TypeError, match="matmul: not implemented for bool"):
        ag.tensor([[True]]) @ ag.tensor([[False]])


def test_matmul_error_leaves_no_graph():
    a = _t(2, 3, grad=True)
    with pytest.raises(RuntimeError):
        a @ _t(4, 5)
    assert a.grad is None and a.is_leaf


def test_matmul_accepts_an_array_like_operand():
    a = _t(2, 3)
    np.testing.assert_allclose((a @ [[1.0], [2.0], [3.0]]).numpy(), a.numpy() @ [[1.0], [2.0], [3.0]])


# ---------------------------------------------------------------------------- mm / bmm / mv / dot / outer errors
def test_mm_needs_matrices():
    with pytest.raises(RuntimeError, match=r"mm: expected tensors of 2-D and 2-D, got shapes \(3,\) and \(3, 4\)"):
        ag.mm(_t(3), _t(3, 4))
    with pytest.raises(RuntimeError, match=r"mm: shapes \(2, 3\) and \(4, 5\) cannot be multiplied \(3 != 4\)"):
        ag.mm(_t(2, 3), _t(4, 5))


def test_bmm_needs_3d_and_equal_batches():
    with pytest.raises(RuntimeError, match=r"bmm: expected tensors of 3-D and 3-D, got shapes \(2, 3\)"):
        ag.bmm(_t(2, 3), _t(2, 3, 4))
    with pytest.raises(RuntimeError, match=r"bmm: batch sizes differ: shapes \(2, 2, 3\) and \(1, 3, 4\)"):
        ag.bmm(_t(2, 2, 3), _t(1, 3, 4))  # no broadcasting in bmm
    with pytest.raises(RuntimeError, match=r"bmm: shapes \(2, 2, 3\) and \(2, 4, 4\) cannot be multiplied"):
        ag.bmm(_t(2, 2, 3), _t(2, 4, 4))


def test_mv_dot_outer_shapes():
    with pytest.raises(RuntimeError, match=r"mv: expected tensors of 2-D and 1-D, got shapes \(3, 4\) and \(4, 1\)"):
        ag.mv(_t(3, 4), _t(4, 1))
    with pytest.raises(RuntimeError, match=r"mv: shapes \(3, 4\) and \(5,\) cannot be multiplied \(4 != 5\)"):
        ag.mv(_t(3, 4), _t(5))
    with pytest.raises(RuntimeError, match=r"dot: expected 1-D tensors of the same length, got shapes \(3,\) and "
                                           r"\(4,\)"):
        ag.dot(_t(3), _t(4))
    with pytest.raises(RuntimeError, match=r"dot: expected tensors of 1-D and 1-D, got shapes \(2, 2\)"):
        ag.dot(_t(2, 2), _t(4))
    with pytest.raises(RuntimeError, match=r"outer: expected tensors of 1-D and 1-D, got shapes \(2, 2\) and \(3,\)"):
        ag.outer(_t(2, 2), _t(3))
    with pytest.raises(RuntimeError, match=r"inner: the last dimensions of shapes \(2, 3\) and \(3, 2\) differ"):
        ag.inner(_t(2, 3), _t(3, 2))


def test_dot_and_vector_products_are_0d():
    a, b = _t(4), _t(4, seed=1)
    for y in (ag.dot(a, b), a @ b, ag.vdot(a, b), ag.inner(a, b)):
        assert y.shape == ()
        assert y.item() == pytest.approx(float(a.numpy() @ b.numpy()))


def test_addmm_input_must_broadcast():
    with pytest.raises(RuntimeError, match=r"addmm: input of shape \(3,\) does not broadcast to the product's shape "
                                           r"\(2, 4\)"):
        ag.addmm(_t(3), _t(2, 3), _t(3, 4))
    with pytest.raises(RuntimeError, match=r"addmm: input of shape \(3, 2, 4\) does not broadcast"):
        ag.addmm(_t(3, 2, 4), _t(2, 3), _t(3, 4))


def test_addmm_beta0_ignores_nan_in_input():
    inp = ag.full((2, 2), float("nan"), dtype=ag.float64)
    y = ag.addmm(inp, _t(2, 3), _t(3, 2), beta=0)
    assert not np.isnan(y.numpy()).any()


# ---------------------------------------------------------------------------- dtypes and gradients
def test_matmul_promotes_dtypes_and_grads_keep_input_dtype():
    a = _t(2, 3, dtype="float32", grad=True)
    b = _t(3, 4, dtype="float64", grad=True)
    y = a @ b
    assert y.dtype == ag.float64
    y.sum().backward()
    assert a.grad.dtype == ag.float32 and b.grad.dtype == ag.float64
    np.testing.assert_allclose(a.grad.numpy(), np.ones((2, 4)) @ b.array.T, rtol=1e-6)


def test_matmul_int_and_float_promotion():
    i = ag.tensor([[1, 2], [3, 4]])
    f = ag.tensor([[0.5, 1.0], [1.5, 2.0]])
    assert (i @ i).dtype == ag.int64
    assert (i @ i).tolist() == [[7, 10], [15, 22]]
    assert not (i @ i).requires_grad
    assert (i @ f).dtype == ag.float32
    assert (f.half() @ i.int()).dtype == ag.float16
    assert ag.einsum("ij,jk->ik", i, f).dtype == ag.float32
    assert ag.tensordot(i, f.double(), 1).dtype == ag.float64


def test_float32_matmul_stays_float32():
    a, b = _t(3, 4, dtype="float32", grad=True), _t(4, 2, dtype="float32")
    y = a @ b
    assert y.dtype == ag.float32
    y.sum().backward()
    assert a.grad.dtype == ag.float32


def test_only_needed_gradients_are_computed(monkeypatch):
    from autograd import backend

    a, b = _t(3, 4, grad=True), _t(4, 5)
    y = a @ b
    calls = []
    real = backend.matmul

    def counting(*args, **kw):
        calls.append(args[0].shape)
        return real(*args, **kw)

    monkeypatch.setattr(backend, "matmul", counting)
    y.sum().backward()
    assert len(calls) == 1  # only d/da: b needs no gradient


def test_backward_does_not_copy_transposed_operands(monkeypatch):
    a, b = _t(3, 4, grad=True), _t(4, 5, grad=True)
    y = a @ b
    from autograd import backend

    seen = []
    real = backend.matmul

    def spy(x, z, *args, **kw):
        seen.append((x, z))
        return real(x, z, *args, **kw)

    monkeypatch.setattr(backend, "matmul", spy)
    y.sum().backward()
    assert len(seen) == 2  # one matmul per gradient
    (g1, bt), (at, g2) = seen  # gy @ b^T and a^T @ gy, the transposes being views of the saved inputs
    assert bt.base is b.array and at.base is a.array


def test_broadcast_batch_gradients_are_summed():
    a, b = _t(2, 1, 3, 4, grad=True), _t(5, 4, 2, grad=True)
    (a @ b).sum().backward()
    g = np.ones((2, 5, 3, 2))
    np.testing.assert_allclose(a.grad.numpy(), (g @ np.swapaxes(b.array, -1, -2)).sum(1, keepdims=True))
    np.testing.assert_allclose(b.grad.numpy(), (np.swapaxes(a.array, -1, -2) @ g).sum(0))


def test_grad_fn_names():
    a = _t(2, 3, grad=True)
    assert repr((a @ _t(3, 2)).grad_fn) == "<MmBackward0>"
    assert repr(ag.einsum("ij->", a).grad_fn) == "<EinsumBackward0>"


def test_methods_exist():
    a, b = _t(2, 3), _t(3, 2)
    np.testing.assert_allclose(a.mm(b).numpy(), a.numpy() @ b.numpy())
    np.testing.assert_allclose(a.matmul(b).numpy(), a.numpy() @ b.numpy())
    np.testing.assert_allclose(_t(3).outer(_t(2)).numpy(), np.outer(_t(3).numpy(), _t(2).numpy()))


# ---------------------------------------------------------------------------- einsum
def test_einsum_errors():
    a, b = _t(2, 3), _t(4, 5)
    with pytest.raises(RuntimeError, match=r"einsum: 2 subscript terms but 1 operands"):
        ag.einsum("ij,jk->ik", a)
    with pytest.raises(RuntimeError, match=r"einsum: operand 0 has 2 dimensions but its subscripts 'ijk' name 3"):
        ag.einsum("ijk->i", a)
    with pytest.raises(RuntimeError, match=r"einsum: subscript 'j' has size 4 for operand 1, which does not broadcast "
                                           r"with the size 3.*shapes \(2, 3\), \(4, 5\)"):
        ag.einsum("ij,jk", a, b)
    with pytest.raises(RuntimeError, match=r"einsum: output subscript 'z' does not appear in the inputs"):
        ag.einsum("ij->iz", a)
    with pytest.raises(RuntimeError, match=r"einsum: output subscript 'i' appears more than once"):
        ag.einsum("ij->ii", a)
    with pytest.raises(RuntimeError, match=r"einsum: invalid subscript '1'"):
        ag.einsum("i1->i", a)
    with pytest.raises(RuntimeError, match=r"einsum: more than one '->'"):
        ag.einsum("ij->i->j", a)
    with pytest.raises(RuntimeError, match=r"einsum: subscript 'i' is repeated in operand 0 with different sizes"):
        ag.einsum("ii->i", a)
    with pytest.raises(RuntimeError, match=r"einsum: more than one '\.\.\.'"):
        ag.einsum("...i...->i", a)
    with pytest.raises(RuntimeError, match=r"einsum: a '\.\.\.' dimension has size 4"):
        ag.einsum("...i,...i->...i", _t(3, 2), _t(4, 2))
    with pytest.raises(TypeError, match=r"einsum: operand 1 is a list, expected a Tensor"):
        ag.einsum("i,i->", _t(2), [1.0, 2.0])
    with pytest.raises(ValueError, match=r"einsum: expected at least one operand"):
        ag.einsum("i->")


def test_einsum_implicit_output_is_sorted_and_keeps_ellipsis_first():
    a, b = _t(2, 3), _t(4)
    assert ag.einsum("ba,c", a, b).shape == (3, 2, 4)
    assert ag.einsum("...ij,jk", _t(5, 2, 3), _t(3, 4)).shape == (5, 2, 4)
    assert ag.einsum("ii", _t(3, 3)).shape == ()
    assert ag.einsum("Ab,bc", _t(2, 3), _t(3, 4)).shape == (2, 4)  # upper case before lower case


def test_einsum_operand_list_and_sublist_forms():
    a, b = _t(2, 3), _t(3, 4, seed=1)
    want = a.numpy() @ b.numpy()
    np.testing.assert_allclose(ag.einsum("ij,jk", [a, b]).numpy(), want)
    np.testing.assert_allclose(ag.einsum("ij,jk", (a, b)).numpy(), want)
    np.testing.assert_allclose(ag.einsum(a, [0, 1], b, [1, 2], [0, 2]).numpy(), want)
    np.testing.assert_allclose(ag.einsum(a, [Ellipsis, 1], b, [1, 2]).numpy(), want)


def test_einsum_does_not_return_a_view_of_its_input():
    a = _t(2, 3)
    y = ag.einsum("ij->ji", a)
    a.array[0, 0] = 100.0
    assert y.array[0, 0] != 100.0
    d = ag.einsum("ii->i", _t(3, 3))
    assert d.array.flags.writeable


def test_einsum_broadcasting_and_summed_ellipsis():
    a, b = _t(2, 1), _t(2, 3, seed=1)
    np.testing.assert_allclose(ag.einsum("ij,ij->ij", a, b).numpy(), a.numpy() * b.numpy())
    x = _t(2, 3, 4)
    np.testing.assert_allclose(ag.einsum("...ij->ij", x).numpy(), x.numpy().sum(0))


def test_einsum_gradients_of_trace_and_diagonal():
    x = _t(3, 3, grad=True)
    ag.einsum("ii->", x).backward()
    np.testing.assert_allclose(x.grad.numpy(), np.eye(3))
    x.grad = None
    ag.einsum("ii->i", x).backward(ag.tensor([1.0, 2.0, 3.0], dtype=ag.float64))
    np.testing.assert_allclose(x.grad.numpy(), np.diag([1.0, 2.0, 3.0]))
    x.grad = None
    ag.einsum("ij->", x).backward()
    np.testing.assert_allclose(x.grad.numpy(), np.ones((3, 3)))


def test_einsum_parse_is_cached():
    linalg._parse.cache_clear()
    for _ in range(3):
        ag.einsum("ij,jk->ik", _t(2, 3), _t(3, 4))
    info = linalg._parse.cache_info()
    assert info.hits == 2 and info.misses == 1


# ---------------------------------------------------------------------------- tensordot
def test_tensordot_errors():
    a, b = _t(2, 3, 4), _t(3, 5)
    with pytest.raises(RuntimeError, match=r"tensordot: contracted dimensions need to match, but the first operand "
                                           r"\(shape \(2, 3, 4\)\) has size 4 in dim 2 and the second "
                                           r"\(shape \(3, 5\)\) has size 3 in dim 0"):
        ag.tensordot(a, b, 1)
    with pytest.raises(RuntimeError, match=r"tensordot: dims=3 must be between 0"):
        ag.tensordot(a, b, 3)
    with pytest.raises(RuntimeError, match=r"tensordot: both operands need the same number of dims"):
        ag.tensordot(a, b, ([0, 1], [0]))
    with pytest.raises(IndexError, match=r"tensordot: dim 5 is out of range for the first operand"):
        ag.tensordot(a, b, ([5], [0]))
    with pytest.raises(RuntimeError, match=r"tensordot: repeated dims"):
        ag.tensordot(a, b, ([1, 1], [0, 0]))
    with pytest.raises(TypeError, match=r"tensordot: dims must be an int or a pair"):
        ag.tensordot(a, b, "x")


def test_tensordot_matches_numpy():
    a, b = _t(2, 3, 4), _t(4, 3, 5, seed=1)
    np.testing.assert_allclose(ag.tensordot(a, b, ([1, 2], [1, 0])).numpy(),
                               np.tensordot(a.numpy(), b.numpy(), ([1, 2], [1, 0])))


# ---------------------------------------------------------------------------- inverse / det
def test_inverse_errors():
    with pytest.raises(RuntimeError, match=r"inverse: expected a \(batch of\) square matrices, got shape \(2, 3\)"):
        ag.inverse(_t(2, 3))
    with pytest.raises(RuntimeError, match=r"inverse: the input is singular"):
        ag.inverse(ag.zeros(2, 2))
    with pytest.raises(TypeError, match=r"inverse: expected a floating point tensor, got dtype int64"):
        ag.inverse(ag.tensor([[1, 0], [0, 1]]))
    with pytest.raises(RuntimeError, match=r"det: expected a \(batch of\) square matrices, got shape \(3,\)"):
        ag.det(_t(3))


def test_det_and_inverse_values():
    x = ag.tensor([[2.0, 1.0], [1.0, 3.0]], requires_grad=True)
    d = ag.det(x)
    assert d.item() == pytest.approx(5.0)
    d.backward()
    np.testing.assert_allclose(x.grad.numpy(), [[3.0, -1.0], [-1.0, 2.0]], rtol=1e-6)  # the cofactor matrix
    np.testing.assert_allclose((ag.inverse(x) @ x).detach().numpy(), np.eye(2), atol=1e-6)
