"""The housekeeping commands (cache, snapshots, help) and a failed write, run as a user would."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import pytest

from smallcap_screen.cache import Cache
from smallcap_screen.store.folder import bundled_snapshot
from smallcap_screen.store import Store
from tests.helpers import assert_one_line_error, run

FETCHED_AT = dt.datetime(2025, 11, 18, 14, 30, tzinfo=dt.timezone.utc)


@pytest.fixture
def homes(tmp_path) -> dict[str, str]:
    """Cache and store folders of this test only, given the way a user would set them once."""
    return {
        "SMALLCAP_SCREEN_CACHE_DIR": str(tmp_path / "cache"),
        "SMALLCAP_SCREEN_DATA_DIR": str(tmp_path / "store"),
    }


@pytest.fixture
def filled_cache(homes) -> Path:
    """A cache holding one IWM download and quotes for three symbols, all fetched at FETCHED_AT."""
    root = Path(homes["SMALLCAP_SCREEN_CACHE_DIR"])
    with Cache(root, clock=FETCHED_AT.timestamp) as cache:
        cache.put_holdings("IWM", b"Ticker,Name\nBE,BLOOM ENERGY\n", "https://www.ishares.com/iwm.csv")
        cache.put_quotes({symbol: {"symbol": symbol, "regularMarketPrice": 10.0} for symbol in ("AAPL", "MSFT", "BRK-B")})
    return root


def cache_counts(homes: dict[str, str]) -> dict[str, int]:
    """Entries per kind as `cache info` prints them ("quotes: 3 entries, ...")."""
    result = run("cache", "info", env=homes)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    return {kind: int(lines[kind].split()[0]) for kind in ("holdings", "quotes")}


def test_cache_info_on_an_empty_cache_says_zero_entries_and_creates_nothing(tmp_path):
    cache_dir = tmp_path / "never-used"
    result = run("cache", "info", "--cache-dir", str(cache_dir))
    assert result.returncode == 0, result.stderr
    assert f"location: {cache_dir}" in result.stdout
    assert "holdings: 0 entries" in result.stdout
    assert "quotes: 0 entries" in result.stdout
    assert not cache_dir.exists()


def test_cache_info_counts_what_was_cached_and_when(homes, filled_cache):
    result = run("cache", "info", env=homes)
    assert result.returncode == 0, result.stderr
    assert f"location: {filled_cache}" in result.stdout
    assert cache_counts(homes) == {"holdings": 1, "quotes": 3}
    assert "2025-11-18 14:30" in result.stdout


def test_cache_clear_removes_one_kind_then_everything(homes, filled_cache):
    quotes = run("cache", "clear", "quotes", env=homes)
    assert quotes.returncode == 0, quotes.stderr
    assert quotes.stdout == ""
    assert "removed 3 cached quotes" in quotes.stderr
    assert cache_counts(homes) == {"holdings": 1, "quotes": 0}

    everything = run("cache", "clear", env=homes)
    assert everything.returncode == 0, everything.stderr
    assert "removed 1 cached entries" in everything.stderr
    assert cache_counts(homes) == {"holdings": 0, "quotes": 0}
    assert not list((filled_cache / "holdings").glob("*.bin"))


def test_cache_clear_of_an_unknown_kind_is_a_usage_error(homes, filled_cache):
    result = run("cache", "clear", "bogus", env=homes)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "holdings, quotes" in result.stderr
    assert cache_counts(homes) == {"holdings": 1, "quotes": 3}


def test_cache_info_and_clear_use_the_cache_folder_config_show_reports(tmp_path, filled_cache):
    """The config file's [paths] cache_dir is the cache of every command, `cache` included."""
    config = tmp_path / "config.toml"
    config.write_text(f'[paths]\ncache_dir = "{filled_cache}"\n', encoding="utf-8")
    shown = json.loads(run("--config", str(config), "config", "show", "-f", "json").stdout)
    assert {s["key"]: s["value"] for s in shown["settings"]}["cache_dir"] == str(filled_cache)

    info = run("--config", str(config), "cache", "info")
    assert info.returncode == 0, info.stderr
    assert f"location: {filled_cache}" in info.stdout
    assert "quotes: 3 entries" in info.stdout
    cleared = run("--config", str(config), "cache", "clear", "quotes")
    assert f"removed 3 cached quotes from {filled_cache}" in cleared.stderr


