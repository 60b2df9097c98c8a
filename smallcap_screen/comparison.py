"""Compare funds against a benchmark: the Python API behind ``smallcap-screen compare``.

>>> from smallcap_screen import compare
>>> result = compare(["IWM", "IJR", "SPY"], data="offline")
>>> result.records()[0]["pe_trailing"]          # doctest: +SKIP

``data`` chooses where prices and holdings come from: ``"live"`` (issuer downloads and Yahoo, an
error when the network is unreachable), ``"offline"`` (newest snapshot in the ``store`` passed, else
the bundled reference snapshot) or ``"auto"`` (live, falling back to offline with a warning). Only a
``store`` passed in is read or written: without one, nothing touches the disk but the bundled data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Literal, Sequence

import pandas as pd

from .errors import DataError, NetworkError, OutputError, UnknownFundError
from .metrics import COVERAGE_THRESHOLD, NEGATIVE_POLICIES, Forward, FundValuation, NegativePolicy, Weighting, fund_valuation, versus_benchmark
from .metrics.frame import horizon_label
from .model import Fundamentals, Holdings
from .output import record_value
from .reference import LABEL as REFERENCE_LABEL
from .registry import Fund, get_fund, registry
from .snapshot import Snapshot, bundled_snapshot, snapshot_of
from .store import Saved, Store
from .vocabulary import RECORD_FIELDS

DataMode = Literal["auto", "live", "offline"]
DATA_MODES = ("auto", "live", "offline")

#: Where a fund's holdings came from (``holdings_source``): downloaded today (or from the download
#: cache), the newest stored snapshot, the bundled reference snapshot, or the user's own file.
HOLDINGS_SOURCES = ("live", "store", "bundled", "file")


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
    #: What a user must hear even with --quiet: the data is not (all) live.
    warnings: list[str] = field(default_factory=list)

    @property
    def partial(self) -> bool:
        """Live data was asked for and some fund's holdings are not live (or missing)."""
        return any(row.holdings_source not in ("live", "file") for row in self.rows)

    def records(self) -> list[dict]:
        """One flat dict per fund with the fields of RECORD_FIELDS; dates as ISO text."""
        out = []
        for row in self.rows:
            values = row.valuation.to_dict() if row.valuation else {}
            values.update(
                fund=row.fund, name=row.name, index=row.index, status=row.status, status_reason=row.status_reason,
                holdings_source=row.holdings_source,
                negative_policy=self.negative_policy, forward_horizon=self.forward_horizon,
                as_of_prices=self.as_of_prices, data_source=self.data_source,
                reported_pe_trailing=row.reported.get("trailing_pe"), reported_pe_forward=row.reported.get("forward_pe"),
            )
            if row.valuation:
                values["benchmark"] = row.valuation.benchmark
            record = {name: record_value(values.get(name)) for name in RECORD_FIELDS}
            out.append(record)
        return out


