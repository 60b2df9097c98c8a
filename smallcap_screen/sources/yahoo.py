"""Yahoo Finance quotes for many symbols at once, on a browser-like curl_cffi session.

One v7 quote request carries up to ``BATCH_SIZE`` symbols, so a 2,000-stock fund costs two
requests instead of the ~6,000 of a ``Ticker.info`` loop. The cookie and crumb come the way a
browser gets them (fc.yahoo.com, then the crumb); where that fails (the EU consent pages),
yfinance's own handshake is used (``yfinance.data.YfData``, not public API: pyproject pins the
yfinance range whose internals this module was tested against). Every GET is sent here rather
than through ``YfData.get``: that method repeats every 4xx/5xx once with the other cookie
strategy and turns a second 429 into an exception without its Retry-After, which would double
the load exactly when Yahoo asks for less.

Every request goes through a :class:`~.pacing.Pacer` (the one policy shared with the issuer
downloads): a request-rate budget for all of Yahoo's hosts together, bans after a 429 waited out
by every thread, retries with backoff, a deadline, and a stop that ends every pending batch when
Yahoo cannot be reached. Until Yahoo has answered once, requests go one at a time, so the
crumb is fetched once and a Yahoo that only fails is given up on after one request's retries
and a descent of first halves to two single symbols.

Failures of a batch are handled in layers: a batch Yahoo refuses as too large (HTTP 400, a cap
on symbols per request) is split and the smaller size kept for the rest of the run; a batch
whose answers stay broken after the retries is halved, without retries, down to the single
symbols that break it (Yahoo has answered HTTP 500 to every batch holding one of 1 % of the
symbols), within a budget of requests and a deadline, past which the parts still failing are given
up on by name; a batch that keeps timing out is reported failed; a run that cannot get a single
answer raises ``NetworkError``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import re
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

import pandas as pd

from ..errors import NetworkError
from ..model import FLOAT_FUNDAMENTALS, FUNDAMENTAL_COLUMNS, Fundamentals
from .http import AnswerTooLarge, is_unreachable, new_session, parse_retry_after, receive
from .pacing import GaveUp, Pacer, RateBudget, Retry, RetryPolicy, Stopped, Unreachable

QUOTE_URL = "https://query1.finance.yahoo.com/v7/finance/quote"
#: Where a browser gets Yahoo's session cookie, and the crumb that goes with it.
COOKIE_URL = "https://fc.yahoo.com"
CRUMB_URL = "https://query1.finance.yahoo.com/v1/test/getcrumb"
#: Yahoo's 429 body, which has also been seen with status 200 on the crumb request.
THROTTLED = "Too Many Requests"
#: libcurl's "could not resolve host" (see http.UNREACHABLE_CURL_CODES).
CURL_COULD_NOT_RESOLVE_HOST = 6
QUOTE_SOURCE = "Yahoo Finance v7 quote"
#: The pacer's name for Yahoo: query1 and query2 share one rate limit, so they share one budget.
YAHOO = "Yahoo Finance"
#: Symbols per v7 quote request. The endpoint takes large batches: yahooquery sends 1,500 per
#: request (``CHUNK`` in yahooquery/base.py), a URL of about 10 kB (a comma is sent as %2C).
#: On the stand-in, 10,000 symbols took 5.8 s in 40 requests of 250, 2.3 s at 500, 1.1 s at
#: 1,000 and 0.8 s at 1,500 (benchmarks/run.py, batch_*): fewer, larger requests win, and fewer
#: requests also meet a rate limit later. Yahoo has capped batches at times (notes: 429/400
#: above ~100 symbols): such a refusal is split, and the smaller size kept for the run.
BATCH_SIZE = 1500
#: Requests a run may spend finding the symbols that break every batch holding them. Bisection
#: finds k such symbols among n in about k·log2(n) requests (1 % of 1,500, 15 symbols: 179 on
#: the stand-in; 1 % of a 2,500-stock compare ~300); past the budget a part still failing is given
#: up on whole, so a Yahoo that breaks on many symbols costs this many requests (under a minute at
#: Yahoo's budget), not thousands that invite a ban.
SPLIT_BUDGET = 400
#: Seconds from a run's first quote batch after which no failing part is split any further (a
#: deadline for the quote phase: without it, splitting ran for 20 minutes and 1,319 requests).
SPLIT_DEADLINE = 120.0
#: Workers sending batches at once (the rate budget below bounds them as a group).
WORKERS = 4
#: Yahoo publishes no limit. Four at once then eight a second stays below the ~60 requests/s at
#: which a thread pool was seen to collapse (notes), and a 429 lowers it for the rest of the run.
YAHOO_BUDGET = RateBudget(rate=8.0, burst=4.0)
YAHOO_POLICY = RetryPolicy()
#: v7 quote field → ``Fundamentals.table`` column.
QUOTE_FIELDS = {
    "regularMarketPrice": "price",
    "sharesOutstanding": "shares",
    "marketCap": "market_cap",
    "epsTrailingTwelveMonths": "eps_trailing",
    "epsForward": "eps_forward",  # next fiscal year's consensus: horizon "FY2"
    "epsCurrentYear": "eps_fy1",  # current fiscal year's consensus: horizon "FY1"
    "bookValue": "book_per_share",
    # a fraction (0.0045); Yahoo's ``dividendYield`` is the forward rate in percent (0.45)
    "trailingAnnualDividendYield": "dividend_yield",
    "currency": "currency",
    "financialCurrency": "financial_currency",
}
#: quoteSummary ``defaultKeyStatistics`` field (epoch seconds) kept in a quote record beside the
#: v7 fields, which do not carry it: the end of the last fiscal year, asked for only when a
#: next-twelve-months figure needs it (one request per stock; see :meth:`YahooQuotes.submit_fiscal_year_ends`).
FISCAL_YEAR_END_FIELD = "lastFiscalYearEnd"
SUMMARY_URL = "https://query2.finance.yahoo.com/v10/finance/quoteSummary/{symbol}"
#: v7 quote field → key of a fund's own Yahoo-reported figures (see ``fetch_funds_reported``).
FUND_FIELDS = {"trailingPE": "trailing_pe", "forwardPE": "forward_pe", "regularMarketPrice": "price", "currency": "currency"}
#: Most bytes of a quote answer, as it arrives (decompressed): a full batch is about 1,500 quotes
#: of ~1.5 kB with the fields asked (~2.3 MB), so 16 MB is 7x that. Four workers and the halving
#: of a batch that breaks each hold at most this much at once: a gzip bomb in every answer costs
#: ~70 MB, not the 2.1 GB of an uncapped one.
QUOTE_MAX_BYTES = 16 * 2**20
#: Most bytes of an answer to the cookie or crumb request (a web page at most, some 100 kB).
HANDSHAKE_MAX_BYTES = 2 * 2**20
#: A real crumb is a short token (not a 429 body or an HTML page).
CRUMB_PATTERN = re.compile(r"[\w./+-]{1,64}")

# yfinance logs warnings without a handler of its own, which Python prints to stderr;
# the CLI decides what the user sees.
logging.getLogger("yfinance").addHandler(logging.NullHandler())


@dataclass(frozen=True)
class QuoteBatchResult:
    """Quotes for a list of symbols.

    ``missing`` lists every symbol without a quote, in input order; ``failed`` is the part of
    it whose requests kept failing (the rest Yahoo answered without: unknown symbols); of those,
    ``breaking`` are the symbols found to break every batch that holds them.
    ``requests`` counts quote requests sent, retries included (crumb handshakes excluded).
    """

    fundamentals: Fundamentals
    missing: list[str]
    failed: list[str] = field(default_factory=list)
    requests: int = 0
    breaking: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class QuoteBatch:
    """One batch's outcome: the v7 quote dicts by symbol, and the symbols whose requests failed.

    Symbols of the batch in neither are unknown to Yahoo (it answered without them). ``breaking``
    are the failed symbols that, alone, broke Yahoo's answer (the rest of ``failed`` were given up
    on in a part that failed as a whole: timeouts, or a split budget or deadline spent).
    """

    symbols: list[str]
    quotes: dict[str, dict]
    failed: list[str]
    breaking: list[str] = field(default_factory=list)

    @property
    def answered(self) -> list[str]:
        """The symbols Yahoo answered for (with a quote or, for unknown ones, without)."""
        failed = set(self.failed)
        return [s for s in self.symbols if s not in failed]


def yahoo_pacer(policy: RetryPolicy = YAHOO_POLICY, **options) -> Pacer:
    """A pacer with Yahoo's budget; ``options`` as for :class:`Pacer` (stop, on_wait ...)."""
    return Pacer(policy, budgets={YAHOO: YAHOO_BUDGET}, **options)


