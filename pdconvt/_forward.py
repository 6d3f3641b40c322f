"""The legacy ``conv2d_transpose`` op on ndarrays: its checks in legacy's order, then the core.

Legacy's op ran three stages, and the first failing one decides the error: attribute
conversion (pybind), kernel lookup by the input's dtype, shape inference
(``ConvTransposeOp::InferShape``), then the kernel (dtype of the filter), then the bias add.
The geometry is then translated into one valid ``convt.conv_transpose2d`` call plus cheap
NumPy for the quirks that the strict core does not model::

    negative padding p (per axis)       core with padding 0, then embedded at offset -p
        legacy rows:  [ bias x |p| ][ full result ][ bias x |p| (+ output_size extra) ]
    dilation 0 (per axis)               taps summed: weight.sum(axis) -> kernel extent 1
    C % groups != 0                     the trailing C - groups*(C//groups) channels dropped
    float16                             computed in float32, rounded once at the end
    output_size > H'                    output_padding = output_size - H'  (< stride)
"""
from __future__ import annotations

import numpy as np

from . import _acts
from .fluid import framework
from .fluid.core import InvalidArgumentError, NotFoundError

__all__ = ["conv2d_transpose"]

_KERNEL_DTYPES = (np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.float16))


def _dims(shape):
    return "[" + ", ".join(str(int(d)) for d in shape) + "]"


def _cpp_name(dtype):
    return framework.CPP_NAMES.get(framework.convert_np_dtype_to_dtype_(dtype), str(dtype))


def _attr_type(value):
    if isinstance(value, str):
        return "std::string"
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (int, np.integer)):
        return "int"
    if isinstance(value, (float, np.floating)):
        return "float"
    if isinstance(value, (list, tuple)):
        kinds = {_attr_type(v) for v in value}
        return f"std::vector<{kinds.pop() if len(kinds) == 1 else 'mixed'}>"
    return type(value).__name__


def _int_list(name, values, op):
    for v in values:  # as the layer stores them, plain ints: every call's path
        if type(v) is not int:
            break
    else:
        return list(values)
    ok = all(isinstance(v, (int, np.integer)) for v in values)
    if not ok:
        raise InvalidArgumentError(
            f"Cannot get attribute {name} by type std::vector<int>, its type is "
            f"{_attr_type(list(values))}: Attr({name}) = {list(values)!r} must hold ints", op)
    return [int(v) for v in values]


def conv2d_transpose(x, w, b, *, output_size, strides, paddings, dilations, groups,
                     use_cudnn, op_type, act):
    """Legacy op + bias add + act on ndarrays; returns the output ndarray.

    Parameters mirror the op attributes (lists of ints as stored by the layer); ``b`` may be
    None.  Raises the ``fluid.core`` error classes in legacy's order.
    """
    # 1. attribute conversion
    output_size = _int_list("output_size", output_size, op_type)
    strides = _int_list("strides", strides, op_type)
    paddings = _int_list("paddings", paddings, op_type)
    dilations = _int_list("dilations", dilations, op_type)
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)):
        raise InvalidArgumentError(f"Cannot get attribute groups by type int, its type is "
                                   f"{_attr_type(groups)}", op_type)
    groups = int(groups)
    if not isinstance(use_cudnn, (bool, np.bool_)):
        raise InvalidArgumentError(f"Cannot get attribute use_cudnn by type bool, its type is "
                                   f"{_attr_type(use_cudnn)}", op_type)

    # 2. kernel lookup, by the input's dtype
    if x.dtype not in _KERNEL_DTYPES:
        raise NotFoundError(
            f"Operator {op_type} does not have kernel for data_type[{_cpp_name(x.dtype)}]:"
            "data_layout[ANY_LAYOUT]:place[CPUPlace]:library_type[PLAIN]", op_type)

    # 3. shape inference
    in_dims, f_dims = x.shape, w.shape
    if x.ndim not in (4, 5):
        raise InvalidArgumentError(
            f"Input of Op(conv_transpose) should be 4-D or 5-D Tensor. But received: "
            f"{x.ndim}-D Tensor, the shape of input is {_dims(in_dims)}", op_type)
    if x.ndim != w.ndim:
        raise InvalidArgumentError(
            "The input's dimension size and filter's dimension size of Op (conv_transpose) "
            f"should be equal. But received: the shape of input is {_dims(in_dims)}, the "
            f"dimension size of input is [{x.ndim}], the shape of filter is {_dims(f_dims)}, "
            f"the dimension size of filter is [{w.ndim}]. ", op_type)
    if in_dims[1] != f_dims[0]:
        raise InvalidArgumentError(
            "The number of input channels should be equal to filter channels for "
            f"Op(conv_transpose). But received: the input's channels is [{in_dims[1]}], the "
            f"shape of input is {_dims(in_dims)}, the filter's channels is [{f_dims[0]}], the "
            f"shape of filter is {_dims(f_dims)}. The data_format is NCHW. The error may come "
            "from wrong data_format setting.", op_type)
    if min(strides) <= 0:
        # Legacy 1.8 died of SIGFPE (stride 0) or built a shape-(-1) Variable (stride < 0).
        raise InvalidArgumentError(
            f"The stride of Op(conv_transpose) should be larger than 0, but received "
            f"strides = {strides}", op_type)
    out_hw = []
    for i in range(2):
        extent = dilations[i] * (f_dims[i + 2] - 1) + 1
        infer = (in_dims[i + 2] - 1) * strides[i] - 2 * paddings[i] + extent
        if output_size:
            if output_size[i] < infer:
                raise InvalidArgumentError(
                    "output_size of Op(ConvTransposeOp) should not be less than the infered "
                    f"output size. But received output_size = {_dims(output_size)}, whose dim "
                    f"{i} is less than the infered output size [{infer}]", op_type)
            if output_size[i] >= infer + strides[i]:
                raise InvalidArgumentError(
                    "output_size of Op(ConvTransposeOp) should be less than infered size + "
                    f"stride. But received output_size = {_dims(output_size)}, whose dim {i} "
                    f"is not less than the infered output size ({infer}) + stride "
                    f"({strides[i]}) = {infer + strides[i]}", op_type)
            out_hw.append(output_size[i])
        else:
            out_hw.append(infer)
        if out_hw[i] < 0:
            # Legacy 1.8 returned a Variable of shape [..., -1] whose numpy() failed.
            raise InvalidArgumentError(
                f"The output size of Op(conv_transpose) is negative: dim {i} is {out_hw[i]} = "
                f"({in_dims[i + 2]} - 1) * stride {strides[i]} - 2 * padding {paddings[i]} + "
                f"dilation {dilations[i]} * (filter size {f_dims[i + 2]} - 1) + 1", op_type)

    # 4. kernel
    if groups <= 0:
        raise InvalidArgumentError(f"groups of Op(conv_transpose) must be positive, but "
                                   f"received groups = {groups}", op_type)
    cin, fg = in_dims[1], f_dims[1]
    cg = cin // groups
    if cg == 0 or fg == 0 or min(f_dims[2:]) == 0:
        raise InvalidArgumentError(
            "Op(conv_transpose) has nothing to compute with: channels per group "
            f"num_channels // groups = {cin} // {groups} = {cg}, filters per group = {fg}, "
            f"filter shape = {_dims(f_dims)}; each must be positive", op_type)
    if w.dtype != x.dtype:
        raise InvalidArgumentError(f"Tensor holds the wrong type, it holds "
                                   f"{_cpp_name(w.dtype)}, but desires to be "
                                   f"{_cpp_name(x.dtype)}.", op_type)
    n = in_dims[0]
    cout = fg * groups
    out_shape = (n, cout, out_hw[0], out_hw[1])

    # 5. bias add checks (legacy's elementwise_add ran after the conv)
    if b is not None:
        if b.shape != (cout,):
            raise InvalidArgumentError(
                "Broadcast dimension mismatch. Operands could not be broadcast together with "
                f"the shape of X = {_dims(out_shape)} and the shape of Y = {_dims(b.shape)}. "
                f"Received [{cout}] in X is not equal to [{b.shape[0] if b.ndim else 1}] in Y "
                "at i:1. (num_filters is not divisible by groups)", "elementwise_add")
        if b.dtype != x.dtype:
            raise InvalidArgumentError(f"Tensor holds the wrong type, it holds "
                                       f"{_cpp_name(b.dtype)}, but desires to be "
                                       f"{_cpp_name(x.dtype)}.", "elementwise_add")
        if 0 in out_shape:
            raise InvalidArgumentError(
                "The number of elements of Op(elementwise_add)'s input X must be greater than "
                f"0, but the conv_transpose output has shape {_dims(out_shape)}",
                "elementwise_add")

    y = _compute(x, w, b, out_shape, strides, paddings, dilations, groups, act)
    return y


