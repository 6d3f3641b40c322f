"""The one place where msconvt calls the ``convt`` core.

Every API reduces to explicit geometry: per-side crop ``(top, bottom, left, right)``, a
stride, a dilation, groups and an ``output_padding`` that extends the result at the
bottom/right (rows past the full result hold the bias only).  ``convt`` is imported on the
first call so that ``import msconvt`` stays cheap.
"""
from __future__ import annotations

__all__ = ["conv_transpose", "crop_for_size"]

_core = None


def _conv():
    global _core
    if _core is None:
        import convt
        _core = convt.conv_transpose2d
    return _core


def crop_for_size(full, top, want):
    """(bottom, output_padding) so that the core's output, cropped ``top`` rows from the top
    of a full result of ``full`` rows, has exactly ``want`` rows.

        full - top - bottom + output_padding == want,  bottom >= 0, output_padding >= 0
    """
    rest = full - top
    if want <= rest:
        return rest - want, 0
    return 0, want - rest


def conv_transpose(x, weight, bias, stride, pads, output_padding, dilation, groups,
                   layout="NCHW"):
    """``convt.conv_transpose2d`` on ndarrays; ``pads`` is (top, bottom, left, right).

    float16 overflow rounds to inf silently, as in MindSpore: the core's own float16 path
    ignores it."""
    return _conv()(x, weight, bias, stride=tuple(stride), padding=tuple(pads),
                   output_padding=tuple(output_padding), dilation=tuple(dilation),
                   groups=groups, layout=layout)

