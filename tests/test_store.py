"""The SQLite store: lossless, deduplicated, ordered by data date, checked on every read, safe
with several writers, and the one-time move of the old snapshot folders into it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import multiprocessing
import sqlite3
import subprocess
import sys

import pandas as pd
import pytest

from smallcap_screen.api.compare import compare, results_of
from smallcap_screen.api.keep import take_snapshot
from smallcap_screen.errors import DataError
from smallcap_screen.store.folder import bundled_snapshot, read_snapshot, write_snapshot
from smallcap_screen.store import SCHEMA_VERSION, Store
from smallcap_screen.store.database import LOOSE_LIMIT
from smallcap_screen.api.history import history
from smallcap_screen.method import FallbackWarning
from tests.helpers import dated

REFERENCE = bundled_snapshot()


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "snapshots.sqlite3") as opened:
        yield opened


def assert_same_snapshot(expected, actual) -> None:
    assert sorted(expected.holdings) == sorted(actual.holdings)
    for fund, holdings in expected.holdings.items():
        back = actual.holdings[fund]
        pd.testing.assert_frame_equal(holdings.equities.reset_index(drop=True), back.equities)
        pd.testing.assert_frame_equal(holdings.set_aside.reset_index(drop=True), back.set_aside, check_dtype=False)
        assert (holdings.as_of, holdings.source, holdings.fund_name) == (back.as_of, back.source, back.fund_name)
    pd.testing.assert_frame_equal(expected.fundamentals.table.sort_index(), actual.fundamentals.table)
    assert (expected.fundamentals.as_of, expected.fundamentals.source) == (actual.fundamentals.as_of, actual.fundamentals.source)
    assert expected.reported == actual.reported


def test_a_snapshot_reads_back_exactly_as_it_was_saved(store):
    saved = store.save(REFERENCE)
    assert saved.status == "added"
    assert_same_snapshot(REFERENCE, store.load(saved.snapshot_id))


def test_the_schema_is_versioned_and_the_journal_is_wal(store):
    store.save(REFERENCE)
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_store_written_by_a_newer_version_is_refused_with_exit_3(tmp_path):
    path = tmp_path / "new.sqlite3"
    sqlite3.connect(path).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(DataError, match="newer"), Store.open(path) as newer:
        newer.snapshots()


def test_reading_a_store_that_does_not_exist_creates_nothing(tmp_path):
    with Store.open(tmp_path / "none" / "snapshots.sqlite3") as empty:
        assert empty.snapshots() == [] and empty.latest() is None
    assert not (tmp_path / "none").exists()


def test_identical_inputs_are_stored_once(store):
    first = store.save(dated(13))
    again = store.save(dataclasses.replace(dated(13), created=dt.datetime(2025, 11, 13, 23, tzinfo=dt.timezone.utc)))
    assert (again.status, again.snapshot_id) == ("unchanged", first.snapshot_id)
    assert len(store.snapshots()) == 1


def test_unchanged_holdings_are_stored_once_across_snapshots(store):
    store.save(dated(13))
    store.save(dated(20, price_factor=1.01))
    db = sqlite3.connect(store.path)
    assert db.execute("SELECT COUNT(*) FROM holdings").fetchone()[0] == 4
    stocks = len(dated(13).fundamentals.table)
    assert db.execute("SELECT COUNT(*) FROM quote").fetchone()[0] == 2 * stocks
    assert db.execute("SELECT COUNT(*) FROM stock_facts").fetchone()[0] == stocks  # only prices changed


def with_eps(snapshot, trailing_factor: float, forward_factor: float = 1.0, every: int = 1):
    """``snapshot`` with the trailing and forward EPS of every ``every``-th stock scaled, the rest
    of its facts and estimates unchanged (as a finviz export's price / rounded P/E moves them)."""
    table = snapshot.fundamentals.table.copy()
    rows = table.index[::every]
    table.loc[rows, "eps_trailing"] *= trailing_factor
    table.loc[rows, "eps_forward"] *= forward_factor
    return dataclasses.replace(snapshot, fundamentals=dataclasses.replace(snapshot.fundamentals, table=table))


def with_some_eps(table, columns=("eps_trailing", "eps_forward")) -> int:
    """How many stocks have an EPS that scaling moves (neither missing nor zero)."""
    return int((table[list(columns)].fillna(0) != 0).any(axis=1).sum())


def test_eps_moving_alone_week_after_week_reuse_the_facts_rows_and_read_back_exactly(store):
    weeks = [with_eps(dated(day, price_factor=1 + day / 1000), 1 + day / 1e6, 1 - day / 1e6) for day in (6, 13, 20, 27)]
    ids = [store.save(week).snapshot_id for week in weeks]
    stocks, moving = len(weeks[0].fundamentals.table), with_some_eps(weeks[0].fundamentals.table)
    db = sqlite3.connect(store.path)
    count = lambda table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    # The first week makes the rows, each later one keeps only its EPS (three weeks of stocks).
    assert (count("stock_facts"), count("stock_estimates"), count("quote_eps")) == (stocks, stocks, 3 * moving)
    for week, snapshot_id in zip(weeks, ids):
        assert_same_snapshot(week, store.load(snapshot_id))  # checksums verify, EPS exactly as given
    view = pd.read_sql("SELECT ticker, eps_trailing, eps_forward FROM fundamentals WHERE snapshot_id = ?", db, params=(ids[-1],), index_col="ticker")
    pd.testing.assert_frame_equal(view.sort_index(), weeks[-1].fundamentals.table[["eps_trailing", "eps_forward"]].sort_index(), check_names=False)
    store.remove(ids[1:3])
    assert count("quote_eps") == moving and store.integrity_check() == "ok"


def test_an_eps_revised_once_gets_rows_of_its_own_as_before_quote_eps(store):
    store.save(dated(6))
    store.save(dated(13, price_factor=1.01))
    revised = with_eps(dated(20, price_factor=1.02), 1.1, every=10)  # one stock in ten reports
    store.save(revised)
    last = store.save(with_eps(dated(27, price_factor=1.03), 1.1, every=10))
    db = sqlite3.connect(store.path)
    stocks, reported = len(revised.fundamentals.table), with_some_eps(revised.fundamentals.table.iloc[::10], ["eps_trailing"])
    assert db.execute("SELECT COUNT(*) FROM quote_eps").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM stock_facts").fetchone()[0] == stocks + reported
    assert_same_snapshot(with_eps(dated(27, price_factor=1.03), 1.1, every=10), store.load(last.snapshot_id))


def test_a_store_of_schema_4_reads_as_it_is_and_keeps_moving_eps_after_migrating(tmp_path, monkeypatch):
    from smallcap_screen.store import database

    path = tmp_path / "old.sqlite3"
    monkeypatch.setattr(database, "SCHEMA_VERSION", 4)
    with Store.open(path) as old:
        first = old.save(with_eps(dated(6), 1.001)).snapshot_id
        old.save(with_eps(dated(13, price_factor=1.01), 1.002))
    monkeypatch.undo()
    with Store.open(path) as store:
        assert_same_snapshot(with_eps(dated(6), 1.001), store.load(first))  # read before migrating
        store.migrate()
        store.save(with_eps(dated(20, price_factor=1.02), 1.003))
        assert_same_snapshot(with_eps(dated(20, price_factor=1.02), 1.003), store.latest())
    db = sqlite3.connect(path)
    assert db.execute("SELECT COUNT(*) FROM quote_eps").fetchone()[0] == with_some_eps(dated(6).fundamentals.table, ["eps_trailing"])


def test_order_is_by_data_date_never_by_when_it_was_stored(store):
    store.save(dated(20))
    backfill = store.save(dataclasses.replace(dated(6), created=dt.datetime(2025, 11, 21, tzinfo=dt.timezone.utc)), origin="import")
    assert [i.data_date.day for i in store.snapshots()] == [6, 20]
    assert store.latest().fundamentals.as_of == dt.date(2025, 11, 20)
    assert store.snapshots()[0].id == backfill.snapshot_id


def test_a_second_snapshot_of_the_same_data_date_replaces_the_funds_it_has(store):
    morning = store.save(dated(13, taken_hour=9))
    evening = store.save(dated(13, funds=("IWM", "SPY"), price_factor=1.01, taken_hour=20))
    assert evening.replaced == [morning.snapshot_id]
    by_id = {i.id: i.fund_names for i in store.snapshots()}
    assert by_id == {morning.snapshot_id: ["IJR", "IVV"], evening.snapshot_id: ["IWM", "SPY"]}
    store.load(morning.snapshot_id)  # still intact after losing two funds
    full = store.save(dated(13, price_factor=1.02, taken_hour=21))
    assert [i.id for i in store.snapshots()] == [full.snapshot_id]


def test_damage_to_one_snapshot_is_reported_and_never_stops_the_others(store):
    good = store.save(dated(13), results=results_of(dated(13), "SPY", "live"))
    bad = store.save(dated(20, price_factor=1.1), results=results_of(dated(20, price_factor=1.1), "SPY", "live"))
    db = sqlite3.connect(store.path)
    with db:
        db.execute("UPDATE quote SET price = price * 2 WHERE snapshot_id = ? AND ticker = 'AAPL'", (bad.snapshot_id,))
    with pytest.raises(DataError, match=f"snapshot {bad.snapshot_id} .*damaged"):
        store.load(bad.snapshot_id)
    skipped: list[str] = []
    assert store.latest(skipped=skipped).fundamentals.as_of == dt.date(2025, 11, 13)
    assert "damaged" in skipped[0]
    with db:  # the stored figures of the good one are tampered with too
        db.execute("UPDATE result SET record = replace(record, '\"IWM\"', '\"IWM\" ') WHERE snapshot_id = ?", (good.snapshot_id,))
    with pytest.warns(FallbackWarning, match=f"snapshot {bad.snapshot_id} .*damaged"):  # a notebook hears it too
        recomputed = history(["IWM"], store=store, benchmark="IVV")  # not stored against IVV: computed from the inputs
    assert [r["data_date"] for r in recomputed.records()] == ["2025-11-13"]
    assert f"snapshot {bad.snapshot_id}" in recomputed.provenance.damaged[0]
    with pytest.warns(FallbackWarning, match=f"snapshot {good.snapshot_id} .*damaged"):
        stored = history(["IWM"], store=store)  # read as stored: each record has its own checksum
    assert [r["data_date"] for r in stored.records()] == ["2025-11-20"]
    assert len(stored.provenance.damaged) == 1 and f"snapshot {good.snapshot_id}" in stored.provenance.damaged[0]


def test_history_reads_stored_figures_and_computes_only_what_is_not_stored(store):
    store.save(dated(13), results=results_of(dated(13), "SPY", "live"))
    store.save(dated(20), results=results_of(dated(20), "SPY", "live"))
    stored = history(["IWM", "SPY"], store=store)
    assert stored.recomputed == 0
    assert [(r["data_date"], r["fund"]) for r in stored.records()] == [("2025-11-13", "IWM"), ("2025-11-13", "SPY"), ("2025-11-20", "IWM"), ("2025-11-20", "SPY")]
    versus_ivv = history(["IWM"], store=store, benchmark="IVV")
    assert versus_ivv.recomputed == 2
    direct = compare(["IWM"], benchmark="IVV", snapshot=dated(13)).records()[0]
    assert versus_ivv.records()[0]["discount_trailing"] == pytest.approx(direct["discount_trailing"])
    trend = stored.trends("pe")[0]
    assert (trend.fund, len(trend.values), trend.latest) == ("IWM", 2, stored.records()[2]["pe_trailing"])


def test_prune_keeps_the_newest_snapshot_of_each_fund_per_week(store):
    ids = {day: store.save(dated(day)).snapshot_id for day in (3, 4, 11, 18)}  # weeks 45, 45, 46, 47
    iwm_only = store.save(dated(5, funds=("IWM",), price_factor=1.1)).snapshot_id
    assert store.prune_weekly(2, dry_run=True) == [ids[3], ids[4], iwm_only]
    assert store.prune_weekly(2) == [ids[3], ids[4], iwm_only]
    assert [i.data_date.day for i in store.snapshots()] == [11, 18]
    assert sqlite3.connect(store.path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert sqlite3.connect(store.path).execute("PRAGMA freelist_count").fetchone()[0] == 0  # compacted



def on_disk(store) -> int:
    return sum(p.stat().st_size for p in store.path.parent.glob(store.path.name + "*"))


def test_tidy_compacts_a_loose_store_and_leaves_a_compact_one_alone(store):
    for day in (3, 10, 17):
        store.save(dated(day, price_factor=1 + day / 100))
    store.remove([store.snapshots()[0].id])  # frees pages, as pruning or a same-day re-run does
    loose = store.loose_share()
    assert loose > LOOSE_LIMIT
    size = on_disk(store)
    assert store.tidy() is True
    assert on_disk(store) < size * (1 - loose / 2)  # the write-ahead log included
    assert store.loose_share() <= LOOSE_LIMIT
    assert store.tidy() is False  # nothing left to give back
    assert [i.data_date.day for i in store.snapshots()] == [10, 17]
    assert_same_snapshot(dated(17, price_factor=1.17), store.load(store.snapshots()[1].id))


def test_weekly_snapshots_leave_the_store_compact(store):
    for week, day in enumerate((3, 10, 17, 24)):
        week_data = dated(day, funds=("IWM", "SPY"), price_factor=1 + week / 50)
        run = take_snapshot(["IWM"], store=store, fetch=lambda funds, files, data=week_data: data)
        assert run.saved.status == "added" and not run.provenance.warnings
        assert store.loose_share() <= LOOSE_LIMIT
    assert len(store.snapshots()) == 4
    assert sqlite3.connect(store.path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_compaction_that_cannot_run_is_a_note_and_the_snapshot_is_kept(store, monkeypatch):
    from smallcap_screen.errors import OutputError

    def full_disk(self):
        raise OutputError(f"cannot compact the store {self.path}: database or disk is full; free some space")

    monkeypatch.setattr(Store, "compact", full_disk)
    monkeypatch.setattr(Store, "loose_share", lambda self: 0.5)
    run = take_snapshot(["IWM"], store=store, fetch=lambda funds, files: dated(3, funds=("IWM", "SPY")))
    assert run.saved.status == "added" and run.complete
    assert run.provenance.warnings == [f"the store was not compacted: cannot compact the store {store.path}: database or disk is full; free some space"]
    assert [i.data_date.day for i in store.snapshots()] == [3]

def _save_many(path: str, start: int) -> None:
    with Store.open(path, busy_timeout=60) as store:
        for day in range(start, start + 4):
            store.save(dated(day, price_factor=1 + day / 100))


def test_concurrent_writers_never_lose_a_snapshot(tmp_path):
    path = str(tmp_path / "snapshots.sqlite3")
    workers = [multiprocessing.get_context("spawn").Process(target=_save_many, args=(path, start)) for start in (1, 5, 9)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    with Store.open(path) as store:
        assert [i.data_date.day for i in store.snapshots()] == list(range(1, 13))
        assert store.integrity_check() == "ok"
        for info in store.snapshots():
            store.load(info.id)


def test_old_snapshot_folders_move_into_the_store_once_losslessly_and_only_when_asked(tmp_path):
    folders = tmp_path / "snapshots"
    write_snapshot(dated(13), folders / "20251113T220000Z")
    write_snapshot(dated(20), folders / "20251120T220000Z")
    write_snapshot(dated(20), folders / "20251120T220009Z")  # a warm re-run: identical inputs
    (folders / ".20251121T220000Z.x8k2").mkdir()  # staging left by a killed run
    (folders / "20251122T220000Z").mkdir()
    (folders / "20251122T220000Z" / "manifest.json").write_text('{"format": 1}')  # damaged
    originals = [read_snapshot(folders / name) for name in ("20251113T220000Z", "20251120T220000Z")]
    with Store.open(data_dir=tmp_path) as store:
        assert store.snapshots() == [] and "snapshots migrate" in store.notes[0]
        assert sorted(p.name for p in tmp_path.iterdir()) == ["snapshots"]  # opening and reading wrote nothing
        notes = store.migrate()
        infos = store.snapshots()
        assert [i.data_date.day for i in infos] == [13, 20]
        assert {i.origin for i in infos} == {"migrated"}
        for original, info in zip(originals, infos):
            assert_same_snapshot(original, store.load(info.id))
    assert "moved 2 snapshot folder(s)" in notes[0] and "(1 already there)" in notes[0]
    assert any("20251122T220000Z" in n and "damaged" in n for n in notes)
    assert not folders.exists()
    kept = tmp_path / "snapshots.migrated"
    assert sorted(p.name for p in kept.iterdir()) == ["20251113T220000Z", "20251120T220000Z", "20251120T220009Z", "20251122T220000Z"]
    with Store.open(data_dir=tmp_path) as again:
        assert len(again.snapshots()) == 2 and again.notes == [] and again.migrate() == []


def test_the_weekly_snapshot_brings_an_old_store_up_to_date_itself_and_says_so_once(tmp_path, monkeypatch):
    from smallcap_screen.store import database

    write_snapshot(dated(6), tmp_path / "snapshots" / "20251106T220000Z")  # a folder of an earlier version
    monkeypatch.setattr(database, "SCHEMA_VERSION", 4)  # before quote_eps
    with Store.open(data_dir=tmp_path) as old:
        old.save(dated(13))
    monkeypatch.undo()
    with Store.open(data_dir=tmp_path) as store:
        assert "snapshots migrate" in store.notes[0]  # what any other command says
        first = take_snapshot(["IWM"], store=store, fetch=lambda funds, files: dated(20, price_factor=1.02))
        assert len(first.migrated) == 1 and "moved 1 snapshot folder(s)" in first.migrated[0]
        assert store.notes == [] and [i.origin for i in store.snapshots()] == ["migrated", "live", "live"]
        again = take_snapshot(["IWM"], store=store, fetch=lambda funds, files: dated(27, price_factor=1.03))
        assert again.migrated == [] and again.saved.status == "added"
    assert sqlite3.connect(tmp_path / "snapshots.sqlite3").execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_compare_without_a_store_writes_no_file_anywhere(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "XDG_DATA_HOME": str(home / "xdg-data")}
    code = "import smallcap_screen as s; print(s.compare(['IWM', 'SPY'], data='offline').records()[0]['status'])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert result.stdout.strip() == "ok", result.stderr
    assert [p.name for p in tmp_path.rglob("*")] == ["home"]
