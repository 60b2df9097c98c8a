"""Plain helpers shared by test modules (fixtures are in conftest.py): running the CLI as a user
does, and the shape every error must have."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: The full real downloads beside the checkout (see their SOURCES.md) ...
WHOLE_RAW = REPO.parent / "shared" / "data" / "raw"
#: ... and the committed excerpts of them, under the same names (see the README there).
EXCERPTS = REPO / "tests" / "fixtures" / "real"


def run(*args: str, env: dict | None = None, cwd: str | Path | None = None) -> subprocess.CompletedProcess:
    """``smallcap-screen ARGS`` at 200 columns, colour settings of the caller removed, run in this
    process through ``main(argv, env)`` with its own streams (the same code a user's run takes
    after start-up; tests of start-up (:func:`modules_after`), of live runs (:func:`run_live`),
    signals and kills run a real process)."""
    from smallcap_screen.cli import main
    from smallcap_screen.cli.environment import Environment

    variables = {"COLUMNS": "200", **(env or {})}
    stdout, stderr = io.StringIO(), io.StringIO()
    with _process_state(variables, drop=("NO_COLOR",), cwd=cwd):
        code = main(list(args), Environment.of_process(stdout=stdout, stderr=stderr))
    return subprocess.CompletedProcess(["smallcap-screen", *args], int(code), stdout.getvalue(), stderr.getvalue())


@contextlib.contextmanager
def _process_state(variables: dict[str, str], drop: tuple[str, ...], cwd: str | Path | None):
    """The process's environment with ``variables`` set and ``drop`` removed, in folder ``cwd``;
    both restored afterwards (contextlib.chdir is Python 3.11+)."""
    saved, folder = dict(os.environ), os.getcwd()
    for name in drop:
        os.environ.pop(name, None)
    os.environ.update(variables)
    try:
        if cwd is not None:
            os.chdir(cwd)
        yield
    finally:
        os.chdir(folder)
        os.environ.clear()
        os.environ.update(saved)


_MODULES_AFTER = """
import sys
from smallcap_screen.cli import main
sys.argv = ["smallcap-screen", *sys.argv[1:]]
try:
    main()
finally:
    print("\\nloaded:", " ".join(sorted(sys.modules)), file=sys.stderr)
"""


def modules_after(*args: str, env: dict | None = None) -> set[str]:
    """The modules loaded by the end of ``smallcap-screen ARGS`` (run as a subprocess)."""
    done = subprocess.run([sys.executable, "-c", _MODULES_AFTER, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return set(done.stderr.rpartition("\nloaded: ")[2].split())


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


def live_homes(tmp_path: Path) -> dict[str, str]:
    """Empty cache, store, yfinance cache and config folders for one live test's subprocesses."""
    return {
        "SMALLCAP_SCREEN_CACHE_DIR": str(tmp_path / "cache"),
        "SMALLCAP_SCREEN_DB": str(tmp_path / "store" / "snapshots.sqlite3"),
        "XDG_CACHE_HOME": str(tmp_path / "xdg-cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
    }


def dead_proxy_env() -> dict[str, str]:
    """Proxy variables pointing at a closed port: the network is unplugged."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    return {"HTTPS_PROXY": url, "https_proxy": url, "HTTP_PROXY": url, "http_proxy": url}


def by_fund(stdout: str) -> dict[str, dict]:
    """`--format json` output keyed by fund."""
    return {r["fund"]: r for r in json.loads(stdout)}


def dated(
    day: int | dt.date, *, funds: tuple[str, ...] = ("IWM", "IJR", "IVV", "SPY"), price_factor: float = 1.0, taken_hour: int = 22
):
    """Four funds of the bundled snapshot as if priced on 2025-11-``day`` (or on the date given),
    so the inputs differ, with the fundamentals of the stocks they hold: snapshots to fill a store with."""
    from smallcap_screen.model import Fundamentals
    from smallcap_screen.snapshot import snapshot_of
    from smallcap_screen.store.folder import bundled_snapshot

    reference = bundled_snapshot()
    f = reference.fundamentals
    table = f.table.copy()
    table["price"] = table["price"] * price_factor
    holdings = {k: v for k, v in reference.holdings.items() if k in funds}
    on = day if isinstance(day, dt.date) else dt.date(2025, 11, day)
    fundamentals = Fundamentals(table, on, f.source, f.forward_horizon)
    return snapshot_of(holdings, fundamentals, reference.label, created=dt.datetime(on.year, on.month, on.day, taken_hour, tzinfo=dt.timezone.utc))


def age_cache(folder: Path, fetched_at: dt.datetime) -> None:
    """Make every SEC answer kept in the download cache ``folder`` look fetched at ``fetched_at``
    (a cron run of that day), rewriting the entries' header line as smallcap_screen.cache writes it."""
    for path in (Path(folder) / "sec").glob("*.bin"):
        header_line, _, body = path.read_bytes().partition(b"\n")
        header = {**json.loads(header_line), "fetched_at": fetched_at.timestamp()}
        path.write_bytes(json.dumps(header).encode() + b"\n" + body)
