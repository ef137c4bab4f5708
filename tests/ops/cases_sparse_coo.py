"""Registry cases: sparse COO construction, to_dense, values and sparse @ dense (sparse_coo-*)."""
import numpy as np

import autograd as ag
from tests.ops.registry import Arg, OpCase

# sparse COO tensors (sparse-*), seen through dense inputs and outputs: the values of a sparse tensor built from fixed
# indices (repeated ones included) and the dense operands, against numpy references.

CASES = []
IDX = np.array([[0, 1, 1, 0, 2], [2, 0, 2, 2, 1]])  # (0, 2) twice: an uncoalesced tensor
SHAPE = (3, 3)


def _sp(v, idx=IDX, shape=SHAPE):
    return ag.sparse_coo_tensor(ag.tensor(idx, device=v.device), v, shape)


def _dense(v, idx=IDX, shape=SHAPE):
    out = np.zeros(shape + v.shape[1:], v.dtype)
    np.add.at(out, tuple(idx), v)
    return out


def _softmax_ref(v, dim, log):
    """Softmax along `dim` over the specified entries (coalesced), read back densely (0 elsewhere)."""
    d = _dense(v)
    mask = np.zeros(SHAPE, bool)
    mask[tuple(IDX)] = True
    z = np.where(mask, d, -np.inf)
    z = z - z.max(axis=dim, keepdims=True)
    lse = np.log(np.exp(z).sum(axis=dim, keepdims=True))
    return np.where(mask, z - lse if log else np.exp(z - lse), 0.0)


def _case(name, fn, args, ref, **kw):
    CASES.append(OpCase(name, fn, args, ref, **kw))


_case("sparse-to-dense", lambda v: _sp(v).to_dense(), [Arg((5,))], _dense)
_case("sparse-to-dense-dense-dims", lambda v: _sp(v, shape=(3, 3, 2)).to_dense(), [Arg((5, 2))],
      lambda v: _dense(v, shape=(3, 3)))
_case("sparse-coalesce-values", lambda v: _sp(v).coalesce().values(), [Arg((5,))],
      lambda v: _dense(v)[(np.array([0, 1, 1, 2]), np.array([2, 0, 2, 1]))])
_case("sparse-mm", lambda v, x: ag.sparse.mm(_sp(v), x), [Arg((5,)), Arg((3, 2))], lambda v, x: _dense(v) @ x)
_case("sparse-mm-vector", lambda v, x: _sp(v) @ x, [Arg((5,)), Arg((3,))], lambda v, x: _dense(v) @ x)
_case("sparse-mm-dense-sparse", lambda x, v: ag.mm(x, _sp(v)), [Arg((2, 3)), Arg((5,))], lambda x, v: x @ _dense(v))
_case("sparse-matmul-dense-sparse", lambda x, v: x @ _sp(v), [Arg((2, 3)), Arg((5,))], lambda x, v: x @ _dense(v))
_case("sparse-spmm", lambda v, x: ag.spmm(_sp(v), x), [Arg((5,)), Arg((3, 2))], lambda v, x: _dense(v) @ x)
_case("sparse-addmm", lambda m, v, x: ag.sparse.addmm(m, _sp(v), x, beta=0.5, alpha=2.0),
      [Arg((3, 2)), Arg((5,)), Arg((3, 2))], lambda m, v, x: 0.5 * m + 2.0 * (_dense(v) @ x))
_case("sparse-mm-chain", lambda v, x: ag.sparse.mm(_sp(v), ag.sparse.mm(_sp(v), x).tanh()),
      [Arg((5,)), Arg((3, 2))], lambda v, x: _dense(v) @ np.tanh(_dense(v) @ x))
_case("sparse-sum", lambda v: ag.sparse.sum(_sp(v)), [Arg((5,))], lambda v: v.sum())
_case("sparse-sum-dim0", lambda v: ag.sparse.sum(_sp(v), 0).to_dense(), [Arg((5,))], lambda v: _dense(v).sum(0))
_case("sparse-sum-dense-dim", lambda v: ag.sparse.sum(_sp(v, shape=(3, 3, 2)), (1, 2)).to_dense(), [Arg((5, 2))],
      lambda v: _dense(v, shape=(3, 3)).sum((1, 2)))
_case("sparse-softmax", lambda v: ag.sparse.softmax(_sp(v), 1).to_dense(), [Arg((5,))],
      lambda v: _softmax_ref(v, 1, False))
_case("sparse-log-softmax", lambda v: ag.sparse.log_softmax(_sp(v), 0).to_dense(), [Arg((5,))],
      lambda v: _softmax_ref(v, 0, True))
_case("sparse-to-sparse", lambda x: (x.to_sparse() * 3.0).to_dense(), [Arg((2, 3), low=0.5, high=2.0)],
      lambda x: 3.0 * x)
_case("sparse-to-sparse-dim1", lambda x: ag.sparse.mm(x.to_sparse(1).to_dense().to_sparse(), x.t()),
      [Arg((2, 3), low=0.5, high=2.0)], lambda x: x @ x.T)
