"""Differential check of msconvt against the real MindSpore 2.10.0 (not collected by pytest).

    python -m venv /tmp/ms && /tmp/ms/bin/pip install mindspore==2.10.0 "numpy<2"
    /tmp/ms/bin/python tests/ms/data/differential.py real /tmp/real.pkl
    python tests/ms/data/differential.py shim /tmp/shim.pkl
    python tests/ms/data/differential.py compare /tmp/real.pkl /tmp/shim.pkl

Each case is a code string run under both; results (arrays, reprs) and exceptions (class and
first message line) are compared.  Expected differences: the shim's clearer messages where
MindSpore only has oneDNN's "could not create a primitive descriptor", mint cases where
MindSpore's asynchronous errors surface one call late, and mint computations, which CPU
MindSpore cannot run ("The kernel ConvTranspose2D unregistered") and msconvt computes.
"""
import os
import pickle
import sys

import numpy as np

CASES = []
def add(name, code): CASES.append((name, code))
PRE = "rng = np.random.RandomState(0)\ndef T(*s, dt=np.float32): return Tensor(rng.standard_normal(s).astype(dt))\n"
# ---- ops forward, all pad modes
geoms = [
 ("valid k3 s1", dict(pad_mode="valid"), (2,4,5,5), (4,3,3,3), (2,3,7,7)),
 ("valid k3 s2 Hx max", dict(pad_mode="valid", stride=2), (1,4,5,4), (4,2,3,3), (1,2,12,10)),
 ("valid k2 s3", dict(pad_mode="valid", stride=3), (1,2,3,3), (2,2,2,2), (1,2,9,8)),
 ("same k3 s2", dict(pad_mode="same", stride=2), (1,4,5,5), (4,2,3,3), (1,2,10,9)),
 ("same k4 s1", dict(pad_mode="same"), (1,2,5,6), (2,3,4,4), (1,3,5,6)),
 ("same k2x4", dict(pad_mode="same"), (1,2,5,6), (2,3,2,4), (1,3,5,6)),
 ("SAME upper", dict(pad_mode="SAME", stride=2), (1,2,3,3), (2,3,3,3), (1,3,6,5)),
 ("same k5s2 Hd3 Hx5", dict(pad_mode="same", stride=2), (1,1,3,3), (1,1,5,5), (1,1,5,6)),
 ("same k5s2 Hd3 Hx4", dict(pad_mode="same", stride=2), (1,1,3,3), (1,1,5,5), (1,1,4,6)),
 ("pad 1", dict(pad_mode="pad", pad=1), (1,2,4,4), (2,3,3,3), (1,3,4,4)),
 ("pad tuple", dict(pad_mode="pad", pad=(1,0,2,1), stride=2), (1,2,4,4), (2,3,3,3), (1,3,8,6)),
 ("pad dil", dict(pad_mode="pad", pad=(2,1,0,3), stride=(2,3), dilation=(2,1)), (2,2,3,4), (2,2,3,3), (2,2,7,9)),
 ("pad_list override", dict(pad_mode="pad", pad=0, pad_list=(1,0,2,1)), (1,2,4,4), (2,3,3,3), (1,3,5,3)),
 ("pad_list list", dict(pad_mode="pad", pad=1, pad_list=[0,0,0,0]), (1,2,4,4), (2,3,3,3), (1,3,6,6)),
 ("pad_list -1", dict(pad_mode="pad", pad=1, pad_list=(0,-1,0,0)), (1,2,4,4), (2,3,3,3), (1,3,4,4)),
 ("pad_list bad len same", dict(pad_mode="same", pad_list=(1,2)), (1,2,4,4), (2,3,3,3), (1,3,4,4)),
 ("pad_list bad len pad", dict(pad_mode="pad", pad_list=(1,2)), (1,2,4,4), (2,3,3,3), (1,3,6,6)),
 ("pad_list empty pad", dict(pad_mode="pad", pad_list=()), (1,2,4,4), (2,3,3,3), (1,3,6,6)),
 ("pad_list 0 pad", dict(pad_mode="pad", pad_list=0), (1,2,4,4), (2,3,3,3), (1,3,6,6)),
 ("group 2", dict(pad_mode="valid", group=2), (1,4,3,3), (4,2,3,3), (1,4,5,5)),
 ("group 4 w(4,2)", dict(pad_mode="valid", group=4), (1,4,3,3), (4,2,3,3), (1,8,5,5)),
 ("stride 4tuple", dict(pad_mode="valid", stride=(2,2,1,1)), (1,2,3,3), (2,2,3,3), (1,2,5,5)),
 ("dilation 4tuple", dict(pad_mode="valid", dilation=(5,5,2,1)), (1,2,3,3), (2,2,3,3), (1,2,7,5)),
 ("kernel attr mismatch", dict(pad_mode="same", kernel_size=5), (1,2,4,4), (2,2,3,3), (1,2,4,4)),
 ("empty batch", dict(pad_mode="valid"), (0,2,3,3), (2,2,3,3), (0,2,5,5)),
 ("isz list", dict(pad_mode="valid"), (1,2,3,3), (2,2,3,3), [1,2,5,5]),
 ("isz tensor", dict(pad_mode="valid"), (1,2,3,3), (2,2,3,3), "Tensor(np.array([1,2,5,5], np.int64))"),
 ("batch mismatch", dict(pad_mode="valid"), (1,2,3,3), (2,2,3,3), (2,2,5,5)),
 ("chan mismatch dout", dict(pad_mode="valid"), (1,3,3,3), (2,2,3,3), (1,2,5,5)),
 ("chan mismatch isz", dict(pad_mode="valid"), (1,2,3,3), (2,2,3,3), (1,3,5,5)),
 ("group not divide", dict(pad_mode="valid", group=3), (1,2,3,3), (2,2,3,3), (1,6,5,5)),
 ("zero isz", dict(pad_mode="valid"), (1,2,3,3), (2,2,3,3), (1,2,0,5)),
 ("valid Hx too big", dict(pad_mode="valid"), (1,2,3,3), (2,2,3,3), (1,2,6,5)),
 ("pad wrong Hx", dict(pad_mode="pad", pad=1), (1,2,4,4), (2,3,3,3), (1,3,7,4)),
]
for name, kw, ds, ws, isz in geoms:
    kw = dict(kw); kw.setdefault("kernel_size", ws[2:]); oc = kw.pop("out_channel", 1)
    for dt in ["np.float32", "np.float16"]:
        add(f"ops {name} {dt}", PRE + f"op = ops.Conv2DTranspose({oc}, **{kw!r})\nresult = op(T(*{ds}, dt={dt}), T(*{ws}, dt={dt}), {isz if isinstance(isz, str) else repr(isz)})")
