"""Call overhead: a 1x1x4x4 input under a 3x3 kernel through the core and through the layer
objects of both shims, where the arithmetic is nothing and the time is all the call's.

Targets (issue 5): under 10 us through ``convt.conv_transpose2d``, under 30 us through the
msconvt and pdconvt layer objects.  ``python -m convt bench`` reports the core's figure
beside the peers' (PyTorch, Paddle, MindSpore); the shims' figures are timed here:
``pytest tests/benchmarks/test_bench_overhead.py --benchmark-enable --benchmark-only``.
"""
import numpy as np
import pytest

from reference import assert_close

OVERHEAD = pytest.mark.benchmark(group="overhead", warmup=True)


def _tiny():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 1, 4, 4)).astype(np.float32)
    w = rng.standard_normal((1, 1, 3, 3)).astype(np.float32)
    b = rng.standard_normal(1).astype(np.float32)
    return x, w, b


@OVERHEAD
def test_overhead_core(benchmark):
    convt = pytest.importorskip("convt")
    x, w, _ = _tiny()
    y = benchmark(convt.conv_transpose2d, x, w)
    assert_close(y, x, w, None)


@OVERHEAD
@pytest.mark.parametrize("api", ["mint.nn.ConvTranspose2d", "nn.Conv2dTranspose",
                                 "ops.Conv2DTranspose"])
def test_overhead_msconvt(benchmark, api):
    ms = pytest.importorskip("msconvt")
    x, w, b = _tiny()
    xt = ms.Tensor(x)
    if api == "ops.Conv2DTranspose":
        op = ms.ops.Conv2DTranspose(out_channel=1, kernel_size=3)
        y = benchmark(op, xt, ms.Tensor(w), (1, 1, 6, 6))
        b = None
    elif api == "nn.Conv2dTranspose":
        net = ms.nn.Conv2dTranspose(1, 1, 3, pad_mode="valid", has_bias=True,
                                    weight_init=ms.Tensor(w), bias_init=ms.Tensor(b))
        y = benchmark(net, xt)
    else:
        net = ms.mint.nn.ConvTranspose2d(1, 1, 3)
        net.weight.set_data(ms.Tensor(w))
        net.bias.set_data(ms.Tensor(b))
        y = benchmark(net, xt)
    assert_close(y.asnumpy(), x, w, b)


@OVERHEAD
def test_overhead_pdconvt(benchmark):
    pytest.importorskip("pdconvt")
    from pdconvt import fluid

    x, w, b = _tiny()
    init = fluid.initializer.NumpyArrayInitializer
    with fluid.dygraph.guard():
        net = fluid.dygraph.Conv2DTranspose(
            1, 1, 3, param_attr=fluid.ParamAttr(initializer=init(w)),
            bias_attr=fluid.ParamAttr(initializer=init(b)))
        xv = fluid.dygraph.to_variable(x)
        y = benchmark(net, xv)
        assert_close(y.numpy(), x, w, b)
