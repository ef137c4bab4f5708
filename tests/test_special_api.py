"""autograd.special and the extra elementwise ops: names, aliases, dtypes, edge values, errors and gradients as
PyTorch's (compared with torch when it is installed), quiet floating-point errors, in-place forms."""
import functools
import inspect
import math
import warnings

import numpy as np
import pytest

import autograd as ag
import autograd.special as S
from autograd.function import _version_of
from autograd.ops import elementwise_extra, special

try:
    import torch
except ImportError:  # the comparisons with PyTorch skip
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch not installed")
INF, NAN = math.inf, math.nan
# finite, zero, negative integers (poles of the gamma family), huge, +-inf and nan
EDGES = [0.0, -0.0, -1.0, -2.0, -2.5, 1.0, 0.5, 3.7, -7.3, 1e-3, 30.0, -30.0, 700.0, -700.0, INF, -INF, NAN]
UNIT_EDGES = [v / 31 for v in EDGES] + [1.0, -1.0, 0.5, -0.999]  # for the inverses of erf and ndtr


@pytest.fixture(autouse=True)
def _warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# ---------------------------------------------------------------------------- names
NOT_FUNCTIONS = {"Tensor", "torch", "common_args", "multi_dim_common"}


@needs_torch
def test_every_torch_special_function_is_there():
    names = {n for n in dir(torch.special) if not n.startswith("_")} - NOT_FUNCTIONS
    assert sorted(names - set(S.__all__)) == []
    assert sorted(set(S.__all__) - names) == []
    assert all(callable(getattr(S, n)) for n in S.__all__)


def test_special_aliases_are_the_same_objects():
    assert S.psi is S.digamma is ag.digamma
    assert S.gammaln is S.lgamma is ag.lgamma
    assert S.multigammaln is ag.mvlgamma
    assert S.gammainc is ag.igamma and S.gammaincc is ag.igammac
    assert S.expit is ag.sigmoid and S.erf is ag.erf and S.logit is ag.logit and S.exp2 is ag.exp2
    assert S.softmax is ag.softmax and S.log_softmax is ag.log_softmax and S.logsumexp is ag.logsumexp
    assert S.round is ag.round and S.expm1 is ag.expm1 and S.log1p is ag.log1p


ALIASES = {"absolute": "abs", "arccos": "acos", "arcsin": "asin", "arctan": "atan", "arctan2": "atan2",
           "arccosh": "acosh", "arcsinh": "asinh", "arctanh": "atanh", "multiply": "mul", "subtract": "sub",
           "divide": "div", "negative": "neg", "greater": "gt", "greater_equal": "ge", "less": "lt",
           "less_equal": "le", "not_equal": "ne", "fix": "trunc", "clip": "clamp"}  # sgn is sign only for reals


@pytest.mark.parametrize("alias,name", ALIASES.items())
def test_top_level_aliases_bind_the_same_function(alias, name):
    assert getattr(ag, alias) is getattr(ag, name)
    assert getattr(ag.Tensor, alias) is getattr(ag.Tensor, name)


TOP_LEVEL = special.__all__ + elementwise_extra.__all__


@needs_torch
def test_top_level_names_are_torchs():
    assert [n for n in TOP_LEVEL if not hasattr(torch, n)] == []


@needs_torch
def test_tensor_methods_are_the_ones_torch_has():
    theirs = {n for n in dir(torch.Tensor) if not n.startswith("_")}
    ours = set(special.METHODS) | set(elementwise_extra.METHODS)
    assert sorted(ours - theirs) == []
    wanted = {n for n in TOP_LEVEL if n in theirs} | {n + "_" for n in TOP_LEVEL if n + "_" in theirs}
    comparisons = {"greater_", "greater_equal_", "less_", "less_equal_", "not_equal_"}  # as eq_, lt_: not yet
    assert sorted(n for n in wanted - comparisons if not hasattr(ag.Tensor, n)) == []


def test_methods_take_the_functions_parameters():
    """(torch's parameter names for every shared name are checked by tests/test_signatures.py)"""
    assert list(inspect.signature(ag.Tensor.polygamma).parameters) == ["self", "n"]
    assert list(inspect.signature(ag.Tensor.polygamma_).parameters) == ["self", "n"]
    assert list(inspect.signature(ag.Tensor.mvlgamma_).parameters) == ["input", "p"]
    assert list(inspect.signature(ag.Tensor.float_power_).parameters) == ["self", "exponent"]
    assert list(inspect.signature(ag.Tensor.clamp_min).parameters) == ["input", "min"]


# ---------------------------------------------------------------------------- values and gradients vs torch
def _torch_fn(name, namespace=None, **bound):
    """torch's function `name` (in torch.special with namespace="special"), as a function of the module."""
    def get(t):
        fn = getattr(t.special if namespace else t, name)
        if "k" in bound:
            return lambda x: fn(bound["k"], x)
        if "p" in bound:
            return lambda x: fn(x, bound["p"])
        return fn
    return get


