"""One test per row of the validation tables of shared/spec/mindspore.md.

Messages are MindSpore 2.10's, verbatim (typos and missing periods included) where the
framework has a clear user-facing message; where it only has an internal error (oneDNN's
"could not create a primitive descriptor"), the class is the same and the message names the
argument and the values.
"""
from __future__ import annotations

import re

import numpy as np
import pytest

import msconvt as ms
from msconvt import Tensor, mint, nn, ops
from msconvt.common.initializer import initializer

C = ops.Conv2DTranspose


def T(*shape, dt=np.float32):
    return Tensor(np.ones(shape, dt))


def raises(exc, msg=None, exact=True):
    """pytest.raises with an exact (default) or substring message check."""
    if msg is None:
        return pytest.raises(exc)
    return pytest.raises(exc, match=("^" + re.escape(msg) + "$") if exact else re.escape(msg))


# ---- §2.1 ops.Conv2DTranspose constructor, in order ---------------------------------------------
OPS_CTOR = [
    ("1 out_channel float", dict(out_channel=1.5, kernel_size=3), TypeError,
     "For 'Conv2DTranspose', the 'out_channel' must be int, but got 'float'"),
    ("1 out_channel np.int64", dict(out_channel=np.int64(3), kernel_size=3), TypeError,
     "For 'Conv2DTranspose', the 'out_channel' must be int, but got 'int64'"),
    ("1 out_channel bool", dict(out_channel=True, kernel_size=3), TypeError,
     "For 'Conv2DTranspose', the 'out_channel' must be int and must > 0, but got 'True' with type 'bool'."),
    ("1 out_channel zero", dict(out_channel=0, kernel_size=3), ValueError,
     "For 'Conv2DTranspose', the 'out_channel' must be int and must > 0, but got '0' with type 'int'."),
    ("2 kernel_size list", dict(out_channel=2, kernel_size=[3, 3]), TypeError,
     "For 'Conv2DTranspose', the type of 'kernel_size' should be one of '['int', 'tuple']', but got type 'list'."),
    ("2 kernel_size bool", dict(out_channel=2, kernel_size=True), TypeError,
     "For 'Conv2DTranspose', the type of 'kernel_size' should be one of '['int', 'tuple']', but got type 'bool'."),
    ("2 kernel_size zero item", dict(out_channel=2, kernel_size=(3, 0)), ValueError,
     "For 'Conv2DTranspose' attr 'kernel_size' must be an positive int number or a tuple of two positive int numbers, but got (3, 0)"),
    ("2 kernel_size length 3", dict(out_channel=2, kernel_size=(3, 3, 3)), ValueError,
     "For 'Conv2DTranspose' attr 'kernel_size' must be an positive int number or a tuple of two positive int numbers, but got (3, 3, 3)"),
    ("2 kernel_size float item", dict(out_channel=2, kernel_size=(3.0, 3)), ValueError,
     "For 'Conv2DTranspose' attr 'kernel_size' must be an positive int number or a tuple of two positive int numbers, but got (3.0, 3)"),
    ("3 data_format lower", dict(out_channel=2, kernel_size=3, data_format="nchw"), ValueError,
     "For 'Conv2DTranspose', the 'format' must be str and must be in '['NCHW', 'NHWC']', but got 'nchw'."),
    ("3 data_format None", dict(out_channel=2, kernel_size=3, data_format=None), ValueError,
     "For 'Conv2DTranspose', the 'format' must be str and must be in '['NCHW', 'NHWC']', but got 'None'."),
    ("5 stride list", dict(out_channel=2, kernel_size=3, stride=[1, 1]), TypeError,
     "For 'Conv2DTranspose', the type of 'stride' should be one of '['int', 'tuple']', but got type 'list'."),
    ("5 stride zero", dict(out_channel=2, kernel_size=3, stride=0), ValueError,
     "For 'Conv2DTranspose' attr 'stride' must be an positive int number or a tuple of two or four positive int numbers, but got 0"),
    ("6 dilation zero item", dict(out_channel=2, kernel_size=3, dilation=(1, 0)), ValueError,
     "For 'Conv2DTranspose' attr 'dilation' must be an positive int number or a tuple of two or four positive int numbers, but got (1, 0)"),
    ("7 pad float", dict(out_channel=2, kernel_size=3, pad=1.0), TypeError,
     "For 'Conv2DTranspose', the type of 'pad' should be one of '['int', 'tuple']', but got type 'float'."),
    ("8 pad_mode int", dict(out_channel=2, kernel_size=3, pad_mode=1), TypeError,
     "For 'Conv2DTranspose', the type of 'pad_mode' should be 'str', but got type 'int'."),
    ("9 pad length 2", dict(out_channel=2, kernel_size=3, pad=(1, 1)), ValueError,
     "For 'Conv2DTranspose', the 'pad size' must be int and must = 4, but got '2' with type 'int'."),
    ("10 pad_mode full", dict(out_channel=2, kernel_size=3, pad_mode="full"), ValueError,
     "For 'Conv2DTranspose', the 'pad_mode' must be str and must be in '['valid', 'same', 'pad']', but got 'full'."),
    ("11 pad in valid", dict(out_channel=2, kernel_size=3, pad=1), ValueError,
     "For 'Conv2DTranspose', the 'pad' must be zero or (0, 0, 0, 0) when 'pad_mode' is not \"pad\", but got 'pad' is 1 and 'pad_mode' is valid."),
    ("11 raw PAD compared", dict(out_channel=2, kernel_size=3, pad_mode="PAD", pad=1), ValueError,
     "For 'Conv2DTranspose', the 'pad' must be zero or (0, 0, 0, 0) when 'pad_mode' is not \"pad\", but got 'pad' is 1 and 'pad_mode' is PAD."),
    ("11 negative pad in valid", dict(out_channel=2, kernel_size=3, pad=-1), ValueError,
     "For 'Conv2DTranspose', the 'pad' must be zero or (0, 0, 0, 0) when 'pad_mode' is not \"pad\", but got 'pad' is -1 and 'pad_mode' is valid."),
    ("12 pad item negative", dict(out_channel=2, kernel_size=3, pad_mode="pad", pad=-1), ValueError,
     "For 'Conv2DTranspose', the 'pad item' must be int and must >= 0, but got '-1' with type 'int'."),
    ("12 pad item float", dict(out_channel=2, kernel_size=3, pad_mode="pad", pad=(1, 1.0, 1, 1)), TypeError,
     "For 'Conv2DTranspose', the 'pad item' must be int, but got 'float'"),
    ("13 mode 2", dict(out_channel=2, kernel_size=3, mode=2), ValueError,
     "For 'Conv2DTranspose', the 'mode' must be int and must = 1, but got '2' with type 'int'."),
    ("13 mode float", dict(out_channel=2, kernel_size=3, mode=1.0), TypeError,
     "For 'Conv2DTranspose', the 'mode' must be int, but got 'float'"),
    ("14 group zero", dict(out_channel=2, kernel_size=3, group=0), ValueError,
     "For 'Conv2DTranspose', the 'group' must be int and must > 0, but got '0' with type 'int'."),
    ("15 pad_list negative", dict(out_channel=2, kernel_size=3, pad_list=(0, -2, 0, 0)), ValueError,
     "For 'Conv2DTranspose', the 'element of pad_list' must be int and must >= 0, but got '-2' with type 'int'."),
    ("15 pad_list float", dict(out_channel=2, kernel_size=3, pad_list=(0, 1.5, 0, 0)), TypeError,
     "For 'Conv2DTranspose', the 'element of pad_list' must be int, but got 'float'"),
    ("15 pad_list int", dict(out_channel=2, kernel_size=3, pad_list=1), TypeError,
     "'int' object is not iterable"),
    ("bind unknown kwarg", dict(out_channel=2, kernel_size=3, foo=1), TypeError,
     "got an unexpected keyword argument 'foo'"),
    ("bind missing kernel_size", dict(out_channel=2), TypeError,
     "missing a required argument: 'kernel_size'"),
]


