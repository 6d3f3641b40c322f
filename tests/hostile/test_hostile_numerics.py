"""Numerics: NaN and Inf propagate as in the definition (no fast-math), float16/float32
overflow to inf like a NumPy cast, subnormals survive, and none of it depends on the thread
count.  Expectations come from reference.py / gather_ref and from hand-derived values."""
from __future__ import annotations

import numpy as np
import pytest

import convt
from hostile_support import compare, gather_ref
from reference import conv_transpose2d_ref

DTYPES = [np.float16, np.float32, np.float64]
ACTIVATIONS = [None, "relu", "leaky_relu", "sigmoid", "tanh"]
GEOM = dict(stride=2, padding=(1, 0, 0, 1), output_padding=1, dilation=(1, 2))


def _bits(a):
    return np.ascontiguousarray(a).view(f"u{a.dtype.itemsize}")


def _expected(x, w, b, activation=None, **kw):
    return gather_ref(x, w, b, activation_name=activation, **kw)


def _inputs(dtype, layout="NCHW", seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, 2, 4, 4)).astype(dtype)
    w = rng.standard_normal((2, 3, 3, 2)).astype(dtype)
    b = rng.standard_normal(3).astype(dtype)
    return x, w, b


def _to_layout(x, layout):
    return np.ascontiguousarray(x.transpose(0, 2, 3, 1)) if layout == "NHWC" else x


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("layout", ["NCHW", "NHWC"])
def test_nan_in_x_exactly_where_the_reference_has_nan(dtype, activation, layout):
    x, w, b = _inputs(dtype)
    x[0, 1, 2, 1] = np.nan
    x[1, 0, 0, 3] = np.nan
    xl = _to_layout(x, layout)
    kw = dict(GEOM, layout=layout, activation=activation)
    y = convt.conv_transpose2d(xl, w, b, **kw)
    ref = conv_transpose2d_ref(xl, w, b, **kw)
    assert np.isnan(ref).any() and not np.isnan(ref).all()
    np.testing.assert_array_equal(np.isnan(y), np.isnan(ref))
    compare(y, *_expected(xl, w, b, **kw))
    for n in (1, 2, 3):
        assert (_bits(convt.conv_transpose2d(xl, w, b, num_threads=n, **kw)) == _bits(y)).all()


GEOMS = {"plain": {}, "stride": dict(stride=(2, 3), padding=(1, 0, 0, 1), output_padding=1),
         "dilation": GEOM}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("geom", list(GEOMS))
def test_nan_in_weight_and_bias(dtype, activation, geom):
    x, w, b = _inputs(dtype)
    w[1, 2, 0, 1] = np.nan
    b[0] = np.nan
    kw = GEOMS[geom]
    y = convt.conv_transpose2d(x, w, b, activation=activation, **kw)
    assert np.isnan(y[:, 0]).all()  # a NaN bias poisons its whole channel
    ref = conv_transpose2d_ref(x, w, b, activation=activation, **kw)
    np.testing.assert_array_equal(np.isnan(y), np.isnan(ref))
    compare(y, *_expected(x, w, b, activation=activation, **kw))


