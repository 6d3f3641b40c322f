"""``ops.Conv2DTranspose`` (and its parent ``Conv2DBackpropInput``).

Construction reproduces ``ops/operations/nn_ops.py`` 2.10 check by check.  A call validates
in the order the framework does (observed): input_size's type, dout's rank, weight's type,
dtypes, negative sizes, ranks, kernel selection, then the geometry that oneDNN would refuse
(raised here as RuntimeError with a message naming the values).  The result then comes from
one ``convt`` call:

    dout (N, Cd, Hd, Wd) --full transposed conv--> (N, Cx, Hf, Wf), Hf = (Hd-1)*s + d*(kH-1) + 1
    crop `top` rows (valid: 0; same: P//2 with P = max(0, Hf - Hx); pad: pad[0] or pad_list[0]),
    then keep exactly Hx rows (zero rows past the full result).
"""
from __future__ import annotations

import numpy as np

from ... import _engine
from ..._tensor import Parameter, Tensor
from ..._validators import (check_equal_int, check_non_negative_int, check_positive_int,
                            check_string, check_value_type)
from ..primitive import Primitive, prim_attr_register

__all__ = ["Conv2DBackpropInput", "Conv2DTranspose"]

# The dout dtypes MindSpore's type check lets through (message verbatim); float64 has no CPU
# kernel in MindSpore but is computed here.
_VALID_TYPES = "{Tensor[BFloat16], Tensor[Float16], Tensor[Float32], Tensor[Int32], Tensor[Int8]}"
_COMPUTED = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))
_NO_KERNEL = (np.dtype(np.int32), np.dtype(np.int8))


def _check_positive_int_or_tuple(arg_name, arg_value, prim_name, allow_four=False,
                                 ret_four=False):
    def _raise():
        raise ValueError(f"For '{prim_name}' attr '{arg_name}' must be an positive int number or "
                         f"a tuple of two {'or four ' if allow_four else ''}positive int numbers, "
                         f"but got {arg_value}")

    check_value_type(arg_name, arg_value, (int, tuple), prim_name)
    if isinstance(arg_value, int):
        ret = (1, 1, arg_value, arg_value) if ret_four else (arg_value, arg_value)
    elif len(arg_value) == 2:
        ret = (1, 1, arg_value[0], arg_value[1]) if ret_four else arg_value
    elif len(arg_value) == 4 and allow_four:
        ret = arg_value if ret_four else (arg_value[2], arg_value[3])
    else:
        _raise()
    for item in ret:
        if not (isinstance(item, int) and not isinstance(item, bool) and item > 0):
            _raise()
    return ret


def _update_attr_by_format(value, fmt):
    if len(value) == 4 and fmt == "NHWC":
        return value[1:] + (1,)
    return value


def _label(x):
    """How MindSpore names an argument's type in its messages."""
    if isinstance(x, Parameter):
        return f"Ref[Tensor[{x.dtype}]]"
    if isinstance(x, Tensor):
        return f"Tensor[{x.dtype}]"
    if isinstance(x, (list, tuple)) and x:
        kind = "List" if isinstance(x, list) else "Tuple"
        first = x[0]
        inner = "Float32" if isinstance(first, float) else "Int64" if isinstance(first, int) \
            else "External"
        return f"{kind}[{inner}]"
    return "External"


def _pd_error(name, detail):
    return RuntimeError(f"For '{name}', could not create a primitive descriptor for the "
                        f"transposed convolution: {detail}")


