"""nn.utils.parametrize: registration, class swap, right_inverse, caching, removal, state dicts; against torch."""
import copy
import pickle

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from nn.utils import parametrize as P


class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).mT

    def right_inverse(self, A):
        return A.triu()


class Scale(nn.Module):
    def __init__(self, c=2.0):
        super().__init__()
        self.c = c
        self.calls = 0

    def forward(self, X):
        self.calls += 1
        return X * self.c

    def right_inverse(self, Y):
        return Y / self.c


class RankOne(nn.Module):
    def forward(self, x, y):
        return x.unsqueeze(-1) @ y.unsqueeze(-2)

    def right_inverse(self, Z):
        return Z[:, 0].clone(), ag.ones(Z.shape[1])


class NoInverse(nn.Module):
    def forward(self, X):
        return X * 3


def _sym_ref(a):
    return np.triu(a) + np.triu(a, 1).T


def _copy_from_torch(m, tm):
    m.load_state_dict({k: v.detach().numpy() for k, v in tm.state_dict().items()})


def test_register_swaps_class_and_recomputes():
    m = nn.Linear(4, 4)
    w0 = m.weight
    a = m.weight.detach().numpy().copy()
    assert P.register_parametrization(m, "weight", Symmetric()) is m
    assert type(m).__name__ == "ParametrizedLinear" and isinstance(m, nn.Linear)
    assert P.type_before_parametrizations(m) is nn.Linear and P.type_before_parametrizations(nn.ReLU()) is nn.ReLU
    assert P.is_parametrized(m) and P.is_parametrized(m, "weight") and not P.is_parametrized(m, "bias")
    assert not P.is_parametrized(nn.Linear(2, 2))
    plist = m.parametrizations.weight
    assert isinstance(plist, P.ParametrizationList) and plist.original is w0  # the same Parameter object
    np.testing.assert_allclose(plist.original.detach().numpy(), np.triu(a))
    np.testing.assert_allclose(m.weight.detach().numpy(), _sym_ref(np.triu(a)))
    assert m.weight.grad_fn is not None and "weight" not in m._parameters
    with ag.no_grad():
        plist.original.fill_(1.0)
    np.testing.assert_allclose(m.weight.detach().numpy(), _sym_ref(np.ones((4, 4))))
    assert [n for n, _ in m.named_parameters()] == ["bias", "parametrizations.weight.original"]
    assert type(nn.Linear(2, 2)).__name__ == "Linear"  # only this instance's class changed


def test_assignment_goes_through_right_inverse():
    m = P.register_parametrization(nn.Linear(3, 3), "weight", Symmetric())
    original = m.parametrizations.weight.original
    s = np.random.default_rng(0).standard_normal((3, 3)).astype(np.float32)
    s = s + s.T
    m.weight = ag.tensor(s)
    assert m.parametrizations.weight.original is original
    np.testing.assert_allclose(m.weight.detach().numpy(), s, rtol=1e-6)
    n = P.register_parametrization(nn.Linear(3, 3), "weight", NoInverse())
    with pytest.raises(RuntimeError, match="NoInverse does not implement right_inverse"):
        n.weight = ag.ones(3, 3)
    with pytest.raises(KeyError):  # a Parameter cannot replace a parametrized tensor, as in torch
        m.weight = nn.Parameter(ag.ones(3, 3))


def test_chained_parametrizations_and_consistency_checks():
    m = nn.Linear(3, 3)
    w = m.weight.detach().numpy().copy()
    P.register_parametrization(m, "weight", Symmetric())
    P.register_parametrization(m, "weight", Scale(3.0))
    assert len(m.parametrizations.weight) == 2
    np.testing.assert_allclose(m.weight.detach().numpy(), 3 * _sym_ref(np.triu(w)), rtol=1e-6)

    class Shrink(nn.Module):
        def forward(self, X):
            return X[:2]

    class ToDouble(nn.Module):
        def forward(self, X):
            return X.double()

    with pytest.raises(ValueError, match="may not change the shape"):
        P.register_parametrization(m, "weight", Shrink())
    with pytest.raises(ValueError, match="may not change the dtype"):
        P.register_parametrization(m, "weight", ToDouble())
    assert len(m.parametrizations.weight) == 2  # nothing appended by the failed calls
    with pytest.raises(ValueError, match="may not change the shape"):
        P.register_parametrization(nn.Linear(3, 3), "weight", Shrink())
    with pytest.raises(ValueError, match="may not change the dtype"):
        P.register_parametrization(nn.Linear(3, 3), "weight", ToDouble())
    fresh = nn.Linear(3, 3)
    with pytest.raises(ValueError, match="may not change the shape"):
        P.register_parametrization(fresh, "weight", Shrink())
    assert type(fresh) is nn.Linear and "weight" in fresh._parameters  # left as it was
    class TriuThenShrink(Symmetric):
        def forward(self, X):
            return X[:2]

    kept = nn.Linear(3, 3)
    w_kept = kept.weight
    before = w_kept.detach().numpy().copy()
    with pytest.raises(ValueError, match="may not change the shape"):
        P.register_parametrization(kept, "weight", TriuThenShrink())
    assert kept.weight is w_kept and type(kept) is nn.Linear
    np.testing.assert_array_equal(kept.weight.detach().numpy(), before)  # right_inverse's triu undone
    u = P.register_parametrization(nn.Linear(3, 3), "weight", Shrink(), unsafe=True)
    assert u.weight.shape == (2, 3)
    with pytest.raises(ValueError, match="does not have a parameter, a buffer, or a parametrized element"):
        P.register_parametrization(nn.Linear(3, 3), "nope", Symmetric())


