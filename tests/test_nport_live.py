"""The live fetch with N-PORT funds, against stand-in issuers, Yahoo and EDGAR on 127.0.0.1: a
fund outside the table takes its holdings from N-PORT, a table fund whose issuer fails falls
back to it, holdings without a price symbol never reach Yahoo, and a missing SEC User-Agent
fails the N-PORT fund alone."""

from __future__ import annotations

import pytest

from smallcap_screen.cache import Cache
from smallcap_screen.errors import ExitCode
from smallcap_screen.live import FetchReport, fetch_snapshot
from smallcap_screen.registry import NPORT_ISSUER, get_fund
from smallcap_screen.sources.pacing import Pacer, RetryPolicy
from smallcap_screen.sources.sec import client as sec_client
from smallcap_screen.sources.sec.client import MISSING_USER_AGENT, SEC, SEC_BUDGET
from smallcap_screen.sources.sec.nport import UNMAPPED
from tests.standins.internet import StandInInternet
from tests.standins.yahoo import standin_session, use_private_yfinance_cache

QUICK = RetryPolicy(backoff=0.05, first_ban_wait=0.2, timeout=5.0, deadline=5.0)
USER_AGENT = "Jane Doe jane@example.com"


@pytest.fixture(scope="module", autouse=True)
def private_yfinance_cache(tmp_path_factory):
    use_private_yfinance_cache(tmp_path_factory.mktemp("yfinance-cache"))


@pytest.fixture(scope="module")
def sites(raw_dir):
    """The stand-in internet's servers, asked directly (no proxy)."""
    with StandInInternet(raw_dir) as net:
        yield net.issuers, net.yahoo, net.sec


def fetch(sites, tickers, **options):
    issuers, yahoo, sec = sites
    urls = {"ishares": issuers.url, "vanguard": issuers.url, NPORT_ISSUER: sec.url}
    report = FetchReport()
    funds = [get_fund(t, nport=True) for t in tickers]
    snapshot = fetch_snapshot(funds, yahoo_session=standin_session(yahoo.url), issuer_base_urls=urls, policy=QUICK, report=report, **options)
    return snapshot, report


def test_a_fund_outside_the_table_takes_its_newest_nport_report_and_unmapped_holdings_never_reach_yahoo(sites, tmp_path):
    yahoo = sites[1]
    asked_before = len(yahoo.quote_batches)
    with Cache(tmp_path) as cache:
        snapshot, report = fetch(sites, ["VXF", "IJS"], sec_user_agent=USER_AGENT, cache=cache)
    vxf = snapshot.holdings["VXF"]
    assert report.nport == ["VXF"] and report.downloaded == ["VXF", "IJS"] and report.sec_requests == 5
    assert vxf.as_of.isoformat() == "2025-06-30" and vxf.fund_name == "VANGUARD EXTENDED MARKET INDEX FUND"
    unmapped = [t for t in vxf.tickers if t.startswith(UNMAPPED)]
    assert len(unmapped) == 2  # Noble Corp PLC and Movado Group: no match in the ticker excerpt
    asked = {s for batch in yahoo.quote_batches[asked_before:] for s in batch}
    assert {"SGRY", "EXLS", "OKLO"} <= asked and not any(s.startswith(UNMAPPED) for s in asked)
    # Warm: every SEC answer from the cache.
    with Cache(tmp_path) as cache:
        _, warm = fetch(sites, ["VXF", "IJS"], sec_user_agent=USER_AGENT, cache=cache)
    assert warm.sec_requests == 0 and warm.cached == ["VXF", "IJS"] and warm.nport == ["VXF"]


def test_without_a_user_agent_the_nport_fund_fails_alone_saying_how_to_set_it(sites):
    snapshot, report = fetch(sites, ["VXF", "IJS"], sec_user_agent="")
    assert list(snapshot.holdings) == ["IJS"]
    assert report.failure_codes == {"VXF": ExitCode.USAGE}
    assert MISSING_USER_AGENT in report.failed["VXF"] and "\n" not in report.failed["VXF"]


def test_a_table_fund_whose_issuer_fails_falls_back_to_nport(sites):
    # VOO is a Vanguard fund of the table; the issuer stand-in has no file for it.
    snapshot, report = fetch(sites, ["VOO", "IJS"], sec_user_agent=USER_AGENT)
    assert report.nport == ["VOO"] and set(snapshot.holdings["VOO"].tickers) == {"UAL", "DLR", "GM"}


def test_a_fund_the_sec_does_not_list_and_one_without_a_report_fail_alone_with_their_exit_codes(sites):
    snapshot, report = fetch(sites, ["ZZZZ", "AVUV", "IJS"], sec_user_agent=USER_AGENT)
    assert list(snapshot.holdings) == ["IJS"]
    assert report.failure_codes == {"ZZZZ": ExitCode.UNKNOWN_FUND, "AVUV": ExitCode.BAD_DATA}
    assert "ZZZZ is not in the SEC's list of fund tickers" in report.failed["ZZZZ"]
    assert "AVUV: the SEC has no N-PORT report" in report.failed["AVUV"]


class CountingPacer(Pacer):
    """The SEC pacer of the process, counting the requests it lets through by host."""

    def __init__(self) -> None:
        super().__init__(QUICK, budgets={SEC: SEC_BUDGET})
        self.calls: dict[str, int] = {}

    def call(self, host, attempt):
        self.calls[host] = self.calls.get(host, 0) + 1
        return super().call(host, attempt)


def test_nport_requests_draw_on_the_process_sec_budget_a_backfill_shares(sites, monkeypatch):
    process = CountingPacer()
    monkeypatch.setattr(sec_client, "_process_pacer", process)
    _, report = fetch(sites, ["VXF"], sec_user_agent=USER_AGENT)
    assert report.sec_requests == 5 and process.calls == {SEC: 5}
    assert sec_client.process_pacer() is process  # what a backfill of the process takes too
