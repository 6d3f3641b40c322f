"""Hostile arguments, run in memory-limited subprocesses (RLIMIT_AS = 4 GiB).

Every case must end in a Python exception of an expected class, or in a result that matches
the definition (hostile_support.gather_ref, exact-int indices, so any geometry magnitude):
never a signal, a hang, or a large allocation.  Cases are batched: one child runs a whole
group and prints one line per case; a crash is attributed to the case in progress and the
rest of the group is re-run in a fresh child.  Each child also reports its peak RSS, which
must stay below 1 GiB.
"""
from __future__ import annotations

import sys

import numpy as np
import pytest

from hostile_support import GIB, compare, gather_ref, run_in_child

CASES = {}  # name -> (group, expected outcomes, make() -> (args, kwargs))

OK, VE, TE, ME = "OK", "ValueError", "TypeError", "MemoryError"


def case(group, name, *expected):
    name = name.replace(" ", "")  # one whitespace-free token per case in the child's output

    def register(make):
        assert name not in CASES, name
        CASES[name] = (group, frozenset(expected), make)
        return make
    return register


def small(dtype=np.float32, n=1, cin=2, h=3, w=3, cog=3, kh=2, kw=2, bias=True, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, cin, h, w)).astype(dtype)
    wt = rng.standard_normal((cin, cog, kh, kw)).astype(dtype)
    b = rng.standard_normal(cog).astype(dtype) if bias else None
    return x, wt, b


def with_kw(**kw):
    """A case calling the core on ``small()`` arrays with the keyword arguments ``kw``."""
    def make():
        x, w, b = small()
        return (x, w, b), dict(kw)
    return make


# ---- geometry: types ---------------------------------------------------------------------------

for _arg in ("stride", "padding", "output_padding", "dilation", "groups"):
    for _label, _value in [("True", True), ("False", False), ("npbool", np.bool_(True)),
                           ("float", 2.0), ("frac", 1.5), ("nan", float("nan")),
                           ("inf", float("inf")), ("str", "2"), ("bytes", b"2"), ("None", None),
                           ("object", object()), ("complex", 1j), ("npfloat", np.float64(1.0))]:
        case("types", f"{_arg}={_label}", TE)(with_kw(**{_arg: _value}))
    if _arg != "groups":
        case("types", f"{_arg}=(1,None)", TE)(with_kw(**{_arg: (1, None)}))
        case("types", f"{_arg}=(1.0,1)", TE)(with_kw(**{_arg: (1.0, 1)}))
        case("types", f"{_arg}=[[1,1]]", TE, VE)(with_kw(**{_arg: [[1, 1]]}))
        case("types", f"{_arg}=(1,2,3)", VE)(with_kw(**{_arg: (1, 2, 3)}))
        case("types", f"{_arg}=()", VE)(with_kw(**{_arg: ()}))

for _label, _value in [("np.int8", np.int8(2)), ("np.uint8", np.uint8(2)),
                       ("np.int64", np.int64(2)), ("np.uint64", np.uint64(2)),
                       ("0d-array", np.array(2)), ("np-pair", np.array([2, 1])),
                       ("list", [1, 2])]:
    _expect = (OK, TE) if _label == "0d-array" else (OK,)
    case("types", f"stride={_label}", *_expect)(with_kw(stride=_value))
    case("types", f"groups-kind-{_label}", OK, TE)(
        lambda v=_value: ((np.ones((1, 2, 2, 2)), np.ones((2, 1, 2, 2)), None),
                          dict(groups=v if np.ndim(v) == 0 else 1)))

# ---- geometry: values, huge and negative ---------------------------------------------------------

for _arg in ("stride", "dilation"):
    for _v in (0, -1, -2**31, -2**63, -2**64, -10**30, (1, 0), (0, 1)):
        case("values", f"{_arg}={_v}", VE)(with_kw(**{_arg: _v}))
