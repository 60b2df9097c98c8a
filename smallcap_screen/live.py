"""Today's data for a comparison: issuer holdings files, then Yahoo quotes for every held stock.

Everything fetched goes through the local cache first (holdings for a day, quotes for hours), so a
second run within the time-to-live sends no request at all, and a run that stopped midway resumes
with the quote batches it had not finished. Nothing here prints: progress goes to callbacks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from .cache import Cache
from .errors import DataError
from .model import Fundamentals, Holdings
from .registry import Fund
from .snapshot import Snapshot

#: Cache key prefix for a fund's own Yahoo-reported figures, kept beside per-stock quotes.
REPORTED_KEY = "reported:"
#: Minimum seconds between two requests to one issuer host (the notes advise ~2 s; a compare
#: makes at most a handful, so 1 s keeps it polite and the whole run quick).
ISSUER_SPACING = 1.0
#: The cached record of a symbol Yahoo answered without: it does not know it.
UNKNOWN = {"unknown": True}


@dataclass
class FetchReport:
    """What a live fetch did, for the summary line: counts, and problems worth a note."""

    downloaded: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    quotes_fetched: int = 0
    quotes_cached: int = 0
    quotes_missing: list[str] = field(default_factory=list)
    yahoo_requests: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class Progress:
    """Callbacks a front end may set to show progress; all optional."""

    holdings: Callable[[str], None] | None = None  # called with a fund ticker before its download
    quotes: Callable[[int, int], None] | None = None  # (done, total) symbols


def fetch_snapshot(
    funds: list[Fund],
    files: list[Holdings] = (),
    *,
    cache: Cache | None = None,
    progress: Progress | None = None,
    report: FetchReport | None = None,
    yahoo_session=None,
    issuer_client=None,
) -> Snapshot:
    """Download the funds' holdings and the quotes of every stock they (and ``files``) hold.

    A fund whose file cannot be had (HTML only, empty answer) is left out and named in
    ``report.failed``; an unreachable network raises NetworkError so the caller can fall back.
    """
    from .sources.download import download_holdings, freshness_notes
    from .sources.http import HttpClient

    cache = cache if cache is not None else Cache()
    progress = progress or Progress()
    report = report if report is not None else FetchReport()
    today = dt.date.today()
    holdings: dict[str, Holdings] = {}
    with HttpClient(spacing=ISSUER_SPACING) if issuer_client is None else issuer_client as client:
        for fund in funds:
            if progress.holdings:
                progress.holdings(fund.ticker)
            was_cached = cache.get_holdings(fund.ticker) is not None
            try:
                holdings[fund.ticker] = download_holdings(fund, client=client, cache=cache)
            except DataError as exc:
                report.failed[fund.ticker] = str(exc)
                continue
            (report.cached if was_cached else report.downloaded).append(fund.ticker)
            report.notes.extend(freshness_notes(holdings[fund.ticker], today=today))

    symbols = sorted({t for h in [*holdings.values(), *files] for t in h.tickers})
    quotes = _quotes(symbols, cache, progress, report, yahoo_session)
    reported = _reported(list(holdings), cache, report, yahoo_session)
    from .sources.yahoo import QUOTE_SOURCE, quotes_table

    fundamentals = Fundamentals(quotes_table(quotes), today, QUOTE_SOURCE, forward_horizon="FY2")
    created = dt.datetime.now(dt.timezone.utc)
    return Snapshot(holdings, fundamentals, created, f"live data of {created:%Y-%m-%d %H:%M} UTC", reported=reported)


def _quotes(symbols: list[str], cache: Cache, progress: Progress, report: FetchReport, session) -> dict[str, dict]:
    """Quote records for ``symbols``: fresh ones from the cache, the rest fetched batch by batch."""
    found, missing = cache.get_quotes(symbols)
    report.quotes_cached = len(found)
    if missing:
        from .sources.yahoo import fetch_quotes

        def keep(batch: dict[str, dict], asked: list[str]) -> None:
            # Unknown symbols are cached as such, so a warm run does not ask for them again.
            records = {s: batch.get(s, UNKNOWN) for s in asked}
            found.update(records)
            cache.put_quotes(records)

        result = fetch_quotes(missing, session=session, on_progress=progress.quotes, on_batch=keep)
        report.yahoo_requests += result.requests
    usable = {s: q for s, q in found.items() if not q.get("unknown")}
    report.quotes_fetched = len(missing)
    report.quotes_missing = [s for s in symbols if s not in usable]
    return {s: usable[s] for s in symbols if s in usable}


def _reported(funds: list[str], cache: Cache, report: FetchReport, session) -> dict[str, dict]:
    """Each fund's own Yahoo-reported figures (a cross-check); a failure only costs the cross-check."""
    from .errors import NetworkError
    from .sources.yahoo import fetch_fund_reported

    keys = [REPORTED_KEY + f for f in funds]
    found, missing = cache.get_quotes(keys)
    for key in missing:
        try:
            found[key] = fetch_fund_reported(key.removeprefix(REPORTED_KEY), session=session)
        except NetworkError as exc:
            report.notes.append(f"no Yahoo-reported figures for {key.removeprefix(REPORTED_KEY)} ({exc})")
            continue
        report.yahoo_requests += 1
        cache.put_quotes({key: found[key]})
    return {key.removeprefix(REPORTED_KEY): value for key, value in found.items()}