def _unary_pairs():
    pairs = [(n, getattr(ag, n), _torch_fn(n)) for n in (
        "lgamma", "digamma", "erfc", "erfinv", "i0", "sinc", "exp2", "acosh", "asinh", "atanh", "deg2rad", "rad2deg",
        "frac")]
    pairs += [(n, getattr(S, n), _torch_fn(n, "special")) for n in (
        "erfcx", "i0e", "i1", "i1e", "ndtr", "ndtri", "log_ndtr", "entr", "bessel_j0", "bessel_j1", "bessel_y0",
        "bessel_y1", "modified_bessel_i0", "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1",
        "scaled_modified_bessel_k0", "scaled_modified_bessel_k1", "spherical_bessel_j0", "airy_ai")]
    pairs += [(f"polygamma{k}", functools.partial(ag.polygamma, k), _torch_fn("polygamma", k=k)) for k in range(5)]
    pairs += [(f"mvlgamma{p}", functools.partial(_mvlgamma, p=p), _torch_fn("mvlgamma", p=p)) for p in (1, 2, 3)]
    return pairs


def _mvlgamma(x, p):
    return ag.mvlgamma(x, p)


UNARY = _unary_pairs()
# Where PyTorch's value is a rounding artefact, not the function's: trigamma at its poles (the negative integers)
# is about 1e32 in PyTorch (its reflection formula divides by sin(pi x) ~ 1e-16), inf here. Where PyTorch is less
# accurate than scipy (ndtr's far tail, j1 and Ai at a few points), scipy's value is kept.
POLES = {-1.0, -2.0, -30.0, -700.0}
SKIP = {("polygamma1", v) for v in POLES} | {("ndtr", -7.3), ("ndtr", -30.0), ("bessel_j1", -7.3),
                                               ("airy_ai", -2.5), ("airy_ai", -30.0), ("airy_ai", -700.0)}
SKIP_GRAD = {(n, v) for n in ("digamma", "polygamma0", "lgamma", "mvlgamma1", "mvlgamma2", "mvlgamma3")
             for v in POLES} | {("i0", NAN), ("i1", NAN), ("i1e", NAN)}  # nan in, nan out (PyTorch: 0.5)
SKIP_GRAD |= {(f"mvlgamma{p}", v) for p in (2, 3) for v in EDGES  # a pole among the shifted x - i / 2
              if any(v - i / 2 <= 0 and (v - i / 2) == int(v - i / 2) for i in range(p) if math.isfinite(v))}
SKIP_GRAD |= {("sinc", 0.0)}  # second derivative at 0: -pi^2/3 here, nan in PyTorch


def _grid(name):
    return UNIT_EDGES if name in ("erfinv", "ndtri") else EDGES


def _close(ours, theirs, skip, name, xs, rtol):
    keep = np.array([(name, v) not in skip and not (math.isnan(v) and (name, NAN) in skip) for v in xs])
    a, b = np.asarray(ours)[keep], np.asarray(theirs)[keep]
    np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-300 if a.dtype == np.float64 else 1e-6, equal_nan=True,
                               err_msg=name)


@needs_torch
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name,ours,theirs", UNARY, ids=[u[0] for u in UNARY])
def test_unary_values_match_torch_at_the_edges(name, ours, theirs, dtype):
    xs = _grid(name)
    a = ours(ag.tensor(xs, dtype=getattr(ag, dtype)))
    b = theirs(torch)(torch.tensor(xs, dtype=getattr(torch, dtype)))
    assert str(a.dtype) == str(b.dtype).replace("torch.", "")
    _close(a.numpy(), b.numpy(), SKIP, name, xs, 1e-7 if dtype == "float64" else 2e-6)


@needs_torch
@pytest.mark.parametrize("name,ours,theirs", UNARY, ids=[u[0] for u in UNARY])
def test_unary_first_and_second_derivatives_match_torch(name, ours, theirs):
    xs = _grid(name)
    x, tx = ag.tensor(xs, dtype=ag.float64, requires_grad=True), torch.tensor(xs, dtype=torch.float64,
                                                                              requires_grad=True)
    y, ty = ours(x), theirs(torch)(tx)
    assert y.requires_grad == ty.requires_grad, "differentiable in one library only"
    for order in (1, 2):
        if not ty.requires_grad:
            break
        (y,) = ag.grad([y], [x], grad_outputs=[ag.ones_like(y)], create_graph=True)
        (ty,) = torch.autograd.grad([ty], [tx], grad_outputs=[torch.ones_like(ty)], create_graph=True)
        _close(y.detach().numpy(), ty.detach().numpy(), SKIP | SKIP_GRAD, name, xs, 1e-6)


INTS = [[1, 2, 3, -1, 0]]


