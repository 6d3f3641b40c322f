"""MindSpore's initialiser random streams, vectorised with NumPy.

MindSpore fills a Parameter from ``GenerateRandomsParallel<float, Philox, Dist>``
(``include/common/random.h``): one Philox4x32-10 stream per Parameter, keyed by a seed that
the Python side draws from NumPy's legacy global RNG.  The threaded split uses skip-ahead,
so the stream is the same for every thread count and can be computed in one vectorised pass:

    block i (i = 0, 1, ...)      counter = (i_lo, i_hi, seed_lo, seed_hi)   key = (seed_lo, seed_hi)
    10 rounds of                  (c0, c1, c2, c3) <- (hi(M1*c2) ^ c1 ^ k0, lo(M1*c2),
                                                       hi(M0*c0) ^ c3 ^ k1, lo(M0*c0))
                                  key += (0x9E3779B9, 0xBB67AE85) between rounds
    output                        c0, c1, c2, c3 of block 0, then of block 1, ...

(The initial counter's low 64 bits are zero, so adding the block index never carries into
the seed words for any array that fits in memory.)
"""
from __future__ import annotations

import numpy as np

__all__ = ["philox_uint32", "uniform_float32", "normal_float32", "draw_seed"]

_M0 = np.uint64(0xD2511F53)
_M1 = np.uint64(0xCD9E8D57)
_K0_STEP = 0x9E3779B9
_K1_STEP = 0xBB67AE85
_MASK32 = np.uint64(0xFFFFFFFF)
_SHIFT = np.uint64(32)


def draw_seed() -> int:
    """The per-Parameter seed, drawn as MindSpore's ``_numpy_seed`` draws it."""
    return int(np.random.randint(low=1, high=(1 << 63), dtype=np.int64))


def philox_uint32(seed: int, count: int) -> np.ndarray:
    """The first ``count`` uint32 outputs of MindSpore's ``Philox(seed)``."""
    seed = int(seed) & 0xFFFFFFFFFFFFFFFF
    blocks = (int(count) + 3) // 4
    idx = np.arange(blocks, dtype=np.uint64)
    c0 = idx & _MASK32
    c1 = idx >> _SHIFT
    c2 = np.full(blocks, seed & 0xFFFFFFFF, dtype=np.uint64)
    c3 = np.full(blocks, seed >> 32, dtype=np.uint64)
    k0, k1 = seed & 0xFFFFFFFF, seed >> 32
    for r in range(10):
        p0 = _M0 * c0          # < 2**64: a 32x32-bit product
        p1 = _M1 * c2
        key0, key1 = np.uint64(k0), np.uint64(k1)
        c0, c1, c2, c3 = ((p1 >> _SHIFT) ^ c1 ^ key0, p1 & _MASK32,
                          (p0 >> _SHIFT) ^ c3 ^ key1, p0 & _MASK32)
        if r < 9:
            k0 = (k0 + _K0_STEP) & 0xFFFFFFFF
            k1 = (k1 + _K1_STEP) & 0xFFFFFFFF
    out = np.empty((blocks, 4), dtype=np.uint32)
    out[:, 0], out[:, 1], out[:, 2], out[:, 3] = c0, c1, c2, c3
    return out.reshape(-1)[:count]


def uniform_float32(seed: int, shape, a: float, b: float) -> np.ndarray:
    """``_random_uniform(seed, data, a, b)``: ``UniformDistribution<double>`` cast to float32.

    The bounds arrive in C++ as ``float``; the sample is ``(b - a) * u + a`` in double with
    ``u = uint32 / 2**32``, then rounded to float32.
    """
    shape = tuple(int(s) for s in shape)
    n = int(np.prod(shape, dtype=np.int64))
    lo = float(np.float32(a))
    hi = float(np.float32(b))
    u = philox_uint32(seed, n).astype(np.float64) * (1.0 / 4294967296.0)
    return ((hi - lo) * u + lo).astype(np.float32).reshape(shape)


def normal_float32(seed: int, shape, mean: float, sigma: float) -> np.ndarray:
    """``_random_normal(seed, data, mean, sigma)``: MindSpore's Box-Muller, cast to float32.

    Each pair of outputs uses two draws turned into floats in [0, 1) from their 23 low bits
    (``(r & 0x7fffff | 0x3f800000) as float - 1``) and floored at ``1e-7f``; in double,
    ``x = sqrt(-2 ln u1) * sigma`` and ``y = 2 * 3.1415926f * u2``, and the pair is
    ``(mean + x cos y, mean + x sin y)``.  ``mean`` and ``sigma`` arrive as C++ floats.
    """
    shape = tuple(int(s) for s in shape)
    n = int(np.prod(shape, dtype=np.int64))
    pairs = (n + 1) // 2
    r = philox_uint32(seed, 2 * pairs).reshape(pairs, 2)
    mant = (r & np.uint32(0x7FFFFF)) | np.uint32(127 << 23)
    f = (mant.view(np.float32) - np.float32(1.0)).astype(np.float64)
    np.maximum(f, float(np.float32(1.0e-7)), out=f)
    x = np.sqrt(-2.0 * np.log(f[:, 0])) * float(np.float32(sigma))
    y = (2.0 * float(np.float32(3.1415926))) * f[:, 1]
    m = float(np.float32(mean))
    out = np.empty((pairs, 2), dtype=np.float64)
    out[:, 0] = m + x * np.cos(y)
    out[:, 1] = m + x * np.sin(y)
    return out.reshape(-1)[:n].astype(np.float32).reshape(shape)