for _arg in ("padding", "output_padding"):
    for _v in (-1, -2**63, -10**30, (0, -1)):
        case("values", f"{_arg}={_v}", VE)(with_kw(**{_arg: _v}))
for _v in (0, -1, -2**63, 2**63, 2**64, 10**30, 3):   # C_in = 2: 3 does not divide it
    case("values", f"groups={_v}", VE)(with_kw(groups=_v))

# Products that overflow 32 and 64 bits (H = W = 3).  Values the output cannot be allocated
# for may be refused up front (ValueError) or by the allocator (MemoryError).
for _v in (2**31, 2**32 + 1, 2**40, (2**31, 1), (1, 2**33)):
    case("overflow", f"stride={_v}", VE, ME)(with_kw(stride=_v))
for _v in (2**62, 2**63 - 1, 2**63, 2**64 + 3, 10**30, (2**40, 2**40), (2**31, 2**33)):
    case("overflow", f"stride-beyond={_v}", VE)(with_kw(stride=_v))
for _v in (2**31, 2**40, 2**62, 2**63, (2**40, 2**40)):
    case("overflow", f"dilation={_v}", VE, ME)(with_kw(dilation=_v))
for _v in (2**31, 2**40, 2**62, (2**62, 2**62), 10**30, (0, 2**63 - 1)):
    case("overflow", f"output_padding={_v}", VE, ME)(with_kw(output_padding=_v))
for _v in (2**31, 2**62, 2**63, (0, 2**62), (0, 0, 0, 2**63)):
    case("overflow", f"padding={_v}", VE)(with_kw(padding=_v))
case("overflow", "output_padding-bias-rows", OK)(with_kw(output_padding=(20_000, 0)))

# Huge geometry whose crop leaves a small output: index arithmetic must not wrap.
for _name, _kw in [
    ("stride-crop", dict(stride=(2**31 - 1, 1), padding=(2**31 - 2, 2**31 - 2, 0, 0))),
    ("stride-crop-tail", dict(stride=(2**30, 1), padding=(2**31 - 3, 0, 0, 0))),
    ("dilation-crop", dict(dilation=(1, 2**31 - 1), padding=(0, 0, 2**31 - 2, 2**31 - 2))),
    ("stride-dil-crop", dict(stride=2**30, dilation=2**30, padding=(2**31 - 2, 2**31,
                                                                      2**31 - 2, 2**31))),
    ("pad-op-cancel", dict(padding=(2**31 - 1, 0, 0, 0), output_padding=(2**31 - 1, 0))),
    ("pad-op-cancel-big", dict(padding=(2**31 - 1, 2**31 - 1, 0, 0),
                               output_padding=(1, 0), stride=(2**31 - 1, 1))),
]:
    case("overflow", _name, OK, VE)(with_kw(**_kw))


@case("overflow", "kernel-512", OK)
def _():
    rng = np.random.default_rng(1)
    return (rng.standard_normal((1, 1, 3, 3)).astype(np.float32),
            rng.standard_normal((1, 1, 512, 512)).astype(np.float32), None), {}


@case("overflow", "kernel-512-stride-dilated", OK)
def _():
    rng = np.random.default_rng(2)
    return (rng.standard_normal((1, 2, 2, 2)).astype(np.float32),
            rng.standard_normal((2, 1, 512, 512)).astype(np.float32),
            np.ones(1, np.float32)), dict(stride=(300, 1), dilation=(1, 2), padding=(100, 500))


@case("overflow", "kernel-1x100000", OK)
def _():
    rng = np.random.default_rng(3)
    return (rng.standard_normal((1, 1, 1, 1)), rng.standard_normal((1, 1, 1, 100_000)),
            None), dict(padding=(0, 0, 0, 99_990))


