"""Arithmetic and elementwise math: promotion, special values and errors."""
import numpy as np
import pytest

import autograd as ag


def test_nan_to_num_replaces_specials_and_blocks_their_gradient():
    x = ag.tensor([np.nan, np.inf, -np.inf, 1.5], requires_grad=True)
    y = ag.nan_to_num(x, nan=0.0, posinf=9.0, neginf=-9.0)
    np.testing.assert_array_equal(y.data, [0.0, 9.0, -9.0, 1.5])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0, 0.0, 1.0])


def test_scalars_do_not_upcast_and_ints_divide_to_float():
    x = ag.tensor([1.0, 2.0])
    assert (x * 2.5).dtype == ag.float32
    assert (ag.tensor([1, 2]) / ag.tensor([2, 2])).dtype == ag.float32
    assert (ag.tensor([1, 2]) * 0.5).dtype == ag.float32
    assert (ag.tensor([1, 2], dtype=ag.int32) + ag.tensor([1.0], dtype=ag.float16)).dtype == ag.float16


def test_mixed_precision_gradients_come_back_in_each_inputs_dtype():
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    b = ag.tensor([3.0, 4.0], dtype=ag.float64, requires_grad=True)
    (a * b).sum().backward()
    assert a.grad.dtype == ag.float32 and b.grad.dtype == ag.float64
    np.testing.assert_allclose(a.grad.data, [3.0, 4.0])


def test_incompatible_shapes_name_the_op_and_both_shapes():
    with pytest.raises(ValueError, match=r"mul: shapes \(2, 3\) and \(4,\) cannot be broadcast"):
        ag.ones(2, 3) * ag.ones(4)


def test_unsupported_operand():
    with pytest.raises(TypeError, match="add: unsupported operand type str"):
        ag.ones(2) + "a"


def test_integer_division_by_zero_and_negative_integer_power():
    with pytest.raises(ZeroDivisionError, match="floor_divide"):
        ag.tensor([1, 2]) // 0
    with pytest.raises(RuntimeError, match="negative integer power"):
        ag.tensor([1, 2]) ** -1


def test_bool_negation_and_subtraction_are_refused():
    with pytest.raises(TypeError, match="neg"):
        -ag.tensor([True])
    with pytest.raises(TypeError, match="sub"):
        ag.tensor([True]) - ag.tensor([False])


def test_floor_divide_and_remainder_follow_python_signs():
    a, b = ag.tensor([-7, 7]), ag.tensor([2, -2])
    np.testing.assert_array_equal((a // b).data, [-4, -4])
    np.testing.assert_array_equal((a % b).data, [1, -1])
    np.testing.assert_array_equal(ag.fmod(a, b).data, [-1, 1])


def test_clamp_needs_a_bound():
    with pytest.raises(ValueError, match="clamp: at least one"):
        ag.ones(2).clamp()


def test_where_requires_bool_condition():
    with pytest.raises(TypeError, match="where: condition must be a bool"):
        ag.where(ag.ones(2), ag.ones(2), ag.zeros(2))


def test_maximum_ties_split_the_gradient():
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    b = ag.tensor([1.0, 0.0], requires_grad=True)
    ag.maximum(a, b).sum().backward()
    np.testing.assert_allclose(a.grad.data, [0.5, 1.0])
    np.testing.assert_allclose(b.grad.data, [0.5, 0.0])
