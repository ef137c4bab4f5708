"""The engine: graph shapes, accumulation, hooks, retain/create graph, freeing, deep chains, grad modes."""
import numpy as np
import pytest

import autograd as ag


def leaf(values, dtype="float64"):
    return ag.tensor(np.asarray(values, dtype=dtype), requires_grad=True)


def test_diamond_graph_sums_both_paths():
    x = leaf([0.3, -1.2, 2.0])
    y = x * 2
    z = y.exp() * y.sin()
    z.backward(ag.ones(3, dtype=ag.float64))
    xv = x.array
    want = 2 * np.exp(2 * xv) * np.sin(2 * xv) + 2 * np.exp(2 * xv) * np.cos(2 * xv)
    np.testing.assert_allclose(x.grad.array, want)


def test_tensor_reused_many_times():
    x = leaf([1.5, -2.0])
    y = x * x * x + x
    y.backward(ag.ones(2, dtype=ag.float64))
    np.testing.assert_allclose(x.grad.array, 3 * x.array ** 2 + 1)


def test_gradients_accumulate_across_backward_calls():
    x = leaf([1.0, 2.0])
    for _ in range(3):
        (x * 2).backward(ag.ones(2, dtype=ag.float64))
    np.testing.assert_allclose(x.grad.array, [6.0, 6.0])


def test_leaf_grads_do_not_alias_each_other():
    x, y = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (x + y).backward(ag.ones(2, dtype=ag.float64))
    assert not np.shares_memory(x.grad.array, y.grad.array)
    x.grad.array[:] = 0
    np.testing.assert_allclose(y.grad.array, [1.0, 1.0])


def test_grad_keeps_the_leaf_dtype():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (x * 3.0).backward(ag.ones(2))
    assert x.grad.dtype == ag.float32


def test_backward_twice_without_retain_graph_raises():
    x = leaf([1.0, 2.0])
    y = (x * x).exp()
    g = ag.ones(2, dtype=ag.float64)
    y.backward(g)
    with pytest.raises(RuntimeError, match="second time.*retain_graph=True"):
        y.backward(g)


def test_retain_graph_allows_a_second_backward():
    x = leaf([1.0, 2.0])
    y = (x * x).exp()
    g = ag.ones(2, dtype=ag.float64)
    y.backward(g, retain_graph=True)
    y.backward(g)
    np.testing.assert_allclose(x.grad.array, 2 * 2 * x.array * np.exp(x.array ** 2))


def test_saved_values_are_freed_after_backward():
    x = leaf([1.0, 2.0])
    y = x.exp()
    node = y.grad_fn
    assert node._meta
    y.backward(ag.ones(2, dtype=ag.float64))
    assert node._meta == "freed"


def test_nodes_without_saved_values_can_run_again():
    x = leaf([1.0, 2.0])
    y = x + 1.0
    g = ag.ones(2, dtype=ag.float64)
    y.backward(g)
    y.backward(g)
    np.testing.assert_allclose(x.grad.array, [2.0, 2.0])


def test_create_graph_gives_higher_order_gradients():
    x = leaf([0.5, -1.5])
    y = x * x * x
    (g1,) = ag.grad(y, x, grad_outputs=ag.ones(2, dtype=ag.float64), create_graph=True)
    np.testing.assert_allclose(g1.array, 3 * x.array ** 2)
    assert g1.requires_grad
    (g2,) = ag.grad(g1, x, grad_outputs=ag.ones(2, dtype=ag.float64), create_graph=True)
    np.testing.assert_allclose(g2.array, 6 * x.array)
    (g3,) = ag.grad(g2, x, grad_outputs=ag.ones(2, dtype=ag.float64))
    np.testing.assert_allclose(g3.array, [6.0, 6.0])


