"""A user's own portfolio as a plain CSV → :class:`Holdings`.

Required columns: ``ticker`` (or ``symbol``) and ``weight``; optional ``name``, ``sector``,
``market_value`` (or ``value``) and ``shares`` (or ``quantity``). Other columns are ignored. Column names are
matched case-insensitively; the delimiter (comma, semicolon, tab) is detected. A semicolon file
is read with the decimal comma that spreadsheets in most of Europe write there (``1.234,5``).
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd

from ..errors import DataError, printable
from ..model import Holdings
from .parsing import build_holdings, decode_text, reject_unusable, to_numbers

#: Accepted spellings of each column, lower-case, first match wins.
COLUMN_NAMES = {
    "ticker": ("ticker", "symbol"),
    "weight": ("weight",),
    "name": ("name",),
    "sector": ("sector",),
    "market_value": ("market_value", "market value", "value"),
    "shares": ("shares", "quantity"),
}


def parse_user_csv(content: bytes, *, fund: str | None = None, source: str = "") -> Holdings:
    """Parse a user portfolio CSV.

    Weights may be percents, fractions or any non-negative numbers ("5%" is read as 0.05); they
    are normalised to sum 1. Lines of the same ticker (after normalisation to Yahoo form) are
    summed. The weight column is used even where market values are given. Raises DataError
    naming the line of a missing ticker or a negative, blank or non-numeric weight. ``fund``
    defaults to "".
    """
    what = source or "portfolio CSV"
    reject_unusable(content, what)
    table, delimiter = _read(decode_text(content), what)
    columns = {key: _find(table, spellings) for key, spellings in COLUMN_NAMES.items()}
    missing = [key for key in ("ticker", "weight") if columns[key] is None]
    if missing:
        raise DataError(
            f"{what} lacks column(s) {', '.join(missing)} (found: {', '.join(table.columns)}); "
            "a portfolio CSV needs 'ticker' and 'weight'"
        )
    ticker = table[columns["ticker"]].fillna("").astype(str).str.strip().str.upper()
    decimal_comma = delimiter == ";"
    weight = to_numbers(table[columns["weight"]], decimal_comma=decimal_comma)
    _reject_rows(table, ticker == "", "has no ticker", what)
    _reject_rows(table, ~np.isfinite(weight) | (weight < 0), "has a weight that is not a non-negative number", what)
    lines = pd.DataFrame(
        {
            "issuer_ticker": ticker,
            "name": _text(table, columns["name"]),
            "sector": _text(table, columns["sector"]),
            "asset_class": "",
            "weight": weight,
            "market_value": _numbers(table, columns["market_value"], decimal_comma),
            "shares": _numbers(table, columns["shares"], decimal_comma),
            "reason": "",
        }
    )
    return build_holdings(
        lines, fund=fund or "", as_of=None, source=source, what=what, use_market_values=False
    )


def _read(text: str, what: str) -> tuple[pd.DataFrame, str]:
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        table = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise DataError(f"{what} is not a readable CSV ({str(error).splitlines()[0]})") from None
    return table, delimiter


def _reject_rows(table: pd.DataFrame, bad: pd.Series, problem: str, what: str) -> None:
    """DataError naming the first bad line as an editor numbers it (the header is line 1)."""
    if bad.any():
        row = int(bad.to_numpy().argmax())
        values = ",".join(table.iloc[row].astype(str))
        raise DataError(f"{what}: line {row + 2} ({printable(values)}) {problem}; fix or remove that line")


def _find(table: pd.DataFrame, spellings: tuple[str, ...]) -> str | None:
    """The table's column named by the first of ``spellings`` present, any case."""
    by_lower = {str(c).strip().lower(): c for c in table.columns}
    return next((by_lower[s] for s in spellings if s in by_lower), None)


def _text(table: pd.DataFrame, column: str | None) -> pd.Series | str:
    return table[column].fillna("").astype(str).str.strip() if column else ""


def _numbers(table: pd.DataFrame, column: str | None, decimal_comma: bool) -> pd.Series | float:
    return to_numbers(table[column], decimal_comma=decimal_comma) if column else float("nan")
