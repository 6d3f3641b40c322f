"""``python -m convt bench``: time the suite layers against the frameworks that are installed.

Design:
- Every number is measured in this process, in this run: our median time per call, the
  sgemm rate of NumPy's BLAS at the same thread count (the practical ceiling of a
  matrix-product-bound layer), and each importable peer's median time.  Peers are timed
  interleaved with convt (ours, peer, ours, peer ... one sample each per round), so a noisy
  minute hits both sides alike; the ratio is ``peer median / convt median`` (> 1: convt is
  faster).
- The share of the sgemm rate is against NumPy's sgemm sampled among the layer's own rounds
  (every fourth round), so that a slow minute of a shared machine lowers both; the run's
  start and end sgemm rates are reported too.
- A sample is ``loops`` back-to-back calls, with ``loops`` chosen so that one sample lasts
  about 10 ms: sub-millisecond layers are not at the mercy of the timer.  Each sample
  follows untimed calls (at least one, for about 10 ms), so that it times the steady state
  rather than the cores' ramp back from the pause between implementations.
- Peers are imported lazily, only when asked for; importing this module costs nothing but
  NumPy.  JSON results can be re-rendered (``--from-json``) and merged: each peer lives in its
  own virtual environment, so the README's table is assembled from one run per environment.
"""
from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import statistics
import sys
import time

import numpy as np

__all__ = ["main", "load_suite", "make_inputs", "layer_flops", "layer_kwargs", "spot_check"]

_SAMPLE_SECONDS = 0.01
_WARMUP_SECONDS = 0.1
# Pause before switching implementations: an OpenMP pool that just finished spins for a
# while (libgomp's GOMP_SPINCOUNT: some milliseconds) and would steal the cores from the next
# runtime's threads.  Peers whose pools spin longer say so (``Peer.settle_seconds``).
_SETTLE_SECONDS = 0.01
# Calls before each sample, after that pause: the machine's own ramp back from idle.
_PRESAMPLE_SECONDS = 0.01
# Other processes using more than this many cores on average make a layer's timing suspect.
_NOISY = 0.15
_TOL = {"float32": 1e-5, "float64": 1e-12, "float16": 2e-3}
_PEER_RTOL = {"float32": 1e-3, "float64": 1e-9, "float16": 1e-2}
_ONE_THREAD = "convt (1 thread)"
_SGEMM = "sgemm"
# 7.2 GFLOP, ~40 ms on this class of machine: as fast per FLOP as 2048^3 (within noise; if
# anything faster) at a fifth of the time, so sampling it every round stays affordable.
_SGEMM_SIZE = 1536
_SGEMM_FLOPS = 2.0 * _SGEMM_SIZE ** 3
# OpenBLAS's pool spins ~0.1 s after a product (its THREAD_TIMEOUT), holding a core: the
# next sample waits it out.  The interleaved sgemm is sampled every _SGEMM_EVERY rounds.
_SGEMM_SETTLE_SECONDS = 0.15
_SGEMM_EVERY = 4


# --------------------------------------------------------------------------- suite
def load_suite():
    """The layers of the benchmark suite (package data ``convt/suite.json``), as dicts."""
    from importlib import resources

    text = resources.files("convt").joinpath("suite.json").read_text(encoding="utf-8")
    return json.loads(text)["layers"]


def select_layers(layers, spec):
    """Filter by a comma list of names; a name may also be a prefix (``dcgan``)."""
    if not spec:
        return list(layers)
    wanted = [s.strip() for s in spec.split(",") if s.strip()]
    names = [l["name"] for l in layers]
    out = []
    for w in wanted:
        hits = [l for l in layers if l["name"] == w] or \
               [l for l in layers if l["name"].startswith(w)]
        if not hits:
            raise SystemExit(f"convt bench: unknown layer {w!r}; known: {', '.join(names)}")
        out += [h for h in hits if h not in out]
    return out


