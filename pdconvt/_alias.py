"""Opt-in ``import paddle`` -> pdconvt, through an explicit table on ``sys.meta_path``.

Only the names in ``ALIASES`` resolve; any other ``paddle.*`` import raises
``ModuleNotFoundError`` saying pdconvt does not provide it.  ``install_alias()`` refuses when
the real Paddle is already imported.  Installs are counted (explicit install + each active
``alias()`` block), so concurrent ``with pdconvt.alias():`` blocks in several threads keep
the alias until the last one leaves.  The machinery is ``convt._aliasing``'s.
"""
from __future__ import annotations

from convt._aliasing import Alias

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

ALIAS = Alias("paddle", "pdconvt", ALIASES, display="Paddle", provider="pdconvt",
              hint=" (it provides the legacy dygraph Conv2DTranspose surface; see pdconvt's "
                   "README for the supported names)")


def missing(module_name, attr):
    """The AttributeError for a name the shim does not provide (module ``__getattr__``)."""
    return ALIAS.missing(module_name, attr)


def is_alias_installed():
    """True while ``import paddle`` resolves to pdconvt."""
    return ALIAS.is_installed()


def install_alias():
    """Make ``import paddle`` (and the names in ``ALIASES``) resolve to pdconvt.

    Idempotent.  Raises RuntimeError if the real ``paddle`` is already in ``sys.modules``.
    """
    ALIAS.enable()


def uninstall_alias():
    """Undo ``install_alias()`` (the alias stays while ``alias()`` blocks are active)."""
    ALIAS.disable()


def alias():
    """``with pdconvt.alias(): import paddle.fluid as fluid`` -- the alias for the block."""
    return ALIAS.context()
