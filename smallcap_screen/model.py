"""The plain data every layer passes around: holdings of a fund, and fundamentals per stock.

Both are frozen dataclasses around a pandas frame with fixed, documented columns, plus the
facts that belong to the whole table (as-of date, where it came from). Parsers produce them,
metrics consume them, the store writes and reads them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

#: Columns of ``Holdings.equities``, one row per equity line of the fund.
#: ticker: Yahoo symbol (BRK-B); issuer_ticker: as the issuer wrote it (BRKB, BRK.B);
#: weight: fraction of the fund's equity, summing to 1; market_value: in fund currency, NaN if unknown;
#: shares: shares held on the holdings date (iShares ``Quantity``, SSGA ``Shares Held``), NaN if unknown.
EQUITY_COLUMNS = ["ticker", "issuer_ticker", "name", "sector", "weight", "market_value", "shares"]

#: Columns of ``Holdings.set_aside``: lines that are not listed equities (cash, money-market,
#: futures, unlisted rights with ticker "-"). weight is the fraction of the whole file, NaN if unknown.
SET_ASIDE_COLUMNS = ["issuer_ticker", "name", "asset_class", "weight", "reason"]

#: Columns of ``Fundamentals.table`` (index: ``ticker``, the Yahoo symbol).
#: Per-share values are in ``currency`` unless ``financial_currency`` says the statements differ.
#: ``flags`` holds ';'-separated codes for values that were found absurd and set to NaN.
#: ``dividend_yield``: dividends of the last twelve months over the price (a fraction; 0 for a
#: stock that pays none, NaN where the source does not say). ``fiscal_year_end``: ISO date of the
#: end of the company's last completed fiscal year ("" where unknown), which places its FY1 and
#: FY2 estimates in time for the next-twelve-months blend (metrics/frame.py).
FUNDAMENTAL_COLUMNS = [
    "price",
    "shares",
    "market_cap",
    "eps_trailing",
    "eps_forward",
    "eps_fy1",
    "book_per_share",
    "sales",
    "dividend_yield",
    "currency",
    "financial_currency",
    "fiscal_year_end",
    "flags",
]

FLOAT_FUNDAMENTALS = ["price", "shares", "market_cap", "eps_trailing", "eps_forward", "eps_fy1", "book_per_share", "sales", "dividend_yield"]


def empty_frame(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("weight", "market_value", "shares") else "object") for c in columns})


@dataclass(frozen=True)
class Holdings:
    """What one fund holds on one date, normalised across issuers."""

    fund: str
    equities: pd.DataFrame
    as_of: dt.date | None
    source: str
    set_aside: pd.DataFrame = field(default_factory=lambda: empty_frame(SET_ASIDE_COLUMNS))
    fund_name: str = ""

    @property
    def tickers(self) -> list[str]:
        return self.equities["ticker"].tolist()


@dataclass(frozen=True)
class Fundamentals:
    """Price and earnings per stock, as one source saw them on one date.

    ``forward_horizon`` names what ``eps_forward`` means, e.g. ``"FY2"`` (next fiscal year);
    ``eps_fy1`` is always the current fiscal year's consensus (NaN where the source has none).
    """

    table: pd.DataFrame
    as_of: dt.date | None
    source: str
    forward_horizon: str = "FY2"

    def __post_init__(self) -> None:
        missing = [c for c in FUNDAMENTAL_COLUMNS if c not in self.table.columns]
        if missing:
            raise ValueError(f"fundamentals table lacks columns {missing}")
        if self.table.index.name != "ticker":
            raise ValueError("fundamentals table must be indexed by 'ticker'")
