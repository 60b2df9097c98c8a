"""Batched Yahoo quotes: the unmodified yfinance code talking to a Yahoo stand-in on 127.0.0.1."""

from __future__ import annotations

import math
import time

import pytest

from smallcap_screen.errors import NetworkError
from smallcap_screen.model import FUNDAMENTAL_COLUMNS
from smallcap_screen.reference import read_reference_fundamentals
from smallcap_screen.sources.pacing import Pacer, RateBudget, RetryPolicy
from smallcap_screen.sources.yahoo import BATCH_SIZE, YAHOO, fetch_funds_reported, fetch_quotes, quotes_table, yahoo_pacer
from tests.standins.yahoo import YahooStandIn, quotes_from_fundamentals, standin_session, use_private_yfinance_cache


def fast(retries: int = 4, timeout: float = 2.0) -> RetryPolicy:
    """Retry quickly; never wait long on a dead socket or a ban without Retry-After."""
    return RetryPolicy(retries=retries, backoff=0.01, timeout=timeout, first_ban_wait=0.05)


@pytest.fixture(scope="module", autouse=True)
def private_yfinance_cache(tmp_path_factory):
    use_private_yfinance_cache(tmp_path_factory.mktemp("yfinance-cache"))


@pytest.fixture(scope="module")
def finviz_quotes(raw_dir) -> dict[str, dict]:
    """Real prices and EPS of 2,600 US-listed stocks (finviz export, 2025-08-19) as v7 quote fields."""
    return quotes_from_fundamentals(read_reference_fundamentals(raw_dir).table.head(2600))


def synthetic_quotes(count: int) -> dict[str, dict]:
    return {
        f"S{i:04d}": {
            "symbol": f"S{i:04d}",
            "regularMarketPrice": 10.0 + i,
            "epsTrailingTwelveMonths": 1.0,
            "currency": "USD",
            "financialCurrency": "USD",
        }
        for i in range(count)
    }


@pytest.fixture
def yahoo():
    with YahooStandIn(synthetic_quotes(600)) as server:
        yield server


def fetch(server: YahooStandIn, symbols, *, retries: int = 4, timeout: float = 2.0, **options):
    return fetch_quotes(symbols, session=standin_session(server.url), policy=fast(retries, timeout), **options)


def test_2600_symbols_take_a_few_batched_requests(finviz_quotes):
    symbols = list(finviz_quotes)
    with YahooStandIn(finviz_quotes, latency=0.05) as server:
        started = time.monotonic()
        result = fetch(server, symbols)
        elapsed = time.monotonic() - started

    assert elapsed < 5
    assert server.total_requests <= 5  # 3 quote batches plus the cookie and crumb handshake
    assert max(len(batch) for batch in server.quote_batches) <= BATCH_SIZE
    table = result.fundamentals.table
    assert list(table.index) == symbols and result.missing == []
    assert list(table.columns) == FUNDAMENTAL_COLUMNS
    assert table.loc["AAPL", "price"] == finviz_quotes["AAPL"]["regularMarketPrice"]
    assert table.loc["AAPL", "eps_trailing"] == finviz_quotes["AAPL"]["epsTrailingTwelveMonths"]
    assert result.fundamentals.forward_horizon == "FY2"


def test_unknown_symbols_are_missing_but_not_failed(yahoo):
    result = fetch(yahoo, ["S0001", "NOSUCH", "S0002", "S0001"])

    assert list(result.fundamentals.table.index) == ["S0001", "S0002"]
    assert result.missing == ["NOSUCH"]
    assert result.failed == []


def test_a_burst_of_429s_is_waited_out_as_retry_after_asks(yahoo):
    yahoo.fail_next(2, status=429, retry_after=1)
    started = time.monotonic()
    result = fetch(yahoo, list(yahoo.quotes), batch_size=100)

    assert time.monotonic() - started >= 1.0
    assert result.missing == []


def test_a_five_requests_per_second_limit_is_survived():
    with YahooStandIn(synthetic_quotes(600), rate_limit=5) as server:
        result = fetch(server, list(server.quotes), batch_size=50)

    assert result.missing == []
    assert server.requests["/v7/finance/quote"] > 12  # some of the 12 batches were refused and repeated


def test_a_cap_on_symbols_per_request_is_met_by_splitting_even_on_the_first_batch():
    with YahooStandIn(synthetic_quotes(600), max_quote_symbols=100) as capped:
        result = fetch(capped, list(capped.quotes), batch_size=1000)
        sizes = [len(batch) for batch in capped.quote_batches]
        refused = capped.requests["/v7/finance/quote"] - len(sizes)

    assert result.missing == []
    assert max(sizes) <= 100
    assert refused == 3, "600, 300 and 150 are refused; then the run keeps to 75 a request"


