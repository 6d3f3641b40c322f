"""Every algorithm of the kernel, forced on the same random geometry, against the oracle.

The kernel picks between stride phases on BLAS (1), GEMM + col2im (2) and stride phases on
its own micro-kernel (3) per layer; forcing each keeps all covered whatever the chooser
prefers today.  Depthwise problems additionally go through the dedicated row kernels under
algorithm 1.
"""
from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import convt
import convt.conv_transpose as ct
from reference import assert_close

EXAMPLES = int(os.environ.get("CONVT_FUZZ_EXAMPLES", "40"))


ALGORITHMS = pytest.mark.parametrize("algorithm", [1, 2, 3, 4],
                                     ids=["phases", "col2im", "microkernel", "direct"])


class forced:
    """Force the kernel's algorithm for the duration of one example."""

    def __init__(self, algorithm):
        self.algorithm = algorithm

    def __enter__(self):
        self.saved, ct._force_algorithm = ct._force_algorithm, self.algorithm

    def __exit__(self, *exc):
        ct._force_algorithm = self.saved


def _check_every_thread_count(x, w, b, algorithm, **kw):
    """Under the forced algorithm, into an output inside a larger buffer whose margins must
    not change (``margined``): against the oracle on 1, 2 and 3 threads, and the same bits
    on each."""
    shape = convt.output_shape(x.shape, w.shape, **{k: v for k, v in kw.items() if k in (
        "stride", "padding", "output_padding", "dilation", "groups", "layout")})
    ys = []
    with forced(algorithm):
        for threads in (1, 2, 3):
            out, margins_intact = margined(shape, x.dtype)
            y = convt.conv_transpose2d(x, w, b, out=out, num_threads=threads, **kw)
            assert y is out
            assert margins_intact()
            assert_close(y, x, w, b, **kw)
            ys.append(y.copy())
    for y in ys[1:]:
        np.testing.assert_array_equal(y, ys[0])


def margined(shape, dtype):
    """An output of ``shape`` inside a buffer of 7.0s, NaN until written, and a check that the
    32 elements either side are still 7.0: a write past either end, or an element left
    unwritten (NaN against the oracle), shows."""
    size = int(np.prod(shape))
    buf = np.full(size + 64, 7.0, dtype)
    out = buf[32:32 + size].reshape(shape)
    out[...] = np.nan
    return out, lambda: bool(np.all(buf[:32] == 7.0) and np.all(buf[32 + size:] == 7.0))


@st.composite
def problems(draw, depthwise=False):
    groups = draw(st.integers(1, 3))
    cig = 1 if depthwise else draw(st.integers(1, 4)) * (draw(st.integers(0, 9)) > 0)
    cog = 1 if depthwise else draw(st.integers(1, 4))
    kh, kw = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    sh, sw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    dh, dw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    h, w = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    pads = [draw(st.integers(0, 3)) for _ in range(4)]
    oph, opw = draw(st.integers(0, 4)), draw(st.integers(0, 4))
    ho = (h - 1) * sh - pads[0] - pads[1] + dh * (kh - 1) + 1 + oph
    wo = (w - 1) * sw - pads[2] - pads[3] + dw * (kw - 1) + 1 + opw
    if ho <= 0 or wo <= 0:
        pads = [0, 0, 0, 0]
    return dict(n=draw(st.integers(1, 3)), cin=cig * groups, cout=cog * groups, k=(kh, kw),
                stride=(sh, sw), dilation=(dh, dw), padding=tuple(pads),
                output_padding=(oph, opw), groups=groups, hw=(h, w),
                layout="NCHW" if depthwise else draw(st.sampled_from(["NCHW", "NHWC"])),
                dtype=draw(st.sampled_from([np.float32, np.float64])),
                activation=draw(st.sampled_from([None, "relu", "tanh"])),
                bias=draw(st.booleans()), seed=draw(st.integers(0, 2**31)))


