"""pytest plugin: run legacy Paddle tests unchanged on pdconvt.

Load it with ``-p pdconvt.pytest_plugin`` (or ``pytest_plugins = ["pdconvt.pytest_plugin"]``
in a conftest).  Then either

* ``--pdconvt-alias`` on the command line, or ``pdconvt_alias = true`` in the ini file:
  ``import paddle`` resolves to pdconvt for the whole session; or
* the ``paddle_alias`` fixture: the alias for one test (the fixture's value is the module
  that ``import paddle`` gives).
"""
from __future__ import annotations

import pytest

_SESSION_KEY = "_pdconvt_alias_installed"


def pytest_addoption(parser):
    parser.addini("pdconvt_alias", "make `import paddle` resolve to pdconvt for the session",
                  type="bool", default=False)
    parser.addoption("--pdconvt-alias", action="store_true", default=False,
                     help="make `import paddle` resolve to pdconvt for the session")


def pytest_configure(config):
    if config.getoption("--pdconvt-alias") or config.getini("pdconvt_alias"):
        from ._alias import _acquire

        _acquire()
        setattr(config, _SESSION_KEY, True)


def pytest_unconfigure(config):
    if getattr(config, _SESSION_KEY, False):
        from ._alias import _release

        _release()
        setattr(config, _SESSION_KEY, False)


@pytest.fixture
def paddle_alias():
    """``import paddle`` gives pdconvt inside the test; yields that module."""
    from ._alias import alias

    with alias() as module:
        yield module
