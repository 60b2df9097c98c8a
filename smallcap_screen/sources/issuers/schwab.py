"""Schwab: the "Export All Holdings" CSV linked from the fund's product page → :class:`Holdings`.

The CSV's name carries its date (``.../product_files/SCHA/SCHA_FundHoldings_2026-09-17.CSV``), so
it is found through the link on ``https://www.schwabassetmanagement.com/products/{ticker}``. The
file: a header line ``As-Of-Date,Symbol,Quantity,Percent of Assets,Name,BBG FIGI,Country,Currency,
Exchange,Exchange (fx) Rate,Market Currency,Sector``, one line per holding (ISO dates, plain
numbers with ten decimals, ``Percent of Assets`` in percent), CRLF line ends, then quoted
disclaimer lines. Cash is ``Symbol=USD, Name=US DOLLAR``; futures have no symbol. No market values.

No real download is among our samples. The format is as seen in public code: the research notes
and test fixtures of daggerok/Schwab (endpoint table, the header above, cash and futures rows,
the disclaimer trailer, the product page's ``Export All Holdings`` link).
"""

from __future__ import annotations

import csv
import datetime as dt
import re

import pandas as pd

from ...errors import DataError, printable
from ...model import Holdings
from ..parsing import build_holdings, decode_text, reject_unusable, set_aside_reason, to_numbers
from .base import Downloaded, latest_only

NAME = "schwab"
LABEL = "Schwab"
HOME = "https://www.schwabassetmanagement.com"
FORMAT = "CSV"
PAGE_PATH = "/products/{ticker}"
HEADER_START = "As-Of-Date,Symbol,Quantity,Percent of Assets"
REQUIRED_COLUMNS = ("As-Of-Date", "Symbol", "Percent of Assets", "Name")
_EXPORT_LINK = re.compile(r'href="([^"]*/product_files/[^"]*_FundHoldings_[^"]*\.CSV)"', re.IGNORECASE)
_FILE_NAME = re.compile(r"(?:^|[/\\])([A-Za-z]+)_FundHoldings_\d{4}-\d{2}-\d{2}\.CSV$", re.IGNORECASE)


def download(fund, client, base_url: str, as_of: dt.date | None) -> Downloaded:
    """Two requests: the product page for the dated export link, then the CSV it names."""
    latest_only(fund, LABEL, as_of)
    base = base_url.rstrip("/")
    page = client.get(base + PAGE_PATH.format(ticker=fund.ticker.lower()))
    found = _EXPORT_LINK.search(decode_text(page.body))
    if found is None:
        raise DataError(
            f"the Schwab page of {fund.ticker} ({page.url}) links no holdings export: the site changed or sent "
            "a bot check; try later or pass a saved holdings file"
        )
    link = found.group(1)
    fetched = client.get(link if link.startswith("http") else base + link, expect=FORMAT)
    return Downloaded(fetched.body, fetched.url)


def recognises(content: bytes) -> bool:
    return decode_text(content[:1024]).lstrip().startswith(HEADER_START)


def parse(content: bytes, *, fund: str | None = None, source: str = "") -> Holdings:
    """Parse a holdings export. ``fund`` defaults to the ticker in the file name, else "".

    Raises DataError for an HTML page, a missing header, a line with the wrong number of fields,
    or a file that ends without its disclaimer (cut off).
    """
    what = source or "Schwab holdings export"
    reject_unusable(content, what)
    lines = decode_text(content).splitlines()
    try:
        header, *rows = csv.reader(lines, strict=True)
    except (csv.Error, ValueError):
        raise DataError(f"{what}: a line ends inside a quoted field; the file is truncated, download it again") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise DataError(f"{what} lacks columns {', '.join(missing)}: not a Schwab holdings export")
    table_rows = []
    for number, row in enumerate(rows, start=2):
        if len(row) == 1:  # the quoted disclaimer lines after the table
            break
        if len(row) != len(header):
            raise DataError(f"{what}: line {number} has {len(row)} fields, expected {len(header)}; the file is truncated or damaged, download it again")
        table_rows.append(row)
    else:
        raise DataError(f"{what} ends inside the holdings table (no disclaimer follows); it is truncated, download it again")
    table = pd.DataFrame(table_rows, columns=header)
    ticker = table["Symbol"].str.strip()
    name = table["Name"].str.strip()
    frame = pd.DataFrame(
        {
            "issuer_ticker": ticker,
            "name": name,
            "sector": table["Sector"].str.strip() if "Sector" in table else "",
            "asset_class": "",  # the export does not say
            "weight": to_numbers(table["Percent of Assets"]) / 100,
            "market_value": float("nan"),
            "shares": to_numbers(table["Quantity"]) if "Quantity" in table else float("nan"),
            "reason": set_aside_reason(ticker, name),  # cash is named "US DOLLAR"
        }
    )
    named = _FILE_NAME.search(source)
    return build_holdings(
        frame,
        fund=fund or (named.group(1).upper() if named else ""),
        as_of=_as_of(table["As-Of-Date"].iloc[0] if len(table) else "", what),
        source=source,
        what=what,
    )


def _as_of(text: str, what: str) -> dt.date | None:
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise DataError(f"{what}: unreadable As-Of-Date '{printable(text)}'; expected e.g. 2026-09-17") from None
