"""``mindspore.Tensor`` and ``mindspore.Parameter``: thin wrappers around a NumPy array.

A Tensor owns its array: construction copies the caller's data, so nothing the shim does can
reach a caller's ndarray.  A Tensor made by ``initializer()`` is lazy, as in MindSpore: its
values (and the seed it draws from NumPy's global RNG) are produced on first use.
"""
from __future__ import annotations

import itertools
import numbers
import operator
import threading

import numpy as np

from .common import dtype as mstype

__all__ = ["Tensor", "Parameter"]

_init_lock = threading.RLock()
_PRINT_FMT = {np.dtype(np.float16): "{: .4e}", np.dtype(np.float32): "{: .8e}",
              np.dtype(np.float64): "{: .8e}"}


def _to_mstype(dtype, where="Tensor"):
    if dtype is None or isinstance(dtype, mstype.Type):
        if dtype is mstype.bfloat16:
            raise NotImplementedError(f"msconvt does not support dtype={dtype!r} in {where}: "
                                      f"NumPy has no bfloat16 type")
        return dtype
    raise TypeError(f"For '{where}', the 'dtype' must be a mindspore dtype such as "
                    f"mindspore.float32, but got {dtype!r} of type {type(dtype).__name__}.")


def _array_from(data, dtype):
    """A fresh ndarray for ``Tensor(data, dtype)`` with MindSpore's dtype inference."""
    if isinstance(data, Tensor):
        arr = data._arr
    elif isinstance(data, np.ndarray):
        arr = data
    elif isinstance(data, np.generic):
        arr = np.asarray(data)
    elif isinstance(data, (bool, int, float, complex)):
        arr = np.asarray(data)
        if isinstance(data, float):
            arr = arr.astype(np.float32)
        elif isinstance(data, complex):
            arr = arr.astype(np.complex64)
        elif not isinstance(data, bool):
            arr = arr.astype(np.int64)
    elif isinstance(data, (list, tuple)):
        try:
            arr = np.asarray(data)
        except ValueError as e:
            raise TypeError(f"For 'Tensor', the input_data {data!r} cannot be converted to a "
                            f"rectangular array: {e}") from None
        if dtype is None and arr.dtype == np.float64:
            arr = arr.astype(np.float32)  # Python floats become Float32
        elif dtype is None and arr.dtype == np.complex128:
            arr = arr.astype(np.complex64)
        elif arr.dtype.kind in "iu" and arr.dtype != np.int64 and dtype is None:
            arr = arr.astype(np.int64)
    else:
        raise TypeError("For 'Tensor', the type of input_data must be one of ['Tensor', "
                        "'ndarray', 'str_', 'list', 'tuple', 'float', 'int', 'bool', 'complex'], "
                        f"but got {type(data)}.")
    if arr.dtype.kind not in "biufc":
        raise TypeError(f"For 'Tensor', the input_data of dtype {arr.dtype} is not supported.")
    if dtype is not None:
        return np.array(arr, dtype=dtype.np_dtype, copy=True)
    mstype.from_numpy(arr.dtype)  # TypeError for dtypes MindSpore cannot hold
    return np.array(arr, copy=True)


def _operand(v):
    if isinstance(v, Tensor):
        return v._arr
    return v


def _wrap(result):
    result = np.asarray(result)
    return Tensor._from_array(result)


