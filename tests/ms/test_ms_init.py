"""The seeded-initialisation recipe (spec §5): Philox4x32-10 keyed by NumPy's global RNG."""
from __future__ import annotations

import math

import numpy as np
import pytest

import msconvt as ms
from msconvt import Parameter, mint, nn
from msconvt._philox import normal_float32, philox_uint32, uniform_float32
from msconvt.common.initializer import HeUniform, Normal, Uniform, initializer


def _philox_scalar(seed, count):
    """A plain-Python Philox4x32-10, straight from the spec's description (the oracle)."""
    m0, m1 = 0xD2511F53, 0xCD9E8D57
    key0, key1 = seed & 0xFFFFFFFF, seed >> 32
    ctr = [0, 0, seed & 0xFFFFFFFF, seed >> 32]
    out = []
    while len(out) < count:
        c, k0, k1 = list(ctr), key0, key1
        for r in range(10):
            p0, p1 = m0 * c[0], m1 * c[2]
            c = [(p1 >> 32) ^ c[1] ^ k0, p1 & 0xFFFFFFFF, (p0 >> 32) ^ c[3] ^ k1, p0 & 0xFFFFFFFF]
            if r < 9:
                k0, k1 = (k0 + 0x9E3779B9) & 0xFFFFFFFF, (k1 + 0xBB67AE85) & 0xFFFFFFFF
        out.extend(c)
        for i in range(4):  # 128-bit increment from word 0 up
            ctr[i] = (ctr[i] + 1) & 0xFFFFFFFF
            if ctr[i]:
                break
    return np.array(out[:count], dtype=np.uint32)


@pytest.mark.parametrize("seed", [1, 12345, 2**63 - 1, 0xDEADBEEFCAFEF00D & (2**63 - 1)])
def test_vectorised_philox_matches_scalar_definition(seed):
    np.testing.assert_array_equal(philox_uint32(seed, 37), _philox_scalar(seed, 37))


def test_uniform_recipe():
    seed = 987654321
    r = _philox_scalar(seed, 10).astype(np.float64) / 2**32
    a, b = float(np.float32(-0.3)), float(np.float32(0.3))
    want = ((b - a) * r + a).astype(np.float32)
    np.testing.assert_array_equal(uniform_float32(seed, (2, 5), -0.3, 0.3).ravel(), want)


def test_set_seed_draws_per_parameter_seed_from_numpy():
    ms.set_seed(7)
    m = mint.nn.ConvTranspose2d(4, 6, 3)
    np.random.seed(7)
    s_w = np.random.randint(low=1, high=2**63, dtype=np.int64)
    s_b = np.random.randint(low=1, high=2**63, dtype=np.int64)
    fan_in = 6 * 9
    bound_w = math.sqrt(3.0) * (math.sqrt(2.0 / (1 + 5)) / math.sqrt(fan_in))
    np.testing.assert_array_equal(m.weight.asnumpy(),
                                  uniform_float32(int(s_w), (4, 6, 3, 3), -bound_w, bound_w))
    b = 1 / math.sqrt(fan_in)
    np.testing.assert_array_equal(m.bias.asnumpy(), uniform_float32(int(s_b), (6,), -b, b))


def test_same_seed_same_values_and_float16_is_cast_of_float32():
    ms.set_seed(3)
    a = nn.Conv2dTranspose(4, 8, 3, has_bias=True)
    ms.set_seed(3)
    b = nn.Conv2dTranspose(4, 8, 3, has_bias=True, dtype=ms.float16)
    np.testing.assert_array_equal(a.weight.asnumpy().astype(np.float16), b.weight.asnumpy())
    np.testing.assert_array_equal(a.bias.asnumpy().astype(np.float16), b.bias.asnumpy())


def test_initializer_is_lazy_like_mindspore():
    """The seed is drawn when the values are first used (MindSpore's lazy init_data)."""
    ms.set_seed(1)
    a = initializer("uniform", [3])
    b = initializer("uniform", [3])
    bb, aa = b.asnumpy(), a.asnumpy()
    ms.set_seed(1)
    first = initializer("uniform", [3]).asnumpy()
    second = initializer("uniform", [3]).asnumpy()
    np.testing.assert_array_equal(bb, first)
    np.testing.assert_array_equal(aa, second)
    # a Parameter materialises at once
    ms.set_seed(1)
    p = Parameter(initializer("uniform", [3]), name="p")
    np.testing.assert_array_equal(p.asnumpy(), first)


def test_weight_init_forms():
    ms.set_seed(0)
    assert (nn.Conv2dTranspose(2, 3, 3, weight_init="ones").weight.asnumpy() == 1).all()
    assert (nn.Conv2dTranspose(2, 3, 3, weight_init="Zero").weight.asnumpy() == 0).all()
    assert (nn.Conv2dTranspose(2, 3, 3, weight_init=0.5).weight.asnumpy() == 0.5).all()
    net = nn.Conv2dTranspose(2, 3, 3, weight_init=HeUniform(), has_bias=True, bias_init=Uniform(0.1))
    assert np.abs(net.bias.asnumpy()).max() <= 0.1
    w = nn.Conv2dTranspose(2, 3, 3, weight_init=Normal(0.5, 3.0)).weight.asnumpy()
    assert abs(w.mean() - 3.0) < 0.5
    t = ms.Tensor(np.arange(54, dtype=np.float32).reshape(2, 3, 3, 3))
    np.testing.assert_array_equal(nn.Conv2dTranspose(2, 3, 3, weight_init=t).weight.asnumpy(),
                                  t.asnumpy())
    with pytest.raises(NotImplementedError, match="Orthogonal"):
        nn.Conv2dTranspose(2, 3, 3, weight_init="Orthogonal")


def test_normal_recipe_shape_and_moments():
    x = normal_float32(5, (100000,), 1.0, 2.0)
    assert x.dtype == np.float32 and abs(x.mean() - 1.0) < 0.05 and abs(x.std() - 2.0) < 0.05
