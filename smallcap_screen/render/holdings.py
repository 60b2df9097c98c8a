"""The holdings behind a fund P/E as a Rich table, CSV or JSON."""

from __future__ import annotations

from ..comparison import Breakdown
from . import number, pe


def breakdown_json(breakdown: Breakdown) -> str:
    return breakdown.table.to_json(orient="records", indent=2, double_precision=15) + "\n"


def breakdown_csv(breakdown: Breakdown) -> str:
    return breakdown.table.to_csv(index=False)


def breakdown_table(breakdown: Breakdown, *, top: int | None = None, plain: bool = False, width: int = 200):
    """The holdings behind a fund P/E, heaviest first, with whether each entered the trailing P/E."""
    from rich import box
    from rich.table import Table

    value = breakdown.valuation
    shown = breakdown.table if top is None else breakdown.table.head(top)
    title = (
        f"{breakdown.fund}: {value.holdings:,} holdings, P/E {pe(value.pe_trailing)} trailing, "
        f"{pe(value.pe_forward)} forward ({value.negative_policy} negative earnings)"
    )
    rest = len(breakdown.table) - len(shown)
    caption = f"Data: {breakdown.data_source}; holdings as of {value.as_of_holdings}; prices as of {value.as_of_prices}."
    if rest:
        caption += f" {rest:,} smaller holdings not shown (--top 0 shows all)."
    table = Table(title=title, caption=caption, caption_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, header_style="" if plain else "bold")
    table.add_column("Ticker", no_wrap=True, style="" if plain else "bold cyan")
    table.add_column("Name", overflow="ellipsis", no_wrap=True, max_width=28)
    for header in ("Weight", "Price", "EPS ttm", "EPS fwd", "P/E", "Fwd P/E"):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("Trailing P/E", no_wrap=True)
    table.add_column("Flags")
    for row in shown.itertuples(index=False):
        table.add_row(
            row.ticker,
            str(row.name),
            f"{row.weight:.2%}",
            number(row.price),
            number(row.eps_trailing),
            number(row.eps_forward),
            number(row.pe_trailing, "x"),
            number(row.pe_forward, "x"),
            row.trailing,
            row.flags,
            style=None if plain or row.trailing == "included" else "dim",
        )
    return table
