"""Rendering results for people (Rich tables) and programs (CSV, JSON); one module per command group.

No data work happens here: renderers read result objects and records. The figure formats every
table shares are below, so a P/E or a percentage reads the same in every command.
"""

from __future__ import annotations


def pe(value: float | None, absent: str = "n/m") -> str:
    """A P/E as ``18.6x``; ``absent`` when there is none."""
    return absent if value is None or value != value else f"{value:.1f}x"


def multiple(value: float | None, absent: str = "-") -> str:
    """A P/B or P/S as ``1.90x``: two decimals, since they run from 0.1x to 10x."""
    return absent if value is None or value != value else f"{value:.2f}x"


def pct(value: float | None) -> str:
    """A fraction as a percentage, one decimal below 99.5%."""
    return "-" if value is None or value != value else f"{value:.0%}" if value >= 0.995 else f"{value:.1%}"


def signed_pct(value: float | None, plain: bool) -> str:
    """A signed percentage, green when positive (cheaper) and red when negative on a styled table."""
    if value is None or value != value:
        return "-"
    text = f"{value:+.1%}"
    if plain or abs(value) < 0.0005:
        return text
    return f"[green]{text}[/]" if value > 0 else f"[red]{text}[/]"


def number(value: float | None, suffix: str = "") -> str:
    return "-" if value is None or value != value else f"{value:,.2f}{suffix}"  # NaN != NaN


def data_line(facts) -> str:
    """Where the figures of a screener result came from (its Provenance), for a caption."""
    dates = ", ".join(f"{f} {d or '(undated)'}" for f, d in facts.as_of_holdings.items())
    prices = facts.as_of_prices.isoformat() if facts.as_of_prices else "unknown"
    return f"Data: {facts.data_source}; holdings as of {dates}; prices and earnings as of {prices}."


def weights_text(facts) -> str:
    """Each fund's weighting, e.g. ``IWM price-date, IJR holdings-date``."""
    return ", ".join(f"{f} {w}" for f, w in facts.weighting.items())
