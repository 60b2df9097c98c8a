"""A stand-in for the issuers' download sites on 127.0.0.1: iShares, SSGA, Vanguard, WisdomTree and
Schwab, serving sample files in each issuer's own format (see tests/standins/issuer_files.py).

It answers at the issuers' real paths (see smallcap_screen/sources/issuers/), so the production URL building
is exercised; only the scheme and host differ. Vanguard's API is paged by ``start``/``count`` from
one JSON file; WisdomTree's fund page names the class id its API is then asked for; Schwab's
product page links the dated CSV export. Tests queue faults per route to make
the next answers misbehave the way the real sites do, and read ``log`` to see what was asked.

    with IssuerStandIn({"IWM": raw_dir / "IWM_holdings_2025-11-05.csv"}) as site:
        site.inject("ajax", HTML_PAGE)          # the next documented-URL answer is a web page
        download_holdings(get_fund("IWM"), base_urls=site.base_urls, client=...)

iShares' past days (``&asOfDate=YYYYMMDD``) are served by ``dated``: a function (ticker, day) →
the file's bytes, or None for a day without a file, answered as iShares does (HTTP 200 and the
empty template ``Fund Holdings as of,"-"``); :func:`dated_files` makes one from files by day.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Callable, Iterable, Mapping
from urllib.parse import parse_qs, urlsplit

from smallcap_screen.registry import registry
from tests.standins.server import BackgroundServer

ROUTES = {
    "ajax": re.compile(r"^/us/products/(?P<id>\d+)/[\w-]+/1467271812596\.ajax$"),
    "latest": re.compile(r"^/us/products/(?P<id>\d+)/[\w-]+/latest-holdings\.csv$"),
    # The public SSGA address only redirects (like the real site) to where the file is.
    "ssga": re.compile(r"^/us/en/intermediary/library-content/products/fund-data/etfs/us/holdings-daily-us-en-(?P<ticker>[a-z]+)\.xlsx$"),
    "ssga-file": re.compile(r"^/library-content/products/fund-data/etfs/us/holdings-daily-us-en-(?P<ticker>[a-z]+)\.xlsx$"),
    "vanguard": re.compile(r"^/investment-products/etfs/profile/api/(?P<ticker>[A-Z]+)/portfolio-holding/stock$"),
    "wisdomtree-page": re.compile(r"^/us/products/(?P<page>[a-z-]+/[a-z]+)$"),
    "wisdomtree-api": re.compile(r"^/api/fund-holdings/(?P<class_id>\d+)$"),
    "schwab-page": re.compile(r"^/products/(?P<ticker>[a-z]+)$"),
    "schwab-file": re.compile(r"^/sites/g/files/eyrktu361/files/product_files/(?P<ticker>[A-Z]+)/[A-Z]+_FundHoldings_[\d-]+\.CSV$"),
}
CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".json": "application/json",
}
TICKER_BY_PRODUCT_ID = {f.issuer_id.split("/")[0]: f.ticker for f in registry().funds.values() if f.issuer == "ishares"}
TICKER_BY_PAGE = {f.issuer_id: f.ticker for f in registry().funds.values() if f.issuer == "wisdomtree"}
#: The stand-in's WisdomTree class ids: made up (the real ids are read from the real pages).
CLASS_ID_BASE = 9000000


@dataclass(frozen=True)
class Fault:
    """How one answer misbehaves: another status or body, extra headers, a delay, a cut-off body,
    or a body made while it is sent (``stream``: chunks, sent chunked unless ``declared`` gives a
    Content-Length)."""

    status: int = 200
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    truncate: bool = False
    stream: Callable[[], Iterable[bytes]] | None = None
    declared: int | None = None


def status(code: int, retry_after: str | None = None) -> Fault:
    """An error answer, e.g. ``status(429, retry_after="3")``."""
    headers = (("Retry-After", retry_after),) if retry_after is not None else ()
    return Fault(status=code, body=f"HTTP {code}".encode(), headers=headers)


#: What iShares sent in 2026 instead of a CSV now and then: a normal web page with status 200.
HTML_PAGE = Fault(
    body=b"<!DOCTYPE html>\n<html lang=\"en\"><head><title>iShares</title></head><body>Please enable JavaScript</body></html>",
    headers=(("Content-Type", "text/html; charset=utf-8"),),
)
TRUNCATED = Fault(truncate=True)

#: What serves iShares' past days: (fund ticker, day) → the file's bytes, or None (no file that day).
DatedFiles = Callable[[str, dt.date], "bytes | None"]


def empty_template(fund_name: str) -> bytes:
    """iShares' answer for a day without holdings: HTTP 200, the preamble with "-" and no table."""
    return (
        f'\ufeff{fund_name}\nFund Holdings as of,"-"\nInception Date,"May 22, 2000"\n'
        'Shares Outstanding,"-"\nStock,"-"\nBond,"-"\nCash,"-"\nOther,"-"\n\xa0\n'
    ).encode()


