"""SSGA / SPDR daily holdings xlsx (``holdings-daily-us-en-{ticker}.xlsx``) → :class:`Holdings`.

Sheet ``holdings``: a few metadata rows (``Fund Name:``, ``Ticker Symbol:``, ``Holdings:`` /
``As of 18-Nov-2025``), a header row ``Name, Ticker, Identifier, SEDOL, Weight, Sector, ...``
whose position shifts, weights in percent, data up to the first blank row, then disclaimers.
The file has no prices or market values. Share classes are dotted (``BRK.B``).

Format seen in the real SPY workbooks of ../shared/data/raw (three dates; SOURCES.md there); the
address is in ../shared/notes/data-sources.md and is the same for every SPDR fund, by ticker.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd

from ...errors import DataError, printable
from ...model import Holdings
from ..input_bounds import ZIP_MAGIC, bounded_rows, check_workbook
from ..parsing import build_holdings, fund_from_name, reject_unusable, set_aside_reason, to_numbers
from .base import Downloaded, first_usable, latest_only

NAME = "ssga"
LABEL = "SPDR"
HOME = "https://www.ssga.com"
FORMAT = "xlsx"
HOLDINGS_PATH = "/us/en/intermediary/library-content/products/fund-data/etfs/us/holdings-daily-us-en-{ticker}.xlsx"
SHEET = "holdings"
REQUIRED_COLUMNS = ("Name", "Ticker", "Weight")
_AS_OF = re.compile(r"As of (\d{1,2}-[A-Za-z]{3}-\d{4})")


def download(fund, client, base_url: str, as_of: dt.date | None) -> Downloaded:
    """The daily workbook (the site redirects once; the client follows). SSGA keeps no past dates."""
    latest_only(fund, LABEL, as_of)
    url = base_url.rstrip("/") + HOLDINGS_PATH.format(ticker=fund.ticker.lower())
    return first_usable(client, [url], expect=FORMAT, what=f"{fund.ticker} holdings")


def recognises(content: bytes) -> bool:
    """An xlsx workbook (a zip archive): the only workbooks among the formats read are SSGA's."""
    return content.startswith(ZIP_MAGIC)


def parse(content: bytes, *, fund: str | None = None, source: str = "") -> Holdings:
    """Parse an SSGA holdings workbook.

    ``fund`` defaults to the ``Ticker Symbol:`` cell, else the registry ticker matching the
    ``Fund Name:`` cell, else "". Cash (``US DOLLAR``, ``CASH_USD``), futures and lines without
    an exchange ticker (``-``, contingent value rights) are set aside; equity weights are
    renormalised to sum 1. Raises DataError when the body is not an xlsx workbook (an HTML
    page, a truncated download) or holds no holdings table.
    """
    # python-calamine (Rust) reads the workbook in about 10 ms; openpyxl took 0.25 s to import and
    # 0.23 s to parse SPY's, most of it on cell styles this parser never looks at.
    from python_calamine import CalamineWorkbook

    what = source or "SSGA holdings workbook"
    reject_unusable(content, what)
    check_workbook(content, what)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_name(SHEET) if SHEET in workbook.sheet_names else workbook.get_sheet_by_index(0)
        rows = bounded_rows(sheet, what)
        workbook.close()
    except DataError:
        raise
    except Exception as error:  # zip, XML and calamine errors all mean "not a usable workbook"
        raise DataError(f"{what} is not a readable xlsx workbook ({type(error).__name__}); download it again") from None
    header_at = next((i for i, row in enumerate(rows) if set(REQUIRED_COLUMNS) <= _cells(row)), None)
    if header_at is None:
        raise DataError(f"{what} has no 'Name, Ticker, Weight' header row: not an SSGA holdings file")
    metadata = {str(row[0]).strip(): row[1] for row in rows[:header_at] if len(row) >= 2 and row[0]}
    fund_name = str(metadata.get("Fund Name:") or "").strip()
    return build_holdings(
        _lines(rows[header_at], _data_rows(rows[header_at + 1 :])),
        fund=fund or str(metadata.get("Ticker Symbol:") or "").strip() or fund_from_name(fund_name),
        as_of=_as_of(metadata.get("Holdings:"), what),
        source=source,
        fund_name=fund_name,
        what=what,
    )


def _cells(row: list) -> set[str]:
    return {str(c).strip() for c in row if c is not None}


def _data_rows(rows: list[list]) -> list[list]:
    """Rows up to the first blank one; the disclaimer text follows it."""
    end = next((i for i, row in enumerate(rows) if all(c is None or str(c).strip() == "" for c in row)), len(rows))
    return rows[:end]


def _lines(header: list, rows: list[list]) -> pd.DataFrame:
    """The sheet's table in the common lines layout, with a set-aside reason per line."""
    columns = [str(c).strip() if c is not None else f"unnamed {i}" for i, c in enumerate(header)]
    table = pd.DataFrame(rows, columns=columns, dtype=object)
    text = {c: table[c].fillna("").astype(str).str.strip() for c in ("Name", "Ticker", "Sector") if c in table}
    return pd.DataFrame(
        {
            "issuer_ticker": text["Ticker"],
            "name": text["Name"],
            "sector": text["Sector"].replace("-", "") if "Sector" in text else "",  # SSGA writes "-" for every line
            "asset_class": "",  # SSGA does not say
            "weight": to_numbers(table["Weight"]) / 100,
            "market_value": float("nan"),
            "shares": to_numbers(table["Shares Held"]) if "Shares Held" in table else float("nan"),
            "reason": set_aside_reason(text["Ticker"], text["Name"]),
        }
    )


def _as_of(cell: object, what: str) -> dt.date | None:
    """The date in an ``As of 18-Nov-2025`` cell."""
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    match = _AS_OF.search(str(cell or ""))
    if match is None:
        return None
    try:
        return dt.datetime.strptime(match.group(1), "%d-%b-%Y").date()
    except ValueError:
        raise DataError(f"{what}: unreadable date '{printable(cell)}'; expected e.g. 'As of 18-Nov-2025'") from None
