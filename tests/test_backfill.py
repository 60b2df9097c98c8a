"""`backfill`: past snapshots from dated iShares files and point-in-time SEC earnings, end to end
on stand-ins (tests/standins/issuers.py serving real iShares files by asOfDate, tests/standins/sec.py
serving SEC documents), checked against by-hand computations from the files themselves."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3

import pandas as pd
import pytest

from smallcap_screen.api.backfill import MAX_STEP_BACK, Progress, backfill, dated_fund, period_dates
from smallcap_screen.errors import NetworkError, UsageError
from smallcap_screen.sources.pacing import RateBudget
from smallcap_screen.sources.sec.client import SEC_POLICY, sec_pacer
from smallcap_screen.store import Store
from smallcap_screen.tickers import to_yahoo_series
from tests.standins.issuers import IssuerStandIn, dated_files, status
from tests.standins.sec import SecStandIn
from tests.standins.sec_documents import filed_on, quarter_ends, quarter_eps, sec_site

AGENT = "Jane Doe jane@example.com"
D = dt.date
#: The stand-in SEC of most tests here blocks a client past this many requests in one second (the
#: real one past 10), and their backfills are given a pacer at half of it (``fast_sec_pacer``): at
#: the SEC's own 9 a second each run of ~250 companies would take half a minute. The SEC's pace is
#: the subject of test_sec_client.py and of the test here of a backfill given no pacer.
FAST_SEC = 200


def fast_sec_pacer(policy=SEC_POLICY):
    """A pacer for the stand-in SEC at ``FAST_SEC`` (the SEC's retry policy unless ``policy``)."""
    return sec_pacer(policy, budget=RateBudget(rate=FAST_SEC / 2))


def file_rows(path) -> list[dict]:
    """The equity rows of an iShares file, read with the csv module alone (independent of the parser)."""
    text = path.read_bytes().decode("utf-8-sig")
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Ticker,"))
    end = next(i for i in range(start, len(lines)) if not lines[i].strip(" \xa0"))
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[start:end]))))
    rows = [r for r in rows if r["Asset Class"] == "Equity" and r["Exchange"] != "NO MARKET (E.G. UNLISTED)" and r["Ticker"] not in ("-",) and " " not in r["Ticker"]]
    tickers = to_yahoo_series(pd.Series([r["Ticker"] for r in rows], dtype=object))  # the whole column at once: 0.5 ms a call one by one
    number = lambda text: float(text.replace(",", ""))  # noqa: E731
    return [
        {"ticker": ticker, "value": number(r["Market Value"]), "shares": number(r["Quantity"]), "price": number(r["Price"])}
        for ticker, r in zip(tickers, rows)
    ]


def ttm_by_hand(ticker: str, day: dt.date) -> float | None:
    """The synthetic company's TTM diluted EPS known on ``day``: its last four quarters filed by then
    (each filed on its ``filed_on`` day; the fourth quarter through the 10-K's full year)."""
    known = [end for end in quarter_ends(D(2020, 1, 1), day) if filed_on(ticker, end) <= day]
    return sum(quarter_eps(ticker, end) for end in known[-4:]) if len(known) >= 4 else None


#: What IWM's files of 2025-11-05 and 2026-04-10 show between them, read off their rows: share
#: counts that moved by a split's ratio while the price moved the other way (PIPR 424,757 shares at
#: $335.24, then 1,649,890 at $83.47: 4 for 1; LXP 7,081,193 at $9.68, then 1,390,683 at $49.72:
#: 1 for 5). The made-up facts know no split, so the EPS filed before 2026-04-10 is divided.
IWM_SPLITS_BY_2026_04_10 = {"PIPR": 4, "LXP": 0.2, "CLMB": 4, "AGL": 0.04, "ADV": 0.04, "RPT": 0.2}


