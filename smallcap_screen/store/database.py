"""The local store: one SQLite database keeping every snapshot and the figures computed from it.

Where: ``SMALLCAP_SCREEN_DB`` (or ``Store.open(path)``), else ``snapshots.sqlite3`` in the data
folder (``SMALLCAP_SCREEN_DATA_DIR``, else the platform's user data folder). Schema: schema.py.

Guarantees:
- Every write is one ``BEGIN IMMEDIATE`` transaction: a crash or ``kill -9`` at any moment leaves
  the store as it was or with the whole write (SQLite's WAL journal rolls back the rest when the
  next connection opens it). Writers queue behind each other for up to ``busy_timeout`` seconds,
  then get StoreBusyError; nobody's result is lost.
- Identical inputs are stored once (``snapshot.content_hash``): saving them again changes nothing.
- A live snapshot replaces, fund by fund, what another snapshot of the same data date holds, so a
  re-run on the same day never duplicates history.
- Every read verifies what it reads against the checksums written with it; a damaged snapshot
  raises DataError (exit 3) naming it, and never stops the others from being read.
- Nothing is created on disk until the first write: reading a store that does not exist finds it
  empty.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
from urllib.parse import quote
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Sequence

from ..errors import DataError, OutputError, UnreadableStoreError
from . import rows as R
from .schema import MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:  # the frames need pandas, loaded only where snapshots are written or read whole
    from ..model import Holdings
    from ..snapshot import Snapshot

DB_VARIABLE = "SMALLCAP_SCREEN_DB"
DATA_DIR_VARIABLE = "SMALLCAP_SCREEN_DATA_DIR"
DB_NAME = "snapshots.sqlite3"
#: Seconds a writer waits for another writer before giving up with StoreBusyError.
BUSY_TIMEOUT = 60.0
_CHUNK = 500
#: Free bytes under which a disk I/O error of SQLite is a full disk: less than a ``-shm`` file.
_ROOM_NEEDED = 32 * 1024  # bound parameters per statement, far below SQLite's limit
#: Share of the file that may be loose (see ``Store.loose_share``) before ``tidy`` compacts it.
#: Appending week after week leaves about a tenth of each week's new pages loose (measured on five
#: years of weekly snapshots: 5.9 MB of 63.5 MB, 0.1 MB once compacted); compacting that store
#: takes about half a second, so `snapshot` keeps it within a percent of its compacted size.
LOOSE_LIMIT = 0.01
#: Room in b-tree pages that compacting gives back: per page, what is left beyond one more row
#: like its largest (pages of a few long records keep that room anyway; 12 bytes for the row's
#: pointer and header), less one page per table or index and level (its last page is part empty).
_ROOM_IN_PAGES = """
    SELECT coalesce(sum(max(0, room - page)), 0) FROM (
        SELECT sum(max(0, unused - mx_payload - 12)) AS room, max(pgsize) AS page
        FROM dbstat WHERE pagetype != 'overflow' GROUP BY name, pagetype)
"""


class StoreBusyError(OutputError):
    """Another process kept the store locked for longer than the busy timeout."""


def default_data_dir() -> Path:
    """``SMALLCAP_SCREEN_DATA_DIR`` if set, else the platform's user data folder."""
    configured = os.environ.get(DATA_DIR_VARIABLE)
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("smallcap-screen", appauthor=False))


def default_db_path(data_dir: Path | str | None = None) -> Path:
    """``SMALLCAP_SCREEN_DB`` if set, else ``snapshots.sqlite3`` in ``data_dir`` (default: the data folder)."""
    configured = os.environ.get(DB_VARIABLE)
    if configured and data_dir is None:
        return Path(configured).expanduser()
    return Path(data_dir).expanduser() / DB_NAME if data_dir else default_data_dir() / DB_NAME


@dataclass(frozen=True)
class FundEntry:
    """One fund of a stored snapshot: its holdings' date and source."""

    fund: str
    as_of: dt.date | None
    source: str
    lines: int


@dataclass(frozen=True)
class SnapshotInfo:
    """What ``smallcap-screen snapshots`` lists about one stored snapshot."""

    id: int
    data_date: dt.date
    taken_at: dt.datetime
    origin: str
    label: str
    prices_as_of: dt.date | None
    prices_source: str
    forward_horizon: str
    funds: list[FundEntry]
    stocks: int
    #: SHA-256 over the snapshot's content and metadata, checked on every read (store/rows.py).
    checksum: str = ""

    @property
    def fund_names(self) -> list[str]:
        return [f.fund for f in self.funds]

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "data_date": self.data_date.isoformat(),
            "taken_at": self.taken_at.isoformat(),
            "origin": self.origin,
            "label": self.label,
            "prices_as_of": _iso(self.prices_as_of),
            "prices_source": self.prices_source,
            "forward_horizon": self.forward_horizon,
            "funds": {f.fund: {"as_of": _iso(f.as_of), "source": f.source, "holdings": f.lines} for f in self.funds},
            "stocks": self.stocks,
            "checksum": self.checksum,
        }


@dataclass(frozen=True)
class Saved:
    """What a save did: ``status`` is "added", or "unchanged" when identical inputs were stored already."""

    snapshot_id: int
    status: str
    #: Snapshots of the same data date whose funds this one replaced (removed when emptied).
    replaced: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class BackfillEntry:
    """What `backfill` did for one fund and period (table ``backfill``): ``status`` "kept" (the
    fund is in the snapshot saved with it, its file of ``data_date``) or "gap" (no file on
    ``period_date`` nor the days before it that were tried; ``reason`` says which)."""

    fund: str
    period_date: dt.date
    status: str
    method: str
    data_date: dt.date | None = None
    #: Share of the fund's equity weight matched to an SEC company (the rest has no EPS).
    coverage: float | None = None
    #: The largest holdings left unmatched, "TICKER 0.12%; ...".
    unmatched: str = ""
    reason: str = ""
    snapshot_id: int | None = None


@dataclass(frozen=True)
class StoredResults:
    """The fund-level records stored for one snapshot under one policy and benchmark."""

    info: SnapshotInfo
    records: dict[str, dict]


