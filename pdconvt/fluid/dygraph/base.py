"""``fluid.dygraph.base``: ``guard``, ``to_variable``, ``no_grad`` and the dygraph switches."""
from __future__ import annotations

import contextlib
import functools

import numpy as np

from .. import framework
from .._varbase import Variable
from ..place import CPUPlace

__all__ = ["guard", "to_variable", "no_grad", "enabled", "enable_dygraph", "disable_dygraph",
           "enable_imperative", "disable_imperative"]


@contextlib.contextmanager
def guard(place=None):
    """Run the block in dygraph mode with fresh programs (seed 0) and fresh name counters.

    The state belongs to the calling thread (see ``framework``), so guards in different
    threads are independent.
    """
    state = framework._State(dygraph=True, place=CPUPlace() if place is None else place)
    framework._push(state)
    try:
        yield
    finally:
        framework._pop(state)


def enabled():
    """True in dygraph mode."""
    return framework.in_dygraph_mode()


def enable_dygraph(place=None):
    """Turn dygraph mode on for the whole process (legacy's global tracer)."""
    if framework._global_dygraph is None:
        framework._set_global_dygraph(
            framework._State(dygraph=True, place=CPUPlace() if place is None else place))


def disable_dygraph():
    """Turn the process-wide dygraph mode of ``enable_dygraph`` off."""
    previous = framework._set_global_dygraph(None)
    if previous is not None:
        previous.alive = False


enable_imperative = enable_dygraph
disable_imperative = disable_dygraph


def to_variable(value, name=None, zero_copy=None):
    """Wrap an ndarray as a Variable (dygraph mode only).

    Parameters
    ----------
    value : numpy.ndarray or Variable
        A Variable is returned as is.
    name : str, optional
        Default ``generated_var_<k>``.
    zero_copy : bool, optional
        None (default) means True on CPU: the Variable *aliases* a C-contiguous ``value``,
        so later writes to the array show through.  False copies.
    """
    if not framework.in_dygraph_mode():
        raise AssertionError(
            "We Only support to_variable in imperative mode, please use "
            "fluid.dygraph.guard() as context to run it in imperative Mode")
    if isinstance(value, Variable):
        return value
    if not isinstance(value, np.ndarray):
        raise TypeError(
            "The type of input value is invalid, expected type is 'ndarray', 'Variable' or "
            f"'ComplexVariable', but received {type(value)}.")
    if np.iscomplexobj(value):
        raise NotImplementedError("to_variable: complex arrays (ComplexVariable) are not "
                                  "provided by pdconvt")
    framework.convert_np_dtype_to_dtype_(value.dtype)  # ValueError for unsupported dtypes
    if zero_copy is None:
        zero_copy = True
    if zero_copy and value.flags.c_contiguous:
        array = value
    else:
        array = np.array(value, copy=True, order="C")
    return Variable(array, name or framework._generate_name("generated_var"),
                    stop_gradient=True, persistable=False)


class _NoGrad:
    """Context manager (and decorator) under which new Variables have stop_gradient=True."""

    def __enter__(self):
        framework._add_no_grad(1)
        return self

    def __exit__(self, *exc):
        framework._add_no_grad(-1)
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with _NoGrad():
                return func(*args, **kwargs)

        return wrapper


def no_grad(func=None):
    """``with no_grad():`` or ``@no_grad`` / ``@no_grad()``."""
    if func is None:
        return _NoGrad()
    return _NoGrad()(func)
