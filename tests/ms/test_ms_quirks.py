"""The accepted-quirk list: what MindSpore 2.10 accepts or does oddly, msconvt too (spec §0, §2.3)."""
from __future__ import annotations

import numpy as np
import pytest

from reference import conv_transpose2d_ref

import msconvt as ms
from msconvt import Tensor, mint, nn, ops


def R(rng, *shape, dt=np.float32):
    return rng.standard_normal(shape).astype(dt)


def test_out_channel_and_kernel_size_are_ignored_weight_wins(rng):
    d, w = R(rng, 1, 2, 4, 4), R(rng, 2, 3, 3, 3)
    a = ops.Conv2DTranspose(99, 7, pad_mode="same")(Tensor(d), Tensor(w), (1, 3, 4, 4))
    b = ops.Conv2DTranspose(3, 3, pad_mode="same")(Tensor(d), Tensor(w), (1, 3, 4, 4))
    np.testing.assert_array_equal(a.asnumpy(), b.asnumpy())


@pytest.mark.parametrize("mode", ["SAME", "Valid", "Pad", "PAD", "vAlId"])
def test_ops_pad_mode_case_insensitive_with_zero_pad(mode):
    op = ops.Conv2DTranspose(2, 3, pad_mode=mode)
    assert op.pad_mode == mode.lower() and op.attrs["pad_mode"] == mode.upper()


def test_ops_raw_pad_mode_compared_for_pad_check():
    with pytest.raises(ValueError, match="'pad_mode' is PAD"):
        ops.Conv2DTranspose(2, 3, pad_mode="PAD", pad=1)


def test_nn_pad_mode_case_sensitive():
    with pytest.raises(ValueError, match="but got 'SAME'"):
        nn.Conv2dTranspose(2, 3, 3, pad_mode="SAME")


def test_same_with_zero_tuple_pad_accepted():
    ops.Conv2DTranspose(2, 3, pad_mode="same", pad=(0, 0, 0, 0))


def test_four_tuple_stride_uses_last_two(rng):
    d, w = R(rng, 1, 2, 3, 3), R(rng, 2, 2, 3, 3)
    a = ops.Conv2DTranspose(2, 3, stride=(2, 2, 1, 1))(Tensor(d), Tensor(w), (1, 2, 5, 5))
    b = ops.Conv2DTranspose(2, 3, stride=1)(Tensor(d), Tensor(w), (1, 2, 5, 5))
    np.testing.assert_array_equal(a.asnumpy(), b.asnumpy())
    c = ops.Conv2DTranspose(2, 3, dilation=(7, 7, 2, 1))(Tensor(d), Tensor(w), (1, 2, 7, 5))
    assert c.shape == (1, 2, 7, 5)


def test_numpy_integers_rejected():
    with pytest.raises(TypeError):
        ops.Conv2DTranspose(np.int64(2), 3)
    with pytest.raises(TypeError):
        ops.Conv2DTranspose(2, np.int64(3))
    with pytest.raises(TypeError):
        nn.Conv2dTranspose(2, 3, np.int64(3))
    with pytest.raises(TypeError):
        mint.nn.ConvTranspose2d(np.int64(2), 3, 3)


def test_bool_rejected_where_int_expected():
    for make in (lambda: ops.Conv2DTranspose(True, 3), lambda: ops.Conv2DTranspose(2, 3, group=True),
                 lambda: nn.Conv2dTranspose(2, 3, True), lambda: nn.Conv2dTranspose(2, 3, 3, group=True),
                 lambda: mint.nn.ConvTranspose2d(2, 4, 3, groups=True)):
        with pytest.raises((TypeError, ValueError)):
            make()


def test_input_size_as_list_and_int64_tensor():
    d, w = Tensor(np.ones((1, 2, 3, 3), np.float32)), Tensor(np.ones((2, 2, 3, 3), np.float32))
    op = ops.Conv2DTranspose(2, 3)
    assert op(d, w, [1, 2, 5, 5]).shape == (1, 2, 5, 5)
    assert op(d, w, Tensor(np.array([1, 2, 5, 5], np.int64))).shape == (1, 2, 5, 5)


def test_group4_weight_4x2_gives_8_channels(rng):
    y = ops.Conv2DTranspose(1, 3, group=4)(Tensor(R(rng, 1, 4, 3, 3)), Tensor(R(rng, 4, 2, 3, 3)),
                                           (1, 8, 5, 5))
    assert y.shape == (1, 8, 5, 5)


def test_float16_in_float16_out(rng):
    y = ops.Conv2DTranspose(1, 3)(Tensor(R(rng, 1, 2, 3, 3, dt=np.float16)),
                                  Tensor(R(rng, 2, 2, 3, 3, dt=np.float16)), (1, 2, 5, 5))
    assert y.dtype == ms.float16


def test_float16_overflows_to_inf_on_rounding():
    big = np.full((1, 1, 1, 1), 300.0, np.float16)
    y = ops.Conv2DTranspose(1, 1)(Tensor(big), Tensor(big), (1, 1, 1, 1)).asnumpy()
    assert y.dtype == np.float16 and np.isinf(y).all()   # 90000 rounds to inf in float16


