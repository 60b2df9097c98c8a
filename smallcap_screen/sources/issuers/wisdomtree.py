"""WisdomTree: the site's JSON holdings API, found through the fund page → :class:`Holdings`.

``GET https://www.wisdomtree.com/api/fund-holdings/{wtClassID}`` answers a JSON array, one record per
line: ``dt`` (as-of, "2026-08-27" or "2026-07-08T00:00:00.000Z"), ``wtClassID``, ``fundTicker``,
``assetGroup`` ("EQ" for stocks, "CA" for cash), ``securityTicker`` (Bloomberg style with the
exchange code, "NVDA UQ", or plain "GOOG"; null on cash lines), ``securityName``, ``sectorName``,
``shares``, ``marketValueBase``, ``wgt`` (a fraction; the lines sum to 1) and ``figi``. The class id
is not published anywhere else: it is read from the fund page
``https://www.wisdomtree.com/us/products/{asset class}/{ticker}`` (the fund table's ``issuer_id``,
``equity/des``), where it appears as ``"wtClassID":1000518`` (escaped inside script strings).

No real answer is among our samples. The format is as seen in public code: a Go client's record
type and research notes on this API (fields above, cash rows without ticker, ``wgt`` a fraction,
class id regex on the page; EZM's id is 1000518), and a TypeScript stand-in whose DGRW payload
has a ``"US DOLLAR"`` cash row with assetGroup "CA". The site sits behind a bot shield
(../shared/notes/data-sources.md), so HTML answers are expected now and then.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd

from ...errors import DataError, printable
from ...model import Holdings
from ..parsing import CASH_OR_DERIVATIVE, build_holdings, decode_text, reject_unusable, set_aside_reason, to_numbers
from .base import Downloaded, latest_only

NAME = "wisdomtree"
LABEL = "WisdomTree"
HOME = "https://www.wisdomtree.com"
FORMAT = "JSON"
PAGE_PATH = "/us/products/{page}"
API_PATH = "/api/fund-holdings/{class_id}"
_CLASS_ID = re.compile(r'wtClassID\\?":\s*(\d{5,10})')
#: Bloomberg exchange codes after a space: "NVDA UQ" (Nasdaq), "MSFT US", "IBM UN" (NYSE).
_EXCHANGE_CODE = re.compile(r"\s+[A-Z]{2}$")
EQUITY_GROUP = "EQ"


def download(fund, client, base_url: str, as_of: dt.date | None) -> Downloaded:
    """Two requests: the fund page for its class id, then the holdings API for that id."""
    latest_only(fund, LABEL, as_of)
    if not fund.issuer_id:
        raise DataError(f"the fund table gives no WisdomTree page for {fund.ticker}; pass a holdings file instead")
    base = base_url.rstrip("/")
    page = client.get(base + PAGE_PATH.format(page=fund.issuer_id.strip("/")))
    found = _CLASS_ID.search(decode_text(page.body))
    if found is None:
        raise DataError(
            f"the WisdomTree page of {fund.ticker} ({page.url}) names no wtClassID: the site changed or sent a "
            "bot check; try later or pass a saved holdings file"
        )
    fetched = client.get(base + API_PATH.format(class_id=found.group(1)), expect=FORMAT)
    return Downloaded(fetched.body, fetched.url)


def recognises(content: bytes) -> bool:
    """A JSON array of records with ``wtClassID`` and ``wgt``."""
    head = decode_text(content[:4096]).lstrip()
    return head.startswith("[") and '"wtClassID"' in head and '"wgt"' in head


def parse(content: bytes, *, fund: str | None = None, source: str = "") -> Holdings:
    """Parse a holdings answer. ``fund`` defaults to ``fundTicker`` without its exchange code.

    Lines whose assetGroup is not "EQ" (cash, futures) and lines without a listed ticker are set
    aside; equity weights are recomputed from ``marketValueBase`` when every line has one.
    Raises DataError for an HTML page, invalid JSON or an array without holdings records.
    """
    what = source or "WisdomTree holdings answer"
    reject_unusable(content, what, expected="WisdomTree holdings JSON")
    try:
        records = pd.DataFrame(json.loads(decode_text(content)))
    except (ValueError, TypeError):
        raise DataError(f"{what} is not a JSON array of holdings; it is damaged or truncated, download it again") from None
    missing = [c for c in ("securityName", "wgt", "assetGroup") if c not in records.columns]
    if records.empty or missing:
        raise DataError(f"{what}: no holdings records (missing {', '.join(missing) or 'rows'}): not a WisdomTree holdings answer")
    ticker = records.get("securityTicker", pd.Series("", index=records.index)).fillna("").astype(str).str.strip()
    ticker = ticker.str.replace(_EXCHANGE_CODE, "", regex=True)
    name = records["securityName"].fillna("").astype(str).str.strip()
    group = records["assetGroup"].fillna("").astype(str).str.strip()
    reason = set_aside_reason(ticker, name).where(group == EQUITY_GROUP, CASH_OR_DERIVATIVE)
    lines = pd.DataFrame(
        {
            "issuer_ticker": ticker,
            "name": name,
            "sector": records["sectorName"].fillna("").astype(str) if "sectorName" in records else "",
            "asset_class": group,
            "weight": to_numbers(records["wgt"]),
            "market_value": to_numbers(records["marketValueBase"]) if "marketValueBase" in records else float("nan"),
            "shares": to_numbers(records["shares"]) if "shares" in records else float("nan"),
            "reason": reason,
        }
    )
    fund_ticker = str(records["fundTicker"].iloc[0]) if "fundTicker" in records else ""
    return build_holdings(
        lines,
        fund=fund or _EXCHANGE_CODE.sub("", fund_ticker.strip()),
        as_of=_as_of(records["dt"].iloc[0] if "dt" in records else None, what),
        source=source,
        what=what,
    )


def _as_of(text: object, what: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(str(text).removeprefix("$D")[:10])
    except ValueError:
        raise DataError(f"{what}: unreadable date dt='{printable(text)}'; expected e.g. 2026-08-27") from None
