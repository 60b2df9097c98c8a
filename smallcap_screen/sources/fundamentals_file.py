"""Any per-stock fundamentals file a user brings → :class:`Fundamentals`, choosing the reader by content.

Two kinds are read: a finviz screener export (:mod:`.finviz`) and a plain CSV with documented
columns (:mod:`.fundamentals_csv`); those two modules turn a table into fundamentals, this one
reads the file. Both are first checked for the marks of a cut-off file, since a truncated file
would otherwise price funds from a fraction of the market without a word:

- the file does not end with a line end (its last line was cut);
- a line has fewer or more fields than the header, or ends inside a quoted field;
- a numbered export (finviz's ``No.`` column) does not run 1, 2, ... N: rows are missing;
- no data row at all.

The file's date is taken from the file when it says so: a ``Date`` column with one value, or a
date in the file name (``finviz_2025-08-19.csv``, ``export-20250819.csv``); never from the file's
modification time, which says when it was copied, not when the prices were.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pandas as pd

from ..errors import DataError
from ..model import Fundamentals
from .input_bounds import bounded_text
from .parsing import decode_text, reject_unusable

#: Columns that mark a finviz screener export.
FINVIZ_MARKS = ("Ticker", "P/E", "EPS (ttm)")
NUMBER_COLUMN = "No."
DATE_COLUMNS = ("date", "as_of", "as of")
_NAME_DATE = re.compile(r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?!\d)")


def read_fundamentals_table(content: bytes, what: str) -> pd.DataFrame:
    """The file as a frame, after the checks for a cut-off file (DataError). The numbering check
    is :func:`parse_fundamentals_bytes`'s: excerpts of an export (tests, the reference build) keep its numbers."""
    content = bounded_text(content, what)
    reject_unusable(content, what, expected="a fundamentals export")
    text = decode_text(content)
    if not text.endswith(("\n", "\r")):
        raise DataError(f"{what}: the last line is cut off (the file does not end with a line end); export or download it again")
    try:
        widths = [len(row) for row in csv.reader(io.StringIO(text), strict=True) if row]  # [] is a blank line
    except (csv.Error, ValueError):
        raise DataError(f"{what}: a line ends inside a quoted field; the file is truncated or damaged, export it again") from None
    for number, width in enumerate(widths[1:], start=2):
        if width != widths[0]:
            raise DataError(
                f"{what}: line {number} has {width} fields, expected {widths[0]}; the file is truncated or damaged, export it again"
            )
    if len(widths) < 2:
        raise DataError(f"{what} has a header but no rows: there is nothing to import")
    # Numbers typed by pandas' own reader (fast); blank cells are unknown, "NA" stays a ticker.
    table = pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])
    table.columns = [str(c).strip() for c in table.columns]
    return table


def parse_fundamentals_bytes(content: bytes, *, as_of: dt.date | None, source: str = "") -> Fundamentals:
    """A finviz export or a plain fundamentals CSV, told apart by their columns; DataError when
    the file is cut off, or has no row with a positive price and a trailing EPS."""
    from .finviz import fundamentals_from_finviz
    from .fundamentals_csv import fundamentals_from_table

    what = source or "fundamentals export"
    table = read_fundamentals_table(content, what)
    if NUMBER_COLUMN in table:
        numbers = pd.to_numeric(table[NUMBER_COLUMN], errors="coerce")
        if not numbers.equals(pd.Series(range(1, len(table) + 1), dtype=numbers.dtype)):
            raise DataError(
                f"{what}: its numbered rows ({NUMBER_COLUMN}) do not run 1 to {len(table)}: rows are missing, export it again"
            )
    if all(c in table.columns for c in FINVIZ_MARKS):
        fundamentals = fundamentals_from_finviz(table, as_of=as_of, source=source)
    else:
        fundamentals = fundamentals_from_table(table, as_of=as_of, source=source, what=what)
    usable = fundamentals.table["price"].gt(0) & fundamentals.table["eps_trailing"].notna()
    if not usable.any():
        raise DataError(f"{what}: no row has both a positive price and a trailing EPS; there is nothing to price funds with")
    return fundamentals


def parse_finviz_csv(content: bytes, *, as_of: dt.date | None = None, source: str = "") -> Fundamentals:
    """Parse a finviz screener export into per-stock fundamentals indexed by Yahoo ticker: the
    file read and checked by :func:`read_fundamentals_table`, then
    :func:`.finviz.fundamentals_from_finviz` (whose docstring says how each figure is taken).
    Raises DataError when required columns are missing, the body is unreadable or cut off."""
    from .finviz import fundamentals_from_finviz

    what = source or "finviz export"
    return fundamentals_from_finviz(read_fundamentals_table(content, what), as_of=as_of, source=source)


def stated_date(content: bytes, file_name: str) -> dt.date | None:
    """The date the file states: a one-valued ``Date`` column, else a date in the file name."""
    head = decode_text(content[:65536]).splitlines()
    rows = list(csv.reader(head[:2])) if len(head) >= 2 else []
    if len(rows) == 2:
        header = [c.strip().lower() for c in rows[0]]
        column = next((header.index(c) for c in DATE_COLUMNS if c in header), None)
        if column is not None and column < len(rows[1]):
            stated = _date(rows[1][column])
            if stated is not None:
                return stated
    found = _NAME_DATE.search(file_name)
    return _date("-".join(found.groups())) if found else None


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None
