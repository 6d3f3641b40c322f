"""Small helpers shared by the tests in tests/core (not a test module)."""
from __future__ import annotations

import numpy as np

DTYPES = [np.float16, np.float32, np.float64]
ACTIVATIONS = [None, "relu", "leaky_relu", "sigmoid", "tanh"]
LAYOUTS = ["NCHW", "NHWC"]


def make_inputs(rng, n=2, cin=2, h=4, w=5, cog=3, kh=3, kw=2, groups=1,
                dtype=np.float32, bias=True, layout="NCHW"):
    """Random x (in ``layout``), weight and bias; ``cin`` must be a multiple of ``groups``."""
    x = rng.standard_normal((n, cin, h, w)).astype(dtype)
    if layout == "NHWC":
        x = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
    weight = rng.standard_normal((cin, cog, kh, kw)).astype(dtype)
    b = rng.standard_normal(cog * groups).astype(dtype) if bias else None
    return x, weight, b


def bits(a):
    """The raw bytes of ``a`` as an integer array, for bit-identity checks (NaN-safe)."""
    a = np.ascontiguousarray(a)
    return a.view(np.dtype(f"u{a.dtype.itemsize}"))


def assert_bit_identical(a, b):
    assert a.shape == b.shape and a.dtype == b.dtype, (a.shape, a.dtype, b.shape, b.dtype)
    diff = bits(a) != bits(b)
    assert not diff.any(), f"{diff.sum()} of {diff.size} elements differ bitwise"