# ---- ops constructor errors (spec 2.1)
ctor = [
 "out_channel=1.5, kernel_size=3", "out_channel=True, kernel_size=3", "out_channel=0, kernel_size=3", "out_channel=np.int64(3), kernel_size=3",
 "out_channel=2, kernel_size=[3,3]", "out_channel=2, kernel_size=(3,0)", "out_channel=2, kernel_size=(3,3,3)", "out_channel=2, kernel_size=2.5",
 "out_channel=2, kernel_size=True", "out_channel=2, kernel_size=None", "out_channel=2, kernel_size=(3,3,3,3)", "out_channel=2, kernel_size=(3., 3)",
 "out_channel=2, kernel_size=3, data_format='nchw'", "out_channel=2, kernel_size=3, data_format=None",
 "out_channel=2, kernel_size=3, stride=[1,1]", "out_channel=2, kernel_size=3, stride=0", "out_channel=2, kernel_size=3, stride=(1,2,3)", "out_channel=2, kernel_size=3, dilation=(1,0)",
 "out_channel=2, kernel_size=3, pad=1.0", "out_channel=2, kernel_size=3, pad=True", "out_channel=2, kernel_size=3, pad_mode=1",
 "out_channel=2, kernel_size=3, pad=(1,1)", "out_channel=2, kernel_size=3, pad_mode='full'", "out_channel=2, kernel_size=3, pad=1",
 "out_channel=2, kernel_size=3, pad_mode='PAD', pad=1", "out_channel=2, kernel_size=3, pad_mode='same', pad=(0,0,0,1)", "out_channel=2, kernel_size=3, pad_mode='valid', pad=-1",
 "out_channel=2, kernel_size=3, pad_mode='pad', pad=-1", "out_channel=2, kernel_size=3, pad_mode='pad', pad=(1,1.0,1,1)",
 "out_channel=2, kernel_size=3, mode=2", "out_channel=2, kernel_size=3, mode=1.0", "out_channel=2, kernel_size=3, group=0", "out_channel=2, kernel_size=3, group=1.5",
 "out_channel=2, kernel_size=3, pad_list=(0,-2,0,0)", "out_channel=2, kernel_size=3, pad_list=(0,1.5,0,0)", "out_channel=2, kernel_size=3, pad_list=1",
 "out_channel=2, kernel_size=3, foo=1", "out_channel=2", "out_channel=2, kernel_size=3, pad_mode='Pad'", "out_channel=2, kernel_size=3, pad_mode='Valid'",
 "out_channel=2, kernel_size=3, pad_mode='same', pad=(0,0,0,0)",
]
for c in ctor:
    add(f"ops ctor {c}", f"op = ops.Conv2DTranspose({c})\nresult = repr(op), sorted(op.attrs.items(), key=str)")