@case("overflow", "kernel-512-cropped-to-1", OK)
def _():
    rng = np.random.default_rng(4)
    return (rng.standard_normal((1, 1, 3, 3)), rng.standard_normal((1, 1, 512, 512)),
            None), dict(padding=(256, 257, 256, 257))


# ---- arrays: ranks, shapes, sizes --------------------------------------------------------------

def arrays_case(name, *expected, kw=None):
    def register(make):
        def full():
            return make(), dict(kw or {})
        case("arrays", name, *expected)(full)
        return make
    return register


@arrays_case("x-3d", VE)
def _(): return np.zeros((2, 3, 3), np.float32), np.zeros((2, 1, 2, 2), np.float32), None
@arrays_case("x-5d", VE)
def _(): return np.zeros((1, 2, 3, 3, 1), np.float32), np.zeros((2, 1, 2, 2), np.float32), None
@arrays_case("x-0d", VE)
def _(): return np.float32(1.0), np.zeros((1, 1, 2, 2), np.float32), None
@arrays_case("weight-3d", VE)
def _(): return np.zeros((1, 2, 3, 3), np.float32), np.zeros((2, 2, 2), np.float32), None
@arrays_case("weight-5d", VE)
def _(): return np.zeros((1, 2, 3, 3), np.float32), np.zeros((2, 1, 2, 2, 1), np.float32), None
@arrays_case("bias-2d", VE)
def _(): return np.zeros((1, 2, 3, 3), np.float32), np.zeros((2, 1, 2, 2), np.float32), np.zeros((1, 1), np.float32)
@arrays_case("bias-long", VE)
def _(): return np.zeros((1, 2, 3, 3), np.float32), np.zeros((2, 1, 2, 2), np.float32), np.zeros(2, np.float32)
@arrays_case("bias-0d", VE)
def _(): return np.zeros((1, 2, 3, 3), np.float32), np.zeros((2, 1, 2, 2), np.float32), np.float32(1)
@arrays_case("channel-mismatch", VE)
def _(): return np.zeros((1, 3, 3, 3), np.float32), np.zeros((2, 1, 2, 2), np.float32), None
@arrays_case("kernel-0", VE)
def _(): return np.zeros((1, 2, 3, 3), np.float32), np.zeros((2, 1, 0, 2), np.float32), None
@arrays_case("batch-0", OK)
def _(): return small(n=0)
@arrays_case("batch-1-tiny", OK)
def _(): return small(n=1, h=1, w=1, kh=1, kw=1)
@arrays_case("h-0", OK, kw=dict(stride=2))
def _(): return small(h=0, kh=3)
@arrays_case("w-0", OK)
def _(): return small(w=0, kw=4)
@arrays_case("h-0-w-0", OK, kw=dict(stride=2))
def _(): return small(h=0, w=0, kh=4, kw=4)
@arrays_case("h-0-empty-output", VE)
def _(): return small(h=0, kh=1)
@arrays_case("cin-0", OK, VE)
def _(): return small(cin=0)
@arrays_case("cout-0", OK, VE)
def _(): return small(cog=0, bias=False)
@arrays_case("huge-batch-broadcast", ME, VE)
def _(): return (np.broadcast_to(np.float32(1), (2**40, 2, 1, 1)),) + small(h=1, w=1)[1:]
@arrays_case("huge-spatial-broadcast", ME, VE)
def _(): return (np.broadcast_to(np.float32(1), (1, 2, 2**20, 2**20)),) + small()[1:]
@arrays_case("beyond-address-space-broadcast", VE, ME)
def _():  # output: 16 * (2**29 + 1)**2 float32 elements, more bytes than 2**63
    return (np.broadcast_to(np.float32(1), (1, 2, 2**29, 2**29)),
            np.zeros((2, 16, 2, 2), np.float32), None)
