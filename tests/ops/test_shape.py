"""Shape ops beyond the registry: views share memory and the version counter, multi-output nodes, errors."""
import types

import numpy as np
import pytest

import autograd as ag


def _x(*shape, requires_grad=False):
    return ag.tensor(np.arange(float(np.prod(shape))).reshape(shape), requires_grad=requires_grad)


# ---------------------------------------------------------------------------- views
VIEWS = {
    "reshape": lambda x: x.reshape(4, 6),
    "reshape-fn": lambda x: ag.reshape(x, (-1,)),
    "view": lambda x: x.view(2, 12),
    "view_as": lambda x: x.view_as(ag.zeros(6, 4)),
    "reshape_as": lambda x: x.reshape_as(ag.zeros(4, 6)),
    "flatten": lambda x: x.flatten(1),
    "ravel": lambda x: x.ravel(),
    "unflatten": lambda x: x.unflatten(2, (2, 2)),
    "squeeze": lambda x: x.unsqueeze(0).squeeze(),
    "unsqueeze": lambda x: x.unsqueeze(-1),
    "permute": lambda x: x.permute(2, 0, 1),
    "transpose": lambda x: x.transpose(0, 2),
    "swapaxes": lambda x: x.swapaxes(0, 1),
    "swapdims": lambda x: x.swapdims(1, 2),
    "movedim": lambda x: x.movedim(0, -1),
    "T": lambda x: x.T,
    "mT": lambda x: x.mT,
    "t": lambda x: x.reshape(6, 4).t(),
    "expand": lambda x: x.expand(3, 2, 3, 4),
    "expand_as": lambda x: x.expand_as(ag.zeros(2, 2, 3, 4)),
    "broadcast_to": lambda x: ag.broadcast_to(x, (1, 2, 3, 4)),
    "broadcast_tensors": lambda x: ag.broadcast_tensors(x, ag.zeros(5, 1, 1, 1))[0],
    "diagonal": lambda x: x.diagonal(1, 1, 2),
    "narrow": lambda x: x.narrow(2, 1, 2),
    "split": lambda x: x.split(2, dim=2)[1],
    "chunk": lambda x: x.chunk(3, 1)[2],
    "unbind": lambda x: x.unbind(1)[1],
}


@pytest.mark.parametrize("name", list(VIEWS))
def test_view_shares_memory_and_version_counter(name):
    x = _x(2, 3, 4, requires_grad=True)
    y = VIEWS[name](x)
    assert np.shares_memory(y.array, x.array)
    assert y._base is x
    before = y.array.copy()
    with ag.no_grad():
        x.add_(1)
    np.testing.assert_array_equal(y.array, before + 1)  # a change through the base shows in the view
    assert y.requires_grad and y.grad_fn is not None


@pytest.mark.parametrize("name", list(VIEWS))
def test_view_under_no_grad_still_shares_base(name):
    x = _x(2, 3, 4, requires_grad=True)
    with ag.no_grad():
        y = VIEWS[name](x)
    assert y.grad_fn is None and not y.requires_grad
    assert y._base is x


def test_view_of_view_points_to_the_root():
    x = _x(2, 3)
    v = x.reshape(6).unsqueeze(0).narrow(1, 1, 3).T
    assert v._base is x
    y = x.t()
    assert y.split(1)[0]._base is x and y.unbind(0)[1]._base is x


def test_base_of_a_view_of_a_detached_tensor():
    x = _x(2, 3, requires_grad=True)
    d = x.detach()
    assert d.reshape(-1)._base is x


def test_reshape_copies_when_it_must_and_is_not_a_view():
    x = _x(2, 3)
    y = x.t().reshape(-1)
    assert y._base is None and not np.shares_memory(y.array, x.array)
    np.testing.assert_array_equal(y.array, x.array.T.ravel())
    y.add_(100)
    assert x.array.max() == 5


def test_view_raises_when_a_copy_is_needed():
    x = _x(2, 3, 4)
    with pytest.raises(RuntimeError, match=r"view: .*shape \(3, 2, 4\).*strides.*reshape"):
        x.transpose(0, 1).view(-1)
    assert x.transpose(0, 1).reshape(-1).shape == (24,)
    assert x.transpose(1, 2).view(2, 1, 4, 3)._base is x  # compatible layouts are fine
    assert ag.zeros(0, 3).t().view(-1).shape == (0,)