@pytest.mark.parametrize("special", [np.nan, np.inf])
@pytest.mark.parametrize("dtype", DTYPES)
def test_special_weight_tap_with_dilation_minimal(special, dtype):
    # x = [1, 1] (1x2), kernel [1, s], dilation 2 along W: full row has 4 columns,
    # x0 -> col 0 (1*1) and col 2 (1*s); x1 -> col 1 and col 3: [1, 1, s, s] exactly.
    x = np.ones((1, 1, 1, 2), dtype)
    w = np.array([[[[1.0, special]]]], dtype=dtype)
    y = convt.conv_transpose2d(x, w, dilation=(1, 2))
    np.testing.assert_array_equal(y[0, 0, 0], np.array([1, 1, special, special], dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("activation", [None, "leaky_relu", "sigmoid", "tanh"])
def test_inf_times_zero_weight_is_nan_like_the_reference(dtype, activation):
    # x = +inf at one pixel; the kernel has zeros in it: inf*0 = NaN at those taps, +-inf
    # elsewhere; -inf + inf = NaN where a negative and a positive infinity meet.
    x = np.zeros((1, 1, 3, 3), dtype)
    x[0, 0, 1, 1] = np.inf
    x[0, 0, 1, 2] = -np.inf
    w = np.array([[[[1.0, 0.0, -2.0]]]], dtype=dtype)       # 1x3 kernel, with a zero tap
    y = convt.conv_transpose2d(x, w, activation=activation)
    ref = conv_transpose2d_ref(x, w, activation=activation)
    np.testing.assert_array_equal(np.isnan(y), np.isnan(ref))
    np.testing.assert_array_equal(np.isposinf(y), np.isposinf(ref))
    np.testing.assert_array_equal(np.isneginf(y), np.isneginf(ref))
    compare(y, *_expected(x, w, None, activation=activation))
    # hand-derived row 1: x(1,1)=inf stamps [inf, inf*0, -inf] at cols 1..3, x(1,2)=-inf
    # stamps [-inf, -inf*0, inf] at cols 2..4: [0, inf, nan + -inf, -inf + nan, inf]
    if activation is None:
        row = y[0, 0, 1]
        assert row[0] == 0 and row[1] == np.inf and np.isnan(row[2:4]).all()
        assert row[4] == np.inf


@pytest.mark.parametrize("dtype", DTYPES)
def test_relu_of_infinities_hand_derived(dtype):
    # (Not via reference.py: its relu turns +-inf into NaN -- reported to the lead.)
    x = np.zeros((1, 1, 2, 2), dtype)
    x[0, 0, 0, 0] = np.inf
    w = np.array([[[[1.0, -1.0]]]], dtype=dtype)
    y = convt.conv_transpose2d(x, w, activation="relu")
    # before relu row 0 is [inf, -inf, 0]: relu gives [inf, 0, 0]
    np.testing.assert_array_equal(y[0, 0, 0], np.array([np.inf, 0, 0], dtype))
    np.testing.assert_array_equal(y[0, 0, 1], np.zeros(3, dtype))
    compare(y, *_expected(x, w, None, activation="relu"))


@pytest.mark.parametrize("dtype", DTYPES)
def test_sigmoid_and_tanh_of_infinities(dtype):
    x = np.array([[[[np.inf, -np.inf]]]], dtype=dtype)
    w = np.ones((1, 1, 1, 1), dtype)
    np.testing.assert_array_equal(convt.conv_transpose2d(x, w, activation="sigmoid"),
                                  np.array([[[[1.0, 0.0]]]], dtype))
    np.testing.assert_array_equal(convt.conv_transpose2d(x, w, activation="tanh"),
                                  np.array([[[[1.0, -1.0]]]], dtype))
    np.testing.assert_array_equal(
        convt.conv_transpose2d(x, w, activation="leaky_relu", negative_slope=0.5),
        np.array([[[[np.inf, -np.inf]]]], dtype))


def _exact_sum_problem(target, dtype=np.float16):
    """x = ones over C channels, weights float16-exact integers summing to ``target``."""
    parts = [2048.0] * int(abs(target) // 2048) + [abs(target) % 2048]
    sign = 1.0 if target >= 0 else -1.0
    x = np.ones((1, len(parts), 1, 1), dtype)
    w = (sign * np.array(parts)).reshape(len(parts), 1, 1, 1).astype(dtype)
    assert float(w.astype(np.float64).sum()) == target
    return x, w


@pytest.mark.parametrize("target", [65504.0, 65519.0, 65520.0, 65536.0, 80000.0, -65520.0,
                                    -80000.0, 1e6])
@pytest.mark.parametrize("activation", [None, "relu", "sigmoid", "tanh"])
def test_float16_overflow_like_a_numpy_cast(target, activation):
    x, w = _exact_sum_problem(target)
    y = convt.conv_transpose2d(x, w, activation=activation)
    s = np.float32(target)  # exact: the float32 sum the core rounds once at the end
    act = {None: lambda v: v, "relu": lambda v: np.maximum(v, np.float32(0)),
           "sigmoid": lambda v: np.float32(1) / (np.float32(1) + np.exp(-v)),
           "tanh": np.tanh}[activation]
    with np.errstate(over="ignore"):
        expected = np.float32(act(s)).astype(np.float16)
    assert y.dtype == np.float16
    assert y[0, 0, 0, 0] == expected, (y[0, 0, 0, 0], expected)


@pytest.mark.parametrize("layout", ["NCHW", "NHWC"])
def test_float16_overflow_with_bias_and_out(layout):
    # 40000 + 40000 = 80000 > 65504: inf; with bias -20000 the float32 sum is 60000: finite.
    x = np.ones((1, 1, 1, 2), np.float16)   # NHWC: (N, H, W, C) = 1x1x1x2 -> 2 channels
    if layout == "NCHW":
        x = np.ones((1, 2, 1, 1), np.float16)
    w = np.full((2, 1, 1, 1), 40000, np.float16)
    y = convt.conv_transpose2d(x, w, layout=layout)
    assert np.isposinf(y).all()
    out = np.empty_like(y)
    convt.conv_transpose2d(x, w, np.array([-20000], np.float16), layout=layout, out=out)
    assert out.ravel()[0] == np.float16(60000)


def test_float32_overflow_to_inf():
    x = np.full((1, 2, 1, 1), 3e38, np.float32)
    w = np.ones((2, 1, 1, 1), np.float32)
    y = convt.conv_transpose2d(x, w)
    assert np.isposinf(y).all()  # 6e38 > float32 max, like np.float32(6e38)
    compare(y, *_expected(x, w, None))


@pytest.mark.parametrize("dtype,tiny", [(np.float32, np.float32(1e-30)),
                                        (np.float64, np.float64(1e-300))])
def test_subnormal_products_are_not_flushed(dtype, tiny):
    x = np.zeros((1, 1, 2, 2), dtype)
    x[0, 0, 0, 0] = tiny
    w = np.full((1, 1, 2, 2), dtype(1e-10), dtype)
    y = convt.conv_transpose2d(x, w)
    expected = tiny * dtype(1e-10)   # a subnormal, rounded as the core rounds one product
    assert expected != 0 and abs(expected) < np.finfo(dtype).tiny
    assert y[0, 0, 0, 0] == expected
    assert y[0, 0, 2, 2] == 0


@pytest.mark.parametrize("dtype", DTYPES)
def test_specials_bit_identical_across_thread_counts(dtype):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 4, 6, 6)).astype(dtype)
    w = rng.standard_normal((4, 3, 3, 3)).astype(dtype)
    x.ravel()[rng.choice(x.size, 10, replace=False)] = [np.nan, np.inf, -np.inf] * 3 + [0]
    w[0, 0, 1, 1] = 0.0
    kw = dict(stride=2, groups=2, activation="tanh")
    y1 = convt.conv_transpose2d(x, w, **kw)
    for n in (2, 3, -1):
        assert (_bits(convt.conv_transpose2d(x, w, num_threads=n, **kw)) == _bits(y1)).all()
    ref = conv_transpose2d_ref(x, w, **kw)
    np.testing.assert_array_equal(np.isnan(y1), np.isnan(ref))