@arrays_case("huge-cout-broadcast-weight", ME, VE)
def _(): return small()[0], np.broadcast_to(np.float32(1), (2, 2**36, 1, 1)), None
@arrays_case("ragged-list", TE, VE)
def _(): return [[[[1.0], [1.0, 2.0]]]], np.zeros((1, 1, 1, 1)), None
@arrays_case("x-None", TE, VE)
def _(): return None, np.zeros((1, 1, 1, 1)), None
@arrays_case("weight-None", TE, VE)
def _(): return np.zeros((1, 1, 1, 1)), None, None
@arrays_case("x-string", TE, VE)
def _(): return "abcd", np.zeros((1, 1, 1, 1)), None
@arrays_case("x-nested-list", OK)
def _(): return [[[[1.0, 2.0], [3.0, 4.0]]]], np.ones((1, 2, 2, 2)), np.array([0.5, -0.5])
@arrays_case("x-is-weight", OK)
def _():
    a = small(dtype=np.float64, n=2, cin=2, h=2, w=2, cog=2)[0]
    return a, a, None


# ---- dtypes --------------------------------------------------------------------------------------

for _dt in ("int32", "int64", "uint8", "bool", "complex64", "complex128", "longdouble",
            "object", "U2", "M8[s]", "V4", ">f4", ">f8", "float16-vs-float32"):
    def _make(dt=_dt):
        if dt == "float16-vs-float32":
            return (np.zeros((1, 2, 3, 3), np.float16), np.zeros((2, 1, 2, 2), np.float32), None)
        return (np.zeros((1, 2, 3, 3), dt), np.zeros((2, 1, 2, 2), dt), None)
    case("dtypes", f"dtype-{_dt}", TE, *((OK,) if _dt.startswith(">") else ()))(
        lambda m=_make: (m(), {}))


@case("dtypes", "object-array-of-floats", TE)
def _():
    x = np.empty((1, 1, 2, 2), dtype=object)
    x[...] = 1.0
    return (x, np.ones((1, 1, 2, 2)), None), {}


@case("dtypes", "bias-int", TE)
def _():
    x, w, _ = small()
    return (x, w, np.zeros(3, np.int32)), {}


@case("dtypes", "bias-float64-for-float32", TE)
def _():
    x, w, _ = small()
    return (x, w, np.zeros(3)), {}


@case("dtypes", "weight-list-with-float32-x", TE, OK)
def _():
    x, w, _ = small()
    return (x, w.tolist(), None), {}


# ---- subclasses and odd memory -------------------------------------------------------------------

class Tagged(np.ndarray):
    pass


@case("subclasses", "matrix-x", VE)
def _():
    return (np.matrix(np.ones((2, 2), np.float32)), np.ones((2, 1, 2, 2), np.float32), None), {}


@case("subclasses", "matrix-weight", VE)
def _():
    return (small()[0], np.matrix(np.ones((2, 2), np.float32)), None), {}


@case("subclasses", "ndarray-subclass", OK)
def _():
    x, w, b = small()
    return (x.view(Tagged), w.view(Tagged), b.view(Tagged)), {}


@case("subclasses", "masked-array", OK, TE)
def _():
    x, w, b = small()
    return (np.ma.masked_array(x, mask=x > 0), np.ma.masked_array(w), b), {}


@case("subclasses", "memmap-like-readonly", OK)
def _():
    x, w, b = small()
    for a in (x, w, b):
        a.setflags(write=False)
    return (x, w, b), {}


@case("subclasses", "unaligned-all", OK)
def _():
    def unaligned(a):
        buf = np.zeros(a.nbytes + 1, np.uint8)
        u = buf[1:].view(a.dtype).reshape(a.shape)
        u[...] = a
        return u
    x, w, b = small(dtype=np.float64, n=2, cin=4, h=6, w=5, cog=3, kh=3, kw=3)
    return (unaligned(x), unaligned(w), unaligned(b)), dict(stride=2)


