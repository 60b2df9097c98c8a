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
#: fy2 = next fiscal year (Yahoo epsForward, finviz Forward P/E); ntm = next twelve months
#: (FactSet, Yardeni): w * FY1 + (1 - w) * FY2 per company, w the share of its current fiscal year
#: still ahead on the price date (metrics/frame.py).
FORWARDS: tuple[str, ...] = ("fy1", "fy2", "ntm")

#: What a point-in-time trailing EPS is computed from, in order of preference (see
#: metrics/trailing_eps.py): diluted EPS as filed, basic EPS as filed, or net income divided by
#: the weighted diluted share count, quarter by quarter.
EPS_BASES: tuple[str, ...] = ("diluted", "basic", "net_income_per_diluted_share")

#: Below this share of the fund's weight, a P/E speaks for a minority of the fund: it is still
#: computed, and marked ``low_coverage`` (the config's ``coverage_threshold`` changes it).
COVERAGE_THRESHOLD = 0.9

#: Holdings older than this many days on the price date are marked ``old_holdings``: weights have
#: drifted and a quarterly index rebalance has likely passed since. An N-PORT report is public up
#: to 60 days after its quarter ends and is replaced by the next one a quarter later, so N-PORT
#: holdings are 60 to ~150 days old; issuers' daily files are a few days old.
OLD_HOLDINGS_DAYS = 120

#: What a fund's holdings are (``holdings_origin``), wherever a run had them from (``holdings_source``:
#: downloaded, stored, bundled): the issuer's own file, the fund's SEC Form N-PORT report, or the
#: user's holdings file.
HOLDINGS_ORIGINS: tuple[str, ...] = ("issuer", "nport", "file")

#: ``screen --sort`` names and the stock-table column each sorts by.
SCREEN_SORT_KEYS: dict[str, str] = {
    "weight": "weight", "pe": "pe_trailing", "fwd-pe": "pe_forward", "cap": "market_cap", "pb": "price_to_book", "ps": "price_to_sales",
    "yield": "dividend_yield", "growth": "earnings_growth", "price": "price", "ticker": "ticker", "name": "name", "sector": "sector",
}

#: Where data comes from: auto (live, falling back to local data with a note), live (an unreachable
#: network is an error), offline (newest stored snapshot, else the bundled one).
DATA_MODES: tuple[str, ...] = ("auto", "live", "offline")

#: How often `backfill` rebuilds a snapshot: on the last business day of each day, week or month.
BACKFILL_PERIODS: tuple[str, ...] = ("day", "week", "month")

#: Output formats every result command writes. ``table`` is for people; the rest for programs.
OUTPUT_FORMATS: tuple[str, ...] = ("table", "csv", "json")

#: What ``history --metric`` can follow, and the record field each one reads.
HISTORY_METRICS: dict[str, str] = {
    "pe": "pe_trailing",
    "fwd_pe": "pe_forward",
    "discount": "discount_trailing",
    "fwd_discount": "discount_forward",
    "loss_weight": "loss_weight",
    "coverage": "coverage",
}

#: Field order of ``Comparison.records()`` — the stable CSV/JSON names scripts depend on.
RECORD_FIELDS = [
    "fund", "name", "index", "status", "status_reason", "holdings_source", "holdings_origin",
    "holdings", "coverage", "coverage_forward", "low_coverage", "low_coverage_forward", "coverage_threshold",
    "pe_trailing", "pe_trailing_reason", "pe_forward", "pe_forward_reason",
    "benchmark", "benchmark_weighting", "discount_trailing", "discount_forward", "relative_pe_trailing", "relative_pe_forward",
    "loss_weight", "loss_count_share", "median_pe", "weighted_median_pe",
    "earnings_growth", "earnings_growth_basis", "eps_growth_next_year", "price_to_book", "price_to_book_coverage",
    "price_to_sales", "price_to_sales_coverage", "dividend_yield", "dividend_yield_coverage", "top10_weight", "mag7_weight",
    "set_aside_weight", "flagged_holdings", "flagged_weight", "implausible_holdings", "implausible_weight", "reported_pe_trailing", "reported_pe_forward",
    "negative_policy", "forward_horizon", "fiscal_year_unknown", "forward_losses", "weighting", "corporate_actions",
    "as_of_holdings", "holdings_age_days", "old_holdings", "as_of_prices", "data_source",
]