def test_create_graph_through_saved_outputs():
    x = leaf([0.2, 0.7])
    y = x.tanh()
    (g1,) = ag.grad(y, x, ag.ones(2, dtype=ag.float64), create_graph=True)
    (g2,) = ag.grad(g1, x, ag.ones(2, dtype=ag.float64))
    t = np.tanh(x.array)
    np.testing.assert_allclose(g2.array, -2 * t * (1 - t ** 2))


def test_backward_with_create_graph_leaves_a_differentiable_grad():
    x = leaf([1.0, 2.0])
    (x.exp()).backward(ag.ones(2, dtype=ag.float64), create_graph=True)
    assert x.grad.grad_fn is not None
    (gg,) = ag.grad(x.grad, x, ag.ones(2, dtype=ag.float64))
    np.testing.assert_allclose(gg.array, np.exp(x.array))


def test_grad_does_not_touch_dot_grad_and_reports_unused():
    x, unused = leaf([1.0]), leaf([2.0])
    y = x * 3.0
    with pytest.raises(RuntimeError, match="input 1 .* not used.*allow_unused=True"):
        ag.grad(y, [x, unused], ag.ones(1, dtype=ag.float64), retain_graph=True)
    gx, gu = ag.grad(y, [x, unused], ag.ones(1, dtype=ag.float64), allow_unused=True)
    assert gu is None and x.grad is None
    np.testing.assert_allclose(gx.array, [3.0])


def test_grad_with_respect_to_a_non_leaf():
    x = leaf([1.0, 2.0])
    h = x * 2.0
    y = h.exp()
    (gh,) = ag.grad(y, h, ag.ones(2, dtype=ag.float64))
    np.testing.assert_allclose(gh.array, np.exp(h.array))


def test_multiple_roots():
    x = leaf([1.0, 2.0])
    a, b = x * 2.0, x.exp()
    ag.backward([a, b], [ag.ones(2, dtype=ag.float64), ag.ones(2, dtype=ag.float64)])
    np.testing.assert_allclose(x.grad.array, 2 + np.exp(x.array))


def test_hooks_on_leaf_and_non_leaf():
    x = leaf([1.0, 2.0])
    seen = []
    x.register_hook(lambda g: seen.append(g.array.copy()))
    h = x * 3.0
    h.register_hook(lambda g: g * 10)  # replaces the gradient flowing into h
    h.backward(ag.ones(2, dtype=ag.float64))
    np.testing.assert_allclose(x.grad.array, [30.0, 30.0])
    np.testing.assert_allclose(seen[0], [30.0, 30.0])


def test_hook_handle_removes_the_hook():
    x = leaf([1.0])
    handle = x.register_hook(lambda g: g * 0)
    handle.remove()
    (x * 2.0).backward(ag.ones(1, dtype=ag.float64))
    np.testing.assert_allclose(x.grad.array, [2.0])


def test_retain_grad_keeps_non_leaf_grad():
    x = leaf([1.0, 2.0])
    h = x * 2.0
    h.retain_grad()
    assert h.retains_grad
    (h * h).backward(ag.ones(2, dtype=ag.float64))
    np.testing.assert_allclose(h.grad.array, 2 * h.array)


def test_deep_chain_backpropagates_without_recursion():
    x = leaf([0.5])
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward(ag.ones(1, dtype=ag.float64))
    np.testing.assert_allclose(x.grad.array, [1.0])


# ---------------------------------------------------------------------------- grad modes
def test_no_grad_records_nothing():
    x = leaf([1.0])
    with ag.no_grad():
        y = x * 2.0
    assert not y.requires_grad and y.grad_fn is None
    assert ag.is_grad_enabled()


def test_no_grad_as_decorator_and_enable_grad_inside():
    x = leaf([1.0])

    @ag.no_grad()
    def f():
        with ag.enable_grad():
            inner = x * 2.0
        return x * 2.0, inner

    outer, inner = f()
    assert not outer.requires_grad and inner.requires_grad