@dataclass(frozen=True)
class _Data:
    """The snapshot a comparison computes from, and for each fund where its holdings came from."""

    snapshot: Snapshot
    sources: dict[str, tuple[str, str]]  # fund -> (holdings_source, status_reason)
    notes: list[str]
    warnings: list[str]
    #: Fetched live just now (its live funds may be kept in a store); False for stored or bundled data.
    live: bool = False


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
    ``data`` decides, see the module docstring. ``store`` is read for offline data and fallbacks
    and receives what was fetched live (with the figures); without one nothing is read or written
    but the bundled snapshot. ``fetch`` replaces the live fetch (used by the CLI to attach
    progress reporting). ``weighting`` ("price-date": shares x price on the price date where the
    issuer gives share counts; "holdings-date": the issuer's weights), ``forward`` ("fy2" or
    "fy1") and ``coverage_threshold`` (below it a P/E is marked low-coverage) are explained in README.

    A fund whose download fails (HTTP error, web page, timeout) takes its newest stored holdings,
    else the bundled ones, priced live; its row says so (``holdings_source``, ``status_reason``).
    """
    options = dict(negative=negative, weighting=weighting, forward=forward, coverage_threshold=coverage_threshold)
    files, registered = _resolve([*funds, benchmark])
    if snapshot is not None:
        chosen = _Data(snapshot, {}, [], [])
    else:
        chosen = _choose_data(_unique(registered), files, data, store, fetch)
    result = _compare_on(chosen, funds, files, benchmark, options)
    if store is not None and chosen.live:
        live = {f: h for f, h in chosen.snapshot.holdings.items() if chosen.sources.get(f, ("live",))[0] == "live"}
        if live:
            keep = snapshot_of(live, chosen.snapshot.fundamentals, chosen.snapshot.label, created=chosen.snapshot.created, reported=chosen.snapshot.reported)
            store.save(keep, origin="live", results=results_of(keep, benchmark) if benchmark not in files else ())
    return result


def _compare_on(chosen: _Data, funds: Sequence[str], files: dict[str, Holdings], benchmark: str, options: dict) -> Comparison:
    """The comparison on the data chosen; ``options`` are fund_valuation's (negative, weighting,
    forward, coverage_threshold)."""
    snapshot = chosen.snapshot
    notes = list(chosen.notes)
    bench_holdings = files[benchmark] if benchmark in files else snapshot.holdings.get(get_fund(benchmark).ticker)
    bench_name = bench_holdings.fund if bench_holdings else get_fund(benchmark).ticker
    bench_value = fund_valuation(bench_holdings, snapshot.fundamentals, **options) if bench_holdings else None
    if bench_value is None:
        notes.append(f"benchmark {bench_name} is not in this snapshot: no discounts computed")
    default_source = ("store", "") if snapshot.store_id is not None else ("bundled", "") if snapshot.label == REFERENCE_LABEL else ("live", "")
    rows = []
    for name in _unique_funds(funds, files):
        if name in files:
            holdings, source = files[name], ("file", "")
            label, index = _file_label(holdings, name)
        else:
            fund = get_fund(name)
            holdings, label, index = snapshot.holdings.get(fund.ticker), fund.name, fund.index
            source = chosen.sources.get(fund.ticker, default_source)
        if holdings is None:
            rows.append(FundRow(fund.ticker, label, index, None, source[1] or "not in this snapshot", holdings_source=source[0] if source[1] else ""))
            continue
        valuation = fund_valuation(holdings, snapshot.fundamentals, **options)
        if bench_value is not None:
            valuation = versus_benchmark(valuation, bench_value)
        rows.append(FundRow(holdings.fund, label, index, valuation, source[1], snapshot.reported.get(holdings.fund, {}), source[0]))
    forward_horizon = horizon_label(options.get("forward", "fy2"), snapshot.fundamentals)
    return Comparison(rows, bench_name, options["negative"], snapshot.label, forward_horizon, snapshot.fundamentals.as_of, notes, list(chosen.warnings))


def _unique_funds(funds: Sequence[str], files: dict[str, Holdings]) -> list[str]:
    """The names once per fund: ``iwm`` and ``IWM`` (or an index alias of it) are one fund."""
    seen: dict[str, str] = {}
    for name in funds:
        seen.setdefault(name if name in files else get_fund(name).ticker, name)
    return list(seen.values())



def figures_on(snapshot: Snapshot, funds: Sequence[str], benchmark: str, **options) -> list[dict]:
    """The records of ``funds`` (registry tickers the snapshot holds) against ``benchmark`` on
    ``snapshot`` alone: no fetch, no fallback. ``options`` as for :func:`compare`."""
    return _compare_on(_Data(snapshot, {}, [], []), funds, {}, benchmark, options).records()


def results_of(snapshot: Snapshot, benchmark: str) -> list[dict]:
    """The records of every fund of ``snapshot`` under each negative-earnings policy against
    ``benchmark`` (weighting and horizon: trends.STORED_OPTIONS): what the store keeps beside a
    snapshot so that history need not recompute."""
    funds = [f for f in snapshot.holdings if registry().knows(f)]
    return [record for policy in NEGATIVE_POLICIES for record in figures_on(snapshot, funds, benchmark, negative=policy)]


@dataclass(frozen=True)
class Breakdown:
    """One fund holding by holding: the table behind its P/E (see metrics.holding_breakdown)."""

    fund: str
    table: "pd.DataFrame"
    valuation: FundValuation
    data_source: str
    notes: list[str] = field(default_factory=list)
    #: What a user must hear even with --quiet: the data is not (all) live.
    warnings: list[str] = field(default_factory=list)


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
    P/E and whether it entered the fund P/E; data and options as for :func:`compare` (nothing is
    written to ``store``)."""
    from .metrics import holding_breakdown

    files, registered = _resolve([fund])
    notes: list[str] = []
    warnings: list[str] = []
    if snapshot is None:
        chosen = _choose_data(registered, files, data, store, fetch)
        snapshot, notes, warnings = chosen.snapshot, chosen.notes, chosen.warnings
    holdings = files[fund] if fund in files else snapshot.holdings.get(registered[0].ticker)
    if holdings is None:
        raise DataError(f"{registered[0].ticker} is not in {snapshot.label}: run with live data or pick a fund it holds")
    table = holding_breakdown(holdings, snapshot.fundamentals, negative=negative, weighting=weighting, forward=forward)
    valuation = fund_valuation(holdings, snapshot.fundamentals, negative=negative, weighting=weighting, forward=forward)
    return Breakdown(holdings.fund, table, valuation, snapshot.label, notes, warnings)


