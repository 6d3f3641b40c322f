"""``mindspore.common``: dtypes, Tensor, Parameter, initialisers and the seed."""
from . import dtype, initializer, seed
from .dtype import (bool_, complex64, complex128, float16, float32, float64, int8, int16, int32,
                    int64, uint8, uint16, uint32, uint64)
from .._tensor import Parameter, Tensor
from .seed import get_seed, set_seed

__all__ = ["dtype", "initializer", "seed", "Tensor", "Parameter", "set_seed", "get_seed",
           "bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
           "float16", "float32", "float64", "complex64", "complex128"]


def __getattr__(name):
    from .._alias import missing
    raise missing("mindspore.common", name)