class YahooQuotes:
    """A run's quote fetching: one crumb, one pacer, a pool of workers; symbols can be submitted
    while earlier batches are in flight (as each fund's holdings arrive). Without a ``pacer``,
    one of its own with Yahoo's budget and ``policy`` is used.

    ``split_budget`` and ``split_deadline`` bound the search for symbols that break batches
    (see :data:`SPLIT_BUDGET`, :data:`SPLIT_DEADLINE`).

    Use as a context manager; leaving it stops whatever is still pending.
    """

    def __init__(
        self,
        session=None,
        *,
        pacer: Pacer | None = None,
        batch_size: int = BATCH_SIZE,
        max_workers: int = WORKERS,
        policy: RetryPolicy = YAHOO_POLICY,
        split_budget: int = SPLIT_BUDGET,
        split_deadline: float = SPLIT_DEADLINE,
    ) -> None:
        self._owns_pacer = pacer is None
        self.pacer = pacer or yahoo_pacer(policy)
        self._client = _Client(session, self.pacer)
        self._batcher = _Batcher(self._client, batch_size, split_budget, split_deadline)
        self._batch_size = batch_size
        self._pool = ThreadPoolExecutor(max_workers=max(1, max_workers), thread_name_prefix="yahoo")

    def __enter__(self) -> YahooQuotes:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Drop batches not yet started; with a pacer of its own, also stop those under way (a
        request in flight ends by its timeout). A caller's pacer is the caller's to stop."""
        if self._owns_pacer:
            self.pacer.stop.set()
        self._pool.shutdown(wait=False, cancel_futures=True)

    @property
    def requests(self) -> int:
        """Quote requests sent so far, retries included (crumb handshakes excluded)."""
        return self._client.requests

    def submit(self, symbols: Iterable[str]) -> list[Future[QuoteBatch]]:
        """Start fetching ``symbols`` in batches; each future gives a :class:`QuoteBatch`.

        A future raises ``NetworkError`` when the run cannot go on (Yahoo unreachable, refusing
        or failing everything); see :meth:`failure` for the error that stopped the run.
        """
        wanted = list(dict.fromkeys(s.strip() for s in symbols if s and s.strip()))
        size = self._batch_size
        return [self._pool.submit(self._batcher.fetch, wanted[i : i + size]) for i in range(0, len(wanted), size)]

    def submit_fiscal_year_ends(self, symbols: Iterable[str]) -> list[Future[tuple[str, object]]]:
        """Start asking for each symbol's last fiscal-year end: one quoteSummary request per
        symbol, since the v7 batch quote does not carry it. Each future gives (symbol, epoch
        seconds or None). Only next-twelve-months figures need it, so only they pay for it."""
        return [self._pool.submit(self._client.fiscal_year_end, s) for s in dict.fromkeys(symbols)]

    def submit_funds(self, tickers: Iterable[str]) -> Future[dict[str, dict]]:
        """Start fetching the funds' own Yahoo-reported figures, all in one request."""
        return self._pool.submit(self._client.funds, [t.strip().upper() for t in tickers])

    def failure(self, error: BaseException) -> BaseException:
        """The error to report for a future that failed: the cause that stopped the run, if any."""
        if isinstance(error, Stopped) and self.pacer.cause is not None:
            return self.pacer.cause
        return error


