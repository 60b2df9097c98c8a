"""The history of a comparison as a Rich table."""

from __future__ import annotations

from . import pct, pe, signed_pct


def history_table(records: list[dict], *, benchmark: str, plain: bool = False, width: int = 200):
    """One row per fund and snapshot, oldest first: how P/E and the discount moved."""
    from rich import box
    from rich.table import Table

    table = Table(title=f"Valuation history (discount vs {benchmark})", box=box.SIMPLE_HEAD, pad_edge=False, header_style="" if plain else "bold")
    for header in ("Snapshot", "Fund", "Holdings as of", "Prices as of", "Coverage", "P/E trail", "P/E fwd", "Disc. trail", "Disc. fwd"):
        table.add_column(header, justify="left" if header in ("Snapshot", "Fund") else "right", no_wrap=True)
    for r in records:
        table.add_row(
            r["snapshot"], r["fund"], r["as_of_holdings"] or "-", r["as_of_prices"] or "-", pct(r["coverage"]),
            pe(r["pe_trailing"]), pe(r["pe_forward"]),
            signed_pct(r["discount_trailing"], plain), signed_pct(r["discount_forward"], plain),
        )
    return table
