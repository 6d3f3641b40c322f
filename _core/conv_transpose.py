"""The validating, allocating entry point of the transposed convolution.

Everything a caller can get wrong is checked here, in Python, before any memory is
allocated or the GIL is dropped; the compiled kernel (``convt._conv_transpose``) then runs
on contiguous arrays with explicit geometry and cannot fail except on ``malloc``.
"""
from __future__ import annotations

import operator
import os
import sys

import numpy as np

from ._threads import blas_single_threaded, resolve_num_threads

__all__ = ["conv_transpose2d", "output_shape", "plan", "release_scratch"]

_ACTIVATIONS = {None: 0, "relu": 1, "leaky_relu": 2, "sigmoid": 3, "tanh": 4}
_LAYOUTS = ("NCHW", "NHWC")
_COMPUTE = {np.dtype(np.float32): np.float32, np.dtype(np.float64): np.float64,
            np.dtype(np.float16): np.float32}  # float16 is computed in float32
# Geometry values are kept below 2**31 so that every index product in the kernel fits
# comfortably in 64 bits (the largest is about a value squared).
_GEOMETRY_MAX = 2**31 - 1

_kernel = None
# Multiply-adds below which OpenBLAS never threads a GEMM (its own cut-off is far above:
# about 65536 * threads elements of work per call), so the BLAS guard can be skipped.
_BLAS_THREADING_MIN = 1 << 16
_MAXSIZE = sys.maxsize

# Tests set this to 1 (stride phases on BLAS), 2 (GEMM + col2im), 3 (stride phases on the
# micro-kernel) or 4 (the direct loops) to cover every algorithm on the same cases; 0 lets
# the kernel choose.
# Not an API.
_force_algorithm = int(os.environ.get("CONVT_ALGORITHM", "0") or 0)


def _load_kernel():
    # Imported on first use: the compiled module pulls in scipy's BLAS, which a plain
    # ``import convt`` (and the shims' import) should not pay for.
    global _kernel
    if _kernel is None:
        from . import _conv_transpose
        _kernel = _conv_transpose
    return _kernel


def _as_int(name, v):
    if isinstance(v, (bool, np.bool_)):
        raise TypeError(f"{name} must be an int, got {v!r} of type bool")
    try:
        return operator.index(v)
    except TypeError:
        raise TypeError(f"{name} must be an int or a sequence of ints, got {v!r} "
                        f"of type {type(v).__name__}") from None


def _ints(name, v, lengths):
    """``v`` as a tuple of Python ints; an int is repeated to the first allowed length."""
    if type(v) is int:  # the common cases first: this is on every call's path
        return (v,) * lengths[0]
    if type(v) is tuple and len(v) in lengths:
        for e in v:
            if type(e) is not int:
                break
        else:
            return v
    if isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)):
        return (int(v),) * lengths[0]
    if isinstance(v, (str, bytes)) or not hasattr(v, "__len__"):
        _as_int(name, v)  # raises TypeError naming the value
    if len(v) not in lengths:
        want = " or ".join(str(n) for n in lengths)
        raise ValueError(f"{name} must be an int or a sequence of {want} ints, got {v!r}")
    return tuple(_as_int(name, e) for e in v)


def _check_range(name, values, lo, raw):
    for e in values:
        if e < lo:
            bound = "positive" if lo == 1 else "non-negative"
            raise ValueError(f"{name} must be {bound}, got {name}={raw!r}")
        if e > _GEOMETRY_MAX:
            raise ValueError(f"{name} is too large (limit {_GEOMETRY_MAX}), got {name}={raw!r}")


def _geometry(stride, padding, output_padding, dilation):
    if (type(stride) is int and type(padding) is int and type(output_padding) is int
            and type(dilation) is int and stride >= 1 and dilation >= 1 and padding >= 0
            and output_padding >= 0 and max(stride, dilation, padding,
                                            output_padding) <= _GEOMETRY_MAX):
        # All plain in-range ints, the common case: skip the general parsing.
        return ((stride, stride), (padding, padding, padding, padding),
                (output_padding, output_padding), (dilation, dilation))
    s = _ints("stride", stride, (2,))
    d = _ints("dilation", dilation, (2,))
    op = _ints("output_padding", output_padding, (2,))
    p = _ints("padding", padding, (2, 4))
    if len(p) == 2:
        p = (p[0], p[0], p[1], p[1])
    if min(s + d) >= 1 and min(p + op) >= 0 and max(s + d + p + op) <= _GEOMETRY_MAX:
        return s, p, op, d          # in range: the checks below would only repeat this
    _check_range("stride", s, 1, stride)
    _check_range("dilation", d, 1, dilation)
    _check_range("padding", p, 0, padding)
    _check_range("output_padding", op, 0, output_padding)
    return s, p, op, d


