"""A stand-in for the SEC's www.sec.gov and data.sec.gov on 127.0.0.1.

It serves documents by path (``documents``: URL path → file or bytes), as the SEC does, and
enforces the SEC's fair-access rules the way the SEC does: a request without a declared
User-Agent ("Name email") gets the SEC's 403 page for an undeclared automated tool, and a client
that sends more than 10 requests in one second is blocked with the 403 "Request Rate Threshold
Exceeded" page (here for ``block_seconds``; ``max_per_second`` sets another limit, for tests whose
subject is not the SEC's pace: they give the client a budget under it, see test_backfill.py). ``companyconcept`` answers are cut from the
company's ``companyfacts`` document, as the SEC's are one concept of it.

Tests queue faults (``inject``) to make the next answers misbehave, and read ``log`` (time,
path, User-Agent of every request) to count requests and check the rate.

    with SecStandIn({"/files/company_tickers.json": FIXTURES / "company_tickers.json"}) as sec:
        client = SecClient("Jane Doe jane@example.com", data_url=sec.url, www_url=sec.url)
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from tests.standins.issuers import Fault
from tests.standins.server import BackgroundServer

#: The SEC's answer to a request without a declared User-Agent (its page's wording).
UNDECLARED_TOOL_PAGE = (
    b"<html><head><title>SEC.gov | Request Rate Threshold Exceeded</title></head><body>"
    b"<h1>Your Request Originates from an Undeclared Automated Tool</h1>"
    b"<p>To allow for equitable access to all users, SEC reserves the right to limit requests originating "
    b"from undeclared automated tools. Your request has been identified as part of a network of automated "
    b"tools outside of the acceptable policy and will be managed until action is taken to declare your traffic.</p>"
    b"<p>Please declare your traffic by updating your user agent to include company specific information.</p></body></html>"
)
#: The SEC's answer to a client over 10 requests per second (it then blocks for ~10 minutes).
RATE_EXCEEDED_PAGE = (
    b"<html><head><title>SEC.gov | Request Rate Threshold Exceeded</title></head><body>"
    b"<h1>Request Rate Threshold Exceeded</h1><p>Your request rate has exceeded the SEC's maximum "
    b"allowed request rate of 10 requests per second.</p></body></html>"
)
CONCEPT = re.compile(r"^/api/xbrl/companyconcept/CIK(?P<cik>\d{10})/(?P<taxonomy>[\w-]+)/(?P<concept>\w+)\.json$")


@dataclass(frozen=True)
class Request:
    at: float  # time.monotonic() when the request arrived
    path: str
    user_agent: str | None


def declared(user_agent: str | None) -> bool:
    """Whether a User-Agent declares a contact, as the SEC asks ("Name email")."""
    return bool(user_agent) and "@" in user_agent and len(user_agent.split()) >= 2


class SecStandIn(BackgroundServer):
    """The stand-in; ``documents`` maps a URL path to the file (or bytes) served for it."""

    def __init__(
        self, documents: Mapping[str, Path | bytes] | None = None, *, latency: float = 0.0, block_seconds: float = 600.0, max_per_second: int = 10
    ) -> None:
        super().__init__(_Handler)
        self.documents: dict[str, Path | bytes] = dict(documents or {})
        self.latency = latency
        self.block_seconds = block_seconds
        self.max_per_second = max_per_second
        self.log: list[Request] = []
        self.blocked_until = 0.0
        self._faults: deque[Fault] = deque()
        self._lock = threading.Lock()

    def inject(self, *faults: Fault) -> None:
        """Make the next answers (whatever their path) misbehave, in order."""
        with self._lock:
            self._faults.extend(faults)

    def next_fault(self) -> Fault | None:
        with self._lock:
            return self._faults.popleft() if self._faults else None

    def most_in_one_second(self) -> int:
        """The most requests that arrived within any one second (a sliding window)."""
        times = sorted(r.at for r in self.log)
        most, first = 0, 0
        for last, at in enumerate(times):
            while at - times[first] >= 1.0:
                first += 1
            most = max(most, last - first + 1)
        return most

    def record(self, path: str, user_agent: str | None) -> bool:
        """Log a request; whether it is within the rate (else the client is now blocked)."""
        with self._lock:
            now = time.monotonic()
            self.log.append(Request(now, path, user_agent))
            if now < self.blocked_until:
                return False
            recent = sum(1 for r in self.log if r.at > now - 1.0)
            if recent > self.max_per_second:
                self.blocked_until = now + self.block_seconds
                return False
            return True

    def body(self, path: str) -> bytes | None:
        found = self.documents.get(path)
        if found is not None:
            return found if isinstance(found, bytes) else Path(found).read_bytes()
        concept = CONCEPT.match(path)
        if concept is None:
            return None
        facts = self.body(f"/api/xbrl/companyfacts/CIK{concept['cik']}.json")
        if facts is None:
            return None
        document = json.loads(facts)
        entry = document["facts"].get(concept["taxonomy"], {}).get(concept["concept"])
        if entry is None:
            return None
        answer = {
            "cik": document["cik"],
            "taxonomy": concept["taxonomy"],
            "tag": concept["concept"],
            "label": entry.get("label"),
            "description": entry.get("description"),
            "entityName": document["entityName"],
            "units": entry["units"],
        }
        return json.dumps(answer, separators=(",", ":")).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # without it every keep-alive answer stalls ~40 ms

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        site: SecStandIn = self.server.owner  # type: ignore[attr-defined]
        path = urlsplit(self.path).path
        user_agent = self.headers.get("User-Agent")
        within_rate = site.record(path, user_agent)
        if site.latency:
            time.sleep(site.latency)
        if not declared(user_agent):
            return self._answer(403, UNDECLARED_TOOL_PAGE, "text/html")
        if not within_rate:
            return self._answer(403, RATE_EXCEEDED_PAGE, "text/html")
        fault = site.next_fault()
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            return self._answer(fault.status, fault.body or b"", "text/html", fault.headers)
        body = site.body(path)
        if body is None:
            return self._answer(404, b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code></Error>', "application/xml")
        return self._answer(200, body, "application/json")

    def _answer(self, code: int, body: bytes, content_type: str, headers: tuple[tuple[str, str], ...] = ()) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
