"""``fluid.dygraph``: the imperative API (guard, to_variable, Layer, Conv2DTranspose)."""
from __future__ import annotations

from . import base, layers, nn
from .base import (disable_dygraph, disable_imperative, enable_dygraph, enable_imperative,
                   enabled, guard, no_grad, to_variable)
from .layers import Layer
from .nn import Conv2DTranspose

__all__ = ["base", "layers", "nn", "guard", "to_variable", "no_grad", "enabled",
           "enable_dygraph", "disable_dygraph", "enable_imperative", "disable_imperative",
           "Layer", "Conv2DTranspose"]


def __getattr__(name):
    from ..._alias import missing

    raise missing(__name__, name)
