"""Regenerate golden.npz from the real MindSpore 2.10.0 (CPU wheel, NumPy < 2).

    python -m venv /tmp/ms && /tmp/ms/bin/pip install mindspore==2.10.0 "numpy<2"
    /tmp/ms/bin/python tests/ms/data/make_golden.py

Not collected by pytest; the tests only read golden.npz.  Every case draws its inputs from
``np.random.RandomState(case_index)``, so the tests rebuild the same inputs without storing them.
"""
import os

import numpy as np

import mindspore as ms
from mindspore import Tensor, mint, nn, ops

# name, kind, constructor kwargs, input shapes, input_size (ops only), dtype
OPS_CASES = [
    ("valid_k3s2", dict(out_channel=1, kernel_size=3, stride=2), (2, 4, 5, 4), (4, 3, 3, 3), (2, 3, 12, 10)),
    ("valid_k2s3", dict(out_channel=1, kernel_size=2, pad_mode="valid", stride=3), (1, 2, 3, 3), (2, 2, 2, 2), (1, 2, 9, 8)),
    ("same_k3s2", dict(out_channel=1, kernel_size=3, pad_mode="same", stride=2), (1, 4, 5, 5), (4, 2, 3, 3), (1, 2, 10, 9)),
    ("same_k2x4", dict(out_channel=1, kernel_size=(2, 4), pad_mode="same"), (1, 2, 5, 6), (2, 3, 2, 4), (1, 3, 5, 6)),
    ("pad_asym", dict(out_channel=1, kernel_size=3, pad_mode="pad", pad=(1, 0, 2, 1), stride=2), (1, 2, 4, 4), (2, 3, 3, 3), (1, 3, 8, 6)),
    ("pad_dil", dict(out_channel=1, kernel_size=3, pad_mode="pad", pad=(2, 1, 0, 3), stride=(2, 3), dilation=(2, 1)), (2, 2, 3, 4), (2, 2, 3, 3), (2, 2, 7, 9)),
    ("pad_list", dict(out_channel=1, kernel_size=3, pad_mode="pad", pad=1, pad_list=(1, 0, 2, 1)), (1, 2, 4, 4), (2, 3, 3, 3), (1, 3, 5, 3)),
    ("group4", dict(out_channel=1, kernel_size=3, group=4), (1, 4, 3, 3), (4, 2, 3, 3), (1, 8, 5, 5)),
]
NN_CASES = [
    ("same_s2_bias", dict(in_channels=4, out_channels=6, kernel_size=3, stride=2, has_bias=True), (2, 4, 5, 5)),
    ("valid_s3_k2", dict(in_channels=2, out_channels=3, kernel_size=2, stride=3, pad_mode="valid", has_bias=True), (1, 2, 4, 5)),
    ("valid_d2", dict(in_channels=2, out_channels=3, kernel_size=3, stride=2, dilation=2, pad_mode="valid"), (1, 2, 4, 5)),
    ("pad_op", dict(in_channels=2, out_channels=4, kernel_size=3, stride=2, pad_mode="pad", padding=(1, 0, 2, 1), output_padding=(1, 1), has_bias=True), (1, 2, 4, 5)),
    ("group2", dict(in_channels=4, out_channels=6, kernel_size=3, group=2, has_bias=True), (1, 4, 4, 4)),
]
INIT_SEEDS = (0, 1, 42, 2024)


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