def fetch_quotes(
    symbols: Iterable[str],
    *,
    session=None,
    pacer: Pacer | None = None,
    policy: RetryPolicy = YAHOO_POLICY,
    batch_size: int = BATCH_SIZE,
    max_workers: int = WORKERS,
    split_budget: int = SPLIT_BUDGET,
    split_deadline: float = SPLIT_DEADLINE,
    on_progress: Callable[[int, int], None] | None = None,
    on_batch: Callable[[dict[str, dict], list[str]], None] | None = None,
) -> QuoteBatchResult:
    """Fetch price, EPS, shares and book value for ``symbols`` in batched v7 quote requests.

    Batches run on ``max_workers`` threads sharing one curl_cffi session (its handles are per
    thread), paced by ``pacer`` (default: a new one with Yahoo's budget and ``policy``). After
    each batch, on the caller's thread: ``on_progress(done, total)`` counts symbols, and
    ``on_batch(quotes, answered)`` gets the batch's v7 quote dicts by symbol and the symbols
    Yahoo answered for (those without a quote are unknown to Yahoo; symbols whose requests
    failed are left out), e.g. to cache each batch as it arrives.
    Raises ``NetworkError`` when Yahoo cannot be reached or keeps failing.
    """
    wanted = list(dict.fromkeys(s.strip() for s in symbols if s and s.strip()))
    quotes: dict[str, dict] = {}
    failed: set[str] = set()
    breaking: set[str] = set()
    done = 0
    limits = {"split_budget": split_budget, "split_deadline": split_deadline}
    with YahooQuotes(session, pacer=pacer, batch_size=batch_size, max_workers=max_workers, policy=policy, **limits) as fetcher:
        for future in as_completed(fetcher.submit(wanted)):
            try:
                batch = future.result()
            except NetworkError as error:
                raise fetcher.failure(error) from None
            quotes.update(batch.quotes)
            failed.update(batch.failed)
            breaking.update(batch.breaking)
            if on_batch:
                on_batch(batch.quotes, batch.answered)
            done += len(batch.symbols)
            if on_progress:
                on_progress(done, len(wanted))
        requests = fetcher.requests
    fundamentals = Fundamentals(
        table=quotes_table({s: quotes[s] for s in wanted if s in quotes}),
        as_of=dt.date.today(),
        source=QUOTE_SOURCE,
        forward_horizon="FY2",
    )
    return QuoteBatchResult(
        fundamentals=fundamentals,
        missing=[s for s in wanted if s not in quotes],
        failed=[s for s in wanted if s in failed],
        requests=requests,
        breaking=[s for s in wanted if s in breaking],
    )


