"""The comparison as a Rich table (one row per fund, method in the caption), CSV or JSON."""

from __future__ import annotations

from ..api.compare import Comparison
from . import multiple, pct, pe, signed_pct
from .layout import Column, Layout, fitted_table

#: Marks a P/E whose coverage is below the threshold (the caption says so).
LOW = "!"
#: Marks a fund whose holdings are older than vocabulary.OLD_HOLDINGS_DAYS (the caption says so).
OLD = "*"

POLICY_TEXT = {
    "exclude": "holdings with negative earnings excluded (iShares / FTSE Russell 'ex-negative' convention)",
    "include": "losses included (aggregate 'own the whole fund' earnings)",
}


def comparison_table(comparison: Comparison, *, plain: bool = False, width: int = 200):
    """One row per fund, the as-of dates and the method in the caption; fits ``width`` columns."""
    records = comparison.records()
    ok = [r["status"] == "ok" for r in records]  # the caption says why a fund is missing

    def figures(render) -> list[str]:
        return [render(r) if good else "-" for r, good in zip(records, ok)]

    columns = [
        Column("Fund", [r["fund"] + (OLD if r["old_holdings"] else "") for r in records], justify="left", style="bold cyan"),
        Column("Index", [r["index"] for r in records], priority=9, justify="left", shrink=True, min_width=16, max_width=30),
        Column("Hold-\nings", figures(lambda r: f"{r['holdings']:,}"), priority=6),
        Column("Cover-\nage", figures(lambda r: pct(r["coverage"]))),
        Column("P/E\ntrail", figures(lambda r: marked(r["pe_trailing"], r["low_coverage"]))),
        Column(f"P/E\n{comparison.provenance.forward_horizon}", figures(lambda r: marked(r["pe_forward"], r["low_coverage_forward"]))),
        Column("Disc.\ntrail", figures(lambda r: signed_pct(r["discount_trailing"], plain)), markup=True),
        Column("Disc.\nfwd", figures(lambda r: signed_pct(r["discount_forward"], plain)), markup=True),
        Column("Loss-\nmakers", figures(lambda r: pct(r["loss_weight"])), priority=5),
        Column("Median\nP/E", figures(lambda r: pe(r["median_pe"])), priority=7),
        Column(f"Growth\nttm→{comparison.provenance.forward_horizon}", figures(lambda r: signed_pct(r["earnings_growth"], plain=True)), priority=8),
        Column("P/B", figures(lambda r: multiple(r["price_to_book"])), priority=3),
        Column("P/S", figures(lambda r: multiple(r["price_to_sales"])), priority=3),
    ]
    if any(r["reported_pe_trailing"] is not None for r in records):
        columns.append(Column("Yahoo\nP/E", figures(lambda r: pe(r["reported_pe_trailing"], absent="-")), priority=4))
    layout = Layout(
        title=f"Small-cap valuation vs {comparison.benchmark}, bottom-up from full holdings",
        caption=caption(comparison),
        row_styles=[None if good else "yellow" for good in ok],
    )
    return fitted_table(columns, layout, width=width, plain=plain)


def marked(value: float | None, low_coverage: bool) -> str:
    """A P/E, with LOW when its coverage is below the threshold."""
    return pe(value) + (LOW if low_coverage and value is not None else "")


def share_basis_text(actions: str) -> str:
    """``corporate_actions`` shortened: the splits, then the holdings at issuer weight together."""
    named = [a.split(" ", 1) for a in actions.split("; ")]
    splits = [f"{ticker} {what}" for ticker, what in named if what != "issuer weight"]
    issuer = [ticker for ticker, what in named if what == "issuer weight"]
    return ", ".join([*splits, *([f"issuer weight for {' '.join(issuer)}"] if issuer else [])])


def holdings_age_lines(records: list[dict]) -> list[str]:
    """What the caption says about holdings from N-PORT and about old holdings (none: nothing)."""
    from ..vocabulary import OLD_HOLDINGS_DAYS

    lines = []
    nport = [f"{r['fund']} {r['as_of_holdings']} ({r['holdings_age_days']} days old)" for r in records if r["status"] == "ok" and r["holdings_origin"] == "nport"]
    if nport:
        lines.append(
            "Holdings from SEC Form N-PORT, filed quarterly and public up to 60 days after the quarter (so up to ~5 months old; "
            f"weights have drifted since): {', '.join(nport)}."
        )
    old = [r["fund"] for r in records if r["status"] == "ok" and r["old_holdings"]]
    if old:
        lines.append(f"{OLD} = holdings older than {OLD_HOLDINGS_DAYS} days on the price date: {', '.join(old)}.")
    return lines


