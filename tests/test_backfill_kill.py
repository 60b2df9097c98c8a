"""`smallcap-screen backfill` killed with SIGKILL at random moments: the store keeps whole
snapshots only, each agreeing with its ``backfill`` rows, and the next run fetches only what is
missing. The CLI runs as a subprocess behind the HTTPS proxy, on dated iShares files and a
stand-in SEC (see test_backfill.py), the store read with plain sqlite3 as a user's script would."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from smallcap_screen.store import Store
from tests.helpers import live_homes
from tests.standins.internet import ISSUER_HOSTS, SEC_HOSTS
from tests.standins.issuers import IssuerStandIn, dated_files
from tests.standins.proxy import HttpsProxy
from tests.standins.sec import SecStandIn
from tests.standins.sec_documents import sec_site
from tests.test_backfill import AGENT, file_rows, redated

D = dt.date
DAYS = [D(2025, 11, 5), D(2025, 11, 6)]
FUNDS = ["IVV", "IWM"]  # sorted; IVV the benchmark, so every snapshot holds both
ARGS = ["backfill", "IWM", "--benchmark", "IVV", "--since", "2025-11-05", "--until", "2025-11-06", "--every", "day", "--quiet"]


@pytest.fixture
def site(raw_dir, tmp_path):
    """IWM's and IVV's real files, each redated to serve both days; the SEC knowing one holding
    in a hundred (seconds at its 10 requests/s); the HTTPS proxy in front of both."""
    sources = {"IWM": raw_dir / "IWM_holdings_2025-11-05.csv", "IVV": raw_dir / "IVV_holdings_2025-11-18.csv"}
    files = {fund: {day: redated(path, day, tmp_path) for day in DAYS} for fund, path in sources.items()}
    tickers = {r["ticker"] for path in sources.values() for r in file_rows(path)}
    documents, _ = sec_site(sorted(tickers)[::100], D(2025, 1, 1), D(2025, 11, 30))
    with IssuerStandIn({}, dated=dated_files(files)) as issuer, SecStandIn(documents) as sec:
        routes = {host: issuer.address for host in ISSUER_HOSTS} | {host: sec.address for host in SEC_HOSTS}
        with HttpsProxy(routes) as proxy:
            yield issuer, {**proxy.env, **live_homes(tmp_path), "SMALLCAP_SCREEN_SEC_USER_AGENT": AGENT}


def start(env: dict[str, str], store: Path) -> subprocess.Popen:
    base = {k: v for k, v in os.environ.items() if "proxy" not in k.lower() and k not in ("CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE")}
    return subprocess.Popen(
        [sys.executable, "-m", "smallcap_screen", *ARGS], env={**base, **env, "SMALLCAP_SCREEN_DB": str(store)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )


def assert_whole(path: Path) -> list[dt.date]:
    """SQLite finds the file sound; every snapshot is whole (both funds, its quotes and results,
    its checksum) and is the one its ``backfill`` rows point at, and no date is half-kept.
    Returns the period dates kept."""
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = db.execute("SELECT fund, period_date, status, data_date, snapshot_id FROM backfill").fetchall()
    counts = {
        table: dict(db.execute(f"SELECT snapshot_id, COUNT(*) FROM {table} GROUP BY snapshot_id").fetchall())
        for table in ("quote", "result", "snapshot_fund")
    }
    db.close()
    assert all(status == "kept" for _, _, status, _, _ in rows), rows  # every day has its files: no gap
    with Store.open(path) as store:
        infos = store.snapshots()
        for info in infos:
            snapshot = store.load(info.id)  # raises if any row is missing or changed
            assert sorted(snapshot.holdings) == FUNDS and info.origin == "backfill"
            assert counts["quote"][info.id] == len(snapshot.fundamentals.table) > 0
            assert counts["snapshot_fund"][info.id] == len(FUNDS) and counts["result"].get(info.id, 0) >= len(FUNDS)
            pointing = sorted((fund, data_date) for fund, _, _, data_date, snapshot_id in rows if snapshot_id == info.id)
            assert pointing == [(fund, info.data_date.isoformat()) for fund in FUNDS], (info, rows)
    assert {snapshot_id for *_, snapshot_id in rows} == {info.id for info in infos}
    kept = sorted({D.fromisoformat(period) for _, period, *_ in rows})
    assert len(rows) == len(FUNDS) * len(kept)  # a date is kept for both funds or for neither
    return kept


def _kept_rows(store: Path) -> int:
    """How many ``backfill`` rows a reader sees now (0 before the table exists)."""
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
            return db.execute("SELECT COUNT(*) FROM backfill").fetchone()[0]
    except sqlite3.Error:
        return 0


def _wait_until(process: subprocess.Popen, ready) -> None:
    while process.poll() is None and not ready():
        time.sleep(0.002)


def test_killing_backfill_at_random_moments_keeps_whole_snapshots_and_the_next_run_fetches_only_the_rest(site, tmp_path):
    issuer, env = site
    rng = random.Random(16)
    # Three kills: while the first date's snapshot is being written (the write-ahead log growing
    # as its pages are appended), at a random moment after it was kept, at any moment of the run.
    # Each store is then run again: it must finish, asking the issuer only for the missing dates.
    moments = ["writing", "after the first date", "any"]
    outcomes = {}
    for attempt, moment in enumerate(moments):
        store = tmp_path / f"store-{attempt}.sqlite3"
        process = start(env, store)
        wal = Path(f"{store}-wal")
        if moment == "writing":
            _wait_until(process, lambda: wal.exists() and wal.stat().st_size > 100_000)
        elif moment == "after the first date":
            _wait_until(process, lambda: _kept_rows(store) > 0)
            time.sleep(rng.uniform(0, 2))
        else:
            time.sleep(rng.uniform(0.5, 7))
        process.send_signal(signal.SIGKILL)
        process.wait()
        outcomes[moment] = kept = assert_whole(store) if store.exists() else []

        issuer.log.clear()
        rerun = start(env, store)
        assert rerun.wait(timeout=120) == 0, rerun.stderr.read()
        assert assert_whole(store) == DAYS
        asked = [D(int(q[:4]), int(q[4:6]), int(q[6:])) for q in (r.query["asOfDate"] for r in issuer.requests_on("ajax"))]
        assert sorted(asked) == sorted(day for day in DAYS for _ in FUNDS if day not in kept), (moment, kept, asked)
    # The second date's two files come two and four seconds (the issuer's spacing) after the first
    # date's last: a kill within 2 s of the first date being kept leaves exactly that date.
    assert outcomes["after the first date"] == DAYS[:1], outcomes
