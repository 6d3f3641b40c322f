"""One test per row of the spec's exception table (section 6), classes and messages."""
import numpy as np
import pytest

from pdconvt import fluid

core = fluid.core
C2DT = fluid.dygraph.Conv2DTranspose


def _build(**kw):
    args = dict(num_channels=4, num_filters=6, filter_size=3)
    args.update(kw)
    return C2DT(**args)


def _x(shape=(1, 4, 5, 5), dtype="float32"):
    return fluid.dygraph.to_variable(np.ones(shape, dtype))


# --- constructor ---------------------------------------------------------------------------

def test_param_attr_false_is_assertion_error():
    with fluid.dygraph.guard(), pytest.raises(AssertionError,
                                              match="param_attr should not be False in "
                                                    "conv2d_transpose."):
        _build(param_attr=False)


@pytest.mark.parametrize("value", [(7, 7), np.int64(7), "7"])
def test_output_size_tuple_numpy_int_or_str(value):
    with fluid.dygraph.guard(), pytest.raises(ValueError) as info:
        _build(output_size=value)
    assert str(info.value) == "output_size should be list or int"


def test_output_size_list_of_one():
    with fluid.dygraph.guard(), pytest.raises(ValueError) as info:
        _build(output_size=[7])
    assert str(info.value) == "The output_size's length must be 2. Received: [7]"


@pytest.mark.parametrize("kw,msg", [
    (dict(padding=[1, 1, 1, 1]), "The padding's length must be 2. Received: [1, 1, 1, 1]"),
    (dict(padding="SAME"), "The padding's length must be 2. Received: SAME"),
    (dict(padding="VALID"), "The padding's length must be 2. Received: VALID"),
    (dict(stride=[1, 2, 3]), "The stride's length must be 2. Received: [1, 2, 3]"),
])
def test_length_errors(kw, msg):
    with fluid.dygraph.guard(), pytest.raises(ValueError) as info:
        _build(**kw)
    assert str(info.value) == msg


@pytest.mark.parametrize("kw,msg", [
    (dict(padding=1.5), "The padding's type must be list or tuple. Received: 1.5"),
    (dict(padding=np.int64(1)), "The padding's type must be list or tuple. Received: 1"),
    (dict(dilation=None), "The dilation's type must be list or tuple. Received: None"),
    (dict(filter_size=None),
     "The conv2d_transpose.filter_size's type must be list or tuple. Received: None"),
])
def test_type_errors_are_value_errors(kw, msg):
    with fluid.dygraph.guard(), pytest.raises(ValueError) as info:
        _build(**kw)
    assert str(info.value) == msg


def test_bad_list_element():
    with fluid.dygraph.guard(), pytest.raises(ValueError) as info:
        _build(filter_size=[3, "a"])
    assert str(info.value) == (
        "The conv2d_transpose.filter_size's type must be a list or tuple of 2 <class 'int'> . "
        "Received: [3, 'a'] including element a of type <class 'str'>")


@pytest.mark.parametrize("kw", [dict(filter_size=(3, 2.5)), dict(num_filters=2.0)])
def test_float_shape_is_type_error(kw):
    with fluid.dygraph.guard(), pytest.raises(TypeError, match="shape"):
        _build(**kw)


def test_groups_zero_is_zero_division():
    with fluid.dygraph.guard(), pytest.raises(ZeroDivisionError):
        _build(groups=0)


@pytest.mark.parametrize("kw,shape", [(dict(groups=-1), "[4, -6, 3, 3]"),
                                      (dict(filter_size=-3), "[4, 6, -3, -3]")])
def test_negative_shape(kw, shape):
    with fluid.dygraph.guard(), pytest.raises(ValueError) as info:
        _build(**kw)
    assert str(info.value) == ("Each dimension of shape for Parameter must be greater than 0, "
                               f"but received {shape}")


def test_filter_size_zero_is_zero_division_in_xavier():
    with fluid.dygraph.guard(), pytest.raises(ZeroDivisionError):
        _build(filter_size=0)


def test_int_dtype_is_type_error():
    with fluid.dygraph.guard(), pytest.raises(TypeError, match="Can not create parameter with "
                                                             "default initializer when dtype is "
                                                             "not float type"):
        _build(dtype="int32")


def test_numpy_type_object_dtype_is_attribute_error():
    with fluid.dygraph.guard(), pytest.raises(AttributeError, match="startswith"):
        _build(dtype=np.float32)


