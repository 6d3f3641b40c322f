"""Test helpers for pdconvt: legacy semantics composed from the NumPy oracle's valid pieces.

Nothing here imports pdconvt's computing code: the legacy quirks are rebuilt from
``reference.conv_transpose2d_ref`` calls with valid geometry (spec 5.1 / 5.5):
trailing channels dropped by slicing, dilation 0 as a sum of one-tap convolutions, negative
padding as a padding-0 result embedded in a bias-filled canvas.
"""
from __future__ import annotations

import math
import os
import subprocess
import sys

import numpy as np

from reference import conv_transpose2d_ref

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
F32 = lambda v: float(np.float32(v))  # noqa: E731


def legacy_pre_act(x, w, b=None, stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1,
                   output_size=None):
    """Legacy conv2d_transpose + bias in float64, quirks included."""
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    n, c, h, wd = x.shape
    cg = c // groups
    x, w = x[:, :cg * groups], w[:cg * groups]
    fg, kh, kw = w.shape[1:]
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    infer = [(h - 1) * sh - 2 * ph + dh * (kh - 1) + 1, (wd - 1) * sw - 2 * pw + dw * (kw - 1) + 1]
    out = list(output_size) if output_size else infer
    # Split a dilation-0 axis into one-tap kernels (each has extent 1, so dilation 1 is moot).
    taps_h = [(a, a + 1) for a in range(kh)] if dh == 0 else [(0, kh)]
    taps_w = [(t, t + 1) for t in range(kw)] if dw == 0 else [(0, kw)]
    total = None
    for a0, a1 in taps_h:
        for t0, t1 in taps_w:
            wt = w[:, :, a0:a1, t0:t1]
            pads, ops, dils = [], [], []
            for i, (p, d, k, size) in enumerate(((ph, dh, a1 - a0, h), (pw, dw, t1 - t0, wd))):
                d = max(d, 1)
                pc = max(p, 0)
                full = (size - 1) * (sh, sw)[i] - 2 * pc + d * (k - 1) + 1
                pads.append(pc)
                ops.append(out[i] - full if p >= 0 else 0)
                dils.append(d)
            y = conv_transpose2d_ref(x, wt, None, (sh, sw), tuple(pads), tuple(ops),
                                     tuple(dils), groups)
            total = y if total is None else total + y
    canvas = np.zeros((n, fg * groups, out[0], out[1]))
    oh, ow = max(-ph, 0), max(-pw, 0)
    canvas[:, :, oh:oh + total.shape[2], ow:ow + total.shape[3]] = total
    if b is not None:
        canvas += np.asarray(b, dtype=np.float64)[None, :, None, None]
    return canvas


_erf = np.vectorize(math.erf, otypes=[float])


def _round_half_away(v):
    return np.where(v >= 0, np.floor(v + 0.5), -np.floor(-v + 0.5))


def _sig(v):
    return 1 / (1 + np.exp(-v))


ACT_REF = {
    "relu": lambda v: np.maximum(v, 0),
    "relu6": lambda v: np.clip(v, 0, 6),
    "sigmoid": _sig,
    "tanh": np.tanh,
    "exp": np.exp,
    "abs": np.abs,
    "square": lambda v: v * v,
    "sqrt": np.sqrt,
    "rsqrt": lambda v: 1 / np.sqrt(v),
    "log": np.log,
    "reciprocal": lambda v: 1 / v,
    "sin": np.sin,
    "cos": np.cos,
    "ceil": np.ceil,
    "floor": np.floor,
    "sign": np.sign,
    "erf": _erf,
    "round": _round_half_away,
    "softmax": lambda v: np.exp(v) / np.exp(v).sum(-1, keepdims=True),
    "leaky_relu": lambda v: np.where(v > 0, v, F32(0.02) * v),
    "elu": lambda v: np.where(v > 0, v, np.expm1(v)),
    "gelu": lambda v: 0.5 * v * (1 + _erf(v / math.sqrt(2))),
    "swish": lambda v: v * _sig(v),
    "hard_sigmoid": lambda v: np.clip(F32(0.2) * v + F32(0.5), 0, 1),
    "softplus": lambda v: np.log1p(np.exp(v)),
    "softsign": lambda v: v / (1 + np.abs(v)),
    "brelu": lambda v: np.clip(v, 0, 24),
    "soft_relu": lambda v: np.log1p(np.exp(np.clip(v, -40, 40))),
    "stanh": lambda v: F32(1.7159) * np.tanh(F32(0.67) * v),
    "thresholded_relu": lambda v: np.where(v > 1, v, 0),
    "hard_swish": lambda v: v * np.clip(v + 3, 0, 6) / 6,
    "selu": lambda v: F32(1.0507009873554805) * np.where(
        v > 0, v, F32(1.6732632423543772) * np.expm1(v)),
    "logsigmoid": lambda v: -np.log1p(np.exp(-v)),
    "tanh_shrink": lambda v: v - np.tanh(v),
    "softshrink": lambda v: np.where(v > 0.5, v - 0.5, np.where(v < -0.5, v + 0.5, 0)),
    "hard_shrink": lambda v: np.where(np.abs(v) > 0.5, v, 0),
    "mish": lambda v: v * np.tanh(np.log1p(np.exp(v))),
    "mean": lambda v: np.array([v.mean()]),
    "sum": lambda v: v.sum(axis=0),
    "cumsum": lambda v: np.cumsum(v, axis=-1),
    "scale": lambda v: v,
}

# Where an act jumps, a float32 rounding of its input may land on the other side: compare
# only elements at least this far from the jump.
DISCONTINUITIES = {
    "ceil": lambda v: np.abs(v - np.round(v)),
    "floor": lambda v: np.abs(v - np.round(v)),
    "round": lambda v: np.abs(np.abs(v - np.floor(v)) - 0.5),
    "sign": np.abs,
    "thresholded_relu": lambda v: np.abs(v - 1),
    "hard_shrink": lambda v: np.abs(np.abs(v) - 0.5),
}

RTOL = {np.float32: 2e-5, np.float64: 1e-10, np.float16: 2e-3}


def assert_legacy_close(actual, expected_pre, act, dtype, scale=1.0):
    """Compare a layer output with ``ACT_REF[act](expected_pre)`` (float64)."""
    with np.errstate(all="ignore"):
        expected = expected_pre if act is None else ACT_REF[act](expected_pre)
    actual = np.asarray(actual)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    assert actual.dtype == np.dtype(dtype), (actual.dtype, dtype)
    rtol = RTOL[np.dtype(dtype).type]
    mask = np.ones(expected.shape, bool)
    if act in DISCONTINUITIES and expected_pre.shape == expected.shape:
        mask = DISCONTINUITIES[act](expected_pre) > 1e-3
    a = actual.astype(np.float64)[mask]
    e = expected[mask]
    np.testing.assert_allclose(a, e, rtol=rtol, atol=rtol * scale, equal_nan=True)


def run_python(args, cwd=None, timeout=300):
    """Run ``python args...`` with the repository on the path; returns CompletedProcess."""
    env = dict(os.environ)
    env["PYTHONPATH"] = REPO + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)