def fetch_funds_reported(fund_tickers: Iterable[str], *, session=None, pacer: Pacer | None = None) -> dict[str, dict]:
    """The funds' own figures as Yahoo reports them, for a cross-check beside computed ones.

    One v7 quote request for all funds. Per fund (upper-case ticker) a dict with ``symbol``,
    ``trailing_pe``, ``forward_pe``, ``price`` and ``currency``, each None when Yahoo has no
    value or does not know the fund. Raises ``NetworkError`` as :func:`fetch_quotes` does.
    """
    with YahooQuotes(session, pacer=pacer) as fetcher:
        future = fetcher.submit_funds(fund_tickers)
        try:
            return future.result()
        except NetworkError as error:
            raise fetcher.failure(error) from None


def quotes_table(quotes: Mapping[str, dict]) -> pd.DataFrame:
    """A ``Fundamentals.table`` from v7 quote dicts by symbol, with sanity flags per holding.

    ``price_invalid``: price <= 0, set to NaN. ``currency_mismatch``: the statements are in
    another currency than the price, so EPS and book value may not be comparable with it.
    """
    rows = [
        {**{column: quote.get(name) for name, column in QUOTE_FIELDS.items()}, "fiscal_year_end": _iso_day(quote.get(FISCAL_YEAR_END_FIELD))}
        for quote in quotes.values()
    ]
    table = pd.DataFrame(rows, columns=FUNDAMENTAL_COLUMNS, index=pd.Index(list(quotes), name="ticker", dtype=object))
    for column in FLOAT_FUNDAMENTALS:
        table[column] = pd.to_numeric(table[column], errors="coerce").astype("float64")
    price_invalid = table["price"] <= 0
    currencies = table[["currency", "financial_currency"]]
    mismatch = currencies.notna().all(axis=1) & (table["financial_currency"] != table["currency"])
    table.loc[price_invalid, "price"] = math.nan
    table["flags"] = [
        ";".join(code for code, hit in (("price_invalid", bad), ("currency_mismatch", other)) if hit)
        for bad, other in zip(price_invalid, mismatch)
    ]
    return table


def blends_fiscal_years(quote: Mapping) -> bool:
    """Whether a v7 quote has what a next-twelve-months EPS blends (a positive price, current-
    and next-fiscal-year consensus), so that its fiscal-year end is worth a request."""
    numbers = [quote.get(name) for name in ("regularMarketPrice", "epsCurrentYear", "epsForward")]
    if not all(isinstance(n, (int, float)) and not isinstance(n, bool) and math.isfinite(n) for n in numbers):
        return False
    return numbers[0] > 0


def _iso_day(epoch_seconds) -> str:
    """A quoteSummary date (epoch seconds, UTC midnight) as ISO text; "" when absent or not a number."""
    if isinstance(epoch_seconds, dict):  # formatted answers wrap it: {"raw": 1727481600, "fmt": "2024-09-28"}
        epoch_seconds = epoch_seconds.get("raw")
    if not isinstance(epoch_seconds, (int, float)) or isinstance(epoch_seconds, bool) or not math.isfinite(epoch_seconds):
        return ""
    return dt.datetime.fromtimestamp(epoch_seconds, dt.timezone.utc).date().isoformat()