@needs_torch
@pytest.mark.parametrize("name,ours,theirs", UNARY, ids=[u[0] for u in UNARY])
def test_ints_and_bools_become_the_default_float_dtype(name, ours, theirs):
    if name == "frac":
        return  # float only (test_frac_and_friends_refuse_ints)
    for values in ([1, 2, 3, -1, 0], [True, False]):
        if name.startswith("mvlgamma") and values[0] is True:
            continue  # PyTorch refuses bools (test_errors_are_torchs_classes_with_clear_messages)
        a, b = ours(ag.tensor(values)), theirs(torch)(torch.tensor(values))
        assert a.dtype == ag.float32 and b.dtype == torch.float32
        _close(a.numpy(), b.numpy(), SKIP | {("polygamma1", 0.0)}, name, [float(v) for v in values], 2e-6)


def _pair(lib, a, b, dtype="float64", grad=True):
    dt = getattr(lib, dtype)
    x = lib.tensor(a, dtype=dt, requires_grad=grad)
    y = lib.tensor(b, dtype=dt, requires_grad=grad)
    return x, y


BINARY_POINTS = {  # name -> (ours, torch's, input values, other values, differentiable in (input, other))
    "xlogy": (ag.xlogy, lambda t: t.xlogy, [0.0, 0.0, 0.0, 1.0, 2.0, -1.5, 0.0, 3.0],
              [2.0, 0.0, -1.0, 0.0, NAN, 0.5, NAN, INF], (True, True)),
    "xlog1py": (S.xlog1py, lambda t: t.special.xlog1py, [0.0, 0.0, 0.0, 1.0, 2.0, -1.5, 0.0, 3.0],
                [2.0, -1.0, -2.0, -1.0, NAN, 0.5, NAN, INF], (True, True)),
    "zeta": (S.zeta, lambda t: t.special.zeta, [3.0, 2.5, 1.0, 0.5, 4.0, 2.0, INF, 3.0],
             [2.0, -2.5, 1.0, 1.0, 0.3, INF, 2.0, -INF], (False, True)),
    "igamma": (ag.igamma, lambda t: t.igamma, [1.5, 1.0, 0.0, -1.0, 3.0, 2.0, INF, 0.5],
               [0.0, 2.0, 1.0, 1.0, INF, 0.3, 2.0, NAN], (False, True)),
    "igammac": (ag.igammac, lambda t: t.igammac, [1.5, 1.0, 0.0, -1.0, 3.0, 2.0, INF, 0.5],
                [0.0, 2.0, 1.0, 1.0, INF, 0.3, 2.0, NAN], (False, True)),
    "copysign": (ag.copysign, lambda t: t.copysign, [2.0, 0.0, -3.0, -0.0, INF, NAN, 1.5, -2.0],
                 [-1.0, 1.0, -0.0, -2.0, -1.0, -1.0, NAN, 3.0], (True, True)),
    "logaddexp": (ag.logaddexp, lambda t: t.logaddexp, [1.0, -INF, INF, 2.0, 800.0, -800.0, NAN, 0.0],
                  [1.0, -INF, INF, 0.0, 799.0, -801.0, 1.0, -INF], (True, True)),
    "logaddexp2": (ag.logaddexp2, lambda t: t.logaddexp2, [1.0, -INF, INF, 2.0, 1500.0, -1500.0, NAN, 0.0],
                   [1.0, -INF, INF, 0.0, 1499.0, -1501.0, 1.0, -INF], (True, True)),
    "hypot": (ag.hypot, lambda t: t.hypot, [0.0, 3.0, 1e300, -2.0, INF, NAN, 0.0, 1.0],
              [0.0, 4.0, 1e300, 0.0, NAN, 1.0, -1.0, -INF], (True, True)),
    "fmax": (ag.fmax, lambda t: t.fmax, [1.0, 2.0, 1.0, NAN, NAN, -INF, 0.0, -0.0],
             [1.0, 1.0, NAN, NAN, 0.0, 2.0, -0.0, 0.0], (True, True)),
    "fmin": (ag.fmin, lambda t: t.fmin, [1.0, 2.0, 1.0, NAN, NAN, -INF, 0.0, -0.0],
             [1.0, 1.0, NAN, NAN, 0.0, 2.0, -0.0, 0.0], (True, True)),
    "nextafter": (ag.nextafter, lambda t: t.nextafter, [1.0, 0.0, -1.0, INF, 2.0, NAN, 1.0, 0.0],
                  [2.0, -1.0, -1.0, 0.0, 2.0, 1.0, NAN, 0.0], (True, True)),
    "ldexp": (ag.ldexp, lambda t: t.ldexp, [1.0, 1.5, -3.0, 0.0, INF, NAN, 1.0, 2.0],
              [2.0, 3.0, -2.0, 5.0, 1.0, 1.0, 1100.0, -1100.0], (True, True)),
    "float_power": (ag.float_power, lambda t: t.float_power, [2.0, 0.0, -8.0, 1.5, 0.5, INF, NAN, 3.0],
                    [3.0, 0.0, 1 / 3, -1.0, -INF, 0.5, 1.0, 2.5], (True, True)),
}


