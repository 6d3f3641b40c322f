"""Benchmark context: what was measured on what.

Runs in a timing session put the thread count, convt's build information and the CPU into
the machine info of the JSON that ``--benchmark-json`` writes, so two result files can be
compared knowing whether the build or the machine differed.
"""
import json
import os


def _jsonable(obj):
    return json.loads(json.dumps(obj, default=str))


def pytest_benchmark_update_machine_info(config, machine_info):
    try:
        import convt
        from convt.bench import machine_info as cpu_info
    except ImportError as e:
        machine_info["convt"] = f"not importable: {e}"
        return
    machine_info["convt_version"] = getattr(convt, "__version__", "?")
    try:
        machine_info["convt_build_info"] = _jsonable(convt.build_info())
    except Exception as e:  # the timing run should not die over its own annotations
        machine_info["convt_build_info"] = f"unavailable: {e!r}"
    machine_info["convt_num_threads"] = convt.get_num_threads()
    machine_info["OMP_NUM_THREADS"] = os.environ.get("OMP_NUM_THREADS")
    machine_info["cpu_detail"] = cpu_info()