def pe_by_hand(rows: list[dict], ciks: dict, day: dt.date, splits: dict[str, float] = {}) -> tuple[float, float]:  # noqa: B006
    """Trailing P/E excluding losses, weights shares x price of the file (a holding priced 0 keeps
    its market value's share), E/P above 1 left out as a data error (README, "Methodology");
    and the share of the fund's market value matched to a CIK. ``splits``: ticker → ratio of a
    split the files showed since the previous date (its EPS on the new share basis)."""
    priced = [r for r in rows if r["price"] > 0]
    scale = sum(r["shares"] * r["price"] for r in priced) / sum(r["value"] for r in priced)
    weight = {r["ticker"]: r["shares"] * r["price"] if r["price"] > 0 else r["value"] * scale for r in rows}
    total = sum(weight.values())
    numerator = denominator = 0.0
    for r in rows:
        eps = ttm_by_hand(r["ticker"], day) if r["ticker"] in ciks else None
        if eps is not None:
            eps /= splits.get(r["ticker"], 1)
        if eps is not None and eps > 0 and r["price"] > 0 and eps / r["price"] <= 1:
            numerator += weight[r["ticker"]] / total
            denominator += weight[r["ticker"]] / total * eps / r["price"]
    matched = sum(r["value"] for r in rows if r["ticker"] in ciks) / sum(r["value"] for r in rows)
    return numerator / denominator, matched


@pytest.fixture(scope="module")
def site_documents(raw_dir):
    """The files of ``site`` by fund and day, the SEC's documents, the CIK of each company it knows
    (built once: the tests change the stand-ins, never these)."""
    files = {
        "IWM": {D(2025, 11, 5): raw_dir / "IWM_holdings_2025-11-05.csv", D(2026, 4, 10): raw_dir / "IWM_holdings_2026-04-10.csv"},
        "IVV": {D(2025, 11, 18): raw_dir / "IVV_holdings_2025-11-18.csv"},
    }
    tickers = {r["ticker"] for days in files.values() for path in days.values() for r in file_rows(path)}
    # One company in ten known to the SEC (made-up facts), enough for P/E by hand: every holding
    # would take minutes at the SEC's 10 requests/s. The largest holding of each file stays unmatched.
    largest = {max(file_rows(path), key=lambda r: r["value"])["ticker"] for days in files.values() for path in days.values()}
    documents, ciks = sec_site(sorted(tickers)[::10], D(2025, 1, 1), D(2026, 4, 10), leave_out=largest)
    return files, documents, ciks


@pytest.fixture
def site(site_documents):
    """iShares with IWM's files of 2025-11-05 and 2026-04-10 and IVV's of 2025-11-18; the SEC
    knowing one holding in ten, never the largest of a file."""
    files, documents, ciks = site_documents
    with IssuerStandIn({}, dated=dated_files(files)) as issuer, SecStandIn(documents, max_per_second=FAST_SEC) as sec:
        yield issuer, sec, files, ciks


def run(site, store, **options):
    issuer, sec, _, _ = site
    return backfill(
        options.pop("funds", ["IWM"]), store=store, user_agent=AGENT, benchmark=options.pop("benchmark", "IWM"), issuer_spacing=0,
        issuer_url=issuer.url, sec_data_url=sec.url, sec_www_url=sec.url, sec_pacer=options.pop("sec_pacer", None) or fast_sec_pacer(), **options,
    )


def test_period_dates_are_the_last_business_day_of_each_period():
    assert period_dates(D(2024, 1, 1), D(2024, 4, 10), "month") == [D(2024, 1, 31), D(2024, 2, 29), D(2024, 3, 29)]
    assert period_dates(D(2024, 3, 20), D(2024, 4, 10), "week") == [D(2024, 3, 22), D(2024, 3, 29), D(2024, 4, 5)]
    assert period_dates(D(2024, 3, 29), D(2024, 4, 2), "day") == [D(2024, 3, 29), D(2024, 4, 1), D(2024, 4, 2)]
    assert period_dates(D(2024, 8, 31), D(2024, 9, 1), "month") == []  # August's last business day is the 30th
    with pytest.raises(UsageError):
        period_dates(D(2024, 2, 1), D(2024, 1, 1), "week")


def test_funds_without_past_files_take_the_ishares_fund_of_their_index():
    assert dated_fund("SPY").ticker == "IVV" and dated_fund("VOO").ticker == "IVV"
    assert dated_fund("VTWO").ticker == "IWM" and dated_fund("IWM").ticker == "IWM"
    with pytest.raises(UsageError, match="DES"):
        dated_fund("DES")