# ---- nn layer
nnc = [
 ("same s2 bias", "4, 6, 3, stride=2, has_bias=True", (2,4,5,5)),
 ("valid s3 k2", "2, 3, 2, stride=3, pad_mode='valid', has_bias=True", (1,2,4,5)),
 ("valid d2", "2, 3, 3, stride=2, dilation=2, pad_mode='valid'", (1,2,4,5)),
 ("pad asym op", "2, 4, 3, stride=2, pad_mode='pad', padding=(1,0,2,1), output_padding=(1,1), has_bias=True", (1,2,4,5)),
 ("pad op int", "2, 4, 3, stride=2, pad_mode='pad', padding=1, output_padding=1, has_bias=True", (1,2,4,5)),
 ("group2", "4, 6, 3, group=2, has_bias=True", (1,4,4,4)),
 ("op same err", "2, 4, 3, stride=2, output_padding=1", (1,2,4,5)),
 ("op tuple same err", "2, 4, 3, stride=2, output_padding=(1,0)", (1,2,4,5)),
 ("op range err", "2, 4, 3, stride=1, output_padding=1", (1,2,4,5)),
 ("op range err w", "2, 4, 3, stride=(2,1), pad_mode='pad', output_padding=(1,1)", (1,2,4,5)),
 ("op tuple zero same", "2, 4, 3, stride=2, output_padding=(0,0)", (1,2,4,5)),
 ("neg size", "2, 2, 1, pad_mode='pad', padding=3", (1,2,2,2)),
 ("weight str", "2, 3, 3, weight_init='normal', bias_init='ones', has_bias=True", (1,2,3,3)),
 ("weight number", "2, 3, 3, weight_init=0.5, bias_init=2, has_bias=True", (1,2,3,3)),
 ("weight tensor", "2, 3, 3, weight_init=Tensor(np.full((2,3,3,3), 0.25, np.float32))", (1,2,3,3)),
 ("weight tensor f64", "2, 3, 3, weight_init=Tensor(np.full((2,3,3,3), 0.25))", (1,2,3,3)),
 ("weight xavier", "2, 3, 3, weight_init='XavierUniform', bias_init='Uniform', has_bias=True", (1,2,3,3)),
 ("weight henormal", "2, 3, 3, weight_init='he_normal', bias_init='normal', has_bias=True", (1,2,3,3)),
]
for name, args, xs in nnc:
    for dt in ["np.float32", "np.float16"]:
        msdt = "ms.float16" if "16" in dt else "ms.float32"
        extra = "" if "weight tensor" in name else f", dtype={msdt}"
        add(f"nn {name} {dt}", PRE + f"ms.set_seed(5)\nnet = nn.Conv2dTranspose({args}{extra})\nresult = net(T(*{xs}, dt={dt}))")
