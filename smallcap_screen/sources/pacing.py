"""How often, how patiently and how long to ask a host: the one retry and pacing policy.

Both HTTP clients (issuer downloads in ``http.py``, Yahoo quotes in ``yahoo.py``) send every
request through a :class:`Pacer`, which keeps, per host:

- a request-rate budget (a token bucket: ``rate`` requests per second, ``burst`` at once), so
  the tool does not draw the 429s it can predict. A 429 lowers the budget below the rate the
  host has just accepted, so the same refusal does not come again;
- a ban shared by every thread: after a 429 nobody asks that host until the ban ends, as long as
  Retry-After says, else growing waits (2, 4, 8 ... s), up to ``max_ban_wait`` seconds in all.
  Each wait is announced through ``on_wait`` (the CLI shows it; nothing here prints);
- retries with exponential backoff and jitter for failures worth repeating (5xx, timeouts,
  dropped connections, a web page where data was expected);
- a deadline: a host that has given no answer for ``deadline`` seconds is given up on for the
  rest of the run, and no request's timeout reaches past it, so a host that answers in 31 s
  costs ``deadline`` seconds, not retries times the timeout;
- one stop event for all hosts: the first "cannot reach" error (no network) or the caller
  (Ctrl-C) sets it, and every pause, queue and backoff of every thread ends at once.

``sleep``, ``clock`` and ``jitter`` can be injected so that tests run without real waiting.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Callable, TypeVar

from ..errors import NetworkError

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How patient to be with one host (seconds unless said otherwise)."""

    #: Repeats of a failed request (not counting waits for a ban to end).
    retries: int = 4
    #: First retry delay, doubled on every further attempt, times a jitter of 50-150 %.
    backoff: float = 0.5
    #: Longest a single request may take.
    timeout: float = 20.0
    #: Longest a host may go without answering before it is given up on for the run.
    deadline: float = 25.0
    #: Most time spent in all waiting out 429 bans of one host.
    max_ban_wait: float = 60.0
    #: First wait after a 429 without Retry-After; doubled for each 429 in a row.
    first_ban_wait: float = 2.0


@dataclass(frozen=True)
class RateBudget:
    """A host's request-rate budget: ``rate`` requests per second on average, ``burst`` at once.

    ``RateBudget(rate=1 / 2)`` keeps requests two seconds apart (burst 1).
    """

    rate: float = math.inf
    burst: float = 1.0
    #: The budget is never lowered below this, so a 429 cannot stall a run.
    floor: float = 0.5


