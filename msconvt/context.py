"""``mindspore.context`` / ``mindspore.set_context``: execution settings.

msconvt always runs eagerly on the CPU.  ``device_target`` other than ``"CPU"`` warns and
stays on the CPU; ``mode=GRAPH_MODE`` is recorded and the calls still run eagerly, which
gives the same numbers for everything this package provides.  Settings without effect on
results are recorded; ones that would need a graph compiler, dumps or a profiler raise
NotImplementedError when set to a non-default value.
"""
from __future__ import annotations

import threading
import warnings

__all__ = ["set_context", "get_context", "GRAPH_MODE", "PYNATIVE_MODE"]

GRAPH_MODE = 0
PYNATIVE_MODE = 1

_lock = threading.Lock()
_DEFAULTS = {"mode": PYNATIVE_MODE, "device_target": "CPU", "device_id": 0,
             "save_graphs": False, "save_graphs_path": ".", "max_call_depth": 1000,
             "pynative_synchronize": False, "deterministic": "OFF",
             "runtime_num_threads": 30, "inter_op_parallel_num": 0,
             "enable_compile_cache": False, "compile_cache_path": "",
             "max_device_memory": "1024GB", "mempool_block_size": "1GB",
             "print_file_path": "", "env_config_path": "", "precompile_only": False,
             "jit_config": {}, "jit_level": "", "memory_optimize_level": "O0",
             "debug_level": 0, "check_bprop": False, "enable_reduce_precision": True,
             "reserve_class_name_in_scope": True, "enable_graph_kernel": False,
             "graph_kernel_flags": "", "op_timeout": 1900, "grad_for_scalar": False,
             "disable_format_transform": False, "ascend_config": {}, "gpu_config": {},
             "variable_memory_max_size": "", "enable_dump": False, "save_dump_path": ".",
             "enable_profiling": False, "profiling_options": "", "support_binary": False,
             "memory_offload": "OFF", "aoe_tune_mode": "", "aoe_config": {},
             "device_context": {}}
_context = dict(_DEFAULTS)
# Settings that change nothing msconvt computes (execution, memory and thread hints) are
# recorded; the others (graph dumps, profiling, compile caches, ...) would be silently ignored,
# so a non-default value for them raises NotImplementedError.
_RECORDED = {"mode", "device_target", "device_id", "max_call_depth", "pynative_synchronize",
             "deterministic", "runtime_num_threads", "inter_op_parallel_num", "max_device_memory",
             "mempool_block_size", "variable_memory_max_size", "jit_config", "jit_level",
             "memory_optimize_level", "op_timeout", "ascend_config", "gpu_config",
             "device_context", "check_bprop", "grad_for_scalar", "debug_level",
             "reserve_class_name_in_scope", "enable_reduce_precision",
             "disable_format_transform"}


def set_context(**kwargs):
    """Record execution settings (see the module docstring for what is honoured)."""
    updates = {}
    for key, value in kwargs.items():
        if key not in _DEFAULTS:
            raise ValueError(f"For 'context.set_context', the keyword argument {key} is not "
                             "recognized! For detailed usage of 'set_context', please refer to "
                             "the Mindspore official website.")
        if key == "mode" and (isinstance(value, bool) or value not in (GRAPH_MODE, PYNATIVE_MODE)):
            raise ValueError("For 'context.set_context', the argument 'mode' should be "
                             "context.GRAPH_MODE (0) or context.PYNATIVE_MODE (1), but got "
                             f"{value}.")
        if key == "device_target":
            if value not in ("Ascend", "GPU", "CPU"):
                raise ValueError("For 'context.set_context', the argument 'device_target' must "
                                 "be one of ['Ascend', 'GPU', 'CPU'], but got "
                                 f"'{value}'.")
            if value != "CPU":
                warnings.warn(f"msconvt runs on the CPU only: device_target={value!r} is "
                              "ignored and the CPU is used.", RuntimeWarning, stacklevel=2)
                value = "CPU"
        if key not in _RECORDED and value != _DEFAULTS[key]:
            from ._validators import unsupported
            unsupported("set_context", key, value, "msconvt has no graph compiler, dumps or "
                        "profiler")
        updates[key] = value
    with _lock:
        _context.update(updates)


def get_context(attr_key):
    if attr_key not in _DEFAULTS:
        raise ValueError(f"For 'context.get_context', the argument {attr_key} is not "
                         "supported now.")
    with _lock:
        return _context[attr_key]


def _reset():
    with _lock:
        _context.clear()
        _context.update(_DEFAULTS)
