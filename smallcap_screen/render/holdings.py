"""The holdings behind a fund P/E as a Rich table, CSV or JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..output import csv_text, json_text
from . import number, pe
from .layout import Column, Layout, fitted_table

if TYPE_CHECKING:  # the command line reads TABLE_ROWS before it loads any data
    from ..api.holdings import Breakdown


#: Holdings the table shows when --top does not say (CSV and JSON always have every one).
TABLE_ROWS = 25


def breakdown_json(breakdown: Breakdown) -> str:
    return json_text(breakdown.table)


def breakdown_csv(breakdown: Breakdown) -> str:
    return csv_text(breakdown.table)


def breakdown_table(breakdown: Breakdown, *, top: int | None = None, plain: bool = False, width: int = 200):
    """The holdings behind a fund P/E, heaviest first, with whether each entered the trailing P/E."""
    value = breakdown.valuation
    shown = breakdown.table if top is None else breakdown.table.head(top)
    title = (
        f"{breakdown.fund}: {value.holdings:,} holdings, P/E {pe(value.pe_trailing)} trailing, "
        f"{pe(value.pe_forward)} forward ({value.negative_policy} negative earnings)"
    )
    rest = len(breakdown.table) - len(shown)
    caption = (
        f"Data: {breakdown.provenance.data_source}; holdings as of {value.as_of_holdings or 'an unstated date'}; "
        f"prices as of {value.as_of_prices or 'an unstated date'}."
    )
    if rest:
        caption += f" {rest:,} smaller holdings not shown (--top 0 shows all)."
    rows = shown.to_dict("records")

    def cells(render) -> list[str]:
        return [render(r) for r in rows]

    columns = [
        Column("Ticker", cells(lambda r: r["ticker"]), justify="left", style="bold cyan"),
        Column("Name", cells(lambda r: str(r["name"])), priority=3, justify="left", shrink=True, min_width=10, max_width=28),
        Column("Weight", cells(lambda r: f"{r['weight']:.2%}")),
        Column("Price", cells(lambda r: number(r["price"])), priority=6),
        Column("EPS\nttm", cells(lambda r: number(r["eps_trailing"])), priority=7),
        Column("EPS\nfwd", cells(lambda r: number(r["eps_forward"])), priority=8),
        Column("P/E", cells(lambda r: number(r["pe_trailing"], "x"))),
        Column("Fwd\nP/E", cells(lambda r: number(r["pe_forward"], "x")), priority=5),
        Column("In trailing\nP/E?", cells(lambda r: r["trailing"]), justify="left", priority=4),
        Column("Flags", cells(lambda r: r["flags"]), justify="left", priority=9),
    ]
    layout = Layout(title=title, caption=caption, row_styles=[None if r["trailing"] == "included" else "dim" for r in rows])
    return fitted_table(columns, layout, width=width, plain=plain)