def test_view_dtype_reinterprets_memory():
    x = ag.zeros(2, 3)
    y = x.view(ag.int32)
    assert y.dtype == ag.int32 and y.shape == (2, 3) and y._base is x
    with ag.no_grad():
        x.fill_(1.0)
    assert int(y.array[0, 0]) == np.float32(1.0).view(np.int32)


def test_copying_ops_do_not_share_memory():
    x = _x(3, 4, requires_grad=True)
    for y in [x.flip(0), x.roll(1, 0), x.repeat(1, 1), x.tile(2), ag.cat([x, x]), ag.stack([x]), ag.pad(x, (0, 0)),
              ag.pad(x, (1, 1), mode="reflect"), x.tril(), x.triu(), x.diag(), ag.cat([x])]:
        assert not np.shares_memory(y.array, x.array)
        assert y._base is None


def test_diagonal_is_writable_and_writes_through():
    x = ag.zeros(3, 4)
    x.diagonal().fill_(1.0)
    x.diagonal(1).add_(2.0)
    want = np.eye(3, 4) + 2 * np.eye(3, 4, 1)
    np.testing.assert_array_equal(x.array, want)
    assert x._version == 2


def test_expanded_view_is_read_only():
    e = ag.zeros(3, 1).expand(3, 4)
    with pytest.raises(RuntimeError):
        e.add_(1)


def test_transpose_properties():
    x = _x(2, 3, 4)
    assert x.T.shape == (4, 3, 2) and x.mT.shape == (2, 4, 3)
    assert isinstance(type(x).T, property) and isinstance(type(x).mT, property)
    assert _x(3).T.shape == (3,) and ag.tensor(2.0).T.shape == ()
    np.testing.assert_array_equal(_x(2, 3).T.array, np.arange(6.0).reshape(2, 3).T)


def test_iteration_unbinds_rows():
    x = _x(3, 2)
    rows = list(x)
    assert len(rows) == 3 and all(r._base is x for r in rows)
    np.testing.assert_array_equal(rows[2].array, [4.0, 5.0])


# ---------------------------------------------------------------------------- version counter
def test_inplace_on_base_breaks_a_node_that_saved_a_view():
    w = _x(3, 2, requires_grad=True)
    b = _x(2, 3)
    y = w * b.t()  # Mul saves the view b.t()
    b.add_(1)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.backward(ag.ones(3, 2))


@pytest.mark.parametrize("make_view", [lambda b: b.t(), lambda b: b.view(-1), lambda b: b.split(1)[0],
                                       lambda b: b.unbind(1)[2], lambda b: b.diagonal(), lambda b: b.narrow(1, 0, 2),
                                       lambda b: b.chunk(2, 1)[1], lambda b: b.unsqueeze(0).squeeze(0),
                                       lambda b: b.expand(1, 2, 3).squeeze(0).T.permute(1, 0)])
def test_inplace_through_a_view_breaks_a_node_that_saved_the_base(make_view):
    w = _x(2, 3, requires_grad=True)
    b = _x(2, 3)
    y = w * b  # Mul saves b
    v = make_view(b)
    v.mul_(2)
    assert b._version == 1 and v._base is b
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.backward(ag.ones(2, 3))


def test_untouched_views_leave_backward_working():
    w = _x(2, 3, requires_grad=True)
    b = _x(2, 3)
    y = (w * b.t().t()).reshape(-1)
    y.backward(ag.ones(6))
    np.testing.assert_array_equal(w.grad.array, b.array)


# ---------------------------------------------------------------------------- multi-output nodes
@pytest.mark.parametrize("split,name", [(lambda x: x.split(2, 1), "Split"), (lambda x: x.split([1, 1, 2], 1), "Split"),
                                        (lambda x: x.chunk(2, 1), "Split"), (lambda x: x.unbind(1), "Unbind")])
def test_split_family_is_one_node(split, name):
    x = _x(3, 4, requires_grad=True)
    outs = split(x)
    assert len({id(o.grad_fn) for o in outs}) == 1
    assert outs[0].grad_fn.name() == f"{name}Backward0"
    assert [o._output_nr for o in outs] == list(range(len(outs)))


@pytest.mark.parametrize("split", [lambda x: x.split(2, 1), lambda x: x.chunk(2, 1), lambda x: x.unbind(1)])
def test_only_some_outputs_used(split):
    x = _x(3, 4, requires_grad=True)
    outs = split(x)
    g = np.arange(1.0, 1.0 + outs[1].numel()).reshape(outs[1].shape)
    outs[1].backward(ag.tensor(g))
    want = np.zeros((3, 4))
    if len(outs) == 4:  # unbind
        want[:, 1] = g
    else:
        want[:, 2:] = g
    np.testing.assert_array_equal(x.grad.array, want)


