"""Registry cases: statistics (quantile, nanmedian, mode, cummax/cummin, trapezoid, diff, cov, ...) and old linalg."""
import numpy as np

import autograd as ag
from tests.ops.registry import Arg, OpCase

CASES = []


def _add(name, fn, args, ref, **kw):
    CASES.append(OpCase(f"stats-{name}", fn, args, ref, **kw))


def _first(i):
    return lambda *a, i=i: a[i]


# ---------------------------------------------------------------------------- quantile / nanquantile
for mode in ("linear", "lower", "higher", "midpoint", "nearest"):
    _add(f"quantile-{mode}", lambda x, m=mode: ag.quantile(x, 0.3, 1, interpolation=m), [Arg((3, 5))],
         lambda x, m=mode: np.quantile(x, 0.3, axis=1, method=m))
_add("quantile-all", lambda x: x.quantile(0.75), [Arg((3, 4))], lambda x: np.quantile(x, 0.75))
_add("quantile-qtensor-keepdim", lambda x, q: ag.quantile(x, q, 0, True),
     [Arg((4, 3)), Arg((2,), values=[0.2, 0.9], requires_grad=False)],
     lambda x, q: np.quantile(x, q, axis=0, keepdims=True))
_add("quantile-noncontig", lambda x: x.quantile(0.5, -1), [Arg((4, 3), noncontig=True)],
     lambda x: np.quantile(x, 0.5, axis=-1))
_add("quantile-0d", lambda x: ag.quantile(x, 0.4), [Arg(())], lambda x: np.asarray(x))
_add("nanquantile", lambda x: ag.nanquantile(x, 0.4, 1),
     [Arg((2, 4), values=[[0.3, np.nan, 1.7, -0.6], [1.1, 0.2, -1.4, 0.9]])],
     lambda x: np.nanquantile(x, 0.4, axis=1))
_add("nanquantile-method", lambda x: x.nanquantile(0.6, 0, interpolation="midpoint"), [Arg((5, 2))],
     lambda x: np.nanquantile(x, 0.6, axis=0, method="midpoint"))

