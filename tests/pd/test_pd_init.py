"""Seeded initialisation: the libstdc++ minstd recipe (spec section 4), written here again
as a plain scalar loop, independent of pdconvt's vectorised generator."""
import math

import numpy as np
import pytest

from pdconvt import fluid

f32 = np.float32


class ScalarMinstd:
    def __init__(self, seed):
        self.x = seed % 2147483647 or 1

    def __call__(self):
        self.x = self.x * 48271 % 2147483647
        return self.x


def canon32(e):
    u = f32(e() - 1) / f32(2147483646.0)
    return u if u < 1 else np.nextafter(f32(1), f32(0))


def canon64(e):
    r = 2147483646.0
    s = float(e() - 1)
    s = s + float(e() - 1) * r
    u = s / (r * r)
    return u if u < 1 else np.nextafter(1.0, 0.0)


def uniform_ref(seed, n, lo, hi, dtype):
    e = ScalarMinstd(seed)
    if dtype == "float32":
        lo, hi = f32(lo), f32(hi)
        return np.array([canon32(e) * (hi - lo) + lo for _ in range(n)], np.float32)
    lo, hi = float(f32(lo)), float(f32(hi))
    return np.array([canon64(e) * (hi - lo) + lo for _ in range(n)], np.float64)


def normal_ref32(seed, n, mean, std):
    e = ScalarMinstd(seed)
    mean, std = f32(mean), f32(std)
    out, saved = [], None
    while len(out) < n:
        if saved is not None:
            out.append(saved * std + mean)
            saved = None
            continue
        while True:
            x = f32(2) * canon32(e) - f32(1)
            y = f32(2) * canon32(e) - f32(1)
            r2 = x * x + y * y
            if not (r2 > 1 or r2 == 0):
                break
        m = np.sqrt(f32(-2) * f32(math.log(float(r2))) / r2)
        saved = x * m
        out.append(y * m * std + mean)
    return np.array(out, np.float32)


