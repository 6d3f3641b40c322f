"""``import mindspore`` -> msconvt: an explicit, reversible ``sys.meta_path`` alias.

Only the names in ``ALIASES`` resolve; any other ``mindspore.*`` import raises
``ModuleNotFoundError`` saying the shim does not provide it.  Installing refuses when the real
MindSpore is already imported.  Installs are counted, so nested or concurrent ``with alias():``
blocks keep the alias until the last one exits.
"""
from __future__ import annotations

import contextlib
import importlib
import importlib.abc
import importlib.machinery
import sys
import threading

__all__ = ["ALIASES", "install_alias", "uninstall_alias", "alias", "is_installed", "missing"]

ALIASES = {
    "mindspore": "msconvt",
    "mindspore.common": "msconvt.common",
    "mindspore.common.dtype": "msconvt.common.dtype",
    "mindspore.common.initializer": "msconvt.common.initializer",
    "mindspore.common.parameter": "msconvt.common.parameter",
    "mindspore.common.seed": "msconvt.common.seed",
    "mindspore.common.tensor": "msconvt.common.tensor",
    "mindspore.context": "msconvt.context",
    "mindspore.mint": "msconvt.mint",
    "mindspore.mint.nn": "msconvt.mint.nn",
    "mindspore.mint.nn.functional": "msconvt.mint.nn.functional",
    "mindspore.nn": "msconvt.nn",
    "mindspore.nn.cell": "msconvt.nn.cell",
    "mindspore.nn.layer": "msconvt.nn.layer",
    "mindspore.nn.layer.conv": "msconvt.nn.layer.conv",
    "mindspore.ops": "msconvt.ops",
    "mindspore.ops.operations": "msconvt.ops.operations",
    "mindspore.ops.primitive": "msconvt.ops.primitive",
}

_lock = threading.RLock()
_count = 0
_finder = None


def missing(module, name):
    """The AttributeError for a name the shim does not provide."""
    if name.startswith("__") and name.endswith("__"):
        return AttributeError(f"module '{module}' has no attribute '{name}'")
    return AttributeError(f"module '{module}' has no attribute '{name}': msconvt, the MindSpore "
                          f"shim, does not provide {module}.{name}")


class _Loader(importlib.abc.Loader):
    def __init__(self, target):
        self._target = target

    def create_module(self, spec):
        module = importlib.import_module(self._target)
        self._saved = (getattr(module, "__spec__", None), getattr(module, "__loader__", None))
        return module

    def exec_module(self, module):
        # The import system stamped the alias spec on the shared module; put msconvt's back.
        spec, loader = self._saved
        module.__spec__ = spec
        module.__loader__ = loader


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname != "mindspore" and not fullname.startswith("mindspore."):
            return None
        tgt = ALIASES.get(fullname)
        if tgt is None:
            raise ModuleNotFoundError(
                f"No module named '{fullname}': msconvt, the MindSpore shim, does not provide "
                f"it (it provides: {', '.join(sorted(ALIASES))})", name=fullname)
        is_pkg = hasattr(importlib.import_module(tgt), "__path__")
        return importlib.machinery.ModuleSpec(fullname, _Loader(tgt), is_package=is_pkg)


def _real_mindspore_loaded():
    mod = sys.modules.get("mindspore")
    return mod is not None and not getattr(mod, "__name__", "").startswith("msconvt")


def is_installed():
    return _finder is not None


def install_alias():
    """Make ``import mindspore`` (and the names in ``ALIASES``) resolve to msconvt."""
    global _count, _finder
    with _lock:
        if _real_mindspore_loaded():
            raise RuntimeError("the real MindSpore is already imported (sys.modules['mindspore'] "
                               "is not msconvt); msconvt will not alias over it. Install the "
                               "alias before anything imports mindspore.")
        if _finder is None:
            _finder = _Finder()
            sys.meta_path.insert(0, _finder)
        _count += 1
        return _finder


def uninstall_alias():
    """Undo one :func:`install_alias`; the last one removes the finder and the aliased modules."""
    global _count, _finder
    with _lock:
        if _count == 0:
            return
        _count -= 1
        if _count:
            return
        with contextlib.suppress(ValueError):
            sys.meta_path.remove(_finder)
        _finder = None
        for name in [n for n in sys.modules if n == "mindspore" or n.startswith("mindspore.")]:
            if getattr(sys.modules[name], "__name__", "").startswith("msconvt"):
                del sys.modules[name]


@contextlib.contextmanager
def alias():
    """``with msconvt.alias(): import mindspore`` -- the alias for the block only."""
    install_alias()
    try:
        yield sys.modules.get("msconvt")
    finally:
        uninstall_alias()
