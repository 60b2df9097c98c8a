"""The SEC client against a stand-in www.sec.gov/data.sec.gov on 127.0.0.1: declared User-Agent,
the 10 requests/s budget under threads, 403 and 429 handling, size cap, disk cache."""

from __future__ import annotations

import datetime as dt
import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from smallcap_screen.config import load_config
from smallcap_screen.errors import DataError, NetworkError, UsageError
from smallcap_screen.sources.pacing import RetryPolicy
from smallcap_screen.sources.sec.client import SEC_BUDGET, SecClient, SecNotFound, SecRefused, sec_pacer, sec_user_agent
from smallcap_screen.sources.sec.identity import TICKER_ALIASES, company_ciks
from tests.standins.issuers import status
from tests.standins.sec import SecStandIn

FIXTURES = Path(__file__).parent / "fixtures" / "sec"
AGENT = "Jane Doe jane@example.com"
TICKERS = "/files/company_tickers.json"
#: A quick pacer for fault tests: bans of 50 ms instead of seconds, at most 2 s in all.
QUICK = RetryPolicy(retries=2, backoff=0.01, timeout=5.0, deadline=10.0, max_ban_wait=2.0, first_ban_wait=0.05)


def documents(count: int) -> dict[str, bytes]:
    return {f"/doc/{i}.json": json.dumps({"n": i}).encode() for i in range(count)}


def client_for(site: SecStandIn, **options) -> SecClient:
    return SecClient(options.pop("user_agent", AGENT), data_url=site.url, www_url=site.url, **options)


def test_every_request_declares_the_user_agent(tmp_path):
    with SecStandIn({TICKERS: FIXTURES / "company_tickers.json"}) as site, client_for(site) as client:
        ciks = company_ciks(client)
    assert [r.user_agent for r in site.log] == [AGENT]
    assert client.requests == 1
    # By hand from the fixture (rows of the real file): AAPL 320193, both Alphabet classes 1652044.
    assert ciks["AAPL"] == 320193 and ciks["GOOGL"] == ciks["GOOG"] == 1652044 and ciks["BRK-B"] == 1067983
    # Aliases fill only what the file lacks, with the CIK of the ticker they name.
    assert ciks["FB"] == ciks["META"] == 1326801 and ciks["ANTM"] == 1156039
    assert "PKI" not in ciks  # RVTY is not in the fixture: an alias never invents a CIK
    assert all(alias not in json.loads((FIXTURES / "company_tickers.json").read_text()) for alias in TICKER_ALIASES)


def test_no_user_agent_is_a_usage_error_before_any_request(tmp_path, monkeypatch):
    monkeypatch.delenv("SMALLCAP_SCREEN_SEC_USER_AGENT", raising=False)
    (tmp_path / "config.toml").write_text('funds = ["IWM"]\n')
    config = load_config(tmp_path / "config.toml")
    with SecStandIn() as site:
        with pytest.raises(UsageError) as error:
            SecClient(sec_user_agent(config), data_url=site.url, www_url=site.url)
        with pytest.raises(UsageError):
            SecClient("  ", data_url=site.url, www_url=site.url)
    message = str(error.value)
    assert "\n" not in message and "sec_user_agent" in message and "SMALLCAP_SCREEN_SEC_USER_AGENT" in message
    assert site.log == []


