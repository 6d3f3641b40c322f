"""``fluid.dygraph.Layer``: parameters, sublayers, state dicts and forward hooks."""
from __future__ import annotations

import collections
import copy
import re
import warnings
import weakref

from .. import framework
from .._varbase import ParamBase, Variable
from ..core import VarDesc
from ..param_attr import ParamAttr

__all__ = ["Layer"]

_first_cap_re = re.compile("(.)([A-Z][a-z]+)")
_all_cap_re = re.compile("([a-z])([A-Z])")


def _convert_camel_to_snake(name):
    # Conv2DTranspose -> conv2d_transpose (digits do not split words, as legacy).
    return _all_cap_re.sub(r"\1_\2", _first_cap_re.sub(r"\1_\2", name)).lower()


class HookRemoveHelper:
    """Handle returned by ``register_forward_*_hook``; ``remove()`` unregisters the hook."""

    next_hook_id = 0

    def __init__(self, hooks):
        self._hooks_ref = weakref.ref(hooks)
        self._hook_id = HookRemoveHelper.next_hook_id
        HookRemoveHelper.next_hook_id += 1

    def remove(self):
        hooks = self._hooks_ref()
        if hooks is not None and self._hook_id in hooks:
            del hooks[self._hook_id]


def _create_parameter(layer_name, attr, shape, dtype, is_bias=False, default_initializer=None):
    """Legacy ``LayerHelperBase.create_parameter``, step by step (the order decides errors)."""
    attr = copy.deepcopy(attr)
    attr = ParamAttr._to_attr(attr)
    if not attr:
        return None
    assert isinstance(attr, ParamAttr)
    suffix = "b" if is_bias else "w"
    if attr.name is None:
        attr.name = framework._generate_name(".".join([layer_name, suffix]))
    if default_initializer is None and attr.initializer is None:
        if isinstance(dtype, VarDesc.VarType):
            float_type = dtype in (VarDesc.VarType.FP32, VarDesc.VarType.FP64,
                                   VarDesc.VarType.FP16)
        else:
            # A numpy type object fails here with AttributeError (no .startswith), as legacy.
            float_type = dtype.startswith("float") or dtype == "double"
        if not float_type:
            raise TypeError("Can not create parameter with default initializer when dtype is "
                            "not float type. Set default_initializer to fit the parameter "
                            "dtype!")
        if is_bias:
            attr._set_default_bias_initializer()
        else:
            attr._set_default_param_initializer()
    else:
        attr._set_default_initializer(default_initializer)

    state = framework._current_state()
    if state is not None and not state.claim_param_name(attr.name):
        raise ValueError(
            f"parameter name [{attr.name}] have be been used. In dygraph mode, the name of "
            "parameter can't be same.Please check the parameter attr value passed to "
            "self.create_parameter or constructor of dygraph Layers")
    kwargs = attr._to_kwargs(with_initializer=True)
    initializer = kwargs.pop("initializer")
    param = ParamBase(shape=shape, dtype=dtype, **kwargs)
    param._state = state
    initializer(param, framework.default_main_program().global_block())
    return param


