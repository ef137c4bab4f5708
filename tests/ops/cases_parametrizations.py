"""Registry cases: nn.utils.parametrizations' maps (weight/spectral norm, orthogonal maps) against numpy/scipy."""
import numpy as np
from scipy import linalg as sla

import autograd as ag
from nn.utils.parametrizations import _Orthogonal, _OrthMaps, _SpectralNorm, _WeightNorm
from tests.ops.registry import Arg, OpCase

CASES = []


def _case(name, fn, args, ref, **kw):
    CASES.append(OpCase(f"parametrizations-{name}", fn, args, ref, **kw))


# ---------------------------------------------------------------------------- weight norm
def _wn_ref(g, v, dim):
    if dim is None:
        return g * v / np.sqrt((v ** 2).sum())
    axes = tuple(a for a in range(v.ndim) if a != dim % v.ndim)
    return g * v / np.sqrt((v ** 2).sum(axis=axes, keepdims=True))


for _name, _g, _v, _dim in [("weight_norm-dim0", (3, 1), (3, 2), 0), ("weight_norm-dim1", (1, 3), (2, 3), 1),
                            ("weight_norm-conv", (2, 1, 1), (2, 2, 3), 0), ("weight_norm-all", (), (2, 3), None),
                            ("weight_norm-dim2", (1, 1, 2), (2, 1, 2), 2), ("weight_norm-vector", (3,), (3,), 0)]:
    _case(_name, lambda g, v, dim=_dim: _WeightNorm(dim)(g, v), [Arg(_g, 0.5, 2.0), Arg(_v)],
          lambda g, v, dim=_dim: _wn_ref(g, v, dim))
_case("norm_except_dim-vector", lambda v: ag.norm_except_dim(v, 3, 0), [Arg((4,), 0.5, 2.0)], np.abs)  # no reduction


# ---------------------------------------------------------------------------- spectral norm (eval: u, v fixed)
with ag.random.fork_rng():
    _SN = {dim: _SpectralNorm(ag.zeros(2, 3, 2, dtype=ag.float64), dim=dim).eval() for dim in (0, 1)}


def _sn(w, u, v, dim):
    sn = _SN[dim]
    sn._u, sn._v = u, v
    return sn(w)


def _sn_ref(w, u, v, dim):
    mat = np.moveaxis(w, dim, 0).reshape(w.shape[dim], -1)
    return w / (u @ mat @ v)


_case("spectral_norm-dim0", lambda w, u, v: _sn(w, u, v, 0),
      [Arg((2, 3, 2)), Arg((2,), requires_grad=False), Arg((6,), requires_grad=False)],
      lambda w, u, v: _sn_ref(w, u, v, 0))
_case("spectral_norm-dim1", lambda w, u, v: _sn(w, u, v, 1),
      [Arg((2, 3, 2)), Arg((3,), requires_grad=False), Arg((4,), requires_grad=False)],
      lambda w, u, v: _sn_ref(w, u, v, 1))
_case("spectral_norm-vector", lambda w: _SN[0](w), [Arg((4,))], lambda w: w / np.linalg.norm(w))


# ---------------------------------------------------------------------------- orthogonal maps
def _householder_ref(a, tau):
    n, k = a.shape
    q = np.eye(n)
    for i in range(k):
        v = np.concatenate([np.zeros(i), [1.0], a[i + 1:, i]])
        q = q @ (np.eye(n) - tau[i] * np.outer(v, v))
    return q[:, :k]


def _orth_ref(x, orth_map, base=None):
    transposed = x.shape[0] < x.shape[1]
    if transposed:
        x = x.T
    n, k = x.shape
    if orth_map == "householder":
        a = np.tril(x, -1)
        q = _householder_ref(a, 2.0 / (1.0 + (a * a).sum(axis=0))) * np.diagonal(x).astype(np.int32)
    else:
        low = np.concatenate([np.tril(x), np.zeros((n, n - k))], axis=1)
        a = low - low.T
        q = sla.expm(a) if orth_map == "matrix_exp" else np.linalg.solve(np.eye(n) - a / 2, np.eye(n) + a / 2)
        q = q[:, :k]
    if base is not None:
        q = base @ q
    return q.T if transposed else q


for _map in ("matrix_exp", "cayley", "householder"):
    for _shape in ((3, 3), (3, 2), (2, 3)):
        _orth = _Orthogonal(ag.zeros(*_shape), _OrthMaps[_map], use_trivialization=False)
        if _map == "householder":  # the diagonal holds the signs (+-1, as right_inverse leaves it): kept fixed
            _signs = np.zeros(_shape)
            np.fill_diagonal(_signs, [1.0, -1.0])
            _off = 1.0 - np.abs(_signs)
            _case(f"orthogonal-{_map}-{_shape[0]}x{_shape[1]}",
                  lambda x, o=_orth, s=_signs, f=_off: o(x * ag.tensor(f, device=x.device)
                                                         + ag.tensor(s, device=x.device)),
                  [Arg(_shape, -1.0, 1.0)], lambda x, s=_signs, f=_off: _orth_ref(x * f + s, "householder"))
        else:
            _case(f"orthogonal-{_map}-{_shape[0]}x{_shape[1]}", lambda x, o=_orth: o(x), [Arg(_shape, -1.0, 1.0)],
                  lambda x, m=_map: _orth_ref(x, m))
_TRIV = _Orthogonal(ag.zeros(3, 3), _OrthMaps.matrix_exp)


def _orth_base(x, base):
    _TRIV.base = base
    return _TRIV(x)


_case("orthogonal-trivialization", _orth_base, [Arg((3, 3), -1.0, 1.0), Arg((3, 3), requires_grad=False)],
      lambda x, base: _orth_ref(x, "matrix_exp", base))
