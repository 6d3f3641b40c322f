"""``import mindspore`` -> msconvt: an explicit, reversible ``sys.meta_path`` alias.

Only the names in ``ALIASES`` resolve; any other ``mindspore.*`` import raises
``ModuleNotFoundError`` saying the shim does not provide it.  Installing refuses when the real
MindSpore is already imported.  Installs are counted, so nested or concurrent ``with alias():``
blocks keep the alias until the last one exits.  The machinery is ``convt._aliasing``'s.
"""
from __future__ import annotations

from convt._aliasing import Alias

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

ALIAS = Alias("mindspore", "msconvt", ALIASES, display="MindSpore",
              provider="msconvt, the MindSpore shim,")


def missing(module, name):
    """The AttributeError for a name the shim does not provide (module ``__getattr__``)."""
    return ALIAS.missing(module, name)


def is_installed():
    """True while ``import mindspore`` resolves to msconvt."""
    return ALIAS.is_installed()


def install_alias():
    """Make ``import mindspore`` (and the names in ``ALIASES``) resolve to msconvt.

    Counted: each call needs its own :func:`uninstall_alias`.  Raises RuntimeError if the
    real ``mindspore`` is already in ``sys.modules``.
    """
    ALIAS.acquire()


def uninstall_alias():
    """Undo one :func:`install_alias`; the last one removes the finder and the aliased modules."""
    ALIAS.release()


def alias():
    """``with msconvt.alias(): import mindspore`` -- the alias for the block only."""
    return ALIAS.context()
