"""pdconvt: legacy ``paddle.fluid.dygraph.Conv2DTranspose`` code, unchanged, on ``convt``.

``pdconvt.fluid`` is the shim of ``paddle.fluid``.  To run code that says ``import paddle``
unchanged, opt in with ``pdconvt.install_alias()``, ``with pdconvt.alias():``,
``python -m pdconvt script.py`` or the pytest plugin (``pdconvt.pytest_plugin``).
Importing pdconvt has no side effects and loads neither the compiled kernels (they load at
the first forward), scipy nor pytest.
"""
from __future__ import annotations

from . import fluid
from ._alias import alias, install_alias, is_alias_installed, uninstall_alias

__version__ = "0.1.0"

__all__ = ["fluid", "install_alias", "uninstall_alias", "alias", "is_alias_installed"]


def __getattr__(name):
    from ._alias import missing

    raise missing(__name__, name)
