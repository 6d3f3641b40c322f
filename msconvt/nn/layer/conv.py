"""``mindspore.nn.Conv2dTranspose``, check for check as in ``nn/layer/conv.py`` (2.10).

Forward (construct):

    x (N, C_in, H, W) --ops.Conv2DTranspose--> (N, C_out, H_out, W_out)   [MindSpore's sizes]
                      --+ bias (float16: added in float16, as BiasAdd does)
                      --> output_padding: zero rows/cols appended at the bottom/right

with ``H_out`` = H*s (same), H*s + max(d*(k-1)+1 - s, 0) (valid),
(H-1)*s + d*(k-1)+1 - pad_top - pad_bottom (pad).
"""
from __future__ import annotations

import math

import numpy as np

from ..._tensor import Parameter, Tensor
from ..._validators import (check_bool, check_equal_int, check_non_negative_int,
                            check_positive_int, check_string, check_value_type, twice)
from ...common import dtype as mstype
from ...common.initializer import HeUniform, Uniform, _calculate_fan_in_and_fan_out, initializer
from ...ops.operations import Conv2DTranspose as _PrimConv2DTranspose
from ..cell import Cell

__all__ = ["Conv2dTranspose"]


def _deconv_output_length(is_valid, is_same, is_pad, input_length, filter_size, stride_size,
                          dilation_size, padding):
    filter_size = filter_size + (filter_size - 1) * (dilation_size - 1)
    if is_valid:
        if filter_size - stride_size > 0:
            return input_length * stride_size + filter_size - stride_size
        return input_length * stride_size
    if is_same:
        return input_length * stride_size
    if is_pad:
        return input_length * stride_size - padding + filter_size - stride_size
    return 0