@pytest.mark.parametrize("kw,exc,msg", [c[1:] for c in OPS_CTOR], ids=[c[0] for c in OPS_CTOR])
def test_ops_constructor(kw, exc, msg):
    with raises(exc, msg):
        C(**kw)


def test_ops_rule_order_first_failure_wins():
    # out_channel (rule 1) before kernel_size (rule 2); pad type (7) before pad_mode type (8)
    with raises(TypeError, "For 'Conv2DTranspose', the 'out_channel' must be int, but got 'float'"):
        C(1.5, [3])
    with raises(TypeError, "For 'Conv2DTranspose', the type of 'pad' should be one of "
                           "'['int', 'tuple']', but got type 'float'."):
        C(2, 3, pad_mode=1, pad=1.5)


def test_ops_nhwc_is_computed_not_refused():
    """Rule 4: CPU MindSpore refuses NHWC for lack of a kernel; msconvt computes it."""
    op = C(2, 3, data_format="NHWC", stride=2)
    assert op.attrs["stride"] == (1, 2, 2, 1) and op.attrs["data_format"] == "NHWC"
    y = op(T(1, 3, 3, 2), T(2, 3, 3, 4), (1, 7, 7, 4))
    assert y.shape == (1, 7, 7, 4)


def test_ops_attrs_and_repr():
    op = C(4, 3)
    assert op.name == "Conv2DTranspose"
    assert repr(op) == ("Prim[Conv2DTranspose]<out_channel=4, kernel_size=(3, 3), pad_mode=VALID, "
                        "pad=(0, 0, 0, 0), pad_list=None, mode=1, stride=(1, 1, 1, 1), "
                        "dilation=(1, 1, 1, 1), group=1, data_format=NCHW, groups=1>")
    assert op.attrs == {"out_channel": 4, "kernel_size": (3, 3), "pad_mode": "VALID",
                        "pad": (0, 0, 0, 0), "pad_list": None, "mode": 1,
                        "stride": (1, 1, 1, 1), "dilation": (1, 1, 1, 1), "group": 1,
                        "data_format": "NCHW",
                        "input_names": ["out_backprop", "filter", "input_sizes"],
                        "output_names": ["output"], "groups": 1}
    op = C(2, (2, 3), pad_mode="pad", pad=(1, 2, 3, 4), stride=(2, 3), dilation=(1, 1, 2, 2),
           group=2, pad_list=(1, 1, 1, 1))
    assert op.attrs["pad_mode"] == "PAD" and op.pad_mode == "pad"
    assert C(2, 3, pad_mode="Pad").attrs["pad_mode"] == "PAD"
    assert op.attrs["stride"] == (1, 1, 2, 3) and op.attrs["dilation"] == (1, 1, 2, 2)
    assert op.attrs["pad"] == (1, 2, 3, 4) and op.attrs["pad_list"] == (1, 1, 1, 1)


