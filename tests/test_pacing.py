"""The one pacing and retry policy, on a clock that moves only when slept on."""

from __future__ import annotations

import threading
import time

import pytest

from smallcap_screen.sources.pacing import GaveUp, Pacer, RateBudget, Retry, RetryPolicy, Stopped, Unreachable
from tests.helpers import FakeTime


def answers(*outcomes):
    """An attempt that raises or returns the given outcomes in turn."""
    queue = list(outcomes)

    def attempt(timeout: float):
        outcome = queue.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return attempt


def pacer(fake: FakeTime, **policy) -> Pacer:
    return Pacer(RetryPolicy(**policy), sleep=fake.sleep, clock=fake.clock, jitter=lambda: 0.5)


def test_a_ban_without_retry_after_is_waited_out_with_growing_waits():
    fake, waits = FakeTime(), []
    paced = Pacer(RetryPolicy(), sleep=fake.sleep, clock=fake.clock, on_wait=lambda host, s, why: waits.append(s))
    throttled = Retry("HTTP 429", throttled=True)

    assert paced.call("yahoo", answers(throttled, throttled, throttled, "quotes")) == "quotes"
    assert waits == [2.0, 4.0, 8.0]
    assert paced.ban_waits == {"yahoo": 14.0}


def test_bans_longer_than_the_budget_give_up_with_one_line():
    fake = FakeTime()
    throttled = Retry("HTTP 429", throttled=True)

    with pytest.raises(GaveUp, match="kept refusing requests .HTTP 429. for 30 s"):
        pacer(fake, max_ban_wait=60).call("yahoo", answers(*[throttled] * 10))
    assert sum(fake.sleeps) == 2 + 4 + 8 + 16


def test_a_429_lowers_the_budget_below_what_the_host_accepted():
    fake = FakeTime()
    paced = Pacer(RetryPolicy(), budgets={"yahoo": RateBudget(rate=10, burst=4)}, sleep=fake.sleep, clock=fake.clock)
    for _ in range(2):
        paced.call("yahoo", answers("ok"))
    paced.call("yahoo", answers(Retry("HTTP 429", throttled=True, retry_after=1), "ok"))
    fake.sleeps.clear()
    for _ in range(3):
        paced.call("yahoo", answers("ok"))

    assert fake.sleeps and min(fake.sleeps) >= 1 / (0.8 * 3) - 1e-6, "at most 80 % of the 3 a second it accepted"


def test_a_host_that_stays_silent_is_given_up_on_for_the_rest_of_the_run():
    fake = FakeTime()
    paced = pacer(fake, deadline=25, timeout=20, backoff=1)
    timeouts = []

    def silent(timeout: float):
        timeouts.append(timeout)
        fake.now += timeout
        raise Retry("timed out", answered=False)

    with pytest.raises(GaveUp, match="gave no answer within 25 s"):
        paced.call("www.ishares.com", silent)
    assert timeouts[0] == 20 and sum(timeouts) + sum(fake.sleeps) <= 25
    with pytest.raises(GaveUp, match="gave no answer"):
        paced.call("www.ishares.com", answers("never asked"))


def test_unreachable_stops_every_other_wait_at_once():
    paced = Pacer(RetryPolicy(), budgets={"slow": RateBudget(rate=0.1)})  # real time: one request per 10 s
    paced.call("slow", answers("first"))
    outcome = []

    def second() -> None:
        try:
            paced.call("slow", answers("second"))
        except Stopped as stopped:
            outcome.append((stopped, time.monotonic()))

    waiter = threading.Thread(target=second)
    waiter.start()
    time.sleep(0.2)
    with pytest.raises(Unreachable):
        paced.call("other", answers(Unreachable("cannot reach other")))
    stopped_at = time.monotonic()
    waiter.join(timeout=5)

    assert outcome and outcome[0][1] - stopped_at < 0.5
    assert str(paced.cause) == "cannot reach other"
