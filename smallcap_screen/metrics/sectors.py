"""Sector view of a fund, and the fund-vs-benchmark gap split into sector mix and valuation.

"Is the Russell 2000 cheap, or just light on tech?" The gap in earnings yield between a fund
(F) and its benchmark (B) splits exactly, sector by sector (s), Brinson-Fachler style:

    W_s = sector's share of the weight that enters the P/E;  y_s = the sector's earnings yield
    Y   = sum_s W_s * y_s = 1 / fund P/E
    Y_F - Y_B = sum_s (W_F,s - W_B,s) * (y_B,s - Y_B)        sector mix: over/under-weighting
              + sum_s  W_B,s * (y_F,s - y_B,s)                within-sector valuation
              + sum_s (W_F,s - W_B,s) * (y_F,s - y_B,s)       interaction

A sector the benchmark lacks takes y_B,s = Y_B (no mix effect, all interaction); one the fund
lacks takes y_F,s = y_B,s (no valuation effect). Each effect also reads in discount points
(effect / Y_F, summing to discount = 1 - PE_F / PE_B) and in P/E points (-effect * PE_F * PE_B,
summing to PE_F - PE_B), since both are linear in the yield gap.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..model import Holdings
from .frame import UNKNOWN_SECTOR, Joined
from .valuation import NegativePolicy, check_policy, usable_yields

EFFECTS = ("mix", "within", "interaction")


def sector_table(joined: Joined, *, negative: NegativePolicy = "exclude") -> pd.DataFrame:
    """One row per sector (index), heaviest first. Columns:

    weight (share of the fund's equity weight), holdings, coverage (share of the sector's weight
    with price and trailing EPS), entering_weight (W_s: share of the weight entering the fund P/E),
    earnings_yield (y_s), pe (1 / y_s; NaN when not positive), loss_weight (covered weight with
    EPS <= 0 over covered weight), loss_count_share (the same by count), covered_holdings and
    loss_holdings (the counts behind it, so that a whole fund's share adds up from its sectors).
    """
    check_policy(negative)
    frame = joined.frame
    w = frame["weight"].to_numpy(dtype="float64")
    y = usable_yields(joined, "yield_trailing")
    covered = np.isfinite(y)
    enters = covered & (y > 0) if negative == "exclude" else covered
    parts = pd.DataFrame(
        {
            "sector": frame["sector"].to_numpy(),
            "weight": w,
            "holdings": 1,
            "covered_weight": np.where(covered, w, 0.0),
            "covered": covered.astype(int),
            "losses": (covered & (y <= 0)).astype(int),
            "loss_weight": np.where(covered & (y <= 0), w, 0.0),
            "entering": np.where(enters, w, 0.0),
            "earnings": np.where(enters, w * np.where(covered, y, 0.0), 0.0),
        }
    )
    sums = parts.groupby("sector", sort=False).sum()
    entering_total = sums["entering"].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        sector_yield = (sums["earnings"] / sums["entering"]).where(sums["entering"] > 0)
        table = pd.DataFrame(
            {
                "weight": sums["weight"] / w.sum(),
                "holdings": sums["holdings"],
                "coverage": sums["covered_weight"] / sums["weight"],
                "entering_weight": sums["entering"] / entering_total if entering_total > 0 else np.nan,
                "earnings_yield": sector_yield,
                "pe": (1.0 / sector_yield).where(sector_yield > 0),
                "loss_weight": (sums["loss_weight"] / sums["covered_weight"]).where(sums["covered_weight"] > 0),
                "loss_count_share": (sums["losses"] / sums["covered"]).where(sums["covered"] > 0),
                "covered_holdings": sums["covered"],
                "loss_holdings": sums["losses"],
            }
        )
    table.index.name = "sector"
    return table.sort_values("weight", ascending=False, kind="stable")


@dataclass(frozen=True)
class GapDecomposition:
    """The fund-vs-benchmark earnings-yield gap split by sector (see the module docstring).

    ``by_sector``: one row per sector with fund_weight, benchmark_weight (W_s), fund_yield,
    benchmark_yield (y_s, as used), mix, within, interaction (yield points), total (their sum).
    Yields are fractions (0.05 = a P/E of 20). ``in_pe`` and ``in_discount`` convert an
    effect; they are None when either aggregate yield is not positive (no P/E to speak of).
    """

    fund: str
    benchmark: str
    fund_yield: float
    benchmark_yield: float
    mix: float
    within: float
    interaction: float
    by_sector: pd.DataFrame

    @property
    def total(self) -> float:
        return self.fund_yield - self.benchmark_yield

    @property
    def meaningful(self) -> bool:
        return self.fund_yield > 0 and self.benchmark_yield > 0

    @property
    def pe_fund(self) -> float | None:
        return 1 / self.fund_yield if self.fund_yield > 0 else None

    @property
    def pe_benchmark(self) -> float | None:
        return 1 / self.benchmark_yield if self.benchmark_yield > 0 else None

    def in_pe(self, effect: float) -> float | None:
        """An effect in P/E points: the effects sum to PE_fund - PE_benchmark."""
        return -effect * self.pe_fund * self.pe_benchmark if self.meaningful else None

    def in_discount(self, effect: float) -> float | None:
        """An effect in discount points: the effects sum to 1 - PE_fund / PE_benchmark."""
        return effect / self.fund_yield if self.meaningful else None

    def counterfactual_pe(self, effect: float) -> float | None:
        """The benchmark's P/E moved by one effect alone: with ``within``, the fund's sector P/Es
        at the benchmark's sector weights; with ``mix``, the benchmark's sector P/Es at the
        fund's weights."""
        value = self.benchmark_yield + effect
        return 1 / value if value > 0 else None


def decompose(fund: pd.DataFrame, benchmark: pd.DataFrame, *, fund_name: str = "", benchmark_name: str = "") -> GapDecomposition:
    """Split the gap between two :func:`sector_table` results into mix, within and interaction."""
    sectors = fund.index.union(benchmark.index, sort=False)
    wf = fund["entering_weight"].reindex(sectors).fillna(0.0).to_numpy()
    wb = benchmark["entering_weight"].reindex(sectors).fillna(0.0).to_numpy()
    yf_given = fund["earnings_yield"].reindex(sectors).to_numpy()
    yb_given = benchmark["earnings_yield"].reindex(sectors).to_numpy()
    fund_yield = float(np.nansum(wf * np.where(wf > 0, yf_given, 0.0)))
    bench_yield = float(np.nansum(wb * np.where(wb > 0, yb_given, 0.0)))
    yb = np.where((wb > 0) & np.isfinite(yb_given), yb_given, bench_yield)
    yf = np.where((wf > 0) & np.isfinite(yf_given), yf_given, yb)
    by_sector = pd.DataFrame(
        {
            "fund_weight": wf,
            "benchmark_weight": wb,
            "fund_yield": yf,
            "benchmark_yield": yb,
            "mix": (wf - wb) * (yb - bench_yield),
            "within": wb * (yf - yb),
            "interaction": (wf - wb) * (yf - yb),
        },
        index=pd.Index(sectors, name="sector"),
    )
    by_sector["total"] = by_sector[list(EFFECTS)].sum(axis=1)
    by_sector = by_sector.sort_values("fund_weight", ascending=False, kind="stable")
    return GapDecomposition(
        fund_name, benchmark_name, fund_yield, bench_yield,
        *(float(by_sector[e].sum()) for e in EFFECTS), by_sector,
    )


def sectors_from_other_funds(holdings: Holdings, others: list[Holdings]) -> Holdings:
    """The holdings with sectors their issuer leaves out (SSGA's SPY file has none) taken from
    other funds' files naming the same stock (IVV's GICS sectors for the same S&P 500 stocks)."""
    equities = holdings.equities
    missing = equities["sector"].fillna("").astype(str).str.strip().isin(["", "-", UNKNOWN_SECTOR])
    if not missing.any():
        return holdings
    named = pd.concat([o.equities[["ticker", "sector"]] for o in others if o is not holdings] or [equities[["ticker", "sector"]].iloc[:0]])
    named = named[~named["sector"].fillna("").astype(str).str.strip().isin(["", "-"])].drop_duplicates("ticker").set_index("ticker")["sector"]
    filled = equities["sector"].where(~missing, equities["ticker"].map(named)).fillna("")
    return replace(holdings, equities=equities.assign(sector=filled))
