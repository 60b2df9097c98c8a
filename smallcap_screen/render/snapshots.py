"""The stored snapshots for people: a list, and one snapshot in detail."""

from __future__ import annotations

import json


def snapshots_table(infos, *, plain: bool = False, width: int = 200):
    """One row per snapshot, by data date: funds with their holdings' dates, prices, size."""
    from rich import box
    from rich.table import Table

    table = Table(title=f"Stored snapshots ({len(infos)}), by data date", box=box.SIMPLE_HEAD, pad_edge=False, header_style="" if plain else "bold")
    table.add_column("ID", justify="right", no_wrap=True)
    table.add_column("Data date", no_wrap=True)
    table.add_column("Funds (holdings as of)")
    table.add_column("Prices")
    table.add_column("Origin", no_wrap=True)
    table.add_column("Lines", justify="right", no_wrap=True)
    for info in infos:
        funds = ", ".join(f"{f.fund} {f.as_of or '?'}" if f.as_of != info.data_date else f.fund for f in info.funds)
        table.add_row(
            str(info.id), info.data_date.isoformat(), funds, f"{info.prices_source} {info.prices_as_of or ''}".strip(), info.origin,
            f"{sum(f.lines for f in info.funds) + info.stocks:,}",
        )
    return table


def snapshots_json(infos) -> str:
    return json.dumps([i.to_dict() for i in infos], indent=2) + "\n"


def snapshot_detail(info, *, plain: bool = False, width: int = 200):
    """Everything the store knows about one snapshot, without its rows."""
    from rich import box
    from rich.console import Group
    from rich.table import Table

    facts = Table.grid(padding=(0, 2))
    facts.add_column(no_wrap=True)
    facts.add_column()
    for label, value in (
        ("id", str(info.id)),
        ("data date", info.data_date.isoformat()),
        ("taken at", f"{info.taken_at:%Y-%m-%d %H:%M:%S %Z}".strip()),
        ("origin", info.origin),
        ("label", info.label),
        ("prices", f"{info.prices_source}, as of {info.prices_as_of or 'unknown'}, forward horizon {info.forward_horizon}"),
        ("stocks priced", f"{info.stocks:,}"),
    ):
        facts.add_row(label, value)
    funds = Table(box=box.SIMPLE_HEAD, pad_edge=False, header_style="" if plain else "bold")
    for header in ("Fund", "Holdings as of", "Lines", "Source"):
        funds.add_column(header, justify="right" if header == "Lines" else "left", no_wrap=header != "Source")
    for f in info.funds:
        funds.add_row(f.fund, f.as_of.isoformat() if f.as_of else "-", f"{f.lines:,}", f.source)
    return Group(facts, funds)
