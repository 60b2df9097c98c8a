"""Today's data for a comparison: issuer holdings files, then Yahoo quotes for every held stock.

A fund outside the fund table takes its holdings from its newest SEC N-PORT report, and a table
fund whose issuer's file cannot be had takes them from there too; N-PORT requests go through
:class:`~.sources.sec.client.SecClient` (the declared User-Agent, the run's cache, and the SEC's
10 requests/s kept by the process's one SEC pacer, ``process_pacer()``, which a backfill in the same
process draws on too). A holding N-PORT names no price symbol for
(``UNMAPPED:<CUSIP>``) is never sent to Yahoo.

Everything runs at once: each fund's download starts at the beginning (requests to one issuer
host stay spaced, different hosts do not wait for each other), the funds' own Yahoo figures are
asked for in one request at the start (which also settles Yahoo's cookie and crumb while the
files download), and each fund's quotes are requested the moment its holdings are in. One
:class:`~.sources.pacing.Pacer` paces and retries every request, so one unreachable host stops
everything at once and a Yahoo ban is waited out by all workers together.

With a cache (only when the caller passes one), everything fetched is kept (holdings for a
day, quotes for hours), so a second run within the time-to-live sends no request at all, and a
run that stopped midway resumes with the quote batches it had not finished. A cache that cannot
be written (full disk) is dropped for the run with a note. Nothing here prints: progress and
notices go to callbacks, the rest to :class:`FetchReport`.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from .errors import DataError, NetworkError, OutputError, ScreenError, UsageError
from .model import Fundamentals, Holdings
from .registry import NPORT_ISSUER, Fund
from .snapshot import Snapshot

if TYPE_CHECKING:
    from concurrent.futures import Future

    from .cache import Cache
    from .sources.pacing import RetryPolicy

#: Cache key prefix for a fund's own Yahoo-reported figures, kept beside per-stock quotes.
REPORTED_KEY = "reported:"
#: Cache key prefix of a stock's fiscal-year end (kept far longer than its quote: cache.FISCAL_YEAR_END_TTL).
FISCAL_YEAR_KEY = "fiscal-year-end:"
#: Minimum seconds between two requests to one issuer host. The notes advise ~2 s for a
#: crawler; a compare makes a handful of requests (a browser opening the fund page makes dozens
#: at once), and half a second keeps three iShares funds within one second.
ISSUER_SPACING = 0.5
#: The cached record of a symbol Yahoo answered without: it does not know it.
UNKNOWN = {"unknown": True}


@dataclass
class FetchReport:
    """What a live fetch did, for the summary line: counts, and problems worth a note.

    After an interruption (KeyboardInterrupt passes through), ``interrupted`` is True and
    ``quotes_kept`` says how many quotes of this run are in the cache for the next one.
    """

    downloaded: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    #: The error behind each failure in ``failed`` (its exit code: 4 a ticker the SEC lists as no
    #: fund, 3 an unusable document, 2 no sec_user_agent, 5 a site refusing or unreachable).
    errors: dict[str, ScreenError] = field(default_factory=dict)
    #: Funds whose holdings came from SEC N-PORT (as asked, or after their issuer's file failed).
    nport: list[str] = field(default_factory=list)
    #: Requests sent to the SEC (cache hits not counted).
    sec_requests: int = 0
    quotes_fetched: int = 0
    quotes_cached: int = 0
    quotes_missing: list[str] = field(default_factory=list)
    #: Symbols whose quote requests kept failing (given up on for this run), and of those the
    #: ones found to break every Yahoo request holding them.
    quotes_failed: list[str] = field(default_factory=list)
    quotes_breaking: list[str] = field(default_factory=list)
    yahoo_requests: int = 0
    #: Of those, quoteSummary requests for fiscal-year ends (next-twelve-months figures only).
    fiscal_year_requests: int = 0
    #: Seconds spent waiting out Yahoo's bans (HTTP 429).
    throttled_seconds: float = 0.0
    #: Why the cache was dropped for this run (it could not be written), if it was.
    cache_problem: str | None = None
    interrupted: bool = False
    quotes_kept: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def failure_codes(self) -> dict[str, int]:
        """The exit code of each failure in ``failed``."""
        return {fund: int(error.exit_code) for fund, error in self.errors.items()}


@dataclass
class Progress:
    """Callbacks a front end may set to show progress; all optional, all called on the caller's
    thread except ``note``, which may come from a worker thread."""

    holdings: Callable[[int, int], None] | None = None  # (funds done, funds in all)
    #: (symbols done, symbols to fetch); the total is None while holdings are still arriving,
    #: so it never shrinks and the bar never goes backwards.
    quotes: Callable[[int, int | None], None] | None = None
    note: Callable[[str], None] | None = None  # a notice worth showing at once (a ban waited out)


def fetch_snapshot(
    funds: list[Fund],
    files: Iterable[Holdings] = (),
    *,
    cache: Cache | None = None,
    progress: Progress | None = None,
    report: FetchReport | None = None,
    policy: RetryPolicy | None = None,
    yahoo_session: Any = None,
    issuer_base_urls: Mapping[str, str] | None = None,
    sec_user_agent: str | None = None,
    fiscal_year_ends: bool = False,
) -> Snapshot:
    """Download the funds' holdings and the quotes of every stock they (and ``files``) hold.

    With ``fiscal_year_ends`` (for next-twelve-months figures), also the last fiscal-year end of
    each quoted stock that has a price and both fiscal years' consensus, which the batch quote
    lacks: one quoteSummary request per such stock not in the cache (where it is kept for
    ``cache.FISCAL_YEAR_END_TTL``); ``report.fiscal_year_requests`` counts them. At Yahoo's
    budget of 8 requests a second, a cold run over the 1,844 such stocks of IWM and SPY takes
    about four minutes (a note says so as it starts); a warm one none.

    ``cache`` is read and written only when given. ``policy`` sets retries, timeouts, the
    per-host deadline and the longest ban to wait out (default: ``RetryPolicy()``).
    ``yahoo_session`` and ``issuer_base_urls`` point the fetch elsewhere (tests' stand-ins; the
    key ``registry.NPORT_ISSUER`` stands for both SEC hosts). ``sec_user_agent`` ("Name email")
    is what the SEC is told (None: the config's ``sec_user_agent``, read when a fund needs
    N-PORT); without one a fund that needs N-PORT fails alone with a line saying how to set it.

    A fund whose holdings cannot be had (HTML only, empty answer, a host past its deadline, then
    no usable N-PORT report) is left out and named in ``report.failed`` (with its exit code in
    ``report.failure_codes``) and ``Snapshot.failed``. NetworkError is raised when nothing can be had: the
    network is unreachable (raised within moments of the first such error), Yahoo refuses or
    fails every request, or no fund's holdings could be downloaded, so the caller can fall back.
    KeyboardInterrupt passes through after the finished batches are cached (see FetchReport).
    """
    from .sources.pacing import RetryPolicy

    run = _LiveRun(
        cache,
        progress or Progress(),
        report if report is not None else FetchReport(),
        policy or RetryPolicy(),
        yahoo_session,
        issuer_base_urls,
        sec_user_agent,
    )
    run.fiscal_year_ends = fiscal_year_ends
    return run.fetch(list(funds), list(files))


class _LiveRun:
    """One fetch: the futures under way and what has come in. Lives on the caller's thread;
    workers only download, parse and ask Yahoo, so the cache is written from this thread alone."""

    def __init__(self, cache, progress: Progress, report: FetchReport, policy, yahoo_session, issuer_base_urls, sec_user_agent) -> None:
        from .sources.pacing import Pacer, RateBudget
        from .sources.yahoo import YAHOO, YAHOO_BUDGET

        self.progress = progress
        self.report = report
        self.cache = _RunCache(cache, report)
        self.pacer = Pacer(
            policy,
            budgets={YAHOO: YAHOO_BUDGET},
            default_budget=RateBudget(rate=1 / ISSUER_SPACING),
            on_wait=self._waited,
        )
        self.yahoo_session = yahoo_session
        self.issuer_base_urls = issuer_base_urls
        self.nport = _NportSource(sec_user_agent, self.cache, (issuer_base_urls or {}).get(NPORT_ISSUER), self._waited)
        self.holdings: dict[str, Holdings] = {}
        self.records: dict[str, dict] = {}
        self.reported: dict[str, dict] = {}
        self.wanted: set[str] = set()
        self.to_fetch = 0  # symbols sent to Yahoo
        self.done = 0  # of those, answered or given up on
        self.pending: dict[Future, tuple[str, Any]] = {}
        self.funds_total = 0
        self.funds_left = 0
        self.fiscal_year_ends = False

    def fetch(self, funds: list[Fund], files: list[Holdings]) -> Snapshot:
        from concurrent.futures import ThreadPoolExecutor

        from .sources.download import freshness_notes
        from .sources.http import HttpClient
        from .sources.yahoo import QUOTE_SOURCE, YahooQuotes, quotes_table

        self.funds_total = self.funds_left = len(funds)
        # One download thread per issuer: hosts overlap, and one host's funds go in the order
        # asked (the first, often the largest, gets its quotes asked for first), never racing
        # for the host's pacing slot.
        downloads = {
            issuer: ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"holdings-{issuer}")
            for issuer in dict.fromkeys(fund.issuer for fund in funds)
        }
        with HttpClient(pacer=self.pacer) as client, YahooQuotes(self.yahoo_session, pacer=self.pacer) as yahoo:
            self.yahoo = yahoo
            try:
                self._ask_reported([f.ticker for f in funds])
                for fund in funds:
                    self.pending[downloads[fund.issuer].submit(self._download, fund, client)] = ("holdings", fund)
                self._notify_holdings()
                self._want([t for h in files for t in h.tickers])
                self._collect()
                if self.fiscal_year_ends:
                    self._ask_fiscal_year_ends()
                    self._collect()
            except KeyboardInterrupt:
                self.report.interrupted = True
                self.nport.stop()
                raise
            finally:
                self.pacer.stop.set()  # whatever is still pending ends now
                for executor in downloads.values():
                    executor.shutdown(wait=False, cancel_futures=True)
                order = {fund.ticker: i for i, fund in enumerate(funds)}  # as asked, not as finished
                for done in (self.report.downloaded, self.report.cached, self.report.nport):
                    done.sort(key=order.__getitem__)
                self.report.failed = dict(sorted(self.report.failed.items(), key=lambda item: order[item[0]]))
                self.report.errors = {fund: self.report.errors[fund] for fund in self.report.failed}
                self.report.yahoo_requests = yahoo.requests
                self.report.sec_requests = self.nport.requests
                self.report.throttled_seconds = sum(self.pacer.ban_waits.values())
                self.report.notes.extend(self._closing_notes())
        if funds and not self.holdings:
            failures = "; ".join(f"{fund}: {reason}" for fund, reason in self.report.failed.items())
            raise NetworkError(f"no fund's holdings could be downloaded ({failures})")
        usable = {s: q for s, q in sorted(self.records.items()) if not q.get("unknown")}
        self.report.quotes_missing = sorted(self.wanted - usable.keys())
        today = dt.date.today()
        holdings = {f.ticker: self.holdings[f.ticker] for f in funds if f.ticker in self.holdings}  # in the order asked
        self.report.notes.extend(freshness_notes([h for f, h in holdings.items() if f not in self.report.nport], today=today))
        fundamentals = Fundamentals(quotes_table(usable), today, QUOTE_SOURCE, forward_horizon="FY2")
        created = dt.datetime.now(dt.timezone.utc)
        label = f"live data of {created:%Y-%m-%d %H:%M} UTC"
        return Snapshot(holdings, fundamentals, created, label, reported=self.reported, failed=dict(self.report.failed))

    # -- starting work -------------------------------------------------------------------------

    def _ask_reported(self, tickers: list[str]) -> None:
        """The funds' own Yahoo figures: from the cache, else one request at the very start."""
        found, missing = self.cache.get_quotes([REPORTED_KEY + t for t in tickers])
        self.reported.update({key.removeprefix(REPORTED_KEY): value for key, value in found.items()})
        if missing:
            future = self.yahoo.submit_funds([key.removeprefix(REPORTED_KEY) for key in missing])
            self.pending[future] = ("reported", None)

    def _ask_fiscal_year_ends(self) -> None:
        """The last fiscal-year end of each quoted stock a next-twelve-months figure can use (a
        price, and both fiscal years' consensus: the others need none), from the cache (kept for
        months, also when Yahoo has none: ``None``), else one quoteSummary request per stock."""
        from .cache import FISCAL_YEAR_END_TTL
        from .sources.yahoo import FISCAL_YEAR_END_FIELD, YAHOO_BUDGET, blends_fiscal_years

        usable = [s for s, q in sorted(self.records.items()) if blends_fiscal_years(q) and FISCAL_YEAR_END_FIELD not in q]
        found, missing = self.cache.get_quotes([FISCAL_YEAR_KEY + s for s in usable], max_age=FISCAL_YEAR_END_TTL)
        for key, kept in found.items():
            symbol = key.removeprefix(FISCAL_YEAR_KEY)
            self.records[symbol] = {**self.records[symbol], FISCAL_YEAR_END_FIELD: kept.get(FISCAL_YEAR_END_FIELD)}
        wanted = [key.removeprefix(FISCAL_YEAR_KEY) for key in missing]
        self.report.fiscal_year_requests += len(wanted)
        if wanted and self.progress.note:
            seconds = len(wanted) / YAHOO_BUDGET.rate
            takes = f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"
            self.progress.note(f"asking Yahoo Finance for {len(wanted):,} fiscal-year ends, one request per stock (about {takes}; kept {FISCAL_YEAR_END_TTL.days} days)")
        for future in self.yahoo.submit_fiscal_year_ends(wanted):
            self.pending[future] = ("fiscal_year_end", None)

    def _download(self, fund: Fund, client) -> tuple[Holdings, bool]:
        """One fund's holdings (on a download thread), and whether they came from the cache: its
        issuer's file, else (or for a fund outside the table, only) its newest N-PORT report."""
        from .sources.download import download_holdings
        from .sources.pacing import Stopped, Unreachable

        if fund.issuer == NPORT_ISSUER:
            return self.nport.holdings(fund.ticker)
        was_cached = self.cache.get_holdings(fund.ticker) is not None
        try:
            holdings = download_holdings(fund, client=client, cache=self.cache.for_downloads(), base_urls=self.issuer_base_urls)
        except (Unreachable, Stopped):
            raise
        except (DataError, NetworkError) as issuer_error:
            if not self.nport.user_agent:  # N-PORT cannot be asked: the issuer's failure is the news
                raise
            try:
                return self.nport.holdings(fund.ticker)
            except (Unreachable, Stopped):
                raise
            except ScreenError as nport_error:
                kind = DataError if isinstance(issuer_error, DataError) else NetworkError
                raise kind(f"{issuer_error}; N-PORT: {nport_error}") from None
        return holdings, was_cached

    def _want(self, symbols: list[str]) -> None:
        """Quotes for ``symbols`` not asked for yet: fresh ones from the cache, the rest from Yahoo."""
        new = sorted(set(symbols) - self.wanted)
        self.wanted.update(new)
        found, missing = self.cache.get_quotes(new)
        self.records.update(found)
        self.report.quotes_cached += len(found)
        if missing:
            self.to_fetch += len(missing)
            for future in self.yahoo.submit(missing):
                self.pending[future] = ("quotes", None)
        self._notify_quotes()

    # -- collecting ----------------------------------------------------------------------------

    def _collect(self) -> None:
        from concurrent.futures import FIRST_COMPLETED, wait

        from .sources.pacing import Stopped, Unreachable

        while self.pending:
            done, _ = wait(list(self.pending), return_when=FIRST_COMPLETED)
            for future in done:
                kind, what = self.pending.pop(future)
                try:
                    result = future.result()
                except (Unreachable, Stopped) as error:
                    raise self.yahoo.failure(error) from None
                except ScreenError as error:
                    if kind == "holdings":
                        self.report.failed[what.ticker] = str(error)
                        self.report.errors[what.ticker] = error
                        self.funds_left -= 1
                        self._notify_holdings()
                        continue
                    if not isinstance(error, (DataError, NetworkError)):
                        raise
                    if kind == "reported":
                        self.report.notes.append(f"no Yahoo-reported figures for the funds ({error})")
                        continue
                    if kind == "fiscal_year_end":
                        self.report.notes.append(f"{error}: its fiscal-year end is unknown for this run")
                        continue
                    raise  # quotes: Yahoo cannot be used at all
                took = {"holdings": self._took_holdings, "quotes": self._took_quotes, "reported": self._took_reported, "fiscal_year_end": self._took_fiscal_year_end}
                took[kind](what, result)

    def _took_holdings(self, fund: Fund, result: tuple[Holdings, bool]) -> None:
        from .sources.sec.nport import UNMAPPED, from_nport

        holdings, was_cached = result
        self.holdings[fund.ticker] = holdings
        (self.report.cached if was_cached else self.report.downloaded).append(fund.ticker)
        if from_nport(holdings):
            self.report.nport.append(fund.ticker)
        self.funds_left -= 1
        self._notify_holdings()
        self._want([t for t in holdings.tickers if not t.startswith(UNMAPPED)])

    def _took_quotes(self, _: None, batch) -> None:
        # Unknown symbols are cached as such, so a warm run does not ask for them again; of the
        # others only the fields the table is made of are kept (a third of Yahoo's record).
        records = {s: _kept_fields(batch.quotes[s]) if s in batch.quotes else UNKNOWN for s in batch.answered}
        self.records.update(records)
        if self.cache.put_quotes(records):
            self.report.quotes_kept += len(records)
        self.report.quotes_fetched += len(batch.symbols)
        self.done += len(batch.symbols)
        self.report.quotes_failed.extend(batch.failed)
        self.report.quotes_breaking.extend(batch.breaking)
        self._notify_quotes()

    def _took_fiscal_year_end(self, _: None, answer: tuple[str, object]) -> None:
        from .sources.yahoo import FISCAL_YEAR_END_FIELD

        symbol, end = answer
        self.records[symbol] = {**self.records[symbol], FISCAL_YEAR_END_FIELD: end}
        self.cache.put_quotes({FISCAL_YEAR_KEY + symbol: {FISCAL_YEAR_END_FIELD: end}})

    def _took_reported(self, _: None, figures: dict[str, dict]) -> None:
        self.reported.update(figures)
        self.cache.put_quotes({REPORTED_KEY + fund: values for fund, values in figures.items()})

    # -- telling -------------------------------------------------------------------------------

    def _notify_holdings(self) -> None:
        if self.progress.holdings:
            self.progress.holdings(self.funds_total - self.funds_left, self.funds_total)

    def _notify_quotes(self) -> None:
        if self.progress.quotes and self.to_fetch:
            self.progress.quotes(self.done, self.to_fetch if self.funds_left == 0 else None)

    def _waited(self, host: str, seconds: float, reason: str) -> None:
        """A ban being waited out (called on a worker thread): tell the user at once."""
        if self.progress.note:
            self.progress.note(f"{host} is throttling requests ({reason}): waiting {seconds:.0f} s")

    def _closing_notes(self) -> list[str]:
        notes = []
        if self.report.throttled_seconds:
            notes.append(f"Yahoo Finance throttled this run: {self.report.throttled_seconds:.0f} s spent waiting out its bans")
        failed, breaking = sorted(self.report.quotes_failed), sorted(self.report.quotes_breaking)
        if breaking:
            notes.append(f"Yahoo Finance fails every request holding {_named(breaking)}: given up on for this run, the other quotes are live")
        others = sorted(set(failed) - set(breaking))
        if others:
            notes.append(f"{len(others)} quotes could not be fetched (Yahoo kept failing: {_named(others)}); run again to retry them")
        if self.report.cache_problem:
            notes.append(f"ran without the cache: {self.report.cache_problem}")
        return notes