def _array(name, a):
    if not isinstance(a, np.ndarray):
        try:
            a = np.asarray(a)
        except Exception as e:  # ragged lists and the like
            raise TypeError(f"{name} must be array-like, got {type(a).__name__}: {e}") from None
    elif type(a) is not np.ndarray:
        a = a.view(np.ndarray)  # subclasses (np.matrix, masked arrays) lose their magic
    return a


def _out_len(n_in, s, pad_lo, pad_hi, d, k, op):
    """Output length along one axis: (n_in-1)*s - pad_lo - pad_hi + d*(k-1) + 1 + op."""
    return (n_in - 1) * s - pad_lo - pad_hi + d * (k - 1) + 1 + op


def release_scratch():
    """Free the scratch memory convt keeps between calls; returns the bytes freed.

    A call's scratch (per-thread buffers, a repacked weight) is kept for the next call
    that needs blocks of exactly the same sizes, as repeated calls on one layer do: taking
    fresh pages from the system on every call cost up to 30% on sub-millisecond layers.
    At most 32 MiB in 32 blocks is kept, the oldest freed first.
    """
    return _load_kernel().scratch_release()


def output_shape(x_shape, w_shape, stride=1, padding=0, output_padding=0, dilation=1,
                 groups=1, layout="NCHW"):
    """Shape of the result for the given input and weight shapes (no data needed)."""
    (sh, sw), (pt, pb, pl, pr), (oph, opw), (dh, dw) = _geometry(
        stride, padding, output_padding, dilation)
    kh, kw = w_shape[2], w_shape[3]
    if layout == "NHWC":
        n, h, w, _ = x_shape
    else:
        n, _, h, w = x_shape
    ho = _out_len(h, sh, pt, pb, dh, kh, oph)
    wo = _out_len(w, sw, pl, pr, dw, kw, opw)
    cout = w_shape[1] * groups
    return (n, cout, ho, wo) if layout == "NCHW" else (n, ho, wo, cout)


def _check_layout(layout):
    if layout not in _LAYOUTS:
        raise ValueError(f"layout must be 'NCHW' or 'NHWC', got layout={layout!r}")


def _slope(negative_slope):
    if isinstance(negative_slope, (bool, np.bool_)) or not isinstance(
            negative_slope, (int, float, np.integer, np.floating)):
        raise TypeError(f"negative_slope must be a real number, got {negative_slope!r}")
    try:
        return float(negative_slope)
    except OverflowError:
        raise ValueError(f"negative_slope is out of the float range, got {negative_slope!r}") from None


def _groups(groups):
    g = _as_int("groups", groups)
    if g < 1:
        raise ValueError(f"groups must be positive, got groups={groups!r}")
    return g


def _check_shapes(x_shape, w_shape, g, layout, geometry, raw, itemsize, bias=None):
    """The shape rules shared by ``conv_transpose2d`` and ``plan``: ranks, channels, groups,
    kernel dims, a non-empty output that fits the address space.  ``geometry`` is
    ``_geometry``'s result, ``raw`` its arguments as given (for the messages).  Returns
    (N, C_in, H, W, C_out, output shape)."""
    stride, padding, output_padding, dilation = raw
    (sh, sw), (pt, pb, pl, pr), (oph, opw), (dh, dw) = geometry
    if len(x_shape) != 4:
        raise ValueError(f"x must be 4-D ({layout}), got x.shape={x_shape}")
    if len(w_shape) != 4:
        raise ValueError("weight must be 4-D (C_in, C_out/groups, KH, KW), got "
                         f"weight.shape={w_shape}")
    if layout == "NCHW":
        n, cin, h, w = x_shape
    else:
        n, h, w, cin = x_shape
    wcin, cog, kh, kw = w_shape
    if wcin != cin:
        raise ValueError(f"weight.shape[0] must equal the input channels {cin} "
                         f"(x.shape={x_shape}), got weight.shape={w_shape}")
    if kh < 1 or kw < 1:
        raise ValueError(f"weight kernel dims must be >= 1, got weight.shape={w_shape}")
    if cin % g:
        raise ValueError(f"groups={g} must divide the input channels, got C_in={cin}")
    cout = cog * g
    if bias is not None and bias.shape != (cout,):
        raise ValueError(f"bias must have shape ({cout},) (C_out), got bias.shape={bias.shape}")
    if kh > _GEOMETRY_MAX or kw > _GEOMETRY_MAX:
        raise ValueError(f"weight kernel dims are too large, got weight.shape={w_shape}")

    ho = _out_len(h, sh, pt, pb, dh, kh, oph)
    wo = _out_len(w, sw, pl, pr, dw, kw, opw)
    if ho <= 0 or wo <= 0:
        raise ValueError(f"the output would be empty or negative: H_out={ho}, W_out={wo} "
                         f"(x.shape={x_shape}, weight.shape={w_shape}, stride={stride!r}, "
                         f"padding={padding!r}, output_padding={output_padding!r}, "
                         f"dilation={dilation!r})")
    shape = (n, cout, ho, wo) if layout == "NCHW" else (n, ho, wo, cout)
    if n * cout * ho * wo * itemsize > _MAXSIZE or ho > _MAXSIZE // 4 or wo > _MAXSIZE // 4:
        raise ValueError(f"the output shape {shape} overflows the address space")
    return n, cin, h, w, cout, shape


