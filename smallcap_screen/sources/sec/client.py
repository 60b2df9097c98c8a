"""Every request to the SEC (www.sec.gov, data.sec.gov), under its fair-access rules.

The SEC asks each client to declare who it is in the User-Agent ("Name email") and to send at
most 10 requests per second in all; a client breaking either rule gets HTTP 403, for a fast
client a block of about 10 minutes. So here:

- the User-Agent comes from the config key ``sec_user_agent`` or the environment variable
  ``SMALLCAP_SCREEN_SEC_USER_AGENT`` (:func:`sec_user_agent`); without one nothing is sent;
- both hosts draw on one budget of the shared :class:`~smallcap_screen.sources.pacing.Pacer`
  (``SEC``), kept a little under 10/s so that no second of the server's clock sees an 11th
  request when answers come back unevenly;
- a 403 is final for the whole client: the first one raises :class:`SecRefused` with what to do
  (the SEC's page says which rule was broken), and every later call raises it again without
  asking, since more requests would only extend a block;
- a 429 or 5xx is waited out and retried by the pacer's policy, within ``SEC_POLICY``'s limits;
- answers are capped in size (libcurl aborts past ``max_bytes``), and kept in the download cache
  (``Cache.get_sec``) for ``max_age`` when a cache folder is given.

Why not edgartools (evaluated as 5.62.1): ``import edgar`` takes 1.4-2.0 s and pulls in ~40
packages (httpx, pyarrow, pydantic, lxml ...), its base URLs are module constants read from the
environment when it is first imported (a stand-in can only be set up before that import, once
per process), its HTTP stack (httpx, its own rate limiter and cache) bypasses this project's
proxy/CA handling and pacing, and its TTM helper is not point in time (``as_of`` filters on the
period end, not on the date filed), which is what ``backfill`` needs. The JSON endpoints are
simple enough that a small client on the project's own HTTP layer costs less than adapting it.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from ...errors import DataError, NetworkError, OutputError, UsageError
from ..input_bounds import MAX_BYTES
from ..pacing import Pacer, RateBudget, RetryPolicy

#: The pacer's name for the SEC's budget, shared by www.sec.gov and data.sec.gov.
SEC = "sec.gov"
#: 9 rather than 10 a second: requests leave the pacer 111 ms apart, so that a request delayed on
#: its way (a busy machine, a slow hop) cannot put 11 of them into one second of the server's
#: clock (at 9.5 a second the stand-in SEC saw 11 when the test machine was loaded). It costs
#: 11% over the rule's own floor.
SEC_BUDGET = RateBudget(rate=9.0, burst=1.0)
#: The SEC rarely answers 429 (it blocks with 403 instead); when it does, or a 5xx comes, the
#: storm is waited out for up to 10 minutes, the length of its own blocks.
SEC_POLICY = RetryPolicy(retries=4, backoff=1.0, timeout=60.0, deadline=120.0, max_ban_wait=600.0, first_ban_wait=2.0)
#: How long a cached answer is reused unless the caller says otherwise: a company files a few
#: times a quarter, and the ticker files change by a few names a day.
DEFAULT_MAX_AGE = dt.timedelta(days=1)

USER_AGENT_VARIABLE = "SMALLCAP_SCREEN_SEC_USER_AGENT"
MISSING_USER_AGENT = (
    "the SEC asks every client to say who it is: set sec_user_agent = \"Your Name you@example.com\" "
    f"in the config file (see `smallcap-screen config show`) or the environment variable {USER_AGENT_VARIABLE}"
)


class SecRefused(NetworkError):
    """The SEC answered 403: a missing or undeclared User-Agent, or a block for asking too fast."""


class SecNotFound(DataError):
    """The SEC has no such document (HTTP 404), e.g. no XBRL facts for a CIK."""


def sec_user_agent(config: Any) -> str:
    """The declared User-Agent from ``config`` (key ``sec_user_agent``, which the environment
    variable SMALLCAP_SCREEN_SEC_USER_AGENT overrides); UsageError saying how to set it if neither is."""
    value = config["sec_user_agent"]
    if not value:
        raise UsageError(MISSING_USER_AGENT)
    return value


def sec_pacer(policy: RetryPolicy = SEC_POLICY, *, budget: RateBudget = SEC_BUDGET, **options: Any) -> Pacer:
    """A pacer with the SEC's budget, or ``budget`` for a host with rules of its own (a mirror, a
    stand-in); ``options`` as for :class:`Pacer` (stop, on_wait, sleep ...)."""
    return Pacer(policy, budgets={SEC: budget}, **options)


_process_pacer: Pacer | None = None
_process_pacer_lock = threading.Lock()


def process_pacer(on_wait: Callable[[str, float, str], None] | None = None) -> Pacer:
    """The pacer every SecClient of this process shares unless given another: the SEC counts
    requests per client machine, so two clients (a backfill's and a live run's N-PORT lookups)
    must not each send 10 a second. One that was stopped (no network, Ctrl-C) is replaced, so that
    a notebook can go on after a failure. ``on_wait`` (host, seconds, reason): who is told of the
    bans it waits out from now on (the newest caller; None leaves it as it is)."""
    global _process_pacer
    with _process_pacer_lock:
        if _process_pacer is None or _process_pacer.stop.is_set():
            _process_pacer = sec_pacer()
        if on_wait is not None:
            _process_pacer.on_wait = on_wait
        return _process_pacer


def _refusal(host: str, url: str, body: bytes) -> str:
    """What the SEC's 403 page says was wrong, as one line saying what to do."""
    page = body.decode("utf-8", "replace").lower()
    if "undeclared automated tool" in page:
        return (
            f"{host} refused the request as coming from an undeclared automated tool (HTTP 403): "
            f"set sec_user_agent (or {USER_AGENT_VARIABLE}) to your name and e-mail, e.g. \"Jane Doe jane@example.com\""
        )
    if "rate threshold" in page:
        return f"{host} blocks this address for asking faster than 10 requests/s (HTTP 403): wait 10 minutes, then run again"
    return (
        f"{host} refused {url} (HTTP 403); the SEC refuses clients without a declared User-Agent "
        f"(sec_user_agent / {USER_AGENT_VARIABLE}) and blocks for ~10 minutes those that asked too fast: check it, wait, run again"
    )


