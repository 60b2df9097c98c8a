"""One fund's P/E under every common convention, side by side, each naming who publishes it so.

Published fund and index P/Es disagree mostly because each publisher picks a method without
saying so (see ../shared/notes/valuation-methodology.md and README "Methodology"). Here the same
holdings and prices go through each method, so a published 16.5x or 28.7x can be traced to one.

Notation: weight w_i, earnings yield y_i = E_i / P_i of the covered holdings (flagged ones set
aside). Known orderings, tested as properties: harmonic <= arithmetic; ex-negative <= zero floor
<= aggregate when aggregate earnings are positive; scaling every price scales every P/E.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .frame import Joined
from .valuation import (
    MAGNIFICENT_7,
    NO_FORWARD_LOSSES,
    PE,
    NegativePolicy,
    book_and_sales_yields,
    check_policy,
    discount,
    earnings_growth,
    growth_basis,
    harmonic_pe,
    largest_holdings,
    next_year_growth,
    no_estimate_reason,
    price_to_book,
    price_to_sales,
    usable_yields,
    weighted_median,
)

#: Units of the figures that are multiples of price: a discount is computed for each, and they
#: are written as multiples (18.3x), the other unit ("share") as a percentage.
MULTIPLES = ("P/E", "P/B", "P/S")
#: Morningstar caps every holding's P/E at 60 before averaging (its portfolio statistics).
MORNINGSTAR_PE_CAP = 60.0


@dataclass(frozen=True)
class Convention:
    """A way of computing a fund figure; ``unit`` is a multiple (one of :data:`MULTIPLES`) or
    "share" (a fraction: 0-1 shares of weight, or a growth rate)."""

    key: str
    label: str
    publishers: str
    unit: str = "P/E"


@dataclass(frozen=True)
class Figure:
    """One convention's figure for one fund; ``set_aside_weight`` is the weight a convention
    leaves out by design (top 10, Magnificent 7), None where it leaves none out."""

    convention: Convention
    value: float | None
    reason: str = ""
    set_aside_weight: float | None = None


def convention(key: str, label: str, publishers: str, unit: str = "P/E") -> Convention:
    return Convention(key, label, publishers, unit)


EX_NEGATIVE = convention("harmonic_ex_negative", "Harmonic mean, ex-negative", "iShares, FTSE Russell, Morningstar")
AGGREGATE = convention("aggregate", "Aggregate, losses kept", "S&P DJI, FactSet, Yardeni, Siblis")
ZERO_FLOOR = convention("zero_floor", "Losses as zero earnings", "another reading of 'ex-negative'")
CAPPED = convention("capped_at_60", "Ex-negative, each P/E capped at 60", "Morningstar")
ARITHMETIC = convention("arithmetic_mean", "Arithmetic mean of P/Es", "legacy scripts (biased upward)")
MEDIAN = convention("median", "Median P/E, by count", "screeners, fact-sheet companion")
WEIGHTED_MEDIAN = convention("weighted_median", "Median P/E, by weight", "the P/E at half the weight")
EQUAL_WEIGHT = convention("equal_weight_harmonic", "Equal-weight harmonic mean", "equal-weight indexes")
LOSS_WEIGHT = convention("loss_weight", "Loss-makers, by weight", "fund pages, this tool's loss_weight", "share")
LOSS_COUNT = convention("loss_count_share", "Loss-makers, by count", "press: '~40% of R2000 unprofitable'", "share")
PRICE_TO_BOOK = convention("price_to_book", "Price/book, harmonic, positive book", "Morningstar, iShares ('cheap by P/B')", "P/B")
PRICE_TO_SALES = convention("price_to_sales", "Price/sales, harmonic", "Morningstar, Yardeni ('cheap by P/S')", "P/S")
EPS_GROWTH = convention("eps_growth_next_year", "Consensus EPS growth FY1 -> FY2", "articles: '17% vs 14% in 2026'", "share")
TOP10_WEIGHT = convention("top10_weight", "Weight of the 10 largest holdings", "fact sheets ('top 10 holdings')", "share")
MAG7_WEIGHT = convention("mag7_weight", "Weight of the 'Magnificent 7'", "the press ('a third of the S&P 500')", "share")
#: ``--forward`` words in the order explain shows them: NTM lies between FY1 and FY2.
EXPLAIN_HORIZONS = ("fy1", "ntm", "fy2")


def policy_conventions(negative: NegativePolicy, forward_horizons: list[str]) -> list[Convention]:
    """The rows that follow the chosen negative-earnings policy: concentration, weighting, horizons."""
    policy = "ex-negative" if negative == "exclude" else "losses kept"
    rows = [
        convention("ex_top10", f"Ex top 10 holdings ({policy})", "'ex-concentration' views"),
        convention("ex_magnificent_7", f"Ex 'Magnificent 7' ({policy})", "Goldman Sachs, FactSet 'S&P 493'"),
        convention("holdings_date_weights", f"Holdings-date weights ({policy})", "issuer fact sheets"),
        convention("price_date_weights", f"Price-date weights ({policy})", "index providers (one date)"),
    ]
    who = {"FY1": "SSGA 'P/E FY1', Morningstar", "NTM": "FactSet, Yardeni", "FY2": "Yahoo forwardEps (FactSet: NTM)"}
    for horizon in forward_horizons:
        rows.append(convention(f"forward_{horizon.lower()}", f"Forward {horizon} ({policy})", who.get(horizon, "")))
    return rows


def forward_aggregate_convention(horizon: str) -> Convention:
    """The forward P/E with negative forward EPS kept, whatever ``--negative`` (FactSet's and
    Yardeni's forward P/E is of the whole index's earnings, losses included)."""
    return convention(f"forward_{horizon.lower()}_aggregate", f"Forward {horizon}, aggregate (losses kept)", "FactSet, Yardeni (their horizon: NTM)")


def fund_figures(joined: Joined, *, negative: NegativePolicy = "exclude") -> list[Figure]:
    """Every convention's figure for one fund, in display order (see module docstring)."""
    check_policy(negative)
    frame = joined.frame
    w = frame["weight"].to_numpy(dtype="float64")
    y = usable_yields(joined, "yield_trailing")
    covered = np.isfinite(y)
    positive = covered & (y > 0)
    figures = [
        Figure(EX_NEGATIVE, *_pe(harmonic_pe(w, y, "exclude"))),
        Figure(AGGREGATE, *_pe(harmonic_pe(w, y, "include"))),
        Figure(ZERO_FLOOR, *_pe(zero_floor_pe(w, y))),
        Figure(CAPPED, *_pe(harmonic_pe(w, np.where(positive, np.maximum(y, 1 / MORNINGSTAR_PE_CAP), np.nan), "exclude"))),
        Figure(ARITHMETIC, *_value(float(np.dot(w[positive], 1 / y[positive]) / w[positive].sum()) if positive.any() else None)),
        Figure(MEDIAN, *_value(float(np.median(1 / y[positive])) if positive.any() else None)),
        Figure(WEIGHTED_MEDIAN, *_value(weighted_median(1 / y[positive], w[positive]))),
        Figure(EQUAL_WEIGHT, *_pe(harmonic_pe(np.ones_like(w), y, "exclude"))),
        Figure(LOSS_WEIGHT, *_value(float(w[covered & (y <= 0)].sum() / w[covered].sum()) if covered.any() else None)),
        Figure(LOSS_COUNT, *_value(float((covered & (y <= 0)).sum() / covered.sum()) if covered.any() else None)),
    ]
    # every horizon has its row, null with the reason where the data lacks it (finviz: FY2 only)
    horizons = list(EXPLAIN_HORIZONS)
    ex_top10, ex_mag7, held_weights, priced_weights, *forward = policy_conventions(negative, [joined.horizon_labels[h] for h in horizons])
    top10 = largest_holdings(w)
    mag7 = frame["ticker"].isin(MAGNIFICENT_7).to_numpy()
    figures += [
        Figure(ex_top10, *_pe(harmonic_pe(np.where(top10, 0.0, w), y, negative)), set_aside_weight=float(w[top10].sum())),
        Figure(ex_mag7, *_pe(harmonic_pe(np.where(mag7, 0.0, w), y, negative)), set_aside_weight=float(w[mag7].sum())),
        Figure(held_weights, *_pe(harmonic_pe(frame["weight_holdings_date"].to_numpy(), y, negative))),
        Figure(priced_weights, *_pe(_priced(frame["weight_price_date"].to_numpy(), y, negative))),
    ]
    for row, horizon in zip(forward, horizons):
        yf = usable_yields(joined, f"yield_{horizon}")
        if not np.isfinite(yf).any():
            figures.append(Figure(row, None, no_estimate_reason(joined, horizon)))
            continue
        if negative == "include" and not joined.losses_reported[horizon]:
            figures.append(Figure(row, None, NO_FORWARD_LOSSES))
        else:
            figures.append(Figure(row, *_pe(harmonic_pe(w, yf, negative))))
        if negative == "exclude":  # under include the row above already keeps the losses
            aggregate = forward_aggregate_convention(joined.horizon_labels[horizon])
            kept = harmonic_pe(w, yf, "include") if joined.losses_reported[horizon] else PE(None, NO_FORWARD_LOSSES)
            figures.append(Figure(aggregate, *_pe(kept)))
    book, sales = book_and_sales_yields(joined)
    growth = next_year_growth(joined, w, negative)
    figures += [
        Figure(PRICE_TO_BOOK, *_pe(price_to_book(w, book))),
        Figure(PRICE_TO_SALES, *_pe(price_to_sales(w, sales))),
        Figure(EPS_GROWTH, growth, "" if growth is not None else "no holding has both FY1 and FY2 estimates in this data"),
        _implied_growth(joined, w, y, negative),
        Figure(TOP10_WEIGHT, float(w[top10].sum())),
        Figure(MAG7_WEIGHT, float(w[mag7].sum())),
    ]
    return figures


