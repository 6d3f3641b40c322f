"""``mindspore.common.dtype`` (also ``mindspore.dtype``): the dtype objects.

``repr(ms.float32)`` is ``mindspore.float32``; ``str`` is ``Float32``, the spelling MindSpore
uses in messages (``Tensor[Float32]``).  Each dtype maps to one NumPy dtype; ``bfloat16``
exists as a name, but NumPy has no such type, so creating a bfloat16 Tensor is refused.
"""
from __future__ import annotations

import numpy as np

__all__ = [
    "Type", "bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "bfloat16", "complex64", "complex128",
    "half", "single", "double", "float_type", "int_type", "uint_type", "number_type",
    "dtype_to_nptype", "pytype_to_dtype", "dtype_to_pytype", "get_dtype",
]


class Type:
    """A MindSpore dtype (``mindspore.float32`` and friends)."""

    __slots__ = ("_name", "_label", "_np")

    def __init__(self, name, label, np_type):
        self._name = name
        self._label = label
        self._np = None if np_type is None else np.dtype(np_type)

    def __repr__(self):
        return f"mindspore.{self._name}"

    def __str__(self):
        return self._label

    def __reduce__(self):  # pickling keeps identity
        return (get_dtype, (self._name,))

    @property
    def np_dtype(self):
        return self._np


bool_ = Type("bool_", "Bool", np.bool_)
int8 = Type("int8", "Int8", np.int8)
int16 = Type("int16", "Int16", np.int16)
int32 = Type("int32", "Int32", np.int32)
int64 = Type("int64", "Int64", np.int64)
uint8 = Type("uint8", "UInt8", np.uint8)
uint16 = Type("uint16", "UInt16", np.uint16)
uint32 = Type("uint32", "UInt32", np.uint32)
uint64 = Type("uint64", "UInt64", np.uint64)
float16 = Type("float16", "Float16", np.float16)
float32 = Type("float32", "Float32", np.float32)
float64 = Type("float64", "Float64", np.float64)
bfloat16 = Type("bfloat16", "BFloat16", None)
complex64 = Type("complex64", "Complex64", np.complex64)
complex128 = Type("complex128", "Complex128", np.complex128)
half = float16
single = float32
double = float64

_ALL = (bool_, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float16, float32,
        float64, bfloat16, complex64, complex128)
_BY_NAME = {t._name: t for t in _ALL}
_BY_NP = {t._np: t for t in _ALL if t._np is not None}

int_type = (int8, int16, int32, int64)
uint_type = (uint8, uint16, uint32, uint64)
float_type = (float16, float32, float64, bfloat16)
number_type = int_type + uint_type + float_type + (complex64, complex128)


def get_dtype(name):
    return _BY_NAME[name]


def from_numpy(np_dtype):
    """The MindSpore dtype of a NumPy dtype (TypeError for dtypes MindSpore has no name for)."""
    t = _BY_NP.get(np.dtype(np_dtype))
    if t is None:
        raise TypeError(f"For 'Tensor', the numpy dtype {np.dtype(np_dtype)} has no MindSpore "
                        f"equivalent")
    return t


def dtype_to_nptype(type_):
    """The NumPy scalar type of a MindSpore dtype."""
    if not isinstance(type_, Type):
        raise TypeError(f"For 'dtype_to_nptype', the input must be a mindspore dtype, "
                        f"but got {type_!r}")
    if type_._np is None:
        raise NotImplementedError(f"msconvt does not support dtype={type_!r}: NumPy has no "
                                  f"equivalent type")
    return type_._np.type


_PY = {bool: bool_, int: int64, float: float32, complex: complex64}


def pytype_to_dtype(obj):
    """The MindSpore dtype of a Python type (``float`` -> float32, as MindSpore maps it)."""
    if isinstance(obj, Type):
        return obj
    if isinstance(obj, np.dtype) or (isinstance(obj, type) and issubclass(obj, np.generic)):
        return from_numpy(obj)
    if obj in _PY:
        return _PY[obj]
    raise NotImplementedError(f"msconvt does not support pytype_to_dtype({obj!r})")


def dtype_to_pytype(type_):
    if type_ is bool_:
        return bool
    if type_ in int_type or type_ in uint_type:
        return int
    if type_ in float_type:
        return float
    if type_ in (complex64, complex128):
        return complex
    raise TypeError(f"Unsupported dtype {type_!r}")