@case("subclasses", "unaligned-out", OK, VE)
def _():
    x, w, b = small(dtype=np.float64)
    buf = np.zeros(1 * 3 * 4 * 4 * 8 + 1, np.uint8)
    return (x, w, b), dict(out=buf[1:].view(np.float64).reshape(1, 3, 4, 4))


@case("subclasses", "zero-stride-x", OK)
def _():
    x, w, b = small()
    return (np.lib.stride_tricks.as_strided(x, shape=(3, 2, 3, 3),
                                            strides=(0,) + x.strides[1:]), w, b), {}


@case("subclasses", "negative-strides", OK)
def _():
    x, w, b = small()
    return (x[:, ::-1, ::-1, ::-1], w[::-1, :, ::-1], b[::-1]), dict(padding=(0, 1, 1, 0))


# ---- out= ----------------------------------------------------------------------------------------

def out_case(name, *expected):
    def register(make_out):
        def full():
            x, w, b = small()
            return (x, w, b), dict(out=make_out(x, w, b))
        case("out", name, *expected)(full)
        return make_out
    return register


SHAPE = (1, 3, 4, 4)  # small() with stride 1: (1, 3, 3+1, 3+1)


@out_case("out-ok", OK)
def _(x, w, b): return np.full(SHAPE, np.nan, np.float32)
@out_case("out-readonly", VE)
def _(x, w, b):
    o = np.zeros(SHAPE, np.float32)
    o.setflags(write=False)
    return o
@out_case("out-broadcast", VE)
def _(x, w, b): return np.broadcast_to(np.float32(0), SHAPE)
@out_case("out-zero-strides-over-x", VE)
def _(x, w, b): return np.lib.stride_tricks.as_strided(x, SHAPE, (0, 0, 0, 0))
@out_case("out-wrong-shape", VE)
def _(x, w, b): return np.zeros((1, 3, 4, 5), np.float32)
@out_case("out-wrong-dtype", VE)
def _(x, w, b): return np.zeros(SHAPE, np.float64)
@out_case("out-fortran", VE)
def _(x, w, b): return np.asfortranarray(np.zeros(SHAPE, np.float32))
@out_case("out-strided", VE)
def _(x, w, b): return np.zeros((1, 3, 4, 8), np.float32)[..., ::2]
@out_case("out-list", VE, TE)
def _(x, w, b): return np.zeros(SHAPE).tolist()
@out_case("out-0d", VE)
def _(x, w, b): return np.float32(0)
@out_case("out-subclass", OK)
def _(x, w, b): return np.zeros(SHAPE, np.float32).view(Tagged)
@out_case("out-big-endian", VE)
def _(x, w, b): return np.zeros(SHAPE, ">f4")


@case("out", "out-overlaps-x", VE)
def _():
    buf = np.random.default_rng(5).standard_normal(64).astype(np.float32)
    x = buf[:18].reshape(1, 2, 3, 3)
    return (x, np.ones((2, 2, 1, 1), np.float32), None), dict(out=buf[9:27].reshape(1, 2, 3, 3))


@case("out", "out-is-x", VE)
def _():
    x = np.random.default_rng(5).standard_normal((1, 2, 3, 3)).astype(np.float32)
    return (x, np.ones((2, 2, 1, 1), np.float32), None), dict(out=x)


@case("out", "out-overlaps-weight", VE)
def _():
    buf = np.zeros(200, np.float32)
    w = buf[100:104].reshape(2, 2, 1, 1)
    return (np.ones((1, 2, 3, 3), np.float32), w, None), dict(out=buf[96:114].reshape(1, 2, 3, 3))


@case("out", "out-overlaps-bias", VE)
def _():
    buf = np.zeros(200, np.float32)
    return ((np.ones((1, 2, 3, 3), np.float32), np.ones((2, 2, 1, 1), np.float32),
             buf[150:152]), dict(out=buf[140:158].reshape(1, 2, 3, 3)))