def test_backfill_keeps_the_files_own_weights_prices_and_a_fund_pe_equal_to_the_by_hand_one(site, tmp_path):
    _, _, files, ciks = site
    with Store.open(tmp_path / "s.sqlite3") as store:
        result = run(site, store, dates=[D(2025, 11, 5), D(2026, 4, 10)])
        assert result.complete and not result.gaps and len(result.kept) == 2
        for day, path in files["IWM"].items():
            entry = next(e for e in result.kept if e.period_date == day)
            snapshot = store.load(entry.snapshot_id)
            assert snapshot.data_date == day and snapshot.fundamentals.as_of == day
            assert store.info(entry.snapshot_id).origin == "backfill"
            rows = file_rows(path)
            holdings = snapshot.holdings["IWM"].equities.set_index("ticker")
            by_value = {r["ticker"]: r["value"] for r in rows}
            total = sum(by_value.values())
            for ticker, value in by_value.items():  # the file's own weights ...
                assert holdings.loc[ticker, "weight"] == pytest.approx(value / total, rel=1e-9)
            prices = snapshot.fundamentals.table["price"]
            for r in rows:  # ... and its own prices
                assert prices[r["ticker"]] == r["price"]
            pe, matched = pe_by_hand(rows, ciks, day, IWM_SPLITS_BY_2026_04_10 if day == D(2026, 4, 10) else {})
            stored = store.results("exclude", "IWM")
            record = next(s.records["IWM"] for s in stored if s.info.id == entry.snapshot_id)
            assert record["pe_trailing"] == pytest.approx(pe, rel=1e-9)
            assert entry.coverage == pytest.approx(matched, rel=1e-9)
            assert entry.unmatched.startswith(max(rows, key=lambda r: r["value"])["ticker"] + " ")  # the largest holding without a CIK is named


def test_a_day_without_a_file_steps_back_then_is_a_recorded_gap_and_a_rerun_fetches_nothing(site, tmp_path):
    issuer, sec, _, _ = site
    with Store.open(tmp_path / "s.sqlite3") as store:
        # 11-06 has no file: 11-05's is taken (dated 11-05, never 11-06); 11-03 and 11-04 have none
        # within MAX_STEP_BACK business days: gaps.
        first = run(site, store, since=D(2025, 11, 3), until=D(2025, 11, 6), every="day")
        assert sorted(e.period_date for e in first.gaps) == [D(2025, 11, 3), D(2025, 11, 4)]
        kept = {e.period_date: e for e in first.kept}
        assert kept[D(2025, 11, 6)].data_date == D(2025, 11, 5) and kept[D(2025, 11, 5)].data_date == D(2025, 11, 5)
        assert {store.info(e.snapshot_id).data_date for e in first.kept} == {D(2025, 11, 5)}
        asked = [r.query["asOfDate"] for r in issuer.requests_on("ajax")]
        # 11-03: itself and MAX_STEP_BACK days before; 11-04: itself (the rest is known empty); 11-05; 11-06 and 11-05.
        assert asked == ["20251103", "20251031", "20251030", "20251029", "20251104", "20251105", "20251106", "20251105"]
        assert MAX_STEP_BACK == 3
        gaps = sqlite3.connect(store.path).execute("SELECT period_date, status, reason FROM backfill WHERE status = 'gap' ORDER BY period_date").fetchall()
        assert [g[0] for g in gaps] == ["2025-11-03", "2025-11-04"] and "no IWM file on 2025-11-03, 2025-10-31" in gaps[0][2]
        issuer.log.clear()
        sec.log.clear()
        again = run(site, store, since=D(2025, 11, 3), until=D(2025, 11, 6), every="day")
        assert again.skipped == 4 and not again.kept and not issuer.log and not sec.log


def redated(path, day: dt.date, folder) -> "Path":
    """A copy of an iShares file whose "Fund Holdings as of" line says ``day``."""
    text = path.read_bytes().decode("utf-8-sig").splitlines(keepends=True)
    text[1] = f'Fund Holdings as of,"{day:%b %d, %Y}"\n'
    copy = folder / f"{path.stem}_as_{day}.csv"
    copy.write_bytes("\ufeff".encode() + "".join(text).encode())
    return copy


