"""The store under faults that are not damage: a read-only store is read (a write to it is exit 6),
a full disk keeps nothing and leaves the store as it was (exit 6), and only SQLite's own word that
the file is corrupt advises moving it away. Snapshot ids are never reused."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from smallcap_screen.api.compare import results_of
from smallcap_screen.errors import DataError, OutputError
from smallcap_screen.store import SCHEMA_VERSION, Store
from smallcap_screen.store import database
from tests.helpers import assert_one_line_error, dated, run
from tests.standins.disk import full_disk_available, on_full_disk, on_read_only_disk

needs_mounts = pytest.mark.skipif(not full_disk_available(), reason="this machine does not let a process mount in its own namespace (unshare)")


@pytest.fixture
def kept(tmp_path):
    """A data folder whose store holds two snapshots with their figures."""
    folder = tmp_path / "data"
    with Store.open(data_dir=folder) as store:
        for day in (13, 20):
            snapshot = dated(day, price_factor=1 + day / 1000)
            store.save(snapshot, results=results_of(snapshot, "SPY", "live"))
    return folder


def cli(command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def smallcap(folder, *args: str) -> list[str]:
    return [sys.executable, "-m", "smallcap_screen", *args, "--data-dir", str(folder)]


@needs_mounts
def test_a_read_only_store_is_read_and_a_write_to_it_is_exit_6(kept):
    listed = cli(on_read_only_disk(kept, smallcap(kept, "snapshots", "-f", "json")))
    assert listed.returncode == 0, listed.stderr
    assert [s["id"] for s in json.loads(listed.stdout)] == [1, 2]

    compared = cli(on_read_only_disk(kept, smallcap(kept, "compare", "IWM", "SPY", "--offline", "-f", "json")))
    assert compared.returncode == 0, compared.stderr
    assert {r["fund"]: r["as_of_prices"] for r in json.loads(compared.stdout)} == {"IWM": "2025-11-20", "SPY": "2025-11-20"}

    history = cli(on_read_only_disk(kept, smallcap(kept, "history", "IWM", "-f", "json")))
    assert history.returncode == 0, history.stderr
    assert len(json.loads(history.stdout)) == 2

    removed = cli(on_read_only_disk(kept, smallcap(kept, "snapshots", "rm", "1", "--yes")))
    assert_one_line_error(removed, 6, "read-only")
    assert "move it away" not in removed.stderr


@needs_mounts
def test_a_full_disk_is_exit_6_never_damage_and_reading_still_works(kept, raw_dir, tmp_path):
    from smallcap_screen.reference import read_reference_fundamentals

    prices = tmp_path / "prices.csv"
    read_reference_fundamentals(raw_dir).table[["price", "eps_trailing"]].dropna().to_csv(prices)
    iwm = str(raw_dir / "IWM_holdings_2025-11-05.csv")

    imported = cli(on_full_disk(kept, smallcap(kept, "import", str(prices), "--as-of", "2025-11-27", "--holdings", iwm)))
    assert_one_line_error(imported, 6, "full", "nothing was kept")
    assert "move it away" not in imported.stderr and "rollback" not in imported.stderr

    listed = cli(on_full_disk(kept, smallcap(kept, "snapshots", "-f", "json")))
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)) == 2


def test_a_full_disk_keeps_nothing_and_leaves_the_store_as_it_was(kept):
    with Store.open(data_dir=kept) as store:
        before = [(i.id, i.data_date) for i in store.snapshots()]
        db = store._connection(create=True)
        db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0]}")  # SQLite: "database or disk is full"
        with pytest.raises(OutputError, match="full.*nothing was kept"):
            store.save(dated(27, price_factor=1.05))
        db.execute("PRAGMA max_page_count = 1073741823")
        assert [(i.id, i.data_date) for i in store.snapshots()] == before
        assert store.integrity_check() == "ok"
        assert store.save(dated(27, price_factor=1.05)).status == "added"  # space freed: it works


def test_only_sqlite_saying_corrupt_advises_moving_the_store_away(tmp_path):
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not an SQLite file at all, but it is long enough to be read as one" * 100)
    with pytest.raises(DataError, match="damaged.*move it away"), Store.open(garbage) as store:
        store.snapshots()

    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)")
    other_db = sqlite3.connect(other)
    other_db.execute("PRAGMA user_version = 1")
    other_db.close()
    with pytest.raises(DataError) as error, Store.open(other) as store:
        store.snapshots()
    assert "move it away" not in str(error.value)


@pytest.mark.parametrize("command", [["compare", "IWM", "SPY"], ["screen", "IWM", "--top", "3"], ["sectors", "IWM"]])
def test_a_store_this_version_cannot_read_is_said_once_not_once_per_snapshot(kept, command):
    db = sqlite3.connect(kept / database.DB_NAME)
    # a column this version reads every snapshot's stocks with, gone (a store left by a
    # development build had exactly this)
    db.executescript("DROP VIEW fundamentals; ALTER TABLE stock_facts DROP COLUMN dividend_yield;")
    db.close()

    result = run(*command, "--offline", "--data-dir", str(kept))

    assert result.returncode == 0, result.stderr
    unreadable = [line for line in result.stderr.splitlines() if "not a smallcap-screen store this version can read" in line]
    assert len(unreadable) == 1, result.stderr  # was one line per stored snapshot
    assert "no such column: f.dividend_yield" in unreadable[0]
    assert "using bundled reference snapshot" in result.stderr


def test_snapshot_ids_are_never_reused_after_removal(tmp_path):
    with Store.open(tmp_path / "s.sqlite3") as store:
        first, second = store.save(dated(13)), store.save(dated(20, price_factor=1.01))
        store.remove([second.snapshot_id])
        third = store.save(dated(27, price_factor=1.02))
    assert third.snapshot_id > second.snapshot_id > first.snapshot_id


def test_a_store_of_schema_1_keeps_its_snapshots_and_ids_and_stops_reusing_them(tmp_path):
    """tests/fixtures/store/schema1.sqlite3 was written by the code users have (1391889, schema 1):
    IWM and SPY (six holdings each) on 2025-11-13, -20 and -27, the last one removed again, so
    that version would give id 3 anew. Migrated, it keeps ids 1 and 2 and never gives an id twice."""
    import shutil

    path = tmp_path / "old.sqlite3"
    shutil.copyfile(Path(__file__).parent / "fixtures" / "store" / "schema1.sqlite3", path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 1

    with Store.open(path) as store:
        assert [i.id for i in store.snapshots()] == [1, 2]  # read as it is: opening writes nothing
        before = store.load(2)  # whole snapshots too, facts added since (dividend yield) unknown
        assert sorted(before.holdings) == ["IWM", "SPY"] and before.fundamentals.table["dividend_yield"].isna().all()
        assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 1
        store.migrate()
        assert [i.id for i in store.snapshots()] == [1, 2]
        for snapshot_id in (1, 2):
            store.load(snapshot_id)  # checksums still verify
        assert len(store.results("exclude", "SPY")[1].records) == 2  # IWM and SPY, as stored
        store.remove([2])
        # The old version kept no record of its removed 3: ids go on from the highest kept, and
        # from the migration on none is given twice.
        assert store.save(dated(28, price_factor=1.04)).snapshot_id == 3
        store.remove([3])
        assert store.save(dated(29, price_factor=1.05)).snapshot_id == 4
        assert store.integrity_check() == "ok"
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