class Conv2dTranspose(Cell):
    """``nn.Conv2dTranspose(in_channels, out_channels, kernel_size, stride=1, pad_mode='same',
    padding=0, output_padding=0, dilation=1, group=1, has_bias=False, weight_init=None,
    bias_init=None, dtype=mstype.float32)``."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, pad_mode="same",
                 padding=0, output_padding=0, dilation=1, group=1, has_bias=False,
                 weight_init=None, bias_init=None, dtype=mstype.float32):
        super().__init__()
        cls = self.cls_name
        kernel_size = twice(kernel_size)
        stride = twice(stride)
        dilation = twice(dilation)
        check_value_type("padding", padding, (int, tuple), cls)
        if isinstance(padding, tuple):
            check_equal_int(len(padding), 4, "padding size", cls)
        check_value_type("output_padding", output_padding, (int, tuple), cls)
        if isinstance(output_padding, tuple):
            check_equal_int(len(output_padding), 2, "output_padding size", cls)
        # --- _Conv.__init__ ---
        self.in_channels = check_positive_int(in_channels, "in_channels", cls)
        self.out_channels = check_positive_int(out_channels, "out_channels", cls)
        self.kernel_size = kernel_size
        self.stride = stride
        self.pad_mode = pad_mode
        self.data_format = "NCHW"
        if isinstance(padding, int):
            check_non_negative_int(padding, "padding", cls)
        else:
            for pad in padding:
                check_non_negative_int(pad, "padding item", cls)
        self.padding = padding
        self.dilation = dilation
        self.group = check_positive_int(group)
        self.has_bias = has_bias
        for item in kernel_size:
            check_positive_int(item, "kernel_size item", cls)
        for item in stride:
            check_positive_int(item, "stride item", cls)
        for item in dilation:
            check_positive_int(item, "dilation item", cls)
        if in_channels % group != 0:
            raise ValueError(f"For '{cls}', the attr 'in_channels' must be divisible by attr "
                             f"'group', but got 'in_channels': {in_channels} and 'group': "
                             f"{group}.")
        if out_channels % group != 0:
            raise ValueError(f"For '{cls}', the 'out_channels' must be divisible by attr 'group', "
                             f"but got 'out_channels': {out_channels} and 'group': {group}.")
        shape = [in_channels, out_channels // group, *kernel_size]
        if weight_init is None:
            weight_init = HeUniform(math.sqrt(5))
        self.weight_init = weight_init
        self.weight = Parameter(initializer(self.weight_init, shape, dtype=dtype), name="weight")
        self.bias_init = bias_init
        if check_bool(has_bias, "has_bias", cls):
            if bias_init is None:
                fan_in, _ = _calculate_fan_in_and_fan_out(shape)
                bias_init = Uniform(1 / math.sqrt(fan_in)) if fan_in != 0 else "zeros"
                self.bias_init = bias_init
            self.bias = Parameter(initializer(self.bias_init, [out_channels], dtype=dtype),
                                  name="bias")
        else:
            self.bias = None
        # --- Conv2dTranspose.__init__ ---
        check_string(pad_mode, ["valid", "same", "pad"], "pad_mode", cls)
        self.is_valid = pad_mode == "valid"
        self.is_same = pad_mode == "same"
        self.is_pad = pad_mode == "pad"
        self.output_padding = output_padding
        self.conv2d_transpose = _PrimConv2DTranspose(out_channel=in_channels,
                                                     kernel_size=kernel_size, mode=1,
                                                     pad_mode=pad_mode, pad=padding,
                                                     stride=stride, dilation=dilation, group=group)
        if isinstance(padding, int):
            pads = (padding,) * 4
        else:
            pads = padding
        self.padding_top, self.padding_bottom, self.padding_left, self.padding_right = pads

    def construct(self, x):
        if not isinstance(x, Tensor):
            raise TypeError("For primitive[Shape], the input argument must be Tensor, but got "
                            f"{type(x)}.")
        n, _, h, w = x.shape
        h_out = _deconv_output_length(self.is_valid, self.is_same, self.is_pad, h,
                                      self.kernel_size[0], self.stride[0], self.dilation[0],
                                      self.padding_top + self.padding_bottom)
        w_out = _deconv_output_length(self.is_valid, self.is_same, self.is_pad, w,
                                      self.kernel_size[1], self.stride[1], self.dilation[1],
                                      self.padding_left + self.padding_right)
        size = (n, self.out_channels, h_out, w_out)
        if h_out <= 0 or w_out <= 0:
            if min(size) < -2:
                raise ValueError(f"Shape should not have values less than -2 but got {size}.")
            raise ValueError(f"For '{self.cls_name}', the output shape {size} is not positive "
                             f"(input shape {x.shape}, kernel_size={self.kernel_size}, "
                             f"stride={self.stride}, padding={self.padding}).")
        out = self.conv2d_transpose(x, self.weight, size)
        if self.has_bias:
            out = self._bias_add(out)
        op = self.output_padding
        if isinstance(op, tuple):
            if op[0] < 0 or op[0] >= max(self.dilation[0], self.stride[0]):
                raise ValueError("output_padding[0] must be in range of [0, max(stride_h, "
                                 "dilation_h)).")
            if op[1] < 0 or op[1] >= max(self.dilation[1], self.stride[1]):
                raise ValueError("output_padding[1] must be in range of [0, max(stride_w, "
                                 "dilation_w)).")
            if not self.is_pad and (op[0] > 0 or op[1] > 0):
                raise ValueError("when output_padding is not zero, pad_mode must be 'pad'")
            return _pad_bottom_right(out, op[0], op[1])
        if op == 0:
            return out
        if op < 0 or op >= max(self.dilation[0], self.stride[0]):
            raise ValueError("output_padding must be in range of [0, max(stride_h, dilation_h)).")
        if op < 0 or op >= max(self.dilation[1], self.stride[1]):
            raise ValueError("output_padding must be in range of [0, max(stride_w, dilation_w)).")
        if not self.is_pad and op > 0:
            raise ValueError("when output_padding is not zero, pad_mode must be 'pad'")
        return _pad_bottom_right(out, op, op)

    def _bias_add(self, out):
        """BiasAdd after the convolution, in the tensors' dtype: for float16 the conv result is
        rounded to float16 first and the bias added in float16, which matches MindSpore bit for
        bit (adding in float32 and rounding once does not)."""
        b = self.bias
        if b.dtype is not out.dtype:
            raise TypeError("For primitive[BiasAdd], the input type must be same.\n"
                            f"name:[input_x]:Tensor[{out.dtype}].\n"
                            f"name:[bias]:Ref[Tensor[{b.dtype}]].")
        arr = out.asnumpy()
        arr += b.asnumpy()[None, :, None, None]  # same dtype: float16 stays float16
        return out

    def extend_repr(self):
        return ("input_channels={}, output_channels={}, kernel_size={}, stride={}, pad_mode={}, "
                "padding={}, dilation={}, group={}, has_bias={}, weight_init={}, bias_init={}, "
                "format={}".format(self.in_channels, self.out_channels, self.kernel_size,
                                   self.stride, self.pad_mode, self.padding, self.dilation,
                                   self.group, self.has_bias, self.weight_init, self.bias_init,
                                   self.data_format))


def _pad_bottom_right(out, rows, cols):
    arr = out.asnumpy()
    n, c, h, w = arr.shape
    res = np.zeros((n, c, h + rows, w + cols), dtype=arr.dtype)
    res[:, :, :h, :w] = arr
    return Tensor._from_array(res)
