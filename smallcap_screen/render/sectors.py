"""Funds by sector beside the benchmark, and the gap decomposition, as Rich tables, CSV or JSON."""

from __future__ import annotations

from ..api.screen import ALL_SECTORS, SectorView
from ..metrics.sectors import GapDecomposition
from . import data_line, pct, pe, signed_number, signed_pct, weights_text
from .layout import Column, Layout, fitted_table

EFFECT_NAMES = {"mix": "Mix: sector weights", "within": "Within: valuation in sectors", "interaction": "Interaction", "total": "Total gap"}


def sectors_tables(view: SectorView, *, plain: bool = False, width: int = 200):
    """Per fund: its sectors beside the benchmark's; each sector's share of the gap by cause; and
    the gap split into mix, valuation and interaction in yield, P/E and discount terms."""
    from rich.console import Group
    from rich.text import Text

    parts = []
    records = view.records()
    for fund in view.funds:
        rows = [r for r in records if r["fund"] == fund]
        parts += [
            sector_table(view, fund, rows, plain=plain, width=width),
            effects_table(view, fund, rows, plain=plain, width=width),
            gap_table(view, view.gaps[fund], plain=plain, width=width),
            Text(""),
        ]
    parts.append(Text(caption(view)))
    return Group(*parts)


def sector_table(view: SectorView, fund: str, rows: list[dict], *, plain: bool, width: int):
    """Weight, P/E and loss-makers by sector, the fund beside the benchmark."""
    bench = view.benchmark
    columns = [
        Column("Sector", [r["sector"] for r in rows], justify="left", shrink=True, min_width=10, max_width=24),
        Column(f"{fund}\nweight", [pct(r["weight"]) for r in rows]),
        Column(f"{bench}\nweight", [pct(r["benchmark_weight"]) for r in rows]),
        Column(f"{fund}\nP/E", [pe(r["pe"], absent="-") for r in rows]),
        Column(f"{bench}\nP/E", [pe(r["benchmark_pe"], absent="-") for r in rows]),
        Column(f"{fund}\nlosses", [pct(r["loss_weight"]) for r in rows], priority=1),
        Column(f"{bench}\nlosses", [pct(r["benchmark_loss_weight"]) for r in rows], priority=2),
    ]
    styles = ["bold" if r["sector"] == ALL_SECTORS else None for r in rows]
    title = f"{fund} vs {bench} by sector ({view.method.negative} negative earnings)"
    return fitted_table(columns, Layout(title=title, row_styles=styles), width=width, plain=plain)


def effects_table(view: SectorView, fund: str, rows: list[dict], *, plain: bool, width: int):
    """Each sector's part of the gap, by cause: P/E points where both P/Es exist, else yield points."""
    gap = view.gaps[fund]
    unit = "P/E pts" if gap.meaningful else "yield pp"

    def effect(row: dict, name: str) -> str:
        if gap.meaningful:
            return signed_number(row[f"{name}_pe"])
        return signed_number(row[name] * 100)

    columns = [Column("Sector", [r["sector"] for r in rows], justify="left", shrink=True, min_width=10, max_width=24)]
    short = {"mix": "Mix", "within": "Within", "interaction": "Inter.", "total": "Total"}
    columns += [Column(f"{short[e]}\n{unit}", [effect(r, e) for r in rows]) for e in short]
    styles = ["bold" if r["sector"] == ALL_SECTORS else None for r in rows]
    title = f"{fund} vs {view.benchmark}: each sector's part of the gap"
    return fitted_table(columns, Layout(title=title, row_styles=styles), width=width, plain=plain)


def gap_table(view: SectorView, gap: GapDecomposition, *, plain: bool, width: int):
    effects = {"mix": gap.mix, "within": gap.within, "interaction": gap.interaction, "total": gap.total}
    columns = [
        Column("Gap, split", [EFFECT_NAMES[e] for e in effects], justify="left", shrink=True, min_width=14, max_width=30),
        Column("Earnings\nyield", [f"{signed_number(v * 100)}pp" for v in effects.values()]),
        Column("P/E\npoints", [signed_number(gap.in_pe(v)) for v in effects.values()]),
        Column("Discount\npoints", [signed_pct(gap.in_discount(v), plain) for v in effects.values()], markup=True),
    ]
    lines = [f"{gap.fund} {pe(gap.pe_fund)} vs {gap.benchmark} {pe(gap.pe_benchmark)}."]
    if gap.meaningful:
        lines.append(
            f"{gap.fund} at {gap.benchmark}'s sector weights: {pe(gap.counterfactual_pe(gap.within))}; "
            f"{gap.benchmark} at {gap.fund}'s sector weights: {pe(gap.counterfactual_pe(gap.mix))}."
        )
    else:
        lines.append("No P/E to split (aggregate earnings <= 0): the gap is shown in earnings yield only.")
    title = f"{gap.fund} vs {gap.benchmark}: the gap in earnings yield, by cause"
    return fitted_table(columns, Layout(title=title, caption="\n".join(lines), row_styles=[None, None, None, "bold"]), width=width, plain=plain)


def caption(view: SectorView) -> str:
    facts = view.provenance
    return "\n".join(
        [
            data_line(facts),
            f"Weights: {weights_text(facts)}. Sector P/E = harmonic mean over the sector's holdings ({view.method.negative} negative earnings); "
            "losses = covered weight with trailing EPS <= 0. Sectors an issuer leaves out come from another fund's file naming the stock.",
            "Gap = fund minus benchmark earnings yield (1 / P/E) = sector mix + valuation within sectors + interaction, "
            "exactly (Brinson-Fachler, README 'Methodology'); P/E points sum to the P/E difference, discount points to the discount.",
        ]
    )

