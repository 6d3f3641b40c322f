"""Threads: bit-identical results for every thread count, the thread-count API, OpenMP in the
build, threadpoolctl, and the GIL released while the kernel runs."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

import convt
from core_support import DTYPES, LAYOUTS, assert_bit_identical, make_inputs
from reference import assert_close

OPENMP = bool(convt.build_info()["openmp"])

GEOMETRIES = [
    dict(),
    dict(stride=2, padding=(1, 0, 2, 1), output_padding=(1, 3)),
    dict(stride=(3, 1), dilation=(1, 2), groups=2, activation="tanh"),
    dict(stride=2, groups=4, activation="leaky_relu", negative_slope=0.1),
]


# ---- bit-identical results -------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("geometry", GEOMETRIES, ids=str)
def test_bit_identical_for_every_thread_count(dtype, layout, geometry, restore_thread_settings):
    rng = np.random.default_rng(5)
    # enough (n, c_out) planes and rows that every thread gets work
    x, w, b = make_inputs(rng, n=5, cin=4, h=9, w=7, cog=3, kh=3, kw=4,
                          groups=geometry.get("groups", 1), dtype=dtype, layout=layout)
    kw = dict(geometry, layout=layout)
    base = convt.conv_transpose2d(x, w, b, num_threads=1, **kw)
    assert_close(base, x, w, b, **kw)
    for n in (2, 3, 4, -1, None):
        assert_bit_identical(convt.conv_transpose2d(x, w, b, num_threads=n, **kw), base)
    for n in (1, 2, 3):
        with convt.threads(n):
            assert_bit_identical(convt.conv_transpose2d(x, w, b, **kw), base)
        convt.set_num_threads(n)
        assert_bit_identical(convt.conv_transpose2d(x, w, b, **kw), base)
    convt.set_num_threads(None)
    out = np.empty_like(base)
    convt.conv_transpose2d(x, w, b, out=out, num_threads=3, **kw)
    assert_bit_identical(out, base)


@pytest.mark.parametrize("num_threads", [None, 1, 2])
@pytest.mark.parametrize("dtype", DTYPES)
def test_smoke_num_threads(num_threads, dtype):
    rng = np.random.default_rng(6)
    x, w, b = make_inputs(rng, n=3, cin=2, h=5, w=5, cog=2, kh=3, kw=3, dtype=dtype)
    y = convt.conv_transpose2d(x, w, b, stride=2, num_threads=num_threads)
    assert_close(y, x, w, b, stride=2)


# ---- the thread-count API ----------------------------------------------------------------------

def test_set_and_get_num_threads(restore_thread_settings):
    default = restore_thread_settings
    assert isinstance(default, int) and default >= 1
    convt.set_num_threads(2)
    # the process default is capped by the OpenMP limit (threadpoolctl can lower it)
    assert convt.get_num_threads() == (min(2, convt.build_info()["max_threads"]) if OPENMP
                                       else 1)
    convt.set_num_threads(1)
    assert convt.get_num_threads() == 1
    convt.set_num_threads(None)
    assert convt.get_num_threads() == default


def test_negative_count_backs_from_the_cores(restore_thread_settings):
    cores = convt.build_info()["max_threads"]
    convt.set_num_threads(-1)
    assert convt.get_num_threads() == (cores if OPENMP else 1)
    convt.set_num_threads(-10_000)  # never below one thread
    assert convt.get_num_threads() == 1


def test_threads_context_manager_nests_and_restores(restore_thread_settings):
    default = convt.get_num_threads()
    with convt.threads(1):
        assert convt.get_num_threads() == 1
        with convt.threads(2):
            assert convt.get_num_threads() == 2
        assert convt.get_num_threads() == 1
    assert convt.get_num_threads() == default
    with pytest.raises(RuntimeError):
        with convt.threads(1):
            raise RuntimeError("boom")
    assert convt.get_num_threads() == default


def test_threads_context_is_per_python_thread(restore_thread_settings):
    default = convt.get_num_threads()
    inside, seen = threading.Event(), {}
    release = threading.Event()

    def worker():
        with convt.threads(1):
            seen["worker"] = convt.get_num_threads()
            inside.set()
            release.wait(30)

    t = threading.Thread(target=worker)
    t.start()
    assert inside.wait(30)
    seen["main"] = convt.get_num_threads()
    release.set()
    t.join(30)
    assert seen == {"worker": 1, "main": default}


def _child(code, env_extra):
    env = dict(os.environ)
    env.pop("OMP_NUM_THREADS", None)
    env.update(env_extra)
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


@pytest.mark.parametrize("n", [1, 2, 3])
def test_omp_num_threads_is_honoured(n):
    code = ("import convt, numpy as np\n"
            "x = np.ones((2, 2, 3, 3)); w = np.ones((2, 2, 2, 2))\n"
            "y = convt.conv_transpose2d(x, w)\n"
            "assert y[0, 0, 1, 1] == 8.0\n"
            "print(convt.get_num_threads())")
    got = int(_child(code, {"OMP_NUM_THREADS": str(n)}))
    assert got == (n if OPENMP else 1)


# ---- the build -------------------------------------------------------------------------------

def test_build_info():
    info = convt.build_info()
    assert isinstance(info, dict)
    assert isinstance(info["openmp"], bool)
    assert isinstance(info["max_threads"], int) and info["max_threads"] >= 1
    assert isinstance(info["cython_version"], str) and info["cython_version"][0].isdigit()
    assert isinstance(info["blas"], str) and info["blas"]
    if not info["openmp"]:
        assert info["max_threads"] == 1 or convt.get_num_threads() == 1


def test_openmp_parallelism_enabled():
    # After scikit-learn's sklearn/tests/test_build.py: a build without OpenMP is a
    # packaging mistake unless it was asked for.
    if os.environ.get("CONVT_DISABLE_OPENMP", "").strip().lower() in ("1", "true", "yes", "on"):
        pytest.skip("test explicitly skipped (CONVT_DISABLE_OPENMP)")
    assert convt.build_info()["openmp"], (
        "convt was built without OpenMP support, so its kernels run on one thread.\n"
        "Install a C compiler with OpenMP (gcc, or clang with libomp) and rebuild, e.g.\n"
        "    pip install --no-build-isolation -e .\n"
        "If a serial build is intended, set CONVT_DISABLE_OPENMP=1 for both the build "
        "and the tests.")


def test_threadpoolctl_openmp_limit_is_honoured():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    if not OPENMP:
        pytest.skip("convt built without OpenMP")
    # make sure convt's OpenMP runtime is loaded before threadpoolctl looks for it
    convt.conv_transpose2d(np.ones((1, 1, 2, 2)), np.ones((1, 1, 2, 2)), num_threads=2)
    before = convt.get_num_threads()
    with threadpoolctl.threadpool_limits(limits=1, user_api="openmp"):
        assert convt.get_num_threads() == 1
        rng = np.random.default_rng(9)
        x, w, b = make_inputs(rng, n=2, cin=2, h=4, w=4, cog=2, kh=3, kw=3)
        assert_close(convt.conv_transpose2d(x, w, b), x, w, b)
    assert convt.get_num_threads() == before


# ---- the GIL ---------------------------------------------------------------------------------

def _big_problem():
    rng = np.random.default_rng(10)
    x = rng.standard_normal((2, 48, 40, 40)).astype(np.float32)
    w = rng.standard_normal((48, 48, 5, 5)).astype(np.float32) / 50
    return x, w


def test_gil_released_pure_python_thread_keeps_running():
    """A pure-Python counter thread keeps counting while big calls run in another thread.

    Not a timing test: the counter's progress *during* the calls is compared, with a wide
    margin, with its progress over the same wall time when it runs alone. If the GIL were
    held for the whole kernel, the counter would only run in the few Python-level slices.
    """
    x, w = _big_problem()
    convt.conv_transpose2d(x, w, num_threads=1)  # warm-up: kernel import, BLAS, pools

    stop = threading.Event()
    counter = [0]

    def count():
        while not stop.is_set():
            counter[0] += 1

    # The counter's solo rate, over a fixed number of calls' worth of wall time.
    t = threading.Thread(target=count)
    start = time.perf_counter()
    t.start()
    time.sleep(0.3)
    stop.set()
    t.join()
    solo_rate = counter[0] / (time.perf_counter() - start)

    stop.clear()
    counter[0] = 0
    results = []
    t = threading.Thread(target=count)
    t.start()
    time.sleep(0.01)  # let the counter start
    c0, start = counter[0], time.perf_counter()
    while time.perf_counter() - start < 0.6 or not results:
        results.append(convt.conv_transpose2d(x, w, num_threads=1))
    elapsed, c1 = time.perf_counter() - start, counter[0]
    stop.set()
    t.join()

    during = c1 - c0
    # Generous: a released GIL gives roughly solo_rate * elapsed (two cores, one busy);
    # a held one gives a few per cent at most.
    assert during > 0.2 * solo_rate * elapsed, (during, solo_rate * elapsed, len(results))
    assert_close(results[0][:1], x[:1], w)
    assert all(np.array_equal(r, results[0]) for r in results)


def test_two_python_threads_both_correct():
    rng = np.random.default_rng(12)
    problems = [make_inputs(rng, n=3, cin=4, h=12, w=11, cog=5, kh=3, kw=4, dtype=dt)
                for dt in (np.float32, np.float64)]
    kws = [dict(stride=2, padding=1), dict(stride=(1, 3), dilation=2, activation="sigmoid")]
    barrier = threading.Barrier(2)
    done, errors = [0, 0], []

    def run(i):
        try:
            x, w, b = problems[i]
            barrier.wait(30)
            for _ in range(20):
                y = convt.conv_transpose2d(x, w, b, num_threads=1 + i, **kws[i])
                assert_close(y, x, w, b, **kws[i])
                done[i] += 1
        except Exception as e:  # reported below
            errors.append(repr(e))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert done == [20, 20]