# ---- §2.2 call-time errors --------------------------------------------------------------------
PD = "could not create a primitive descriptor"
OPS_CALL = [
    ("dout rank 3", lambda: C(2, 3)(T(2, 3, 3), T(2, 2, 3, 3), (1, 2, 5, 5)), RuntimeError,
     "For Conv2DTranspose, the rank of input[0] can't be less than 4, but got a invalid shape: (2, 3, 3)", True),
    ("dout numpy", lambda: C(2, 3)(np.ones((1, 2, 3, 3), np.float32), T(2, 2, 3, 3), (1, 2, 5, 5)),
     RuntimeError, "For Conv2DTranspose, the rank of input[0] can't be less than 4, but got a invalid shape: ()", True),
    ("dout rank 5", lambda: C(2, 3)(T(1, 2, 3, 3, 1), T(2, 2, 3, 3), (1, 2, 5, 5)), RuntimeError,
     PD, False),
    ("weight rank 3", lambda: C(2, 3)(T(1, 2, 3, 3), T(2, 3, 3), (1, 2, 5, 5)), RuntimeError,
     "For 'Conv2DBackpropInput', the rank of input must be euqal to weight's, but got input shape: "
     "[const vector]{1, 2, 5, 5}, weight shape: [const vector]{2, 3, 3}", True),
    ("input_size length 3", lambda: C(2, 3)(T(1, 2, 3, 3), T(2, 2, 3, 3), (1, 2, 5)), RuntimeError,
     "For 'Conv2DBackpropInput', the rank of input must be euqal to weight's, but got input shape: "
     "[const vector]{1, 2, 5}, weight shape: [const vector]{2, 2, 3, 3}", True),
    ("weight numpy", lambda: C(2, 3)(T(1, 2, 3, 3), np.ones((2, 2, 3, 3), np.float32), (1, 2, 5, 5)),
     TypeError, "The primitive[Conv2DTranspose]'s input arguments[doutput, x] must be all tensor "
     "and those type must be same. But got input argument[x]:External", False),
    ("batch mismatch", lambda: C(2, 3)(T(1, 2, 3, 3), T(2, 2, 3, 3), (2, 2, 5, 5)), RuntimeError,
     "input_size[0]=2", False),
    ("dout channels vs weight", lambda: C(2, 3)(T(1, 3, 3, 3), T(2, 2, 3, 3), (1, 2, 5, 5)),
     RuntimeError, "weight.shape[0]=2", False),
    ("input_size channels", lambda: C(2, 3)(T(1, 2, 3, 3), T(2, 2, 3, 3), (1, 3, 5, 5)),
     RuntimeError, "weight.shape[1] * group", False),
    ("group does not divide", lambda: C(2, 3, group=3)(T(1, 2, 3, 3), T(2, 2, 3, 3), (1, 6, 5, 5)),
     RuntimeError, "group=3 must divide", False),
    ("inconsistent input_size", lambda: C(2, 3)(T(1, 2, 3, 3), T(2, 2, 3, 3), (1, 2, 6, 5)),
     RuntimeError, "must lie in [5, 5]", False),
    ("zero input_size entry", lambda: C(2, 3)(T(1, 2, 3, 3), T(2, 2, 3, 3), (1, 2, 0, 5)),
     RuntimeError, PD, False),
    ("negative input_size", lambda: C(2, 3)(T(1, 2, 3, 3), T(2, 2, 3, 3), (1, 2, -5, 5)), ValueError,
     "Shape should not have values less than -2 but got (1, 2, -5, 5).", True),
    ("float in input_size", lambda: C(2, 3)(T(1, 2, 3, 3), T(2, 2, 3, 3), (1, 2, 5.0, 5)), TypeError,
     "For primitive[Conv2DTranspose], when the input[shape]'s type is one of ['tuple', 'list'], "
     "its element data type must be int32 or int64, but got", False),
    ("input_size None", lambda: C(2, 3)(T(1, 2, 3, 3), T(2, 2, 3, 3), None), TypeError,
     "For Conv2DTranspose, the input type must be Tensor/Tuple/List , but gotNone.", True),
    ("input_size numpy", lambda: C(2, 3)(T(1, 2, 3, 3), T(2, 2, 3, 3), np.array([1, 2, 5, 5])),
     TypeError, "For Conv2DTranspose, the input type must be Tensor/Tuple/List , but gotExternal.", True),
    ("int64 dout", lambda: C(2, 3)(T(1, 2, 3, 3, dt=np.int64), T(2, 2, 3, 3, dt=np.int64), (1, 2, 5, 5)),
     TypeError, "For primitive[Conv2DTranspose], the input argument[doutput] must be a type of "
     "{Tensor[BFloat16], Tensor[Float16], Tensor[Float32], Tensor[Int32], Tensor[Int8]}, but got Tensor[Int64].", True),
    ("uint8 dout", lambda: C(2, 3)(T(1, 2, 3, 3, dt=np.uint8), T(2, 2, 3, 3, dt=np.uint8), (1, 2, 5, 5)),
     TypeError, "but got Tensor[UInt8].", False),
    ("bool dout", lambda: C(2, 3)(T(1, 2, 3, 3, dt=np.bool_), T(2, 2, 3, 3, dt=np.bool_), (1, 2, 5, 5)),
     TypeError, "but got Tensor[Bool].", False),
    ("complex dout", lambda: C(2, 3)(T(1, 2, 3, 3, dt=np.complex64), T(2, 2, 3, 3, dt=np.complex64), (1, 2, 5, 5)),
     TypeError, "but got Tensor[Complex64].", False),
    ("int32 dout", lambda: C(2, 3)(T(1, 2, 3, 3, dt=np.int32), T(2, 2, 3, 3, dt=np.int32), (1, 2, 5, 5)),
     TypeError, "Select CPU operator[Conv2DBackpropInput] fail! Unsupported data type!", False),
    ("int8 dout", lambda: C(2, 3)(T(1, 2, 3, 3, dt=np.int8), T(2, 2, 3, 3, dt=np.int8), (1, 2, 5, 5)),
     TypeError, "- Kernel select failed:", False),
    ("int32 input_size Tensor", lambda: C(2, 3)(T(1, 2, 3, 3), T(2, 2, 3, 3), Tensor(np.array([1, 2, 5, 5], np.int32))),
     TypeError, "Select CPU operator[Conv2DBackpropInput] fail! Unsupported data type!", False),
    ("mixed dtypes", lambda: C(2, 3)(T(1, 2, 3, 3, dt=np.float16), T(2, 2, 3, 3), (1, 2, 5, 5)), TypeError,
     "For primitive[Conv2DTranspose], the input type must be same.\nname:[doutput]:Tensor[Float16].\n"
     "name:[x]:Tensor[Float32].", True),
    ("pad_list length 2 in pad mode", lambda: C(2, 3, pad_mode="pad", pad_list=(1, 2))(
        T(1, 2, 4, 4), T(2, 2, 3, 3), (1, 2, 6, 6)), RuntimeError, "pad list must be 4D, but got 2D!", True),
    ("pad_list () in pad mode", lambda: C(2, 3, pad_mode="pad", pad_list=())(
        T(1, 2, 4, 4), T(2, 2, 3, 3), (1, 2, 6, 6)), RuntimeError, "pad list must be 4D, but got 0D!", True),
    ("pad_list 0 in pad mode", lambda: C(2, 3, pad_mode="pad", pad_list=0)(
        T(1, 2, 4, 4), T(2, 2, 3, 3), (1, 2, 6, 6)), RuntimeError, "Error GetValue for value: 0, type: vector<l>", True),
    ("keyword argument", lambda: C(2, 3)(dout=T(1, 2, 3, 3)), TypeError,
     "Primitive.__call__() got an unexpected keyword argument 'dout'", True),
    ("missing input_size", lambda: C(2, 3)(T(1, 2, 3, 3), T(2, 2, 3, 3)), ValueError,
     "Conv2DTranspose inputs number 2 does not match the requires signature size 3", True),
]