def test_set_grad_enabled_as_function_and_context():
    x = leaf([1.0])
    with ag.set_grad_enabled(False):
        assert not (x * 2.0).requires_grad
    assert ag.is_grad_enabled()
    ag.set_grad_enabled(False)
    try:
        assert not ag.is_grad_enabled()
    finally:
        ag.set_grad_enabled(True)


def test_inference_mode():
    x = leaf([1.0])
    with ag.inference_mode():
        assert ag.is_inference_mode_enabled()
        assert not (x * 2.0).requires_grad
    assert not ag.is_inference_mode_enabled()


def test_ops_on_tensors_without_grad_record_nothing():
    y = ag.tensor([1.0]) * 2.0
    assert y.grad_fn is None and not y.requires_grad


# ---------------------------------------------------------------------------- errors
def test_non_scalar_backward_needs_gradient():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"scalar outputs.*shape \(2,\).*gradient="):
        (x * 2.0).backward()


def test_backward_when_nothing_requires_grad():
    with pytest.raises(RuntimeError, match="does not require grad"):
        ag.tensor([1.0]).backward()


def test_gradient_shape_must_match():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"gradient has shape \(3,\).*\(2,\)"):
        (x * 2.0).backward(ag.ones(3, dtype=ag.float64))


def test_integer_tensors_cannot_require_grad():
    with pytest.raises(RuntimeError, match="only floating point"):
        ag.tensor([1, 2], requires_grad=True)


# ---------------------------------------------------------------------------- in place and versions
def test_inplace_on_leaf_requiring_grad_raises_and_changes_nothing():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad.*no_grad"):
        x.add_(1.0)
    np.testing.assert_allclose(x.array, [1.0, 2.0])
    with ag.no_grad():
        x.add_(1.0)
    np.testing.assert_allclose(x.array, [2.0, 3.0])


def test_modified_saved_output_raises_at_backward():
    x = leaf([1.0, 2.0])
    y = x.exp()
    y.add_(1.0)
    with pytest.raises(RuntimeError, match=r"ExpBackward0.*modified by an in-place.*version 1.*version 0"):
        y.backward(ag.ones(2, dtype=ag.float64))


def test_modified_saved_input_raises_at_backward():
    x = leaf([1.0, 2.0])
    h = x * 1.0
    y = h * h
    h.mul_(2.0)
    with pytest.raises(RuntimeError, match="MulBackward0.*in-place"):
        y.backward(ag.ones(2, dtype=ag.float64))


def test_inplace_on_non_leaf_is_differentiable():
    x = leaf([1.0, 2.0])
    h = x * 3.0
    h.mul_(h)  # h = (3x)^2; the node saved the old h
    h.exp_()
    h.backward(ag.ones(2, dtype=ag.float64))
    want = np.exp(9 * x.array ** 2) * 18 * x.array
    np.testing.assert_allclose(x.grad.array, want, rtol=1e-6)


def test_inplace_result_dtype_must_fit():
    x = ag.tensor([1, 2])
    with pytest.raises(RuntimeError, match="can't be cast.*int64"):
        x.add_(0.5)
    np.testing.assert_array_equal(x.array, [1, 2])


def test_version_counter_counts_inplace_changes():
    x = ag.tensor([1.0])
    assert x._version == 0
    x.add_(1.0)
    x.zero_()
    assert x._version == 2


# ---------------------------------------------------------------------------- custom Functions
class Cube(ag.Function):
    @staticmethod
    def forward(ctx, x, scale):
        ctx.save_for_backward(x)
        ctx.scale = scale
        return x * x * x * scale

    @staticmethod
    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        assert ctx.needs_input_grad == (True, False)
        return gy * 3 * x * x * ctx.scale, None


def test_custom_function_forward_backward_and_gradcheck():
    x = leaf([0.5, -1.0])
    y = Cube.apply(x, 2.0)
    assert y.grad_fn is not None and "CubeBackward" in repr(y)
    y.backward(ag.ones(2, dtype=ag.float64))
    np.testing.assert_allclose(x.grad.array, 6 * x.array ** 2)
    assert ag.gradcheck(lambda t: Cube.apply(t, 2.0), [leaf([0.3, 0.8])])
    assert ag.gradgradcheck(lambda t: Cube.apply(t, 2.0), [leaf([0.3, 0.8])])


