"""Fund valuation metrics as pure functions over holdings and per-stock fundamentals.

No I/O here. Every figure is defined in README.md ("Methodology") so it can be reproduced by hand:

- Fund P/E is the weighted harmonic mean of holding P/Es, i.e. the inverse of the weighted mean
  earnings yield: ``PE = sum(w) / sum(w * E/P)`` over the holdings that enter it.
- ``exclude`` (default) keeps holdings with E > 0 only, as iShares, FTSE Russell and Morningstar
  publish "P/E ex-negative earnings". ``include`` keeps losses ("own the whole fund"); when the
  covered holdings lose money in aggregate that P/E is not meaningful and is returned as None
  with the reason.
- Holdings without a usable price or EPS leave numerator and denominator alike; the weight that
  did enter is reported as coverage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd

from .model import Fundamentals, Holdings
from .vocabulary import NEGATIVE_POLICIES

NegativePolicy = Literal["exclude", "include"]
HORIZONS = {"trailing": "eps_trailing", "forward": "eps_forward"}

#: Earnings yields outside this band are taken for data errors and the holding is left out of that
#: horizon rather than trusted: a P/E under 1, or a yearly loss over ten times the share price (EPS
#: not adjusted after a reverse split, e.g. -1006 on a $38 stock). Distressed small caps do lose
#: more than their share price in a year (E/P of -1 to -8 is common in the Russell 2000), so the
#: lower bound is wide.
EARNINGS_YIELD_BAND = (-10.0, 1.0)


@dataclass(frozen=True)
class PE:
    """A P/E figure, or None with the reason it is not meaningful."""

    value: float | None
    reason: str = ""


@dataclass(frozen=True)
class FundValuation:
    """Valuation of one fund. Fractions are 0-1 numbers; a P/E that is not meaningful is None
    and its ``*_reason`` says why. Field names are the stable CSV/JSON names."""

    fund: str
    holdings: int
    coverage: float
    coverage_forward: float
    pe_trailing: float | None
    pe_trailing_reason: str
    pe_forward: float | None
    pe_forward_reason: str
    loss_weight: float | None
    median_pe: float | None
    earnings_growth: float | None
    price_to_book: float | None
    top10_weight: float
    set_aside_weight: float
    flagged_holdings: int
    negative_policy: str
    forward_horizon: str
    as_of_holdings: dt.date | None
    as_of_prices: dt.date | None
    benchmark: str | None = None
    discount_trailing: float | None = None
    discount_forward: float | None = None
    relative_pe_trailing: float | None = None
    relative_pe_forward: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def harmonic_pe(weights: np.ndarray, earnings_yield: np.ndarray, policy: NegativePolicy = "exclude") -> PE:
    """Weighted harmonic-mean P/E from weights and earnings yields (E/P) of covered holdings.

    NaN yields are not covered and leave the sum. Under ``exclude`` only positive yields count.
    """
    _check_policy(policy)
    w = np.asarray(weights, dtype="float64")
    y = np.asarray(earnings_yield, dtype="float64")
    usable = np.isfinite(w) & np.isfinite(y) & (w > 0)
    if policy == "exclude":
        usable &= y > 0
    if not usable.any():
        what = "positive earnings" if policy == "exclude" else "earnings"
        return PE(None, f"no covered holding with {what}")
    total_yield = float(np.dot(w[usable], y[usable]))
    if total_yield <= 0:
        return PE(None, "covered holdings lose money in aggregate (earnings <= 0)")
    return PE(float(w[usable].sum()) / total_yield)


def holdings_frame(holdings: Holdings, fundamentals: Fundamentals) -> pd.DataFrame:
    """Holdings joined to fundamentals, with earnings yields; unusable values become NaN.

    Columns: ticker, weight, known (has a fundamentals row), price, eps_trailing, eps_forward
    (as given), yield_trailing, yield_forward, book_yield, flags.
    """
    table = fundamentals.table
    if not table.index.is_unique:
        table = table[~table.index.duplicated()]
    at = table.index.get_indexer(holdings.equities["ticker"])  # -1: no fundamentals for it
    known = at >= 0

    def column(name: str) -> np.ndarray:
        values = np.full(len(at), np.nan)
        values[known] = pd.to_numeric(table[name], errors="coerce").to_numpy(dtype="float64")[at[known]]
        return values

    price = column("price")
    price[~(price > 0)] = np.nan
    low, high = EARNINGS_YIELD_BAND
    eps = {name: column(name) for name in HORIZONS.values()}
    yields = {}
    for horizon, name in HORIZONS.items():
        ey = eps[name] / price
        ey[~((ey >= low) & (ey <= high))] = np.nan
        yields[f"yield_{horizon}"] = ey
    flags = np.full(len(at), "", dtype=object)
    flags[known] = table["flags"].fillna("").to_numpy(dtype=object)[at[known]]
    return pd.DataFrame(
        {
            "ticker": holdings.equities["ticker"].to_numpy(),
            "weight": holdings.equities["weight"].to_numpy(dtype="float64"),
            "known": known,
            "price": price,
            **eps,
            **yields,
            "book_yield": column("book_per_share") / price,
            "flags": flags,
        },
        index=holdings.equities.index,
    )


def holding_breakdown(holdings: Holdings, fundamentals: Fundamentals, *, negative: NegativePolicy = "exclude") -> pd.DataFrame:
    """The numbers behind a fund P/E, one row per holding, heaviest first.

    Columns: ticker, name, sector, weight, price, eps_trailing, eps_forward, pe_trailing,
    pe_forward, trailing (whether and why the holding entered the trailing P/E), flags.
    """
    _check_policy(negative)
    frame = holdings_frame(holdings, fundamentals)
    yt = frame["yield_trailing"]
    loss = "loss, excluded" if negative == "exclude" else "loss, included"
    trailing = np.select(
        [~frame["known"], frame["price"].isna(), frame["eps_trailing"].isna(), yt.isna(), yt <= 0],
        ["no data", "no price", "no EPS", "implausible E/P", loss],
        "included",
    )
    out = holdings.equities[["ticker", "name", "sector", "weight"]].assign(
        price=frame["price"],
        eps_trailing=frame["eps_trailing"],
        eps_forward=frame["eps_forward"],
        pe_trailing=1.0 / yt,
        pe_forward=1.0 / frame["yield_forward"],
        trailing=trailing,
        flags=frame["flags"],
    )
    return out.sort_values("weight", ascending=False, kind="stable").reset_index(drop=True)


def fund_valuation(
    holdings: Holdings, fundamentals: Fundamentals, *, negative: NegativePolicy = "exclude"
) -> FundValuation:
    """All figures for one fund under one negative-earnings policy (no benchmark comparison yet)."""
    _check_policy(negative)
    frame = holdings_frame(holdings, fundamentals)
    w = frame["weight"].to_numpy()
    yt = frame["yield_trailing"].to_numpy()
    yf = frame["yield_forward"].to_numpy()
    covered_t = np.isfinite(yt)
    covered_f = np.isfinite(yf)
    pe_t = harmonic_pe(w, yt, negative)
    pe_f = harmonic_pe(w, yf, negative)

    covered_weight = float(w[covered_t].sum())
    loss_weight = float(w[covered_t & (yt <= 0)].sum()) / covered_weight if covered_weight > 0 else None
    positive = covered_t & (yt > 0)
    median_pe = float(np.median(1.0 / yt[positive])) if positive.any() else None
    book = frame["book_yield"].to_numpy()
    pb = harmonic_pe(w, book, negative).value
    set_aside = holdings.set_aside["weight"]
    return FundValuation(
        fund=holdings.fund,
        holdings=len(frame),
        coverage=covered_weight,
        coverage_forward=float(w[covered_f].sum()),
        pe_trailing=pe_t.value,
        pe_trailing_reason=pe_t.reason,
        pe_forward=pe_f.value,
        pe_forward_reason=pe_f.reason,
        loss_weight=loss_weight,
        median_pe=median_pe,
        earnings_growth=earnings_growth(w, yt, yf, negative),
        price_to_book=pb,
        top10_weight=float(np.sort(w)[::-1][:10].sum()),
        set_aside_weight=float(set_aside.sum(skipna=True)) if len(set_aside) else 0.0,
        flagged_holdings=int((frame["flags"] != "").sum()),
        negative_policy=negative,
        forward_horizon=fundamentals.forward_horizon,
        as_of_holdings=holdings.as_of,
        as_of_prices=fundamentals.as_of,
    )


def earnings_growth(
    weights: np.ndarray, yield_trailing: np.ndarray, yield_forward: np.ndarray, policy: NegativePolicy = "exclude"
) -> float | None:
    """Implied growth: forward over trailing earnings yield of the same holdings, minus 1.

    Only holdings with both figures enter (and, under ``exclude``, both positive), so a change in
    coverage between horizons does not pose as growth.
    """
    w = np.asarray(weights, dtype="float64")
    both = np.isfinite(yield_trailing) & np.isfinite(yield_forward)
    if policy == "exclude":
        both &= (yield_trailing > 0) & (yield_forward > 0)
    trailing = float(np.dot(w[both], yield_trailing[both]))
    if not both.any() or trailing <= 0:
        return None
    return float(np.dot(w[both], yield_forward[both])) / trailing - 1.0


def discount(pe_fund: float | None, pe_benchmark: float | None) -> float | None:
    """``1 - PE_fund / PE_benchmark``: positive means the fund is cheaper than the benchmark."""
    ratio = relative_pe(pe_fund, pe_benchmark)
    return None if ratio is None else 1.0 - ratio


def relative_pe(pe_fund: float | None, pe_benchmark: float | None) -> float | None:
    if pe_fund is None or pe_benchmark is None or pe_benchmark <= 0:
        return None
    return pe_fund / pe_benchmark


def versus_benchmark(valuation: FundValuation, benchmark: FundValuation) -> FundValuation:
    """The valuation with discount and relative P/E against ``benchmark`` (same policy and horizon)."""
    if valuation.negative_policy != benchmark.negative_policy:
        raise ValueError("compare like with like: benchmark valued under another negative-earnings policy")
    return replace(
        valuation,
        benchmark=benchmark.fund,
        discount_trailing=discount(valuation.pe_trailing, benchmark.pe_trailing),
        discount_forward=discount(valuation.pe_forward, benchmark.pe_forward),
        relative_pe_trailing=relative_pe(valuation.pe_trailing, benchmark.pe_trailing),
        relative_pe_forward=relative_pe(valuation.pe_forward, benchmark.pe_forward),
    )


def _check_policy(policy: str) -> None:
    if policy not in NEGATIVE_POLICIES:
        raise ValueError(f"negative-earnings policy must be one of {NEGATIVE_POLICIES}, not {policy!r}")
