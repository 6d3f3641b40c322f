"""The names msconvt provides, with MindSpore 2.10's signatures (argument names, order, defaults)."""
from __future__ import annotations

import importlib
import inspect

import pytest

import msconvt
from msconvt._alias import ALIASES

MANIFEST = {
    "msconvt": ["Tensor", "Parameter", "set_seed", "get_seed", "set_context", "get_context",
                "GRAPH_MODE", "PYNATIVE_MODE", "ops", "nn", "mint", "common", "context", "dtype",
                "float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
                "bool_", "bfloat16", "complex64", "install_alias", "uninstall_alias", "alias"],
    "msconvt.ops": ["Conv2DTranspose", "Conv2DBackpropInput", "Shape", "Primitive",
                    "prim_attr_register", "shape", "ones", "zeros", "conv_transpose2d",
                    "operations"],
    "msconvt.ops.operations": ["Conv2DTranspose", "Conv2DBackpropInput", "Shape"],
    "msconvt.nn": ["Cell", "Conv2dTranspose"],
    "msconvt.mint": ["nn"],
    "msconvt.mint.nn": ["ConvTranspose2d", "functional"],
    "msconvt.mint.nn.functional": ["conv_transpose2d"],
    "msconvt.common": ["dtype", "initializer", "Tensor", "Parameter", "set_seed", "get_seed"],
    "msconvt.common.dtype": ["float16", "float32", "float64", "int32", "int64", "bool_",
                             "dtype_to_nptype"],
    "msconvt.common.initializer": ["initializer", "Initializer", "Normal", "Uniform",
                                   "HeUniform", "HeNormal", "XavierUniform", "XavierNormal",
                                   "Zero", "One", "Constant"],
    "msconvt.context": ["set_context", "get_context", "GRAPH_MODE", "PYNATIVE_MODE"],
}

SIGNATURES = {
    "ops.Conv2DTranspose": "(self, out_channel, kernel_size, pad_mode='valid', pad=0, pad_list=None, "
                           "mode=1, stride=1, dilation=1, group=1, data_format='NCHW')",
    "nn.Conv2dTranspose": "(self, in_channels, out_channels, kernel_size, stride=1, pad_mode='same', "
                          "padding=0, output_padding=0, dilation=1, group=1, has_bias=False, "
                          "weight_init=None, bias_init=None, dtype=mindspore.float32)",
    "mint.nn.ConvTranspose2d": "(self, in_channels, out_channels, kernel_size, stride=1, padding=0, "
                               "output_padding=0, groups=1, bias=True, dilation=1, "
                               "padding_mode='zeros', dtype=None)",
    "mint.nn.ConvTranspose2d.construct": "(self, input, output_size=None)",
    "mint.nn.functional.conv_transpose2d": "(input, weight, bias=None, stride=1, padding=0, "
                                           "output_padding=0, groups=1, dilation=1)",
    "common.initializer.initializer": "(init, shape=None, dtype=mindspore.float32)",
    "common.initializer.HeUniform": "(self, negative_slope=0, mode='fan_in', nonlinearity='leaky_relu')",
    "common.initializer.Normal": "(self, sigma=0.01, mean=0.0)",
    "common.initializer.Uniform": "(self, scale=0.07)",
    "common.initializer.XavierUniform": "(self, gain=1)",
    "Parameter": "(self, default_input, name=None, requires_grad=True, layerwise_parallel=False, "
                 "parallel_optimizer=True, storage_format='', device=None)",
    "set_seed": "(seed)",
}


@pytest.mark.parametrize("module", sorted(MANIFEST))
def test_names_provided(module):
    mod = importlib.import_module(module)
    missing = [n for n in MANIFEST[module] if not hasattr(mod, n)]
    assert not missing


def _resolve(path):
    obj = msconvt
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj.__init__ if inspect.isclass(obj) else obj


@pytest.mark.parametrize("path", sorted(SIGNATURES))
def test_signatures(path):
    assert str(inspect.signature(_resolve(path))) == SIGNATURES[path]


def test_alias_table_covers_the_issue_names():
    for name in ("mindspore", "mindspore.ops", "mindspore.nn", "mindspore.mint", "mindspore.mint.nn",
                 "mindspore.mint.nn.functional", "mindspore.common",
                 "mindspore.common.initializer", "mindspore.common.dtype"):
        assert name in ALIASES


def test_shim_modules_do_not_import_real_frameworks():
    import sys
    assert "mindspore" not in sys.modules or sys.modules["mindspore"] is msconvt
