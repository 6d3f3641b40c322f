"""Differential fuzzing of the msconvt layer objects against the NumPy reference (issue 6).

The example count comes from ``CONVT_FUZZ_EXAMPLES`` (``pytest --fuzz`` sets it to 2000).
"""
from __future__ import annotations

import os

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _msconvt_testutil import close, ops_expected
from reference import assert_close

import msconvt as ms
from msconvt import Tensor, mint, nn, ops

EXAMPLES = int(os.environ.get("CONVT_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
DTYPES = st.sampled_from([np.float16, np.float32, np.float64])
MS_DTYPE = {np.float16: ms.float16, np.float32: ms.float32, np.float64: ms.float64}


def _data(draw, shape, dt):
    seed = draw(st.integers(0, 2**31 - 1))
    return np.random.RandomState(seed).standard_normal(shape).astype(dt)


@FUZZ
@given(st.data())
def test_fuzz_ops_conv2dtranspose(data):
    draw = data.draw
    g = draw(st.integers(1, 3))
    cd, cxg = g * draw(st.integers(1, 2)), draw(st.integers(1, 3))
    n = draw(st.integers(0, 2))
    mode = draw(st.sampled_from(["valid", "same", "pad"]))
    layout = draw(st.sampled_from(["NCHW", "NHWC"]))
    dt = draw(DTYPES)
    k = [draw(st.integers(1, 5)) for _ in range(2)]
    s = [draw(st.integers(1, 4)) for _ in range(2)]
    d = [draw(st.integers(1, 3)) for _ in range(2)]
    pads = tuple(draw(st.integers(0, 3)) for _ in range(4)) if mode == "pad" else (0, 0, 0, 0)
    hd = [draw(st.integers(1, 5)) for _ in range(2)]
    sizes, tops = [], []
    for i in range(2):
        eff = d[i] * (k[i] - 1) + 1
        full = (hd[i] - 1) * s[i] + eff
        if mode == "valid":
            lo, hi = full, full + s[i] - 1
        elif mode == "same":
            lo, hi = (hd[i] - 1) * s[i] + 1, hd[i] * s[i]
        else:
            p0, p1 = pads[2 * i], pads[2 * i + 1]
            lo, hi = max(1, full - p0 - p1), full - p0 - p1 + s[i] - 1
            if hi < lo:
                return
        hx = draw(st.integers(lo, hi))
        top = 0 if mode == "valid" else max(0, full - hx) // 2 if mode == "same" else pads[2 * i]
        sizes.append(hx)
        tops.append(top)
    dout = _data(draw, (n, cd, *hd), dt)
    w = _data(draw, (cd, cxg, *k), dt)
    want, mag = ops_expected(dout, w, s, d, g, tops[0], tops[1], *sizes)
    op = ops.Conv2DTranspose(cxg * g, tuple(k), pad_mode=mode, pad=pads if mode == "pad" else 0,
                             stride=tuple(s), dilation=tuple(d), group=g, data_format=layout)
    if layout == "NHWC":
        y = op(Tensor(dout.transpose(0, 2, 3, 1)), Tensor(w.transpose(0, 2, 3, 1)),
               (n, sizes[0], sizes[1], cxg * g)).asnumpy().transpose(0, 3, 1, 2)
    else:
        y = op(Tensor(dout), Tensor(w), (n, cxg * g, *sizes)).asnumpy()
    assert y.dtype == dt
    close(y, want, mag)


@FUZZ
@given(st.data())
def test_fuzz_nn_conv2dtranspose(data):
    draw = data.draw
    g = draw(st.integers(1, 3))
    cin, cout = g * draw(st.integers(1, 2)), g * draw(st.integers(1, 2))
    mode = draw(st.sampled_from(["valid", "same", "pad"]))
    dt = draw(DTYPES)
    k = tuple(draw(st.integers(1, 5)) for _ in range(2))
    s = tuple(draw(st.integers(1, 4)) for _ in range(2))
    d = tuple(draw(st.integers(1, 3)) for _ in range(2))
    padding = tuple(draw(st.integers(0, 3)) for _ in range(4)) if mode == "pad" else 0
    op = (0, 0)
    if mode == "pad":
        op = tuple(draw(st.integers(0, max(s[i], d[i]) - 1)) for i in range(2))
    has_bias = draw(st.booleans())
    n, h, w = draw(st.integers(0, 2)), draw(st.integers(1, 5)), draw(st.integers(1, 5))
    sizes, tops = [], []
    for i, hin in enumerate((h, w)):
        eff = d[i] * (k[i] - 1) + 1
        if mode == "same":
            ho = hin * s[i]
            top = max(0, (hin - 1) * s[i] + eff - ho) // 2
        elif mode == "valid":
            ho, top = hin * s[i] + max(eff - s[i], 0), 0
        else:
            ho, top = (hin - 1) * s[i] + eff - padding[2 * i] - padding[2 * i + 1], padding[2 * i]
        sizes.append(ho)
        tops.append(top)
    if min(sizes) <= 0:
        return
    net = nn.Conv2dTranspose(cin, cout, k, stride=s, pad_mode=mode, padding=padding,
                             output_padding=op, dilation=d, group=g, has_bias=has_bias,
                             bias_init="normal", dtype=MS_DTYPE[dt])
    x = _data(draw, (n, cin, h, w), dt)
    y = net(Tensor(x)).asnumpy()
    want, mag = ops_expected(x, net.weight.asnumpy(), s, d, g, tops[0], tops[1], *sizes)
    if has_bias:
        b = net.bias.asnumpy().astype(np.float64)
        want, mag = want + b[None, :, None, None], mag + np.abs(b)[None, :, None, None]
    want = np.pad(want, ((0, 0), (0, 0), (0, op[0]), (0, op[1])))
    mag = np.pad(mag, ((0, 0), (0, 0), (0, op[0]), (0, op[1])))
    assert y.dtype == dt
    close(y, want, mag)


@FUZZ
@given(st.data())
def test_fuzz_mint(data):
    draw = data.draw
    g = draw(st.integers(1, 3))
    cin, cout = g * draw(st.integers(1, 2)), g * draw(st.integers(1, 2))
    dt = draw(DTYPES)
    k = tuple(draw(st.integers(1, 5)) for _ in range(2))
    s = tuple(draw(st.integers(1, 4)) for _ in range(2))
    d = tuple(draw(st.integers(1, 3)) for _ in range(2))
    p = tuple(draw(st.integers(0, 3)) for _ in range(2))
    op = tuple(draw(st.integers(0, max(s[i], d[i]) - 1)) for i in range(2))
    n, h, w = draw(st.integers(0, 2)), draw(st.integers(1, 5)), draw(st.integers(1, 5))
    ho = (h - 1) * s[0] - 2 * p[0] + d[0] * (k[0] - 1) + 1 + op[0]
    wo = (w - 1) * s[1] - 2 * p[1] + d[1] * (k[1] - 1) + 1 + op[1]
    if ho <= 0 or wo <= 0:
        return
    use_layer = draw(st.booleans())
    bias = draw(st.booleans())
    unbatched = draw(st.booleans()) and n == 1
    x = _data(draw, (n, cin, h, w), dt)
    if use_layer:
        m = mint.nn.ConvTranspose2d(cin, cout, k, s, p, op, g, bias, d, dtype=MS_DTYPE[dt])
        wt, b = m.weight.asnumpy(), None if m.bias is None else m.bias.asnumpy()
        y = (m(Tensor(x[0]))[None] if unbatched else m(Tensor(x))).asnumpy()
    else:
        wt = _data(draw, (cin, cout // g, *k), dt)
        b = _data(draw, (cout,), dt) if bias else None
        xin = Tensor(x[0]) if unbatched else Tensor(x)
        y = mint.nn.functional.conv_transpose2d(xin, Tensor(wt), None if b is None else Tensor(b),
                                                s, p, op, g, d).asnumpy()
        y = y[None] if unbatched else y
    assert y.dtype == dt
    assert_close(y, x, wt, b, stride=s, padding=(p[0], p[0], p[1], p[1]), output_padding=op,
                 dilation=d, groups=g)
