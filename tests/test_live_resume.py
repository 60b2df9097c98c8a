"""A live fetch cut off midway keeps what it had; the next run asks Yahoo only for the rest."""

from __future__ import annotations

import pytest

from smallcap_screen.cache import Cache
from smallcap_screen.live import FetchReport, Progress, fetch_snapshot
from smallcap_screen.sources.issuers.ishares import parse as parse_ishares_csv
from smallcap_screen.sources.pacing import RetryPolicy
from tests.standins.yahoo import YahooStandIn, quotes_from_fundamentals, standin_session, use_private_yfinance_cache


@pytest.fixture(scope="module", autouse=True)
def private_yfinance_cache(tmp_path_factory):
    use_private_yfinance_cache(tmp_path_factory.mktemp("yfinance-cache"))


@pytest.fixture(scope="module")
def iwm(whole_raw_dir):
    # The whole file: its 1,956 holdings take two quote batches, enough to stop after the first.
    return parse_ishares_csv((whole_raw_dir / "IWM_holdings_2025-11-05.csv").read_bytes(), fund="IWM")


@pytest.fixture(scope="module")
def quotes(raw_dir):
    from smallcap_screen.reference import read_reference_fundamentals

    return quotes_from_fundamentals(read_reference_fundamentals(raw_dir).table)


def test_an_interrupted_fetch_resumes_where_it_stopped(tmp_path, iwm, quotes):
    cache = Cache(tmp_path / "cache")
    def press_ctrl_c(done: int, total: int) -> None:
        if done >= 300:
            raise KeyboardInterrupt  # the user gives up after a couple of batches

    interrupted = FetchReport()
    with YahooStandIn(quotes, latency=0.05) as first, pytest.raises(KeyboardInterrupt):
        fetch_snapshot([], [iwm], cache=cache, report=interrupted, progress=Progress(quotes=press_ctrl_c), yahoo_session=standin_session(first.url), policy=RetryPolicy())
    kept, still_missing = cache.get_quotes(iwm.tickers)
    assert 300 <= len(kept) < len(set(iwm.tickers))
    assert interrupted.interrupted and interrupted.quotes_kept == len(kept)

    report = FetchReport()
    with YahooStandIn(quotes) as second:
        snapshot = fetch_snapshot([], [iwm], cache=cache, report=report, yahoo_session=standin_session(second.url))
        asked = {s for batch in second.quote_batches for s in batch}
    assert asked == set(still_missing), "only the symbols the first run did not get are asked for"
    assert report.quotes_cached == len(kept)
    assert len(snapshot.fundamentals.table) == len(set(iwm.tickers)) - len(report.quotes_missing)
