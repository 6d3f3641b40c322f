"""Legacy Paddle's seeded random initialisation, bit for bit, vectorised.

Design: Paddle 1.8's CPU ``uniform_random``/``gaussian_random`` ops draw from a fresh
``std::minstd_rand`` seeded with the op's seed, through libstdc++'s distributions.  minstd is
a pure multiplicative generator, x_k = A**k * x_0 mod M (A = 48271, M = 2**31 - 1), so the
k-th draw does not depend on the draws before it: we compute A**k mod M for a block of k by
repeated doubling (products of two residues < 2**62 fit in uint64) and multiply each block
start by that table.  A 512x256x4x4 float64 weight (4 Mi draws) takes tens of milliseconds.

libstdc++ recipes reproduced (``bits/random.tcc``):

* ``generate_canonical<float, 24>``: one draw, ``float(x - 1) / float(2147483646)``;
  the divisor rounds to 2**31.  ``<double, 53>``: two draws,
  ``((x1 - 1) + (x2 - 1) * R) / (R * R)`` in double, R = 2147483646.  A result that rounds to
  1 becomes ``nextafter(1, 0)``.
* ``uniform_real_distribution<T>(a, b)``: ``u * (b - a) + a`` in T.
* ``normal_distribution<T>``: Marsaglia polar method on ``2u - 1`` pairs, accept
  ``0 < r2 <= 1``, ``m = sqrt(-2 log(r2) / r2)``; emits ``y*m`` then the saved ``x*m``,
  each as ``v * std + mean`` in T.  ``log`` of a float is glibc's correctly rounded
  ``logf``: computed in double and rounded once.
"""
from __future__ import annotations

import numpy as np

__all__ = ["Minstd", "uniform", "normal", "canonical"]

M = 2147483647          # 2**31 - 1
A = 48271               # minstd_rand multiplier (C++11)
_R = 2147483646         # engine range: max - min + 1
_BLOCK = 1 << 16


def _powers(base, n):
    """``[base**1, ..., base**n] mod M`` as uint64, by doubling the filled prefix."""
    p = np.empty(n, dtype=np.uint64)
    if n == 0:
        return p
    p[0] = base % M
    filled = 1
    while filled < n:
        take = min(filled, n - filled)
        # p[filled + j] = base**(filled + j + 1) = p[j] * p[filled - 1]
        np.multiply(p[:take], p[filled - 1], out=p[filled:filled + take])
        np.remainder(p[filled:filled + take], M, out=p[filled:filled + take])
        filled += take
    return p


_block_powers = None


def _table():
    global _block_powers
    if _block_powers is None:
        _block_powers = _powers(A, _BLOCK)
    return _block_powers


class Minstd:
    """``std::minstd_rand`` with a vectorised ``draws(n)``.

    Parameters
    ----------
    seed : int
        As ``engine.seed(seed)``: the seed is taken modulo M and 0 becomes 1.
    """

    def __init__(self, seed=1):
        x = int(seed) % M
        self.state = 1 if x == 0 else x

    def draws(self, n):
        """The next ``n`` outputs (uint64 array), advancing the engine."""
        n = int(n)
        if n <= 0:
            return np.empty(0, dtype=np.uint64)
        table = _table()
        block = min(n, _BLOCK)
        nblocks = -(-n // block)
        starts = np.empty(nblocks, dtype=np.uint64)
        starts[0] = self.state
        if nblocks > 1:
            step = int(table[block - 1])  # A**block
            starts[1:] = _powers(step, nblocks - 1) * np.uint64(self.state) % np.uint64(M)
        out = (starts[:, None] * table[None, :block]) % np.uint64(M)
        out = out.reshape(-1)[:n]
        self.state = int(out[-1])
        return out


def canonical(engine, n, dtype):
    """``n`` draws of ``generate_canonical<T>`` (T = float32 or float64)."""
    dtype = np.dtype(dtype)
    if dtype == np.float32:
        u = (engine.draws(n) - np.uint64(1)).astype(np.float32) / np.float32(_R)
        one = np.float32(1)
    else:
        d = engine.draws(2 * n).reshape(n, 2) - np.uint64(1)
        r = np.float64(_R)
        u = (d[:, 0].astype(np.float64) + d[:, 1].astype(np.float64) * r) / (r * r)
        one = np.float64(1)
    # libstdc++ (PR 63040): a value that rounds up to 1 is replaced by the float below 1.
    np.copyto(u, np.nextafter(one, 0), where=u >= one)
    return u


def uniform(seed, n, low, high, dtype):
    """``uniform_real_distribution<T>(low, high)`` with a fresh engine; low/high are float32."""
    dtype = np.dtype(dtype)
    lo = dtype.type(np.float32(low))
    hi = dtype.type(np.float32(high))
    u = canonical(Minstd(seed), n, dtype)
    return u * dtype.type(hi - lo) + lo


def _log(r2):
    if r2.dtype == np.float32:
        return np.log(r2.astype(np.float64)).astype(np.float32)
    return np.log(r2)


def normal(seed, n, mean, std, dtype):
    """``normal_distribution<T>(mean, std)`` with a fresh engine; mean/std are float32."""
    dtype = np.dtype(dtype)
    t = dtype.type
    mean = t(np.float32(mean))
    std = t(np.float32(std))
    engine = Minstd(seed)
    pairs_needed = -(-n // 2)
    got = []
    have = 0
    while have < pairs_needed:
        # pi/4 of the tries are accepted; ask for a little more than the expected need.
        tries = int((pairs_needed - have) * 1.3) + 16
        u = canonical(engine, 2 * tries, dtype).reshape(tries, 2)
        x = t(2) * u[:, 0] - t(1)
        y = t(2) * u[:, 1] - t(1)
        r2 = x * x + y * y
        ok = (r2 <= 1) & (r2 != 0)
        x, y, r2 = x[ok], y[ok], r2[ok]
        m = np.sqrt((t(-2) * _log(r2)) / r2)
        pair = np.empty((len(r2), 2), dtype=dtype)
        pair[:, 0] = y * m
        pair[:, 1] = x * m
        got.append(pair)
        have += len(r2)
        if have >= pairs_needed:
            # Tries after the last accepted pair we need were drawn only by us, not by the
            # op; nothing later reads the engine, so the surplus is simply dropped.
            break
    vals = np.concatenate(got).reshape(-1)[:n]
    return vals * std + mean