def test_a_rerun_a_week_later_refetches_only_the_facts_of_companies_the_daily_indexes_show_filing(raw_dir, tmp_path):
    from tests.helpers import age_cache
    from tests.standins.sec_documents import daily_index_path, facts_path

    days = [D(2025, 11, 5), D(2025, 11, 12)]
    source = raw_dir / "IWM_holdings_2025-11-05.csv"
    files = {"IWM": {days[0]: source, days[1]: redated(source, days[1], tmp_path)}}
    held = {r["ticker"] for r in file_rows(source)}
    documents, ciks = sec_site(sorted(held)[::8], D(2025, 1, 1), D(2025, 12, 31))  # one company in eight
    cache = tmp_path / "cache"
    with IssuerStandIn({}, dated=dated_files(files)) as issuer, SecStandIn(documents, max_per_second=FAST_SEC) as sec, Store.open(tmp_path / "s.sqlite3") as store:
        options = dict(store=store, user_agent=AGENT, benchmark="IWM", issuer_spacing=0, issuer_url=issuer.url, sec_data_url=sec.url, sec_www_url=sec.url, cache_dir=cache)
        first = backfill(["IWM"], dates=days[:1], sec_pacer=fast_sec_pacer(), **options)
        assert first.complete and first.sec_requests == 1 + len(ciks)  # the ticker file, then every company's facts
        age_cache(cache, dt.datetime(2025, 11, 6, 12, tzinfo=dt.timezone.utc))  # as if the first run was the day after 11-05
        sec.log.clear()
        issuer.log.clear()
        second = backfill(["IWM"], dates=days[1:], sec_pacer=fast_sec_pacer(), **options)
        assert second.complete and len(second.kept) == 1 and len(issuer.log) == 1
        # By hand: the companies whose third-quarter 10-Q is dated from the day before the cache's
        # fetch (UTC 11-06: 11-05, in case it was an Eastern evening filing) to 11-12.
        filed = sorted(facts_path(ciks[t]) for t in ciks if D(2025, 11, 5) <= filed_on(t, D(2025, 9, 30)) <= D(2025, 11, 12))
        assert 0 < len(filed) < len(ciks) / 2
        indexes = [daily_index_path(d) for d in (D(2025, 11, 5), D(2025, 11, 6), D(2025, 11, 7), D(2025, 11, 10), D(2025, 11, 11), D(2025, 11, 12))]
        asked = [r.path for r in sec.log]
        assert sorted(p for p in asked if "companyfacts" in p) == filed
        assert sorted(p for p in asked if "daily-index" in p) == indexes
        assert len(asked) == 1 + len(indexes) + len(filed)  # and the ticker file, a day old
        record = next(s.records["IWM"] for s in store.results("exclude", "IWM") if s.info.id == second.snapshots[0])
        assert record["pe_trailing"] == pytest.approx(pe_by_hand(file_rows(source), ciks, days[1])[0], rel=1e-9)


def test_a_live_snapshot_of_the_same_date_is_never_written_over(site, tmp_path):
    from tests.helpers import dated

    with Store.open(tmp_path / "s.sqlite3") as store:
        live = store.save(dated(5, funds=("IWM", "SPY")), origin="live")
        result = run(site, store, dates=[D(2025, 11, 5), D(2026, 4, 10)])
        assert [e.period_date for e in result.kept] == [D(2026, 4, 10)] and result.skipped == 1
        assert store.info(live.snapshot_id).origin == "live" and "IWM" in store.info(live.snapshot_id).fund_names


def test_the_sec_refusing_the_user_agent_is_a_clear_error_before_any_issuer_request(site, tmp_path):
    issuer, sec, _, _ = site
    with Store.open(tmp_path / "s.sqlite3") as store:
        with pytest.raises(NetworkError, match="undeclared automated tool"):
            backfill(["IWM"], store=store, user_agent="python", dates=[D(2025, 11, 5)], benchmark="IWM", issuer_spacing=0,
                     issuer_url=issuer.url, sec_data_url=sec.url, sec_www_url=sec.url)
        assert not issuer.log and store.snapshots() == []
        with pytest.raises(UsageError, match="sec_user_agent"):
            backfill(["IWM"], store=store, user_agent="", dates=[D(2025, 11, 5)])


