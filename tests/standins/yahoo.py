"""A stand-in for Yahoo Finance on 127.0.0.1 that the unmodified yfinance 1.7 code can talk to.

It answers what yfinance asks for: the cookie handshake (fc.yahoo.com, or the guce/consent
form as fallback), the crumb, batched v7 quotes, v10 quoteSummary, v8 chart and the
fundamentals-timeseries call that ``Ticker.info`` makes. Data comes from a dict
symbol → v7 quote fields (see ``quotes_from_fundamentals``). Faults are set per test:
latency, a requests-per-second limit, and queues of the next N bad answers.

Routing is by path only, so the same server also works behind an HTTPS proxy that keeps
the real host names. ``standin_session`` gives a curl_cffi session that sends Yahoo's
hosts to the stand-in instead.
"""

from __future__ import annotations

import collections
import json
import math
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import pandas as pd

from smallcap_screen.sources.http import new_session
from tests.standins.server import QuietServer

#: Resolves to 127.0.0.1 without DNS; it must contain "yahoo", else yfinance does not find
#: its cookie in the jar and fetches a new one before every call.
STANDIN_HOST = "yahoo-emu.localhost"
YAHOO_HOSTS = (
    "query1.finance.yahoo.com",
    "query2.finance.yahoo.com",
    "fc.yahoo.com",
    "guce.yahoo.com",
    "consent.yahoo.com",
)
#: Paths whose answers carry data; faults and crumb checks apply to these.
DATA_ROUTES = (
    "/v7/finance/quote",
    "/v10/finance/quoteSummary",
    "/v8/finance/chart",
    "/ws/fundamentals-timeseries/v1/finance/timeseries",
)
CRUMB_ROUTES = ("/v7/finance/quote", "/v10/finance/quoteSummary")
COOKIE_ROUTE = "/"  # fc.yahoo.com
CRUMB_ROUTE = "/v1/test/getcrumb"
THROTTLED = "Too Many Requests"
SUMMARY_NOT_FOUND = "Quote not found for symbol: {}"


@dataclass
class _Fault:
    kind: str  # "status", "truncate", "html" or "hang"
    status: int = 500
    retry_after: int | None = None
    seconds: float = 0.0


def quotes_from_fundamentals(table: pd.DataFrame) -> dict[str, dict]:
    """v7 quote fields per symbol from a ``Fundamentals.table``; missing values are left out, as Yahoo does."""
    quotes = {}
    for symbol, row in zip(table.index, table.to_dict("records")):  # iterrows took 0.4 s for the 10,000 stocks of a whole finviz file
        price, eps, forward, book = row["price"], row["eps_trailing"], row["eps_forward"], row["book_per_share"]
        currency = _text(row["currency"]) or "USD"
        fields = {
            "symbol": symbol,
            "shortName": symbol,
            "quoteType": "EQUITY",
            "currency": currency,
            "financialCurrency": _text(row["financial_currency"]) or currency,
            "regularMarketPrice": price,
            "epsTrailingTwelveMonths": eps,
            "epsForward": forward,
            "epsCurrentYear": row["eps_fy1"],
            "trailingAnnualDividendYield": row["dividend_yield"],
            "trailingPE": price / eps if eps > 0 else math.nan,
            "forwardPE": price / forward if forward > 0 else math.nan,
            "marketCap": row["market_cap"],
            "sharesOutstanding": row["shares"],
            "bookValue": book,
            "priceToBook": price / book if book > 0 else math.nan,
        }
        quotes[str(symbol)] = {k: v for k, v in fields.items() if not (isinstance(v, float) and math.isnan(v))}
    return quotes


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def standin_session(base_url: str):
    """A curl_cffi session (from the project's ``new_session``) that sends Yahoo's hosts to ``base_url``."""
    session = new_session()
    send = session.request

    def request(method, url, *args, **kwargs):
        for host in YAHOO_HOSTS:
            prefix = f"https://{host}"
            if url.startswith(prefix):
                url = base_url + url[len(prefix):]
                break
        return send(method, url, *args, **kwargs)

    session.request = request  # Session.get/post call self.request, so this catches them all
    return session


def use_private_yfinance_cache(directory) -> None:
    """Point yfinance's cookie/timezone caches at ``directory``; call before yfinance first uses them."""
    import yfinance as yf

    yf.set_tz_cache_location(str(directory))


