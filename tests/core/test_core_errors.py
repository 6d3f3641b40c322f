"""Every documented error of ``convt.conv_transpose2d``: the class, and a message that names
the argument (and, where there is one, the value received)."""
from __future__ import annotations

import re

import numpy as np
import pytest

import convt
from core_support import DTYPES, make_inputs


@pytest.fixture
def arrays():
    rng = np.random.default_rng(7)
    return make_inputs(rng, n=1, cin=4, h=3, w=3, cog=2, kh=2, kw=2, groups=1)


def call(arrays, **kw):
    x, w, b = arrays
    args = dict(x=x, weight=w, bias=b)
    args.update(kw)
    return convt.conv_transpose2d(args.pop("x"), args.pop("weight"), args.pop("bias"), **args)


# ---- geometry values ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["stride", "dilation"])
@pytest.mark.parametrize("value", [0, -1, (1, 0), (0, 2), (-3, 1), -2**63])
def test_stride_dilation_below_one(arrays, name, value):
    with pytest.raises(ValueError, match=name) as info:
        call(arrays, **{name: value})
    assert str(value) in str(info.value)  # the value received is shown


@pytest.mark.parametrize("value", [-1, (0, -1), (-2, 0, 0, 0), (0, 0, 0, -1)])
def test_negative_padding(arrays, value):
    with pytest.raises(ValueError, match="padding") as info:
        call(arrays, padding=value)
    assert "-" in str(info.value)  # the offending value is shown


@pytest.mark.parametrize("value", [-1, (0, -1), (-5, 2)])
def test_negative_output_padding(arrays, value):
    with pytest.raises(ValueError, match="output_padding"):
        call(arrays, output_padding=value)


@pytest.mark.parametrize("name,value", [
    ("stride", (1, 2, 3)), ("stride", ()), ("dilation", (1,)), ("output_padding", (1, 1, 1)),
    ("padding", (1, 2, 3)), ("padding", (1, 2, 3, 4, 5)), ("padding", ())])
def test_wrong_number_of_geometry_values(arrays, name, value):
    with pytest.raises(ValueError, match=name):
        call(arrays, **{name: value})


@pytest.mark.parametrize("name", ["stride", "padding", "output_padding", "dilation", "groups"])
@pytest.mark.parametrize("value", [1.0, 2.5, float("nan"), "2", None, True, False,
                                   np.bool_(True), np.float32(1), (1.0, 1), (1, True),
                                   1 + 0j])
def test_non_integer_geometry_is_type_error(arrays, name, value):
    if name == "groups" and isinstance(value, tuple):
        value = next(e for e in value if type(e) is not int)  # groups is a single int
    with pytest.raises(TypeError, match=name):
        call(arrays, **{name: value})


@pytest.mark.parametrize("value", [0, -1, -4])
def test_groups_below_one(arrays, value):
    with pytest.raises(ValueError, match="groups"):
        call(arrays, groups=value)


@pytest.mark.parametrize("groups", [3, 8])
def test_groups_not_dividing_c_in(arrays, groups):
    # C_in = 4: neither 3 nor 8 divides it
    with pytest.raises(ValueError, match="groups"):
        call(arrays, groups=groups)


def test_groups_not_dividing_c_out_via_bias_shape():
    # With weight (C_in, C_out/groups, ...), C_out = groups * weight.shape[1] always divides;
    # a bias sized for an indivisible C_out is what such a mistake looks like.
    rng = np.random.default_rng(0)
    x, w, _ = make_inputs(rng, n=1, cin=4, cog=3, groups=2)
    with pytest.raises(ValueError, match="bias"):
        convt.conv_transpose2d(x, w, np.zeros(5, np.float32), groups=2)


# ---- shapes and ranks ------------------------------------------------------------------------

def test_channel_mismatch(arrays):
    x, w, b = arrays
    with pytest.raises(ValueError, match=r"weight|C_in|channel"):
        convt.conv_transpose2d(x, w[:3], b)
    with pytest.raises(ValueError, match=r"weight|C_in|channel"):
        convt.conv_transpose2d(x[:, :3], w, b)


def test_channel_mismatch_nhwc(arrays):
    x, w, b = arrays
    # In NHWC the channels are the last axis: x.shape[-1] = 3 != 4 (an NCHW x read as NHWC)
    with pytest.raises(ValueError, match=r"weight|C_in|channel"):
        convt.conv_transpose2d(x, w, b, layout="NHWC")


@pytest.mark.parametrize("shape", [(4, 3, 3), (1, 1, 4, 3, 3), (3,), ()])
def test_x_wrong_rank(arrays, shape):
    _, w, b = arrays
    with pytest.raises(ValueError, match="x"):
        convt.conv_transpose2d(np.zeros(shape, np.float32), w, b)