class Tensor:
    """``mindspore.Tensor(input_data=None, dtype=None, shape=None, init=None, ...)``."""

    __array_priority__ = 100  # numpy defers to our reflected operators

    def __init__(self, input_data=None, dtype=None, shape=None, init=None, internal=False,
                 const_arg=False, device=None):
        dtype = _to_mstype(dtype)
        self._init = None
        self._lazy_shape = None
        self._lazy_dtype = None
        if device is not None:
            from ._validators import unsupported
            unsupported("Tensor", "device", device, "msconvt runs on the CPU only")
        if init is not None:
            if input_data is not None:
                raise ValueError("For 'Tensor', 'input_data' and 'init' can not be set at the "
                                 "same time.")
            if shape is None or dtype is None:
                raise ValueError("For 'Tensor', 'dtype' and 'shape' must be set when 'init' is "
                                 "set.")
            self._data = None
            self._init = init
            self._lazy_shape = tuple(int(s) for s in (shape if isinstance(shape, (tuple, list))
                                                      else (shape,)))
            self._lazy_dtype = dtype
            return
        if input_data is None:
            if shape is None:
                raise ValueError("For 'Tensor', 'input_data' and 'init' can not be None at the "
                                 "same time.")
            shape = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
            self._data = np.zeros(shape, dtype=(dtype or mstype.float32).np_dtype)
            return
        self._data = _array_from(input_data, dtype)
        if shape is not None:
            shape = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
            if self._data.shape != shape:
                raise ValueError(f"For 'Tensor', the shape of input_data {self._data.shape} "
                                 f"does not match the argument 'shape' {shape}.")

    @classmethod
    def _from_array(cls, arr):
        """Wrap an array this package just made (no copy)."""
        t = Tensor.__new__(Tensor)
        t._init = None
        t._lazy_shape = None
        t._lazy_dtype = None
        if arr.dtype.kind not in "biufc":
            raise TypeError(f"the result dtype {arr.dtype} is not a MindSpore dtype")
        t._data = arr
        return t

    # ---- data -----------------------------------------------------------------------------
    @property
    def _arr(self):
        data = self._data
        if data is None:
            with _init_lock:
                if self._data is None:
                    self._data = self._materialize()
                data = self._data
        return data

    def _materialize(self):
        from .common.initializer import _fill
        return _fill(self._init, self._lazy_shape, self._lazy_dtype)

    def init_data(self, slice_index=None, shape=None, opt_shard_group=None):
        self._arr  # noqa: B018  (materialises)
        return self

    @property
    def has_init(self):
        return self._data is None

    @property
    def init(self):
        return self._init

    def asnumpy(self):
        """The Tensor's values as an ndarray (shares memory with the Tensor, as on CPU)."""
        return self._arr

    def numpy(self):
        return self._arr

    def __array__(self, dtype=None, copy=None):
        a = self._arr
        if dtype is not None and np.dtype(dtype) != a.dtype:
            return a.astype(dtype)
        return a.copy() if copy else a

    # ---- metadata -------------------------------------------------------------------------
    @property
    def shape(self):
        if self._data is None:
            return self._lazy_shape
        return self._data.shape         # (a NumPy shape is already a tuple of ints)

    @property
    def dtype(self):
        if self._data is None:
            return self._lazy_dtype
        return mstype.from_numpy(self._data.dtype)

    @property
    def ndim(self):
        return len(self._lazy_shape) if self._data is None else self._data.ndim

    @property
    def size(self):
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def itemsize(self):
        return self._arr.itemsize

    @property
    def nbytes(self):
        return self._arr.nbytes

    @property
    def strides(self):
        return self._arr.strides

    @property
    def T(self):
        return _wrap(self._arr.T.copy())

    # ---- conversion -----------------------------------------------------------------------
    def astype(self, dtype, copy=True):
        dtype = _to_mstype(dtype, "Tensor.astype")
        return _wrap(self._arr.astype(dtype.np_dtype))

    def to(self, dtype):
        return self.astype(dtype)

    def float(self):
        return self.astype(mstype.float32)

    def half(self):
        return self.astype(mstype.float16)

    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return _wrap(self._arr.reshape(shape).copy())

    def view(self, *shape):
        return self.reshape(*shape)

    def flatten(self):
        return _wrap(self._arr.reshape(-1).copy())

    def squeeze(self, axis=None):
        return _wrap(np.squeeze(self._arr, axis=axis).copy())

    def expand_dims(self, axis):
        return _wrap(np.expand_dims(self._arr, axis).copy())

    unsqueeze = expand_dims

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        return _wrap(np.transpose(self._arr, axes or None).copy())

    def copy(self):
        return _wrap(self._arr.copy())

    def item(self, index=None):
        a = self._arr
        return a.item() if index is None else a.item(index)

    def tolist(self):
        return self._arr.tolist()

    def sum(self, axis=None, keepdims=False):
        return _wrap(np.sum(self._arr, axis=axis, keepdims=keepdims))

    def mean(self, axis=None, keep_dims=False):
        return _wrap(np.mean(self._arr, axis=axis, keepdims=keep_dims).astype(self._arr.dtype))

    def max(self, axis=None, keepdims=False):
        return _wrap(np.max(self._arr, axis=axis, keepdims=keepdims))

    def min(self, axis=None, keepdims=False):
        return _wrap(np.min(self._arr, axis=axis, keepdims=keepdims))

    def abs(self):
        return _wrap(np.abs(self._arr))

    def all(self, axis=None, keep_dims=False):
        return _wrap(np.all(self._arr, axis=axis, keepdims=keep_dims))

    def any(self, axis=None, keep_dims=False):
        return _wrap(np.any(self._arr, axis=axis, keepdims=keep_dims))

    # ---- indexing -------------------------------------------------------------------------
    @staticmethod
    def _index(key):
        if isinstance(key, Tensor):
            return key._arr
        if isinstance(key, tuple):
            return tuple(k._arr if isinstance(k, Tensor) else k for k in key)
        return key

    def __getitem__(self, key):
        return _wrap(np.array(self._arr[self._index(key)], copy=True))

    def __setitem__(self, key, value):
        self._arr[self._index(key)] = _operand(value)

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    # ---- Python protocol ------------------------------------------------------------------
    def __bool__(self):
        return bool(self._arr)

    def __int__(self):
        return int(self._arr)

    def __float__(self):
        return float(self._arr)

    def __index__(self):
        if self._arr.dtype.kind not in "iu" or self.ndim != 0:
            raise TypeError("only integer scalar Tensors can be converted to an index")
        return int(self._arr)

    __hash__ = object.__hash__

    def __repr__(self):
        a = self._arr
        fmt = _PRINT_FMT.get(a.dtype)
        label = mstype.from_numpy(a.dtype)
        head = f"Tensor(shape={list(a.shape)}, dtype={label}, value="
        if a.ndim == 0:
            v = a.item()
            body = f"{v:g}" if isinstance(v, float) else str(v)
            return f"{head} {body})"
        formatter = {"float_kind": fmt.format} if fmt else None
        body = np.array2string(a, separator=", ", formatter=formatter, threshold=1000,
                               edgeitems=3)
        sep = " " if a.ndim == 1 else "\n"
        return f"{head}{sep}{body})"

    def __str__(self):
        return str(self._arr)

    def __format__(self, spec):
        if spec:
            return format(self._arr.item() if self.ndim == 0 else self._arr, spec)
        return str(self)


