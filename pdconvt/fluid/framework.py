"""Programs, dygraph mode, unique names and dtypes: the state that ``guard()`` resets.

Design (thread safety): each ``fluid.dygraph.guard()`` makes a fresh ``_DygraphState`` (main
and startup ``Program`` with random_seed 0, name counters from 0, the set of parameter names
in use) and pushes it on a stack that belongs to the *calling thread*.  So eight threads, each
inside its own guard, get their own counters and seeds and never see each other's.  Outside
every guard a thread falls back to the process-wide state of ``enable_dygraph()`` (as legacy's
global tracer) or, with dygraph off, to the process-wide static state.  The shared states
guard their counters with a lock.
"""
from __future__ import annotations

import threading

import numpy as np

from .core import VarDesc

__all__ = [
    "Program", "default_main_program", "default_startup_program", "in_dygraph_mode",
    "convert_np_dtype_to_dtype_", "dtype_to_numpy",
]

VarType = VarDesc.VarType


class Block:
    """The global block of a ``Program`` (only what parameter creation needs)."""

    def __init__(self, program):
        self.program = program
        self.idx = 0

    def __repr__(self):
        return f"<Block {self.idx} of {self.program!r}>"


class Program:
    """A program holds the ``random_seed`` that initialisers with ``seed=0`` use."""

    def __init__(self):
        self._seed = 0
        self._block = Block(self)

    @property
    def random_seed(self):
        """Seed of the initialisers whose own seed is 0 (0: not reproducible)."""
        return self._seed

    @random_seed.setter
    def random_seed(self, seed):
        if not isinstance(seed, int):
            raise ValueError("Program.random_seed's input seed must be an integer, "
                             f"but received {type(seed)}.")
        self._seed = seed

    def global_block(self):
        """The program's only block."""
        return self._block

    def __repr__(self):
        return f"<pdconvt Program random_seed={self._seed}>"


class NameGenerator:
    """``key -> key_<n>`` with one counter per key, as ``fluid.unique_name``."""

    def __init__(self, prefix=""):
        self.prefix = prefix
        self._ids = {}
        self._lock = threading.Lock()

    def __call__(self, key):
        with self._lock:
            n = self._ids.get(key, 0)
            self._ids[key] = n + 1
        return f"{self.prefix}{key}_{n}"


class _State:
    """Programs, names and parameter-name registry of one guard (or of the process)."""

    def __init__(self, dygraph, place=None):
        self.dygraph = dygraph
        self.place = place
        self.main_program = Program()
        self.startup_program = Program()
        self.names = NameGenerator()
        self.param_names = set()
        self.alive = True
        self._lock = threading.Lock()

    def claim_param_name(self, name):
        """Register ``name``; False if this guard already has a parameter of that name."""
        with self._lock:
            if name in self.param_names:
                return False
            self.param_names.add(name)
            return True


_tls = threading.local()
_static_state = _State(dygraph=False)
_global_dygraph = None  # set by enable_dygraph(): legacy's process-wide tracer
_global_lock = threading.Lock()


def _stack():
    stack = getattr(_tls, "stack", None)
    if stack is None:
        stack = _tls.stack = []
    return stack


def _current_state():
    """The dygraph state in force for this thread, or None in static mode."""
    stack = getattr(_tls, "stack", None)
    if stack:
        return stack[-1]
    return _global_dygraph


def _state_or_static():
    state = _current_state()
    return _static_state if state is None else state


def _push(state):
    _stack().append(state)


def _pop(state):
    stack = _stack()
    if stack and stack[-1] is state:
        stack.pop()
    else:  # exited out of order (generator closed late): still drop it
        try:
            stack.remove(state)
        except ValueError:
            pass
    state.alive = False


def _set_global_dygraph(state):
    global _global_dygraph
    with _global_lock:
        previous, _global_dygraph = _global_dygraph, state
    return previous


def in_dygraph_mode():
    """True inside ``fluid.dygraph.guard()`` (or after ``enable_dygraph()``)."""
    return _current_state() is not None


def default_main_program():
    """The main program of the current guard (a fresh one, seed 0, per guard)."""
    return _state_or_static().main_program


def default_startup_program():
    """The startup program of the current guard."""
    return _state_or_static().startup_program


def _generate_name(key):
    return _state_or_static().names(key)


def _no_grad_depth():
    return getattr(_tls, "no_grad", 0)


def _add_no_grad(delta):
    _tls.no_grad = _no_grad_depth() + delta


# dtype tables -----------------------------------------------------------------------------

_NP_TO_VT = {
    np.dtype(np.bool_): VarType.BOOL,
    np.dtype(np.int16): VarType.INT16,
    np.dtype(np.int32): VarType.INT32,
    np.dtype(np.int64): VarType.INT64,
    np.dtype(np.float16): VarType.FP16,
    np.dtype(np.float32): VarType.FP32,
    np.dtype(np.float64): VarType.FP64,
    np.dtype(np.uint8): VarType.UINT8,
    np.dtype(np.int8): VarType.INT8,
}
_VT_TO_NP = {v: k for k, v in _NP_TO_VT.items()}

# The C++ type names legacy's kernel messages use.
CPP_NAMES = {
    VarType.BOOL: "bool", VarType.INT16: "int16_t", VarType.INT32: "int",
    VarType.INT64: "int64_t", VarType.FP16: "float16", VarType.FP32: "float",
    VarType.FP64: "double", VarType.UINT8: "uint8_t", VarType.INT8: "int8_t",
}


def convert_np_dtype_to_dtype_(np_dtype):
    """A numpy dtype (or its name) to ``VarType``; ``ValueError`` when Paddle has none."""
    if isinstance(np_dtype, VarType):
        return np_dtype
    dtype = np.dtype(np_dtype)
    try:
        return _NP_TO_VT[dtype]
    except KeyError:
        raise ValueError(f"Not supported numpy dtype {dtype}") from None


def dtype_to_numpy(dtype):
    """``VarType`` or numpy-like dtype to a numpy dtype."""
    if isinstance(dtype, VarType):
        try:
            return _VT_TO_NP[dtype]
        except KeyError:
            raise ValueError(f"{dtype} has no numpy equivalent") from None
    return np.dtype(dtype)


def check_type(value, name, expected, op_name):
    """Legacy's static-mode argument check (skipped in dygraph mode, as legacy does)."""
    if in_dygraph_mode():
        return
    if not isinstance(value, expected):
        raise TypeError(f"The type of '{name}' in {op_name} must be {expected}, but received "
                        f"{type(value)}. ")


def __getattr__(name):
    if name in ("ParamBase", "Parameter"):
        from ._varbase import ParamBase

        return ParamBase
    if name in ("Variable", "VarBase"):
        from ._varbase import Variable

        return Variable
    from .._alias import missing

    raise missing(__name__, name)
