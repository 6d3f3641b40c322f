"""pytest plugin: run a MindSpore test suite unchanged on msconvt.

``pytest -p msconvt.pytest_plugin`` (or ``addopts = -p msconvt.pytest_plugin`` in the
suite's ini file) installs the ``mindspore`` alias as soon as pytest loads the plugin,
before any conftest or test module is imported, and removes it when pytest finishes.
"""
from __future__ import annotations

from ._alias import install_alias, uninstall_alias

install_alias()
_installed = True


def pytest_report_header(config):
    return "msconvt: 'import mindspore' resolves to msconvt (MindSpore shim on convt)"


def pytest_unconfigure(config):
    global _installed
    if _installed:
        _installed = False
        uninstall_alias()
