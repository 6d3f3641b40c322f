"""``mindspore.ops.operations``: the primitives msconvt provides."""
from ._conv import Conv2DBackpropInput, Conv2DTranspose
from ._array import Shape

__all__ = ["Conv2DBackpropInput", "Conv2DTranspose", "Shape"]


def __getattr__(name):
    from ..._alias import missing
    raise missing("mindspore.ops.operations", name)
