"""One HTTP stack for every outbound request: a curl_cffi session like yfinance's own.

Proxies come from HTTPS_PROXY / HTTP_PROXY / NO_PROXY (libcurl reads them); the CA bundle from
REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE or SSL_CERT_FILE, so users behind corporate proxies need
nothing but their usual environment.

``HttpClient`` adds what the issuers' download sites need on top of the session, paced and
retried by the one policy of ``pacing.py``: spacing between requests to one host, retries with
exponential backoff and jitter on 429/5xx, timeouts, dropped connections and truncated bodies
(honouring Retry-After), a quick one-line ``Unreachable`` (a NetworkError) when the host cannot be
reached at all, and ``HtmlAnswerError`` when a web page keeps coming back where a data file was
expected, so the caller can try another address.
"""

from __future__ import annotations

import email.utils
import os
import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

from ..errors import DataError, NetworkError
from .input_bounds import MAX_BYTES
from .pacing import GaveUp, Pacer, RateBudget, Retry, RetryPolicy, Unreachable
from .parsing import looks_like_html

CA_BUNDLE_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE")

#: Answers worth asking again after a pause; any other 4xx/5xx is final.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

#: libcurl error codes meaning "nothing is listening there": retrying within seconds will not help.
#: 5 could not resolve proxy, 6 could not resolve host, 7 could not connect (also: the proxy
#: refused the CONNECT), 97 proxy handshake failed.
UNREACHABLE_CURL_CODES = frozenset({5, 6, 7, 97})
#: libcurl's "maximum file size exceeded": the answer is larger than the session's size cap
#: (``new_session(max_bytes=...)``), told by Content-Length or found while receiving.
TOO_LARGE_CURL_CODE = 63
#: Most bytes of any answer, declared (Content-Length, then libcurl refuses it before the body)
#: or received after decompression (counted while it arrives, so a gzip bomb stops there): the
#: bound on every input file, 64 MB, 18x the largest real file (the 3.5 MB finviz export), 60x
#: the largest holdings file (a total-market fund, ~1 MB) and ~14x a full 1,500-symbol Yahoo
#: answer. Without it a 300 MB issuer answer took the run to 1.1 GB, a 2 GB gzip bomb to a
#: MemoryError at 4.2 GB.
MAX_ANSWER_BYTES = MAX_BYTES
#: How much of an error answer's body an HttpStatusError keeps (for telling refusals apart).
ERROR_BODY_KEPT = 4096

#: Repeats of a request answered by a web page instead of data before the caller is told (and
#: tries the other address): iShares' page comes and goes within seconds.
HTML_RETRIES = 2


def ca_bundle() -> str | bool:
    """The CA bundle file named by the environment, or True for curl's default store."""
    for name in CA_BUNDLE_VARIABLES:
        path = os.environ.get(name)
        if path:
            return path
    return True


def new_session(*, max_bytes: int | None = MAX_ANSWER_BYTES):
    """A browser-impersonating curl_cffi session honouring proxy and CA variables.

    ``max_bytes``: libcurl aborts any answer that declares more (a DataError from HttpClient.get);
    :func:`receive` also counts what arrives.
    """
    from curl_cffi import CurlOpt
    from curl_cffi import requests as curl_requests

    options = {CurlOpt.MAXFILESIZE_LARGE: max_bytes} if max_bytes is not None else None
    return curl_requests.Session(impersonate="chrome", verify=ca_bundle(), trust_env=True, curl_options=options)


class AnswerTooLarge(DataError):
    """An answer larger than :data:`MAX_ANSWER_BYTES`, declared or as it arrived (decompressed)."""


def receive(session: Any, url: str, *, limit: int = MAX_ANSWER_BYTES, **options: Any) -> tuple[Any, bytes]:
    """GET ``url`` on ``session`` (``options`` as for ``session.get``); the response and its body,
    which is taken as it arrives (decompressed) and refused past ``limit`` bytes with
    AnswerTooLarge, so no answer, compressed or not, can take more memory than that. Other
    curl_cffi errors pass."""
    from curl_cffi.curl import CURL_WRITEFUNC_ERROR
    from curl_cffi.requests.exceptions import RequestException

    body = bytearray()
    refused = threading.Event()

    def take(chunk: bytes) -> int:
        if len(body) + len(chunk) > limit:
            refused.set()
            return CURL_WRITEFUNC_ERROR
        body.extend(chunk)
        return len(chunk)

    try:
        response = session.get(url, content_callback=take, **options)
    except RequestException as error:
        if refused.is_set() or getattr(error, "code", None) == TOO_LARGE_CURL_CODE:
            host = urlsplit(url).hostname or url
            cap = f"{limit / 2**20:.0f} MB" if limit >= 2**20 else f"{limit:,} bytes"
            raise AnswerTooLarge(
                f"{host} sent more than {cap} for {url.split('?')[0]}, more than this client accepts of any real answer; is it the right address?"
            ) from None
        raise
    return response, bytes(body)


class HtmlAnswerError(DataError):
    """A web page (often a bot wall or an error page) came back where a data file was expected."""


class HttpStatusError(NetworkError):
    """The server answered with an HTTP error status that retrying did not cure."""

    def __init__(self, message: str, status: int, body: bytes = b"") -> None:
        super().__init__(message)
        self.status = status
        #: The start of the answer's body (at most ERROR_BODY_KEPT bytes): SEC tells its two
        #: kinds of 403 apart only there.
        self.body = body


@dataclass(frozen=True)
class Fetched:
    """A successful answer: the body, and the URL it finally came from (after redirects)."""

    url: str
    body: bytes
    content_type: str


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


