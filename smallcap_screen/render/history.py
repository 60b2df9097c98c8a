"""The history of a comparison for people: per fund a sparkline and where today stands, or the
full dated series as a table."""

from __future__ import annotations

from . import pct, pe, signed_pct

SPARK_LEVELS = "▁▂▃▄▅▆▇█"
#: What each ``--metric`` is called in a title, and how its values are written.
METRIC_TITLES = {
    "pe": "Trailing P/E",
    "fwd_pe": "Forward P/E",
    "discount": "Trailing discount",
    "fwd_discount": "Forward discount",
    "loss_weight": "Weight of loss-makers",
    "coverage": "Coverage",
}
#: The metrics measured against the benchmark (written as signed percentages).
DISCOUNT_METRICS = ("discount", "fwd_discount")
#: Columns of the stored-records table whose cells carry the tool's own markup (coloured discounts).
MARKUP_COLUMNS = ("Disc.", "Fwd disc.")


def metric_text(metric: str, value: float | None, plain: bool = True) -> str:
    if metric in ("pe", "fwd_pe"):
        return pe(value, "-")
    if metric in DISCOUNT_METRICS:
        return signed_pct(value, plain)
    return pct(value)


def sparkline(values: list[float | None], width: int) -> str:
    """``values`` drawn in at most ``width`` characters (averaged in equal buckets when longer);
    a blank where a bucket has no value."""
    if len(values) > width:
        buckets = [values[i * len(values) // width:(i + 1) * len(values) // width] for i in range(width)]
        values = [_mean([v for v in b if v is not None]) for b in buckets]
    known = [v for v in values if v is not None]
    if not known:
        return " " * len(values)
    low, high = min(known), max(known)
    span = high - low
    if span <= 1e-9 * max(abs(low), abs(high)):  # flat but for rounding noise: draw it flat
        span = 0
    top = len(SPARK_LEVELS) - 1
    return "".join(" " if v is None else SPARK_LEVELS[round((v - low) / span * top) if span else top // 2] for v in values)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def trends_table(history, metric: str, *, plain: bool = False, width: int = 80):
    """One row per fund: latest value, sparkline, min, max, the latest value's percentile, count.
    The sparkline takes the room the figures leave (8 to 60 characters), so no figure is cut."""
    from .layout import Column, Layout, fitted_table, spare_width

    trends = history.trends(metric)
    discount = metric in DISCOUNT_METRICS
    if discount:  # the benchmark's discount to itself is zero every week: a row only when asked alone
        trends = [t for t in trends if t.fund != history.benchmark] or trends
    dates = sorted({d for t in trends for d in t.dates})
    span = "no data" if not dates else f"{dates[0]}" if len(dates) == 1 else f"{dates[0]} .. {dates[-1]}"
    versus = f" vs {history.benchmark}" if discount else ""
    layout = Layout(title=f"{METRIC_TITLES[metric]}{versus} ({history.method.negative} negative earnings), {span}")

    def columns(spark_width: int) -> list[Column]:
        return [
            Column("Fund", [t.fund for t in trends], justify="left"),
            Column("Latest", [metric_text(metric, t.latest, plain) for t in trends], markup=True),
            Column("Trend", [sparkline(t.values, spark_width) for t in trends], justify="left"),
            Column("Min", [metric_text(metric, t.minimum) for t in trends]),
            Column("Max", [metric_text(metric, t.maximum) for t in trends]),
            Column("Pctile", ["-" if t.percentile is None else f"{t.percentile:.0%}" for t in trends], priority=2),
            Column("Obs", [str(len(t.values)) for t in trends], priority=1),
        ]

    narrowest = 8
    spark_width = max(narrowest, min(60, narrowest + spare_width(columns(narrowest), layout, width=width, plain=plain)))
    table = fitted_table(columns(spark_width), layout, width=width, plain=plain)
    extremes = "; ".join(f"{t.fund} {t.minimum_on} / {t.maximum_on}" for t in trends if t.minimum_on)
    if extremes:
        table.caption = f"min / max on: {extremes}"
    return table


def series_table(history, *, plain: bool = False, width: int = 200):
    """Every fund on every data date: P/E, discount, coverage and loss weight (the last two are
    left out below 72 columns, so that no figure is ever cut)."""
    from rich import box
    from rich.table import Table

    from .layout import shown

    table = Table(
        title=f"Valuation history (discount vs {history.benchmark}, {history.method.negative} negative earnings)",
        box=box.SIMPLE_HEAD, pad_edge=False, header_style="" if plain else "bold",
    )
    columns = {
        "Date": lambda r: r["data_date"],
        "Fund": lambda r: r["fund"],
        "P/E": lambda r: pe(r["pe_trailing"]),
        "Fwd P/E": lambda r: pe(r["pe_forward"]),
        "Disc.": lambda r: signed_pct(r["discount_trailing"], plain),
        "Fwd disc.": lambda r: signed_pct(r["discount_forward"], plain),
        "Cover.": lambda r: pct(r["coverage"]),
        "Losses": lambda r: pct(r["loss_weight"]),
    }
    if width < 72:
        del columns["Cover."], columns["Losses"]
    for header in columns:
        table.add_column(header, justify="left" if header in ("Date", "Fund") else "right", no_wrap=True)
    for r in history.records():
        table.add_row(*(render(r) if header in MARKUP_COLUMNS else shown(render(r)) for header, render in columns.items()))
    return table


#: Rows of stored holdings a table shows; ``export --what holdings`` and ``to_frame()`` have all.
HOLDINGS_ROWS = 100


def holdings_history_table(result, *, plain: bool = False, width: int = 200):
    """The stored holdings behind :func:`series_table`, by data date and fund: weight, price and
    trailing EPS of each (the first HOLDINGS_ROWS rows)."""
    from . import number
    from .layout import Column, Layout, fitted_table

    table = result.table
    shown = table.head(HOLDINGS_ROWS).to_dict("records")
    columns = [
        Column("Date", [r["data_date"] for r in shown], justify="left"),
        Column("Fund", [r["fund"] for r in shown], justify="left", style="bold cyan"),
        Column("Ticker", [str(r["ticker"]) for r in shown], justify="left"),
        Column("Name", [str(r["name"]) for r in shown], priority=3, justify="left", shrink=True, min_width=10, max_width=28),
        Column("Weight", [pct(r["weight"]) for r in shown]),
        Column("Price", [number(r["price"]) for r in shown], priority=2),
        Column("EPS\nttm", [number(r["eps_trailing"]) for r in shown], priority=1),
    ]
    caption = f"Data: {result.provenance.data_source}."
    if len(table) > len(shown):
        caption += f" {len(table) - len(shown):,} more rows not shown: `export --what holdings` or to_frame() has every row."
    return fitted_table(columns, Layout(title=f"Stored holdings ({len(table):,} rows)", caption=caption), width=width, plain=plain)