def _check(prob, num_threads=None):
    rng = np.random.default_rng(prob["seed"])
    h, w = prob["hw"]
    x = rng.standard_normal((prob["n"], prob["cin"], h, w)).astype(prob["dtype"])
    if prob["layout"] == "NHWC":
        x = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
    wt = rng.standard_normal((prob["cin"], prob["cout"] // prob["groups"], *prob["k"])
                             ).astype(prob["dtype"])
    b = rng.standard_normal(prob["cout"]).astype(prob["dtype"]) if prob["bias"] else None
    kw = dict(stride=prob["stride"], padding=prob["padding"],
              output_padding=prob["output_padding"], dilation=prob["dilation"],
              groups=prob["groups"], layout=prob["layout"], activation=prob["activation"])
    y = convt.conv_transpose2d(x, wt, b, num_threads=num_threads, **kw)
    assert_close(y, x, wt, b, **kw)
    return y


@ALGORITHMS
@settings(max_examples=EXAMPLES, deadline=None)
@given(prob=problems())
def test_each_algorithm_matches_reference(algorithm, prob):
    with forced(algorithm):
        _check(prob)


@ALGORITHMS
@settings(max_examples=EXAMPLES, deadline=None)
@given(prob=problems(depthwise=True))
def test_depthwise_kernels_match_reference(algorithm, prob):
    with forced(algorithm):
        _check(prob)


@ALGORITHMS
@settings(max_examples=max(10, EXAMPLES // 4), deadline=None)
@given(prob=problems())
def test_each_algorithm_is_thread_count_invariant(algorithm, prob):
    with forced(algorithm):
        ys = [_check(prob, num_threads=n) for n in (1, 2, 3)]
    for y in ys[1:]:
        np.testing.assert_array_equal(y, ys[0])


@ALGORITHMS
def test_nan_weight_reaches_only_its_taps(algorithm):
    # Whatever the algorithm asked for, a non-finite weight must not leak through the
    # zero padding of a gather (0 * NaN): the kernel switches to GEMM + col2im for it.
    x = np.ones((1, 1, 2, 2))
    w = np.ones((1, 1, 2, 2))
    w[0, 0, 0, 1] = np.nan
    with forced(algorithm):
        y = convt.conv_transpose2d(x, w)[0, 0]
    np.testing.assert_array_equal(np.isnan(y), [[0, 1, 1], [0, 1, 1], [0, 0, 0]])
    np.testing.assert_array_equal(y[~np.isnan(y)], [1, 2, 1, 2, 1])


@pytest.mark.parametrize("layout", ["NCHW", "NHWC"])
@pytest.mark.parametrize("geometry", [
    dict(stride=1, padding=0, dilation=1, output_padding=0, groups=1),
    dict(stride=2, padding=(1, 0, 2, 1), dilation=(2, 1), output_padding=(3, 1), groups=2),
    dict(stride=(1, 3), padding=0, dilation=3, output_padding=0, groups=4),
], ids=["plain", "crop-dilate-extend", "dilated-groups"])
def test_one_by_one_input_batched_path(layout, geometry):
    # A 1x1 input takes the batched GEMM + placement path (DCGAN's first layer), or in
    # NCHW without crop the in-place product of test_one_by_one_dense_rows.
    rng = np.random.default_rng(7)
    x = rng.standard_normal((5, 8, 1, 1)).astype(np.float32)
    if layout == "NHWC":
        x = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
    w = rng.standard_normal((8, 12 // geometry["groups"], 4, 3)).astype(np.float32)
    b = rng.standard_normal(12).astype(np.float32)
    for activation in (None, "sigmoid"):
        y = convt.conv_transpose2d(x, w, b, layout=layout, activation=activation, **geometry)
        assert_close(y, x, w, b, layout=layout, activation=activation, **geometry)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("activation", [None, "sigmoid"])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("n,cin,cout,k,groups", [
    (16, 100, 512, 4, 1),   # DCGAN's first layer: column chunks, a partial 6-image tile
    (7, 300, 24, 3, 2),     # 108 columns per group: a full block and a tail; K blocks
    (1, 5, 3, 5, 1),        # one image, a 75-column group
    (13, 0, 40, 2, 1),      # no input channel: the bias alone, in blocks and in the tail
], ids=["dcgan1", "groups-tail-kblocks", "one-image", "no-input"])
def test_one_by_one_dense_rows(dtype, activation, bias, n, cin, cout, k, groups):
    # NCHW, 1x1 input, no crop: the product X . W is the output itself, computed in place
    # from the weight's rows (partial sums of earlier K blocks wait in the output).  The
    # output sits inside a larger buffer whose margins must not change, and 1, 2 and 3
    # threads give the same bits.
    rng = np.random.default_rng(n * 1000 + cin)
    x = rng.standard_normal((n, cin, 1, 1)).astype(dtype)
    w = rng.standard_normal((cin, cout // groups, k, k)).astype(dtype)
    b = rng.standard_normal(cout).astype(dtype) if bias else None
    assert convt.plan(x.shape, w.shape, groups=groups, dtype=np.dtype(dtype).name)[
        "algorithm"] == "1x1 input: weight rows"
    ys = []
    for threads in (1, 2, 3):
        out, margins_intact = margined((n, cout, k, k), dtype)
        y = convt.conv_transpose2d(x, w, b, groups=groups, activation=activation, out=out,
                                   num_threads=threads)
        assert margins_intact()
        assert_close(y, x, w, b, groups=groups, activation=activation)
        ys.append(y.copy())
    for y in ys[1:]:
        np.testing.assert_array_equal(y, ys[0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("cin,cout,k,stride,hw,groups", [
    (64, 3, 4, 2, (32, 32), 1),     # DCGAN's last layer: full pixel blocks, 48 columns
    (300, 10, 3, 1, (9, 40), 2),    # K blocks of 128 channels, a 6-column tile cut short
    (40, 7, 5, 3, (9, 60), 1),      # whole blocks and a remainder, which BLAS takes
    (40, 7, 5, 3, (11, 13), 1),     # mostly remainder: all through BLAS
], ids=["dcgan5", "kblocks-groups", "remainder", "small"])
def test_col2im_nchw_gemm_on_input_rows(dtype, cin, cout, k, stride, hw, groups):
    # GEMM + col2im in NCHW multiplies with the input's own rows as vectors (gemm_px):
    # full blocks of 64 (float32) or 32 (float64) pixels, K blocks, columns in tiles of
    # six, and the pixels past the last full block (through BLAS); 1, 2 and 3 threads give
    # the same bits.
    rng = np.random.default_rng(cin + cout)
    x = rng.standard_normal((3, cin) + hw).astype(dtype)
    w = rng.standard_normal((cin, cout // groups, k, k)).astype(dtype)
    b = rng.standard_normal(cout).astype(dtype)
    _check_every_thread_count(x, w, b, 2, stride=stride, padding=1,
                              output_padding=stride - 1, groups=groups, activation="tanh")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("activation", [None, "relu"])
@pytest.mark.parametrize("n,cin,cout,k,stride,dilation,padding,output_padding,hw", [
    (1, 256, 12, 4, 2, 1, 1, 0, (8, 8)),        # dcgan3_b1's shape: one 16-lane block
    (1, 40, 9, 2, 2, 1, 0, 0, (64, 9)),         # bands of rows; 18 columns: a 2-lane tail
    (1, 33, 5, 5, 3, 1, 2, 2, (7, 11)),         # stride 3: one or two taps per lane
    (1, 20, 6, (3, 2), (1, 4), 2, (1, 0, 3, 1), 3, (6, 9)),  # lanes no tap reaches
    (3, 24, 7, 3, 2, 1, 1, 1, (5, 6)),          # stacked images (scatter_batch)
    (1, 16, 200, 5, 1, 1, 2, 0, (12, 40)),      # rows beyond one chunk: the scatter form
], ids=["dcgan3_b1", "bands-tail", "stride3", "untouched-lanes", "batched", "scatter"])
def test_col2im_gather_form_writes_each_element_once(dtype, activation, n, cin, cout, k,
                                                     stride, dilation, padding,
                                                     output_padding, hw):
    # NCHW col2im computes each output row once from the product rows of its taps
    # (masked expanding loads into 16- or 8-lane blocks, a masked store for the tail)
    # instead of adding every product row into a biased output.  Against the oracle, on
    # 1, 2 and 3 threads with identical bits, into an output inside a larger buffer whose
    # margins must not change.
    rng = np.random.default_rng(cin * 7 + cout)
    x = rng.standard_normal((n, cin) + hw).astype(dtype)
    kk = (k, k) if isinstance(k, int) else k
    w = rng.standard_normal((cin, cout) + kk).astype(dtype)
    b = rng.standard_normal(cout).astype(dtype)
    kw = dict(stride=stride, padding=padding, output_padding=output_padding,
              dilation=dilation, activation=activation)
    _check_every_thread_count(x, w, b, 2, **kw)


def test_nan_weight_sends_a_micro_kernel_plan_to_the_dense_rows():
    # 1x1 input, 1x1 kernel: the micro-kernel's plan, until a NaN in the weight sends the
    # call to GEMM + col2im, here the in-place rows, with the micro-kernel's task count
    # still in the plan.
    rng = np.random.default_rng(11)
    x = rng.standard_normal((9, 40, 1, 1)).astype(np.float32)
    w = rng.standard_normal((40, 70, 1, 1)).astype(np.float32)
    w[3, 5, 0, 0] = np.nan
    b = rng.standard_normal(70).astype(np.float32)
    assert convt.plan(x.shape, w.shape)["algorithm"] == "stride phases (micro-kernel)"
    for threads in (1, 2, 3):
        y = convt.conv_transpose2d(x, w, b, num_threads=threads)
        assert_close(y, x, w, b)
        assert np.isnan(y[:, 5]).all() and not np.isnan(np.delete(y, 5, axis=1)).any()


def test_one_by_one_dense_rows_only_where_the_product_is_the_output():
    # Padding, dilation, output padding or NHWC move the product's columns away from the
    # output's layout: those keep the GEMM + placement path.
    w = (100, 64, 4, 4)
    assert convt.plan((2, 100, 1, 1), w)["algorithm"] == "1x1 input: weight rows"
    for kw in (dict(padding=1), dict(dilation=2), dict(stride=2, output_padding=1),
               dict(layout="NHWC")):
        x = (2, 1, 1, 100) if kw.get("layout") == "NHWC" else (2, 100, 1, 1)
        assert convt.plan(x, w, **kw)["algorithm"] == "gemm + col2im (1x1 input)", kw


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", ["NCHW", "NHWC"])
@pytest.mark.parametrize("cin,cout,k,stride,dilation,groups", [
    (130, 65, 3, 2, 1, 1),      # two weight panels, the second partial; a K-block tail
    (300, 130, 2, 2, 1, 1),     # three panels; channels in several K blocks
    (600, 64, 1, 1, 1, 1),      # more input channels than one staging chunk (512)
    (3, 70, 7, 1, 1, 1),        # 49 taps of 3 channels: several taps per K block
    (64, 128, 3, 3, 2, 2),      # dilation, groups, taps that miss the input
    (96, 96, 3, 2, 1, 3),       # 32 outputs per group: the narrow (half-panel) kernel
    (50, 16, 4, 2, 1, 1),       # narrow panels, partly filled, in both precisions
], ids=["panels", "kblocks", "staging-chunks", "tap-blocks", "dilated-groups", "narrow",
        "narrow-partial"])
def test_micro_kernel_panel_and_block_edges(dtype, layout, cin, cout, k, stride, dilation,
                                            groups):
    # The random problems above are small (all on the narrow kernel); these cross the
    # micro-kernel's panel (64 or 32 output channels), K-block (128), staging-chunk (512
    # channels) and micro-tile (6 or 12 pixels) boundaries.
    rng = np.random.default_rng(cin * 7 + cout)
    x = rng.standard_normal((2, cin, 5, 7)).astype(dtype)
    if layout == "NHWC":
        x = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
    w = rng.standard_normal((cin, cout // groups, k, k)).astype(dtype)
    b = rng.standard_normal(cout).astype(dtype)
    kw = dict(stride=stride, padding=1, output_padding=stride - 1, dilation=dilation,
              groups=groups, layout=layout, activation="relu")
    with forced(3):
        y = convt.conv_transpose2d(x, w, b, **kw)
    assert_close(y, x, w, b, **kw)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", ["NCHW", "NHWC"])
@pytest.mark.parametrize("cin,cout,k,stride,padding,output_padding", [
    (37, 70, 5, 2, 2, 1),       # 25 taps (two transpose blocks), partial channel blocks
    (64, 48, 4, 2, 1, 0),       # DCGAN's geometry: every phase has 2 x 2 taps
    (20, 50, 3, 3, (0, 2), 2),  # three phases per axis, one of them cropped
    (16, 64, 2, 2, 0, 1),       # output padding: a phase row and column no tap reaches
], ids=["k5s2", "k4s2", "k3s3-crop", "k2s2-extend"])
def test_micro_kernel_all_phases_per_task(dtype, layout, cin, cout, k, stride, padding,
                                          output_padding):
    # Tiles big enough run every stride phase in one task on one staged window (the union
    # of the phases' windows); the staging and the weight packing are 16 x 16 transposes
    # with partial blocks at every edge here.
    rng = np.random.default_rng(cin + 13 * cout)
    n, h, w_ = 8, 16, 15
    xs = (n, cin, h, w_) if layout == "NCHW" else (n, h, w_, cin)
    kw = dict(stride=stride, padding=padding, output_padding=output_padding, layout=layout)
    with forced(3):
        info = convt.plan(xs, (cin, cout, k, k), dtype=np.dtype(dtype).name, **kw)
    assert info["algorithm"] == "stride phases (micro-kernel)"
    assert info["phases_per_task"] == stride * stride, info
    x = rng.standard_normal(xs).astype(dtype)
    w = rng.standard_normal((cin, cout, k, k)).astype(dtype)
    b = rng.standard_normal(cout).astype(dtype)
    for activation in (None, "tanh"):
        with forced(3):
            y = convt.conv_transpose2d(x, w, b, activation=activation, **kw)
        assert_close(y, x, w, b, activation=activation, **kw)
    ys = []
    for threads in (1, 2, 3):
        with forced(3):
            ys.append(convt.conv_transpose2d(x, w, b, num_threads=threads, **kw))
    for y in ys[1:]:
        np.testing.assert_array_equal(y, ys[0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", ["NCHW", "NHWC"])
@pytest.mark.parametrize("n,cin,cout,hw,k,stride,padding", [
    (1, 40, 200, 8, 4, 2, 1),    # few pixels: output channels split, the last chunk partial
    (2, 24, 136, 7, 3, 2, 1),    # odd phase sizes, 136 = two chunks of unequal panels
    (1, 3, 1100, 3, 2, 2, 0),    # more channels than one task takes (1024), partial panels
], ids=["dcgan-b1", "k3s2", "wide"])
def test_micro_kernel_output_channel_chunks(dtype, layout, n, cin, cout, hw, k, stride,
                                            padding):
    # When a phase has too few pixels to split, tasks take chunks of output channels
    # (whole weight panels); a group's last chunk may be shorter than the others and its
    # last panel partly padding.  Under AddressSanitizer this also guards the panel reads.
    rng = np.random.default_rng(cin + cout)
    xs = (n, cin, hw, hw) if layout == "NCHW" else (n, hw, hw, cin)
    kw = dict(stride=stride, padding=padding, layout=layout)
    with forced(3):
        info = convt.plan(xs, (cin, cout, k, k), dtype=np.dtype(dtype).name, **kw)
    assert info["algorithm"] == "stride phases (micro-kernel)"
    assert info["channels_per_task"] < cout, info
    x = rng.standard_normal(xs).astype(dtype)
    w = rng.standard_normal((cin, cout, k, k)).astype(dtype)
    b = rng.standard_normal(cout).astype(dtype)
    ys = []
    for threads in (1, 2, 3):
        with forced(3):
            ys.append(convt.conv_transpose2d(x, w, b, activation="relu", num_threads=threads,
                                             **kw))
    assert_close(ys[0], x, w, b, activation="relu", **kw)
    for y in ys[1:]:
        np.testing.assert_array_equal(y, ys[0])


SELFPACK = pytest.mark.parametrize("n,cin,cout,k,stride,padding,output_padding,groups", [
    (8, 330, 200, 4, 2, 1, 0, 1),      # DCGAN's geometry: last channel block and panel partial
    (8, 1536, 192, 4, 2, 1, 0, 4),     # one panel per group, 48 of its lanes used
    (8, 2048, 128, 4, 2, 1, 0, 4),     # narrow panels (32 output channels per group)
    (9, 2048, 256, 2, 3, 0, 2, 1),     # stride 3, kernel 2: a phase no tap reaches
], ids=["dcgan", "groups", "narrow", "untouched-phase"])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", ["NCHW", "NHWC"])
@SELFPACK
def test_micro_kernel_tasks_pack_their_own_panels(dtype, layout, n, cin, cout, k, stride,
                                                  padding, output_padding, groups):
    # A large weight met by a small batch: one task per weight panel, packing it block by
    # block of input channels and adding each block to every phase's tile; the epilogue
    # runs after the last block.
    rng = np.random.default_rng(cin + cout)
    h = w_ = 4
    xs = (n, cin, h, w_) if layout == "NCHW" else (n, h, w_, cin)
    kw = dict(stride=stride, padding=padding, output_padding=output_padding, groups=groups,
              layout=layout)
    with forced(3):
        info = convt.plan(xs, (cin, cout // groups, k, k), dtype=np.dtype(dtype).name, **kw)
    assert info["algorithm"] == "stride phases (micro-kernel)"
    assert info["tasks_pack_weight"] and info["phases_per_task"] == min(k, stride) ** 2, info
    x = rng.standard_normal(xs).astype(dtype)
    w = rng.standard_normal((cin, cout // groups, k, k)).astype(dtype)
    b = rng.standard_normal(cout).astype(dtype)
    for bias, activation in ((b, None), (None, "tanh")):
        with forced(3):
            y = convt.conv_transpose2d(x, w, bias, activation=activation, **kw)
        assert_close(y, x, w, bias, activation=activation, **kw)
    with forced(3):
        ys = [convt.conv_transpose2d(x, w, b, num_threads=t, **kw) for t in (1, 2, 3)]
    for y in ys[1:]:
        np.testing.assert_array_equal(y, ys[0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n,cin,cout,k,stride,padding,output_padding,dilation,groups,hw", [
    (1, 600, 70, 2, 2, 0, 0, 1, 1, (12, 12)),       # unet_up1's form; a partial channel block
    (1, 520, 64, 4, 2, 1, 0, 1, 1, (20, 20)),       # overlapping windows, zero borders
    (2, 1060, 40, 3, 2, (1, 0, 1, 0), (1, 0), 1, 2, (9, 11)),   # groups, several images
    (3, 530, 150, (3, 2), (1, 2), (2, 0, 1, 3), (0, 1), (2, 1), 1, (7, 10)),  # dilation
    (1, 515, 33, 2, 3, 0, 2, 1, 1, (10, 9)),        # phases no tap reaches
    (1, 1030, 1100, 2, 2, 0, 0, 1, 1, (6, 6)),      # two output-channel chunks per tile
], ids=["unet", "halo", "groups", "dilation", "tapless-phases", "channel-chunks"])
def test_micro_kernel_input_staged_once(dtype, n, cin, cout, k, stride, padding,
                                        output_padding, dilation, groups, hw):
    # NCHW, one phase per task and more than 512 input channels (so no task runs every
    # phase): the input is staged once, before the tasks, per pixel tile (the union of
    # its phases' windows, every channel of its group, an odd number of cache lines per
    # pixel), and each task reads its K chunks from there.  Against the oracle, with
    # bias and tanh, and the same bits on 1, 2 and 3 threads.
    rng = np.random.default_rng(cin + cout)
    kk = (k, k) if isinstance(k, int) else k
    x = rng.standard_normal((n, cin) + hw).astype(dtype)
    w = rng.standard_normal((cin, cout // groups) + kk).astype(dtype)
    b = rng.standard_normal(cout).astype(dtype)
    kw = dict(stride=stride, padding=padding, output_padding=output_padding,
              dilation=dilation, groups=groups, activation="tanh")
    with forced(3):
        info = convt.plan(x.shape, w.shape, stride, padding, output_padding, dilation, groups,
                          dtype=dtype)
    assert info["input_staged_once"] and info["phases_per_task"] == 1, info
    _check_every_thread_count(x, w, b, 3, **kw)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
@pytest.mark.parametrize("xs,ws,at,tasks_pack", [
    ((2, 40, 9, 9), (40, 70, 4, 4), (33, 65, 1, 2), False),
    ((8, 330, 4, 4), (330, 200, 4, 4), (329, 130, 3, 0), True),
], ids=["shared-packing", "tasks-pack-panels"])
def test_micro_kernel_finds_nonfinite_weight_while_packing(bad, xs, ws, at, tasks_pack):
    # The micro-kernel path checks the weight for NaN/Inf while it packs it (in parallel;
    # or each panel task its own slice) and then runs GEMM + col2im instead: the NaN stays
    # on the outputs its tap reaches.
    rng = np.random.default_rng(5)
    x = rng.standard_normal(xs).astype(np.float32)
    w = rng.standard_normal(ws).astype(np.float32)
    w[at] = bad
    kw = dict(stride=2, padding=1)
    info = convt.plan(x.shape, w.shape, **kw)
    assert info["algorithm"] == "stride phases (micro-kernel)"
    assert info["tasks_pack_weight"] == tasks_pack
    y = convt.conv_transpose2d(x, w, **kw)
    assert_close(y, x, w, None, **kw)
    reached = ~np.isfinite(y[:, at[1]])
    assert reached.any() and np.isfinite(np.delete(y, at[1], axis=1)).all()


@ALGORITHMS
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", ["NCHW", "NHWC"])
@pytest.mark.parametrize("cout,k,stride,padding,output_padding,dilation", [
    (2, (1, 1), (1, 2), (0, 0, 0, 1), (0, 1), (1, 2)),   # found by the CI fuzz (SSE build)
    (1, (1, 1), (1, 1), (0, 0, 0, 0), (2, 3), (1, 1)),
    (40, (4, 4), (2, 2), (1, 1, 1, 1), (0, 0), (1, 1)),  # full panels: the micro-kernel's own
    (20, (3, 5), (3, 2), (0, 2, 1, 0), (1, 1), (2, 1)),
])
def test_no_input_channels_gives_the_bias_everywhere(algorithm, dtype, layout, cout, k,
                                                      stride, padding, output_padding,
                                                      dilation):
    # C_in = 0 is a legal empty sum: every output element is act(bias), act(0) without a
    # bias.  `out` starts as NaN so an element the kernel leaves unwritten, or fills from
    # unset scratch, shows.  Every activation: GCC 12 once vectorized the no-bias fill as
    # sigmoid(0) = 0.5 whatever the activation (float64, NHWC; see act_store_vec).
    x = np.zeros((2, 0, 3, 4) if layout == "NCHW" else (2, 3, 4, 0), dtype)
    w = np.zeros((0, cout, *k), dtype)
    ho = 2 * stride[0] - padding[0] - padding[1] + dilation[0] * (k[0] - 1) + 1 \
        + output_padding[0]
    wo = 3 * stride[1] - padding[2] - padding[3] + dilation[1] * (k[1] - 1) + 1 \
        + output_padding[1]
    shape = (2, cout, ho, wo) if layout == "NCHW" else (2, ho, wo, cout)
    acts = {None: lambda v: v, "relu": lambda v: np.maximum(v, 0),
            "leaky_relu": lambda v: np.where(v < 0, 0.01 * v, v),
            "sigmoid": lambda v: 1 / (1 + np.exp(-v)), "tanh": np.tanh}
    for b in (np.random.default_rng(cout).standard_normal(cout).astype(dtype), None):
        for activation, f in acts.items():
            kw = dict(stride=stride, padding=padding, output_padding=output_padding,
                      dilation=dilation, layout=layout, activation=activation)
            pre = np.zeros(cout) if b is None else b.astype(np.float64)
            expected = f(pre)
            expected = np.broadcast_to(
                expected[:, None, None] if layout == "NCHW" else expected, shape)
            for threads in (1, 2):
                out = np.full(shape, np.nan, dtype)
                with forced(algorithm):
                    y = convt.conv_transpose2d(x, w, b, out=out, num_threads=threads, **kw)
                np.testing.assert_allclose(y, expected, rtol=4 * np.finfo(dtype).eps,
                                           atol=0, err_msg=f"{activation} bias={b is not None}")


@ALGORITHMS
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", ["NCHW", "NHWC"])
@pytest.mark.parametrize("hw", [(1, 0), (0, 3)], ids=["no-columns", "no-rows"])
def test_empty_image_gives_the_bias_everywhere(algorithm, dtype, layout, hw):
    # An input with no rows or no columns still has an output when the kernel, dilation
    # and padding reach past it (the CI fuzz: 1x0 pixels, kernel 1x2, dilation 3): every
    # element is the bias.  `out` starts as NaN, so an element no path writes shows (the
    # gather-form col2im, which writes the output from its product chunks, once left it
    # unwritten: there are no chunks).
    x = np.ones((2, 5) + hw if layout == "NCHW" else (2,) + hw + (5,), dtype)
    w = np.ones((5, 3, 2, 2), dtype)
    b = np.arange(1, 4, dtype=dtype)
    kw = dict(stride=(1, 2), padding=(0, 0, 0, 1), output_padding=(0, 1), dilation=(1, 3),
              layout=layout)
    with forced(algorithm):
        shape = convt.output_shape(x.shape, w.shape, **kw)
        out = np.full(shape, np.nan, dtype)
        y = convt.conv_transpose2d(x, w, b, out=out, **kw)
    assert y.size > 0
    expected = b[:, None, None] if layout == "NCHW" else b
    np.testing.assert_array_equal(y, np.broadcast_to(expected, shape))


@pytest.mark.parametrize("sw", [1, 2, 3, 5])
def test_depthwise_rows_upsampled_columns_at_every_edge(sw):
    # The depthwise row kernel upsamples each input row by repetition; columns whose
    # copies fall wholly inside the row take an unclipped copy (a stride-2 special case),
    # the ones at either end are clipped.  Kernel widths and paddings move that border.
    rng = np.random.default_rng(sw)
    checked = 0
    for w, kw, pl, pr, opw in [(1, 1, 0, 0, 0), (5, 2, 0, 0, 1), (9, 4, 1, 1, 0),
                               (9, 5, 3, 0, 1), (6, 7, 0, 2, 0), (2, 3, 1, 0, 0),
                               (9, 4, 0, 3, 1), (5, 1, 0, 0, 0)]:
        wo = (w - 1) * sw - pl - pr + kw + min(opw, sw - 1)
        if wo <= 0:
            continue
        x = rng.standard_normal((2, 3, 4, w)).astype(np.float32)
        wt = rng.standard_normal((3, 1, 3, kw)).astype(np.float32)
        b = rng.standard_normal(3).astype(np.float32)
        kw_ = dict(stride=(2, sw), padding=(1, 0, pl, pr), output_padding=(0, min(opw, sw - 1)),
                   groups=3)
        with forced(1):     # (small enough for the direct loops otherwise)
            assert convt.plan(x.shape, wt.shape, **kw_)["algorithm"] == "depthwise rows"
            y = convt.conv_transpose2d(x, wt, b, **kw_)
        assert_close(y, x, wt, b, **kw_)
        checked += 1
    assert checked >= 6


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sw", [1, 2, 3])
@pytest.mark.parametrize("bias", [True, False])
def test_micro_kernel_nchw_epilogue_writes_exactly_its_columns(dtype, sw, bias):
    # Without an activation, the NCHW epilogue transposes blocks of 16 pixels x 16
    # channels in registers and stores each channel's run straight to the output; at
    # stride 2 as masked stores of every other lane, which must leave the other column
    # phase's elements alone.  Row widths below, at and past 8 and 16 pixels, partial
    # channel blocks, and an output inside a larger buffer whose margins must not change.
    rng = np.random.default_rng(sw * 2 + bias)
    for w_in, cout, groups in [(5, 20, 1), (8, 17, 1), (9, 36, 2), (16, 16, 1), (23, 40, 2)]:
        cin = 12 * groups
        x = rng.standard_normal((2, cin, 6, w_in)).astype(dtype)
        wt = rng.standard_normal((cin, cout // groups, 3, 4)).astype(dtype)
        b = rng.standard_normal(cout).astype(dtype) if bias else None
        kw = dict(stride=(2, sw), padding=(1, 1), output_padding=(1, 0), groups=groups)
        _check_every_thread_count(x, wt, b, 3, **kw)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", ["NCHW", "NHWC"])
@pytest.mark.parametrize("n,cin,cout,k,stride,padding,output_padding,dilation,hw", [
    (3, 140, 70, 4, 2, 1, 0, 1, (4, 4)),        # dcgan2's form: corner, edge and inner pixels
    (8, 300, 256, 4, 2, 1, 0, 1, (4, 4)),       # ... on the selfpack path (channel blocks)
    (2, 130, 20, 3, 1, 1, 0, 1, (5, 7)),        # one phase, three taps a side, narrow panels
    (1, 200, 64, 3, 1, 2, 0, 2, (6, 6)),        # dilated: two border rows a side
    (2, 129, 40, (5, 3), (3, 2), (2, 0, 1, 1), (1, 1), 1, (3, 5)),   # few taps, odd sizes
    (1, 16, 96, 7, 1, 0, 0, 1, (2, 3)),         # more distinct tap sets than are sorted
], ids=["dcgan2", "selfpack", "s1k3", "dilated", "odd", "unsorted"])
def test_micro_kernel_skips_taps_that_reach_the_zero_border(dtype, layout, n, cin, cout, k,
                                                            stride, padding, output_padding,
                                                            dilation, hw):
    # The micro-kernel sorts a tile's pixels by the taps that reach real input and runs
    # each class with only those taps: per-class partial micro-tiles, classes whose first
    # K block (one tap per block at 128+ channels) has no tap and must still start the
    # tile at zero, the selfpack path's channel blocks.  Against the oracle, into an
    # output inside a larger buffer whose margins must not change, the same bits on 1, 2
    # and 3 threads.
    rng = np.random.default_rng(cin + cout)
    kk = (k, k) if isinstance(k, int) else k
    x = rng.standard_normal((n, cin) + hw).astype(dtype)
    if layout == "NHWC":
        x = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
    w = rng.standard_normal((cin, cout) + kk).astype(dtype)
    b = rng.standard_normal(cout).astype(dtype)
    kw = dict(stride=stride, padding=padding, output_padding=output_padding,
              dilation=dilation, layout=layout)
    with forced(3):
        info = convt.plan(x.shape, w.shape, stride, padding, output_padding, dilation,
                          layout=layout, dtype=dtype)
    assert info["tasks_pack_weight"] == (cin == 300), info
    _check_every_thread_count(x, w, b, 3, **kw)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", ["NCHW", "NHWC"])
def test_direct_loops_write_exactly_the_output(dtype, layout):
    # The direct loops index the output themselves: into an output inside a larger buffer
    # whose margins must not change, every element written (it starts as NaN), over
    # groups, crop, dilation, output padding past the full result and an activation.
    rng = np.random.default_rng(3)
    for n, cin, cout, groups, k, stride, padding, output_padding, dilation, hw in [
            (1, 1, 1, 1, (3, 3), 1, 0, 0, 1, (4, 4)),
            (2, 4, 2, 2, (2, 3), (2, 1), (1, 0, 0, 2), (1, 0), (1, 2), (3, 5)),
            (1, 3, 6, 3, (1, 2), (3, 2), 0, (2, 1), 1, (2, 2)),
            (3, 2, 1, 1, (4, 1), 2, (2, 1, 0, 0), 0, (2, 1), (1, 3))]:
        x = rng.standard_normal((n, cin) + hw).astype(dtype)
        if layout == "NHWC":
            x = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
        w = rng.standard_normal((cin, cout // groups) + k).astype(dtype)
        b = rng.standard_normal(cout).astype(dtype)
        kw = dict(stride=stride, padding=padding, output_padding=output_padding,
                  dilation=dilation, groups=groups, layout=layout, activation="leaky_relu",
                  negative_slope=0.3)
        assert convt.plan(x.shape, w.shape, stride, padding, output_padding, dilation,
                          groups, layout=layout, dtype=dtype)["algorithm"] == "direct"
        shape = convt.output_shape(x.shape, w.shape, stride, padding, output_padding,
                                   dilation, groups, layout)
        out, margins_intact = margined(shape, dtype)
        y = convt.conv_transpose2d(x, w, b, out=out, **kw)
        assert y is out
        assert margins_intact()
        assert_close(y, x, w, b, **kw)


@pytest.mark.parametrize("k,stride,activation", [
    (4, 2, None),       # two row taps x two column taps: the one-pass row sum
    (3, 2, None),       # phases with one and with two row taps
    (4, 2, "relu"),     # with an activation: through the accumulator row
    (5, 1, None),       # 25 (weight, input) row pairs: through the accumulator row
])
def test_depthwise_rows_weight_table_follows_the_channel(k, stride, activation):
    # Depthwise tasks run channel by channel and a thread keeps its weight table while
    # its next task has the same channel; every other channel must rebuild it.  Several
    # images and channels, on 1, 2 and 3 threads, against the oracle and bit-identical.
    rng = np.random.default_rng(k * 10 + stride)
    c = 7
    x = rng.standard_normal((3, c, 9, 11)).astype(np.float32)
    wt = rng.standard_normal((c, 1, k, k)).astype(np.float32)
    b = rng.standard_normal(c).astype(np.float32)
    kw = dict(stride=stride, padding=1, groups=c, activation=activation)
    assert convt.plan(x.shape, wt.shape, stride=stride, padding=1,
                      groups=c)["algorithm"] == "depthwise rows"
    ys = [convt.conv_transpose2d(x, wt, b, num_threads=threads, **kw) for threads in (1, 2, 3)]
    assert_close(ys[0], x, wt, b, **kw)
    for y in ys[1:]:
        np.testing.assert_array_equal(y, ys[0])


@pytest.mark.parametrize("k,stride,padding", [(4, 2, 1), (3, 3, (0, 2)), (2, 2, 0), (5, 2, 3)])
def test_depthwise_rows_phases_across_bands(k, stride, padding):
    # Without an activation, each phase's rows of a band are summed in one call, the
    # band's input rows built with zero rows past the input.  Output rows wider than the
    # band budget (65536 outputs) split a plane into bands that cut the phases anywhere,
    # and the top and bottom taps reach past the input.
    rng = np.random.default_rng(k * 10 + stride)
    c = 2
    x = rng.standard_normal((1, c, 40, 700)).astype(np.float32)
    wt = rng.standard_normal((c, 1, k, k)).astype(np.float32)
    b = rng.standard_normal(c).astype(np.float32)
    kw = dict(stride=stride, padding=padding, groups=c)
    assert convt.plan(x.shape, wt.shape, **kw)["algorithm"] == "depthwise rows"
    ys = [convt.conv_transpose2d(x, wt, b, num_threads=t, **kw) for t in (1, 2)]
    assert ys[0].shape[3] * ys[0].shape[2] > 65536      # several bands per plane
    assert_close(ys[0], x, wt, b, **kw)
    np.testing.assert_array_equal(ys[1], ys[0])
