"""fetch_snapshot against the issuer and Yahoo stand-ins: overlap, faults, and what it tells.

The issuer stand-in is reached as two hosts (iShares at 127.0.0.1, SSGA at localhost, both
resolving to the same server), so the per-host spacing and the overlap between hosts show in
the order of the requests. Short deadlines and bans are passed as a RetryPolicy.
"""

from __future__ import annotations

import pytest

from smallcap_screen.cache import Cache
from smallcap_screen.errors import NetworkError
from smallcap_screen.live import REPORTED_KEY, FetchReport, Progress, fetch_snapshot
from smallcap_screen.registry import get_fund
from smallcap_screen.sources.pacing import RetryPolicy
from tests.standins.internet import REPORTED_PE, StandInInternet
from tests.standins.issuers import Fault, IssuerStandIn
from tests.standins.yahoo import YahooStandIn, quotes_from_fundamentals, standin_session, use_private_yfinance_cache

QUICK = RetryPolicy(backoff=0.05, first_ban_wait=0.2, timeout=5.0, deadline=5.0)
FUNDS = ["IWM", "IJR", "SPY"]


@pytest.fixture(scope="module", autouse=True)
def private_yfinance_cache(tmp_path_factory):
    use_private_yfinance_cache(tmp_path_factory.mktemp("yfinance-cache"))


@pytest.fixture(scope="module")
def served(raw_dir, tmp_path_factory):
    """The files and quotes the stand-in internet serves (IJR in iShares' layout)."""
    with StandInInternet(raw_dir) as net:
        files = {fund: net.issuers.files[fund] for fund in FUNDS}
        folder = tmp_path_factory.mktemp("served")
        for fund, path in files.items():
            (folder / path.name).write_bytes(path.read_bytes())
        quotes = quotes_from_fundamentals(net.fundamentals.table)
    quotes.update({f: {"symbol": f, "quoteType": "ETF", "regularMarketPrice": 100.0, "trailingPE": pe} for f, pe in REPORTED_PE.items()})
    return {fund: folder / path.name for fund, path in files.items()}, quotes


@pytest.fixture
def site(served):
    with IssuerStandIn(served[0], latency=0.05) as running:
        yield running


@pytest.fixture
def yahoo(served):
    with YahooStandIn(served[1], latency=0.05) as running:
        yield running


def base_urls(site: IssuerStandIn) -> dict[str, str]:
    return {"ishares": site.url, "ssga": site.url.replace("127.0.0.1", "localhost")}


def fetch(site, yahoo, funds=FUNDS, **options):
    options.setdefault("policy", QUICK)
    return fetch_snapshot([get_fund(f) for f in funds], yahoo_session=standin_session(yahoo.url), issuer_base_urls=base_urls(site), **options)


def test_hosts_download_side_by_side_and_the_funds_figures_come_first_in_one_request(site, yahoo):
    snapshot = fetch(site, yahoo)

    order = [r.query.get("fileName", r.route) for r in site.log]
    assert order.index("ssga") < order.index("IJR_holdings"), "SPY's host did not wait behind iShares' spacing"
    assert yahoo.quote_batches[0] == FUNDS, "the funds' own figures are the first Yahoo request"
    assert {f: snapshot.reported[f]["trailing_pe"] for f in FUNDS} == {f: REPORTED_PE[f] for f in FUNDS}
    assert sorted(snapshot.holdings) == sorted(FUNDS)



@pytest.mark.parametrize("asked", [["IWM", "IJR", "SPY"], ["IJR", "IWM", "SPY"]])
def test_one_hosts_funds_are_downloaded_in_the_order_asked(site, yahoo, asked):
    # The first fund named (often the largest) has its quotes asked for first.
    fetch(site, yahoo, funds=asked)
    ishares = [r.query["fileName"].removesuffix("_holdings") for r in site.log if "fileName" in r.query]
    assert ishares == [f for f in asked if f != "SPY"]