@pytest.mark.parametrize("fn,exc,msg,exact", [c[1:] for c in OPS_CALL], ids=[c[0] for c in OPS_CALL])
def test_ops_call(fn, exc, msg, exact):
    with raises(exc, msg, exact):
        fn()


def test_ops_call_order():
    """input_size type first, then dout rank, weight type, dtypes, negatives, ranks (observed)."""
    with raises(TypeError, "For Conv2DTranspose, the input type must be Tensor/Tuple/List , but gotNone."):
        C(2, 3)(T(2, 3, 3), np.ones(3), None)
    with raises(RuntimeError, "For Conv2DTranspose, the rank of input[0] can't be less than 4, "
                              "but got a invalid shape: (2, 3, 3)"):
        C(2, 3)(T(2, 3, 3, dt=np.int64), np.ones(3), (1, 2, -5))
    with raises(TypeError, "But got input argument[x]:External", exact=False):
        C(2, 3)(T(1, 2, 3, 3, dt=np.int64), np.ones(3), (1, 2, 5))
    with raises(TypeError, "the input type must be same", exact=False):
        C(2, 3)(T(1, 2, 3, 3, dt=np.float16), T(2, 3, 3), (1, 2, -5, 5))
    with raises(ValueError, "Shape should not have values less than -2 but got (1, 2, -5, 5)."):
        C(2, 3)(T(1, 2, 3, 3), T(2, 3, 3), (1, 2, -5, 5))
    # a missing argument is also a RuntimeError, as MindSpore raises for too few arguments
    with pytest.raises(RuntimeError):
        C(2, 3)(T(1, 2, 3, 3), T(2, 2, 3, 3))
    with raises(ValueError, "Conv2DTranspose inputs number 4 does not match the requires "
                            "signature size 3"):
        C(2, 3)(T(1, 2, 3, 3), T(2, 2, 3, 3), (1, 2, 5, 5), 1)


