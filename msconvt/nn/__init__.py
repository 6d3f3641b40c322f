"""``mindspore.nn``: ``Cell`` and ``Conv2dTranspose``."""
from .cell import Cell
from .layer import Conv2dTranspose

__all__ = ["Cell", "Conv2dTranspose"]


def __getattr__(name):
    from .._alias import missing
    raise missing("mindspore.nn", name)
