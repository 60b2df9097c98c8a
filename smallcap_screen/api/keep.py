"""What writes to the store: ``snapshot`` (today's live data and its figures) and ``import``
(a snapshot priced by a fundamentals export the user already has).

For anyone whose prices come from elsewhere than Yahoo: the export (a finviz screener export or a
plain CSV of ``ticker, price, eps_trailing, ...``, see :mod:`..sources.fundamentals_file`) supplies price and
earnings per stock, holdings come from the files given, else from the newest local snapshot (or
the bundled one), and the result is kept in the store like any live snapshot.

A partial universe (the S&P 500 alone, say) must not re-price funds it barely covers: a fund whose
equity weight the export prices less than :data:`MIN_COVERAGE` of is left out of the new snapshot,
with a note, and keeps the prices of the snapshots before it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from ..errors import DataError, NetworkError, OutputError, UsageError
from ..method import Method, Provenance
from ..model import Holdings
from ..registry import get_fund
from ..snapshot import Snapshot, snapshot_of
from ..output import record_value
from ..store import Saved, Store
from ..vocabulary import RECORD_FIELDS
from .compare import Comparison, comparison_on, results_of
from .data import ChosenData, Fetch, short_reason, unique, unreachable
from .result import Result, prices_text

#: Share of a fund's equity weight an import must price (price and trailing EPS) to re-price it.
MIN_COVERAGE = 0.9


@dataclass(frozen=True, repr=False)
class SnapshotRun(Result):
    """What :func:`take_snapshot` did: what was kept (its figures: ``records()``, those of
    ``compare`` on the snapshot kept), and what keeps it from being complete. ``provenance``
    says where the data came from; its ``warnings`` are what `snapshot` prints as ``warning:``
    lines besides the failed funds (nothing kept and why, a store left uncompacted)."""

    saved: Saved | None
    comparison: Comparison | None
    #: fund -> why its holdings could not be downloaded.
    failed: dict[str, str]
    #: fund -> trailing coverage, for funds under the coverage threshold.
    low_coverage: dict[str, float]
    provenance: Provenance = field(default_factory=Provenance)
    #: What bringing the store up to date did first (:meth:`Store.migrate`), said once.
    migrated: list[str] = field(default_factory=list)

    fields = RECORD_FIELDS

    @property
    def complete(self) -> bool:
        """Every fund live with coverage at or above the threshold (exit 0)."""
        return self.saved is not None and not self.failed and not self.low_coverage

    def records(self) -> list[dict]:
        return self.comparison.records() if self.comparison is not None else []

    def _table(self, plain: bool, width: int):
        if self.comparison is None:
            from rich.text import Text

            return Text("\n".join(self.provenance.warnings))
        return self.comparison._table(plain, width)

    def _summary(self) -> str:
        if self.saved is None:
            return "nothing kept"
        return f"snapshot {self.saved.snapshot_id} {self.saved.status}: {' '.join(r.fund for r in self.comparison.rows)}, {prices_text(self.provenance)}"


def take_snapshot(
    funds: Sequence[str],
    method: Method = Method(),
    *,
    store: Store,
    fetch: Fetch | None = None,
    **choices,
) -> SnapshotRun:
    """Fetch ``funds`` (and ``method.benchmark``) live, compute their figures under every policy
    (weighting and horizon: history.STORED_OPTIONS), and keep both in ``store`` in one transaction;
    a fund under ``method.coverage_threshold`` makes the run incomplete. ``choices`` (fields of
    Method) are shorthand for ``method.but(**choices)``. Then the store is compacted if weeks of
    appending have left it loose (:meth:`Store.tidy`). First the store is brought up to date
    (:meth:`Store.migrate`: its schema, and the snapshot folders of versions before the store), so
    that a cron job needs no step after an upgrade; what that did is in ``migrated``. Never keeps fallback data: a fund whose download
    failed is named in ``failed`` and left out. An unreachable network raises NetworkError and
    keeps nothing; a run where nothing could be had otherwise (every issuer refusing, Yahoo
    refusing) keeps nothing and says why in ``provenance.warnings``."""
    method = method.but(**choices)
    registered = [get_fund(f, nport=True) for f in funds]
    bench = get_fund(method.benchmark, nport=True)
    migrated = store.migrate()
    if fetch is None:
        from ..live import fetch_snapshot as fetch
    try:
        fetched = fetch(unique([*registered, bench]), [])
    except NetworkError as exc:
        if unreachable(exc):
            raise
        return SnapshotRun(None, None, {}, {}, Provenance(warnings=[f"nothing kept: {exc}"]), migrated)
    failed = {f.ticker: short_reason(fetched.failed.get(f.ticker, "no holdings")) for f in unique([*registered, bench]) if f.ticker not in fetched.holdings}
    keep = snapshot_of(dict(fetched.holdings), fetched.fundamentals, fetched.label, created=fetched.created, reported=fetched.reported)
    results = results_of(keep, bench.ticker, "live")
    saved = store.save(keep, origin="live", results=results)
    warnings = []
    try:
        store.tidy()
    except OutputError as exc:  # the snapshot is kept; only the compaction waits for the next run
        warnings.append(f"the store was not compacted: {exc}")
    asked = [f.ticker for f in unique([*registered, bench]) if f.ticker in keep.holdings]  # as asked, not as downloaded
    summary = Method(benchmark=bench.ticker, coverage_threshold=method.coverage_threshold)
    comparison = comparison_on(ChosenData.pinned(keep, "live"), asked, {}, summary)
    low = {r.fund: r.valuation.coverage for r in comparison.rows if r.valuation and r.valuation.coverage < method.coverage_threshold}
    return SnapshotRun(saved, comparison, failed, low, comparison.provenance.but(warnings=warnings), migrated)


@dataclass(frozen=True)
class Imported:
    """What an import made: the snapshot to keep, and where its data came from (``provenance``:
    the export, its prices' date, each fund's holdings date, and notes on funds left out or
    barely priced)."""

    snapshot: Snapshot
    coverage: dict[str, float]  # fund → share of its equity weight the export prices
    left_out: list[str]
    provenance: Provenance


#: Fields of :meth:`ImportRun.records`: one row per fund of the export's snapshot or left out of it.
IMPORT_FIELDS = ["fund", "holdings", "priced", "kept", "snapshot", "as_of_holdings", "as_of_prices", "data_source"]


@dataclass(frozen=True, repr=False)
class ImportRun(Result):
    """What :func:`import_export` did: the snapshot made from the export, and how the store kept it."""

    imported: Imported
    saved: Saved

    fields = IMPORT_FIELDS

    @property
    def provenance(self) -> Provenance:
        return self.imported.provenance

    def records(self) -> list[dict]:
        """Per fund: its equity holdings, the share of their weight the export prices (``priced``),
        whether it is in the snapshot kept (``kept``, the snapshot's id in ``snapshot``)."""
        provenance, held = self.provenance, self.imported.snapshot.holdings
        return [
            {
                "fund": fund, "holdings": len(held[fund].equities) if fund in held else None, "priced": priced,
                "kept": fund in held, "snapshot": self.saved.snapshot_id if fund in held else None,
                "as_of_holdings": record_value(provenance.as_of_holdings.get(fund)),
                "as_of_prices": record_value(provenance.as_of_prices), "data_source": provenance.data_source,
            }
            for fund, priced in self.imported.coverage.items()
        ]

    def _table(self, plain: bool, width: int):
        from ..render.snapshots import import_table

        return import_table(self, plain=plain, width=width)

    @property
    def outcome(self) -> str:
        """What the store did: ``kept snapshot 4``, or ``unchanged: identical to snapshot 3``."""
        saved = self.saved
        return f"kept snapshot {saved.snapshot_id}" if saved.status == "added" else f"unchanged: identical to snapshot {saved.snapshot_id}"

    def _summary(self) -> str:
        return f"{self.outcome}: {' '.join(self.imported.snapshot.holdings)}, {prices_text(self.provenance)}"


def import_export(
    export: Path, *, store: Store, holdings_files: Sequence[Path] = (), as_of: dt.date | None = None, benchmark: str = "SPY"
) -> ImportRun:
    """Keep in ``store`` a snapshot priced by ``export``, of the funds of ``holdings_files``
    added to each fund's newest holdings in ``store`` (else the bundled ones), with its figures
    against ``benchmark`` under every policy, in one transaction as `snapshot` keeps them; see
    :func:`snapshot_from_export` for what is refused."""
    imported = snapshot_from_export(export, holdings_files=holdings_files, base=_newest_holdings(store), as_of=as_of)
    results = results_of(imported.snapshot, get_fund(benchmark).ticker, "import")
    return ImportRun(imported, store.save(imported.snapshot, origin="import", results=results))


def _newest_holdings(store: Store) -> dict[str, Holdings]:
    """Every fund the store or the bundled snapshot holds, each with its newest holdings."""
    from ..store.folder import bundled_snapshot

    stored = sorted({f for info in store.snapshots(counts=False) for f in info.fund_names})
    newest = {fund: s.holdings[fund] for fund, s in store.newest_of(stored).items()}
    return {**bundled_snapshot().holdings, **newest}


def migrate(store: Store, *, benchmark: str = "SPY") -> list[str]:
    """Bring ``store`` up to date (:meth:`Store.migrate`: schema, old snapshot folders), then
    keep the figures against ``benchmark`` under every policy of each snapshot that lacks some
    (imports and moved folders of earlier versions kept none), so that `history` reads them
    instead of computing them on every call. Returns notes for the user."""
    from ..metrics import NEGATIVE_POLICIES

    notes = store.migrate()
    bench = get_fund(benchmark).ticker
    stored = [{entry.info.id: set(entry.records) for entry in store.results(policy, bench)} for policy in NEGATIVE_POLICIES]
    lacking = [info for info in store.snapshots(counts=False) if any(not set(info.fund_names) <= kept.get(info.id, set()) for kept in stored)]
    damaged = []
    for info in lacking:
        try:
            snapshot = store.load(info.id)
        except DataError as exc:
            damaged.append(str(exc))
            continue
        store.put_results(info.id, results_of(snapshot, bench, info.origin))
    if len(lacking) > len(damaged):
        notes.append(f"stored the figures vs {bench} of {len(lacking) - len(damaged)} snapshot(s) that had none")
    return [*notes, *damaged]


def snapshot_from_export(
    export: Path,
    *,
    holdings_files: Sequence[Path] = (),
    base: dict[str, Holdings],
    as_of: dt.date | None = None,
    min_coverage: float = MIN_COVERAGE,
) -> Imported:
    """A snapshot of the ``base`` holdings (replaced or extended by ``holdings_files``) priced by
    the export. It keeps the prices of the stocks these funds hold, not the whole export (a
    whole-market export is some 10,000 rows, ETFs included: 400 KB a week in the store).

    ``as_of`` is the prices' date; without it the date the export states is used, and an export
    that states none is refused with UsageError (a file's modification time is not the prices'
    date). Raises DataError for a cut-off or unusable export, and when it covers no fund well enough.
    """
    from ..metrics import fund_valuation
    from ..sources.fundamentals_file import parse_fundamentals_bytes, stated_date
    from ..sources.holdings_file import read_holdings_file
    from ..sources.input_bounds import read_regular_file

    export = Path(export)
    content = read_regular_file(export, "fundamentals export")
    as_of = as_of or stated_date(content, export.name)
    fundamentals = parse_fundamentals_bytes(content, as_of=as_of, source=f"export {export.name}")
    if as_of is None:
        raise UsageError(f"{export.name} does not say which day its prices are from: pass it as --as-of YYYY-MM-DD")
    holdings = dict(base)
    given = set()
    for path in holdings_files:
        parsed = read_holdings_file(path)
        holdings[parsed.fund] = parsed
        given.add(parsed.fund)
    coverage = {fund: fund_valuation(h, fundamentals, negative="include").coverage for fund, h in holdings.items()}
    left_out = [f for f, c in coverage.items() if c < min_coverage and f not in given]
    notes = []
    if left_out:
        shares = ", ".join(f"{f} {coverage[f]:.0%}" for f in left_out)
        notes.append(
            f"left out {', '.join(left_out)}: {export.name} prices too little of them ({shares}, under {min_coverage:.0%}); "
            "they keep the prices of earlier snapshots"
        )
    kept = {f: h for f, h in holdings.items() if f not in left_out}
    if not kept:
        raise DataError(
            f"{export.name} prices none of the funds well enough (best: {max(coverage.values(), default=0):.0%} of a fund); "
            "pass --holdings files of funds it covers"
        )
    low = [f for f in given if coverage[f] < min_coverage]
    if low:
        notes.append(f"{', '.join(low)} kept as asked, though {export.name} prices only " + ", ".join(f"{coverage[f]:.0%}" for f in low))
    snapshot = snapshot_of(kept, fundamentals, f"import of {export.name}")
    provenance = Provenance(snapshot.label, as_of, as_of_holdings={f: h.as_of for f, h in kept.items()}, notes=notes)
    return Imported(snapshot, coverage, left_out, provenance)


__all__ = ["IMPORT_FIELDS", "ImportRun", "Imported", "MIN_COVERAGE", "SnapshotRun", "import_export", "migrate", "snapshot_from_export", "take_snapshot"]
