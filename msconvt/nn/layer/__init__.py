"""``mindspore.nn.layer``."""
from .conv import Conv2dTranspose

__all__ = ["Conv2dTranspose"]
