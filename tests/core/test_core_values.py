"""Values of ``convt.conv_transpose2d`` against the NumPy reference, over the geometry grid.

Every expectation comes from tests/reference.py (the definition, tap by tap) or is derived
by hand in the test; nothing is compared with an earlier output of convt itself.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import convt
from core_support import ACTIVATIONS, DTYPES, LAYOUTS, make_inputs
from reference import activation_ref, assert_close, conv_transpose2d_ref, output_size

RNG_SEED = 20240611


def _check(x, weight, bias=None, **kw):
    y = convt.conv_transpose2d(x, weight, bias, **kw)
    assert isinstance(y, np.ndarray)
    assert y.dtype == np.asarray(x).dtype
    assert y.flags.c_contiguous
    kw.pop("num_threads", None)
    kw.pop("out", None)
    assert_close(y, x, weight, bias, **kw)
    return y


# ---- hand-derived values --------------------------------------------------------------------

def test_hand_derived_2x2_ones_kernel():
    # Each input pixel stamps a 2x2 block of ones scaled by its value:
    #   1 1 .     . 2 2     . . .     . . .       1  3  2
    #   1 1 .  +  . 2 2  +  3 3 .  +  . 4 4   =   4 10  6
    #   . . .     . . .     3 3 .     . 4 4       3  7  4
    x = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    w = np.ones((1, 1, 2, 2))
    y = convt.conv_transpose2d(x, w)
    np.testing.assert_array_equal(y[0, 0], [[1, 3, 2], [4, 10, 6], [3, 7, 4]])


def test_hand_derived_stride_dilation_padding():
    # x = [[1, 2]] (1x2), kernel 1x2 = [[10, 100]], stride 3, dilation 2 along W:
    # full row: position j*3 + b*2 -> x0: 10@0, 100@2; x1: 20@3, 200@5 -> [10,0,100,20,0,200]
    # padding left=1, right=0, output_padding 2 -> crop first, extend by 2 (bias only: 0.5)
    x = np.array([[[[1.0, 2.0]]]], dtype=np.float32)
    w = np.array([[[[10.0, 100.0]]]], dtype=np.float32)
    b = np.array([0.5], dtype=np.float32)
    y = convt.conv_transpose2d(x, w, b, stride=(1, 3), dilation=(1, 2),
                               padding=(0, 0, 1, 0), output_padding=(0, 2))
    np.testing.assert_array_equal(y[0, 0], [[0.5, 100.5, 20.5, 0.5, 200.5, 0.5, 0.5]])


def test_hand_derived_groups_do_not_mix():
    # Two groups: channel 0 only reaches output 0, channel 1 only output 1.
    x = np.zeros((1, 2, 1, 1))
    x[0, 0] = 1.0
    x[0, 1] = 2.0
    w = np.array([[[[3.0]]], [[[5.0]]]])  # (C_in=2, C_out/groups=1, 1, 1)
    y = convt.conv_transpose2d(x, w, groups=2)
    np.testing.assert_array_equal(y.ravel(), [3.0, 10.0])


def test_float16_rounded_once_with_bias_before_rounding():
    # In float16 2048 + 1 rounds back to 2048 (spacing 2), so any intermediate float16
    # rounding loses the ones; computed in float32 and rounded once, the sum is exact.
    x = np.array([2048, 1, 1, 1, 1], dtype=np.float16).reshape(1, 5, 1, 1)
    w = np.ones((5, 1, 1, 1), dtype=np.float16)
    assert convt.conv_transpose2d(x, w)[0, 0, 0, 0] == 2052
    x2 = np.array([2048, 1], dtype=np.float16).reshape(1, 2, 1, 1)
    w2 = np.ones((2, 1, 1, 1), dtype=np.float16)
    b2 = np.ones(1, dtype=np.float16)
    # 2048 + 1 + bias 1 = 2050 exactly; adding the bias after a rounding would give 2048.
    assert convt.conv_transpose2d(x2, w2, b2)[0, 0, 0, 0] == 2050


# ---- the geometry grid ----------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kh,kw", list(itertools.product(range(1, 8), [1, 2, 5])))
def test_kernel_sizes(kh, kw, dtype):
    rng = np.random.default_rng(RNG_SEED + 10 * kh + kw)
    x, w, b = make_inputs(rng, n=2, cin=3, h=4, w=3, cog=2, kh=kh, kw=kw, dtype=dtype)
    _check(x, w, b)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("sh,sw", list(itertools.product(range(1, 5), range(1, 5))))
def test_strides(sh, sw, dtype):
    rng = np.random.default_rng(RNG_SEED + 10 * sh + sw)
    x, w, b = make_inputs(rng, n=1, cin=2, h=3, w=4, cog=2, kh=3, kw=2, dtype=dtype)
    _check(x, w, b, stride=(sh, sw) if sh != sw else sh)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("dh,dw", list(itertools.product(range(1, 4), range(1, 4))))
def test_dilations(dh, dw, dtype):
    rng = np.random.default_rng(RNG_SEED + 10 * dh + dw)
    x, w, b = make_inputs(rng, n=1, cin=2, h=4, w=3, cog=2, kh=3, kw=4, dtype=dtype)
    _check(x, w, b, dilation=(dh, dw) if dh != dw else dh, stride=(2, 1))


PADDINGS = [0, 1, 2, (1, 0), (0, 2), (1, 0, 0, 0), (0, 2, 1, 0), (0, 0, 0, 3),
            (2, 1, 3, 0), (3, 3, 2, 2), (4, 0, 0, 5)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("padding", PADDINGS, ids=str)
def test_paddings(padding, dtype):
    rng = np.random.default_rng(RNG_SEED)
    x, w, b = make_inputs(rng, n=2, cin=2, h=3, w=4, cog=2, kh=4, kw=3, dtype=dtype)
    _check(x, w, b, padding=padding, stride=2)


# Output padding well past the stride and past the full result: the tail holds the bias.
OUTPUT_PADDINGS = [0, 1, (1, 0), (0, 3), (5, 2), (9, 11)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("output_padding", OUTPUT_PADDINGS, ids=str)
@pytest.mark.parametrize("padding", [0, (2, 0, 1, 3)], ids=str)
def test_output_paddings(output_padding, padding, dtype):
    rng = np.random.default_rng(RNG_SEED)
    x, w, b = make_inputs(rng, n=1, cin=2, h=3, w=3, cog=2, kh=2, kw=3, dtype=dtype)
    _check(x, w, b, stride=2, padding=padding, output_padding=output_padding)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_output_padding_tail_is_bias_then_activation(activation):
    # Hand-derived: the full result is (H-1)*s + K = 2*2 + 3 = 7 rows/cols; output_padding 4
    # makes 11, and rows/cols 7..10 receive no tap: there y = activation(bias).
    rng = np.random.default_rng(RNG_SEED)
    x, w, b = make_inputs(rng, n=2, cin=2, h=3, w=3, cog=2, kh=3, kw=3, dtype=np.float64)
    y = convt.conv_transpose2d(x, w, b, stride=2, output_padding=4, activation=activation)
    assert y.shape == (2, 2, 11, 11)
    tail = activation_ref(np.broadcast_to(b[None, :, None, None], (2, 2, 4, 11)), activation)
    np.testing.assert_allclose(y[:, :, 7:, :], tail, rtol=1e-15, atol=0)
    np.testing.assert_allclose(y[:, :, :, 7:], tail.transpose(0, 1, 3, 2), rtol=1e-15, atol=0)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("groups,cig,cog", [(1, 3, 2), (2, 1, 1), (2, 2, 3), (3, 1, 2),
                                            (4, 2, 1), (3, 2, 2)])
def test_groups(groups, cig, cog, dtype):
    rng = np.random.default_rng(RNG_SEED + groups)
    x, w, b = make_inputs(rng, n=2, cin=groups * cig, h=3, w=4, cog=cog, kh=2, kw=3,
                          groups=groups, dtype=dtype)
    _check(x, w, b, groups=groups, stride=(2, 1), padding=(1, 0, 0, 1))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n,cin,cog", [(1, 1, 1), (3, 1, 4), (1, 5, 1), (4, 3, 2), (7, 2, 5)])
def test_batch_and_channels(n, cin, cog, dtype):
    rng = np.random.default_rng(RNG_SEED + n)
    x, w, b = make_inputs(rng, n=n, cin=cin, h=2, w=3, cog=cog, kh=3, kw=3, dtype=dtype)
    _check(x, w, b, stride=2)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("h,w", [(1, 1), (1, 7), (6, 1), (9, 12)])
def test_spatial_sizes(h, w, dtype):
    rng = np.random.default_rng(RNG_SEED + h * w)
    x, wt, b = make_inputs(rng, n=1, cin=2, h=h, w=w, cog=2, kh=3, kw=2, dtype=dtype)
    _check(x, wt, b, stride=(1, 3), dilation=(2, 1))


# ---- layouts x activations x dtypes ---------------------------------------------------------

GEOMETRY = dict(stride=(2, 3), padding=(1, 0, 2, 1), output_padding=(1, 2), dilation=(2, 1),
                groups=2)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("with_bias", [True, False])
def test_layout_activation_dtype(layout, activation, dtype, with_bias):
    rng = np.random.default_rng(RNG_SEED)
    x, w, b = make_inputs(rng, n=2, cin=4, h=4, w=3, cog=3, kh=3, kw=2, groups=2,
                          dtype=dtype, bias=with_bias, layout=layout)
    y = _check(x, w, b, layout=layout, activation=activation, **GEOMETRY)
    ho, wo = output_size(4, 3, 3, 2, GEOMETRY["stride"], GEOMETRY["padding"],
                         GEOMETRY["output_padding"], GEOMETRY["dilation"])
    assert y.shape == ((2, 6, ho, wo) if layout == "NCHW" else (2, ho, wo, 6))


@pytest.mark.parametrize("dtype", DTYPES)
def test_nhwc_is_the_transposed_nchw(dtype):
    rng = np.random.default_rng(RNG_SEED)
    x, w, b = make_inputs(rng, n=2, cin=4, h=4, w=3, cog=3, kh=3, kw=2, groups=2, dtype=dtype)
    y_nchw = convt.conv_transpose2d(x, w, b, **GEOMETRY)
    y_nhwc = convt.conv_transpose2d(np.ascontiguousarray(x.transpose(0, 2, 3, 1)), w, b,
                                    layout="NHWC", **GEOMETRY)
    assert_close(y_nchw, x, w, b, **GEOMETRY)
    assert_close(y_nhwc.transpose(0, 3, 1, 2), x, w, b, **GEOMETRY)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("negative_slope", [0.0, 0.01, 0.2, float(np.float32(0.02)), 1.0])
def test_leaky_relu_negative_slope(negative_slope, dtype):
    rng = np.random.default_rng(RNG_SEED)
    x, w, b = make_inputs(rng, n=2, cin=2, h=3, w=3, cog=2, kh=2, kw=2, dtype=dtype)
    y = _check(x, w, b, activation="leaky_relu", negative_slope=negative_slope)
    if negative_slope == 0.0:
        assert (y >= 0).all()


# ---- numpy integers and sequences as geometry ------------------------------------------------

@pytest.mark.parametrize("kind", [np.int8, np.int32, np.int64, np.uint8, np.uint64, int])
def test_numpy_integer_geometry(kind):
    rng = np.random.default_rng(RNG_SEED)
    x, w, b = make_inputs(rng, n=1, cin=4, h=3, w=3, cog=1, kh=3, kw=2, groups=2)
    y = convt.conv_transpose2d(x, w, b, stride=kind(2), padding=(kind(1), kind(0)),
                               output_padding=[kind(1), kind(0)], dilation=(kind(1), kind(2)),
                               groups=kind(2))
    assert_close(y, x, w, b, stride=2, padding=(1, 0), output_padding=(1, 0),
                 dilation=(1, 2), groups=2)


def test_geometry_as_numpy_arrays_and_lists():
    rng = np.random.default_rng(RNG_SEED)
    x, w, b = make_inputs(rng)
    y = convt.conv_transpose2d(x, w, b, stride=np.array([2, 1]), padding=[1, 0, 0, 1],
                               output_padding=np.array([1, 0]), dilation=[1, 2])
    assert_close(y, x, w, b, stride=(2, 1), padding=(1, 0, 0, 1), output_padding=(1, 0),
                 dilation=(1, 2))


# ---- out= ------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("activation", [None, "sigmoid"])
def test_out_is_filled_and_returned(dtype, layout, activation):
    rng = np.random.default_rng(RNG_SEED)
    x, w, b = make_inputs(rng, n=2, cin=2, h=3, w=4, cog=2, kh=3, kw=3, dtype=dtype,
                          layout=layout)
    kw = dict(stride=2, padding=(1, 0, 0, 2), output_padding=(3, 1), layout=layout,
              activation=activation)
    expected_shape = convt.conv_transpose2d(x, w, b, **kw).shape
    out = np.full(expected_shape, np.nan, dtype=dtype)  # garbage that must be overwritten
    y = convt.conv_transpose2d(x, w, b, out=out, **kw)
    assert y is out
    assert not np.isnan(out).any()
    assert_close(out, x, w, b, **kw)


@pytest.mark.parametrize("dtype", DTYPES)
def test_out_equals_returned_result_bitwise(dtype):
    rng = np.random.default_rng(RNG_SEED)
    x, w, b = make_inputs(rng, n=2, cin=2, h=5, w=4, cog=3, kh=3, kw=2, dtype=dtype)
    y = convt.conv_transpose2d(x, w, b, stride=2, activation="tanh")
    out = np.empty_like(y)
    convt.conv_transpose2d(x, w, b, stride=2, activation="tanh", out=out)
    np.testing.assert_array_equal(out, y)
    assert_close(out, x, w, b, stride=2, activation="tanh")


# ---- empty batch and empty spatial dims ------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_zero_batch_gives_empty_result(dtype, layout):
    rng = np.random.default_rng(RNG_SEED)
    x, w, b = make_inputs(rng, n=0, cin=2, h=3, w=4, cog=3, kh=2, kw=3, dtype=dtype,
                          layout=layout)
    y = convt.conv_transpose2d(x, w, b, stride=2, layout=layout)
    ho, wo = output_size(3, 4, 2, 3, stride=2)
    assert y.shape == ((0, 3, ho, wo) if layout == "NCHW" else (0, ho, wo, 3))
    assert y.dtype == dtype
    out = np.empty(y.shape, dtype=dtype)
    assert convt.conv_transpose2d(x, w, b, stride=2, layout=layout, out=out) is out


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("h,w", [(0, 3), (3, 0), (0, 0)])
@pytest.mark.parametrize("activation", [None, "sigmoid"])
def test_empty_spatial_input_gives_bias_only(h, w, layout, dtype, activation):
    # H=0: H_out = -1*s + d*(K-1) + 1 = -2 + 3*1 + 1 = 2 > 0, and no tap lands anywhere.
    rng = np.random.default_rng(RNG_SEED)
    x, wt, b = make_inputs(rng, n=2, cin=2, h=h, w=w, cog=3, kh=4, kw=4, dtype=dtype,
                           layout=layout)
    y = convt.conv_transpose2d(x, wt, b, stride=2, layout=layout, activation=activation)
    ho, wo = output_size(h, w, 4, 4, stride=2)
    assert min(ho, wo) > 0
    expected = activation_ref(b.astype(np.float64), activation).astype(dtype)
    if layout == "NCHW":
        assert y.shape == (2, 3, ho, wo)
        np.testing.assert_allclose(y, np.broadcast_to(expected[None, :, None, None], y.shape),
                                   rtol=1e-3 if dtype == np.float16 else 1e-6)
    else:
        assert y.shape == (2, ho, wo, 3)
        np.testing.assert_allclose(y, np.broadcast_to(expected, y.shape),
                                   rtol=1e-3 if dtype == np.float16 else 1e-6)
    kw = dict(stride=2, layout=layout, activation=activation)
    # (Not compared with reference.py: its scatter slices wrap around for H=0 with stride
    # > 1 -- see test_core_reference_selfcheck.py; the hand-derived value above is exact.)
    # Without a bias the result is activation(0): zeros, or 0.5 for the sigmoid.
    y0 = convt.conv_transpose2d(x, wt, None, **kw)
    np.testing.assert_array_equal(y0, 0.5 if activation == "sigmoid" else 0.0)


def test_result_does_not_alias_inputs():
    rng = np.random.default_rng(RNG_SEED)
    # kernel 1x1, stride 1: the result has x's shape, a tempting shortcut to share memory
    x, w, b = make_inputs(rng, n=1, cin=2, h=3, w=3, cog=2, kh=1, kw=1)
    y = convt.conv_transpose2d(x, w)
    assert not np.shares_memory(y, x) and not np.shares_memory(y, w)
    assert_close(y, x, w)
