"""``screen``, ``sectors`` and ``explain``: the analyst's questions after
``compare``: which stocks make a fund cheap, which sectors explain the gap, and which published
convention a quoted P/E came from.

>>> from smallcap_screen import screen, sectors, explain
>>> screen(["IJR"], Criteria(earnings="profitable", max_pe=12), top=20, data="offline").records()  # doctest: +SKIP
>>> sectors(["IWM", "IJR"], Method(benchmark="SPY"), data="offline").records()                     # doctest: +SKIP
>>> explain("IWM", Method(benchmark="SPY"), data="offline").records()                               # doctest: +SKIP

Data is chosen as :mod:`.data` says (``data``, ``snapshot``, ``store``, ``fetch``); the method and
its keyword shorthand as for :func:`.compare.compare` (``screen`` has no benchmark). Sectors an issuer leaves
out (SSGA's SPY file has none) are taken from other funds' files in the same data naming the same
stock (IVV's for the S&P 500).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

from ..errors import MissingHoldingsError
from ..method import Method, Provenance
from ..metrics import join
from ..metrics.conventions import explain_rows, fund_figures
from ..metrics.frame import UNKNOWN_SECTOR
from ..metrics.screens import Criteria, stock_table
from ..metrics.screens import screen as apply_screen
from ..metrics.sectors import EFFECTS, GapDecomposition, decompose, sector_table, sectors_from_other_funds
from ..output import record_value
from .data import DataMode, Fetch, load_funds
from .result import Result, prices_text

if TYPE_CHECKING:
    import pandas as pd

    from ..metrics.frame import Joined
    from ..snapshot import Snapshot
    from ..store import Store


# --- screen ------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class ScreenResult(Result):
    """The stocks that passed a screen: ``table`` has metrics.screens.STOCK_COLUMNS plus a
    ``weight_<FUND>`` column per fund; ``matched`` counts the rows before ``top`` cut them."""

    funds: list[str]
    table: "pd.DataFrame"
    matched: int
    stocks: int
    method: Method
    provenance: Provenance
    #: Funds left out because the live fetch could not get their holdings (fund -> why).
    missing: dict[str, str] = field(default_factory=dict)

    @property
    def fields(self) -> list[str]:
        """Stable CSV/JSON field names: README "screen" lists them."""
        from ..metrics.screens import STOCK_COLUMNS

        return [*STOCK_COLUMNS, *(f"weight_{f}" for f in self.funds), "weighting", "negative_policy", "forward_horizon", "as_of_prices", "data_source"]

    def records(self) -> list[dict]:
        extra = {"weighting": " ".join(f"{f}:{w}" for f, w in self.provenance.weighting.items()), **self.provenance.record_fields(self.method)}
        rows = self.table.assign(**extra)[self.fields].to_dict(orient="records")
        return [{k: record_value(v) for k, v in row.items()} for row in rows]

    def _table(self, plain: bool, width: int):
        from ..render.screen import TABLE_ROWS, screen_table

        return screen_table(self, plain=plain, width=width, rows=TABLE_ROWS)

    def _summary(self) -> str:
        return f"{' '.join(self.funds)}: {self.matched:,} of {self.stocks:,} stocks passing, {len(self.table):,} rows, {prices_text(self.provenance)}"


def screen(
    funds: Sequence[str],
    criteria: Criteria = Criteria(),
    method: Method = Method(),
    *,
    sort: str = "weight",
    descending: bool | None = None,
    top: int | None = None,
    data: DataMode = "auto",
    snapshot: "Snapshot | None" = None,
    store: "Store | None" = None,
    fetch: Fetch | None = None,
    **choices,
) -> ScreenResult:
    """One row per stock held by any of ``funds``, kept by ``criteria`` (metrics.screens.Criteria),
    sorted by ``sort`` (weight, pe, fwd_pe, cap, pb, ps, growth, price, ticker, name, sector;
    descending by default only for weight), at most ``top`` rows (None or 0: every row, as
    ``holdings --top 0``). A market-cap bound fails stocks without a market cap; the provenance's
    notes say how many lack one. A fund whose holdings the live fetch could not get is left out
    and named in ``missing`` (MissingHoldingsError when no fund is left)."""
    method = method.but(**choices)
    joined, provenance, missing = _joined(funds, method, data=data, snapshot=snapshot, store=store, fetch=fetch, optional=funds)
    table = stock_table(joined, negative=method.negative)
    kept = apply_screen(table, criteria, sort=sort, descending=descending)
    if criteria.min_cap is not None or criteria.max_cap is not None:
        uncapped = int(table["market_cap"].isna().sum())
        if uncapped:  # they fail the bound: without a word an import lacking caps screens to nothing
            advice = "; screen without one, or use data with market caps (live, or an export with a market cap column)"
            provenance.notes.append(
                f"{uncapped:,} of {len(table):,} stocks have no market cap in this data ({provenance.data_source or 'the data chosen'}) "
                f"and fail a market-cap bound{advice if uncapped == len(table) else ''}"
            )
    return ScreenResult([j.fund for j in joined], kept.head(top) if top else kept, len(kept), len(table), method, provenance, missing)


# --- sectors -----------------------------------------------------------------------------------

ALL_SECTORS = "All sectors"
#: Above this share of a fund's weight without a sector, ``sectors`` says so on stderr.
UNKNOWN_SECTOR_NOTE = 0.05
#: Fields of ``SectorView.records()``, the stable CSV/JSON names (README "sectors").
SECTOR_FIELDS = [
    "fund", "benchmark", "sector",
    "weight", "benchmark_weight", "holdings", "benchmark_holdings", "coverage", "benchmark_coverage",
    "pe", "benchmark_pe", "loss_weight", "benchmark_loss_weight", "loss_count_share", "benchmark_loss_count_share",
    "entering_weight", "benchmark_entering_weight", "earnings_yield", "benchmark_earnings_yield",
    "mix", "within", "interaction", "total",
    "mix_pe", "within_pe", "interaction_pe", "total_pe",
    "mix_discount", "within_discount", "interaction_discount", "total_discount",
    "pe_at_benchmark_mix", "benchmark_pe_at_fund_mix",
    "weighting", "benchmark_weighting", "negative_policy", "forward_horizon", "as_of_prices", "data_source",
]


@dataclass(frozen=True, repr=False)
class SectorView(Result):
    """Per-sector figures of each fund and the benchmark, and each fund's gap decomposition."""

    funds: list[str]
    benchmark: str
    tables: dict[str, "pd.DataFrame"]
    gaps: dict[str, GapDecomposition]
    method: Method
    provenance: Provenance
    #: Funds left out because the live fetch could not get their holdings (fund -> why).
    missing: dict[str, str] = field(default_factory=dict)

    fields = SECTOR_FIELDS

    def _table(self, plain: bool, width: int):
        from ..render.sectors import sectors_tables

        return sectors_tables(self, plain=plain, width=width)

    def _summary(self) -> str:
        rows = sum(len(gap.by_sector) + 1 for gap in self.gaps.values())  # the sectors and an "All sectors" row per fund
        return f"{' '.join(self.funds)} vs {self.benchmark} by sector: {rows} rows, {prices_text(self.provenance)}"

    def records(self) -> list[dict]:
        """One row per fund and sector (fields SECTOR_FIELDS), then one ``All sectors`` row per
        fund carrying the totals; the rows of ``sectors --format csv/json``."""
        bench = self.tables[self.benchmark]
        out = []
        for fund in self.funds:
            gap = self.gaps[fund]
            table = self.tables[fund]
            for sector, effects in gap.by_sector.iterrows():
                row = {
                    "fund": fund, "benchmark": self.benchmark, "sector": sector,
                    **_side(table, sector, ""), **_side(bench, sector, "benchmark_"),
                    **{e: effects[e] for e in (*EFFECTS, "total")},
                    **{f"{e}_pe": gap.in_pe(effects[e]) for e in (*EFFECTS, "total")},
                    **{f"{e}_discount": gap.in_discount(effects[e]) for e in (*EFFECTS, "total")},
                    **self._facts(fund),
                }
                out.append(row)
            out.append(self._total_row(fund))
        return [{k: record_value(row.get(k)) for k in SECTOR_FIELDS} for row in out]

    def _total_row(self, fund: str) -> dict:
        gap = self.gaps[fund]
        effects = {"mix": gap.mix, "within": gap.within, "interaction": gap.interaction, "total": gap.total}
        return {
            "fund": fund, "benchmark": self.benchmark, "sector": ALL_SECTORS,
            "weight": 1.0, "benchmark_weight": 1.0, "entering_weight": 1.0, "benchmark_entering_weight": 1.0,
            "pe": gap.pe_fund, "benchmark_pe": gap.pe_benchmark,
            **{f"{prefix}{k}": v for prefix, table in (("", self.tables[fund]), ("benchmark_", self.tables[self.benchmark])) for k, v in _overall(table).items()},
            "earnings_yield": gap.fund_yield, "benchmark_earnings_yield": gap.benchmark_yield,
            **effects,
            **{f"{e}_pe": gap.in_pe(v) for e, v in effects.items()},
            **{f"{e}_discount": gap.in_discount(v) for e, v in effects.items()},
            "pe_at_benchmark_mix": gap.counterfactual_pe(gap.within),
            "benchmark_pe_at_fund_mix": gap.counterfactual_pe(gap.mix),
            **self._facts(fund),
        }

    def _facts(self, fund: str) -> dict:
        """How ``fund``'s rows were computed, repeated on each so that any row read alone says it."""
        weighting = self.provenance.weighting
        return {"weighting": weighting[fund], "benchmark_weighting": weighting[self.benchmark], **self.provenance.record_fields(self.method)}


