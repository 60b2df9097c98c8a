"""The history as a chart (PNG or SVG) with matplotlib, imported only when a chart is asked for."""

from __future__ import annotations

from pathlib import Path

#: File types a chart can be written as (by the --plot file's extension).
CHART_FORMATS = (".png", ".svg")


#: Each metric `history --metric` follows (vocabulary.HISTORY_METRICS) as a chart panel: its axis
#: label and title ({benchmark} filled in); shares are drawn in percent, multiples as they are.
PANELS: dict[str, tuple[str, str]] = {
    "pe": ("P/E (x)", "Fund P/E, trailing twelve months"),
    "fwd_pe": ("forward P/E (x)", "Fund P/E, forward (next fiscal year)"),
    "discount": ("discount vs {benchmark} (%)", "Discount to {benchmark} on trailing P/E (positive = cheaper)"),
    "fwd_discount": ("forward discount vs {benchmark} (%)", "Discount to {benchmark} on forward P/E (positive = cheaper)"),
    "loss_weight": ("loss-makers (% of weight)", "Weight of holdings with trailing earnings at or below zero"),
    "coverage": ("coverage (% of weight)", "Weight of holdings whose trailing earnings yield is known (coverage)"),
}
#: Spans of data dates (days) under which every tick names its day, else its month, with the year.
DAY_TICKS_UNDER = 62
MONTH_TICKS_UNDER = 730


def history_chart(history, path: Path, *, forward: bool = False, metric: str | None = None) -> None:
    """The history chart (:func:`history_figure`) written to ``path`` as PNG or SVG by its
    extension, atomically (a failure leaves no partial file)."""
    from ..output import write_atomically

    figure = history_figure(history, forward=forward, metric=metric)
    write_atomically(Path(path), _saved(figure, Path(path).suffix.lower().lstrip(".")), what="chart ")


def history_svg(history, *, forward: bool = False) -> str:
    """The history chart of P/E and discount as an inline ``<svg>`` element (for the report)."""
    return _inline_svg(history_figure(history, forward=forward), "history")


def history_figure(history, *, forward: bool = False, metric: str | None = None):
    """One line per fund over the data dates: with ``metric`` (a key of :data:`PANELS`) one panel
    of that metric; without, two panels, P/E on top and the discount to the benchmark below
    (forward ones with ``forward``). A legend, and a caption with policy, horizon, coverage and data dates."""
    metrics = [metric] if metric else (["fwd_pe", "fwd_discount"] if forward else ["pe", "discount"])
    two = len(metrics) == 2
    figure = _new_figure((10, 7) if two else (10, 4.5))
    panels = figure.subplots(len(metrics), 1, sharex=True, squeeze=False, height_ratios=[3, 2] if two else None)
    backfilled = {(r["fund"], r["data_date"]) for r in history.records() if r.get("origin") == "backfill"}
    for axes, shown in zip(panels[:, 0], metrics):
        _panel(axes, history, shown, backfilled)
    bottom = panels[-1, 0]
    bottom.set_xlabel("data date")
    _date_axis(bottom, sorted({d for trend in history.trends(metrics[0]) for d in trend.dates}))
    figure.text(0.01, 0.01, history_caption(history), fontsize=8, color="dimgrey", ha="left", va="bottom", wrap=True)
    figure.tight_layout(rect=(0, 0.08 if len(metrics) == 1 else 0.05, 1, 1))
    return figure


def _panel(axes, history, metric: str, backfilled: set[tuple[str, str]]) -> None:
    """One metric's lines, axis label, title and legend; discounts leave out the benchmark's own (0) line."""
    label, title = (text.format(benchmark=history.benchmark) for text in PANELS[metric])
    multiple = metric in ("pe", "fwd_pe")
    for trend in history.trends(metric):
        if metric.endswith("discount") and trend.fund == history.benchmark:
            continue
        _series(axes, trend, [_nan(v) if multiple else _pct(v) for v in trend.values], backfilled)
    if metric.endswith("discount"):
        axes.axhline(0, color="grey", linewidth=0.8)
    axes.set_ylabel(label)
    axes.set_title(title, loc="left", fontsize=11)
    axes.grid(True, alpha=0.3)
    if axes.lines:
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)  # beside, never over a line


