"""`smallcap-screen import`: bring your own fundamentals (a finviz export or a plain CSV), whole
or refused, dated by the file, never re-pricing funds it barely covers."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from smallcap_screen.errors import DataError
from smallcap_screen.reference import read_reference_fundamentals
from smallcap_screen.sources.fundamentals_file import parse_fundamentals_bytes, stated_date
from smallcap_screen.store import Store
from tests.helpers import assert_one_line_error, run

FINVIZ = "fundamentals_finviz_2025-08-19.csv"
SP500 = "fundamentals_sp500-yahoo_2026-05-15.csv"


@pytest.fixture
def data_dir(tmp_path) -> str:
    return str(tmp_path / "store")


@pytest.fixture(scope="module")
def finviz_lines(raw_dir) -> list[str]:
    return (raw_dir / FINVIZ).read_text(encoding="utf-8").splitlines(keepends=True)


def snapshots(data_dir: str) -> list[int]:
    with Store.open(data_dir=data_dir) as store:
        return [info.id for info in store.snapshots()]


def compare_offline(data_dir: str, *funds: str) -> dict[str, dict]:
    result = run("compare", *funds, "--offline", "-f", "json", "--data-dir", data_dir)
    assert result.returncode == 0, result.stderr
    return {r["fund"]: r for r in json.loads(result.stdout)}


def test_the_sp500_file_reprices_the_sp500_funds_and_leaves_the_small_caps_out(whole_raw_dir, data_dir):
    result = run("import", str(whole_raw_dir / SP500), "--data-dir", data_dir)

    assert result.returncode == 0, result.stderr
    assert "left out IWM, IJR, VB" in result.stderr and "under 90%" in result.stderr
    records = compare_offline(data_dir, "SPY", "IVV", "IWM")
    assert records["SPY"]["as_of_prices"] == "2026-05-15"  # the date in the file name
    assert records["SPY"]["coverage"] > 0.9 and records["SPY"]["data_source"] == f"import of {SP500}"
    # not re-priced by a file holding none of its stocks: offline takes each fund's newest data, IWM's the bundled
    assert records["IWM"]["status"] == "ok" and records["IWM"]["as_of_prices"] == "2025-08-19"
    assert records["IWM"]["data_source"] != records["SPY"]["data_source"]


def test_plain_csv_columns_are_read_by_their_documented_names_and_aliases(tmp_path):
    documented = b"ticker,price,eps_trailing,eps_forward,book_per_share,shares,market_cap,sector\nAAPL,230.5,6.5,7.4,4.4,15e9,3.4e12,Tech\nBRK.B,480,40,,,,,\n"
    aliased = b"Symbol,Name,Price,Earnings/Share,Market Cap\nAAPL,Apple,230.5,6.5,3.4e12\nBRK.B,Berkshire,480,40,\n"

    for content in (documented, aliased):
        table = parse_fundamentals_bytes(content, as_of=None, source="mine.csv").table
        assert table.loc["AAPL", ["price", "eps_trailing"]].tolist() == [230.5, 6.5]
        assert table.loc["BRK-B", "eps_trailing"] == 40
    assert parse_fundamentals_bytes(documented, as_of=None).table.loc["AAPL", "eps_forward"] == 7.4


def test_a_finviz_export_cut_inside_its_last_line_is_refused(tmp_path, finviz_lines, data_dir):
    cut = tmp_path / "finviz_2025-08-19.csv"
    middle = len(finviz_lines) // 2
    cut.write_text("".join(finviz_lines[:middle]) + finviz_lines[middle][:40], encoding="utf-8")

    assert_one_line_error(run("import", str(cut), "--data-dir", data_dir), 3, "cut off")
    assert snapshots(data_dir) == []


def test_a_finviz_export_missing_rows_is_refused(tmp_path, finviz_lines, data_dir):
    holed = tmp_path / "finviz_2025-08-19.csv"
    holed.write_text("".join(finviz_lines[:50] + finviz_lines[60:]), encoding="utf-8")

    assert_one_line_error(run("import", str(holed), "--data-dir", data_dir), 3, "rows are missing")


@pytest.mark.parametrize("body", ["header", "no usable row"])
def test_an_export_without_a_usable_row_is_refused_and_stores_nothing(tmp_path, finviz_lines, data_dir, body):
    empty = tmp_path / "finviz_2025-08-19.csv"
    if body == "header":
        empty.write_text(finviz_lines[0], encoding="utf-8")
    else:
        empty.write_text("ticker,price,eps_trailing\nAAPL,,\nMSFT,0,3\n", encoding="utf-8")

    result = run("import", str(empty), "--data-dir", data_dir)

    assert_one_line_error(result, 3)
    assert snapshots(data_dir) == []


def test_an_export_stating_no_date_needs_as_of(tmp_path, raw_dir, data_dir):
    """A plain CSV of the finviz figures, named without a date (works on the excerpts too)."""
    prices = read_reference_fundamentals(raw_dir).table[["price", "eps_trailing"]].dropna()
    undated = tmp_path / "prices.csv"
    prices.to_csv(undated)
    iwm = str(raw_dir / "IWM_holdings_2025-11-05.csv")

    result = run("import", str(undated), "--holdings", iwm, "--data-dir", data_dir)

    assert result.returncode == 2 and "--as-of" in result.stderr and "Traceback" not in result.stderr
    dated = run("import", str(undated), "--as-of", "2025-08-19", "--holdings", iwm, "--data-dir", data_dir)
    assert dated.returncode == 0, dated.stderr
    assert compare_offline(data_dir, "IWM")["IWM"]["as_of_prices"] == "2025-08-19"


def test_the_date_comes_from_a_date_column_or_the_file_name_never_the_clock():
    assert stated_date(b"ticker,price,eps_trailing,date\nAAPL,1,1,2026-05-14\n", "mine.csv").isoformat() == "2026-05-14"
    assert stated_date(b"ticker,price\n", "export-20250819.csv").isoformat() == "2025-08-19"
    assert stated_date(b"ticker,price\n", "finviz.csv") is None


def test_parse_fundamentals_bytes_refuses_a_cut_quoted_field():
    with pytest.raises(DataError, match="truncated"):
        parse_fundamentals_bytes(b'"No.","Ticker","P/E","EPS (ttm)","Price"\n"1","AAPL","30","7.6","230\n', as_of=None)


def prices_csv(path, snapshot, tickers=None, factor: float = 1.0, extra: int = 0):
    """A plain export of ``snapshot``'s prices (of ``tickers`` only, if given) times ``factor``,
    with ``extra`` rows of stocks no fund holds (the ETFs and the rest of a whole-market export)."""
    table = snapshot.fundamentals.table[["price", "eps_trailing", "eps_forward"]].dropna(subset=["price", "eps_trailing"])
    if tickers is not None:
        table = table.loc[table.index.intersection(sorted(tickers))]
    table = table.assign(price=table["price"] * factor)
    lines = ["ticker,price,eps_trailing,eps_forward"]
    lines += [",".join([t, *("" if v != v else repr(float(v)) for v in row)]) for t, row in zip(table.index, table.itertuples(index=False))]
    lines += [f"ZZ{n:04d},{10 + n},1.5," for n in range(extra)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_import_keeps_its_figures_beside_the_prices_its_funds_need(tmp_path, data_dir):
    import sqlite3

    from smallcap_screen.api.compare import compare
    from smallcap_screen.store.folder import bundled_snapshot

    reference = bundled_snapshot()
    export = prices_csv(tmp_path / "prices.csv", reference, extra=500)
    result = run("import", str(export), "--as-of", "2025-11-21", "--data-dir", data_dir)
    assert result.returncode == 0, result.stderr

    with Store.open(data_dir=data_dir) as store:
        [info] = store.snapshots()
        kept = store.load(info.id)
        stored = {r["fund"]: r for r in store.results("exclude", "SPY")[0].records.values()}
    held = {t for h in kept.holdings.values() for t in h.tickers}
    assert not any(t.startswith("ZZ") for t in kept.fundamentals.table.index)  # no fund holds them: not kept
    assert set(kept.fundamentals.table.index) <= held
    assert set(stored) == set(kept.holdings) == set(reference.holdings)
    expected = {r["fund"]: r for r in compare(list(kept.holdings), data="offline", snapshot=kept).records()}
    for fund, record in stored.items():
        assert record["pe_trailing"] == expected[fund]["pe_trailing"] and record["discount_trailing"] == expected[fund]["discount_trailing"]
    db = sqlite3.connect(f"file:{Path(data_dir) / 'snapshots.sqlite3'}?mode=ro", uri=True)
    readme_sql = "SELECT data_date, pe_trailing, round(100 * discount_trailing, 1) AS discount_pct FROM fund_history WHERE fund = 'IWM' AND negative_policy = 'exclude' AND benchmark = 'SPY' ORDER BY data_date"
    assert db.execute(readme_sql).fetchall() == [("2025-11-21", stored["IWM"]["pe_trailing"], round(100 * stored["IWM"]["discount_trailing"], 1))]

    history = run("history", "IWM", "SPY", "-f", "json", "--data-dir", data_dir)
    assert history.returncode == 0 and "not stored" not in history.stderr, history.stderr
    exported = run("export", "-f", "json", "--data-dir", data_dir)
    assert exported.returncode == 0, exported.stderr
    for shown in (history, exported):  # the holdings an import valued, not a live download
        assert {r["holdings_source"] for r in json.loads(shown.stdout)} == {"import"}
    assert {r["holdings_source"] for r in compare(["IWM", "SPY"], snapshot=kept).records()} == {"store"}
    assert {r["holdings_source"] for r in compare(["IWM", "SPY"], snapshot=reference).records()} == {"bundled"}
    mine = dataclasses.replace(reference, label="my own data")  # neither stored nor bundled
    assert {r["holdings_source"] for r in compare(["IWM", "SPY"], snapshot=mine).records()} == {"given"}


def test_a_partial_import_leaves_every_other_fund_its_newest_data_each_row_dated(tmp_path, data_dir):
    from smallcap_screen.store.folder import bundled_snapshot

    reference = bundled_snapshot()
    whole = run("import", str(prices_csv(tmp_path / "whole.csv", reference)), "--as-of", "2025-11-21", "--data-dir", data_dir)
    assert whole.returncode == 0, whole.stderr
    iwm_only = prices_csv(tmp_path / "iwm.csv", reference, tickers=reference.holdings["IWM"].tickers, factor=1.1)
    partial = run("import", str(iwm_only), "--as-of", "2025-11-28", "--data-dir", data_dir)
    assert partial.returncode == 0 and "left out" in partial.stderr and "SPY" in partial.stderr

    records = compare_offline(data_dir, "IWM", "IJR", "IJS", "SPY")
    assert {f: r["as_of_prices"] for f, r in records.items() if r["status"] == "ok"} == {"IWM": "2025-11-28", "IJR": "2025-11-21", "SPY": "2025-11-21"}
    # IWM against SPY's own newest figures, by hand (IJR, without share counts, is compared with SPY
    # at the issuer's weights, a figure no row shows)
    assert records["IWM"]["discount_trailing"] == pytest.approx(1 - records["IWM"]["pe_trailing"] / records["SPY"]["pe_trailing"], abs=1e-4)
    assert records["IJR"]["discount_trailing"] is not None
    with Store.open(data_dir=data_dir) as store:
        first = store.results("exclude", "SPY")[0].records["IWM"]["pe_trailing"]
    assert records["IWM"]["pe_trailing"] == pytest.approx(1.1 * first, rel=1e-3)  # every price 10% up
    assert records["IJS"]["status"] == "missing" and "no holdings file of IJS ships" in records["IJS"]["status_reason"]
    assert "stored snapshot 1" in records["SPY"]["status_reason"] and "2025-11-21" in records["SPY"]["status_reason"]
    holdings = run("holdings", "SPY", "--offline", "-f", "json", "--data-dir", data_dir)
    assert holdings.returncode == 0, holdings.stderr


def test_a_store_holding_an_imported_portfolio_exports_its_history(tmp_path, data_dir):
    from smallcap_screen.store.folder import bundled_snapshot

    portfolio = tmp_path / "HOLD.csv"
    portfolio.write_text("Symbol,Name,Weight\nAAPL,Apple Inc,60%\nMSFT,Microsoft,40%\n", encoding="utf-8")
    export = prices_csv(tmp_path / "prices.csv", bundled_snapshot())
    assert run("import", str(export), "--as-of", "2025-11-21", "--holdings", str(portfolio), "--data-dir", data_dir).returncode == 0

    exported = run("export", "-f", "json", "--data-dir", data_dir)
    assert exported.returncode == 0, exported.stderr
    hold = [r for r in json.loads(exported.stdout) if r["fund"] == "HOLD"]
    aapl, msft = (bundled_snapshot().fundamentals.table.loc[t] for t in ("AAPL", "MSFT"))
    by_hand = 1 / (0.6 * aapl["eps_trailing"] / aapl["price"] + 0.4 * msft["eps_trailing"] / msft["price"])
    assert [r["pe_trailing"] for r in hold] == [pytest.approx(by_hand, rel=1e-3)]
    assert {r["holdings_source"] for r in json.loads(exported.stdout) if r["fund"] != "HOLD"} == {"import"}
    assert {r["holdings_source"] for r in hold} == {"file"}


def test_snapshots_migrate_stores_the_figures_an_older_import_kept_none_of(data_dir):
    from smallcap_screen.api.history import history
    from tests.helpers import dated

    with Store.open(data_dir=data_dir) as store:
        for day in (13, 20):
            store.save(dated(day, price_factor=1 + day / 1000), origin="import")  # as imports were kept: no figures
        assert history(["IWM"], store=store).recomputed == 2
    result = run("snapshots", "migrate", "--data-dir", data_dir)
    assert result.returncode == 0 and "of 2 snapshot(s)" in result.stderr, result.stderr
    with Store.open(data_dir=data_dir) as store:
        found = history(["IWM", "SPY"], store=store)
        assert found.recomputed == 0 and {r["holdings_source"] for r in found.records()} == {"import"}
        assert history(["IWM"], store=store, negative="include").recomputed == 0
