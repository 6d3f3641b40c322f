"""Helpers shared by the msconvt tests (a module, since tests/ is not a package)."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np

from reference import TOL, conv_transpose2d_ref

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_python(code_or_args, cwd=None, env_extra=None, timeout=120):
    """Run a fresh interpreter with the repository importable; returns CompletedProcess."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (REPO, env.get("PYTHONPATH", "")) if p)
    env.update(env_extra or {})
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


def close(got, want, mag_like):
    """Compare with a tolerance scaled by the magnitude of the sum (as assert_close does)."""
    got = np.asarray(got)
    assert got.shape == want.shape, (got.shape, want.shape)
    tol = TOL[np.dtype(got.dtype).type]
    err = np.abs(got.astype(np.float64) - want)
    assert np.all(err <= tol * (mag_like + 1.0) + tol), err.max()


def ops_expected(d, w, stride, dilation, group, top, left, hx, wx):
    """Full transposed conv, crop (top, left), keep (hx, wx), zeros past the full result."""
    full, mag = conv_transpose2d_ref(d, w, stride=stride, dilation=dilation, groups=group,
                                     return_magnitude=True)
    n, c = full.shape[:2]
    out = np.zeros((n, c, hx, wx))
    m = np.zeros((n, c, hx, wx))
    part = full[:, :, top:top + hx, left:left + wx]
    out[:, :, :part.shape[2], :part.shape[3]] = part
    m[:, :, :part.shape[2], :part.shape[3]] = mag[:, :, top:top + hx, left:left + wx]
    return out, m
