"""Adapters for the frameworks that ``python -m convt bench`` compares convt with.

None of them is a dependency: each adapter checks whether its framework is importable, builds
a callable for one suite layer from NumPy arrays, and says up front what the framework cannot
run (``unsupported`` returns the reason, reported as n/a).  Frameworks are imported only when
the bench asks for them, because importing one costs about a second and hundreds of MB.

The timed callable runs the operator on tensors converted beforehand, so the conversion of
inputs is not timed; ``to_numpy`` turns a result back into an array in the layer's layout for
the cross-check against convt.
"""
from __future__ import annotations

import importlib
import importlib.util
import os

__all__ = ["PEERS", "get_peer", "layer_geometry"]


def layer_geometry(layer):
    """The explicit arguments of one suite layer (symmetric padding, square kernel)."""
    return dict(stride=int(layer["stride"]), padding=int(layer["padding"]),
                output_padding=int(layer["output_padding"]),
                dilation=int(layer["dilation"]), groups=int(layer["groups"]))


def output_hw(layer):
    """``H_out = (H-1)*s - 2*p + d*(k-1) + 1 + output_padding`` (W likewise)."""
    s, p, d, k = layer["stride"], layer["padding"], layer["dilation"], layer["kernel"]
    op = layer["output_padding"]
    return ((layer["H"] - 1) * s - 2 * p + d * (k - 1) + 1 + op,
            (layer["W"] - 1) * s - 2 * p + d * (k - 1) + 1 + op)


class Peer:
    """One framework.  Subclasses fill in the class attributes and ``_build``."""

    key = ""
    label = ""
    module = ""
    api = ""
    # How long this framework's worker threads keep spinning after a call; the bench waits
    # that long before timing convt, so neither side runs against the other's idle pool.
    settle_seconds = 0.0

    def __init__(self):
        self._mod = None
        self._why_not = None
        self.thread_note = ""

    def available(self):
        """``None`` when the framework imports, else the reason it does not (a string)."""
        if self._mod is not None:
            return None
        if self._why_not is not None:
            return self._why_not
        if importlib.util.find_spec(self.module) is None:
            self._why_not = f"{self.module} is not installed"
            return self._why_not
        try:
            self._mod = importlib.import_module(self.module)
        except Exception as e:  # a broken install must not stop the bench
            self._why_not = f"import {self.module} failed: {type(e).__name__}: {e}"
            return self._why_not
        return None

    def version(self):
        return getattr(self._mod, "__version__", "?") if self._mod is not None else None

    def set_threads(self, n):
        """Best effort; ``self.thread_note`` records what was done."""

    def unsupported(self, layer):
        """Reason this framework cannot run ``layer`` on CPU, or ``None``."""
        return None

    def build(self, layer, x, w, b):
        """Return ``(run, to_numpy)``: ``run()`` computes the layer once."""
        raise NotImplementedError


class Torch(Peer):
    key = "torch"
    label = "PyTorch"
    module = "torch"
    api = "torch.nn.functional.conv_transpose2d"

    def set_threads(self, n):
        self._mod.set_num_threads(n)
        self.thread_note = f"torch.set_num_threads({n})"

    def build(self, layer, x, w, b):
        torch = self._mod
        F = torch.nn.functional
        nhwc = layer["layout"] == "NHWC"
        xt = torch.from_numpy(x)
        wt = torch.from_numpy(w)
        bt = torch.from_numpy(b) if b is not None else None
        if nhwc:
            # A permuted NHWC array is exactly torch's channels_last tensor: no copy, and
            # oneDNN then runs its NHWC kernel, which is what an NHWC user gets.
            xt = xt.permute(0, 3, 1, 2)
            wt = wt.contiguous(memory_format=torch.channels_last)
        kw = layer_geometry(layer)

        def run():
            return F.conv_transpose2d(xt, wt, bt, **kw)

        def to_numpy(y):
            y = y.numpy()
            return y.transpose(0, 2, 3, 1) if nhwc else y

        return run, to_numpy


