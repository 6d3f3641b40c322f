"""``mindspore.ops``: the transposed-convolution primitives and the few functions around them."""
from __future__ import annotations

import numpy as np

from . import operations
from .operations import Conv2DBackpropInput, Conv2DTranspose, Shape
from .operations._array import shape
from .primitive import Primitive, prim_attr_register
from .._tensor import Tensor, _to_mstype
from ..common import dtype as mstype

__all__ = ["Conv2DTranspose", "Conv2DBackpropInput", "Shape", "Primitive", "prim_attr_register",
           "shape", "ones", "zeros", "conv_transpose2d", "operations"]


def _shape_arg(shape_, where):
    if isinstance(shape_, Tensor):
        shape_ = tuple(int(v) for v in shape_.asnumpy().reshape(-1))
    if isinstance(shape_, int) and not isinstance(shape_, bool):
        return (shape_,)
    if isinstance(shape_, (tuple, list)) and all(
            isinstance(v, int) and not isinstance(v, bool) for v in shape_):
        if any(v < 0 for v in shape_):
            raise ValueError(f"For '{where}', the value of 'shape' must be non-negative, but got "
                             f"{shape_}.")
        return tuple(shape_)
    raise TypeError(f"For '{where}', 'shape' must be an int, a tuple/list of ints or a Tensor, "
                    f"but got {shape_!r}.")


def ones(shape, dtype=None):
    """``ops.ones(shape, dtype=None)``: a Tensor of ones (float32 by default)."""
    dtype = _to_mstype(dtype, "ones") or mstype.float32
    return Tensor._from_array(np.ones(_shape_arg(shape, "ones"), dtype=dtype.np_dtype))


def zeros(shape, dtype=None):
    """``ops.zeros(shape, dtype=None)``: a Tensor of zeros (float32 by default)."""
    dtype = _to_mstype(dtype, "zeros") or mstype.float32
    return Tensor._from_array(np.zeros(_shape_arg(shape, "zeros"), dtype=dtype.np_dtype))


def __getattr__(name):
    if name == "conv_transpose2d":
        from ..mint.nn.functional import conv_transpose2d
        return conv_transpose2d
    from .._alias import missing
    raise missing("mindspore.ops", name)