def _compute(x, w, b, out_shape, strides, paddings, dilations, groups, act):
    out_dtype = x.dtype
    cdtype = np.dtype(np.float32) if out_dtype == np.float16 else out_dtype
    if cdtype != out_dtype:
        x = x.astype(cdtype)
        w = w.astype(cdtype)
        b = None if b is None else b.astype(cdtype)
    n, cin, h, wd = x.shape
    cg = cin // groups
    if cg * groups != cin:                      # legacy ignores the trailing channels
        x = x[:, :cg * groups]
        w = w[:cg * groups]
    dil = list(dilations)
    for axis in range(2):
        if dil[axis] == 0:                      # every tap lands on one pixel
            w = w.sum(axis=2 + axis, keepdims=True, dtype=cdtype)
            dil[axis] = 1

    fused = None
    if 0 in out_shape:
        y = np.zeros(out_shape, dtype=cdtype)
    elif h == 0 or wd == 0 or n == 0:
        y = _bias_canvas(out_shape, b, cdtype)
    else:
        import convt

        pads, ops, offs, kh_kw = [], [], [], w.shape[2:]
        for i, size in enumerate((h, wd)):
            p = paddings[i]
            core_p = max(p, 0)
            full = (size - 1) * strides[i] - 2 * core_p + dil[i] * (kh_kw[i] - 1) + 1
            pads.append(core_p)
            ops.append(out_shape[2 + i] - full if p >= 0 else 0)
            offs.append(max(-p, 0))
        embed = offs != [0, 0]
        if not embed and act in _acts.FUSABLE:
            fused = act
        y = convt.conv_transpose2d(
            x, w, b, stride=tuple(strides), padding=tuple(pads), output_padding=tuple(ops),
            dilation=tuple(dil), groups=groups, activation=fused,
            negative_slope=_acts.FUSABLE.get(act, 0.01))
        if embed:
            canvas = _bias_canvas(out_shape, b, cdtype)
            canvas[:, :, offs[0]:offs[0] + y.shape[2], offs[1]:offs[1] + y.shape[3]] = y
            y = canvas
    if fused is None:
        y = _acts.apply(act, y)
    if y.dtype != out_dtype:
        y = y.astype(out_dtype)
    return y


def _bias_canvas(shape, b, dtype):
    canvas = np.empty(shape, dtype=dtype)
    canvas[...] = 0 if b is None else b[None, :, None, None]
    return canvas
