"""The fluid surface around the layer: guard, to_variable, Variable, Layer, ParamAttr; manifest."""
import collections
import inspect

import numpy as np
import pytest

import pdconvt
from pdconvt import fluid

VT = fluid.core.VarDesc.VarType


def test_manifest_of_provided_names():
    names = {
        fluid: ["Conv2DTranspose", "ParamAttr", "CPUPlace", "CUDAPlace", "in_dygraph_mode",
                "default_main_program", "default_startup_program", "Program", "core",
                "dygraph", "initializer", "param_attr", "regularizer", "unique_name",
                "framework", "enable_dygraph", "disable_dygraph", "is_compiled_with_cuda"],
        fluid.dygraph: ["Conv2DTranspose", "guard", "to_variable", "no_grad", "Layer", "nn",
                        "base", "layers", "enabled", "enable_dygraph", "disable_dygraph"],
        fluid.dygraph.nn: ["Conv2DTranspose"],
        fluid.dygraph.base: ["to_variable", "guard", "no_grad"],
        fluid.initializer: ["Constant", "Uniform", "Normal", "TruncatedNormal", "Xavier", "MSRA",
                            "Bilinear", "NumpyArrayInitializer", "ConstantInitializer",
                            "UniformInitializer", "NormalInitializer",
                            "TruncatedNormalInitializer", "XavierInitializer",
                            "MSRAInitializer", "BilinearInitializer"],
        fluid.core: ["VarDesc", "EnforceNotMet", "InvalidArgumentError", "NotFoundError",
                     "VarBase", "ops"],
        fluid.regularizer: ["L1Decay", "L2Decay"],
        pdconvt: ["install_alias", "uninstall_alias", "alias", "fluid"],
    }
    for module, attrs in names.items():
        for name in attrs:
            assert getattr(module, name) is not None, (module.__name__, name)
    assert fluid.Conv2DTranspose is fluid.dygraph.Conv2DTranspose is \
        fluid.dygraph.nn.Conv2DTranspose
    assert fluid.dygraph.to_variable is fluid.dygraph.base.to_variable
    assert fluid.ParamAttr is fluid.param_attr.ParamAttr
    for vt in ("FP16", "FP32", "FP64", "INT32", "INT64", "BOOL", "LOD_TENSOR"):
        assert hasattr(VT, vt)


def test_signatures_keep_legacy_order():
    sig = inspect.signature(fluid.dygraph.Conv2DTranspose)
    assert list(sig.parameters) == [
        "num_channels", "num_filters", "filter_size", "output_size", "padding", "stride",
        "dilation", "groups", "param_attr", "bias_attr", "use_cudnn", "act", "dtype"]
    defaults = {k: p.default for k, p in sig.parameters.items()}
    assert defaults["output_size"] is None and defaults["groups"] is None
    assert defaults["use_cudnn"] is True and defaults["dtype"] == "float32"
    assert list(inspect.signature(fluid.dygraph.to_variable).parameters) == [
        "value", "name", "zero_copy"]
    assert list(inspect.signature(fluid.ParamAttr).parameters) == [
        "name", "initializer", "learning_rate", "regularizer", "trainable", "do_model_average"]
    assert list(inspect.signature(fluid.initializer.Uniform).parameters) == [
        "low", "high", "seed", "diag_num", "diag_step", "diag_val"]
    assert list(inspect.signature(fluid.initializer.Xavier).parameters) == [
        "uniform", "fan_in", "fan_out", "seed"]


def test_missing_names_say_so():
    with pytest.raises(AttributeError, match="pdconvt does not provide paddle.fluid.layers"):
        fluid.layers  # noqa: B018
    with pytest.raises(AttributeError, match="pdconvt does not provide"):
        fluid.dygraph.Linear  # noqa: B018


def test_guard_fresh_counters_and_programs():
    for _ in range(2):
        with fluid.dygraph.guard():
            assert fluid.in_dygraph_mode()
            assert fluid.default_main_program().random_seed == 0
            a = fluid.dygraph.Conv2DTranspose(2, 2, 2)
            b = fluid.dygraph.Conv2DTranspose(2, 2, 2, bias_attr=False)
            assert a.full_name() == "conv2d_transpose_0" and b.full_name() == "conv2d_transpose_1"
            assert a.weight.name == "conv2d_transpose_0.w_0"
            assert a.bias.name == "conv2d_transpose_0.b_0"
            v = fluid.dygraph.to_variable(np.ones(2))
            assert v.name.startswith("generated_var_")
            fluid.default_main_program().random_seed = 99
    assert not fluid.in_dygraph_mode()
    with pytest.raises(ValueError, match="random_seed's input seed must be an integer"):
        fluid.default_main_program().random_seed = 1.5