def test_outputs_used_several_times_accumulate():
    x = _x(4, requires_grad=True)
    a, b = x.split(2)
    (a * 3 + b * a).backward(ag.ones(2))
    np.testing.assert_array_equal(x.grad.array, [3 + 2, 3 + 3, 0, 1])


def test_second_order_through_split_with_unused_output():
    x = ag.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    a, _ = x.split(2)
    (g,) = ag.grad(a * a * a, x, grad_outputs=ag.ones(2), create_graph=True)
    np.testing.assert_array_equal(g.array, [3.0, 12.0, 0.0, 0.0])
    g.backward(ag.ones(4))
    np.testing.assert_array_equal(x.grad.array, [6.0, 12.0, 0.0, 0.0])


def test_cat_and_stack_send_gradients_back_in_pieces():
    a, b = _x(2, 3, requires_grad=True), _x(1, 3)
    y = ag.cat([a, b])
    assert y.grad_fn.name() == "CatBackward0"
    y.backward(ag.tensor(np.arange(9.0).reshape(3, 3)))
    np.testing.assert_array_equal(a.grad.array, np.arange(6.0).reshape(2, 3))
    assert b.grad is None
    s = ag.stack([a, a], 1)
    a.grad = None
    s.backward(ag.ones(2, 2, 3))
    np.testing.assert_array_equal(a.grad.array, np.full((2, 3), 2.0))


def test_cat_promotes_dtypes():
    i = ag.tensor([1, 2], dtype=ag.int32)
    assert ag.cat([i, ag.tensor([3], dtype=ag.int64)]).dtype == ag.int64
    assert ag.cat([i, ag.tensor([0.5], dtype=ag.float16)]).dtype == ag.float16
    f = ag.tensor([0.5], dtype=ag.float32, requires_grad=True)
    y = ag.stack([ag.tensor([1.0], dtype=ag.float64), f])
    assert y.dtype == ag.float64 and y.requires_grad
    y.backward(ag.ones(2, 1, dtype=ag.float64))
    assert f.grad.dtype == ag.float32


def test_integer_tensors_never_require_grad():
    x = ag.tensor([[1, 2], [3, 4]])
    for y in [x.t(), x.reshape(-1), x.flip(0), ag.pad(x, (1, 1), mode="replicate"), ag.cat([x, x]), *x.split(1)]:
        assert not y.requires_grad and y.dtype == x.dtype