def test_a_strict_yahoo_ban_is_waited_out_and_its_rate_kept_to():
    waits = []
    pacer = yahoo_pacer(fast(), on_wait=lambda host, seconds, reason: waits.append(seconds))
    with YahooStandIn(synthetic_quotes(600), rate_limit=5, ban=1.0) as strict:
        result = fetch_quotes(list(strict.quotes), session=standin_session(strict.url), pacer=pacer, batch_size=60)
        throttled = strict.throttled

    assert result.missing == []
    assert waits, "the ban was never drawn: the test proves nothing"
    assert throttled <= 6, "after the first ban the run keeps below the limit instead of probing it"


def test_http_500s_are_retried(yahoo):
    yahoo.fail_next(3, status=500)
    result = fetch(yahoo, list(yahoo.quotes), batch_size=200)

    assert result.missing == []
    assert result.requests == 3 + 3


def test_truncated_and_html_answers_are_retried(yahoo):
    yahoo.truncate_next(2)
    yahoo.send_html_next(2)
    result = fetch(yahoo, list(yahoo.quotes), batch_size=200)

    assert result.missing == []
    assert result.requests == 3 + 4


def test_a_hung_answer_times_out_and_is_retried(yahoo):
    yahoo.hang_next(1, seconds=10)
    started = time.monotonic()
    result = fetch(yahoo, list(yahoo.quotes), batch_size=300, timeout=0.5)

    assert time.monotonic() - started < 3
    assert result.missing == []


def test_a_throttled_crumb_request_is_waited_out_and_never_sent_as_a_crumb(yahoo):
    yahoo.throttle_crumb_next(1)  # "Too Many Requests" where the crumb should be
    result = fetch(yahoo, list(yahoo.quotes), batch_size=200)

    assert result.missing == []
    assert yahoo.requests["/v1/test/getcrumb"] == 2
    assert yahoo.requests["/v7/finance/quote"] == 3  # none was sent with the 429 body as crumb


def test_behind_the_eu_consent_wall_yfinance_finds_the_crumb():
    from yfinance import cache

    cache.get_cookie_cache().store("curlCffi", None)  # no remembered cookie
    with YahooStandIn(synthetic_quotes(10), consent_wall=True) as walled:
        result = fetch_quotes(["S0001"], session=standin_session(walled.url), policy=fast())

        assert result.missing == []
        assert walled.requests["/consent"] == walled.requests["/v2/collectConsent"] == 1
        assert walled.requests["/v7/finance/quote"] == 1


def test_a_batch_that_keeps_failing_is_split(yahoo):
    yahoo.hang_next(1, seconds=0)  # the first batch is answered normally ...
    yahoo.fail_next(3, status=500)  # ... the second's three attempts fail

    result = fetch(yahoo, list(yahoo.quotes)[:200], batch_size=100, max_workers=1, retries=2)

    assert result.missing == result.breaking == []
    # Halves whose first half answers (50, 25 ... 1), then the last symbol asked alone.
    assert [len(batch) for batch in yahoo.quote_batches] == [100, 50, 25, 12, 6, 3, 2, 1, 1]


def test_symbols_that_break_every_batch_are_found_by_bisection_and_named():
    quotes = synthetic_quotes(1500)
    symbols = list(quotes)
    poisoned = symbols[7::100]  # 1 %: 15 symbols in one batch of 1,500
    unpaced = Pacer(fast(), budgets={YAHOO: RateBudget()})  # the count matters here, not the pace
    with YahooStandIn(quotes, poisoned=poisoned) as server:
        result = fetch(server, symbols, pacer=unpaced)
        sent = server.requests["/v7/finance/quote"]

    assert result.failed == result.breaking == poisoned
    assert result.missing == poisoned
    assert len(result.fundamentals.table) == 1500 - 15
    # The batch's 5 attempts, then bisection: about k·log2(n) = 15 × 10.55 = 158 (179 here).
    assert sent <= 5 + 1.2 * 15 * math.log2(1500), sent
    assert result.requests == sent


def test_the_split_budget_gives_up_on_the_parts_still_failing_by_name():
    quotes = synthetic_quotes(1000)
    symbols = list(quotes)
    with YahooStandIn(quotes, poisoned={symbols[900]}) as server:
        result = fetch(server, symbols, batch_size=1000, split_budget=4)
        sent = server.requests["/v7/finance/quote"]

    # 5 attempts of the batch; then 0-499 answers, 500-749 answers, 750-874 answers, 875-936
    # fails: the budget of 4 is spent, and 875-999 is given up on unasked.
    assert sent == 5 + 4
    assert result.failed == symbols[875:]
    assert result.breaking == []
    assert len(result.fundamentals.table) == 875


def test_past_the_split_deadline_a_broken_batch_is_given_up_whole():
    quotes = synthetic_quotes(200)
    symbols = list(quotes)
    with YahooStandIn(quotes, poisoned={symbols[150]}) as server:
        result = fetch(server, symbols, batch_size=100, max_workers=1, split_deadline=0)

    assert result.failed == symbols[100:]
    assert len(result.fundamentals.table) == 100