# ---- §3.1 nn.Conv2dTranspose constructor --------------------------------------------------------
NN_CTOR = [
    ("1 kernel list", (2, 3, [3, 3]), {}, TypeError,
     "When expanding an int number to tuple, input type must be integer or tuple[int], but got <class 'list'>"),
    ("1 kernel length 3", (2, 3, (3, 3, 3)), {}, TypeError,
     "When expanding an int number to tuple, input tuple dimension must be 2, but got (3, 3, 3)"),
    ("1 kernel bool item", (2, 3, (3, True)), {}, TypeError,
     "When expanding an int number to tuple, the type of element in input tuple must be an integer, but got <class 'bool'>."),
    ("1 stride float", (2, 3, 3), dict(stride=1.5), TypeError,
     "When expanding an int number to tuple, input type must be integer or tuple[int], but got <class 'float'>"),
    ("2 padding list", (2, 3, 3), dict(padding=[1]), TypeError,
     "For 'Conv2dTranspose', the type of 'padding' should be one of '['int', 'tuple']', but got type 'list'."),
    ("2 padding length 2", (2, 3, 3), dict(padding=(1, 1)), ValueError,
     "For 'Conv2dTranspose', the 'padding size' must be int and must = 4, but got '2' with type 'int'."),
    ("3 output_padding list", (2, 3, 3), dict(output_padding=[1]), TypeError,
     "For 'Conv2dTranspose', the type of 'output_padding' should be one of '['int', 'tuple']', but got type 'list'."),
    ("3 output_padding length 3", (2, 3, 3), dict(output_padding=(1, 1, 1)), ValueError,
     "For 'Conv2dTranspose', the 'output_padding size' must be int and must = 2, but got '3' with type 'int'."),
    ("4 in_channels float", (2.0, 3, 3), {}, TypeError,
     "For 'Conv2dTranspose', the 'in_channels' must be int, but got 'float'"),
    ("4 out_channels zero", (2, 0, 3), {}, ValueError,
     "For 'Conv2dTranspose', the 'out_channels' must be int and must > 0, but got '0' with type 'int'."),
    ("5 padding negative", (2, 3, 3), dict(padding=-1), ValueError,
     "For 'Conv2dTranspose', the 'padding' must be int and must >= 0, but got '-1' with type 'int'."),
    ("5 padding item negative", (2, 3, 3), dict(padding=(0, -1, 0, 0)), ValueError,
     "For 'Conv2dTranspose', the 'padding item' must be int and must >= 0, but got '-1' with type 'int'."),
    ("5 padding item float", (2, 3, 3), dict(padding=(0, 1.0, 0, 0)), TypeError,
     "For 'Conv2dTranspose', the 'padding item' must be int, but got 'float'"),
    ("6 group zero (unnamed)", (2, 3, 3), dict(group=0), ValueError,
     "The input value must be int and must > 0, but got '0' with type 'int'."),
    ("7 kernel item zero", (2, 3, (3, 0)), {}, ValueError,
     "For 'Conv2dTranspose', the 'kernel_size item' must be int and must > 0, but got '0' with type 'int'."),
    ("7 stride item zero", (2, 3, 3), dict(stride=(1, 0)), ValueError,
     "For 'Conv2dTranspose', the 'stride item' must be int and must > 0, but got '0' with type 'int'."),
    ("7 dilation item zero", (2, 3, 3), dict(dilation=(0, 1)), ValueError,
     "For 'Conv2dTranspose', the 'dilation item' must be int and must > 0, but got '0' with type 'int'."),
    ("8 in_channels divisibility", (4, 6, 3), dict(group=3), ValueError,
     "For 'Conv2dTranspose', the attr 'in_channels' must be divisible by attr 'group', but got 'in_channels': 4 and 'group': 3."),
    ("8 out_channels divisibility", (8, 6, 3), dict(group=4), ValueError,
     "For 'Conv2dTranspose', the 'out_channels' must be divisible by attr 'group', but got 'out_channels': 6 and 'group': 4."),
    ("9 weight_init wrong shape", (2, 2, 3), dict(weight_init=Tensor(np.ones((2, 2, 2, 2), np.float32))), ValueError,
     "For 'initializer', the shape of the 'init' argument should be same as the argument 'shape', but got the 'init' shape [2, 2, 2, 2] and the 'shape' [2, 2, 3, 3]."),
    ("9 weight_init unknown string", (2, 3, 3), dict(weight_init="foo"), ValueError,
     "For 'initializer', the class corresponding to 'foo' was not found."),
    ("9 weight_init numpy", (2, 3, 3), dict(weight_init=np.ones((2, 3, 3, 3))), TypeError,
     "For 'initializer', the type of the 'init' argument should be 'Tensor', 'number', 'string' or 'initializer', but got <class 'numpy.ndarray'>."),
    ("10 has_bias int", (2, 3, 3), dict(has_bias=1), TypeError,
     "For 'Conv2dTranspose', the 'has_bias' must be a bool, but got int."),
    ("10 bias_init wrong shape", (2, 3, 3), dict(has_bias=True, bias_init=Tensor(np.ones(2, np.float32))), ValueError,
     "For 'initializer', the shape of the 'init' argument should be same as the argument 'shape', but got the 'init' shape [2] and the 'shape' [3]."),
    ("11 pad_mode SAME", (2, 3, 3), dict(pad_mode="SAME"), ValueError,
     "For 'Conv2dTranspose', the 'pad_mode' must be str and must be in '['valid', 'same', 'pad']', but got 'SAME'."),
    ("11 pad_mode None", (2, 3, 3), dict(pad_mode=None), ValueError,
     "For 'Conv2dTranspose', the 'pad_mode' must be str and must be in '['valid', 'same', 'pad']', but got 'None'."),
    ("12 padding in same mode", (2, 3, 3), dict(padding=1), ValueError,
     "For 'Conv2DTranspose', the 'pad' must be zero or (0, 0, 0, 0) when 'pad_mode' is not \"pad\", but got 'pad' is 1 and 'pad_mode' is same."),
    ("no groups kwarg", (2, 3, 3), dict(groups=1), TypeError,
     "Conv2dTranspose.__init__() got an unexpected keyword argument 'groups'"),
]


@pytest.mark.parametrize("args,kw,exc,msg", [c[1:] for c in NN_CTOR], ids=[c[0] for c in NN_CTOR])
def test_nn_constructor(args, kw, exc, msg):
    with raises(exc, msg):
        nn.Conv2dTranspose(*args, **kw)


def test_nn_tensor_init_keeps_its_dtype():
    net = nn.Conv2dTranspose(2, 3, 3, weight_init=Tensor(np.full((2, 3, 3, 3), 0.25)))
    assert net.weight.dtype == ms.float64
    with raises(TypeError, "For primitive[Conv2DTranspose], the input type must be same.\n"
                           "name:[doutput]:Tensor[Float32].\nname:[x]:Ref[Tensor[Float64]]."):
        net(T(1, 2, 3, 3))
    # float64 input then computes (MindSpore has no float64 CPU kernel; msconvt does)
    assert net(T(1, 2, 3, 3, dt=np.float64)).dtype == ms.float64


def test_nn_attributes():
    net = nn.Conv2dTranspose(4, 6, (3, 2), stride=2, pad_mode="pad", padding=(1, 0, 1, 0),
                             output_padding=(1, 0), group=2)
    assert (net.in_channels, net.out_channels, net.kernel_size, net.stride, net.dilation) == \
        (4, 6, (3, 2), (2, 2), (1, 1))
    assert (net.padding, net.output_padding, net.group, net.has_bias, net.pad_mode) == \
        ((1, 0, 1, 0), (1, 0), 2, False, "pad")
    assert net.data_format == "NCHW" and net.bias is None and net.cls_name == "Conv2dTranspose"
    assert net.weight.shape == (4, 3, 3, 2) and net.weight.name == "weight"
    assert type(net.weight_init).__name__ == "HeUniform"
    assert repr(net).startswith("Conv2dTranspose(input_channels=4, output_channels=6, "
                                "kernel_size=(3, 2), stride=(2, 2), pad_mode=pad, "
                                "padding=(1, 0, 1, 0), dilation=(1, 1), group=2, has_bias=False, "
                                "weight_init=<msconvt.common.initializer.HeUniform object")


