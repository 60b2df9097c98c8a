"""Fund P/E and its companions, on small hand-made funds and as properties over random ones."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smallcap_screen.metrics import (
    discount,
    fund_valuation,
    harmonic_pe,
    relative_pe,
    versus_benchmark,
)
from smallcap_screen.model import EQUITY_COLUMNS, FUNDAMENTAL_COLUMNS, Fundamentals, Holdings


def make_fund(rows: dict[str, tuple], fund: str = "TEST") -> tuple[Holdings, Fundamentals]:
    """rows: ticker -> (weight, price, eps_trailing, eps_forward[, book_per_share])."""
    equities = pd.DataFrame(
        {
            "ticker": list(rows),
            "issuer_ticker": list(rows),
            "name": list(rows),
            "sector": "",
            "weight": [r[0] for r in rows.values()],
            "market_value": np.nan,
            "shares": np.nan,
        }
    )[EQUITY_COLUMNS]
    table = pd.DataFrame(
        {
            "price": [r[1] for r in rows.values()],
            "shares": np.nan,
            "market_cap": np.nan,
            "eps_trailing": [r[2] for r in rows.values()],
            "eps_forward": [r[3] for r in rows.values()],
            "eps_fy1": np.nan,
            "book_per_share": [r[4] if len(r) > 4 else np.nan for r in rows.values()],
            "sales": np.nan,
            "currency": "USD",
            "financial_currency": "USD",
            "flags": "",
        },
        index=pd.Index(list(rows), name="ticker"),
    ).reindex(columns=FUNDAMENTAL_COLUMNS)
    return (
        Holdings(fund, equities, dt.date(2025, 11, 5), "test"),
        Fundamentals(table, dt.date(2025, 8, 19), "test"),
    )


def test_fund_pe_is_the_weighted_harmonic_mean_of_holding_pes():
    # P/Es 10 and 40 at equal weight: harmonic mean 16, not the arithmetic 25.
    holdings, fundamentals = make_fund({"A": (0.5, 100.0, 10.0, 12.5), "B": (0.5, 100.0, 2.5, 5.0)})
    value = fund_valuation(holdings, fundamentals)
    assert value.pe_trailing == pytest.approx(16.0)
    assert value.pe_forward == pytest.approx(1 / (0.5 * 0.125 + 0.5 * 0.05))
    assert value.median_pe == pytest.approx(25.0)
    assert value.coverage == pytest.approx(1.0)


def test_exclude_policy_drops_loss_makers_and_reports_their_weight():
    holdings, fundamentals = make_fund(
        {"WIN": (0.6, 50.0, 5.0, 5.0), "LOSS": (0.3, 20.0, -4.0, -1.0), "UNKNOWN": (0.1, 10.0, np.nan, np.nan)}
    )
    value = fund_valuation(holdings, fundamentals, negative="exclude")
    assert value.pe_trailing == pytest.approx(10.0)
    assert value.coverage == pytest.approx(0.9)
    assert value.loss_weight == pytest.approx(0.3 / 0.9)


def test_include_policy_keeps_losses_in_the_aggregate():
    holdings, fundamentals = make_fund({"WIN": (0.5, 50.0, 5.0, 5.0), "LOSS": (0.5, 50.0, -2.5, 1.0)})
    value = fund_valuation(holdings, fundamentals, negative="include")
    # earnings yield 0.5*0.1 + 0.5*(-0.05) = 0.025 -> P/E 40 on the whole fund
    assert value.pe_trailing == pytest.approx(40.0)
    assert value.negative_policy == "include"


def test_include_policy_is_not_meaningful_when_aggregate_earnings_are_negative():
    holdings, fundamentals = make_fund({"WIN": (0.5, 50.0, 1.0, 2.0), "LOSS": (0.5, 50.0, -3.0, 1.0)})
    value = fund_valuation(holdings, fundamentals, negative="include")
    assert value.pe_trailing is None
    assert "lose money in aggregate" in value.pe_trailing_reason
    assert value.pe_forward == pytest.approx(1 / (0.5 * 0.04 + 0.5 * 0.02))


def test_a_fund_with_no_covered_holding_has_no_pe_and_says_why():
    holdings, fundamentals = make_fund({"A": (1.0, 0.0, 1.0, 1.0), "B": (1.0, np.nan, 2.0, 2.0)})
    value = fund_valuation(holdings, fundamentals)
    assert value.pe_trailing is None and value.pe_trailing_reason
    assert value.coverage == 0.0
    assert value.loss_weight is None


def test_absurd_earnings_yield_is_treated_as_missing():
    # EPS -1006 on a $38 stock: a reverse split not applied to EPS, not a real loss.
    holdings, fundamentals = make_fund({"OK": (0.5, 100.0, 5.0, 5.0), "TNXP": (0.5, 38.49, -1006.28, np.nan)})
    value = fund_valuation(holdings, fundamentals, negative="include")
    assert value.pe_trailing == pytest.approx(20.0)
    assert value.coverage == pytest.approx(0.5)


def test_distressed_losses_larger_than_the_price_still_count():
    # PLUG lost $2.12 a share at $1.66: real, and part of the aggregate "include" earnings.
    holdings, fundamentals = make_fund({"OK": (0.5, 100.0, 10.0, 10.0), "PLUG": (0.5, 1.66, -2.12, np.nan)})
    value = fund_valuation(holdings, fundamentals, negative="include")
    assert value.coverage == pytest.approx(1.0)
    assert value.pe_trailing is None


def test_growth_compares_the_same_holdings_across_horizons():
    holdings, fundamentals = make_fund({"A": (0.5, 100.0, 5.0, 6.0), "B": (0.5, 100.0, 5.0, np.nan)})
    value = fund_valuation(holdings, fundamentals)
    assert value.earnings_growth == pytest.approx(0.2)


def test_price_to_book_and_top10_weight():
    rows = {f"T{i}": (1 / 12, 10.0, 1.0, 1.0, 5.0) for i in range(12)}
    holdings, fundamentals = make_fund(rows)
    value = fund_valuation(holdings, fundamentals)
    assert value.price_to_book == pytest.approx(2.0)
    assert value.top10_weight == pytest.approx(10 / 12)


def test_discount_is_positive_when_the_fund_is_cheaper():
    assert discount(18.0, 27.0) == pytest.approx(1 / 3)
    assert relative_pe(18.0, 27.0) == pytest.approx(2 / 3)
    assert discount(None, 27.0) is None
    assert discount(18.0, None) is None


def test_versus_benchmark_fills_discounts_for_both_horizons():
    small, f1 = make_fund({"A": (1.0, 18.0, 1.0, 1.2)}, "SMALL")
    large, f2 = make_fund({"B": (1.0, 27.0, 1.0, 1.2)}, "LARGE")
    value = versus_benchmark(fund_valuation(small, f1), fund_valuation(large, f2))
    assert value.benchmark == "LARGE"
    assert value.discount_trailing == pytest.approx(1 / 3)
    assert value.discount_forward == pytest.approx(1 / 3)


def test_unknown_policy_is_refused():
    with pytest.raises(ValueError):
        harmonic_pe(np.array([1.0]), np.array([0.1]), "zero-floor")


# --- properties -----------------------------------------------------------------------------

weights = st.floats(min_value=1e-4, max_value=1.0)
yields = st.floats(min_value=-0.5, max_value=0.5).filter(lambda y: abs(y) > 1e-6)
funds = st.lists(st.tuples(weights, yields), min_size=1, max_size=40)


@settings(max_examples=200, deadline=None)
@given(funds)
def test_harmonic_pe_is_at_most_the_arithmetic_mean_of_pes(rows):
    w = np.array([r[0] for r in rows])
    y = np.array([r[1] for r in rows])
    pe = harmonic_pe(w, y, "exclude").value
    positive = y > 0
    if not positive.any():
        assert pe is None
        return
    arithmetic = float(np.dot(w[positive], 1 / y[positive]) / w[positive].sum())
    assert pe <= arithmetic * (1 + 1e-9)


@settings(max_examples=200, deadline=None)
@given(funds, st.randoms(use_true_random=False))
def test_fund_pe_does_not_depend_on_holding_order(rows, rnd):
    w = np.array([r[0] for r in rows])
    y = np.array([r[1] for r in rows])
    order = list(range(len(rows)))
    rnd.shuffle(order)
    for policy in ("exclude", "include"):
        a = harmonic_pe(w, y, policy).value
        b = harmonic_pe(w[order], y[order], policy).value
        assert (a is None and b is None) or a == pytest.approx(b, rel=1e-9)


@settings(max_examples=100, deadline=None)
@given(funds, st.floats(min_value=0.5, max_value=10.0))
def test_scaling_all_prices_scales_the_pe(rows, factor):
    # factor >= 0.5 keeps |E/P| <= 1, inside the band the metrics trust (EARNINGS_YIELD_BAND).
    tickers = {f"T{i}": (w, 10.0, 10.0 * y, 10.0 * y) for i, (w, y) in enumerate(rows)}
    scaled = {t: (w, p * factor, e, f) for t, (w, p, e, f) in tickers.items()}
    base = fund_valuation(*make_fund(tickers)).pe_trailing
    moved = fund_valuation(*make_fund(scaled)).pe_trailing
    if base is None:
        assert moved is None
    else:
        assert moved == pytest.approx(base * factor, rel=1e-9)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(weights, st.one_of(st.just(math.nan), st.floats(-5, 5)), st.one_of(st.just(0.0), st.floats(0.5, 500))), min_size=1, max_size=30))
def test_coverage_and_loss_weight_stay_within_zero_and_one(rows):
    total = sum(r[0] for r in rows)
    tickers = {f"T{i}": (w / total, price, eps, eps) for i, (w, eps, price) in enumerate(rows)}
    value = fund_valuation(*make_fund(tickers))
    assert 0.0 <= value.coverage <= 1.0 + 1e-9
    assert 0.0 <= value.coverage_forward <= 1.0 + 1e-9
    assert value.loss_weight is None or 0.0 <= value.loss_weight <= 1.0 + 1e-9