def test_to_variable_aliases_by_default_and_copies_on_request():
    arr = np.arange(6, dtype=np.float32).reshape(2, 3)
    with fluid.dygraph.guard():
        v = fluid.dygraph.to_variable(arr)
        c = fluid.dygraph.to_variable(arr, zero_copy=False, name="mine")
        arr[0, 0] = 100.0
        assert v.numpy()[0, 0] == 100.0       # writes show through
        assert c.numpy()[0, 0] == 0.0
        assert c.name == "mine"
        assert v.stop_gradient is True and v.persistable is False
        assert fluid.dygraph.to_variable(v) is v
        layer = fluid.dygraph.Conv2DTranspose(1, 1, 1, param_attr=fluid.initializer.Constant(2.0),
                                              bias_attr=False)
        x = np.ones((1, 1, 2, 2), np.float32)
        xv = fluid.dygraph.to_variable(x)
        x[...] = 3.0
        np.testing.assert_array_equal(layer(xv).numpy(), np.full((1, 1, 2, 2), 6.0))
    v.numpy()[0, 0] = -1.0                    # numpy() is a copy
    assert arr[0, 0] == 100.0


def test_variable_surface():
    with fluid.dygraph.guard():
        x = fluid.dygraph.to_variable(np.array([[1.0, -2.0], [3.0, 4.0]], np.float32))
        assert x.shape == [2, 2] and isinstance(x.shape, list)
        assert x.dtype == VT.FP32 and str(x.dtype) == "VarType.FP32"
        assert x.type == VT.LOD_TENSOR
        assert x.astype("float64").dtype == VT.FP64
        d = x.detach()
        assert d.stop_gradient and np.array_equal(d.numpy(), x.numpy())
        np.testing.assert_array_equal((x + 1).numpy(), [[2, -1], [4, 5]])
        np.testing.assert_array_equal((2 * x - x).numpy(), x.numpy())
        np.testing.assert_array_equal((x / 2).numpy(), [[0.5, -1], [1.5, 2]])
        assert (x + 1.5).dtype == VT.FP32
        np.testing.assert_array_equal((x > 0).numpy(), [[True, False], [True, True]])
        np.testing.assert_array_equal((-x).numpy(), [[-1, 2], [-3, -4]])
        x.set_value(np.zeros((2, 2), np.float32))
        assert x.numpy().sum() == 0
        with pytest.raises(AssertionError, match="Shape not match"):
            x.set_value(np.zeros((3,), np.float32))
        with pytest.raises(AssertionError, match="dtype not match"):
            x.set_value(np.zeros((2, 2), np.float64))
        s = str(x)
        assert s.startswith(f"name {x.name}, dtype: VarType.FP32 shape: [2, 2]")
        x.stop_gradient = False
        assert x.stop_gradient is False
        assert bool(fluid.dygraph.to_variable(np.array([1.0])))
    with pytest.raises(AssertionError, match="set_value"):
        x.set_value(np.zeros((2, 2), np.float32))
    assert x.numpy().shape == (2, 2)         # still readable after the guard


