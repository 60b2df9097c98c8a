"""A stand-in for the iShares and SSGA download sites on 127.0.0.1, serving the real sample files.

It answers at the issuers' real paths (see smallcap_screen.sources.download), so the production
URL building is exercised; only the scheme and host differ. Tests queue faults per route to make
the next answers misbehave the way the real sites do, and read ``log`` to see what was asked.

    with IssuerStandIn({"IWM": raw_dir / "IWM_holdings_2025-11-05.csv"}) as site:
        site.inject("ajax", HTML_PAGE)          # the next documented-URL answer is a web page
        download_holdings(get_fund("IWM"), base_urls=site.base_urls, client=...)
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Mapping
from urllib.parse import parse_qs, urlsplit

from smallcap_screen.registry import FUNDS
from tests.standins.server import BackgroundServer

ROUTES = {
    "ajax": re.compile(r"^/us/products/(?P<id>\d+)/[\w-]+/1467271812596\.ajax$"),
    "latest": re.compile(r"^/us/products/(?P<id>\d+)/[\w-]+/latest-holdings\.csv$"),
    # The public SSGA address only redirects (like the real site) to where the file is.
    "ssga": re.compile(r"^/us/en/intermediary/library-content/products/fund-data/etfs/us/holdings-daily-us-en-(?P<ticker>[a-z]+)\.xlsx$"),
    "ssga-file": re.compile(r"^/library-content/products/fund-data/etfs/us/holdings-daily-us-en-(?P<ticker>[a-z]+)\.xlsx$"),
}
CONTENT_TYPES = {".csv": "text/csv; charset=utf-8", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
TICKER_BY_PRODUCT_ID = {f.product_id: f.ticker for f in FUNDS.values() if f.product_id}


@dataclass(frozen=True)
class Fault:
    """How one answer misbehaves: another status or body, extra headers, a delay, a cut-off body."""

    status: int = 200
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    truncate: bool = False


def status(code: int, retry_after: str | None = None) -> Fault:
    """An error answer, e.g. ``status(429, retry_after="3")``."""
    headers = (("Retry-After", retry_after),) if retry_after is not None else ()
    return Fault(status=code, body=f"HTTP {code}".encode(), headers=headers)


#: What iShares sent in 2026 instead of a CSV now and then: a normal web page with status 200.
HTML_PAGE = Fault(
    body=b"<!DOCTYPE html>\n<html lang=\"en\"><head><title>iShares</title></head><body>Please enable JavaScript</body></html>",
    headers=(("Content-Type", "text/html; charset=utf-8"),),
)
#: iShares' answer for a date without holdings: the preamble with "-" for the date, and no table.
EMPTY_ISHARES = Fault(
    body='\ufeffiShares Russell 2000 ETF\nFund Holdings as of,"-"\nInception Date,"May 22, 2000"\n'
    'Shares Outstanding,"-"\nStock,"-"\nBond,"-"\nCash,"-"\nOther,"-"\n\xa0\n'.encode()
)
TRUNCATED = Fault(truncate=True)


@dataclass(frozen=True)
class Request:
    route: str
    path: str
    query: dict[str, str]
    headers: dict[str, str] = field(repr=False)


class IssuerStandIn(BackgroundServer):
    """The stand-in server; ``files`` maps a fund ticker to the sample file served for it."""

    def __init__(self, files: Mapping[str, Path], *, latency: float = 0.0) -> None:
        super().__init__(_Handler)
        self.files = {ticker.upper(): Path(path) for ticker, path in files.items()}
        self.latency = latency
        self.log: list[Request] = []
        self._faults: dict[str, deque[Fault]] = {route: deque() for route in ROUTES}
        self._lock = threading.Lock()

    @property
    def base_urls(self) -> dict[str, str]:
        """The ``base_urls`` argument that points the downloads here."""
        return {"ishares": self.url, "ssga": self.url}

    def inject(self, route: str, *faults: Fault) -> None:
        """Make the next answers on ``route`` ("ajax", "latest", "ssga", "ssga-file") misbehave, in order."""
        with self._lock:
            self._faults[route].extend(faults)

    def requests_on(self, route: str) -> list[Request]:
        return [r for r in self.log if r.route == route]

    def next_fault(self, route: str) -> Fault | None:
        with self._lock:
            queue = self._faults[route]
            return queue.popleft() if queue else None


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
        site.log.append(Request(route, parts.path, query, dict(self.headers.items())))
        if site.latency:
            time.sleep(site.latency)
        if match is None:
            return self._answer(404, b"not found")
        fault = site.next_fault(route) or Fault()
        if fault.delay:
            time.sleep(fault.delay)
        if fault.body is not None or fault.status != 200:
            return self._answer(fault.status, fault.body or b"", fault.headers, truncate=fault.truncate)
        if route == "ssga":
            return self._answer(302, b"", (("Location", parts.path.removeprefix("/us/en/intermediary")),))
        ticker = match.groupdict().get("ticker", "").upper() or TICKER_BY_PRODUCT_ID.get(match["id"], "")
        if route == "ajax" and (query.get("fileType") != "csv" or query.get("fileName") != f"{ticker}_holdings"):
            return self._answer(400, b"bad download parameters")
        path = site.files.get(ticker)
        if path is None:
            return self._answer(404, b"no such fund")
        content_type = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
        self._answer(200, path.read_bytes(), (("Content-Type", content_type),), truncate=fault.truncate)

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
