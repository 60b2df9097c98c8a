"""iShares: the holdings CSV download (``...1467271812596.ajax?fileType=csv``) → :class:`Holdings`.

The file is a UTF-8 CSV with a BOM, a preamble (fund name on line 1, ``Fund Holdings as
of,"Nov 05, 2025"``, ...), a header line starting ``Ticker,``, quoted numbers with thousands
separators, then a blank line and a legal disclaimer. Most funds publish ``Weight (%)``; IJR and
IJH publish ``Market Weight`` and ``Notional Weight`` instead.

Format seen in the real downloads of ../shared/data/raw (IWM of four dates, IVV; see SOURCES.md
there); the ``Market Weight`` layout is described in ../shared/notes/data-sources.md. Product ids:
the fund table's ``issuer_id`` is ``{product id}/{page slug}``; IWN 239712 and IWO 239709 are the
ids in the fund-page links ``www.ishares.com/us/products/239712/ishares-russell-2000-value-etf``
and ``.../239709/ishares-russell-2000-growth-etf`` found in public code (239714, also seen for IWN,
is IWV: pvotio/ishares-components engine/utils.py).
"""

from __future__ import annotations

import csv
import datetime as dt

import numpy as np
import pandas as pd

from ...errors import DataError, printable
from ...model import Holdings
from ...tickers import to_yahoo_series
from ..parsing import (
    NO_TICKER,
    build_holdings,
    decode_text,
    fund_from_name,
    is_exchange_symbol,
    reject_unusable,
    to_numbers,
)
from .base import Downloaded, NoFileThatDay, first_usable

NAME = "ishares"
LABEL = "iShares"
HOME = "https://www.ishares.com"
FORMAT = "CSV"
#: The id of the iShares page component that serves downloads; the same for every fund.
AJAX_ID = "1467271812596"

AS_OF_LABEL = "Fund Holdings as of"
WEIGHT_COLUMNS = ("Weight (%)", "Market Weight")
REQUIRED_COLUMNS = ("Ticker", "Name", "Asset Class")
#: The share count was called ``Shares`` in older files, ``Quantity`` in newer ones.
SHARE_COLUMNS = ("Quantity", "Shares")
UNLISTED = "unlisted (no market)"


def download(fund, client, base_url: str, as_of: dt.date | None) -> Downloaded:
    """The documented CSV download; for today, the ``latest-holdings.csv`` beside it when the first
    answers a web page or an error (iShares did so at times in 2026). Only iShares serves past dates."""
    if "/" not in fund.issuer_id:
        raise DataError(f"the fund table gives no iShares product id/page for {fund.ticker}; pass a holdings file instead")
    page = f"{base_url.rstrip('/')}/us/products/{fund.issuer_id}"
    documented = f"{page}/{AJAX_ID}.ajax?fileType=csv&fileName={fund.ticker}_holdings&dataType=fund"
    if as_of is not None:
        urls = [f"{documented}&asOfDate={as_of:%Y%m%d}"]
    else:
        urls = [documented, f"{page}/latest-holdings.csv"]
    return first_usable(client, urls, expect=FORMAT, what=f"{fund.ticker} holdings")


def recognises(content: bytes) -> bool:
    """A preamble line ``Fund Holdings as of,...`` or a ``Ticker,...,Asset Class`` header."""
    lines = decode_text(content[:8192]).splitlines()[:40]
    return any(line.startswith(AS_OF_LABEL + ",") for line in lines) or any(
        line.startswith("Ticker,") and "Asset Class" in line for line in lines
    )


def parse(content: bytes, *, fund: str | None = None, source: str = "") -> Holdings:
    """Parse an iShares holdings download.

    ``fund`` defaults to the registry ticker whose name matches line 1 of the file
    ("iShares Russell 2000 ETF" → IWM), else "". Lines whose asset class is not Equity (cash,
    money market, futures, collateral), equities on no market (delisted, CVRs) and equities
    without an exchange ticker (``-``, rights such as ``MPTI RT``) are set aside. Equity
    weights are recomputed from market values. Raises NoFileThatDay (a DataError) for an empty
    answer (``Fund Holdings as of,"-"``), DataError for an HTML page, or a truncated or
    unrecognisable file.
    """
    return parse_with_prices(content, fund=fund, source=source)[0]


