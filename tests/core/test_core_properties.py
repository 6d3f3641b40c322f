"""Hypothesis property tests of ``convt.conv_transpose2d`` (the long differential fuzzer is
tests/hostile/test_hostile_fuzz.py).  Example counts: ``CONVT_FUZZ_EXAMPLES`` (default 40;
``pytest --fuzz`` sets 2000)."""
from __future__ import annotations

import os

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import convt
from core_support import ACTIVATIONS, DTYPES, assert_bit_identical
from reference import assert_close

EXAMPLES = int(os.environ.get("CONVT_FUZZ_EXAMPLES", "40"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def problems(draw):
    groups = draw(st.integers(1, 3))
    cig, cog = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    n = draw(st.integers(1, 3))
    h, w = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    kh, kw = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    sh, sw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    dh, dw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    oph, opw = draw(st.integers(0, 5)), draw(st.integers(0, 5))
    full_h, full_w = (h - 1) * sh + dh * (kh - 1) + 1, (w - 1) * sw + dw * (kw - 1) + 1
    top = draw(st.integers(0, full_h + oph - 1))
    bottom = draw(st.integers(0, full_h + oph - 1 - top))
    left = draw(st.integers(0, full_w + opw - 1))
    right = draw(st.integers(0, full_w + opw - 1 - left))
    dtype = draw(st.sampled_from(DTYPES))
    layout = draw(st.sampled_from(["NCHW", "NHWC"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.standard_normal((n, groups * cig, h, w)).astype(dtype)
    if layout == "NHWC":
        x = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
    weight = rng.standard_normal((groups * cig, cog, kh, kw)).astype(dtype)
    bias = draw(st.sampled_from([None, rng.standard_normal(groups * cog).astype(dtype)]))
    kw_ = dict(stride=(sh, sw), padding=(top, bottom, left, right), output_padding=(oph, opw),
               dilation=(dh, dw), groups=groups, layout=layout,
               activation=draw(st.sampled_from(ACTIVATIONS)),
               negative_slope=draw(st.sampled_from([0.01, 0.2])))
    return x, weight, bias, kw_


@SETTINGS
@given(problems())
def test_matches_reference(problem):
    x, w, b, kw = problem
    y = convt.conv_transpose2d(x, w, b, **kw)
    assert y.dtype == x.dtype and y.flags.c_contiguous
    assert_close(y, x, w, b, **kw)


@SETTINGS
@given(problems(), st.sampled_from([2, 3, -1]))
def test_thread_count_and_out_are_bit_identical(problem, nthreads):
    x, w, b, kw = problem
    y1 = convt.conv_transpose2d(x, w, b, num_threads=1, **kw)
    assert_bit_identical(convt.conv_transpose2d(x, w, b, num_threads=nthreads, **kw), y1)
    with convt.threads(nthreads):
        out = np.full_like(y1, np.nan)
        assert convt.conv_transpose2d(x, w, b, out=out, **kw) is out
    assert_bit_identical(out, y1)
    assert_close(y1, x, w, b, **kw)


@SETTINGS
@given(problems())
def test_layouts_agree(problem):
    x, w, b, kw = problem
    if kw["layout"] == "NHWC":
        x = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
    kw = dict(kw, layout="NCHW")
    y = convt.conv_transpose2d(x, w, b, **kw)
    y_nhwc = convt.conv_transpose2d(np.ascontiguousarray(x.transpose(0, 2, 3, 1)), w, b,
                                    **dict(kw, layout="NHWC"))
    assert y_nhwc.shape == (y.shape[0], y.shape[2], y.shape[3], y.shape[1])
    assert_close(y, x, w, b, **kw)
    assert_close(y_nhwc.transpose(0, 3, 1, 2), x, w, b, **kw)
