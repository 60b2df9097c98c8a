"""`smallcap-screen compare` on live data, end to end, as a subprocess behind an HTTPS proxy.

Nothing is mocked: the CLI's own downloaders and the unmodified yfinance code talk to the real
https:// URLs; the stand-in internet (tests/standins/internet.py) answers them on 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest

from tests.helpers import by_fund, dead_proxy_env
from tests.helpers import run_live as run
from tests.standins.internet import REPORTED_PE, StandInInternet, made_up_fiscal_year_end


@pytest.fixture(scope="module")
def net(raw_dir):
    with StandInInternet(raw_dir, latency=0.05) as running:
        yield running


@pytest.fixture
def homes(tmp_path) -> dict[str, str]:
    """Empty cache, store and yfinance cache folders for one test."""
    return {
        "SMALLCAP_SCREEN_CACHE_DIR": str(tmp_path / "cache"),
        "SMALLCAP_SCREEN_DATA_DIR": str(tmp_path / "data"),
        "XDG_CACHE_HOME": str(tmp_path / "xdg-cache"),
    }


def test_cold_run_fetches_everything_in_few_requests_and_warm_run_in_none(net, homes, raw_figure):
    env = {**net.env, **homes}
    before_yahoo, before_all = net.yahoo_requests, net.total_requests
    cold = run("compare", "IWM", "IJR", "IJS", "SPY", "-f", "json", env=env)
    assert cold.returncode == 0, cold.stderr
    records = by_fund(cold.stdout)
    assert [r["status"] for r in records.values()] == ["ok"] * 4
    assert records["IJS"]["holdings"] < records["IJR"]["holdings"]
    # SNDK, without EPS so soon after its spin-off, weighs 2.4% of IJR, but 15% of the excerpt's
    # IJR and 25% of its IJS (every other IJR line).
    assert all(r["coverage"] > raw_figure(whole=0.9, excerpt=0.7) for r in records.values())
    assert {f: r["reported_pe_trailing"] for f, r in records.items()} == REPORTED_PE
    assert records["IWM"]["data_source"].startswith("live data")
    assert records["IWM"]["as_of_holdings"] == "2025-11-05"
    assert net.yahoo_requests - before_yahoo <= 40
    assert "holdings: downloaded IWM, IJR, IJS, SPY" in cold.stderr

    fetched = net.total_requests
    warm = run("compare", "IWM", "IJR", "IJS", "SPY", "-f", "json", env=env)
    assert warm.returncode == 0, warm.stderr
    assert net.total_requests == fetched, "a warm run within the TTL must not touch the network"
    assert by_fund(warm.stdout)["IWM"]["pe_trailing"] == records["IWM"]["pe_trailing"]
    assert "from cache IWM, IJR, IJS, SPY" in warm.stderr
    assert before_all < fetched


def test_live_figures_equal_those_of_an_import_of_the_same_files(net, homes, raw_dir, raw_figure):
    # The stand-in serves the issuer files and the finviz numbers that `import` reads here, so
    # the live path (download, parse, batch quotes, join) must land on the very same figures.
    live = by_fund(run("compare", "IWM", "SPY", "-f", "json", env={**net.env, **homes}).stdout)
    imported = {**homes, "SMALLCAP_SCREEN_DATA_DIR": homes["SMALLCAP_SCREEN_DATA_DIR"] + "-imported"}
    holdings = ["--holdings", str(net.files["IWM"]), "--holdings", str(net.files["SPY"])]
    made = run("import", str(raw_dir / "fundamentals_finviz_2025-08-19.csv"), *holdings, "--as-of", "2025-08-19", env=imported)
    assert made.returncode == 0, made.stderr
    offline = by_fund(run("compare", "IWM", "SPY", "-f", "json", "--offline", env=imported).stdout)
    # Only the import sets aside holdings whose finviz row is suspect (EPS not adjusted after a
    # reverse split, a market cap 10x off price x shares); Yahoo quotes carry no such evidence, so
    # those holdings enter live. They weigh about 0.1% of IWM.
    # The excerpt keeps the flagged HE and TNXP among 37 holdings: 1.1% of its weight.
    # A split between the holdings and the price date is told by the order of the dates: the
    # import prices on 2025-08-19, before SPY's file of 2025-11-18 (NFLX's 10:1 split of
    # 2025-11-17 is undone), while the live run's quotes are "today's", after the file, where no
    # split explains NFLX's share count and it takes its issuer weight (0.86% instead of 0.96%).
    # Both name the holding; its weight moves the shares of the others by a hair.
    for fund in ("IWM", "SPY"):
        flagged = offline[fund]["flagged_weight"]
        assert flagged < raw_figure(whole=0.002, excerpt=0.02) and live[fund]["flagged_holdings"] <= offline[fund]["flagged_holdings"]
        adjusted = {a.split()[0] for a in (offline[fund]["corporate_actions"] or "").split("; ") if a}
        assert adjusted == {a.split()[0] for a in (live[fund]["corporate_actions"] or "").split("; ") if a}, fund
        moved = 0.005 if adjusted else 0.0  # NFLX 0.86% or 0.96%: the others' shares move by 0.1-0.25% (excerpt)
        for field in ("coverage", "loss_weight"):
            assert live[fund][field] == pytest.approx(offline[fund][field], rel=moved, abs=flagged + 1e-9), (fund, field)
        for field in ("pe_trailing", "pe_forward"):
            assert live[fund][field] == pytest.approx(offline[fund][field], rel=raw_figure(whole=1e-3, excerpt=3e-2)), (fund, field)


def test_unplugged_network_falls_back_to_the_newest_snapshot_and_says_so(net, homes):
    assert run("compare", "IWM", "SPY", "-q", env={**net.env, **homes}).returncode == 0
    offline = run("compare", "IWM", "SPY", "-f", "json", "--cache-dir", homes["SMALLCAP_SCREEN_CACHE_DIR"] + "-cold", env={**homes, **dead_proxy_env()})
    assert offline.returncode == 0, offline.stderr
    assert "no live data" in offline.stderr and "live data of" in offline.stderr
    assert by_fund(offline.stdout)["IWM"]["data_source"].startswith("live data of")
    table = run("compare", "IWM", "SPY", "--offline", env=homes)
    assert "Yahoo" in table.stdout and f"{REPORTED_PE['IWM']:.1f}x" in table.stdout, table.stdout


def test_unplugged_network_with_live_is_exit_5(homes):
    result = run("compare", "IWM", "--live", env={**homes, **dead_proxy_env()})
    assert result.returncode == 5
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")


def test_a_strict_yahoo_is_waited_out_with_full_coverage_and_said_so(raw_dir, homes):
    # 2 requests a second, and a ban (429 without Retry-After) after one more: strict Yahoo
    # with its 10 s ban shortened to 1 s.
    with StandInInternet(raw_dir, latency=0.01, rate_limit=2, ban=1.0) as strict:
        result = run("compare", "IWM", "SPY", "-f", "json", env={**strict.env, **homes})
        throttled = strict.yahoo.throttled
    assert result.returncode == 0, result.stderr
    assert throttled > 0, "the limit was never hit: the test proves nothing"
    assert all(r["coverage"] > 0.98 and r["data_source"].startswith("live data") for r in by_fund(result.stdout).values())
    assert "Yahoo Finance is throttling requests (HTTP 429" in result.stderr
    assert "waiting" in result.stderr and "no live data" not in result.stderr


def test_a_cap_on_symbols_per_yahoo_request_still_gives_live_data(raw_dir, raw_figure, homes):
    cap = raw_figure(whole=100, excerpt=20)  # the excerpts hold 87 stocks
    with StandInInternet(raw_dir, max_quote_symbols=cap) as capped:
        result = run("compare", "IWM", "SPY", "-f", "json", env={**capped.env, **homes})
        largest = max(len(batch) for batch in capped.yahoo.quote_batches)
    assert result.returncode == 0, result.stderr
    assert largest <= cap
    assert all(r["coverage"] > 0.98 and r["data_source"].startswith("live data") for r in by_fund(result.stdout).values())


def test_an_issuer_answering_a_web_page_twice_still_gives_every_fund_live(net, homes):
    from tests.standins.issuers import HTML_PAGE

    net.issuers.inject("ajax", HTML_PAGE, HTML_PAGE)
    result = run("compare", "IWM", "IJR", "SPY", "-f", "json", env={**net.env, **homes})
    assert result.returncode == 0, result.stderr
    assert [r["status"] for r in by_fund(result.stdout).values()] == ["ok"] * 3
    assert "holdings: downloaded IWM, IJR, SPY" in result.stderr


def test_faults_on_every_host_are_survived_with_correct_figures(net, homes, tmp_path):
    from tests.standins.issuers import HTML_PAGE, status

    reference = by_fund(run("compare", "IWM", "SPY", "-f", "json", env={**net.env, **homes}).stdout)
    net.issuers.inject("ajax", *[HTML_PAGE] * 3)  # iShares keeps answering a web page: the other path is tried
    net.issuers.inject("ssga", status(500), status(429, retry_after="1"))
    net.yahoo.throttle_crumb_next(1)  # a poisoned crumb
    net.yahoo.fail_next(2, status=429, retry_after=1)
    net.yahoo.truncate_next(1)
    fresh = {**homes, "SMALLCAP_SCREEN_CACHE_DIR": str(tmp_path / "cache-2")}
    ssga_before = len(net.issuers.requests_on("ssga"))
    result = run("compare", "IWM", "SPY", "-f", "json", env={**net.env, **fresh})
    assert result.returncode == 0, result.stderr
    assert net.issuers.requests_on("latest"), "the HTML answer should have sent it to latest-holdings.csv"
    assert len(net.issuers.requests_on("ssga")) - ssga_before == 3
    for fund, record in by_fund(result.stdout).items():
        assert record["pe_trailing"] == pytest.approx(reference[fund]["pe_trailing"], rel=1e-9)
        assert record["coverage"] == pytest.approx(reference[fund]["coverage"], rel=1e-9)


def test_ctrl_c_during_a_live_fetch_keeps_the_finished_batches_and_says_so(whole_raw_dir, homes):
    import signal
    import time

    with StandInInternet(whole_raw_dir, latency=0.05) as slow:  # IWM's and SPY's whole files: two quote batches, sent at once
        # The funds' own request and the first quote batch are answered, the other batch is held
        # until the stand-in stops: Ctrl-C comes while it is, however long a busy machine takes.
        slow.yahoo.hang_next(2, 0)
        slow.yahoo.hang_next(1, 120)
        base = {k: v for k, v in os.environ.items() if "proxy" not in k.lower() and k not in ("CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE")}
        # As at a terminal, whatever way the tests were started (a job started in the background
        # with `&`, as from a script or cron, ignores SIGINT, and so would the run).
        process = subprocess.Popen(
            [sys.executable, "-m", "smallcap_screen", "compare", "IWM", "SPY"],
            env={**base, **slow.env, **homes}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        deadline = time.monotonic() + 60
        while len(slow.yahoo.quote_batches) < 2 and time.monotonic() < deadline:  # the funds' batch, then a quote batch
            time.sleep(0.05)
        time.sleep(0.3)  # let the run cache that batch
        process.send_signal(signal.SIGINT)
        time.sleep(0.5)  # the interruption is under way before the held batch is let go
    _, stderr = process.communicate(timeout=60)

    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    [line] = [line for line in stderr.splitlines() if line.startswith("interrupted: ")]
    assert line.endswith("quotes kept in the cache for the next run"), line
    from smallcap_screen.cache import Cache

    with Cache(homes["SMALLCAP_SCREEN_CACHE_DIR"]) as cache:
        assert cache.info()["quotes"]["entries"] >= int(line.split()[1].replace(",", ""))


def test_a_full_cache_disk_costs_the_cache_not_the_live_run(net, homes, tmp_path):
    from tests.standins.disk import full_disk_available, on_full_disk

    if not full_disk_available():
        pytest.skip("this machine does not let a process mount a tmpfs in its own namespace (unshare)")
    base = {k: v for k, v in os.environ.items() if "proxy" not in k.lower() and k not in ("CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE")}
    cache = tmp_path / "full-cache"
    command = on_full_disk(cache, [sys.executable, "-m", "smallcap_screen", "compare", "IWM", "SPY", "-f", "json"])
    result = subprocess.run(command, capture_output=True, text=True, env={**base, **net.env, **homes, "SMALLCAP_SCREEN_CACHE_DIR": str(cache)}, timeout=180)

    assert result.returncode == 0, result.stderr
    assert all(r["data_source"].startswith("live data") for r in by_fund(result.stdout).values())
    [note] = [line for line in result.stderr.splitlines() if "ran without the cache" in line]
    assert "No space left on device" in note or "database or disk is full" in note


def test_compare_forward_ntm_is_fy1_and_fy2_blended_by_each_fiscal_year(net, homes, tmp_path):
    # The stand-in's FY1 estimates and fiscal-year ends are made up (finviz has neither), served as
    # Yahoo serves them: epsCurrentYear in the batch quote, lastFiscalYearEnd in quoteSummary.
    # Fiscal-year ends cost one request per stock at Yahoo's 8 a second (IJS and DES, ~550
    # stocks: 70 s cold; IWM and SPY: four minutes), so the two funds here are 40 holdings of
    # each, as portfolio files: IJS's heaviest and DES's.
    from smallcap_screen.sources.holdings_file import read_holdings_file

    env = {**net.env, **homes}
    table = net.fundamentals.table
    blendable = table.index[(table["price"] > 0) & table["eps_fy1"].notna() & table["eps_forward"].notna()]
    held = {}
    for fund in ("IJS", "DES"):
        equities = read_holdings_file(net.files[fund], fund=fund).equities
        part = equities[equities["ticker"].isin(blendable) | ~equities["ticker"].isin(table.index)].head(40)
        part = part.assign(weight=part["weight"] / part["weight"].sum())
        path = tmp_path / f"{fund.lower()}40.csv"
        part[["ticker", "weight"]].to_csv(path, index=False)
        held[f"{fund}40"] = part
    funds = (str(tmp_path / "ijs40.csv"), str(tmp_path / "des40.csv"), "--benchmark", str(tmp_path / "ijs40.csv"), "--weighting", "holdings-date")
    asked = {h: by_fund(run("compare", *funds, "--forward", h, "-f", "json", env=env).stdout) for h in ("fy1", "fy2")}
    before = net.yahoo.requests["/v10/finance/quoteSummary"]
    ntm = run("compare", *funds, "--forward", "ntm", "-f", "json", env=env)
    assert ntm.returncode == 0, ntm.stderr
    records = by_fund(ntm.stdout)
    asked_for = set().union(*(set(equities["ticker"]) for equities in held.values())) & set(blendable)
    # Only the stocks an NTM figure can use are asked about, once each; a second run asks none.
    assert net.yahoo.requests["/v10/finance/quoteSummary"] - before == len(asked_for) > 10  # 25 of the excerpts' 80, 60+ of the whole files'
    again = net.yahoo.requests["/v10/finance/quoteSummary"]
    assert by_fund(run("compare", *funds, "--forward", "ntm", "-f", "json", env=env).stdout) == records
    assert net.yahoo.requests["/v10/finance/quoteSummary"] == again, "fiscal-year ends are kept in the cache"
    for fund, equities in held.items():
        priced_on = dt.date.fromisoformat(records[fund]["as_of_prices"])  # live: today
        weights, yields, unknown = [], [], 0
        both = []  # (weight, FY1, NTM, FY2 yield) of the holdings profitable in each horizon
        for ticker, weight in zip(equities["ticker"], equities["weight"]):
            if ticker not in blendable:
                continue
            row = table.loc[ticker]
            fy1, fy2, price = row["eps_fy1"], row["eps_forward"], row["price"]
            end = made_up_fiscal_year_end(ticker)
            if end is None:
                unknown += 1
                continue
            last = dt.date.fromisoformat(end)
            current = last.replace(year=priced_on.year if last.replace(year=priced_on.year) > priced_on else priced_on.year + 1)
            start = current.replace(year=current.year - 1)
            share = (current - priced_on).days / (current - start).days
            earnings_yield = (share * fy1 + (1 - share) * fy2) / price
            if 0 < earnings_yield <= 1:  # ex-negative, inside the plausible band
                weights.append(weight)
                yields.append(earnings_yield)
            if 0 < fy1 / price <= 1 and 0 < fy2 / price <= 1:
                both.append((weight, fy1 / price, earnings_yield, fy2 / price))
        by_hand = sum(weights) / sum(w * y for w, y in zip(weights, yields))
        assert records[fund]["forward_horizon"] == "NTM"
        assert records[fund]["pe_forward"] == pytest.approx(by_hand, abs=5e-5), fund  # written to 4 decimals
        assert records[fund]["fiscal_year_unknown"] == unknown > 0
        # Like with like: over the same holdings (fiscal year known, profitable in both years) the
        # blend lies between its two horizons. The funds' own FY1 and FY2 P/Es also count the
        # holdings whose fiscal year is unknown, which NTM leaves out, so they need not bracket it.
        fy1_pe, ntm_pe, fy2_pe = (sum(b[0] for b in both) / sum(b[0] * b[i] for b in both) for i in (1, 2, 3))
        assert min(fy1_pe, fy2_pe) < ntm_pe < max(fy1_pe, fy2_pe), fund
        assert asked["fy1"][fund]["forward_horizon"] == "FY1" and asked["fy2"][fund]["forward_horizon"] == "FY2"
    assert "left out of NTM, fiscal-year end unknown" in ntm.stderr
    assert "fiscal-year ends, one request per stock" in ntm.stderr
