"""Yahoo Finance quotes for many symbols at once, through yfinance's session and crumb.

One v7 quote request carries up to ``batch_size`` symbols, so a 2,000-stock fund costs about
15 requests instead of the ~6,000 of a ``Ticker.info`` loop. yfinance supplies the cookie
and crumb (``yfinance.data.YfData``, not public API: pyproject pins the yfinance range whose
internals this module was tested against). The one GET per attempt is sent here, on
yfinance's session, rather than through ``YfData.get``: that method repeats every 4xx/5xx
once with the other cookie strategy and turns a second 429 into an exception without its
Retry-After, which would double the load exactly when Yahoo asks for less.

Failures are handled in layers: each request is retried with backoff (Retry-After when Yahoo
sends one, shared by all workers); a batch whose answers stay broken is split, down to single
symbols; a run that cannot get a single answer raises ``NetworkError``.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import random
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

import pandas as pd

from ..errors import NetworkError
from ..model import FLOAT_FUNDAMENTALS, FUNDAMENTAL_COLUMNS, Fundamentals
from .http import new_session, parse_retry_after

QUOTE_URL = "https://query1.finance.yahoo.com/v7/finance/quote"
SUMMARY_URL = "https://query2.finance.yahoo.com/v10/finance/quoteSummary/{}"
QUOTE_SOURCE = "Yahoo Finance v7 quote"
#: v7 quote field → ``Fundamentals.table`` column.
QUOTE_FIELDS = {
    "regularMarketPrice": "price",
    "sharesOutstanding": "shares",
    "marketCap": "market_cap",
    "epsTrailingTwelveMonths": "eps_trailing",
    "epsForward": "eps_forward",  # next fiscal year's consensus: horizon "FY2"
    "epsCurrentYear": "eps_fy1",  # current fiscal year's consensus: horizon "FY1"
    "bookValue": "book_per_share",
    "currency": "currency",
    "financialCurrency": "financial_currency",
}
#: A real crumb is a short token; yfinance may store a 429 body or an HTML page instead.
CRUMB_PATTERN = re.compile(r"[\w./+-]{1,64}")
MAX_WAIT = 60.0  # seconds; longer Retry-After values are capped to this

# yfinance logs warnings without a handler of its own, which Python prints to stderr;
# the CLI decides what the user sees.
logging.getLogger("yfinance").addHandler(logging.NullHandler())


@dataclass(frozen=True)
class QuoteBatchResult:
    """Quotes for a list of symbols.

    ``missing`` lists every symbol without a quote, in input order; ``failed`` is the part of
    it whose requests kept failing (the rest Yahoo answered without: unknown symbols).
    ``requests`` counts quote requests sent, retries included (crumb handshakes excluded).
    """

    fundamentals: Fundamentals
    missing: list[str]
    failed: list[str] = field(default_factory=list)
    requests: int = 0


def fetch_quotes(
    symbols: Iterable[str],
    *,
    session=None,
    batch_size: int = 150,
    max_workers: int = 4,
    max_retries: int = 4,
    backoff: float = 0.5,
    timeout: float = 30.0,
    on_progress: Callable[[int, int], None] | None = None,
    on_batch: Callable[[dict[str, dict], list[str]], None] | None = None,
) -> QuoteBatchResult:
    """Fetch price, EPS, shares and book value for ``symbols`` in batched v7 quote requests.

    Batches run on ``max_workers`` threads sharing one curl_cffi session (its handles are
    per thread). ``backoff`` is the first retry delay in seconds, doubled per retry, with
    jitter. After each batch, on the caller's thread: ``on_progress(done, total)`` counts
    symbols, and ``on_batch(quotes, answered)`` gets the batch's v7 quote dicts by symbol and
    the symbols Yahoo answered for (those without a quote are unknown to Yahoo; symbols whose
    requests failed are left out), e.g. to cache each batch as it arrives.
    Raises ``NetworkError`` when Yahoo cannot be reached or keeps failing.
    """
    wanted = list(dict.fromkeys(s.strip() for s in symbols if s and s.strip()))
    client = _Client(session, max_retries=max_retries, backoff=backoff, timeout=timeout)
    batcher = _Batcher(client)
    batches = [wanted[i : i + batch_size] for i in range(0, len(wanted), batch_size)]
    quotes: dict[str, dict] = {}
    done = 0

    def collect(found: dict[str, dict], batch: list[str]) -> None:
        nonlocal done
        quotes.update(found)
        if on_batch:
            failed = batcher.failed_symbols()
            on_batch(found, [s for s in batch if s not in failed])
        done += len(batch)
        if on_progress:
            on_progress(done, len(wanted))

    # The first batch goes alone: it settles the cookie and crumb once, and a dead
    # connection fails fast instead of on every worker.
    if batches:
        collect(batcher.fetch(batches[0]), batches[0])
    with ThreadPoolExecutor(max_workers=max(1, max_workers)) as pool:
        futures = {pool.submit(batcher.fetch, batch): batch for batch in batches[1:]}
        try:
            for future in as_completed(futures):
                collect(future.result(), futures[future])
        except BaseException:
            client.abort.set()
            for future in futures:
                future.cancel()
            raise
    fundamentals = Fundamentals(
        table=quotes_table({s: quotes[s] for s in wanted if s in quotes}),
        as_of=dt.date.today(),
        source=QUOTE_SOURCE,
        forward_horizon="FY2",
    )
    failed = batcher.failed_symbols()
    return QuoteBatchResult(
        fundamentals=fundamentals,
        missing=[s for s in wanted if s not in quotes],
        failed=[s for s in wanted if s in failed],
        requests=client.requests,
    )


def quotes_table(quotes: Mapping[str, dict]) -> pd.DataFrame:
    """A ``Fundamentals.table`` from v7 quote dicts by symbol, with sanity flags per holding.

    ``price_invalid``: price <= 0, set to NaN. ``currency_mismatch``: the statements are in
    another currency than the price, so EPS and book value may not be comparable with it.
    """
    rows = [{column: quote.get(name) for name, column in QUOTE_FIELDS.items()} for quote in quotes.values()]
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


def fetch_fund_reported(fund_ticker: str, *, session=None, max_retries: int = 4, backoff: float = 0.5, timeout: float = 30.0) -> dict:
    """The fund's own figures as Yahoo reports them, for a cross-check beside computed ones.

    Keys (None when Yahoo has no value or does not know the fund): ``trailing_pe`` and
    ``forward_pe`` (summaryDetail), ``price``, ``currency``, and from topHoldings'
    equityHoldings ``holdings_price_to_earnings``, ``holdings_price_to_book``,
    ``holdings_price_to_sales``, ``holdings_median_market_cap`` exactly as Yahoo sends them
    (these ratios have been seen as reciprocals, e.g. 0.04 for a P/E of 25).
    """
    client = _Client(session, max_retries=max_retries, backoff=backoff, timeout=timeout)
    symbol = fund_ticker.strip().upper()
    params = {"modules": "price,summaryDetail,topHoldings", "formatted": "false", "corsDomain": "finance.yahoo.com", "symbol": symbol}
    try:
        answer = client.get_json(SUMMARY_URL.format(symbol), params, key="quoteSummary")
    except _RequestFailed as failure:
        raise client.network_error(failure) from None
    results = (answer or {}).get("quoteSummary", {}).get("result") or [{}]
    modules = results[0]
    summary, price = modules.get("summaryDetail") or {}, modules.get("price") or {}
    equity = (modules.get("topHoldings") or {}).get("equityHoldings") or {}
    return {
        "symbol": symbol,
        "trailing_pe": _raw(summary.get("trailingPE")),
        "forward_pe": _raw(summary.get("forwardPE")),
        "price": _raw(price.get("regularMarketPrice")),
        "currency": price.get("currency") or summary.get("currency"),
        "holdings_price_to_earnings": _raw(equity.get("priceToEarnings")),
        "holdings_price_to_book": _raw(equity.get("priceToBook")),
        "holdings_price_to_sales": _raw(equity.get("priceToSales")),
        "holdings_median_market_cap": _raw(equity.get("medianMarketCap")),
    }


def _raw(value):
    """A number as Yahoo sends it: plain, or ``{"raw": ..., "fmt": ...}`` despite formatted=false."""
    return value.get("raw") if isinstance(value, dict) else value


class _RequestFailed(Exception):
    """A request failed. ``kind``: "unreachable" (no HTTP answer), "throttled" (429),
    "refused" (cookie/crumb rejected) or "broken" (an answer a smaller batch might fix)."""

    def __init__(self, reason: str, kind: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind
        self.retry_after = retry_after


class _Client:
    """Single Yahoo GETs with crumb, retries and a pause shared by every thread."""

    def __init__(self, session, *, max_retries: int, backoff: float, timeout: float) -> None:
        from yfinance.data import YfData  # lazy: importing yfinance costs ~1 s of CLI start-up

        session = session or _default_session()
        self.data = YfData()  # yfinance's process-wide singleton
        if self.data._session is not session:
            # A cookie and crumb belong to the session that fetched them.
            self.data._set_session(session)
            with self.data._cookie_lock:
                self.data._cookie = None
                self.data._crumb = None
        self.max_retries = max_retries
        self.backoff = backoff
        self.timeout = timeout
        self.abort = threading.Event()
        self.requests = 0
        self.answered = False  # any request of this run got a usable answer
        self.failures_in_row = 0  # across threads; a run of these means Yahoo is down for us
        self.give_up_after = 3 * (max_retries + 1)
        self._pause_until = 0.0
        self._lock = threading.Lock()

    def get_json(self, url: str, params: dict[str, str], *, key: str) -> dict | None:
        """The JSON answer holding ``key``, or None for 404; retries, then raises _RequestFailed."""
        for attempt in range(self.max_retries + 1):
            try:
                answer = self._get_once(url, params, key)
            except _RequestFailed as failure:
                with self._lock:
                    self.failures_in_row += 1
                if attempt == self.max_retries:
                    raise
                self._wait(failure, attempt)
            else:
                with self._lock:
                    self.answered = True
                    self.failures_in_row = 0
                return answer
        raise AssertionError("the loop returns or raises")

    def hopeless(self, failure: _RequestFailed) -> bool:
        """Whether a failed request should end the whole run rather than one batch."""
        return failure.kind == "throttled" or not self.answered or self.failures_in_row >= self.give_up_after

    def network_error(self, failure: _RequestFailed) -> NetworkError:
        """The one-line error for a run that cannot go on."""
        if failure.kind == "throttled":
            return NetworkError(f"Yahoo Finance keeps refusing requests ({failure.reason}); wait a few minutes and try again")
        if failure.kind == "unreachable":
            return NetworkError(f"cannot reach Yahoo Finance ({failure.reason}); check the network connection or proxy settings")
        return NetworkError(f"Yahoo Finance keeps failing ({failure.reason}); try again later")

    def _get_once(self, url: str, params: dict[str, str], key: str) -> dict | None:
        from curl_cffi.requests.exceptions import RequestException
        from yfinance.exceptions import YFException, YFRateLimitError

        self._sleep_until_unpaused()
        try:
            crumb = self._crumb()
            with self._lock:
                self.requests += 1
            crumb_param = {"crumb": crumb} if crumb else {}
            response = self.data._session.get(url, params={**params, **crumb_param}, timeout=self.timeout)
        except YFRateLimitError:
            raise _RequestFailed("crumb request answered HTTP 429", "throttled") from None
        except (RequestException, YFException) as exc:
            raise _RequestFailed(_one_line(exc), "unreachable") from None
        status = response.status_code
        if status == 429:
            raise _RequestFailed("HTTP 429 Too Many Requests", "throttled", parse_retry_after(response.headers.get("Retry-After")))
        if status in (401, 403):
            self._forget_crumb(crumb)
            raise _RequestFailed(f"HTTP {status}, session cookie or crumb refused", "refused")
        if status == 404:
            return None
        if status != 200:
            raise _RequestFailed(f"HTTP {status}", "broken")
        try:
            answer = response.json()
        except ValueError:
            raise _RequestFailed("answer is not JSON but perhaps an HTML page", "broken") from None
        if not isinstance(answer, dict) or key not in answer:
            raise _RequestFailed(f"answer lacks {key!r}", "broken")
        return answer

    def _crumb(self) -> str | None:
        """yfinance's crumb, first dropping one that is really an error page ("Too Many Requests")."""
        data = self.data
        with data._cookie_lock:
            if data._crumb is not None and not CRUMB_PATTERN.fullmatch(data._crumb):
                data._crumb = None
        crumb, _strategy = data._get_cookie_and_crumb(timeout=self.timeout)
        return crumb

    def _forget_crumb(self, crumb: str | None) -> None:
        """Make yfinance fetch a new cookie and crumb, unless another thread already did."""
        data = self.data
        with data._cookie_lock:
            if data._crumb == crumb:
                data._crumb = None
                data._cookie = None

    def _wait(self, failure: _RequestFailed, attempt: int) -> None:
        """Back off before the next attempt; a 429 pauses every thread."""
        delay = failure.retry_after
        if delay is None:
            delay = self.backoff * 2**attempt * (0.5 + random.random())
        delay = min(delay, MAX_WAIT)
        if failure.kind == "throttled":
            with self._lock:
                self._pause_until = max(self._pause_until, time.monotonic() + delay)
            self._sleep_until_unpaused()
        elif self.abort.wait(delay):
            raise _Aborted

    def _sleep_until_unpaused(self) -> None:
        while True:
            with self._lock:
                remaining = self._pause_until - time.monotonic()
            if self.abort.is_set():
                raise _Aborted
            if remaining <= 0:
                return
            self.abort.wait(remaining)