class HttpClient:
    """GET with politeness spacing, retries and clear errors; counts requests per host.

    Requests are paced by ``pacer`` (see ``pacing.py``: the same policy as the Yahoo client's),
    or, when none is given, by a pacer of this client's own that keeps ``spacing`` seconds
    between two requests to one host and retries as ``timeout``, ``retries``, ``backoff`` and
    ``max_wait`` say. ``sleep``, ``clock`` and ``jitter`` are injectable so tests run without
    real waiting. A 429 whose Retry-After exceeds ``max_wait`` is given up on at once.
    """

    def __init__(
        self,
        session: Any = None,
        *,
        pacer: Pacer | None = None,
        timeout: float = 30.0,
        retries: int = 4,
        backoff: float = 1.0,
        max_wait: float = 60.0,
        spacing: float = 2.0,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
        max_bytes: int = MAX_ANSWER_BYTES,
    ) -> None:
        self._session = session
        #: No answer is taken past this many bytes, decompressed (see :func:`receive`).
        self.max_bytes = max_bytes
        self._owns_session = session is None
        if pacer is None:
            policy = RetryPolicy(retries=retries, backoff=backoff, timeout=timeout, max_ban_wait=max_wait)
            budget = RateBudget(rate=1 / spacing) if spacing > 0 else RateBudget()
            pacer = Pacer(policy, default_budget=budget, sleep=sleep, clock=clock, jitter=jitter)
        self.pacer = pacer
        self._lock = threading.Lock()
        #: Attempts made per host name, retries included.
        self.requests: Counter[str] = Counter()

    @property
    def session(self) -> Any:
        if self._session is None:
            self._session = new_session(max_bytes=self.max_bytes)
        return self._session

    def close(self) -> None:
        """Close the session if this client created it."""
        if self._owns_session and self._session is not None:
            self._session.close()
            self._session = None

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        expect: str | None = None,
        paced_as: str | None = None,
    ) -> Fetched:
        """GET ``url``, retrying what is worth retrying.

        ``expect`` names the data format wanted (e.g. "CSV"); when given, an HTML answer is asked
        for again (after a pause: the issuers' web pages come and go) and, if it persists, raises
        HtmlAnswerError. ``paced_as`` names the budget the request draws on when it is not the
        host's own (the SEC's 10 requests/s cover www.sec.gov and data.sec.gov together).
        Raises NetworkError (HttpStatusError for a final HTTP status) otherwise, and DataError
        for an answer over the session's size cap.
        """
        host = urlsplit(url).hostname or url

        def attempt(timeout: float) -> Fetched:
            with self._lock:
                self.requests[host] += 1
            fetched = self._get_once(url, host, params, headers, timeout)
            if expect and looks_like_html(fetched.body):
                raise _WebPage(f"{host} answered a web page instead of {expect} for {fetched.url}", retries=HTML_RETRIES)
            return fetched

        try:
            return self.pacer.call(paced_as or host, attempt)
        except GaveUp as failure:
            if isinstance(failure.last, _WebPage):
                raise HtmlAnswerError(failure.last.reason) from None
            raise NetworkError(f"{failure} for {url}; try again later") from None

    def _get_once(
        self, url: str, host: str, params: Mapping[str, str] | None, headers: Mapping[str, str] | None, timeout: float
    ) -> Fetched:
        from curl_cffi.requests import exceptions as curl_errors

        try:
            response, body = receive(self.session, url, limit=self.max_bytes, params=params, headers=headers, timeout=timeout)
        except (curl_errors.Timeout, curl_errors.IncompleteRead) as error:
            raise Retry(_curl_reason(error), answered=isinstance(error, curl_errors.IncompleteRead)) from None
        except curl_errors.SSLError as error:
            raise NetworkError(
                f"TLS to {host} failed ({_curl_reason(error)}): if a proxy inspects TLS, point "
                "REQUESTS_CA_BUNDLE at its CA certificate"
            ) from None
        except curl_errors.RequestException as error:
            if is_unreachable(error):
                raise Unreachable(
                    f"cannot reach {host} ({_curl_reason(error)}): check the network connection "
                    "and HTTPS_PROXY/NO_PROXY"
                ) from None
            if isinstance(error, curl_errors.ConnectionError):
                raise Retry(_curl_reason(error), answered=False) from None
            raise NetworkError(f"request to {url} failed: {_curl_reason(error)}") from None

        status = response.status_code
        if status in RETRY_STATUSES:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            raise Retry(f"HTTP {status}", retry_after=retry_after, throttled=status == 429)
        if status >= 400:
            raise HttpStatusError(f"{host} answered HTTP {status} for {url}", status, body[:ERROR_BODY_KEPT])
        expected = response.headers.get("Content-Length")
        # libcurl usually reports a short body itself; this catches the cases it lets through.
        if expected and expected.isdigit() and not response.headers.get("Content-Encoding"):
            if len(body) != int(expected):
                raise Retry(f"truncated body, {len(body)} of {expected} bytes")
        return Fetched(url=str(response.url), body=body, content_type=response.headers.get("Content-Type", ""))


class _WebPage(Retry):
    """An HTML page where data was expected: asked for again a few times, then HtmlAnswerError."""


def is_unreachable(error: Exception) -> bool:
    """Whether a curl_cffi error means nothing answers at all (no network, unknown host, no proxy)."""
    from curl_cffi.requests import exceptions as curl_errors

    code = getattr(error, "code", None)
    return isinstance(error, curl_errors.ProxyError) or (code is not None and int(code) in UNREACHABLE_CURL_CODES)


def _curl_reason(error: Exception) -> str:
    """libcurl's own short reason ("Could not resolve host: ...") without the boilerplate around it."""
    found = re.search(r"curl: \(\d+\) (.*?)(?:\. See https://curl\.se.*)?$", str(error))
    return found.group(1) if found else str(error)
