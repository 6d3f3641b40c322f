"""msconvt against values recorded from the real MindSpore 2.10.0 (data/make_golden.py)."""
from __future__ import annotations

import os

import numpy as np
import pytest

import msconvt as ms
from msconvt import Tensor, mint, nn, ops
from msconvt.common.initializer import (HeNormal, HeUniform, Normal, Uniform, XavierNormal,
                                        XavierUniform, initializer)

GOLDEN = np.load(os.path.join(os.path.dirname(__file__), "data", "golden.npz"))

OPS_CASES = [
    ("valid_k3s2", dict(out_channel=1, kernel_size=3, stride=2), (2, 4, 5, 4), (4, 3, 3, 3), (2, 3, 12, 10)),
    ("valid_k2s3", dict(out_channel=1, kernel_size=2, pad_mode="valid", stride=3), (1, 2, 3, 3), (2, 2, 2, 2), (1, 2, 9, 8)),
    ("same_k3s2", dict(out_channel=1, kernel_size=3, pad_mode="same", stride=2), (1, 4, 5, 5), (4, 2, 3, 3), (1, 2, 10, 9)),
    ("same_k2x4", dict(out_channel=1, kernel_size=(2, 4), pad_mode="same"), (1, 2, 5, 6), (2, 3, 2, 4), (1, 3, 5, 6)),
    ("pad_asym", dict(out_channel=1, kernel_size=3, pad_mode="pad", pad=(1, 0, 2, 1), stride=2), (1, 2, 4, 4), (2, 3, 3, 3), (1, 3, 8, 6)),
    ("pad_dil", dict(out_channel=1, kernel_size=3, pad_mode="pad", pad=(2, 1, 0, 3), stride=(2, 3), dilation=(2, 1)), (2, 2, 3, 4), (2, 2, 3, 3), (2, 2, 7, 9)),
    ("pad_list", dict(out_channel=1, kernel_size=3, pad_mode="pad", pad=1, pad_list=(1, 0, 2, 1)), (1, 2, 4, 4), (2, 3, 3, 3), (1, 3, 5, 3)),
    ("group4", dict(out_channel=1, kernel_size=3, group=4), (1, 4, 3, 3), (4, 2, 3, 3), (1, 8, 5, 5)),
]
NN_CASES = [
    ("same_s2_bias", dict(in_channels=4, out_channels=6, kernel_size=3, stride=2, has_bias=True), (2, 4, 5, 5)),
    ("valid_s3_k2", dict(in_channels=2, out_channels=3, kernel_size=2, stride=3, pad_mode="valid", has_bias=True), (1, 2, 4, 5)),
    ("valid_d2", dict(in_channels=2, out_channels=3, kernel_size=3, stride=2, dilation=2, pad_mode="valid"), (1, 2, 4, 5)),
    ("pad_op", dict(in_channels=2, out_channels=4, kernel_size=3, stride=2, pad_mode="pad", padding=(1, 0, 2, 1), output_padding=(1, 1), has_bias=True), (1, 2, 4, 5)),
    ("group2", dict(in_channels=4, out_channels=6, kernel_size=3, group=2, has_bias=True), (1, 4, 4, 4)),
]
SEEDS = (0, 1, 42, 2024)


def _match(got, want):
    assert got.shape == want.shape and got.dtype == want.dtype
    if want.dtype == np.float16:
        # computed in float32, rounded once: bit-exact, or 1 ulp where the float32 sums differ
        ulp = np.abs(got.astype(np.float32) - want.astype(np.float32)) / np.spacing(
            np.abs(want).astype(np.float16)).astype(np.float32)
        assert np.all(ulp <= 1), ulp.max()
    else:
        np.testing.assert_allclose(got, want, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("dt", [np.float32, np.float16])
@pytest.mark.parametrize("i", range(len(OPS_CASES)), ids=[c[0] for c in OPS_CASES])
def test_ops_matches_mindspore(i, dt):
    name, kw, ds, ws, isz = OPS_CASES[i]
    rng = np.random.RandomState(i)
    d = rng.standard_normal(ds).astype(dt)
    w = rng.standard_normal(ws).astype(dt)
    y = ops.Conv2DTranspose(**kw)(Tensor(d), Tensor(w), isz)
    _match(y.asnumpy(), GOLDEN[f"ops/{name}/{np.dtype(dt).name}"])


@pytest.mark.parametrize("dt,msdt", [(np.float32, ms.float32), (np.float16, ms.float16)])
@pytest.mark.parametrize("i", range(len(NN_CASES)), ids=[c[0] for c in NN_CASES])
def test_nn_matches_mindspore(i, dt, msdt):
    name, kw, xs = NN_CASES[i]
    ms.set_seed(100 + i)
    net = nn.Conv2dTranspose(**kw, dtype=msdt)
    np.testing.assert_array_equal(net.weight.asnumpy(),
                                  GOLDEN[f"nn/{name}/{np.dtype(dt).name}/weight"])
    x = np.random.RandomState(50 + i).standard_normal(xs).astype(dt)
    _match(net(Tensor(x)).asnumpy(), GOLDEN[f"nn/{name}/{np.dtype(dt).name}"])


@pytest.mark.parametrize("seed", SEEDS)
def test_layer_init_bit_exact(seed):
    ms.set_seed(seed)
    m = mint.nn.ConvTranspose2d(4, 6, (3, 2), groups=2)
    np.testing.assert_array_equal(m.weight.asnumpy(), GOLDEN[f"init/{seed}/mint_w"])
    np.testing.assert_array_equal(m.bias.asnumpy(), GOLDEN[f"init/{seed}/mint_b"])
    big = mint.nn.ConvTranspose2d(64, 32, 3, bias=False)
    if seed == 42:
        np.testing.assert_array_equal(big.weight.asnumpy(), GOLDEN["init/42/mint_big_w"])
    h = mint.nn.ConvTranspose2d(3, 4, 2, dtype=ms.float16)
    np.testing.assert_array_equal(h.weight.asnumpy(), GOLDEN[f"init/{seed}/mint_f16_w"])
    np.testing.assert_array_equal(h.bias.asnumpy(), GOLDEN[f"init/{seed}/mint_f16_b"])
    n = nn.Conv2dTranspose(3, 5, 3, has_bias=True)
    np.testing.assert_array_equal(n.weight.asnumpy(), GOLDEN[f"init/{seed}/nn_w"])
    np.testing.assert_array_equal(n.bias.asnumpy(), GOLDEN[f"init/{seed}/nn_b"])


@pytest.mark.parametrize("seed", SEEDS)
def test_initializers_bit_exact(seed):
    ms.set_seed(seed)
    # same order as the recording: the layers above first
    mint.nn.ConvTranspose2d(4, 6, (3, 2), groups=2)
    mint.nn.ConvTranspose2d(64, 32, 3, bias=False)
    mint.nn.ConvTranspose2d(3, 4, 2, dtype=ms.float16)
    nn.Conv2dTranspose(3, 5, 3, has_bias=True)
    for label, init in (("normal", Normal(0.2, 1.0)), ("uniform", Uniform(0.3)),
                        ("he_uniform", HeUniform()), ("he_normal", HeNormal(mode="fan_out")),
                        ("xavier_uniform", XavierUniform(2.0)), ("xavier_normal", XavierNormal()),
                        ("normal_big", Normal())):
        shape = [40, 31] if label == "normal_big" else [5, 4, 3]
        got = initializer(init, shape, ms.float32).asnumpy()
        np.testing.assert_array_equal(got, GOLDEN[f"init/{seed}/{label}"], err_msg=label)