def test_user_agent_comes_from_the_environment_over_the_config_file(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text('sec_user_agent = "File Person file@example.com"\n')
    monkeypatch.delenv("SMALLCAP_SCREEN_SEC_USER_AGENT", raising=False)
    assert sec_user_agent(load_config(path)) == "File Person file@example.com"
    monkeypatch.setenv("SMALLCAP_SCREEN_SEC_USER_AGENT", "Env Person env@example.com")
    config = load_config(path)
    assert sec_user_agent(config) == "Env Person env@example.com"
    assert config.origin("sec_user_agent") == "environment SMALLCAP_SCREEN_SEC_USER_AGENT"
    monkeypatch.setenv("SMALLCAP_SCREEN_SEC_USER_AGENT", "nobody")
    with pytest.raises(DataError, match="SMALLCAP_SCREEN_SEC_USER_AGENT must be a name and an e-mail address"):
        load_config(path)


def test_the_budget_holds_at_ten_per_second_across_threads_and_hosts():
    # Two host names for the one server: www and data draw on one budget, as at the SEC.
    count = 30
    with SecStandIn(documents(count)) as site:
        www = site.url.replace("127.0.0.1", "localhost")
        with SecClient(AGENT, data_url=site.url, www_url=www) as client, ThreadPoolExecutor(8) as pool:
            started = time.monotonic()
            urls = [(client.data_url if i % 2 else client.www_url) + f"/doc/{i}.json" for i in range(count)]
            answers = list(pool.map(client.get_json, urls))
            elapsed = time.monotonic() - started
    assert [a["n"] for a in answers] == list(range(count))
    assert client.requests == count == len(site.log)
    assert site.most_in_one_second() <= 10
    assert site.blocked_until == 0.0  # the stand-in never saw an 11th request within a second
    # 30 requests at 9/s need ~3.2 s (29 gaps of 111 ms); a client without the budget takes ~0.1 s.
    assert elapsed >= 29 / SEC_BUDGET.rate - 0.05


def test_an_undeclared_user_agent_refusal_is_one_clear_error_and_stops_further_requests():
    with SecStandIn(documents(3)) as site, client_for(site, user_agent="python-requests/2.32") as client:
        with pytest.raises(SecRefused) as error:
            client.get_json(site.url + "/doc/0.json")
        with pytest.raises(SecRefused):
            client.get_json(site.url + "/doc/1.json")
    message = str(error.value)
    assert "undeclared automated tool" in message and "sec_user_agent" in message and "\n" not in message
    assert len(site.log) == 1  # the second call did not ask again
    assert isinstance(error.value, NetworkError)


def test_a_rate_block_says_to_wait_ten_minutes():
    with SecStandIn(documents(1)) as site, client_for(site) as client:
        site.blocked_until = time.monotonic() + 60
        with pytest.raises(SecRefused, match="faster than 10 requests/s.*wait 10 minutes"):
            client.get_bytes(site.url + "/doc/0.json")


def test_a_429_storm_is_waited_out():
    with SecStandIn(documents(1)) as site, client_for(site, pacer=sec_pacer(QUICK)) as client:
        site.inject(status(429), status(429), status(429, retry_after="0"), status(503))
        assert client.get_json(site.url + "/doc/0.json") == {"n": 0}
    assert client.requests == len(site.log) == 5


def test_a_429_storm_longer_than_the_deadline_gives_up_with_one_line():
    with SecStandIn(documents(1)) as site, client_for(site, pacer=sec_pacer(QUICK)) as client:
        site.inject(*[status(429, retry_after="1")] * 5)
        started = time.monotonic()
        with pytest.raises(NetworkError) as error:
            client.get_json(site.url + "/doc/0.json")
    assert time.monotonic() - started < 4  # QUICK allows 2 s of bans in all
    assert "\n" not in str(error.value) and "try again later" in str(error.value)


def test_a_missing_document_is_not_found_and_a_non_json_answer_is_bad_data():
    with SecStandIn({"/page.json": b"<html>maintenance</html>"}) as site, client_for(site) as client:
        with pytest.raises(SecNotFound, match="no document"):
            client.get_json(site.url + "/api/xbrl/companyfacts/CIK0000000001.json")
        with pytest.raises(DataError, match="not JSON"):
            client.get_json(site.url + "/page.json")


def test_answers_over_the_size_cap_are_refused():
    with SecStandIn({"/big.json": b"[" + b"1," * 5000 + b"1]"}) as site, client_for(site, max_bytes=4096) as client:
        with pytest.raises(DataError, match="more than this client accepts"):
            client.get_bytes(site.url + "/big.json")


def test_a_cache_hit_sends_no_request_and_a_stale_entry_is_fetched_again(tmp_path):
    with SecStandIn(documents(1)) as site:
        url = site.url + "/doc/0.json"
        with client_for(site, cache_dir=tmp_path) as first:
            assert first.get_json(url) == {"n": 0}
        with client_for(site, cache_dir=tmp_path) as second:
            assert second.get_json(url) == {"n": 0}
            assert second.requests == 0 and second.cache_hits == 1
        with client_for(site, cache_dir=tmp_path, max_age=dt.timedelta(0)) as stale:
            assert stale.get_json(url) == {"n": 0}
            assert stale.requests == 1
        with client_for(site, cache_dir=tmp_path) as per_call:
            per_call.get_json(url, max_age=dt.timedelta(0))
            assert per_call.requests == 1
    assert len(site.log) == 3
    assert list((tmp_path / "sec").iterdir())  # kept under the download cache's sec/ folder