@needs_torch
@pytest.mark.parametrize("name", list(BINARY_POINTS))
def test_binary_values_and_gradients_match_torch_at_the_edges(name):
    ours, theirs, a, b, diff = BINARY_POINTS[name]
    x, y = _pair(ag, a, b)
    tx, ty = _pair(torch, a, b)
    x.requires_grad_(diff[0]), y.requires_grad_(diff[1])
    tx.requires_grad_(diff[0]), ty.requires_grad_(diff[1])
    out, tout = ours(x, y), theirs(torch)(tx, ty)
    assert str(out.dtype) == str(tout.dtype).replace("torch.", "")
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-12, equal_nan=True)
    leaves = [v for v, d in zip((x, y), diff) if d]
    tleaves = [v for v, d in zip((tx, ty), diff) if d]
    grads = ag.grad([out], leaves, grad_outputs=[ag.ones_like(out)])
    tgrads = torch.autograd.grad([tout], tleaves, grad_outputs=[torch.ones_like(tout)])
    for g, tg in zip(grads, tgrads):
        np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-10, equal_nan=True, err_msg=name)


SECOND_ORDER = {  # name -> (ours, torch's, input values, other values)
    "xlogy": (ag.xlogy, lambda t: t.xlogy, [0.5, -1.0, 2.0], [0.7, 1.5, 3.0]),
    "xlog1py": (S.xlog1py, lambda t: t.special.xlog1py, [0.5, -1.0, 2.0], [0.7, -0.5, 3.0]),
    "logaddexp": (ag.logaddexp, lambda t: t.logaddexp, [0.5, -1.0, 2.0], [0.7, 1.5, -3.0]),
    "logaddexp2": (ag.logaddexp2, lambda t: t.logaddexp2, [0.5, -1.0, 2.0], [0.7, 1.5, -3.0]),
    "hypot": (ag.hypot, lambda t: t.hypot, [0.5, -1.0, 2.0], [0.7, 1.5, -3.0]),
    "ldexp": (ag.ldexp, lambda t: t.ldexp, [0.5, -1.0, 2.0], [0.7, 1.5, -3.0]),
    "copysign": (ag.copysign, lambda t: t.copysign, [0.5, -1.0, 2.0], [0.7, 1.5, -3.0]),
}


@needs_torch
@pytest.mark.parametrize("name", list(SECOND_ORDER))
def test_binary_second_derivatives_match_torch(name):
    ours, theirs, a, b = SECOND_ORDER[name]
    x, y = _pair(ag, a, b)
    tx, ty = _pair(torch, a, b)
    gx, gy = ag.grad([ours(x, y).sum()], [x, y], create_graph=True)
    tgx, tgy = torch.autograd.grad([theirs(torch)(tx, ty).sum()], [tx, ty], create_graph=True)
    h = ag.grad([(gx * gx).sum() + (gy * x).sum()], [x, y], allow_unused=True)
    th = torch.autograd.grad([(tgx * tgx).sum() + (tgy * tx).sum()], [tx, ty], allow_unused=True)
    for g, tg in zip(h, th):
        if tg is None or g is None:  # one graph does not reach it: the gradient is zero
            assert not np.any((g if tg is None else tg).numpy()) if (g, tg) != (None, None) else True
            continue
        np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-9, atol=1e-12, err_msg=name)


@needs_torch
def test_gcd_lcm_heaviside_frexp_match_torch():
    a, b = [-4, 0, 6, 7, -12, 0], [6, 0, -9, 0, 18, 5]
    for fn in ("gcd", "lcm"):
        ours = getattr(ag, fn)(ag.tensor(a), ag.tensor(b))
        theirs = getattr(torch, fn)(torch.tensor(a), torch.tensor(b))
        assert ours.dtype == ag.int64
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    x, v = [NAN, 0.0, -1.0, 2.0, -0.0, INF], [0.5]
    np.testing.assert_array_equal(ag.heaviside(ag.tensor(x), ag.tensor(v)).numpy(),
                                  torch.heaviside(torch.tensor(x), torch.tensor(v)).numpy())
    np.testing.assert_array_equal(ag.heaviside(ag.tensor([-2, 0, 3]), ag.tensor([7])).numpy(),
                                  torch.heaviside(torch.tensor([-2, 0, 3]), torch.tensor([7])).numpy())
    x = [INF, -INF, NAN, 0.0, -0.0, 1e-40, -3.0, 7.5, 1.0]
    for dt in ("float32", "float64"):
        m, e = ag.frexp(ag.tensor(x, dtype=getattr(ag, dt)))
        tm, te = torch.frexp(torch.tensor(x, dtype=getattr(torch, dt)))
        assert m.dtype == getattr(ag, dt) and e.dtype == ag.int32
        np.testing.assert_array_equal(m.numpy(), tm.numpy())
        np.testing.assert_array_equal(e.numpy(), te.numpy())
    out = ag.frexp(ag.tensor([3.0]))
    assert out.mantissa is out[0] and out.exponent is out[1]
    x, tx = ag.tensor([0.3, 5.0, 1e-30], dtype=ag.float64, requires_grad=True), torch.tensor(
        [0.3, 5.0, 1e-30], dtype=torch.float64, requires_grad=True)
    ag.frexp(x).mantissa.sum().backward()
    torch.frexp(tx).mantissa.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())