def sectors(
    funds: Sequence[str],
    method: Method = Method(),
    *,
    data: DataMode = "auto",
    snapshot: "Snapshot | None" = None,
    store: "Store | None" = None,
    fetch: Fetch | None = None,
    **choices,
) -> SectorView:
    """Each fund's and the benchmark's figures by sector, and each fund's earnings-yield gap to
    the benchmark split into sector mix, within-sector valuation and interaction
    (metrics.sectors, README "Methodology"). A fund whose holdings the live fetch could not get
    is left out and named in ``missing``; without the benchmark's, MissingHoldingsError."""
    method = method.but(**choices)
    joined, provenance, missing = _joined([*funds, method.benchmark], method, data=data, snapshot=snapshot, store=store, fetch=fetch, optional=funds)
    tables = {j.fund: sector_table(j, negative=method.negative) for j in joined}
    for fund, table in tables.items():
        unknown = table["weight"].get(UNKNOWN_SECTOR, 0.0)
        if unknown > UNKNOWN_SECTOR_NOTE:
            provenance.notes.append(
                f"{fund}: {unknown:.0%} of its weight has no sector in this data (its issuer's file names none, and no other "
                "fund's file in the data names those stocks); its sector figures are incomplete (an iShares fund of the same index names them: IVV for SPY)"
            )
    bench = joined[-1].fund
    fund_names = [j.fund for j in joined[:-1]]
    gaps = {f: decompose(tables[f], tables[bench], fund_name=f, benchmark_name=bench) for f in fund_names}
    return SectorView(fund_names, bench, tables, gaps, method, provenance, missing)


