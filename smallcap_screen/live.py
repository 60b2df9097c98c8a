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
from .errors import DataError, NetworkError
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

    Downloads run one after another on a worker thread (keeping the politeness spacing per
    issuer host) while this thread fetches the quotes of each fund as soon as its holdings are in,
    so quote batches overlap the pauses between downloads.

    A fund whose file cannot be had (HTTP error, HTML only, empty answer, timeouts) is left out and
    named in ``report.failed`` and ``Snapshot.failed``; an unreachable network raises NetworkError
    so the caller can fall back.
    """
    from concurrent.futures import ThreadPoolExecutor

    from .sources.http import HttpClient
    from .sources.yahoo import QUOTE_SOURCE, quotes_table

    cache = cache if cache is not None else Cache()
    progress = progress or Progress()
    report = report if report is not None else FetchReport()
    holdings: dict[str, Holdings] = {}
    quotes = _QuoteCollector(cache, progress, report, yahoo_session)
    quotes.add([t for h in files for t in h.tickers])
    with HttpClient(spacing=ISSUER_SPACING) if issuer_client is None else issuer_client as client:
        downloads = ThreadPoolExecutor(max_workers=1)  # one lane: the spacing per host holds
        try:
            pending = [(fund, downloads.submit(_download, fund, client, cache, progress)) for fund in funds]
            for fund, future in pending:
                try:
                    fetched, was_cached = future.result()
                except (DataError, NetworkError) as exc:
                    if _unreachable(exc):
                        raise
                    report.failed[fund.ticker] = str(exc)  # a 404, a web page, a timeout: this fund only
                    continue
                holdings[fund.ticker] = fetched
                (report.cached if was_cached else report.downloaded).append(fund.ticker)
                report.notes.extend(_freshness(fetched))
                quotes.add(fetched.tickers)
        finally:
            downloads.shutdown(cancel_futures=True)
    reported = _reported(list(holdings), cache, report, yahoo_session)
    usable = quotes.usable()
    today = dt.date.today()
    fundamentals = Fundamentals(quotes_table(usable), today, QUOTE_SOURCE, forward_horizon="FY2")
    created = dt.datetime.now(dt.timezone.utc)
    label = f"live data of {created:%Y-%m-%d %H:%M} UTC"
    return Snapshot(holdings, fundamentals, created, label, reported=reported, failed=dict(report.failed))


def _unreachable(error: Exception) -> bool:
    """The network (or proxy) cannot be reached at all, as opposed to one fund's file failing."""
    return isinstance(error, NetworkError) and "cannot reach" in str(error)


def _download(fund: Fund, client, cache: Cache, progress: Progress) -> tuple[Holdings, bool]:
    """One fund's holdings (runs on the download thread), and whether they came from the cache."""
    from .sources.download import download_holdings

    if progress.holdings:
        progress.holdings(fund.ticker)
    was_cached = cache.get_holdings(fund.ticker) is not None
    return download_holdings(fund, client=client, cache=cache), was_cached


def _freshness(holdings: Holdings) -> list[str]:
    from .sources.download import freshness_notes

    return freshness_notes(holdings, today=dt.date.today())


class _QuoteCollector:
    """Quote records gathered fund by fund: fresh ones from the cache, the rest fetched in batches
    whose answers are cached as they arrive (so an interrupted run resumes where it stopped)."""

    def __init__(self, cache: Cache, progress: Progress, report: FetchReport, session) -> None:
        self.cache = cache
        self.progress = progress
        self.report = report
        self.session = session
        self.records: dict[str, dict] = {}
        self.wanted: set[str] = set()
        self.asked = 0  # symbols sent to Yahoo so far, for cumulative progress

    def add(self, symbols: list[str]) -> None:
        new = sorted(set(symbols) - self.wanted)
        self.wanted.update(new)
        found, missing = self.cache.get_quotes(new)
        self.records.update(found)
        self.report.quotes_cached += len(found)
        if not missing:
            return
        from .sources.yahoo import fetch_quotes

        def keep(batch: dict[str, dict], answered: list[str]) -> None:
            # Unknown symbols are cached as such, so a warm run does not ask for them again.
            records = {s: batch.get(s, UNKNOWN) for s in answered}
            self.records.update(records)
            self.cache.put_quotes(records)

        done_before, self.asked = self.asked, self.asked + len(missing)

        def on_progress(done: int, total: int) -> None:
            if self.progress.quotes:
                self.progress.quotes(done_before + done, self.asked)

        result = fetch_quotes(missing, session=self.session, on_progress=on_progress, on_batch=keep)
        self.report.yahoo_requests += result.requests
        self.report.quotes_fetched += len(missing)
        if result.failed:
            self.report.notes.append(f"{len(result.failed)} quotes could not be fetched (Yahoo kept failing); run again to retry them")

    def usable(self) -> dict[str, dict]:
        """Records of the symbols Yahoo knows, in symbol order; the rest are reported missing."""
        usable = {s: q for s, q in sorted(self.records.items()) if not q.get("unknown")}
        self.report.quotes_missing = sorted(self.wanted - usable.keys())
        return usable


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
