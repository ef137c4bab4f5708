"""torch.finfo / iinfo / is_tensor and the thread-count functions, against PyTorch."""
import subprocess
import sys

import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch")

FLOATS = ["float16", "bfloat16", "float32", "float64", "complex64", "complex128"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]


@pytest.mark.parametrize("name", FLOATS)
def test_finfo_matches_torch(name):
    ours, theirs = ag.finfo(getattr(ag, name)), torch.finfo(getattr(torch, name))
    for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr
    assert repr(ours) == repr(theirs)


def test_finfo_of_the_default_dtype_and_of_a_tensors_dtype():
    assert ag.finfo() == ag.finfo(ag.float32) and ag.finfo().dtype == torch.finfo().dtype
    ag.set_default_dtype(ag.float64)
    try:
        assert ag.finfo().dtype == "float64"
    finally:
        ag.set_default_dtype(ag.float32)
    assert ag.finfo(ag.ones(2, dtype=ag.float16).dtype).eps == np.finfo(np.float16).eps


@pytest.mark.parametrize("name", INTS)
def test_iinfo_matches_torch(name):
    ours, theirs = ag.iinfo(getattr(ag, name)), torch.iinfo(getattr(torch, name))
    assert (ours.bits, ours.max, ours.min, ours.dtype) == (theirs.bits, theirs.max, theirs.min, theirs.dtype)
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("call,match", [(lambda: ag.finfo(ag.int32), "requires a floating point input type"),
                                        (lambda: ag.iinfo(ag.float32), "requires an integer input type"),
                                        (lambda: ag.iinfo(ag.bool_), "torch.bool is not supported by torch.iinfo")])
def test_wrong_kind_of_dtype_is_a_type_error(call, match):
    with pytest.raises(TypeError, match=match):
        call()


def test_is_tensor():
    from nn import Parameter

    assert ag.is_tensor(ag.ones(1)) and ag.is_tensor(Parameter(ag.ones(1)))
    assert not ag.is_tensor(1.0) and not ag.is_tensor(np.ones(1)) and not ag.is_tensor(torch.ones(1))


@pytest.mark.parametrize("call,match", [(lambda: ag.set_num_threads(0), "expects a positive integer"),
                                        (lambda: ag.set_num_threads(2.5), "expects an int, but got float"),
                                        (lambda: ag.set_num_interop_threads(-1), "expects a positive integer")])
def test_thread_count_errors_as_torch(call, match):
    with pytest.raises(RuntimeError, match=match):
        call()


def test_set_num_threads_limits_the_blas_pool():
    code = ("import threadpoolctl, autograd as ag\n"
            "ag.set_num_threads(1)\n"
            "assert ag.get_num_threads() == 1\n"
            "pools = threadpoolctl.threadpool_info()\n"
            "assert all(p['num_threads'] == 1 for p in pools), pools\n"
            "ag.set_num_interop_threads(3)\n"
            "assert ag.get_num_interop_threads() == 3\n"
            "try:\n"
            "    ag.set_num_interop_threads(2)\n"
            "except RuntimeError as e:\n"
            "    assert 'cannot set number of interop threads' in str(e)\n"
            "else:\n"
            "    raise SystemExit('a second set_num_interop_threads was accepted')\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
