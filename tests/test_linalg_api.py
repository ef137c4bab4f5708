"""autograd.linalg against torch.linalg: values, gradients, return types, errors and signatures."""
import inspect
import math
import re

import numpy as np
import pytest

import autograd as ag

L = ag.linalg
try:
    import torch
except ImportError:  # the comparisons are skipped; the error paths still run
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="torch is not installed")


def _t(*shape, seed=0, lo=-2.0, hi=2.0):
    return ag.tensor(np.random.default_rng(seed).uniform(lo, hi, shape), dtype=ag.float64)


# ---------------------------------------------------------------------------- comparison with torch
def _rand(shape, seed):
    return np.random.default_rng(seed).uniform(-2, 2, shape)


def _spd(lib, x):
    eye = lib.eye(x.shape[-1], dtype=x.dtype)
    return x @ x.mT + x.shape[-1] * eye


def _sym(lib, x):
    return (x + x.mT) / 2


def _wc(lib, x):
    return x + 4 * lib.eye(x.shape[-1], dtype=x.dtype)


def _svd_invariants(lib, r):
    U, S, Vh = r
    w = lib.arange(1.0, S.shape[-1] + 1, dtype=S.dtype)
    return S, U * U, Vh * Vh, (U * w) @ Vh


def _leading_u(r, k):
    return r.U[..., :k], r.S, r.Vh


def _with_vh(r):
    return r.U, r.S, r.V.mT


def _eigh_invariants(lib, r):
    w, V = r
    c = lib.arange(1.0, w.shape[-1] + 1, dtype=w.dtype)
    return w, V * V, (V * c) @ V.mT


def _qr_normalized(lib, r):
    Q, R = r
    d = lib.sign(R.diagonal(dim1=-2, dim2=-1))
    return Q * d[..., None, :], R * d[..., :, None]


