"""``report``: every result of the other commands gathered into one self-contained HTML file.

>>> from smallcap_screen import Method, report
>>> result = report(["IWM", "IJR", "SPY"], Method(), data="offline")   # doctest: +SKIP
>>> result.html()[:15]                                                   # doctest: +SKIP
'<!doctype html>'

The data is chosen once (as for ``compare``) and every section is computed on it: the headline
(``compare``), the method ladder (``explain``), the sector decomposition (``sectors``), the largest
holdings and contributors (``holdings``), and, where a ``store`` is given, the stored history
(``history``). The report reads the store and never writes to it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

from ..method import Method, Provenance
from .result import Result, prices_text

if TYPE_CHECKING:
    from ..store import SnapshotInfo, Store
    from .compare import Comparison
    from .data import DataMode, Fetch
    from .history import History, Trend
    from .holdings import Breakdown
    from .screen import Explanation, SectorView

#: "A year ago" is the stored figure nearest to this many days before the latest, within YEAR_SLACK.
YEAR = dt.timedelta(days=365)
YEAR_SLACK = dt.timedelta(days=45)


@dataclass(frozen=True)
class Standing:
    """One fund's figures now against its stored history: the change since the previous stored
    snapshot and since a year ago, and where the latest stored discount stands among all stored
    ones (percentile, extremes and their dates, as ``history`` gives them)."""

    fund: str
    pe_now: float | None
    pe_previous: float | None
    pe_year_ago: float | None
    discount_now: float | None
    discount_previous: float | None
    discount_year_ago: float | None
    percentile: float | None
    minimum: float | None
    minimum_date: str | None
    maximum: float | None
    maximum_date: str | None
    first: str | None
    last: str | None
    observations: int


@dataclass(frozen=True, repr=False)
class Report(Result):
    """The sections of a report, each one of the API's own results; its records and table are
    the headline's (``compare``'s), its ``html()`` the whole report."""

    title: str
    command: str
    generated: dt.datetime
    version: str
    comparison: "Comparison"
    explanations: list["Explanation"]
    sectors: "SectorView | None"
    breakdowns: list["Breakdown"]
    history: "History | None"
    standings: list[Standing]
    snapshots: list["SnapshotInfo"] = field(default_factory=list)

    @property
    def method(self) -> Method:
        return self.comparison.method

    @property
    def provenance(self) -> Provenance:
        return self.comparison.provenance

    @property
    def fields(self) -> list[str]:
        """The fields of :meth:`records` (those of ``compare``)."""
        from ..vocabulary import RECORD_FIELDS

        return list(RECORD_FIELDS)

    def records(self) -> list[dict]:
        """The headline: the records of ``compare`` for the same funds and method."""
        return self.comparison.records()

    def _table(self, plain: bool, width: int):
        return self.comparison._table(plain, width)

    def sector_totals(self) -> list[dict]:
        """The ``All sectors`` row of each fund in ``sectors``: its gap to the benchmark split by cause."""
        from .screen import ALL_SECTORS

        return [r for r in self.sectors.records() if r["sector"] == ALL_SECTORS] if self.sectors else []

    def methodology(self) -> list[tuple[str, str]]:
        """The method and where the data came from, term by term, for the report's last section."""
        from ..render.compare import POLICY_TEXT

        method, provenance = self.method, self.provenance
        holdings = ", ".join(f"{fund} {day or 'undated'}" for fund, day in provenance.as_of_holdings.items())
        weighting = ", ".join(f"{fund} {how}" for fund, how in provenance.weighting.items())
        corporate = sorted({action for r in self.records() for action in (r.get("corporate_actions") or "").split("; ") if action})
        return [
            ("Data", f"{provenance.data_source}; prices and earnings as of {_iso(provenance.as_of_prices) or 'an unknown date'}."),
            ("Holdings", f"as of: {holdings or '-'}."),
            ("Negative earnings", POLICY_TEXT[method.negative] + "."),
            ("Weighting", f"{method.weighting} asked; per fund: {weighting or '-'} (price-date = shares held x price on the price date)."),
            ("Forward horizon", f"{method.forward} ({self.comparison.provenance.forward_horizon or '-'})."),
            ("Coverage", f"a P/E is marked low coverage below {method.coverage_threshold:.0%} of the fund's weight with price and earnings."),
            ("Corporate actions", "; ".join(corporate) + "." if corporate else "none found between the holdings and price dates."),
            ("Averaging", "fund P/E = weighted harmonic mean of holding P/Es (1 / sum of weight x E/P); see the README, Methodology."),
            *((f"Note {i}", note) for i, note in enumerate(provenance.notes, 1)),
        ]

    def html(self) -> str:
        """The report as one HTML document: inline CSS and SVG, no script, nothing fetched when opened."""
        from ..render.report import report_html

        return report_html(self)

    def _summary(self) -> str:
        funds = " ".join(row.fund for row in self.comparison.rows)
        return f"{self.title!r}: {funds} vs {self.comparison.benchmark}, {len(self.standings)} with history, {prices_text(self.provenance)}"


