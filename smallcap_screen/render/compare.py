"""The comparison as a Rich table (one row per fund, method in the caption), CSV or JSON."""

from __future__ import annotations

from ..comparison import RECORD_FIELDS, Comparison
from . import pct, pe, signed_pct
from .records import records_csv, records_json

POLICY_TEXT = {
    "exclude": "holdings with negative earnings excluded (iShares / FTSE Russell 'ex-negative' convention)",
    "include": "losses included (aggregate 'own the whole fund' earnings)",
}


def to_json(comparison: Comparison) -> str:
    return records_json(comparison.records())


def to_csv(comparison: Comparison) -> str:
    return records_csv(comparison.records(), RECORD_FIELDS)


#: Terminals narrower than this get the table without its Index column.
NARROW = 110


def comparison_table(comparison: Comparison, *, plain: bool = False, width: int = 200):
    """A rich.table.Table with one row per fund, the as-of dates and the method in the caption."""
    from rich import box
    from rich.table import Table

    table = Table(
        title="Small-cap valuation, bottom-up from full holdings",
        caption=caption(comparison),
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        header_style="" if plain else "bold",
    )
    bench = comparison.benchmark
    with_index = width >= NARROW
    table.add_column("Fund", style="" if plain else "bold cyan", no_wrap=True, min_width=4)
    if with_index:
        table.add_column("Index", overflow="fold")
    records = comparison.records()
    with_reported = any(r["reported_pe_trailing"] is not None for r in records)
    numbers = ["Hold-\nings", "Cover-\nage", "P/E\ntrail", "P/E\nfwd", f"Disc. vs\n{bench} trail", f"Disc. vs\n{bench} fwd", "Loss-\nmakers", "Median\nP/E", "Fwd\ngrowth"]
    if with_reported:
        numbers.append("Yahoo\nP/E")
    for header in numbers:
        table.add_column(header, justify="right", no_wrap=True)
    for record in records:
        missing = record["status"] != "ok"
        index = f"{record['index']} ({record['status_reason']})" if missing else record["index"]
        lead = [record["fund"], index] if with_index else [record["fund"]]
        if missing:
            table.add_row(*lead, *["-"] * len(numbers), style=None if plain else "yellow")
            continue
        table.add_row(
            *lead,
            f"{record['holdings']:,}",
            pct(record["coverage"]),
            pe(record["pe_trailing"]),
            pe(record["pe_forward"]),
            signed_pct(record["discount_trailing"], plain),
            signed_pct(record["discount_forward"], plain),
            pct(record["loss_weight"]),
            pe(record["median_pe"]),
            signed_pct(record["earnings_growth"], plain=True),
            *([pe(record["reported_pe_trailing"], absent="-")] if with_reported else []),
        )
    return table


def caption(comparison: Comparison) -> str:
    records = comparison.records()
    dates = ", ".join(f"{r['fund']} {r['as_of_holdings']}" for r in records if r["status"] == "ok")
    prices = comparison.as_of_prices.isoformat() if comparison.as_of_prices else "unknown"
    lines = [
        f"Data: {comparison.data_source}; holdings as of {dates or '-'}; prices and earnings as of {prices}.",
        "P/E = weighted harmonic mean of holding P/Es (sum of weights / sum of weight x E/P), "
        f"{POLICY_TEXT[comparison.negative_policy]}.",
        f"Trailing = last twelve months' EPS; forward = consensus EPS, horizon {comparison.forward_horizon}. "
        f"Discount = 1 - P/E fund / P/E {comparison.benchmark} (positive = cheaper).",
        "Coverage = fund weight with price and trailing EPS; loss-makers = covered weight with EPS <= 0.",
    ]
    if any(r["reported_pe_trailing"] is not None for r in records):
        lines.append("Yahoo P/E = the fund's trailing P/E as Yahoo reports it, a cross-check computed by Yahoo's own method.")
    missing = [f"{r['fund']} ({r['status_reason']})" for r in records if r["status"] != "ok"]
    if missing:
        lines.append("Missing: " + ", ".join(missing) + ".")
    reasons = {f"{r['fund']}: {r[k]}" for r in records for k in ("pe_trailing_reason", "pe_forward_reason") if r.get(k)}
    if reasons:
        lines.append("n/m = not meaningful: " + "; ".join(sorted(reasons)) + ".")
    return "\n".join(lines)
