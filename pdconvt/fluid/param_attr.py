"""``fluid.ParamAttr``: a plain record of how to create a parameter."""
from __future__ import annotations

from .framework import check_type
from .initializer import Initializer
from .regularizer import WeightDecayRegularizer

__all__ = ["ParamAttr"]


class ParamAttr:
    """Parameter attributes, as Paddle 1.8's ``fluid.ParamAttr``.

    Parameters
    ----------
    name : str, optional
        Parameter name (``''`` is refused); None: ``<layer full name>.w_<j>``.
    initializer : Initializer, optional
        None: Xavier(uniform) for weights, Constant(0) for biases.
    learning_rate : float
        Ends in ``param.optimize_attr['learning_rate']``.
    regularizer : WeightDecayRegularizer, optional
    trainable : bool
    do_model_average : bool
    """

    def __init__(self, name=None, initializer=None, learning_rate=1.0, regularizer=None,
                 trainable=True, do_model_average=True):
        check_type(name, "name", (str, type(None)), "ParamAttr")
        check_type(learning_rate, "learning_rate", (float, int), "ParamAttr")
        check_type(trainable, "trainable", (bool,), "ParamAttr")
        check_type(do_model_average, "do_model_average", (bool,), "ParamAttr")
        self.name = name
        if self.name == "":
            raise ValueError("name of ParamAttr can not be empty str")
        self.initializer = initializer
        self.learning_rate = learning_rate
        self.regularizer = regularizer
        self.trainable = trainable
        self.do_model_average = do_model_average

    def _set_default_initializer(self, initializer):
        if initializer is None:
            if self.initializer is None:
                raise ValueError("ParamAttr.initializer is not set")
            return
        if self.initializer is not None:
            return
        self.initializer = initializer

    def _set_default_param_initializer(self):
        from .initializer import Xavier

        self._set_default_initializer(Xavier())

    def _set_default_bias_initializer(self):
        from .initializer import Constant

        self._set_default_initializer(Constant(0.0))

    @staticmethod
    def _to_attr(arg):
        """Cast what ``param_attr``/``bias_attr`` accept to ParamAttr (False stays False)."""
        if arg is None:
            return ParamAttr()
        if isinstance(arg, (list, tuple)):
            return [ParamAttr._to_attr(a) for a in arg]
        if isinstance(arg, ParamAttr):
            return arg
        if isinstance(arg, str):
            return ParamAttr(name=arg)
        if isinstance(arg, Initializer):
            return ParamAttr(initializer=arg)
        if isinstance(arg, WeightDecayRegularizer):
            return ParamAttr(regularizer=arg)
        if isinstance(arg, bool):
            return ParamAttr._to_attr(None) if arg else False
        raise TypeError(f"{type(arg)} cast to ParamAttr")

    def _to_kwargs(self, with_initializer=False):
        kwargs = {
            "name": self.name,
            "optimize_attr": {"learning_rate": self.learning_rate},
            "regularizer": self.regularizer,
            "trainable": self.trainable,
            "do_model_average": self.do_model_average,
        }
        if with_initializer:
            kwargs["initializer"] = self.initializer
        return kwargs

    def __repr__(self):
        return (f"ParamAttr(name={self.name!r}, initializer={self.initializer!r}, "
                f"learning_rate={self.learning_rate!r}, regularizer={self.regularizer!r}, "
                f"trainable={self.trainable!r}, do_model_average={self.do_model_average!r})")
