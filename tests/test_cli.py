"""The command line as a user meets it: run as a subprocess, offline, on the bundled snapshot."""

from __future__ import annotations

import csv
import io
import json

import pytest

from smallcap_screen.vocabulary import RECORD_FIELDS
from tests.helpers import assert_one_line_error, modules_after, run


@pytest.fixture
def data_dir(tmp_path) -> str:
    """An empty local store, so the bundled snapshot is the newest data."""
    return str(tmp_path / "store")


def test_compare_json_has_one_object_per_fund_with_stable_fields(data_dir):
    result = run("compare", "IWM", "IJR", "IJS", "SPY", "--offline", "--format", "json", "--data-dir", data_dir)
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert [r["fund"] for r in records] == ["IWM", "IJR", "IJS", "SPY"]
    assert list(records[0]) == RECORD_FIELDS
    iwm, ijr, ijs, spy = records
    assert ijs["status"] == "missing" and "no holdings file of IJS ships with the package" in ijs["status_reason"]
    for record in (iwm, ijr, spy):
        assert record["status"] == "ok"
        assert 0.8 < record["coverage"] <= 1.0
        assert 5 < record["pe_trailing"] < 60
        assert record["negative_policy"] == "exclude"
    assert spy["discount_trailing"] == pytest.approx(0.0)
    # P/Es are written to 4 decimals (a relative error up to 3e-6 each), the discount to 8
    assert iwm["discount_trailing"] == pytest.approx(1 - iwm["pe_trailing"] / spy["pe_trailing"], abs=1e-5)
    assert iwm["as_of_holdings"] == "2025-11-05" and iwm["as_of_prices"] == "2025-08-19"
    assert "bundled reference snapshot" in result.stderr


def test_include_policy_reports_a_not_meaningful_pe_as_null_with_a_reason(data_dir):
    result = run("compare", "IWM", "SPY", "--offline", "-f", "json", "--negative", "include", "--data-dir", data_dir)
    records = json.loads(result.stdout)
    for record in records:
        assert record["negative_policy"] == "include"
        assert (record["pe_trailing"] is None) == bool(record["pe_trailing_reason"])
    assert records[1]["pe_trailing"] is not None


def test_csv_output_has_the_documented_header(data_dir):
    result = run("compare", "IWM", "SPY", "--offline", "--format", "csv", "--data-dir", data_dir)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == RECORD_FIELDS
    assert [r["fund"] for r in rows] == ["IWM", "SPY"]


def test_table_piped_is_plain_text_with_dates_and_method(data_dir):
    result = run("compare", "IWM", "IJR", "IJS", "SPY", "--offline", "--data-dir", data_dir)
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stdout
    for text in ("IWM", "Russell 2000", "no holdings file of IJS ships", "2025-11-05", "2025-08-19", "harmonic"):
        assert text in result.stdout


