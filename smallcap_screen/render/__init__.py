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


def unsigned_zero(text: str) -> str:
    """A signed figure that rounds to zero without its sign: "0.00", never "-0.00" or "+0.00"."""
    digits = text.lstrip("+-")
    return digits if not any(c in "123456789" for c in digits) else text


def signed_number(value: float | None, decimals: int = 2) -> str:
    """``value`` with its sign ("+1.25", "-0.40"), "0.00" when it rounds to zero, "-" when missing."""
    return "-" if value is None or value != value else unsigned_zero(f"{value:+.{decimals}f}")


def signed_pct(value: float | None, plain: bool) -> str:
    """A signed percentage, green when positive (cheaper) and red when negative on a styled table."""
    if value is None or value != value:
        return "-"
    text = unsigned_zero(f"{value:+.1%}")
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