nn_ctor = [
 "2, 3, [3,3]", "2, 3, (3,3,3)", "2, 3, (3,True)", "2, 3, 3, padding=[1]", "2, 3, 3, padding=(1,1)", "2, 3, 3, output_padding=[1]", "2, 3, 3, output_padding=(1,1,1)",
 "2.0, 3, 3", "0, 3, 3", "2, 0, 3", "2, 3, 3, padding=-1", "2, 3, 3, padding=(0,-1,0,0)", "2, 3, 3, padding=(0,1.0,0,0)", "2, 3, 3, group=0", "2, 3, (3,0)", "2, 3, 3, stride=(1,0)", "2, 3, 3, dilation=(0,1)",
 "4, 6, 3, group=3", "6, 6, 3, group=4", "2, 3, 3, weight_init=Tensor(np.ones((2,2,2,2),np.float32))", "2, 3, 3, weight_init='foo'", "2, 3, 3, weight_init=np.ones((2,3,3,3))",
 "2, 3, 3, has_bias=1", "2, 3, 3, has_bias=True, bias_init=Tensor(np.ones((2,),np.float32))", "2, 3, 3, pad_mode='SAME'", "2, 3, 3, pad_mode=None", "2, 3, 3, padding=1", "2, 3, 3, pad_mode='valid', padding=(0,0,1,0)",
 "2, 3, 3, groups=1", "2, 3, 3, bias=True", "2, 3, 3, data_format='NCHW'",
]
for c in nn_ctor:
    add(f"nn ctor {c}", f"net = nn.Conv2dTranspose({c})\nresult = (net.in_channels, net.out_channels, net.kernel_size, net.stride, net.dilation, net.padding, net.output_padding, net.group, net.has_bias, net.pad_mode, net.data_format, net.weight.shape, str(net.weight.dtype))")
nn_call = [
 ("3d input", "x = T(2,3,3)"), ("5d input", "x = T(1,2,3,3,1)"), ("numpy input", "x = np.ones((1,2,3,3), np.float32)"),
 ("chan mismatch", "x = T(1,3,3,3)"), ("f16 x f32 w", "x = T(1,2,3,3, dt=np.float16)"), ("f64 input", "x = T(1,2,3,3, dt=np.float64)"),
]
for name, code in nn_call:
    add(f"nn call {name}", PRE + f"net = nn.Conv2dTranspose(2, 3, 3)\n{code}\nresult = net(x)")
# ---- mint ctor + init
mint_ctor = [
 "4, 6, 2.5", "4, 6, 3, stride=1.5", "4, 6, 3, padding='same'", "4, 6, 3, padding_mode='reflect'", "4, 6, 3, padding_mode='bad'", "-1, 6, 3", "4.0, 6, 3", "np.int64(4), 6, 3",
 "4, 6, 3, groups=0", "4, 6, 3, groups=3", "4, 6, 3, groups=4", "4, 6, (3,0)", "4, 6, 3, stride=(1,True)", "4, 6, 3, stride=(1,1.5)", "4, 6, 3, dilation=0",
 "0, 6, 3", "4, 6, 3, bias=1", "4, 6, 3, padding=-1, output_padding=5", "4, 6, (3,3,3)", "4, 6, [3]", "4, 6, 3, stride=[2,1]", "4, 6, 3, padding=(1,)",
]
for c in mint_ctor:
    add(f"mint ctor {c}", f"m = mint.nn.ConvTranspose2d({c})\nresult = (repr(m), m.kernel_size, m.stride, m.padding, m.output_padding, m.dilation, m.groups, m.weight.shape, None if m.bias is None else m.bias.shape)")
for seed in [0, 7]:
    add(f"init mint {seed}", f"ms.set_seed({seed})\nm = mint.nn.ConvTranspose2d(4, 6, (3,2), groups=2)\nm2 = mint.nn.ConvTranspose2d(64, 32, 3, dtype=ms.float16)\nresult = [m.weight, m.bias, m2.weight, m2.bias]")
    add(f"init nn {seed}", f"ms.set_seed({seed})\nn1 = nn.Conv2dTranspose(3, 5, 3, has_bias=True)\nn2 = nn.Conv2dTranspose(64, 32, 3, group=2, has_bias=True, dtype=ms.float16)\nresult = [n1.weight, n1.bias, n2.weight, n2.bias]")
    add(f"init misc {seed}", f"from mindspore.common.initializer import initializer, Normal, Uniform, HeUniform, HeNormal, XavierUniform, XavierNormal, Zero, One, Constant\nms.set_seed({seed})\nresult = [initializer(i, [5, 4, 3], ms.float32) for i in [Normal(0.2, 1.0), Uniform(0.3), HeUniform(), HeNormal(mode='fan_out'), XavierUniform(2.0), XavierNormal(), Zero(), One(), Constant(3), 'normal', 'he_uniform', 'xavier_uniform', 'ones', 'zeros', 2.5]]")
