"""convt: fast, faithful CPU 2-D transposed convolution.

>>> import numpy as np, convt
>>> x = np.ones((1, 2, 3, 3), np.float32); w = np.ones((2, 4, 3, 3), np.float32)
>>> convt.conv_transpose2d(x, w, stride=2, padding=1).shape
(1, 4, 5, 5)
"""
from ._build import build_info
from ._threads import get_num_threads, set_num_threads, threads
from .conv_transpose import conv_transpose2d, output_shape, plan, release_scratch

__all__ = ["conv_transpose2d", "output_shape", "plan", "set_num_threads", "get_num_threads",
           "threads", "build_info", "release_scratch", "__version__"]
__version__ = "0.1.0"
