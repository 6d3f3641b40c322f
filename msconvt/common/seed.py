"""``mindspore.set_seed`` / ``get_seed``: the global seed also seeds NumPy's global RNG."""
from __future__ import annotations

import threading

import numpy as np

from .._validators import check_non_negative_int

__all__ = ["set_seed", "get_seed"]

_lock = threading.Lock()
_GLOBAL_SEED = None


def set_seed(seed):
    """Set the global seed; initialisers then reproduce MindSpore's values exactly."""
    global _GLOBAL_SEED
    if not isinstance(seed, int):
        raise TypeError("The argument 'seed' must be type of int, but got {}.".format(type(seed)))
    check_non_negative_int(seed, "seed", "global_seed")
    with _lock:
        np.random.seed(seed)
        _GLOBAL_SEED = seed


def get_seed():
    return _GLOBAL_SEED