DTYPE_CASES = {  # name -> call on (module, a, b)
    "xlogy int int": lambda m, a, b: m.xlogy(a.long(), b.long()),
    "xlogy scalar self": lambda m, a, b: m.xlogy(2, b),
    "xlogy f32 f64": lambda m, a, b: m.xlogy(a, b.double()),
    "xlogy f32 int": lambda m, a, b: m.xlogy(a, b.long()),
    "xlog1py int scalar": lambda m, a, b: m.special.xlog1py(a.long(), 0.5),
    "zeta int int": lambda m, a, b: m.special.zeta(a.long() + 2, b.long() + 1),
    "zeta scalar": lambda m, a, b: m.special.zeta(2, b),
    "igamma f32 f64": lambda m, a, b: m.igamma(a, b.double()),
    "copysign int int": lambda m, a, b: m.copysign(a.long(), b.long()),
    "copysign int scalar": lambda m, a, b: m.copysign(a.long(), -1.0),
    "copysign f32 scalar": lambda m, a, b: m.copysign(a, -1),
    "logaddexp f32 f64": lambda m, a, b: m.logaddexp(a, b.double()),
    "fmax int int": lambda m, a, b: m.fmax(a.long(), b.long()),
    "fmax int f32": lambda m, a, b: m.fmax(a.long(), b),
    "fmin int32 int64": lambda m, a, b: m.fmin(a.int(), b.long()),
    "ldexp int int": lambda m, a, b: m.ldexp(a.long(), b.long()),
    "ldexp f32 int": lambda m, a, b: m.ldexp(a, b.long()),
    "ldexp f32 f64": lambda m, a, b: m.ldexp(a, b.double()),
    "ldexp f64 int32": lambda m, a, b: m.ldexp(a.double(), b.int()),
    "float_power f32 int": lambda m, a, b: m.float_power(a, 2),
    "float_power scalar base": lambda m, a, b: m.float_power(2, b),
    "float_power int int": lambda m, a, b: m.float_power(a.long(), b.long()),
    "nextafter f32 f64": lambda m, a, b: m.nextafter(a, b.double()),
    "gcd int32 int64": lambda m, a, b: m.gcd(a.int(), b.long()),
    "exp2 int": lambda m, a, b: m.exp2(a.long()),
    "polygamma int": lambda m, a, b: m.polygamma(1, b.long()),
    "mvlgamma int": lambda m, a, b: m.mvlgamma(b.long() + 3, 2),
    "clamp_min int": lambda m, a, b: m.clamp_min(a.long(), 2),
    "clamp_min int float": lambda m, a, b: m.clamp_min(a.long(), 2.5),
    "clamp_max tensor": lambda m, a, b: m.clamp_max(a, b),
    "positive int": lambda m, a, b: m.positive(a.long()),
    "sgn bool": lambda m, a, b: m.sgn(a > 1),
    "deg2rad int": lambda m, a, b: m.deg2rad(a.long()),
    "divide floor": lambda m, a, b: m.divide(a.long(), 2, rounding_mode="floor"),
    "true_divide int": lambda m, a, b: m.true_divide(a.long(), 2),
}


@needs_torch
@pytest.mark.parametrize("name", list(DTYPE_CASES))
def test_result_dtypes_are_torchs(name):
    a, b = [1.5, 2.0, 3.0, -1.0], [0.5, 1.0, 2.0, 4.0]
    ours = DTYPE_CASES[name](ag, ag.tensor(a), ag.tensor(b))
    theirs = DTYPE_CASES[name](torch, torch.tensor(a), torch.tensor(b))
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), name
    np.testing.assert_allclose(ours.numpy().astype(np.float64), theirs.numpy().astype(np.float64), rtol=1e-6,
                               equal_nan=True)


def test_float_power_is_float64_and_its_gradient_keeps_the_input_dtype():
    x = ag.tensor([1.0, 1.5], requires_grad=True)
    y = ag.float_power(x, 2)
    assert y.dtype == ag.float64
    y.sum().backward()
    assert x.grad.dtype == ag.float32
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 3.0])


def test_positive_returns_the_input_itself():
    x = ag.tensor([1.0, -2.0])
    assert ag.positive(x) is x and x.positive() is x


