"""The report as one self-contained HTML file: Jinja2 (autoescaped) over the API's result objects.

Every figure is formatted by the same helpers as the terminal tables (render/__init__.py), from
the same records the CLI writes as JSON, so the report and `compare -f json` cannot disagree.
Charts are inline SVG from render/chart.py; the CSS is inline; no script, font or image is
fetched from anywhere when the file is opened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import pct, pe, signed_pct

if TYPE_CHECKING:
    from ..api.report import Report

#: Rows of each holdings table in the report.
TOP_ROWS = 10


def report_html(report: "Report") -> str:
    """The whole report as HTML text."""
    from importlib import resources

    import jinja2

    templates = resources.files(__package__) / "templates"
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    template = environment.from_string((templates / "report.html.j2").read_text(encoding="utf-8"))
    return template.render(r=_view(report), css=(templates / "report.css").read_text(encoding="utf-8"))


def _view(report: "Report") -> dict:
    """What the template shows, every figure already written as text."""
    from markupsafe import Markup  # the charts are SVG that matplotlib wrote, its text escaped

    from . import chart

    charted = report.history is not None and bool(report.history.records())
    comparison = report.comparison
    records = comparison.records()
    provenance = report.provenance
    return {
        "title": report.title,
        "version": report.version,
        "generated": report.generated.isoformat(timespec="seconds"),
        "command": report.command,
        "subtitle": _subtitle(report, records),
        "warnings": list(provenance.warnings),
        "notes": list(provenance.notes),
        "benchmark": comparison.benchmark,
        "forward_horizon": comparison.provenance.forward_horizon,
        "as_of_prices": records[0]["as_of_prices"] if records else None,
        "data_source": provenance.data_source,
        "headline": [_headline_row(r) for r in records],
        "changes": [_change_row(c) for c in report.standings],
        "changes_note": _changes_note(report),
        "history_svg": Markup(chart.history_svg(report.history)) if charted else "",
        "history_caption": "Solid lines and dots: snapshots taken live (or imported); dashed: backfilled from dated issuer files and SEC filings." if charted else "",
        "sectors": [_sector_row(row) for row in report.sector_totals()],
        "sectors_svg": Markup(chart.decomposition_svg(report.sector_totals(), comparison.benchmark)) if report.sectors else "",
        "losses_svg": Markup(chart.loss_makers_svg(records)) if any(r["status"] == "ok" for r in records) else "",
        "explanations": [_ladder(e) for e in report.explanations],
        "holdings": [_holdings(b) for b in report.breakdowns],
        "methodology": report.methodology(),
        "snapshots": [{"id": s.id, "data_date": s.data_date.isoformat(), "origin": s.origin, "checksum": s.checksum} for s in report.snapshots],
        "snapshots_note": "The figures come from the bundled reference snapshot or from live data not kept in a store: no stored snapshot is named.",
    }


def _subtitle(report: "Report", records: list[dict]) -> str:
    method = report.method
    policy = "negative earnings excluded" if method.negative == "exclude" else "negative earnings included"
    funds = ", ".join(r["fund"] for r in records)
    return f"{funds} against {report.comparison.benchmark}; {policy}; {method.weighting} weights; forward {report.comparison.provenance.forward_horizon}; generated {report.generated:%Y-%m-%d %H:%M} UTC."


def _headline_row(record: dict) -> dict:
    discount = record.get("discount_trailing")
    return {
        **record,
        "holdings_text": f"{record['holdings']:,}" if record.get("holdings") is not None else "-",
        "coverage_text": pct(record.get("coverage")),
        "pe_text": pe(record.get("pe_trailing")),
        "fwd_pe_text": pe(record.get("pe_forward")),
        "discount_text": signed_pct(discount, plain=True),
        "fwd_discount_text": signed_pct(record.get("discount_forward"), plain=True),
        "discount_class": "" if discount is None or abs(discount) < 0.0005 else "cheaper" if discount > 0 else "dearer",
        "loss_text": pct(record.get("loss_weight")),
    }


def _change_row(change) -> dict:
    return {
        "fund": change.fund,
        "pe_now": pe(change.pe_now, "-"),
        "pe_previous": _delta_pe(change.pe_now, change.pe_previous),
        "pe_year": _delta_pe(change.pe_now, change.pe_year_ago),
        "discount_now": signed_pct(change.discount_now, plain=True),
        "discount_previous": _delta_points(change.discount_now, change.discount_previous),
        "discount_year": _delta_points(change.discount_now, change.discount_year_ago),
        "percentile": "-" if change.percentile is None else f"{change.percentile:.0%}",
        "range": _range(change),
        "span": f"{change.first} .. {change.last} ({change.observations} snapshots)" if change.first else "-",
    }


def _range(change) -> str:
    if change.minimum is None:
        return "-"
    low = f"{signed_pct(change.minimum, plain=True)} ({change.minimum_date})"
    high = f"{signed_pct(change.maximum, plain=True)} ({change.maximum_date})"
    return f"{low} to {high}"


def _delta_pe(now: float | None, then: float | None) -> str:
    if now is None or then is None:
        return "-"
    return f"{round(now - then, 1) + 0.0:+.1f}x (from {then:.1f}x)"  # + 0.0: never "-0.0"


def _delta_points(now: float | None, then: float | None) -> str:
    if now is None or then is None:
        return "-"
    return f"{round((now - then) * 100, 1) + 0.0:+.1f} pts"


def _changes_note(report: "Report") -> str:
    if not report.standings:
        return ""
    return (
        "From the figures kept in the store under the same negative-earnings policy and benchmark. "
        "'A year ago' is the stored snapshot nearest to 365 days before the latest data date, within 45 days. "
        "The percentile places today's trailing discount among every stored one (live and backfilled)."
    )


def _sector_row(total: dict) -> dict:
    return {
        "fund": total["fund"],
        "pe": pe(total.get("pe")),
        "benchmark_pe": pe(total.get("benchmark_pe")),
        **{e: _points(total.get(f"{e}_pe")) for e in ("mix", "within", "interaction", "total")},
        "at_benchmark_mix": pe(total.get("pe_at_benchmark_mix")),
    }


def _points(value: float | None) -> str:
    return "-" if value is None else f"{round(value, 1) + 0.0:+.1f}"


def _ladder(explanation) -> dict:
    from .explain import figure, label

    rows = explanation.records()
    reasons = sorted({f"{r['label']}: {r['reason']}" for r in rows if r["value"] is None and r["reason"]})
    return {
        "fund": explanation.fund,
        "benchmark": explanation.benchmark,
        "rows": [
            {
                "label": label(r), "publishers": r["publishers"], "value": figure(r["value"], r["unit"]),
                "benchmark_value": figure(r["benchmark_value"], r["unit"]), "discount": signed_pct(r["discount"], plain=True),
            }
            for r in rows
        ],
        "reasons": "; ".join(reasons),
    }


def _holdings(breakdown) -> dict:
    from ..metrics.valuation import earnings_contributions

    table = breakdown.table
    largest = table.head(TOP_ROWS)
    contributors = earnings_contributions(table).head(TOP_ROWS)
    counts = table["trailing"].value_counts()
    left_out = [f"{reason} {count} ({pct(table.loc[table['trailing'] == reason, 'weight'].sum())})" for reason, count in counts.items() if reason != "included"]
    return {
        "fund": breakdown.fund,
        "largest": [_holding_row(row) for row in largest.to_dict(orient="records")],
        "contributors": [{**_holding_row(row), "share": pct(row["share"])} for row in contributors.to_dict(orient="records")],
        "set_aside": "; ".join(left_out) + "." if left_out else "nothing: every holding entered the trailing P/E.",
    }


def _holding_row(row: dict) -> dict:
    return {"ticker": row["ticker"], "name": row["name"], "weight": pct(row["weight"]), "pe": pe(row["pe_trailing"], "-"), "trailing": row["trailing"]}
