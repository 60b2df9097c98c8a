"""The local cache: downloaded holdings files and per-symbol quotes, each with a time to live.

Layout under the cache folder (``SMALLCAP_SCREEN_CACHE_DIR``, else the platform's user cache dir):

- ``holdings/{FUND}.bin`` (``{FUND}_{YYYYMMDD}.bin`` for a requested date): one JSON header line
  (url, fetch time, size, sha256) then the body exactly as downloaded. Written to a temporary file
  and moved into place with ``os.replace``, so a reader sees the old entry or the new one, never half.
- ``sec/{host}_{path}.bin``: an SEC answer (ticker files, company facts, submissions), in the
  holdings' format, keyed by its URL; the reader says how old it may be (company facts are
  reused until stale, since a filing adds facts at most a few times a quarter).
- ``quotes.sqlite3``: one row per symbol (record as JSON, fetch time), WAL mode. Each
  ``put_quotes`` call is one transaction, so a run that stops midway keeps the batches it finished
  and the next run asks only for the rest.

Failure policy: reading never raises. A corrupt entry (bad header, size or checksum mismatch,
bad JSON) reads as a miss; a quotes database that is not a database is deleted and started
afresh, since everything in it can be fetched again. Writing raises ``OutputError`` with a one-line
message (full disk, no permission); the entry being written is left as it was and no other entry
is touched, so the caller may report the error and carry on without the cache.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping
from urllib.parse import urlsplit

from .errors import OutputError
from .output import write_atomically

CACHE_DIR_VARIABLE = "SMALLCAP_SCREEN_CACHE_DIR"
HOLDINGS_TTL = dt.timedelta(days=1)
QUOTES_TTL = dt.timedelta(hours=6)
#: How long a stock's fiscal-year end is reused (kept with the quotes, under its own key): a
#: company moves its fiscal year rarely, and a next-twelve-months figure uses only its month and
#: day, so asking Yahoo again (one request per stock) more often buys nothing.
FISCAL_YEAR_END_TTL = dt.timedelta(days=90)
KINDS = ("holdings", "quotes", "sec")
WRITE_ADVICE = f"free some space or set {CACHE_DIR_VARIABLE} to another folder"

_QUOTES_DB = "quotes.sqlite3"
_SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
_SQL_CHUNK = 500  # stays far below SQLite's limit on bound parameters per statement


def default_cache_dir() -> Path:
    """``SMALLCAP_SCREEN_CACHE_DIR`` if set, else the platform's user cache folder."""
    configured = os.environ.get(CACHE_DIR_VARIABLE)
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("smallcap-screen"))


@dataclass(frozen=True)
class CachedBody:
    """A holdings download as it was stored: the bytes, where they came from, and when."""

    body: bytes
    url: str
    fetched_at: dt.datetime


