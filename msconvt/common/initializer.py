"""``mindspore.common.initializer``: the initialisers, bit for bit.

Every random initialiser draws one seed per Tensor from NumPy's legacy global RNG (as
MindSpore's ``_numpy_seed`` does) and fills the Tensor from MindSpore's Philox stream
(:mod:`msconvt._philox`).  ``mindspore.set_seed(s)`` seeds that RNG, so after it the values
equal MindSpore's.  Values are generated in float32 and cast to the Tensor's dtype.
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from .. import _philox
from .._tensor import Tensor, _to_mstype
from . import dtype as mstype

__all__ = ["Initializer", "initializer", "Zero", "One", "Constant", "Uniform", "Normal",
           "HeUniform", "HeNormal", "XavierUniform", "XavierNormal"]


class Initializer:
    """Base class: ``init(arr)`` fills a float32 ndarray in place."""

    def __init__(self, **kwargs):
        self._kwargs = kwargs

    def _initialize(self, arr):
        raise NotImplementedError("Must be overridden!")

    def __call__(self, arr):
        return self._initialize(arr)


_ALIAS = {}
# Names MindSpore registers but msconvt does not provide (their streams are not reproduced).
_NOT_PROVIDED = {"identity", "sparse", "dirac", "orthogonal", "variancescaling",
                 "truncatednormal"}


def _register(*aliases):
    def reg(cls):
        _ALIAS.setdefault(cls.__name__.lower(), cls)
        for a in aliases:
            _ALIAS.setdefault(a, cls)
        return cls
    return reg


def _uniform(arr, a, b):
    arr[...] = _philox.uniform_float32(_philox.draw_seed(), arr.shape, a, b)


def _normal(arr, mean, sigma):
    if sigma < 0:
        raise ValueError("sigma < 0")
    arr[...] = _philox.normal_float32(_philox.draw_seed(), arr.shape, mean, sigma)


def _calculate_fan_in_and_fan_out(shape):
    dimensions = len(shape)
    if dimensions < 2:
        raise ValueError("'fan_in' and 'fan_out' can not be computed for tensor with fewer than"
                         " 2 dimensions, but got dimensions {}.".format(dimensions))
    if dimensions == 2:
        return shape[1], shape[0]
    receptive = 1
    for s in shape[2:]:
        receptive *= s
    return shape[1] * receptive, shape[0] * receptive


def _calculate_correct_fan(shape, mode):
    mode = mode.lower()
    valid_modes = ["fan_in", "fan_out"]
    if mode not in valid_modes:
        raise ValueError("'mode' {} not supported, please use one of {}".format(mode, valid_modes))
    fan_in, fan_out = _calculate_fan_in_and_fan_out(shape)
    return fan_in if mode == "fan_in" else fan_out


def _calculate_gain(nonlinearity, param=None):
    linear_fns = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                  "conv_transpose3d"]
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif (not isinstance(param, bool) and isinstance(param, int)) or isinstance(param, float):
            slope = param
        else:
            raise ValueError("For 'HeUniform', 'negative_slope' {} is not a valid number."
                             "When 'nonlinearity' has been set to "
                             "'leaky_relu', 'negative_slope' should be int or float type, but got "
                             "{}.".format(param, type(param)))
        return math.sqrt(2.0 / (1 + slope ** 2))
    raise ValueError("For 'HeUniform', the argument 'nonlinearity' should be one of "
                     "['sigmoid', 'tanh', 'relu' or 'leaky_relu'], "
                     "but got {}.".format(nonlinearity))


@_register("zeros")
class Zero(Initializer):
    def _initialize(self, arr):
        arr.fill(0)


@_register("ones")
class One(Initializer):
    def _initialize(self, arr):
        arr.fill(1)


class Constant(Initializer):
    def __init__(self, value):
        super().__init__(value=value)
        self.value = value

    def _initialize(self, arr):
        arr.fill(self.value)


@_register()
class Uniform(Initializer):
    def __init__(self, scale=0.07):
        super().__init__(scale=scale)
        self.scale = scale

    def _initialize(self, arr):
        _uniform(arr, -self.scale, self.scale)


@_register()
class Normal(Initializer):
    def __init__(self, sigma=0.01, mean=0.0):
        super().__init__(sigma=sigma, mean=mean)
        self.sigma = sigma
        self.mean = mean

    def _initialize(self, arr):
        _normal(arr, self.mean, self.sigma)


@_register("he_uniform")
class HeUniform(Initializer):
    def __init__(self, negative_slope=0, mode="fan_in", nonlinearity="leaky_relu"):
        super().__init__(negative_slope=negative_slope, mode=mode, nonlinearity=nonlinearity)
        self.negative_slope = negative_slope
        self.mode = mode
        self.nonlinearity = nonlinearity

    def _initialize(self, arr):
        fan = _calculate_correct_fan(arr.shape, self.mode)
        gain = _calculate_gain(self.nonlinearity, self.negative_slope)
        boundary = math.sqrt(3.0) * (gain / math.sqrt(fan))
        _uniform(arr, -boundary, boundary)


@_register("he_normal")
class HeNormal(Initializer):
    def __init__(self, negative_slope=0, mode="fan_in", nonlinearity="leaky_relu"):
        super().__init__(negative_slope=negative_slope, mode=mode, nonlinearity=nonlinearity)
        self.negative_slope = negative_slope
        self.mode = mode
        self.nonlinearity = nonlinearity

    def _initialize(self, arr):
        fan = _calculate_correct_fan(arr.shape, self.mode)
        gain = _calculate_gain(self.nonlinearity, self.negative_slope)
        _normal(arr, 0, gain / math.sqrt(fan))


@_register("xavier_uniform")
class XavierUniform(Initializer):
    def __init__(self, gain=1):
        super().__init__(gain=gain)
        self.gain = gain

    def _initialize(self, arr):
        n_in, n_out = _calculate_fan_in_and_fan_out(arr.shape)
        boundary = self.gain * math.sqrt(6.0 / (n_in + n_out))
        _uniform(arr, -boundary, boundary)


@_register("xavier_normal")
class XavierNormal(Initializer):
    def __init__(self, gain=1):
        super().__init__(gain=gain)
        self.gain = gain

    def _initialize(self, arr):
        fan_in, fan_out = _calculate_fan_in_and_fan_out(arr.shape)
        _normal(arr, 0, self.gain * math.sqrt(2.0 / float(fan_in + fan_out)))


def _fill(init, shape, dtype):
    """The values of a lazy ``Tensor(dtype, shape, init)``: float32 first, then cast."""
    arr = np.zeros(shape, dtype=np.float32)
    init(arr)
    if dtype.np_dtype != arr.dtype:
        arr = arr.astype(dtype.np_dtype)
    return arr


def initializer(init, shape=None, dtype=mstype.float32):
    """Create a (lazy) Tensor initialised by ``init``; see MindSpore's ``initializer``."""
    if not isinstance(init, (Tensor, numbers.Number, str, Initializer)):
        raise TypeError("For 'initializer', the type of the 'init' argument should be 'Tensor', "
                        "'number', 'string' or 'initializer', but got {}.".format(type(init)))
    if isinstance(init, Tensor):
        init_shape = init.shape
        shape = shape if isinstance(shape, (tuple, list)) else [shape]
        if shape is not None and init_shape != tuple(shape):
            raise ValueError("For 'initializer', the shape of the 'init' argument should be same "
                             "as the argument 'shape', but got the 'init' shape {} and the "
                             "'shape' {}.".format(list(init.shape), shape))
        return init
    if isinstance(shape, list):
        shape = tuple(shape)
    elif isinstance(shape, numbers.Number):
        shape = (shape,)
    for value in shape if shape is not None else ():
        if not isinstance(value, int) or value <= 0:
            raise ValueError("For 'initializer', the argument 'shape' is invalid, the value of "
                             f"'shape' must be positive integer, but got {shape}")
    if isinstance(init, str):
        cls = _ALIAS.get(init.lower())
        if cls is None:
            if init.lower() in _NOT_PROVIDED:
                raise NotImplementedError(f"msconvt does not support init={init!r} in "
                                          "initializer: this MindSpore initialiser is not "
                                          "provided")
            raise ValueError(f"For 'initializer', the class corresponding to '{init}' was not "
                             "found.")
        init = cls()
    elif isinstance(init, numbers.Number):
        init = Constant(init)
    if shape is None:
        raise ValueError("For 'initializer', the argument 'shape' must be given unless 'init' is "
                         "a Tensor.")
    dtype = _to_mstype(dtype, "initializer")
    return Tensor(dtype=dtype, shape=shape, init=init)
