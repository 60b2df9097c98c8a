"""Choosing the data a command computes on, and falling back when live data cannot be had.

``data`` chooses where prices and holdings come from: ``"live"`` (issuer downloads, else SEC
N-PORT, and Yahoo; an
error when the network is unreachable), ``"offline"`` (per fund, the benchmark too, the newest
snapshot in the ``store`` passed that holds it, else the bundled reference snapshot; each fund is
valued on its own snapshot's prices, and its row names it) or ``"auto"`` (live, falling back to
offline with a warning). Only a
``store`` passed in is read or written: without one, nothing touches the disk but the bundled data.
A fund whose download fails takes its newest stored holdings, else the bundled ones, priced live.
A fund outside the fund table (any US fund ticker) has its holdings from SEC N-PORT, so live only
unless a stored snapshot holds it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Literal, Sequence

import pandas as pd

from ..errors import NetworkError
from ..method import Provenance
from ..model import Fundamentals, Holdings
from ..registry import Fund, get_fund, registry
from ..snapshot import Snapshot
from ..store import Store
from ..store.folder import bundled_snapshot
from ..vocabulary import DATA_MODES

DataMode = Literal["auto", "live", "offline"]
#: Replaces the live fetch: (registry funds, holdings files) -> a snapshot of today's data.
Fetch = Callable[[list[Fund], list[Holdings]], Snapshot]

#: Where a fund's holdings came from (``holdings_source``): the issuer's file downloaded today (or
#: from the download cache), the fund's newest SEC N-PORT report (fetched now, or cached), the newest
#: stored snapshot, the bundled reference snapshot, the user's own file, or a snapshot given to a
#: Python call (``snapshot=``) that is neither stored nor bundled. Figures kept in the store say how
#: their snapshot came in (its ``origin``): live (nport for an N-PORT fund), import, backfill, migrated.
HOLDINGS_SOURCES = ("live", "nport", "store", "bundled", "file", "given", "import", "backfill", "migrated")
#: The holdings sources of a live fetch (what a store keeps of a live run).
FETCHED_SOURCES = ("live", "nport")


@dataclass(frozen=True)
class ChosenData:
    """The snapshot a command computes from, for each fund where its holdings came from, and the
    provenance of the whole (what was chosen, and any fallback or damaged snapshot passed over)."""

    snapshot: Snapshot
    sources: dict[str, tuple[str, str]]  # fund -> (holdings_source, status_reason)
    provenance: Provenance
    #: Fetched live just now (its live funds may be kept in a store); False for stored or bundled data.
    live: bool = False
    #: Funds whose holdings and prices come from another snapshot than ``snapshot`` (offline: each
    #: fund's newest stored snapshot holding it, else the bundled one).
    by_fund: dict[str, Snapshot] = field(default_factory=dict)

    def for_fund(self, fund: str) -> Snapshot:
        """The snapshot ``fund`` (a registry ticker) is valued on: its holdings and prices."""
        return self.by_fund.get(fund, self.snapshot)

    @classmethod
    def of(cls, snapshot: Snapshot, sources: dict | None = None, *, notes=(), warnings=(), damaged=(), live: bool = False) -> "ChosenData":
        provenance = Provenance(snapshot.label, snapshot.fundamentals.as_of, notes=list(notes), warnings=list(warnings), damaged=list(damaged))
        return cls(snapshot, sources or {}, provenance, live)

    @classmethod
    def pinned(cls, snapshot: Snapshot, origin: str | None = None) -> "ChosenData":
        """Data the caller chose (a ``snapshot`` argument): nothing to say about it. ``origin``
        (live, import, backfill, migrated: how a snapshot being kept came in) is its funds'
        ``holdings_source``; without it they say store, bundled or given (see HOLDINGS_SOURCES)."""
        return cls.of(snapshot, held_as(snapshot, origin) if origin else None)


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
    fetch: Fetch | None = None,
    fiscal_year_ends: bool = False,
) -> tuple[ChosenData, list[FundData]]:
    """The data for ``names`` (registry tickers or holdings-file paths), chosen as the module
    docstring says (a failed download falls back fund by fund, with a FallbackWarning), and each
    named fund in it. Nothing is written to ``store``. ``fiscal_year_ends``: see :func:`choose_data`."""
    files, registered = resolve(names)
    chosen = ChosenData.pinned(snapshot) if snapshot is not None else choose_data(unique(registered), files, data, store, fetch, fiscal_year_ends=fiscal_year_ends)
    out = []
    for name in names:
        if name in files:
            out.append(FundData(files[name].fund, *file_label(files[name], name), files[name]))
        else:
            fund = get_fund(name, nport=True)
            holdings = chosen.for_fund(fund.ticker).holdings.get(fund.ticker)
            out.append(FundData(fund.ticker, fund_label(fund, holdings), fund.index, holdings))
    return chosen, out


def offline_snapshot(store: Store | None = None, *, skipped: list[str] | None = None) -> Snapshot:
    """The newest intact snapshot in ``store``, else the bundled reference snapshot."""
    latest = store.latest(skipped=skipped) if store is not None else None
    return latest if latest is not None else bundled_snapshot()


def choose_data(
    funds: list[Fund], files: dict[str, Holdings], data: DataMode, store: Store | None, fetch: Fetch | None, *, fiscal_year_ends: bool = False
) -> ChosenData:
    """The data for registry ``funds`` (and the stocks of holdings ``files``) as ``data`` asks;
    a fallback or a damaged snapshot passed over is also raised as a FallbackWarning (the command
    line ignores those and prints the provenance itself). ``fiscal_year_ends``: a live fetch also
    asks for each stock's fiscal-year end (``fetch(..., fiscal_year_ends=True)``; next-twelve-months
    figures need it, and it costs a request per stock)."""
    if fiscal_year_ends and fetch is not None:
        fetch = functools.partial(fetch, fiscal_year_ends=True)
    chosen = _choose(funds, files, data, store, fetch, fiscal_year_ends)
    chosen.provenance.warn()
    return chosen


def _choose(funds: list[Fund], files: dict[str, Holdings], data: DataMode, store: Store | None, fetch: Fetch | None, fiscal_year_ends: bool) -> ChosenData:
    if data not in DATA_MODES:
        raise ValueError(f"data must be one of {', '.join(DATA_MODES)}, not {data!r}")
    if data != "offline":
        if fetch is None:
            from ..live import fetch_snapshot

            fetch = functools.partial(fetch_snapshot, fiscal_year_ends=fiscal_year_ends)
        try:
            fetched = fetch(funds, list(files.values()))
        except NetworkError as exc:
            if data == "live" and unreachable(exc):
                raise
            # Every issuer answering a bot wall, or Yahoo refusing: local data, and `--live` is partial.
            return _offline(funds, store, because=str(exc))
        failed = [f for f in funds if f.ticker not in fetched.holdings]
        if not failed:
            return ChosenData.of(fetched, held_as(fetched, "live"), live=True)
        return _with_fallback_holdings(fetched, failed, store, fetch)
    chosen = _offline(funds, store)
    needs_network = [f.ticker for f in funds if f.from_nport and f.ticker not in chosen.for_fund(f.ticker).holdings]
    if needs_network:  # neither in the table nor in the local data: the table's error says N-PORT needs the network
        registry().get(needs_network[0])
    return chosen


def held_as(snapshot: Snapshot, origin: str) -> dict[str, tuple[str, str]]:
    """Per fund of ``snapshot`` its ``holdings_source``: ``origin``, or "nport" for a fund whose
    holdings came from N-PORT."""
    from ..sources.sec.nport import from_nport

    return {fund: ("nport" if from_nport(holdings) else origin, "") for fund, holdings in snapshot.holdings.items()}


def _offline(funds: list[Fund], store: Store | None, because: str | None = None) -> ChosenData:
    """The newest stored snapshot, else the bundled one, and for each of ``funds`` it lacks its
    own newest (see :func:`newest_per_fund`); ``because`` says why live data, asked for, is not
    used. Falling back from live data is a warning of one line at 80 columns (shown even with
    --quiet) naming --offline, which skips the attempt; why, and the snapshot's label, are a
    note. Choosing offline is a note, as is each fund taken from another snapshot."""
    skipped: list[str] = []  # damaged snapshots passed over: never silently
    snapshot = offline_snapshot(store, skipped=skipped)
    # the bundled snapshot is read once: when it is the one chosen, no fund it lacks is found in it again
    bundled = snapshot if snapshot.store_id is None else None
    by_fund, sources = newest_per_fund([f.ticker for f in funds if f.ticker not in snapshot.holdings], store, skipped=skipped, bundled=bundled)
    others = [f"{fund}: {reason}" for fund, (_, reason) in sources.items()]
    prices = snapshot.fundamentals.as_of.isoformat() if snapshot.fundamentals.as_of else "unknown date"
    used = f"using {snapshot.label} (prices as of {prices})"
    if because is None:
        chosen = ChosenData.of(snapshot, sources, notes=[used, *others], damaged=skipped)
    else:
        which = snapshot.label if snapshot.store_id is None else f"stored snapshot {snapshot.store_id}"
        warning = f"no live data: {which} of {prices}; --offline skips trying"
        chosen = ChosenData.of(snapshot, sources, warnings=[warning], notes=[f"no live data ({because}); {used}", *others], damaged=skipped)
    return dataclasses.replace(chosen, by_fund=by_fund)


def newest_per_fund(
    funds: Sequence[str], store: Store | None, *, skipped: list[str] | None = None, bundled: Snapshot | None = None
) -> tuple[dict[str, Snapshot], dict[str, tuple[str, str]]]:
    """Per fund the newest snapshot in ``store`` holding it, else the bundled snapshot if it does
    (``bundled``, when the caller has read it already); and per fund where from
    (``holdings_source``, a reason naming the snapshot and its date, or why there is none)."""
    found = store.newest_of(funds, skipped=skipped) if store is not None and funds else {}
    sources = {fund: ("store", f"holdings and prices of {_day(s.data_date or s.fundamentals.as_of)} from stored snapshot {s.store_id}") for fund, s in found.items()}
    rest = [f for f in funds if f not in found]
    if rest:
        bundled = bundled or bundled_snapshot()
        for fund in rest:
            if fund in bundled.holdings:
                found[fund] = bundled
                sources[fund] = ("bundled", f"holdings and prices of {_day(bundled.fundamentals.as_of)} from the bundled snapshot")
            else:
                kept = "no snapshot in the store holds it yet" if store is not None else "no store was given"
                sources[fund] = ("", f"no offline data: no holdings file of {fund} ships with the package and {kept}; the first live run fills it")
    return found, sources


def _with_fallback_holdings(fetched: Snapshot, failed: list[Fund], store: Store | None, fetch: Fetch) -> ChosenData:
    """The live snapshot plus, for each fund whose download failed, its newest stored holdings (else
    the bundled ones), with live prices for the stocks they add."""
    holdings = dict(fetched.holdings)
    sources = held_as(fetched, "live")
    warnings: list[str] = []
    skipped: list[str] = []
    bundled = None
    for fund in failed:
        failure = fetched.failed.get(fund.ticker, "no holdings")
        # An N-PORT fund's failure is about the fund itself (no such fund, no report yet): said whole.
        why = f"no N-PORT holdings ({failure})" if fund.from_nport else f"live download failed ({short_reason(failure)})"
        found = store.latest_holdings(fund.ticker, skipped=skipped) if store is not None else None
        if found is not None:
            chosen, info = found
            where = ("store", f"{why}; holdings of {_day(chosen.as_of)} from stored snapshot {info.id}")
        else:
            bundled = bundled or bundled_snapshot()
            chosen = None if fund.from_nport else bundled.holdings.get(fund.ticker)
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
    return ChosenData.of(snapshot, sources, warnings=warnings, damaged=skipped, live=True)


def unreachable(error: Exception) -> bool:
    """The network (or the proxy) cannot be reached at all, as opposed to a site refusing."""
    from ..sources.pacing import Unreachable

    return isinstance(error, Unreachable)


def short_reason(message: str) -> str:
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


def resolve(funds: Sequence[str]) -> tuple[dict[str, Holdings], list[Fund]]:
    """Split names into parsed holdings files and registry funds (UnknownFundError for neither)."""
    files = {f: _read_file(f) for f in dict.fromkeys(funds) if _is_file(f)}
    return files, [get_fund(f, nport=True) for f in funds if f not in files]


def _is_file(name: str) -> bool:
    return not registry().knows(name) and (Path(name).suffix != "" or Path(name).exists())


def fund_label(fund: Fund, holdings: Holdings | None) -> str:
    """A fund's name: the table's, or for a fund outside it the series name its N-PORT report gives."""
    if fund.from_nport and holdings is not None and holdings.fund_name:
        return holdings.fund_name
    return fund.name


def file_label(holdings: Holdings, path: str) -> tuple[str, str]:
    """Name and index of a holdings file's row: those of the fund its header names (an issuer's
    IWM file is IWM), else the file name and "own holdings file"."""
    fund = registry().funds.get(holdings.fund)
    if fund is None:
        return Path(path).name, "own holdings file"
    return f"{fund.name} ({Path(path).name})", fund.index


def _read_file(name: str) -> Holdings:
    from ..sources.holdings_file import read_holdings_file

    return read_holdings_file(name)


def unique(funds: list[Fund]) -> list[Fund]:
    """Each fund once, in the order first named."""
    return list(dict.fromkeys(funds))