class Cache:
    """Holdings bodies as files and quotes in SQLite, each read back only while fresh.

    ``clock`` returns seconds since the epoch; tests inject one to move time. ``refresh`` makes
    every read a miss, for a run that must fetch anew and still store what it gets.
    A Cache holds one SQLite connection: use it from one thread, and ``close()`` it (or use ``with``).
    """

    def __init__(
        self,
        root: Path | str | None = None,
        *,
        holdings_ttl: dt.timedelta = HOLDINGS_TTL,
        quotes_ttl: dt.timedelta = QUOTES_TTL,
        clock: Callable[[], float] = time.time,
        refresh: bool = False,
    ) -> None:
        self.root = Path(root) if root is not None else default_cache_dir()
        self.holdings_ttl = holdings_ttl
        self.quotes_ttl = quotes_ttl
        self._clock = clock
        #: When True every read misses (all is fetched anew) while writes still land.
        self.refresh = refresh
        self._db: sqlite3.Connection | None = None

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the quotes database (reopened on next use)."""
        if self._db is not None:
            self._db.close()
            self._db = None

    # -- holdings ---------------------------------------------------------------------------

    @property
    def _holdings_dir(self) -> Path:
        return self.root / "holdings"

    def _holdings_path(self, fund: str, as_of: dt.date | None) -> Path:
        name = re.sub(r"[^A-Za-z0-9.-]", "_", fund.upper())
        if as_of is not None:
            name += f"_{as_of:%Y%m%d}"
        return self._holdings_dir / f"{name}.bin"

    def get_holdings(self, fund: str, as_of: dt.date | None = None) -> CachedBody | None:
        """The stored download for ``fund`` (and requested date) if fresh and intact, else None."""
        if self.refresh:
            return None
        entry = _read_entry(self._holdings_path(fund, as_of))
        if entry is None or self._clock() - entry.fetched_at.timestamp() > self.holdings_ttl.total_seconds():
            return None
        return entry

    def put_holdings(self, fund: str, body: bytes, url: str, as_of: dt.date | None = None) -> None:
        """Store a download atomically; raise OutputError if it cannot be written."""
        self._put_entry(self._holdings_path(fund, as_of), body, url)

    # -- SEC answers ------------------------------------------------------------------------

    @property
    def _sec_dir(self) -> Path:
        return self.root / "sec"

    def _sec_path(self, url: str) -> Path:
        parts = urlsplit(url)
        name = re.sub(r"[^A-Za-z0-9.-]", "_", f"{parts.netloc}{parts.path}?{parts.query}".rstrip("?"))
        return self._sec_dir / f"{name}.bin"

    def get_sec(self, url: str, max_age: dt.timedelta) -> CachedBody | None:
        """The stored answer for ``url`` if intact and at most ``max_age`` old, else None."""
        if self.refresh:
            return None
        entry = _read_entry(self._sec_path(url))
        if entry is None or entry.url != url or self._clock() - entry.fetched_at.timestamp() > max_age.total_seconds():
            return None
        return entry

    def put_sec(self, url: str, body: bytes) -> None:
        """Store an SEC answer atomically; raise OutputError if it cannot be written."""
        self._put_entry(self._sec_path(url), body, url)

    def _put_entry(self, path: Path, body: bytes, url: str) -> None:
        header = {
            "url": url,
            "fetched_at": self._clock(),
            "size": len(body),
            "sha256": hashlib.sha256(body).hexdigest(),
        }
        data = json.dumps(header).encode() + b"\n" + body
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise OutputError(_write_failure(path, error)) from None
        write_atomically(path, data, what="the cache file ", advice=WRITE_ADVICE)

    # -- quotes -----------------------------------------------------------------------------

    @property
    def _quotes_path(self) -> Path:
        return self.root / _QUOTES_DB

    def _quotes_db(self, *, create: bool) -> sqlite3.Connection | None:
        """The open quotes database; None if it does not exist and ``create`` is False."""
        if self._db is not None:
            return self._db
        if not create and not self._quotes_path.exists():
            return None
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self._db = _open_quotes_db(self._quotes_path)
        except sqlite3.DatabaseError:
            # Not a database at all (overwritten, truncated): it holds nothing worth keeping.
            _unlink_sqlite(self._quotes_path)
            self._db = _open_quotes_db(self._quotes_path)
        return self._db

    def get_quotes(self, symbols: Iterable[str], max_age: dt.timedelta | None = None) -> tuple[dict[str, dict[str, Any]], list[str]]:
        """Split ``symbols`` into fresh cached records (fetched within ``max_age``, default the
        quotes' time to live) and the ones still to fetch (in order)."""
        wanted = list(dict.fromkeys(symbols))
        found: dict[str, dict[str, Any]] = {}
        if self.refresh:
            return found, wanted
        try:
            db = self._quotes_db(create=False)
        except (OSError, sqlite3.Error):
            db = None
        if db is not None:
            oldest_fresh = self._clock() - (max_age or self.quotes_ttl).total_seconds()
            try:
                for start in range(0, len(wanted), _SQL_CHUNK):
                    chunk = wanted[start : start + _SQL_CHUNK]
                    marks = ",".join("?" * len(chunk))
                    rows = db.execute(
                        f"SELECT symbol, record FROM quotes WHERE fetched_at >= ? AND symbol IN ({marks})",
                        [oldest_fresh, *chunk],
                    )
                    for symbol, record in rows:
                        parsed = _json_object(record)
                        if parsed is not None:
                            found[symbol] = parsed
            except sqlite3.Error:
                pass  # a damaged page: whatever was not read counts as missing
        return found, [s for s in wanted if s not in found]

    def put_quotes(self, records: Mapping[str, Mapping[str, Any]]) -> None:
        """Store one batch of per-symbol records in one transaction; raise OutputError on failure."""
        now = self._clock()
        try:
            rows = [(symbol, json.dumps(record), now) for symbol, record in records.items()]
        except (TypeError, ValueError) as error:
            raise OutputError(f"cannot cache quotes: a record is not JSON-serialisable ({error})") from None
        try:
            db = self._quotes_db(create=True)
            with db:
                db.executemany("INSERT OR REPLACE INTO quotes (symbol, record, fetched_at) VALUES (?, ?, ?)", rows)
        except (OSError, sqlite3.Error) as error:
            raise OutputError(_write_failure(self._quotes_path, error)) from None

    # -- housekeeping -----------------------------------------------------------------------

    def info(self) -> dict[str, Any]:
        """Where the cache is and what it holds: per kind the entries, bytes, oldest and newest fetch."""
        quotes: dict[str, Any] = {"entries": 0, "bytes": 0, "oldest": None, "newest": None}
        quotes["bytes"] = sum(_size(Path(f"{self._quotes_path}{suffix}")) for suffix in ("", *_SQLITE_SIDE_FILES))
        try:
            db = self._quotes_db(create=False)
            if db is not None:
                count, oldest, newest = db.execute("SELECT count(*), min(fetched_at), max(fetched_at) FROM quotes").fetchone()
                quotes.update(entries=count, oldest=_as_datetime(oldest), newest=_as_datetime(newest))
        except (OSError, sqlite3.Error):
            pass
        return {
            "location": str(self.root),
            "holdings": _files_info(self._holdings_dir),
            "quotes": quotes,
            "sec": _files_info(self._sec_dir),
        }

    def clear(self, kind: str | None = None) -> int:
        """Delete one kind of entry ("holdings" or "quotes") or all; return how many were removed."""
        if kind is not None and kind not in KINDS:
            raise ValueError(f"unknown cache kind {kind!r}; expected one of {KINDS}")
        removed = 0
        try:
            for name, folder in (("holdings", self._holdings_dir), ("sec", self._sec_dir)):
                if kind in (None, name) and folder.is_dir():
                    for path in folder.iterdir():
                        if path.suffix == ".bin":
                            removed += 1
                        path.unlink()
            if kind in (None, "quotes"):
                removed += self.info()["quotes"]["entries"]
                self.close()
                _unlink_sqlite(self._quotes_path)
        except OSError as error:
            raise OutputError(f"cannot clear the cache in {self.root}: {error.strerror or error}") from None
        return removed


def _open_quotes_db(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        # In WAL mode this still never corrupts the database; a power cut may lose the last
        # batches, which a cache can fetch again. It spares a disk sync per batch stored.
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute(
            "CREATE TABLE IF NOT EXISTS quotes (symbol TEXT PRIMARY KEY, record TEXT NOT NULL, fetched_at REAL NOT NULL)"
        )
    except sqlite3.Error:
        db.close()
        raise
    return db


def _unlink_sqlite(path: Path) -> None:
    for suffix in ("", *_SQLITE_SIDE_FILES):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _read_entry(path: Path) -> CachedBody | None:
    """A stored body (holdings or SEC answer), or None if absent or damaged in any way."""
    try:
        data = path.read_bytes()
        header_line, _, body = data.partition(b"\n")
        header = json.loads(header_line)
        if len(body) != header["size"] or hashlib.sha256(body).hexdigest() != header["sha256"]:
            return None
        fetched_at = dt.datetime.fromtimestamp(float(header["fetched_at"]), dt.timezone.utc)
        return CachedBody(body=body, url=str(header["url"]), fetched_at=fetched_at)
    except (OSError, ValueError, TypeError, KeyError, OverflowError):
        return None


def _files_info(folder: Path) -> dict[str, Any]:
    """Entries, bytes, oldest and newest fetch of the ``.bin`` entries in ``folder``."""
    paths = list(folder.glob("*.bin")) if folder.is_dir() else []
    fetched = [e.fetched_at for e in map(_read_entry, paths) if e is not None]
    return {
        "entries": len(paths),
        "bytes": sum(map(_size, paths)),
        "oldest": min(fetched, default=None),
        "newest": max(fetched, default=None),
    }


def _write_failure(path: Path, error: Exception) -> str:
    reason = getattr(error, "strerror", None) or str(error)
    return f"cannot write the cache file {path}: {reason}; {WRITE_ADVICE}"


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _as_datetime(timestamp: float | None) -> dt.datetime | None:
    return None if timestamp is None else dt.datetime.fromtimestamp(timestamp, dt.timezone.utc)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