def test_right_inverse_returning_a_tuple_registers_original0_original1():
    m = nn.Linear(4, 3)
    P.register_parametrization(m, "weight", RankOne())
    plist = m.parametrizations.weight
    assert not plist.is_tensor and plist.ntensors == 2
    assert not hasattr(plist, "original")
    assert isinstance(plist.original0, nn.Parameter) and plist.original0.shape == (3,)
    np.testing.assert_allclose(m.weight.detach().numpy(), np.outer(plist.original0.detach().numpy(), np.ones(4)),
                               rtol=1e-6)
    assert list(m.state_dict()) == ["bias", "parametrizations.weight.original0", "parametrizations.weight.original1"]
    m.weight = ag.ones(3, 4) * 2
    np.testing.assert_allclose(plist.original0.detach().numpy(), [2, 2, 2])
    with pytest.raises(ValueError, match="Cannot leave unparametrized"):
        P.remove_parametrizations(m, "weight", leave_parametrized=False)
    P.remove_parametrizations(m, "weight")
    assert type(m) is nn.Linear and isinstance(m.weight, nn.Parameter)
    np.testing.assert_allclose(m.weight.detach().numpy(), np.full((3, 4), 2.0))


def test_remove_parametrizations_both_ways():
    m = nn.Linear(3, 3)
    P.register_parametrization(m, "weight", Scale(2.0))
    original = m.parametrizations.weight.original
    raw = original.detach().numpy().copy()
    P.remove_parametrizations(m, "weight", leave_parametrized=False)
    assert type(m) is nn.Linear and m.weight is original and not hasattr(m, "parametrizations")
    np.testing.assert_allclose(m.weight.detach().numpy(), raw)
    P.register_parametrization(m, "weight", Scale(2.0))
    P.register_parametrization(m, "bias", Scale(3.0))
    b = m.bias.detach().numpy().copy()
    P.remove_parametrizations(m, "weight")
    assert type(m).__name__ == "ParametrizedLinear"  # bias is still parametrized
    assert m.weight is original and isinstance(m.weight, nn.Parameter)
    np.testing.assert_allclose(m.weight.detach().numpy(), raw, rtol=1e-6)  # 2 * (raw / 2)
    P.remove_parametrizations(m, "bias")
    assert type(m) is nn.Linear
    np.testing.assert_allclose(m.bias.detach().numpy(), b, rtol=1e-6)
    assert list(m.state_dict()) == ["weight", "bias"]
    with pytest.raises(ValueError, match="does not have a parametrization on weight"):
        P.remove_parametrizations(m, "weight")


def test_unsafe_right_inverse_may_change_the_shape():
    torch = pytest.importorskip("torch")
    import torch.nn.utils.parametrize as TP

    class Flat(nn.Module):
        def forward(self, x):
            return x.reshape(3, 2)

        def right_inverse(self, w):
            return w.reshape(-1)

    class TFlat(torch.nn.Module):
        def forward(self, x):
            return x.reshape(3, 2)

        def right_inverse(self, w):
            return w.reshape(-1)

    m = nn.Linear(2, 3)
    tm = torch.nn.Linear(2, 3)
    _copy_from_torch(m, tm)
    P.register_parametrization(m, "weight", Flat(), unsafe=True)
    TP.register_parametrization(tm, "weight", TFlat(), unsafe=True)
    assert m.parametrizations.weight.original.shape == tuple(tm.parametrizations.weight.original.shape) == (6,)
    np.testing.assert_allclose(m.weight.detach().numpy(), tm.weight.detach().numpy())
    m.load_state_dict(tm.state_dict())
    P.remove_parametrizations(m, "weight")
    assert m.weight.shape == (3, 2)


def test_buffer_parametrization_keeps_a_buffer():
    m = nn.BatchNorm1d(3)
    P.register_parametrization(m, "running_var", Scale(2.0))
    assert "original" in m.parametrizations.running_var._buffers
    np.testing.assert_allclose(m.running_var.detach().numpy(), [1, 1, 1])
    assert "parametrizations.running_var.original" in m.state_dict()