def _binary(fn, reflected=False, int_to_float=False):
    def method(self, other):
        if not isinstance(other, (Tensor, numbers.Number, np.ndarray, np.generic, list, tuple)):
            return NotImplemented
        a, b = self._arr, _operand(other)
        if isinstance(b, (list, tuple)):
            b = Tensor(b)._arr
        r = fn(b, a) if reflected else fn(a, b)
        r = np.asarray(r)
        if int_to_float and r.dtype == np.float64 and np.asarray(a).dtype.kind in "biu" \
                and np.asarray(b).dtype.kind in "biu":
            r = r.astype(np.float32)
        return _wrap(r)
    return method


for _name, _fn, _flt in [("add", operator.add, False), ("sub", operator.sub, False),
                         ("mul", operator.mul, False), ("truediv", operator.truediv, True),
                         ("floordiv", operator.floordiv, False), ("mod", operator.mod, False),
                         ("pow", operator.pow, False), ("matmul", operator.matmul, False),
                         ("and", operator.and_, False), ("or", operator.or_, False),
                         ("xor", operator.xor, False)]:
    setattr(Tensor, f"__{_name}__", _binary(_fn, int_to_float=_flt))
    setattr(Tensor, f"__r{_name}__", _binary(_fn, reflected=True, int_to_float=_flt))