def test_an_issuer_failure_is_not_a_gap_and_the_next_run_tries_again(site, tmp_path):
    issuer, _, _, _ = site
    issuer.inject("ajax", status(404))
    with Store.open(tmp_path / "s.sqlite3") as store:
        first = run(site, store, dates=[D(2025, 11, 5)])
        assert not first.complete and not first.gaps and list(first.failed) == [("IWM", D(2025, 11, 5))]
        second = run(site, store, dates=[D(2025, 11, 5)])
        assert second.complete and len(second.kept) == 1


def test_history_against_spy_reads_backfilled_discounts_against_ivv_and_says_where_extremes_were(raw_dir, tmp_path):
    from smallcap_screen.api.history import history

    # IVV's one real file, its date line made that of each day (a discount needs both funds on a date).
    days = [D(2025, 11, 5), D(2026, 4, 10)]
    ivv = {}
    for day in days:
        ivv[day] = tmp_path / f"IVV_{day}.csv"
        text = (raw_dir / "IVV_holdings_2025-11-18.csv").read_bytes().replace(b'"Nov 18, 2025"', f'"{day:%b %d, %Y}"'.encode())
        ivv[day].write_bytes(text)
    files = {"IWM": {days[0]: raw_dir / "IWM_holdings_2025-11-05.csv", days[1]: raw_dir / "IWM_holdings_2026-04-10.csv"}, "IVV": ivv}
    tickers = {r["ticker"] for by_day in files.values() for path in by_day.values() for r in file_rows(path)}
    documents, _ = sec_site(sorted(tickers)[::10], D(2025, 1, 1), D(2026, 4, 10))
    with IssuerStandIn({}, dated=dated_files(files)) as issuer, SecStandIn(documents, max_per_second=FAST_SEC) as sec, Store.open(tmp_path / "s.sqlite3") as store:
        run = backfill(["IWM"], store=store, user_agent=AGENT, benchmark="SPY", dates=days, issuer_spacing=0,
                       issuer_url=issuer.url, sec_data_url=sec.url, sec_www_url=sec.url, sec_pacer=fast_sec_pacer())
        assert run.substitutes == {"SPY": "IVV"} and len(set(run.snapshots)) == 2
        result = history(["IWM"], benchmark="SPY", store=store)
        assert [r["benchmark"] for r in result.records()] == ["IVV", "IVV"]
        discounts = [1 - r["pe_trailing"] / next(s.records["IVV"]["pe_trailing"] for s in store.results("exclude", "IVV") if s.info.id == r["snapshot"]) for r in result.records()]
        assert [r["discount_trailing"] for r in result.records()] == pytest.approx(discounts)
        (trend,) = result.trends("discount")
        lowest = min(range(2), key=lambda i: discounts[i])
        assert trend.minimum_on == days[lowest] and trend.maximum_on == days[1 - lowest]


def test_the_command_without_an_sec_user_agent_stops_before_any_request_in_one_line(tmp_path):
    from tests.helpers import assert_one_line_error, dead_proxy_env, run as run_cli

    env = {"SMALLCAP_SCREEN_SEC_USER_AGENT": "", "XDG_CONFIG_HOME": str(tmp_path), "SMALLCAP_SCREEN_DB": str(tmp_path / "s.sqlite3"), **dead_proxy_env()}
    result = run_cli("backfill", "IWM", "--since", "2024-01-01", env=env)
    assert_one_line_error(result, 2, "sec_user_agent", "SMALLCAP_SCREEN_SEC_USER_AGENT")
    assert not (tmp_path / "s.sqlite3").exists()


