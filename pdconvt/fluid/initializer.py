"""``fluid.initializer``: Paddle 1.8's initialisers, reproducing its seeded draws bit for bit.

An initialiser with ``seed=0`` takes ``block.program.random_seed`` (the guard's
``default_main_program().random_seed``); a non-zero seed starts a fresh ``minstd_rand`` for
*every* parameter, so equal-shaped parameters get equal values; seed 0 at the op draws a
seed from the OS (not reproducible), as ``std::random_device`` did.
"""
from __future__ import annotations

import os

import numpy as np

from . import framework
from .core import VarDesc

__all__ = [
    "Constant", "Uniform", "Normal", "TruncatedNormal", "Xavier", "Bilinear", "MSRA",
    "ConstantInitializer", "UniformInitializer", "NormalInitializer",
    "TruncatedNormalInitializer", "XavierInitializer", "BilinearInitializer",
    "MSRAInitializer", "NumpyArrayInitializer", "Initializer",
]

VarType = VarDesc.VarType


class Initializer:
    """Base class: ``init(param, block)`` fills ``param`` in place."""

    def __init__(self):
        pass

    def __call__(self, param, block=None):
        raise NotImplementedError()

    def _check_block(self, block):
        return framework.default_main_program().global_block() if block is None else block

    @staticmethod
    def _compute_fans(var):
        shape = var.shape
        if not shape or len(shape) == 0:
            fan_in = fan_out = 1
        elif len(shape) == 1:
            fan_in = fan_out = shape[0]
        elif len(shape) == 2:
            fan_in, fan_out = shape[0], shape[1]
        else:
            receptive_field_size = int(np.prod(shape[2:]))
            fan_in = shape[1] * receptive_field_size
            fan_out = shape[0] * receptive_field_size
        return fan_in, fan_out

    def _op_seed(self, block):
        # Legacy stores the program seed into the initialiser (its _seed is overwritten).
        if self._seed == 0:
            self._seed = block.program.random_seed
        seed = self._seed & 0xFFFFFFFF  # the op's seed attribute is read as unsigned int
        if seed == 0:
            seed = int.from_bytes(os.urandom(4), "little")  # std::random_device
        return seed

    @staticmethod
    def _compute_dtype(var):
        # float16 parameters are drawn in float32, then cast (legacy's fp16 compatibility).
        dtype = framework.dtype_to_numpy(var.dtype)
        return np.dtype(np.float32) if dtype == np.float16 else dtype


def _size(var):
    return int(np.prod(var.shape, dtype=np.int64))


class ConstantInitializer(Initializer):
    """Fill with ``value`` (rounded to float32: the op attribute is a C float)."""

    def __init__(self, value=0.0, force_cpu=False):
        assert value is not None
        super().__init__()
        self._value = value
        self._force_cpu = force_cpu

    def __call__(self, var, block=None):
        block = self._check_block(block)
        value = np.float32(float(self._value))
        var._init_value(np.full(var.shape, value, dtype=framework.dtype_to_numpy(var.dtype)))


class UniformInitializer(Initializer):
    """U(low, high) from ``seed``; ``diag_num`` entries ``i*(diag_step+1)`` set to ``diag_val``."""

    def __init__(self, low=-1.0, high=1.0, seed=0, diag_num=0, diag_step=0, diag_val=1.0):
        assert low is not None
        assert high is not None
        assert high >= low
        assert seed is not None
        assert diag_num is not None
        assert diag_step is not None
        assert diag_val is not None
        if diag_num > 0 or diag_step > 0:
            assert diag_num > 0 and diag_step > 0
        super().__init__()
        self._low = low
        self._high = high
        self._seed = seed
        self._diag_num = diag_num
        self._diag_step = diag_step
        self._diag_val = diag_val

    def __call__(self, var, block=None):
        from .. import _minstd

        block = self._check_block(block)
        seed = self._op_seed(block)
        dtype = self._compute_dtype(var)
        n = _size(var)
        data = _minstd.uniform(seed, n, self._low, self._high, dtype)
        if self._diag_num > 0:
            last = (self._diag_num - 1) * (self._diag_step + 1)
            if n <= last:
                from .core import InvalidArgumentError
                raise InvalidArgumentError(
                    f"ShapeError: the diagonal's elements is equal (num-1) * (step-1) with "
                    f"num {self._diag_num}, step {self._diag_step}, It should be smaller than "
                    f"{n}, but received {last}", "uniform_random")
            data[np.arange(self._diag_num) * (self._diag_step + 1)] = np.float32(self._diag_val)
        var._init_value(data.reshape(var.shape))


class NormalInitializer(Initializer):
    """N(loc, scale) from ``seed`` (libstdc++'s polar method)."""

    def __init__(self, loc=0.0, scale=1.0, seed=0):
        assert loc is not None
        assert scale is not None
        assert seed is not None
        super().__init__()
        self._mean = loc
        self._std_dev = scale
        self._seed = seed

    def __call__(self, var, block=None):
        from .. import _minstd

        block = self._check_block(block)
        seed = self._op_seed(block)
        data = _minstd.normal(seed, _size(var), self._mean, self._std_dev,
                              self._compute_dtype(var))
        var._init_value(data.reshape(var.shape))