# ---------------------------------------------------------------------------- errors
ERRORS = [
    (lambda: ag.polygamma(-1, ag.ones(2)), RuntimeError, "polygamma.* does not support negative n"),
    (lambda: ag.polygamma(1.0, ag.ones(2)), TypeError, "polygamma: argument 'n' must be int, not float"),
    (lambda: ag.mvlgamma(ag.ones(2), 0), RuntimeError, "mvlgamma: p has to be greater than or equal to 1"),
    (lambda: ag.mvlgamma(ag.ones(2), 2.0), TypeError, "mvlgamma: argument 'p' must be int"),
    (lambda: ag.lgamma([1.0, 2.0]), TypeError, "lgamma: expected a tensor, got list"),
    (lambda: ag.xlogy(2.0, 3.0), TypeError, "xlogy: expected at least one tensor"),
    (lambda: ag.mvlgamma(ag.tensor([True]), 1), RuntimeError, "mvlgamma: the input tensor may not be a boolean"),
    (lambda: ag.igamma(ag.ones(2), 2.0), TypeError, "igamma: other must be a tensor, got float"),
    (lambda: ag.igamma(ag.tensor([1, 2]), ag.tensor([1, 2])), TypeError, "igamma: expected floating point"),
    (lambda: ag.logaddexp(ag.ones(2), 1.0), TypeError, "logaddexp: other must be a tensor, got float"),
    (lambda: ag.logaddexp(ag.tensor([1]), ag.tensor([1])), TypeError, "logaddexp: expected floating point"),
    (lambda: ag.hypot(ag.tensor([3, 4]), ag.tensor([4, 3])), TypeError,
     "hypot: expected floating point tensors, got dtypes int64 and int64"),
    (lambda: ag.hypot(ag.ones(2), 2.0), TypeError, "hypot: other must be a tensor, got float"),
    (lambda: ag.hypot(ag.ones(2), ag.ones(3)), RuntimeError, r"hypot: shapes \(2,\) and \(3,\) cannot be broadcast"),
    (lambda: ag.fmax(ag.ones(2), 1.0), TypeError, "fmax: other must be a tensor"),
    (lambda: ag.frac(ag.tensor([1, 2])), TypeError, "frac: expected a floating point tensor, got dtype int64"),
    (lambda: ag.gcd(ag.ones(2), ag.ones(2)), TypeError, "gcd: expected integer tensors, got dtypes float32"),
    (lambda: ag.lcm(ag.tensor([True]), ag.tensor([True])), TypeError, "lcm: expected integer tensors"),
    (lambda: ag.gcd(ag.tensor([2]), 2), TypeError, "gcd: other must be a tensor, got int"),
    (lambda: ag.heaviside(ag.ones(2), ag.tensor([1])), RuntimeError,
     "heaviside is not yet implemented for tensors with different dtypes"),
    (lambda: ag.heaviside(ag.ones(2), 0.5), TypeError, "heaviside: values must be a tensor, got float"),
    (lambda: ag.nextafter(ag.tensor([1]), ag.tensor([2])), TypeError, "nextafter: expected floating point"),
    (lambda: ag.ldexp(ag.ones(2), 2), TypeError, "ldexp: other must be a tensor, got int"),
    (lambda: ag.frexp(ag.tensor([1, 2])), RuntimeError, "frexp: only supports floating-point dtypes"),
    (lambda: ag.float_power(2.0, 3.0), TypeError, "float_power: expected at least one tensor"),
    (lambda: ag.positive(ag.tensor([True])), TypeError, "positive: the \\+ operator on a bool tensor"),
    (lambda: ag.ones(2, dtype=ag.float32).float_power_(2), RuntimeError,
     "float_power_: the base given to float_power_ has dtype float32"),
    (lambda: ag.tensor([1, 2]).lgamma_(), RuntimeError, "lgamma_: result type float32 can't be cast to the dtype"),
    (lambda: ag.tensor([1, 2]).copysign_(-1.0), RuntimeError, "copysign_: result type float32 can't be cast"),
]


