"""The words the API and the command line share, each defined once.

Kept free of heavy imports so that the CLI can build its options from them without loading pandas.
"""

from __future__ import annotations

#: How holdings with negative earnings enter a fund P/E (see README, "Methodology").
#: exclude: only E > 0, weights renormalised (iShares, FTSE Russell, Morningstar);
#: include: every covered holding, losses kept (S&P, FactSet, Yardeni).
NEGATIVE_POLICIES: tuple[str, ...] = ("exclude", "include")

#: Which weights a fund's figures use (see README, "Methodology" and metrics/weighting.py).
#: price-date: shares held x price on the price date, where the issuer gives share counts;
#: holdings-date: the issuer's weights on the holdings date.
WEIGHTINGS: tuple[str, ...] = ("price-date", "holdings-date")

#: Forward earnings horizon: fy1 = current fiscal year consensus (Yahoo epsCurrentYear);
#: fy2 = next fiscal year (Yahoo epsForward, finviz Forward P/E).
FORWARDS: tuple[str, ...] = ("fy1", "fy2")

#: ``screen --sort`` names and the stock-table column each sorts by.
SCREEN_SORT_KEYS: dict[str, str] = {
    "weight": "weight", "pe": "pe_trailing", "fwd-pe": "pe_forward", "cap": "market_cap", "pb": "price_to_book",
    "growth": "earnings_growth", "price": "price", "ticker": "ticker", "name": "name", "sector": "sector",
}

#: Where data comes from: auto (live, falling back to local data with a note), live (an unreachable
#: network is an error), offline (newest stored snapshot, else the bundled one).
DATA_MODES: tuple[str, ...] = ("auto", "live", "offline")

#: Output formats every result command writes. ``table`` is for people; the rest for programs.
OUTPUT_FORMATS: tuple[str, ...] = ("table", "csv", "json")