# ---- mint functional errors (Python-side; real framework cannot compute)
add("mint out_size len3", PRE + "m = mint.nn.ConvTranspose2d(4, 6, 3, stride=2)\nresult = m(T(1,4,3,3), output_size=(1,7,7))")
add("mint out_size int", PRE + "m = mint.nn.ConvTranspose2d(4, 6, 3, stride=2)\nresult = m(T(1,4,3,3), output_size=7)")
add("mint out_size range", PRE + "m = mint.nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1)\nresult = m(T(1,4,3,3), output_size=(7,5))")
add("mint out_size range 3d", PRE + "m = mint.nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1)\nresult = m(T(4,3,3), output_size=[1,7,5])")
add("mint out_size len 4 on 3d", PRE + "m = mint.nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1)\nresult = m(T(4,3,3), output_size=[1,1,7,5])")
add("mint func type", PRE + "result = ops.conv_transpose2d(T(1,4,3,3), T(4,2,3,3), None, 1.5)")
add("mint func bool groups", PRE + "result = ops.conv_transpose2d(T(1,4,3,3), T(4,2,3,3), groups=True)")
add("mint func numpy", PRE + "result = ops.conv_transpose2d(np.ones((1,4,3,3)), T(4,2,3,3))")
add("mint same obj", "result = ops.conv_transpose2d is mint.nn.functional.conv_transpose2d")
# ---- misc surrounding
add("tensor repr", "result = [repr(Tensor(np.arange(6, dtype=np.float32).reshape(2,3))), repr(Tensor([1.,2.])), repr(Tensor(1)), repr(Tensor(2.5)), repr(Tensor(True)), repr(Tensor(np.ones(3, np.float16))), str(Tensor(np.arange(4.0, dtype=np.float32)))]")
add("tensor dtypes", "result = [str(Tensor([1,2]).dtype), str(Tensor([1.0]).dtype), str(Tensor(np.ones(2)).dtype), str(Tensor(1.5).dtype), str(Tensor([True]).dtype), repr(ms.float32), str(ms.float16), ms.common.dtype.float32 == ms.float32, str(Tensor(np.int32(3)).dtype)]")
add("tensor arith", PRE + "a = Tensor(np.arange(6, dtype=np.float32).reshape(2,3)); b = Tensor(np.ones(3, np.float32))\nresult = [(a + b).asnumpy().tolist(), (a * 2).asnumpy().tolist(), (2 - a).asnumpy().tolist(), (a / b).asnumpy().tolist(), a[1].shape, a[1, 2].shape, a.reshape(3, 2).shape, a.size, a.ndim, str(a.astype(ms.float16).dtype), str((a + 1).dtype), str((Tensor([1, 2]) / 2).dtype)]")
add("param repr", "from mindspore import Parameter\np = Parameter(Tensor(np.ones(3, np.float32)), name='w')\nresult = [repr(p), p.name, p.requires_grad]")
add("cell params", "class Net(nn.Cell):\n    def __init__(self):\n        super().__init__()\n        self.up = nn.Conv2dTranspose(2, 2, 2, has_bias=True)\n        self.up2 = mint.nn.ConvTranspose2d(2, 2, 2)\n    def construct(self, x):\n        return self.up2(self.up(x))\nnet = Net()\nresult = [[(k, p.name) for k, p in net.parameters_and_names()], [p.name for p in net.trainable_params()], net.training, net.set_train().training, net.up.training, repr(net).count('\\n')]")
add("set_seed float", "ms.set_seed(1.5)")
add("set_seed neg", "ms.set_seed(-1)")
add("set_seed bool", "ms.set_seed(True)")
add("shape numpy", "result = ops.shape(np.ones(3))")
add("ops ones", "result = [ops.ones((2,2), ms.float32), ops.zeros((2,), ms.int32), ops.ones(3)]")
add("initializer numpy", "from mindspore.common.initializer import initializer\nresult = initializer(np.ones(3), [3])")
add("initializer bad shape", "from mindspore.common.initializer import initializer\nresult = initializer('ones', [0, 2])")
add("initializer tensor noshape", "from mindspore.common.initializer import initializer\nresult = initializer(Tensor(np.ones(3, np.float32)))")