# ---------------------------------------------------------------------------- nanmedian / mode / msort
_add("nanmedian-all", ag.nanmedian, [Arg((3, 4))], lambda x: np.sort(x.ravel())[(x.size - 1) // 2])
_add("nanmedian-dim", lambda x: ag.nanmedian(x, 1).values,
     [Arg((2, 4), values=[[0.3, np.nan, 1.7, -0.6], [1.1, 0.2, -1.4, 0.9]])], lambda x: np.array([0.3, 0.2]))
_add("nanmedian-keepdim-indices", lambda x: x.nanmedian(0, True).indices, [Arg((5, 3))],
     lambda x: np.argsort(x, 0)[2:3], grad=False)
_add("mode-values", lambda x: ag.mode(x, 1).values, [Arg((3, 5))], lambda x: x.min(1))
_add("mode-keepdim", lambda x: x.mode(0, keepdim=True).values, [Arg((4, 3), noncontig=True)],
     lambda x: x.min(0, keepdims=True))
_add("mode-ties", lambda x: ag.mode(x).values, [Arg((2, 5), values=[[1.5, 0.5, 1.5, 0.5, 2.0], [3.0, 1.0, 3.0, 3.0, 1.0]])],
     lambda x: np.array([0.5, 3.0]), grad=False)
_add("msort", ag.msort, [Arg((4, 3))], lambda x: np.sort(x, 0))

# ---------------------------------------------------------------------------- cummax / cummin
_add("cummax", lambda x: ag.cummax(x, 1).values, [Arg((3, 5))], lambda x: np.maximum.accumulate(x, 1))
_add("cummax-indices", lambda x: x.cummax(0).indices, [Arg((5, 2))],
     lambda x: np.array([[np.flatnonzero(x[:i + 1, j] == x[:i + 1, j].max())[-1] for j in range(2)]
                         for i in range(5)]), grad=False)
_add("cummin", lambda x: x.cummin(-1).values, [Arg((2, 4), noncontig=True)], lambda x: np.minimum.accumulate(x, -1))
_add("cummin-0d", lambda x: ag.cummin(x, 0).values, [Arg(())], lambda x: x)
_add("cummax-empty", lambda x: ag.cummax(x, 0).values, [Arg((0, 3))], lambda x: x)

# ---------------------------------------------------------------------------- trapezoid / diff
_add("trapezoid", ag.trapezoid, [Arg((3, 5))], lambda y: np.trapezoid(y, axis=-1))
_add("trapezoid-x", lambda y, x: ag.trapezoid(y, x, dim=0), [Arg((4, 3)), Arg((4,), requires_grad=False)],
     lambda y, x: np.trapezoid(y, x, axis=0))
_add("trapz-dx", lambda y: ag.trapz(y, dx=0.5), [Arg((2, 4))], lambda y: np.trapezoid(y, dx=0.5))
_add("cumulative_trapezoid", lambda y: ag.cumulative_trapezoid(y, dx=2.0), [Arg((2, 5))],
     lambda y: np.cumsum((y[:, 1:] + y[:, :-1]) / 2 * 2.0, -1))
_add("diff", ag.diff, [Arg((3, 5))], lambda x: np.diff(x))
_add("diff-n2-dim0", lambda x: x.diff(2, 0), [Arg((5, 3), noncontig=True)], lambda x: np.diff(x, 2, 0))
_add("diff-prepend-append", lambda x, p, a: ag.diff(x, 1, -1, p, a), [Arg((2, 3)), Arg((2, 1)), Arg((2, 2))],
     lambda x, p, a: np.diff(x, prepend=p, append=a))
_add("diff-bool", ag.diff, [Arg((6,), dtype="bool")], lambda x: np.diff(x), grad=False)

# ---------------------------------------------------------------------------- cov / corrcoef
_add("cov", ag.cov, [Arg((3, 6))], np.cov)
_add("cov-1d", lambda x: x.cov(correction=0), [Arg((5,))], lambda x: np.asarray(np.cov(x, ddof=0)))
_add("cov-weights", lambda x, f, a: ag.cov(x, fweights=f, aweights=a),
     [Arg((2, 5)), Arg((5,), values=[1, 2, 1, 3, 1], dtype="int64"), Arg((5,), 0.5, 2.0)],
     lambda x, f, a: np.cov(x, fweights=f, aweights=a))
_add("corrcoef", ag.corrcoef, [Arg((3, 6))], np.corrcoef)

# ---------------------------------------------------------------------------- products and norms
_add("kron", ag.kron, [Arg((2, 3)), Arg((3, 2))], np.kron)
_add("kron-bcast", lambda a, b: a.kron(b), [Arg((2,)), Arg((2, 3))], np.kron)
_add("trace", ag.trace, [Arg((3, 4))], np.trace)
_add("trace-int", lambda x: x.trace(), [Arg((3, 3), -5, 5, dtype="int32")], lambda x: np.trace(x).astype(np.int64),
     grad=False)
_add("addbmm", lambda i, a, b: ag.addbmm(i, a, b, beta=0.5, alpha=2), [Arg((3, 4)), Arg((2, 3, 5)), Arg((2, 5, 4))],
     lambda i, a, b: 0.5 * i + 2 * (a @ b).sum(0))
_add("addr", lambda i, a, b: i.addr(a, b), [Arg((3, 1)), Arg((3,)), Arg((4,))], lambda i, a, b: i + np.outer(a, b))
_add("chain_matmul", ag.chain_matmul, [Arg((2, 3)), Arg((3, 4)), Arg((4, 2))], lambda a, b, c: a @ b @ c)
_add("frobenius_norm", lambda x: ag.frobenius_norm(x, (0, 1)), [Arg((3, 4))], lambda x: np.linalg.norm(x))
_add("nuclear_norm", ag.nuclear_norm, [Arg((3, 4))], lambda x: np.linalg.norm(x, "nuc"))
_add("nuclear_norm-dim-keep", lambda x: ag.nuclear_norm(x, (1, 2), True), [Arg((2, 3, 3))],
     lambda x: np.linalg.norm(x, "nuc", axis=(1, 2), keepdims=True))

# ---------------------------------------------------------------------------- lobpcg (eigenvalues: unique)
_add("lobpcg-largest", lambda a: ag.lobpcg(a + a.mT, k=2)[0], [Arg((7, 7))],
     lambda a: np.linalg.eigvalsh(a + a.T)[::-1][:2])
_add("lobpcg-smallest-B", lambda a, b: ag.lobpcg(a + a.mT, k=1, B=b @ b.mT + 7 * ag.eye(3, dtype=b.dtype, device=b.device),
                                                 largest=False)[0],
     [Arg((3, 3)), Arg((3, 3))],
     lambda a, b: np.sort(np.linalg.eigvals(np.linalg.solve(b @ b.T + 7 * np.eye(3), a + a.T)).real)[:1])