class Layer:
    """Base class of dygraph layers (legacy ``fluid.dygraph.Layer``).

    Parameters
    ----------
    name_scope : str, optional
        Prefix of the full name and parameter names; None: the snake-cased class name.
    dtype : str
        Default dtype of parameters created through ``create_parameter``.
    """

    def __init__(self, name_scope=None, dtype=VarDesc.VarType.FP32):
        self.training = True
        if name_scope is None:
            name_scope = _convert_camel_to_snake(self.__class__.__name__)
        self._full_name = framework._generate_name(name_scope)
        self._built = False
        self._dtype = dtype
        self._parameters = collections.OrderedDict()
        self._sub_layers = collections.OrderedDict()
        self._loaddict_holder = collections.OrderedDict()
        self._forward_pre_hooks = collections.OrderedDict()
        self._forward_post_hooks = collections.OrderedDict()

    # --- mode and names ---------------------------------------------------------------------
    def train(self):
        """Training mode for this layer and its sublayers."""
        self.training = True
        for layer in self.sublayers():
            layer.training = True

    def eval(self):
        """Evaluation mode for this layer and its sublayers."""
        self.training = False
        for layer in self.sublayers():
            layer.training = False

    def full_name(self):
        """``<name_scope>_<k>``, unique within the guard."""
        return self._full_name

    # --- hooks -----------------------------------------------------------------------------
    def register_forward_post_hook(self, hook):
        """``hook(layer, inputs, output)`` after forward; a non-None result replaces output."""
        helper = HookRemoveHelper(self._forward_post_hooks)
        self._forward_post_hooks[helper._hook_id] = hook
        return helper

    def register_forward_pre_hook(self, hook):
        """``hook(layer, inputs)`` before forward; a non-None result replaces the inputs."""
        helper = HookRemoveHelper(self._forward_pre_hooks)
        self._forward_pre_hooks[helper._hook_id] = hook
        return helper

    # --- parameters --------------------------------------------------------------------------
    def create_parameter(self, shape, attr=None, dtype="float32", is_bias=False,
                         default_initializer=None):
        """Create (and initialise) a parameter named after this layer."""
        temp_attr = copy.deepcopy(attr)
        if isinstance(temp_attr, str) and temp_attr == "":
            temp_attr = None
        return _create_parameter(self._full_name, temp_attr, shape, dtype, is_bias,
                                 default_initializer)

    def create_variable(self, name=None, persistable=None, dtype=None,
                        type=VarDesc.VarType.LOD_TENSOR):
        """An empty Variable named ``<full_name>.<name>`` (or a generated name)."""
        if name is not None:
            var_name = ".".join([self._full_name, name])
        else:
            var_name = framework._generate_name(".".join([self._full_name, "_generated_var"]))
        np_dtype = framework.dtype_to_numpy(dtype if dtype is not None else "float32")
        import numpy as np

        return Variable(np.zeros((0,), dtype=np_dtype), var_name, True, bool(persistable))

    def parameters(self, include_sublayers=True):
        """The parameters (weight first), sublayers' included by default."""
        return [p for _, p in self.named_parameters(include_sublayers=include_sublayers)]

    def named_parameters(self, prefix="", include_sublayers=True):
        """``(structured name, parameter)`` pairs, each parameter once."""
        memo = set()
        layers = self.named_sublayers(prefix=prefix, include_sublayers=include_sublayers,
                                      include_self=True)
        for layer_prefix, sublayer in layers:
            for key, param in sublayer._parameters.items():
                if param is None or id(param) in memo:
                    continue
                memo.add(id(param))
                yield layer_prefix + ("." if layer_prefix else "") + key, param

    def sublayers(self, include_sublayers=True):
        """All sublayers (recursively by default)."""
        return [layer for _, layer in self.named_sublayers(include_sublayers=include_sublayers)]

    def named_sublayers(self, prefix="", include_sublayers=True, include_self=False,
                        layers_set=None):
        """``(structured name, sublayer)`` pairs, each sublayer once."""
        if layers_set is None:
            layers_set = set()
        if include_self and self not in layers_set:
            layers_set.add(self)
            yield prefix, self
        if include_sublayers:
            for key, layer in self._sub_layers.items():
                if layer is None:
                    continue
                layer_prefix = prefix + ("." if prefix else "") + key
                for p, lay in layer.named_sublayers(prefix=layer_prefix,
                                                    include_sublayers=include_sublayers,
                                                    include_self=True, layers_set=layers_set):
                    yield p, lay

    def add_sublayer(self, name, sublayer):
        """Register ``sublayer`` under ``name`` and return it."""
        assert isinstance(sublayer, Layer)
        self._sub_layers[name] = sublayer
        return sublayer

    def add_parameter(self, name, parameter):
        """Register ``parameter`` (a Parameter or None) under ``name`` and return it."""
        if "_parameters" not in self.__dict__:
            raise RuntimeError("super(YourLayer, self).__init__() should be called firstly.")
        if not isinstance(name, str):
            raise TypeError("The name of parameter should be a string, but received "
                            f"{type(name).__name__}.")
        if "." in name:
            raise KeyError("The name of parameter can not contain `.`, because when you access "
                           "the newly added parameter in the form of `self.**.**`, it will "
                           "cause AttributeError.")
        if name == "":
            raise KeyError("The name of parameter can not be empty.")
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"The parameter '{name}' already exists.")
        if parameter is not None and not isinstance(parameter, ParamBase):
            raise TypeError("The parameter to be added should be a Parameter, but received "
                            f"{type(parameter).__name__}.")
        if parameter is not None and len(self._loaddict_holder) > 0 \
                and parameter.name in self._loaddict_holder:
            parameter.set_value(self._loaddict_holder[parameter.name])
        self._parameters[name] = parameter
        return parameter

    def clear_gradients(self):
        """Clear the gradients of trainable parameters (none are ever stored)."""
        for p in self.parameters():
            if p.trainable:
                p.clear_gradient()

    # --- state dict ---------------------------------------------------------------------------
    def state_dict(self, destination=None, include_sublayers=True, structured_name_prefix=""):
        """OrderedDict ``structured name -> parameter`` (the Parameter objects themselves)."""
        if destination is None:
            destination = collections.OrderedDict()
        for name, data in self._parameters.items():
            if data is not None:
                destination[structured_name_prefix + name] = data
        if include_sublayers:
            for layer_name, layer_item in self._sub_layers.items():
                if layer_item is not None:
                    layer_item.state_dict(destination, include_sublayers,
                                          structured_name_prefix + layer_name + ".")
        return destination

    def set_dict(self, stat_dict, include_sublayers=True, use_structured_name=True):
        """Copy values from ``stat_dict`` (ndarrays or Variables) into the parameters."""
        inner = self.state_dict(include_sublayers=include_sublayers)
        used = set()
        for name, param in inner.items():
            key = name if use_structured_name else param.name
            if key not in stat_dict:
                raise RuntimeError(
                    f"Parameter not found, Can't find [ {key} ] in stat_dict"
                    f"use_structured_name is set to [{use_structured_name}]")
            param.set_value(stat_dict[key])
            used.add(key)
        unused = [k for k in stat_dict if k not in used]
        if unused:
            warnings.warn(f"Variables [ {' '.join(unused)} ] are not used, because not "
                          "included in layers state_dict", stacklevel=2)

    load_dict = set_dict

    # --- calling ------------------------------------------------------------------------------
    def forward(self, *inputs, **kwargs):
        """Defined by subclasses."""
        raise NotImplementedError

    def backward(self, *inputs):
        raise ValueError("Layer shouldn't implement backward")

    def __call__(self, *inputs, **kwargs):
        for hook in self._forward_pre_hooks.values():
            result = hook(self, inputs)
            if result is not None:
                inputs = result if isinstance(result, tuple) else (result,)
        if not self._built:
            self._build_once(*inputs, **kwargs)
            self._built = True
        outputs = self.forward(*inputs, **kwargs)
        for hook in self._forward_post_hooks.values():
            result = hook(self, inputs, outputs)
            if result is not None:
                outputs = result
        return outputs

    def _build_once(self, *args, **kwargs):
        pass

    # --- attribute registry (parameters and sublayers by assignment) ------------------------
    def __getattr__(self, name):
        d = self.__dict__
        if "_parameters" in d and name in d["_parameters"]:
            return d["_parameters"][name]
        if "_sub_layers" in d and name in d["_sub_layers"]:
            return d["_sub_layers"][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __setattr__(self, name, value):
        params = self.__dict__.get("_parameters")
        if isinstance(value, ParamBase):
            if params is None:
                raise ValueError("super(YourLayer, self).__init__() should be called first")
            if len(self._loaddict_holder) > 0 and value.name in self._loaddict_holder:
                value.set_value(self._loaddict_holder[value.name])
            self.__dict__.pop(name, None)
            self._sub_layers.pop(name, None)
            params[name] = value
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"assignment to parameter '{name}' should be of type Parameter "
                                f"or None, but got '{type(value).__name__}'")
            params[name] = None
        else:
            layers = self.__dict__.get("_sub_layers")
            if isinstance(value, Layer):
                if layers is None:
                    raise ValueError("super(YourLayer, self).__init__() should be called first")
                self.__dict__.pop(name, None)
                if params is not None:
                    params.pop(name, None)
                layers[name] = value
            elif layers is not None and name in layers:
                if value is not None:
                    raise TypeError(f"assignment to sublayer '{name}' should be of type Layer "
                                    f"or None, but got '{type(value).__name__}'")
                layers[name] = None
            else:
                object.__setattr__(self, name, value)

    def __delattr__(self, name):
        if name in self._parameters:
            del self._parameters[name]
        elif name in self._sub_layers:
            del self._sub_layers[name]
        else:
            object.__delattr__(self, name)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._sub_layers))
