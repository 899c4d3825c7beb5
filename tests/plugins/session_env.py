"""Loaded with ``-p session_env`` (see ``[tool.pytest.ini_options]``), before pytest-django
reads the settings: the whole session, and every command it starts, works in a fresh
temporary data directory, never in the developer's.

A ``conftest.py`` would come too late: pytest-django imports the settings, which fix
``DATA_DIR`` and generate secrets there, before any conftest is loaded.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser, args):
    path = tempfile.mkdtemp(prefix="clearinghouse-test-")
    os.environ["CLEARINGHOUSE_DATA_DIR"] = path
    early_config.add_cleanup(lambda: shutil.rmtree(path, ignore_errors=True))
    return (yield)