# --- explain -----------------------------------------------------------------------------------

#: Fields of ``Explanation.records()``, the stable CSV/JSON names (README "explain").
EXPLAIN_FIELDS = [
    "fund", "benchmark", "convention", "label", "publishers", "unit",
    "value", "reason", "set_aside_weight", "benchmark_value", "benchmark_reason", "discount",
    "weighting", "benchmark_weighting", "negative_policy", "forward_horizon", "as_of_prices", "data_source",
]


@dataclass(frozen=True, repr=False)
class Explanation(Result):
    """One fund's figures under every convention beside the benchmark's (metrics.conventions)."""

    fund: str
    benchmark: str
    rows: list[dict]
    method: Method
    provenance: Provenance

    fields = EXPLAIN_FIELDS

    def _table(self, plain: bool, width: int):
        from ..render.explain import explain_table

        return explain_table(self, plain=plain, width=width)

    def _summary(self) -> str:
        return f"{self.fund} vs {self.benchmark}: {len(self.rows)} conventions, {prices_text(self.provenance)}"

    def records(self) -> list[dict]:
        """The rows of ``explain --format csv/json`` (fields EXPLAIN_FIELDS)."""
        weighting = self.provenance.weighting
        extra = {
            "fund": self.fund, "benchmark": self.benchmark,
            "weighting": weighting[self.fund], "benchmark_weighting": weighting.get(self.benchmark),
            **self.provenance.record_fields(self.method),
        }
        from ..metrics.conventions import MULTIPLES
        from ..output import tidy_figure

        # value and benchmark_value are a multiple or a share by the row's unit: rounded as such
        return [
            {k: record_value(tidy_figure("pe" if row["unit"] in MULTIPLES else "share", v) if k in ("value", "benchmark_value") else v)
             for k, v in ((k, {**row, **extra}.get(k)) for k in EXPLAIN_FIELDS)}
            for row in self.rows
        ]