class _Aborted(Exception):
    """Another thread has given up on the run."""


class _Batcher:
    """Fetches one batch of quotes, splitting it when its answers stay broken."""

    def __init__(self, client: _Client) -> None:
        self.client = client
        self._failed: set[str] = set()
        self._lock = threading.Lock()

    def failed_symbols(self) -> set[str]:
        """The symbols given up on so far."""
        with self._lock:
            return set(self._failed)

    def fetch(self, symbols: list[str]) -> dict[str, dict]:
        """Quotes by symbol for ``symbols``; gives up on parts that keep failing."""
        params = {"symbols": ",".join(symbols), "fields": ",".join(QUOTE_FIELDS), "formatted": "false", "lang": "en-US", "region": "US"}
        try:
            answer = self.client.get_json(QUOTE_URL, params, key="quoteResponse")
        except _Aborted:
            return {}
        except _RequestFailed as failure:
            if self.client.hopeless(failure):
                self.client.abort.set()
                raise self.client.network_error(failure) from None
            if failure.kind != "broken" or len(symbols) == 1:
                with self._lock:
                    self._failed.update(symbols)
                return {}
            half = len(symbols) // 2
            return {**self.fetch(symbols[:half]), **self.fetch(symbols[half:])}
        wanted = set(symbols)
        result = ((answer or {}).get("quoteResponse") or {}).get("result") or []
        return {q["symbol"]: q for q in result if isinstance(q, dict) and q.get("symbol") in wanted}


def _one_line(exc: Exception) -> str:
    """An exception as a short single line (curl appends a help URL)."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text.split(". See ")[0]


_session_lock = threading.Lock()
_session = None


def _default_session():
    """One session per process, so cookie, crumb and connections outlive a single call."""
    global _session
    with _session_lock:
        if _session is None:
            _session = new_session()
        return _session