def _implied_growth(joined: Joined, w: np.ndarray, y: np.ndarray, negative: NegativePolicy) -> Figure:
    """compare's ``earnings_growth``: trailing to the chosen horizon's consensus, cumulative."""
    row = convention("earnings_growth", f"Implied growth, ttm -> {joined.forward_horizon}", f"compare's earnings_growth ({growth_basis(joined.forward_horizon)})", "share")
    if negative == "include" and not joined.forward_losses_reported:
        return Figure(row, None, NO_FORWARD_LOSSES)
    growth = earnings_growth(w, y, usable_yields(joined, "yield_forward"), negative)
    return Figure(row, growth, "" if growth is not None else no_estimate_reason(joined, joined.forward))


def zero_floor_pe(weights: np.ndarray, earnings_yield: np.ndarray) -> PE:
    """Covered weight over earnings with every loss counted as zero: sum(w) / sum(w * max(y, 0))."""
    w = np.asarray(weights, dtype="float64")
    y = np.asarray(earnings_yield, dtype="float64")
    covered = np.isfinite(y) & (w > 0)
    earnings = float(np.dot(w[covered], np.maximum(y[covered], 0.0)))
    if earnings <= 0:
        return PE(None, "no covered holding with positive earnings")
    return PE(float(w[covered].sum()) / earnings)