# ---- §3.2 nn forward ----------------------------------------------------------------------------
NN_CALL = [
    ("3-D input", lambda: nn.Conv2dTranspose(2, 3, 3)(T(2, 3, 3)), ValueError,
     "not enough values to unpack (expected 4, got 3)"),
    ("5-D input", lambda: nn.Conv2dTranspose(2, 3, 3)(T(1, 2, 3, 3, 1)), ValueError,
     "too many values to unpack (expected 4)"),
    ("numpy input", lambda: nn.Conv2dTranspose(2, 3, 3)(np.ones((1, 2, 3, 3), np.float32)), TypeError,
     "For primitive[Shape], the input argument must be Tensor, but got <class 'numpy.ndarray'>."),
    ("output size negative", lambda: nn.Conv2dTranspose(2, 2, 1, pad_mode="pad", padding=3)(T(1, 2, 2, 2)),
     ValueError, "Shape should not have values less than -2 but got (1, 2, -4, -4)."),
    ("channel mismatch", lambda: nn.Conv2dTranspose(2, 3, 3)(T(1, 3, 3, 3)), RuntimeError, None),
    ("output_padding tuple h range", lambda: nn.Conv2dTranspose(2, 4, 3, stride=(2, 1), pad_mode="pad", output_padding=(2, 0))(T(1, 2, 4, 5)),
     ValueError, "output_padding[0] must be in range of [0, max(stride_h, dilation_h))."),
    ("output_padding tuple w range", lambda: nn.Conv2dTranspose(2, 4, 3, stride=(2, 1), pad_mode="pad", output_padding=(1, 1))(T(1, 2, 4, 5)),
     ValueError, "output_padding[1] must be in range of [0, max(stride_w, dilation_w))."),
    ("output_padding tuple not pad mode", lambda: nn.Conv2dTranspose(2, 4, 3, stride=2, output_padding=(1, 0))(T(1, 2, 4, 5)),
     ValueError, "when output_padding is not zero, pad_mode must be 'pad'"),
    ("output_padding int h range", lambda: nn.Conv2dTranspose(2, 4, 3, stride=1, output_padding=1)(T(1, 2, 4, 5)),
     ValueError, "output_padding must be in range of [0, max(stride_h, dilation_h))."),
    ("output_padding int w range", lambda: nn.Conv2dTranspose(2, 4, 3, stride=(2, 1), pad_mode="pad", output_padding=1)(T(1, 2, 4, 5)),
     ValueError, "output_padding must be in range of [0, max(stride_w, dilation_w))."),
    ("output_padding int not pad mode", lambda: nn.Conv2dTranspose(2, 4, 3, stride=2, output_padding=1)(T(1, 2, 4, 5)),
     ValueError, "when output_padding is not zero, pad_mode must be 'pad'"),
    ("float16 input with float32 weight", lambda: nn.Conv2dTranspose(2, 3, 3)(T(1, 2, 3, 3, dt=np.float16)),
     TypeError, "For primitive[Conv2DTranspose], the input type must be same.\nname:[doutput]:Tensor[Float16].\n"
     "name:[x]:Ref[Tensor[Float32]]."),
]


@pytest.mark.parametrize("fn,exc,msg", [c[1:] for c in NN_CALL], ids=[c[0] for c in NN_CALL])
def test_nn_call(fn, exc, msg):
    with raises(exc, msg):
        fn()


def test_nn_output_padding_tuple_zero_and_int_zero():
    x = T(1, 2, 4, 5)
    assert nn.Conv2dTranspose(2, 4, 3, stride=2, output_padding=(0, 0))(x).shape == (1, 4, 8, 10)
    assert nn.Conv2dTranspose(2, 4, 3, stride=2, output_padding=0)(x).shape == (1, 4, 8, 10)


