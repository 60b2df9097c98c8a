"""Shared fixtures: where the real issuer and finviz files are read from.

The full downloads live beside the checkout in ../shared/data/raw (see its SOURCES.md). Where that
folder is absent, as on the project's GitHub workflow, the committed excerpts of the same files in
tests/fixtures/real (same file names, a few dozen real rows each, every quirk kept) stand in, so
the parser, metrics and by-hand tests run everywhere. Set SMALLCAP_TEST_EXCERPTS=1 to use the
excerpts even where the full files are present.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, TypeVar

import pytest

from tests.helpers import EXCERPTS, WHOLE_RAW

T = TypeVar("T")


def pytest_xdist_auto_num_workers(config) -> int | None:
    """``-n auto`` (pyproject's addopts): two workers per core the tests may run on. The longest
    tests mostly wait (the live runs' pacing and retries against the stand-ins, the issuer's 2 s
    spacing, the kill tests): with one worker a core idles through those waits (on one core the
    suite took 408 s in one process and 241 s with two workers). PYTEST_XDIST_AUTO_NUM_WORKERS
    still decides when set (xdist reads it)."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return 2 * cores


def whole_files_present() -> bool:
    return WHOLE_RAW.is_dir() and os.environ.get("SMALLCAP_TEST_EXCERPTS", "") in ("", "0")


#: Variables naming the user's own settings, store, cache and terminal: no test reads the user's.
USER_VARIABLES = (
    "SMALLCAP_SCREEN_CONFIG", "SMALLCAP_SCREEN_DB", "SMALLCAP_SCREEN_DATA_DIR", "SMALLCAP_SCREEN_CACHE_DIR",
    "SMALLCAP_SCREEN_SEC_USER_AGENT", "SMALLCAP_SCREEN_DEBUG", "NO_COLOR", "COLUMNS",
)


@pytest.fixture(autouse=True)
def own_user_folders(tmp_path_factory, monkeypatch) -> None:
    """Each test has user config, data and cache folders of its own (the platform's defaults point
    there), and none of the user's settings: tests may run in parallel (pytest -n) and on any machine."""
    home = tmp_path_factory.mktemp("user")
    for kind in ("CONFIG", "DATA", "CACHE"):
        monkeypatch.setenv(f"XDG_{kind}_HOME", str(home / kind.lower()))
    for name in USER_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    """The folder of real sample files: the full downloads where present, else their excerpts."""
    return WHOLE_RAW if whole_files_present() else EXCERPTS


@pytest.fixture(scope="session")
def whole_raw_dir() -> Path:
    """The full downloads, for the few facts only a whole file has (the whole finviz universe)."""
    if not whole_files_present():
        pytest.skip(f"needs the full sample files at {WHOLE_RAW}")
    return WHOLE_RAW


@pytest.fixture(scope="session")
def raw_figure() -> Callable[..., T]:
    """``raw_figure(whole=1956, excerpt=37)``: the figure a test expects of the files in ``raw_dir``."""

    def figure(*, whole: T, excerpt: T) -> T:
        return whole if whole_files_present() else excerpt

    return figure
