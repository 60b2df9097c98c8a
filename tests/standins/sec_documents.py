"""Made-up SEC documents in the SEC's real layouts, for stand-ins that must know many companies.

The committed real companyfacts excerpts (tests/fixtures/sec) cover a handful of companies; a
backfill of whole funds needs one document per holding. These are synthetic, and say so: each
company gets a CIK counted from ``FIRST_CIK`` and quarterly diluted EPS (10-Q) plus a full
year (10-K) in the ``companyfacts`` layout, filed 40 days after each quarter ends.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from typing import Iterable

FIRST_CIK = 9_000_001
COMPANY_TICKERS = "/files/company_tickers.json"


def facts_path(cik: int) -> str:
    return f"/api/xbrl/companyfacts/CIK{cik:010d}.json"


def company_tickers(ciks: dict[str, int]) -> bytes:
    """``company_tickers.json``: {"0": {"cik_str", "ticker", "title"}, ...}."""
    rows = {str(i): {"cik_str": cik, "ticker": ticker, "title": f"{ticker} INC"} for i, (ticker, cik) in enumerate(sorted(ciks.items()))}
    return json.dumps(rows).encode()


def quarter_eps(ticker: str, quarter_end: dt.date) -> float:
    """A made-up diluted EPS of one quarter: fixed per ticker and quarter (some losses)."""
    seed = zlib.crc32(f"{ticker}{quarter_end}".encode())
    return round((seed % 400 - 60) / 100, 2)


def quarter_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """Calendar quarter ends from the first of the year before ``first`` to the last before ``last``."""
    ends = []
    for year in range(first.year - 1, last.year + 1):
        ends += [dt.date(year, 3, 31), dt.date(year, 6, 30), dt.date(year, 9, 30), dt.date(year, 12, 31)]
    return [end for end in ends if end <= last]


def companyfacts(cik: int, ticker: str, quarters: Iterable[tuple[dt.date, float]], *, filed_after: int = 40) -> bytes:
    """A ``companyfacts`` document: each quarter's 3-month diluted EPS and the year to date filed on
    a 10-Q (a 10-K for the fourth, which reports the year: FY = the four quarters' sum, and no
    3-month value)."""
    facts = []
    by_year: dict[int, list[tuple[dt.date, float]]] = {}
    for end, eps in quarters:
        start = dt.date(end.year, end.month - 2, 1)
        filed = end + dt.timedelta(days=filed_after)
        fiscal_quarter = (end.month - 1) // 3 + 1
        by_year.setdefault(end.year, []).append((end, eps))
        base = {"accn": f"{cik:010d}-{end:%y%m%d}", "fy": end.year, "filed": filed.isoformat(), "frame": f"CY{end.year}Q{fiscal_quarter}"}
        if fiscal_quarter < 4:
            facts.append({"start": start.isoformat(), "end": end.isoformat(), "val": eps, "form": "10-Q", "fp": f"Q{fiscal_quarter}", **base})
            if fiscal_quarter > 1:  # the year to date beside the quarter, as 10-Qs report it
                to_date = round(sum(v for _, v in by_year[end.year]), 2)
                facts.append({"start": dt.date(end.year, 1, 1).isoformat(), "end": end.isoformat(), "val": to_date, "form": "10-Q", "fp": f"Q{fiscal_quarter}", **{**base, "frame": ""}})
        elif len(by_year[end.year]) == 4:
            year = by_year[end.year]
            facts.append({"start": dt.date(end.year, 1, 1).isoformat(), "end": end.isoformat(), "val": round(sum(v for _, v in year), 2), "form": "10-K", "fp": "FY", **{**base, "frame": f"CY{end.year}"}})
    document = {
        "cik": cik,
        "entityName": f"{ticker} INC",
        "facts": {"us-gaap": {"EarningsPerShareDiluted": {"label": "Earnings Per Share, Diluted", "units": {"USD/shares": facts}}}},
    }
    return json.dumps(document, separators=(",", ":")).encode()


def sec_site(tickers: Iterable[str], first: dt.date, last: dt.date, *, leave_out: Iterable[str] = ()) -> tuple[dict[str, bytes], dict[str, int]]:
    """Documents for a SecStandIn knowing ``tickers`` (but ``leave_out``), with EPS of every
    quarter from before ``first`` to ``last``; and the CIK of each ticker."""
    left_out = set(leave_out)
    ciks = {t: FIRST_CIK + i for i, t in enumerate(sorted(set(tickers) - left_out))}
    ends = quarter_ends(first, last)
    documents = {COMPANY_TICKERS: company_tickers(ciks)}
    for ticker, cik in ciks.items():
        documents[facts_path(cik)] = companyfacts(cik, ticker, [(end, quarter_eps(ticker, end)) for end in ends])
    return documents, ciks