# ---- §4.1 mint constructor ----------------------------------------------------------------------
MINT_CTOR = [
    ("1 kernel float (tuple args)", (4, 6, 2.5), {}, ValueError,
     "(\"For 'ConvTranspose2d', 'kernel_size'\", ' should be int, tuple or list, but got 2.5')"),
    ("1 stride float says kernel_size", (4, 6, 3), dict(stride=1.5), ValueError,
     "(\"For 'ConvTranspose2d', 'kernel_size'\", ' should be int, tuple or list, but got 1.5')"),
    ("1 padding 'same'", (4, 6, 3), dict(padding="same"), ValueError,
     "(\"For 'ConvTranspose2d', 'kernel_size'\", ' should be int, tuple or list, but got same')"),
    ("2 padding_mode", (4, 6, 3), dict(padding_mode="reflect"), ValueError,
     'Only "zeros" padding mode is supported for ConvTranspose2d'),
    ("3 in_channels negative", (-1, 6, 3), {}, ValueError,
     "The input value must be int and must >= 0, but got '-1' with type 'int'."),
    ("3 in_channels float", (4.0, 6, 3), {}, TypeError, "The input value must be int, but got 'float'"),
    ("3 in_channels np.int64", (np.int64(4), 6, 3), {}, TypeError, "The input value must be int, but got 'int64'"),
    ("3 groups zero", (4, 6, 3), dict(groups=0), ValueError,
     "The input value must be int and must > 0, but got '0' with type 'int'."),
    ("3 in_channels divisibility", (4, 6, 3), dict(groups=3), ValueError, "in_channels must be divisible by groups."),
    ("3 out_channels divisibility", (4, 6, 3), dict(groups=4), ValueError, "out_channels must be divisible by groups."),
    ("5 kernel item zero", (4, 6, (3, 0)), {}, ValueError,
     "For 'ConvTranspose2d', the 'kernel_size item' must be int and must > 0, but got '0' with type 'int'."),
    ("5 stride item bool", (4, 6, 3), dict(stride=(1, True)), TypeError,
     "For 'ConvTranspose2d', the 'stride item' must be int and must > 0, but got 'True' with type 'bool'."),
    ("5 stride item float", (4, 6, 3), dict(stride=(1, 1.5)), TypeError,
     "For 'ConvTranspose2d', the 'stride item' must be int, but got 'float'"),
    ("5 dilation zero", (4, 6, 3), dict(dilation=0), ValueError,
     "For 'ConvTranspose2d', the 'dilation item' must be int and must > 0, but got '0' with type 'int'."),
    ("7 zero channels", (0, 6, 3), {}, ValueError,
     "For 'initializer', the argument 'shape' is invalid, the value of 'shape' must be positive integer, but got (0, 6, 3, 3)"),
    ("8 bias int", (4, 6, 3), dict(bias=1), TypeError, "For 'ConvTranspose2d', the 'bias' must be a bool, but got int."),
]


@pytest.mark.parametrize("args,kw,exc,msg", [c[1:] for c in MINT_CTOR], ids=[c[0] for c in MINT_CTOR])
def test_mint_constructor(args, kw, exc, msg):
    with pytest.raises(exc) as info:
        mint.nn.ConvTranspose2d(*args, **kw)
    assert str(info.value) == msg


def test_mint_constructor_accepts_unchecked_values():
    """§4.1 step 6: negative padding, any output_padding and length-3 sequences pass."""
    m = mint.nn.ConvTranspose2d(4, 6, 3, padding=-1, output_padding=5)
    assert m.padding == (-1, -1) and m.output_padding == (5, 5)
    m = mint.nn.ConvTranspose2d(4, 6, 3, stride=[2, 1], padding=(1,))
    assert m.stride == [2, 1] and m.padding == (1, 1)
    assert mint.nn.ConvTranspose2d(4, 6, 3, bias=False).bias is None
    m = mint.nn.ConvTranspose2d(4, 6, (3, 2), stride=2, padding=1, groups=2)
    assert repr(m) == ("ConvTranspose2d(input_channels=4, output_channels=6, kernel_size=(3, 2), "
                       "stride=(2, 2), padding=(1, 1), dilation=(1, 1), groups=2, bias=True)")
    assert m.transposed is True and m.padding_mode == "zeros" and m._reversed_padding == (1, 1, 1, 1)
    assert m.weight.shape == (4, 3, 3, 2) and m.bias.shape == (6,) and m.cls_name == "ConvTranspose2d"


# ---- §4.2 mint construct ------------------------------------------------------------------------
def test_mint_output_size_length():
    m = mint.nn.ConvTranspose2d(4, 6, 3, stride=2)
    with pytest.raises(ValueError) as info:
        m(T(1, 4, 3, 3), output_size=(1, 7, 7))
    assert info.value.args == ("ConvTranspose2D: for 4D input, ", "output_size must have 2 ",
                               "or 4 elements (got 3)")
    with pytest.raises(ValueError) as info:
        m(T(4, 3, 3), output_size=(1, 1, 7, 7))
    assert info.value.args == ("ConvTranspose2D: for 3D input, ", "output_size must have 2 ",
                               "or 3 elements (got 4)")


def test_mint_output_size_int():
    with raises(TypeError, "object of type 'int' has no len()"):
        mint.nn.ConvTranspose2d(4, 6, 3, stride=2)(T(1, 4, 3, 3), output_size=7)


def test_mint_output_size_range():
    m = mint.nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1)
    with raises(ValueError, "requested an output size of (7, 5), but valid sizes range from "
                            "[5, 5] to [6, 6] (for an input of (1, 4, 3, 3))"):
        m(T(1, 4, 3, 3), output_size=(7, 5))


def test_mint_functional_rank():
    with raises(RuntimeError, "Expected 3D (unbatched) or 4D (batched) input to ConvTranspose2D, "
                              "but got input of shape: [const vector]{1, 1, 4, 3, 3}"):
        mint.nn.functional.conv_transpose2d(T(1, 1, 4, 3, 3), T(4, 2, 3, 3))
    with raises(RuntimeError, "[const vector]{3, 3}", exact=False):
        mint.nn.functional.conv_transpose2d(T(3, 3), T(4, 2, 3, 3))