def dated_files(files: Mapping[str, Mapping[dt.date, Path]]) -> DatedFiles:
    """Serve ``files[ticker][day]`` for the days given; every other day has no file."""
    return lambda ticker, day: files[ticker][day].read_bytes() if day in files.get(ticker, {}) else None


#: iShares' answer for a date without holdings: the preamble with "-" for the date, and no table.
EMPTY_ISHARES = Fault(body=empty_template("iShares Russell 2000 ETF"))


@dataclass(frozen=True)
class Request:
    route: str
    path: str
    query: dict[str, str]
    #: As received: an ``email.message.Message``, so names are case-insensitive as in HTTP
    #: (curl_cffi 0.17's Chrome impersonation sends them in lower case).
    headers: Message = field(repr=False)


class IssuerStandIn(BackgroundServer):
    """The stand-in server; ``files`` maps a fund ticker to the sample file served for it."""

    def __init__(self, files: Mapping[str, Path], *, latency: float = 0.0, dated: DatedFiles | None = None) -> None:
        super().__init__(_Handler)
        self.files = {ticker.upper(): Path(path) for ticker, path in files.items()}
        self.dated = dated
        self.latency = latency
        self.log: list[Request] = []
        #: Further files served as they are, by path (for issuers a test makes up).
        self.extra_routes: dict[str, Path] = {}
        self._faults: dict[str, deque[Fault]] = {route: deque() for route in ROUTES}
        self._lock = threading.Lock()

    @property
    def base_urls(self) -> dict[str, str]:
        """The ``base_urls`` argument that points the downloads here."""
        return {issuer: self.url for issuer in ("ishares", "ssga", "vanguard", "wisdomtree", "schwab")}

    def inject(self, route: str, *faults: Fault) -> None:
        """Make the next answers on ``route`` (a key of ROUTES) misbehave, in order."""
        with self._lock:
            self._faults[route].extend(faults)

    def class_id(self, ticker: str) -> int:
        """The WisdomTree class id this stand-in gives a fund's holdings."""
        return CLASS_ID_BASE + sorted(self.files).index(ticker)

    def requests_on(self, route: str) -> list[Request]:
        return [r for r in self.log if r.route == route]

    def next_fault(self, route: str) -> Fault | None:
        with self._lock:
            queue = self._faults[route]
            return queue.popleft() if queue else None


def _ticker_of_class_id(site: IssuerStandIn, class_id: str | None) -> str:
    if not class_id:
        return ""
    tickers = sorted(site.files)
    index = int(class_id) - CLASS_ID_BASE
    return tickers[index] if 0 <= index < len(tickers) else ""


def wisdomtree_page(class_id: int) -> bytes:
    """A fund page as the Next.js site sends it: the class id inside an escaped script string."""
    chunk = f'0:{{\\"fundTicker\\":\\"DES\\",\\"wtClassID\\":{class_id},\\"nav\\":34.5}}'
    return f'<!DOCTYPE html><html><body><script>self.__next_f.push([1,"{chunk}"])</script></body></html>'.encode()


def schwab_page(ticker: str, path: Path) -> bytes:
    """A product page whose "Export All Holdings" link names the export by its As-Of-Date."""
    as_of = path.read_text(encoding="utf-8").splitlines()[1].split(",")[0]
    link = f"/sites/g/files/eyrktu361/files/product_files/{ticker}/{ticker}_FundHoldings_{as_of}.CSV"
    return f'<!DOCTYPE html><html><body><p>As of {as_of} <a href="{link}">Export All Holdings</a></p></body></html>'.encode()


