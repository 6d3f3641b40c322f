"""Checks of the oracle itself (tests/reference.py, owned by the lead) on hand-derived values.

The last four pin down reference bugs found while writing the core tests (empty inputs with
stride > 1, relu of infinities, rounding to the input dtype, exact comparison of non-finite
expectations), fixed in reference.py since.
"""
from __future__ import annotations

import numpy as np
import pytest

from reference import activation_ref, assert_close, conv_transpose2d_ref


def test_reference_hand_derived_2x2():
    x = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    y = conv_transpose2d_ref(x, np.ones((1, 1, 2, 2)))
    np.testing.assert_array_equal(y[0, 0], [[1, 3, 2], [4, 10, 6], [3, 7, 4]])


def test_reference_hand_derived_stride_dilation_padding():
    x = np.array([[[[1.0, 2.0]]]])
    w = np.array([[[[10.0, 100.0]]]])
    y = conv_transpose2d_ref(x, w, np.array([0.5]), stride=(1, 3), dilation=(1, 2),
                             padding=(0, 0, 1, 0), output_padding=(0, 2))
    np.testing.assert_array_equal(y[0, 0], [[0.5, 100.5, 20.5, 0.5, 200.5, 0.5, 0.5]])


def test_reference_empty_spatial_stride_one():
    y = conv_transpose2d_ref(np.zeros((1, 1, 0, 2)), np.ones((1, 1, 3, 3)), np.array([2.0]))
    np.testing.assert_array_equal(y, np.full((1, 1, 2, 4), 2.0))


def test_reference_empty_spatial_stride_two():
    # H_out = -2 + 3 + 1 = 2: bias only
    y = conv_transpose2d_ref(np.zeros((1, 1, 0, 2)), np.ones((1, 1, 4, 3)), np.array([2.0]),
                             stride=2)
    np.testing.assert_array_equal(y, np.full((1, 1, 2, 5), 2.0))


def test_reference_relu_of_infinities():
    y = activation_ref(np.array([np.inf, -np.inf, np.nan, -1.0, 2.0]), "relu")
    np.testing.assert_array_equal(y, [np.inf, 0.0, np.nan, 0.0, 2.0])


def test_reference_rounds_to_input_dtype():
    x = np.ones((1, 2, 1, 1), np.float16)
    w = np.full((2, 1, 1, 1), 40000, np.float16)  # exact sum 80000 > 65504
    expected = conv_transpose2d_ref(x, w)
    assert expected.dtype == np.float16
    with np.errstate(over="ignore"):
        correct = np.array(80000, np.float32).astype(np.float16).reshape(1, 1, 1, 1)  # inf
    assert_close(correct, x, w)


def test_reference_assert_close_rejects_finite_for_inf():
    x = np.array([[[[np.inf]]]])
    w = np.ones((1, 1, 1, 1))
    with pytest.raises(AssertionError):
        assert_close(np.zeros((1, 1, 1, 1)), x, w)