# (name, function of (library, its linalg, *inputs), input shapes)
COMPARE = [
    ("det", lambda t, l, a: l.det(_wc(t, a)), [(2, 3, 3)]),
    ("slogdet", lambda t, l, a: tuple(l.slogdet(a)), [(3, 3, 3)]),
    ("logdet", lambda t, l, a: t.logdet(_spd(t, a)), [(2, 3, 3)]),
    ("inv", lambda t, l, a: l.inv(_wc(t, a)), [(2, 3, 3)]),
    ("inv_ex", lambda t, l, a: tuple(l.inv_ex(_wc(t, a))), [(3, 3)]),
    ("solve", lambda t, l, a, b: l.solve(_wc(t, a), b), [(2, 3, 3), (3, 2)]),
    ("solve-vector", lambda t, l, a, b: l.solve(_wc(t, a), b), [(2, 3, 3), (2, 3)]),
    ("solve-left-false", lambda t, l, a, b: l.solve(_wc(t, a), b, left=False), [(3, 3), (4, 1, 2, 3)]),
    ("solve_ex", lambda t, l, a, b: tuple(l.solve_ex(_wc(t, a), b)), [(3, 3), (3,)]),
    ("solve_triangular", lambda t, l, a, b: l.solve_triangular(_wc(t, a), b, upper=True), [(2, 3, 3), (3, 2)]),
    ("solve_triangular-lower-right-unit", lambda t, l, a, b: l.solve_triangular(
        a, b, upper=False, left=False, unitriangular=True), [(3, 3), (2, 2, 3)]),
    ("cholesky", lambda t, l, a: l.cholesky(_spd(t, a)), [(2, 3, 3)]),
    ("cholesky-upper", lambda t, l, a: l.cholesky(_spd(t, a), upper=True), [(3, 3)]),
    ("cholesky_ex", lambda t, l, a: tuple(l.cholesky_ex(_spd(t, a))), [(3, 3)]),
    ("qr", lambda t, l, a: _qr_normalized(t, l.qr(a)), [(2, 4, 3)]),
    ("qr-wide", lambda t, l, a: _qr_normalized(t, l.qr(a)), [(3, 5)]),
    ("qr-complete", lambda t, l, a: _qr_normalized(t, l.qr(a, mode="complete")), [(3, 4)]),
    ("svd", lambda t, l, a: _svd_invariants(t, l.svd(a, full_matrices=False)), [(2, 4, 3)]),
    ("svd-wide", lambda t, l, a: _svd_invariants(t, l.svd(a, full_matrices=False)), [(3, 5)]),
    ("svd-full", lambda t, l, a: _svd_invariants(t, _leading_u(l.svd(a), 2)), [(4, 2)]),
    ("svdvals", lambda t, l, a: l.svdvals(a), [(2, 3, 4)]),
    ("svd-top-level", lambda t, l, a: _svd_invariants(t, _with_vh(t.svd(a))), [(4, 3)]),
    ("eigh", lambda t, l, a: _eigh_invariants(t, l.eigh(_sym(t, a))), [(2, 3, 3)]),
    ("eigh-raw-input", lambda t, l, a: _eigh_invariants(t, l.eigh(a, UPLO="U")), [(3, 3)]),
    ("eigvalsh", lambda t, l, a: l.eigvalsh(a), [(2, 4, 4)]),
    ("lu_factor", lambda t, l, a: tuple(l.lu_factor(a)), [(2, 4, 4)]),
    ("lu_factor-tall", lambda t, l, a: tuple(l.lu_factor(a)), [(5, 3)]),
    ("lu_factor-wide", lambda t, l, a: tuple(l.lu_factor(a)), [(3, 5)]),
    ("lu", lambda t, l, a: tuple(l.lu(a)), [(2, 3, 4)]),
    ("lu_solve", lambda t, l, a, b: l.lu_solve(*l.lu_factor(_wc(t, a)), b), [(2, 3, 3), (2, 3, 2)]),
    ("lu_solve-adjoint-right", lambda t, l, a, b: l.lu_solve(*l.lu_factor(_wc(t, a)), b, left=False, adjoint=True),
     [(3, 3), (2, 3)]),
    ("householder_product", lambda t, l, a, tau: l.householder_product(a, tau), [(4, 3), (3,)]),
    ("cholesky_solve", lambda t, l, b, a: t.cholesky_solve(b, l.cholesky(_spd(t, a))), [(3, 2), (3, 3)]),
    ("cholesky_inverse", lambda t, l, a: t.cholesky_inverse(l.cholesky(_spd(t, a), upper=True), upper=True),
     [(3, 3)]),
    ("pinv", lambda t, l, a: l.pinv(a), [(2, 4, 3)]),
    ("pinv-hermitian", lambda t, l, a: l.pinv(_sym(t, a), hermitian=True), [(3, 3)]),
    ("pinverse", lambda t, l, a: t.pinverse(a), [(3, 5)]),
    ("lstsq", lambda t, l, a, b: l.lstsq(a, b).solution, [(5, 3), (5, 2)]),
    ("lstsq-gelsd", lambda t, l, a, b: tuple(l.lstsq(a, b, driver="gelsd")), [(2, 5, 3), (2, 5, 2)]),
    ("lstsq-gels", lambda t, l, a, b: tuple(l.lstsq(a, b, driver="gels"))[:2], [(5, 3), (5,)]),
    ("lstsq-wide", lambda t, l, a, b: tuple(l.lstsq(a, b, driver="gelss")), [(3, 5), (3, 2)]),
    ("matrix_rank", lambda t, l, a: l.matrix_rank(a @ a[..., :2, :].mT @ a[..., :2, :]), [(2, 3, 3)]),
    ("vector_norm", lambda t, l, a: tuple(l.vector_norm(a, o) for o in (2, 1, 3.5, math.inf, -math.inf, 0)),
     [(2, 3)]),
    ("vector_norm-dim", lambda t, l, a: l.vector_norm(a, 2, dim=(0, 2), keepdim=True), [(2, 3, 4)]),
    ("matrix_norm", lambda t, l, a: tuple(l.matrix_norm(a, o) for o in ("fro", "nuc", 2, -2, 1, -1, math.inf,
                                                                         -math.inf)), [(2, 3, 4)]),
    ("matrix_norm-dims", lambda t, l, a: l.matrix_norm(a, "nuc", dim=(2, 0), keepdim=True), [(3, 2, 4)]),
    ("norm", lambda t, l, a: (l.norm(a), l.norm(a[0], 1), l.norm(a, dim=1), l.norm(a, 2, dim=(1, 2))), [(2, 3, 4)]),
    ("cond", lambda t, l, a: tuple(l.cond(_wc(t, a), p) for p in (None, -2, "fro", "nuc", 1, math.inf)),
     [(2, 3, 3)], lambda t, l, a: tuple(l.cond(_wc(t, a), p) for p in (None, -2)) + tuple(  # torch's own
         l.matrix_norm(_wc(t, a), p) * l.matrix_norm(l.inv(_wc(t, a)), p) for p in ("fro", "nuc", 1, math.inf))),
    ("matrix_power", lambda t, l, a: tuple(l.matrix_power(_wc(t, a) / 4, n) for n in (0, 1, 3, -2)), [(2, 3, 3)]),
    ("matrix_exp", lambda t, l, a: l.matrix_exp(a), [(2, 3, 3)]),
    ("matrix_exp-large", lambda t, l, a: l.matrix_exp(3 * a), [(4, 4)]),
    ("cross", lambda t, l, a, b: l.cross(a, b), [(2, 3), (1, 3)]),
    ("cross-top-level", lambda t, l, a, b: t.cross(a, b, dim=0), [(3, 4), (3, 4)]),
    ("multi_dot", lambda t, l, a, b, c: l.multi_dot([a, b, c]), [(3,), (3, 4), (4, 2)]),
    ("vander", lambda t, l, a: (l.vander(a, N=4), t.vander(a[0]), t.vander(a[0], 2, increasing=True)), [(2, 3)],
     lambda t, l, a: (a[..., None] ** t.arange(4.0), a[0, :, None] ** t.arange(2.0, -1, -1), a[0, :, None] **
                      t.arange(2.0))),  # torch's vander backward fails (an in-place cumprod), so compare to powers
    ("vecdot", lambda t, l, a, b: l.vecdot(a, b, dim=0), [(3, 2), (3, 1)]),
    ("diagonal", lambda t, l, a: l.diagonal(a, offset=-1), [(2, 3, 3)]),
    ("tensorinv", lambda t, l, a: l.tensorinv(_wc(t, a).reshape(2, 3, 6), ind=2), [(6, 6)]),
    ("tensorsolve", lambda t, l, a, b: l.tensorsolve(_wc(t, a).reshape(2, 3, 6), b), [(6, 6), (2, 3)]),
]


