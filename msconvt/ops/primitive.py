"""``mindspore.ops.Primitive`` and ``prim_attr_register``: attributes, repr, positional calls."""
from __future__ import annotations

import functools
import inspect

__all__ = ["Primitive", "prim_attr_register"]


class Primitive:
    """An operator object: ``name``, ``attrs``, ``repr`` as ``Prim[Name]<k=v, ...>``."""

    _repr_ignore_list = ["input_names", "output_names"]

    def __init__(self, name):
        self.name = name
        self.attrs = {}
        self.init_attrs = {"name": name}

    def add_prim_attr(self, name, value):
        self.__dict__["attrs"][name] = value
        return self

    def del_prim_attr(self, name):
        self.attrs.pop(name, None)
        return self

    def init_prim_io_names(self, inputs, outputs):
        self.add_prim_attr("input_names", inputs)
        self.add_prim_attr("output_names", outputs)

    def __getattr__(self, item):
        attrs = self.__dict__.get("attrs", {})
        if item in attrs:
            return attrs[item]
        raise AttributeError(f"'{self.__dict__.get('name', type(self).__name__)}' object has no "
                             f"attribute '{item}'")

    def __repr__(self):
        attr = ", ".join(f"{k}={v}" for k, v in self.attrs.items()
                         if k not in Primitive._repr_ignore_list)
        info = f"Prim[{self.name}]"
        return f"{info}<{attr}>" if attr else info

    def __call__(self, *args, **kwargs):
        if kwargs:
            raise TypeError("Primitive.__call__() got an unexpected keyword argument "
                            f"'{next(iter(kwargs))}'")
        return self._run(*args)

    def _run(self, *args):
        raise NotImplementedError(f"msconvt does not implement the primitive {self.name}")


def prim_attr_register(fn):
    """Bind the ``__init__`` arguments (inspect's TypeErrors) and store them as attributes."""
    sig = inspect.signature(fn)

    @functools.wraps(fn)
    def deco(self, *args, **kwargs):
        Primitive.__init__(self, type(self).__name__)
        bound = sig.bind(self, *args, **kwargs)
        bound.apply_defaults()
        arguments = bound.arguments
        del arguments["self"]
        del self.init_attrs["name"]
        for name, value in arguments.items():
            self.add_prim_attr(name, value)
            self.init_attrs[name] = value
        fn(self, *args, **kwargs)

    deco.decorated_func = fn
    return deco