def fund_figures(symbol: str, quote: Mapping | None) -> dict:
    """A fund's reported figures from its v7 quote (None values when Yahoo sent none)."""
    quote = quote or {}
    return {"symbol": symbol, **{key: quote.get(name) for name, key in FUND_FIELDS.items()}}


class _TooLarge(Exception):
    """Yahoo refused a batch outright (HTTP 400): it caps the symbols per request."""


class _Broken(Retry):
    """An answer that a retry, or a smaller batch, may fix (5xx, HTML, not JSON, truncated)."""


class _Client:
    """Single Yahoo GETs with crumb, paced and retried by the run's pacer."""

    def __init__(self, session, pacer: Pacer) -> None:
        self.session = session or _default_session()
        #: The crumb every data request carries; kept per session, as it belongs to its cookie.
        self._crumbs = _crumbs_of(self.session)
        self.pacer = pacer
        self.requests = 0
        #: Set once Yahoo has answered anything; until then requests go one at a time.
        self.answered = threading.Event()
        self._first = threading.Lock()
        self._lock = threading.Lock()

    def get_json(self, url: str, params: dict[str, str], *, key: str, retries: int | None = None) -> dict | None:
        """The JSON answer holding ``key``, or None for 404. ``retries`` lowers the repeats of a
        broken answer below the policy's.

        Raises _TooLarge for HTTP 400, GaveUp when retries or the deadline ran out, NetworkError
        (Unreachable, Stopped) when the run cannot go on.
        """
        if self.answered.is_set():
            return self._paced(url, params, key, retries)
        while not self._first.acquire(timeout=0.05):
            if self.pacer.stop.is_set():
                raise Stopped("stopped before asking Yahoo Finance")
        try:
            return self._paced(url, params, key, retries)
        finally:
            self._first.release()

    def fiscal_year_end(self, symbol: str) -> tuple[str, object]:
        """``symbol`` and its last fiscal year's end (epoch seconds; None when Yahoo has none) from
        quoteSummary's defaultKeyStatistics. Raises NetworkError when Yahoo keeps failing it."""
        params = {"modules": "defaultKeyStatistics", "formatted": "false", "lang": "en-US", "region": "US"}
        try:
            answer = self.get_json(SUMMARY_URL.format(symbol=symbol), params, key="quoteSummary")
        except (GaveUp, _TooLarge) as failure:
            reason = failure.last.reason if isinstance(failure, GaveUp) and failure.last else str(failure) or "HTTP 400"
            raise NetworkError(f"Yahoo Finance kept failing {symbol}'s fiscal year ({reason})") from None
        results = ((answer or {}).get("quoteSummary") or {}).get("result") or [{}]
        value = (results[0].get("defaultKeyStatistics") or {}).get(FISCAL_YEAR_END_FIELD)
        return symbol, value.get("raw") if isinstance(value, dict) else value

    def funds(self, tickers: list[str]) -> dict[str, dict]:
        """The funds' reported figures (see fetch_funds_reported), in one request."""
        params = {"symbols": ",".join(tickers), "fields": ",".join(FUND_FIELDS), "formatted": "false", "lang": "en-US", "region": "US"}
        try:
            answer = self.get_json(QUOTE_URL, params, key="quoteResponse")
        except (GaveUp, _TooLarge) as failure:
            # Only a cross-check fails here: the run goes on (stopping it is for Unreachable, or
            # for the quote batches to decide), or one broken fund symbol would cost every quote.
            reason = failure.last.reason if isinstance(failure, GaveUp) and failure.last else str(failure) or "HTTP 400"
            raise NetworkError(f"Yahoo Finance kept failing the funds' own figures ({reason})") from None
        found = _quotes_by_symbol(answer, set(tickers))
        return {t: fund_figures(t, found.get(t)) for t in tickers}

    def give_up(self, failure: Exception) -> NetworkError:
        """The one-line error for a run that cannot go on; stops every other request."""
        if isinstance(failure, GaveUp) and failure.last is not None and failure.last.throttled:
            error = NetworkError(f"Yahoo Finance keeps refusing requests ({failure}); wait a few minutes and try again")
        elif isinstance(failure, GaveUp) and failure.last is None:
            error = NetworkError(f"{failure}; try again later")
        else:
            reason = failure.last.reason if isinstance(failure, GaveUp) and failure.last else str(failure) or "HTTP 400"
            error = NetworkError(f"Yahoo Finance keeps failing ({reason}); try again later")
        self.pacer.halt(error)
        return error

    def hopeless(self, failure: GaveUp) -> bool:
        """Whether a failed request ends the whole run rather than one batch: nothing answered
        yet, a ban that outlasts the budget, or a host past its deadline."""
        return not self.answered.is_set() or failure.last is None or failure.last.throttled

    def _paced(self, url: str, params: dict[str, str], key: str, retries: int | None) -> dict | None:
        if self._crumbs.get("crumb") is None:
            self.pacer.call(YAHOO, self._handshake)
        return self.pacer.call(YAHOO, lambda timeout: self._get_once(url, params, key, timeout, retries))

    def _handshake(self, timeout: float) -> None:
        """A cookie and crumb (one paced request: the crumb counts against the rate limit).

        First the way every browser gets them: a cookie from fc.yahoo.com, then the crumb for it,
        on this session. Where that yields none (the EU consent pages), yfinance's own handshake,
        which knows those pages; importing yfinance costs a good part of a second, so a run
        where the plain way works, or the network is down, never pays it.
        """
        crumb = self._plain_crumb(timeout) or self._yfinance_crumb(timeout)
        if crumb is None:
            raise Retry("Yahoo Finance gave no crumb")
        self._crumbs["crumb"] = crumb

    def _plain_crumb(self, timeout: float) -> str | None:
        """Cookie, then crumb, both within ``timeout`` (one attempt's share of the deadline)."""
        from curl_cffi.requests.exceptions import RequestException, Timeout

        started = time.monotonic()
        try:
            receive(self.session, COOKIE_URL, limit=HANDSHAKE_MAX_BYTES, timeout=timeout, allow_redirects=True)
        except AnswerTooLarge:
            pass  # the cookie comes with the headers; the crumb request tells whether it came
        except Timeout as exc:
            raise Retry(_one_line(exc), answered=False) from None
        except RequestException as exc:
            # fc.yahoo.com is on some blocklists (no DNS answer): the crumb request tells more.
            if is_unreachable(exc) and getattr(exc, "code", None) != CURL_COULD_NOT_RESOLVE_HOST:
                raise _unreachable(exc) from None
        left = timeout - (time.monotonic() - started)
        if left <= 0:
            raise Retry(f"no cookie and crumb within {timeout:.0f} s", answered=False)
        try:
            response, body = receive(self.session, CRUMB_URL, limit=HANDSHAKE_MAX_BYTES, timeout=left, allow_redirects=True)
        except AnswerTooLarge:
            return None
        except RequestException as exc:
            if is_unreachable(exc):
                raise _unreachable(exc) from None
            raise Retry(_one_line(exc), answered=False) from None
        text = body.decode("utf-8", errors="replace").strip()
        if response.status_code == 429 or THROTTLED in text:
            raise Retry("crumb request answered HTTP 429", throttled=True, retry_after=parse_retry_after(response.headers.get("Retry-After")))
        return text if response.status_code == 200 and CRUMB_PATTERN.fullmatch(text) else None

    def _yfinance_crumb(self, timeout: float) -> str | None:
        from curl_cffi.requests.exceptions import RequestException
        from yfinance.data import YfData
        from yfinance.exceptions import YFException, YFRateLimitError

        data = YfData()  # yfinance's process-wide singleton

        def handshake() -> None:
            if data._session is not self.session:
                data._set_session(self.session)  # a crumb belongs to the session's cookie
            with data._cookie_lock:
                data._cookie = data._crumb = None
                data._cookie_strategy = "csrf"  # the plain way just failed: the consent pages first
            data._get_cookie_and_crumb(timeout=timeout)

        try:
            # Bounded: the consent pages are asked with yfinance's own fixed 30 s timeout.
            _within(timeout, handshake)
        except TimeoutError:
            raise Retry(f"no cookie and crumb within {timeout:.0f} s", answered=False) from None
        except YFRateLimitError:
            raise Retry("crumb request answered HTTP 429", throttled=True) from None
        except RequestException as exc:
            if is_unreachable(exc):
                raise _unreachable(exc) from None
            raise Retry(_one_line(exc), answered=False) from None
        except YFException as exc:
            raise Retry(_one_line(exc)) from None
        crumb = data._crumb
        return crumb if crumb is not None and CRUMB_PATTERN.fullmatch(crumb) else None

    def _get_once(self, url: str, params: dict[str, str], key: str, timeout: float, retries: int | None) -> dict | None:
        from curl_cffi.requests.exceptions import IncompleteRead, RequestException

        crumb = self._crumbs.get("crumb")
        with self._lock:
            self.requests += 1
        crumb_param = {"crumb": crumb} if crumb else {}
        try:
            response, body = receive(self.session, url, limit=QUOTE_MAX_BYTES, params={**params, **crumb_param}, timeout=timeout)
        except AnswerTooLarge as exc:
            raise _Broken(str(exc), retries=0) from None  # asked again it would be as large: halve it
        except RequestException as exc:
            if is_unreachable(exc):
                raise _unreachable(exc) from None
            if isinstance(exc, IncompleteRead):
                raise _Broken(_one_line(exc), retries=retries) from None  # a cut-off answer: a smaller one may pass
            raise Retry(_one_line(exc), answered=False) from None
        status = response.status_code
        if status == 429:
            raise Retry("HTTP 429 Too Many Requests", throttled=True, retry_after=parse_retry_after(response.headers.get("Retry-After")))
        if status in (401, 403):
            self._forget_crumb(crumb)
            raise Retry(f"HTTP {status}, session cookie or crumb refused")
        if status in (400, 404):
            self.answered.set()
            if status == 400:
                raise _TooLarge(f"HTTP 400 for {len(params.get('symbols', '').split(','))} symbols")
            return None
        if status != 200:
            raise _Broken(f"HTTP {status}", retries=retries)
        try:
            answer = json.loads(body)
        except ValueError:
            raise _Broken("answer is not JSON but perhaps an HTML page", retries=retries) from None
        if not isinstance(answer, dict) or key not in answer:
            raise _Broken(f"answer lacks {key!r}", retries=retries)
        self.answered.set()
        return answer

    def _forget_crumb(self, crumb: str | None) -> None:
        """Make the next request fetch a new cookie and crumb, unless another thread already did."""
        with self._lock:
            if self._crumbs.get("crumb") == crumb:
                self._crumbs.pop("crumb", None)


