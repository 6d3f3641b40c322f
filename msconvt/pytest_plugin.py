"""pytest plugin: run a MindSpore test suite unchanged on msconvt.

``pytest -p msconvt.pytest_plugin`` (or ``addopts = -p msconvt.pytest_plugin`` in the
suite's ini file) installs the ``mindspore`` alias as soon as pytest loads the plugin,
before any conftest or test module is imported, and removes it when pytest finishes.
"""
from __future__ import annotations

from ._alias import ALIAS

# At import, not in pytest_configure: the initial conftests load before that hook runs.
_release = ALIAS.hold()


def pytest_report_header(config):
    return ALIAS.header()


def pytest_unconfigure(config):
    _release()
