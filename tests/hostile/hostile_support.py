"""Helpers for tests/hostile (not a test module).

* ``gather_ref``: a second, independent oracle -- the same definition as tests/reference.py
  but scattered input pixel by input pixel with exact Python-int index arithmetic, so that it
  works for any geometry magnitude (stride 2**31, padding 2**30, ...) as long as the input
  and the output are small.  reference.py allocates a canvas as large as the full result,
  which such geometry makes astronomically large.
* ``compare``: a strict closeness check (NaN where expected NaN, the same infinities, finite
  elsewhere, tolerance relative to the magnitude of the sum), with the expected value
  rounded to the result dtype first so that float16/float32 overflow to inf is expected.
* ``run_in_child``: run hostile cases in a memory-limited subprocess, surviving crashes.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

HOSTILE_DIR = Path(__file__).resolve().parent
TESTS_DIR = HOSTILE_DIR.parent
GIB = 1 << 30
TOL = {np.dtype(np.float16): 2e-3, np.dtype(np.float32): 1e-5, np.dtype(np.float64): 1e-12}


def _pair(v):
    if np.ndim(v) == 0:
        return int(v), int(v)
    a, b = v
    return int(a), int(b)


def _pads(p):
    if np.ndim(p) == 0:
        return (int(p),) * 4
    p = tuple(int(v) for v in p)
    return (p[0], p[0], p[1], p[1]) if len(p) == 2 else p


def _taps(i, s, pad, d, k, size):
    """Kernel taps ``a`` (and output rows) with ``0 <= i*s - pad + a*d < size``: exact ints."""
    base = i * s - pad
    lo = 0 if base >= 0 else (-base + d - 1) // d
    hi = min(k - 1, (size - 1 - base) // d) if size - 1 - base >= 0 else -1
    if hi < lo:
        return np.zeros(0, np.intp), np.zeros(0, np.intp)
    a = np.arange(lo, hi + 1)
    rows = np.array([base + int(t) * d for t in a], dtype=np.intp)
    return a, rows


def activation(y, name, negative_slope=0.01):
    if name is None:
        return y
    if name == "relu":
        return np.maximum(y, 0.0)  # NaN stays NaN, +inf stays +inf, -inf -> 0
    if name == "leaky_relu":
        return np.where(y > 0, y, y * negative_slope)
    if name == "sigmoid":
        with np.errstate(over="ignore"):
            return 1.0 / (1.0 + np.exp(-y))
    if name == "tanh":
        return np.tanh(y)
    raise ValueError(name)


# Inf * 0 = NaN and overflow to Inf are what the definition gives: no warning for them.
@np.errstate(invalid="ignore", over="ignore")
def gather_ref(x, weight, bias=None, stride=1, padding=0, output_padding=0, dilation=1,
               groups=1, layout="NCHW", activation_name=None, negative_slope=0.01):
    """(expected float64 result, magnitude sum) by the definition; small inputs only."""
    x = np.asarray(x).astype(np.float64)
    wd = np.asarray(weight).astype(np.float64)
    if layout == "NHWC":
        x = x.transpose(0, 3, 1, 2)
    n, cin, h, w = x.shape
    _, cog, kh, kw = wd.shape
    groups = int(groups)
    cig, cout = cin // groups, cog * groups
    sh, sw = _pair(stride)
    dh, dw = _pair(dilation)
    oph, opw = _pair(output_padding)
    top, bottom, left, right = _pads(padding)
    ho = (h - 1) * sh - top - bottom + dh * (kh - 1) + 1 + oph
    wo = (w - 1) * sw - left - right + dw * (kw - 1) + 1 + opw
    assert 0 < ho * wo * max(n * cout, 1) <= 50_000_000, "gather_ref is for small outputs"
    y = np.zeros((n, cout, ho, wo))
    mag = np.zeros((n, cout, ho, wo))
    col_taps = [_taps(j, sw, left, dw, kw, wo) for j in range(w)]
    for i in range(h):
        a, rows = _taps(i, sh, top, dh, kh, ho)
        if not a.size:
            continue
        for j in range(w):
            b, cols = col_taps[j]
            if not b.size:
                continue
            for ci in range(cin):
                g = ci // cig
                wt = wd[ci][:, a][:, :, b]                          # (cog, |a|, |b|)
                xv = x[:, ci, i, j][:, None, None, None]
                ys = y[:, g * cog:(g + 1) * cog]
                ms = mag[:, g * cog:(g + 1) * cog]
                ys[:, :, rows[:, None], cols[None, :]] += xv * wt[None]
                ms[:, :, rows[:, None], cols[None, :]] += np.abs(xv) * np.abs(wt)[None]
    if bias is not None:
        bb = np.asarray(bias).astype(np.float64)[None, :, None, None]
        y, mag = y + bb, mag + np.abs(bb)
    y = activation(y, activation_name, negative_slope)
    if layout == "NHWC":
        y, mag = y.transpose(0, 2, 3, 1), mag.transpose(0, 2, 3, 1)
    return y, mag


def compare(actual, expected, mag, dtype=None):
    """Strict check of ``actual`` against a float64 ``expected`` (see the module docstring)."""
    actual = np.asarray(actual)
    dtype = np.dtype(dtype or actual.dtype)
    assert actual.dtype == dtype, (actual.dtype, dtype)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    with np.errstate(over="ignore", invalid="ignore"):
        rounded = expected.astype(dtype)
    a64 = actual.astype(np.float64)
    special = ~np.isfinite(rounded)
    ok = np.where(special, (a64 == rounded) | (np.isnan(a64) & np.isnan(rounded)), True)
    finite = ~special
    tol = TOL[dtype]
    # Near the float16 overflow threshold the result may round either way.
    with np.errstate(invalid="ignore", over="ignore"):
        bound = tol * (np.where(np.isfinite(mag), mag, 0.0) + 1.0) + tol
        err = np.abs(a64 - expected)
    ok &= np.where(finite, np.isfinite(a64) & (err <= bound), True)
    if not ok.all():
        idx = tuple(np.argwhere(~ok)[0])
        raise AssertionError(f"mismatch at {idx}: got {actual[idx]!r}, expected "
                             f"{expected[idx]!r}; {(~ok).sum()} of {ok.size} differ")


# ---- subprocess runner ---------------------------------------------------------------------

CHILD_TEMPLATE = """\
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
sys.path[:0] = [{tests!r}, {hostile!r}]
import {module} as cases_module
cases_module.run_cases({names!r})
print("PEAK_RSS_KIB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
"""


def run_in_child(module, names, timeout=300, limit=4 * GIB):
    """Run ``module.run_cases(names)`` in limited children; restart after a crash or hang.

    Returns ``({name: (outcome, detail)}, [peak RSS in KiB of each child])``; a case that
    killed its child is reported as ``("CRASH", "signal N")`` or ``("HANG", ...)``.
    """
    results, peaks, remaining = {}, [], list(names)
    env = dict(os.environ, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "2"))
    while remaining:
        code = CHILD_TEMPLATE.format(limit=limit, tests=str(TESTS_DIR), hostile=str(HOSTILE_DIR),
                                     module=module, names=remaining)
        try:
            proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                  timeout=timeout, env=env)
            stdout, rc, stderr = proc.stdout, proc.returncode, proc.stderr
        except subprocess.TimeoutExpired as e:
            out = e.stdout or b""
            stdout = out.decode() if isinstance(out, bytes) else out
            rc, stderr = None, "timeout"
        started = None
        for line in stdout.splitlines():
            parts = line.split(" ", 3)
            if parts[0] == "START":
                started = parts[1]
            elif parts[0] == "END":
                results[parts[1]] = (parts[2], parts[3] if len(parts) > 3 else "")
                started = None
            elif parts[0] == "PEAK_RSS_KIB":
                peaks.append(int(parts[1]))
        if rc == 0 and started is None:
            missing = [nm for nm in remaining if nm not in results]
            assert not missing, f"child skipped cases {missing}: {stderr[-2000:]}"
            break
        if started is None:
            # died outside a case (import, prologue): report everything left
            for nm in remaining:
                results.setdefault(nm, ("CHILD-ERROR", f"rc={rc}: {stderr[-500:]}"))
            break
        kind = "HANG" if rc is None else ("CRASH" if rc < 0 else "EXIT")
        results[started] = (kind, f"rc={rc}: {stderr[-500:]}")
        remaining = remaining[remaining.index(started) + 1:]
    return results, peaks
