"""``mindspore.mint.nn``: ``ConvTranspose2d`` and ``functional``."""
from . import functional
from ._conv import ConvTranspose2d

__all__ = ["ConvTranspose2d", "functional"]


def __getattr__(name):
    from ..._alias import missing
    raise missing("mindspore.mint.nn", name)