class YahooStandIn:
    """A Yahoo Finance stand-in serving ``quotes`` on 127.0.0.1 until ``stop()``.

    ``summaries`` adds quoteSummary modules per symbol (e.g. ``topHoldings`` for a fund).
    ``fiscal_year_ends`` (symbol → epoch seconds) is what defaultKeyStatistics gives as
    ``lastFiscalYearEnd``, as Yahoo does only there (the v7 quote lacks it).
    ``latency`` delays every answer; ``rate_limit`` (requests per second, on the query
    hosts) answers 429 with Retry-After: 1 beyond it, or, with ``ban`` seconds, like a strict
    Yahoo: 429 without Retry-After to every request for ``ban`` seconds after one went over.
    ``max_quote_symbols`` answers HTTP 400 to quote requests with more symbols (a cap on
    symbols per request). ``poisoned`` symbols break every quote request that holds one (HTTP 500,
    as Yahoo has answered for about 1 % of symbols); a request holding one of ``bombs`` is answered
    ``bomb``, a gzip body (see bodies.gzip_bomb). ``consent_wall`` sets no cookie on fc.yahoo.com, as for EU visitors:
    only the consent form (guce/consent.yahoo.com) gives one. ``requests`` counts requests per route:
    the path without the symbol, e.g. ``/v10/finance/quoteSummary``; ``quote_batches``
    lists the symbols of each v7 quote request that got data.
    """

    def __init__(
        self,
        quotes: Mapping[str, dict],
        *,
        summaries: Mapping[str, dict] | None = None,
        fiscal_year_ends: Mapping[str, int] | None = None,
        latency: float = 0.0,
        rate_limit: float | None = None,
        ban: float | None = None,
        max_quote_symbols: int | None = None,
        poisoned: frozenset[str] | set[str] = frozenset(),
        bombs: frozenset[str] | set[str] = frozenset(),
        bomb: bytes = b"",
        consent_wall: bool = False,
    ) -> None:
        self.quotes = dict(quotes)
        self.summaries = dict(summaries or {})
        self.fiscal_year_ends = dict(fiscal_year_ends or {})
        self.latency = latency
        self.rate_limit = rate_limit
        self.ban = ban
        self.max_quote_symbols = max_quote_symbols
        self.poisoned = set(poisoned)
        self.bombs = set(bombs)
        self.bomb = bomb
        self.consent_wall = consent_wall
        self._banned_until = 0.0
        self.requests: collections.Counter[str] = collections.Counter()
        self.quote_batches: list[list[str]] = []
        #: Requests answered 429 for going over ``rate_limit``.
        self.throttled = 0
        self._faults: collections.deque[_Fault] = collections.deque()
        self._crumb_throttles = 0
        self._crumbs: set[str] = set()
        self._accepted: collections.deque[float] = collections.deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = QuietServer(("127.0.0.1", 0), _Handler)
        self._server.standin = self
        self.port = self._server.server_address[1]
        self.url = f"http://{STANDIN_HOST}:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def __enter__(self) -> YahooStandIn:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop serving; hung answers are released at once."""
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())

    # Fault injection: each data request takes the next queued fault, if any.
    def fail_next(self, count: int, status: int = 500, retry_after: int | None = None) -> None:
        """Answer the next ``count`` data requests with ``status`` (429s may carry Retry-After)."""
        self._queue(count, _Fault("status", status=status, retry_after=retry_after))

    def truncate_next(self, count: int) -> None:
        """Cut the connection halfway through the next ``count`` data answers."""
        self._queue(count, _Fault("truncate"))

    def send_html_next(self, count: int) -> None:
        """Answer the next ``count`` data requests with HTTP 200 and an HTML page."""
        self._queue(count, _Fault("html"))

    def hang_next(self, count: int, seconds: float) -> None:
        """Hold the next ``count`` data answers for ``seconds`` (or until stop)."""
        self._queue(count, _Fault("hang", seconds=seconds))

    def throttle_crumb_next(self, count: int) -> None:
        """Answer the next ``count`` crumb requests 429 "Too Many Requests", as Yahoo does."""
        with self._lock:
            self._crumb_throttles += count

    def _queue(self, count: int, fault: _Fault) -> None:
        with self._lock:
            self._faults.extend([fault] * count)

    # Answering.
    def answer(self, handler: _Handler) -> None:
        url = urlsplit(handler.path)
        route, symbol = _route(url.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        with self._lock:
            self.requests[route] += 1
        if self.latency:
            self._stopping.wait(self.latency)
        if route not in (COOKIE_ROUTE, "/consent", "/v2/collectConsent", "/copyConsent") and self._over_rate_limit():
            with self._lock:
                self.throttled += 1
            return handler.send(429, THROTTLED, "text/plain", {} if self.ban else {"Retry-After": "1"})
        if route == COOKIE_ROUTE:
            cookie = {} if self.consent_wall else self._cookie_header(handler)
            return handler.send(404, "<html><body>Not found</body></html>", "text/html", cookie)
        if route == "/consent":
            return handler.send(200, _CONSENT_FORM, "text/html")
        if route == "/v2/collectConsent":
            return handler.send(200, "<html><body>ok</body></html>", "text/html", self._cookie_header(handler))
        if route == "/copyConsent":
            return handler.send(200, "<html><body>ok</body></html>", "text/html")
        if route == CRUMB_ROUTE:
            return self._answer_crumb(handler)
        if route not in DATA_ROUTES:
            return handler.send_json(404, {"finance": {"result": None, "error": {"code": "Not Found"}}})
        if route in CRUMB_ROUTES and query.get("crumb") not in self._crumbs:
            error = {"code": "Unauthorized", "description": "Invalid Crumb"}
            return handler.send_json(401, {"finance": {"result": None, "error": error}})
        with self._lock:
            fault = self._faults.popleft() if self._faults else None
        if fault is not None and self._apply(fault, handler):
            return
        if route == "/v7/finance/quote":
            return self._answer_quote(handler, query)
        if route == "/v10/finance/quoteSummary":
            return self._answer_summary(handler, symbol, query)
        if route == "/v8/finance/chart":
            return self._answer_chart(handler, symbol)
        return handler.send_json(200, {"timeseries": {"result": [], "error": None}})

    def _over_rate_limit(self) -> bool:
        if self.rate_limit is None:
            return False
        now = time.monotonic()
        with self._lock:
            if now < self._banned_until:
                return True
            while self._accepted and self._accepted[0] <= now - 1.0:
                self._accepted.popleft()
            if len(self._accepted) >= self.rate_limit:
                if self.ban:
                    self._banned_until = now + self.ban
                return True
            self._accepted.append(now)
            return False

    def _cookie_header(self, handler: _Handler) -> dict[str, str]:
        expires = formatdate(time.time() + 365 * 86400, usegmt=True)
        cookie = f"A3=d=emu{secrets.token_hex(8)}; Expires={expires}; Path=/; HttpOnly"
        if handler.headers.get("Host", "").split(":")[0].endswith("yahoo.com"):
            cookie += "; Domain=.yahoo.com; Secure"  # behind a proxy that keeps Yahoo's host names
        return {"Set-Cookie": cookie}

    def _answer_crumb(self, handler: _Handler) -> None:
        with self._lock:
            throttled = self._crumb_throttles > 0
            if throttled:
                self._crumb_throttles -= 1
        if throttled:
            return handler.send(429, THROTTLED, "text/plain")
        if "A3=" not in handler.headers.get("Cookie", ""):
            return handler.send_json(401, {"finance": {"result": None, "error": {"code": "Unauthorized", "description": "Invalid Cookie"}}})
        crumb = secrets.token_urlsafe(8)
        with self._lock:
            self._crumbs.add(crumb)
        handler.send(200, crumb, "text/plain")

    def _apply(self, fault: _Fault, handler: _Handler) -> bool:
        """Answer with ``fault``; False when the fault only delays a normal answer."""
        if fault.kind == "status":
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            body = THROTTLED if fault.status == 429 else "<html><body>Internal error</body></html>"
            handler.send(fault.status, body, "text/plain" if fault.status == 429 else "text/html", headers)
            return True
        if fault.kind == "html":
            handler.send(200, "<!DOCTYPE html><html><body>Will be right back...</body></html>", "text/html")
            return True
        if fault.kind == "truncate":
            handler.send_truncated(json.dumps({"quoteResponse": {"result": list(self.quotes.values())[:50], "error": None}}))
            return True
        self._stopping.wait(fault.seconds)
        return False

    def _answer_quote(self, handler: _Handler, query: dict[str, str]) -> None:
        symbols = [s for s in query.get("symbols", "").split(",") if s]
        if self.max_quote_symbols is not None and len(symbols) > self.max_quote_symbols:
            error = {"code": "Bad Request", "description": f"at most {self.max_quote_symbols} symbols per request"}
            return handler.send_json(400, {"finance": {"result": None, "error": error}})
        if self.poisoned.intersection(symbols):
            return handler.send(500, "<html><body>Internal error</body></html>", "text/html")
        if self.bombs.intersection(symbols):
            return handler.send_bytes(200, self.bomb, "application/json", {"Content-Encoding": "gzip"})
        with self._lock:
            self.quote_batches.append(symbols)
        result = [self.quotes[s] for s in symbols if s in self.quotes]
        handler.send_json(200, {"quoteResponse": {"result": result, "error": None}})

    def _answer_summary(self, handler: _Handler, symbol: str, query: dict[str, str]) -> None:
        quote = self.quotes.get(symbol)
        if quote is None:
            error = {"code": "Not Found", "description": SUMMARY_NOT_FOUND.format(symbol)}
            return handler.send_json(404, {"quoteSummary": {"result": None, "error": error}})
        modules = {**_summary_modules(quote, self.fiscal_year_ends.get(symbol)), **self.summaries.get(symbol, {})}
        wanted = query.get("modules", "").split(",")
        result = {name: body for name, body in modules.items() if name in wanted}
        handler.send_json(200, {"quoteSummary": {"result": [result], "error": None}})

    def _answer_chart(self, handler: _Handler, symbol: str) -> None:
        quote = self.quotes.get(symbol)
        if quote is None or "regularMarketPrice" not in quote:
            error = {"code": "Not Found", "description": "No data found, symbol may be delisted"}
            return handler.send_json(404, {"chart": {"result": None, "error": error}})
        handler.send_json(200, {"chart": {"result": [_chart(quote)], "error": None}})


def _route(path: str) -> tuple[str, str]:
    """The route (path without a trailing symbol) and the symbol, if the path names one."""
    for route in ("/v10/finance/quoteSummary", "/v8/finance/chart", "/ws/fundamentals-timeseries/v1/finance/timeseries"):
        if path.startswith(route + "/"):
            return route, path[len(route) + 1:]
    return path, ""


def _summary_modules(quote: dict, fiscal_year_end: int | None = None) -> dict[str, dict]:
    """The quoteSummary modules ``Ticker.info`` asks for, filled from v7 quote fields (formatted=false)."""
    price = quote.get("regularMarketPrice")
    return {
        "quoteType": {"symbol": quote["symbol"], "quoteType": quote.get("quoteType"), "shortName": quote.get("shortName")},
        "summaryDetail": {
            "currency": quote.get("currency"),
            "previousClose": price,
            "trailingPE": quote.get("trailingPE"),
            "forwardPE": quote.get("forwardPE"),
            "marketCap": quote.get("marketCap"),
        },
        "defaultKeyStatistics": {
            "trailingEps": quote.get("epsTrailingTwelveMonths"),
            "forwardEps": quote.get("epsForward"),
            "sharesOutstanding": quote.get("sharesOutstanding"),
            "bookValue": quote.get("bookValue"),
            "priceToBook": quote.get("priceToBook"),
            "lastFiscalYearEnd": fiscal_year_end,
        },
        "financialData": {"currentPrice": price, "financialCurrency": quote.get("financialCurrency")},
        "assetProfile": {},
        "price": {"symbol": quote["symbol"], "regularMarketPrice": price, "currency": quote.get("currency")},
    }


def _chart(quote: dict) -> dict:
    """Five flat daily bars at the quote's price, ending today."""
    price = quote["regularMarketPrice"]
    today = int(time.time()) // 86400 * 86400
    timestamps = [today - (4 - i) * 86400 + 14 * 3600 for i in range(5)]
    meta = {
        "currency": quote.get("currency", "USD"),
        "symbol": quote["symbol"],
        "instrumentType": quote.get("quoteType", "EQUITY"),
        "regularMarketPrice": price,
        "chartPreviousClose": price,
        "regularMarketTime": timestamps[-1],
        "gmtoffset": -14400,
        "timezone": "EDT",
        "exchangeTimezoneName": "America/New_York",
        "priceHint": 2,
        "dataGranularity": "1d",
        "range": "5d",
        "validRanges": ["1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "10y", "ytd", "max"],
    }
    bars = {key: [price] * 5 for key in ("open", "high", "low", "close")}
    return {
        "meta": meta,
        "timestamp": timestamps,
        "indicators": {"quote": [{**bars, "volume": [1000] * 5}], "adjclose": [{"adjclose": [price] * 5}]},
    }


_CONSENT_FORM = """<html><body><form method="post" action="/v2/collectConsent">
<input type="hidden" name="csrfToken" value="emu-csrf"/>
<input type="hidden" name="sessionId" value="emu-session"/>
<button name="agree" value="agree">Accept all</button></form></body></html>"""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as yfinance's curl session expects
    disable_nagle_algorithm = True  # else every keep-alive answer stalls ~40 ms
    server: QuietServer

    def do_GET(self) -> None:
        # yfinance sends the consent form data with a GET too; a body left unread would
        # be taken for the next request on this keep-alive connection.
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.standin.answer(self)

    do_POST = do_GET

    def send(self, status: int, body: str, content_type: str, headers: Mapping[str, str] | None = None) -> None:
        self.send_bytes(status, body.encode(), content_type, headers)

    def send_bytes(self, status: int, data: bytes, content_type: str, headers: Mapping[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def send_json(self, status: int, payload: dict) -> None:
        self.send(status, json.dumps(payload), "application/json")

    def send_truncated(self, body: str) -> None:
        """Promise the whole body, send half of it, and hang up."""
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        self.close_connection = True

    def log_message(self, format, *args) -> None:
        pass