def vanguard_page(body: bytes, *, start: int, count: int) -> bytes:
    """One page of a whole Vanguard answer: entities ``start`` (1-based) to ``start + count - 1``."""
    answer = json.loads(body)
    entities = answer["fund"]["entity"]
    page = {**answer, "size": len(entities), "fund": {**answer["fund"], "entity": entities[start - 1 : start - 1 + count]}}
    return json.dumps(page).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as browsers and curl use it
    disable_nagle_algorithm = True  # without it every keep-alive answer stalls ~40 ms

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        site: IssuerStandIn = self.server.owner  # type: ignore[attr-defined]
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        route, match = next(((name, m) for name, rx in ROUTES.items() if (m := rx.match(parts.path))), ("", None))
        site.log.append(Request(route, parts.path, query, self.headers))
        if site.latency:
            time.sleep(site.latency)
        if match is None and parts.path in site.extra_routes:
            return self._answer(200, site.extra_routes[parts.path].read_bytes())
        if match is None:
            return self._answer(404, b"not found")
        fault = site.next_fault(route) or Fault()
        if fault.delay:
            time.sleep(fault.delay)
        if fault.stream is not None:
            return self._stream(fault)
        if fault.body is not None or fault.status != 200:
            return self._answer(fault.status, fault.body or b"", fault.headers, truncate=fault.truncate)
        if route == "ssga":
            return self._answer(302, b"", (("Location", parts.path.removeprefix("/us/en/intermediary")),))
        found = match.groupdict()
        ticker = (
            found.get("ticker", "").upper()
            or TICKER_BY_PRODUCT_ID.get(found.get("id", ""), "")
            or TICKER_BY_PAGE.get(found.get("page", ""), "")
            or _ticker_of_class_id(site, found.get("class_id"))
        )
        if route == "ajax" and (query.get("fileType") != "csv" or query.get("fileName") != f"{ticker}_holdings"):
            return self._answer(400, b"bad download parameters")
        if route == "ajax" and "asOfDate" in query:
            return self._answer_dated(site, ticker, query["asOfDate"])
        path = site.files.get(ticker)
        if path is None:
            return self._answer(404, b"no such fund")
        html = (("Content-Type", "text/html; charset=utf-8"),)
        if route == "wisdomtree-page":
            return self._answer(200, wisdomtree_page(site.class_id(ticker)), html)
        if route == "schwab-page":
            return self._answer(200, schwab_page(ticker, path), html)
        body = path.read_bytes()
        if route == "vanguard":
            body = vanguard_page(body, start=int(query.get("start", "1")), count=int(query.get("count", "500")))
        content_type = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
        self._answer(200, body, (("Content-Type", content_type),), truncate=fault.truncate)

    def _stream(self, fault: Fault) -> None:
        self.send_response(fault.status)
        for name, value in fault.headers:
            self.send_header(name, value)
        chunked = fault.declared is None
        self.send_header(*(("Transfer-Encoding", "chunked") if chunked else ("Content-Length", str(fault.declared))))
        self.end_headers()
        for chunk in fault.stream():
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def _answer_dated(self, site: IssuerStandIn, ticker: str, as_of: str) -> None:
        try:
            day = dt.datetime.strptime(as_of, "%Y%m%d").date()
        except ValueError:
            return self._answer(400, b"bad asOfDate")
        fund = registry().funds.get(ticker)
        if site.dated is None or fund is None:
            return self._answer(404, b"no such fund")
        body = site.dated(ticker, day)
        self._answer(200, body if body is not None else empty_template(fund.name), (("Content-Type", CONTENT_TYPES[".csv"]),))

    def _answer(
        self, code: int, body: bytes, headers: tuple[tuple[str, str], ...] = (), *, truncate: bool = False
    ) -> None:
        self.send_response(code)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if truncate:
            # Promise the whole body, send half, hang up: what a dropped download looks like.
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)
