"""channels_last / channels_last_3d through contiguous, to, clone and is_contiguous, against PyTorch."""
import pickle

import numpy as np
import pytest

import autograd as ag

# contiguous / to / clone / is_contiguous with channels_last and channels_last_3d, against PyTorch's strides; values
# and gradients are unchanged by the layout.

torch = pytest.importorskip("torch")
X = np.random.default_rng(0).standard_normal((2, 3, 4, 5))
X5 = np.random.default_rng(1).standard_normal((2, 3, 2, 4, 5))


def _fmt(name):
    return getattr(ag, name), getattr(torch, name)


@pytest.mark.parametrize("name,data", [("channels_last", X), ("channels_last_3d", X5), ("contiguous_format", X)])
def test_strides_match_torch(name, data):
    ours_f, theirs_f = _fmt(name)
    a, t = ag.tensor(data), torch.tensor(data)
    for make in (lambda v, f: v.contiguous(memory_format=f), lambda v, f: v.to(memory_format=f),
                 lambda v, f: v.clone(memory_format=f)):
        y, ty = make(a, ours_f), make(t, theirs_f)
        assert y.stride() == ty.stride()
        np.testing.assert_array_equal(y.numpy(), data)
        for check in ("contiguous_format", "channels_last", "channels_last_3d"):
            assert y.is_contiguous(memory_format=getattr(ag, check)) == ty.is_contiguous(
                memory_format=getattr(torch, check)), check
        assert y.clone().stride() == ty.clone().stride()  # preserve_format keeps channels_last


def test_size_one_dims_do_not_count_and_channels_last_is_kept_by_elementwise_ops():
    z, tz = ag.ones(2, 3, 1, 1), torch.ones(2, 3, 1, 1)
    zc, tzc = z.contiguous(memory_format=ag.channels_last), tz.contiguous(memory_format=torch.channels_last)
    assert zc.stride() == tzc.stride() and zc.is_contiguous() == tzc.is_contiguous()
    y = ag.tensor(X).contiguous(memory_format=ag.channels_last)
    assert (y + 1).is_contiguous(memory_format=ag.channels_last) and (y.exp()).stride() == y.stride()


def test_layout_changes_are_differentiable_and_leave_the_values():
    kernel = ag.tensor(np.random.default_rng(2).standard_normal((2, 3, 3, 3)))
    grads = []
    for fmt in (ag.channels_last, ag.contiguous_format):
        w = ag.tensor(X, requires_grad=True)
        out = ag.conv2d(w.contiguous(memory_format=fmt), kernel)
        (out.sin()).sum().backward()
        grads.append((out.detach().numpy(), w.grad.numpy()))
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-12)
    np.testing.assert_allclose(grads[0][1], grads[1][1], rtol=1e-12)
    small = ag.tensor(X[:1, :2, :2, :2], requires_grad=True)
    assert ag.gradcheck(lambda v: v.contiguous(memory_format=ag.channels_last).sin(), (small,))
    assert ag.gradgradcheck(lambda v: v.clone(memory_format=ag.channels_last).sin(), (small,))


def test_already_in_the_format_is_returned_as_is():
    y = ag.tensor(X).contiguous(memory_format=ag.channels_last)
    assert y.contiguous(memory_format=ag.channels_last) is y and y.to(memory_format=ag.channels_last) is y
    c = ag.tensor(X)
    assert c.contiguous() is c and c.contiguous(memory_format=ag.preserve_format) is c


@pytest.mark.parametrize("call,err,match", [
    (lambda: ag.ones(2, 3).contiguous(memory_format=ag.channels_last), RuntimeError,
     "required rank 4 tensor to use channels_last format"),
    (lambda: ag.ones(2, 3, 4, 5).to(memory_format=ag.channels_last_3d), RuntimeError,
     "required rank 5 tensor to use channels_last_3d format"),
    (lambda: ag.ones(2, 3, 4, 5).contiguous(memory_format="channels_last"), TypeError, "torch.memory_format"),
])
def test_errors_as_torch(call, err, match):
    with pytest.raises(err, match=match):
        call()


def test_formats_print_and_pickle_as_torch():
    for name in ("contiguous_format", "channels_last", "channels_last_3d", "preserve_format"):
        ours, theirs = _fmt(name)
        assert repr(ours) == repr(theirs) and pickle.loads(pickle.dumps(ours)) is ours
    assert not ag.ones(2, 3, 4).is_contiguous(memory_format=ag.channels_last)
