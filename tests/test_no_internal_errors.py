"""Faults a reliability audit found ending in "internal error" (exit 1) now end in one line with a
documented exit code: an infinite number in an import, stdout on a full disk, a UTF-16 or deeply
nested config file, a file that fails as it is read."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from smallcap_screen.sources.fundamentals_file import parse_fundamentals_bytes
from tests.helpers import REPO, assert_one_line_error, run

PORTFOLIO = REPO / "tests" / "fixtures" / "portfolio.csv"


# An infinite price or EPS is an absurd value: set aside and flagged, never an internal error


@pytest.mark.parametrize("spelling", ["inf", "-inf", "Infinity", "1e999"])
def test_an_infinite_price_or_eps_in_an_import_is_flagged_and_set_aside(tmp_path, spelling):
    export = tmp_path / "prices.csv"
    export.write_text(f"ticker,price,eps_trailing\nAAPL,200,5\nMSFT,{spelling},4\nBRK-B,400,{spelling}\n")
    store = str(tmp_path / "store")

    imported = run("import", str(export), "--as-of", "2025-08-19", "--holdings", str(PORTFOLIO), "--data-dir", store)
    assert imported.returncode == 0, imported.stderr
    compared = run("compare", str(PORTFOLIO), "--offline", "-f", "json", "--data-dir", store)
    assert compared.returncode == 0, compared.stderr
    [record] = [r for r in json.loads(compared.stdout) if r["fund"] == "PORTFOLIO"]
    # Weighted by shares x price: MSFT, unpriced, keeps its file weight of 20%; the other 80% go
    # 2:1 to AAPL (100 x 200) and BRK-B (25 x 400). MSFT and BRK-B are flagged; AAPL prices the fund at 200 / 5.
    assert record["flagged_holdings"] == 2 and record["flagged_weight"] == pytest.approx(0.2 + 0.8 / 3)
    assert record["pe_trailing"] == pytest.approx(40.0)
    screened = run("screen", str(PORTFOLIO), "--offline", "-f", "json", "--data-dir", store)
    flags = {r["ticker"]: r["flags"] for r in json.loads(screened.stdout)}
    assert flags["MSFT"] == flags["BRK-B"] == "value_infinite" and flags["AAPL"] == ""


def test_a_finviz_export_with_an_infinite_pe_flags_that_stock():
    export = b"No.,Ticker,Price,P/E,EPS (ttm)\n1,AAA,10,inf,1\n2,BBB,20,10,2\n"
    table = parse_fundamentals_bytes(export, as_of=None, source="finviz.csv").table

    assert table.loc["AAA", "flags"] == "value_infinite" and table.loc["BBB", "flags"] == ""
    assert table.loc["BBB", "eps_trailing"] == 2.0
    assert not table.select_dtypes("number").isin([float("inf"), float("-inf")]).any().any()


# Standard output on a full disk: exit 6, one line, nothing more from Python as it exits


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
@pytest.mark.parametrize("extra", [[], ["-o", "-", "-f", "json"], ["-f", "csv"]])
def test_stdout_on_a_full_disk_is_exit_6_in_one_line(tmp_path, extra):
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "smallcap_screen", "compare", "IWM", "SPY", "--offline", "--data-dir", str(tmp_path), *extra],
            stdout=full, stderr=subprocess.PIPE, text=True, timeout=120,
        )
    assert_one_line_error(done, 6, "standard output could not be written", "No space left on device")
    assert "Exception ignored" not in done.stderr and "internal error" not in done.stderr


# Config files are read like every other input


def test_a_utf16_config_file_with_a_byte_order_mark_is_read(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('benchmark = "IVV"\n', encoding="utf-16")

    result = run("--config", str(config), "config", "show", "-f", "json")
    assert result.returncode == 0, result.stderr
    assert {r["key"]: r["value"] for r in json.loads(result.stdout)["settings"]}["benchmark"] == "IVV"


def test_a_config_file_neither_utf8_nor_marked_utf16_is_one_line_exit_3(tmp_path):
    config = tmp_path / "config.toml"
    config.write_bytes('benchmark = "Å"\n'.encode("latin-1"))
    assert_one_line_error(run("--config", str(config), "config", "show"), 3, "is not UTF-8 text")


def test_a_deeply_nested_config_file_is_one_line_exit_3(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("funds = " + "[" * 5000 + "]" * 5000 + "\n")
    assert_one_line_error(run("--config", str(config), "compare", "IWM", "--offline"), 3, "nests arrays or tables too deeply")


# A file that fails as it is read


@pytest.mark.skipif(not os.path.exists("/proc/self/mem"), reason="no /proc/self/mem on this system")
@pytest.mark.parametrize("where", ["holdings", "config"])
def test_a_file_that_fails_as_it_is_read_is_one_line_exit_3(tmp_path, where):
    args = ["compare", "/proc/self/mem", "--offline"] if where == "holdings" else ["--config", "/proc/self/mem", "compare", "IWM", "--offline"]
    assert_one_line_error(run(*args, "--data-dir", str(tmp_path)), 3, "cannot read", "/proc/self/mem", "Input/output error")


def test_a_run_started_with_stdout_closed_is_no_internal_error(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "smallcap_screen", "funds"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120,
        preexec_fn=lambda: os.close(1),  # Python then starts with sys.stdout None
    )
    assert "internal error" not in done.stderr and done.returncode == 0, done.stderr
