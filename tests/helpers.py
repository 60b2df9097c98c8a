"""Plain helpers shared by test modules (fixtures are in conftest.py): running the CLI as a user
does, and the shape every error must have."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: The full real downloads beside the checkout (see their SOURCES.md) ...
WHOLE_RAW = REPO.parent / "shared" / "data" / "raw"
#: ... and the committed excerpts of them, under the same names (see the README there).
EXCERPTS = REPO / "tests" / "fixtures" / "real"


def run(*args: str, env: dict | None = None, cwd: str | Path | None = None) -> subprocess.CompletedProcess:
    """``smallcap-screen ARGS`` as a subprocess at 200 columns, colour settings of the caller removed."""
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    environment.update({"COLUMNS": "200", **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "smallcap_screen", *args], capture_output=True, text=True, env=environment, timeout=120, cwd=cwd
    )


def assert_one_line_error(result: subprocess.CompletedProcess, code: int, *words: str) -> None:
    """The run failed with ``code`` and exactly one ``error:`` line holding ``words``, no traceback."""
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    for word in words:
        assert word in errors[0]


def run_live(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """``smallcap-screen ARGS`` as a subprocess whose only network is what ``env`` gives (the
    caller's proxy and CA settings removed), e.g. a stand-in internet's ``env``."""
    base = {k: v for k, v in os.environ.items() if "proxy" not in k.lower() and k not in ("CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE")}
    return subprocess.run(
        [sys.executable, "-m", "smallcap_screen", *args], capture_output=True, text=True, env={**base, **env}, timeout=180
    )


class FakeTime:
    """A monotonic clock that only moves when slept on, recording every sleep (for the pacer)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
