"""``paddle.fluid.core``: the enum of variable types, the C++ exception classes, the ops table.

Legacy Paddle raised every C++ error as ``core.EnforceNotMet`` (a direct subclass of
``Exception``); Paddle 2.x turned the same errors into builtins (InvalidArgument ->
``ValueError``, NotFound -> ``RuntimeError``, ...).  The subclasses here inherit both, so
``except fluid.core.EnforceNotMet`` (1.x code) and ``except ValueError`` (2.x code) both catch
them.
"""
from __future__ import annotations

import enum

__all__ = [
    "VarDesc", "EnforceNotMet", "InvalidArgumentError", "NotFoundError", "UnavailableError",
    "is_compiled_with_cuda", "ops", "VarBase",
]


class EnforceNotMet(Exception):
    """Base of every error that legacy Paddle raised from C++."""


class InvalidArgumentError(EnforceNotMet, ValueError):
    """``InvalidArgumentError`` of the C++ core (a ``ValueError`` in Paddle 2.x)."""

    _kind = "InvalidArgumentError"

    def __init__(self, text, op=None):
        super().__init__(_summary(self._kind, text, op))


class NotFoundError(EnforceNotMet, RuntimeError):
    """``NotFoundError`` of the C++ core (a ``RuntimeError`` in Paddle 2.x)."""

    _kind = "NotFoundError"

    def __init__(self, text, op=None):
        super().__init__(_summary(self._kind, text, op))


class UnavailableError(EnforceNotMet, RuntimeError):
    """``UnavailableError`` of the C++ core (a ``RuntimeError`` in Paddle 2.x)."""

    _kind = "UnavailableError"

    def __init__(self, text, op=None):
        super().__init__(_summary(self._kind, text, op))


def _summary(kind, text, op):
    # Legacy's message minus the C++ call stack: the summary line is what users read.
    rule = "-" * 22
    msg = f"\n\n{rule}\nError Message Summary:\n{rule}\n{kind}: {text}"
    if op:
        msg += f"\n  [operator < {op} > error]"
    return msg


class _VarType(enum.IntEnum):
    # Values of Paddle 1.8's framework.proto, so ``int(dtype)`` matches legacy code's tables.
    BOOL = 0
    INT16 = 1
    INT32 = 2
    INT64 = 3
    FP16 = 4
    FP32 = 5
    FP64 = 6
    LOD_TENSOR = 7
    SELECTED_ROWS = 8
    FEED_MINIBATCH = 9
    FETCH_LIST = 10
    STEP_SCOPES = 11
    LOD_RANK_TABLE = 12
    LOD_TENSOR_ARRAY = 13
    PLACE_LIST = 14
    READER = 15
    RAW = 17
    TUPLE = 18
    SIZE_T = 19
    UINT8 = 20
    INT8 = 21

    # pybind11 enums print as ``VarType.FP32`` (IntEnum would print ``5`` on Python 3.11+).
    def __str__(self):
        return f"VarType.{self.name}"

    def __repr__(self):
        return f"<VarType.{self.name}: {int(self)}>"


_VarType.__name__ = _VarType.__qualname__ = "VarType"


class VarDesc:
    """Holder of the ``VarType`` enum, as ``fluid.core.VarDesc.VarType``."""

    VarType = _VarType


def is_compiled_with_cuda():
    """Always False: pdconvt is a CPU package."""
    return False


class _Ops:
    """``core.ops``: the op functions that ``act`` strings are looked up in.

    ``getattr(core.ops, act)`` gives legacy's error for an unknown name (an
    ``AttributeError`` naming ``paddle.fluid.core_avx.ops``) and for a non-string
    (``TypeError`` from ``getattr`` itself).
    """

    def __getattr__(self, name):
        from .. import _acts

        fn = _acts.ACTS.get(name)
        if fn is None:
            if name in _acts.MULTI_INPUT_OPS:
                return _acts.multi_input_op(name)
            raise AttributeError(f"module 'paddle.fluid.core_avx.ops' has no attribute '{name}'")
        return fn

    def __dir__(self):
        from .. import _acts

        return sorted(_acts.ACTS)


ops = _Ops()


def __getattr__(name):
    if name == "VarBase":
        from ._varbase import Variable

        return Variable
    from .._alias import missing

    raise missing(__name__, name)
