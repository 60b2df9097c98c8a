"""A screen's stocks as a Rich table (one row per stock), CSV or JSON."""

from __future__ import annotations

from ..api.screen import ScreenResult
from . import data_line, multiple, number, pct, pe, signed_pct, weights_text
from .layout import Column, Layout, fitted_table


#: Rows a table shows when --top does not say: a screen of a whole fund is 2,000 rows, which
#: nobody reads in a terminal and Rich takes seconds to draw; CSV and JSON always have every row.
TABLE_ROWS = 100


def screen_table(result: ScreenResult, *, plain: bool = False, width: int = 200, rows: int | None = TABLE_ROWS):
    """One row per stock that passed (the first ``rows`` of them), the funds' weights side by
    side; fits ``width`` columns."""
    table = result.table if rows is None else result.table.head(rows)
    facts = result.provenance
    horizon = facts.forward_horizon
    columns = [
        Column("Ticker", list(table["ticker"]), justify="left", style="bold cyan"),
        Column("Name", [str(n) for n in table["name"]], priority=2, justify="left", shrink=True, min_width=10, max_width=28),
        Column("Sector", [str(s) for s in table["sector"]], priority=7, justify="left", shrink=True, min_width=8, max_width=22),
    ]
    for fund in result.funds:
        columns.append(Column(f"{fund}\nweight", [weight(v) for v in table[f"weight_{fund}"]]))
    columns += [
        Column("Market\ncap", [money(v) for v in table["market_cap"]], priority=5),
        Column("Price", [number(v) for v in table["price"]], priority=6),
        Column("P/E\nttm", [pe(v, absent="-") for v in table["pe_trailing"]]),
        Column(f"P/E\n{horizon}", [pe(v, absent="-") for v in table["pe_forward"]]),
        Column(f"Growth\nttm→{horizon}", [signed_pct(v, plain=True) for v in table["earnings_growth"]], priority=3),
        Column("P/B", [multiple(v) for v in table["price_to_book"]], priority=4),
        Column("P/S", [multiple(v) for v in table["price_to_sales"]], priority=4),
        Column("Div\nyield", [pct(v) for v in table["dividend_yield"]], priority=4),
        Column("Flags", [f or "" for f in table["flags"]], priority=8, justify="left", shrink=True, min_width=6, max_width=24),
    ]
    shown = f"the first {len(table):,} of {result.matched:,}" if len(table) < result.matched else f"{result.matched:,}"
    title = f"Stocks of {', '.join(result.funds)}: {shown} passing, of {result.stocks:,}"
    notes = caption(result)
    if len(table) < len(result.table):
        notes += f"\n{len(result.table) - len(table):,} more rows not shown: --top N shows N, --top 0 all, -f csv / -f json every row."
    return fitted_table(columns, Layout(title=title, caption=notes), width=width, plain=plain)


def caption(result: ScreenResult) -> str:
    facts = result.provenance
    losses = "loss-makers show no P/E" if result.method.negative == "exclude" else "loss-makers show a negative P/E"
    return "\n".join(
        [
            data_line(facts),
            f"Weights: {weights_text(facts)} (price-date = shares held x price on the price date).",
            f"P/E ttm = price / last twelve months' EPS; P/E {facts.forward_horizon} = price / {facts.forward_horizon} consensus EPS; "
            f"{losses}. Growth = {facts.forward_horizon} / trailing EPS - 1, cumulative, both positive.",
            "P/B over positive book, P/S over positive sales (else -); dividend yield of the last twelve months (0.0%: pays none). "
            "Flags = values an importer found absurd (set aside in fund figures, shown here).",
        ]
    )


def weight(value: float) -> str:
    """A stock's weight in a fund: 0.26%, and 0.004% for the smallest; "-" where not held."""
    if value != value:
        return "-"
    return f"{value:.2%}" if value >= 0.0001 else f"{value:.3%}"


def money(value: float | None) -> str:
    """A dollar amount in T, B or M: 3.42T, 6.49B, 731M."""
    if value is None or value != value:
        return "-"
    if abs(value) >= 1e12:
        return f"{value / 1e12:,.2f}T"
    return f"{value / 1e9:,.2f}B" if abs(value) >= 1e9 else f"{value / 1e6:,.0f}M"