PRE2 = "rng = np.random.RandomState(0)\ndef T(*s, dt=np.float32): return Tensor(rng.standard_normal(s).astype(dt))\n"
add("mint tuple float stride", PRE2 + "result = ops.conv_transpose2d(T(1,4,3,3), T(4,2,3,3), None, (1.5, 1))")
add("mint list stride str", PRE2 + "result = ops.conv_transpose2d(T(1,4,3,3), T(4,2,3,3), None, [1, 'a'])")
add("mint str padding", PRE2 + "result = ops.conv_transpose2d(T(1,4,3,3), T(4,2,3,3), None, 1, 'same')")
add("mint bias np", PRE2 + "result = ops.conv_transpose2d(T(1,4,3,3), T(4,2,3,3), np.ones(2))")
add("mint stride bool", PRE2 + "result = ops.conv_transpose2d(T(1,4,3,3), T(4,2,3,3), None, True)")
add("mint stride 0", PRE2 + "r = ops.conv_transpose2d(T(1,4,3,3), T(4,2,3,3), None, 0)\nresult = r.shape")
add("mint stride (0,1)", PRE2 + "r = ops.conv_transpose2d(T(1,4,3,3), T(4,2,3,3), None, (0,1))\nresult = r.shape")
add("mint pad -1", PRE2 + "r = ops.conv_transpose2d(T(1,4,3,3), T(4,2,3,3), None, 1, -1)\nresult = r.shape")
add("mint op -1", PRE2 + "r = ops.conv_transpose2d(T(1,4,3,3), T(4,2,3,3), None, 1, 0, (-1, 0))\nresult = r.shape")
add("mint stride len3", PRE2 + "r = ops.conv_transpose2d(T(1,4,3,3), T(4,2,3,3), None, (1,1,1))\nresult = r.shape")
add("mint groups 0", PRE2 + "r = ops.conv_transpose2d(T(1,4,3,3), T(4,2,3,3), None, 1, 0, 0, 0)\nresult = r.shape")
add("mint dil 0", PRE2 + "r = ops.conv_transpose2d(T(1,4,3,3), T(4,2,3,3), None, 1, 0, 0, 1, 0)\nresult = r.shape")
add("mint w rank3", PRE2 + "r = ops.conv_transpose2d(T(1,4,3,3), T(4,2,3))\nresult = r.shape")
add("mint in 3d w 4d", PRE2 + "r = ops.conv_transpose2d(T(4,3,3), T(4,2,3,3))\nresult = r.shape")
add("mint in 5d", PRE2 + "r = ops.conv_transpose2d(T(1,1,4,3,3), T(4,2,3,3))\nresult = r.shape")
add("mint in 2d", PRE2 + "r = ops.conv_transpose2d(T(3,3), T(4,2,3,3))\nresult = r.shape")
add("mint pad before stride", PRE2 + "r = ops.conv_transpose2d(T(1,4,3,3), T(4,2,3,3), None, 0, -1)\nresult = r.shape")
add("mint op before groups", PRE2 + "r = ops.conv_transpose2d(T(1,4,3,3), T(4,2,3,3), None, 1, 0, -1, 0)\nresult = r.shape")
add("mint dil before groups", PRE2 + "r = ops.conv_transpose2d(T(1,4,3,3), T(4,2,3,3), None, 1, 0, 0, 0, 0)\nresult = r.shape")
add("mint w rank before stride", PRE2 + "r = ops.conv_transpose2d(T(1,4,3,3), T(4,2,3), None, 0)\nresult = r.shape")
add("mint in5d before stride", PRE2 + "r = ops.conv_transpose2d(T(1,1,4,3,3), T(4,2,3,3), None, 0)\nresult = r.shape")
add("leaf cell repr", "class A(nn.Cell):\n    def construct(self, x): return x\nresult = repr(A())")
add("tensor eq", "a = Tensor(np.arange(3, dtype=np.float32))\nresult = [repr(a == 1), repr(a > 0), len(a), [repr(t) for t in a], repr(-a), repr(abs(-a)), float(Tensor(2.5)), int(Tensor(3))]")
add("tensor list int", "result = [str(Tensor([1, 2], ms.float32).dtype), str(Tensor(np.array([1, 2], np.int32)).dtype), str(Tensor((1.5, 2)).dtype), repr(Tensor([[1, 2]], ms.float16))]")
add("param auto name", "from mindspore import Parameter\nclass A(nn.Cell):\n    def __init__(self):\n        super().__init__()\n        self.w = Parameter(Tensor(np.ones(2, np.float32)))\nresult = [p.name for p in A().get_parameters()]")
add("get_context", "result = [ms.get_context('device_target'), ms.get_context('mode')]")
add("ctx bad key", "ms.set_context(foo=1)")
add("ctx bad mode", "ms.set_context(mode=3)")
add("ctx graph", "ms.set_context(mode=ms.GRAPH_MODE)\nresult = ms.get_context('mode')")


