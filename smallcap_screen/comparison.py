"""Compare funds against a benchmark: the Python API behind ``smallcap-screen compare``.

>>> from smallcap_screen import compare
>>> result = compare(["IWM", "IJR", "SPY"], data="offline")
>>> result.records()[0]["pe_trailing"]          # doctest: +SKIP

``data`` chooses where prices and holdings come from: ``"live"`` (issuer downloads and Yahoo, an
error when the network is unreachable), ``"offline"`` (newest snapshot in the local store, else the
bundled reference snapshot) or ``"auto"`` (live, falling back to offline with a note).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Literal, Sequence

from .errors import DataError, NetworkError, UnknownFundError
from .metrics import COVERAGE_THRESHOLD, Forward, FundValuation, NegativePolicy, Weighting, fund_valuation, versus_benchmark
from .metrics.frame import horizon_label
from .model import Holdings
from .registry import Fund, get_fund, registry
from .snapshot import Snapshot, bundled_snapshot
from .store import Store

if TYPE_CHECKING:
    import pandas as pd

DataMode = Literal["auto", "live", "offline"]

#: Field order of ``Comparison.records()`` — the stable CSV/JSON names scripts depend on.
RECORD_FIELDS = [
    "fund", "name", "index", "status", "status_reason",
    "holdings", "coverage", "coverage_forward", "low_coverage", "low_coverage_forward", "coverage_threshold",
    "pe_trailing", "pe_trailing_reason", "pe_forward", "pe_forward_reason",
    "benchmark", "discount_trailing", "discount_forward", "relative_pe_trailing", "relative_pe_forward",
    "loss_weight", "loss_count_share", "median_pe", "weighted_median_pe",
    "earnings_growth", "earnings_growth_basis", "price_to_book", "top10_weight",
    "set_aside_weight", "flagged_holdings", "flagged_weight", "reported_pe_trailing", "reported_pe_forward",
    "negative_policy", "forward_horizon", "forward_losses", "weighting",
    "as_of_holdings", "as_of_prices", "data_source",
]


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

    @property
    def status(self) -> str:
        return "ok" if self.valuation else "missing"


@dataclass(frozen=True)
class Comparison:
    rows: list[FundRow]
    benchmark: str
    negative_policy: str
    data_source: str
    forward_horizon: str
    as_of_prices: dt.date | None
    notes: list[str] = field(default_factory=list)

    def records(self) -> list[dict]:
        """One flat dict per fund with the fields of RECORD_FIELDS; dates as ISO text."""
        out = []
        for row in self.rows:
            values = row.valuation.to_dict() if row.valuation else {}
            values.update(
                fund=row.fund, name=row.name, index=row.index, status=row.status, status_reason=row.status_reason,
                negative_policy=self.negative_policy, forward_horizon=self.forward_horizon,
                as_of_prices=self.as_of_prices, data_source=self.data_source,
                reported_pe_trailing=row.reported.get("trailing_pe"), reported_pe_forward=row.reported.get("forward_pe"),
            )
            if row.valuation:
                values["benchmark"] = row.valuation.benchmark
            record = {name: _plain(values.get(name)) for name in RECORD_FIELDS}
            out.append(record)
        return out


def compare(
    funds: Sequence[str],
    *,
    benchmark: str = "SPY",
    negative: NegativePolicy = "exclude",
    weighting: Weighting = "price-date",
    forward: Forward = "fy2",
    coverage_threshold: float = COVERAGE_THRESHOLD,
    data: DataMode = "auto",
    snapshot: Snapshot | None = None,
    store: Store | None = None,
    fetch: Callable[[list[Fund], list[Holdings]], Snapshot] | None = None,
) -> Comparison:
    """Value ``funds`` (registry tickers or holdings-file paths) against ``benchmark`` (either too).

    A fund named twice is shown once. ``snapshot`` pins the data (no fetching, no store); otherwise
    ``data`` decides, see the module docstring. ``fetch`` replaces the live fetch (used by the CLI
    to attach progress reporting). ``weighting`` ("price-date": shares x price on the price date
    where the issuer gives share counts; "holdings-date": the issuer's weights), ``forward``
    ("fy2" or "fy1") and ``coverage_threshold`` (below it a P/E is marked low-coverage) are
    explained in README.
    """
    options = dict(negative=negative, weighting=weighting, forward=forward, coverage_threshold=coverage_threshold)
    files, registered = _resolve([*funds, benchmark])
    notes: list[str] = []
    if snapshot is None:
        snapshot = _choose_snapshot(_unique(registered), list(files.values()), data, store, fetch, notes)

    bench_holdings = files[benchmark] if benchmark in files else snapshot.holdings.get(get_fund(benchmark).ticker)
    bench_name = bench_holdings.fund if bench_holdings else get_fund(benchmark).ticker
    bench_value = fund_valuation(bench_holdings, snapshot.fundamentals, **options) if bench_holdings else None
    if bench_value is None:
        notes.append(f"benchmark {bench_name} is not in this snapshot: no discounts computed")
    rows = []
    for name in _unique_funds(funds, files):
        if name in files:
            holdings = files[name]
            label, index = _file_label(holdings, name)
        else:
            fund = get_fund(name)
            holdings, label, index = snapshot.holdings.get(fund.ticker), fund.name, fund.index
        if holdings is None:
            rows.append(FundRow(fund.ticker, label, index, None, "not in this snapshot"))
            continue
        valuation = fund_valuation(holdings, snapshot.fundamentals, **options)
        if bench_value is not None:
            valuation = versus_benchmark(valuation, bench_value)
        rows.append(FundRow(holdings.fund, label, index, valuation, reported=snapshot.reported.get(holdings.fund, {})))
    return Comparison(rows, bench_name, negative, snapshot.label, horizon_label(forward, snapshot.fundamentals), snapshot.fundamentals.as_of, notes)


def _unique_funds(funds: list[str], files: dict[str, Holdings]) -> list[str]:
    """The names once per fund: ``iwm`` and ``IWM`` (or an index alias of it) are one fund."""
    seen: dict[str, str] = {}
    for name in funds:
        seen.setdefault(name if name in files else get_fund(name).ticker, name)
    return list(seen.values())


@dataclass(frozen=True)
class Breakdown:
    """One fund holding by holding: the table behind its P/E (see metrics.holding_breakdown)."""

    fund: str
    table: "pd.DataFrame"
    valuation: FundValuation
    data_source: str
    notes: list[str] = field(default_factory=list)


def breakdown(
    fund: str,
    *,
    negative: NegativePolicy = "exclude",
    weighting: Weighting = "price-date",
    forward: Forward = "fy2",
    data: DataMode = "auto",
    snapshot: Snapshot | None = None,
    store: Store | None = None,
    fetch: Callable[[list[Fund], list[Holdings]], Snapshot] | None = None,
) -> Breakdown:
    """Every holding of ``fund`` (a registry ticker or a holdings-file path) with its price, EPS,
    P/E and whether it entered the fund P/E; data and options as for :func:`compare`."""
    from .metrics import holding_breakdown

    files, registered = _resolve([fund])
    notes: list[str] = []
    if snapshot is None:
        snapshot = _choose_snapshot(registered, list(files.values()), data, store, fetch, notes)
    holdings = files[fund] if fund in files else snapshot.holdings.get(registered[0].ticker)
    if holdings is None:
        raise DataError(f"{registered[0].ticker} is not in {snapshot.label}: run with live data or pick a fund it holds")
    table = holding_breakdown(holdings, snapshot.fundamentals, negative=negative, weighting=weighting, forward=forward)
    valuation = fund_valuation(holdings, snapshot.fundamentals, negative=negative, weighting=weighting, forward=forward)
    return Breakdown(holdings.fund, table, valuation, snapshot.label, notes)


def history(
    funds: Sequence[str],
    *,
    benchmark: str = "SPY",
    negative: NegativePolicy = "exclude",
    weighting: Weighting = "price-date",
    forward: Forward = "fy2",
    store: Store | None = None,
) -> list[dict]:
    """The comparison recomputed on every snapshot in the store, oldest first: a time series.

    One record per fund and snapshot, with the fields of :data:`RECORD_FIELDS` plus ``snapshot``
    (the snapshot's name); funds a snapshot lacks are left out. Damaged snapshots are skipped.
    """
    store = store or Store.open()
    out = []
    for name in store.names():
        try:
            snapshot = store.load(name)
        except DataError:
            continue
        result = compare(funds, benchmark=benchmark, negative=negative, weighting=weighting, forward=forward, snapshot=snapshot)
        out.extend({"snapshot": name, **record} for record in result.records() if record["status"] == "ok")
    return out


@dataclass(frozen=True)
class FundData:
    """A fund as the user named it: ticker (or file name), name, index, and its holdings in the
    chosen data (None when that data lacks the fund)."""

    fund: str
    name: str
    index: str
    holdings: Holdings | None


def load_funds(
    names: Sequence[str],
    *,
    data: DataMode = "auto",
    snapshot: Snapshot | None = None,
    store: Store | None = None,
    fetch: Callable[[list[Fund], list[Holdings]], Snapshot] | None = None,
    notes: list[str] | None = None,
) -> tuple[Snapshot, list[FundData]]:
    """The data for ``names`` (registry tickers or holdings-file paths), chosen as for
    :func:`compare`; what the choice was is appended to ``notes``."""
    files, registered = _resolve(names)
    if snapshot is None:
        snapshot = _choose_snapshot(_unique(registered), list(files.values()), data, store, fetch, notes if notes is not None else [])
    out = []
    for name in names:
        if name in files:
            out.append(FundData(files[name].fund, *_file_label(files[name], name), files[name]))
        else:
            fund = get_fund(name)
            out.append(FundData(fund.ticker, fund.name, fund.index, snapshot.holdings.get(fund.ticker)))
    return snapshot, out


def offline_snapshot(store: Store | None = None) -> Snapshot:
    """The newest snapshot in the local store, else the bundled reference snapshot."""
    latest = (store or Store.open()).latest()
    return latest if latest is not None else bundled_snapshot()


def _choose_snapshot(funds: list[Fund], files: list[Holdings], data: DataMode, store: Store | None, fetch, notes: list[str]) -> Snapshot:
    if data not in ("auto", "live", "offline"):
        raise ValueError(f"data must be 'auto', 'live' or 'offline', not {data!r}")
    fallback = ""
    if data != "offline":
        if fetch is None:
            from .live import fetch_snapshot as fetch
        try:
            snapshot = fetch(funds, files)
        except NetworkError as exc:
            if data == "live":
                raise
            fallback = f"no live data ({exc}); "
        else:
            (store or Store.open()).save(snapshot)
            return snapshot
    snapshot = offline_snapshot(store)
    prices = snapshot.fundamentals.as_of.isoformat() if snapshot.fundamentals.as_of else "unknown date"
    notes.append(f"{fallback}using {snapshot.label} (prices as of {prices})")
    return snapshot


def _plain(value):
    """A record value as JSON and CSV take it: dates as ISO text, NaN (never a figure) as None."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    return value


def _resolve(funds: Sequence[str]) -> tuple[dict[str, Holdings], list[Fund]]:
    """Split names into parsed holdings files and registry funds (UnknownFundError for neither)."""
    files = {f: _read_file(f) for f in dict.fromkeys(funds) if _is_file(f)}
    return files, [get_fund(f) for f in funds if f not in files]


def _is_file(name: str) -> bool:
    return not registry().knows(name) and (Path(name).suffix != "" or Path(name).exists())


def _file_label(holdings: Holdings, path: str) -> tuple[str, str]:
    """Name and index of a holdings file's row: those of the fund its header names (an issuer's
    IWM file is IWM), else the file name and "own holdings file"."""
    fund = registry().funds.get(holdings.fund)
    if fund is None:
        return Path(path).name, "own holdings file"
    return f"{fund.name} ({Path(path).name})", fund.index


def _read_file(name: str) -> Holdings:
    from .sources.holdings_file import read_holdings_file

    return read_holdings_file(name)


def _unique(funds: list[Fund]) -> list[Fund]:
    return list(dict.fromkeys(funds))


__all__ = ["Breakdown", "Comparison", "FundData", "FundRow", "RECORD_FIELDS", "load_funds", "UnknownFundError", "breakdown", "compare", "history", "offline_snapshot"]