def test_output_file_is_written_whole(tmp_path, data_dir):
    target = tmp_path / "out.json"
    result = run("compare", "IWM", "SPY", "--offline", "-f", "json", "-o", str(target), "--data-dir", data_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert [r["fund"] for r in json.loads(target.read_text())] == ["IWM", "SPY"]


def test_unwritable_output_fails_with_exit_6_and_leaves_nothing(tmp_path, data_dir):
    target = tmp_path / "missing-folder" / "out.csv"
    result = run("compare", "IWM", "--offline", "-f", "csv", "-o", str(target), "--data-dir", data_dir)
    assert_one_line_error(result, 6, "cannot write")
    assert not target.parent.exists()


def test_unknown_fund_is_exit_4_with_the_known_funds(data_dir):
    result = run("compare", "NOPE", "--offline", "--data-dir", data_dir)
    assert_one_line_error(result, 4, "unknown fund", "IWM")


def test_html_page_as_holdings_file_is_exit_3(tmp_path, data_dir):
    page = tmp_path / "IWM_holdings.csv"
    page.write_text("<!DOCTYPE html><html><head><title>Access denied</title></head><body>blocked</body></html>")
    result = run("compare", str(page), "--offline", "--data-dir", data_dir)
    assert_one_line_error(result, 3, "HTML")


def test_empty_holdings_file_is_exit_3(tmp_path, data_dir):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = run("compare", str(empty), "--offline", "--data-dir", data_dir)
    assert_one_line_error(result, 3)


def test_truncated_ishares_file_is_exit_3(raw_dir, tmp_path, data_dir):
    content = (raw_dir / "IWM_holdings_2025-11-05.csv").read_bytes()
    cut = tmp_path / "IWM_cut.csv"
    cut.write_bytes(content[: len(content) // 3])
    result = run("compare", str(cut), "--offline", "--data-dir", data_dir)
    assert_one_line_error(result, 3)


def test_own_portfolio_csv_is_valued_like_a_fund(tmp_path, data_dir):
    portfolio = tmp_path / "mine.csv"
    portfolio.write_text("ticker,weight\nAAPL,40\nBRK.B,30\nMSFT,30\n")
    result = run("compare", str(portfolio), "SPY", "--offline", "-f", "json", "--data-dir", data_dir)
    assert result.returncode == 0, result.stderr
    mine = json.loads(result.stdout)[0]
    assert mine["fund"] == "MINE" and mine["holdings"] == 3
    assert mine["coverage"] == pytest.approx(1.0)


def test_portfolio_without_any_known_stock_gets_a_flagged_row_not_a_crash(tmp_path, data_dir):
    portfolio = tmp_path / "unknowns.csv"
    portfolio.write_text("ticker,weight\nZZZZQ,50\nQQQQZ,50\n")
    result = run("compare", str(portfolio), "--offline", "-f", "json", "--data-dir", data_dir)
    assert result.returncode == 0, result.stderr
    row = json.loads(result.stdout)[0]
    assert row["coverage"] == 0 and row["pe_trailing"] is None and row["pe_trailing_reason"]


def test_negative_weights_in_a_portfolio_are_exit_3(tmp_path, data_dir):
    portfolio = tmp_path / "bad.csv"
    portfolio.write_text("ticker,weight\nAAPL,60\nMSFT,-10\n")
    result = run("compare", str(portfolio), "--offline", "--data-dir", data_dir)
    assert_one_line_error(result, 3, "MSFT")


def test_offline_and_live_together_is_a_usage_error(data_dir):
    result = run("compare", "IWM", "--offline", "--live", "--data-dir", data_dir)
    assert result.returncode == 2


def test_funds_lists_every_fund_by_role_with_issuer_index_aliases_and_bundled():
    result = run("funds", "-f", "json")
    assert result.returncode == 0, result.stderr
    entries = {e["fund"]: e for e in json.loads(result.stdout)}
    wanted = "IWM IWN IWO IJR IJS IJT IJH IVV SPY SPSM SLY SLYV SLYG MDY VB VBR VBK VTWO VIOO VIOV VOO DES SCHA"
    assert set(wanted.split()) <= set(entries)
    assert entries["IWM"] == {
        "fund": "IWM", "name": "iShares Russell 2000 ETF", "issuer": "iShares", "index": "Russell 2000",
        "role": "small-cap", "aliases": "RUT R2000 RUSSELL2000", "downloadable": True, "bundled": True,
    }
    assert [e["role"] for e in entries.values()] == sorted((e["role"] for e in entries.values()), key=["small-cap", "mid-cap", "large-cap"].index)
    assert {f for f, e in entries.items() if e["bundled"]} == {"IWM", "IJR", "IVV", "SPY", "VB"}


def test_funds_table_fits_80_columns_with_every_word_whole():
    from rich.console import Console

    from smallcap_screen.catalog import fund_catalog
    from smallcap_screen.render.funds import catalog_table

    entries = fund_catalog()
    console = Console(width=80, record=True, file=io.StringIO(), color_system=None)
    console.print(catalog_table(entries, plain=True, width=80))
    text = console.export_text()

    assert max(len(line) for line in text.splitlines()) <= 80
    words = {w for e in entries for w in (e.fund, e.issuer, *e.aliases)} | {"Small", "Mid", "Large", "Bundled"}
    assert words <= set(text.split())


def test_index_aliases_name_funds_in_compare(data_dir):
    result = run("compare", "RUT", "SP600", "SPX", "--offline", "-f", "json", "--data-dir", data_dir)
    assert result.returncode == 0, result.stderr
    assert [r["fund"] for r in json.loads(result.stdout)] == ["IWM", "IJR", "SPY"]


def test_vb_is_valued_offline_from_the_bundled_snapshot(data_dir):
    result = run("compare", "VB", "IWM", "SPY", "--offline", "-f", "json", "--data-dir", data_dir)
    assert result.returncode == 0, result.stderr
    vb = json.loads(result.stdout)[0]
    assert (vb["fund"], vb["status"], vb["index"]) == ("VB", "ok", "CRSP US Small Cap")
    assert vb["coverage"] > 0.95


def test_holdings_shows_the_numbers_behind_the_fund_pe(data_dir):
    result = run("holdings", "IWM", "--offline", "--top", "5", "--data-dir", data_dir)
    assert result.returncode == 0, result.stderr
    assert "IWM: 1,956 holdings" in result.stdout and "BLOOM ENERGY" in result.stdout
    assert "1,951 smaller holdings not shown" in result.stdout


def test_holdings_json_lists_every_holding_with_its_status(data_dir):
    result = run("holdings", "IWM", "--offline", "-f", "json", "--data-dir", data_dir)
    rows = json.loads(result.stdout)
    assert len(rows) == 1956
    assert sum(r["weight"] for r in rows) == pytest.approx(1.0)
    statuses = {r["trailing"] for r in rows}
    assert {"included", "loss, excluded", "no data"} <= statuses
    included = [r for r in rows if r["trailing"] == "included"]
    by_hand = sum(r["weight"] for r in included) / sum(r["weight"] / r["pe_trailing"] for r in included)
    compared = json.loads(run("compare", "IWM", "--offline", "-f", "json", "--data-dir", data_dir).stdout)[0]
    # Figures are written rounded (P/E to 4 decimals, weights to 8): equal to 1e-5.
    assert by_hand == pytest.approx(compared["pe_trailing"], rel=1e-5)


def test_holdings_of_a_fund_missing_from_the_snapshot_is_exit_3(data_dir):
    result = run("holdings", "IJS", "--offline", "--data-dir", data_dir)
    assert_one_line_error(result, 3, "IJS", "not in")


def test_history_reads_every_stored_snapshot_by_data_date(tmp_path):
    from smallcap_screen import Store
    from tests.helpers import dated

    with Store.open(data_dir=tmp_path / "store") as store:
        for day in (20, 13):  # stored newest first: the order must come from the data dates
            store.save(dated(day))
    result = run("history", "IWM", "IJS", "SPY", "-f", "json", "--data-dir", str(tmp_path / "store"))
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["data_date"], r["fund"]) for r in rows] == [
        ("2025-11-13", "IWM"), ("2025-11-13", "SPY"), ("2025-11-20", "IWM"), ("2025-11-20", "SPY"),
    ]
    assert rows[0]["discount_trailing"] == pytest.approx(1 - rows[0]["pe_trailing"] / rows[1]["pe_trailing"], abs=1e-5)  # P/Es written to 4 decimals


def test_history_without_snapshots_says_how_to_get_them(data_dir):
    result = run("history", "IWM", "--data-dir", data_dir)
    assert result.returncode == 0
    assert "`smallcap-screen snapshot` keeps one" in result.stderr


def test_import_of_a_finviz_export_becomes_the_newest_snapshot(whole_raw_dir, data_dir):
    # The whole export: an excerpt's finviz numbering has gaps, and import refuses a holed export.
    result = run(
        "import", str(whole_raw_dir / "fundamentals_finviz_2025-08-19.csv"), "--as-of", "2025-08-19",
        "--holdings", str(whole_raw_dir / "IWM_holdings_2026-04-10.csv"), "--data-dir", data_dir,
    )
    assert result.returncode == 0, result.stderr
    assert "IWM 1930 (" in result.stderr  # equities of that file
    records = {r["fund"]: r for r in json.loads(run("compare", "IWM", "SPY", "--offline", "-f", "json", "--data-dir", data_dir).stdout)}
    assert records["IWM"]["data_source"] == "import of fundamentals_finviz_2025-08-19.csv"
    assert (records["IWM"]["as_of_holdings"], records["IWM"]["as_of_prices"]) == ("2026-04-10", "2025-08-19")
    assert records["SPY"]["as_of_holdings"] == "2025-11-18"  # kept from the bundled snapshot


def test_import_of_something_that_is_not_a_finviz_export_is_exit_3(tmp_path, data_dir):
    bogus = tmp_path / "export.csv"
    bogus.write_text("Symbol,Last\nAAPL,230\n")
    assert_one_line_error(run("import", str(bogus), "--data-dir", data_dir), 3, "finviz")


def test_import_with_a_bad_date_is_a_usage_error(raw_dir, data_dir):
    result = run("import", str(raw_dir / "fundamentals_finviz_2025-08-19.csv"), "--as-of", "19/08/2025", "--data-dir", data_dir)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_an_issuer_file_given_as_a_path_is_labelled_by_the_fund_it_names(raw_dir, data_dir):
    path = str(raw_dir / "IWM_holdings_2026-04-10.csv")
    result = run("compare", path, "SPY", "--offline", "-f", "json", "--data-dir", data_dir)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)[0]
    assert (record["fund"], record["index"]) == ("IWM", "Russell 2000")
    assert record["name"] == "iShares Russell 2000 ETF (IWM_holdings_2026-04-10.csv)"


