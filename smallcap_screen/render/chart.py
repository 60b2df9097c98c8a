"""The history as a chart (PNG or SVG) with matplotlib, imported only when a chart is asked for."""

from __future__ import annotations

from pathlib import Path

#: File types a chart can be written as (by the --plot file's extension).
CHART_FORMATS = (".png", ".svg")


def history_chart(history, path: Path, *, forward: bool = False) -> None:
    """Two panels over the data dates, one line per fund: P/E on top, the discount to the
    benchmark below; a legend, and a caption with policy, horizon, coverage and data dates.
    Written atomically (a failure leaves no partial file)."""
    import io

    import matplotlib

    matplotlib.use("Agg")  # no display needed, and no GUI toolkit imported
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    from ..output import write_atomically

    pe_metric, discount_metric = ("fwd_pe", "fwd_discount") if forward else ("pe", "discount")
    horizon = "forward (next fiscal year)" if forward else "trailing twelve months"
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(10, 7), sharex=True, height_ratios=[3, 2])
    for trend in history.trends(pe_metric):
        top.plot(trend.dates, [_nan(v) for v in trend.values], label=trend.fund, linewidth=1.6)
    for trend in history.trends(discount_metric):
        if trend.fund != history.benchmark:
            bottom.plot(trend.dates, [_pct(v) for v in trend.values], label=trend.fund, linewidth=1.6)
    bottom.axhline(0, color="grey", linewidth=0.8)
    top.set_ylabel("P/E (x)")
    top.set_title(f"Fund P/E, {horizon}", loc="left", fontsize=11)
    bottom.set_ylabel(f"discount vs {history.benchmark} (%)")
    bottom.set_title(f"Discount to {history.benchmark} (positive = cheaper)", loc="left", fontsize=11)
    bottom.set_xlabel("data date")
    for axes in (top, bottom):
        axes.grid(True, alpha=0.3)
        if axes.lines:
            axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)  # beside, never over a line
    locator = mdates.AutoDateLocator()
    bottom.xaxis.set_major_locator(locator)
    bottom.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    figure.text(0.01, 0.01, _caption(history), fontsize=8, color="dimgrey", ha="left", va="bottom", wrap=True)
    figure.tight_layout(rect=(0, 0.05, 1, 1))
    buffer = io.BytesIO()
    figure.savefig(buffer, format=Path(path).suffix.lower().lstrip("."), dpi=110)
    plt.close(figure)
    write_atomically(Path(path), buffer.getvalue(), what="chart ")


def _caption(history) -> str:
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
