"""`snapshot` for cron, and `compare`'s per-fund fallback, end to end against the stand-in internet.

The CLI runs as a subprocess behind the HTTPS proxy (see test_live_cli.py); the store is checked
with plain sqlite3 the way a user's own script would read it.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from smallcap_screen.sources.http import HTML_RETRIES
from smallcap_screen.store import Store
from tests.standins.issuers import HTML_PAGE, status
from tests.standins.internet import StandInInternet
from tests.helpers import by_fund, dead_proxy_env, live_homes
from tests.helpers import run_live as run

FUNDS = ["IJR", "IJS", "IWM", "SPY"]  # sorted


@pytest.fixture(scope="module")
def net(raw_dir):
    with StandInInternet(raw_dir, latency=0.02) as running:
        yield running


@pytest.fixture
def homes(tmp_path) -> dict[str, str]:
    return live_homes(tmp_path)


def stored(homes) -> list[dict]:
    """The snapshots as `snapshots -f json` lists them (none when the store does not exist)."""
    with Store.open(homes["SMALLCAP_SCREEN_DB"]) as store:
        return [i.to_dict() for i in store.snapshots()]


def assert_sound(path: str) -> None:
    """SQLite finds the file sound, and every snapshot in it is whole: all its funds, checksum ok."""
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    with Store.open(path) as store:
        for info in store.snapshots():
            snapshot = store.load(info.id)  # raises if any row is missing or changed
            assert sorted(snapshot.holdings) == sorted(FUNDS), info


def test_snapshot_keeps_every_fund_once_and_a_same_day_rerun_adds_nothing(net, homes, tmp_path):
    log = tmp_path / "runs.log"
    env = {**net.env, **homes}
    first = run("snapshot", "--log", str(log), env=env)
    assert first.returncode == 0, first.stderr
    assert "kept snapshot 1 of " in first.stderr and "(IWM, IJR, IJS, SPY)" in first.stderr
    [snapshot] = stored(homes)
    assert sorted(snapshot["funds"]) == FUNDS and snapshot["origin"] == "live"
    assert snapshot["funds"]["IWM"]["as_of"] == "2025-11-05"

    requests = net.total_requests
    again = run("snapshot", "--quiet", "--log", str(log), env=env)
    assert again.returncode == 0 and again.stderr == "", again.stderr
    assert net.total_requests == requests, "served wholly from the cache"
    assert len(stored(homes)) == 1
    lines = log.read_text().splitlines()
    assert len(lines) == 2 and lines[0].split()[1] == "exit=0" and "unchanged" in lines[1]

    history = run("history", "-f", "json", env=homes)
    assert history.returncode == 0, history.stderr
    assert sorted(r["fund"] for r in json.loads(history.stdout)) == FUNDS
    assert "computed from their inputs" not in history.stderr  # read as stored
    assert_sound(homes["SMALLCAP_SCREEN_DB"])


def test_snapshot_with_the_network_unplugged_exits_5_in_one_line_and_records_nothing(homes):
    result = run("snapshot", env={**homes, **dead_proxy_env()})
    assert result.returncode == 5, result.stderr
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert stored(homes) == []


def test_snapshot_with_one_fund_failing_keeps_the_others_and_exits_partial(net, homes):
    net.issuers.inject("ssga", status(404))
    result = run("snapshot", "--quiet", env={**net.env, **homes})
    assert result.returncode == 7, result.stderr
    assert "warning: SPY: live download failed (HTTP 404); not kept" in result.stderr
    [snapshot] = stored(homes)
    assert sorted(snapshot["funds"]) == ["IJR", "IJS", "IWM"]


def test_compare_with_one_fund_failing_keeps_the_others_live_and_names_the_fallback(net, homes):
    net.issuers.inject("ssga", status(404))
    result = run("compare", "IWM", "SPY", "-f", "json", "--quiet", env={**net.env, **homes})
    assert result.returncode == 0, result.stderr
    rows = by_fund(result.stdout)
    assert rows["IWM"]["holdings_source"] == "live" and rows["IWM"]["status_reason"] == ""
    assert rows["SPY"]["holdings_source"] == "bundled"
    assert rows["SPY"]["status_reason"] == "live download failed (HTTP 404); holdings of 2025-11-18 from the bundled snapshot"
    assert rows["SPY"]["pe_trailing"] is not None and rows["IWM"]["discount_trailing"] is not None
    assert "SPY: live download failed (HTTP 404)" in result.stderr  # shown even with --quiet
    [kept] = stored(homes)
    assert list(kept["funds"]) == ["IWM"], "fallback holdings are never recorded"

    net.issuers.inject("ssga", status(404))
    strict = run("compare", "IWM", "SPY", "-f", "json", "--live", "--cache-dir", homes["SMALLCAP_SCREEN_CACHE_DIR"] + "-2", env={**net.env, **homes})
    assert strict.returncode == 7, strict.stderr
    assert by_fund(strict.stdout)["SPY"]["status_reason"] == "live download failed (HTTP 404); holdings of 2025-11-18 from the bundled snapshot"


def test_compare_when_every_issuer_answers_a_bot_wall_falls_back_whole_with_a_note(net, homes):
    walls = [HTML_PAGE] * (HTML_RETRIES + 1)  # a bot wall comes back on every retry
    net.issuers.inject("ajax", *walls * 2)  # IWM and IJR, the documented address ...
    net.issuers.inject("latest", *walls * 2)  # ... and the other one
    net.issuers.inject("ssga", *walls)
    result = run("compare", "IWM", "IJR", "SPY", "--quiet", env={**net.env, **homes})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    # --quiet: the one-line warning; why (no fund's holdings could be downloaded) is a note, as the cron run below says it.
    assert result.stderr.splitlines() == ["no live data: bundled reference snapshot of 2025-08-19; --offline skips trying"]
    assert "IWM" in result.stdout
    assert stored(homes) == []
    for route, times in (("ajax", 3), ("latest", 3), ("ssga", 1)):  # IWM, IJR, IJS go to iShares; SPY to SSGA
        net.issuers.inject(route, *walls * times)
    cron = run("snapshot", "--quiet", env={**net.env, **homes})
    assert cron.returncode == 7, cron.stderr  # the network works: partial, not unreachable
    assert "warning: nothing kept: no fund's holdings could be downloaded" in cron.stderr
    assert stored(homes) == []


def test_compare_with_the_network_unplugged_prints_a_table_and_says_so_even_when_quiet(homes):
    result = run("compare", "IWM", "SPY", "--quiet", env={**homes, **dead_proxy_env()})
    assert result.returncode == 0, result.stderr
    assert "IWM" in result.stdout
    assert "no live data" in result.stderr and "bundled reference snapshot" in result.stderr


@pytest.mark.parametrize("command", [["screen", "IWM", "--top", "5"], ["sectors", "IWM"], ["explain", "IWM"], ["holdings", "IWM"]])
def test_every_data_command_with_the_network_unplugged_says_it_fell_back_even_when_quiet(homes, command):
    result = run(*command, "--quiet", env={**homes, **dead_proxy_env()})
    assert result.returncode == 0, result.stderr
    assert "IWM" in result.stdout
    [line] = result.stderr.splitlines()  # the warning alone: --quiet silences the notes, never the fallback
    assert line == "no live data: bundled reference snapshot of 2025-08-19; --offline skips trying"
    assert len(line) <= 80


def test_a_notebook_call_that_falls_back_warns_with_a_fallback_warning(homes):
    code = (
        "import warnings, smallcap_screen as s\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    result = s.compare(['IWM', 'SPY'])\n"
        "print(result.records()[0]['data_source'])\n"
        "for w in caught:\n"
        "    print(w.category.__name__, w.message)\n"
    )
    base = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**base, **homes, **dead_proxy_env()}, timeout=180)
    assert shown.returncode == 0, shown.stderr
    source, *warned = shown.stdout.splitlines()
    assert source == "bundled reference snapshot"
    assert len(warned) == 1 and warned[0].startswith("FallbackWarning no live data") and "bundled reference snapshot" in warned[0]


def _snapshot_process(env: dict[str, str]) -> subprocess.Popen:
    base = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    return subprocess.Popen(
        [sys.executable, "-m", "smallcap_screen", "snapshot", "--quiet"], env={**base, **env},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )


def _wait_for_writing(store: Path, process: subprocess.Popen) -> None:
    """Return once the run is writing its snapshot: SQLite's write-ahead log has grown past what
    creating the tables puts there (its pages are appended as the transaction commits)."""
    wal = Path(str(store) + "-wal")
    while process.poll() is None and _size(wal) <= 300_000:
        time.sleep(0.001)


def _size(path: Path) -> int:
    """A file's size, 0 when it does not exist (the run may remove its log at any moment)."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def test_killing_snapshot_at_random_moments_never_leaves_a_partial_snapshot(net, homes, tmp_path):
    env = {**net.env, **homes}
    assert run("snapshot", "--quiet", env=env).returncode == 0  # warms the cache: each run below writes at once
    started = time.monotonic()
    assert run("snapshot", "--quiet", env={**env, "SMALLCAP_SCREEN_DB": str(tmp_path / "timed.sqlite3")}).returncode == 0
    duration = time.monotonic() - started  # start-up, computing, one whole write into a new store
    # A kill can land inside a write only when the write takes time: with the committed excerpts
    # (no ../shared) a whole snapshot is far smaller, committed in one go, too fast to hit.
    writes_take_time = _size(tmp_path / "timed.sqlite3") > 500_000  # the whole files: about 700 KB
    rng = random.Random(6)
    killed_while_writing = 0
    # 16 kills, half at any moment, half aimed at the write; on a busy machine an aimed kill can
    # come too late, so aimed kills go on (up to 40 in all) until one lands inside a write.
    for attempt in range(40):
        if attempt >= 16 and (killed_while_writing or not writes_take_time):
            break
        store = tmp_path / f"store-{attempt}.sqlite3"
        process = _snapshot_process({**env, "SMALLCAP_SCREEN_DB": str(store)})
        at_any_moment = attempt % 2 and attempt < 16
        if at_any_moment:
            time.sleep(rng.uniform(0.1, 0.9) * duration)
        else:  # a moment of the write itself, the one that matters most
            _wait_for_writing(store, process)
        process.send_signal(signal.SIGKILL)
        process.wait()
        if store.exists():
            assert_sound(str(store))
            kept = len(stored({"SMALLCAP_SCREEN_DB": str(store)}))
            assert kept <= 1
            # Killed while its pages were being appended: the store must be as before (empty).
            killed_while_writing += not at_any_moment and process.returncode == -signal.SIGKILL and kept == 0
    if writes_take_time:
        assert killed_while_writing >= 1, "no write was ever interrupted: the test proves little"
    # The next run on a store a killed run used finishes the job.
    last = tmp_path / "store-0.sqlite3"
    assert run("snapshot", "--quiet", env={**env, "SMALLCAP_SCREEN_DB": str(last)}).returncode == 0
    assert_sound(str(last))
    assert len(stored({"SMALLCAP_SCREEN_DB": str(last)})) == 1


def test_two_concurrent_snapshots_neither_corrupt_nor_duplicate(net, homes):
    env = {**net.env, **homes}
    runs = [_snapshot_process(env), _snapshot_process(env)]
    codes = [p.wait(timeout=180) for p in runs]
    assert codes == [0, 0], [p.stderr.read() for p in runs]
    assert_sound(homes["SMALLCAP_SCREEN_DB"])
    assert len(stored(homes)) == 1