def plan(x_shape, w_shape, stride=1, padding=0, output_padding=0, dilation=1, groups=1, *,
         layout="NCHW", dtype="float32", num_threads=None):
    """What a call with these shapes would run, and the memory it would allocate.

    Returns a dict: ``algorithm``, ``threads``, ``scratch_bytes`` (the kernel's own C
    allocations: per-thread scratch times threads, plus the repacked weight when the
    algorithm repacks it and the input when it is staged once), ``output_bytes``,
    ``tasks`` (the parallel work items), ``phases_per_task`` (stride phases one task
    computes on one staged input window), and for the stride-phase algorithms
    ``tile_pixels`` (input pixels of one phase a task covers, at most) and
    ``channels_per_task`` (output channels of a task, at most);
    ``tasks_pack_weight``: each task packs its own weight panel (no shared packed copy);
    ``input_staged_once``: the input is staged (transposed pixel-major) once for all tasks,
    instead of by each task for its own window.
    Assumes finite weights (a weight holding NaN/Inf always runs "gemm + col2im").
    float16 adds a float32 result of the output's size, counted in ``scratch_bytes``.
    """
    # The same validation as a call: the kernel's planner assumes a sane, non-empty problem.
    _check_layout(layout)
    geometry = _geometry(stride, padding, output_padding, dilation)
    (sh, sw), (pt, pb, pl, pr), (oph, opw), (dh, dw) = geometry
    groups = _groups(groups)
    x_shape = tuple(_as_int("x_shape", d) for d in x_shape)
    w_shape = tuple(_as_int("w_shape", d) for d in w_shape)
    if any(d < 0 for d in x_shape + w_shape):
        raise ValueError(f"shapes must not be negative, got x_shape={x_shape}, "
                         f"w_shape={w_shape}")
    dt = np.dtype(dtype)
    n, cin, h, w, _, shape = _check_shapes(
        x_shape, w_shape, groups, layout, geometry, (stride, padding, output_padding, dilation),
        dt.itemsize)
    ho, wo = (shape[2], shape[3]) if layout == "NCHW" else (shape[1], shape[2])
    cdt = np.dtype(_COMPUTE[dt])
    nthreads = resolve_num_threads(num_threads)
    info = _load_kernel().plan_info(n, cin, h, w, w_shape[1], w_shape[2], w_shape[3], ho, wo,
                                    groups, sh, sw, pt, pl, dh, dw, layout == "NHWC",
                                    _force_algorithm, cdt == np.float64)
    numel = int(np.prod(shape))
    scratch = (info["per_thread_elements"] * nthreads + info["packed_weight_elements"]) \
        * cdt.itemsize
    if cdt != dt:
        scratch += numel * cdt.itemsize
    return {"algorithm": info["algorithm"], "threads": nthreads, "scratch_bytes": scratch,
            "output_bytes": numel * dt.itemsize, "tasks": info["tasks"],
            "phases_per_task": info["phases_per_task"],
            "tile_pixels": info["tile_pixels"], "channels_per_task": info["channels_per_task"],
            "tasks_pack_weight": info["tasks_pack_weight"],
            "input_staged_once": info["input_staged_once"]}