def _date_axis(axes, dates: list) -> None:
    """Ticks that each say their date with its year: days over a span of a few weeks, every month
    (from the first of the first month to the first after the last) over a span under two years,
    else matplotlib's choice of years and months (years named at each year)."""
    import datetime as dt

    import matplotlib.dates as mdates

    span = (dates[-1] - dates[0]).days if dates else 0
    if span < DAY_TICKS_UNDER:
        locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))
    elif span < MONTH_TICKS_UNDER:
        first = dates[0].replace(day=1)
        after = (dates[-1].replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        months = (after.year - first.year) * 12 + after.month - first.month
        axes.set_xlim(first, after)
        axes.xaxis.set_major_locator(mdates.MonthLocator(interval=max(1, -(-months // 12))))
        axes.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
        axes.tick_params(axis="x", labelrotation=30)
    else:
        locator = mdates.AutoDateLocator()
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _series(axes, trend, values: list[float], backfilled: set[tuple[str, str]]) -> None:
    """One fund's line: solid over snapshots taken live (or imported), thin and dashed over
    backfilled ones, so a reader tells reconstructed history from what was seen at the time."""
    kept = [(d, v) for d, v in zip(trend.dates, values) if (trend.fund, d.isoformat()) not in backfilled]
    if len(kept) == len(values):
        axes.plot(trend.dates, values, label=trend.fund, linewidth=1.6)
        return
    (line,) = axes.plot(trend.dates, values, label=f"{trend.fund} (dashed: backfilled)", linewidth=1.0, linestyle="--")
    if kept:
        axes.plot([d for d, _ in kept], [v for _, v in kept], color=line.get_color(), linewidth=1.6, marker="o", markersize=3)


def decomposition_svg(totals: list[dict], benchmark: str) -> str:
    """Each fund's P/E gap to the benchmark split into sector mix, valuation within sectors and
    interaction (the ``All sectors`` rows of ``sectors``), as horizontal stacked bars in P/E points."""
    effects = (("mix_pe", "sector mix", "#4c72b0"), ("within_pe", "within sectors", "#dd8452"), ("interaction_pe", "interaction", "#8c8c8c"))
    funds = [t["fund"] for t in totals]
    figure = _new_figure((10, 0.6 * len(funds) + 1.4))
    axes = figure.subplots()
    for position, total in enumerate(totals):
        left_negative = left_positive = 0.0
        for key, label, colour in effects:
            value = total.get(key) or 0.0
            start = left_negative if value < 0 else left_positive
            axes.barh(position, value, left=start, color=colour, label=label if position == 0 else None, height=0.55)
            if value < 0:
                left_negative += value
            else:
                left_positive += value
        if total.get("total_pe") is not None:
            axes.plot([total["total_pe"]], [position], marker="D", color="black", label="total" if position == 0 else None)
    axes.axvline(0, color="grey", linewidth=0.8)
    axes.set_yticks(range(len(funds)), funds)
    axes.invert_yaxis()
    axes.set_xlabel(f"P/E points of the gap to {benchmark} (negative = cheaper)")
    axes.grid(True, axis="x", alpha=0.3)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)
    figure.tight_layout()
    return _inline_svg(figure, "sectors")


def loss_makers_svg(records: list[dict]) -> str:
    """Share of each fund's weight and of its holdings with trailing earnings at or below zero."""
    rows = [r for r in records if r["status"] == "ok"]
    funds = [r["fund"] for r in rows]
    figure = _new_figure((10, 0.6 * len(funds) + 1.4))
    axes = figure.subplots()
    height = 0.38
    positions = range(len(funds))
    axes.barh([p - height / 2 for p in positions], [_pct(r["loss_weight"]) for r in rows], height=height, label="by weight", color="#c44e52")
    axes.barh([p + height / 2 for p in positions], [_pct(r["loss_count_share"]) for r in rows], height=height, label="by count", color="#e8a5a7")
    axes.set_yticks(list(positions), funds)
    axes.invert_yaxis()
    axes.set_xlabel("loss-makers (%)")
    axes.grid(True, axis="x", alpha=0.3)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)
    figure.tight_layout()
    return _inline_svg(figure, "losses")


def _new_figure(size: tuple[float, float]):
    """A figure of its own, outside pyplot: no GUI toolkit is loaded, and a notebook's pyplot
    backend and figures are left as they were (savefig picks the Agg or SVG canvas by format)."""
    from matplotlib.figure import Figure

    return Figure(figsize=size)


def _saved(figure, file_format: str) -> bytes:
    import io

    buffer = io.BytesIO()
    # No creation date in the file: the same history gives the same bytes.
    figure.savefig(buffer, format=file_format, dpi=110, metadata={"Date": None} if file_format == "svg" else None)
    return buffer.getvalue()


def _inline_svg(figure, prefix: str) -> str:
    """The figure as an ``<svg>`` element to put in HTML: text kept as text, no XML prologue,
    and every id prefixed so that several charts on one page never share one."""
    import re

    import matplotlib

    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": prefix}):
        text = _saved(figure, "svg").decode("utf-8")
    text = text[text.index("<svg"):]
    text = re.sub(r'id="([^"]+)"', rf'id="{prefix}-\1"', text)
    return re.sub(r'(url\(#|href="#)([^)"]+)', rf"\1{prefix}-\2", text)


def history_caption(history) -> str:
    records = history.records()
    dates = sorted({r["data_date"] for r in records})
    coverage = [r["coverage"] for r in records if r.get("coverage") is not None]
    holdings = sorted({r["as_of_holdings"] for r in records if r.get("as_of_holdings")})
    parts = [
        f"negative earnings: {history.method.negative}",
        f"forward horizon: {records[0].get('forward_horizon') or '-'}" if records else "",
        f"coverage {min(coverage):.0%}-{max(coverage):.0%}" if coverage else "",
        f"data dates {dates[0]} .. {dates[-1]} ({len(dates)} snapshots)" if dates else "",
        f"holdings as of {holdings[0]} .. {holdings[-1]}" if holdings else "",
    ]
    return "smallcap-screen history: " + "; ".join(p for p in parts if p)


def _nan(value: float | None) -> float:
    return float("nan") if value is None else value


def _pct(value: float | None) -> float:
    return float("nan") if value is None else value * 100