def layer_flops(layer):
    """The conventional count, ``2*N*C_in*(C_out/groups)*KH*KW*H*W``: every (input pixel,
    tap) pair, no inserted zeros, but also the pairs whose output the padding crops, which
    convt's kernels mostly skip (so a layer's rate can pass the sgemm rate)."""
    k = layer["kernel"]
    return (2 * layer["N"] * layer["C_in"] * (layer["C_out"] // layer["groups"])
            * k * k * layer["H"] * layer["W"])


def layer_kwargs(layer):
    """Keyword arguments of ``convt.conv_transpose2d`` for one layer (bias passed apart)."""
    from ._peers import layer_geometry

    return dict(layer_geometry(layer), layout=layer["layout"])


def make_inputs(layer, seed=0, bias=True):
    """``x, weight, bias`` for a layer: standard normal draws, weight scaled by 1/sqrt(fan-in)."""
    rng = np.random.default_rng(seed)
    dt = np.dtype(layer["dtype"])
    n, ci, co, h, w, k, g = (layer[key] for key in ("N", "C_in", "C_out", "H", "W", "kernel",
                                                   "groups"))
    shape = (n, h, w, ci) if layer["layout"] == "NHWC" else (n, ci, h, w)
    x = rng.standard_normal(shape).astype(dt)
    wt = (rng.standard_normal((ci, co // g, k, k)) / math.sqrt(ci // g * k * k)).astype(dt)
    b = rng.standard_normal(co).astype(dt) if bias else None
    return x, wt, b


def spot_check(y, x, w, b, layer, points=32, seed=1):
    """Worst ``error / bound`` over random output elements, each recomputed by direct summation.

    ``bound = tol * (sum |x*w| + |bias| + 1) + tol``, the oracle's tolerance; a value <= 1
    passes.  Cheap for any layer size: one dot product per kernel tap per point.
    """
    nhwc = layer["layout"] == "NHWC"
    xs = x.transpose(0, 3, 1, 2) if nhwc else x
    ys = y.transpose(0, 3, 1, 2) if nhwc else y
    n_, c_in, h, wd = xs.shape
    _, cog, kh, kw = w.shape
    g = layer["groups"]
    cig = c_in // g
    s, p, d = layer["stride"], layer["padding"], layer["dilation"]
    tol = _TOL[layer["dtype"]]
    rng = np.random.default_rng(seed)
    worst = 0.0
    shape = ys.shape
    idx = [tuple(int(rng.integers(0, m)) for m in shape) for _ in range(points)]
    idx.append(tuple(m - 1 for m in shape))
    idx.append((0, 0, 0, 0))
    for n, o, oh, ow in idx:
        grp, oo = divmod(o, cog)
        acc = 0.0
        mag = 0.0
        for a in range(kh):
            t = oh + p - a * d
            if t % s or not 0 <= t // s < h:
                continue
            i = t // s
            for c in range(kw):
                u = ow + p - c * d
                if u % s or not 0 <= u // s < wd:
                    continue
                j = u // s
                xv = xs[n, grp * cig:(grp + 1) * cig, i, j].astype(np.float64)
                wv = w[grp * cig:(grp + 1) * cig, oo, a, c].astype(np.float64)
                acc += float(xv @ wv)
                mag += float(np.abs(xv) @ np.abs(wv))
        if b is not None:
            acc += float(b[o])
            mag += abs(float(b[o]))
        bound = tol * (mag + 1.0) + tol
        worst = max(worst, abs(float(ys[n, o, oh, ow]) - acc) / bound)
    return worst


# --------------------------------------------------------------------------- machine
def machine_info():
    """CPU model, core counts, OS and Python: the context every number depends on."""
    model = platform.processor() or platform.machine()
    flags = ""
    ident = {}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "model name" and model in ("", platform.machine()):
                    model = value.strip()
                elif key == "flags" and not flags:
                    flags = value
                elif key in ("cpu family", "model") and key not in ident:
                    ident[key] = value.strip()
    except OSError:
        pass
    # Hypervisors often mask the model name ("AMD EPYC"); the family and model numbers
    # still tell the generation (AMD family 25: Zen 3/4, 26: Zen 5), and with it whether
    # 512-bit FMAs run at full width, which no flag shows.
    if len(ident) == 2:
        model = f"{model} (family {ident['cpu family']}, model {ident['model']})"
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 1
    isa = [f for f in ("avx2", "fma", "avx512f", "avx512_bf16", "amx_tile") if f in flags.split()]
    return {"cpu_model": model, "logical_cpus": os.cpu_count(), "usable_cpus": usable,
            "isa": isa, "platform": platform.platform(), "python": platform.python_version(),
            "numpy": np.__version__}


def _default_threads():
    return machine_info()["usable_cpus"]


def _cpu_seconds():
    """(busy seconds of all CPUs from /proc/stat, CPU seconds of this process), or None."""
    import resource

    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    busy = (sum(fields[:8]) - fields[3] - fields[4]) / tick  # minus idle and iowait
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return busy, ru.ru_utime + ru.ru_stime


def foreign_load(before, after, seconds):
    """Average number of cores kept busy by *other* processes between two ``_cpu_seconds``.

    Timings on a machine where something else runs are not comparable run to run (OpenMP
    barriers suffer most), so each result file says how quiet its machine was.
    """
    if before is None or after is None or seconds <= 0:
        return None
    return max(0.0, ((after[0] - before[0]) - (after[1] - before[1])) / seconds)


def _wait_quiet(max_seconds, window=2.0):
    """Sleep until other processes leave the CPUs idle for ``window`` s (or time runs out)."""
    deadline = time.perf_counter() + max_seconds
    while time.perf_counter() < deadline:
        a = _cpu_seconds()
        time.sleep(window)
        busy = foreign_load(a, _cpu_seconds(), window)
        if busy is None or busy <= _NOISY:
            return


def _blas_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    return [{k: i.get(k) for k in ("internal_api", "version", "num_threads", "filepath")}
            for i in threadpool_info() if i.get("user_api") == "blas"]


def sgemm_call():
    """A no-argument callable doing one NumPy float32 _SGEMM_SIZE^3 matmul into a fixed
    output (the rates computed from its timings assume that size)."""
    size = _SGEMM_SIZE
    rng = np.random.default_rng(0)
    a = rng.standard_normal((size, size), dtype=np.float32)
    bm = rng.standard_normal((size, size), dtype=np.float32)
    c = np.empty_like(a)
    return lambda: np.matmul(a, bm, out=c)


def _blas_threads(threads):
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=threads, user_api="blas")


def sgemm_gflops(threads, fn=None, samples=5):
    """NumPy float32 matmul rate at ``threads`` BLAS threads (median of ``samples``), of
    ``fn`` (a ``sgemm_call()``; a new one when None)."""
    fn = fn or sgemm_call()
    with _blas_threads(threads):
        fn()
        times = []
        for _ in range(samples):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
    return _SGEMM_FLOPS / statistics.median(times) / 1e9


def _kernel_scratch(convt, layer, threads):
    """Scratch bytes the kernel reports for ``layer``, if the core exposes it, else ``None``."""
    fn = getattr(convt, "plan", None)
    if callable(fn):
        try:
            x_shape = (layer["N"], layer["C_in"], layer["H"], layer["W"])
            if layer["layout"] == "NHWC":
                x_shape = (layer["N"], layer["H"], layer["W"], layer["C_in"])
            w_shape = (layer["C_in"], layer["C_out"] // layer["groups"], layer["kernel"],
                       layer["kernel"])
            return int(fn(x_shape, w_shape, dtype=layer["dtype"], num_threads=threads,
                          **layer_kwargs(layer))["scratch_bytes"])
        except Exception:
            return None
    return None


# --------------------------------------------------------------------------- timing
class _Progress:
    """A plain-text bar on stderr; one line per step when stderr is not a terminal."""

    def __init__(self, total, enabled=True, width=28):
        self.total = max(total, 1)
        self.done = 0
        self.enabled = enabled
        self.width = width
        self.tty = enabled and sys.stderr.isatty()
        self._last = ""

    def show(self, text):
        if not self.enabled:
            return
        frac = self.done / self.total
        full = int(frac * self.width)
        bar = "#" * full + "." * (self.width - full)
        line = f"[{bar}] {self.done}/{self.total} {text}"
        if self.tty:
            pad = max(0, len(self._last) - len(line))
            sys.stderr.write("\r" + line + " " * pad)
            sys.stderr.flush()
            self._last = line

    def step(self, text=""):
        self.done += 1
        if self.tty:
            self.show(text)
        elif self.enabled:
            # A log file gets one line per finished step, not every redraw.
            full = int(self.done / self.total * self.width)
            sys.stderr.write(f"[{'#' * full}{'.' * (self.width - full)}] "
                             f"{self.done}/{self.total} {text}\n")
            sys.stderr.flush()

    def close(self):
        if self.enabled and self.tty:
            sys.stderr.write("\n")
            sys.stderr.flush()


class _Timed:
    """One implementation of one layer, with its calibrated loop count and samples."""

    def __init__(self, name, fn, settle=_SETTLE_SECONDS, reference=0):
        self.name = name
        self.fn = fn
        self.settle = settle
        # A reference is sampled in every ``reference``-th round (1, 1 + reference, ...)
        # while the others need samples; it never asks for rounds of its own.
        self.reference = reference
        self.loops = 1
        self.samples = []
        self.error = None

    def warm_and_calibrate(self):
        t0 = time.perf_counter()
        self.fn()
        first = time.perf_counter() - t0
        if first > _WARMUP_SECONDS:
            self.loops = 1
            return
        calls, start = 0, time.perf_counter()
        while calls < 3 or time.perf_counter() - start < _WARMUP_SECONDS:
            self.fn()
            calls += 1
        per_call = (time.perf_counter() - start) / calls
        self.loops = max(1, int(_SAMPLE_SECONDS / max(per_call, 1e-9)))

    def sample(self):
        fn, loops = self.fn, self.loops
        # Untimed calls first (every implementation, the sgemm too): after the settle pause
        # the cores have idled, and they come back slowly, whatever the code or the thread
        # count (dcgan3_b1, 2 threads, after 10 ms asleep: 1.14, 0.73, 0.58, 0.53 ms for
        # the first calls, 0.49 ms from the fifth on).  A 10 ms sample carried most of that
        # ramp, a 40 ms sgemm sample a fraction of it.
        warm_until = time.perf_counter() + _PRESAMPLE_SECONDS
        fn()
        while time.perf_counter() < warm_until:
            fn()
        t0 = time.perf_counter()
        for _ in range(loops):
            fn()
        self.samples.append((time.perf_counter() - t0) / loops)

    @property
    def spent(self):
        return sum(self.samples) * self.loops

    @property
    def median(self):
        return statistics.median(self.samples)


def _interleaved(impls, repeat, min_time, max_rounds, progress, label):
    """Round-robin samples until each has ``repeat`` samples and ``min_time`` seconds."""
    rounds = 0
    previous = None
    while True:
        pending = [t for t in impls if t.error is None and not t.reference and
                   (len(t.samples) < repeat or
                    (t.spent < min_time and len(t.samples) < max_rounds))]
        if not pending:
            return
        rounds += 1
        pending += [t for t in impls if t.error is None and t.reference
                    and (rounds - 1) % t.reference == 0]
        for t in pending:
            progress.show(f"{label}: round {rounds}, {t.name}")
            # (before the first sample: the warm-ups ran every implementation just now)
            time.sleep(previous.settle if previous is not None
                       else max(u.settle for u in impls))
            previous = t
            try:
                t.sample()
            except Exception as e:  # a peer failing mid-run is reported, not fatal
                t.error = f"{type(e).__name__}: {e}"


def _extra_bytes(c):
    """Memory of one call beyond its output: traced NumPy peak + the kernel's C scratch."""
    return c["peak_extra_bytes"] + (c.get("kernel_scratch_bytes") or 0)


def _peak_extra_bytes(fn):
    """Peak traced allocation of one call minus its output (NumPy memory is traced)."""
    import tracemalloc

    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        out = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return max(0, peak - int(getattr(out, "nbytes", 0)))


def call_overhead_us(fn, calls=200, samples=15):
    """Median microseconds per call of ``fn`` (a trivially small layer)."""
    for _ in range(calls):
        fn()
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - t0) / calls)
    return statistics.median(times) * 1e6


# --------------------------------------------------------------------------- run
def _bench_layer(convt, layer, peers, threads, args, progress):
    x, w, b = make_inputs(layer, seed=args.seed)
    kw = layer_kwargs(layer)

    def ours():
        return convt.conv_transpose2d(x, w, b, num_threads=threads, **kw)

    progress.show(f"{layer['name']}: convt check")
    y = ours()
    check = spot_check(y, x, w, b, layer)
    flops = layer_flops(layer)
    rec = {k: layer[k] for k in layer}
    rec["flops"] = flops
    rec["out_bytes"] = int(y.nbytes)
    impls = [_Timed("convt", ours)]
    if args.scaling and threads > 1:
        # The same call on one thread, interleaved like a peer: the thread speed-up.
        impls.append(_Timed(_ONE_THREAD, lambda: convt.conv_transpose2d(
            x, w, b, num_threads=1, **kw)))
    peer_recs = {}
    for key, peer in peers.items():
        reason = peer.unsupported(layer)
        if reason:
            peer_recs[key] = {"status": "n/a", "reason": reason}
            continue
        progress.show(f"{layer['name']}: {key} build")
        try:
            run, to_numpy = peer.build(layer, x, w, b)
            got = np.asarray(to_numpy(run()))
        except Exception as e:
            msg = f"{type(e).__name__}: {e}".splitlines()[0][:200]
            peer_recs[key] = {"status": "n/a", "reason": msg}
            continue
        if got.shape != y.shape:
            peer_recs[key] = {"status": "mismatch",
                              "reason": f"shape {got.shape} != {y.shape}"}
            continue
        scale = float(np.max(np.abs(y))) + 1e-30
        err = float(np.max(np.abs(got.astype(np.float64) - y))) / scale
        status = "ok" if err <= _PEER_RTOL[layer["dtype"]] else "mismatch"
        peer_recs[key] = {"status": status, "max_rel_err": err}
        impls.append(_Timed(key, run, max(_SETTLE_SECONDS, peer.settle_seconds)))
    del y
    # Right after convt's own sample: a peer's pool may still be spinning after its sample.
    impls.insert(1, _Timed(_SGEMM, args.sgemm_call, _SGEMM_SETTLE_SECONDS,
                           reference=_SGEMM_EVERY))
    for t in impls:
        progress.show(f"{layer['name']}: warm-up {t.name}")
        try:
            t.warm_and_calibrate()
        except Exception as e:
            t.error = f"{type(e).__name__}: {e}"
    _interleaved(impls, args.repeat, args.min_time, args.max_rounds, progress, layer["name"])
    mine = impls[0]
    if mine.error:
        raise RuntimeError(f"convt failed on {layer['name']}: {mine.error}")
    med = mine.median
    rec["convt"] = {
        "median_ms": med * 1e3, "min_ms": min(mine.samples) * 1e3,
        "samples": len(mine.samples), "loops": mine.loops,
        "gflops": flops / med / 1e9,
        "pct_sgemm": None,  # filled in below, from the sgemm sampled in the same rounds
        "spot_check": check, "check_ok": bool(check <= 1.0),
        "peak_extra_bytes": _peak_extra_bytes(ours),
        "kernel_scratch_bytes": _kernel_scratch(convt, layer, threads),
    }
    for t in impls[1:]:
        if t.name == _SGEMM:
            if t.error is None:
                rate = _SGEMM_FLOPS / t.median / 1e9
                rec["convt"].update(sgemm_gflops=rate,
                                    pct_sgemm=100.0 * rec["convt"]["gflops"] / rate)
            continue
        if t.name == _ONE_THREAD:
            if t.error is None:
                rec["convt"].update(one_thread_ms=t.median * 1e3,
                                    thread_speedup=t.median / med)
            continue
        r = peer_recs[t.name]
        if t.error:
            r.update(status="n/a", reason=f"failed while timing: {t.error}"[:200])
            continue
        r.update(median_ms=t.median * 1e3, min_ms=min(t.samples) * 1e3,
                 samples=len(t.samples), loops=t.loops, gflops=flops / t.median / 1e9,
                 ratio=t.median / med)
    rec["peers"] = peer_recs
    return rec


def _geomean(values):
    values = [v for v in values if v and v > 0]
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def run(args):
    """Measure; returns the result dict that ``--json`` writes."""
    threads = args.threads or _default_threads()
    # Frameworks read these when their OpenMP/MKL runtimes start, i.e. at their import.
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, str(threads))
    import convt
    from . import _peers

    selected = select_layers(load_suite(), args.layers)
    peer_keys = [] if args.peers.strip().lower() == "none" else \
        [k.strip() for k in args.peers.split(",") if k.strip()]
    peers, peer_meta = {}, {}
    for key in peer_keys:
        p = _peers.get_peer(key)
        why = p.available()
        if why is None:
            p.set_threads(threads)
            peers[key] = p
            peer_meta[key] = {"available": True, "label": p.label, "version": p.version(),
                              "api": p.api, "threads": p.thread_note}
        else:
            peer_meta[key] = {"available": False, "label": p.label, "reason": why}
        if not args.quiet:
            print(f"{p.label:10s} " + (f"{p.version()} ({p.api})" if why is None
                                        else f"absent: {why}"), file=sys.stderr)

    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    cpu0, t0 = _cpu_seconds(), time.perf_counter()
    progress = _Progress(len(selected) + 2, enabled=not args.quiet)
    progress.show(f"sgemm {_SGEMM_SIZE}^3")
    args.sgemm_call = sgemm_call()
    args.sgemm = sgemm_gflops(threads, args.sgemm_call)
    progress.step("call overhead")
    tiny = {"name": "overhead", "N": 1, "C_in": 1, "C_out": 1, "H": 4, "W": 4, "kernel": 3,
            "stride": 1, "padding": 0, "output_padding": 0, "dilation": 1, "groups": 1,
            "layout": "NCHW", "dtype": "float32"}
    xs, ws, _ = make_inputs(tiny, bias=False)
    # The overhead layer is a kernel path of its own (one channel, no bias): check it too.
    if spot_check(convt.conv_transpose2d(xs, ws, num_threads=threads), xs, ws, None,
                  tiny) > 1.0:
        raise RuntimeError("convt gives a wrong result for the 1x1x4x4 overhead layer")
    overhead = {"convt": call_overhead_us(
        lambda: convt.conv_transpose2d(xs, ws, num_threads=threads))}
    for key, p in peers.items():
        try:
            fn, _ = p.build(tiny, xs, ws, None)
            overhead[key] = call_overhead_us(fn, calls=50 if key == "mindspore" else 200)
        except Exception:
            overhead[key] = None
    progress.step("layers")

    results = []
    for layer in selected:
        for attempt in range(args.retry_noisy + 1):
            c0, l0 = _cpu_seconds(), time.perf_counter()
            with _blas_threads(threads):  # for the interleaved sgemm
                rec = _bench_layer(convt, layer, peers, threads, args, progress)
            busy = foreign_load(c0, _cpu_seconds(), time.perf_counter() - l0)
            rec["foreign_cores_busy"] = busy
            rec["attempts"] = attempt + 1
            gc.collect()
            if busy is None or busy <= _NOISY or attempt == args.retry_noisy:
                break
            progress.show(f"{layer['name']}: {busy:.2f} foreign cores busy, waiting to redo")
            _wait_quiet(60.0)
        results.append(rec)
        progress.step(f"{layer['name']} done")
    progress.close()
    # The run's ceiling is the better of two measurements: a busy moment only ever lowers
    # it.  A layer whose interleaved sgemm failed falls back to it.
    sgemm = [args.sgemm, sgemm_gflops(threads, args.sgemm_call)]
    args.sgemm = max(sgemm)
    for r in results:
        if r["convt"]["pct_sgemm"] is None:
            r["convt"]["pct_sgemm"] = 100.0 * r["convt"]["gflops"] / args.sgemm
    foreign = foreign_load(cpu0, _cpu_seconds(), time.perf_counter() - t0)
    if foreign is not None and foreign > _NOISY:
        print(f"convt bench: other processes kept {foreign:.2f} cores busy during the run; "
              "timings are unreliable (rerun on a quiet machine)", file=sys.stderr)

    geo = {"convt_gflops": _geomean([r["convt"]["gflops"] for r in results])}
    for key in peers:
        geo[key] = _geomean([r["peers"][key].get("ratio") for r in results
                             if r["peers"][key].get("status") == "ok"])
    build = {}
    try:
        build = convt.build_info()
    except Exception as e:
        build = {"error": repr(e)}
    return {
        "schema": 1,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine_info(),
        "blas": _blas_info(),
        "convt": {"version": getattr(convt, "__version__", "?"), "build_info": build},
        "threads": threads,
        "settings": {"repeat": args.repeat, "min_time": args.min_time,
                     "retry_noisy": args.retry_noisy, "scaling": bool(args.scaling),
                     "max_rounds": args.max_rounds, "seed": args.seed, "bias": True,
                     "sample_seconds": _SAMPLE_SECONDS},
        "quiet": {"loadavg_before": load_before, "foreign_cores_busy": foreign,
                  "wall_seconds": time.perf_counter() - t0},
        "sgemm_gflops": args.sgemm,
        "sgemm_gflops_start_end": sgemm,
        "call_overhead_us": overhead,
        "peers": peer_meta,
        "layers": results,
        "geomean": geo,
    }