@pytest.mark.parametrize("shape", [(4, 2, 2), (4, 2, 2, 1, 1), (4,)])
def test_weight_wrong_rank(arrays, shape):
    x, _, b = arrays
    with pytest.raises(ValueError, match="weight"):
        convt.conv_transpose2d(x, np.zeros(shape, np.float32), b)


@pytest.mark.parametrize("shape", [(3,), (1,), (2, 1), (1, 2), (), (4,)])
def test_wrong_bias_shape(arrays, shape):
    x, w, _ = arrays  # C_out = 2
    with pytest.raises(ValueError, match="bias"):
        convt.conv_transpose2d(x, w, np.zeros(shape, np.float32))


@pytest.mark.parametrize("kshape", [(4, 2, 0, 2), (4, 2, 2, 0)])
def test_empty_kernel(arrays, kshape):
    x, _, b = arrays
    with pytest.raises(ValueError, match="weight"):
        convt.conv_transpose2d(x, np.zeros(kshape, np.float32), b)


# ---- output size -------------------------------------------------------------------------------

@pytest.mark.parametrize("kw", [
    dict(padding=(2, 0)),                                # H_out = 4 - 2 - 2 = 0
    dict(padding=(3, 1, 0, 0)),                          # H_out = 4 - 3 - 1 = 0
    dict(padding=(0, 0, 2, 2)),                          # W_out = 4 - 2 - 2 = 0
    dict(padding=10),                                    # H_out = 4 - 20 < 0
    dict(padding=(0, 0, 0, 9), output_padding=(0, 3)),   # W_out = 4 - 9 + 3 < 0
], ids=str)
def test_non_positive_output_size(arrays, kw):
    x, w, b = arrays  # H=W=3, K=2, stride 1: full result 4x4
    with pytest.raises(ValueError, match=r"H_out|W_out|output"):
        convt.conv_transpose2d(x, w, b, **kw)


def test_empty_input_with_non_positive_output_size():
    # H = 0, K = 1, stride 1: H_out = -1 + 0 + 1 = 0
    x = np.zeros((1, 1, 0, 3), np.float32)
    w = np.zeros((1, 1, 1, 1), np.float32)
    with pytest.raises(ValueError, match=r"H_out|output"):
        convt.conv_transpose2d(x, w)


@pytest.mark.parametrize("kw", [
    dict(stride=2**62), dict(stride=(2**40, 2**40)), dict(dilation=2**62),
    dict(output_padding=(2**62, 2**62)), dict(stride=2**63), dict(stride=2**64 + 1),
    dict(output_padding=2**100), dict(stride=(1, 2**70)),
])
def test_overflowing_products_are_value_errors(arrays, kw):
    # Raised before any allocation: the product does not fit the address space.
    with pytest.raises(ValueError, match=r"stride|dilation|output_padding|overflow|large"):
        call(arrays, **kw)


# ---- dtypes ----------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint8, np.bool_, np.complex64,
                                   np.complex128, np.longdouble, object, "U1", "M8[s]"])
def test_unsupported_dtype_names_the_dtype(dtype):
    x = np.zeros((1, 1, 2, 2), dtype=dtype)
    w = np.zeros((1, 1, 2, 2), dtype=dtype)
    with pytest.raises(TypeError, match=re.escape(str(np.dtype(dtype)))):
        convt.conv_transpose2d(x, w)


@pytest.mark.parametrize("xdt,wdt", [(a, b) for a in DTYPES for b in DTYPES if a != b])
def test_weight_dtype_mismatch(xdt, wdt):
    x = np.zeros((1, 1, 2, 2), dtype=xdt)
    w = np.zeros((1, 1, 2, 2), dtype=wdt)
    with pytest.raises(TypeError, match="weight"):
        convt.conv_transpose2d(x, w)


@pytest.mark.parametrize("bdt", [np.float16, np.float64, np.int64])
def test_bias_dtype_mismatch(bdt):
    x = np.zeros((1, 1, 2, 2), dtype=np.float32)
    w = np.zeros((1, 1, 2, 2), dtype=np.float32)
    with pytest.raises(TypeError, match="bias"):
        convt.conv_transpose2d(x, w, np.zeros(1, dtype=bdt))


def test_int_weight_with_float_x_names_the_dtype():
    x = np.zeros((1, 1, 2, 2), dtype=np.float32)
    with pytest.raises(TypeError, match="int64"):
        convt.conv_transpose2d(x, np.zeros((1, 1, 2, 2), dtype=np.int64))


# ---- keyword arguments -------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["NCWH", "nchw", "", None, 1, "NHWC "])
def test_bad_layout(arrays, value):
    with pytest.raises(ValueError, match="layout"):
        call(arrays, layout=value)