def explain(
    fund: str,
    method: Method = Method(),
    *,
    data: DataMode = "auto",
    snapshot: "Snapshot | None" = None,
    store: "Store | None" = None,
    fetch: Fetch | None = None,
    **choices,
) -> Explanation:
    """``fund`` under every common P/E convention, each naming who publishes it that way, beside
    the benchmark's figure and the discount under that convention. ``method.negative`` applies to
    the rows that vary concentration, weighting and horizon; the convention rows fix their own."""
    method = method.but(**choices)
    joined, provenance, _ = _joined([fund, method.benchmark], method, data=data, snapshot=snapshot, store=store, fetch=fetch)
    mine, theirs = joined[0], joined[-1]
    rows = explain_rows(fund_figures(mine, negative=method.negative), fund_figures(theirs, negative=method.negative))
    return Explanation(mine.fund, theirs.fund, rows, method, provenance)


# --- shared ------------------------------------------------------------------------------------


def _joined(names, method: Method, *, data, snapshot, store, fetch, optional: Sequence[str] = ()) -> tuple[list["Joined"], Provenance, dict[str, str]]:
    """Each named fund joined to the chosen data's fundamentals, sectors filled across funds; and
    the funds of ``optional`` left out because the live fetch could not get their holdings (fund ->
    why), as long as one of them remains. Any other fund without holdings: MissingHoldingsError."""
    chosen, loaded = load_funds(list(names), data=data, snapshot=snapshot, store=store, fetch=fetch, fiscal_year_ends=method.forward == "ntm")
    snapshot = chosen.snapshot
    failed = {f.fund: chosen.sources[f.fund][1] for name, f in zip(names, loaded) if f.holdings is None and f.fund in chosen.sources}
    spared = {f.fund for name, f in zip(names, loaded) if name in optional}
    missing = {fund: why for fund, why in failed.items() if fund in spared}
    if spared <= missing.keys():  # nothing of the optional funds would be left to show
        missing = {}
    loaded = [f for f in loaded if f.fund not in missing]
    absent = [f.fund for f in loaded if f.holdings is None]
    if absent:
        reasons = [f"{fund}: {failed[fund]}" for fund in absent if fund in failed]
        why = "; ".join(reasons) if reasons else f"{', '.join(absent)} not in {snapshot.label}: run with live data or pick funds it holds"
        raise MissingHoldingsError(why, absent)
    others = [*snapshot.holdings.values(), *(f.holdings for f in loaded)]
    joined = [join(sectors_from_other_funds(f.holdings, others), chosen.for_fund(f.fund).fundamentals, weighting=method.weighting, forward=method.forward) for f in loaded]
    provenance = chosen.provenance.but(
        as_of_holdings={f.fund: f.holdings.as_of for f in loaded},
        weighting={j.fund: j.weighting for j in joined},
        forward_horizon=joined[0].forward_horizon,
        notes=list(chosen.provenance.notes),
    )
    return joined, provenance, missing


def _overall(table: "pd.DataFrame") -> dict:
    """The whole fund's holdings, coverage and loss-maker shares, from its sector table."""
    covered = table["coverage"] * table["weight"]
    losses = (table["loss_weight"] * covered).sum()
    counted = int(table["covered_holdings"].sum())
    return {
        "holdings": int(table["holdings"].sum()),
        "coverage": float(covered.sum()),
        "loss_weight": float(losses / covered.sum()) if covered.sum() > 0 else None,
        "loss_count_share": int(table["loss_holdings"].sum()) / counted if counted else None,
    }


def _side(table: "pd.DataFrame", sector: str, prefix: str) -> dict:
    """A sector's figures from one fund's sector table, names prefixed (``benchmark_``)."""
    if sector not in table.index:
        return {f"{prefix}weight": 0.0, f"{prefix}holdings": 0}
    row = table.loc[sector]
    return {
        f"{prefix}weight": row["weight"], f"{prefix}holdings": int(row["holdings"]), f"{prefix}coverage": row["coverage"],
        f"{prefix}pe": row["pe"], f"{prefix}loss_weight": row["loss_weight"], f"{prefix}loss_count_share": row["loss_count_share"],
        f"{prefix}entering_weight": row["entering_weight"], f"{prefix}earnings_yield": row["earnings_yield"],
    }


__all__ = ["Criteria", "EXPLAIN_FIELDS", "Explanation", "SECTOR_FIELDS", "ScreenResult", "SectorView", "explain", "screen", "sectors"]
