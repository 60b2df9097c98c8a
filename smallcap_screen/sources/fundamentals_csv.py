"""A plain per-stock fundamentals CSV → :class:`Fundamentals`: bring your own prices and earnings.

Documented columns (one row per stock): ``ticker``, ``price``, ``eps_trailing`` (required), and
``eps_forward``, ``eps_fy1``, ``book_per_share``, ``shares``, ``market_cap``, ``dividend_yield`` (a
fraction, 0.0215, or a percentage, 2.15%), ``fiscal_year_end`` (a date, e.g. 2025-09-27), ``sector`` (optional;
``sector`` is accepted and not used by the fundamentals). Names are matched case-insensitively,
with common spellings of other exports accepted too (``COLUMN_NAMES``): the S&P 500 file of the
datasets project (``Symbol, Price, Earnings/Share, Market Cap``) reads as it is. Per-share values
and prices in dollars; market cap in dollars; tickers in any issuer spelling (``BRK.B`` → BRK-B).
Blank cells are unknown; a negative trailing EPS is a loss.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..errors import DataError
from ..model import FUNDAMENTAL_COLUMNS, Fundamentals
from ..tickers import to_yahoo_series
from .parsing import finite_numbers, flag_codes, to_numbers

#: Accepted spellings of each column, lower-case; the documented name first.
COLUMN_NAMES = {
    "ticker": ("ticker", "symbol"),
    "price": ("price", "last", "close", "regularmarketprice"),
    "eps_trailing": ("eps_trailing", "eps (ttm)", "eps ttm", "eps", "earnings/share", "trailing eps", "epstrailingtwelvemonths"),
    "eps_forward": ("eps_forward", "forward eps", "epsforward"),
    "eps_fy1": ("eps_fy1", "epscurrentyear"),
    "book_per_share": ("book_per_share", "book/sh", "book value per share", "bookvalue"),
    "shares": ("shares", "shares outstanding", "sharesoutstanding"),
    "market_cap": ("market_cap", "market cap", "marketcap"),
    "dividend_yield": ("dividend_yield", "dividend yield", "trailingannualdividendyield"),
    "fiscal_year_end": ("fiscal_year_end", "fiscal year end", "lastfiscalyearend"),
}
REQUIRED = ("ticker", "price", "eps_trailing")


def fundamentals_from_table(table: pd.DataFrame, *, as_of: dt.date | None, source: str = "", what: str = "") -> Fundamentals:
    """The export (already read and checked, :func:`.fundamentals_file.read_fundamentals_table`) as fundamentals by Yahoo ticker.

    A price <= 0 is set to NaN and flagged ``price_invalid``; an infinite number is set to NaN and
    flagged ``value_infinite``. Raises DataError naming the columns
    it needs when ticker, price or trailing EPS cannot be found.
    """
    what = what or source or "fundamentals CSV"
    by_lower = {str(c).strip().lower(): c for c in table.columns}
    columns = {key: next((by_lower[s] for s in spellings if s in by_lower), None) for key, spellings in COLUMN_NAMES.items()}
    missing = [key for key in REQUIRED if columns[key] is None]
    if missing:
        raise DataError(
            f"{what} lacks {', '.join(missing)} (found: {', '.join(map(str, table.columns))}): it is neither a finviz export "
            "nor a CSV with ticker, price, eps_trailing columns"
        )
    ticker = to_yahoo_series(table[columns["ticker"]])
    number, infinite = finite_numbers(
        {
            key: to_numbers(table[column]) if column else pd.Series(np.nan, index=table.index)
            for key, column in columns.items()
            if key not in ("ticker", "fiscal_year_end")
        }
    )
    given_end = table[columns["fiscal_year_end"]] if columns["fiscal_year_end"] else pd.Series("", index=table.index)
    fiscal_year_end = pd.to_datetime(given_end.astype("string").replace("", None), errors="coerce").dt.strftime("%Y-%m-%d").fillna("")
    price = number["price"].where(number["price"] > 0)
    frame = pd.DataFrame(
        {
            **{key: number[key] for key in ("shares", "market_cap", "eps_trailing", "eps_forward", "eps_fy1", "book_per_share", "dividend_yield")},
            "price": price,
            "sales": np.nan,
            "currency": "USD",
            "financial_currency": "",
            "fiscal_year_end": fiscal_year_end,
            "flags": flag_codes({"value_infinite": infinite, "price_invalid": number["price"].notna() & price.isna()}, table.index),
        }
    )
    frame.index = pd.Index(ticker, name="ticker")
    frame = frame[frame.index != ""]
    frame = frame[~frame.index.duplicated()]
    return Fundamentals(table=frame[FUNDAMENTAL_COLUMNS], as_of=as_of, source=source, forward_horizon="FY2")