# ---------------------------------------------------------------------------- errors
ERRORS = [
    (lambda x: x.reshape(5, -1), RuntimeError, r"reshape: shape \(5, -1\) is invalid for a tensor of shape "
                                                r"\(2, 3, 4\)"),
    (lambda x: x.reshape(-1, -1), RuntimeError, r"reshape: .*\(2, 3, 4\)"),
    (lambda x: x.reshape(-2, 12), RuntimeError, r"reshape: shape \(-2, 12\)"),
    (lambda x: x.reshape(2.5, 3), TypeError, r"reshape: argument 'shape' must be a tuple of ints, but found element "
                                             r"of type float at pos 0"),
    (lambda x: x.view(7), RuntimeError, r"view: shape \(7,\) is invalid for a tensor of shape \(2, 3, 4\)"),
    (lambda x: x.squeeze(3), IndexError, r"squeeze: dim 3 .* 3 dimensions"),
    (lambda x: x.squeeze((0, -3)), RuntimeError, r"squeeze: dim -3 appears multiple times"),
    (lambda x: x.unsqueeze(4), IndexError, r"unsqueeze: dim 4 .* 3 dimensions"),
    (lambda x: x.unsqueeze(-5), IndexError, r"unsqueeze: dim -5 .* 3 dimensions"),
    (lambda x: x.flatten(2, 1), RuntimeError, r"flatten: start_dim \(2\) must not come after end_dim \(1\)"),
    (lambda x: x.flatten(0, 3), IndexError, r"flatten: dim 3 .* 3 dimensions"),
    (lambda x: x.unflatten(1, (2, 2)), RuntimeError, r"unflatten: sizes \(2, 2\) .* size 3 of dim 1"),
    (lambda x: x.unflatten(1, (-1, -1)), RuntimeError, r"unflatten"),
    (lambda x: x.permute(0, 1), RuntimeError, r"permute: got 2 dims .* 3 dimensions"),
    (lambda x: x.permute(0, 1, 1), RuntimeError, r"permute: .*repeat"),
    (lambda x: x.permute(0, 1, 3), IndexError, r"permute: dim 3 .* 3 dimensions"),
    (lambda x: x.transpose(0, 3), IndexError, r"transpose: dim 3 .* 3 dimensions"),
    (lambda x: x.transpose(-4, 0), IndexError, r"transpose: dim -4"),
    (lambda x: x.movedim(0, 3), IndexError, r"movedim: dim 3"),
    (lambda x: x.movedim((0, 1), 2), RuntimeError, r"movedim: .*same number"),
    (lambda x: x.movedim((0, 0), (1, 2)), RuntimeError, r"movedim: dim 0 appears multiple times"),
    (lambda x: x.t(), RuntimeError, r"t: expects a tensor with <= 2 dimensions.*\(2, 3, 4\)"),
    (lambda x: ag.zeros(3).mT, RuntimeError, r"mT: .*1-D"),
    (lambda x: x.expand(3, 3, 4), RuntimeError, r"expand: cannot expand a tensor of shape \(2, 3, 4\) to \(3, 3, 4\)"),
    (lambda x: x.expand(3, 4), RuntimeError, r"expand: .*\(3, 4\).*\(2, 3, 4\)"),
    (lambda x: x.expand(-1, 2, 3, 4), RuntimeError, r"expand: size -1 .* leading"),
    (lambda x: ag.broadcast_tensors(x, ag.zeros(5)), RuntimeError,
     r"broadcast_tensors: shapes \[\(2, 3, 4\), \(5,\)\]"),
    (lambda x: x.repeat(2, 2), RuntimeError, r"repeat: got 2 repeat counts .* 3 dimensions"),
    (lambda x: x.repeat(1, -1, 1), RuntimeError, r"repeat: .*non-negative"),
    (lambda x: x.flip(0, 0), RuntimeError, r"flip: dim 0 appears multiple times"),
    (lambda x: x.flip(3), IndexError, r"flip: dim 3"),
    (lambda x: x.roll((1, 2), 0), RuntimeError, r"roll: shifts \(1, 2\) and dims \(0,\)"),
    (lambda x: x.roll(1, 5), IndexError, r"roll: dim 5"),
    (lambda x: x.split(0), RuntimeError, r"split: split_size must be positive"),
    (lambda x: x.split([1, 2]), RuntimeError, r"split: sections \(1, 2\) .* size 2 of dim 0"),
    (lambda x: x.split(1, 3), IndexError, r"split: dim 3"),
    (lambda x: x.chunk(0), RuntimeError, r"chunk: chunks must be a positive int"),
    (lambda x: x.unbind(3), IndexError, r"unbind: dim 3 .* 3 dimensions"),
    (lambda x: ag.cat([]), ValueError, r"cat: expected a non-empty list"),
    (lambda x: ag.cat(x), TypeError, r"cat: expected a list or tuple of tensors"),
    (lambda x: ag.cat([x, 3]), TypeError, r"cat: .*element 1 is a int"),
    (lambda x: ag.cat([x, x, ag.zeros(2, 3)]), RuntimeError,
     r"cat: tensors must have the same number of dimensions: tensor 0 has shape \(2, 3, 4\) and tensor 2 has shape "
     r"\(2, 3\)"),
    (lambda x: ag.cat([x, ag.zeros(2, 5, 4)], 2), RuntimeError,
     r"cat: sizes of tensors must match except in dim 2: tensor 0 has shape \(2, 3, 4\) and tensor 1 has shape "
     r"\(2, 5, 4\)"),
    (lambda x: ag.cat([x, x], 3), IndexError, r"cat: dim 3"),
    (lambda x: ag.cat([ag.tensor(1.0), ag.tensor(2.0)]), RuntimeError, r"cat: zero-dimensional"),
    (lambda x: ag.stack([x, ag.zeros(2, 3, 5)]), RuntimeError,
     r"stack: .*tensor 0 has shape \(2, 3, 4\) and tensor 1 has shape \(2, 3, 5\)"),
    (lambda x: ag.stack([x, x], 4), IndexError, r"stack: dim 4"),
    (lambda x: ag.stack([]), RuntimeError, r"stack: expected a non-empty list"),
    (lambda x: ag.pad(x, (1, 2, 3)), RuntimeError, r"pad: the padding length must be even"),
    (lambda x: ag.pad(x, (1,) * 8), RuntimeError, r"pad: padding .* shape \(2, 3, 4\) \(3 dims\)"),
    (lambda x: ag.pad(x, (4, 0), mode="reflect"), RuntimeError, r"pad: padding \(4, 0\) of dim 2 \(size 4\).*reflect"),
    (lambda x: ag.pad(x, (0, 0, 1, 3), mode="reflect"), RuntimeError, r"pad: padding \(1, 3\) of dim 1 \(size 3\)"),
    (lambda x: ag.pad(x, (5, 0), mode="circular"), RuntimeError, r"pad: padding \(5, 0\) .*circular"),
    (lambda x: ag.pad(x, (-2, 3), mode="circular"), RuntimeError, r"pad: padding \(-2, 3\) .*circular"),
    (lambda x: ag.pad(ag.zeros(2, 0), (1, 0), mode="replicate"), RuntimeError, r"pad: .*replicate.*non-empty"),
    (lambda x: ag.pad(x, (1, 0), mode="reflect", value=1), RuntimeError, r"pad: mode 'reflect' does not take a value"),
    (lambda x: ag.pad(x, (1, 0), mode="wrap"), ValueError, r"pad: mode must be one of"),
    (lambda x: ag.pad(x, (-3, -2)), RuntimeError, r"pad: dim 2 of size 4 padded by \(-3, -2\) gives a negative size"),
    (lambda x: x.narrow(2, 5, 1), IndexError, r"narrow: start 5 is out of range for dim 2 of size 4"),
    (lambda x: x.narrow(2, 2, 3), RuntimeError, r"narrow: start \(2\) \+ length \(3\) exceeds the size 4"),
    (lambda x: x.narrow(2, 0, -1), RuntimeError, r"narrow: .*length"),
    (lambda x: x.narrow(3, 0, 1), IndexError, r"narrow: dim 3"),
    (lambda x: ag.zeros(3).tril(), RuntimeError, r"tril: input must have at least 2 dimensions"),
    (lambda x: ag.zeros(3).triu(), RuntimeError, r"triu: input must have at least 2 dimensions"),
    (lambda x: x.diagonal(0, 1, -2), RuntimeError, r"diagonal: dim1 and dim2 must differ"),
    (lambda x: x.diagonal(0, 0, 3), IndexError, r"diagonal: dim 3"),
    (lambda x: ag.zeros(3).diagonal(), RuntimeError, r"diagonal: input must have at least 2 dimensions"),
    (lambda x: x.diag(), RuntimeError, r"diag: expected a 1-D or 2-D tensor"),
    (lambda x: ag.tensor(1.0).diag_embed(), RuntimeError, r"diag_embed: .*0-d"),
    (lambda x: ag.zeros(3).diag_embed(0, 0, 0), RuntimeError, r"diag_embed: dim1 and dim2 must differ"),
    (lambda x: ag.tensor(1.0).unbind(), RuntimeError, r"unbind: .*0-d"),
    (lambda x: ag.tensor(1.0).split(1), RuntimeError, r"split: .*0-d"),
    (lambda x: ag.tensor(1.0).fliplr(), RuntimeError, r"fliplr"),
    (lambda x: ag.tensor(1.0).flipud(), RuntimeError, r"flipud"),
]


