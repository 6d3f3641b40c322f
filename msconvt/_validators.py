"""MindSpore's argument checks and message formats, in one place.

Each helper reproduces one function of ``mindspore/_checkparam.py`` (2.10), messages
verbatim, typos and missing periods included, because the messages are part of the
observable behaviour that framework code and tests match against.
"""
from __future__ import annotations

import operator

__all__ = [
    "check_positive_int", "check_non_negative_int", "check_equal_int", "check_bool",
    "check_string", "check_value_type", "twice", "unsupported", "prefix",
]


def prefix(prim_name):
    return f"For '{prim_name}', the " if prim_name else "The "


def _name(arg_name):
    return f"'{arg_name}'" if arg_name else "input value"


_REL = {"gt": ("> {}", operator.gt), "ge": (">= {}", operator.ge), "eq": ("= {}", operator.eq)}


def _check_number(value, bound, rel, arg_name=None, prim_name=None):
    """``_check_number(arg_value, value, rel, int, arg_name, prim_name)``."""
    info = prefix(prim_name) + _name(arg_name)
    if not isinstance(value, int):
        raise TypeError(f"{info} must be int, but got '{type(value).__name__}'")
    rel_str, fn = _REL[rel]
    is_bool = isinstance(value, bool)
    if is_bool or not fn(value, bound):
        msg = (f"{info} must be int and must {rel_str.format(bound)}, "
               f"but got '{value}' with type '{type(value).__name__}'.")
        raise (TypeError if is_bool else ValueError)(msg)
    return value


def check_positive_int(value, arg_name=None, prim_name=None):
    return _check_number(value, 0, "gt", arg_name, prim_name)


def check_non_negative_int(value, arg_name=None, prim_name=None):
    return _check_number(value, 0, "ge", arg_name, prim_name)


def check_equal_int(value, expected, arg_name=None, prim_name=None):
    return _check_number(value, expected, "eq", arg_name, prim_name)


def check_bool(value, arg_name=None, prim_name=None):
    if not isinstance(value, bool):
        raise TypeError(f"{prefix(prim_name)}{_name(arg_name)} must be a bool, "
                        f"but got {type(value).__name__}.")
    return value


def check_string(value, valid_values, arg_name=None, prim_name=None):
    if not (isinstance(value, str) and value in valid_values):
        name = arg_name if arg_name else "parameter"
        raise ValueError(f"{prefix(prim_name)}'{name}' must be str and must be in "
                         f"'{list(valid_values)}', but got '{value}'.")
    return value


def check_value_type(arg_name, value, valid_types, prim_name=None):
    """bool is rejected where only int is allowed, as MindSpore does."""
    valid_types = tuple(valid_types) if isinstance(valid_types, (tuple, list)) else (valid_types,)
    bad = (isinstance(value, bool) and bool not in valid_types) or not isinstance(value, valid_types)
    if bad:
        names = [t.__name__ for t in valid_types]
        what = f"one of '{names}'" if len(names) > 1 else f"'{names[0]}'"
        pre = f"For '{prim_name}', the" if prim_name else "The"
        raise TypeError(f"{pre} type of '{arg_name}' should be {what}, "
                        f"but got type '{type(value).__name__}'.")
    return value


def twice(value):
    """``_checkparam.twice``: an int (not bool) becomes a pair; a tuple must be 2 ints."""
    if not isinstance(value, tuple):
        if isinstance(value, int) and not isinstance(value, bool):
            return (value, value)
        raise TypeError("When expanding an int number to tuple, input type must be integer or "
                        f"tuple[int], but got {type(value)}")
    if len(value) != 2:
        raise TypeError("When expanding an int number to tuple, input tuple dimension must be 2, "
                        f"but got {value}")
    for item in value:
        if not isinstance(item, int) or isinstance(item, bool):
            raise TypeError("When expanding an int number to tuple, the type of element in input "
                            f"tuple must be an integer, but got {type(item)}.")
    return value


def unsupported(api, arg, value, why=""):
    """The one way an accepted-but-unhonourable argument is refused."""
    tail = f": {why}" if why else ""
    raise NotImplementedError(f"msconvt does not support {arg}={value!r} in {api}{tail}")