class Retry(Exception):
    """One failed attempt that may succeed when repeated.

    ``retry_after``: the server's wish, in seconds. ``throttled``: a 429 (a ban, waited out and
    not counted as a failure). ``answered``: the host did answer (False for a timeout or a
    dropped connection), which restarts its deadline. ``retries``: a lower limit of repeats for
    this kind of failure than the policy's.
    """

    def __init__(
        self,
        reason: str,
        *,
        retry_after: float | None = None,
        throttled: bool = False,
        answered: bool = True,
        retries: int | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.throttled = throttled
        self.answered = answered
        self.retries = retries


class Unreachable(NetworkError):
    """Nothing answers at all (no network, unknown host, proxy down): every request stops."""


class Stopped(NetworkError):
    """The run was stopped (the network is unreachable, or the caller gave up): nothing more is sent."""


class GaveUp(NetworkError):
    """A request failed for good; ``last`` is its last failed attempt (None past a deadline)."""

    def __init__(self, message: str, last: Retry | None = None) -> None:
        super().__init__(message)
        self.last = last


class _Host:
    """What the pacer knows about one host; guarded by the pacer's lock."""

    def __init__(self, budget: RateBudget, now: float) -> None:
        self.rate = budget.rate
        self.burst = budget.burst
        self.floor = budget.floor
        self.tokens = budget.burst
        self.refilled = now
        #: Since when requests have been waiting for an answer (None: nothing is owed); the
        #: deadline counts from here. A timeout keeps it running, any answer restarts it.
        self.quiet_since: float | None = None
        self.banned_until = 0.0
        self.ban_waited = 0.0
        self.bans_in_row = 0
        self.gone: str | None = None  # why the host was given up on
        self.in_flight = 0  # requests sent and not yet answered
        self.answers: deque[float] = deque()  # times of recent accepted answers


class Pacer:
    """Sends each request to its host when the host's budget, ban and deadline allow.

    ``budgets`` maps a host name to its :class:`RateBudget` (others get ``default_budget``).
    ``on_wait(host, seconds, reason)`` is called when a ban is waited out.
    """

    def __init__(
        self,
        policy: RetryPolicy = RetryPolicy(),
        *,
        budgets: dict[str, RateBudget] | None = None,
        default_budget: RateBudget = RateBudget(),
        on_wait: Callable[[str, float, str], None] | None = None,
        stop: threading.Event | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.policy = policy
        self.budgets = dict(budgets or {})
        self.default_budget = default_budget
        self.on_wait = on_wait
        #: Set it to stop every pending and future request of this pacer at once.
        self.stop = stop if stop is not None else threading.Event()
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()
        #: Seconds spent waiting out bans, per host.
        self.ban_waits: dict[str, float] = {}
        #: The error that stopped the run (see :meth:`halt`), for requests that were only stopped.
        self.cause: Exception | None = None

    def call(self, host: str, attempt: Callable[[float], T]) -> T:
        """``attempt(timeout)`` once the host may be asked, repeated as the policy says.

        ``attempt`` raises :class:`Retry` for a failure worth repeating and :class:`Unreachable`
        when nothing answers (which stops every request of this pacer); anything else passes.
        Raises :class:`GaveUp`, :class:`Stopped` or :class:`Unreachable`.
        """
        failures = 0
        attempts = 0
        while True:
            timeout = self._wait_turn(host)
            attempts += 1
            try:
                try:
                    result = attempt(timeout)
                finally:
                    with self._lock:
                        self._state(host).in_flight -= 1
            except Unreachable as error:
                self.halt(error)
                raise
            except Retry as problem:
                self._heard(host, problem.answered, accepted=not problem.throttled)
                if problem.throttled:
                    self._ban(host, problem)
                    continue
                failures += 1
                limit = self.policy.retries if problem.retries is None else min(problem.retries, self.policy.retries)
                if failures > limit:
                    raise GaveUp(f"{host} kept failing ({problem.reason}) after {attempts} attempts", problem) from None
                self._pause(self._within_deadline(host, self._backoff(attempts - 1, problem.retry_after)))
                continue
            self._heard(host, answered=True, accepted=True)
            return result

    def halt(self, cause: Exception) -> None:
        """Stop every pending and future request because of ``cause`` (the first cause is kept)."""
        with self._lock:
            if self.cause is None:
                self.cause = cause
        self.stop.set()

    # -- waiting -------------------------------------------------------------------------------

    def _wait_turn(self, host: str) -> float:
        """Block until ``host`` may be asked; return the timeout the request may take."""
        while True:
            with self._lock:
                if self.stop.is_set():
                    raise Stopped("stopped before asking " + host)
                state = self._state(host)
                if state.gone:
                    raise GaveUp(state.gone)
                now = self._clock()
                start = state.quiet_since if state.quiet_since is not None else now
                left = max(start, state.banned_until) + self.policy.deadline - now
                if left <= 0:
                    state.gone = f"{host} gave no answer within {self.policy.deadline:.0f} s"
                    raise GaveUp(state.gone)
                if math.isinf(state.rate):
                    state.tokens = state.burst
                else:
                    state.tokens = min(state.burst, state.tokens + (now - state.refilled) * state.rate)
                state.refilled = now
                wait = max(state.banned_until - now, (1 - state.tokens) / state.rate if state.tokens < 1 - 1e-9 else 0.0)
                if wait <= 0:
                    state.tokens -= 1
                    state.in_flight += 1
                    if state.quiet_since is None:
                        state.quiet_since = now
                    return min(self.policy.timeout, left)
            self._pause(wait)

    def _within_deadline(self, host: str, pause: float) -> float:
        """``pause``, unless the host's deadline passes first: then the host is given up on now."""
        with self._lock:
            state = self._state(host)
            if state.quiet_since is not None:
                left = max(state.quiet_since, state.banned_until) + self.policy.deadline - self._clock()
                if pause >= left:
                    state.gone = f"{host} gave no answer within {self.policy.deadline:.0f} s"
                    raise GaveUp(state.gone)
        return pause

    def _pause(self, seconds: float) -> None:
        """Sleep, but wake at once (raising Stopped) when the stop event is set."""
        if seconds <= 0:
            return
        if self._sleep is not None:
            self._sleep(seconds)
            stopped = self.stop.is_set()
        else:
            stopped = self.stop.wait(seconds)
        if stopped:
            raise Stopped("stopped while waiting")

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        """Exponential backoff with jitter, or the server's Retry-After if it asks for more."""
        wait = self.policy.backoff * (2**attempt) * (0.5 + self._jitter())
        if retry_after is not None:
            wait = max(wait, retry_after)
        return min(wait, self.policy.max_ban_wait)

    # -- what the answers teach ----------------------------------------------------------------

    def _state(self, host: str) -> _Host:
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _Host(self.budgets.get(host, self.default_budget), self._clock())
        return state

    def _heard(self, host: str, answered: bool, accepted: bool) -> None:
        with self._lock:
            state = self._state(host)
            now = self._clock()
            if answered:
                state.quiet_since = now if state.in_flight else None
            if accepted and answered:
                state.bans_in_row = 0
                state.answers.append(now)
                while state.answers and state.answers[0] < now - 1.0:
                    state.answers.popleft()

    def _ban(self, host: str, problem: Retry) -> None:
        """Hold every request to ``host`` until the ban is over; lower its budget below what it refused."""
        with self._lock:
            state = self._state(host)
            now = self._clock()
            state.bans_in_row += 1
            wait = problem.retry_after
            if wait is None:
                wait = self.policy.first_ban_wait * 2 ** (state.bans_in_row - 1)
            already = max(0.0, state.banned_until - now)
            if wait <= already:
                return  # another thread's 429 already set a ban covering this one
            budget_left = self.policy.max_ban_wait - state.ban_waited
            if wait - already > budget_left:
                if problem.retry_after is not None:
                    message = f"{host} asks to wait {problem.retry_after:.0f} s before retrying ({problem.reason})"
                else:
                    message = f"{host} kept refusing requests ({problem.reason}) for {state.ban_waited:.0f} s"
                state.gone = message
                raise GaveUp(message, problem)
            state.ban_waited += wait - already
            self.ban_waits[host] = state.ban_waited
            state.banned_until = now + wait
            if state.bans_in_row == 1:
                # The first 429 after accepted requests: the budget goes below both half of
                # itself and what the host accepted in the last second (with no evidence at
                # all, one burst's worth per second). Later 429s only say the ban goes on.
                accepted_last_second = sum(1 for t in state.answers if t >= now - 1.0)
                lower = [state.rate / 2] if not math.isinf(state.rate) else []
                if accepted_last_second:
                    lower.append(0.8 * accepted_last_second)
                state.rate = max(state.floor, min(lower) if lower else state.burst)
                state.burst = 1.0
                state.tokens = min(state.tokens, 1.0)
        if self.on_wait:
            self.on_wait(host, wait, problem.reason)