def explain_rows(fund: list[Figure], benchmark: list[Figure] | None) -> list[dict]:
    """The fund's figures beside the benchmark's, with the discount under each P/E convention.

    Keys: convention, label, publishers, unit, value, reason, set_aside_weight, benchmark_value,
    benchmark_reason, discount (``1 - fund / benchmark``; None for shares and missing figures).
    """
    by_key = {f.convention.key: f for f in benchmark or []}
    rows = []
    for figure in fund:
        c = figure.convention
        other = by_key.get(c.key)
        bench_value = other.value if other else None
        rows.append(
            {
                "convention": c.key,
                "label": c.label,
                "publishers": c.publishers,
                "unit": c.unit,
                "value": figure.value,
                "reason": figure.reason,
                "set_aside_weight": figure.set_aside_weight,
                "benchmark_value": bench_value,
                "benchmark_reason": other.reason if other else ("" if benchmark is None else "not in the benchmark's data"),
                "discount": discount(figure.value, bench_value) if c.unit in MULTIPLES else None,
            }
        )
    return rows


def _priced(weights: np.ndarray, y: np.ndarray, negative: NegativePolicy) -> PE:
    if not np.isfinite(weights).any():
        return PE(None, "the issuer gives no share counts")
    return harmonic_pe(weights, y, negative)


def _pe(pe: PE) -> tuple[float | None, str]:
    return pe.value, pe.reason


def _value(value: float | None) -> tuple[float | None, str]:
    return value, "" if value is not None else "no covered holding with positive earnings"