def test_the_four_whole_real_iwm_files_give_four_snapshots_with_their_own_weights_and_prices(whole_raw_dir, tmp_path):
    days = [D(2025, 5, 13), D(2025, 11, 5), D(2026, 1, 21), D(2026, 4, 10)]
    files = {"IWM": {day: whole_raw_dir / f"IWM_holdings_{day}.csv" for day in days}}
    rows = {day: file_rows(path) for day, path in files["IWM"].items()}
    # Twenty companies the SEC knows (made-up facts): enough for a P/E by hand, and a test that
    # takes seconds (every holding's facts would take ~4 minutes at the SEC's 10 requests/s).
    known = sorted({r["ticker"] for r in rows[days[0]]})[::100]
    documents, ciks = sec_site(known, D(2024, 1, 1), D(2026, 4, 10))
    with IssuerStandIn({}, dated=dated_files(files)) as issuer, SecStandIn(documents, max_per_second=FAST_SEC) as sec, Store.open(tmp_path / "s.sqlite3") as store:
        result = backfill(["IWM"], store=store, user_agent=AGENT, benchmark="IWM", dates=days, issuer_spacing=0,
                          issuer_url=issuer.url, sec_data_url=sec.url, sec_www_url=sec.url, sec_pacer=fast_sec_pacer())
        assert result.complete and not result.gaps and len(set(result.snapshots)) == 4
        assert [r.query["asOfDate"] for r in issuer.requests_on("ajax")] == [f"{d:%Y%m%d}" for d in days]
        for entry in result.kept:
            day = entry.period_date
            snapshot = store.load(entry.snapshot_id)
            assert snapshot.data_date == day == entry.data_date and snapshot.holdings["IWM"].as_of == day
            holdings = snapshot.holdings["IWM"].equities.set_index("ticker")
            total = sum(r["value"] for r in rows[day])
            assert len(holdings) == len(rows[day]) > 1900
            for r in rows[day]:
                assert holdings.loc[r["ticker"], "weight"] == pytest.approx(r["value"] / total, rel=1e-9)
                assert snapshot.fundamentals.table["price"][r["ticker"]] == r["price"]
            record = next(s.records["IWM"] for s in store.results("exclude", "IWM") if s.info.id == entry.snapshot_id)
            pe, matched = pe_by_hand(rows[day], ciks, day)
            assert record["pe_trailing"] == pytest.approx(pe, rel=1e-9) and entry.coverage == pytest.approx(matched, rel=1e-9)