for _name, _fn in [("eq", operator.eq), ("ne", operator.ne), ("lt", operator.lt),
                   ("le", operator.le), ("gt", operator.gt), ("ge", operator.ge)]:
    setattr(Tensor, f"__{_name}__", _binary(_fn))
Tensor.__neg__ = lambda self: _wrap(-self._arr)
Tensor.__pos__ = lambda self: _wrap(+self._arr)
Tensor.__abs__ = lambda self: _wrap(np.abs(self._arr))
Tensor.__invert__ = lambda self: _wrap(~self._arr)


class Parameter(Tensor):
    """``mindspore.Parameter(default_input, name=None, requires_grad=True, ...)``."""

    _counter = itertools.count(1)

    def __init__(self, default_input, name=None, requires_grad=True, layerwise_parallel=False,
                 parallel_optimizer=True, storage_format="", device=None):
        if device is not None:
            from ._validators import unsupported
            unsupported("Parameter", "device", device, "msconvt runs on the CPU only")
        if isinstance(default_input, Tensor):
            arr = np.array(default_input._arr, copy=True)  # materialises a lazy init now
        elif isinstance(default_input, (np.ndarray, np.generic, numbers.Number, list, tuple)):
            arr = Tensor(default_input)._arr
        else:
            raise TypeError("For 'Parameter', the type of 'default_input' must be one of "
                            "['Tensor', 'ndarray', 'int', 'float', 'bool'], but got "
                            f"{type(default_input)}.")
        self._init = None
        self._lazy_shape = None
        self._lazy_dtype = None
        self._data = arr
        self._auto_name = name is None
        self._name = f"Parameter#{next(Parameter._counter)}" if name is None else None
        if name is not None:
            self.name = name
        self.requires_grad = requires_grad
        self.layerwise_parallel = layerwise_parallel
        self.parallel_optimizer = parallel_optimizer

    @property
    def name(self):
        return self._name

    @name.setter
    def name(self, value):
        if not isinstance(value, str):
            raise TypeError(f"For 'Parameter', the type of 'name' must be 'str', but got "
                            f"{type(value).__name__}.")
        self._name = value
        self._auto_name = False

    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        if not isinstance(value, bool):
            raise TypeError("The 'requires_grad' attribute of parameter must be set as bool.")
        self._requires_grad = value

    @property
    def data(self):
        return self

    @property
    def inited_param(self):
        return None

    def value(self):
        return Tensor._from_array(self._arr)

    def set_data(self, data, slice_shape=False):
        new = data._arr if isinstance(data, Tensor) else np.asarray(data)
        if new.shape != self._arr.shape:
            raise ValueError("Can not change the shape of Parameter which has been initialized. "
                             f"Current shape is {self.shape}, and incoming is {tuple(new.shape)}.")
        self._data = np.array(new, dtype=self._arr.dtype, copy=True)
        return self

    def clone(self, init="same"):
        if init != "same":
            from .common.initializer import initializer
            return Parameter(initializer(init, self.shape, self.dtype), name=self.name,
                             requires_grad=self.requires_grad)
        return Parameter(Tensor._from_array(self._arr.copy()), name=self.name,
                         requires_grad=self.requires_grad)

    def __repr__(self):
        return (f"Parameter (name={self._name}, shape={self.shape}, dtype={self.dtype}, "
                f"requires_grad={self._requires_grad})")

    __str__ = __repr__