class SplitSign(ag.Function):
    @staticmethod
    def forward(ctx, x):
        mask = x > 0
        ctx.mark_non_differentiable(mask)
        return x * 2, mask

    @staticmethod
    def backward(ctx, g_double, g_mask):
        return g_double * 2


def test_custom_function_with_two_outputs():
    x = leaf([1.0, -1.0])
    doubled, mask = SplitSign.apply(x)
    assert doubled.requires_grad and not mask.requires_grad
    doubled.backward(ag.ones(2, dtype=ag.float64))
    np.testing.assert_allclose(x.grad.array, [2.0, 2.0])


def test_custom_function_wrong_gradient_count():
    class Bad(ag.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return g, g

    with pytest.raises(RuntimeError, match="returned 2 gradients but forward took 1"):
        Bad.apply(leaf([1.0])).backward(ag.ones(1, dtype=ag.float64))


# ---------------------------------------------------------------------------- anomaly detection
@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_detect_anomaly_names_the_op_and_forward_line():
    x = leaf([0.0, 1.0])
    with ag.detect_anomaly():
        z = x.sqrt()
        with pytest.raises(RuntimeError, match=r"(?s)SqrtBackward0 returned nan values.*z = x.sqrt\(\)"):
            z.backward(ag.tensor([0.0, 1.0], dtype=ag.float64))


def test_requires_grad_assignment_is_checked():
    i = ag.ones(2, dtype=ag.int64)
    with pytest.raises(RuntimeError, match="only floating point"):
        i.requires_grad = True
    y = leaf([1.0]) * 2.0
    with pytest.raises(RuntimeError, match="leaf tensors"):
        y.requires_grad = False
    assert y.requires_grad


def test_grad_assignment_is_checked():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"shape \(3,\)"):
        x.grad = ag.ones(3, dtype=ag.float64)
    with pytest.raises(RuntimeError, match="dtype float32"):
        x.grad = ag.ones(2)
    with pytest.raises(TypeError, match="Tensor or None"):
        x.grad = [1.0, 2.0]
    x.grad = ag.ones(2, dtype=ag.float64)
    x.grad = None


def test_root_gradient_takes_the_output_dtype():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (x * 1.0).backward(ag.ones(2, dtype=ag.float64))
    assert x.grad.dtype == ag.float32
    (g,) = ag.grad(x * 1.0, x, grad_outputs=ag.ones(2, dtype=ag.float16))
    assert g.dtype == ag.float32


def test_custom_function_gradients_are_checked_and_cast():
    class Wrong(ag.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return g[:1]

    class Wide(ag.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return g.double()

    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"invalid gradient at index 0: got shape \(1,\) but expected shape \(2,\)"):
        Wrong.apply(x).sum().backward()
    Wide.apply(x).sum().backward()
    assert x.grad.dtype == ag.float32


def test_hook_returning_the_wrong_shape_is_refused():
    x = leaf([1.0, 2.0])
    x.register_hook(lambda g: g[:1])
    with pytest.raises(RuntimeError, match="hooks must return None or a gradient of that shape"):
        (x * 2.0).sum().backward()


def test_numpy_conversion_of_a_tensor_requiring_grad_is_refused():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="detach"):
        np.asarray(x)
    np.testing.assert_array_equal(np.asarray(x.detach()), [1.0, 2.0])


def test_non_leaf_hook_returning_the_wrong_shape_is_refused():
    x = leaf([1.0, 2.0])
    h = x * 2.0
    h.register_hook(lambda g: g.sum())
    with pytest.raises(RuntimeError, match=r"gradient of shape \(2,\) returned \(\)"):
        h.sum().backward()
