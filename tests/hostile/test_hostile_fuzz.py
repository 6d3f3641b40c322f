"""Differential fuzzing: ``convt.conv_transpose2d`` against the NumPy reference over random
geometry, layouts, dtypes, activations, ``out=`` and thread counts.

Example count: ``CONVT_FUZZ_EXAMPLES`` (default 40); ``pytest --fuzz`` sets 2000.  Sizes stay
<= 12 so that thousands of examples run in minutes.  Both oracles are used: reference.py
(the canvas scatter) and hostile_support.gather_ref (pixel by pixel, exact ints); they must
agree with each other too.  For H=0 or W=0 inputs only gather_ref is used, because
reference.py's scatter slices wrap around there (reported; see
tests/core/test_core_reference_selfcheck.py).
"""
from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import convt
from hostile_support import compare, gather_ref
from reference import conv_transpose2d_ref, output_size

EXAMPLES = int(os.environ.get("CONVT_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                suppress_health_check=list(HealthCheck))
DTYPES = [np.float16, np.float32, np.float64]
ACTIVATIONS = [None, "relu", "leaky_relu", "sigmoid", "tanh"]


def _spelled(draw, pair):
    """Spell a geometry pair as an int, a tuple, a list or numpy integers."""
    a, b = pair
    if a == b and draw(st.booleans()):
        return draw(st.sampled_from([int, np.int64, np.int32]))(a)
    form = draw(st.sampled_from(["tuple", "list", "np"]))
    if form == "np":
        return (np.int64(a), np.intp(b))
    return (a, b) if form == "tuple" else [a, b]


@st.composite
def cases(draw):
    groups = draw(st.integers(1, 3))
    cig, cog = draw(st.integers(0, 3)), draw(st.integers(1, 3))
    cig = max(cig, 1) if draw(st.integers(0, 9)) else 0          # sometimes C_in = 0
    n = draw(st.sampled_from([0, 1, 1, 2, 3]))
    h, w = draw(st.integers(0, 12)), draw(st.integers(0, 12))
    if draw(st.booleans()):                                      # favour tiny inputs
        h, w = min(h, 3), min(w, 3)
    kh, kw = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    sh, sw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    dh, dw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    oph, opw = draw(st.integers(0, 6)), draw(st.integers(0, 6))  # past the stride, past full
    full_h = (h - 1) * sh + dh * (kh - 1) + 1
    full_w = (w - 1) * sw + dw * (kw - 1) + 1
    if full_h + oph < 1:
        oph = 1 - full_h + draw(st.integers(0, 2))
    if full_w + opw < 1:
        opw = 1 - full_w + draw(st.integers(0, 2))
    top = draw(st.integers(0, full_h + oph - 1))
    bottom = draw(st.integers(0, full_h + oph - 1 - top))
    left = draw(st.integers(0, full_w + opw - 1))
    right = draw(st.integers(0, full_w + opw - 1 - left))
    if top == bottom and left == right and draw(st.booleans()):
        padding = top if top == left and draw(st.booleans()) else (top, left)
    else:
        padding = (top, bottom, left, right)
    dtype = draw(st.sampled_from(DTYPES))
    layout = draw(st.sampled_from(["NCHW", "NHWC"]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    cin = groups * cig
    x = rng.standard_normal((n, cin, h, w)).astype(dtype)
    if layout == "NHWC":
        x = x.transpose(0, 2, 3, 1)
    x = np.ascontiguousarray(x)
    weight = rng.standard_normal((cin, cog, kh, kw)).astype(dtype)
    # non-contiguous inputs now and then
    if draw(st.booleans()):
        x = np.asfortranarray(x)
    if draw(st.booleans()):
        weight = weight[:, :, ::-1, ::-1].copy()[:, :, ::-1, ::-1]
    bias = rng.standard_normal(groups * cog).astype(dtype) if draw(st.booleans()) else None
    kw_ = dict(stride=_spelled(draw, (sh, sw)), padding=padding,
               output_padding=_spelled(draw, (oph, opw)),
               dilation=_spelled(draw, (dh, dw)), groups=groups, layout=layout,
               activation=draw(st.sampled_from(ACTIVATIONS)),
               negative_slope=draw(st.sampled_from([0.01, 0.2, float(np.float32(0.02)), 0.0])))
    options = dict(use_out=draw(st.booleans()),
                   num_threads=draw(st.sampled_from([None, 1, 2, 3, -1])))
    return x, weight, bias, kw_, options


@FUZZ
@given(cases())
def test_fuzz_against_reference(case):
    x, w, b, kw, options = case
    snapshot = [None if a is None else a.copy() for a in (x, w, b)]
    out = None
    if options["use_out"]:
        n, c, h, wd = x.shape if kw["layout"] == "NCHW" else np.take(x.shape, [0, 3, 1, 2])
        ho, wo = output_size(h, wd, w.shape[2], w.shape[3], kw["stride"], kw["padding"],
                             kw["output_padding"], kw["dilation"])
        cout = w.shape[1] * kw["groups"]
        shape = (n, cout, ho, wo) if kw["layout"] == "NCHW" else (n, ho, wo, cout)
        out = np.full(shape, np.nan, dtype=x.dtype)
    y = convt.conv_transpose2d(x, w, b, out=out, num_threads=options["num_threads"], **kw)
    if out is not None:
        assert y is out
    assert y.dtype == x.dtype and y.flags.c_contiguous

    gkw = {k: v for k, v in kw.items() if k != "activation"}
    expected, mag = gather_ref(x, w, b, activation_name=kw["activation"], **gkw)
    compare(y, expected, mag)
    h, wd = (x.shape[1], x.shape[2]) if kw["layout"] == "NHWC" else x.shape[2:]
    if h > 0 and wd > 0:
        ref, ref_mag = conv_transpose2d_ref(x, w, b, return_magnitude=True, **kw)
        compare(y, ref, ref_mag)
        # The oracles agree up to reference.py's final rounding to the input dtype.
        fi = np.finfo(x.dtype)
        np.testing.assert_allclose(ref.astype(np.float64), expected,
                                   rtol=max(1e-12, 2 * fi.eps),
                                   atol=max(1e-12, 2 * fi.smallest_subnormal))
    for a, s in zip((x, w, b), snapshot):
        if a is not None:
            np.testing.assert_array_equal(a, s)


@pytest.mark.slow
@settings(max_examples=max(EXAMPLES // 4, 10), deadline=None,
          suppress_health_check=list(HealthCheck))
@given(cases())
def test_fuzz_thread_counts_bit_identical(case):
    x, w, b, kw, _ = case
    y1 = convt.conv_transpose2d(x, w, b, num_threads=1, **kw)
    for n in (2, 3):
        y = convt.conv_transpose2d(x, w, b, num_threads=n, **kw)
        assert np.array_equal(y.view(f"u{y.itemsize}"), y1.view(f"u{y1.itemsize}"))