def _named(symbols: list[str], shown: int = 10) -> str:
    """Symbols for a note: all of a few, else the first ``shown`` and how many more."""
    more = f" and {len(symbols) - shown} more" if len(symbols) > shown else ""
    return ", ".join(symbols[:shown]) + more


class _NportSource:
    """Funds' newest N-PORT holdings for one run. Each fund gets its own SEC client (so that it
    can tell whether everything came from the cache) sharing the process's SEC pacer
    (``process_pacer()``: one budget under the SEC's 10 requests/s for every client of the
    process, a backfill's too) and the run's cache; the company tickers map (holdings → price
    symbols) is built once per run."""

    def __init__(self, user_agent: str | None, cache: _RunCache, base_url: str | None, on_wait) -> None:
        self._user_agent = user_agent
        self.on_wait = on_wait
        self.pacer = None  # the process's SEC pacer, once a fund has asked the SEC
        self.cache = cache
        self.urls = {"data_url": base_url, "www_url": base_url} if base_url else {}
        self.requests = 0
        self._symbols = None
        self._lock = threading.Lock()

    @property
    def user_agent(self) -> str:
        """The declared User-Agent: the one given, else the config's; "" when there is none."""
        if self._user_agent is None:
            from .config import load_config
            from .sources.sec.client import sec_user_agent

            try:
                self._user_agent = sec_user_agent(load_config())
            except ScreenError:  # none set (or a bad config file): N-PORT funds say how to set it
                self._user_agent = ""
        return self._user_agent.strip()

    def stop(self) -> None:
        """Stop the SEC requests still under way (Ctrl-C): the process's SEC pacer is halted, so
        the next SEC client of the process gets a new one."""
        from .sources.pacing import Stopped

        if self.pacer is not None:
            self.pacer.halt(Stopped("interrupted"))

    def holdings(self, ticker: str) -> tuple[Holdings, bool]:
        """The fund's newest N-PORT holdings and whether no request was needed for them.
        UsageError without a User-Agent; UnknownFundError when the SEC lists no such fund;
        DataError when it has no usable report of the fund; NetworkError when the SEC refuses."""
        from .sources.sec.client import MISSING_USER_AGENT, SecClient, process_pacer
        from .sources.sec.nport import fund_holdings, symbol_map

        if not self.user_agent:
            raise UsageError(f"{ticker}: its holdings come from SEC N-PORT, and {MISSING_USER_AGENT}")
        self.pacer = process_pacer(self.on_wait)
        with SecClient(self.user_agent, cache=self.cache.for_downloads(), pacer=self.pacer, **self.urls) as client:
            try:
                with self._lock:  # one map per run, built by the first fund that needs it
                    if self._symbols is None:
                        self._symbols = symbol_map(client)
                return fund_holdings(client, ticker, symbols=self._symbols), client.requests == 0
            finally:
                with self._lock:
                    self.requests += client.requests


