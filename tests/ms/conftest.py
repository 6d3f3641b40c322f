"""Fixtures for the msconvt tests."""
from __future__ import annotations

import sys

import numpy as np
import pytest

import msconvt

@pytest.fixture
def ms():
    """The shim, imported as ``mindspore`` through the alias (removed afterwards)."""
    with msconvt.alias():
        import mindspore
        yield mindspore
    assert "mindspore" not in sys.modules


@pytest.fixture
def rng():
    return np.random.RandomState(1234)
