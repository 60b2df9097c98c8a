"""Vanguard: the ETF profile page's JSON holdings API, read page by page → :class:`Holdings`.

``GET https://investor.vanguard.com/investment-products/etfs/profile/api/{TICKER}/portfolio-holding/stock?start=1&count=500``
answers ``{"size": N, "asOfDate": "2026-05-31T00:00:00-04:00", "fund": {"entity": [...]}}``: ``size``
holdings in all, ``count`` per page from the 1-based ``start``. Each entity has ``ticker``,
``longName``/``shortName``, ``percentWeight`` (a percent as a string, "6.70"), ``marketValue``,
``sharesHeld`` (a number as a string), ``isin``, ``cusip``, ``sedol``, ``secMainType``. Only
stocks are listed (no cash lines). Dotted share classes (BRK.B).

No real download is among our samples. The format is as seen in public code: the field list of
``HoldingRow`` in sbquinlan/etf-holdings src/vanguard_types.ts, and test payloads and adapters
calling this API (``size``, ``asOfDate``, 1-based ``start``, at most 500 per page). Vanguard was
reported to answer HTML pages at times in 2026 (../shared/notes/data-sources.md).

The pages of one download are joined into one body of the same shape (all entities under
``fund.entity``), so a cached or saved download parses like a one-page answer; a body holding
fewer entities than its ``size`` says is refused as truncated.

A user may also bring the CSV that Vanguard's web site offers ("Holdings details", the fund as
"S&P 500 ETF (VOO)", ``Equity,as of 09/30/2025``, then the header ``,SEDOL,HOLDINGS,TICKER,% OF
FUNDS*,SUB-INDUSTRY,COUNTRY,...,MARKET VALUE*,SHARES`` with weights like "7.94%"). That layout is
as described in public code (a CSV-parser guide with VOO and VT files, and R code reading VT's
file of 2020); no sample of its rows is at hand, so numbers are read leniently ("$1,234", "7.94%").
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re

import pandas as pd

from ...errors import DataError, printable
from ...model import Holdings
from ..parsing import build_holdings, decode_text, reject_unusable, set_aside_reason, to_numbers
from .base import Downloaded, latest_only

NAME = "vanguard"
LABEL = "Vanguard"
HOME = "https://investor.vanguard.com"
FORMAT = "JSON"
API_PATH = "/investment-products/etfs/profile/api/{ticker}/portfolio-holding/stock"
PAGE_SIZE = 500
#: Enough pages for the largest Vanguard fund (VTI, ~3,600 stocks); a guard against a server
#: whose ``size`` never stops growing.
MAX_PAGES = 20


def download(fund, client, base_url: str, as_of: dt.date | None) -> Downloaded:
    """Every page of the fund's holdings, joined into one JSON body."""
    latest_only(fund, LABEL, as_of)
    url = base_url.rstrip("/") + API_PATH.format(ticker=fund.ticker.upper())
    what = f"Vanguard {fund.ticker} holdings"
    entities: list = []
    first: dict = {}
    for page in range(MAX_PAGES):
        start = 1 + page * PAGE_SIZE
        fetched = client.get(f"{url}?start={start}&count={PAGE_SIZE}", expect=FORMAT)
        answer = _load(fetched.body, f"{what} (page from {start})")
        first = first or answer
        page_entities = answer["fund"]["entity"]
        entities.extend(page_entities)
        if len(entities) >= answer["size"] or not page_entities:
            break
    body = {**first, "fund": {**first["fund"], "entity": entities}}
    return Downloaded(json.dumps(body).encode(), f"{url}?start=1&count={PAGE_SIZE}")


CSV_HEADER_MARK = ",SEDOL,HOLDINGS,TICKER,"
_CSV_FUND = re.compile(r"\(([A-Z]{1,6})\)\s*$")
_CSV_AS_OF = re.compile(r"as of (\d{2}/\d{2}/\d{4})")


def recognises(content: bytes) -> bool:
    """A JSON object whose ``fund.entity`` list holds ``percentWeight`` records, or the web site's
    CSV ("Holdings details" ... ``,SEDOL,HOLDINGS,TICKER,``)."""
    head = decode_text(content[:4096]).lstrip()
    if head.startswith("Holdings details") or CSV_HEADER_MARK in head:
        return True
    return head.startswith("{") and '"entity"' in head and '"percentWeight"' in decode_text(content[:65536])


