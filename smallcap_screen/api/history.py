"""``history``: each fund's stored figures over time; ``holdings_history``: the stored inputs behind them.

>>> from smallcap_screen import history
>>> result = history(["IWM", "SPY"], since=datetime.date(2024, 1, 1))   # doctest: +SKIP
>>> [(t.fund, t.latest, t.percentile) for t in result.trends("discount")]  # doctest: +SKIP

Figures are read as `snapshot` stored them, verified by their checksums. Only a policy, benchmark,
weighting or horizon the store does not keep is computed from the stored inputs, and only then is
pandas loaded: reading five years of weekly figures takes a fraction of a second.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from ..errors import DataError
from ..method import Method, Provenance
from ..registry import get_fund, registry
from ..store import Store
from ..vocabulary import HISTORY_METRICS, RECORD_FIELDS
from .result import Result

if TYPE_CHECKING:
    import pandas as pd

#: The weighting and forward horizon of the figures the store keeps (the defaults of compare).
STORED_OPTIONS = ("price-date", "fy2")
#: Fields of :meth:`History.records` (``history --format csv/json``, ``export``): the snapshot's
#: data date, id and origin, then the fields of ``compare``.
HISTORY_FIELDS = ["data_date", "snapshot", "origin", *RECORD_FIELDS]


@dataclass(frozen=True, repr=False)
class History(Result):
    """The fund-level figures of every stored snapshot, ordered by data date.

    ``rows`` have the fields of RECORD_FIELDS plus ``snapshot`` (its id), ``data_date`` and
    ``origin`` (live, import or backfill: how the snapshot came into the store);
    ``provenance.damaged`` names snapshots that failed their checksum and were left out (exit 3 in
    the CLI); ``recomputed`` counts snapshots whose figures were not stored under this method.
    """

    rows: list[dict]
    funds: list[str]
    benchmark: str
    method: Method
    provenance: Provenance
    recomputed: int = 0

    fields = HISTORY_FIELDS

    def records(self) -> list[dict]:
        """One record per fund and data date, oldest first (fields HISTORY_FIELDS; a field a
        snapshot stored by an older version lacks is None)."""
        return [{name: row.get(name) for name in HISTORY_FIELDS} for row in self.rows]

    def _table(self, plain: bool, width: int):
        from ..render.history import trends_table

        return trends_table(self, "pe", plain=plain, width=width)

    def _summary(self) -> str:
        dates = sorted({row["data_date"] for row in self.rows})
        span = f"{dates[0]}..{dates[-1]}" if dates else "no stored figures"
        return f"{' '.join(self.funds)} vs {self.benchmark}: {len(self.rows)} rows, {span} ({self.provenance.data_source})"

    def trends(self, metric: str = "pe") -> list["Trend"]:
        """Per fund (in the order asked) the series of one metric (see vocabulary.HISTORY_METRICS)
        with its latest value, range and the latest value's percentile in the fund's own history."""
        column = HISTORY_METRICS[metric]
        out = []
        for fund in self.funds:
            points = [(dt.date.fromisoformat(r["data_date"]), r[column]) for r in self.rows if r["fund"] == fund]
            if points:
                out.append(Trend.of(fund, metric, points))
        return out


@dataclass(frozen=True)
class Trend:
    """One fund's series of one metric, oldest first; ``values`` hold None where not meaningful."""

    fund: str
    metric: str
    dates: list[dt.date]
    values: list[float | None]
    latest: float | None
    minimum: float | None
    maximum: float | None
    #: Share (0-1) of the fund's observations below the latest value (ties count half).
    percentile: float | None
    #: The (first) dates of the minimum and the maximum.
    minimum_on: dt.date | None = None
    maximum_on: dt.date | None = None

    @classmethod
    def of(cls, fund: str, metric: str, points: list[tuple[dt.date, float | None]]) -> "Trend":
        dates = [d for d, _ in points]
        values = [v for _, v in points]
        known = [v for v in values if v is not None]
        latest = values[-1]
        percentile = None
        if latest is not None and known:
            below = sum(v < latest for v in known)
            same = sum(v == latest for v in known)
            percentile = (below + 0.5 * same) / len(known)
        low, high = min(known, default=None), max(known, default=None)
        low_on = next((d for d, v in points if v is not None and v == low), None)
        high_on = next((d for d, v in points if v is not None and v == high), None)
        return cls(fund, metric, dates, values, latest, low, high, percentile, low_on, high_on)


