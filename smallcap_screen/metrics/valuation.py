"""A fund's P/E and its companions, as pure functions over holdings and per-stock fundamentals.

Every figure is defined in README.md ("Methodology") so it can be reproduced by hand:

- Fund P/E is the weighted harmonic mean of holding P/Es, i.e. the inverse of the weighted mean
  earnings yield: ``PE = sum(w) / sum(w * E/P)`` over the holdings that enter it.
- ``exclude`` (default) keeps holdings with E > 0 only, as iShares, FTSE Russell and Morningstar
  publish "P/E ex-negative earnings". ``include`` keeps losses ("own the whole fund"); when the
  covered holdings lose money in aggregate that P/E is not meaningful and is returned as None
  with the reason. When the source cannot report negative forward estimates, the forward P/E
  under ``include`` is None too: a figure without the losses must not pass for one with them.
- Holdings without a usable price or EPS, and flagged holdings, leave numerator and denominator
  alike; the weight that did enter is reported as coverage, and marked low below a threshold.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd

from ..model import Fundamentals, Holdings
from ..vocabulary import COVERAGE_THRESHOLD, NEGATIVE_POLICIES, OLD_HOLDINGS_DAYS
from .corporate_actions import named_actions
from .frame import Forward, Joined, join
from .weighting import Weighting

NegativePolicy = Literal["exclude", "include"]

#: Apple, Microsoft, Nvidia, Amazon, Alphabet (both share classes), Meta, Tesla.
MAGNIFICENT_7 = frozenset({"AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "GOOG", "META", "TSLA"})

NO_FORWARD_LOSSES = (
    "losses cannot be included: this data has no negative forward estimates (a finviz export "
    "leaves them blank); --negative exclude gives the ex-negative figure"
)


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
    low_coverage: bool
    low_coverage_forward: bool
    coverage_threshold: float
    pe_trailing: float | None
    pe_trailing_reason: str
    pe_forward: float | None
    pe_forward_reason: str
    loss_weight: float | None
    loss_count_share: float | None
    median_pe: float | None
    weighted_median_pe: float | None
    earnings_growth: float | None
    earnings_growth_basis: str
    eps_growth_next_year: float | None
    price_to_book: float | None
    price_to_book_coverage: float
    price_to_sales: float | None
    price_to_sales_coverage: float
    dividend_yield: float | None
    dividend_yield_coverage: float
    top10_weight: float
    mag7_weight: float
    set_aside_weight: float
    flagged_holdings: int
    flagged_weight: float
    implausible_holdings: int
    implausible_weight: float
    negative_policy: str
    forward_horizon: str
    fiscal_year_unknown: int
    forward_losses: str
    weighting: str
    corporate_actions: str
    as_of_holdings: dt.date | None
    as_of_prices: dt.date | None
    benchmark: str | None = None
    benchmark_weighting: str | None = None
    discount_trailing: float | None = None
    discount_forward: float | None = None
    relative_pe_trailing: float | None = None
    relative_pe_forward: float | None = None

    @property
    def holdings_age_days(self) -> int | None:
        """Days from the holdings date to the price date (None when either is unknown)."""
        if self.as_of_holdings is None or self.as_of_prices is None:
            return None
        return (self.as_of_prices - self.as_of_holdings).days

    @property
    def old_holdings(self) -> bool:
        """The holdings are older than vocabulary.OLD_HOLDINGS_DAYS on the price date."""
        return self.holdings_age_days is not None and self.holdings_age_days > OLD_HOLDINGS_DAYS

    def to_dict(self) -> dict:
        return {**asdict(self), "holdings_age_days": self.holdings_age_days, "old_holdings": self.old_holdings}


#: Weights closer than this share of the largest weight count as equal when the largest holdings
#: are chosen: a reweighting (shares x price, renormalised) leaves float noise of ~1e-16, far
#: below any real difference between two holdings, and must not change which ones are chosen.
TIED_WEIGHT = 1e-9


def largest_holdings(weights: np.ndarray, count: int = 10) -> np.ndarray:
    """A mask of the ``count`` largest holdings by weight. Weights within :data:`TIED_WEIGHT` of the
    largest of one another are a tie, which the first listed wins (issuers list by unrounded
    weight: VB's list gives BE, SNDK, CRDO and ATO 0.40% each), so the choice is the same however
    the weights were computed (e.g. every price scaled alike)."""
    w = np.nan_to_num(np.asarray(weights, dtype="float64"), nan=0.0)
    order = np.argsort(-w, kind="stable")
    descending = w[order]
    scale = descending[0] if len(w) and descending[0] > 0 else 1.0
    tie_group = np.concatenate([[0], np.cumsum(-np.diff(descending) > TIED_WEIGHT * scale)])
    chosen = order[np.lexsort((order, tie_group))[:count]]
    mask = np.zeros(len(w), dtype=bool)
    mask[chosen] = True
    return mask


def harmonic_pe(weights: np.ndarray, earnings_yield: np.ndarray, policy: NegativePolicy = "exclude") -> PE:
    """Weighted harmonic-mean P/E from weights and earnings yields (E/P) of covered holdings.

    NaN yields are not covered and leave the sum. Under ``exclude`` only positive yields count.
    """
    check_policy(policy)
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


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float | None:
    """The value at which the weights, summed in order of value, first reach half their total;
    where they reach exactly half (to 1e-12), the mean of that value and the next."""
    v = np.asarray(values, dtype="float64")
    w = np.asarray(weights, dtype="float64")
    ok = np.isfinite(v) & np.isfinite(w) & (w > 0)
    if not ok.any():
        return None
    order = np.argsort(v[ok], kind="stable")
    ranked = v[ok][order]
    cumulative = np.cumsum(w[ok][order])
    half, slack = cumulative[-1] / 2, cumulative[-1] * 1e-12
    at = int(np.searchsorted(cumulative, half - slack))
    if abs(cumulative[at] - half) <= slack and at + 1 < len(ranked):
        return float((ranked[at] + ranked[at + 1]) / 2)
    return float(ranked[at])


def usable_yields(joined: Joined, column: str) -> np.ndarray:
    """The column's earnings yields with flagged holdings set aside (NaN)."""
    frame = joined.frame
    return np.where(frame["flagged"].to_numpy(), np.nan, frame[column].to_numpy(dtype="float64"))


#: Columns of :func:`holding_breakdown` (``holdings --format csv/json``), in order.
BREAKDOWN_COLUMNS = ["ticker", "name", "sector", "weight", "price", "eps_trailing", "eps_forward", "pe_trailing", "pe_forward", "trailing", "flags"]


def holding_breakdown(
    holdings: Holdings,
    fundamentals: Fundamentals,
    *,
    negative: NegativePolicy = "exclude",
    weighting: Weighting = "price-date",
    forward: Forward = "fy2",
) -> pd.DataFrame:
    """The numbers behind a fund P/E, one row per holding, heaviest first.

    Columns: BREAKDOWN_COLUMNS; ``trailing`` says whether and why the holding entered the trailing P/E.
    """
    check_policy(negative)
    frame = join(holdings, fundamentals, weighting=weighting, forward=forward).frame
    yt = frame["yield_trailing"]
    loss = "loss, excluded" if negative == "exclude" else "loss, included"
    trailing = np.select(
        [~frame["known"], frame["flagged"], frame["price"].isna(), frame["eps_trailing"].isna(), yt.isna(), yt <= 0],
        ["no data", "flagged, set aside", "no price", "no EPS", "implausible E/P", loss],
        "included",
    )
    out = frame[["ticker", "name", "sector", "weight", "price", "eps_trailing", "eps_forward"]].assign(
        pe_trailing=1.0 / yt,
        pe_forward=1.0 / frame["yield_forward"],
        trailing=trailing,
        flags=frame["flags"],
    )
    return out[BREAKDOWN_COLUMNS].sort_values("weight", ascending=False, kind="stable").reset_index(drop=True)


def earnings_contributions(breakdown: pd.DataFrame) -> pd.DataFrame:
    """The holdings that entered the trailing P/E (a :func:`holding_breakdown` table), largest
    contribution to the fund's earnings yield first, with ``share``: weight x E/P over the sum of
    those. Under "include" a loss-maker's share is negative: it takes earnings away."""
    entered = breakdown[breakdown["trailing"].isin(["included", "loss, included"])]
    contribution = entered["weight"] / entered["pe_trailing"]
    total = contribution.sum()
    share = contribution / total if total > 0 else contribution * np.nan
    return entered.assign(share=share).sort_values("share", ascending=False, kind="stable").reset_index(drop=True)


def fund_valuation(
    holdings: Holdings,
    fundamentals: Fundamentals,
    *,
    negative: NegativePolicy = "exclude",
    weighting: Weighting = "price-date",
    forward: Forward = "fy2",
    coverage_threshold: float = COVERAGE_THRESHOLD,
) -> FundValuation:
    """All figures for one fund under one negative-earnings policy (no benchmark comparison yet)."""
    return valuation_of(join(holdings, fundamentals, weighting=weighting, forward=forward), holdings, fundamentals.as_of, negative=negative, coverage_threshold=coverage_threshold)


def valuation_of(
    joined: Joined, holdings: Holdings, as_of_prices: dt.date | None, *, negative: NegativePolicy = "exclude", coverage_threshold: float = COVERAGE_THRESHOLD
) -> FundValuation:
    """:func:`fund_valuation` of an already joined fund."""
    check_policy(negative)
    frame = joined.frame
    w = frame["weight"].to_numpy()
    yt = usable_yields(joined, "yield_trailing")
    yf = usable_yields(joined, "yield_forward")
    covered_t = np.isfinite(yt)
    pe_t = harmonic_pe(w, yt, negative)
    pe_f = harmonic_pe(w, yf, negative)
    growth = earnings_growth(w, yt, yf, negative)
    if not np.isfinite(yf).any():
        pe_f = PE(None, no_estimate_reason(joined, joined.forward))
    elif negative == "include" and not joined.forward_losses_reported:
        pe_f = PE(None, NO_FORWARD_LOSSES)
    if negative == "include" and not joined.forward_losses_reported:
        growth = None

    covered_weight = float(w[covered_t].sum())
    coverage_forward = float(w[np.isfinite(yf)].sum())
    losses = covered_t & (yt <= 0)
    positive = covered_t & (yt > 0)
    flagged = frame["flagged"].to_numpy()
    implausible = frame["implausible"].to_numpy() & ~flagged
    book, sales = book_and_sales_yields(joined)
    set_aside = holdings.set_aside["weight"]
    dividends = np.where(flagged, np.nan, frame["dividend_yield"].to_numpy())
    paying = np.isfinite(dividends) & (dividends >= 0)
    return FundValuation(
        fund=holdings.fund,
        holdings=len(frame),
        coverage=covered_weight,
        coverage_forward=coverage_forward,
        low_coverage=covered_weight < coverage_threshold,
        low_coverage_forward=coverage_forward < coverage_threshold,
        coverage_threshold=coverage_threshold,
        pe_trailing=pe_t.value,
        pe_trailing_reason=pe_t.reason,
        pe_forward=pe_f.value,
        pe_forward_reason=pe_f.reason,
        loss_weight=float(w[losses].sum()) / covered_weight if covered_weight > 0 else None,
        loss_count_share=float(losses.sum() / covered_t.sum()) if covered_t.any() else None,
        median_pe=float(np.median(1.0 / yt[positive])) if positive.any() else None,
        weighted_median_pe=weighted_median(1.0 / yt[positive], w[positive]),
        earnings_growth=growth,
        earnings_growth_basis=growth_basis(joined.forward_horizon),
        eps_growth_next_year=next_year_growth(joined, w, negative),
        price_to_book=price_to_book(w, book).value,
        price_to_book_coverage=float(w[book > 0].sum()),
        price_to_sales=price_to_sales(w, sales).value,
        price_to_sales_coverage=float(w[np.isfinite(sales)].sum()),
        dividend_yield=float(np.dot(w[paying], dividends[paying]) / w[paying].sum()) if paying.any() else None,
        dividend_yield_coverage=float(w[paying].sum()),
        top10_weight=float(w[largest_holdings(w)].sum()),
        mag7_weight=float(w[frame["ticker"].isin(MAGNIFICENT_7).to_numpy()].sum()),
        set_aside_weight=float(set_aside.sum(skipna=True)) if len(set_aside) else 0.0,
        flagged_holdings=int(flagged.sum()),
        flagged_weight=float(w[flagged].sum()),
        implausible_holdings=int(implausible.sum()),
        implausible_weight=float(w[implausible].sum()),
        negative_policy=negative,
        forward_horizon=joined.forward_horizon,
        fiscal_year_unknown=fiscal_year_unknown(joined),
        forward_losses=forward_losses(negative, joined.forward_losses_reported),
        weighting=joined.weighting,
        corporate_actions=named_actions(frame["ticker"], frame["corporate_action"]) if joined.weighting == "price-date" else "",
        as_of_holdings=holdings.as_of,
        as_of_prices=as_of_prices,
    )


def book_and_sales_yields(joined: Joined) -> tuple[np.ndarray, np.ndarray]:
    """Each holding's B/P and S/P, NaN where unknown or set aside as implausible."""
    frame = joined.frame
    flagged = frame["flagged"].to_numpy()
    return (np.where(flagged, np.nan, frame["book_yield"].to_numpy()), np.where(flagged, np.nan, frame["sales_yield"].to_numpy()))


def price_to_book(weights: np.ndarray, book_yield: np.ndarray) -> PE:
    """Weighted harmonic P/B over the holdings with a positive book value, whatever the earnings
    policy: Morningstar sets negative book aside (a P/B of a negative book means nothing)."""
    return harmonic_pe(weights, book_yield, "exclude")


def price_to_sales(weights: np.ndarray, sales_yield: np.ndarray) -> PE:
    """Weighted harmonic P/S over every holding with sales (none negative; zero sales count)."""
    return harmonic_pe(weights, sales_yield, "include")


def fiscal_year_unknown(joined: Joined) -> int:
    """Under NTM, the holdings with FY1 and FY2 estimates whose fiscal-year end is unknown: left
    out of the NTM figures rather than blended by a guessed calendar (0 under FY1, FY2)."""
    if joined.forward != "ntm":
        return 0
    frame = joined.frame
    both = np.isfinite(frame["eps_fy1"].to_numpy()) & np.isfinite(frame["eps_fy2"].to_numpy())
    return int((both & ~np.isfinite(frame["ntm_share_fy1"].to_numpy())).sum())


def next_year_growth(joined: Joined, weights: np.ndarray, negative: NegativePolicy = "exclude") -> float | None:
    """Consensus earnings growth from the current fiscal year to the next (FY1 -> FY2), the
    articles' "expected growth in 2026": the same holdings' FY2 over FY1 earnings yield, minus 1.
    Only holdings with both estimates enter; under ``exclude`` both positive (see earnings_growth)."""
    fy1, fy2 = usable_yields(joined, "yield_fy1"), usable_yields(joined, "yield_fy2")
    if negative == "include" and not (joined.losses_reported["fy1"] and joined.losses_reported["fy2"]):
        return None
    return earnings_growth(weights, fy1, fy2, negative)


def no_estimate_reason(joined: Joined, forward: str) -> str:
    """Why there is no forward figure at horizon ``forward`` (a FORWARDS word): no holding has it."""
    needs = " (FY1 and FY2 estimates and a fiscal-year end)" if forward == "ntm" else ""
    return f"no holding has a {joined.horizon_labels[forward]} earnings estimate{needs} in this data"


def growth_basis(forward_horizon: str) -> str:
    """What ``earnings_growth`` spans: trailing GAAP EPS to the forward consensus, not per year."""
    return f"trailing GAAP -> {forward_horizon} consensus, cumulative"


def forward_losses(negative: NegativePolicy, reported: bool) -> str:
    """``forward_losses``: whether loss-makers' forward estimates are in the forward P/E."""
    if negative == "exclude":
        return "excluded"
    return "included" if reported else "not reported by the source"


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
    """The valuation with discount and relative P/E against ``benchmark`` (same policy and horizon;
    ``benchmark_weighting`` says at which weights the benchmark's figures are, so a row that
    mixes weightings says so)."""
    if valuation.negative_policy != benchmark.negative_policy:
        raise ValueError("compare like with like: benchmark valued under another negative-earnings policy")
    return replace(
        valuation,
        benchmark=benchmark.fund,
        benchmark_weighting=benchmark.weighting,
        discount_trailing=discount(valuation.pe_trailing, benchmark.pe_trailing),
        discount_forward=discount(valuation.pe_forward, benchmark.pe_forward),
        relative_pe_trailing=relative_pe(valuation.pe_trailing, benchmark.pe_trailing),
        relative_pe_forward=relative_pe(valuation.pe_forward, benchmark.pe_forward),
    )


def check_policy(policy: str) -> None:
    if policy not in NEGATIVE_POLICIES:
        raise ValueError(f"negative-earnings policy must be one of {NEGATIVE_POLICIES}, not {policy!r}")