def parse(content: bytes, *, fund: str | None = None, source: str = "") -> Holdings:
    """Parse a (joined) holdings answer. ``fund`` defaults to "" (the answer does not name it).

    Raises DataError for an HTML page, invalid JSON, a missing ``fund.entity`` list, or fewer
    entities than ``size`` (a page was lost).
    """
    what = source or "Vanguard holdings answer"
    if not decode_text(content[:64]).lstrip().startswith(("{", "[")) and recognises(content):
        return _parse_csv(content, fund=fund, source=source, what=what)
    answer = _load(content, what)
    records = pd.DataFrame(answer["fund"]["entity"])
    if len(records) < answer["size"]:
        raise DataError(f"{what} holds {len(records)} of the {answer['size']} holdings it announces: a page is missing, download it again")
    missing = [c for c in ("ticker", "percentWeight") if c not in records.columns]
    if missing:
        raise DataError(f"{what}: holdings records lack {', '.join(missing)}: not a Vanguard holdings answer")
    ticker = records["ticker"].fillna("").astype(str).str.strip()
    name = _column(records, "longName").where(_column(records, "longName") != "", _column(records, "shortName"))
    lines = pd.DataFrame(
        {
            "issuer_ticker": ticker,
            "name": name,
            "sector": "",  # the API gives security types, not sectors
            "asset_class": _column(records, "secMainType"),
            "weight": to_numbers(records["percentWeight"]) / 100,
            "market_value": to_numbers(records["marketValue"]) if "marketValue" in records else float("nan"),
            "shares": to_numbers(records["sharesHeld"]) if "sharesHeld" in records else float("nan"),
            "reason": set_aside_reason(ticker, name),
        }
    )
    return build_holdings(lines, fund=fund or "", as_of=_as_of(answer.get("asOfDate"), what), source=source, what=what)


def _parse_csv(content: bytes, *, fund: str | None, source: str, what: str) -> Holdings:
    """The web site's holdings CSV: preamble lines, the header, rows up to the first blank line."""
    lines = decode_text(content).splitlines()
    header_at = next((i for i, line in enumerate(lines) if line.startswith(CSV_HEADER_MARK)), None)
    if header_at is None:
        raise DataError(f"{what} has no ',SEDOL,HOLDINGS,TICKER,...' header line: it is truncated or not a Vanguard holdings file")
    preamble = lines[:header_at]
    end = next((i for i in range(header_at + 1, len(lines)) if not lines[i].strip(" ,\t")), len(lines))
    try:
        header, *rows = csv.reader(lines[header_at:end], strict=True)
    except csv.Error:
        raise DataError(f"{what}: a line ends inside a quoted field; the file is truncated, download it again") from None
    header = [h.strip().rstrip("*").strip().upper() for h in header]
    rows = [row for row in rows if len(row) == len(header)]
    if not rows:
        raise DataError(f"{what} lists no holdings under its header: it is truncated, download it again")
    table = pd.DataFrame(rows, columns=header)
    ticker = table["TICKER"].str.strip()
    name = table["HOLDINGS"].str.strip()
    money = {c: to_numbers(table[c].str.replace("$", "", regex=False)) for c in ("MARKET VALUE", "SHARES") if c in table}
    lines_frame = pd.DataFrame(
        {
            "issuer_ticker": ticker,
            "name": name,
            "sector": table.get("SUB-INDUSTRY", table.get("SECTOR", pd.Series("", index=table.index))).str.strip(),
            "asset_class": "",
            "weight": to_numbers(table["% OF FUNDS"]),  # "7.94%" reads as 0.0794
            "market_value": money.get("MARKET VALUE", float("nan")),
            "shares": money.get("SHARES", float("nan")),
            "reason": set_aside_reason(ticker, name),
        }
    )
    named = next((m.group(1) for line in preamble if (m := _CSV_FUND.search(line.strip().strip('",')))), "")
    dated = next((m.group(1) for line in preamble if (m := _CSV_AS_OF.search(line))), None)
    as_of = dt.datetime.strptime(dated, "%m/%d/%Y").date() if dated else None
    return build_holdings(lines_frame, fund=fund or named, as_of=as_of, source=source, what=what)


def _load(content: bytes, what: str) -> dict:
    reject_unusable(content, what, expected="Vanguard holdings JSON")
    try:
        answer = json.loads(decode_text(content))
        entities = answer["fund"]["entity"]
        size = int(answer.get("size", len(entities)))
    except (ValueError, TypeError, KeyError, AttributeError):
        raise DataError(f"{what} is not Vanguard holdings JSON (no fund.entity list); it is damaged or truncated, download it again") from None
    if not isinstance(entities, list):
        raise DataError(f"{what}: fund.entity is not a list of holdings")
    return {**answer, "size": size}


def _column(records: pd.DataFrame, name: str) -> pd.Series:
    if name not in records:
        return pd.Series("", index=records.index)
    return records[name].fillna("").astype(str).str.strip()


def _as_of(text: object, what: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        raise DataError(f"{what}: unreadable asOfDate '{printable(text)}'; expected e.g. 2026-05-31T00:00:00-04:00") from None
