"""screen, sectors and explain from the command line: what a user types, what comes out, at
every terminal width; and the honest labels of compare (weights, horizon, coverage, losses)."""

from __future__ import annotations

import json
import re

import pytest
from rich.console import Console

from smallcap_screen.metrics.screens import Criteria
from smallcap_screen.render import pe, signed_pct
from smallcap_screen.render.explain import explain_table
from smallcap_screen.render.screen import screen_table, weight
from smallcap_screen.render.sectors import sectors_tables
from smallcap_screen.api.compare import compare
from smallcap_screen.api.screen import EXPLAIN_FIELDS, SECTOR_FIELDS, explain, screen, sectors
from smallcap_screen.store.folder import bundled_snapshot
from tests.helpers import assert_one_line_error, run

WIDTHS = [60, 80, 120, 200]


@pytest.fixture(scope="module")
def homes(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    return {"HOME": str(home), "SMALLCAP_SCREEN_DATA_DIR": str(home / "data"), "SMALLCAP_SCREEN_CACHE_DIR": str(home / "cache")}


def rendered(renderable, width: int) -> str:
    console = Console(width=width, record=True, color_system=None, file=open("/dev/null", "w"))
    console.print(renderable)
    return console.export_text()


# --- screen ------------------------------------------------------------------------------------


def test_screen_of_cheap_profitable_ijr_names_is_the_api_result(homes):
    result = run("screen", "IJR", "--profitable", "--max-pe", "12", "--top", "20", "--offline", "-f", "json", env=homes)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    expected = screen(["IJR"], Criteria(earnings="profitable", max_pe=12), top=20, snapshot=bundled_snapshot())
    assert [r["ticker"] for r in rows] == list(expected.table["ticker"])
    assert len(rows) == 20 and all(0 < r["pe_trailing"] <= 12 for r in rows)
    assert list(rows[0]) == expected.fields
    assert rows[0]["weighting"] == "IJR:holdings-date"  # the derived IJR list has no share counts


def test_screen_sorted_by_pe_writes_every_stock_to_csv(homes, tmp_path):
    out = tmp_path / "iwm.csv"
    result = run("screen", "IWM", "--sort", "pe", "--offline", "-o", str(out), env=homes)
    assert result.returncode == 0, result.stderr
    lines = out.read_text().splitlines()
    assert lines[0].startswith("ticker,name,sector,funds,weight,") and len(lines) == 1 + 1956
    pes = [float(line.split(",")[7]) for line in lines[1:] if line.split(",")[7]]
    assert pes == sorted(pes)


def test_screen_table_shows_the_first_hundred_rows_and_says_how_to_see_all(homes):
    result = run("screen", "IWM", "--sort", "pe", "--offline", env=homes)
    assert result.returncode == 0, result.stderr
    assert "the first 100 of 1,956 passing" in result.stdout
    assert "1,856 more rows not shown" in " ".join(result.stdout.split())


def test_a_stock_of_two_funds_shows_both_weights(homes):
    rows = json.loads(run("screen", "IWM", "IJR", "--sector", "tech", "--min-cap", "2B", "--offline", "-f", "json", env=homes).stdout)
    both = [r for r in rows if r["funds"] == "IWM IJR"]
    assert both and all(r["weight_IWM"] and r["weight_IJR"] for r in both)
    assert all(r["sector"] == "Information Technology" and r["market_cap"] >= 2e9 for r in rows)


@pytest.mark.parametrize(
    "args,words",
    [
        (["--profitable", "--losses"], ["--profitable", "--losses"]),
        (["--min-cap", "lots"], ["2B"]),
        (["--sort", "colour"], ["pe", "fwd-pe"]),
    ],
)
def test_screen_usage_errors_are_exit_2_and_say_what_to_do(homes, args, words):
    result = run("screen", "IJR", "--offline", *args, env=homes)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr


def test_screen_of_a_fund_the_data_lacks_is_exit_3(homes):
    assert_one_line_error(run("screen", "IJS", "--offline", env=homes), 3, "IJS")


@pytest.mark.parametrize("width", WIDTHS)
def test_screen_table_shows_every_figure_whole(width):
    result = screen(["IWM", "IJR"], Criteria(min_cap=2e9), sort="pe", top=15, snapshot=bundled_snapshot())
    text = rendered(screen_table(result, plain=True, width=width), width)
    assert max(len(line) for line in text.splitlines()) <= width
    for row in result.table.itertuples():
        assert f"{row.ticker} " in text and pe(row.pe_trailing, absent="-") in text
        assert weight(row.weight_IWM) in text


# --- sectors -----------------------------------------------------------------------------------


def test_sectors_json_decomposes_each_funds_gap_exactly(homes):
    result = run("sectors", "IWM", "IJR", "--offline", "-f", "json", env=homes)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert list(rows[0]) == SECTOR_FIELDS
    for fund in ("IWM", "IJR"):
        total = next(r for r in rows if r["fund"] == fund and r["sector"] == "All sectors")
        sectors_ = [r for r in rows if r["fund"] == fund and r["sector"] != "All sectors"]
        # yield points are fractions, written to 8 decimals (README "Rounding"): the parts add up
        # to the written total within their rounding (5e-9 each)
        assert abs(total["mix"] + total["within"] + total["interaction"] - total["total"]) < 2e-8
        assert abs(sum(r["total"] for r in sectors_) - total["total"]) < 5e-9 * (len(sectors_) + 1)
        assert all(len(repr(r[e]).split(".")[-1]) <= 8 for r in rows for e in ("mix", "within", "interaction", "total") if "e" not in repr(r[e]))
        # the whole fund's share of loss-makers by count, as compare gives it (was null)
        assert total["loss_count_share"] == compare_record(fund)["loss_count_share"]
        # P/Es are written to 4 decimals (a relative error up to 3e-6 each), the discount to 8
        assert total["total_discount"] == pytest.approx(1 - total["pe"] / total["benchmark_pe"], abs=1e-5)
        assert total["weighting"] == ("price-date" if fund == "IWM" else "holdings-date")


def compare_record(fund: str) -> dict:
    from smallcap_screen.output import tidy_records

    return tidy_records(compare([fund], snapshot=bundled_snapshot()).records())[0]


def test_sector_cells_never_print_minus_zero():
    result = run("sectors", "IWM", "IJR", "VB", "--offline", env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    assert "-0.00" not in result.stdout and "+0.00" not in result.stdout and "-0.0%" not in result.stdout


def test_sectors_say_when_a_fund_has_no_sectors_in_the_data():
    # SPY's file names no sectors; without IVV's file in the data nothing can name them.
    from dataclasses import replace

    bundled = bundled_snapshot()
    without_ivv = replace(bundled, holdings={f: h for f, h in bundled.holdings.items() if f != "IVV"})
    assert any(note.startswith("SPY: 97% of its weight has no sector") for note in sectors(["IWM"], snapshot=without_ivv).provenance.notes)
    assert sectors(["IWM"], snapshot=bundled).provenance.notes == []


@pytest.mark.parametrize("width", WIDTHS)
def test_sectors_tables_show_every_figure_whole(width):
    view = sectors(["IWM"], snapshot=bundled_snapshot())
    text = rendered(sectors_tables(view, plain=True, width=width), width)
    assert max(len(line) for line in text.splitlines()) <= width
    gap = view.gaps["IWM"]
    for effect in (gap.mix, gap.within, gap.interaction, gap.total):
        assert f"{gap.in_pe(effect):+.2f}" in text and f"{effect * 100:+.2f}pp" in text
    for sector, row in view.tables["IWM"].iterrows():
        assert pe(row["pe"], absent="-") in text
    assert not re.search(r"\d…", text)  # no figure cut


# --- explain -----------------------------------------------------------------------------------


def test_explain_json_has_every_convention_with_who_publishes_it(homes):
    result = run("explain", "IWM", "--offline", "-f", "json", env=homes)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert list(rows[0]) == EXPLAIN_FIELDS
    by_key = {r["convention"]: r for r in rows}
    for key in ("harmonic_ex_negative", "aggregate", "zero_floor", "capped_at_60", "arithmetic_mean", "median", "weighted_median",
                "equal_weight_harmonic", "ex_top10", "ex_magnificent_7", "loss_weight", "loss_count_share",
                "holdings_date_weights", "price_date_weights", "forward_fy2"):
        assert by_key[key]["publishers"], key
    assert by_key["aggregate"]["value"] is None and "lose money" in by_key["aggregate"]["reason"]
    assert by_key["loss_count_share"]["value"] > by_key["loss_weight"]["value"]  # ~43% of names, ~30% of weight


@pytest.mark.parametrize("width", WIDTHS)
def test_explain_table_shows_every_figure_whole(width):
    result = explain("IWM", snapshot=bundled_snapshot())
    text = rendered(explain_table(result, plain=True, width=width), width)
    assert max(len(line) for line in text.splitlines()) <= width
    for row in result.rows:
        if row["unit"] == "P/E":
            assert pe(row["value"]) in text and signed_pct(row["discount"], plain=True) in text


# --- honest labels -----------------------------------------------------------------------------


def test_include_policy_claims_no_forward_losses_the_source_cannot_report(homes):
    result = run("compare", "IWM", "IJR", "SPY", "--negative", "include", "--offline", "-f", "json", env=homes)
    for record in json.loads(result.stdout):
        assert record["forward_losses"] == "not reported by the source"
        assert record["pe_forward"] is None and "cannot be included" in record["pe_forward_reason"]
        assert record["earnings_growth"] is None
    table = " ".join(run("compare", "IWM", "SPY", "--negative", "include", "--offline", env=homes).stdout.split())
    assert "cannot be included" in table
    rows = {r["convention"]: r for r in json.loads(run("explain", "IJR", "-n", "include", "--offline", "-f", "json", env=homes).stdout)}
    assert rows["forward_fy2"]["value"] is None and "cannot be included" in rows["forward_fy2"]["reason"]


def test_compare_names_weights_horizon_and_low_coverage(homes):
    text = " ".join(run("compare", "IWM", "IJR", "SPY", "--offline", env=homes).stdout.split())
    assert " FY2 " in text and "ttm→FY2" in text and "cumulative" in text  # the horizon heads its column
    assert "Weights: IWM price-date, IJR holdings-date, SPY price-date" in text
    assert "! = coverage below 90.0%" in text and "IWM FY2" in text  # finviz gives loss-makers no estimate
    records = {r["fund"]: r for r in json.loads(run("compare", "IWM", "SPY", "--offline", "-f", "json", "-w", "holdings-date", env=homes).stdout)}
    assert records["IWM"]["weighting"] == "holdings-date"
    assert records["IWM"]["pe_trailing"] == pytest.approx(18.6, abs=0.05)
    assert records["SPY"]["pe_trailing"] == pytest.approx(28.0, abs=0.05)


def test_price_date_weights_move_the_headline_as_the_issue_measured(homes):
    records = {r["fund"]: r for r in json.loads(run("compare", "IWM", "SPY", "--offline", "-f", "json", env=homes).stdout)}
    assert records["IWM"]["weighting"] == "price-date"
    assert records["IWM"]["pe_trailing"] == pytest.approx(18.1, abs=0.05)
    # 29.2x with Netflix's post-split shares (2025-11-18) at its pre-split price (2025-08-19)
    assert records["SPY"]["pe_trailing"] == pytest.approx(28.06, rel=0.005)
    assert records["SPY"]["corporate_actions"] == "NFLX 10:1 split"
    assert "NRIM 4:1 split" in records["IWM"]["corporate_actions"] and "GMRE 1:5 reverse split" in records["IWM"]["corporate_actions"]


def test_fy1_is_offered_and_says_when_the_source_has_none(homes):
    record = json.loads(run("compare", "IWM", "--forward", "fy1", "--offline", "-f", "json", env=homes).stdout)[0]
    assert record["forward_horizon"] == "FY1" and record["pe_forward"] is None
    assert "FY1" in record["pe_forward_reason"]


def test_min_coverage_sets_the_guard(homes):
    record = json.loads(run("compare", "IWM", "--min-coverage", "0.5", "--offline", "-f", "json", env=homes).stdout)[0]
    assert record["coverage_threshold"] == 0.5 and not record["low_coverage_forward"]


def test_discounts_compare_like_with_like_weightings(homes):
    # IJR's derived list has no share counts: its discount takes SPY at holdings-date weights too.
    records = {r["fund"]: r for r in json.loads(run("compare", "IJR", "IWM", "SPY", "--offline", "-f", "json", env=homes).stdout)}
    spy_held = json.loads(run("compare", "SPY", "--offline", "-f", "json", "-w", "holdings-date", env=homes).stdout)[0]
    assert records["IJR"]["weighting"] == records["IJR"]["benchmark_weighting"] == "holdings-date"
    assert records["IJR"]["discount_trailing"] == pytest.approx(1 - records["IJR"]["pe_trailing"] / spy_held["pe_trailing"], abs=1e-5)
    assert records["IJR"]["discount_trailing"] == pytest.approx(0.325, abs=0.0005)
    assert records["IWM"]["benchmark_weighting"] == "price-date"
    assert records["IWM"]["discount_trailing"] == pytest.approx(1 - records["IWM"]["pe_trailing"] / records["SPY"]["pe_trailing"], abs=1e-5)