#: Columns of :func:`holdings_history` (``export --what holdings``), in order.
HOLDINGS_HISTORY_COLUMNS = [
    "data_date", "snapshot", "fund", "as_of_holdings", "as_of_prices",
    "ticker", "issuer_ticker", "name", "sector", "weight", "market_value", "shares_held",
    "price", "market_cap", "shares_outstanding", "eps_trailing", "eps_forward", "eps_fy1",
    "book_per_share", "sales", "currency", "financial_currency", "flags",
]


@dataclass(frozen=True)
class HoldingsHistory:
    """Every stored holding of the funds asked for, with its price and earnings, by data date;
    ``damaged`` names snapshots left out because they failed their checksum."""

    table: "pd.DataFrame"
    damaged: list[str] = field(default_factory=list)


def holdings_history(
    funds: Sequence[str] | None = None, *, store: Store, since: dt.date | None = None, until: dt.date | None = None
) -> HoldingsHistory:
    """The inputs behind :func:`history`: one row per snapshot, fund and holding (columns
    HOLDINGS_HISTORY_COLUMNS), each snapshot verified as it is read."""
    wanted = {f.upper() for f in funds} if funds else None
    frames, damaged = [], []
    for info in store.snapshots():
        if (since and info.data_date < since) or (until and info.data_date > until):
            continue
        held = [f for f in info.fund_names if wanted is None or f in wanted]
        if not held:
            continue
        try:
            snapshot = store.load(info.id)
        except DataError as exc:
            damaged.append(str(exc))
            continue
        prices = snapshot.fundamentals.table.rename(columns={"shares": "shares_outstanding"})
        prices = prices[~prices.index.duplicated()]
        for fund in held:
            holdings = snapshot.holdings[fund]
            frame = holdings.equities.rename(columns={"shares": "shares_held"}).join(prices, on="ticker")
            frame.insert(0, "data_date", info.data_date.isoformat())
            frame.insert(1, "snapshot", info.id)
            frame.insert(2, "fund", fund)
            frame.insert(3, "as_of_holdings", holdings.as_of.isoformat() if holdings.as_of else None)
            frame.insert(4, "as_of_prices", info.prices_as_of.isoformat() if info.prices_as_of else None)
            frames.append(frame.reindex(columns=HOLDINGS_HISTORY_COLUMNS))
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=HOLDINGS_HISTORY_COLUMNS)
    return HoldingsHistory(table, damaged)