def test_malformed_pad_list_ignored_outside_pad_mode():
    d, w = Tensor(np.ones((1, 2, 4, 4), np.float32)), Tensor(np.ones((2, 3, 3, 3), np.float32))
    for mode, size in (("same", 4), ("valid", 6)):
        op = ops.Conv2DTranspose(2, 3, pad_mode=mode, pad_list=(1, 2))
        assert op(d, w, (1, 3, size, size)).shape == (1, 3, size, size)


def test_pad_list_replaces_pad_and_minus_one_ignores_it(rng):
    d, w = R(rng, 1, 2, 4, 4), R(rng, 2, 3, 3, 3)
    a = ops.Conv2DTranspose(2, 3, pad_mode="pad", pad=1, pad_list=(0, 0, 0, 0))(
        Tensor(d), Tensor(w), (1, 3, 6, 6))
    b = ops.Conv2DTranspose(2, 3, pad_mode="pad")(Tensor(d), Tensor(w), (1, 3, 6, 6))
    np.testing.assert_array_equal(a.asnumpy(), b.asnumpy())
    c = ops.Conv2DTranspose(2, 3, pad_mode="pad", pad=1, pad_list=(0, -1, 5, 5))(
        Tensor(d), Tensor(w), (1, 3, 4, 4))
    e = ops.Conv2DTranspose(2, 3, pad_mode="pad", pad=1)(Tensor(d), Tensor(w), (1, 3, 4, 4))
    np.testing.assert_array_equal(c.asnumpy(), e.asnumpy())


def test_same_mode_is_tf_style_range():
    """k5 s2 Hd3: Hx=4 fails although the output-size formula would allow it."""
    d, w = Tensor(np.ones((1, 1, 3, 3), np.float32)), Tensor(np.ones((1, 1, 5, 5), np.float32))
    op = ops.Conv2DTranspose(1, 5, pad_mode="same", stride=2)
    assert op(d, w, (1, 1, 5, 6)).shape == (1, 1, 5, 6)
    with pytest.raises(RuntimeError):
        op(d, w, (1, 1, 4, 6))


def test_same_odd_padding_extra_goes_bottom_right(rng):
    d, w = R(rng, 1, 1, 4, 4), R(rng, 1, 1, 2, 2)   # P = 1: crop 0 at top, 1 at bottom
    y = ops.Conv2DTranspose(1, 2, pad_mode="same")(Tensor(d), Tensor(w), (1, 1, 4, 4)).asnumpy()
    full = conv_transpose2d_ref(d, w)
    np.testing.assert_allclose(y, full[:, :, :4, :4], atol=1e-5)


def test_nn_valid_formula_uses_kernel_term():
    """The docstring drops the kernel term; the code (and MindSpore's output) keep it."""
    x = Tensor(np.ones((1, 2, 4, 5), np.float32))
    assert nn.Conv2dTranspose(2, 3, 3, stride=1, pad_mode="valid")(x).shape == (1, 3, 6, 7)
    assert nn.Conv2dTranspose(2, 3, 2, stride=3, pad_mode="valid")(x).shape == (1, 3, 12, 15)


def test_nn_output_padding_appends_zeros_after_bias(rng):
    net = nn.Conv2dTranspose(2, 3, 3, stride=2, pad_mode="pad", padding=1, output_padding=1,
                             has_bias=True, bias_init="ones")
    y = net(Tensor(R(rng, 1, 2, 3, 3))).asnumpy()
    assert y.shape == (1, 3, 6, 6)
    assert (y[:, :, -1, :] == 0).all() and (y[:, :, :, -1] == 0).all()


def test_nn_output_padding_range_checked_before_mode():
    with pytest.raises(ValueError, match=r"range of \[0, max\(stride_h"):
        nn.Conv2dTranspose(2, 3, 3, stride=1, output_padding=1)(Tensor(np.ones((1, 2, 3, 3), np.float32)))


def test_mint_output_padding_extends_real_output(rng):
    """mint follows torch: the extra rows hold real values where they exist, and the bias."""
    m = mint.nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1, output_padding=1)
    x = R(rng, 1, 2, 3, 3)
    y = m(Tensor(x)).asnumpy()
    assert y.shape == (1, 3, 6, 6)
    assert np.abs(y[:, :, -1, :-1]).sum() > 0


def test_nn_has_bias_default_false_mint_bias_default_true():
    assert nn.Conv2dTranspose(2, 3, 3).bias is None
    assert mint.nn.ConvTranspose2d(2, 3, 3).bias is not None


def test_mint_pair_quirks():
    with pytest.raises(ValueError) as info:
        mint.nn.ConvTranspose2d(2, 3, 3, output_padding=None)
    assert info.value.args == ("For 'ConvTranspose2d', 'kernel_size'",
                               " should be int, tuple or list, but got None")
    assert mint.nn.ConvTranspose2d(2, 3, [3]).kernel_size == (3, 3)


def test_mint_unbatched_input(rng):
    m = mint.nn.ConvTranspose2d(2, 3, 3)
    x = R(rng, 2, 4, 4)
    np.testing.assert_array_equal(m(Tensor(x)).asnumpy(), m(Tensor(x[None])).asnumpy()[0])