@pytest.mark.parametrize("fn,exc,match", ERRORS, ids=[f"error{i}" for i in range(len(ERRORS))])
def test_errors(fn, exc, match):
    x = _x(2, 3, 4, requires_grad=True)
    with pytest.raises(exc, match=match):
        fn(x)


@pytest.mark.parametrize("op", [ag.cat, ag.stack, ag.hstack, ag.vstack])
def test_device_mismatch_names_both_devices(stand_in, op):
    a, b = ag.zeros(2, 3), ag.zeros(2, 3, device="cuda")
    with pytest.raises(RuntimeError, match=r"same device.*tensor 0 is on cpu and tensor 1 is on cuda"):
        op([a, b])


def test_views_on_the_gpu_backend(stand_in):
    x = ag.zeros(2, 3, device="cuda", requires_grad=True)
    for y in [x.view(-1), x.t().reshape(3, 2), *x.split(1), x.diagonal(), x.expand(4, 2, 3), x.narrow(1, 1, 1)]:
        assert y.device == "cuda" and y._base is x
    assert x.t().reshape(-1)._base is None  # a copy
    with pytest.raises(RuntimeError, match="view:.*reshape"):
        x.t().view(-1)


def test_errors_change_nothing():
    x = _x(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError):
        x.view(4)
    with pytest.raises(RuntimeError):
        ag.cat([x, ag.zeros(3, 3)], 1)
    assert x.grad_fn is None and x._version == 0 and x.grad is None