def test_param_attr_int_is_type_error():
    with fluid.dygraph.guard(), pytest.raises(TypeError) as info:
        _build(param_attr=123)
    assert str(info.value) == "<class 'int'> cast to ParamAttr"


def test_param_attr_list_is_assertion_error():
    with fluid.dygraph.guard(), pytest.raises(AssertionError):
        _build(param_attr=[fluid.ParamAttr()])


def test_duplicate_parameter_name():
    with fluid.dygraph.guard():
        _build(param_attr=fluid.ParamAttr(name="shared_w"))
        with pytest.raises(ValueError) as info:
            _build(param_attr=fluid.ParamAttr(name="shared_w"))
    assert str(info.value).startswith("parameter name [shared_w] have be been used. In dygraph "
                                      "mode, the name of parameter can't be same.")
    with fluid.dygraph.guard():  # a new guard forgets the names
        _build(param_attr=fluid.ParamAttr(name="shared_w"))


def test_param_attr_empty_name():
    with pytest.raises(ValueError, match="name of ParamAttr can not be empty str"):
        fluid.ParamAttr(name="")


# --- forward -------------------------------------------------------------------------------

def _enforce(info, cls, text):
    assert isinstance(info.value, core.EnforceNotMet)
    assert isinstance(info.value, cls)
    assert text in str(info.value)


def test_channel_mismatch():
    with fluid.dygraph.guard(), pytest.raises(ValueError) as info:
        _build()(_x((1, 3, 5, 5)))
    _enforce(info, core.InvalidArgumentError,
             "The number of input channels should be equal to filter channels for "
             "Op(conv_transpose). But received: the input's channels is [3], the shape of input "
             "is [1, 3, 5, 5], the filter's channels is [4]")


def test_rank_3():
    with fluid.dygraph.guard(), pytest.raises(core.EnforceNotMet) as info:
        _build()(_x((4, 5, 5)))
    _enforce(info, ValueError, "Input of Op(conv_transpose) should be 4-D or 5-D Tensor. But "
                               "received: 3-D Tensor")


def test_rank_5():
    with fluid.dygraph.guard(), pytest.raises(core.EnforceNotMet) as info:
        _build()(_x((1, 4, 5, 5, 5)))
    _enforce(info, ValueError, "The input's dimension size and filter's dimension size of Op "
                               "(conv_transpose) should be equal")


def test_output_size_too_small():
    with fluid.dygraph.guard(), pytest.raises(core.EnforceNotMet) as info:
        _build(stride=2, output_size=[10, 11])(_x((1, 4, 5, 5)))
    _enforce(info, ValueError, "output_size of Op(ConvTransposeOp) should not be less than the "
                               "infered output size. But received output_size = [10, 11], whose "
                               "dim 0 is less than the infered output size [11]")


def test_output_size_too_large():
    with fluid.dygraph.guard(), pytest.raises(ValueError) as info:
        _build(stride=2, output_size=[13, 11])(_x((1, 4, 5, 5)))
    _enforce(info, core.InvalidArgumentError,
             "should be less than infered size + stride. But received output_size = [13, 11], "
             "whose dim 0 is not less than the infered output size (11) + stride (2) = 13")


def test_dtype_mismatch():
    with fluid.dygraph.guard(), pytest.raises(core.EnforceNotMet) as info:
        _build()(_x(dtype="float64"))
    _enforce(info, ValueError, "Tensor holds the wrong type, it holds float, but desires to be "
                               "double.")


def test_num_filters_not_divisible_by_groups_fails_at_bias():
    with fluid.dygraph.guard():
        layer = _build(num_filters=5, groups=2)
        with pytest.raises(core.EnforceNotMet) as info:
            layer(_x())
    _enforce(info, ValueError, "Broadcast dimension mismatch")


@pytest.mark.parametrize("kw,shape", [
    (dict(groups=8, num_filters=8), (1, 4, 5, 5)),
    (dict(num_filters=0), (1, 4, 5, 5)),
    (dict(num_channels=0), (1, 0, 5, 5)),
])
def test_nothing_to_compute(kw, shape):
    with fluid.dygraph.guard():
        layer = _build(**kw) if "num_filters" not in kw or kw["num_filters"] else \
            _build(param_attr=fluid.initializer.Constant(1.0), **kw)
        with pytest.raises(core.InvalidArgumentError):
            layer(_x(shape))