def run(mode, path):
    if mode == "shim":
        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))))
        import msconvt
        msconvt.install_alias()
    import mindspore as ms
    from mindspore import Tensor, mint, nn, ops
    out = {}
    for name, code in CASES:
        g = {"ms": ms, "Tensor": Tensor, "ops": ops, "nn": nn, "mint": mint, "np": np}
        try:
            exec(code, g)
            r = g.get("result")
            if isinstance(r, Tensor):
                r = ("T", r.asnumpy().copy(), str(r.dtype))
            elif isinstance(r, (list, tuple)) and r and all(isinstance(t, Tensor) for t in r):
                r = ("TL", [t.asnumpy().copy() for t in r])
            out[name] = ("ok", r)
        except BaseException as e:  # noqa: BLE001 - every outcome is data here
            msg = str(e).split("\n\n----")[0].split("\n- C++ Call Stack")[0].strip()
            out[name] = ("err", type(e).__name__, msg)
    with open(path, "wb") as f:
        pickle.dump(out, f)


def compare(path_a, path_b):
    with open(path_a, "rb") as f:
        a = pickle.load(f)
    with open(path_b, "rb") as f:
        b = pickle.load(f)
    bad = 0
    for k, ra in a.items():
        rb = b[k]
        if ra[0] == "err" or rb[0] == "err":
            if ra[:2] != rb[:2]:
                print("CLASS", k, ra[1:] if ra[0] == "err" else "ok", rb[1:] if rb[0] == "err" else "ok")
                bad += 1
            elif ra[2] != rb[2]:
                print("MESSAGE", k, "\n   real:", ra[2], "\n   shim:", rb[2])
            continue
        va, vb = ra[1], rb[1]
        if isinstance(va, tuple) and va and va[0] == "T":
            ok = (va[1].shape == vb[1].shape and va[2] == vb[2]
                  and np.allclose(va[1].astype(float), vb[1].astype(float), atol=1e-5, rtol=1e-5))
            if not ok:
                print("VALUE", k)
                bad += 1
        elif isinstance(va, tuple) and va and va[0] == "TL":
            if not all(np.array_equal(x, y) for x, y in zip(va[1], vb[1])):
                print("INIT", k)
                bad += 1
        elif repr(va) != repr(vb):
            print("REPR", k, "\n   real:", repr(va)[:300], "\n   shim:", repr(vb)[:300])
            bad += 1
    print(f"{len(a)} cases, {bad} differ in class, value or repr")
    return bad


if __name__ == "__main__":
    if sys.argv[1] == "compare":
        sys.exit(1 if compare(sys.argv[2], sys.argv[3]) else 0)
    run(sys.argv[1], sys.argv[2])
