"""The core and both shims, called from eight Python threads at once.

Each shim's own tests hammer it alone; here the three share the process at the same time
(the way a test suite porting from one framework to another runs them), each thread with
its own shapes and thread settings.  Every result must match the oracle, and no global
state may leak between them: the core's thread settings, the import aliases, Paddle's
per-guard name counters and program seeds.
"""
from __future__ import annotations

import sys
import threading

import numpy as np

import convt
import msconvt
import pdconvt
from reference import conv_transpose2d_ref

ROUNDS = 4


def _core_worker(i, errors, barrier):
    rng = np.random.default_rng(i)
    x = rng.standard_normal((2, 4, 5 + i, 6)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 2 + i % 3)).astype(np.float32)
    want = conv_transpose2d_ref(x, w, stride=(2, 1), padding=1, output_padding=(1, 0))
    barrier.wait()
    for r in range(ROUNDS):
        with convt.threads(1 + (i + r) % 2):
            y = convt.conv_transpose2d(x, w, stride=(2, 1), padding=1, output_padding=(1, 0))
        np.testing.assert_allclose(y, want, rtol=1e-4, atol=1e-4)


def _ms_worker(i, errors, barrier):
    rng = np.random.default_rng(10 + i)
    x = rng.standard_normal((1, 4, 6, 5 + i)).astype(np.float32)
    with msconvt.alias():
        import mindspore
        from mindspore import mint
        layer = mint.nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1)
        w = layer.weight.asnumpy()
        b = layer.bias.asnumpy()
        want = conv_transpose2d_ref(x, w, b, stride=2, padding=1, output_padding=1)
        barrier.wait()
        for _ in range(ROUNDS):
            y = layer(mindspore.Tensor(x)).asnumpy()
            np.testing.assert_allclose(y, want, rtol=1e-4, atol=1e-4)


def _pd_worker(i, errors, barrier, seen):
    rng = np.random.default_rng(20 + i)
    x = rng.standard_normal((2, 3, 4 + i, 5)).astype(np.float32)
    with pdconvt.alias():
        import paddle.fluid as fluid
        with fluid.dygraph.guard():
            fluid.default_main_program().random_seed = 90 + i
            layer = fluid.dygraph.Conv2DTranspose(3, 4, 3, stride=2, padding=1, act="relu")
            seen.append((i, layer.full_name(), layer.weight.name,
                         fluid.default_main_program().random_seed))
            w = layer.weight.numpy()
            b = layer.bias.numpy()
            want = conv_transpose2d_ref(x, w, b, stride=2, padding=1, activation="relu")
            v = fluid.dygraph.to_variable(x)
            barrier.wait()
            for _ in range(ROUNDS):
                np.testing.assert_allclose(layer(v).numpy(), want, rtol=1e-4, atol=1e-4)


def test_core_and_both_shims_from_eight_threads():
    before_threads = convt.get_num_threads()
    errors, seen = [], []
    barrier = threading.Barrier(8)

    def guarded(fn, *args):
        try:
            fn(*args)
        except BaseException as e:  # surfaced by the main thread below
            errors.append(e)
            barrier.abort()

    threads = ([threading.Thread(target=guarded, args=(_core_worker, i, errors, barrier))
                for i in range(3)]
               + [threading.Thread(target=guarded, args=(_ms_worker, i, errors, barrier))
                  for i in range(2)]
               + [threading.Thread(target=guarded, args=(_pd_worker, i, errors, barrier, seen))
                  for i in range(3)])
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    assert not errors, errors
    # Global state is as it was: thread settings, and no alias left installed.
    assert convt.get_num_threads() == before_threads
    assert "mindspore" not in sys.modules and "paddle" not in sys.modules
    # Each Paddle guard had its own name counter and its own program seed.
    assert sorted(s[1] for s in seen) == ["conv2d_transpose_0"] * 3
    assert sorted(s[2] for s in seen) == ["conv2d_transpose_0.w_0"] * 3
    assert sorted(s[3] for s in seen) == [90, 91, 92]