class Conv2DBackpropInput(Primitive):
    """``ops.Conv2DBackpropInput``: the gradient of Conv2D with respect to its input."""

    @prim_attr_register
    def __init__(self, out_channel, kernel_size, pad_mode="valid", pad=0, pad_list=None, mode=1,
                 stride=1, dilation=1, group=1, data_format="NCHW"):
        name = self.name
        self.init_prim_io_names(inputs=["out_backprop", "filter", "input_sizes"],
                                outputs=["output"])
        self.out_channel = check_positive_int(out_channel, "out_channel", name)
        self.kernel_size = _check_positive_int_or_tuple("kernel_size", kernel_size, name)
        self.add_prim_attr("kernel_size", self.kernel_size)
        self.format = check_string(data_format, ["NCHW", "NHWC"], "format", name)
        # MindSpore refuses NHWC off GPU (no CPU kernel); msconvt computes it.
        self.add_prim_attr("data_format", self.format)
        self.stride = _check_positive_int_or_tuple("stride", stride, name, allow_four=True,
                                                   ret_four=True)
        self.stride = _update_attr_by_format(self.stride, self.format)
        self.add_prim_attr("stride", self.stride)
        self.dilation = _check_positive_int_or_tuple("dilation", dilation, name, allow_four=True,
                                                     ret_four=True)
        self.dilation = _update_attr_by_format(self.dilation, self.format)
        self.add_prim_attr("dilation", self.dilation)
        check_value_type("pad", pad, (int, tuple), name)
        check_value_type("pad_mode", pad_mode, [str], name)
        if isinstance(pad, int):
            pad = (pad,) * 4
        else:
            check_equal_int(len(pad), 4, "pad size", name)
        self.pad_mode = check_string(pad_mode.lower(), ["valid", "same", "pad"], "pad_mode", name)
        if pad_mode != "pad" and pad != (0, 0, 0, 0):
            raise ValueError(f"For '{name}', the 'pad' must be zero or (0, 0, 0, 0) when "
                             f"'pad_mode' is not \"pad\", but got 'pad' is {self.attrs['pad']} "
                             f"and 'pad_mode' is {pad_mode}.")
        self.add_prim_attr("pad", pad)
        self.padding = pad
        if self.pad_mode == "pad":
            for item in pad:
                check_non_negative_int(item, "pad item", name)
        self.add_prim_attr("pad_mode", pad_mode.upper())
        self.mode = check_equal_int(mode, 1, "mode", name)
        self.group = check_positive_int(group, "group", name)
        self.add_prim_attr("groups", self.group)
        if pad_list:
            for x in pad_list:
                if x != -1:
                    check_non_negative_int(x, "element of pad_list", name)
        self.pad_list = pad_list

    # ---- the call ---------------------------------------------------------------------------
    def _run(self, *args):
        if len(args) != 3:
            raise _ArgCountError(f"{self.name} inputs number {len(args)} does not match the "
                                 "requires signature size 3")
        dout, weight, input_size = args
        sizes, isz_label = self._input_size(input_size)
        name = self.name
        if not isinstance(dout, Tensor) or dout.ndim < 4:
            shape = dout.shape if isinstance(dout, Tensor) else ()
            raise RuntimeError(f"For {name}, the rank of input[0] can't be less than 4, but got "
                               f"a invalid shape: {tuple(shape)}")
        if not isinstance(weight, Tensor):
            raise TypeError(f"The primitive[{name}]'s input arguments[doutput, x] must be all "
                            "tensor and those type must be same. But got input argument[x]:"
                            f"{_label(weight)}\nValid type list: {_VALID_TYPES}.")
        ddt, wdt = dout._arr.dtype, weight._arr.dtype
        if ddt != wdt:
            raise TypeError(f"For primitive[{name}], the input type must be same.\n"
                            f"name:[doutput]:{_label(dout)}.\nname:[x]:{_label(weight)}.")
        if ddt not in _COMPUTED and ddt not in _NO_KERNEL:
            raise TypeError(f"For primitive[{name}], the input argument[doutput] must be a type "
                            f"of {_VALID_TYPES}, but got {_label(dout)}.")
        if any(v < -2 for v in sizes):
            raise ValueError(f"Shape should not have values less than -2 but got {tuple(sizes)}.")
        if weight.ndim != 4 or len(sizes) != 4:
            raise RuntimeError("For 'Conv2DBackpropInput', the rank of input must be euqal to "
                               f"weight's, but got input shape: [const vector]"
                               f"{{{', '.join(map(str, sizes))}}}, weight shape: [const vector]"
                               f"{{{', '.join(map(str, weight.shape))}}}")
        if ddt in _NO_KERNEL or isz_label != "Int64":
            dt = str(dout.dtype)
            raise TypeError(
                "----------------------------------------------------\n"
                "- Kernel select failed:\n"
                "----------------------------------------------------\n"
                "Select CPU operator[Conv2DBackpropInput] fail! Unsupported data type!\n"
                "The supported data types are input[Float16 Float16 Int64], output[Float16]; "
                "input[Float32 Float32 Int64], output[Float32]; input[Float64 Float64 Int64], "
                f"output[Float64]; , but get input[{dt} {dt} {isz_label} ] and output[{dt} ]")
        return Tensor._from_array(self._compute(dout._arr, weight._arr, tuple(sizes)))

    def _input_size(self, input_size):
        name = self.name
        if isinstance(input_size, Tensor):
            arr = input_size._arr
            if arr.ndim != 1:
                raise ValueError(f"For Primitive[{name}], Shape of shape value only could be "
                                 "one-dimensional")
            return [int(v) for v in arr.astype(np.int64).tolist()], str(input_size.dtype)
        if isinstance(input_size, (tuple, list)):
            for v in input_size:
                if not isinstance(v, int) or isinstance(v, bool):
                    raise TypeError(f"For primitive[{name}], when the input[shape]'s type is one "
                                    "of ['tuple', 'list'], its element data type must be int32 or "
                                    f"int64, but got {input_size!r}: an element of type "
                                    f"{type(v).__name__}")
            return list(input_size), "Int64"
        got = "None" if input_size is None else "External"
        raise TypeError(f"For {name}, the input type must be Tensor/Tuple/List , but got{got}.")

    def _geometry(self):
        """(sH, sW), (dH, dW) and the raw pad list for this op's format."""
        if self.format == "NHWC":
            s = (self.stride[1], self.stride[2])
            d = (self.dilation[1], self.dilation[2])
        else:
            s = (self.stride[2], self.stride[3])
            d = (self.dilation[2], self.dilation[3])
        return s, d

    def _pads(self):
        pads = self.padding
        pad_list = self.pad_list
        if self.pad_mode == "pad" and pad_list is not None and not isinstance(pad_list, bool):
            if isinstance(pad_list, (tuple, list)):
                if len(pad_list) != 4:
                    raise RuntimeError(f"pad list must be 4D, but got {len(pad_list)}D!")
                if -1 not in pad_list:
                    pads = tuple(pad_list)
            else:
                raise RuntimeError(f"Error GetValue for value: {pad_list}, type: vector<l>")
        return pads

    def _compute(self, dout, weight, sizes):
        name = self.name
        nhwc = self.format == "NHWC"
        pads = self._pads()
        if dout.ndim != 4:
            raise _pd_error(name, f"dout must be 4-D, got dout.shape={dout.shape}")
        (sh, sw), (dh, dw) = self._geometry()
        if nhwc:
            n, hd, wd, cd = dout.shape
            wc, kh, kw, cxg = weight.shape
            xn, hx, wx, cx = sizes
        else:
            n, cd, hd, wd = dout.shape
            wc, cxg, kh, kw = weight.shape
            xn, cx, hx, wx = sizes
        group = self.group
        if min(sizes) < 0:
            raise _pd_error(name, f"input_size entries must be non-negative, got "
                                  f"input_size={tuple(sizes)}")
        if xn != n:
            raise _pd_error(name, f"input_size[0]={xn} must equal the batch of dout "
                                  f"(dout.shape={dout.shape})")
        if wc != cd:
            raise _pd_error(name, f"weight.shape[0]={wc} must equal the channels of dout "
                                  f"(dout.shape={dout.shape}, weight.shape={weight.shape})")
        if cd % group:
            raise _pd_error(name, f"group={group} must divide the channels of dout ({cd})")
        if cx != cxg * group:
            where = "weight.shape[3]" if nhwc else "weight.shape[1]"
            raise _pd_error(name, f"the channel entry of input_size ({cx}) must equal "
                                  f"{where} * group = {cxg} * {group} = {cxg * group}")
        if 0 in (cx, hx, wx) or 0 in (kh, kw):
            raise _pd_error(name, f"sizes must be positive, got input_size={tuple(sizes)}, "
                                  f"weight.shape={weight.shape}")
        # Per dimension: the output size oneDNN accepts, and the crop at the top/left.
        crops = []
        for axis, hd_, hx_, k, s, d, (p0, p1) in (("H", hd, hx, kh, sh, dh, pads[0:2]),
                                                  ("W", wd, wx, kw, sw, dw, pads[2:4])):
            eff = d * (k - 1) + 1
            full = (hd_ - 1) * s + eff
            if self.pad_mode == "valid":
                ok = (hx_ - eff) // s + 1 == hd_
                lo, hi = (hd_ - 1) * s + eff, (hd_ - 1) * s + eff + s - 1
                top = 0
            elif self.pad_mode == "same":
                ok = -(-hx_ // s) == hd_
                lo, hi = (hd_ - 1) * s + 1, hd_ * s
                top = max(0, full - hx_) // 2
            else:
                ok = (hx_ + p0 + p1 - eff) // s + 1 == hd_
                lo, hi = (hd_ - 1) * s + eff - p0 - p1, (hd_ - 1) * s + eff - p0 - p1 + s - 1
                top = p0
            if not ok:
                raise _pd_error(name, f"in '{self.pad_mode}' mode the input_size {axis} "
                                      f"({hx_}) must lie in [{lo}, {hi}] for dout {axis}={hd_}, "
                                      f"kernel {k}, stride {s}, dilation {d}")
            bottom, extra = _engine.crop_for_size(full, top, hx_)
            crops.append((top, bottom, extra))
        out_shape = tuple(sizes)
        if dout.size == 0:
            return np.zeros(out_shape, dtype=dout.dtype)
        w = np.ascontiguousarray(weight.transpose(0, 3, 1, 2)) if nhwc else weight
        (t, b, oph), (l, r, opw) = crops
        return _engine.conv_transpose(dout, w, None, (sh, sw), (t, b, l, r), (oph, opw),
                                      (dh, dw), group, "NHWC" if nhwc else "NCHW")


class Conv2DTranspose(Conv2DBackpropInput):
    """``ops.Conv2DTranspose(out_channel, kernel_size, pad_mode="valid", pad=0, pad_list=None,
    mode=1, stride=1, dilation=1, group=1, data_format="NCHW")``; call ``op(dout, weight,
    input_size)``.  Only the weight's shape decides the kernel (``out_channel`` and
    ``kernel_size`` are attributes, as in MindSpore)."""


class _ArgCountError(ValueError, RuntimeError):
    """A wrong number of call arguments.

    MindSpore 2.10 raises ValueError for too many arguments and RuntimeError ("Check input
    args failed") for too few; this class is both, so either ``except`` clause catches it.
    """