def _kept_fields(quote: dict) -> dict:
    from .sources.yahoo import QUOTE_FIELDS

    return {name: quote[name] for name in ("symbol", *QUOTE_FIELDS) if name in quote}


class _RunCache:
    """The caller's cache for one run, or none at all. A cache that cannot be written (full
    disk, no permission) is dropped for the rest of the run and the run goes on without it;
    ``report.cache_problem`` says why. Reads and quote writes happen on the run's thread;
    holdings and SEC answers are written by the download threads, hence the lock."""

    def __init__(self, cache: Cache | None, report: FetchReport) -> None:
        self.cache = cache
        self.report = report
        self._lock = threading.Lock()

    def for_downloads(self) -> _RunCache | None:
        """What ``download_holdings`` gets as its cache: this, or None without a cache."""
        return self if self.cache is not None else None

    def get_holdings(self, fund: str, as_of: dt.date | None = None):
        return self.cache.get_holdings(fund, as_of) if self._usable() else None

    def put_holdings(self, fund: str, body: bytes, url: str, as_of: dt.date | None = None) -> None:
        self._write("put_holdings", fund, body, url, as_of)

    def get_quotes(self, symbols: list[str], max_age: dt.timedelta | None = None) -> tuple[dict[str, dict], list[str]]:
        if not self._usable():
            return {}, list(dict.fromkeys(symbols))
        return self.cache.get_quotes(symbols, max_age)

    def get_sec(self, url: str, max_age: dt.timedelta):
        return self.cache.get_sec(url, max_age) if self._usable() else None

    def put_sec(self, url: str, body: bytes) -> None:
        self._write("put_sec", url, body)

    def put_quotes(self, records: dict[str, dict]) -> bool:
        """Store ``records``; False when there is no (more) cache to store them in."""
        return self._write("put_quotes", records)

    def _usable(self) -> bool:
        return self.cache is not None and self.report.cache_problem is None

    def _write(self, method: str, *args) -> bool:
        if not self._usable():
            return False
        try:
            getattr(self.cache, method)(*args)
        except OutputError as error:
            with self._lock:
                if self.report.cache_problem is None:
                    self.report.cache_problem = str(error)
            return False
        return True