def parse_with_prices(content: bytes, *, fund: str | None = None, source: str = "") -> tuple[Holdings, pd.Series]:
    """:func:`parse`, and the file's own ``Price`` of each equity by Yahoo ticker (the closing
    price of the file's date, not adjusted for later splits; NaN where the file gives none)."""
    what = source or "iShares holdings file"
    reject_unusable(content, what)
    lines = decode_text(content).splitlines()
    header_at = next((i for i, line in enumerate(lines) if line.startswith("Ticker,")), len(lines))
    preamble = {row[0].strip(): row[1].strip() for row in csv.reader(lines[:header_at]) if len(row) >= 2}
    fund_name = lines[0].strip().strip('",') if lines else ""
    as_of_text = preamble.get(AS_OF_LABEL)
    if as_of_text == "-":
        raise NoFileThatDay(f'{what}: the issuer returned no holdings ({AS_OF_LABEL} "-"); try another date')
    if header_at == len(lines):
        raise DataError(f"{what} has no 'Ticker,...' header line: it is truncated or not an iShares holdings file")
    table = _read_table(lines[header_at:], header_line=header_at + 1, what=what)
    equity_lines = _lines(table, what)
    holdings = build_holdings(
        equity_lines,
        fund=fund or fund_from_name(fund_name),
        as_of=_as_of(as_of_text, what),
        source=source,
        fund_name=fund_name,
        what=what,
    )
    listed = equity_lines["reason"] == ""
    prices = pd.Series(
        to_numbers(table.get("Price", pd.Series("", index=table.index)))[listed].to_numpy(),
        index=pd.Index(to_yahoo_series(equity_lines.loc[listed, "issuer_ticker"]).to_numpy(), name="ticker"),
        name="price",
    )
    return holdings, prices[~prices.index.duplicated()]


def _read_table(lines: list[str], *, header_line: int, what: str) -> pd.DataFrame:
    """The header and data lines up to the blank line before the disclaimer.

    A table that runs to the end of the file without that blank line was cut off, even when
    the cut fell between two lines.
    """
    end = next((i for i, line in enumerate(lines) if not line.strip(" \t\xa0")), None)
    if end is None:
        raise DataError(f"{what} ends inside the holdings table (no disclaimer follows); it is truncated, download it again")
    try:
        header, *rows = csv.reader(lines[:end], strict=True)
    except csv.Error:
        raise DataError(f"{what}: a line ends inside a quoted field; the file is truncated, download it again") from None
    for number, row in enumerate(rows, start=header_line + 1):
        if len(row) != len(header):
            raise DataError(
                f"{what}: line {number} has {len(row)} fields, expected {len(header)}; "
                "the file is truncated or damaged, download it again"
            )
    return pd.DataFrame(rows, columns=[c.strip() for c in header])


def _lines(table: pd.DataFrame, what: str) -> pd.DataFrame:
    """The issuer table in the common lines layout, with a set-aside reason per line."""
    weight_column = next((c for c in WEIGHT_COLUMNS if c in table.columns), None)
    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if weight_column is None:
        missing.append(" or ".join(WEIGHT_COLUMNS))
    if missing:
        raise DataError(f"{what} lacks columns {', '.join(missing)}: not an iShares holdings file")
    blank = pd.Series("", index=table.index)
    ticker = table["Ticker"].str.strip()
    asset_class = table["Asset Class"].str.strip()
    unlisted = table.get("Exchange", blank).str.upper().str.startswith("NO MARKET")
    return pd.DataFrame(
        {
            "issuer_ticker": ticker,
            "name": table["Name"].str.strip(),
            "sector": table.get("Sector", blank).str.strip(),
            "asset_class": asset_class,
            "weight": to_numbers(table[weight_column]) / 100,
            "market_value": to_numbers(table.get("Market Value", blank)),
            "shares": to_numbers(next((table[c] for c in SHARE_COLUMNS if c in table.columns), blank)),
            "reason": np.select(
                [asset_class != "Equity", unlisted, ~is_exchange_symbol(ticker)],
                ["not equity: " + asset_class, UNLISTED, NO_TICKER],
                default="",
            ),
        }
    )


def _as_of(text: str | None, what: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.datetime.strptime(text, "%b %d, %Y").date()
    except ValueError:
        raise DataError(f'{what}: unreadable date "{AS_OF_LABEL},{printable(text)}"; expected e.g. "Nov 05, 2025"') from None
