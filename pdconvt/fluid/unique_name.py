"""``fluid.unique_name``: ``generate(key)`` -> ``key_<n>``, counters per guard (and per thread)."""
from __future__ import annotations

import contextlib

from . import framework

__all__ = ["generate", "guard"]


def generate(key):
    """The next unique name for ``key`` in the current guard, e.g. ``fc_0``, ``fc_1``."""
    return framework._generate_name(key)


@contextlib.contextmanager
def guard(new_generator=None):
    """Fresh name counters (optionally with a ``str`` prefix) inside the block."""
    state = framework._state_or_static()
    prefix = new_generator if isinstance(new_generator, str) else ""
    if isinstance(new_generator, bytes):
        prefix = new_generator.decode()
    old = state.names
    state.names = (new_generator if isinstance(new_generator, framework.NameGenerator)
                   else framework.NameGenerator(prefix))
    try:
        yield
    finally:
        state.names = old
