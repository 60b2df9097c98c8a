"""Download a fund's full holdings file from its issuer's public site.

iShares: the documented CSV download (``.../1467271812596.ajax?fileType=csv&...``), and when that
answers a web page or an error, the ``latest-holdings.csv`` address beside it. SSGA: the daily
xlsx (the site redirects once; the client follows). The issuers' base URLs are a parameter so
tests can point them at a stand-in server; everyone else uses :data:`ISSUER_BASE_URLS`.
"""

from __future__ import annotations

import datetime as dt
from typing import Mapping

from ..cache import Cache
from ..errors import DataError, NetworkError
from ..model import Holdings
from ..registry import Fund
from .holdings_file import parse_holdings_bytes
from .http import HtmlAnswerError, HttpClient, HttpStatusError

ISSUER_BASE_URLS: Mapping[str, str] = {
    "ishares": "https://www.ishares.com",
    "ssga": "https://www.ssga.com",
}
#: The id of the iShares page component that serves downloads; the same for every fund.
ISHARES_AJAX_ID = "1467271812596"
SSGA_HOLDINGS_PATH = "/us/en/intermediary/library-content/products/fund-data/etfs/us/holdings-daily-us-en-{ticker}.xlsx"
#: Holdings older than this (calendar days) get a note: SSGA lags 1-3 business days, so a week is odd.
STALE_AFTER_DAYS = 7

_FORMATS = {"ishares": "CSV", "ssga": "xlsx"}


def holdings_urls(
    fund: Fund, *, as_of: dt.date | None = None, base_urls: Mapping[str, str] = ISSUER_BASE_URLS
) -> list[str]:
    """Where the issuer publishes the fund's holdings, the preferred address first.

    Only iShares serves past dates; the ``latest-holdings.csv`` fallback is offered only for today.
    """
    base = base_urls[fund.issuer].rstrip("/")
    if fund.issuer == "ishares":
        page = f"{base}/us/products/{fund.product_id}/{fund.slug}"
        documented = f"{page}/{ISHARES_AJAX_ID}.ajax?fileType=csv&fileName={fund.ticker}_holdings&dataType=fund"
        if as_of is not None:
            return [f"{documented}&asOfDate={as_of:%Y%m%d}"]
        return [documented, f"{page}/latest-holdings.csv"]
    if fund.issuer == "ssga":
        if as_of is not None:
            raise DataError(
                f"SSGA publishes only the latest {fund.ticker} holdings; drop the date or pass a saved holdings file"
            )
        return [base + SSGA_HOLDINGS_PATH.format(ticker=fund.ticker.lower())]
    raise DataError(f"no download is known for {fund.ticker} (issuer {fund.issuer!r}); pass a holdings file instead")


def download_holdings_bytes(
    fund: Fund,
    *,
    client: HttpClient | None = None,
    as_of: dt.date | None = None,
    base_urls: Mapping[str, str] = ISSUER_BASE_URLS,
) -> tuple[bytes, str]:
    """The raw holdings file and the URL it was requested from, trying each known address in turn.

    Moves to the next address on an HTML answer or an HTTP error status; an unreachable network
    (NetworkError) ends the attempt at once since the other address is on the same host.
    """
    urls = holdings_urls(fund, as_of=as_of, base_urls=base_urls)
    own_client = client is None
    client = client or HttpClient()
    failures: list[HtmlAnswerError | HttpStatusError] = []
    try:
        for url in urls:
            try:
                return client.get(url, expect=_FORMATS[fund.issuer]).body, url
            except (HtmlAnswerError, HttpStatusError) as failure:
                failures.append(failure)
    finally:
        if own_client:
            client.close()
    if len(failures) == 1:
        raise failures[0]
    summary = "; ".join(str(f) for f in failures)
    error = HtmlAnswerError if all(isinstance(f, HtmlAnswerError) for f in failures) else NetworkError
    raise error(f"no usable {fund.ticker} holdings from any address ({summary}); try later or pass a saved holdings file")


def download_holdings(
    fund: Fund,
    *,
    client: HttpClient | None = None,
    as_of: dt.date | None = None,
    cache: Cache | None = None,
    base_urls: Mapping[str, str] = ISSUER_BASE_URLS,
) -> Holdings:
    """Download (or take from ``cache`` while fresh) and parse a fund's holdings.

    A body is cached only after it parsed, so an empty or broken answer is asked for again next
    time. A cache write failure raises OutputError. Check :func:`freshness_notes` on the result.
    """
    cached = cache.get_holdings(fund.ticker, as_of) if cache is not None else None
    if cached is not None:
        return parse_holdings_bytes(cached.body, fund=fund.ticker, source=cached.url)
    body, url = download_holdings_bytes(fund, client=client, as_of=as_of, base_urls=base_urls)
    holdings = parse_holdings_bytes(body, fund=fund.ticker, source=url)
    if cache is not None:
        cache.put_holdings(fund.ticker, body, url, as_of)
    return holdings


def freshness_notes(
    holdings: Holdings,
    *,
    today: dt.date,
    requested: dt.date | None = None,
    stale_after_days: int = STALE_AFTER_DAYS,
) -> list[str]:
    """Warnings about the holdings' date, for the caller to show: none when all is well."""
    if holdings.as_of is None:
        return [f"{holdings.fund} holdings state no as-of date; they may be old"]
    notes = []
    if requested is not None and holdings.as_of != requested:
        notes.append(f"{holdings.fund} holdings were asked for {requested} but are as of {holdings.as_of}")
    age = (today - holdings.as_of).days
    if requested is None and age > stale_after_days:
        notes.append(
            f"{holdings.fund} holdings are as of {holdings.as_of}, {age} days before {today}; "
            "the issuer may not have updated its file"
        )
    return notes