def test_cached_computes_once():
    m = nn.Linear(3, 3)
    scale = Scale(2.0)
    P.register_parametrization(m, "weight", scale)
    scale.calls = 0
    with P.cached():
        a = m.weight
        with P.cached():
            assert m.weight is a
        assert m.weight is a
    assert scale.calls == 1
    assert m.weight is not a and scale.calls == 2


def test_training_mode_follows_the_module():
    m = nn.Linear(2, 2).eval()
    s = Scale()
    P.register_parametrization(m, "weight", s)
    assert not s.training
    m.train()
    assert s.training


def test_pickle_refused_deepcopy_works():
    m = P.register_parametrization(nn.Linear(3, 3), "weight", Symmetric())
    with pytest.raises(RuntimeError, match="only supported through state_dict"):
        pickle.dumps(m)
    c = copy.deepcopy(m)
    assert type(c) is type(m) and c.parametrizations.weight.original is not m.parametrizations.weight.original
    np.testing.assert_allclose(c.weight.detach().numpy(), m.weight.detach().numpy())


def test_transfer_parametrizations_and_params():
    a = P.register_parametrization(nn.Linear(3, 3), "weight", Symmetric())
    b = nn.Linear(3, 3)
    P.transfer_parametrizations_and_params(a, b)
    assert P.is_parametrized(b, "weight")
    assert b.parametrizations.weight.original is a.parametrizations.weight.original
    np.testing.assert_allclose(b.weight.detach().numpy(), a.weight.detach().numpy())
    r = P.register_parametrization(nn.Linear(3, 2), "weight", RankOne())
    c = P.transfer_parametrizations_and_params(r, nn.Linear(3, 2), "weight")
    assert c.parametrizations.weight.original1 is r.parametrizations.weight.original1


def test_gradient_flows_to_the_original_and_sgd_matches_torch():
    torch = pytest.importorskip("torch")
    import torch.nn.utils.parametrize as TP

    class TSymmetric(torch.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).mT

        def right_inverse(self, A):
            return A.triu()

    tm = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    m = nn.Sequential(nn.Linear(4, 4), nn.Tanh(), nn.Linear(4, 2))
    _copy_from_torch(m, tm)
    TP.register_parametrization(tm[0], "weight", TSymmetric())
    P.register_parametrization(m[0], "weight", Symmetric())
    assert type(tm[0]).__name__ == type(m[0]).__name__
    assert list(m.state_dict()) == list(tm.state_dict())
    assert repr(m) == repr(tm).replace("TSymmetric", "Symmetric")
    opt = optim.SGD(m.parameters(), lr=0.1)
    topt = torch.optim.SGD(tm.parameters(), lr=0.1)
    rng = np.random.default_rng(1)
    for _ in range(4):
        x = rng.standard_normal((5, 4)).astype(np.float32)
        loss = (m(ag.tensor(x)) ** 2).mean()
        tloss = (tm(torch.tensor(x)) ** 2).mean()
        opt.zero_grad()
        topt.zero_grad()
        loss.backward()
        tloss.backward()
        np.testing.assert_allclose(m[0].parametrizations.weight.original.grad.detach().numpy(),
                                   tm[0].parametrizations.weight.original.grad.detach().numpy(), rtol=1e-4, atol=1e-6)
        opt.step()
        topt.step()
        np.testing.assert_allclose(loss.item(), tloss.item(), rtol=1e-5)
    for (k, v), (tk, tv) in zip(m.state_dict().items(), tm.state_dict().items()):
        assert k == tk
        np.testing.assert_allclose(v.detach().numpy(), tv.detach().numpy(), rtol=1e-5, atol=1e-6)
    m2 = nn.Sequential(nn.Linear(4, 4), nn.Tanh(), nn.Linear(4, 2))
    P.register_parametrization(m2[0], "weight", Symmetric())
    m2.load_state_dict(tm.state_dict())  # torch's tensors load as they are
    np.testing.assert_allclose(m2[0].weight.detach().numpy(), tm[0].weight.detach().numpy(), rtol=1e-6)
    with pytest.raises(RuntimeError, match="Unexpected key"):
        nn.Linear(4, 4).load_state_dict(tm[0].state_dict())


def test_errors_match_torch():
    torch = pytest.importorskip("torch")
    import torch.nn.utils.parametrize as TP

    class TBad(torch.nn.Module):
        def forward(self, X):
            return X[:1]

    class Bad(nn.Module):
        def forward(self, X):
            return X[:1]

    for mod, par, lin in ((P, Bad, nn.Linear), (TP, TBad, torch.nn.Linear)):
        with pytest.raises(ValueError):
            mod.register_parametrization(lin(2, 2), "weight", par())
        with pytest.raises(ValueError):
            mod.register_parametrization(lin(2, 2), "missing", par())
        with pytest.raises(ValueError):
            mod.remove_parametrizations(lin(2, 2), "weight")