def test_a_broken_first_batch_before_any_answer_still_finds_the_symbol():
    quotes = synthetic_quotes(100)
    symbols = list(quotes)
    with YahooStandIn(quotes, poisoned={symbols[0]}) as server:
        result = fetch(server, symbols)

    assert result.breaking == [symbols[0]]
    assert len(result.fundamentals.table) == 99


def test_a_batch_that_keeps_timing_out_is_reported_failed(yahoo):
    yahoo.hang_next(1, seconds=0)  # the first batch is answered normally ...
    yahoo.hang_next(3, seconds=10)  # ... the second's three attempts time out

    answered = []
    symbols = list(yahoo.quotes)[:300]
    result = fetch(
        yahoo,
        symbols + ["NOSUCH"],
        batch_size=100,
        max_workers=1,
        retries=2,
        timeout=0.3,
        on_batch=lambda quotes, asked: answered.extend(asked),
    )

    assert result.failed == symbols[100:200]
    assert result.missing == result.failed + ["NOSUCH"]
    assert len(result.fundamentals.table) == 200
    assert answered == symbols[:100] + symbols[200:] + ["NOSUCH"]  # failed ones may be asked again later


def test_progress_is_reported_up_to_the_total(yahoo):
    seen = []
    fetch(yahoo, list(yahoo.quotes), batch_size=100, on_progress=lambda done, total: seen.append((done, total)))

    assert seen[-1] == (600, 600)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_an_unreachable_yahoo_raises_network_error_quickly():
    server = YahooStandIn({})
    server.stop()  # nothing listens on its port any more
    started = time.monotonic()
    with pytest.raises(NetworkError, match="cannot reach Yahoo Finance") as raised:
        fetch(server, ["AAPL", "MSFT"])

    assert time.monotonic() - started < 3
    assert "\n" not in str(raised.value)


def test_a_yahoo_that_only_fails_raises_network_error(yahoo):
    yahoo.fail_next(1000, status=500)
    with pytest.raises(NetworkError, match="keeps failing"):
        fetch(yahoo, list(yahoo.quotes), batch_size=100)

    # One batch's 5 attempts (the others wait for a first answer), then first halves down to two
    # single symbols (50, 25, 12, 6, 3, 1, 2, 1).
    assert yahoo.requests["/v7/finance/quote"] == 5 + 8


def test_quotes_table_flags_foreign_statements_and_bad_prices():
    table = quotes_table(
        {
            "TSM": {"regularMarketPrice": 240.0, "epsTrailingTwelveMonths": 60.0, "currency": "USD", "financialCurrency": "TWD"},
            "ZERO": {"regularMarketPrice": 0.0, "currency": "USD", "financialCurrency": "USD"},
            "OK": {"regularMarketPrice": 12.5, "currency": "USD"},
        }
    )

    assert table["flags"].tolist() == ["currency_mismatch", "price_invalid", ""]
    assert table.loc["TSM", "eps_trailing"] == 60.0  # kept, but flagged
    assert math.isnan(table.loc["ZERO", "price"])
    assert table["price"].dtype == "float64"


def test_the_funds_reported_figures_come_in_one_batched_request():
    funds = {
        "IWM": {"symbol": "IWM", "regularMarketPrice": 225.0, "trailingPE": 17.9, "currency": "USD", "quoteType": "ETF"},
        "SPY": {"symbol": "SPY", "regularMarketPrice": 660.0, "trailingPE": 27.5, "forwardPE": 22.0, "currency": "USD", "quoteType": "ETF"},
    }
    with YahooStandIn(funds) as server:
        reported = fetch_funds_reported(["iwm", "SPY", "NOPE"], session=standin_session(server.url))
        batches = server.quote_batches

    assert batches == [["IWM", "SPY", "NOPE"]]
    assert reported["IWM"] == {"symbol": "IWM", "trailing_pe": 17.9, "forward_pe": None, "price": 225.0, "currency": "USD"}
    assert reported["SPY"]["forward_pe"] == 22.0
    assert reported["NOPE"]["trailing_pe"] is None


def test_yfinance_ticker_info_and_history_work_against_the_standin(finviz_quotes):
    import yfinance as yf

    with YahooStandIn(finviz_quotes) as server:
        ticker = yf.Ticker("AAPL", session=standin_session(server.url))
        info = ticker.info
        history = ticker.history(period="5d")

    assert info["regularMarketPrice"] == finviz_quotes["AAPL"]["regularMarketPrice"]
    assert info["trailingEps"] == finviz_quotes["AAPL"]["epsTrailingTwelveMonths"]
    assert history["Close"].iloc[-1] == pytest.approx(finviz_quotes["AAPL"]["regularMarketPrice"])
