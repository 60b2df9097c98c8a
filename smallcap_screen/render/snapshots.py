"""The stored snapshots for people: a list, and one snapshot in detail."""

from __future__ import annotations

def snapshots_table(infos, *, plain: bool = False, width: int = 200):
    """One row per snapshot, by data date: funds, their holdings' dates, prices, size. Below 90
    columns the origin is left out, below 76 the prices' source too, so no figure is ever cut."""
    from rich import box
    from rich.table import Table

    from .layout import shown

    table = Table(title=f"Stored snapshots ({len(infos)}), by data date", box=box.SIMPLE_HEAD, pad_edge=False, header_style="" if plain else "bold")
    columns = {
        "ID": lambda i: str(i.id),
        "Data date": lambda i: i.data_date.isoformat(),
        "Funds": lambda i: " ".join(i.fund_names),
        "Holdings of": lambda i: _date_span([f.as_of for f in i.funds]),
        "Prices from": lambda i: i.prices_source,
        "Origin": lambda i: i.origin,
        "Lines": lambda i: f"{sum(f.lines for f in i.funds) + i.stocks:,}",
    }
    if width < 90:
        del columns["Origin"]
    if width < 76:
        del columns["Prices from"]
    for header in columns:
        if header == "Prices from":  # what is left of the width, cut short with an ellipsis
            table.add_column(header, no_wrap=True, overflow="ellipsis", max_width=max(10, width - (73 if "Origin" in columns else 64)))
        else:
            table.add_column(header, justify="right" if header in ("ID", "Lines") else "left", no_wrap=header != "Funds")
    for info in infos:
        table.add_row(*(shown(render(info)) for render in columns.values()))
    return table


def _date_span(dates) -> str:
    """``2025-11-05..11-18`` for the holdings' dates of a snapshot (``?`` for an unknown one)."""
    known = sorted(d for d in dates if d)
    if not known:
        return "?"
    first, last = known[0].isoformat(), known[-1].isoformat()
    if first == last:
        return first
    return f"{first}..{last[5:] if first[:4] == last[:4] else last}"


def snapshot_detail(info, *, plain: bool = False, width: int = 200):
    """Everything the store knows about one snapshot, without its rows."""
    from rich import box
    from rich.console import Group

    from .layout import shown
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
        facts.add_row(label, shown(value))
    funds = Table(box=box.SIMPLE_HEAD, pad_edge=False, header_style="" if plain else "bold")
    for header in ("Fund", "Holdings as of", "Lines", "Source"):
        funds.add_column(header, justify="right" if header == "Lines" else "left", no_wrap=header != "Source")
    for f in info.funds:
        funds.add_row(shown(f.fund), f.as_of.isoformat() if f.as_of else "-", f"{f.lines:,}", shown(f.source))
    return Group(facts, funds)


def import_table(run, *, plain: bool = False, width: int = 200):
    """Each fund an import priced (an api.keep.ImportRun): its holdings, the share of their weight
    the export prices, and whether it is in the snapshot kept."""
    from . import pct
    from .layout import Column, Layout, fitted_table

    records = run.records()
    columns = [
        Column("Fund", [r["fund"] for r in records], justify="left", style="bold cyan"),
        Column("Holdings", ["-" if r["holdings"] is None else f"{r['holdings']:,}" for r in records]),
        Column("Priced", [pct(r["priced"]) for r in records]),
        Column("Kept", ["yes" if r["kept"] else "no: left out" for r in records], justify="left"),
        Column("Holdings of", [r["as_of_holdings"] or "-" for r in records], priority=1, justify="left"),
    ]
    provenance = run.provenance
    caption = "\n".join([f"Data: {provenance.data_source}; prices as of {provenance.as_of_prices or 'unknown'}.", *provenance.notes])
    return fitted_table(columns, Layout(title=f"Import: {run.outcome}", caption=caption), width=width, plain=plain)
