"""Derived holdings lists ``window.ETF_HOLDINGS['IJR'] = [...]`` → :class:`Holdings`.

Not an issuer format: a script turned issuer downloads into a JSON array of
``{ticker, name, sector, country, weight}`` (weight in percent, rounded to 0.01) inside a
one-line JavaScript assignment. The files state no date and carry no prices, and some do not
sum to 100%: VB's sums to 98.63%, the rest of the fund is not in the list.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd

from ..errors import DataError
from ..model import Holdings
from .parsing import build_holdings, decode_text, reject_unusable, set_aside_reason, to_numbers

#: Weights of a whole list sum to 100% but for rounding (each to 0.01%: over 1,300 lines about
#: 0.1% either way); a shortfall beyond this is fund weight the list leaves out, set aside as such.
MISSING_WEIGHT = 0.002

_ASSIGNMENT = re.compile(r"window\.ETF_HOLDINGS\[\s*['\"]([^'\"]+)['\"]\s*\]\s*=\s*(\[.*\])\s*;?\s*$", re.DOTALL)


def parse_xray_js(
    content: bytes, *, fund: str | None = None, source: str = "", as_of: dt.date | None = None
) -> Holdings:
    """Parse a derived ``window.ETF_HOLDINGS[...]`` file; ``fund`` defaults to the key in brackets.

    Cash, money-market, collateral and futures lines (by name: "USD CASH", "BLK CSH FND ...",
    "... EMINI ...") and lines without an exchange ticker are set aside. The sector label is
    not used for this, because these lists tag some real stocks "Cash and/or Derivatives".
    """
    what = source or "holdings list"
    reject_unusable(content, what)
    match = _ASSIGNMENT.search(decode_text(content))
    if match is None:
        raise DataError(f"{what} has no window.ETF_HOLDINGS[...] = [...] assignment: not a derived holdings list")
    try:
        records = pd.DataFrame(json.loads(match.group(2)))
    except (ValueError, TypeError):
        raise DataError(f"{what}: the holdings array is not valid JSON; the file is truncated or damaged") from None
    missing = [c for c in ("ticker", "name", "weight") if c not in records.columns]
    if missing:
        raise DataError(f"{what}: holdings records lack {', '.join(missing)}")
    ticker, name = (records[c].fillna("").astype(str).str.strip() for c in ("ticker", "name"))
    lines = pd.DataFrame(
        {
            "issuer_ticker": ticker,
            "name": name,
            "sector": records["sector"].fillna("").astype(str) if "sector" in records else "",
            "asset_class": "",  # the lists do not say
            "weight": to_numbers(records["weight"]) / 100,
            "market_value": float("nan"),
            "shares": float("nan"),
            "reason": set_aside_reason(ticker, name),
        }
    )
    missing_weight = 1.0 - lines["weight"].sum()
    if missing_weight > MISSING_WEIGHT:
        reason = f"not in the list: its weights sum to {1 - missing_weight:.2%}"
        remainder = {"issuer_ticker": "", "name": "(not in the list)", "sector": "", "asset_class": "", "weight": missing_weight,
                     "market_value": float("nan"), "shares": float("nan"), "reason": reason}
        lines = pd.concat([lines, pd.DataFrame([remainder])], ignore_index=True)
    return build_holdings(lines, fund=fund or match.group(1), as_of=as_of, source=source, what=what)