@dataclass(frozen=True)
class SnapshotRun:
    """What :func:`take_snapshot` did: what was kept, and what keeps it from being complete."""

    saved: Saved | None
    comparison: Comparison | None
    #: fund -> why its holdings could not be downloaded.
    failed: dict[str, str]
    #: fund -> trailing coverage, for funds under the coverage threshold.
    low_coverage: dict[str, float]
    notes: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every fund live with coverage at or above the threshold (exit 0)."""
        return self.saved is not None and not self.failed and not self.low_coverage


def take_snapshot(
    funds: Sequence[str],
    *,
    store: Store,
    benchmark: str = "SPY",
    coverage_threshold: float = COVERAGE_THRESHOLD,
    fetch: Callable[[list[Fund], list[Holdings]], Snapshot] | None = None,
) -> SnapshotRun:
    """Fetch ``funds`` (and the benchmark) live, compute their figures under every policy, and
    keep both in ``store`` in one transaction; then compact the store if weeks of appending have
    left it loose (:meth:`Store.tidy`). Never keeps fallback data: a fund whose download
    failed is named in ``failed`` and left out. An unreachable network raises NetworkError and
    keeps nothing; a run where nothing could be had otherwise (every issuer refusing, Yahoo
    refusing) keeps nothing and says why in ``notes``."""
    registered = [get_fund(f) for f in funds]
    bench = get_fund(benchmark)
    if fetch is None:
        from .live import fetch_snapshot as fetch
    try:
        fetched = fetch(_unique([*registered, bench]), [])
    except NetworkError as exc:
        if _unreachable(exc):
            raise
        return SnapshotRun(None, None, {}, {}, [f"nothing kept: {exc}"])
    failed = {f.ticker: _short_reason(fetched.failed.get(f.ticker, "no holdings")) for f in _unique([*registered, bench]) if f.ticker not in fetched.holdings}
    keep = snapshot_of(dict(fetched.holdings), fetched.fundamentals, fetched.label, created=fetched.created, reported=fetched.reported)
    results = results_of(keep, bench.ticker)
    saved = store.save(keep, origin="live", results=results)
    notes = []
    try:
        store.tidy()
    except OutputError as exc:  # the snapshot is kept; only the compaction waits for the next run
        notes.append(f"the store was not compacted: {exc}")
    asked = [f.ticker for f in _unique([*registered, bench]) if f.ticker in keep.holdings]  # as asked, not as downloaded
    comparison = _compare_on(_Data(keep, {}, [], []), asked, {}, bench.ticker, dict(negative="exclude"))
    low = {r.fund: r.valuation.coverage for r in comparison.rows if r.valuation and r.valuation.coverage < coverage_threshold}
    return SnapshotRun(saved, comparison, failed, low, notes)


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
    :func:`compare` (a failed download falls back fund by fund); what the choice was, and any
    fallback, is appended to ``notes``. Nothing is written to ``store``."""
    files, registered = _resolve(names)
    if snapshot is None:
        chosen = _choose_data(_unique(registered), files, data, store, fetch)
        snapshot = chosen.snapshot
        if notes is not None:
            notes.extend([*chosen.warnings, *chosen.notes])
    out = []
    for name in names:
        if name in files:
            out.append(FundData(files[name].fund, *_file_label(files[name], name), files[name]))
        else:
            fund = get_fund(name)
            out.append(FundData(fund.ticker, fund.name, fund.index, snapshot.holdings.get(fund.ticker)))
    return snapshot, out


def offline_snapshot(store: Store | None = None, *, skipped: list[str] | None = None) -> Snapshot:
    """The newest intact snapshot in ``store``, else the bundled reference snapshot."""
    latest = store.latest(skipped=skipped) if store is not None else None
    return latest if latest is not None else bundled_snapshot()


def _choose_data(funds: list[Fund], files: dict[str, Holdings], data: DataMode, store: Store | None, fetch) -> _Data:
    if data not in DATA_MODES:
        raise ValueError(f"data must be one of {', '.join(DATA_MODES)}, not {data!r}")
    if data != "offline":
        if fetch is None:
            from .live import fetch_snapshot as fetch
        try:
            fetched = fetch(funds, list(files.values()))
        except NetworkError as exc:
            if data == "live" and _unreachable(exc):
                raise
            # Every issuer answering a bot wall, or Yahoo refusing: local data, and `--live` is partial.
            return _offline(store, f"no live data ({exc}); ")
        failed = [f for f in funds if f.ticker not in fetched.holdings]
        if not failed:
            return _Data(fetched, {}, [], [], live=True)
        return _with_fallback_holdings(fetched, failed, store, fetch)
    return _offline(store, "")


