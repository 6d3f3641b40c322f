"""``VarBase`` (the dygraph Variable) and ``ParamBase`` (a layer parameter) over an ndarray.

A Variable wraps one ndarray.  ``to_variable`` may hand it the caller's own array (legacy's
zero-copy default), so nothing here writes into ``_array`` in place except ``set_value``,
which legacy also lets write through.
"""
from __future__ import annotations

import operator

import numpy as np

from . import framework
from .core import VarDesc

__all__ = ["Variable", "ParamBase", "dygraph_only"]

VarType = VarDesc.VarType


def dygraph_only(fn_name):
    """Legacy's ``@dygraph_only``: an AssertionError outside ``fluid.dygraph.guard()``."""
    if not framework.in_dygraph_mode():
        raise AssertionError(
            f"We Only support {fn_name} in imperative mode, please use "
            "fluid.dygraph.guard() as context to run it in imperative Mode")


def _no_gradients(what):
    raise NotImplementedError(
        f"Variable.{what} is not provided by pdconvt: it computes forward passes only "
        "(no autograd yet).")


class _Tensor:
    """What ``Variable.value().get_tensor()`` returns: the data holder."""

    def __init__(self, var):
        self._var = var

    def get_tensor(self):
        return self

    def shape(self):
        return list(self._var._array.shape)

    def set(self, value, place=None):
        self._var._array = np.array(value, copy=True)

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self._var._array, dtype=dtype)


class Variable:
    """A dygraph Variable (legacy ``core.VarBase``).

    Parameters
    ----------
    array : numpy.ndarray
        Held as is (no copy).
    name : str
    stop_gradient, persistable : bool
    """

    __hash__ = object.__hash__  # == is elementwise, identity still hashes

    def __init__(self, array, name, stop_gradient=True, persistable=False):
        self._array = array
        self.name = name
        self.stop_gradient = stop_gradient
        self.persistable = persistable

    # --- data -----------------------------------------------------------------------------
    def numpy(self):
        """A copy of the data as an ndarray."""
        return np.array(self._array, copy=True)

    def __array__(self, dtype=None, copy=None):
        return np.array(self._array, dtype=dtype, copy=True)

    @property
    def shape(self):
        """The shape as a list of ints."""
        return list(self._array.shape)

    @property
    def dtype(self):
        """The dtype as ``fluid.core.VarDesc.VarType``."""
        return framework.convert_np_dtype_to_dtype_(self._array.dtype)

    @property
    def type(self):
        return VarType.LOD_TENSOR

    @property
    def block(self):
        return framework.default_main_program().global_block()

    def value(self):
        """The data holder (``.get_tensor()``, ``.set(ndarray, place)``, ``np.array(...)``)."""
        return _Tensor(self)

    def set_value(self, value):
        """Overwrite the data with an ndarray or Variable of the same shape and dtype."""
        dygraph_only("set_value")
        assert isinstance(value, (np.ndarray, Variable)), \
            "Variable set_value function, arguments type only support Variable, numpy, VarBase"
        value_np = value.numpy() if isinstance(value, Variable) else value
        assert self._array.shape == value_np.shape, (
            f"Variable Shape not match, Variable [ {self.name} ] need tensor with shape "
            f"{self._array.shape} but load set tensor with shape {value_np.shape}")
        assert self._array.dtype == value_np.dtype, (
            f"Variable dtype not match, Variable [ {self.name} ] need tensor with dtype "
            f"{self._array.dtype}  but load tensor with dtype {value_np.dtype}")
        self._array = np.array(value_np, copy=True)

    def detach(self):
        """A Variable sharing this data, with ``stop_gradient=True``."""
        return Variable(self._array, framework._generate_name("generated_var"), True, False)

    def astype(self, dtype):
        """A converted copy (``dtype``: a numpy dtype, its name, or a ``VarType``)."""
        return self._new(self._array.astype(framework.dtype_to_numpy(dtype)))

    def _new(self, array):
        stop = self.stop_gradient or framework._no_grad_depth() > 0
        return Variable(np.asarray(array), framework._generate_name("generated_var"), stop)

    def _init_value(self, array):
        self._array = np.array(array, dtype=self._array.dtype, order="C", copy=True)

    # --- gradients (not provided yet) ----------------------------------------------------
    def backward(self, backward_strategy=None, retain_graph=False):
        """Not provided: raises NotImplementedError (AssertionError outside a guard)."""
        dygraph_only("backward")
        _no_gradients("backward()")

    def gradient(self):
        """Not provided: raises NotImplementedError (AssertionError outside a guard)."""
        dygraph_only("gradient")
        _no_gradients("gradient()")

    def clear_gradient(self):
        """No gradient is ever stored, so there is nothing to clear."""

    # --- printing --------------------------------------------------------------------------
    def to_string(self, throw_on_error=True, with_details=False):
        return self.__str__()

    def __str__(self):
        return f"name {self.name}, dtype: {self.dtype} shape: {self.shape} \t{self._array}"

    __repr__ = __str__

    def __bool__(self):
        assert self._array.size == 1, \
            "When Variable is used as the condition of if/while , Variable can only contain " \
            "one element."
        return bool(self._array.reshape(-1)[0])

    def __len__(self):
        return len(self._array)

    def __float__(self):
        return float(self._array.reshape(-1)[0]) if self._array.size == 1 else float(self._array)

    def __int__(self):
        return int(self._array.reshape(-1)[0]) if self._array.size == 1 else int(self._array)

    def __index__(self):
        return operator.index(self._array.reshape(-1)[0].item())

    def __getitem__(self, item):
        if isinstance(item, Variable):
            item = item._array
        return self._new(self._array[item])

    # --- arithmetic ------------------------------------------------------------------------
    def _operand(self, other):
        if isinstance(other, Variable):
            return other._array
        # A Python scalar takes the Variable's dtype, as legacy's scale/fill ops did.
        if isinstance(other, (bool, int, float)):
            return np.asarray(other, dtype=self._array.dtype)
        return np.asarray(other)

    def _binary(self, other, fn, reverse=False):
        b = self._operand(other)
        a = self._array
        with np.errstate(all="ignore"):
            out = fn(b, a) if reverse else fn(a, b)
        out = self._new(out)
        if isinstance(other, Variable):
            out.stop_gradient = out.stop_gradient and other.stop_gradient \
                or framework._no_grad_depth() > 0
        return out

    def __add__(self, o): return self._binary(o, np.add)
    def __radd__(self, o): return self._binary(o, np.add, True)
    def __sub__(self, o): return self._binary(o, np.subtract)
    def __rsub__(self, o): return self._binary(o, np.subtract, True)
    def __mul__(self, o): return self._binary(o, np.multiply)
    def __rmul__(self, o): return self._binary(o, np.multiply, True)
    def __truediv__(self, o): return self._binary(o, np.true_divide)
    def __rtruediv__(self, o): return self._binary(o, np.true_divide, True)
    def __floordiv__(self, o): return self._binary(o, np.floor_divide)
    def __mod__(self, o): return self._binary(o, np.mod)
    def __pow__(self, o): return self._binary(o, np.power)
    def __rpow__(self, o): return self._binary(o, np.power, True)
    def __matmul__(self, o): return self._binary(o, np.matmul)
    def __eq__(self, o): return self._binary(o, np.equal)
    def __ne__(self, o): return self._binary(o, np.not_equal)
    def __lt__(self, o): return self._binary(o, np.less)
    def __le__(self, o): return self._binary(o, np.less_equal)
    def __gt__(self, o): return self._binary(o, np.greater)
    def __ge__(self, o): return self._binary(o, np.greater_equal)
    def __neg__(self): return self._new(-self._array)
    def __abs__(self): return self._new(np.abs(self._array))