class SecClient:
    """GET documents from the SEC with a declared User-Agent, paced, retried, capped and cached.

    ``data_url`` and ``www_url`` are the two hosts' base addresses (a stand-in's in tests);
    callers build URLs from them. ``cache_dir``: keep answers there (``Cache.get_sec``) and reuse
    them for ``max_age``; or ``cache``, an open :class:`~smallcap_screen.cache.Cache` (anything
    with its ``get_sec`` and ``put_sec``: a live run's). ``pacer``: share one with the rest of a
    run (its ``SEC`` budget is added when missing); by default the process's own
    (:func:`process_pacer`), so that all clients of a process keep to one budget. ``max_bytes``
    caps every answer.
    Safe to use from several threads. Use as a context manager or call :meth:`close`.
    """

    def __init__(
        self,
        user_agent: str,
        *,
        data_url: str = "https://data.sec.gov",
        www_url: str = "https://www.sec.gov",
        cache_dir: Path | None = None,
        cache: Any = None,
        max_age: dt.timedelta = DEFAULT_MAX_AGE,
        pacer: Pacer | None = None,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        if not user_agent or not user_agent.strip():
            raise UsageError(MISSING_USER_AGENT)
        from ...cache import Cache
        from ..http import HttpClient, new_session

        self.user_agent = user_agent.strip()
        self.data_url = data_url.rstrip("/")
        self.www_url = www_url.rstrip("/")
        self.max_age = max_age
        self.max_bytes = max_bytes
        if pacer is None:
            pacer = process_pacer()
        else:
            pacer.budgets.setdefault(SEC, SEC_BUDGET)
        self._session = new_session(max_bytes=max_bytes)
        self._http = HttpClient(self._session, pacer=pacer, max_bytes=max_bytes)
        self._cache = Cache(cache_dir) if cache_dir is not None else cache
        #: Why the cache was dropped for the rest of the run (a full disk ...), for the caller to report.
        self.cache_error: str | None = None
        self._refused: SecRefused | None = None
        self._lock = threading.Lock()
        self._bytes = 0
        self._cache_hits = 0

    @property
    def requests(self) -> int:
        """HTTP requests actually sent (retries included, cache hits not)."""
        return sum(self._http.requests.values())

    @property
    def bytes_received(self) -> int:
        """Bytes of the answers received over HTTP (after decompression)."""
        return self._bytes

    @property
    def cache_hits(self) -> int:
        """Answers taken from the disk cache instead of the network."""
        return self._cache_hits

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> SecClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetched_at(self, url: str) -> dt.datetime | None:
        """When the cached answer for ``url`` was fetched, however old; None when none is kept."""
        if self._cache is None or self.cache_error is not None:
            return None
        cached = self._cache.get_sec(url, dt.timedelta.max)
        return None if cached is None else cached.fetched_at

    def get_json(self, url: str, *, max_age: dt.timedelta | None = None) -> Any:
        """The JSON document at ``url`` (a full URL); DataError if the answer is not JSON."""
        body = self.get_bytes(url, max_age=max_age)
        try:
            return json.loads(body)
        except ValueError:
            raise DataError(f"{urlsplit(url).hostname} answered {url} with something that is not JSON; try again later") from None

    def get_bytes(self, url: str, *, max_age: dt.timedelta | None = None) -> bytes:
        """The body at ``url``, from the cache when one at most ``max_age`` (default: the
        client's) old is there. Raises SecRefused (403), SecNotFound (404), NetworkError, DataError."""
        if self._cache is not None and self.cache_error is None:
            cached = self._cache.get_sec(url, self.max_age if max_age is None else max_age)
            if cached is not None:
                with self._lock:
                    self._cache_hits += 1
                return cached.body
        body = self._download(url)
        if self._cache is not None and self.cache_error is None:
            try:
                self._cache.put_sec(url, body)
            except OutputError as error:
                self.cache_error = str(error)
        return body

    def _download(self, url: str) -> bytes:
        from ..http import HttpStatusError

        if self._refused is not None:
            raise self._refused
        host = urlsplit(url).hostname or url
        try:
            fetched = self._http.get(url, headers={"User-Agent": self.user_agent}, paced_as=SEC)
        except HttpStatusError as error:
            if error.status == 403:
                with self._lock:
                    if self._refused is None:
                        self._refused = SecRefused(_refusal(host, url, error.body))
                raise self._refused from None
            if error.status == 404:
                raise SecNotFound(f"{host} has no document at {url}") from None
            raise
        with self._lock:
            self._bytes += len(fetched.body)
        return fetched.body