def test_minstd_is_the_standard_engine():
    # [rand.predef]: the 10000th output of a default-constructed minstd_rand is 399268537.
    from pdconvt._minstd import Minstd

    e = Minstd(1)
    assert int(e.draws(10000)[-1]) == 399268537
    e2 = Minstd(1)
    e2.draws(123)
    assert int(e2.draws(9877)[-1]) == 399268537
    assert Minstd(0).state == 1 and Minstd(2147483647).state == 1


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("seed", [1, 90, 2 ** 31 + 5])
def test_default_xavier_weight_bit_exact(dtype, seed):
    c, f, g, kh, kw = 4, 6, 2, 3, 2
    with fluid.dygraph.guard():
        fluid.default_main_program().random_seed = seed
        layer = fluid.dygraph.Conv2DTranspose(c, f, [kh, kw], groups=g, dtype=dtype)
    limit = math.sqrt(6.0 / ((f // g) * kh * kw + c * kh * kw))
    assert limit == pytest.approx(math.sqrt(6 / 42))
    exp = uniform_ref(seed, c * (f // g) * kh * kw, -limit, limit, dtype)
    np.testing.assert_array_equal(layer.weight.numpy().ravel(), exp)
    np.testing.assert_array_equal(layer.bias.numpy(), np.zeros(f, dtype))


def test_every_parameter_reseeds_from_the_same_seed():
    with fluid.dygraph.guard():
        fluid.default_main_program().random_seed = 7
        a = fluid.dygraph.Conv2DTranspose(3, 4, 3)
        b = fluid.dygraph.Conv2DTranspose(3, 4, 3)
        c = fluid.dygraph.Conv2DTranspose(3, 4, 3, param_attr=fluid.initializer.Normal())
        d = fluid.dygraph.Conv2DTranspose(3, 4, 3, param_attr=fluid.initializer.Normal())
    np.testing.assert_array_equal(a.weight.numpy(), b.weight.numpy())
    np.testing.assert_array_equal(c.weight.numpy(), d.weight.numpy())


def test_each_guard_starts_with_seed_zero_and_unreproducible_draws():
    with fluid.dygraph.guard():
        assert fluid.default_main_program().random_seed == 0
        a = fluid.dygraph.Conv2DTranspose(8, 8, 3).weight.numpy()
        b = fluid.dygraph.Conv2DTranspose(8, 8, 3).weight.numpy()
    assert not np.array_equal(a, b)


def test_normal_with_its_own_seed_bit_exact():
    with fluid.dygraph.guard():
        fluid.default_main_program().random_seed = 3   # ignored: the initializer has a seed
        layer = fluid.dygraph.Conv2DTranspose(
            3, 5, 3, param_attr=fluid.initializer.Normal(loc=0.5, scale=2.0, seed=11))
    np.testing.assert_array_equal(layer.weight.numpy().ravel(),
                                  normal_ref32(11, 3 * 5 * 9, 0.5, 2.0))


def test_uniform_msra_xavier_normal_bit_exact():
    with fluid.dygraph.guard():
        fluid.default_main_program().random_seed = 5
        uni = fluid.dygraph.Conv2DTranspose(
            2, 3, 3, param_attr=fluid.initializer.Uniform(-0.3, 0.7))
        msra = fluid.dygraph.Conv2DTranspose(2, 3, 3, param_attr=fluid.initializer.MSRA())
        xn = fluid.dygraph.Conv2DTranspose(
            2, 3, 3, param_attr=fluid.initializer.Xavier(uniform=False))
        msra_n = fluid.dygraph.Conv2DTranspose(
            2, 3, 3, param_attr=fluid.initializer.MSRAInitializer(uniform=False))
    n = 2 * 3 * 9
    np.testing.assert_array_equal(uni.weight.numpy().ravel(),
                                  uniform_ref(5, n, -0.3, 0.7, "float32"))
    lim = math.sqrt(6.0 / (3 * 9))
    np.testing.assert_array_equal(msra.weight.numpy().ravel(),
                                  uniform_ref(5, n, -lim, lim, "float32"))
    np.testing.assert_array_equal(xn.weight.numpy().ravel(),
                                  normal_ref32(5, n, 0.0, math.sqrt(2.0 / (3 * 9 + 2 * 9))))
    np.testing.assert_array_equal(msra_n.weight.numpy().ravel(),
                                  normal_ref32(5, n, 0.0, math.sqrt(2.0 / (3 * 9))))


def test_uniform_diag():
    with fluid.dygraph.guard():
        layer = fluid.dygraph.Conv2DTranspose(
            1, 1, 4, param_attr=fluid.initializer.Uniform(-0.1, 0.1, seed=2, diag_num=3,
                                                          diag_step=4, diag_val=9.0))
    w = layer.weight.numpy().ravel()
    exp = uniform_ref(2, 16, -0.1, 0.1, "float32")
    exp[[0, 5, 10]] = 9.0
    np.testing.assert_array_equal(w, exp)


def test_constant_bilinear_numpy_and_long_names():
    init = fluid.initializer
    assert init.Constant is init.ConstantInitializer
    assert init.Xavier is init.XavierInitializer and init.MSRA is init.MSRAInitializer
    with fluid.dygraph.guard():
        const = fluid.dygraph.Conv2DTranspose(1, 2, 2, param_attr=init.Constant(0.1),
                                              dtype="float64")
        arr = np.arange(8, dtype=np.float32).reshape(1, 2, 2, 2)
        npy = fluid.dygraph.Conv2DTranspose(1, 2, 2, param_attr=init.NumpyArrayInitializer(arr))
        bil = fluid.dygraph.Conv2DTranspose(2, 2, 4, groups=2, param_attr=init.Bilinear(),
                                            bias_attr=False)
    # Constant goes through a C float attribute: float32-rounded even for float64.
    assert const.weight.numpy()[0, 0, 0, 0] == float(np.float32(0.1))
    np.testing.assert_array_equal(npy.weight.numpy(), arr)
    arr[...] = -1          # the parameter holds a copy
    assert npy.weight.numpy()[0, 0, 0, 1] == 1
    # Legacy's formula, with its Python-3 true division in the row coordinate.
    size, f = 4, 2.0
    c = (2 * f - 1 - f % 2) / (2 * f)
    i = np.arange(16.0)
    exp = (1 - np.abs(i % size / f - c)) * (1 - np.abs((i / size) % size / f - c))
    np.testing.assert_allclose(bil.weight.numpy()[1, 0].ravel(), exp.astype(np.float32))


def test_truncated_normal_within_two_std():
    with fluid.dygraph.guard():
        layer = fluid.dygraph.Conv2DTranspose(
            8, 8, 3, param_attr=fluid.initializer.TruncatedNormal(1.0, 0.5, seed=4))
    w = layer.weight.numpy()
    assert np.all(np.abs(w - 1.0) <= 1.0 + 1e-6)
    assert abs(w.mean() - 1.0) < 0.1


def test_large_weight_is_exact_at_the_end():
    # The vectorised generator over a 512x256x4x4 weight: the last values match the scalar
    # loop started from the state after all earlier draws.
    from pdconvt._minstd import M

    n = 512 * 256 * 16
    with fluid.dygraph.guard():
        fluid.default_main_program().random_seed = 12345
        layer = fluid.dygraph.Conv2DTranspose(512, 256, 4, bias_attr=False)
    w = layer.weight.numpy().ravel()
    lim = math.sqrt(6.0 / ((256 + 512) * 16))
    state = 12345 * pow(48271, n - 3, M) % M
    e = ScalarMinstd(1)
    e.x = state
    lo, hi = f32(-lim), f32(lim)
    tail = [canon32(e) * (hi - lo) + lo for _ in range(3)]
    np.testing.assert_array_equal(w[-3:], np.array(tail, np.float32))
    np.testing.assert_array_equal(w[:50], uniform_ref(12345, 50, -lim, lim, "float32"))
