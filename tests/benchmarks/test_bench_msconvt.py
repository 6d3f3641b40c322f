"""The suite through msconvt's layer objects (MindSpore names), where a layer is expressible.

MindSpore's CPU names take NCHW float32 only; ``nn.Conv2dTranspose``'s output_padding appends
zero rows after the bias (not the torch meaning), so layers with output_padding skip it;
``ops.Conv2DTranspose`` has no bias and takes the output size explicitly.
"""
import pytest

from _bench_support import check, inputs, layer_params, record, record_rate

ms = pytest.importorskip("msconvt", reason="msconvt (the MindSpore-name shim) is not importable")


def _out_hw(layer):
    s, p, d, k, op = (layer[key] for key in ("stride", "padding", "dilation", "kernel",
                                             "output_padding"))
    return tuple((layer[a] - 1) * s - 2 * p + d * (k - 1) + 1 + op for a in ("H", "W"))


def _expressible(layer, api):
    if layer["layout"] != "NCHW":
        pytest.skip(f"{api}: MindSpore takes NCHW only on CPU")
    if layer["dtype"] != "float32":
        pytest.skip(f"{api}: MindSpore computes float32 only on CPU")
    if api == "nn.Conv2dTranspose" and layer["output_padding"]:
        pytest.skip("nn.Conv2dTranspose: its output_padding appends zeros, not torch's meaning")


def _get(path):
    obj = ms
    for part in path.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            pytest.skip(f"msconvt.{path} is not available yet")
    return obj


@pytest.mark.parametrize("layer", layer_params())
def test_mint_conv_transpose2d(benchmark, layer):
    _expressible(layer, "mint.nn.ConvTranspose2d")
    cls = _get("mint.nn.ConvTranspose2d")
    x, w, b = inputs(layer)
    net = cls(layer["C_in"], layer["C_out"], layer["kernel"], stride=layer["stride"],
              padding=layer["padding"], output_padding=layer["output_padding"],
              groups=layer["groups"], bias=True, dilation=layer["dilation"])
    net.weight.set_data(ms.Tensor(w))
    net.bias.set_data(ms.Tensor(b))
    xt = ms.Tensor(x)
    record(benchmark, layer, api="msconvt.mint.nn.ConvTranspose2d")
    y = benchmark(net, xt)
    record_rate(benchmark, layer)
    check(y.asnumpy(), x, w, b, layer)


@pytest.mark.parametrize("layer", layer_params())
def test_nn_conv2d_transpose(benchmark, layer):
    _expressible(layer, "nn.Conv2dTranspose")
    cls = _get("nn.Conv2dTranspose")
    x, w, b = inputs(layer)
    net = cls(layer["C_in"], layer["C_out"], layer["kernel"], stride=layer["stride"],
              pad_mode="pad", padding=layer["padding"], dilation=layer["dilation"],
              group=layer["groups"], has_bias=True, weight_init=ms.Tensor(w),
              bias_init=ms.Tensor(b))
    xt = ms.Tensor(x)
    record(benchmark, layer, api="msconvt.nn.Conv2dTranspose")
    y = benchmark(net, xt)
    record_rate(benchmark, layer)
    check(y.asnumpy(), x, w, b, layer)


@pytest.mark.parametrize("layer", layer_params())
def test_ops_conv2d_transpose(benchmark, layer):
    _expressible(layer, "ops.Conv2DTranspose")
    cls = _get("ops.Conv2DTranspose")
    x, w, _ = inputs(layer, bias=False)
    op = cls(out_channel=layer["C_out"], kernel_size=layer["kernel"], pad_mode="pad",
             pad=layer["padding"], stride=layer["stride"], dilation=layer["dilation"],
             group=layer["groups"])
    size = (layer["N"], layer["C_out"]) + _out_hw(layer)
    xt, wt = ms.Tensor(x), ms.Tensor(w)
    record(benchmark, layer, api="msconvt.ops.Conv2DTranspose", bias=False)
    y = benchmark(op, xt, wt, size)
    record_rate(benchmark, layer)
    check(y.asnumpy(), x, w, None, layer)