class ParamBase(Variable):
    """A trainable parameter of a Layer (legacy ``ParamBase``)."""

    def __init__(self, shape, dtype, name, trainable=True, optimize_attr=None,
                 regularizer=None, do_model_average=True, initializer=None, **_):
        if shape is None:
            raise ValueError("The shape of Parameter should not be None")
        if dtype is None:
            raise ValueError("The dtype of Parameter should not be None")
        if len(shape) == 0:
            raise ValueError("The dimensions of shape for Parameter must be greater than 0")
        for each in shape:
            if each < 0:
                raise ValueError("Each dimension of shape for Parameter must be greater than "
                                 f"0, but received {list(shape)}")
        bad = [d for d in shape if isinstance(d, bool) or not isinstance(d, (int, np.integer))]
        if bad:
            # Legacy: the pybind VarBase constructor refused the shape (TypeError).
            raise TypeError(f"Parameter {name!r}: every dimension of shape must be an int, "
                            f"but received shape {list(shape)}")
        np_dtype = framework.dtype_to_numpy(framework.convert_np_dtype_to_dtype_(dtype))
        super().__init__(np.zeros([int(d) for d in shape], dtype=np_dtype), name,
                         stop_gradient=False, persistable=True)
        self.trainable = trainable
        self.optimize_attr = optimize_attr or {"learning_rate": 1.0}
        self.regularizer = regularizer
        self.do_model_average = do_model_average
        self.is_distributed = False

    def __str__(self):
        return f"Parameter containing:\n{Variable.__str__(self)}"

    __repr__ = __str__
