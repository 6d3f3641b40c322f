"""``ops.Shape``."""
from __future__ import annotations

from ..._tensor import Tensor
from ..primitive import Primitive, prim_attr_register

__all__ = ["Shape", "shape"]


class Shape(Primitive):
    """``ops.Shape()(x)``: the shape of a Tensor as a tuple."""

    @prim_attr_register
    def __init__(self):
        pass

    def _run(self, *args):
        if len(args) != 1:
            raise ValueError(f"Shape inputs number {len(args)} does not match the requires "
                             "signature size 1")
        return shape(args[0])


def shape(input_x):
    if not isinstance(input_x, Tensor):
        raise TypeError("For primitive[Shape], the input argument must be Tensor, but got "
                        f"{type(input_x)}.")
    return input_x.shape