# --------------------------------------------------------------------------- reports
def _fmt_ms(v):
    if v is None:
        return "-"
    return f"{v:.3g}" if v < 10 else f"{v:.1f}" if v < 1000 else f"{v:.0f}"


def _peer_cell(r, md=False):
    if r is None:
        return "absent"
    if r.get("status") == "ok" and "ratio" in r:
        return f"{_fmt_ms(r['median_ms'])} ({r['ratio']:.2f}x)"
    if r.get("status") == "mismatch":
        return "mismatch"
    return "n/a"


def _has_scaling(ours):
    return any("thread_speedup" in r["convt"] for r in ours.values())


def _speedup_cell(c):
    v = c.get("thread_speedup")
    return "-" if v is None else f"{v:.2f}x"


def _merged(docs):
    """Layers in first-seen order; convt numbers from the first document; peers from any."""
    order, ours, peers, meta = [], {}, {}, {}
    for d in docs:
        for key, m in d["peers"].items():
            if m.get("available") or key not in meta:
                meta[key] = m
        for r in d["layers"]:
            name = r["name"]
            if name not in ours:
                order.append(name)
                ours[name] = r
            peers.setdefault(name, {})  # also when no peer was importable
            for key, pr in r["peers"].items():
                if key not in peers.setdefault(name, {}) or pr.get("status") == "ok":
                    peers[name][key] = pr
    return order, ours, peers, meta


