"""torch.autograd.functional (vjp, jvp, jacobian, hessian, vhp, hvp) against PyTorch."""
import numpy as np
import pytest

import autograd as ag
from autograd import functional as AF

# values, structure of the results, create_graph, strict mode and the errors.

torch = pytest.importorskip("torch")
TF = torch.autograd.functional
RNG = np.random.default_rng(0)
A, B = RNG.standard_normal(3), RNG.standard_normal((2, 3))

# name -> (fn(lib, *tensors), input arrays): functions written once for both libraries
FUNCS = {
    "elementwise": (lambda m, a: (a.exp() * 2).sin(), [A]),
    "matrix": (lambda m, a, b: m.matmul(b, a.tanh()), [A, B]),
    "two-outputs": (lambda m, a, b: (a.sum() * b, (a * a).cumsum(0)), [A, B]),
    "scalar": (lambda m, a, b: (m.matmul(b, a) ** 2).sum() + (a ** 3).sum(), [A, B]),
}


def _both(name):
    fn, arrays = FUNCS[name]
    ours = [ag.tensor(x) for x in arrays]
    theirs = [torch.tensor(x) for x in arrays]
    return (lambda *t: fn(ag, *t)), (lambda *t: fn(torch, *t)), ours, theirs


def _same(ours, theirs):
    if isinstance(theirs, (tuple, list)):
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            _same(o, t)
        return
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("single", [True, False])
@pytest.mark.parametrize("name", sorted(FUNCS))
def test_jacobian_matches_torch(name, single):
    f, g, ours, theirs = _both(name)
    if single:
        ours, theirs = ours[0], theirs[0]
        f0, g0 = f, g
        f = lambda a: f0(a, *[ag.tensor(x) for x in FUNCS[name][1][1:]])  # noqa: E731
        g = lambda a: g0(a, *[torch.tensor(x) for x in FUNCS[name][1][1:]])  # noqa: E731
    args_o = ours if single else tuple(ours)
    args_t = theirs if single else tuple(theirs)
    _same(AF.jacobian(f, args_o), TF.jacobian(g, args_t))
    _same(AF.jacobian(f, args_o, vectorize=True, strategy="forward-mode"), TF.jacobian(g, args_t))


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_vjp_and_jvp_match_torch(name):
    f, g, ours, theirs = _both(name)
    out = g(*theirs)
    outs = out if isinstance(out, tuple) else (out,)
    v_out = tuple(RNG.standard_normal(tuple(o.shape)) for o in outs)
    v_in = tuple(RNG.standard_normal(tuple(t.shape)) for t in theirs)
    wrap = (lambda vs, lib: tuple(lib.tensor(v) for v in vs) if isinstance(out, tuple) else lib.tensor(vs[0]))
    _same(AF.vjp(f, tuple(ours), wrap(v_out, ag)), TF.vjp(g, tuple(theirs), wrap(v_out, torch)))
    _same(AF.jvp(f, tuple(ours), tuple(ag.tensor(v) for v in v_in)),
          TF.jvp(g, tuple(theirs), tuple(torch.tensor(v) for v in v_in)))


def test_hessian_vhp_hvp_match_torch():
    f, g, ours, theirs = _both("scalar")
    _same(AF.hessian(f, tuple(ours)), TF.hessian(g, tuple(theirs)))
    _same(AF.hessian(lambda a: f(a, ours[1]), ours[0]), TF.hessian(lambda a: g(a, theirs[1]), theirs[0]))
    v = tuple(RNG.standard_normal(tuple(t.shape)) for t in theirs)
    for name in ("vhp", "hvp"):
        _same(getattr(AF, name)(f, tuple(ours), tuple(ag.tensor(x) for x in v)),
              getattr(TF, name)(g, tuple(theirs), tuple(torch.tensor(x) for x in v)))


def test_create_graph_keeps_the_tape_and_the_default_does_not():
    x = ag.tensor(A, requires_grad=True)
    jac = AF.jacobian(lambda a: a ** 3, x, create_graph=True)
    assert jac.requires_grad
    (g,) = ag.grad(jac.sum(), [x])
    np.testing.assert_allclose(g.numpy(), 6 * A, rtol=1e-12)
    assert not AF.jacobian(lambda a: a ** 3, x).requires_grad
    assert not AF.vjp(lambda a: a.sum(), x)[1].requires_grad and x.grad is None


def test_unused_inputs_are_zeros_or_refused_in_strict_mode():
    x, y = ag.tensor(A), ag.tensor(B)
    jac = AF.jacobian(lambda a, b: a * 2, (x, y))
    assert np.count_nonzero(jac[1].numpy()) == 0 and tuple(jac[1].shape) == (3, 2, 3)
    with pytest.raises(RuntimeError, match="Output 0 of the user-provided function is independent of input 1"):
        AF.jacobian(lambda a, b: a * 2, (x, y), strict=True)
    with pytest.raises(RuntimeError, match="does not require gradients"):
        AF.jacobian(lambda a: ag.ones(2), x, strict=True)
    with pytest.raises(RuntimeError, match="independent of input 1"):
        AF.vjp(lambda a, b: a.sum(), (x, y), strict=True)


@pytest.mark.parametrize("call,err,match", [
    (lambda x: AF.vjp(lambda a: a * 2, x), RuntimeError, "v can only be None if the user-provided function returns"),
    (lambda x: AF.vjp(lambda a: a * 2, x, ag.ones(2)), RuntimeError, "v has invalid size"),
    (lambda x: AF.jvp(lambda a: a * 2, x), RuntimeError, "v can only be None if the input"),
    (lambda x: AF.jacobian(lambda a: 3, x), TypeError, "outputs of the user-provided function given to jacobian"),
    (lambda x: AF.jacobian(lambda a: a, [x]), TypeError, "inputs given to jacobian must be either a Tensor"),
    (lambda x: AF.hessian(lambda a: a * 2, x), RuntimeError, "should contain a single element"),
    (lambda x: AF.jacobian(lambda a: a, x, strategy="forward-mode"), NotImplementedError, "vectorize=True"),
    (lambda x: AF.jacobian(lambda a: a, x, strategy="sideways"), ValueError, "Expected strategy"),
    (lambda x: AF.vjp(lambda a, b: a * b, (x, x), (ag.ones(3), ag.ones(3))), RuntimeError,
     "The given v should contain a single Tensor"),
    (lambda x: AF.jvp(lambda a, b: a * b, (x, x), (ag.ones(3),)), RuntimeError,
     "v is a tuple of invalid length: should be 2 but got 1"),
    (lambda x: AF.jacobian(lambda a: a * 2.0, x, strict=True, create_graph=True), RuntimeError,
     "jacobian of the user-provided function is independent of input 0.*create_graph=True"),
    (lambda x: AF.vjp(lambda a: a * 2.0, x, ag.ones(3), strict=True, create_graph=True), RuntimeError,
     "jacobian of the user-provided function is independent of input 0.*create_graph=True"),
])
def test_errors_as_torch(call, err, match):
    with pytest.raises(err, match=match):
        call(ag.tensor(A))


def test_scalar_output_needs_no_v():
    out, g = AF.vjp(lambda a: (a * a).sum(), ag.tensor(A))
    np.testing.assert_allclose(g.numpy(), 2 * A)
    assert float(out) == pytest.approx(float((A * A).sum()))