def test_batch_zero_with_bias():
    with fluid.dygraph.guard(), pytest.raises(core.EnforceNotMet) as info:
        _build()(_x((0, 4, 5, 5)))
    _enforce(info, ValueError, "elementwise_add")


def test_use_cudnn_string():
    with fluid.dygraph.guard(), pytest.raises(core.EnforceNotMet) as info:
        _build(use_cudnn="yes")(_x())
    _enforce(info, ValueError, "Cannot get attribute use_cudnn by type bool, its type is "
                               "std::string")


def test_int32_kernel_not_found():
    with fluid.dygraph.guard(), pytest.raises(RuntimeError) as info:
        _build()(_x(dtype="int32"))
    _enforce(info, core.NotFoundError, "Operator conv2d_transpose does not have kernel for "
                                       "data_type[int]")


def test_call_after_guard_exit():
    with fluid.dygraph.guard():
        layer = _build()
        x = _x()
    with pytest.raises(core.EnforceNotMet) as info:
        layer(x)
    _enforce(info, RuntimeError, "No Input(Input) found for ConvTranspose operator.")


@pytest.mark.parametrize("act", ["foo", "Relu", "identity", "linear", "", "silu",
                                 "log_softmax"])
def test_unknown_act_raises_at_first_forward(act):
    with fluid.dygraph.guard():
        layer = _build(act=act)      # accepted here
        with pytest.raises(AttributeError) as info:
            layer(_x())
    assert str(info.value) == f"module 'paddle.fluid.core_avx.ops' has no attribute '{act}'"


def test_callable_act_is_type_error():
    with fluid.dygraph.guard(), pytest.raises(TypeError, match="attribute name must be string"):
        _build(act=np.tanh)(_x())


def test_two_input_op_act_is_type_error():
    with fluid.dygraph.guard(), pytest.raises(TypeError):
        _build(act="prelu")(_x())


@pytest.mark.parametrize("value", [np.ones((1, 4, 5, 5), np.float32), [[1.0]]])
def test_raw_input_is_type_error(value):
    with fluid.dygraph.guard(), pytest.raises(TypeError, match="incompatible function arguments"):
        _build()(value)


@pytest.mark.parametrize("stride", [0, -1, [1, 0]])
def test_stride_not_positive_is_value_error_not_a_crash(stride):
    with fluid.dygraph.guard(), pytest.raises(ValueError) as info:
        _build(stride=stride)(_x())
    _enforce(info, core.InvalidArgumentError, "stride")


def test_negative_inferred_size_is_value_error():
    with fluid.dygraph.guard(), pytest.raises(ValueError) as info:
        _build(filter_size=1, padding=3)(_x())
    _enforce(info, core.InvalidArgumentError, "negative")


def test_float_padding_element_fails_at_forward():
    with fluid.dygraph.guard():
        layer = _build(padding=[2.5, 1])       # kept as given by the constructor
        with pytest.raises(ValueError) as info:
            layer(_x())
    _enforce(info, core.InvalidArgumentError, "paddings")


# --- to_variable ---------------------------------------------------------------------------

def test_to_variable_outside_guard():
    with pytest.raises(AssertionError) as info:
        fluid.dygraph.to_variable(np.ones(3))
    assert str(info.value) == ("We Only support to_variable in imperative mode, please use "
                               "fluid.dygraph.guard() as context to run it in imperative Mode")


def test_to_variable_list():
    with fluid.dygraph.guard(), pytest.raises(TypeError) as info:
        fluid.dygraph.to_variable([1.0, 2.0])
    assert str(info.value) == ("The type of input value is invalid, expected type is 'ndarray', "
                               "'Variable' or 'ComplexVariable', but received <class 'list'>.")


def test_gradients_not_provided():
    with fluid.dygraph.guard():
        y = _build()(_x())
        with pytest.raises(NotImplementedError, match="backward"):
            y.backward()
        with pytest.raises(NotImplementedError, match="gradient"):
            y.gradient()
    with pytest.raises(AssertionError, match="We Only support backward in imperative mode"):
        y.backward()


def test_enforce_classes_catch_both_ways():
    assert issubclass(core.InvalidArgumentError, core.EnforceNotMet)
    assert issubclass(core.InvalidArgumentError, ValueError)
    assert issubclass(core.NotFoundError, core.EnforceNotMet)
    assert issubclass(core.NotFoundError, RuntimeError)
    assert core.EnforceNotMet.__bases__ == (Exception,)
