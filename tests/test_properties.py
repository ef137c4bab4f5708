"""Hypothesis properties: broadcasting in forward and its undoing in backward, for any pair of shapes."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd as ag

shapes = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=3)


@settings(max_examples=60, deadline=None)
@given(shapes, st.sampled_from(["add", "sub", "mul", "div", "maximum"]))
def test_binary_op_broadcasts_and_grads_have_input_shapes(bshapes, op):
    sa, sb = bshapes.input_shapes
    rng = np.random.default_rng(0)
    a_np = rng.uniform(0.5, 2.0, sa)
    b_np = rng.uniform(0.5, 2.0, sb)
    a = ag.tensor(a_np, requires_grad=True)
    b = ag.tensor(b_np, requires_grad=True)
    fn = {"add": lambda x, y: x + y, "sub": lambda x, y: x - y, "mul": lambda x, y: x * y,
          "div": lambda x, y: x / y, "maximum": ag.maximum}[op]
    ref = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide, "maximum": np.maximum}[op]
    out = fn(a, b)
    assert out.shape == bshapes.result_shape
    np.testing.assert_allclose(out.array, ref(a_np, b_np))
    out.sum().backward()
    assert a.grad.shape == sa and b.grad.shape == sb
    if op == "add":  # each input element's gradient counts how often it was broadcast
        np.testing.assert_allclose(a.grad.array.sum(), np.prod(bshapes.result_shape))
        np.testing.assert_allclose(b.grad.array.sum(), np.prod(bshapes.result_shape))


@settings(max_examples=40, deadline=None)
@given(hnp.array_shapes(min_dims=0, max_dims=4, max_side=4), st.integers(0, 2**31 - 1))
def test_permute_then_inverse_restores_values_and_gradient(shape, seed):
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(shape))
    x = ag.tensor(rng.standard_normal(shape), requires_grad=True)
    y = x.permute(*perm) if len(shape) else x
    back = y.permute(*np.argsort(perm)) if len(shape) else y
    np.testing.assert_array_equal(back.array, x.array)
    (back * 2.0).sum().backward()
    np.testing.assert_array_equal(x.grad.array, np.full(shape, 2.0))


@settings(max_examples=40, deadline=None)
@given(hnp.array_shapes(min_dims=1, max_dims=4, max_side=4))
def test_sum_over_any_dims_matches_numpy(shape):
    rng = np.random.default_rng(1)
    x_np = rng.standard_normal(shape)
    dims = tuple(int(d) for d in rng.choice(len(shape), size=rng.integers(1, len(shape) + 1), replace=False))
    x = ag.tensor(x_np, requires_grad=True)
    out = x.sum(dim=dims, keepdim=True)
    np.testing.assert_allclose(out.array, x_np.sum(axis=dims, keepdims=True))
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.array, np.ones(shape))
