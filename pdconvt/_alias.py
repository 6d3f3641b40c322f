"""Opt-in ``import paddle`` -> pdconvt, through an explicit table on ``sys.meta_path``.

Only the names in ``ALIASES`` resolve; any other ``paddle.*`` import raises
``ModuleNotFoundError`` saying pdconvt does not provide it.  ``install_alias()`` refuses when
the real Paddle is already imported.  Installs are counted (explicit install + each active
``alias()`` block), so concurrent ``with pdconvt.alias():`` blocks in several threads keep
the alias until the last one leaves.
"""
from __future__ import annotations

import contextlib
import importlib
import importlib.abc
import importlib.util
import sys
import threading

__all__ = ["ALIASES", "install_alias", "uninstall_alias", "alias", "is_alias_installed",
           "missing"]

ALIASES = {
    "paddle": "pdconvt",
    "paddle.fluid": "pdconvt.fluid",
    "paddle.fluid.core": "pdconvt.fluid.core",
    "paddle.fluid.dygraph": "pdconvt.fluid.dygraph",
    "paddle.fluid.dygraph.nn": "pdconvt.fluid.dygraph.nn",
    "paddle.fluid.dygraph.base": "pdconvt.fluid.dygraph.base",
    "paddle.fluid.dygraph.layers": "pdconvt.fluid.dygraph.layers",
    "paddle.fluid.framework": "pdconvt.fluid.framework",
    "paddle.fluid.initializer": "pdconvt.fluid.initializer",
    "paddle.fluid.param_attr": "pdconvt.fluid.param_attr",
    "paddle.fluid.regularizer": "pdconvt.fluid.regularizer",
    "paddle.fluid.unique_name": "pdconvt.fluid.unique_name",
}
_REVERSE = {v: k for k, v in ALIASES.items()}


def _paddle_name(module_name):
    return _REVERSE.get(module_name, module_name)


def missing(module_name, attr):
    """The AttributeError for a name the shim does not provide (module ``__getattr__``)."""
    owner = _paddle_name(module_name)
    if attr.startswith("__"):
        return AttributeError(f"module '{owner}' has no attribute '{attr}'")
    return AttributeError(
        f"module '{owner}' has no attribute '{attr}': pdconvt does not provide "
        f"{owner}.{attr} (it provides the legacy dygraph Conv2DTranspose surface; see "
        "pdconvt's README for the supported names)")


class _AliasLoader(importlib.abc.Loader):
    """Hands back the already-imported pdconvt module under its paddle name."""

    def __init__(self, module):
        self.module = module
        self.spec = module.__spec__

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        # importlib stamped the alias spec on the shared module object: put pdconvt's back.
        module.__spec__ = self.spec


class _AliasFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname != "paddle" and not fullname.startswith("paddle."):
            return None
        real = ALIASES.get(fullname)
        if real is None:
            raise ModuleNotFoundError(
                f"No module named '{fullname}': pdconvt does not provide it (the paddle alias "
                f"provides {', '.join(sorted(ALIASES))})", name=fullname)
        module = importlib.import_module(real)
        return importlib.util.spec_from_loader(fullname, _AliasLoader(module),
                                               is_package=hasattr(module, "__path__"))


_finder = _AliasFinder()
_lock = threading.RLock()
_count = 0
_explicit = False


def is_alias_installed():
    """True while ``import paddle`` resolves to pdconvt."""
    return _finder in sys.meta_path


def _acquire():
    global _count
    with _lock:
        if _count == 0:
            current = sys.modules.get("paddle")
            if current is not None and not getattr(current, "__name__", "").startswith("pdconvt"):
                raise RuntimeError(
                    "pdconvt.install_alias(): the real paddle is already imported "
                    f"({getattr(current, '__file__', current)!r}); install the alias before "
                    "anything imports paddle, or use the real framework")
            sys.meta_path.insert(0, _finder)
        _count += 1


def _release():
    global _count
    with _lock:
        if _count == 0:
            return
        _count -= 1
        if _count == 0:
            while _finder in sys.meta_path:
                sys.meta_path.remove(_finder)
            for name in [n for n in sys.modules if n == "paddle" or n.startswith("paddle.")]:
                if getattr(sys.modules[name], "__name__", "").startswith("pdconvt"):
                    del sys.modules[name]


def install_alias():
    """Make ``import paddle`` (and the names in ``ALIASES``) resolve to pdconvt.

    Idempotent.  Raises RuntimeError if the real ``paddle`` is already in ``sys.modules``.
    """
    global _explicit
    with _lock:
        if not _explicit:
            _acquire()
            _explicit = True


def uninstall_alias():
    """Undo ``install_alias()`` (the alias stays while ``alias()`` blocks are active)."""
    global _explicit
    with _lock:
        if _explicit:
            _explicit = False
            _release()


@contextlib.contextmanager
def alias():
    """``with pdconvt.alias(): import paddle.fluid as fluid`` -- the alias for the block."""
    _acquire()
    try:
        yield importlib.import_module("pdconvt")
    finally:
        _release()
