"""Who is who at the SEC: a company's CIK from its ticker, a fund's CIK, series and class.

Both come from the SEC's ticker files on www.sec.gov, which list **current** tickers only:

- ``files/company_tickers.json``: ``{"0": {"cik_str": 320193, "ticker": "AAPL", "title": ...}}``,
  share classes written with a dash (``BRK-B``), the spelling ``tickers.to_yahoo`` gives, so
  holdings tickers go through ``to_yahoo`` first (iShares' ``BRKB`` → ``BRK-B``);
- ``files/company_tickers_mf.json``: ``{"fields": ["cik", "seriesId", "classId", "symbol"],
  "data": [[...], ...]}``, one row per share class of every registered fund.

What the company file cannot say is covered by :data:`TICKER_ALIASES`, a table of spellings that
holdings files use but the SEC's file does not list, each mapped to a ticker of the same company
that it does list (so to the same CIK). The file's own tickers always win: an alias only fills a
ticker the file lacks, because a former ticker may since have been given to another company.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...errors import DataError, UnknownFundError, printable
from .client import SecClient

COMPANY_TICKERS_PATH = "/files/company_tickers.json"
FUND_TICKERS_PATH = "/files/company_tickers_mf.json"

#: Tickers holdings use that the SEC's company file lacks → a ticker of the same company it has.
TICKER_ALIASES: dict[str, str] = {
    # Share classes the file leaves out while listing a sibling class of the same CIK.
    "CWEN-A": "CWEN",  # Clearway Energy, Class A beside Class C
    # Renamed tickers (same company, same CIK): what holdings files of past years say.
    "FB": "META",  # Meta Platforms, June 2022
    "ANTM": "ELV",  # Anthem → Elevance Health, June 2022
    "WLTW": "WTW",  # Willis Towers Watson, January 2022
    "PKI": "RVTY",  # PerkinElmer → Revvity, May 2023
    "FISV": "FI",  # Fiserv, June 2023
    "RE": "EG",  # Everest Re → Everest Group, July 2023
    "ABC": "COR",  # AmerisourceBergen → Cencora, August 2023
    "CDAY": "DAY",  # Ceridian → Dayforce, February 2024
    "PEAK": "DOC",  # Healthpeak, March 2024
    "FLT": "CPAY",  # FleetCor → Corpay, March 2024
}


@dataclass(frozen=True)
class FundIdentity:
    """A fund share class as the SEC knows it: the trust's CIK, the fund's series and its class."""

    ticker: str
    cik: int
    series_id: str
    class_id: str


def company_ciks(client: SecClient) -> dict[str, int]:
    """Ticker → CIK for every company in the SEC's ticker file, plus :data:`TICKER_ALIASES`.

    Tickers are in the SEC's (and Yahoo's) spelling, upper case: ``BRK-B``. DataError if the file
    is not in the expected layout.
    """
    document = client.get_json(client.www_url + COMPANY_TICKERS_PATH)
    rows = document.values() if isinstance(document, dict) else None
    ciks: dict[str, int] = {}
    try:
        for row in rows or ():
            ticker = str(row["ticker"]).strip().upper()
            if ticker and ticker not in ciks:  # a ticker listed twice keeps its first row
                ciks[ticker] = int(row["cik_str"])
    except (KeyError, TypeError, ValueError):
        ciks = {}
    if not ciks:
        raise DataError(f"{COMPANY_TICKERS_PATH} from {client.www_url} is not the SEC's company ticker list; try again later")
    for alias, ticker in TICKER_ALIASES.items():
        if alias not in ciks and ticker in ciks:
            ciks[alias] = ciks[ticker]
    return ciks


def fund_identities(client: SecClient) -> dict[str, FundIdentity]:
    """Ticker → :class:`FundIdentity` for every fund share class in the SEC's fund ticker file."""
    document: Any = client.get_json(client.www_url + FUND_TICKERS_PATH)
    funds: dict[str, FundIdentity] = {}
    try:
        columns = {name: i for i, name in enumerate(document["fields"])}
        cik, series, share_class, symbol = (columns[n] for n in ("cik", "seriesId", "classId", "symbol"))
        for row in document["data"]:
            ticker = str(row[symbol] or "").strip().upper()
            if ticker and ticker not in funds:
                funds[ticker] = FundIdentity(ticker, int(row[cik]), str(row[series] or ""), str(row[share_class] or ""))
    except (KeyError, TypeError, ValueError, IndexError):
        funds = {}
    if not funds:
        raise DataError(f"{FUND_TICKERS_PATH} from {client.www_url} is not the SEC's fund ticker list; try again later")
    return funds


def fund_identity(client: SecClient, ticker: str) -> FundIdentity:
    """The SEC identity of the fund with ``ticker``; UnknownFundError if the SEC lists no such fund."""
    wanted = ticker.strip().upper()
    found = fund_identities(client).get(wanted)
    if found is None:
        raise UnknownFundError(
            f"{printable(ticker)} is not in the SEC's list of fund tickers ({FUND_TICKERS_PATH}); check the ticker"
        )
    return found
