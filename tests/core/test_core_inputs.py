"""Callers' arrays are never modified, whatever their memory layout (after bottleneck's
input_modification_test), and every layout gives the reference's values."""
from __future__ import annotations

import numpy as np
import pytest

import convt
from core_support import DTYPES, LAYOUTS, bits, make_inputs
from reference import assert_close


def _c_order(a):
    return np.ascontiguousarray(a)


def _f_order(a):
    return np.asfortranarray(a)


def _strided(a):
    # every other element along each axis of a twice-as-large buffer: not contiguous at all
    big = np.zeros(tuple(2 * s for s in a.shape), dtype=a.dtype)
    view = big[tuple(slice(None, None, 2) for _ in a.shape)]
    view[...] = a
    return view


def _negative_strides(a):
    flipped = np.ascontiguousarray(a[tuple(slice(None, None, -1) for _ in a.shape)])
    return flipped[tuple(slice(None, None, -1) for _ in a.shape)]


def _read_only(a):
    a = np.array(a)
    a.setflags(write=False)
    return a


def _transposed_view(a):
    # same values, built as the transpose of a contiguous array of the reversed shape
    return np.ascontiguousarray(a.T).T


MAKERS = {"C": _c_order, "F": _f_order, "strided": _strided, "negative": _negative_strides,
          "readonly": _read_only, "transposed": _transposed_view}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("kind", list(MAKERS))
@pytest.mark.parametrize("num_threads", [None, 1, 2])
def test_inputs_not_modified(kind, layout, dtype, num_threads):
    rng = np.random.default_rng(11)
    x0, w0, b0 = make_inputs(rng, n=2, cin=4, h=3, w=4, cog=2, kh=3, kw=2, groups=2,
                             dtype=dtype, layout=layout)
    make = MAKERS[kind]
    x, w, b = make(x0), make(w0), make(b0)
    np.testing.assert_array_equal(x, x0)
    saved = [(a, bits(a).copy(), a.strides, a.flags.writeable) for a in (x, w, b)]
    kw = dict(stride=2, padding=(1, 0, 0, 1), output_padding=1, groups=2, layout=layout,
              activation="relu")
    y = convt.conv_transpose2d(x, w, b, num_threads=num_threads, **kw)
    for a, before, strides, writeable in saved:
        assert (bits(a) == before).all(), "an input was modified"
        assert a.strides == strides and a.flags.writeable == writeable
    assert_close(y, x0, w0, b0, **kw)
    for a in (x, w, b):
        assert not np.shares_memory(y, a)


@pytest.mark.parametrize("dtype", DTYPES)
def test_inputs_not_modified_with_out(dtype):
    rng = np.random.default_rng(12)
    x, w, b = make_inputs(rng, n=2, cin=2, h=3, w=3, cog=2, kh=2, kw=2, dtype=dtype)
    copies = [a.copy() for a in (x, w, b)]
    out = np.empty(convt.conv_transpose2d(x, w, b, stride=3).shape, dtype=dtype)
    convt.conv_transpose2d(x, w, b, stride=3, out=out)
    for a, c in zip((x, w, b), copies):
        np.testing.assert_array_equal(a, c)
    assert_close(out, x, w, b, stride=3)


def test_inputs_not_modified_with_nan_and_inf():
    rng = np.random.default_rng(13)
    x, w, b = make_inputs(rng, dtype=np.float32)
    x[0, 0, 0, 0] = np.nan
    x[0, 1, 1, 1] = np.inf
    w[0, 0, 0, 0] = -np.inf
    copies = [bits(a).copy() for a in (x, w, b)]
    convt.conv_transpose2d(x, w, b, activation="sigmoid")
    for a, c in zip((x, w, b), copies):
        assert (bits(a) == c).all()


def test_same_array_as_x_and_weight():
    # Aliased inputs are legal (they are only read).
    rng = np.random.default_rng(14)
    a = rng.standard_normal((2, 2, 2, 2))
    before = a.copy()
    y = convt.conv_transpose2d(a, a, a[0, 0, 0])
    np.testing.assert_array_equal(a, before)
    assert_close(y, before, before, before[0, 0, 0])


@pytest.mark.parametrize("dtype", DTYPES)
def test_zero_strides_broadcast_input(dtype):
    # np.broadcast_to gives read-only arrays with zero strides
    x = np.broadcast_to(np.asarray(0.5, dtype=dtype), (2, 3, 4, 4))
    w = np.broadcast_to(np.arange(3, dtype=dtype)[:, None, None, None], (3, 2, 2, 3))
    y = convt.conv_transpose2d(x, w)
    assert_close(y, np.array(x), np.array(w))


def test_unaligned_inputs():
    # float64 data starting one byte into a buffer: C-contiguous but not aligned
    rng = np.random.default_rng(15)
    x0, w0, b0 = make_inputs(rng, n=1, cin=2, h=4, w=4, cog=2, kh=3, kw=3, dtype=np.float64)

    def unaligned(a):
        buf = np.zeros(a.nbytes + 1, np.uint8)
        u = buf[1:].view(a.dtype).reshape(a.shape)
        u[...] = a
        assert not u.flags.aligned
        return u

    x, w, b = unaligned(x0), unaligned(w0), unaligned(b0)
    y = convt.conv_transpose2d(x, w, b, stride=2)
    assert_close(y, x0, w0, b0, stride=2)


@pytest.mark.parametrize("kind", ["subclass", "masked", "list"])
def test_array_likes(kind):
    rng = np.random.default_rng(16)
    x0, w0, b0 = make_inputs(rng, n=1, cin=2, h=3, w=3, cog=2, kh=2, kw=2, dtype=np.float64)

    class Tagged(np.ndarray):
        pass

    if kind == "subclass":
        x, w, b = x0.view(Tagged), w0.view(Tagged), b0.view(Tagged)
    elif kind == "masked":
        x = np.ma.masked_array(x0, mask=x0 > 1)   # the mask is not part of the contract
        w, b = w0, b0
    else:
        x, w, b = x0.tolist(), w0.tolist(), b0.tolist()  # lists of Python floats: float64
    y = convt.conv_transpose2d(x, w, b)
    assert_close(np.asarray(y), x0, w0, b0)
