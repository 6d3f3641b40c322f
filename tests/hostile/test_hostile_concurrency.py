"""Concurrency: eight Python threads call the core at once, with different shapes and thread
settings; all results are correct and the global thread settings are unchanged afterwards."""
from __future__ import annotations

import threading

import numpy as np

import convt
from hostile_support import compare, gather_ref

N_THREADS = 8
CALLS_PER_THREAD = 6


def _problem(i):
    rng = np.random.default_rng(100 + i)
    dtype = [np.float16, np.float32, np.float64][i % 3]
    groups = 1 + i % 2
    x = rng.standard_normal((1 + i % 3, 2 * groups, 5 + i, 4 + (i * 3) % 5)).astype(dtype)
    w = rng.standard_normal((2 * groups, 1 + i % 3, 1 + i % 4, 2 + i % 3)).astype(dtype)
    b = rng.standard_normal(w.shape[1] * groups).astype(dtype)
    kw = dict(stride=(1 + i % 3, 1 + (i + 1) % 2), padding=(i % 2, 0, 0, i % 3),
              output_padding=(i % 4, 1), dilation=(1 + i % 2, 1), groups=groups,
              activation=[None, "relu", "leaky_relu", "sigmoid", "tanh"][i % 5])
    if i % 2:
        x = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
        kw["layout"] = "NHWC"
    return x, w, b, kw


def test_eight_threads_at_once_correct_and_settings_unchanged():
    problems = [_problem(i) for i in range(N_THREADS)]
    expected = []
    for x, w, b, kw in problems:
        k = dict(kw)
        act = k.pop("activation")
        expected.append(gather_ref(x, w, b, activation_name=act, **k))
    before = convt.get_num_threads()
    barrier = threading.Barrier(N_THREADS)
    errors, seen_inside = [], {}

    def run(i):
        x, w, b, kw = problems[i]
        try:
            barrier.wait(60)
            for call in range(CALLS_PER_THREAD):
                mode = (i + call) % 4
                if mode == 0:
                    y = convt.conv_transpose2d(x, w, b, num_threads=1, **kw)
                elif mode == 1:
                    y = convt.conv_transpose2d(x, w, b, num_threads=2, **kw)
                elif mode == 2:
                    y = convt.conv_transpose2d(x, w, b, num_threads=None, **kw)
                else:
                    k = 1 + i % 2
                    with convt.threads(k):
                        seen_inside[i] = convt.get_num_threads()
                        out = np.full_like(convt.conv_transpose2d(x, w, b, **kw), np.nan)
                        y = convt.conv_transpose2d(x, w, b, out=out, **kw)
                        assert y is out
                compare(y, *expected[i])
        except Exception as e:  # collected and reported by the main thread
            errors.append(f"thread {i}: {e!r}")

    threads = [threading.Thread(target=run, args=(i,)) for i in range(N_THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    assert not errors, errors
    assert seen_inside == {i: 1 + i % 2 for i in range(N_THREADS)}
    assert convt.get_num_threads() == before
    # the inputs are unchanged too
    for i, (x, w, b, kw) in enumerate(problems):
        x0, w0, b0, _ = _problem(i)
        for a, a0 in ((x, x0), (w, w0), (b, b0)):
            np.testing.assert_array_equal(a, a0)


def test_threads_with_set_num_threads_in_between(restore_thread_settings):
    # One thread changes the process default while others compute: results stay correct
    # (bit-identical for any thread count) and the final default is whatever was set last.
    x, w, b, kw = _problem(2)
    k = dict(kw)
    act = k.pop("activation")
    exp = gather_ref(x, w, b, activation_name=act, **k)
    base = convt.conv_transpose2d(x, w, b, num_threads=1, **kw)
    compare(base, *exp)
    stop, errors = threading.Event(), []

    def toggler():
        n = 0
        while not stop.is_set():
            convt.set_num_threads(1 + n % 2)
            n += 1

    def caller():
        try:
            for _ in range(30):
                y = convt.conv_transpose2d(x, w, b, **kw)
                assert np.array_equal(y.view(np.uint8), base.view(np.uint8))
        except Exception as e:
            errors.append(repr(e))

    t0 = threading.Thread(target=toggler)
    callers = [threading.Thread(target=caller) for _ in range(3)]
    t0.start()
    for t in callers:
        t.start()
    for t in callers:
        t.join(120)
    stop.set()
    t0.join(30)
    assert not errors, errors
    convt.set_num_threads(1)
    assert convt.get_num_threads() == 1
