"""Live `compare` of one fund per issuer through the stand-in internet, end to end (a subprocess
behind the HTTPS proxy, real issuer URLs), and each issuer's broken answer failing its fund alone."""

from __future__ import annotations

import json

import pytest

from smallcap_screen.sources.http import HTML_RETRIES
from tests.helpers import run_live as run
from tests.standins.internet import StandInInternet
from tests.standins.issuers import HTML_PAGE, Fault

ONE_PER_ISSUER = ["IWM", "SPY", "VB", "DES", "SCHA"]


@pytest.fixture(scope="module")
def net(raw_dir):
    with StandInInternet(raw_dir) as running:
        yield running


def compare(net, tmp_path, *funds: str):
    homes = {
        "SMALLCAP_SCREEN_CACHE_DIR": str(tmp_path / "cache"),
        "SMALLCAP_SCREEN_DATA_DIR": str(tmp_path / "data"),
        "XDG_CACHE_HOME": str(tmp_path / "xdg-cache"),
    }
    result = run("compare", *funds, "--live", "-f", "json", env={**net.env, **homes})
    assert result.returncode == 0, result.stderr
    return {r["fund"]: r for r in json.loads(result.stdout)}, result.stderr


def test_one_fund_of_each_issuer_is_valued_from_live_downloads(net, tmp_path, raw_figure):
    records, _ = compare(net, tmp_path, *ONE_PER_ISSUER)

    assert list(records) == ONE_PER_ISSUER
    for fund, record in records.items():
        assert record["status"] == "ok", (fund, record["status_reason"])
        assert record["data_source"].startswith("live data")
        assert record["coverage"] > 0.9, fund
    assert records["VB"]["holdings"] == raw_figure(whole=1327, excerpt=21)  # every Vanguard page arrived
    assert {r["as_of_holdings"] for f, r in records.items() if f != "IWM"} == {"2025-11-18"}


#: A web page every time it is asked again (the client retries HTML answers HTML_RETRIES times).
PERSISTENT_HTML = [HTML_PAGE] * (1 + HTML_RETRIES)
BROKEN = {
    "IWM": [("ajax", PERSISTENT_HTML), ("latest", PERSISTENT_HTML)],
    "SPY": [("ssga-file", PERSISTENT_HTML)],
    "VB": [("vanguard", [Fault(body=b'{"size": 1327, "fund": {"entity": [{"ticker": "AAPL", "percentW')])],
    "DES": [("wisdomtree-api", PERSISTENT_HTML)],
    "SCHA": [("schwab-file", [Fault(body=b"As-Of-Date,Symbol,Quantity,Percent of Assets,Name\r\n2025-11-18,AAPL,1,5")])],
}


@pytest.mark.parametrize("broken", list(BROKEN))
def test_a_broken_answer_fails_its_fund_alone_and_says_why(net, tmp_path, broken):
    for route, faults in BROKEN[broken]:
        net.issuers.inject(route, *faults)

    records, stderr = compare(net, tmp_path, *ONE_PER_ISSUER)

    assert records[broken]["status"] == "missing"
    assert all(r["status"] == "ok" for f, r in records.items() if f != broken)
    assert broken in stderr and ("web page" in stderr or "truncated" in stderr or "damaged" in stderr), stderr