@case("out", "out-float16-wrong", VE)
def _():
    x, w, b = small(dtype=np.float16)
    return (x, w, b), dict(out=np.zeros(SHAPE, np.float32))


# ---- other keywords --------------------------------------------------------------------------------

for _label, _v in [("zero", 0), ("True", True), ("float", 2.0), ("str", "2"),
                   ("minus-1", -1), ("minus-1000", -1000), ("million", 10**6),
                   ("2**31", 2**31), ("2**63", 2**63), ("10**30", 10**30), ("np.int8", np.int8(2))]:
    _expect = {"zero": (VE,), "True": (TE,), "float": (TE,), "str": (TE,)}.get(_label, (OK, VE))
    case("keywords", f"num_threads={_label}", *_expect)(with_kw(num_threads=_v))
for _v in ("gelu", "", "RELU", 3, None.__class__, ("relu",)):
    case("keywords", f"activation={_v!r}", VE, TE)(with_kw(activation=_v))
for _v in ("NCWH", "", None, 0, b"NCHW"):
    case("keywords", f"layout={_v!r}", VE, TE)(with_kw(layout=_v))
for _label, _v, _expect in [("str", "0.1", (TE,)), ("None", None, (TE,)), ("True", True, (TE,)),
                            ("nan", float("nan"), (OK,)), ("inf", float("inf"), (OK,)),
                            ("np.float32", np.float32(0.25), (OK,)), ("int", 1, (OK,)),
                            ("huge-int", 10**400, (OK, TE, VE))]:
    case("keywords", f"negative_slope={_label}", *_expect)(
        with_kw(activation="leaky_relu", negative_slope=_v))

GROUPS = sorted({g for g, _, _ in CASES.values()})


# ---- the child side ---------------------------------------------------------------------------------

def _verify(y, args, kw):
    x, w, b = args
    kw = dict(kw)
    out = kw.pop("out", None)
    kw.pop("num_threads", None)
    if out is not None:
        assert y is out, "out= was not returned"
    act = kw.pop("activation", None)
    xa = np.asarray(x)
    expected, mag = gather_ref(xa, np.asarray(w), None if b is None else np.asarray(b),
                               activation_name=act, **kw)
    compare(np.asarray(y), expected, mag, dtype=xa.dtype)


def run_cases(names):
    """Run the named cases here and print one line each (called in the child)."""
    import convt

    for name in names:
        _, _, make = CASES[name]
        print("START", name, flush=True)
        try:
            args, kw = make()
        except Exception as e:  # a broken case, not a core failure
            print("END", name, "SETUP-ERROR", repr(e)[:300].replace("\n", " "), flush=True)
            continue
        try:
            y = convt.conv_transpose2d(*args, **kw)
        except Exception as e:
            print("END", name, type(e).__name__, str(e)[:300].replace("\n", " "), flush=True)
            continue
        try:
            _verify(y, args, kw)
            print("END", name, "OK", "", flush=True)
        except Exception as e:
            print("END", name, "WRONG", repr(e)[:300].replace("\n", " "), flush=True)


# ---- the parent side --------------------------------------------------------------------------------

def test_case_count():
    # The number of hostile cases is part of the report; keep it from silently shrinking.
    assert len(CASES) >= 250, len(CASES)


@pytest.mark.parametrize("group", GROUPS)
def test_hostile_arguments(group):
    names = [n for n, (g, _, _) in CASES.items() if g == group]
    results, peaks = run_in_child("test_hostile_args", names)
    failures = []
    for name in names:
        outcome, detail = results[name]
        expected = CASES[name][1]
        if outcome not in expected:
            failures.append(f"{name}: expected {'/'.join(sorted(expected))}, got {outcome} "
                            f"{detail}")
    assert not failures, f"{len(failures)} of {len(names)} cases failed:\n" + "\n".join(failures)
    assert peaks and max(peaks) < GIB // 1024, f"peak RSS {max(peaks)} KiB >= 1 GiB"