def test_a_run_builds_only_the_command_it_runs_and_help_lists_them_all(data_dir):
    # Typer reads every registered command's signature as it starts: a run registers its own only.
    loaded = modules_after("funds", "-f", "json")
    assert "smallcap_screen.cli.funds" in loaded
    assert not {"smallcap_screen.cli.compare", "smallcap_screen.cli.screen", "smallcap_screen.cli.history"} & loaded
    assert "smallcap_screen.cli.screen" in modules_after("--config", "/nonexistent.toml", "screen", "--help")
    assert "smallcap_screen.cli.screen" in modules_after("-h", "compare")  # the app's help, whatever follows
    listed = run("--help").stdout
    for command in ("compare", "screen", "sectors", "explain", "holdings", "snapshot", "history", "snapshots", "export", "import", "funds", "config", "cache"):
        assert f"\n  {command} " in listed, command
    mistyped = run("comapre", "IWM")
    assert mistyped.returncode == 2 and "Did you mean 'compare'" in mistyped.stderr


def test_every_module_that_registers_a_command_is_known_to_the_entry_point():
    from pathlib import Path

    from smallcap_screen.cli import COMMAND_MODULES

    folder = Path(__file__).resolve().parents[1] / "smallcap_screen" / "cli"
    registering = {p.stem for p in folder.glob("*.py") if "@app.command" in p.read_text() or "app.add_typer(" in p.read_text()}
    assert registering == set(COMMAND_MODULES.values())


def test_notes_wrap_between_words_on_a_terminal_and_stay_one_line_in_a_pipe(monkeypatch):
    from smallcap_screen.cli.environment import Environment

    class Terminal(io.StringIO):
        def __init__(self, tty: bool) -> None:
            super().__init__()
            self.tty = tty

        def isatty(self) -> bool:
            return self.tty

    note = "quotes: 2,515 fetched in 5 Yahoo requests, 16 without a quote (ADAM, BBBY, BBT, BELFA, FISV)"
    monkeypatch.setenv("COLUMNS", "40")
    for tty, expected in ((True, ["quotes: 2,515 fetched in 5 Yahoo", "requests, 16 without a quote (ADAM,", "BBBY, BBT, BELFA, FISV)"]), (False, [note])):
        env = Environment.of_process(stderr=Terminal(tty))
        env.say(note)
        assert env.stderr.getvalue().splitlines() == expected
