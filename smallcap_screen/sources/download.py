"""Download a fund's full holdings file from its issuer's public site, or take it from the cache.

How each issuer's file is found and read lives in its module of :mod:`smallcap_screen.sources.issuers`;
this module adds what they share: the issuers' base URLs (a parameter, so tests can point them at a
stand-in server), the cache, and parsing a cached body through the same issuer.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Mapping

from ..cache import Cache
from ..model import Holdings
from ..registry import Fund
from .http import HttpClient

#: Holdings older than this (calendar days) get a note: SSGA lags 1-3 business days, so a week is odd.
STALE_AFTER_DAYS = 7


def download_holdings_bytes(
    fund: Fund,
    *,
    client: HttpClient | None = None,
    as_of: dt.date | None = None,
    base_urls: Mapping[str, str] | None = None,
) -> tuple[bytes, str]:
    """The raw holdings file and the URL it came from, as the fund's issuer downloads it.

    ``base_urls`` maps an issuer name to the site to ask instead of its real one. Raises
    DataError (no known download, an unusable answer; HtmlAnswerError for web pages) or
    NetworkError (unreachable, HTTP errors that retries did not cure).
    """
    from .issuers import issuer_of

    issuer = issuer_of(fund)
    base_url = (base_urls or {}).get(issuer.NAME, issuer.HOME)
    own_client = client is None
    client = client or HttpClient()
    try:
        downloaded = issuer.download(fund, client, base_url, as_of)
    finally:
        if own_client:
            client.close()
    return downloaded.body, downloaded.url


def download_holdings(
    fund: Fund,
    *,
    client: HttpClient | None = None,
    as_of: dt.date | None = None,
    cache: Cache | None = None,
    base_urls: Mapping[str, str] | None = None,
) -> Holdings:
    """Download (or take from ``cache`` while fresh) and parse a fund's holdings.

    A body is cached only after it parsed, so an empty or broken answer is asked for again next
    time. A cache write failure raises OutputError. Check :func:`freshness_notes` on the result.
    """
    from .issuers import issuer_of

    issuer = issuer_of(fund)
    cached = cache.get_holdings(fund.ticker, as_of) if cache is not None else None
    if cached is not None:
        return issuer.parse(cached.body, fund=fund.ticker, source=cached.url)
    body, url = download_holdings_bytes(fund, client=client, as_of=as_of, base_urls=base_urls)
    holdings = issuer.parse(body, fund=fund.ticker, source=url)
    if cache is not None:
        cache.put_holdings(fund.ticker, body, url, as_of)
    return holdings


def freshness_notes(
    holdings: Iterable[Holdings],
    *,
    today: dt.date,
    requested: dt.date | None = None,
    stale_after_days: int = STALE_AFTER_DAYS,
) -> list[str]:
    """Warnings about the holdings' dates, for the caller to show: one line per kind of problem,
    naming every fund it concerns (not one line per fund), and none when all is well."""
    holdings = list(holdings)
    notes = []
    undated = [h.fund for h in holdings if h.as_of is None]
    if undated:
        notes.append(f"holdings of {', '.join(undated)} state no as-of date; they may be old")
    dated = [h for h in holdings if h.as_of is not None]
    if requested is not None:
        other = [h for h in dated if h.as_of != requested]
        if other:
            notes.append(f"holdings asked for {requested} are of another date: {_dates(other)}")
    else:
        stale = [h for h in dated if (today - h.as_of).days > stale_after_days]
        if stale:
            notes.append(f"holdings older than {stale_after_days} days on {today} ({_dates(stale)}): the issuer may not have updated its files")
    return notes


def _dates(holdings: list[Holdings]) -> str:
    return ", ".join(f"{h.fund} {h.as_of}" for h in holdings)
