"""The independent oracle: transposed convolution by its definition, tap by tap, in NumPy.

Nothing here imports convt.  Every output element is

    y[n, g*Cog + o, i*sh + a*dh - top, j*sw + b*dw - left]
        += x[n, g*Cig + c, i, j] * w[g*Cig + c, o, a, b]

summed in float64 (for float16/float32 inputs too), then bias, then the activation, then
rounded to the input dtype.  Rows/columns past the full result (output_padding) get only the
bias.  It is slow on purpose: one vectorised scatter per kernel tap, nothing clever.
"""
from __future__ import annotations

import numpy as np

__all__ = ["conv_transpose2d_ref", "output_size", "activation_ref", "TOL"]

# Tolerances relative to the magnitude of the sum: sum over taps of |x|*|w| (+|bias|).
TOL = {np.float16: 2e-3, np.float32: 1e-5, np.float64: 1e-12}


def _pair(v):
    if np.ndim(v) == 0:
        return int(v), int(v)
    a, b = v
    return int(a), int(b)


def _pads(p):
    if np.ndim(p) == 0:
        p = int(p)
        return p, p, p, p
    p = tuple(int(v) for v in p)
    if len(p) == 2:
        return p[0], p[0], p[1], p[1]
    return p


def output_size(h, w, kh, kw, stride=1, padding=0, output_padding=0, dilation=1):
    sh, sw = _pair(stride)
    dh, dw = _pair(dilation)
    oph, opw = _pair(output_padding)
    top, bottom, left, right = _pads(padding)
    return ((h - 1) * sh - top - bottom + dh * (kh - 1) + 1 + oph,
            (w - 1) * sw - left - right + dw * (kw - 1) + 1 + opw)


def activation_ref(y, activation=None, negative_slope=0.01):
    if activation is None:
        return y
    if activation == "relu":
        return np.maximum(y, 0)  # np.maximum propagates NaN
    if activation == "leaky_relu":
        return np.where(y > 0, y, y * negative_slope)
    if activation == "sigmoid":
        with np.errstate(over="ignore"):
            return 1.0 / (1.0 + np.exp(-y))
    if activation == "tanh":
        return np.tanh(y)
    raise ValueError(activation)


# Inf * 0 = NaN and overflow to Inf are what the definition gives: no warning for them.
@np.errstate(invalid="ignore", over="ignore")
def conv_transpose2d_ref(x, weight, bias=None, stride=1, padding=0, output_padding=0,
                         dilation=1, groups=1, layout="NCHW", activation=None,
                         negative_slope=0.01, return_magnitude=False):
    """Reference result (and optionally the per-element magnitude sum for tolerances)."""
    x = np.asarray(x)
    weight = np.asarray(weight)
    dtype = x.dtype
    if layout == "NHWC":
        x = x.transpose(0, 3, 1, 2)
    xd = x.astype(np.float64)
    wd = weight.astype(np.float64)
    n, cin, h, w = xd.shape
    _, cog, kh, kw = wd.shape
    cig = cin // groups
    cout = cog * groups
    sh, sw = _pair(stride)
    dh, dw = _pair(dilation)
    top, bottom, left, right = _pads(padding)
    ho, wo = output_size(h, w, kh, kw, stride, padding, output_padding, dilation)
    # Work on a canvas big enough for the full result and the output window.
    full_h = max((h - 1) * sh + dh * (kh - 1) + 1, 0)
    full_w = max((w - 1) * sw + dw * (kw - 1) + 1, 0)
    ch = max(full_h, ho + top)
    cw = max(full_w, wo + left)
    acc = np.zeros((n, cout, ch, cw))
    mag = np.zeros((n, cout, ch, cw))
    for g in range(groups if h > 0 and w > 0 else 0):  # an empty input contributes nothing
        xs = xd[:, g * cig:(g + 1) * cig]
        for a in range(kh):
            for b in range(kw):
                wt = wd[g * cig:(g + 1) * cig, :, a, b]            # (cig, cog)
                contrib = np.einsum("nchw,co->nohw", xs, wt)        # (n, cog, h, w)
                cabs = np.einsum("nchw,co->nohw", np.abs(xs), np.abs(wt))
                rs = slice(a * dh, a * dh + (h - 1) * sh + 1, sh)
                cs = slice(b * dw, b * dw + (w - 1) * sw + 1, sw)
                acc[:, g * cog:(g + 1) * cog, rs, cs] += contrib
                mag[:, g * cog:(g + 1) * cog, rs, cs] += cabs
    y = acc[:, :, top:top + ho, left:left + wo]
    m = mag[:, :, top:top + ho, left:left + wo]
    if bias is not None:
        b = np.asarray(bias).astype(np.float64)
        y = y + b[None, :, None, None]
        m = m + np.abs(b)[None, :, None, None]
    y = activation_ref(y, activation, negative_slope)
    if layout == "NHWC":
        y = y.transpose(0, 2, 3, 1)
        m = m.transpose(0, 2, 3, 1)
    # Round once to the input dtype (float16 overflows to inf here, as a cast would).
    with np.errstate(over="ignore"):
        y = np.ascontiguousarray(y).astype(dtype)
    if return_magnitude:
        return y, np.ascontiguousarray(m)
    return y


def assert_close(actual, x, weight, bias=None, **kw):
    """Compare ``actual`` with the reference, tolerance scaled by the magnitude of the sum."""
    expected, mag = conv_transpose2d_ref(x, weight, bias, return_magnitude=True, **kw)
    actual = np.asarray(actual)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    tol = TOL[np.dtype(np.asarray(x).dtype).type]
    # Activations are 1-Lipschitz, so the pre-activation bound carries over.
    bound = tol * (mag + 1.0) + tol
    finite = np.isfinite(expected)
    with np.errstate(invalid="ignore"):
        err = np.abs(actual.astype(np.float64) - expected)
        ok = np.where(finite, err <= bound,  # non-finite expectations must match exactly
                      (np.isnan(actual) & np.isnan(expected))
                      | (actual.astype(np.float64) == expected))
    if not ok.all():
        idx = np.argwhere(~ok)[0]
        raise AssertionError(
            f"mismatch at {tuple(idx)}: got {actual[tuple(idx)]!r}, expected "
            f"{expected[tuple(idx)]!r} (bound {bound[tuple(idx)]:.3g}); "
            f"{(~ok).sum()} of {ok.size} elements differ")
