"""One fund under every P/E convention as a Rich table (one row per convention), CSV or JSON."""

from __future__ import annotations

from ..api.screen import Explanation
from . import data_line, multiple, pct, pe, signed_pct, weights_text
from .layout import Column, Layout, fitted_table


def figure(value: float | None, unit: str) -> str:
    from ..metrics.conventions import MULTIPLES

    if unit not in MULTIPLES:
        return pct(value)
    return pe(value) if unit == "P/E" else multiple(value, absent="n/m")


#: From this width on, who publishes each convention gets its own column; below, a second line.
WIDE = 100


def explain_table(result: Explanation, *, plain: bool = False, width: int = 200):
    """Convention (and who publishes it), the fund's and the benchmark's figure, the discount."""
    rows = result.rows
    labels = [label(r) for r in rows]
    if width < WIDE:
        labels = [f"{text}\n  {r['publishers']}" for text, r in zip(labels, rows)]
    columns = [
        Column("Convention" if width >= WIDE else "Convention / who publishes it", labels, justify="left", shrink=True, min_width=22, max_width=48),
        Column(result.fund, [figure(r["value"], r["unit"]) for r in rows], style="bold"),
    ]
    if result.benchmark != result.fund:
        columns += [
            Column(result.benchmark, [figure(r["benchmark_value"], r["unit"]) for r in rows]),
            Column("Disc.", [signed_pct(r["discount"], plain) for r in rows], markup=True),
        ]
    if width >= WIDE:
        columns.append(Column("Who publishes it so", [r["publishers"] for r in rows], priority=4, justify="left", shrink=True, min_width=14, max_width=40))
    title = f"{result.fund} P/E by convention" + (f", beside {result.benchmark}" if result.benchmark != result.fund else "")
    return fitted_table(columns, Layout(title=title, caption=caption(result)), width=width, plain=plain)


def label(row: dict) -> str:
    """The convention's name, with the fund's weight it leaves out (top 10, Magnificent 7)."""
    if row["set_aside_weight"] is None:
        return row["label"]
    return f"{row['label']}, {pct(row['set_aside_weight'])} out"


def caption(result: Explanation) -> str:
    facts = result.provenance
    policy = "losses excluded" if result.method.negative == "exclude" else "losses kept"
    lines = [
        data_line(facts),
        f"Weights: {weights_text(facts)} (price-date = shares held x price on the price date). Trailing EPS unless the row names a horizon.",
        f"Rows in brackets follow --negative ({policy}). Disc. = 1 - {result.fund} / {result.benchmark} under that convention "
        f"(positive = cheaper). 'x% out' = {result.fund}'s weight the row leaves out.",
    ]
    both = {r["label"] for r in result.rows if r["value"] is None and r["benchmark_value"] is None and r["reason"] == r["benchmark_reason"]}
    reasons = sorted({f"{'' if r['label'] in both else result.fund + ' '}{r['label']}: {r['reason']}" for r in result.rows if r["value"] is None and r["reason"]})
    reasons += sorted(
        {
            f"{result.benchmark} {r['label']}: {r['benchmark_reason']}"
            for r in result.rows
            if r["benchmark_value"] is None and r["benchmark_reason"] and r["label"] not in both
        }
    )
    if reasons:
        lines.append("n/m = not meaningful (for both funds unless one is named): " + "; ".join(reasons) + ".")
    return "\n".join(lines)