# ---------------------------------------------------------------------------- API surface
def test_methods_and_functions():
    x = _x(2, 3)
    for name in ["reshape", "view", "flatten", "unflatten", "squeeze", "unsqueeze", "permute", "transpose", "t",
                 "expand", "expand_as", "repeat", "tile", "flip", "roll", "split", "chunk", "unbind", "narrow",
                 "tril", "triu", "diagonal", "diag", "diag_embed", "movedim", "swapaxes", "swapdims", "view_as",
                 "reshape_as", "fliplr", "flipud", "broadcast_to", "ravel", "moveaxis"]:
        assert callable(getattr(x, name)), name
        assert callable(getattr(ag, name)), name
    for name in ["cat", "concat", "concatenate", "stack", "hstack", "vstack", "dstack", "pad", "broadcast_tensors"]:
        assert callable(getattr(ag, name)), name
    assert ag.permute(x, (1, 0)).shape == ag.permute(x, 1, 0).shape == (3, 2)
    assert ag.flip(x, (0,)).shape == x.flip(0).shape
    assert x.reshape((3, 2)).shape == x.reshape([3, 2]).shape == x.reshape(3, 2).shape


# ---------------------------------------------------------------------------- against PyTorch, when installed
TORCH_CASES = [
    ((2, 3, 4), lambda x, m: x.reshape(4, -1)),
    ((2, 3, 4), lambda x, m: x.flatten(1)),
    ((1, 3, 1), lambda x, m: x.squeeze((0, 2))),
    ((2, 3, 4), lambda x, m: x.movedim((0, 2), (2, 0))),
    ((2, 1, 4), lambda x, m: x.expand(3, -1, 5, -1)),
    ((2, 3), lambda x, m: x.repeat(2, 1, 3)),
    ((2, 3, 4), lambda x, m: x.roll((1, -5), (0, 2))),
    ((2, 3, 4), lambda x, m: x.roll(7)),
    ((7, 3), lambda x, m: x.chunk(3)),
    ((2, 3), lambda x, m: x.chunk(5, 1)),
    ((0, 3), lambda x, m: x.chunk(3)),
    ((2, 3, 4), lambda x, m: x.narrow(-1, -3, 2)),
    ((2, 3, 4), lambda x, m: x.diagonal(-1, 2, 0)),
    ((3,), lambda x, m: x.diag(-2)),
    ((2, 3), lambda x, m: x.diag_embed(-1, 2, 1)),
    ((1, 2, 5), lambda x, m: m.pad(x, (-1, 3), mode="reflect")),
    ((2, 2, 3, 3), lambda x, m: m.pad(x, (2, 1, 3, 0), mode="replicate")),
    ((2, 2, 3, 3), lambda x, m: m.pad(x, (3, 1, -1, 2), mode="circular")),
    ((1, 1, 5), lambda x, m: m.pad(x, (3, -2), mode="circular")),
    ((2, 3, 3), lambda x, m: m.pad(x, (1, -1, 2, 0, -1, 1), value=2.0)),
    ((2, 3), lambda x, m: m.hstack([x, x])),
    ((3,), lambda x, m: m.dstack([x, x])),
]


@pytest.mark.parametrize("i", range(len(TORCH_CASES)))
def test_matches_pytorch(i):
    torch = pytest.importorskip("torch")
    import torch.nn.functional as F

    shape, fn = TORCH_CASES[i]
    rng = np.random.default_rng(i)
    arr = rng.standard_normal(shape)
    a, b = ag.tensor(arr, requires_grad=True), torch.tensor(arr, requires_grad=True)
    torch_ns = types.SimpleNamespace(pad=F.pad, hstack=torch.hstack, dstack=torch.dstack)
    ya, yb = fn(a, ag), fn(b, torch_ns)
    ya, yb = (ya if isinstance(ya, tuple) else (ya,)), (yb if isinstance(yb, tuple) else (yb,))
    assert [tuple(p.shape) for p in ya] == [tuple(q.shape) for q in yb]
    for p, q in zip(ya, yb):
        np.testing.assert_allclose(p.array, q.detach().numpy())
    gs = [rng.standard_normal(tuple(q.shape)) for q in yb]
    ag.backward(list(ya), [ag.tensor(g) for g in gs])
    torch.autograd.backward(list(yb), [torch.tensor(g) for g in gs])
    np.testing.assert_allclose(a.grad.array, b.grad.numpy())


