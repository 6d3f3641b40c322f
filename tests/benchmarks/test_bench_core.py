"""The suite through ``convt.conv_transpose2d``, at one thread and at all cores.

A normal ``pytest`` run executes each case once (``--benchmark-disable``) and checks the
result; timings need ``pytest tests/benchmarks --benchmark-enable --benchmark-only``.
"""
import os

import pytest

from _bench_support import check, geometry, inputs, layer_params, record, record_rate

convt = pytest.importorskip("convt")

_CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
THREADS = sorted({1, _CORES or 1})


@pytest.mark.parametrize("num_threads", THREADS, ids=[f"t{n}" for n in THREADS])
@pytest.mark.parametrize("layer", layer_params())
def test_core(benchmark, layer, num_threads):
    x, w, b = inputs(layer)
    record(benchmark, layer, api="convt.conv_transpose2d", num_threads=num_threads)
    y = benchmark(convt.conv_transpose2d, x, w, b, layout=layer["layout"],
                  num_threads=num_threads, **geometry(layer))
    record_rate(benchmark, layer)
    check(y, x, w, b, layer)