def report(
    funds: Sequence[str],
    method: Method = Method(),
    *,
    data: "DataMode" = "auto",
    store: "Store | None" = None,
    since: dt.date | None = None,
    title: str | None = None,
    command: str = "",
    fetch: "Fetch | None" = None,
    **choices,
) -> Report:
    """The report of ``funds`` against ``method.benchmark``: data chosen once as for ``compare``
    (``data``, ``store``, ``fetch``), history read from ``store`` since ``since`` where it has
    any. ``command`` is the command line to print in the reproducibility footer."""
    from .. import __version__
    from .compare import comparison_on
    from .data import choose_data, resolve, unique
    from .holdings import breakdown
    from .screen import explain, sectors

    method = method.but(**choices)
    files, registered = resolve([*funds, method.benchmark])
    chosen = choose_data(unique(registered), files, data, store, fetch)
    comparison = comparison_on(chosen, funds, files, method)
    valued = [row.fund for row in comparison.rows if row.valuation is not None]
    names = {row.fund: name for row, name in zip(comparison.rows, _names(funds, files, comparison))}
    pinned = dict(snapshot=chosen.snapshot)
    benchmark = comparison.benchmark
    others = [f for f in valued if f != benchmark]
    explanations = [explain(names[f], method, **pinned) for f in others]
    sector_view = sectors([names[f] for f in others], method, **pinned) if others and benchmark in valued else None
    breakdowns = [breakdown(names[f], method, **pinned) for f in valued]
    trail, snapshots = _stored(store, valued, method, since, chosen.snapshot.store_id)
    return Report(
        title=title or f"Small-cap valuation: {', '.join(r['fund'] for r in comparison.records())}",
        command=command,
        generated=dt.datetime.now(dt.timezone.utc).replace(microsecond=0),
        version=__version__,
        comparison=comparison,
        explanations=explanations,
        sectors=sector_view,
        breakdowns=breakdowns,
        history=trail,
        standings=standings(trail, comparison.records()) if trail is not None else [],
        snapshots=snapshots,
    )


def _names(funds: Sequence[str], files: dict, comparison: "Comparison") -> list[str]:
    """How each row's fund was named (a ticker or a holdings file's path), in the rows' order."""
    from ..registry import get_fund

    by_fund = {}
    for name in funds:
        key = files[name].fund if name in files else get_fund(name).ticker
        by_fund.setdefault(key, name)
    return [by_fund.get(row.fund, row.fund) for row in comparison.rows]


def _stored(store: "Store | None", funds: list[str], method: Method, since: dt.date | None, used: int | None):
    """The stored history of ``funds`` (None without a store or stored figures) and the stored
    snapshots the report rests on (the one its figures come from, and those of its history)."""
    if store is None:
        return None, []
    from .history import history

    registered = [f for f in funds if _registered(f)]
    trail = history(registered, method, store=store, since=since) if registered else None
    ids = {r["snapshot"] for r in trail.records()} if trail is not None else set()
    if used is not None:
        ids.add(used)
    infos = {info.id: info for info in store.snapshots(counts=False)}
    return (trail if trail is not None and trail.records() else None), [infos[i] for i in sorted(ids) if i in infos]


def _registered(fund: str) -> bool:
    from ..registry import registry

    return registry().knows(fund)


def standings(trail: "History", records: list[dict]) -> list[Standing]:
    """Each fund's figures now (``records``) against its stored history ``trail``."""
    now = {r["fund"]: r for r in records}
    pe_trends = {t.fund: t for t in trail.trends("pe")}
    out = []
    for trend in trail.trends("discount"):
        if trend.fund == trail.benchmark or trend.fund not in now:
            continue
        record = now[trend.fund]
        pe_trend = pe_trends.get(trend.fund)
        out.append(
            Standing(
                fund=trend.fund,
                pe_now=record.get("pe_trailing"),
                pe_previous=_previous(pe_trend, record),
                pe_year_ago=_year_ago(pe_trend),
                discount_now=record.get("discount_trailing"),
                discount_previous=_previous(trend, record),
                discount_year_ago=_year_ago(trend),
                percentile=trend.percentile,
                minimum=trend.minimum,
                minimum_date=_iso(trend.minimum_on),
                maximum=trend.maximum,
                maximum_date=_iso(trend.maximum_on),
                first=_iso(trend.dates[0]) if trend.dates else None,
                last=_iso(trend.dates[-1]) if trend.dates else None,
                observations=sum(v is not None for v in trend.values),
            )
        )
    return out


def _points(trend: "Trend | None") -> list[tuple[dt.date, float]]:
    if trend is None:
        return []
    return [(day, value) for day, value in zip(trend.dates, trend.values) if value is not None]


def _previous(trend: "Trend | None", record: dict) -> float | None:
    """The stored figure before the one shown now: the newest stored one dated before the data
    shown, else (when the data shown is the newest stored snapshot) the one before it."""
    points = _points(trend)
    shown = record.get("as_of_prices")
    earlier = [value for day, value in points if shown and day.isoformat() < shown]
    if earlier:
        return earlier[-1]
    return points[-2][1] if len(points) > 1 else None


def _year_ago(trend: "Trend | None") -> float | None:
    points = _points(trend)
    if not points:
        return None
    target = points[-1][0] - YEAR
    day, value = min(points, key=lambda p: abs(p[0] - target))
    return value if abs(day - target) <= YEAR_SLACK else None


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


__all__ = ["Report", "Standing", "report", "standings"]
