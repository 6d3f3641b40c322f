"""Issue 6 for the shim: threads, leaks, and callers' arrays never modified."""
from __future__ import annotations

import hashlib
import sys
import threading

import numpy as np

from _msconvt_testutil import close, ops_expected, run_python
from reference import assert_close

import msconvt as ms
from msconvt import Parameter, Tensor, mint, nn, ops
from msconvt.common.initializer import initializer


def _work(tid, errors, names):
    try:
        rng = np.random.RandomState(tid)
        for it in range(6):
            h = 3 + (tid + it) % 5
            c = 1 + tid % 3
            # ops, pad mode
            d = rng.standard_normal((2, c, h, h + 1)).astype(np.float32)
            w = rng.standard_normal((c, 2, 3, 2)).astype(np.float32)
            isz = (2, 2, 2 * h, 2 * h + 1)
            y = ops.Conv2DTranspose(2, (3, 2), pad_mode="pad", pad=(1, 0, 0, 1), stride=2)(
                Tensor(d), Tensor(w), isz).asnumpy()
            want, mag = ops_expected(d, w, (2, 2), (1, 1), 1, 1, 0, isz[2], isz[3])
            close(y, want, mag)
            # nn, float16 with bias
            net = nn.Conv2dTranspose(c, 3, 3, stride=2, has_bias=True, dtype=ms.float16)
            x16 = rng.standard_normal((1, c, h, h)).astype(np.float16)
            y16 = net(Tensor(x16)).asnumpy()
            conv = ops.Conv2DTranspose(c, 3, pad_mode="same", stride=2)(
                Tensor(x16), net.weight, (1, 3, 2 * h, 2 * h)).asnumpy()
            np.testing.assert_array_equal(y16, conv + net.bias.asnumpy()[None, :, None, None])
            # mint, with the alias used at the same time
            with ms.alias():
                import mindspore
                m = mindspore.mint.nn.ConvTranspose2d(c, 4, 2, stride=2, padding=1,
                                                      output_padding=1)
            x = rng.standard_normal((1, c, h, h)).astype(np.float32)
            assert_close(m(Tensor(x)).asnumpy(), x, m.weight.asnumpy(), m.bias.asnumpy(),
                         stride=2, padding=1, output_padding=1)
            names.append(Parameter(Tensor(np.ones(1, np.float32))).name)
    except BaseException as e:  # reported by the main thread
        errors.append((tid, repr(e)))


def test_eight_threads_at_once():
    errors, names, threads = [], [], []
    for tid in range(8):
        threads.append(threading.Thread(target=_work, args=(tid, errors, names)))
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert len(names) == 48 and len(set(names)) == 48          # the name counter stayed unique
    assert not ms._alias.is_installed() and "mindspore" not in sys.modules
    # the seeded streams are intact afterwards
    ms.set_seed(11)
    a = mint.nn.ConvTranspose2d(4, 6, 3).weight.asnumpy()
    ms.set_seed(11)
    np.testing.assert_array_equal(a, mint.nn.ConvTranspose2d(4, 6, 3).weight.asnumpy())


def _digest(*arrays):
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


def test_callers_arrays_are_never_modified():
    rng = np.random.RandomState(0)
    d = rng.standard_normal((2, 4, 5, 5)).astype(np.float32)
    w = rng.standard_normal((4, 2, 3, 3)).astype(np.float32)
    b = rng.standard_normal(2).astype(np.float32)
    x16 = rng.standard_normal((1, 4, 3, 3)).astype(np.float16)
    init = rng.standard_normal((4, 2, 3, 3)).astype(np.float16)
    arrays = (d, w, b, x16, init)
    before = _digest(*arrays)
    td, tw, tb = Tensor(d), Tensor(w), Tensor(b)
    tensors_before = _digest(td.asnumpy(), tw.asnumpy(), tb.asnumpy())
    ops.Conv2DTranspose(2, 3, pad_mode="same", stride=2)(td, tw, (2, 2, 10, 10))
    ops.Conv2DTranspose(2, 3, data_format="NHWC")(Tensor(d.transpose(0, 2, 3, 1)),
                                                   Tensor(w.transpose(0, 2, 3, 1)), (2, 7, 7, 2))
    mint.nn.functional.conv_transpose2d(td, tw, tb, 2, 1, 1)
    mint.nn.functional.conv_transpose2d(Tensor(d[0]), tw, tb)
    net = nn.Conv2dTranspose(4, 2, 3, has_bias=True, weight_init=Tensor(init), dtype=ms.float16,
                             bias_init=Tensor(b.astype(np.float16)), pad_mode="pad",
                             stride=2, output_padding=1)
    net(Tensor(x16))
    initializer(Tensor(init), [4, 2, 3, 3], ms.float16)
    m = mint.nn.ConvTranspose2d(4, 2, 3)
    m(td)
    assert _digest(*arrays) == before
    assert _digest(td.asnumpy(), tw.asnumpy(), tb.asnumpy()) == tensors_before


LEAK_SCRIPT = r"""
import gc, os, numpy as np
import msconvt as ms
from msconvt import Tensor, ops, nn, mint

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

x = Tensor(np.ones((1, 2, 3, 3), np.float32))
w = Tensor(np.ones((2, 2, 2, 2), np.float32))
op = ops.Conv2DTranspose(2, 2, pad_mode="same", stride=2)
net = nn.Conv2dTranspose(2, 2, 2, stride=2, has_bias=True, pad_mode="pad", output_padding=1)
m = mint.nn.ConvTranspose2d(2, 2, 2, stride=2)

def calls(k):
    for _ in range(k):
        op(x, w, (1, 2, 6, 6))
        net(x)
        m(x, output_size=(7, 7))
        mint.nn.functional.conv_transpose2d(x, w, None, 1, 1)

calls(500)
gc.collect()
base = rss()
calls(10000)
gc.collect()
print((rss() - base) / 2**20)
"""


def test_no_leak_over_10000_calls():
    r = run_python(LEAK_SCRIPT, timeout=300)
    assert r.returncode == 0, r.stderr
    growth_mib = float(r.stdout.strip().splitlines()[-1])
    assert growth_mib < 4.0, growth_mib
