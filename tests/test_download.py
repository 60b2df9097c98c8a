"""Downloading issuer holdings files: the real sample files served at the issuers' paths on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import socket
import time

import pytest

from smallcap_screen.cache import Cache
from smallcap_screen.errors import DataError, NetworkError
from smallcap_screen.registry import get_fund
from smallcap_screen.sources.download import download_holdings, download_holdings_bytes, freshness_notes
from smallcap_screen.sources.holdings_file import parse_holdings_bytes
from smallcap_screen.sources.http import HTML_RETRIES, HtmlAnswerError, HttpClient, HttpStatusError, parse_retry_after
from tests.helpers import FakeTime
from tests.standins.issuers import EMPTY_ISHARES, HTML_PAGE, TRUNCATED, IssuerStandIn, status


@pytest.fixture
def site(raw_dir):
    files = {
        "IWM": raw_dir / "IWM_holdings_2025-11-05.csv",
        "IVV": raw_dir / "IVV_holdings_2025-11-18.csv",
        "SPY": raw_dir / "SPY_holdings-daily-us-en-spy_2025-11-18.xlsx",
    }
    with IssuerStandIn(files) as standin:
        yield standin


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def client(fake_time):
    with HttpClient(retries=3, sleep=fake_time.sleep, clock=fake_time.clock, jitter=lambda: 0.5) as http:
        yield http


def download(site: IssuerStandIn, client: HttpClient, ticker: str, **kwargs):
    return download_holdings(get_fund(ticker), client=client, base_urls=site.base_urls, **kwargs)


def equities_in_file(site: IssuerStandIn, ticker: str) -> int:
    """How many holdings the file the stand-in serves for ``ticker`` lists."""
    return len(parse_holdings_bytes(site.files[ticker].read_bytes()).equities)


@pytest.mark.parametrize(("ticker", "as_of"), [("IWM", dt.date(2025, 11, 5)), ("IVV", dt.date(2025, 11, 18))])
def test_ishares_funds_come_from_the_documented_csv_address(site, client, ticker, as_of):
    holdings = download(site, client, ticker)

    assert holdings.fund == ticker
    assert holdings.as_of == as_of
    assert len(holdings.equities) == equities_in_file(site, ticker)
    assert "/1467271812596.ajax?fileType=csv" in holdings.source
    [request] = site.log
    assert request.route == "ajax"
    assert request.query == {"fileType": "csv", "fileName": f"{ticker}_holdings", "dataType": "fund"}


def test_spy_comes_from_the_ssga_xlsx_after_its_redirect(site, client):
    holdings = download(site, client, "SPY")

    assert holdings.as_of == dt.date(2025, 11, 18)
    assert len(holdings.equities) == equities_in_file(site, "SPY")
    assert holdings.source.endswith("/holdings-daily-us-en-spy.xlsx")
    assert [r.route for r in site.log] == ["ssga", "ssga-file"]


def test_requests_carry_a_browser_user_agent(site, client):
    download(site, client, "IWM")

    assert "Mozilla/5.0" in site.log[0].headers["User-Agent"]


def test_a_web_page_answered_twice_is_asked_for_again_after_a_pause(site, client, fake_time):
    site.inject("ajax", HTML_PAGE, HTML_PAGE)

    holdings = download(site, client, "IWM")

    assert "/1467271812596.ajax" in holdings.source
    assert [r.route for r in site.log] == ["ajax"] * 3
    assert sum(fake_time.sleeps) >= 1.0 + 2.0  # backoff 1 s, doubled (jitter fixed at the middle)


def test_html_page_that_persists_on_the_documented_address_falls_back_to_latest_holdings(site, client):
    site.inject("ajax", *[HTML_PAGE] * (HTML_RETRIES + 1))

    holdings = download(site, client, "IWM")

    assert holdings.source.endswith("/latest-holdings.csv")
    assert [r.route for r in site.log] == ["ajax"] * (HTML_RETRIES + 1) + ["latest"]


def test_http_error_on_the_documented_address_falls_back_to_latest_holdings(site, client):
    site.inject("ajax", status(404))

    holdings = download(site, client, "IWM")

    assert holdings.source.endswith("/latest-holdings.csv")


def test_html_on_both_addresses_is_one_error_naming_both(site, client):
    site.inject("ajax", *[HTML_PAGE] * (HTML_RETRIES + 1))
    site.inject("latest", *[HTML_PAGE] * (HTML_RETRIES + 1))

    with pytest.raises(HtmlAnswerError, match="no usable IWM holdings") as raised:
        download(site, client, "IWM")

    assert "1467271812596.ajax" in str(raised.value) and "latest-holdings.csv" in str(raised.value)
    assert "\n" not in str(raised.value)


def test_rate_limit_and_server_error_are_retried_honouring_retry_after(site, client, fake_time):
    site.inject("ajax", status(429, retry_after="3"), status(500))

    holdings = download(site, client, "IWM")

    assert holdings.as_of == dt.date(2025, 11, 5)
    assert len(site.requests_on("ajax")) == 3
    # 3 s as the server asked, then backoff 1 s * 2**1 (jitter fixed at the middle).
    assert fake_time.sleeps == [3.0, 2.0]


def test_retry_after_beyond_max_wait_gives_up_at_once(site, client, fake_time):
    site.inject("ajax", status(429, retry_after="3600"), status(429, retry_after="3600"))
    site.inject("latest", status(429, retry_after="3600"))

    with pytest.raises(NetworkError, match="wait 3600 s"):
        download_holdings_bytes(get_fund("IVV"), client=client, base_urls=site.base_urls)

    assert fake_time.sleeps == []
    assert len(site.log) == 1


def test_truncated_body_is_fetched_again(site, client):
    site.inject("ajax", TRUNCATED)

    holdings = download(site, client, "IWM")

    assert len(holdings.equities) == equities_in_file(site, "IWM")
    assert len(site.requests_on("ajax")) == 2


def test_body_truncated_every_time_is_a_network_error_after_the_retries(site, client):
    site.inject("ssga-file", *[TRUNCATED] * 4)

    with pytest.raises(NetworkError, match="after 4 attempts"):
        download(site, client, "SPY")


def test_empty_ishares_answer_is_a_data_error_and_is_not_cached(site, client, tmp_path):
    site.inject("ajax", EMPTY_ISHARES)
    cache = Cache(tmp_path)

    with pytest.raises(DataError, match="no holdings"):
        download(site, client, "IWM", cache=cache)

    assert cache.get_holdings("IWM") is None


def test_a_fresh_cached_download_is_not_fetched_again(site, client, tmp_path):
    with Cache(tmp_path) as cache:
        first = download(site, client, "IWM", cache=cache)
        second = download(site, client, "IWM", cache=cache)

    assert len(site.log) == 1
    assert second.source == first.source
    assert second.equities.equals(first.equities)


def test_a_requested_date_is_sent_and_has_no_latest_fallback(site, client):
    site.inject("ajax", *[HTML_PAGE] * (HTML_RETRIES + 1))

    with pytest.raises(HtmlAnswerError):
        download(site, client, "IWM", as_of=dt.date(2025, 11, 5))

    assert {r.route for r in site.log} == {"ajax"}
    assert {r.query["asOfDate"] for r in site.log} == {"20251105"}


def test_ssga_refuses_a_requested_date(site, client):
    with pytest.raises(DataError, match="only the latest SPY"):
        download(site, client, "SPY", as_of=dt.date(2025, 11, 5))


def test_a_404_that_persists_is_an_http_status_error(site, client):
    site.inject("ssga", status(404))

    with pytest.raises(HttpStatusError) as raised:
        download(site, client, "SPY")

    assert raised.value.status == 404


def test_requests_to_one_host_are_spaced_two_seconds_apart(site, fake_time):
    with HttpClient(sleep=fake_time.sleep, clock=fake_time.clock) as polite:
        download(site, polite, "IWM")
        download(site, polite, "IVV")

    assert fake_time.sleeps == [2.0]
    assert polite.requests["127.0.0.1"] == 2


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_dead_server_is_a_network_error_at_once(client, fake_time):
    dead = {"ishares": f"http://127.0.0.1:{closed_port()}", "ssga": ""}
    started = time.monotonic()

    with pytest.raises(NetworkError, match="cannot reach 127.0.0.1 .Failed to connect"):
        download_holdings(get_fund("IWM"), client=client, base_urls=dead)

    assert time.monotonic() - started < 2
    assert fake_time.sleeps == []


def test_unknown_host_name_is_a_network_error_without_retries(client, fake_time):
    nowhere = {"ishares": "http://smallcap-screen-test.invalid", "ssga": ""}

    with pytest.raises(NetworkError, match="Could not resolve host"):
        download_holdings(get_fund("IWM"), client=client, base_urls=nowhere)

    assert client.requests["smallcap-screen-test.invalid"] == 1


def test_slow_answer_beyond_the_timeout_is_retried_then_reported(site, fake_time):
    site.latency = 0.5
    with HttpClient(timeout=0.1, retries=1, sleep=fake_time.sleep, clock=fake_time.clock) as impatient:
        with pytest.raises(NetworkError, match="after 2 attempts"):
            download_holdings_bytes(get_fund("IWM"), client=impatient, base_urls=site.base_urls)


def holdings_dated(raw_dir):
    """IWM holdings as of 2025-11-05."""
    return parse_holdings_bytes((raw_dir / "IWM_holdings_2025-11-05.csv").read_bytes(), fund="IWM")


def test_holdings_a_few_days_old_need_no_note(raw_dir):
    holdings = holdings_dated(raw_dir)

    assert freshness_notes([holdings], today=dt.date(2025, 11, 7)) == []


def test_holdings_older_than_a_week_get_a_note(raw_dir):
    [note] = freshness_notes([holdings_dated(raw_dir)], today=dt.date(2025, 11, 22))

    assert "older than 7 days on 2025-11-22 (IWM 2025-11-05)" in note


def test_holdings_of_another_date_than_requested_get_a_note(raw_dir):
    [note] = freshness_notes([holdings_dated(raw_dir)], today=dt.date(2026, 1, 1), requested=dt.date(2025, 11, 4))

    assert "asked for 2025-11-04 are of another date: IWM 2025-11-05" in note


def test_retry_after_may_be_seconds_or_an_http_date():
    now = dt.datetime(2025, 11, 6, 12, tzinfo=dt.timezone.utc).timestamp()

    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Thu, 06 Nov 2025 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("soon") is None
