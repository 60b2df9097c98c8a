"""The local cache: freshness, resuming quote batches, damage and full disks, info and clear."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import sqlite3

import pytest

from smallcap_screen.cache import CACHE_DIR_VARIABLE, Cache
from smallcap_screen.errors import OutputError

DAY = 24 * 3600.0
URL = "https://www.ishares.com/us/products/239710/ishares-russell-2000-etf/latest-holdings.csv"
BODY = b'\xef\xbb\xbfiShares Russell 2000 ETF\nFund Holdings as of,"Nov 05, 2025"\n'


class Clock:
    """Seconds since the epoch, moved by hand."""

    def __init__(self) -> None:
        self.now = dt.datetime(2025, 11, 6, 12, tzinfo=dt.timezone.utc).timestamp()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cache(tmp_path, clock):
    with Cache(tmp_path / "cache", clock=clock) as opened:
        yield opened


def quotes(*symbols: str) -> dict[str, dict]:
    return {s: {"price": 10.0 + i, "eps_trailing": 1.5} for i, s in enumerate(symbols)}


def test_stored_holdings_come_back_with_url_and_fetch_time(cache, clock):
    cache.put_holdings("IWM", BODY, URL)

    entry = cache.get_holdings("iwm")

    assert entry.body == BODY
    assert entry.url == URL
    assert entry.fetched_at.timestamp() == clock.now


def test_holdings_are_a_miss_after_a_day(cache, clock):
    cache.put_holdings("IWM", BODY, URL)

    clock.now += DAY - 1
    assert cache.get_holdings("IWM") is not None
    clock.now += 2
    assert cache.get_holdings("IWM") is None


def test_holdings_for_a_requested_date_are_kept_apart_from_the_latest(cache):
    cache.put_holdings("IWM", BODY, URL, as_of=dt.date(2025, 5, 13))

    assert cache.get_holdings("IWM") is None
    assert cache.get_holdings("IWM", dt.date(2025, 5, 13)).body == BODY


def test_a_damaged_holdings_entry_is_a_miss_and_spares_the_others(cache):
    cache.put_holdings("IWM", BODY, URL)
    cache.put_holdings("IVV", BODY, URL)
    path = cache.root / "holdings" / "IWM.bin"
    path.write_bytes(path.read_bytes()[:-5] + b"XXXXX")

    assert cache.get_holdings("IWM") is None
    assert cache.get_holdings("IVV").body == BODY


def test_a_holdings_entry_with_a_garbled_header_is_a_miss(cache):
    (cache.root / "holdings").mkdir(parents=True)
    (cache.root / "holdings" / "IWM.bin").write_bytes(b"{not json\n" + BODY)

    assert cache.get_holdings("IWM") is None


def test_a_full_disk_while_storing_holdings_keeps_the_old_entry(cache, monkeypatch):
    cache.put_holdings("IWM", BODY, URL)

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OutputError, match="No space left on device") as raised:
        cache.put_holdings("IWM", b"new body", URL)

    assert "\n" not in str(raised.value)
    assert cache.get_holdings("IWM").body == BODY
    assert [p.name for p in (cache.root / "holdings").iterdir()] == ["IWM.bin"]  # no temp file left


def test_a_cache_folder_that_cannot_be_made_is_an_output_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cache = Cache(blocker / "cache")

    with pytest.raises(OutputError, match="cannot write the cache file"):
        cache.put_holdings("IWM", BODY, URL)
    with pytest.raises(OutputError):
        cache.put_quotes(quotes("AAPL"))
    assert cache.get_holdings("IWM") is None
    assert cache.get_quotes(["AAPL"]) == ({}, ["AAPL"])


def test_an_interrupted_run_resumes_with_only_the_missing_quotes(cache):
    symbols = ["BE", "CRDO", "FN", "NXT", "IONQ", "BRK-B"]
    cache.put_quotes(quotes(*symbols[:3]))  # the run stopped after its first batch

    found, missing = cache.get_quotes(symbols)

    assert found == quotes(*symbols[:3])
    assert missing == ["NXT", "IONQ", "BRK-B"]


def test_quotes_are_a_miss_after_their_time_to_live(tmp_path, clock):
    with Cache(tmp_path, quotes_ttl=dt.timedelta(hours=1), clock=clock) as cache:
        cache.put_quotes(quotes("AAPL"))
        clock.now += 3599
        assert cache.get_quotes(["AAPL"])[1] == []
        clock.now += 2
        assert cache.get_quotes(["AAPL"]) == ({}, ["AAPL"])


def test_a_newer_quote_replaces_the_older_one(cache):
    cache.put_quotes({"AAPL": {"price": 1.0}})
    cache.put_quotes({"AAPL": {"price": 2.0}})

    assert cache.get_quotes(["AAPL"])[0] == {"AAPL": {"price": 2.0}}


def test_a_damaged_quote_record_is_a_miss_and_spares_the_others(cache):
    cache.put_quotes(quotes("AAPL", "MSFT"))
    with sqlite3.connect(cache.root / "quotes.sqlite3") as db:
        db.execute("UPDATE quotes SET record = '{broken' WHERE symbol = 'AAPL'")

    found, missing = cache.get_quotes(["AAPL", "MSFT"])

    assert list(found) == ["MSFT"]
    assert missing == ["AAPL"]


def test_a_quotes_file_that_is_no_database_is_started_afresh(tmp_path, clock):
    tmp_path.joinpath("quotes.sqlite3").write_bytes(b"this is not a database" * 100)
    with Cache(tmp_path, clock=clock) as cache:
        assert cache.get_quotes(["AAPL"]) == ({}, ["AAPL"])
        cache.put_quotes(quotes("AAPL"))
        assert list(cache.get_quotes(["AAPL"])[0]) == ["AAPL"]


def test_a_full_disk_during_a_quote_batch_keeps_the_earlier_batches(cache):
    cache.put_quotes(quotes("AAPL", "MSFT"))
    db = cache._quotes_db(create=False)
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite now answers "database or disk is full"
    big_batch = {f"T{i}": {"name": "x" * 500} for i in range(200)}

    with pytest.raises(OutputError, match="full"):
        cache.put_quotes(big_batch)

    found, missing = cache.get_quotes(["AAPL", "MSFT", "T0"])
    assert list(found) == ["AAPL", "MSFT"]
    assert missing == ["T0"]


def test_info_tells_location_entries_sizes_and_dates(cache, clock):
    empty = cache.info()
    assert empty["holdings"] == {"entries": 0, "bytes": 0, "oldest": None, "newest": None}
    assert empty["quotes"]["entries"] == 0

    first = clock.now
    cache.put_holdings("IWM", BODY, URL)
    clock.now += 60
    cache.put_holdings("IVV", BODY, URL)
    cache.put_quotes(quotes("AAPL", "MSFT", "NVDA"))
    info = cache.info()

    assert info["location"] == str(cache.root)
    assert info["holdings"]["entries"] == 2
    assert info["holdings"]["bytes"] > 2 * len(BODY)
    assert info["holdings"]["oldest"].timestamp() == first
    assert info["holdings"]["newest"].timestamp() == first + 60
    assert info["quotes"]["entries"] == 3
    assert info["quotes"]["bytes"] > 0
    assert info["quotes"]["newest"].timestamp() == first + 60


def test_clear_one_kind_leaves_the_other(cache):
    cache.put_holdings("IWM", BODY, URL)
    cache.put_quotes(quotes("AAPL", "MSFT"))

    assert cache.clear("quotes") == 2
    assert cache.get_quotes(["AAPL"]) == ({}, ["AAPL"])
    assert cache.get_holdings("IWM") is not None


def test_clear_everything(cache):
    cache.put_holdings("IWM", BODY, URL)
    cache.put_quotes(quotes("AAPL"))

    assert cache.clear() == 2
    assert cache.info()["holdings"]["entries"] == 0
    assert cache.info()["quotes"]["entries"] == 0
    cache.put_quotes(quotes("MSFT"))  # usable again after clearing
    assert list(cache.get_quotes(["MSFT"])[0]) == ["MSFT"]


def test_clear_rejects_an_unknown_kind(cache):
    with pytest.raises(ValueError, match="unknown cache kind"):
        cache.clear("prices")


def test_the_environment_variable_chooses_the_folder(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_DIR_VARIABLE, str(tmp_path / "elsewhere"))

    assert Cache().root == tmp_path / "elsewhere"


def test_without_the_variable_the_platform_cache_folder_is_used(monkeypatch):
    monkeypatch.delenv(CACHE_DIR_VARIABLE, raising=False)

    assert Cache().root.name == "smallcap-screen"


def test_reading_an_absent_cache_creates_nothing(tmp_path):
    cache = Cache(tmp_path / "never")

    assert cache.get_quotes(["AAPL"]) == ({}, ["AAPL"])
    assert cache.get_holdings("IWM") is None
    assert cache.info()["quotes"]["entries"] == 0
    assert not (tmp_path / "never").exists()


def test_holdings_entries_are_one_json_header_line_then_the_body(cache):
    cache.put_holdings("IWM", BODY, URL)

    header, _, body = (cache.root / "holdings" / "IWM.bin").read_bytes().partition(b"\n")

    assert json.loads(header)["url"] == URL
    assert body == BODY
