"""``holdings``: one fund holding by holding, the table behind its P/E."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import DataError
from ..metrics import Forward, FundValuation, NegativePolicy, Weighting, fund_valuation
from .data import ChosenData, DataMode, Fetch, choose_data, resolve

if TYPE_CHECKING:
    import pandas as pd

    from ..snapshot import Snapshot
    from ..store import Store


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
    snapshot: "Snapshot | None" = None,
    store: "Store | None" = None,
    fetch: Fetch | None = None,
) -> Breakdown:
    """Every holding of ``fund`` (a registry ticker or a holdings-file path) with its price, EPS,
    P/E and whether it entered the fund P/E; data and options as for :func:`.compare.compare`
    (nothing is written to ``store``)."""
    from ..metrics import holding_breakdown

    files, registered = resolve([fund])
    chosen = ChosenData.pinned(snapshot) if snapshot is not None else choose_data(registered, files, data, store, fetch)
    snapshot = chosen.snapshot
    holdings = files[fund] if fund in files else snapshot.holdings.get(registered[0].ticker)
    if holdings is None:
        raise DataError(f"{registered[0].ticker} is not in {snapshot.label}: run with live data or pick a fund it holds")
    table = holding_breakdown(holdings, snapshot.fundamentals, negative=negative, weighting=weighting, forward=forward)
    valuation = fund_valuation(holdings, snapshot.fundamentals, negative=negative, weighting=weighting, forward=forward)
    return Breakdown(holdings.fund, table, valuation, snapshot.label, list(chosen.notes), list(chosen.warnings))


__all__ = ["Breakdown", "breakdown"]