@pytest.mark.parametrize("call,error,match", ERRORS, ids=[e[2][:40] for e in ERRORS])
def test_errors_are_torchs_classes_with_clear_messages(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("call,error", [
    (lambda x: S.zeta(x, ag.tensor([2.0])), NotImplementedError),
    (lambda x: ag.igamma(x, ag.tensor([2.0])), NotImplementedError),
    (lambda x: ag.igammac(x, ag.tensor([2.0])), NotImplementedError),
    (lambda x: ag.heaviside(x, ag.tensor([0.5])), RuntimeError),
], ids=["zeta", "igamma", "igammac", "heaviside"])
def test_gradients_pytorch_does_not_implement_raise_at_backward(call, error):
    x = ag.tensor([3.0], requires_grad=True)
    y = call(x)
    assert y.requires_grad
    with pytest.raises(error, match="derivative"):
        y.sum().backward()
    if torch is not None:
        tfn = {"ZetaBackward0": lambda t: torch.special.zeta(t, torch.tensor([2.0])),
               "IgammaBackward0": lambda t: torch.igamma(t, torch.tensor([2.0])),
               "IgammacBackward0": lambda t: torch.igammac(t, torch.tensor([2.0])),
               "HeavisideBackward0": lambda t: torch.heaviside(t, torch.tensor([0.5]))}[y.grad_fn.name()]
        with pytest.raises(error):
            tfn(torch.tensor([3.0], requires_grad=True)).sum().backward()


def test_bessel_functions_have_no_gradient_as_in_pytorch():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    for name in ("bessel_j0", "bessel_j1", "bessel_y0", "modified_bessel_k1", "spherical_bessel_j0", "airy_ai"):
        y = getattr(S, name)(x)
        assert not y.requires_grad and y.grad_fn is None
        if torch is not None:
            assert not getattr(torch.special, name)(torch.tensor([1.0], requires_grad=True)).requires_grad


# ---------------------------------------------------------------------------- floating-point errors stay quiet
QUIET = [(n, f) for n, f, _ in UNARY] + [
    ("xlogy", lambda x: ag.xlogy(x, x)), ("xlog1py", lambda x: S.xlog1py(x, x)),
    ("zeta", lambda x: S.zeta(x.detach(), x)),
    ("igamma", lambda x: ag.igamma(x.detach(), x)), ("igammac", lambda x: ag.igammac(x.detach(), x)),
    ("logaddexp", lambda x: ag.logaddexp(x, -x)), ("logaddexp2", lambda x: ag.logaddexp2(x, x)),
    ("hypot", lambda x: ag.hypot(x, x)), ("copysign", lambda x: ag.copysign(x, -x)),
    ("fmax", lambda x: ag.fmax(x, x.flip(0))), ("ldexp", lambda x: ag.ldexp(x, x)),
    ("float_power", lambda x: ag.float_power(x, x)), ("nextafter", lambda x: ag.nextafter(x, -x)),
    ("frac", ag.frac)]


@pytest.mark.parametrize("name,fn", QUIET, ids=[q[0] for q in QUIET])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_inf_and_nan_come_silently_forward_and_backward(name, fn, dtype):
    for values in (EDGES, [3e38, -3e38, 1e-45, 88.7, 710.0]):
        x = ag.tensor(values, dtype=getattr(ag, dtype), requires_grad=True)
        y = fn(x)  # warnings are errors here
        if y.requires_grad:
            ag.grad([y], [x], grad_outputs=[ag.ones_like(y)], create_graph=True)


# ---------------------------------------------------------------------------- in place
INPLACE = {  # method -> (target dtype, args)
    "lgamma_": ("float32", ()), "digamma_": ("float32", ()), "erfinv_": ("float32", ()), "erfc_": ("float32", ()),
    "i0_": ("float32", ()), "sinc_": ("float32", ()), "exp2_": ("float32", ()), "acosh_": ("float32", ()),
    "asinh_": ("float32", ()), "atanh_": ("float32", ()), "arccosh_": ("float32", ()), "arcsinh_": ("float32", ()),
    "arctanh_": ("float32", ()), "deg2rad_": ("float32", ()), "rad2deg_": ("float32", ()),
    "frac_": ("float32", ()), "sgn_": ("float32", ()), "fix_": ("float32", ()), "absolute_": ("float32", ()),
    "negative_": ("float32", ()), "arccos_": ("float32", ()), "arcsin_": ("float32", ()), "arctan_": ("float32", ()),
    "polygamma_": ("float32", (1,)), "mvlgamma_": ("float32", (1,)),
    "xlogy_": ("float32", ("t",)), "igamma_": ("float32", ("t",)), "igammac_": ("float32", ("t",)),
    "hypot_": ("float32", ("t",)), "copysign_": ("float32", ("neg",)), "nextafter_": ("float32", ("t",)),
    "heaviside_": ("float32", ("t",)), "arctan2_": ("float32", ("t",)), "multiply_": ("float32", ("t",)),
    "subtract_": ("float32", ("t",)), "divide_": ("float32", ("t",)), "true_divide_": ("float32", ("t",)),
    "ldexp_": ("float32", ("i",)), "float_power_": ("float64", (2.5,)),
    "gcd_": ("int64", ("i",)), "lcm_": ("int64", ("i",)),
}
KEEPS_VALUES = {"frac_", "absolute_"}  # may leave the (0.2, 0.8) targets as they are


def _target(dtype, requires_grad=False):
    if dtype == "int64":
        return ag.tensor((np.arange(8) % 5 + 2).reshape(2, 4))
    return ag.tensor(np.linspace(0.2, 0.8, 8).reshape(2, 4), dtype=getattr(ag, dtype), requires_grad=requires_grad)


def _args(spec):
    out = []
    for a in spec:
        out.append({"t": ag.tensor([0.5, 1.5, 2.0, 0.25]), "neg": ag.tensor([-1.0, 2.0, -0.5, -3.0]),
                    "i": ag.tensor([2, 3, 4, 6])}.get(a, a) if isinstance(a, str) else a)
    return out


def test_every_new_inplace_method_is_covered_here():
    ours = {n for n in list(special.METHODS) + list(elementwise_extra.METHODS) if n.endswith("_")}
    assert sorted(ours - set(INPLACE)) == [] and sorted(set(INPLACE) - ours) == []


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_changes_memory_once_and_equals_the_out_of_place_op(name):
    dtype, spec = INPLACE[name]
    x = _target(dtype)
    data, before = x.array, x.array.copy()
    out = getattr(x, name)(*_args(spec))
    assert out is x and x.array is data and _version_of(x) == 1 and x.dtype == getattr(ag, dtype)
    if name not in KEEPS_VALUES:
        assert not np.array_equal(x.array, before, equal_nan=True)
    want = getattr(ag.Tensor, name[:-1])(ag.tensor(before), *_args(spec))
    np.testing.assert_allclose(x.numpy(), want.numpy().astype(x.numpy().dtype), rtol=1e-6, equal_nan=True)


@pytest.mark.parametrize("name", [n for n, (d, _) in INPLACE.items() if d != "int64"])
def test_inplace_refuses_a_leaf_that_requires_grad_and_names_itself(name):
    dtype, spec = INPLACE[name]
    x = _target(dtype, requires_grad=True)
    before = x.array.copy()
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad") as err:
        getattr(x, name)(*_args(spec))
    assert str(err.value).startswith(f"{name}:")
    np.testing.assert_array_equal(x.array, before)
    assert _version_of(x) == 0


@pytest.mark.parametrize("name", ["lgamma_", "polygamma_", "mvlgamma_", "xlogy_", "sinc_", "copysign_"])
def test_inplace_on_a_recorded_tensor_backpropagates(name):
    leaf = _target("float64", requires_grad=True)
    spec = INPLACE[name][1]
    x = leaf * 1.0
    getattr(x, name)(*_args(spec))
    x.sum().backward()
    ref = _target("float64", requires_grad=True)
    getattr(ag.Tensor, name[:-1])(ref, *_args(spec)).sum().backward()
    np.testing.assert_allclose(leaf.grad.numpy(), ref.grad.numpy(), rtol=1e-12)


@needs_torch
def test_inplace_int_targets_refuse_float_results_like_torch():
    for name, args in (("lgamma_", ()), ("xlogy_", (2.0,)), ("exp2_", ()), ("copysign_", (-1.0,))):
        x = ag.tensor([1, 2])
        with pytest.raises(RuntimeError, match=f"{name}: result type float32 can't be cast"):
            getattr(x, name)(*args)
        np.testing.assert_array_equal(x.numpy(), [1, 2])
        with pytest.raises(RuntimeError):
            getattr(torch.tensor([1, 2]), name)(*args)
    x = ag.tensor([4, 6])
    x.gcd_(ag.tensor([6, 9]))
    np.testing.assert_array_equal(x.numpy(), [2, 3])


# ---------------------------------------------------------------------------- devices
def test_special_ops_run_on_the_gpu_backend_and_refuse_mixed_devices(stand_in):
    x = ag.tensor([0.5, 1.5, 2.5], dtype=ag.float64, device="cuda", requires_grad=True)
    for fn in (ag.lgamma, ag.digamma, lambda t: ag.polygamma(2, t), S.erfcx, S.i1e, S.log_ndtr, S.bessel_y1,
               S.airy_ai, ag.sinc, lambda t: ag.mvlgamma(t + 1, 3)):
        y = fn(x)
        assert y.device == "cuda"
        np.testing.assert_allclose(y.detach().cpu().numpy(), fn(x.detach().cpu()).numpy(), rtol=1e-12)
    (g,) = ag.grad([ag.lgamma(x).sum()], [x], create_graph=True)
    (h,) = ag.grad([g.sum()], [x])
    assert h.device == "cuda"
    for fn in (ag.xlogy, ag.hypot, ag.logaddexp, ag.igamma, ag.copysign, ag.fmax, ag.nextafter, ag.ldexp, S.zeta):
        with pytest.raises(RuntimeError, match="expected all tensors on the same device"):
            fn(x, ag.ones(3, dtype=ag.float64))


def test_scipy_is_used_for_host_arrays():
    x = np.array([0.5, 1.5])
    assert special.special_fn("gammaln", x) is __import__("scipy.special").special.gammaln
    np.testing.assert_array_equal(special.evaluate("gammaln", x.astype(np.float32)).dtype, np.float32)
    assert special.evaluate("gammaln", x.astype(np.float16)).dtype == np.float16