# ---------------------------------------------------------------------------- int arguments: floats are refused
_NOT_INT = r"must be int, not float"
_NOT_INTS = r"must be a tuple of ints, but found element of type float at pos"
FLOAT_ARGS = [
    (lambda x: x.permute(0.5, 1, 2), rf"permute: argument 'dims' {_NOT_INTS} 0"),
    (lambda x: x.permute((0, 1, 2.0)), rf"permute: argument 'dims' {_NOT_INTS} 2"),
    (lambda x: x.unsqueeze(0.5), rf"unsqueeze: argument 'dim' {_NOT_INT}"),
    (lambda x: x.unsqueeze(True), r"unsqueeze: argument 'dim' must be int, not bool"),
    (lambda x: x.split(1.5), rf"split: argument 'split_size_or_sections' {_NOT_INT}"),
    (lambda x: x.split([1.0, 1]), rf"split: argument 'split_size_or_sections' {_NOT_INTS} 0"),
    (lambda x: x.split(1, 0.0), rf"split: argument 'dim' {_NOT_INT}"),
    (lambda x: x.chunk(2.0), rf"chunk: argument 'chunks' {_NOT_INT}"),
    (lambda x: x.chunk(2, 1.0), rf"chunk: argument 'dim' {_NOT_INT}"),
    (lambda x: x.unbind(1.0), rf"unbind: argument 'dim' {_NOT_INT}"),
    (lambda x: x.reshape(4, 6.0), rf"reshape: argument 'shape' {_NOT_INTS} 1"),
    (lambda x: x.view((24.0,)), rf"view: argument 'size' {_NOT_INTS} 0"),
    (lambda x: x.flatten(0.0), rf"flatten: argument 'dim' {_NOT_INT}"),
    (lambda x: x.flatten(0, 1.0), rf"flatten: argument 'dim' {_NOT_INT}"),
    (lambda x: x.unflatten(1.0, (3, 1)), rf"unflatten: argument 'dim' {_NOT_INT}"),
    (lambda x: x.unflatten(1, (3, 1.0)), rf"unflatten: argument 'sizes' {_NOT_INTS} 1"),
    (lambda x: x.squeeze(0.0), rf"squeeze: argument 'dim' {_NOT_INTS} 0"),
    (lambda x: x.transpose(0, 1.0), rf"transpose: argument 'dim1' {_NOT_INT}"),
    (lambda x: x.transpose(0.0, 1), rf"transpose: argument 'dim0' {_NOT_INT}"),
    (lambda x: x.swapaxes(0, 1.0), rf"transpose: argument 'dim1' {_NOT_INT}"),
    (lambda x: x.movedim(0.0, 1), rf"movedim: argument 'dim' {_NOT_INTS} 0"),
    (lambda x: x.expand(2, 3, 4.0), rf"expand: argument 'size' {_NOT_INTS} 2"),
    (lambda x: ag.broadcast_to(x, (2.0, 3, 4)), rf"expand: argument 'size' {_NOT_INTS} 0"),
    (lambda x: x.repeat(1, 2.0, 1), rf"repeat: argument 'repeats' {_NOT_INTS} 1"),
    (lambda x: x.tile(2.0), rf"tile: argument 'dims' {_NOT_INTS} 0"),
    (lambda x: x.flip(0.0), rf"flip: argument 'dims' {_NOT_INTS} 0"),
    (lambda x: x.roll(1.5, 0), rf"roll: argument 'shifts' {_NOT_INTS} 0"),
    (lambda x: x.roll(1.5), rf"roll: argument 'shifts' {_NOT_INT}"),
    (lambda x: x.roll(1, 0.0), rf"roll: argument 'dims' {_NOT_INTS} 0"),
    (lambda x: ag.cat([x, x], 1.0), rf"cat: argument 'dim' {_NOT_INT}"),
    (lambda x: ag.stack([x, x], 1.0), rf"stack: argument 'dim' {_NOT_INT}"),
    (lambda x: ag.pad(x, (1.5, 1)), rf"pad: argument 'pad' {_NOT_INTS} 0"),
    (lambda x: x.narrow(0, 0.0, 1), rf"narrow: argument 'start' {_NOT_INT}"),
    (lambda x: x.narrow(0, 0, 1.0), rf"narrow: argument 'length' {_NOT_INT}"),
    (lambda x: x.narrow(0.0, 0, 1), rf"narrow: argument 'dim' {_NOT_INT}"),
    (lambda x: x.tril(1.5), rf"tril: argument 'diagonal' {_NOT_INT}"),
    (lambda x: x.triu(1.5), rf"triu: argument 'diagonal' {_NOT_INT}"),
    (lambda x: x.diagonal(0.5), rf"diagonal: argument 'offset' {_NOT_INT}"),
    (lambda x: x.diagonal(0, 0.0, 1), rf"diagonal: argument 'dim1' {_NOT_INT}"),
    (lambda x: x[0].diag(1.0), rf"diag: argument 'diagonal' {_NOT_INT}"),
    (lambda x: x[0, 0].diag_embed(1.0), rf"diag_embed: argument 'offset' {_NOT_INT}"),
    (lambda x: x[0, 0].diag_embed(0, 0.0, 1), rf"diag_embed: argument 'dim' {_NOT_INT}"),
    (lambda x: x.stride(0.0), rf"stride: argument 'dim' {_NOT_INT}"),
]


