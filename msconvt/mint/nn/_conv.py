"""``mindspore.mint.nn.ConvTranspose2d``: the mint layer, checks in MindSpore's order."""
from __future__ import annotations

import math

from ..._tensor import Parameter
from ..._validators import check_bool, check_non_negative_int, check_positive_int
from ...common import dtype as mstype
from ...common.initializer import HeUniform, Uniform, _calculate_fan_in_and_fan_out, initializer
from ...nn.cell import Cell
from .functional import conv_transpose2d

__all__ = ["ConvTranspose2d"]


def _pair(x, arg_name, class_name):
    if isinstance(x, int):
        return (x, x)
    if isinstance(x, (tuple, list)):
        if len(x) == 1:
            return (x[0], x[-1])
        return x
    raise ValueError(f"For '{class_name}', '{arg_name}'",
                     f" should be int, tuple or list, but got {x}")


class ConvTranspose2d(Cell):
    """``mint.nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride=1, padding=0,
    output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros", dtype=None)``;
    ``layer(input, output_size=None)``."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 dtype=None):
        dtype = mstype.float32 if dtype is None else dtype
        # MindSpore's _pair always names 'kernel_size' in its message (sic).
        kernel_size = _pair(kernel_size, "kernel_size", "ConvTranspose2d")
        stride = _pair(stride, "kernel_size", "ConvTranspose2d")
        padding = _pair(padding, "kernel_size", "ConvTranspose2d")
        dilation = _pair(dilation, "kernel_size", "ConvTranspose2d")
        output_padding = _pair(output_padding, "kernel_size", "ConvTranspose2d")
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        super().__init__()
        self.padding = padding
        self.stride = stride
        self.transposed = True
        self.output_padding = output_padding
        self.padding_mode = padding_mode
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.in_channels = check_non_negative_int(in_channels)
        self.out_channels = check_non_negative_int(out_channels)
        self.groups = check_positive_int(groups)
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups.")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups.")
        for name, seq in (("kernel_size", kernel_size), ("stride", stride),
                          ("dilation", dilation)):
            for elem in seq:
                check_positive_int(elem, f"{name} item", self.cls_name)
        self._reversed_padding = tuple(x for x in reversed(padding) for _ in range(2))
        shape = [in_channels, out_channels // groups, *kernel_size]
        self.weight = Parameter(initializer(HeUniform(math.sqrt(5)), shape, dtype=dtype),
                                name="weight")
        if check_bool(bias, "bias", self.cls_name):
            fan_in, _ = _calculate_fan_in_and_fan_out(shape)
            bias_init = Uniform(1 / math.sqrt(fan_in)) if fan_in != 0 else "zeros"
            self.bias = Parameter(initializer(bias_init, [out_channels], dtype=dtype),
                                  name="bias")
        else:
            self.bias = None

    def _output_padding(self, input, output_size):
        if output_size is None:
            return tuple(self.output_padding)
        input_rank = input.ndim
        num_non_spatial = 2 if input_rank == 4 else 1
        if len(output_size) != 2 and len(output_size) != num_non_spatial + 2:
            raise ValueError(f"ConvTranspose2D: for {input_rank}D input, ",
                             "output_size must have 2 ",
                             f"or {num_non_spatial + 2} elements (got {len(output_size)})")
        output_size = output_size[-2:]
        min_sizes, max_sizes = [], []
        for d in range(2):
            size = ((input.shape[d + num_non_spatial] - 1) * self.stride[d]
                    - 2 * self.padding[d] + self.dilation[d] * (self.kernel_size[d] - 1) + 1)
            min_sizes.append(size)
            max_sizes.append(size + self.stride[d] - 1)
        for i in range(2):
            if output_size[i] < min_sizes[i] or output_size[i] > max_sizes[i]:
                raise ValueError(f"requested an output size of {output_size}, but valid sizes "
                                 f"range from {min_sizes} to {max_sizes} (for an input of "
                                 f"{input.shape})")
        return [output_size[d] - min_sizes[d] for d in range(2)]

    def construct(self, input, output_size=None):
        output_padding = self._output_padding(input, output_size)
        return conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding,
                                output_padding, self.groups, self.dilation)

    def extend_repr(self):
        return ("input_channels={}, output_channels={}, kernel_size={}, stride={}, padding={}, "
                "dilation={}, groups={}, bias={}".format(
                    self.in_channels, self.out_channels, self.kernel_size, self.stride,
                    self.padding, self.dilation, self.groups, self.bias is not None))
