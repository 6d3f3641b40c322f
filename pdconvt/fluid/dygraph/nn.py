"""``fluid.dygraph.nn.Conv2DTranspose``: legacy Paddle's layer over the ``convt`` core."""
from __future__ import annotations

from .. import framework
from .._varbase import Variable
from ..core import NotFoundError
from .layers import Layer

__all__ = ["Conv2DTranspose"]


def _convert_to_list(value, n, name):
    """Legacy ``layers.utils.convert_to_list``: an int, or an n-sequence of int-likes.

    Elements are kept as given (a float passes here and fails at the forward).
    """
    if isinstance(value, int):
        return [value] * n
    try:
        value_list = list(value)
    except TypeError:
        raise ValueError(f"The {name}'s type must be list or tuple. Received: {value}") from None
    if len(value_list) != n:
        raise ValueError(f"The {name}'s length must be {n}. Received: {value}")
    for single_value in value_list:
        try:
            int(single_value)
        except (ValueError, TypeError):
            raise ValueError(
                f"The {name}'s type must be a list or tuple of {n} {int} . Received: {value} "
                f"including element {single_value} of type {type(single_value)}") from None
    return value_list


class Conv2DTranspose(Layer):
    """2-D transposed convolution layer of Paddle 1.8's dygraph API (NCHW).

    ``out = act(conv2d_transpose(x, weight) + bias)``, with weight shape
    ``[num_channels, num_filters // groups, kh, kw]``.

    Parameters
    ----------
    num_channels : int
        Input channels.
    num_filters : int
        Output channels.
    filter_size : int or sequence of 2 ints
    output_size : int or list of 2 ints, optional
        Must satisfy ``H' <= output_size < H' + stride`` per axis (checked at forward).
        A tuple is refused, as legacy did.
    padding, stride, dilation : int or sequence of 2 ints
    groups : int, optional
        None means 1.
    param_attr, bias_attr : ParamAttr, str, Initializer or bool, optional
        ``bias_attr=False``: no bias.  ``param_attr=False`` is refused.
    use_cudnn : bool
        Irrelevant on the CPU (selects the depthwise op name when False and
        ``num_channels == groups == num_filters``).
    act : str, optional
        Name of a one-input op applied last, looked up at the first forward (see
        ``pdconvt._acts``); an unknown name raises AttributeError there.
    dtype : str
        ``'float32'`` (default), ``'float64'`` or ``'float16'`` (computed in float32).
    """

    def __init__(self, num_channels, num_filters, filter_size, output_size=None, padding=0,
                 stride=1, dilation=1, groups=None, param_attr=None, bias_attr=None,
                 use_cudnn=True, act=None, dtype="float32"):
        super().__init__()
        assert param_attr is not False, "param_attr should not be False in conv2d_transpose."
        self._param_attr = param_attr
        self._bias_attr = bias_attr
        self._act = act
        self._groups = groups
        self._num_channels = num_channels
        self._num_filters = num_filters
        self._use_cudnn = use_cudnn
        self._padding = padding
        self._stride = stride
        self._dilation = dilation
        self._filter_size = filter_size
        self._output_size = output_size
        self._dtype = dtype
        self._op_type = "conv2d_transpose"
        if (self._num_channels == self._groups and self._num_filters == self._num_channels
                and not self._use_cudnn):
            self._op_type = "depthwise_conv2d_transpose"

        self._padding = _convert_to_list(self._padding, 2, "padding")
        self._stride = _convert_to_list(self._stride, 2, "stride")
        self._dilation = _convert_to_list(self._dilation, 2, "dilation")
        self._filter_size = _convert_to_list(self._filter_size, 2,
                                             "conv2d_transpose.filter_size")
        if self._output_size is None:
            self._output_size = []
        elif isinstance(self._output_size, (list, int)):
            self._output_size = _convert_to_list(self._output_size, 2, "output_size")
        else:
            raise ValueError("output_size should be list or int")
        self._groups = 1 if self._groups is None else self._groups

        filter_shape = [self._num_channels, self._num_filters // self._groups] \
            + self._filter_size
        self.weight = self.create_parameter(dtype=self._dtype, shape=filter_shape,
                                            attr=self._param_attr)
        self.bias = self.create_parameter(attr=self._bias_attr, shape=[self._num_filters],
                                          dtype=self._dtype, is_bias=True)

    def forward(self, input):
        """Run the op on ``input`` (a Variable, NCHW); returns a new Variable."""
        from ... import _forward

        if not framework.in_dygraph_mode():
            if getattr(self.weight, "_state", None) is not None:
                # Built in a guard, called after it: legacy appended a static op with no input.
                raise NotFoundError("No Input(Input) found for ConvTranspose operator.",
                                    self._op_type)
            raise NotImplementedError(
                "pdconvt provides dygraph (imperative) mode only: call Conv2DTranspose inside "
                "fluid.dygraph.guard(); static-graph programs are not provided")
        if not isinstance(input, Variable):
            raise TypeError(
                f"{self._op_type}(): incompatible function arguments. The input must be a "
                f"Variable (use fluid.dygraph.to_variable), but received {type(input)}")
        bias = self.bias
        y = _forward.conv2d_transpose(
            input._array, self.weight._array, None if bias is None else bias._array,
            output_size=self._output_size, strides=self._stride, paddings=self._padding,
            dilations=self._dilation, groups=self._groups, use_cudnn=self._use_cudnn,
            op_type=self._op_type, act=self._act)
        stop = (framework._no_grad_depth() > 0 or input.stop_gradient
                and self.weight.stop_gradient and (bias is None or bias.stop_gradient))
        return Variable(y, framework._generate_name("generated_var"), stop_gradient=stop)