class TruncatedNormalInitializer(Initializer):
    """N(loc, scale) truncated to two standard deviations (inverse-CDF of a seeded uniform).

    The uniform draws are legacy's; legacy's own ``erfinv`` approximation is not reproduced,
    so values agree to about 1e-6 relative, not bit for bit.
    """

    def __init__(self, loc=0.0, scale=1.0, seed=0):
        assert loc is not None
        assert scale is not None
        assert seed is not None
        super().__init__()
        self._mean = loc
        self._std_dev = scale
        self._seed = seed

    def __call__(self, var, block=None):
        from math import erf, sqrt

        from scipy.special import erfinv

        from .. import _minstd

        block = self._check_block(block)
        seed = self._op_seed(block)
        dtype = self._compute_dtype(var)
        u = _minstd.uniform(seed, _size(var), np.finfo(np.float32).tiny, 1.0, dtype)
        a = (1.0 + erf(-2.0 / sqrt(2.0))) / 2.0
        b = (1.0 + erf(2.0 / sqrt(2.0))) / 2.0
        p = a + (b - a) * u.astype(np.float64)
        value = sqrt(2.0) * erfinv(2 * p - 1) * float(np.float32(self._std_dev)) \
            + float(np.float32(self._mean))
        var._init_value(value.astype(dtype).reshape(var.shape))


class XavierInitializer(Initializer):
    """Glorot: U(-L, L), L = sqrt(6/(fan_in+fan_out)), or N(0, sqrt(2/(fan_in+fan_out)))."""

    def __init__(self, uniform=True, fan_in=None, fan_out=None, seed=0):
        assert uniform is not None
        assert seed is not None
        super().__init__()
        self._uniform = uniform
        self._fan_in = fan_in
        self._fan_out = fan_out
        self._seed = seed

    def __call__(self, var, block=None):
        from .. import _minstd

        block = self._check_block(block)
        f_in, f_out = self._compute_fans(var)
        fan_in = f_in if self._fan_in is None else self._fan_in
        fan_out = f_out if self._fan_out is None else self._fan_out
        seed = self._op_seed(block)
        dtype = self._compute_dtype(var)
        if self._uniform:
            limit = np.sqrt(6.0 / float(fan_in + fan_out))  # ZeroDivisionError for fans 0
            data = _minstd.uniform(seed, _size(var), -limit, limit, dtype)
        else:
            std = np.sqrt(2.0 / float(fan_in + fan_out))
            data = _minstd.normal(seed, _size(var), 0.0, std, dtype)
        var._init_value(data.reshape(var.shape))


class MSRAInitializer(Initializer):
    """He: U(-L, L), L = sqrt(6/fan_in), or N(0, sqrt(2/fan_in))."""

    def __init__(self, uniform=True, fan_in=None, seed=0):
        assert uniform is not None
        assert seed is not None
        super().__init__()
        self._uniform = uniform
        self._fan_in = fan_in
        self._seed = seed

    def __call__(self, var, block=None):
        from .. import _minstd

        block = self._check_block(block)
        f_in, _ = self._compute_fans(var)
        fan_in = f_in if self._fan_in is None else self._fan_in
        seed = self._op_seed(block)
        dtype = self._compute_dtype(var)
        if self._uniform:
            limit = np.sqrt(6.0 / float(fan_in))
            data = _minstd.uniform(seed, _size(var), -limit, limit, dtype)
        else:
            std = np.sqrt(2.0 / float(fan_in))
            data = _minstd.normal(seed, _size(var), 0.0, std, dtype)
        var._init_value(data.reshape(var.shape))


class BilinearInitializer(Initializer):
    """Bilinear up-sampling kernel for a ``[C, 1, K, K]`` transposed-conv weight.

    Legacy's row coordinate is ``(i / K) % K`` with Python 3 true division (a fraction, not
    the row index); the values here are legacy's, that quirk included.
    """

    def __init__(self):
        super().__init__()

    def __call__(self, var, block=None):
        block = self._check_block(block)
        shape = var.shape
        if len(shape) != 4:
            raise ValueError("the length of shape must be 4.")
        if shape[2] != shape[3]:
            raise ValueError("shape[2] must be equal to shape[3].")
        size = shape[3]
        f = np.ceil(size / 2.)
        c = (2 * f - 1 - f % 2) / (2. * f)
        i = np.arange(int(np.prod(shape)), dtype=np.float64)
        x = i % size
        y = (i / size) % size
        weight = ((1 - np.abs(x / f - c)) * (1 - np.abs(y / f - c))).astype(np.float32)
        if var.dtype not in (VarType.FP32, VarType.FP16, VarType.FP64):
            raise TypeError("Unsupported dtype %s", var.dtype)
        if np.prod(shape) > 1024 * 1024:
            raise ValueError("The size of input is too big. ")
        var._init_value(weight.reshape(shape))


class NumpyArrayInitializer(Initializer):
    """Copy a NumPy array into the parameter (float32 parameters only, as legacy)."""

    def __init__(self, value):
        assert isinstance(value, np.ndarray)
        super().__init__()
        self._value = value

    def __call__(self, var, block=None):
        block = self._check_block(block)
        if var.dtype not in (VarType.FP32, VarType.FP16, VarType.FP64, VarType.INT32):
            raise ValueError("Unsupported dtype %s", self._value.dtype)
        if self._value.size > 1024 * 1024 * 1024:
            raise ValueError("The size of input is too big. Please consider "
                             "saving it to file and 'load_op' to load it")
        # The assign_value op gives the parameter the array's shape.  Legacy held float
        # parameters' values as float32 (and refused float64 parameters); float64 ones keep
        # the array's float64 values here.
        value = self._value
        if var.dtype in (VarType.FP32, VarType.FP16):
            value = value.astype(np.float32)
        var._init_value(np.array(value, dtype=framework.dtype_to_numpy(var.dtype)))

Constant = ConstantInitializer
Uniform = UniformInitializer
Normal = NormalInitializer
TruncatedNormal = TruncatedNormalInitializer
Xavier = XavierInitializer
MSRA = MSRAInitializer
Bilinear = BilinearInitializer