def text_table(docs):
    order, ours, peers, meta = _merged(docs)
    keys = [k for k in ("torch", "paddle", "mindspore") if k in meta]
    scaling = _has_scaling(ours)
    head = ["layer", "convt ms", "GFLOP/s", "%sgemm", "extra MiB"] + \
           (["x 1 thread"] if scaling else []) + \
           [f"{meta[k]['label']} ms (x)" for k in keys] + ["check", "noise"]
    rows = []
    for name in order:
        c = ours[name]["convt"]
        row = [name, _fmt_ms(c["median_ms"]), f"{c['gflops']:.1f}",
               f"{c['pct_sgemm']:.0f}" if c.get("pct_sgemm") else "-",
               f"{_extra_bytes(c) / 2**20:.2f}"]
        if scaling:
            row.append(_speedup_cell(c))
        row += [_peer_cell(peers[name].get(k)) if meta[k].get("available") else "absent"
                for k in keys]
        row.append("ok" if c["check_ok"] else f"FAIL ({c['spot_check']:.3g})")
        busy = ours[name].get("foreign_cores_busy")
        row.append("-" if busy is None else f"{busy:.2f}")
        rows.append(row)
    geo = ["geomean", "", f"{_geomean([ours[n]['convt']['gflops'] for n in order]):.1f}", "", ""]
    if scaling:
        geo.append("")
    for k in keys:
        g = _geomean([peers[n][k].get("ratio") for n in order
                      if peers[n].get(k, {}).get("status") == "ok"])
        geo.append(f"{g:.2f}x" if g else "-")
    rows.append(geo + ["", ""])
    widths = [max(len(str(r[i])) for r in [head] + rows) for i in range(len(head))]
    lines = ["  ".join(str(v).rjust(w) if i else str(v).ljust(w)
                       for i, (v, w) in enumerate(zip(r, widths))) for r in [head] + rows]
    d0 = docs[0]
    lines.insert(0, f"{d0['machine']['cpu_model']}, {d0['threads']} threads; numpy sgemm "
                    f"{d0['sgemm_gflops']:.0f} GFLOP/s; call overhead "
                    + ", ".join(f"{k} {v:.1f} us" for k, v in d0["call_overhead_us"].items()
                                if v is not None))
    lines.append("(x) = peer median / convt median, same process, interleaved: > 1 means "
                 "convt is faster. noise = cores other processes kept busy meanwhile.")
    if scaling:
        lines.append(f"x 1 thread = convt's median on 1 thread / its median on "
                     f"{d0['threads']} threads, interleaved (--scaling).")
    for d in docs:
        busy = d.get("quiet", {}).get("foreign_cores_busy")
        if busy is not None:
            lines.append(f"other processes kept {busy:.2f} cores busy during the run")
    for k in keys:
        if not meta[k].get("available"):
            lines.append(f"{meta[k]['label']}: absent ({meta[k].get('reason')})")
    return "\n".join(lines)