def test_a_backfill_given_no_pacer_keeps_to_the_secs_budget_shared_by_the_process(raw_dir, tmp_path):
    """The other tests give their backfills a pacer for a fast stand-in; given none, a backfill
    takes the process's, at the SEC's 9 requests/s, against a stand-in that blocks an 11th
    request in a second as the SEC does."""
    from smallcap_screen.sources.sec.client import SEC, SEC_BUDGET, process_pacer

    day = D(2025, 11, 5)
    source = raw_dir / f"IWM_holdings_{day}.csv"
    rows = file_rows(source)
    held = sorted({r["ticker"] for r in rows})
    documents, ciks = sec_site(held[:: max(1, len(held) // 20)][:20], D(2025, 1, 1), day)  # twenty companies
    with IssuerStandIn({}, dated=dated_files({"IWM": {day: source}})) as issuer, SecStandIn(documents) as sec, Store.open(tmp_path / "s.sqlite3") as store:
        result = backfill(["IWM"], store=store, user_agent=AGENT, benchmark="IWM", dates=[day], issuer_spacing=0,
                          issuer_url=issuer.url, sec_data_url=sec.url, sec_www_url=sec.url)
        assert result.complete and result.sec_requests == 1 + len(ciks) == len(sec.log)
        record = next(s.records["IWM"] for s in store.results("exclude", "IWM") if s.info.id == result.snapshots[0])
        assert record["pe_trailing"] == pytest.approx(pe_by_hand(rows, ciks, day)[0], rel=1e-9)
    assert sec.blocked_until == 0.0 and sec.most_in_one_second() <= 10
    # 21 requests at 9/s need 20 gaps of 111 ms; the fast pacer of the other tests takes 0.2 s.
    assert sec.log[-1].at - sec.log[0].at >= (len(sec.log) - 1) / SEC_BUDGET.rate - 0.05
    assert process_pacer().budgets[SEC] == SEC_BUDGET


def test_an_sec_429_storm_is_waited_out_and_told(site, tmp_path):
    _, sec, _, _ = site
    sec.inject(*[status(429, retry_after="1")] * 3)
    notes = []
    with Store.open(tmp_path / "s.sqlite3") as store:
        result = run(site, store, dates=[D(2025, 11, 5)], progress=Progress(note=notes.append))
        assert result.complete and len(result.kept) == 1
    assert any("throttling" in note and "429" in note for note in notes), notes
    assert sum(1 for r in sec.log if r.path.endswith("company_tickers.json")) == 4  # three 429s, then the answer


def test_an_sec_429_storm_past_the_deadline_stops_the_run_with_a_clear_error_and_keeps_nothing(site, tmp_path):
    from smallcap_screen.sources.pacing import RetryPolicy

    _, sec, _, _ = site
    # The SEC's own policy waits up to 10 minutes; a shorter one shows the bound in seconds.
    quick = fast_sec_pacer(RetryPolicy(retries=2, backoff=0.1, deadline=3.0, max_ban_wait=2.0, first_ban_wait=0.5))
    sec.inject(*[status(429, retry_after="1")] * 50)
    with Store.open(tmp_path / "s.sqlite3") as store:
        with pytest.raises(NetworkError) as raised:
            run(site, store, dates=[D(2025, 11, 5)], sec_pacer=quick)
        assert store.snapshots() == [] and store.backfill_entries() == []
    message = str(raised.value)
    assert "\n" not in message and ("429" in message or "throttl" in message.lower()), message


def test_a_split_the_files_show_before_any_filing_on_the_new_basis_puts_eps_on_the_price_basis(tmp_path):
    """NVIDIA split 10 for 1 on 2024-06-10; its first filing on the new basis is the 10-Q of
    2024-08-28. IVV's file of 2024-06-07 holds a tenth of the shares at ten times the price of its
    file of 2024-07-15 (the real file of 2025-11-18, NVDA's row put on the old basis); the SEC
    serves NVIDIA's real company facts (tests/fixtures/sec)."""
    from pathlib import Path

    from tests.standins.sec_documents import COMPANY_TICKERS, company_tickers, facts_path

    fixtures = Path(__file__).parent / "fixtures"
    source = fixtures / "real" / "IVV_holdings_2025-11-18.csv"
    days = [D(2024, 6, 7), D(2024, 7, 15)]
    before, after = redated(source, days[0], tmp_path), redated(source, days[1], tmp_path)
    row = next(line for line in before.read_text(encoding="utf-8-sig").splitlines() if line.startswith('"NVDA"'))
    cells = row.split('","')  # Quantity and Price are the 8th and 9th cells
    shares, price = float(cells[7].replace(",", "")), float(cells[8])
    cells[7], cells[8] = f"{shares / 10:,.2f}", f"{price * 10:.2f}"
    before.write_bytes(before.read_bytes().replace(row.encode(), '","'.join(cells).encode()))
    documents = {COMPANY_TICKERS: company_tickers({"NVDA": 1045810}), facts_path(1045810): fixtures / "sec" / "companyfacts_nvda.json"}
    with IssuerStandIn({}, dated=dated_files({"IVV": dict(zip(days, [before, after]))})) as issuer, SecStandIn(documents) as sec, Store.open(tmp_path / "s.sqlite3") as store:
        result = backfill(["IVV"], store=store, user_agent=AGENT, benchmark="IVV", dates=days, issuer_spacing=0,
                          issuer_url=issuer.url, sec_data_url=sec.url, sec_www_url=sec.url)
        assert result.complete and len(result.kept) == 2
        eps = {e.period_date: store.load(e.snapshot_id).fundamentals.table.loc["NVDA", "eps_trailing"] for e in result.kept}
    # Filed by then: Q1 FY25 5.98 (10-Q 2024-05-29); Q4 FY24 = 11.93 (10-K 2024-02-21) - 7.01
    # (9 months, 10-Q 2023-11-21); Q3 FY24 3.71; Q2 FY24 2.48: 17.09 a pre-split share, 1.709 after.
    assert eps[days[0]] == pytest.approx(5.98 + (11.93 - 7.01) + 3.71 + 2.48)
    assert eps[days[1]] == pytest.approx((5.98 + (11.93 - 7.01) + 3.71 + 2.48) / 10)