def _as_list(r):
    return list(r) if isinstance(r, (tuple, list)) else [r]


def _np(x):
    return x.detach().cpu().numpy()


@needs_torch
@pytest.mark.parametrize("case", COMPARE, ids=[c[0] for c in COMPARE])
def test_matches_torch_values_and_gradients(case):
    name, fn, shapes = case[:3]
    torch_fn = case[3] if len(case) > 3 else fn  # where torch's own backward fails, torch's composite of the same
    arrays = [_rand(s, i) for i, s in enumerate(shapes)]
    ours = [ag.tensor(a, dtype=ag.float64, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out_o, out_t = _as_list(fn(ag, L, *ours)), _as_list(torch_fn(torch, torch.linalg, *theirs))
    assert len(out_o) == len(out_t)
    loss_o = loss_t = 0
    for k, (o, t) in enumerate(zip(out_o, out_t)):
        assert tuple(o.shape) == tuple(t.shape), (name, k, o.shape, t.shape)
        assert str(o.dtype) == str(t.dtype).replace("torch.", ""), (name, k, o.dtype, t.dtype)
        np.testing.assert_allclose(_np(o), _np(t), rtol=1e-7, atol=1e-9, err_msg=f"{name} output {k}")
        if t.requires_grad and t.dtype.is_floating_point and t.numel():  # a loss over all outputs: the gradients
            w = np.random.default_rng(100 + k).standard_normal(tuple(t.shape))  # then agree only if each does
            finite = np.isfinite(_np(t))
            w = np.where(finite, w, 0)
            if o.requires_grad:  # (slogdet's sign needs none: torch's is a constant with a zero gradient)
                loss_o = loss_o + (o.where(ag.tensor(finite), 0.0) * ag.tensor(w)).sum()
            loss_t = loss_t + (t.where(torch.tensor(finite), 0.0) * torch.tensor(w)).sum()
    if isinstance(loss_t, int):
        return
    gs_o = ag.grad(loss_o, ours, allow_unused=True)
    gs_t = torch.autograd.grad(loss_t, theirs, allow_unused=True)
    for i, (go, gt) in enumerate(zip(gs_o, gs_t)):
        if gt is None:
            assert go is None or not np.any(_np(go)), (name, i)
            continue
        np.testing.assert_allclose(_np(go), _np(gt), rtol=1e-6, atol=1e-8, err_msg=f"{name} gradient {i}")


@needs_torch
@pytest.mark.parametrize("name", [n for n in L.__all__ if n != "LinAlgError"])
def test_takes_torch_linalg_parameters(name):
    """Same parameter names, defaults and keyword-only markers as torch.linalg's documented signature."""
    doc = getattr(torch.linalg, name).__doc__
    m = re.search(rf"(?:linalg\.)?{name}\((.*?)\)(?:\s*->|\s*$)", doc, re.MULTILINE)
    want = []
    kw_only = False
    items, depth, cur = [], 0, ""
    for ch in m.group(1) + ",":  # split at the commas outside parentheses
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            items.append(cur.strip())
            cur = ""
        else:
            cur += ch
    for p in [p for p in items if p]:
        if p == "*":
            kw_only = True
            continue
        p = p.replace("bool ", "")
        pname, _, default = p.partition("=")
        if pname == "out":
            continue
        want.append((pname, kw_only, default or None))
    sig = inspect.signature(getattr(L, name))
    got = [(p.name, p.kind is p.KEYWORD_ONLY, None if p.default is p.empty else repr(p.default).replace('"', "'"))
           for p in sig.parameters.values()]
    norm = [(n, k, d.replace(" ", "") if d else d) for n, k, d in want]
    assert [(n, k, d.replace(" ", "") if d else d) for n, k, d in got] == norm, (sig, m.group(1))


@needs_torch
@pytest.mark.filterwarnings("ignore:torch.qr is deprecated")
def test_return_types_are_named_as_torchs():
    a = _t(3, 3)
    pairs = [(L.slogdet(a), torch.linalg.slogdet(torch.tensor(a.numpy()))),
             (L.qr(a), torch.linalg.qr(torch.tensor(a.numpy()))),
             (L.svd(a), torch.linalg.svd(torch.tensor(a.numpy()))),
             (L.eigh(a), torch.linalg.eigh(torch.tensor(a.numpy()))),
             (L.lu_factor(a), torch.linalg.lu_factor(torch.tensor(a.numpy()))),
             (L.lu_factor_ex(a), torch.linalg.lu_factor_ex(torch.tensor(a.numpy()))),
             (L.lu(a), torch.linalg.lu(torch.tensor(a.numpy()))),
             (L.inv_ex(a), torch.linalg.inv_ex(torch.tensor(a.numpy()))),
             (L.solve_ex(a, a), torch.linalg.solve_ex(torch.tensor(a.numpy()), torch.tensor(a.numpy()))),
             (L.cholesky_ex(a), torch.linalg.cholesky_ex(torch.tensor(a.numpy()))),
             (L.lstsq(a, a), torch.linalg.lstsq(torch.tensor(a.numpy()), torch.tensor(a.numpy()))),
             (ag.slogdet(a), torch.slogdet(torch.tensor(a.numpy()))),
             (ag.svd(a), torch.svd(torch.tensor(a.numpy()))),
             (ag.qr(a), torch.qr(torch.tensor(a.numpy())))]
    for ours, theirs in pairs:
        assert type(ours).__name__ == type(theirs).__name__
        assert ours._fields == tuple(theirs._fields) if hasattr(theirs, "_fields") else True
        assert [tuple(x.shape) for x in ours] == [tuple(x.shape) for x in theirs], type(ours).__name__
        assert [str(x.dtype) for x in ours] == [str(x.dtype).replace("torch.", "") for x in theirs]


@needs_torch
def test_info_and_partial_results_like_torch():
    bad = np.array([[[1.0, 0], [0, -1]], [[4.0, 2], [2, 5]]])
    o, t = L.cholesky_ex(ag.tensor(bad)), torch.linalg.cholesky_ex(torch.tensor(bad))
    np.testing.assert_array_equal(o.info.numpy(), t.info.numpy())
    np.testing.assert_allclose(o.L.numpy(), t.L.numpy())
    sing = np.array([[[1.0, 0], [0, 0]], [[2.0, 1], [1, 1]]])
    o, t = L.inv_ex(ag.tensor(sing)), torch.linalg.inv_ex(torch.tensor(sing))
    np.testing.assert_array_equal(o.info.numpy(), t.info.numpy())
    np.testing.assert_allclose(o.inverse.numpy()[1], t.inverse.numpy()[1])
    assert not np.isfinite(o.inverse.numpy()[0]).all()
    o, t = L.lu_factor_ex(ag.tensor(sing)), torch.linalg.lu_factor_ex(torch.tensor(sing))
    np.testing.assert_array_equal(o.info.numpy(), t.info.numpy())
    o = L.solve_ex(ag.tensor(sing), ag.ones(2, 2, dtype=ag.float64))
    np.testing.assert_array_equal(o.info.numpy(), [2, 0])
    big = np.random.default_rng(0).standard_normal((70, 70))  # several panels of the blocked LU
    o, t = L.lu_factor(ag.tensor(big)), torch.linalg.lu_factor(torch.tensor(big))
    np.testing.assert_array_equal(o.pivots.numpy(), t.pivots.numpy())
    np.testing.assert_allclose(o.LU.numpy(), t.LU.numpy(), rtol=1e-8, atol=1e-10)


# ---------------------------------------------------------------------------- errors
def test_linalg_error_is_a_runtime_error_raised_for_singular_and_indefinite_input():
    assert issubclass(L.LinAlgError, RuntimeError)
    with pytest.raises(L.LinAlgError, match="singular"):
        L.inv(ag.zeros(2, 2))
    with pytest.raises(L.LinAlgError, match=r"linalg.solve: the solver failed because the input matrix is singular"):
        L.solve(ag.zeros(2, 2), ag.ones(2))
    with pytest.raises(L.LinAlgError, match=r"linalg.cholesky: .*not positive-definite \(the leading minor of order "
                                            r"1 is not positive-definite\)"):
        L.cholesky(-ag.eye(2))
    with pytest.raises(L.LinAlgError, match=r"linalg.cholesky \(batch element 1\): .* order 2 "):
        L.cholesky(ag.tensor([[[1.0, 0], [0, 1]], [[1.0, 0], [0, -1]]]))
    with pytest.raises(L.LinAlgError, match=r"linalg.cholesky_ex: .*order 2"):
        L.cholesky_ex(ag.tensor([[1.0, 0], [0, -1]]), check_errors=True)
    with pytest.raises(L.LinAlgError, match=r"linalg.inv_ex \(batch element 1\): the diagonal element 1 is zero"):
        L.inv_ex(ag.stack([ag.eye(2), ag.zeros(2, 2)]), check_errors=True)
    with pytest.raises(RuntimeError, match=r"linalg.lu_factor: U\[0,0\] is zero .* linalg.lu_factor_ex"):
        L.lu_factor(ag.zeros(2, 2))
    with pytest.raises(L.LinAlgError):
        ag.inverse(ag.zeros(3, 3))  # inverse (linalg.inv's alias) raises it too


def test_no_error_where_torch_gives_inf_or_zero():
    assert L.slogdet(ag.zeros(2, 2)).logabsdet.item() == -math.inf
    assert L.det(ag.zeros(2, 2)).item() == 0
    x = L.solve_triangular(ag.tensor([[0.0, 1.0], [0.0, 1.0]]), ag.ones(2, 1), upper=True)
    assert np.isnan(x.numpy()[0, 0]) and x.numpy()[1, 0] == 1
    assert L.cond(ag.tensor([[1.0, 2.0], [2.0, 4.0]]), "fro").item() == math.inf
    assert L.lu_factor_ex(ag.zeros(2, 2)).info.item() == 1 and L.lu(ag.zeros(2, 3)).U.shape == (2, 3)


@pytest.mark.parametrize("call,error,match", [
    (lambda: L.det(ag.ones(2, 3)), RuntimeError, r"square matrices"),
    (lambda: L.slogdet(ag.ones(3)), RuntimeError, r"linalg.slogdet: the input tensor A must have at least 2 dim"),
    (lambda: L.cholesky(ag.ones(2, 3)), RuntimeError,
     r"linalg.cholesky: A must be batches of square matrices, but they are 2 by 3 matrices"),
    (lambda: L.eigh(ag.ones(2, 3)), RuntimeError, r"linalg.eigh: A must be batches of square matrices"),
    (lambda: L.eigh(ag.eye(2), UPLO="X"), RuntimeError, r"Expected UPLO argument to be 'L' or 'U', but got X"),
    (lambda: L.qr(ag.ones(2, 3), mode="x"), RuntimeError, r"qr received unrecognized mode 'x'"),
    (lambda: L.svd(ag.ones(2, 2), driver="magic"), RuntimeError, r"linalg.svd: driver must be None or one of"),
    (lambda: L.inv(ag.ones(2, 2, dtype=ag.int64)), TypeError, r"inverse: expected a floating point tensor"),
    (lambda: L.cholesky(ag.eye(2, dtype=ag.float16)), TypeError, r"linalg.cholesky: low precision dtypes"),
    (lambda: L.svdvals(ag.eye(2, dtype=ag.int32)), TypeError, r"linalg.svdvals: expected a floating point"),
    (lambda: L.solve(ag.eye(2), ag.ones(2, dtype=ag.float64)), RuntimeError,
     r"linalg.solve: expected A and B to have the same dtype"),
    (lambda: L.solve(ag.eye(3), ag.ones(2, 3)), RuntimeError,
     r"linalg.solve: incompatible shapes of A and B for the equation AX = B \(3x3 and 2x3\)"),
    (lambda: L.solve(ag.eye(3), ag.ones(3), left=False), RuntimeError, r"vector broadcasting of the left hand side"),
    (lambda: L.solve(ag.eye(3).expand(2, 3, 3), ag.ones(4, 3, 1)), RuntimeError, r"batch dimensions"),
    (lambda: L.solve(ag.eye(2), [1.0, 2.0]), TypeError, r"linalg.solve: expected a tensor for B"),
    (lambda: L.solve_triangular(ag.eye(2), ag.ones(2), upper=True), RuntimeError,
     r"linalg.solve_triangular: the input tensor B must have at least 2 dimensions"),
    (lambda: L.solve_triangular(ag.eye(2), ag.ones(2, 2)), TypeError, r"upper"),
    (lambda: L.lu_solve(*L.lu_factor(ag.eye(2)), ag.ones(3, 1)), RuntimeError, r"incompatible shapes"),
    (lambda: L.lu_solve(L.lu_factor(ag.eye(2)).LU, ag.tensor([1, 2]), ag.ones(2, 1)), TypeError, r"int32"),
    (lambda: L.householder_product(ag.ones(2, 3), ag.ones(2)), RuntimeError, r"A.shape\[-2\] must be greater"),
    (lambda: L.householder_product(ag.ones(3, 2), ag.ones(3)), RuntimeError, r"tau of shape \(3,\) does not fit"),
    (lambda: L.lstsq(ag.ones(3, 2), ag.ones(4, 1)), RuntimeError, r"same number of rows"),
    (lambda: L.lstsq(ag.ones(3, 2), ag.ones(3, 1), driver="x"), RuntimeError, r"parameter `driver` should be one of"),
    (lambda: L.pinv(ag.ones(2, 2), atol="a"), TypeError, r"linalg.pinv: atol must be a float or a tensor"),
    (lambda: L.vector_norm(ag.ones(3), ord="fro"), TypeError, r"linalg.vector_norm: ord must be a number"),
    (lambda: L.vector_norm(ag.tensor([1, 2])), TypeError, r"linalg.vector_norm: expected a floating point"),
    (lambda: L.matrix_norm(ag.ones(3), ord=2), RuntimeError, r"at least 2 dimensions"),
    (lambda: L.matrix_norm(ag.ones(3, 3), ord=3), RuntimeError, r"linalg.matrix_norm: order 3 is not supported"),
    (lambda: L.matrix_norm(ag.ones(3, 3), dim=(0, 0)), RuntimeError, r"dims must be different"),
    (lambda: L.norm(ag.ones(2, 3, 4), ord=2), RuntimeError,
     r"linalg.norm: if dim is not specified but ord is, the input must be 1D or 2D, got 3D"),
    (lambda: L.cond(ag.ones(2, 3), "fro"), RuntimeError, r"linalg.cond\(ord=fro\): A must be batches of square"),
    (lambda: L.cond(ag.eye(2), 3), RuntimeError, r"linalg.cond got an invalid norm type: 3"),
    (lambda: L.matrix_power(ag.eye(2), 1.5), TypeError, r"linalg.matrix_power: n must be an int"),
    (lambda: L.matrix_power(ag.ones(2, 3), 2), RuntimeError, r"square matrices"),
    (lambda: L.matrix_exp(ag.ones(2, 3)), RuntimeError, r"linalg.matrix_exp: A must be batches of square"),
    (lambda: L.cross(ag.ones(2, 3), ag.ones(2, 4)), RuntimeError, r"linalg.cross: .*must have length 3"),
    (lambda: L.cross(ag.ones(3), ag.ones(3, dtype=ag.float64)), RuntimeError, r"same dtype"),
    (lambda: ag.cross(ag.ones(2, 2), ag.ones(2, 2)), RuntimeError, r"cross: no dimension of size 3"),
    (lambda: L.multi_dot([ag.ones(3)]), RuntimeError, r"multi_dot\(\): expected at least 2 tensors but got 1"),
    (lambda: L.multi_dot([ag.ones(2, 3), ag.ones(2, 3, 3), ag.ones(3)]), RuntimeError, r"tensor 1 must be 2D"),
    (lambda: L.multi_dot([ag.ones(2, 3), ag.ones(2, 3)]), RuntimeError, r"tensors 0 and 1 .* cannot be multiplied"),
    (lambda: L.vander(ag.ones(3), N=1), RuntimeError, r"N must be greater than 1"),
    (lambda: L.vander(ag.tensor(2.0)), RuntimeError, r"at least one dimension"),
    (lambda: L.tensorinv(ag.ones(2, 3), ind=1), RuntimeError, r"linalg.tensorinv: expected self.shape\[:ind\]"),
    (lambda: L.tensorsolve(ag.ones(2, 3, 5), ag.ones(2, 3)), RuntimeError, r"does not fit"),
])
def test_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_qr_backward_refuses_where_torch_does():
    x = _t(4, 2).requires_grad_()
    with pytest.raises(RuntimeError, match=r"not computed when mode='r'"):
        L.qr(x, mode="r").R.sum().backward()
    with pytest.raises(RuntimeError, match=r"not differentiable when mode='complete' and nrows > ncols"):
        L.qr(x, mode="complete").Q.sum().backward()
    L.qr(x.mT, mode="complete").Q.sum().backward()  # m <= n: fine
    assert x.grad is not None


def test_mixed_devices_are_refused(stand_in):
    a = ag.eye(3, dtype=ag.float64, device="cuda")
    with pytest.raises(RuntimeError, match=r"linalg.solve: expected all tensors on the same device"):
        L.solve(a, ag.ones(3, dtype=ag.float64))
    with pytest.raises(RuntimeError, match=r"linalg.lstsq: expected all tensors on the same device"):
        L.lstsq(a, ag.ones(3, 1, dtype=ag.float64))


def test_results_stay_on_the_device(stand_in):
    a = (_t(2, 3, 3) + 4 * ag.eye(3, dtype=ag.float64)).to("cuda").requires_grad_()
    outs = [L.cholesky(a @ a.mT), L.lu_factor(a).LU, L.matrix_exp(a), L.solve_triangular(a, a, upper=True),
            L.lstsq(a, a[..., :1]).solution, L.inv_ex(a).info, L.matrix_rank(a), L.cond(a, 1)]
    assert all(o.device.type == "cuda" for o in outs)
    sum(o.sum() for o in outs if o.requires_grad).backward()
    assert a.grad.device.type == "cuda"


def test_svd_gradient_is_finite_for_repeated_singular_values():
    """A loss of S alone is well defined at repeated singular values; the zero-filled gU, gVh add nothing."""
    x = (3 * ag.eye(3, dtype=ag.float64)).requires_grad_()
    L.svd(x).S.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.eye(3))
    y = ag.eye(3, dtype=ag.float64).requires_grad_()
    L.eigh(y).eigenvalues.sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), np.eye(3))


def test_svdvals_and_eigvalsh_skip_vectors_when_nothing_records():
    a = _t(3, 3)
    with ag.no_grad():
        np.testing.assert_allclose(L.svdvals(a).numpy(), np.linalg.svd(a.numpy(), compute_uv=False))
        np.testing.assert_allclose(L.eigvalsh(a).numpy(), np.linalg.eigvalsh(a.numpy()))


def test_tensor_methods_and_top_level_names():
    a = _t(3, 3) + 4 * ag.eye(3, dtype=ag.float64)
    for name in ("slogdet", "logdet", "svd", "qr", "pinverse", "matrix_power", "matrix_exp", "cross",
                 "cholesky_solve", "cholesky_inverse", "det"):
        assert hasattr(ag.Tensor, name) and callable(getattr(ag, name)), name
    assert ag.linalg.det is not None and ag.linalg.inv(a).shape == (3, 3)
    np.testing.assert_allclose(a.matrix_power(-1).numpy(), np.linalg.inv(a.numpy()))
    np.testing.assert_allclose(a.pinverse().numpy(), np.linalg.pinv(a.numpy()), atol=1e-12)
