"""``paddle.fluid`` as legacy dygraph code uses it, computing through ``convt``."""
from __future__ import annotations

from . import core, dygraph, framework, initializer, param_attr, regularizer, unique_name
from .core import is_compiled_with_cuda
from .dygraph import Conv2DTranspose
from .dygraph.base import disable_dygraph, disable_imperative, enable_dygraph, enable_imperative
from .framework import Program, default_main_program, default_startup_program, in_dygraph_mode
from .param_attr import ParamAttr
from .place import CPUPlace, CUDAPinnedPlace, CUDAPlace

__all__ = [
    "core", "dygraph", "framework", "initializer", "param_attr", "regularizer", "unique_name",
    "Conv2DTranspose", "ParamAttr", "CPUPlace", "CUDAPlace", "CUDAPinnedPlace", "Program",
    "default_main_program", "default_startup_program", "in_dygraph_mode",
    "enable_dygraph", "disable_dygraph", "enable_imperative", "disable_imperative",
    "is_compiled_with_cuda",
]


def __getattr__(name):
    from .._alias import missing

    raise missing(__name__, name)
