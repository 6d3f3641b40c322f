"""Scratch kept between calls (``_core/_scratch_cache.h``).

A reused block still holds an earlier call's data, so every result must be the
definition's whatever the scratch held before; the kept memory is bounded, and
``convt.release_scratch()`` gives it back.  (The debug build goes further: every kept block
is filled with NaN, so any kernel reading scratch it did not write fails these tests.)
"""
from __future__ import annotations

import threading

import numpy as np
import pytest

import convt
import convt._conv_transpose as kernel
import convt.conv_transpose as ct
from reference import assert_close

CAP = 32 << 20
# AddressSanitizer builds keep nothing, so that every block has its own redzone
keeps = pytest.mark.skipif(not kernel.SCRATCH_CACHE, reason="this build keeps no scratch")

# (N, C_in, C_out, H, W, k, stride, padding, output_padding, groups, layout), each large
# enough that the kernel plans (and allocates) rather than running the direct loops
GEOMETRIES = [
    (2, 32, 16, 17, 23, 5, 3, 2, 1, 1, "NCHW"),   # GEMM + col2im, BLAS product
    (1, 64, 32, 8, 8, 4, 2, 1, 0, 1, "NCHW"),     # GEMM + col2im on whole vector blocks
    (2, 64, 32, 8, 8, 4, 2, 1, 0, 1, "NCHW"),     # GEMM + col2im over stacked images
    (2, 48, 64, 9, 7, 3, 2, 1, 1, 1, "NHWC"),     # stride phases
    (2, 16, 16, 12, 12, 4, 2, 1, 0, 16, "NCHW"),  # depthwise
]


def _problem(geometry, seed, dtype=np.float32):
    n, cin, cout, h, w, k, s, p, op, g, layout = geometry
    rng = np.random.default_rng(seed)
    shape = (n, cin, h, w) if layout == "NCHW" else (n, h, w, cin)
    x = rng.standard_normal(shape).astype(dtype)
    wt = rng.standard_normal((cin, cout // g, k, k)).astype(dtype)
    b = rng.standard_normal(cout).astype(dtype)
    kw = dict(stride=s, padding=p, output_padding=op, groups=g, layout=layout)
    return x, wt, b, kw


@pytest.mark.parametrize("algorithm", [0, 1, 2, 3])
@pytest.mark.parametrize("geometry", GEOMETRIES, ids=lambda g: f"n{g[0]}-{g[1]}x{g[2]}-k{g[5]}s{g[6]}-{g[10]}")
def test_scratch_left_full_of_nan_does_not_reach_the_next_result(geometry, algorithm,
                                                                 monkeypatch):
    monkeypatch.setattr(ct, "_force_algorithm", algorithm)
    x, w, b, kw = _problem(geometry, seed=1)
    convt.release_scratch()
    # NaN input and weight: the first call leaves its buffers (staged input, products,
    # result tiles, packed weight) full of NaN, and they are kept
    convt.conv_transpose2d(np.full_like(x, np.nan), np.full_like(w, np.nan), b, **kw)
    assert (kernel.scratch_kept() > 0) == kernel.SCRATCH_CACHE
    for threads in (2, 1, 3):
        y = convt.conv_transpose2d(x, w, b, num_threads=threads, **kw)
        assert_close(y, x, w, b, **kw)


@keeps
def test_repeated_calls_reuse_the_kept_blocks():
    x, w, b, kw = _problem(GEOMETRIES[0], seed=2)
    convt.release_scratch()
    convt.conv_transpose2d(x, w, b, num_threads=2, **kw)
    kept = kernel.scratch_kept()
    info = convt.plan(x.shape, w.shape, num_threads=2, **kw)
    # every block of the call is kept (each rounded up to whole cache lines)
    assert info["scratch_bytes"] <= kept <= info["scratch_bytes"] + 64 * 16
    for _ in range(5):
        convt.conv_transpose2d(x, w, b, num_threads=2, **kw)
        assert kernel.scratch_kept() == kept


@keeps
def test_kept_scratch_is_bounded_and_released():
    convt.release_scratch()
    rng = np.random.default_rng(3)
    # many distinct sizes, among them a call whose scratch alone is near the cap
    for cin in (64, 96, 128, 160, 192, 224, 256, 512, 1024):
        x = rng.standard_normal((1, cin, 32, 32)).astype(np.float32)
        w = rng.standard_normal((cin, 512, 2, 2)).astype(np.float32)
        convt.conv_transpose2d(x, w, stride=2)
        assert 0 < kernel.scratch_kept() <= CAP
    kept = kernel.scratch_kept()
    assert convt.release_scratch() == kept
    assert kernel.scratch_kept() == 0
    assert convt.release_scratch() == 0


def test_python_threads_sharing_one_geometry_get_correct_results():
    # Four Python threads call the same layer at once: blocks of one size pass between
    # them through the cache, never to two calls at a time.
    x, w, b, kw = _problem(GEOMETRIES[1], seed=4)
    inputs = [np.random.default_rng(10 + i).standard_normal(x.shape).astype(np.float32)
              for i in range(4)]
    results = [[] for _ in inputs]
    barrier = threading.Barrier(len(inputs))

    def work(i):
        barrier.wait()
        for _ in range(12):
            results[i].append(convt.conv_transpose2d(inputs[i], w, b, num_threads=2, **kw))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(inputs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for xi, ys in zip(inputs, results):
        assert len(ys) == 12
        assert_close(ys[0], xi, w, b, **kw)
        for y in ys[1:]:
            np.testing.assert_array_equal(y, ys[0])
