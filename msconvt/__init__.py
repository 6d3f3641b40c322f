"""msconvt: MindSpore's transposed convolutions, on the ``convt`` core.

``import msconvt as mindspore`` works, and so does plain ``import mindspore`` once the alias
is installed (:func:`install_alias`, :func:`alias`, ``python -m msconvt script.py``, or
``pytest -p msconvt.pytest_plugin``).  The names are MindSpore 2.10's; see the README for
the list and for what differs on purpose.
"""
from __future__ import annotations

from . import common, context, mint, nn, ops
from ._alias import alias, install_alias, uninstall_alias
from ._tensor import Parameter, Tensor
from .common import dtype
from .common.dtype import (bfloat16, bool_, complex64, complex128, double, float16, float32,
                           float64, half, int8, int16, int32, int64, single, uint8, uint16,
                           uint32, uint64)
from .common.seed import get_seed, set_seed
from .context import GRAPH_MODE, PYNATIVE_MODE, get_context, set_context

__version__ = "2.10.0"  # the MindSpore version whose behaviour this reproduces

__all__ = [
    "Tensor", "Parameter", "set_seed", "get_seed", "set_context", "get_context", "GRAPH_MODE",
    "PYNATIVE_MODE", "ops", "nn", "mint", "common", "context", "dtype", "bool_", "int8", "int16",
    "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32", "float64",
    "bfloat16", "complex64", "complex128", "half", "single", "double", "install_alias",
    "uninstall_alias", "alias",
]


def __getattr__(name):
    from ._alias import missing
    raise missing("mindspore", name)
