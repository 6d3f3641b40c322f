"""``mindspore.mint``: the torch-style API (``mint.nn``)."""
from . import nn

__all__ = ["nn"]


def __getattr__(name):
    from .._alias import missing
    raise missing("mindspore.mint", name)
