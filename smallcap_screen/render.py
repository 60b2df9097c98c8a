"""Turn a Comparison into a Rich table, CSV or JSON text. No data work happens here."""

from __future__ import annotations

import csv
import io
import json

from .comparison import RECORD_FIELDS, Breakdown, Comparison

FORMATS = ("table", "csv", "json")

POLICY_TEXT = {
    "exclude": "holdings with negative earnings excluded (iShares / FTSE Russell 'ex-negative' convention)",
    "include": "losses included (aggregate 'own the whole fund' earnings)",
}


def to_json(comparison: Comparison) -> str:
    return records_json(comparison.records())


def to_csv(comparison: Comparison) -> str:
    return records_csv(comparison.records(), RECORD_FIELDS)


def records_json(records: list[dict]) -> str:
    return json.dumps(records, indent=2, allow_nan=False) + "\n"


def records_csv(records: list[dict], fields: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue()


def history_table(records: list[dict], *, benchmark: str, plain: bool = False):
    """One row per fund and snapshot, oldest first: how P/E and the discount moved."""
    from rich import box
    from rich.table import Table

    table = Table(title=f"Valuation history (discount vs {benchmark})", box=box.SIMPLE_HEAD, pad_edge=False, header_style="" if plain else "bold")
    for header in ("Snapshot", "Fund", "Holdings as of", "Prices as of", "Coverage", "P/E trail", "P/E fwd", "Disc. trail", "Disc. fwd"):
        table.add_column(header, justify="left" if header in ("Snapshot", "Fund") else "right", no_wrap=True)
    for r in records:
        table.add_row(
            r["snapshot"], r["fund"], r["as_of_holdings"] or "-", r["as_of_prices"] or "-", _pct(r["coverage"]),
            _pe(r["pe_trailing"]), _pe(r["pe_forward"]),
            _signed_pct(r["discount_trailing"], plain), _signed_pct(r["discount_forward"], plain),
        )
    return table


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
            _pct(record["coverage"]),
            _pe(record["pe_trailing"]),
            _pe(record["pe_forward"]),
            _signed_pct(record["discount_trailing"], plain),
            _signed_pct(record["discount_forward"], plain),
            _pct(record["loss_weight"]),
            _pe(record["median_pe"]),
            _signed_pct(record["earnings_growth"], plain=True),
            *([_pe(record["reported_pe_trailing"], absent="-")] if with_reported else []),
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


def _pe(value: float | None, absent: str = "n/m") -> str:
    return absent if value is None else f"{value:.1f}x"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}" if value >= 0.995 else f"{value:.1%}"


def _signed_pct(value: float | None, plain: bool) -> str:
    if value is None:
        return "-"
    text = f"{value:+.1%}"
    if plain:
        return text
    if abs(value) < 0.0005:
        return text
    return f"[green]{text}[/]" if value > 0 else f"[red]{text}[/]"


def breakdown_json(breakdown: Breakdown) -> str:
    return breakdown.table.to_json(orient="records", indent=2, double_precision=15) + "\n"


def breakdown_csv(breakdown: Breakdown) -> str:
    return breakdown.table.to_csv(index=False)


def breakdown_table(breakdown: Breakdown, *, top: int | None = None, plain: bool = False):
    """The holdings behind a fund P/E, heaviest first, with whether each entered the trailing P/E."""
    from rich import box
    from rich.table import Table

    value = breakdown.valuation
    shown = breakdown.table if top is None else breakdown.table.head(top)
    title = (
        f"{breakdown.fund}: {value.holdings:,} holdings, P/E {_pe(value.pe_trailing)} trailing, "
        f"{_pe(value.pe_forward)} forward ({value.negative_policy} negative earnings)"
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
            _number(row.price),
            _number(row.eps_trailing),
            _number(row.eps_forward),
            _number(row.pe_trailing, "x"),
            _number(row.pe_forward, "x"),
            row.trailing,
            row.flags,
            style=None if plain or row.trailing == "included" else "dim",
        )
    return table


def _number(value: float, suffix: str = "") -> str:
    return "-" if value != value else f"{value:,.2f}{suffix}"  # NaN != NaN