@pytest.mark.parametrize("value", ["gelu", "Relu", "", "softmax", 1, b"relu", ("relu",)])
def test_bad_activation(arrays, value):
    with pytest.raises(ValueError, match="activation"):
        call(arrays, activation=value)


@pytest.mark.parametrize("value", ["0.1", None, True, [0.1], object()])
def test_bad_negative_slope(arrays, value):
    with pytest.raises(TypeError, match="negative_slope"):
        call(arrays, activation="leaky_relu", negative_slope=value)


def test_num_threads_zero(arrays):
    with pytest.raises(ValueError, match="num_threads"):
        call(arrays, num_threads=0)


@pytest.mark.parametrize("value", [True, False, 1.0, 2.5, "2", np.float64(2)])
def test_num_threads_wrong_type(arrays, value):
    with pytest.raises(TypeError, match="num_threads"):
        call(arrays, num_threads=value)


@pytest.mark.parametrize("value", [0, True, 1.5, "1"])
def test_thread_settings_validate(value):
    exc = ValueError if value == 0 and not isinstance(value, bool) else TypeError
    with pytest.raises(exc):
        convt.set_num_threads(value)
    with pytest.raises(exc):
        with convt.threads(value):
            pass


# ---- out= ------------------------------------------------------------------------------------

def _good_out(arrays, **kw):
    x, w, b = arrays
    return np.empty(convt.conv_transpose2d(x, w, b, **kw).shape, dtype=x.dtype)


def test_out_wrong_shape(arrays):
    good = _good_out(arrays)
    for shape in [good.shape[:-1] + (good.shape[-1] + 1,), good.shape[1:], (good.size,),
                  good.shape[::-1]]:
        with pytest.raises(ValueError, match="out"):
            call(arrays, out=np.empty(shape, np.float32))


@pytest.mark.parametrize("dtype", [np.float16, np.float64, np.int32,
                                   np.dtype(np.float32).newbyteorder()], ids=str)
def test_out_wrong_dtype(arrays, dtype):
    good = _good_out(arrays)
    with pytest.raises(ValueError, match="out"):
        call(arrays, out=np.empty(good.shape, dtype))


def test_out_not_c_contiguous(arrays):
    good = _good_out(arrays)
    with pytest.raises(ValueError, match="out"):
        call(arrays, out=np.asfortranarray(good))
    big = np.empty(good.shape[:-1] + (2 * good.shape[-1],), np.float32)
    with pytest.raises(ValueError, match="out"):
        call(arrays, out=big[..., ::2])
    with pytest.raises(ValueError, match="out"):
        call(arrays, out=big[..., ::-1][..., :good.shape[-1]])


def test_out_read_only(arrays):
    good = _good_out(arrays)
    good.setflags(write=False)
    with pytest.raises(ValueError, match="out"):
        call(arrays, out=good)
    with pytest.raises(ValueError, match="out"):
        call(arrays, out=np.broadcast_to(np.float32(0), good.shape))


def test_out_not_an_ndarray(arrays):
    good = _good_out(arrays)
    with pytest.raises(ValueError, match="out"):
        call(arrays, out=good.tolist())


@pytest.mark.parametrize("which", ["x", "weight", "bias"])
def test_out_overlapping_an_input(which):
    # 1x1 kernel, stride 1, C_in = C_out = 2: the output has x's shape, so out=x is tempting.
    rng = np.random.default_rng(3)
    buf = rng.standard_normal(200).astype(np.float32)
    x = buf[:18].reshape(1, 2, 3, 3)
    w = rng.standard_normal((2, 2, 1, 1)).astype(np.float32)
    b = rng.standard_normal(2).astype(np.float32)
    if which == "x":
        out = x                                          # the very same array
    elif which == "weight":
        w = buf[100:104].reshape(2, 2, 1, 1)
        out = buf[96:114].reshape(1, 2, 3, 3)            # covers weight partly
    else:
        b = buf[150:152]
        out = buf[140:158].reshape(1, 2, 3, 3)           # covers the bias
    snapshot = buf.copy()
    with pytest.raises(ValueError, match="out"):
        convt.conv_transpose2d(x, w, b, out=out)
    np.testing.assert_array_equal(buf, snapshot)  # nothing was written


def test_out_overlapping_x_partially():
    buf = np.zeros(64, np.float32)
    x = buf[:18].reshape(1, 2, 3, 3)
    out = buf[9:27].reshape(1, 2, 3, 3)
    w = np.ones((2, 2, 1, 1), np.float32)
    with pytest.raises(ValueError, match="out"):
        convt.conv_transpose2d(x, w, out=out)