class Paddle(Peer):
    key = "paddle"
    label = "Paddle"
    module = "paddle"
    api = "paddle.nn.functional.conv2d_transpose"

    def available(self):
        # Paddle's MKL runs on Intel's OpenMP, whose idle workers spin KMP_BLOCKTIME (200 ms
        # by default) after each parallel region and took one of the two cores from convt's
        # next samples: convt's dil2_b4 timed 3.35 ms in the Paddle process against 1.56 ms
        # with KMP_BLOCKTIME=0, where Paddle's own time did not grow (11.6 vs 13.6 ms).  So
        # its workers sleep at once unless the user chose otherwise (read when libiomp5
        # starts, hence before the import).
        if self._mod is None and importlib.util.find_spec(self.module) is not None:
            os.environ.setdefault("KMP_BLOCKTIME", "0")
        why = super().available()
        if why is None:
            self._mod.set_device("cpu")
        return why

    @property
    def settle_seconds(self):
        env = os.environ.get("KMP_BLOCKTIME", "").strip()
        return (int(env) if env.isdigit() else 200) / 1000.0 + 0.01

    def set_threads(self, n):
        notes = []
        core = getattr(getattr(self._mod, "base", None), "core", None)
        if core is not None and hasattr(core, "set_num_threads"):
            # Sets the math library's (MKL/OpenBLAS) thread count used by the CPU kernels.
            core.set_num_threads(n)
            notes.append(f"paddle.base.core.set_num_threads({n})")
        notes.append(f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}")
        notes.append(f"KMP_BLOCKTIME={os.environ.get('KMP_BLOCKTIME', 'unset')}")
        self.thread_note = ", ".join(notes)

    def build(self, layer, x, w, b):
        paddle = self._mod
        F = paddle.nn.functional
        xt = paddle.to_tensor(x)
        wt = paddle.to_tensor(w)
        bt = paddle.to_tensor(b) if b is not None else None
        g = layer_geometry(layer)
        fmt = layer["layout"]

        def run():
            return F.conv2d_transpose(xt, wt, bt, stride=g["stride"], padding=g["padding"],
                                      output_padding=g["output_padding"],
                                      dilation=g["dilation"], groups=g["groups"],
                                      data_format=fmt)

        return run, (lambda y: y.numpy())


class MindSpore(Peer):
    key = "mindspore"
    label = "MindSpore"
    module = "mindspore"
    api = "mindspore.ops.Conv2DTranspose (+ ops.BiasAdd)"
    # Its CPU thread pool keeps about one core busy for ~0.15 s after a call (measured with
    # os.times() around sleeps, MindSpore 2.x on this machine): convt's next sample waits.
    settle_seconds = 0.2

    def available(self):
        why = super().available()
        if why is None:
            ms = self._mod
            try:
                if hasattr(ms, "set_device"):
                    ms.set_device("CPU")
                else:
                    ms.set_context(device_target="CPU")
            except Exception:
                pass
        return why

    def set_threads(self, n):
        notes = [f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}"]
        try:
            self._mod.device_context.cpu.op_tuning.threads_num(n)
            notes.insert(0, f"device_context.cpu.op_tuning.threads_num({n})")
        except Exception:
            pass
        self.thread_note = ", ".join(notes)

    def unsupported(self, layer):
        if layer["layout"] != "NCHW":
            return "NHWC is GPU-only in MindSpore"
        if layer["dtype"] != "float32" and layer["dtype"] != "float16":
            return f"no {layer['dtype']} CPU kernel"
        return None

    def build(self, layer, x, w, b):
        ms = self._mod
        g = layer_geometry(layer)
        c_out = w.shape[1] * g["groups"]
        ho, wo = output_hw(layer)
        op = ms.ops.Conv2DTranspose(out_channel=c_out, kernel_size=int(layer["kernel"]),
                                    pad_mode="pad", pad=g["padding"], stride=g["stride"],
                                    dilation=g["dilation"], group=g["groups"])
        bias_add = ms.ops.BiasAdd()
        xt, wt = ms.Tensor(x), ms.Tensor(w)
        bt = ms.Tensor(b) if b is not None else None
        size = (x.shape[0], c_out, ho, wo)

        def run():
            y = op(xt, wt, size)
            if bt is not None:
                y = bias_add(y, bt)
            # PyNative returns before the CPU kernel ran, and runtime.synchronize() refuses
            # the CPU device; fetching the result is the only wait there is.  It adds one
            # copy of the output to the time (well under 1% at MindSpore's speeds).
            return y.asnumpy()

        return run, (lambda y: y)


PEERS = {cls.key: cls for cls in (Torch, Paddle, MindSpore)}


def get_peer(key):
    """A fresh adapter for ``key`` (``torch``, ``paddle`` or ``mindspore``)."""
    try:
        return PEERS[key]()
    except KeyError:
        raise ValueError(f"unknown peer {key!r}; choose from {sorted(PEERS)}") from None
