"""The suite through pdconvt's legacy ``fluid.dygraph.Conv2DTranspose``, where expressible.

The legacy layer is NCHW with symmetric padding; output_padding is spelled as an explicit
``output_size`` (allowed range: inferred size up to inferred size + stride - 1).
"""
import pytest

from _bench_support import check, inputs, layer_params, record, record_rate

pd = pytest.importorskip("pdconvt", reason="pdconvt (the legacy Paddle shim) is not importable")


def _fluid():
    fluid = getattr(pd, "fluid", None)
    if fluid is None:
        try:
            from pdconvt import fluid
        except ImportError as e:
            pytest.skip(f"pdconvt.fluid is not available yet: {e}")
    for name in ("dygraph.Conv2DTranspose", "dygraph.guard", "dygraph.to_variable",
                 "ParamAttr", "initializer.NumpyArrayInitializer"):
        obj = fluid
        for part in name.split("."):
            obj = getattr(obj, part, None)
            if obj is None:
                pytest.skip(f"pdconvt.fluid.{name} is not available yet")
    return fluid


@pytest.mark.parametrize("layer", layer_params())
def test_fluid_conv2d_transpose(benchmark, layer):
    if layer["layout"] != "NCHW":
        pytest.skip("fluid.dygraph.Conv2DTranspose is NCHW only")
    fluid = _fluid()
    x, w, b = inputs(layer)
    s, p, d, k, op = (layer[key] for key in ("stride", "padding", "dilation", "kernel",
                                             "output_padding"))
    out_size = None
    if op:
        out_size = [(layer[a] - 1) * s - 2 * p + d * (k - 1) + 1 + op for a in ("H", "W")]
    init = fluid.initializer.NumpyArrayInitializer
    with fluid.dygraph.guard():
        net = fluid.dygraph.Conv2DTranspose(
            layer["C_in"], layer["C_out"], k, output_size=out_size, padding=p, stride=s,
            dilation=d, groups=layer["groups"],
            param_attr=fluid.ParamAttr(initializer=init(w)),
            bias_attr=fluid.ParamAttr(initializer=init(b)), dtype=layer["dtype"])
        xv = fluid.dygraph.to_variable(x)
        record(benchmark, layer, api="pdconvt.fluid.dygraph.Conv2DTranspose")
        y = benchmark(net, xv)
        record_rate(benchmark, layer)
        check(y.numpy(), x, w, b, layer)
