"""Shared pytest configuration for the convt test suite.

``pytest --fuzz`` turns every hypothesis fuzz test into a long run: it sets the environment
variable ``CONVT_FUZZ_EXAMPLES`` (read by the tests when they are collected) to 2000.
Without it the variable keeps any value the caller exported, else the tests use 40.
"""
from __future__ import annotations

import os

import pytest

FUZZ_EXAMPLES_LONG = "2000"
FUZZ_EXAMPLES_DEFAULT = "40"


def pytest_addoption(parser):
    parser.addoption(
        "--fuzz", action="store_true", default=False,
        help="run the hypothesis fuzz tests with many examples "
             f"(sets CONVT_FUZZ_EXAMPLES={FUZZ_EXAMPLES_LONG})")


def pytest_configure(config):
    # Runs before collection, so the test modules' settings(max_examples=...) see it.
    if config.getoption("--fuzz"):
        os.environ["CONVT_FUZZ_EXAMPLES"] = FUZZ_EXAMPLES_LONG
    config.addinivalue_line("markers", "slow: long-running tests (fuzzing, leak checks)")


@pytest.fixture
def restore_thread_settings():
    """Reset convt's process-wide thread default after a test that changes it."""
    import convt

    before = convt.get_num_threads()
    try:
        yield before
    finally:
        convt.set_num_threads(None)
        assert convt.get_num_threads() == before
