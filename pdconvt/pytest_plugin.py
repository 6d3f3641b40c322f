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

from ._alias import ALIAS

_SESSION_KEY = "_pdconvt_alias_release"


def pytest_addoption(parser):
    parser.addini("pdconvt_alias", "make `import paddle` resolve to pdconvt for the session",
                  type="bool", default=False)
    parser.addoption("--pdconvt-alias", action="store_true", default=False,
                     help="make `import paddle` resolve to pdconvt for the session")


def pytest_configure(config):
    # A hold of its own, not install_alias(): a test's uninstall_alias() must not end it.
    if config.getoption("--pdconvt-alias") or config.getini("pdconvt_alias"):
        setattr(config, _SESSION_KEY, ALIAS.hold())


def pytest_report_header(config):
    if getattr(config, _SESSION_KEY, None):
        return ALIAS.header()
    return None


def pytest_unconfigure(config):
    release = getattr(config, _SESSION_KEY, None)
    if release:
        release()


@pytest.fixture
def paddle_alias():
    """``import paddle`` gives pdconvt inside the test; yields that module."""
    with ALIAS.context() as module:
        yield module