class _Batcher:
    """Fetches one batch of quotes, splitting it when Yahoo refuses its size or its answers stay
    broken; the search for the symbols that break answers is shared by the run's batches, within
    one budget of requests and one deadline."""

    def __init__(self, client: _Client, batch_size: int, split_budget: int, split_deadline: float) -> None:
        self.client = client
        #: The largest batch to send; lowered for the whole run when Yahoo refuses a size.
        self.limit = batch_size
        #: Requests left for splitting broken batches, and when splitting stops (set by the first batch).
        self.split_budget = split_budget
        self.split_deadline = split_deadline
        self._split_until: float | None = None
        #: Single symbols that broke an answer while Yahoo had answered nothing (see _broken_alone).
        self._alone_before_answers = 0
        self._probing = threading.Lock()
        self._lock = threading.Lock()

    def fetch(self, symbols: list[str]) -> QuoteBatch:
        """The batch's quotes; gives up on parts that keep failing; NetworkError ends the run."""
        with self._lock:
            if self._split_until is None:
                self._split_until = time.monotonic() + self.split_deadline
        quotes: dict[str, dict] = {}
        failed: list[str] = []
        breaking: list[str] = []
        if self.client.answered.is_set():
            self._fetch(symbols, quotes, failed, breaking)
            return QuoteBatch(symbols, quotes, failed, breaking)
        # Until Yahoo has answered, one batch at a time (its halving included): a Yahoo that
        # fails everything is then given up on after one batch's requests, not four at once.
        while not self._probing.acquire(timeout=0.05):
            if self.client.pacer.stop.is_set():
                raise Stopped("stopped before asking Yahoo Finance")
        try:
            self._fetch(symbols, quotes, failed, breaking)
        finally:
            self._probing.release()
        return QuoteBatch(symbols, quotes, failed, breaking)

    def _fetch(self, symbols: list[str], quotes: dict[str, dict], failed: list[str], breaking: list[str], *, part: bool = False) -> bool:
        """Ask for ``symbols`` (in batches of the size limit); True when no answer was broken.

        A ``part`` of a broken batch is asked once, without retries: the whole batch failed
        every retry, so a failing part fails for what it holds, not by chance.
        """
        size = self.limit
        if len(symbols) > size:
            results = [self._fetch(symbols[i : i + size], quotes, failed, breaking, part=part) for i in range(0, len(symbols), size)]
            return all(results)
        params = {"symbols": ",".join(symbols), "fields": ",".join(QUOTE_FIELDS), "formatted": "false", "lang": "en-US", "region": "US"}
        try:
            answer = self.client.get_json(QUOTE_URL, params, key="quoteResponse", retries=0 if part else None)
        except _TooLarge:
            if len(symbols) == 1:
                failed.extend(symbols)
                return True
            with self._lock:
                self.limit = min(self.limit, len(symbols) // 2)
            return self._fetch(symbols, quotes, failed, breaking, part=part)
        except GaveUp as failure:
            broken = isinstance(failure.last, _Broken) and failure.last.answered
            if self.client.hopeless(failure) and not broken:
                raise self.client.give_up(failure) from None
            if broken and len(symbols) == 1:
                self._broken_alone(failure)
                breaking.extend(symbols)
                failed.extend(symbols)
                return False
            if broken:
                self._isolate(symbols, quotes, failed, breaking)
                return False
            failed.extend(symbols)
            return True
        quotes.update(_quotes_by_symbol(answer, set(symbols)))
        return True

    def _isolate(self, symbols: list[str], quotes: dict[str, dict], failed: list[str], breaking: list[str]) -> None:
        """``symbols`` broke Yahoo's answer: bisect them down to the symbols that do, and quote
        the rest. When the first half answers, the second is known to break and is halved at
        once, unasked; a single symbol is asked for alone (the batch may have failed by chance)."""
        if len(symbols) == 1:
            self._part(symbols, quotes, failed, breaking)
            return
        half = len(symbols) // 2
        if self._part(symbols[:half], quotes, failed, breaking):
            self._isolate(symbols[half:], quotes, failed, breaking)
        else:
            self._part(symbols[half:], quotes, failed, breaking)

    def _broken_alone(self, failure: GaveUp) -> None:
        """A single symbol broke Yahoo's answer. Before any answer at all, halving goes down the
        first halves, so a second such symbol means Yahoo fails everything: the run is given up
        on (~13 requests for a batch of 100), while a Yahoo failing a few symbols stays usable."""
        with self._lock:
            self._alone_before_answers += not self.client.answered.is_set()
            hopeless = self._alone_before_answers >= 2
        if hopeless:
            raise self.client.give_up(failure) from None

    def _part(self, symbols: list[str], quotes: dict[str, dict], failed: list[str], breaking: list[str]) -> bool:
        """Ask once for a part of a broken batch; True when it answered. Past the split budget
        or deadline the part is given up on as a whole, unasked."""
        with self._lock:
            spent = self.split_budget <= 0 or time.monotonic() > (self._split_until or math.inf)
            self.split_budget -= not spent
        if spent:
            failed.extend(symbols)
            return False
        return self._fetch(symbols, quotes, failed, breaking, part=True)


def _within(seconds: float, work: Callable[[], object]) -> None:
    """Run ``work`` but return (raising TimeoutError) after ``seconds``: yfinance's handshake
    falls back to its consent pages with a fixed 30 s timeout of its own, which must not carry
    a run past its deadline. The abandoned call finishes on its daemon thread."""
    outcome: list = []
    finished = threading.Event()

    def run() -> None:
        try:
            work()
        except BaseException as error:  # handed to the caller's thread
            outcome.append(error)
        finished.set()

    threading.Thread(target=run, name="yahoo-handshake", daemon=True).start()
    if not finished.wait(seconds):
        raise TimeoutError
    if outcome:
        raise outcome[0]


def _quotes_by_symbol(answer: dict | None, wanted: set[str]) -> dict[str, dict]:
    result = ((answer or {}).get("quoteResponse") or {}).get("result") or []
    return {q["symbol"]: q for q in result if isinstance(q, dict) and q.get("symbol") in wanted}


def _unreachable(exc: Exception) -> Unreachable:
    return Unreachable(f"cannot reach Yahoo Finance ({_one_line(exc)}); check the network connection or proxy settings")


def _one_line(exc: Exception) -> str:
    """An exception as a short single line (curl appends a help URL)."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text.split(". See ")[0]


_session_lock = threading.Lock()
_session = None
_crumbs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _crumbs_of(session) -> dict:
    """The crumb store of ``session`` (shared by every client on it, as the cookie is)."""
    with _session_lock:
        return _crumbs.setdefault(session, {})


def _default_session():
    """One session per process, so cookie, crumb and connections outlive a single call."""
    global _session
    with _session_lock:
        if _session is None:
            _session = new_session()
        return _session
