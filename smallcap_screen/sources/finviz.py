"""Finviz screener CSV export → :class:`Fundamentals`.

Finviz writes ``Market Cap``, ``Sales`` and ``Income`` in $ millions and ``Shares Outstanding``
in millions; they are converted to dollars and shares here. Tickers are already Yahoo symbols
(``BRK-B``). Known faults of the export, each flagged in ``flags`` and set to NaN:

- ``value_infinite``: a number was infinite ("inf", 1e999); that value is set to NaN.
- ``price_invalid``: price missing or <= 0.
- ``pe_invalid``: a P/E <= 0 was given (finviz leaves P/E blank for losses, so it is garbage).
- ``forward_pe_invalid``: likewise for Forward P/E.
- ``eps_split_suspect``: trailing EPS more than 10x Income / Shares Outstanding *and* larger
  than the price, as when EPS was not adjusted after a reverse split (TNXP: -1006.28 at $38.49,
  against -9.28 from Income/Shares). EPS is set to NaN rather than replaced by Income/Shares,
  since it is not known which figure is stale. The test is one-sided on purpose: EPS much
  *smaller* than Income/Shares is common and genuine (multi-class companies, preferred
  dividends: BE, FWONA).
- ``market_cap_suspect``: Market Cap off from Price x Shares by more than 10x (HE: $0.75M).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..errors import DataError
from ..model import FUNDAMENTAL_COLUMNS, Fundamentals
from .parsing import finite_numbers, flag_codes, to_numbers

REQUIRED_COLUMNS = ["Ticker", "Price", "P/E", "EPS (ttm)"]
#: Read when present, NaN when a custom export leaves them out.
OPTIONAL_COLUMNS = ["Forward P/E", "Shares Outstanding", "Market Cap", "Book/sh", "Sales", "Income", "Dividend Yield"]
MILLION = 1e6
SUSPECT_FACTOR = 10


def fundamentals_from_finviz(raw: pd.DataFrame, *, as_of: dt.date | None, source: str = "") -> Fundamentals:
    """A finviz screener export, already read and checked (:func:`.fundamentals_file.read_fundamentals_table`),
    as per-stock fundamentals indexed by Yahoo ticker.

    ``eps_trailing`` is Price / P/E where P/E is given (``EPS (ttm)`` is rounded to 2 decimals:
    BE shows 0.00 at a P/E of 9961.7), else ``EPS (ttm)`` (finviz leaves P/E blank for losses).
    ``eps_forward`` is Price / Forward P/E, a next-fiscal-year (FY2) figure; it is NaN where
    Forward P/E is blank, which means the estimate is <= 0 or missing. See the module docstring
    for the flags. Raises DataError when required columns are missing.
    """
    what = source or "finviz export"
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        raise DataError(f"{what} lacks columns {', '.join(missing)}: not a finviz screener export")
    raw = raw.assign(Ticker=raw["Ticker"].fillna("").astype(str).str.strip().str.upper())
    raw = raw[raw["Ticker"] != ""].drop_duplicates("Ticker").set_index("Ticker")
    table = _fundamentals(raw)
    table.index.name = "ticker"
    return Fundamentals(table=table[FUNDAMENTAL_COLUMNS], as_of=as_of, source=source, forward_horizon="FY2")


def _fundamentals(raw: pd.DataFrame) -> pd.DataFrame:
    """Finviz columns → FUNDAMENTAL_COLUMNS, with absurd values flagged and set to NaN."""
    absent = pd.Series(np.nan, index=raw.index)
    number, infinite = finite_numbers({c: to_numbers(raw[c]) if c in raw else absent for c in REQUIRED_COLUMNS[1:] + OPTIONAL_COLUMNS})
    price_given = number["Price"]
    price = price_given.where(price_given > 0)
    pe, forward_pe = number["P/E"], number["Forward P/E"]
    shares = number["Shares Outstanding"] * MILLION

    eps = (price / pe).where(pe > 0, number["EPS (ttm)"].where(pe.isna()))
    income_per_share = number["Income"] * MILLION / shares
    split_suspect = (eps.abs() > SUSPECT_FACTOR * income_per_share.abs()) & (eps.abs() > price)
    market_cap = number["Market Cap"] * MILLION
    cap_ratio = market_cap / (price * shares)
    cap_suspect = (cap_ratio > SUSPECT_FACTOR) | (cap_ratio < 1 / SUSPECT_FACTOR)

    flags = flag_codes(
        {
            "value_infinite": infinite,
            "price_invalid": price.isna(),
            "pe_invalid": pe <= 0,
            "forward_pe_invalid": forward_pe <= 0,
            "eps_split_suspect": split_suspect,
            "market_cap_suspect": cap_suspect,
        },
        raw.index,
    )
    return pd.DataFrame(
        {
            "price": price,
            "shares": shares,
            "market_cap": market_cap.mask(cap_suspect),
            "eps_trailing": eps.mask(split_suspect),
            "eps_forward": (price / forward_pe).where(forward_pe > 0),
            "eps_fy1": float("nan"),  # finviz exports no current-fiscal-year estimate
            "book_per_share": number["Book/sh"],
            "sales": number["Sales"] * MILLION,
            # Finviz leaves Dividend Yield blank for a stock that pays none (AAPL 0.45%, NVDA
            # blank): a priced stock without one yields 0; an export without the column, unknown.
            "dividend_yield": number["Dividend Yield"].fillna(0.0).where(price.notna()) if "Dividend Yield" in raw else absent,
            "currency": "USD",
            "financial_currency": "",  # finviz does not say in which currency statements are kept
            "fiscal_year_end": "",  # nor when fiscal years end
            "flags": flags,
        },
        index=raw.index,
    )

