"""Shared fixtures. The real issuer downloads live beside the checkout in ../shared/data/raw."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RAW = REPO.parent / "shared" / "data" / "raw"


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    """The folder of real sample downloads; tests that need it skip where it is absent."""
    if not RAW.is_dir():
        pytest.skip(f"real sample files not found at {RAW}")
    return RAW