@pytest.mark.parametrize("fn, match", FLOAT_ARGS, ids=[f"float{i}" for i in range(len(FLOAT_ARGS))])
def test_float_dims_and_sizes_raise_type_errors_naming_the_op(fn, match):
    x = _x(2, 3, 4, requires_grad=True)
    with pytest.raises(TypeError, match=match):
        fn(x)


def test_integer_like_arguments_are_accepted():
    x = _x(2, 3, 4)
    assert x.unsqueeze(np.int64(0)).shape == (1, 2, 3, 4) and x.unsqueeze(ag.tensor(1)).shape == (2, 1, 3, 4)
    assert x.permute(np.int32(2), 0, 1).shape == (4, 2, 3) and x.reshape(np.int64(6), -1).shape == (6, 4)
    assert len(x.split(np.int64(1))) == 2 and x.transpose(np.int8(0), 1).shape == (3, 2, 4)
    assert x.narrow(2, ag.tensor(1), 2).shape == (2, 3, 2)


def test_float_arguments_match_pytorch_in_refusing():
    torch = pytest.importorskip("torch")
    t, x = torch.zeros(2, 3, 4), _x(2, 3, 4)
    for call in (lambda a: a.unsqueeze(0.5), lambda a: a.split(1.5), lambda a: a.transpose(0, 1.0),
                 lambda a: a.chunk(2.0), lambda a: a.tril(1.5), lambda a: a.roll(1.5, 0), lambda a: a.reshape(4, 6.0)):
        for a in (t, x):
            with pytest.raises(TypeError):
                call(a)


# ---------------------------------------------------------------------------- memory layout
@pytest.mark.parametrize("make", [
    lambda a: a, lambda a: a.transpose(0, 2), lambda a: a[:, ::2], lambda a: a.expand(5, 2, 3, 4),
    lambda a: a[:, :1], lambda a: a[0], lambda a: a.permute(1, 0, 2), lambda a: a.unsqueeze(1), lambda a: a[:0],
    lambda a: a.reshape(6, 4)[::3], lambda a: a[..., 1], lambda a: a.narrow(1, 1, 1),
], ids=[f"layout{i}" for i in range(12)])
def test_stride_and_is_contiguous_match_pytorch(make):
    torch = pytest.importorskip("torch")
    x, t = _x(2, 3, 4), torch.arange(24.0).reshape(2, 3, 4)
    a, b = make(x), make(t)
    assert a.stride() == b.stride() or 0 in a.shape  # empty tensors: PyTorch and numpy may differ in strides
    assert a.is_contiguous() == b.is_contiguous()
    for d in range(-a.ndim, a.ndim):
        assert a.stride(d) == a.stride()[d]


def test_stride_and_is_contiguous():
    x = _x(2, 3, 4)
    assert x.stride() == (12, 4, 1) and x.stride(0) == 12 and x.stride(-1) == 1
    assert x.is_contiguous() and not x.transpose(0, 1).is_contiguous()
    assert x.transpose(0, 1).contiguous().is_contiguous()
    assert x.mT.stride() == (12, 1, 4) and x.expand(2, 2, 3, 4).stride() == (0, 12, 4, 1)
    assert ag.tensor(1.0).stride() == () and ag.tensor(1.0).is_contiguous()
    assert ag.ones(4, dtype=ag.int8).stride() == (1,)  # in elements, not bytes
    with pytest.raises(IndexError, match="stride: dim 3 is out of range"):
        x.stride(3)
    with pytest.raises(IndexError, match="stride: dim 0 was given but the tensor is 0-d"):
        ag.tensor(1.0).stride(0)


def test_stride_on_the_device(device):
    x = ag.zeros(2, 3, device=device)
    assert x.stride() == (3, 1) and x.t().stride() == (1, 3) and not x.t().is_contiguous() and x.is_contiguous()
