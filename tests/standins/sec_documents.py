"""Made-up SEC documents in the SEC's real layouts, for stand-ins that must know many companies.

The committed real companyfacts excerpts (tests/fixtures/sec) cover a handful of companies; a
backfill of whole funds needs one document per holding. These are synthetic, and say so: each
company gets a CIK counted from ``FIRST_CIK`` and quarterly diluted EPS (10-Q) plus a full
year (10-K) in the ``companyfacts`` layout, filed on a business day 35 to 54 days (fixed per
ticker) after each quarter ends; and the SEC's daily master index of each business day, listing
those filings (``daily_index``).
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


def filed_on(ticker: str, quarter_end: dt.date) -> dt.date:
    """When the made-up company files a quarter: 35-54 days after it ended (fixed per ticker),
    moved to the next business day as EDGAR dates filings."""
    day = quarter_end + dt.timedelta(days=35 + zlib.crc32(ticker.encode()) % 20)
    return day + dt.timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)


def daily_index(day: dt.date, filings: Iterable[tuple[int, str, str]], *, filler: int = 0) -> bytes:
    """The SEC's daily master index of ``day`` (its layout) listing ``filings`` (cik, ticker,
    form), then ``filler`` made-up lines of forms a backfill ignores (Form 4, 8-K), as real
    indexes list 3,000-6,000 filings a day."""
    lines = [
        "Description:           Daily Index of EDGAR Dissemination Feed by Company Name",
        f"Last Data Received:    {day:%b %d, %Y}", "Comments:              webmaster@sec.gov",
        "Anonymous FTP:         ftp://ftp.sec.gov/edgar/", " ", " ", " ",
        "CIK|Company Name|Form Type|Date Filed|File Name",
        "-" * 80,
    ]
    for cik, ticker, form in filings:
        lines.append(f"{cik}|{ticker} INC|{form}|{day:%Y%m%d}|edgar/data/{cik}/{cik:010d}-{day:%y}-{day:%m%d}00.txt")
    for n in range(filler):
        lines.append(f"{1_000_000 + n}|FILLER HOLDINGS {n} LLC|{'4' if n % 3 else '8-K'}|{day:%Y%m%d}|edgar/data/{1_000_000 + n}/0001209191-{day:%y}-{n:06d}.txt")
    return ("\n".join(lines) + "\n").encode("latin-1")


def daily_index_path(day: dt.date) -> str:
    return f"/Archives/edgar/daily-index/{day.year}/QTR{(day.month - 1) // 3 + 1}/master.{day:%Y%m%d}.idx"


def quarter_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """Calendar quarter ends from the first of the year before ``first`` to the last before ``last``."""
    ends = []
    for year in range(first.year - 1, last.year + 1):
        ends += [dt.date(year, 3, 31), dt.date(year, 6, 30), dt.date(year, 9, 30), dt.date(year, 12, 31)]
    return [end for end in ends if end <= last]


def companyfacts(cik: int, ticker: str, quarters: Iterable[tuple[dt.date, float]]) -> bytes:
    """A ``companyfacts`` document: each quarter's 3-month diluted EPS and the year to date filed on
    a 10-Q (a 10-K for the fourth, which reports the year: FY = the four quarters' sum, and no
    3-month value)."""
    facts = []
    by_year: dict[int, list[tuple[dt.date, float]]] = {}
    for end, eps in quarters:
        start = dt.date(end.year, end.month - 2, 1)
        filed = filed_on(ticker, end)
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
    by_day: dict[dt.date, list[tuple[int, str, str]]] = {}
    for ticker, cik in ciks.items():
        documents[facts_path(cik)] = companyfacts(cik, ticker, [(end, quarter_eps(ticker, end)) for end in ends])
        for end in ends:
            by_day.setdefault(filed_on(ticker, end), []).append((cik, ticker, "10-K" if end.month == 12 else "10-Q"))
    day = first
    while day <= last:  # every business day has an index, most list none of these companies
        if day.weekday() < 5:
            documents[daily_index_path(day)] = daily_index(day, by_day.get(day, []))
        day += dt.timedelta(days=1)
    return documents, ciks