# ---- §4.3 checks inside the op ------------------------------------------------------------------
F = mint.nn.functional.conv_transpose2d
MINT_OP = [
    ("stride zero", lambda: F(T(1, 4, 3, 3), T(4, 2, 3, 3), None, 0), ValueError,
     "For ConvTranspose2D, 'stride' must be positive, but it's { 0 }."),
    ("dilation zero", lambda: F(T(1, 4, 3, 3), T(4, 2, 3, 3), None, 1, 0, 0, 1, (1, 0)), ValueError,
     "For ConvTranspose2D, 'dilation' must be positive, but it's { 1, 0 }."),
    ("padding negative", lambda: F(T(1, 4, 3, 3), T(4, 2, 3, 3), None, 1, -1), ValueError,
     "For ConvTranspose2D, 'padding' must be not negetive, but it's { -1 }."),
    ("output_padding negative", lambda: F(T(1, 4, 3, 3), T(4, 2, 3, 3), None, 1, 0, (-1, 0)), ValueError,
     "For ConvTranspose2D, 'output_padding' must be not negetive, but it's { -1, 0 }."),
    ("stride length 3", lambda: F(T(1, 4, 3, 3), T(4, 2, 3, 3), None, (1, 1, 1)), ValueError,
     "For ConvTranspose2D, expected 'stride' to be a single integer value or a list of 2 values, but it's { 1, 1, 1 }."),
    ("padding length 3", lambda: F(T(1, 4, 3, 3), T(4, 2, 3, 3), None, 1, [0, 0, 0]), ValueError,
     "For ConvTranspose2D, expected 'padding' to be a single integer value or a list of 2 values, but it's { 0, 0, 0 }."),
    ("groups zero", lambda: F(T(1, 4, 3, 3), T(4, 2, 3, 3), None, 1, 0, 0, 0), ValueError,
     "For primitive[ConvTranspose2D], the groups must be greater than or equal to 1, but got 0."),
    ("weight rank 3", lambda: F(T(1, 4, 3, 3), T(4, 2, 3)), ValueError,
     "For primitive[ConvTranspose2D], the rank of input and weight must be equal to 3, but got 4."),
    ("float stride", lambda: F(T(1, 4, 3, 3), T(4, 2, 3, 3), None, 1.5), TypeError,
     'Failed calling ConvTranspose2D with "ConvTranspose2D()(input=Tensor, weight=Tensor, bias=None, '
     'stride=float, padding=int, output_padding=int, groups=int, dilation=int)".\nThe valid calling '
     'should be: \n"ConvTranspose2D()(input=<Tensor>, weight=<Tensor>, bias=<Tensor>, stride=<list of '
     'int, int, tuple of int>, padding=<list of int, int, tuple of int>, output_padding=<list of int, '
     'int, tuple of int>, groups=<int>, dilation=<list of int, int, tuple of int>)".'),
    ("str padding", lambda: F(T(1, 4, 3, 3), T(4, 2, 3, 3), None, 1, "same"), TypeError,
     "padding=string", ),
    ("bool groups", lambda: F(T(1, 4, 3, 3), T(4, 2, 3, 3), groups=True), TypeError, "groups=bool"),
    ("numpy input", lambda: F(np.ones((1, 4, 3, 3)), T(4, 2, 3, 3)), TypeError,
     "input=<class 'numpy.ndarray'>"),
]


@pytest.mark.parametrize("fn,exc,msg", [c[1:] for c in MINT_OP], ids=[c[0] for c in MINT_OP])
def test_mint_op_checks(fn, exc, msg):
    with raises(exc, msg, exact=msg.startswith(("For", "Failed"))):
        fn()


# Decisions where CPU MindSpore cannot show the class (§8): RuntimeError, as torch raises and
# as CPU MindSpore's own "kernel unregistered" error is; TypeError for dtypes.
MINT_KERNEL = [
    ("output_padding >= max(stride, dilation)", lambda: F(T(1, 4, 3, 3), T(4, 2, 3, 3), None, 1, 0, 1), RuntimeError),
    ("channel mismatch", lambda: F(T(1, 3, 3, 3), T(4, 2, 3, 3)), RuntimeError),
    ("groups do not divide", lambda: F(T(1, 4, 3, 3), T(4, 2, 3, 3), groups=3), RuntimeError),
    ("bias shape", lambda: F(T(1, 4, 3, 3), T(4, 2, 3, 3), T(3)), RuntimeError),
    ("negative output size", lambda: F(T(1, 4, 3, 3), T(4, 2, 3, 3), None, 1, 4), RuntimeError),
    ("int input", lambda: F(T(1, 4, 3, 3, dt=np.int32), T(4, 2, 3, 3, dt=np.int32)), TypeError),
    ("mixed dtypes", lambda: F(T(1, 4, 3, 3, dt=np.float16), T(4, 2, 3, 3)), TypeError),
]


@pytest.mark.parametrize("fn,exc", [c[1:] for c in MINT_KERNEL], ids=[c[0] for c in MINT_KERNEL])
def test_mint_kernel_level_checks(fn, exc):
    with pytest.raises(exc):
        fn()


# ---- §5/§6 initialiser and seed errors ------------------------------------------------------------
def test_initializer_errors():
    with raises(ValueError, "For 'initializer', the argument 'shape' is invalid, the value of "
                            "'shape' must be positive integer, but got (0, 2)"):
        initializer("ones", [0, 2])
    with raises(ValueError, "For 'initializer', the shape of the 'init' argument should be same as "
                            "the argument 'shape', but got the 'init' shape [3] and the 'shape' "
                            "[None]."):
        initializer(Tensor(np.ones(3, np.float32)))
    with raises(NotImplementedError, "init='TruncatedNormal'", exact=False):
        initializer("TruncatedNormal", [2, 2])


@pytest.mark.parametrize("seed,exc,msg", [
    (1.5, TypeError, "The argument 'seed' must be type of int, but got <class 'float'>."),
    (np.int64(3), TypeError, "The argument 'seed' must be type of int, but got <class 'numpy.int64'>."),
    (-1, ValueError, "For 'global_seed', the 'seed' must be int and must >= 0, but got '-1' with type 'int'."),
    (True, TypeError, "For 'global_seed', the 'seed' must be int and must >= 0, but got 'True' with type 'bool'."),
])
def test_set_seed_errors(seed, exc, msg):
    with raises(exc, msg):
        ms.set_seed(seed)


def test_numpy_where_tensor_expected():
    with raises(TypeError, "For primitive[Shape], the input argument must be Tensor, but got "
                           "<class 'numpy.ndarray'>."):
        ops.shape(np.ones(3))