def history(
    funds: Sequence[str],
    method: Method = Method(),
    *,
    store: Store | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    **choices,
) -> History:
    """Each fund's figures on every stored snapshot (``store``, default the user's store) between
    ``since`` and ``until`` (data dates, inclusive), read as stored; figures for a policy,
    benchmark, weighting or forward horizon not stored are computed from the snapshot's inputs
    (and not written). The store keeps both policies under the default weighting and horizon.
    ``choices`` as for :func:`.compare.compare`. A damaged snapshot is left out with a FallbackWarning."""
    method = method.but(**choices)
    store = store if store is not None else Store.open()
    bench = get_fund(method.benchmark, nport=True).ticker
    method = method.but(benchmark=bench)
    wanted = [f.upper() for f in funds]
    damaged: list[str] = []
    stored = store.results(method.negative, bench, damaged=damaged)
    # Backfilled snapshots hold the dated fund of the benchmark's index (IVV for SPY): against it.
    from .backfill import dated_fund

    stand_in = dated_fund(bench).ticker if registry().knows(bench) and get_fund(bench).issuer != "ishares" else bench
    by_stand_in = {e.info.id: e.records for e in store.results(method.negative, stand_in, damaged=damaged)} if stand_in != bench else {}
    if (method.weighting, method.forward) != STORED_OPTIONS:
        stored = [dataclasses.replace(entry, records={}) for entry in stored]  # none of them apply
    known = {f for s in stored for f in s.info.fund_names}
    for name in wanted:
        if name not in known and not registry().knows(name):
            get_fund(name)  # raises UnknownFundError naming the known funds
    records, recomputed = [], 0
    for entry in stored:
        info = entry.info
        if (since and info.data_date < since) or (until and info.data_date > until):
            continue
        held = [f for f in wanted if f in info.fund_names]
        if not held:
            continue
        against = stand_in if info.origin == "backfill" and bench not in info.fund_names and stand_in in info.fund_names else bench
        found = entry.records if against == bench else by_stand_in.get(info.id, {}) if (method.weighting, method.forward) == STORED_OPTIONS else {}
        if any(f not in found for f in held):
            from .compare import figures_on  # loads pandas: only when figures must be computed

            try:
                snapshot = store.load(info.id)
            except DataError as exc:
                damaged.append(str(exc))
                continue
            recomputed += 1
            found = {r["fund"]: r for r in figures_on(snapshot, held, method.but(benchmark=against), info.origin)}
        for fund in held:
            record = found.get(fund)
            if record and record.get("status") == "ok":
                records.append({"data_date": info.data_date.isoformat(), "snapshot": info.id, "origin": info.origin, **record})
    notes = [f"figures under {method.negative} vs {bench} were not stored for {recomputed} snapshot(s): computed from their inputs (`smallcap-screen snapshots migrate` stores those of the config's benchmark once)"] if recomputed else []
    provenance = Provenance(f"the store at {store.path}", notes=notes, damaged=damaged)
    provenance.warn()
    return History(records, wanted, bench, method, provenance, recomputed)


#: Columns of :func:`holdings_history` (``export --what holdings``), in order.
HOLDINGS_HISTORY_COLUMNS = [
    "data_date", "snapshot", "fund", "as_of_holdings", "as_of_prices",
    "ticker", "issuer_ticker", "name", "sector", "weight", "market_value", "shares_held",
    "price", "market_cap", "shares_outstanding", "eps_trailing", "eps_forward", "eps_fy1",
    "book_per_share", "sales", "currency", "financial_currency", "flags",
]


@dataclass(frozen=True, repr=False)
class HoldingsHistory(Result):
    """Every stored holding of the funds asked for, with its price and earnings, by data date;
    ``provenance.damaged`` names snapshots left out because they failed their checksum."""

    table: "pd.DataFrame"
    provenance: Provenance

    fields = HOLDINGS_HISTORY_COLUMNS

    def records(self) -> list[dict]:
        """One flat dict per snapshot, fund and holding (the rows of ``export --what holdings``)."""
        from ..output import record_value

        return [{k: record_value(v) for k, v in row.items()} for row in self.table[self.fields].to_dict("records")]

    def _table(self, plain: bool, width: int):
        from ..render.history import holdings_history_table

        return holdings_history_table(self, plain=plain, width=width)

    def _summary(self) -> str:
        dates = sorted(set(self.table["data_date"]))
        span = f"{dates[0]}..{dates[-1]}" if dates else "no stored holdings"
        return f"{' '.join(dict.fromkeys(self.table['fund']))}: {len(self.table):,} rows, {span} ({self.provenance.data_source})"


def holdings_history(
    funds: Sequence[str] | None = None, *, store: Store, since: dt.date | None = None, until: dt.date | None = None
) -> HoldingsHistory:
    """The inputs behind :func:`history`: one row per snapshot, fund and holding (columns
    HOLDINGS_HISTORY_COLUMNS), each snapshot verified as it is read."""
    import pandas as pd

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
    provenance = Provenance(f"the store at {store.path}", damaged=damaged)
    provenance.warn()
    return HoldingsHistory(table, provenance)


__all__ = ["HISTORY_FIELDS", "HOLDINGS_HISTORY_COLUMNS", "History", "HoldingsHistory", "STORED_OPTIONS", "Trend", "history", "holdings_history"]
