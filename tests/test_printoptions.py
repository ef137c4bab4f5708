"""set_printoptions (precision, threshold, edgeitems, linewidth, profile, sci_mode) and the determinism flags."""
import inspect
import math

import numpy as np
import pytest

import autograd as ag
from autograd import printing


@pytest.fixture(autouse=True)
def _restore():
    torch = _torch()
    yield
    ag.set_printoptions(profile="default")
    ag.use_deterministic_algorithms(False)
    if torch is not None:
        torch.set_printoptions(profile="default")
        torch.use_deterministic_algorithms(False)


def _torch():
    try:
        import torch
    except ImportError:
        return None
    return torch


VALUES = [np.array([1.23456789, -2.5, 3.0]), np.array([1e-5, 1.0, 123.456]), np.arange(30, dtype=np.float64) / 7,
          np.array([[1.5, 2.25], [1e3, 4.0]]), np.arange(2000, dtype=np.float64).reshape(40, 50) * 0.5,
          np.array([1.0, 2.0, 3.0]), np.arange(12).reshape(3, 4)]
OPTIONS = [dict(precision=2), dict(precision=8), dict(sci_mode=True), dict(sci_mode=False), dict(threshold=5),
           dict(threshold=5, edgeitems=1), dict(linewidth=30), dict(profile="short"), dict(profile="full"),
           dict(profile="short", precision=6), dict(precision=3, sci_mode=True, linewidth=40)]


@pytest.mark.parametrize("opts", OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()))
def test_reprs_match_torch(opts):
    torch = pytest.importorskip("torch")
    ag.set_printoptions(**opts)
    torch.set_printoptions(**opts)
    for v in VALUES:
        dtype = "float32" if v.dtype.kind == "f" else "int64"
        ours = repr(ag.tensor(v, dtype=getattr(ag, dtype)))
        ref = repr(torch.tensor(v, dtype=getattr(torch, dtype)))
        assert ours == ref, (opts, v)


def test_precision_against_python_formatting_and_every_call_resets_sci_mode():
    ag.set_printoptions(precision=3)
    assert repr(ag.tensor([1.23456, 2.0])) == f"tensor([{1.23456:.3f}, {2.0:.3f}])"
    ag.set_printoptions(sci_mode=True)
    assert repr(ag.tensor([1.5])) == f"tensor([{1.5:.3e}])"  # precision kept
    ag.set_printoptions(linewidth=100)  # sci_mode is back to automatic, as in PyTorch
    assert repr(ag.tensor([1.5])) == "tensor([1.500])"
    assert printing.get_printoptions() == dict(precision=3, threshold=1000, edgeitems=3, linewidth=100,
                                               sci_mode=None)


def test_threshold_summarizes_and_full_profile_does_not():
    x = ag.arange(20)
    ag.set_printoptions(threshold=10, edgeitems=2)
    assert repr(x) == "tensor([ 0,  1,  ..., 18, 19])"
    ag.set_printoptions(profile="full")
    assert "..." not in repr(ag.arange(5000)) and printing.get_printoptions()["threshold"] == math.inf
    ag.set_printoptions(profile="unknown")  # ignored, as in PyTorch
    assert printing.get_printoptions()["threshold"] == math.inf


def test_set_printoptions_signature_matches_torch():
    torch = pytest.importorskip("torch")
    ours = inspect.signature(ag.set_printoptions).parameters
    ref = inspect.signature(torch.set_printoptions).parameters
    assert list(ours) == list(ref) and all(ours[k].default == ref[k].default for k in ref)


def test_deterministic_flags_like_torch():
    assert not ag.are_deterministic_algorithms_enabled() and ag.get_deterministic_debug_mode() == 0
    ag.use_deterministic_algorithms(True)
    assert ag.are_deterministic_algorithms_enabled() and not ag.is_deterministic_algorithms_warn_only_enabled()
    assert ag.get_deterministic_debug_mode() == 2
    ag.use_deterministic_algorithms(True, warn_only=True)
    assert ag.is_deterministic_algorithms_warn_only_enabled() and ag.get_deterministic_debug_mode() == 1
    for mode, expect in (("warn", (True, True)), ("error", (True, False)), ("default", (False, False)),
                         (2, (True, False)), (0, (False, False))):
        ag.set_deterministic_debug_mode(mode)
        assert (ag.are_deterministic_algorithms_enabled(), ag.is_deterministic_algorithms_warn_only_enabled()) == \
            expect
    x = ag.randn(50)
    ag.use_deterministic_algorithms(True)
    np.testing.assert_array_equal(x.sum().numpy(), x.sum().numpy())  # no op changes under the flag


def test_deterministic_errors_like_torch():
    with pytest.raises(TypeError, match="argument 'mode' must be bool, not int"):
        ag.use_deterministic_algorithms(1)
    with pytest.raises(TypeError, match="argument 'warn_only' must be bool, not int"):
        ag.use_deterministic_algorithms(True, warn_only=1)
    assert not ag.are_deterministic_algorithms_enabled()  # nothing changed by the failed call
    with pytest.raises(RuntimeError, match="expected one of `default`, `warn`, `error`, but got x"):
        ag.set_deterministic_debug_mode("x")
    with pytest.raises(RuntimeError, match="expected 0, 1, or 2, but got 5"):
        ag.set_deterministic_debug_mode(5)
    torch = pytest.importorskip("torch")
    for bad in (1, "x"):
        with pytest.raises(TypeError):
            torch.use_deterministic_algorithms(bad)
    with pytest.raises(RuntimeError):
        torch.set_deterministic_debug_mode(5)
    for name in ("use_deterministic_algorithms", "set_deterministic_debug_mode"):
        assert list(inspect.signature(getattr(ag, name)).parameters) == \
            list(inspect.signature(getattr(torch, name)).parameters)
