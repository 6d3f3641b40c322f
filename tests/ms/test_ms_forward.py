"""Every API and pad mode against the NumPy reference (tests/reference.py)."""
from __future__ import annotations

import numpy as np
import pytest

from _msconvt_testutil import close as _close, ops_expected as _ops_expected
from reference import assert_close

import msconvt as ms
from msconvt import Tensor, mint, nn, ops

DTYPES = [np.float16, np.float32, np.float64]


OPS_GEOMS = [
    # pad_mode, kwargs, dout shape, weight shape, input_size, expected (top, left)
    ("valid", dict(), (2, 4, 5, 5), (4, 3, 3, 3), (2, 3, 7, 7), (0, 0)),
    ("valid", dict(stride=2), (1, 4, 5, 4), (4, 2, 3, 3), (1, 2, 11, 9), (0, 0)),
    ("valid", dict(stride=2), (1, 4, 5, 4), (4, 2, 3, 3), (1, 2, 12, 10), (0, 0)),   # op rows
    ("valid", dict(stride=3), (1, 2, 3, 3), (2, 2, 2, 2), (1, 2, 9, 8), (0, 0)),     # k < s
    ("valid", dict(stride=(2, 1), dilation=(1, 2)), (1, 2, 3, 4), (2, 2, 3, 2), (1, 2, 8, 6), (0, 0)),
    ("same", dict(stride=2), (1, 4, 5, 5), (4, 2, 3, 3), (1, 2, 10, 9), None),
    ("same", dict(), (1, 2, 5, 6), (2, 3, 4, 4), (1, 3, 5, 6), None),
    ("same", dict(), (1, 2, 5, 6), (2, 3, 2, 4), (1, 3, 5, 6), None),
    ("same", dict(stride=2), (1, 1, 3, 3), (1, 1, 5, 5), (1, 1, 5, 6), None),
    ("same", dict(stride=3), (1, 2, 2, 2), (2, 2, 2, 2), (1, 2, 6, 5), None),
    ("pad", dict(pad=1), (1, 2, 4, 4), (2, 3, 3, 3), (1, 3, 4, 4), (1, 1)),
    ("pad", dict(pad=(1, 0, 2, 1), stride=2), (1, 2, 4, 4), (2, 3, 3, 3), (1, 3, 8, 6), (1, 2)),
    ("pad", dict(pad=(2, 1, 0, 3), stride=(2, 3), dilation=(2, 1)), (2, 2, 3, 4), (2, 2, 3, 3), (2, 2, 7, 9), (2, 0)),
    ("pad", dict(pad=0, pad_list=(1, 0, 2, 1)), (1, 2, 4, 4), (2, 3, 3, 3), (1, 3, 5, 3), (1, 2)),
    ("pad", dict(pad=1, pad_list=[0, 0, 0, 0]), (1, 2, 4, 4), (2, 3, 3, 3), (1, 3, 6, 6), (0, 0)),
    ("pad", dict(pad=1, pad_list=(0, -1, 0, 0)), (1, 2, 4, 4), (2, 3, 3, 3), (1, 3, 4, 4), (1, 1)),
    ("valid", dict(group=2), (1, 4, 3, 3), (4, 2, 3, 3), (1, 4, 5, 5), (0, 0)),
    ("valid", dict(group=4), (1, 4, 3, 3), (4, 2, 3, 3), (1, 8, 5, 5), (0, 0)),
    ("same", dict(group=2, stride=2), (2, 4, 3, 3), (4, 1, 3, 3), (2, 2, 6, 6), None),
]


def _same_top(hd, s, k, d, hx):
    full = (hd - 1) * s + d * (k - 1) + 1
    return max(0, full - hx) // 2


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("layout", ["NCHW", "NHWC"])
@pytest.mark.parametrize("case", range(len(OPS_GEOMS)))
def test_ops_conv2dtranspose(case, layout, dt, rng):
    mode, kw, ds, ws, isz, tl = OPS_GEOMS[case]
    d = rng.standard_normal(ds).astype(dt)
    w = rng.standard_normal(ws).astype(dt)
    s = kw.get("stride", 1)
    s = (s, s) if isinstance(s, int) else s
    dil = kw.get("dilation", 1)
    dil = (dil, dil) if isinstance(dil, int) else dil
    if tl is None:
        tl = (_same_top(ds[2], s[0], ws[2], dil[0], isz[2]),
              _same_top(ds[3], s[1], ws[3], dil[1], isz[3]))
    want, mag = _ops_expected(d, w, s, dil, kw.get("group", 1), tl[0], tl[1], isz[2], isz[3])
    op = ops.Conv2DTranspose(out_channel=isz[1], kernel_size=ws[2:], pad_mode=mode,
                             data_format=layout, **kw)
    if layout == "NHWC":
        y = op(Tensor(d.transpose(0, 2, 3, 1)), Tensor(w.transpose(0, 2, 3, 1)),
               (isz[0], isz[2], isz[3], isz[1])).asnumpy().transpose(0, 3, 1, 2)
    else:
        y = op(Tensor(d), Tensor(w), isz).asnumpy()
    assert y.dtype == dt
    _close(y, want, mag)