def test_layer_members():
    with fluid.dygraph.guard():
        layer = fluid.dygraph.Conv2DTranspose(2, 4, 3, param_attr=fluid.ParamAttr(
            learning_rate=0.5, regularizer=fluid.regularizer.L2Decay(0.1), trainable=False))
        w, b = layer.weight, layer.bias
        assert layer.parameters() == [w, b]
        assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
        sd = layer.state_dict()
        assert isinstance(sd, collections.OrderedDict) and list(sd) == ["weight", "bias"]
        assert sd["weight"] is w
        assert w.persistable and not w.stop_gradient and not w.trainable and b.trainable
        assert w.optimize_attr == {"learning_rate": 0.5}
        assert isinstance(w.regularizer, fluid.regularizer.L2Decay)
        assert w.shape == [2, 4, 3, 3] and w.dtype == VT.FP32
        for attr, val in [("_num_channels", 2), ("_num_filters", 4), ("_filter_size", [3, 3]),
                          ("_stride", [1, 1]), ("_padding", [0, 0]), ("_dilation", [1, 1]),
                          ("_output_size", []), ("_groups", 1), ("_act", None),
                          ("_use_cudnn", True), ("_dtype", "float32"),
                          ("_op_type", "conv2d_transpose")]:
            assert getattr(layer, attr) == val, attr
        new = {"weight": np.ones((2, 4, 3, 3), np.float32), "bias": np.full(4, 2, np.float32)}
        layer.set_dict(new)
        np.testing.assert_array_equal(w.numpy(), new["weight"])
        layer.load_dict({"weight": new["weight"], "bias": new["bias"]})
        with pytest.raises(RuntimeError, match="Can't find \\[ bias \\]"):
            layer.set_dict({"weight": new["weight"]})
        layer.eval()
        assert layer.training is False
        layer.train()
        assert layer.training is True
        nobias = fluid.dygraph.Conv2DTranspose(2, 4, 3, bias_attr=False)
        assert nobias.bias is None and nobias.parameters() == [nobias.weight]
        assert list(nobias.state_dict()) == ["weight"]
        dw = fluid.dygraph.Conv2DTranspose(3, 3, 3, groups=3, use_cudnn=False)
        assert dw._op_type == "depthwise_conv2d_transpose"
        with pytest.raises(TypeError, match="assignment to parameter 'weight'"):
            layer.weight = np.ones(3)
        layer.weight = None
        assert layer.parameters() == [b]
        with pytest.raises(ValueError, match="Layer shouldn't implement backward"):
            layer.backward()


def test_composite_layer_hooks_and_sublayers():
    class Net(fluid.dygraph.Layer):
        def __init__(self):
            super().__init__()
            self.up = fluid.dygraph.Conv2DTranspose(1, 1, 2, bias_attr=False,
                                                    param_attr=fluid.initializer.Constant(1.0))
            self.scale = self.create_parameter([1], default_initializer=fluid.initializer
                                               .Constant(3.0))

        def forward(self, x):
            return self.up(x) * self.scale

    with fluid.dygraph.guard():
        net = Net()
        assert net.full_name() == "net_0"
        assert [n for n, _ in net.named_parameters()] == ["scale", "up.weight"]
        assert net.sublayers() == [net.up]
        x = fluid.dygraph.to_variable(np.ones((1, 1, 1, 1), np.float32))
        calls = []
        pre = net.register_forward_pre_hook(lambda layer, inp: calls.append("pre"))
        post = net.register_forward_post_hook(lambda layer, inp, out: out * 2)
        np.testing.assert_array_equal(net(x).numpy(), np.full((1, 1, 2, 2), 6.0))
        pre.remove()
        post.remove()
        np.testing.assert_array_equal(net(x).numpy(), np.full((1, 1, 2, 2), 3.0))
        assert calls == ["pre"]
        extra = net.add_parameter("extra", net.create_parameter([2]))
        assert net.extra is extra
        net.add_sublayer("other", fluid.dygraph.Conv2DTranspose(1, 1, 1))
        assert len(net.sublayers()) == 2
        assert list(net.state_dict())[-2:] == ["other.weight", "other.bias"]


def test_no_grad_and_stop_gradient():
    with fluid.dygraph.guard():
        layer = fluid.dygraph.Conv2DTranspose(1, 1, 1)
        x = fluid.dygraph.to_variable(np.ones((1, 1, 1, 1), np.float32))
        assert layer(x).stop_gradient is False
        with fluid.dygraph.no_grad():
            assert layer(x).stop_gradient is True

        @fluid.dygraph.no_grad
        def run():
            return layer(x)

        assert run().stop_gradient is True
        assert layer(x).stop_gradient is False


def test_places_and_modes():
    assert fluid.CPUPlace() == fluid.CPUPlace()
    with pytest.raises(fluid.core.EnforceNotMet, match="CPU"):
        fluid.CUDAPlace(0)
    assert fluid.is_compiled_with_cuda() is False
    fluid.enable_dygraph()
    try:
        assert fluid.in_dygraph_mode()
        fluid.dygraph.to_variable(np.ones(1))
    finally:
        fluid.disable_dygraph()
    assert not fluid.in_dygraph_mode()


def test_layer_built_outside_guard_holds_parameters():
    layer = fluid.dygraph.Conv2DTranspose(2, 2, 2)
    assert layer.weight.shape == [2, 2, 2, 2]
    with pytest.raises(NotImplementedError, match="dygraph"):
        layer(None)