def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0,
                     dilation=1, groups=1, *, layout="NCHW", activation=None,
                     negative_slope=0.01, out=None, num_threads=None):
    """2-D transposed convolution ("deconvolution").

    Parameters
    ----------
    x : array_like, shape (N, C_in, H, W), or (N, H, W, C_in) with ``layout="NHWC"``
    weight : array_like, shape (C_in, C_out // groups, KH, KW) in both layouts
    bias : array_like of shape (C_out,), optional
    stride, dilation, output_padding : int or (int, int)
    padding : int, (ph, pw) or (top, bottom, left, right)
        Rows/columns cropped from the full result.  ``output_padding`` extends the result
        at the bottom/right; rows past the full result hold the bias only.
    groups : int
    layout : {"NCHW", "NHWC"}
    activation : {None, "relu", "leaky_relu", "sigmoid", "tanh"}
        Applied after the bias, while the result is written.
    negative_slope : float
        Slope of ``"leaky_relu"`` for negative inputs.
    out : ndarray, optional
        C-contiguous array of the result's exact shape and dtype; returned.
    num_threads : int, optional
        ``None`` uses :func:`convt.get_num_threads`; negative values count back from the
        number of cores.  The result is bit-identical for every thread count.

    Returns
    -------
    ndarray of shape (N, C_out, H_out, W_out) (or NHWC), the dtype of ``x``, where
    ``H_out = (H-1)*sh - top - bottom + dh*(KH-1) + 1 + output_padding_h``.
    """
    # ---- arguments that are not arrays -------------------------------------------------
    _check_layout(layout)
    if not isinstance(activation, (str, type(None))) or activation not in _ACTIVATIONS:
        raise ValueError("activation must be None, 'relu', 'leaky_relu', 'sigmoid' or "
                         f"'tanh', got activation={activation!r}")
    slope = negative_slope if type(negative_slope) is float else _slope(negative_slope)
    geometry = _geometry(stride, padding, output_padding, dilation)
    (sh, sw), (pt, pb, pl, pr), (oph, opw), (dh, dw) = geometry
    g = groups if type(groups) is int and groups > 0 else _groups(groups)
    nthreads = resolve_num_threads(num_threads)

    # ---- arrays: dtype policy, ranks, shapes ---------------------------------------------
    # (the type tests spare the common call two function calls: this path is the
    # overhead of every small layer)
    if type(x) is not np.ndarray:
        x = _array("x", x)
    if type(weight) is not np.ndarray:
        weight = _array("weight", weight)
    if x.dtype not in _COMPUTE:
        raise TypeError("x must be float16, float32 or float64, got "
                        f"x.dtype={x.dtype}")
    if weight.dtype != x.dtype:
        raise TypeError(f"weight.dtype must equal x.dtype, got weight.dtype={weight.dtype} "
                        f"and x.dtype={x.dtype}")
    if bias is not None:
        bias = _array("bias", bias)
        if bias.dtype != x.dtype:
            raise TypeError(f"bias.dtype must equal x.dtype, got bias.dtype={bias.dtype} "
                            f"and x.dtype={x.dtype}")
    n, cin, h, w, cout, shape = _check_shapes(
        x.shape, weight.shape, g, layout, geometry, (stride, padding, output_padding, dilation),
        x.dtype.itemsize, bias)
    ho, wo = (shape[2], shape[3]) if layout == "NCHW" else (shape[1], shape[2])
    numel = n * cout * ho * wo

    # ---- out= ------------------------------------------------------------------------------
    if out is not None:
        if not isinstance(out, np.ndarray):
            raise ValueError(f"out must be a numpy.ndarray, got {type(out).__name__}")
        if out.shape != shape or out.dtype != x.dtype:
            raise ValueError(f"out must have shape {shape} and dtype {x.dtype}, got "
                             f"out.shape={out.shape}, out.dtype={out.dtype}")
        if not out.flags.c_contiguous:
            raise ValueError("out must be C-contiguous")
        if not out.flags.writeable:
            raise ValueError("out is read-only")
        for name, a in (("x", x), ("weight", weight), ("bias", bias)):
            if a is not None and np.may_share_memory(out, a):
                raise ValueError(f"out overlaps the input {name}")

    # ---- compute ---------------------------------------------------------------------------
    cdt = _COMPUTE[x.dtype]
    xc = np.ascontiguousarray(x, dtype=cdt)
    wc = np.ascontiguousarray(weight, dtype=cdt)
    bc = None if bias is None else np.ascontiguousarray(bias, dtype=cdt)
    if out is not None and out.dtype == cdt:
        result = out
    else:
        result = np.empty(shape, dtype=cdt)  # MemoryError if it cannot be had
    if numel:
        kernel = _kernel or _load_kernel()
        run = kernel.run_f32 if cdt is np.float32 else kernel.run_f64
        args = (xc, wc, bc, result, layout == "NHWC", g, sh, sw, pt, pl, dh, dw,
                _ACTIVATIONS[activation], slope, nthreads, _force_algorithm)
        # Too small for BLAS to start threads of its own: skip the guard's calls.
        if n * h * w * weight.size < _BLAS_THREADING_MIN:      # weight: cin*cog*kh*kw
            status = run(*args)
        else:
            with blas_single_threaded:
                status = run(*args)
        if status:
            raise MemoryError("convt: could not allocate the kernel's scratch memory")
    if result.dtype != x.dtype:
        # float16: one rounding of the float32 result; overflow to inf is the defined
        # result (as a float32 -> float16 cast gives), not something to warn about.
        with np.errstate(over="ignore"):
            if out is not None:
                out[...] = result
                return out
            return result.astype(x.dtype)
    return result
