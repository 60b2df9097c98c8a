"""Odd or hostile input is refused at once with one short, printable error line: a FIFO or device
given as a file, files and workbooks too large, UTF-16 text, rows of 3,000 characters, values
that overflow. Nothing hangs, nothing fills the memory, no numpy warning reaches the user."""

from __future__ import annotations

import io
import os
import re
import zipfile

import pytest

from smallcap_screen.errors import DataError, printable
from smallcap_screen.sources import input_bounds
from smallcap_screen.sources.holdings_file import parse_holdings_bytes, read_holdings_file
from tests.helpers import EXCERPTS, assert_one_line_error, run

SPY_EXCERPT = EXCERPTS / "SPY_holdings-daily-us-en-spy_2025-11-18.xlsx"
SHEET = "xl/worksheets/sheet1.xml"


def error_line(result) -> str:
    [line] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    return line


def with_sheet(workbook: bytes, change) -> bytes:
    """``workbook`` with its sheet XML passed through ``change`` (text → text)."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, change(data.decode()).encode() if item.filename == SHEET else data)
    return out.getvalue()


# Only regular files are read


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_as_holdings_file_is_refused_at_once(tmp_path):
    fifo = tmp_path / "holdings.csv"
    os.mkfifo(fifo)
    result = run("compare", str(fifo), "--offline", "--data-dir", str(tmp_path / "store"))  # times out if it blocks
    assert_one_line_error(result, 3, "a pipe (FIFO), not a regular file")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero on this system")
def test_an_endless_device_is_refused_before_reading(tmp_path):
    result = run("compare", "/dev/zero", "--offline", "--data-dir", str(tmp_path / "store"))
    assert_one_line_error(result, 3, "/dev/zero", "a device")


def test_a_folder_is_refused_as_a_folder(tmp_path):
    with pytest.raises(DataError, match="it is a folder, not a regular file"):
        read_holdings_file(tmp_path)


def test_a_file_larger_than_any_holdings_file_is_refused_unread(tmp_path):
    huge = tmp_path / "huge.csv"
    with open(huge, "wb") as file:
        file.truncate(input_bounds.MAX_BYTES + 1)  # sparse: nothing is written
    with pytest.raises(DataError, match=r"it is 64\.0 MB, more than the 64\.0 MB"):
        read_holdings_file(huge)


# Row counts and workbooks are capped


def test_a_csv_with_more_lines_than_any_fund_is_refused():
    content = b"ticker,weight\n" + b"AAPL,1\n" * input_bounds.MAX_ROWS
    with pytest.raises(DataError, match="100,001 lines, more than the 100,000"):
        parse_holdings_bytes(content, source="many.csv")


def test_a_workbook_declaring_a_million_rows_it_lacks_is_read_by_the_rows_it_has():
    declared = with_sheet(SPY_EXCERPT.read_bytes(), lambda xml: xml.replace('<dimension ref="A1:L130"/>', '<dimension ref="A1:L1048576"/>'))
    assert declared != SPY_EXCERPT.read_bytes()
    assert len(parse_holdings_bytes(declared, source="big.xlsx").equities) == len(parse_holdings_bytes(SPY_EXCERPT.read_bytes()).equities)


def test_a_workbook_without_a_dimension_stops_at_the_row_cap(monkeypatch):
    extra = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>x</t></is></c></row>' for n in range(131, 400))
    undeclared = with_sheet(
        SPY_EXCERPT.read_bytes(),
        lambda xml: re.sub(r"<dimension [^>]*/>", "", xml).replace("</sheetData>", extra + "</sheetData>"),
    )
    assert parse_holdings_bytes(undeclared).fund == "SPY"  # within the cap it is read as usual
    monkeypatch.setattr(input_bounds, "MAX_SHEET_ROWS", 200)
    with pytest.raises(DataError, match="more than 200 rows"):
        parse_holdings_bytes(undeclared, source="long.xlsx")


def test_a_workbook_that_unpacks_to_too_much_is_refused(monkeypatch):
    monkeypatch.setattr(input_bounds, "MAX_UNPACKED_BYTES", 10_000)
    with pytest.raises(DataError, match="unpacks to .* more than the 9.8 KB"):
        parse_holdings_bytes(SPY_EXCERPT.read_bytes(), source="bomb.xlsx")


# Text encodings


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_portfolios_with_a_byte_order_mark_are_read(encoding):
    text = "ticker,weight\nAAPL,60\nMSFT,40\n"
    bom = {"utf-16-be": "\ufeff"}.get(encoding, "")  # the codecs without an endianness write their own BOM
    holdings = parse_holdings_bytes((bom + text).encode(encoding), source="mine.csv")
    assert dict(zip(holdings.tickers, holdings.equities["weight"])) == {"AAPL": pytest.approx(0.6), "MSFT": pytest.approx(0.4)}


def test_utf16_without_a_byte_order_mark_is_refused_without_nul_bytes_in_the_message(tmp_path):
    portfolio = tmp_path / "mine.csv"
    portfolio.write_bytes("ticker,weight\nAAPL,60\n".encode("utf-16-le"))
    result = run("compare", str(portfolio), "--offline", "--data-dir", str(tmp_path / "store"))
    assert_one_line_error(result, 3, "NUL bytes", "save it as UTF-8")
    assert "\x00" not in result.stderr


# Error lines are short and printable


def test_a_3000_character_row_is_not_repeated_in_the_error(tmp_path):
    portfolio = tmp_path / "mine.csv"
    portfolio.write_text("ticker,weight,name\nAAPL,lots," + "N" * 3000 + "\n")
    result = run("compare", str(portfolio), "--offline", "--data-dir", str(tmp_path / "store"))
    assert_one_line_error(result, 3, "line 2 (AAPL,lots,NNN")
    assert len(error_line(result)) < 250


def test_control_characters_read_from_a_file_are_escaped_in_the_error():
    with pytest.raises(DataError) as raised:
        parse_holdings_bytes(b"ticker,weight\nAA\x1b[31mPL,oops\n", source="mine.csv")
    assert "\x1b" not in str(raised.value) and "\\x1b[31mPL" in str(raised.value)


def test_printable_escapes_and_shortens_any_value():
    assert printable("a\tb\x00c") == "a\\tb\\x00c"
    assert printable("x" * 100, limit=10) == "x" * 9 + "…"
    assert printable(12.5) == "12.5"


# Numerical warnings


def test_weights_that_overflow_are_an_error_without_numpy_warnings(tmp_path):
    portfolio = tmp_path / "mine.csv"
    portfolio.write_text("ticker,weight\nAAPL,1e308\nMSFT,1e308\n")
    result = run("compare", str(portfolio), "--offline", "--data-dir", str(tmp_path / "store"))
    assert_one_line_error(result, 3, "weights sum to inf")
    assert "Warning" not in result.stderr


def test_the_library_raises_no_numpy_warning_on_overflowing_weights(recwarn):
    with pytest.raises(DataError, match="weights sum to inf"):
        parse_holdings_bytes(b"ticker,weight\nAAPL,1e308\nMSFT,1e308\n")
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
