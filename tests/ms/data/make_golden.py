"""Regenerate golden.npz from the real MindSpore 2.10.0 (CPU wheel, NumPy < 2).

    python -m venv /tmp/ms && /tmp/ms/bin/pip install mindspore==2.10.0 "numpy<2"
    /tmp/ms/bin/python tests/ms/data/make_golden.py

Not collected by pytest; the tests only read golden.npz.  Every case draws its inputs from
``np.random.RandomState(case_index)``, so the tests rebuild the same inputs without storing them.
"""
import os
import sys

import numpy as np

import mindspore as ms
from mindspore import Tensor, mint, nn, ops

# The case list is shared with tests/ms/test_ms_golden.py (tests/ms/golden_cases.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from golden_cases import NN_CASES, OPS_CASES, SEEDS as INIT_SEEDS  # noqa: E402


def main():
    out = {}
    for i, (name, kw, ds, ws, isz) in enumerate(OPS_CASES):
        for dt in (np.float32, np.float16):
            rng = np.random.RandomState(i)
            d = rng.standard_normal(ds).astype(dt)
            w = rng.standard_normal(ws).astype(dt)
            y = ops.Conv2DTranspose(**kw)(Tensor(d), Tensor(w), isz)
            out[f"ops/{name}/{np.dtype(dt).name}"] = y.asnumpy()
    for i, (name, kw, xs) in enumerate(NN_CASES):
        for dt, msdt in ((np.float32, ms.float32), (np.float16, ms.float16)):
            ms.set_seed(100 + i)
            net = nn.Conv2dTranspose(**kw, dtype=msdt)
            x = np.random.RandomState(50 + i).standard_normal(xs).astype(dt)
            out[f"nn/{name}/{np.dtype(dt).name}"] = net(Tensor(x)).asnumpy()
            out[f"nn/{name}/{np.dtype(dt).name}/weight"] = net.weight.asnumpy()
    for seed in INIT_SEEDS:
        ms.set_seed(seed)
        m = mint.nn.ConvTranspose2d(4, 6, (3, 2), groups=2)
        out[f"init/{seed}/mint_w"], out[f"init/{seed}/mint_b"] = m.weight.asnumpy(), m.bias.asnumpy()
        big = mint.nn.ConvTranspose2d(64, 32, 3, bias=False)  # the parallel path (> 1024 values)
        if seed == 42:
            out[f"init/{seed}/mint_big_w"] = big.weight.asnumpy()
        h = mint.nn.ConvTranspose2d(3, 4, 2, dtype=ms.float16)
        out[f"init/{seed}/mint_f16_w"], out[f"init/{seed}/mint_f16_b"] = h.weight.asnumpy(), h.bias.asnumpy()
        n = nn.Conv2dTranspose(3, 5, 3, has_bias=True)
        out[f"init/{seed}/nn_w"], out[f"init/{seed}/nn_b"] = n.weight.asnumpy(), n.bias.asnumpy()
        from mindspore.common.initializer import (HeNormal, HeUniform, Normal, Uniform,
                                                  XavierNormal, XavierUniform, initializer)
        for label, init in (("normal", Normal(0.2, 1.0)), ("uniform", Uniform(0.3)),
                            ("he_uniform", HeUniform()), ("he_normal", HeNormal(mode="fan_out")),
                            ("xavier_uniform", XavierUniform(2.0)), ("xavier_normal", XavierNormal()),
                            ("normal_big", Normal())):
            shape = [40, 31] if label == "normal_big" else [5, 4, 3]
            out[f"init/{seed}/{label}"] = initializer(init, shape, ms.float32).asnumpy()
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden.npz")
    np.savez_compressed(path, **out)
    print(f"wrote {len(out)} arrays to {path}")


if __name__ == "__main__":
    main()
