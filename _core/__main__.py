"""``python -m convt``: build information and a quick self-check; ``python -m convt bench``.

The self-check runs a handful of small layers and compares a sample of output elements with
a direct summation of the definition (``convt.bench.spot_check``), so a broken build or a
mis-tuned kernel shows up in a second, without pytest.
"""
from __future__ import annotations

import sys

# Small but covering: strides, padding, dilation, groups, output_padding, NHWC, float64.
_CHECKS = [
    dict(N=1, C_in=1, C_out=1, H=4, W=4, kernel=3, stride=1, padding=0, bias=False),
    dict(N=2, C_in=3, C_out=4, H=5, W=6, kernel=3, stride=1, padding=0),
    dict(N=2, C_in=8, C_out=6, H=7, W=5, kernel=4, stride=2, padding=1),
    dict(N=1, C_in=4, C_out=4, H=6, W=6, kernel=3, stride=1, padding=2, dilation=2),
    dict(N=2, C_in=6, C_out=9, H=5, W=4, kernel=3, stride=2, padding=1, output_padding=1,
         groups=3),
    dict(N=1, C_in=5, C_out=5, H=9, W=9, kernel=5, stride=3, padding=2, groups=5),
    dict(N=2, C_in=16, C_out=8, H=4, W=4, kernel=2, stride=2, padding=0, layout="NHWC"),
    dict(N=1, C_in=7, C_out=3, H=6, W=5, kernel=3, stride=2, padding=1, dtype="float64"),
]


def _self_check():
    import json

    import convt
    from convt.bench import layer_kwargs, make_inputs, spot_check

    print("convt", getattr(convt, "__version__", "?"))
    print(json.dumps(convt.build_info(), indent=1, default=str))
    bad = 0
    for i, spec in enumerate(_CHECKS):
        layer = dict(output_padding=0, dilation=1, groups=1, layout="NCHW", dtype="float32",
                     name=f"check{i}")
        layer.update(spec)
        x, w, b = make_inputs(layer, seed=i, bias=layer.pop("bias", True))
        y = convt.conv_transpose2d(x, w, b, **layer_kwargs(layer))
        worst = spot_check(y, x, w, b, layer, points=64, seed=i)
        ok = worst <= 1.0
        bad += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {layer['name']}: {layer['layout']} "
              f"{layer['dtype']} k{layer['kernel']} s{layer['stride']} p{layer['padding']} "
              f"d{layer['dilation']} g{layer['groups']} op{layer['output_padding']} "
              f"-> {y.shape} (worst error/bound {worst:.2g})")
    print("self-check:", "passed" if not bad else f"{bad} FAILED")
    return 1 if bad else 0


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "bench":
        from convt.bench import main as bench_main
        return bench_main(argv[1:])
    if argv:
        print("usage: python -m convt [bench [options]]   (python -m convt bench --help)",
              file=sys.stderr)
        return 2
    return _self_check()


if __name__ == "__main__":
    sys.exit(main())
