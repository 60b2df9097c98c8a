"""`smallcap-screen import`: bring your own fundamentals (a finviz export or a plain CSV), whole
or refused, dated by the file, never re-pricing funds it barely covers."""

from __future__ import annotations

import json

import pytest

from smallcap_screen.errors import DataError
from smallcap_screen.reference import read_reference_fundamentals
from smallcap_screen.sources.fundamentals_file import parse_fundamentals_bytes, stated_date
from smallcap_screen.store import Store
from tests.helpers import assert_one_line_error, run

FINVIZ = "fundamentals_finviz_2025-08-19.csv"
SP500 = "fundamentals_sp500-yahoo_2026-05-15.csv"


@pytest.fixture
def data_dir(tmp_path) -> str:
    return str(tmp_path / "store")


@pytest.fixture(scope="module")
def finviz_lines(raw_dir) -> list[str]:
    return (raw_dir / FINVIZ).read_text(encoding="utf-8").splitlines(keepends=True)


def snapshots(data_dir: str) -> list[int]:
    with Store.open(data_dir=data_dir) as store:
        return [info.id for info in store.snapshots()]


def compare_offline(data_dir: str, *funds: str) -> dict[str, dict]:
    result = run("compare", *funds, "--offline", "-f", "json", "--data-dir", data_dir)
    assert result.returncode == 0, result.stderr
    return {r["fund"]: r for r in json.loads(result.stdout)}


def test_the_sp500_file_reprices_the_sp500_funds_and_leaves_the_small_caps_out(whole_raw_dir, data_dir):
    result = run("import", str(whole_raw_dir / SP500), "--data-dir", data_dir)

    assert result.returncode == 0, result.stderr
    assert "left out IWM, IJR, VB" in result.stderr and "under 90%" in result.stderr
    records = compare_offline(data_dir, "SPY", "IVV", "IWM")
    assert records["SPY"]["as_of_prices"] == "2026-05-15"  # the date in the file name
    assert records["SPY"]["coverage"] > 0.9 and records["SPY"]["data_source"] == f"import of {SP500}"
    assert records["IWM"]["status"] == "missing"  # not re-priced by a file holding none of its stocks


def test_plain_csv_columns_are_read_by_their_documented_names_and_aliases(tmp_path):
    documented = b"ticker,price,eps_trailing,eps_forward,book_per_share,shares,market_cap,sector\nAAPL,230.5,6.5,7.4,4.4,15e9,3.4e12,Tech\nBRK.B,480,40,,,,,\n"
    aliased = b"Symbol,Name,Price,Earnings/Share,Market Cap\nAAPL,Apple,230.5,6.5,3.4e12\nBRK.B,Berkshire,480,40,\n"

    for content in (documented, aliased):
        table = parse_fundamentals_bytes(content, as_of=None, source="mine.csv").table
        assert table.loc["AAPL", ["price", "eps_trailing"]].tolist() == [230.5, 6.5]
        assert table.loc["BRK-B", "eps_trailing"] == 40
    assert parse_fundamentals_bytes(documented, as_of=None).table.loc["AAPL", "eps_forward"] == 7.4


def test_a_finviz_export_cut_inside_its_last_line_is_refused(tmp_path, finviz_lines, data_dir):
    cut = tmp_path / "finviz_2025-08-19.csv"
    middle = len(finviz_lines) // 2
    cut.write_text("".join(finviz_lines[:middle]) + finviz_lines[middle][:40], encoding="utf-8")

    assert_one_line_error(run("import", str(cut), "--data-dir", data_dir), 3, "cut off")
    assert snapshots(data_dir) == []


def test_a_finviz_export_missing_rows_is_refused(tmp_path, finviz_lines, data_dir):
    holed = tmp_path / "finviz_2025-08-19.csv"
    holed.write_text("".join(finviz_lines[:50] + finviz_lines[60:]), encoding="utf-8")

    assert_one_line_error(run("import", str(holed), "--data-dir", data_dir), 3, "rows are missing")


@pytest.mark.parametrize("body", ["header", "no usable row"])
def test_an_export_without_a_usable_row_is_refused_and_stores_nothing(tmp_path, finviz_lines, data_dir, body):
    empty = tmp_path / "finviz_2025-08-19.csv"
    if body == "header":
        empty.write_text(finviz_lines[0], encoding="utf-8")
    else:
        empty.write_text("ticker,price,eps_trailing\nAAPL,,\nMSFT,0,3\n", encoding="utf-8")

    result = run("import", str(empty), "--data-dir", data_dir)

    assert_one_line_error(result, 3)
    assert snapshots(data_dir) == []


def test_an_export_stating_no_date_needs_as_of(tmp_path, raw_dir, data_dir):
    """A plain CSV of the finviz figures, named without a date (works on the excerpts too)."""
    prices = read_reference_fundamentals(raw_dir).table[["price", "eps_trailing"]].dropna()
    undated = tmp_path / "prices.csv"
    prices.to_csv(undated)
    iwm = str(raw_dir / "IWM_holdings_2025-11-05.csv")

    result = run("import", str(undated), "--holdings", iwm, "--data-dir", data_dir)

    assert result.returncode == 2 and "--as-of" in result.stderr and "Traceback" not in result.stderr
    dated = run("import", str(undated), "--as-of", "2025-08-19", "--holdings", iwm, "--data-dir", data_dir)
    assert dated.returncode == 0, dated.stderr
    assert compare_offline(data_dir, "IWM")["IWM"]["as_of_prices"] == "2025-08-19"


def test_the_date_comes_from_a_date_column_or_the_file_name_never_the_clock():
    assert stated_date(b"ticker,price,eps_trailing,date\nAAPL,1,1,2026-05-14\n", "mine.csv").isoformat() == "2026-05-14"
    assert stated_date(b"ticker,price\n", "export-20250819.csv").isoformat() == "2025-08-19"
    assert stated_date(b"ticker,price\n", "finviz.csv") is None


def test_parse_fundamentals_bytes_refuses_a_cut_quoted_field():
    with pytest.raises(DataError, match="truncated"):
        parse_fundamentals_bytes(b'"No.","Ticker","P/E","EPS (ttm)","Price"\n"1","AAPL","30","7.6","230\n', as_of=None)
