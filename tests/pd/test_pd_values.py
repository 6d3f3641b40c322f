"""pdconvt's Conv2DTranspose against the NumPy oracle: every argument form, act and quirk."""
import numpy as np
import pytest

from pd_support import ACT_REF, F32, assert_legacy_close, legacy_pre_act
from pdconvt import fluid

ACTS = sorted(ACT_REF)


def _layer(c, f, k, w, b=None, dtype="float32", **kw):
    init = fluid.initializer.NumpyArrayInitializer
    bias_attr = False if b is None else fluid.ParamAttr(initializer=init(b))
    return fluid.dygraph.Conv2DTranspose(c, f, k, param_attr=fluid.ParamAttr(initializer=init(w)),
                                         bias_attr=bias_attr, dtype=dtype, **kw)


def _data(rng, shape, dtype, positive=False):
    lo = 0.5 if positive else -1.0
    return rng.uniform(lo, 1.0, shape).astype(dtype)


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kw", [
    dict(),
    dict(stride=2),
    dict(stride=[2, 3]),
    dict(stride=(1, 2)),
    dict(padding=1),
    dict(padding=[1, 0]),
    dict(padding=(0, 2)),
    dict(dilation=2),
    dict(dilation=[1, 2]),
    dict(groups=2),
    dict(groups=None),
    dict(stride=2, output_size=12),
    dict(stride=[2, 3], output_size=[12, 17]),
    dict(stride=3, padding=1, output_size=[13, 16]),
    dict(stride=2, padding=1, dilation=2, groups=2, output_size=[12, 12]),
    dict(use_cudnn=False),
])
@pytest.mark.parametrize("bias", [True, False])
def test_argument_forms(kw, dtype, bias):
    rng = np.random.default_rng(0)
    groups = kw.get("groups") or 1
    x = _data(rng, (2, 4, 5, 6), dtype)
    w = _data(rng, (4, 6 // groups, 3, 2), dtype)
    b = _data(rng, (6,), dtype) if bias else None
    with fluid.dygraph.guard():
        layer = _layer(4, 6, [3, 2], w, b, dtype=dtype, **kw)
        y = layer(fluid.dygraph.to_variable(x))
    out = kw.get("output_size")
    out = None if out is None else _pair(out)
    exp = legacy_pre_act(x, w, b, _pair(kw.get("stride", 1)), _pair(kw.get("padding", 0)),
                         _pair(kw.get("dilation", 1)), groups, out)
    assert y.shape == list(exp.shape)
    assert y.dtype == (fluid.core.VarDesc.VarType.FP32 if dtype == "float32"
                       else fluid.core.VarDesc.VarType.FP64)
    assert_legacy_close(y.numpy(), exp, None, dtype, scale=10)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("act", ACTS)
@pytest.mark.parametrize("positive", [True, False], ids=["pos", "mixed"])
def test_every_act(act, dtype, positive):
    rng = np.random.default_rng(1)
    x = _data(rng, (2, 3, 4, 5), dtype, positive)
    w = _data(rng, (3, 2, 2, 3), dtype, positive)
    b = _data(rng, (2,), dtype, positive)
    with fluid.dygraph.guard():
        y = _layer(3, 2, [2, 3], w, b, dtype=dtype, stride=2, act=act)(
            fluid.dygraph.to_variable(x))
    pre = legacy_pre_act(x, w, b, (2, 2))
    assert_legacy_close(y.numpy(), pre, act, dtype, scale=10)


def test_softmax_is_over_the_last_axis_not_channels():
    rng = np.random.default_rng(2)
    x, w = _data(rng, (1, 3, 4, 4), "float64"), _data(rng, (3, 5, 3, 3), "float64")
    with fluid.dygraph.guard():
        y = _layer(3, 5, 3, w, act="softmax", dtype="float64")(fluid.dygraph.to_variable(x))
    y = y.numpy()
    np.testing.assert_allclose(y.sum(axis=-1), 1.0, rtol=1e-12)
    assert not np.allclose(y.sum(axis=1), 1.0)


def test_float64_layer_uses_float32_rounded_constants():
    x = np.full((1, 1, 1, 1), -1000.0)
    w = np.ones((1, 1, 1, 1))
    with fluid.dygraph.guard():
        y = _layer(1, 1, 1, w, act="leaky_relu", dtype="float64")(
            fluid.dygraph.to_variable(x)).numpy()
    assert y[0, 0, 0, 0] == -1000.0 * 0.019999999552965164
    assert y[0, 0, 0, 0] != -1000.0 * 0.02


@pytest.mark.parametrize("act", ["hard_sigmoid", "stanh", "selu"])
def test_other_float32_constants_in_float64(act):
    x = np.linspace(-3, 3, 7).reshape(1, 1, 1, 7)
    with fluid.dygraph.guard():
        y = _layer(1, 1, 1, np.ones((1, 1, 1, 1)), act=act, dtype="float64")(
            fluid.dygraph.to_variable(x)).numpy()
    np.testing.assert_allclose(y, ACT_REF[act](x), rtol=1e-15, atol=1e-15)


def test_legacy_act_defaults_differ_from_paddle2():
    x = np.array([-1.0, 0.5], dtype=np.float32).reshape(1, 1, 1, 2)
    with fluid.dygraph.guard():
        v = fluid.dygraph.to_variable(x)
        w = np.ones((1, 1, 1, 1), np.float32)
        leaky = _layer(1, 1, 1, w, act="leaky_relu")(v).numpy().ravel()
        hsig = _layer(1, 1, 1, w, act="hard_sigmoid")(v).numpy().ravel()
    assert leaky[0] == np.float32(-1.0) * np.float32(0.02)       # not 0.01
    assert hsig[1] == np.float32(0.2) * np.float32(0.5) + np.float32(0.5)   # not 1/6


@pytest.mark.parametrize("kw,groups", [
    (dict(padding=-1), 1),
    (dict(padding=[-2, 1], stride=2), 1),
    (dict(padding=[1, -1], stride=[2, 3], output_size=[8, 18]), 1),
    (dict(dilation=0), 1),
    (dict(dilation=[0, 2], stride=2), 1),
    (dict(dilation=[2, 0], padding=[-1, 1]), 1),
    (dict(), 2),                               # 5 channels, groups 2: channel 4 ignored
    (dict(stride=2, padding=-1, dilation=0), 2),
], ids=["negpad", "negpad-h", "negpad-w-outsize", "dil0", "dil0-h", "dil0-w-negpad",
        "trailing-channel", "all-quirks"])
@pytest.mark.parametrize("act", [None, "relu", "sigmoid"])
def test_legacy_quirks(kw, groups, act):
    rng = np.random.default_rng(3)
    c = 5 if groups == 2 else 4
    x = _data(rng, (2, c, 4, 5), "float32")
    w = _data(rng, (c, 3, 3, 2), "float32")
    b = _data(rng, (3 * groups,), "float32")
    x0 = x.copy()
    with fluid.dygraph.guard():
        y = _layer(c, 3 * groups, [3, 2], w, b, groups=groups, act=act, **kw)(
            fluid.dygraph.to_variable(x))
    out = kw.get("output_size")
    exp = legacy_pre_act(x, w, b, _pair(kw.get("stride", 1)), _pair(kw.get("padding", 0)),
                         _pair(kw.get("dilation", 1)), groups, out)
    assert_legacy_close(y.numpy(), exp, act, "float32", scale=10)
    np.testing.assert_array_equal(x, x0)


def test_negative_padding_grows_output_with_bias_border():
    x = np.ones((1, 1, 2, 2), np.float32)
    w = np.ones((1, 1, 1, 1), np.float32)
    b = np.array([0.25], np.float32)
    with fluid.dygraph.guard():
        y = _layer(1, 1, 1, w, b, padding=-1)(fluid.dygraph.to_variable(x)).numpy()
    expected = np.full((1, 1, 4, 4), 0.25, np.float32)
    expected[0, 0, 1:3, 1:3] = 1.25
    np.testing.assert_array_equal(y, expected)


def test_zero_spatial_input_gives_bias_rows():
    # H = 0: H' = dh*(kh-1) + 1 - sh - 2*ph rows that hold only the bias.
    x = np.zeros((1, 2, 0, 3), np.float32)
    w = np.ones((2, 1, 4, 1), np.float32)
    b = np.array([1.5], np.float32)
    with fluid.dygraph.guard():
        y = _layer(2, 1, [4, 1], w, b)(fluid.dygraph.to_variable(x)).numpy()
    np.testing.assert_array_equal(y, np.full((1, 1, 3, 3), 1.5, np.float32))


def test_empty_outputs_without_bias():
    w1 = np.ones((1, 1, 1, 1), np.float32)
    w2 = np.ones((1, 1, 2, 2), np.float32)
    with fluid.dygraph.guard():
        batch0 = _layer(1, 1, 1, w1)(fluid.dygraph.to_variable(np.ones((0, 1, 2, 2), np.float32)))
        # H' = (1 - 1) * 1 - 2 * 1 + 2 = 0
        rows0 = _layer(1, 1, 2, w2, padding=1)(
            fluid.dygraph.to_variable(np.ones((1, 1, 1, 1), np.float32)))
    assert batch0.shape == [0, 1, 2, 2] and batch0.numpy().size == 0
    assert rows0.shape == [1, 1, 0, 0] and rows0.numpy().size == 0


def test_float16_computes_in_float32_and_rounds_back():
    rng = np.random.default_rng(4)
    x = _data(rng, (1, 2, 3, 3), "float16")
    w = _data(rng, (2, 2, 3, 3), "float16")
    b = _data(rng, (2,), "float16")
    with fluid.dygraph.guard():
        y = _layer(2, 2, 3, w, b, dtype="float16", act="tanh")(fluid.dygraph.to_variable(x))
    assert y.dtype == fluid.core.VarDesc.VarType.FP16
    exp = np.tanh(legacy_pre_act(x, w, b)).astype(np.float32).astype(np.float16)
    np.testing.assert_allclose(y.numpy().astype(np.float64), exp.astype(np.float64),
                               rtol=1e-3, atol=1e-3)


def test_bias_attr_true_and_default_bias_is_zero():
    rng = np.random.default_rng(5)
    x = _data(rng, (1, 2, 3, 3), "float32")
    with fluid.dygraph.guard():
        layer = fluid.dygraph.Conv2DTranspose(2, 3, 2, bias_attr=True)
        np.testing.assert_array_equal(layer.bias.numpy(), np.zeros(3, np.float32))
        y = layer(fluid.dygraph.to_variable(x))
        exp = legacy_pre_act(x, layer.weight.numpy(), layer.bias.numpy())
    assert_legacy_close(y.numpy(), exp, None, "float32")


def test_weight_layout_and_groups_outputs():
    # num_filters % groups != 0 with bias_attr=False: (F // g) * g output channels.
    rng = np.random.default_rng(6)
    x = _data(rng, (1, 4, 3, 3), "float32")
    with fluid.dygraph.guard():
        layer = fluid.dygraph.Conv2DTranspose(4, 5, 3, groups=2, bias_attr=False)
        assert layer.weight.shape == [4, 2, 3, 3]
        y = layer(fluid.dygraph.to_variable(x))
        exp = legacy_pre_act(x, layer.weight.numpy(), None, groups=2)
    assert y.shape == [1, 4, 5, 5]
    assert_legacy_close(y.numpy(), exp, None, "float32")


def test_layer_output_matches_for_f32_literal_constants():
    assert F32(0.02) == 0.019999999552965164