def markdown(docs):
    """The README table: one row per layer, ratios from the run that measured each peer."""
    order, ours, peers, meta = _merged(docs)
    keys = [k for k in ("torch", "paddle", "mindspore") if k in meta and meta[k].get("available")]
    d0 = docs[0]
    m = d0["machine"]
    out = [f"Machine: {m['cpu_model']}, {m['usable_cpus']} usable CPUs "
           f"({', '.join(m.get('isa', []))}); {d0['threads']} threads; "
           f"Python {m['python']}; convt {d0['convt']['version']}.",
           ""]
    vers = []
    for k in keys:
        mk = meta[k]
        vers.append(f"{mk['label']} {mk['version']} (`{mk['api']}`)")
    if vers:
        out += ["Peers: " + "; ".join(vers) + ".", ""]
    sg = ", ".join(f"{d['sgemm_gflops']:.0f}" for d in docs)
    overhead = {}
    for d in docs:  # convt's from the first run, each peer's from the run that had it
        for k, v in d["call_overhead_us"].items():
            if v is not None:
                overhead.setdefault(k, v)
    out += [f"NumPy float32 sgemm {_SGEMM_SIZE}^3 at the same thread count, measured at the "
            f"start and end of each run (best): {sg} GFLOP/s; % sgemm is against the sgemm "
            "sampled in the same rounds as the layer. Call overhead (1x1x4x4 input, 3x3 kernel, median): "
            + ", ".join(f"{k} {v:.1f} us" for k, v in overhead.items()) + "."]
    busy = [d.get("quiet", {}).get("foreign_cores_busy") for d in docs]
    if all(b is not None for b in busy):
        out.append("Other processes kept " + ", ".join(f"{b:.2f}" for b in busy)
                   + " cores busy on average during the run(s) (0 = a quiet machine).")
    out.append("")
    scaling = _has_scaling(ours)
    head = ["layer", "convt ms", "GFLOP/s", "% sgemm", "extra MiB"] + \
           ([f"{d0['threads']} threads vs 1"] if scaling else []) + \
           [f"{meta[k]['label']} ms (speed-up)" for k in keys]
    out.append("| " + " | ".join(head) + " |")
    out.append("|---|" + "---:|" * (len(head) - 1))
    noisy = []
    for name in order:
        c = ours[name]["convt"]
        busy = [d_r.get("foreign_cores_busy") or 0.0 for d in docs for d_r in d["layers"]
                if d_r["name"] == name]
        mark = ""
        if max(busy, default=0.0) > _NOISY:
            mark = "*"
            noisy.append(name)
        row = [f"`{name}`{mark}", _fmt_ms(c["median_ms"]), f"{c['gflops']:.1f}",
               f"{c['pct_sgemm']:.0f}" if c.get("pct_sgemm") else "-",
               f"{_extra_bytes(c) / 2**20:.2f}"]
        if scaling:
            row.append(_speedup_cell(c))
        for k in keys:
            r = peers[name].get(k)
            row.append(_peer_cell(r) if r else "-")
        out.append("| " + " | ".join(row) + " |")
    geo = ["**geomean**", "", f"{_geomean([ours[n]['convt']['gflops'] for n in order]):.1f}",
           "", ""] + ([""] if scaling else [])
    for k in keys:
        g = _geomean([peers[n][k].get("ratio") for n in order
                      if peers[n].get(k, {}).get("status") == "ok"])
        geo.append(f"**{g:.2f}x**" if g else "-")
    out.append("| " + " | ".join(geo) + " |")
    out += ["",
            "Speed-up = the peer's median time / convt's median time, both measured in the "
            "same process, interleaved round by round (> 1: convt is faster); the geomean "
            "is over the layers the peer can run. convt ms and % sgemm come from the first "
            "run listed; extra MiB is the memory of one convt call beyond its output: the "
            "peak traced NumPy allocation plus the kernel's own C scratch (convt.plan)."
            + (" Threads vs 1 = convt's median on one thread / its median on "
               f"{d0['threads']} threads, also interleaved (`--scaling`)." if scaling else "")]
    reasons = {}
    for name in order:
        for k in keys:
            r = peers[name].get(k)
            if r and r.get("status") != "ok":
                reasons.setdefault((k, r.get("reason", r.get("status"))), []).append(name)
    if noisy:
        out += ["", f"\\* Other processes used more than {_NOISY} cores while this layer was "
                    "measured (in at least one run), even after retries: treat as approximate."]
    if reasons:
        out.append("")
        out.append("Not measured (the peer refused the layer, or disagreed with convt):")
    for (k, why), names in reasons.items():
        out.append(f"- {meta[k]['label']}: {why} ({', '.join(names)})")
    return "\n".join(out) + "\n"


