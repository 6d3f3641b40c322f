"""``python -m convt bench`` and ``python -m convt``: the harness itself, on tiny inputs.

Nothing here asserts a timing; these check that the command measures, checks, writes and
merges what it says it does.
"""
import json
import sys
import re

import numpy as np
import pytest

from reference import conv_transpose2d_ref

convt = pytest.importorskip("convt")
bench = pytest.importorskip("convt.bench")


def test_suite_is_package_data():
    layers = bench.load_suite()
    names = [l["name"] for l in layers]
    assert len(names) == len(set(names)) >= 16
    assert {"dcgan3_b16_nhwc", "dcgan3_b16_f64", "fcn_up8_dw"} <= set(names)
    for l in layers:
        assert l["C_in"] % l["groups"] == 0 and l["C_out"] % l["groups"] == 0


def test_flops_formula():
    layer = dict(N=2, C_in=6, C_out=4, H=3, W=5, kernel=3, groups=2)
    assert bench.layer_flops(layer) == 2 * 2 * 6 * (4 // 2) * 3 * 3 * 3 * 5


def test_select_layers_by_name_and_prefix():
    layers = bench.load_suite()
    got = [l["name"] for l in bench.select_layers(layers, "dcgan3_b1,unet")]
    assert got == ["dcgan3_b1", "unet_up1_b1", "unet_up3_b1"]
    with pytest.raises(SystemExit):
        bench.select_layers(layers, "no_such_layer")


@pytest.mark.parametrize("layout,dtype", [("NCHW", "float32"), ("NHWC", "float64")])
def test_spot_check_agrees_with_reference_and_catches_errors(layout, dtype):
    layer = dict(N=2, C_in=6, C_out=4, H=5, W=4, kernel=3, stride=2, padding=1,
                 output_padding=1, dilation=1, groups=2, layout=layout, dtype=dtype)
    x, w, b = bench.make_inputs(layer)
    y = conv_transpose2d_ref(x, w, b, stride=2, padding=1, output_padding=1, groups=2,
                             layout=layout).astype(dtype)
    assert bench.spot_check(y, x, w, b, layer, points=200) <= 1.0
    bad = y.copy()
    bad.reshape(-1)[-1] += 1e-2  # the last element is always among the points
    assert bench.spot_check(bad, x, w, b, layer) > 1.0


def test_self_check_passes(capsys):
    from convt.__main__ import main

    assert main([]) == 0
    assert "self-check: passed" in capsys.readouterr().out


def test_bench_writes_json_markdown_and_merges(tmp_path, capsys):
    js, md = tmp_path / "r.json", tmp_path / "r.md"
    code = bench.main(["--layers", "odd_k5s3_b2,fcn_up8_dw", "--peers", "none", "--repeat", "2",
                       "--min-time", "0", "--threads", "1", "-q", "--json", str(js),
                       "--markdown", str(md)])
    assert code == 0
    doc = json.loads(js.read_text())
    assert doc["threads"] == 1 and doc["sgemm_gflops"] > 0
    assert doc["machine"]["cpu_model"] and doc["machine"]["usable_cpus"] >= 1
    assert doc["call_overhead_us"]["convt"] > 0
    assert [r["name"] for r in doc["layers"]] == ["odd_k5s3_b2", "fcn_up8_dw"]
    for r in doc["layers"]:
        c = r["convt"]
        assert c["check_ok"] and c["samples"] >= 2 and c["median_ms"] > 0
        assert c["gflops"] == pytest.approx(r["flops"] / c["median_ms"] / 1e6)
        assert c["peak_extra_bytes"] >= 0
        # % sgemm is against the sgemm sampled among this layer's rounds
        assert c["sgemm_gflops"] > 0
        assert c["pct_sgemm"] == pytest.approx(100 * c["gflops"] / c["sgemm_gflops"])
    assert re.search(r"^\| `odd_k5s3_b2`\*? \| ", md.read_text(), re.M)

    # A second run's peer column merges in; the speed-up is that run's own ratio.
    other = json.loads(js.read_text())
    other["peers"] = {"torch": {"available": True, "label": "PyTorch", "version": "x",
                                "api": "f"}}
    for r in other["layers"]:
        r["peers"] = {"torch": {"status": "ok", "median_ms": 2 * r["convt"]["median_ms"],
                                "ratio": 2.0}}
    other["layers"][1]["peers"]["torch"] = {"status": "n/a", "reason": "cannot"}
    js2 = tmp_path / "r2.json"
    js2.write_text(json.dumps(other))
    capsys.readouterr()
    assert bench.main(["--from-json", str(js), str(js2), "--markdown", str(md)]) == 0
    text = md.read_text()
    assert "PyTorch x" in text and "(2.00x)" in text and "**2.00x**" in text
    assert "PyTorch: cannot (fcn_up8_dw)" in text
    assert "2.00x" in capsys.readouterr().out


def test_interleaved_reference_rides_along_every_nth_round(monkeypatch):
    monkeypatch.setattr(bench.time, "sleep", lambda s: None)
    monkeypatch.setattr(bench, "_PRESAMPLE_SECONDS", 0.0)
    log = []

    def timed(name, reference=0):
        t = bench._Timed(name, lambda: log.append(name), reference=reference)
        return t

    a, ref = timed("a"), timed("ref", reference=4)

    class Quiet:
        def show(self, text):
            pass

    bench._interleaved([a, ref], repeat=9, min_time=0.0, max_rounds=50, progress=Quiet(),
                       label="x")
    # 9 rounds for "a"; the reference in rounds 1, 5, 9 and never a round of its own
    assert len(a.samples) == 9 and len(ref.samples) == 3
    # (each sample is an untimed call and then its one timed call)
    order = ["a", "ref", "a", "a", "a", "a", "ref", "a", "a", "a", "a", "ref"]
    assert log == [name for name in order for _ in range(2)]


def test_sample_times_the_calls_after_the_warm_up():
    # The calls right after the pause between implementations (here: slow ones) are not
    # timed: at least one, and as many as fit in _PRESAMPLE_SECONDS.
    calls = []

    def fn():
        calls.append(None)
        if len(calls) <= 2:
            bench.time.sleep(bench._PRESAMPLE_SECONDS * 0.6)

    t = bench._Timed("a", fn)
    t.loops = 3
    t.sample()
    assert len(calls) == 5 and len(t.samples) == 1
    assert t.samples[0] < bench._PRESAMPLE_SECONDS * 0.3


def test_bench_scaling_times_one_thread_too(tmp_path, capsys):
    js, md = tmp_path / "r.json", tmp_path / "r.md"
    code = bench.main(["--layers", "odd_k5s3_b2", "--peers", "none", "--repeat", "2",
                       "--min-time", "0", "--threads", "2", "--scaling", "-q",
                       "--json", str(js), "--markdown", str(md)])
    assert code == 0
    doc = json.loads(js.read_text())
    assert doc["settings"]["scaling"] is True
    c = doc["layers"][0]["convt"]
    assert c["one_thread_ms"] > 0
    assert c["thread_speedup"] == pytest.approx(c["one_thread_ms"] / c["median_ms"])
    assert "2 threads vs 1" in md.read_text()
    assert f"{c['thread_speedup']:.2f}x" in capsys.readouterr().out
    # On one thread there is nothing to compare: no extra timing, no column.
    assert bench.main(["--layers", "odd_k5s3_b2", "--peers", "none", "--repeat", "2",
                       "--min-time", "0", "--threads", "1", "--scaling", "-q",
                       "--json", str(js)]) == 0
    assert "thread_speedup" not in json.loads(js.read_text())["layers"][0]["convt"]
    assert "x 1 thread" not in capsys.readouterr().out


def test_plot_without_matplotlib_says_so(tmp_path, monkeypatch, capsys):
    import builtins

    real_import = builtins.__import__

    def no_mpl(name, *a, **k):
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real_import(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_mpl)
    doc = {"machine": {"cpu_model": "x"}, "threads": 1, "peers": {}, "layers": []}
    assert bench.plot([doc], str(tmp_path / "p.png")) is False
    assert "needs matplotlib" in capsys.readouterr().err
    assert not (tmp_path / "p.png").exists()


def test_peer_adapters_report_absence_and_limits():
    from convt import _peers

    p = _peers.get_peer("mindspore")
    layer = dict(layout="NHWC", dtype="float32")
    assert "NHWC" in p.unsupported(layer)
    assert "float64" in p.unsupported(dict(layout="NCHW", dtype="float64"))
    with pytest.raises(ValueError):
        _peers.get_peer("tensorflow")
    fake = _peers.Peer()
    fake.module = "convt_no_such_framework"
    assert "not installed" in fake.available()


def test_peers_are_not_imported_by_bench():
    import subprocess
    import sys

    code = ("import sys, convt.bench, convt._peers; "
            "print(sorted(m for m in ('torch', 'paddle', 'mindspore', 'matplotlib') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_bench_with_default_peers_all_absent(capsys, monkeypatch):
    # A newcomer's machine: the default peer list, none of them installed.  The README's
    # first command must print the table and say the peers are absent, not crash.
    for name in ("torch", "paddle", "mindspore"):  # absent even where one is installed
        monkeypatch.setitem(sys.modules, name, None)
    code = bench.main(["--layers", "odd_k5s3_b2", "--repeat", "2", "--min-time", "0",
                       "--threads", "1", "-q"])
    out = capsys.readouterr().out
    assert code == 0
    assert "odd_k5s3_b2" in out and "absent" in out


def test_paddle_peer_puts_intel_openmp_workers_to_sleep(monkeypatch):
    # Before Paddle is imported (libiomp5 reads it at start-up), unless the user chose.
    import importlib

    from convt import _peers

    seen = {}

    def fake_import(name):
        seen["blocktime"] = __import__("os").environ.get("KMP_BLOCKTIME")
        raise ImportError("no paddle here")

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object())
    monkeypatch.setattr(importlib, "import_module", fake_import)
    monkeypatch.delenv("KMP_BLOCKTIME", raising=False)
    assert "no paddle here" in _peers.Paddle().available()
    assert seen["blocktime"] == "0"
    monkeypatch.setenv("KMP_BLOCKTIME", "200")
    assert "no paddle here" in _peers.Paddle().available()
    assert seen["blocktime"] == "200"
