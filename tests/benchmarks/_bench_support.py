"""Shared pieces of the benchmark tests: the suite layers, their inputs, and the checks.

The oracle (``tests/reference.py``) sums tap by tap in float64 and is slow, so each layer is
checked as fully as is cheap: the whole output when the reference costs little, otherwise
the first image of the batch, otherwise a sample of output elements recomputed here by
direct summation of the definition (never by the code under test).
"""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

from convt.bench import make_inputs
from reference import TOL, assert_close

# Multiply-accumulates the reference handles in about a quarter of a second.
_REF_BUDGET = 2e8
_POINTS = 48

_SUITE_FILE = os.path.join(os.path.dirname(__file__), "..", "..", "_core", "suite.json")


def load_layers():
    """The suite, from the installed package when it imports, else from the source tree."""
    try:
        from convt.bench import load_suite
        return load_suite()
    except ImportError:
        with open(_SUITE_FILE, encoding="utf-8") as f:
            return json.load(f)["layers"]


def flops(layer):
    """The conventional count, 2*N*C_in*(C_out/groups)*KH*KW*H*W (as ``python -m convt
    bench``: cropped taps included)."""
    k = layer["kernel"]
    return (2 * layer["N"] * layer["C_in"] * (layer["C_out"] // layer["groups"]) * k * k
            * layer["H"] * layer["W"])


def geometry(layer):
    return dict(stride=layer["stride"], padding=layer["padding"],
                output_padding=layer["output_padding"], dilation=layer["dilation"],
                groups=layer["groups"])


# The same deterministic inputs as ``python -m convt bench`` (weight scaled by 1/sqrt(fan-in)
# like a trained layer); input generation, not an oracle, so sharing it is safe.
inputs = make_inputs


def layer_params():
    return [pytest.param(layer, id=layer["name"],
                         marks=pytest.mark.benchmark(group=layer["name"], warmup=True))
            for layer in load_layers()]


def record(benchmark, layer, **extra):
    """Layer parameters and the useful FLOPs in ``extra_info``; GFLOP/s once timed."""
    benchmark.extra_info.update({k: v for k, v in layer.items()})
    benchmark.extra_info["flops"] = flops(layer)
    benchmark.extra_info.update(extra)


def record_rate(benchmark, layer):
    stats = getattr(benchmark, "stats", None)
    if stats is not None:  # None under --benchmark-disable
        benchmark.extra_info["gflops_median"] = flops(layer) / stats.stats.median / 1e9


def _direct_sum_points(y, x, w, b, layer, points, seed):
    """Compare ``points`` random elements of ``y`` with the definition, summed in float64."""
    nhwc = layer["layout"] == "NHWC"
    xs = np.asarray(x).transpose(0, 3, 1, 2) if nhwc else np.asarray(x)
    ys = np.asarray(y).transpose(0, 3, 1, 2) if nhwc else np.asarray(y)
    _, c_in, h, wd = xs.shape
    _, cog, kh, kw = w.shape
    cig = c_in // layer["groups"]
    s, p, d = layer["stride"], layer["padding"], layer["dilation"]
    tol = TOL[np.dtype(layer["dtype"]).type]
    rng = np.random.default_rng(seed)
    picks = [tuple(int(rng.integers(0, m)) for m in ys.shape) for _ in range(points)]
    picks += [(0, 0, 0, 0), tuple(m - 1 for m in ys.shape)]
    for n, o, oh, ow in picks:
        grp, oo = divmod(o, cog)
        chans = slice(grp * cig, (grp + 1) * cig)
        acc = mag = 0.0
        # y[n, o, i*s + a*d - p, j*s + c*d - p] gets x[n, chans, i, j] * w[chans, oo, a, c]
        for a in range(kh):
            for c in range(kw):
                ti, tj = oh + p - a * d, ow + p - c * d
                if ti % s or tj % s:
                    continue
                i, j = ti // s, tj // s
                if 0 <= i < h and 0 <= j < wd:
                    xv = xs[n, chans, i, j].astype(np.float64)
                    wv = w[chans, oo, a, c].astype(np.float64)
                    acc += xv @ wv
                    mag += np.abs(xv) @ np.abs(wv)
        if b is not None:
            acc += float(b[o])
            mag += abs(float(b[o]))
        got = float(ys[n, o, oh, ow])
        assert abs(got - acc) <= tol * (mag + 1.0) + tol, \
            f"{layer['name']} at {(n, o, oh, ow)}: got {got!r}, expected {acc!r}"


def check(y, x, w, b, layer, seed=0):
    """Assert ``y`` is the layer's result, as thoroughly as the reference's cost allows."""
    y = np.asarray(y)
    kw = dict(geometry(layer), layout=layer["layout"])
    macs = flops(layer) / 2
    if macs <= _REF_BUDGET:
        assert_close(y, x, w, b, **kw)
    elif macs / layer["N"] <= _REF_BUDGET:
        assert_close(y[:1], x[:1], w, b, **kw)
        _direct_sum_points(y, x, w, b, layer, _POINTS // 4, seed)
    else:
        _direct_sum_points(y, x, w, b, layer, _POINTS, seed)
