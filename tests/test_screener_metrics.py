"""The screener's metrics on small hand-made funds, and as properties over random ones:
weighting, horizons, coverage guard, flagged holdings, conventions, sector decomposition, screens."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from smallcap_screen.metrics import fund_valuation, join
from smallcap_screen.metrics.conventions import MULTIPLES, fund_figures, zero_floor_pe
from smallcap_screen.metrics.screens import Criteria, filters, screen, stock_table
from smallcap_screen.metrics.sectors import decompose, sector_table
from smallcap_screen.metrics.weighting import price_date_weights
from smallcap_screen.model import EQUITY_COLUMNS, FUNDAMENTAL_COLUMNS, Fundamentals, Holdings


def make(rows: list[dict], fund: str = "TEST") -> tuple[Holdings, Fundamentals]:
    """rows: dicts with ticker, weight, price, eps, and optionally fwd, fy1, fye (fiscal-year
    end), div (dividend yield), shares, sector, book, sales (dollars), cap, flags. Missing values are unknown (NaN)."""
    get = lambda key, default=np.nan: [r.get(key, default) for r in rows]  # noqa: E731
    equities = pd.DataFrame(
        {"ticker": get("ticker"), "issuer_ticker": get("ticker"), "name": get("ticker"), "sector": get("sector", ""),
         "weight": get("weight"), "market_value": np.nan, "shares": get("shares")}
    )[EQUITY_COLUMNS]
    table = pd.DataFrame(
        {"price": get("price"), "shares": np.nan, "market_cap": get("cap"), "eps_trailing": get("eps"),
         "eps_forward": get("fwd"), "eps_fy1": get("fy1"), "book_per_share": get("book"), "sales": get("sales"),
         "dividend_yield": get("div"), "currency": "USD", "financial_currency": "USD", "fiscal_year_end": get("fye", ""),
         "flags": get("flags", "")},
        index=pd.Index(get("ticker"), name="ticker"),
    )[FUNDAMENTAL_COLUMNS]
    return Holdings(fund, equities, dt.date(2025, 11, 5), "test"), Fundamentals(table, dt.date(2025, 8, 19), "test")


def stock(ticker, weight, price, eps, **more) -> dict:
    return {"ticker": ticker, "weight": weight, "price": price, "eps": eps, **more}


# --- weighting, horizons, honest figures -------------------------------------------------------


def test_price_date_weights_value_the_reported_shares_at_the_price_date():
    # A doubled in price since the holdings date, B did not: A's weight grows from 1/2 to 2/3.
    holdings, fundamentals = make([stock("A", 0.5, 20.0, 1.0, shares=10.0), stock("B", 0.5, 10.0, 1.0, shares=10.0)])
    joined = join(holdings, fundamentals)
    assert joined.weighting == "price-date"
    assert list(joined.frame["weight"]) == pytest.approx([2 / 3, 1 / 3])
    assert list(join(holdings, fundamentals, weighting="holdings-date").frame["weight"]) == pytest.approx([0.5, 0.5])


def test_a_holding_without_price_keeps_its_weight_scaled_by_the_funds_move():
    weights = price_date_weights(np.array([0.5, 0.25, 0.25]), np.array([10.0, 10.0, 10.0]), np.array([20.0, 10.0, np.nan]))
    # valued: A 200, B 100 against holdings-date 0.5 + 0.25 -> scale 400; C keeps 0.25 * 400 = 100
    assert list(weights) == pytest.approx([0.5, 0.25, 0.25])


def test_without_share_counts_the_weighting_falls_back_to_the_holdings_date_and_says_so():
    holdings, fundamentals = make([stock("A", 0.5, 20.0, 1.0), stock("B", 0.5, 10.0, 1.0)])
    value = fund_valuation(holdings, fundamentals)
    assert value.weighting == "holdings-date"


def test_fy1_horizon_is_used_and_named_when_asked_for():
    holdings, fundamentals = make([stock("A", 1.0, 10.0, 1.0, fwd=2.0, fy1=1.25)])
    assert fund_valuation(holdings, fundamentals).pe_forward == pytest.approx(5.0)
    fy1 = fund_valuation(holdings, fundamentals, forward="fy1")
    assert fy1.pe_forward == pytest.approx(8.0)
    assert fy1.forward_horizon == "FY1"
    assert fy1.earnings_growth_basis == "trailing GAAP -> FY1 consensus, cumulative"


def test_a_source_without_fy1_estimates_gives_no_fy1_pe_and_says_why():
    holdings, fundamentals = make([stock("A", 1.0, 10.0, 1.0, fwd=2.0)])
    value = fund_valuation(holdings, fundamentals, forward="fy1")
    assert value.pe_forward is None
    assert "FY1" in value.pe_forward_reason


def test_include_never_passes_a_forward_figure_without_losses_for_one_with_them():
    # Like finviz: the loss-maker's forward estimate is blank, and no estimate anywhere is negative.
    holdings, fundamentals = make([stock("WIN", 0.6, 10.0, 1.0, fwd=1.2), stock("LOSS", 0.4, 10.0, -1.0)])
    value = fund_valuation(holdings, fundamentals, negative="include")
    assert value.pe_forward is None and "cannot be included" in value.pe_forward_reason
    assert value.earnings_growth is None
    assert value.forward_losses == "not reported by the source"
    excluded = fund_valuation(holdings, fundamentals, negative="exclude")
    assert excluded.pe_forward == pytest.approx(10 / 1.2)
    assert excluded.forward_losses == "excluded"


def test_include_keeps_forward_losses_when_the_source_reports_them():
    holdings, fundamentals = make([stock("WIN", 0.6, 10.0, 1.0, fwd=1.2), stock("LOSS", 0.4, 10.0, -1.0, fwd=-0.5)])
    value = fund_valuation(holdings, fundamentals, negative="include")
    assert value.pe_forward == pytest.approx(1 / (0.6 * 0.12 + 0.4 * -0.05))
    assert value.forward_losses == "included"


def test_low_coverage_is_marked_but_the_pe_is_still_given():
    holdings, fundamentals = make([stock("A", 0.05, 10.0, 1.0, fwd=1.0), stock("B", 0.95, 10.0, np.nan)])
    value = fund_valuation(holdings, fundamentals)
    assert value.pe_trailing == pytest.approx(10.0)
    assert value.low_coverage and value.low_coverage_forward
    assert not fund_valuation(holdings, fundamentals, coverage_threshold=0.04).low_coverage


def test_flagged_holdings_are_set_aside_and_counted():
    holdings, fundamentals = make([stock("OK", 0.7, 10.0, 1.0), stock("ODD", 0.3, 10.0, 5.0, flags="market_cap_suspect")])
    value = fund_valuation(holdings, fundamentals)
    assert value.pe_trailing == pytest.approx(10.0)
    assert value.flagged_holdings == 1 and value.flagged_weight == pytest.approx(0.3)
    assert value.coverage == pytest.approx(0.7)


def test_loss_makers_are_counted_by_weight_and_by_number():
    rows = [stock("BIG", 0.7, 10.0, 1.0), stock("L1", 0.1, 10.0, -1.0), stock("L2", 0.1, 10.0, -1.0), stock("W", 0.1, 10.0, 1.0)]
    value = fund_valuation(*make(rows))
    assert value.loss_weight == pytest.approx(0.2)
    assert value.loss_count_share == pytest.approx(0.5)


def test_weighted_median_pe_is_the_pe_at_half_the_weight():
    rows = [stock("A", 0.6, 10.0, 1.0), stock("B", 0.2, 20.0, 1.0), stock("C", 0.2, 30.0, 1.0)]
    value = fund_valuation(*make(rows))
    assert value.weighted_median_pe == pytest.approx(10.0)
    assert value.median_pe == pytest.approx(20.0)


# --- conventions -------------------------------------------------------------------------------


def figures_of(rows, negative="exclude") -> dict:
    holdings, fundamentals = make(rows)
    return {f.convention.key: f for f in fund_figures(join(holdings, fundamentals), negative=negative)}


def test_each_convention_on_a_two_stock_fund():
    # P/E 10 at 75%, a loss (E/P -0.05) at 25%.
    f = figures_of([stock("A", 0.75, 10.0, 1.0, fwd=1.1), stock("B", 0.25, 20.0, -1.0)])
    assert f["harmonic_ex_negative"].value == pytest.approx(10.0)
    assert f["aggregate"].value == pytest.approx(1 / (0.75 * 0.1 - 0.25 * 0.05))
    assert f["zero_floor"].value == pytest.approx(1 / 0.075)
    assert f["loss_weight"].value == pytest.approx(0.25)
    assert f["loss_count_share"].value == pytest.approx(0.5)
    assert f["ex_top10"].value is None and f["ex_top10"].set_aside_weight == pytest.approx(1.0)
    assert f["forward_fy2"].value == pytest.approx(10 / 1.1)


def test_morningstar_caps_each_pe_at_60_and_the_arithmetic_mean_is_biased_up():
    f = figures_of([stock("A", 0.5, 10.0, 1.0), stock("B", 0.5, 200.0, 1.0)])
    assert f["capped_at_60"].value == pytest.approx(1 / (0.5 / 10 + 0.5 / 60))
    assert f["arithmetic_mean"].value == pytest.approx(105.0)
    assert f["harmonic_ex_negative"].value == pytest.approx(1 / (0.5 / 10 + 0.5 / 200))
    assert f["equal_weight_harmonic"].value == pytest.approx(f["harmonic_ex_negative"].value)


def test_ex_magnificent_7_drops_them_and_reports_their_weight():
    f = figures_of([stock("NVDA", 0.3, 50.0, 1.0), stock("GOOG", 0.1, 25.0, 1.0), stock("X", 0.6, 10.0, 1.0)])
    assert f["ex_magnificent_7"].value == pytest.approx(10.0)
    assert f["ex_magnificent_7"].set_aside_weight == pytest.approx(0.4)


# --- sectors -----------------------------------------------------------------------------------


def test_sector_table_and_decomposition_on_a_tech_heavy_benchmark():
    # Both funds price each sector alike; the small fund is just light on (expensive) tech.
    small = [stock("T1", 0.1, 40.0, 1.0, sector="Information Technology"), stock("F1", 0.9, 10.0, 1.0, sector="Financials")]
    large = [stock("T2", 0.6, 40.0, 1.0, sector="Information Technology"), stock("F2", 0.4, 10.0, 1.0, sector="Financials")]
    fund, bench = (sector_table(join(*make(rows))) for rows in (small, large))
    assert fund.loc["Financials", "pe"] == pytest.approx(10.0)
    gap = decompose(fund, bench)
    assert gap.within == pytest.approx(0.0, abs=1e-15)
    assert gap.mix == pytest.approx(gap.total)
    assert gap.counterfactual_pe(gap.within) == pytest.approx(gap.pe_benchmark)
    assert gap.in_pe(gap.mix) == pytest.approx(gap.pe_fund - gap.pe_benchmark)


def test_a_sector_only_one_side_holds_still_sums_exactly():
    small = [stock("E", 0.5, 8.0, 1.0, sector="Energy"), stock("F", 0.5, 10.0, 1.0, sector="Financials")]
    large = [stock("T", 0.5, 40.0, 1.0, sector="Information Technology"), stock("G", 0.5, 12.0, 1.0, sector="Financials")]
    gap = decompose(*(sector_table(join(*make(rows))) for rows in (small, large)))
    assert gap.mix + gap.within + gap.interaction == pytest.approx(gap.total, abs=1e-15)
    assert set(gap.by_sector.index) == {"Energy", "Financials", "Information Technology"}


def test_communication_is_one_sector_whatever_the_issuers_spelling():
    rows = [stock("A", 0.5, 10.0, 1.0, sector="Communication"), stock("B", 0.5, 10.0, 1.0, sector="Communication Services")]
    assert list(sector_table(join(*make(rows))).index) == ["Communication Services"]


# --- screens -----------------------------------------------------------------------------------


def test_a_stock_two_funds_hold_is_one_row_with_both_weights():
    a = make([stock("X", 0.6, 10.0, 1.0), stock("Y", 0.4, 10.0, -1.0)], "AAA")
    b = make([stock("X", 0.2, 10.0, 1.0), stock("Z", 0.8, 30.0, 1.0)], "BBB")
    table = stock_table([join(*a), join(*b)])
    x = table.set_index("ticker").loc["X"]
    assert x["funds"] == "AAA BBB" and x["weight_AAA"] == pytest.approx(0.6) and x["weight_BBB"] == pytest.approx(0.2)
    assert x["weight"] == pytest.approx(0.6)
    assert math.isnan(table.set_index("ticker").loc["Y", "pe_trailing"])  # a loss has no P/E under exclude


def test_loss_makers_fail_every_pe_bound_even_with_a_negative_pe():
    holdings, fundamentals = make([stock("W", 0.5, 10.0, 1.0), stock("L", 0.5, 10.0, -1.0)])
    table = stock_table([join(holdings, fundamentals)], negative="include")
    assert table.set_index("ticker").loc["L", "pe_trailing"] == pytest.approx(-10.0)
    assert list(screen(table, Criteria(max_pe=12))["ticker"]) == ["W"]
    assert list(screen(table, Criteria(earnings="losses"))["ticker"]) == ["L"]


def test_sector_filter_matches_any_part_of_the_name():
    rows = [stock("A", 0.5, 10.0, 1.0, sector="Information Technology"), stock("B", 0.5, 10.0, 1.0, sector="Energy")]
    table = stock_table([join(*make(rows))])
    assert list(screen(table, Criteria(sectors=("tech",)))["ticker"]) == ["A"]


def test_sort_puts_missing_values_last_and_top_cuts():
    rows = [stock("A", 0.2, 30.0, 1.0), stock("B", 0.3, 10.0, np.nan), stock("C", 0.5, 20.0, 1.0)]
    table = stock_table([join(*make(rows))])
    assert list(screen(table, Criteria(), sort="pe")["ticker"]) == ["C", "A", "B"]
    assert list(screen(table, Criteria(), sort="pe", descending=True)["ticker"]) == ["A", "C", "B"]
    assert list(screen(table, Criteria(), top=2)["ticker"]) == ["C", "B"]


def test_dividend_yield_is_each_stocks_own_and_min_yield_keeps_those_at_or_above_it():
    # A yields 4.2%, B pays nothing (0), C does not say (NaN), D's -1% is not a yield (unknown)
    rows = [stock("A", 0.4, 50.0, 2.0, div=0.042), stock("B", 0.3, 20.0, 1.0, div=0.0), stock("C", 0.2, 10.0, 1.0), stock("D", 0.1, 10.0, 1.0, div=-0.01)]
    table = stock_table([join(*make(rows))]).set_index("ticker")
    assert table.loc["A", "dividend_yield"] == 0.042 and table.loc["B", "dividend_yield"] == 0.0
    assert math.isnan(table.loc["C", "dividend_yield"]) and math.isnan(table.loc["D", "dividend_yield"])
    table = table.reset_index()
    assert list(screen(table, Criteria(min_yield=0.042))["ticker"]) == ["A"]  # inclusive
    assert list(screen(table, Criteria(min_yield=0.0421))["ticker"]) == []
    assert list(screen(table, Criteria(min_yield=0.0))["ticker"]) == ["A", "B"]  # a non-payer passes 0, an unknown yield never
    assert list(screen(table, Criteria(), sort="yield", descending=True)["ticker"]) == ["A", "B", "C", "D"]
    assert list(screen(table, Criteria(), sort="yield")["ticker"]) == ["B", "A", "C", "D"]  # missing last either way


def test_unknown_sort_column_is_refused_with_the_choices():
    table = stock_table([join(*make([stock("A", 1.0, 10.0, 1.0)]))])
    with pytest.raises(ValueError, match="choose one of"):
        screen(table, Criteria(), sort="colour")


# --- properties --------------------------------------------------------------------------------

SECTORS = ["Energy", "Financials", "Health Care", "Information Technology"]
holding = st.tuples(
    st.floats(1e-3, 1.0),  # weight
    st.floats(1.0, 500.0),  # price
    st.one_of(st.just(math.nan), st.floats(-0.5, 0.5).filter(lambda y: abs(y) > 1e-6)),  # earnings yield
    st.sampled_from(SECTORS),
    st.floats(0.5, 2.0),  # forward / trailing
)
fund_rows = st.lists(holding, min_size=1, max_size=25)


def rows_of(data, prefix="T", scale=1.0) -> list[dict]:
    total = sum(r[0] for r in data)
    return [
        stock(f"{prefix}{i}", w / total, p * scale, y * p, fwd=y * p * g, sector=s, book=p / 2, cap=p * 1e6, shares=1e6 / p, div=i % 5 / 100)
        for i, (w, p, y, s, g) in enumerate(data)
    ]


@settings(max_examples=50, deadline=None)
@given(fund_rows, fund_rows, st.sampled_from(["exclude", "include"]))
def test_sector_effects_sum_to_the_total_gap(fund, bench, negative):
    a, b = (sector_table(join(*make(rows_of(d))), negative=negative) for d in (fund, bench))
    assume(a["entering_weight"].notna().any() and b["entering_weight"].notna().any())
    gap = decompose(a, b)
    assert abs(gap.mix + gap.within + gap.interaction - gap.total) < 1e-9
    assert abs(gap.by_sector["total"].sum() - gap.total) < 1e-9
    if gap.meaningful:
        assert abs(sum(gap.in_pe(e) for e in (gap.mix, gap.within, gap.interaction)) - (gap.pe_fund - gap.pe_benchmark)) < 1e-9 * max(1.0, gap.pe_fund * gap.pe_benchmark)
        # the fund's sector yields recombined give its own P/E
        assert 1 / gap.fund_yield == pytest.approx(fund_valuation(*make(rows_of(fund)), negative=negative).pe_trailing, rel=1e-9)


@settings(max_examples=100, deadline=None)
@given(fund_rows)
def test_convention_orderings(data):
    f = figures_of(rows_of(data))
    harmonic, arithmetic = f["harmonic_ex_negative"].value, f["arithmetic_mean"].value
    if harmonic is not None:
        assert harmonic <= arithmetic * (1 + 1e-9)
        assert f["equal_weight_harmonic"].value is not None
    aggregate, floor = f["aggregate"].value, f["zero_floor"].value
    if aggregate is not None:  # aggregate earnings positive
        assert harmonic <= floor * (1 + 1e-9) and floor <= aggregate * (1 + 1e-9)
    if f["capped_at_60"].value is not None:
        assert f["capped_at_60"].value <= harmonic * (1 + 1e-9)


#: Found by Hypothesis: value ratios of exactly 0.5, 1 and 2 against the median, on the corporate-
#: action check's bound of 2, which float noise of the scaled prices put on either side.
ON_THE_OUTLIER_BOUND = [(1.0, 1.0, np.nan, "Energy", 1.0)] * 6 + [(0.5, 1.0, np.nan, "Energy", 1.0), (0.5, 59.0, np.nan, "Energy", 1.0), (1.0, 1.0, np.nan, "Energy", 1.0)] + [(0.25, 1.0, np.nan, "Energy", 1.0)] * 9 + [(1.0, 1.0, np.nan, "Energy", 1.0), (1.0, 1.0, 0.5, "Energy", 1.0)]


@settings(max_examples=60, deadline=None)
@given(fund_rows, st.floats(1.0, 10.0))
@example(data=ON_THE_OUTLIER_BOUND, factor=1.0939030854486598)
def test_scaling_every_price_scales_every_pe(data, factor):
    # EPS stays, prices move: every P/E-type figure moves by the same factor, shares are unchanged.
    # Raising prices keeps every earnings yield inside the band the metrics trust.
    # (Morningstar's cap at 60 is a fixed P/E, so capped figures cannot scale: left out.)
    base, moved = figures_of(rows_of(data)), figures_of(rows_of(data, scale=factor))
    del base["capped_at_60"]
    for key, figure in base.items():
        other = moved[key].value
        if figure.value is None:
            assert other is None, key
        elif figure.convention.unit in MULTIPLES:
            assert other == pytest.approx(figure.value * factor, rel=1e-9), key
        else:
            assert other == pytest.approx(figure.value, rel=1e-9), key


criteria = st.builds(
    Criteria,
    max_pe=st.one_of(st.none(), st.floats(1.0, 60.0)),
    min_pe=st.one_of(st.none(), st.floats(1.0, 30.0)),
    max_fwd_pe=st.one_of(st.none(), st.floats(1.0, 60.0)),
    earnings=st.sampled_from([None, "profitable", "losses"]),
    sectors=st.lists(st.sampled_from(SECTORS), max_size=2).map(tuple),
    min_weight=st.one_of(st.none(), st.floats(0.0, 0.2)),
    min_cap=st.one_of(st.none(), st.floats(1e6, 3e8)),
    max_cap=st.one_of(st.none(), st.floats(1e6, 5e8)),
    max_pb=st.one_of(st.none(), st.floats(0.5, 3.0)),
    min_yield=st.one_of(st.none(), st.floats(0.0, 0.05)),
)


@settings(max_examples=100, deadline=None)
@given(fund_rows, criteria, st.randoms(use_true_random=False))
def test_filters_commute(data, wanted, rnd):
    table = stock_table([join(*make(rows_of(data)))])
    masks = filters(wanted)
    one_by_one = table
    for mask in rnd.sample(masks, len(masks)):
        one_by_one = one_by_one[mask(one_by_one)]
    together = screen(table, wanted, sort="ticker")
    assert sorted(one_by_one["ticker"]) == list(together["ticker"])


@settings(max_examples=60, deadline=None)
@given(fund_rows, st.floats(1.0, 10.0))
def test_scaling_every_price_scales_every_stock_pe(data, factor):
    base = stock_table([join(*make(rows_of(data)))]).set_index("ticker")
    moved = stock_table([join(*make(rows_of(data, scale=factor)))]).set_index("ticker")
    for column in ("pe_trailing", "pe_forward", "price_to_book"):
        expected = base[column] * factor
        assert np.allclose(moved[column], expected, rtol=1e-9, equal_nan=True), column


def test_zero_floor_of_a_fund_of_losses_is_not_meaningful():
    assert zero_floor_pe(np.array([1.0]), np.array([-0.1])).value is None


def test_an_absurd_book_value_is_set_aside_and_counted_under_either_policy():
    # FLY: a book value of -61,020 a share at $48.62 made VB's P/B 3.66 under --negative include.
    rows = [stock("A", 0.5, 10.0, 1.0, book=5.0), stock("B", 0.4, 10.0, -1.0, book=-2.0), stock("FLY", 0.1, 48.62, -5.0, book=-61020.3)]
    holdings, fundamentals = make(rows)
    for policy in ("exclude", "include"):
        value = fund_valuation(holdings, fundamentals, negative=policy, weighting="holdings-date")
        assert value.price_to_book == pytest.approx(2.0)  # A alone: B's negative book is set aside too
        assert value.price_to_book_coverage == pytest.approx(0.5)
        assert value.implausible_holdings == 1 and value.implausible_weight == pytest.approx(0.1)


# --- next twelve months, growth FY1 -> FY2, dividend yield --------------------------------------


def test_ntm_blends_fy1_and_fy2_by_each_companys_fiscal_year_and_leaves_out_unknown_ends():
    from smallcap_screen.metrics.valuation import fund_valuation

    rows = [
        # priced 2025-08-19: December year (134 of 365 days ahead), September (40 of 365), unknown
        {"ticker": "DEC", "weight": 0.5, "price": 100.0, "eps": 4.0, "fy1": 5.0, "fwd": 6.0, "fye": "2024-12-31", "div": 0.02},
        {"ticker": "SEP", "weight": 0.3, "price": 50.0, "eps": 2.0, "fy1": 2.5, "fwd": 3.5, "fye": "2024-09-28", "div": 0.0},
        {"ticker": "UNK", "weight": 0.2, "price": 20.0, "eps": 1.0, "fy1": 1.0, "fwd": 2.0, "fye": ""},
    ]
    holdings, fundamentals = make(rows)
    share = {"DEC": (dt.date(2025, 12, 31) - dt.date(2025, 8, 19)).days / 365, "SEP": (dt.date(2025, 9, 28) - dt.date(2025, 8, 19)).days / 365}
    ntm = {r["ticker"]: share[r["ticker"]] * r["fy1"] + (1 - share[r["ticker"]]) * r["fwd"] for r in rows if r["ticker"] in share}
    weights = {"DEC": 0.5, "SEP": 0.3}
    price = {"DEC": 100.0, "SEP": 50.0}
    by_hand = sum(weights.values()) / sum(weights[t] * ntm[t] / price[t] for t in ntm)
    value = fund_valuation(holdings, fundamentals, weighting="holdings-date", forward="ntm")
    assert value.pe_forward == pytest.approx(by_hand, rel=1e-12)
    assert value.forward_horizon == "NTM" and value.fiscal_year_unknown == 1
    assert value.coverage_forward == pytest.approx(0.8)
    fy1 = fund_valuation(holdings, fundamentals, weighting="holdings-date", forward="fy1").pe_forward
    fy2 = fund_valuation(holdings, fundamentals, weighting="holdings-date", forward="fy2").pe_forward
    assert fy2 < value.pe_forward < fy1
    # growth FY1 -> FY2 over the holdings with both: earnings yields summed by weight
    growth = sum(r["weight"] * r["fwd"] / r["price"] for r in rows) / sum(r["weight"] * r["fy1"] / r["price"] for r in rows) - 1
    assert value.eps_growth_next_year == pytest.approx(growth, rel=1e-12)
    # dividend yield: weighted over the holdings whose yield is known (a non-payer counts as 0)
    assert value.dividend_yield == pytest.approx((0.5 * 0.02 + 0.3 * 0.0) / 0.8, rel=1e-12)
    assert value.dividend_yield_coverage == pytest.approx(0.8)


def test_the_largest_holdings_ignore_float_noise_and_ties_go_to_the_first_listed():
    from smallcap_screen.metrics.valuation import largest_holdings

    # C and D tie (0.2 each, D carries noise of a reweighting): C, listed first, is chosen either way.
    weights = np.array([0.3, 0.25, 0.2, 0.2 * (1 + 1e-15), 0.05])
    assert largest_holdings(weights, count=3).tolist() == [True, True, True, False, False]
    assert largest_holdings(weights[[0, 1, 3, 2, 4]], count=3).tolist() == [True, True, True, False, False]
    assert largest_holdings(np.array([0.1, np.nan, 0.5]), count=1).tolist() == [False, False, True]


def test_explain_rows_price_to_book_and_sales_forward_losses_kept_and_next_year_growth_by_hand():
    from smallcap_screen.metrics.conventions import explain_rows

    # A: 75%, $10, FY1 0.8, FY2 1.2, book $5 a share, sales twice its $1M cap. B: 25%, $20, a
    # forecast loss in both years (so the source reports forward losses), negative book, sales a
    # quarter of its $4M cap.
    a = stock("A", 0.75, 10.0, 1.0, fy1=0.8, fwd=1.2, book=5.0, sales=2e6, cap=1e6)
    b = stock("B", 0.25, 20.0, -1.0, fy1=-0.5, fwd=-0.2, book=-3.0, sales=1e6, cap=4e6)
    f = figures_of([a, b])
    assert f["price_to_book"].value == pytest.approx(10 / 5)  # B's negative book set aside
    assert f["price_to_sales"].value == pytest.approx(1 / (0.75 * 2 + 0.25 * 0.25))
    assert f["forward_fy1_aggregate"].value == pytest.approx(1 / (0.75 * 0.08 - 0.25 * 0.025))
    assert f["forward_fy2_aggregate"].value == pytest.approx(1 / (0.75 * 0.12 - 0.25 * 0.01))
    assert f["forward_fy2"].value == pytest.approx(10 / 1.2)  # ex-negative beside it
    assert f["eps_growth_next_year"].value == pytest.approx(1.2 / 0.8 - 1)  # both positive: A only
    assert "forward_fy2_aggregate" not in figures_of([a, b], negative="include")  # forward_fy2 keeps them there
    # against a benchmark of A alone: P/B and P/S get a discount as P/Es do, growth none
    rows = {r["convention"]: r for r in explain_rows(list(f.values()), list(figures_of([a]).values()))}
    assert rows["price_to_sales"]["discount"] == pytest.approx(1 - (1 / 1.5625) / 0.5)
    assert rows["price_to_book"]["discount"] == pytest.approx(0.0)
    assert rows["eps_growth_next_year"]["discount"] is None


def test_explain_names_the_concentration_weights_the_implied_growth_and_every_horizon_by_hand():
    # NVDA 30% and GOOG 10% of a fund of 12 holdings; X is 15%; nine others share 45% (5% each)
    rows = [stock("NVDA", 0.3, 50.0, 1.0, fwd=1.5), stock("GOOG", 0.1, 25.0, 1.0), stock("X", 0.15, 10.0, 1.0, fwd=2.0)]
    rows += [stock(f"S{i}", 0.05, 10.0, 1.0) for i in range(9)]
    f = figures_of(rows)
    assert f["mag7_weight"].value == pytest.approx(0.4)
    assert f["top10_weight"].value == pytest.approx(0.3 + 0.1 + 0.15 + 7 * 0.05)  # S7, S8 are the 11th and 12th
    # implied growth over the holdings with both figures: (0.3*0.03 + 0.15*0.2) / (0.3*0.02 + 0.15*0.1) - 1
    assert f["earnings_growth"].value == pytest.approx((0.3 * 0.03 + 0.15 * 0.2) / (0.3 * 0.02 + 0.15 * 0.1) - 1)
    # no FY1 estimates, no fiscal-year ends: the FY1 and NTM rows are there, empty, saying why
    assert f["forward_fy1"].value is None and "FY1 earnings estimate" in f["forward_fy1"].reason
    assert f["forward_ntm"].value is None and "fiscal-year end" in f["forward_ntm"].reason
    assert f["forward_fy2"].value is not None