def plot(docs, path):
    """Horizontal bars of the speed-ups per layer and peer (log scale); needs matplotlib."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("convt bench: --plot needs matplotlib (pip install matplotlib); no plot written",
              file=sys.stderr)
        return False
    order, _, peers, meta = _merged(docs)
    keys = [k for k in ("torch", "paddle", "mindspore") if meta.get(k, {}).get("available")]
    if not keys:
        print("convt bench: no peer was measured; no plot written", file=sys.stderr)
        return False
    fig, ax = plt.subplots(figsize=(8, 0.42 * len(order) * len(keys) ** 0.5 + 1.5))
    height = 0.8 / len(keys)
    for i, k in enumerate(keys):
        vals = [peers[n].get(k, {}).get("ratio") if peers[n].get(k, {}).get("status") == "ok"
                else None for n in order]
        ys = [j + i * height for j, v in enumerate(vals) if v]
        ax.barh(ys, [v for v in vals if v], height=height, label=meta[k]["label"])
    ax.set_xscale("log")
    all_vals = [peers[n][k]["ratio"] for n in order for k in keys
                if peers[n].get(k, {}).get("status") == "ok"] + [1.0]
    lo, hi = min(all_vals) / 1.5, max(all_vals) * 1.5
    ax.set_xlim(lo, hi)
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter
    ticks = [t * 10.0 ** e for e in range(-3, 5) for t in (1, 2, 5) if lo <= t * 10.0 ** e <= hi]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}x"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_yticks([j + 0.4 - height / 2 for j in range(len(order))])
    ax.set_yticklabels(order)
    ax.invert_yaxis()
    ax.set_xlabel("speed-up of convt (peer time / convt time, log scale; > 1: convt faster)")
    m = docs[0]["machine"]
    ax.set_title(f"convt vs peers, {m['cpu_model']}, {docs[0]['threads']} threads",
                 fontsize=9)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


# --------------------------------------------------------------------------- CLI
def _parser():
    p = argparse.ArgumentParser(
        prog="python -m convt bench",
        description="Time convt on the suite layers against PyTorch, Paddle and MindSpore "
                    "(whichever are importable), in this process.")
    p.add_argument("--layers", default="",
                   help="comma list of layer names or name prefixes (default: all)")
    p.add_argument("--list", action="store_true", help="list the suite layers and exit")
    p.add_argument("--threads", type=int, default=None,
                   help="thread count for convt, the peers and the sgemm (default: all cores)")
    p.add_argument("--repeat", type=int, default=7,
                   help="at least this many interleaved samples per implementation (default 7)")
    p.add_argument("--min-time", type=float, default=0.5,
                   help="keep sampling until each implementation ran this many seconds, "
                        "up to --max-rounds samples (default 0.5)")
    p.add_argument("--max-rounds", type=int, default=51, help=argparse.SUPPRESS)
    p.add_argument("--peers", default="torch,paddle,mindspore",
                   help="peers to try, or 'none' (default: torch,paddle,mindspore)")
    p.add_argument("--retry-noisy", type=int, default=0, metavar="N",
                   help="re-measure a layer up to N times when other processes used the CPUs "
                        "meanwhile (read from /proc/stat; default 0)")
    p.add_argument("--scaling", action="store_true",
                   help="also time convt on 1 thread, interleaved, and report the speed-up "
                        "of --threads over 1 thread")
    p.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--json", metavar="PATH", help="write all results as JSON")
    p.add_argument("--markdown", metavar="PATH", help="write the README table (markdown)")
    p.add_argument("--plot", metavar="PATH", help="bar chart of the speed-ups (matplotlib)")
    p.add_argument("--from-json", metavar="PATH", nargs="+",
                   help="do not measure: render --markdown/--plot/the table from saved JSON "
                        "(several files are merged, e.g. one per peer environment)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    return p


def main(argv=None):
    """Entry point of ``python -m convt bench``; returns a process exit code."""
    args = _parser().parse_args(argv)
    if args.list:
        for l in load_suite():
            print(f"{l['name']:18s} N={l['N']} C_in={l['C_in']} C_out={l['C_out']} "
                  f"{l['H']}x{l['W']} k{l['kernel']} s{l['stride']} p{l['padding']} "
                  f"op{l['output_padding']} d{l['dilation']} g{l['groups']} {l['layout']} "
                  f"{l['dtype']}  {layer_flops(l) / 1e9:.3f} GFLOP")
        return 0
    if args.repeat < 1 or args.min_time < 0 or (args.threads is not None and args.threads < 1):
        raise SystemExit("convt bench: --repeat and --threads must be >= 1, --min-time >= 0")
    if args.from_json:
        docs = []
        for path in args.from_json:
            with open(path, encoding="utf-8") as f:
                docs.append(json.load(f))
    else:
        docs = [run(args)]
        if args.json:
            os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
            with open(args.json, "w", encoding="utf-8") as f:
                json.dump(docs[0], f, indent=1)
                f.write("\n")
    print(text_table(docs))
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(markdown(docs))
    if args.plot:
        plot(docs, args.plot)
    failed = [r["name"] for d in docs for r in d["layers"] if not r["convt"]["check_ok"]]
    if failed:
        print(f"convt bench: spot check FAILED for {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0