def _offline(store: Store | None, why: str) -> _Data:
    """The newest stored snapshot, else the bundled one. ``why`` says why live data is not used:
    falling back from live data is a warning (shown even with --quiet); choosing offline is a note."""
    skipped: list[str] = []  # damaged snapshots passed over: never silently
    snapshot = offline_snapshot(store, skipped=skipped)
    prices = snapshot.fundamentals.as_of.isoformat() if snapshot.fundamentals.as_of else "unknown date"
    message = f"{why}using {snapshot.label} (prices as of {prices})"
    if why:
        return _Data(snapshot, {}, [], [*skipped, message])
    return _Data(snapshot, {}, [message], skipped)


def _with_fallback_holdings(fetched: Snapshot, failed: list[Fund], store: Store | None, fetch) -> _Data:
    """The live snapshot plus, for each fund whose download failed, its newest stored holdings (else
    the bundled ones), with live prices for the stocks they add."""
    holdings = dict(fetched.holdings)
    sources: dict[str, tuple[str, str]] = {}
    warnings: list[str] = []
    skipped: list[str] = []
    bundled = None
    for fund in failed:
        why = f"live download failed ({_short_reason(fetched.failed.get(fund.ticker, 'no holdings'))})"
        found = store.latest_holdings(fund.ticker, skipped=skipped) if store is not None else None
        if found is not None:
            chosen, info = found
            where = ("store", f"{why}; holdings of {_day(chosen.as_of)} from stored snapshot {info.id}")
        else:
            bundled = bundled or bundled_snapshot()
            chosen = bundled.holdings.get(fund.ticker)
            where = ("bundled", f"{why}; holdings of {_day(chosen.as_of)} from the bundled snapshot") if chosen is not None else ("", f"{why}; no stored or bundled holdings")
        if chosen is not None:
            holdings[fund.ticker] = chosen
        sources[fund.ticker] = where
        warnings.append(f"{fund.ticker}: {where[1]}")
    extra = [h for f, h in holdings.items() if f not in fetched.holdings]
    fundamentals = fetched.fundamentals
    missing = sorted({t for h in extra for t in h.tickers} - set(fundamentals.table.index))
    if missing:
        priced = fetch([], extra)  # quotes already fetched come from the cache
        table = pd.concat([fundamentals.table, priced.fundamentals.table.loc[priced.fundamentals.table.index.difference(fundamentals.table.index)]])
        fundamentals = Fundamentals(table, fundamentals.as_of, fundamentals.source, fundamentals.forward_horizon)
    snapshot = Snapshot(holdings, fundamentals, fetched.created, fetched.label, fetched.reported, failed=fetched.failed)
    return _Data(snapshot, sources, [], [*skipped, *warnings], live=True)


def _unreachable(error: Exception) -> bool:
    """The network (or the proxy) cannot be reached at all, as opposed to a site refusing."""
    from .sources.pacing import Unreachable

    return isinstance(error, Unreachable)


def _short_reason(message: str) -> str:
    """"HTTP 404", "a web page instead of the file" or the message itself: why a download failed."""
    import re

    status = re.search(r"HTTP (\d{3})", message)
    if status:
        return f"HTTP {status.group(1)}"
    if "web page" in message:
        return "a web page instead of the file"
    return message


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else "an unknown date"


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


__all__ = [
    "Breakdown", "Comparison", "FundData", "FundRow", "RECORD_FIELDS", "SnapshotRun", "UnknownFundError",
    "HOLDINGS_HISTORY_COLUMNS", "HoldingsHistory", "breakdown", "compare", "figures_on", "holdings_history",
    "load_funds", "offline_snapshot", "results_of", "take_snapshot",
]
