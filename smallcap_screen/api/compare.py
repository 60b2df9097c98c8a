"""``compare``: funds valued side by side against a benchmark.

>>> from smallcap_screen import Method, compare
>>> result = compare(["IWM", "IJR", "SPY"], Method(negative="include"), data="offline")
>>> result.records()[0]["pe_trailing"]          # doctest: +SKIP

Data is chosen as :mod:`.data` says (``data``, ``snapshot``, ``store``, ``fetch``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Sequence

from ..errors import UnknownFundError
from ..method import Method, Provenance
from ..metrics import NEGATIVE_POLICIES, FundValuation, fund_valuation, versus_benchmark
from ..metrics.frame import horizon_label
from ..model import Holdings
from ..output import record_value
from ..reference import LABEL as REFERENCE_LABEL
from ..registry import get_fund, registry
from ..sources.sec.nport import from_nport
from ..snapshot import Snapshot, snapshot_of
from ..store import Store
from ..vocabulary import RECORD_FIELDS
from .data import FETCHED_SOURCES, ChosenData, DataMode, Fetch, choose_data, file_label, fund_label, resolve, unique
from .result import Result, prices_text


@dataclass(frozen=True)
class FundRow:
    """One fund of a comparison: its valuation, or why there is none (``status`` "missing")."""

    fund: str
    name: str
    index: str
    valuation: FundValuation | None
    status_reason: str = ""
    #: The fund's own figures as Yahoo reports them (live data only), shown as a cross-check.
    reported: dict = field(default_factory=dict)
    holdings_source: str = ""
    #: The data this row was computed on, and its prices' date, where not the comparison's own
    #: (offline, a fund whose newest stored snapshot is older than the newest one).
    data_source: str = ""
    as_of_prices: dt.date | None = None
    #: What the holdings themselves are, wherever this run had them from (vocabulary.HOLDINGS_ORIGINS):
    #: an SEC N-PORT report stays "nport" once stored, offline or as a fallback.
    holdings_origin: str = ""

    @property
    def status(self) -> str:
        return "ok" if self.valuation else "missing"


@dataclass(frozen=True, repr=False)
class Comparison(Result):
    """Funds against a benchmark: one row per fund, the method and where the data came from.
    ``benchmark`` is the benchmark's name as the data has it (a holdings file's fund)."""

    rows: list[FundRow]
    benchmark: str
    method: Method
    provenance: Provenance

    fields = RECORD_FIELDS

    def _table(self, plain: bool, width: int):
        from ..render.compare import comparison_table

        return comparison_table(self, plain=plain, width=width)

    def _summary(self) -> str:
        return f"{' '.join(row.fund for row in self.rows)} vs {self.benchmark}: {len(self.rows)} rows, {prices_text(self.provenance)}"

    @property
    def partial(self) -> bool:
        """Some fund's holdings are not live (or missing), or its coverage is under the threshold:
        with live data asked for, the run is partial (exit 7)."""
        return any(row.holdings_source not in (*FETCHED_SOURCES, "file") for row in self.rows) or bool(self.shortfalls)

    @property
    def shortfalls(self) -> list[str]:
        """One line per fund whose trailing coverage is under the threshold, naming the share of
        its weight without figures (30 % of the quotes missing must not pass for a live result)."""
        return [
            f"{row.fund}: coverage {v.coverage:.0%} is under the threshold of {v.coverage_threshold:.0%} "
            f"({1 - v.coverage:.0%} of its weight has no quote or no trailing earnings)"
            for row in self.rows
            if (v := row.valuation) is not None and v.low_coverage
        ]

    def records(self) -> list[dict]:
        """One flat dict per fund with the fields of RECORD_FIELDS; dates as ISO text."""
        out = []
        for row in self.rows:
            values = row.valuation.to_dict() if row.valuation else {}
            values.update(
                fund=row.fund, name=row.name, index=row.index, status=row.status, status_reason=row.status_reason,
                holdings_source=row.holdings_source, holdings_origin=row.holdings_origin,
                **self.provenance.record_fields(self.method),
                reported_pe_trailing=row.reported.get("trailing_pe"), reported_pe_forward=row.reported.get("forward_pe"),
            )
            if row.data_source:  # valued on its own snapshot (offline): that one's name and date
                values.update(data_source=row.data_source, as_of_prices=row.as_of_prices)
            if row.valuation:
                values["benchmark"] = row.valuation.benchmark
            record = {name: record_value(values.get(name)) for name in RECORD_FIELDS}
            out.append(record)
        return out


def compare(
    funds: Sequence[str],
    method: Method = Method(),
    *,
    data: DataMode = "auto",
    snapshot: Snapshot | None = None,
    store: Store | None = None,
    fetch: Fetch | None = None,
    **choices,
) -> Comparison:
    """Value ``funds`` (registry tickers or holdings-file paths) against ``method.benchmark``
    (either too), computed as ``method`` says; ``choices`` (fields of Method: ``benchmark=``,
    ``negative=``, ...) are shorthand for ``method.but(**choices)``.

    A fund named twice is shown once. ``snapshot`` pins the data (no fetching, no store); otherwise
    ``data`` decides, see :mod:`.data`. ``store`` is read for offline data and fallbacks
    and receives what was fetched live (with the figures); without one nothing is read or written
    but the bundled snapshot. ``fetch`` replaces the live fetch (used by the CLI to attach
    progress reporting).

    A fund whose download fails (HTTP error, web page, timeout) takes its newest stored holdings,
    else the bundled ones, priced live; its row says so (``holdings_source``, ``status_reason``).
    """
    method = method.but(**choices)
    benchmark = method.benchmark
    files, registered = resolve([*funds, benchmark])
    if snapshot is not None:
        chosen = ChosenData.pinned(snapshot)
    else:
        chosen = choose_data(unique(registered), files, data, store, fetch, fiscal_year_ends=method.forward == "ntm")
    result = comparison_on(chosen, funds, files, method)
    if store is not None and chosen.live:
        live = {f: h for f, h in chosen.snapshot.holdings.items() if chosen.sources.get(f, ("live",))[0] in FETCHED_SOURCES}
        if live:
            keep = snapshot_of(live, chosen.snapshot.fundamentals, chosen.snapshot.label, created=chosen.snapshot.created, reported=chosen.snapshot.reported)
            store.save(keep, origin="live", results=results_of(keep, benchmark, "live") if benchmark not in files else ())
    return result


def comparison_on(chosen: ChosenData, funds: Sequence[str], files: dict[str, Holdings], method: Method) -> Comparison:
    """The comparison on the data chosen (``files``: the holdings files among ``funds`` and the benchmark)."""
    snapshot = chosen.snapshot
    benchmark, options = method.benchmark, method.valuation_options()
    notes = list(chosen.provenance.notes)
    bench_name = files[benchmark].fund if benchmark in files else get_fund(benchmark, nport=True).ticker
    bench_data = snapshot if benchmark in files else chosen.for_fund(bench_name)
    bench_holdings = files[benchmark] if benchmark in files else bench_data.holdings.get(bench_name)
    bench_value = fund_valuation(bench_holdings, bench_data.fundamentals, **options) if bench_holdings else None
    # A fund without share counts (IJR's derived list) is valued at holdings-date weights: its
    # discount takes the benchmark at those weights too where the benchmark has them.
    bench_at = {bench_value.weighting: bench_value} if bench_value is not None else {}
    if bench_value is None:
        notes.append(f"benchmark {bench_name} is not in this snapshot: no discounts computed")
    default_source = ("store", "") if snapshot.store_id is not None else ("bundled", "") if snapshot.label == REFERENCE_LABEL else ("given", "")
    rows = []
    for name in _unique_funds(funds, files):
        own = snapshot
        if name in files:
            holdings, source = files[name], ("file", "")
            label, index = file_label(holdings, name)
        else:
            fund = get_fund(name, nport=True)
            own = chosen.for_fund(fund.ticker)
            holdings, index = own.holdings.get(fund.ticker), fund.index
            label = fund_label(fund, holdings)
            source = chosen.sources.get(fund.ticker, default_source)
        if holdings is None:
            rows.append(FundRow(fund.ticker, label, index, None, source[1] or "not in this snapshot", holdings_source=source[0] if source[1] else ""))
            continue
        if holdings is bench_holdings and own.fundamentals is bench_data.fundamentals:
            valuation = bench_value  # the benchmark among the funds: valued once
        else:
            valuation = fund_valuation(holdings, own.fundamentals, **options)
        if bench_value is not None:
            if valuation.weighting not in bench_at:
                bench_at[valuation.weighting] = fund_valuation(bench_holdings, bench_data.fundamentals, **{**options, "weighting": valuation.weighting})
            valuation = versus_benchmark(valuation, bench_at[valuation.weighting])
        own_data = (own.label, own.fundamentals.as_of) if own is not snapshot else ("", None)
        origin = "file" if name in files else "nport" if from_nport(holdings) else "issuer"
        rows.append(FundRow(holdings.fund, label, index, valuation, source[1], own.reported.get(holdings.fund, {}), source[0], *own_data, holdings_origin=origin))
    valued = [row.valuation for row in rows if row.valuation]
    unknown = [f"{v.fund} {v.fiscal_year_unknown}" for v in valued if v.fiscal_year_unknown]
    if unknown:
        notes.append(f"left out of NTM, fiscal-year end unknown (holdings): {', '.join(unknown)}")
    provenance = chosen.provenance.but(
        as_of_holdings={v.fund: v.as_of_holdings for v in valued}, weighting={v.fund: v.weighting for v in valued},
        forward_horizon=horizon_label(method.forward, snapshot.fundamentals), notes=notes,
    )
    return Comparison(rows, bench_name, method, provenance)


def _unique_funds(funds: Sequence[str], files: dict[str, Holdings]) -> list[str]:
    """The names once per fund: ``iwm`` and ``IWM`` (or an index alias of it) are one fund."""
    seen: dict[str, str] = {}
    for name in funds:
        seen.setdefault(name if name in files else get_fund(name, nport=True).ticker, name)
    return list(seen.values())


def figures_on(snapshot: Snapshot, funds: Sequence[str], method: Method, origin: str) -> list[dict]:
    """The records of ``funds`` (funds the snapshot holds: registry tickers, N-PORT funds, or the
    name of a portfolio imported from the user's own holdings file) on ``snapshot`` alone: no
    fetch, no fallback. ``origin`` is how the snapshot came into the store (live, import,
    backfill, migrated): its records' ``holdings_source``."""
    own = {f: snapshot.holdings[f] for f in funds if not registry().knows(f) and not from_nport(snapshot.holdings[f])}
    return comparison_on(ChosenData.pinned(snapshot, origin), funds, own, method).records()


def results_of(snapshot: Snapshot, benchmark: str, origin: str) -> list[dict]:
    """The records of every fund of ``snapshot`` under each negative-earnings policy against
    ``benchmark`` (weighting and horizon: history.STORED_OPTIONS): what the store keeps beside a
    snapshot (come in as ``origin``: live, import, backfill) so that history need not recompute."""
    funds = list(snapshot.holdings)
    return [record for policy in NEGATIVE_POLICIES for record in figures_on(snapshot, funds, Method(negative=policy, benchmark=benchmark), origin)]


__all__ = ["Comparison", "FundRow", "RECORD_FIELDS", "UnknownFundError", "compare", "comparison_on", "figures_on", "results_of"]
