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

from golden_cases import NN_CASES, OPS_CASES, SEEDS  # noqa: E402  (shared with the recorder)


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
