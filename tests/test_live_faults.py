"""Live runs when Yahoo answers only part of what it is asked: end to end, as a subprocess
behind the HTTPS proxy of the stand-in internet (see test_live_cli.py)."""

from __future__ import annotations

import pytest

from smallcap_screen.sources.holdings_file import read_holdings_file
from smallcap_screen.sources.yahoo import SPLIT_BUDGET
from smallcap_screen.store import Store
from tests.helpers import by_fund, live_homes
from tests.helpers import run_live as run
from tests.standins.internet import StandInInternet


@pytest.fixture
def net(raw_dir):
    with StandInInternet(raw_dir, latency=0.01) as running:
        yield running


@pytest.fixture
def homes(tmp_path) -> dict[str, str]:
    return live_homes(tmp_path)


def held(net, *funds: str) -> list[str]:
    """The stocks the stand-in's files of ``funds`` hold that it has quotes for, sorted."""
    tickers = {t for fund in funds for t in read_holdings_file(net.files[fund], fund=fund).tickers}
    return sorted(tickers & set(net.yahoo.quotes))


def test_symbols_that_break_every_yahoo_batch_are_named_and_the_rest_stays_live(net, homes):
    symbols = held(net, "IWM", "SPY")
    poisoned = symbols[3 :: max(1, len(symbols) // 20)][:20]  # 1 % of a whole IWM + SPY, 20 of the excerpts' 87
    net.yahoo.poisoned = set(poisoned)
    result = run("compare", "IWM", "SPY", "-f", "json", env={**net.env, **homes})
    sent = net.yahoo.requests["/v7/finance/quote"]

    assert result.returncode == 0, result.stderr
    records = by_fund(result.stdout)
    assert all(r["data_source"].startswith("live data") for r in records.values())
    [note] = [line for line in result.stderr.splitlines() if "fails every request holding" in line]
    shown = poisoned[:10]
    assert ", ".join(shown) in note, note
    assert sent <= SPLIT_BUDGET + 5 * 3, sent  # the funds' request and up to 2 batches, 5 attempts each, then the budget


def test_the_funds_own_yahoo_figures_failing_costs_only_that_cross_check(net, homes):
    net.yahoo.poisoned = {"IWM"}  # only the funds' own request holds IWM
    result = run("compare", "IWM", "SPY", "-f", "json", env={**net.env, **homes})

    assert result.returncode == 0, result.stderr
    records = by_fund(result.stdout)
    assert all(r["data_source"].startswith("live data") and r["coverage"] > 0.9 for r in records.values())
    assert all(r["reported_pe_trailing"] is None for r in records.values())
    assert "no Yahoo-reported figures for the funds" in result.stderr

    kept = run("snapshot", "IWM", "SPY", env={**net.env, **homes})
    assert kept.returncode == 0, kept.stderr
    with Store.open(homes["SMALLCAP_SCREEN_DB"]) as store:
        assert [info.fund_names for info in store.snapshots()] == [["IWM", "SPY"]]


def test_live_with_a_third_of_the_quotes_missing_exits_partial_and_names_the_share(net, homes):
    symbols = held(net, "IWM")
    for symbol in symbols[::3]:
        del net.yahoo.quotes[symbol]
    result = run("compare", "IWM", "SPY", "--live", "-f", "json", env={**net.env, **homes})

    assert result.returncode == 7, result.stderr
    iwm = by_fund(result.stdout)["IWM"]
    assert iwm["coverage"] < 0.9
    [line] = [line for line in result.stderr.splitlines() if line.startswith("warning: IWM")]
    assert f"{1 - iwm['coverage']:.0%} of its weight" in line and "under the threshold of 90%" in line, line

    auto = run("compare", "IWM", "SPY", "-f", "json", env={**net.env, **homes})
    assert auto.returncode == 0, auto.stderr  # without --live a low coverage is said, not an exit code
