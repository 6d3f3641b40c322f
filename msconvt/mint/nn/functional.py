"""``mindspore.mint.nn.functional.conv_transpose2d`` (also ``mindspore.ops.conv_transpose2d``).

torch semantics: ``H_out = (H-1)*s - 2*p + d*(k-1) + 1 + output_padding``, and the
output_padding rows/cols are real extended output (full-result values where they exist,
bias everywhere).  CPU MindSpore has no kernel for it; msconvt computes it.

Checks, in order: Python types (TypeError), input rank (RuntimeError), the C++ argument
checks of MindSpore's op (ValueError, messages verbatim), then the checks MindSpore leaves to
its kernel: dtypes (TypeError), channels, groups, bias shape, output_padding below
max(stride, dilation) and a positive output size (RuntimeError, as torch and CPU MindSpore).
"""
from __future__ import annotations

import numpy as np

from ... import _engine
from ..._tensor import Tensor

__all__ = ["conv_transpose2d"]

_FLOATS = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))
_VALID = ('"ConvTranspose2D()(input=<Tensor>, weight=<Tensor>, bias=<Tensor>, '
          'stride=<list of int, int, tuple of int>, padding=<list of int, int, tuple of int>, '
          'output_padding=<list of int, int, tuple of int>, groups=<int>, '
          'dilation=<list of int, int, tuple of int>)"')
_TYPE_NAMES = {bool: "bool", int: "int", float: "float", str: "string"}


def _int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _type_name(v):
    """How MindSpore's signature check names an argument's type."""
    if isinstance(v, Tensor):
        return "Tensor"
    if v is None:
        return "None"
    if isinstance(v, (tuple, list)):
        inner = ", ".join(_type_name(e) for e in v)
        return f"{'Tuple' if isinstance(v, tuple) else 'List'}<{inner}>"
    return _TYPE_NAMES.get(type(v), str(type(v)))


def _braces(v):
    vals = v if isinstance(v, (tuple, list)) else (v,)
    return "{ " + ", ".join(str(e) for e in vals) + " }"


def _seq(name, v, positive):
    """An int or a 1-/2-sequence of ints -> a pair, with MindSpore's C++ messages."""
    vals = tuple(v) if isinstance(v, (tuple, list)) else (v,)
    if len(vals) not in (1, 2):
        raise ValueError(f"For ConvTranspose2D, expected '{name}' to be a single integer value "
                         f"or a list of 2 values, but it's {_braces(v)}.")
    if positive and any(e <= 0 for e in vals):
        raise ValueError(f"For ConvTranspose2D, '{name}' must be positive, but it's "
                         f"{_braces(v)}.")
    if not positive and any(e < 0 for e in vals):
        raise ValueError(f"For ConvTranspose2D, '{name}' must be not negetive, but it's "
                         f"{_braces(v)}.")
    return vals * 2 if len(vals) == 1 else vals


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """2-D transposed convolution, torch semantics; input (N, C_in, H, W) or (C_in, H, W)."""
    args = dict(input=input, weight=weight, bias=bias, stride=stride, padding=padding,
                output_padding=output_padding, groups=groups, dilation=dilation)
    ok = (isinstance(input, Tensor) and isinstance(weight, Tensor)
          and (bias is None or isinstance(bias, Tensor)) and _int(groups)
          and all(_int(v) or (isinstance(v, (tuple, list)) and all(_int(e) for e in v))
                  for v in (stride, padding, output_padding, dilation)))
    if not ok:
        got = ", ".join(f"{k}={_type_name(v)}" for k, v in args.items())
        raise TypeError(f'Failed calling ConvTranspose2D with "ConvTranspose2D()({got})".\n'
                        f"The valid calling should be: \n{_VALID}.")
    if input.ndim not in (3, 4):
        raise RuntimeError("Expected 3D (unbatched) or 4D (batched) input to ConvTranspose2D, "
                           "but got input of shape: [const vector]"
                           f"{{{', '.join(map(str, input.shape))}}}")
    s = _seq("stride", stride, True)
    p = _seq("padding", padding, False)
    op = _seq("output_padding", output_padding, False)
    if groups < 1:
        raise ValueError("For primitive[ConvTranspose2D], the groups must be greater than or "
                         f"equal to 1, but got {groups}.")
    d = _seq("dilation", dilation, True)
    if weight.ndim != 4:
        # (sic: MindSpore prints the weight's rank as the expected one)
        raise ValueError("For primitive[ConvTranspose2D], the rank of input and weight must be "
                         f"equal to {weight.ndim}, but got {input.ndim}.")
    x, w = input._arr, weight._arr
    if x.dtype not in _FLOATS:
        raise TypeError("For primitive[ConvTranspose2D], the input argument[input] must be a "
                        "type of {Tensor[Float16], Tensor[Float32], Tensor[Float64]}, but got "
                        f"Tensor[{input.dtype}].")
    b = None if bias is None else bias._arr
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t._arr.dtype != x.dtype:
            raise TypeError(f"For primitive[ConvTranspose2D], the input type must be same.\n"
                            f"name:[input]:Tensor[{input.dtype}].\n"
                            f"name:[{name}]:Tensor[{t.dtype}].")
    unbatched = x.ndim == 3
    if unbatched:
        x = x[None]
    n, cin, h, wd = x.shape
    wcin, cog, kh, kw = w.shape
    if wcin != cin:
        raise RuntimeError(f"For ConvTranspose2D, the input channels ({cin}, input shape "
                           f"{input.shape}) must equal weight.shape[0] (weight shape "
                           f"{weight.shape}).")
    if cin % groups:
        raise RuntimeError(f"For ConvTranspose2D, groups={groups} must divide the input "
                           f"channels {cin}.")
    cout = cog * groups
    if b is not None and b.shape != (cout,):
        raise RuntimeError(f"For ConvTranspose2D, bias must have shape ({cout},) (out channels "
                           f"= weight.shape[1] * groups), but got bias shape {bias.shape}.")
    for i, axis in enumerate("HW"):
        if op[i] >= max(s[i], d[i]):
            raise RuntimeError("For ConvTranspose2D, output_padding must be smaller than either "
                               f"stride or dilation, but got output_padding={op} with "
                               f"stride={s} and dilation={d} ({axis}).")
    ho = (h - 1) * s[0] - 2 * p[0] + d[0] * (kh - 1) + 1 + op[0]
    wo = (wd - 1) * s[1] - 2 * p[1] + d[1] * (kw - 1) + 1 + op[1]
    if ho <= 0 or wo <= 0 or kh == 0 or kw == 0:
        raise RuntimeError(f"For ConvTranspose2D, the output size ({ho}, {wo}) must be positive "
                           f"(input shape {input.shape}, weight shape {weight.shape}, stride={s}, "
                           f"padding={p}, output_padding={op}, dilation={d}).")
    out = _engine.conv_transpose(x, w, b, s, (p[0], p[0], p[1], p[1]), op, d, groups)
    return Tensor._from_array(out[0] if unbatched else out)


def __getattr__(name):
    from ..._alias import missing
    raise missing("mindspore.mint.nn.functional", name)