def test_quote_progress_never_goes_backwards(site, yahoo):
    seen = []
    fetch(site, yahoo, progress=Progress(quotes=lambda done, total: seen.append((done, total))))

    totals = [total for _, total in seen]
    assert None in totals and totals[-1] is not None
    assert totals.index(totals[-1]) > totals.index(None), "no total until every fund is in, then one"
    assert len({t for t in totals if t is not None}) == 1
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert seen[-1][0] == seen[-1][1]


def test_without_a_cache_nothing_is_written(site, yahoo, tmp_path, monkeypatch):
    monkeypatch.setenv("SMALLCAP_SCREEN_CACHE_DIR", str(tmp_path / "default-cache"))
    fetch(site, yahoo)

    assert not (tmp_path / "default-cache").exists()


def test_a_warm_run_asks_for_nothing_and_keeps_the_funds_figures(site, yahoo, tmp_path):
    with Cache(tmp_path) as cache:
        cold = fetch(site, yahoo, cache=cache)
        asked = (len(site.log), yahoo.total_requests)
        warm_report = FetchReport()
        warm = fetch(site, yahoo, cache=cache, report=warm_report)
        assert cache.get_quotes([REPORTED_KEY + "IWM"])[0]

    assert (len(site.log), yahoo.total_requests) == asked
    assert warm.reported == cold.reported
    assert warm_report.cached == FUNDS


def test_an_unwritable_cache_is_dropped_for_the_run_with_a_note(site, yahoo, tmp_path):
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("")
    report = FetchReport()
    with Cache(blocked / "cache") as cache:
        snapshot = fetch(site, yahoo, cache=cache, report=report)

    assert sorted(snapshot.holdings) == sorted(FUNDS) and report.quotes_fetched == len(snapshot.fundamentals.table) + len(report.quotes_missing)
    assert "cannot write the cache" in report.cache_problem
    assert sum("ran without the cache" in note for note in report.notes) == 1


def test_a_host_past_its_deadline_costs_its_funds_not_the_run(site, yahoo):
    site.inject("ssga", Fault(delay=5.0))
    report = FetchReport()
    snapshot = fetch(site, yahoo, report=report, policy=RetryPolicy(backoff=0.05, timeout=1.5, deadline=1.5))

    assert sorted(snapshot.holdings) == ["IJR", "IWM"]
    assert "gave no answer" in report.failed["SPY"]


def test_a_yahoo_past_its_deadline_ends_the_run_with_a_network_error(site, yahoo):
    yahoo.hang_next(50, seconds=3.0)
    with pytest.raises(NetworkError, match="Yahoo Finance"):
        fetch(site, yahoo, policy=RetryPolicy(backoff=0.05, timeout=0.3, deadline=0.5))


def test_no_fund_downloadable_is_a_network_error_naming_each(site, yahoo):
    site.inject("ajax", *[Fault(status=404)] * 2)
    site.inject("latest", *[Fault(status=404)] * 2)
    site.inject("ssga", Fault(status=404))
    with pytest.raises(NetworkError, match="no fund's holdings could be downloaded .IWM: .*IJR: .*SPY: "):
        fetch(site, yahoo, policy=RetryPolicy(backoff=0.05, timeout=2.0, deadline=2.0))


def test_stale_holdings_are_one_note_naming_every_fund(site, yahoo):
    report = FetchReport()
    fetch(site, yahoo, report=report)

    [note] = [n for n in report.notes if "older than" in n]
    assert "IWM 2025-11-05" in note and "IJR 2025-11-18" in note and "SPY 2025-11-18" in note


def test_a_strict_yahoo_is_waited_out_and_said_so(site, served):
    notices = []
    report = FetchReport()
    with YahooStandIn(served[1], latency=0.01, rate_limit=3, ban=1.0) as strict:
        snapshot = fetch(site, strict, report=report, progress=Progress(note=notices.append))
        throttled = strict.throttled

    assert throttled > 0, "the limit was never hit: the test proves nothing"
    # Nothing the stand-in has a quote for is missing: only symbols Yahoo does not know (SBT, GTXI).
    assert not set(report.quotes_missing) & set(served[1])
    assert len(snapshot.fundamentals.table) > 0
    assert notices and all("Yahoo Finance is throttling requests" in n for n in notices)
    assert report.throttled_seconds > 0