def test_ops_input_size_forms(rng):
    d = Tensor(rng.standard_normal((1, 2, 3, 3)).astype(np.float32))
    w = Tensor(rng.standard_normal((2, 2, 3, 3)).astype(np.float32))
    op = ops.Conv2DTranspose(2, 3)
    a = op(d, w, (1, 2, 5, 5)).asnumpy()
    b = op(d, w, [1, 2, 5, 5]).asnumpy()
    c = op(d, w, Tensor(np.array([1, 2, 5, 5], np.int64))).asnumpy()
    e = op(d, w, ops.shape(Tensor(np.ones((1, 2, 5, 5), np.float32)))).asnumpy()
    assert np.array_equal(a, b) and np.array_equal(a, c) and np.array_equal(a, e)


def test_ops_same_is_stateless(rng):
    op = ops.Conv2DTranspose(1, 3, pad_mode="same", stride=2)
    for hd, hx in ((3, 6), (4, 7), (5, 10)):
        d = rng.standard_normal((1, 1, hd, hd)).astype(np.float32)
        w = rng.standard_normal((1, 1, 3, 3)).astype(np.float32)
        y = op(Tensor(d), Tensor(w), (1, 1, hx, hx)).asnumpy()
        top = _same_top(hd, 2, 3, 1, hx)
        want, mag = _ops_expected(d, w, (2, 2), (1, 1), 1, top, top, hx, hx)
        _close(y, want, mag)


def test_ops_empty_batch_and_empty_spatial():
    op = ops.Conv2DTranspose(2, 3)
    y = op(Tensor(np.ones((0, 2, 3, 3), np.float32)), Tensor(np.ones((2, 2, 3, 3), np.float32)),
           (0, 2, 5, 5))
    assert y.shape == (0, 2, 5, 5)
    z = op(Tensor(np.ones((1, 2, 0, 3), np.float32)), Tensor(np.ones((2, 2, 3, 3), np.float32)),
           (1, 2, 2, 5))
    assert z.shape == (1, 2, 2, 5) and not z.asnumpy().any()


NN_GEOMS = [
    dict(kernel_size=3, stride=2, has_bias=True),
    dict(kernel_size=3, stride=1),
    dict(kernel_size=(2, 3), stride=(3, 2), pad_mode="valid", has_bias=True),
    dict(kernel_size=3, stride=2, dilation=2, pad_mode="valid"),
    dict(kernel_size=1, stride=3, pad_mode="valid", has_bias=True),
    dict(kernel_size=3, stride=2, pad_mode="pad", padding=(1, 0, 2, 1), output_padding=(1, 1), has_bias=True),
    dict(kernel_size=3, stride=2, pad_mode="pad", padding=1, output_padding=1, has_bias=True),
    dict(kernel_size=(3, 2), stride=2, dilation=3, pad_mode="pad", padding=(0, 2, 1, 0), output_padding=(2, 0)),
    dict(kernel_size=3, group=2, has_bias=True),
    dict(kernel_size=4, stride=2, pad_mode="same", has_bias=True),
]


@pytest.mark.parametrize("dt,msdt", [(np.float16, ms.float16), (np.float32, ms.float32),
                                     (np.float64, ms.float64)])
@pytest.mark.parametrize("case", range(len(NN_GEOMS)))
def test_nn_conv2dtranspose(case, dt, msdt, rng):
    kw = dict(NN_GEOMS[case])
    net = nn.Conv2dTranspose(4, 6, dtype=msdt, **kw)
    x = rng.standard_normal((2, 4, 4, 5)).astype(dt)
    y = net(Tensor(x)).asnumpy()
    w = net.weight.asnumpy()
    k = net.kernel_size
    s, d = net.stride, net.dilation
    mode = net.pad_mode
    pt, pb, pl, pr = net.padding_top, net.padding_bottom, net.padding_left, net.padding_right
    sizes, tops = [], []
    for i, h in enumerate((4, 5)):
        eff = d[i] * (k[i] - 1) + 1
        if mode == "same":
            ho = h * s[i]
            top = max(0, (h - 1) * s[i] + eff - ho) // 2
        elif mode == "valid":
            ho, top = h * s[i] + max(eff - s[i], 0), 0
        else:
            p0, p1 = (pt, pb) if i == 0 else (pl, pr)
            ho, top = (h - 1) * s[i] + eff - p0 - p1, p0
        sizes.append(ho)
        tops.append(top)
    want, mag = _ops_expected(x, w, s, d, net.group, tops[0], tops[1], *sizes)
    if net.has_bias:
        want = want + net.bias.asnumpy().astype(np.float64)[None, :, None, None]
    op = net.output_padding
    op = (op, op) if isinstance(op, int) else op
    if any(op):
        padded = np.zeros(want.shape[:2] + (want.shape[2] + op[0], want.shape[3] + op[1]))
        padded[:, :, :want.shape[2], :want.shape[3]] = want
        want = padded
        mag = np.pad(mag, ((0, 0), (0, 0), (0, op[0]), (0, op[1])))
        assert not y[:, :, want.shape[2] - op[0]:, :].any()   # appended rows are exactly 0
        assert not y[:, :, :, want.shape[3] - op[1]:].any()
    assert y.dtype == dt
    _close(y, want, mag + (np.abs(net.bias.asnumpy()).max() if net.has_bias else 0))


