"""``mindspore.common.parameter``."""
from .._tensor import Parameter

__all__ = ["Parameter"]