def caption(comparison: Comparison) -> str:
    records = comparison.records()
    dates = ", ".join(f"{r['fund']} {r['as_of_holdings'] or '(undated)'}" for r in records if r["status"] == "ok")
    shown = [r for r in records if r["status"] == "ok"]
    if len({(r["data_source"], r["as_of_prices"]) for r in shown}) > 1:  # offline, funds from several snapshots
        data = "; ".join(f"{r['fund']} {r['data_source']}" for r in shown)
        prices = ", ".join(f"{r['fund']} {r['as_of_prices'] or 'unknown'}" for r in shown)
    else:
        data = comparison.provenance.data_source
        prices = comparison.provenance.as_of_prices.isoformat() if comparison.provenance.as_of_prices else "unknown"
    lines = [
        f"Data: {data}; holdings as of {dates or '-'}; prices and earnings as of {prices}.",
        "P/E = weighted harmonic mean of holding P/Es (sum of weights / sum of weight x E/P), "
        f"{POLICY_TEXT[comparison.method.negative]}.",
        f"Trailing = last twelve months' EPS; {comparison.provenance.forward_horizon} = consensus EPS of the "
        f"{'current' if comparison.provenance.forward_horizon == 'FY1' else 'next'} fiscal year. "
        f"Disc. = discount vs {comparison.benchmark} = 1 - P/E fund / P/E {comparison.benchmark} (positive = cheaper).",
        "Coverage = fund weight with price and trailing EPS; loss-makers = covered weight with EPS <= 0. "
        f"Growth = implied earnings growth, {comparison.provenance.forward_horizon} consensus / trailing GAAP earnings - 1, cumulative (not a yearly rate).",
        "P/B, P/S = weighted harmonic means over the holdings with positive book / with sales, "
        "whatever the earnings policy.",
        "Weights: " + ", ".join(f"{r['fund']} {r['weighting']}" for r in records if r["status"] == "ok")
        + " (price-date = shares held x price on the price date; holdings-date = the issuer's weights)"
        + f"; each discount takes {comparison.benchmark} at the fund's weighting.",
    ]
    mixed = [f"{r['fund']} ({r['weighting']} vs {r['benchmark_weighting']})" for r in records if r["status"] == "ok" and r["benchmark_weighting"] and r["benchmark_weighting"] != r["weighting"]]
    if mixed:
        lines.append(f"Discounts that mix weightings ({comparison.benchmark} has no share counts): {', '.join(mixed)}.")
    lines.extend(holdings_age_lines(records))
    actions = [f"{r['fund']} {share_basis_text(r['corporate_actions'])}" for r in records if r["status"] == "ok" and r["corporate_actions"]]
    if actions:
        lines.append("Put on the price date's share basis (splits between the price and holdings dates): " + "; ".join(actions) + ".")
    low = [
        f"{r['fund']} {what} {pct(r[field])}"
        for r in records if r["status"] == "ok"
        for what, field, flag in (("trailing", "coverage", "low_coverage"), (comparison.provenance.forward_horizon, "coverage_forward", "low_coverage_forward"))
        if r[flag]
    ]
    if low:
        threshold = next(r["coverage_threshold"] for r in records if r["status"] == "ok")
        lines.append(f"{LOW} = coverage below {pct(threshold)}, the P/E speaks for part of the fund: {', '.join(low)}.")
    flagged = [f"{r['fund']} {r['flagged_holdings']} ({pct(r['flagged_weight'])})" for r in records if r["status"] == "ok" and r["flagged_holdings"]]
    if flagged:
        lines.append(f"Holdings with absurd data set aside: {', '.join(flagged)}.")
    implausible = [f"{r['fund']} {r['implausible_holdings']} ({pct(r['implausible_weight'])})" for r in records if r["status"] == "ok" and r["implausible_holdings"]]
    if implausible:
        lines.append(f"Holdings with an implausible E/P, B/P or S/P, left out of that figure: {', '.join(implausible)}.")
    if any(r["reported_pe_trailing"] is not None for r in records):
        lines.append("Yahoo P/E = the fund's trailing P/E as Yahoo reports it, a cross-check computed by Yahoo's own method.")
    missing = [f"{r['fund']} ({r['status_reason']})" for r in records if r["status"] != "ok"]
    if missing:
        lines.append("Missing: " + ", ".join(missing) + ".")
    reasons: dict[str, list[str]] = {}
    for r in records:
        for what, key in (("trailing", "pe_trailing_reason"), (comparison.provenance.forward_horizon, "pe_forward_reason")):
            if r.get(key):
                reasons.setdefault(r[key], []).append(f"{r['fund']} {what}")
    if reasons:
        lines.append("n/m = not meaningful: " + "; ".join(f"{', '.join(who)}: {why}" for why, who in reasons.items()) + ".")
    return "\n".join(lines)
