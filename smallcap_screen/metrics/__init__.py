"""Fund valuation metrics: pure functions over holdings and per-stock fundamentals (no I/O).

- ``frame``: holdings joined to fundamentals once (weights, prices, earnings yields, flags);
- ``weighting``: holdings-date or price-date (shares x price) weights;
- ``valuation``: a fund's P/E and its companions (coverage, loss-makers, medians, growth);
- ``conventions``: the same fund under every published P/E convention (``explain``);
- ``sectors``: per-sector figures and the fund-vs-benchmark gap by sector (``sectors``);
- ``screens``: one row per stock across funds, and the screener's filters (``screen``);
- ``trailing_eps``: a company's trailing twelve-month EPS as known on a past date, from its XBRL facts.
"""

from ..vocabulary import FORWARDS, NEGATIVE_POLICIES, WEIGHTINGS
from .frame import EARNINGS_YIELD_BAND, Forward, Joined, join
from .valuation import (
    COVERAGE_THRESHOLD,
    PE,
    FundValuation,
    NegativePolicy,
    discount,
    earnings_growth,
    fund_valuation,
    harmonic_pe,
    holding_breakdown,
    relative_pe,
    valuation_of,
    versus_benchmark,
)
from .weighting import Weighting

__all__ = [
    "COVERAGE_THRESHOLD", "EARNINGS_YIELD_BAND", "FORWARDS", "NEGATIVE_POLICIES", "PE", "WEIGHTINGS",
    "Forward", "FundValuation", "Joined", "NegativePolicy", "Weighting",
    "discount", "earnings_growth", "fund_valuation", "harmonic_pe", "holding_breakdown", "join",
    "relative_pe", "valuation_of", "versus_benchmark",
]