class Store:
    """The SQLite store. Open with ``Store.open()``; use as a context manager to close it."""

    def __init__(self, path: Path | str, *, busy_timeout: float = BUSY_TIMEOUT) -> None:
        self.path = Path(path).expanduser()
        self.busy_timeout = busy_timeout
        self._db: sqlite3.Connection | None = None
        self._version = 0
        self._read_only = False

    @classmethod
    def open(cls, path: Path | str | None = None, *, data_dir: Path | str | None = None, busy_timeout: float = BUSY_TIMEOUT) -> "Store":
        """The store at ``path``, else ``SMALLCAP_SCREEN_DB``, else in ``data_dir`` / the data folder."""
        return cls(Path(path).expanduser() if path else default_db_path(data_dir), busy_timeout=busy_timeout)

    # -- connection -------------------------------------------------------------------------

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def legacy_dir(self) -> Path:
        """Where versions before the SQLite store kept one folder per snapshot."""
        return self.path.parent / "snapshots"

    def _connection(self, *, create: bool) -> sqlite3.Connection | None:
        """The open connection; None when the store does not exist and ``create`` is false.

        Reading never writes: a store whose file or folder is read-only (shared by the user whose
        cron job writes it) is opened read-only. Writing (``create``) needs a writable store and
        creates it if need be; its schema is brought up to date by :meth:`migrate`."""
        if self._db is not None and not (create and self._read_only):
            return self._db
        self.close()
        if not create and not self.path.exists():
            return None
        if create:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise OutputError(f"cannot create the store {self.path}: {exc.strerror or exc}; set {DB_VARIABLE} or --db to a writable place") from exc
        db = None
        for uri in self._uris(create):
            try:
                db = sqlite3.connect(uri, uri=True, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False)
                version = db.execute("PRAGMA user_version").fetchone()[0]
                break
            except sqlite3.Error as exc:
                if db is not None:
                    db.close()
                    db = None
                if create or _code(exc) not in _CANNOT_OPEN:
                    raise self._error(exc) from exc
                error = exc
        if db is None:
            raise self._error(error) from error
        if version > SCHEMA_VERSION:
            db.close()
            raise DataError(f"the store {self.path} has schema version {version}, newer than this smallcap-screen knows ({SCHEMA_VERSION}); upgrade smallcap-screen")
        db.execute("PRAGMA foreign_keys = ON")
        self._db, self._version, self._read_only = db, version, not create and "mode=ro" in uri
        if create and version < SCHEMA_VERSION:
            self._upgrade(db)
        return db

    def _uris(self, create: bool) -> list[str]:
        """Ways to open the file, most capable first. A read-only store is opened with
        ``mode=ro``; where SQLite cannot even read it so (a WAL store needs its ``-shm`` file,
        which a read-only folder cannot hold), and no write-ahead log is pending beside it, as
        ``immutable``: readers then see the file as it is, each snapshot still checked against
        its checksums (a write meanwhile is refused as damage, never read half-done)."""
        path = quote(str(self.path.absolute()))
        uris = [f"file:{path}?mode={'rwc' if create else 'rw'}"]
        if not create:
            uris.append(f"file:{path}?mode=ro")
            if not Path(f"{self.path}-wal").exists():  # nothing written beside the file that it lacks
                uris.append(f"file:{path}?mode=ro&immutable=1")
        return uris

    def _writer(self) -> sqlite3.Connection:
        """A connection that may write, to a store whose schema is this version's."""
        db = self._connection(create=True)
        if self._version < SCHEMA_VERSION:
            self._upgrade(db)
        return db

    def _error(self, exc: sqlite3.Error) -> Exception:
        """What an SQLite error means to the user. Only SQLite's own word that the file is
        corrupt (or not a database) makes it damage worth moving away; a full disk, a read-only
        store, a disk error leave the store as it was, and are said so."""
        code = _code(exc)
        if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            return StoreBusyError(f"the store {self.path} stayed locked by another run for {self.busy_timeout:.0f} s; try again when it has finished")
        if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
            return DataError(f"the store {self.path} is damaged (SQLite: {exc}); move it away to start a new one")
        if code == sqlite3.SQLITE_FULL or (code == sqlite3.SQLITE_IOERR and self._disk_full()):
            return OutputError(f"the disk of the store {self.path} is full (SQLite: {exc}): nothing was kept and the store is as it was; free some space and run again")
        if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH):
            return OutputError(f"cannot write to the store {self.path} (SQLite: {exc}): it is read-only here; reading it still works, or set {DB_VARIABLE} or --db to a writable place")
        if code == sqlite3.SQLITE_IOERR:
            return OutputError(f"the disk of the store {self.path} failed (SQLite: {exc}); the store is as it was: check the disk's free space and health")
        return UnreadableStoreError(f"the store {self.path} is not a smallcap-screen store this version can read (SQLite: {exc}); point --db at another file")

    def _disk_full(self) -> bool:
        """Whether the store's disk has no room left: SQLite reports a full disk as a disk I/O
        error where it was growing its ``-shm`` file rather than the database."""
        try:
            return shutil.disk_usage(self.path.parent).free < _ROOM_NEEDED
        except OSError:
            return False

    def migrate(self) -> list[str]:
        """Bring the store up to this version: create or upgrade its schema (schema.py), and move
        in the snapshot folders of versions before the SQLite store (legacy.py). Returns notes
        for the user. Opening or reading a store never does this; every write upgrades the
        schema first (it cannot write otherwise), and only this moves folders in."""
        from .legacy import has_legacy_snapshots, migrate_legacy_snapshots

        self._writer()
        if has_legacy_snapshots(self.legacy_dir):
            return migrate_legacy_snapshots(self, self.legacy_dir)
        return []

    @property
    def notes(self) -> list[str]:
        """What a front end should tell the user: what :meth:`migrate` would do (none when the
        store is up to date)."""
        from .legacy import has_legacy_snapshots

        notes = []
        if has_legacy_snapshots(self.legacy_dir):
            notes.append(f"snapshot folders of an earlier version are in {self.legacy_dir}: `smallcap-screen snapshots migrate` moves them into the store")
        return notes

    def _upgrade(self, db: sqlite3.Connection) -> None:
        """Run the migrations from the store's schema version to this one, in one transaction.
        Foreign keys are off meanwhile: a migration rebuilding a table must not cascade deletes."""
        if db.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
            raise DataError(f"the store {self.path} cannot use SQLite's WAL journal (a network file system?); put it on a local disk")
        db.execute("PRAGMA foreign_keys = OFF")
        try:
            with self._transaction(db):
                version = db.execute("PRAGMA user_version").fetchone()[0]  # another process may have migrated meanwhile
                for number in range(version, SCHEMA_VERSION):
                    for statement in _statements(MIGRATIONS[number]):
                        db.execute(statement)
                if db.execute("PRAGMA foreign_key_check").fetchone() is not None:
                    raise DataError(f"the store {self.path} has rows pointing at nothing; move it away to start a new one")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        finally:
            db.execute("PRAGMA foreign_keys = ON")
        self._version = SCHEMA_VERSION

    @contextmanager
    def _transaction(self, db: sqlite3.Connection | None = None) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken before any read (BEGIN IMMEDIATE) so writers queue, not
        fail. An SQLite error inside it (a full disk) becomes the error it means, never hidden by
        a ROLLBACK that SQLite has already done itself."""
        db = db or self._writer()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    try:
                        db.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass  # the connection is closed below; SQLite rolls back what is left
                raise
        except sqlite3.Error as exc:
            raise self._error(exc) from exc

    def _read(self, sql: str, parameters: Sequence = ()) -> list[tuple]:
        db = self._connection(create=False)
        if db is None:
            return []
        if self._version == 0:
            return []  # an empty file: no snapshot yet
        try:
            return db.execute(sql, parameters).fetchall()
        except sqlite3.Error as exc:
            raise self._error(exc) from exc

    # -- writing ----------------------------------------------------------------------------

    def save(
        self,
        snapshot: Snapshot,
        *,
        origin: str = "live",
        results: Sequence[dict] = (),
        replace_same_day: bool = True,
        backfill: Sequence[BackfillEntry] = (),
    ) -> Saved:
        """Keep ``snapshot`` and the fund-level ``results`` computed from it, in one transaction.

        ``results`` are records of ``Comparison.records()`` (keyed by fund, negative_policy and
        benchmark). Identical inputs already stored are not stored again (status "unchanged";
        the results are still added). With ``replace_same_day`` the funds of this snapshot are
        removed from other snapshots of the same data date first. ``backfill`` entries (status
        "kept") are recorded in the same transaction, pointing at the snapshot.
        """
        if not snapshot.holdings:
            raise DataError("nothing to keep: the snapshot holds no fund")
        prepared = _Prepared.of(snapshot, origin)
        with self._transaction() as db:
            found = db.execute("SELECT id FROM snapshot WHERE content_hash = ?", (prepared.content_hash,)).fetchone()
            if found:
                self._put_results(db, found[0], results)
                self._put_backfill(db, found[0], backfill)
                return Saved(found[0], "unchanged")
            replaced = self._replace_same_day(db, prepared) if replace_same_day else []
            snapshot_id = self._insert(db, prepared)
            self._put_results(db, snapshot_id, results)
            self._put_backfill(db, snapshot_id, backfill)
            self._drop_orphans(db)
        return Saved(snapshot_id, "added", replaced)

    def record_gaps(self, entries: Sequence[BackfillEntry]) -> None:
        """Record periods `backfill` found no file for (status "gap"), so a re-run skips them."""
        if entries:
            with self._transaction() as db:
                self._put_backfill(db, None, entries)

    def backfill_entries(self) -> list[BackfillEntry]:
        """Every period `backfill` kept or found a gap for, by fund and period."""
        return [
            BackfillEntry(fund, _date(period), status, method, _date(day), coverage, unmatched, reason, snapshot_id)
            for fund, period, status, method, day, coverage, unmatched, reason, snapshot_id in self._read(
                "SELECT fund, period_date, status, method, data_date, coverage, unmatched, reason, snapshot_id"
                " FROM backfill ORDER BY fund, period_date"
            )
        ]

    def live_dates(self) -> dict[str, set[dt.date]]:
        """Per fund the data dates of the snapshots not made by `backfill` that hold it (live,
        imported): a backfill never writes over them."""
        held: dict[str, set[dt.date]] = {}
        for fund, day in self._read(
            "SELECT f.fund, s.data_date FROM snapshot s JOIN snapshot_fund f ON f.snapshot_id = s.id WHERE s.origin != 'backfill'"
        ):
            held.setdefault(fund, set()).add(_date(day))
        return held

    def put_results(self, snapshot_id: int, results: Sequence[dict]) -> None:
        """Add (or replace) computed records for a stored snapshot."""
        with self._transaction() as db:
            self._put_results(db, snapshot_id, results)

    def remove(self, snapshot_ids: Sequence[int]) -> list[int]:
        """Delete these snapshots (unknown ids raise DataError before anything is deleted)."""
        with self._transaction() as db:
            known = {r[0] for r in db.execute(f"SELECT id FROM snapshot WHERE id IN ({_marks(snapshot_ids)})", list(snapshot_ids))}
            unknown = sorted(set(snapshot_ids) - known)
            if unknown:
                raise DataError(f"no snapshot with id {', '.join(map(str, unknown))}; see `smallcap-screen snapshots`")
            db.executemany("DELETE FROM snapshot WHERE id = ?", [(i,) for i in snapshot_ids])
            self._drop_orphans(db)
        return sorted(known)

    def prune_weekly(self, keep_weeks: int, *, dry_run: bool = False) -> list[int]:
        """Keep, for each of the newest ``keep_weeks`` weeks (ISO weeks of the data date), the newest
        snapshot of each fund; remove every other snapshot. Returns the removed ids (with
        ``dry_run``: those it would remove)."""
        if keep_weeks < 1:
            raise ValueError("keep_weeks must be at least 1")
        infos = self.snapshots()
        weeks = sorted({_week(i.data_date) for i in infos}, reverse=True)[:keep_weeks]
        kept: set[int] = set()
        newest: dict[tuple, int] = {}
        for info in infos:  # oldest first: later ones overwrite
            if _week(info.data_date) in weeks:
                for fund in info.fund_names:
                    newest[(_week(info.data_date), fund)] = info.id
        kept.update(newest.values())
        doomed = [i.id for i in infos if i.id not in kept]
        if dry_run:
            return doomed
        removed = self.remove(doomed) if doomed else []
        self.compact()
        return removed

    def compact(self) -> None:
        """Rewrite the file without the slack that weeks of appending leave in SQLite's pages
        (``VACUUM``: about a tenth of the size after a few years of weekly snapshots). Atomic like
        every write; it needs the store to itself for a few seconds and room for a second copy."""
        if not self.path.exists():
            return
        db = self._writer()
        try:
            db.execute("VACUUM")
            # VACUUM goes through the write-ahead log, which would otherwise stay as large as the
            # store on disk; a reader still using it only keeps it for now (busy is not an error).
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as exc:
            if _code(exc) in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR):
                raise OutputError(f"cannot compact the store {self.path}: {exc}; free some space (it needs room for a copy)") from exc
            raise self._error(exc) from exc

    def loose_share(self) -> float | None:
        """The share of the file that compacting would give back: free pages, and the room in
        table and index pages that compacting would fill (see ``_ROOM_IN_PAGES``). None when
        this SQLite was built without its ``dbstat`` table."""
        db = self._connection(create=False)
        if db is None:
            return 0.0
        try:
            in_pages = db.execute(_ROOM_IN_PAGES).fetchone()[0]
        except sqlite3.OperationalError as exc:
            if "dbstat" in str(exc):
                return None
            raise self._error(exc) from exc
        free_pages, pages, page_size = (db.execute(f"PRAGMA {name}").fetchone()[0] for name in ("freelist_count", "page_count", "page_size"))
        return (in_pages + free_pages * page_size) / (pages * page_size) if pages else 0.0

    def tidy(self, limit: float = LOOSE_LIMIT) -> bool:
        """Compact the store when more than ``limit`` of it is loose (or when that cannot be
        measured); whether it did. `snapshot` calls it after keeping a snapshot, so that a store
        fed by cron stays at its compacted size without anyone running `snapshots prune`."""
        loose = self.loose_share()
        if loose is not None and loose <= limit:
            return False
        self.compact()
        return True

    def _insert(self, db: sqlite3.Connection, p: "_Prepared") -> int:
        previous = db.execute("SELECT max(id) FROM snapshot").fetchone()[0]  # whose stock facts may be reused
        security_ids = self._security_ids(db, {line[:4] for lines in p.lines.values() for line in lines})
        cursor = db.execute(
            "INSERT INTO snapshot (data_date, taken_at, origin, label, prices_as_of, prices_source, forward_horizon, content_hash, checksum)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (p.data_date, p.taken_at, p.origin, p.label, p.prices_as_of, p.prices_source, p.forward_horizon, p.content_hash, p.checksum),
        )
        snapshot_id = cursor.lastrowid
        for fund, meta in p.funds.items():
            holdings_id = self._holdings_id(db, fund, meta, p.lines[fund], p.set_aside[fund], security_ids)
            db.execute("INSERT INTO snapshot_fund (snapshot_id, fund, holdings_id, reported) VALUES (?, ?, ?, ?)", (snapshot_id, fund, holdings_id, meta["reported"]))
        self._put_stocks(db, snapshot_id, p.stocks, previous)
        return snapshot_id

    def _security_ids(self, db: sqlite3.Connection, securities: set[tuple]) -> dict[tuple, int]:
        ids: dict[tuple, int] = {}
        tickers = sorted({s[0] for s in securities})
        for chunk in _chunks(tickers):
            for row in db.execute(f"SELECT id, ticker, issuer_ticker, name, sector FROM security WHERE ticker IN ({_marks(chunk)})", chunk):
                ids[tuple(row[1:])] = row[0]
        for security in sorted(securities - ids.keys()):
            ids[security] = db.execute("INSERT INTO security (ticker, issuer_ticker, name, sector) VALUES (?, ?, ?, ?)", security).lastrowid
        return ids

    def _holdings_id(self, db, fund: str, meta: dict, lines: list[tuple], set_aside: list[tuple], security_ids: dict) -> int:
        from . import frames as F

        found = db.execute("SELECT id FROM holdings WHERE content_hash = ?", (meta["digest"],)).fetchone()
        if found:
            return found[0]
        total = F.weights_total(lines)
        holdings_id = db.execute(
            "INSERT INTO holdings (fund, fund_name, as_of, source, lines, total_market_value, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (fund, meta["fund_name"], meta["as_of"], meta["source"], len(lines), total, meta["digest"]),
        ).lastrowid
        db.executemany(
            "INSERT INTO holding (holdings_id, line, security_id, weight, market_value, shares) VALUES (?, ?, ?, ?, ?, ?)",
            [(holdings_id, n, security_ids[line[:4]], None if total else line[4], *line[5:]) for n, line in enumerate(lines)],
        )
        db.executemany(
            "INSERT INTO set_aside (holdings_id, line, issuer_ticker, name, asset_class, weight, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(holdings_id, n, *line) for n, line in enumerate(set_aside)],
        )
        return holdings_id

    def _put_stocks(self, db: sqlite3.Connection, snapshot_id: int, stocks: list[tuple], previous: int | None) -> None:
        """The quotes of a snapshot. Week to week most stocks' facts and estimates do not change:
        a stock reuses the ``stock_facts`` and ``stock_estimates`` rows of snapshot ``previous``
        (the one stored last) holding the same values. Where only its EPS moved, and moved in
        ``previous`` too (as a finviz export's EPS, price / rounded P/E, does every week), the
        rows are reused and its EPS kept in ``quote_eps``; an EPS that moves once (a report, a
        revision) gets rows of its own, as it did before ``quote_eps``."""
        prior = self._prior_stocks(db, previous) if previous is not None else {}
        facts_ids = {facts: facts_id for facts_id, facts, _, _, _, _ in prior.values()}
        estimates_ids = {estimates: estimates_id for _, facts, estimates_id, estimates, _, _ in prior.values()}
        quotes, moved = [], []
        for stock in stocks:
            facts, estimates = R.fact_part(stock), R.estimate_part(stock)
            eps, before = R.eps_of(facts, estimates), prior.get(stock[0])
            if before is not None and (facts, estimates) != (before[1], before[3]) and R.steady_part(facts, estimates) == R.steady_part(before[1], before[3]) \
                    and eps != before[4] and all(new == old or was_moving for new, old, was_moving in zip(eps, before[4], before[5])):
                quotes.append((snapshot_id, *stock[:3], before[0], before[2]))
                moved.append((snapshot_id, stock[0], *eps))
                continue
            for values, ids, table, columns in (
                (facts, facts_ids, "stock_facts", R.FACT_NUMBERS + R.FACT_TEXTS), (estimates, estimates_ids, "stock_estimates", R.ESTIMATE_NUMBERS)
            ):
                if values not in ids:
                    ids[values] = db.execute(f"INSERT INTO {table} (ticker, {', '.join(columns)}) VALUES (?, {_marks(columns)})", values).lastrowid
            quotes.append((snapshot_id, *stock[:3], facts_ids[facts], estimates_ids[estimates]))
        db.executemany("INSERT INTO quote (snapshot_id, ticker, price, market_cap, facts_id, estimates_id) VALUES (?, ?, ?, ?, ?, ?)", quotes)
        if moved:  # never on a store of a schema before 5 (see _prior_stocks)
            db.executemany(f"INSERT INTO quote_eps (snapshot_id, ticker, {', '.join(R.QUOTE_EPS)}) VALUES (?, ?, ?, ?)", moved)

    def _prior_stocks(self, db: sqlite3.Connection, snapshot_id: int) -> dict[str, tuple]:
        """Per ticker of a stored snapshot: its facts row (id, values), its estimates row (id,
        values), the EPS it was stored with (its ``quote_eps``, else those of the rows), and for
        each of them whether it moved in that snapshot (kept in ``quote_eps``, or in a row new
        then: ids are given in increasing order, so newer than any the snapshot before it used).
        Nothing moves on a store of a schema before 5 (no ``quote_eps`` to keep it in)."""
        moving, joined = self._quote_eps_sql()
        before = db.execute(
            "SELECT max(facts_id), max(estimates_id) FROM quote WHERE snapshot_id = (SELECT max(id) FROM snapshot WHERE id < ?)", (snapshot_id,)
        ).fetchone()
        new_facts, new_estimates = (-1 if v is None else v for v in before)
        facts_columns = ", ".join(f"f.{c}" for c in R.FACT_NUMBERS + R.FACT_TEXTS)
        estimates_columns = ", ".join(f"e.{c}" for c in R.ESTIMATE_NUMBERS)
        eps_columns = ", ".join(moving.get(c, "NULL") for c in R.QUOTE_EPS)
        at = 2 + len(R.FACT_NUMBERS) + len(R.FACT_TEXTS)
        prior = {}
        for row in db.execute(
            f"SELECT q.ticker, f.id, {facts_columns}, e.id, {estimates_columns}, m.ticker IS NOT NULL, {eps_columns}"
            f" FROM quote q JOIN stock_facts f ON f.id = q.facts_id JOIN stock_estimates e ON e.id = q.estimates_id{joined} WHERE q.snapshot_id = ?"
            if moving else
            f"SELECT q.ticker, f.id, {facts_columns}, e.id, {estimates_columns} FROM quote q JOIN stock_facts f ON f.id = q.facts_id"
            " JOIN stock_estimates e ON e.id = q.estimates_id WHERE q.snapshot_id = ?",
            (snapshot_id,),
        ):
            ticker, facts_id, estimates_id = row[0], row[1], row[at]
            facts, estimates = (ticker, *row[2:at]), (ticker, *row[at + 1:at + 1 + len(R.ESTIMATE_NUMBERS)])
            kept_apart = bool(moving) and row[at + 1 + len(R.ESTIMATE_NUMBERS)] == 1
            eps = tuple(row[-len(R.QUOTE_EPS):]) if kept_apart else R.eps_of(facts, estimates)
            was_moving = (kept_apart or facts_id > new_facts, kept_apart or estimates_id > new_estimates) if moving else (False, False)
            prior[ticker] = (facts_id, facts, estimates_id, estimates, eps, was_moving)
        return prior

    def _put_results(self, db: sqlite3.Connection, snapshot_id: int, results: Sequence[dict]) -> None:
        rows = []
        for record in results:
            text = R.record_json(record)
            rows.append((
                snapshot_id, record["fund"], record["negative_policy"], record.get("benchmark") or "",
                *(record.get(k) for k in RESULT_COLUMNS), text, R.digest(["result", text]),
            ))
        db.executemany(
            f"INSERT OR REPLACE INTO result (snapshot_id, fund, negative_policy, benchmark, {', '.join(RESULT_COLUMNS)}, record, checksum)"
            f" VALUES ({_marks(range(6 + len(RESULT_COLUMNS)))})",
            rows,
        )

    def _put_backfill(self, db: sqlite3.Connection, snapshot_id: int | None, entries: Sequence[BackfillEntry]) -> None:
        recorded = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        db.executemany(
            "INSERT OR REPLACE INTO backfill (fund, period_date, status, data_date, snapshot_id, coverage, unmatched, method, reason, recorded_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (e.fund, e.period_date.isoformat(), e.status, _iso(e.data_date), snapshot_id, e.coverage, e.unmatched, e.method, e.reason, recorded)
                for e in entries
            ],
        )

    def _replace_same_day(self, db: sqlite3.Connection, p: "_Prepared") -> list[int]:
        """Remove ``p``'s funds from other snapshots of its data date; drop those left empty."""
        funds = list(p.funds)
        hits = db.execute(
            f"SELECT DISTINCT s.id FROM snapshot s JOIN snapshot_fund f ON f.snapshot_id = s.id WHERE s.data_date = ? AND f.fund IN ({_marks(funds)})",
            [p.data_date, *funds],
        ).fetchall()
        replaced = []
        for (snapshot_id,) in hits:
            replaced.append(snapshot_id)
            db.execute(f"DELETE FROM snapshot_fund WHERE snapshot_id = ? AND fund IN ({_marks(funds)})", [snapshot_id, *funds])
            db.execute(f"DELETE FROM result WHERE snapshot_id = ? AND fund IN ({_marks(funds)})", [snapshot_id, *funds])
            if db.execute("SELECT COUNT(*) FROM snapshot_fund WHERE snapshot_id = ?", (snapshot_id,)).fetchone()[0] == 0:
                db.execute("DELETE FROM snapshot WHERE id = ?", (snapshot_id,))
            else:
                self._reseal(db, snapshot_id)
        return replaced

    def _reseal(self, db: sqlite3.Connection, snapshot_id: int) -> None:
        """Recompute the content hash and checksum of a snapshot whose fund list was changed on purpose."""
        meta = self._meta(db, snapshot_id)
        funds = db.execute("SELECT f.fund, h.content_hash, f.reported FROM snapshot_fund f JOIN holdings h ON h.id = f.holdings_id WHERE f.snapshot_id = ?", (snapshot_id,)).fetchall()
        content_hash = R.snapshot_digest(meta["prices_as_of"], meta["prices_source"], meta["forward_horizon"], [list(f) for f in funds], self._stocks(db, snapshot_id))
        if db.execute("SELECT 1 FROM snapshot WHERE content_hash = ? AND id != ?", (content_hash, snapshot_id)).fetchone():
            db.execute("DELETE FROM snapshot WHERE id = ?", (snapshot_id,))  # now the same as another one
            return
        checksum = R.snapshot_checksum(content_hash, meta["data_date"], meta["taken_at"], meta["origin"], meta["label"])
        db.execute("UPDATE snapshot SET content_hash = ?, checksum = ? WHERE id = ?", (content_hash, checksum, snapshot_id))

    def _drop_orphans(self, db: sqlite3.Connection) -> None:
        db.execute("DELETE FROM holdings WHERE id NOT IN (SELECT holdings_id FROM snapshot_fund)")
        db.execute("DELETE FROM stock_facts WHERE id NOT IN (SELECT facts_id FROM quote)")
        db.execute("DELETE FROM stock_estimates WHERE id NOT IN (SELECT estimates_id FROM quote)")
        db.execute("DELETE FROM security WHERE id NOT IN (SELECT security_id FROM holding)")

    # -- reading ----------------------------------------------------------------------------

    def snapshots(self, *, counts: bool = True) -> list[SnapshotInfo]:
        """Every stored snapshot, ordered by data date (then by when it was taken); without
        ``counts`` the number of priced stocks is left at 0 (it takes a scan of every quote)."""
        metas = self._read(f"SELECT {', '.join(_META)} FROM snapshot ORDER BY data_date, taken_at, id")
        funds: dict[int, list[FundEntry]] = {}
        for snapshot_id, fund, as_of, source, lines in self._read(
            "SELECT f.snapshot_id, f.fund, h.as_of, h.source, h.lines FROM snapshot_fund f JOIN holdings h ON h.id = f.holdings_id"
        ):
            funds.setdefault(snapshot_id, []).append(FundEntry(fund, _date(as_of), source, lines))
        stocks = dict(self._read("SELECT snapshot_id, COUNT(*) FROM quote GROUP BY snapshot_id")) if counts else {}
        return [_info(dict(zip(_META, m)), funds.get(m[0], []), stocks.get(m[0], 0)) for m in metas]

    def info(self, snapshot_id: int) -> SnapshotInfo:
        for info in self.snapshots():
            if info.id == snapshot_id:
                return info
        raise DataError(f"no snapshot with id {snapshot_id}; see `smallcap-screen snapshots`")

    def load(self, snapshot_id: int) -> Snapshot:
        """The stored snapshot, verified against its checksum (DataError if damaged or unknown)."""
        db = self._connection(create=False)
        if db is None:
            raise DataError(f"no snapshot with id {snapshot_id}: the store {self.path} is empty")
        try:
            return self._load(db, snapshot_id)
        except sqlite3.Error as exc:
            if _code(exc) not in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
                raise self._error(exc) from exc
            raise DataError(f"snapshot {snapshot_id} in {self.path} cannot be read ({exc}); remove it with `smallcap-screen snapshots rm {snapshot_id}`") from exc

    def latest(self, *, skipped: list[str] | None = None) -> Snapshot | None:
        """The newest intact snapshot by data date; damaged ones are named in ``skipped``."""
        for info in reversed(self.snapshots()):
            try:
                return self.load(info.id)
            except DataError as exc:
                if skipped is not None:
                    skipped.append(str(exc))
                if _fails_every_snapshot(exc):
                    break
        return None

    def newest_of(self, funds: Sequence[str], *, skipped: list[str] | None = None) -> dict[str, Snapshot]:
        """Per fund its newest intact snapshot (by data date) that holds it, each snapshot read
        once: what offline data is made of, fund by fund, when a later snapshot (a partial
        import) holds only some of them. Funds no intact snapshot holds are left out; damaged
        snapshots passed over are named in ``skipped``."""
        found: dict[str, Snapshot] = {}
        damaged: set[int] = set()
        wanted = list(dict.fromkeys(funds))
        for info in reversed(self.snapshots(counts=False)):
            held = [f for f in wanted if f in info.fund_names and f not in found]
            if not held or info.id in damaged:
                continue
            try:
                snapshot = self.load(info.id)
            except DataError as exc:
                damaged.add(info.id)
                if skipped is not None:
                    skipped.append(str(exc))
                if _fails_every_snapshot(exc):
                    break
                continue
            found.update(dict.fromkeys(held, snapshot))
            if len(found) == len(wanted):
                break
        return found

    def latest_holdings(self, fund: str, *, skipped: list[str] | None = None) -> tuple[Holdings, SnapshotInfo] | None:
        """The newest intact stored holdings of ``fund`` (by the snapshots' data date), and where from."""
        for info in reversed(self.snapshots()):
            if fund not in info.fund_names:
                continue
            try:
                return self._load_holdings(self._connection(create=False), info.id, fund), info
            except (DataError, sqlite3.DatabaseError) as exc:
                if skipped is not None:
                    skipped.append(str(exc))
                if _fails_every_snapshot(exc):
                    break
        return None

    def results(self, negative_policy: str, benchmark: str, *, damaged: list[str] | None = None) -> list[StoredResults]:
        """Per snapshot (by data date) the stored records under this policy and benchmark, verified.

        A snapshot whose records fail their checksum is left out and named in ``damaged``.
        """
        infos = self.snapshots(counts=False)
        by_snapshot: dict[int, dict[str, dict]] = {}
        bad: set[int] = set()
        for snapshot_id, fund, record, checksum in self._read(
            "SELECT snapshot_id, fund, record, checksum FROM result WHERE negative_policy = ? AND benchmark = ?", (negative_policy, benchmark)
        ):
            parsed = None
            if R.digest(["result", record]) == checksum:
                try:
                    parsed = json.loads(record)
                except ValueError:
                    parsed = None
            if not isinstance(parsed, dict) or parsed.get("fund") != fund:
                bad.add(snapshot_id)
                continue
            by_snapshot.setdefault(snapshot_id, {})[fund] = parsed
        out = []
        for info in infos:
            if info.id in bad:
                if damaged is not None:
                    damaged.append(f"snapshot {info.id} of {info.data_date} has damaged results (checksum mismatch); remove it with `smallcap-screen snapshots rm {info.id}`")
                continue
            out.append(StoredResults(info, by_snapshot.get(info.id, {})))
        return out

    def integrity_check(self) -> str:
        """SQLite's own ``PRAGMA integrity_check`` answer ("ok" when the file is sound)."""
        rows = self._read("PRAGMA integrity_check")
        return "; ".join(r[0] for r in rows) if rows else "ok"

    def _meta(self, db: sqlite3.Connection, snapshot_id: int) -> dict:
        row = db.execute(f"SELECT {', '.join(_META)} FROM snapshot WHERE id = ?", (snapshot_id,)).fetchone()
        if row is None:
            raise DataError(f"no snapshot with id {snapshot_id}; see `smallcap-screen snapshots`")
        return dict(zip(_META, row))

    def _stocks(self, db: sqlite3.Connection, snapshot_id: int) -> list[list]:
        """The stock rows (STOCK_COLUMNS) of a snapshot."""
        moving, joined = self._quote_eps_sql()
        if self._version < 4:  # a store read before `snapshots migrate`: facts added since are unknown
            moving = {**moving, **{c: "NULL" if c in R.FACT_NUMBERS else "''" for c in R.LATER_FACTS}}
        columns = ", ".join(["q.ticker", "q.price", "q.market_cap", *(moving.get(c, f"f.{c}") for c in R.FACT_NUMBERS + R.FACT_TEXTS), *(moving.get(c, f"e.{c}") for c in R.ESTIMATE_NUMBERS)])
        return [list(r) for r in db.execute(
            f"SELECT {columns} FROM quote q JOIN stock_facts f ON f.id = q.facts_id JOIN stock_estimates e ON e.id = q.estimates_id{joined}"
            " WHERE q.snapshot_id = ? ORDER BY q.ticker",
            (snapshot_id,),
        )]

    def _quote_eps_sql(self) -> tuple[dict[str, str], str]:
        """How a quote's EPS are read: per QUOTE_EPS column the SQL giving it (its ``quote_eps``
        row where it has one), and the join that brings ``quote_eps`` in. A store of a schema
        before 5 (read before `snapshots migrate`) has no ``quote_eps``: the rows' own values."""
        if self._version < 5:
            return {}, ""
        table = {"eps_trailing": "f", "eps_forward": "e"}
        moving = {c: f"CASE WHEN m.ticker IS NULL THEN {table[c]}.{c} ELSE m.{c} END" for c in R.QUOTE_EPS}
        return moving, " LEFT JOIN quote_eps m ON m.snapshot_id = q.snapshot_id AND m.ticker = q.ticker"

    def _load_holdings(self, db: sqlite3.Connection, snapshot_id: int, fund: str) -> Holdings:
        from . import frames as F

        row = db.execute(
            "SELECT h.id, h.fund_name, h.as_of, h.source, h.total_market_value, h.content_hash FROM snapshot_fund f JOIN holdings h ON h.id = f.holdings_id WHERE f.snapshot_id = ? AND f.fund = ?",
            (snapshot_id, fund),
        ).fetchone()
        if row is None:
            raise DataError(f"snapshot {snapshot_id} holds no {fund}")
        holdings_id, fund_name, as_of, source, total, content_hash = row
        lines = [tuple(r) for r in db.execute(
            "SELECT s.ticker, s.issuer_ticker, s.name, s.sector, l.weight, l.market_value, l.shares FROM holding l JOIN security s ON s.id = l.security_id WHERE l.holdings_id = ? ORDER BY l.line",
            (holdings_id,),
        )]
        if total:
            lines = R.with_derived_weights(lines, total)
        aside = [tuple(r) for r in db.execute(
            "SELECT issuer_ticker, name, asset_class, weight, reason FROM set_aside WHERE holdings_id = ? ORDER BY line", (holdings_id,)
        )]
        if R.holdings_digest(fund, fund_name, as_of, source, [list(x) for x in lines], [list(x) for x in aside]) != content_hash:
            raise DataError(f"the {fund} holdings of snapshot {snapshot_id} are damaged (checksum mismatch); remove it with `smallcap-screen snapshots rm {snapshot_id}`")
        return F.holdings_from_lines(fund, fund_name, _date(as_of), source, lines, aside)

    def _load(self, db: sqlite3.Connection, snapshot_id: int) -> Snapshot:
        from . import frames as F

        meta = self._meta(db, snapshot_id)
        damaged = f"snapshot {snapshot_id} of {meta['data_date']} is damaged (checksum mismatch); remove it with `smallcap-screen snapshots rm {snapshot_id}`"
        funds = db.execute("SELECT f.fund, h.content_hash, f.reported FROM snapshot_fund f JOIN holdings h ON h.id = f.holdings_id WHERE f.snapshot_id = ? ORDER BY f.fund", (snapshot_id,)).fetchall()
        stocks = self._stocks(db, snapshot_id)
        content_hash = R.snapshot_digest(meta["prices_as_of"], meta["prices_source"], meta["forward_horizon"], [list(f) for f in funds], stocks)
        checksum = R.snapshot_checksum(content_hash, meta["data_date"], meta["taken_at"], meta["origin"], meta["label"])
        if content_hash != meta["content_hash"] or checksum != meta["checksum"] or not funds:
            raise DataError(damaged)
        holdings = {}
        for fund, _, _ in funds:
            try:
                holdings[fund] = self._load_holdings(db, snapshot_id, fund)
            except DataError:
                raise DataError(damaged) from None
        try:
            reported = {fund: json.loads(text) for fund, _, text in funds if text not in ("", "{}")}
        except ValueError:
            raise DataError(damaged) from None
        fundamentals = F.fundamentals_from_rows([tuple(s) for s in stocks], _date(meta["prices_as_of"]), meta["prices_source"], meta["forward_horizon"])
        from ..snapshot import Snapshot

        return Snapshot(holdings, fundamentals, dt.datetime.fromisoformat(meta["taken_at"]), meta["label"], reported, store_id=snapshot_id, data_date=_date(meta["data_date"]))


#: Record fields kept as columns of ``result`` (besides the key), for querying without JSON.
RESULT_COLUMNS = ["pe_trailing", "pe_forward", "discount_trailing", "discount_forward", "loss_weight", "coverage"]
_META = ["id", "data_date", "taken_at", "origin", "label", "prices_as_of", "prices_source", "forward_horizon", "content_hash", "checksum"]


@dataclass
class _Prepared:
    """A snapshot turned into canonical rows and digests, computed before the write lock is taken."""

    data_date: str
    taken_at: str
    origin: str
    label: str
    prices_as_of: str | None
    prices_source: str
    forward_horizon: str
    funds: dict[str, dict]
    lines: dict[str, list[tuple]]
    set_aside: dict[str, list[tuple]]
    stocks: list[tuple]
    content_hash: str
    checksum: str

    @classmethod
    def of(cls, snapshot: Snapshot, origin: str) -> "_Prepared":
        from . import frames as F

        f = snapshot.fundamentals
        funds, lines, aside = {}, {}, {}
        for fund, h in snapshot.holdings.items():
            lines[fund] = F.holdings_lines(h)
            aside[fund] = F.set_aside_lines(h)
            meta = {"fund_name": h.fund_name or "", "as_of": _iso(h.as_of), "source": h.source or "", "reported": R.reported_json(snapshot.reported.get(fund, {}))}
            meta["digest"] = R.holdings_digest(fund, meta["fund_name"], meta["as_of"], meta["source"], [list(x) for x in lines[fund]], [list(x) for x in aside[fund]])
            funds[fund] = meta
        stocks = F.stock_rows(f)
        data_date = snapshot.data_date or f.as_of or max((h.as_of for h in snapshot.holdings.values() if h.as_of), default=None) or snapshot.created.date()
        content_hash = R.snapshot_digest(
            _iso(f.as_of), f.source, f.forward_horizon, [[fund, m["digest"], m["reported"]] for fund, m in funds.items()], [list(s) for s in stocks]
        )
        taken_at = snapshot.created.astimezone(dt.timezone.utc).isoformat() if snapshot.created.tzinfo else snapshot.created.isoformat()
        data_text = data_date.isoformat()
        return cls(
            data_text, taken_at, origin, snapshot.label, _iso(f.as_of), f.source, f.forward_horizon, funds, lines, aside, stocks,
            content_hash, R.snapshot_checksum(content_hash, data_text, taken_at, origin, snapshot.label),
        )


def _info(meta: dict, funds: list[FundEntry], stocks: int) -> SnapshotInfo:
    return SnapshotInfo(
        meta["id"], _date(meta["data_date"]), dt.datetime.fromisoformat(meta["taken_at"]), meta["origin"], meta["label"],
        _date(meta["prices_as_of"]), meta["prices_source"], meta["forward_horizon"], sorted(funds, key=lambda f: f.fund), stocks,
        meta["checksum"],
    )


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (executed one by one inside our transaction;
    ``executescript`` would commit it)."""
    out, current = [], []
    for line in script.splitlines():
        current.append(line)
        if sqlite3.complete_statement("\n".join(current)):
            out.append("\n".join(current).strip())
            current = []
    return [s for s in out if s]


def _fails_every_snapshot(exc: Exception) -> bool:
    """Whether reading the store's other snapshots would fail alike (the store unreadable as a
    whole: a missing table or column), so that passing over them, as over one damaged snapshot,
    would only say the same error once per snapshot (260 lines for a five-year weekly store)."""
    if isinstance(exc, sqlite3.Error):
        return _code(exc) not in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    return isinstance(exc, UnreadableStoreError)


def _code(exc: sqlite3.Error) -> int:
    """SQLite's primary result code of an error (SQLITE_FULL, SQLITE_CORRUPT ...)."""
    return (getattr(exc, "sqlite_errorcode", None) or sqlite3.SQLITE_ERROR) & 0xFF


#: Errors opening a store for reading that a read-only opening may get past (see ``Store._uris``):
#: a read-only file or folder, and a full disk (SQLite cannot add the ``-shm`` file it reads with).
_CANNOT_OPEN = {sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL}


def _chunks(values: list) -> Iterator[list]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


def _marks(values) -> str:
    return ", ".join("?" * len(list(values)))


def _week(day: dt.date) -> tuple[int, int]:
    year, week, _ = day.isocalendar()
    return (year, week)


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None