def test_every_command_reads_the_store_smallcap_screen_db_names(tmp_path):
    """A profile that sets both SMALLCAP_SCREEN_DB and SMALLCAP_SCREEN_DATA_DIR: every command
    reads the one database (the file beats the folder, as --db beats --data-dir)."""
    import dataclasses

    db = tmp_path / "kept.sqlite3"
    with Store.open(db) as store:
        saved = store.save(dataclasses.replace(bundled_snapshot(), label="the snapshot kept in SMALLCAP_SCREEN_DB"))
    env = {"SMALLCAP_SCREEN_DB": str(db), "SMALLCAP_SCREEN_DATA_DIR": str(tmp_path / "another-store")}
    for command in (["compare", "IWM"], ["screen", "IWM", "--top", "1"], ["sectors", "IWM"], ["explain", "IWM"], ["holdings", "IWM", "--top", "1"]):
        result = run(*command, "--offline", "-f", "csv", env=env)
        assert result.returncode == 0, (command, result.stderr)
        assert "using the snapshot kept in SMALLCAP_SCREEN_DB" in result.stderr, command
    listed = run("snapshots", "-f", "json", env=env)
    assert [s["id"] for s in json.loads(listed.stdout)] == [saved.snapshot_id]
    assert not (tmp_path / "another-store").exists()


def test_snapshots_on_an_empty_store_explains_on_stderr_only(homes):
    result = run("snapshots", env=homes)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert "no snapshots" in result.stderr


def test_snapshots_lists_a_saved_snapshot_with_its_data_date_and_funds(tmp_path):
    store = tmp_path / "store"
    with Store.open(data_dir=store) as opened:
        saved = opened.save(bundled_snapshot())
    result = run("snapshots", "-f", "json", "--data-dir", str(store))
    assert result.returncode == 0, result.stderr
    [listed] = json.loads(result.stdout)
    assert (listed["id"], listed["data_date"]) == (saved.snapshot_id, "2025-08-19")
    assert listed["funds"]["IWM"] == {"as_of": "2025-11-05", "source": "file IWM_holdings_2025-11-05.csv", "holdings": 1956}


def words(result: subprocess.CompletedProcess) -> str:
    """Help text with its line wrapping undone, so phrases can be searched whole."""
    return " ".join(result.stdout.split())


def test_app_help_names_the_commands_a_first_example_and_the_exit_codes():
    result = run("--help")
    assert result.returncode == 0, result.stderr
    text = words(result)
    for command in ("compare", "funds", "snapshots", "cache"):
        assert f" {command} " in text
    assert "smallcap-screen compare IWM IJR IJS SPY" in text
    assert "6 output not written" in text


def test_compare_help_explains_the_negative_earnings_policy_with_examples():
    result = run("compare", "--help")
    assert result.returncode == 0, result.stderr
    text = words(result)
    assert "--negative" in text and "exclude" in text and "include" in text
    assert "Examples:" in text
    assert "smallcap-screen compare IWM SPY --negative include -o iwm.json" in text
    assert "smallcap-screen compare my_portfolio.csv IWM --offline" in text


@pytest.fixture
def read_only_dir(tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: a folder without write permission is still writable")
        yield folder
    finally:
        folder.chmod(0o700)


def test_output_into_a_read_only_folder_exits_6_and_leaves_no_file(homes, read_only_dir):
    target = read_only_dir / "iwm.json"
    result = run("compare", "IWM", "SPY", "--offline", "--format", "json", "-o", str(target), env=homes)
    assert_one_line_error(result, 6, "cannot write", str(target))
    assert result.stdout == ""
    assert list(read_only_dir.iterdir()) == []


def test_output_onto_an_existing_folder_exits_6_and_leaves_no_temporary_file(homes, tmp_path):
    # The rename at the end of the atomic write fails; unlike chmod this holds even for root.
    target = tmp_path / "out" / "iwm.json"
    target.mkdir(parents=True)
    result = run("compare", "IWM", "SPY", "--offline", "--format", "json", "-o", str(target), env=homes)
    assert_one_line_error(result, 6, "cannot write", str(target))
    assert [p.name for p in target.parent.iterdir()] == ["iwm.json"]
    assert list(target.iterdir()) == []