def test_nn_float16_bias_rule(rng):
    """float16: conv rounded to float16, then the bias added in float16 (bit-exact recipe)."""
    net = nn.Conv2dTranspose(3, 4, 3, stride=2, has_bias=True, dtype=ms.float16,
                             bias_init=Tensor((rng.standard_normal(4) * 3).astype(np.float16)))
    x = rng.standard_normal((2, 3, 5, 5)).astype(np.float16)
    y = net(Tensor(x)).asnumpy()
    conv = ops.Conv2DTranspose(3, 3, pad_mode="same", stride=2)(
        Tensor(x), net.weight, (2, 4, 10, 10)).asnumpy()
    assert conv.dtype == np.float16
    np.testing.assert_array_equal(y, conv + net.bias.asnumpy()[None, :, None, None])


MINT_GEOMS = [
    dict(kernel_size=3),
    dict(kernel_size=3, stride=2, padding=1, output_padding=1),
    dict(kernel_size=(3, 2), stride=(2, 3), padding=(1, 0), output_padding=(0, 2)),
    dict(kernel_size=2, stride=2),
    dict(kernel_size=3, stride=2, dilation=2, output_padding=1),
    dict(kernel_size=3, stride=1, dilation=3, padding=2, output_padding=2),   # op past full
    dict(kernel_size=3, groups=2, bias=False),
    dict(kernel_size=1, stride=3, output_padding=2, groups=2),
    dict(kernel_size=5, stride=1, padding=3),
]


@pytest.mark.parametrize("dt,msdt", [(np.float16, ms.float16), (np.float32, ms.float32),
                                     (np.float64, ms.float64)])
@pytest.mark.parametrize("case", range(len(MINT_GEOMS)))
def test_mint_layer_and_functional(case, dt, msdt, rng):
    kw = MINT_GEOMS[case]
    m = mint.nn.ConvTranspose2d(4, 6, dtype=msdt, **kw)
    x = rng.standard_normal((2, 4, 5, 4)).astype(dt)
    w = m.weight.asnumpy()
    b = None if m.bias is None else m.bias.asnumpy()
    p = m.padding
    y = m(Tensor(x)).asnumpy()
    assert y.dtype == dt
    assert_close(y, x, w, b, stride=m.stride, padding=(p[0], p[0], p[1], p[1]),
                 output_padding=m.output_padding, dilation=m.dilation, groups=m.groups)
    f = mint.nn.functional.conv_transpose2d(Tensor(x), m.weight, m.bias, m.stride, m.padding,
                                            m.output_padding, m.groups, m.dilation).asnumpy()
    np.testing.assert_array_equal(f, y)
    # unbatched (C, H, W): the second image alone (a problem half the size, which the
    # kernel may sum in another order than the batch: to the oracle, not to y's bits)
    u = m(Tensor(x[1])).asnumpy()
    assert u.shape == y.shape[1:]
    assert_close(u[None], x[1:2], w, b, stride=m.stride, padding=(p[0], p[0], p[1], p[1]),
                 output_padding=m.output_padding, dilation=m.dilation, groups=m.groups)


def test_mint_output_size(rng):
    m = mint.nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1)
    x = rng.standard_normal((1, 4, 3, 3)).astype(np.float32)
    for size in [(5, 5), (6, 5), (1, 6, 6, 6), [5, 6]]:
        y = m(Tensor(x), output_size=size).asnumpy()
        assert y.shape[2:] == tuple(size[-2:])
        op = (size[-2] - 5, size[-1] - 5)
        assert_close(y, x, m.weight.asnumpy(), m.bias.asnumpy(), stride=2, padding=1,
                     output_padding=op)
    u = m(Tensor(x[0]), output_size=(4, 6, 6)).asnumpy()
    assert u.shape == (6, 6, 6)


def test_mint_docstring_example():
    m = mint.nn.ConvTranspose2d(16, 33, 3, stride=2)
    assert m(Tensor(np.zeros((2, 16, 5, 7), np.float32))).shape == (2, 33, 11, 15)
    m = mint.nn.ConvTranspose2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2))
    assert m(Tensor(np.zeros((2, 16, 50, 100), np.float32))).shape == (2, 33, 93, 100)
    up = mint.nn.ConvTranspose2d(16, 16, 3, stride=2, padding=1)
    h = Tensor(np.zeros((1, 16, 6, 6), np.float32))
    assert up(h, output_size=(1, 16, 12, 12)).shape == (1, 16, 12, 12)


def test_ops_conv_transpose2d_is_mint_functional():
    assert ops.conv_transpose2d is mint.nn.functional.conv_transpose2d
