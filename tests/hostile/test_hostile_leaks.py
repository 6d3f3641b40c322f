"""No leaks: 10,000 calls on a tiny input (and 2,000 failing calls) leave the resident set
flat.  Run in a subprocess, RSS read from /proc/self/statm after a 200-call warm-up."""
from __future__ import annotations

import subprocess
import sys

import pytest

from hostile_support import TESTS_DIR

CHILD = r"""
import os, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
sys.path.insert(0, {tests!r})
import numpy as np
import convt
from reference import assert_close

PAGE = os.sysconf("SC_PAGE_SIZE")

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE

rng = np.random.default_rng(0)
variants = []
for dtype in (np.float16, np.float32, np.float64):
    x = rng.standard_normal((1, 2, 3, 3)).astype(dtype)
    w = rng.standard_normal((2, 2, 2, 2)).astype(dtype)
    b = rng.standard_normal(4).astype(dtype)
    variants.append((x, w, b, dict(groups=2, stride=2, activation="tanh")))
    variants.append((np.asfortranarray(x), w, None, dict(padding=(1, 0, 0, 1), num_threads=2)))
    xn = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
    out = np.empty((1, 6, 6, 4), dtype)
    variants.append((xn, w, b, dict(groups=2, stride=2, layout="NHWC", out=out,
                                    num_threads=1)))
for x, w, b, kw in variants:
    y = convt.conv_transpose2d(x, w, b, **kw)
    kw = dict(kw); kw.pop("out", None); kw.pop("num_threads", None)
    assert_close(y, x, w, b, **kw)

def calls(n):
    for i in range(n):
        x, w, b, kw = variants[i % len(variants)]
        convt.conv_transpose2d(x, w, b, **kw)

def failing(n):
    x, w, b, kw = variants[0]
    for i in range(n):
        for bad in (dict(stride=0), dict(groups=3), dict(out=np.empty(1))):
            try:
                convt.conv_transpose2d(x, w, b, **dict(kw, **bad))
            except (ValueError, TypeError):
                pass
            else:
                raise SystemExit("no error raised")

calls(200)
failing(50)
before = rss()
calls(10_000)
middle = rss()
failing(2_000)
after = rss()
print("RSS", before, middle, after)
"""


@pytest.mark.slow
def test_ten_thousand_calls_do_not_grow_rss():
    proc = subprocess.run([sys.executable, "-c", CHILD.format(tests=str(TESTS_DIR))],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RSS ")][-1]
    before, middle, after = (int(v) for v in line.split()[1:])
    mib = 1 << 20
    assert middle - before < 4 * mib, f"10,000 calls grew RSS by {(middle - before) / mib:.1f} MiB"
    assert after - middle < 2 * mib, f"failing calls grew RSS by {(after - middle) / mib:.1f} MiB"


KEPT_CHILD = r"""
import resource
import numpy as np
import convt
import convt._conv_transpose as kernel
import convt.conv_transpose as ct

def vm_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize"):
                return int(line.split()[1]) * 1024

# Stride phases on BLAS, whatever the vector width of the build: each call's scratch is
# then mostly its repacked weight, so the sizes below hold on every machine.
ct._force_algorithm = 1
rng = np.random.default_rng(0)
# A keeps its 16 MiB repacked weight (and its per-thread buffers) after its call
xa = rng.standard_normal((1, 1024, 16, 16), dtype=np.float32)
wa = rng.standard_normal((1024, 1024, 2, 2), dtype=np.float32)
convt.conv_transpose2d(xa, wa, stride=2)
kept = kernel.scratch_kept()
# B needs blocks of other sizes; its output exists already, so scratch is all it allocates
xb = rng.standard_normal((1, 512, 16, 16), dtype=np.float32)
wb = rng.standard_normal((512, 512, 2, 2), dtype=np.float32)
need = convt.plan(xb.shape, wb.shape, stride=2)["scratch_bytes"]
out = np.empty(convt.output_shape(xb.shape, wb.shape, stride=2), np.float32)
assert kept > 2 * need, (kept, need)
# room for half of B's scratch: B can run only if the kept blocks give way
limit = vm_bytes() + need // 2
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
convt.conv_transpose2d(xb, wb, stride=2, out=out)
print("KEPT", kept, need, kernel.scratch_kept(), flush=True)
"""


def test_kept_scratch_gives_way_when_memory_runs_short():
    proc = subprocess.run([sys.executable, "-c", KEPT_CHILD], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("KEPT ")][-1]
    kept_before, need, kept_after = (int(v) for v in line.split()[1:])
    # the first call's blocks were freed to make room; only the second call's are kept
    assert need <= kept_after < kept_before, line
