"""``holdings``: one fund holding by holding, the table behind its P/E."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import DataError
from ..method import Method, Provenance
from ..metrics import FundValuation, fund_valuation
from ..output import record_value
from .data import ChosenData, DataMode, Fetch, choose_data, resolve
from .result import Result, prices_text

if TYPE_CHECKING:
    import pandas as pd

    from ..snapshot import Snapshot
    from ..store import Store


@dataclass(frozen=True, repr=False)
class Breakdown(Result):
    """One fund holding by holding: the table behind its P/E (see metrics.holding_breakdown)."""

    fund: str
    table: "pd.DataFrame"
    valuation: FundValuation
    method: Method
    provenance: Provenance

    @property
    def fields(self) -> list[str]:
        """Stable CSV/JSON field names: README "holdings" lists them."""
        from ..metrics.valuation import BREAKDOWN_COLUMNS

        return BREAKDOWN_COLUMNS

    def records(self) -> list[dict]:
        """One flat dict per holding, heaviest first (the rows of ``holdings --format json``)."""
        return [{k: record_value(v) for k, v in row.items()} for row in self.table[self.fields].to_dict("records")]

    def _table(self, plain: bool, width: int):
        from ..render.holdings import TABLE_ROWS, breakdown_table

        return breakdown_table(self, top=TABLE_ROWS, plain=plain, width=width)

    def _summary(self) -> str:
        from ..render import pe

        return f"{self.fund}: {len(self.table):,} holdings, P/E {pe(self.valuation.pe_trailing)} trailing, {prices_text(self.provenance)}"


def breakdown(
    fund: str,
    method: Method = Method(),
    *,
    data: DataMode = "auto",
    snapshot: "Snapshot | None" = None,
    store: "Store | None" = None,
    fetch: Fetch | None = None,
    **choices,
) -> Breakdown:
    """Every holding of ``fund`` (a registry ticker or a holdings-file path) with its price, EPS,
    P/E and whether it entered the fund P/E; method, data and ``choices`` as for
    :func:`.compare.compare` (no benchmark; nothing is written to ``store``)."""
    from ..metrics import holding_breakdown

    method = method.but(**choices)
    files, registered = resolve([fund])
    chosen = ChosenData.pinned(snapshot) if snapshot is not None else choose_data(registered, files, data, store, fetch)
    snapshot = chosen.snapshot if fund in files else chosen.for_fund(registered[0].ticker)
    holdings = files[fund] if fund in files else snapshot.holdings.get(registered[0].ticker)
    if holdings is None:
        raise DataError(f"{registered[0].ticker} is not in {snapshot.label}: run with live data or pick a fund it holds")
    options = dict(negative=method.negative, weighting=method.weighting, forward=method.forward)
    table = holding_breakdown(holdings, snapshot.fundamentals, **options)
    valuation = fund_valuation(holdings, snapshot.fundamentals, **options, coverage_threshold=method.coverage_threshold)
    provenance = chosen.provenance.but(
        as_of_holdings={valuation.fund: valuation.as_of_holdings}, weighting={valuation.fund: valuation.weighting}, forward_horizon=valuation.forward_horizon
    )
    return Breakdown(holdings.fund, table, valuation, method, provenance)


__all__ = ["Breakdown", "breakdown"]
